//! The files' fingerprints a page polls to notice an edit made in another
//! window or in Excel (the year's meetings and plan, the year's texts, the
//! network's recipients): each is the sha256 of a file's bytes, or of a
//! folder's files ([`crate::manifest::fingerprints`], as the build sees
//! them). The page carries the fingerprint it was made from and reloads the
//! part whose file changed (app.js, `pollFiles`).

use std::path::Path;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::routes::blocking;
use crate::build::Paths;
use crate::manifest::{self, Read};

/// The sha256 of a file's bytes, None when it cannot be read (not there).
pub fn file_sha(path: &Path) -> Option<String> {
    std::fs::read(path).ok().map(|b| manifest::sha256(&b))
}

/// The files directly in `dir` by name, with their sha256; and one
/// fingerprint of them all (which changes when a file is added, removed
/// or changed; "" for a folder without files).
pub fn folder_shas(paths: &Paths, dir: &Path) -> (String, Vec<(String, String)>) {
    let files = manifest::fingerprints(paths, &[Read::FilesIn(paths.show(dir))]);
    let by_name: Vec<(String, String)> = files
        .iter()
        .filter_map(|(shown, sha)| {
            let name = Path::new(shown).file_name()?.to_str()?.to_string();
            Some((name, sha.clone()))
        })
        .collect();
    if by_name.is_empty() {
        return (String::new(), by_name);
    }
    let all: String = by_name.iter().map(|(n, s)| format!("{n}\t{s}\n")).collect();
    (manifest::sha256(all.as_bytes()), by_name)
}

/// The answer to a page's poll: the fingerprints `f` gives, read on a
/// blocking thread.
pub async fn answer(f: impl FnOnce() -> serde_json::Value + Send + 'static) -> Response {
    match blocking(f).await {
        Some(j) => Json(j).into_response(),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
