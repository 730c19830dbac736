//! The one CSV codec: a CSV file's bytes as records of fields, each field
//! with its byte range in the file, as the loader reads them and as an edit
//! writes one back (by splicing that range, so no other byte changes).
//!
//! Rows are numbered as a spreadsheet numbers them: 1 + the line ends before
//! the record outside quoted cells, where a line end is CR LF, LF or a lone
//! CR (Excel for Mac). Quoting is CSV's: a field that begins with `"` runs to
//! the next `"` not doubled; anywhere else a quote is an ordinary character.

use std::ops::Range;

use super::text::{self, Undecodable};

/// How a text file is encoded, as [`text::decode`] reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Only ASCII so far. Norwegian Excel reads such a file as
    /// Windows-1252, so a character beyond ASCII is written in that.
    Ascii,
    Utf8 {
        bom: bool,
    },
    Utf16 {
        little_endian: bool,
        bom: bool,
    },
    Windows1252,
}

impl Encoding {
    /// The encoding of bytes [`text::decode`] accepted.
    pub fn of(bytes: &[u8]) -> Encoding {
        if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
            Encoding::Utf8 { bom: true }
        } else if bytes.starts_with(&[0xFF, 0xFE]) {
            Encoding::Utf16 { little_endian: true, bom: true }
        } else if bytes.starts_with(&[0xFE, 0xFF]) {
            Encoding::Utf16 { little_endian: false, bom: true }
        } else if let Some(le) = text::utf16_without_bom(bytes) {
            Encoding::Utf16 { little_endian: le, bom: false }
        } else if bytes.is_ascii() {
            Encoding::Ascii
        } else if std::str::from_utf8(bytes).is_ok() {
            Encoding::Utf8 { bom: false }
        } else {
            Encoding::Windows1252
        }
    }

    /// Bytes before the text (a byte-order mark).
    pub fn skip(self) -> usize {
        match self {
            Encoding::Utf8 { bom: true } => 3,
            Encoding::Utf16 { bom: true, .. } => 2,
            _ => 0,
        }
    }

    /// How many bytes a character takes.
    fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf8 { .. } => c.len_utf8(),
            Encoding::Utf16 { .. } => 2 * c.len_utf16(),
            Encoding::Ascii | Encoding::Windows1252 => 1,
        }
    }

    /// A text in this encoding; None when a character cannot be written in it.
    pub fn encode(self, text: &str) -> Option<Vec<u8>> {
        match self {
            Encoding::Utf8 { .. } => Some(text.as_bytes().to_vec()),
            Encoding::Utf16 { little_endian, .. } => Some(
                text.encode_utf16()
                    .flat_map(|u| if little_endian { u.to_le_bytes() } else { u.to_be_bytes() })
                    .collect(),
            ),
            Encoding::Ascii | Encoding::Windows1252 => {
                let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
                (!unmappable).then(|| bytes.into_owned())
            }
        }
    }

    /// The encoding's name as a leader's spreadsheet program calls it.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Ascii | Encoding::Windows1252 => "Windows-1252",
            Encoding::Utf8 { bom: true } => "UTF-8 med BOM",
            Encoding::Utf8 { bom: false } => "UTF-8",
            Encoding::Utf16 { .. } => "UTF-16",
        }
    }
}

/// One field: its bytes in the file (quotes included) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub bytes: Range<usize>,
    /// The value, quotes removed and doubled quotes made single (not trimmed).
    pub text: String,
    pub quoted: bool,
}

/// One record (a spreadsheet row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub row: usize,
    pub fields: Vec<Field>,
}

/// A CSV file read: its encoding, delimiter and records.
#[derive(Debug, Clone)]
pub struct Csv {
    pub encoding: Encoding,
    pub delimiter: char,
    pub records: Vec<Record>,
}

/// The first line of a text that is not blank.
pub fn header_line(text: &str) -> &str {
    text.split(['\n', '\r']).find(|l| !l.trim().is_empty()).unwrap_or("")
}

/// How often `ch` stands in a line outside quotes.
pub fn count_outside_quotes(line: &str, ch: char) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for c in line.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if c == ch && !quoted {
            n += 1;
        }
    }
    n
}

/// The delimiter of a header line: the more frequent of semicolon and comma
/// outside quotes (semicolon when even, and when there is neither).
pub fn delimiter(header: &str) -> char {
    if count_outside_quotes(header, ',') > count_outside_quotes(header, ';') {
        ','
    } else {
        ';'
    }
}

/// Splits decoded text into records; `enc` gives the byte ranges in the file.
pub fn records(text: &str, enc: Encoding, delim: char) -> Vec<Record> {
    let chars: Vec<char> = text.chars().collect();
    // Byte offset in the file of each char (and of the end).
    let mut at = Vec::with_capacity(chars.len() + 1);
    let mut pos = enc.skip();
    // A byte-order mark left in the text (a second one) is no part of a field.
    let start = usize::from(chars.first() == Some(&'\u{feff}'));
    for c in &chars {
        at.push(pos);
        pos += enc.width(*c);
    }
    at.push(pos);
    let n = chars.len();
    let mut out = Vec::new();
    let mut row = 1;
    let mut i = start;
    loop {
        let mut fields = Vec::new();
        loop {
            let begin = i;
            let mut value = String::new();
            let quoted = i < n && chars[i] == '"';
            if quoted {
                i += 1;
                while i < n {
                    if chars[i] == '"' {
                        if i + 1 < n && chars[i + 1] == '"' {
                            value.push('"');
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    value.push(chars[i]);
                    i += 1;
                }
            }
            while i < n && chars[i] != delim && chars[i] != '\n' && chars[i] != '\r' {
                value.push(chars[i]);
                i += 1;
            }
            fields.push(Field { bytes: at[begin]..at[i], text: value, quoted });
            if i < n && chars[i] == delim {
                i += 1;
                continue;
            }
            break;
        }
        out.push(Record { row, fields });
        if i >= n {
            break;
        }
        // The line end: CR LF, LF or CR.
        if chars[i] == '\r' && i + 1 < n && chars[i + 1] == '\n' {
            i += 2;
        } else {
            i += 1;
        }
        row += 1;
        if i >= n {
            break;
        }
    }
    out
}

/// Reads CSV bytes: decoded, delimiter from the header line, every record.
pub fn parse(bytes: &[u8]) -> Result<(Csv, String), Undecodable> {
    let text = text::decode(bytes)?;
    let encoding = Encoding::of(bytes);
    let body = text.trim_start_matches('\u{feff}');
    let delimiter = delimiter(header_line(body));
    let records = records(&text, encoding, delimiter);
    Ok((Csv { encoding, delimiter, records }, text))
}

/// Whether a CSV field needs quotes to hold `value`.
fn needs_quotes(value: &str, delim: char) -> bool {
    value.contains([delim, '"', '\n', '\r']) || value.starts_with(' ') || value.ends_with(' ')
}

/// Why a cell could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpliceError {
    NoRow(usize),
    /// A character the file's encoding cannot hold.
    Unencodable(Encoding),
}

impl Csv {
    /// The file's bytes with the field at `row`, column `col` (0-based) set to
    /// `value`; every other byte is kept. A row shorter than `col` gets the
    /// missing fields.
    pub fn splice(&self, bytes: &[u8], row: usize, col: usize, value: &str) -> Result<Vec<u8>, SpliceError> {
        let rec = self
            .records
            .iter()
            .find(|r| r.row == row && !r.fields.is_empty())
            .ok_or(SpliceError::NoRow(row))?;
        let (range, prefix, was_quoted) = match rec.fields.get(col) {
            Some(f) => (f.bytes.clone(), String::new(), f.quoted),
            None => {
                let end = rec.fields.last().map(|f| f.bytes.end).unwrap_or(0);
                let missing = col + 1 - rec.fields.len();
                (end..end, std::iter::repeat_n(self.delimiter, missing).collect(), false)
            }
        };
        let field = if was_quoted || needs_quotes(value, self.delimiter) {
            format!("\"{}\"", value.replace('"', "\"\""))
        } else {
            value.to_string()
        };
        let encoded = self
            .encoding
            .encode(&format!("{prefix}{field}"))
            .ok_or(SpliceError::Unencodable(self.encoding))?;
        let mut out = bytes[..range.start].to_vec();
        out.extend_from_slice(&encoded);
        out.extend_from_slice(&bytes[range.end..]);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<(usize, Vec<String>)> {
        let (csv, _) = parse(text.as_bytes()).unwrap();
        csv.records.into_iter().map(|r| (r.row, r.fields.into_iter().map(|f| f.text).collect())).collect()
    }

    #[test]
    fn line_ends_of_every_kind_number_rows_alike() {
        for nl in ["\n", "\r\n", "\r"] {
            let text = "ID;Dato\na;1\n\nb;\"x\ny\"\nc;3\n".replace('\n', nl);
            let got: Vec<(usize, String)> = rows(&text).into_iter().map(|(r, f)| (r, f[0].clone())).collect();
            let want = [(1, "ID"), (2, "a"), (3, ""), (4, "b"), (5, "c")];
            assert_eq!(got, want.map(|(r, s)| (r, s.to_string())), "{nl:?}");
        }
    }

    #[test]
    fn byte_ranges_point_at_the_fields_in_every_encoding() {
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("ID;Sted\r\nx;Ås\r\n".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        for bytes in
            ["\u{feff}ID;Sted\nx;Tromsø\n".as_bytes().to_vec(), b"ID;Sted\nx;Troms\xf8\n".to_vec(), utf16]
        {
            let (csv, _) = parse(&bytes).unwrap();
            let f = &csv.records[1].fields[1];
            let out = csv.splice(&bytes, 2, 1, &f.text).unwrap();
            assert_eq!(out, bytes, "putting a field back changes nothing");
        }
    }

    #[test]
    fn ascii_files_take_windows_1252() {
        let (csv, _) = parse(b"ID;Sted\nx;Sola\n").unwrap();
        assert_eq!(csv.encoding, Encoding::Ascii);
        assert_eq!(csv.splice(b"ID;Sted\nx;Sola\n", 2, 1, "Bodø").unwrap(), b"ID;Sted\nx;Bod\xf8\n");
        assert!(csv.splice(b"ID;Sted\nx;Sola\n", 2, 1, "Łódź").is_err());
    }
}
