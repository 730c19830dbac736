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
pub mod draw;
pub mod edit;
pub mod fonts;
pub mod guide;
pub mod history;
pub mod import;
pub mod load;
pub mod mailing;
pub mod manifest;
pub mod model;
pub mod own_style;
pub mod project;
pub mod publish;
pub mod render;
pub mod report;
pub mod revise;
pub mod scaffold;
pub mod send;
pub mod settings;
pub mod templates;
pub mod theme;
pub mod vocabulary;
pub mod watch;
pub mod web;
pub mod wordmal;
pub mod workbook;
pub mod xml;

use std::path::PathBuf;

use diag::{Error, Result};

pub use build::{BuildOptions, Built, Made, Prepared};
pub use mailing::{MailOptions, Mailing};
pub use project::{Project, Selection, DEFAULT_FORMATS};
pub use render::Format;

/// The façade: each stage's entry point on a project.
impl Project {
    /// Loads and checks one network's year, with its house style, images and strategy.
    pub fn prepare(&self, network: &str, year: i32) -> Result<Prepared> {
        build::prepare(self, network, year)
    }

    /// The documents of a prepared year: the plan, and the report if the year has one.
    pub fn documents(&self, p: &Prepared) -> Result<Vec<Made>> {
        build::documents(p)
    }

    /// Makes every document of a prepared year in memory, in the named formats.
    pub fn render(&self, p: &Prepared, formats: &[Format]) -> Result<Vec<publish::Artifact>> {
        build::render(p, &build::documents(p)?, formats, &build::year_dir(self, &p.year))
    }

    /// Checks a selection without writing anything; returns the warnings and,
    /// for plans that follow a strategy, which innsatsområder they serve.
    pub fn check(&self, sel: &Selection) -> Result<(Vec<diag::Diagnostic>, Vec<build::StrategyCoverage>)> {
        build::check(self, sel)
    }

    /// Builds a selection (see [`build::build`]).
    pub fn build(&self, sel: &Selection, opts: &BuildOptions) -> Result<Built> {
        build::build(self, sel, opts)
    }

    /// The networks of the project (folders of `data/` with a `nettverk.toml`).
    pub fn networks(&self) -> Result<Vec<String>> {
        load::networks(&self.data)
    }

    /// The plan years of a network (folders with a `plan.toml`).
    pub fn years(&self, network: &str) -> Result<Vec<i32>> {
        load::years(&self.data, network)
    }

    /// A network's profile: its `nettverk.toml`, read as a build reads it.
    /// The one way its name, sender and groups are read.
    pub fn profile(&self, network: &str) -> Result<model::Profile> {
        load::read_toml(&self.data.join(network).join("nettverk.toml"))
    }

    /// A network's name as its documents give it (`navn`); its folder's
    /// name when its `nettverk.toml` cannot be read.
    pub fn network_name(&self, network: &str) -> String {
        self.profile(network).map(|p| p.name).unwrap_or_else(|_| network.to_string())
    }

    /// A year's `plan.toml` as read before anything else of the year.
    pub fn plan_meta(&self, network: &str, year: i32) -> Result<model::PlanMeta> {
        load::read_toml(&self.data.join(network).join(year.to_string()).join("plan.toml"))
    }

    /// A year's meetings table (`moter.csv`, or the sheet «Møter» of
    /// `moter.xlsx`), as read from its file; None when the year has none.
    pub fn meetings_table(&self, network: &str, year: i32) -> Result<Option<model::Table>> {
        load::table::find(&self.data.join(network).join(year.to_string()), "moter", "Møter")
    }

    /// The change note a reader would get now (see [`build::change_note`]):
    /// the meetings changed since the build `last` records, said as the
    /// build's note says them; None when nothing changed.
    pub fn change_note(&self, p: &Prepared, last: &manifest::Manifest) -> Result<Option<String>> {
        build::change_note(self, p, last, &last.outputs, &[])
    }

    /// Municipality names by kommunenummer, from `data/kommuner.csv` (if present).
    pub fn kommuner(&self) -> Result<std::collections::BTreeMap<String, String>> {
        load::kommuner(&self.data)
    }

    /// The year's prize list (who attended every meeting they were invited to),
    /// with the house style's words for its members.
    pub fn prize_list(&self, network: &str, year: i32) -> Result<(Vec<String>, vocabulary::Words)> {
        let p = self.prepare(network, year)?;
        let data = p.year.report.as_ref().ok_or_else(|| {
            Error::msg(format!("{network} {year} har ingen årsrapport"))
                .with_hint(format!("trekningen bruker deltakelsen i årsrapporten: legg rapport.toml og deltakelse.csv i data/{network}/{year}/ og ressurspersoner.csv i data/{network}/"))
        })?;
        Ok((report::figures(&p.year, data, &p.kommuner, &p.theme.texts).prize_list, p.theme.words.clone()))
    }

    /// Draws the year's prize and records it (see [`draw::draw`]).
    pub fn draw(&self, network: &str, year: i32, seed: Option<u64>, new: bool) -> Result<draw::Outcome> {
        draw::draw(self, network, year, seed, new)
    }

    /// Reads last year's Word document and writes a new year (and, in a new
    /// network, the network) from it (see [`import::import`]).
    pub fn import(&self, docx: &[u8], source: &str, opts: &import::Options) -> Result<import::Imported> {
        import::import(self, docx, source, opts)
    }

    /// A house style as a Word template to edit (see [`own_style::export`]).
    pub fn word_template(&self, style: &str, network: Option<&str>) -> Result<own_style::Exported> {
        own_style::export(self, style, network)
    }

    /// Takes a trust's Word template into use for a network (see [`own_style::adopt`]).
    pub fn use_word_template(&self, file: &std::path::Path, network: &str) -> Result<own_style::Adopted> {
        own_style::adopt(self, file, network)
    }

    /// Prepares the mailing of a year's documents (see [`mailing::prepare`]).
    pub fn mailing(&self, network: &str, year: i32, opts: &MailOptions) -> Result<Mailing> {
        mailing::prepare(self, network, year, opts)
    }

    /// Sends a prepared mailing over SMTP, recording each message in the
    /// year's send ledger: the one way a mailing is sent, from the command
    /// line and the page alike (see [`mailing::send`]).
    pub fn send(
        &self,
        m: &Mailing,
        smtp: &send::Smtp,
        progress: &indicatif::ProgressBar,
    ) -> Result<send::Done> {
        mailing::send(self, m, smtp, progress)
    }

    /// The house styles a network can use: its own (`maler/`), the
    /// project's and the built-in ones.
    pub fn styles(&self, network: Option<&str>) -> Vec<String> {
        let mut roots: Vec<PathBuf> = network.map(|n| self.data.join(n).join("maler")).into_iter().collect();
        roots.push(self.templates.clone());
        templates::Sources::new(roots).styles()
    }

    /// A network's settings (its `nettverk.toml`), by field (see [`settings::NETWORK_FIELDS`]).
    pub fn network_settings(&self, network: &str) -> Result<settings::Values> {
        settings::read(&self.data.join(network).join("nettverk.toml"), settings::NETWORK_FIELDS)
    }

    /// Saves a network's settings in its `nettverk.toml`, changing only the
    /// fields given (every comment and other key stays). Changed groups also
    /// go into the drop-down list of each year's moter.xlsx.
    pub fn save_network_settings(&self, network: &str, values: &settings::Values) -> Result<Saved> {
        let path = self.data.join(network).join("nettverk.toml");
        let cx = settings::Context { path: &path, styles: self.styles(Some(network)) };
        let mut saved = Saved::default();
        if settings::save_network(&path, values, &cx)? {
            saved.changed.push(path);
        }
        if let Some(groups) = values.get("grupper") {
            for y in load::years(&self.data, network)? {
                let dir = self.data.join(network).join(y.to_string());
                let book = dir.join("moter.xlsx");
                if !book.is_file() {
                    continue;
                }
                if dir.join("~$moter.xlsx").exists() || dir.join(".~lock.moter.xlsx#").exists() {
                    saved.warnings.push(
                        diag::Diagnostic::warning(
                            Some(diag::Location::file(&book)),
                            "arbeidsboken er åpen, så nedtrekkslisten for Gruppe er ikke oppdatert",
                        )
                        .hint("lukk arbeidsboken og lagre innstillingene på nytt"),
                    );
                    continue;
                }
                if workbook::refresh_list(&book, "Grupper", &groups.lines())? {
                    saved.changed.push(book);
                }
            }
        }
        Ok(saved)
    }

    /// A year's settings (its `plan.toml`), by field (see [`settings::YEAR_FIELDS`]).
    pub fn year_settings(&self, network: &str, year: i32) -> Result<settings::Values> {
        let path = self.data.join(network).join(year.to_string()).join("plan.toml");
        settings::read(&path, settings::YEAR_FIELDS)
    }

    /// Saves a year's settings in its `plan.toml`, changing only the fields given.
    pub fn save_year_settings(&self, network: &str, year: i32, values: &settings::Values) -> Result<Saved> {
        let path = self.data.join(network).join(year.to_string()).join("plan.toml");
        let cx = settings::Context { path: &path, styles: self.styles(Some(network)) };
        let changed = settings::save_year(&path, values, &cx)?;
        Ok(Saved { changed: if changed { vec![path] } else { vec![] }, warnings: vec![] })
    }

    /// Makes a new network (see [`scaffold::network_with`]).
    pub fn new_network(&self, n: &scaffold::NewNetwork) -> Result<scaffold::Made> {
        scaffold::network_with(self, n)
    }

    /// Makes a network's next year from the latest one before it (see [`scaffold::year`]).
    pub fn new_year(&self, network: &str, year: i32) -> Result<scaffold::Made> {
        scaffold::year(self, network, year)
    }
}

/// What saving settings changed, and what it could not.
#[derive(Debug, Default)]
pub struct Saved {
    /// The files written.
    pub changed: Vec<PathBuf>,
    pub warnings: Vec<diag::Diagnostic>,
}
