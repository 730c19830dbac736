//! Writing one cell of a leader's own table back to the file it came from,
//! changing nothing else: a CSV file keeps its delimiter, encoding (UTF-8
//! with or without BOM, UTF-16, Windows-1252), quoting and line endings, and
//! only the bytes of the edited field change; a workbook is edited in place
//! (umya-spreadsheet), keeping its other sheets, cells and formatting.
//!
//! [`meeting`] edits a cell of the year's meetings table: the value is
//! checked by the loader's own rules before anything is written, a file that
//! changed on disk since the caller read it is never overwritten, and the
//! file is read back after writing to make sure the loader sees the value.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::diag::{Diagnostic, Error, Location, Result, Sink};
use crate::load::table::{self, Table};
use crate::manifest;
use crate::project::Project;

/// The columns of the meetings table that can be edited in place.
pub const EDITABLE: [&str; 6] = ["Dato", "Start", "Slutt", "Sted", "Tittel", "Tema"];

/// A value to write into a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(String),
    /// Written as `dd.mm.yyyy` text in CSV, as a date cell in a workbook.
    Date(NaiveDate),
}

impl Value {
    /// The cell's text as the loader reads it back.
    pub fn as_read(&self) -> String {
        match self {
            Value::Text(t) => t.clone(),
            Value::Date(d) => d.format("%d.%m.%Y").to_string(),
        }
    }
}

/// How a text file is encoded, as [`crate::load::text::decode`] reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8 { bom: bool },
    Utf16 { little_endian: bool, bom: bool },
    Windows1252,
}

/// The encoding of a table file's bytes, found as the loader finds it.
pub fn encoding(bytes: &[u8]) -> Result<Encoding> {
    crate::load::text::decode(bytes).map_err(|u| Error::msg(u.message))?;
    Ok(if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        Encoding::Utf8 { bom: true }
    } else if bytes.starts_with(&[0xFF, 0xFE]) {
        Encoding::Utf16 { little_endian: true, bom: true }
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        Encoding::Utf16 { little_endian: false, bom: true }
    } else if bytes.contains(&0) {
        // decode took it for UTF-16 without a byte-order mark: the zero bytes
        // of ASCII text sit in the high half of each unit.
        let odd = bytes.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
        let even = bytes.iter().step_by(2).filter(|b| **b == 0).count();
        Encoding::Utf16 { little_endian: odd >= even, bom: false }
    } else if std::str::from_utf8(bytes).is_ok() {
        Encoding::Utf8 { bom: false }
    } else {
        Encoding::Windows1252
    })
}

impl Encoding {
    /// Bytes before the text (a byte-order mark).
    fn skip(self) -> usize {
        match self {
            Encoding::Utf8 { bom: true } => 3,
            Encoding::Utf16 { bom: true, .. } => 2,
            _ => 0,
        }
    }

    /// Bytes per code unit.
    fn width(self) -> usize {
        match self {
            Encoding::Utf16 { .. } => 2,
            _ => 1,
        }
    }

    /// The file's code units after its byte-order mark (bytes, or UTF-16 units).
    fn units(self, bytes: &[u8]) -> Vec<u16> {
        let body = &bytes[self.skip().min(bytes.len())..];
        match self {
            Encoding::Utf16 { little_endian, .. } => body
                .chunks_exact(2)
                .map(|p| {
                    if little_endian {
                        u16::from_le_bytes([p[0], p[1]])
                    } else {
                        u16::from_be_bytes([p[0], p[1]])
                    }
                })
                .collect(),
            _ => body.iter().map(|b| u16::from(*b)).collect(),
        }
    }

    /// A text in this encoding; None when a character cannot be written in it.
    fn encode(self, text: &str) -> Option<Vec<u8>> {
        match self {
            Encoding::Utf8 { .. } => Some(text.as_bytes().to_vec()),
            Encoding::Utf16 { little_endian, .. } => Some(
                text.encode_utf16()
                    .flat_map(|u| if little_endian { u.to_le_bytes() } else { u.to_be_bytes() })
                    .collect(),
            ),
            Encoding::Windows1252 => {
                let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
                (!unmappable).then(|| bytes.into_owned())
            }
        }
    }
}

/// The delimiter the loader finds in a header line: the more frequent of
/// semicolon and comma outside quotes (semicolon when even).
fn delimiter(units: &[u16]) -> u16 {
    let mut quoted = false;
    let (mut semi, mut comma) = (0, 0);
    // The first line that is not blank.
    let mut line_has_text = false;
    for &u in units {
        match u {
            0x22 => quoted = !quoted,
            0x0A if !quoted && line_has_text => break,
            0x3B if !quoted => semi += 1,
            0x2C if !quoted => comma += 1,
            _ => {}
        }
        if !matches!(u, 0x0A | 0x0D | 0x20 | 0x09 | 0xFEFF) {
            line_has_text = true;
        }
    }
    if comma > semi {
        0x2C
    } else {
        0x3B
    }
}

/// The fields of one record: (start, end) in code units, quotes included.
type Fields = Vec<(usize, usize)>;

/// Every record of CSV text with the row the loader gives it: 1 + the line
/// breaks before it that are not inside a quoted cell.
fn records(units: &[u16], delim: u16) -> Vec<(usize, Fields, usize)> {
    let mut out = Vec::new();
    let mut row = 1;
    let mut i = 0;
    let n = units.len();
    while i < n {
        let mut fields = Vec::new();
        let mut start = i;
        let end_of_record;
        loop {
            // One field from `start`.
            let mut j = start;
            if j < n && units[j] == 0x22 {
                j += 1;
                while j < n {
                    if units[j] == 0x22 {
                        if j + 1 < n && units[j + 1] == 0x22 {
                            j += 2;
                            continue;
                        }
                        j += 1;
                        break;
                    }
                    j += 1;
                }
            }
            while j < n && units[j] != delim && units[j] != 0x0A && units[j] != 0x0D {
                j += 1;
            }
            fields.push((start, j));
            if j < n && units[j] == delim {
                start = j + 1;
                continue;
            }
            end_of_record = j;
            break;
        }
        out.push((row, fields, i));
        // The line ending: \r\n, \n or \r.
        let mut k = end_of_record;
        if k < n && units[k] == 0x0D {
            k += 1;
        }
        if k < n && units[k] == 0x0A {
            k += 1;
        }
        row += 1;
        if k == end_of_record {
            break;
        }
        i = k;
    }
    out
}

/// Whether a CSV field needs quotes to hold `value`.
fn needs_quotes(value: &str, delim: char) -> bool {
    value.contains([delim, '"', '\n', '\r']) || value.starts_with(' ') || value.ends_with(' ')
}

/// A CSV file's bytes with the cell at spreadsheet row `row`, column `col`
/// (0-based) set to `value`; every other byte is kept.
pub fn csv_cell(bytes: &[u8], row: usize, col: usize, value: &str) -> Result<Vec<u8>> {
    let enc = encoding(bytes)?;
    let units = enc.units(bytes);
    let delim = delimiter(&units);
    let delim_char = char::from_u32(u32::from(delim)).unwrap_or(';');
    let recs = records(&units, delim);
    let Some((_, fields, _)) = recs.iter().find(|(r, f, _)| *r == row && !f.is_empty()) else {
        return Err(Error::msg(format!("rad {row} finnes ikke i filen")));
    };
    let (start, end, prefix) = match fields.get(col) {
        Some(&(s, e)) => (s, e, String::new()),
        // A short row: add the missing fields after its last one.
        None => {
            let last = fields.last().map(|f| f.1).unwrap_or(0);
            (last, last, std::iter::repeat_n(delim_char, col + 1 - fields.len()).collect())
        }
    };
    let was_quoted = units.get(start) == Some(&0x22) && end > start;
    let field = if was_quoted || needs_quotes(value, delim_char) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    };
    let encoded = enc.encode(&format!("{prefix}{field}")).ok_or_else(|| {
        Error::msg(format!("«{value}» har tegn som ikke kan lagres i filens tegnkoding (Windows-1252)"))
            .with_hint("bruk vanlige norske bokstaver og tegn, eller lagre filen som «CSV UTF-8» fra Excel")
    })?;
    let (w, skip) = (enc.width(), enc.skip());
    let mut out = bytes[..skip + start * w].to_vec();
    out.extend_from_slice(&encoded);
    out.extend_from_slice(&bytes[skip + end * w..]);
    Ok(out)
}

/// An Excel day number: days since 30 December 1899.
fn serial(d: NaiveDate) -> f64 {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    (d - epoch).num_days() as f64
}

/// Whether a number format shows a date (it has day, month or year fields
/// outside quoted text and [colour] brackets).
fn is_date_format(code: &str) -> bool {
    let mut quoted = false;
    let mut bracket = false;
    for c in code.chars() {
        match c {
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            'd' | 'D' | 'y' | 'Y' if !quoted && !bracket => return true,
            _ => {}
        }
    }
    false
}

fn xlsx_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::at(Location::file(path), format!("regnearket kunne ikke endres: {e}"))
        .with_hint("åpne filen i Excel, lagre den på nytt som Excel-arbeidsbok (.xlsx) og prøv igjen")
}

/// A workbook's bytes with the cell at `row` (1-based), column `col`
/// (0-based) of `sheet` set to `value`: a date as a date cell with the date
/// format its column already uses (`dd.mm.yyyy` if none), text as text.
pub fn xlsx_cell(
    path: &Path,
    bytes: &[u8],
    sheet: &str,
    row: usize,
    col: usize,
    value: &Value,
) -> Result<Vec<u8>> {
    let mut book = umya_spreadsheet::reader::xlsx::read_reader(std::io::Cursor::new(bytes), true)
        .map_err(|e| xlsx_error(path, e))?;
    let ws = book
        .get_sheet_by_name_mut(sheet)
        .ok_or_else(|| xlsx_error(path, format!("arket «{sheet}» finnes ikke")))?;
    let (c, r) = (col as u32 + 1, row as u32);
    match value {
        Value::Text(t) => {
            ws.get_cell_mut((c, r)).set_value_string(t.clone());
        }
        Value::Date(d) => {
            let code_of = |cell: &umya_spreadsheet::Cell| {
                cell.get_style().get_number_format().map(|f| f.get_format_code().to_string())
            };
            let own = ws.get_cell((c, r)).and_then(code_of).filter(|f| is_date_format(f));
            let column = || {
                let mut cells = ws.get_collection_by_column(&c);
                cells.sort_by_key(|cell| *cell.get_coordinate().get_row_num());
                cells.into_iter().filter_map(code_of).find(|f| is_date_format(f))
            };
            let code = own.clone().or_else(column).unwrap_or_else(|| "dd.mm.yyyy".to_string());
            let cell = ws.get_cell_mut((c, r));
            cell.set_value_number(serial(*d));
            if own.is_none() {
                cell.get_style_mut().get_number_format_mut().set_format_code(code);
            }
        }
    }
    let mut out = Vec::new();
    umya_spreadsheet::writer::xlsx::write_writer(&book, &mut out).map_err(|e| xlsx_error(path, e))?;
    Ok(out)
}

/// The bytes of a table file with one cell changed.
fn changed(t: &Table, bytes: &[u8], row: usize, col: usize, value: &Value) -> Result<Vec<u8>> {
    match &t.sheet {
        Some(sheet) => xlsx_cell(&t.path, bytes, sheet, row, col, value),
        None => csv_cell(bytes, row, col, &value.as_read()),
    }
}

/// Why an edit was not made.
#[derive(Debug, Clone, PartialEq)]
pub enum Refused {
    /// The file changed on disk since the caller read it: nothing was
    /// written; read it again.
    Stale(String),
    /// The value breaks a rule: the diagnostics at the cell (nothing written).
    Invalid(Vec<Diagnostic>),
    /// Anything else (no such row, the file cannot be read or written).
    Failed(Error),
}

impl From<Error> for Refused {
    fn from(e: Error) -> Self {
        Refused::Failed(e)
    }
}

/// What an edit did.
#[derive(Debug, Clone)]
pub struct Edited {
    pub path: PathBuf,
    /// The file's sha256 after the edit.
    pub sha256: String,
    /// The value as the loader now reads it.
    pub value: String,
    /// Warnings at the edited row (a holiday, a weekend).
    pub warnings: Vec<Diagnostic>,
}

/// A meeting cell's new value, as typed, turned into what is written:
/// dates as dates, times as `tt:mm`, text trimmed, one line.
pub fn parse_value(column: &str, typed: &str, at: Location) -> std::result::Result<Value, Vec<Diagnostic>> {
    let t = typed.trim();
    let bad = |m: String, h: &str| vec![Diagnostic::error(Some(at.clone()), m).hint(h)];
    if t.contains(['\n', '\r']) {
        return Err(bad("verdien må stå på én linje".into(), "skriv teksten uten linjeskift"));
    }
    match column {
        "Dato" => match crate::dates::parse(t) {
            Ok(d) => Ok(Value::Date(d)),
            Err(crate::dates::DateError::NoSuchDay) => {
                Err(bad(format!("«{t}» er ingen gyldig dato: den dagen finnes ikke"), "sjekk dag og måned"))
            }
            Err(_) if t.is_empty() => {
                Err(bad("datoen mangler".into(), "hvert møte må ha en dato, som dd.mm.åååå"))
            }
            Err(_) => Err(bad(
                format!("«{t}» er ingen dato"),
                "skriv datoen som dd.mm.åååå (16.04.2026) eller åååå-mm-dd (2026-04-16)",
            )),
        },
        "Start" | "Slutt" if !t.is_empty() => {
            match chrono::NaiveTime::parse_from_str(&t.replace('.', ":"), "%H:%M") {
                Ok(time) => Ok(Value::Text(time.format("%H:%M").to_string())),
                Err(_) => Err(bad(
                    format!("«{t}» er ikke et klokkeslett"),
                    "skriv klokkeslettet som tt:mm, for eksempel 09:00",
                )),
            }
        }
        _ => Ok(Value::Text(t.to_string())),
    }
}

/// What the loader's and the checker's rules say about a meetings table.
fn diagnostics(t: &Table, groups: Option<&[String]>, year: i32) -> Vec<Diagnostic> {
    let mut sink = Sink::default();
    let meetings = crate::load::meetings_of(t.clone(), groups, &mut sink);
    sink.items.extend(crate::check::meetings(year, &meetings));
    sink.items
}

/// The meetings table of a network's year (moter.csv or moter.xlsx).
pub fn meetings_table(project: &Project, network: &str, year: i32) -> Result<Table> {
    let dir = project.data.join(network).join(year.to_string());
    table::require(&dir, "moter", "Møter")
}

/// Sets one cell of a year's meetings table: the row as the spreadsheet
/// numbers it, the column by its header (one of [`EDITABLE`]), the value as
/// typed, and the sha256 of the file as the caller read it. The value is
/// checked by the loader's rules first; a file that has changed since is
/// not touched, nor a file LibreOffice or Excel has open (its lock file).
pub fn meeting(
    project: &Project,
    network: &str,
    year: i32,
    row: usize,
    column: &str,
    typed: &str,
    expected_sha256: &str,
) -> std::result::Result<Edited, Refused> {
    let Some(column) = EDITABLE.iter().find(|c| c.eq_ignore_ascii_case(column)).copied() else {
        return Err(Error::msg(format!("kolonnen «{column}» kan ikke endres her")).into());
    };
    let table = meetings_table(project, network, year)?;
    let path = table.path.clone();
    let bytes = std::fs::read(&path).map_err(|e| {
        Error::at(Location::file(&path), format!("kan ikke lese filen: {}", crate::diag::io_text(&e)))
    })?;
    if manifest::sha256(&bytes) != expected_sha256 {
        return Err(Refused::Stale(format!(
            "{} er endret på disken siden siden ble lastet (kanskje i Excel); ingenting er lagret",
            file_name(&path)
        )));
    }
    // Open in a spreadsheet program (workbook or CSV): it would save its own
    // copy over ours, or keep the file locked.
    if let Some((lock, program)) = open_lock(&path) {
        return Err(Error::at(
            Location::file(&lock),
            format!("{} er åpen i {program}; arsplan skriver ikke i en fil som er åpen", file_name(&path)),
        )
        .with_hint(format!(
            "lagre og lukk filen i LibreOffice eller Excel først, og prøv igjen; er programmet alt lukket \
             (for eksempel etter at det krasjet), slett låsefilen {}",
            file_name(&lock)
        ))
        .into());
    }
    let Some(col) = table.headers.iter().position(|h| h.eq_ignore_ascii_case(column)) else {
        return Err(Error::at(
            Location::row(&table.display_path(), table.header_row),
            format!("{} har ingen kolonne «{column}»", file_name(&path)),
        )
        .with_hint(format!("legg til kolonnen «{column}» i regnearket for å fylle den ut"))
        .into());
    };
    let Some(index) = table.rows.iter().position(|r| r.number == row) else {
        return Err(Error::msg(format!("rad {row} finnes ikke i {}", file_name(&path))).into());
    };
    let at = Location::cell(&table.display_path(), row, col, &table.headers[col]);
    let value = parse_value(column, typed, at.clone()).map_err(Refused::Invalid)?;
    let read = value.as_read();
    if let Some(d) = crate::load::text::check(&read, || at.clone()) {
        return Err(Refused::Invalid(vec![d]));
    }
    // The rules, on the table as it will read: errors at this row that the
    // edit would bring refuse it.
    let profile: Option<crate::model::Profile> =
        crate::load::read_toml(&project.data.join(network).join("nettverk.toml")).ok();
    let groups = profile.as_ref().map(|p| p.groups.as_slice());
    let before = diagnostics(&table, groups, year);
    let mut after_table = table.clone();
    let cells = &mut after_table.rows[index].cells;
    if cells.len() <= col {
        cells.resize(col + 1, String::new());
    }
    cells[col] = read.clone();
    // Errors the edit would bring, at this row or another (a group's two
    // meetings on one day is said at the later one).
    let after = diagnostics(&after_table, groups, year);
    let new_errors: Vec<Diagnostic> =
        after.iter().filter(|d| d.is_error() && !before.contains(d)).cloned().collect();
    if !new_errors.is_empty() {
        return Err(Refused::Invalid(new_errors));
    }
    let warnings = after
        .into_iter()
        .filter(|d| !d.is_error() && d.location.as_ref().is_some_and(|l| l.row == Some(row)))
        .collect();
    let new_bytes = changed(&table, &bytes, row, col, &value)?;
    let permissions = std::fs::metadata(&path).ok().map(|m| m.permissions());
    // Read once more just before writing: a save in Excel a moment ago wins.
    if std::fs::read(&path).map(|b| manifest::sha256(&b)).ok().as_deref() != Some(expected_sha256) {
        return Err(Refused::Stale(format!(
            "{} ble endret på disken akkurat nå; ingenting er lagret",
            file_name(&path)
        )));
    }
    crate::publish::write_atomic(&path, &new_bytes)?;
    if let Some(p) = permissions {
        let _ = std::fs::set_permissions(&path, p);
    }
    // The loader must read the value back as written; if not, put the file back.
    let reread = meetings_table(project, network, year).ok().and_then(|t| {
        let r = t.rows.iter().find(|r| r.number == row)?;
        r.cells.get(col).cloned()
    });
    if reread.as_deref() != Some(read.as_str()) {
        crate::publish::write_atomic(&path, &bytes)?;
        return Err(Error::at(
            at,
            format!("verdien «{read}» ble ikke lest tilbake slik den ble skrevet; filen er satt tilbake"),
        )
        .with_hint("endre cellen i regnearket i stedet")
        .into());
    }
    Ok(Edited { path, sha256: manifest::sha256(&new_bytes), value: read, warnings })
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default()
}

/// The lock file beside a file a spreadsheet program has open, and which
/// program: Excel's `~$moter.xlsx` (for a long name without its first two
/// letters) or LibreOffice's `.~lock.moter.csv#`.
fn open_lock(path: &Path) -> Option<(PathBuf, &'static str)> {
    let name = path.file_name()?.to_str()?;
    let dir = path.parent()?;
    let candidates = [
        (format!(".~lock.{name}#"), "LibreOffice"),
        (format!("~${name}"), "Excel"),
        (format!("~${}", name.get(2..).unwrap_or(name)), "Excel"),
    ];
    candidates.into_iter().map(|(c, program)| (dir.join(c), program)).find(|(p, _)| p.exists())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(bytes: &[u8], row: usize, col: usize, value: &str) -> Vec<u8> {
        csv_cell(bytes, row, col, value).unwrap()
    }

    #[test]
    fn only_the_field_changes() {
        let csv = b"ID;Dato;Sted\r\nintro;29.01.2026;\"Sola, kantina\"\r\nfagdag;12.11.2026;Sola\r\n";
        let out = set(csv, 3, 1, "19.11.2026");
        assert_eq!(out, b"ID;Dato;Sted\r\nintro;29.01.2026;\"Sola, kantina\"\r\nfagdag;19.11.2026;Sola\r\n");
        // A quoted field stays quoted; a value with the delimiter gets quotes.
        let out = set(csv, 2, 2, "Sola \"nye\" kantine");
        assert_eq!(
            out,
            b"ID;Dato;Sted\r\nintro;29.01.2026;\"Sola \"\"nye\"\" kantine\"\r\nfagdag;12.11.2026;Sola\r\n"
        );
        let out = set(b"ID,Sted\nx,a\n", 2, 1, "b, c");
        assert_eq!(out, b"ID,Sted\nx,\"b, c\"\n");
    }

    #[test]
    fn rows_are_counted_as_the_loader_counts_them() {
        // A quoted cell over two lines is one row; a blank line is a row.
        let csv = "ID;Tema;Dato\na;\"to\nlinjer\";01.02.2026\n\nb;;02.02.2026\n";
        let t = table::parse_csv(Path::new("m.csv"), csv).unwrap();
        let b = t.rows.iter().find(|r| r.cells[0] == "b").unwrap().number;
        let out = set(csv.as_bytes(), b, 2, "03.02.2026");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "ID;Tema;Dato\na;\"to\nlinjer\";01.02.2026\n\nb;;03.02.2026\n"
        );
        let crlf = csv.replace('\n', "\r\n");
        let t = table::parse_csv(Path::new("m.csv"), &crlf).unwrap();
        assert_eq!(t.rows.iter().find(|r| r.cells[0] == "b").unwrap().number, b);
        let out = set(crlf.as_bytes(), b, 2, "03.02.2026");
        assert_eq!(String::from_utf8(out).unwrap(), crlf.replace("02.02.2026", "03.02.2026"));
        // A short row gets the missing fields.
        let out = set(b"ID;Dato;Sted\nx;01.01.2026\n", 2, 2, "Sola");
        assert_eq!(out, b"ID;Dato;Sted\nx;01.01.2026;Sola\n");
    }

    #[test]
    fn encodings_are_kept() {
        let win = b"ID;Sted\nx;Troms\xf8\n";
        assert_eq!(encoding(win).unwrap(), Encoding::Windows1252);
        assert_eq!(set(win, 2, 1, "Bodø"), b"ID;Sted\nx;Bod\xf8\n");
        assert!(csv_cell(win, 2, 1, "Łódź").is_err());
        let bom = "\u{feff}ID;Sted\nx;Sola\n".as_bytes();
        assert_eq!(set(bom, 2, 1, "Tromsø"), "\u{feff}ID;Sted\nx;Tromsø\n".as_bytes());
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("ID;Sted\r\nx;Sola\r\n".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        let out = set(&le, 2, 1, "Ås");
        let want: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("ID;Sted\r\nx;Ås\r\n".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(out, want);
    }

    #[test]
    fn date_formats_are_told_from_others() {
        assert!(is_date_format("dd.mm.yyyy"));
        assert!(is_date_format("[$-414]d. mmmm yyyy"));
        assert!(!is_date_format("@"));
        assert!(!is_date_format("0.00"));
        assert!(!is_date_format("[Red]0"));
        assert_eq!(serial(NaiveDate::from_ymd_opt(2025, 1, 30).unwrap()), 45687.0);
    }
}
