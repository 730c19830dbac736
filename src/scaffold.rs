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
use crate::workbook::{self, Cell, Guided, Kind, Sheet};
use crate::{guide, settings};

/// The folder `ny eksempel` makes its own project in, so the examples never
/// mix with a network of one's own.
pub const EXAMPLE_FOLDER: &str = "arsplan-eksempel";

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
            .hint("kjør «arsplan bygg» for å lage dokumentene"),
        );
    }
    made.written.extend(written);
    made.next = vec![
        "Neste steg: kjør «arsplan bygg». Dokumentene havner i output/.".into(),
        "Endre en møtedato i data/stavanger/2026/moter.csv og kjør «arsplan bygg» igjen for å se hva som endres.".into(),
    ];
    Ok(made)
}

/// Whether a text can be a network's folder name.
pub fn valid_name(name: &str) -> bool {
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

fn recipient_columns() -> Vec<(String, Kind)> {
    vec![
        ("Kommunenummer".into(), Kind::Literal),
        ("Kommune".into(), Kind::Text),
        ("Postmottak".into(), Kind::Text),
        ("Verifisert".into(), Kind::Choice(vec!["ja".into(), "nei".into()])),
        ("Kontakt".into(), Kind::Text),
    ]
}

fn words<T: Named>() -> Vec<String> {
    T::ALL.iter().map(|(w, _)| w.to_string()).collect()
}

/// The plan's levels a leader writes (not the strategy's own `innsatsområde`).
fn plan_levels() -> Vec<String> {
    words::<Level>().into_iter().filter(|w| w != Level::FocusArea.as_str()).collect()
}

fn helps(h: &[guide::ColumnHelp]) -> Vec<workbook::Help> {
    h.iter()
        .map(|h| workbook::Help { column: h.column.into(), title: h.title.into(), text: h.text.into() })
        .collect()
}

fn list(name: &str, column: &str, values: Vec<String>) -> workbook::NamedList {
    workbook::NamedList { name: name.into(), column: column.into(), values }
}

/// plan.xlsx for a year of a network with these local groups: the rows
/// given (or, when none, the worked example, whose meeting table fits the
/// groups: see [`guide::example_plan`]).
pub fn plan_book(year: i32, groups: &[String], columns: Vec<(String, Kind)>, rows: Vec<Vec<Cell>>) -> Guided {
    let has_groups = !groups.is_empty();
    let examples = if rows.is_empty() {
        guide::example_plan(has_groups)
            .iter()
            .map(|(l, t, g)| {
                columns
                    .iter()
                    .map(|(h, _)| {
                        Cell::Text(
                            match h.to_lowercase().as_str() {
                                "nivå" => *l,
                                "tekst" => *t,
                                "gjelder" => *g,
                                _ => "",
                            }
                            .to_string(),
                        )
                    })
                    .collect()
            })
            .collect()
    } else {
        Vec::new()
    };
    Guided {
        sheet: Sheet { name: "Plan".into(), columns, rows },
        examples,
        help: helps(guide::PLAN_HELP),
        lists: vec![list("Nivaer", "Nivå", plan_levels()), list("Gjelder", "Gjelder", words::<AppliesTo>())],
        guide: guide::plan_guide(year, has_groups),
        year: None,
    }
}

/// moter.xlsx for a year: the rows given (or, when none, the worked examples).
pub fn meetings_book(
    year: i32,
    groups: &[String],
    columns: Vec<(String, Kind)>,
    rows: Vec<Vec<Cell>>,
) -> Guided {
    let examples = if rows.is_empty() {
        guide::example_meetings(year, groups)
            .into_iter()
            .map(|m| {
                columns
                    .iter()
                    .map(|(h, _)| match h.to_lowercase().as_str() {
                        "id" => Cell::Text(m.id.clone()),
                        "dato" => Cell::Date(m.date),
                        "type" => Cell::Text(m.kind.into()),
                        "gruppe" => Cell::Text(m.group.clone()),
                        "gjelder" => Cell::Text(m.applies_to.into()),
                        "tittel" => Cell::Text(m.title.into()),
                        "tema" => Cell::Text(m.topic.into()),
                        "start" => Cell::Text(m.start.into()),
                        "slutt" => Cell::Text(m.end.into()),
                        _ => Cell::Text(String::new()),
                    })
                    .collect()
            })
            .collect()
    } else {
        Vec::new()
    };
    Guided {
        sheet: Sheet { name: "Møter".into(), columns, rows },
        examples,
        help: helps(guide::MEETING_HELP),
        lists: vec![
            list("Motetyper", "Type", words::<MeetingKind>()),
            list("Grupper", "Gruppe", groups.to_vec()),
            list("Gjelder", "Gjelder", words::<AppliesTo>()),
        ],
        guide: guide::meetings_guide(year),
        year: Some(year),
    }
}

/// mottakere.xlsx: the recipient register, to fill in.
pub fn recipients_book() -> Guided {
    Guided {
        sheet: Sheet { name: "Mottakere".into(), columns: recipient_columns(), rows: vec![] },
        examples: vec![],
        help: helps(guide::RECIPIENT_HELP),
        lists: vec![list("JaNei", "Verifisert", vec!["ja".into(), "nei".into()])],
        guide: guide::recipients_guide(),
        year: None,
    }
}

/// A table as CSV: the sheet's rows, then `more` (UTF-8 with BOM).
fn csv_bytes(sheet: &Sheet, more: &[Vec<Cell>], delimiter: u8) -> Result<Vec<u8>> {
    let mut w =
        csv::WriterBuilder::new().delimiter(delimiter).terminator(csv::Terminator::CRLF).from_writer(vec![]);
    let fail = |e: csv::Error| Error::msg(format!("tabellen kunne ikke skrives: {e}"));
    w.write_record(sheet.columns.iter().map(|(h, _)| h.as_str())).map_err(fail)?;
    for row in sheet.rows.iter().chain(more) {
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

/// A guided table's bytes: the workbook, or (as CSV) its rows and examples.
pub(crate) fn guided_bytes(g: &Guided, excel: bool, delimiter: u8) -> Result<Vec<u8>> {
    if excel {
        workbook::write_guided(g)
    } else {
        csv_bytes(&g.sheet, &g.examples, delimiter)
    }
}

/// A table without guidance (an extra table such as `dokumenter`): the sheet alone.
pub(crate) fn table_bytes(sheet: Sheet, excel: bool, delimiter: u8) -> Result<Vec<u8>> {
    let plain = Guided { sheet, examples: vec![], help: vec![], lists: vec![], guide: vec![], year: None };
    guided_bytes(&plain, excel, delimiter)
}

/// A new network's recipient register (`mottakere.xlsx` or `.csv`), to fill in.
pub(crate) fn recipients(dir: &Path, excel: bool, made: &mut Made) -> Result<()> {
    let ext = if excel { "xlsx" } else { "csv" };
    create(&dir.join(format!("mottakere.{ext}")), &guided_bytes(&recipients_book(), excel, b';')?, made)
}

/// What a new network is made from: what `arsplan ny nettverk` asked for
/// (or was given as options), or what the web page's form posted.
#[derive(Debug, Clone, Default)]
pub struct NewNetwork {
    /// The folder name in data/.
    pub folder: String,
    pub year: i32,
    /// Workbooks (else CSV).
    pub excel: bool,
    /// `nettverk.toml`'s values (see [`settings::NETWORK_FIELDS`]).
    pub network: settings::Values,
    /// The year's `plan.toml` values (see [`settings::YEAR_FIELDS`]).
    pub plan: settings::Values,
    /// An SVG or PNG file to copy in as the network's logo.
    pub logo: Option<PathBuf>,
}

/// A folder name from a name: `Helse Fonna` → `fonna`, `Sykehuset Østfold` → `sykehuset-ostfold`.
pub fn folder_name(name: &str) -> String {
    let slug = crate::model::slug(name);
    let slug = slug.trim_matches('-').to_string();
    match slug.strip_prefix("helse-") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => slug,
    }
}

/// The text of a value, or empty.
fn text_of(v: &settings::Values, key: &str) -> String {
    v.get(key).map(|s| s.text()).unwrap_or_default()
}

/// The values a new network gets where none were given: the cover lines
/// and networks most plans have.
pub fn network_defaults(values: &mut settings::Values) {
    use settings::Setting;
    let trust = text_of(values, "helseforetak");
    let defaults = [
        ("nettverk", Setting::Lines(vec!["sykepleiernettverket".into()])),
        (
            "forside",
            Setting::Lines(vec![
                "Nettverk i kreftomsorg og lindrende behandling".into(),
                format!("i {trust}"),
            ]),
        ),
        ("navn", Setting::Text(format!("Nettverk i kreftomsorg og lindrende behandling i {trust}"))),
        ("stil", Setting::Text("felles".into())),
    ];
    for (k, v) in defaults {
        if values.get(k).is_none_or(|x| x.is_empty()) {
            values.insert(k.into(), v);
        }
    }
}

/// The house style named like a trust («Helse Bergen» → helse-bergen), if there is one.
pub fn style_for(trust: &str, sources: &Sources) -> Option<String> {
    let slug = crate::model::slug(trust);
    sources.styles().into_iter().find(|s| *s == slug)
}

/// `ny nettverk <navn> --stil <stil>`: a network folder with a commented
/// `nettverk.toml` and a year to fill in (the trust is the style's name).
pub fn network(project: &Project, name: &str, style: &str, year: i32, excel: bool) -> Result<Made> {
    use settings::Setting;
    let sources = Sources::new(vec![project.templates.clone()]);
    let trust = crate::theme::Theme::load(&sources, style).map(|t| t.name).unwrap_or_default();
    let mut network = settings::Values::new();
    network.insert("stil".into(), Setting::Text(style.into()));
    network.insert("helseforetak".into(), Setting::Text(trust));
    network_defaults(&mut network);
    network_with(
        project,
        &NewNetwork { folder: name.into(), year, excel, network, plan: Default::default(), logo: None },
    )
}

/// Whether a year folder is still as arsplan made it: no files but the plan
/// and the meetings, and in them nothing but the worked examples.
pub fn untouched(year_dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(year_dir) else { return false };
    let own = ["plan.toml", "plan.xlsx", "plan.csv", "moter.xlsx", "moter.csv"];
    let names: Vec<String> =
        entries.filter_map(|e| e.ok()?.file_name().to_str().map(str::to_string)).collect();
    if names.iter().any(|n| !own.contains(&n.as_str())) {
        return false;
    }
    let rows_all = |stem: &str, sheet: &str, example: &dyn Fn(&Table, &[String]) -> bool| {
        table::require(year_dir, stem, sheet).is_ok_and(|t| t.rows.iter().all(|r| example(&t, &r.cells)))
    };
    let cell = |t: &Table, cells: &[String], name: &str| {
        t.headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
            .and_then(|i| cells.get(i))
            .cloned()
            .unwrap_or_default()
    };
    rows_all("plan", "Plan", &|t, c| {
        let (level, text) = (cell(t, c, "Nivå"), cell(t, c, "Tekst"));
        guide::is_example_plan_row(&level, &text) || guide::is_example_block(&level, &text)
    }) && rows_all("moter", "Møter", &|t, c| {
        guide::is_example_meeting(&cell(t, c, "ID"), &cell(t, c, "Tittel"), &cell(t, c, "Tema"))
    })
}

/// A network that exists already, asked for again with a year it lacks:
/// when its only year is still as arsplan made it (made for the wrong year
/// by mistake), that year is moved to the one asked for; otherwise nothing
/// is changed and the message says what to do.
fn network_again(project: &Project, n: &NewNetwork) -> Result<Made> {
    let dir = project.data.join(&n.folder);
    let name = &n.folder;
    let years = load::years(&project.data, name).unwrap_or_default();
    let shown: Vec<String> = years.iter().map(|y| y.to_string()).collect();
    if years.contains(&n.year) {
        return Err(Error::at(Location::file(&dir.join(n.year.to_string())), format!("nettverket «{name}» har alt {}", n.year))
            .with_hint(format!("ingenting er endret. Fyll ut planen og møtene i {}, eller lag et annet år med «arsplan ny år --nettverk {name} --år {}»", dir.join(n.year.to_string()).display(), n.year + 1)));
    }
    let untouched_years: Vec<i32> =
        years.iter().copied().filter(|y| untouched(&dir.join(y.to_string()))).collect();
    let [old] = untouched_years.as_slice() else {
        return Err(Error::at(Location::file(&dir), format!("nettverket «{name}» finnes allerede (med årene {})", shown.join(", ")))
            .with_hint(format!("ingenting er endret. Et nytt år lages fra det forrige med «arsplan ny år --nettverk {name} --år {}»; innstillingene endres på nettsiden eller i nettverk.toml", n.year)));
    };
    if years.len() != 1 {
        return Err(Error::at(
            Location::file(&dir),
            format!("nettverket «{name}» finnes allerede (med årene {})", shown.join(", ")),
        )
        .with_hint(format!(
            "ingenting er endret. Lag {} med «arsplan ny år --nettverk {name} --år {}»",
            n.year, n.year
        )));
    }
    let (from, to) = (dir.join(old.to_string()), dir.join(n.year.to_string()));
    let profile: crate::model::Profile = load::read_toml(&dir.join("nettverk.toml"))?;
    let mut made = Made::default();
    // The plan.toml the leader may have edited moves along; the tables are
    // the examples, made again for the new year.
    let plan_toml = std::fs::read_to_string(from.join("plan.toml")).map_err(io_at(&from))?;
    let mut files = vec![("plan.toml".to_string(), moved_plan_toml(&plan_toml, *old, n.year).into_bytes())];
    let excel = from.join("moter.xlsx").is_file();
    let ext = if excel { "xlsx" } else { "csv" };
    let plan = plan_book(n.year, &profile.groups, plan_columns(), vec![]);
    files.push((format!("plan.{ext}"), guided_bytes(&plan, excel, b';')?));
    let meetings = meetings_book(n.year, &profile.groups, meeting_columns(&profile.groups), vec![]);
    files.push((format!("moter.{ext}"), guided_bytes(&meetings, excel, b';')?));
    std::fs::create_dir_all(&to).map_err(io_at(&to))?;
    for (name, bytes) in &files {
        create(&to.join(name), bytes, &mut made)?;
    }
    for f in std::fs::read_dir(&from).map_err(io_at(&from))?.flatten() {
        std::fs::remove_file(f.path()).map_err(io_at(&f.path()))?;
    }
    std::fs::remove_dir(&from).map_err(io_at(&from))?;
    made.next = vec![
        format!("Nettverket «{name}» hadde bare året {old}, og det var ikke fylt ut; det er flyttet til {}: {} er borte, {} er klar til å fylles ut.", n.year, from.display(), to.display()),
        format!("nettverk.toml er som før. Neste steg: fyll ut planen og møtene i {}.", to.display()),
    ];
    Ok(made)
}

/// A year to fill in for a network that has none before it: plan.toml and
/// the plan and meetings with their worked examples, as a new network gets.
pub fn empty_year(project: &Project, network: &str, year: i32, excel: bool) -> Result<Made> {
    let dir = project.data.join(network);
    let profile: crate::model::Profile = load::read_toml(&dir.join("nettverk.toml"))?;
    let year_dir = dir.join(year.to_string());
    if year_dir.exists() {
        return Err(Error::at(Location::file(&year_dir), format!("{year} finnes allerede"))
            .with_hint("ingenting er skrevet over"));
    }
    let mut made = Made::default();
    let mut plan = settings::Values::new();
    for (k, v) in [("tittel", "ÅRSPLAN {{ år }}"), ("signatur", "Driftsgruppen januar {{ år }}")] {
        plan.insert(k.into(), settings::Setting::Text(v.into()));
    }
    create(&year_dir.join("plan.toml"), settings::new_plan_toml(year, &plan).as_bytes(), &mut made)?;
    let ext = if excel { "xlsx" } else { "csv" };
    let book = plan_book(year, &profile.groups, plan_columns(), vec![]);
    create(&year_dir.join(format!("plan.{ext}")), &guided_bytes(&book, excel, b';')?, &mut made)?;
    let book = meetings_book(year, &profile.groups, meeting_columns(&profile.groups), vec![]);
    create(&year_dir.join(format!("moter.{ext}")), &guided_bytes(&book, excel, b';')?, &mut made)?;
    made.next = vec![format!(
        "{network} {year} er laget. Neste steg: fyll ut planen og møtene i {}; radene som står der, er eksempler du skriver over.",
        year_dir.display()
    )];
    Ok(made)
}

/// `ny nettverk`: a network folder with its `nettverk.toml` (every field
/// explained in a comment), the logo, a year with plan.toml and the plan
/// and meetings to fill in (with worked examples), and the recipient
/// register. A network that exists already is never written over; see
/// `network_again` for the one case it is changed.
pub fn network_with(project: &Project, n: &NewNetwork) -> Result<Made> {
    let name = n.folder.as_str();
    if !valid_name(name) {
        return Err(Error::msg(format!("«{name}» kan ikke brukes som mappenavn for et nettverk"))
            .with_hint("bruk små bokstaver a-z, sifre og bindestrek, for eksempel fonna eller helse-forde"));
    }
    if !(1900..=2200).contains(&n.year) {
        return Err(Error::msg(format!("«{}» er ikke et planår", n.year))
            .with_hint("skriv året med fire sifre, for eksempel 2027"));
    }
    let dir = project.data.join(name);
    if dir.join("nettverk.toml").is_file() {
        return network_again(project, n);
    }
    if dir.exists() && std::fs::read_dir(&dir).is_ok_and(|mut e| e.next().is_some()) {
        return Err(Error::at(Location::file(&dir), format!("mappen «{name}» finnes allerede"))
            .with_hint("ingenting er skrevet over; velg et annet mappenavn"));
    }
    let sources = Sources::new(vec![project.templates.clone()]);
    let styles = sources.styles();
    let profile_path = dir.join("nettverk.toml");
    let cx = settings::Context { path: &profile_path, styles: styles.clone() };
    let mut problems = settings::check(settings::NETWORK_FIELDS, &n.network, &cx);
    let plan_path = dir.join(n.year.to_string()).join("plan.toml");
    problems.extend(settings::check(
        settings::YEAR_FIELDS,
        &n.plan,
        &settings::Context { path: &plan_path, styles: styles.clone() },
    ));
    // The logo: a drawing (SVG, sharp at any size) or a picture (PNG), kept as logo.svg or logo.png.
    let logo = match &n.logo {
        Some(p) => {
            let bytes = std::fs::read(p).map_err(|e| {
                Error::at(Location::file(p), format!("kan ikke lese logoen: {}", io_text(&e)))
                    .with_hint("oppgi stien til en SVG- eller PNG-fil, eller la logoen vente (legg den senere som logo.svg eller logo.png i nettverkets mappe)")
            })?;
            let name = match crate::build::logo_kind(p) {
                Ok(kind) => format!("logo.{kind}"),
                Err(e) => {
                    problems.extend(e.0);
                    "logo.png".into()
                }
            };
            if let Err(why) = crate::render::world::check_picture(&name, &bytes) {
                problems.push(
                    Diagnostic::error(Some(Location::file(p)), format!("logoen {why}"))
                        .hint("lagre logoen som SVG eller PNG (for eksempel i Paint: Lagre som → PNG), gjerne rundt 600 piksler bred"),
                );
            }
            Some((name, bytes))
        }
        None => None,
    };
    if !problems.is_empty() {
        return Err(Error(problems));
    }
    let mut made = Made::default();
    mark(project, &mut made)?;
    guide_readme(project, &mut made)?;
    let groups = n.network.get("grupper").map(|g| g.lines()).unwrap_or_default();
    create(&profile_path, settings::new_network_toml(&n.network, &styles).as_bytes(), &mut made)?;
    if let Some((name, bytes)) = logo {
        create(&dir.join(name), &bytes, &mut made)?;
    }
    let year_dir = dir.join(n.year.to_string());
    let mut plan_values = n.plan.clone();
    for (k, v) in [("tittel", "ÅRSPLAN {{ år }}"), ("signatur", "Driftsgruppen januar {{ år }}")] {
        if plan_values.get(k).is_none_or(|x| x.is_empty()) {
            plan_values.insert(k.into(), settings::Setting::Text(v.into()));
        }
    }
    create(&plan_path, settings::new_plan_toml(n.year, &plan_values).as_bytes(), &mut made)?;
    let ext = if n.excel { "xlsx" } else { "csv" };
    let plan = plan_book(n.year, &groups, plan_columns(), vec![]);
    create(&year_dir.join(format!("plan.{ext}")), &guided_bytes(&plan, n.excel, b';')?, &mut made)?;
    let meetings = meetings_book(n.year, &groups, meeting_columns(&groups), vec![]);
    create(&year_dir.join(format!("moter.{ext}")), &guided_bytes(&meetings, n.excel, b';')?, &mut made)?;
    recipients(&dir, n.excel, &mut made)?;
    made.next = vec![
        format!(
            "Nettverket «{}» ({name}) er laget for {}, i {}.",
            text_of(&n.network, "navn"),
            n.year,
            dir.display()
        ),
        format!(
            "Neste steg: fyll ut planen ({}) og møtene ({}); radene som står der, er eksempler du skriver over. Arket «Slik fyller du ut» forklarer kolonnene.",
            year_dir.join(format!("plan.{ext}")).display(),
            year_dir.join(format!("moter.{ext}")).display()
        ),
        "Så: «arsplan nettside» (eller «arsplan bygg») lager dokumentene. Innstillingene kan endres på nettsiden.".into(),
    ];
    Ok(made)
}

/// The user guide for the data folder (`data/README.md`), if it has none.
pub(crate) fn guide_readme(project: &Project, made: &mut Made) -> Result<()> {
    let path = project.data.join("README.md");
    if path.exists() {
        return Ok(());
    }
    match EXAMPLES.get_file("README.md") {
        Some(f) => create(&path, f.contents(), made),
        None => Ok(()),
    }
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
    let book = plan_book(
        year,
        &profile.groups,
        keep.iter().map(|i| plan_kinds[*i].clone()).collect(),
        plan.rows
            .iter()
            .map(|r| keep.iter().map(|i| Cell::Text(r.cells.get(*i).cloned().unwrap_or_default())).collect())
            .collect(),
    );
    write_like(&plan, &book, &dst, "plan", &mut made)?;
    // The meetings, each on the same weekday of the same week.
    let meetings = table::require(&src, "moter", "Møter")?;
    let date_col = meetings.headers.iter().position(|h| h.eq_ignore_ascii_case("dato"));
    let id_col = meetings.headers.iter().position(|h| h.eq_ignore_ascii_case("id"));
    let excel = meetings.sheet.is_some();
    let new_path = dst.join(if excel { "moter.xlsx" } else { "moter.csv" });
    let shown =
        if excel { PathBuf::from(format!("{} [ark Møter]", new_path.display())) } else { new_path.clone() };
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
    let book = meetings_book(year, &profile.groups, kinds(&meetings, &profile.groups), rows);
    write_like(&meetings, &book, &dst, "moter", &mut made)?;
    // Prose, the årshjul and other tables as they are; the report's files stay behind.
    copy_rest(&src, &dst, &mut made)?;
    made.next = vec![
        format!("Neste steg: se over datoene i {} og tekstene i plan.toml.", new_path.display()),
        format!("Kontroller med «arsplan sjekk --nettverk {network} --år {year}», eller se året på nettsiden (arsplan nettside)."),
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

/// Writes a table in the form it was read: a CSV with the same delimiter, or
/// a workbook (a guided one, with help and drop-downs).
fn write_like(read: &Table, book: &Guided, dst: &Path, stem: &str, made: &mut Made) -> Result<()> {
    let excel = read.sheet.is_some();
    let delimiter = if excel { b';' } else { delimiter_of(&read.path) };
    let path = dst.join(format!("{stem}.{}", if excel { "xlsx" } else { "csv" }));
    create(&path, &guided_bytes(book, excel, delimiter)?, made)
}

/// The report's files, which a new year does not take over.
const REPORT_ONLY: [&str; 3] = ["rapport", "deltakelse", "rapportering"];

/// What `arsplan importer` said about the year it made: about that year only.
const IMPORT_REPORT: &str = "importrapport.txt";

/// Copies what else the year has (prose, årshjul, extra tables), not the plan,
/// the meetings, the report's files or the import's report.
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
            || name.eq_ignore_ascii_case(IMPORT_REPORT)
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
    fn folder_names_come_from_the_trust() {
        assert_eq!(folder_name("Helse Fonna"), "fonna");
        assert_eq!(folder_name("Sykehuset Østfold"), "sykehuset-ostfold");
        assert_eq!(folder_name("Ahus"), "ahus");
        assert!(valid_name(&folder_name("Helse Møre og Romsdal")));
    }

    #[test]
    fn a_year_is_untouched_while_it_holds_only_the_worked_examples() {
        let dir = tempfile::tempdir().unwrap();
        let y = dir.path();
        std::fs::write(y.join("plan.toml"), "tittel = \"x\"\ndato = 2027-01-15\n").unwrap();
        let plan = plan_book(2027, &["Stord".into()], plan_columns(), vec![]);
        std::fs::write(y.join("plan.xlsx"), guided_bytes(&plan, true, b';').unwrap()).unwrap();
        let meetings = meetings_book(2027, &["Stord".into()], meeting_columns(&["Stord".into()]), vec![]);
        std::fs::write(y.join("moter.csv"), guided_bytes(&meetings, false, b';').unwrap()).unwrap();
        assert!(untouched(y));
        // A row of her own: touched.
        let text = std::fs::read_to_string(y.join("moter.csv")).unwrap();
        std::fs::write(y.join("moter.csv"), format!("{text}eget;01.03.2027;møte;;;Eget møte;;;;\r\n"))
            .unwrap();
        assert!(!untouched(y));
        std::fs::write(y.join("moter.csv"), text).unwrap();
        assert!(untouched(y));
        // A file of her own: touched.
        std::fs::write(y.join("arshjul.csv"), "Måned;Tekst\n").unwrap();
        assert!(!untouched(y));
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
