//! Where house styles come from: folders searched in order (a network's own
//! `maler/`, then `templates/`), each holding one folder per style with its
//! `stil.toml`, templates (`*.md.j2`) and pictures.

use std::path::PathBuf;

/// The folders house styles are looked up in, nearest first.
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

    /// The file `<style>/<file>` in the first root that has it.
    pub fn find(&self, name: &str) -> Option<PathBuf> {
        if !Self::safe(name) {
            return None;
        }
        self.roots.iter().map(|d| d.join(name)).find(|p| p.is_file())
    }

    /// The folder of a style: the first root holding `<style>/stil.toml`.
    pub fn style_dir(&self, style: &str) -> Option<PathBuf> {
        if !Self::safe(style) {
            return None;
        }
        self.roots.iter().map(|r| r.join(style)).find(|d| d.join("stil.toml").is_file())
    }

    /// The names of the files directly in a style's folders (every root), sorted, unique.
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
        out.sort();
        out.dedup();
        out
    }

    /// The folder shown in messages where a style is missing.
    pub fn shown(&self) -> PathBuf {
        self.roots.last().cloned().unwrap_or_default()
    }
}
