//! Sending to the postmottak, through the real binary: standard .eml files in
//! a dry run, built exactly as `build` builds; real SMTP to a real server on
//! loopback (aiosmtpd), in the clear, with STARTTLS and with implicit TLS
//! (self-signed certificates made here, AUTH); a confirmation before sending;
//! drafts for Outlook; a resumable and idempotent ledger; corrections after a
//! moved meeting, dated the day they are made; honest Date headers; early
//! dates; the overview table; and refusal of bad recipient data.

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, SystemTime};

fn project_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_examples(&dir.path().join("data"), &["stavanger"]);
    std::fs::copy(common::root().join("data/kommuner.csv"), dir.path().join("data/kommuner.csv")).unwrap();
    dir
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_arsplan"));
    c.current_dir(dir).arg("--maler").arg(common::root().join("templates")).args(args);
    c
}

fn arsplan(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

/// Marks the first `verified` recipients as verified, and keeps only the first `keep`.
fn recipients(dir: &Path, keep: usize, verified: usize) {
    let p = dir.join("data/stavanger/mottakere.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines.truncate(keep + 1);
    for l in lines.iter_mut().skip(1).take(verified) {
        *l = l.replace(";nei;", ";ja;");
    }
    std::fs::write(p, lines.join("\n") + "\n").unwrap();
}

fn edit(path: &Path, from: &str, to: &str) {
    let t = std::fs::read_to_string(path).unwrap();
    assert!(t.contains(from), "«{from}» in {}", path.display());
    std::fs::write(path, t.replace(from, to)).unwrap();
}

fn move_fagdag(dir: &Path) {
    edit(&dir.join("data/stavanger/2026/moter.csv"), "fagdag;12.11.2026", "fagdag;19.11.2026");
}

fn utsending(dir: &Path) -> PathBuf {
    dir.join("output/stavanger/2026/utsending")
}

/// The text of a letter, read from its DOCX (word/document.xml).
fn letter(dir: &Path, knr: &str) -> String {
    let bytes = std::fs::read(utsending(dir).join(format!("folgebrev-{knr}.docx"))).unwrap();
    common::docx_text(&bytes)
}

/// The `Date:` header of a message, as a moment.
fn date_header(message: &str) -> SystemTime {
    let value = message.lines().find_map(|l| l.strip_prefix("Date: ")).expect("a Date header");
    let t = chrono::DateTime::parse_from_rfc2822(value).unwrap_or_else(|e| panic!("{value}: {e}"));
    SystemTime::UNIX_EPOCH + Duration::from_secs(t.timestamp() as u64)
}

/// Asserts that a message's `Date:` is a moment between `before` and `after`
/// (to the second), not the plan's date.
fn dated_between(message: &str, before: SystemTime, after: SystemTime) {
    let d = date_header(message);
    let secs = |t: SystemTime| t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
    assert!(
        secs(before) <= secs(d) && secs(d) <= secs(after),
        "Date {} not in [{}, {}]",
        secs(d),
        secs(before),
        secs(after)
    );
}

/// Reads a message with Python's email package: headers, attachments (name,
/// type, encoding, first bytes) and the plain-text body. With `save`, each
/// attachment is also written there under its file name.
fn parse_eml(path: &Path, save: Option<&Path>) -> String {
    common::need("python3", &["-c", "import email"]);
    let script = r#"
import sys, os, email
from email import policy
m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=policy.default)
print('SUBJECT', m['Subject'])
print('TO', m['To'])
print('ID', m['Message-ID'])
print('DATE', m['Date'])
print('X-UNSENT', m['X-Unsent'])
for p in m.iter_attachments():
    data = p.get_payload(decode=True)
    print('ATTACHMENT', p.get_filename(), p.get_content_type(), p['Content-Transfer-Encoding'], data[:5])
    if len(sys.argv) > 2:
        open(os.path.join(sys.argv[2], p.get_filename()), 'wb').write(data)
print('BODY', m.get_body(('plain',)).get_content().replace('\n', ' ')[:4000])
"#;
    let mut c = Command::new("python3");
    c.args(["-c", script]).arg(path);
    if let Some(s) = save {
        c.arg(s);
    }
    let out = c.output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn dry_run_builds_first_and_writes_one_standard_message_and_letter_per_municipality() {
    let dir = project_dir();
    let before = SystemTime::now();
    let out = arsplan(dir.path(), &["send", "--network", "stavanger", "--year", "2026"]);
    let after = SystemTime::now();
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The documents are built as `build` builds them, with its messages.
    assert!(stdout.contains("skrev output/stavanger/2026/arsplan-2026.pdf"), "{stdout}");
    assert!(stdout.contains("skrev output/stavanger/2025/arsrapport-2025.pdf"), "{stdout}");
    assert!(dir.path().join("output/stavanger/2026/manifest.json").is_file());
    assert!(stdout.contains("Prøvekjøring: ingenting er sendt"), "{stdout}");
    assert!(stdout.contains("0 mottakere ville fått e-post"), "{stdout}");
    assert!(
        stdout.contains("1119     Hå") && stdout.contains("hoppes over: adressen er ikke verifisert"),
        "{stdout}"
    );
    let u = utsending(dir.path());
    for knr in ["1101", "1103", "1119", "1144"] {
        for f in [format!("{knr}.eml"), format!("folgebrev-{knr}.pdf"), format!("folgebrev-{knr}.docx")] {
            assert!(u.join(&f).is_file(), "{f}");
        }
    }
    assert_eq!(
        std::fs::read_dir(&u)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().extension().unwrap() == "eml")
            .count(),
        15
    );
    assert!(!u.join("utkast").exists(), "drafts only with --utkast");
    let raw = std::fs::read_to_string(u.join("1119.eml")).unwrap();
    assert!(raw.contains("Subject: =?utf-8?"), "non-ASCII subject encoded (RFC 2047)");
    assert!(
        raw.contains("Content-Type: application/pdf") && raw.contains("Content-Transfer-Encoding: base64")
    );
    assert!(!raw.contains("Årsplan"), "no raw 8-bit text in headers or parts");
    assert!(!raw.contains("X-Unsent"), "a dry-run message is no draft");
    // Date: the moment the message was written, not the plan's date (15 January 2026).
    dated_between(&raw, before, after);
    // The first letter is dated the day it is written, not the plan's date.
    let (today, _) = today_in_norway();
    assert!(
        letter(dir.path(), "1119").contains(&format!("{today}\nstavanger/2026/1119")),
        "{}",
        letter(dir.path(), "1119")
    );
    // The same input gives the same bytes, apart from the moment of writing.
    let letter_pdf = std::fs::read(u.join("folgebrev-1119.pdf")).unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    let again = arsplan(dir.path(), &["send", "--network", "stavanger", "--year", "2026"]);
    assert!(again.status.success());
    assert!(text(&again.stdout).contains("filer var uendret"), "the second build changes nothing");
    let raw2 = std::fs::read_to_string(u.join("1119.eml")).unwrap();
    assert_ne!(date_header(&raw), date_header(&raw2), "a new Date: for a new writing");
    let without_date =
        |m: &str| m.lines().filter(|l| !l.starts_with("Date: ")).collect::<Vec<_>>().join("\n");
    assert_eq!(without_date(&raw2), without_date(&raw));
    assert_eq!(std::fs::read(u.join("folgebrev-1119.pdf")).unwrap(), letter_pdf);
}

#[test]
#[ignore = "needs python3 and openxml-audit (pip)"]
fn a_dry_run_message_reads_back_in_python_and_its_letter_is_valid_ooxml() {
    let dir = project_dir();
    assert!(arsplan(dir.path(), &["send", "--network", "stavanger", "--year", "2026"]).status.success());
    let u = utsending(dir.path());
    let m = parse_eml(&u.join("1119.eml"), None);
    assert!(m.contains("SUBJECT Årsplan 2026 og årsrapport 2025 fra Nettverk i kreftomsorg"), "{m}");
    assert!(m.contains("TO Postmottak Hå <postmottak@ha.kommune.example>"), "{m}");
    assert!(m.contains("ATTACHMENT folgebrev-1119.pdf application/pdf base64 b'%PDF-'"), "{m}");
    assert!(m.contains("ATTACHMENT arsplan-2026.pdf application/pdf base64 b'%PDF-'"), "{m}");
    assert!(m.contains("ATTACHMENT arsrapport-2025.pdf application/pdf base64 b'%PDF-'"), "{m}");
    assert!(m.contains("Postmottak, Hå") && m.contains("stavanger/2026/1119"), "{m}");
    assert!(m.contains("X-UNSENT None"), "{m}");
    common::need("openxml-audit", &["--help"]);
    let out =
        Command::new("openxml-audit").args(["-m", "0"]).arg(u.join("folgebrev-1119.docx")).output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("Errors: 0"), "{report}");
}

/// Every file below `dir`, by its path relative to it, skipping `utsending/`.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                // The letters, and the earlier versions build keeps, are not the build's files.
                if p.file_name().unwrap() != "utsending" && p.file_name().unwrap() != "tidligere" {
                    stack.push(p);
                }
            } else if !p.file_name().unwrap().to_string_lossy().starts_with('.') {
                out.push((p.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
#[ignore = "needs python3"]
fn send_attaches_exactly_what_build_wrote_also_after_a_moved_date() {
    let sent = project_dir();
    let built = project_dir();
    let send_once = |d: &Path| {
        let o = arsplan(d, &["send", "--network", "stavanger", "--year", "2026"]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        text(&o.stdout)
    };
    let build_once = |d: &Path| {
        let o = arsplan(d, &["build", "--network", "stavanger", "--year", "2025", "--year", "2026"]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        text(&o.stdout)
    };
    send_once(sent.path());
    build_once(built.path());
    let plan_before = std::fs::read(sent.path().join("output/stavanger/2026/arsplan-2026.pdf")).unwrap();
    move_fagdag(sent.path());
    move_fagdag(built.path());
    let said = send_once(sent.path());
    let build_said = build_once(built.path());
    // The same messages as build: the files written and what changed.
    assert!(said.starts_with(&build_said), "send printed:\n{said}\nbuild printed:\n{build_said}");
    assert!(said.contains("Årlig fagdag: 12. november → 19. november"), "{said}");
    // The same files in output/, manifest included.
    let (a, b) =
        (files(&sent.path().join("output/stavanger")), files(&built.path().join("output/stavanger")));
    assert_eq!(a.iter().map(|f| &f.0).collect::<Vec<_>>(), b.iter().map(|f| &f.0).collect::<Vec<_>>());
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{} differs between send and build", name.display());
    }
    // The attachments are those files, byte for byte, with the new date.
    let out = sent.path().join("output/stavanger");
    let plan = std::fs::read(out.join("2026/arsplan-2026.pdf")).unwrap();
    assert_ne!(plan, plan_before, "the moved date changed the plan");
    let saved = tempfile::tempdir().unwrap();
    let m = parse_eml(&utsending(sent.path()).join("1103.eml"), Some(saved.path()));
    assert!(m.contains("ATTACHMENT arsplan-2026.pdf"), "{m}");
    assert!(std::fs::read(saved.path().join("arsplan-2026.pdf")).unwrap() == plan, "plan attachment");
    assert!(
        std::fs::read(saved.path().join("arsrapport-2025.pdf")).unwrap()
            == std::fs::read(out.join("2025/arsrapport-2025.pdf")).unwrap(),
        "report attachment"
    );
    assert!(
        std::fs::read(saved.path().join("folgebrev-1103.pdf")).unwrap()
            == std::fs::read(utsending(sent.path()).join("folgebrev-1103.pdf")).unwrap(),
        "letter attachment"
    );
    assert!(m.contains("ATTACHMENT kalender-2026.ics text/calendar"), "{m}");
    assert!(
        std::fs::read(saved.path().join("kalender-2026.ics")).unwrap()
            == std::fs::read(out.join("2026/kalender-2026.ics")).unwrap(),
        "calendar attachment"
    );
}

#[test]
fn send_stops_with_builds_errors_and_writes_nothing() {
    let dir = project_dir();
    edit(&dir.path().join("data/stavanger/2026/moter.csv"), "fagdag;12.11.2026", "fagdag;31.11.2026");
    let out = arsplan(dir.path(), &["send", "--network", "stavanger", "--year", "2026"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("moter.csv, rad") && err.contains("«31.11.2026» er ingen gyldig dato"), "{err}");
    assert!(!dir.path().join("output/stavanger/2026").exists(), "nothing built, nothing written");
}

#[test]
fn early_dates_work() {
    // A letter dated before 1970 (--dato), and a plan dated before 1970.
    let dir = project_dir();
    let out =
        arsplan(dir.path(), &["send", "--network", "stavanger", "--year", "2026", "--dato", "01.01.1969"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        letter(dir.path(), "1101").contains("1. januar 1969\nstavanger/2026/1101"),
        "{}",
        letter(dir.path(), "1101")
    );
    let raw = std::fs::read_to_string(utsending(dir.path()).join("1101.eml")).unwrap();
    dated_between(&raw, SystemTime::now() - Duration::from_secs(600), SystemTime::now());

    // A plan dated before 1970 is sent with a letter of today.
    let dir = project_dir();
    edit(&dir.path().join("data/stavanger/2026/plan.toml"), "dato = 2026-01-15", "dato = 1969-01-15");
    let out = arsplan(dir.path(), &["send", "--network", "stavanger", "--year", "2026"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let today = arsplan::dates::format(arsplan::dates::oslo(SystemTime::now()).date_naive(), "d. MMMM yyyy");
    assert!(
        letter(dir.path(), "1101").contains(&format!("{today}\nstavanger/2026/1101")),
        "{}",
        letter(dir.path(), "1101")
    );

    // A year that is a typing error gets a message, not a letter from year 26.
    let out =
        arsplan(dir.path(), &["send", "--network", "stavanger", "--year", "2026", "--dato", "01.01.0026"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("«01.01.0026» er neppe datoen på et brev") && err.contains("--dato 15.01.2026"),
        "{err}"
    );
    let out =
        arsplan(dir.path(), &["send", "--network", "stavanger", "--year", "2026", "--dato", "31.02.2026"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("«31.02.2026» er ingen dato"));
}

#[test]
#[ignore = "needs python3"]
fn the_overview_quotes_names_with_semicolons_and_quotes() {
    let dir = project_dir();
    edit(&dir.path().join("data/stavanger/mottakere.csv"), "1119;Hå;", "1119;\"Hå; Nærbø \"\"sør\"\"\";");
    let out = arsplan(dir.path(), &["send", "--network", "stavanger", "--year", "2026"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let path = utsending(dir.path()).join("oversikt.csv");
    assert!(std::fs::read(&path).unwrap().starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
    let script = r#"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding='utf-8-sig', newline=''), delimiter=';'))
print(len(rows), sorted(set(len(r) for r in rows)))
for r in rows:
    print('|'.join(r))
"#;
    let out = Command::new("python3").args(["-c", script]).arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.starts_with("16 [7]\n"), "16 rows of 7 cells:\n{s}");
    assert!(s.contains("Kommunenummer|Kommune|Postmottak|Verifisert|Vedlegg|Brevdato|Status"), "{s}");
    let (_, iso) = today_in_norway();
    let today = format!("{}.{}.{}", &iso[8..10], &iso[5..7], &iso[..4]);
    assert!(
        s.contains(&format!("1119|Hå; Nærbø \"sør\"|postmottak@ha.kommune.example|nei|folgebrev-1119.pdf + arsplan-2026.pdf + arsrapport-2025.pdf + kalender-2026.ics|{today}|hoppes over")),
        "{s}"
    );
}

#[derive(Default)]
struct Opts<'a> {
    drop_after: Option<usize>,
    /// (`starttls` or `tls`, certificate, key)
    tls: Option<(&'a str, &'a Path, &'a Path)>,
    /// `user:password`
    auth: Option<&'a str>,
}

struct Server {
    child: Child,
    port: u16,
    maildir: PathBuf,
}

impl Server {
    fn start(maildir: &Path, o: Opts) -> Server {
        common::need("python3", &["-c", "import aiosmtpd"]);
        let mut cmd = Command::new("python3");
        cmd.arg(common::root().join("tests/fixtures/smtp_server.py")).arg(maildir);
        if let Some(n) = o.drop_after {
            cmd.args(["--drop-after", &n.to_string()]);
        }
        if let Some((mode, cert, key)) = o.tls {
            cmd.args(["--tls", mode]).arg("--cert").arg(cert).arg("--key").arg(key);
        }
        if let Some(a) = o.auth {
            cmd.args(["--auth", a]);
        }
        let mut child =
            cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().strip_prefix("READY ").expect("server ready").parse().unwrap();
        Server { child, port, maildir: maildir.to_path_buf() }
    }

    fn read(&self, ext: &str) -> Vec<String> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&self.maildir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .collect();
        v.sort();
        v.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
    }

    fn messages(&self) -> Vec<String> {
        self.read("eml")
    }

    /// Per message: `tls=ja|nei login=<user>`.
    fn sessions(&self) -> Vec<String> {
        self.read("meta").iter().map(|s| s.trim().to_string()).collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.stdin.take().map(|mut s| s.write_all(b""));
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn to_header(message: &str) -> String {
    message.lines().find(|l| l.starts_with("To: ")).unwrap_or_default().to_string()
}

fn smtp_args(port: &str) -> Vec<&str> {
    vec![
        "send",
        "--network",
        "stavanger",
        "--year",
        "2026",
        "--send",
        "--smtp-server",
        "127.0.0.1",
        "--smtp-port",
        port,
    ]
}

/// `send --send` to a server on loopback, in the clear, answering yes (`--ja`).
fn send(dir: &Path, port: u16, extra: &[&str]) -> Output {
    let port = port.to_string();
    let mut args = smtp_args(&port);
    args.extend_from_slice(&["--sikkerhet", "ingen", "--ja"]);
    args.extend_from_slice(extra);
    arsplan(dir, &args)
}

fn ledger(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(utsending(dir).join("sendelogg.json")).unwrap()).unwrap()
}

#[test]
#[ignore = "needs python3 with aiosmtpd"]
fn a_dropped_connection_is_resumed_and_every_recipient_gets_exactly_one_message() {
    let dir = project_dir();
    recipients(dir.path(), 6, 5);
    let maildir = dir.path().join("mail");
    let server = Server::start(&maildir, Opts { drop_after: Some(2), ..Opts::default() });

    let before = SystemTime::now();
    let first = send(dir.path(), server.port, &[]);
    let err = text(&first.stderr);
    assert_eq!(first.status.code(), Some(1), "the dropped connection fails the run: {err}");
    assert!(text(&first.stdout)
        .contains("Sender til 5 mottakere (1 uverifisert hoppes over): stavanger 2026, følgebrev med arsplan-2026.pdf, arsrapport-2025.pdf og kalender-2026.ics. Fortsette? [j/N] ja (--ja)"));
    assert!(err.contains("feilet") && err.contains("2 meldinger ble sendt før feilen"), "{err}");
    assert!(err.contains("Kjør samme kommando igjen"), "{err}");
    assert_eq!(server.messages().len(), 2);
    assert_eq!(ledger(dir.path())["sendt"].as_array().unwrap().len(), 2);

    let second = send(dir.path(), server.port, &[]);
    assert!(second.status.success(), "{}", text(&second.stderr));
    assert!(text(&second.stdout).contains("Sendt: 3 e-poster"));
    let after = SystemTime::now();
    let msgs = server.messages();
    assert_eq!(msgs.len(), 5, "five verified recipients, five messages");
    for m in &msgs {
        dated_between(m, before, after);
    }
    let mut to: Vec<String> = msgs.iter().map(|m| to_header(m)).collect();
    to.sort();
    to.dedup();
    assert_eq!(to.len(), 5, "every recipient exactly once: {to:?}");
    assert!(
        !msgs.iter().any(|m| to_header(m).contains("bjerkreim")),
        "the unverified sixth recipient is skipped"
    );
    assert!(
        msgs.iter().any(|m| to_header(m).contains("lund.kommune.example")),
        "the fifth, verified, got one"
    );

    // Nothing new: nothing is sent again, and nothing is asked.
    let third = send(dir.path(), server.port, &[]);
    assert!(third.status.success());
    let said = text(&third.stdout);
    assert!(said.contains("allerede sendt") && said.contains("Ingenting å sende"), "{said}");
    assert!(!said.contains("Fortsette?"), "{said}");
    assert_eq!(server.messages().len(), 5);
}

#[test]
#[ignore = "needs python3 with aiosmtpd"]
fn two_sends_at_once_send_each_municipality_exactly_once() {
    let dir = project_dir();
    let maildir = dir.path().join("mail");
    let server = Server::start(&maildir, Opts::default());
    let port = server.port.to_string();
    // Two terminals at once: both compose the mailing from the same (empty)
    // ledger; the one that sends second must find the first's entries.
    let start = || {
        let mut args = smtp_args(&port);
        args.extend_from_slice(&["--sikkerhet", "ingen", "--ja", "--ta-med-uverifiserte"]);
        command(dir.path(), &args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
    };
    let (a, b) = (start(), start());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let said = format!("{}{}", text(&a.stdout), text(&b.stdout));
    assert!(a.status.success() && b.status.success(), "{said}\n{}{}", text(&a.stderr), text(&b.stderr));
    let msgs = server.messages();
    let mut to: Vec<String> = msgs.iter().map(|m| to_header(m)).collect();
    to.sort();
    let all = to.len();
    to.dedup();
    assert_eq!(all, to.len(), "every municipality exactly once: {to:?}\n{said}");
    assert_eq!(all, 15, "all 15 municipalities got one: {said}");
    assert_eq!(ledger(dir.path())["sendt"].as_array().unwrap().len(), 15);
    // The second said why it sent nothing (skipped under the lock, or
    // nothing left when it composed).
    assert!(
        said.contains("Allerede sendt til") && said.contains(", hoppet over.")
            || said.contains("Ingenting å sende"),
        "{said}"
    );
}

#[test]
#[ignore = "needs python3 with aiosmtpd"]
fn a_date_moved_and_moved_back_is_sent_again_as_a_correction() {
    let dir = project_dir();
    let maildir = dir.path().join("mail");
    let server = Server::start(&maildir, Opts::default());
    let port = server.port.to_string();
    let send = || {
        let mut args = smtp_args(&port);
        args.extend_from_slice(&["--sikkerhet", "ingen", "--ja", "--ta-med-uverifiserte"]);
        let out = command(dir.path(), &args).output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    send();
    move_fagdag(dir.path());
    send();
    assert_eq!(server.messages().len(), 30);
    // Back to the first date: the documents are the first version again,
    // which the municipalities no longer have.
    edit(&dir.path().join("data/stavanger/2026/moter.csv"), "fagdag;19.11.2026", "fagdag;12.11.2026");
    let said = send();
    assert!(!said.contains("Allerede sendt"), "{said}");
    assert_eq!(server.messages().len(), 45, "{said}");
    assert!(send().contains("Ingenting å sende"));
}

#[test]
#[ignore = "needs python3 with aiosmtpd"]
fn unverified_addresses_are_refused_unless_asked() {
    let dir = project_dir();
    recipients(dir.path(), 3, 1);
    let maildir = dir.path().join("mail");
    let server = Server::start(&maildir, Opts::default());
    let out = send(dir.path(), server.port, &[]);
    assert!(out.status.success());
    assert!(text(&out.stdout)
        .contains("Sender til 1 mottaker (2 uverifiserte hoppes over): stavanger 2026, følgebrev med"));
    assert_eq!(server.messages().len(), 1);
    let out = send(dir.path(), server.port, &["--ta-med-uverifiserte"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("Sender til 2 mottakere: stavanger 2026, følgebrev med arsplan-2026.pdf, arsrapport-2025.pdf og kalender-2026.ics. Fortsette?"), "{}", text(&out.stdout));
    assert_eq!(server.messages().len(), 3);
}

/// Runs arsplan with its standard input on a terminal (a pseudo-terminal)
/// on which `answer` is typed.
fn answering(dir: &Path, answer: &str, args: &[&str]) -> Output {
    common::need("python3", &["-c", "import pty"]);
    let script = r#"
import os, pty, subprocess, sys
master, slave = pty.openpty()
p = subprocess.Popen(sys.argv[2:], stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
os.close(slave)
os.write(master, (sys.argv[1] + "\n").encode())
out, err = p.communicate(timeout=600)
sys.stdout.buffer.write(out)
sys.stderr.buffer.write(err)
sys.exit(p.returncode)
"#;
    let binary = env!("CARGO_BIN_EXE_arsplan");
    let templates = common::root().join("templates");
    Command::new("python3")
        .current_dir(dir)
        .args(["-c", script, answer, binary, "--maler", templates.to_str().unwrap()])
        .args(args)
        .output()
        .unwrap()
}

#[test]
#[ignore = "needs python3 with aiosmtpd"]
fn sending_asks_first_and_without_a_terminal_or_a_yes_sends_nothing() {
    let dir = project_dir();
    recipients(dir.path(), 3, 2);
    let maildir = dir.path().join("mail");
    let server = Server::start(&maildir, Opts::default());
    let port = server.port.to_string();
    let mut args = smtp_args(&port);
    args.extend_from_slice(&["--sikkerhet", "ingen"]);

    // No terminal, no --ja: refused, nothing sent, nothing recorded.
    let out = arsplan(dir.path(), &args);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("sendingen må bekreftes, men det er ingen terminal å svare i"), "{err}");
    assert!(err.contains("--ja") && err.contains("Ingenting er sendt."), "{err}");
    assert!(server.messages().is_empty());
    assert!(!utsending(dir.path()).join("sendelogg.json").exists());

    // On a terminal, «n» (or anything but j/ja) is no.
    let out = answering(dir.path(), "n", &args);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("Sender til 2 mottakere (1 uverifisert hoppes over): stavanger 2026, følgebrev med arsplan-2026.pdf, arsrapport-2025.pdf og kalender-2026.ics. Fortsette? [j/N]"), "{err}");
    assert!(err.contains("Avbrutt: ingenting er sendt."), "{err}");
    assert!(server.messages().is_empty());

    // «j» sends.
    let out = answering(dir.path(), "j", &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Sendt: 2 e-poster"), "{}", text(&out.stdout));
    assert_eq!(server.messages().len(), 2);
}

#[test]
#[ignore = "needs python3 with aiosmtpd"]
fn drafts_for_outlook_are_marked_unsent_and_never_count_as_sent() {
    let dir = project_dir();
    recipients(dir.path(), 4, 3);
    let out = arsplan(dir.path(), &["send", "--network", "stavanger", "--year", "2026", "--utkast"]);
    let said = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(said.contains("Utkast: 3 e-poster i output/stavanger/2026/utsending/utkast"), "{said}");
    let drafts = utsending(dir.path()).join("utkast");
    let mut names: Vec<String> = std::fs::read_dir(&drafts)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into())
        .collect();
    names.sort();
    assert_eq!(names, ["1101.eml", "1103.eml", "1108.eml"], "one per verified municipality");
    let m = parse_eml(&drafts.join("1103.eml"), None);
    assert!(m.contains("X-UNSENT 1"), "{m}");
    assert!(m.contains("TO Postmottak Stavanger <postmottak@stavanger.kommune.example>"), "{m}");
    assert!(m.contains("ATTACHMENT arsplan-2026.pdf application/pdf base64 b'%PDF-'"), "{m}");
    assert!(m.contains("SUBJECT Årsplan 2026 og årsrapport 2025"), "{m}");
    let l = ledger(dir.path());
    assert_eq!(l["utkast"].as_array().unwrap().len(), 3, "{l}");
    assert!(l["sendt"].as_array().unwrap().is_empty(), "drafts are not sent: {l}");
    // Drafts again: the same drafts, recorded once.
    assert!(arsplan(dir.path(), &["send", "--network", "stavanger", "--year", "2026", "--utkast"])
        .status
        .success());
    assert_eq!(ledger(dir.path())["utkast"].as_array().unwrap().len(), 3);

    // A later real send still sends to them, and warns that drafts exist.
    let maildir = dir.path().join("mail");
    let server = Server::start(&maildir, Opts::default());
    let out = send(dir.path(), server.port, &[]);
    let said = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        said.contains("Sender til 3 mottakere (1 uverifisert hoppes over; 3 mottakere har fått laget utkast"),
        "{said}"
    );
    let msgs = server.messages();
    assert_eq!(msgs.len(), 3);
    assert!(!msgs.iter().any(|m| m.contains("X-Unsent")), "a sent message is no draft");
    assert_eq!(ledger(dir.path())["sendt"].as_array().unwrap().len(), 3);
}

/// Today in Norway, by Python's zoneinfo: `(date as the letters say it, ISO)`.
fn today_in_norway() -> (String, String) {
    let out = Command::new("python3")
        .args(["-c", "import datetime, zoneinfo; print(datetime.datetime.now(zoneinfo.ZoneInfo('Europe/Oslo')).date().isoformat())"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let iso = text(&out.stdout).trim().to_string();
    let d = chrono::NaiveDate::parse_from_str(&iso, "%Y-%m-%d").unwrap();
    (arsplan::dates::format(d, "d. MMMM yyyy"), iso)
}

#[test]
#[ignore = "needs python3 with aiosmtpd"]
fn a_correction_is_dated_today_and_says_what_changed_in_plain_words() {
    let dir = project_dir();
    recipients(dir.path(), 3, 1);
    let maildir = dir.path().join("mail");
    let server = Server::start(&maildir, Opts::default());
    assert!(send(dir.path(), server.port, &[]).status.success());
    assert_eq!(server.messages().len(), 1);

    // Two meetings move; a second municipality is verified meanwhile.
    move_fagdag(dir.path());
    edit(
        &dir.path().join("data/stavanger/2026/moter.csv"),
        "sandnes_var;16.04.2026",
        "sandnes_var;23.04.2026",
    );
    recipients(dir.path(), 3, 2);
    let (today_before, _) = today_in_norway();
    let before = SystemTime::now();
    let out = send(dir.path(), server.port, &[]);
    let after = SystemTime::now();
    let (today_after, _) = today_in_norway();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("1101     Eigersund") && said.contains("sendes som rettet versjon"), "{said}");
    let msgs = server.messages();
    assert_eq!(msgs.len(), 3);
    for m in &msgs[1..] {
        dated_between(m, before, after);
    }

    // The correction: dated today, saying when the first went and what changed.
    let corrected = letter(dir.path(), "1101");
    let dated = |t: &str, day: &str, knr: &str| t.contains(&format!("{day}\nstavanger/2026/{knr}"));
    assert!(
        dated(&corrected, &today_before, "1101") || dated(&corrected, &today_after, "1101"),
        "dated {today_before}:\n{corrected}"
    );
    assert!(!corrected.contains("15. januar 2026"), "not the plan's date:\n{corrected}");
    assert!(corrected.contains("Rettet versjon: Årsplan 2026"), "{corrected}");
    assert!(corrected.contains("Dette er en rettet versjon av dokumentene vi sendte"), "{corrected}");
    for line in [
        "Nettverksmøte for Sandnes + SUS er flyttet fra torsdag 16. april til torsdag 23. april",
        "Årlig fagdag er flyttet fra torsdag 12. november til torsdag 19. november",
        "Oppdatert dokument: Årsplan 2026 for sykepleiernettverket og fysio- og ergoterapinettverket",
    ] {
        assert!(corrected.contains(line), "«{line}» in:\n{corrected}");
    }
    assert!(!corrected.contains("Oppdatert dokument: Årsrapport"), "the report did not change:\n{corrected}");
    // The first letter to the newly verified municipality: dated today, no correction.
    let first = letter(dir.path(), "1103");
    assert!(
        (dated(&first, &today_before, "1103") || dated(&first, &today_after, "1103"))
            && !first.contains("rettet versjon"),
        "{first}"
    );

    // The message a municipality reads: the change note, and none of our file names.
    let m = parse_eml(&utsending(dir.path()).join("1101.eml"), None);
    assert!(m.contains("SUBJECT Rettet versjon: Årsplan 2026"), "{m}");
    assert!(m.contains("Årlig fagdag er flyttet fra torsdag 12. november til torsdag 19. november"), "{m}");
    let body = m.split("BODY ").nth(1).unwrap();
    // The letter's date and reference each after its heading, not the headings then the values.
    assert!(body.contains("Vår referanse: stavanger/2026/1101"), "{body}");
    assert!(body.contains("Dato: ") && !body.contains("Dato Vår referanse"), "{body}");
    for internal in [".svg", "manifest", "berører", "moter.csv", "kalender-2026-"] {
        assert!(!body.contains(internal), "«{internal}» in the body: {body}");
        assert!(!corrected.contains(internal), "«{internal}» in the letter: {corrected}");
    }
    // The one calendar file named is the attached one, in the list of attachments.
    assert_eq!(corrected.matches(".ics").count(), 1, "{corrected}");
    assert!(corrected.contains("Kalender med møtene i 2026 (kalender-2026.ics)"), "{corrected}");
}

/// A self-signed certificate for 127.0.0.1 and localhost, by the openssl CLI.
fn certificate(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    common::need("openssl", &["version"]);
    let (cert, key) = (dir.join(format!("{name}.pem")), dir.join(format!("{name}.key")));
    let out = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "2",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .args(["-subj", &format!("/CN=arsplan test {name}")])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .args(["-addext", "extendedKeyUsage=serverAuth"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    (cert, key)
}

/// `send --send` over TLS (`starttls` or `tls`) with a login.
fn send_tls(dir: &Path, port: u16, security: &str, password: &str, extra: &[&str]) -> Output {
    let port = port.to_string();
    let mut args = smtp_args(&port);
    args.extend_from_slice(&["--sikkerhet", security, "--bruker", "nettverk", "--ja"]);
    args.extend_from_slice(extra);
    command(dir, &args).env("ARSPLAN_SMTP_PASSORD", password).output().unwrap()
}

fn tls_round(security: &str) {
    let dir = project_dir();
    recipients(dir.path(), 3, 2);
    let (cert, key) = certificate(dir.path(), "tjener");
    let (other, _) = certificate(dir.path(), "annen");
    let maildir = dir.path().join("mail");
    let server = Server::start(
        &maildir,
        Opts {
            tls: Some((security, cert.as_path(), key.as_path())),
            auth: Some("nettverk:hemmelig"),
            ..Opts::default()
        },
    );

    // The server's certificate is not among the trusted ones: refused, nothing sent or recorded.
    for extra in [vec![], vec!["--ca-fil", other.to_str().unwrap()]] {
        let out = send_tls(dir.path(), server.port, security, "hemmelig", &extra);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(
            err.contains(
                "viste et sertifikat som ikke er utstedt av noen arsplan stoler på; ingenting er sendt"
            ),
            "{err}"
        );
        assert!(err.contains("--ca-fil"), "{err}");
        assert!(err.contains("Ingenting er sendt.") && !err.contains("Kjør samme kommando igjen"), "{err}");
        assert!(server.messages().is_empty());
        assert!(!utsending(dir.path()).join("sendelogg.json").exists(), "nothing recorded");
    }

    // A wrong password: refused before anything is sent.
    let ca = ["--ca-fil", cert.to_str().unwrap()];
    let out = send_tls(dir.path(), server.port, security, "feil", &ca);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("avviste innloggingen") && err.contains("ARSPLAN_SMTP_PASSORD"), "{err}");
    assert!(server.messages().is_empty());

    // Its own certificate through --ca-fil: sent, encrypted, logged in.
    let out = send_tls(dir.path(), server.port, security, "hemmelig", &ca);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Sendt: 2 e-poster"), "{}", text(&out.stdout));
    assert_eq!(server.messages().len(), 2);
    assert_eq!(server.sessions(), ["tls=ja login=nettverk", "tls=ja login=nettverk"]);
    assert_eq!(ledger(dir.path())["sendt"].as_array().unwrap().len(), 2);
}

/// A server that offers no STARTTLS, asked for it: said so (the server is
/// asked, not lettre's English message searched), with what to do, and
/// nothing sent.
#[test]
#[ignore = "needs python3 with aiosmtpd"]
fn a_server_without_starttls_is_said_to_offer_none() {
    let dir = project_dir();
    recipients(dir.path(), 3, 2);
    let maildir = dir.path().join("mail");
    let server = Server::start(&maildir, Opts::default());
    let port = server.port.to_string();
    let mut args = smtp_args(&port);
    args.extend_from_slice(&["--sikkerhet", "starttls", "--ja"]);
    let out = arsplan(dir.path(), &args);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("SMTP-tjeneren 127.0.0.1:{port} tilbyr ikke STARTTLS")), "{err}");
    assert!(err.contains("bruk --sikkerhet tls (port 465)"), "{err}");
    assert!(err.contains("Ingenting er sendt."), "{err}");
    assert!(server.messages().is_empty());
}

#[test]
#[ignore = "needs openssl and python3 with aiosmtpd"]
fn starttls_with_a_trusts_own_certificate_and_login() {
    tls_round("starttls");
}

#[test]
#[ignore = "needs openssl and python3 with aiosmtpd"]
fn implicit_tls_with_a_trusts_own_certificate_and_login() {
    tls_round("tls");
}

#[test]
fn a_bad_certificate_file_is_refused_before_anything_is_built() {
    let dir = project_dir();
    std::fs::write(dir.path().join("ikke.pem"), "dette er ikke et sertifikat\n").unwrap();
    let base =
        ["send", "--network", "stavanger", "--year", "2026", "--send", "--smtp-server", "smtp.example.no"];
    for (file, expected) in [
        ("ikke.pem", "ikke.pem: filen er ikke et sertifikat i PEM-format"),
        ("borte.pem", "kan ikke lese sertifikatfilen: finnes ikke"),
    ] {
        let mut args = base.to_vec();
        args.extend_from_slice(&["--ca-fil", file]);
        let out = arsplan(dir.path(), &args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains(expected), "{err}");
        assert!(!dir.path().join("output/stavanger").exists(), "nothing built");
    }
    // Unencrypted SMTP has no certificate to check.
    let out = arsplan(
        dir.path(),
        &[
            "send",
            "--network",
            "stavanger",
            "--send",
            "--smtp-server",
            "127.0.0.1",
            "--sikkerhet",
            "ingen",
            "--ca-fil",
            "ikke.pem",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--ca-fil gjelder bare kryptert SMTP"), "{}", text(&out.stderr));
}

fn recipient_error(edit: impl Fn(String) -> String, expected: &[&str]) {
    let dir = project_dir();
    // Built before; then a date moves, so a build would change the output.
    let built = arsplan(dir.path(), &["build", "--network", "stavanger", "--year", "2026"]);
    assert!(built.status.success(), "{}", text(&built.stderr));
    let output = dir.path().join("output");
    let before = files(&output);
    move_fagdag(dir.path());
    let p = dir.path().join("data/stavanger/mottakere.csv");
    let t = std::fs::read_to_string(&p).unwrap();
    let new = edit(t.clone());
    assert_ne!(t, new);
    std::fs::write(&p, new).unwrap();
    let out = arsplan(dir.path(), &["send", "--network", "stavanger", "--year", "2026"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for e in expected {
        assert!(err.contains(e), "expected «{e}» in:\n{err}");
    }
    assert!(err.contains("ingen følgebrev eller e-poster er skrevet, og ingenting er sendt"), "{err}");
    assert!(!utsending(dir.path()).exists(), "nothing written");
    assert!(files(&output) == before, "every earlier output file as it was, manifest.json included");
}

#[test]
fn a_kommunenummer_with_a_path_is_refused() {
    recipient_error(
        |t| t.replace("1119;Hå;", "../1119;Hå;"),
        &["mottakere.csv, rad 8, kolonne A (Kommunenummer)"],
    );
}

#[test]
fn an_invalid_address_is_refused() {
    recipient_error(
        |t| t.replace("postmottak@ha.kommune.example", "postmottak ved ha.kommune"),
        &["mottakere.csv, rad 8, kolonne C (Postmottak)", "ikke en gyldig e-postadresse"],
    );
}

#[test]
fn header_injection_is_refused() {
    recipient_error(
        |t| t.replace("1119;Hå;", "1119;\"Hå\r\nBcc: alle@example.com\";"),
        &["mottakere.csv, rad 8, kolonne B (Kommune)", "linjeskift eller kontrolltegn"],
    );
}

#[test]
fn names_with_several_language_forms_get_files_named_by_number() {
    let dir = project_dir();
    let p = dir.path().join("data/stavanger/mottakere.csv");
    let t = std::fs::read_to_string(&p).unwrap().replace("1144;Kvitsøy;", "5430;Guovdageaidnu - Kautokeino;");
    std::fs::write(&p, t).unwrap();
    let out = arsplan(dir.path(), &["send", "--network", "stavanger", "--year", "2026"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let u = utsending(dir.path());
    assert!(u.join("5430.eml").is_file() && u.join("folgebrev-5430.pdf").is_file());
    let raw = std::fs::read_to_string(u.join("5430.eml")).unwrap();
    let to = to_header(&raw);
    assert!(
        to.contains("Guovdageaidnu - Kautokeino") && to.contains("<postmottak@kvitsoy.kommune.example>"),
        "{to}"
    );
}
