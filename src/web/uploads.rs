//! A network's files that come as uploads, without HTTP: its logo (PNG,
//! JPEG or SVG, checked as the build checks a logo; a JPEG is stored as
//! the PNG the documents can show) and the trust's Word template, taken
//! into use exactly as `arsplan wordmal bruk` does it.

use std::path::PathBuf;

use super::files::{self, Change, Wrote};
use crate::diag::{Error, Location, Result};
use crate::project::Project;

/// The largest logo taken (a logo is a few hundred kB at most).
pub const LOGO_LIMIT: usize = 2 * 1024 * 1024;

/// The largest Word template taken.
pub const TEMPLATE_LIMIT: usize = 20 * 1024 * 1024;

/// What kind of picture bytes are, by their content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picture {
    Png,
    Jpeg,
    Svg,
}

pub fn picture_kind(bytes: &[u8]) -> Option<Picture> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(Picture::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(Picture::Jpeg);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if (head.starts_with("<?xml")
        || head.starts_with("<svg")
        || head.starts_with("<!--")
        || head.starts_with("<!doctype svg"))
        && head.contains("<svg")
    {
        return Some(Picture::Svg);
    }
    None
}

/// The network's logo files (`logo.svg`, `logo.png`), the one in use first.
pub fn current_logo(project: &Project, network: &str) -> Option<PathBuf> {
    let dir = project.data.join(network);
    ["logo.svg", "logo.png"].iter().map(|n| dir.join(n)).find(|p| p.is_file())
}

/// Takes an uploaded logo into use: checked, stored as `logo.svg` or
/// `logo.png` in the network's folder; the other kind, which would win or
/// lose against it, is removed. Returns what was done, in words.
pub fn logo(project: &Project, network: &str, file_name: &str, bytes: &[u8]) -> Result<String> {
    let shown = file_name.rsplit(['/', '\\']).next().unwrap_or("").to_string();
    let refuse = |m: String, h: &str| Error::msg(m).with_hint(h.to_string());
    if bytes.is_empty() {
        return Err(refuse("velg en bildefil med logoen".into(), "PNG, JPEG eller SVG"));
    }
    if bytes.len() > LOGO_LIMIT {
        return Err(refuse(
            format!("«{shown}» er større enn {} MB", LOGO_LIMIT / (1024 * 1024)),
            "lagre logoen mindre, gjerne rundt 600 piksler bred, eller som SVG",
        ));
    }
    let (name, stored): (&str, Vec<u8>) = match picture_kind(bytes) {
        Some(Picture::Svg) => ("logo.svg", bytes.to_vec()),
        Some(Picture::Png) => ("logo.png", bytes.to_vec()),
        Some(Picture::Jpeg) => (
            "logo.png",
            jpeg_as_png(bytes)
                .map_err(|m| refuse(format!("«{shown}» {m}"), "lagre logoen på nytt som PNG eller SVG"))?,
        ),
        None => {
            return Err(refuse(
                format!("«{shown}» er ikke et bilde arsplan kan bruke som logo"),
                "velg logoen som PNG, JPEG eller SVG (helst SVG: da blir den skarp i alle størrelser)",
            ))
        }
    };
    crate::render::world::check_picture(name, &stored).map_err(|why| {
        refuse(
            format!("logoen «{shown}» {why}"),
            "lagre logoen på nytt som SVG (helst, da blir den skarp i alle størrelser) eller PNG, gjerne rundt 600 piksler bred",
        )
    })?;
    let dir = project.data.join(network);
    let path = dir.join(name);
    let old = files::read(&path)?;
    let c = Change {
        network,
        year: None,
        path: &path,
        old: old.as_deref(),
        new: &stored,
        what: format!("Ny logo ({name}) fra «{shown}»"),
        removed: false,
    };
    if files::write(project, &c)? == Wrote::Changed {
        return Err(refuse(format!("{name} ble endret samtidig"), "last siden på nytt og prøv igjen"));
    }
    let other = dir.join(if name == "logo.svg" { "logo.png" } else { "logo.svg" });
    let mut text = format!("Logoen er lagret som {name}");
    if let Some(old_other) = files::read(&other)? {
        let gone = Change {
            network,
            year: None,
            path: &other,
            old: Some(&old_other),
            new: &[],
            what: format!(
                "Fjernet den gamle logoen {}",
                other.file_name().and_then(|n| n.to_str()).unwrap_or("")
            ),
            removed: true,
        };
        files::remove(project, &gone)?;
        text.push_str(&format!(
            " (den gamle {} er fjernet, så dokumentene bruker den nye)",
            other.file_name().and_then(|n| n.to_str()).unwrap_or("")
        ));
    }
    text.push_str(". Trykk «Bygg dokumentene» på året for å få den med.");
    Ok(text)
}

/// A JPEG picture as a PNG (the documents show PNG and SVG).
fn jpeg_as_png(bytes: &[u8]) -> std::result::Result<Vec<u8>, String> {
    let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Jpeg)
        .map_err(|_| "er et JPEG-bilde som ikke kan leses (avkortet eller skadet)".to_string())?;
    let (w, h) = (img.width(), img.height());
    if u64::from(w) * u64::from(h) > 40_000_000 {
        return Err(format!("er {w} × {h} piksler; det er for stort for en logo"));
    }
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgba8(img.to_rgba8())
        .write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| format!("kunne ikke gjøres om til PNG: {e}"))?;
    let out = out.into_inner();
    Ok(out)
}

/// A Word template taken into use for the network as `arsplan wordmal bruk`
/// does it (the same library function, on a copy of the upload under its
/// own name). Returns the files written, in words, and the warnings.
pub fn word_template(
    project: &Project,
    network: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<crate::own_style::Adopted> {
    let shown = file_name.rsplit(['/', '\\']).next().unwrap_or("").trim().to_string();
    let ext = shown.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    if !matches!(ext.as_str(), "dotx" | "docx" | "dotm" | "docm") {
        return Err(Error::msg(format!(
            "«{shown}» er ikke en Word-mal (.dotx) eller et Word-dokument (.docx)"
        ))
        .with_hint("velg Word-malen fra kommunikasjonsavdelingen, for eksempel mal.dotx"));
    }
    if bytes.len() > TEMPLATE_LIMIT {
        return Err(Error::msg(format!("«{shown}» er større enn {} MB", TEMPLATE_LIMIT / (1024 * 1024)))
            .with_hint("en Word-mal er vanligvis under 5 MB; lagre den uten store bilder og prøv igjen"));
    }
    if !bytes.starts_with(b"PK") {
        return Err(Error::msg(format!(
            "«{shown}» er ikke en Word-fil (den er ikke lagret i Word-formatet)"
        ))
        .with_hint("åpne den i Word og lagre den som Word-mal (.dotx)"));
    }
    // Its own name, made safe for a file name (the style names the template by it).
    let mut safe: String = shown
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '-' })
        .collect();
    if safe.starts_with('.') {
        safe.insert_str(0, "mal");
    }
    let dir =
        tempfile::tempdir().map_err(|e| Error::msg(format!("kan ikke lage en midlertidig mappe: {e}")))?;
    let copy = dir.path().join(&safe);
    std::fs::write(&copy, bytes).map_err(|e| {
        Error::at(Location::file(&copy), format!("kan ikke lagre kopien: {}", crate::diag::io_text(&e)))
    })?;
    // What the files held before, for the history of edits.
    let net = project.data.join(network);
    let before = files::Before::of(&[net.join("nettverk.toml"), net.join("maler")]);
    let mut adopted = project.use_word_template(&copy, network)?;
    for d in &mut adopted.warnings {
        if let Some(loc) = &mut d.location {
            if loc.file.starts_with(dir.path()) {
                loc.file = PathBuf::from(&shown);
            }
        }
    }
    let written: Vec<PathBuf> = adopted.files.iter().map(|(p, _)| p.clone()).collect();
    before.record(project, network, None, &written, &format!("Tok i bruk Word-malen «{shown}»"));
    Ok(adopted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_are_known_by_their_content() {
        assert_eq!(picture_kind(b"\x89PNG\r\n\x1a\n...."), Some(Picture::Png));
        assert_eq!(picture_kind(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(Picture::Jpeg));
        assert_eq!(
            picture_kind(b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            Some(Picture::Svg)
        );
        assert_eq!(picture_kind(b"<html><body>"), None);
        assert_eq!(picture_kind(b"GIF89a"), None);
    }
}
