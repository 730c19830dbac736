//! arsplan: a palliative-care network's spreadsheet data into its official
//! documents (årsplan, and later årsrapport) in DOCX and PDF.
//!
//! The pipeline runs in one direction: [`load`] → [`check`] → [`compose`] →
//! [`render`] → [`publish`]. The command line (`src/main.rs`, [`cli`]) is a thin
//! layer over [`Project`].

pub mod calendar;
pub mod check;
pub mod cli;
pub mod compose;
pub mod dates;
pub mod diag;
pub mod doc;
pub mod load;
pub mod manifest;
pub mod model;
pub mod publish;
pub mod render;
pub mod report;
pub mod send;
pub mod theme;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use compose::TemplateDirs;
use diag::{Diagnostic, Error, Result, Sink};
use manifest::{Change, Manifest};
use model::{Coverage, PlanYear, Strategy};
use publish::{Artifact, Written};
use render::Assets;
use theme::Theme;

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

/// One network's year, loaded, checked and ready to compose.
pub struct Prepared {
    pub year: PlanYear,
    pub theme: Arc<Theme>,
    pub dirs: TemplateDirs,
    pub assets: Assets,
    pub warnings: Vec<Diagnostic>,
    /// The strategy the network follows, if its profile names one.
    pub strategy: Option<Strategy>,
}

/// What `check` tells about one plan beside its diagnostics.
#[derive(Debug, Clone)]
pub struct Report {
    pub network: String,
    pub period: String,
    pub strategy: Strategy,
    pub coverage: Coverage,
}

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
        let py = load::load_year(&self.data, network, year)?;
        let roots = vec![py.data_dir.join("maler"), self.templates.clone()];
        let theme = Arc::new(Theme::load(&roots, &py.profile.stil).map_err(|mut e| {
            for d in &mut e.0 {
                if d.hint.is_none() {
                    d.hint = Some(format!(
                        "stilen velges med «stil» i {}",
                        py.data_dir.join("nettverk.toml").display()
                    ));
                }
            }
            e
        })?);
        let strategy = match &py.profile.strategi {
            Some(name) => Some(self.strategy(name, &py)?),
            None => None,
        };
        let mut sink = Sink::default();
        for d in check::check(&py) {
            sink.push(d);
        }
        if let Some(s) = &strategy {
            for d in check::strategy_refs(&py, s) {
                sink.push(d);
            }
        }
        let warnings = sink.finish()?;
        let dirs = TemplateDirs(roots);
        let mut assets = Assets::default();
        let logo = py.logo.clone().or_else(|| theme.logo.as_ref().and_then(|l| theme.find_file(l)));
        if let Some(path) = logo {
            let bytes = std::fs::read(&path)
                .map_err(|e| Error::at(diag::Location::file(&path), format!("kan ikke lese logoen: {e}")))?;
            if render::image_size(&bytes).is_none() {
                return Err(Error::at(diag::Location::file(&path), "logoen er ikke et PNG-bilde")
                    .with_hint("lagre logoen som PNG"));
            }
            assets.images.insert("logo.png".into(), bytes);
        }
        assets.images.insert("arshjul.svg".into(), render::arshjul::svg(&py, &theme).into_bytes());
        Ok(Prepared { year: py, theme, dirs, assets, warnings, strategy })
    }

    /// Loads the strategy a network follows (`strategi` in its nettverk.toml).
    fn strategy(&self, name: &str, py: &PlanYear) -> Result<Strategy> {
        let at = diag::Location::file(&py.data_dir.join("nettverk.toml"));
        let years = load::years(&self.data, name).map_err(|_| {
            Error::at(at.clone(), format!("strategien «{name}» finnes ikke i {}", self.data.display()))
                .with_hint(
                    "«strategi» må være navnet på en nettverksmappe med en plan der dokument = \"strategi\"",
                )
        })?;
        for y in years {
            let meta: model::PlanMeta =
                load::read_toml(&self.data.join(name).join(y.to_string()).join("plan.toml"))?;
            if meta.dokument == "strategi" {
                return Ok(Strategy::from_plan(&load::load_year(&self.data, name, y)?));
            }
        }
        Err(Error::at(at, format!("«{name}» har ingen plan med dokument = \"strategi\"")))
    }

    /// The documents of one network's year: the plan, and the årsrapport when
    /// the year has a `rapport.toml`; each with its output file stem.
    pub fn documents(&self, p: &Prepared) -> Result<Vec<(String, doc::Document)>> {
        let plan = compose::compose(&p.year, &p.theme, &p.dirs, p.strategy.as_ref())?;
        let mut docs = vec![(p.year.stem(), plan)];
        if p.year.report.is_some() {
            let kommuner = self.kommuner()?;
            let report = compose::compose_report(&p.year, &p.theme, &p.dirs, p.strategy.as_ref(), &kommuner)?;
            docs.push((format!("arsrapport-{}", p.year.year), report));
        }
        Ok(docs)
    }

    /// Municipality names by kommunenummer, from `data/kommuner.csv` (if present).
    pub fn kommuner(&self) -> Result<std::collections::BTreeMap<String, String>> {
        use load::table::Column;
        let path = self.data.join("kommuner.csv");
        if !path.is_file() {
            return Ok(Default::default());
        }
        let t = load::table::read_csv(&path)?.bind(&[
            Column { name: "kommunenummer", required: true },
            Column { name: "kommune", required: true },
            Column { name: "helseforetak", required: false },
            Column { name: "merknad", required: false },
        ])?;
        Ok(t.rows().map(|r| (r.get("kommunenummer").to_string(), r.get("kommune").to_string())).collect())
    }

    /// The year's prize list (who attended every meeting they were invited to).
    pub fn prize_list(&self, network: &str, year: i32) -> Result<Vec<String>> {
        let p = self.prepare(network, year)?;
        let data = p.year.report.as_ref().ok_or_else(|| {
            Error::msg(format!("{network} {year} har ingen årsrapport"))
                .with_hint(format!("trekningen bruker deltakelsen i årsrapporten: legg rapport.toml og deltakelse.csv i data/{network}/{year}/ og ressurspersoner.csv i data/{network}/"))
        })?;
        let f =
            report::figures(year, &p.year.meetings, &p.year.profile.grupper, data, &[], &Default::default());
        Ok(f.premieliste)
    }

    /// Makes every document of one network's year in memory.
    pub fn render(&self, p: &Prepared, formats: &[&str]) -> Result<Vec<Artifact>> {
        let dir = self.output.join(&p.year.network).join(p.year.year.to_string());
        let mut out = Vec::new();
        for (stem, doc) in self.documents(p)? {
            for f in formats {
                let r = render::by_name(f).ok_or_else(|| {
                    Error::msg(format!("ukjent format «{f}»")).with_hint("bruk docx og/eller pdf")
                })?;
                let bytes = r.render(&doc, &p.theme, &p.assets)?;
                out.push(Artifact { path: dir.join(format!("{stem}.{}", r.extension())), bytes });
            }
        }
        Ok(out)
    }

    /// Checks a selection without writing anything; returns the warnings and,
    /// for plans that follow a strategy, which innsatsområder they serve.
    pub fn check(&self, sel: &Selection) -> Result<(Vec<Diagnostic>, Vec<Report>)> {
        let mut sink = Sink::default();
        let mut reports = Vec::new();
        for (n, y) in self.targets(sel)? {
            // Render too (in memory): whatever would stop a build stops the check.
            match self.prepare(&n, y).and_then(|p| {
                self.render(&p, &DEFAULT_FORMATS)?;
                Ok(p)
            }) {
                Ok(p) => {
                    if let Some(s) = &p.strategy {
                        reports.push(Report {
                            network: n.clone(),
                            period: p.year.period(),
                            strategy: s.clone(),
                            coverage: Coverage::compute(&p.year, s),
                        });
                    }
                    p.warnings.into_iter().for_each(|d| sink.push(d));
                }
                Err(e) => sink.extend(e),
            }
        }
        Ok((sink.finish()?, reports))
    }

    /// Every file a prepared year depends on: its data, the strategy it follows,
    /// the reference data, and its house style's folders.
    pub fn inputs(&self, p: &Prepared) -> Vec<PathBuf> {
        let mut v = load::inputs(&p.year);
        if let Some(s) = &p.strategy {
            let dir = self.data.join(&s.network);
            v.push(dir.join("nettverk.toml"));
            v.extend(load::files_below(&dir).into_iter().filter(|f| f.starts_with(dir.join(""))));
        }
        let kommuner = self.data.join("kommuner.csv");
        if p.year.report.is_some() && kommuner.is_file() {
            v.push(kommuner);
        }
        for d in &p.theme.dirs {
            v.extend(load::files_below(d));
        }
        v.sort();
        v.dedup();
        v
    }

    /// Everything one network's year publishes, in memory: documents, calendars,
    /// the manifest, and (with `note`) a note on what changed since the last build.
    pub fn outputs(
        &self,
        p: &Prepared,
        formats: &[&str],
        note: bool,
    ) -> Result<(Vec<Artifact>, Vec<Change>)> {
        let dir = self.output.join(&p.year.network).join(p.year.year.to_string());
        let old = manifest::read(&dir);
        let events = manifest::events(&p.year, old.as_ref());
        let sequence = events.iter().map(|(id, e)| (id.clone(), e.sekvens)).collect();
        let mut artifacts = self.render(p, formats)?;
        for (name, bytes) in calendar::calendars(&p.year, &sequence) {
            artifacts.push(Artifact { path: dir.join(name), bytes });
        }
        if !p.year.meetings.is_empty() {
            let svg = p.assets.images.get("arshjul.svg").cloned().unwrap_or_default();
            artifacts.push(Artifact { path: dir.join(format!("arshjul-{}.svg", p.year.year)), bytes: svg });
        }
        let mut utdata = old.as_ref().map(|o| o.utdata.clone()).unwrap_or_default();
        for a in &artifacts {
            let name = a.path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
            utdata.insert(name, manifest::sha256(&a.bytes));
        }
        let root = self.data.parent().unwrap_or(&self.data);
        let inndata = self
            .inputs(p)
            .iter()
            .filter_map(|f| {
                let bytes = std::fs::read(f).ok()?;
                let shown = f.strip_prefix(root).unwrap_or(f).display().to_string();
                Some((shown, manifest::sha256(&bytes)))
            })
            .collect();
        let new = Manifest {
            nettverk: p.year.network.clone(),
            ar: p.year.year,
            inndata,
            utdata,
            hendelser: events,
        };
        let changes = old.as_ref().map(|o| manifest::changes(o, &new)).unwrap_or_default();
        if note && !changes.is_empty() {
            artifacts.push(Artifact {
                path: dir.join(format!("endringsnotat-{}.txt", p.year.year)),
                bytes: manifest::note(&p.year.profile.navn, p.year.year, &changes).into_bytes(),
            });
        }
        let json = serde_json::to_vec_pretty(&new).map_err(|e| Error::msg(format!("manifest: {e}")))?;
        artifacts.push(Artifact { path: dir.join(manifest::FILE), bytes: json });
        Ok((artifacts, changes))
    }

    /// Builds a selection: everything is made in memory first, and files are
    /// written only when every document succeeded. A lock in the output folder
    /// keeps two builds from interleaving their writes.
    pub fn build(&self, sel: &Selection, formats: &[&str]) -> Result<Built> {
        self.build_with(sel, formats, false)
    }

    /// [`Project::build`], optionally writing `endringsnotat-<year>.txt` where something changed.
    pub fn build_with(&self, sel: &Selection, formats: &[&str], note: bool) -> Result<Built> {
        let targets = self.targets(sel)?;
        let _lock = publish::lock(&self.output)?;
        let mut sink = Sink::default();
        let mut artifacts = Vec::new();
        let mut changes = Vec::new();
        for (n, y) in targets {
            match self.prepare(&n, y).and_then(|p| {
                let (a, c) = self.outputs(&p, formats, note)?;
                Ok((a, c, p.warnings))
            }) {
                Ok((a, c, w)) => {
                    artifacts.extend(a);
                    changes.extend(c);
                    w.into_iter().for_each(|d| sink.push(d));
                }
                Err(e) => sink.extend(e),
            }
        }
        let warnings = sink.finish()?;
        Ok(Built { written: publish::publish(&artifacts)?, warnings, changes })
    }
}

/// Everything a mailing to the postmottak of a network's municipalities needs.
pub struct Mailing {
    pub network: String,
    pub year: i32,
    pub dir: PathBuf,
    /// sha256 over the attached documents.
    pub version: String,
    pub outgoing: Vec<send::Outgoing>,
    /// Letters, messages and the summary, to be written under `dir`.
    pub files: Vec<Artifact>,
    pub events: std::collections::BTreeMap<String, manifest::Event>,
}

/// Options of a mailing.
#[derive(Debug, Clone, Default)]
pub struct MailOptions {
    pub include_unverified: bool,
    /// The letters' date; default the plan's date.
    pub date: Option<chrono::NaiveDate>,
    /// `Navn <adresse>`; default `avsender` in nettverk.toml.
    pub from: Option<String>,
}

impl Project {
    /// Prepares the mailing of a year's plan (and the report of the year before, or
    /// of the same year) to every municipality in the recipient register.
    pub fn mailing(&self, network: &str, year: i32, opts: &MailOptions) -> Result<Mailing> {
        let p = self.prepare(network, year)?;
        let dir = send::dir(&self.output, network, year);
        let pdf = render::pdf::Pdf;
        let mut documents: Vec<(String, Vec<u8>)> = Vec::new();
        let mut titles: Vec<String> = Vec::new();
        let plan = compose::compose(&p.year, &p.theme, &p.dirs, p.strategy.as_ref())?;
        titles.push(plan.meta.title.clone());
        documents.push((
            format!("{}.pdf", p.year.stem()),
            render::Renderer::render(&pdf, &plan, &p.theme, &p.assets)?,
        ));
        // The report of the year before (or of this year): a year that has a
        // rapport.toml must load, or the mailing stops with its errors.
        let mut report_year = None;
        for y in [year - 1, year] {
            if self.data.join(network).join(y.to_string()).join("rapport.toml").is_file() {
                report_year = Some(self.prepare(network, y)?);
                break;
            }
        }
        if let Some(q) = &report_year {
            let kommuner = self.kommuner()?;
            let report = compose::compose_report(&q.year, &q.theme, &q.dirs, q.strategy.as_ref(), &kommuner)?;
            titles.push(report.meta.title.clone());
            documents.push((
                format!("arsrapport-{}.pdf", q.year.year),
                render::Renderer::render(&pdf, &report, &q.theme, &q.assets)?,
            ));
        }
        let mut hasher_input = Vec::new();
        for (name, bytes) in &documents {
            hasher_input.extend_from_slice(name.as_bytes());
            hasher_input.extend_from_slice(&manifest::sha256(bytes).into_bytes());
        }
        let version = manifest::sha256(&hasher_input);
        let ledger = send::Ledger::read(&dir.join("sendelogg.json"))?;
        let events = manifest::events(&p.year, None);
        let recipients = send::recipients(&p.year.data_dir)?;
        let from_text = opts.from.clone().or(p.year.profile.avsender.clone()).ok_or_else(|| {
            Error::msg("avsenderen mangler")
                .with_hint("skriv avsender = \"Navn <adresse>\" i nettverk.toml, eller bruk --fra")
        })?;
        let from: lettre::message::Mailbox = from_text.parse().map_err(|_| {
            Error::msg(format!("«{from_text}» er ikke en gyldig avsender"))
                .with_hint("skriv for eksempel Driftsgruppen <nettverk@helse-stavanger.no>")
        })?;
        let date = opts.date.unwrap_or(p.year.date);
        let doc_names: Vec<String> = documents.iter().map(|(n, _)| n.clone()).collect();
        let report_part =
            report_year.as_ref().map(|q| format!(" og årsrapport {}", q.year.year)).unwrap_or_default();
        let base_subject = format!(
            "{} {year}{report_part} fra {}",
            document_name(&p.year.meta.dokument),
            p.year.profile.navn
        );
        let mut outgoing = Vec::new();
        let mut files = Vec::new();
        let mut summary = String::from("Kommunenummer;Kommune;Postmottak;Verifisert;Vedlegg;Status\n");
        for r in recipients {
            let last = ledger.last(&r.kommunenummer);
            let action = if !r.verified && !opts.include_unverified {
                send::Action::Unverified
            } else {
                match last {
                    Some(s) if s.versjon == version => send::Action::AlreadySent,
                    Some(_) => send::Action::Correction,
                    None => send::Action::Send,
                }
            };
            let changes: Vec<String> = match (action, last.and_then(|s| ledger.versjoner.get(&s.versjon))) {
                (send::Action::Correction, Some(old)) => {
                    let a = Manifest { hendelser: old.clone(), ..Default::default() };
                    let b = Manifest { hendelser: events.clone(), ..Default::default() };
                    manifest::changes(&a, &b).into_iter().map(|c| c.text).collect()
                }
                _ => Vec::new(),
            };
            let corrected = action == send::Action::Correction;
            let subject =
                if corrected { format!("Rettet versjon: {base_subject}") } else { base_subject.clone() };
            let stem = send::file_stem(&r);
            let letter_name = format!("folgebrev-{stem}.pdf");
            let mut vedlegg = vec![format!("Følgebrev ({letter_name})")];
            vedlegg.extend(titles.iter().zip(&doc_names).map(|(t, n)| format!("{t} ({n})")));
            let brev = minijinja::context! {
                mottaker => minijinja::context! {
                    kommune => r.kommune.clone(),
                    kommunenummer => r.kommunenummer.clone(),
                    postmottak => r.address.to_string(),
                    kontakt => r.contact.clone(),
                },
                dato => date.format("%Y-%m-%d").to_string(),
                referanse => format!("{network}/{year}/{}", r.kommunenummer),
                emne => subject.clone(),
                vedlegg => vedlegg,
                rettet => corrected,
                endringer => changes,
            };
            let letter = compose::compose_extra(
                &p.year,
                &p.theme,
                &p.dirs,
                p.strategy.as_ref(),
                "folgebrev.md.j2",
                ("brev", brev),
                subject.clone(),
            )?;
            let letter_pdf = render::Renderer::render(&pdf, &letter, &p.theme, &p.assets)?;
            let letter_docx = render::Renderer::render(&render::docx::Docx, &letter, &p.theme, &p.assets)?;
            let body = letter
                .blocks
                .iter()
                .map(doc::Block::plain)
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join("\n\n");
            let (message, message_id) = send::message(
                &r,
                &send::Compose {
                    from: from.clone(),
                    subject: subject.clone(),
                    body,
                    letter_pdf: (letter_name.clone(), letter_pdf.clone()),
                    documents: &documents,
                    date,
                    version: &version,
                },
            )?;
            summary.push_str(&format!(
                "{};{};{};{};{};{}\n",
                r.kommunenummer,
                r.kommune,
                r.address,
                if r.verified { "ja" } else { "nei" },
                std::iter::once(letter_name.clone())
                    .chain(doc_names.iter().cloned())
                    .collect::<Vec<_>>()
                    .join(" + "),
                action.label()
            ));
            files.push(Artifact { path: dir.join(&letter_name), bytes: letter_pdf.clone() });
            files.push(Artifact {
                path: dir.join(format!("folgebrev-{stem}.docx")),
                bytes: letter_docx.clone(),
            });
            files.push(Artifact { path: dir.join(format!("{stem}.eml")), bytes: message.formatted() });
            outgoing.push(send::Outgoing {
                recipient: r,
                action,
                message_id,
                subject,
                attachments: std::iter::once(letter_name).chain(doc_names.iter().cloned()).collect(),
                message,
            });
        }
        // With a BOM, so Norwegian Excel reads æøå right.
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(summary.into_bytes());
        files.push(Artifact { path: dir.join("oversikt.csv"), bytes });
        Ok(Mailing { network: network.to_string(), year, dir, version, outgoing, files, events })
    }

    /// Writes a mailing's letters, messages and summary (the dry run).
    pub fn write_mailing(&self, m: &Mailing) -> Result<Vec<Written>> {
        let _lock = publish::lock(&self.output)?;
        publish::publish(&m.files)
    }

    /// Sends a mailing over SMTP, recording every message in the ledger.
    pub fn send_mailing(
        &self,
        m: &Mailing,
        smtp: &send::Smtp,
        progress: &indicatif::ProgressBar,
    ) -> Result<usize> {
        let _lock = publish::lock(&self.output)?;
        let path = m.dir.join("sendelogg.json");
        let mut ledger = send::Ledger::read(&path)?;
        ledger.versjoner.entry(m.version.clone()).or_insert_with(|| m.events.clone());
        ledger.write(&path)?;
        send::send_all(&m.outgoing, &m.version, smtp, &path, progress)
    }
}

/// A document kind as a word in a sentence: `arsplan` → `Årsplan`.
fn document_name(kind: &str) -> String {
    let s = match kind {
        "arsplan" => "årsplan",
        "arsrapport" => "årsrapport",
        other => other,
    };
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The folders and files a network's year is built from, for `watch`: its data
/// folder, the strategy's, the reference data and its house style's folders.
pub fn watched_roots(project: &Project, p: &Prepared) -> Vec<PathBuf> {
    let d = &p.year.data_dir;
    let mut v = vec![p.year.year_dir.clone(), d.join("maler"), project.data.join("kommuner.csv")];
    // The network folder's own files, not its other years.
    if let Ok(entries) = std::fs::read_dir(d) {
        let mut files: Vec<PathBuf> =
            entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|f| f.is_file()).collect();
        files.sort();
        v.extend(files);
    }
    if let Some(s) = &p.strategy {
        v.push(project.data.join(&s.network));
    }
    v.extend(p.theme.dirs.iter().cloned());
    v
}

/// A fingerprint (modification time and size) of every file below some roots.
pub fn fingerprint(roots: &[PathBuf]) -> std::collections::BTreeMap<PathBuf, (std::time::SystemTime, u64)> {
    let mut out = std::collections::BTreeMap::new();
    for r in roots {
        let files = if r.is_file() { vec![r.clone()] } else { load::files_below(r) };
        for f in files {
            if let Ok(m) = std::fs::metadata(&f) {
                out.insert(f, (m.modified().unwrap_or(std::time::UNIX_EPOCH), m.len()));
            }
        }
    }
    out
}

/// What a build wrote and found.
#[derive(Debug, Clone)]
pub struct Built {
    pub written: Vec<Written>,
    pub warnings: Vec<Diagnostic>,
    /// What changed since the previous build, in Norwegian.
    pub changes: Vec<Change>,
}
