//! The year's prose (`tekster/<name>.md`) on the page, without HTTP: the
//! texts there are and those the house style's templates ask for, one text
//! in a plain editor with the names it may refer to (`{{ år }}` and the
//! meetings' ids), the same checks as the build (each at its line), a
//! preview as the document shows the text, and the save, which writes the
//! file as it was apart from the lines that changed (its encoding, byte-order
//! mark and line ends kept).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use super::files::{self, Change, Wrote};
use super::site::DiagView;
use crate::build::Paths;
use crate::compose::{markdown, TextRenderer};
use crate::diag::{Diagnostic, Error, Location, Result, Sink};
use crate::doc::{Block, Inline};
use crate::load::delimited::Encoding;
use crate::manifest::sha256;
use crate::model::Meeting;
use crate::project::Project;
use crate::theme::Theme;

/// The largest text the page takes (a prose file is a few kB).
pub const MAX_BYTES: usize = 256 * 1024;

/// A text's name as a file name: small letters, digits, `-` and `_`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 60
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && !name.starts_with('-')
}

fn dir(project: &Project, network: &str, year: i32) -> PathBuf {
    project.data.join(network).join(year.to_string()).join("tekster")
}

/// The file of the text `name`, if the name is one a text can have.
pub fn path(project: &Project, network: &str, year: i32, name: &str) -> Option<PathBuf> {
    valid_name(name).then(|| dir(project, network, year).join(format!("{name}.md")))
}

/// The fingerprints of the year's texts the pages poll: one of the folder
/// (it changes when a text is added, removed or changed) and each text's
/// sha256 by its name.
pub fn fingerprints(project: &Project, network: &str, year: i32) -> (String, Vec<(String, String)>) {
    let (all, files) = super::watch::folder_shas(&Paths::new(project), &dir(project, network, year));
    let texts = files
        .into_iter()
        .filter_map(|(file, sha)| {
            Some((file.strip_suffix(".md").filter(|n| valid_name(n))?.to_string(), sha))
        })
        .collect();
    (all, texts)
}

/// A text in the list.
#[derive(Debug, Clone, Serialize)]
pub struct TextItem {
    pub name: String,
    /// Whether its file exists.
    pub exists: bool,
    /// Whether one of the year's documents shows it.
    pub used: bool,
    /// Its name in words («Fokusområder» for `fokusomrader`).
    pub title: String,
    /// Where it appears, in words («årsrapporten for 2027»), empty when nowhere.
    pub shown_in: String,
    /// A note on the place the same thing is written elsewhere, or empty.
    pub note: String,
    /// Its first words.
    pub start: String,
}

/// What a year's texts are checked and shown with: its house style, the
/// year and the meetings (the names a text may refer to).
pub struct Context {
    pub theme: Arc<Theme>,
    pub year: i32,
    pub meetings: Vec<Meeting>,
    /// The year's plan document (plan.toml `dokument`: arsplan, strategi, …).
    pub kind: String,
}

impl Context {
    /// As the build has them; where the year cannot be read yet, its style
    /// and the meetings that can be read.
    pub fn of(project: &Project, network: &str, year: i32) -> Result<Context> {
        if let Ok(p) = project.prepare(network, year) {
            return Ok(Context {
                theme: p.theme.clone(),
                year,
                meetings: p.year.meetings.clone(),
                kind: p.year.meta.kind.clone(),
            });
        }
        let profile = project.profile(network).ok();
        let style = profile.as_ref().map(|p| p.style.clone()).unwrap_or_else(|| "felles".into());
        let sources = crate::templates::Sources::new(vec![
            project.data.join(network).join("maler"),
            project.templates.clone(),
        ]);
        let theme = Theme::load(&sources, &style).or_else(|_| Theme::load(&sources, "felles"))?;
        let mut sink = Sink::default();
        let meetings = match project.meetings_table(network, year) {
            Ok(Some(t)) => {
                crate::load::meetings_of(t, profile.as_ref().map(|p| p.groups.as_slice()), &mut sink)
            }
            _ => Vec::new(),
        };
        let toml =
            std::fs::read_to_string(project.data.join(network).join(year.to_string()).join("plan.toml"))
                .ok()
                .and_then(|t| t.parse::<toml::Table>().ok());
        let kind = toml
            .as_ref()
            .and_then(|t| t.get("dokument"))
            .and_then(|v| v.as_str())
            .unwrap_or("arsplan")
            .to_string();
        Ok(Context { theme: Arc::new(theme), year, meetings, kind })
    }

    /// The names a text may refer to: (the reference, what it shows).
    pub fn names(&self) -> Vec<(String, String)> {
        let mut out = vec![("år".to_string(), format!("planåret, {}", self.year))];
        let mut ms: Vec<&Meeting> = self.meetings.iter().collect();
        ms.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
        for m in ms {
            let date = crate::dates::format(m.date, self.theme.date_pattern("tekst"));
            let title = if m.title.is_empty() { m.topic.clone() } else { m.title.clone() };
            out.push((m.id.clone(), format!("{title}, {date}")));
        }
        out
    }

    /// The plan document's name in words («årsplanen»).
    pub fn plan_words(&self) -> String {
        match self.kind.as_str() {
            "arsplan" => format!("årsplanen for {}", self.year),
            "strategi" => "strategien".to_string(),
            "handlingsplan" => "handlingsplanen".to_string(),
            k => format!("dokumentet «{k}»"),
        }
    }

    /// Where the text `name` appears, in words, or empty when no document
    /// of the year shows it.
    pub fn shown_in(&self, name: &str) -> String {
        let (plan, report) = used_by(&self.theme, &self.kind);
        let mut places = Vec::new();
        if plan.iter().any(|n| n == name) {
            places.push(self.plan_words());
        }
        if report.iter().any(|n| n == name) {
            places.push(format!("årsrapporten for {} (lages når året er over)", self.year));
        }
        places.join(" og ")
    }

    /// Where the same thing is written elsewhere on the page: the årsplan's
    /// introduction is in the year's settings, not in `tekster/innledning.md`.
    pub fn note(&self, name: &str) -> String {
        if name == "innledning" && self.kind == "arsplan" {
            format!(
                "Årsplanens innledning skrives under «Innstillinger for {}» → «Innledning», ikke her.",
                self.year
            )
        } else {
            String::new()
        }
    }
}

/// A text's name in words: `fokusomrader` → «Fokusområder».
pub fn title(name: &str) -> String {
    let known = match name {
        "innledning" => "Innledning",
        "veien-videre" => "Veien videre",
        "formal" => "Formål",
        "kjennetegn" => "Kjennetegn",
        "fokusomrader" => "Fokusområder",
        "funksjoner" => "Funksjoner",
        "styrende" => "Styrende dokumenter",
        "ansvarlige" => "Ansvarlige",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    let words = name.replace(['-', '_'], " ");
    let mut cs = words.chars();
    match cs.next() {
        Some(c) => c.to_uppercase().chain(cs).collect(),
        None => String::new(),
    }
}

/// The texts the year's documents show: (those of the plan document
/// `kind`, those of the årsrapport). A template named after another kind of
/// plan document (`strategi.md.j2` in a year with an årsplan) is not read.
fn used_by(theme: &Theme, kind: &str) -> (Vec<String>, Vec<String>) {
    const DOCUMENTS: [&str; 3] = ["arsplan", "strategi", "handlingsplan"];
    let mut plan = Vec::new();
    let mut report = Vec::new();
    for style in &theme.chain {
        for file in theme.sources.files(style).into_iter().filter(|f| f.ends_with(".j2")) {
            let stem = file.trim_end_matches(".md.j2");
            let out = if stem == "arsrapport" {
                &mut report
            } else if stem != kind && DOCUMENTS.contains(&stem) {
                continue;
            } else {
                &mut plan
            };
            let Some(Ok((_, bytes))) = theme.sources.read(&format!("{style}/{file}")) else { continue };
            out.extend(names_in(&String::from_utf8_lossy(&bytes)));
        }
    }
    for v in [&mut plan, &mut report] {
        v.sort();
        v.dedup();
    }
    (plan, report)
}

/// The names of the texts a template shows (`tekster.innledning`,
/// `tekster["veien-videre"]`, `"formal" in tekster`).
fn names_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        while let Some(i) = rest.find("tekster.") {
            let name: String = rest[i + 8..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            out.push(name);
            rest = &rest[i + 8..];
        }
        if line.contains("tekster[") || line.contains("in tekster") {
            // Every quoted name on such a line.
            for (k, part) in line.split('"').enumerate() {
                if k % 2 == 1 {
                    out.push(part.to_string());
                }
            }
        }
    }
    out.retain(|n| valid_name(n));
    out
}

/// The year's texts: those in `tekster/`, and those the style shows that
/// are not written yet.
pub fn list(project: &Project, network: &str, year: i32, cx: &Context) -> Vec<TextItem> {
    let mut out: Vec<TextItem> = Vec::new();
    let (mut used, report) = used_by(&cx.theme, &cx.kind);
    used.extend(report);
    used.sort();
    used.dedup();
    if let Ok(entries) = std::fs::read_dir(dir(project, network, year)) {
        for e in entries.filter_map(|e| e.ok()) {
            let p = e.path();
            let Some(name) = p.file_stem().and_then(|s| s.to_str()).map(str::to_string) else { continue };
            if p.extension().is_none_or(|x| x != "md") || !valid_name(&name) {
                continue;
            }
            let text =
                std::fs::read(&p).ok().and_then(|b| crate::load::text::decode(&b).ok()).unwrap_or_default();
            let start: String =
                text.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(90).collect();
            out.push(TextItem {
                used: used.contains(&name),
                title: title(&name),
                shown_in: cx.shown_in(&name),
                note: cx.note(&name),
                name,
                exists: true,
                start,
            });
        }
    }
    for name in used {
        if !out.iter().any(|t| t.name == name) {
            out.push(TextItem {
                title: title(&name),
                shown_in: cx.shown_in(&name),
                note: cx.note(&name),
                name,
                exists: false,
                used: true,
                start: String::new(),
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// What the checks found and how the text looks.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Checked {
    /// Each problem at its line.
    pub problems: Vec<DiagView>,
    pub errors: usize,
    /// The text as the document shows it, as HTML (escaped here).
    pub html: String,
}

/// The build's checks on a text, and its preview: the rules for text (each
/// line), the names it refers to and its template syntax (at their line),
/// and whether its Markdown can be set.
pub fn check(project: &Project, cx: &Context, path: &Path, text: &str) -> Checked {
    let mut ds: Vec<Diagnostic> = crate::load::text::check_lines(path, text);
    let mut html = String::new();
    if ds.is_empty() {
        let renderer = TextRenderer::new(&cx.theme, cx.year, &cx.meetings);
        match renderer.render(text, &Location::file(path)) {
            Ok(out) => match markdown::parse_prose(&out) {
                Ok(blocks) => html = to_html(&blocks),
                Err(m) => ds.push(
                    Diagnostic::error(Some(Location::file(path)), format!("teksten kan ikke leses: {m}")).hint(
                        "bruk vanlig Markdown: avsnitt, punktlister, **fet**, *kursiv* og [lenker](https://…)",
                    ),
                ),
            },
            Err(e) => ds.extend(e.0),
        }
    }
    let paths = Paths::new(project);
    let errors = ds.iter().filter(|d| d.is_error()).count();
    Checked { problems: ds.iter().map(|d| DiagView::new(d, &paths, None)).collect(), errors, html }
}

fn esc(s: &str) -> String {
    crate::xml::escape(s)
}

fn inline_html(xs: &[Inline], out: &mut String) {
    for x in xs {
        match x {
            Inline::Text(t) => out.push_str(&esc(t)),
            Inline::Strong(c) => {
                out.push_str("<strong>");
                inline_html(c, out);
                out.push_str("</strong>");
            }
            Inline::Emph(c) => {
                out.push_str("<em>");
                inline_html(c, out);
                out.push_str("</em>");
            }
            // Shown as a link's text with its address beside it; not followed from the page.
            Inline::Link { url, content } => {
                out.push_str("<span class=\"lenke\">");
                inline_html(content, out);
                out.push_str(&format!("</span> <span class=\"stille\">({})</span>", esc(url)));
            }
            Inline::LineBreak => out.push_str("<br>"),
            // A text as the reader of the current version reads it (prose has no marked changes).
            Inline::Changed { change: crate::doc::Change::Inserted, content } => inline_html(content, out),
            Inline::Changed { change: crate::doc::Change::Deleted, .. } => {}
        }
    }
}

/// Blocks as HTML for the preview (every text escaped).
pub fn to_html(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        block_html(b, &mut out);
    }
    out
}

fn block_html(b: &Block, out: &mut String) {
    match b {
        Block::Title(c) => {
            out.push_str("<p class=\"tittel\">");
            inline_html(c, out);
            out.push_str("</p>");
        }
        // The page has its own h1-h2; the text's headings sit under them.
        Block::Heading { level, content, .. } => {
            let h = (*level as usize + 2).min(6);
            out.push_str(&format!("<h{h}>"));
            inline_html(content, out);
            out.push_str(&format!("</h{h}>"));
        }
        Block::Paragraph(c) => {
            out.push_str("<p>");
            inline_html(c, out);
            out.push_str("</p>");
        }
        Block::List { ordered, items } => {
            let tag = if *ordered { "ol" } else { "ul" };
            out.push_str(&format!("<{tag}>"));
            for item in items {
                out.push_str("<li>");
                for b in item {
                    block_html(b, out);
                }
                out.push_str("</li>");
            }
            out.push_str(&format!("</{tag}>"));
        }
        Block::Table(t) => {
            out.push_str("<table>");
            for (i, row) in t.rows.iter().enumerate() {
                out.push_str("<tr>");
                let cell = if i < t.header_rows { "th" } else { "td" };
                for c in row {
                    out.push_str(&format!("<{cell}>"));
                    for b in c {
                        block_html(b, out);
                    }
                    out.push_str(&format!("</{cell}>"));
                }
                out.push_str("</tr>");
            }
            out.push_str("</table>");
        }
        Block::Image(i) => {
            out.push_str(&format!("<p class=\"bilde\">[Bilde: {} ({})]</p>", esc(&i.alt), esc(&i.src)))
        }
        Block::Chart(c) => out.push_str(&format!("<p class=\"bilde\">[Diagram: {}]</p>", esc(&c.title))),
        Block::Styled { blocks, .. } => {
            out.push_str("<div>");
            for b in blocks {
                block_html(b, out);
            }
            out.push_str("</div>");
        }
        Block::PageBreak => out.push_str("<hr>"),
    }
}

/// A text file's bytes with its text replaced by `new` (line ends as `\n`,
/// as a form sends them after they are made so): the lines at the start and
/// at the end that did not change keep their bytes and line ends; the lines
/// between are written with the line end the file uses most, in the file's
/// encoding (an ASCII file becomes UTF-8), after its byte-order mark.
pub fn splice(old: &[u8], new: &str) -> std::result::Result<Vec<u8>, String> {
    let enc = Encoding::of(old);
    let old_text = crate::load::text::decode(old).map_err(|u| u.message)?;
    let old_text = old_text.strip_prefix('\u{feff}').unwrap_or(&old_text);
    let old_lines = split_lines(old_text);
    let new_lines: Vec<(&str, &str)> = {
        let mut v: Vec<(&str, &str)> = Vec::new();
        let mut rest = new;
        while let Some(i) = rest.find('\n') {
            v.push((&rest[..i], "\n"));
            rest = &rest[i + 1..];
        }
        v.push((rest, ""));
        v
    };
    let same = |a: &(&str, &str), b: &(&str, &str)| a.0 == b.0 && a.1.is_empty() == b.1.is_empty();
    let mut prefix = 0;
    while prefix < old_lines.len() && prefix < new_lines.len() && same(&old_lines[prefix], &new_lines[prefix])
    {
        prefix += 1;
    }
    let mut suffix = 0;
    while suffix < old_lines.len() - prefix
        && suffix < new_lines.len() - prefix
        && same(&old_lines[old_lines.len() - 1 - suffix], &new_lines[new_lines.len() - 1 - suffix])
    {
        suffix += 1;
    }
    let end = most_used_end(&old_lines);
    let mut text = String::with_capacity(new.len() + 64);
    for (line, nl) in &old_lines[..prefix] {
        text.push_str(line);
        text.push_str(nl);
    }
    for (line, nl) in &new_lines[prefix..new_lines.len() - suffix] {
        text.push_str(line);
        if !nl.is_empty() {
            text.push_str(end);
        }
    }
    for (line, nl) in &old_lines[old_lines.len() - suffix..] {
        text.push_str(line);
        text.push_str(nl);
    }
    let enc = match enc {
        Encoding::Ascii => Encoding::Utf8 { bom: false },
        e => e,
    };
    let body = enc.encode(&text).ok_or_else(|| {
        let c = text.chars().find(|c| enc.encode(&c.to_string()).is_none()).unwrap_or('?');
        format!(
            "tegnet {} kan ikke lagres i filens tegnkoding ({})",
            crate::load::text::describe(c),
            enc.name()
        )
    })?;
    let mut out = old[..enc.skip().min(old.len())].to_vec();
    out.extend(body);
    Ok(out)
}

/// A text's lines with their line ends (CR LF, LF or a lone CR; the last
/// line's may be empty).
fn split_lines(text: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        match b[i] {
            b'\r' if b.get(i + 1) == Some(&b'\n') => {
                out.push((&text[start..i], "\r\n"));
                i += 2;
                start = i;
            }
            b'\r' | b'\n' => {
                out.push((&text[start..i], &text[i..i + 1]));
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    out.push((&text[start..], ""));
    out
}

fn most_used_end<'a>(lines: &[(&'a str, &'a str)]) -> &'a str {
    let count = |e: &str| lines.iter().filter(|(_, n)| *n == e).count();
    ["\n", "\r\n", "\r"]
        .into_iter()
        .max_by_key(|e| (count(e), *e == "\n"))
        .filter(|e| count(e) > 0)
        .unwrap_or("\n")
}

/// One text in the editor.
#[derive(Debug, Clone, Serialize)]
pub struct Editor {
    pub name: String,
    /// The file as the page names it.
    pub file: String,
    pub exists: bool,
    pub text: String,
    /// The sha256 of the file as read ("" for a new one).
    pub sha: String,
    pub names: Vec<(String, String)>,
    pub checked: Checked,
    pub lines: usize,
    /// Its name in words, where it appears and a note (see [`TextItem`]).
    pub title: String,
    pub shown_in: String,
    pub note: String,
    /// The text is hers as posted (not yet saved), not the file's.
    pub posted: bool,
    /// The file as it is on disk now, when it is no longer the version her
    /// posted text started from (changed in another window or program).
    pub other: Option<Other>,
}

/// The other version of a text: the file as changed elsewhere.
#[derive(Debug, Clone, Serialize)]
pub struct Other {
    /// Its text ("" when the file was removed).
    pub text: String,
    /// Its sha256 ("" when the file was removed).
    pub sha: String,
    pub exists: bool,
}

/// A text file's bytes as the editor shows them (no byte-order mark, line
/// ends as `\n`).
fn as_text(path: &Path, b: &[u8]) -> Result<String> {
    let t = crate::load::text::decode(b)
        .map_err(|u| Error::at(Location::row(path, u.line(b)), u.message).with_hint(u.hint))?;
    let t = t.strip_prefix('\u{feff}').unwrap_or(&t).to_string();
    Ok(t.replace("\r\n", "\n").replace('\r', "\n"))
}

/// The editor for the text `name`, as on disk or as posted.
pub fn editor(
    project: &Project,
    network: &str,
    year: i32,
    name: &str,
    posted: Option<(&str, &str)>,
) -> Result<Editor> {
    let path = path(project, network, year, name).ok_or_else(|| bad_name(name))?;
    let cx = Context::of(project, network, year)?;
    let bytes = files::read(&path)?;
    let (text, sha) = match (posted, &bytes) {
        (Some((t, sha)), _) => (t.replace("\r\n", "\n").replace('\r', "\n"), sha.to_string()),
        (None, Some(b)) => (as_text(&path, b)?, sha256(b)),
        (None, None) => (String::new(), String::new()),
    };
    let disk_sha = bytes.as_deref().map(sha256).unwrap_or_default();
    let other = match (posted.is_some() && disk_sha != sha, &bytes) {
        (false, _) => None,
        (true, Some(b)) => {
            Some(Other { text: as_text(&path, b).unwrap_or_default(), sha: disk_sha, exists: true })
        }
        (true, None) => Some(Other { text: String::new(), sha: String::new(), exists: false }),
    };
    let checked = check(project, &cx, &path, &text);
    Ok(Editor {
        posted: posted.is_some(),
        other,
        name: name.to_string(),
        file: Paths::new(project).show(&path),
        exists: bytes.is_some(),
        lines: (text.lines().count() + 2).clamp(10, 30),
        names: cx.names(),
        title: title(name),
        shown_in: cx.shown_in(name),
        note: cx.note(name),
        checked,
        text,
        sha,
    })
}

fn bad_name(name: &str) -> Error {
    Error::msg(format!("«{name}» kan ikke være navnet på en tekst"))
        .with_hint("bruk små bokstaver a-z, sifre og bindestrek, for eksempel veien-videre")
}

/// Why a text was not saved.
#[derive(Debug)]
pub enum NotSaved {
    /// The file changed on disk since the page read it.
    Stale,
    /// The text breaks a rule: the checks, each at its line.
    Invalid(Checked),
    Failed(Error),
}

/// Saves the text `name` as posted, if the file still is as the page read
/// it (`sha`, "" for a new file) and the text passes the build's checks.
/// Returns the file's new sha256.
pub fn save(
    project: &Project,
    network: &str,
    year: i32,
    name: &str,
    text: &str,
    sha: &str,
) -> std::result::Result<String, NotSaved> {
    let path = path(project, network, year, name).ok_or_else(|| NotSaved::Failed(bad_name(name)))?;
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let cx = Context::of(project, network, year).map_err(NotSaved::Failed)?;
    let checked = check(project, &cx, &path, &text);
    if checked.errors > 0 {
        return Err(NotSaved::Invalid(checked));
    }
    let old = files::read(&path).map_err(NotSaved::Failed)?;
    match (&old, sha.is_empty()) {
        (Some(b), false) if sha256(b) == sha => {}
        (None, true) => {}
        _ => return Err(NotSaved::Stale),
    }
    let new = match &old {
        Some(b) => splice(b, &text).map_err(|m| {
            NotSaved::Failed(
                Error::at(Location::file(&path), m)
                    .with_hint("bytt ut tegnet, eller lagre filen som UTF-8 i en teksteditor og prøv igjen"),
            )
        })?,
        // A new file ends its last line, as a text editor saves it.
        None if text.is_empty() || text.ends_with('\n') => text.clone().into_bytes(),
        None => format!("{text}\n").into_bytes(),
    };
    let change = Change {
        network,
        year: Some(year),
        path: &path,
        old: old.as_deref(),
        new: &new,
        what: if old.is_some() { format!("Teksten {name}.md") } else { format!("Ny tekst {name}.md") },
        removed: false,
    };
    match files::write(project, &change).map_err(NotSaved::Failed)? {
        Wrote::Written => Ok(sha256(&new)),
        Wrote::Changed => Err(NotSaved::Stale),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_changed_lines_change_and_the_rest_keeps_its_bytes() {
        // Mixed line ends, no end at the last line: an edit in the middle keeps them all.
        let old = b"En\r\nTo\nTre\r\nFire";
        assert_eq!(splice(old, "En\nTo\nTre\nFire").unwrap(), old);
        assert_eq!(
            splice(old, "En\nTo og en halv\nTre\nFire").unwrap(),
            b"En\r\nTo og en halv\r\nTre\r\nFire"
        );
        // A line added at the end takes the file's most used line end.
        assert_eq!(splice(b"a\r\nb\r\n", "a\nb\nc\n").unwrap(), b"a\r\nb\r\nc\r\n");
        // A byte-order mark stays; Windows-1252 stays Windows-1252.
        assert_eq!(splice("\u{feff}Sola\n".as_bytes(), "Tromsø\n").unwrap(), "\u{feff}Tromsø\n".as_bytes());
        assert_eq!(splice(b"Troms\xf8\n", "Bod\u{f8}\n").unwrap(), b"Bod\xf8\n");
        assert!(splice(b"Troms\xf8\n", "Łódź\n").unwrap_err().contains("Windows-1252"));
        // An ASCII file takes UTF-8 (as a text editor writes it).
        assert_eq!(splice(b"Sola\n", "Tromsø\n").unwrap(), "Tromsø\n".as_bytes());
        // Lone CRs (old Mac) stay.
        assert_eq!(splice(b"a\rb\r", "a\nx\n").unwrap(), b"a\rx\r");
    }

    #[test]
    fn names_are_plain() {
        assert!(valid_name("veien-videre"));
        assert!(!valid_name("../plan"));
        assert!(!valid_name("Innledning"));
        assert!(!valid_name(""));
    }
}
