//! Layout: every example document is checked as laid out, not as text alone —
//! from Typst's laid-out pages (no heading at the foot of a page, no table row
//! split across pages, no last page holding a line or two, no hyphenated
//! word) and from the DOCX XML (headings and labels kept with the next
//! paragraph, rows that cannot split, header rows that repeat, a footer in one
//! size and colour, no automatic hyphenation). With LibreOffice, the DOCX has
//! the PDF's pages: as many, each with the same words.

use std::io::Read;
use std::process::Command;

use arsplan::doc::{Block, Inline};
use arsplan::render::{self, pages, Format};

use crate::common;

/// Every example document: (name, its document, the fitted pages, the DOCX bytes).
fn every_document() -> Vec<(String, arsplan::doc::Document, render::Fitted, Vec<u8>)> {
    let out = tempfile::tempdir().unwrap();
    let project = common::project(out.path());
    let mut v = Vec::new();
    for (n, y) in project.targets(&Default::default()).unwrap() {
        let p = project.prepare(&n, y).unwrap();
        for m in project.documents(&p).unwrap() {
            let fitted = render::fit(&m.document, &p.theme, &p.assets).unwrap();
            let docx = render::render(&m.document, &p.theme, &p.assets, &[Format::Docx]).unwrap().remove(0).1;
            v.push((format!("{n}/{y}/{}", m.stem), m.document, fitted, docx));
        }
    }
    assert!(v.len() >= 10, "every example document: {}", v.len());
    v
}

fn part(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap_or_else(|_| panic!("{name} missing")).read_to_string(&mut s).unwrap();
    s
}

#[test]
fn pages_have_no_stranded_heading_no_split_row_and_no_nearly_empty_last_page() {
    let mut problems = Vec::new();
    for (name, _, fitted, _) in every_document() {
        let runs = pages::runs(&fitted.pages, &fitted.theme);
        // The checks see the headings and the table cells (or they could not fail).
        assert!(runs.iter().filter(|r| r.heading.is_some()).count() > 3, "{name}: headings are seen");
        let has_table = !pages::split_cells(&runs).is_empty() || runs.iter().any(|r| r.cell.is_some());
        assert!(has_table || name.contains("strategi"), "{name}: table cells are seen");
        for (page, heading) in pages::stranded_headings(&runs) {
            problems.push(format!("{name}: the heading «{heading}» ends page {}", page + 1));
        }
        for (page, cell) in pages::split_cells(&runs) {
            problems.push(format!("{name}: a table row starting «{cell}» breaks after page {}", page + 1));
        }
        let n = fitted.pages.pages().len();
        let last = pages::lines(&runs, n - 1).len();
        if n > 1 && last < render::LAST_PAGE_MIN_LINES {
            problems.push(format!("{name}: the last page (page {n}) holds only {last} lines"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_layout_checks_find_what_they_look_for() {
    // A last page with one line, laid out by Typst: found, and fitting removes it.
    let out = tempfile::tempdir().unwrap();
    let project = common::project(out.path());
    let p = project.prepare("stavanger", 2026).unwrap();
    let mut doc = project.documents(&p).unwrap().remove(0).document;
    let filler = |n: usize| -> Vec<Block> {
        (0..n).map(|i| Block::Paragraph(vec![Inline::Text(format!("Linje {i}"))])).collect()
    };
    let mut n = 20;
    let laid = loop {
        doc.blocks = filler(n);
        let laid = render::pdf::layout(&doc, &p.theme, &p.assets).unwrap();
        if laid.pages().len() == 2 {
            break laid;
        }
        n += 1;
    };
    let runs = pages::runs(&laid, &p.theme);
    assert_eq!(pages::lines(&runs, 1).len(), 1, "one line on the last page");
    assert!(render::nearly_empty_last_page(&laid, &p.theme));
    let fitted = render::fit(&doc, &p.theme, &p.assets).unwrap();
    assert_eq!(fitted.pages.pages().len(), 1, "a little less space between paragraphs keeps it on one page");
    assert!(fitted.theme.spacing.paragraph_pt < p.theme.spacing.paragraph_pt);
    // A heading whose text follows on the next page, and a cell on two pages.
    let run = |page, y, text: &str, heading, cell| pages::Run {
        page,
        y,
        x: 0.0,
        text: text.into(),
        body: true,
        heading,
        cell,
        table: None,
        row: None,
    };
    let stranded = [run(0, 700.0, "Overskrift", Some(1), None), run(1, 80.0, "Tekst", None, None)];
    assert_eq!(pages::stranded_headings(&stranded), vec![(0, "Overskrift".to_string())]);
    let kept = [run(0, 600.0, "Overskrift", Some(1), None), run(0, 620.0, "Tekst", None, None)];
    assert!(pages::stranded_headings(&kept).is_empty());
    let split = [run(0, 700.0, "Første", None, Some(3)), run(1, 80.0, "andre", None, Some(3))];
    assert_eq!(pages::split_cells(&split), vec![(0, "Førsteandre".to_string())]);
}

#[test]
fn no_number_is_glued_to_the_next_word() {
    let glued = regex_lite_glued();
    for (name, doc, _, docx) in every_document() {
        let text = common::docx_text(&docx);
        for line in text.lines() {
            assert!(!glued(line), "{name}: «{line}»");
        }
        let plain: String = doc.blocks.iter().map(|b| b.plain()).collect::<Vec<_>>().join("\n");
        assert!(!plain.lines().any(&glued), "{name}");
    }
}

/// A number followed directly by «av» (`17av 21`).
fn regex_lite_glued() -> impl Fn(&str) -> bool {
    |line: &str| {
        let chars: Vec<char> = line.chars().collect();
        chars.windows(3).any(|w| w[0].is_ascii_digit() && w[1] == 'a' && w[2] == 'v')
    }
}

#[test]
fn docx_keeps_headings_and_labels_with_what_follows_and_rows_whole() {
    for (name, _, _, docx) in every_document() {
        let styles = part(&docx, "word/styles.xml");
        for id in ["Title", "Heading1", "Heading2", "StilEtikett", "StilMellomtittel", "StilTabelltittel"] {
            let start =
                styles.find(&format!("w:styleId=\"{id}\"")).unwrap_or_else(|| panic!("{name}: style {id}"));
            let style = &styles[start..start + styles[start..].find("</w:style>").unwrap()];
            assert!(style.contains("<w:keepNext/>"), "{name}: {id} keeps with the next paragraph");
        }
        let doc = part(&docx, "word/document.xml");
        let rows = doc.matches("<w:tr>").count() + doc.matches("<w:tr ").count();
        assert_eq!(doc.matches("<w:cantSplit/>").count(), rows, "{name}: every row is kept whole");
        assert!(rows == 0 || doc.contains("<w:tblHeader/>"), "{name}: header rows repeat");
        // The footer: every run in one size and one colour, the page fields too.
        let footer = part(&docx, "word/footer1.xml");
        let sizes: Vec<&str> =
            footer.match_indices("<w:sz w:val=\"").map(|(i, _)| &footer[i + 13..i + 15]).collect();
        let runs = footer.matches("<w:r>").count();
        assert_eq!(sizes.len(), runs - 1, "{name}: every run but the tab has a size: {footer}");
        assert!(sizes.iter().all(|s| *s == sizes[0]), "{name}: one size in the footer");
        assert!(footer.contains("PAGE") && footer.contains("NUMPAGES"));
    }
}

#[test]
fn every_table_has_header_cells_and_the_title_and_sub_headings_are_headings() {
    for (name, doc, _, _) in every_document() {
        let mut tables = 0;
        let mut walk = vec![&doc.blocks];
        while let Some(blocks) = walk.pop() {
            for b in blocks {
                match b {
                    Block::Table(t) => {
                        tables += 1;
                        assert!(t.header_rows > 0, "{name}: a table without header cells: {:?}", b.plain());
                    }
                    Block::Styled { blocks, .. } => walk.push(blocks),
                    _ => {}
                }
            }
        }
        let _ = tables;
        if !name.contains("folgebrev") {
            assert!(doc.blocks.iter().any(|b| matches!(b, Block::Title(_))), "{name}: a title");
        }
    }
}

/// The laid-out lines of text: (page, the line's text), a line per baseline
/// of the body or of one table cell, left to right.
fn laid_lines(runs: &[pages::Run]) -> Vec<(usize, String)> {
    let mut lines: std::collections::BTreeMap<(usize, Option<usize>, i64), Vec<&pages::Run>> =
        Default::default();
    for r in runs.iter().filter(|r| r.body) {
        lines.entry((r.page, r.cell, (r.y * 2.0).round() as i64)).or_default().push(r);
    }
    lines
        .into_iter()
        .map(|((page, _, _), mut rs)| {
            rs.sort_by(|a, b| a.x.total_cmp(&b.x));
            (page, rs.iter().map(|r| r.text.as_str()).collect())
        })
        .collect()
}

/// Lines that end in a word broken by hyphenation (Typst marks the break
/// with a soft hyphen).
fn hyphenated(runs: &[pages::Run]) -> Vec<String> {
    laid_lines(runs).into_iter().filter(|(_, l)| l.trim_end().ends_with('\u{ad}')).map(|(_, l)| l).collect()
}

#[test]
fn no_word_is_hyphenated_unless_the_house_style_asks() {
    for (name, _, fitted, docx) in every_document() {
        let runs = pages::runs(&fitted.pages, &fitted.theme);
        let broken = hyphenated(&runs);
        assert!(broken.is_empty(), "{name}: hyphenated in the PDF: {broken:?}");
        let settings = part(&docx, "word/settings.xml");
        assert!(!settings.contains("autoHyphenation"), "{name}: the DOCX hyphenates: {settings}");
    }
    // A house style that asks for it hyphenates running text, never a table cell.
    let out = tempfile::tempdir().unwrap();
    let project = common::project(out.path());
    let p = project.prepare("stavanger", 2025).unwrap();
    let report =
        project.documents(&p).unwrap().into_iter().find(|m| m.stem.starts_with("arsrapport")).unwrap();
    let mut theme = (*p.theme).clone();
    theme.typography.hyphenate = true;
    let laid = render::pdf::layout(&report.document, &theme, &p.assets).unwrap();
    let runs = pages::runs(&laid, &theme);
    assert!(!hyphenated(&runs).is_empty(), "hyphenation on: some word in running text is broken");
    let in_cells: Vec<pages::Run> = runs.iter().filter(|r| r.cell.is_some()).cloned().collect();
    assert!(hyphenated(&in_cells).is_empty(), "never in a table cell: {:?}", hyphenated(&in_cells));
    let docx = render::render(&report.document, &theme, &p.assets, &[Format::Docx]).unwrap().remove(0).1;
    assert!(part(&docx, "word/settings.xml").contains("<w:autoHyphenation/>"));
    let doc = part(&docx, "word/document.xml");
    let cells = doc.matches("<w:tc>").count();
    assert!(
        cells > 0 && doc.matches("<w:suppressAutoHyphens/>").count() >= cells,
        "every cell paragraph suppresses it"
    );
}

/// Converts DOCX files with LibreOffice into PDFs beside them (same stem).
fn libreoffice_pdfs(dir: &std::path::Path, inputs: &[std::path::PathBuf]) {
    let profile = format!("-env:UserInstallation=file://{}/lo-profile", dir.display());
    let out = Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .args(inputs)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// The words of each page of a PDF (lowercase, as pdftotext reads them).
fn page_words(pdf: &std::path::Path) -> Vec<std::collections::BTreeSet<String>> {
    let info = Command::new("pdfinfo").arg(pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    let n: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(|n| n.trim().parse().unwrap())
        .unwrap_or_else(|| panic!("{}: no PDF", pdf.display()));
    (1..=n)
        .map(|i| {
            let page = i.to_string();
            let out = Command::new("pdftotext")
                .args(["-f", &page, "-l", &page, "-raw", "-enc", "UTF-8"])
                .arg(pdf)
                .arg("-")
                .output()
                .unwrap();
            String::from_utf8_lossy(&out.stdout)
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() > 1)
                .map(str::to_lowercase)
                .collect()
        })
        .collect()
}

#[test]
#[ignore = "needs soffice (LibreOffice), pdfinfo and pdftotext (poppler-utils)"]
fn docx_and_pdf_have_the_same_pages_with_the_same_words() {
    common::need("soffice", &["--version"]);
    common::need("pdfinfo", &["-v"]);
    common::need("pdftotext", &["-v"]);
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let project = common::project(out.path());
    let mut docs = Vec::new();
    for (n, y) in project.targets(&Default::default()).unwrap() {
        let p = project.prepare(&n, y).unwrap();
        for m in project.documents(&p).unwrap() {
            let both =
                render::render(&m.document, &p.theme, &p.assets, &[Format::Pdf, Format::Docx]).unwrap();
            let i = docs.len();
            std::fs::write(dir.path().join(format!("p{i}.pdf")), &both[0].1).unwrap();
            std::fs::write(dir.path().join(format!("d{i}.docx")), &both[1].1).unwrap();
            docs.push(format!("{n}/{y}/{}", m.stem));
        }
    }
    assert!(docs.len() >= 10, "every example document: {}", docs.len());
    let inputs: Vec<_> = (0..docs.len()).map(|i| dir.path().join(format!("d{i}.docx"))).collect();
    libreoffice_pdfs(dir.path(), &inputs);
    let mut report = Vec::new();
    let mut failed = false;
    for (i, name) in docs.iter().enumerate() {
        let pdf = page_words(&dir.path().join(format!("p{i}.pdf")));
        let docx = page_words(&dir.path().join(format!("d{i}.pdf")));
        // Each page's words in both, as the share of all words on that page
        // in either (Jaccard), page by page.
        let alike: Vec<f64> = (0..pdf.len().max(docx.len()))
            .map(|k| {
                let empty = Default::default();
                let (a, b) = (pdf.get(k).unwrap_or(&empty), docx.get(k).unwrap_or(&empty));
                a.intersection(b).count() as f64 / a.union(b).count().max(1) as f64
            })
            .collect();
        let worst = alike.iter().copied().fold(1.0, f64::min);
        failed |= pdf.len() != docx.len() || worst < 0.9;
        report.push(format!(
            "{name}: PDF {} pages, DOCX {} pages; words alike per page: {}",
            pdf.len(),
            docx.len(),
            alike.iter().map(|a| format!("{:.0} %", a * 100.0)).collect::<Vec<_>>().join(", ")
        ));
    }
    println!("{}", report.join("\n"));
    assert!(!failed, "every document: as many pages, each at least 90 % alike\n{}", report.join("\n"));
}
