//! A Word file as an Open Packaging Conventions package: the zip's parts,
//! their content types and relationships, read with limits so that a hostile
//! or broken file gives a message instead of filling the memory.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use super::tree::Elem;

/// An embedded picture larger than this (20 MB, as file sizes are shown) is refused.
pub const MAX_IMAGE_BYTES: u64 = 20_000_000;
/// Any other part larger than this is refused, as is a larger package in all.
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;
const MAX_PARTS: usize = 2000;

pub const REL_OFFICE_DOCUMENT: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument";
pub const REL_IMAGE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image";
pub const REL_HYPERLINK: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink";
pub const REL_STYLES: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles";
pub const REL_NUMBERING: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering";
pub const REL_SETTINGS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings";
pub const REL_THEME: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme";
pub const REL_FONT_TABLE: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable";
pub const REL_FOOTNOTES: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes";
pub const REL_ENDNOTES: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes";
pub const REL_HEADER: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header";
pub const REL_FOOTER: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer";

/// A size in bytes as people read file sizes: megabytes (10^6 bytes) with one
/// decimal and a decimal comma («30,7 MB»).
pub fn megabytes(bytes: u64) -> String {
    let tenths = (bytes + 50_000) / 100_000;
    format!("{},{} MB", tenths / 10, tenths % 10)
}

/// Why a file could not be read as a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// An OLE compound file: a password-protected (encrypted) Office file, or
    /// a Word 97-2003 document.
    Ole,
    NotZip(String),
    TooLarge {
        part: String,
        bytes: u64,
        image: bool,
    },
    Broken(String),
}

/// The parts of a package, by name without the leading slash.
#[derive(Debug, Clone, Default)]
pub struct Package {
    pub parts: BTreeMap<String, Vec<u8>>,
}

/// One relationship of a part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rel {
    pub id: String,
    pub kind: String,
    pub target: String,
    pub external: bool,
}

impl Package {
    /// Reads a zip package from bytes.
    pub fn read(bytes: &[u8]) -> Result<Package, Refusal> {
        if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            return Err(Refusal::Ole);
        }
        if !bytes.starts_with(b"PK") {
            return Err(Refusal::NotZip("filen begynner ikke som en zip-pakke".into()));
        }
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| Refusal::NotZip(e.to_string()))?;
        if zip.len() > MAX_PARTS {
            return Err(Refusal::Broken(format!("pakken har {} deler", zip.len())));
        }
        let mut parts = BTreeMap::new();
        let mut total = 0u64;
        for i in 0..zip.len() {
            let f = zip.by_index(i).map_err(|e| Refusal::Broken(e.to_string()))?;
            if f.is_dir() {
                continue;
            }
            let name = f.name().trim_start_matches('/').to_string();
            let image = is_image_name(&name);
            let limit = if image { MAX_IMAGE_BYTES } else { MAX_PART_BYTES };
            let mut buf = Vec::new();
            // The size in the zip's directory may lie: read at most one byte past the limit.
            let declared = f.size();
            f.take(limit + 1).read_to_end(&mut buf).map_err(|e| Refusal::Broken(format!("{name}: {e}")))?;
            if buf.len() as u64 > limit {
                // Its size as the zip tells it, unless that is smaller than what was read.
                let bytes = declared.max(buf.len() as u64);
                return Err(Refusal::TooLarge { part: name, bytes, image });
            }
            total += buf.len() as u64;
            if total > MAX_TOTAL_BYTES {
                return Err(Refusal::TooLarge { part: name, bytes: total, image: false });
            }
            parts.insert(name, buf);
        }
        Ok(Package { parts })
    }

    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.parts.get(name).map(Vec::as_slice)
    }

    /// A part parsed as XML, if present.
    pub fn xml(&self, name: &str) -> Option<Result<Elem, String>> {
        self.get(name).map(|b| Elem::parse(b).map_err(|e| format!("{name}: {e}")))
    }

    /// The content type of a part: its override, else the default of its extension.
    pub fn content_type(&self, part: &str) -> Option<String> {
        let ct = self.xml("[Content_Types].xml")?.ok()?;
        let with_slash = format!("/{part}");
        let over = ct
            .children_named("Override")
            .find(|o| o.attr("PartName").is_some_and(|p| p.eq_ignore_ascii_case(&with_slash)));
        if let Some(o) = over {
            return o.attr("ContentType").map(|c| c.to_string());
        }
        let ext = part.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
        let found = ct
            .children_named("Default")
            .find(|d| d.attr("Extension").is_some_and(|e| e.eq_ignore_ascii_case(&ext)))
            .and_then(|d| d.attr("ContentType").map(|c| c.to_string()));
        found
    }

    /// The relationships of a part (`""` for the package's own), in their order.
    pub fn rels(&self, part: &str) -> Result<Vec<Rel>, String> {
        let name = rels_name(part);
        let Some(xml) = self.xml(&name) else { return Ok(vec![]) };
        let root = xml?;
        Ok(root
            .children_named("Relationship")
            .map(|r| Rel {
                id: r.attr("Id").unwrap_or_default().to_string(),
                kind: r.attr("Type").unwrap_or_default().to_string(),
                target: r.attr("Target").unwrap_or_default().to_string(),
                external: r.attr("TargetMode").is_some_and(|m| m == "External"),
            })
            .collect())
    }
}

/// Whether a part name looks like a picture.
pub fn is_image_name(name: &str) -> bool {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    matches!(
        ext.as_str(),
        "png" | "jpg" | "jpeg" | "gif" | "bmp" | "tif" | "tiff" | "emf" | "wmf" | "svg" | "webp" | "ico"
    ) || name.contains("/media/")
}

/// The relationships part of a part: `word/document.xml` → `word/_rels/document.xml.rels`.
pub fn rels_name(part: &str) -> String {
    if part.is_empty() {
        return "_rels/.rels".into();
    }
    match part.rfind('/') {
        Some(i) => format!("{}/_rels/{}.rels", &part[..i], &part[i + 1..]),
        None => format!("_rels/{part}.rels"),
    }
}

/// A relationship target resolved against the folder of its source part.
pub fn resolve(source_part: &str, target: &str) -> String {
    if let Some(t) = target.strip_prefix('/') {
        return t.to_string();
    }
    let mut segs: Vec<&str> = match source_part.rfind('/') {
        Some(i) => source_part[..i].split('/').collect(),
        None => vec![],
    };
    for s in target.split('/') {
        match s {
            ".." => {
                segs.pop();
            }
            "." | "" => {}
            s => segs.push(s),
        }
    }
    segs.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (n, b) in parts {
            w.start_file(*n, o).unwrap();
            w.write_all(b).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn targets_resolve_against_their_part() {
        assert_eq!(resolve("word/document.xml", "media/a.png"), "word/media/a.png");
        assert_eq!(resolve("word/document.xml", "../customXml/item1.xml"), "customXml/item1.xml");
        assert_eq!(resolve("", "word/document.xml"), "word/document.xml");
        assert_eq!(resolve("word/header1.xml", "/word/media/x.png"), "word/media/x.png");
        assert_eq!(rels_name("word/header1.xml"), "word/_rels/header1.xml.rels");
        assert_eq!(rels_name(""), "_rels/.rels");
    }

    #[test]
    fn refuses_what_is_not_a_package_and_pictures_over_the_limit() {
        assert_eq!(
            Package::read(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]).unwrap_err(),
            Refusal::Ole
        );
        assert!(matches!(Package::read(b"hello").unwrap_err(), Refusal::NotZip(_)));
        assert!(matches!(Package::read(b"PK\x03\x04broken").unwrap_err(), Refusal::NotZip(_)));
        let big = vec![0u8; MAX_IMAGE_BYTES as usize + 1];
        let z = zip_of(&[("word/media/image1.png", &big)]);
        assert!(matches!(Package::read(&z).unwrap_err(), Refusal::TooLarge { image: true, .. }));
        let ok = zip_of(&[("[Content_Types].xml", br#"<Types><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="x"/></Types>"#)]);
        let p = Package::read(&ok).unwrap();
        assert_eq!(p.content_type("word/document.xml").as_deref(), Some("x"));
        assert_eq!(p.content_type("word/media/a.PNG").as_deref(), Some("image/png"));
    }
}
