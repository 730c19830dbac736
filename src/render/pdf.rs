//! PDF through the Typst compiler embedded as a library, in a closed world:
//! generated source, the document's images, and fonts compiled into the binary.
//! Every text run is emitted as a Typst string literal, so no data can be read
//! as markup. Output is tagged PDF/A-2a with title, language and a fixed date.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use super::{Assets, Renderer};
use crate::diag::{Error, Result};
use crate::doc::{Block, Document, Inline, Table};
use crate::theme::{Align, ParaStyle, Theme};

pub struct Pdf;

static FONT_FILES: [&[u8]; 8] = [
    include_bytes!("fonts/Carlito-Regular.ttf"),
    include_bytes!("fonts/Carlito-Bold.ttf"),
    include_bytes!("fonts/Carlito-Italic.ttf"),
    include_bytes!("fonts/Carlito-BoldItalic.ttf"),
    include_bytes!("fonts/LiberationSans-Regular.ttf"),
    include_bytes!("fonts/LiberationSans-Bold.ttf"),
    include_bytes!("fonts/LiberationSans-Italic.ttf"),
    include_bytes!("fonts/LiberationSans-BoldItalic.ttf"),
];

static FONTS: LazyLock<Vec<Font>> =
    LazyLock::new(|| FONT_FILES.iter().flat_map(|b| Font::iter(Bytes::new(*b))).collect());

static BOOK: LazyLock<LazyHash<FontBook>> =
    LazyLock::new(|| LazyHash::new(FontBook::from_fonts(FONTS.iter())));

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// The font families compiled into the binary.
pub fn font_families() -> Vec<String> {
    let mut v: Vec<String> = FONTS.iter().map(|f| f.info().family.clone()).collect();
    v.dedup();
    v
}

pub fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("generated paths are valid");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

struct DocWorld {
    main: Source,
    files: HashMap<FileId, Bytes>,
    today: Option<Datetime>,
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &BOOK
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.get(&id).cloned().ok_or(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}

/// A Typst string literal holding `text` exactly.
pub fn lit(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 2);
    s.push('"');
    for c in text.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '"' => s.push_str("\\\""),
            '\n' => s.push_str("\\n"),
            '\r' => {}
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

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
    if let Some(s) = st.storrelse {
        args.push(format!("size: {s}pt"));
    }
    if st.fet {
        args.push("weight: \"bold\"".into());
    }
    if st.kursiv {
        args.push("style: \"italic\"".into());
    }
    if let Some(c) = &st.farge {
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
            let st = theme.klasser.get(class).cloned().unwrap_or_default();
            let above = st.luft_over_pt.map(|v| format!("above: {v}pt, ")).unwrap_or_default();
            let below = st.luft_under_pt.map(|v| format!("below: {v}pt, ")).unwrap_or_default();
            let sticky = if st.hold_med_neste { "sticky: true, " } else { "" };
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
        lit(&theme.skrift),
        theme.skriftstorrelse,
        lit(lang),
        lit(region),
        rgb(theme, "tekst")
    );
    let p = &theme.side;
    let logo = if assets.images.contains_key("logo.png") {
        format!(
            "image(\"/assets/logo.png\", width: {}mm, alt: {})",
            theme.logo_bredde_mm,
            lit(&format!("Logo {}", theme.navn))
        )
    } else {
        "[]".into()
    };
    let header_lines: Vec<String> = theme.topptekst.iter().map(|l| lit(l)).collect();
    let _ = writeln!(
        s,
        "#set page(paper: \"a4\", flipped: {}, margin: (top: {}mm, bottom: {}mm, left: {}mm, right: {}mm), header-ascent: 20%, \
header: grid(columns: (1fr, auto), align: (left + horizon, right + horizon), {logo}, text(size: 8pt, fill: {})[#({},).join(linebreak())]), \
footer: context text(size: 8.5pt, fill: {})[#{} #h(1fr) Side #counter(page).display() av #counter(page).final().first()])",
        p.liggende,
        p.marg_topp_mm,
        p.marg_bunn_mm,
        p.marg_venstre_mm,
        p.marg_hoyre_mm,
        rgb(theme, "sekundar"),
        if header_lines.is_empty() { "\"\"".to_string() } else { header_lines.join(", ") },
        rgb(theme, "sekundar"),
        lit(&theme.bunntekst),
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
        let above = st.luft_over_pt.unwrap_or(14.0);
        let below = st.luft_under_pt.unwrap_or(6.0);
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

fn typst_date(d: chrono::NaiveDate) -> Option<Datetime> {
    use chrono::Datelike;
    Datetime::from_ymd(d.year(), d.month() as u8, d.day() as u8)
}

/// Compiles generated Typst source in the closed world: the source, the given
/// files, the embedded fonts, and `date` as today. Any warning is an error.
pub fn compile(
    text: String,
    files: HashMap<FileId, Bytes>,
    date: chrono::NaiveDate,
) -> Result<PagedDocument> {
    let main = Source::new(file_id("/main.typ"), text);
    let world = DocWorld { main, files, today: typst_date(date) };
    let warned = typst::compile::<PagedDocument>(&world);
    let internal = |what: &str, ds: &[SourceDiagnostic]| {
        let msgs: Vec<String> = ds.iter().map(|d| diag_text(&world, d)).collect();
        Error::msg(format!("PDF-en kunne ikke lages ({what}): {}", msgs.join("; ")))
            .with_hint("dette er en feil i arsplan eller i husstilen; meld den gjerne med datafilene")
    };
    if !warned.warnings.is_empty() {
        return Err(internal("advarsel fra Typst", &warned.warnings));
    }
    let paged = warned.output.map_err(|e| internal("setting", &e))?;
    typst::comemo::evict(10);
    Ok(paged)
}

fn diag_text(world: &DocWorld, d: &SourceDiagnostic) -> String {
    use typst::WorldExt;
    let hints: Vec<String> = d.hints.iter().map(|h| h.v.to_string()).collect();
    let mut msg = d.message.to_string();
    if let Some(range) = world.range(d.span) {
        let text = world.main.text();
        let line = text[..range.start.min(text.len())].lines().count();
        let snippet: String = text.get(range.clone()).unwrap_or("").chars().take(60).collect();
        msg = format!("{msg} [generert kilde, linje {line}: «{snippet}»]");
    }
    if !hints.is_empty() {
        msg = format!("{msg} ({})", hints.join("; "));
    }
    msg
}

impl Renderer for Pdf {
    fn extension(&self) -> &'static str {
        "pdf"
    }

    fn render(&self, doc: &Document, theme: &Theme, assets: &Assets) -> Result<Vec<u8>> {
        if !font_families().iter().any(|f| f.eq_ignore_ascii_case(&theme.skrift)) {
            return Err(Error::msg(format!(
                "husstilen «{}» bruker skriften «{}», som ikke følger med arsplan",
                theme.navn, theme.skrift
            ))
            .with_hint(format!("bruk en av disse: {}", font_families().join(", "))));
        }
        let text = source(doc, theme, assets);
        // For developers: ARSPLAN_DEBUG_TYPST=<file> writes the generated source.
        if let Some(path) = std::env::var_os("ARSPLAN_DEBUG_TYPST") {
            let _ = std::fs::write(path, &text);
        }
        let files = assets
            .images
            .iter()
            .map(|(name, bytes)| (file_id(&format!("/assets/{name}")), Bytes::new(bytes.clone())))
            .collect();
        let paged = compile(text, files, doc.meta.date)?;
        let date = typst_date(doc.meta.date);
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
