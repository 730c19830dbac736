//! Writing one cell of a leader's own table back to the file it came from,
//! changing nothing else: a CSV file is read by the loader's own codec
//! ([`crate::load::delimited`]) and only the edited field's bytes are
//! replaced, so its delimiter, encoding, quoting and line ends stay; a
//! workbook gets only that cell's XML changed ([`xlsx`]), every other part
//! copied byte for byte.
//!
//! [`meeting`] edits a cell of the year's meetings table: the value is
//! checked by the loader's own rules, the new bytes are read back by the
//! loader (every other cell as before, this one as typed) before anything is
//! written, and the file is replaced only while it still holds the bytes the
//! caller read ([`save`]): a save by Excel or OneDrive in the meantime wins.

pub mod meetings;
pub mod outline;
pub mod rows;
pub mod save;
pub mod xlsx;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::diag::{Diagnostic, Error, Location, Result, Sink};
use crate::load::delimited::{self, SpliceError};
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

/// A CSV file's bytes with the cell at spreadsheet row `row`, column `col`
/// (0-based) set to `value`; every other byte is kept. A file of only ASCII
/// takes a character beyond it in Windows-1252, as Norwegian Excel reads it.
pub fn csv_cell(bytes: &[u8], row: usize, col: usize, value: &str) -> Result<Vec<u8>> {
    let (csv, _) = delimited::parse(bytes).map_err(|u| Error::msg(u.message))?;
    csv.splice(bytes, row, col, value).map_err(|e| match e {
        SpliceError::NoRow(r) => Error::msg(format!("rad {r} finnes ikke i filen")),
        SpliceError::Unencodable(enc) => {
            Error::msg(format!("«{value}» har tegn som ikke kan lagres i filens tegnkoding ({})", enc.name()))
                .with_hint(
                    "bruk vanlige norske bokstaver og tegn, eller lagre filen som «CSV UTF-8» fra Excel",
                )
        }
    })
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
    let cell = match value {
        Value::Text(t) => xlsx::Cell::Text(t.clone()),
        Value::Date(d) => xlsx::Cell::Date(*d),
    };
    xlsx::set_cell(bytes, sheet, row, col, &cell).map_err(|e| match e {
        xlsx::Problem::Formula(f) => Error::at(
            Location::file(path),
            format!(
                "cellen {}{row} har formelen ={f}; arsplan skriver ikke over en formel",
                xlsx::column_name(col)
            ),
        )
        .with_hint("endre cellen i Excel, eller slett formelen der først"),
        e => xlsx_error(path, e),
    })
}

/// The bytes of a table file with one cell changed.
fn changed(t: &Table, bytes: &[u8], row: usize, col: usize, value: &Value) -> Result<Vec<u8>> {
    match &t.sheet {
        Some(sheet) => xlsx_cell(&t.path, bytes, sheet, row, col, value),
        None => csv_cell(bytes, row, col, &value.as_read()),
    }
}

/// The table the loader reads from a file's bytes (as it would read the file).
fn table_of(t: &Table, bytes: &[u8]) -> Result<Table> {
    match &t.sheet {
        Some(sheet) => table::xlsx_from_bytes(&t.path, bytes, sheet),
        None => table::csv_from_bytes(&t.path, bytes),
    }
}

/// Whether the loader reads `after` as `before` with only cell (`row`,
/// `col`) set to `value`: the same header, the same rows, every other cell
/// the same.
fn only_that_cell(before: &Table, after: &Table, row: usize, col: usize, value: &str) -> bool {
    let trimmed = |v: &[String]| {
        let mut v = v.to_vec();
        while v.last().is_some_and(String::is_empty) {
            v.pop();
        }
        v
    };
    if trimmed(&before.headers) != trimmed(&after.headers) || before.rows.len() != after.rows.len() {
        return false;
    }
    before.rows.iter().zip(&after.rows).all(|(b, a)| {
        if b.number != a.number {
            return false;
        }
        let mut want = b.cells.clone();
        if b.number == row {
            if want.len() <= col {
                want.resize(col + 1, String::new());
            }
            want[col] = value.to_string();
        }
        trimmed(&want) == trimmed(&a.cells)
    })
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
    /// The table as it was read before the edit, the cell's column and old
    /// value, and the row's cells after it (for the history).
    pub before: Table,
    pub row: usize,
    pub col: usize,
    pub old: String,
    pub row_after: Vec<String>,
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
    // A linked moter.csv is written where the link points, and stays a link.
    let real = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
    if let Some(dir) = real.parent() {
        crate::publish::clean_stale_temp_files(dir);
    }
    let bytes = std::fs::read(&real).map_err(|e| {
        Error::at(Location::file(&path), format!("kan ikke lese filen: {}", crate::diag::io_text(&e)))
    })?;
    if manifest::sha256(&bytes) != expected_sha256 {
        return Err(Refused::Stale(format!(
            "{} er endret et annet sted – i en annen fane eller i Excel – etter at siden ble lastet; ingenting er lagret",
            file_name(&path)
        )));
    }
    // The table as these bytes read (the file may have changed since the
    // loader read it above; the bytes are what the edit starts from).
    let table = table_of(&table, &bytes)?;
    refuse_open(&path, &real)?;
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
    let profile = project.profile(network).ok();
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
    // The loader must read the new bytes as the old ones with only this cell
    // changed; if not, nothing is written.
    let reread = table_of(&table, &new_bytes).ok();
    if !reread.as_ref().is_some_and(|t| only_that_cell(&table, t, row, col, &read)) {
        return Err(Error::at(
            at,
            format!(
                "verdien «{read}» ville ikke blitt lest tilbake slik den ble skrevet; ingenting er lagret"
            ),
        )
        .with_hint("endre cellen i regnearket i stedet")
        .into());
    }
    match save::replace(&real, &new_bytes, expected_sha256)? {
        save::Saved::Written => {}
        save::Saved::Changed => {
            return Err(Refused::Stale(format!(
                "{} ble endret på disken akkurat nå; ingenting er lagret",
                file_name(&path)
            )))
        }
    }
    let old = table.rows[index].cells.get(col).cloned().unwrap_or_default();
    let row_after = after_table.rows[index].cells.clone();
    Ok(Edited {
        path,
        sha256: manifest::sha256(&new_bytes),
        value: read,
        warnings,
        before: table,
        row,
        col,
        old,
        row_after,
    })
}

/// Refused while a spreadsheet program has the file open (workbook or
/// CSV): it would save its own copy over ours, or keep the file locked.
fn refuse_open(path: &Path, real: &Path) -> Result<()> {
    if let Some((lock, program)) = open_lock(path).or_else(|| open_lock(real)) {
        return Err(Error::at(
            Location::file(&lock),
            format!("{} er åpen i {program}; arsplan skriver ikke i en fil som er åpen", file_name(path)),
        )
        .with_hint(format!(
            "lagre og lukk filen i LibreOffice eller Excel først, og prøv igjen; er programmet alt lukket \
             (for eksempel etter at det krasjet), slett låsefilen {}",
            file_name(&lock)
        )));
    }
    Ok(())
}

/// The value to write back for a cell's text as the loader read it: a
/// meeting's date as a date (a date cell in a workbook), anything else as text.
pub fn value_for(column: &str, text: &str) -> Value {
    if column.eq_ignore_ascii_case("Dato") {
        if let Ok(d) = crate::dates::parse(text) {
            return Value::Date(d);
        }
    }
    Value::Text(text.to_string())
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
        for nl in ["\n", "\r\n", "\r"] {
            let text = csv.replace('\n', nl);
            let t = table::parse_csv(Path::new("m.csv"), &text).unwrap();
            let b = t.rows.iter().find(|r| r.cells[0] == "b").unwrap().number;
            assert_eq!(b, 4, "{nl:?}");
            let out = set(text.as_bytes(), b, 2, "03.02.2026");
            assert_eq!(String::from_utf8(out).unwrap(), text.replace("02.02.2026", "03.02.2026"));
        }
        // A short row gets the missing fields.
        let out = set(b"ID;Dato;Sted\nx;01.01.2026\n", 2, 2, "Sola");
        assert_eq!(out, b"ID;Dato;Sted\nx;01.01.2026;Sola\n");
    }

    #[test]
    fn encodings_are_kept() {
        let win = b"ID;Sted\nx;Troms\xf8\n";
        assert_eq!(set(win, 2, 1, "Bodø"), b"ID;Sted\nx;Bod\xf8\n");
        assert!(csv_cell(win, 2, 1, "Łódź").is_err());
        // Only ASCII so far: Windows-1252, as Norwegian Excel reads it.
        assert_eq!(set(b"ID;Sted\nx;Sola\n", 2, 1, "Bodø"), b"ID;Sted\nx;Bod\xf8\n");
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
}
