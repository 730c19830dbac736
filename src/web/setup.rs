//! Setting up from the page, without HTTP: a new network (the questions of
//! `arsplan ny nettverk` as a form), a network's settings and a year's as
//! forms made from [`crate::settings`]' field lists (so a field added there
//! appears here), and a new year. The handlers in [`super::routes`] only
//! call these.

use std::collections::BTreeMap;

use serde::Serialize;

use super::site::DiagView;
use crate::build::Paths;
use crate::diag::{Diagnostic, Error, Result};
use crate::scaffold::{self, NewNetwork};
use crate::settings::{self, Field, Kind, Setting, Values};
use crate::Project;

/// One field of a form as a page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    /// The form field's name (the TOML key, or a name of the form's own).
    pub key: String,
    pub label: String,
    pub help: String,
    /// `line`, `paragraph`, `lines`, `style`, `sender`, `date`, or `year`/`folder`.
    pub kind: String,
    pub required: bool,
    /// The value as the form shows it (lines joined by line breaks).
    pub value: String,
    /// For a choice: (value, label).
    pub options: Vec<(String, String)>,
    /// What is wrong with the value, if anything.
    pub errors: Vec<String>,
    /// How many lines a text area shows.
    pub rows: usize,
}

/// A form: its fields, and the problems that belong to none of them.
#[derive(Debug, Clone, Serialize, Default)]
pub struct FormView {
    pub fields: Vec<FieldView>,
    pub errors: Vec<DiagView>,
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Line => "line",
        Kind::Paragraph => "paragraph",
        Kind::Lines => "lines",
        Kind::Style => "style",
        Kind::Sender => "sender",
        Kind::Date => "date",
    }
}

/// The house styles as choices: (name, name and what it is).
fn style_options(project: &Project, network: Option<&str>) -> Vec<(String, String)> {
    let mut roots = Vec::new();
    if let Some(n) = network {
        roots.push(project.data.join(n).join("maler"));
    }
    roots.push(project.templates.clone());
    let sources = crate::templates::Sources::new(roots);
    project
        .styles(network)
        .into_iter()
        .map(|s| {
            let name = crate::theme::Theme::load(&sources, &s).map(|t| t.name).unwrap_or_default();
            let label =
                if s == "felles" { format!("{s} (nøytral, for alle)") } else { format!("{s} ({name})") };
            (s, label)
        })
        .collect()
}

fn view(f: &Field, value: Option<&Setting>, options: &[(String, String)]) -> FieldView {
    FieldView {
        key: f.key.to_string(),
        label: f.label.to_string(),
        help: f.help.to_string(),
        kind: kind_name(f.kind).to_string(),
        required: f.required,
        value: value.map(|v| v.text()).unwrap_or_default(),
        options: if f.kind == Kind::Style { options.to_vec() } else { Vec::new() },
        errors: Vec::new(),
        rows: 1,
    }
}

/// A form's posted values for these fields.
pub fn values(fields: &[Field], posted: &BTreeMap<String, String>) -> Values {
    fields
        .iter()
        .filter_map(|f| posted.get(f.key).map(|v| (f.key.to_string(), settings::from_form(f, v))))
        .collect()
}

/// A problem and the field it is about ("" for none of them).
pub type Problem = (String, Diagnostic);

/// Puts each problem at its field, the rest under the form (and sizes the text areas).
fn place(form: &mut FormView, problems: &[Problem], paths: &Paths) {
    for f in &mut form.fields {
        f.rows = match f.kind.as_str() {
            "lines" => (f.value.lines().count() + 1).clamp(3, 12),
            "paragraph" => (f.value.chars().count() / 70 + 2).clamp(4, 12),
            _ => 1,
        };
    }
    for (key, d) in problems {
        match form.fields.iter_mut().find(|f| f.key == *key) {
            Some(f) => {
                let mut text = crate::diag::visible(&d.message);
                if let Some(h) = &d.hint {
                    text.push_str(&format!(". Hjelp: {}", crate::diag::visible(h)));
                }
                f.errors.push(text);
            }
            None => form.errors.push(DiagView::new(d, paths, None)),
        }
    }
}

/// An error as problems under the form.
pub fn general(e: Error) -> Vec<Problem> {
    e.0.into_iter().map(|d| (String::new(), d)).collect()
}

/// Problems with the keys of the fields they are about.
fn keyed(v: Vec<(&'static str, Diagnostic)>) -> Vec<Problem> {
    v.into_iter().map(|(k, d)| (k.to_string(), d)).collect()
}

/// The fields asked when a network is made (the rest are in its settings).
const NEW_NETWORK_KEYS: [&str; 5] = ["helseforetak", "stil", "navn", "grupper", "avsender"];

/// The form for a new network, with `posted` values (or suggestions) and
/// `problems` at their fields.
pub fn new_network_form(
    project: &Project,
    posted: &BTreeMap<String, String>,
    problems: &[Problem],
) -> FormView {
    let options = style_options(project, None);
    let mut fields: Vec<FieldView> = NEW_NETWORK_KEYS
        .iter()
        .filter_map(|k| settings::NETWORK_FIELDS.iter().find(|f| f.key == *k))
        .map(|f| {
            let mut v = view(f, None, &options);
            v.value = posted.get(f.key).cloned().unwrap_or_else(|| {
                if f.key == "stil" {
                    "felles".into()
                } else {
                    String::new()
                }
            });
            if f.key == "navn" {
                v.required = false;
                v.help = "Tomt: «Nettverk i kreftomsorg og lindrende behandling i» og helseforetaket.".into();
            }
            v
        })
        .collect();
    fields.insert(
        3,
        FieldView {
            key: "mappe".into(),
            label: "Kort navn (mappenavn)".into(),
            help: "Brukes i mappe- og filnavn: små bokstaver a-z, sifre og bindestrek, for eksempel fonna. Tomt: laget av helseforetakets navn.".into(),
            kind: "folder".into(),
            required: false,
            value: posted.get("mappe").cloned().unwrap_or_default(),
            options: vec![],
            errors: vec![],
            rows: 1,
        },
    );
    fields.insert(
        4,
        FieldView {
            key: "aar".into(),
            label: "Året planen gjelder".into(),
            help: "Fra 1. oktober foreslås neste år, året som planlegges.".into(),
            kind: "year".into(),
            required: true,
            value: posted.get("aar").cloned().unwrap_or_else(|| crate::dates::planning_year().to_string()),
            options: vec![],
            errors: vec![],
            rows: 1,
        },
    );
    if let Some(f) = settings::YEAR_FIELDS.iter().find(|f| f.key == "signatarer") {
        let mut v = view(f, None, &options);
        v.value = posted.get("signatarer").cloned().unwrap_or_default();
        fields.push(v);
    }
    let mut form = FormView { fields, errors: Vec::new() };
    place(&mut form, problems, &Paths::new(project));
    form
}

/// A new network from the posted form: the same checks and files as
/// `arsplan ny nettverk`. Returns its folder name, year and what was made.
pub fn new_network(
    project: &Project,
    posted: &BTreeMap<String, String>,
) -> std::result::Result<(String, i32, scaffold::Made), Vec<Problem>> {
    let get = |k: &str| posted.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let trust = get("helseforetak");
    let mut problems: Vec<Problem> = Vec::new();
    let mut problem =
        |key: &str, m: String, h: &str| problems.push((key.to_string(), Diagnostic::error(None, m).hint(h)));
    if trust.is_empty() {
        problem("helseforetak", "helseforetaket må fylles ut".into(), "for eksempel Helse Fonna");
    }
    let year = match get("aar").parse::<i32>() {
        Ok(y) if (1900..=2200).contains(&y) => y,
        _ => {
            problem(
                "aar",
                format!("«{}» er ikke et årstall", get("aar")),
                "skriv året med fire sifre, for eksempel 2027",
            );
            0
        }
    };
    let folder = match get("mappe") {
        f if f.is_empty() => scaffold::folder_name(&trust),
        f => f,
    };
    if !trust.is_empty() && !scaffold::valid_name(&folder) {
        problem(
            "mappe",
            format!("«{folder}» kan ikke brukes som mappenavn"),
            "bruk små bokstaver a-z, sifre og bindestrek, for eksempel fonna",
        );
    } else if !folder.is_empty() && project.data.join(&folder).join("nettverk.toml").is_file() {
        problem(
            "mappe",
            format!("nettverket «{folder}» finnes allerede"),
            "velg et annet kort navn, eller åpne nettverket fra forsiden",
        );
    }
    let fields: Vec<Field> =
        settings::NETWORK_FIELDS.iter().filter(|f| NEW_NETWORK_KEYS.contains(&f.key)).cloned().collect();
    let mut network = values(&fields, posted);
    network.retain(|_, v| !v.is_empty());
    if !trust.is_empty() {
        scaffold::network_defaults(&mut network);
    }
    let plan: Values =
        values(settings::YEAR_FIELDS, posted).into_iter().filter(|(k, _)| k == "signatarer").collect();
    let path = project.data.join(&folder).join("nettverk.toml");
    let cx = settings::Context { path: &path, styles: project.styles(None) };
    let mut checked = keyed(settings::check_fields(settings::NETWORK_FIELDS, &network, &cx));
    checked.retain(|(k, _)| k != "helseforetak" || !trust.is_empty());
    checked.extend(keyed(settings::check_fields(settings::YEAR_FIELDS, &plan, &cx)));
    problems.extend(checked);
    if !problems.is_empty() {
        return Err(problems);
    }
    let n = NewNetwork { folder: folder.clone(), year, excel: true, network, plan, logo: None };
    project.new_network(&n).map(|m| (folder, year, m)).map_err(general)
}

/// Saves a network's settings from the posted form; the problems go back
/// to their fields.
pub fn save_network(
    project: &Project,
    network: &str,
    posted: &BTreeMap<String, String>,
) -> std::result::Result<crate::Saved, Vec<Problem>> {
    let v = values(settings::NETWORK_FIELDS, posted);
    let path = project.data.join(network).join("nettverk.toml");
    let cx = settings::Context { path: &path, styles: project.styles(Some(network)) };
    let problems = keyed(settings::check_fields(settings::NETWORK_FIELDS, &v, &cx));
    if !problems.is_empty() {
        return Err(problems);
    }
    project.save_network_settings(network, &v).map_err(general)
}

/// Saves a year's settings from the posted form.
pub fn save_year(
    project: &Project,
    network: &str,
    year: i32,
    posted: &BTreeMap<String, String>,
) -> std::result::Result<crate::Saved, Vec<Problem>> {
    let v = values(settings::YEAR_FIELDS, posted);
    let path = project.data.join(network).join(year.to_string()).join("plan.toml");
    let cx = settings::Context { path: &path, styles: vec![] };
    let problems = keyed(settings::check_fields(settings::YEAR_FIELDS, &v, &cx));
    if !problems.is_empty() {
        return Err(problems);
    }
    project.save_year_settings(network, year, &v).map_err(general)
}

/// A network's settings page: every field of nettverk.toml.
pub fn network_form(
    project: &Project,
    network: &str,
    posted: Option<&BTreeMap<String, String>>,
    problems: &[Problem],
) -> Result<FormView> {
    let now = project.network_settings(network)?;
    let options = style_options(project, Some(network));
    let fields = settings::NETWORK_FIELDS
        .iter()
        .map(|f| {
            let mut v = view(f, now.get(f.key), &options);
            if let Some(p) = posted.and_then(|p| p.get(f.key)) {
                v.value = p.clone();
            }
            v
        })
        .collect();
    let mut form = FormView { fields, errors: Vec::new() };
    place(&mut form, problems, &Paths::new(project));
    Ok(form)
}

/// A year's settings page: the fields of its plan.toml.
pub fn year_form(
    project: &Project,
    network: &str,
    year: i32,
    posted: Option<&BTreeMap<String, String>>,
    problems: &[Problem],
) -> Result<FormView> {
    let now = project.year_settings(network, year)?;
    let fields = settings::YEAR_FIELDS
        .iter()
        .map(|f| {
            let mut v = view(f, now.get(f.key), &[]);
            if let Some(p) = posted.and_then(|p| p.get(f.key)) {
                v.value = p.clone();
            }
            v
        })
        .collect();
    let mut form = FormView { fields, errors: Vec::new() };
    place(&mut form, problems, &Paths::new(project));
    Ok(form)
}

/// A network on its own page: its name, its years, and the year a new
/// year would be (the year being planned, or the one after the last).
#[derive(Debug, Clone, Serialize)]
pub struct NetworkView {
    pub network: String,
    pub name: String,
    pub years: Vec<i32>,
    pub next_year: i32,
}

pub fn network_view(project: &Project, network: &str) -> Result<NetworkView> {
    let years = project.years(network)?;
    let planning = crate::dates::planning_year();
    let next_year =
        if years.contains(&planning) { years.last().map(|y| y + 1).unwrap_or(planning) } else { planning };
    let name = project
        .network_settings(network)
        .ok()
        .and_then(|v| v.get("navn").map(|n| n.text()))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| network.to_string());
    Ok(NetworkView { network: network.to_string(), name, years, next_year })
}

/// A new year for a network: made from the last year before it (meetings
/// moved to the same weekday of the same week), or, for a network with no
/// year, an empty one to fill in.
pub fn new_year(project: &Project, network: &str, year: i32) -> Result<scaffold::Made> {
    if !(1900..=2200).contains(&year) {
        return Err(Error::msg(format!("«{year}» er ikke et planår")).with_hint("skriv året med fire sifre"));
    }
    let years = project.years(network)?;
    if years.iter().any(|y| *y < year) {
        return project.new_year(network, year);
    }
    // No year before it: an empty year to fill in, as a new network gets.
    scaffold::empty_year(project, network, year, true)
}

/// What the page can open on this machine for the leader: a year's plan or
/// meetings workbook, the year's data folder, or its documents' folder.
/// Looked up in the project, never taken from the request.
pub fn openable(project: &Project, network: &str, year: i32, what: &str) -> Option<std::path::PathBuf> {
    let data = project.data.join(network).join(year.to_string());
    let table =
        |stem: &str| ["xlsx", "csv"].iter().map(|e| data.join(format!("{stem}.{e}"))).find(|p| p.is_file());
    match what {
        "plan" => table("plan"),
        "moter" => table("moter"),
        "mottakere" => ["xlsx", "csv"]
            .iter()
            .map(|e| project.data.join(network).join(format!("mottakere.{e}")))
            .find(|p| p.is_file()),
        "mappe" => Some(data).filter(|d| d.is_dir()),
        "dokumenter" => Some(project.output.join(network).join(year.to_string())).filter(|d| d.is_dir()),
        _ => None,
    }
}

/// The command that hands a path or address to the program the system uses
/// for it (`start` on Windows, `open` on macOS, `xdg-open` elsewhere).
pub fn opener() -> std::process::Command {
    let mut cmd = if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    cmd
}

/// Opens a file or folder with the program the system uses for it (Excel
/// for a workbook, Explorer or Finder for a folder).
pub fn open(path: &std::path::Path) -> Result<()> {
    launch(opener().arg(path), std::time::Duration::from_millis(1500)).map_err(|why| {
        Error::msg(format!("kunne ikke åpne {}: {why}", path.display()))
            .with_hint("åpne filen selv fra mappen som står over")
    })
}

/// Starts an opener and waits up to `grace` for it: one that fails at once
/// (xdg-open without a desktop, no program for the file type) is an error,
/// one that ends well or is still running has handed the file on. It is
/// reaped when it ends, so no finished opener lingers as a zombie.
fn launch(cmd: &mut std::process::Command, grace: std::time::Duration) -> std::result::Result<(), String> {
    let mut child = cmd.spawn().map_err(|e| crate::diag::io_text(&e))?;
    let until = std::time::Instant::now() + grace;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => {
                return Err(match status.code() {
                    Some(code) => format!(
                        "maskinen har ikke noe program som kan åpne den her (åpneren sluttet med kode {code})"
                    ),
                    None => "åpneren ble stoppet".to_string(),
                })
            }
            Ok(None) if std::time::Instant::now() < until => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            Ok(None) | Err(_) => break,
        }
    }
    std::thread::spawn(move || child.wait());
    Ok(())
}

#[cfg(test)]
mod opener_tests {
    use super::launch;
    use std::process::Command;
    use std::time::Duration;

    #[test]
    fn an_opener_that_fails_at_once_is_an_error_not_a_success() {
        let short = Duration::from_millis(1500);
        let why = launch(Command::new("sh").args(["-c", "exit 3"]), short).unwrap_err();
        assert!(why.contains("kode 3"), "{why}");
        assert!(launch(&mut Command::new("true"), short).is_ok());
        // Still running when the grace ends: it has the file, as Excel would.
        assert!(launch(Command::new("sleep").arg("5"), Duration::from_millis(100)).is_ok());
        assert!(launch(&mut Command::new("/nonexistent/opener"), short).is_err());
    }
}
