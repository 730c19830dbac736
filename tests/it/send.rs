//! Sending to the postmottak: standard .eml files in a dry run, real SMTP to a
//! real server on loopback (aiosmtpd) that drops the connection midway, a
//! resumable and idempotent ledger, corrections after a date change, and
//! refusal of bad recipient data.

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

fn project_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_examples(&dir.path().join("data"), &["stavanger"]);
    std::fs::copy(common::root().join("data/kommuner.csv"), dir.path().join("data/kommuner.csv")).unwrap();
    dir
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

/// Marks the first `n` recipients as verified, and keeps only the first `keep`.
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

fn utsending(dir: &Path) -> PathBuf {
    dir.join("output/stavanger/2026/utsending")
}

/// Reads a message with Python's email package: subject, to, attachments (name, type, encoding).
fn parse_eml(path: &Path) -> String {
    common::need("python3", &["-c", "import email"]);
    let script = r#"
import sys, email
from email import policy
m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=policy.default)
print('SUBJECT', m['Subject'])
print('TO', m['To'])
print('ID', m['Message-ID'])
for p in m.iter_attachments():
    data = p.get_content()
    print('ATTACHMENT', p.get_filename(), p.get_content_type(), p['Content-Transfer-Encoding'], data[:5])
print('BODY', m.get_body(('plain',)).get_content().replace('\n', ' ')[:2000])
"#;
    let out = Command::new("python3").args(["-c", script]).arg(path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn dry_run_writes_one_standard_message_and_letter_per_municipality() {
    let dir = project_dir();
    let out = arsplan(dir.path(), &["send", "--network", "stavanger", "--year", "2026"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("Prøvekjøring: ingenting er sendt"), "{stdout}");
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
    let raw = std::fs::read_to_string(u.join("1119.eml")).unwrap();
    assert!(raw.contains("Subject: =?utf-8?"), "non-ASCII subject encoded (RFC 2047)");
    assert!(
        raw.contains("Content-Type: application/pdf") && raw.contains("Content-Transfer-Encoding: base64")
    );
    assert!(!raw.contains("Årsplan"), "no raw 8-bit text in headers or parts");
    // The same input gives the same bytes.
    let again = arsplan(dir.path(), &["send", "--network", "stavanger", "--year", "2026"]);
    assert!(again.status.success());
    assert_eq!(std::fs::read_to_string(u.join("1119.eml")).unwrap(), raw);
}

#[test]
#[ignore = "needs python3 and openxml-audit (pip)"]
fn a_dry_run_message_reads_back_in_python_and_its_letter_is_valid_ooxml() {
    let dir = project_dir();
    assert!(arsplan(dir.path(), &["send", "--network", "stavanger", "--year", "2026"]).status.success());
    let u = utsending(dir.path());
    let m = parse_eml(&u.join("1119.eml"));
    assert!(m.contains("SUBJECT Årsplan 2026 og årsrapport 2025 fra Nettverk i kreftomsorg"), "{m}");
    assert!(m.contains("TO Postmottak Hå <postmottak@ha.kommune.example>"), "{m}");
    assert!(m.contains("ATTACHMENT folgebrev-1119.pdf application/pdf base64 b'%PDF-'"), "{m}");
    assert!(m.contains("ATTACHMENT arsplan-2026.pdf application/pdf base64 b'%PDF-'"), "{m}");
    assert!(m.contains("ATTACHMENT arsrapport-2025.pdf application/pdf base64 b'%PDF-'"), "{m}");
    assert!(m.contains("Postmottak, Hå") && m.contains("stavanger/2026/1119"), "{m}");
    common::need("openxml-audit", &["--help"]);
    let out =
        Command::new("openxml-audit").args(["-m", "0"]).arg(u.join("folgebrev-1119.docx")).output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("Errors: 0"), "{report}");
}

struct Server {
    child: Child,
    port: u16,
    maildir: PathBuf,
}

impl Server {
    fn start(maildir: &Path, drop_after: Option<usize>) -> Server {
        common::need("python3", &["-c", "import aiosmtpd"]);
        let mut cmd = Command::new("python3");
        cmd.arg(common::root().join("tests/fixtures/smtp_server.py")).arg(maildir);
        if let Some(n) = drop_after {
            cmd.args(["--drop-after", &n.to_string()]);
        }
        let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().strip_prefix("READY ").expect("server ready").parse().unwrap();
        Server { child, port, maildir: maildir.to_path_buf() }
    }

    fn messages(&self) -> Vec<String> {
        let mut v: Vec<PathBuf> =
            std::fs::read_dir(&self.maildir).unwrap().map(|e| e.unwrap().path()).collect();
        v.sort();
        v.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
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

fn send(dir: &Path, port: u16, extra: &[&str]) -> Output {
    let port = port.to_string();
    let mut args = vec![
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
    ];
    args.extend_from_slice(extra);
    arsplan(dir, &args)
}

#[test]
#[ignore = "needs python3 with aiosmtpd"]
fn a_dropped_connection_is_resumed_and_every_recipient_gets_exactly_one_message() {
    let dir = project_dir();
    recipients(dir.path(), 6, 5);
    let maildir = dir.path().join("mail");
    let server = Server::start(&maildir, Some(2));

    let first = send(dir.path(), server.port, &[]);
    let err = String::from_utf8_lossy(&first.stderr);
    assert_eq!(first.status.code(), Some(1), "the dropped connection fails the run: {err}");
    assert!(err.contains("feilet") && err.contains("2 meldinger ble sendt før feilen"), "{err}");
    assert_eq!(server.messages().len(), 2);
    let ledger = std::fs::read_to_string(utsending(dir.path()).join("sendelogg.json")).unwrap();
    assert_eq!(ledger.matches("\"kommunenummer\"").count(), 2, "{ledger}");

    let second = send(dir.path(), server.port, &[]);
    assert!(second.status.success(), "{}", String::from_utf8_lossy(&second.stderr));
    assert!(String::from_utf8_lossy(&second.stdout).contains("Sendt: 3 e-poster"));
    let msgs = server.messages();
    assert_eq!(msgs.len(), 5, "five verified recipients, five messages");
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

    // Nothing new: nothing is sent again.
    let third = send(dir.path(), server.port, &[]);
    assert!(third.status.success());
    assert!(String::from_utf8_lossy(&third.stdout).contains("allerede sendt"));
    assert_eq!(server.messages().len(), 5);

    // A date moves: everybody gets the corrected version, saying what changed.
    let moter = dir.path().join("data/stavanger/2026/moter.csv");
    let t = std::fs::read_to_string(&moter).unwrap().replace("fagdag;12.11.2026", "fagdag;19.11.2026");
    std::fs::write(&moter, t).unwrap();
    let fourth = send(dir.path(), server.port, &[]);
    assert!(fourth.status.success(), "{}", String::from_utf8_lossy(&fourth.stderr));
    let msgs = server.messages();
    assert_eq!(msgs.len(), 10);
    let eml = utsending(dir.path()).join(format!("{}.eml", "1101"));
    let m = parse_eml(&eml);
    assert!(m.contains("SUBJECT Rettet versjon: Årsplan 2026"), "{m}");
    assert!(m.contains("Årlig fagdag: 12. november → 19. november"), "{m}");
}

#[test]
#[ignore = "needs python3 with aiosmtpd"]
fn unverified_addresses_are_refused_unless_asked() {
    let dir = project_dir();
    recipients(dir.path(), 3, 1);
    let maildir = dir.path().join("mail");
    let server = Server::start(&maildir, None);
    assert!(send(dir.path(), server.port, &[]).status.success());
    assert_eq!(server.messages().len(), 1);
    assert!(send(dir.path(), server.port, &["--ta-med-uverifiserte"]).status.success());
    assert_eq!(server.messages().len(), 3);
}

fn recipient_error(edit: impl Fn(String) -> String, expected: &[&str]) {
    let dir = project_dir();
    let p = dir.path().join("data/stavanger/mottakere.csv");
    let t = std::fs::read_to_string(&p).unwrap();
    let new = edit(t.clone());
    assert_ne!(t, new);
    std::fs::write(&p, new).unwrap();
    let out = arsplan(dir.path(), &["send", "--network", "stavanger", "--year", "2026"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for e in expected {
        assert!(err.contains(e), "expected «{e}» in:\n{err}");
    }
    assert!(!utsending(dir.path()).exists(), "nothing written");
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
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let u = utsending(dir.path());
    assert!(u.join("5430.eml").is_file() && u.join("folgebrev-5430.pdf").is_file());
    let raw = std::fs::read_to_string(u.join("5430.eml")).unwrap();
    let to = to_header(&raw);
    assert!(
        to.contains("Guovdageaidnu - Kautokeino") && to.contains("<postmottak@kvitsoy.kommune.example>"),
        "{to}"
    );
}
