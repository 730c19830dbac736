//! The import on the page: last year's Word file uploaded (a multipart form
//! with the CSRF token, behind the same guard as every request, with a size
//! limit of its own), imported as `arsplan importer` does it, and the report
//! shown. The file's name is only shown; nothing is read from or written to
//! a path the request names (the network is a folder name arsplan checks).

use std::sync::Arc;

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State as Shared};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::context;

use super::pages::{message, page, v};
use super::routes::same;
use super::site::DiagView;
use super::State;
use crate::build::Paths;
use crate::import::Options;
use crate::templates::Sources;

/// The largest Word file taken (an årsplan is well under 5 MB; pictures can add some).
pub const LIMIT: usize = 20 * 1024 * 1024;

/// The extractor of the server's shared state.
type App = Shared<Arc<State>>;

/// The form: a Word file, the network, and optionally the year and the style.
pub async fn form(Shared(s): App) -> Response {
    let networks = s.project.networks().unwrap_or_default();
    let styles = Sources::new(vec![s.project.templates.clone()]).styles();
    page(&s, "import.html", context! { networks, styles, limit_mb => LIMIT / (1024 * 1024) })
}

fn refused(s: &State, status: StatusCode, text: &str) -> Response {
    message(s, status, "Filen ble ikke importert", text, vec![])
}

/// The upload: read, checked, imported, and the report shown.
pub async fn upload(Shared(s): App, body: Result<Multipart, MultipartRejection>) -> Response {
    let Ok(mut parts) = body else {
        return refused(
            &s,
            StatusCode::BAD_REQUEST,
            "Skjemaet kunne ikke leses. Last siden på nytt og prøv igjen.",
        );
    };
    let (mut csrf, mut network, mut year, mut style, mut csv) = (None, None, None, None, false);
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match parts.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return refused(
                    &s,
                    StatusCode::PAYLOAD_TOO_LARGE,
                    &format!("Filen er større enn {} MB. En årsplan er vanligvis under 5 MB; lagre den uten store bilder og prøv igjen.", LIMIT / (1024 * 1024)),
                )
            }
            Err(_) => return refused(&s, StatusCode::BAD_REQUEST, "Skjemaet kom ikke helt fram. Prøv igjen."),
        };
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = match field.bytes().await {
            Ok(b) => b.to_vec(),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return refused(
                    &s,
                    StatusCode::PAYLOAD_TOO_LARGE,
                    &format!("Filen er større enn {} MB. En årsplan er vanligvis under 5 MB; lagre den uten store bilder og prøv igjen.", LIMIT / (1024 * 1024)),
                )
            }
            Err(_) => return refused(&s, StatusCode::BAD_REQUEST, "Skjemaet kom ikke helt fram. Prøv igjen."),
        };
        let text = || String::from_utf8_lossy(&bytes).trim().to_string();
        match name.as_str() {
            "csrf" => csrf = Some(text()),
            "nettverk" => network = Some(text()),
            "aar" => year = Some(text()).filter(|t| !t.is_empty()),
            "stil" => style = Some(text()).filter(|t| !t.is_empty()),
            "csv" => csv = true,
            "fil" => {
                // Only the name's last part, and only to show it.
                let shown =
                    file_name.unwrap_or_default().rsplit(['/', '\\']).next().unwrap_or("").to_string();
                file = Some((shown, bytes));
            }
            _ => {}
        }
    }
    if !csrf.as_deref().is_some_and(|c| same(c, &s.csrf)) {
        return message(
            &s,
            StatusCode::FORBIDDEN,
            "Skjemaet ble ikke tatt imot",
            "Skjemaet er for gammelt eller kom ikke fra denne siden. Last siden på nytt og prøv igjen.",
            vec![],
        );
    }
    let Some(network) = network.filter(|n| !n.is_empty()) else {
        return refused(
            &s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Skriv inn nettverket (mappenavnet, for eksempel fonna).",
        );
    };
    let year = match year.map(|y| y.parse::<i32>()) {
        None => None,
        Some(Ok(y)) => Some(y),
        Some(Err(_)) => {
            return refused(
                &s,
                StatusCode::UNPROCESSABLE_ENTITY,
                "Året må være et årstall, for eksempel 2027, eller stå tomt.",
            )
        }
    };
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return refused(&s, StatusCode::UNPROCESSABLE_ENTITY, "Velg Word-filen med planen (.docx).");
    };
    let lower = file_name.to_lowercase();
    if !(lower.ends_with(".docx") || lower.ends_with(".docm") || lower.ends_with(".dotx")) {
        return refused(
            &s,
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("«{file_name}» er ikke et Word-dokument (.docx). Åpne den i Word og lagre den som Word-dokument."),
        );
    }
    let opts = Options { network: network.clone(), year, style, csv };
    let st = s.clone();
    let name = file_name.clone();
    let result = tokio::task::spawn_blocking(move || {
        let _one = st.writing.lock();
        st.project.import(&bytes, &name, &opts)
    })
    .await;
    let paths = Paths::new(&s.project);
    match result {
        Ok(Ok(imported)) => page(
            &s,
            "import.html",
            context! {
                done => true,
                file_name,
                network => imported.network,
                year => imported.year,
                summary => imported.summary,
                report => imported.report,
                written => imported.written.iter().map(|p| paths.show(p)).collect::<Vec<_>>(),
                warnings => v(&imported.warnings.iter().map(|d| DiagView::new(d, &paths, None)).collect::<Vec<_>>()),
            },
        ),
        Ok(Err(e)) => message(
            &s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Filen ble ikke importert",
            "Ingenting er skrevet.",
            e.0.iter().map(|d| DiagView::new(d, &paths, None)).collect(),
        ),
        Err(_) => message(&s, StatusCode::INTERNAL_SERVER_ERROR, "Noe gikk galt", "Prøv igjen.", vec![]),
    }
}
