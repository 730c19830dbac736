//! The HTTP layer of the texts editor, the recipient register and the
//! network's uploads (logo, Word template): thin handlers that check the
//! CSRF token and the names in the address, call [`super::texts`],
//! [`super::recipients`] and [`super::uploads`] on a blocking thread, and
//! show the result beside the form that asked for it.

use std::sync::Arc;

use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State as Shared};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use minijinja::context;
use serde::Deserialize;

use super::extract::{Form, Path, Query};
use super::pages::{message, page, v, wants_json};
use super::routes::{
    blocking, csrf_ok, csrf_refused, diags, known_network, posted_to_a_year, unknown_network, unknown_year,
    App, Posted,
};
use super::site::{self, DiagView};
use super::{multipart, recipients, texts, uploads, Flash, FlashKind, State};
use crate::build::Paths;

/// The largest text form taken (a text of [`texts::MAX_BYTES`], encoded).
const TEXT_FORM_LIMIT: usize = 3 * texts::MAX_BYTES + 4096;

/// Room for a multipart form's other fields and boundaries.
const MULTIPART_EXTRA: usize = 64 * 1024;

pub fn routes() -> Router<Arc<State>> {
    Router::new()
        .route("/aar/{network}/{year}/tekster", get(texts_page))
        .route("/aar/{network}/{year}/tekster/filer.json", get(text_fingerprints))
        .route(
            "/aar/{network}/{year}/tekster/{name}",
            get(text_page).post(text_post).layer(DefaultBodyLimit::max(TEXT_FORM_LIMIT)),
        )
        .route("/nettverk/{network}/mottakere", get(recipients_page).post(recipients_post))
        .route("/nettverk/{network}/mottakere/filer.json", get(recipient_fingerprints))
        .route(
            "/nettverk/{network}/logo",
            get(logo_file)
                .post(logo_upload)
                .layer(DefaultBodyLimit::max(uploads::LOGO_LIMIT + MULTIPART_EXTRA)),
        )
        .route(
            "/nettverk/{network}/wordmal",
            post(template_upload).layer(DefaultBodyLimit::max(uploads::TEMPLATE_LIMIT + MULTIPART_EXTRA)),
        )
}

/// After a form: back to `path`, with the message shown at the form `at`.
pub(super) fn back_at(s: &State, path: &str, at: &str, f: Flash) -> Response {
    let id = s.flash(f);
    let location = format!("{path}?melding={id}&ved={at}#resultat");
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

#[derive(Deserialize)]
struct Shown {
    melding: Option<u64>,
    ved: Option<String>,
    ny: Option<String>,
}

/// A place name from the address, kept only if it is a plain word.
fn place(ved: Option<String>) -> String {
    ved.filter(|v| v.len() < 40 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or_default()
}

fn network_name(s: &State, network: &str) -> String {
    super::setup::network_view(&s.project, network).map(|n| n.name).unwrap_or_else(|_| network.to_string())
}

// ---- Texts ----

async fn texts_page(
    Shared(s): App,
    Path((network, year)): Path<(String, i32)>,
    Query(q): Query<Shown>,
) -> Response {
    if !site::known(&s.project, &network, year) {
        return unknown_year(&s, &network, year);
    }
    if let Some(name) = q.ny.map(|n| n.trim().to_lowercase()) {
        if texts::valid_name(&name) {
            let to = format!("/aar/{network}/{year}/tekster/{name}");
            return (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response();
        }
        let flash = Flash {
            kind: FlashKind::Error,
            text: format!("«{name}» kan ikke være navnet på en tekst: bruk små bokstaver a-z, sifre og bindestrek, for eksempel veien-videre."),
            details: vec![],
        };
        return texts_list(s, network, year, Some(flash), "ny".into(), StatusCode::UNPROCESSABLE_ENTITY)
            .await;
    }
    let flash = q.melding.and_then(|id| s.take_flash(id));
    texts_list(s, network, year, flash, place(q.ved), StatusCode::OK).await
}

async fn texts_list(
    s: Arc<State>,
    network: String,
    year: i32,
    flash: Option<Flash>,
    ved: String,
    status: StatusCode,
) -> Response {
    let st = s.clone();
    let n = network.clone();
    let listed = blocking(move || {
        let fp = texts::fingerprints(&st.project, &n, year).0;
        texts::Context::of(&st.project, &n, year).map(|cx| (texts::list(&st.project, &n, year, &cx), fp))
    })
    .await;
    match listed {
        Some(Ok((items, sha))) => {
            let name = network_name(&s, &network);
            let folder = Paths::new(&s.project)
                .show(&s.project.data.join(&network).join(year.to_string()).join("tekster"));
            let mut r = page(
                &s,
                "texts.html",
                context! { network, year, name, folder, sha, items => v(&items), flash => v(&flash), ved },
            );
            *r.status_mut() = status;
            r
        }
        Some(Err(e)) => message(&s, StatusCode::OK, "Tekstene kan ikke vises", "", diags(&s, &e)),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn text_response(
    s: &State,
    network: &str,
    year: i32,
    e: &texts::Editor,
    flash: Option<Flash>,
    status: StatusCode,
) -> Response {
    let name = network_name(s, network);
    let mut r = page(s, "text.html", context! { network, year, name, t => v(e), flash => v(&flash) });
    *r.status_mut() = status;
    r
}

async fn text_page(
    Shared(s): App,
    Path((network, year, name)): Path<(String, i32, String)>,
    Query(q): Query<Shown>,
) -> Response {
    if !site::known(&s.project, &network, year) {
        return unknown_year(&s, &network, year);
    }
    if !texts::valid_name(&name) {
        return message(
            &s,
            StatusCode::NOT_FOUND,
            "Teksten finnes ikke",
            "Navnet på en tekst har små bokstaver a-z, sifre og bindestrek.",
            vec![],
        );
    }
    let flash = q.melding.and_then(|id| s.take_flash(id));
    let st = s.clone();
    let (n, t) = (network.clone(), name.clone());
    match blocking(move || texts::editor(&st.project, &n, year, &t, None)).await {
        Some(Ok(e)) => text_response(&s, &network, year, &e, flash, StatusCode::OK),
        Some(Err(e)) => message(&s, StatusCode::OK, "Teksten kan ikke vises", "", diags(&s, &e)),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[derive(Deserialize)]
struct TextForm {
    csrf: String,
    tekst: String,
    sha: String,
    /// `lagre` to save, `vis` for the preview and the checks only,
    /// `lagre-over` to save over the other version (changed elsewhere).
    handling: Option<String>,
    /// The sha256 of the other version she chose to save over.
    annen: Option<String>,
}

/// The fingerprints of the year's texts, which the texts pages poll.
async fn text_fingerprints(Shared(s): App, Path((network, year)): Path<(String, i32)>) -> Response {
    if !site::known(&s.project, &network, year) {
        return unknown_year(&s, &network, year);
    }
    super::watch::answer(move || {
        let (all, texts) = texts::fingerprints(&s.project, &network, year);
        let texts: serde_json::Map<String, serde_json::Value> =
            texts.into_iter().map(|(n, sha)| (n, sha.into())).collect();
        serde_json::json!({ "tekster": all, "filer": texts })
    })
    .await
}

async fn text_post(
    Shared(s): App,
    Path((network, year, name)): Path<(String, i32, String)>,
    headers: HeaderMap,
    Form(f): Form<TextForm>,
) -> Response {
    if let Some(refused) = posted_to_a_year(&s, &f.csrf, &network, year) {
        return refused;
    }
    if !texts::valid_name(&name) {
        return message(
            &s,
            StatusCode::NOT_FOUND,
            "Teksten finnes ikke",
            "Navnet på en tekst har små bokstaver a-z, sifre og bindestrek.",
            vec![],
        );
    }
    let json = wants_json(&headers);
    if f.tekst.len() > texts::MAX_BYTES {
        let text = format!(
            "Teksten er for lang ({} kB); høyst {} kB får plass i en tekst. Del den i flere tekster.",
            f.tekst.len() / 1024,
            texts::MAX_BYTES / 1024
        );
        return if json {
            (StatusCode::PAYLOAD_TOO_LARGE, Json(serde_json::json!({ "ok": false, "melding": text })))
                .into_response()
        } else {
            message(&s, StatusCode::PAYLOAD_TOO_LARGE, "Teksten ble ikke lagret", &text, vec![])
        };
    }
    let st = s.clone();
    let (n, t) = (network.clone(), name.clone());
    let preview_only = f.handling.as_deref() == Some("vis");
    if preview_only {
        let (text, sha) = (f.tekst.clone(), f.sha.clone());
        let e = blocking(move || texts::editor(&st.project, &n, year, &t, Some((&text, &sha)))).await;
        return match e {
            Some(Ok(e)) if json => {
                Json(serde_json::json!({ "ok": true, "html": e.checked.html, "feil": e.checked.problems }))
                    .into_response()
            }
            Some(Ok(e)) => {
                let flash = Flash {
                    kind: if e.checked.errors > 0 { FlashKind::Error } else { FlashKind::Ok },
                    text: if e.checked.errors > 0 {
                        "Forhåndsvisningen er laget; teksten har feil (se under). Ingenting er lagret.".into()
                    } else {
                        "Forhåndsvisningen er laget. Ingenting er lagret ennå: trykk «Lagre teksten».".into()
                    },
                    details: vec![],
                };
                text_response(&s, &network, year, &e, Some(flash), StatusCode::OK)
            }
            Some(Err(e)) => message(&s, StatusCode::OK, "Teksten kan ikke vises", "", diags(&s, &e)),
            None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        };
    }
    // Saving over the other version is still a hash-checked save: against
    // the version she was shown, so a third one made meanwhile is refused.
    let over = f.handling.as_deref() == Some("lagre-over");
    let from = if over { f.annen.clone().unwrap_or_default() } else { f.sha.clone() };
    let (text, sha) = (f.tekst.clone(), from);
    let saved = blocking(move || {
        let _one = st.writing.lock();
        texts::save(&st.project, &n, year, &t, &text, &sha)
    })
    .await;
    let shown_in = {
        let (p, n) = (s.project.clone(), network.clone());
        let t = name.clone();
        blocking(move || texts::Context::of(&p, &n, year).map(|cx| cx.shown_in(&t)).unwrap_or_default())
            .await
            .unwrap_or_default()
    };
    let (status, ok, msg, new_sha, problems) = match &saved {
        Some(Ok(sha)) => (
            StatusCode::OK,
            true,
            if over {
                "Lagret: teksten din står nå i filen i stedet for den andre versjonen. Vil du ha den andre tilbake, trykk «Angre» på den øverste linjen under «Historikk» på årets side.".to_string()
            } else if shown_in.is_empty() {
                format!("Lagret. Teksten vises ikke i noen av dokumentene for {year}: husstilens maler bruker den ikke.")
            } else {
                format!("Lagret. Teksten vises i {shown_in}; trykk «Bygg dokumentene» på året for å få den med.")
            },
            Some(sha.clone()),
            vec![],
        ),
        Some(Err(texts::NotSaved::Stale)) => (
            StatusCode::CONFLICT,
            false,
            "Ikke lagret ennå: teksten er endret et annet sted (i en annen fane eller et annet program) siden du åpnet den. Teksten din er ikke borte: velg ved teksten om du vil beholde din eller ta den andre.".to_string(),
            None,
            vec![],
        ),
        Some(Err(texts::NotSaved::Invalid(c))) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            false,
            "Ikke lagret: teksten har feil. Rett dem (linjen står ved hver feil) og lagre igjen.".to_string(),
            None,
            c.problems.clone(),
        ),
        Some(Err(texts::NotSaved::Failed(e))) => (StatusCode::UNPROCESSABLE_ENTITY, false, "Ikke lagret.".to_string(), None, diags(&s, e)),
        None => (StatusCode::INTERNAL_SERVER_ERROR, false, "Ikke lagret: noe gikk galt.".to_string(), None, vec![]),
    };
    if json {
        return (
            status,
            Json(serde_json::json!({ "ok": ok, "melding": msg, "sha256": new_sha, "feil": problems })),
        )
            .into_response();
    }
    let kind = if ok { FlashKind::Ok } else { FlashKind::Error };
    if ok {
        return back_at(
            &s,
            &format!("/aar/{network}/{year}/tekster/{name}"),
            "lagre",
            Flash { kind, text: msg, details: vec![] },
        );
    }
    // Not saved: the page again with her text as she wrote it.
    let st = s.clone();
    let (n, t, text, sha) = (network.clone(), name.clone(), f.tekst.clone(), f.sha.clone());
    match blocking(move || texts::editor(&st.project, &n, year, &t, Some((&text, &sha)))).await {
        Some(Ok(e)) => {
            text_response(&s, &network, year, &e, Some(Flash { kind, text: msg, details: problems }), status)
        }
        _ => message(&s, status, "Teksten ble ikke lagret", &msg, problems),
    }
}

// ---- Recipients ----

fn recipients_response(
    s: &State,
    network: &str,
    view: &recipients::View,
    flash: Option<Flash>,
    ved: &str,
    posted: Option<&Posted>,
    status: StatusCode,
) -> Response {
    let name = network_name(s, network);
    let posted = posted.cloned().unwrap_or_default();
    let mut r = page(
        s,
        "recipients.html",
        context! { network, name, r => v(view), flash => v(&flash), ved, posted => v(&posted) },
    );
    *r.status_mut() = status;
    r
}

async fn recipients_page(Shared(s): App, Path(network): Path<String>, Query(q): Query<Shown>) -> Response {
    if !known_network(&s, &network) {
        return unknown_network(&s, &network);
    }
    let flash = q.melding.and_then(|id| s.take_flash(id));
    let st = s.clone();
    let n = network.clone();
    match blocking(move || recipients::view(&st.project, &n)).await {
        Some(Ok(view)) => {
            recipients_response(&s, &network, &view, flash, &place(q.ved), None, StatusCode::OK)
        }
        Some(Err(e)) => message(&s, StatusCode::OK, "Mottakerne kan ikke vises", "", diags(&s, &e)),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn recipients_post(Shared(s): App, Path(network): Path<String>, Form(f): Form<Posted>) -> Response {
    if !csrf_ok(&s, &f) {
        return csrf_refused(&s);
    }
    if !known_network(&s, &network) {
        return unknown_network(&s, &network);
    }
    let row = f.get("rad").and_then(|r| r.parse::<usize>().ok());
    let action = match (f.get("handling").map(String::as_str), row) {
        (Some("ny"), _) => recipients::Action::Add(recipients::values_of(&f)),
        (Some("lagre"), Some(n)) => recipients::Action::Edit(n, recipients::values_of(&f)),
        (Some("verifiser"), Some(n)) => recipients::Action::Verify(n),
        (Some("fjern"), Some(n)) => recipients::Action::Remove(n),
        _ => {
            return message(
                &s,
                StatusCode::BAD_REQUEST,
                "Skjemaet ble ikke tatt imot",
                "Last siden på nytt og prøv igjen.",
                vec![],
            )
        }
    };
    let at = match &action {
        recipients::Action::Add(_) => "ny".to_string(),
        recipients::Action::Edit(n, _) | recipients::Action::Verify(n) | recipients::Action::Remove(n) => {
            format!("rad-{n}")
        }
    };
    let to = format!("/nettverk/{network}/mottakere");
    let st = s.clone();
    let (n, a, sha) = (network.clone(), action.clone(), f.get("sha").cloned().unwrap_or_default());
    let done = blocking(move || {
        let _one = st.writing.lock();
        recipients::change(&st.project, &n, &a, &sha)
    })
    .await;
    match done {
        Some(Ok(d)) => {
            // A removed row's place is gone: the message stands under the table.
            let at = if matches!(action, recipients::Action::Remove(_)) { "ny".to_string() } else { at };
            back_at(&s, &to, &at, Flash { kind: FlashKind::Ok, text: format!("{}. Lagret.", d.text), details: vec![] })
        }
        Some(Err(recipients::NotSaved::Stale)) => back_at(
            &s,
            &to,
            "ny",
            Flash { kind: FlashKind::Error, text: "Ikke lagret: mottakerlisten er endret på disken siden siden ble lastet (kanskje i Excel). Her er den som den er nå; gjør endringen på nytt.".into(), details: vec![] },
        ),
        Some(Err(recipients::NotSaved::Invalid(problems))) => {
            let st = s.clone();
            let n = network.clone();
            let view = blocking(move || recipients::view(&st.project, &n)).await.and_then(|v| v.ok()).unwrap_or_default();
            let flash = Flash { kind: FlashKind::Error, text: "Ikke lagret: rett feilene under.".into(), details: recipients::problems_view(&problems) };
            recipients_response(&s, &network, &view, Some(flash), &at, Some(&f), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Some(Err(recipients::NotSaved::Failed(e))) => {
            back_at(&s, &to, &at, Flash { kind: FlashKind::Error, text: "Ikke lagret.".into(), details: diags(&s, &e) })
        }
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The recipient register's fingerprint, which its page polls.
async fn recipient_fingerprints(Shared(s): App, Path(network): Path<String>) -> Response {
    if !known_network(&s, &network) {
        return unknown_network(&s, &network);
    }
    super::watch::answer(move || {
        let (path, _) = recipients::file(&s.project, &network);
        serde_json::json!({ "mottakere": super::watch::file_sha(&path).unwrap_or_default() })
    })
    .await
}

// ---- Uploads ----

/// The network's logo as the documents show it (for the settings page).
async fn logo_file(Shared(s): App, Path(network): Path<String>) -> Response {
    if !known_network(&s, &network) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let Some(path) = uploads::current_logo(&s.project, &network) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let kind = if path.extension().is_some_and(|e| e == "svg") { "image/svg+xml" } else { "image/png" };
    match std::fs::read(&path) {
        // A drawing opened on its own runs nothing: the sandbox keeps any script in it inert.
        Ok(b) => (
            [
                (header::CONTENT_TYPE, kind),
                (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; sandbox"),
            ],
            b,
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// An upload to the network's page (the logo, the Word template): the form
/// read within `limit`, `save` run on a blocking thread under the write
/// lock, and its result (`said`) shown beside the form at `anchor`.
#[allow(clippy::too_many_arguments)]
async fn network_upload<T: Send + 'static>(
    s: Arc<State>,
    network: String,
    body: Result<Multipart, MultipartRejection>,
    limit: usize,
    what: &'static str,
    anchor: &str,
    save: fn(&crate::Project, &str, &str, &[u8]) -> crate::Result<T>,
    said: impl FnOnce(&State, crate::Result<T>) -> Flash,
) -> Response {
    if !known_network(&s, &network) {
        return unknown_network(&s, &network);
    }
    let to = format!("/nettverk/{network}");
    let refused = |text: String| Flash { kind: FlashKind::Error, text, details: vec![] };
    let too_big = format!("{what} er større enn {} MB; ingenting er lagret.", limit / (1024 * 1024));
    let mut form = match multipart::read(body, "fil").await {
        Ok(f) => f,
        Err(why) => return back_at(&s, &to, anchor, refused(why.text(&too_big))),
    };
    if !form.token_ok(&s) {
        return csrf_refused(&s);
    }
    let Some((file_name, bytes)) = form.take_file() else {
        return back_at(&s, &to, anchor, refused(format!("Velg filen med {} først.", what.to_lowercase())));
    };
    let st = s.clone();
    let done = blocking(move || {
        let _one = st.writing.lock();
        save(&st.project, &network, &file_name, &bytes)
    })
    .await;
    let flash = match done {
        Some(result) => said(&s, result),
        None => refused("Noe gikk galt.".into()),
    };
    back_at(&s, &to, anchor, flash)
}

async fn logo_upload(
    Shared(s): App,
    Path(network): Path<String>,
    body: Result<Multipart, MultipartRejection>,
) -> Response {
    network_upload(s, network, body, uploads::LOGO_LIMIT, "Logoen", "logo", uploads::logo, |s, done| {
        match done {
            Ok(text) => Flash { kind: FlashKind::Ok, text, details: vec![] },
            Err(e) => {
                Flash { kind: FlashKind::Error, text: "Logoen er ikke lagret.".into(), details: diags(s, &e) }
            }
        }
    })
    .await
}

async fn template_upload(
    Shared(s): App,
    Path(network): Path<String>,
    body: Result<Multipart, MultipartRejection>,
) -> Response {
    let said = |s: &State, done: crate::Result<crate::own_style::Adopted>| match done {
        Ok(a) => {
            let paths = Paths::new(&s.project);
            let files: Vec<String> =
                a.files.iter().map(|(p, what)| format!("{} ({what})", paths.show(p))).collect();
            let details: Vec<DiagView> = a.warnings.iter().map(|d| DiagView::new(d, &paths, None)).collect();
            Flash {
                kind: FlashKind::done(&details),
                text: format!(
                    "Nettverket bruker nå husstilen «{}» (som arver «{}») med Word-malen. Skrevet: {}. Trykk «Bygg dokumentene» på året for å lage dokumentene med den.",
                    a.style, a.inherits, files.join(", ")
                ),
                details,
            }
        }
        Err(e) => Flash {
            kind: FlashKind::Error,
            text: "Word-malen er ikke tatt i bruk; ingenting er endret.".into(),
            details: diags(s, &e),
        },
    };
    let limit = uploads::TEMPLATE_LIMIT;
    network_upload(s, network, body, limit, "Word-malen", "wordmal", uploads::word_template, said).await
}
