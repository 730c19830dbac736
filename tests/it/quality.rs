//! Output quality: valid OOXML, LibreOffice opens every DOCX, tagged PDF/A-2a
//! with title and language, Word structure (headings, lists, tables, footer),
//! and byte-identical output for the same input.

use crate::common;

use std::io::Read;
use std::process::Command;

use arsplan::publish::Artifact;

fn all_artifacts() -> Vec<Artifact> {
    with_meta().into_iter().map(|(a, _)| a).collect()
}

/// Every example document with the metadata its properties must show.
fn with_meta() -> Vec<(Artifact, arsplan::doc::Meta)> {
    let out = tempfile::tempdir().unwrap();
    let project = common::project(out.path());
    let mut v = Vec::new();
    for (n, y) in project.targets(&Default::default()).unwrap() {
        let p = project.prepare(&n, y).unwrap();
        let metas: Vec<(String, arsplan::doc::Meta)> =
            project.documents(&p).unwrap().into_iter().map(|m| (m.stem, m.document.meta)).collect();
        for a in project.render(&p, &[arsplan::Format::Docx, arsplan::Format::Pdf]).unwrap() {
            let stem = a.path.file_stem().unwrap().to_string_lossy().to_string();
            let meta = metas.iter().find(|(s, _)| *s == stem).unwrap().1.clone();
            v.push((a, meta));
        }
    }
    assert!(v.len() >= 8, "every example network makes a DOCX and a PDF");
    v
}

/// Whether the example document an artifact was made from has a bulleted list.
fn bulleted(path: &std::path::Path) -> bool {
    fn any(blocks: &[arsplan::doc::Block]) -> bool {
        use arsplan::doc::Block;
        blocks.iter().any(|b| match b {
            Block::List { ordered: false, .. } => true,
            Block::List { items, .. } => items.iter().any(|i| any(i)),
            Block::Table(t) => t.rows.iter().flatten().any(|c| any(c)),
            Block::Styled { blocks, .. } => any(blocks),
            _ => false,
        })
    }
    let out = tempfile::tempdir().unwrap();
    let project = common::project(out.path());
    let stem = path.file_stem().unwrap().to_string_lossy().to_string();
    let year: i32 = path.parent().unwrap().file_name().unwrap().to_string_lossy().parse().unwrap();
    let network = path.parent().unwrap().parent().unwrap().file_name().unwrap().to_string_lossy().to_string();
    let p = project.prepare(&network, year).unwrap();
    project.documents(&p).unwrap().into_iter().any(|m| m.stem == stem && any(&m.document.blocks))
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn part(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap_or_else(|_| panic!("{name} missing")).read_to_string(&mut s).unwrap();
    s
}

fn docxs(v: &[Artifact]) -> impl Iterator<Item = &Artifact> {
    v.iter().filter(|a| a.path.extension().unwrap() == "docx")
}

fn pdfs(v: &[Artifact]) -> impl Iterator<Item = &Artifact> {
    v.iter().filter(|a| a.path.extension().unwrap() == "pdf")
}

#[test]
fn same_input_gives_identical_bytes() {
    let a = all_artifacts();
    let b = all_artifacts();
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.path.file_name(), y.path.file_name());
        assert!(x.bytes == y.bytes, "{} differs between two builds", x.path.display());
    }
}

#[test]
fn docx_has_word_structure_and_properties() {
    let all = with_meta();
    for (a, meta) in all.iter().filter(|(a, _)| a.path.extension().unwrap() == "docx") {
        let name = a.path.display();
        let styles = part(&a.bytes, "word/styles.xml");
        assert!(styles.contains("w:styleId=\"Heading1\""), "{name}: Heading1 style");
        assert!(
            styles.contains("<w:outlineLvl w:val=\"0\"/>"),
            "{name}: outline level for the navigation pane"
        );
        assert!(styles.contains("<w:lang w:val=\"nb-NO\"/>"), "{name}: document language");
        let doc = part(&a.bytes, "word/document.xml");
        assert!(doc.contains("<w:pStyle w:val=\"Heading1\"/>"), "{name}: areas are Heading 1");
        // A document with a bulleted list has it as a real Word list (the
        // Stavanger report has none: its prize draw is a count, not names).
        if bulleted(&a.path) {
            assert!(
                doc.contains("<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"2\"/></w:numPr>"),
                "{name}: real Word lists"
            );
        }
        assert!(!common::docx_text(&a.bytes).contains('•'), "{name}: no bullet typed as text");
        if doc.contains("<w:tbl>") {
            assert!(doc.contains("<w:tblHeader/>"), "{name}: table header row repeats");
        }
        let numbering = part(&a.bytes, "word/numbering.xml");
        assert!(numbering.contains("w:abstractNumId=\"2\""), "{name}: bullet numbering defined");
        let footer = part(&a.bytes, "word/footer1.xml");
        assert!(footer.contains("PAGE") && footer.contains("NUMPAGES"), "{name}: page numbers in the footer");
        let core = part(&a.bytes, "docProps/core.xml");
        let title = format!("<dc:title>{}</dc:title>", xml_escape(&meta.title));
        assert!(core.contains(&title), "{name}: title in core.xml: {core}");
        assert!(core.contains("<dc:language>nb-NO</dc:language>"), "{name}: language in core.xml");
        let author = format!("<dc:creator>{}</dc:creator>", xml_escape(&meta.author));
        assert!(core.contains(&author), "{name}: author in core.xml");
    }
}

#[test]
fn bergen_docx_has_nested_lists() {
    let a = all_artifacts();
    let bergen = docxs(&a).find(|a| a.path.to_string_lossy().contains("bergen")).unwrap();
    assert!(part(&bergen.bytes, "word/document.xml").contains("<w:ilvl w:val=\"1\"/>"));
}

#[test]
fn pdf_is_tagged_pdfa_with_title_and_language() {
    let all = with_meta();
    for (a, meta) in all.iter().filter(|(a, _)| a.path.extension().unwrap() == "pdf") {
        let text = String::from_utf8_lossy(&a.bytes);
        let name = a.path.display();
        assert!(text.starts_with("%PDF-1.7"), "{name}: PDF 1.7 header");
        assert!(text.contains("<pdfaid:part>2</pdfaid:part>"), "{name}: PDF/A-2");
        assert!(text.contains("<pdfaid:conformance>A</pdfaid:conformance>"), "{name}: level A (tagged)");
        assert!(text.contains("/StructTreeRoot"), "{name}: structure tree");
        assert!(text.contains("<pdfuaid:part>1</pdfuaid:part>"), "{name}: PDF/UA-1 too");
        assert!(text.contains("/DisplayDocTitle true"), "{name}: viewers show the title, not the file name");
        assert!(text.contains("<dc:language><rdf:Bag><rdf:li>nb-NO</rdf:li>"), "{name}: language nb-NO");
        let title =
            format!("<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li>", xml_escape(&meta.title));
        assert!(text.contains(&title), "{name}: title");
    }
}

#[test]
#[ignore = "needs pdffonts (poppler-utils)"]
fn pdf_embeds_the_house_font() {
    common::need("pdffonts", &["-v"]);
    for a in pdfs(&all_artifacts()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.pdf");
        std::fs::write(&path, &a.bytes).unwrap();
        let out = Command::new("pdffonts").arg(&path).output().unwrap();
        let list = String::from_utf8_lossy(&out.stdout);
        assert!(list.contains("Carlito") || list.contains("LiberationSans"), "{list}");
        for line in list.lines().skip(2) {
            assert!(line.contains(" yes "), "every font embedded: {line}");
        }
    }
}

#[test]
#[ignore = "needs openxml-audit (pip)"]
fn docx_passes_an_independent_ooxml_validator() {
    common::need("openxml-audit", &["--help"]);
    for a in docxs(&all_artifacts()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(a.path.file_name().unwrap());
        std::fs::write(&path, &a.bytes).unwrap();
        let out = Command::new("openxml-audit").args(["-m", "0"]).arg(&path).output().unwrap();
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && report.contains("Errors: 0"), "{}:\n{report}", a.path.display());
    }
}

#[test]
#[ignore = "needs soffice (LibreOffice)"]
fn libreoffice_opens_every_docx() {
    common::need("soffice", &["--version"]);
    let dir = tempfile::tempdir().unwrap();
    let artifacts = all_artifacts();
    let mut inputs = Vec::new();
    for a in docxs(&artifacts) {
        // Two networks may both have arsplan-2025.docx: name each by its folders.
        let parts: Vec<String> =
            a.path.iter().rev().take(3).map(|p| p.to_string_lossy().to_string()).collect();
        let path = dir.path().join(format!("{}-{}-{}", parts[2], parts[1], parts[0]));
        std::fs::write(&path, &a.bytes).unwrap();
        inputs.push(path);
    }
    let profile = format!("-env:UserInstallation=file://{}/lo-profile", dir.path().display());
    let out = Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", "txt:Text (encoded):UTF8", "--outdir"])
        .arg(dir.path().join("txt"))
        .args(&inputs)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for (input, a) in inputs.iter().zip(docxs(&artifacts)) {
        let txt = dir.path().join("txt").join(input.with_extension("txt").file_name().unwrap());
        let text = std::fs::read_to_string(&txt)
            .unwrap_or_else(|_| panic!("LibreOffice did not convert {}", input.display()));
        // LibreOffice read the same words we wrote.
        let (recall, _) = common::fidelity(&common::docx_text(&a.bytes), &text);
        assert!(recall > 0.98, "{}: LibreOffice read {:.1} % of the words", input.display(), recall * 100.0);
    }
}

#[test]
fn the_header_shows_the_trust_and_never_placeholder_text() {
    for a in all_artifacts() {
        let name = a.path.display().to_string();
        let raw = String::from_utf8_lossy(&a.bytes).to_lowercase();
        assert!(!raw.contains("plassholder"), "{name}");
        if a.path.extension().unwrap() == "docx" {
            let header = part(&a.bytes, "word/header1.xml");
            let expected = ["Helse Stavanger", "Helse Bergen", "Ahus", "Helse Vest"];
            assert!(expected.iter().any(|e| header.contains(e)), "{name}: the typographic mark: {header}");
            if name.contains("stavanger") {
                assert!(header.contains("Kreftomsorg Rogaland"), "{name}: Helse Stavanger's second mark");
            }
        }
    }
}

#[test]
fn a_text_after_a_table_block_stays_a_paragraph() {
    // Bergen's plan: «Dato for vårens samling ...» follows the group table.
    let out = tempfile::tempdir().unwrap();
    let project = common::project(out.path());
    let p = project.prepare("bergen", 2025).unwrap();
    let doc = project.documents(&p).unwrap().remove(0).document;
    let i = doc
        .blocks
        .iter()
        .position(|b| matches!(b, arsplan::doc::Block::Table(t) if t.rows.len() > 5))
        .expect("the group table");
    let arsplan::doc::Block::Table(t) = &doc.blocks[i] else { unreachable!() };
    assert!(!t.rows.iter().flatten().flatten().any(|c| c.plain().contains("Dato for vårens samling")));
    let next = &doc.blocks[i + 1];
    assert!(
        matches!(next, arsplan::doc::Block::Paragraph(_)) && next.plain().contains("Dato for vårens samling"),
        "{next:?}"
    );
}
