//! What the årsrapport adds: the register of resource persons, who attended
//! which meeting, and who answered the årlig rapportering.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;

use super::table::{self, Column};
use crate::diag::{Diagnostic, Location, Sink};
use crate::model::*;

const fn col(name: &'static str, required: bool) -> Column {
    Column { name, required }
}

const PEOPLE_COLUMNS: &[Column] = &[
    col("ID", true),
    col("Navn", true),
    col("Yrke", true),
    col("Arbeidssted", false),
    col("Kommunenummer", true),
    col("Nettverk", true),
    col("Gruppe", false),
    col("Startet", true),
    col("Sluttet", false),
    col("E-post", false),
    col("Leders e-post", false),
];

const ANSWER_COLUMNS: &[Column] = &[col("Person", true), col("Dato", false)];

const PROFESSIONS: [&str; 3] = ["sykepleier", "fysioterapeut", "ergoterapeut"];

/// The report's data when the year has a `rapport.toml`.
pub fn report(
    data: &Path,
    data_dir: &Path,
    year_dir: &Path,
    groups: Option<&[String]>,
    meetings: &[Meeting],
    year: i32,
    sink: &mut Sink,
) -> Option<ReportData> {
    let path = year_dir.join("rapport.toml");
    if !path.is_file() {
        return None;
    }
    let meta: ReportMeta = super::toml_into(&path, sink)?;
    let Some(date) = super::toml_date(&meta.date) else {
        sink.error(Location::file(&path), "«dato» må være en dato", "skriv for eksempel dato = 2026-01-20");
        return None;
    };
    let kommuner = kommuner(data, sink);
    let people = people(data_dir, groups, kommuner.as_ref(), date, sink);
    let attendance = attendance(year_dir, meetings, &people, sink);
    let answers = answers(year_dir, &people, year, date, sink);
    Some(ReportData { meta, date, people, attendance, answers })
}

/// The municipalities by number (`data/kommuner.csv`), which the report needs
/// to name them; None (with the error reported) when missing or unreadable.
fn kommuner(data: &Path, sink: &mut Sink) -> Option<BTreeMap<String, String>> {
    let path = data.join("kommuner.csv");
    if !path.is_file() {
        sink.error(
            Location::file(&path),
            "filen finnes ikke, og årsrapporten trenger den for å gi kommunene navn",
            "legg kommuner.csv (kolonnene kommunenummer og kommune) i datamappen; den følger med arsplan i data/",
        );
        return None;
    }
    super::reference::kommuner(data).map_err(|e| sink.extend(e)).ok()
}

/// The register of resource persons, `<network>/ressurspersoner.csv|xlsx`.
/// `report_date` is the report's date: a start or end after it is warned about.
fn people(
    dir: &Path,
    groups: Option<&[String]>,
    kommuner: Option<&BTreeMap<String, String>>,
    report_date: NaiveDate,
    sink: &mut Sink,
) -> Vec<Person> {
    let mut t = match table::require(dir, "ressurspersoner", "Ressurspersoner")
        .and_then(|t| t.bind(PEOPLE_COLUMNS))
    {
        Ok(t) => t,
        Err(e) => {
            sink.extend(e);
            return Vec::new();
        }
    };
    t.warn(sink);
    let mut out: Vec<Person> = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for r in t.rows() {
        let mut ok = true;
        let id = r.text("ID", sink).unwrap_or("").to_string();
        if id.is_empty() {
            ok = false;
        } else if let Some(first) = seen.insert(id.clone(), r.number()) {
            sink.error(
                r.loc("ID"),
                format!("«{id}» står to ganger i registeret (også på rad {first})"),
                "hver ressursperson skal ha én rad og en egen ID",
            );
            ok = false;
        }
        let name = r.text("Navn", sink).unwrap_or("").to_string();
        let profession = r.text("Yrke", sink).unwrap_or("").to_lowercase();
        if !profession.is_empty() && !PROFESSIONS.contains(&profession.as_str()) {
            sink.error(
                r.loc("Yrke"),
                format!("ukjent yrke «{profession}»"),
                "bruk sykepleier, fysioterapeut eller ergoterapeut",
            );
        }
        let written = r.text("Kommunenummer", sink).unwrap_or("");
        let kommunenummer = super::kommunenummer(written);
        if !written.is_empty() {
            let digits = kommunenummer.chars().all(|c| c.is_ascii_digit());
            if !digits || !matches!(kommunenummer.len(), 4 | 6) {
                let hint = if written.chars().any(|c| matches!(c, 'O' | 'o')) {
                    "et kommunenummer har bare sifre: er bokstaven O skrevet for sifferet 0?".to_string()
                } else {
                    "skriv kommunenummeret med fire sifre, for eksempel 1103 (bydeler i Oslo: seks sifre, 030110)".into()
                };
                sink.error(r.loc("Kommunenummer"), format!("«{written}» er ikke et kommunenummer"), hint);
                ok = false;
            } else if let Some(k) = kommuner.filter(|k| !k.contains_key(&kommunenummer)) {
                let near: Vec<String> = k
                    .iter()
                    .filter(|(nr, _)| nr.get(..2) == kommunenummer.get(..2))
                    .take(6)
                    .map(|(nr, name)| format!("{nr} {name}"))
                    .collect();
                let hint = if near.is_empty() {
                    "sjekk nummeret, eller legg kommunen til i data/kommuner.csv".to_string()
                } else {
                    format!("sjekk nummeret; kommuner med nummer som ligner: {}", near.join(", "))
                };
                sink.error(
                    r.loc("Kommunenummer"),
                    format!("ingen kommune har nummeret {kommunenummer} (data/kommuner.csv)"),
                    hint,
                );
                ok = false;
            }
        }
        let network = r.word::<Network>("Nettverk", "nettverk", true, sink);
        let group = Some(r.get("Gruppe").to_string()).filter(|g| !g.is_empty());
        if let (Some(g), Some(groups)) = (&group, groups) {
            if !groups.contains(g) {
                sink.error(
                    r.loc("Gruppe"),
                    format!("ukjent nettverksgruppe «{g}»"),
                    format!("gruppene står i nettverk.toml (grupper): {}", groups.join(", ")),
                );
                ok = false;
            }
        }
        let started = r.date("Startet", true, sink);
        let left = r.date("Sluttet", false, sink);
        if let (Some(s), Some(l)) = (started, left) {
            if l < s {
                sink.error(
                    r.loc("Sluttet"),
                    "sluttdatoen er før startdatoen",
                    "sjekk datoene i Startet og Sluttet",
                );
            }
        }
        for (col, date) in [("Startet", started), ("Sluttet", left)] {
            if let Some(d) = date.filter(|d| *d > report_date) {
                sink.warn(
                    r.loc(col),
                    format!(
                        "{} ligger etter årsrapportens dato ({}), så rapporten regner med en dato som ikke har kommet",
                        d.format("%d.%m.%Y"),
                        report_date.format("%d.%m.%Y")
                    ),
                    "sjekk årstallet",
                );
            }
        }
        if let (true, Some(network), Some(started)) = (ok, network, started) {
            out.push(Person {
                id,
                name,
                profession,
                workplace: r.get("Arbeidssted").to_string(),
                kommunenummer,
                network,
                group,
                started,
                left,
            });
        }
    }
    out
}

/// Attendance as rows (`Møte;Person`) or as a matrix (`Person;[Navn;]<møte-id>...`, `x` where present).
fn attendance(dir: &Path, meetings: &[Meeting], people: &[Person], sink: &mut Sink) -> Vec<Attendance> {
    let t = match table::find(dir, "deltakelse", "Deltakelse") {
        Ok(Some(t)) => t,
        Ok(None) => {
            sink.error(
                Location::file(&dir.join("deltakelse.csv")),
                "filen finnes ikke",
                "årsrapporten trenger hvem som møtte: deltakelse.csv med kolonnene Møte;Person, eller én kolonne per møte-id med x der personen møtte",
            );
            return Vec::new();
        }
        Err(e) => {
            sink.extend(e);
            return Vec::new();
        }
    };
    let shown = t.display_path();
    let lower: Vec<String> = t.headers.iter().map(|h| h.to_lowercase()).collect();
    let person_col = lower.iter().position(|h| h == "person");
    let meeting_col = lower.iter().position(|h| h == "møte");
    let mut raw: Vec<(String, String, Location)> = Vec::new();
    match (meeting_col, person_col) {
        (Some(mc), Some(pc)) => {
            for row in &t.rows {
                let cell = |i: usize| row.cells.get(i).cloned().unwrap_or_default();
                raw.push((cell(mc), cell(pc), Location::cell(&shown, row.number, mc, &t.headers[mc])));
            }
        }
        (None, Some(pc)) => {
            let skip = |h: &str| h == "person" || h == "navn" || h.is_empty();
            for row in &t.rows {
                let person = row.cells.get(pc).cloned().unwrap_or_default();
                for (i, h) in t.headers.iter().enumerate() {
                    if skip(&lower[i]) {
                        continue;
                    }
                    let v = row.cells.get(i).map(|s| s.trim().to_lowercase()).unwrap_or_default();
                    let loc = Location::cell(&shown, row.number, i, h);
                    match v.as_str() {
                        "" => {}
                        "x" => raw.push((h.clone(), person.clone(), loc)),
                        other => sink.error(
                            loc,
                            format!("«{other}» er verken tom eller x"),
                            "skriv x der personen møtte, og la cellen stå tom ellers",
                        ),
                    }
                }
            }
        }
        _ => {
            sink.push(
                Diagnostic::error(Some(Location::row(&shown, t.header_row)), "kolonnen «Person» mangler").hint(
                    "bruk kolonnene Møte;Person (én rad per oppmøte) eller Person;Navn;<møte-id>... med x der personen møtte",
                ),
            );
            return Vec::new();
        }
    }
    let mut out = Vec::new();
    for (meeting, person, loc) in raw {
        let Some(m) = meetings.iter().find(|m| m.id == meeting) else {
            sink.error(
                loc,
                format!("ukjent møte «{meeting}»"),
                format!(
                    "møte-id-ene står i moter.csv: {}",
                    meetings.iter().map(|m| m.id.as_str()).collect::<Vec<_>>().join(", ")
                ),
            );
            continue;
        };
        let Some(p) = people.iter().find(|p| p.id == person) else {
            sink.error(
                loc,
                format!("ukjent ressursperson «{person}»"),
                "personen må stå i ressurspersoner.csv med denne ID-en",
            );
            continue;
        };
        let (when, what) = match (p.left.filter(|l| *l < m.date), p.started > m.date) {
            (Some(l), _) => (l, ("sluttet", "sluttdatoen")),
            (None, true) => (p.started, ("startet", "startdatoen")),
            (None, false) => {
                out.push(Attendance { meeting, person });
                continue;
            }
        };
        sink.error(
            loc,
            format!(
                "{} {} {}, men står som til stede på «{}» {}",
                p.name,
                what.0,
                when.format("%d.%m.%Y"),
                m.id,
                m.date.format("%d.%m.%Y")
            ),
            format!("rett oppmøtet eller {} i ressurspersoner.csv", what.1),
        );
    }
    out
}

/// Who answered the årlig rapportering, `rapportering.csv|xlsx` (optional).
fn answers(
    dir: &Path,
    people: &[Person],
    year: i32,
    report_date: NaiveDate,
    sink: &mut Sink,
) -> Option<Vec<Answer>> {
    let mut t = match table::find(dir, "rapportering", "Rapportering")
        .and_then(|t| t.map(|t| t.bind(ANSWER_COLUMNS)).transpose())
    {
        Ok(Some(t)) => t,
        Ok(None) => return None,
        Err(e) => {
            sink.extend(e);
            return Some(Vec::new());
        }
    };
    t.warn(sink);
    let mut out = Vec::new();
    let mut rows: BTreeMap<String, usize> = BTreeMap::new();
    for r in t.rows() {
        let Some(person) = r.text("Person", sink) else { continue };
        // The date is optional, but when written it must be a date in the
        // report's year (or after it, up to the report's own date).
        let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
        let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default().max(report_date);
        if let Some(d) = r.date("Dato", false, sink).filter(|d| *d < first || *d > last) {
            sink.error(
                r.loc("Dato"),
                format!("{} ligger utenfor rapportåret {year}", d.format("%d.%m.%Y")),
                format!(
                    "svarene på den årlige rapporteringen for {year} er datert mellom 01.01.{year} og {}",
                    last.format("%d.%m.%Y")
                ),
            );
        }
        if !people.iter().any(|p| p.id == person) {
            sink.error(
                r.loc("Person"),
                format!("ukjent ressursperson «{person}»"),
                "personen må stå i ressurspersoner.csv med denne ID-en",
            );
            continue;
        }
        if let Some(first) = rows.get(person) {
            sink.error(
                r.loc("Person"),
                format!("«{person}» står to ganger (også på rad {first})"),
                "hver ressursperson skal stå én gang i rapportering.csv",
            );
            continue;
        }
        rows.insert(person.to_string(), r.number());
        out.push(Answer { person: person.to_string() });
    }
    Some(out)
}
