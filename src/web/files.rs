//! The one way the page's texts, recipients, logo and settings forms write a
//! leader's file: [`write`] takes the bytes the form started from and the new
//! bytes, and replaces the file only while it still holds the old ones
//! ([`crate::edit::save`]: hash check, atomic swap), or makes a new file only
//! where none is. Every such write is one place to record what changed, for
//! the history of edits that can be undone.

use std::path::Path;

use crate::diag::{Error, Location, Result};
use crate::edit::save;
use crate::history;
use crate::manifest::sha256;
use crate::project::Project;

/// What [`write`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrote {
    /// The new bytes are in the file (or already were).
    Written,
    /// The file was not what the form started from (changed on disk, made or
    /// removed meanwhile): nothing was written.
    Changed,
}

/// One write of a leader's file, as the page asks for it.
pub struct Change<'a> {
    pub network: &'a str,
    /// The year the file belongs to; None for the network's own files.
    pub year: Option<i32>,
    pub path: &'a Path,
    /// The bytes the form started from; None for a file that is new.
    pub old: Option<&'a [u8]>,
    pub new: &'a [u8],
    /// What was done, in Norwegian, as the history shows it.
    pub what: String,
    /// The file is removed (`new` is not used).
    pub removed: bool,
}

/// Writes `c.new` to `c.path` if the file still holds `c.old` (or, for
/// `old: None`, does not exist yet).
pub fn write(project: &Project, c: &Change) -> Result<Wrote> {
    if let Some(dir) = c.path.parent() {
        crate::publish::clean_stale_temp_files(dir);
    }
    let wrote = match c.old {
        Some(old) if old == c.new => return Ok(Wrote::Written),
        Some(old) => {
            // A linked file is written where the link points, and stays a link.
            let real = std::fs::canonicalize(c.path).unwrap_or_else(|_| c.path.to_path_buf());
            match save::replace(&real, c.new, &sha256(old))? {
                save::Saved::Written => Wrote::Written,
                save::Saved::Changed => Wrote::Changed,
            }
        }
        None => create(c.path, c.new)?,
    };
    if wrote == Wrote::Written {
        record(project, c);
    }
    Ok(wrote)
}

/// A new file with these bytes, only where there is none (written beside it
/// first, then linked into place without replacing anything).
fn create(path: &Path, bytes: &[u8]) -> Result<Wrote> {
    use std::io::Write;
    let fail = |e: &std::io::Error| {
        Error::at(Location::file(path), format!("kan ikke lagre filen: {}", crate::diag::io_text(e)))
            .with_hint("sjekk at mappen finnes og kan skrives; ingenting er endret")
    };
    if path.exists() {
        return Ok(Wrote::Changed);
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
    let mut tmp = crate::publish::temp_in(dir).map_err(|e| fail(&e))?;
    tmp.write_all(bytes).map_err(|e| fail(&e))?;
    tmp.as_file().sync_all().map_err(|e| fail(&e))?;
    match tmp.persist_noclobber(path) {
        Ok(_) => Ok(Wrote::Written),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(Wrote::Changed),
        Err(e) => Err(fail(&e.error)),
    }
}

/// Removes the file at `c.path` if it still holds `c.old` (`c.new` is not used).
pub fn remove(project: &Project, c: &Change) -> Result<Wrote> {
    let Some(old) = c.old else { return Ok(Wrote::Changed) };
    match read(c.path)? {
        Some(now) if now == old => {}
        _ => return Ok(Wrote::Changed),
    }
    std::fs::remove_file(c.path).map_err(|e| {
        Error::at(Location::file(c.path), format!("kan ikke fjerne filen: {}", crate::diag::io_text(&e)))
    })?;
    record(project, c);
    Ok(Wrote::Written)
}

/// What some files held before a library function (such as `wordmal bruk`)
/// wrote them its own way, so that what it wrote is recorded as the page's
/// own writes are.
pub struct Before {
    files: std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>,
}

impl Before {
    /// The bytes of these files, and of every file under these folders.
    pub fn of(roots: &[std::path::PathBuf]) -> Before {
        fn walk(p: &Path, out: &mut std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>) {
            if p.is_dir() {
                for e in std::fs::read_dir(p).into_iter().flatten().flatten() {
                    walk(&e.path(), out);
                }
            } else if let Ok(b) = std::fs::read(p) {
                out.insert(p.to_path_buf(), b);
            }
        }
        let mut files = Default::default();
        for r in roots {
            walk(r, &mut files);
        }
        Before { files }
    }

    /// Records the files `written` (old: what they held before, if anything).
    pub fn record(
        &self,
        project: &Project,
        network: &str,
        year: Option<i32>,
        written: &[std::path::PathBuf],
        what: &str,
    ) {
        for path in written {
            let Ok(new) = std::fs::read(path) else { continue };
            let old = self.files.get(path).map(Vec::as_slice);
            if old == Some(new.as_slice()) {
                continue;
            }
            record(
                project,
                &Change { network, year, path, old, new: &new, what: what.to_string(), removed: false },
            );
        }
    }
}

/// Notes a write in the history of edits ([`crate::history`]), so that it
/// can be undone from the page. The file is written already: a history
/// that cannot be written is said on the terminal, not as a failed save.
fn record(project: &Project, c: &Change) {
    let scope = match c.year {
        Some(y) => history::Scope::Year(y),
        None => history::Scope::Network,
    };
    let new = (!c.removed).then_some(c.new);
    if let Err(e) = history::record_file(project, c.network, scope, c.path, c.old, new, &c.what) {
        for d in e.0 {
            eprintln!("advarsel: endringen av {} kom ikke i historikken: {}", c.path.display(), d.message);
        }
    }
}

/// A file's bytes, or None when it does not exist.
pub fn read(path: &Path) -> Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => {
            Err(Error::at(Location::file(path), format!("kan ikke lese filen: {}", crate::diag::io_text(&e))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_meanwhile_or_made_meanwhile_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let project = Project::default_layout(dir.path());
        let path = dir.path().join("a.md");
        let change = |old: Option<&'static [u8]>, new: &'static [u8]| Change {
            network: "n",
            year: Some(2026),
            path: &path,
            old,
            new,
            what: "test".into(),
            removed: false,
        };
        assert_eq!(write(&project, &change(None, b"en")).unwrap(), Wrote::Written);
        assert_eq!(std::fs::read(&path).unwrap(), b"en");
        // Made meanwhile: a new file does not replace it.
        assert_eq!(write(&project, &change(None, b"to")).unwrap(), Wrote::Changed);
        // Changed meanwhile: the form's old bytes are not the file's.
        assert_eq!(write(&project, &change(Some(b"null"), b"to")).unwrap(), Wrote::Changed);
        assert_eq!(std::fs::read(&path).unwrap(), b"en");
        assert_eq!(write(&project, &change(Some(b"en"), b"to")).unwrap(), Wrote::Written);
        assert_eq!(std::fs::read(&path).unwrap(), b"to");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left");
    }
}
