//! Sending plan and report to the postmottak of every municipality: the
//! recipient register, one RFC 5322/MIME message per recipient (written as
//! .eml in a dry run, or as a draft for Outlook), and real sending over SMTP
//! (STARTTLS or implicit TLS, with a trust's own root certificate if given)
//! with a ledger that makes sending idempotent and resumable, and sends a new
//! version as a correction.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lettre::message::header::{self, ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Address, Message, SmtpTransport, Transport};
use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Error, Location, Result, Sink};
use crate::load::table::{self, Column};
use crate::manifest::Event;

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

/// Whether a text is an e-mail address a message can be sent to, as the
/// register's Postmottak is checked.
pub fn valid_address(v: &str) -> bool {
    header_safe(v) && v.parse::<Address>().is_ok()
}

/// Reads and checks the recipient register; returns the recipients and the
/// warnings (columns of one's own).
pub fn recipients(network_dir: &Path) -> Result<(Vec<Recipient>, Vec<Diagnostic>)> {
    recipients_in(table::require(network_dir, "mottakere", "Mottakere")?)
}

/// Checks a recipient register as read (see [`recipients`]).
pub fn recipients_in(t: table::Table) -> Result<(Vec<Recipient>, Vec<Diagnostic>)> {
    let mut t = t.bind(COLUMNS)?;
    let mut sink = Sink::default();
    t.warn(&mut sink);
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
    let warnings = sink.finish()?;
    Ok((out, warnings))
}

/// One entry of the ledger: a recipient got (or, in `utkast`, was written a
/// draft of) a version of the documents.
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
    /// Unix time of the send (of the writing, for a draft; for a draft
    /// confirmed as sent, of the confirmation).
    #[serde(rename = "tid")]
    pub time: u64,
    /// The date the letter carried (ISO); absent in ledgers written before it was recorded.
    #[serde(rename = "brevdato", default, skip_serializing_if = "Option::is_none")]
    pub letter_date: Option<String>,
    /// A draft the leader sent from her own mailbox and then confirmed as
    /// sent (`send --utkast-sendt`), not a message arsplan sent itself.
    #[serde(rename = "fra_utkast", default, skip_serializing_if = "std::ops::Not::not")]
    pub from_draft: bool,
}

/// One attached document of a version, by its file name and title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attached {
    #[serde(rename = "fil")]
    pub file: String,
    #[serde(rename = "tittel")]
    pub title: String,
    pub sha256: String,
}

/// What a sent version held: its meetings and its documents, so that a
/// correction can say what changed since.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "VersionForm")]
pub struct Version {
    #[serde(rename = "hendelser")]
    pub events: BTreeMap<String, Event>,
    #[serde(rename = "dokumenter", default)]
    pub documents: Vec<Attached>,
}

/// A version as the ledger stores it now, or as the first ledgers stored it
/// (the meetings only).
#[derive(Deserialize)]
#[serde(untagged)]
enum VersionForm {
    Full {
        #[serde(rename = "hendelser")]
        events: BTreeMap<String, Event>,
        #[serde(rename = "dokumenter", default)]
        documents: Vec<Attached>,
    },
    Events(BTreeMap<String, Event>),
}

impl From<VersionForm> for Version {
    fn from(f: VersionForm) -> Self {
        match f {
            VersionForm::Full { events, documents } => Version { events, documents },
            VersionForm::Events(events) => Version { events, documents: Vec::new() },
        }
    }
}

/// The ledger of one network's year: `output/<network>/<year>/utsending/sendelogg.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Ledger {
    #[serde(rename = "sendt")]
    pub sent: Vec<Sent>,
    /// Drafts written for the leader's own mailbox (`send --utkast`): never
    /// counted as sent.
    #[serde(rename = "utkast", default)]
    pub drafts: Vec<Sent>,
    /// What each version held, so a correction can say what changed.
    #[serde(rename = "versjoner", default)]
    pub versions: BTreeMap<String, Version>,
}

impl Ledger {
    pub fn read(path: &Path) -> Result<Ledger> {
        match std::fs::read(path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| {
                Error::at(Location::file(path), format!("sendeloggen kan ikke leses: {e}"))
                    .with_hint("loggen skrives av arsplan; gjenopprett den fra sikkerhetskopi eller slett den bare hvis ingenting er sendt")
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Ledger::default()),
            Err(e) => Err(Error::at(
                Location::file(path),
                format!("sendeloggen kan ikke leses: {}", crate::diag::io_text(&e)),
            )),
        }
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| Error::msg(e.to_string()))?;
        crate::publish::write_atomic(path, &bytes)
    }

    /// The last version a recipient got (drafts do not count).
    pub fn last(&self, kommunenummer: &str) -> Option<&Sent> {
        self.sent.iter().rev().find(|s| s.kommunenummer == kommunenummer)
    }

    /// The last draft written for a recipient.
    pub fn last_draft(&self, kommunenummer: &str) -> Option<&Sent> {
        self.drafts.iter().rev().find(|s| s.kommunenummer == kommunenummer)
    }

    /// The drafts not yet confirmed as sent: each recipient's last draft,
    /// unless what that recipient last got is that very version. In the
    /// order they were written.
    pub fn unconfirmed_drafts(&self) -> Vec<&Sent> {
        let mut numbers: Vec<&str> = Vec::new();
        for d in &self.drafts {
            if !numbers.contains(&d.kommunenummer.as_str()) {
                numbers.push(&d.kommunenummer);
            }
        }
        numbers
            .into_iter()
            .filter_map(|n| self.last_draft(n))
            .filter(|d| self.last(&d.kommunenummer).is_none_or(|s| s.version != d.version))
            .collect()
    }

    /// Records drafts as sent at `time` (those of `numbers`, or all not yet
    /// confirmed): from now on the recipient counts as having got that
    /// version, and a later version goes out as a correction. Returns what
    /// was confirmed; an unknown number is an error and changes nothing.
    pub fn confirm_drafts(&mut self, numbers: Option<&[String]>, time: u64) -> Result<Vec<Sent>> {
        let open: Vec<Sent> = self.unconfirmed_drafts().into_iter().cloned().collect();
        if let Some(wanted) = numbers {
            let unknown: Vec<&String> =
                wanted.iter().filter(|n| !open.iter().any(|d| &d.kommunenummer == *n)).collect();
            if !unknown.is_empty() {
                let list: Vec<&str> = open.iter().map(|d| d.kommunenummer.as_str()).collect();
                return Err(Error::msg(format!(
                    "ingen ubekreftede utkast til {}",
                    unknown.iter().map(|n| format!("«{n}»")).collect::<Vec<_>>().join(", ")
                ))
                .with_hint(if list.is_empty() {
                    "alle utkastene er alt bekreftet som sendt".to_string()
                } else {
                    format!("utkastene som venter, er til kommunenummer {}", list.join(", "))
                }));
            }
        }
        let confirmed: Vec<Sent> = open
            .into_iter()
            .filter(|d| numbers.is_none_or(|w| w.contains(&d.kommunenummer)))
            .map(|d| Sent { time, from_draft: true, ..d })
            .collect();
        self.sent.extend(confirmed.iter().cloned());
        Ok(confirmed)
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

    /// True when a message goes to the recipient.
    pub fn sends(self) -> bool {
        matches!(self, Action::Send | Action::Correction)
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
    /// The message's text (the cover letter's words), as the recipient reads it.
    pub body: String,
    pub message: Message,
    /// A draft of this version was written for this recipient before (`--utkast`).
    pub drafted: bool,
    /// The date the letter carries (ISO).
    pub letter_date: String,
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
    /// The `Date:` header: when the message is written; sending sets it anew.
    pub date: SystemTime,
    pub version: &'a str,
}

/// Builds the RFC 5322 message. Message-ID and MIME boundary are derived from
/// the content, so the same input gives the same bytes apart from `Date:`,
/// which is the moment the message is written (and, when sent, the moment
/// it is sent: see [`send_all`]).
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
    // The year's calendar goes as an iCalendar file a mail program offers to import.
    let ics = ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
        .map_err(|e| Error::msg(e.to_string()))?;
    let docx = ContentType::parse("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        .map_err(|e| Error::msg(e.to_string()))?;
    for (name, bytes) in c.documents {
        let kind = if name.ends_with(".ics") {
            ics.clone()
        } else if name.ends_with(".docx") {
            docx.clone()
        } else {
            pdf.clone()
        };
        parts = parts.singlepart(Attachment::new(name.clone()).body(bytes.clone(), kind));
    }
    let m = Message::builder()
        .from(c.from.clone())
        .to(to)
        .subject(c.subject.clone())
        .message_id(Some(message_id.clone()))
        .date(c.date)
        .multipart(parts)
        .map_err(|e| Error::msg(format!("e-posten kunne ikke settes sammen: {e}")))?;
    Ok((m, message_id))
}

/// The same message as a draft: `X-Unsent: 1` makes Outlook open the .eml
/// as a new message to send from the leader's own mailbox.
pub fn draft(m: &Message) -> Message {
    let mut d = m.clone();
    d.headers_mut().insert_raw(HeaderValue::new(HeaderName::new_from_ascii_str("X-Unsent"), "1".into()));
    d
}

/// Unix seconds of a moment (0 before 1970, which the clock never says).
pub fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

pub use crate::dates::oslo;

/// How the connection to the SMTP server is encrypted, by the names the
/// command line and the web page use (`starttls`, `tls`, `ingen`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (port 587).
    #[default]
    #[serde(rename = "starttls")]
    StartTls,
    /// TLS from the first byte (port 465).
    #[serde(rename = "tls")]
    Tls,
    /// No encryption: only for a server on this machine (port 25).
    #[serde(rename = "ingen")]
    None,
}

impl Security {
    /// The setting by its name; an unknown name is refused.
    pub fn parse(name: &str) -> Result<Security> {
        match name {
            "starttls" => Ok(Security::StartTls),
            "tls" => Ok(Security::Tls),
            "ingen" => Ok(Security::None),
            other => {
                Err(Error::msg(format!("ukjent sikkerhet «{other}»"))
                    .with_hint("bruk starttls, tls eller ingen"))
            }
        }
    }

    /// The port a server with this setting usually listens on.
    pub fn default_port(self) -> u16 {
        match self {
            Security::StartTls => 587,
            Security::Tls => 465,
            Security::None => 25,
        }
    }
}

/// The environment variable a login's password may come from.
pub const PASSWORD_VAR: &str = "ARSPLAN_SMTP_PASSORD";

/// The password in [`PASSWORD_VAR`], if set.
pub fn password_from_env() -> Option<String> {
    std::env::var(PASSWORD_VAR).ok()
}

/// How to reach the SMTP server.
#[derive(Debug, Clone)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: Option<String>,
    pub password: Option<String>,
    /// A PEM file with root certificates to trust beside the usual ones
    /// (`--ca-fil`): a trust's own certificate authority.
    pub ca_file: Option<PathBuf>,
}

impl Smtp {
    /// The TLS settings: the server's name, and the `--ca-fil` roots if given.
    fn tls(&self) -> Result<TlsParameters> {
        let mut b = TlsParameters::builder(self.host.clone());
        if let Some(path) = &self.ca_file {
            let at = || Location::file(path);
            let pem = std::fs::read(path).map_err(|e| {
                Error::at(at(), format!("kan ikke lese sertifikatfilen: {}", crate::diag::io_text(&e)))
                    .with_hint("--ca-fil skal peke på rotsertifikatet (.pem) du har fått fra IT-avdelingen")
            })?;
            let not_pem = || {
                Error::at(at(), "filen er ikke et sertifikat i PEM-format").with_hint(
                    "et PEM-sertifikat er tekst som begynner med -----BEGIN CERTIFICATE-----; be IT-avdelingen om rotsertifikatet i det formatet",
                )
            };
            if !String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----") {
                return Err(not_pem());
            }
            b = b.add_root_certificate(Certificate::from_pem(&pem).map_err(|_| not_pem())?);
        }
        b.build_rustls().map_err(|e| match &self.ca_file {
            Some(path) => Error::at(Location::file(path), format!("sertifikatet kan ikke brukes: {e}"))
                .with_hint(
                    "be IT-avdelingen om rotsertifikatet (CA) som SMTP-tjenerens sertifikat er utstedt av",
                ),
            None => Error::msg(format!("TLS kan ikke settes opp: {e}")),
        })
    }

    /// The transport, checked but not connected: a bad `--ca-fil` or
    /// security setting is refused here, before anything else happens.
    pub fn transport(&self) -> Result<SmtpTransport> {
        let builder = match self.security {
            Security::Tls => SmtpTransport::builder_dangerous(&self.host).tls(Tls::Wrapper(self.tls()?)),
            Security::StartTls => {
                SmtpTransport::builder_dangerous(&self.host).tls(Tls::Required(self.tls()?))
            }
            Security::None => {
                let local = matches!(self.host.as_str(), "localhost" | "127.0.0.1" | "::1");
                if !local {
                    return Err(Error::msg("ukryptert SMTP er bare tillatt mot en tjener på denne maskinen")
                        .with_hint("bruk --sikkerhet starttls eller tls"));
                }
                if self.ca_file.is_some() {
                    return Err(Error::msg("--ca-fil gjelder bare kryptert SMTP")
                        .with_hint("bruk --sikkerhet starttls eller tls sammen med --ca-fil"));
                }
                SmtpTransport::builder_dangerous(&self.host)
            }
        };
        let mut builder = builder.port(self.port).timeout(Some(Duration::from_secs(30)));
        if let (Some(u), Some(p)) = (&self.user, &self.password) {
            builder = builder.credentials(Credentials::new(u.clone(), p.clone()));
        }
        Ok(builder.build())
    }

    /// A failure talking to the server, said in Norwegian with what to do.
    /// The failure is told by its kind (the TLS library's certificate error,
    /// the server's reply code, lettre's error kind), never by its English
    /// text, which is shown only as the technical detail.
    pub fn failure(&self, e: &lettre::transport::smtp::Error) -> Diagnostic {
        let detail = e.to_string();
        let server = format!("SMTP-tjeneren {}:{}", self.host, self.port);
        let (what, hint) = match Failure::of(self, e) {
            Failure::Certificate(why) => {
                let why = match why {
                    CertificateProblem::UnknownIssuer => "ikke er utstedt av noen arsplan stoler på",
                    CertificateProblem::OtherName => "ikke gjelder for dette tjenernavnet",
                    CertificateProblem::Expired => "er utløpt",
                    CertificateProblem::NotYetValid => "ikke er gyldig ennå",
                    CertificateProblem::Other => "ikke kan godkjennes",
                };
                let hint = if self.ca_file.is_some() {
                    format!("sertifikatet er ikke utstedt av rotsertifikatet i --ca-fil, eller navnet «{}» står ikke i det; sjekk med IT-avdelingen at både fil og tjenernavn er riktige", self.host)
                } else {
                    "bruker helseforetaket egne sertifikater, oppgi rotsertifikatet med --ca-fil <fil.pem> (få det fra IT-avdelingen)".to_string()
                };
                (format!("{server} viste et sertifikat som {why}; ingenting er sendt"), hint)
            }
            Failure::Login => (
                format!("{server} avviste innloggingen"),
                format!("sjekk brukernavnet (--bruker) og passordet ({PASSWORD_VAR})"),
            ),
            Failure::NoStartTls => (
                format!("{server} tilbyr ikke STARTTLS"),
                "bruk --sikkerhet tls (port 465) hvis tjeneren krypterer fra start".to_string(),
            ),
            Failure::Tls => (
                format!("{server}: den krypterte forbindelsen kunne ikke settes opp"),
                "sjekk --sikkerhet (starttls på port 587, tls på port 465) og --smtp-port".to_string(),
            ),
            Failure::Refused => {
                (format!("{server} avviste meldingen"), "se svaret fra tjeneren i parentes".to_string())
            }
            Failure::Unreachable => (
                format!("får ikke kontakt med {server}"),
                "sjekk tjenernavnet, porten og nettverket (VPN); prøv igjen senere".to_string(),
            ),
        };
        Diagnostic::error(None, format!("{what} (teknisk: {detail})")).hint(hint)
    }

    /// Whether the server offers STARTTLS, asked over a plain connection
    /// (None when it cannot be reached).
    fn offers_starttls(&self) -> Option<bool> {
        use lettre::transport::smtp::client::SmtpConnection;
        use lettre::transport::smtp::extension::ClientId;
        let hello = ClientId::default();
        let mut c = SmtpConnection::connect(
            (self.host.as_str(), self.port),
            Some(Duration::from_secs(10)),
            &hello,
            None,
            None,
        )
        .ok()?;
        let offers = c.can_starttls();
        c.quit().ok();
        Some(offers)
    }
}

/// What went wrong talking to an SMTP server, by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    Certificate(CertificateProblem),
    /// The server refused the login (a 530, 534, 535 or 538 reply, or no
    /// login method both sides know).
    Login,
    /// STARTTLS is required but the server does not offer it.
    NoStartTls,
    /// The encrypted connection failed otherwise.
    Tls,
    /// The server refused a command (any other 4xx or 5xx reply).
    Refused,
    /// No answer: the name, the port, the network.
    Unreachable,
}

/// Why a server's certificate was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CertificateProblem {
    UnknownIssuer,
    OtherName,
    Expired,
    NotYetValid,
    Other,
}

/// SMTP reply codes about the login: authentication required (530), the
/// mechanism too weak (534), the credentials refused (535), encryption
/// required for the mechanism (538).
const LOGIN_CODES: [u16; 4] = [530, 534, 535, 538];

impl Failure {
    fn of(smtp: &Smtp, e: &lettre::transport::smtp::Error) -> Failure {
        if let Some(rustls::Error::InvalidCertificate(c)) = rustls_error(e) {
            use rustls::CertificateError as C;
            return Failure::Certificate(match c {
                C::UnknownIssuer => CertificateProblem::UnknownIssuer,
                C::NotValidForName | C::NotValidForNameContext { .. } => CertificateProblem::OtherName,
                C::Expired | C::ExpiredContext { .. } => CertificateProblem::Expired,
                C::NotValidYet | C::NotValidYetContext { .. } => CertificateProblem::NotYetValid,
                _ => CertificateProblem::Other,
            });
        }
        if e.status().is_some_and(|code| LOGIN_CODES.contains(&u16::from(code))) {
            return Failure::Login;
        }
        // lettre refuses on its own (a client error) when STARTTLS is
        // required and not offered, or when no login method fits: asked
        // plainly, the server tells which.
        if e.is_client() {
            return match (smtp.security, smtp.offers_starttls()) {
                (Security::StartTls, Some(false)) => Failure::NoStartTls,
                _ if smtp.user.is_some() => Failure::Login,
                _ => Failure::Unreachable,
            };
        }
        if e.is_tls() {
            Failure::Tls
        } else if e.is_permanent() || e.is_transient() {
            Failure::Refused
        } else {
            Failure::Unreachable
        }
    }
}

/// The TLS library's error behind a transport error, if there is one: in
/// the error's chain, or inside an I/O error of it (as the TLS stream
/// reports a failed handshake).
fn rustls_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut at: Option<&'a (dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = at {
        if let Some(r) = err.downcast_ref::<rustls::Error>() {
            return Some(r);
        }
        if let Some(r) = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|i| i.downcast_ref::<rustls::Error>())
        {
            return Some(r);
        }
        at = err.source();
    }
    None
}

/// What a send did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Done {
    /// How many messages the server accepted.
    pub sent: usize,
    /// Recipients the ledger, read again under the lock, showed had got this
    /// version already (another send got there first): «Kommune (adresse)».
    pub skipped: Vec<String>,
}

impl Done {
    /// The Norwegian line for a skipped recipient.
    pub fn skipped_text(who: &str) -> String {
        format!("Allerede sendt til {who}, hoppet over.")
    }
}

/// Sends the messages marked for sending, one by one, recording each in the
/// ledger as soon as the server accepted it, with the moment it was sent as
/// its `Date:`. The server is tried first (TLS, certificate, login), so a
/// refused certificate or login sends and records nothing. The caller holds
/// the output folder's lock ([`crate::publish::lock`]), and the ledger is read
/// here, under it: a recipient it records as sent this version is skipped
/// even if the mailing (made before the lock) said to send, so two sends at
/// once send each message once. On a failure the ledger holds everything
/// sent before it, so a rerun resumes.
pub fn send_all(
    outgoing: &[Outgoing],
    (version, held): (&str, &Version),
    smtp: &Smtp,
    ledger_path: &Path,
    progress: &indicatif::ProgressBar,
) -> Result<Done> {
    let transport = smtp.transport()?;
    match transport.test_connection() {
        Ok(true) => {}
        Ok(false) => {
            return Err(Error::msg(format!(
                "SMTP-tjeneren {}:{} svarte ikke som forventet; ingenting er sendt",
                smtp.host, smtp.port
            ))
            .with_hint("sjekk tjenernavnet, porten og --sikkerhet"))
        }
        Err(e) => return Err(smtp.failure(&e).into()),
    }
    let mut ledger = Ledger::read(ledger_path)?;
    let mut sent = 0;
    let mut skipped = Vec::new();
    for o in outgoing.iter().filter(|o| o.action.sends()) {
        let number = &o.recipient.number;
        // The rule the mailing uses: what a municipality last got. (A date
        // moved and moved back gives an earlier version again, which must go.)
        if ledger.last(number).is_some_and(|s| s.version == version) {
            skipped.push(format!("{} ({})", o.recipient.municipality, o.recipient.address));
            progress.set_length(progress.length().unwrap_or(1).saturating_sub(1));
            continue;
        }
        progress.set_message(format!("{} {}", o.recipient.number, o.recipient.municipality));
        let now = SystemTime::now();
        let mut message = o.message.clone();
        message.headers_mut().set(header::Date::new(now));
        transport.send(&message).map_err(|e| {
            let mut d = smtp.failure(&e);
            d.message = format!(
                "sendingen til {} ({}) feilet: {}; {sent} meldinger ble sendt før feilen",
                o.recipient.municipality, o.recipient.address, d.message
            );
            Error(vec![
                d.hint("kjør samme kommando igjen: de som alt har fått dokumentene, får dem ikke på nytt")
            ])
        })?;
        ledger.versions.entry(version.to_string()).or_insert_with(|| held.clone());
        ledger.sent.push(Sent {
            kommunenummer: o.recipient.number.clone(),
            address: o.recipient.address.to_string(),
            version: version.to_string(),
            message_id: o.message_id.clone(),
            time: unix(now),
            letter_date: Some(o.letter_date.clone()),
            from_draft: false,
        });
        ledger.write(ledger_path)?;
        sent += 1;
        progress.inc(1);
    }
    Ok(Done { sent, skipped })
}

/// The file stem of a recipient's files: the kommunenummer, safe on every system.
pub fn file_stem(r: &Recipient) -> String {
    r.number.clone()
}

/// Where a network's year keeps its letters, messages and ledger.
pub fn dir(output: &Path, network: &str, year: i32) -> PathBuf {
    output.join(network).join(year.to_string()).join("utsending")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn security_by_its_name_with_its_usual_port() {
        let by = |n: &str| Security::parse(n).map(|s| (s, s.default_port()));
        assert_eq!(by("starttls").unwrap(), (Security::StartTls, 587));
        assert_eq!(by("tls").unwrap(), (Security::Tls, 465));
        assert_eq!(by("ingen").unwrap(), (Security::None, 25));
        assert_eq!(Security::default(), Security::StartTls);
        let e = Security::parse("ssl").unwrap_err().0.remove(0);
        assert_eq!(
            (e.message.as_str(), e.hint.as_deref()),
            ("ukjent sikkerhet «ssl»", Some("bruk starttls, tls eller ingen"))
        );
        // The serde names are the ones the command line and the page use.
        assert_eq!(serde_json::to_string(&Security::None).unwrap(), "\"ingen\"");
    }

    fn at(iso: &str) -> SystemTime {
        let t = chrono::NaiveDateTime::parse_from_str(iso, "%Y-%m-%d %H:%M:%S").unwrap().and_utc();
        UNIX_EPOCH + Duration::from_secs(t.timestamp() as u64)
    }

    #[test]
    fn oslo_time_follows_summer_time() {
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(oslo(at("2026-01-15 08:00:00")).to_rfc3339(), "2026-01-15T09:00:00+01:00");
        assert_eq!(oslo(at("2026-03-29 00:59:59")).to_rfc3339(), "2026-03-29T01:59:59+01:00");
        assert_eq!(oslo(at("2026-03-29 01:00:00")).to_rfc3339(), "2026-03-29T03:00:00+02:00");
        assert_eq!(oslo(at("2026-10-25 00:59:59")).to_rfc3339(), "2026-10-25T02:59:59+02:00");
        assert_eq!(oslo(at("2026-10-25 01:00:00")).to_rfc3339(), "2026-10-25T02:00:00+01:00");
        // Late evening in UTC is already the next day in Norway.
        assert_eq!(oslo(at("2026-06-30 22:30:00")).date_naive().to_string(), "2026-07-01");
    }

    fn entry(number: &str, version: &str, time: u64) -> Sent {
        Sent {
            kommunenummer: number.into(),
            address: format!("post@{number}.example"),
            version: version.into(),
            message_id: format!("<{version}.{number}@arsplan.invalid>"),
            time,
            letter_date: None,
            from_draft: false,
        }
    }

    #[test]
    fn drafts_confirmed_as_sent_count_as_what_each_recipient_got() {
        let mut l = Ledger {
            drafts: vec![entry("1103", "a", 1), entry("1108", "a", 1), entry("1103", "b", 2)],
            ..Default::default()
        };
        // Each recipient's last draft waits.
        let open: Vec<(&str, &str)> =
            l.unconfirmed_drafts().iter().map(|d| (d.kommunenummer.as_str(), d.version.as_str())).collect();
        assert_eq!(open, [("1103", "b"), ("1108", "a")]);
        // An unknown number changes nothing.
        assert!(l.confirm_drafts(Some(&["9999".to_string()]), 5).is_err());
        assert!(l.sent.is_empty());
        let done = l.confirm_drafts(Some(&["1103".to_string()]), 5).unwrap();
        assert_eq!(done.len(), 1);
        assert_eq!(l.last("1103").map(|s| (s.version.as_str(), s.time, s.from_draft)), Some(("b", 5, true)));
        assert!(l.last("1108").is_none());
        let done = l.confirm_drafts(None, 6).unwrap();
        assert_eq!(done.iter().map(|d| d.kommunenummer.as_str()).collect::<Vec<_>>(), ["1108"]);
        assert!(l.unconfirmed_drafts().is_empty() && l.confirm_drafts(None, 7).unwrap().is_empty());
        // Recorded as such, and read back.
        let json = serde_json::to_string(&l).unwrap();
        assert!(json.contains("\"fra_utkast\":true"), "{json}");
        let again: Ledger = serde_json::from_str(&json).unwrap();
        assert_eq!(again.sent, l.sent);
    }

    #[test]
    fn ledgers_of_the_first_form_still_read() {
        let old = r#"{"sendt": [], "versjoner": {"abc": {"fagdag": {"dato": "2026-11-12", "tittel": "Årlig fagdag", "sekvens": 0}}}}"#;
        let l: Ledger = serde_json::from_str(old).unwrap();
        assert_eq!(l.versions["abc"].events["fagdag"].date, "2026-11-12");
        assert!(l.versions["abc"].documents.is_empty() && l.drafts.is_empty());
        let new = serde_json::to_string(&l).unwrap();
        let again: Ledger = serde_json::from_str(&new).unwrap();
        assert_eq!(again.versions, l.versions);
        assert!(new.contains("\"hendelser\""), "{new}");
    }
}
