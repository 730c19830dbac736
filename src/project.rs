//! A project: the folders a build reads and writes, and which documents a
//! selection names.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Error, Result};
use crate::load;

/// The folders a build reads and writes.
#[derive(Debug, Clone)]
pub struct Project {
    pub data: PathBuf,
    pub templates: PathBuf,
    pub output: PathBuf,
}

/// Which documents to make.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Networks by folder name; empty means every network in `data/`.
    pub networks: Vec<String>,
    /// Plan years; empty means every year a network has.
    pub years: Vec<i32>,
}

/// The file that marks a project folder, with optional settings.
pub const MARKER: &str = "arsplan.toml";

/// The settings of `arsplan.toml`: other folder names than `data/`,
/// `templates/` and `output/`, relative to the project folder.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    #[serde(default)]
    data: Option<PathBuf>,
    #[serde(default)]
    maler: Option<PathBuf>,
    #[serde(default)]
    utdata: Option<PathBuf>,
}

/// The project folder: `start` or the nearest folder above it that holds a
/// `data/` folder or an `arsplan.toml`, as cargo and git find theirs.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find(|d| d.join(MARKER).is_file() || d.join("data").is_dir()).map(Path::to_path_buf)
}

/// The formats made when none are named.
pub const DEFAULT_FORMATS: [crate::render::Format; 2] = crate::render::Format::DEFAULT;

impl Project {
    /// The usual layout under one folder: `data/`, `templates/`, `output/`,
    /// without reading an `arsplan.toml` (for a project being made; an
    /// existing one is opened with [`Project::open`]).
    pub fn default_layout(root: &Path) -> Self {
        Project { data: root.join("data"), templates: root.join("templates"), output: root.join("output") }
    }

    /// The project in `root`, with the folder names its `arsplan.toml` may set.
    pub fn open(root: &Path) -> Result<Self> {
        let marker = root.join(MARKER);
        let settings: Settings =
            if marker.is_file() { load::read_toml(&marker)? } else { Settings::default() };
        let at = |p: Option<PathBuf>, default: &str| root.join(p.unwrap_or_else(|| PathBuf::from(default)));
        Ok(Project {
            data: at(settings.data, "data"),
            templates: at(settings.maler, "templates"),
            output: at(settings.utdata, "output"),
        })
    }

    /// Warnings about folders in `data/` a build passes over (no
    /// `nettverk.toml`, a year without `plan.toml`).
    pub fn skipped(&self) -> Vec<Diagnostic> {
        load::networks(&self.data).map(|n| load::skipped(&self.data, &n)).unwrap_or_default()
    }

    /// The (network, year) pairs a selection names.
    pub fn targets(&self, sel: &Selection) -> Result<Vec<(String, i32)>> {
        let all = load::networks(&self.data)?;
        let networks = if sel.networks.is_empty() {
            all
        } else {
            for n in &sel.networks {
                if !all.contains(n) {
                    return Err(Error::msg(format!(
                        "nettverket «{n}» finnes ikke i {}",
                        self.data.display()
                    ))
                    .with_hint(format!("nettverkene er: {}", all.join(", "))));
                }
            }
            sel.networks.clone()
        };
        let mut out = Vec::new();
        for n in networks {
            let years = load::years(&self.data, &n)?;
            if sel.years.is_empty() {
                out.extend(years.iter().map(|y| (n.clone(), *y)));
            } else {
                for y in &sel.years {
                    if years.contains(y) {
                        out.push((n.clone(), *y));
                    } else if sel.networks.len() == 1 {
                        return Err(Error::msg(format!("nettverket «{n}» har ingen plan for {y}"))
                            .with_hint(format!(
                                "lag mappen data/{n}/{y}/ med plan.toml, plan.csv og moter.csv"
                            )));
                    }
                }
            }
        }
        if out.is_empty() {
            return Err(Error::msg("fant ingen planer å lage").with_hint(
                "hvert nettverk trenger data/<nettverk>/nettverk.toml og en mappe per år med plan.toml",
            ));
        }
        Ok(out)
    }
}
