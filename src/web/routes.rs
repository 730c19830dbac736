//! The HTTP layer: the security guard every request passes, and thin
//! handlers that call [`super::site`] and [`super::mail`] on a blocking
//! thread and render their answer with the compiled-in templates.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State as Shared};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use minijinja::context;
use serde::Deserialize;

use super::extract::{Form, Path, Query};
use super::pages::{message, page, v, wants_json};
use super::setup::{self, Problem};
use super::site::{self, DiagView};
use super::{mail, Flash, FlashKind, State};
use crate::build::Paths;
use crate::diag::{Error, Result};
use crate::edit::{self, Refused};

/// The extractor of the server's shared state.
pub(super) type App = Shared<Arc<State>>;

/// Where the opening page posts the token.
pub const LOGIN: &str = "/inngang";

/// The largest request body taken (form posts are a few hundred bytes).
pub const BODY_LIMIT: usize = 16 * 1024;

pub fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/", get(index))
        .route(LOGIN, post(login))
        .route("/aar/{network}/{year}", get(year_page))
        .route("/aar/{network}/{year}/forhandsvisning.json", get(preview_json))
        .route("/aar/{network}/{year}/side/{doc}/{page}", get(preview_page))
        .route("/aar/{network}/{year}/mote", post(edit_meeting))
        .merge(super::plan::routes())
        .route("/aar/{network}/{year}/bygg", post(build))
        .route("/aar/{network}/{year}/fil/{name}", get(download))
        .route("/aar/{network}/{year}/dokumenter.zip", get(download_zip))
        .route("/aar/{network}/{year}/endringsnotat.txt", get(note))
        .route("/aar/{network}/{year}/endringsversjon/{name}", get(download_revision))
        .route(
            "/importer",
            get(super::import::form)
                .post(super::import::upload)
                .layer(DefaultBodyLimit::max(super::import::LIMIT)),
        )
        .route("/utsending/{network}/{year}", get(send_page))
        .route("/utsending/{network}/{year}/oversikt", post(send_prepare))
        .route("/utsending/{network}/{year}/send", post(send_start))
        .route("/utsending/{network}/{year}/fremdrift.json", get(send_progress))
        .route("/utsending/{network}/{year}/utkast", post(send_drafts))
        .route("/utsending/{network}/{year}/brev/{number}", get(send_letter))
        .route("/utsending/{network}/{year}/eml/{number}", get(send_eml))
        .route("/utsending/{network}/{year}/utkast-sendt", post(drafts_sent))
        .route("/nytt-nettverk", get(new_network_page).post(new_network))
        .route("/nettverk/{network}", get(network_page))
        .route("/nettverk/{network}/innstillinger", post(save_network))
        .route("/nettverk/{network}/nytt-aar", post(new_year))
        .route("/aar/{network}/{year}/innstillinger", get(year_settings_page).post(save_year_settings))
        .route("/aar/{network}/{year}/apne", post(open_file))
        .route(
            "/static/style.css",
            get(|| async { asset("text/css; charset=utf-8", include_str!("style.css")) }),
        )
        .route(
            "/static/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", include_str!("app.js")) }),
        )
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .merge(super::editing::routes())
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "no-cache")], body).into_response()
}

/// Whether two secrets are equal, in time that does not tell where they differ.
pub(super) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The name of the cookie that carries the token (one per port, so two
/// servers on one machine do not overwrite each other's).
fn cookie_name(s: &State) -> String {
    format!("arsplan_{}", s.port)
}

/// Whether any cookie of this name in a request holds the token (a cookie
/// planted by another page cannot hide the right one).
fn has_cookie(headers: &HeaderMap, name: &str, token: &str) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .any(|(k, v)| k == name && same(v, token))
}

/// The token's cookie, as set after the token came.
fn token_cookie(s: &State) -> String {
    format!("{}={}; HttpOnly; SameSite=Strict; Path=/", cookie_name(s), s.token)
}

/// The plain refusal the guard gives, in Norwegian.
fn refusal(status: StatusCode, text: &str) -> Response {
    let page = format!(
        "<!doctype html><html lang=\"nb\"><head><meta charset=\"utf-8\"><title>Ingen tilgang – arsplan</title></head><body><main><h1>Ingen tilgang</h1><p>{}</p></main></body></html>",
        minijinja::HtmlEscape(text)
    );
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
}

/// Every request: the Host must be this loopback address (no DNS
/// rebinding); the token must come in the address (then kept in a cookie)
/// or in the cookie; a POST must come from this page itself. Every answer
/// gets headers that keep the page to itself.
async fn guard(Shared(s): App, req: Request, next: Next) -> Response {
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let allowed = s.hosts();
    if !allowed.iter().any(|a| a.eq_ignore_ascii_case(host)) {
        return refusal(
            StatusCode::FORBIDDEN,
            "Nettsiden svarer bare på adressen den ble startet med (adressen og porten arsplan skrev ut).",
        );
    }
    // The opening page posts the token from a file: its own check.
    if req.uri().path() == LOGIN {
        return next.run(req).await;
    }
    let in_query = req.uri().query().and_then(|q| {
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "token")
            .map(|(_, v)| v.to_string())
    });
    let name = cookie_name(&s);
    if let Some(t) = in_query {
        if !same(&t, &s.token) {
            return refusal(
                StatusCode::FORBIDDEN,
                "Adressen har feil nøkkel. Bruk adressen arsplan skrev ut da nettsiden ble startet.",
            );
        }
        // Keep the token in a cookie and drop it from the address (and the history).
        let cookie = token_cookie(&s);
        let to = req.uri().path().to_string();
        return Response::builder()
            .status(StatusCode::SEE_OTHER)
            .header(header::LOCATION, to)
            .header(header::SET_COOKIE, cookie)
            .header(header::CACHE_CONTROL, "no-store")
            .header(header::REFERRER_POLICY, "same-origin")
            .body(Body::empty())
            .unwrap_or_default();
    }
    if !has_cookie(req.headers(), &name, &s.token) {
        return refusal(
            StatusCode::FORBIDDEN,
            "Åpne adressen arsplan skrev ut da nettsiden ble startet (den med ?token=…), på denne maskinen.",
        );
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let origin_ok = req
            .headers()
            .get(header::ORIGIN)
            .and_then(|o| o.to_str().ok())
            .is_none_or(|o| allowed.iter().any(|a| o.eq_ignore_ascii_case(&format!("http://{a}"))));
        let site_ok = req
            .headers()
            .get("sec-fetch-site")
            .and_then(|o| o.to_str().ok())
            .is_none_or(|v| v == "same-origin" || v == "none");
        if !origin_ok || !site_ok {
            return refusal(StatusCode::FORBIDDEN, "Skjemaet kom ikke fra denne nettsiden.");
        }
    }
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    res
}

#[derive(Deserialize)]
struct LoginForm {
    token: String,
}

/// The opening page's post: the right token sets the cookie, and a page of
/// this site's own moves on to the front page (a redirect straight from the
/// file's post would count as another site's, and the strict cookie would
/// not go with it).
async fn login(Shared(s): App, Form(f): Form<LoginForm>) -> Response {
    if !same(&f.token, &s.token) {
        return refusal(
            StatusCode::FORBIDDEN,
            "Nøkkelen stemmer ikke. Start nettsiden på nytt med «arsplan serve».",
        );
    }
    let page = "<!doctype html><html lang=\"nb\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url=/\"><title>arsplan</title></head><body><main><p><a href=\"/\">Gå til nettsiden</a></p></main></body></html>";
    Response::builder()
        .status(StatusCode::OK)
        .header(header::SET_COOKIE, token_cookie(&s))
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-store")
        .header(header::REFERRER_POLICY, "no-referrer")
        .body(Body::from(page))
        .unwrap_or_default()
}

async fn not_found(Shared(s): App) -> Response {
    message(
        &s,
        StatusCode::NOT_FOUND,
        "Siden finnes ikke",
        "Gå tilbake til forsiden og velg et nettverk og et år.",
        vec![],
    )
}

pub(super) fn unknown_year(s: &State, network: &str, year: i32) -> Response {
    message(
        s,
        StatusCode::NOT_FOUND,
        "Året finnes ikke",
        &format!("Nettverket «{network}» har ingen plan for {year} i datamappen."),
        vec![],
    )
}

pub(super) fn diags(s: &State, e: &Error) -> Vec<DiagView> {
    let paths = Paths::new(&s.project);
    e.0.iter().map(|d| DiagView::new(d, &paths, None)).collect()
}

/// Runs blocking work (loading, rendering, writing) off the async threads.
pub(super) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    tokio::task::spawn_blocking(f).await.ok()
}

/// After a form was posted without script: back to `to`, with the message.
pub(super) fn back(s: &State, to: &str, f: Flash) -> Response {
    let id = s.flash(f);
    let (path, anchor) = to.split_once('#').map(|(p, a)| (p, format!("#{a}"))).unwrap_or((to, String::new()));
    let location = format!("{path}?melding={id}{anchor}");
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// A form posted to a year's page: refused unless it carries this server's
/// CSRF token and names a year the project has.
pub(super) fn posted_to_a_year(s: &State, csrf: &str, network: &str, year: i32) -> Option<Response> {
    if !same(csrf, &s.csrf) {
        return Some(csrf_refused(s));
    }
    if !site::known(&s.project, network, year) {
        return Some(unknown_year(s, network, year));
    }
    None
}

pub(super) fn csrf_refused(s: &State) -> Response {
    message(
        s,
        StatusCode::FORBIDDEN,
        "Skjemaet ble ikke tatt imot",
        "Skjemaet er for gammelt eller kom ikke fra denne siden. Last siden på nytt og prøv igjen.",
        vec![],
    )
}

#[derive(Deserialize)]
pub(super) struct FlashQuery {
    pub(super) melding: Option<u64>,
    vis: Option<String>,
    /// Where on the page the message stands: beside the form it is about
    /// (`moter`, `plan`, `historikk`, `logo`, `innstillinger`, …).
    ved: Option<String>,
}

async fn index(Shared(s): App, Query(q): Query<FlashQuery>) -> Response {
    let st = s.clone();
    match blocking(move || site::overview(&st.project)).await {
        Some(Ok(networks)) => {
            let flash = q.melding.and_then(|id| s.take_flash(id));
            let form =
                networks.is_empty().then(|| setup::new_network_form(&s.project, &Default::default(), &[]));
            page(
                &s,
                "index.html",
                context! { networks => v(&networks), flash => v(&flash), form => v(&form), data_dir => shown_dir(&s), project => shown_dir(&s) },
            )
        }
        Some(Err(e)) => {
            message(&s, StatusCode::OK, "Ingen planer å vise", "Datamappen kan ikke leses.", diags(&s, &e))
        }
        None => message(&s, StatusCode::INTERNAL_SERVER_ERROR, "Noe gikk galt", "Prøv igjen.", vec![]),
    }
}

async fn year_page(
    Shared(s): App,
    Path((network, year)): Path<(String, i32)>,
    Query(q): Query<FlashQuery>,
) -> Response {
    if !site::known(&s.project, &network, year) {
        return unknown_year(&s, &network, year);
    }
    let st = s.clone();
    let (n, y) = (network.clone(), year);
    match blocking(move || {
        site::year_view(&st.project, &n, y).map(|v| (v, super::plan::extras(&st.project, &n, y)))
    })
    .await
    {
        Some(Ok((view, x))) => {
            let flash = q.melding.and_then(|id| s.take_flash(id));
            let note_text = view
                .note_file
                .as_ref()
                .and_then(|n| site::built_file(&s.project, &network, year, n))
                .map(|b| String::from_utf8_lossy(&b).to_string());
            let ved = q.ved.filter(|w| {
                ["moter", "plan", "historikk"].contains(&w.as_str())
                    || w.strip_prefix("punkt-")
                        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            });
            page(&s, "year.html", context! { y => v(&view), flash => v(&flash), note_text, x => v(&x), ved })
        }
        Some(Err(e)) => message(&s, StatusCode::OK, "Året kan ikke vises", "", diags(&s, &e)),
        None => message(&s, StatusCode::INTERNAL_SERVER_ERROR, "Noe gikk galt", "Prøv igjen.", vec![]),
    }
}

async fn preview_json(Shared(s): App, Path((network, year)): Path<(String, i32)>) -> Response {
    if !site::known(&s.project, &network, year) {
        return (StatusCode::NOT_FOUND, Json(serde_json::json!({ "feil": "ukjent år" }))).into_response();
    }
    let st = s.clone();
    match blocking(move || st.previews.current(&st.project, &network, year).map(|p| p.info())).await {
        Some(Ok(info)) => Json(info).into_response(),
        Some(Err(e)) => Json(serde_json::json!({ "feil": diags(&s, &e) })).into_response(),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[derive(Deserialize)]
struct Version {
    v: Option<String>,
}

async fn preview_page(
    Shared(s): App,
    Path((network, year, doc, page)): Path<(String, i32, usize, usize)>,
    Query(q): Query<Version>,
) -> Response {
    if !site::known(&s.project, &network, year) || page == 0 {
        return StatusCode::NOT_FOUND.into_response();
    }
    let st = s.clone();
    match blocking(move || st.previews.page(&st.project, &network, year, doc, page - 1)).await {
        Some(Ok(Some((key, png)))) => {
            // The address names the page's content: a matching one can be kept.
            let cache =
                if q.v.as_deref() == Some(key.as_str()) { "private, max-age=86400" } else { "no-store" };
            ([(header::CONTENT_TYPE, "image/png"), (header::CACHE_CONTROL, cache)], png.as_ref().clone())
                .into_response()
        }
        Some(Ok(None)) => StatusCode::NOT_FOUND.into_response(),
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[derive(Deserialize)]
struct EditForm {
    csrf: String,
    rad: usize,
    kolonne: String,
    verdi: String,
    sha: String,
}

async fn edit_meeting(
    Shared(s): App,
    Path((network, year)): Path<(String, i32)>,
    headers: HeaderMap,
    Form(f): Form<EditForm>,
) -> Response {
    if let Some(refused) = posted_to_a_year(&s, &f.csrf, &network, year) {
        return refused;
    }
    let st = s.clone();
    let (n, col, value, sha, row) =
        (network.clone(), f.kolonne.clone(), f.verdi.clone(), f.sha.clone(), f.rad);
    let result = blocking(move || {
        let _one = st.writing.lock();
        let mut r = edit::meeting(&st.project, &n, year, row, &col, &value, &sha);
        if let Ok(e) = &mut r {
            // Every save goes into the year's history, to be undone from the page.
            if let Some(w) = super::plan::record_cell(&st.project, &n, year, e) {
                e.warnings.push(w);
            }
        }
        r
    })
    .await;
    let paths = Paths::new(&s.project);
    let view = |ds: &[crate::diag::Diagnostic]| {
        ds.iter().map(|d| DiagView::new(d, &paths, Some(row))).collect::<Vec<_>>()
    };
    let (status, ok, text, edited, errors, warnings, reload) = match result {
        Some(Ok(e)) => {
            let text = format!(
                "Lagret: {} på rad {row} er nå «{}» i {}.",
                f.kolonne,
                e.value,
                e.path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default()
            );
            let w = view(&e.warnings);
            (StatusCode::OK, true, text, Some(e), vec![], w, false)
        }
        Some(Err(Refused::Stale(why))) => {
            (StatusCode::CONFLICT, false, format!("{why}. Siden lastes på nytt."), None, vec![], vec![], true)
        }
        Some(Err(Refused::Invalid(ds))) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            false,
            "Ikke lagret: verdien følger ikke reglene.".into(),
            None,
            view(&ds),
            vec![],
            false,
        ),
        Some(Err(Refused::Failed(e))) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            false,
            "Ikke lagret.".into(),
            None,
            e.0.iter().map(|d| DiagView::new(d, &paths, Some(row))).collect(),
            vec![],
            false,
        ),
        None => (
            StatusCode::INTERNAL_SERVER_ERROR,
            false,
            "Ikke lagret: noe gikk galt.".into(),
            None,
            vec![],
            vec![],
            false,
        ),
    };
    if wants_json(&headers) {
        let body = serde_json::json!({
            "ok": ok,
            "melding": text,
            "sha256": edited.as_ref().map(|e| e.sha256.clone()),
            "verdi": edited.as_ref().map(|e| e.value.clone()),
            "feil": errors,
            "advarsler": warnings,
            "last_pa_nytt": reload,
        });
        return (status, Json(body)).into_response();
    }
    let kind = if ok { FlashKind::done(&warnings) } else { FlashKind::Error };
    let details = if ok { warnings } else { errors };
    back(&s, &format!("/aar/{network}/{year}#rad-{row}"), Flash { kind, text, details })
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn build(
    Shared(s): App,
    Path((network, year)): Path<(String, i32)>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Some(refused) = posted_to_a_year(&s, &f.csrf, &network, year) {
        return refused;
    }
    let st = s.clone();
    let n = network.clone();
    let result = blocking(move || {
        let _one = st.writing.lock();
        site::build_year(&st.project, &n, year)
    })
    .await;
    let flash = match result {
        Some(Ok(b)) => {
            let mut text = if b.unchanged {
                format!("{network} {year}: ingenting er endret siden forrige bygging; dokumentene er som de var (se «Dokumentene» lenger ned).")
            } else {
                format!("{network} {year}: dokumentene er bygget ({} skrevet). De ligger under «Dokumentene» lenger ned, klare til å lastes ned.", crate::diag::count(b.written, "fil", "filer"))
            };
            for c in &b.changes {
                text.push_str(&format!(" Endret: {c}."));
            }
            Flash { kind: FlashKind::done(&b.warnings), text, details: b.warnings }
        }
        Some(Err(e)) => Flash {
            kind: FlashKind::Error,
            text: format!("{network} {year}: dokumentene ble ikke bygget; de forrige filene står urørt. Rett feilene under og bygg igjen."),
            details: diags(&s, &e),
        },
        None => Flash { kind: FlashKind::Error, text: "Noe gikk galt under byggingen.".into(), details: vec![] },
    };
    // The result where the eye is: under the button that was pressed.
    back(&s, &format!("/aar/{network}/{year}#resultat"), flash)
}

/// A file as a download under a safe name.
fn attachment(name: &str, kind: &str, bytes: Vec<u8>) -> Response {
    let safe: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .collect();
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{safe}\"")),
        ],
        bytes,
    )
        .into_response()
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, e)| e) {
        Some("pdf") => "application/pdf",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("txt") => "text/plain; charset=utf-8",
        Some("eml") => "message/rfc822",
        Some("zip") => "application/zip",
        _ => "application/octet-stream",
    }
}

async fn download(Shared(s): App, Path((network, year, name)): Path<(String, i32, String)>) -> Response {
    if !site::known(&s.project, &network, year) {
        return unknown_year(&s, &network, year);
    }
    let st = s.clone();
    let n = name.clone();
    match blocking(move || site::built_file(&st.project, &network, year, &n)).await.flatten() {
        Some(bytes) => attachment(&name, content_type(&name), bytes),
        None => message(&s, StatusCode::NOT_FOUND, "Filen finnes ikke", "Bygg dokumentene først.", vec![]),
    }
}

/// An endringsversjon since the last sending, made on request.
async fn download_revision(
    Shared(s): App,
    Path((network, year, name)): Path<(String, i32, String)>,
) -> Response {
    if !site::known(&s.project, &network, year) {
        return unknown_year(&s, &network, year);
    }
    let st = s.clone();
    let n = name.clone();
    let today = crate::send::oslo(std::time::SystemTime::now()).date_naive();
    match blocking(move || crate::revise::download(&st.project, &network, year, &n, today)).await.flatten() {
        Some(bytes) => attachment(&name, content_type(&name), bytes),
        None => message(
            &s,
            StatusCode::NOT_FOUND,
            "Ingen endringsversjon",
            "Ingenting i dokumentet er endret siden utsendingen, eller året er ikke sendt ennå.",
            vec![],
        ),
    }
}

async fn download_zip(Shared(s): App, Path((network, year)): Path<(String, i32)>) -> Response {
    if !site::known(&s.project, &network, year) {
        return unknown_year(&s, &network, year);
    }
    let st = s.clone();
    let n = network.clone();
    match blocking(move || site::documents_zip(&st.project, &n, year)).await {
        Some(Ok(zip)) => attachment(&format!("{network}-{year}-dokumenter.zip"), "application/zip", zip),
        Some(Err(e)) => message(&s, StatusCode::NOT_FOUND, "Ingen dokumenter", "", diags(&s, &e)),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn note(Shared(s): App, Path((network, year)): Path<(String, i32)>) -> Response {
    if !site::known(&s.project, &network, year) {
        return unknown_year(&s, &network, year);
    }
    let st = s.clone();
    let n = network.clone();
    let view = blocking(move || site::year_view(&st.project, &n, year)).await;
    let text = match view {
        Some(Ok(v)) => v
            .note
            .map(String::into_bytes)
            .or_else(|| v.note_file.and_then(|f| site::built_file(&s.project, &network, year, &f))),
        _ => None,
    };
    match text {
        Some(t) => attachment(&format!("endringsnotat-{year}.txt"), "text/plain; charset=utf-8", t),
        None => message(
            &s,
            StatusCode::NOT_FOUND,
            "Ingen endringer",
            "Ingen møter er endret siden forrige bygging.",
            vec![],
        ),
    }
}

async fn send_page(
    Shared(s): App,
    Path((network, year)): Path<(String, i32)>,
    Query(q): Query<FlashQuery>,
) -> Response {
    if !site::known(&s.project, &network, year) {
        return unknown_year(&s, &network, year);
    }
    let flash = q.melding.and_then(|id| s.take_flash(id));
    let prepared = s.mailings.prepared(&network, year);
    let overview = prepared.as_ref().map(|p| p.overview(&s.project));
    let shown = prepared.as_ref().and_then(|p| p.message(q.vis.as_deref()));
    let progress = s.mailings.sending(&network, year).map(|x| x.progress());
    let st = s.clone();
    let n = network.clone();
    let view = blocking(move || site::year_view(&st.project, &n, year)).await.and_then(|v| v.ok());
    let title = view.as_ref().map(|v| v.title.clone()).unwrap_or_default();
    let network_name = view.as_ref().map(|v| v.network_name.clone()).unwrap_or_else(|| network.clone());
    let errors = view.as_ref().map(|v| v.errors).unwrap_or(0);
    let plan_word = view.as_ref().map(|v| v.plan_word.clone()).unwrap_or_else(|| "planen".into());
    let report_year = view.as_ref().and_then(|v| v.report_year);
    let recipients_file = view.as_ref().and_then(|v| v.recipients_file.clone());
    // Only the files she has: the plan, the report if there is one, the recipient register as it is named.
    let mut documents: Vec<String> = view.as_ref().and_then(|v| v.plan_pdf.clone()).into_iter().collect();
    if let Some(r) = report_year {
        documents.push(format!("{}.pdf", crate::build::report_stem(r)));
    }
    let ledger = crate::send::Ledger::read(
        &crate::send::dir(&s.project.output, &network, year).join("sendelogg.json"),
    )
    .unwrap_or_default();
    let unconfirmed: Vec<String> =
        ledger.unconfirmed_drafts().iter().map(|d| d.kommunenummer.clone()).collect();
    let sender_missing = s.project.profile(&network).is_ok_and(|p| p.sender.is_none());
    page(
        &s,
        "send.html",
        context! {
            network, year, title, network_name, errors, plan_word, report_year, recipients_file, documents, unconfirmed, sender_missing,
            flash => v(&flash), overview => v(&overview), shown => v(&shown), progress => v(&progress),
            password_in_env => crate::send::password_from_env().is_some(),
        },
    )
}

#[derive(Deserialize)]
struct PrepareForm {
    csrf: String,
    uverifiserte: Option<String>,
}

/// What the prepare and drafts handlers share: refused while a send of the
/// year goes on; otherwise the mailing is made (with drafts or not) on a
/// blocking thread, one writer at a time, `then` runs on it, and the mailing
/// is kept for the page. On a failure, the send page with `failed` and the
/// diagnostics.
async fn make_mailing<T: Send + 'static>(
    s: &Arc<State>,
    (network, year): (&str, i32),
    include_unverified: bool,
    drafts: bool,
    failed: &str,
    then: impl FnOnce(&mail::PreparedMailing) -> Result<T> + Send + 'static,
) -> std::result::Result<T, Response> {
    let to = format!("/utsending/{network}/{year}");
    let refuse = |text: String, details| back(s, &to, Flash { kind: FlashKind::Error, text, details });
    if s.mailings.busy(network, year) {
        return Err(refuse("En sending pågår; vent til den er ferdig.".into(), vec![]));
    }
    let st = s.clone();
    let n = network.to_string();
    let made = blocking(move || {
        let _one = st.writing.lock();
        let p = mail::prepare(&st.project, &n, year, include_unverified, drafts)?;
        let t = then(&p)?;
        Ok::<_, Error>((p, t))
    })
    .await;
    match made {
        Some(Ok((p, t))) => {
            if let Ok(mut m) = s.mailings.prepared.lock() {
                m.insert((network.to_string(), year), Arc::new(p));
            }
            Ok(t)
        }
        Some(Err(e)) => Err(refuse(failed.into(), diags(s, &e))),
        None => Err(StatusCode::INTERNAL_SERVER_ERROR.into_response()),
    }
}

async fn send_prepare(
    Shared(s): App,
    Path((network, year)): Path<(String, i32)>,
    Form(f): Form<PrepareForm>,
) -> Response {
    if let Some(refused) = posted_to_a_year(&s, &f.csrf, &network, year) {
        return refused;
    }
    let include = f.uverifiserte.is_some();
    let failed = "Oversikten kunne ikke lages; ingenting er sendt.";
    if let Err(r) = make_mailing(&s, (&network, year), include, false, failed, |_| Ok(())).await {
        return r;
    }
    // A finished send's progress belongs to the overview before this one.
    s.mailings.forget_finished(&network, year);
    back(
        &s,
        &format!("/utsending/{network}/{year}"),
        Flash {
            kind: FlashKind::Ok,
            text: "Oversikten er laget (prøvekjøring: ingenting er sendt).".into(),
            details: vec![],
        },
    )
}

#[derive(Deserialize)]
struct SendForm {
    csrf: String,
    versjon: String,
    antall: usize,
    uverifiserte: Option<String>,
    tjener: String,
    port: Option<String>,
    sikkerhet: String,
    bruker: Option<String>,
    passord: Option<String>,
    bekreft: Option<String>,
}

async fn send_start(
    Shared(s): App,
    Path((network, year)): Path<(String, i32)>,
    Form(f): Form<SendForm>,
) -> Response {
    if let Some(refused) = posted_to_a_year(&s, &f.csrf, &network, year) {
        return refused;
    }
    let to = format!("/utsending/{network}/{year}");
    let refuse = |text: &str, details: Vec<DiagView>| {
        back(&s, &to, Flash { kind: FlashKind::Error, text: text.into(), details })
    };
    if f.bekreft.as_deref() != Some("ja") {
        return refuse("Kryss av for at du vil sende; ingenting er sendt.", vec![]);
    }
    let host = f.tjener.trim().to_string();
    if host.is_empty() {
        return refuse("Skriv inn SMTP-tjeneren; ingenting er sendt.", vec![]);
    }
    let port = match f.port.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => match p.parse::<u16>() {
            Ok(p) => Some(p),
            Err(_) => return refuse(&format!("«{p}» er ikke et portnummer; ingenting er sendt."), vec![]),
        },
        None => None,
    };
    let user = f.bruker.as_deref().map(str::trim).filter(|u| !u.is_empty()).map(str::to_string);
    let password = match (&user, f.passord.filter(|p| !p.is_empty())) {
        (None, _) => None,
        (Some(_), Some(p)) => Some(p),
        (Some(_), None) => crate::send::password_from_env(),
    };
    if user.is_some() && password.is_none() {
        return refuse("Skriv inn passordet for innloggingen; ingenting er sendt.", vec![]);
    }
    let security = match crate::send::Security::parse(&f.sikkerhet) {
        Ok(security) => security,
        Err(e) => return refuse("Ingenting er sendt.", diags(&s, &e)),
    };
    let port = port.unwrap_or(security.default_port());
    let smtp = crate::send::Smtp { host, port, security, user, password, ca_file: None };
    let confirmed = mail::Confirmed {
        version: f.versjon.clone(),
        to_send: f.antall,
        include_unverified: f.uverifiserte.is_some(),
    };
    // Checked and registered in one step: a second click waits for nothing
    // and is refused.
    let Some(sending) = s.mailings.claim(&network, year) else {
        return refuse("En sending pågår allerede.", vec![]);
    };
    let st = s.clone();
    let n = network.clone();
    let claimed = sending.clone();
    let started = blocking(move || {
        let _one = st.writing.lock();
        mail::start(&st.project, &n, year, &confirmed, smtp, claimed)
    })
    .await;
    if !matches!(started, Some(Ok(()))) {
        s.mailings.drop_send(&network, year, &sending);
    }
    match started {
        Some(Ok(())) => {
            // The overview is out of date once the ledger changes.
            if let Ok(mut m) = s.mailings.prepared.lock() {
                m.remove(&(network.clone(), year));
            }
            back(
                &s,
                &format!("{to}#fremdrift"),
                Flash { kind: FlashKind::Ok, text: "Sendingen er startet.".into(), details: vec![] },
            )
        }
        Some(Err(e)) => refuse("Ingenting er sendt.", diags(&s, &e)),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn send_progress(Shared(s): App, Path((network, year)): Path<(String, i32)>) -> Response {
    match s.mailings.sending(&network, year) {
        Some(x) => Json(x.progress()).into_response(),
        None => (StatusCode::NOT_FOUND, Json(serde_json::json!({ "feil": "ingen sending" }))).into_response(),
    }
}

async fn send_drafts(
    Shared(s): App,
    Path((network, year)): Path<(String, i32)>,
    Form(f): Form<PrepareForm>,
) -> Response {
    if let Some(refused) = posted_to_a_year(&s, &f.csrf, &network, year) {
        return refused;
    }
    let include = f.uverifiserte.is_some();
    match make_mailing(&s, (&network, year), include, true, "Ingen utkast ble laget.", mail::drafts_zip).await
    {
        Ok(zip) => attachment(&format!("utkast-{network}-{year}.zip"), "application/zip", zip),
        Err(r) => r,
    }
}

async fn send_file(s: Arc<State>, network: String, year: i32, number: String, eml: bool) -> Response {
    match s.mailings.prepared(&network, year).and_then(|p| p.file(&number, eml)) {
        Some((name, bytes)) => attachment(&name, content_type(&name), bytes),
        None => message(&s, StatusCode::NOT_FOUND, "Filen finnes ikke", "Lag oversikten først.", vec![]),
    }
}

async fn send_letter(Shared(s): App, Path((network, year, number)): Path<(String, i32, String)>) -> Response {
    send_file(s, network, year, number, false).await
}

async fn send_eml(Shared(s): App, Path((network, year, number)): Path<(String, i32, String)>) -> Response {
    send_file(s, network, year, number, true).await
}

/// The data folder as the page shows it.
pub(super) fn shown_dir(s: &State) -> String {
    std::fs::canonicalize(&s.project.data).unwrap_or_else(|_| s.project.data.clone()).display().to_string()
}

/// A form posted as names and values, with its CSRF token checked.
pub(super) type Posted = std::collections::BTreeMap<String, String>;

pub(super) fn csrf_ok(s: &State, f: &Posted) -> bool {
    f.get("csrf").is_some_and(|c| same(c, &s.csrf))
}

/// Whether the project has a network of this name (nothing else is looked up).
pub(super) fn known_network(s: &State, network: &str) -> bool {
    s.project.networks().is_ok_and(|n| n.iter().any(|x| x == network))
}

pub(super) fn unknown_network(s: &State, network: &str) -> Response {
    message(
        s,
        StatusCode::NOT_FOUND,
        "Nettverket finnes ikke",
        &format!("Datamappen har ikke noe nettverk «{network}»."),
        vec![],
    )
}

/// The files a setup wrote, as a leader reads them.
pub(super) fn files_text(s: &State, files: &[std::path::PathBuf]) -> String {
    let paths = Paths::new(&s.project);
    files.iter().map(|f| paths.show(f)).collect::<Vec<_>>().join(", ")
}

async fn new_network_page(Shared(s): App) -> Response {
    let form = setup::new_network_form(&s.project, &Default::default(), &[]);
    page(&s, "new.html", context! { form => v(&form), data_dir => shown_dir(&s) })
}

async fn new_network(Shared(s): App, Form(f): Form<Posted>) -> Response {
    if !csrf_ok(&s, &f) {
        return csrf_refused(&s);
    }
    let st = s.clone();
    let posted = f.clone();
    let made = blocking(move || {
        let _one = st.writing.lock();
        setup::new_network(&st.project, &posted)
    })
    .await;
    match made {
        Some(Ok((folder, year, _made))) => {
            let text = format!(
                "Nettverket «{folder}» er laget for {year}, med eksempler på møter og planpunkter som du skriver over her på siden (møtetabellen og «Planens innhold») eller i Excel («Møtene i Excel», «Planen i Excel»). Trykk så «Bygg dokumentene»."
            );
            back(
                &s,
                &format!("/aar/{folder}/{year}#resultat"),
                Flash { kind: FlashKind::Ok, text, details: vec![] },
            )
        }
        Some(Err(problems)) => {
            let form = setup::new_network_form(&s.project, &f, &problems);
            let mut r = page(&s, "new.html", context! { form => v(&form), data_dir => shown_dir(&s) });
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            r
        }
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A network's page: its years, a new year, and its settings as a form.
fn network_response(
    s: &Arc<State>,
    network: &str,
    posted: Option<&Posted>,
    problems: &[Problem],
    flash: Option<Flash>,
    ved: &str,
) -> Response {
    let view = setup::network_view(&s.project, network);
    let form = setup::network_form(&s.project, network, posted, problems);
    match (view, form) {
        (Ok(n), Ok(form)) => {
            let file = Paths::new(&s.project).show(&s.project.data.join(network).join("nettverk.toml"));
            let logo = super::uploads::current_logo(&s.project, network)
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().to_string()));
            let recipients = super::recipients::view(&s.project, network).ok();
            let mut r = page(
                s,
                "network.html",
                context! { n => v(&n), form => v(&form), flash => v(&flash), file, ved, logo, recipients => v(&recipients),
                logo_mb => super::uploads::LOGO_LIMIT / (1024 * 1024), template_mb => super::uploads::TEMPLATE_LIMIT / (1024 * 1024) },
            );
            if !problems.is_empty() {
                *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            }
            r
        }
        (Err(e), _) | (_, Err(e)) => {
            message(s, StatusCode::OK, "Innstillingene kan ikke vises", "", diags(s, &e))
        }
    }
}

async fn network_page(Shared(s): App, Path(network): Path<String>, Query(q): Query<FlashQuery>) -> Response {
    if !known_network(&s, &network) {
        return unknown_network(&s, &network);
    }
    let flash = q.melding.and_then(|id| s.take_flash(id));
    let st = s.clone();
    let ved: String = q
        .ved
        .filter(|v| v.len() < 40 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or_default();
    blocking(move || network_response(&st, &network, None, &[], flash, &ved))
        .await
        .unwrap_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

async fn save_network(Shared(s): App, Path(network): Path<String>, Form(f): Form<Posted>) -> Response {
    if !csrf_ok(&s, &f) {
        return csrf_refused(&s);
    }
    if !known_network(&s, &network) {
        return unknown_network(&s, &network);
    }
    let st = s.clone();
    let (n, posted) = (network.clone(), f.clone());
    let saved = blocking(move || {
        let _one = st.writing.lock();
        // Recorded in the network's history (shown on every year's page), so
        // a settings save can be undone like any other save.
        // Only nettverk.toml: the workbooks' group lists follow it at the next
        // save, and a workbook in the history would block undoing meeting edits.
        let toml = st.project.data.join(&n).join("nettverk.toml");
        let before = super::files::Before::of(std::slice::from_ref(&toml));
        let saved = setup::save_network(&st.project, &n, &posted)?;
        if saved.changed.contains(&toml) {
            before.record(&st.project, &n, None, &[toml], "Innstillingene for nettverket");
        }
        Ok::<_, Vec<setup::Problem>>(saved)
    })
    .await;
    match saved {
        Some(Ok(saved)) => {
            let text = if saved.changed.is_empty() {
                format!("Innstillingene for {network} er uendret.")
            } else {
                format!(
                    "Innstillingene for {network} er lagret i {}. Du kan angre det under «Historikk» på årets side.",
                    files_text(&s, &saved.changed)
                )
            };
            let paths = Paths::new(&s.project);
            let details: Vec<DiagView> =
                saved.warnings.iter().map(|d| DiagView::new(d, &paths, None)).collect();
            let kind = FlashKind::done(&details);
            super::editing::back_at(
                &s,
                &format!("/nettverk/{network}"),
                "innstillinger",
                Flash { kind, text, details },
            )
        }
        Some(Err(problems)) => {
            let st = s.clone();
            let flash = Flash {
                kind: FlashKind::Error,
                text: "Ikke lagret: se feilene ved feltene under.".into(),
                details: vec![],
            };
            blocking(move || {
                network_response(&st, &network, Some(&f), &problems, Some(flash), "innstillinger-feil")
            })
            .await
            .unwrap_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn new_year(Shared(s): App, Path(network): Path<String>, Form(f): Form<Posted>) -> Response {
    if !csrf_ok(&s, &f) {
        return csrf_refused(&s);
    }
    if !known_network(&s, &network) {
        return unknown_network(&s, &network);
    }
    let Some(year) = f.get("aar").and_then(|y| y.trim().parse::<i32>().ok()) else {
        let text = format!(
            "«{}» er ikke et årstall; ingenting er laget.",
            f.get("aar").cloned().unwrap_or_default()
        );
        return super::editing::back_at(
            &s,
            &format!("/nettverk/{network}"),
            "nytt-aar",
            Flash { kind: FlashKind::Error, text, details: vec![] },
        );
    };
    let st = s.clone();
    let n = network.clone();
    let made = blocking(move || {
        let _one = st.writing.lock();
        setup::new_year(&st.project, &n, year)
    })
    .await;
    match made {
        Some(Ok(m)) => {
            let paths = Paths::new(&s.project);
            let text =
                format!("{network} {year} er laget: {}. {}", files_text(&s, &m.written), m.next.join(" "));
            let details = m.warnings.iter().map(|d| DiagView::new(d, &paths, None)).collect::<Vec<_>>();
            let kind = FlashKind::done(&details);
            back(&s, &format!("/aar/{network}/{year}#resultat"), Flash { kind, text, details })
        }
        Some(Err(e)) => super::editing::back_at(
            &s,
            &format!("/nettverk/{network}"),
            "nytt-aar",
            Flash {
                kind: FlashKind::Error,
                text: format!("{network} {year} ble ikke laget; ingenting er endret."),
                details: diags(&s, &e),
            },
        ),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn year_settings_response(
    s: &Arc<State>,
    network: &str,
    year: i32,
    posted: Option<&Posted>,
    problems: &[Problem],
    flash: Option<Flash>,
) -> Response {
    match setup::year_form(&s.project, network, year, posted, problems) {
        Ok(form) => {
            let file = Paths::new(&s.project)
                .show(&s.project.data.join(network).join(year.to_string()).join("plan.toml"));
            let name = setup::network_view(&s.project, network)
                .map(|n| n.name)
                .unwrap_or_else(|_| network.to_string());
            let mut r = page(
                s,
                "year_settings.html",
                context! { network, year, name, file, form => v(&form), flash => v(&flash) },
            );
            if !problems.is_empty() {
                *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            }
            r
        }
        Err(e) => message(s, StatusCode::OK, "Innstillingene kan ikke vises", "", diags(s, &e)),
    }
}

async fn year_settings_page(
    Shared(s): App,
    Path((network, year)): Path<(String, i32)>,
    Query(q): Query<FlashQuery>,
) -> Response {
    if !site::known(&s.project, &network, year) {
        return unknown_year(&s, &network, year);
    }
    let flash = q.melding.and_then(|id| s.take_flash(id));
    let st = s.clone();
    blocking(move || year_settings_response(&st, &network, year, None, &[], flash))
        .await
        .unwrap_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

async fn save_year_settings(
    Shared(s): App,
    Path((network, year)): Path<(String, i32)>,
    Form(f): Form<Posted>,
) -> Response {
    if let Some(refused) =
        posted_to_a_year(&s, f.get("csrf").map(String::as_str).unwrap_or(""), &network, year)
    {
        return refused;
    }
    let st = s.clone();
    let (n, posted) = (network.clone(), f.clone());
    let saved = blocking(move || {
        let _one = st.writing.lock();
        let path = st.project.data.join(&n).join(year.to_string()).join("plan.toml");
        let before = std::fs::read(&path).ok();
        let saved = setup::save_year(&st.project, &n, year, &posted)?;
        // Recorded in the year's history, so the page can undo it like any save.
        let unrecorded = if saved.changed.is_empty() {
            None
        } else {
            let after = std::fs::read(&path).ok();
            crate::history::record_file(
                &st.project,
                &n,
                crate::history::Scope::Year(year),
                &path,
                before.as_deref(),
                after.as_deref(),
                &format!("Innstillinger for {year}"),
            )
            .err()
        };
        Ok::<_, Vec<setup::Problem>>((saved, unrecorded))
    })
    .await;
    match saved {
        Some(Ok((saved, unrecorded))) => {
            let text = if saved.changed.is_empty() {
                format!("Innstillingene for {network} {year} er uendret.")
            } else {
                format!("Innstillingene for {network} {year} er lagret i {}. Trykk «Bygg dokumentene» for å få dem med. Du kan angre det under «Historikk».", files_text(&s, &saved.changed))
            };
            let kind = if unrecorded.is_some() { FlashKind::Warning } else { FlashKind::Ok };
            let text = match unrecorded {
                Some(e) => format!("{text} (Ikke ført i historikken: {e})"),
                None => text,
            };
            back(&s, &format!("/aar/{network}/{year}#resultat"), Flash { kind, text, details: vec![] })
        }
        Some(Err(problems)) => {
            let st = s.clone();
            let flash = Flash {
                kind: FlashKind::Error,
                text: "Ikke lagret: se feilene ved feltene under.".into(),
                details: vec![],
            };
            blocking(move || year_settings_response(&st, &network, year, Some(&f), &problems, Some(flash)))
                .await
                .unwrap_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn drafts_sent(
    Shared(s): App,
    Path((network, year)): Path<(String, i32)>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Some(refused) = posted_to_a_year(&s, &f.csrf, &network, year) {
        return refused;
    }
    let st = s.clone();
    let n = network.clone();
    let done = blocking(move || {
        let _one = st.writing.lock();
        crate::mailing::confirm_drafts(&st.project, &n, year, None)
    })
    .await;
    // The overview is out of date once the ledger changes.
    if let Ok(mut m) = s.mailings.prepared.lock() {
        m.remove(&(network.clone(), year));
    }
    let to = format!("/utsending/{network}/{year}#resultat");
    let flash = match done {
        Some(Ok(c)) if c.drafts.is_empty() => Flash { kind: FlashKind::Ok, text: "Ingen utkast å bekrefte: alle er alt ført som sendt.".into(), details: vec![] },
        Some(Ok(c)) => Flash {
            kind: FlashKind::Ok,
            text: format!(
                "{network} {year}: {} ført som sendt fra Outlook ({}), til kommunenummer {}. Endres planen etter dette, sendes den som rettet versjon.",
                crate::diag::count(c.drafts.len(), "utkast", "utkast"),
                crate::diag::and_list(&c.documents),
                c.drafts.iter().map(|d| d.kommunenummer.as_str()).collect::<Vec<_>>().join(", ")
            ),
            details: vec![],
        },
        Some(Err(e)) => Flash { kind: FlashKind::Error, text: "Ingenting er ført som sendt.".into(), details: diags(&s, &e) },
        None => Flash { kind: FlashKind::Error, text: "Noe gikk galt.".into(), details: vec![] },
    };
    back(&s, &to, flash)
}

#[derive(Deserialize)]
struct OpenForm {
    csrf: String,
    fil: String,
}

/// Opens the year's workbook or folder on this machine (Excel, Explorer):
/// the leader need not know where the files are.
async fn open_file(
    Shared(s): App,
    Path((network, year)): Path<(String, i32)>,
    Form(f): Form<OpenForm>,
) -> Response {
    if let Some(refused) = posted_to_a_year(&s, &f.csrf, &network, year) {
        return refused;
    }
    let to = format!("/aar/{network}/{year}#resultat");
    let Some(path) = setup::openable(&s.project, &network, year, &f.fil) else {
        let text = "Filen finnes ikke (ennå).".to_string();
        return back(&s, &to, Flash { kind: FlashKind::Error, text, details: vec![] });
    };
    let shown = std::fs::canonicalize(&path).unwrap_or(path.clone()).display().to_string();
    let flash = match setup::open(&path) {
        Ok(()) => Flash {
            kind: FlashKind::Ok,
            text: format!(
                "Åpnet {shown}. Lagre og lukk den når du er ferdig, og trykk så «Bygg dokumentene»."
            ),
            details: vec![],
        },
        Err(e) => Flash {
            kind: FlashKind::Error,
            text: format!("Kunne ikke åpne {shown}."),
            details: diags(&s, &e),
        },
    };
    back(&s, &to, flash)
}
