//! The Typst world: a closed world of one generated source, the files it may
//! read (images), fonts compiled into the binary and a fixed date. Both the
//! PDF renderer and the picture rasteriser (charts, årshjul for the DOCX)
//! compile through here, as typst-cli keeps its World in one module.

use std::collections::HashMap;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::diag::{Error, Location, Result};
use crate::doc::Origins;

use crate::fonts::FONTS;

static BOOK: LazyLock<LazyHash<FontBook>> =
    LazyLock::new(|| LazyHash::new(FontBook::from_fonts(FONTS.iter())));

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// The font families compiled into the binary.
pub fn font_families() -> Vec<String> {
    crate::fonts::families()
}

/// Whether a family is compiled in (case does not matter).
pub fn has_font(family: &str) -> bool {
    crate::fonts::has_family(family)
}

/// The vertical metrics of a compiled-in family's regular face, in ems:
/// (the line box Typst sets between `ascender` and `descender` edges, from the
/// OS/2 table's typographic values as Typst reads them; the single line height
/// as Word and LibreOffice use it: the `hhea` ascender + descender + line gap).
pub fn line_metrics(family: &str) -> (f64, f64) {
    let font = FONTS.iter().find(|f| f.info().family.eq_ignore_ascii_case(family)).or_else(|| FONTS.first());
    font.and_then(|f| vertical_metrics(f.data())).unwrap_or((1.0, 1.2))
}

/// (ascender - descender, plus the line gap) of a font file, in ems.
fn vertical_metrics(data: &[u8]) -> Option<(f64, f64)> {
    let u16_at = |i: usize| data.get(i..i + 2).map(|b| u16::from_be_bytes([b[0], b[1]]));
    let u32_at = |i: usize| data.get(i..i + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    let table = |tag: &[u8]| {
        (0..usize::from(u16_at(4)?)).find_map(|t| {
            let rec = 12 + 16 * t;
            (data.get(rec..rec + 4)? == tag).then(|| u32_at(rec + 8)).flatten().map(|o| o as usize)
        })
    };
    let (hhea, head) = (table(b"hhea")?, table(b"head")?);
    let upem = f64::from(u16_at(head + 18)?.max(1));
    let signed = |i: usize| u16_at(i).map(|v| f64::from(v as i16) / upem);
    let hhea_body = signed(hhea + 4)? - signed(hhea + 6)?;
    let typst_body = match table(b"OS/2") {
        Some(os2) => signed(os2 + 68)? - signed(os2 + 70)?,
        None => hhea_body,
    };
    Some((typst_body, hhea_body + signed(hhea + 8)?))
}

/// The id of a file in the world, by its absolute virtual path (`/assets/logo.png`).
pub fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("generated paths are valid");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// Files the source may read, by virtual path.
pub type Files = HashMap<FileId, Bytes>;

struct DocWorld {
    main: Source,
    files: Files,
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

/// A date as Typst's datetime.
pub fn date(d: chrono::NaiveDate) -> Option<Datetime> {
    use chrono::Datelike;
    Datetime::from_ymd(d.year(), d.month() as u8, d.day() as u8)
}

/// Compiles generated Typst source in the closed world: the source, the given
/// files, the embedded fonts, and `today` as the date. Any warning is an error.
pub fn compile(text: String, files: Files, today: chrono::NaiveDate) -> Result<PagedDocument> {
    compile_from(text, files, today, &Origins::default())
}

/// [`compile`] for a document's source: an error about text of the
/// document is said at the text's origin (a data cell, a line of a prose
/// file or of the template) when `origins` knows it, else at the generated
/// source's line.
pub fn compile_from(
    text: String,
    files: Files,
    today: chrono::NaiveDate,
    origins: &Origins,
) -> Result<PagedDocument> {
    let main = Source::new(file_id("/main.typ"), text);
    let world = DocWorld { main, files, today: date(today) };
    let warned = typst::compile::<PagedDocument>(&world);
    let internal = |what: &str, ds: &[SourceDiagnostic]| {
        let said: Vec<(String, Option<Location>)> =
            ds.iter().map(|d| diag_text(&world, d, origins)).collect();
        let msgs: Vec<&str> = said.iter().map(|(m, _)| m.as_str()).collect();
        let msg = format!("PDF-en kunne ikke lages ({what}): {}", msgs.join("; "));
        match said.into_iter().find_map(|(_, at)| at) {
            Some(at) => Error::at(at, msg),
            None => Error::msg(msg),
        }
        .with_hint("dette er en feil i arsplan eller i husstilen; meld den gjerne med datafilene")
    };
    if !warned.warnings.is_empty() {
        return Err(internal("advarsel fra Typst", &warned.warnings));
    }
    warned.output.map_err(|e| internal("setting", &e))
}

/// How many of their rounds the long-running callers keep Typst's cache
/// entries unused before they are forgotten.
pub const ROUNDS_KEPT: usize = 10;

/// Forgets what Typst's caches hold that the last `rounds` calls did not
/// use. The caches are global to the process and make a layout after a
/// small edit fast, so only the long-running callers (`watch` after each
/// round of rebuilds, the web page after each build and preview) call this,
/// once per round of their own; a one-shot command keeps everything it made
/// until it exits.
pub fn forget_unused(rounds: usize) {
    // comemo ages every entry by one per call and drops those older than `rounds`.
    typst::comemo::evict(rounds);
}

/// A diagnostic of Typst in words, and where the text it is about came from.
fn diag_text(world: &DocWorld, d: &SourceDiagnostic, origins: &Origins) -> (String, Option<Location>) {
    use typst::WorldExt;
    let hints: Vec<String> = d.hints.iter().map(|h| h.v.to_string()).collect();
    let mut msg = d.message.to_string();
    let mut at = None;
    if let Some(range) = world.range(d.span) {
        let text = world.main.text();
        let start = range.start.min(text.len());
        let line = text[..start].lines().count();
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let literals = literals(&text[line_start..line_end]);
        // The text the error is about: the string it is in, else its line's.
        let at_error =
            literals.iter().find(|(r, _)| r.contains(&(start - line_start))).map(|(_, t)| t.clone());
        let about = at_error
            .unwrap_or_else(|| literals.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join(" "));
        at = origins.find(&about).cloned();
        if at.is_some() {
            let shown: String = about.chars().take(60).collect();
            msg = format!("{msg} [teksten «{shown}»]");
        } else {
            let snippet: String = text.get(range.clone()).unwrap_or("").chars().take(60).collect();
            msg = format!("{msg} [generert kilde, linje {line}: «{snippet}»]");
        }
    }
    if !hints.is_empty() {
        msg = format!("{msg} ({})", hints.join("; "));
    }
    (msg, at)
}

/// The string literals of a line of generated source (as [`lit`] writes
/// them), unescaped, with their byte ranges in the line.
fn literals(line: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let mut out = Vec::new();
    let mut chars = line.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut value = String::new();
        let mut end = line.len();
        while let Some((j, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, other)) => value.push(other),
                    None => {}
                },
                '"' => {
                    end = j + 1;
                    break;
                }
                c => value.push(c),
            }
        }
        out.push((i..end, value));
    }
    out
}

/// Compiles a one-page Typst source and renders its first page as a PNG at 150 dpi.
pub fn rasterise(source: String, files: Files, today: chrono::NaiveDate) -> Result<Vec<u8>> {
    let doc = compile(source, files, today)?;
    let page = doc.pages().first().ok_or_else(|| Error::msg("bildet ble tomt"))?;
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(150.0 / 72.0),
        render_bleed: false,
    };
    typst_render::render(page, &options)
        .encode_png()
        .map_err(|e| Error::msg(format!("bildet kunne ikke lagres som PNG: {e}")))
}

/// The largest picture a document takes, in pixels on a side and in all:
/// more is no sharper on paper and would need gigabytes to decode.
pub const MAX_PIXELS_SIDE: u32 = 20_000;
pub const MAX_PIXELS: u64 = 40_000_000;

/// Checks a picture by its kind (its name's extension): an SVG drawing Typst
/// can draw, or a whole PNG (see [`check_png`]).
pub fn check_picture(name: &str, bytes: &[u8]) -> std::result::Result<(), String> {
    if super::is_svg(name) {
        let svg = typst::visualize::SvgImage::new(Bytes::new(bytes.to_vec()))
            .map_err(|_| "er ikke en SVG-tegning arsplan kan lese".to_string())?;
        if !(svg.width() > 0.0 && svg.height() > 0.0) {
            return Err("er en SVG-tegning uten bredde eller høyde".into());
        }
        return Ok(());
    }
    check_png(bytes).map(|_| ())
}

/// Checks that bytes are a whole PNG picture of a sensible size, as Typst will
/// decode it; the error says in Norwegian what is wrong with the picture,
/// to follow its name («logoen …»).
pub fn check_png(bytes: &[u8]) -> std::result::Result<(u32, u32), String> {
    let Some((w, h)) = super::image_size(bytes) else {
        return Err("er ikke et PNG-bilde".into());
    };
    if w == 0 || h == 0 {
        return Err(format!("sier at det er {w} × {h} piksler, altså tomt"));
    }
    if w > MAX_PIXELS_SIDE || h > MAX_PIXELS_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!(
            "sier at det er {w} × {h} piksler; høyst {MAX_PIXELS_SIDE} piksler på hver led og {} millioner i alt kan brukes",
            MAX_PIXELS / 1_000_000
        ));
    }
    typst::visualize::RasterImage::plain(Bytes::new(bytes.to_vec()), typst::visualize::ExchangeFormat::Png)
        .map(|_| (w, h))
        .map_err(|_| "er avkortet eller skadet: det kan ikke leses helt".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typst_error_about_text_is_said_where_the_text_came_from() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let cell = Location::cell(std::path::Path::new("data/x/2026/moter.csv"), 5, 7, "Tittel");
        let origins = Origins(vec![
            ("Nettverksmøte".into(), Location::row(std::path::Path::new("maler/arsplan.md.j2"), 3)),
            ("Årlig fagdag på Sola".into(), cell.clone()),
        ]);
        // Typography changes nothing: the text is found by its letters.
        let source = format!("#let x = {} + 1\n", lit("Årlig fagdag\u{a0}på «Sola»"));
        let e = compile_from(source.clone(), Files::default(), day, &origins).unwrap_err();
        let d = &e.0[0];
        assert_eq!(d.location.as_ref(), Some(&cell), "{d}");
        assert!(d.message.contains("[teksten «Årlig fagdag\u{a0}på «Sola»»]"), "{d}");
        assert!(!d.message.contains("generert kilde"), "{d}");
        // Text of no known origin: said at the generated line, as before.
        let e = compile_from(source, Files::default(), day, &Origins::default()).unwrap_err();
        assert!(
            e.0[0].location.is_none() && e.0[0].message.contains("[generert kilde, linje 1: «"),
            "{}",
            e.0[0]
        );
    }

    #[test]
    fn literals_of_a_generated_line_are_read_back() {
        let line = format!("#strong[#{}]#{}", lit("a \"b\" \\ c"), lit("x\ny"));
        let found: Vec<String> = literals(&line).into_iter().map(|(_, t)| t).collect();
        assert_eq!(found, ["a \"b\" \\ c", "x\ny"]);
    }

    #[test]
    fn single_lines_as_word_measures_them() {
        // Carlito has Calibri's metrics: a single line is 1.22 em.
        let (body, single) = super::line_metrics("Carlito");
        assert!((single - 1.2207).abs() < 0.001 && body < single, "{body} {single}");
        let (_, arial) = super::line_metrics("Liberation Sans");
        assert!((arial - 1.1499).abs() < 0.001, "{arial}");
    }
}
