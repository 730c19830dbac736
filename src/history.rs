//! The history of the saves made from the web page, each one reversible.
//!
//! Every save records an entry: which file, what in words, when, and the
//! value before and after. A year's entries live beside its data in
//! `data/<nettverk>/<år>/.historikk/`, a network's (nettverk.toml, the
//! recipients, the logo) in `data/<nettverk>/.historikk/`, one small JSON
//! file per entry (`0007.json`), with the old bytes of a whole file beside
//! it (`0007.gammel`). The folder is hidden, so the loader, the build's
//! fingerprints and the watcher pass it over; it survives a restart.
//!
//! A table change is kept as the operation and what it needs to be reversed
//! (a cell's old and new value and its row; a row inserted or deleted with
//! its cells; rows moved), so an older cell edit can be undone although
//! later edits changed other cells or rows. A whole file is kept as a
//! snapshot of its old bytes and the sha256 of its new ones. [`undo`]
//! reverses an entry through the same safe save as any edit (hash check,
//! atomic replace) and records the reversal as an entry of its own (which
//! can be undone in turn). When a later edit built on what the entry left
//! (the cell holds another value now, the rows are not there, the file has
//! other bytes), it refuses with a message instead of guessing.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diag::{Error, Location, Result};
use crate::edit::rows::{self, Op};
use crate::edit::{self, Refused, Value};
use crate::load::table::{self, Table};
use crate::manifest;
use crate::project::Project;

/// The hidden folder beside the data that holds the entries.
pub const DIR: &str = ".historikk";

/// Whose history: one year of a network, or the network itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    #[serde(rename = "aar")]
    Year(i32),
    #[serde(rename = "nettverk")]
    Network,
}

impl Scope {
    /// The folder the scope's files and its history are in.
    pub fn dir(self, project: &Project, network: &str) -> PathBuf {
        match self {
            Scope::Year(y) => project.data.join(network).join(y.to_string()),
            Scope::Network => project.data.join(network),
        }
    }

    /// `aar` or `nettverk`, as a form names it.
    pub fn word(self) -> &'static str {
        match self {
            Scope::Year(_) => "aar",
            Scope::Network => "nettverk",
        }
    }
}

/// One cell of a row, before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellChange {
    #[serde(rename = "kolonne_nr")]
    pub col: usize,
    #[serde(rename = "kolonne")]
    pub column: String,
    #[serde(rename = "gammel")]
    pub old: String,
    #[serde(rename = "ny")]
    pub new: String,
}

/// What changed, as much as undoing it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Change {
    /// Cells of one table row; `after` is the whole row as the change left it.
    #[serde(rename = "celler")]
    Cells {
        #[serde(rename = "rad")]
        row: usize,
        #[serde(rename = "celler")]
        cells: Vec<CellChange>,
        #[serde(rename = "rad_etter")]
        after: Vec<String>,
    },
    /// Rows added, the first at `row`, with their cells.
    #[serde(rename = "rader_inn")]
    Inserted {
        #[serde(rename = "rad")]
        row: usize,
        #[serde(rename = "rader")]
        rows: Vec<Vec<String>>,
    },
    /// Rows removed, the first from `row`, with their cells.
    #[serde(rename = "rader_ut")]
    Deleted {
        #[serde(rename = "rad")]
        row: usize,
        #[serde(rename = "rader")]
        rows: Vec<Vec<String>>,
    },
    /// Rows moved from `from` so that the first is at `to`, with their cells.
    #[serde(rename = "flyttet")]
    Moved {
        #[serde(rename = "fra")]
        from: usize,
        #[serde(rename = "til")]
        to: usize,
        #[serde(rename = "rader")]
        rows: Vec<Vec<String>>,
    },
    /// A whole file replaced, made or removed: the sha256 of its bytes before
    /// and after (None: there was no file); the old bytes are kept beside
    /// the entry.
    #[serde(rename = "fil")]
    File {
        #[serde(rename = "gammel_sha256")]
        old_sha256: Option<String>,
        #[serde(rename = "ny_sha256")]
        new_sha256: Option<String>,
    },
}

/// One entry of the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub nr: u32,
    /// Seconds since 1970 (UTC).
    #[serde(rename = "tid")]
    pub when: u64,
    /// The file: relative to the scope's folder, or `@maler/…`, `@data/…`
    /// for a file elsewhere in the project (a house style's Word template).
    #[serde(rename = "fil")]
    pub file: String,
    /// For a workbook: the sheet.
    #[serde(rename = "ark", default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// What, in words (`Møtet «fagdag»: Dato`).
    #[serde(rename = "hva")]
    pub what: String,
    /// The value before and after, short, as the page shows them.
    #[serde(rename = "gammelt")]
    pub old: String,
    #[serde(rename = "nytt")]
    pub new: String,
    #[serde(rename = "endring")]
    pub change: Change,
    /// The entry that undid this one.
    #[serde(rename = "angret_av", default, skip_serializing_if = "Option::is_none")]
    pub undone_by: Option<u32>,
    /// The entry this one undid.
    #[serde(rename = "angrer", default, skip_serializing_if = "Option::is_none")]
    pub undoes: Option<u32>,
    #[serde(skip, default = "no_scope")]
    pub scope: Scope,
}

fn no_scope() -> Scope {
    Scope::Network
}

impl Entry {
    /// When, as a leader reads it: `26.11.2026 kl. 14.05`.
    pub fn when_text(&self) -> String {
        crate::web::site::when(std::time::UNIX_EPOCH + std::time::Duration::from_secs(self.when))
    }
}

fn history_dir(project: &Project, network: &str, scope: Scope) -> PathBuf {
    scope.dir(project, network).join(DIR)
}

/// The name an entry's file gets.
fn entry_name(nr: u32) -> String {
    format!("{nr:04}.json")
}

fn snapshot_name(nr: u32) -> String {
    format!("{nr:04}.gammel")
}

fn io_error(path: &Path, e: &std::io::Error) -> Error {
    Error::at(Location::file(path), format!("historikken kan ikke skrives: {}", crate::diag::io_text(e)))
        .with_hint("sjekk at datamappen kan skrives; endringen selv er lagret")
}

/// Where a file is kept in an entry: relative to the scope's folder, else
/// marked by the project folder it lies under.
fn place(project: &Project, network: &str, scope: Scope, path: &Path) -> Result<String> {
    let rel = |base: &Path| {
        let base = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
        let path = path
            .parent()
            .and_then(|d| std::fs::canonicalize(d).ok())
            .and_then(|d| path.file_name().map(|n| d.join(n)))
            .unwrap_or_else(|| path.to_path_buf());
        path.strip_prefix(&base).ok().map(|p| {
            p.components().map(|c| c.as_os_str().to_string_lossy().to_string()).collect::<Vec<_>>().join("/")
        })
    };
    if let Some(r) = rel(&scope.dir(project, network)) {
        return Ok(r);
    }
    if let Some(r) = rel(&project.templates) {
        return Ok(format!("@maler/{r}"));
    }
    if let Some(r) = rel(&project.data) {
        return Ok(format!("@data/{r}"));
    }
    Err(Error::at(
        Location::file(path),
        "filen ligger utenfor prosjektet; endringen kan ikke føres i historikken",
    ))
}

/// The file an entry names.
fn resolve(project: &Project, network: &str, scope: Scope, file: &str) -> Result<PathBuf> {
    let (base, rel) = if let Some(r) = file.strip_prefix("@maler/") {
        (project.templates.clone(), r)
    } else if let Some(r) = file.strip_prefix("@data/") {
        (project.data.clone(), r)
    } else {
        (scope.dir(project, network), file)
    };
    // Only plain names below the base: an entry never points outside.
    let parts: Vec<&str> = rel.split('/').collect();
    if parts.iter().any(|p| p.is_empty() || *p == "." || *p == ".." || p.contains('\\')) {
        return Err(Error::msg(format!("historikken nevner en ugyldig fil «{file}»")));
    }
    Ok(parts.iter().fold(base, |b, p| b.join(p)))
}

/// Writes a new entry (its number the next free one) and, for a whole
/// file, the old bytes beside it. Returns the entry's number.
fn write_new(
    project: &Project,
    network: &str,
    scope: Scope,
    mut entry: Entry,
    old_bytes: Option<&[u8]>,
) -> Result<u32> {
    let dir = history_dir(project, network, scope);
    std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, &e))?;
    for _ in 0..100 {
        let nr = next_number(&dir);
        entry.nr = nr;
        let path = dir.join(entry_name(nr));
        let json = serde_json::to_vec_pretty(&entry).map_err(|e| Error::msg(e.to_string()))?;
        if let Some(old) = old_bytes {
            crate::publish::write_atomic(&dir.join(snapshot_name(nr)), old)?;
        }
        let mut tmp = crate::publish::temp_in(&dir).map_err(|e| io_error(&dir, &e))?;
        std::io::Write::write_all(&mut tmp, &json).map_err(|e| io_error(&path, &e))?;
        let _ = tmp.as_file().sync_all();
        match tmp.persist_noclobber(&path) {
            Ok(_) => return Ok(nr),
            // Taken in the meantime: the next number.
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_error(&path, &e.error)),
        }
    }
    Err(Error::msg("historikken har for mange samtidige endringer"))
}

fn next_number(dir: &Path) -> u32 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 1 };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".json")?.parse::<u32>().ok()))
        .max()
        .unwrap_or(0)
        + 1
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// A short view of a text for the list: the first line that differs from
/// `other`, cut to 80 characters; a file that is not text by its size.
fn short(bytes: Option<&[u8]>, other: Option<&[u8]>) -> String {
    let Some(b) = bytes else { return "(ingen fil)".into() };
    let Ok(text) = std::str::from_utf8(b) else {
        return format!("{} kB", b.len().div_ceil(1024));
    };
    let other = other.and_then(|o| std::str::from_utf8(o).ok()).unwrap_or("");
    let mut theirs = other.lines();
    let line =
        text.lines().find(|l| theirs.next() != Some(*l)).unwrap_or_else(|| text.lines().next().unwrap_or(""));
    cut(line.trim())
}

/// A text cut to 80 characters.
pub fn cut(s: &str) -> String {
    cut_to(s, 80)
}

/// A text cut to `n` characters (the last two an ellipsis).
pub fn cut_to(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{} …", s.chars().take(n.saturating_sub(2)).collect::<String>().trim_end())
    }
}

/// What an entry says in the list, in words; an undo says what it did
/// («Angret: Møtet «Sola» lagt tilbake», not «… slettet»). See
/// [`said_as_written`] for entries of old.
pub fn said(e: &Entry) -> String {
    let plain = said_as_written(e);
    match plain.strip_prefix("Angret: ") {
        Some(base) => format!("Angret: {}", reversed(base)),
        None => plain,
    }
}

/// A change said the other way round, as its undo did it: deleted → put
/// back, added → removed again, moved → moved back, changed → set back.
/// What has no such word is said as it was.
fn reversed(base: &str) -> String {
    if let Some(h) = base.strip_suffix(" slettet fra planen").or_else(|| base.strip_suffix(" slettet")) {
        return format!("{h} lagt tilbake");
    }
    if let Some((h, _)) = base.split_once(" lagt til") {
        return format!("{h} fjernet igjen");
    }
    if let Some((h, _)) = base.split_once(" flyttet ") {
        return format!("{h} flyttet tilbake");
    }
    if let Some(h) = base.strip_suffix(" endret") {
        return format!("{h} satt tilbake");
    }
    base.to_string()
}

/// What an entry says as it was recorded, in words. An entry written before the
/// history named its items (`Aktivitet lagt til i planen (rad 12)`,
/// `Nytt møte «fagdag»`) is said as well as it allows: the row number
/// (which later edits make wrong) dropped, the item's text taken from the
/// values it keeps.
pub fn said_as_written(e: &Entry) -> String {
    let what = e.what.as_str();
    let (prefix, base) = ["Angret: ", "Gjort igjen: "]
        .iter()
        .find_map(|p| what.strip_prefix(p).map(|b| (*p, b)))
        .unwrap_or(("", what));
    let quoted = |t: &str| if t.is_empty() { String::new() } else { format!(" «{}»", cut_to(t, 60)) };
    // For an undo the values are the other way round.
    let (old, new) = if prefix == "Angret: " { (&e.new, &e.old) } else { (&e.old, &e.new) };
    let legacy = if let Some(kind) = base.strip_suffix(')').and_then(|b| {
        let (head, nr) = b.rsplit_once(" lagt til i planen (rad ")?;
        nr.chars().all(|c| c.is_ascii_digit()).then_some(head)
    }) {
        Some(format!("{kind}{} lagt til i planen", quoted(new)))
    } else if let Some(head) = base.strip_suffix(" slettet fra planen") {
        let (kind, rest) =
            head.split_once(" med ").map(|(k, r)| (k, format!(" med {r}"))).unwrap_or((head, String::new()));
        (!kind.contains('«')).then(|| format!("{kind}{}{rest} slettet fra planen", quoted(old)))
    } else {
        base.strip_prefix("Nytt møte ").map(|id| format!("Møtet {id} lagt til"))
    };
    match legacy {
        Some(l) => format!("{prefix}{l}"),
        None => what.to_string(),
    }
}

/// Records a whole file's change: `old` and `new` its bytes before and
/// after (None: there was no file, or it was removed); `what` says what in
/// words (`Teksten innledning.md`). Any save that replaces a whole file
/// (texts, TOML settings, recipients, the logo, a Word template) records
/// through this. Returns the entry's number.
pub fn record_file(
    project: &Project,
    network: &str,
    scope: Scope,
    path: &Path,
    old: Option<&[u8]>,
    new: Option<&[u8]>,
    what: &str,
) -> Result<u32> {
    let entry = Entry {
        nr: 0,
        when: now(),
        file: place(project, network, scope, path)?,
        sheet: None,
        what: what.to_string(),
        old: short(old, new),
        new: short(new, old),
        change: Change::File { old_sha256: old.map(manifest::sha256), new_sha256: new.map(manifest::sha256) },
        undone_by: None,
        undoes: None,
        scope,
    };
    write_new(project, network, scope, entry, old)
}

/// What an entry says in the list: what (`Møtet «fagdag»: Dato`), and the
/// value before and after, in words.
#[derive(Debug, Clone, Copy)]
pub struct Said<'a> {
    pub what: &'a str,
    pub old: &'a str,
    pub new: &'a str,
}

/// Records a change to a table (`table` as read before it).
pub fn record_table(
    project: &Project,
    network: &str,
    scope: Scope,
    table: &Table,
    change: Change,
    said: Said,
) -> Result<u32> {
    let Said { what, old, new } = said;
    let entry = Entry {
        nr: 0,
        when: now(),
        file: place(project, network, scope, &table.path)?,
        sheet: table.sheet.clone(),
        what: what.to_string(),
        old: cut(old),
        new: cut(new),
        change,
        undone_by: None,
        undoes: None,
        scope,
    };
    write_new(project, network, scope, entry, None)
}

/// The cells of a row as the loader read it (trailing empty cells aside).
fn row_cells(t: &Table, number: usize) -> Vec<String> {
    let mut v = t.rows.iter().find(|r| r.number == number).map(|r| r.cells.clone()).unwrap_or_default();
    while v.last().is_some_and(String::is_empty) {
        v.pop();
    }
    v
}

/// The change a table operation made, as the history keeps it: from the
/// table before and after ([`rows::Saved`]).
pub fn change_of(op: &Op, before: &Table, after: &Table) -> Change {
    match op {
        Op::Set { row, cells } => Change::Cells {
            row: *row,
            cells: cells
                .iter()
                .map(|(c, v)| CellChange {
                    col: *c,
                    column: before.headers.get(*c).cloned().unwrap_or_default(),
                    old: before
                        .rows
                        .iter()
                        .find(|r| r.number == *row)
                        .and_then(|r| r.cells.get(*c))
                        .cloned()
                        .unwrap_or_default(),
                    new: v.as_read().trim().to_string(),
                })
                .collect(),
            after: row_cells(after, *row),
        },
        Op::Insert { at, rows } => {
            Change::Inserted { row: *at, rows: (0..rows.len()).map(|k| row_cells(after, at + k)).collect() }
        }
        Op::Delete { row, count } => {
            Change::Deleted { row: *row, rows: (0..*count).map(|k| row_cells(before, row + k)).collect() }
        }
        Op::Move { from, count, to } => Change::Moved {
            from: *from,
            to: *to,
            rows: (0..*count).map(|k| row_cells(before, from + k)).collect(),
        },
    }
}

/// Records a saved table operation (see [`change_of`]).
pub fn record_op(
    project: &Project,
    network: &str,
    scope: Scope,
    saved: &rows::Saved,
    op: &Op,
    said: Said,
) -> Result<u32> {
    let change = change_of(op, &saved.before, &saved.after);
    record_table(project, network, scope, &saved.before, change, said)
}

/// Every entry of a scope, the newest first (an unreadable one is skipped).
pub fn list(project: &Project, network: &str, scope: Scope) -> Vec<Entry> {
    let dir = history_dir(project, network, scope);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut out: Vec<Entry> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_str().is_some_and(|n| n.ends_with(".json")))
        .filter_map(|e| std::fs::read(e.path()).ok())
        .filter_map(|b| serde_json::from_slice::<Entry>(&b).ok())
        .map(|mut e| {
            e.scope = scope;
            e
        })
        .collect();
    out.sort_by_key(|e| std::cmp::Reverse(e.nr));
    out
}

/// One entry.
pub fn entry(project: &Project, network: &str, scope: Scope, nr: u32) -> Option<Entry> {
    let path = history_dir(project, network, scope).join(entry_name(nr));
    let mut e: Entry = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    e.scope = scope;
    Some(e)
}

/// What [`undo`] did.
#[derive(Debug, Clone)]
pub struct Undone {
    /// The entry that records the reversal.
    pub nr: u32,
    pub path: PathBuf,
    pub what: String,
}

fn refused(text: impl Into<String>, hint: impl Into<String>) -> Refused {
    let hint: String = hint.into();
    let e = Error::msg(text);
    Refused::Failed(if hint.is_empty() { e } else { e.with_hint(hint) })
}

const LATER: &str =
    "angre de senere endringene først (de står over denne i listen), eller rett verdien direkte";

fn trimmed(v: &[String]) -> Vec<String> {
    let mut v: Vec<String> = v.iter().map(|c| c.trim().to_string()).collect();
    while v.last().is_some_and(String::is_empty) {
        v.pop();
    }
    v
}

/// The first row number of a block of rows that read as `rows`: at `near`
/// if they are there, else the one place they are found (None: nowhere, or
/// more than one place).
fn find_block(t: &Table, near: usize, rows: &[Vec<String>]) -> Option<usize> {
    let at = |start: usize| {
        rows.iter().enumerate().all(|(k, want)| {
            t.rows.iter().find(|r| r.number == start + k).is_some_and(|r| trimmed(&r.cells) == trimmed(want))
        })
    };
    if at(near) {
        return Some(near);
    }
    let found: Vec<usize> = t.rows.iter().map(|r| r.number).filter(|n| at(*n)).collect();
    (found.len() == 1).then(|| found[0])
}

/// The row a cell change is at now: where it was, if that row still holds
/// what the change left there (and its ID if the table has one); else the
/// one row that holds the whole row as it was left, or with its ID.
fn find_row(
    t: &Table,
    row: usize,
    cells: &[CellChange],
    after: &[String],
) -> std::result::Result<usize, Refused> {
    let id = t.headers.iter().position(|h| h.eq_ignore_ascii_case("ID"));
    let key = |cells: &[String]| id.and_then(|i| cells.get(i).cloned());
    let holds =
        |r: &table::Row| cells.iter().all(|c| r.cells.get(c.col).map(|v| v.trim()).unwrap_or("") == c.new);
    let candidates: Vec<&table::Row> = t.rows.iter().filter(|r| holds(r)).collect();
    if let Some(r) =
        candidates.iter().find(|r| r.number == row && (id.is_none() || key(&r.cells) == key(after)))
    {
        return Ok(r.number);
    }
    let whole: Vec<usize> =
        candidates.iter().filter(|r| trimmed(&r.cells) == trimmed(after)).map(|r| r.number).collect();
    if whole.len() == 1 {
        return Ok(whole[0]);
    }
    if id.is_some() {
        let same: Vec<usize> =
            candidates.iter().filter(|r| key(&r.cells) == key(after)).map(|r| r.number).collect();
        if same.len() == 1 {
            return Ok(same[0]);
        }
    }
    // Said as precisely as the table allows.
    let now = t
        .rows
        .iter()
        .find(|r| r.number == row && (id.is_none() || key(&r.cells) == key(after)))
        .or_else(|| id.and_then(|_| t.rows.iter().find(|r| key(&r.cells) == key(after))));
    Err(match now {
        Some(r) => {
            let c = cells
                .iter()
                .find(|c| r.cells.get(c.col).map(|v| v.trim()).unwrap_or("") != c.new)
                .unwrap_or(&cells[0]);
            refused(
                format!(
                    "kan ikke angres: {} er endret igjen senere (nå «{}», etter denne endringen «{}»)",
                    c.column,
                    r.cells.get(c.col).map(|v| v.trim()).unwrap_or(""),
                    c.new
                ),
                LATER,
            )
        }
        None => refused("kan ikke angres: raden finnes ikke lenger slik endringen lot den være", LATER),
    })
}

/// The value to write back for a cell's old text.
fn value(column: &str, text: &str) -> Value {
    edit::value_for(column, text)
}

/// In a plan's outline: refused when rows added later stand under the
/// inserted item (an area given goals after it was added), since deleting
/// the item alone would put them under the item before it.
fn adopted(t: &Table, at: usize, rows: &[Vec<String>]) -> std::result::Result<(), Refused> {
    let Some(level) = t.headers.iter().position(|h| h.eq_ignore_ascii_case("Nivå")) else { return Ok(()) };
    let rank = |cells: &[String]| {
        edit::outline::rank(cells.get(level).and_then(|l| crate::model::Level::parse(l.trim())))
    };
    let Some(first) = rows.first() else { return Ok(()) };
    let own = rank(first);
    let Some(next) = t.rows.iter().find(|r| r.number == at + rows.len()) else { return Ok(()) };
    if rank(&next.cells) <= own {
        return Ok(());
    }
    let under =
        t.rows.iter().filter(|r| r.number >= at + rows.len()).take_while(|r| rank(&r.cells) > own).count();
    let text = t.headers.iter().position(|h| h.eq_ignore_ascii_case("Tekst"));
    let name = text.and_then(|c| first.get(c)).map(|s| cut(s.trim())).unwrap_or_default();
    Err(refused(
        format!(
            "kan ikke angres: «{name}» har fått {} senere, og de ville havnet under punktet foran",
            crate::diag::count(under, "underpunkt", "underpunkter")
        ),
        "slett eller flytt underpunktene først (eller angre dem først), eller slett punktet med underpunktene i «Planens innhold»",
    ))
}

/// The operation that reverses a table change in the table as it is now,
/// and the words for its entry.
fn inverse(t: &Table, change: &Change) -> std::result::Result<Op, Refused> {
    match change {
        Change::Cells { row, cells, after } => {
            let at = find_row(t, *row, cells, after)?;
            Ok(Op::Set { row: at, cells: cells.iter().map(|c| (c.col, value(&c.column, &c.old))).collect() })
        }
        Change::Inserted { row, rows } => match find_block(t, *row, rows) {
            Some(at) => {
                adopted(t, at, rows)?;
                Ok(Op::Delete { row: at, count: rows.len() })
            }
            None => {
                Err(refused("kan ikke angres: raden som ble lagt til, er endret eller flyttet senere", LATER))
            }
        },
        Change::Deleted { row, rows } => {
            let id = t.headers.iter().position(|h| h.eq_ignore_ascii_case("ID"));
            if let Some(i) = id {
                for r in rows {
                    let key = r.get(i).map(|s| s.trim()).unwrap_or("");
                    if !key.is_empty() && t.rows.iter().any(|x| x.cells.get(i).map(|s| s.trim()) == Some(key))
                    {
                        return Err(refused(
                            format!("kan ikke angres: ID «{key}» er brukt av en annen rad nå"),
                            "gi den andre raden en annen ID først, eller legg raden til på nytt",
                        ));
                    }
                }
            }
            let end = t.rows.last().map(|r| r.number + 1).unwrap_or(t.header_row + 1);
            let headers = &t.headers;
            Ok(Op::Insert {
                at: (*row).min(end).max(t.header_row + 1),
                rows: rows
                    .iter()
                    .map(|r| {
                        r.iter()
                            .enumerate()
                            .map(|(c, v)| (c, value(headers.get(c).map(String::as_str).unwrap_or(""), v)))
                            .collect()
                    })
                    .collect(),
            })
        }
        Change::Moved { from, to, rows } => match find_block(t, *to, rows) {
            Some(at) => {
                let end = t.rows.last().map(|r| r.number + 1).unwrap_or(1);
                let last_start = end.saturating_sub(rows.len()).max(t.header_row + 1);
                Ok(Op::Move { from: at, count: rows.len(), to: (*from).min(last_start) })
            }
            None => Err(refused("kan ikke angres: radene som ble flyttet, er endret senere", LATER)),
        },
        Change::File { .. } => Err(refused("ikke en tabellendring", "")),
    }
}

/// Undoes entry `nr` of a scope through the same safe save as any edit,
/// and records the reversal as a new entry (the entry is marked undone).
pub fn undo(project: &Project, network: &str, scope: Scope, nr: u32) -> std::result::Result<Undone, Refused> {
    let Some(e) = entry(project, network, scope, nr) else {
        return Err(refused(format!("endring nr. {nr} finnes ikke i historikken"), "last siden på nytt"));
    };
    if let Some(by) = e.undone_by {
        return Err(refused(
            format!("endring nr. {nr} er alt angret (av endring nr. {by})"),
            format!("vil du ha den tilbake, angre endring nr. {by} i stedet"),
        ));
    }
    let path = resolve(project, network, scope, &e.file)?;
    // Undoing an undo brings the change back: said so, not «Angret: Angret: …».
    let told = said_as_written(&e);
    let base = told.strip_prefix("Angret: ").or_else(|| told.strip_prefix("Gjort igjen: ")).unwrap_or(&told);
    let what = if e.undoes.is_some() && told.starts_with("Angret: ") {
        format!("Gjort igjen: {base}")
    } else {
        format!("Angret: {base}")
    };
    let new_nr = match &e.change {
        Change::File { old_sha256, new_sha256 } => {
            let current = std::fs::read(&path).ok();
            if current.as_ref().map(|b| manifest::sha256(b)) != *new_sha256 {
                return Err(refused(
                    format!(
                        "kan ikke angres: {} er endret etter denne endringen",
                        path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default()
                    ),
                    LATER,
                ));
            }
            let old = match old_sha256 {
                Some(sha) => {
                    let snap = history_dir(project, network, scope).join(snapshot_name(nr));
                    let b = std::fs::read(&snap).ok().filter(|b| manifest::sha256(b) == *sha);
                    Some(b.ok_or_else(|| {
                        refused("kan ikke angres: den gamle utgaven av filen mangler i historikken", "")
                    })?)
                }
                None => None,
            };
            match (&current, &old) {
                (Some(cur), Some(old)) => {
                    let real = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
                    match edit::save::replace(&real, old, &manifest::sha256(cur))? {
                        edit::save::Saved::Written => {}
                        edit::save::Saved::Changed => {
                            return Err(Refused::Stale(
                                "filen ble endret akkurat nå; ingenting er angret".into(),
                            ))
                        }
                    }
                }
                (Some(_), None) => {
                    std::fs::remove_file(&path).map_err(|e| {
                        Error::at(
                            Location::file(&path),
                            format!("kan ikke slette filen: {}", crate::diag::io_text(&e)),
                        )
                    })?;
                }
                (None, Some(old)) => crate::publish::write_atomic(&path, old)?,
                (None, None) => {}
            }
            record_file(project, network, scope, &path, current.as_deref(), old.as_deref(), &what)?
        }
        change => {
            let t = match &e.sheet {
                Some(sheet) => table::read_xlsx(&path, sheet),
                None => table::read_csv(&path),
            }?;
            let bytes = std::fs::read(&t.path).map_err(|err| {
                Error::at(
                    Location::file(&path),
                    format!("kan ikke lese filen: {}", crate::diag::io_text(&err)),
                )
            })?;
            let opened = rows::open(&t, &manifest::sha256(&bytes))?;
            let op = inverse(&opened.table, change)?;
            let saved = rows::save(opened, &op)?;
            record_op(project, network, scope, &saved, &op, Said { what: &what, old: &e.new, new: &e.old })?
        }
    };
    // The reversal and the entry point at each other.
    let mark = |n: u32, f: &dyn Fn(&mut Entry)| -> Result<()> {
        let path = history_dir(project, network, scope).join(entry_name(n));
        let mut x: Entry = serde_json::from_slice(&std::fs::read(&path).map_err(|e| io_error(&path, &e))?)
            .map_err(|e| Error::msg(e.to_string()))?;
        f(&mut x);
        crate::publish::write_atomic(
            &path,
            &serde_json::to_vec_pretty(&x).map_err(|e| Error::msg(e.to_string()))?,
        )
    };
    mark(nr, &|x| x.undone_by = Some(new_nr))?;
    mark(new_nr, &|x| x.undoes = Some(nr))?;
    // Said as the list says it.
    let what = match what.strip_prefix("Angret: ") {
        Some(base) => format!("Angret: {}", reversed(base)),
        None => what,
    };
    Ok(Undone { nr: new_nr, path, what })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(dir: &Path) -> Project {
        Project { data: dir.join("data"), templates: dir.join("maler"), output: dir.join("output") }
    }

    #[test]
    fn a_file_change_is_undone_and_the_undo_too() {
        let d = tempfile::tempdir().unwrap();
        let p = project(d.path());
        let year = p.data.join("n/2026");
        std::fs::create_dir_all(year.join("tekster")).unwrap();
        let f = year.join("tekster/innledning.md");
        std::fs::write(&f, "ny\n").unwrap();
        let nr =
            record_file(&p, "n", Scope::Year(2026), &f, Some(b"gammel\n"), Some(b"ny\n"), "Teksten").unwrap();
        let e = entry(&p, "n", Scope::Year(2026), nr).unwrap();
        assert_eq!(
            (e.file.as_str(), e.old.as_str(), e.new.as_str()),
            ("tekster/innledning.md", "gammel", "ny")
        );
        let u = undo(&p, "n", Scope::Year(2026), nr).unwrap();
        assert_eq!(std::fs::read(&f).unwrap(), b"gammel\n");
        assert!(undo(&p, "n", Scope::Year(2026), nr).is_err(), "twice");
        undo(&p, "n", Scope::Year(2026), u.nr).unwrap();
        assert_eq!(std::fs::read(&f).unwrap(), b"ny\n");
        // Changed since: refused, file untouched.
        let nr = record_file(&p, "n", Scope::Year(2026), &f, Some(b"a"), Some(b"ny\n"), "Teksten").unwrap();
        std::fs::write(&f, "senere\n").unwrap();
        let Err(Refused::Failed(e)) = undo(&p, "n", Scope::Year(2026), nr) else { panic!() };
        assert!(e.to_string().contains("endret etter"), "{e}");
        assert_eq!(std::fs::read(&f).unwrap(), b"senere\n");
        // A new file undone is removed; the history folder is hidden.
        let g = year.join("tekster/ny.md");
        std::fs::write(&g, "x").unwrap();
        let nr = record_file(&p, "n", Scope::Year(2026), &g, None, Some(b"x"), "Ny tekst").unwrap();
        undo(&p, "n", Scope::Year(2026), nr).unwrap();
        assert!(!g.exists());
        assert!(crate::load::files_below(&year).iter().all(|f| !f.to_string_lossy().contains(DIR)));
    }

    #[test]
    fn an_older_cell_edit_is_undone_after_later_edits_elsewhere() {
        let d = tempfile::tempdir().unwrap();
        let p = project(d.path());
        let year = p.data.join("n/2026");
        std::fs::create_dir_all(&year).unwrap();
        let f = year.join("moter.csv");
        std::fs::write(&f, "ID;Dato;Sted\na;01.02.2026;Sola\nb;02.02.2026;Bø\n").unwrap();
        let edit = |op: Op| {
            let t = table::read_csv(&f).unwrap();
            let sha = manifest::sha256(&std::fs::read(&f).unwrap());
            let saved = rows::save(rows::open(&t, &sha).unwrap(), &op).unwrap();
            record_op(&p, "n", Scope::Year(2026), &saved, &op, Said { what: "x", old: "", new: "" }).unwrap()
        };
        let first = edit(Op::Set { row: 3, cells: vec![(2, Value::Text("Ås".into()))] });
        // Later: a row before it, and another cell of the same row.
        let ins = edit(Op::Insert {
            at: 2,
            rows: vec![vec![(0, Value::Text("c".into())), (1, Value::Text("03.02.2026".into()))]],
        });
        edit(Op::Set { row: 4, cells: vec![(1, Value::Text("05.02.2026".into()))] });
        undo(&p, "n", Scope::Year(2026), first).unwrap();
        assert_eq!(
            std::fs::read_to_string(&f).unwrap(),
            "ID;Dato;Sted\nc;03.02.2026;\na;01.02.2026;Sola\nb;05.02.2026;Bø\n"
        );
        undo(&p, "n", Scope::Year(2026), ins).unwrap();
        assert_eq!(
            std::fs::read_to_string(&f).unwrap(),
            "ID;Dato;Sted\na;01.02.2026;Sola\nb;05.02.2026;Bø\n"
        );
        // A cell changed again since: refused with what it holds now.
        let e1 = edit(Op::Set { row: 2, cells: vec![(2, Value::Text("Hå".into()))] });
        edit(Op::Set { row: 2, cells: vec![(2, Value::Text("Time".into()))] });
        let Err(Refused::Failed(e)) = undo(&p, "n", Scope::Year(2026), e1) else { panic!() };
        assert!(e.to_string().contains("nå «Time»"), "{e}");
        // A deleted row comes back where it was.
        let del = edit(Op::Delete { row: 2, count: 1 });
        undo(&p, "n", Scope::Year(2026), del).unwrap();
        assert_eq!(
            std::fs::read_to_string(&f).unwrap(),
            "ID;Dato;Sted\na;01.02.2026;Time\nb;05.02.2026;Bø\n"
        );
        let mv = edit(Op::Move { from: 3, count: 1, to: 2 });
        assert_eq!(
            std::fs::read_to_string(&f).unwrap(),
            "ID;Dato;Sted\nb;05.02.2026;Bø\na;01.02.2026;Time\n"
        );
        undo(&p, "n", Scope::Year(2026), mv).unwrap();
        assert_eq!(
            std::fs::read_to_string(&f).unwrap(),
            "ID;Dato;Sted\na;01.02.2026;Time\nb;05.02.2026;Bø\n"
        );
        assert_eq!(list(&p, "n", Scope::Year(2026)).len(), 11);
    }

    #[test]
    fn an_entry_written_before_the_history_named_its_items_is_read_and_said_sensibly() {
        // As the page wrote them before: the row number, no text in «Hva».
        let old = |what: &str, gammelt: &str, nytt: &str| -> Entry {
            serde_json::from_value(serde_json::json!({
                "nr": 3, "tid": 1764000000, "fil": "plan.csv", "hva": what, "gammelt": gammelt, "nytt": nytt,
                "endring": { "type": "rader_inn", "rad": 12, "rader": [["aktivitet", "Fagdag"]] }
            }))
            .unwrap()
        };
        let e = old("Aktivitet lagt til i planen (rad 12)", "", "Fagdag om smerte");
        assert_eq!(e.undone_by, None);
        assert_eq!(said(&e), "Aktivitet «Fagdag om smerte» lagt til i planen");
        assert_eq!(
            said(&old("Angret: Aktivitet lagt til i planen (rad 12)", "Fagdag om smerte", "")),
            "Angret: Aktivitet «Fagdag om smerte» fjernet igjen"
        );
        // An undo says what it did, the other way round from the change.
        for (w, undone) in [
            ("Møtet «Sola» (10. september) slettet", "Møtet «Sola» (10. september) lagt tilbake"),
            ("Området «Kompetanse» slettet fra planen", "Området «Kompetanse» lagt tilbake"),
            ("Aktiviteten «Fagdag» lagt til under delmål 1.2 «Dyspné»", "Aktiviteten «Fagdag» fjernet igjen"),
            (
                "Delmålet «Dyspné» flyttet fra mål 1.1 «A» til mål 2.1 «B»",
                "Delmålet «Dyspné» flyttet tilbake",
            ),
            (
                "Møtet «fagdag» (12. november): Sted endret",
                "Møtet «fagdag» (12. november): Sted satt tilbake",
            ),
            ("Innstillinger for 2026", "Innstillinger for 2026"),
        ] {
            assert_eq!(said(&old(&format!("Angret: {w}"), "a", "b")), format!("Angret: {undone}"));
            assert_eq!(said_as_written(&old(&format!("Angret: {w}"), "a", "b")), format!("Angret: {w}"));
        }
        assert_eq!(
            said(&old("Delmål med 2 underpunkt slettet fra planen", "Etikk og jus", "")),
            "Delmål «Etikk og jus» med 2 underpunkt slettet fra planen"
        );
        assert_eq!(said(&old("Nytt møte «fagdag»", "", "12.11.2026")), "Møtet «fagdag» lagt til");
        // What is already said in words is left as it is.
        for w in [
            "Aktiviteten «Fagdag» under delmål 1.2 «Dyspné» slettet",
            "Området «Kompetanse» slettet fra planen",
            "Møtet «fagdag»: Sted",
            "Teksten innledning.md",
        ] {
            assert_eq!(said(&old(w, "a", "b")), w);
        }
    }
}
