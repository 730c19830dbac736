//! Stage 3, compose: render a document kind's minijinja template against the
//! records, then parse the resulting Markdown into a [`Document`].
//!
//! Text from data is escaped by the engine (a formatter), never by templates:
//! `{{ x }}` always prints x's characters. Text cells in the data are small
//! templates themselves, so `{{ fagdag }}` in an activity prints the date of the
//! meeting with id `fagdag` in the house style's text format.

pub mod markdown;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use minijinja::value::{Object, Value};
use minijinja::{Environment, ErrorKind, State, UndefinedBehavior};
use serde::Serialize;

use crate::dates;
use crate::diag::{Diagnostic, Error, Location, Result, Sink};
use crate::doc::{Document, Meta};
use crate::model::*;
use crate::theme::Theme;

/// Where templates are looked up: a network's own `maler/` first, then `templates/`.
#[derive(Debug, Clone)]
pub struct TemplateDirs(pub Vec<PathBuf>);

impl TemplateDirs {
    pub fn find(&self, name: &str) -> Option<PathBuf> {
        if name.split('/').any(|p| p == ".." || p.is_empty()) || name.starts_with('/') {
            return None;
        }
        self.0.iter().map(|d| d.join(name)).find(|p| p.is_file())
    }
}

/// A meeting as templates see it: prints as its date in the house style's
/// text format, and has the attributes `id`, `dato` (ISO), `type`, `gruppe`,
/// `gjelder`, `tittel`, `tema`, `sted`, `ukedag`, `uke`.
#[derive(Debug, Clone)]
pub struct MeetingValue {
    pub meeting: Meeting,
    pub text: String,
}

impl Object for MeetingValue {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let m = &self.meeting;
        Some(match key.as_str()? {
            "id" => Value::from(m.id.clone()),
            "dato" => Value::from(m.date.format("%Y-%m-%d").to_string()),
            "type" => Value::from(m.kind.as_str()),
            "gruppe" => Value::from(m.group.clone().unwrap_or_default()),
            "gjelder" => Value::from(m.gjelder.map(Gjelder::as_str).unwrap_or("")),
            "tittel" => Value::from(m.title.clone()),
            "tema" => Value::from(m.topic.clone()),
            "sted" => Value::from(m.place.clone()),
            "ukedag" => Value::from(dates::format(m.date, "dddd")),
            "uke" => Value::from(m.date.iso_week().week()),
            "maned" => Value::from(m.date.month()),
            _ => return None,
        })
    }

    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Text for document properties: one line, no control characters.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A serializable value as a template value.
fn ser<T: Serialize>(x: &T) -> Value {
    Value::from(minijinja::value::Serde(x))
}

/// The date of a template value: a meeting, or a date string.
fn value_date(v: &Value) -> Option<NaiveDate> {
    if let Some(m) = v.downcast_object_ref::<MeetingValue>() {
        return Some(m.meeting.date);
    }
    v.as_str().and_then(|s| dates::parse(s).ok())
}

/// Adds the filters every template (and every data text) may use.
fn add_filters(env: &mut Environment<'static>, theme: &Arc<Theme>) {
    // `url|lenke`: a link target from data, safe inside `[text](…)`.
    env.add_filter("lenke", |v: String| -> Value {
        let mut out = String::from("<");
        for c in v.trim().chars() {
            match c {
                c if c.is_control() || c.is_whitespace() => out.push_str("%20"),
                '<' => out.push_str("%3C"),
                '>' => out.push_str("%3E"),
                '\\' => out.push_str("%5C"),
                c => out.push(c),
            }
        }
        out.push('>');
        Value::from_safe_string(out)
    });
    // `text|del(marker)`: the parts of a text around a marker, keeping safe strings safe.
    env.add_filter("del", |v: Value, marker: String| -> Vec<Value> {
        let safe = v.is_safe();
        v.to_string()
            .split(marker.as_str())
            .map(|p| if safe { Value::from_safe_string(p.to_string()) } else { Value::from(p) })
            .collect()
    });
    let t = theme.clone();
    env.add_filter(
        "dato",
        move |v: Value, style: Option<String>| -> std::result::Result<String, minijinja::Error> {
            let date = value_date(&v).ok_or_else(|| {
                minijinja::Error::new(ErrorKind::InvalidOperation, format!("«{v}» er ingen dato eller møte"))
            })?;
            Ok(dates::format(date, t.date_pattern(style.as_deref().unwrap_or("tekst"))))
        },
    );
}

/// Renders one text cell from the data (a small template) to plain text.
pub struct TextRenderer {
    env: Environment<'static>,
    ctx: BTreeMap<String, Value>,
}

impl TextRenderer {
    pub fn new(theme: &Arc<Theme>, year: i32, meetings: &[Meeting]) -> Self {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        add_filters(&mut env, theme);
        let mut ctx = BTreeMap::new();
        ctx.insert("år".to_string(), Value::from(year));
        for m in meetings {
            ctx.insert(m.id.clone(), meeting_value(theme, m));
        }
        TextRenderer { env, ctx }
    }

    /// Renders `text`; an error points at `loc`.
    pub fn render(&self, text: &str, loc: &Location) -> Result<String> {
        if !text.contains("{{") && !text.contains("{%") {
            return Ok(text.to_string());
        }
        for name in referenced_names(text) {
            if !self.ctx.contains_key(&name) {
                let ids: Vec<&str> = self.ctx.keys().map(String::as_str).filter(|k| *k != "år").collect();
                return Err(Error::at(
                    loc.clone(),
                    format!(
                        "teksten viser til møtet «{name}», men møtetabellen har ingen møte med den id-en"
                    ),
                )
                .with_hint(format!(
                    "kjente møte-id-er: {}; eller bruk {{{{ år }}}} for planåret",
                    ids.join(", ")
                )));
            }
        }
        self.env.render_str(text, &self.ctx).map_err(|e| {
            Error::at(
                loc.clone(),
                format!("teksten kan ikke settes sammen: {}", e.detail().unwrap_or(&e.to_string())),
            )
            .with_hint("en henvisning skrives {{ møte-id }}, for eksempel {{ fagdag }}")
        })
    }
}

/// The names a small template refers to: the first identifier of each `{{ ... }}`.
pub fn referenced_names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        let after = &rest[i + 2..];
        let end = after.find("}}").unwrap_or(after.len());
        let expr = after[..end].trim_start();
        let ident: String = expr.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if !ident.is_empty() && !ident.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            out.push(ident);
        }
        rest = &after[end..];
    }
    out
}

fn meeting_value(theme: &Theme, m: &Meeting) -> Value {
    Value::from_object(MeetingValue {
        meeting: m.clone(),
        text: dates::format(m.date, theme.date_pattern("tekst")),
    })
}

#[derive(Serialize)]
struct Activity {
    tekst: String,
    underpunkter: Vec<String>,
    status: String,
    kommentar: String,
}

#[derive(Serialize)]
struct Item {
    #[serde(rename = "type")]
    kind: &'static str,
    nr: usize,
    tekst: String,
    gjelder: String,
    aktiviteter: Vec<Activity>,
    ansvar: Vec<String>,
    frist: String,
    innsatsomrader: Vec<String>,
    status: String,
    kommentar: String,
}

#[derive(Serialize)]
struct Focus {
    /// `<area>.<n>`, as plans refer to it.
    id: String,
    tekst: String,
}

#[derive(Serialize)]
struct Area {
    nr: usize,
    navn: String,
    mal: Vec<String>,
    innhold: Vec<Item>,
    innsatsomrader: Vec<Focus>,
}

/// Turns the outline rows into areas with goals, sub-goals and activities.
fn outline(py: &PlanYear, texts: &TextRenderer, sink: &mut Sink) -> (Vec<Item>, Vec<Area>) {
    let mut before: Vec<Item> = Vec::new();
    let mut areas: Vec<Area> = Vec::new();
    for row in &py.outline {
        let text = match texts.render(&row.text, &row.loc) {
            Ok(t) => t,
            Err(e) => {
                sink.extend(e);
                continue;
            }
        };
        let simple = |kind: &'static str, tekst: String| Item {
            kind,
            nr: 0,
            tekst,
            gjelder: String::new(),
            aktiviteter: vec![],
            ansvar: vec![],
            frist: String::new(),
            innsatsomrader: vec![],
            status: String::new(),
            kommentar: String::new(),
        };
        let needs = |what: &str, sink: &mut Sink| {
            sink.error(row.loc.clone(), format!("{what} står før første område")).hint =
                Some("planen må begynne med en rad med nivå «område»".into());
        };
        match row.level {
            Level::Omrade => areas.push(Area {
                nr: areas.len() + 1,
                navn: text,
                mal: vec![],
                innhold: vec![],
                innsatsomrader: vec![],
            }),
            Level::Innsatsomrade => match areas.last_mut() {
                Some(a) => {
                    let id = format!("{}.{}", a.nr, a.innsatsomrader.len() + 1);
                    a.innsatsomrader.push(Focus { id, tekst: text });
                }
                None => needs("innsatsområde", sink),
            },
            Level::Mal => match areas.last_mut() {
                Some(a) => a.mal.push(text),
                None => needs("mål", sink),
            },
            Level::Delmal => match areas.last_mut() {
                Some(a) => {
                    let nr = a.innhold.iter().filter(|i| i.kind == "delmal").count() + 1;
                    a.innhold.push(Item {
                        kind: "delmal",
                        nr,
                        tekst: text,
                        gjelder: row.gjelder.map(Gjelder::as_str).unwrap_or("").to_string(),
                        aktiviteter: vec![],
                        ansvar: row.ansvar.clone(),
                        frist: row.frist.clone(),
                        innsatsomrader: row.innsatsomrader.clone(),
                        status: row.status.map(Status::as_str).unwrap_or("").to_string(),
                        kommentar: texts.render(&row.kommentar, &row.loc).unwrap_or_else(|e| {
                            sink.extend(e);
                            String::new()
                        }),
                    });
                }
                None => needs("delmål", sink),
            },
            Level::Aktivitet | Level::Underpunkt => {
                let target =
                    areas.last_mut().and_then(|a| a.innhold.last_mut()).filter(|i| i.kind == "delmal");
                match (row.level, target) {
                    (Level::Aktivitet, Some(d)) => d.aktiviteter.push(Activity {
                        tekst: text,
                        underpunkter: vec![],
                        status: row.status.map(Status::as_str).unwrap_or("").to_string(),
                        kommentar: texts.render(&row.kommentar, &row.loc).unwrap_or_else(|e| {
                            sink.extend(e);
                            String::new()
                        }),
                    }),
                    (Level::Underpunkt, Some(d)) if !d.aktiviteter.is_empty() => {
                        if let Some(a) = d.aktiviteter.last_mut() {
                            a.underpunkter.push(text)
                        }
                    }
                    (Level::Underpunkt, _) => {
                        sink.error(row.loc.clone(), "underpunktet står ikke under en aktivitet").hint =
                            Some("sett en rad med nivå «aktivitet» foran underpunktet".into());
                    }
                    _ => {
                        sink.error(row.loc.clone(), "aktiviteten står ikke under et delmål").hint =
                            Some("sett en rad med nivå «delmål» foran aktiviteten".into());
                    }
                }
            }
            Level::Tekst | Level::Blokk => {
                let kind = if row.level == Level::Tekst { "tekst" } else { "blokk" };
                match areas.last_mut() {
                    Some(a) => a.innhold.push(simple(kind, text)),
                    None => before.push(simple(kind, text)),
                }
            }
        }
    }
    (before, areas)
}

#[derive(Serialize)]
struct Group {
    navn: String,
    moter: Vec<Value>,
    var: Vec<Value>,
    host: Vec<Value>,
}

/// Everything a template may read, and the document's metadata.
pub struct Composed {
    pub context: Value,
    pub meta: Meta,
}

/// Builds the template context of a plan year.
pub fn context(py: &PlanYear, theme: &Arc<Theme>, strategy: Option<&Strategy>) -> Result<Composed> {
    let mut sink = Sink::default();
    let texts = TextRenderer::new(theme, py.year, &py.meetings);
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
        navn => r(&p.navn, &toml_loc),
        helseforetak => p.helseforetak.clone(),
        nettverk => p.nettverk.clone(),
        grupper => p.grupper.clone(),
        forside => p.forside.iter().map(|s| r(s, &toml_loc)).collect::<Vec<_>>(),
        motto => p.motto.iter().map(|s| r(s, &toml_loc)).collect::<Vec<_>>(),
        bygger_pa => p.bygger_pa.iter().map(|s| r(s, &toml_loc)).collect::<Vec<_>>(),
        malsetting => r(&p.malsetting, &toml_loc),
        kjennetegn => r(&p.kjennetegn, &toml_loc),
    };
    let m = &py.meta;
    let title = r(&m.tittel, &plan_loc);
    let plan = minijinja::context! {
        tittel => title.clone(),
        dato => py.date.format("%Y-%m-%d").to_string(),
        innledning => m.innledning.iter().map(|s| r(s, &plan_loc)).collect::<Vec<_>>(),
        signatur => m.signatur.as_ref().map(|s| r(s, &plan_loc)),
        signatarer => m.signatarer.iter().map(|s| r(s, &plan_loc)).collect::<Vec<_>>(),
        undertittel => m.undertittel.as_ref().map(|s| r(s, &plan_loc)),
        periode => py.period(),
        dokument => m.dokument.clone(),
        fokusomrader => m.fokusomrader.iter().map(|s| r(s, &plan_loc)).collect::<Vec<_>>(),
    };
    // Prose the leader writes in Markdown: inserted as markup, not escaped.
    let mut text_errors = Vec::new();
    let tekster: BTreeMap<String, Value> = py
        .texts
        .iter()
        .map(|t| {
            let text = r(&t.text, &Location::file(&t.path));
            // The leader's Markdown is checked here, so an error names the file.
            if let Err(m) = markdown::parse(&text) {
                text_errors.push(Diagnostic::error(Some(Location::file(&t.path)), format!("teksten kan ikke leses: {m}"))
                    .hint("bruk vanlig Markdown: avsnitt, punktlister, **fet**, *kursiv* og [lenker](https://…)"));
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
    let (innledende, omrader) = outline(py, &texts, &mut sink);
    let mut meetings: Vec<&Meeting> = py.meetings.iter().collect();
    meetings.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    let moter: Vec<Value> = meetings.iter().map(|m| meeting_value(theme, m)).collect();
    let by_id: BTreeMap<String, Value> =
        meetings.iter().map(|m| (m.id.clone(), meeting_value(theme, m))).collect();
    let grupper: Vec<Group> = p
        .grupper
        .iter()
        .map(|g| {
            let own: Vec<&&Meeting> = meetings.iter().filter(|m| m.group.as_deref() == Some(g)).collect();
            let vals = |f: &dyn Fn(&Meeting) -> bool| {
                own.iter().filter(|m| f(m)).map(|m| meeting_value(theme, m)).collect::<Vec<_>>()
            };
            Group {
                navn: g.clone(),
                moter: vals(&|_| true),
                var: vals(&|m| m.date.month() <= 6),
                host: vals(&|m| m.date.month() > 6),
            }
        })
        .collect();
    let logo = if py.logo.is_some() || theme.logo.is_some() { Some("logo.png") } else { None };
    let context = minijinja::context! {
        år => py.year,
        nettverk => nettverk,
        plan => plan,
        innledende => ser(&innledende),
        omrader => ser(&omrader),
        moter => moter,
        mote => by_id,
        grupper => ser(&grupper),
        logo => logo,
        stil => minijinja::context! { navn => theme.navn.clone(), ekstra => ser(&theme.ekstra) },
        tekster => tekster,
        tabeller => tabeller,
        strategi => strategy.map(|s| strategy_value(py, s)),
    };
    text_errors.into_iter().for_each(|d| sink.push(d));
    sink.finish()?;
    let meta = Meta {
        title: one_line(&title),
        author: one_line(&p.forfatter.clone().unwrap_or_else(|| p.helseforetak.clone())),
        subject: one_line(&p.navn),
        keywords: vec![m.dokument.clone(), py.period(), p.helseforetak.clone()],
        lang: "nb-NO".into(),
        date: py.date,
    };
    Ok(Composed { context, meta })
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

/// Renders the document kind's template for a plan year and parses the result.
pub fn compose(
    py: &PlanYear,
    theme: &Arc<Theme>,
    dirs: &TemplateDirs,
    strategy: Option<&Strategy>,
) -> Result<Document> {
    check_blocks(py, theme, dirs)?;
    let composed = context(py, theme, strategy)?;
    let file = format!("{}.md.j2", py.meta.dokument);
    let markup = render_template(theme, dirs, &file, composed.context)?;
    let blocks = markdown::parse(&markup.1)
        .map_err(|m| Error::at(Location::file(&markup.0), format!("malen gir ugyldig markering: {m}")))?;
    Ok(Document { meta: composed.meta, blocks })
}

/// Another document of a plan year (a cover letter, ...): the plan's context
/// plus `key` = `value` from `extra`, rendered with `file` of the house style.
pub fn compose_extra(
    py: &PlanYear,
    theme: &Arc<Theme>,
    dirs: &TemplateDirs,
    strategy: Option<&Strategy>,
    file: &str,
    (key, value): (&str, Value),
    title: String,
) -> Result<Document> {
    let composed = context(py, theme, strategy)?;
    let extra = Value::from(BTreeMap::from([(key.to_string(), value)]));
    let context = minijinja::context! { ..extra, ..composed.context };
    let markup = render_template(theme, dirs, file, context)?;
    let blocks = markdown::parse(&markup.1)
        .map_err(|m| Error::at(Location::file(&markup.0), format!("malen gir ugyldig markering: {m}")))?;
    let mut meta = composed.meta;
    meta.title = one_line(&title);
    Ok(Document { meta, blocks })
}

/// The årsrapport of a year that has a `rapport.toml`: the plan's context plus
/// `rapport` (meta, and every figure computed by [`crate::report`]).
pub fn compose_report(
    py: &PlanYear,
    theme: &Arc<Theme>,
    dirs: &TemplateDirs,
    strategy: Option<&Strategy>,
    kommuner: &BTreeMap<String, String>,
) -> Result<Document> {
    let Some(data) = &py.report else {
        return Err(Error::msg(format!("{} {} har ingen rapport.toml", py.network, py.year)));
    };
    let composed = context(py, theme, strategy)?;
    let texts = TextRenderer::new(theme, py.year, &py.meetings);
    let loc = Location::file(&py.year_dir.join("rapport.toml"));
    let mut sink = Sink::default();
    let mut r = |t: &str| {
        texts.render(t, &loc).unwrap_or_else(|e| {
            sink.extend(e);
            String::new()
        })
    };
    let statuses: Vec<&str> = py
        .outline
        .iter()
        .filter(|row| row.level == Level::Aktivitet)
        .filter_map(|row| row.status.map(Status::as_str))
        .collect();
    let figures =
        crate::report::figures(py.year, &py.meetings, &py.profile.grupper, data, &statuses, kommuner);
    let title = r(&data.meta.tittel);
    let signatur = data.meta.signatur.as_deref().map(&mut r);
    let signatarer: Vec<String> = data.meta.signatarer.iter().map(|s| r(s)).collect();
    let rapport = minijinja::context! {
        tittel => title.clone(),
        dato => data.date.format("%Y-%m-%d").to_string(),
        signatur => signatur,
        signatarer => signatarer,
        tall => ser(&figures),
    };
    sink.finish()?;
    let context = minijinja::context! { rapport => rapport, ..composed.context };
    let markup = render_template(theme, dirs, "arsrapport.md.j2", context)?;
    let blocks = markdown::parse(&markup.1)
        .map_err(|m| Error::at(Location::file(&markup.0), format!("malen gir ugyldig markering: {m}")))?;
    let mut meta = composed.meta;
    meta.title = one_line(&title);
    meta.date = data.date;
    meta.keywords = vec!["årsrapport".into(), py.year.to_string(), py.profile.helseforetak.clone()];
    Ok(Document { meta, blocks })
}

/// Every `blokk` row of the plan must name a block the house style has.
fn check_blocks(py: &PlanYear, theme: &Theme, dirs: &TemplateDirs) -> Result<()> {
    let mut sink = Sink::default();
    for row in py.outline.iter().filter(|r| r.level == Level::Blokk) {
        let file = format!("blokk-{}.md.j2", row.text.trim());
        if template_name(theme, dirs, &file).is_none() {
            let mut known: Vec<String> = Vec::new();
            for d in &theme.dirs {
                for f in crate::load::files_below(d) {
                    let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                    if let Some(b) = name.strip_prefix("blokk-").and_then(|n| n.strip_suffix(".md.j2")) {
                        known.push(b.to_string());
                    }
                }
            }
            known.sort();
            known.dedup();
            sink.error(
                row.loc.clone(),
                format!("husstilen har ingen blokk som heter «{}»", row.text.trim()),
            )
            .hint = Some(format!("blokkene er: {}", known.join(", ")));
        }
    }
    sink.finish().map(|_| ())
}

/// The template of a kind for a style: the style's own, else an ancestor's.
fn template_name(theme: &Theme, dirs: &TemplateDirs, file: &str) -> Option<String> {
    theme
        .dirs
        .iter()
        .filter_map(|d| d.file_name().and_then(|n| n.to_str()))
        .map(|style| format!("{style}/{file}"))
        .find(|name| dirs.find(name).is_some())
}

/// Renders a template to Markdown; returns the template's path and the text.
pub fn render_template(
    theme: &Arc<Theme>,
    dirs: &TemplateDirs,
    file: &str,
    ctx: Value,
) -> Result<(PathBuf, String)> {
    let name = template_name(theme, dirs, file).ok_or_else(|| {
        Error::msg(format!("husstilen «{}» har ingen mal {file}", theme.navn)).with_hint(
            "legg malen i templates/<stil>/, eller la stilen arve (arv = ...) fra en stil som har den",
        )
    })?;
    let mut env = Environment::new();
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .map_err(|e| Error::msg(e.to_string()))?,
    );
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let loader_dirs = dirs.clone();
    env.set_loader(move |name| match loader_dirs.find(name) {
        Some(p) => std::fs::read_to_string(&p).map(Some).map_err(|e| {
            minijinja::Error::new(ErrorKind::InvalidOperation, format!("kan ikke lese {}: {e}", p.display()))
        }),
        None => Ok(None),
    });
    env.set_formatter(|out: &mut minijinja::Output, _state: &mut State, value: &Value| {
        if value.is_undefined() || value.is_none() {
            return Ok(());
        }
        let s = value.to_string();
        if value.is_safe() {
            out.write_str(&s).map_err(minijinja::Error::from)
        } else {
            out.write_str(&markdown::escape(&s)).map_err(minijinja::Error::from)
        }
    });
    add_filters(&mut env, theme);
    let styles: Vec<String> = theme
        .dirs
        .iter()
        .filter_map(|d| d.file_name().and_then(|n| n.to_str()).map(str::to_string))
        .collect();
    let lookup = dirs.clone();
    // `mal_for("x.md.j2")`: the candidates along the style chain, nearest first,
    // so `{% include mal_for(..) %}` takes a style's own part or an ancestor's.
    env.add_function("mal_for", move |file: String| -> Vec<String> {
        let all: Vec<String> = styles.iter().map(|s| format!("{s}/{file}")).collect();
        let found: Vec<String> = all.iter().filter(|n| lookup.find(n).is_some()).cloned().collect();
        if found.is_empty() {
            all
        } else {
            found
        }
    });
    let path = dirs.find(&name).unwrap_or_else(|| PathBuf::from(&name));
    let text =
        env.get_template(&name).and_then(|t| t.render(ctx)).map_err(|e| template_error(dirs, &path, &e))?;
    Ok((path, text))
}

fn template_error(dirs: &TemplateDirs, fallback: &Path, e: &minijinja::Error) -> Error {
    // The innermost error names the template and line where it happened.
    let mut inner = e;
    while let Some(next) = std::error::Error::source(inner).and_then(|s| s.downcast_ref::<minijinja::Error>())
    {
        inner = next;
    }
    let file = inner.name().and_then(|n| dirs.find(n)).unwrap_or_else(|| fallback.to_path_buf());
    let what = match inner.kind() {
        ErrorKind::SyntaxError => "syntaksfeil",
        ErrorKind::UndefinedError => "ukjent variabel",
        ErrorKind::TemplateNotFound => "fant ikke malen",
        ErrorKind::UnknownFilter => "ukjent filter",
        ErrorKind::UnknownFunction => "ukjent funksjon",
        ErrorKind::UnknownTest => "ukjent test",
        ErrorKind::MissingArgument | ErrorKind::TooManyArguments => "feil antall argumenter",
        ErrorKind::BadInclude => "ugyldig include",
        _ => "feil",
    };
    let at = inner.line().map(|l| format!(" (linje {l})")).unwrap_or_default();
    let detail = inner.detail().map(|d| format!(": {d}")).unwrap_or_default();
    Error(vec![Diagnostic::error(Some(Location::file(&file)), format!("{what} i malen{at}{detail}"))
        .hint("se README.md, avsnittet «Templates and house styles», for variablene en mal kan bruke")])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_referenced_names() {
        assert_eq!(
            referenced_names("Kurs {{ intro }} og {{fagdag | dato(\"full\")}}; {{ år - 1 }}"),
            vec!["intro", "fagdag", "år"]
        );
    }
}
