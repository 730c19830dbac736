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
    let too_big = format!(
        "Filen er større enn {} MB. En årsplan er vanligvis under 5 MB; lagre den uten store bilder og prøv igjen.",
        LIMIT / (1024 * 1024)
    );
    let mut form = match super::multipart::read(body, "fil").await {
        Ok(f) => f,
        Err(why) => return refused(&s, why.status(), &why.text(&too_big)),
    };
    if !form.token_ok(&s) {
        return message(
            &s,
            StatusCode::FORBIDDEN,
            "Skjemaet ble ikke tatt imot",
            "Skjemaet er for gammelt eller kom ikke fra denne siden. Last siden på nytt og prøv igjen.",
            vec![],
        );
    }
    let network = form.field("nettverk").map(str::to_string);
    let year = form.field("aar").map(str::to_string);
    let style = form.field("stil").map(str::to_string);
    let csv = form.fields.contains_key("csv");
    let file = form.take_file();
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
    let Some((file_name, bytes)) = file else {
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
