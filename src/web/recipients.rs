//! The network's recipient register (`mottakere.csv` or `mottakere.xlsx`)
//! on the page, without HTTP: its rows with the problems the sending's
//! checks find at each, and the four changes a leader makes (a row added,
//! edited, marked verified, removed), each written back surgically: in a CSV
//! file only the concerned row's bytes change (the delimiter, encoding,
//! quoting and line ends stay), in a workbook only its cells.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::files::{self, Change, Wrote};
use super::site::DiagView;
use crate::build::Paths;
use crate::diag::{Error, Location, Result};
use crate::edit;
use crate::load::delimited::{self, Encoding};
use crate::load::table::{self, Table};
use crate::manifest::sha256;
use crate::project::Project;

/// The register's columns, as the form names its fields.
pub const COLUMNS: [(&str, &str); 5] = [
    ("kommunenummer", "Kommunenummer"),
    ("kommune", "Kommune"),
    ("postmottak", "Postmottak"),
    ("verifisert", "Verifisert"),
    ("kontakt", "Kontakt"),
];

/// One recipient as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    /// The row as the spreadsheet numbers it.
    pub number: usize,
    pub kommunenummer: String,
    pub kommune: String,
    pub postmottak: String,
    pub verifisert: bool,
    pub kontakt: String,
    /// The sending's checks at this row.
    pub problems: Vec<DiagView>,
}

/// The register on the page.
#[derive(Debug, Clone, Serialize, Default)]
pub struct View {
    /// The file as the page names it ("" when there is none).
    pub file: String,
    pub exists: bool,
    /// The sha256 of the file as read.
    pub sha: String,
    pub rows: Vec<RowView>,
    /// Problems not at a row (a column missing, the file unreadable).
    pub problems: Vec<DiagView>,
    pub verified: usize,
}

/// The register's file: `mottakere.xlsx` or `mottakere.csv`, or where a new
/// one is made (`mottakere.csv`).
pub fn file(project: &Project, network: &str) -> (PathBuf, bool) {
    let dir = project.data.join(network);
    match ["xlsx", "csv"].iter().map(|e| dir.join(format!("mottakere.{e}"))).find(|p| p.is_file()) {
        Some(p) => (p, true),
        None => (dir.join("mottakere.csv"), false),
    }
}

fn read_table(path: &Path, bytes: &[u8]) -> Result<Table> {
    if path.extension().is_some_and(|e| e == "xlsx") {
        table::xlsx_from_bytes(path, bytes, "Mottakere")
    } else {
        table::csv_from_bytes(path, bytes)
    }
}

fn column(t: &Table, header: &str) -> Option<usize> {
    t.headers.iter().position(|h| h.trim().eq_ignore_ascii_case(header))
}

/// The register as the page shows it.
pub fn view(project: &Project, network: &str) -> Result<View> {
    let paths = Paths::new(project);
    let (path, exists) = file(project, network);
    let mut v = View { file: paths.show(&path), exists, ..Default::default() };
    let Some(bytes) = files::read(&path)? else { return Ok(v) };
    v.sha = sha256(&bytes);
    let t = match read_table(&path, &bytes) {
        Ok(t) => t,
        Err(e) => {
            v.problems = e.0.iter().map(|d| DiagView::new(d, &paths, None)).collect();
            return Ok(v);
        }
    };
    let diagnostics = match crate::send::recipients_in(t.clone()) {
        Ok((_, w)) => w,
        Err(e) => e.0,
    };
    let get =
        |r: &table::Row, h: &str| column(&t, h).and_then(|i| r.cells.get(i).cloned()).unwrap_or_default();
    for r in &t.rows {
        let at: Vec<DiagView> = diagnostics
            .iter()
            .filter(|d| d.location.as_ref().and_then(|l| l.row) == Some(r.number))
            .map(|d| DiagView::new(d, &paths, Some(r.number)))
            .collect();
        v.rows.push(RowView {
            number: r.number,
            kommunenummer: crate::load::kommunenummer(&get(r, "Kommunenummer")),
            kommune: get(r, "Kommune"),
            postmottak: get(r, "Postmottak"),
            verifisert: get(r, "Verifisert").trim().eq_ignore_ascii_case("ja"),
            kontakt: get(r, "Kontakt"),
            problems: at,
        });
    }
    v.verified = v.rows.iter().filter(|r| r.verifisert).count();
    let rows: Vec<usize> = t.rows.iter().map(|r| r.number).collect();
    v.problems = diagnostics
        .iter()
        .filter(|d| !d.location.as_ref().and_then(|l| l.row).is_some_and(|r| rows.contains(&r)))
        .map(|d| DiagView::new(d, &paths, None))
        .collect();
    Ok(v)
}

/// What the leader asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A new row with these values (by [`COLUMNS`]' form names).
    Add(Values),
    /// The row's values set.
    Edit(usize, Values),
    Verify(usize),
    Remove(usize),
}

/// A row's values as typed: kommunenummer, kommune, postmottak, verifisert, kontakt.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Values {
    pub kommunenummer: String,
    pub kommune: String,
    pub postmottak: String,
    pub verifisert: bool,
    pub kontakt: String,
}

impl Values {
    fn cells(&self) -> [(&'static str, String); 5] {
        [
            ("Kommunenummer", self.kommunenummer.trim().to_string()),
            ("Kommune", self.kommune.trim().to_string()),
            ("Postmottak", self.postmottak.trim().to_string()),
            ("Verifisert", if self.verifisert { "ja" } else { "nei" }.to_string()),
            ("Kontakt", self.kontakt.trim().to_string()),
        ]
    }
}

/// A problem with a typed value: the form field it is about and what is wrong.
pub type Problem = (String, String);

/// The values' own problems, as the sending's checks would find them.
pub fn check_values(v: &Values) -> Vec<Problem> {
    let mut out = Vec::new();
    let knr = crate::load::kommunenummer(&v.kommunenummer);
    if !(knr.len() == 4 || knr.len() == 6) || !knr.chars().all(|c| c.is_ascii_digit()) {
        out.push((
            "kommunenummer".into(),
            format!(
                "«{}» er ikke et kommunenummer: skriv fire sifre (1103), eller seks for en bydel (030110)",
                v.kommunenummer.trim()
            ),
        ));
    }
    if v.kommune.trim().is_empty() {
        out.push(("kommune".into(), "skriv kommunens navn".into()));
    }
    let addr = v.postmottak.trim();
    if addr.is_empty() {
        out.push(("postmottak".into(), "skriv kommunens postmottak, som postmottak@kommune.no".into()));
    } else if !crate::send::valid_address(addr) {
        out.push((
            "postmottak".into(),
            format!("«{addr}» er ikke en gyldig e-postadresse: skriv den som postmottak@kommune.no"),
        ));
    }
    for (key, value) in [("kommune", &v.kommune), ("kontakt", &v.kontakt)] {
        if value.chars().any(|c| c.is_control()) {
            out.push((key.into(), "skriv feltet på én linje, uten kontrolltegn".into()));
        }
    }
    out
}

/// Why a change was not made.
#[derive(Debug)]
pub enum NotSaved {
    /// The file changed on disk since the page read it.
    Stale,
    /// The values break a rule: (field, what is wrong).
    Invalid(Vec<Problem>),
    Failed(Error),
}

impl From<Error> for NotSaved {
    fn from(e: Error) -> Self {
        NotSaved::Failed(e)
    }
}

/// What a change did, in words.
#[derive(Debug, Clone)]
pub struct Done {
    pub text: String,
    pub sha: String,
}

/// Makes a change to the register, if the file is still as the page read
/// it (`sha`, "" when there was none).
pub fn change(
    project: &Project,
    network: &str,
    action: &Action,
    sha: &str,
) -> std::result::Result<Done, NotSaved> {
    let (path, _) = file(project, network);
    let old = files::read(&path)?;
    match (&old, sha) {
        (Some(b), s) if sha256(b) == s => {}
        (None, "") => {}
        _ => return Err(NotSaved::Stale),
    }
    if let Action::Add(v) | Action::Edit(_, v) = action {
        let problems = check_values(v);
        if !problems.is_empty() {
            return Err(NotSaved::Invalid(problems));
        }
    }
    let Some(bytes) = old.clone() else {
        // No register yet: a new mottakere.csv with this row.
        let Action::Add(v) = action else { return Err(NotSaved::Stale) };
        let mut text = String::from("\u{feff}Kommunenummer;Kommune;Postmottak;Verifisert;Kontakt\r\n");
        let cells: Vec<String> = v.cells().iter().map(|(_, c)| quoted(c, ';')).collect();
        text.push_str(&cells.join(";"));
        text.push_str("\r\n");
        return write(
            project,
            network,
            &path,
            None,
            text.into_bytes(),
            format!("La til {} i mottakerne", v.kommune.trim()),
        );
    };
    let t = read_table(&path, &bytes)?;
    let xlsx = t.sheet.clone();
    let row_of = |n: usize| {
        t.rows.iter().find(|r| r.number == n).ok_or_else(|| {
            NotSaved::Failed(
                Error::msg(format!("rad {n} finnes ikke i {}", name(&path))).with_hint("last siden på nytt"),
            )
        })
    };
    let knr_col = column(&t, "Kommunenummer");
    let duplicate = |v: &Values, except: Option<usize>| -> Option<Problem> {
        let knr = crate::load::kommunenummer(&v.kommunenummer);
        let other = t.rows.iter().filter(|r| Some(r.number) != except).find(|r| {
            knr_col.and_then(|i| r.cells.get(i)).is_some_and(|c| crate::load::kommunenummer(c) == knr)
        })?;
        Some((
            "kommunenummer".into(),
            format!("kommunenummer {knr} står alt på rad {}: hver kommune skal ha én rad", other.number),
        ))
    };
    // The cells to set: (row, column index, value).
    let set_cells = |row: usize, values: &[(&str, String)]| -> std::result::Result<Vec<u8>, NotSaved> {
        let mut out = bytes.clone();
        let r = t.rows.iter().find(|r| r.number == row);
        for (header, value) in values {
            let Some(col) = column(&t, header) else {
                if value.is_empty() {
                    continue;
                }
                return Err(NotSaved::Failed(
                    Error::at(
                        Location::row(&t.display_path(), t.header_row),
                        format!("{} har ingen kolonne «{header}»", name(&path)),
                    )
                    .with_hint(format!("legg til kolonnen «{header}» i mottakerlisten")),
                ));
            };
            let now = r.and_then(|r| r.cells.get(col)).map(String::as_str).unwrap_or("");
            if now == value {
                continue;
            }
            out = match &xlsx {
                Some(sheet) => {
                    edit::xlsx_cell(&path, &out, sheet, row, col, &edit::Value::Text(value.clone()))?
                }
                None => edit::csv_cell(&out, row, col, value)?,
            };
        }
        Ok(out)
    };
    let (new, what) = match action {
        Action::Edit(n, v) => {
            row_of(*n)?;
            if let Some(p) = duplicate(v, Some(*n)) {
                return Err(NotSaved::Invalid(vec![p]));
            }
            (set_cells(*n, &v.cells())?, format!("Endret mottakeren {} (rad {n})", v.kommune.trim()))
        }
        Action::Verify(n) => {
            let r = row_of(*n)?;
            let kommune = column(&t, "Kommune").and_then(|i| r.cells.get(i)).cloned().unwrap_or_default();
            (
                set_cells(*n, &[("Verifisert", "ja".into())])?,
                format!("Merket {kommune} (rad {n}) som verifisert"),
            )
        }
        Action::Add(v) => {
            if let Some(p) = duplicate(v, None) {
                return Err(NotSaved::Invalid(vec![p]));
            }
            let new = match &xlsx {
                Some(_) => {
                    let last =
                        t.rows.iter().map(|r| r.number).max().unwrap_or(t.header_row).max(t.header_row);
                    set_cells(last + 1, &v.cells())?
                }
                None => csv_append(&bytes, &t, &v.cells())
                    .map_err(|m| NotSaved::Failed(Error::at(Location::file(&path), m)))?,
            };
            (new, format!("La til {} i mottakerne", v.kommune.trim()))
        }
        Action::Remove(n) => {
            let r = row_of(*n)?;
            let kommune = column(&t, "Kommune").and_then(|i| r.cells.get(i)).cloned().unwrap_or_default();
            let new = match &xlsx {
                // A workbook's row is emptied (the loader passes over an empty row).
                Some(_) => {
                    let blank: Vec<(&str, String)> =
                        t.headers.iter().map(|h| (h.as_str(), String::new())).collect();
                    set_cells(*n, &blank)?
                }
                None => csv_remove(&bytes, *n)
                    .map_err(|m| NotSaved::Failed(Error::at(Location::file(&path), m)))?,
            };
            (new, format!("Fjernet {kommune} (rad {n}) fra mottakerne"))
        }
    };
    // The loader must read the new file as the old one with only the concerned row changed.
    let after = read_table(&path, &new)?;
    let expect = |r: &table::Row| match action {
        Action::Remove(n) | Action::Edit(n, _) | Action::Verify(n) => r.number != *n,
        Action::Add(_) => true,
    };
    let kept_before: Vec<&Vec<String>> = t.rows.iter().filter(|r| expect(r)).map(|r| &r.cells).collect();
    let kept_after: Vec<&Vec<String>> = after
        .rows
        .iter()
        .filter(|r| match action {
            Action::Edit(n, _) | Action::Verify(n) => r.number != *n,
            Action::Add(_) => after.rows.last().is_none_or(|l| l.number != r.number),
            Action::Remove(_) => true,
        })
        .map(|r| &r.cells)
        .collect();
    let trimmed = |v: &Vec<String>| {
        let mut v = v.clone();
        while v.last().is_some_and(String::is_empty) {
            v.pop();
        }
        v
    };
    if kept_before.iter().map(|c| trimmed(c)).collect::<Vec<_>>()
        != kept_after.iter().map(|c| trimmed(c)).collect::<Vec<_>>()
    {
        return Err(NotSaved::Failed(
            Error::at(
                Location::file(&path),
                "endringen ville ikke blitt lest tilbake slik den ble skrevet; ingenting er lagret",
            )
            .with_hint("gjør endringen i regnearket i stedet"),
        ));
    }
    write(project, network, &path, Some(&bytes), new, what)
}

fn write(
    project: &Project,
    network: &str,
    path: &Path,
    old: Option<&[u8]>,
    new: Vec<u8>,
    what: String,
) -> std::result::Result<Done, NotSaved> {
    let c = Change { network, year: None, path, old, new: &new, what: what.clone() };
    match files::write(project, &c)? {
        Wrote::Written => Ok(Done { text: what, sha: sha256(&new) }),
        Wrote::Changed => Err(NotSaved::Stale),
    }
}

fn name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default()
}

/// A CSV field holding `value`, quoted where it must be.
fn quoted(value: &str, delim: char) -> String {
    if value.contains([delim, '"', '\n', '\r']) || value.starts_with(' ') || value.ends_with(' ') {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

/// The line end a CSV file uses (its first), CR LF when it has none.
fn line_end(text: &str) -> &'static str {
    match text.find(['\r', '\n']) {
        Some(i) if text[i..].starts_with("\r\n") => "\r\n",
        Some(i) if text[i..].starts_with('\r') => "\r",
        Some(_) => "\n",
        None => "\r\n",
    }
}

/// A CSV file's bytes with a row added at the end, its fields in the
/// file's column order; every byte before it kept.
fn csv_append(bytes: &[u8], t: &Table, values: &[(&str, String)]) -> std::result::Result<Vec<u8>, String> {
    let (csv, text) = delimited::parse(bytes).map_err(|u| u.message)?;
    let nl = line_end(&text);
    let width = t.headers.len();
    let mut fields = vec![String::new(); width];
    for (h, v) in values {
        match column(t, h) {
            Some(i) => fields[i] = quoted(v, csv.delimiter),
            None if v.is_empty() => {}
            None => {
                return Err(format!("filen har ingen kolonne «{h}»; legg den til i mottakerlisten først"))
            }
        }
    }
    let mut line = String::new();
    if !(text.ends_with('\n') || text.ends_with('\r') || text.is_empty()) {
        line.push_str(nl);
    }
    line.push_str(&fields.join(&csv.delimiter.to_string()));
    line.push_str(nl);
    let enc = match csv.encoding {
        // As a cell written into it: Norwegian Excel reads an ASCII file as Windows-1252.
        Encoding::Ascii => Encoding::Windows1252,
        e => e,
    };
    let encoded = enc
        .encode(&line)
        .ok_or_else(|| format!("raden har tegn som ikke kan lagres i filens tegnkoding ({})", enc.name()))?;
    let mut out = bytes.to_vec();
    out.extend(encoded);
    Ok(out)
}

/// A CSV file's bytes without the record at spreadsheet row `row` (and its
/// line end); every other byte kept.
fn csv_remove(bytes: &[u8], row: usize) -> std::result::Result<Vec<u8>, String> {
    let (csv, _) = delimited::parse(bytes).map_err(|u| u.message)?;
    let rec = csv
        .records
        .iter()
        .find(|r| r.row == row && !r.fields.is_empty())
        .ok_or_else(|| format!("rad {row} finnes ikke i filen"))?;
    let start = rec.fields.first().map(|f| f.bytes.start).unwrap_or(0);
    let end = rec.fields.last().map(|f| f.bytes.end).unwrap_or(start);
    let enc = csv.encoding;
    let ends: Vec<Vec<u8>> = ["\r\n", "\n", "\r"].iter().filter_map(|e| enc.encode(e)).collect();
    let (start, end) = match ends.iter().find(|e| bytes[end..].starts_with(e)) {
        Some(e) => (start, end + e.len()),
        // The last line, without a line end: the line end before it goes.
        None => match ends.iter().find(|e| bytes[..start].ends_with(e)) {
            Some(e) => (start - e.len(), end),
            None => (start, end),
        },
    };
    let mut out = bytes[..start].to_vec();
    out.extend_from_slice(&bytes[end..]);
    Ok(out)
}

/// The form's values for a row.
pub fn values_of(posted: &std::collections::BTreeMap<String, String>) -> Values {
    let get = |k: &str| posted.get(k).cloned().unwrap_or_default();
    Values {
        kommunenummer: get("kommunenummer"),
        kommune: get("kommune"),
        postmottak: get("postmottak"),
        verifisert: posted.get("verifisert").is_some_and(|v| v == "ja"),
        kontakt: get("kontakt"),
    }
}

/// Diagnostics of a refused change as the page shows them.
pub fn problems_view(problems: &[Problem]) -> Vec<DiagView> {
    problems
        .iter()
        .map(|(field, m)| DiagView {
            kind: "feil",
            place: COLUMNS.iter().find(|(k, _)| k == field).map(|(_, h)| h.to_string()).unwrap_or_default(),
            message: m.clone(),
            hint: None,
            row: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(bytes: &[u8]) -> Table {
        table::csv_from_bytes(Path::new("mottakere.csv"), bytes).unwrap()
    }

    #[test]
    fn a_row_is_added_and_removed_and_nothing_else_changes() {
        let old = b"Kommunenummer;Kommune;Postmottak;Verifisert;Kontakt\r\n4601;Bergen;post@bergen.no;nei;\r\n4619;Eidfjord;post@eidfjord.no;ja;\r\n";
        let v = Values {
            kommunenummer: "4620".into(),
            kommune: "Ulvik; indre".into(),
            postmottak: "post@ulvik.no".into(),
            verifisert: false,
            kontakt: String::new(),
        };
        let added = csv_append(old, &table(old), &v.cells()).unwrap();
        assert_eq!(added, [&old[..], b"4620;\"Ulvik; indre\";post@ulvik.no;nei;\r\n"].concat());
        // Removing the middle row takes exactly its line.
        let removed = csv_remove(&added, 3).unwrap();
        assert_eq!(removed, b"Kommunenummer;Kommune;Postmottak;Verifisert;Kontakt\r\n4601;Bergen;post@bergen.no;nei;\r\n4620;\"Ulvik; indre\";post@ulvik.no;nei;\r\n");
        // A last line without its line end: the one before goes with it.
        let last = b"K;Kommune\n1;a\n2;b";
        assert_eq!(csv_remove(last, 3).unwrap(), b"K;Kommune\n1;a");
        // Windows-1252 stays; a file without a line end at the end gets one before the row.
        let win = b"Kommunenummer;Kommune;Postmottak;Verifisert\n1103;Stavanger;p@s.no;ja";
        let out =
            csv_append(win, &table(win), &[("Kommune", "Bodø".into()), ("Kommunenummer", "1804".into())])
                .unwrap();
        assert_eq!(out, [&win[..], b"\n1804;Bod\xf8;;\n"].concat());
    }

    #[test]
    fn typed_values_are_checked_as_the_sending_checks_them() {
        let good = Values {
            kommunenummer: "301".into(),
            kommune: "Oslo".into(),
            postmottak: "postmottak@oslo.kommune.no".into(),
            ..Default::default()
        };
        assert!(check_values(&good).is_empty(), "{:?}", check_values(&good));
        let bad = Values {
            kommunenummer: "12".into(),
            kommune: " ".into(),
            postmottak: "post mottak@oslo".into(),
            ..Default::default()
        };
        let fields: Vec<String> = check_values(&bad).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["kommunenummer", "kommune", "postmottak"]);
    }
}
