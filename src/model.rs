//! Typed records of a network's data, each remembering the cell it came from.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::diag::Location;

/// An enum whose variants are written as fixed Norwegian words in the data.
macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value with the word that names it.
            pub const ALL: &'static [(&'static str, $name)] = &[$(($text, $name::$variant)),+];

            /// Reads the word (case and surrounding space do not matter).
            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim().to_lowercase();
                Self::ALL.iter().find(|(n, _)| *n == s).map(|(_, v)| *v)
            }

            pub fn as_str(self) -> &'static str {
                Self::ALL.iter().find(|(_, v)| *v == self).map(|(n, _)| *n).unwrap_or("")
            }
        }
    };
}

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
    /// The regional strategy the plans follow: a network folder whose plan is a strategy.
    #[serde(default)]
    pub strategi: Option<String>,
    /// Sender of mail to the postmottak: `Navn <adresse>`.
    #[serde(default)]
    pub avsender: Option<String>,
}

/// A year's plan settings, `data/<network>/<year>/plan.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlanMeta {
    /// The document kind: a template `<dokument>.md.j2` in the house style.
    #[serde(default = "default_document")]
    pub dokument: String,
    pub tittel: String,
    #[serde(default)]
    pub undertittel: Option<String>,
    /// A plan period of several years (`2024-2026`); the folder's year is its first.
    #[serde(default)]
    pub periode: Option<String>,
    /// Strategy only: the focus areas as the strategy's summary list names them.
    #[serde(default)]
    pub fokusomrader: Vec<String>,
    /// The document date; also fixes the PDF and DOCX dates for reproducible bytes.
    pub dato: toml::value::Datetime,
    #[serde(default)]
    pub innledning: Vec<String>,
    #[serde(default)]
    pub signatur: Option<String>,
    #[serde(default)]
    pub signatarer: Vec<String>,
}

fn default_document() -> String {
    "arsplan".into()
}

named_enum! {
    /// Which network a sub-goal or meeting applies to.
    Gjelder { Felles = "felles", Sykepleier = "sykepleier", FysioErgo = "fysio/ergo" }
}

named_enum! {
    /// The kind of a row of the plan outline.
    Level {
        Omrade = "område",
        Mal = "mål",
        Delmal = "delmål",
        Aktivitet = "aktivitet",
        Underpunkt = "underpunkt",
        Tekst = "tekst",
        Blokk = "blokk",
        Innsatsomrade = "innsatsområde",
    }
}

/// One row of `plan.csv`.
#[derive(Debug, Clone)]
pub struct PlanRow {
    pub level: Level,
    /// The text as written (a small template: `{{ fagdag }}`, `{{ år }}`).
    pub text: String,
    pub gjelder: Option<Gjelder>,
    /// Who is responsible (Ahus: Ansvar), one entry per party.
    pub ansvar: Vec<String>,
    /// By when (Ahus: Frist).
    pub frist: String,
    /// Ids of the strategy's innsatsområder a sub-goal serves (`1.2`).
    pub innsatsomrader: Vec<String>,
    /// Where the text cell is.
    pub loc: Location,
    /// Where the Innsatsområder cell is.
    pub innsats_loc: Location,
    /// Report only: how far the activity got, and a comment.
    pub status: Option<Status>,
    pub kommentar: String,
}

named_enum! {
    /// How far an activity of the plan got during the year.
    Status {
        Gjennomfort = "gjennomført",
        Delvis = "delvis gjennomført",
        IkkeGjennomfort = "ikke gjennomført",
        Utsatt = "utsatt",
    }
}

/// One resource person of a network's register (`ressurspersoner.csv`).
#[derive(Debug, Clone)]
pub struct Person {
    pub id: String,
    pub name: String,
    /// sykepleier, fysioterapeut, ergoterapeut
    pub profession: String,
    pub workplace: String,
    pub kommunenummer: String,
    pub network: Gjelder,
    pub group: Option<String>,
    pub started: NaiveDate,
    pub left: Option<NaiveDate>,
    pub loc: Location,
}

/// One person present at one meeting.
#[derive(Debug, Clone)]
pub struct Attendance {
    pub meeting: String,
    pub person: String,
    pub loc: Location,
}

/// One answer to the årlig rapportering.
#[derive(Debug, Clone)]
pub struct Answer {
    pub person: String,
    pub date: Option<NaiveDate>,
    pub loc: Location,
}

/// Settings of a year's report, `<year>/rapport.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReportMeta {
    pub tittel: String,
    pub dato: toml::value::Datetime,
    #[serde(default)]
    pub signatur: Option<String>,
    #[serde(default)]
    pub signatarer: Vec<String>,
}

/// What a year's report adds to the plan: register, attendance, answers.
#[derive(Debug, Clone)]
pub struct ReportData {
    pub meta: ReportMeta,
    pub date: NaiveDate,
    pub people: Vec<Person>,
    pub attendance: Vec<Attendance>,
    /// None when the year has no rapportering.csv (answers not registered).
    pub answers: Option<Vec<Answer>>,
}

named_enum! {
    /// The kind of a meeting.
    MeetingKind {
        Nettverksmote = "nettverksmøte",
        Samling = "samling",
        Fagdag = "fagdag",
        Introduksjonskurs = "introduksjonskurs",
        Kurs = "kurs",
        Mote = "møte",
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
    /// Optional start and end time of day (Europe/Oslo).
    pub start: Option<chrono::NaiveTime>,
    pub end: Option<chrono::NaiveTime>,
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
    /// Prose sections, `<year>/tekster/<name>.md`, by name.
    pub texts: Vec<TextFile>,
    /// Any other table in the year's folder (`aktivitetsplan.csv`, ...), by file stem.
    pub tables: Vec<(String, crate::load::table::Table)>,
    /// Present when the year has a `rapport.toml`: the årsrapport is made too.
    pub report: Option<ReportData>,
}

/// A Markdown file of prose the leader writes.
#[derive(Debug, Clone)]
pub struct TextFile {
    pub name: String,
    pub path: PathBuf,
    pub text: String,
}

impl PlanYear {
    /// The period the document covers: `periode` from plan.toml, else the year.
    pub fn period(&self) -> String {
        self.meta.periode.clone().unwrap_or_else(|| self.year.to_string())
    }

    /// The output file stem, `arsplan-2026` or `handlingsplan-2024-2026`.
    pub fn stem(&self) -> String {
        format!("{}-{}", self.meta.dokument, self.period())
    }
}

/// The regional strategy a plan follows: its areas and their innsatsområder.
#[derive(Debug, Clone)]
pub struct Strategy {
    /// The network folder that holds the strategy.
    pub network: String,
    pub title: String,
    pub period: String,
    pub areas: Vec<StrategyArea>,
}

#[derive(Debug, Clone)]
pub struct StrategyArea {
    pub nr: usize,
    pub name: String,
    /// (id `<area>.<n>`, text)
    pub focus: Vec<(String, String)>,
}

impl Strategy {
    /// Reads the innsatsområder from a strategy document's outline.
    pub fn from_plan(py: &PlanYear) -> Strategy {
        let mut areas: Vec<StrategyArea> = Vec::new();
        for row in &py.outline {
            match row.level {
                Level::Omrade => areas.push(StrategyArea {
                    nr: areas.len() + 1,
                    name: row.text.clone(),
                    focus: Vec::new(),
                }),
                Level::Innsatsomrade => {
                    if let Some(a) = areas.last_mut() {
                        let id = format!("{}.{}", a.nr, a.focus.len() + 1);
                        a.focus.push((id, row.text.clone()));
                    }
                }
                _ => {}
            }
        }
        let title = match &py.meta.undertittel {
            Some(u) => u.clone(),
            None => py.meta.tittel.clone(),
        };
        Strategy { network: py.network.clone(), title, period: py.period(), areas }
    }

    pub fn focus(&self, id: &str) -> Option<&str> {
        self.areas.iter().flat_map(|a| a.focus.iter()).find(|(i, _)| i == id).map(|(_, t)| t.as_str())
    }

    pub fn len(&self) -> usize {
        self.areas.iter().map(|a| a.focus.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Which of the strategy's innsatsområder a plan's sub-goals serve.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// (id, text, labels of the sub-goals that serve it: `2 Kompetanse, delmål 3`)
    pub items: Vec<(String, String, Vec<String>)>,
}

impl Coverage {
    pub fn compute(py: &PlanYear, strategy: &Strategy) -> Coverage {
        let mut served: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
        let (mut area, mut area_name, mut goal) = (0, String::new(), 0);
        for row in &py.outline {
            match row.level {
                Level::Omrade => {
                    area += 1;
                    goal = 0;
                    area_name = row.text.clone();
                }
                Level::Delmal => {
                    goal += 1;
                    for id in &row.innsatsomrader {
                        served
                            .entry(id.as_str())
                            .or_default()
                            .push(format!("{area}. {area_name}, delmål {goal}"));
                    }
                }
                _ => {}
            }
        }
        let items = strategy
            .areas
            .iter()
            .flat_map(|a| a.focus.iter())
            .map(|(id, text)| (id.clone(), text.clone(), served.remove(id.as_str()).unwrap_or_default()))
            .collect();
        Coverage { items }
    }

    pub fn served(&self) -> usize {
        self.items.iter().filter(|(_, _, by)| !by.is_empty()).count()
    }
}
