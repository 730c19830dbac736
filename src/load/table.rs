//! Reading a table from CSV (comma or semicolon; UTF-8 with or without BOM,
//! UTF-16, or Windows-1252) or from a named sheet of an .xlsx workbook, into
//! rows of text cells that remember their file, row and column.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader};

use super::{delimited, text};
use crate::dates;
use crate::diag::{Diagnostic, Error, Location, Result, Sink};
pub use crate::model::{Named, Row, Table};

/// One column the reader expects.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    /// The column must be present in the header.
    pub required: bool,
}

/// A table whose header has been matched against the expected columns.
#[derive(Debug, Clone)]
pub struct Bound {
    pub table: Table,
    /// For each expected column, its index in the file (if present).
    index: Vec<(&'static str, Option<usize>)>,
    /// Columns arsplan does not know: kept for templates, said as warnings.
    pub warnings: Vec<crate::diag::Diagnostic>,
}

/// A row of a bound table, with typed access by column name.
pub struct Cells<'a> {
    bound: &'a Bound,
    pub row: &'a Row,
}

impl Table {
    /// Where the table came from, for messages: the file, and the sheet if any.
    pub fn display_path(&self) -> PathBuf {
        match &self.sheet {
            Some(s) => PathBuf::from(format!("{} [ark {s}]", self.path.display())),
            None => self.path.clone(),
        }
    }

    /// Matches the header with the expected columns. A missing required
    /// column or a column nobody expects is an error.
    pub fn bind(self, columns: &[Column]) -> Result<Bound> {
        let shown = self.display_path();
        let known = columns.iter().map(|c| c.name).collect::<Vec<_>>().join(", ");
        if self.headers.iter().all(|h| h.is_empty()) {
            return Err(Error::at(Location::file(&shown), "tabellen er tom")
                .with_hint(format!("første rad skal ha kolonneoverskriftene {known}")));
        }
        let mut errors = Vec::new();
        let mut warnings = self.warnings.clone();
        for (i, h) in self.headers.iter().enumerate() {
            if h.is_empty() {
                continue;
            }
            if !columns.iter().any(|c| c.name.to_lowercase() == h.to_lowercase()) {
                // A column of one's own (Kommentar, Notat) is fine: kept for the templates.
                let near = columns
                    .iter()
                    .filter(|c| !self.headers.iter().any(|x| x.eq_ignore_ascii_case(c.name)))
                    .find(|c| edit_distance(&c.name.to_lowercase(), &h.to_lowercase()) <= 2)
                    .map(|c| format!("mente du «{}»? ", c.name))
                    .unwrap_or_default();
                warnings.push(
                    crate::diag::Diagnostic::warning(
                        Some(Location::cell(&shown, self.header_row, i, h)),
                        format!("arsplan bruker ikke kolonnen «{h}»; den står urørt"),
                    )
                    .hint(format!("{near}kolonnene arsplan bruker, er: {known}")),
                );
            }
        }
        let mut index = Vec::new();
        for c in columns {
            let pos = self.headers.iter().position(|h| h.to_lowercase() == c.name.to_lowercase());
            if pos.is_none() && c.required {
                errors.push(
                    crate::diag::Diagnostic::error(
                        Some(Location::row(&shown, self.header_row)),
                        format!("kolonnen «{}» mangler", c.name),
                    )
                    .hint(format!(
                        "første rad må ha kolonneoverskriftene {known}; fant: {}",
                        self.headers.join(", ")
                    )),
                );
            }
            index.push((c.name, pos));
        }
        if errors.is_empty() {
            Ok(Bound { table: self, index, warnings })
        } else {
            Err(Error(errors))
        }
    }
}

/// An Excel day number between 1954 and 2119 as the date it stands for.
fn excel_serial(v: &str) -> Option<chrono::NaiveDate> {
    let n: i64 = v.parse().ok().filter(|n| (20_000..=80_000).contains(n))?;
    chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(chrono::Duration::days(n))
}

/// How many single-letter edits turn one word into another (Levenshtein).
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push((prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

impl Bound {
    pub fn rows(&self) -> impl Iterator<Item = Cells<'_>> {
        self.table.rows.iter().map(move |row| Cells { bound: self, row })
    }

    pub fn path(&self) -> PathBuf {
        self.table.display_path()
    }

    fn col(&self, name: &str) -> Option<usize> {
        self.index.iter().find(|(n, _)| *n == name).and_then(|(_, i)| *i)
    }

    /// Moves the binding's warnings (columns of one's own) into the sink.
    pub fn warn(&mut self, sink: &mut Sink) {
        std::mem::take(&mut self.warnings).into_iter().for_each(|d| sink.push(d));
    }
}

impl Cells<'_> {
    /// The trimmed cell text, empty when the column is absent.
    pub fn get(&self, name: &str) -> &str {
        self.bound.col(name).and_then(|i| self.row.cells.get(i)).map(String::as_str).unwrap_or("")
    }

    /// The location of a cell, for messages.
    pub fn loc(&self, name: &str) -> Location {
        let path = self.bound.path();
        match self.bound.col(name) {
            Some(i) => Location::cell(&path, self.row.number, i, &self.bound.table.headers[i]),
            None => Location::row(&path, self.row.number),
        }
    }

    /// The cell text, or an error when it is empty.
    pub fn required(&self, name: &str) -> Result<&str> {
        let v = self.get(name);
        if v.is_empty() {
            Err(Error::at(self.loc(name), format!("cellen i kolonnen «{name}» er tom"))
                .with_hint(format!("fyll inn {name} for denne raden")))
        } else {
            Ok(v)
        }
    }

    pub fn number(&self) -> usize {
        self.row.number
    }

    /// A column of identifiers (innsatsområder): a workbook number shown
    /// as General is refused, since Excel keeps «2.10» as 2.1 and shows it so.
    pub fn no_number(&self, name: &str, sink: &mut Sink) -> bool {
        let Some(i) = self.bound.col(name) else { return true };
        let Some(v) = self.bound.table.numbers.get(&(self.row.number, i)) else { return true };
        sink.error(
            self.loc(name),
            format!("«{v}» er lagret som et tall i regnearket, så Excel kan ha tatt bort nuller på slutten (2.10 blir 2.1)"),
            format!(
                "merk kolonnen {name} i Excel, velg formatet Tekst (Hjem → Tall → Tekst), og skriv verdiene på nytt slik de skal stå"
            ),
        );
        false
    }

    /// The values of the columns arsplan does not know, by their header.
    pub fn extra(&self) -> std::collections::BTreeMap<String, String> {
        let t = &self.bound.table;
        t.headers
            .iter()
            .enumerate()
            .filter(|(i, h)| !h.is_empty() && !self.bound.index.iter().any(|(_, c)| *c == Some(*i)))
            .map(|(i, h)| (h.clone(), self.row.cells.get(i).cloned().unwrap_or_default()))
            .collect()
    }

    /// The required cell's text, or None with the error reported.
    pub fn text(&self, name: &str, sink: &mut Sink) -> Option<&str> {
        self.required(name).map_err(|e| sink.extend(e)).ok()
    }

    /// A cell holding one of a fixed set of words (`what` names it in the
    /// message: «ukjent møtetype»). Empty gives None, or an error when `required`.
    pub fn word<T: Named>(&self, name: &str, what: &str, required: bool, sink: &mut Sink) -> Option<T> {
        let v = self.get(name);
        if v.is_empty() {
            if required {
                let _ = self.text(name, sink);
            }
            return None;
        }
        let parsed = T::parse(v);
        if parsed.is_none() {
            let hint = if required {
                format!("bruk en av disse: {}", T::words())
            } else {
                format!("bruk {} eller la cellen stå tom", T::words())
            };
            sink.error(self.loc(name), format!("ukjent {what} «{v}»"), hint);
        }
        parsed
    }

    /// A date cell (`16.04.2026`, `2026-04-16`, or an Excel date). Empty gives
    /// None, or an error when `required`; a bad date is reported.
    pub fn date(&self, name: &str, required: bool, sink: &mut Sink) -> Option<chrono::NaiveDate> {
        let v = self.get(name);
        if v.is_empty() {
            if required {
                let _ = self.text(name, sink);
            }
            return None;
        }
        // A date cell whose format Excel lost shows its day number (45687 is
        // 30.01.2025): read it as the date it is.
        if let Some(d) = excel_serial(v) {
            return Some(d);
        }
        match dates::parse(v) {
            Ok(d) => Some(d),
            Err(dates::DateError::NoSuchDay) => {
                sink.error(
                    self.loc(name),
                    format!("«{v}» er ingen gyldig dato: den dagen finnes ikke"),
                    "sjekk dag og måned",
                );
                None
            }
            Err(dates::DateError::Shape) => {
                sink.error(
                    self.loc(name),
                    format!("«{v}» er ingen dato"),
                    "skriv datoen som dd.mm.åååå (16.04.2026) eller åååå-mm-dd (2026-04-16)",
                );
                None
            }
        }
    }

    /// A time of day (`09:00`, `9.00`); empty gives None.
    pub fn time(&self, name: &str, sink: &mut Sink) -> Option<chrono::NaiveTime> {
        let v = self.get(name);
        if v.is_empty() {
            return None;
        }
        let parsed = chrono::NaiveTime::parse_from_str(&v.replace('.', ":"), "%H:%M").ok();
        if parsed.is_none() {
            sink.error(
                self.loc(name),
                format!("«{v}» er ikke et klokkeslett"),
                "skriv klokkeslettet som tt:mm, for eksempel 09:00",
            );
        }
        parsed
    }

    /// A list in one cell, split at any of `separators`, trimmed, empty parts dropped.
    pub fn list(&self, name: &str, separators: &[char]) -> Vec<String> {
        self.get(name)
            .split(separators)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// Finds `<stem>.csv`, else `<stem>.xlsx` (sheet `sheet`), in `dir`.
pub fn find(dir: &Path, stem: &str, sheet: &str) -> Result<Option<Table>> {
    let csv = dir.join(format!("{stem}.csv"));
    let xlsx = dir.join(format!("{stem}.xlsx"));
    if csv.is_file() && xlsx.is_file() {
        return Err(Error::at(
            Location::file(&xlsx),
            format!("både {stem}.csv og {stem}.xlsx finnes; arsplan vet ikke hvilken av dem som gjelder"),
        )
        .with_hint(format!("behold den du arbeider i, og flytt eller slett den andre ({})", csv.display())));
    }
    if csv.is_file() {
        return read_csv(&csv).map(Some);
    }
    if xlsx.is_file() {
        return read_xlsx(&xlsx, sheet).map(Some);
    }
    Ok(None)
}

/// Like [`find`], but a missing table is an error.
pub fn require(dir: &Path, stem: &str, sheet: &str) -> Result<Table> {
    find(dir, stem, sheet)?.ok_or_else(|| {
        Error::at(Location::file(&dir.join(format!("{stem}.csv"))), "filen finnes ikke")
            .with_hint(format!(
                "legg tabellen i {stem}.csv (semikolon- eller kommaseparert) eller i arket «{sheet}» i {stem}.xlsx"
            ))
    })
}

/// Turns file bytes into text (see [`text::decode`]); a bad byte is reported
/// at its line.
pub fn decode_text(path: &Path, bytes: &[u8]) -> Result<String> {
    text::decode(bytes).map_err(|u| {
        Error::at(Location::row(path, u.line(bytes)), u.message.clone()).with_hint(u.hint.clone())
    })
}

/// Reads a CSV file; the delimiter (semicolon or comma) is found from the header.
pub fn read_csv(path: &Path) -> Result<Table> {
    let bytes = std::fs::read(path).map_err(|e| {
        Error::at(Location::file(path), format!("kan ikke lese filen: {}", crate::diag::io_text(&e)))
    })?;
    csv_from_bytes(path, &bytes)
}

/// Reads a CSV file's bytes (as [`read_csv`] reads the file).
pub fn csv_from_bytes(path: &Path, bytes: &[u8]) -> Result<Table> {
    let text = text::decode(bytes).map_err(|u| {
        // The column of a bad byte: the delimiters before it on its line.
        let at = u.offset.min(bytes.len());
        let line_start = bytes[..at].iter().rposition(|b| matches!(b, b'\n' | b'\r')).map_or(0, |i| i + 1);
        let header = bytes.split(|b| matches!(b, b'\n' | b'\r')).next().unwrap_or_default();
        let count = |d: u8| header.iter().filter(|b| **b == d).count();
        let delim = if count(b',') > count(b';') { b',' } else { b';' };
        let col = bytes[line_start..at].iter().filter(|b| **b == delim).count();
        Error::at(Location::cell(path, u.line(bytes), col, ""), u.message.clone()).with_hint(u.hint.clone())
    })?;
    table_of(path, &text, delimited::Encoding::of(bytes))
}

/// Parses CSV text already decoded (as UTF-8).
pub fn parse_csv(path: &Path, text: &str) -> Result<Table> {
    table_of(path, text, delimited::Encoding::Utf8 { bom: false })
}

/// The table of decoded CSV text, read by the one CSV codec.
fn table_of(path: &Path, text: &str, enc: delimited::Encoding) -> Result<Table> {
    let body = text.trim_start_matches('\u{feff}');
    let header_line = delimited::header_line(body);
    let semi = delimited::count_outside_quotes(header_line, ';');
    let comma = delimited::count_outside_quotes(header_line, ',');
    if semi == 0 && comma == 0 {
        let other =
            ['\t', '|', ':'].into_iter().find(|c| delimited::count_outside_quotes(header_line, *c) > 0);
        if let Some(c) = other {
            let name = match c {
                '\t' => "tabulator".to_string(),
                c => format!("«{c}»"),
            };
            return Err(Error::at(
                Location::row(path, 1),
                format!("feil skilletegn: overskriftsraden er delt med {name}"),
            )
            .with_hint("skill kolonnene med semikolon (;) eller komma (,)"));
        }
    }
    let delimiter = delimited::delimiter(header_line);
    let ncols = delimited::count_outside_quotes(header_line, delimiter) + 1;
    if let Some(e) = quote_problem(path, body, delimiter, ncols) {
        return Err(e);
    }
    let mut headers: Option<Vec<String>> = None;
    let mut header_row = 1;
    let mut rows = Vec::new();
    for record in delimited::records(text, enc, delimiter) {
        let number = record.row;
        let cells: Vec<String> = record.fields.iter().map(|f| f.text.trim().to_string()).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        match &headers {
            None => {
                headers = Some(cells);
                header_row = number;
            }
            Some(h) => {
                if cells.len() > h.len() && cells[h.len()..].iter().any(|c| !c.is_empty()) {
                    let sep = if delimiter == ';' { "semikolon" } else { "komma" };
                    return Err(Error::at(
                        Location::cell(path, number, h.len(), ""),
                        format!(
                            "raden har {} kolonner, men overskriften har {}",
                            cells.len(),
                            h.len()
                        ),
                    )
                    .with_hint(format!(
                        "filen er delt med {sep}; sett tekst som inneholder {sep} i doble anførselstegn, eller bruk samme skilletegn i alle rader"
                    )));
                }
                rows.push(Row { number, cells });
            }
        }
    }
    checked(Table {
        path: path.to_path_buf(),
        sheet: None,
        headers: headers.unwrap_or_default(),
        header_row,
        rows,
        warnings: Vec::new(),
        numbers: Default::default(),
    })
}

/// A quoted cell that is not closed where it should be, which would make the
/// CSV reader swallow what follows into one cell: the opening quote never
/// closes, text follows the closing quote (`"Livet" og døden`), or the quoted
/// text runs over lines that look like whole rows.
fn quote_problem(path: &Path, text: &str, delim: char, ncols: usize) -> Option<Error> {
    let hint = "en celle som begynner med \" må slutte med \" rett før neste skilletegn; anførselstegn inne i cellen skrives dobbelt (\"\"), eller la cellen være uten anførselstegn";
    let chars: Vec<char> = text.chars().collect();
    let (mut i, mut line, mut col, mut field_start) = (0usize, 1usize, 0usize, true);
    while i < chars.len() {
        let c = chars[i];
        if field_start && c == '"' {
            let (open_line, open_col) = (line, col);
            let at = |msg: String| {
                Some(Error::at(Location::cell(path, open_line, open_col, ""), msg).with_hint(hint))
            };
            let mut j = i + 1;
            let close = loop {
                match chars.get(j) {
                    None => break None,
                    Some('"') if chars.get(j + 1) == Some(&'"') => j += 2,
                    Some('"') => break Some(j),
                    Some(_) => j += 1,
                }
            };
            let Some(close) = close else {
                return at("anførselstegnet som begynner cellen her, blir aldri lukket, så resten av filen ville blitt én celle".into());
            };
            let inner: String = chars[i + 1..close].iter().collect();
            let after: String = chars[close + 1..]
                .iter()
                .take_while(|c| **c != delim && **c != '\n' && **c != '\r')
                .collect();
            if !after.trim().is_empty() {
                let shown: String = after.trim().chars().take(30).collect();
                return at(format!(
                    "anførselstegnet som begynner cellen her, lukkes før cellen slutter (teksten «{shown}» står etter det)"
                ));
            }
            let swallowed = inner
                .split("\r\n")
                .flat_map(|l| l.split(['\n', '\r']))
                .skip(1)
                .find(|l| ncols >= 3 && l.matches(delim).count() >= ncols - 1);
            if let Some(l) = swallowed {
                let shown: String = l.chars().take(40).collect();
                return at(format!(
                    "anførselstegnet som begynner cellen her, lukkes ikke før flere rader senere, så raden «{shown}» ville blitt en del av cellen"
                ));
            }
            line += text::line_ends(inner.as_bytes());
            i = close + 1;
            field_start = false;
            continue;
        }
        if c == delim {
            col += 1;
            field_start = true;
        } else if c == '\n' || (c == '\r' && chars.get(i + 1) != Some(&'\n')) {
            line += 1;
            col = 0;
            field_start = true;
        } else if c != '\r' {
            field_start = false;
        }
        i += 1;
    }
    None
}

/// The checks every table gets, whatever its file: a header may stand only
/// once, and every cell must hold text a document can show.
fn checked(t: Table) -> Result<Table> {
    let shown = t.display_path();
    let mut errors: Vec<Diagnostic> = Vec::new();
    for (i, h) in t.headers.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        if let Some(first) = t.headers[..i].iter().position(|o| o.to_lowercase() == h.to_lowercase()) {
            errors.push(
                Diagnostic::error(
                    Some(Location::cell(&shown, t.header_row, i, h)),
                    format!(
                        "kolonnen «{h}» står to ganger (også i kolonne {})",
                        crate::diag::column_letter(first)
                    ),
                )
                .hint("gi hver kolonne en egen overskrift, eller slett den ene"),
            );
        }
    }
    let header = std::iter::once((t.header_row, &t.headers));
    for (number, cells) in header.chain(t.rows.iter().map(|r| (r.number, &r.cells))) {
        for (i, cell) in cells.iter().enumerate() {
            let name = t.headers.get(i).map(String::as_str).unwrap_or("");
            errors.extend(text::check(cell, || Location::cell(&shown, number, i, name)));
        }
    }
    if errors.is_empty() {
        Ok(t)
    } else {
        Err(Error(errors))
    }
}

/// Reads sheet `sheet` (case-insensitive; empty: the first sheet) of an .xlsx workbook.
pub fn read_xlsx(path: &Path, sheet: &str) -> Result<Table> {
    let bytes = std::fs::read(path).map_err(|e| {
        Error::at(Location::file(path), format!("kan ikke lese filen: {}", crate::diag::io_text(&e)))
    })?;
    xlsx_from_bytes(path, &bytes, sheet)
}

/// How far out a cell may lie and still be read (rows from the top, columns
/// from A): a stray value far away (XFD1048576) is warned about and left
/// out, so it neither costs time nor memory nor becomes part of the table.
pub const MAX_ROWS: usize = 20_000;
pub const MAX_COLUMNS: usize = 200;

/// A number as its number format shows it, when the format pads with zeros
/// (`0000` shows 301 as 0301) or fixes the decimals (`0.00` shows 2.1 as
/// 2.10, written with a point as arsplan's files write it); None for any
/// other format (General).
fn shown_number(f: f64, code: &str) -> Option<String> {
    let code = code.split(';').next().unwrap_or("").trim();
    let (int, dec) = code.split_once('.').unwrap_or((code, ""));
    let plain = |s: &str| !s.is_empty() && s.chars().all(|c| c == '0');
    if !plain(int) || !(dec.is_empty() || plain(dec)) || !f.is_finite() || f.abs() >= 1e15 {
        return None;
    }
    let text = format!("{:.*}", dec.len(), f.abs());
    let (i, d) =
        text.split_once('.').map(|(i, d)| (i.to_string(), format!(".{d}"))).unwrap_or((text, String::new()));
    let sign = if f < 0.0 { "-" } else { "" };
    Some(format!("{sign}{i:0>width$}{d}", width = int.len()))
}

/// Reads sheet `sheet` of a workbook's bytes (as [`read_xlsx`] reads the file).
pub fn xlsx_from_bytes(path: &Path, bytes: &[u8], sheet: &str) -> Result<Table> {
    let not_workbook = |what: &str| {
        Error::at(Location::file(path), format!("kan ikke åpne regnearket: {what}"))
            .with_hint("åpne filen i Excel og lagre den som Excel-arbeidsbok (.xlsx), uten passord")
    };
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(not_workbook("filen er passordbeskyttet eller lagret i det gamle .xls-formatet"));
    }
    if !bytes.starts_with(b"PK") {
        return Err(not_workbook(
            "filen er ikke en Excel-arbeidsbok (.xlsx er et zip-arkiv, og denne filen er ikke det)",
        ));
    }
    let mut book =
        calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| not_workbook(&xlsx_error(&e)))?;
    let names = book.sheet_names().to_vec();
    let named = names.iter().find(|n| sheet.is_empty() || n.trim().to_lowercase() == sheet.to_lowercase());
    // A workbook with one sheet (Excel names it «Ark1») holds the table, whatever its name.
    let Some(name) = named.or(if names.len() == 1 { names.first() } else { None }) else {
        return Err(Error::at(
            Location::file(path),
            format!("arbeidsboken har ikke noe ark som heter «{sheet}»"),
        )
        .with_hint(format!("arkene er: {}; gi arket med tabellen navnet «{sheet}»", names.join(", "))));
    };
    let shown = PathBuf::from(format!("{} [ark {name}]", path.display()));
    let cannot = |e: &calamine::XlsxError| {
        Error::at(Location::file(path), format!("kan ikke lese arket «{name}»: {}", xlsx_error(e)))
            .with_hint("åpne filen i Excel og lagre den på nytt som Excel-arbeidsbok (.xlsx)")
    };
    // Cell by cell (never the whole rectangle, which a stray far-away cell
    // would make huge): (row, col) → text; numbers whose format does not
    // show them exactly are remembered.
    let mut cells: std::collections::BTreeMap<usize, Vec<(usize, String)>> = Default::default();
    let mut numbers = std::collections::BTreeMap::new();
    let mut far: Vec<(usize, usize)> = Vec::new();
    {
        let mut reader = book.worksheet_cells_reader(name).map_err(|e| cannot(&e))?;
        while let Some((cell, style)) = reader.next_cell_with_style_id().map_err(|e| cannot(&e))? {
            let (r, c) = cell.get_position();
            let (number, col) = (r as usize + 1, c as usize);
            let value = cell.get_value();
            if matches!(value, calamine::DataRef::Empty) {
                continue;
            }
            let data: Data = value.clone().into();
            let text = cell_text(&data).map_err(|m| Error::at(Location::cell(&shown, number, col, ""), m))?;
            if text.is_empty() {
                continue;
            }
            if number > MAX_ROWS || col >= MAX_COLUMNS {
                far.push((number, col));
                continue;
            }
            let code = reader
                .styles()
                .get(style)
                .and_then(|s| s.number_format.as_ref())
                .map(|f| f.format_code.clone());
            let text = match (
                &data,
                code.as_deref().and_then(|c| match &data {
                    Data::Float(f) => shown_number(*f, c),
                    Data::Int(i) => shown_number(*i as f64, c),
                    _ => None,
                }),
            ) {
                (_, Some(shown)) => shown,
                (Data::Float(_) | Data::Int(_), None) => {
                    numbers.insert((number, col), text.clone());
                    text
                }
                _ => text,
            };
            cells.entry(number).or_default().push((col, text));
        }
    }
    let mut warnings = Vec::new();
    if let Some(&(r, c)) = far.first() {
        let more = if far.len() > 1 { format!(" (og {} celler til)", far.len() - 1) } else { String::new() };
        warnings.push(
            Diagnostic::warning(
                Some(Location::cell(&shown, r, c, "")),
                format!(
                    "cellen {}{r}{more} ligger langt utenfor tabellen og er ikke lest",
                    crate::diag::column_letter(c)
                ),
            )
            .hint(
                "slett innholdet i cellen (Excel: merk den og trykk Delete), eller flytt det inn i tabellen",
            ),
        );
    }
    let mut headers: Option<Vec<String>> = None;
    let mut header_row = 1;
    let mut rows = Vec::new();
    for (number, row) in cells {
        let width = row.iter().map(|(c, _)| c + 1).max().unwrap_or(0);
        let mut v = vec![String::new(); width];
        for (c, t) in row {
            v[c] = t;
        }
        match headers {
            None => {
                headers = Some(v);
                header_row = number;
            }
            Some(_) => rows.push(Row { number, cells: v }),
        }
    }
    // Every row as wide as the used range (as a rectangle of cells reads it):
    // an empty cell at a row's end is "", not a missing cell.
    let mut headers = headers.unwrap_or_default();
    let width = rows.iter().map(|r| r.cells.len()).chain([headers.len()]).max().unwrap_or(0);
    headers.resize(width, String::new());
    for r in &mut rows {
        r.cells.resize(width, String::new());
    }
    let mut t = checked(Table {
        path: path.to_path_buf(),
        sheet: Some(name.clone()),
        headers,
        header_row,
        rows,
        warnings: Vec::new(),
        numbers,
    })?;
    t.warnings = warnings;
    Ok(t)
}

/// The xlsx reader's error (zip archive, XML parts) in Norwegian, keeping its detail.
fn xlsx_error(e: &calamine::XlsxError) -> String {
    use calamine::XlsxError as X;
    match e {
        X::Io(e) => format!("filen kan ikke leses ({})", crate::diag::io_text(e)),
        X::Zip(z) => {
            let raw = z.to_string();
            let what = if raw.contains("EOCD")
                || raw.contains("end of central directory")
                || raw.contains("central directory")
            {
                "slutten av zip-arkivet mangler, så filen er avkortet eller skadet"
            } else if raw.contains("not found") {
                "en del av arbeidsboken mangler i zip-arkivet"
            } else if raw.contains("unsupported") || raw.contains("Unsupported") {
                "zip-arkivet bruker en komprimering som ikke støttes"
            } else if raw.contains("password") || raw.contains("encrypt") {
                "zip-arkivet er passordbeskyttet"
            } else {
                "zip-arkivet er skadet"
            };
            format!("{what} (zip: {})", ascii_detail(&raw))
        }
        X::FileNotFound(part) => format!("delen «{part}» mangler i arbeidsboken, så filen er skadet"),
        X::RelationshipNotFound => {
            "en henvisning mellom delene i arbeidsboken mangler, så filen er skadet".into()
        }
        X::Xml(_) | X::XmlAttr(_) | X::XmlEof(_) | X::UnexpectedNode(_) => {
            "XML-en inne i arbeidsboken er skadet eller avkortet".into()
        }
        X::Password => "arbeidsboken er passordbeskyttet".into(),
        _ => format!(
            "arbeidsboken er skadet eller har en form som ikke støttes ({})",
            ascii_detail(&e.to_string())
        ),
    }
}

/// A library's technical detail, short and on one line.
fn ascii_detail(raw: &str) -> String {
    let one: String = raw.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    one.chars().take(120).collect()
}

fn cell_text(cell: &Data) -> std::result::Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "ja" } else { "nei" }.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) => d.format("%d.%m.%Y").to_string(),
            None => return Err("cellen har en dato Excel ikke kan regne om".into()),
        },
        Data::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => {
            use calamine::CellErrorType as E;
            // As Norwegian Excel shows them.
            let shown = match e {
                E::Div0 => "#DIV/0!",
                E::NA => "#I/T",
                E::Name => "#NAVN?",
                E::Null => "#NULL!",
                E::Num => "#TALL!",
                E::Ref => "#REFERANSE!",
                E::Value => "#VERDI!",
                E::GettingData => "#HENTER_DATA",
            };
            return Err(format!(
                "cellen viser Excel-feilen {shown} i stedet for en verdi; rett formelen eller skriv verdien inn"
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolon_and_comma_and_bom() {
        let t = parse_csv(Path::new("a.csv"), "\u{feff}ID;Dato\nx;16.04.2026\n").unwrap();
        assert_eq!(t.headers, ["ID", "Dato"]);
        let t = parse_csv(Path::new("a.csv"), "ID,Dato\n\"a,b\",16.04.2026\n\n").unwrap();
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].cells, ["a,b", "16.04.2026"]);
        assert_eq!(t.rows[0].number, 2);
    }

    #[test]
    fn rows_are_numbered_alike_with_crlf_and_lf() {
        for text in
            ["ID;Dato\na;1\nb;2\n\nc;\"x\ny\"\nd;4\n", "ID;Dato\r\na;1\r\nb;2\r\n\r\nc;\"x\r\ny\"\r\nd;4\r\n"]
        {
            let t = parse_csv(Path::new("a.csv"), text).unwrap();
            let rows: Vec<(usize, &str)> = t.rows.iter().map(|r| (r.number, r.cells[0].as_str())).collect();
            assert_eq!(rows, [(2, "a"), (3, "b"), (5, "c"), (6, "d")], "{text:?}");
        }
    }

    #[test]
    fn windows_1252_is_decoded() {
        let bytes = b"Navn;By\nS\xf8rum;Troms\xf8\n";
        let text = decode_text(Path::new("a.csv"), bytes).unwrap();
        assert!(text.contains("Sørum;Tromsø"));
    }

    #[test]
    fn binary_is_not_text() {
        let e = decode_text(Path::new("a.csv"), b"\x89PNG\r\n\x1a\n\0\0").unwrap_err();
        assert!(e.to_string().contains("ikke en gyldig tekstfil"), "{e}");
    }

    #[test]
    fn numbers_read_as_their_format_shows_them() {
        assert_eq!(shown_number(301.0, "0000").as_deref(), Some("0301"));
        assert_eq!(shown_number(2.1, "0.00").as_deref(), Some("2.10"));
        assert_eq!(shown_number(-3.0, "00").as_deref(), Some("-03"));
        assert_eq!(shown_number(2.1, "General"), None);
        assert_eq!(shown_number(2.1, "#,##0.00"), None);
        assert_eq!(shown_number(1103.0, "0"), Some("1103".into()));
    }

    #[test]
    fn tab_delimiter_is_refused() {
        let e = parse_csv(Path::new("a.csv"), "ID\tDato\nx\t1.1.2026\n").unwrap_err();
        assert!(e.to_string().contains("feil skilletegn"), "{e}");
    }
}
