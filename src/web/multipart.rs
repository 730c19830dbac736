//! An upload form (multipart) read whole: its text fields and its one file,
//! within the size limit its route set. The import, the logo and the Word
//! template read their forms here; each says the refusals in its own words.

use std::collections::BTreeMap;

use axum::extract::multipart::MultipartRejection;
use axum::extract::Multipart;
use axum::http::StatusCode;

use super::routes::same;
use super::State;

/// A form as posted.
pub struct Upload {
    /// The text fields, trimmed (a field posted twice: the last).
    pub fields: BTreeMap<String, String>,
    /// The file: the last part of its name (only ever shown) and its bytes.
    pub file: Option<(String, Vec<u8>)>,
}

impl Upload {
    /// Whether the form carries the page's CSRF token.
    pub fn token_ok(&self, s: &State) -> bool {
        self.fields.get("csrf").is_some_and(|c| same(c, &s.csrf))
    }

    /// A text field, None when absent or empty.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str).filter(|t| !t.is_empty())
    }

    /// The file, when one was chosen (a form sent without one posts an empty part).
    pub fn take_file(&mut self) -> Option<(String, Vec<u8>)> {
        self.file.take().filter(|(_, b)| !b.is_empty())
    }
}

/// Why a form was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unread {
    /// Not a multipart form at all.
    Unreadable,
    /// Larger than the route's limit.
    TooBig,
    /// Cut off on the way.
    Broken,
}

impl Unread {
    /// The refusal in words; `too_big` says the limit as the route wants it said.
    pub fn text(self, too_big: &str) -> String {
        match self {
            Unread::Unreadable => "Skjemaet kunne ikke leses. Last siden på nytt og prøv igjen.".into(),
            Unread::TooBig => too_big.to_string(),
            Unread::Broken => "Skjemaet kom ikke helt fram. Prøv igjen.".into(),
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            Unread::TooBig => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

/// Reads the form; the part named `file_field` is the file.
pub async fn read(body: Result<Multipart, MultipartRejection>, file_field: &str) -> Result<Upload, Unread> {
    let mut parts = body.map_err(|_| Unread::Unreadable)?;
    let why = |status: StatusCode| {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            Unread::TooBig
        } else {
            Unread::Broken
        }
    };
    let mut form = Upload { fields: BTreeMap::new(), file: None };
    while let Some(field) = parts.next_field().await.map_err(|e| why(e.status()))? {
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(|e| why(e.status()))?;
        if name == file_field {
            let shown = file_name.unwrap_or_default().rsplit(['/', '\\']).next().unwrap_or("").to_string();
            form.file = Some((shown, bytes.to_vec()));
        } else {
            form.fields.insert(name, String::from_utf8_lossy(&bytes).trim().to_string());
        }
    }
    Ok(form)
}
