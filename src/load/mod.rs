//! Stage 1, load: a network's data folder into typed records with source locations.
//!
//! Layout: `data/<network>/nettverk.toml`, optional `logo.svg` or `logo.png`, and per year
//! `data/<network>/<year>/plan.toml`, `plan.csv|xlsx`, `moter.csv|xlsx`.

pub mod delimited;
mod plan;
pub mod reference;
mod register;
pub mod table;
pub mod text;
pub mod walk;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, Error, Location, Result, Sink};
use crate::model::*;
pub use plan::meetings_of;

/// Rules over a year's meetings (the check stage's), run by the loader on
/// what it could read when it found errors, so a leader sees every problem
/// of every file in one round.
pub type MeetingRules<'a> = &'a dyn Fn(i32, &[Meeting]) -> Vec<Diagnostic>;
pub use reference::kommuner;
pub use walk::{files_below, files_in, hidden};

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
        .filter_map(|e| year_name(&e.file_name().to_string_lossy()))
        .collect();
    out.sort();
    Ok(out)
}

/// A folder name that is a plan year (1900-2200).
fn year_name(name: &str) -> Option<i32> {
    let y: i32 = name.parse().ok().filter(|_| name.len() == 4 && name.chars().all(|c| c.is_ascii_digit()))?;
    (1900..=2200).contains(&y).then_some(y)
}

/// Folders a build skips, said as warnings so none is skipped without a
/// word: a folder in `data/` without `nettverk.toml`, a year folder without
/// `plan.toml`, and a folder with a `plan.toml` whose name is not a year.
/// Hidden folders and links back into the data folder are passed over.
pub fn skipped(data: &Path, networks: &[String]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let root = std::fs::canonicalize(data).ok();
    let subfolders = |dir: &Path| -> Vec<std::path::PathBuf> {
        let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
        let mut v: Vec<std::path::PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(['.', '~'])))
            .filter(|p| p.is_dir())
            // A link to the data folder or above it is a loop, not a network.
            .filter(|p| {
                let target = std::fs::canonicalize(p).ok();
                !matches!((&target, &root), (Some(t), Some(r)) if r.starts_with(t))
            })
            .collect();
        v.sort();
        v
    };
    let has = |p: &Path, f: &str| p.join(f).is_file();
    for dir in subfolders(data) {
        let name = dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        if !has(&dir, "nettverk.toml") {
            let looks_like = subfolders(&dir).iter().any(|y| has(y, "plan.toml"))
                || std::fs::read_dir(&dir).is_ok_and(|mut e| e.next().is_some());
            if looks_like {
                out.push(
                    Diagnostic::warning(
                        Some(Location::file(&dir)),
                        format!("mappen «{name}» har ingen nettverk.toml, så den blir ikke bygget"),
                    )
                    .hint(format!("legg en nettverk.toml i {} (kopier fra et annet nettverk), eller flytt mappen ut av datamappen", dir.display())),
                );
            }
            continue;
        }
        if !networks.contains(&name) {
            continue;
        }
        for y in subfolders(&dir) {
            let yname = y.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            match (year_name(&yname), has(&y, "plan.toml")) {
                (Some(_), false) => out.push(
                    Diagnostic::warning(
                        Some(Location::file(&y)),
                        format!("årsmappen «{yname}» har ingen plan.toml, så året blir ikke bygget"),
                    )
                    .hint("legg en plan.toml i mappen (kopier fra et annet år), eller flytt mappen ut"),
                ),
                (None, true) => out.push(
                    Diagnostic::warning(
                        Some(Location::file(&y)),
                        format!("mappen «{yname}» har en plan.toml, men navnet er ikke et årstall, så den blir ikke bygget"),
                    )
                    .hint("gi årsmappen navnet på året, for eksempel 2026"),
                ),
                _ => {}
            }
        }
    }
    out
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
            .with_hint(format!("se {} for feltene filen skal ha", crate::guide::GUIDE))
    })
}

/// A TOML or serde message in Norwegian, keeping the names it mentions.
pub fn toml_message(raw: &str) -> String {
    if let Some(f) = between(raw, "missing field `", "`") {
        format!("feltet «{f}» mangler")
    } else if let Some(f) = between(raw, "unknown field `", "`") {
        let expected = between(raw, "expected one of ", "\u{0}").unwrap_or("");
        let known = list_of_names(expected);
        // The known name a typo most likely meant: «mente du …?».
        let near = expected
            .split('`')
            .skip(1)
            .step_by(2)
            .map(|k| (table::edit_distance(&k.to_lowercase(), &f.to_lowercase()), k))
            .filter(|(d, k)| *d <= 2.max(k.chars().count() / 4))
            .min()
            .map(|(_, k)| format!(" (mente du «{k}»?)"))
            .unwrap_or_default();
        if known.is_empty() {
            format!("ukjent felt «{f}»{near}")
        } else {
            format!("ukjent felt «{f}»{near}; kjente felt er {known}")
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
        let key = between(raw, "duplicate key `", "`").map(|k| format!(" («{k}»)")).unwrap_or_default();
        format!("et felt står to ganger{key}; hvert felt kan bare stå én gang")
    } else {
        toml_syntax(raw)
    }
}

/// A TOML syntax error in Norwegian: what is wrong, then what was expected.
fn toml_syntax(raw: &str) -> String {
    let (what, expected) = match raw.split_once(", expected ") {
        Some((w, e)) => (w.trim(), Some(e.trim())),
        None => (raw.trim(), None),
    };
    const WHAT: [(&str, &str); 23] = [
        ("missing comma between array elements", "det mangler komma mellom elementene i listen"),
        ("invalid basic string", "teksten i anførselstegn er ikke avsluttet på samme linje"),
        ("invalid multi-line basic string", "teksten i tre anførselstegn (\"\"\") er ikke avsluttet"),
        ("invalid literal string", "teksten i enkle anførselstegn (') er ikke avsluttet på samme linje"),
        ("invalid multi-line literal string", "teksten i tre enkle anførselstegn (''') er ikke avsluttet"),
        ("string values must be quoted", "tekst må stå i anførselstegn"),
        ("key with no value", "feltet mangler verdi (eller teksten over fortsetter på denne linjen)"),
        ("missing escaped value", "etter \\ i en tekst må det stå en gyldig kode"),
        ("invalid escape sequence", "etter \\ i en tekst må det stå en gyldig kode"),
        ("unclosed array", "listen er ikke lukket med ]"),
        ("invalid array", "listen er ugyldig"),
        ("unclosed table", "tabellnavnet er ikke lukket med ]"),
        ("invalid table header", "tabellnavnet er ugyldig"),
        ("unclosed inline table", "tabellen { … } er ikke lukket med }"),
        ("invalid inline table", "tabellen { … } er ugyldig"),
        ("unexpected key or value", "det står noe etter verdien; hvert felt skal stå på sin egen linje"),
        ("unquoted keys cannot be empty", "feltnavnet mangler foran ="),
        ("invalid key", "feltnavnet er ugyldig"),
        ("invalid float", "tallet er ugyldig"),
        ("invalid integer", "tallet er ugyldig"),
        ("invalid date", "datoen er ugyldig"),
        ("invalid time", "klokkeslettet er ugyldig"),
        ("invalid value", "verdien er ugyldig"),
    ];
    let first = what.lines().next().unwrap_or(what);
    let Some((_, no)) = WHAT.iter().find(|(en, _)| first.starts_with(en)) else {
        return format!("filen er ikke gyldig TOML (teknisk melding: {})", raw.replace('\n', " "));
    };
    match expected.map(toml_expected).filter(|e| !e.is_empty()) {
        Some(e) => format!("filen er ikke gyldig TOML: {no}; forventet {e}"),
        None => format!("filen er ikke gyldig TOML: {no}"),
    }
}

/// `` `]`, newline or `#` `` → «]», linjeskift eller «#».
fn toml_expected(e: &str) -> String {
    const WORDS: [(&str, &str); 9] = [
        ("month between 01 and 12", "en måned mellom 01 og 12"),
        ("day between 01 and", "en dag mellom 01 og"),
        ("unicode hexadecimal value", "et tegnnummer i heksadesimal (som \\u00E6)"),
        ("nothing", ""),
        ("newline", "linjeskift"),
        ("letters", "bokstaver"),
        ("numbers", "tall"),
        ("literal string", "tekst i anførselstegn"),
        ("digit", "et siffer"),
    ];
    let parts: Vec<String> = e
        .split(", ")
        .flat_map(|p| p.split(" or "))
        .map(str::trim)
        .map(|p| {
            if let Some(inner) = p.strip_prefix('`').and_then(|p| p.strip_suffix('`')) {
                return format!("«{inner}»");
            }
            match WORDS.iter().find(|(en, _)| p.starts_with(en)) {
                Some((en, no)) => format!("{no}{}", &p[en.len()..]),
                None => p.to_string(),
            }
        })
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} eller {last}", rest.join(", ")),
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
    } else if t.starts_with("integer")
        || t.starts_with("an integer")
        || matches!(t, "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize")
    {
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

/// Reads a TOML file into the sink: its value, or None with the errors
/// reported. Every text in it must be one a document can show.
fn toml_into<T: DeserializeOwned>(path: &Path, sink: &mut Sink) -> Option<T> {
    let value = read_toml(path).map_err(|e| sink.extend(e)).ok()?;
    check_toml_texts(path, sink);
    Some(value)
}

/// The line a field is set on (`key = …` at the start of a line), for messages.
pub fn key_row(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim_start().trim_start_matches(['"', '\'']);
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start_matches(['"', '\'']).trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

/// Checks every string of a TOML file against the text rules, naming the
/// field and its line. Control characters written as escapes (`\u000B`)
/// are left to the Markdown escaper (a line break, or dropped).
fn check_toml_texts(path: &Path, sink: &mut Sink) {
    let Ok(text) = std::fs::read(path).map(|b| text::decode(&b).unwrap_or_default()) else { return };
    let Ok(table) = toml::from_str::<toml::Table>(&text) else { return };
    fn walk(v: &toml::Value, key: &str, top: &str, out: &mut Vec<(String, String, String)>) {
        match v {
            toml::Value::String(s) => out.push((key.to_string(), top.to_string(), s.clone())),
            toml::Value::Array(a) => {
                a.iter().enumerate().for_each(|(i, x)| walk(x, &format!("{key}[{}]", i + 1), top, out))
            }
            toml::Value::Table(t) => t.iter().for_each(|(k, x)| walk(x, &format!("{key}.{k}"), k, out)),
            _ => {}
        }
    }
    let mut strings = Vec::new();
    for (k, v) in &table {
        walk(v, k, k, &mut strings);
    }
    for (key, top, s) in strings {
        let visible: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        if let Some((m, h)) = text::problem(&visible) {
            let loc = Location { file: path.to_path_buf(), row: key_row(&text, &top), col: None };
            sink.push(Diagnostic::error(Some(loc), format!("«{key}»: {m}")).hint(h));
        }
    }
}

/// The sender of `arsplan send` goes into a mail header: one line, with an address.
fn check_sender(p: &Profile, path: &Path, sink: &mut Sink) {
    let Some(sender) = &p.sender else { return };
    let text = std::fs::read(path).map(|b| text::decode(&b).unwrap_or_default()).unwrap_or_default();
    let loc = Location { file: path.to_path_buf(), row: key_row(&text, "avsender"), col: None };
    let hint = "skriv avsenderen på én linje, for eksempel avsender = \"Driftsgruppen <nettverk@helse.no>\"";
    if let Some(c) = sender.chars().find(|c| c.is_control()) {
        let what = match c {
            '\n' | '\r' | '\u{b}' => "et linjeskift".to_string(),
            '\t' => "en tabulator".to_string(),
            c => format!("kontrolltegnet {}", text::describe(c)),
        };
        sink.error(loc, format!("«avsender» har {what}, som ikke kan stå i en e-post"), hint);
    } else if !sender.contains('@') {
        sink.error(loc, format!("«avsender» = «{sender}» har ingen e-postadresse"), hint);
    }
}

/// Checks plan.toml's values that become file names or choose templates.
fn check_meta(m: &PlanMeta, year: i32, path: &Path, sink: &mut Sink) {
    let period_ok = m.period.as_deref().is_none_or(|p| {
        let parts: Vec<&str> = p.split('-').collect();
        (1..=2).contains(&parts.len())
            && parts.iter().all(|x| x.len() == 4 && x.chars().all(|c| c.is_ascii_digit()))
    });
    let text = std::fs::read(path).map(|b| text::decode(&b).unwrap_or_default()).unwrap_or_default();
    for (key, target) in [("mal_fremmote", m.attendance_target), ("mal_rapportering", m.survey_target)] {
        if let Some(t) = target.filter(|t| !(1..=100).contains(t)) {
            sink.error(
                Location { file: path.to_path_buf(), row: key_row(&text, key), col: None },
                format!("«{key}» = {t} er ikke en prosent mellom 1 og 100"),
                format!("skriv målet i prosent uten prosenttegn, for eksempel {key} = 80, eller ta bort linjen hvis planen ikke har noe slikt mål"),
            );
        }
    }
    let at = Location { file: path.to_path_buf(), row: key_row(&text, "periode"), col: None };
    if !period_ok {
        sink.error(
            at.clone(),
            "«periode» må være et år eller to år med bindestrek",
            "skriv for eksempel periode = \"2024-2026\"",
        );
    } else if let Some(p) = &m.period {
        let years: Vec<i32> = p.split('-').filter_map(|y| y.parse().ok()).collect();
        let (first, last) = (years[0], *years.last().unwrap_or(&years[0]));
        if last < first {
            sink.error(
                at,
                format!("«periode» = «{p}» går baklengs: {last} er før {first}"),
                format!("skriv det første året først: periode = \"{last}-{first}\""),
            );
        } else if !(first..=last).contains(&year) {
            sink.error(
                at,
                format!("«periode» = «{p}» tar ikke med {year}, året planen ligger under"),
                format!("en plan for en periode ligger i mappen til periodens første år; skriv for eksempel periode = \"{year}-{}\"", year + last - first),
            );
        }
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
        let slug = crate::model::slug(g);
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
    load_year_checked(data, network, year, &|_, _| Vec::new())
}

/// Loads one network's year; when something is wrong, the meetings it could
/// read (and the dates of rows with other errors) also go through `rules`,
/// so the dates' problems come in the same round as the rest.
pub fn load_year_checked(data: &Path, network: &str, year: i32, rules: MeetingRules) -> Result<PlanYear> {
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
        check_meta(m, year, &meta_path, &mut sink);
    }
    // A document date in another year is most often last year's plan.toml, copied.
    if let (Some(d), None) = (date, meta.as_ref().and_then(|m| m.period.as_ref())) {
        if d.year() != year {
            sink.warn(
                Location::file(&meta_path),
                format!("«dato» er {}, men planen er for {year}", d.format("%d.%m.%Y")),
                format!("skriv en dato i {year}, for eksempel dato = {year}-01-15"),
            );
        }
    }
    // A workbook open in Excel: what is not saved is not in the documents.
    for dir in [&data_dir, &year_dir] {
        for lock in excel_locks(dir) {
            sink.warn(
                Location::file(&lock),
                "regnearket er åpent i Excel; endringer som ikke er lagret, kommer ikke med",
                "lagre regnearket i Excel (og lukk det gjerne) før du bygger",
            );
        }
    }
    // Without a readable profile the groups are unknown: the group cells are not checked.
    let groups: Option<Vec<String>> = profile.as_ref().map(|p| p.groups.clone());
    if let Some(p) = &profile {
        check_groups(&p.groups, &profile_path, &mut sink);
        check_sender(p, &profile_path, &mut sink);
    }
    let groups = groups.as_deref();

    let outline = plan::outline(&year_dir, &mut sink);
    let (meetings, dated) = plan::meetings_and_dated(&year_dir, groups, &mut sink);
    let wheel = plan::wheel(&year_dir, &mut sink);
    // The network's own logo: a drawing (SVG) before a picture (PNG).
    let logo = ["logo.svg", "logo.png"].iter().map(|n| data_dir.join(n)).find(|p| p.is_file());
    let texts = plan::texts(&year_dir.join("tekster"), &mut sink);
    let report = register::report(data, &data_dir, &year_dir, groups, &meetings, year, &mut sink);
    let tables = plan::extra_tables(&year_dir, &mut sink);
    if sink.has_errors() {
        let mut all = meetings.clone();
        all.extend(dated);
        all.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
        rules(year, &all).into_iter().for_each(|d| sink.push(d));
    }

    let warnings = sink.finish()?;
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
            warnings,
        }),
        _ => Err(Error::msg("dataene kunne ikke leses")),
    }
}

/// The workbooks Excel has open in a folder: `~$moter.xlsx` marks `moter.xlsx`
/// (for a long name Excel drops its first two letters: `~$ssurspersoner.xlsx`).
fn excel_locks(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let names: Vec<String> =
        entries.filter_map(|e| e.ok()?.file_name().to_str().map(str::to_string)).collect();
    let mut out: Vec<std::path::PathBuf> = names
        .iter()
        .filter_map(|n| n.strip_prefix("~$"))
        .map(|tail| {
            let whole = names.iter().find(|n| {
                !n.starts_with("~$") && (*n == tail || n.ends_with(tail) && n.len() == tail.len() + 2)
            });
            dir.join(whole.map(String::as_str).unwrap_or(tail))
        })
        .collect();
    out.sort();
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What the Norwegian message says for a TOML text, read by the real parser.
    fn said<T: DeserializeOwned>(text: &str) -> String {
        match parse_toml::<T>(Path::new("x.toml"), text.as_bytes()) {
            Ok(_) => "ok".into(),
            Err(e) => e.0[0].message.clone(),
        }
    }

    /// The parser's messages are read for their meaning (toml gives no
    /// kinds): every phrase arsplan words in Norwegian is pinned here against
    /// the toml crate in use, so an upgrade that words one differently fails
    /// this test instead of silently giving the leader the English text.
    #[test]
    fn every_toml_syntax_error_arsplan_words_is_worded() {
        let cases = [
            ("a = \"abc", "teksten i anførselstegn er ikke avsluttet på samme linje; forventet «\"»"),
            ("a = \"\"\"abc", "teksten i tre anførselstegn (\"\"\") er ikke avsluttet"),
            ("a = 'abc", "teksten i enkle anførselstegn (') er ikke avsluttet på samme linje"),
            ("a = '''abc", "teksten i tre enkle anførselstegn (''') er ikke avsluttet"),
            ("a = abc", "tekst må stå i anførselstegn; forventet tekst i anførselstegn"),
            ("a", "feltet mangler verdi (eller teksten over fortsetter på denne linjen); forventet «=»"),
            ("a = \"\\q\"", "etter \\ i en tekst må det stå en gyldig kode; forventet «b», «e»"),
            ("a = [1, 2", "listen er ikke lukket med ]; forventet «]»"),
            ("[abc", "tabellnavnet er ikke lukket med ]"),
            ("a = {b = 1", "tabellen { … } er ikke lukket med }"),
            (
                "a = 1 b = 2",
                "det står noe etter verdien; hvert felt skal stå på sin egen linje; forventet linjeskift eller «#»",
            ),
            ("= 1", "feltnavnet mangler foran =; forventet bokstaver, tall, «-» eller «_»"),
            ("a = 2026-13-01", "datoen er ugyldig; forventet en måned mellom 01 og 12"),
            ("a = 2026-02-30", "datoen er ugyldig; forventet en dag mellom 01 og 28"),
            ("a = 25:00:00", "klokkeslettet er ugyldig"),
        ];
        for (text, words) in cases {
            let said = said::<toml::Table>(text);
            assert!(said.starts_with(&format!("filen er ikke gyldig TOML: {words}")), "{text}: {said}");
        }
        assert_eq!(
            said::<toml::Table>("a = 1\na = 2"),
            "et felt står to ganger; hvert felt kan bare stå én gang"
        );
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Shape {
        navn: String,
        antall: u32,
        #[serde(default)]
        plass: Option<crate::theme::Align>,
    }

    /// The same for what serde says of a file's shape.
    #[test]
    fn every_shape_error_is_worded() {
        assert_eq!(said::<Shape>("antall = 1"), "feltet «navn» mangler");
        assert_eq!(
            said::<Shape>("navn = \"a\"\nantal = 1"),
            "ukjent felt «antal» (mente du «antall»?); kjente felt er «navn», «antall» eller «plass»"
        );
        assert_eq!(
            said::<Shape>("navn = \"a\"\nantall = 1\nplass = \"sentrert\""),
            "ukjent verdi «sentrert»; bruk «venstre», «midt» eller «høyre»"
        );
        assert_eq!(
            said::<Shape>("navn = 1\nantall = 1"),
            "feil type verdi: et heltall der det skal være tekst"
        );
        assert_eq!(
            said::<Shape>("navn = \"a\"\nantall = \"x\""),
            "feil type verdi: tekst der det skal være et heltall"
        );
    }
}
