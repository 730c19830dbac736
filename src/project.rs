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

/// Paths as the manifest shows them: relative to the project folder (the
/// data folder's parent) where they are inside it, so a project can move.
pub struct Paths {
    root: PathBuf,
}

impl Paths {
    pub fn new(project: &Project) -> Paths {
        Paths { root: project.data.parent().unwrap_or(&project.data).to_path_buf() }
    }

    /// A path as the manifest shows it.
    pub fn show(&self, path: &Path) -> String {
        path.strip_prefix(&self.root).unwrap_or(path).display().to_string()
    }

    /// A path the manifest shows, found again.
    pub fn find(&self, shown: &str) -> PathBuf {
        self.root.join(shown)
    }
}

/// Why [`Project::default_year`] chose its year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearChoice {
    /// The year being planned.
    Planning,
    /// The latest year before the one being planned (which the network lacks).
    LatestBefore(i32),
    /// The network's first year (all its years lie after the one being planned).
    First,
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

    /// The network a command is about: the one named, or the project's only one.
    pub fn the_network(&self, given: Option<&str>) -> Result<String> {
        if let Some(n) = given {
            return Ok(n.to_string());
        }
        let all = load::networks(&self.data)?;
        match all.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(Error::msg(format!("prosjektet har ingen nettverk ennå ({})", self.data.display()))
                .with_hint("lag ett med «arsplan ny nettverk», eller på nettsiden (arsplan nettside)")),
            many => Err(Error::msg("prosjektet har flere nettverk; si hvilket med --nettverk")
                .with_hint(format!("nettverkene er: {}", many.join(", ")))),
        }
    }

    /// The year a command is about when none is named: the year being
    /// planned (from 1 October the next year) if the network has it, else the
    /// latest before it, else its first; with why.
    pub fn default_year(&self, network: &str) -> Result<(i32, YearChoice)> {
        let years = load::years(&self.data, network)?;
        let planning = crate::dates::planning_year();
        if years.contains(&planning) {
            return Ok((planning, YearChoice::Planning));
        }
        if let Some(y) = years.iter().rev().find(|y| **y < planning) {
            return Ok((*y, YearChoice::LatestBefore(planning)));
        }
        match years.first() {
            Some(y) => Ok((*y, YearChoice::First)),
            None => Err(Error::msg(format!("nettverket «{network}» har ingen planer"))
                .with_hint(format!("lag et år med «arsplan ny år --nettverk {network}»"))),
        }
    }

    /// Paths as the manifest and the page show them.
    pub fn paths(&self) -> Paths {
        Paths::new(self)
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
