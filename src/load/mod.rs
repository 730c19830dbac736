//! Stage 1, load: a network's data folder into typed records with source locations.
//!
//! Layout: `data/<network>/nettverk.toml`, optional `logo.png`, and per year
//! `data/<network>/<year>/plan.toml`, `plan.csv|xlsx`, `moter.csv|xlsx`.

pub mod table;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::de::DeserializeOwned;

use crate::dates;
use crate::diag::{Diagnostic, Error, Location, Result, Sink};
use crate::model::*;
use table::Column;

/// The networks in a data folder: every subfolder with a `nettverk.toml`, sorted.
pub fn networks(data: &Path) -> Result<Vec<String>> {
    let entries = std::fs::read_dir(data).map_err(|e| {
        Error::at(Location::file(data), format!("kan ikke lese datamappen: {e}"))
            .with_hint("kjør kommandoen fra prosjektmappen, eller oppgi mappen med --data")
    })?;
    let mut out: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("nettverk.toml").is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    out.sort();
    Ok(out)
}

/// The plan years of a network: subfolders named by a year that hold a `plan.toml`.
pub fn years(data: &Path, network: &str) -> Result<Vec<i32>> {
    let dir = data.join(network);
    let entries = std::fs::read_dir(&dir).map_err(|_| {
        Error::at(Location::file(&dir), format!("nettverket «{network}» finnes ikke"))
            .with_hint("nettverkene er mappene i data/ som har en nettverk.toml")
    })?;
    let mut out: Vec<i32> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("plan.toml").is_file())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse().ok()))
        .filter(|y| (1900..=2200).contains(y))
        .collect();
    out.sort();
    Ok(out)
}

/// Reads and deserializes a TOML file, translating its errors to Norwegian.
pub fn read_toml<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::at(Location::file(path), format!("kan ikke lese filen: {e}")))?;
    let text = table::decode_text(path, &bytes)?;
    toml::from_str(&text).map_err(|e| {
        let row = e.span().map(|s| text.get(..s.start).unwrap_or(&text).matches('\n').count() + 1);
        let loc = Location { file: path.to_path_buf(), row, col: None };
        let raw = e.message().to_string();
        let msg = if let Some(f) = between(&raw, "missing field `", "`") {
            format!("feltet «{f}» mangler")
        } else if let Some(f) = between(&raw, "unknown field `", "`") {
            format!("ukjent felt «{f}»")
        } else {
            format!("filen er ikke gyldig TOML (teknisk melding: {raw})")
        };
        Error::at(loc, msg).with_hint("se README.md, avsnittet «Data format», for feltene filen skal ha")
    })
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

fn toml_date(d: &toml::value::Datetime) -> Option<NaiveDate> {
    let date = d.date?;
    NaiveDate::from_ymd_opt(date.year as i32, date.month as u32, date.day as u32)
}

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

fn names<T>(all: &[(&'static str, T)]) -> String {
    all.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
}

/// Loads one network's data for one year. Every problem found is reported at once.
pub fn load_year(data: &Path, network: &str, year: i32) -> Result<PlanYear> {
    let data_dir = data.join(network);
    let year_dir = data_dir.join(year.to_string());
    let mut sink = Sink::default();

    let profile: Option<Profile> = match read_toml(&data_dir.join("nettverk.toml")) {
        Ok(p) => Some(p),
        Err(e) => {
            sink.extend(e);
            None
        }
    };
    let meta_path = year_dir.join("plan.toml");
    let meta: Option<PlanMeta> = match read_toml(&meta_path) {
        Ok(p) => Some(p),
        Err(e) => {
            sink.extend(e);
            None
        }
    };
    let date = meta.as_ref().and_then(|m| {
        let d = toml_date(&m.dato);
        if d.is_none() {
            sink.push(
                Diagnostic::error(Some(Location::file(&meta_path)), "«dato» må være en dato")
                    .hint("skriv for eksempel dato = 2026-01-15"),
            );
        }
        d
    });
    if let Some(m) = &meta {
        // Both become part of output file names.
        let period_ok = m.periode.as_deref().is_none_or(|p| {
            let parts: Vec<&str> = p.split('-').collect();
            (1..=2).contains(&parts.len())
                && parts.iter().all(|x| x.len() == 4 && x.chars().all(|c| c.is_ascii_digit()))
        });
        if !period_ok {
            sink.push(
                Diagnostic::error(
                    Some(Location::file(&meta_path)),
                    "«periode» må være et år eller to år med bindestrek",
                )
                .hint("skriv for eksempel periode = \"2024-2026\""),
            );
        }
        let kind_ok = !m.dokument.is_empty()
            && m.dokument
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if !kind_ok {
            sink.push(
                Diagnostic::error(Some(Location::file(&meta_path)), format!("«dokument» = «{}» kan ikke brukes", m.dokument))
                    .hint("bruk navnet på en mal med små bokstaver, for eksempel arsplan, handlingsplan eller strategi"),
            );
        }
    }

    let outline = match table::require(&year_dir, "plan", "Plan").and_then(|t| t.bind(PLAN_COLUMNS)) {
        Ok(t) => read_outline(&t, &mut sink),
        Err(e) => {
            sink.extend(e);
            Vec::new()
        }
    };
    let groups: Vec<String> = profile.as_ref().map(|p| p.grupper.clone()).unwrap_or_default();
    // Each group gets its own calendar file, named from the group.
    let mut slugs: BTreeMap<String, &str> = BTreeMap::new();
    for g in &groups {
        let slug = crate::calendar::slug(g);
        if let Some(other) = slugs.insert(slug.clone(), g) {
            sink.push(
                Diagnostic::error(
                    Some(Location::file(&data_dir.join("nettverk.toml"))),
                    format!("gruppene «{other}» og «{g}» er for like (begge blir «{slug}» i filnavn)"),
                )
                .hint("gi hver nettverksgruppe i grupper et eget navn"),
            );
        }
    }
    let meetings = match table::require(&year_dir, "moter", "Møter").and_then(|t| t.bind(MEETING_COLUMNS)) {
        Ok(t) => read_meetings(&t, &groups, &mut sink),
        Err(e) => {
            sink.extend(e);
            Vec::new()
        }
    };
    let logo = Some(data_dir.join("logo.png")).filter(|p| p.is_file());
    let texts = read_texts(&year_dir.join("tekster"), &mut sink);
    let report = read_report(&data_dir, &year_dir, &groups, &meetings, &mut sink);
    let tables = read_extra_tables(&year_dir, &mut sink);

    let _warnings = sink.finish()?;
    match (profile, meta, date) {
        (Some(profile), Some(meta), Some(date)) => Ok(PlanYear {
            network: network.to_string(),
            year,
            data_dir,
            year_dir,
            profile,
            meta,
            date,
            outline,
            meetings,
            logo,
            texts,
            tables,
            report,
        }),
        _ => Err(Error::msg("dataene kunne ikke leses")),
    }
}

fn read_outline(t: &table::Bound, sink: &mut Sink) -> Vec<PlanRow> {
    let mut rows = Vec::new();
    for r in t.rows() {
        let level = match r.required("Nivå") {
            Err(e) => {
                sink.extend(e);
                continue;
            }
            Ok(v) => match Level::parse(v) {
                Some(l) => l,
                None => {
                    sink.error(r.loc("Nivå"), format!("ukjent nivå «{v}»")).hint =
                        Some(format!("bruk et av disse: {}", names(Level::ALL)));
                    continue;
                }
            },
        };
        let text = match r.required("Tekst") {
            Ok(t) => t.to_string(),
            Err(e) => {
                sink.extend(e);
                continue;
            }
        };
        let g = r.get("Gjelder");
        let gjelder = if g.is_empty() {
            None
        } else {
            match Gjelder::parse(g) {
                Some(g) => Some(g),
                None => {
                    sink.error(r.loc("Gjelder"), format!("ukjent verdi «{g}» for Gjelder")).hint =
                        Some(format!("bruk {} eller la cellen stå tom", names(Gjelder::ALL)));
                    None
                }
            }
        };
        let list = |col: &str, seps: &[char]| -> Vec<String> {
            r.get(col).split(seps).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
        };
        rows.push(PlanRow {
            level,
            text,
            gjelder,
            ansvar: list("Ansvar", &['|', '\n']),
            frist: r.get("Frist").to_string(),
            innsatsomrader: list("Innsatsområder", &[',', ' ']),
            loc: r.loc("Tekst"),
            innsats_loc: r.loc("Innsatsområder"),
            status: parse_status(&r, level, sink),
            kommentar: r.get("Kommentar").to_string(),
        });
    }
    rows
}

fn read_meetings(t: &table::Bound, groups: &[String], sink: &mut Sink) -> Vec<Meeting> {
    let mut out: Vec<Meeting> = Vec::new();
    let mut seen = BTreeSet::new();
    for r in t.rows() {
        let mut ok = true;
        let id = r.required("ID").map_err(|e| sink.extend(e)).unwrap_or("").to_string();
        if !id.is_empty() {
            let valid = id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !valid {
                sink.error(r.loc("ID"), format!("«{id}» kan ikke brukes som møte-id")).hint = Some(
                    "bruk små bokstaver a-z, sifre og understrek, og begynn med en bokstav, for eksempel fagdag eller bergen1_1".into(),
                );
                ok = false;
            } else if !seen.insert(id.clone()) {
                sink.error(r.loc("ID"), format!("møte-id «{id}» er brukt før")).hint =
                    Some("hvert møte må ha sin egen id".into());
                ok = false;
            }
        } else {
            ok = false;
        }
        let date = match r.required("Dato") {
            Err(e) => {
                sink.extend(e);
                None
            }
            Ok(v) => match dates::parse(v) {
                Ok(d) => Some(d),
                Err(dates::DateError::NoSuchDay) => {
                    sink.error(r.loc("Dato"), format!("«{v}» er ingen gyldig dato: den dagen finnes ikke"))
                        .hint = Some("sjekk dag og måned".into());
                    None
                }
                Err(dates::DateError::Shape) => {
                    sink.error(r.loc("Dato"), format!("«{v}» er ingen dato")).hint =
                        Some("skriv datoen som dd.mm.åååå (16.04.2026) eller åååå-mm-dd (2026-04-16)".into());
                    None
                }
            },
        };
        let kind = match r.required("Type") {
            Err(e) => {
                sink.extend(e);
                None
            }
            Ok(v) => {
                let k = MeetingKind::parse(v);
                if k.is_none() {
                    sink.error(r.loc("Type"), format!("ukjent møtetype «{v}»")).hint =
                        Some(format!("bruk en av disse: {}", names(MeetingKind::ALL)));
                }
                k
            }
        };
        let group = Some(r.get("Gruppe").to_string()).filter(|g| !g.is_empty());
        if let Some(g) = &group {
            if !groups.iter().any(|k| k == g) {
                sink.error(r.loc("Gruppe"), format!("ukjent nettverksgruppe «{g}»")).hint =
                    Some(format!("gruppene står i nettverk.toml (grupper): {}", groups.join(", ")));
                ok = false;
            }
        }
        let g = r.get("Gjelder");
        let gjelder = if g.is_empty() {
            None
        } else {
            let p = Gjelder::parse(g);
            if p.is_none() {
                sink.error(r.loc("Gjelder"), format!("ukjent verdi «{g}» for Gjelder")).hint =
                    Some(format!("bruk {} eller la cellen stå tom", names(Gjelder::ALL)));
            }
            p
        };
        let start = time_cell(&r, "Start", sink);
        let end = time_cell(&r, "Slutt", sink);
        if let (Some(s), Some(e)) = (start, end) {
            if e <= s {
                sink.error(r.loc("Slutt"), "møtet slutter før det begynner").hint =
                    Some("Slutt må være senere enn Start samme dag".into());
            }
        }
        if end.is_some() && start.is_none() {
            sink.error(r.loc("Start"), "Slutt er fylt ut, men ikke Start").hint =
                Some("fyll ut begge, eller la begge stå tomme for et heldagsmøte".into());
        }
        if let (true, Some(date), Some(kind)) = (ok, date, kind) {
            out.push(Meeting {
                id,
                date,
                kind,
                group,
                gjelder,
                title: r.get("Tittel").to_string(),
                topic: r.get("Tema").to_string(),
                place: r.get("Sted").to_string(),
                start,
                end,
                date_loc: r.loc("Dato"),
                row_loc: Location::row(&t.path(), r.number()),
            });
        }
    }
    out
}

fn parse_status(r: &table::Cells, level: Level, sink: &mut Sink) -> Option<Status> {
    let v = r.get("Status");
    if v.is_empty() {
        return None;
    }
    match Status::parse(v) {
        Some(s) if matches!(level, Level::Aktivitet | Level::Delmal) => Some(s),
        Some(_) => {
            sink.error(r.loc("Status"), "bare aktiviteter og delmål har status").hint =
                Some("la Status stå tom på denne raden".into());
            None
        }
        None => {
            sink.error(r.loc("Status"), format!("ukjent status «{v}»")).hint =
                Some(format!("bruk en av disse: {}", names(Status::ALL)));
            None
        }
    }
}

/// A time of day, `09:00` or `9.00`: empty gives None; a bad time is reported.
fn time_cell(r: &table::Cells, col: &str, sink: &mut Sink) -> Option<chrono::NaiveTime> {
    let v = r.get(col);
    if v.is_empty() {
        return None;
    }
    let norm = v.replace('.', ":");
    match chrono::NaiveTime::parse_from_str(&norm, "%H:%M") {
        Ok(t) => Some(t),
        Err(_) => {
            sink.error(r.loc(col), format!("«{v}» er ikke et klokkeslett")).hint =
                Some("skriv klokkeslettet som tt:mm, for eksempel 09:00".into());
            None
        }
    }
}

/// A date cell: empty gives None; a bad date is reported.
fn date_cell(r: &table::Cells, col: &str, sink: &mut Sink) -> Option<NaiveDate> {
    let v = r.get(col);
    if v.is_empty() {
        return None;
    }
    match dates::parse(v) {
        Ok(d) => Some(d),
        Err(e) => {
            let what = match e {
                dates::DateError::NoSuchDay => "er ingen gyldig dato: den dagen finnes ikke",
                dates::DateError::Shape => "er ingen dato",
            };
            sink.error(r.loc(col), format!("«{v}» {what}")).hint =
                Some("skriv datoen som dd.mm.åååå (16.04.2026) eller åååå-mm-dd (2026-04-16)".into());
            None
        }
    }
}

/// A kommunenummer as written, with the leading zero Excel drops from a number
/// cell put back (301 → 0301, 30110 → 030110).
pub fn kommunenummer(v: &str) -> String {
    let v = v.trim();
    match v.len() {
        3 | 5 if v.chars().all(|c| c.is_ascii_digit()) => format!("0{v}"),
        _ => v.to_string(),
    }
}

/// The register of resource persons, `<network>/ressurspersoner.csv|xlsx`.
fn read_people(dir: &Path, groups: &[String], sink: &mut Sink) -> Vec<Person> {
    let t = match table::require(dir, "ressurspersoner", "Ressurspersoner")
        .and_then(|t| t.bind(PEOPLE_COLUMNS))
    {
        Ok(t) => t,
        Err(e) => {
            sink.extend(e);
            return Vec::new();
        }
    };
    let mut out: Vec<Person> = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for r in t.rows() {
        let mut ok = true;
        let id = r.required("ID").map_err(|e| sink.extend(e)).unwrap_or("").to_string();
        if id.is_empty() {
            ok = false;
        } else if let Some(first) = seen.insert(id.clone(), r.number()) {
            sink.error(r.loc("ID"), format!("«{id}» står to ganger i registeret (også på rad {first})"))
                .hint = Some("hver ressursperson skal ha én rad og en egen ID".into());
            ok = false;
        }
        let name = r.required("Navn").map_err(|e| sink.extend(e)).unwrap_or("").to_string();
        let profession = r.required("Yrke").map_err(|e| sink.extend(e)).unwrap_or("").to_lowercase();
        if !profession.is_empty()
            && !["sykepleier", "fysioterapeut", "ergoterapeut"].contains(&profession.as_str())
        {
            sink.error(r.loc("Yrke"), format!("ukjent yrke «{profession}»")).hint =
                Some("bruk sykepleier, fysioterapeut eller ergoterapeut".into());
        }
        let kommunenummer =
            kommunenummer(r.required("Kommunenummer").map_err(|e| sink.extend(e)).unwrap_or(""));
        let network = match r.required("Nettverk") {
            Ok(v) => match Gjelder::parse(v) {
                Some(g @ (Gjelder::Sykepleier | Gjelder::FysioErgo)) => Some(g),
                _ => {
                    sink.error(r.loc("Nettverk"), format!("ukjent nettverk «{v}»")).hint =
                        Some("bruk sykepleier eller fysio/ergo".into());
                    None
                }
            },
            Err(e) => {
                sink.extend(e);
                None
            }
        };
        let group = Some(r.get("Gruppe").to_string()).filter(|g| !g.is_empty());
        if let Some(g) = &group {
            if !groups.contains(g) {
                sink.error(r.loc("Gruppe"), format!("ukjent nettverksgruppe «{g}»")).hint =
                    Some(format!("gruppene står i nettverk.toml (grupper): {}", groups.join(", ")));
                ok = false;
            }
        }
        let started = if r.get("Startet").is_empty() {
            let _ = r.required("Startet").map_err(|e| sink.extend(e));
            None
        } else {
            date_cell(&r, "Startet", sink)
        };
        let left = date_cell(&r, "Sluttet", sink);
        if let (Some(s), Some(l)) = (started, left) {
            if l < s {
                sink.error(r.loc("Sluttet"), "sluttdatoen er før startdatoen").hint =
                    Some("sjekk datoene i Startet og Sluttet".into());
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
                loc: Location::row(&t.path(), r.number()),
            });
        }
    }
    out
}

/// Attendance as rows (`Møte;Person`) or as a matrix (`Person;[Navn;]<møte-id>...`, `x` where present).
fn read_attendance(dir: &Path, meetings: &[Meeting], people: &[Person], sink: &mut Sink) -> Vec<Attendance> {
    let t = match table::find(dir, "deltakelse", "Deltakelse") {
        Ok(Some(t)) => t,
        Ok(None) => {
            sink.push(
                Diagnostic::error(Some(Location::file(&dir.join("deltakelse.csv"))), "filen finnes ikke").hint(
                    "årsrapporten trenger hvem som møtte: deltakelse.csv med kolonnene Møte;Person, eller én kolonne per møte-id med x der personen møtte",
                ),
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
                        other => {
                            sink.error(loc, format!("«{other}» er verken tom eller x")).hint =
                                Some("skriv x der personen møtte, og la cellen stå tom ellers".into());
                        }
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
            sink.error(loc, format!("ukjent møte «{meeting}»")).hint = Some(format!(
                "møte-id-ene står i moter.csv: {}",
                meetings.iter().map(|m| m.id.as_str()).collect::<Vec<_>>().join(", ")
            ));
            continue;
        };
        let Some(p) = people.iter().find(|p| p.id == person) else {
            sink.error(loc, format!("ukjent ressursperson «{person}»")).hint =
                Some("personen må stå i ressurspersoner.csv med denne ID-en".into());
            continue;
        };
        if let Some(l) = p.left.filter(|l| *l < m.date) {
            sink.error(
                loc,
                format!(
                    "{} sluttet {}, men står som til stede på «{}» {}",
                    p.name,
                    l.format("%d.%m.%Y"),
                    m.id,
                    m.date.format("%d.%m.%Y")
                ),
            )
            .hint = Some("rett oppmøtet eller sluttdatoen i ressurspersoner.csv".into());
            continue;
        }
        if p.started > m.date {
            sink.error(
                loc,
                format!(
                    "{} startet {}, men står som til stede på «{}» {}",
                    p.name,
                    p.started.format("%d.%m.%Y"),
                    m.id,
                    m.date.format("%d.%m.%Y")
                ),
            )
            .hint = Some("rett oppmøtet eller startdatoen i ressurspersoner.csv".into());
            continue;
        }
        out.push(Attendance { meeting, person, loc });
    }
    out
}

/// Who answered the årlig rapportering, `rapportering.csv|xlsx` (optional).
fn read_answers(dir: &Path, people: &[Person], sink: &mut Sink) -> Option<Vec<Answer>> {
    let t = match table::find(dir, "rapportering", "Rapportering")
        .and_then(|t| t.map(|t| t.bind(ANSWER_COLUMNS)).transpose())
    {
        Ok(Some(t)) => t,
        Ok(None) => return None,
        Err(e) => {
            sink.extend(e);
            return Some(Vec::new());
        }
    };
    let mut out = Vec::new();
    for r in t.rows() {
        let Ok(person) = r.required("Person").map_err(|e| sink.extend(e)) else { continue };
        if !people.iter().any(|p| p.id == person) {
            sink.error(r.loc("Person"), format!("ukjent ressursperson «{person}»")).hint =
                Some("personen må stå i ressurspersoner.csv med denne ID-en".into());
            continue;
        }
        if let Some(first) = out.iter().find(|a: &&Answer| a.person == person) {
            sink.error(
                r.loc("Person"),
                format!("«{person}» står to ganger (også på rad {})", first.loc.row.unwrap_or(0)),
            )
            .hint = Some("hver ressursperson skal stå én gang i rapportering.csv".into());
            continue;
        }
        out.push(Answer {
            person: person.to_string(),
            date: date_cell(&r, "Dato", sink),
            loc: r.loc("Person"),
        });
    }
    Some(out)
}

/// The report's data when the year has a `rapport.toml`.
fn read_report(
    data_dir: &Path,
    year_dir: &Path,
    groups: &[String],
    meetings: &[Meeting],
    sink: &mut Sink,
) -> Option<ReportData> {
    let path = year_dir.join("rapport.toml");
    if !path.is_file() {
        return None;
    }
    let meta: ReportMeta = match read_toml(&path) {
        Ok(m) => m,
        Err(e) => {
            sink.extend(e);
            return None;
        }
    };
    let Some(date) = toml_date(&meta.dato) else {
        sink.push(
            Diagnostic::error(Some(Location::file(&path)), "«dato» må være en dato")
                .hint("skriv for eksempel dato = 2026-01-20"),
        );
        return None;
    };
    let people = read_people(data_dir, groups, sink);
    let attendance = read_attendance(year_dir, meetings, &people, sink);
    let answers = read_answers(year_dir, &people, sink);
    Some(ReportData { meta, date, people, attendance, answers })
}

/// The Markdown files in `tekster/`, sorted by name.
fn read_texts(dir: &Path, sink: &mut Sink) -> Vec<TextFile> {
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
            .map_err(|e| Error::at(Location::file(&path), format!("kan ikke lese filen: {e}")))
            .and_then(|b| table::decode_text(&path, &b));
        match read {
            Ok(text) => out.push(TextFile {
                name: path.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_string(),
                path,
                text,
            }),
            Err(e) => sink.extend(e),
        }
    }
    out
}

/// Every other table in the year's folder, for templates (`tabeller.<stem>`).
fn read_extra_tables(dir: &Path, sink: &mut Sink) -> Vec<(String, table::Table)> {
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
        let own = ["plan", "moter", "deltakelse", "rapportering"];
        if own.contains(&stem.as_str()) || out.iter().any(|(n, _)| *n == stem) {
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

/// Every file below `dir` (sorted), for hashing and watching.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            out.extend(files_below(&p));
        } else if !p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.') || n.starts_with('~'))
        {
            out.push(p);
        }
    }
    out
}

/// The data files a network's year depends on: its profile, logo, register,
/// own templates, and everything in the year's folder.
pub fn inputs(py: &PlanYear) -> Vec<PathBuf> {
    let mut v = vec![py.data_dir.join("nettverk.toml")];
    for name in ["logo.png", "ressurspersoner.csv", "ressurspersoner.xlsx"] {
        let p = py.data_dir.join(name);
        if p.is_file() {
            v.push(p);
        }
    }
    v.extend(files_below(&py.data_dir.join("maler")));
    v.extend(files_below(&py.year_dir));
    v
}
