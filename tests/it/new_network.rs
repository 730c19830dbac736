//! A network added with data and template files only: a fixture network with its
//! own house style that inherits from helse-stavanger and overrides two parts.

use crate::common;

#[test]
fn fixture_network_with_its_own_template_override() {
    let out = tempfile::tempdir().unwrap();
    let project = common::with_data(common::root().join("tests/fixtures/nettverk"), out.path().to_path_buf());
    let written = project
        .build(
            &Default::default(),
            &arsplan::BuildOptions::formats(&[arsplan::Format::Docx, arsplan::Format::Pdf]),
        )
        .unwrap()
        .written;
    let names: Vec<String> =
        written.iter().map(|w| w.path.strip_prefix(out.path()).unwrap().display().to_string()).collect();
    assert_eq!(
        names,
        [
            "fonna/2027/arsplan-2027.docx",
            "fonna/2027/arsplan-2027.pdf",
            "fonna/2027/kalender-2027.ics",
            "fonna/2027/kalender-2027-haugesund.ics",
            "fonna/2027/kalender-2027-stord.ics",
            "fonna/2027/arshjul-2027.svg",
            "fonna/2027/manifest.json"
        ]
    );

    let text = common::docx_text(&std::fs::read(&written[0].path).unwrap());
    // Its own blocks: heading wording, "Mål N", "Tiltak:", no network tags.
    assert!(text.contains("Slik arbeider vi i 2027"), "{text}");
    assert!(text.contains("Mål 1: Gjennomføre faste oppgaver\n"), "{text}");
    assert!(!text.contains("(sykepleier)"), "{text}");
    assert!(text.contains("Tiltak:"));
    // Its own date styles: weekday in running text, full numeric in the group table.
    assert!(text.contains("Årlig fagdag torsdag 4. november"), "{text}");
    assert!(text.contains("11.03.2027"), "{text}");
    // Its own order of the areas.
    let drift = text.find("1. Organisering og drift av nettverket").unwrap();
    let pasient = text.find("2. Pasient- og pårørendearbeid").unwrap();
    assert!(drift < pasient);
    // Inherited from helse-stavanger / felles: the cover and the groups table caption.
    assert!(text.contains("Møter i lokale nettverksgrupper:"));
    let styles = {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&written[0].path).unwrap()).unwrap();
        let mut s = String::new();
        zip.by_name("word/styles.xml").unwrap().read_to_string(&mut s).unwrap();
        s
    };
    assert!(styles.contains("2e6b30"), "its own colour reaches the Word styles");
}

#[test]
fn arshjul_is_an_svg_file_and_a_picture_in_both_formats() {
    let out = tempfile::tempdir().unwrap();
    let project = common::with_data(common::root().join("tests/fixtures/nettverk"), out.path().to_path_buf());
    project
        .build(
            &Default::default(),
            &arsplan::BuildOptions::formats(&[arsplan::Format::Docx, arsplan::Format::Pdf]),
        )
        .unwrap();
    let dir = out.path().join("fonna/2027");
    let svg = std::fs::read_to_string(dir.join("arshjul-2027.svg")).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    for month in ["januar", "juni", "desember"] {
        assert!(svg.contains(&format!(">{month}</text>")), "{month}");
    }
    // One dot per meeting, with its date; the recurring activities from arshjul.csv.
    assert_eq!(svg.matches("<title>").count(), 3);
    assert!(svg.contains("<title>04.11.2027 Årlig fagdag</title>"));
    assert!(svg.contains(">Årlig rapportering</text>") && svg.matches(">Nyhetsbrev</text>").count() == 2);
    // In the DOCX, a picture with its alt text; in the PDF, vector graphics with real text.
    let docx = std::fs::read(dir.join("arsplan-2027.docx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&docx)).unwrap();
    let mut doc = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut doc).unwrap();
    assert!(doc.contains("descr=\"Årshjul for 2027"), "alt text of the årshjul picture");
}

#[test]
#[ignore = "needs pdftotext (poppler-utils)"]
fn arshjul_in_the_pdf_is_vector_graphics_with_real_text() {
    let out = tempfile::tempdir().unwrap();
    let project = common::with_data(common::root().join("tests/fixtures/nettverk"), out.path().to_path_buf());
    project.build(&Default::default(), &arsplan::BuildOptions::formats(&[arsplan::Format::Pdf])).unwrap();
    let text = common::pdf_text(&std::fs::read(out.path().join("fonna/2027/arsplan-2027.pdf")).unwrap());
    assert!(text.contains("Årshjul") && text.contains("desember"), "{text}");
}
