//! Typed records of a network's data, each remembering the cell it came from.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::diag::Location;

/// A network's profile, `data/<network>/nettverk.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Full name of the network.
    pub navn: String,
    pub helseforetak: String,
    /// The house style: a folder under `templates/`.
    pub stil: String,
    /// The networks the plan covers (sykepleiernettverket, fysio- og ergoterapinettverket).
    #[serde(default)]
    pub nettverk: Vec<String>,
    /// Local network groups, in the order the documents list them.
    #[serde(default)]
    pub grupper: Vec<String>,
    #[serde(default)]
    pub forside: Vec<String>,
    #[serde(default)]
    pub motto: Vec<String>,
    #[serde(default)]
    pub bygger_pa: Vec<String>,
    #[serde(default)]
    pub malsetting: String,
    #[serde(default)]
    pub kjennetegn: String,
    /// Written as the author in document properties; defaults to the trust.
    #[serde(default)]
    pub forfatter: Option<String>,
}

/// A year's plan settings, `data/<network>/<year>/plan.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlanMeta {
    pub tittel: String,
    /// The document date; also fixes the PDF and DOCX dates for reproducible bytes.
    pub dato: toml::value::Datetime,
    #[serde(default)]
    pub innledning: Vec<String>,
    #[serde(default)]
    pub signatur: Option<String>,
    #[serde(default)]
    pub signatarer: Vec<String>,
}

/// Which network a sub-goal or meeting applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Gjelder {
    #[serde(rename = "felles")]
    Felles,
    #[serde(rename = "sykepleier")]
    Sykepleier,
    #[serde(rename = "fysio/ergo")]
    FysioErgo,
}

impl Gjelder {
    pub const ALL: [(&'static str, Gjelder); 3] = [
        ("felles", Gjelder::Felles),
        ("sykepleier", Gjelder::Sykepleier),
        ("fysio/ergo", Gjelder::FysioErgo),
    ];

    pub fn parse(s: &str) -> Option<Gjelder> {
        let s = s.trim().to_lowercase();
        Gjelder::ALL.iter().find(|(n, _)| *n == s).map(|(_, g)| *g)
    }

    pub fn as_str(self) -> &'static str {
        Gjelder::ALL
            .iter()
            .find(|(_, g)| *g == self)
            .map(|(n, _)| *n)
            .unwrap_or("")
    }
}

/// The kind of a row of the plan outline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Omrade,
    Mal,
    Delmal,
    Aktivitet,
    Underpunkt,
    Tekst,
    Blokk,
}

impl Level {
    pub const ALL: [(&'static str, Level); 7] = [
        ("område", Level::Omrade),
        ("mål", Level::Mal),
        ("delmål", Level::Delmal),
        ("aktivitet", Level::Aktivitet),
        ("underpunkt", Level::Underpunkt),
        ("tekst", Level::Tekst),
        ("blokk", Level::Blokk),
    ];

    pub fn parse(s: &str) -> Option<Level> {
        let s = s.trim().to_lowercase();
        Level::ALL.iter().find(|(n, _)| *n == s).map(|(_, l)| *l)
    }
}

/// One row of `plan.csv`.
#[derive(Debug, Clone)]
pub struct PlanRow {
    pub level: Level,
    /// The text as written (a small template: `{{ fagdag }}`, `{{ år }}`).
    pub text: String,
    pub gjelder: Option<Gjelder>,
    /// Where the text cell is.
    pub loc: Location,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MeetingKind {
    #[serde(rename = "nettverksmøte")]
    Nettverksmote,
    #[serde(rename = "samling")]
    Samling,
    #[serde(rename = "fagdag")]
    Fagdag,
    #[serde(rename = "introduksjonskurs")]
    Introduksjonskurs,
    #[serde(rename = "kurs")]
    Kurs,
    #[serde(rename = "møte")]
    Mote,
}

impl MeetingKind {
    pub const ALL: [(&'static str, MeetingKind); 6] = [
        ("nettverksmøte", MeetingKind::Nettverksmote),
        ("samling", MeetingKind::Samling),
        ("fagdag", MeetingKind::Fagdag),
        ("introduksjonskurs", MeetingKind::Introduksjonskurs),
        ("kurs", MeetingKind::Kurs),
        ("møte", MeetingKind::Mote),
    ];

    pub fn parse(s: &str) -> Option<MeetingKind> {
        let s = s.trim().to_lowercase();
        MeetingKind::ALL
            .iter()
            .find(|(n, _)| *n == s)
            .map(|(_, k)| *k)
    }

    pub fn as_str(self) -> &'static str {
        MeetingKind::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map(|(n, _)| *n)
            .unwrap_or("")
    }
}

/// One row of `moter.csv`.
#[derive(Debug, Clone)]
pub struct Meeting {
    pub id: String,
    pub date: NaiveDate,
    pub kind: MeetingKind,
    pub group: Option<String>,
    pub gjelder: Option<Gjelder>,
    pub title: String,
    pub topic: String,
    pub place: String,
    /// Where the date cell is.
    pub date_loc: Location,
    pub row_loc: Location,
}

/// Everything known about one network for one plan year.
#[derive(Debug, Clone)]
pub struct PlanYear {
    pub network: String,
    pub year: i32,
    pub data_dir: PathBuf,
    pub year_dir: PathBuf,
    pub profile: Profile,
    pub meta: PlanMeta,
    pub date: NaiveDate,
    pub outline: Vec<PlanRow>,
    pub meetings: Vec<Meeting>,
    /// The network's own logo, if it keeps one in its data folder.
    pub logo: Option<PathBuf>,
}
