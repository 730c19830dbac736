//! The template context of a plan year: everything a template may read, in
//! the Norwegian names templates use (see `templates/README.md`).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::Datelike;
use minijinja::value::Value;
use serde::Serialize;

use super::env::{meeting_value, TextRenderer};
use super::markdown;
use crate::diag::{Diagnostic, Location, Result, Sink};
use crate::doc::Meta;
use crate::model::*;
use crate::theme::Theme;

/// A serializable value as a template value.
pub fn ser<T: Serialize>(x: &T) -> Value {
    Value::from(minijinja::value::Serde(x))
}

/// Text for document properties: one line, no control characters.
/// The names a network's documents use (the network, its trust, its groups),
/// whose capitals a title set in capitals keeps.
pub fn names(p: &Profile) -> Vec<&str> {
    let mut v = vec![p.name.as_str(), p.trust.as_str()];
    v.extend(p.groups.iter().map(String::as_str));
    v
}

pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A document's title as its properties carry it (the PDF's Title, Word's
/// title): one line, a title set in capitals in ordinary case (names keep
/// the capitals `names` give them), and after its subtitle when it has one
/// («Strategi 2025-2029 – Nettverk i …»).
pub fn document_title(title: &str, subtitle: Option<&str>, names: &[&str]) -> String {
    let title = one_line(title);
    let letters: Vec<char> = title.chars().filter(|c| c.is_alphabetic()).collect();
    let shouting = letters.len() > 3 && letters.iter().all(|c| c.is_uppercase());
    let title = if shouting {
        let known: Vec<&str> = names.iter().flat_map(|n| n.split_whitespace()).collect();
        let words: Vec<String> = title
            .split(' ')
            .enumerate()
            .map(|(i, w)| {
                let lower = w.to_lowercase();
                let named = known.iter().find(|k| k.to_lowercase() == lower);
                match named {
                    Some(k) => k.to_string(),
                    None if i == 0 => {
                        let mut c = lower.chars();
                        c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
                    }
                    None => lower,
                }
            })
            .collect();
        words.join(" ")
    } else {
        title
    };
    match subtitle.map(one_line).filter(|s| !s.is_empty() && !title.contains(s.as_str())) {
        Some(sub) => format!("{sub} – {title}"),
        None => title,
    }
}

#[derive(Serialize)]
struct Activity {
    #[serde(rename = "tekst")]
    text: String,
    #[serde(rename = "underpunkter")]
    sub_items: Vec<String>,
    status: String,
    #[serde(rename = "kommentar")]
    comment: String,
    /// The row's columns of the network's own.
    #[serde(rename = "ekstra")]
    extra: std::collections::BTreeMap<String, String>,
}

#[derive(Serialize)]
struct Item {
    #[serde(rename = "type")]
    kind: &'static str,
    nr: usize,
    #[serde(rename = "tekst")]
    text: String,
    #[serde(rename = "gjelder")]
    applies_to: String,
    #[serde(rename = "aktiviteter")]
    activities: Vec<Activity>,
    #[serde(rename = "ansvar")]
    responsible: Vec<String>,
    #[serde(rename = "frist")]
    deadline: String,
    #[serde(rename = "innsatsomrader")]
    focus_ids: Vec<String>,
    status: String,
    #[serde(rename = "kommentar")]
    comment: String,
    #[serde(rename = "ekstra")]
    extra: std::collections::BTreeMap<String, String>,
}

impl Item {
    fn simple(kind: &'static str, text: String) -> Item {
        Item {
            kind,
            nr: 0,
            text,
            applies_to: String::new(),
            activities: vec![],
            responsible: vec![],
            deadline: String::new(),
            focus_ids: vec![],
            status: String::new(),
            comment: String::new(),
            extra: Default::default(),
        }
    }
}

#[derive(Serialize)]
struct Focus {
    /// `<area>.<n>`, as plans refer to it.
    id: String,
    #[serde(rename = "tekst")]
    text: String,
}

#[derive(Serialize)]
struct Area {
    nr: usize,
    #[serde(rename = "navn")]
    name: String,
    #[serde(rename = "mal")]
    goals: Vec<String>,
    #[serde(rename = "innhold")]
    items: Vec<Item>,
    #[serde(rename = "innsatsomrader")]
    focus: Vec<Focus>,
}

/// The problems of the outline's shape (an activity not under a sub-goal,
/// a goal before the first area, …) as building the documents would find
/// them: the year page shows them as soon as the plan is saved.
pub fn outline_problems(py: &PlanYear, texts: &TextRenderer) -> Vec<crate::diag::Diagnostic> {
    let mut sink = Sink::default();
    outline(py, texts, &mut sink);
    sink.items
}

/// Turns the outline rows into areas with goals, sub-goals and activities;
/// texts and blocks before the first area come first.
fn outline(py: &PlanYear, texts: &TextRenderer, sink: &mut Sink) -> (Vec<Item>, Vec<Area>) {
    let mut before: Vec<Item> = Vec::new();
    let mut areas: Vec<Area> = Vec::new();
    let render = |t: &str, loc: &Location, sink: &mut Sink| {
        texts.render(t, loc).unwrap_or_else(|e| {
            sink.extend(e);
            String::new()
        })
    };
    for n in numbered(&py.outline) {
        let row = n.row;
        let text = render(&row.text, &row.loc, sink);
        let before_first = |what: &str, sink: &mut Sink| {
            sink.error(
                row.loc.clone(),
                format!("{what} står før første område"),
                "planen må begynne med en rad med nivå «område»",
            )
        };
        match row.level {
            Level::Area => {
                areas.push(Area { nr: n.nr, name: text, goals: vec![], items: vec![], focus: vec![] })
            }
            Level::FocusArea => match areas.last_mut() {
                Some(a) => a.focus.push(Focus { id: format!("{}.{}", n.area, n.nr), text }),
                None => before_first("innsatsområde", sink),
            },
            Level::Goal => match areas.last_mut() {
                Some(a) => a.goals.push(text),
                None => before_first("mål", sink),
            },
            Level::SubGoal => {
                let comment = render(&row.comment, &row.loc, sink);
                match areas.last_mut() {
                    Some(a) => a.items.push(Item {
                        kind: "delmal",
                        nr: n.nr,
                        text,
                        applies_to: row.applies_to.map(|g| g.as_str()).unwrap_or("").to_string(),
                        activities: vec![],
                        responsible: row.responsible.clone(),
                        deadline: row.deadline.clone(),
                        focus_ids: row.focus_ids.clone(),
                        status: row.status.map(|s| s.as_str()).unwrap_or("").to_string(),
                        comment,
                        extra: row.extra.clone(),
                    }),
                    None => before_first("delmål", sink),
                }
            }
            Level::Activity | Level::SubItem => {
                let comment = render(&row.comment, &row.loc, sink);
                let target = areas.last_mut().and_then(|a| a.items.last_mut()).filter(|i| i.kind == "delmal");
                match (row.level, target) {
                    (Level::Activity, Some(d)) => d.activities.push(Activity {
                        text,
                        sub_items: vec![],
                        status: row.status.map(|s| s.as_str()).unwrap_or("").to_string(),
                        comment,
                        extra: row.extra.clone(),
                    }),
                    (Level::SubItem, Some(d)) if !d.activities.is_empty() => {
                        if let Some(a) = d.activities.last_mut() {
                            a.sub_items.push(text)
                        }
                    }
                    (Level::SubItem, _) => sink.error(
                        row.loc.clone(),
                        format!("underpunktet «{}» står ikke under en aktivitet", crate::history::cut(&text)),
                        "sett en rad med nivå «aktivitet» foran underpunktet",
                    ),
                    _ => sink.error(
                        row.loc.clone(),
                        format!("aktiviteten «{}» står ikke under et delmål", crate::history::cut(&text)),
                        "sett en rad med nivå «delmål» foran aktiviteten",
                    ),
                }
            }
            Level::Text | Level::Block => {
                let kind = if row.level == Level::Text { "tekst" } else { "blokk" };
                match areas.last_mut() {
                    Some(a) => a.items.push(Item::simple(kind, text)),
                    None => before.push(Item::simple(kind, text)),
                }
            }
        }
    }
    (before, areas)
}

#[derive(Serialize)]
struct Group {
    #[serde(rename = "navn")]
    name: String,
    #[serde(rename = "moter")]
    meetings: Vec<Value>,
    /// The first half of the year.
    #[serde(rename = "vår")]
    spring: Vec<Value>,
    /// The second half of the year.
    #[serde(rename = "høst")]
    autumn: Vec<Value>,
    /// The meetings under each of the table's columns (`gruppeperioder`).
    #[serde(rename = "perioder")]
    by_period: Vec<Vec<Value>>,
}

/// The columns of the local groups' table when the meetings name them
/// (`Periode`: «Vår», «Høst»): each period once, in the order of its first
/// meeting; none unless every group meeting has one.
fn group_periods(py: &PlanYear) -> Vec<String> {
    let own: Vec<&Meeting> = py.meetings.iter().filter(|m| m.group.is_some()).collect();
    if own.is_empty() || own.iter().any(|m| m.period.trim().is_empty()) {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for m in own {
        let p = m.period.trim().to_string();
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// The strategy as templates see it, with what this plan covers.
fn strategy_value(py: &PlanYear, s: &Strategy) -> Value {
    let cov = Coverage::compute(py, s);
    let served = |id: &str| {
        cov.items.iter().find(|(i, _, _)| i == id).map(|(_, _, by)| by.clone()).unwrap_or_default()
    };
    let omrader: Vec<Value> = s
        .areas
        .iter()
        .map(|a| {
            let focus: Vec<Value> = a
                .focus
                .iter()
                .map(|(id, text)| {
                    let by = served(id);
                    minijinja::context! { id => id.clone(), tekst => text.clone(), dekket => !by.is_empty(), delmal => by }
                })
                .collect();
            minijinja::context! { nr => a.nr, navn => a.name.clone(), innsatsomrader => focus }
        })
        .collect();
    minijinja::context! {
        navn => s.title.clone(),
        periode => s.period.clone(),
        omrader => omrader,
        dekket => cov.served(),
        totalt => s.len(),
    }
}

/// Builds the template context of a plan year and its document metadata.
/// Prose files are checked as Markdown here, once, so an error names the file.
pub fn build(
    py: &PlanYear,
    theme: &Arc<Theme>,
    texts: &TextRenderer,
    strategy: Option<&Strategy>,
) -> Result<(Value, Meta)> {
    let mut sink = Sink::default();
    let toml_loc = Location::file(&py.data_dir.join("nettverk.toml"));
    let plan_loc = Location::file(&py.year_dir.join("plan.toml"));
    let mut r = |t: &str, loc: &Location| -> String {
        texts.render(t, loc).unwrap_or_else(|e| {
            sink.extend(e);
            String::new()
        })
    };
    let p = &py.profile;
    let nettverk = minijinja::context! {
        navn => r(&p.name, &toml_loc),
        helseforetak => p.trust.clone(),
        nettverk => p.networks.clone(),
        grupper => p.groups.clone(),
        forside => p.cover.iter().map(|s| r(s, &toml_loc)).collect::<Vec<_>>(),
        motto => p.motto.iter().map(|s| r(s, &toml_loc)).collect::<Vec<_>>(),
        bygger_pa => match &py.meta.builds_on {
            Some(own) => own.iter().map(|s| r(s, &plan_loc)).collect::<Vec<_>>(),
            None => p.builds_on.iter().map(|s| r(s, &toml_loc)).collect::<Vec<_>>(),
        },
        malsetting => r(&p.aim, &toml_loc),
        kjennetegn => r(&p.hallmarks, &toml_loc),
    };
    let m = &py.meta;
    let title = r(&m.title, &plan_loc);
    let subtitle = m.subtitle.as_ref().map(|s| r(s, &plan_loc));
    let plan = minijinja::context! {
        tittel => title.clone(),
        dato => py.date.format("%Y-%m-%d").to_string(),
        innledning => m.intro.iter().map(|s| r(s, &plan_loc)).collect::<Vec<_>>(),
        signatur => m.signature.as_ref().map(|s| r(s, &plan_loc)),
        signatarer => m.signatories.iter().map(|s| r(s, &plan_loc)).collect::<Vec<_>>(),
        undertittel => subtitle.clone(),
        periode => py.period(),
        dokument => m.kind.clone(),
        navn => theme.words.document(&m.kind),
        navnet => theme.words.document_definite(&m.kind),
        fokusomrader => m.focus_areas.iter().map(|s| r(s, &plan_loc)).collect::<Vec<_>>(),
    };
    // Prose the leader writes in Markdown: inserted as markup, not escaped.
    let mut prose_errors = Vec::new();
    let tekster: BTreeMap<String, Value> = py
        .texts
        .iter()
        .map(|t| {
            let text = r(&t.text, &Location::file(&t.path));
            if let Err(m) = markdown::parse_prose(&text) {
                prose_errors.push(
                    Diagnostic::error(Some(Location::file(&t.path)), format!("teksten kan ikke leses: {m}")).hint(
                        "bruk vanlig Markdown: avsnitt, punktlister, **fet**, *kursiv* og [lenker](https://…)",
                    ),
                );
            }
            (t.name.clone(), Value::from_safe_string(text))
        })
        .collect();
    // Any other table: a list of rows, each a map from column header to text.
    let mut tabeller: BTreeMap<String, Vec<BTreeMap<String, String>>> = BTreeMap::new();
    for (name, table) in &py.tables {
        let shown = table.display_path();
        let rows = table
            .rows
            .iter()
            .map(|row| {
                table
                    .headers
                    .iter()
                    .enumerate()
                    .filter(|(_, h)| !h.is_empty())
                    .map(|(i, h)| {
                        let cell = row.cells.get(i).map(String::as_str).unwrap_or("");
                        (h.clone(), r(cell, &Location::cell(&shown, row.number, i, h)))
                    })
                    .collect()
            })
            .collect();
        tabeller.insert(name.clone(), rows);
    }
    let (innledende, omrader) = outline(py, texts, &mut sink);
    let moter: Vec<Value> = py.meetings.iter().map(|m| meeting_value(theme, m)).collect();
    let by_id: BTreeMap<String, Value> =
        py.meetings.iter().map(|m| (m.id.clone(), meeting_value(theme, m))).collect();
    let periods = group_periods(py);
    let grupper: Vec<Group> = p
        .groups
        .iter()
        .map(|g| {
            let own: Vec<&Meeting> = py.meetings.iter().filter(|m| m.group.as_deref() == Some(g)).collect();
            let vals = |f: &dyn Fn(&Meeting) -> bool| {
                own.iter().filter(|m| f(m)).map(|m| meeting_value(theme, m)).collect::<Vec<_>>()
            };
            Group {
                name: g.clone(),
                meetings: vals(&|_| true),
                spring: vals(&|m| m.date.month() <= 6),
                autumn: vals(&|m| m.date.month() > 6),
                by_period: periods.iter().map(|p| vals(&|m| m.period.trim() == p)).collect(),
            }
        })
        .collect();
    // The logo's name as the document knows it: `logo.svg` or `logo.png`.
    let file =
        py.logo.as_deref().map(std::path::Path::new).or(theme.logo.as_deref().map(std::path::Path::new));
    let logo = file.map(|f| {
        if f.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg")) {
            "logo.svg"
        } else {
            "logo.png"
        }
    });
    let context = minijinja::context! {
        år => py.year,
        nettverk => nettverk,
        plan => plan,
        innledende => ser(&innledende),
        omrader => ser(&omrader),
        moter => moter,
        mote => by_id,
        grupper => ser(&grupper),
        gruppeperioder => periods,
        logo => logo,
        stil => minijinja::context! { navn => theme.name.clone(), ekstra => ser(&theme.extra), arshjul => ser(&theme.wheel) },
        ord => ser(&theme.words),
        tekster => tekster,
        tabeller => tabeller,
        strategi => strategy.map(|s| strategy_value(py, s)),
    };
    prose_errors.into_iter().for_each(|d| sink.push(d));
    sink.finish()?;
    let meta = Meta {
        title: document_title(&title, subtitle.as_deref(), &names(p)),
        author: one_line(&p.author.clone().unwrap_or_else(|| p.trust.clone())),
        subject: one_line(&p.name),
        keywords: vec![m.kind.clone(), py.period(), p.trust.clone()],
        lang: "nb-NO".into(),
        date: py.date,
        revised_by: None,
    };
    Ok((context, meta))
}
