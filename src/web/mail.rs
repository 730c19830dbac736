//! The sending page's work, without HTTP: the dry-run overview (who gets
//! what, unverified addresses marked), one message as the municipality will
//! see it, sending in the background with progress to poll, and drafts for
//! Outlook as one zip. Everything goes through [`crate::mailing`], so the
//! ledger and its exactly-once rules are the command line's: a send composes
//! the mailing again from the ledger as it is, and refuses when that is not
//! the mailing the leader confirmed.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::site::DiagView;
use crate::build::Paths;
use crate::diag::{Error, Result};
use crate::mailing::{self, MailOptions, Mailing};
use crate::project::Project;
use crate::send::{Action, Smtp};

/// A recipient's line in the overview.
#[derive(Debug, Clone, Serialize)]
pub struct RecipientView {
    pub number: String,
    pub municipality: String,
    pub address: String,
    pub verified: bool,
    /// What happens: `sendes`, `allerede sendt`, ...
    pub status: String,
    pub sends: bool,
    /// A draft of this version was written for this recipient before.
    pub drafted: bool,
}

/// One message as the municipality will see it.
#[derive(Debug, Clone, Serialize)]
pub struct MessageView {
    pub number: String,
    pub to: String,
    pub from: String,
    pub subject: String,
    pub body: String,
    pub attachments: Vec<String>,
}

/// The overview of a prepared mailing.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub version: String,
    pub recipients: Vec<RecipientView>,
    pub to_send: usize,
    pub unverified: usize,
    pub already: usize,
    pub drafted: usize,
    pub attachments: Vec<String>,
    pub warnings: Vec<DiagView>,
    /// Where the letters and messages were written.
    pub dir: String,
    pub include_unverified: bool,
}

/// A mailing made for the page, with what it was made with.
pub struct PreparedMailing {
    pub mailing: Mailing,
    pub include_unverified: bool,
    pub from: String,
}

/// Builds the documents and makes the mailing as `arsplan send` does (dry
/// run): letters, messages and the summary are written under `utsending/`.
pub fn prepare(
    project: &Project,
    network: &str,
    year: i32,
    include_unverified: bool,
    drafts: bool,
) -> Result<PreparedMailing> {
    let opts = MailOptions { include_unverified, drafts, ..Default::default() };
    let m = project.mailing(network, year, &opts)?;
    mailing::write(project, &m)?;
    let from = project.profile(network).ok().and_then(|p| p.sender).unwrap_or_default();
    Ok(PreparedMailing { mailing: m, include_unverified, from })
}

impl PreparedMailing {
    pub fn overview(&self, project: &Project) -> Overview {
        let m = &self.mailing;
        let paths = Paths::new(project);
        let recipients: Vec<RecipientView> = m
            .outgoing
            .iter()
            .map(|o| RecipientView {
                number: o.recipient.number.clone(),
                municipality: o.recipient.municipality.clone(),
                address: o.recipient.address.to_string(),
                verified: o.recipient.verified,
                status: o.action.label().to_string(),
                sends: o.action.sends(),
                drafted: o.drafted && o.action.sends(),
            })
            .collect();
        Overview {
            version: m.version.clone(),
            to_send: recipients.iter().filter(|r| r.sends).count(),
            unverified: m.outgoing.iter().filter(|o| o.action == Action::Unverified).count(),
            already: m.outgoing.iter().filter(|o| o.action == Action::AlreadySent).count(),
            drafted: recipients.iter().filter(|r| r.drafted).count(),
            recipients,
            attachments: m.outgoing.first().map(|o| o.attachments.clone()).unwrap_or_default(),
            warnings: m.warnings.iter().map(|d| DiagView::new(d, &paths, None)).collect(),
            dir: paths.show(&m.dir),
            include_unverified: self.include_unverified,
        }
    }

    /// The message to one recipient (by kommunenummer), or to the first who
    /// gets one.
    pub fn message(&self, number: Option<&str>) -> Option<MessageView> {
        let m = &self.mailing;
        let o = match number {
            Some(n) => m.outgoing.iter().find(|o| o.recipient.number == n),
            None => m.outgoing.iter().find(|o| o.action.sends()).or(m.outgoing.first()),
        }?;
        Some(MessageView {
            number: o.recipient.number.clone(),
            to: format!("Postmottak {} <{}>", o.recipient.municipality, o.recipient.address),
            from: self.from.clone(),
            subject: o.subject.clone(),
            body: o.body.clone(),
            attachments: o.attachments.clone(),
        })
    }

    /// A file of the mailing by the recipient it is for: the letter's PDF
    /// or the message (.eml). None for anyone not in the mailing.
    pub fn file(&self, number: &str, eml: bool) -> Option<(String, Vec<u8>)> {
        let o = self.mailing.outgoing.iter().find(|o| o.recipient.number == number)?;
        let stem = crate::send::file_stem(&o.recipient);
        let name = if eml { format!("{stem}.eml") } else { format!("folgebrev-{stem}.pdf") };
        let a = self.mailing.files.iter().find(|a| a.path.file_name().is_some_and(|n| n == name.as_str()))?;
        Some((name, a.bytes.clone()))
    }
}

/// The drafts for Outlook of a mailing made with drafts, as one zip; each
/// named by its municipality («1106 Haugesund.eml»).
pub fn drafts_zip(p: &PreparedMailing) -> Result<Vec<u8>> {
    let files: Vec<(String, Vec<u8>)> = p
        .mailing
        .drafts
        .iter()
        .filter_map(|a| {
            let file = a.path.file_name()?.to_str()?.to_string();
            let stem = file.strip_suffix(".eml").unwrap_or(&file);
            let name = p
                .mailing
                .outgoing
                .iter()
                .find(|o| crate::send::file_stem(&o.recipient) == stem)
                .map(|o| {
                    let town: String = o
                        .recipient
                        .municipality
                        .trim()
                        .chars()
                        .map(|c| {
                            if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                                '-'
                            } else {
                                c
                            }
                        })
                        .collect();
                    format!("{stem} {town}.eml")
                })
                .unwrap_or(file.clone());
            Some((name, a.bytes.clone()))
        })
        .collect();
    if files.is_empty() {
        return Err(Error::msg("ingen utkast: ingen mottakere skal ha denne versjonen").with_hint(
            "alle verifiserte mottakere har fått den; en rettet versjon får utkast når dataene er endret",
        ));
    }
    super::site::zip_of(&files)
}

/// A send going on in the background (or being started: it is registered
/// before anything is composed, so a second click finds it).
pub struct Sending {
    /// Its length is how many get a message (set when the send starts).
    pub progress: indicatif::ProgressBar,
    /// Set when it is over: what was sent, or what went wrong.
    pub result: Mutex<Option<std::result::Result<crate::send::Done, Vec<DiagView>>>>,
}

/// Progress as the page's script reads it.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub sent: u64,
    pub total: u64,
    /// The recipient being sent to.
    pub current: String,
    pub done: bool,
    pub ok: bool,
    pub errors: Vec<DiagView>,
    /// «Allerede sendt til …, hoppet over.»: recipients another send
    /// (another window or the terminal) reached first.
    pub skipped: Vec<String>,
}

impl Sending {
    fn new() -> Sending {
        Sending { progress: indicatif::ProgressBar::hidden(), result: Mutex::new(None) }
    }

    fn is_done(&self) -> bool {
        self.result.lock().map(|r| r.is_some()).unwrap_or(true)
    }

    pub fn progress(&self) -> Progress {
        let result = self.result.lock().ok().and_then(|r| r.clone());
        Progress {
            sent: self.progress.position(),
            total: self.progress.length().unwrap_or(0),
            current: self.progress.message(),
            done: result.is_some(),
            ok: matches!(result, Some(Ok(_))),
            skipped: match &result {
                Some(Ok(d)) => d.skipped.iter().map(|w| crate::send::Done::skipped_text(w)).collect(),
                _ => Vec::new(),
            },
            errors: match result {
                Some(Err(e)) => e,
                _ => Vec::new(),
            },
        }
    }
}

/// What the leader confirmed: the version of the documents and how many
/// would get a message.
pub struct Confirmed {
    pub version: String,
    pub to_send: usize,
    pub include_unverified: bool,
}

/// Sends a mailing over SMTP in the background, after making it again from
/// the ledger as it is now: when the documents or the recipients who would
/// get a message differ from what the leader confirmed, nothing is sent.
/// `sending` is the send [`Mailings::claim`] registered; its progress and
/// result follow the send.
pub fn start(
    project: &Project,
    network: &str,
    year: i32,
    confirmed: &Confirmed,
    smtp: Smtp,
    sending: Arc<Sending>,
) -> Result<()> {
    smtp.transport()?;
    let fresh = prepare(project, network, year, confirmed.include_unverified, false)?;
    let m = fresh.mailing;
    let to_send = m.outgoing.iter().filter(|o| o.action.sends()).count();
    if m.version != confirmed.version || to_send != confirmed.to_send {
        return Err(Error::msg(
            "dataene eller sendeloggen er endret siden oversikten ble laget; ingenting er sendt",
        )
        .with_hint("se over den nye oversikten og bekreft på nytt"));
    }
    if to_send == 0 {
        return Err(Error::msg("ingenting å sende: alle verifiserte mottakere har fått denne versjonen"));
    }
    sending.progress.set_length(to_send as u64);
    let project = project.clone();
    in_background(sending, move |sending| {
        let paths = Paths::new(&project);
        project
            .send(&m, &smtp, &sending.progress)
            .map_err(|e| e.0.iter().map(|d| DiagView::new(d, &paths, None)).collect())
    });
    Ok(())
}

/// Runs a send on its own thread; its outcome goes to `sending`, also when
/// it panics (then as an error), so the page is never left «busy».
fn in_background(
    sending: Arc<Sending>,
    work: impl FnOnce(&Sending) -> std::result::Result<crate::send::Done, Vec<DiagView>> + Send + 'static,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&sending))).unwrap_or_else(|_| {
            Err(vec![DiagView {
                kind: crate::diag::Severity::Error,
                place: String::new(),
                message: "sendingen stoppet på grunn av en feil i arsplan".into(),
                hint: Some(
                    "sendeloggen viser hvem som har fått e-post; lag oversikten på nytt og send igjen, så hoppes de over"
                        .into(),
                ),
                row: None,
            }])
        });
        let mut slot = sending.result.lock().unwrap_or_else(|p| p.into_inner());
        *slot = Some(r);
    })
}

/// The page's mailings and sends, per network's year.
#[derive(Default)]
pub struct Mailings {
    pub prepared: Mutex<BTreeMap<(String, i32), Arc<PreparedMailing>>>,
    pub sending: Mutex<BTreeMap<(String, i32), Arc<Sending>>>,
}

impl Mailings {
    pub fn prepared(&self, network: &str, year: i32) -> Option<Arc<PreparedMailing>> {
        self.prepared.lock().ok()?.get(&(network.to_string(), year)).cloned()
    }

    pub fn sending(&self, network: &str, year: i32) -> Option<Arc<Sending>> {
        self.sending.lock().ok()?.get(&(network.to_string(), year)).cloned()
    }

    /// Whether a send of this year is going on now.
    pub fn busy(&self, network: &str, year: i32) -> bool {
        self.sending(network, year).is_some_and(|s| !s.is_done())
    }

    /// Registers a new send of this year, in one locked step with the check
    /// that none is going on: None when one is (a second click, another
    /// window). The caller starts it with [`start`], or calls [`Self::drop_send`]
    /// when it does not start.
    pub fn claim(&self, network: &str, year: i32) -> Option<Arc<Sending>> {
        let mut map = self.sending.lock().ok()?;
        let key = (network.to_string(), year);
        if map.get(&key).is_some_and(|s| !s.is_done()) {
            return None;
        }
        let s = Arc::new(Sending::new());
        map.insert(key, s.clone());
        Some(s)
    }

    /// Forgets a claimed send that did not start (only that one).
    pub fn drop_send(&self, network: &str, year: i32, sending: &Arc<Sending>) {
        if let Ok(mut map) = self.sending.lock() {
            let key = (network.to_string(), year);
            if map.get(&key).is_some_and(|s| Arc::ptr_eq(s, sending)) {
                map.remove(&key);
            }
        }
    }

    /// Forgets a finished send's progress (a new overview replaces it); a
    /// send going on is kept.
    pub fn forget_finished(&self, network: &str, year: i32) {
        if let Ok(mut map) = self.sending.lock() {
            let key = (network.to_string(), year);
            if map.get(&key).is_some_and(|s| s.is_done()) {
                map.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_send_that_panics_leaves_the_page_not_busy() {
        let m = Mailings::default();
        let s = m.claim("x", 2026).unwrap();
        let t = in_background(s, |_| panic!("a bug while sending (this panic is the test)"));
        let _ = t.join();
        assert!(!m.busy("x", 2026), "the send is over");
        let p = m.sending("x", 2026).unwrap().progress();
        assert!(p.done && !p.ok && p.errors[0].message.contains("stoppet"), "{p:?}");
        assert!(m.claim("x", 2026).is_some(), "a new send can start");
    }
}
