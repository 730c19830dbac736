//! What the pages show, made without HTTP: the overview of every network's
//! years, one year's meetings table with its diagnostics at their cells, the
//! outline, the built files, what changed, the preview pages, and the
//! downloads. The handlers in [`super::routes`] only call these.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde::Serialize;
use typst_layout::PagedDocument;

use crate::diag::{Diagnostic, Error, Location, Result, Severity};
use crate::manifest::{self, Manifest};
use crate::model::{Level, Table};
use crate::project::{Paths, Project, Selection};
use crate::{edit, render};
use crate::{Made, Prepared};

/// A diagnostic as a page shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DiagView {
    /// Serialized as `feil` or `advarsel`.
    pub kind: Severity,
    /// The file (relative to the project folder), row and column, in words.
    pub place: String,
    pub message: String,
    pub hint: Option<String>,
    /// The meetings-table row it is at, if any (the anchor `rad-<n>`).
    pub row: Option<usize>,
}

impl DiagView {
    pub fn new(d: &Diagnostic, paths: &Paths, table_row: Option<usize>) -> DiagView {
        let place = d
            .location
            .as_ref()
            .map(|l| {
                if let Some(field) = settings_field(l).or_else(|| text_line(l)) {
                    return field;
                }
                let shown = Location { file: PathBuf::from(paths.show(&l.file)), ..l.clone() };
                crate::diag::visible(&shown.to_string())
            })
            .unwrap_or_default();
        DiagView {
            kind: d.severity,
            place,
            message: crate::diag::visible(&d.message),
            hint: d.hint.as_deref().map(crate::diag::visible),
            row: table_row,
        }
    }
}

/// A place in `plan.toml` or `nettverk.toml` as the page's settings form
/// names it («Innstillinger for 2027 → «Innledning»»), when the row holds
/// (or continues) a key the form shows.
fn settings_field(l: &Location) -> Option<String> {
    let row = l.row?;
    let name = l.file.file_name()?.to_str()?;
    let (fields, place) = match name {
        "plan.toml" => {
            let year = l.file.parent()?.file_name()?.to_str()?;
            (crate::settings::YEAR_FIELDS, format!("Innstillinger for {year}"))
        }
        "nettverk.toml" => (crate::settings::NETWORK_FIELDS, "Nettverkets innstillinger".to_string()),
        _ => return None,
    };
    let text = std::fs::read_to_string(&l.file).ok()?;
    let lines: Vec<&str> = text.lines().take(row).collect();
    // The key on the row, or the one whose value (a list over lines) the row continues.
    let key = lines.iter().rev().find_map(|line| {
        let (k, _) = line.split_once('=')?;
        let k = k.trim();
        (!k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')).then_some(k)
    })?;
    let field = fields.iter().find(|f| f.key == key)?;
    Some(format!("{place} → «{}»", field.label))
}

/// A line of one of the year's texts (`tekster/<navn>.md`) as the texts
/// editor names it («Teksten «Innledning», linje 3»), not as a file path.
fn text_line(l: &Location) -> Option<String> {
    let name = l.file.file_name()?.to_str()?.strip_suffix(".md")?;
    if l.file.parent()?.file_name()? != "tekster" {
        return None;
    }
    let words = name.replace(['_', '-'], " ");
    let mut chars = words.chars();
    let title: String = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
    Some(match l.row {
        Some(row) => format!("Teksten «{title}», linje {row}"),
        None => format!("Teksten «{title}»"),
    })
}

/// A moment as a leader reads it: `26.11.2026 kl. 14.05`.
pub fn when(t: std::time::SystemTime) -> String {
    crate::dates::oslo(t).format("%d.%m.%Y kl. %H.%M").to_string()
}

/// The (network, year) pair if the project has it; None for anything else.
pub fn known(project: &Project, network: &str, year: i32) -> bool {
    let sel = Selection { networks: vec![network.to_string()], years: vec![year] };
    project.targets(&sel).is_ok_and(|t| t.iter().any(|(n, y)| n == network && *y == year))
}

fn year_dir(project: &Project, network: &str, year: i32) -> PathBuf {
    project.output.join(network).join(year.to_string())
}

/// When a year's documents were last built (its manifest's time).
fn built_at(project: &Project, network: &str, year: i32) -> Option<String> {
    let m = std::fs::metadata(year_dir(project, network, year).join(manifest::FILE)).ok()?;
    m.modified().ok().map(when)
}

/// What changed since the last build: moved, new and removed meetings, and
/// the input files whose bytes changed. None when it was never built.
pub fn changed_since(project: &Project, p: Option<&Prepared>, m: &Manifest) -> (Vec<String>, Vec<String>) {
    let files = manifest::changed_inputs(&project.paths(), m);
    let meetings = p
        .map(|p| manifest::event_changes(&m.events, &manifest::events(&p.year, Some(m))))
        .unwrap_or_default();
    (meetings, files)
}

/// The plan's title as its document shows it (a title may be a template:
/// `ÅRSPLAN {{ år }}`); from plan.toml when the year cannot be prepared.
fn title(project: &Project, p: Option<&Prepared>, network: &str, year: i32) -> String {
    if let Some(doc) = p.and_then(|p| project.documents(p).ok()).and_then(|d| d.into_iter().next()) {
        return doc.document.meta.title;
    }
    project
        .plan_meta(network, year)
        .map(|m| m.title.replace("{{ år }}", &year.to_string()))
        .unwrap_or_default()
}

/// One network's year on the front page.
#[derive(Debug, Clone, Serialize)]
pub struct YearSummary {
    pub network: String,
    pub year: i32,
    pub title: String,
    pub errors: usize,
    pub warnings: usize,
    /// When its documents were last built; None: never.
    pub built: Option<String>,
    /// Meetings moved, added or removed since the last build.
    pub meetings: Vec<String>,
    /// Input files changed since the last build.
    pub files: Vec<String>,
}

/// One network on the front page.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkSummary {
    pub network: String,
    pub name: String,
    pub years: Vec<YearSummary>,
}

/// The front page: every network and year with its errors and warnings
/// counted, when it was last built and what changed since.
pub fn overview(project: &Project) -> Result<Vec<NetworkSummary>> {
    // No data folder yet: no networks (the page offers to make the first).
    if !project.data.exists() {
        return Ok(Vec::new());
    }
    let networks = project.networks()?;
    let mut targets = Vec::new();
    for n in &networks {
        targets.extend(project.years(n)?.into_iter().map(|y| (n.clone(), y)));
    }
    let years: Vec<YearSummary> = targets
        .par_iter()
        .map(|(n, y)| {
            let prepared = project.prepare(n, *y);
            let (errors, warnings) = match &prepared {
                Ok(p) => (0, p.warnings.len()),
                Err(e) => {
                    let errors = e.0.iter().filter(|d| d.is_error()).count();
                    (errors, e.0.len() - errors)
                }
            };
            let title = title(project, prepared.as_ref().ok(), n, *y);
            let (meetings, files) = match manifest::read(&year_dir(project, n, *y)) {
                Some(m) => changed_since(project, prepared.as_ref().ok(), &m),
                None => (Vec::new(), Vec::new()),
            };
            YearSummary {
                network: n.clone(),
                year: *y,
                title,
                errors,
                warnings,
                built: built_at(project, n, *y),
                meetings,
                files,
            }
        })
        .collect();
    let mut out: Vec<NetworkSummary> = networks
        .iter()
        .map(|n| NetworkSummary { network: n.clone(), name: project.network_name(n), years: Vec::new() })
        .collect();
    for y in years {
        if let Some(n) = out.iter_mut().find(|n| n.network == y.network) {
            n.years.push(y);
        }
    }
    Ok(out)
}

/// A cell of the meetings table.
#[derive(Debug, Clone, Serialize)]
pub struct CellView {
    pub column: String,
    pub value: String,
    pub editable: bool,
    /// How the field is typed.
    pub kind: FieldKind,
    pub diagnostics: Vec<DiagView>,
    /// Whether one of them is an error.
    pub error: bool,
}

/// How a cell of the meetings table is typed in; the serde names are the
/// page's CSS classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FieldKind {
    #[serde(rename = "dato")]
    Date,
    #[serde(rename = "tid")]
    Time,
    #[serde(rename = "tekst")]
    Text,
}

/// A row of the meetings table.
#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    pub number: usize,
    pub id: String,
    pub cells: Vec<CellView>,
    /// Diagnostics at the row without a column of their own.
    pub diagnostics: Vec<DiagView>,
    pub errors: usize,
}

/// The meetings table as read from its file.
#[derive(Debug, Clone, Serialize)]
pub struct TableView {
    /// The file as the project shows it (`data/stavanger/2026/moter.csv`).
    pub file: String,
    pub sheet: Option<String>,
    /// The file's sha256 as the page read it: an edit names it.
    pub sha256: String,
    pub columns: Vec<String>,
    pub rows: Vec<RowView>,
}

/// The columns the table on the page shows, in this order (those the file has).
const SHOWN: [&str; 10] =
    ["ID", "Dato", "Start", "Slutt", "Type", "Gruppe", "Gjelder", "Tittel", "Tema", "Sted"];

/// Whether a diagnostic is about a table's file.
fn in_table(d: &Diagnostic, t: &Table) -> bool {
    d.location.as_ref().is_some_and(|l| l.file == t.display_path() || l.file == t.path)
}

/// The meetings table with every diagnostic at its row and cell.
pub fn table_view(project: &Project, t: &Table, diagnostics: &[Diagnostic]) -> Result<TableView> {
    let paths = project.paths();
    let bytes = std::fs::read(&t.path).map_err(|e| {
        Error::at(Location::file(&t.path), format!("kan ikke lese filen: {}", crate::diag::io_text(&e)))
    })?;
    let index = |name: &str| t.headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let columns: Vec<(&str, usize)> = SHOWN.iter().filter_map(|c| index(c).map(|i| (*c, i))).collect();
    let rows = t
        .rows
        .iter()
        .map(|r| {
            let here: Vec<&Diagnostic> = diagnostics
                .iter()
                .filter(|d| in_table(d, t) && d.location.as_ref().and_then(|l| l.row) == Some(r.number))
                .collect();
            let at_col = |i: usize| {
                here.iter()
                    .filter(|d| d.location.as_ref().and_then(|l| l.col.as_ref()).is_some_and(|c| c.0 == i))
                    .map(|d| DiagView::new(d, &paths, Some(r.number)))
                    .collect::<Vec<_>>()
            };
            let cells = columns
                .iter()
                .map(|(name, i)| {
                    let diagnostics = at_col(*i);
                    CellView {
                        column: name.to_string(),
                        value: r.cells.get(*i).cloned().unwrap_or_default(),
                        editable: edit::EDITABLE.contains(name),
                        kind: match *name {
                            "Dato" => FieldKind::Date,
                            "Start" | "Slutt" => FieldKind::Time,
                            _ => FieldKind::Text,
                        },
                        error: diagnostics.iter().any(|d| d.kind == Severity::Error),
                        diagnostics,
                    }
                })
                .collect();
            let shown_cols: Vec<usize> = columns.iter().map(|(_, i)| *i).collect();
            let rest = here
                .iter()
                .filter(|d| {
                    d.location
                        .as_ref()
                        .and_then(|l| l.col.as_ref())
                        .is_none_or(|c| !shown_cols.contains(&c.0))
                })
                .map(|d| DiagView::new(d, &paths, Some(r.number)))
                .collect();
            RowView {
                number: r.number,
                id: index("ID").and_then(|i| r.cells.get(i)).cloned().unwrap_or_default(),
                cells,
                diagnostics: rest,
                errors: here.iter().filter(|d| d.is_error()).count(),
            }
        })
        .collect();
    Ok(TableView {
        file: paths.show(&t.path),
        sheet: t.sheet.clone(),
        sha256: manifest::sha256(&bytes),
        columns: columns.iter().map(|(c, _)| c.to_string()).collect(),
        rows,
    })
}

/// A row of the plan's outline.
#[derive(Debug, Clone, Serialize)]
pub struct OutlineRow {
    /// `område 1`, `delmål 2`, `aktivitet`, in the house style's words (Ahus: `mål 2`, `tiltak`).
    pub label: String,
    pub text: String,
    /// 0 for an area, deeper for what lies under it.
    pub depth: usize,
}

/// The plan's outline as the documents number it, its cells' small
/// templates (`{{ fagdag }}`, `{{ år }}`) filled in.
pub fn outline(p: &Prepared) -> Vec<OutlineRow> {
    let cells = crate::compose::env::TextRenderer::new(&p.theme, p.year.year, &p.year.meetings);
    crate::model::numbered(&p.year.outline)
        .into_iter()
        .map(|n| {
            let w = &p.theme.words;
            let word = match n.row.level {
                Level::Area => w.omrade.as_str(),
                Level::Goal => w.mal.as_str(),
                Level::SubGoal => w.delmal.as_str(),
                Level::Activity => w.aktivitet.as_str(),
                other => other.as_str(),
            };
            let (label, depth) = match n.row.level {
                Level::Area => (format!("{word} {}", n.nr), 0),
                Level::SubGoal => (format!("{word} {}", n.nr), 1),
                Level::FocusArea => (format!("{word} {}.{}", n.area, n.nr), 1),
                Level::Activity => (word.to_string(), 2),
                Level::SubItem => (word.to_string(), 3),
                _ => (word.to_string(), 1),
            };
            let text = cells.render(&n.row.text, &n.row.loc).unwrap_or_else(|_| n.row.text.clone());
            OutlineRow { label, text, depth }
        })
        .collect()
}

/// A built file offered for download.
#[derive(Debug, Clone, Serialize)]
pub struct FileView {
    pub name: String,
    /// `PDF`, `Word`.
    pub kind: String,
    pub size_kb: usize,
}

/// The documents the last build made (PDF and DOCX), as they are in `output/`.
pub fn built_documents(project: &Project, network: &str, year: i32) -> Vec<FileView> {
    let dir = year_dir(project, network, year);
    let Some(m) = manifest::read(&dir) else { return Vec::new() };
    m.made
        .iter()
        .filter_map(|name| {
            let kind = match name.rsplit_once('.')?.1 {
                "pdf" => "PDF",
                "docx" => "Word",
                _ => return None,
            };
            let size = std::fs::metadata(dir.join(name)).ok()?.len() as usize;
            Some(FileView { name: name.clone(), kind: kind.into(), size_kb: size.div_ceil(1024) })
        })
        .collect()
}

/// Whether a name is a plain file name: no folder, no `..`, not hidden.
fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', ':', '\0'])
        && std::path::Path::new(name).components().count() == 1
}

/// The bytes of a built file named by the manifest of its year; None for
/// any other name (no path ever comes from the request). Only a plain file
/// in the year's folder (no link), holding the bytes the build recorded for
/// it, is given out: a manifest entry `../../x` or a link in `output/`
/// reaches nothing outside.
pub fn built_file(project: &Project, network: &str, year: i32, name: &str) -> Option<Vec<u8>> {
    let dir = year_dir(project, network, year);
    let m = manifest::read(&dir)?;
    let note = name == format!("endringsnotat-{year}.txt");
    let listed = m.made.iter().any(|n| n == name) || note;
    if !listed || !plain_name(name) {
        return None;
    }
    let path = dir.join(name);
    if !std::fs::symlink_metadata(&path).ok()?.file_type().is_file() {
        return None;
    }
    let bytes = std::fs::read(&path).ok()?;
    match m.outputs.get(name) {
        Some(recorded) => (manifest::sha256(&bytes) == *recorded).then_some(bytes),
        // The change note is written beside the manifest, not recorded in it.
        None => note.then_some(bytes),
    }
}

/// Every built PDF and DOCX of a year in one zip.
pub fn documents_zip(project: &Project, network: &str, year: i32) -> Result<Vec<u8>> {
    let files: Vec<(String, Vec<u8>)> = built_documents(project, network, year)
        .into_iter()
        .filter_map(|f| built_file(project, network, year, &f.name).map(|b| (f.name, b)))
        .collect();
    if files.is_empty() {
        return Err(Error::msg("dokumentene er ikke bygget ennå").with_hint("trykk «Bygg dokumentene» først"));
    }
    zip_of(&files)
}

/// A zip archive of named files.
pub fn zip_of(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let failed = |e: &dyn std::fmt::Display| Error::msg(format!("zip-filen kunne ikke lages: {e}"));
    for (name, bytes) in files {
        // An entry's name is a plain file name: nothing unpacks outside its folder.
        let safe: String = std::path::Path::new(name)
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default()
            .chars()
            .map(|c| if c.is_control() || matches!(c, '\\' | ':') { '_' } else { c })
            .collect();
        let safe = safe.trim_start_matches('.').to_string();
        if safe.is_empty() {
            return Err(Error::msg(format!("«{name}» er ikke et filnavn")));
        }
        w.start_file(safe.as_str(), opts).map_err(|e| failed(&e))?;
        w.write_all(bytes).map_err(|e| failed(&e))?;
    }
    Ok(w.finish().map_err(|e| failed(&e))?.into_inner())
}

/// One network's year as its page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct YearView {
    pub network: String,
    pub network_name: String,
    pub year: i32,
    pub title: String,
    pub table: Option<TableView>,
    /// Every diagnostic of the year (those in the table also at their cells).
    pub diagnostics: Vec<DiagView>,
    pub errors: usize,
    pub warnings: usize,
    pub outline: Vec<OutlineRow>,
    pub documents: Vec<FileView>,
    pub built: Option<String>,
    /// Meetings moved, added or removed since the last build.
    pub meetings_changed: Vec<String>,
    /// Input files changed since the last build.
    pub files_changed: Vec<String>,
    /// The change note for the corrected version, if something changed.
    pub note: Option<String>,
    /// The change note the last build wrote, if any.
    pub note_file: Option<String>,
    /// The plan as the house style names it in a sentence: `årsplanen`, `handlingsplanen`.
    pub plan_word: String,
    /// The year whose årsrapport a mailing attaches, if any.
    pub report_year: Option<i32>,
    /// The recipient register's file (`mottakere.csv` or `mottakere.xlsx`), if there is one.
    pub recipients_file: Option<String>,
    /// The plan's PDF as a mailing attaches it (`arsplan-2027.pdf`), when the year can be read.
    pub plan_pdf: Option<String>,
    /// The year's data folder, in full (where the workbooks are on this machine).
    pub folder: String,
    /// The endringsversjon since the last sending, when a document changed since.
    pub revision: Option<RevisionView>,
}

/// The endringsversjon the year page offers: since which sending, and its files.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionView {
    /// The day of the sending, in words (`15. januar 2026`).
    pub sent: String,
    pub files: Vec<String>,
}

/// Everything the year page shows.
pub fn year_view(project: &Project, network: &str, year: i32) -> Result<YearView> {
    let paths = project.paths();
    let prepared = project.prepare(network, year);
    let diagnostics: Vec<Diagnostic> = match &prepared {
        Ok(p) => {
            // The outline's shape is checked when the documents are made;
            // the page says it now, so «Ingen feil» holds for the build.
            let texts = crate::compose::env::TextRenderer::new(&p.theme, p.year.year, &p.year.meetings);
            let mut all = crate::compose::outline_problems(&p.year, &texts);
            all.retain(|d| !p.warnings.contains(d));
            all.extend(p.warnings.iter().cloned());
            all
        }
        Err(e) => e.0.clone(),
    };
    let table = project.meetings_table(network, year);
    let table_view = match &table {
        Ok(Some(t)) => Some(table_view(project, t, &diagnostics)?),
        _ => None,
    };
    let row_of = |d: &Diagnostic| match &table {
        Ok(Some(t)) if in_table(d, t) => d.location.as_ref().and_then(|l| l.row),
        _ => None,
    };
    let title = title(project, prepared.as_ref().ok(), network, year);
    let m = manifest::read(&year_dir(project, network, year));
    let (meetings_changed, files_changed) = match &m {
        Some(m) => changed_since(project, prepared.as_ref().ok(), m),
        None => (Vec::new(), Vec::new()),
    };
    // The note a reader would get: the meetings that changed, said as the build's note says them.
    let note = match (&m, &prepared, meetings_changed.is_empty()) {
        (Some(m), Ok(p), false) => project.change_note(p, m).ok().flatten(),
        _ => None,
    };
    let note_name = format!("endringsnotat-{year}.txt");
    let note_file = year_dir(project, network, year).join(&note_name).is_file().then_some(note_name);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    Ok(YearView {
        network: network.to_string(),
        network_name: project.network_name(network),
        year,
        title,
        table: table_view,
        diagnostics: diagnostics.iter().map(|d| DiagView::new(d, &paths, row_of(d))).collect(),
        errors,
        warnings: diagnostics.len() - errors,
        outline: prepared.as_ref().map(outline).unwrap_or_default(),
        documents: built_documents(project, network, year),
        built: built_at(project, network, year),
        meetings_changed,
        files_changed,
        note,
        note_file,
        plan_word: match &prepared {
            Ok(p) => p.theme.words.document_definite(&p.year.meta.kind),
            Err(_) => "planen".to_string(),
        },
        report_year: crate::mailing::report_year(project, network, year),
        recipients_file: ["mottakere.xlsx", "mottakere.csv"]
            .into_iter()
            .find(|f| project.data.join(network).join(f).is_file())
            .map(str::to_string),
        plan_pdf: prepared.as_ref().ok().map(|p| format!("{}.pdf", p.year.stem())),
        revision: prepared
            .as_ref()
            .ok()
            .and_then(|p| crate::revise::offered(project, p))
            .map(|(sent, files)| RevisionView { sent: crate::dates::format(sent, "d. MMMM yyyy"), files }),
        folder: {
            let d = project.data.join(network).join(year.to_string());
            std::fs::canonicalize(&d).unwrap_or(d).display().to_string()
        },
    })
}

/// The pages of one document, laid out as its PDF will be.
pub struct DocPages {
    pub stem: String,
    pub title: String,
    pub pages: PagedDocument,
    /// A key per page that changes when the page's content does.
    pub keys: Vec<String>,
}

/// The preview of a year's documents: their pages from the same Typst
/// layout as the PDF, under a key that changes with what they show.
pub struct Preview {
    pub key: String,
    pub docs: Vec<DocPages>,
}

/// How many pixels a point of the page becomes in the preview (108 dpi).
pub const PREVIEW_SCALE: f32 = 1.5;

/// A page as PNG.
fn png(page: &typst_layout::Page) -> Vec<u8> {
    let opts = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(f64::from(PREVIEW_SCALE)),
        render_bleed: false,
    };
    typst_render::render(page, &opts).encode_png().unwrap_or_default()
}

/// What the preview is made from: a hash over each document's generated
/// Typst source and the pictures it shows.
fn preview_key(p: &Prepared, made: &[Made]) -> String {
    let mut all = String::new();
    for m in made {
        all.push_str(&m.stem);
        all.push_str(&render::pdf::source(&m.document, &p.theme, &p.assets));
    }
    for (name, bytes) in &p.assets.images {
        all.push_str(name);
        all.push_str(&manifest::sha256(bytes));
    }
    manifest::sha256(all.as_bytes())[..16].to_string()
}

/// The preview cache: the latest preview per network's year, and the pages
/// already made as PNG by their key (a page that did not change is not made
/// again). Typst's own caches are global, so laying a document out again
/// after a small edit is fast as long as the server runs.
#[derive(Default)]
pub struct Previews {
    latest: Mutex<BTreeMap<(String, i32), Arc<Preview>>>,
    pngs: Mutex<BTreeMap<String, Arc<Vec<u8>>>>,
}

/// How many page images the cache keeps.
const PNG_CACHE: usize = 300;

impl Previews {
    /// The preview of a year as its data is now: the cached one if nothing
    /// changed, else laid out again.
    pub fn current(&self, project: &Project, network: &str, year: i32) -> Result<Arc<Preview>> {
        let p = project.prepare(network, year)?;
        let made = project.documents(&p)?;
        let key = preview_key(&p, &made);
        let slot = (network.to_string(), year);
        if let Some(old) = self.latest.lock().ok().and_then(|l| l.get(&slot).cloned()) {
            if old.key == key {
                return Ok(old);
            }
        }
        let docs = made
            .par_iter()
            .map(|m| {
                let fitted = render::fit(&m.document, &p.theme, &p.assets)?;
                let keys = fitted
                    .pages
                    .pages()
                    .iter()
                    .map(|page| {
                        format!("{:032x}", typst::utils::hash128(&(&m.stem, page, PREVIEW_SCALE.to_bits())))
                    })
                    .collect();
                Ok(DocPages {
                    stem: m.stem.clone(),
                    title: m.document.meta.title.clone(),
                    pages: fitted.pages,
                    keys,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        // The server is long-running: each preview made is one round of Typst's caches.
        render::world::forget_unused(render::world::ROUNDS_KEPT);
        let preview = Arc::new(Preview { key, docs });
        if let Ok(mut l) = self.latest.lock() {
            l.insert(slot, preview.clone());
        }
        Ok(preview)
    }

    /// The latest preview of a year, made if there is none yet.
    pub fn latest(&self, project: &Project, network: &str, year: i32) -> Result<Arc<Preview>> {
        let cached = self.latest.lock().ok().and_then(|l| l.get(&(network.to_string(), year)).cloned());
        match cached {
            Some(p) => Ok(p),
            None => self.current(project, network, year),
        }
    }

    /// Page `page` of document `doc` of the latest preview, as PNG, and its key.
    pub fn page(
        &self,
        project: &Project,
        network: &str,
        year: i32,
        doc: usize,
        page: usize,
    ) -> Result<Option<(String, Arc<Vec<u8>>)>> {
        let preview = self.latest(project, network, year)?;
        let Some(d) = preview.docs.get(doc) else { return Ok(None) };
        let (Some(p), Some(key)) = (d.pages.pages().get(page), d.keys.get(page)) else { return Ok(None) };
        if let Some(bytes) = self.pngs.lock().ok().and_then(|c| c.get(key).cloned()) {
            return Ok(Some((key.clone(), bytes)));
        }
        let bytes = Arc::new(png(p));
        if let Ok(mut c) = self.pngs.lock() {
            if c.len() >= PNG_CACHE {
                c.clear();
            }
            c.insert(key.clone(), bytes.clone());
        }
        Ok(Some((key.clone(), bytes)))
    }
}

/// The preview as the page's script reads it.
#[derive(Debug, Clone, Serialize)]
pub struct PreviewInfo {
    pub key: String,
    pub docs: Vec<PreviewDoc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreviewDoc {
    pub title: String,
    pub stem: String,
    /// Each page's key (the image's version).
    pub pages: Vec<String>,
}

impl Preview {
    pub fn info(&self) -> PreviewInfo {
        PreviewInfo {
            key: self.key.clone(),
            docs: self
                .docs
                .iter()
                .map(|d| PreviewDoc { title: d.title.clone(), stem: d.stem.clone(), pages: d.keys.clone() })
                .collect(),
        }
    }
}

/// The outcome of building one year from the page.
#[derive(Debug, Clone, Serialize)]
pub struct BuildOutcome {
    pub written: usize,
    pub unchanged: bool,
    pub changes: Vec<String>,
    pub warnings: Vec<DiagView>,
}

/// Builds one network's year exactly as `arsplan build --network <n> --year
/// <år> --notat` does.
pub fn build_year(project: &Project, network: &str, year: i32) -> Result<BuildOutcome> {
    let sel = Selection { networks: vec![network.to_string()], years: vec![year] };
    let built = project.build(&sel, &crate::BuildOptions::default().with_note())?;
    render::world::forget_unused(render::world::ROUNDS_KEPT);
    let paths = project.paths();
    Ok(BuildOutcome {
        written: built.written.iter().filter(|w| w.changed).count(),
        unchanged: !built.unchanged.is_empty(),
        changes: built.changes.iter().map(|c| c.text.clone()).collect(),
        warnings: built.warnings.iter().map(|d| DiagView::new(d, &paths, None)).collect(),
    })
}
