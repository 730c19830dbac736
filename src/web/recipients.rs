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
use crate::edit::rows::{self, Op};
use crate::edit::{Refused, Value};
use crate::history;
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

/// The values with the kommunenummer of the municipality they name, from
/// the shipped `data/kommuner.csv`, where it is empty and the name is there.
pub fn with_number(project: &Project, v: &Values) -> Values {
    let mut v = v.clone();
    let name = v.kommune.trim().to_lowercase();
    if let Ok(list) = crate::load::reference::kommuner(&project.data) {
        if let Some((knr, _)) = list.iter().find(|(_, n)| n.trim().to_lowercase() == name) {
            v.kommunenummer = knr.clone();
        }
    }
    v
}

/// The values' own problems, as the sending's checks would find them.
pub fn check_values(v: &Values) -> Vec<Problem> {
    let mut out = Vec::new();
    let knr = crate::load::kommunenummer(&v.kommunenummer);
    if knr.is_empty() {
        out.push((
            "kommunenummer".into(),
            format!(
                "skriv kommunenummeret (fire sifre, for eksempel 1106 for Haugesund): «{}» står ikke i kommunelisten arsplan har, så det kan ikke fylles ut av seg selv. Nummeret står på kommunens nettside og i Kartverkets liste over kommunenummer",
                v.kommune.trim()
            ),
        ));
    } else if !(knr.len() == 4 || knr.len() == 6) || !knr.chars().all(|c| c.is_ascii_digit()) {
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

/// A row as the history shows it: `1103 Stavanger, postmottak@…, ja`.
fn summary(t: &Table, cells: &[String]) -> String {
    let get = |h: &str| column(t, h).and_then(|i| cells.get(i)).map(String::as_str).unwrap_or("");
    format!("{} {}, {}, {}", get("Kommunenummer"), get("Kommune"), get("Postmottak"), get("Verifisert"))
}

fn refused(r: Refused) -> NotSaved {
    match r {
        Refused::Stale(_) => NotSaved::Stale,
        Refused::Invalid(ds) => NotSaved::Failed(Error(ds)),
        Refused::Failed(e) => NotSaved::Failed(e),
    }
}

/// Makes a change to the register, if the file is still as the page read
/// it (`sha`, "" when there was none): a row's cells set, a row inserted
/// after the last or removed, through the same row operations and safe save
/// as the meetings ([`rows`]), and recorded in the network's history.
pub fn change(
    project: &Project,
    network: &str,
    action: &Action,
    sha: &str,
) -> std::result::Result<Done, NotSaved> {
    let filled;
    let action = match action {
        Action::Add(v) if v.kommunenummer.trim().is_empty() => {
            filled = Action::Add(with_number(project, v));
            &filled
        }
        _ => action,
    };
    if let Action::Add(v) | Action::Edit(_, v) = action {
        let problems = check_values(v);
        if !problems.is_empty() {
            return Err(NotSaved::Invalid(problems));
        }
    }
    let (path, exists) = file(project, network);
    if !exists {
        // No register yet: a new mottakere.csv with this row.
        let Action::Add(v) = action else { return Err(NotSaved::Stale) };
        if !sha.is_empty() {
            return Err(NotSaved::Stale);
        }
        let mut text = String::from("\u{feff}Kommunenummer;Kommune;Postmottak;Verifisert;Kontakt\r\n");
        let cells: Vec<String> = v.cells().iter().map(|(_, c)| quoted(c, ';')).collect();
        text.push_str(&cells.join(";"));
        text.push_str("\r\n");
        let what = format!("Ny mottakerliste med {}", v.kommune.trim());
        return write(project, network, &path, None, text.into_bytes(), what);
    }
    let found = table::find(&project.data.join(network), "mottakere", "Mottakere")?.ok_or(NotSaved::Stale)?;
    let opened = rows::open(&found, sha).map_err(refused)?;
    let t = opened.table.clone();
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
    // The cells to set, by column, where the file has the column.
    let cells_of = |values: &[(&str, String)], now: Option<&Vec<String>>| {
        let mut out: Vec<(usize, Value)> = Vec::new();
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
            let was = now.and_then(|c| c.get(col)).map(String::as_str).unwrap_or("");
            if now.is_none() || was != value {
                out.push((col, Value::Text(value.clone())));
            }
        }
        Ok(out)
    };
    let (op, what, old, new) = match action {
        Action::Edit(n, v) => {
            let r = row_of(*n)?;
            if let Some(p) = duplicate(v, Some(*n)) {
                return Err(NotSaved::Invalid(vec![p]));
            }
            let cells = cells_of(&v.cells(), Some(&r.cells))?;
            if cells.is_empty() {
                return Ok(Done {
                    text: format!("{} (rad {n}) er uendret", v.kommune.trim()),
                    sha: sha.to_string(),
                });
            }
            let after: Vec<String> = {
                let mut c = r.cells.clone();
                for (i, val) in &cells {
                    if c.len() <= *i {
                        c.resize(i + 1, String::new());
                    }
                    c[*i] = val.as_read();
                }
                c
            };
            (
                Op::Set { row: *n, cells },
                format!("Mottakeren {} (rad {n})", v.kommune.trim()),
                summary(&t, &r.cells),
                summary(&t, &after),
            )
        }
        Action::Verify(n) => {
            let r = row_of(*n)?;
            let kommune = column(&t, "Kommune").and_then(|i| r.cells.get(i)).cloned().unwrap_or_default();
            let cells = cells_of(&[("Verifisert", "ja".into())], Some(&r.cells))?;
            if cells.is_empty() {
                return Ok(Done {
                    text: format!("{kommune} (rad {n}) er alt verifisert"),
                    sha: sha.to_string(),
                });
            }
            let was = column(&t, "Verifisert").and_then(|i| r.cells.get(i)).cloned().unwrap_or_default();
            (
                Op::Set { row: *n, cells },
                format!("Mottakeren {kommune} (rad {n}): Verifisert"),
                was,
                "ja".to_string(),
            )
        }
        Action::Add(v) => {
            if let Some(p) = duplicate(v, None) {
                return Err(NotSaved::Invalid(vec![p]));
            }
            let at = t.rows.iter().map(|r| r.number).max().unwrap_or(t.header_row).max(t.header_row) + 1;
            let cells = cells_of(&v.cells(), None)?;
            let shown: Vec<String> = {
                let mut c = vec![String::new(); t.headers.len()];
                for (i, val) in &cells {
                    if let Some(x) = c.get_mut(*i) {
                        *x = val.as_read();
                    }
                }
                c
            };
            (
                Op::Insert { at, rows: vec![cells] },
                format!("Ny mottaker {} (rad {at})", v.kommune.trim()),
                String::new(),
                summary(&t, &shown),
            )
        }
        Action::Remove(n) => {
            let r = row_of(*n)?;
            let kommune = column(&t, "Kommune").and_then(|i| r.cells.get(i)).cloned().unwrap_or_default();
            (
                Op::Delete { row: *n, count: 1 },
                format!("Fjernet mottakeren {kommune} (rad {n})"),
                summary(&t, &r.cells),
                String::new(),
            )
        }
    };
    let saved = rows::save(opened, &op).map_err(refused)?;
    let said = history::Said { what: &what, old: &old, new: &new };
    if let Err(e) = history::record_op(project, network, history::Scope::Network, &saved, &op, said) {
        for d in e.0 {
            eprintln!("advarsel: endringen av {} kom ikke i historikken: {}", path.display(), d.message);
        }
    }
    let text = match action {
        Action::Add(v) => format!("La til {} i mottakerne", v.kommune.trim()),
        Action::Edit(n, v) => format!("Endret {} (rad {n})", v.kommune.trim()),
        Action::Verify(_) => format!(
            "Merket {}",
            what.trim_start_matches("Mottakeren ").replace(": Verifisert", " som verifisert")
        ),
        Action::Remove(_) => what.clone(),
    };
    Ok(Done { text, sha: sha256(&saved.new) })
}

fn write(
    project: &Project,
    network: &str,
    path: &Path,
    old: Option<&[u8]>,
    new: Vec<u8>,
    what: String,
) -> std::result::Result<Done, NotSaved> {
    let c = Change { network, year: None, path, old, new: &new, what: what.clone(), removed: false };
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
            kind: crate::diag::Severity::Error,
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
