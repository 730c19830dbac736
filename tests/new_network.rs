//! A network added with data and template files only: a fixture network with its
//! own house style that inherits from helse-stavanger and overrides two parts.

mod common;

use arsplan::Project;

#[test]
fn fixture_network_with_its_own_template_override() {
    let out = tempfile::tempdir().unwrap();
    let project = Project {
        data: common::root().join("tests/fixtures/nettverk"),
        templates: common::root().join("templates"),
        output: out.path().to_path_buf(),
    };
    let written = project.build(&Default::default(), &["docx", "pdf"]).unwrap().written;
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
