//! What each build made from what: a manifest per network and year
//! (`output/<network>/<year>/manifest.json`) with the inputs' and outputs'
//! hashes and every dated event. The next build compares against it and says
//! in plain Norwegian what changed, which files it touched, and raises the
//! calendar SEQUENCE of every moved meeting.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::dates;
use crate::model::PlanYear;

pub const FILE: &str = "manifest.json";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub nettverk: String,
    pub ar: i32,
    /// Input path (relative to the data folder) → sha256.
    pub inndata: BTreeMap<String, String>,
    /// Output file name → sha256.
    pub utdata: BTreeMap<String, String>,
    /// Meeting id → event.
    pub hendelser: BTreeMap<String, Event>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub dato: String,
    #[serde(default)]
    pub tid: String,
    pub tittel: String,
    #[serde(default)]
    pub gruppe: String,
    #[serde(default)]
    pub sted: String,
    /// The iCalendar SEQUENCE: rises each time the event changes.
    pub sekvens: u32,
}

pub fn sha256(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads a manifest; a missing or unreadable one counts as none.
pub fn read(dir: &Path) -> Option<Manifest> {
    let bytes = std::fs::read(dir.join(FILE)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The events of a year, with SEQUENCE numbers carried on from `old`.
pub fn events(py: &PlanYear, old: Option<&Manifest>) -> BTreeMap<String, Event> {
    py.meetings
        .iter()
        .map(|m| {
            let tid = match (m.start, m.end) {
                (Some(s), Some(e)) => format!("{}-{}", s.format("%H:%M"), e.format("%H:%M")),
                (Some(s), None) => s.format("%H:%M").to_string(),
                _ => String::new(),
            };
            let mut e = Event {
                dato: m.date.format("%Y-%m-%d").to_string(),
                tid,
                tittel: m.title.clone(),
                gruppe: m.group.clone().unwrap_or_default(),
                sted: m.place.clone(),
                sekvens: 0,
            };
            if let Some(prev) = old.and_then(|o| o.hendelser.get(&m.id)) {
                let same = prev.dato == e.dato
                    && prev.tid == e.tid
                    && prev.tittel == e.tittel
                    && prev.sted == e.sted;
                e.sekvens = if same { prev.sekvens } else { prev.sekvens + 1 };
            }
            (m.id.clone(), e)
        })
        .collect()
}

/// One change between two builds, said in Norwegian.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub network: String,
    pub year: i32,
    pub text: String,
}

fn label(e: &Event) -> String {
    if e.gruppe.is_empty() {
        e.tittel.clone()
    } else {
        e.gruppe.clone()
    }
}

fn day(iso: &str) -> String {
    dates::parse(iso).map(|d| dates::format(d, "d. MMMM")).unwrap_or_else(|_| iso.to_string())
}

/// What changed from `old` to `new`: moved, new and removed meetings, then the
/// files that changed ("berører ...").
pub fn changes(old: &Manifest, new: &Manifest) -> Vec<Change> {
    let mut lines = Vec::new();
    for (id, e) in &new.hendelser {
        match old.hendelser.get(id) {
            Some(p) if p.dato != e.dato => {
                lines.push(format!("{}: {} → {}", label(e), day(&p.dato), day(&e.dato)))
            }
            Some(p) if p.tid != e.tid => {
                lines.push(format!("{} {}: kl. {} → kl. {}", label(e), day(&e.dato), p.tid, e.tid))
            }
            Some(p) if p.sted != e.sted => {
                lines.push(format!("{} {}: sted «{}» → «{}»", label(e), day(&e.dato), p.sted, e.sted))
            }
            Some(p) if p.tittel != e.tittel => {
                lines.push(format!("{} {}: «{}» → «{}»", label(e), day(&e.dato), p.tittel, e.tittel))
            }
            Some(_) => {}
            None => lines.push(format!("nytt møte: {} {}", label(e), day(&e.dato))),
        }
    }
    for (id, p) in &old.hendelser {
        if !new.hendelser.contains_key(id) {
            lines.push(format!("møtet er fjernet: {} {}", label(p), day(&p.dato)));
        }
    }
    let touched: Vec<String> = new
        .utdata
        .iter()
        .filter(|(name, hash)| old.utdata.get(*name) != Some(*hash))
        .map(|(name, _)| name.clone())
        .collect();
    if lines.is_empty() && !touched.is_empty() {
        let inputs: Vec<&String> =
            new.inndata.iter().filter(|(k, v)| old.inndata.get(*k) != Some(*v)).map(|(k, _)| k).collect();
        if !inputs.is_empty() {
            lines.push(format!(
                "endret: {}",
                inputs.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    let affects =
        if touched.is_empty() { String::new() } else { format!("; berører {}", touched.join(", ")) };
    lines
        .into_iter()
        .map(|l| Change { network: new.nettverk.clone(), year: new.ar, text: format!("{l}{affects}") })
        .collect()
}

/// A short note to send with a corrected version.
pub fn note(network_name: &str, year: i32, changes: &[Change]) -> String {
    let mut s = format!("Endringer i dokumentene for {network_name} {year}\n\n");
    s.push_str("Vi sender en rettet versjon av dokumentene. Dette er endret siden forrige utsending:\n\n");
    for c in changes {
        s.push_str(&format!("- {}\n", c.text));
    }
    s.push_str("\nKalenderfilene er oppdatert: åpner du dem på nytt, flyttes avtalene som allerede ligger i kalenderen.\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(dato: &str, gruppe: &str, sekvens: u32) -> Event {
        Event {
            dato: dato.into(),
            tid: String::new(),
            tittel: "Nettverksmøte".into(),
            gruppe: gruppe.into(),
            sted: String::new(),
            sekvens,
        }
    }

    #[test]
    fn a_moved_meeting_is_said_plainly_with_the_files_it_touches() {
        let mut old = Manifest { nettverk: "stavanger".into(), ar: 2026, ..Default::default() };
        old.hendelser.insert("sandnes_var".into(), ev("2026-04-16", "Sandnes + SUS", 0));
        old.utdata.insert("arsplan-2026.pdf".into(), "a".into());
        old.utdata.insert("arsplan-2026.docx".into(), "b".into());
        let mut new = old.clone();
        new.hendelser.insert("sandnes_var".into(), ev("2026-04-23", "Sandnes + SUS", 1));
        new.utdata.insert("arsplan-2026.pdf".into(), "c".into());
        new.utdata.insert("arsplan-2026.docx".into(), "d".into());
        let c = changes(&old, &new);
        assert_eq!(c.len(), 1);
        assert_eq!(
            c[0].text,
            "Sandnes + SUS: 16. april → 23. april; berører arsplan-2026.docx, arsplan-2026.pdf"
        );
        assert!(note("Nettverket", 2026, &c).contains("- Sandnes + SUS: 16. april → 23. april"));
    }

    #[test]
    fn nothing_changed_says_nothing() {
        let mut m = Manifest::default();
        m.hendelser.insert("a".into(), ev("2026-04-16", "", 0));
        assert!(changes(&m, &m).is_empty());
    }
}
