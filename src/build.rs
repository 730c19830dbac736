//! Building: one network's year loaded, checked and prepared once, then its
//! documents composed and rendered, and everything the year publishes
//! (documents, calendars, årshjul, manifest) made in memory before anything
//! is written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::compose::Composer;
use crate::diag::{Diagnostic, Error, Location, Result, Sink};
use crate::doc::Document;
use crate::manifest::{self, Change, Manifest, Read};
use crate::model::{PlanYear, Strategy};
use crate::project::{Project, Selection};
use crate::publish::{self, Artifact, Written};
use crate::render::{self, Assets, Format};
use crate::templates::Sources;
use crate::theme::Theme;
use crate::{calendar, check, load, report};

/// One network's year, loaded, checked and ready to compose.
pub struct Prepared {
    pub year: PlanYear,
    pub theme: Arc<Theme>,
    /// The pictures documents may show: the logo and the årshjul.
    pub assets: Assets,
    /// The year's årshjul (also written as `arshjul-<year>.svg`).
    pub wheel_svg: String,
    pub warnings: Vec<Diagnostic>,
    /// The strategy the network follows, if its profile names one.
    pub strategy: Option<Strategy>,
    /// Municipality names by kommunenummer (for the report).
    pub kommuner: BTreeMap<String, String>,
    /// The picture files the prose shows, wherever in the network's folder.
    pub pictures: Vec<PathBuf>,
}

/// A composed document with the stem of its output files.
pub struct Made {
    pub stem: String,
    pub document: Document,
}

/// The house style of a network's year: its own `maler/` first, then the project's.
pub fn sources(project: &Project, py: &PlanYear) -> Sources {
    Sources::new(vec![py.data_dir.join("maler"), project.templates.clone()])
}

/// Loads and checks one network's year, with its house style, images and strategy.
pub fn prepare(project: &Project, network: &str, year: i32) -> Result<Prepared> {
    let py = load::load_year_checked(&project.data, network, year, &check::meetings).map_err(|mut e| {
        // What the data hides until it can be read: the plan's texts and the templates.
        e.0.push(Diagnostic::warning(
            None,
            format!("{network} {year}: planens tekster og malene (henvisninger som {{{{ fagdag }}}}) er ikke kontrollert ennå; det skjer når feilene over er rettet"),
        ));
        e
    })?;
    let mut theme = Theme::load(&sources(project, &py), &py.profile.style).map_err(|mut e| {
        for d in &mut e.0 {
            if d.hint.is_none() {
                d.hint = Some(format!(
                    "stilen velges med «stil» i {}",
                    py.data_dir.join("nettverk.toml").display()
                ));
            }
        }
        e
    })?;
    // Without a logo picture the header shows the trust's name, and the
    // network's own second mark (a partner) at the right.
    theme.mark.get_or_insert_with(|| py.profile.trust.clone());
    if let Some(m) = &py.profile.mark_right {
        theme.mark_right = Some(m.clone());
    }
    let theme = Arc::new(theme);
    let strategy = match &py.profile.strategy {
        Some(name) => Some(strategy(project, name, &py)?),
        None => None,
    };
    let mut sink = Sink::default();
    py.warnings.iter().for_each(|d| sink.push(d.clone()));
    theme.warnings.iter().for_each(|d| sink.push(d.clone()));
    check::check(&py, &theme.words).into_iter().for_each(|d| sink.push(d));
    if let Some(s) = &strategy {
        check::strategy_refs(&py, s).into_iter().for_each(|d| sink.push(d));
    }
    let kommuner = if py.report.is_some() { load::kommuner(&project.data)? } else { Default::default() };
    // Names are shown only in the prize section, which only a network with the prize has.
    let named_draw = py.profile.attendance_prize && py.prize_names(theme.prize_names);
    if let Some(data) = py.report.as_ref().filter(|_| named_draw) {
        let named = report::figures(&py, data, &kommuner, &theme.texts).prize_count;
        if named > 0 {
            let at = match py.profile.prize_names {
                Some(_) => py.data_dir.join("nettverk.toml"),
                None => theme.find_file("stil.toml").unwrap_or_default(),
            };
            sink.push(
                Diagnostic::warning(
                    Some(Location::file(&at)),
                    format!(
                        "årsrapporten {} viser navnene på de {named} {} i premietrekningen (premieliste_med_navn = true): rapporten sendes til postmottaket i hver kommune, og navnene blir en del av kommunenes arkiv",
                        py.year, theme.words.ressurspersonene
                    ),
                )
                .hint("skriv premieliste_med_navn = false i nettverk.toml, så sier rapporten bare hvor mange de er"),
            );
        }
    }
    let warnings = sink.finish()?;
    let mut assets = logos(&theme, Some(&py.data_dir))?;
    let pictures = prose_images(&py, &mut assets)?;
    let wheel_svg = render::arshjul::svg(&py, &theme);
    assets.images.insert("arshjul.svg".into(), wheel_svg.clone().into_bytes());
    Ok(Prepared { year: py, theme, assets, wheel_svg, warnings, strategy, kommuner, pictures })
}

/// The logos of a network's documents: the network's own `logo.svg` or
/// `logo.png` (and `logo-hoyre.*`) in its data folder, else the house
/// style's (`logo`, `logo_hoyre` in stil.toml), each checked; by the names
/// `logo.svg`/`logo.png` and `logo-hoyre.svg`/`logo-hoyre.png`.
pub fn logos(theme: &Theme, network_dir: Option<&Path>) -> Result<Assets> {
    let mut assets = Assets::default();
    // A network's own logo files win over the style's (which may be built in).
    let own = |base: &str| {
        let dir = network_dir?;
        ["svg", "png"].iter().map(|e| dir.join(format!("{base}.{e}"))).find(|p| p.is_file())
    };
    for (base, of_style) in [("logo", &theme.logo), ("logo-hoyre", &theme.logo_right)] {
        let read = own(base)
            .map(|p| std::fs::read(&p).map(|b| (p, b)))
            .or_else(|| of_style.as_ref().and_then(|l| theme.read_file(l)));
        let Some(read) = read else { continue };
        let (path, bytes) = read.map_err(|e| {
            Error::msg(format!("kan ikke lese logoen «{base}»: {}", crate::diag::io_text(&e)))
        })?;
        let name = format!("{base}.{}", logo_kind(&path)?);
        render::world::check_picture(&name, &bytes).map_err(|why| {
            Error::at(Location::file(&path), format!("logoen {why}")).with_hint(
                "lagre logoen på nytt som SVG (helst, da blir den skarp i alle størrelser) eller PNG, gjerne rundt 600 piksler bred",
            )
        })?;
        assets.images.insert(name, bytes);
    }
    Ok(assets)
}

/// A logo file's kind by its name: `svg` or `png`; any other is refused.
pub fn logo_kind(path: &Path) -> Result<&'static str> {
    match path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref() {
        Some("svg") => Ok("svg"),
        Some("png") => Ok("png"),
        _ => Err(Error::at(Location::file(path), "logoen må være en SVG- eller PNG-fil")
            .with_hint("lagre logoen som SVG (for eksempel fra kommunikasjonsavdelingen) eller PNG, og skriv filnavnet med endelsen")),
    }
}

/// The pictures the prose files show (`![tekst](bilde.png)`): PNG files in
/// the network's data folder, found from the prose file's folder. A picture
/// on the web, outside the data folder, missing or broken is an error at the
/// prose file's line. `logo.png` and `arshjul.svg` name the document's own.
/// Returns the files read.
fn prose_images(py: &PlanYear, assets: &mut Assets) -> Result<Vec<PathBuf>> {
    let mut sink = Sink::default();
    let mut read = Vec::new();
    let root = std::fs::canonicalize(&py.data_dir).unwrap_or_else(|_| py.data_dir.clone());
    for t in &py.texts {
        let Ok(blocks) = crate::compose::markdown::parse_prose(&t.text) else { continue };
        let mut srcs = Vec::new();
        images_in(&blocks, &mut srcs);
        for src in srcs {
            if matches!(src.as_str(), "logo.png" | "logo.svg" | "arshjul.svg")
                || assets.images.contains_key(&src)
            {
                continue;
            }
            let row = t.text.lines().position(|l| l.contains(&format!("({src}"))).map(|i| i + 1);
            let loc = Location { file: t.path.clone(), row, col: None };
            let base = t.path.parent().unwrap_or(&py.year_dir);
            let lower = src.to_lowercase();
            if lower.contains("://") || lower.starts_with("www.") || lower.starts_with("data:") {
                sink.error(
                    loc,
                    format!("bildet «{src}» ligger på nettet; dokumentene henter ikke noe fra nettet"),
                    format!(
                        "last ned bildet, lagre det som PNG i {} og skriv bare filnavnet",
                        base.display()
                    ),
                );
                continue;
            }
            let path = base.join(&src);
            let lexical = |p: &std::path::Path| {
                let mut out = PathBuf::new();
                for c in p.components() {
                    match c {
                        std::path::Component::ParentDir => {
                            out.pop();
                        }
                        std::path::Component::CurDir => {}
                        c => out.push(c),
                    }
                }
                out
            };
            let inside = if lexical(&path).starts_with(lexical(&py.data_dir)) {
                std::fs::canonicalize(&path).map(|p| p.starts_with(&root))
            } else {
                Ok(false)
            };
            let why = match inside {
                _ if src.starts_with(['/', '\\']) || src.contains('\\') || src.contains(':') => Some((
                    "må være en sti fra tekstfilens mappe, med / mellom mappene".to_string(),
                    "skriv for eksempel ![Bilde](bilde.png) og legg bildet ved siden av tekstfilen"
                        .to_string(),
                )),
                Err(_) => Some((
                    "finnes ikke".to_string(),
                    format!(
                        "legg bildet i {} eller rett filnavnet (store og små bokstaver teller)",
                        base.display()
                    ),
                )),
                Ok(false) => Some((
                    format!("ligger utenfor nettverkets datamappe ({})", py.data_dir.display()),
                    format!("kopier bildet inn i {}", base.display()),
                )),
                Ok(true) => std::fs::read(&path)
                    .map_err(|e| crate::diag::io_text(&e))
                    .and_then(|b| render::world::check_png(&b).map(|_| b))
                    .map(|b| {
                        assets.images.insert(src.clone(), b);
                        read.push(lexical(&path));
                    })
                    .err()
                    .map(|why| (why, "lagre bildet på nytt som PNG".to_string())),
            };
            if let Some((what, hint)) = why {
                sink.error(loc, format!("bildet «{src}» {what}"), hint);
            }
        }
    }
    sink.finish().map(|_| read)
}

/// Every image source in blocks, depth first.
fn images_in(blocks: &[crate::doc::Block], out: &mut Vec<String>) {
    use crate::doc::Block;
    for b in blocks {
        match b {
            Block::Image(i) => out.push(i.src.clone()),
            Block::List { items, .. } => items.iter().for_each(|i| images_in(i, out)),
            Block::Table(t) => t.rows.iter().flatten().for_each(|c| images_in(c, out)),
            Block::Styled { blocks, .. } => images_in(blocks, out),
            _ => {}
        }
    }
}

/// Loads the strategy a network follows (`strategi` in its nettverk.toml).
fn strategy(project: &Project, name: &str, py: &PlanYear) -> Result<Strategy> {
    let at = Location::file(&py.data_dir.join("nettverk.toml"));
    let years = load::years(&project.data, name).map_err(|_| {
        Error::at(at.clone(), format!("strategien «{name}» finnes ikke i {}", project.data.display()))
            .with_hint(
                "«strategi» må være navnet på en nettverksmappe med en plan der dokument = \"strategi\"",
            )
    })?;
    for y in years {
        let meta: crate::model::PlanMeta =
            load::read_toml(&project.data.join(name).join(y.to_string()).join("plan.toml"))?;
        if meta.kind == "strategi" {
            return Ok(Strategy::from_plan(&load::load_year(&project.data, name, y)?));
        }
    }
    Err(Error::at(at, format!("«{name}» har ingen plan med dokument = \"strategi\"")))
}

/// The file stem of a year's årsrapport: `arsrapport-2025`.
pub fn report_stem(year: i32) -> String {
    format!("arsrapport-{year}")
}

/// The documents of one network's year: the plan, and the årsrapport when the
/// year has a `rapport.toml`.
pub fn documents(p: &Prepared) -> Result<Vec<Made>> {
    let composer = Composer::new(&p.year, &p.theme, p.strategy.as_ref())?;
    let mut out = vec![Made { stem: p.year.stem(), document: composer.plan()? }];
    if let Some(data) = &p.year.report {
        let figures = report::figures(&p.year, data, &p.kommuner, &p.theme.texts);
        out.push(Made { stem: report_stem(p.year.year), document: composer.report(&figures)? });
    }
    // A picture a template names must be one the year has (prose pictures were checked in prepare).
    for (m, kind) in out.iter().zip([p.year.meta.kind.as_str(), "arsrapport"]) {
        let mut srcs = Vec::new();
        images_in(&m.document.blocks, &mut srcs);
        if let Some(src) = srcs.into_iter().find(|s| !p.assets.images.contains_key(s)) {
            let file = format!("{kind}.md.j2");
            let shown =
                p.theme.template_name(&file).and_then(|n| p.theme.sources.find(&n)).unwrap_or(file.into());
            return Err(Error::at(
                Location::file(&shown),
                format!("malen (eller en del den tar med) viser bildet «{src}», som ikke finnes"),
            )
            .with_hint(
                "en mal kan vise logo.png og arshjul.svg; bilder i tekstene legges ved siden av tekstfilen",
            ));
        }
    }
    Ok(out)
}

/// The folder a network's year is published in.
pub fn year_dir(project: &Project, py: &PlanYear) -> PathBuf {
    project.output.join(&py.network).join(py.year.to_string())
}

/// Renders documents in the named formats, into files of `dir`: every
/// document at once, the files in the documents' order.
pub fn render(
    p: &Prepared,
    made: &[Made],
    formats: &[Format],
    dir: &std::path::Path,
) -> Result<Vec<Artifact>> {
    render::threads();
    let rendered = made
        .par_iter()
        .map(|m| render::render(&m.document, &p.theme, &p.assets, formats))
        .collect::<Vec<_>>();
    let mut out = Vec::new();
    for (m, files) in made.iter().zip(rendered) {
        for (f, bytes) in files? {
            out.push(Artifact::new(dir.join(format!("{}.{}", m.stem, f.extension())), bytes));
        }
    }
    Ok(out)
}

/// How a plan covers the strategy its network follows: which innsatsområder
/// its delmål serve (what `check` tells beside the diagnostics).
#[derive(Debug, Clone)]
pub struct StrategyCoverage {
    pub network: String,
    pub period: String,
    pub strategy: Strategy,
    pub coverage: crate::model::Coverage,
}

/// Checks a selection without writing anything: every document is made in
/// memory, so whatever would stop a build stops the check.
pub fn check(project: &Project, sel: &Selection) -> Result<(Vec<Diagnostic>, Vec<StrategyCoverage>)> {
    let mut sink = Sink::default();
    let mut coverages = Vec::new();
    let targets = project.targets(sel)?;
    project.skipped().into_iter().for_each(|d| sink.push(d));
    // Every year at once; what they found is said in the selection's order.
    render::threads();
    let checked: Vec<Result<(Option<StrategyCoverage>, Vec<Diagnostic>)>> = targets
        .par_iter()
        .map(|(n, y)| {
            let p = prepare(project, n, *y)?;
            let docs = documents(&p)?;
            render(&p, &docs, &Format::DEFAULT, &year_dir(project, &p.year))?;
            let coverage = p.strategy.as_ref().map(|s| StrategyCoverage {
                network: n.clone(),
                period: p.year.period(),
                strategy: s.clone(),
                coverage: crate::model::Coverage::compute(&p.year, s),
            });
            Ok((coverage, p.warnings))
        })
        .collect();
    for c in checked {
        match c {
            Ok((coverage, warnings)) => {
                coverages.extend(coverage);
                push_new(&mut sink, warnings);
            }
            Err(e) => sink.extend(e),
        }
    }
    Ok((sink.finish()?, coverages))
}

/// Adds the warnings not said yet: years sharing a house style (and its
/// Word template) would each repeat what reading it found.
fn push_new(sink: &mut Sink, warnings: Vec<Diagnostic>) {
    for d in warnings {
        if !sink.items.contains(&d) {
            sink.push(d);
        }
    }
}

/// Paths as the manifest shows them (they belong to the project).
pub use crate::project::Paths;

/// What a prepared year reads (see [`manifest::reads`]).
pub fn reads(project: &Project, p: &Prepared) -> Vec<Read> {
    manifest::reads(project, &p.year, &p.theme, p.strategy.as_ref(), &p.pictures)
}

/// Everything one network's year publishes, in memory: documents, calendars,
/// the årshjul, the manifest, and (with `note`) a note on what changed since
/// the last build.
pub fn outputs(
    project: &Project,
    p: &Prepared,
    formats: &[Format],
    note: bool,
) -> Result<(Vec<Artifact>, Vec<Change>)> {
    let dir = year_dir(project, &p.year);
    let old = manifest::read(&dir);
    let events = manifest::events(&p.year, old.as_ref());
    let sequence = events.iter().map(|(id, e)| (id.clone(), e.sequence)).collect();
    let made_docs = documents(p)?;
    let mut artifacts = render(p, &made_docs, formats, &dir)?;
    for (name, bytes) in calendar::calendars(&p.year, &sequence) {
        artifacts.push(Artifact::new(dir.join(name), bytes));
    }
    if !p.year.meetings.is_empty() {
        artifacts.push(Artifact::new(
            dir.join(format!("arshjul-{}.svg", p.year.year)),
            p.wheel_svg.clone().into_bytes(),
        ));
    }
    // What arsplan wrote last time, so a file edited by hand since is kept;
    // and earlier versions of the documents in tidligere/.
    for a in artifacts.iter_mut() {
        let name = a.path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        a.made_before = old.as_ref().and_then(|o| o.outputs.get(name).cloned());
        a.keep_versions = name.ends_with(".pdf") || name.ends_with(".docx");
    }
    let mut outputs = old.as_ref().map(|o| o.outputs.clone()).unwrap_or_default();
    for a in &artifacts {
        let name = a.path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        outputs.insert(name, manifest::sha256(&a.bytes));
    }
    let paths = project.paths();
    let reads = reads(project, p);
    let made = artifacts.iter().filter_map(|a| Some(a.path.file_name()?.to_str()?.to_string())).collect();
    let new = Manifest {
        network: p.year.network.clone(),
        year: p.year.year,
        inputs: manifest::fingerprints(&paths, &reads),
        outputs,
        events,
        version: manifest::VERSION.to_string(),
        templates: paths.show(&project.templates),
        reads,
        formats: formats.iter().map(|f| f.extension().to_string()).collect(),
        made,
        warnings: p.warnings.iter().map(|d| manifest::Warning::new(d, |f| paths.show(f))).collect(),
    };
    let changes = old.as_ref().map(|o| manifest::changes(o, &new)).unwrap_or_default();
    if let (true, false, Some(old)) = (note, changes.is_empty(), &old) {
        let titles: Vec<(String, String)> =
            made_docs.iter().map(|m| (format!("{}.pdf", m.stem), m.document.meta.title.clone())).collect();
        if let Some(text) = change_note(project, p, old, &new.outputs, &titles)? {
            artifacts.push(Artifact::new(
                dir.join(format!("endringsnotat-{}.txt", p.year.year)),
                text.into_bytes(),
            ));
        }
    }
    let json = serde_json::to_vec_pretty(&new).map_err(|e| Error::msg(format!("manifest: {e}")))?;
    artifacts.push(Artifact::new(dir.join(manifest::FILE), json));
    Ok((artifacts, changes))
}

/// The change note to send with a new version of a year's documents
/// (`endringsnotat-<år>.txt`, from the house style's `endringsnotat.md.j2`),
/// written for the municipality's reader: each meeting by its kind, title
/// and group, old and new date with the weekday, the documents by their
/// titles, never a file name. After a sending (the year's send ledger has
/// one) it is a corrected version and lists what changed since the last
/// sending; before, what changed since the last build. None when nothing a
/// reader would see changed.
pub fn change_note(
    project: &Project,
    p: &Prepared,
    old: &Manifest,
    outputs: &BTreeMap<String, String>,
    titles: &[(String, String)],
) -> Result<Option<String>> {
    let py = &p.year;
    let ledger_path = crate::send::dir(&project.output, &py.network, py.year).join("sendelogg.json");
    let ledger = crate::send::Ledger::read(&ledger_path).unwrap_or_default();
    let sent = ledger.sent.last().and_then(|s| ledger.versions.get(&s.version).map(|v| (s, v)));
    // What the reader has: the last version sent, else the last build.
    let (events, documents): (_, BTreeMap<String, String>) = match sent {
        Some((_, v)) => {
            (v.events.clone(), v.documents.iter().map(|d| (d.file.clone(), d.sha256.clone())).collect())
        }
        None => (old.events.clone(), old.outputs.clone()),
    };
    let now = manifest::events(py, None);
    let mut differences = manifest::meeting_differences(&events, &now);
    for (file, title) in titles {
        if documents.get(file).is_some_and(|had| outputs.get(file) != Some(had)) {
            differences.push(manifest::Difference::document("oppdatert", title));
        }
    }
    if differences.is_empty() {
        return Ok(None);
    }
    let sent_on = sent.map(|(s, _)| {
        let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(s.time);
        crate::send::oslo(at).date_naive().format("%Y-%m-%d").to_string()
    });
    // A meeting changed: the calendar files changed with it.
    let calendar = !py.meetings.is_empty() && differences.iter().any(|d| !d.date.is_empty());
    let notat = minijinja::context! {
        sendt => sent_on,
        endringer => minijinja::Value::from(minijinja::value::Serde(&differences)),
        kalender => calendar,
    };
    let composer = Composer::new(py, &p.theme, p.strategy.as_ref())?;
    let doc = composer.document("endringsnotat.md.j2", ("notat", notat), "Endringer")?;
    Ok(Some(crate::doc::text(&doc.blocks) + "\n"))
}

/// What a build wrote and found.
#[derive(Debug, Clone)]
pub struct Built {
    pub written: Vec<Written>,
    pub warnings: Vec<Diagnostic>,
    /// What changed since the previous build, in Norwegian.
    pub changes: Vec<Change>,
    /// The years whose files were already made from the same inputs (not made again).
    pub unchanged: Vec<(String, i32)>,
}

/// Options of a build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub formats: Vec<Format>,
    /// Also write `endringsnotat-<year>.txt` where something changed.
    pub note: bool,
    /// Make every year again, even one whose inputs did not change.
    pub again: bool,
}

impl BuildOptions {
    /// These formats, no note.
    pub fn formats(formats: &[Format]) -> Self {
        BuildOptions { formats: formats.to_vec(), ..Default::default() }
    }

    /// The same options, writing a change note.
    pub fn with_note(mut self) -> Self {
        self.note = true;
        self
    }

    /// The same options, making every year again.
    pub fn again(mut self) -> Self {
        self.again = true;
        self
    }
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions { formats: Format::DEFAULT.to_vec(), note: false, again: false }
    }
}

/// One year of a build, before anything is written.
enum Year {
    /// Made already from the same inputs.
    Unchanged(manifest::Unchanged),
    /// Made now, in memory.
    Made { artifacts: Vec<Artifact>, changes: Vec<Change>, warnings: Vec<Diagnostic> },
}

fn year(
    project: &Project,
    network: &str,
    year: i32,
    formats: &[Format],
    opts: &BuildOptions,
) -> Result<Year> {
    if !opts.again {
        if let Some(u) = manifest::up_to_date(project, network, year, formats) {
            return Ok(Year::Unchanged(u));
        }
    }
    let p = prepare(project, network, year)?;
    let (artifacts, changes) = outputs(project, &p, formats, opts.note)?;
    Ok(Year::Made { artifacts, changes, warnings: p.warnings })
}

/// Builds a selection: every year at once, each either found unchanged or
/// made in memory; files are written only when every year succeeded, and
/// messages come in the selection's order whichever year finished first. A
/// lock in the output folder keeps two builds from interleaving their writes.
pub fn build(project: &Project, sel: &Selection, opts: &BuildOptions) -> Result<Built> {
    let targets = project.targets(sel)?;
    let _lock = publish::lock(&project.output)?;
    let mut sink = Sink::default();
    project.skipped().into_iter().for_each(|d| sink.push(d));
    render::threads();
    let years: Vec<Result<Year>> =
        targets.par_iter().map(|(n, y)| year(project, n, *y, &opts.formats, opts)).collect();
    let mut artifacts = Vec::new();
    let mut changes = Vec::new();
    let mut unchanged = Vec::new();
    // Per year: its files found unchanged, or the range of its artifacts.
    let mut parts: Vec<std::result::Result<Vec<Written>, std::ops::Range<usize>>> = Vec::new();
    for ((n, y), made) in targets.into_iter().zip(years) {
        match made {
            Ok(Year::Unchanged(u)) => {
                push_new(&mut sink, u.warnings);
                let written = u.files.into_iter().map(|(path, size)| Written {
                    path,
                    size,
                    changed: false,
                    kept: None,
                });
                parts.push(Ok(written.collect()));
                unchanged.push((n, y));
            }
            Ok(Year::Made { artifacts: a, changes: c, warnings }) => {
                push_new(&mut sink, warnings);
                parts.push(Err(artifacts.len()..artifacts.len() + a.len()));
                artifacts.extend(a);
                changes.extend(c);
            }
            Err(e) => sink.extend(e),
        }
    }
    let warnings = sink.finish()?;
    let published = publish::publish(&artifacts)?;
    let written = parts
        .into_iter()
        .flat_map(|p| match p {
            Ok(w) => w,
            Err(range) => published[range].to_vec(),
        })
        .collect();
    Ok(Built { written, warnings, changes, unchanged })
}
