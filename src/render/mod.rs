//! Stage 4, render: one [`Document`] plus a house style into bytes, one module
//! per format. Both formats are rendered in the same fitted style (see [`fit`]),
//! so they paginate alike.

pub mod arshjul;
pub mod autofit;
pub mod chart;
pub mod docx;
pub mod keep;
pub mod marginal;
pub mod pages;
pub mod pdf;
pub mod spacing;
pub mod typo;
pub mod world;

use std::collections::BTreeMap;

use typst_layout::PagedDocument;

use crate::diag::Result;
use crate::doc::Document;
use crate::theme::Theme;

/// Images a document may show, by the name templates use (`logo.png`).
#[derive(Debug, Clone, Default)]
pub struct Assets {
    pub images: BTreeMap<String, Vec<u8>>,
}

impl Assets {
    /// A logo by its name without extension (`logo`, `logo-hoyre`): the
    /// SVG or PNG picture the document has, and its bytes.
    pub fn logo(&self, base: &str) -> Option<(String, &[u8])> {
        ["svg", "png"].iter().find_map(|ext| {
            let name = format!("{base}.{ext}");
            self.images.get(&name).map(|b| (name, b.as_slice()))
        })
    }
}

/// Whether a picture is an SVG drawing (by its name).
pub fn is_svg(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".svg")
}

/// The size of a picture in some unit (pixels, points): enough for its
/// shape. PNG by its header, SVG by its own width and height (as Typst reads them).
pub fn picture_dimensions(name: &str, bytes: &[u8]) -> Option<(f64, f64)> {
    if is_svg(name) {
        let svg = typst::visualize::SvgImage::new(typst::foundations::Bytes::new(bytes.to_vec())).ok()?;
        return Some((svg.width(), svg.height())).filter(|(w, h)| *w > 0.0 && *h > 0.0);
    }
    image_size(bytes).map(|(w, h)| (f64::from(w), f64::from(h)))
}

/// The pixel size of a PNG, read from its header (the only picture format both
/// renderers take as it is).
pub fn image_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() >= 24 {
        let w = u32::from_be_bytes(bytes[16..20].try_into().ok()?);
        let h = u32::from_be_bytes(bytes[20..24].try_into().ok()?);
        return Some((w, h));
    }
    None
}

/// An SVG picture drawn as a PNG for readers without SVG (Word before 2016),
/// sharp at twice 150 dpi at `width_mm`.
pub fn svg_png(svg: &[u8], width_mm: f32) -> Result<Vec<u8>> {
    let source = format!(
        "#set page(width: auto, height: auto, margin: 0pt)\n#image(\"/bilde.svg\", width: {}mm)\n",
        width_mm.max(1.0) * 2.0
    );
    let mut files = world::Files::new();
    files.insert(world::file_id("/bilde.svg"), typst::foundations::Bytes::new(svg.to_vec()));
    let date = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid date");
    world::rasterise(source, files, date)
}

/// A picture's size on the page in millimetres, the same in both formats: the
/// width asked for (or its own at 96 dpi), no wider than `max_w` and no higher
/// than `max_h`, its proportions kept. PNG and SVG pictures (an SVG by its
/// `width` and `height`); `None` for anything else.
pub fn picture_size(bytes: &[u8], width_mm: Option<f32>, max_w: f32, max_h: f32) -> Option<(f32, f32)> {
    let (pw, ph) = match image_size(bytes) {
        Some((w, h)) => (w as f32, h as f32),
        None => svg_size(bytes)?,
    };
    if pw <= 0.0 || ph <= 0.0 {
        return None;
    }
    let mut w = width_mm.unwrap_or(pw * 25.4 / 96.0).min(max_w);
    if w * ph / pw > max_h {
        w = max_h * pw / ph;
    }
    Some((w, w * ph / pw))
}

/// The highest a picture may be on a page of the house style, in millimetres:
/// the text's height less room for a heading above it.
pub fn max_picture_height_mm(theme: &Theme) -> f32 {
    let (_, h) = theme.page.size_mm();
    (h - theme.page.margin_top_mm - theme.page.margin_bottom_mm) * 0.9
}

/// An SVG's `width` and `height` (plain numbers, as the årshjul's).
fn svg_size(bytes: &[u8]) -> Option<(f32, f32)> {
    let text = std::str::from_utf8(bytes.get(..bytes.len().min(2000))?).ok()?;
    let tag = &text[text.find("<svg")?..];
    let tag = &tag[..tag.find('>')?];
    let attr = |name: &str| -> Option<f32> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        tag[at..].split('"').next()?.trim_end_matches("px").parse().ok()
    };
    Some((attr("width")?, attr("height")?))
}

/// An output format, by its file extension (`docx`, `pdf`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Docx,
    Pdf,
}

impl Format {
    /// The formats made when none are named.
    pub const DEFAULT: [Format; 2] = [Format::Docx, Format::Pdf];

    /// The formats the command line knows, by name.
    pub fn by_name(name: &str) -> Option<Format> {
        match name.trim().to_ascii_lowercase().as_str() {
            "pdf" => Some(Format::Pdf),
            "docx" => Some(Format::Docx),
            _ => None,
        }
    }

    /// File extension without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }
}

/// An output format's renderer.
pub trait Renderer {
    fn render(&self, doc: &Document, theme: &Theme, assets: &Assets) -> Result<Vec<u8>>;
}

/// A last page must hold at least this many lines, or the spacing is tightened.
pub const LAST_PAGE_MIN_LINES: usize = 6;

pub use keep::{KEEP_WHOLE_ROWS, MIN_ROWS_AT_BREAK};

/// A document laid out in the style it is rendered in.
pub struct Fitted {
    /// The house style, or the same style with tighter spacing.
    pub theme: Theme,
    /// The PDF's pages, laid out in that style.
    pub pages: PagedDocument,
    /// Whether the spacing was tightened (the style differs from the house style).
    pub tightened: bool,
    /// Where tables were moved or broken to keep their rows together.
    pub hints: pdf::Hints,
}

/// Lays a document out in its house style; when the last page would hold only
/// a few lines, tries the style with a little less space between blocks and
/// keeps the first that fits. Both formats are then rendered in that style.
pub fn fit(doc: &Document, theme: &Theme, assets: &Assets) -> Result<Fitted> {
    let (pages, hints) = keep_tables(doc, theme, assets)?;
    if !nearly_empty_last_page(&pages, theme) {
        return Ok(Fitted { theme: theme.clone(), pages, tightened: false, hints });
    }
    for factor in [0.85, 0.7] {
        let tight = theme.tightened(factor);
        let (tried, tried_hints) = keep_tables(doc, &tight, assets)?;
        if tried.pages().len() < pages.pages().len() {
            return Ok(Fitted { theme: tight, pages: tried, tightened: true, hints: tried_hints });
        }
    }
    Ok(Fitted { theme: theme.clone(), pages, tightened: false, hints })
}

/// Lays a document out, then again while a table breaks where it should not:
/// a table of up to [`KEEP_WHOLE_ROWS`] body rows, or one that would leave
/// fewer than [`MIN_ROWS_AT_BREAK`] on the first page, moves to the next page
/// (with its heading); one that would leave fewer on its last page breaks a
/// row earlier. The DOCX asks Word for the same with «keep with next» on
/// those rows (`docx::body`).
pub fn keep_tables(doc: &Document, theme: &Theme, assets: &Assets) -> Result<(PagedDocument, pdf::Hints)> {
    let tables = autofit::tables(&doc.blocks);
    let headers: Vec<usize> = tables.iter().map(|t| t.header_rows.min(t.rows.len())).collect();
    let mut hints = pdf::Hints::default();
    loop {
        let pages = pdf::layout_with(doc, theme, assets, &hints)?;
        let runs = pages::runs(&pages, theme);
        // One table at a time, the first in the document: moving it moves
        // everything after it.
        let mut next = hints.clone();
        for (number, frags) in pages::table_fragments(&runs, &headers) {
            if next != hints {
                break;
            }
            let (Some(first), Some(last)) = (frags.first(), frags.last()) else { continue };
            if frags.len() < 2 {
                continue;
            }
            let body = tables[number].rows.len() - headers[number];
            if !next.move_whole.contains(&number)
                && (body <= KEEP_WHOLE_ROWS || first.1.len() < MIN_ROWS_AT_BREAK)
            {
                next.move_whole.insert(number);
            } else if last.1.len() < MIN_ROWS_AT_BREAK && !next.break_at.contains_key(&number) {
                let start = last.1.iter().copied().min().unwrap_or(0);
                next.break_at.insert(number, start.saturating_sub(MIN_ROWS_AT_BREAK - last.1.len()));
            }
        }
        if next == hints {
            return Ok((pages, hints));
        }
        hints = next;
    }
}

/// Whether the last of several pages holds fewer than [`LAST_PAGE_MIN_LINES`]
/// lines (a picture counts as the lines it is high).
pub fn nearly_empty_last_page(pages: &PagedDocument, theme: &Theme) -> bool {
    let n = pages.pages().len();
    let line = f64::from(theme.font_size) * 1.2;
    let picture: f64 =
        pages::pictures(pages, n.saturating_sub(1)).iter().map(|(top, bottom)| bottom - top).sum();
    n > 1
        && pages::lines(&pages::runs(pages, theme), n - 1).len() + ((picture / line) as usize)
            < LAST_PAGE_MIN_LINES
}

/// The stack of each worker thread. Typst lays out recursively, and a worker
/// that waits for a part of its own job takes on another whole job (work
/// stealing) on top of the same stack: with many documents the default 2 MiB
/// overflows. The memory is reserved, not used, until needed.
const WORKER_STACK: usize = 64 << 20;

/// Starts the worker threads that make documents in parallel, with stacks
/// large enough; call before any parallel work (later calls do nothing).
pub fn threads() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Fails only when the pool was already started (by a library user): keep it.
        let _ = rayon::ThreadPoolBuilder::new().stack_size(WORKER_STACK).build_global();
    });
}

/// Documents with more text than this (some 35 pages) are rendered one
/// format after the other: a long document's DOCX beside its PDF layout
/// would add their memory together.
pub const PARALLEL_MAX_CHARS: usize = 100_000;

/// The number of characters of text in some blocks.
fn text_len(blocks: &[crate::doc::Block]) -> usize {
    use crate::doc::{Block, Inline};
    let inl = |v: &[Inline]| Inline::plain(v).len();
    blocks
        .iter()
        .map(|b| match b {
            Block::Title(i) | Block::Heading { content: i, .. } | Block::Paragraph(i) => inl(i),
            Block::List { items, .. } => items.iter().map(|i| text_len(i)).sum(),
            Block::Table(t) => t.rows.iter().flatten().map(|c| text_len(c)).sum(),
            Block::Styled { blocks, .. } => text_len(blocks),
            Block::Image(_) | Block::Chart(_) | Block::PageBreak => 0,
        })
        .sum()
}

/// Renders a document in each format, in one fitted style. The DOCX is made
/// in the house style while the PDF is laid out (on another core), and made
/// again in the few documents whose spacing had to be tightened.
pub fn render(
    doc: &Document,
    theme: &Theme,
    assets: &Assets,
    formats: &[Format],
) -> Result<Vec<(Format, Vec<u8>)>> {
    threads();
    let docx = |theme: &Theme| docx::Docx.render(doc, theme, assets);
    let early = formats.contains(&Format::Docx) && text_len(&doc.blocks) <= PARALLEL_MAX_CHARS;
    let (fitted, early_docx) = rayon::join(|| fit(doc, theme, assets), || early.then(|| docx(theme)));
    let fitted = fitted?;
    let mut early_docx = early_docx.transpose()?;
    formats
        .iter()
        .map(|f| {
            let bytes = match f {
                Format::Pdf => pdf::export(&fitted.pages, doc)?,
                Format::Docx if fitted.tightened => docx(&fitted.theme)?,
                Format::Docx => match early_docx.take() {
                    Some(bytes) => bytes,
                    None => docx(theme)?,
                },
            };
            Ok((*f, bytes))
        })
        .collect()
}
