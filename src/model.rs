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

        impl Named for $name {
            const ALL: &'static [(&'static str, $name)] = &[$(($text, $name::$variant)),+];
        }

        impl $name {
            /// Reads the word (case and surrounding space do not matter).
            pub fn parse(s: &str) -> Option<$name> {
                <Self as Named>::parse(s)
            }

            /// The word that names the value in the data.
            pub fn as_str(self) -> &'static str {
                <Self as Named>::word(self)
            }
        }
    };
}

/// A value written in the data as one of a fixed set of Norwegian words.
pub trait Named: Copy + PartialEq + 'static {
    /// Every value with the word that names it.
    const ALL: &'static [(&'static str, Self)];

    /// Reads the word (case and surrounding space do not matter).
    fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_lowercase();
        Self::ALL.iter().find(|(n, _)| *n == s).map(|(_, v)| *v)
    }

    fn word(self) -> &'static str {
        Self::ALL.iter().find(|(_, v)| *v == self).map(|(n, _)| *n).unwrap_or("")
    }

    /// The words, for messages: `felles, sykepleier, fysio/ergo`.
    fn words() -> String {
        Self::ALL.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
    }
}

/// A table as read: header texts and rows of trimmed text cells.
#[derive(Debug, Clone)]
pub struct Table {
    pub path: PathBuf,
    /// For workbooks: the sheet the table came from.
    pub sheet: Option<String>,
    pub headers: Vec<String>,
    /// The row the header is on (1 unless blank rows come first).
    pub header_row: usize,
    pub rows: Vec<Row>,
    /// What reading it found to say (a stray cell far outside the table).
    pub warnings: Vec<crate::diag::Diagnostic>,
    /// Workbook cells that are numbers in a format that does not show them
    /// exactly (General: «2.10» typed is 2.1), by (row, column): a column of
    /// identifiers refuses them.
    pub numbers: std::collections::BTreeMap<(usize, usize), String>,
}

#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based row number as the spreadsheet shows it.
    pub number: usize,
    pub cells: Vec<String>,
}

/// A network's profile, `data/<network>/nettverk.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Full name of the network.
    #[serde(rename = "navn")]
    pub name: String,
    /// The health trust (helseforetak).
    #[serde(rename = "helseforetak")]
    pub trust: String,
    /// The house style: a folder under `templates/`.
    #[serde(rename = "stil")]
    pub style: String,
    /// The networks the plan covers (sykepleiernettverket, fysio- og ergoterapinettverket).
    #[serde(rename = "nettverk", default)]
    pub networks: Vec<String>,
    /// Local network groups, in the order the documents list them.
    #[serde(rename = "grupper", default)]
    pub groups: Vec<String>,
    /// Lines of the cover block.
    #[serde(rename = "forside", default)]
    pub cover: Vec<String>,
    #[serde(default)]
    pub motto: Vec<String>,
    /// The documents the plan builds on (bygger på).
    #[serde(rename = "bygger_pa", default)]
    pub builds_on: Vec<String>,
    /// The network's aim (målsetting).
    #[serde(rename = "malsetting", default)]
    pub aim: String,
    /// What the network is known by (kjennetegn).
    #[serde(rename = "kjennetegn", default)]
    pub hallmarks: String,
    /// Written as the author in document properties; defaults to the trust.
    #[serde(rename = "forfatter", default)]
    pub author: Option<String>,
    /// The regional strategy the plans follow: a network folder whose plan is a strategy.
    #[serde(rename = "strategi", default)]
    pub strategy: Option<String>,
    /// Sender of mail to the postmottak: `Navn <adresse>`.
    #[serde(rename = "avsender", default)]
    pub sender: Option<String>,
    /// A second mark at the right of the header (a partner such as Kreftomsorg
    /// Rogaland), for this network's documents only; a `logo-hoyre.svg` or
    /// `.png` in the network's folder stands in its place.
    #[serde(rename = "merke_hoyre", default, skip_serializing_if = "Option::is_none")]
    pub mark_right: Option<String>,
    /// Whether the årsrapport names those in the prize draw (overrides the
    /// house style's `premieliste_med_navn`).
    #[serde(rename = "premieliste_med_navn", default)]
    pub prize_names: Option<bool>,
    /// Whether the network draws a prize among those who attended every
    /// meeting (Stavanger's plan does): only then has the årsrapport a
    /// section on the draw. Off unless set.
    #[serde(rename = "premie_for_oppmote", default)]
    pub attendance_prize: bool,
}

/// A year's plan settings, `data/<network>/<year>/plan.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlanMeta {
    /// The document kind: a template `<dokument>.md.j2` in the house style.
    #[serde(rename = "dokument", default = "default_document")]
    pub kind: String,
    #[serde(rename = "tittel")]
    pub title: String,
    #[serde(rename = "undertittel", default)]
    pub subtitle: Option<String>,
    /// A plan period of several years (`2024-2026`); the folder's year is its first.
    #[serde(rename = "periode", default)]
    pub period: Option<String>,
    /// Strategy only: the focus areas as the strategy's summary list names them.
    #[serde(rename = "fokusomrader", default)]
    pub focus_areas: Vec<String>,
    /// The document date; also fixes the PDF and DOCX dates for reproducible bytes.
    #[serde(rename = "dato")]
    pub date: toml::value::Datetime,
    #[serde(rename = "innledning", default)]
    pub intro: Vec<String>,
    #[serde(rename = "signatur", default)]
    pub signature: Option<String>,
    #[serde(rename = "signatarer", default)]
    pub signatories: Vec<String>,
    /// The documents this year's plan builds on, instead of nettverk.toml's
    /// (a year before a new strategy builds on the old one).
    #[serde(rename = "bygger_pa", default)]
    pub builds_on: Option<Vec<String>>,
    /// The plan's own target for attendance, in percent («Oppnå min. 80 %
    /// fremmøte»); the årsrapport judges attendance against it, and against
    /// nothing when the plan sets none.
    #[serde(rename = "mal_fremmote", default)]
    pub attendance_target: Option<u32>,
    /// The plan's own target for answers to the årlig rapportering, in percent.
    #[serde(rename = "mal_rapportering", default)]
    pub survey_target: Option<u32>,
}

fn default_document() -> String {
    "arsplan".into()
}

named_enum! {
    /// Which network a sub-goal or meeting applies to (Gjelder).
    AppliesTo { Shared = "felles", Nurses = "sykepleier", PhysioOt = "fysio/ergo" }
}

named_enum! {
    /// The network a resource person belongs to.
    Network { Nurses = "sykepleier", PhysioOt = "fysio/ergo" }
}

named_enum! {
    /// The kind of a row of the plan outline (Nivå).
    Level {
        Area = "område",
        Goal = "mål",
        SubGoal = "delmål",
        Activity = "aktivitet",
        SubItem = "underpunkt",
        Text = "tekst",
        Block = "blokk",
        FocusArea = "innsatsområde",
    }
}

/// One row of `plan.csv`.
#[derive(Debug, Clone)]
pub struct PlanRow {
    pub level: Level,
    /// The text as written (a small template: `{{ fagdag }}`, `{{ år }}`).
    pub text: String,
    pub applies_to: Option<AppliesTo>,
    /// Who is responsible (Ahus: Ansvar), one entry per party.
    pub responsible: Vec<String>,
    /// By when (Ahus: Frist).
    pub deadline: String,
    /// Ids of the strategy's innsatsområder a sub-goal serves (`1.2`).
    pub focus_ids: Vec<String>,
    /// Where the text cell is.
    pub loc: Location,
    /// Where the Innsatsområder cell is.
    pub focus_loc: Location,
    /// Report only: how far the activity got, and a comment.
    pub status: Option<Status>,
    pub comment: String,
    /// Columns of the network's own (`Notat`), for templates as `ekstra`.
    pub extra: std::collections::BTreeMap<String, String>,
}

named_enum! {
    /// How far an activity of the plan got during the year.
    Status {
        Done = "gjennomført",
        Partly = "delvis gjennomført",
        NotDone = "ikke gjennomført",
        Postponed = "utsatt",
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
    pub network: Network,
    pub group: Option<String>,
    pub started: NaiveDate,
    pub left: Option<NaiveDate>,
}

/// One person present at one meeting.
#[derive(Debug, Clone)]
pub struct Attendance {
    pub meeting: String,
    pub person: String,
}

/// One answer to the årlig rapportering.
#[derive(Debug, Clone)]
pub struct Answer {
    pub person: String,
}

/// Settings of a year's report, `<year>/rapport.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReportMeta {
    #[serde(rename = "tittel")]
    pub title: String,
    #[serde(rename = "dato")]
    pub date: toml::value::Datetime,
    #[serde(rename = "signatur", default)]
    pub signature: Option<String>,
    #[serde(rename = "signatarer", default)]
    pub signatories: Vec<String>,
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
        NetworkMeeting = "nettverksmøte",
        Gathering = "samling",
        ConferenceDay = "fagdag",
        Introduction = "introduksjonskurs",
        Course = "kurs",
        Meeting = "møte",
    }
}

/// One row of `moter.csv`.
#[derive(Debug, Clone)]
pub struct Meeting {
    pub id: String,
    pub date: NaiveDate,
    pub kind: MeetingKind,
    pub group: Option<String>,
    pub applies_to: Option<AppliesTo>,
    pub title: String,
    pub topic: String,
    pub place: String,
    /// The column of the local groups' table the meeting stands in («Vår»,
    /// «Høst»; column `Periode`, may be empty).
    pub period: String,
    /// Optional start and end time of day (Europe/Oslo).
    pub start: Option<chrono::NaiveTime>,
    pub end: Option<chrono::NaiveTime>,
    /// Where the date cell is.
    pub date_loc: Location,
    /// Columns of the network's own (`Notat`), for templates as `ekstra`.
    pub extra: std::collections::BTreeMap<String, String>,
}

/// A recurring activity of the årshjul (`arshjul.csv`): a month (0-11) and a text.
#[derive(Debug, Clone)]
pub struct WheelItem {
    pub month: usize,
    pub text: String,
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
    /// Sorted by date, then id.
    pub meetings: Vec<Meeting>,
    /// The network's own logo, if it keeps one in its data folder.
    pub logo: Option<PathBuf>,
    /// Prose sections, `<year>/tekster/<name>.md`, by name.
    pub texts: Vec<TextFile>,
    /// The årshjul's recurring activities (`arshjul.csv`), if any.
    pub wheel: Vec<WheelItem>,
    /// Any other table in the year's folder (`aktivitetsplan.csv`, ...), by file stem.
    pub tables: Vec<(String, Table)>,
    /// Present when the year has a `rapport.toml`: the årsrapport is made too.
    pub report: Option<ReportData>,
    /// What loading found worth saying that does not stop a build.
    pub warnings: Vec<crate::diag::Diagnostic>,
}

/// A Markdown file of prose the leader writes.
#[derive(Debug, Clone)]
pub struct TextFile {
    pub name: String,
    pub path: PathBuf,
    pub text: String,
}

impl PlanYear {
    /// Whether the årsrapport names those in the prize draw: the network's
    /// `premieliste_med_navn`, else the house style's (`of_style`).
    pub fn prize_names(&self, of_style: bool) -> bool {
        self.profile.prize_names.unwrap_or(of_style)
    }

    /// The period the document covers: `periode` from plan.toml, else the year.
    pub fn period(&self) -> String {
        self.meta.period.clone().unwrap_or_else(|| self.year.to_string())
    }

    /// The output file stem, `arsplan-2026` or `handlingsplan-2024-2026`.
    pub fn stem(&self) -> String {
        format!("{}-{}", self.meta.kind, self.period())
    }
}

/// A row of the outline with its place in the numbering.
#[derive(Debug, Clone, Copy)]
pub struct Numbered<'a> {
    pub row: &'a PlanRow,
    /// The area the row belongs to, 1-based (an area row: its own number);
    /// 0 before the first area.
    pub area: usize,
    /// The row's number among the rows of its level in its area: `Delmål 2`,
    /// innsatsområde `3.2`. For an area row, the area's number.
    pub nr: usize,
}

/// Numbers the outline as every document shows it: areas 1, 2, ...; within an
/// area, sub-goals and innsatsområder each count from 1. Compose, the strategy
/// and the coverage all number through here.
pub fn numbered(rows: &[PlanRow]) -> Vec<Numbered<'_>> {
    let mut area = 0;
    let mut counts: Vec<(Level, usize)> = Vec::new();
    rows.iter()
        .map(|row| {
            if row.level == Level::Area {
                area += 1;
                counts.clear();
                return Numbered { row, area, nr: area };
            }
            let nr = match counts.iter_mut().find(|(l, _)| *l == row.level) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    counts.push((row.level, 1));
                    1
                }
            };
            Numbered { row, area, nr }
        })
        .collect()
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
        for n in numbered(&py.outline) {
            match n.row.level {
                Level::Area => {
                    areas.push(StrategyArea { nr: n.nr, name: n.row.text.clone(), focus: Vec::new() })
                }
                Level::FocusArea => {
                    if let Some(a) = areas.last_mut() {
                        a.focus.push((format!("{}.{}", n.area, n.nr), n.row.text.clone()));
                    }
                }
                _ => {}
            }
        }
        let title = py.meta.subtitle.clone().unwrap_or_else(|| py.meta.title.clone());
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
    /// (id, text, labels of the sub-goals that serve it: `2. Kompetanse, delmål 3`)
    pub items: Vec<(String, String, Vec<String>)>,
}

impl Coverage {
    pub fn compute(py: &PlanYear, strategy: &Strategy) -> Coverage {
        let mut served: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
        let mut area_name = "";
        for n in numbered(&py.outline) {
            match n.row.level {
                Level::Area => area_name = &n.row.text,
                Level::SubGoal => {
                    for id in &n.row.focus_ids {
                        served
                            .entry(id.as_str())
                            .or_default()
                            .push(format!("{}. {area_name}, delmål {}", n.area, n.nr));
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

/// A file-name-safe slug: `Dalane og sør Jæren + SUS` → `dalane-og-sor-jaeren-sus`.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        let rep = match c {
            'æ' => "ae",
            'ø' => "o",
            'å' => "a",
            'é' | 'è' => "e",
            'ü' => "u",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "-",
        };
        out.push_str(rep);
    }
    out.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-")
}
