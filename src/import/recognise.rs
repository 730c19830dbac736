//! From a Word document's structure to arsplan's data: the cover, title and
//! motto, the front matter (what the plan builds on, its aim, its
//! introduction, prose sections), the outline (areas, goals, sub-goals with
//! their «(felles)» tags, activities and nested points, free paragraphs),
//! meetings from tables and from sentences, Ahus' Mål/Tiltak/Ansvar/Frist
//! tables, period activity plans, governing documents with their links, and
//! the signature. Structure is read from what documents really hold: heading
//! styles when they are used, else numbering patterns, bold lead-ins, list
//! levels and table header rows. Every decision is logged with the
//! paragraph or cell it came from.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::docx::{self, Block, Para, Source, Table};
use super::text::{self, FoundDate};
use crate::model::{slug, AppliesTo, Level, MeetingKind};

fn re(s: &str) -> Regex {
    Regex::new(s).expect("a valid pattern")
}

/// The kinds of document arsplan makes, as the import recognises them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Arsplan,
    Handlingsplan,
    Strategi,
}

impl Kind {
    /// The template name (`dokument` in plan.toml).
    pub fn template(self) -> &'static str {
        match self {
            Kind::Arsplan => "arsplan",
            Kind::Handlingsplan => "handlingsplan",
            Kind::Strategi => "strategi",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Arsplan => "årsplan",
            Kind::Handlingsplan => "handlingsplan",
            Kind::Strategi => "strategi",
        }
    }
}

/// Where something read went.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// A row of the plan (index into `rows`).
    Row(usize),
    /// A meeting (index into `meetings`).
    Meeting(usize),
    /// A field of nettverk.toml or plan.toml, named as the file names it.
    Field(&'static str, &'static str),
    /// A prose file, `tekster/<name>.md`.
    Prose(String),
    /// A row of an extra table (`aktivitetsplan`, `dokumenter`).
    Extra(&'static str, usize),
    /// Written by the house style itself (a label, a table's title or header).
    Style(&'static str),
    /// A column heading of the groups' table, kept as its meetings' `Periode`.
    Period,
}

/// One line of the log: the source, its text, and what it became.
#[derive(Debug, Clone)]
pub struct Entry {
    pub source: Source,
    pub text: String,
    pub target: Target,
}

#[derive(Debug, Clone)]
pub struct RowDraft {
    pub level: Level,
    pub text: String,
    pub applies_to: Option<AppliesTo>,
    pub responsible: Vec<String>,
    pub deadline: String,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub struct MeetingDraft {
    pub id: String,
    pub date: NaiveDate,
    pub kind: MeetingKind,
    pub group: Option<String>,
    pub applies_to: Option<AppliesTo>,
    pub title: String,
    /// Place, time and theme, from a table's «Sted», «Tid» and «Tema» columns.
    pub place: String,
    /// The groups' table's column heading over the date («Vår», «Høst»).
    pub period: String,
    pub start: String,
    pub theme: String,
    pub source: Source,
    /// The date as the document wrote it.
    pub written: String,
    /// The words that told the kind (for the report).
    pub kind_from: String,
}

/// Everything the import read, before it is written.
#[derive(Debug, Clone)]
pub struct Draft {
    pub kind: Kind,
    pub kind_from: String,
    pub year: i32,
    pub year_from: String,
    pub period: Option<String>,
    pub title: String,
    pub title_source: Option<Source>,
    pub subtitle: Option<String>,
    pub cover: Vec<String>,
    pub motto: Vec<String>,
    pub builds_on: Vec<String>,
    pub aim: String,
    pub hallmarks: String,
    pub intro: Vec<String>,
    pub signature: Option<String>,
    pub signatories: Vec<String>,
    pub focus_areas: Vec<String>,
    pub rows: Vec<RowDraft>,
    pub meetings: Vec<MeetingDraft>,
    pub groups: Vec<String>,
    /// Prose files: (name, Markdown).
    pub prose: Vec<(String, String)>,
    /// (Periode, Nivå, Tekst)
    pub activity_plan: Vec<(String, String, String)>,
    /// (Tittel, Lenke)
    pub documents: Vec<(String, String)>,
    /// The health trust and the network's name, as the document names them.
    pub trust: Option<String>,
    pub name: Option<String>,
    /// Mentions the physio/OT network.
    pub physio: bool,
    pub log: Vec<Entry>,
    /// What found no place: (source, text, why).
    pub not_placed: Vec<(Source, String, String)>,
    /// Dates read without a year: (source, as written, the date).
    pub yearless: Vec<(Source, String, NaiveDate)>,
    /// Dates in a text that were left as text: (source, as written).
    pub loose_dates: Vec<(Source, String)>,
    /// Texts whose plan year became `{{ år }}`.
    pub years_templated: usize,
    /// Meetings moved to another year (`--år`): (index, from, a holiday it now falls on).
    pub moved: Vec<(usize, NaiveDate, Option<String>)>,
    /// The year the document itself is for, when `--år` moved it.
    pub document_year: Option<i32>,
}

pub struct Options {
    /// The year to read the document in when its title names none (`--år`).
    pub year: Option<i32>,
    /// The house style's pattern for dates in running text (`d. MMMM`).
    pub text_date: String,
}

/// A line of the document as the recogniser reads it: one paragraph, or
/// one line of a paragraph with line breaks.
#[derive(Debug, Clone)]
struct Line {
    source: Source,
    text: String,
    /// A bold lead-in («Mål:» in «**Mål:** Bidra …») when the line goes on unbolded.
    lead: Option<String>,
    bold: bool,
    heading: Option<u8>,
    style: String,
    /// List level and whether numbered.
    list: Option<(u8, bool)>,
    /// The number Word shows for a numbered list item.
    number: Option<u32>,
    links: Vec<(String, String)>,
    /// The paragraph's left indent in twips.
    indent: i32,
    /// A paragraph of one of Word's lists (not a bullet typed by hand).
    word_list: bool,
}

impl Line {
    fn words(&self) -> usize {
        self.text.split_whitespace().count()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TableKind {
    /// One row per local group, a column (or more) of dates.
    Groups,
    /// Meetings with a title and a date.
    Meetings,
    /// Mål | Tiltak | Ansvar | Frist
    Actions,
    /// Periods of the year with their activities.
    Periods,
    /// A table for layout: its cells are read as lines.
    Layout,
}

#[derive(Debug, Clone)]
enum Item {
    Line(Line),
    Blank,
    Table(TableKind, Table),
}

static AREA: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^(?:(?:fokus|satsnings|innsats)?område\s+)?(\d{1,2})(?:\s*[.:)]|\s+[-–])\s*(\S.*)$")
});
static AREA_WORD: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^(?:fokus|satsnings|innsats)?område\s+(\d{1,2})(?:\s*[.:)]|\s+[-–])?\s*(\S.*)$")
});
static GOAL: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)^(?:hoved)?mål\s*:\s*(.*)$"));
/// The heading of the årshjul's page («Årshjul 2025»).
static WHEEL: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)^årshjul(?:\s+\d{4})?$"));
static SUBGOAL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^delmål\b\s*(\d{1,2})?(?:\s*[:.)]|\s+[-–])?\s*(.*)$"));
static ACTIVITY_LABEL: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)^(aktivitet(er)?|tiltak)\s*:?$"));
static FOCUS_LABEL: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)^(aktuelle\s+)?innsatsområder\s*:?$"));
static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(årsplan|handlingsplan|strategi|arbeidsplan|virksomhetsplan)\b.*\b(19|20)\d\d\b")
});
static RANGE: LazyLock<Regex> = LazyLock::new(|| re(r"\b((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)\b"));
static YEAR: LazyLock<Regex> = LazyLock::new(|| re(r"\b((?:19|20)\d\d)\b"));
static SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^[A-ZÆØÅ].{0,50}\b(januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember)\s+((?:19|20)\d\d)$",
    )
});
static DOCUMENTS: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(sentrale\s+dokumenter|føringer|referanser|aktuelle\s+lenker|^lenker\b)"));
static NETWORK_NAME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)nettverk (?:i|innen) kreftomsorg og lindrende behandling i [^.,;:\n]*?(?:foretaksområde|opptaksområde)",
    )
});
/// A line that names the network («Nettverk i kreftomsorg og lindrende
/// behandling i Helse Fonna», «Kompetansenettverk i palliasjon for …»).
static NAME_LINE: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)^\w*nettverk(?:et)?\s+(?:i|innen|for)\s+\S"));
static URL: LazyLock<Regex> = LazyLock::new(|| re(r"^(https?://|www\.)\S+$"));
static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember|våren|høsten|vår|høst|sommer|jan|feb|mar|apr|jun|jul|aug|sep|okt|nov|des)",
    )
});
/// A word naming a part of the year: a season, a month, a half-year, a term.
static PERIOD_WORD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:(?:vår|høst|sommer|vinter)\w*|\w*(?:halvår|semester|kvartal|tertial)|januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember|jan|feb|apr|jun|jul|aug|sept?|okt|nov|des)\b",
    )
});
static TRUST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(Helse\s?region\s+Vest|Helse\s+(?:Stavanger|Bergen|Fonna|Førde|Vest|Sør-Øst|Nord|Midt-Norge|Møre og Romsdal|Nord-Trøndelag|Finnmark|Helgeland)|Ahus|Akershus universitetssykehus|Sykehuset [A-ZÆØÅ][a-zæøå]+(?:\s[A-ZÆØÅ][a-zæøå]+)?|[A-ZÆØÅ][a-zæøå]+ universitetssykehus|Universitetssykehuset [A-ZÆØÅ][a-zæøå]+(?:-[A-ZÆØÅ][a-zæøå]+)?)",
    )
});

/// A line that is only a trust's name («Helse Fonna», «Helse Fonna HF»).
static TRUST_LINE: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"^\s*(?:{})(?:\s+HF)?\s*$", TRUST.as_str().trim_start_matches(r"\b"))));

/// A trust's name as the profile keeps it.
fn trust_name(t: &str) -> String {
    let t = t.trim().trim_end_matches(" HF").trim().to_string();
    if t.starts_with("Helseregion") || t.starts_with("Helse region") {
        "Helse Vest".to_string()
    } else if t == "Akershus universitetssykehus" {
        "Ahus".to_string()
    } else {
        t
    }
}

/// The lines and tables of the document, with typed bullets read as list
/// items, layout tables opened into their cells, and tab-separated lines
/// with dates read as a table.
fn items(blocks: &[Block]) -> Vec<Item> {
    let mut out = Vec::new();
    for b in blocks {
        match b {
            Block::Para(p) => lines_of(p, &mut out),
            Block::Table(t) => {
                let kind = classify(t);
                if kind == TableKind::Layout {
                    for row in &t.rows {
                        let filled: Vec<&docx::Cell> =
                            row.iter().filter(|c| !cell_text(c).is_empty()).collect();
                        for (n, cell) in row.iter().enumerate() {
                            let mut its = items(&cell.blocks);
                            // A label column: a short line left of what it labels.
                            let label = n == 0
                                && filled.len() >= 2
                                && its.iter().filter(|i| matches!(i, Item::Line(_))).count() == 1;
                            if label {
                                for i in &mut its {
                                    if let Item::Line(l) = i {
                                        if l.words() <= 8 && l.list.is_none() {
                                            l.bold = true;
                                        }
                                    }
                                }
                            }
                            out.extend(its);
                        }
                        out.push(Item::Blank);
                    }
                } else {
                    out.push(Item::Table(kind, t.clone()));
                }
            }
        }
    }
    nest_by_indent(&mut out);
    tabbed_tables(out)
}

/// An item of Word's lists indented further than the first item of its list
/// is a point under the one above it (a bullet moved right, or a list style
/// of its own), though Word keeps it at the list's first level. (Bullets
/// typed by hand have their own rule: see `lines_of`.)
fn nest_by_indent(items: &mut [Item]) {
    let mut base: Option<i32> = None;
    for it in items.iter_mut() {
        match it {
            Item::Line(l) if !l.word_list => base = None,
            Item::Line(l) => match &mut l.list {
                Some((level, _)) => match base {
                    None => base = Some(l.indent),
                    Some(b) if *level == 0 && l.indent >= b + 200 => *level = 1,
                    Some(_) => {}
                },
                None => base = None,
            },
            Item::Table(..) => base = None,
            Item::Blank => {}
        }
    }
}

fn lines_of(p: &Para, out: &mut Vec<Item>) {
    let full = p.text();
    if full.trim().is_empty() {
        out.push(Item::Blank);
        return;
    }
    // The number in Word's label («1.», «a)», «Område 3:»).
    let number = p.list.as_ref().and_then(|l| l.label.as_ref()).and_then(|l| {
        let digits: String =
            l.chars().skip_while(|c| !c.is_ascii_digit()).take_while(|c| c.is_ascii_digit()).collect();
        digits.parse::<u32>().ok()
    });
    let list = p.list.as_ref().map(|l| (l.level, l.ordered));
    // A list item's, a heading's or a bold line's breaks are only its look
    // (a long title broken by hand); elsewhere each line counts.
    let bold_all = p.runs.iter().filter(|r| !r.text.trim().is_empty()).all(|r| r.bold);
    let parts: Vec<String> = if list.is_some() || p.heading.is_some() || bold_all {
        vec![full.split('\n').map(str::trim).collect::<Vec<_>>().join(" ")]
    } else {
        full.split('\n').map(str::to_string).collect()
    };
    let lead = match p.runs.iter().position(|r| !r.text.trim().is_empty()) {
        Some(i) if p.runs[i].bold && !bold_all => Some(p.runs[i].text.trim().to_string()),
        _ => None,
    };
    for (i, part) in parts.iter().enumerate() {
        if part.trim().is_empty() {
            continue;
        }
        let mut line = Line {
            source: p.source.clone(),
            text: part.trim_end().to_string(),
            lead: if i == 0 { lead.clone() } else { None },
            bold: bold_all,
            heading: p.heading,
            style: p.style.clone(),
            list: if i == 0 { list } else { None },
            number: if i == 0 { number } else { None },
            links: p.links.clone(),
            indent: p.indent,
            word_list: p.list.is_some(),
        };
        if line.list.is_none() {
            if let Some((body, level)) = text::typed_bullet(&line.text) {
                // A Word list's indent also tells the level of a typed bullet.
                let by_indent = if p.indent >= 1000 { 1 } else { 0 };
                line.text = body;
                line.list = Some((level.max(by_indent), false));
            }
        }
        line.text = collapse(&line.text);
        if !line.text.is_empty() {
            out.push(Item::Line(line));
        }
    }
}

/// White space folded to single spaces (tabs kept, for tab-separated rows).
fn collapse(s: &str) -> String {
    let mut out = String::new();
    for part in s.split('\t') {
        if !out.is_empty() {
            out.push('\t');
        }
        out.push_str(&part.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    out.trim_matches(['\t', ' ']).to_string()
}

fn cell_text(c: &docx::Cell) -> String {
    docx::paragraphs(&c.blocks).iter().map(|p| p.text()).collect::<Vec<_>>().join("\n").trim().to_string()
}

/// A meeting table's columns for place, time and theme, by their headers
/// («Sted», «Tid»/«Klokkeslett», «Tema»): (place, time, theme).
fn detail_columns(header: &[String]) -> [Option<usize>; 3] {
    let find = |words: &[&str]| header.iter().position(|h| words.contains(&h.as_str()));
    [find(&["sted", "møtested"]), find(&["tid", "klokkeslett", "kl.", "kl"]), find(&["tema"])]
}

fn header_words(row: &[docx::Cell]) -> Vec<String> {
    row.iter().map(|c| cell_text(c).to_lowercase().trim_end_matches(':').trim().to_string()).collect()
}

/// What a table is for, by its header row and its cells.
fn classify(t: &Table) -> TableKind {
    let Some(first) = t.rows.iter().find(|r| r.iter().any(|c| !cell_text(c).is_empty())) else {
        return TableKind::Layout;
    };
    let header = header_words(first);
    let action_words =
        ["mål", "tiltak", "ansvar", "frist", "delmål", "ansvarlig", "tidsfrist", "aktiviteter"];
    if header.iter().filter(|h| action_words.contains(&h.as_str())).count() >= 3 {
        return TableKind::Actions;
    }
    // Also when the actions header is the second row (the first holds the area).
    if t.rows
        .iter()
        .take(3)
        .any(|r| header_words(r).iter().filter(|h| action_words.contains(&h.as_str())).count() >= 3)
    {
        return TableKind::Actions;
    }
    let cols = t.rows.iter().map(Vec::len).max().unwrap_or(0);
    let data: Vec<&Vec<docx::Cell>> =
        t.rows.iter().filter(|r| r.iter().any(|c| !cell_text(c).is_empty())).collect();
    if cols >= 2 {
        let periods = data.iter().filter(|r| PERIOD.is_match(&cell_text(&r[0]))).count();
        if periods >= 2 && periods * 2 >= data.len().saturating_sub(1) {
            return TableKind::Periods;
        }
        // Rows whose first cell is a name and whose other cells hold dates.
        let dated = |r: &&&Vec<docx::Cell>| {
            r.iter().skip(1).any(|c| date_cell(&cell_text(c)))
                && text::find_dates(&cell_text(&r[0])).is_empty()
        };
        let with_dates = data.iter().filter(dated).count();
        if with_dates >= 1 && with_dates * 2 >= data.len().saturating_sub(1).max(1) {
            let group_header =
                header.first().is_some_and(|h| h.contains("gruppe") || h == "område" || h.contains("sted"));
            let date_columns = data
                .iter()
                .filter(dated)
                .map(|r| r.iter().skip(1).filter(|c| date_cell(&cell_text(c))).count())
                .max()
                .unwrap_or(0);
            if group_header || date_columns >= 2 {
                return TableKind::Groups;
            }
            return TableKind::Meetings;
        }
    }
    TableKind::Layout
}

/// A column heading that names a period of the year («Vår», «Dato høst»,
/// «Høsten 2026», «1. halvår»), as written without the year; not «Dato»
/// or «Møtedato».
fn period_heading(heading: &str) -> Option<String> {
    let t = YEAR.replace_all(heading, "");
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    let t = t.trim_end_matches(':').trim().to_string();
    (PERIOD_WORD.is_match(&t) && t.split_whitespace().count() <= 3).then_some(t)
}

/// A cell that holds dates and little else (`16. april`, `30.01, 13.05`).
fn date_cell(text: &str) -> bool {
    let found = text::find_dates(text);
    if found.is_empty() {
        return false;
    }
    let mut rest = String::new();
    let mut last = 0;
    for f in &found {
        rest.push_str(&text[last..f.start]);
        rest.push(' ');
        last = f.end;
    }
    rest.push_str(&text[last..]);
    let left = rest
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '/' | '-' | '–' | '(' | ')'))
        .filter(|w| !w.is_empty() && !matches!(w.to_lowercase().as_str(), "og" | "kl" | "kl."))
        .count();
    left <= 2
}

/// Runs of tab-separated lines with dates (a table typed with tabs) as tables.
fn tabbed_tables(items: Vec<Item>) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::new();
    let mut run: Vec<Line> = Vec::new();
    let flush = |run: &mut Vec<Line>, out: &mut Vec<Item>| {
        let rows: Vec<Vec<docx::Cell>> = run
            .iter()
            .map(|l| {
                l.text
                    .split('\t')
                    .filter(|c| !c.trim().is_empty())
                    .map(|c| docx::Cell {
                        blocks: vec![Block::Para(Para {
                            source: l.source.clone(),
                            style: l.style.clone(),
                            heading: None,
                            list: None,
                            indent: 0,
                            runs: vec![docx::Run { text: c.trim().to_string(), bold: l.bold }],
                            links: vec![],
                            pictures: 0,
                        })],
                    })
                    .collect()
            })
            .collect();
        let table = Table { number: 0, rows };
        let kind = classify(&table);
        let with_dates = run.iter().filter(|l| !text::find_dates(&l.text).is_empty()).count();
        if run.len() >= 2 && with_dates >= 1 && matches!(kind, TableKind::Groups | TableKind::Meetings) {
            out.push(Item::Table(kind, table));
        } else {
            out.extend(run.drain(..).map(|l| Item::Line(l.with_tabs_as_spaces())));
        }
        run.clear();
    };
    for item in items {
        match item {
            Item::Line(l) if l.list.is_none() && l.text.contains('\t') => run.push(l),
            other => {
                flush(&mut run, &mut out);
                out.push(match other {
                    Item::Line(l) => Item::Line(l.with_tabs_as_spaces()),
                    o => o,
                });
            }
        }
    }
    flush(&mut run, &mut out);
    out
}

impl Line {
    fn with_tabs_as_spaces(mut self) -> Line {
        if self.text.contains('\t') {
            self.text =
                self.text.split('\t').map(str::trim).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");
        }
        self
    }
}

/// The number and name of an area heading, if the line is one.
fn area_of(line: &Line) -> Option<(u32, String)> {
    if line.list.is_some_and(|(l, _)| l > 0) {
        return None;
    }
    if let Some(c) = AREA_WORD.captures(&line.text) {
        return Some((c[1].parse().ok()?, c[2].trim().to_string()));
    }
    if let Some(c) = AREA.captures(&line.text) {
        return Some((c[1].parse().ok()?, c[2].trim().to_string()));
    }
    match (line.number, line.list) {
        (Some(n), Some((0, true))) => Some((n, line.text.clone())),
        _ => None,
    }
}

pub fn recognise(blocks: &[Block], opts: &Options) -> Result<Draft, (String, String)> {
    let pictures: Vec<(Source, usize)> = docx::paragraphs(blocks)
        .iter()
        .filter(|p| p.pictures > 0)
        .map(|p| (p.source.clone(), p.pictures))
        .collect();
    let items = items(blocks);
    let content: Vec<usize> =
        items.iter().enumerate().filter(|(_, i)| matches!(i, Item::Line(_))).map(|(i, _)| i).collect();
    if content.is_empty() && !items.iter().any(|i| matches!(i, Item::Table(..))) {
        return Err((
            "dokumentet har ingen tekst å lese".into(),
            "velg Word-filen med fjorårets plan (.docx)".into(),
        ));
    }
    let line = |i: usize| match &items[i] {
        Item::Line(l) => Some(l),
        _ => None,
    };
    // The title: Word's Title style, else the first line that names a plan and a year.
    let title_at = content
        .iter()
        .copied()
        .find(|&i| line(i).is_some_and(|l| l.heading == Some(0)))
        .or_else(|| {
            content.iter().take(30).copied().find(|&i| {
                line(i).is_some_and(|l| TITLE.is_match(&l.text) && l.words() <= 25 && l.list.is_none())
            })
        })
        .or_else(|| content.first().copied());
    let mut d = Draft {
        kind: Kind::Arsplan,
        kind_from: String::new(),
        year: 0,
        year_from: String::new(),
        period: None,
        title: String::new(),
        title_source: None,
        subtitle: None,
        cover: vec![],
        motto: vec![],
        builds_on: vec![],
        aim: String::new(),
        hallmarks: String::new(),
        intro: vec![],
        signature: None,
        signatories: vec![],
        focus_areas: vec![],
        rows: vec![],
        meetings: vec![],
        groups: vec![],
        prose: vec![],
        activity_plan: vec![],
        documents: vec![],
        trust: None,
        name: None,
        physio: false,
        log: vec![],
        not_placed: vec![],
        yearless: vec![],
        loose_dates: vec![],
        years_templated: 0,
        moved: vec![],
        document_year: None,
    };
    let mut cover_end = 0;
    let mut front_start = 0;
    if let Some(t) = title_at.and_then(|i| line(i).map(|l| (i, l))) {
        let (i, l) = t;
        d.title = l.text.clone();
        d.title_source = Some(l.source.clone());
        cover_end = i;
        front_start = i + 1;
        // A strategy's title is often the network's name with «Strategi 2025-2029» under it.
        let short_plan = |l: &Line| TITLE.is_match(&l.text) && l.words() <= 4;
        // Only a strategy's or a handlingsplan's short line sits under a name;
        // «Årsplan 2026» (and any line in Word's Title style) is the title itself.
        let lower = l.text.to_lowercase();
        let under_name =
            l.heading != Some(0) && (lower.starts_with("strategi") || lower.starts_with("handlingsplan"));
        if short_plan(l) && under_name {
            if let Some(prev) = content.iter().rev().copied().find(|&j| j < i).and_then(line) {
                if prev.heading.is_some() || prev.bold {
                    d.subtitle = Some(l.text.clone());
                    d.title = prev.text.clone();
                    d.title_source = Some(prev.source.clone());
                    cover_end = content.iter().rev().copied().find(|&j| j < i).unwrap_or(i);
                }
            }
        } else if let Some(next) =
            content.iter().copied().find(|&j| j > i).and_then(|j| line(j).map(|l| (j, l)))
        {
            if short_plan(next.1) && next.1.text.to_lowercase().starts_with("strategi") {
                d.subtitle = Some(next.1.text.clone());
                front_start = next.0 + 1;
            }
        }
    }
    // The year and the period.
    let heading_text = format!("{} {}", d.title, d.subtitle.clone().unwrap_or_default());
    if let Some(c) = RANGE.captures(&heading_text) {
        let (a, b): (i32, i32) = (c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0));
        if b > a {
            d.period = Some(format!("{a}-{b}"));
            d.year = a;
            d.year_from = format!("perioden {a}-{b} i tittelen");
        }
    }
    if d.year == 0 {
        if let Some(c) = YEAR.captures(&heading_text) {
            d.year = c[1].parse().unwrap_or(0);
            d.year_from = format!("tittelen «{}»", d.title);
        }
    }
    // A document without a year in its title is read in the year the leader names.
    if let (0, Some(y)) = (d.year, opts.year) {
        d.year = y;
        d.year_from = "--år".into();
    }
    if d.year == 0 {
        return Err((
            "fant ikke hvilket år planen gjelder (tittelen har ikke noe årstall)".into(),
            "oppgi året med --år, for eksempel --år 2027".into(),
        ));
    }
    // The kind of document.
    let has_actions = items.iter().any(|i| matches!(i, Item::Table(TableKind::Actions, _)));
    let has_focus = items.iter().any(|i| matches!(i, Item::Line(l) if FOCUS_LABEL.is_match(&l.text)));
    let lower_title = heading_text.to_lowercase();
    (d.kind, d.kind_from) = if lower_title.contains("handlingsplan") {
        (Kind::Handlingsplan, format!("tittelen «{}»", d.title))
    } else if has_actions {
        (Kind::Handlingsplan, "tabellene med Mål, Tiltak, Ansvar og Frist".into())
    } else if lower_title.contains("strategi") {
        (Kind::Strategi, format!("tittelen «{}»", heading_text.trim()))
    } else if has_focus {
        (Kind::Strategi, "overskriftene «Aktuelle innsatsområder»".into())
    } else if lower_title.contains("årsplan") {
        (Kind::Arsplan, format!("tittelen «{}»", d.title))
    } else {
        (Kind::Arsplan, "ingen kjennetegn på handlingsplan eller strategi".into())
    };
    // A handlingsplan or strategy names its period, also when it is one year.
    if d.kind != Kind::Arsplan && d.period.is_none() {
        d.period = Some(d.year.to_string());
    }
    let all_text: String = items
        .iter()
        .filter_map(|i| if let Item::Line(l) = i { Some(l.text.as_str()) } else { None })
        .collect::<Vec<_>>()
        .join("\n");
    d.physio = all_text.to_lowercase().contains("fysio") && all_text.to_lowercase().contains("ergo");
    d.trust = TRUST.captures(&all_text).map(|c| trust_name(&c[1]));
    // Where the areas begin.
    let first_table = items.iter().position(|i| matches!(i, Item::Table(TableKind::Actions, _)));
    // «1. Innledning» numbers the introduction with the areas: they start at 2.
    let numbered_intro = items[front_start.min(items.len())..]
        .iter()
        .any(|i| matches!(i, Item::Line(l) if area_of(l).is_some_and(|(n, name)| n == 1 && is_intro(&name))));
    let first_number = if numbered_intro { 2 } else { 1 };
    let first_area = find_area(&items, front_start, first_number)
        .into_iter()
        .chain(first_table.filter(|&t| t >= front_start))
        .min()
        .unwrap_or(items.len());
    let mut r = Reader {
        d,
        all_text: all_text.clone(),
        pending: None,
        text_date: opts.text_date.clone(),
        ids: BTreeSet::new(),
    };
    r.cover(&items[..cover_end.min(items.len())]);
    if let Some(src) = r.d.title_source.clone() {
        let t = r.d.title.clone();
        r.log(&src, &t, Target::Field("tittel", "plan.toml"));
        if let Some(s) = r.d.subtitle.clone() {
            r.log(&src, &s, Target::Field("undertittel", "plan.toml"));
        }
    }
    r.front(&items[front_start.min(first_area)..first_area]);
    r.areas(&items[first_area..], first_number - 1);
    for (source, n) in pictures {
        let what = if n == 1 { "et bilde".to_string() } else { format!("{n} bilder") };
        r.not_placed(
            &source,
            &format!("({what})"),
            "bilder tas ikke med; nettverkets logo legges som logo.svg eller logo.png i nettverkets mappe",
        );
    }
    r.finish();
    Ok(r.d)
}

/// Whether a heading's text names the introduction («Innledning», «1. Innledning:»).
fn is_intro(text: &str) -> bool {
    let t = text.trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '.' | ')' | ' ' | '\t'));
    t.trim_end_matches([':', ' ']).eq_ignore_ascii_case("innledning")
}

/// The first area heading from `from` on, numbered `expected` (or, failing
/// numbers, a heading followed by a «Mål:» line).
fn find_area(items: &[Item], from: usize, expected: u32) -> Option<usize> {
    (from..items.len()).find(|&i| is_area_start(items, i, expected).is_some())
}

fn next_line(items: &[Item], i: usize) -> Option<&Line> {
    match items[i + 1..].iter().find(|x| !matches!(x, Item::Blank)) {
        Some(Item::Line(l)) => Some(l),
        _ => None,
    }
}

/// Whether item `i` starts an area numbered `expected`: its number and name.
fn is_area_start(items: &[Item], i: usize, expected: u32) -> Option<(u32, String)> {
    let Item::Line(l) = &items[i] else { return None };
    let next = next_line(items, i);
    let next_is_goal = next.is_some_and(|n| {
        GOAL.is_match(&n.text) || n.lead.as_deref().is_some_and(|x| x.to_lowercase().starts_with("mål"))
    });
    let next_table_area = items[i + 1..]
        .iter()
        .find(|x| !matches!(x, Item::Blank))
        .is_some_and(|x| matches!(x, Item::Table(TableKind::Actions, _)));
    if let Some((n, name)) = area_of(l) {
        if n != expected
            || name.split_whitespace().count() > 10
            || name.ends_with(['.', ';', ','])
            || is_intro(&name)
        {
            return None;
        }
        // A summary list of the areas (1. …, 2. …) is not the areas themselves.
        if next.and_then(area_of).is_some_and(|(m, _)| m == n + 1) {
            return None;
        }
        let strong = l.heading.is_some_and(|h| h >= 1)
            || AREA_WORD.is_match(&l.text)
            || l.bold
            || next_is_goal
            || next_table_area
            || next.is_some_and(|n| SUBGOAL.is_match(&n.text));
        return strong.then_some((n, name));
    }
    // A heading without a number, followed by its goal.
    if l.heading.is_some_and(|h| h >= 1) && next_is_goal && l.words() <= 8 {
        return Some((expected, l.text.clone()));
    }
    None
}

struct Reader {
    d: Draft,
    /// The document's text, for names found anywhere in it.
    all_text: String,
    /// A «Mål:» or «Delmål 2:» standing alone: the next line is its text.
    pending: Option<Level>,
    text_date: String,
    ids: BTreeSet<String>,
}

/// Where the reader is inside an area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// After the area's heading or a goal, before any sub-goal.
    Goal,
    /// Inside a sub-goal; whether an «Aktivitet:» label opened its activities.
    SubGoal { activities: bool },
    /// After «Aktuelle innsatsområder:».
    Focus,
    /// After «Andre sentrale dokumenter»: titles and links.
    Documents,
    /// After the signature line: the signatories.
    Signature,
}

fn lead_kind(l: &Line) -> bool {
    let short = l.words() <= 12;
    let letters: Vec<char> = l.text.chars().filter(|c| c.is_alphabetic()).collect();
    let capitals = letters.len() >= 4 && letters.iter().all(|c| c.is_uppercase()) && l.words() <= 8;
    l.list.is_none()
        && (l.heading.is_some_and(|h| h >= 1)
            || (l.bold && short)
            || (l.text.ends_with(':') && short)
            || capitals)
}

impl Reader {
    fn log(&mut self, source: &Source, text: &str, target: Target) {
        self.d.log.push(Entry { source: source.clone(), text: text.to_string(), target });
    }

    /// The last log entry shows the whole line it came from («Delmål 1: …»).
    fn whole_line(&mut self, text: &str) {
        if let Some(e) = self.d.log.last_mut() {
            e.text = text.to_string();
        }
    }

    fn not_placed(&mut self, source: &Source, text: &str, why: &str) {
        self.d.not_placed.push((source.clone(), text.to_string(), why.to_string()));
    }

    /// The lines before the title: the cover's lines and the motto.
    fn cover(&mut self, items: &[Item]) {
        let mut groups: Vec<Vec<&Line>> = vec![vec![]];
        let styled =
            items.iter().any(|i| matches!(i, Item::Line(l) if l.style == "forside" || l.style == "motto"));
        for it in items {
            match it {
                Item::Line(l) => {
                    let new_group = if styled {
                        groups.last().and_then(|g| g.last()).is_some_and(|p| p.style != l.style)
                    } else {
                        // A new thought starts with a capital letter; «i Helse …» goes on.
                        groups.last().is_some_and(|g| !g.is_empty())
                            && l.text.chars().next().is_some_and(char::is_uppercase)
                            && !has_blank_groups(items)
                    };
                    if new_group {
                        groups.push(vec![]);
                    }
                    if let Some(g) = groups.last_mut() {
                        g.push(l);
                    }
                }
                Item::Blank => {
                    if !styled && groups.last().is_some_and(|g| !g.is_empty()) && has_blank_groups(items) {
                        groups.push(vec![]);
                    }
                }
                Item::Table(_, t) => {
                    let text: String = docx::plain_text(&[Block::Table(t.clone())]);
                    self.not_placed(
                        &Source::Cell { table: t.number, row: 1, col: 1 },
                        text.trim(),
                        "en tabell før tittelen",
                    );
                }
            }
        }
        groups.retain(|g| !g.is_empty());
        // A line that is only the trust's name is the helseforetak (the house
        // style prints it in the header), not a line of the cover.
        if !styled {
            groups.retain(|g| match g.as_slice() {
                [l] if TRUST_LINE.is_match(&l.text) => {
                    self.d.trust = Some(trust_name(&l.text));
                    self.log(&l.source, &l.text, Target::Field("helseforetak", "nettverk.toml"));
                    false
                }
                _ => true,
            });
        }
        for (n, g) in groups.iter().enumerate() {
            // The line that names the network is the cover's, wherever it stands.
            let names_network = g.iter().any(|l| NAME_LINE.is_match(&l.text));
            for l in g {
                let motto = if styled { l.style == "motto" } else { n > 0 && !names_network };
                if motto {
                    self.d.motto.push(l.text.clone());
                    self.log(&l.source, &l.text, Target::Field("motto", "nettverk.toml"));
                } else {
                    self.d.cover.push(l.text.clone());
                    self.log(&l.source, &l.text, Target::Field("forside", "nettverk.toml"));
                }
            }
        }
    }

    /// Between the title and the first area: sections under their lead lines.
    fn front(&mut self, items: &[Item]) {
        let mut sections: Vec<(Option<Line>, Vec<Item>)> = vec![(None, vec![])];
        for (i, it) in items.iter().enumerate() {
            if let Item::Line(l) = it {
                let followed_by_table = items[i + 1..]
                    .iter()
                    .find(|x| !matches!(x, Item::Blank))
                    .is_some_and(|x| matches!(x, Item::Table(..)));
                if lead_kind(l) && !followed_by_table {
                    sections.push((Some(l.clone()), vec![]));
                    continue;
                }
            }
            if let Some(s) = sections.last_mut() {
                s.1.push(it.clone());
            }
        }
        let mut last_prose: Option<String> = None;
        for (lead, body) in sections {
            if lead.is_none() && body.iter().all(|i| matches!(i, Item::Blank)) {
                continue;
            }
            let lead_text = lead.as_ref().map(|l| l.text.to_lowercase()).unwrap_or_default();
            let has = |w: &str| lead_text.contains(w);
            match self.d.kind {
                Kind::Arsplan => {
                    if has("bygger på") {
                        self.style_label(lead.as_ref());
                        self.list_field(&body, "bygger_pa");
                    } else if lead_text.starts_with("målsetting") {
                        self.style_label(lead.as_ref());
                        self.d.aim = self.joined(&body, "malsetting");
                    } else if has("kjennetegne") {
                        self.style_label(lead.as_ref());
                        self.d.hallmarks = self.joined(&body, "kjennetegn");
                    } else if lead_text.starts_with("plan for arbeidet")
                        || lead.as_ref().is_some_and(|l| is_intro(&l.text))
                    {
                        self.style_label(lead.as_ref());
                        self.intro(&body);
                    } else {
                        if let Some(l) = &lead {
                            self.tekst_row(l);
                        }
                        self.loose(&body);
                    }
                }
                Kind::Handlingsplan | Kind::Strategi => {
                    let strategy = self.d.kind == Kind::Strategi;
                    let name = if lead_text.starts_with("formål") {
                        Some(("formal", false))
                    } else if has("kjennetegne") {
                        Some(("kjennetegn", false))
                    } else if has("funksjon") {
                        Some(("funksjoner", true))
                    } else if has("styrende dokumenter") {
                        Some(("styrende", true))
                    } else if lead_text.starts_with("ansvarlige") {
                        Some(("ansvarlige", true))
                    } else if strategy && lead_text.starts_with("fokusområde") {
                        Some(("fokusomrader", false))
                    } else if !strategy && (has("bygget opp omkring") || has("områder")) {
                        // The areas as a numbered summary list.
                        self.style_label(lead.as_ref());
                        self.summary(&body);
                        continue;
                    } else if lead.is_none() && strategy {
                        Some(("innledning", false))
                    } else {
                        None
                    };
                    let (file, keep_lead) = match name {
                        Some((f, k)) => (f.to_string(), k),
                        None => (
                            last_prose.clone().unwrap_or_else(|| {
                                if strategy {
                                    "innledning".into()
                                } else {
                                    "formal".into()
                                }
                            }),
                            true,
                        ),
                    };
                    if !keep_lead {
                        self.style_label(lead.as_ref());
                    }
                    let lead = if keep_lead { lead } else { None };
                    self.prose(&file, lead.as_ref(), &body, strategy && file == "fokusomrader");
                    last_prose = Some(file);
                }
            }
        }
    }

    /// A lead line the house style writes itself («Målsetting for nettverket»).
    fn style_label(&mut self, lead: Option<&Line>) {
        if let Some(l) = lead {
            self.log(&l.source, &l.text, Target::Style("overskrift"));
        }
    }

    fn list_field(&mut self, body: &[Item], field: &'static str) {
        for it in body {
            match it {
                Item::Line(l) => {
                    self.d.builds_on.push(l.text.clone());
                    self.log(&l.source, &l.text, Target::Field(field, "nettverk.toml"));
                }
                Item::Table(k, t) => {
                    self.table(*k, t, None);
                }
                Item::Blank => {}
            }
        }
    }

    fn joined(&mut self, body: &[Item], field: &'static str) -> String {
        let mut parts = Vec::new();
        for it in body {
            match it {
                Item::Line(l) => {
                    parts.push(l.text.clone());
                    self.log(&l.source, &l.text, Target::Field(field, "nettverk.toml"));
                }
                Item::Table(k, t) => {
                    self.table(*k, t, None);
                }
                Item::Blank => {}
            }
        }
        parts.join(" ")
    }

    fn intro(&mut self, body: &[Item]) {
        for it in body {
            match it {
                Item::Line(l) => {
                    let t = self.templated(&l.text);
                    self.d.intro.push(t);
                    self.log(&l.source, &l.text, Target::Field("innledning", "plan.toml"));
                }
                Item::Table(k, t) => {
                    self.table(*k, t, None);
                }
                Item::Blank => {}
            }
        }
    }

    /// A numbered summary of the areas (plan.toml `fokusomrader`).
    fn summary(&mut self, body: &[Item]) {
        for it in body {
            match it {
                Item::Line(l) => {
                    let name = area_of(l).map(|(_, n)| n).unwrap_or_else(|| l.text.clone());
                    self.d.focus_areas.push(name);
                    self.log(&l.source, &l.text, Target::Field("fokusomrader", "plan.toml"));
                }
                Item::Table(k, t) => {
                    self.table(*k, t, None);
                }
                Item::Blank => {}
            }
        }
    }

    /// Lines of a prose file, as Markdown; `with_areas`: a numbered list of
    /// the areas becomes the place the template lists them.
    fn prose(&mut self, file: &str, lead: Option<&Line>, body: &[Item], with_areas: bool) {
        let mut md = String::new();
        if let Some(l) = lead {
            md.push_str(&text::markdown_line(&l.text));
            md.push_str("\n\n");
            self.log(&l.source, &l.text, Target::Prose(file.to_string()));
        }
        let mut in_list = false;
        let mut marker_written = false;
        for it in body {
            let l = match it {
                Item::Line(l) => l,
                Item::Blank => continue,
                Item::Table(k, t) => {
                    self.table(*k, t, None);
                    continue;
                }
            };
            if with_areas && area_of(l).is_some() {
                if !marker_written {
                    if !md.is_empty() && !md.ends_with("\n\n") {
                        md.push('\n');
                    }
                    md.push_str("<!-- områdeliste -->\n\n");
                    marker_written = true;
                }
                let name = area_of(l).map(|(_, n)| n).unwrap_or_default();
                self.d.focus_areas.push(name);
                self.log(&l.source, &l.text, Target::Field("fokusomrader", "plan.toml"));
                in_list = false;
                continue;
            }
            let line = self.linked_markdown(l);
            match l.list {
                Some((level, ordered)) => {
                    if !in_list && !md.is_empty() && !md.ends_with("\n\n") {
                        md.push('\n');
                    }
                    md.push_str(&"  ".repeat(level as usize));
                    md.push_str(if ordered { "1. " } else { "- " });
                    md.push_str(&line);
                    md.push('\n');
                    in_list = true;
                }
                None => {
                    if in_list {
                        md.push('\n');
                    }
                    md.push_str(&line);
                    md.push_str("\n\n");
                    in_list = false;
                }
            }
            self.log(&l.source, &l.text, Target::Prose(file.to_string()));
        }
        let md = md.trim_end().to_string() + "\n";
        match self.d.prose.iter_mut().find(|(n, _)| n == file) {
            Some((_, old)) => {
                old.push('\n');
                old.push_str(&md);
            }
            None => self.d.prose.push((file.to_string(), md)),
        }
    }

    /// A line as Markdown, its links as links.
    fn linked_markdown(&self, l: &Line) -> String {
        let mut out = text::markdown_line(&l.text);
        for (label, target) in &l.links {
            let label = label.trim();
            if label.is_empty() || !(target.starts_with("http") || target.starts_with("mailto:")) {
                continue;
            }
            let escaped = text::markdown_line(label);
            if let Some(i) = out.find(&escaped) {
                let link = format!("[{escaped}](<{}>)", target.replace('>', "%3E"));
                out.replace_range(i..i + escaped.len(), &link);
            }
        }
        out
    }

    fn templated(&mut self, s: &str) -> String {
        let (t, n) = text::year_templated(&text::literal_template(s), self.d.year);
        self.d.years_templated += n;
        t
    }

    fn push_row(&mut self, level: Level, text: &str, source: &Source) -> usize {
        let linked = if matches!(level, Level::Activity | Level::SubItem | Level::Text) {
            self.link_dates(text, source)
        } else {
            text::literal_template(text)
        };
        let (t, n) = text::year_templated(&linked, self.d.year);
        self.d.years_templated += n;
        self.d.rows.push(RowDraft {
            level,
            text: t,
            applies_to: None,
            responsible: vec![],
            deadline: String::new(),
            source: source.clone(),
        });
        let i = self.d.rows.len() - 1;
        self.log(source, text, Target::Row(i));
        i
    }

    fn tekst_row(&mut self, l: &Line) {
        self.push_row(Level::Text, &l.text, &l.source);
    }

    /// Lines outside any known section, kept as free paragraphs.
    fn loose(&mut self, body: &[Item]) {
        for it in body {
            match it {
                Item::Line(l) => self.tekst_row(l),
                Item::Table(k, t) => {
                    self.table(*k, t, None);
                }
                Item::Blank => {}
            }
        }
    }

    /// Dates in an activity or a free paragraph: a meeting (a new one, or
    /// one a table already has on that day) that the text names by its id,
    /// so the date lives in one place.
    fn link_dates(&mut self, text: &str, source: &Source) -> String {
        let safe = text::literal_template(text);
        let found = text::find_dates(&safe);
        if found.is_empty() {
            return safe;
        }
        let Some((kind, words)) = text::meeting_kind(&safe) else {
            for f in &found {
                self.d.loose_dates.push((source.clone(), safe[f.start..f.end].to_string()));
            }
            return safe;
        };
        let mut out = String::new();
        let mut last = 0;
        for f in &found {
            let Some(date) = f.date(self.d.year) else { continue };
            let written = safe[f.start..f.end].to_string();
            let applies = text::network_of(&safe).or(Some(AppliesTo::Shared));
            let existing = self.d.meetings.iter().position(|m| m.date == date && m.kind == kind);
            let idx = match existing {
                Some(i) => i,
                None => {
                    let from = format!("ordene «{words}»");
                    self.meeting(
                        date,
                        kind,
                        None,
                        applies,
                        default_title(kind, &safe),
                        source,
                        &written,
                        &from,
                        f,
                    )
                }
            };
            let id = self.d.meetings[idx].id.clone();
            out.push_str(&safe[last..f.start]);
            if f.pattern == self.text_date {
                out.push_str(&format!("{{{{ {id} }}}}"));
            } else {
                out.push_str(&format!("{{{{ {id}|dato(\"{}\") }}}}", f.pattern));
            }
            last = f.end;
        }
        out.push_str(&safe[last..]);
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn meeting(
        &mut self,
        date: NaiveDate,
        kind: MeetingKind,
        group: Option<String>,
        applies_to: Option<AppliesTo>,
        title: String,
        source: &Source,
        written: &str,
        kind_from: &str,
        found: &FoundDate,
    ) -> usize {
        let base = match &group {
            Some(g) => slug(g).replace('-', "_"),
            None => slug(&title).replace('-', "_").split('_').take(3).collect::<Vec<_>>().join("_"),
        };
        let base = if base.is_empty() || !base.starts_with(|c: char| c.is_ascii_lowercase()) {
            format!("mote_{base}").trim_end_matches('_').to_string()
        } else {
            base
        };
        let id = if group.is_some() {
            let n = self.d.meetings.iter().filter(|m| m.group == group).count() + 1;
            self.unique(&format!("{base}_{n}"))
        } else {
            self.unique(&base)
        };
        if found.year.is_none() {
            self.d.yearless.push((source.clone(), written.to_string(), date));
        }
        self.d.meetings.push(MeetingDraft {
            id,
            date,
            kind,
            group,
            applies_to,
            title,
            place: String::new(),
            period: String::new(),
            start: String::new(),
            theme: String::new(),
            source: source.clone(),
            written: written.to_string(),
            kind_from: kind_from.to_string(),
        });
        let i = self.d.meetings.len() - 1;
        self.log(source, written, Target::Meeting(i));
        i
    }

    fn unique(&mut self, base: &str) -> String {
        let mut id = base.to_string();
        let mut n = 2;
        while self.ids.contains(&id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        self.ids.insert(id.clone());
        id
    }

    /// The outline, from the first area on.
    /// `before`: the number of the heading before the first area (1 after «1. Innledning»).
    fn areas(&mut self, items: &[Item], before: u32) {
        let mut state = State::Goal;
        let mut area: u32 = before;
        let mut caption: Option<(Line, usize)> = None;
        let mut i = 0;
        while i < items.len() {
            let it = &items[i];
            i += 1;
            let l = match it {
                Item::Blank => continue,
                Item::Table(kind, t) => {
                    self.pending = None;
                    let cap = caption.take();
                    let done = self.table(*kind, t, cap.as_ref().map(|(c, _)| c));
                    if let (false, Some((c, _))) = (done, cap) {
                        self.tekst_row(&c);
                    }
                    if let State::SubGoal { .. } = state {
                        state = State::SubGoal { activities: false };
                    }
                    if *kind == TableKind::Actions {
                        state = State::Goal;
                    }
                    continue;
                }
                Item::Line(l) => l,
            };
            // The årshjul's page: arsplan draws the wheel from the meetings.
            if WHEEL.is_match(&l.text) && (l.heading.is_some() || l.bold) {
                self.log(&l.source, &l.text, Target::Style("årshjul"));
                continue;
            }
            if let Some((c, at)) = caption.take() {
                // The caption was not a table's after all.
                self.line_in_area(&c, &mut state, &mut area, items, at);
            }
            let before_table = items[i..]
                .iter()
                .find(|x| !matches!(x, Item::Blank))
                .is_some_and(|x| matches!(x, Item::Table(k, _) if *k != TableKind::Actions));
            if before_table
                && l.list.is_none()
                && l.words() <= 14
                && !SUBGOAL.is_match(&l.text)
                && !GOAL.is_match(&l.text)
                && state != State::Signature
            {
                caption = Some((l.clone(), i));
                continue;
            }
            self.line_in_area(l, &mut state, &mut area, items, i);
        }
        if let Some((c, _)) = caption {
            self.tekst_row(&c);
        }
    }

    fn line_in_area(&mut self, l: &Line, state: &mut State, area: &mut u32, items: &[Item], next: usize) {
        if *state == State::Signature {
            self.d.signatories.push(l.text.clone());
            self.log(&l.source, &l.text, Target::Field("signatarer", "plan.toml"));
            return;
        }
        if let Some((n, name)) = is_area_start(items, next - 1, *area + 1) {
            let _ = n;
            *area += 1;
            let name = if self.d.kind == Kind::Strategi { text::sentence_case(&name) } else { name };
            self.push_row(Level::Area, &name, &l.source);
            self.whole_line(&l.text);
            *state = State::Goal;
            return;
        }
        let is_signature = l.style == "signatur"
            || (SIGNATURE.is_match(&l.text) && l.words() <= 7 && l.list.is_none() && *area > 0);
        if is_signature {
            let t = self.templated(&l.text);
            self.d.signature = Some(t);
            self.log(&l.source, &l.text, Target::Field("signatur", "plan.toml"));
            *state = State::Signature;
            return;
        }
        if let Some(level) = self.pending.take() {
            let plain = l.list.is_none()
                && !GOAL.is_match(&l.text)
                && !SUBGOAL.is_match(&l.text)
                && !ACTIVITY_LABEL.is_match(&l.text);
            if plain {
                match level {
                    Level::Goal => {
                        self.push_row(Level::Goal, &l.text, &l.source);
                        *state = State::Goal;
                    }
                    _ => {
                        self.subgoal(&l.text, &l.source);
                        *state = State::SubGoal { activities: false };
                    }
                }
                return;
            }
        }
        if l.list.is_none() && DOCUMENTS.is_match(&l.text) && l.words() <= 10 && lead_kind(l) {
            self.log(&l.source, &l.text, Target::Style("overskrift"));
            *state = State::Documents;
            return;
        }
        if *state == State::Documents {
            self.document(l);
            return;
        }
        if let Some(c) = GOAL.captures(&l.text) {
            let rest = c[1].trim().to_string();
            if !rest.is_empty() {
                self.push_row(Level::Goal, &rest, &l.source);
                self.whole_line(&l.text);
            } else {
                self.log(&l.source, &l.text, Target::Style("etikett"));
                self.pending = Some(Level::Goal);
            }
            *state = State::Goal;
            return;
        }
        if let Some(c) = SUBGOAL.captures(&l.text) {
            let rest = c[2].trim().to_string();
            if !rest.is_empty() {
                self.subgoal(&rest, &l.source);
                self.whole_line(&l.text);
                *state = State::SubGoal { activities: false };
                return;
            }
            if c.get(1).is_some() {
                self.log(&l.source, &l.text, Target::Style("etikett"));
                self.pending = Some(Level::SubGoal);
                return;
            }
        }
        if ACTIVITY_LABEL.is_match(&l.text) {
            self.log(&l.source, &l.text, Target::Style("etikett"));
            *state = State::SubGoal { activities: true };
            return;
        }
        if FOCUS_LABEL.is_match(&l.text) {
            self.log(&l.source, &l.text, Target::Style("etikett"));
            *state = State::Focus;
            return;
        }
        match (*state, l.list) {
            (State::Focus, _) => {
                self.push_row(Level::FocusArea, &l.text, &l.source);
            }
            (State::SubGoal { .. }, Some((level, _))) => {
                let last = self.d.rows.last().map(|r| r.level);
                let sub = level > 0 && matches!(last, Some(Level::Activity | Level::SubItem));
                self.push_row(if sub { Level::SubItem } else { Level::Activity }, &l.text, &l.source);
            }
            (State::SubGoal { activities: true }, None) => {
                self.push_row(Level::Activity, &l.text, &l.source);
            }
            (State::Goal, None)
                if self.d.rows.last().is_some_and(|r| r.level == Level::Goal) && l.heading.is_none() =>
            {
                self.push_row(Level::Goal, &l.text, &l.source);
            }
            (_, _) if l.heading.is_some_and(|h| h >= 2) && *area > 0 && l.words() <= 40 => {
                // A sub-heading inside an area without the word «Delmål».
                self.subgoal(&l.text, &l.source);
                *state = State::SubGoal { activities: false };
            }
            _ => self.tekst_row(l),
        }
    }

    fn subgoal(&mut self, text: &str, source: &Source) {
        let (t, tag) = text::applies_tag(text);
        let i = self.push_row(Level::SubGoal, &t, source);
        self.d.rows[i].applies_to = tag;
    }

    fn document(&mut self, l: &Line) {
        let mut t = l.text.trim().to_string();
        let mut link = l.links.iter().find(|(_, target)| target.starts_with("http")).map(|(_, t)| t.clone());
        // A link written out after the title («Tittel» ↵ «https://…») is the title's link.
        for (label, target) in &l.links {
            let label = label.trim();
            if URL.is_match(label) && t.ends_with(label) && target.starts_with("http") {
                t = t[..t.len() - label.len()].trim().to_string();
                link = Some(target.clone());
            }
        }
        if link.is_none() {
            if let Some((title, url)) = t.rsplit_once(' ').filter(|(_, u)| URL.is_match(u)) {
                link = Some(url.to_string());
                t = title.trim().to_string();
            }
        }
        if URL.is_match(&t) {
            let url = if t.starts_with("www.") { format!("https://{t}") } else { t.clone() };
            self.d.documents.push((String::new(), url));
        } else {
            self.d.documents.push((t, link.unwrap_or_default()));
        }
        let n = self.d.documents.len() - 1;
        self.log(&l.source, &l.text, Target::Extra("dokumenter", n));
    }

    /// A table that means something; true when its caption was used.
    fn table(&mut self, kind: TableKind, t: &Table, caption: Option<&Line>) -> bool {
        match kind {
            TableKind::Groups => self.groups_table(t, caption),
            TableKind::Meetings => self.meetings_table(t, caption),
            TableKind::Actions => {
                self.actions_table(t);
                false
            }
            TableKind::Periods => self.periods_table(t, caption),
            TableKind::Layout => false,
        }
    }

    fn cell_lines(&self, c: &docx::Cell) -> Vec<Line> {
        items(&c.blocks)
            .into_iter()
            .filter_map(|i| match i {
                Item::Line(l) => Some(l),
                _ => None,
            })
            .collect()
    }

    fn groups_table(&mut self, t: &Table, caption: Option<&Line>) -> bool {
        if let Some(c) = caption {
            self.log(&c.source, &c.text, Target::Style("tabelltittel"));
        }
        let header_row = t
            .rows
            .first()
            .is_some_and(|r| r.iter().skip(1).all(|c| text::find_dates(&cell_text(c)).is_empty()));
        let first_meeting = self.d.meetings.len();
        let details = if header_row { detail_columns(&header_words(&t.rows[0])) } else { [None; 3] };
        // Columns headed by a period of the year («Vår», «Høst», «1. halvår»)
        // keep their headings, as the meetings' Periode, when every column of
        // dates has one.
        let periods: Vec<Option<String>> = match t.rows.first() {
            Some(first) if header_row => first.iter().map(|c| period_heading(&cell_text(c))).collect(),
            _ => Vec::new(),
        };
        let date_columns: BTreeSet<usize> = t
            .rows
            .iter()
            .skip(usize::from(header_row))
            .flat_map(|r| {
                r.iter()
                    .enumerate()
                    .skip(1)
                    .filter(|(_, c)| !text::find_dates(&cell_text(c)).is_empty())
                    .map(|(i, _)| i)
            })
            .filter(|c| !details.contains(&Some(*c)))
            .collect();
        let by_period = !date_columns.is_empty()
            && date_columns.iter().all(|c| periods.get(*c).is_some_and(Option::is_some));
        // A group's later meetings may stand in rows of their own with the
        // group's cell left empty.
        let mut current: Option<String> = None;
        for (r, row) in t.rows.iter().enumerate() {
            if r == 0 && header_row {
                for (c, cell) in row.iter().enumerate() {
                    let s = Source::Cell { table: t.number, row: 1, col: c + 1 };
                    let target = if by_period && date_columns.contains(&c) {
                        Target::Period
                    } else {
                        Target::Style("tabelloverskrift")
                    };
                    self.log(&s, &cell_text(cell), target);
                }
                continue;
            }
            let Some(name_cell) = row.first() else { continue };
            let named = cell_text(name_cell).split_whitespace().collect::<Vec<_>>().join(" ");
            let group = if named.is_empty() {
                match &current {
                    Some(g) => g.clone(),
                    None => continue,
                }
            } else {
                named.clone()
            };
            current = Some(group.clone());
            if !self.d.groups.contains(&group) {
                self.d.groups.push(group.clone());
            }
            if !named.is_empty() {
                let gs = Source::Cell { table: t.number, row: r + 1, col: 1 };
                self.log(&gs, &group, Target::Field("grupper", "nettverk.toml"));
            }
            let first_of_row = self.d.meetings.len();
            let mut dated: Vec<(NaiveDate, String, Source, FoundDate, String)> = Vec::new();
            for (c, cell) in row.iter().enumerate().skip(1) {
                if details.contains(&Some(c)) {
                    continue;
                }
                let s = Source::Cell { table: t.number, row: r + 1, col: c + 1 };
                let text = cell_text(cell);
                let period = if by_period {
                    periods.get(c).cloned().flatten().unwrap_or_default()
                } else {
                    String::new()
                };
                for f in text::find_dates(&text) {
                    if let Some(date) = f.date(self.d.year) {
                        dated.push((date, text[f.start..f.end].to_string(), s.clone(), f, period.clone()));
                    }
                }
            }
            dated.sort_by_key(|x| x.0);
            for (date, written, s, f, period) in dated {
                let applies = Some(AppliesTo::Nurses);
                let i = self.meeting(
                    date,
                    MeetingKind::NetworkMeeting,
                    Some(group.clone()),
                    applies,
                    "Nettverksmøte".into(),
                    &s,
                    &written,
                    "en tabell over nettverksgruppene",
                    &f,
                );
                self.d.meetings[i].period = period;
            }
            self.details(t, r, row, details, first_of_row);
        }
        if self.d.meetings.len() > first_meeting {
            let src = Source::Cell { table: t.number, row: 1, col: 1 };
            let i = self.push_block("nettverksgrupper", &src);
            let _ = i;
        }
        true
    }

    /// Place, time and theme from a row's detail columns, onto the meetings
    /// read from that row (from index `first` on).
    fn details(
        &mut self,
        t: &Table,
        r: usize,
        row: &[docx::Cell],
        columns: [Option<usize>; 3],
        first: usize,
    ) {
        for (field, col) in columns.into_iter().enumerate() {
            let Some(c) = col else { continue };
            let value = row.get(c).map(cell_text).unwrap_or_default().replace('\n', " ");
            if value.is_empty() || first >= self.d.meetings.len() {
                continue;
            }
            for m in &mut self.d.meetings[first..] {
                let slot = match field {
                    0 => &mut m.place,
                    1 => &mut m.start,
                    _ => &mut m.theme,
                };
                *slot = value.clone();
            }
            self.log(
                &Source::Cell { table: t.number, row: r + 1, col: c + 1 },
                &value,
                Target::Meeting(first),
            );
        }
    }

    fn push_block(&mut self, name: &str, source: &Source) -> usize {
        self.d.rows.push(RowDraft {
            level: Level::Block,
            text: name.to_string(),
            applies_to: None,
            responsible: vec![],
            deadline: String::new(),
            source: source.clone(),
        });
        let i = self.d.rows.len() - 1;
        self.log(source, &format!("(tabellen) → blokk {name}"), Target::Row(i));
        i
    }

    fn meetings_table(&mut self, t: &Table, caption: Option<&Line>) -> bool {
        let caption_text = caption.map(|c| c.text.clone()).unwrap_or_default();
        let applies = text::network_of(&caption_text);
        let physio = applies == Some(AppliesTo::PhysioOt);
        let mut details = [None; 3];
        for (r, row) in t.rows.iter().enumerate() {
            let texts: Vec<String> = row.iter().map(cell_text).collect();
            let date_col = texts.iter().position(|x| !text::find_dates(x).is_empty());
            if date_col.is_none() && r == 0 {
                details = detail_columns(&header_words(row));
            }
            let Some(dc) = date_col else {
                for (c, x) in texts.iter().enumerate() {
                    if !x.is_empty() {
                        self.log(
                            &Source::Cell { table: t.number, row: r + 1, col: c + 1 },
                            x,
                            Target::Style("tabelloverskrift"),
                        );
                    }
                }
                continue;
            };
            let title: String = texts
                .iter()
                .enumerate()
                .filter(|(c, x)| *c != dc && !details.contains(&Some(*c)) && !x.is_empty())
                .map(|(_, x)| x.replace('\n', " "))
                .collect::<Vec<_>>()
                .join(" – ");
            let kind = text::meeting_kind(&title).or_else(|| text::meeting_kind(&caption_text));
            let (kind, from) = kind
                .map(|(k, w)| (k, format!("ordet «{w}»")))
                .unwrap_or((MeetingKind::Meeting, "ingen kjente ord (satt til møte)".into()));
            let s = Source::Cell { table: t.number, row: r + 1, col: dc + 1 };
            if let Some(f) = text::find_dates(&texts[dc]).into_iter().next() {
                if let Some(date) = f.date(self.d.year) {
                    let written = texts[dc][f.start..f.end].to_string();
                    let who = applies.or_else(|| text::network_of(&title)).or(Some(AppliesTo::Shared));
                    let i = self.meeting(date, kind, None, who, title.clone(), &s, &written, &from, &f);
                    let ts = Source::Cell { table: t.number, row: r + 1, col: if dc == 0 { 2 } else { 1 } };
                    self.log(&ts, &title, Target::Meeting(i));
                    self.details(t, r, row, details, i);
                }
            }
        }
        if physio {
            if let Some(c) = caption {
                self.log(&c.source, &c.text, Target::Style("tabelltittel"));
            }
            self.push_block("fysio_ergo_moter", &Source::Cell { table: t.number, row: 1, col: 1 });
            true
        } else {
            let text = docx::plain_text(&[Block::Table(t.clone())]);
            self.not_placed(
                &Source::Cell { table: t.number, row: 1, col: 1 },
                text.trim(),
                "møtene er lest inn i moter-tabellen, men husstilen har ingen tabell som viser dem slik",
            );
            false
        }
    }

    /// Ahus: a row per goal with its measures, who is responsible and by when.
    fn actions_table(&mut self, t: &Table) {
        let mut cols: Option<[Option<usize>; 4]> = None;
        for (r, row) in t.rows.iter().enumerate() {
            let words = header_words(row);
            let find = |names: &[&str]| words.iter().position(|w| names.contains(&w.as_str()));
            let header = [
                find(&["mål", "delmål"]),
                find(&["tiltak", "aktiviteter", "aktivitet"]),
                find(&["ansvar", "ansvarlig"]),
                find(&["frist", "tidsfrist"]),
            ];
            if header.iter().filter(|h| h.is_some()).count() >= 3 {
                cols = Some(header);
                for (c, w) in row.iter().enumerate() {
                    self.log(
                        &Source::Cell { table: t.number, row: r + 1, col: c + 1 },
                        &cell_text(w),
                        Target::Style("tabelloverskrift"),
                    );
                }
                continue;
            }
            let filled: Vec<usize> = (0..row.len()).filter(|&c| !cell_text(&row[c]).is_empty()).collect();
            let Some(cols) = cols.filter(|_| filled.len() > 1 || filled.first().is_some_and(|&c| c > 0))
            else {
                // A row of one cell: the area's heading or its goal, read as lines.
                let mut state = State::Goal;
                let mut area = self.d.rows.iter().filter(|r| r.level == Level::Area).count() as u32;
                for c in row {
                    let lines = self.cell_lines(c);
                    let its: Vec<Item> = lines.into_iter().map(Item::Line).collect();
                    for k in 0..its.len() {
                        if let Item::Line(l) = &its[k] {
                            self.line_in_area(l, &mut state, &mut area, &its, k + 1);
                        }
                    }
                }
                continue;
            };
            let get = |k: usize| cols[k].and_then(|c| row.get(c));
            let goal_lines = get(0).map(|c| self.cell_lines(c)).unwrap_or_default();
            let goal: Vec<String> = goal_lines
                .iter()
                .map(|l| if l.list.is_some() { format!("- {}", l.text) } else { l.text.clone() })
                .collect();
            let goal = goal.join("\n").trim().to_string();
            let goal_src = Source::Cell { table: t.number, row: r + 1, col: cols[0].unwrap_or(0) + 1 };
            if !goal.is_empty() {
                let i = self.push_row(Level::SubGoal, &goal, &goal_src);
                let mut parties: Vec<String> = Vec::new();
                for l in get(2).map(|c| self.cell_lines(c)).unwrap_or_default() {
                    match parties.last_mut() {
                        Some(p) if l.text.starts_with('(') || p.ends_with(['(', ',']) => {
                            p.push(' ');
                            p.push_str(&l.text);
                        }
                        _ => parties.push(l.text.clone()),
                    }
                }
                let deadline = get(3)
                    .map(|c| self.cell_lines(c).iter().map(|l| l.text.clone()).collect::<Vec<_>>().join(" "))
                    .unwrap_or_default();
                self.d.rows[i].responsible = parties.clone();
                self.d.rows[i].deadline = deadline.clone();
                for (k, text) in [(2usize, parties.join(" | ")), (3, deadline)] {
                    if !text.is_empty() {
                        let s = Source::Cell { table: t.number, row: r + 1, col: cols[k].unwrap_or(0) + 1 };
                        self.log(&s, &text, Target::Row(i));
                    }
                }
            } else if !self.d.rows.iter().any(|r| r.level == Level::SubGoal) {
                // Measures without a goal before any: kept as free text.
                for l in get(1).map(|c| self.cell_lines(c)).unwrap_or_default() {
                    self.tekst_row(&l);
                }
                continue;
            }
            // The measures: a line that ends with «:» and has points under it is an activity with sub-points.
            let measures = get(1).map(|c| self.cell_lines(c)).unwrap_or_default();
            let mut head_open = false;
            for (k, l) in measures.iter().enumerate() {
                let level = match l.list {
                    Some((lv, _)) if lv > 0 => Level::SubItem,
                    Some(_) if head_open => Level::SubItem,
                    _ => Level::Activity,
                };
                let opens = l.list.is_none()
                    && l.text.ends_with(':')
                    && measures.get(k + 1).is_some_and(|n| n.list.is_some());
                if l.list.is_none() {
                    head_open = opens;
                }
                let level = if level == Level::SubItem
                    && !matches!(self.d.rows.last().map(|r| r.level), Some(Level::Activity | Level::SubItem))
                {
                    Level::Activity
                } else {
                    level
                };
                self.push_row(level, &l.text, &l.source);
            }
            // Responsible parties and deadlines of a row without a goal belong to the goal above.
            if goal.is_empty() {
                for k in [2usize, 3] {
                    for l in get(k).map(|c| self.cell_lines(c)).unwrap_or_default() {
                        self.not_placed(
                            &l.source,
                            &l.text,
                            "står i en rad uten mål; se ansvar og frist for målet over",
                        );
                    }
                }
            }
        }
    }

    fn periods_table(&mut self, t: &Table, caption: Option<&Line>) -> bool {
        if let Some(c) = caption {
            self.log(&c.source, &c.text, Target::Style("tabelltittel"));
        }
        for (r, row) in t.rows.iter().enumerate() {
            let Some(first) = row.first().map(cell_text) else { continue };
            let period: String = {
                let lines: Vec<&str> = first.lines().map(str::trim).filter(|x| !x.is_empty()).collect();
                let mut p = String::new();
                for l in lines {
                    if p.ends_with('-') || p.ends_with('–') || p.is_empty() {
                        p.push_str(l);
                    } else {
                        p.push(' ');
                        p.push_str(l);
                    }
                }
                p
            };
            if !PERIOD.is_match(&period) {
                for (c, cell) in row.iter().enumerate() {
                    let x = cell_text(cell);
                    if !x.is_empty() {
                        self.log(
                            &Source::Cell { table: t.number, row: r + 1, col: c + 1 },
                            &x,
                            Target::Style("tabelloverskrift"),
                        );
                    }
                }
                continue;
            }
            for cell in row.iter().skip(1) {
                for l in self.cell_lines(cell) {
                    let level = if l.list.is_some_and(|(lv, _)| lv > 0) { "underpunkt" } else { "aktivitet" };
                    let text = self.templated(&l.text);
                    self.d.activity_plan.push((period.clone(), level.to_string(), text));
                    let n = self.d.activity_plan.len() - 1;
                    self.log(&l.source, &l.text, Target::Extra("aktivitetsplan", n));
                }
            }
        }
        true
    }

    fn finish(&mut self) {
        self.d.name = match self.d.kind {
            Kind::Arsplan if !self.d.cover.is_empty() => Some(self.d.cover.join(" ")),
            Kind::Arsplan => NETWORK_NAME.find(&self.all_text).map(|m| {
                let t = m.as_str();
                let mut c = t.chars();
                c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
            }),
            Kind::Handlingsplan => {
                let t = RANGE.replace_all(&self.d.title, "").to_string();
                let t = YEAR.replace_all(&t, "").to_string();
                let t = t.trim().trim_end_matches(['-', '–', ',']).trim();
                let lower = t.to_lowercase();
                let t = ["handlingsplan for ", "handlingsplan "]
                    .iter()
                    .find_map(|p| lower.starts_with(p).then(|| t[p.len()..].to_string()))
                    .unwrap_or_else(|| t.to_string());
                Some(t)
            }
            Kind::Strategi => Some(self.d.title.clone()),
        };
        // The title follows the plan into next year.
        if self.d.kind == Kind::Arsplan {
            let (t, _) = text::year_templated(&text::literal_template(&self.d.title), self.d.year);
            self.d.title = t;
        } else {
            self.d.title = text::literal_template(&self.d.title);
        }
    }
}

impl Draft {
    /// The plan moved to another year, as `arsplan ny år` moves one: every
    /// meeting to the same weekday of the same ISO week, the period as far.
    /// Texts already name the plan's year as `{{ år }}`.
    pub fn move_to(&mut self, year: i32) {
        let from = self.year;
        if year == from {
            return;
        }
        for (i, m) in self.meetings.iter_mut().enumerate() {
            let (new, _) = crate::scaffold::same_weekday(m.date, year);
            self.moved.push((i, m.date, crate::dates::holiday(new).map(|h| h.to_string())));
            m.date = new;
        }
        if let Some(p) = &self.period {
            let shifted: Vec<String> = p
                .split('-')
                .map(|y| {
                    y.trim()
                        .parse::<i32>()
                        .map(|n| (n + year - from).to_string())
                        .unwrap_or_else(|_| y.to_string())
                })
                .collect();
            self.period = Some(shifted.join("-"));
        }
        self.document_year = Some(from);
        self.year_from = format!("--år (dokumentet gjelder {from})");
        self.year = year;
    }
}

fn has_blank_groups(items: &[Item]) -> bool {
    let mut seen_line = false;
    let mut blank_after_line = false;
    for i in items {
        match i {
            Item::Line(_) if blank_after_line => return true,
            Item::Line(_) => seen_line = true,
            Item::Blank if seen_line => blank_after_line = true,
            _ => {}
        }
    }
    false
}

/// A meeting's title when a sentence gives only its kind.
fn default_title(kind: MeetingKind, text: &str) -> String {
    let t = text.to_lowercase();
    match kind {
        MeetingKind::Introduction if t.contains("fagdag for nye") => {
            "Fagdag for nye ressurspersoner og ledere".into()
        }
        MeetingKind::Introduction => "Introduksjonskurs".into(),
        MeetingKind::Course if t.contains("grunnleggende palliasjon") => {
            "Fagdag i grunnleggende palliasjon".into()
        }
        MeetingKind::Course => "Kurs".into(),
        MeetingKind::ConferenceDay => "Årlig fagdag".into(),
        MeetingKind::Gathering if text::network_of(text) == Some(AppliesTo::PhysioOt) => {
            "Samling i fysio- og ergoterapinettverket".into()
        }
        MeetingKind::Gathering => "Samling".into(),
        MeetingKind::NetworkMeeting => "Nettverksmøte".into(),
        MeetingKind::Meeting => "Møte".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::docx::tests::docx;

    fn p(runs: &[(&str, bool)]) -> String {
        let mut x = String::from("<w:p>");
        for (t, b) in runs {
            x.push_str("<w:r>");
            if *b {
                x.push_str("<w:rPr><w:b/></w:rPr>");
            }
            x.push_str(&format!("<w:t xml:space=\"preserve\">{t}</w:t></w:r>"));
        }
        x.push_str("</w:p>");
        x
    }

    fn cell(t: &str) -> String {
        format!("<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>")
    }

    #[test]
    fn a_hand_made_plan_without_styles_is_read_by_its_bold_lines_typed_bullets_and_tables() {
        let row =
            |cells: &[&str]| format!("<w:tr>{}</w:tr>", cells.iter().map(|c| cell(c)).collect::<String>());
        let doc = [
            p(&[("ÅRSPLAN 2027", true)]),
            p(&[("Plan for arbeidet i 2027:", false)]),
            p(&[("Innledningen.", false)]),
            p(&[("1 – Kompetanse", true)]),
            p(&[("Mål:", true), (" Bedre kompetanse", false)]),
            p(&[("Delmål 1 –", true), (" Økt kunnskap (sykepleier)", false)]),
            p(&[("Aktiviteter:", false)]),
            r#"<w:p><w:r><w:sym w:font="Symbol" w:char="F0B7"/><w:tab/><w:t xml:space="preserve">Fagdag 4. november for alle</w:t></w:r></w:p>"#.to_string(),
            r#"<w:p><w:r><w:tab/><w:t>o</w:t><w:tab/><w:t>Tema: dødshjelp</w:t></w:r></w:p>"#.to_string(),
            p(&[("Møter i lokale nettverksgrupper:", false)]),
            format!("<w:tbl>{}{}{}</w:tbl>", row(&["Gruppe", "Vår", "Høst"]), row(&["Haugesund", "11.03", "14.10"]), row(&["Stord", "18.03", "21.10"])),
            p(&[("2. Drift", true)]),
            p(&[("Mål: Godt drevet nettverk", false)]),
            p(&[("Delmål 1: Faste oppgaver", false)]),
            p(&[("- Sende nyhetsbrev", false)]),
            p(&[("Driftsgruppen januar 2027", false)]),
            p(&[("Kari Nordmann, leder", false)]),
        ]
        .concat();
        let blocks = docx::read(&docx(&doc, None, None)).unwrap();
        let d = recognise(&blocks, &Options { year: None, text_date: "d. MMMM".into() }).unwrap();
        assert_eq!((d.kind, d.year, d.title.as_str()), (Kind::Arsplan, 2027, "ÅRSPLAN {{ år }}"));
        assert_eq!(d.intro, vec!["Innledningen."]);
        let rows: Vec<(&str, &str)> = d.rows.iter().map(|r| (r.level.as_str(), r.text.as_str())).collect();
        assert_eq!(
            rows,
            vec![
                ("område", "Kompetanse"),
                ("mål", "Bedre kompetanse"),
                ("delmål", "Økt kunnskap"),
                ("aktivitet", "Fagdag {{ arlig_fagdag }} for alle"),
                ("underpunkt", "Tema: dødshjelp"),
                ("blokk", "nettverksgrupper"),
                ("område", "Drift"),
                ("mål", "Godt drevet nettverk"),
                ("delmål", "Faste oppgaver"),
                ("aktivitet", "Sende nyhetsbrev"),
            ]
        );
        assert_eq!(d.rows[2].applies_to, Some(AppliesTo::Nurses));
        assert_eq!(d.groups, vec!["Haugesund", "Stord"]);
        let meetings: Vec<(String, String, Option<String>)> = d
            .meetings
            .iter()
            .map(|m| (m.id.clone(), m.date.format("%d.%m.%Y").to_string(), m.group.clone()))
            .collect();
        assert_eq!(meetings[0], ("arlig_fagdag".into(), "04.11.2027".into(), None));
        assert_eq!(meetings[1], ("haugesund_1".into(), "11.03.2027".into(), Some("Haugesund".into())));
        assert_eq!(d.meetings.len(), 5);
        assert_eq!(d.meetings[0].kind, MeetingKind::ConferenceDay);
        assert_eq!(d.yearless.len(), 5, "every date was read without a year");
        assert_eq!(d.signature.as_deref(), Some("Driftsgruppen januar {{ år }}"));
        assert_eq!(d.signatories, vec!["Kari Nordmann, leder"]);
        assert!(d.not_placed.is_empty(), "{:?}", d.not_placed);
    }

    #[test]
    fn the_trust_the_name_the_introduction_indented_bullets_and_season_columns_are_told_apart() {
        let row =
            |cells: &[&str]| format!("<w:tr>{}</w:tr>", cells.iter().map(|c| cell(c)).collect::<String>());
        let numbering = r#"<w:abstractNum w:abstractNumId="8"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/><w:pPr><w:ind w:left="360" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum><w:num w:numId="4"><w:abstractNumId w:val="8"/></w:num>"#;
        let bullet = |t: &str, indent: Option<u32>| {
            let ind = indent.map(|i| format!(r#"<w:ind w:left="{i}"/>"#)).unwrap_or_default();
            format!(
                r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="4"/></w:numPr>{ind}</w:pPr><w:r><w:t>{t}</w:t></w:r></w:p>"#
            )
        };
        let doc = [
            p(&[("Helse Fonna HF", false)]),
            p(&[("Nettverk i kreftomsorg og lindrende behandling i Helse Fonna", false)]),
            p(&[("ÅRSPLAN 2027", true)]),
            p(&[("1. Innledning", true)]),
            p(&[("Nettverket samler ressurssykepleierne.", false)]),
            p(&[("2. Kompetanse", true)]),
            p(&[("Mål:", true), (" Bedre kompetanse", false)]),
            p(&[("Delmål 1:", true), (" Økt kunnskap (sykepleier)", false)]),
            bullet("Nettverksmøter", None),
            bullet("Tema: smerte", Some(720)),
            bullet("Fagdag", None),
            p(&[("Møter i lokale nettverksgrupper:", false)]),
            format!(
                "<w:tbl>{}{}{}</w:tbl>",
                row(&["Gruppe", "Vårsemester 2027", "Høstsemester 2027"]),
                row(&["Haugesund", "11.03", "14.10"]),
                row(&["Stord", "18.03", "21.10"])
            ),
        ]
        .concat();
        let blocks = docx::read(&docx(&doc, Some(numbering), None)).unwrap();
        let d = recognise(&blocks, &Options { year: None, text_date: "d. MMMM".into() }).unwrap();
        assert_eq!(d.trust.as_deref(), Some("Helse Fonna"));
        assert_eq!(d.name.as_deref(), Some("Nettverk i kreftomsorg og lindrende behandling i Helse Fonna"));
        assert_eq!((d.cover.len(), d.motto.len()), (1, 0));
        assert_eq!(d.intro, vec!["Nettverket samler ressurssykepleierne."]);
        let rows: Vec<(&str, &str)> = d.rows.iter().map(|r| (r.level.as_str(), r.text.as_str())).collect();
        assert_eq!(
            rows[..6],
            [
                ("område", "Kompetanse"),
                ("mål", "Bedre kompetanse"),
                ("delmål", "Økt kunnskap"),
                ("aktivitet", "Nettverksmøter"),
                ("underpunkt", "Tema: smerte"),
                ("aktivitet", "Fagdag"),
            ]
        );
        let periods: Vec<(&str, &str)> =
            d.meetings.iter().map(|m| (m.id.as_str(), m.period.as_str())).collect();
        assert_eq!(
            periods,
            [
                ("haugesund_1", "Vårsemester"),
                ("haugesund_2", "Høstsemester"),
                ("stord_1", "Vårsemester"),
                ("stord_2", "Høstsemester")
            ]
        );
        // A column of dates under «Dato» is no period; «Dato vår» is.
        assert_eq!(period_heading("Dato 2027"), None);
        assert_eq!(period_heading("Møtedato"), None);
        assert_eq!(period_heading("Dato våren 2027").as_deref(), Some("Dato våren"));
        assert_eq!(period_heading("1. halvår:").as_deref(), Some("1. halvår"));
    }

    #[test]
    fn a_summary_list_of_the_areas_is_not_the_areas_and_a_year_must_be_found() {
        let doc = [
            p(&[("Handlingsplan 2024-2026", true)]),
            p(&[("Planen er bygget opp omkring følgende områder:", false)]),
            p(&[("1. Pasient", false)]),
            p(&[("2. Kompetanse", false)]),
            p(&[("1. Pasient", true)]),
            p(&[("Mål: Trygghet", false)]),
        ]
        .concat();
        let blocks = docx::read(&docx(&doc, None, None)).unwrap();
        let d = recognise(&blocks, &Options { year: None, text_date: "d. MMMM".into() }).unwrap();
        assert_eq!((d.kind, d.year, d.period.as_deref()), (Kind::Handlingsplan, 2024, Some("2024-2026")));
        assert_eq!(d.focus_areas, vec!["Pasient", "Kompetanse"]);
        assert_eq!(d.rows.iter().filter(|r| r.level == Level::Area).count(), 1);
        let blocks = docx::read(&docx(&p(&[("Årsplan for nettverket", true)]), None, None)).unwrap();
        let err = recognise(&blocks, &Options { year: None, text_date: "d. MMMM".into() }).unwrap_err();
        assert!(err.0.contains("fant ikke hvilket år") && err.1.contains("--år"), "{err:?}");
    }
}
