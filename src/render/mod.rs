//! Stage 4, render: one [`Document`] plus a house style into bytes, one module
//! per format. Both formats are rendered in the same fitted style (see [`fit`]),
//! so they paginate alike.

pub mod arshjul;
pub mod chart;
pub mod docx;
pub mod marginal;
pub mod pages;
pub mod pdf;
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
/// shape. PNG by its header, SVG by its own width and height.
pub fn picture_size(name: &str, bytes: &[u8]) -> Option<(f64, f64)> {
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

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Pdf,
}

impl Format {
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
pub const LAST_PAGE_MIN_LINES: usize = 3;

/// A document laid out in the style it is rendered in.
pub struct Fitted {
    /// The house style, or the same style with tighter spacing.
    pub theme: Theme,
    /// The PDF's pages, laid out in that style.
    pub pages: PagedDocument,
    /// Whether the spacing was tightened (the style differs from the house style).
    pub tightened: bool,
}

/// Lays a document out in its house style; when the last page would hold only
/// a line or two, tries the style with a little less space between blocks and
/// keeps the first that fits. Both formats are then rendered in that style.
pub fn fit(doc: &Document, theme: &Theme, assets: &Assets) -> Result<Fitted> {
    let pages = pdf::layout(doc, theme, assets)?;
    if !nearly_empty_last_page(&pages, theme) {
        return Ok(Fitted { theme: theme.clone(), pages, tightened: false });
    }
    for factor in [0.85, 0.7] {
        let tight = theme.tightened(factor);
        let tried = pdf::layout(doc, &tight, assets)?;
        if tried.pages().len() < pages.pages().len() {
            return Ok(Fitted { theme: tight, pages: tried, tightened: true });
        }
    }
    Ok(Fitted { theme: theme.clone(), pages, tightened: false })
}

/// Whether the last of several pages holds fewer than [`LAST_PAGE_MIN_LINES`] lines.
pub fn nearly_empty_last_page(pages: &PagedDocument, theme: &Theme) -> bool {
    let n = pages.pages().len();
    n > 1 && pages::lines(&pages::runs(pages, theme), n - 1).len() < LAST_PAGE_MIN_LINES
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
