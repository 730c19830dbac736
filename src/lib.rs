//! arsplan: a palliative-care network's spreadsheet data into its official
//! documents (årsplan, årsrapport, strategi, cover letters) in DOCX and PDF.
//!
//! The pipeline runs in one direction: [`load`] → [`check`] → [`compose`] →
//! [`render`] → [`publish`]. [`build`] runs it for a selection of networks and
//! years, [`mailing`] sends the result, [`watch`] rebuilds on every save. The
//! command line (`src/main.rs`, [`cli`]) is a thin layer over [`Project`].

pub mod build;
pub mod calendar;
pub mod check;
pub mod cli;
pub mod compose;
pub mod dates;
pub mod diag;
pub mod doc;
pub mod load;
pub mod mailing;
pub mod manifest;
pub mod model;
pub mod publish;
pub mod render;
pub mod report;
pub mod send;
pub mod templates;
pub mod theme;
pub mod watch;
pub mod xml;

use std::path::{Path, PathBuf};

use diag::{Error, Result};

pub use build::{BuildOptions, Built, Made, Prepared};
pub use mailing::{MailOptions, Mailing};

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

/// The formats made when none are named.
pub const DEFAULT_FORMATS: [&str; 2] = ["docx", "pdf"];

impl Project {
    /// The usual layout under one folder: `data/`, `templates/`, `output/`.
    pub fn at(root: &Path) -> Self {
        Project { data: root.join("data"), templates: root.join("templates"), output: root.join("output") }
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

    /// Loads and checks one network's year, with its house style, images and strategy.
    pub fn prepare(&self, network: &str, year: i32) -> Result<Prepared> {
        build::prepare(self, network, year)
    }

    /// The documents of a prepared year: the plan, and the report if the year has one.
    pub fn documents(&self, p: &Prepared) -> Result<Vec<Made>> {
        build::documents(p)
    }

    /// Makes every document of a prepared year in memory, in the named formats.
    pub fn render(&self, p: &Prepared, formats: &[&str]) -> Result<Vec<publish::Artifact>> {
        build::render(p, &build::documents(p)?, formats, &build::year_dir(self, &p.year))
    }

    /// Checks a selection without writing anything; returns the warnings and,
    /// for plans that follow a strategy, which innsatsområder they serve.
    pub fn check(&self, sel: &Selection) -> Result<(Vec<diag::Diagnostic>, Vec<build::Report>)> {
        build::check(self, sel)
    }

    /// Builds a selection (see [`build::build`]).
    pub fn build(&self, sel: &Selection, opts: &BuildOptions) -> Result<Built> {
        build::build(self, sel, opts)
    }

    /// Municipality names by kommunenummer, from `data/kommuner.csv` (if present).
    pub fn kommuner(&self) -> Result<std::collections::BTreeMap<String, String>> {
        load::kommuner(&self.data)
    }

    /// The year's prize list (who attended every meeting they were invited to).
    pub fn prize_list(&self, network: &str, year: i32) -> Result<Vec<String>> {
        let p = self.prepare(network, year)?;
        let data = p.year.report.as_ref().ok_or_else(|| {
            Error::msg(format!("{network} {year} har ingen årsrapport"))
                .with_hint(format!("trekningen bruker deltakelsen i årsrapporten: legg rapport.toml og deltakelse.csv i data/{network}/{year}/ og ressurspersoner.csv i data/{network}/"))
        })?;
        Ok(report::figures(&p.year, data, &p.kommuner, &p.theme.texts).prize_list)
    }

    /// Prepares the mailing of a year's documents (see [`mailing::prepare`]).
    pub fn mailing(&self, network: &str, year: i32, opts: &MailOptions) -> Result<Mailing> {
        mailing::prepare(self, network, year, opts)
    }
}
