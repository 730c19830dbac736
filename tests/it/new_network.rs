//! A network added with data and template files only: a fixture network with its
//! own house style that inherits from helse-stavanger and overrides two parts.

use crate::common;

/// The blocks (`blokk` rows) of a prepared year's plan, in order.
fn plan_blocks(p: &arsplan::build::Prepared) -> Vec<&str> {
    p.year
        .outline
        .iter()
        .filter(|r| r.level == arsplan::model::Level::Block)
        .map(|r| r.text.as_str())
        .collect()
}

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

/// A project in a temporary folder with one new network, made as `arsplan ny
/// nettverk` makes it (workbooks), with these local groups.
fn new_network(dir: &std::path::Path, style: &str, groups: &[&str]) -> arsplan::Project {
    new_network_as(dir, style, groups, true)
}

/// The same, with workbooks or (`excel` false) CSV files.
fn new_network_as(dir: &std::path::Path, style: &str, groups: &[&str], excel: bool) -> arsplan::Project {
    use arsplan::settings::Setting;
    let project = common::with_data(dir.join("data"), dir.join("output"));
    let mut network = arsplan::settings::Values::new();
    network.insert("stil".into(), Setting::Text(style.into()));
    network.insert("helseforetak".into(), Setting::Text("Helse Fonna".into()));
    network.insert("grupper".into(), Setting::Lines(groups.iter().map(|g| g.to_string()).collect()));
    arsplan::scaffold::network_defaults(&mut network);
    let n = arsplan::scaffold::NewNetwork {
        folder: "fonna".into(),
        year: 2027,
        excel,
        network,
        ..Default::default()
    };
    arsplan::scaffold::network_with(&project, &n).unwrap();
    project
}

/// The example meetings' dates as the plan writes them (no-break spaces).
fn example_dates(groups: &[&str]) -> Vec<String> {
    let groups: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
    arsplan::guide::example_meetings(2027, &groups)
        .iter()
        .map(|m| arsplan::dates::format(m.date, "d. MMMM yyyy").replace(' ', "\u{a0}"))
        .collect()
}

/// The DOCX body's tables (the XML of each `w:tbl`).
fn docx_tables(docx: &[u8]) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    xml.split("<w:tbl>").skip(1).map(|t| t[..t.find("</w:tbl>").unwrap()].to_string()).collect()
}

#[test]
fn a_new_network_without_groups_has_its_meetings_in_a_table_in_both_formats() {
    use arsplan::render::{self, pages, Format};
    let dates = example_dates(&[]);
    assert_eq!(dates.len(), 2, "both example meetings are for the whole network");
    // Every shipped house style has the block (felles's, inherited).
    for style in ["felles", "helse-stavanger", "helse-bergen", "ahus", "helse-vest"] {
        let dir = tempfile::tempdir().unwrap();
        let project = new_network(dir.path(), style, &[]);
        let p = project.prepare("fonna", 2027).unwrap();
        let blocks = plan_blocks(&p);
        assert_eq!(blocks, ["moteplan"], "{style}: the example plan's table is the meetings'");
        let made = project.documents(&p).unwrap().into_iter().find(|m| m.stem == "arsplan-2027").unwrap();
        let docx = render::render(&made.document, &p.theme, &p.assets, &[Format::Docx]).unwrap().remove(0).1;
        // The DOCX: one table with a header row and a row per meeting, in date
        // order, the dates in Norwegian with no-break spaces; the fagdag's time
        // fills the Tid column; rows kept together on one page.
        let tables = docx_tables(&docx);
        assert_eq!(tables.len(), 1, "{style}: one table");
        let t = &tables[0];
        assert_eq!(t.matches("<w:tr>").count(), 3, "{style}: a header and two meetings");
        let text = common::xml_text(t);
        for want in ["Dato", "Møte", "Tid", "Nettverksmøte", "Årlig fagdag", "09.00–15.30"] {
            assert!(text.contains(want), "{style}: «{want}» in the table: {text}");
        }
        let (spring, autumn) = (t.find(&dates[1]), t.find(&dates[0]));
        assert!(spring.is_some() && autumn.is_some(), "{style}: both dates {dates:?} in {text}");
        assert!(spring < autumn, "{style}: in date order");
        assert!(
            t.contains("<w:keepNext/>") && t.contains("<w:tblHeader/>"),
            "{style}: kept whole, header repeats"
        );
        // No sentence about local groups the network does not have.
        let all = common::docx_text(&docx).to_lowercase();
        assert!(!all.contains("nettverksgruppene"), "{style}: {all}");
        assert!(all.contains("datoene for årets møter står i tabellen under"), "{style}: {all}");
        // The PDF as Typst lays it out: the same cells, on one page.
        let fitted = render::fit(&made.document, &p.theme, &p.assets).unwrap();
        let runs = pages::runs(&fitted.pages, &fitted.theme);
        let mut cells: std::collections::BTreeMap<usize, String> = Default::default();
        for r in runs.iter().filter(|r| r.cell.is_some()) {
            cells.entry(r.cell.unwrap()).or_default().push_str(&r.text);
        }
        let cells: Vec<String> = cells.into_values().map(|c| c.trim().replace(' ', "\u{a0}")).collect();
        for want in dates.iter().map(String::as_str).chain(["Årlig\u{a0}fagdag", "09.00–15.30"]) {
            assert!(cells.iter().any(|c| c == want), "{style}: a PDF cell «{want}»: {cells:?}");
        }
        let tables = render::autofit::tables(&made.document.blocks);
        let header: Vec<usize> = tables.iter().map(|t| t.header_rows).collect();
        for (_, frags) in pages::table_fragments(&runs, &header) {
            assert_eq!(frags.len(), 1, "{style}: the short table stays on one page");
        }
    }
}

#[test]
fn a_new_network_with_groups_has_the_groups_table_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let project = new_network(dir.path(), "felles", &["Haugesund", "Stord"]);
    let p = project.prepare("fonna", 2027).unwrap();
    let blocks = plan_blocks(&p);
    assert_eq!(blocks, ["nettverksgrupper"]);
    let made = project.documents(&p).unwrap().into_iter().find(|m| m.stem == "arsplan-2027").unwrap();
    let docx = arsplan::render::render(&made.document, &p.theme, &p.assets, &[arsplan::Format::Docx])
        .unwrap()
        .remove(0)
        .1;
    let tables = docx_tables(&docx);
    assert_eq!(tables.len(), 1, "the groups' table alone");
    let text = common::xml_text(&tables[0]);
    // The group meeting's date (the second example) in Haugesund's row.
    let spring = arsplan::dates::format(arsplan::guide::example_meetings(2027, &[])[1].date, "d. MMMM");
    assert!(text.contains("Haugesund") && text.contains("Stord") && text.contains(&spring), "{text}");
    let all = common::docx_text(&docx);
    assert!(all.contains("Møtene i nettverksgruppene står i tabellen under"), "{all}");
    assert!(!all.contains("Møter for hele nettverket"), "{all}");
}

#[test]
#[ignore = "needs pdftotext (poppler-utils)"]
fn a_new_network_without_groups_has_its_meetings_in_the_pdf_text() {
    let dir = tempfile::tempdir().unwrap();
    let project = new_network(dir.path(), "felles", &[]);
    project.build(&Default::default(), &arsplan::BuildOptions::formats(&[arsplan::Format::Pdf])).unwrap();
    let pdf = std::fs::read(dir.path().join("output/fonna/2027/arsplan-2027.pdf")).unwrap();
    let text = common::pdf_text(&pdf).replace('\u{a0}', " ");
    assert!(text.contains("Møter for hele nettverket i 2027"), "{text}");
    for d in example_dates(&[]) {
        assert!(text.contains(&d.replace('\u{a0}', " ")), "{d}: {text}");
    }
    assert!(!text.to_lowercase().contains("nettverksgruppene"), "{text}");
}

#[test]
fn a_long_meeting_plan_breaks_across_pages_with_rows_on_both_sides() {
    use arsplan::render::{self, pages, Format};
    let dir = tempfile::tempdir().unwrap();
    let project = new_network_as(dir.path(), "felles", &[], false);
    // Forty more meetings for the whole network, each a week after the last.
    let path = dir.path().join("data/fonna/2027/moter.csv");
    let mut csv = std::fs::read_to_string(&path).unwrap();
    for i in 1..=40 {
        let date = chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap() + chrono::Duration::days(7 * i);
        csv.push_str(&format!(
            "m{i};{};møte;;felles;Driftsgruppemøte nr. {i};;Teams;13:00;14:00\r\n",
            date.format("%d.%m.%Y")
        ));
    }
    std::fs::write(&path, csv).unwrap();
    let p = project.prepare("fonna", 2027).unwrap();
    assert_eq!(p.year.meetings.len(), 42, "the two examples and forty more");
    let made = project.documents(&p).unwrap().into_iter().find(|m| m.stem == "arsplan-2027").unwrap();
    let fitted = render::fit(&made.document, &p.theme, &p.assets).unwrap();
    let runs = pages::runs(&fitted.pages, &fitted.theme);
    let tables = render::autofit::tables(&made.document.blocks);
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0].rows.len(), 43, "a header and a row per meeting");
    let frags = pages::table_fragments(&runs, &[1]).remove(&0).unwrap();
    assert!(frags.len() > 1, "the table goes over a page");
    for (page, rows) in &frags {
        assert!(rows.len() >= render::MIN_ROWS_AT_BREAK, "{} row(s) on page {}", rows.len(), page + 1);
    }
    let docx = render::render(&made.document, &p.theme, &p.assets, &[Format::Docx]).unwrap().remove(0).1;
    let t = &docx_tables(&docx)[0];
    let rows: Vec<&str> = t.split("<w:tr>").skip(1).collect();
    let kept = |r: &str| r.contains("<w:keepNext/>");
    assert!(kept(rows[0]) && kept(rows[1]), "the header and first row keep with the next");
    assert!(kept(rows[rows.len() - 2]) && !kept(rows[rows.len() - 1]), "the last two rows stay together");
}
