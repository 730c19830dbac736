//! Stage 5, publish: write finished documents under `output/<network>/<year>/`,
//! atomically (temporary file in the same folder, then rename), and only
//! after every document of the build was made, so a failed build changes nothing.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diag::{Error, Location, Result};

/// A file-name-safe slug: `Dalane og sør Jæren + SUS` → `dalane-og-sor-jaeren-sus`.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        let rep = match c {
            'æ' => "ae",
            'ø' => "o",
            'å' => "a",
            'é' | 'è' => "e",
            'ü' => "u",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "-",
        };
        out.push_str(rep);
    }
    out.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-")
}

/// A finished file waiting to be written.
#[derive(Debug, Clone)]
pub struct Artifact {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// What publishing did with one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    pub size: usize,
    /// False when the file already held these bytes (left untouched).
    pub changed: bool,
}

/// Writes `bytes` to `path` via a temporary file and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let fail = |e: std::io::Error| Error::at(Location::file(path), format!("kan ikke skrive filen: {e}"));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut tmp = tempfile::Builder::new().prefix(".arsplan-").tempfile_in(dir).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Writes every artifact; an unchanged file is not touched.
pub fn publish(artifacts: &[Artifact]) -> Result<Vec<Written>> {
    let mut out = Vec::new();
    for a in artifacts {
        let same = std::fs::read(&a.path).map(|old| old == a.bytes).unwrap_or(false);
        if !same {
            write_atomic(&a.path, &a.bytes)?;
        }
        out.push(Written { path: a.path.clone(), size: a.bytes.len(), changed: !same });
    }
    Ok(out)
}

/// Holds the output folder's lock while alive.
pub struct Lock {
    _file: std::fs::File,
}

/// Takes `<output>/.arsplan.lock`, waiting while another build holds it.
pub fn lock(output: &Path) -> Result<Lock> {
    let fail = |e: std::io::Error| {
        Error::at(Location::file(output), format!("kan ikke låse utdatamappen: {e}"))
            .with_hint("sjekk at mappen finnes og kan skrives")
    };
    std::fs::create_dir_all(output).map_err(fail)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(output.join(".arsplan.lock"))
        .map_err(fail)?;
    file.lock().map_err(fail)?;
    Ok(Lock { _file: file })
}
