//! `arsplan importer`: last year's Word plan into the network's data, so that
//! starting costs minutes instead of retyping. [`docx`] reads the document's
//! structure, [`recognise`] maps it onto arsplan's data (outline, meetings,
//! profile, plan settings, prose, extra tables), and this module writes it
//! with the writers `arsplan ny nettverk` uses (Excel workbooks by default,
//! CSV on request), never over an existing year. Then it makes the document
//! from what it wrote and compares its words with the source, so that
//! nothing is lost without a word in `importrapport.txt`.

pub mod docx;
pub mod recognise;
mod report;
pub mod text;

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Error, Location, Result};
use crate::load;
use crate::model::{AppliesTo, Level, Profile};
use crate::project::{Project, Selection};
use crate::scaffold::{self, Made};
use crate::templates::Sources;
use crate::theme::Theme;
use crate::workbook::{Cell, Kind, Sheet};
use recognise::{Draft, Kind as DocKind};

/// What to import and where.
#[derive(Debug, Clone)]
pub struct Options {
    /// The network's folder name in `data/`.
    pub network: String,
    /// The plan year; else the document's.
    pub year: Option<i32>,
    /// The house style; else the network's, else a guess from the document.
    pub style: Option<String>,
    /// CSV instead of Excel workbooks.
    pub csv: bool,
}

/// What an import wrote and found.
#[derive(Debug)]
pub struct Imported {
    pub network: String,
    pub year: i32,
    pub year_dir: PathBuf,
    pub written: Vec<PathBuf>,
    /// The report, as written to `importrapport.txt`.
    pub report: String,
    pub report_path: PathBuf,
    /// Short lines for the terminal: what became what, in numbers.
    pub summary: Vec<String>,
    /// Entries of the report's «not placed» list: what the import could not
    /// place, and paragraphs whose words the document does not show.
    pub not_placed: usize,
    /// The share of the source's words that the document made from the data shows.
    pub kept: Option<f64>,
    pub warnings: Vec<Diagnostic>,
}

/// The house style the document's own words point at, if the project has it.
fn guess_style(draft: &Draft, sources: &Sources) -> (String, String) {
    let styles = sources.styles();
    let has_kind = |s: &str| {
        Theme::load(sources, s)
            .ok()
            .is_some_and(|t| t.find_file(&format!("{}.md.j2", draft.kind.template())).is_some())
    };
    if let Some(trust) = &draft.trust {
        let s = crate::model::slug(trust);
        if styles.contains(&s) && has_kind(&s) {
            return (s, format!("helseforetaket «{trust}» i dokumentet"));
        }
    }
    if draft.kind != DocKind::Arsplan {
        if let Some(s) = styles.iter().find(|s| has_kind(s)) {
            return (s.clone(), format!("den første husstilen som har malen for {}", draft.kind.label()));
        }
    }
    match &draft.trust {
        Some(t) => ("felles".into(), format!("det finnes ingen husstil for {t} ennå")),
        None => ("felles".into(), "ingen husstil passet bedre".into()),
    }
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn toml_list(items: &[String]) -> String {
    if items.is_empty() {
        return "[]".into();
    }
    let mut out = String::from("[\n");
    for i in items {
        out.push_str("    ");
        out.push_str(&toml_string(i));
        out.push_str(",\n");
    }
    out.push(']');
    out
}

/// The profile of a new network, from the document: the same file, with
/// the same explanations, as `ny nettverk` and the web page write.
fn profile_toml(draft: &Draft, style: &str, source: &str, groups: &[String], styles: &[String]) -> String {
    use crate::settings::Setting;
    let mut networks = vec!["sykepleiernettverket".to_string()];
    if draft.physio {
        networks.push("fysio- og ergoterapinettverket".into());
    }
    let name =
        draft.name.clone().unwrap_or_else(|| "Nettverk i kreftomsorg og lindrende behandling i …".into());
    let trust = draft.trust.clone().unwrap_or_else(|| "…".into());
    let values: crate::settings::Values = [
        ("navn", Setting::Text(name)),
        ("helseforetak", Setting::Text(trust)),
        ("stil", Setting::Text(style.to_string())),
        ("nettverk", Setting::Lines(networks)),
        ("grupper", Setting::Lines(groups.to_vec())),
        ("forside", Setting::Lines(draft.cover.clone())),
        ("motto", Setting::Lines(draft.motto.clone())),
        ("bygger_pa", Setting::Lines(draft.builds_on.clone())),
        ("malsetting", Setting::Text(draft.aim.clone())),
        ("kjennetegn", Setting::Text(draft.hallmarks.clone())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    format!(
        "# Lest fra «{source}» av arsplan importer: se over og rett det som ikke stemmer.\n\
         # importrapport.txt i årsmappen sier hvor hver linje kom fra.\n\
         {}",
        crate::settings::new_network_toml(&values, styles)
    )
}

fn plan_toml(draft: &Draft, source: &str) -> String {
    let mut s = format!(
        "# Årets plan, lest fra «{source}» av arsplan importer. {{{{ år }}}} i en tekst blir planåret.\n\
         dokument = {}\n\
         tittel = {}\n",
        toml_string(draft.kind.template()),
        toml_string(&draft.title)
    );
    if let Some(sub) = &draft.subtitle {
        s.push_str(&format!("undertittel = {}\n", toml_string(sub)));
    }
    if let Some(p) = &draft.period {
        s.push_str(&format!("periode = {}\n", toml_string(p)));
    }
    s.push_str(&format!("dato = {}-01-15          # dokumentets dato: rett den\n", draft.year));
    if !draft.focus_areas.is_empty() {
        s.push_str(&format!("fokusomrader = {}\n", toml_list(&draft.focus_areas)));
    }
    if draft.kind == DocKind::Arsplan {
        s.push_str(&format!("innledning = {}\n", toml_list(&draft.intro)));
    }
    if let Some(sig) = &draft.signature {
        s.push_str(&format!("signatur = {}\n", toml_string(sig)));
    }
    if !draft.signatories.is_empty() {
        s.push_str(&format!("signatarer = {}\n", toml_list(&draft.signatories)));
    }
    s
}

/// The plan outline as a sheet: the columns `ny nettverk` writes, and Ansvar
/// and Frist when the document had them.
fn plan_sheet(draft: &Draft) -> Sheet {
    let ahus = draft.rows.iter().any(|r| !r.responsible.is_empty() || !r.deadline.is_empty());
    let mut columns = scaffold::plan_columns();
    if ahus {
        columns.insert(3, ("Ansvar".into(), Kind::Text));
        columns.insert(4, ("Frist".into(), Kind::Text));
    }
    let rows = draft
        .rows
        .iter()
        .map(|r| {
            let mut cells = vec![
                Cell::Text(r.level.as_str().to_string()),
                Cell::Text(r.text.clone()),
                Cell::Text(r.applies_to.map(AppliesTo::as_str).unwrap_or("").to_string()),
            ];
            if ahus {
                cells.push(Cell::Text(r.responsible.join(" | ")));
                cells.push(Cell::Text(r.deadline.clone()));
            }
            cells.push(Cell::Text(String::new()));
            cells
        })
        .collect();
    Sheet { name: "Plan".into(), columns, rows }
}

/// The meetings in date order (the order of their rows), by index into the draft.
fn meeting_order(draft: &Draft) -> Vec<usize> {
    let mut order: Vec<usize> = (0..draft.meetings.len()).collect();
    order.sort_by(|a, b| {
        let (x, y) = (&draft.meetings[*a], &draft.meetings[*b]);
        (x.date, &x.id).cmp(&(y.date, &y.id))
    });
    order
}

fn meetings_sheet(draft: &Draft, groups: &[String], excel: bool) -> Sheet {
    // Periode only when the document's groups' table had period headings.
    let periods = draft.meetings.iter().any(|m| !m.period.is_empty());
    let mut columns = scaffold::meeting_columns(groups);
    if periods {
        columns.push(("Periode".into(), Kind::Text));
    }
    let rows = meeting_order(draft)
        .into_iter()
        .map(|i| {
            let m = &draft.meetings[i];
            let mut row = vec![
                Cell::Text(m.id.clone()),
                if excel { Cell::Date(m.date) } else { Cell::Text(m.date.format("%d.%m.%Y").to_string()) },
                Cell::Text(m.kind.as_str().to_string()),
                Cell::Text(m.group.clone().unwrap_or_default()),
                Cell::Text(m.applies_to.map(AppliesTo::as_str).unwrap_or("").to_string()),
                Cell::Text(m.title.clone()),
                Cell::Text(m.theme.clone()),
                Cell::Text(m.place.clone()),
                Cell::Text(m.start.clone()),
                Cell::Text(String::new()),
            ];
            if periods {
                row.push(Cell::Text(m.period.clone()));
            }
            row
        })
        .collect();
    Sheet { name: "Møter".into(), columns, rows }
}

/// Whether a network keeps its tables as CSV (its latest year's plan is a CSV).
fn uses_csv(data: &Path, network: &str) -> bool {
    let Ok(years) = load::years(data, network) else { return false };
    years.last().is_some_and(|y| data.join(network).join(y.to_string()).join("plan.csv").is_file())
}

/// Group names of the document as the network's profile spells them.
fn match_groups(draft: &mut Draft, known: &[String]) -> Vec<String> {
    let key = |s: &str| s.to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ");
    let mut unknown = Vec::new();
    for m in &mut draft.meetings {
        if let Some(g) = &m.group {
            match known.iter().find(|k| key(k) == key(g)) {
                Some(k) => m.group = Some(k.clone()),
                None if !unknown.contains(g) => unknown.push(g.clone()),
                None => {}
            }
        }
    }
    unknown
}

/// Reads a Word document and writes a new year (and, in a new network, the
/// network) from it. `source_name` names the file in messages and the report.
pub fn import(project: &Project, bytes: &[u8], source_name: &str, opts: &Options) -> Result<Imported> {
    let source_path = PathBuf::from(source_name);
    if !scaffold::valid_name(&opts.network) {
        return Err(Error::msg(format!("«{}» kan ikke brukes som navn på et nettverk", opts.network))
            .with_hint("bruk små bokstaver a-z, sifre og bindestrek, for eksempel fonna eller helse-forde"));
    }
    let blocks =
        docx::read(bytes).map_err(|(m, h)| Error::at(Location::file(&source_path), m).with_hint(h))?;
    let net_dir = project.data.join(&opts.network);
    let existing: Option<Profile> = if net_dir.join("nettverk.toml").is_file() {
        Some(load::read_toml(&net_dir.join("nettverk.toml"))?)
    } else {
        None
    };
    let sources = Sources::new(vec![net_dir.join("maler"), project.templates.clone()]);
    let fixed_style = opts.style.clone().or_else(|| existing.as_ref().map(|p| p.style.clone()));
    if let Some(s) = &fixed_style {
        if !sources.has_style(s) {
            return Err(Error::msg(format!("husstilen «{s}» finnes ikke"))
                .with_hint(format!("husstilene er: {}", sources.styles().join(", "))));
        }
    }
    let text_date = |style: &str| {
        Theme::load(&sources, style)
            .map(|t| t.date_pattern("tekst").to_string())
            .unwrap_or_else(|_| "d. MMMM".into())
    };
    let at_file = |(m, h): (String, String)| Error::at(Location::file(&source_path), m).with_hint(h);
    let first_guess = fixed_style.clone().unwrap_or_else(|| "felles".into());
    let mut ropts = recognise::Options { year: opts.year, text_date: text_date(&first_guess) };
    let mut draft = recognise::recognise(&blocks, &ropts).map_err(at_file)?;
    let mut warnings = Vec::new();
    let (style, style_from) = match (&opts.style, &existing) {
        // The network's profile is not changed: its style is the one its documents wear.
        (Some(s), Some(p)) if *s != p.style => {
            warnings.push(
                Diagnostic::warning(
                    Some(Location::file(&net_dir.join("nettverk.toml"))),
                    format!("nettverket bruker husstilen «{}»; --stil {s} er ikke brukt", p.style),
                )
                .hint("bytt husstil med stil i nettverk.toml"),
            );
            (p.style.clone(), "husstilen nettverket bruker".to_string())
        }
        (Some(s), _) => (s.clone(), "valgt ved importen".to_string()),
        (None, Some(p)) => (p.style.clone(), "husstilen nettverket bruker".to_string()),
        (None, None) => guess_style(&draft, &sources),
    };
    if text_date(&style) != ropts.text_date {
        ropts.text_date = text_date(&style);
        draft = recognise::recognise(&blocks, &ropts).map_err(at_file)?;
    }
    if let Some(y) = opts.year {
        draft.move_to(y);
    }
    let year = draft.year;
    if !(1900..=2200).contains(&year) {
        return Err(Error::msg(format!("{year} kan ikke være året planen gjelder"))
            .with_hint("oppgi året med --år, for eksempel --år 2027"));
    }
    let year_dir = net_dir.join(year.to_string());
    if year_dir.exists() {
        return Err(Error::at(
            Location::file(&year_dir),
            format!("{} har alt {year}; importer skriver aldri over et år", opts.network),
        )
        .with_hint(format!(
            "velg et annet år med --år, eller flytt eller slett mappen {} først",
            year_dir.display()
        )));
    }
    let theme = Theme::load(&sources, &style)?;
    if theme.find_file(&format!("{}.md.j2", draft.kind.template())).is_none() {
        warnings.push(
            Diagnostic::warning(
                Some(Location::file(&source_path)),
                format!(
                    "husstilen «{style}» har ingen mal for {} (som dokumentet ser ut til å være)",
                    draft.kind.label()
                ),
            )
            .hint("velg en husstil som har den med --stil"),
        );
    }
    let excel = !(opts.csv || existing.is_some() && uses_csv(&project.data, &opts.network));
    let unknown_groups = match &existing {
        Some(p) => match_groups(&mut draft, &p.groups),
        None => Vec::new(),
    };
    let groups = existing.as_ref().map(|p| p.groups.clone()).unwrap_or_else(|| draft.groups.clone());
    let file_name = source_path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| source_name.into());

    // Write: a new network's folder or only the new year's, removed again if anything fails.
    let mut made = Made::default();
    let new_network = existing.is_none();
    let written = (|| -> Result<()> {
        scaffold::mark(project, &mut made)?;
        scaffold::guide_readme(project, &mut made)?;
        if new_network {
            scaffold::create(
                &net_dir.join("nettverk.toml"),
                profile_toml(&draft, &style, &file_name, &groups, &sources.styles()).as_bytes(),
                &mut made,
            )?;
            scaffold::recipients(&net_dir, excel, &mut made)?;
        }
        std::fs::create_dir_all(&net_dir).map_err(|e| {
            Error::at(Location::file(&net_dir), format!("kan ikke lage mappen: {}", crate::diag::io_text(&e)))
        })?;
        std::fs::create_dir(&year_dir).map_err(|e| {
            Error::at(
                Location::file(&year_dir),
                format!("kan ikke lage mappen: {}", crate::diag::io_text(&e)),
            )
        })?;
        scaffold::create(&year_dir.join("plan.toml"), plan_toml(&draft, &file_name).as_bytes(), &mut made)?;
        let ext = if excel { "xlsx" } else { "csv" };
        // The same guided workbooks `ny nettverk` writes (help, drop-downs,
        // «Slik fyller du ut»), holding what the document said.
        let plan = plan_sheet(&draft);
        let mut plan = scaffold::plan_book(draft.year, &groups, plan.columns, plan.rows);
        // What the document said, never the worked examples of an empty year.
        plan.examples.clear();
        scaffold::create(
            &year_dir.join(format!("plan.{ext}")),
            &scaffold::guided_bytes(&plan, excel, b';')?,
            &mut made,
        )?;
        let meetings = meetings_sheet(&draft, &groups, excel);
        let mut meetings = scaffold::meetings_book(draft.year, &groups, meetings.columns, meetings.rows);
        meetings.examples.clear();
        scaffold::create(
            &year_dir.join(format!("moter.{ext}")),
            &scaffold::guided_bytes(&meetings, excel, b';')?,
            &mut made,
        )?;
        for (name, md) in &draft.prose {
            scaffold::create(&year_dir.join("tekster").join(format!("{name}.md")), md.as_bytes(), &mut made)?;
        }
        if !draft.activity_plan.is_empty() {
            let sheet = Sheet {
                name: "Aktivitetsplan".into(),
                columns: vec![
                    ("Periode".into(), Kind::Text),
                    ("Nivå".into(), Kind::Choice(vec!["aktivitet".into(), "underpunkt".into()])),
                    ("Tekst".into(), Kind::Text),
                ],
                rows: draft
                    .activity_plan
                    .iter()
                    .map(|(p, l, t)| {
                        vec![Cell::Text(p.clone()), Cell::Text(l.clone()), Cell::Text(t.clone())]
                    })
                    .collect(),
            };
            scaffold::create(
                &year_dir.join(format!("aktivitetsplan.{ext}")),
                &scaffold::table_bytes(sheet, excel, b';')?,
                &mut made,
            )?;
        }
        if !draft.documents.is_empty() {
            let sheet = Sheet {
                name: "Dokumenter".into(),
                columns: vec![("Tittel".into(), Kind::Text), ("Lenke".into(), Kind::Text)],
                rows: draft
                    .documents
                    .iter()
                    .map(|(t, l)| vec![Cell::Text(t.clone()), Cell::Text(l.clone())])
                    .collect(),
            };
            scaffold::create(
                &year_dir.join(format!("dokumenter.{ext}")),
                &scaffold::table_bytes(sheet, excel, b';')?,
                &mut made,
            )?;
        }
        Ok(())
    })();
    if let Err(e) = written {
        // Nothing half-made stays behind.
        let _ = std::fs::remove_dir_all(&year_dir);
        if new_network {
            let _ = std::fs::remove_dir_all(&net_dir);
        }
        return Err(e);
    }

    // The same check as `arsplan sjekk`, and the document made from what was written.
    let sel = Selection { networks: vec![opts.network.clone()], years: vec![year] };
    let check = project.check(&sel);
    let made_doc = project
        .prepare(&opts.network, year)
        .and_then(|p| project.render(&p, &[crate::render::Format::Docx]))
        .ok()
        .and_then(|a| a.into_iter().find(|a| a.path.extension().is_some_and(|e| e == "docx")))
        .and_then(|a| docx::read(&a.bytes).ok());
    let compared = made_doc.as_ref().map(|out| report::compare(&blocks, out));
    let ctx = report::Context {
        source: &file_name,
        year_dir: &year_dir,
        style: &style,
        style_from: &style_from,
        excel,
        new_network,
        unknown_groups: &unknown_groups,
        check: &check,
        compared: compared.as_ref(),
        meeting_rows: meeting_order(&draft),
    };
    let text = report::text(&draft, &ctx);
    let report_path = year_dir.join("importrapport.txt");
    scaffold::create(&report_path, text.as_bytes(), &mut made)?;
    let not_placed = report::not_placed(&draft, compared.as_ref()).len();
    let count = |l: Level| draft.rows.iter().filter(|r| r.level == l).count();
    let summary = vec![
        format!(
            "Lest som {} for {year} ({}): {} områder, {} delmål, {} aktiviteter, {} møter{}.",
            draft.kind.label(),
            draft.year_from,
            count(Level::Area),
            count(Level::SubGoal),
            count(Level::Activity) + count(Level::SubItem),
            draft.meetings.len(),
            if draft.prose.is_empty() { String::new() } else { format!(", {} tekster", draft.prose.len()) }
        ),
        format!("Husstil: {style} ({style_from})."),
        match &compared {
            Some(c) => format!(
                "{:.1} % av ordene i Word-filen står i dokumentet arsplan lager av dataene; {} står i rapporten som ikke plassert.",
                c.kept() * 100.0,
                crate::diag::count(not_placed, "linje", "linjer")
            ),
            None => format!(
                "Dokumentet kunne ikke lages før feilene er rettet; {} står i rapporten som ikke plassert.",
                crate::diag::count(not_placed, "linje", "linjer")
            ),
        },
        format!("Se over {} før du bygger: den sier hva som ble hva, og hva arsplan gjettet.", report_path.display()),
    ];
    Ok(Imported {
        network: opts.network.clone(),
        year,
        year_dir,
        written: made.written,
        report: text,
        report_path,
        summary,
        not_placed,
        kept: compared.as_ref().map(report::Compared::kept),
        warnings,
    })
}
