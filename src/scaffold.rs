//! Starting without a programmer: a project with the example networks
//! (`arsplan ny eksempel`), a new network with an empty year
//! (`arsplan ny nettverk`), and next year made from this one with every
//! meeting moved to the same weekday of the same week (`arsplan ny år`).
//! Tables are written in the form the network already uses: CSV with its
//! delimiter, or Excel workbooks made for people (see [`crate::workbook`]).

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use include_dir::{include_dir, Dir};

use crate::dates;
use crate::diag::{io_text, Diagnostic, Error, Location, Result};
use crate::load::{self, table};
use crate::model::{AppliesTo, Level, MeetingKind, Named, Table};
use crate::project::{Project, MARKER};
use crate::templates::{write_tree, Sources};
use crate::workbook::{self, Cell, Kind, Sheet};

/// The example networks' data (the repository's `data/`), for `ny eksempel`.
pub static EXAMPLES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/data");

/// What a `ny` command made.
#[derive(Debug, Default)]
pub struct Made {
    pub written: Vec<PathBuf>,
    pub warnings: Vec<Diagnostic>,
    /// What to do next, in Norwegian.
    pub next: Vec<String>,
}

fn io_at(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::at(Location::file(path), format!("kan ikke skrive: {}", io_text(&e)))
}

/// Writes a new file (never over an existing one).
pub(crate) fn create(path: &Path, bytes: &[u8], made: &mut Made) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io_at(parent))?;
    }
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Error::at(Location::file(path), "filen finnes allerede")
                .with_hint("ingenting er skrevet over; flytt eller slett den først")
        } else {
            io_at(path)(e)
        }
    })?;
    std::io::Write::write_all(&mut f, bytes).map_err(io_at(path))?;
    made.written.push(path.to_path_buf());
    Ok(())
}

/// The project's marker file, if it has none yet.
pub(crate) fn mark(project: &Project, made: &mut Made) -> Result<()> {
    let root = project.data.parent().unwrap_or(Path::new("."));
    let marker = root.join(MARKER);
    if !marker.exists() {
        let text = "# Et arsplan-prosjekt: nettverkenes data i data/, dokumentene i output/.\n\
                    # Egne husstiler kan legges i templates/ (de innebygde finnes alltid).\n\
                    # data = \"data\"\n# maler = \"templates\"\n# utdata = \"output\"\n";
        create(&marker, text.as_bytes(), made)?;
    }
    Ok(())
}

/// `ny eksempel`: the example networks' data into the project (files that are
/// there already are kept as they are).
pub fn example(project: &Project) -> Result<Made> {
    let mut made = Made::default();
    mark(project, &mut made)?;
    let written = write_tree(&EXAMPLES, &project.data).map_err(io_at(&project.data))?;
    if written.is_empty() {
        made.warnings.push(
            Diagnostic::warning(
                Some(Location::file(&project.data)),
                "eksempeldataene finnes allerede; ingenting er skrevet over",
            )
            .hint("kjør «arsplan build» for å lage dokumentene"),
        );
    }
    made.written.extend(written);
    made.next = vec![
        "Neste steg: kjør «arsplan build». Dokumentene havner i output/.".into(),
        "Endre en møtedato i data/stavanger/2026/moter.csv og kjør «arsplan build» igjen for å se hva som endres.".into(),
    ];
    Ok(made)
}

/// Whether a text can be a network's folder name.
pub(crate) fn valid_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The columns of a new plan and meeting table, with what each holds.
pub(crate) fn plan_columns() -> Vec<(String, Kind)> {
    vec![
        ("Nivå".into(), Kind::Choice(words::<Level>())),
        ("Tekst".into(), Kind::Text),
        ("Gjelder".into(), Kind::Choice(words::<AppliesTo>())),
        ("Innsatsområder".into(), Kind::Literal),
    ]
}

pub(crate) fn meeting_columns(groups: &[String]) -> Vec<(String, Kind)> {
    vec![
        ("ID".into(), Kind::Literal),
        ("Dato".into(), Kind::Date),
        ("Type".into(), Kind::Choice(words::<MeetingKind>())),
        ("Gruppe".into(), Kind::Choice(groups.to_vec())),
        ("Gjelder".into(), Kind::Choice(words::<AppliesTo>())),
        ("Tittel".into(), Kind::Text),
        ("Tema".into(), Kind::Text),
        ("Sted".into(), Kind::Text),
        ("Start".into(), Kind::Literal),
        ("Slutt".into(), Kind::Literal),
    ]
}

fn words<T: Named>() -> Vec<String> {
    T::ALL.iter().map(|(w, _)| w.to_string()).collect()
}

/// A table's bytes: CSV (UTF-8 with BOM, so Excel reads æøå) or a workbook sheet.
pub(crate) fn table_bytes(sheet: &Sheet, excel: bool, delimiter: u8) -> Result<Vec<u8>> {
    if excel {
        return workbook::write(std::slice::from_ref(sheet));
    }
    let mut w =
        csv::WriterBuilder::new().delimiter(delimiter).terminator(csv::Terminator::CRLF).from_writer(vec![]);
    let fail = |e: csv::Error| Error::msg(format!("tabellen kunne ikke skrives: {e}"));
    w.write_record(sheet.columns.iter().map(|(h, _)| h.as_str())).map_err(fail)?;
    for row in &sheet.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cell::Text(t) => t.clone(),
                Cell::Date(d) => d.format("%d.%m.%Y").to_string(),
            })
            .collect();
        w.write_record(&cells).map_err(fail)?;
    }
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(w.into_inner().map_err(|e| Error::msg(format!("tabellen kunne ikke skrives: {e}")))?);
    Ok(bytes)
}

/// `ny nettverk <navn> --stil <stil>`: a network folder with a commented
/// `nettverk.toml` and a year with an empty plan and meeting table.
pub fn network(project: &Project, name: &str, style: &str, year: i32, excel: bool) -> Result<Made> {
    if !valid_name(name) {
        return Err(Error::msg(format!("«{name}» kan ikke brukes som navn på et nettverk"))
            .with_hint("bruk små bokstaver a-z, sifre og bindestrek, for eksempel fonna eller helse-forde"));
    }
    let dir = project.data.join(name);
    if dir.exists() {
        return Err(Error::at(Location::file(&dir), format!("nettverket «{name}» finnes allerede"))
            .with_hint("velg et annet navn, eller lag et nytt år med «arsplan ny år»"));
    }
    let sources = Sources::new(vec![project.templates.clone()]);
    if !sources.has_style(style) {
        return Err(Error::msg(format!("husstilen «{style}» finnes ikke"))
            .with_hint(format!("husstilene er: {}", sources.styles().join(", "))));
    }
    let mut made = Made::default();
    mark(project, &mut made)?;
    let profile = format!(
        "# Nettverkets profil. Linjer som begynner med # er forklaringer; fyll inn og fjern # der du trenger det.\n\
         navn = \"Nettverk i kreftomsorg og lindrende behandling i …\"   # nettverkets fulle navn\n\
         helseforetak = \"…\"          # for eksempel Helse Fonna; står i toppteksten når det ikke er noen logo\n\
         stil = \"{style}\"             # husstilen: {}\n\
         nettverk = [\"sykepleiernettverket\"]   # eller også \"fysio- og ergoterapinettverket\"\n\
         grupper = []                 # de lokale nettverksgruppene, for eksempel [\"Haugesund\", \"Stord\"]\n\
         forside = []                 # linjene øverst på forsiden\n\
         motto = []\n\
         bygger_pa = []               # dokumentene planen bygger på\n\
         malsetting = \"\"\n\
         kjennetegn = \"\"\n\
         # strategi = \"helse-vest\"   # mappen med den regionale strategien planene følger\n\
         # avsender = \"Driftsgruppen <nettverk@helseforetak.no>\"   # avsender når dokumentene sendes\n\
         # Nettverkets egen logo: legg den som logo.png i denne mappen.\n",
        sources.styles().join(", ")
    );
    create(&dir.join("nettverk.toml"), profile.as_bytes(), &mut made)?;
    let year_dir = dir.join(year.to_string());
    let plan = format!(
        "# Årets plan. {{{{ år }}}} i en tekst blir planåret.\n\
         dokument = \"arsplan\"\n\
         tittel = \"ÅRSPLAN {{{{ år }}}}\"\n\
         dato = {year}-01-15          # dokumentets dato\n\
         innledning = []              # avsnittene under «Plan for arbeidet i {{{{ år }}}}»\n\
         signatur = \"Driftsgruppen januar {{{{ år }}}}\"\n\
         signatarer = []\n"
    );
    create(&year_dir.join("plan.toml"), plan.as_bytes(), &mut made)?;
    let (ext, delimiter) = if excel { ("xlsx", b';') } else { ("csv", b';') };
    let plan = Sheet { name: "Plan".into(), columns: plan_columns(), rows: vec![] };
    create(&year_dir.join(format!("plan.{ext}")), &table_bytes(&plan, excel, delimiter)?, &mut made)?;
    let meetings = Sheet { name: "Møter".into(), columns: meeting_columns(&[]), rows: vec![] };
    create(&year_dir.join(format!("moter.{ext}")), &table_bytes(&meetings, excel, delimiter)?, &mut made)?;
    recipients(&dir, excel, &mut made)?;
    made.next = vec![
        format!("Neste steg: fyll inn {}, og planen og møtene i {}.", dir.join("nettverk.toml").display(), year_dir.display()),
        format!("Kontroller med «arsplan check --network {name}», og lag dokumentene med «arsplan build --network {name}»."),
    ];
    Ok(made)
}

/// A network's empty table of municipalities' postmottak (`mottakere`).
pub(crate) fn recipients(dir: &Path, excel: bool, made: &mut Made) -> Result<()> {
    let sheet = Sheet {
        name: "Mottakere".into(),
        columns: vec![
            ("Kommunenummer".into(), Kind::Literal),
            ("Kommune".into(), Kind::Text),
            ("Postmottak".into(), Kind::Text),
            ("Verifisert".into(), Kind::Choice(vec!["ja".into(), "nei".into()])),
            ("Kontakt".into(), Kind::Text),
        ],
        rows: vec![],
    };
    let ext = if excel { "xlsx" } else { "csv" };
    create(&dir.join(format!("mottakere.{ext}")), &table_bytes(&sheet, excel, b';')?, made)
}

/// The delimiter of a CSV file (semicolon unless the header has more commas).
fn delimiter_of(path: &Path) -> u8 {
    let text = std::fs::read(path).map(|b| String::from_utf8_lossy(&b).to_string()).unwrap_or_default();
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if header.matches(',').count() > header.matches(';').count() {
        b','
    } else {
        b';'
    }
}

/// The same day of the same ISO week and weekday in another year (week 53
/// becomes week 52 where the year has none).
pub fn same_weekday(date: NaiveDate, year: i32) -> (NaiveDate, bool) {
    let week = date.iso_week().week();
    match NaiveDate::from_isoywd_opt(year, week, date.weekday()) {
        Some(d) => (d, false),
        None => (NaiveDate::from_isoywd_opt(year, 52, date.weekday()).unwrap_or(date), true),
    }
}

/// `plan.toml` with `dato` moved to `year` (same month and day) and `periode`
/// moved as far; everything else, comments too, as written.
fn moved_plan_toml(text: &str, from: i32, year: i32) -> String {
    let delta = year - from;
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let key = line.split('=').next().unwrap_or("").trim();
        let moved = match key {
            "dato" => line.split_once('=').and_then(|(k, v)| {
                let v = v.trim_start();
                let date = NaiveDate::parse_from_str(v.get(..10)?, "%Y-%m-%d").ok()?;
                let new = NaiveDate::from_ymd_opt(year, date.month(), date.day())
                    .or_else(|| NaiveDate::from_ymd_opt(year, date.month(), 28))?;
                Some(format!("{k}= {}{}", new.format("%Y-%m-%d"), &v[10..]))
            }),
            "periode" => line.split_once('=').map(|(k, v)| {
                let shifted: String = v
                    .split(|c: char| !c.is_ascii_digit())
                    .filter(|p| p.len() == 4)
                    .map(|p| (p.parse::<i32>().unwrap_or(0) + delta).to_string())
                    .collect::<Vec<_>>()
                    .join("-");
                format!("{k}= \"{shifted}\"\n")
            }),
            _ => None,
        };
        out.push_str(&moved.unwrap_or_else(|| line.to_string()));
    }
    out
}

/// The columns of a read table with what each holds, for writing it back.
fn kinds(t: &Table, groups: &[String]) -> Vec<(String, Kind)> {
    let known: Vec<(String, Kind)> = plan_columns().into_iter().chain(meeting_columns(groups)).collect();
    t.headers
        .iter()
        .map(|h| {
            let kind = known
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(h))
                .map(|(_, k)| k.clone())
                .unwrap_or_default();
            (h.clone(), kind)
        })
        .collect()
}

/// `ny år --network <n> --year <Y>`: year Y from the latest year before it.
pub fn year(project: &Project, network: &str, year: i32) -> Result<Made> {
    let years = load::years(&project.data, network)?;
    let Some(&from) = years.iter().filter(|y| **y < year).max() else {
        return Err(Error::msg(format!(
            "nettverket «{network}» har ikke noe år før {year} å lage {year} fra"
        ))
        .with_hint(format!(
            "årene er: {}",
            years.iter().map(|y| y.to_string()).collect::<Vec<_>>().join(", ")
        )));
    };
    let net_dir = project.data.join(network);
    let (src, dst) = (net_dir.join(from.to_string()), net_dir.join(year.to_string()));
    if dst.exists() {
        return Err(Error::at(Location::file(&dst), format!("{year} finnes allerede")).with_hint(
            "ingenting er skrevet over; slett eller flytt mappen først hvis du vil lage året på nytt",
        ));
    }
    let profile: crate::model::Profile = load::read_toml(&net_dir.join("nettverk.toml"))?;
    let mut made = Made::default();
    // plan.toml: the document date moved to the new year.
    let plan_toml = std::fs::read_to_string(src.join("plan.toml")).map_err(|e| {
        Error::at(Location::file(&src.join("plan.toml")), format!("kan ikke lese filen: {}", io_text(&e)))
    })?;
    create(&dst.join("plan.toml"), moved_plan_toml(&plan_toml, from, year).as_bytes(), &mut made)?;
    // The plan without the report's columns (Status, Kommentar).
    let plan = table::require(&src, "plan", "Plan")?;
    let keep: Vec<usize> = (0..plan.headers.len())
        .filter(|i| !["status", "kommentar"].contains(&plan.headers[*i].to_lowercase().as_str()))
        .collect();
    let plan_kinds = kinds(&plan, &profile.groups);
    let sheet = Sheet {
        name: plan.sheet.clone().unwrap_or_else(|| "Plan".into()),
        columns: keep.iter().map(|i| plan_kinds[*i].clone()).collect(),
        rows: plan
            .rows
            .iter()
            .map(|r| keep.iter().map(|i| Cell::Text(r.cells.get(*i).cloned().unwrap_or_default())).collect())
            .collect(),
    };
    write_like(&plan, &sheet, &dst, "plan", &mut made)?;
    // The meetings, each on the same weekday of the same week.
    let meetings = table::require(&src, "moter", "Møter")?;
    let date_col = meetings.headers.iter().position(|h| h.eq_ignore_ascii_case("dato"));
    let id_col = meetings.headers.iter().position(|h| h.eq_ignore_ascii_case("id"));
    let excel = meetings.sheet.is_some();
    let new_path = dst.join(if excel { "moter.xlsx" } else { "moter.csv" });
    let shown = if excel {
        PathBuf::from(format!("{} [ark {}]", new_path.display(), meetings.sheet.clone().unwrap_or_default()))
    } else {
        new_path.clone()
    };
    let mut rows = Vec::new();
    for (i, r) in meetings.rows.iter().enumerate() {
        let mut cells: Vec<Cell> = r.cells.iter().map(|c| Cell::Text(c.clone())).collect();
        if let Some(dc) = date_col {
            if let Some(Ok(date)) = r.cells.get(dc).map(|c| dates::parse(c)) {
                let (new, clipped) = same_weekday(date, year);
                let id = id_col.and_then(|c| r.cells.get(c)).cloned().unwrap_or_default();
                let loc = Location::cell(&shown, i + 2, dc, &meetings.headers[dc]);
                if let Some(h) = dates::holiday(new) {
                    made.warnings.push(
                        Diagnostic::warning(
                            Some(loc.clone()),
                            format!("«{id}» flyttes til {}, som er {h}", new.format("%d.%m.%Y")),
                        )
                        .hint("velg en annen dag for møtet"),
                    );
                }
                if clipped {
                    made.warnings.push(
                        Diagnostic::warning(
                            Some(loc),
                            format!("{year} har ingen uke 53; «{id}» flyttes til uke 52"),
                        )
                        .hint("sjekk datoen"),
                    );
                }
                cells[dc] = if excel {
                    Cell::Date(new)
                } else {
                    Cell::Text(format_like(r.cells.get(dc).map(String::as_str).unwrap_or(""), new))
                };
            }
        }
        rows.push(cells);
    }
    let sheet = Sheet {
        name: meetings.sheet.clone().unwrap_or_else(|| "Møter".into()),
        columns: kinds(&meetings, &profile.groups),
        rows,
    };
    write_like(&meetings, &sheet, &dst, "moter", &mut made)?;
    // Prose, the årshjul and other tables as they are; the report's files stay behind.
    copy_rest(&src, &dst, &mut made)?;
    made.next = vec![
        format!("Neste steg: se over datoene i {} og tekstene i plan.toml.", new_path.display()),
        format!("Kontroller med «arsplan check --network {network} --year {year}»."),
    ];
    Ok(made)
}

/// A date written in the form the cell had: `2026-04-16` or `16.04.2026`.
fn format_like(old: &str, date: NaiveDate) -> String {
    if old.trim().contains('-') {
        date.format("%Y-%m-%d").to_string()
    } else {
        date.format("%d.%m.%Y").to_string()
    }
}

/// Writes a table in the form it was read: a CSV with the same delimiter, or a workbook.
fn write_like(read: &Table, sheet: &Sheet, dst: &Path, stem: &str, made: &mut Made) -> Result<()> {
    let excel = read.sheet.is_some();
    let delimiter = if excel { b';' } else { delimiter_of(&read.path) };
    let path = dst.join(format!("{stem}.{}", if excel { "xlsx" } else { "csv" }));
    create(&path, &table_bytes(sheet, excel, delimiter)?, made)
}

/// The report's files, which a new year does not take over.
const REPORT_ONLY: [&str; 3] = ["rapport", "deltakelse", "rapportering"];

/// Copies what else the year has (prose, årshjul, extra tables), not the plan,
/// the meetings or the report's files.
fn copy_rest(src: &Path, dst: &Path, made: &mut Made) -> Result<()> {
    let entries = std::fs::read_dir(src)
        .map_err(|e| Error::at(Location::file(src), format!("kan ikke lese mappen: {}", io_text(&e))))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let stem = path.file_stem().and_then(|n| n.to_str()).unwrap_or_default();
        if name.starts_with('.')
            || name.starts_with("~$")
            || ["plan", "moter"].contains(&stem)
            || REPORT_ONLY.contains(&stem)
        {
            continue;
        }
        if path.is_dir() {
            if name == "tekster" {
                copy_dir(&path, &dst.join(&name), made)?;
            }
            continue;
        }
        let bytes = std::fs::read(&path)
            .map_err(|e| Error::at(Location::file(&path), format!("kan ikke lese filen: {}", io_text(&e))))?;
        create(&dst.join(&name), &bytes, made)?;
    }
    Ok(())
}

fn copy_dir(src: &Path, dst: &Path, made: &mut Made) -> Result<()> {
    for e in std::fs::read_dir(src).map_err(io_at(src))?.flatten() {
        let p = e.path();
        if p.is_file() {
            let bytes = std::fs::read(&p).map_err(io_at(&p))?;
            create(&dst.join(e.file_name()), &bytes, made)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn meetings_keep_their_weekday_and_week() {
        // Thursday 16 April 2026 (week 16) → Thursday in week 16 of 2027.
        assert_eq!(same_weekday(d(2026, 4, 16), 2027), (d(2027, 4, 22), false));
        // 2026 has week 53; 2027 does not.
        assert_eq!(same_weekday(d(2026, 12, 31), 2027), (d(2027, 12, 30), true));
    }

    #[test]
    fn plan_toml_moves_its_date_and_period_and_keeps_the_rest() {
        let t = "# kommentar\ntittel = \"ÅRSPLAN {{ år }}\"\ndato = 2026-01-15   # dato\nperiode = \"2024-2026\"\n";
        assert_eq!(
            moved_plan_toml(t, 2026, 2027),
            "# kommentar\ntittel = \"ÅRSPLAN {{ år }}\"\ndato = 2027-01-15   # dato\nperiode = \"2025-2027\"\n"
        );
    }
}
