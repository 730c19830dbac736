//! The endringsversjon of a correction: the DOCX with every change since
//! the version sent as Word revisions, read back by lxml (exactly the
//! changes; accepting them all gives the new document, rejecting them the
//! old), valid OOXML, shown by LibreOffice; the PDF with the changes marked
//! as real text, still tagged PDF/A-2a; and the whole way through the
//! binary: build, send, move two dates and add an activity, send again.

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use arsplan::doc::Document;
use arsplan::revise;

/// The example project with the Stavanger network, in a temporary folder.
fn project_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_examples(&dir.path().join("data"), &["stavanger"]);
    dir
}

fn edit(path: &Path, from: &str, to: &str) {
    let t = std::fs::read_to_string(path).unwrap();
    assert!(t.contains(from), "«{from}» in {}", path.display());
    std::fs::write(path, t.replacen(from, to, 1)).unwrap();
}

/// The new activity the correction adds.
const ACTIVITY: &str = "Hospitering på palliativ enhet for to ressurspersoner";

/// Moves two meetings (Sandnes in spring a week later, the annual fagdag a
/// week later) and adds an activity under the first sub-goal.
fn change_the_year(data: &Path) {
    let year = data.join("stavanger/2026");
    edit(&year.join("moter.csv"), "sandnes_var;16.04.2026", "sandnes_var;23.04.2026");
    edit(&year.join("moter.csv"), "fagdag;12.11.2026", "fagdag;19.11.2026");
    edit(
        &year.join("plan.csv"),
        "aktivitet;Tema for årlig fagdag;;\n",
        &format!("aktivitet;Tema for årlig fagdag;;\naktivitet;{ACTIVITY};;\n"),
    );
}

/// The plan before and after the change, as models.
fn two_versions() -> (tempfile::TempDir, arsplan::build::Prepared, Document, Document) {
    let dir = project_dir();
    let project = common::with_data(dir.path().join("data"), dir.path().join("output"));
    let plan = |p: &arsplan::build::Prepared| arsplan::build::documents(p).unwrap().remove(0).document;
    let old = plan(&project.prepare("stavanger", 2026).unwrap());
    change_the_year(&dir.path().join("data"));
    let prepared = project.prepare("stavanger", 2026).unwrap();
    let new = plan(&prepared);
    (dir, prepared, old, new)
}

fn day(iso: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").unwrap()
}

/// The endringsversjon of the plan (dated 2 February 2026, sent 15 January),
/// and the plain DOCX of each version.
struct Made {
    _dir: tempfile::TempDir,
    author: String,
    docx: Vec<u8>,
    pdf: Vec<u8>,
    old_docx: Vec<u8>,
    new_docx: Vec<u8>,
}

fn made() -> Made {
    let (dir, p, old, new) = two_versions();
    let merged = revise::merged(&old, &new, day("2026-02-02")).expect("the plan changed");
    let composer = arsplan::compose::Composer::new(&p.year, &p.theme, p.strategy.as_ref()).unwrap();
    let notice = revise::notice(&composer, day("2026-01-15"), &[]).unwrap();
    let (docx, pdf) = revise::render(&merged, notice, &p.theme, &p.assets).unwrap();
    let plain = |d: &Document| {
        arsplan::render::render(d, &p.theme, &p.assets, &[arsplan::render::Format::Docx]).unwrap().remove(0).1
    };
    // The network, by its name.
    let author = p.year.profile.name.clone();
    assert!(author.starts_with("Nettverk i kreftomsorg"), "{author}");
    Made { _dir: dir, author, docx, pdf, old_docx: plain(&old), new_docx: plain(&new) }
}

/// What tests/fixtures/revisions.py (lxml) reads in a DOCX.
fn revisions(docx: &[u8]) -> serde_json::Value {
    common::need("python3", &["-c", "import lxml"]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.docx");
    std::fs::write(&path, docx).unwrap();
    let out = Command::new("python3")
        .arg(common::root().join("tests/fixtures/revisions.py"))
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The texts of the changes, a no-break space as a space (as a reader sees it).
fn texts(v: &serde_json::Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|x| x["text"].as_str().unwrap().replace('\u{a0}', " ")).collect()
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect()
}

#[test]
#[ignore = "needs python3 with lxml"]
fn the_docx_has_exactly_the_changes_as_revisions_and_accepting_or_rejecting_gives_each_version() {
    let m = made();
    let r = revisions(&m.docx);
    let (ins, del) = (texts(&r["ins"]), texts(&r["del"]));
    // Exactly these, in the order of the document: the fagdag's date in
    // the text, the activity added, the Sandnes meeting's date in the table.
    assert_eq!(del, ["12. november", "16. april"]);
    assert_eq!(ins, [ACTIVITY, "19. november", "23. april"]);
    // The moved meetings: the old date deleted and the new inserted.
    for (old, new) in [("16. april", "23. april"), ("12. november", "19. november")] {
        assert!(del.iter().any(|t| t.contains(old)), "«{old}» deleted: {del:?}");
        assert!(ins.iter().any(|t| t.contains(new)), "«{new}» inserted: {ins:?}");
        assert!(
            !ins.iter().any(|t| t.contains(old)) && !del.iter().any(|t| t.contains(new)),
            "{ins:?} {del:?}"
        );
    }
    // The added activity: a paragraph inserted whole, its mark too.
    assert!(ins.contains(&ACTIVITY.to_string()), "{ins:?}");
    assert_eq!(strings(&r["paragraphs_inserted"]), [ACTIVITY]);
    assert!(strings(&r["paragraphs_deleted"]).is_empty() && strings(&r["rows_deleted"]).is_empty());
    // Nothing else: every change is one of these dates or the activity.
    let dates = ["16. april", "23. april", "12. november", "19. november"];
    for t in ins.iter().chain(&del) {
        assert!(t == ACTIVITY || dates.iter().any(|d| t.contains(d)), "an unexpected change: «{t}»");
    }
    // By the network, dated the day the version is made; ids unique.
    for c in r["ins"].as_array().unwrap().iter().chain(r["del"].as_array().unwrap()) {
        assert_eq!(c["author"].as_str(), Some(m.author.as_str()), "{c}");
        assert_eq!(c["date"].as_str(), Some("2026-02-02T00:00:00Z"), "{c}");
    }
    let ids = strings(&r["ids"]);
    let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");

    // Accepting every change gives the new plan's text exactly, rejecting them the old one's.
    let new = revisions(&m.new_docx);
    let old = revisions(&m.old_docx);
    assert_eq!(strings(&r["accepted"]), strings(&new["shown"]));
    assert_eq!(strings(&r["rejected"]), strings(&old["shown"]));
    assert_ne!(strings(&new["shown"]), strings(&old["shown"]));
}

/// Checks a DOCX with openxml-audit: 0 errors.
fn audit(docx: &[u8]) {
    common::need("openxml-audit", &["--help"]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("endringsversjon.docx");
    std::fs::write(&path, docx).unwrap();
    let out = Command::new("openxml-audit").args(["-m", "0"]).arg(&path).output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && report.contains("Errors: 0"), "{report}");
}

#[test]
#[ignore = "needs python3 with lxml, and openxml-audit (pip)"]
fn a_row_and_a_paragraph_added_or_removed_are_whole_revisions_either_way() {
    let dir = project_dir();
    let project = common::with_data(dir.path().join("data"), dir.path().join("output"));
    let plan = || {
        let p = project.prepare("stavanger", 2026).unwrap();
        let d = arsplan::build::documents(&p).unwrap().remove(0).document;
        (p, d)
    };
    let (p, before) = plan();
    // A new gathering for the physio-/ergotherapists (a row of its own in
    // their table) and a new activity.
    let year = dir.path().join("data/stavanger/2026");
    edit(
        &year.join("moter.csv"),
        "fe_host;",
        "fe_sommer;10.06.2026;samling;;fysio/ergo;Sommersamling digitalt;Lindrende behandling hjemme;\nfe_host;",
    );
    edit(
        &year.join("plan.csv"),
        "aktivitet;Tema for årlig fagdag;;\n",
        &format!("aktivitet;Tema for årlig fagdag;;\naktivitet;{ACTIVITY};;\n"),
    );
    let (_, after) = plan();
    let docx = |d: &Document| {
        arsplan::render::render(d, &p.theme, &p.assets, &[arsplan::render::Format::Docx]).unwrap().remove(0).1
    };
    let (shown_before, shown_after) =
        (strings(&revisions(&docx(&before))["shown"]), strings(&revisions(&docx(&after))["shown"]));
    for (from, to, kind) in [(&before, &after, "inserted"), (&after, &before, "deleted")] {
        let merged = revise::merged(from, to, day("2026-02-02")).unwrap();
        let (bytes, _) = revise::render(&merged, Vec::new(), &p.theme, &p.assets).unwrap();
        let r = revisions(&bytes);
        let rows = strings(&r[format!("rows_{kind}").as_str()]);
        assert_eq!(rows.len(), 1, "{kind}: {rows:?}");
        let row = rows[0].replace('\u{a0}', " ");
        assert!(row.contains("Sommersamling digitalt") && row.contains("10. juni"), "{rows:?}");
        assert_eq!(strings(&r[format!("paragraphs_{kind}").as_str()]), [ACTIVITY], "{kind}");
        let (accepted, rejected) = (strings(&r["accepted"]), strings(&r["rejected"]));
        if kind == "inserted" {
            assert!(accepted == shown_after && rejected == shown_before, "{kind}");
        } else {
            assert!(accepted == shown_before && rejected == shown_after, "{kind}");
        }
        audit(&bytes);
    }
}

#[test]
#[ignore = "needs openxml-audit (pip)"]
fn the_docx_with_revisions_is_valid_ooxml() {
    common::need("openxml-audit", &["--help"]);
    let m = made();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("arsplan-2026-endringer.docx");
    std::fs::write(&path, &m.docx).unwrap();
    let out = Command::new("openxml-audit").args(["-m", "0"]).arg(&path).output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && report.contains("Errors: 0"), "{report}");
}

#[test]
fn the_endringsversjon_is_the_same_bytes_each_time_tagged_pdfa_and_none_without_changes() {
    let (_dir, p, old, new) = two_versions();
    assert!(revise::merged(&new, &new, day("2026-02-02")).is_none(), "an unchanged document has none");
    let render = || {
        let merged = revise::merged(&old, &new, day("2026-02-02")).unwrap();
        revise::render(&merged, Vec::new(), &p.theme, &p.assets).unwrap()
    };
    let (docx, pdf) = render();
    assert!(render() == (docx.clone(), pdf.clone()), "the same bytes from the same input");
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("<pdfaid:part>2</pdfaid:part>"), "PDF/A-2");
    assert!(text.contains("<pdfaid:conformance>A</pdfaid:conformance>"), "level A (tagged)");
    assert!(text.contains("/StructTreeRoot"), "structure tree");
    // The models stored at sending read back as they were.
    // (Where its texts came from is this machine's, and not kept.)
    let kept = Document { origins: Default::default(), ..old.clone() };
    let models = revise::Models { documents: [("arsplan-2026".to_string(), kept)].into() };
    let dir = tempfile::tempdir().unwrap();
    models.store(dir.path(), "abc").unwrap();
    assert_eq!(revise::Models::read(dir.path(), "abc").unwrap(), Some(models));
    assert_eq!(revise::Models::read(dir.path(), "other").unwrap(), None);
}

/// A PDF's pages as PNGs (first `pages`), into the notes folder when it is there.
fn pictures(pdf: &Path, name: &str, first: usize, last: usize) {
    common::need("pdftoppm", &["-v"]);
    let notes = Path::new("/work/wt/notes");
    let out_dir = if notes.is_dir() { notes.to_path_buf() } else { pdf.parent().unwrap().to_path_buf() };
    let status = Command::new("pdftoppm")
        .args(["-r", "60", "-png", "-f", &first.to_string(), "-l", &last.to_string()])
        .arg(pdf)
        .arg(out_dir.join(name))
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
#[ignore = "needs soffice (LibreOffice), pdftotext and pdftoppm (poppler-utils)"]
fn libreoffice_shows_both_dates_and_the_marked_pdf_has_the_changes_as_text() {
    common::need("soffice", &["--version"]);
    let m = made();
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("arsplan-2026-endringer.docx");
    std::fs::write(&docx, &m.docx).unwrap();
    let profile = format!("-env:UserInstallation=file://{}/lo-profile", dir.path().display());
    let out = Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&docx)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lo_pdf = dir.path().join("arsplan-2026-endringer.pdf");
    let shown = common::pdf_text(&std::fs::read(&lo_pdf).unwrap());
    for d in ["16. april", "23. april", "12. november", "19. november", ACTIVITY] {
        assert!(shown.contains(d), "LibreOffice shows «{d}»:\n{shown}");
    }
    pictures(&lo_pdf, "rettelse-docx-libreoffice", 1, 3);

    // The marked PDF: the notice box, the marks as words a screen reader
    // reads, both dates.
    let text = common::pdf_text(&m.pdf);
    assert!(text.contains("Endret siden versjonen sendt 15. januar 2026:"), "{text}");
    for d in ["16. april", "23. april", "12. november", "19. november", ACTIVITY] {
        assert!(text.contains(d), "the PDF has «{d}»:\n{text}");
    }
    let compact = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // The meeting's row in the table of meetings: the old date, then the new.
    assert!(
        compact.contains("Sandnes + SUS Slettet: 16. april Lagt til: 23. april 15. oktober"),
        "{compact}"
    );
    assert!(compact.contains("Slettet: 12. november Lagt til: 19. november"), "{compact}");
    assert!(compact.contains(&format!("Lagt til: {ACTIVITY}")), "{compact}");
    let pdf = dir.path().join("arsplan-2026-endringer-merket.pdf");
    std::fs::write(&pdf, &m.pdf).unwrap();
    pictures(&pdf, "rettelse-pdf", 1, 3);
}

// ----- the whole way: build, send, change, send again -----

struct Server {
    child: Child,
    port: u16,
    maildir: PathBuf,
}

impl Server {
    fn start(maildir: &Path) -> Server {
        common::need("python3", &["-c", "import aiosmtpd"]);
        let mut child = Command::new("python3")
            .arg(common::root().join("tests/fixtures/smtp_server.py"))
            .arg(maildir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().strip_prefix("READY ").expect("server ready").parse().unwrap();
        Server { child, port, maildir: maildir.to_path_buf() }
    }

    fn messages(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&self.maildir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        v.sort();
        v
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.stdin.take().map(|mut s| s.write_all(b""));
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn arsplan(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_arsplan"))
        .current_dir(dir)
        .arg("--maler")
        .arg(common::root().join("templates"))
        .args(args)
        .output()
        .unwrap()
}

fn send(dir: &Path, port: u16) -> Output {
    let port = port.to_string();
    arsplan(
        dir,
        &[
            "send",
            "--network",
            "stavanger",
            "--year",
            "2026",
            "--send",
            "--smtp-server",
            "127.0.0.1",
            "--smtp-port",
            &port,
            "--sikkerhet",
            "ingen",
            "--ja",
        ],
    )
}

/// Two verified municipalities of the register, the rest left out.
fn two_recipients(dir: &Path) {
    let p = dir.join("data/stavanger/mottakere.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    let lines: Vec<String> = text.lines().take(3).map(|l| l.replace(";nei;", ";ja;")).collect();
    std::fs::write(p, lines.join("\n") + "\n").unwrap();
}

/// A message's attachments, saved into `to`, by Python's email package: (name, content type).
fn attachments(eml: &Path, to: &Path) -> Vec<(String, String)> {
    let script = r#"
import sys, os, email
from email import policy
m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=policy.default)
for p in m.iter_attachments():
    open(os.path.join(sys.argv[2], p.get_filename()), 'wb').write(p.get_payload(decode=True))
    print(p.get_filename(), p.get_content_type())
"#;
    std::fs::create_dir_all(to).unwrap();
    let out = Command::new("python3").args(["-c", script]).arg(eml).arg(to).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (a, b) = l.split_once(' ').unwrap();
            (a.to_string(), b.to_string())
        })
        .collect()
}

#[test]
#[ignore = "needs python3 with aiosmtpd and lxml, and pdftotext (poppler-utils)"]
fn a_correction_after_two_moved_dates_and_a_new_activity_carries_an_endringsversjon_that_agrees_with_its_letter(
) {
    let dir = project_dir();
    let root = dir.path();
    two_recipients(root);
    let server = Server::start(&root.join("mail"));
    let out = send(root, server.port);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(server.messages().len(), 2);
    let first = attachments(&server.messages()[0], &root.join("first"));
    assert!(!first.iter().any(|(n, _)| n.contains("endringer")), "the first sending has none: {first:?}");
    let sending = root.join("output/stavanger/2026/utsending");
    let stored: Vec<_> = std::fs::read_dir(sending.join("modeller")).unwrap().collect();
    assert_eq!(stored.len(), 1, "the sent version's models are kept");

    // Nothing changed: `bygg --endringer-siden utsending` says so and writes none.
    let out =
        arsplan(root, &["bygg", "--nettverk", "stavanger", "--år", "2026", "--endringer-siden", "utsending"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ingenting er endret siden utsendingen"));
    assert!(!root.join("output/stavanger/2026/arsplan-2026-endringer.docx").exists());

    change_the_year(&root.join("data"));
    // On request, before the correction goes: the endringsversjon since the sending, beside the documents.
    let out =
        arsplan(root, &["bygg", "--nettverk", "stavanger", "--år", "2026", "--endringer-siden", "utsending"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("er endret siden utsendingen"));
    let built = root.join("output/stavanger/2026");
    let r = revisions(&std::fs::read(built.join("arsplan-2026-endringer.docx")).unwrap());
    assert!(texts(&r["ins"]).contains(&ACTIVITY.to_string()), "{r}");
    assert!(built.join("arsplan-2026-endringer.pdf").is_file());
    // The web page's offer and download: the same files.
    let project = common::with_data(root.join("data"), root.join("output"));
    let prepared = project.prepare("stavanger", 2026).unwrap();
    let (sent, files) = revise::offered(&project, &prepared).expect("offered");
    assert_eq!(files, ["arsplan-2026-endringer.docx", "arsplan-2026-endringer.pdf"]);
    assert!(sent >= day("2026-01-01"), "{sent}");
    let got = revise::download(&project, "stavanger", 2026, "arsplan-2026-endringer.docx", sent).unwrap();
    assert!(texts(&revisions(&got)["ins"]).contains(&ACTIVITY.to_string()));
    assert!(revise::download(&project, "stavanger", 2026, "arsrapport-2025-endringer.docx", sent).is_none());

    let out = send(root, server.port);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let messages = server.messages();
    assert_eq!(messages.len(), 4, "each municipality gets the correction");
    for (k, eml) in messages[2..].iter().enumerate() {
        let to = root.join(format!("correction-{k}"));
        let got = attachments(eml, &to);
        let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
        assert!(names.contains(&"arsplan-2026.pdf"), "{names:?}");
        let docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        assert!(got.contains(&("arsplan-2026-endringer.docx".into(), docx_type.into())), "{got:?}");
        assert!(got.contains(&("arsplan-2026-endringer.pdf".into(), "application/pdf".into())), "{got:?}");
        // The report did not change: no endringsversjon of it.
        assert!(!names.iter().any(|n| n.starts_with("arsrapport") && n.contains("endringer")), "{names:?}");

        // The letter and the version agree: each move the letter names is a
        // deletion and an insertion of those dates in the DOCX and listed in
        // the PDF's box; the PDF box says what the letter says.
        let letter_name = names.iter().find(|n| n.starts_with("folgebrev-")).unwrap();
        let letter = common::pdf_text(&std::fs::read(to.join(letter_name)).unwrap());
        let letter = letter.split_whitespace().collect::<Vec<_>>().join(" ");
        let marked = common::pdf_text(&std::fs::read(to.join("arsplan-2026-endringer.pdf")).unwrap());
        let marked = marked.split_whitespace().collect::<Vec<_>>().join(" ");
        let r = revisions(&std::fs::read(to.join("arsplan-2026-endringer.docx")).unwrap());
        let (ins, del) = (texts(&r["ins"]), texts(&r["del"]));
        for (line, old, new) in [
            (
                "Nettverksmøte for Sandnes + SUS er flyttet fra torsdag 16. april til torsdag 23. april",
                "16. april",
                "23. april",
            ),
            (
                "Årlig fagdag er flyttet fra torsdag 12. november til torsdag 19. november",
                "12. november",
                "19. november",
            ),
        ] {
            assert!(letter.contains(line), "the letter: «{line}» in {letter}");
            assert!(marked.contains(line), "the version's box: «{line}» in {marked}");
            assert!(
                del.iter().any(|t| t.contains(old)) && ins.iter().any(|t| t.contains(new)),
                "{del:?} {ins:?}"
            );
        }
        assert!(
            letter.contains("arsplan-2026-endringer.docx") && letter.contains("arsplan-2026-endringer.pdf")
        );
        assert!(letter.contains("sporede endringer"), "{letter}");
        assert!(ins.contains(&ACTIVITY.to_string()), "{ins:?}");
        assert!(marked.contains("Endret siden versjonen sendt"), "{marked}");
    }

    // Since the last sending (the correction) nothing changed.
    let out =
        arsplan(root, &["bygg", "--nettverk", "stavanger", "--år", "2026", "--endringer-siden", "utsending"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ingenting er endret siden utsendingen"));
    // A date before any sending is said in words; a wrong one refused.
    let out = arsplan(
        root,
        &["bygg", "--nettverk", "stavanger", "--år", "2026", "--endringer-siden", "01.01.2020"],
    );
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("ingen utsending på eller før 01.01.2020"));
    let out =
        arsplan(root, &["bygg", "--nettverk", "stavanger", "--år", "2026", "--endringer-siden", "i fjor"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("er verken en dato eller «utsending»"));

    // The house style can turn it off: a network's own style that says
    // endringsversjon = false sends a correction without one (a dry run).
    let own = root.join("data/stavanger/maler/egen");
    std::fs::create_dir_all(&own).unwrap();
    std::fs::write(
        own.join("stil.toml"),
        "arv = \"helse-stavanger\"\nnavn = \"Egen\"\n\n[utsending]\nendringsversjon = false\n",
    )
    .unwrap();
    edit(&root.join("data/stavanger/nettverk.toml"), "stil = \"helse-stavanger\"", "stil = \"egen\"");
    edit(&root.join("data/stavanger/2026/moter.csv"), "fagdag;19.11.2026", "fagdag;26.11.2026");
    let out = arsplan(root, &["send", "--network", "stavanger", "--year", "2026"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("sendes som rettet versjon"));
    let eml = sending.join(
        std::fs::read_dir(&sending)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .find(|n| n.ends_with(".eml"))
            .unwrap(),
    );
    let got = attachments(&eml, &root.join("off"));
    assert!(got.iter().any(|(n, _)| n == "arsplan-2026.pdf"), "{got:?}");
    assert!(!got.iter().any(|(n, _)| n.contains("endringer")), "turned off: {got:?}");
}

/// `arsplan serve` on loopback, and GET with its token (HTTP/1.0: the body as it is).
struct Page {
    child: Child,
    host: String,
    cookie: String,
}

impl Page {
    fn start(dir: &Path) -> Page {
        let mut child = Command::new(env!("CARGO_BIN_EXE_arsplan"))
            .current_dir(dir)
            .arg("--maler")
            .arg(common::root().join("templates"))
            .args(["serve", "--port", "0", "--ingen-nettleser"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        let url = line.trim().strip_prefix("Nettsiden kjører på http://").unwrap_or_else(|| panic!("{line}"));
        let (host, token) = url.split_once("/?token=").unwrap();
        let port = host.rsplit_once(':').unwrap().1;
        Page { child, host: host.to_string(), cookie: format!("arsplan_{port}={token}") }
    }

    /// (status, body)
    fn get(&self, path: &str) -> (u16, Vec<u8>) {
        use std::io::Read;
        let mut s = std::net::TcpStream::connect(&self.host).unwrap();
        write!(s, "GET {path} HTTP/1.0\r\nHost: {}\r\nCookie: {}\r\n\r\n", self.host, self.cookie).unwrap();
        let mut all = Vec::new();
        s.read_to_end(&mut all).unwrap();
        let split = all.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&all[..split]).to_string();
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        (status, all[split + 4..].to_vec())
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_year_page_offers_the_endringsversjon_after_a_sending_and_gives_it() {
    let dir = project_dir();
    let root = dir.path();
    two_recipients(root);
    // Sent from the leader's own mailbox: drafts, then confirmed as sent.
    for flag in ["--utkast", "--utkast-sendt"] {
        let out = arsplan(root, &["send", "--network", "stavanger", "--year", "2026", flag]);
        assert!(out.status.success(), "{flag}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let page = Page::start(root);
    let year = |p: &Page| String::from_utf8(p.get("/aar/stavanger/2026").1).unwrap();
    let link = "/aar/stavanger/2026/endringsversjon/arsplan-2026-endringer.docx";
    assert!(!year(&page).contains(link), "nothing changed yet");
    change_the_year(&root.join("data"));
    let shown = year(&page);
    assert!(shown.contains(link), "{shown}");
    assert!(shown.contains("/aar/stavanger/2026/endringsversjon/arsplan-2026-endringer.pdf"), "{shown}");
    assert!(shown.contains("Endret siden utsendingen"), "{shown}");
    let (status, docx) = page.get(link);
    assert_eq!(status, 200);
    let xml = {
        use std::io::Read;
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
        let mut x = String::new();
        z.by_name("word/document.xml").unwrap().read_to_string(&mut x).unwrap();
        x
    };
    assert!(xml.contains("<w:ins ") && xml.contains("<w:delText"), "tracked changes");
    assert!(common::xml_text(&xml).contains(ACTIVITY));
    let (status, pdf) = page.get("/aar/stavanger/2026/endringsversjon/arsplan-2026-endringer.pdf");
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF-"));
    // Only the endringsversjon's own names.
    assert_eq!(page.get("/aar/stavanger/2026/endringsversjon/arsplan-2026.pdf").0, 404);
    assert_eq!(page.get("/aar/stavanger/2026/endringsversjon/..%2Fsendelogg.json").0, 404);
    drop(page);

    // A stored version that cannot be read: said in Norwegian, at the file, and nothing written.
    let models = root.join("output/stavanger/2026/utsending/modeller");
    let stored = std::fs::read_dir(&models).unwrap().next().unwrap().unwrap().path();
    std::fs::write(&stored, b"{ ikke json").unwrap();
    let out =
        arsplan(root, &["bygg", "--nettverk", "stavanger", "--år", "2026", "--endringer-siden", "utsending"]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("den lagrede versjonen kan ikke leses") && said.contains("modeller"), "{said}");
    assert!(!root.join("output/stavanger/2026/arsplan-2026-endringer.docx").exists());
}

/// The `w:ins` or `w:del` elements (run level) of a DOCX body that hold a drawing.
fn drawings_in(docx: &[u8], kind: &str) -> usize {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    z.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    let (open, close) = (format!("<w:{kind} "), format!("</w:{kind}>"));
    xml.match_indices(&open)
        .filter(|(i, _)| {
            let rest = &xml[*i..];
            let end = rest.find(&close).unwrap_or(0);
            rest[..end].contains("<w:drawing")
        })
        .count()
}

#[test]
#[ignore = "needs python3 with lxml, and openxml-audit (pip)"]
fn a_changed_chart_in_the_report_is_the_old_one_deleted_and_the_new_one_inserted() {
    let dir = project_dir();
    let project = common::with_data(dir.path().join("data"), dir.path().join("output"));
    let report = || {
        let p = project.prepare("stavanger", 2025).unwrap();
        let d =
            arsplan::build::documents(&p).unwrap().into_iter().find(|m| m.stem == "arsrapport-2025").unwrap();
        (p, d.document)
    };
    let (p, before) = report();
    // A correction of the register: a resource person works in Stavanger,
    // not Sandnes (the chart of resource persons per municipality changes).
    edit(
        &dir.path().join("data/stavanger/ressurspersoner.csv"),
        "r002;Torunn Bakken;sykepleier;Lunde bo- og aktivitetssenter;1108;",
        "r002;Torunn Bakken;sykepleier;Lunde bo- og aktivitetssenter;1103;",
    );
    let (_, after) = report();
    let merged = revise::merged(&before, &after, day("2026-02-02")).expect("the report changed");
    let (docx, pdf) = revise::render(&merged, Vec::new(), &p.theme, &p.assets).unwrap();
    assert!(drawings_in(&docx, "del") >= 1 && drawings_in(&docx, "ins") >= 1, "a chart deleted and inserted");
    assert_eq!(drawings_in(&docx, "del"), drawings_in(&docx, "ins"), "each changed chart both ways");
    let plain = |d: &Document| {
        arsplan::render::render(d, &p.theme, &p.assets, &[arsplan::render::Format::Docx]).unwrap().remove(0).1
    };
    let r = revisions(&docx);
    assert_eq!(strings(&r["accepted"]), strings(&revisions(&plain(&after))["shown"]));
    assert_eq!(strings(&r["rejected"]), strings(&revisions(&plain(&before))["shown"]));
    audit(&docx);
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("<pdfaid:conformance>A</pdfaid:conformance>"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("arsrapport-2025-endringer.pdf");
    std::fs::write(&path, &pdf).unwrap();
    pictures(&path, "rettelse-pdf-diagram", 2, 4);
    let words = common::pdf_text(&pdf);
    assert!(words.contains("Slettet:") && words.contains("Lagt til:"), "{words}");
}
