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
/// `gjelder`, `tittel`, `tema`, `sted`, `periode`, `tid` (`09.00–15.00`), `ukedag`, `uke`, `maned`.
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
            "periode" => Value::from(m.period.clone()),
            // The time of day as Norwegian text: «09.00–15.00», «09.00», or empty (all day).
            "tid" => Value::from(match (m.start, m.end) {
                (Some(s), Some(e)) => format!("{}–{}", s.format("%H.%M"), e.format("%H.%M")),
                (Some(s), None) => s.format("%H.%M").to_string(),
                _ => String::new(),
            }),
            "ukedag" => Value::from(dates::format(m.date, "dddd")),
            "uke" => Value::from(m.date.iso_week().week()),
            "maned" => Value::from(m.date.month()),
            "ekstra" => Value::from(m.extra.clone()),
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
    // `text|stor`: the first letter upper case, the rest as it is («lokalt område» → «Lokalt område»).
    env.add_filter("stor", |v: Value| -> Value {
        let s = crate::vocabulary::capitalized(&v.to_string());
        if v.is_safe() {
            Value::from_safe_string(s)
        } else {
            Value::from(s)
        }
    });
    // `kind|motetype`: a meeting kind (Type in moter.csv) as the style's label.
    let t = theme.clone();
    env.add_filter("motetype", move |v: String| -> String { t.words.meeting_kind(&v) });
    let t = theme.clone();
    env.add_filter(
        "dato",
        move |v: Value, style: Option<Value>| -> std::result::Result<String, minijinja::Error> {
            let bad = |m: String| minijinja::Error::new(ErrorKind::InvalidOperation, m);
            let date = value_date(&v).ok_or_else(|| bad(format!("«{v}» er ingen dato eller møte")))?;
            let style = match &style {
                None => "tekst",
                Some(s) => s.as_str().ok_or_else(|| {
                    bad(format!(
                        "datoformatet {s} må være tekst i anførselstegn, for eksempel dato(\"full\")"
                    ))
                })?,
            };
            let pattern = t.date_pattern(style);
            if !t.date_formats.contains_key(style) {
                dates::check_pattern(pattern).map_err(|why| {
                    let names: Vec<&str> = t.date_formats.keys().map(String::as_str).collect();
                    bad(format!(
                        "«{style}» er verken et datoformat i husstilen ({}) eller et datomønster: {why}",
                        names.join(", ")
                    ))
                })?;
            }
            Ok(dates::format(date, pattern))
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
        env.set_fuel(Some(CELL_FUEL));
        env.set_recursion_limit(RECURSION_LIMIT);
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
                // In a text of many lines (a prose file), the line that names it.
                let mut at = loc.clone();
                if at.row.is_none() && text.contains('\n') {
                    at.row = text.lines().position(|l| referenced_names(l).contains(&name)).map(|i| i + 1);
                }
                return Err(Error::at(
                    at,
                    format!(
                        "teksten viser til møtet «{name}», men møtetabellen har ingen møte med den id-en"
                    ),
                )
                .with_hint(if ids.is_empty() {
                    "møtetabellen (moter.csv) har ingen møter ennå: legg møtet inn der, med denne id-en"
                        .to_string()
                } else {
                    format!("kjente møte-id-er: {}; eller bruk {{{{ år }}}} for planåret", ids.join(", "))
                }));
            }
        }
        let out = self.env.render_str(text, &self.ctx).map_err(|e| {
            let hint = match e.kind() {
                ErrorKind::OutOfFuel => {
                    "se etter løkker ({% for %}) som aldri slutter, eller over svært store tall"
                }
                _ => "en henvisning skrives {{ møte-id }}, for eksempel {{ fagdag }}",
            };
            let mut at = loc.clone();
            if at.row.is_none() && text.contains('\n') {
                at.row = e.line();
            }
            Error::at(at, format!("teksten kan ikke settes sammen: {}", jinja_text(&e))).with_hint(hint)
        })?;
        // What the small template made must meet the same rules as typed text
        // (control characters aside: the Markdown escaper turns them into breaks or drops them).
        let visible: String = out.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        match crate::load::text::problem(&visible) {
            Some((m, h)) => {
                Err(Error::at(loc.clone(), format!("teksten blir for lang eller får et ugyldig tegn: {m}"))
                    .with_hint(h))
            }
            None => Ok(out),
        }
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

/// The environment for a line of wording from stil.toml: plain text out,
/// with the filters templates have.
pub fn wording(theme: &Arc<Theme>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(CELL_FUEL));
    env.set_recursion_limit(RECURSION_LIMIT);
    add_filters(&mut env, theme);
    env
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
    env.set_fuel(Some(DOCUMENT_FUEL));
    env.set_recursion_limit(RECURSION_LIMIT);
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

/// The work one render of a document template may do (minijinja's fuel: about
/// one unit per instruction, or per 64 bytes made). Every example document
/// needs less than 10 000; a loop without end uses this up in a fraction of
/// a second instead of running forever.
pub const DOCUMENT_FUEL: u64 = 10_000_000;

/// The work one data cell or prose file may do as a small template.
pub const CELL_FUEL: u64 = 1_000_000;

/// How deep templates may nest (includes count 10, macros and loops 1):
/// deep enough for any real template, shallow enough for the stack.
pub const RECURSION_LIMIT: usize = 200;

/// A minijinja error in Norwegian: what went wrong, with the names and
/// values its detail mentions kept.
pub fn jinja_text(e: &minijinja::Error) -> String {
    let detail = e.detail().unwrap_or("");
    let kind = match e.kind() {
        ErrorKind::SyntaxError => "syntaksfeil",
        ErrorKind::UndefinedError => "ukjent variabel eller verdi",
        ErrorKind::TemplateNotFound => "fant ikke malen",
        ErrorKind::UnknownFilter => "ukjent filter",
        ErrorKind::UnknownFunction => "ukjent funksjon",
        ErrorKind::UnknownTest => "ukjent test",
        ErrorKind::UnknownMethod => "ukjent metode",
        ErrorKind::MissingArgument => "for få argumenter",
        ErrorKind::TooManyArguments => "for mange argumenter",
        ErrorKind::BadInclude => "ugyldig include",
        ErrorKind::CannotUnpack => "verdien kan ikke pakkes ut",
        ErrorKind::BadEscape => "ugyldig \\-kode i en tekst",
        ErrorKind::OutOfFuel => {
            return "malen gjør for mye arbeid og ble stoppet (en løkke uten ende, eller løkker inni løkker over store tall)".into()
        }
        ErrorKind::InvalidOperation if detail.contains("recursion") => {
            return format!(
                "malen tar med seg selv (eller hverandre) for mange ganger inni hverandre; høyst {} nivåer",
                RECURSION_LIMIT / 10
            )
        }
        _ => "feil",
    };
    if detail.is_empty() {
        return kind.to_string();
    }
    format!("{kind}: {}", jinja_detail(detail))
}

/// The detail of a minijinja error in Norwegian where it is a known phrase;
/// otherwise the original, marked as technical.
fn jinja_detail(d: &str) -> String {
    // Our own filters already speak Norwegian.
    if d.contains('«') {
        return d.to_string();
    }
    let words = |s: &str| {
        s.replace("end of input", "slutten av teksten")
            .replace("end of block", "slutten av {% … %}")
            .replace("end of variable block", "slutten av {{ … }}")
            .replace("identifier", "et navn")
            .replace("expression", "et uttrykk")
            .replace("string", "tekst")
            .replace("number", "tall")
            .replace("integer", "heltall")
            .replace("sequence", "liste")
            .replace("map", "tabell")
            .replace("undefined", "udefinert")
            .replace("none", "ingenting")
            .replace("bool", "sann/usann")
    };
    if let Some(rest) = d.strip_prefix("unexpected ") {
        if let Some((got, expected)) = rest.split_once(", expected ") {
            return format!("uventet {}, forventet {}", words(got), words(expected));
        }
        return format!("uventet {}", words(rest));
    }
    if let Some(name) = d.strip_prefix("unknown statement ") {
        return format!("ukjent kommando «{name}» i {{% … %}}");
    }
    if let Some(rest) = d.strip_prefix("tried to use ") {
        // "tried to use + operator on unsupported types string and number"
        if let Some((op, types)) = rest.split_once(" operator on unsupported types ") {
            return format!("{op} kan ikke brukes mellom {}", words(types).replace(" and ", " og "));
        }
    }
    if let Some(name) = d.strip_suffix(" is unknown") {
        return format!(
            "«{}» finnes ikke",
            name.trim_start_matches("filter ").trim_start_matches("function ")
        );
    }
    let known: [(&str, &str); 10] = [
        ("value is not iterable", "verdien er ikke en liste det går an å gå gjennom"),
        ("not iterable", "verdien er ikke en liste det går an å gå gjennom"),
        ("cannot convert value to list", "verdien kan ikke gjøres om til en liste"),
        ("value is not a string", "verdien er ikke tekst"),
        ("unexpected end of string", "teksten i anførselstegn er ikke avsluttet"),
        ("unexpected end of comment", "kommentaren {# … #} er ikke avsluttet"),
        ("unexpected character", "uventet tegn"),
        ("unexpected keyword arguments", "ukjent navngitt argument"),
        ("missing argument", "et argument mangler"),
        ("undefined value", "verdien finnes ikke"),
    ];
    if let Some((_, no)) = known.iter().find(|(en, _)| d.starts_with(en)) {
        return no.to_string();
    }
    format!("teknisk melding: {d}")
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
    let loc = Location { file, row: inner.line(), col: None };
    let hint = match inner.kind() {
        ErrorKind::OutOfFuel => "se etter løkker ({% for %}) som aldri slutter, eller over svært store tall",
        _ => "se templates/README.md for variablene og filtrene en mal kan bruke",
    };
    Error(vec![Diagnostic::error(Some(loc), format!("i malen: {}", jinja_text(inner))).hint(hint)])
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
