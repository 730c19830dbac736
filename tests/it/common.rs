//! Helpers shared by the integration tests: the example project, independent
//! text extraction from DOCX (zip + XML) and PDF (poppler's pdftotext), and
//! word-level comparison with the seed texts.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use arsplan::Project;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The repository's own data and templates, writing into a fresh temporary folder.
pub fn project(out: &Path) -> Project {
    let r = root();
    Project { data: r.join("data"), templates: r.join("templates"), output: out.to_path_buf() }
}

/// Some data with the repository's templates, writing into `out`.
pub fn with_data(data: impl Into<PathBuf>, out: impl Into<PathBuf>) -> Project {
    Project { data: data.into(), templates: root().join("templates"), output: out.into() }
}

/// The Stavanger 2026 plan of a project, in DOCX and PDF (in memory).
pub fn stavanger_2026(project: &Project) -> (Vec<u8>, Vec<u8>) {
    let p = project.prepare("stavanger", 2026).unwrap();
    let mut a = project.render(&p, &[arsplan::Format::Docx, arsplan::Format::Pdf]).unwrap();
    let pdf = a.pop().unwrap().bytes;
    (a.pop().unwrap().bytes, pdf)
}

/// Held by each test that drives Chromium: one browser (with its server and
/// axe-core) at a time, so that they do not starve each other's timeouts on
/// a machine with few cores.
pub fn one_browser_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static BROWSER: std::sync::Mutex<()> = std::sync::Mutex::new(());
    BROWSER.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What a test that drives Chromium with selenium needs before it starts:
/// the browser, its driver and the Python modules (`import …`), checked with
/// a clear failure; the lock that runs one browser at a time (hold the
/// guard for the whole test); and, when `axe` is asked for, the path of
/// axe-core's script (`ARSPLAN_AXE`, else where .ci/run installs it).
pub fn browser_test(modules: &str, axe: bool) -> (std::sync::MutexGuard<'static, ()>, String) {
    need("chromium", &["--version"]);
    let one = one_browser_at_a_time();
    need("chromedriver", &["--version"]);
    need("python3", &["-c", &format!("import {modules}")]);
    if !axe {
        return (one, String::new());
    }
    let path = std::env::var("ARSPLAN_AXE")
        .unwrap_or_else(|_| "/opt/arsplan-axe/node_modules/axe-core/axe.min.js".into());
    assert!(
        Path::new(&path).is_file(),
        "this test needs axe-core at {path} (ARSPLAN_AXE): .ci/run installs it"
    );
    (one, path)
}

/// A folder for a browser test's screenshots, kept after the test:
/// `ARSPLAN_SKJERMBILDER` when set, else a new one named with `prefix`.
pub fn screenshots(prefix: &str) -> std::path::PathBuf {
    let dir = std::env::var("ARSPLAN_SKJERMBILDER")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| tempfile::Builder::new().prefix(prefix).tempdir().unwrap().keep());
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Fails with a clear message when an external program cannot run. Tests
/// that call this are `#[ignore = "needs …"]`, so plain `cargo test` reports
/// them as ignored; `cargo test -- --include-ignored` (CI, after .ci/run has
/// installed the tools) runs them and they must pass.
pub fn need(program: &str, probe: &[&str]) {
    let ok = Command::new(program).args(probe).output().map(|o| o.status.success()).unwrap_or(false);
    assert!(ok, "this test needs {program} ({program} {}): .ci/run installs it", probe.join(" "));
}

/// The text of a DOCX body, read straight from word/document.xml: one line per paragraph.
pub fn docx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("docx is a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml").expect("word/document.xml").read_to_string(&mut xml).unwrap();
    xml_text(&xml)
}

/// Text content of WordprocessingML: `w:t` runs, paragraphs and breaks as
/// newlines, a no-break space as a space and Word's no-break hyphen as a
/// hyphen (as a reader sees them).
pub fn xml_text(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(i) = rest.find('<') {
        let tag_end = rest[i..].find('>').map(|j| i + j + 1).unwrap_or(rest.len());
        let tag = &rest[i..tag_end];
        if tag.starts_with("<w:t>") || tag.starts_with("<w:t ") {
            let close = rest[tag_end..].find("</w:t>").map(|j| tag_end + j).unwrap_or(rest.len());
            out.push_str(&unescape(&rest[tag_end..close]).replace('\u{a0}', " "));
            rest = &rest[close..];
            continue;
        }
        if tag == "</w:p>" || tag.starts_with("<w:br") || tag.starts_with("<w:tab") {
            out.push('\n');
        }
        if tag.starts_with("<w:noBreakHyphen") {
            out.push('-');
        }
        rest = &rest[tag_end..];
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The text of a PDF by poppler's pdftotext (tests calling it need poppler-utils).
pub fn pdf_text(bytes: &[u8]) -> String {
    need("pdftotext", &["-v"]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).unwrap();
    // -raw keeps the content stream's order, which for our tagged output is the
    // reading order (cell by cell), rather than guessing columns from positions.
    let out = Command::new("pdftotext").args(["-raw", "-enc", "UTF-8"]).arg(&path).arg("-").output().unwrap();
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    // A word hyphenated at a line's end carries a soft hyphen (U+00AD, as
    // Typst writes it): the word continues on the next line.
    let text = String::from_utf8(out.stdout).unwrap();
    text.replace("\u{ad}\n", "").replace("\u{ad} ", "").replace('\u{ad}', "")
}

/// Words after folding white space and dropping list glyphs: bullets, list
/// numbers ("1." is a numbering glyph in a Word list, text in a PDF), and the
/// Markdown marks (`#`, `**`) some seed extractions carry for headings and bold.
pub fn words(text: &str) -> Vec<String> {
    const GLYPHS: [&str; 6] = ["\u{f0b7}", "•", "-", "–", "▪", "\u{f0a7}"];
    // A line break after a hyphen in a narrow cell ("Januar-" / "februar") shows
    // as a space in one extraction and not in another: split at inner hyphens.
    text.split_whitespace()
        .flat_map(|w| {
            let parts: Vec<&str> = if w.contains('/') { vec![w] } else { w.split_inclusive('-').collect() };
            parts
        })
        .map(|w| w.trim_start_matches(['\u{f0b7}', '•', '▪']).trim_matches('*').to_string())
        .filter(|w| !w.is_empty() && !GLYPHS.contains(&w.as_str()))
        .filter(|w| !w.chars().all(|c| c == '#'))
        .filter(|w| {
            !(w.ends_with('.') && w.len() > 1 && w[..w.len() - 1].chars().all(|c| c.is_ascii_digit()))
        })
        .collect()
}

/// Longest common subsequence of two word lists.
pub fn lcs(a: &[String], b: &[String]) -> usize {
    let mut prev = vec![0u32; b.len() + 1];
    let mut cur = vec![0u32; b.len() + 1];
    for x in a {
        for (j, y) in b.iter().enumerate() {
            cur[j + 1] = if x == y { prev[j] + 1 } else { cur[j].max(prev[j + 1]) };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()] as usize
}

/// (share of the seed's words found in order in ours, share of ours found in the seed)
pub fn fidelity(seed: &str, ours: &str) -> (f64, f64) {
    let s = words(seed);
    let o = words(ours);
    let common = lcs(&s, &o) as f64;
    (common / s.len().max(1) as f64, common / o.len().max(1) as f64)
}

pub fn seed(name: &str) -> String {
    std::fs::read_to_string(root().join("tests/fixtures/seeds").join(name)).unwrap()
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Copies example networks (and the strategy they follow, and the
/// municipalities the reports name) into `data`.
pub fn copy_examples(data: &Path, networks: &[&str]) {
    for n in networks.iter().chain(["helse-vest"].iter()) {
        copy_dir(&root().join("data").join(n), &data.join(n));
    }
    std::fs::copy(root().join("data/kommuner.csv"), data.join("kommuner.csv")).unwrap();
}
