//! The year's own tables: the plan outline, the meetings, the årshjul's
//! activities, prose files and any extra tables for templates.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::table::{self, Bound, Column};
use crate::dates::MONTHS;
use crate::diag::{Error, Location, Sink};
use crate::model::*;

const fn col(name: &'static str, required: bool) -> Column {
    Column { name, required }
}

const PLAN_COLUMNS: &[Column] = &[
    col("Nivå", true),
    col("Tekst", true),
    col("Gjelder", false),
    col("Ansvar", false),
    col("Frist", false),
    col("Innsatsområder", false),
    col("Status", false),
    col("Kommentar", false),
];

const MEETING_COLUMNS: &[Column] = &[
    col("ID", true),
    col("Dato", true),
    col("Type", true),
    col("Gruppe", false),
    col("Gjelder", false),
    col("Tittel", false),
    col("Tema", false),
    col("Sted", false),
    col("Start", false),
    col("Slutt", false),
];

const WHEEL_COLUMNS: &[Column] = &[col("Måned", true), col("Tekst", true)];

/// The tables this module reads itself (not offered as extra tables).
pub const OWN_TABLES: [&str; 5] = ["plan", "moter", "deltakelse", "rapportering", "arshjul"];

/// A required table, bound to its columns; None with the errors reported
/// (saying that its rows are checked once the table can be read).
fn bound(dir: &Path, stem: &str, sheet: &str, columns: &[Column], sink: &mut Sink) -> Option<Bound> {
    let mut t = table::require(dir, stem, sheet)
        .and_then(|t| t.bind(columns))
        .map_err(|mut e| {
            if let Some(last) = e.0.last_mut() {
                let more = "radene i tabellen kontrolleres når dette er rettet, og kan ha flere feil";
                last.hint = Some(match &last.hint {
                    Some(h) => format!("{h} ({more})"),
                    None => more.to_string(),
                });
            }
            sink.extend(e)
        })
        .ok()?;
    t.warn(sink);
    Some(t)
}

/// `plan.csv|xlsx`: the outline, one row per line of the plan.
pub fn outline(dir: &Path, sink: &mut Sink) -> Vec<PlanRow> {
    let Some(t) = bound(dir, "plan", "Plan", PLAN_COLUMNS, sink) else { return Vec::new() };
    let mut rows = Vec::new();
    for r in t.rows() {
        let Some(level) = r.word::<Level>("Nivå", "nivå", true, sink) else { continue };
        let Some(text) = r.text("Tekst", sink) else { continue };
        let status = r.word::<Status>("Status", "status", false, sink);
        if status.is_some() && !matches!(level, Level::Activity | Level::SubGoal) {
            sink.error(
                r.loc("Status"),
                "bare aktiviteter og delmål har status",
                "la Status stå tom på denne raden",
            );
        }
        // «2,10» typed in Excel is the number 2.1.
        r.no_number("Innsatsområder", sink);
        // «2.6» typed in Excel becomes 2 June: a date where an innsatsområde was meant.
        for id in r.list("Innsatsområder", &[',', ' ']) {
            if crate::dates::parse(&id).is_ok() || looks_like_excel_date(&id) {
                sink.error(
                    r.loc("Innsatsområder"),
                    format!("«{id}» er en dato, ikke et innsatsområde: Excel har gjort om det som ble skrevet (for eksempel 2.6) til en dato"),
                    "merk kolonnen Innsatsområder i Excel, velg formatet Tekst (Hjem → Tall → Tekst), og skriv innsatsområdene på nytt, for eksempel 2.6",
                );
            }
        }
        rows.push(PlanRow {
            level,
            text: text.to_string(),
            applies_to: r.word("Gjelder", "verdi for Gjelder", false, sink),
            responsible: r.list("Ansvar", &['|', '\n']),
            deadline: r.get("Frist").to_string(),
            focus_ids: r.list("Innsatsområder", &[',', ' ']),
            loc: r.loc("Tekst"),
            focus_loc: r.loc("Innsatsområder"),
            status,
            comment: r.get("Kommentar").to_string(),
            extra: r.extra(),
        });
    }
    rows
}

/// A short date as Excel writes it in a CSV (`02.jun`, `2-jun`, `jun.02`).
fn looks_like_excel_date(s: &str) -> bool {
    let lower = s.to_lowercase();
    let months = [
        "jan", "feb", "mar", "apr", "mai", "may", "jun", "jul", "aug", "sep", "okt", "oct", "nov", "des",
        "dec",
    ];
    lower.chars().any(|c| c.is_ascii_digit()) && months.iter().any(|m| lower.contains(m))
}

/// Whether a text can be a meeting id (templates refer to it as `{{ id }}`).
fn valid_id(id: &str) -> bool {
    id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `moter.csv|xlsx`: the year's meetings, sorted by date (then id), and beside them every row that has a date but
/// another error (its id, type or group), so the rules about dates can be
/// checked for it in the same round.
pub fn meetings_and_dated(
    dir: &Path,
    groups: Option<&[String]>,
    sink: &mut Sink,
) -> (Vec<Meeting>, Vec<Meeting>) {
    let Some(t) = bound(dir, "moter", "Møter", MEETING_COLUMNS, sink) else {
        return (Vec::new(), Vec::new());
    };
    let mut dated = Vec::new();
    let all = meetings_rows(&t, groups, sink, &mut dated);
    (all, dated)
}

/// The meetings of a table already read (a meetings table about to be
/// written back, checked before it is), by the same rules as [`meetings`].
pub fn meetings_of(table: table::Table, groups: Option<&[String]>, sink: &mut Sink) -> Vec<Meeting> {
    match table.bind(MEETING_COLUMNS) {
        Ok(mut t) => {
            t.warn(sink);
            meetings_in(&t, groups, sink)
        }
        Err(e) => {
            sink.extend(e);
            Vec::new()
        }
    }
}

fn meetings_in(t: &Bound, groups: Option<&[String]>, sink: &mut Sink) -> Vec<Meeting> {
    meetings_rows(t, groups, sink, &mut Vec::new())
}

fn meetings_rows(
    t: &Bound,
    groups: Option<&[String]>,
    sink: &mut Sink,
    dated: &mut Vec<Meeting>,
) -> Vec<Meeting> {
    let mut out: Vec<Meeting> = Vec::new();
    let mut seen = BTreeSet::new();
    for r in t.rows() {
        let mut ok = true;
        let id = r.text("ID", sink).unwrap_or("").to_string();
        if id.is_empty() {
            ok = false;
        } else if !valid_id(&id) {
            sink.error(
                r.loc("ID"),
                format!("«{id}» kan ikke brukes som møte-id"),
                "bruk små bokstaver a-z, sifre og understrek, og begynn med en bokstav, for eksempel fagdag eller bergen1_1",
            );
            ok = false;
        } else if !seen.insert(id.clone()) {
            sink.error(r.loc("ID"), format!("møte-id «{id}» er brukt før"), "hvert møte må ha sin egen id");
            ok = false;
        }
        let date = r.date("Dato", true, sink);
        let kind = r.word::<MeetingKind>("Type", "møtetype", true, sink);
        let group = Some(r.get("Gruppe").to_string()).filter(|g| !g.is_empty());
        if let (Some(g), Some(groups)) = (&group, groups) {
            if !groups.iter().any(|k| k == g) {
                sink.error(
                    r.loc("Gruppe"),
                    format!("ukjent nettverksgruppe «{g}»"),
                    format!("gruppene står i nettverk.toml (grupper): {}", groups.join(", ")),
                );
                ok = false;
            }
        }
        let applies_to = r.word("Gjelder", "verdi for Gjelder", false, sink);
        let start = r.time("Start", sink);
        let end = r.time("Slutt", sink);
        if let (Some(s), Some(e)) = (start, end) {
            if e <= s {
                sink.error(
                    r.loc("Slutt"),
                    "møtet slutter før det begynner",
                    "Slutt må være senere enn Start samme dag",
                );
            }
        }
        if end.is_some() && start.is_none() {
            sink.error(
                r.loc("Start"),
                "Slutt er fylt ut, men ikke Start",
                "fyll ut begge, eller la begge stå tomme for et heldagsmøte",
            );
        }
        if let Some(date) = date {
            let m = Meeting {
                id,
                date,
                kind: kind.unwrap_or(MeetingKind::Meeting),
                group,
                applies_to,
                title: r.get("Tittel").to_string(),
                topic: r.get("Tema").to_string(),
                place: r.get("Sted").to_string(),
                start,
                end,
                date_loc: r.loc("Dato"),
                extra: r.extra(),
            };
            if ok && kind.is_some() {
                out.push(m);
            } else {
                dated.push(m);
            }
        }
    }
    out.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    out
}

/// `arshjul.csv|xlsx` (optional): recurring activities by month, `Måned;Tekst`,
/// the month as 1-12 or its Norwegian name.
pub fn wheel(dir: &Path, sink: &mut Sink) -> Vec<WheelItem> {
    let mut t = match table::find(dir, "arshjul", "Årshjul")
        .and_then(|t| t.map(|t| t.bind(WHEEL_COLUMNS)).transpose())
    {
        Ok(Some(t)) => t,
        Ok(None) => return Vec::new(),
        Err(e) => {
            sink.extend(e);
            return Vec::new();
        }
    };
    t.warn(sink);
    let mut out = Vec::new();
    for r in t.rows() {
        let (Some(month), Some(text)) = (r.text("Måned", sink), r.text("Tekst", sink)) else { continue };
        let m = month.to_lowercase();
        let n = m.parse::<usize>().ok().or_else(|| MONTHS.iter().position(|n| *n == m).map(|i| i + 1));
        match n {
            Some(n @ 1..=12) => out.push(WheelItem { month: n - 1, text: text.to_string() }),
            _ => sink.error(
                r.loc("Måned"),
                format!("«{month}» er ingen måned"),
                "skriv måneden som et tall 1-12 eller med navn, for eksempel mars",
            ),
        }
    }
    out
}

/// The Markdown files in `tekster/`, sorted by name.
pub fn texts(dir: &Path, sink: &mut Sink) -> Vec<TextFile> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let read = std::fs::read(&path)
            .map_err(|e| {
                Error::at(Location::file(&path), format!("kan ikke lese filen: {}", crate::diag::io_text(&e)))
            })
            .and_then(|b| table::decode_text(&path, &b));
        match read {
            Ok(text) => {
                let bad = super::text::check_lines(&path, &text);
                if bad.is_empty() {
                    let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_string();
                    out.push(TextFile { name, path, text });
                } else {
                    bad.into_iter().for_each(|d| sink.push(d));
                }
            }
            Err(e) => sink.extend(e),
        }
    }
    out
}

/// Every other table in the year's folder, for templates (`tabeller.<stem>`).
pub fn extra_tables(dir: &Path, sink: &mut Sink) -> Vec<(String, table::Table)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv" || x == "xlsx"))
        // Excel's lock files (~$moter.xlsx) and hidden files are not tables.
        .filter(|p| {
            !p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("~$") || n.starts_with('.'))
        })
        .collect();
    paths.sort();
    let mut out: Vec<(String, table::Table)> = Vec::new();
    for path in paths {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_string();
        if OWN_TABLES.contains(&stem.as_str()) || out.iter().any(|(n, _)| *n == stem) {
            continue;
        }
        let read = if path.extension().is_some_and(|x| x == "csv") {
            table::read_csv(&path)
        } else {
            table::read_xlsx(&path, "")
        };
        match read {
            Ok(t) => out.push((stem, t)),
            Err(e) => sink.extend(e),
        }
    }
    out
}
