//! The year page's editing beyond a meeting's cells: a meeting added or
//! deleted, the plan's outline edited as a tree, the history of every save
//! with «Angre» on each entry, and the files' fingerprints the page polls
//! to notice an edit made in another window or in Excel. What they change
//! is done by [`crate::edit`] and recorded by [`crate::history`]; this is
//! the HTTP side and what the page shows of them.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::State as Shared;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use minijinja::context;
use serde::Serialize;

use super::extract::{Form, Path, Query};
use super::pages::{page, v};
use super::routes::{blocking, diags, posted_to_a_year, unknown_year};
use super::site::{self, DiagView};
use super::{Flash, FlashKind, State};
use crate::build::Paths;
use crate::diag::Diagnostic;
use crate::edit::{self, outline, Refused};
use crate::history::{self, Change, Said, Scope};
use crate::manifest;
use crate::model::{AppliesTo, Level, MeetingKind, Named, Status};
use crate::project::Project;

type S = Shared<Arc<State>>;
type Posted = BTreeMap<String, String>;

pub fn routes() -> Router<Arc<State>> {
    Router::new()
        .route("/aar/{network}/{year}/mote/ny", post(add_meeting))
        .route("/aar/{network}/{year}/mote/slett", post(delete_meeting))
        .route("/aar/{network}/{year}/plan", post(edit_outline))
        .route("/aar/{network}/{year}/plan/slett", get(confirm_delete_item))
        .route("/aar/{network}/{year}/plan/punkt", get(item_forms))
        .route("/aar/{network}/{year}/angre", post(undo))
        .route("/aar/{network}/{year}/filer.json", get(fingerprints))
}

/// Where a year's meetings appear, in words: the calendar always, the
/// årshjul and a meeting table where the plan has their blocks.
pub fn meeting_places(project: &crate::Project, network: &str, year: i32) -> String {
    let blocks: Vec<String> = project
        .prepare(network, year)
        .map(|p| {
            p.year
                .outline
                .iter()
                .filter(|r| r.level == Level::Block)
                .map(|r| r.text.trim().to_string())
                .collect()
        })
        .unwrap_or_default();
    let table =
        blocks.iter().any(|b| matches!(b.as_str(), "nettverksgrupper" | "moteplan" | "fysio_ergo_moter"));
    let wheel = blocks.iter().any(|b| b == "arshjul");
    let mut out = String::from("Møtet kommer med i kalenderfilen som sendes med planen");
    if wheel {
        out.push_str(" og i årshjulet");
    }
    if table {
        out.push_str(", og i møtetabellen i årsplanen.");
    } else {
        out.push_str(
            ". Årsplanen har ingen møtetabell, så i selve planen står møtet bare der en tekst viser til det.",
        );
    }
    out
}

/// Records a meeting cell's edit in the year's history; a warning when the
/// history could not be written (the edit itself is saved).
pub fn record_cell(project: &Project, network: &str, year: i32, e: &edit::Edited) -> Option<Diagnostic> {
    let column = e.before.headers.get(e.col).cloned().unwrap_or_default();
    let number = e.row;
    let what = format!("{}: {column} endret", edit::meetings::named(&e.before.headers, &e.row_after));
    let change = Change::Cells {
        row: number,
        cells: vec![history::CellChange { col: e.col, column, old: e.old.clone(), new: e.value.clone() }],
        after: e.row_after.clone(),
    };
    history::record_table(
        project,
        network,
        Scope::Year(year),
        &e.before,
        change,
        Said { what: &what, old: &e.old, new: &e.value },
    )
    .err()
    .map(|err| Diagnostic::warning(None, format!("endringen er lagret, men ikke ført i historikken: {err}")))
}

/// An entry of the history as the page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryView {
    pub nr: u32,
    /// `aar` or `nettverk`.
    pub scope: &'static str,
    pub when: String,
    pub what: String,
    pub file: String,
    pub old: String,
    pub new: String,
    pub undone_by: Option<u32>,
    pub undoes: Option<u32>,
}

/// A field of the new-meeting form.
#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    pub name: String,
    /// `dato`, `tid`, `valg` or `tekst`.
    pub kind: &'static str,
    pub options: Vec<String>,
    pub required: bool,
}

/// One innsatsområde of the strategy, with the sub-goals that serve it.
#[derive(Debug, Clone, Serialize)]
pub struct FocusView {
    pub id: String,
    pub text: String,
    pub by: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FocusGroup {
    pub area: String,
    pub items: Vec<FocusView>,
}

/// A row of the outline as the editor shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    pub row: usize,
    /// The item's fingerprint (its cells): a delete asked about it must find
    /// the same item at its row, not whatever stands there now.
    pub key: String,
    pub depth: usize,
    pub label: String,
    pub level: String,
    /// The columns' values by name (Tekst, Gjelder, …), as in the file.
    pub cells: BTreeMap<String, String>,
    /// The text as the documents show it (its `{{ fagdag }}` filled in).
    pub shown: String,
    pub focus: Vec<String>,
    pub up: bool,
    pub down: bool,
    /// Where it can be moved: (row, label) of the items above its level.
    pub parents: Vec<(usize, String)>,
    /// The row of the item it stands under now (preselected in «Flytt til»).
    pub parent: Option<usize>,
    /// The errors and warnings building the documents would report at this item.
    pub problems: Vec<DiagView>,
}

/// The outline editor.
#[derive(Debug, Clone, Serialize)]
pub struct OutlineEdit {
    pub file: String,
    pub sha256: String,
    /// The plan's columns the form fills (those the file has).
    pub columns: Vec<String>,
    pub items: Vec<ItemView>,
    pub levels: Vec<String>,
    pub applies: Vec<String>,
    pub statuses: Vec<String>,
    /// The strategy's innsatsområder by area (empty: the network follows none).
    pub focus: Vec<FocusGroup>,
    pub served: usize,
    pub total: usize,
    pub strategy: String,
}

/// What the year page shows besides [`site::YearView`].
#[derive(Debug, Clone, Serialize, Default)]
pub struct Extras {
    pub history: Vec<HistoryView>,
    pub outline: Option<OutlineEdit>,
    pub meeting_fields: Vec<FieldView>,
    pub meetings_sha: Option<String>,
}

/// The year's history and the network's, newest first.
pub fn history_view(project: &Project, network: &str, year: i32) -> Vec<HistoryView> {
    let mut all = history::list(project, network, Scope::Year(year));
    all.extend(history::list(project, network, Scope::Network));
    all.sort_by(|a, b| b.when.cmp(&a.when).then(b.nr.cmp(&a.nr)));
    all.into_iter()
        .take(100)
        .map(|e| HistoryView {
            nr: e.nr,
            scope: e.scope.word(),
            when: e.when_text(),
            what: history::said(&e),
            file: e.file.clone(),
            old: e.old.clone(),
            new: e.new.clone(),
            undone_by: e.undone_by,
            undoes: e.undoes,
        })
        .collect()
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// Whether an item of rank `parent` is where one of rank `child` can be
/// moved to: an activity under a sub-goal, a sub-goal under a goal or an
/// area, a goal under an area.
fn parent_of(parent: usize, child: usize) -> bool {
    match child {
        0 => false,
        1 => parent == 0,
        2 => parent < 2,
        c => parent + 1 == c,
    }
}

/// The outline editor's view of a year's plan table.
pub fn outline_edit(project: &Project, network: &str, year: i32) -> Option<OutlineEdit> {
    let t = outline::plan_table(project, network, year).ok()?;
    let bytes = std::fs::read(&t.path).ok()?;
    let prepared = project.prepare(network, year).ok();
    let words = prepared.as_ref().map(|p| p.theme.words.clone());
    let word = |l: Option<Level>| -> String {
        match (l, &words) {
            (Some(Level::Area), Some(w)) => w.omrade.clone(),
            (Some(Level::Goal), Some(w)) => w.mal.clone(),
            (Some(Level::SubGoal), Some(w)) => w.delmal.clone(),
            (Some(Level::Activity), Some(w)) => w.aktivitet.clone(),
            (Some(l), _) => l.as_str().to_string(),
            (None, _) => "rad".into(),
        }
    };
    let col = |name: &str| t.headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let columns: Vec<String> =
        outline::FIELDS.iter().filter(|f| col(f).is_some()).map(|f| f.to_string()).collect();
    let items = outline::items(&t);
    // Numbered as the documents number them: areas, and within an area each level.
    let mut area = 0;
    let mut counts: Vec<(Option<Level>, usize)> = Vec::new();
    let labels: Vec<String> = items
        .iter()
        .map(|it| {
            if it.level == Some(Level::Area) {
                area += 1;
                counts.clear();
                return format!("{} {area}", word(it.level));
            }
            let n = match counts.iter_mut().find(|(l, _)| *l == it.level) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    counts.push((it.level, 1));
                    1
                }
            };
            match it.level {
                Some(Level::SubGoal) => format!("{} {n}", word(it.level)),
                Some(Level::FocusArea) => format!("{} {area}.{n}", word(it.level)),
                _ => word(it.level),
            }
        })
        .collect();
    let focus_col = col("Innsatsområder");
    let text_col = col("Tekst");
    let renderer = prepared
        .as_ref()
        .map(|p| crate::compose::env::TextRenderer::new(&p.theme, p.year.year, &p.year.meetings));
    let paths = Paths::new(project);
    // The outline's rows are the plan table's (its path may be said from the project's folder).
    let same_file = |f: &std::path::Path| f.file_name() == t.path.file_name();
    let problems: Vec<Diagnostic> = match (&prepared, &renderer) {
        (Some(p), Some(r)) => crate::compose::outline_problems(&p.year, r)
            .into_iter()
            .filter(|d| d.location.as_ref().is_some_and(|l| l.row.is_some() && same_file(&l.file)))
            .collect(),
        _ => Vec::new(),
    };
    let views = items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let r = it.rank();
            let prev_sibling =
                items[..i].iter().rposition(|x| x.rank() <= r).is_some_and(|p| items[p].rank() == r);
            let n = outline::block(&items, i);
            let next_sibling = items.get(i + n).is_some_and(|x| x.rank() == r);
            let parents = items
                .iter()
                .enumerate()
                .filter(|(j, x)| parent_of(x.rank(), r) && !(i..i + n).contains(j))
                .map(|(j, x)| {
                    let text = text_col.and_then(|c| x.cells.get(c)).cloned().unwrap_or_default();
                    let text: String = if text.chars().count() > 60 {
                        format!("{} …", text.chars().take(58).collect::<String>())
                    } else {
                        text
                    };
                    (x.row, format!("{}: {text}", capital(&labels[j])))
                })
                .collect();
            let parent = items[..i]
                .iter()
                .rev()
                .find(|x| x.rank() < r)
                .filter(|x| parent_of(x.rank(), r))
                .map(|x| x.row);
            let raw = text_col.and_then(|c| it.cells.get(c)).cloned().unwrap_or_default();
            let shown = match (&renderer, text_col) {
                (Some(r), Some(c)) => {
                    r.render(&raw, &crate::diag::Location::cell(&t.path, it.row, c, "Tekst")).unwrap_or(raw)
                }
                _ => raw,
            };
            ItemView {
                row: it.row,
                key: fingerprint(&it.cells),
                shown,
                depth: r,
                label: capital(&labels[i]),
                level: it.level.map(|l| l.as_str().to_string()).unwrap_or_default(),
                cells: columns
                    .iter()
                    .filter_map(|c| col(c).map(|i| (c.clone(), it.cells.get(i).cloned().unwrap_or_default())))
                    .collect(),
                focus: focus_col
                    .and_then(|c| it.cells.get(c))
                    .map(|s| s.split([',', ' ']).filter(|x| !x.is_empty()).map(str::to_string).collect())
                    .unwrap_or_default(),
                up: prev_sibling,
                down: next_sibling,
                parents,
                parent,
                problems: problems
                    .iter()
                    .filter(|d| d.location.as_ref().and_then(|l| l.row) == Some(it.row))
                    .map(|d| DiagView::new(d, &paths, None))
                    .collect(),
            }
        })
        .collect();
    let (focus, served, total, strategy) =
        match prepared.as_ref().and_then(|p| p.strategy.as_ref().map(|s| (p, s))) {
            Some((p, s)) => {
                let cov = crate::model::Coverage::compute(&p.year, s);
                let groups = s
                    .areas
                    .iter()
                    .map(|a| FocusGroup {
                        area: format!("{}. {}", a.nr, a.name),
                        items: a
                            .focus
                            .iter()
                            .map(|(id, text)| FocusView {
                                id: id.clone(),
                                text: text.clone(),
                                by: cov
                                    .items
                                    .iter()
                                    .find(|(i, _, _)| i == id)
                                    .map(|x| x.2.clone())
                                    .unwrap_or_default(),
                            })
                            .collect(),
                    })
                    .collect();
                (groups, cov.served(), cov.items.len(), s.title.clone())
            }
            None => (Vec::new(), 0, 0, String::new()),
        };
    Some(OutlineEdit {
        file: Paths::new(project).show(&t.path),
        sha256: manifest::sha256(&bytes),
        columns,
        items: views,
        levels: ["område", "mål", "delmål", "aktivitet", "underpunkt", "tekst"].map(String::from).to_vec(),
        applies: AppliesTo::ALL.iter().map(|(w, _)| w.to_string()).collect(),
        statuses: Status::ALL.iter().map(|(w, _)| w.to_string()).collect(),
        focus,
        served,
        total,
        strategy,
    })
}

/// A plan item's fingerprint: a short hash of its cells.
pub fn fingerprint(cells: &[String]) -> String {
    let mut cells: Vec<&str> = cells.iter().map(|c| c.trim()).collect();
    while cells.last().is_some_and(|c| c.is_empty()) {
        cells.pop();
    }
    manifest::sha256(cells.join("\u{1f}").as_bytes())[..16].to_string()
}

/// What a delete of the item at `row` would take, if that row still holds
/// the item with fingerprint `key` (any item when `key` is empty): its text
/// and how many sub-items.
fn item_to_delete(
    project: &Project,
    network: &str,
    year: i32,
    row: usize,
    key: &str,
) -> Option<(String, usize)> {
    let t = outline::plan_table(project, network, year).ok()?;
    let items = outline::items(&t);
    let i = items.iter().position(|x| x.row == row)?;
    if !key.is_empty() && fingerprint(&items[i].cells) != key {
        return None;
    }
    let text = t
        .headers
        .iter()
        .position(|h| h.eq_ignore_ascii_case("Tekst"))
        .and_then(|c| items[i].cells.get(c))
        .cloned()
        .unwrap_or_default();
    Some((text, outline::block(&items, i) - 1))
}

const GONE: &str = "Punktet du ville slette, står ikke lenger på denne plassen i planen (det er kanskje alt slettet, eller planen er endret etterpå). Ingenting er slettet.";

#[derive(Debug, serde::Deserialize)]
struct DeleteQuery {
    rad: usize,
    #[serde(default)]
    punkt: String,
    #[serde(default)]
    sha: String,
}

/// The question before a plan item is deleted, as a page of its own (the
/// delete's first post redirects here, so Back and reload show it again
/// without resubmitting a form); it asks about the item the page showed,
/// found by its fingerprint, or says it is gone.
async fn confirm_delete_item(
    Shared(s): S,
    Path((network, year)): Path<(String, i32)>,
    Query(q): Query<DeleteQuery>,
) -> Response {
    if !site::known(&s.project, &network, year) {
        return unknown_year(&s, &network, year);
    }
    let st = s.clone();
    let (n, row, key) = (network.clone(), q.rad, q.punkt.clone());
    let described = blocking(move || item_to_delete(&st.project, &n, year, row, &key)).await.flatten();
    let question = match described {
        Some((text, 0)) => {
            format!("Slette «{}» fra planen? Du kan angre det i historikken etterpå.", history::cut(&text))
        }
        Some((text, under)) => format!(
            "Slette «{}» og {} fra planen? Du kan angre det i historikken etterpå.",
            history::cut(&text),
            crate::diag::count(under, "underpunkt", "underpunkter")
        ),
        None => {
            let back = format!("/aar/{network}/{year}#disposisjon");
            return page(
                &s,
                "confirm.html",
                context! { network, year, question => GONE, gone => true, back },
            );
        }
    };
    let fields: Posted = [
        ("handling".to_string(), "slett".to_string()),
        ("rad".to_string(), row.to_string()),
        ("punkt".to_string(), q.punkt),
        ("sha".to_string(), q.sha),
    ]
    .into_iter()
    .collect();
    confirm(&s, &network, year, "plan", &question, &fields, &format!("punkt-{row}"))
}

#[derive(Debug, serde::Deserialize)]
struct ItemQuery {
    rad: usize,
    #[serde(default)]
    punkt: String,
    /// `endre` (edit and move) or `legg_til` (add after); both when empty.
    #[serde(default)]
    del: String,
    /// `1`: the forms alone, for the page's script to put in place.
    #[serde(default)]
    bit: String,
}

const ITEM_CHANGED: &str =
    "Punktet står ikke lenger slik på denne plassen i planen (planen er endret etterpå). Last siden på nytt.";

/// The forms of one outline item: what «Endre eller flytt» and «Legg til
/// etter» open (the year page does not carry them for every item), as a
/// fragment for the page's script, or as a page of their own without it.
async fn item_forms(
    Shared(s): S,
    Path((network, year)): Path<(String, i32)>,
    Query(q): Query<ItemQuery>,
) -> Response {
    if !site::known(&s.project, &network, year) {
        return unknown_year(&s, &network, year);
    }
    let st = s.clone();
    let n = network.clone();
    let outline = blocking(move || outline_edit(&st.project, &n, year)).await.flatten();
    let base = format!("/aar/{network}/{year}");
    let item = outline.as_ref().and_then(|o| {
        o.items.iter().find(|it| it.row == q.rad && (q.punkt.is_empty() || it.key == q.punkt)).cloned()
    });
    let fragment = q.bit == "1";
    match (outline, item) {
        (Some(o), Some(it)) => {
            let name = if fragment { "year_item_part.html" } else { "year_item.html" };
            let mut r =
                page(&s, name, context! { network, year, base, o => v(&o), it => v(&it), part => q.del });
            r.headers_mut().insert(axum::http::header::CACHE_CONTROL, "no-store".parse().unwrap());
            r
        }
        _ if fragment => page(&s, "year_item_part.html", context! { gone => ITEM_CHANGED }),
        _ => super::pages::message(&s, StatusCode::NOT_FOUND, "Punktet finnes ikke", ITEM_CHANGED, vec![]),
    }
}

/// Everything the year page needs for its editing beyond the meeting cells.
pub fn extras(project: &Project, network: &str, year: i32) -> Extras {
    let meetings = edit::meetings_table(project, network, year).ok();
    let profile = project.profile(network).ok();
    let meeting_fields = meetings
        .as_ref()
        .map(|t| {
            edit::meetings::FIELDS
                .iter()
                .filter(|f| t.headers.iter().any(|h| h.eq_ignore_ascii_case(f)))
                .map(|f| {
                    let (kind, options): (&'static str, Vec<String>) = match *f {
                        "Dato" => ("dato", vec![]),
                        "Start" | "Slutt" => ("tid", vec![]),
                        "Type" => ("valg", MeetingKind::ALL.iter().map(|(w, _)| w.to_string()).collect()),
                        "Gjelder" => ("valg", AppliesTo::ALL.iter().map(|(w, _)| w.to_string()).collect()),
                        "Gruppe" => match profile.as_ref().filter(|p| !p.groups.is_empty()) {
                            Some(p) => ("valg", p.groups.clone()),
                            None => ("tekst", vec![]),
                        },
                        _ => ("tekst", vec![]),
                    };
                    FieldView { name: f.to_string(), kind, options, required: matches!(*f, "Dato" | "Type") }
                })
                .collect()
        })
        .unwrap_or_default();
    let meetings_sha = meetings.and_then(|t| std::fs::read(&t.path).ok()).map(|b| manifest::sha256(&b));
    Extras {
        history: history_view(project, network, year),
        outline: outline_edit(project, network, year),
        meeting_fields,
        meetings_sha,
    }
}

/// Back to the year page, the message at `place` (`moter`, `plan`, `historikk`).
fn back_to(s: &State, network: &str, year: i32, place: &str, anchor: &str, f: Flash) -> Response {
    let id = s.flash(f);
    let location = format!("/aar/{network}/{year}?melding={id}&ved={place}#{anchor}");
    (StatusCode::SEE_OTHER, [(axum::http::header::LOCATION, location)]).into_response()
}

/// A refusal as the page's message.
fn refused_flash(s: &State, r: Refused, what: &str) -> Flash {
    let paths = Paths::new(&s.project);
    match r {
        Refused::Stale(why) => Flash {
            kind: FlashKind::Error,
            text: format!("{why}. Siden er lastet på nytt."),
            details: vec![],
        },
        Refused::Invalid(ds) => Flash {
            kind: FlashKind::Error,
            text: format!("{what}: verdiene følger ikke reglene."),
            details: ds.iter().map(|d| DiagView::new(d, &paths, None)).collect(),
        },
        Refused::Failed(e) => {
            Flash { kind: FlashKind::Error, text: format!("{what}."), details: diags(s, &e) }
        }
    }
}

fn csrf_of(f: &Posted) -> &str {
    f.get("csrf").map(String::as_str).unwrap_or("")
}

async fn add_meeting(
    Shared(s): S,
    Path((network, year)): Path<(String, i32)>,
    Form(f): Form<Posted>,
) -> Response {
    if let Some(r) = posted_to_a_year(&s, csrf_of(&f), &network, year) {
        return r;
    }
    let st = s.clone();
    let (n, posted) = (network.clone(), f.clone());
    let done = blocking(move || {
        let _one = st.writing.lock();
        let sha = posted.get("sha").cloned().unwrap_or_default();
        let added = edit::meetings::add(&st.project, &n, year, &posted, &sha)?;
        let w = history::record_op(
            &st.project,
            &n,
            Scope::Year(year),
            &added.saved,
            &added.op,
            Said { what: &added.what, old: "", new: &added.values },
        )
        .err();
        let places = meeting_places(&st.project, &n, year);
        Ok::<_, Refused>((added, w, places))
    })
    .await;
    let flash = match done {
        Some(Ok((a, w, places))) => {
            let paths = Paths::new(&s.project);
            let mut details: Vec<DiagView> =
                a.warnings.iter().map(|d| DiagView::new(d, &paths, Some(a.row))).collect();
            details.extend(w.iter().map(|e| {
                DiagView::new(
                    &Diagnostic::warning(None, format!("ikke ført i historikken: {e}")),
                    &paths,
                    None,
                )
            }));
            Flash {
                kind: FlashKind::done(&details),
                text: format!(
                    "Lagret: nytt møte på rad {} i {}. {places} I tekstene kan du vise til datoen med navnet «{}» (velg det fra listen «Sett inn»).",
                    a.row,
                    a.saved.path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default(),
                    a.id,
                ),
                details,
            }
        }
        Some(Err(r)) => refused_flash(&s, r, "Møtet ble ikke lagt til"),
        None => Flash { kind: FlashKind::Error, text: "Ikke lagret: noe gikk galt.".into(), details: vec![] },
    };
    back_to(&s, &network, year, "moter", "moter", flash)
}

/// The page that asks before something is deleted: the form posted again
/// with `bekreft=ja`.
fn confirm(
    s: &State,
    network: &str,
    year: i32,
    action: &str,
    question: &str,
    f: &Posted,
    anchor: &str,
) -> Response {
    let fields: Vec<(String, String)> = f
        .iter()
        .filter(|(k, _)| *k != "csrf" && *k != "bekreft")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    page(
        s,
        "confirm.html",
        context! { network, year, action, question, fields => v(&fields), back => format!("/aar/{network}/{year}#{anchor}") },
    )
}

async fn delete_meeting(
    Shared(s): S,
    Path((network, year)): Path<(String, i32)>,
    Form(f): Form<Posted>,
) -> Response {
    if let Some(r) = posted_to_a_year(&s, csrf_of(&f), &network, year) {
        return r;
    }
    let Some(row) = f.get("rad").and_then(|r| r.parse::<usize>().ok()) else {
        return back_to(
            &s,
            &network,
            year,
            "moter",
            "moter",
            Flash { kind: FlashKind::Error, text: "Ingen rad er valgt.".into(), details: vec![] },
        );
    };
    if f.get("bekreft").map(String::as_str) != Some("ja") {
        let st = s.clone();
        let n = network.clone();
        let t = blocking(move || edit::meetings_table(&st.project, &n, year).ok()).await.flatten();
        let described = t
            .as_ref()
            .and_then(|t| {
                let r = t.rows.iter().find(|r| r.number == row)?;
                let get = |name: &str| {
                    t.headers
                        .iter()
                        .position(|h| h.eq_ignore_ascii_case(name))
                        .and_then(|i| r.cells.get(i))
                        .cloned()
                        .unwrap_or_default()
                };
                Some(format!("«{}» ({}, {})", get("ID"), get("Dato"), get("Tittel")))
            })
            .unwrap_or_else(|| format!("på rad {row}"));
        let question =
            format!("Slette møtet {described} fra møtetabellen? Du kan angre det i historikken etterpå.");
        return confirm(&s, &network, year, "mote/slett", &question, &f, &format!("rad-{row}"));
    }
    let st = s.clone();
    let (n, sha) = (network.clone(), f.get("sha").cloned().unwrap_or_default());
    let done = blocking(move || {
        let _one = st.writing.lock();
        let d = edit::meetings::delete(&st.project, &n, year, row, &sha)?;
        let w = history::record_op(
            &st.project,
            &n,
            Scope::Year(year),
            &d.saved,
            &d.op,
            Said { what: &d.what, old: &d.values, new: "" },
        )
        .err();
        Ok::<_, Refused>((d, w))
    })
    .await;
    let flash = match done {
        Some(Ok((d, w))) => Flash {
            kind: if w.is_some() { FlashKind::Warning } else { FlashKind::Ok },
            text: format!(
                "Møtet «{}» er slettet fra {}. Angre det under «Historikk» om det var feil.{}",
                d.id,
                d.saved.path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default(),
                w.map(|e| format!(" (Ikke ført i historikken: {e})")).unwrap_or_default()
            ),
            details: vec![],
        },
        Some(Err(r)) => refused_flash(&s, r, "Møtet ble ikke slettet"),
        None => {
            Flash { kind: FlashKind::Error, text: "Ikke slettet: noe gikk galt.".into(), details: vec![] }
        }
    };
    back_to(&s, &network, year, "moter", "moter", flash)
}

/// The outline's fields from a form: the columns by name, and the
/// innsatsområder from the boxes ticked (`innsats_1.2`).
fn fields_of(f: &Posted) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = outline::FIELDS
        .iter()
        .filter_map(|name| f.get(&format!("f_{name}")).map(|v| (name.to_string(), v.clone())))
        .collect();
    let ticked: Vec<String> =
        f.keys().filter_map(|k| k.strip_prefix("innsats_")).map(str::to_string).collect();
    if f.contains_key("innsats") || !ticked.is_empty() {
        let mut ids = ticked;
        if let Some(typed) = f.get("innsats") {
            ids.extend(typed.split([',', ' ']).filter(|x| !x.is_empty()).map(str::to_string));
        }
        ids.sort_by(|a, b| {
            let key = |s: &str| s.split('.').map(|p| p.parse::<u32>().unwrap_or(0)).collect::<Vec<_>>();
            key(a).cmp(&key(b))
        });
        ids.dedup();
        out.insert("Innsatsområder".into(), ids.join(", "));
    }
    out
}

async fn edit_outline(
    Shared(s): S,
    Path((network, year)): Path<(String, i32)>,
    Form(f): Form<Posted>,
) -> Response {
    if let Some(r) = posted_to_a_year(&s, csrf_of(&f), &network, year) {
        return r;
    }
    let row = f.get("rad").and_then(|r| r.parse::<usize>().ok());
    let kind = f.get("handling").cloned().unwrap_or_default();
    let action = match (kind.as_str(), row) {
        ("legg_til", after) => outline::Action::Add { after, fields: fields_of(&f) },
        ("endre", Some(row)) => outline::Action::Edit { row, fields: fields_of(&f) },
        ("opp", Some(row)) => outline::Action::Up { row },
        ("ned", Some(row)) => outline::Action::Down { row },
        ("flytt", Some(row)) => match f.get("til").and_then(|r| r.parse::<usize>().ok()) {
            Some(parent) => outline::Action::MoveTo { row, parent },
            None => {
                let flash = Flash {
                    kind: FlashKind::Error,
                    text: "Velg hvor punktet skal flyttes.".into(),
                    details: vec![],
                };
                return back_to(&s, &network, year, "plan", &format!("punkt-{row}"), flash);
            }
        },
        ("slett", Some(row)) => outline::Action::Delete { row },
        _ => {
            let flash =
                Flash { kind: FlashKind::Error, text: "Ukjent endring av planen.".into(), details: vec![] };
            return back_to(&s, &network, year, "plan", "disposisjon", flash);
        }
    };
    let key = f.get("punkt").cloned().unwrap_or_default();
    if let outline::Action::Delete { row } = &action {
        if f.get("bekreft").map(String::as_str) != Some("ja") {
            // Both are hex; anything else is dropped rather than put in the address.
            let enc = |v: &str| v.chars().filter(char::is_ascii_hexdigit).collect::<String>();
            let location = format!(
                "/aar/{network}/{year}/plan/slett?rad={row}&punkt={}&sha={}",
                enc(&key),
                enc(f.get("sha").map(String::as_str).unwrap_or(""))
            );
            return (StatusCode::SEE_OTHER, [(axum::http::header::LOCATION, location)]).into_response();
        }
    }
    let st = s.clone();
    let (n, sha) = (network.clone(), f.get("sha").cloned().unwrap_or_default());
    let done = blocking(move || {
        let _one = st.writing.lock();
        if let outline::Action::Delete { row } = &action {
            if item_to_delete(&st.project, &n, year, *row, &key).is_none() {
                return Err(Refused::Failed(crate::diag::Error::msg(GONE)));
            }
        }
        let d = outline::apply(&st.project, &n, year, &action, &sha)?;
        let w = history::record_op(
            &st.project,
            &n,
            Scope::Year(year),
            &d.saved,
            &d.op,
            Said { what: &d.what, old: &d.old, new: &d.new },
        )
        .err();
        Ok::<_, Refused>((d, w))
    })
    .await;
    let (flash, anchor) = match done {
        Some(Ok((d, w))) => (
            Flash {
                kind: if w.is_some() { FlashKind::Warning } else { FlashKind::Ok },
                text: format!(
                    "Lagret i {}: {}.{}",
                    d.saved.path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default(),
                    d.what,
                    w.map(|e| format!(" (Ikke ført i historikken: {e})")).unwrap_or_default()
                ),
                details: vec![],
            },
            d.row.map(|r| format!("punkt-{r}")).unwrap_or_else(|| "disposisjon".into()),
        ),
        Some(Err(r)) => (
            refused_flash(&s, r, "Planen ble ikke endret"),
            row.map(|r| format!("punkt-{r}")).unwrap_or_else(|| "disposisjon".into()),
        ),
        None => (
            Flash { kind: FlashKind::Error, text: "Ikke lagret: noe gikk galt.".into(), details: vec![] },
            "disposisjon".into(),
        ),
    };
    // The message stands at the item the page scrolls to.
    let place = if anchor.starts_with("punkt-") { anchor.clone() } else { "plan".to_string() };
    back_to(&s, &network, year, &place, &anchor, flash)
}

async fn undo(Shared(s): S, Path((network, year)): Path<(String, i32)>, Form(f): Form<Posted>) -> Response {
    if let Some(r) = posted_to_a_year(&s, csrf_of(&f), &network, year) {
        return r;
    }
    let nr = f.get("nr").and_then(|n| n.parse::<u32>().ok()).unwrap_or(0);
    let scope = match f.get("omfang").map(String::as_str) {
        Some("nettverk") => Scope::Network,
        _ => Scope::Year(year),
    };
    let st = s.clone();
    let n = network.clone();
    let done = blocking(move || {
        let _one = st.writing.lock();
        history::undo(&st.project, &n, scope, nr)
    })
    .await;
    let flash = match done {
        Some(Ok(u)) => Flash {
            kind: FlashKind::Ok,
            text: format!(
                "{} ({}). Angret du for mye, trykk «Angre» på den nye linjen øverst i historikken.",
                u.what,
                Paths::new(&s.project).show(&u.path)
            ),
            details: vec![],
        },
        Some(Err(r)) => refused_flash(&s, r, &format!("Endring nr. {nr} ble ikke angret")),
        None => Flash { kind: FlashKind::Error, text: "Ikke angret: noe gikk galt.".into(), details: vec![] },
    };
    back_to(&s, &network, year, "historikk", "historikk", flash)
}

/// The sha256 of the year's meetings and plan files: the page polls them
/// and reloads the part whose file changed (another tab, Excel).
async fn fingerprints(Shared(s): S, Path((network, year)): Path<(String, i32)>) -> Response {
    if !site::known(&s.project, &network, year) {
        return unknown_year(&s, &network, year);
    }
    let st = s.clone();
    super::watch::answer(move || {
        let sha = |t: crate::diag::Result<crate::load::table::Table>| {
            t.ok().and_then(|t| super::watch::file_sha(&t.path))
        };
        let history = history::list(&st.project, &network, Scope::Year(year)).first().map(|e| e.nr);
        serde_json::json!({
            "moter": sha(edit::meetings_table(&st.project, &network, year)),
            "plan": sha(outline::plan_table(&st.project, &network, year)),
            "historikk": history,
        })
    })
    .await
}
