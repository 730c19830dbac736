//! What each build made from what: a manifest per network and year
//! (`output/<network>/<year>/manifest.json`) with the inputs' and outputs'
//! hashes and every dated event. The next build compares against it and says
//! in plain Norwegian what changed, which files it touched, and raises the
//! calendar SEQUENCE of every moved meeting.
//!
//! The manifest also says which program made the files and what it read
//! (folders and files), so the next build can tell, by reading the inputs
//! again and hashing them, that nothing changed and the year need not be
//! made again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::dates;
use crate::diag::{Diagnostic, Location, Severity};
use crate::model::{PlanYear, Strategy};
use crate::project::{Paths, Project};
use crate::render::Format;
use crate::theme::Theme;

pub const FILE: &str = "manifest.json";

/// The program that makes the files: its version and a fingerprint of the
/// sources it was built from (another program may make other bytes).
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("ARSPLAN_BUILD_ID"));

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    #[serde(rename = "nettverk")]
    pub network: String,
    #[serde(rename = "ar")]
    pub year: i32,
    /// Input path (relative to the data folder) → sha256.
    #[serde(rename = "inndata")]
    pub inputs: BTreeMap<String, String>,
    /// Output file name → sha256.
    #[serde(rename = "utdata")]
    pub outputs: BTreeMap<String, String>,
    /// Meeting id → event.
    #[serde(rename = "hendelser")]
    pub events: BTreeMap<String, Event>,
    /// The program that made the files ([`VERSION`]).
    #[serde(rename = "versjon", default)]
    pub version: String,
    /// The templates folder the build used (as `inputs` shows paths).
    #[serde(rename = "maler", default)]
    pub templates: String,
    /// The folders and files the build read; `inputs` is what they held.
    #[serde(rename = "leste", default)]
    pub reads: Vec<Read>,
    /// The formats the build made.
    #[serde(rename = "formater", default)]
    pub formats: Vec<String>,
    /// The files the build made (beside the manifest), by name.
    #[serde(rename = "laget", default)]
    pub made: Vec<String>,
    /// The warnings the build gave, to be given again when nothing changed.
    #[serde(rename = "advarsler", default)]
    pub warnings: Vec<Warning>,
}

/// Something a build read, by path as the manifest shows paths.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Read {
    /// Every file below a folder (hidden files and Office's lock files aside).
    #[serde(rename = "mappe")]
    Folder(String),
    /// The files directly in a folder.
    #[serde(rename = "filene_i")]
    FilesIn(String),
    /// One file, which may be missing.
    #[serde(rename = "fil")]
    File(String),
}

impl Read {
    /// The same read with its path made absolute (found from the project
    /// folder, as the manifest shows paths relative to it).
    pub fn absolute(&self, paths: &Paths) -> Read {
        let abs = |shown: &str| {
            let p = paths.find(shown);
            std::path::absolute(&p).unwrap_or(p).display().to_string()
        };
        match self {
            Read::Folder(f) => Read::Folder(abs(f)),
            Read::FilesIn(f) => Read::FilesIn(abs(f)),
            Read::File(f) => Read::File(abs(f)),
        }
    }

    /// Whether a changed file (with a path as this read's) is one it reads.
    pub fn covers(&self, changed: &Path) -> bool {
        match self {
            Read::Folder(f) => changed.starts_with(f),
            Read::FilesIn(f) => changed.parent() == Some(Path::new(f)),
            Read::File(f) => changed == Path::new(f),
        }
    }

    /// The files it reads now.
    fn files(&self, paths: &Paths) -> Vec<PathBuf> {
        match self {
            Read::Folder(f) => crate::load::files_below(&paths.find(f)),
            Read::FilesIn(f) => crate::load::files_in(&paths.find(f)),
            Read::File(f) => vec![paths.find(f)],
        }
    }
}

/// What a network's year reads: its network's own files, its year and
/// templates folders, the strategy it follows, the reference data, the
/// pictures its prose shows, and every folder its house style may come
/// from. A new kind of input is added here, and nowhere else: the
/// fingerprints, the up-to-date check, `watch` and the page's «changed
/// since» all follow what this says.
pub fn reads(
    project: &Project,
    year: &PlanYear,
    theme: &Theme,
    strategy: Option<&Strategy>,
    pictures: &[PathBuf],
) -> Vec<Read> {
    let paths = project.paths();
    let show = |path: &Path| paths.show(path);
    let d = &year.data_dir;
    let mut v = vec![
        Read::FilesIn(show(d)),
        Read::Folder(show(&d.join("maler"))),
        Read::Folder(show(&year.year_dir)),
    ];
    if let Some(s) = strategy {
        v.push(Read::Folder(show(&project.data.join(&s.network))));
    }
    if year.report.is_some() {
        v.push(Read::File(show(&project.data.join("kommuner.csv"))));
    }
    v.extend(pictures.iter().map(|f| Read::File(show(f))));
    // A style folder that appears in any root takes the place of the one
    // used (or of the built-in one), so every root's folder is read.
    for name in &theme.chain {
        for root in &theme.sources.roots {
            v.push(Read::Folder(show(&root.join(name))));
        }
    }
    v.sort();
    v.dedup();
    v
}

/// The files `reads` names, as the manifest shows them, with their sha256.
pub fn fingerprints(paths: &Paths, reads: &[Read]) -> BTreeMap<String, String> {
    reads
        .iter()
        .flat_map(|r| r.files(paths))
        .filter_map(|f| {
            let bytes = std::fs::read(&f).ok()?;
            Some((paths.show(&f), sha256(&bytes)))
        })
        .collect()
}

/// The input files whose bytes changed since the build `m` records, and
/// those removed (marked `(fjernet)`), as the manifest shows them.
pub fn changed_inputs(paths: &Paths, m: &Manifest) -> Vec<String> {
    let now = fingerprints(paths, &m.reads);
    let mut files: Vec<String> =
        now.iter().filter(|(k, v)| m.inputs.get(*k) != Some(*v)).map(|(k, _)| k.clone()).collect();
    files.extend(m.inputs.keys().filter(|k| !now.contains_key(*k)).map(|k| format!("{k} (fjernet)")));
    files
}

/// A year that need not be made again: the files its last build wrote
/// (with their sizes) and the warnings it gave.
pub struct Unchanged {
    pub files: Vec<(PathBuf, usize)>,
    pub warnings: Vec<Diagnostic>,
}

/// Whether a network's year is made already: the manifest of its last build
/// says this very program made it in (at least) these formats, from the same
/// templates folder, out of inputs that still hold the same bytes, and every
/// file it made is still there as it made it. Then nothing is rendered.
pub fn up_to_date(project: &Project, network: &str, year: i32, formats: &[Format]) -> Option<Unchanged> {
    let dir = project.output.join(network).join(year.to_string());
    let m = read(&dir)?;
    let paths = project.paths();
    if m.version != VERSION
        || m.templates != paths.show(&project.templates)
        || m.reads.is_empty()
        || !formats.iter().all(|f| m.formats.iter().any(|g| g == f.extension()))
    {
        return None;
    }
    if fingerprints(&paths, &m.reads) != m.inputs {
        return None;
    }
    let mut files = Vec::new();
    for name in m.made.iter().map(String::as_str).chain([FILE]) {
        let format = name.rsplit_once('.').and_then(|(_, ext)| Format::by_name(ext));
        if format.is_some_and(|f| !formats.contains(&f)) {
            continue;
        }
        let path = dir.join(name);
        let bytes = std::fs::read(&path).ok()?;
        if name != FILE && m.outputs.get(name) != Some(&sha256(&bytes)) {
            return None;
        }
        files.push((path, bytes.len()));
    }
    let warnings = m.warnings.iter().map(|w| w.diagnostic(|f| paths.find(f))).collect();
    Some(Unchanged { files, warnings })
}

/// A warning as the manifest keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    #[serde(rename = "melding")]
    pub message: String,
    #[serde(rename = "fil", default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(rename = "rad", default, skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    #[serde(rename = "kolonne", default, skip_serializing_if = "Option::is_none")]
    pub col: Option<(usize, String)>,
    #[serde(rename = "hjelp", default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Warning {
    /// A warning to keep, its path shown by `show`.
    pub fn new(d: &Diagnostic, show: impl Fn(&Path) -> String) -> Warning {
        Warning {
            message: d.message.clone(),
            file: d.location.as_ref().map(|l| show(&l.file)),
            row: d.location.as_ref().and_then(|l| l.row),
            col: d.location.as_ref().and_then(|l| l.col.clone()),
            hint: d.hint.clone(),
        }
    }

    /// The warning again, its path found by `find`.
    pub fn diagnostic(&self, find: impl Fn(&str) -> std::path::PathBuf) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            location: self.file.as_ref().map(|f| Location {
                file: find(f),
                row: self.row,
                col: self.col.clone(),
            }),
            message: self.message.clone(),
            hint: self.hint.clone(),
        }
    }
}

/// A meeting as the calendars and the change list see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    #[serde(rename = "dato")]
    pub date: String,
    #[serde(rename = "tid", default)]
    pub time: String,
    #[serde(rename = "tittel")]
    pub title: String,
    #[serde(rename = "gruppe", default)]
    pub group: String,
    #[serde(rename = "sted", default)]
    pub place: String,
    /// The meeting's kind (`Type` in moter.csv); empty in manifests and
    /// ledgers written before it was recorded.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The iCalendar SEQUENCE: rises each time the event changes.
    #[serde(rename = "sekvens")]
    pub sequence: u32,
}

pub fn sha256(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads a manifest; a missing or unreadable one counts as none.
pub fn read(dir: &Path) -> Option<Manifest> {
    let bytes = std::fs::read(dir.join(FILE)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The events of a year, with SEQUENCE numbers carried on from `old`.
pub fn events(py: &PlanYear, old: Option<&Manifest>) -> BTreeMap<String, Event> {
    py.meetings
        .iter()
        .map(|m| {
            let time = match (m.start, m.end) {
                (Some(s), Some(e)) => format!("{}-{}", s.format("%H:%M"), e.format("%H:%M")),
                (Some(s), None) => s.format("%H:%M").to_string(),
                _ => String::new(),
            };
            let mut e = Event {
                date: m.date.format("%Y-%m-%d").to_string(),
                time,
                title: m.title.clone(),
                group: m.group.clone().unwrap_or_default(),
                place: m.place.clone(),
                kind: m.kind.as_str().to_string(),
                sequence: 0,
            };
            if let Some(prev) = old.and_then(|o| o.events.get(&m.id)) {
                let same = prev.date == e.date
                    && prev.time == e.time
                    && prev.title == e.title
                    && prev.place == e.place;
                e.sequence = if same { prev.sequence } else { prev.sequence + 1 };
            }
            (m.id.clone(), e)
        })
        .collect()
}

/// One change between two builds, said in Norwegian.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub network: String,
    pub year: i32,
    pub text: String,
}

fn label(e: &Event) -> String {
    if e.group.is_empty() {
        e.title.clone()
    } else {
        e.group.clone()
    }
}

fn day(iso: &str) -> String {
    dates::parse(iso).map(|d| dates::format(d, "d. MMMM")).unwrap_or_else(|_| iso.to_string())
}

/// What happened to the meetings between two versions, one line each:
/// moved, new and removed meetings, in Norwegian.
pub fn event_changes(old: &BTreeMap<String, Event>, new: &BTreeMap<String, Event>) -> Vec<String> {
    let mut lines = Vec::new();
    for (id, e) in new {
        match old.get(id) {
            Some(p) if p.date != e.date => {
                lines.push(format!("{}: {} → {}", label(e), day(&p.date), day(&e.date)))
            }
            Some(p) if p.time != e.time => {
                lines.push(format!("{} {}: kl. {} → kl. {}", label(e), day(&e.date), p.time, e.time))
            }
            Some(p) if p.place != e.place => {
                lines.push(format!("{} {}: sted «{}» → «{}»", label(e), day(&e.date), p.place, e.place))
            }
            Some(p) if p.title != e.title => {
                lines.push(format!("{} {}: «{}» → «{}»", label(e), day(&e.date), p.title, e.title))
            }
            Some(_) => {}
            None => lines.push(format!("nytt møte: {} {}", label(e), day(&e.date))),
        }
    }
    for (id, p) in old {
        if !new.contains_key(id) {
            lines.push(format!("møtet er fjernet: {} {}", label(p), day(&p.date)));
        }
    }
    lines
}

/// One difference between two versions as a reader is told of it: a meeting
/// moved, retimed, moved to another place, renamed, added or removed, or an
/// attached document new, updated or gone. Templates word it
/// (`endringer.md.j2`): the meeting by its kind, title and group, dates with
/// their weekday, never a file name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// `flyttet`, `tid`, `sted`, `tittel`, `nytt`, `fjernet` (meetings);
    /// `nytt_vedlegg`, `oppdatert`, `ikke_vedlagt` (documents).
    #[serde(rename = "hva")]
    pub what: &'static str,
    /// The meeting's title (before a renaming), or the document's.
    #[serde(rename = "tittel")]
    pub title: String,
    /// The meeting's kind (`nettverksmøte`, ...), its group.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(rename = "gruppe")]
    pub group: String,
    /// The meeting's date (ISO): where it is now, or was when removed.
    #[serde(rename = "dato")]
    pub date: String,
    /// What it was and is: dates (ISO), times (`09:00-15:00`, empty: all day), places or titles.
    #[serde(rename = "fra")]
    pub from: String,
    #[serde(rename = "til")]
    pub to: String,
}

impl Difference {
    fn meeting(what: &'static str, e: &Event, from: &str, to: &str) -> Difference {
        Difference {
            what,
            title: e.title.clone(),
            kind: e.kind.clone(),
            group: e.group.clone(),
            date: e.date.clone(),
            from: from.to_string(),
            to: to.to_string(),
        }
    }

    /// A document's difference.
    pub fn document(what: &'static str, title: &str) -> Difference {
        Difference {
            what,
            title: title.to_string(),
            kind: String::new(),
            group: String::new(),
            date: String::new(),
            from: String::new(),
            to: String::new(),
        }
    }
}

/// What happened to the meetings from `old` to `new`, in date order.
pub fn meeting_differences(old: &BTreeMap<String, Event>, new: &BTreeMap<String, Event>) -> Vec<Difference> {
    let mut out = Vec::new();
    for (id, e) in new {
        let d = match old.get(id) {
            // A meeting known before without its kind keeps the kind it has now.
            Some(p) if p.date != e.date => Difference::meeting("flyttet", e, &p.date, &e.date),
            Some(p) if p.time != e.time => Difference::meeting("tid", e, &p.time, &e.time),
            Some(p) if p.place != e.place => Difference::meeting("sted", e, &p.place, &e.place),
            Some(p) if p.title != e.title => {
                Difference { title: p.title.clone(), ..Difference::meeting("tittel", e, &p.title, &e.title) }
            }
            Some(_) => continue,
            None => Difference::meeting("nytt", e, "", ""),
        };
        out.push(d);
    }
    for (id, p) in old {
        if !new.contains_key(id) {
            out.push(Difference::meeting("fjernet", p, "", ""));
        }
    }
    out.sort_by(|a, b| a.date.cmp(&b.date));
    out
}

/// What changed from `old` to `new`: moved, new and removed meetings, then the
/// files that changed ("berører ...").
pub fn changes(old: &Manifest, new: &Manifest) -> Vec<Change> {
    let mut lines = event_changes(&old.events, &new.events);
    let touched: Vec<String> = new
        .outputs
        .iter()
        .filter(|(name, hash)| old.outputs.get(*name) != Some(*hash))
        .map(|(name, _)| name.clone())
        .collect();
    if lines.is_empty() && !touched.is_empty() {
        let inputs: Vec<&str> = new
            .inputs
            .iter()
            .filter(|(k, v)| old.inputs.get(*k) != Some(*v))
            .map(|(k, _)| k.as_str())
            .collect();
        if !inputs.is_empty() {
            lines.push(format!("endret: {}", inputs.join(", ")));
        }
    }
    let affects =
        if touched.is_empty() { String::new() } else { format!("; berører {}", touched.join(", ")) };
    lines
        .into_iter()
        .map(|l| Change { network: new.network.clone(), year: new.year, text: format!("{l}{affects}") })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(date: &str, group: &str, sequence: u32) -> Event {
        Event {
            date: date.into(),
            time: String::new(),
            title: "Nettverksmøte".into(),
            group: group.into(),
            place: String::new(),
            kind: "nettverksmøte".into(),
            sequence,
        }
    }

    #[test]
    fn a_moved_meeting_is_said_plainly_with_the_files_it_touches() {
        let mut old = Manifest { network: "stavanger".into(), year: 2026, ..Default::default() };
        old.events.insert("sandnes_var".into(), ev("2026-04-16", "Sandnes + SUS", 0));
        old.outputs.insert("arsplan-2026.pdf".into(), "a".into());
        old.outputs.insert("arsplan-2026.docx".into(), "b".into());
        let mut new = old.clone();
        new.events.insert("sandnes_var".into(), ev("2026-04-23", "Sandnes + SUS", 1));
        new.outputs.insert("arsplan-2026.pdf".into(), "c".into());
        new.outputs.insert("arsplan-2026.docx".into(), "d".into());
        let c = changes(&old, &new);
        assert_eq!(c.len(), 1);
        assert_eq!(
            c[0].text,
            "Sandnes + SUS: 16. april → 23. april; berører arsplan-2026.docx, arsplan-2026.pdf"
        );
    }

    #[test]
    fn nothing_changed_says_nothing() {
        let mut m = Manifest::default();
        m.events.insert("a".into(), ev("2026-04-16", "", 0));
        assert!(changes(&m, &m).is_empty());
    }
}
