//! PDF through the Typst compiler embedded as a library, in a closed world:
//! generated source, the document's images, and fonts compiled into the binary.
//! Every text run is emitted as a Typst string literal, so no data can be read
//! as markup. Output is tagged PDF/A-2a and PDF/UA-1 with title, language and a
//! fixed date.
//!
//! The vertical rhythm follows the house style's `[avstand]` the way Word adds
//! space (a paragraph's space after plus the next one's space before), so the
//! PDF and the DOCX paginate alike.

use std::fmt::Write;

use typst::foundations::{Bytes, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use super::world::{self, lit};
use super::{Assets, Renderer};
use crate::diag::{Error, Result};
use crate::doc::{Block, Document, Inline, Table};
use crate::theme::{Align, ParaStyle, Theme};

pub struct Pdf;

/// Where list markers sit and where the text of a list item starts, per level.
pub const LIST_INDENT_MM: f32 = 1.5;
pub const LIST_MARKER_MM: f32 = 5.0;

fn rgb(theme: &Theme, name: &str) -> String {
    format!("rgb(\"#{}\")", theme.color(name))
}

fn inlines(out: &mut String, items: &[Inline]) {
    for i in items {
        match i {
            Inline::Text(t) if t.is_empty() => {}
            Inline::Text(t) => {
                out.push('#');
                out.push_str(&lit(t));
            }
            Inline::Strong(c) => {
                out.push_str("#strong[");
                inlines(out, c);
                out.push(']');
            }
            Inline::Emph(c) => {
                out.push_str("#emph[");
                inlines(out, c);
                out.push(']');
            }
            Inline::Link { url, content } => {
                let _ = write!(out, "#link({})[", lit(url));
                inlines(out, content);
                out.push(']');
            }
            Inline::LineBreak => out.push_str("#linebreak()"),
        }
    }
}

/// The `text(..)` arguments of a paragraph style, empty when it sets none.
fn text_args(theme: &Theme, st: &ParaStyle) -> String {
    let mut args = Vec::new();
    if let Some(f) = &st.font {
        args.push(format!("font: {}", lit(f)));
    }
    if let Some(s) = st.size {
        args.push(format!("size: {s}pt"));
    }
    if st.bold {
        args.push("weight: \"bold\"".into());
    }
    if st.italic {
        args.push("style: \"italic\"".into());
    }
    if let Some(c) = &st.color {
        args.push(format!("fill: {}", rgb(theme, c)));
    }
    args.join(", ")
}

/// The `text(..)` arguments of a heading's style: every property set, so
/// Typst's own heading look (larger, bold) never shows through.
fn heading_text_args(theme: &Theme, st: &ParaStyle) -> String {
    format!(
        "font: {}, size: {}pt, weight: \"{}\", style: \"{}\", fill: {}",
        lit(st.font.as_deref().unwrap_or(&theme.font)),
        st.size.unwrap_or(theme.font_size),
        if st.bold { "bold" } else { "regular" },
        if st.italic { "italic" } else { "normal" },
        rgb(theme, st.color.as_deref().unwrap_or("tekst"))
    )
}

/// The space between lines for a line height (a multiple of the font's
/// single line, as Word sets it), in ems.
fn leading(font: &str, line: f32) -> f64 {
    let (body, single) = world::line_metrics(font);
    (f64::from(line) * single - body).max(0.0)
}

/// `set` rules (code, each ending in `;`) for a style's own line height and
/// indents, as Word template styles may have them; empty when it has none.
fn par_rules(theme: &Theme, st: &ParaStyle) -> String {
    let mut out = String::new();
    if let Some(l) = st.line {
        let _ =
            write!(out, "set par(leading: {:.4}em); ", leading(st.font.as_deref().unwrap_or(&theme.font), l));
    }
    match st.first_line_mm {
        Some(f) if f > 0.0 => {
            let _ = write!(out, "set par(first-line-indent: (amount: {f}mm, all: true)); ");
        }
        Some(f) if f < 0.0 => {
            let _ = write!(out, "set par(hanging-indent: {}mm); ", -f);
        }
        _ => {}
    }
    out
}

/// The left inset of a style's block: its indent, less a hanging first line.
fn inset(st: &ParaStyle) -> String {
    let left = st.indent_mm.unwrap_or(0.0) + st.first_line_mm.filter(|f| *f < 0.0).unwrap_or(0.0);
    if left.abs() > 0.01 {
        format!("inset: (left: {left}mm), ")
    } else {
        String::new()
    }
}

fn align_of(a: Align) -> &'static str {
    match a {
        Align::Left => "left",
        Align::Center => "center",
        Align::Right => "right",
    }
}

/// A block in a paragraph style: Word's space after the previous paragraph plus
/// this one's space before, this one's space after, kept with the next when asked.
fn styled_block(out: &mut String, theme: &Theme, st: &ParaStyle, body: impl FnOnce(&mut String)) {
    let p = theme.spacing.paragraph_pt;
    let above = st.space_before_pt.unwrap_or(0.0) + p;
    let below = st.space_after_pt.unwrap_or(p).max(p);
    let sticky = if st.keep_with_next { "sticky: true, " } else { "" };
    let args = text_args(theme, st);
    let _ = write!(out, "#block(above: {above}pt, below: {below}pt, {sticky}{}width: 100%)[", inset(st));
    if !args.is_empty() {
        let _ = writeln!(out, "#set text({args})");
    }
    for rule in par_rules(theme, st).split("; ").filter(|r| !r.is_empty()) {
        let _ = writeln!(out, "#{rule}");
    }
    let _ = writeln!(out, "#set align({})", align_of(st.align()));
    body(out);
    out.push_str("]\n\n");
}

fn blocks(out: &mut String, theme: &Theme, items: &[Block]) {
    for b in items {
        block(out, theme, b);
    }
}

fn block(out: &mut String, theme: &Theme, b: &Block) {
    match b {
        Block::Title(content) => {
            out.push_str("#title[");
            inlines(out, content);
            out.push_str("]\n\n");
        }
        Block::Heading { level, content, class } => {
            match class.as_ref().and_then(|c| theme.classes.get(c)) {
                // A heading in a named style: its look, its place in the outline.
                Some(st) => {
                    let st = ParaStyle { keep_with_next: true, ..st.clone() };
                    // The heading's own show-set (a larger bold text) must not apply.
                    let args = heading_text_args(theme, &st);
                    let _ = writeln!(out, "#[#show heading: it => {{ set text({args}); it.body }}");
                    styled_block(out, theme, &st, |out| {
                        let _ = write!(out, "#heading(level: {level})[");
                        inlines(out, content);
                        out.push(']');
                    });
                    out.push_str("]\n\n");
                }
                None => {
                    let _ = write!(out, "#heading(level: {level})[");
                    inlines(out, content);
                    out.push_str("]\n\n");
                }
            }
        }
        Block::Paragraph(c) => {
            inlines(out, c);
            out.push_str("\n\n");
        }
        Block::List { ordered, items } => {
            // A list has a paragraph's space around it; inside it, items (and
            // nested lists) are spaced like list items.
            let sp = &theme.spacing;
            let _ = write!(
                out,
                "#block(above: {0}pt, below: {0}pt)[#set par(spacing: {1}pt)\n#set block(spacing: {1}pt)\n",
                sp.paragraph_pt, sp.list_pt
            );
            list(out, theme, *ordered, items);
            out.push_str("]\n\n");
        }
        Block::Table(t) => {
            // Around a table a paragraph's space; inside its cells, list spacing and hyphenation.
            let sp = &theme.spacing;
            let _ = write!(
                out,
                "#block(above: {0}pt, below: {0}pt, width: 100%)[#set par(spacing: {1}pt)\n#set block(spacing: {1}pt)\n#set text(hyphenate: true)\n",
                sp.paragraph_pt, sp.list_pt
            );
            table(out, theme, t);
            out.push_str("]\n\n");
        }
        Block::Image(img) => {
            let width = img.width_mm.map(|w| format!(", width: {w}mm")).unwrap_or_default();
            let _ = writeln!(
                out,
                "#image({}, alt: {}{width})\n",
                lit(&asset_path("assets", &img.src)),
                lit(&img.alt)
            );
        }
        Block::Chart(c) => {
            out.push_str(&super::chart::typst(c, theme));
            out.push('\n');
        }
        Block::Styled { class, blocks: inner } => {
            let st = theme.classes.get(class).cloned().unwrap_or_default();
            styled_block(out, theme, &st, |out| blocks(out, theme, inner));
        }
        Block::PageBreak => out.push_str("#pagebreak(weak: true)\n\n"),
    }
}

/// A list's items; a nested list is written in place.
fn list(out: &mut String, theme: &Theme, ordered: bool, items: &[Vec<Block>]) {
    out.push_str(if ordered { "#enum(" } else { "#list(" });
    for item in items {
        out.push('[');
        for b in item {
            match b {
                Block::List { ordered, items } => list(out, theme, *ordered, items),
                other => block(out, theme, other),
            }
        }
        out.push_str("],");
    }
    out.push_str(")\n");
}

fn table(out: &mut String, theme: &Theme, t: &Table) {
    let cols: Vec<String> = t.widths.iter().map(|w| format!("{w}fr")).collect();
    let _ = writeln!(
        out,
        "#table(columns: ({},), fill: (x, y) => if y < {} {{ {} }},",
        cols.join(", "),
        t.header_rows,
        rgb(theme, "tabellhode")
    );
    let cell = |out: &mut String, c: &[Block], head: bool| {
        out.push('[');
        if head {
            let _ = writeln!(out, "#set text(fill: {}, weight: \"bold\")", rgb(theme, "tabellhode_tekst"));
        }
        blocks(out, theme, c);
        out.push_str("],\n");
    };
    if t.header_rows > 0 {
        out.push_str("table.header(repeat: true,\n");
        for row in t.rows.iter().take(t.header_rows) {
            for c in row {
                cell(out, c, true);
            }
        }
        out.push_str("),\n");
    }
    for row in t.rows.iter().skip(t.header_rows) {
        for c in row {
            cell(out, c, false);
        }
    }
    out.push_str(")\n\n");
}

/// The path in the compiler's world of a picture named as the user or a Word
/// template wrote it: the name itself when it is plain (`logo.png`,
/// `bilder/kart.png`), else a name made from its bytes, so a `..` or an odd
/// character can never leave the world's root.
pub(crate) fn asset_path(dir: &str, name: &str) -> String {
    let plain_part = |p: &str| {
        !p.is_empty()
            && p != "."
            && p != ".."
            && p.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    };
    if name.split('/').all(plain_part) {
        return format!("/{dir}/{name}");
    }
    let hex: String = name.bytes().map(|b| format!("{b:02x}")).collect();
    let ext = name.rsplit_once('.').map(|(_, e)| e).filter(|e| plain_part(e) && !e.contains('.'));
    match ext {
        Some(e) => format!("/{dir}/x{hex}.{}", e.to_ascii_lowercase()),
        None => format!("/{dir}/x{hex}"),
    }
}

/// The Typst source of a document: preamble from the house style, then the body.
pub fn source(doc: &Document, theme: &Theme, assets: &Assets) -> String {
    source_in(doc, theme, &super::marginal::marginals(theme, assets))
}

/// The Typst source of a document with its header and footer made.
fn source_in(doc: &Document, theme: &Theme, marginals: &super::marginal::Marginals) -> String {
    let mut s = String::new();
    let m = &doc.meta;
    let keywords: Vec<String> = m.keywords.iter().map(|k| lit(k)).collect();
    let _ = writeln!(
        s,
        "#set document(title: {}, author: {}, description: {}, keywords: ({},), date: datetime(year: {}, month: {}, day: {}))",
        lit(&m.title),
        lit(&m.author),
        lit(&m.subject),
        keywords.join(", "),
        chrono::Datelike::year(&m.date),
        chrono::Datelike::month(&m.date),
        chrono::Datelike::day(&m.date),
    );
    let (lang, region) = m.lang.split_once('-').unwrap_or((&m.lang, ""));
    let sp = &theme.spacing;
    // Lines as Word sets them: a multiple of the font's single line height.
    let (body, single) = world::line_metrics(&theme.font);
    let leading = (f64::from(sp.line) * single - body).max(0.0);
    let _ = writeln!(
        s,
        "#set text(font: {}, size: {}pt, lang: {}, region: {}, hyphenate: false, fill: {}, top-edge: \"ascender\", bottom-edge: \"descender\")",
        lit(&theme.font),
        theme.font_size,
        lit(lang),
        lit(region),
        rgb(theme, "tekst")
    );
    let p = &theme.page;
    let (width, height) = p.size_mm();
    // Header and footer at their distances from the page's edges, as Word sets
    // them: each is placed in an area from its edge of the page as large as
    // the page, so that a tall logo is laid out whole.
    s.push_str(&marginals.preamble);
    let _ = writeln!(
        s,
        "#set page(width: {width}mm, height: {height}mm, margin: (top: {:.3}mm, bottom: {:.3}mm, left: {}mm, right: {}mm), header-ascent: -{height}mm, footer-descent: -{height}mm, header: {}, footer: {})",
        marginals.margin_top_mm,
        marginals.margin_bottom_mm,
        p.margin_left_mm,
        p.margin_right_mm,
        marginals.header,
        marginals.footer,
    );
    let _ = writeln!(s, "#set par(spacing: {}pt, leading: {leading:.4}em)", sp.paragraph_pt);
    let _ = writeln!(s, "#set block(spacing: {}pt)", sp.paragraph_pt);
    let marker = |m: &str| format!("box(width: {LIST_MARKER_MM}mm, align(left)[{m}])");
    let _ = writeln!(
        s,
        "#set list(marker: ({}, {}, {}), indent: {LIST_INDENT_MM}mm, body-indent: 0pt, spacing: {}pt)",
        marker("•"),
        marker("–"),
        marker("▪"),
        sp.list_pt
    );
    let _ = writeln!(
        s,
        "#set enum(numbering: n => box(width: {LIST_MARKER_MM}mm, align(left)[#n.]), indent: {LIST_INDENT_MM}mm, body-indent: 0pt, spacing: {}pt)",
        sp.list_pt
    );
    // Tables: rows never split across pages, header rows repeat, narrow text is hyphenated.
    // Word sets a cell's line a whole single line high (with the font's line
    // gap); Typst's text box has no gap: a cell padded less than half the gap
    // (Word's own Table Grid pads 0) gets that much, or its text touches the rules.
    let half_gap = (single - body) / 2.0 * f64::from(theme.font_size);
    let _ = writeln!(
        s,
        "#set table(stroke: 0.5pt + {}, inset: (x: {}pt, y: {:.2}pt), align: left)",
        rgb(theme, "linje"),
        sp.cell_h_pt,
        f64::from(sp.cell_v_pt).max(half_gap)
    );
    s.push_str("#set table.cell(breakable: false)\n");
    for level in 1..=4u8 {
        let st = theme.heading(level);
        let above = st.space_before_pt.unwrap_or(14.0) + sp.paragraph_pt;
        let below = st.space_after_pt.unwrap_or(6.0).max(sp.paragraph_pt);
        let set = format!("set text({}); {}", heading_text_args(theme, &st), par_rules(theme, &st));
        let _ = writeln!(
            s,
            "#show heading.where(level: {level}): it => {{ {set}set align({}); block(above: {above}pt, below: {below}pt, sticky: true, {}it.body) }}",
            align_of(st.align()),
            inset(&st),
        );
    }
    let title = theme.classes.get("tittel").cloned().unwrap_or_default();
    let _ = writeln!(
        s,
        "#show title: it => {{ set text({}); {}set align({}); block(above: {}pt, below: {}pt, sticky: true, {}it.body) }}",
        heading_text_args(theme, &title),
        par_rules(theme, &title),
        align_of(title.align()),
        title.space_before_pt.unwrap_or(0.0) + sp.paragraph_pt,
        title.space_after_pt.unwrap_or(sp.paragraph_pt).max(sp.paragraph_pt),
        inset(&title),
    );
    s.push('\n');
    if marginals.first_page_push_pt > 0.0005 {
        let _ = writeln!(s, "#v({:.3}pt)", marginals.first_page_push_pt);
    }
    blocks(&mut s, theme, &doc.blocks);
    s
}

/// Lays a document out with Typst (the PDF's pages before export).
pub fn layout(doc: &Document, theme: &Theme, assets: &Assets) -> Result<PagedDocument> {
    let styles = theme.headings.iter().chain(theme.classes.values());
    let fonts = std::iter::once(&theme.font).chain(styles.filter_map(|st| st.font.as_ref()));
    for font in fonts {
        if !world::has_font(font) {
            return Err(Error::msg(format!(
                "husstilen «{}» bruker skriften «{font}», som ikke følger med arsplan",
                theme.name
            ))
            .with_hint(format!("bruk en av disse: {}", world::font_families().join(", "))));
        }
    }
    let marginals = super::marginal::marginals(theme, assets);
    let text = source_in(doc, theme, &marginals);
    // For developers: ARSPLAN_DEBUG_TYPST=<file> writes the generated source.
    if let Some(path) = std::env::var_os("ARSPLAN_DEBUG_TYPST") {
        let _ = std::fs::write(path, &text);
    }
    let mut files: world::Files = assets
        .images
        .iter()
        .map(|(name, bytes)| (world::file_id(&asset_path("assets", name)), Bytes::new(bytes.clone())))
        .collect();
    // The pictures of a Word template's header and footer.
    for (path, bytes) in marginals.files {
        files.insert(world::file_id(&path), Bytes::new(bytes));
    }
    world::compile(text, files, doc.meta.date)
}

/// Exports laid-out pages as tagged PDF/A-2a and PDF/UA-1.
pub fn export(paged: &PagedDocument, doc: &Document) -> Result<Vec<u8>> {
    let standards = PdfStandards::new(&[PdfStandard::A_2a, PdfStandard::Ua_1])
        .map_err(|e| Error::msg(format!("PDF/A-oppsett: {e:?}")))?;
    let options = PdfOptions {
        ident: Smart::Custom(format!("arsplan:{}:{}", doc.meta.subject, doc.meta.title)),
        creator: Smart::Custom(Some("arsplan".into())),
        timestamp: world::date(doc.meta.date).map(Timestamp::new_utc),
        standards,
        tagged: true,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(paged, &options).map_err(|e| {
        let msgs: Vec<String> = e.iter().map(|d| d.message.to_string()).collect();
        Error::msg(format!("PDF-en kunne ikke lages (PDF-eksport): {}", msgs.join("; ")))
    })
}

impl Renderer for Pdf {
    fn render(&self, doc: &Document, theme: &Theme, assets: &Assets) -> Result<Vec<u8>> {
        export(&layout(doc, theme, assets)?, doc)
    }
}
