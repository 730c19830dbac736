//! PDF through the Typst compiler embedded as a library, in a closed world:
//! generated source, the document's images, and fonts compiled into the binary.
//! Every text run is emitted as a Typst string literal, so no data can be read
//! as markup. Output is tagged PDF/A-2a with title, language and a fixed date.

use std::fmt::Write;

use typst::foundations::{Bytes, Smart};
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use super::world::{self, lit};
use super::{Assets, Renderer};
use crate::diag::{Error, Result};
use crate::doc::{Block, Document, Inline, Table};
use crate::theme::{Align, PagePart, ParaStyle, Theme};

pub struct Pdf;

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

fn text_settings(theme: &Theme, st: &ParaStyle) -> String {
    let mut args = Vec::new();
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
    if args.is_empty() {
        String::new()
    } else {
        format!("#set text({})\n", args.join(", "))
    }
}

fn align_of(a: Align) -> &'static str {
    match a {
        Align::Left => "left",
        Align::Center => "center",
        Align::Right => "right",
    }
}

fn blocks(out: &mut String, theme: &Theme, items: &[Block]) {
    for b in items {
        block(out, theme, b);
    }
}

fn block(out: &mut String, theme: &Theme, b: &Block) {
    match b {
        Block::Heading { level, content } => {
            let _ = write!(out, "#heading(level: {level})[");
            inlines(out, content);
            out.push_str("]\n\n");
        }
        Block::Paragraph(c) => {
            inlines(out, c);
            out.push_str("\n\n");
        }
        Block::List { ordered, items } => {
            out.push_str(if *ordered { "#enum(" } else { "#list(" });
            for item in items {
                out.push('[');
                blocks(out, theme, item);
                out.push_str("],");
            }
            out.push_str(")\n\n");
        }
        Block::Table(t) => table(out, theme, t),
        Block::Image(img) => {
            let width = img.width_mm.map(|w| format!(", width: {w}mm")).unwrap_or_default();
            let _ = writeln!(
                out,
                "#image({}, alt: {}{width})\n",
                lit(&format!("/assets/{}", img.src)),
                lit(&img.alt)
            );
        }
        Block::Chart(c) => {
            out.push_str(&super::chart::typst(c, theme));
            out.push('\n');
        }
        Block::Styled { class, blocks: inner } => {
            let st = theme.classes.get(class).cloned().unwrap_or_default();
            let above = st.space_before_pt.map(|v| format!("above: {v}pt, ")).unwrap_or_default();
            let below = st.space_after_pt.map(|v| format!("below: {v}pt, ")).unwrap_or_default();
            let sticky = if st.keep_with_next { "sticky: true, " } else { "" };
            let _ = write!(
                out,
                "#block({above}{below}{sticky}width: 100%)[\n{}#set align({})\n",
                text_settings(theme, &st),
                align_of(st.align())
            );
            blocks(out, theme, inner);
            out.push_str("]\n\n");
        }
        Block::PageBreak => out.push_str("#pagebreak(weak: true)\n\n"),
    }
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

/// The Typst source of a document: preamble from the house style, then the body.
pub fn source(doc: &Document, theme: &Theme, assets: &Assets) -> String {
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
    let _ = writeln!(
        s,
        "#set text(font: {}, size: {}pt, lang: {}, region: {}, hyphenate: false, fill: {})",
        lit(&theme.font),
        theme.font_size,
        lit(lang),
        lit(region),
        rgb(theme, "tekst")
    );
    let p = &theme.page;
    let logo = if assets.images.contains_key("logo.png") {
        format!(
            "image(\"/assets/logo.png\", width: {}mm, alt: {})",
            theme.logo_width_mm,
            lit(&format!("Logo {}", theme.name))
        )
    } else {
        "[]".into()
    };
    let header_lines: Vec<String> = theme.header_lines.iter().map(|l| lit(l)).collect();
    let page: String = theme
        .texts
        .page_parts()
        .iter()
        .map(|part| match part {
            PagePart::Text(t) => format!("#{}", lit(t)),
            PagePart::Page => "#counter(page).display()".into(),
            PagePart::Pages => "#counter(page).final().first()".into(),
        })
        .collect();
    let _ = writeln!(
        s,
        "#set page(paper: \"a4\", flipped: {}, margin: (top: {}mm, bottom: {}mm, left: {}mm, right: {}mm), header-ascent: 20%, \
header: grid(columns: (1fr, auto), align: (left + horizon, right + horizon), {logo}, text(size: 8pt, fill: {})[#({},).join(linebreak())]), \
footer: context text(size: 8.5pt, fill: {})[#{} #h(1fr) {page}])",
        p.landscape,
        p.margin_top_mm,
        p.margin_bottom_mm,
        p.margin_left_mm,
        p.margin_right_mm,
        rgb(theme, "sekundar"),
        if header_lines.is_empty() { "\"\"".to_string() } else { header_lines.join(", ") },
        rgb(theme, "sekundar"),
        lit(&theme.footer_text),
    );
    s.push_str("#set par(spacing: 0.9em, leading: 0.55em)\n");
    let _ = writeln!(s, "#set list(marker: ([•], [–]), indent: 0.4em, body-indent: 0.6em, spacing: 0.6em)");
    let _ = writeln!(
        s,
        "#set table(stroke: 0.5pt + {}, inset: (x: 5pt, y: 4pt), align: left)",
        rgb(theme, "linje")
    );
    for level in 1..=4u8 {
        let st = theme.heading(level);
        let above = st.space_before_pt.unwrap_or(14.0);
        let below = st.space_after_pt.unwrap_or(6.0);
        let settings = text_settings(theme, &st);
        let _ = writeln!(
            s,
            "#show heading.where(level: {level}): it => {{ {} set align({}); block(above: {above}pt, below: {below}pt, sticky: true, it.body) }}",
            settings.trim().trim_start_matches('#').to_string() + if settings.is_empty() { "" } else { ";" },
            align_of(st.align()),
        );
    }
    s.push('\n');
    blocks(&mut s, theme, &doc.blocks);
    s
}

impl Renderer for Pdf {
    fn extension(&self) -> &'static str {
        "pdf"
    }

    fn render(&self, doc: &Document, theme: &Theme, assets: &Assets) -> Result<Vec<u8>> {
        if !world::has_font(&theme.font) {
            return Err(Error::msg(format!(
                "husstilen «{}» bruker skriften «{}», som ikke følger med arsplan",
                theme.name, theme.font
            ))
            .with_hint(format!("bruk en av disse: {}", world::font_families().join(", "))));
        }
        let text = source(doc, theme, assets);
        // For developers: ARSPLAN_DEBUG_TYPST=<file> writes the generated source.
        if let Some(path) = std::env::var_os("ARSPLAN_DEBUG_TYPST") {
            let _ = std::fs::write(path, &text);
        }
        let files = assets
            .images
            .iter()
            .map(|(name, bytes)| (world::file_id(&format!("/assets/{name}")), Bytes::new(bytes.clone())))
            .collect();
        let paged = world::compile(text, files, doc.meta.date)?;
        let date = world::date(doc.meta.date);
        let standards = PdfStandards::new(&[PdfStandard::A_2a])
            .map_err(|e| Error::msg(format!("PDF/A-oppsett: {e:?}")))?;
        let timestamp = date.map(Timestamp::new_utc);
        let options = PdfOptions {
            ident: Smart::Custom(format!("arsplan:{}:{}", doc.meta.subject, doc.meta.title)),
            creator: Smart::Custom(Some("arsplan".into())),
            timestamp,
            standards,
            tagged: true,
            ..PdfOptions::default()
        };
        let bytes = typst_pdf::pdf(&paged, &options).map_err(|e| {
            let msgs: Vec<String> = e.iter().map(|d| d.message.to_string()).collect();
            Error::msg(format!("PDF-en kunne ikke lages (PDF-eksport): {}", msgs.join("; ")))
        })?;
        Ok(bytes)
    }
}
