//! Walking a folder tree for the files a build depends on.

use std::path::{Path, PathBuf};

/// Every file below `dir` (sorted), skipping hidden files and Excel's lock
/// files (`~$…`), for hashing and watching.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            out.extend(files_below(&p));
        } else if !p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.') || n.starts_with('~'))
        {
            out.push(p);
        }
    }
    out
}
