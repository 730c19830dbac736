//! Whole rows of a leader's table added, removed or moved, and several
//! cells of one row set at once, with the same surgical rule as a cell
//! edit: a CSV file keeps every other record's bytes (its delimiter,
//! encoding, quoting and line ends); a workbook gets only its sheet part
//! changed (the rows after the change renumbered), every other part copied
//! byte for byte ([`super::xlsx::move_rows`]).
//!
//! [`save`] is the one way such a change reaches the disk: the file must
//! still hold the bytes the caller read, must not be open in Excel or
//! LibreOffice, and the loader must read the new bytes as exactly the table
//! the change describes ([`expected`]) before the file is replaced.

use std::path::{Path, PathBuf};

use super::{save as safe, xlsx, Refused, Value};
use crate::diag::{Error, Location, Result};
use crate::load::delimited;
use crate::load::table::{Row, Table};
use crate::manifest;

/// One change to a table, in the spreadsheet row numbers of the file as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Cells of one row set (by 0-based column).
    Set { row: usize, cells: Vec<(usize, Value)> },
    /// New rows, the first getting number `at`; the rows from `at` on move
    /// down as many.
    Insert { at: usize, rows: Vec<Vec<(usize, Value)>> },
    /// Rows `row..row + count` removed; the rows after move up.
    Delete { row: usize, count: usize },
    /// Rows `from..from + count` moved so that the first gets number `to`
    /// (counted in the table as it is after the move).
    Move { from: usize, count: usize, to: usize },
}

/// The row numbers a change maps old rows to (None: the row is gone), the
/// same for both kinds of file.
pub fn renumber(op: &Op, row: usize) -> Option<usize> {
    match *op {
        Op::Set { .. } => Some(row),
        Op::Insert { at, ref rows } => Some(if row >= at { row + rows.len() } else { row }),
        Op::Delete { row: r, count } => {
            if row < r {
                Some(row)
            } else if row < r + count {
                None
            } else {
                Some(row - count)
            }
        }
        Op::Move { from, count, to } => {
            if (from..from + count).contains(&row) {
                return Some(to + (row - from));
            }
            // Out of the way first, then make room at `to`.
            let after_out = if row >= from + count { row - count } else { row };
            Some(if after_out >= to { after_out + count } else { after_out })
        }
    }
}

/// The table the loader should read after the change.
pub fn expected(t: &Table, op: &Op) -> Table {
    let mut out = t.clone();
    let text = |cells: &[(usize, Value)], base: &[String]| {
        let mut v = base.to_vec();
        for (c, val) in cells {
            if v.len() <= *c {
                v.resize(c + 1, String::new());
            }
            v[*c] = val.as_read().trim().to_string();
        }
        v
    };
    out.rows = t
        .rows
        .iter()
        .filter_map(|r| {
            let number = renumber(op, r.number)?;
            let cells = match op {
                Op::Set { row, cells } if *row == r.number => text(cells, &r.cells),
                _ => r.cells.clone(),
            };
            Some(Row { number, cells })
        })
        .collect();
    if let Op::Insert { at, rows } = op {
        for (k, cells) in rows.iter().enumerate() {
            let row = Row { number: at + k, cells: text(cells, &[]) };
            if !row.cells.iter().all(String::is_empty) {
                out.rows.push(row);
            }
        }
    }
    out.rows.sort_by_key(|r| r.number);
    out
}

/// Whether two tables read alike: the same header and the same rows, each
/// with the same cells (trailing empty cells aside).
pub fn same_table(a: &Table, b: &Table) -> bool {
    let trimmed = |v: &[String]| {
        let mut v = v.to_vec();
        while v.last().is_some_and(String::is_empty) {
            v.pop();
        }
        v
    };
    trimmed(&a.headers) == trimmed(&b.headers)
        && a.rows.len() == b.rows.len()
        && a.rows
            .iter()
            .zip(&b.rows)
            .all(|(x, y)| x.number == y.number && trimmed(&x.cells) == trimmed(&y.cells))
}

/// A CSV file cut into its records (each without its line end) and the line
/// end after each (the last may have none), with the bytes before the first.
struct Lines {
    prefix: Vec<u8>,
    records: Vec<Vec<u8>>,
    ends: Vec<Vec<u8>>,
    /// The spreadsheet row number of each record.
    numbers: Vec<usize>,
    csv: delimited::Csv,
}

fn lines(bytes: &[u8]) -> Result<Lines> {
    let (csv, _) = delimited::parse(bytes).map_err(|u| Error::msg(u.message))?;
    let starts: Vec<usize> =
        csv.records.iter().map(|r| r.fields.first().map(|f| f.bytes.start).unwrap_or(0)).collect();
    let ends: Vec<usize> =
        csv.records.iter().map(|r| r.fields.last().map(|f| f.bytes.end).unwrap_or(0)).collect();
    let prefix = bytes[..starts.first().copied().unwrap_or(bytes.len())].to_vec();
    let mut records = Vec::new();
    let mut line_ends = Vec::new();
    for i in 0..starts.len() {
        records.push(bytes[starts[i]..ends[i]].to_vec());
        let next = starts.get(i + 1).copied().unwrap_or(bytes.len());
        line_ends.push(bytes[ends[i]..next].to_vec());
    }
    let numbers = csv.records.iter().map(|r| r.row).collect();
    Ok(Lines { prefix, records, ends: line_ends, numbers, csv })
}

impl Lines {
    fn join(&self) -> Vec<u8> {
        let mut out = self.prefix.clone();
        for (r, e) in self.records.iter().zip(&self.ends) {
            out.extend_from_slice(r);
            out.extend_from_slice(e);
        }
        out
    }

    /// The line end new records get: the header's, else CR LF.
    fn line_end(&self) -> Vec<u8> {
        match self.ends.iter().find(|e| !e.is_empty()) {
            Some(e) => e.clone(),
            None => self.csv.encoding.encode("\r\n").unwrap_or_else(|| b"\r\n".to_vec()),
        }
    }

    /// The index of the record with spreadsheet row `row`, or where one
    /// would go (the end).
    fn index(&self, row: usize) -> usize {
        self.numbers.iter().position(|n| *n >= row).unwrap_or(self.records.len())
    }

    fn insert(&mut self, at: usize, record: Vec<u8>) {
        let eol = self.line_end();
        let len = self.records.len();
        self.records.insert(at.min(len), record);
        // The last record keeps the file's last line end (or none).
        let e = if at < len { at } else { len.saturating_sub(1) };
        self.ends.insert(e, eol);
    }

    fn remove(&mut self, at: usize) -> Vec<u8> {
        let len = self.records.len();
        let e = if at + 1 < len { at } else { at.saturating_sub(1) };
        self.ends.remove(e);
        self.records.remove(at)
    }
}

/// A new CSV record of `width` fields with `cells` set, in the file's
/// delimiter, quoting and encoding.
fn csv_record(
    csv: &delimited::Csv,
    width: usize,
    cells: &[(usize, Value)],
    value_err: &dyn Fn(&str) -> Error,
) -> Result<Vec<u8>> {
    let width = width.max(cells.iter().map(|(c, _)| c + 1).max().unwrap_or(0));
    let mut fields = vec![String::new(); width];
    for (c, v) in cells {
        fields[*c] = v.as_read();
    }
    let d = csv.delimiter;
    let text: Vec<String> = fields
        .iter()
        .map(|f| {
            if f.contains([d, '"', '\n', '\r']) || f.starts_with(' ') || f.ends_with(' ') {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.clone()
            }
        })
        .collect();
    let line = text.join(&d.to_string());
    csv.encoding.encode(&line).ok_or_else(|| value_err(csv.encoding.name()))
}

fn unencodable(enc: &str) -> Error {
    Error::msg(format!("teksten har tegn som ikke kan lagres i filens tegnkoding ({enc})"))
        .with_hint("bruk vanlige norske bokstaver og tegn, eller lagre filen som «CSV UTF-8» fra Excel")
}

/// A CSV file's bytes with the change made.
pub fn csv(bytes: &[u8], width: usize, op: &Op) -> Result<Vec<u8>> {
    match op {
        Op::Set { row, cells } => {
            let mut out = bytes.to_vec();
            // Right to left, so the earlier fields' byte ranges still hold.
            let mut cells = cells.clone();
            cells.sort_by_key(|(c, _)| std::cmp::Reverse(*c));
            for (c, v) in cells {
                out = super::csv_cell(&out, *row, c, &v.as_read())?;
            }
            Ok(out)
        }
        Op::Insert { at, rows } => {
            let mut l = lines(bytes)?;
            let i = l.index(*at);
            for (k, cells) in rows.iter().enumerate() {
                let record = csv_record(&l.csv, width, cells, &unencodable)?;
                l.insert(i + k, record);
            }
            Ok(l.join())
        }
        Op::Delete { row, count } => {
            let mut l = lines(bytes)?;
            let i = l.numbers.iter().position(|n| n == row).ok_or_else(|| no_row(*row))?;
            if i + count > l.records.len() {
                return Err(no_row(row + count - 1));
            }
            for _ in 0..*count {
                l.remove(i);
            }
            Ok(l.join())
        }
        Op::Move { from, count, to } => {
            let mut l = lines(bytes)?;
            let i = l.numbers.iter().position(|n| n == from).ok_or_else(|| no_row(*from))?;
            if i + count > l.records.len() {
                return Err(no_row(from + count - 1));
            }
            let moved: Vec<Vec<u8>> = (0..*count).map(|_| l.remove(i)).collect();
            // Row numbers after taking them out: those past the block move up.
            l.numbers = l
                .numbers
                .iter()
                .filter(|n| !(*from..from + count).contains(*n))
                .map(|n| if *n >= from + count { n - count } else { *n })
                .collect();
            let at = l.index(*to);
            for (k, r) in moved.into_iter().enumerate() {
                l.insert(at + k, r);
            }
            Ok(l.join())
        }
    }
}

fn no_row(row: usize) -> Error {
    Error::msg(format!("rad {row} finnes ikke i filen")).with_hint("last siden på nytt og prøv igjen")
}

/// A workbook's bytes with the change made.
pub fn workbook(path: &Path, bytes: &[u8], sheet: &str, op: &Op) -> Result<Vec<u8>> {
    let cell = |v: &Value| match v {
        Value::Text(t) => xlsx::Cell::Text(t.clone()),
        Value::Date(d) => xlsx::Cell::Date(*d),
    };
    let refused = |e: xlsx::Problem| {
        match e {
        xlsx::Problem::Formula(f) => Error::at(
            Location::file(path),
            format!("arket har formler ({f}); arsplan flytter, legger til og sletter ikke rader i et ark med formler"),
        )
        .with_hint("gjør endringen i Excel, eller fjern formlene fra arket først"),
        e => super::xlsx_error(path, e),
    }
    };
    match op {
        Op::Set { row, cells } => {
            let mut out = bytes.to_vec();
            for (c, v) in cells {
                out = super::xlsx_cell(path, &out, sheet, *row, *c, v)?;
            }
            Ok(out)
        }
        Op::Insert { at, rows } => {
            let mut out = xlsx::move_rows(bytes, sheet, &|r| renumber(op, r), Some((*at, rows.len())))
                .map_err(refused)?;
            for (k, cells) in rows.iter().enumerate() {
                for (c, v) in cells {
                    if !v.as_read().is_empty() {
                        out = xlsx::set_cell(&out, sheet, at + k, *c, &cell(v)).map_err(refused)?;
                    }
                }
            }
            Ok(out)
        }
        Op::Delete { .. } | Op::Move { .. } => {
            xlsx::move_rows(bytes, sheet, &|r| renumber(op, r), None).map_err(refused)
        }
    }
}

/// The new bytes of a table's file with the change made.
pub fn changed(t: &Table, bytes: &[u8], op: &Op) -> Result<Vec<u8>> {
    match &t.sheet {
        Some(sheet) => workbook(&t.path, bytes, sheet, op),
        None => csv(bytes, t.headers.len(), op),
    }
}

/// The table a file's bytes read as.
pub fn read(t: &Table, bytes: &[u8]) -> Result<Table> {
    super::table_of(t, bytes)
}

/// A table file as an edit starts from it: where it really is (a link is
/// written where it points), its bytes, and the table they read as; refused
/// when it changed since the caller read it or is open in a spreadsheet
/// program.
pub struct Opened {
    pub path: PathBuf,
    pub real: PathBuf,
    pub bytes: Vec<u8>,
    pub table: Table,
}

pub fn open(t: &Table, expected_sha256: &str) -> std::result::Result<Opened, Refused> {
    let path = t.path.clone();
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
            super::file_name(&path)
        )));
    }
    let table = super::table_of(t, &bytes)?;
    super::refuse_open(&path, &real)?;
    Ok(Opened { path, real, bytes, table })
}

/// What [`save`] wrote.
#[derive(Debug, Clone)]
pub struct Saved {
    pub path: PathBuf,
    pub old: Vec<u8>,
    pub new: Vec<u8>,
    pub before: Table,
    pub after: Table,
}

/// Makes the change to an opened file: the new bytes must read as the
/// table the change describes, and the file must still hold the bytes it
/// was opened with.
pub fn save(o: Opened, op: &Op) -> std::result::Result<Saved, Refused> {
    let new = changed(&o.table, &o.bytes, op)?;
    let want = expected(&o.table, op);
    let got = read(&o.table, &new).ok();
    if !got.as_ref().is_some_and(|g| same_table(&want, g)) {
        return Err(Error::at(
            Location::file(&o.path),
            format!(
                "endringen ville ikke blitt lest tilbake slik den ble skrevet i {}; ingenting er lagret",
                super::file_name(&o.path)
            ),
        )
        .with_hint("gjør endringen i regnearket i stedet")
        .into());
    }
    let sha = manifest::sha256(&o.bytes);
    match safe::replace(&o.real, &new, &sha)? {
        safe::Saved::Written => {}
        safe::Saved::Changed => {
            return Err(Refused::Stale(format!(
                "{} ble endret på disken akkurat nå; ingenting er lagret",
                super::file_name(&o.path)
            )))
        }
    }
    Ok(Saved { path: o.path, old: o.bytes, new, before: o.table, after: got.unwrap_or(want) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Vec<u8> {
        s.as_bytes().to_vec()
    }

    fn text(cells: &[(usize, &str)]) -> Vec<(usize, Value)> {
        cells.iter().map(|(c, v)| (*c, Value::Text(v.to_string()))).collect()
    }

    #[test]
    fn csv_rows_are_inserted_deleted_and_moved_keeping_every_other_byte() {
        let f = t("ID;Dato;Sted\r\na;01.01.2026;\"Sola, x\"\r\nb;02.01.2026;Ås\r\nc;03.01.2026;\r\n");
        let ins = csv(&f, 3, &Op::Insert { at: 3, rows: vec![text(&[(0, "n"), (2, "Bø; y")])] }).unwrap();
        assert_eq!(
            String::from_utf8(ins).unwrap(),
            "ID;Dato;Sted\r\na;01.01.2026;\"Sola, x\"\r\nn;;\"Bø; y\"\r\nb;02.01.2026;Ås\r\nc;03.01.2026;\r\n"
        );
        let end = csv(&f, 3, &Op::Insert { at: 5, rows: vec![text(&[(0, "z")])] }).unwrap();
        assert!(String::from_utf8(end).unwrap().ends_with("c;03.01.2026;\r\nz;;\r\n"));
        let del = csv(&f, 3, &Op::Delete { row: 2, count: 1 }).unwrap();
        assert_eq!(String::from_utf8(del).unwrap(), "ID;Dato;Sted\r\nb;02.01.2026;Ås\r\nc;03.01.2026;\r\n");
        let mv = csv(&f, 3, &Op::Move { from: 4, count: 1, to: 2 }).unwrap();
        assert_eq!(
            String::from_utf8(mv).unwrap(),
            "ID;Dato;Sted\r\nc;03.01.2026;\r\na;01.01.2026;\"Sola, x\"\r\nb;02.01.2026;Ås\r\n"
        );
        let mv = csv(&f, 3, &Op::Move { from: 2, count: 2, to: 3 }).unwrap();
        assert_eq!(
            String::from_utf8(mv).unwrap(),
            "ID;Dato;Sted\r\nc;03.01.2026;\r\na;01.01.2026;\"Sola, x\"\r\nb;02.01.2026;Ås\r\n"
        );
    }

    #[test]
    fn a_file_without_a_last_line_end_keeps_none() {
        let f = t("ID,Sted\na,x\nb,y");
        let end = csv(&f, 2, &Op::Insert { at: 4, rows: vec![text(&[(0, "c")])] }).unwrap();
        assert_eq!(end, b"ID,Sted\na,x\nb,y\nc,");
        let del = csv(&f, 2, &Op::Delete { row: 3, count: 1 }).unwrap();
        assert_eq!(del, b"ID,Sted\na,x");
        let mv = csv(&f, 2, &Op::Move { from: 3, count: 1, to: 2 }).unwrap();
        assert_eq!(mv, b"ID,Sted\nb,y\na,x");
    }

    #[test]
    fn windows_1252_and_utf16_stay_so() {
        let f = b"ID;Sted\nx;Troms\xf8\n".to_vec();
        let ins = csv(&f, 2, &Op::Insert { at: 2, rows: vec![text(&[(0, "y"), (1, "Bodø")])] }).unwrap();
        assert_eq!(ins, b"ID;Sted\ny;Bod\xf8\nx;Troms\xf8\n");
        assert!(csv(&f, 2, &Op::Insert { at: 2, rows: vec![text(&[(1, "Łódź")])] }).is_err());
        let le = |s: &str| -> Vec<u8> {
            [0xFF, 0xFE].into_iter().chain(s.encode_utf16().flat_map(|u| u.to_le_bytes())).collect()
        };
        let f = le("ID;Sted\r\nx;Ås\r\n");
        let ins = csv(&f, 2, &Op::Insert { at: 3, rows: vec![text(&[(0, "y")])] }).unwrap();
        assert_eq!(ins, le("ID;Sted\r\nx;Ås\r\ny;\r\n"));
    }

    #[test]
    fn renumbering_agrees_with_the_csv_moves() {
        let op = Op::Move { from: 2, count: 2, to: 5 };
        let got: Vec<Option<usize>> = (1..=7).map(|r| renumber(&op, r)).collect();
        assert_eq!(got, [1, 5, 6, 2, 3, 4, 7].map(Some));
        let op = Op::Move { from: 5, count: 1, to: 2 };
        let got: Vec<Option<usize>> = (1..=6).map(|r| renumber(&op, r)).collect();
        assert_eq!(got, [1, 3, 4, 5, 2, 6].map(Some));
    }
}
