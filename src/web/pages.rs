//! The pages' HTML: the compiled-in templates (auto-escaped), a page
//! rendered from one of them, and the message page every refusal uses.

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use minijinja::{context, AutoEscape, Environment, Value};

use super::site::DiagView;
use super::State;
use crate::diag::{Error, Result};

/// A value for a template.
pub(super) fn v<T: serde::Serialize>(x: &T) -> Value {
    Value::from(minijinja::value::Serde(x))
}

/// The templates, compiled in, with HTML auto-escaping.
pub(super) fn templates() -> Result<Environment<'static>> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(
        |name| if name.ends_with(".html") { AutoEscape::Html } else { AutoEscape::None },
    );
    for (name, source) in [
        ("base.html", include_str!("base.html")),
        ("index.html", include_str!("index.html")),
        ("year.html", include_str!("year.html")),
        ("send.html", include_str!("send.html")),
        ("message.html", include_str!("message.html")),
        ("import.html", include_str!("import.html")),
        ("flash.html", include_str!("flash.html")),
        ("form.html", include_str!("form.html")),
        ("new.html", include_str!("new.html")),
        ("new_form.html", include_str!("new_form.html")),
        ("network.html", include_str!("network.html")),
        ("year_settings.html", include_str!("year_settings.html")),
        ("texts.html", include_str!("texts.html")),
        ("text.html", include_str!("text.html")),
        ("recipients.html", include_str!("recipients.html")),
        ("confirm.html", include_str!("confirm.html")),
        ("year_plan.html", include_str!("year_plan.html")),
        ("year_history.html", include_str!("year_history.html")),
        ("year_meeting_new.html", include_str!("year_meeting_new.html")),
        ("year_item_forms.html", include_str!("year_item_forms.html")),
        ("year_item.html", include_str!("year_item.html")),
        ("year_item_part.html", include_str!("year_item_part.html")),
    ] {
        env.add_template(name, source).map_err(|e| Error::msg(format!("malen {name} har en feil: {e}")))?;
    }
    Ok(env)
}

/// Renders a template with what every page gets (the CSRF token).
pub(super) fn page(s: &State, name: &str, ctx: Value) -> Response {
    let ctx = context! { csrf => s.csrf.clone(), ..ctx };
    match s.templates.get_template(name).and_then(|t| t.render(ctx)) {
        Ok(html) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
        Err(e) => {
            (StatusCode::INTERNAL_SERVER_ERROR, format!("siden kunne ikke lages: {e:#}")).into_response()
        }
    }
}

/// A page with a message only (not found, refused, failed).
pub(super) fn message(
    s: &State,
    status: StatusCode,
    title: &str,
    text: &str,
    details: Vec<DiagView>,
) -> Response {
    let mut r = page(s, "message.html", context! { title, text, details => v(&details) });
    *r.status_mut() = status;
    r
}

/// Whether the request wants JSON (the page's script) rather than a page.
pub(super) fn wants_json(h: &HeaderMap) -> bool {
    h.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("application/json"))
}
