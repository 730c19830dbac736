//! The prize draw among the resource persons who attended every meeting they
//! were invited to: every draw of a year is recorded in
//! `output/<network>/<year>/trekning.json`; a second draw for the year is
//! refused unless asked for (`--ny`), and a recorded seed repeats a draw.

use serde::{Deserialize, Serialize};

use crate::diag::{count, Error, Location, Result};
use crate::project::Project;
use crate::{load, publish, report, vocabulary};

/// What a recorded draw was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DrawKind {
    /// The year's first draw.
    #[serde(rename = "trekning")]
    First,
    /// A draw after the first, asked for with `--ny`.
    #[serde(rename = "ny trekning")]
    New,
    /// A recorded seed drawn again.
    #[serde(rename = "gjentakelse")]
    Repeat,
}

/// One prize draw as `trekning.json` records it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Draw {
    /// When, in Norwegian time (RFC 3339 with offset).
    #[serde(rename = "tid")]
    pub time: String,
    #[serde(rename = "fro")]
    pub seed: u64,
    /// How many were eligible (attended every meeting they were invited to).
    #[serde(rename = "kandidater")]
    pub eligible: usize,
    #[serde(rename = "vinner")]
    pub winner: String,
    #[serde(rename = "type")]
    pub kind: DrawKind,
}

/// Every draw of a network's year: `output/<network>/<year>/trekning.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Draws {
    #[serde(rename = "trekninger")]
    pub draws: Vec<Draw>,
}

/// The file a network's year records its draws in.
pub const FILE: &str = "trekning.json";

/// A recorded time as a leader reads it: `02.03.2026 kl. 10.15`.
pub fn when(time: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(time)
        .map(|t| t.format("%d.%m.%Y kl. %H.%M").to_string())
        .unwrap_or_else(|_| time.to_string())
}

/// The year a draw is for when none is named: the latest with a report
/// (`rapport.toml`), up to this year: a prize is drawn for a year that has
/// ended or is ending.
pub fn default_year(project: &Project, network: &str) -> Result<i32> {
    let years = load::years(&project.data, network)?;
    let this = crate::dates::this_year();
    years
        .iter()
        .rev()
        .copied()
        .find(|y| *y <= this && project.data.join(network).join(y.to_string()).join("rapport.toml").is_file())
        .ok_or_else(|| {
            Error::msg(format!("nettverket «{network}» har ingen årsrapport å trekke fra"))
                .with_hint("trekningen bruker deltakelsen i årsrapporten; oppgi året med --år")
        })
}

/// What a draw came to.
pub enum Outcome {
    /// No one attended every meeting: nothing drawn, nothing recorded.
    NoOne { words: vocabulary::Words },
    /// A winner, drawn and recorded.
    Drawn(Drawn),
}

/// A draw made and recorded.
pub struct Drawn {
    pub winner: String,
    pub seed: u64,
    /// How many were eligible.
    pub eligible: usize,
    /// The recorded draw with the same seed, when a seed was repeated.
    pub earlier: Option<Draw>,
    /// Where the draws are recorded.
    pub path: std::path::PathBuf,
    pub words: vocabulary::Words,
}

/// Draws the prize of a network's year among those who attended every
/// meeting they were invited to, and records it (under the output folder's
/// lock). A second draw for the year is refused unless `new`; a recorded
/// `seed` repeats that draw; without a seed, the clock gives one.
pub fn draw(project: &Project, network: &str, year: i32, seed: Option<u64>, new: bool) -> Result<Outcome> {
    let (list, words) = project.prize_list(network, year)?;
    if list.is_empty() {
        return Ok(Outcome::NoOne { words });
    }
    let _lock = publish::lock(&project.output)?;
    let path = project.output.join(network).join(year.to_string()).join(FILE);
    let mut record: Draws = match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            Error::at(Location::file(&path), format!("trekningsloggen kan ikke leses: {e}"))
                .with_hint("filen skrives av arsplan trekk; gjenopprett den fra sikkerhetskopi")
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Draws::default(),
        Err(e) => {
            return Err(Error::at(
                Location::file(&path),
                format!("trekningsloggen kan ikke leses: {}", crate::diag::io_text(&e)),
            ))
        }
    };
    let earlier = seed.and_then(|s| record.draws.iter().find(|d| d.seed == s)).cloned();
    if let (Some(first), None, false) = (record.draws.first(), &earlier, new) {
        let more = match record.draws.len() {
            1 => String::new(),
            n => format!(
                " (og {} etter den; den siste vant {})",
                count(n - 1, "trekning", "trekninger"),
                record.draws[n - 1].winner
            ),
        };
        return Err(Error::at(
            Location::file(&path),
            format!(
                "det er alt trukket en vinner i {network} {year}: {} ble trukket {} blant {} med frø {}{more}",
                first.winner,
                when(&first.time),
                count(first.eligible, "kandidat", "kandidater"),
                first.seed
            ),
        )
        .with_hint(format!(
            "vil du trekke på nytt, bruk --ny (alle trekningene står i {}); vil du gjenta den første, bruk --seed {}",
            path.display(),
            first.seed
        )));
    }
    let seed = seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
    });
    let winner = report::draw(&list, seed).unwrap_or_default();
    let kind = match (&earlier, record.draws.is_empty()) {
        (Some(_), _) => DrawKind::Repeat,
        (None, true) => DrawKind::First,
        (None, false) => DrawKind::New,
    };
    let now = crate::send::oslo(std::time::SystemTime::now());
    record.draws.push(Draw {
        time: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        seed,
        eligible: list.len(),
        winner: winner.clone(),
        kind,
    });
    let json = serde_json::to_vec_pretty(&record).map_err(|e| Error::msg(e.to_string()))?;
    publish::write_atomic(&path, &json)?;
    Ok(Outcome::Drawn(Drawn { winner, seed, eligible: list.len(), earlier, path, words }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draw_is_recorded_by_its_kinds_norwegian_name_and_read_back() {
        let d = Draws {
            draws: vec![Draw {
                time: "2026-03-02T10:15:00+01:00".into(),
                seed: 7,
                eligible: 3,
                winner: "Kari".into(),
                kind: DrawKind::New,
            }],
        };
        let json = serde_json::to_string(&d).unwrap();
        assert!(json.contains(r#""type":"ny trekning""#), "{json}");
        let back: Draws = serde_json::from_str(&json).unwrap();
        assert_eq!(back.draws[0].kind, DrawKind::New);
        for (name, kind) in [("trekning", DrawKind::First), ("gjentakelse", DrawKind::Repeat)] {
            let one: Draw = serde_json::from_str(&format!(
                r#"{{"tid":"x","fro":1,"kandidater":1,"vinner":"A","type":"{name}"}}"#
            ))
            .unwrap();
            assert_eq!(one.kind, kind);
        }
        assert_eq!(when("2026-03-02T10:15:00+01:00"), "02.03.2026 kl. 10.15");
    }
}
