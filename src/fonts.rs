//! The fonts compiled into the binary, and which characters they can show:
//! the PDF renderer uses them, and loading checks every text against them so
//! that a character no font has is reported at its cell, not deep in Typst.

use std::sync::LazyLock;

use typst::foundations::Bytes;
use typst::text::Font;

static FONT_FILES: [&[u8]; 12] = [
    include_bytes!("render/fonts/Carlito-Regular.ttf"),
    include_bytes!("render/fonts/Carlito-Bold.ttf"),
    include_bytes!("render/fonts/Carlito-Italic.ttf"),
    include_bytes!("render/fonts/Carlito-BoldItalic.ttf"),
    include_bytes!("render/fonts/LiberationSans-Regular.ttf"),
    include_bytes!("render/fonts/LiberationSans-Bold.ttf"),
    include_bytes!("render/fonts/LiberationSans-Italic.ttf"),
    include_bytes!("render/fonts/LiberationSans-BoldItalic.ttf"),
    include_bytes!("render/fonts/Caladea-Regular.ttf"),
    include_bytes!("render/fonts/Caladea-Bold.ttf"),
    include_bytes!("render/fonts/Caladea-Italic.ttf"),
    include_bytes!("render/fonts/Caladea-BoldItalic.ttf"),
];

/// Every face of every family compiled in.
pub static FONTS: LazyLock<Vec<Font>> =
    LazyLock::new(|| FONT_FILES.iter().flat_map(|b| Font::iter(Bytes::new(*b))).collect());

/// The font families compiled into the binary.
pub fn families() -> Vec<String> {
    let mut v: Vec<String> = FONTS.iter().map(|f| f.info().family.clone()).collect();
    v.dedup();
    v
}

/// Whether a family is compiled in (case does not matter).
pub fn has_family(family: &str) -> bool {
    families().iter().any(|f| f.eq_ignore_ascii_case(family))
}

/// Whether the documents can show `c`: the regular face of some family has a
/// glyph for it (Typst falls back from the style's font to the other), or it
/// is white space the renderers turn into space or a line break.
pub fn can_show(c: char) -> bool {
    if matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{b}') {
        return true;
    }
    FONTS.iter().any(|f| f.info().coverage.contains(c as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norwegian_text_is_shown_and_noncharacters_are_not() {
        for c in "ÆØÅæøå «»–—·•é ü ÷ §€ äöÄÖ Čč".chars() {
            assert!(can_show(c), "{c:?}");
        }
        for c in ['\u{fffe}', '\u{1f600}', '中', '\u{e000}'] {
            assert!(!can_show(c), "{c:?}");
        }
        assert!(has_family("carlito") && has_family("Liberation Sans"));
    }
}
