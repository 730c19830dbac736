//! axum's `Path`, `Form` and `Query` extractors with their rejections said
//! in Norwegian: the same status codes, but a message page (escaped, like
//! every page) or, for the page's script, JSON, instead of axum's English
//! text ("Invalid URL: Cannot parse…", "Failed to deserialize form body…").

use std::sync::Arc;

use axum::extract::path::ErrorKind;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;

use super::pages::{message, wants_json};
use super::State;

/// The values in the address's path (network, year, ...).
pub struct Path<T>(pub T);

/// A posted form.
pub struct Form<T>(pub T);

/// The part of the address after `?`.
pub struct Query<T>(pub T);

/// The refusal: a message page, or JSON for the page's script.
fn refused(s: &State, headers: &HeaderMap, status: StatusCode, title: &str, text: &str) -> Response {
    if wants_json(headers) {
        let body = serde_json::json!({ "ok": false, "melding": format!("{title}: {text}"), "feil": [] });
        return (status, Json(body)).into_response();
    }
    message(s, status, title, text, vec![])
}

const BACK: &str = "Gå tilbake til forsiden og velg et nettverk og et år.";

/// What was wrong with the address, in Norwegian.
fn path_text(e: &PathRejection) -> String {
    let kind = match e {
        PathRejection::FailedToDeserializePathParams(e) => Some(e.kind()),
        _ => None,
    };
    let value = match kind {
        Some(
            ErrorKind::ParseErrorAtKey { value, expected_type, .. }
            | ErrorKind::ParseErrorAtIndex { value, expected_type, .. }
            | ErrorKind::ParseError { value, expected_type },
        ) => Some((value, *expected_type)),
        _ => None,
    };
    match value {
        Some((v, "i32")) => format!("«{v}» i adressen er ikke et årstall. {BACK}"),
        Some((v, t)) if t.starts_with('u') || t.starts_with('i') => {
            format!("«{v}» i adressen er ikke et gyldig nummer. {BACK}")
        }
        Some((v, _)) => format!("«{v}» i adressen kan ikke leses. {BACK}"),
        None => format!("Adressen kan ikke leses. {BACK}"),
    }
}

/// What was wrong with the form, in Norwegian.
fn form_text(e: &FormRejection) -> &'static str {
    match e {
        FormRejection::InvalidFormContentType(_) => {
            "Skjemaet kom ikke som et vanlig nettskjema. Last siden på nytt og send skjemaet derfra."
        }
        FormRejection::BytesRejection(b) if b.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            "Skjemaet er for stort (over 16 kB) og ble ikke lest; ingenting er endret."
        }
        FormRejection::FailedToDeserializeForm(_) | FormRejection::FailedToDeserializeFormBody(_) => {
            "Et felt i skjemaet mangler eller har en verdi som ikke passer (for eksempel et tall som er for stort); ingenting er endret. Last siden på nytt og prøv igjen."
        }
        _ => "Skjemaet kunne ikke leses; ingenting er endret. Last siden på nytt og prøv igjen.",
    }
}

impl<T: DeserializeOwned + Send> FromRequestParts<Arc<State>> for Path<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, s: &Arc<State>) -> Result<Self, Response> {
        match axum::extract::Path::<T>::from_request_parts(parts, s).await {
            Ok(axum::extract::Path(t)) => Ok(Path(t)),
            Err(e) => Err(refused(s, &parts.headers, e.status(), "Adressen er ikke gyldig", &path_text(&e))),
        }
    }
}

impl<T: DeserializeOwned + Send> FromRequestParts<Arc<State>> for Query<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, s: &Arc<State>) -> Result<Self, Response> {
        match axum::extract::Query::<T>::from_request_parts(parts, s).await {
            Ok(axum::extract::Query(t)) => Ok(Query(t)),
            Err(e) => Err(refused(
                s,
                &parts.headers,
                e.status(),
                "Adressen er ikke gyldig",
                &format!("Delen av adressen etter «?» kan ikke leses. {BACK}"),
            )),
        }
    }
}

impl<T: DeserializeOwned + Send> FromRequest<Arc<State>> for Form<T> {
    type Rejection = Response;

    async fn from_request(req: Request, s: &Arc<State>) -> Result<Self, Response> {
        let headers = req.headers().clone();
        match axum::extract::Form::<T>::from_request(req, s).await {
            Ok(axum::extract::Form(t)) => Ok(Form(t)),
            Err(e) => Err(refused(s, &headers, e.status(), "Skjemaet ble ikke tatt imot", form_text(&e))),
        }
    }
}
