//! Sending plan and report to the postmottak of every municipality: the
//! recipient register, one cover letter (følgebrev) per municipality, one
//! RFC 5322/MIME message per recipient (written as .eml in a dry run), and
//! real sending over SMTP with a ledger that makes sending idempotent and
//! resumable, and sends a new version as a correction.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::NaiveDate;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Address, Message, SmtpTransport, Transport};
use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Error, Location, Result, Sink};
use crate::load::table::{self, Column};

/// One municipality's official mailbox, from `data/<network>/mottakere.csv`.
#[derive(Debug, Clone)]
pub struct Recipient {
    /// The kommunenummer.
    pub number: String,
    pub municipality: String,
    pub address: Address,
    pub verified: bool,
    pub contact: String,
}

const COLUMNS: &[Column] = &[
    Column { name: "Kommunenummer", required: true },
    Column { name: "Kommune", required: true },
    Column { name: "Postmottak", required: true },
    Column { name: "Verifisert", required: true },
    Column { name: "Kontakt", required: false },
];

/// Text that goes into a mail header must be one line without control characters.
fn header_safe(v: &str) -> bool {
    !v.chars().any(|c| c.is_control())
}

/// Reads and checks the recipient register.
pub fn recipients(network_dir: &Path) -> Result<Vec<Recipient>> {
    let t = table::require(network_dir, "mottakere", "Mottakere")?.bind(COLUMNS)?;
    let mut sink = Sink::default();
    let mut out: Vec<Recipient> = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for r in t.rows() {
        for col in ["Kommunenummer", "Kommune", "Postmottak", "Kontakt"] {
            if !header_safe(r.get(col)) {
                sink.error(
                    r.loc(col),
                    "teksten har linjeskift eller kontrolltegn",
                    "skriv feltet på én linje; det brukes i e-posthodet",
                );
            }
        }
        let Ok(knr) = r.required("Kommunenummer").map_err(|e| sink.extend(e)) else { continue };
        let knr = crate::load::kommunenummer(knr);
        let knr = knr.as_str();
        if !(knr.len() == 4 || knr.len() == 6) || !knr.chars().all(|c| c.is_ascii_digit()) {
            sink.error(
                r.loc("Kommunenummer"),
                format!("«{knr}» er ikke et kommunenummer"),
                "skriv fire sifre (1103), eller seks for en bydel (030110)",
            );
            continue;
        }
        if let Some(first) = seen.insert(knr.to_string(), r.number()) {
            sink.error(
                r.loc("Kommunenummer"),
                format!("kommunenummer {knr} står to ganger (også på rad {first})"),
                "hver kommune skal ha én rad",
            );
            continue;
        }
        let Ok(kommune) = r.required("Kommune").map_err(|e| sink.extend(e)) else { continue };
        let Ok(addr) = r.required("Postmottak").map_err(|e| sink.extend(e)) else { continue };
        let address = match addr.parse::<Address>() {
            Ok(a) if header_safe(addr) => a,
            _ => {
                sink.error(
                    r.loc("Postmottak"),
                    format!("«{addr}» er ikke en gyldig e-postadresse"),
                    "skriv adressen som postmottak@kommune.no",
                );
                continue;
            }
        };
        let verified = match r.required("Verifisert").map(|v| v.to_lowercase()) {
            Ok(v) if v == "ja" => true,
            Ok(v) if v == "nei" => false,
            Ok(v) => {
                sink.error(
                    r.loc("Verifisert"),
                    format!("«{v}» er verken ja eller nei"),
                    "skriv ja når adressen er bekreftet av kommunen, ellers nei",
                );
                continue;
            }
            Err(e) => {
                sink.extend(e);
                continue;
            }
        };
        out.push(Recipient {
            number: knr.to_string(),
            municipality: kommune.to_string(),
            address,
            verified,
            contact: r.get("Kontakt").to_string(),
        });
    }
    sink.finish()?;
    Ok(out)
}

/// One entry of the ledger: a recipient got a version of the documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sent {
    pub kommunenummer: String,
    #[serde(rename = "adresse")]
    pub address: String,
    /// sha256 over the attached documents (not the letter): what "version" means.
    #[serde(rename = "versjon")]
    pub version: String,
    #[serde(rename = "melding_id")]
    pub message_id: String,
    /// Unix time of the send.
    #[serde(rename = "tid")]
    pub time: u64,
}

/// The ledger of one network's year: `output/<network>/<year>/utsending/sendelogg.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Ledger {
    #[serde(rename = "sendt")]
    pub sent: Vec<Sent>,
    /// The meetings as each sent version had them, so a correction can say what moved.
    #[serde(rename = "versjoner", default)]
    pub versions: BTreeMap<String, BTreeMap<String, crate::manifest::Event>>,
}

impl Ledger {
    pub fn read(path: &Path) -> Result<Ledger> {
        match std::fs::read(path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| {
                Error::at(Location::file(path), format!("sendeloggen kan ikke leses: {e}"))
                    .with_hint("loggen skrives av arsplan; gjenopprett den fra sikkerhetskopi eller slett den bare hvis ingenting er sendt")
            }),
            Err(_) => Ok(Ledger::default()),
        }
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| Error::msg(e.to_string()))?;
        crate::publish::write_atomic(path, &bytes)
    }

    /// The last version a recipient got.
    pub fn last(&self, kommunenummer: &str) -> Option<&Sent> {
        self.sent.iter().rev().find(|s| s.kommunenummer == kommunenummer)
    }
}

/// What happens to one recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Send,
    /// A new version to someone who got an older one.
    Correction,
    AlreadySent,
    Unverified,
}

impl Action {
    pub fn label(self) -> &'static str {
        match self {
            Action::Send => "sendes",
            Action::Correction => "sendes som rettet versjon",
            Action::AlreadySent => "allerede sendt",
            Action::Unverified => "hoppes over: adressen er ikke verifisert",
        }
    }
}

/// A finished message for one recipient.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub recipient: Recipient,
    pub action: Action,
    pub message_id: String,
    pub subject: String,
    pub attachments: Vec<String>,
    pub message: Message,
}

/// The parts of a message the caller provides.
pub struct Compose<'a> {
    pub from: Mailbox,
    pub subject: String,
    pub body: String,
    /// (file name, bytes) of the cover letter PDF.
    pub letter_pdf: (String, Vec<u8>),
    /// (file name, bytes) of the documents.
    pub documents: &'a [(String, Vec<u8>)],
    pub date: NaiveDate,
    pub version: &'a str,
}

/// Builds the RFC 5322 message; Message-ID, date and MIME boundary are derived
/// from the content so the same input gives the same bytes.
pub fn message(r: &Recipient, c: &Compose) -> Result<(Message, String)> {
    if !header_safe(&c.subject) {
        return Err(Error::msg("emnet har linjeskift eller kontrolltegn"));
    }
    let seed = crate::manifest::sha256(format!("{}|{}|{}", c.version, r.number, c.subject).as_bytes());
    let message_id = format!("<{}.{}@arsplan.invalid>", &seed[..24], r.number);
    let to = Mailbox::new(Some(format!("Postmottak {}", r.municipality)), r.address.clone());
    let mut parts = MultiPart::mixed()
        .boundary(format!("arsplan-{}", &seed[24..48]))
        .singlepart(SinglePart::plain(c.body.clone()));
    let pdf = ContentType::parse("application/pdf").map_err(|e| Error::msg(e.to_string()))?;
    parts =
        parts.singlepart(Attachment::new(c.letter_pdf.0.clone()).body(c.letter_pdf.1.clone(), pdf.clone()));
    for (name, bytes) in c.documents {
        parts = parts.singlepart(Attachment::new(name.clone()).body(bytes.clone(), pdf.clone()));
    }
    let date = c.date.and_hms_opt(8, 0, 0).expect("valid time").and_utc().timestamp() as u64;
    let m = Message::builder()
        .from(c.from.clone())
        .to(to)
        .subject(c.subject.clone())
        .message_id(Some(message_id.clone()))
        .date(UNIX_EPOCH + Duration::from_secs(date))
        .multipart(parts)
        .map_err(|e| Error::msg(format!("e-posten kunne ikke settes sammen: {e}")))?;
    Ok((m, message_id))
}

/// How to reach the SMTP server.
#[derive(Debug, Clone)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    /// `starttls`, `tls` or `ingen` (only for a server on this machine).
    pub security: String,
    pub user: Option<String>,
    pub password: Option<String>,
}

impl Smtp {
    pub fn transport(&self) -> Result<SmtpTransport> {
        let fail =
            |e: lettre::transport::smtp::Error| Error::msg(format!("SMTP-tjeneren «{}»: {e}", self.host));
        let builder = match self.security.as_str() {
            "tls" => SmtpTransport::relay(&self.host).map_err(fail)?,
            "starttls" => SmtpTransport::starttls_relay(&self.host).map_err(fail)?,
            "ingen" => {
                let local = matches!(self.host.as_str(), "localhost" | "127.0.0.1" | "::1");
                if !local {
                    return Err(Error::msg("ukryptert SMTP er bare tillatt mot en tjener på denne maskinen")
                        .with_hint("bruk --sikkerhet starttls eller tls"));
                }
                SmtpTransport::builder_dangerous(&self.host)
            }
            other => {
                return Err(Error::msg(format!("ukjent sikkerhet «{other}»"))
                    .with_hint("bruk starttls, tls eller ingen"))
            }
        };
        let mut builder = builder.port(self.port).timeout(Some(Duration::from_secs(30)));
        if let (Some(u), Some(p)) = (&self.user, &self.password) {
            builder = builder.credentials(Credentials::new(u.clone(), p.clone()));
        }
        Ok(builder.build())
    }
}

/// Sends the messages marked for sending, one by one, recording each in the
/// ledger as soon as the server accepted it. Returns how many were sent; on a
/// failure the ledger holds everything sent before it, so a rerun resumes.
pub fn send_all(
    outgoing: &[Outgoing],
    version: &str,
    smtp: &Smtp,
    ledger_path: &Path,
    progress: &indicatif::ProgressBar,
) -> Result<usize> {
    let transport = smtp.transport()?;
    let mut ledger = Ledger::read(ledger_path)?;
    let mut sent = 0;
    for o in outgoing.iter().filter(|o| matches!(o.action, Action::Send | Action::Correction)) {
        progress.set_message(format!("{} {}", o.recipient.number, o.recipient.municipality));
        transport.send(&o.message).map_err(|e| {
            Error(vec![Diagnostic::error(
                None,
                format!(
                    "sendingen til {} ({}) feilet: {e}; {sent} meldinger ble sendt før feilen",
                    o.recipient.municipality, o.recipient.address
                ),
            )
            .hint("kjør samme kommando igjen: de som alt har fått dokumentene, får dem ikke på nytt")])
        })?;
        let time = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        ledger.sent.push(Sent {
            kommunenummer: o.recipient.number.clone(),
            address: o.recipient.address.to_string(),
            version: version.to_string(),
            message_id: o.message_id.clone(),
            time,
        });
        ledger.write(ledger_path)?;
        sent += 1;
        progress.inc(1);
    }
    Ok(sent)
}

/// The file stem of a recipient's files: the kommunenummer, safe on every system.
pub fn file_stem(r: &Recipient) -> String {
    r.number.clone()
}

/// Where a network's year keeps its letters, messages and ledger.
pub fn dir(output: &Path, network: &str, year: i32) -> PathBuf {
    output.join(network).join(year.to_string()).join("utsending")
}
