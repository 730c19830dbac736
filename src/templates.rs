//! Where house styles come from: folders searched in order (a network's own
//! `maler/`, then the project's `templates/` or `--maler`), and last the house
//! styles compiled into the binary, so the program works anywhere on its own.
//! Each holds one folder per style with its `stil.toml`, templates (`*.md.j2`)
//! and pictures; a file on disk overrides the built-in one of the same name.

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

/// The house styles shipped with arsplan (the repository's `templates/`).
pub static BUILT_IN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// How messages name a built-in file: `(innebygd) felles/stil.toml`.
pub fn built_in_path(name: &str) -> PathBuf {
    PathBuf::from(format!("(innebygd) {name}"))
}

/// The places house styles are looked up in, nearest first; the built-in
/// styles come after every folder.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub roots: Vec<PathBuf>,
}

impl Sources {
    pub fn new(roots: Vec<PathBuf>) -> Self {
        Sources { roots }
    }

    /// Whether a relative name stays inside a root (no `..`, no absolute path).
    fn safe(name: &str) -> bool {
        !(name.split(['/', '\\']).any(|p| p == ".." || p.is_empty()) || name.starts_with('/'))
    }

    fn on_disk(&self, name: &str) -> Option<PathBuf> {
        self.roots.iter().map(|d| d.join(name)).find(|p| p.is_file())
    }

    /// Where `<style>/<file>` is: the first folder that has it, else the built-in
    /// copy (shown as `(innebygd) <style>/<file>`).
    pub fn find(&self, name: &str) -> Option<PathBuf> {
        if !Self::safe(name) {
            return None;
        }
        self.on_disk(name).or_else(|| BUILT_IN.get_file(name).map(|_| built_in_path(name)))
    }

    /// The bytes of `<style>/<file>` and where they came from.
    pub fn read(&self, name: &str) -> Option<std::io::Result<(PathBuf, Vec<u8>)>> {
        if !Self::safe(name) {
            return None;
        }
        if let Some(p) = self.on_disk(name) {
            return Some(std::fs::read(&p).map(|b| (p, b)));
        }
        BUILT_IN.get_file(name).map(|f| Ok((built_in_path(name), f.contents().to_vec())))
    }

    /// Whether a style exists: a folder with `<style>/stil.toml`, or a built-in one.
    pub fn has_style(&self, style: &str) -> bool {
        Self::safe(style) && self.find(&format!("{style}/stil.toml")).is_some()
    }

    /// The folder on disk a style is read from (none for a built-in style).
    pub fn style_dir(&self, style: &str) -> Option<PathBuf> {
        if !Self::safe(style) {
            return None;
        }
        self.roots.iter().map(|r| r.join(style)).find(|d| d.join("stil.toml").is_file())
    }

    /// The names of the files in a style's folders (every root and the
    /// built-in copy), sorted, unique.
    pub fn files(&self, style: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .roots
            .iter()
            .filter_map(|r| std::fs::read_dir(r.join(style)).ok())
            .flatten()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_file())
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .collect();
        if let Some(dir) = BUILT_IN.get_dir(style) {
            out.extend(dir.files().filter_map(|f| f.path().file_name()?.to_str().map(str::to_string)));
        }
        out.sort();
        out.dedup();
        out
    }

    /// Every style there is, by name (folders on disk and built in), sorted.
    pub fn styles(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .roots
            .iter()
            .filter_map(|r| std::fs::read_dir(r).ok())
            .flatten()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().join("stil.toml").is_file())
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .collect();
        out.extend(
            BUILT_IN
                .dirs()
                .filter(|d| d.get_file(d.path().join("stil.toml")).is_some())
                .filter_map(|d| d.path().file_name()?.to_str().map(str::to_string)),
        );
        out.sort();
        out.dedup();
        out
    }
}

/// Writes the built-in copy of a folder (`BUILT_IN` or another embedded tree)
/// below `to`, skipping files that already exist; returns the files written.
pub fn write_tree(dir: &Dir<'_>, to: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for f in dir.files() {
        let path = to.join(f.path());
        if path.exists() {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, f.contents())?;
        written.push(path);
    }
    for d in dir.dirs() {
        written.extend(write_tree(d, to)?);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_styles_are_found_and_disk_overrides_them() {
        let s = Sources::new(vec![]);
        assert!(s.has_style("felles") && s.has_style("helse-stavanger"));
        assert_eq!(s.find("felles/stil.toml"), Some(built_in_path("felles/stil.toml")));
        assert!(s.files("felles").contains(&"arsplan.md.j2".to_string()));
        assert!(s.styles().contains(&"ahus".to_string()));
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("felles")).unwrap();
        std::fs::write(dir.path().join("felles/stil.toml"), "navn = \"Min\"").unwrap();
        let s = Sources::new(vec![dir.path().to_path_buf()]);
        let (path, bytes) = s.read("felles/stil.toml").unwrap().unwrap();
        assert_eq!((path, bytes), (dir.path().join("felles/stil.toml"), b"navn = \"Min\"".to_vec()));
        assert!(s.read("../etc/passwd").is_none());
    }
}
