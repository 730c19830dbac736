//! Walking a folder tree for the files a build depends on.
//!
//! Links to folders are not followed: a link that points out of the tree
//! would pull in files that are not the data's, and one that points back
//! into it (or at a folder above) would make the walk run forever. Real
//! folders are visited once each (bind mounts can loop too).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Every file below `dir` (sorted), skipping hidden files and folders,
/// Excel's lock files (`~$…`) and links to folders, for hashing and watching.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    walk(dir, &mut seen, &mut out);
    out
}

/// The files directly in `dir` (sorted), skipped as [`files_below`] skips them.
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| !hidden(p) && p.metadata().is_ok_and(|m| m.is_file()))
        .collect();
    out.sort();
    out
}

/// Hidden files and folders (`.git`, `.DS_Store`) and Office's lock files (`~$…`).
pub fn hidden(p: &Path) -> bool {
    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.') || n.starts_with('~'))
}

fn walk(dir: &Path, seen: &mut BTreeSet<PathBuf>, out: &mut Vec<PathBuf>) {
    let Ok(real) = std::fs::canonicalize(dir) else { return };
    if !seen.insert(real) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut items: Vec<(PathBuf, std::fs::FileType)> =
        entries.filter_map(|e| e.ok()).filter_map(|e| Some((e.path(), e.file_type().ok()?))).collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    for (p, kind) in items {
        if hidden(&p) {
            continue;
        }
        if kind.is_dir() {
            walk(&p, seen, out);
        } else if kind.is_symlink() {
            // A link to a file is read like the file; a link to a folder is not followed.
            if p.metadata().is_ok_and(|m| m.is_file()) {
                out.push(p);
            }
        } else {
            out.push(p);
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn folder_links_are_not_followed() {
        let d = tempfile::tempdir().unwrap();
        let a = d.path().join("a");
        std::fs::create_dir_all(a.join("b")).unwrap();
        std::fs::write(a.join("b/x.csv"), "x").unwrap();
        std::fs::write(d.path().join("y.csv"), "y").unwrap();
        // Two links back up: following them would take 2^depth steps.
        std::os::unix::fs::symlink("..", a.join("b/up1")).unwrap();
        std::os::unix::fs::symlink("../..", a.join("b/up2")).unwrap();
        std::os::unix::fs::symlink("../y.csv", a.join("y-link.csv")).unwrap();
        std::os::unix::fs::symlink("loop2", a.join("loop1")).unwrap();
        std::os::unix::fs::symlink("loop1", a.join("loop2")).unwrap();
        assert_eq!(files_below(&a), vec![a.join("b/x.csv"), a.join("y-link.csv")]);
    }
}
