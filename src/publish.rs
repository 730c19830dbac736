//! Stage 5, publish: write finished documents under `output/<network>/<year>/`,
//! only after every document of the build was made, and as one unit: every
//! changed file is first written beside its place as a temporary file and
//! synced; only when all are written are they renamed into place. A failure
//! while writing (a full disk) removes the temporary files and changes
//! nothing; a failure while renaming puts back what was already renamed.
//! Each rename replaces a file whole, so even a killed build leaves every
//! file either old or new; its temporary files are removed at the next start.

use std::io::Write;

use rayon::prelude::*;
use std::path::{Path, PathBuf};

use crate::diag::{io_text, Error, Location, Result};

/// Temporary files of arsplan start with this; a killed build may leave them.
pub const TEMP_PREFIX: &str = ".arsplan-";

/// A finished file waiting to be written.
#[derive(Debug, Clone)]
pub struct Artifact {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    /// The sha256 of what arsplan wrote there last time (from the manifest):
    /// a file that no longer has it was edited by hand, and is kept.
    pub made_before: Option<String>,
    /// Keep the old file in `tidligere/` when it changes (documents).
    pub keep_versions: bool,
}

impl Artifact {
    pub fn new(path: PathBuf, bytes: Vec<u8>) -> Artifact {
        Artifact { path, bytes, made_before: None, keep_versions: false }
    }
}

/// How many earlier versions of a document `tidligere/` keeps.
pub const VERSIONS: usize = 5;

/// What publishing did with one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    pub size: usize,
    /// False when the file already held these bytes (left untouched).
    pub changed: bool,
    /// Where the old file went: an earlier version, or a copy edited by hand.
    pub kept: Option<Kept>,
}

/// An old file kept aside when a new one took its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    /// Edited by hand since arsplan wrote it: kept beside it under this name.
    Edited(PathBuf),
    /// An earlier version, in `tidligere/`.
    Version(PathBuf),
}

/// An OS error while writing `path`, in Norwegian, with advice.
fn write_error(path: &Path, what: &str, e: &std::io::Error) -> Error {
    use std::io::ErrorKind as K;
    let hint = match e.kind() {
        K::StorageFull | K::QuotaExceeded => "frigjør plass på disken og bygg igjen; ingen filer er endret",
        K::PermissionDenied | K::ReadOnlyFilesystem => {
            "lukk filen hvis den er åpen i Word eller en PDF-leser, og sjekk at mappen kan skrives"
        }
        K::AlreadyExists | K::NotADirectory => {
            "det ligger en fil der en mappe skal være: flytt eller slett den, eller velg en annen utdatamappe med --utdata"
        }
        _ => "sjekk at utdatamappen finnes og kan skrives, og bygg igjen",
    };
    Error::at(Location::file(path), format!("{what}: {}", io_text(e))).with_hint(hint)
}

/// Creates a folder and its parents, remembering the ones it made.
fn make_dir(dir: &Path, made: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        make_dir(parent, made)?;
    }
    match std::fs::create_dir(dir) {
        Ok(()) => {
            made.push(dir.to_path_buf());
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        Err(e) => Err(e),
    }
}

/// A temporary file in `dir` with the permissions an ordinary new file gets
/// (rw-r--r-- under the usual umask 022), not the temporary file's rw-------.
fn new_temp(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut b = tempfile::Builder::new();
    // The process's id in the name tells a temporary file of a process that
    // is gone (killed) from one being written now.
    let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
    b.prefix(&prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666 & !umask()));
    }
    b.tempfile_in(dir)
}

/// A new temporary file in `dir`, named and made as arsplan's are.
pub fn temp_in(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    new_temp(dir)
}

/// For fault tests: when the environment variable `ARSPLAN_TEST_STOP` names
/// this step, says so on stderr and waits to be killed there.
pub fn pause(step: &str) {
    if std::env::var_os("ARSPLAN_TEST_STOP").is_some_and(|v| v == step) {
        eprintln!("arsplan-test-stop: {step}");
        loop {
            std::thread::sleep(std::time::Duration::from_secs(60));
        }
    }
}

/// Whether the process with this id is gone (Unix); elsewhere unknown.
fn gone(pid: u32) -> Option<bool> {
    #[cfg(unix)]
    {
        let pid = i32::try_from(pid).ok()?;
        // SAFETY: signal 0 only asks whether the process exists.
        let r = unsafe { libc::kill(pid, 0) };
        Some(r != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH))
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        None
    }
}

/// Removes the temporary files in `dir` (not below it) that a killed
/// arsplan left: those of a process that is gone, and any over an hour old.
/// Safe without a lock: a file of a running process is left alone.
pub fn clean_stale_temp_files(dir: &Path) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return removed };
    let me = std::process::id();
    for e in entries.filter_map(|e| e.ok()) {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(rest) = name.strip_prefix(TEMP_PREFIX) else { continue };
        if !e.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|a| a.as_secs() > 3600);
        let dead = pid.is_some_and(|p| p != me && gone(p) == Some(true));
        if (dead || old) && std::fs::remove_file(e.path()).is_ok() {
            removed.push(e.path());
        }
    }
    removed
}

/// [`clean_stale_temp_files`] in `dir` and every folder below it (links
/// to folders are not followed).
pub fn clean_stale_temp_files_below(dir: &Path) -> Vec<PathBuf> {
    let mut removed = clean_stale_temp_files(dir);
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.filter_map(|e| e.ok()) {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                removed.extend(clean_stale_temp_files_below(&e.path()));
            }
        }
    }
    removed
}

/// The process's umask, read once (Linux shows it in /proc; else the usual 022).
#[cfg(unix)]
fn umask() -> u32 {
    static MASK: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *MASK.get_or_init(|| {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| s.lines().find_map(|l| l.strip_prefix("Umask:").map(|v| v.trim().to_string())))
            .and_then(|v| u32::from_str_radix(&v, 8).ok())
            .unwrap_or(0o022)
    })
}

/// Writes `bytes` to a new temporary file beside `path` (not yet synced).
fn stage(path: &Path, bytes: &[u8], made: &mut Vec<PathBuf>) -> Result<tempfile::NamedTempFile> {
    let dir = path.parent().unwrap_or(Path::new("."));
    make_dir(dir, made).map_err(|e| write_error(dir, "kan ikke lage mappen", &e))?;
    let fail = |e: std::io::Error| write_error(path, "kan ikke skrive filen", &e);
    let mut tmp = new_temp(dir).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    Ok(tmp)
}

/// Writes `bytes` to `path` via a synced temporary file and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut made = Vec::new();
    let tmp = stage(path, bytes, &mut made)?;
    tmp.as_file().sync_data().map_err(|e| write_error(path, "kan ikke skrive filen", &e))?;
    tmp.persist(path).map_err(|e| write_error(path, "kan ikke skrive filen", &e.error))?;
    sync_dir(path);
    Ok(())
}

/// Syncs the folder of `path`, so its renames survive a power cut (where the
/// system allows it).
fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// A file renamed into place, and how to undo it.
struct Committed {
    path: PathBuf,
    /// A second name for the old file (a hard link made before the rename).
    backup: Option<PathBuf>,
    /// Whether there was an old file (one the system could not link stays new).
    existed: bool,
}

/// Copies a file with its modification time (versions are sorted by it).
fn copy_keeping_time(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::copy(from, to)?;
    if let Ok(t) = std::fs::metadata(from).and_then(|m| m.modified()) {
        let f = std::fs::OpenOptions::new().write(true).open(to)?;
        let _ = f.set_modified(t);
    }
    Ok(())
}

/// Writes every artifact as one unit; an unchanged file is not touched.
pub fn publish(artifacts: &[Artifact]) -> Result<Vec<Written>> {
    let mut out = Vec::new();
    let mut changed: Vec<&Artifact> = Vec::new();
    for a in artifacts {
        let same = std::fs::read(&a.path).map(|old| old == a.bytes).unwrap_or(false);
        if !same {
            changed.push(a);
        }
        out.push(Written { path: a.path.clone(), size: a.bytes.len(), changed: !same, kept: None });
    }
    // 1. Stage: every changed file as a temporary file beside its place; then
    //    all of them synced at once (the system commits them together), not
    //    one write-and-wait after another.
    let mut made_dirs = Vec::new();
    let mut staged = Vec::new();
    for a in &changed {
        match stage(&a.path, &a.bytes, &mut made_dirs) {
            Ok(t) => staged.push((t, a.path.clone())),
            Err(e) => {
                drop(staged); // removes the temporary files
                remove_dirs(&made_dirs);
                return Err(e);
            }
        }
    }
    crate::render::threads();
    let synced: std::result::Result<(), Error> = staged.par_iter().try_for_each(|(t, path)| {
        t.as_file().sync_data().map_err(|e| write_error(path, "kan ikke skrive filen", &e))
    });
    if let Err(e) = synced {
        drop(staged);
        remove_dirs(&made_dirs);
        return Err(e);
    }
    let staged: Vec<(tempfile::TempPath, PathBuf)> =
        staged.into_iter().map(|(t, p)| (t.into_temp_path(), p)).collect();
    pause("publish:staged");
    // 2. Commit: keep a second name for each old file, then rename the new one over it.
    let mut done: Vec<Committed> = Vec::new();
    for (tmp, path) in staged {
        let existed = path.is_file();
        let backup = if existed {
            let b = path.with_file_name(format!("{TEMP_PREFIX}gammel-{}", file_name(&path)));
            let _ = std::fs::remove_file(&b);
            // Where the file system has no hard links (FAT and exFAT USB
            // sticks, some network shares), a copy keeps the old bytes.
            std::fs::hard_link(&path, &b).or_else(|_| copy_keeping_time(&path, &b)).ok().map(|_| b)
        } else {
            None
        };
        if let Err(e) = tmp.persist(&path) {
            let err = write_error(&path, "kan ikke skrive filen", &e.error);
            if let Some(b) = &backup {
                let _ = std::fs::remove_file(b);
            }
            roll_back(done);
            remove_dirs(&made_dirs);
            return Err(err);
        }
        done.push(Committed { path, backup, existed });
        if done.len() == 1 {
            pause("publish:renamed-one");
        }
    }
    pause("publish:renamed");
    // 3. Every file is in place: sync each folder once, and drop the old files' second names.
    let mut dirs: Vec<&Path> = done.iter().filter_map(|c| c.path.parent()).collect();
    dirs.sort();
    dirs.dedup();
    for d in dirs {
        sync_dir(&d.join("x"));
    }
    for c in &done {
        let Some(b) = &c.backup else { continue };
        let art = changed.iter().find(|a| a.path == c.path);
        let edited = art.and_then(|a| a.made_before.as_ref()).is_some_and(|h| {
            std::fs::read(b).map(|old| crate::manifest::sha256(&old) != *h).unwrap_or(false)
        });
        let keep = if edited {
            aside(&c.path, "redigert").map(Kept::Edited)
        } else if art.is_some_and(|a| a.keep_versions) {
            version_path(&c.path).map(Kept::Version)
        } else {
            None
        };
        let kept = keep.filter(|k| {
            let to = match k {
                Kept::Edited(p) | Kept::Version(p) => p,
            };
            to.parent().is_some_and(|d| std::fs::create_dir_all(d).is_ok()) && std::fs::rename(b, to).is_ok()
        });
        if kept.is_none() {
            let _ = std::fs::remove_file(b);
        }
        if let Some(Kept::Version(_)) = &kept {
            prune_versions(&c.path);
        }
        if let Some(w) = out.iter_mut().find(|w| w.path == c.path) {
            w.kept = kept;
        }
    }
    Ok(out)
}

/// The time in Norway, for names: `2026-11-26 14.05.33`.
fn stamp() -> String {
    crate::dates::oslo(std::time::SystemTime::now()).format("%Y-%m-%d %H.%M.%S").to_string()
}

/// A name beside `path` for a kept file: `arsplan-2026 (redigert 2026-11-26 14.05.33).docx`.
fn aside(path: &Path, what: &str) -> Option<PathBuf> {
    let stem = path.file_stem()?.to_string_lossy();
    let ext = path.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
    let base = format!("{stem} ({what} {})", stamp());
    (1..100)
        .map(|i| if i == 1 { format!("{base}{ext}") } else { format!("{base} {i}{ext}") })
        .map(|n| path.with_file_name(n))
        .find(|p| !p.exists())
}

/// Where an earlier version goes: `tidligere/arsplan-2026 (2026-11-26 14.05.33).pdf`
/// (`… 14.05.33 2).pdf` for a second one in the same second).
fn version_path(path: &Path) -> Option<PathBuf> {
    let dir = path.parent()?.join("tidligere");
    let stem = path.file_stem()?.to_string_lossy();
    let ext = path.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
    let now = stamp();
    (1..1000)
        .map(|i| if i == 1 { format!("{stem} ({now}){ext}") } else { format!("{stem} ({now} {i:03}){ext}") })
        .map(|n| dir.join(n))
        .find(|p| !p.exists())
}

/// Keeps the [`VERSIONS`] newest earlier versions of a document.
fn prune_versions(path: &Path) {
    let (Some(dir), Some(stem)) = (path.parent().map(|d| d.join("tidligere")), path.file_stem()) else {
        return;
    };
    let prefix = format!("{} (", stem.to_string_lossy());
    let ext = path.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    let mut old: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(&ext))
        })
        .collect();
    // Oldest first: by when each was written (a rename keeps that), then by name.
    old.sort_by_key(|p| (std::fs::metadata(p).and_then(|m| m.modified()).ok(), p.clone()));
    let extra = old.len().saturating_sub(VERSIONS);
    for p in old.into_iter().take(extra) {
        let _ = std::fs::remove_file(p);
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default()
}

/// Puts back the old files of what was committed, last first.
fn roll_back(done: Vec<Committed>) {
    for c in done.into_iter().rev() {
        match (c.backup, c.existed) {
            (Some(b), _) => {
                let _ = std::fs::rename(&b, &c.path);
            }
            (None, false) => {
                let _ = std::fs::remove_file(&c.path);
            }
            (None, true) => {}
        }
    }
}

/// Removes folders this publish made, deepest first, if they are empty.
fn remove_dirs(made: &[PathBuf]) {
    for d in made.iter().rev() {
        let _ = std::fs::remove_dir(d);
    }
}

/// Removes the temporary files a killed build or send left below `dir`
/// (not following links). Call only while holding the lock.
pub fn clean_temp_files(dir: &Path) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return removed };
    for e in entries.filter_map(|e| e.ok()) {
        let Ok(kind) = e.file_type() else { continue };
        let p = e.path();
        let name = e.file_name().to_string_lossy().to_string();
        if kind.is_dir() {
            removed.extend(clean_temp_files(&p));
        } else if let Some(old) = name.strip_prefix(&format!("{TEMP_PREFIX}gammel-")) {
            // The old file a killed build had renamed the new one over (maybe
            // edited by hand): kept as an earlier version, never deleted.
            let kept = version_path(&p.with_file_name(old));
            let moved = kept.is_some_and(|to| {
                to.parent().is_some_and(|d| std::fs::create_dir_all(d).is_ok())
                    && std::fs::rename(&p, &to).is_ok()
            });
            if moved {
                removed.push(p);
            }
        } else if name.starts_with(TEMP_PREFIX) && std::fs::remove_file(&p).is_ok() {
            removed.push(p);
        }
    }
    removed
}

/// Holds the output folder's lock while alive.
pub struct Lock {
    _file: std::fs::File,
}

/// Takes `<output>/.arsplan.lock`, waiting while another build holds it, and
/// removes the temporary files a killed build left.
pub fn lock(output: &Path) -> Result<Lock> {
    let fail = |e: std::io::Error| write_error(output, "kan ikke låse utdatamappen", &e);
    std::fs::create_dir_all(output).map_err(fail)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(output.join(".arsplan.lock"))
        .map_err(fail)?;
    file.lock().map_err(fail)?;
    clean_temp_files(output);
    Ok(Lock { _file: file })
}
