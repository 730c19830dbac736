//! Plans that follow the regional strategy: references to innsatsområder are
//! checked, and a template can show which ones the plan serves.

use crate::common;

use arsplan::Project;

fn copy(dir: &std::path::Path) -> Project {
    common::copy_examples(&dir.join("data"), &["stavanger"]);
    common::with_data(dir.join("data"), dir.join("out"))
}

#[test]
fn a_template_block_shows_the_innsatsomrader_the_plan_serves() {
    let dir = tempfile::tempdir().unwrap();
    let project = copy(dir.path());
    let plan = dir.path().join("data/stavanger/2026/plan.csv");
    let mut text = std::fs::read_to_string(&plan).unwrap();
    text.push_str("blokk;strategidekning;;\n");
    std::fs::write(&plan, text).unwrap();
    let p = project.prepare("stavanger", 2026).unwrap();
    let docx = &project.render(&p, &[arsplan::Format::Docx]).unwrap()[0].bytes;
    let t = common::docx_text(docx);
    assert!(t.contains("Innsatsområder i Strategi 2025-2029 som planen tjener (13 av 55)"), "{t}");
    // 2.6 (dødshjelp) is served by area 1's first sub-goal.
    assert!(t.contains("2.6\nstyrke kompetansen i etiske og juridiske aspekter ved dødshjelp\n1. Pasient- og pårørendearbeid, delmål 1"), "{t}");
}

#[test]
fn an_unknown_innsatsomrade_is_an_error_at_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    let project = copy(dir.path());
    let plan = dir.path().join("data/stavanger/2026/plan.csv");
    let text = std::fs::read_to_string(&plan).unwrap().replacen(";felles;2.6\n", ";felles;2.16\n", 1);
    std::fs::write(&plan, text).unwrap();
    let err = project.prepare("stavanger", 2026).err().expect("must fail").to_string();
    assert!(err.contains("plan.csv, rad 4, kolonne D (Innsatsområder): innsatsområdet «2.16» finnes ikke i Strategi 2025-2029"), "{err}");
}

#[test]
fn a_network_logo_in_its_data_folder_replaces_the_placeholder() {
    let dir = tempfile::tempdir().unwrap();
    let project = copy(dir.path());
    let own = std::fs::read(common::root().join("tests/fixtures/logo-eksempel.png")).unwrap();
    std::fs::write(dir.path().join("data/stavanger/logo.png"), &own).unwrap();
    let p = project.prepare("stavanger", 2026).unwrap();
    let docx = &project.render(&p, &[arsplan::Format::Docx]).unwrap()[0].bytes;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut media = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name("word/media/image1.png").unwrap(), &mut media).unwrap();
    assert!(media == own, "the network's own logo is in the header");
    // A logo that is not a PNG is refused with a message.
    std::fs::write(dir.path().join("data/stavanger/logo.png"), b"not an image").unwrap();
    let err = project.prepare("stavanger", 2026).err().expect("must fail").to_string();
    assert!(err.contains("logo.png: logoen er ikke et PNG-bilde"), "{err}");
}
