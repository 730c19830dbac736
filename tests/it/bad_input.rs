//! Bad input: every case gets a Norwegian message naming file, row and column,
//! a non-zero exit, and leaves earlier output exactly as it was.

use crate::common;

use std::path::PathBuf;
use std::process::Command;

pub struct Case {
    pub dir: tempfile::TempDir,
    net: &'static str,
    year: i32,
}

impl Case {
    /// A project with a copy of the Stavanger example and a fake earlier output.
    pub fn new() -> Case {
        Case::of("stavanger", 2026)
    }

    /// A project with a copy of one example network and a fake earlier
    /// output of one of its years (`arsplan-<year>.pdf` and `.docx`).
    pub fn of(net: &'static str, year: i32) -> Case {
        let dir = tempfile::tempdir().unwrap();
        common::copy_examples(&dir.path().join("data"), &[net]);
        let c = Case { dir, net, year };
        let out = c.out();
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join(format!("arsplan-{year}.pdf")), b"earlier pdf").unwrap();
        std::fs::write(out.join(format!("arsplan-{year}.docx")), b"earlier docx").unwrap();
        c
    }

    /// The folder of the earlier output.
    fn out(&self) -> PathBuf {
        self.dir.path().join(format!("output/{}/{}", self.net, self.year))
    }

    pub fn file(&self, rel: &str) -> PathBuf {
        self.dir.path().join("data").join(self.net).join(rel)
    }

    pub fn edit(&self, rel: &str, f: impl Fn(String) -> String) {
        let p = self.file(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        let new = f(text.clone());
        assert_ne!(text, new, "the edit must change {rel}");
        std::fs::write(p, new).unwrap();
    }

    /// Writes a file under the network's folder, making its folders.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let p = self.file(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    /// Runs `arsplan build` for the case's network with a watchdog: a build
    /// that runs for more than a minute is killed and fails the test.
    pub fn run(&self, extra: &[&str]) -> (Option<i32>, String) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_arsplan"))
            .current_dir(self.dir.path())
            .args(["--maler"])
            .arg(common::root().join("templates"))
            .args(extra)
            .args(["build", "--network", self.net])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut pipe = child.stderr.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut pipe, &mut s).unwrap();
            s
        });
        let start = std::time::Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if start.elapsed() > std::time::Duration::from_secs(60) {
                let _ = child.kill();
                panic!("the build ran for more than a minute: it hangs");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let stderr = reader.join().unwrap();
        assert!(!stderr.contains("panicked") && !stderr.contains("overflow"), "{stderr}");
        (status.code(), stderr)
    }

    /// Runs `arsplan build` and returns stderr; asserts failure and untouched output.
    pub fn build_fails(&self) -> String {
        let (code, stderr) = self.run(&[]);
        assert_eq!(code, Some(1), "exit code; stderr:\n{stderr}");
        let dir = self.out();
        let y = self.year;
        assert_eq!(std::fs::read(dir.join(format!("arsplan-{y}.pdf"))).unwrap(), b"earlier pdf");
        assert_eq!(std::fs::read(dir.join(format!("arsplan-{y}.docx"))).unwrap(), b"earlier docx");
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(files.len(), 2, "no other file may appear in {}", dir.display());
        stderr
    }

    /// Runs `arsplan build`, asserts success, and returns stderr (the warnings).
    pub fn build_warns(&self) -> String {
        let (code, stderr) = self.run(&[]);
        assert_eq!(code, Some(0), "exit code; stderr:\n{stderr}");
        stderr
    }
}

pub fn assert_has(stderr: &str, parts: &[&str]) {
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
    // A column of one's own is a warning, with a suggestion when it looks like a known one.
    let c = Case::new();
    c.edit("2026/moter.csv", |t| t.replacen(";Tema;", ";Temaer;", 1));
    let e = c.build_warns();
    assert_has(
        &e,
        &[
            "advarsel: ",
            "moter.csv, rad 1, kolonne G (Temaer)",
            "arsplan bruker ikke kolonnen «Temaer»; den står urørt",
            "mente du «Tema»?",
        ],
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
            "ukjent verdi for Gjelder «alle»",
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
    // Several sheets, none named «Møter»: which one is meant cannot be known.
    let c = Case::new();
    std::fs::remove_file(c.file("2026/moter.csv")).unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().set_name("Ark1").unwrap().write(0, 0, "ID").unwrap();
    wb.add_worksheet().set_name("Ark2").unwrap().write(0, 0, "ID").unwrap();
    wb.save(c.file("2026/moter.xlsx")).unwrap();
    let e = c.build_fails();
    assert_has(&e, &["moter.xlsx", "ikke noe ark som heter «Møter»", "arkene er: Ark1, Ark2"]);
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

#[test]
fn a_house_style_with_impossible_margins_or_colours() {
    let c = Case::new();
    let dir = c.file("maler/min");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("stil.toml"),
        "arv = \"helse-stavanger\"\nnavn = \"Min\"\n[side]\nmarg_venstre_mm = 120\nmarg_hoyre_mm = 100\n[farger]\nprimar = \"rød\"\n",
    )
    .unwrap();
    c.edit("nettverk.toml", |t| t.replace("stil = \"helse-stavanger\"", "stil = \"min\""));
    let e = c.build_fails();
    assert_has(
        &e,
        &[
            "maler/min/stil.toml",
            "fargen primar = «rød» er ikke på formen #rrggbb",
            "margene i [side] gir for lite plass",
        ],
    );
}

#[test]
fn a_period_that_is_not_years() {
    let c = Case::new();
    c.edit("2026/plan.toml", |t| t + "periode = \"../../../x\"\n");
    let e = c.build_fails();
    assert_has(&e, &["plan.toml", "«periode» må være et år eller to år med bindestrek"]);
}

#[test]
fn a_block_the_house_style_lacks() {
    let c = Case::new();
    c.edit("2026/plan.csv", |t| t + "blokk;nettverksgruper;;\n");
    let e = c.build_fails();
    assert_has(
        &e,
        &[
            "plan.csv, rad",
            "kolonne B (Tekst): husstilen har ingen blokk som heter «nettverksgruper»",
            "blokkene er: ",
        ],
    );
}

#[test]
fn a_meeting_that_ends_before_it_starts() {
    let c = Case::new();
    c.edit("2026/moter.csv", |t| {
        t.replacen(
            "ID;Dato;Type;Gruppe;Gjelder;Tittel;Tema;Sted",
            "ID;Dato;Type;Gruppe;Gjelder;Tittel;Tema;Sted;Start;Slutt",
            1,
        )
        .replacen(
            "Årlig fagdag;Etiske og juridiske aspekter relatert til debatten om dødshjelp;",
            "Årlig fagdag;Etikk;;14:00;09:00",
            1,
        )
    });
    let e = c.build_fails();
    assert_has(&e, &["moter.csv, rad 14, kolonne J (Slutt)", "møtet slutter før det begynner"]);
}

#[test]
fn two_groups_that_give_the_same_file_name() {
    let c = Case::new();
    c.edit("nettverk.toml", |t| t.replace("\"Sandnes + SUS\",", "\"Sandnes + SUS\",\n    \"Sandnes SUS\","));
    let e = c.build_fails();
    assert_has(&e, &["nettverk.toml", "gruppene «Sandnes + SUS» og «Sandnes SUS» er for like"]);
}

/// The Stavanger DOCX with control characters from Excel in a title and a cell.
fn with_control_characters() -> Vec<u8> {
    // Word's Shift+Enter pasted into Excel arrives as U+000B; a bell as U+0007.
    let c = Case::new();
    c.edit("2026/plan.toml", |t| {
        t.replace("tittel = \"ÅRSPLAN {{ år }} FOR", "tittel = \"ÅRSPLAN\\u000B{{ år }}\\u0007 FOR")
    });
    c.edit("2026/plan.csv", |t| t.replacen("Tema for årlig fagdag", "Tema for\u{b}årlig fagdag", 1));
    let out = tempfile::tempdir().unwrap();
    let project = common::with_data(c.dir.path().join("data"), out.path().to_path_buf());
    let p = project.prepare("stavanger", 2026).unwrap();
    let a = project.render(&p, &[arsplan::Format::Docx, arsplan::Format::Pdf]).unwrap();
    a[0].bytes.clone()
}

#[test]
fn control_characters_from_excel_become_line_breaks_not_broken_files() {
    let text = common::docx_text(&with_control_characters());
    assert!(text.contains("ÅRSPLAN\n2026 FOR"), "a line break: {text}");
    assert!(text.contains("Tema for\nårlig fagdag"));
    assert!(!text.contains('\u{7}') && !text.contains('\u{b}'));
}

#[test]
#[ignore = "needs openxml-audit (pip)"]
fn control_characters_from_excel_leave_a_valid_docx() {
    common::need("openxml-audit", &["--help"]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.docx");
    std::fs::write(&path, with_control_characters()).unwrap();
    let o = Command::new("openxml-audit").args(["-m", "0"]).arg(&path).output().unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("Errors: 0"));
}

#[test]
fn a_prose_file_with_html_names_the_file() {
    let c = Case::new();
    std::fs::create_dir_all(c.file("2026/tekster")).unwrap();
    std::fs::write(c.file("2026/tekster/innledning.md"), "Et avsnitt med <b>HTML</b>.\n").unwrap();
    let e = c.build_fails();
    assert_has(&e, &["2026/tekster/innledning.md: teksten kan ikke leses: HTML er ikke tillatt"]);
}

#[test]
fn an_image_inside_a_line_of_prose_names_the_file() {
    let c = Case::new();
    std::fs::create_dir_all(c.file("2026/tekster")).unwrap();
    std::fs::write(c.file("2026/tekster/innledning.md"), "Se ![logo](logo.png) her.\n").unwrap();
    let e = c.build_fails();
    assert_has(
        &e,
        &["2026/tekster/innledning.md: teksten kan ikke leses: bildet «logo.png»", "eget avsnitt"],
    );
}

#[test]
fn errors_after_a_cell_with_a_line_break_name_the_spreadsheet_row() {
    let c = Case::new();
    // Row 2 gets a quoted cell over two lines; the bad date stays in spreadsheet row 4.
    c.edit("2026/moter.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        let cells: Vec<&str> = lines[1].split(';').collect();
        let mut row2: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
        row2[5] = "\"Første linje\nandre linje\"".into();
        lines[1] = row2.join(";");
        let cells: Vec<String> = lines[3].split(';').map(str::to_string).collect();
        let mut row4 = cells.clone();
        row4[1] = "31.02.2026".into();
        lines[3] = row4.join(";");
        lines.join("\n") + "\n"
    });
    let e = c.build_fails();
    assert_has(&e, &["moter.csv, rad 4, kolonne B (Dato): «31.02.2026» er ingen gyldig dato"]);
}

#[test]
fn an_arshjul_row_with_an_unknown_month_is_an_error_at_its_cell() {
    let c = Case::new();
    std::fs::write(c.file("2026/arshjul.csv"), "Måned;Tekst\njuni;Nyhetsbrev\nsmarch;Rapportering\n")
        .unwrap();
    let e = c.build_fails();
    assert_has(&e, &["arshjul.csv, rad 3, kolonne A (Måned): «smarch» er ingen måned", "hjelp:"]);
}

#[test]
fn an_unknown_alignment_in_a_house_style_is_an_error() {
    let c = Case::new();
    let dir = c.file("maler/min");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("stil.toml"),
        "arv = \"helse-stavanger\"\nnavn = \"Min\"\n[klasser.tittel]\njustering = \"sentrert\"\n",
    )
    .unwrap();
    c.edit("nettverk.toml", |t| t.replace("stil = \"helse-stavanger\"", "stil = \"min\""));
    let e = c.build_fails();
    assert_has(&e, &["maler/min/stil.toml", "ukjent verdi «sentrert»", "«venstre», «midt» eller «høyre»"]);
}

// ---- Hangs and crashes ----------------------------------------------------

const NESTED_LOOPS: &str = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}";

#[test]
fn a_loop_without_end_in_a_data_cell_stops_at_its_cell() {
    let c = Case::new();
    c.edit("2026/plan.csv", |t| t + &format!("tekst;{NESTED_LOOPS}x;;\n"));
    let e = c.build_fails();
    assert_has(&e, &["plan.csv, rad", "kolonne B (Tekst)", "for mye arbeid", "hjelp: se etter løkker"]);
}

#[test]
fn a_loop_without_end_in_a_prose_file_stops_at_the_file() {
    let c = Case::new();
    c.write("2026/tekster/innledning.md", format!("Innledning {NESTED_LOOPS}\n"));
    let e = c.build_fails();
    assert_has(&e, &["2026/tekster/innledning.md", "for mye arbeid"]);
}

/// A house style of the network's own (`maler/min/`) with one template.
fn own_style(c: &Case, file: &str, template: &str) {
    c.write("maler/min/stil.toml", "arv = \"helse-stavanger\"\nnavn = \"Min\"\n");
    c.write(&format!("maler/min/{file}"), template);
    c.edit("nettverk.toml", |t| t.replace("stil = \"helse-stavanger\"", "stil = \"min\""));
}

#[test]
fn a_loop_without_end_in_a_template_stops_at_the_template() {
    let c = Case::new();
    own_style(
        &c,
        "arsplan.md.j2",
        &format!("{{% extends \"felles/arsplan.md.j2\" %}}\n{{% block innledning_tittel %}}{NESTED_LOOPS}{{% endblock %}}\n"),
    );
    let e = c.build_fails();
    assert_has(&e, &["maler/min/arsplan.md.j2, rad 2", "for mye arbeid"]);
}

#[test]
fn a_template_that_includes_itself_stops() {
    let c = Case::new();
    own_style(&c, "arsplan.md.j2", "Tekst\n{% include \"min/arsplan.md.j2\" %}\n");
    let e = c.build_fails();
    assert_has(&e, &["maler/min/arsplan.md.j2", "tar med seg selv"]);
    let c = Case::new();
    own_style(&c, "arsplan.md.j2", "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(1) }}\n");
    assert_has(&c.build_fails(), &["maler/min/arsplan.md.j2", "tar med seg selv"]);
}

#[cfg(unix)]
#[test]
fn folder_links_that_loop_do_not_hang_the_build() {
    let c = Case::new();
    // Two links back up: a walk that follows them takes 2^depth steps.
    std::os::unix::fs::symlink("..", c.file("2026/opp")).unwrap();
    std::os::unix::fs::symlink("../..", c.file("2026/helt-opp")).unwrap();
    std::os::unix::fs::symlink(c.dir.path(), c.file("rot")).unwrap();
    c.build_warns();
    let manifest = std::fs::read_to_string(c.out().join("manifest.json")).unwrap();
    assert!(!manifest.contains("opp/") && !manifest.contains("rot/"), "links were followed:\n{manifest}");
}

#[test]
fn deeply_nested_markdown_is_refused_at_the_prose_file() {
    for (what, md) in [
        ("quotes", format!("{}x\n", "> ".repeat(3000))),
        ("lists", (0..3000).map(|i| format!("{}- x\n", "  ".repeat(i))).collect::<String>()),
        ("markers", format!("{}x\n", "- ".repeat(3000))),
    ] {
        let c = Case::new();
        c.write("2026/tekster/innledning.md", md);
        let e = c.build_fails();
        assert!(
            e.contains("2026/tekster/innledning.md") && e.contains("nivåer inni hverandre"),
            "{what}: {e}"
        );
    }
}

// ---- Messages that lead to the fix -----------------------------------------

#[test]
fn a_word_too_long_for_pdfa_is_found_at_its_cell() {
    let c = Case::new();
    c.edit("2026/plan.csv", |t| t + &format!("tekst;{};;\n", "a".repeat(5_000)));
    let e = c.build_fails();
    assert_has(
        &e,
        &["plan.csv, rad", "kolonne B (Tekst)", "5000 tegn langt uten mellomrom", "hjelp: del ordet"],
    );
    assert!(e.len() < 2000, "the message must not print the whole cell");
}

#[test]
fn a_title_too_long_for_pdfa_is_found_at_its_field() {
    let c = Case::new();
    c.edit("2026/plan.toml", |t| {
        t.replacen("tittel = \"", &format!("tittel = \"{}", "lang tittel ".repeat(2000)), 1)
    });
    let e = c.build_fails();
    assert_has(&e, &["2026/plan.toml, rad", "«tittel»: teksten er", "høyst 10000 tegn"]);
}

#[test]
fn a_character_the_fonts_cannot_show_is_found_at_its_cell() {
    let c = Case::new();
    c.edit("2026/moter.csv", |t| t.replacen("Heldagssamling fysisk", "Heldagssamling \u{fffe} fysisk", 1));
    let e = c.build_fails();
    assert_has(&e, &["moter.csv, rad", "kolonne F (Tittel)", "tegnet U+FFFE finnes ikke i skriftene"]);
    let c = Case::new();
    c.edit("nettverk.toml", |t| t.replacen("motto = [\"", "motto = [\"\u{1f600} ", 1));
    assert_has(&c.build_fails(), &["nettverk.toml, rad", "«motto[1]»", "«😀» (U+1F600)"]);
}

#[test]
fn a_logo_cut_short_is_named() {
    let c = Case::new();
    let logo = std::fs::read(common::root().join("tests/fixtures/logo-eksempel.png")).unwrap();
    c.write("logo.png", &logo[..logo.len() / 2]);
    let e = c.build_fails();
    assert_has(&e, &["data/stavanger/logo.png: logoen er avkortet eller skadet"]);
}

/// A PNG whose header claims `w` × `h` pixels, with almost no pixel data.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        c.extend_from_slice(&crc32(&[kind, data].concat()).to_be_bytes());
        c
    };
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &ihdr));
    png.extend(chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
    png.extend(chunk(b"IEND", &[]));
    png
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn a_logo_that_claims_60000_by_60000_pixels_is_named() {
    let c = Case::new();
    c.write("logo.png", png_claiming(60_000, 60_000));
    let e = c.build_fails();
    assert_has(&e, &["data/stavanger/logo.png: logoen sier at det er 60000 × 60000 piksler", "hjelp:"]);
}

#[test]
fn prose_pictures_missing_outside_or_on_the_web_are_found_at_their_line() {
    let c = Case::new();
    c.write(
        "2026/tekster/innledning.md",
        "Tekst\n\n![Foto](foto.png)\n\n![Nett](https://example.org/a.png)\n\n![Ut](../../../kommuner.csv)\n",
    );
    let e = c.build_fails();
    assert_has(
        &e,
        &[
            "2026/tekster/innledning.md, rad 3: bildet «foto.png» finnes ikke",
            "rad 5: bildet «https://example.org/a.png» ligger på nettet",
            "rad 7: bildet «../../../kommuner.csv» ligger utenfor nettverkets datamappe",
        ],
    );
}

#[test]
fn a_prose_picture_in_the_data_folder_is_shown() {
    let c = Case::of("bergen", 2024);
    let logo = std::fs::read(common::root().join("tests/fixtures/logo-eksempel.png")).unwrap();
    c.write("2024/tekster/foto.png", &logo);
    c.edit("2024/tekster/innledning.md", |t| t + "\n![Et foto fra fagdagen](foto.png)\n");
    c.build_warns();
    let docx = std::fs::read(c.dir.path().join("output/bergen/2024/arsrapport-2024.docx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx.clone())).unwrap();
    let media =
        (0..zip.len()).filter(|i| zip.by_index(*i).unwrap().name().starts_with("word/media/")).count();
    // The photo (the report's charts are Word charts, not pictures).
    assert!(media >= 1, "the photo");
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    assert!(xml.contains("descr=\"Et foto fra fagdagen\""), "the photo with its text");
}

#[test]
fn a_prose_picture_from_another_folder_of_the_network_is_shown_and_followed() {
    // A path that climbs out of the text's folder and into another one of
    // the network's (this once panicked inside the PDF's world).
    let c = Case::of("bergen", 2024);
    let logo = std::fs::read(common::root().join("tests/fixtures/logo-eksempel.png")).unwrap();
    c.write("bilder/kart.png", &logo);
    c.edit("2024/tekster/innledning.md", |t| t + "\n![Kart over kommunene](../../bilder/kart.png)\n");
    let e = c.build_warns();
    assert!(!e.contains("panicked"), "{e}");
    let pdf = c.dir.path().join("output/bergen/2024/arsrapport-2024.pdf");
    let before = std::fs::read(&pdf).unwrap();
    let docx = std::fs::read(c.dir.path().join("output/bergen/2024/arsrapport-2024.docx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    assert!(xml.contains("descr=\"Kart over kommunene\""), "the picture with its alt text in the DOCX");
    // The picture is read from outside the year's folder: a new picture is
    // a change, not «uendret».
    let mut other = Vec::new();
    let mut enc = png::Encoder::new(&mut other, 40, 20);
    enc.set_color(png::ColorType::Rgb);
    enc.write_header().unwrap().write_image_data(&[200, 30, 30].repeat(40 * 20)).unwrap();
    c.write("bilder/kart.png", &other);
    let e = c.build_warns();
    assert!(!e.contains("Uendret"), "{e}");
    assert_ne!(std::fs::read(&pdf).unwrap(), before, "the new picture is in the PDF");
}

#[test]
fn a_sender_with_a_line_break_names_nettverk_toml_without_the_raw_break() {
    let c = Case::new();
    c.edit("nettverk.toml", |t| {
        t.replace(
            "avsender = \"Driftsgruppen for nettverket <",
            "avsender = \"Driftsgruppen for nettverket\\n<",
        )
    });
    let e = c.build_fails();
    assert_has(
        &e,
        &[
            "data/stavanger/nettverk.toml, rad 7: «avsender» har et linjeskift",
            "hjelp: skriv avsenderen på én linje",
        ],
    );
    assert!(!e.contains("nettverket\n"), "the raw line break is printed:\n{e}");
}

#[test]
fn toml_syntax_errors_are_in_norwegian() {
    let c = Case::new();
    c.edit("2026/plan.toml", |t| t + "undertittel = Strategi\n");
    let e = c.build_fails();
    assert_has(&e, &["2026/plan.toml, rad", "filen er ikke gyldig TOML: tekst må stå i anførselstegn"]);
    assert!(!e.contains("must be quoted"), "{e}");
    let c = Case::new();
    c.edit("nettverk.toml", |t| t.replacen("grupper = [", "grupper = [\"Ny\"", 1));
    let e = c.build_fails();
    assert_has(&e, &["nettverk.toml, rad 10", "det mangler komma mellom elementene i listen"]);
    assert!(!e.contains("expected"), "{e}");
}

#[test]
fn template_errors_in_a_cell_are_in_norwegian() {
    let c = Case::new();
    c.edit("2026/plan.csv", |t| t + "tekst;Neste år: {{ fagdag + 1 }};;\n");
    let e = c.build_fails();
    assert_has(&e, &["plan.csv, rad", "kolonne B (Tekst)", "+ kan ikke brukes mellom"]);
    assert!(!e.contains("tried to use") && !e.contains("unsupported"), "{e}");
    let c = Case::new();
    c.edit("2026/plan.csv", |t| t + "tekst;{% if %};;\n");
    let e = c.build_fails();
    assert_has(&e, &["kolonne B (Tekst)", "syntaksfeil: uventet"]);
}

#[test]
fn a_workbook_cut_short_is_named_in_norwegian() {
    let c = Case::new();
    std::fs::remove_file(c.file("2026/moter.csv")).unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().set_name("Møter").unwrap().write(0, 0, "ID").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    c.write("2026/moter.xlsx", &bytes[..bytes.len() * 2 / 3]);
    let e = c.build_fails();
    assert_has(&e, &["2026/moter.xlsx: kan ikke åpne regnearket", "avkortet eller skadet"]);
    c.write("2026/moter.xlsx", b"ID;Dato\nnot a workbook\n");
    assert_has(
        &c.build_fails(),
        &["moter.xlsx: kan ikke åpne regnearket: filen er ikke en Excel-arbeidsbok"],
    );
}

#[test]
fn os_errors_are_in_norwegian() {
    let c = Case::new();
    // A file where a year's output folder must go: «File exists» from the system.
    std::fs::write(c.dir.path().join("output/stavanger/2025"), b"a file").unwrap();
    let e = c.build_fails();
    assert_has(
        &e,
        &[
            "output/stavanger/2025: kan ikke lage mappen: finnes allerede",
            "det ligger en fil der en mappe skal være",
        ],
    );
    assert!(!e.contains("File exists") && !e.contains("os error"), "{e}");
    // The 2026 files were staged first; they are gone again.
    let (_, e) = c.run(&["--data", "finnes-ikke"]);
    assert_has(&e, &["finnes-ikke: kan ikke lese datamappen: finnes ikke"]);
    assert!(!e.contains("No such file"), "{e}");
}

#[test]
fn a_control_character_in_a_csv_cell_is_found_at_its_row_and_column() {
    let c = Case::new();
    c.edit("2026/moter.csv", |t| t.replacen("Heldagssamling fysisk", "Heldagssamling\u{7} fysisk", 1));
    let e = c.build_fails();
    assert_has(
        &e,
        &["moter.csv, rad", "kolonne F (Tittel): teksten inneholder det usynlige kontrolltegnet U+0007"],
    );
    assert!(!e.contains("ikke en gyldig tekstfil") && !e.contains('\u{7}'), "{e}");
}

#[test]
fn a_file_with_two_encodings_is_found_at_its_row_and_column() {
    let c = Case::new();
    // UTF-8 with one «ø» saved as Windows-1252 (0xF8) in row 3, column F.
    let text = std::fs::read_to_string(c.file("2026/moter.csv")).unwrap();
    let mut lines: Vec<Vec<u8>> = text.lines().map(|l| l.as_bytes().to_vec()).collect();
    let cells: Vec<&[u8]> = lines[2].split(|b| *b == b';').collect();
    let mut row: Vec<Vec<u8>> = cells.iter().map(|c| c.to_vec()).collect();
    row[5] = b"M\xf8te".to_vec();
    lines[2] = row.join(&b';');
    c.write("2026/moter.csv", lines.join(&b'\n'));
    let e = c.build_fails();
    assert_has(&e, &["moter.csv, rad 3, kolonne F: filen har to tegnkodinger om hverandre", "0xF8"]);
}

// ---- Wrong input that was accepted -------------------------------------------

#[test]
fn an_unbalanced_quote_in_a_csv_is_found_where_it_opens() {
    let c = Case::new();
    c.edit("2026/moter.csv", |t| t.replacen(";Heldagssamling fysisk;", ";\"Heldagssamling fysisk;", 1));
    let e = c.build_fails();
    assert_has(&e, &["moter.csv, rad", "kolonne F: anførselstegnet som begynner cellen her", "hjelp:"]);
    let c = Case::new();
    c.edit("2026/moter.csv", |t| t.replacen(";Heldagssamling fysisk;", ";\"Heldagssamling\" fysisk;", 1));
    assert_has(
        &c.build_fails(),
        &["kolonne F: anførselstegnet", "lukkes før cellen slutter (teksten «fysisk»"],
    );
}

#[test]
fn a_column_header_that_appears_twice_is_an_error() {
    let c = Case::new();
    c.edit("2026/moter.csv", |t| t.replacen(";Tema;Sted", ";Tema;Tema", 1));
    let e = c.build_fails();
    assert_has(
        &e,
        &["moter.csv, rad 1, kolonne H (Tema): kolonnen «Tema» står to ganger (også i kolonne G)"],
    );
}

#[test]
fn folders_without_their_settings_file_are_warned_about() {
    let c = Case::new();
    c.write("2027/plan.csv", "Nivå;Tekst\n");
    c.write("2026 kopi/plan.toml", "tittel = \"x\"\n");
    std::fs::create_dir_all(c.dir.path().join("data/bergen/2025")).unwrap();
    std::fs::write(c.dir.path().join("data/bergen/2025/plan.toml"), "tittel = \"x\"\n").unwrap();
    let e = c.build_warns();
    assert_has(
        &e,
        &[
            "advarsel: data/bergen: mappen «bergen» har ingen nettverk.toml, så den blir ikke bygget",
            "advarsel: data/stavanger/2027: årsmappen «2027» har ingen plan.toml",
            "advarsel: data/stavanger/2026 kopi: mappen «2026 kopi» har en plan.toml, men navnet er ikke et årstall",
        ],
    );
}

#[test]
fn a_kommunenummer_no_municipality_has_is_an_error() {
    let c = Case::new();
    c.edit("ressurspersoner.csv", |t| t.replacen(";1108;", ";11O8;", 1).replacen(";1103;", ";1199;", 1));
    let e = c.build_fails();
    assert_has(
        &e,
        &[
            "ressurspersoner.csv, rad 3, kolonne E (Kommunenummer): «11O8» er ikke et kommunenummer",
            "er bokstaven O skrevet for sifferet 0?",
            "kolonne E (Kommunenummer): ingen kommune har nummeret 1199",
        ],
    );
    let c = Case::new();
    std::fs::remove_file(c.dir.path().join("data/kommuner.csv")).unwrap();
    assert_has(&c.build_fails(), &["data/kommuner.csv: filen finnes ikke, og årsrapporten trenger den"]);
}

#[test]
fn report_dates_outside_the_year_are_found() {
    let c = Case::new();
    c.edit("2025/rapportering.csv", |t| t.replacen("13.10.2025", "13.10.2024", 1));
    let e = c.build_fails();
    assert_has(
        &e,
        &["rapportering.csv, rad 2, kolonne B (Dato): 13.10.2024 ligger utenfor rapportåret 2025"],
    );
    let c = Case::new();
    c.edit("ressurspersoner.csv", |t| t.replacen(";06.03.2019;;", ";06.03.2019;01.01.2209;", 1));
    let e = c.build_warns();
    assert_has(
        &e,
        &["ressurspersoner.csv, rad 3, kolonne I (Sluttet): 01.01.2209 ligger etter årsrapportens dato"],
    );
}

#[test]
fn a_plan_period_that_runs_backwards_is_an_error() {
    let c = Case::new();
    c.edit("2026/plan.toml", |t| t + "periode = \"2026-2024\"\n");
    let e = c.build_fails();
    assert_has(
        &e,
        &["2026/plan.toml, rad", "«periode» = «2026-2024» går baklengs", "periode = \"2024-2026\""],
    );
}

#[test]
fn a_date_format_that_is_no_pattern_is_an_error() {
    for (cell, expect) in [
        ("{{ fagdag | dato(5) }}", "datoformatet 5 må være tekst i anførselstegn"),
        ("{{ fagdag | dato(\"ful\") }}", "«ful» er verken et datoformat i husstilen"),
        ("{{ fagdag | dato(\"dd.MM.yy\") }}", "«yy» er ikke et felt i et datomønster"),
    ] {
        let c = Case::new();
        c.edit("2026/plan.csv", |t| t + &format!("tekst;Fagdagen er {cell}.;;\n"));
        let e = c.build_fails();
        assert_has(&e, &["plan.csv, rad", "kolonne B (Tekst)", expect]);
    }
    let c = Case::new();
    own_style(&c, "blokk-tom.md.j2", "");
    c.edit("maler/min/stil.toml", |t| t + "[dato]\ntekst = \"\"\n");
    assert_has(
        &c.build_fails(),
        &["maler/min/stil.toml", "[dato] tekst = «» kan ikke brukes: datomønsteret er tomt"],
    );
}

#[test]
fn a_mistyped_key_in_every_toml_file_is_named_with_a_suggestion() {
    let cases: [(&str, &str, &str); 4] = [
        ("nettverk.toml", "helseforetak = ", "helseforetk = "),
        ("2026/plan.toml", "signatur = ", "sigantur = "),
        ("2025/rapport.toml", "signatur = ", "signatru = "),
        ("maler/egen/stil.toml", "", ""),
    ];
    for (file, from, to) in cases {
        let c = Case::of("stavanger", if file.starts_with("2025") { 2025 } else { 2026 });
        let want = if file.ends_with("stil.toml") {
            c.write(file, "arv = \"helse-stavanger\"\nskriftstorelse = 12\n");
            c.edit("nettverk.toml", |t| {
                let line = t.lines().find(|l| l.starts_with("stil = ")).unwrap().to_string();
                t.replace(&line, "stil = \"egen\"")
            });
            "«skriftstorelse» (mente du «skriftstorrelse»?)".to_string()
        } else {
            c.edit(file, |t| t.replacen(from, to, 1));
            let (bad, good) = (to.trim_end_matches(" = "), from.trim_end_matches(" = "));
            format!("ukjent felt «{bad}» (mente du «{good}»?)")
        };
        let e = c.build_fails();
        assert_has(&e, &[file.rsplit('/').next().unwrap(), &want]);
    }
    // arsplan.toml, the project's own settings.
    let c = Case::new();
    std::fs::write(c.dir.path().join("arsplan.toml"), "utdatta = \"ut\"\n").unwrap();
    let (code, e) = c.run(&[]);
    assert_eq!(code, Some(1), "{e}");
    assert_has(&e, &["arsplan.toml", "ukjent felt «utdatta» (mente du «utdata»?)"]);
}

#[test]
fn maler_pointing_at_a_file_is_refused() {
    let c = Case::new();
    let o = Command::new(env!("CARGO_BIN_EXE_arsplan"))
        .current_dir(c.dir.path())
        .arg("--maler")
        .arg(c.file("nettverk.toml"))
        .args(["build", "--network", "stavanger"])
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert_has(&e, &["--maler", "er en fil, ikke en mappe", "hjelp:"]);
}

/// A table file as a workbook (sheet `sheet`), every cell text but those
/// `cell` writes otherwise.
fn as_workbook(
    csv: &std::path::Path,
    sheet: &str,
    cell: impl Fn(&mut rust_xlsxwriter::Worksheet, u32, u16, &str) -> bool,
) -> Vec<u8> {
    let text = std::fs::read_to_string(csv).unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).unwrap();
    for (r, line) in text.lines().enumerate() {
        for (c, v) in line.split(';').enumerate() {
            if !cell(ws, r as u32, c as u16, v) && !v.is_empty() {
                ws.write_string(r as u32, c as u16, v).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn stray_cells_far_away_in_a_workbook_are_left_out_with_a_warning() {
    let c = Case::new();
    let csv = c.file("2026/moter.csv");
    // The table, and stray values at XFD1048576 and at row 1,000,000.
    let book = as_workbook(&csv, "Møter", |ws, r, c, _| {
        if (r, c) == (1, 0) {
            ws.write_string(1_048_575, 16_383, "glemt").unwrap();
            ws.write_number(999_999, 2, 7).unwrap();
        }
        false
    });
    std::fs::remove_file(&csv).unwrap();
    c.write("2026/moter.xlsx", &book);
    let started = std::time::Instant::now();
    let e = c.build_warns();
    assert!(started.elapsed() < std::time::Duration::from_secs(30), "{:?}", started.elapsed());
    assert_has(
        &e,
        &[
            "moter.xlsx [ark Møter], rad 1000000",
            "ligger langt utenfor tabellen og er ikke lest",
            "(og 1 celler til)",
        ],
    );
}

#[test]
fn a_number_in_the_innsatsomrader_column_of_a_workbook_is_refused() {
    let c = Case::new();
    let csv = c.file("2026/plan.csv");
    let header = std::fs::read_to_string(&csv).unwrap().lines().next().unwrap().to_string();
    let col = header.split(';').position(|h| h == "Innsatsområder").unwrap() as u16;
    let book = as_workbook(&csv, "Plan", |ws, r, c, v| {
        if c == col && r > 0 && v == "2.6" {
            // Typed «2,10» in Norwegian Excel: the number 2.1, shown as General.
            ws.write_number(r, c, 2.1).unwrap();
            return true;
        }
        false
    });
    std::fs::remove_file(&csv).unwrap();
    c.write("2026/plan.xlsx", &book);
    let e = c.build_fails();
    assert_has(&e, &["plan.xlsx [ark Plan]", "«2.1» er lagret som et tall", "velg formatet Tekst"]);
}
