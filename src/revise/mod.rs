//! The endringsversjon: a document with every change since the version a
//! municipality got, as tracked changes in the DOCX (`w:ins`/`w:del`, by the
//! network, dated the day it is made) and marked in the PDF (added text
//! underlined, removed text struck through, a change bar in the margin, and
//! a box on the first page that lists what changed in words, the same list
//! the correction's letter has).
//!
//! The changes come from the two versions' document models ([`diff`]), not
//! from the files: when a year is sent, the models of what was attached are
//! stored beside the ledger (`utsending/modeller/<versjon>.json`), so a later
//! correction, or `arsplan bygg --endringer-siden`, compares with exactly
//! what went out.

pub mod diff;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::build;
use crate::compose::Composer;
use crate::diag::{Error, Location, Result};
use crate::doc::{Block, Document, Inline};
use crate::manifest::Difference;
use crate::project::{Project, Selection};
use crate::publish::{Artifact, Written};
use crate::render::{self, Assets, Format};
use crate::send;
use crate::theme::Theme;

/// The folder beside the ledger that keeps the models of sent versions.
pub const MODELS_DIR: &str = "modeller";

/// The models of the documents of one sent version, by file stem.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Models {
    #[serde(rename = "dokumenter")]
    pub documents: BTreeMap<String, Document>,
}

impl Models {
    /// Where a version's models are kept, in a year's `utsending` folder.
    pub fn path(sending_dir: &Path, version: &str) -> PathBuf {
        sending_dir.join(MODELS_DIR).join(format!("{version}.json"))
    }

    /// The stored form: the same models give the same bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }

    /// Writes the models of a version unless they are there already.
    pub fn store(&self, sending_dir: &Path, version: &str) -> Result<()> {
        let path = Models::path(sending_dir, version);
        if path.is_file() {
            return Ok(());
        }
        crate::publish::write_atomic(&path, &self.to_bytes())
    }

    /// The models of a sent version; `None` when that version was sent
    /// before arsplan kept them.
    pub fn read(sending_dir: &Path, version: &str) -> Result<Option<Models>> {
        let path = Models::path(sending_dir, version);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                Error::at(Location::file(&path), format!("den lagrede versjonen kan ikke leses: {e}"))
                    .with_hint("filen skrives av arsplan når dokumentene sendes; slett den, så lages ingen endringsversjon mot den utsendingen")
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::at(
                Location::file(&path),
                format!("den lagrede versjonen kan ikke leses: {}", crate::diag::io_text(&e)),
            )),
        }
    }
}

/// The file names of a document's endringsversjon.
pub fn file_names(stem: &str) -> (String, String) {
    (format!("{stem}-endringer.docx"), format!("{stem}-endringer.pdf"))
}

/// One document's endringsversjon.
#[derive(Debug, Clone)]
pub struct Revised {
    pub stem: String,
    /// The document's title.
    pub title: String,
    pub docx: Vec<u8>,
    pub pdf: Vec<u8>,
}

impl Revised {
    /// (file name, bytes) of the DOCX and the PDF.
    pub fn files(&self) -> [(String, Vec<u8>); 2] {
        let (docx, pdf) = file_names(&self.stem);
        [(docx, self.docx.clone()), (pdf, self.pdf.clone())]
    }
}

/// The new version of a document with every change since the old one
/// marked, dated `date`; `None` when its text did not change.
pub fn merged(old: &Document, new: &Document, date: NaiveDate) -> Option<Document> {
    let blocks = diff::blocks(&old.blocks, &new.blocks);
    if !diff::has_changes(&blocks) {
        return None;
    }
    let mut meta = new.meta.clone();
    meta.date = date;
    // The network made the changes (the subject is its name).
    meta.revised_by = Some(new.meta.subject.clone());
    meta.title = format!("{} (endringsversjon)", new.meta.title);
    Some(Document { meta, blocks, origins: new.origins.clone() })
}

/// What the box on the PDF's first page says: «Endret siden versjonen sendt
/// 15. januar 2026:», the changes in the words of the letter
/// (`endringer.md.j2`), and how the marks read.
pub fn notice(composer: &Composer, sent: NaiveDate, changes: &[Difference]) -> Result<Vec<Block>> {
    let head = format!("Endret siden versjonen sendt {}:", crate::dates::format(sent, "d. MMMM yyyy"));
    let mut out = vec![Block::Paragraph(vec![Inline::Strong(vec![Inline::Text(head)])])];
    let listed = if changes.is_empty() {
        Vec::new()
    } else {
        let value = minijinja::Value::from(minijinja::value::Serde(changes));
        composer.document("endringer.md.j2", ("endringer", value), "Endringer")?.blocks
    };
    if listed.is_empty() {
        out.push(Block::Paragraph(vec![Inline::Text("Endringene er merket i teksten.".into())]));
    } else {
        out.extend(listed);
    }
    out.push(Block::Paragraph(vec![Inline::Text(
        "I teksten står det som er lagt til, understreket på grønn bunn etter «Lagt til:», og det som er tatt bort, gjennomstreket etter «Slettet:». En strek i margen viser hvor noe er endret."
            .into(),
    )]));
    Ok(out)
}

/// Renders an endringsversjon: the DOCX with tracked changes, and the PDF
/// with the changes marked and the notice box first.
pub fn render(
    merged: &Document,
    notice: Vec<Block>,
    theme: &Theme,
    assets: &Assets,
) -> Result<(Vec<u8>, Vec<u8>)> {
    let docx = render::render(merged, theme, assets, &[Format::Docx])?;
    let mut marked = merged.clone();
    marked.blocks.insert(0, Block::Styled { class: render::pdf::REVISION_BOX.to_string(), blocks: notice });
    let pdf = render::render(&marked, theme, assets, &[Format::Pdf])?;
    match (docx.into_iter().next(), pdf.into_iter().next()) {
        (Some((_, d)), Some((_, p))) => Ok((d, p)),
        _ => Err(Error::msg("endringsversjonen ble ikke laget")),
    }
}

/// Endringsversjoner of the documents that changed since `old`, dated
/// `date`: by stem, in the order of `new`.
pub fn revise_all(
    old: &Models,
    new: &[(String, Document)],
    date: NaiveDate,
    notice_blocks: &[Block],
    theme: &Theme,
    assets: &Assets,
) -> Result<Vec<Revised>> {
    let mut out = Vec::new();
    for (stem, doc) in new {
        let Some(before) = old.documents.get(stem) else { continue };
        let Some(m) = merged(before, doc, date) else { continue };
        let (docx, pdf) = render(&m, notice_blocks.to_vec(), theme, assets)?;
        out.push(Revised { stem: stem.clone(), title: doc.meta.title.clone(), docx, pdf });
    }
    Ok(out)
}

/// Which sending `--endringer-siden` names: `utsending` (the last one), or a
/// date (the last one on or before that day).
fn pick<'l>(ledger: &'l send::Ledger, spec: &str) -> Result<Option<(&'l send::Sent, NaiveDate)>> {
    let day = |s: &send::Sent| send::oslo(UNIX_EPOCH + Duration::from_secs(s.time)).date_naive();
    let spec = spec.trim();
    let limit = match spec.to_lowercase().as_str() {
        "utsending" | "utsendingen" | "siste" => None,
        _ => Some(crate::dates::parse(spec).map_err(|_| {
            Error::msg(format!("«{spec}» er verken en dato eller «utsending»")).with_hint(
                "skriv datoen for utsendingen det skal sammenlignes med (--endringer-siden 15.01.2026), eller --endringer-siden utsending for den siste",
            )
        })?),
    };
    let mut best: Option<&send::Sent> = None;
    for s in &ledger.sent {
        if limit.is_some_and(|d| day(s) > d) {
            continue;
        }
        if best.is_none_or(|b| s.time >= b.time) {
            best = Some(s);
        }
    }
    Ok(best.map(|s| (s, day(s))))
}

/// A year's documents now and as a sending had them: what an endringsversjon compares.
pub struct Since<'p> {
    /// The day the sending went.
    pub sent: NaiveDate,
    pub old: Models,
    /// The documents now, by stem (the plan; the report sent with it).
    pub new: Vec<(String, Document)>,
    /// The meetings that changed since, for the notice.
    pub changes: Vec<Difference>,
    pub prepared: Held<'p>,
}

/// The plan's year, prepared here or by the caller (the year page has it already).
pub enum Held<'p> {
    Own(Box<build::Prepared>),
    Lent(&'p build::Prepared),
}

impl std::ops::Deref for Held<'_> {
    type Target = build::Prepared;

    fn deref(&self) -> &build::Prepared {
        match self {
            Held::Own(p) => p,
            Held::Lent(p) => p,
        }
    }
}

impl Since<'_> {
    /// The documents that changed: (stem, title), without rendering anything.
    pub fn changed(&self) -> Vec<(String, String)> {
        let day = self.sent;
        self.new
            .iter()
            .filter(|(stem, doc)| self.old.documents.get(stem).is_some_and(|o| merged(o, doc, day).is_some()))
            .map(|(stem, doc)| (stem.clone(), doc.meta.title.clone()))
            .collect()
    }

    /// The endringsversjoner, dated `today`.
    pub fn revise(&self, today: NaiveDate) -> Result<Vec<Revised>> {
        let p = &self.prepared;
        let composer = Composer::new(&p.year, &p.theme, p.strategy.as_ref())?;
        let notice = notice(&composer, self.sent, &self.changes)?;
        revise_all(&self.old, &self.new, today, &notice, &p.theme, &p.assets)
    }
}

/// What a year's endringsversjon compares with: the sending `spec` names
/// (`utsending`, or a date). `Ok(None)` when the year was never sent;
/// `Err(text)` inside when it cannot be made, saying why in Norwegian.
/// `prepared` is the year prepared already, if the caller has it.
pub fn since_sending<'p>(
    project: &Project,
    network: &str,
    year: i32,
    spec: &str,
    prepared: Option<&'p build::Prepared>,
) -> Result<Option<std::result::Result<Since<'p>, String>>> {
    let dir = send::dir(&project.output, network, year);
    let ledger = send::Ledger::read(&dir.join("sendelogg.json"))?;
    if ledger.sent.is_empty() {
        return Ok(None);
    }
    let Some((entry, sent)) = pick(&ledger, spec)? else {
        return Ok(Some(Err(format!("{network} {year}: ingen utsending på eller før {spec}"))));
    };
    let when = crate::dates::format(sent, "d. MMMM yyyy");
    let Some(old) = Models::read(&dir, &entry.version)? else {
        return Ok(Some(Err(format!(
            "{network} {year}: utsendingen {when} ble gjort før arsplan tok vare på dokumentene; ingen endringsversjon"
        ))));
    };
    let p = match prepared {
        Some(p) => Held::Lent(p),
        None => Held::Own(Box::new(build::prepare(project, network, year)?)),
    };
    if !p.theme.sending.revision {
        return Ok(Some(Err(format!(
            "{network} {year}: husstilen har endringsversjon = false; ingen endringsversjon"
        ))));
    }
    let mut new: Vec<(String, Document)> =
        build::documents(&p)?.into_iter().map(|m| (m.stem, m.document)).collect();
    // The report of the year before went out with the plan.
    if let Some(r) = crate::mailing::report_year(project, network, year).filter(|r| *r != year) {
        let stem = format!("arsrapport-{r}");
        if old.documents.contains_key(&stem) {
            let rp = build::prepare(project, network, r)?;
            new.extend(
                build::documents(&rp)?.into_iter().filter(|m| m.stem == stem).map(|m| (m.stem, m.document)),
            );
        }
    }
    let events = ledger.versions.get(&entry.version).map(|v| v.events.clone()).unwrap_or_default();
    let changes = crate::manifest::meeting_differences(&events, &crate::manifest::events(&p.year, None));
    Ok(Some(Ok(Since { sent, old, new, changes, prepared: p })))
}

/// `arsplan bygg --endringer-siden <dato|utsending>`: for every year of the
/// selection that has been sent, the endringsversjon of each document that
/// changed since that sending, dated `today`, written beside the documents
/// (`<stem>-endringer.docx` and `.pdf`). Returns what was written, and for
/// each year a line saying what was compared (or why nothing was made).
pub fn since(
    project: &Project,
    sel: &Selection,
    spec: &str,
    today: NaiveDate,
) -> Result<(Vec<Written>, Vec<String>)> {
    let mut artifacts = Vec::new();
    let mut said = Vec::new();
    let mut any_sent = false;
    for (network, year) in project.targets(sel)? {
        let s = match since_sending(project, &network, year, spec, None)? {
            None => continue,
            Some(Err(why)) => {
                any_sent = true;
                said.push(why);
                continue;
            }
            Some(Ok(s)) => s,
        };
        any_sent = true;
        let when = crate::dates::format(s.sent, "d. MMMM yyyy");
        let revised = s.revise(today)?;
        if revised.is_empty() {
            said.push(format!("{network} {year}: ingenting er endret siden utsendingen {when}"));
        }
        let out_dir = project.output.join(&network).join(year.to_string());
        for rv in revised {
            said.push(format!("{network} {year}: {} er endret siden utsendingen {when}", rv.title));
            for (name, bytes) in rv.files() {
                artifacts.push(Artifact::new(out_dir.join(name), bytes));
            }
        }
    }
    if !any_sent {
        return Err(Error::msg("ingen av årene er sendt ennå, så det finnes ingen utsending å sammenligne med")
            .with_hint("endringsversjonen viser hva som er endret siden en utsending; send dokumentene først med «arsplan send»"));
    }
    let _lock = crate::publish::lock(&project.output)?;
    Ok((crate::publish::publish(&artifacts)?, said))
}

/// What the year's web page offers: the day of the last sending and the
/// endringsversjon files of the documents changed since; `None` when there
/// is nothing to offer (never sent, nothing changed, turned off). The page
/// has the year prepared already.
pub fn offered(project: &Project, p: &build::Prepared) -> Option<(NaiveDate, Vec<String>)> {
    let (network, year) = (p.year.network.as_str(), p.year.year);
    let s = since_sending(project, network, year, "utsending", Some(p)).ok()??.ok()?;
    let files: Vec<String> = s
        .changed()
        .into_iter()
        .flat_map(|(stem, _)| {
            let (d, p) = file_names(&stem);
            [d, p]
        })
        .collect();
    (!files.is_empty()).then_some((s.sent, files))
}

/// One endringsversjon file since the last sending, made on request (the web
/// page's download), dated `today`; `None` when there is no such file.
pub fn download(
    project: &Project,
    network: &str,
    year: i32,
    name: &str,
    today: NaiveDate,
) -> Option<Vec<u8>> {
    let mut s = since_sending(project, network, year, "utsending", None).ok()??.ok()?;
    s.new.retain(|(stem, _)| {
        let (d, p) = file_names(stem);
        name == d || name == p
    });
    let rv = s.revise(today).ok()?.into_iter().next()?;
    rv.files().into_iter().find(|(n, _)| n == name).map(|(_, b)| b)
}

/// The command line's `bygg --endringer-siden`: makes the endringsversjoner
/// (dated today) and says what it wrote.
pub fn command(project: &Project, sel: &Selection, spec: &str) -> crate::cli::Outcome {
    let today = send::oslo(std::time::SystemTime::now()).date_naive();
    let (written, said) = since(project, sel, spec, today)?;
    for line in said {
        println!("{line}");
    }
    for w in written {
        println!("skrev {} ({} kB)", w.path.display(), w.size.div_ceil(1024));
    }
    Ok(())
}
