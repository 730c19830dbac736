//! `watch`: build a selection, then rebuild each network's year whenever a
//! file it depends on changes, and tell the caller what happened.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use crate::build::{self, BuildOptions, Built, Prepared};
use crate::diag::{Error, Result};
use crate::load;
use crate::project::{Project, Selection};

/// What the watcher did, for the caller to show.
pub enum Event {
    /// A year was built.
    Built { network: String, year: i32, built: Built, elapsed: Duration },
    /// A year could not be built; its previous files stand.
    Failed { network: String, year: i32, error: Error },
    /// Files changed (deleted ones are marked), before the rebuild they cause.
    Changed(Vec<String>),
    /// The first builds are done; waiting for changes.
    Waiting,
}

/// The folders and files a network's year is built from: its data folder,
/// the strategy's, the reference data and its house style's folders.
pub fn roots(project: &Project, p: &Prepared) -> Vec<PathBuf> {
    let d = &p.year.data_dir;
    let mut v = vec![p.year.year_dir.clone(), d.join("maler"), project.data.join("kommuner.csv")];
    // The network folder's own files, not its other years.
    if let Ok(entries) = std::fs::read_dir(d) {
        let mut files: Vec<PathBuf> =
            entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|f| f.is_file()).collect();
        files.sort();
        v.extend(files);
    }
    if let Some(s) = &p.strategy {
        v.push(project.data.join(&s.network));
    }
    v.extend(p.theme.dirs.iter().cloned());
    v
}

type Fingerprint = BTreeMap<PathBuf, (SystemTime, u64)>;

/// A fingerprint (modification time and size) of every file below some roots.
pub fn fingerprint(roots: &[PathBuf]) -> Fingerprint {
    let mut out = BTreeMap::new();
    for r in roots {
        let files = if r.is_file() { vec![r.clone()] } else { load::files_below(r) };
        for f in files {
            if let Ok(m) = std::fs::metadata(&f) {
                out.insert(f, (m.modified().unwrap_or(std::time::UNIX_EPOCH), m.len()));
            }
        }
    }
    out
}

/// What differs between two fingerprints, as paths (deleted ones marked).
fn difference(before: &Fingerprint, now: &Fingerprint) -> Vec<String> {
    now.iter()
        .filter(|(f, v)| before.get(*f) != Some(*v))
        .map(|(f, _)| f.display().to_string())
        .chain(before.keys().filter(|f| !now.contains_key(*f)).map(|f| format!("{} (slettet)", f.display())))
        .collect()
}

/// Builds the selection, then polls every quarter second and rebuilds the
/// years whose inputs changed. Returns after `rounds` rebuilds, if given.
pub fn run(
    project: &Project,
    sel: &Selection,
    opts: &BuildOptions,
    rounds: Option<usize>,
    report: &mut dyn FnMut(Event),
) -> Result<()> {
    let targets = project.targets(sel)?;
    let roots_of = |n: &str, y: i32| -> Vec<PathBuf> {
        match build::prepare(project, n, y) {
            Ok(p) => roots(project, &p),
            // Data that does not load yet: watch its folders anyway.
            Err(_) => vec![project.data.join(n), project.templates.clone()],
        }
    };
    let build = |n: &str, y: i32, report: &mut dyn FnMut(Event)| {
        let t = Instant::now();
        let one = Selection { networks: vec![n.to_string()], years: vec![y] };
        match build::build(project, &one, opts) {
            Ok(built) => report(Event::Built { network: n.into(), year: y, built, elapsed: t.elapsed() }),
            Err(error) => report(Event::Failed { network: n.into(), year: y, error }),
        }
    };
    let mut state: Vec<((String, i32), Vec<PathBuf>, Fingerprint)> = Vec::new();
    for (n, y) in targets {
        build(&n, y, report);
        let roots = roots_of(&n, y);
        let fp = fingerprint(&roots);
        state.push(((n, y), roots, fp));
    }
    report(Event::Waiting);
    let mut done = 0;
    loop {
        std::thread::sleep(Duration::from_millis(250));
        for ((n, y), roots, fp) in state.iter_mut() {
            let now = fingerprint(roots);
            if now == *fp {
                continue;
            }
            // Let an editor finish writing before reading.
            std::thread::sleep(Duration::from_millis(100));
            report(Event::Changed(difference(fp, &now)));
            build(n, *y, report);
            *roots = roots_of(n, *y);
            *fp = fingerprint(roots);
            done += 1;
        }
        if rounds.is_some_and(|r| done >= r) {
            return Ok(());
        }
    }
}
