//! The template engine: one minijinja environment per house style and year
//! (templates, filters, the Markdown-escaping formatter), the small templates
//! in data cells, and template errors in Norwegian.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use minijinja::value::{Object, Value};
use minijinja::{Environment, ErrorKind, State, UndefinedBehavior};

use super::markdown;
use crate::dates;
use crate::diag::{Diagnostic, Error, Location, Result};
use crate::model::Meeting;
use crate::theme::Theme;

/// A meeting as templates see it: prints as its date in the house style's
/// text format, and has the attributes `id`, `dato` (ISO), `type`, `gruppe`,
/// `gjelder`, `tittel`, `tema`, `sted`, `ukedag`, `uke`, `maned`.
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
            "gjelder" => Value::from(m.applies_to.map(|g| g.as_str()).unwrap_or("")),
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

/// A meeting as a template value.
pub fn meeting_value(theme: &Theme, m: &Meeting) -> Value {
    Value::from_object(MeetingValue {
        meeting: m.clone(),
        text: dates::format(m.date, theme.date_pattern("tekst")),
    })
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

/// Renders the text cells of the data, each a small template (`{{ fagdag }}`,
/// `{{ år }}`), to plain text.
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

/// The environment for a house style's document templates.
pub fn documents(theme: &Arc<Theme>) -> Result<Environment<'static>> {
    let mut env = Environment::new();
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .map_err(|e| Error::msg(e.to_string()))?,
    );
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let sources = theme.sources.clone();
    env.set_loader(move |name| match sources.read(name) {
        Some(Ok((p, bytes))) => String::from_utf8(bytes).map(Some).map_err(|_| {
            minijinja::Error::new(ErrorKind::InvalidOperation, format!("{} er ikke UTF-8-tekst", p.display()))
        }),
        Some(Err(e)) => Err(minijinja::Error::new(
            ErrorKind::InvalidOperation,
            format!("kan ikke lese malen {name}: {}", crate::diag::io_text(&e)),
        )),
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
    // `mal_for("x.md.j2")`: the candidates along the style chain, nearest first,
    // so `{% include mal_for(..) %}` takes a style's own part or an ancestor's.
    let t = theme.clone();
    env.add_function("mal_for", move |file: String| -> Vec<String> {
        match t.template_name(&file) {
            Some(found) => vec![found],
            None => t.chain.iter().map(|s| format!("{s}/{file}")).collect(),
        }
    });
    Ok(env)
}

/// A template error in Norwegian, at the innermost template and line.
pub fn template_error(theme: &Theme, fallback: &Path, e: &minijinja::Error) -> Error {
    let mut inner = e;
    while let Some(next) = std::error::Error::source(inner).and_then(|s| s.downcast_ref::<minijinja::Error>())
    {
        inner = next;
    }
    let file: PathBuf =
        inner.name().and_then(|n| theme.sources.find(n)).unwrap_or_else(|| fallback.to_path_buf());
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
        .hint("se templates/README.md for variablene en mal kan bruke")])
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
