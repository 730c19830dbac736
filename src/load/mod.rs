//! Stage 1, load: a network's data folder into typed records with source locations.
//!
//! Layout: `data/<network>/nettverk.toml`, optional `logo.png`, and per year
//! `data/<network>/<year>/plan.toml`, `plan.csv|xlsx`, `moter.csv|xlsx`.

mod plan;
pub mod reference;
mod register;
pub mod table;
pub mod walk;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, Error, Location, Result, Sink};
use crate::model::*;
pub use reference::kommuner;
pub use walk::files_below;

/// The networks in a data folder: every subfolder with a `nettverk.toml`, sorted.
pub fn networks(data: &Path) -> Result<Vec<String>> {
    let entries = std::fs::read_dir(data).map_err(|e| {
        Error::at(Location::file(data), format!("kan ikke lese datamappen: {}", crate::diag::io_text(&e)))
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
    let bytes = std::fs::read(path).map_err(|e| {
        Error::at(Location::file(path), format!("kan ikke lese filen: {}", crate::diag::io_text(&e)))
    })?;
    parse_toml(path, &bytes)
}

/// Deserializes TOML read from `path` (a file, or a built-in one), with errors in Norwegian.
pub fn parse_toml<T: DeserializeOwned>(path: &Path, bytes: &[u8]) -> Result<T> {
    let text = table::decode_text(path, bytes)?;
    toml::from_str(&text).map_err(|e| {
        let row = e.span().map(|s| text.get(..s.start).unwrap_or(&text).matches('\n').count() + 1);
        let loc = Location { file: path.to_path_buf(), row, col: None };
        Error::at(loc, toml_message(e.message()))
            .with_hint("se README.md, avsnittet «Data format», for feltene filen skal ha")
    })
}

/// A TOML or serde message in Norwegian, keeping the names it mentions.
pub fn toml_message(raw: &str) -> String {
    if let Some(f) = between(raw, "missing field `", "`") {
        format!("feltet «{f}» mangler")
    } else if let Some(f) = between(raw, "unknown field `", "`") {
        let known = between(raw, "expected one of ", "\u{0}").map(list_of_names).unwrap_or_default();
        if known.is_empty() {
            format!("ukjent felt «{f}»")
        } else {
            format!("ukjent felt «{f}»; kjente felt er {known}")
        }
    } else if let Some(v) = between(raw, "unknown variant `", "`") {
        let known = between(raw, "expected one of ", "\u{0}")
            .or_else(|| between(raw, "expected ", "\u{0}"))
            .map(list_of_names)
            .unwrap_or_default();
        format!("ukjent verdi «{v}»; bruk {known}")
    } else if let Some(t) = between(raw, "invalid type: ", ", expected") {
        let expected = between(raw, ", expected ", "\u{0}").unwrap_or("");
        format!("feil type verdi: {} der det skal være {}", type_name(t), type_name(expected))
    } else if raw.contains("duplicate key") {
        format!("et felt står to ganger (teknisk melding: {raw})")
    } else {
        format!("filen er ikke gyldig TOML (teknisk melding: {raw})")
    }
}

/// Backquoted names as a Norwegian list: "`a`, `b` or `c`" → «a», «b» eller «c».
fn list_of_names(s: &str) -> String {
    let names: Vec<String> = s.split('`').skip(1).step_by(2).map(|n| format!("«{n}»")).collect();
    match names.as_slice() {
        [] => s.to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} eller {last}", rest.join(", ")),
    }
}

fn type_name(t: &str) -> &str {
    let t = t.trim();
    if t.starts_with("string") || t.starts_with("a string") {
        "tekst"
    } else if t.starts_with("integer") || t.starts_with("an integer") {
        "et heltall"
    } else if t.starts_with("float") || t.starts_with("f32") || t.starts_with("f64") {
        "et tall"
    } else if t.starts_with("boolean") || t.starts_with("a boolean") {
        "true eller false"
    } else if t.starts_with("sequence") || t.contains("sequence") {
        "en liste [\"…\"]"
    } else if t.contains("map") || t.starts_with("struct") {
        "en tabell"
    } else if t.contains("date") {
        "en dato"
    } else {
        t
    }
}

/// The text between `start` and `end` (`"\0"`: to the end).
fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    if end == "\u{0}" {
        return Some(&s[i..]);
    }
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

fn toml_date(d: &toml::value::Datetime) -> Option<NaiveDate> {
    let date = d.date?;
    NaiveDate::from_ymd_opt(date.year as i32, date.month as u32, date.day as u32)
}

/// Reads a TOML file into the sink: its value, or None with the errors reported.
fn toml_into<T: DeserializeOwned>(path: &Path, sink: &mut Sink) -> Option<T> {
    read_toml(path).map_err(|e| sink.extend(e)).ok()
}

/// Checks plan.toml's values that become file names or choose templates.
fn check_meta(m: &PlanMeta, path: &Path, sink: &mut Sink) {
    let period_ok = m.period.as_deref().is_none_or(|p| {
        let parts: Vec<&str> = p.split('-').collect();
        (1..=2).contains(&parts.len())
            && parts.iter().all(|x| x.len() == 4 && x.chars().all(|c| c.is_ascii_digit()))
    });
    if !period_ok {
        sink.error(
            Location::file(path),
            "«periode» må være et år eller to år med bindestrek",
            "skriv for eksempel periode = \"2024-2026\"",
        );
    }
    let kind_ok = !m.kind.is_empty()
        && m.kind.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !kind_ok {
        sink.error(
            Location::file(path),
            format!("«dokument» = «{}» kan ikke brukes", m.kind),
            "bruk navnet på en mal med små bokstaver, for eksempel arsplan, handlingsplan eller strategi",
        );
    }
}

/// Each group gets its own calendar file, named from the group: two groups
/// must not give the same file name.
fn check_groups(groups: &[String], path: &Path, sink: &mut Sink) {
    let mut slugs: BTreeMap<String, &str> = BTreeMap::new();
    for g in groups {
        let slug = crate::publish::slug(g);
        if let Some(other) = slugs.insert(slug.clone(), g) {
            sink.error(
                Location::file(path),
                format!("gruppene «{other}» og «{g}» er for like (begge blir «{slug}» i filnavn)"),
                "gi hver nettverksgruppe i grupper et eget navn",
            );
        }
    }
}

/// Loads one network's data for one year. Every problem found is reported at once.
pub fn load_year(data: &Path, network: &str, year: i32) -> Result<PlanYear> {
    let data_dir = data.join(network);
    let year_dir = data_dir.join(year.to_string());
    let mut sink = Sink::default();

    let profile_path = data_dir.join("nettverk.toml");
    let profile: Option<Profile> = toml_into(&profile_path, &mut sink);
    let meta_path = year_dir.join("plan.toml");
    let meta: Option<PlanMeta> = toml_into(&meta_path, &mut sink);
    let date = meta.as_ref().and_then(|m| {
        let d = toml_date(&m.date);
        if d.is_none() {
            sink.push(
                Diagnostic::error(Some(Location::file(&meta_path)), "«dato» må være en dato")
                    .hint("skriv for eksempel dato = 2026-01-15"),
            );
        }
        d
    });
    if let Some(m) = &meta {
        check_meta(m, &meta_path, &mut sink);
    }
    let groups: Vec<String> = profile.as_ref().map(|p| p.groups.clone()).unwrap_or_default();
    check_groups(&groups, &profile_path, &mut sink);

    let outline = plan::outline(&year_dir, &mut sink);
    let meetings = plan::meetings(&year_dir, &groups, &mut sink);
    let wheel = plan::wheel(&year_dir, &mut sink);
    let logo = Some(data_dir.join("logo.png")).filter(|p| p.is_file());
    let texts = plan::texts(&year_dir.join("tekster"), &mut sink);
    let report = register::report(&data_dir, &year_dir, &groups, &meetings, &mut sink);
    let tables = plan::extra_tables(&year_dir, &mut sink);

    sink.finish()?;
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
            wheel,
            tables,
            report,
        }),
        _ => Err(Error::msg("dataene kunne ikke leses")),
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

/// The data files a network's year depends on: its profile, logo, register,
/// own templates, and everything in the year's folder.
pub fn inputs(py: &PlanYear) -> Vec<std::path::PathBuf> {
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
