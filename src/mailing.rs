//! A mailing: the year's plan (and the report of the year before, or of the
//! same year) with a cover letter to the postmottak of every municipality in
//! the recipient register. The documents are built first, exactly as `build`
//! builds them, and attached as read back from `output/`; the mailing is then
//! written as files (a dry run, or drafts for the leader's own mailbox) or
//! sent over SMTP.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::build::{self, BuildOptions, Built, Prepared};
use crate::compose::Composer;
use crate::diag::{Error, Location, Result};
use crate::manifest::{self, Difference};
use crate::project::{Project, Selection};
use crate::publish::{self, Artifact, Written};
use crate::render::{self, Format};
use crate::send::{self, Action, Attached, Outgoing, Version};
use crate::{dates, doc, revise};

/// Everything a mailing to the postmottak of a network's municipalities needs.
pub struct Mailing {
    pub network: String,
    pub year: i32,
    pub dir: PathBuf,
    /// sha256 over the attached documents.
    pub version: String,
    /// What this version holds (meetings, documents), for the ledger.
    pub held: Version,
    pub outgoing: Vec<Outgoing>,
    /// Letters, messages and the summary, to be written under `dir`.
    pub files: Vec<Artifact>,
    /// With [`MailOptions::drafts`]: `utkast/<kommunenummer>.eml` for every
    /// recipient a message would go to, marked `X-Unsent: 1`.
    pub drafts: Vec<Artifact>,
    /// Warnings about the recipient register.
    pub warnings: Vec<crate::diag::Diagnostic>,
    /// The models of the attached documents, stored when the version is
    /// recorded, so that a later correction can show what changed.
    pub models: revise::Models,
}

/// Options of a mailing.
#[derive(Debug, Clone, Default)]
pub struct MailOptions {
    pub include_unverified: bool,
    /// The letters' date; default the day they are written. A correction is
    /// never dated before the letter it corrects.
    pub date: Option<chrono::NaiveDate>,
    /// `Navn <adresse>`; default `avsender` in nettverk.toml.
    pub from: Option<String>,
    /// Also make drafts for the leader's own mailbox.
    pub drafts: bool,
}

/// The documents a mailing attaches, as `build` wrote them.
pub struct Attachments {
    /// What the build wrote and found (print it as `build` does).
    pub built: Built,
    /// The plan's year, prepared (for the letters).
    pub prepared: Prepared,
    /// The year whose report is attached, if any.
    pub report_year: Option<i32>,
    /// Each document: its file name, title and hash, and its bytes as read
    /// back from `output/<network>/<year>/`.
    pub documents: Vec<(Attached, Vec<u8>)>,
    /// The model of each attached document (not the calendar), by file stem.
    pub models: Vec<(String, doc::Document)>,
}

/// The year whose report goes with a year's plan: the year before if it has
/// a `rapport.toml`, else the same year if it has one.
pub fn report_year(project: &Project, network: &str, year: i32) -> Option<i32> {
    [year - 1, year]
        .into_iter()
        .find(|y| project.data.join(network).join(y.to_string()).join("rapport.toml").is_file())
}

/// Reads a built file back from `output/`.
fn read_back(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| {
        Error::at(Location::file(path), format!("kan ikke lese dokumentet: {}", crate::diag::io_text(&e)))
            .with_hint("dokumentet skulle nettopp vært bygget; kjør kommandoen igjen")
    })
}

/// Builds the plan's year (and the year of the report it attaches) exactly as
/// `arsplan build --network <n> --year <år>` does, then reads the PDFs to
/// attach back from `output/`.
pub fn attachments(project: &Project, network: &str, year: i32) -> Result<Attachments> {
    // The recipient register first: a bad one stops the run before the
    // build writes anything (every earlier output file stays as it was).
    send::recipients(&project.data.join(network))?;
    let report_year = report_year(project, network, year);
    let mut years = vec![year];
    if let Some(r) = report_year.filter(|r| *r != year) {
        years.insert(0, r);
    }
    let sel = Selection { networks: vec![network.to_string()], years };
    let built = build::build(project, &sel, &BuildOptions::default())?;
    let prepared = build::prepare(project, network, year)?;
    let mut wanted = vec![(prepared.year.stem(), year)];
    if let Some(r) = report_year {
        wanted.push((build::report_stem(r), r));
    }
    let mut documents = Vec::new();
    let mut models = Vec::new();
    for (stem, y) in wanted {
        let made = if y == year {
            build::documents(&prepared)?
        } else {
            build::documents(&build::prepare(project, network, y)?)?
        };
        let model = made.into_iter().find(|m| m.stem == stem).map(|m| m.document);
        let title = model.as_ref().map(|d| d.meta.title.clone()).unwrap_or_else(|| stem.clone());
        if let Some(d) = model {
            models.push((stem.clone(), d));
        }
        let file = format!("{stem}.pdf");
        let bytes = read_back(&project.output.join(network).join(y.to_string()).join(&file))?;
        documents.push((Attached { file, title, sha256: manifest::sha256(&bytes) }, bytes));
    }
    // The year's calendar, so a municipality can import the dates (unless the
    // house style turns it off; a year without meetings has none).
    let calendar = format!("kalender-{year}.ics");
    let path = project.output.join(network).join(year.to_string()).join(&calendar);
    if prepared.theme.sending.calendar && !prepared.year.meetings.is_empty() {
        let bytes = read_back(&path)?;
        let title = format!("Kalender med møtene i {year}");
        documents.push((Attached { file: calendar, title, sha256: manifest::sha256(&bytes) }, bytes));
    }
    Ok(Attachments { built, prepared, report_year, documents, models })
}

/// What changed from a sent version to this one, for a municipality's
/// reader: meetings moved, added, removed or changed (in date order), then
/// the documents by their titles. The letter's template words them
/// (`endringer.md.j2`); never a file name of ours.
pub fn changes(old: &Version, new: &Version) -> Vec<Difference> {
    let mut out = manifest::meeting_differences(&old.events, &new.events);
    // A ledger of the first form did not record the documents: say nothing of them.
    if !old.documents.is_empty() {
        for d in &new.documents {
            match old.documents.iter().find(|o| o.file == d.file) {
                None => out.push(Difference::document("nytt_vedlegg", &d.title)),
                Some(o) if o.sha256 != d.sha256 => out.push(Difference::document("oppdatert", &d.title)),
                Some(_) => {}
            }
        }
        for o in &old.documents {
            if !new.documents.iter().any(|d| d.file == o.file) {
                out.push(Difference::document("ikke_vedlagt", &o.title));
            }
        }
    }
    out
}

/// The date of a letter: the leader's date (`--dato`), else the day it is
/// written. A correction is never dated before the letter it corrects.
pub fn letter_date(
    chosen: Option<chrono::NaiveDate>,
    today: chrono::NaiveDate,
    corrects: Option<chrono::NaiveDate>,
) -> chrono::NaiveDate {
    let date = chosen.unwrap_or(today);
    match corrects {
        Some(earlier) if earlier > date => earlier,
        _ => date,
    }
}

/// The date a leader gives the letters (`--dato`, dd.mm.åååå): any real
/// day of a year a letter could have (a year like 0026 is a typing error).
pub fn parse_letter_date(text: &str) -> Result<chrono::NaiveDate> {
    let date = dates::parse(text).map_err(|_| {
        Error::msg(format!("«{text}» er ingen dato")).with_hint("skriv datoen som dd.mm.åååå")
    })?;
    if !(1900..2200).contains(&chrono::Datelike::year(&date)) {
        return Err(Error::msg(format!("«{text}» er neppe datoen på et brev"))
            .with_hint("skriv året med fire sifre, for eksempel --dato 15.01.2026"));
    }
    Ok(date)
}

/// Builds the documents, then prepares the mailing (see [`attachments`] and [`compose`]).
pub fn prepare(project: &Project, network: &str, year: i32, opts: &MailOptions) -> Result<Mailing> {
    compose(project, &attachments(project, network, year)?, opts)
}

/// Prepares the letters and messages to every municipality in the recipient
/// register, attaching the documents `attachments` read back from `output/`.
pub fn compose(project: &Project, att: &Attachments, opts: &MailOptions) -> Result<Mailing> {
    let p = &att.prepared;
    let (network, year) = (p.year.network.clone(), p.year.year);
    let dir = send::dir(&project.output, &network, year);
    let composer = Composer::new(&p.year, &p.theme, p.strategy.as_ref())?;
    let documents: Vec<(String, Vec<u8>)> =
        att.documents.iter().map(|(a, bytes)| (a.file.clone(), bytes.clone())).collect();
    let mut hasher_input = Vec::new();
    for (a, _) in &att.documents {
        hasher_input.extend_from_slice(a.file.as_bytes());
        hasher_input.extend_from_slice(a.sha256.as_bytes());
    }
    let version = manifest::sha256(&hasher_input);
    let held = Version {
        events: manifest::events(&p.year, None),
        documents: att.documents.iter().map(|(a, _)| a.clone()).collect(),
    };
    let ledger = send::Ledger::read(&dir.join("sendelogg.json"))?;
    let (recipients, mut warnings) = send::recipients(&p.year.data_dir)?;
    let from_text = opts.from.clone().or(p.year.profile.sender.clone()).ok_or_else(|| {
        Error::msg("nettverket har ingen avsender for e-postene")
            .with_hint("skriv avsenderen i nettverkets innstillinger (nettsiden: nettverket → Innstillinger → Avsender ved utsending), eller avsender = \"Navn <adresse>\" i nettverk.toml; på kommandolinjen går også --fra")
    })?;
    let from: lettre::message::Mailbox = from_text.parse().map_err(|_| {
        Error::msg(format!("«{from_text}» er ikke en gyldig avsender"))
            .with_hint("skriv for eksempel Driftsgruppen <nettverk@helse-stavanger.no>")
    })?;
    // The moment the messages are written (their Date:); sending sets it anew.
    let now = SystemTime::now();
    let today = send::oslo(now).date_naive();
    if let Some(d) = opts.date.filter(|d| *d > today) {
        warnings.push(
            crate::diag::Diagnostic::warning(
                None,
                format!(
                    "brevene er datert {}, som er fram i tid (i dag er det {})",
                    dates::format(d, "d. MMMM yyyy"),
                    dates::format(today, "d. MMMM yyyy")
                ),
            )
            .hint("uten --dato dateres brevene den dagen de skrives og sendes"),
        );
    }
    let texts = &p.theme.texts;
    let words = &p.theme.words;
    let base_subject = composer.wording(
        &texts.subject,
        minijinja::context! {
            dokument => crate::vocabulary::capitalized(&words.document(&p.year.meta.kind)),
            år => year,
            periode => p.year.period(),
            rapport_ar => att.report_year,
            nettverk => p.year.profile.name.clone(),
        },
    )?;
    let corrected_subject =
        composer.wording(&texts.corrected_subject, minijinja::context! { emne => base_subject.clone() })?;
    let mut outgoing = Vec::new();
    // Endringsversjoner by what they compare with (the version, the day it
    // was sent, the letter's date): made once for all who got that version.
    let mut revised: BTreeMap<(String, chrono::NaiveDate, chrono::NaiveDate), Vec<revise::Revised>> =
        BTreeMap::new();
    let mut files = Vec::new();
    let mut drafts = Vec::new();
    let mut summary = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec()); // with a BOM, so Norwegian Excel reads æøå right
    let csv_failed = |e: csv::Error| Error::msg(format!("oversikt.csv kunne ikke lages: {e}"));
    summary
        .write_record([
            "Kommunenummer",
            "Kommune",
            "Postmottak",
            "Verifisert",
            "Vedlegg",
            "Brevdato",
            "Status",
        ])
        .map_err(csv_failed)?;
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
        let corrected = action == Action::Correction;
        let changes: Vec<Difference> = match last.and_then(|s| ledger.versions.get(&s.version)) {
            Some(old) if corrected => changes(old, &held),
            _ => Vec::new(),
        };
        let sent_last = last
            .filter(|_| corrected)
            .map(|s| send::oslo(UNIX_EPOCH + Duration::from_secs(s.time)).date_naive());
        // The letter a correction corrects, by its own date (or the day it went).
        let corrects = last.filter(|_| corrected).map(|s| {
            s.letter_date
                .as_deref()
                .and_then(|d| dates::parse(d).ok())
                .unwrap_or_else(|| send::oslo(UNIX_EPOCH + Duration::from_secs(s.time)).date_naive())
        });
        let date = letter_date(opts.date, today, corrects);
        // With a correction, the documents that changed since the version the
        // municipality got, with the changes shown (unless the house style
        // says no, or that version was sent before arsplan kept its models).
        let mut this_revised: &[revise::Revised] = &[];
        if let (true, Some(s), Some(sent)) = (p.theme.sending.revision, last.filter(|_| corrected), sent_last)
        {
            let key = (s.version.clone(), sent, date);
            if !revised.contains_key(&key) {
                let made = match revise::Models::read(&dir, &s.version)? {
                    Some(old) => {
                        let notice = revise::notice(&composer, sent, &changes)?;
                        revise::revise_all(&old, &att.models, date, &notice, &p.theme, &p.assets)?
                    }
                    None => Vec::new(),
                };
                revised.insert(key.clone(), made);
            }
            this_revised = revised.get(&key).map(Vec::as_slice).unwrap_or_default();
        }
        let mut documents = documents.clone();
        for rv in this_revised {
            documents.extend(rv.files());
        }
        let doc_names: Vec<String> = documents.iter().map(|(n, _)| n.clone()).collect();
        let subject = if corrected { corrected_subject.clone() } else { base_subject.clone() };
        let stem = send::file_stem(&r);
        let letter_name = format!("folgebrev-{stem}.pdf");
        let mut vedlegg = vec![format!("Følgebrev ({letter_name})")];
        vedlegg.extend(att.documents.iter().map(|(a, _)| format!("{} ({})", a.title, a.file)));
        for rv in this_revised {
            let (docx, pdf) = revise::file_names(&rv.stem);
            vedlegg.push(format!("{}, endringsversjon i Word med sporede endringer ({docx})", rv.title));
            vedlegg.push(format!("{}, endringsversjon i PDF med endringene merket ({pdf})", rv.title));
        }
        let calendar = att.documents.iter().any(|(a, _)| a.file.ends_with(".ics"));
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
            sendt_sist => sent_last.map(|d| d.format("%Y-%m-%d").to_string()),
            endringer => minijinja::Value::from(minijinja::value::Serde(&changes)),
            rapport_ar => att.report_year,
            kalender => calendar,
            endringsversjon => !this_revised.is_empty(),
        };
        let mut letter = composer.document("folgebrev.md.j2", ("brev", brev), &subject)?;
        letter.meta.date = date;
        let mut both =
            render::render(&letter, &p.theme, &p.assets, &[Format::Pdf, Format::Docx])?.into_iter();
        let (Some((_, letter_pdf)), Some((_, letter_docx))) = (both.next(), both.next()) else {
            return Err(Error::msg("følgebrevet ble ikke laget"));
        };
        let body = doc::text(&letter.blocks);
        let (message, message_id) = send::message(
            &r,
            &send::Compose {
                from: from.clone(),
                subject: subject.clone(),
                body: body.clone(),
                letter_pdf: (letter_name.clone(), letter_pdf.clone()),
                documents: &documents,
                date: now,
                version: &version,
            },
        )?;
        let attachments: Vec<String> =
            std::iter::once(letter_name.clone()).chain(doc_names.iter().cloned()).collect();
        summary
            .write_record([
                r.number.as_str(),
                r.municipality.as_str(),
                r.address.as_ref(),
                if r.verified { "ja" } else { "nei" },
                &attachments.join(" + "),
                &dates::format(date, "dd.MM.yyyy"),
                action.label(),
            ])
            .map_err(csv_failed)?;
        files.push(Artifact::new(dir.join(&letter_name), letter_pdf));
        files.push(Artifact::new(dir.join(format!("folgebrev-{stem}.docx")), letter_docx));
        files.push(Artifact::new(dir.join(format!("{stem}.eml")), message.formatted()));
        if opts.drafts && action.sends() {
            drafts.push(Artifact::new(
                dir.join("utkast").join(format!("{stem}.eml")),
                send::draft(&message).formatted(),
            ));
        }
        let drafted = ledger.drafts.iter().any(|d| d.kommunenummer == r.number && d.version == version);
        outgoing.push(Outgoing {
            recipient: r,
            action,
            message_id,
            subject,
            attachments,
            body,
            message,
            drafted,
            letter_date: date.format("%Y-%m-%d").to_string(),
        });
    }
    let bytes =
        summary.into_inner().map_err(|e| Error::msg(format!("oversikt.csv kunne ikke lages: {e}")))?;
    files.push(Artifact::new(dir.join("oversikt.csv"), bytes));
    let models = revise::Models { documents: att.models.iter().cloned().collect() };
    Ok(Mailing { network, year, dir, version, held, outgoing, files, drafts, warnings, models })
}

/// Writes a mailing's letters, messages and summary (the dry run), and its
/// drafts if it has any, recording each draft in the ledger as a draft.
pub fn write(project: &Project, m: &Mailing) -> Result<Vec<Written>> {
    let _lock = publish::lock(&project.output)?;
    let mut written = publish::publish(&m.files)?;
    if m.drafts.is_empty() {
        return Ok(written);
    }
    written.extend(publish::publish(&m.drafts)?);
    m.models.store(&m.dir, &m.version)?;
    let path = m.dir.join("sendelogg.json");
    let mut ledger = send::Ledger::read(&path)?;
    let time = send::unix(SystemTime::now());
    for o in m.outgoing.iter().filter(|o| o.action.sends()) {
        let known =
            ledger.drafts.iter().any(|d| d.kommunenummer == o.recipient.number && d.version == m.version);
        if !known {
            ledger.drafts.push(send::Sent {
                kommunenummer: o.recipient.number.clone(),
                address: o.recipient.address.to_string(),
                version: m.version.clone(),
                message_id: o.message_id.clone(),
                time,
                letter_date: Some(o.letter_date.clone()),
                from_draft: false,
            });
        }
    }
    ledger.versions.entry(m.version.clone()).or_insert_with(|| m.held.clone());
    ledger.write(&path)?;
    Ok(written)
}

/// What confirming drafts as sent did.
#[derive(Debug, Clone)]
pub struct Confirmed {
    /// The drafts now recorded as sent.
    pub drafts: Vec<send::Sent>,
    /// The documents of each confirmed version (file names).
    pub documents: Vec<String>,
    pub ledger: PathBuf,
}

/// Records the drafts of a network's year as sent from the leader's own
/// mailbox (`send --utkast-sendt`): all not yet confirmed, or those to
/// `numbers`. Under the output folder's lock. A later version then goes
/// out as a correction that says what changed since.
pub fn confirm_drafts(
    project: &Project,
    network: &str,
    year: i32,
    numbers: Option<&[String]>,
) -> Result<Confirmed> {
    let _lock = publish::lock(&project.output)?;
    let path = send::dir(&project.output, network, year).join("sendelogg.json");
    let mut ledger = send::Ledger::read(&path)?;
    if ledger.drafts.is_empty() {
        return Err(Error::msg(format!("{network} {year} har ingen utkast å bekrefte")).with_hint(format!(
            "lag utkastene først med «arsplan send --nettverk {network} --år {year} --utkast»"
        )));
    }
    let drafts = ledger.confirm_drafts(numbers, send::unix(SystemTime::now()))?;
    let mut documents: Vec<String> = Vec::new();
    for d in &drafts {
        for a in ledger.versions.get(&d.version).map(|v| v.documents.clone()).unwrap_or_default() {
            if !documents.contains(&a.file) {
                documents.push(a.file);
            }
        }
    }
    if !drafts.is_empty() {
        ledger.write(&path)?;
    }
    Ok(Confirmed { drafts, documents, ledger: path })
}

/// Sends a mailing over SMTP, recording every message in the ledger; under
/// the output folder's lock, so a recipient another send reached first is
/// skipped (see [`send::send_all`]).
pub fn send(
    project: &Project,
    m: &Mailing,
    smtp: &send::Smtp,
    progress: &indicatif::ProgressBar,
) -> Result<send::Done> {
    let _lock = publish::lock(&project.output)?;
    if m.outgoing.iter().any(|o| o.action.sends()) {
        m.models.store(&m.dir, &m.version)?;
    }
    send::send_all(&m.outgoing, (&m.version, &m.held), smtp, &m.dir.join("sendelogg.json"), progress)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Event;

    fn ev(date: &str, title: &str, group: &str) -> Event {
        Event {
            date: date.into(),
            time: String::new(),
            title: title.into(),
            group: group.into(),
            place: String::new(),
            kind: "nettverksmøte".into(),
            sequence: 0,
        }
    }

    fn doc(file: &str, title: &str, sha: &str) -> Attached {
        Attached { file: file.into(), title: title.into(), sha256: sha.into() }
    }

    #[test]
    fn changes_are_the_meetings_in_date_order_then_the_documents() {
        let mut old = Version::default();
        old.events.insert("sandnes_var".into(), ev("2026-04-16", "Nettverksmøte", "Sandnes + SUS"));
        old.events.insert("fagdag".into(), ev("2026-11-12", "Årlig fagdag", ""));
        old.events.insert("kurs".into(), ev("2026-09-01", "Kurs", ""));
        old.documents = vec![
            doc("arsplan-2026.pdf", "ÅRSPLAN 2026", "a"),
            doc("arsrapport-2025.pdf", "ÅRSRAPPORT 2025", "b"),
        ];
        let mut new = old.clone();
        new.events.insert("sandnes_var".into(), ev("2026-04-23", "Nettverksmøte", "Sandnes + SUS"));
        new.events.remove("kurs");
        new.events.insert("ekstra".into(), ev("2026-06-02", "Samling", ""));
        new.documents[0].sha256 = "c".into();
        new.documents.push(doc("kalender-2026.ics", "Kalender med møtene i 2026", "d"));
        let found = changes(&old, &new);
        let said: Vec<(&str, &str, &str, &str)> =
            found.iter().map(|d| (d.what, d.title.as_str(), d.from.as_str(), d.to.as_str())).collect();
        assert_eq!(
            said,
            [
                ("flyttet", "Nettverksmøte", "2026-04-16", "2026-04-23"),
                ("nytt", "Samling", "", ""),
                ("fjernet", "Kurs", "", ""),
                ("oppdatert", "ÅRSPLAN 2026", "", ""),
                ("nytt_vedlegg", "Kalender med møtene i 2026", "", ""),
            ]
        );
        assert!(changes(&new, &new).is_empty());
    }

    #[test]
    fn a_letter_is_dated_today_or_as_asked_and_a_correction_never_before_what_it_corrects() {
        let d = |m, day| chrono::NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert_eq!(letter_date(None, d(12, 7), None), d(12, 7));
        assert_eq!(letter_date(Some(d(1, 15)), d(12, 7), None), d(1, 15));
        assert_eq!(letter_date(None, d(12, 7), Some(d(12, 20))), d(12, 20));
        assert_eq!(letter_date(None, d(12, 7), Some(d(11, 1))), d(12, 7));
    }
}
