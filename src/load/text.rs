//! Text as it arrives: file bytes decoded (UTF-8, UTF-16, Windows-1252) with
//! the place of a bad byte, and the rules every text that can reach a
//! document must meet (characters the fonts can show, words and texts short
//! enough for PDF/A), so a problem is found at its cell before rendering.

use std::path::Path;

use crate::diag::{Diagnostic, Location};

/// The longest word (characters without white space) a text may hold: a PDF/A
/// string holds at most 32767 bytes, and a word stays on one line.
pub const MAX_WORD: usize = 1000;

/// The longest text one cell, value or line of prose may hold (a heading
/// becomes a PDF bookmark, a title the document's metadata).
pub const MAX_TEXT: usize = 10_000;

/// A character as messages show it: the code, and the character itself when
/// it is visible.
pub fn describe(c: char) -> String {
    let visible = !c.is_control()
        && !c.is_whitespace()
        && !matches!(c as u32, 0xE000..=0xF8FF | 0xFDD0..=0xFDEF | 0xFFF0..=0xFFFF)
        && (c as u32) & 0xFFFE != 0xFFFE;
    if visible {
        format!("«{c}» (U+{:04X})", c as u32)
    } else {
        format!("U+{:04X}", c as u32)
    }
}

/// A problem with a text that goes into a document: the message and advice.
pub fn problem(text: &str) -> Option<(String, String)> {
    if let Some(c) = text.chars().find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{b}')) {
        return Some((
            format!(
                "teksten inneholder det usynlige kontrolltegnet {}, som ikke kan stå i et dokument",
                describe(c)
            ),
            "slett tegnet; det kommer ofte med når tekst kopieres fra et annet program".into(),
        ));
    }
    if let Some(c) = text.chars().find(|c| !crate::fonts::can_show(*c)) {
        return Some((
            format!("tegnet {} finnes ikke i skriftene dokumentene bruker", describe(c)),
            "fjern tegnet eller bytt det ut med vanlige bokstaver og tegn".into(),
        ));
    }
    let n = text.chars().count();
    if n > MAX_TEXT {
        return Some((
            format!("teksten er {n} tegn lang; høyst {MAX_TEXT} tegn får plass her"),
            "del teksten på flere rader eller avsnitt".into(),
        ));
    }
    if let Some(w) = text.split_whitespace().find(|w| w.chars().count() > MAX_WORD) {
        let start: String = w.chars().take(20).collect();
        return Some((
            format!(
                "ordet som begynner «{start}» er {} tegn langt uten mellomrom; høyst {MAX_WORD} tegn får plass i PDF-en",
                w.chars().count()
            ),
            "del ordet med mellomrom, eller kort det ned".into(),
        ));
    }
    None
}

/// The problem of a text as a diagnostic at `loc`.
pub fn check(text: &str, loc: impl FnOnce() -> Location) -> Option<Diagnostic> {
    problem(text).map(|(m, h)| Diagnostic::error(Some(loc()), m).hint(h))
}

/// Every line of a text file that breaks the rules, at its line.
pub fn check_lines(path: &Path, text: &str) -> Vec<Diagnostic> {
    text.lines().enumerate().filter_map(|(i, line)| check(line, || Location::row(path, i + 1))).collect()
}

/// Why bytes could not be read as text, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undecodable {
    /// Byte offset of the problem in the file.
    pub offset: usize,
    pub message: String,
    pub hint: String,
}

impl Undecodable {
    /// The 1-based line of the problem.
    pub fn line(&self, bytes: &[u8]) -> usize {
        line_ends(&bytes[..self.offset.min(bytes.len())]) + 1
    }
}

/// How many line ends bytes hold: CR LF, LF, or a lone CR (Excel for Mac).
pub fn line_ends(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .enumerate()
        .filter(|(i, b)| **b == b'\n' || (**b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

/// Whether the zero bytes of `bytes` say UTF-16 without a byte-order mark:
/// `Some(true)` little-endian, `Some(false)` big-endian.
pub fn utf16_without_bom(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(2000) & !1];
    if sample.len() < 4 {
        return None;
    }
    let half = sample.len() / 2;
    let even = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let odd = sample.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    if odd * 10 >= half * 4 && even * 20 <= half {
        Some(true)
    } else if even * 10 >= half * 4 && odd * 20 <= half {
        Some(false)
    } else {
        None
    }
}

/// Decodes file bytes: UTF-8 (with or without BOM), UTF-16 (with a BOM, or
/// recognised by its zero bytes), else Windows-1252 as Norwegian Excel saves
/// CSV. A file that is UTF-8 except for some bytes (two encodings mixed) and
/// a binary file are refused at the first bad byte.
pub fn decode(bytes: &[u8]) -> Result<String, Undecodable> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest).map(str::to_string).map_err(|e| mixed(3 + e.valid_up_to(), rest));
    }
    let utf16 = if bytes.starts_with(&[0xFF, 0xFE]) {
        Some((encoding_rs::UTF_16LE, 2))
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        Some((encoding_rs::UTF_16BE, 2))
    } else {
        utf16_without_bom(bytes).map(|le| (if le { encoding_rs::UTF_16LE } else { encoding_rs::UTF_16BE }, 0))
    };
    if let Some((enc, skip)) = utf16 {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[skip..]);
        if had_errors {
            let at = text.find('\u{FFFD}').map(|i| text[..i].encode_utf16().count() * 2 + skip).unwrap_or(0);
            return Err(Undecodable {
                offset: at,
                message: "filen er lagret som UTF-16, men har et tegn som ikke er gyldig UTF-16".into(),
                hint: "lagre filen på nytt fra Excel som «CSV UTF-8 (kommadelt)»".into(),
            });
        }
        return Ok(text.into_owned());
    }
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        return Err(Undecodable {
            offset: at,
            message:
                "filen er ikke en gyldig tekstfil: den inneholder nullbyte, som et bilde eller et program"
                    .into(),
            hint: "lagre tabellen fra Excel som «CSV UTF-8 (kommadelt)» eller som .xlsx".into(),
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            // Windows-1252 text has no valid multi-byte UTF-8 sequences (Ã¸ is
            // unlikely Norwegian); if it has some, two encodings are mixed.
            let lossy = String::from_utf8_lossy(bytes);
            if lossy.chars().any(|c| (c as u32) >= 0x80 && c != '\u{FFFD}') {
                return Err(mixed(e.valid_up_to(), bytes));
            }
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Ok(text.into_owned())
        }
    }
}

fn mixed(offset: usize, bytes: &[u8]) -> Undecodable {
    let byte = bytes.get(offset).copied().unwrap_or(0);
    Undecodable {
        offset,
        message: format!(
            "filen har to tegnkodinger om hverandre: det meste er UTF-8, men byten 0x{byte:02X} her er ikke det (kanskje en ø, æ eller å lagret som Windows-1252)"
        ),
        hint: "skriv inn tegnet på nytt og lagre filen som UTF-8, eller lagre tabellen fra Excel som «CSV UTF-8 (kommadelt)»"
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        assert_eq!(decode(b"\xef\xbb\xbfa;\xc3\xb8").unwrap(), "a;ø");
        assert_eq!(decode(b"S\xf8rum").unwrap(), "Sørum");
        let le: Vec<u8> = "Navn;By\nSørum;Å".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(decode(&le).unwrap(), "Navn;By\nSørum;Å");
        let be: Vec<u8> = "Navn;By\nSørum;Å".encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(decode(&be).unwrap(), "Navn;By\nSørum;Å");
        let e = decode(b"Navn;By\nS\xc3\xb8rum;Troms\xf8\n").unwrap_err();
        assert_eq!((e.offset, e.line(b"Navn;By\nS\xc3\xb8rum;Troms\xf8\n")), (20, 2));
        assert!(e.message.contains("0xF8"), "{}", e.message);
        assert!(decode(b"\x89PNG\r\n\x1a\n\0\0").unwrap_err().message.contains("ikke en gyldig tekstfil"));
    }

    #[test]
    fn text_rules() {
        assert!(problem("Årlig fagdag «Livet» – 12. mars").is_none());
        assert!(problem("a\u{7}b").unwrap().0.contains("U+0007"));
        assert!(problem("a\u{fffe}b").unwrap().0.contains("U+FFFE"));
        assert!(problem(&"a".repeat(MAX_WORD + 1)).unwrap().0.contains("uten mellomrom"));
        assert!(problem(&"ab ".repeat(MAX_TEXT / 3 + 1)).unwrap().0.contains("tegn lang"));
        assert!(problem("linje\u{b}to\nlinjer\ttab").is_none());
    }
}
