//! Diagnostics: what went wrong, where (file, row, column) and what would be right.
//!
//! Every message a leader sees is Norwegian bokmål. Library functions return
//! [`Error`] (a list of diagnostics); the command line prints them and exits non-zero.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is; the serde names are the words a leader reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Severity {
    #[serde(rename = "advarsel")]
    Warning,
    #[serde(rename = "feil")]
    Error,
}

impl Severity {
    /// The word a leader reads: `feil`, `advarsel`.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Error => "feil",
            Severity::Warning => "advarsel",
        }
    }
}

/// A cell or line in an input file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    pub file: PathBuf,
    /// 1-based row as a spreadsheet shows it (the header is row 1).
    pub row: Option<usize>,
    /// 0-based column index and the column's header text.
    pub col: Option<(usize, String)>,
}

impl Location {
    pub fn file(path: &Path) -> Self {
        Location { file: path.to_path_buf(), row: None, col: None }
    }

    pub fn cell(path: &Path, row: usize, col: usize, header: &str) -> Self {
        Location { file: path.to_path_buf(), row: Some(row), col: Some((col, header.to_string())) }
    }

    pub fn row(path: &Path, row: usize) -> Self {
        Location { file: path.to_path_buf(), row: Some(row), col: None }
    }
}

/// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(mut index: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(row) = self.row {
            write!(f, ", rad {row}")?;
        }
        if let Some((col, name)) = &self.col {
            if name.is_empty() {
                write!(f, ", kolonne {}", column_letter(*col))?;
            } else {
                write!(f, ", kolonne {} ({name})", column_letter(*col))?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub location: Option<Location>,
    pub message: String,
    /// What would be right, said as advice.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(location: Option<Location>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, location, message: message.into(), hint: None }
    }

    pub fn warning(location: Option<Location>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, location, message: message.into(), hint: None }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.severity.word();
        let message = visible(&self.message);
        match &self.location {
            Some(loc) => write!(f, "{kind}: {}: {message}", visible(&loc.to_string()))?,
            None => write!(f, "{kind}: {message}")?,
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  hjelp: {}", visible(h))?;
        }
        Ok(())
    }
}

/// A message as a terminal should show it: no raw control characters (a
/// line break in a value would break the message, an escape sequence would
/// act on the terminal), and a quoted value («…») of more than 80 characters
/// cut short.
pub fn visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut quoted: Option<(usize, usize)> = None; // (start in out, chars so far)
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '«' => quoted = Some((out.len() + c.len_utf8(), 0)),
            '»' => {
                if let Some((start, n)) = quoted.take() {
                    if n > 80 {
                        let cut: String = out[start..].chars().take(60).collect();
                        out.truncate(start);
                        out.push_str(&format!("{cut}… ({n} tegn)"));
                    }
                }
            }
            _ => {
                if let Some((_, n)) = &mut quoted {
                    *n += 1;
                }
            }
        }
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' | '\u{b}' => out.push_str("[linjeskift]"),
            '\t' => out.push_str("[tabulator]"),
            c if c.is_control() => out.push_str(&format!("[U+{:04X}]", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// One or more diagnostics, at least one of them an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub Vec<Diagnostic>);

impl Error {
    /// An error with no input location (I/O, internal).
    pub fn msg(message: impl Into<String>) -> Self {
        Error(vec![Diagnostic::error(None, message)])
    }

    pub fn at(location: Location, message: impl Into<String>) -> Self {
        Error(vec![Diagnostic::error(Some(location), message)])
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        if let Some(last) = self.0.last_mut() {
            last.hint = Some(hint.into());
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error(vec![d])
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// An operating-system error in Norwegian, with the system's own code kept as detail.
pub fn io_text(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let what = match e.kind() {
        K::NotFound => "finnes ikke",
        K::PermissionDenied => "mangler tilgang (skrivebeskyttet, eller åpen i et annet program)",
        K::AlreadyExists => "finnes allerede",
        K::StorageFull => "disken er full",
        K::QuotaExceeded => "diskkvoten er brukt opp",
        K::IsADirectory => "er en mappe, ikke en fil",
        K::NotADirectory => "er ikke en mappe",
        K::DirectoryNotEmpty => "mappen er ikke tom",
        K::ReadOnlyFilesystem => "disken er skrivebeskyttet",
        K::InvalidData => "innholdet kan ikke leses",
        K::UnexpectedEof => "filen slutter for tidlig",
        K::Interrupted => "ble avbrutt",
        K::TimedOut => "tok for lang tid",
        K::FileTooLarge => "filen er for stor",
        K::ResourceBusy => "er opptatt",
        K::CrossesDevices => "kan ikke flyttes mellom disker",
        K::TooManyLinks => "har for mange lenker",
        K::InvalidFilename => "ugyldig filnavn",
        _ => "systemfeil",
    };
    match e.raw_os_error() {
        Some(code) => format!("{what} (systemfeil {code})"),
        None => what.to_string(),
    }
}

/// `1 advarsel`, `2 advarsler`: a count with the noun in the right number.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Items as a Norwegian sentence lists them: «a», «a og b», «a, b og c».
pub fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => {
            format!("{} og {}", rest.iter().map(|s| s.as_ref()).collect::<Vec<_>>().join(", "), last.as_ref())
        }
    }
}

/// Collects diagnostics while a stage runs, so a leader sees every problem at once.
#[derive(Debug, Default)]
pub struct Sink {
    pub items: Vec<Diagnostic>,
}

impl Sink {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// An error at a place, with advice on what would be right.
    pub fn error(&mut self, location: Location, message: impl Into<String>, hint: impl Into<String>) {
        self.items.push(Diagnostic::error(Some(location), message).hint(hint));
    }

    /// A warning at a place, with advice.
    pub fn warn(&mut self, location: Location, message: impl Into<String>, hint: impl Into<String>) {
        self.items.push(Diagnostic::warning(Some(location), message).hint(hint));
    }

    pub fn extend(&mut self, e: Error) {
        self.items.extend(e.0);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Ok with the warnings when no error stands, else every diagnostic as the error.
    /// The same diagnostic from two places (a profile read for each year) is kept once.
    pub fn finish(mut self) -> std::result::Result<Vec<Diagnostic>, Error> {
        let mut seen = Vec::new();
        self.items.retain(|d| {
            let new = !seen.contains(d);
            if new {
                seen.push(d.clone());
            }
            new
        });
        if self.has_errors() {
            Err(Error(self.items))
        } else {
            Ok(self.items)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(2), "C");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
    }

    #[test]
    fn messages_show_no_raw_control_characters_and_cut_long_values() {
        let d = Diagnostic::error(None, "«a\nb\u{1b}[2J» er feil");
        assert_eq!(d.to_string(), "feil: «a[linjeskift]b[U+001B][2J» er feil");
        let long = format!("«{}» er feil", "x".repeat(500));
        let shown = Diagnostic::error(None, long).to_string();
        assert!(shown.contains("… (500 tegn)»") && shown.len() < 120, "{shown}");
    }

    #[test]
    fn message_names_file_row_column() {
        let d = Diagnostic::error(
            Some(Location::cell(Path::new("data/x/moter.csv"), 5, 1, "Dato")),
            "«31.02.2026» er ingen gyldig dato",
        )
        .hint("skriv datoen som dd.mm.åååå");
        assert_eq!(
            d.to_string(),
            "feil: data/x/moter.csv, rad 5, kolonne B (Dato): «31.02.2026» er ingen gyldig dato\n  hjelp: skriv datoen som dd.mm.åååå"
        );
    }
}
