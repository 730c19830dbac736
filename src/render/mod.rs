//! Stage 4, render: one [`Document`] plus a house style into bytes, one module
//! per format behind one trait.

pub mod arshjul;
pub mod chart;
pub mod docx;
pub mod pdf;

use std::collections::BTreeMap;

use crate::diag::Result;
use crate::doc::Document;
use crate::theme::Theme;

/// Images a document may show, by the name templates use (`logo.png`).
#[derive(Debug, Clone, Default)]
pub struct Assets {
    pub images: BTreeMap<String, Vec<u8>>,
}

/// The pixel size of a PNG or JPEG, read from its header.
pub fn image_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() >= 24 {
        let w = u32::from_be_bytes(bytes[16..20].try_into().ok()?);
        let h = u32::from_be_bytes(bytes[20..24].try_into().ok()?);
        return Some((w, h));
    }
    if bytes.starts_with(&[0xFF, 0xD8]) {
        let mut i = 2;
        while i + 9 < bytes.len() {
            if bytes[i] != 0xFF {
                return None;
            }
            let marker = bytes[i + 1];
            let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
            if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
                let h = u16::from_be_bytes([bytes[i + 5], bytes[i + 6]]) as u32;
                let w = u16::from_be_bytes([bytes[i + 7], bytes[i + 8]]) as u32;
                return Some((w, h));
            }
            i += 2 + len;
        }
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
