//! The årsrapport: every figure computed from the data (checked against a small
//! network worked out by hand), charts in both formats, no e-mail addresses,
//! and a clear message for each kind of bad report data.

use crate::common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use arsplan::Project;

fn fixture_project(data: &Path, out: &Path) -> Project {
    common::with_data(data.to_path_buf(), out.to_path_buf())
}

fn fixture() -> PathBuf {
    common::root().join("tests/fixtures/rapport")
}

fn report_docs() -> (Vec<u8>, Vec<u8>) {
    docs_of(&fixture())
}

/// The report of a copy of the fixture whose plan.toml sets no target and
/// whose network has no prize draw.
fn report_docs_without_target() -> (Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    common::copy_dir(&fixture(), &data);
    for (file, key) in [("2025/plan.toml", "mal_"), ("nettverk.toml", "premie_for_oppmote")] {
        let path = data.join("lite").join(file);
        let t = std::fs::read_to_string(&path).unwrap();
        let kept: String = t.lines().filter(|l| !l.starts_with(key)).map(|l| format!("{l}\n")).collect();
        assert_ne!(t, kept, "{file} had {key}");
        std::fs::write(&path, kept).unwrap();
    }
    docs_of(&data)
}

fn docs_of(data: &Path) -> (Vec<u8>, Vec<u8>) {
    let out = tempfile::tempdir().unwrap();
    let project = fixture_project(data, out.path());
    let p = project.prepare("lite", 2025).unwrap();
    let a = project.render(&p, &[arsplan::Format::Docx, arsplan::Format::Pdf]).unwrap();
    let find = |name: &str| a.iter().find(|a| a.path.ends_with(name)).unwrap().bytes.clone();
    (find("arsrapport-2025.docx"), find("arsrapport-2025.pdf"))
}

#[test]
fn figures_match_the_hand_count() {
    let out = tempfile::tempdir().unwrap();
    let project = fixture_project(&fixture(), out.path());
    let p = project.prepare("lite", 2025).unwrap();
    let data = p.year.report.as_ref().unwrap();
    let f = arsplan::report::figures(&p.year, data, &project.kommuner().unwrap(), &p.theme.texts);
    let row = |id: &str| f.meetings.iter().find(|m| m.id == id).unwrap();
    // Nord: Kari and Ola (who left in June) were both there in March.
    assert_eq!((row("nord_1").present, row("nord_1").invited, row("nord_1").percent), (2, 2, Some(100)));
    // Sør: Siri had joined on 1 March, so two invited, Per came.
    assert_eq!((row("sor_1").present, row("sor_1").invited, row("sor_1").percent), (1, 2, Some(50)));
    assert!(row("sor_1").below_target);
    // The plan's own targets (plan.toml), and the prize draw the network has (nettverk.toml).
    assert_eq!((f.attendance_target, f.survey_target), (Some(80), Some(80)));
    assert!(f.survey_below_target && f.total.below_target && f.attendance_prize);
    assert_eq!(f.conference_day_name, "årlig fagdag");
    // The introduction course counts nobody against the target.
    assert_eq!((row("intro").invited, row("intro").percent), (1, None));
    // Fagdag: four active in November, Per stayed away.
    assert_eq!((row("fagdag").present, row("fagdag").invited, row("fagdag").percent), (3, 4, Some(75)));
    assert_eq!((f.total.present, f.total.invited, f.total.percent), (7, 9, Some(78)));
    assert_eq!(f.active_at_year_end, 4);
    assert_eq!((f.joined, f.left), (1, 1));
    let kommune: Vec<(String, usize)> =
        f.per_municipality.iter().map(|c| (c.name.clone(), c.count)).collect();
    assert_eq!(kommune, [("Sandnes".to_string(), 3), ("Stavanger".to_string(), 1)]);
    assert_eq!((f.survey_answers, f.survey_asked, f.survey_percent), (3, 4, Some(75)));
    assert_eq!(f.prize_list, ["Kari Nordmann", "Fia Fysio"]);
    let per_gruppe: Vec<(String, Option<u32>)> =
        f.per_group.iter().map(|g| (g.name.clone(), g.percent)).collect();
    assert_eq!(per_gruppe, [("Nord".to_string(), Some(100)), ("Sør".to_string(), Some(50))]);
}

#[test]
fn report_shows_figures_names_nobody_and_no_email() {
    let (docx, pdf) = report_docs();
    let text = common::docx_text(&docx);
    for expected in [
        "ÅRSRAPPORT 2025",
        "7 av 9",
        "78 %",
        "3 av 4 ressurspersoner svarte",
        "2 ressurspersoner møtte på alle møtene",
        "Et godt år",
        "Utsatt",
        "Utsatt til neste år",
        "Driftsgruppen januar 2026",
    ] {
        assert!(text.contains(expected), "DOCX lacks «{expected}»:\n{text}");
    }
    // The prize draw is a count: no resource person is named.
    for name in ["Kari Nordmann", "Fia Fysio", "Per Sør", "Ola Nordmann", "Siri Sør"] {
        assert!(!text.contains(name), "{name} must not be named");
    }
    let mut all = String::new();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&docx)).unwrap();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut b = Vec::new();
        f.read_to_end(&mut b).unwrap();
        all.push_str(&String::from_utf8_lossy(&b));
    }
    assert!(!all.contains("kommune.example"), "no e-mail address in the DOCX");
    assert!(!String::from_utf8_lossy(&pdf).contains("kommune.example"));
}

/// Every part of a DOCX as one text (the document, its charts and their workbooks' names).
fn docx_parts(docx: &[u8]) -> String {
    let mut all = String::new();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.name().ends_with(".xml") {
            f.read_to_string(&mut all).unwrap();
        }
    }
    all.replace('\u{a0}', " ")
}

#[test]
fn the_target_line_and_verdicts_are_there_only_when_the_plan_sets_a_target_docx() {
    let with = docx_parts(&report_docs().0);
    for want in ["nådd målet (80 %)", "under målet", "Minst 80 %", "Ikke nådd", "Premie for oppmøte"] {
        assert!(with.contains(want), "with a target the DOCX has «{want}»");
    }
    let (docx, _) = report_docs_without_target();
    let without = docx_parts(&docx);
    for never in ["målet", "Minst", "Nådd", "nådd", "stiplet", "Premie", "trekningen"] {
        assert!(!without.contains(never), "without a target the DOCX has «{never}»");
    }
    // The chart is still there, with its numbers, in one series and no legend.
    assert!(without.contains("<c:v>100</c:v>") && without.contains("<c:v>50</c:v>"));
    let text = common::docx_text(&docx);
    assert!(
        text.contains("3 av 4 ressurspersoner svarte på årlig rapportering. Svarprosenten ble 75 %."),
        "{text}"
    );
}

#[test]
#[ignore = "needs pdftotext (poppler-utils)"]
fn the_target_line_and_verdicts_are_there_only_when_the_plan_sets_a_target_pdf() {
    let with = common::pdf_text(&report_docs().1);
    for want in ["mål: 80 %", "nådd målet (80 %)", "Minst 80 %", "Ikke nådd", "Premie for oppmøte"] {
        assert!(with.contains(want), "with a target the PDF has «{want}»:\n{with}");
    }
    let without = common::pdf_text(&report_docs_without_target().1);
    for never in ["mål:", "målet", "Minst", "Nådd", "nådd", "Premie"] {
        assert!(!without.contains(never), "without a target the PDF has «{never}»:\n{without}");
    }
    assert!(without.contains("13.03 Nord"), "the chart is still drawn:\n{without}");
}

#[test]
#[ignore = "needs pdftotext (poppler-utils)"]
fn report_pdf_shows_figures_and_no_email() {
    let t = common::pdf_text(&report_docs().1);
    assert!(!t.contains('@'), "no e-mail address in the PDF text");
    assert!(t.contains("7 av 9"));
}

#[test]
fn charts_are_word_charts_with_their_numbers_and_alt_text() {
    let (docx, _) = report_docs();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&docx)).unwrap();
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    // No pictures: the two charts are Word charts, each with a workbook of its numbers.
    assert!(!names.iter().any(|n| n.starts_with("word/media/")), "{names:?}");
    for n in ["word/charts/chart1.xml", "word/charts/chart2.xml"] {
        assert!(names.contains(&n.to_string()), "{n}: {names:?}");
    }
    assert_eq!(names.iter().filter(|n| n.starts_with("word/embeddings/") && n.ends_with(".xlsx")).count(), 2);
    let read = |zip: &mut zip::ZipArchive<std::io::Cursor<&Vec<u8>>>, n: &str| {
        let mut s = String::new();
        zip.by_name(n).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let doc = read(&mut zip, "word/document.xml");
    assert_eq!(doc.matches("<c:chart ").count(), 2, "two chart frames");
    assert!(doc.contains("descr=\"Liggende søylediagram over fremmøtet i prosent"), "chart alt text in DOCX");
    assert!(doc.contains("descr=\"Liggende søylediagram over antall ressurspersoner"));
    // The attendance chart holds the meetings' percentages (the hand count: 100, 50, 75)
    // and names its workbook.
    let chart = read(&mut zip, "word/charts/chart1.xml");
    for v in ["<c:v>100</c:v>", "<c:v>50</c:v>", "<c:v>75</c:v>"] {
        assert!(chart.contains(v), "{v} in the chart's numbers: {chart}");
    }
    assert!(chart.contains("<c:externalData r:id="), "{chart}");
    let rels = read(&mut zip, "word/charts/_rels/chart1.xml.rels");
    assert!(rels.contains("../embeddings/") && rels.contains("relationships/package"), "{rels}");
    let types = read(&mut zip, "[Content_Types].xml");
    assert!(types.contains("drawingml.chart+xml") && types.contains("spreadsheetml.sheet"), "{types}");
}

#[test]
#[ignore = "needs soffice (LibreOffice) and pdftotext (poppler-utils)"]
fn libreoffice_draws_the_word_charts_with_their_values() {
    common::need("soffice", &["--version"]);
    let (docx, _) = report_docs();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rapport.docx");
    std::fs::write(&path, &docx).unwrap();
    let profile = format!("-env:UserInstallation=file://{}/lo-profile", dir.path().display());
    let out = Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text =
        common::pdf_text(&std::fs::read(dir.path().join("rapport.pdf")).unwrap()).replace('\u{a0}', " ");
    // The charts as LibreOffice draws them: their titles, categories and values.
    for expected in
        ["Fremmøte per møte", "Ressurspersoner per kommune", "Sandnes", "Stavanger", "50 %", "100 %", "75 %"]
    {
        assert!(text.contains(expected), "LibreOffice's chart lacks «{expected}»:\n{text}");
    }
}

#[test]
#[ignore = "needs pdftotext and pdfimages (poppler-utils)"]
fn charts_in_the_pdf_are_drawn_not_pasted() {
    let pdf = report_docs().1;
    // Its labels are text, and nothing in the report is a raster image.
    let t = common::pdf_text(&pdf);
    assert!(t.contains("13.03 Nord"), "chart labels are real text");
    common::need("pdfimages", &["-v"]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let list = Command::new("pdfimages").arg("-list").arg(&path).output().unwrap();
    let images = String::from_utf8_lossy(&list.stdout).lines().skip(2).count();
    assert_eq!(images, 0, "no raster image: the charts are vector graphics");
}

/// A copy of the fixture with one file edited; the build must fail naming the cell.
fn fails_with(file: &str, edit: impl Fn(String) -> String, expected: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&fixture(), &dir.path().join("data"));
    let path = dir.path().join("data/lite").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let new = edit(text.clone());
    assert_ne!(text, new, "the edit must change {file}");
    std::fs::write(&path, new).unwrap();
    let out = dir.path().join("output");
    std::fs::create_dir_all(out.join("lite/2025")).unwrap();
    std::fs::write(out.join("lite/2025/arsrapport-2025.pdf"), b"earlier").unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_arsplan"))
        .current_dir(dir.path())
        .arg("--maler")
        .arg(common::root().join("templates"))
        .arg("build")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    for e in expected {
        assert!(stderr.contains(e), "expected «{e}» in:\n{stderr}");
    }
    assert_eq!(std::fs::read(out.join("lite/2025/arsrapport-2025.pdf")).unwrap(), b"earlier");
    assert_eq!(std::fs::read_dir(out.join("lite/2025")).unwrap().count(), 1, "no new files");
}

#[test]
fn attendance_for_an_unknown_person() {
    fails_with(
        "2025/deltakelse.csv",
        |t| t.replace("r5;Fia Fysio", "r9;Fia Fysio"),
        &["deltakelse.csv, rad 6, kolonne F (fe_1)", "ukjent ressursperson «r9»"],
    );
}

#[test]
fn attendance_at_an_unknown_meeting() {
    fails_with(
        "2025/deltakelse.csv",
        |t| t.replace(";fagdag\n", ";fagdagen\n"),
        &["deltakelse.csv, rad 2, kolonne G (fagdagen)", "ukjent møte «fagdagen»"],
    );
}

#[test]
fn attendance_after_the_person_left() {
    fails_with(
        "2025/deltakelse.csv",
        |t| t.replace("r2;Ola Nordmann;x;;;;", "r2;Ola Nordmann;x;;;;x"),
        &[
            "deltakelse.csv, rad 3, kolonne G (fagdag)",
            "Ola Nordmann sluttet 30.06.2025, men står som til stede på «fagdag» 13.11.2025",
        ],
    );
}

#[test]
fn a_person_twice_in_the_register() {
    fails_with(
        "ressurspersoner.csv",
        |t| t.replace("r4;Per Sør", "r3;Per Sør"),
        &["ressurspersoner.csv, rad 5, kolonne A (ID)", "«r3» står to ganger i registeret (også på rad 4)"],
    );
}

#[test]
fn a_status_outside_the_list() {
    fails_with(
        "2025/plan.csv",
        |t| t.replace(";utsatt;", ";avlyst;"),
        &[
            "plan.csv, rad 6, kolonne D (Status)",
            "ukjent status «avlyst»",
            "gjennomført, delvis gjennomført, ikke gjennomført, utsatt",
        ],
    );
}

#[test]
fn a_matrix_cell_that_is_neither_empty_nor_x() {
    fails_with(
        "2025/deltakelse.csv",
        |t| t.replace("r4;Per Sør;;x;", "r4;Per Sør;;ja;"),
        &["deltakelse.csv, rad 5, kolonne D (sor_1)", "«ja» er verken tom eller x"],
    );
}

#[test]
fn attendance_as_rows_gives_the_same_report() {
    let (matrix_docx, _) = report_docs();
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&fixture(), &dir.path().join("data"));
    let rows =
        "Møte;Person\nnord_1;r1\nnord_1;r2\nsor_1;r4\nintro;r3\nfe_1;r5\nfagdag;r1\nfagdag;r3\nfagdag;r5\n";
    std::fs::write(dir.path().join("data/lite/2025/deltakelse.csv"), rows).unwrap();
    let project = fixture_project(&dir.path().join("data"), &dir.path().join("out"));
    let p = project.prepare("lite", 2025).unwrap();
    let a = project.render(&p, &[arsplan::Format::Docx]).unwrap();
    let docx = &a.iter().find(|a| a.path.ends_with("arsrapport-2025.docx")).unwrap().bytes;
    assert!(docx == &matrix_docx, "rows and matrix are two forms of the same attendance");
}

#[test]
fn a_person_twice_in_the_answers() {
    fails_with(
        "2025/rapportering.csv",
        |t| t + "r1;06.11.2025\n",
        &["rapportering.csv, rad 5, kolonne A (Person)", "«r1» står to ganger"],
    );
}

#[test]
fn answers_not_registered_are_said_so_not_counted_as_zero() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&fixture(), &dir.path().join("data"));
    std::fs::remove_file(dir.path().join("data/lite/2025/rapportering.csv")).unwrap();
    // An Excel lock file beside the data is not a table.
    std::fs::write(dir.path().join("data/lite/2025/~$deltakelse.xlsx"), b"\0\0").unwrap();
    let project = fixture_project(&dir.path().join("data"), &dir.path().join("out"));
    let p = project.prepare("lite", 2025).unwrap();
    let a = project.render(&p, &[arsplan::Format::Docx]).unwrap();
    let text = common::docx_text(&a.iter().find(|a| a.path.ends_with("arsrapport-2025.docx")).unwrap().bytes);
    assert!(text.contains("Svarene på årlig rapportering er ikke registrert for 2025."), "{text}");
    assert!(!text.contains("0 av 4 ressurspersoner svarte"));
}
