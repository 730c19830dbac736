//! Bad input: every case gets a Norwegian message naming file, row and column,
//! a non-zero exit, and leaves earlier output exactly as it was.

mod common;

use std::path::PathBuf;
use std::process::Command;

struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    /// A project with a copy of the Stavanger example and a fake earlier output.
    fn new() -> Case {
        let dir = tempfile::tempdir().unwrap();
        common::copy_examples(&dir.path().join("data"), &["stavanger"]);
        let out = dir.path().join("output/stavanger/2026");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("arsplan-2026.pdf"), b"earlier pdf").unwrap();
        std::fs::write(out.join("arsplan-2026.docx"), b"earlier docx").unwrap();
        Case { dir }
    }

    fn file(&self, rel: &str) -> PathBuf {
        self.dir.path().join("data/stavanger").join(rel)
    }

    fn edit(&self, rel: &str, f: impl Fn(String) -> String) {
        let p = self.file(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        let new = f(text.clone());
        assert_ne!(text, new, "the edit must change {rel}");
        std::fs::write(p, new).unwrap();
    }

    /// Runs `arsplan build` and returns stderr; asserts failure and untouched output.
    fn build_fails(&self) -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_arsplan"))
            .current_dir(self.dir.path())
            .args(["--maler"])
            .arg(common::root().join("templates"))
            .arg("build")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(1), "exit code; stderr:\n{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        let dir = self.dir.path().join("output/stavanger/2026");
        assert_eq!(std::fs::read(dir.join("arsplan-2026.pdf")).unwrap(), b"earlier pdf");
        assert_eq!(std::fs::read(dir.join("arsplan-2026.docx")).unwrap(), b"earlier docx");
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(files.len(), 2, "no other file may appear in {}", dir.display());
        stderr
    }
}

fn assert_has(stderr: &str, parts: &[&str]) {
    for p in parts {
        assert!(stderr.contains(p), "expected «{p}» in:\n{stderr}");
    }
}

#[test]
fn missing_column() {
    let c = Case::new();
    c.edit("2026/plan.csv", |t| t.replacen("Nivå;Tekst;", "Nivå;Teksten;", 1));
    let e = c.build_fails();
    assert_has(&e, &["plan.csv, rad 1", "kolonnen «Tekst» mangler", "hjelp:"]);
}

#[test]
fn unknown_column() {
    let c = Case::new();
    c.edit("2026/moter.csv", |t| t.replacen(";Tema;", ";Temaer;", 1));
    let e = c.build_fails();
    assert_has(
        &e,
        &["moter.csv, rad 1, kolonne G (Temaer)", "ukjent kolonne «Temaer»", "kjente kolonner er"],
    );
}

#[test]
fn wrong_delimiter() {
    let c = Case::new();
    c.edit("2026/moter.csv", |t| t.replace(';', "\t"));
    let e = c.build_fails();
    assert_has(&e, &["moter.csv, rad 1", "feil skilletegn", "semikolon"]);
}

#[test]
fn invalid_date() {
    let c = Case::new();
    c.edit("2026/moter.csv", |t| t.replacen("12.11.2026", "31.02.2026", 1));
    let e = c.build_fails();
    assert_has(&e, &["moter.csv, rad 14, kolonne B (Dato)", "«31.02.2026» er ingen gyldig dato"]);
}

#[test]
fn date_outside_plan_year() {
    let c = Case::new();
    c.edit("2026/moter.csv", |t| t.replacen("12.11.2026", "12.11.2025", 1));
    let e = c.build_fails();
    assert_has(&e, &["moter.csv, rad 14, kolonne B (Dato)", "12.11.2025 ligger utenfor planåret 2026"]);
}

#[test]
fn unknown_meeting_reference() {
    let c = Case::new();
    c.edit("2026/plan.csv", |t| t.replacen("{{ fagdag }}", "{{ fagdagen }}", 1));
    let e = c.build_fails();
    assert_has(
        &e,
        &["plan.csv, rad", "kolonne B (Tekst)", "viser til møtet «fagdagen»", "kjente møte-id-er"],
    );
}

#[test]
fn unknown_gjelder_value() {
    let c = Case::new();
    c.edit("2026/plan.csv", |t| t.replacen(";felles;2.6\n", ";alle;2.6\n", 1));
    let e = c.build_fails();
    assert_has(
        &e,
        &[
            "plan.csv, rad 4, kolonne C (Gjelder)",
            "ukjent verdi «alle» for Gjelder",
            "felles, sykepleier, fysio/ergo",
        ],
    );
}

#[test]
fn empty_required_cell() {
    let c = Case::new();
    c.edit("2026/moter.csv", |t| t.replacen("fagdag;12.11.2026;", "fagdag;;", 1));
    let e = c.build_fails();
    assert_has(&e, &["moter.csv, rad 14, kolonne B (Dato)", "cellen i kolonnen «Dato» er tom"]);
}

#[test]
fn file_that_is_not_text() {
    let c = Case::new();
    std::fs::write(c.file("2026/moter.csv"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0").unwrap();
    let e = c.build_fails();
    assert_has(&e, &["moter.csv", "ikke en gyldig tekstfil"]);
}

#[test]
fn workbook_without_the_sheet() {
    let c = Case::new();
    std::fs::remove_file(c.file("2026/moter.csv")).unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().set_name("Ark1").unwrap().write(0, 0, "ID").unwrap();
    wb.save(c.file("2026/moter.xlsx")).unwrap();
    let e = c.build_fails();
    assert_has(&e, &["moter.xlsx", "ikke noe ark som heter «Møter»", "arkene er: Ark1"]);
}

#[test]
fn unknown_group_in_meetings() {
    let c = Case::new();
    c.edit("2026/moter.csv", |t| t.replacen(";Sandnes + SUS;", ";Sandnes;", 1));
    let e = c.build_fails();
    assert_has(&e, &["moter.csv, rad", "kolonne D (Gruppe)", "ukjent nettverksgruppe «Sandnes»"]);
}

#[test]
fn every_error_is_reported_at_once() {
    let c = Case::new();
    c.edit("2026/moter.csv", |t| {
        t.replacen("12.11.2026", "31.02.2026", 1).replacen("29.01.2026", "1.13.2026", 1)
    });
    let e = c.build_fails();
    assert_has(&e, &["31.02.2026", "1.13.2026", "2 feil"]);
}
