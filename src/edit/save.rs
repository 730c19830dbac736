//! Replacing a leader's file without losing another program's save: the new
//! bytes go to a synced temporary file beside it, the file is checked right
//! before the swap, and where the system can swap two names atomically
//! (Linux `renameat2` with `RENAME_EXCHANGE`) the file that was swapped out
//! is checked once more: when it is not the one the edit started from
//! (Excel or OneDrive saved in between), the swap is undone, so that save
//! stays. Elsewhere the check right before the rename is the last word.

use std::io::Write;
use std::path::Path;

use crate::diag::{io_text, Error, Location, Result};
use crate::manifest::sha256;

/// What [`replace`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Written,
    /// The file no longer held the expected bytes: nothing was written.
    Changed,
}

fn fail(path: &Path, e: &std::io::Error) -> Error {
    use std::io::ErrorKind as K;
    let hint = match e.kind() {
        K::StorageFull | K::QuotaExceeded => "frigjør plass på disken og prøv igjen; filen er ikke endret",
        K::PermissionDenied | K::ReadOnlyFilesystem => {
            "mappen eller filen kan ikke skrives (skrivebeskyttet?); filen er ikke endret"
        }
        _ => "prøv igjen; filen er ikke endret",
    };
    Error::at(Location::file(path), format!("kan ikke lagre filen: {}", io_text(e))).with_hint(hint)
}

/// Whether `path` holds bytes with this sha256.
fn holds(path: &Path, expected: &str) -> bool {
    std::fs::read(path).is_ok_and(|b| sha256(&b) == expected)
}

/// Swaps two names atomically; Err(Unsupported) where the system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
    let (ca, cb) = (c(a)?, c(b)?);
    // SAFETY: two valid NUL-terminated paths, relative to the working folder.
    let r = unsafe {
        libc::renameat2(libc::AT_FDCWD, ca.as_ptr(), libc::AT_FDCWD, cb.as_ptr(), libc::RENAME_EXCHANGE)
    };
    if r == 0 {
        return Ok(());
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP) => Err(std::io::ErrorKind::Unsupported.into()),
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Replaces the file at `path` with `bytes`, but only while it holds the
/// bytes whose sha256 is `expected` (see the module's note). The file keeps
/// its permissions; a failure leaves it as it was and no temporary file.
pub fn replace(path: &Path, bytes: &[u8], expected: &str) -> Result<Saved> {
    let dir = path.parent().unwrap_or(Path::new("."));
    crate::publish::pause("edit:start");
    let mut tmp = crate::publish::temp_in(dir).map_err(|e| fail(path, &e))?;
    tmp.write_all(bytes).map_err(|e| fail(path, &e))?;
    tmp.as_file().sync_all().map_err(|e| fail(path, &e))?;
    if let Ok(m) = std::fs::metadata(path) {
        let _ = tmp.as_file().set_permissions(m.permissions());
    }
    let tmp = tmp.into_temp_path();
    crate::publish::pause("edit:staged");
    if !holds(path, expected) {
        return Ok(Saved::Changed);
    }
    match exchange(&tmp, path) {
        Ok(()) => {
            // `tmp` now names the file that was in place.
            crate::publish::pause("edit:swapped");
            if !holds(&tmp, expected) {
                // Another program saved between the check and the swap: put
                // its file back (ours is then at `tmp`, removed on drop), but
                // only while the file still holds our bytes; a save that
                // came after ours stays.
                if holds(path, &sha256(bytes)) {
                    exchange(&tmp, path).map_err(|e| fail(path, &e))?;
                }
                return Ok(Saved::Changed);
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::Unsupported => {
            tmp.persist(path).map_err(|e| fail(path, &e.error))?;
        }
        Err(e) => return Err(fail(path, &e)),
    }
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    crate::publish::pause("edit:done");
    Ok(Saved::Written)
}
