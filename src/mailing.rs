//! A mailing: the year's plan (and the report of the year before, or of the
//! same year) with a cover letter to the postmottak of every municipality in
//! the recipient register; written as files for a dry run, or sent over SMTP.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::build::{self, Prepared};
use crate::compose::Composer;
use crate::diag::{Error, Result};
use crate::manifest::{self, Event};
use crate::project::Project;
use crate::publish::{self, Artifact, Written};
use crate::render::{self, Format};
use crate::send::{self, Action, Outgoing};
use crate::{doc, report};

/// Everything a mailing to the postmottak of a network's municipalities needs.
pub struct Mailing {
    pub network: String,
    pub year: i32,
    pub dir: PathBuf,
    /// sha256 over the attached documents.
    pub version: String,
    pub outgoing: Vec<Outgoing>,
    /// Letters, messages and the summary, to be written under `dir`.
    pub files: Vec<Artifact>,
    pub events: BTreeMap<String, Event>,
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

/// A document as PDF, in its fitted style.
fn pdf_of(doc: &doc::Document, p: &Prepared) -> Result<Vec<u8>> {
    let fitted = render::fit(doc, &p.theme, &p.assets)?;
    render::pdf::export(&fitted.pages, doc)
}

/// The PDF of a year's report, with its title.
fn report_pdf(q: &Prepared) -> Result<Option<(String, String, Vec<u8>)>> {
    let Some(data) = &q.year.report else { return Ok(None) };
    let composer = Composer::new(&q.year, &q.theme, q.strategy.as_ref())?;
    let figures = report::figures(&q.year, data, &q.kommuner, &q.theme.texts);
    let doc = composer.report(&figures)?;
    let bytes = pdf_of(&doc, q)?;
    Ok(Some((format!("arsrapport-{}.pdf", q.year.year), doc.meta.title, bytes)))
}

/// Prepares the mailing of a year's plan (and the report of the year before, or
/// of the same year) to every municipality in the recipient register.
pub fn prepare(project: &Project, network: &str, year: i32, opts: &MailOptions) -> Result<Mailing> {
    let p = build::prepare(project, network, year)?;
    let dir = send::dir(&project.output, network, year);
    let composer = Composer::new(&p.year, &p.theme, p.strategy.as_ref())?;
    let plan = composer.plan()?;
    let mut titles = vec![plan.meta.title.clone()];
    let mut documents = vec![(format!("{}.pdf", p.year.stem()), pdf_of(&plan, &p)?)];
    // The report of the year before (or of this year): a year that has a
    // rapport.toml must load, or the mailing stops with its errors.
    let mut report_year = None;
    for y in [year - 1, year] {
        if project.data.join(network).join(y.to_string()).join("rapport.toml").is_file() {
            report_year = Some(if y == year { None } else { Some(build::prepare(project, network, y)?) });
            break;
        }
    }
    let report = match &report_year {
        Some(Some(q)) => report_pdf(q)?,
        Some(None) => report_pdf(&p)?,
        None => None,
    };
    let report_of =
        report.as_ref().map(|_| if matches!(report_year, Some(Some(_))) { year - 1 } else { year });
    if let Some((name, title, bytes)) = report {
        titles.push(title);
        documents.push((name, bytes));
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
    let from_text = opts.from.clone().or(p.year.profile.sender.clone()).ok_or_else(|| {
        Error::msg("avsenderen mangler")
            .with_hint("skriv avsender = \"Navn <adresse>\" i nettverk.toml, eller bruk --fra")
    })?;
    let from: lettre::message::Mailbox = from_text.parse().map_err(|_| {
        Error::msg(format!("«{from_text}» er ikke en gyldig avsender"))
            .with_hint("skriv for eksempel Driftsgruppen <nettverk@helse-stavanger.no>")
    })?;
    let date = opts.date.unwrap_or(p.year.date);
    let doc_names: Vec<String> = documents.iter().map(|(n, _)| n.clone()).collect();
    let texts = &p.theme.texts;
    let base_subject = composer.wording(
        &texts.subject,
        minijinja::context! {
            dokument => document_name(&p.year.meta.kind),
            år => year,
            rapport_ar => report_of,
            nettverk => p.year.profile.name.clone(),
        },
    )?;
    let corrected_subject =
        composer.wording(&texts.corrected_subject, minijinja::context! { emne => base_subject.clone() })?;
    let mut outgoing = Vec::new();
    let mut files = Vec::new();
    let mut summary = String::from("Kommunenummer;Kommune;Postmottak;Verifisert;Vedlegg;Status\n");
    for r in recipients {
        let last = ledger.last(&r.number);
        let action = if !r.verified && !opts.include_unverified {
            Action::Unverified
        } else {
            match last {
                Some(s) if s.version == version => Action::AlreadySent,
                Some(_) => Action::Correction,
                None => Action::Send,
            }
        };
        let changes: Vec<String> = match (action, last.and_then(|s| ledger.versions.get(&s.version))) {
            (Action::Correction, Some(old)) => manifest::event_changes(old, &events),
            _ => Vec::new(),
        };
        let corrected = action == Action::Correction;
        let subject = if corrected { corrected_subject.clone() } else { base_subject.clone() };
        let stem = send::file_stem(&r);
        let letter_name = format!("folgebrev-{stem}.pdf");
        let mut vedlegg = vec![format!("Følgebrev ({letter_name})")];
        vedlegg.extend(titles.iter().zip(&doc_names).map(|(t, n)| format!("{t} ({n})")));
        let brev = minijinja::context! {
            mottaker => minijinja::context! {
                kommune => r.municipality.clone(),
                kommunenummer => r.number.clone(),
                postmottak => r.address.to_string(),
                kontakt => r.contact.clone(),
            },
            dato => date.format("%Y-%m-%d").to_string(),
            referanse => format!("{network}/{year}/{}", r.number),
            emne => subject.clone(),
            vedlegg => vedlegg,
            rettet => corrected,
            endringer => changes,
        };
        let letter = composer.document("folgebrev.md.j2", ("brev", brev), &subject)?;
        let mut both =
            render::render(&letter, &p.theme, &p.assets, &[Format::Pdf, Format::Docx])?.into_iter();
        let (Some((_, letter_pdf)), Some((_, letter_docx))) = (both.next(), both.next()) else {
            return Err(Error::msg("følgebrevet ble ikke laget"));
        };
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
            r.number,
            r.municipality,
            r.address,
            if r.verified { "ja" } else { "nei" },
            std::iter::once(letter_name.clone())
                .chain(doc_names.iter().cloned())
                .collect::<Vec<_>>()
                .join(" + "),
            action.label()
        ));
        files.push(Artifact { path: dir.join(&letter_name), bytes: letter_pdf });
        files.push(Artifact { path: dir.join(format!("folgebrev-{stem}.docx")), bytes: letter_docx });
        files.push(Artifact { path: dir.join(format!("{stem}.eml")), bytes: message.formatted() });
        outgoing.push(Outgoing {
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
pub fn write(project: &Project, m: &Mailing) -> Result<Vec<Written>> {
    let _lock = publish::lock(&project.output)?;
    publish::publish(&m.files)
}

/// Sends a mailing over SMTP, recording every message in the ledger.
pub fn send(
    project: &Project,
    m: &Mailing,
    smtp: &send::Smtp,
    progress: &indicatif::ProgressBar,
) -> Result<usize> {
    let _lock = publish::lock(&project.output)?;
    let path = m.dir.join("sendelogg.json");
    let mut ledger = send::Ledger::read(&path)?;
    ledger.versions.entry(m.version.clone()).or_insert_with(|| m.events.clone());
    ledger.write(&path)?;
    send::send_all(&m.outgoing, &m.version, smtp, &path, progress)
}
