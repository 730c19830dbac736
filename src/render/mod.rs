//! Stage 4, render: one [`Document`] plus a house style into bytes, one module
//! per format behind one trait.

pub mod arshjul;
pub mod chart;
pub mod docx;
pub mod pdf;
pub mod world;

use std::collections::BTreeMap;

use crate::diag::Result;
use crate::doc::Document;
use crate::theme::Theme;

/// Images a document may show, by the name templates use (`logo.png`).
#[derive(Debug, Clone, Default)]
pub struct Assets {
    pub images: BTreeMap<String, Vec<u8>>,
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

/// An output format.
pub trait Renderer {
    /// File extension without the dot.
    fn extension(&self) -> &'static str;
    fn render(&self, doc: &Document, theme: &Theme, assets: &Assets) -> Result<Vec<u8>>;
}

/// The formats the command line knows, by name.
pub fn by_name(name: &str) -> Option<Box<dyn Renderer + Send + Sync>> {
    match name {
        "pdf" => Some(Box::new(pdf::Pdf)),
        "docx" => Some(Box::new(docx::Docx)),
        _ => None,
    }
}
