//! `watch`: build a selection, then rebuild a network's year as soon as a
//! file it reads is saved. The operating system says when files change (file
//! events, through the notify crate; polling only where events cannot be
//! had); a short quiet spell lets an editor finish saving (many save through
//! a temporary file and a rename); and the Typst compiler's caches stay warm
//! in this process between rebuilds, so only what changed is laid out again.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use crate::build::{self, BuildOptions, Built};
use crate::diag::{Error, Result};
use crate::load;
use crate::manifest::{self, Read};
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

/// How long the files must be quiet after a change before the rebuild: long
/// enough for an editor's temporary file and rename, short to the eye.
pub const SETTLE: Duration = Duration::from_millis(25);

/// How often files are looked at where the system gives no file events.
const POLL: Duration = Duration::from_millis(250);

/// What a year reads, as absolute paths: what its last build recorded in its
/// manifest; for a year never built, or whose last build failed (the error
/// may be in a file it has not read yet: a new house style, a strategy, a
/// Word template), every file watched.
fn reads(project: &Project, network: &str, year: i32, failed: bool) -> Vec<Read> {
    let dir = project.output.join(network).join(year.to_string());
    match manifest::read(&dir) {
        Some(m) if !m.reads.is_empty() && !failed => {
            let paths = project.paths();
            m.reads.iter().map(|r| r.absolute(&paths)).collect()
        }
        _ => vec![Read::Folder(absolute(&project.data)), Read::Folder(absolute(&project.templates))],
    }
}

fn absolute(p: &Path) -> String {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()).display().to_string()
}

/// Whether a path is hidden, or in a hidden folder, below `root`.
fn hidden(p: &Path, root: &Path) -> bool {
    let below = p.strip_prefix(root).unwrap_or(p);
    below.ancestors().any(|a| a != Path::new("") && load::hidden(a))
}

/// Whether a changed file (an absolute path) is one of `reads`.
fn affects(reads: &[Read], changed: &Path) -> bool {
    reads.iter().any(|r| r.covers(changed))
}

/// Watches the data and templates folders: file events where the system
/// has them, else polling.
fn watcher(project: &Project, tx: mpsc::Sender<notify::Result<notify::Event>>) -> Result<Box<dyn Watcher>> {
    let dirs: Vec<PathBuf> = [&project.data, &project.templates]
        .into_iter()
        .filter(|d| d.is_dir())
        .map(|d| std::path::absolute(d).unwrap_or_else(|_| d.clone()))
        .collect();
    let watch_all = |w: &mut dyn Watcher| dirs.iter().try_for_each(|d| w.watch(d, RecursiveMode::Recursive));
    if let Ok(mut w) = notify::recommended_watcher(tx.clone()) {
        if watch_all(&mut w).is_ok() {
            return Ok(Box::new(w));
        }
    }
    let config = notify::Config::default().with_poll_interval(POLL);
    let mut w = notify::PollWatcher::new(tx, config).map_err(|e| {
        Error::msg(format!("kan ikke følge med på filene: {e}"))
            .with_hint("bygg med «arsplan bygg» etter hver endring i stedet")
    })?;
    watch_all(&mut w).map_err(|e| {
        Error::msg(format!("kan ikke følge med på filene: {e}"))
            .with_hint("sjekk at datamappen og malmappen finnes og kan leses")
    })?;
    Ok(Box::new(w))
}

/// Builds the selection, then rebuilds the years whose files change.
/// Returns after `rounds` rebuilds, if given.
pub fn run(
    project: &Project,
    sel: &Selection,
    opts: &BuildOptions,
    rounds: Option<usize>,
    report: &mut dyn FnMut(Event),
) -> Result<()> {
    let targets = project.targets(sel)?;
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let output = abs(&project.output);
    let root = abs(project.data.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")));
    // Watch first, so nothing saved during the first builds is missed.
    let (tx, rx) = mpsc::channel();
    let _watcher = watcher(project, tx)?;
    // The years whose last build failed.
    let mut failed: std::collections::BTreeSet<(String, i32)> = Default::default();
    let build = |n: &str,
                 y: i32,
                 failed: &mut std::collections::BTreeSet<(String, i32)>,
                 report: &mut dyn FnMut(Event)| {
        let t = Instant::now();
        let one = Selection { networks: vec![n.to_string()], years: vec![y] };
        match build::build(project, &one, opts) {
            Ok(built) => {
                failed.remove(&(n.to_string(), y));
                report(Event::Built { network: n.into(), year: y, built, elapsed: t.elapsed() })
            }
            Err(error) => {
                failed.insert((n.to_string(), y));
                report(Event::Failed { network: n.into(), year: y, error })
            }
        }
    };
    for (n, y) in &targets {
        build(n, *y, &mut failed, report);
    }
    crate::render::world::forget_unused(crate::render::world::ROUNDS_KEPT);
    // Files saved during the first builds are not dropped: their events wait
    // in the channel (the builds themselves write only to the output folder,
    // whose events are passed over), and a year that read them is rebuilt.
    report(Event::Waiting);
    let mut done = 0;
    loop {
        // Wait for a change, then for a quiet spell.
        let mut changed: Vec<PathBuf> = Vec::new();
        let mut take = |e: notify::Result<notify::Event>| {
            if let Ok(e) = e {
                if !matches!(e.kind, EventKind::Access(_)) {
                    // Hidden files (an editor's temporary file) and Office's lock files are not data.
                    changed
                        .extend(e.paths.into_iter().filter(|p| !p.starts_with(&output) && !hidden(p, &root)));
                }
            }
        };
        match rx.recv() {
            Ok(e) => take(e),
            Err(_) => return Ok(()),
        }
        loop {
            match rx.recv_timeout(SETTLE) {
                Ok(e) => take(e),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
            }
        }
        changed.sort();
        changed.dedup();
        let affected: Vec<(&(String, i32), Vec<Read>)> = targets
            .iter()
            .map(|t @ (n, y)| (t, reads(project, n, *y, failed.contains(t))))
            .filter(|(_, r)| changed.iter().any(|c| affects(r, c)))
            .collect();
        if affected.is_empty() {
            continue;
        }
        let shown = changed
            .iter()
            .filter(|c| affected.iter().any(|(_, r)| affects(r, c)))
            .map(|c| {
                let shown = c.strip_prefix(&root).unwrap_or(c).display().to_string();
                if c.exists() {
                    shown
                } else {
                    format!("{shown} (slettet)")
                }
            })
            .collect();
        report(Event::Changed(shown));
        let affected: Vec<(String, i32)> = affected.into_iter().map(|(t, _)| t.clone()).collect();
        for (n, y) in affected {
            build(&n, y, &mut failed, report);
            done += 1;
        }
        // One round of rebuilds: what no round for a while used is forgotten,
        // what the rebuilds use stays warm.
        crate::render::world::forget_unused(crate::render::world::ROUNDS_KEPT);
        if rounds.is_some_and(|r| done >= r) {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_affects_the_years_that_read_it() {
        let reads = vec![
            Read::Folder("/p/data/stavanger/2026".into()),
            Read::FilesIn("/p/data/stavanger".into()),
            Read::File("/p/data/kommuner.csv".into()),
        ];
        for yes in ["/p/data/stavanger/2026/moter.csv", "/p/data/stavanger/logo.png", "/p/data/kommuner.csv"]
        {
            assert!(affects(&reads, Path::new(yes)), "{yes}");
        }
        for no in
            ["/p/data/stavanger/2025/moter.csv", "/p/data/bergen/nettverk.toml", "/p/data/kommuner.xlsx"]
        {
            assert!(!affects(&reads, Path::new(no)), "{no}");
        }
    }
}
