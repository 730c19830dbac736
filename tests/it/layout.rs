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
        if render::nearly_empty_last_page(&fitted.pages, &fitted.theme) {
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
            words(&String::from_utf8_lossy(&out.stdout)).into_iter().collect()
        })
        .collect()
}

/// The words of a text, lowercase, of two letters or more.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 1)
        .map(str::to_lowercase)
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
    let mut pdf_words = Vec::new();
    for (n, y) in project.targets(&Default::default()).unwrap() {
        let p = project.prepare(&n, y).unwrap();
        for m in project.documents(&p).unwrap() {
            let both = render::render(&m.document, &p.theme, &p.assets, &[Format::Docx]).unwrap();
            let i = docs.len();
            std::fs::write(dir.path().join(format!("d{i}.docx")), &both[0].1).unwrap();
            // The PDF's words as laid out, page by page (the text of a picture,
            // such as the årshjul's, is the picture's, in either format).
            let fitted = render::fit(&m.document, &p.theme, &p.assets).unwrap();
            let mut pages: Vec<std::collections::BTreeSet<String>> =
                vec![Default::default(); fitted.pages.pages().len()];
            for r in pages::runs(&fitted.pages, &fitted.theme) {
                pages[r.page].extend(words(&r.text));
            }
            pdf_words.push(pages);
            docs.push(format!("{n}/{y}/{}", m.stem));
        }
    }
    assert!(docs.len() >= 10, "every example document: {}", docs.len());
    let inputs: Vec<_> = (0..docs.len()).map(|i| dir.path().join(format!("d{i}.docx"))).collect();
    libreoffice_pdfs(dir.path(), &inputs);
    let mut report = Vec::new();
    let mut failed = false;
    for (i, name) in docs.iter().enumerate() {
        let pdf = &pdf_words[i];
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

/// The look of a heading in a house style: (size, colour, bold, italic).
fn look(theme: &arsplan::theme::Theme, level: u8, class: Option<&str>) -> (String, String, bool, bool) {
    let st = class.and_then(|c| theme.classes.get(c)).cloned().unwrap_or_else(|| theme.heading(level));
    (
        format!("{:.1}", st.size.unwrap_or(theme.font_size)),
        theme.color(st.color.as_deref().unwrap_or("tekst")),
        st.bold,
        st.italic,
    )
}

#[test]
fn every_heading_level_looks_different_from_the_next() {
    let out = tempfile::tempdir().unwrap();
    let project = common::project(out.path());
    let mut reports = 0;
    for (n, y) in project.targets(&Default::default()).unwrap() {
        let p = project.prepare(&n, y).unwrap();
        for m in project.documents(&p).unwrap() {
            let name = format!("{n}/{y}/{}", m.stem);
            let mut looks: std::collections::BTreeMap<u8, std::collections::BTreeSet<_>> = Default::default();
            let mut walk = vec![&m.document.blocks];
            while let Some(blocks) = walk.pop() {
                for b in blocks {
                    match b {
                        // Named styles that stand beside the levels (a sub-heading, a table's
                        // title) count as the level they are written at only when that level's
                        // own look is used there too; a sub-goal is a level of its own.
                        Block::Heading { level, class, .. }
                            if class.as_deref().is_none_or(|c| c == "delmal") =>
                        {
                            looks.entry(*level).or_default().insert(look(&p.theme, *level, class.as_deref()));
                        }
                        Block::Styled { blocks, .. } => walk.push(blocks),
                        _ => {}
                    }
                }
            }
            let levels: Vec<u8> = looks.keys().copied().collect();
            for (i, a) in levels.iter().enumerate() {
                for b in &levels[i + 1..] {
                    let same: Vec<_> = looks[a].intersection(&looks[b]).collect();
                    assert!(same.is_empty(), "{name}: level {a} and level {b} headings look alike: {same:?}");
                }
            }
            if m.stem.starts_with("arsrapport") {
                reports += 1;
                // The report's areas are level 2, in the house colour, larger than body text.
                let area = look(&p.theme, 2, None);
                assert_eq!(area.1, p.theme.color("primar"), "{name}: areas in the house colour");
                assert!(area.0.parse::<f32>().unwrap() > p.theme.font_size, "{name}: areas larger than text");
            }
        }
    }
    assert_eq!(reports, 3);
}

#[test]
fn what_belongs_together_never_breaks_at_a_line_end() {
    let months = arsplan::dates::MONTHS;
    let mut dates = 0;
    for (name, _, fitted, docx) in every_document() {
        // In the DOCX: a day and its month are joined by a no-break space.
        let xml = part(&docx, "word/document.xml");
        for m in months {
            for (i, _) in xml.match_indices(&format!(" {m}")) {
                let before = &xml[..i];
                let day = before.rsplit(|c: char| !c.is_ascii_digit() && c != '.').next().unwrap_or("");
                assert!(
                    !(day.ends_with('.')
                        && day.len() >= 2
                        && day[..day.len() - 1].chars().all(|c| c.is_ascii_digit())),
                    "{name}: «{day} {m}» with a plain space in the DOCX"
                );
            }
            dates += xml.matches(&format!(".\u{a0}{m}")).count();
        }
        // In the PDF: no line ends with what the next line's start belongs to.
        let lines = laid_lines(&pages::runs(&fitted.pages, &fitted.theme));
        for w in lines.windows(2) {
            let (end, start) = (w[0].1.trim_end(), w[1].1.trim_start());
            let last = end.rsplit(' ').next().unwrap_or("");
            let first = start.split(' ').next().unwrap_or("");
            let day = last.ends_with('.')
                && last.len() <= 3
                && last[..last.len() - 1].chars().all(|c| c.is_ascii_digit());
            let month = months.iter().any(|m| first.trim_end_matches([',', '.']) == *m);
            assert!(!(day && month), "{name}: «{last}» | «{first}»");
            assert!(
                !(first == "%" || (last == "Meld." && first.starts_with("St."))),
                "{name}: «{last}» | «{first}»"
            );
        }
    }
    assert!(dates > 10, "dates are joined: {dates}");
}

#[test]
fn tables_fit_their_content_alike_in_both_formats_and_short_values_stay_on_one_line() {
    for (name, doc, fitted, docx) in every_document() {
        // The same column widths in the DOCX grid and the PDF's source.
        let xml = part(&docx, "word/document.xml");
        let grid: Vec<f64> = xml
            .match_indices("<w:gridCol w:w=\"")
            .map(|(i, _)| xml[i + 16..].split('"').next().unwrap().parse::<f64>().unwrap() / 20.0)
            .collect();
        let source = render::pdf::source_with(&doc, &fitted.theme, &Default::default(), &fitted.hints);
        let typst: Vec<f64> = source
            .match_indices("#table(columns: (")
            .flat_map(|(i, _)| {
                let list = source[i + 17..].split(",)").next().unwrap().to_string();
                list.split(", ").map(|w| w.trim_end_matches("pt").parse::<f64>().unwrap()).collect::<Vec<_>>()
            })
            .collect();
        // A table split at a page break is two Typst tables with the same columns.
        let mut typst_tables = typst.clone();
        typst_tables.dedup();
        assert!(!grid.is_empty() || name.contains("strategi"), "{name}: tables");
        for w in &grid {
            assert!(
                typst.iter().any(|t| (t - w).abs() < 0.06),
                "{name}: a DOCX column of {w} pt is not in the PDF: {typst:?}"
            );
        }
        // A status, a number or a date never breaks inside its cell.
        let runs = pages::runs(&fitted.pages, &fitted.theme);
        let mut cells: std::collections::BTreeMap<usize, (std::collections::BTreeSet<i64>, String)> =
            Default::default();
        for r in runs.iter().filter(|r| r.body && r.cell.is_some()) {
            let e = cells.entry(r.cell.unwrap()).or_default();
            e.0.insert((r.y * 2.0).round() as i64);
            e.1.push_str(&r.text);
        }
        for (lines, text) in cells.values() {
            let short =
                ["gjennomført", "delvis gjennomført", "ikke gjennomført", "utsatt", "under målet", "nådd"];
            if short.contains(&text.trim())
                || text.trim().chars().all(|c| c.is_ascii_digit() || " %.,\u{a0}av–".contains(c))
            {
                assert_eq!(lines.len(), 1, "{name}: «{text}» broken in its cell");
            }
        }
    }
}

#[test]
fn no_table_leaves_a_row_alone_and_short_tables_stay_whole() {
    let mut unfixed = 0;
    for (name, doc, fitted, docx) in every_document() {
        let tables = render::autofit::tables(&doc.blocks);
        let headers: Vec<usize> = tables.iter().map(|t| t.header_rows.min(t.rows.len())).collect();
        let check = |pages: &typst_layout::PagedDocument, theme| -> Vec<String> {
            let runs = pages::runs(pages, theme);
            let mut bad = Vec::new();
            for (t, frags) in pages::table_fragments(&runs, &headers) {
                let body = tables[t].rows.len() - headers[t];
                if frags.len() > 1 && body <= render::KEEP_WHOLE_ROWS {
                    bad.push(format!("table {t} of {body} rows split over {} pages", frags.len()));
                }
                for (page, rows) in [frags.first(), frags.last()].into_iter().flatten() {
                    if frags.len() > 1 && rows.len() < render::MIN_ROWS_AT_BREAK {
                        bad.push(format!("table {t} leaves {} row(s) on page {}", rows.len(), page + 1));
                    }
                }
            }
            bad
        };
        let bad = check(&fitted.pages, &fitted.theme);
        assert!(bad.is_empty(), "{name}: {bad:?}");
        // Without the rules (one plain layout), some example breaks a table badly.
        // (Documents with pictures are laid out in the build; these have none to give.)
        if let Ok(plain) = render::pdf::layout(&doc, &fitted.theme, &Default::default()) {
            unfixed += check(&plain, &fitted.theme).len();
        }
        // The DOCX asks Word for the same: rows kept with the next.
        let xml = part(&docx, "word/document.xml");
        for tbl in xml.split("<w:tbl>").skip(1) {
            let tbl = &tbl[..tbl.find("</w:tbl>").unwrap_or(tbl.len())];
            let rows: Vec<&str> = tbl.split("<w:tr>").skip(1).collect();
            if rows.len() < 3 || tbl.contains("<w:tbl") {
                continue;
            }
            let kept = |r: &str| r.contains("<w:keepNext/>");
            let body = rows.len() - 1;
            assert!(kept(rows[0]) && kept(rows[1]), "{name}: the header and first row keep with the next");
            assert!(
                kept(rows[rows.len() - 2]) && !kept(rows[rows.len() - 1]),
                "{name}: the last two rows stay together"
            );
            if body <= render::KEEP_WHOLE_ROWS {
                assert!(
                    rows[..rows.len() - 1].iter().all(|r| kept(r)),
                    "{name}: a short table is kept whole"
                );
            }
        }
    }
    assert!(unfixed > 0, "the examples have tables a plain layout breaks badly");
}

#[test]
fn chart_labels_are_crossed_by_no_line_and_no_other_label() {
    let mut charts = 0;
    for (name, _, fitted, _) in every_document() {
        for c in pages::charts(&fitted.pages) {
            charts += 1;
            let overlap = |a: &(f64, f64, f64, f64, String), b: &(f64, f64, f64, f64, String)| {
                a.0 < b.2 - 0.5 && b.0 < a.2 - 0.5 && a.1 < b.3 - 0.5 && b.1 < a.3 - 0.5
            };
            for (i, a) in c.texts.iter().enumerate() {
                for b in &c.texts[i + 1..] {
                    assert!(!overlap(a, b), "{name}: chart labels «{}» and «{}» overlap", a.4, b.4);
                }
                for ((x0, y0), (x1, y1)) in &c.dashed {
                    let (l, r, t, b) = (x0.min(*x1), x0.max(*x1), y0.min(*y1), y0.max(*y1));
                    // Not only crossing: a label closer to the line than the
                    // line's half width and a visible gap touches it to the eye.
                    let clear = render::chart::CLEAR - 0.5;
                    let crosses = l <= a.2 + clear && r >= a.0 - clear && t <= a.3 && b >= a.1;
                    // The legend's sample of the line stands beside its words.
                    let sample = (r - l) > 5.0;
                    assert!(!crosses || sample, "{name}: the target line crosses «{}»", a.4);
                }
            }
            assert!(c.dashed.iter().any(|((_, y0), (_, y1))| (y1 - y0).abs() > 20.0) || c.texts.len() > 3);
            // Value labels one way per chart: all inside their bars (white) or all after them.
            let value = |t: &str| {
                let t = t.split('\u{a0}').next().unwrap_or(t);
                !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == ',') && !t.contains(' ')
            };
            // (The value axis's numbers are the lowest row of numbers.)
            let numbers: Vec<(f64, bool)> = c
                .texts
                .iter()
                .zip(&c.light)
                .filter(|(t, _)| value(&t.4))
                .map(|(t, light)| (t.1, *light))
                .collect();
            let axis = numbers.iter().map(|n| n.0).fold(f64::MIN, f64::max);
            let bars: Vec<bool> = numbers.iter().filter(|n| n.0 < axis - 1.0).map(|n| n.1).collect();
            assert!(bars.len() >= 3, "{name}: the value labels are seen: {bars:?}");
            assert!(
                bars.iter().all(|l| *l) || bars.iter().all(|l| !*l),
                "{name}: value labels are all inside their bars or all after them: {bars:?}"
            );
            let smallest = c.texts.iter().map(|t| t.3 - t.1).fold(f64::MAX, f64::min);
            assert!(smallest >= 8.0 - 1e-6, "{name}: chart text at least 8 pt: {smallest}");
        }
    }
    assert!(charts >= 6, "the reports' charts are seen: {charts}");
}

#[test]
fn titles_are_per_document_in_ordinary_case_and_the_cover_title_is_a_heading() {
    for (name, doc, fitted, _) in every_document() {
        let t = &doc.meta.title;
        let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
        assert!(letters.iter().any(|c| c.is_lowercase()), "{name}: title «{t}» in capitals");
        if name.contains("strategi") {
            assert!(t.starts_with("Strategi 2025-2029"), "{name}: «{t}»");
        }
        // The first heading on the first page is the document's title.
        let runs = pages::runs(&fitted.pages, &fitted.theme);
        let first = runs.iter().find(|r| r.body && r.heading.is_some()).unwrap();
        let title = doc.blocks.iter().find_map(|b| match b {
            Block::Title(c) => Some(Inline::plain(c)),
            _ => None,
        });
        if let Some(title) = title {
            let first = first.text.replace('\u{a0}', " ");
            assert!(title.starts_with(first.trim()), "{name}: «{first}» first heading, title «{title}»");
        }
    }
}

#[test]
fn the_closing_paragraph_and_the_signature_stay_together() {
    let mut seen = 0;
    for (name, doc, fitted, docx) in every_document() {
        let Some(i) =
            doc.blocks.iter().position(|b| matches!(b, Block::Styled { class, .. } if class == "signatur"))
        else {
            continue;
        };
        seen += 1;
        let runs: Vec<pages::Run> = pages::runs(&fitted.pages, &fitted.theme)
            .into_iter()
            .filter(|r| r.body)
            .map(|r| pages::Run { text: r.text.replace('\u{a0}', " "), ..r })
            .collect();
        let page_of = |text: &str| {
            runs.iter()
                .rev()
                .find(|r| text.contains(r.text.trim()) && r.text.trim().len() > 3)
                .map(|r| r.page)
        };
        let sig = doc.blocks[i].plain();
        let sig_pages: std::collections::BTreeSet<usize> = sig.lines().filter_map(page_of).collect();
        assert_eq!(sig_pages.len(), 1, "{name}: the signature on one page: {sig_pages:?}");
        if let Block::Paragraph(c) = &doc.blocks[i - 1] {
            let text = Inline::plain(c);
            let last_word = text.split_whitespace().last().unwrap();
            let page = runs.iter().rev().find(|r| r.text.contains(last_word)).map(|r| r.page);
            assert_eq!(page, sig_pages.first().copied(), "{name}: the closing paragraph with the signature");
        }
        // The DOCX: the signature's lines keep together, with the paragraph before.
        let xml = part(&docx, "word/document.xml");
        let sig_start = xml.find("StilSignatur").unwrap();
        let before = &xml[..sig_start];
        let prev_p = &before[before.rfind("<w:p>").unwrap()..];
        let prev_p = &prev_p[..prev_p.find("</w:p>").unwrap_or(prev_p.len())];
        let prev_p_open = &before[before[..before.rfind("<w:p>").unwrap()].rfind("<w:p>").unwrap_or(0)..];
        assert!(
            prev_p.contains("<w:keepNext/>") || prev_p_open.contains("<w:keepNext/>"),
            "{name}: {prev_p}"
        );
    }
    assert!(seen >= 5, "documents with a signature: {seen}");
}

/// The centres of the årshjul's meeting dots, in the SVG's units.
fn wheel_dots(svg: &str) -> Vec<(f64, f64)> {
    svg.split("</title><circle ")
        .skip(1)
        .map(|rest| {
            let attr = |name: &str| -> f64 {
                let at = rest.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                rest[at..].split('"').next().unwrap().parse().unwrap()
            };
            (attr("cx"), attr("cy"))
        })
        .collect()
}

#[test]
fn the_arshjul_dots_never_cover_each_other_and_its_key_is_whole() {
    let out = tempfile::tempdir().unwrap();
    let project = common::project(out.path());
    let mut years = 0;
    for (n, y) in project.targets(&Default::default()).unwrap() {
        let p = project.prepare(&n, y).unwrap();
        let svg = render::arshjul::svg(&p.year, &p.theme);
        let dots = wheel_dots(&svg);
        assert_eq!(dots.len(), p.year.meetings.len(), "{n} {y}: a dot per meeting");
        for (i, a) in dots.iter().enumerate() {
            for b in &dots[i + 1..] {
                let d = ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
                assert!(d >= 20.0, "{n} {y}: two dots {d:.1} apart cover each other");
            }
        }
        // The key names every meeting whole: its text, tags taken out, holds each name.
        let mut text = String::new();
        let mut inside = false;
        for c in svg.chars() {
            match c {
                '<' => {
                    inside = true;
                    text.push(' ');
                }
                '>' => inside = false,
                c if !inside => text.push(c),
                _ => {}
            }
        }
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(!text.contains('…'), "{n} {y}: nothing in the årshjul is cut");
        for m in &p.year.meetings {
            let name = m.group.clone().unwrap_or_else(|| m.title.clone());
            let name = arsplan::xml::escape(&name);
            assert!(
                text.contains(&format!("{} {name}", m.date.format("%d.%m"))),
                "{n} {y}: «{name}» whole in the key"
            );
        }
        years += 1;
    }
    assert!(years >= 6);
    // Spread along a ring: as little as they must, in order, about where they want to be.
    let placed = render::arshjul::spread(&[0.10, 0.10, 0.101, 0.5], 0.01);
    assert!((placed[1] - placed[0] - 0.01).abs() < 1e-9 && (placed[2] - placed[1] - 0.01).abs() < 1e-9);
    let (mean, wanted) = ((placed[0] + placed[1] + placed[2]) / 3.0, (0.10 + 0.10 + 0.101) / 3.0);
    assert!((mean - wanted).abs() < 1e-9, "{placed:?}");
    assert_eq!(placed[3], 0.5);
}

#[test]
fn a_house_style_can_put_the_arshjul_on_a_page_of_the_plan() {
    for (name, doc, fitted, docx) in every_document() {
        let on_page = name.starts_with("bergen/") && name.contains("arsplan");
        let runs = pages::runs(&fitted.pages, &fitted.theme);
        let last = fitted.pages.pages().len() - 1;
        let heading =
            runs.iter().any(|r| r.page == last && r.heading.is_some() && r.text.starts_with("Årshjul"));
        let xml = part(&docx, "word/document.xml");
        assert_eq!(heading, on_page, "{name}: the årshjul's page");
        assert_eq!(
            xml.contains("svgBlip"),
            on_page,
            "{name}: the årshjul as a picture (with its SVG) in the DOCX"
        );
        if on_page {
            // Alone on its page: the heading is the first body text there, and Word starts the page at it.
            let first = runs.iter().find(|r| r.page == last && r.body).unwrap();
            assert!(first.text.starts_with("Årshjul"), "{name}: «{}»", first.text);
            let at = xml.find("Årshjul").unwrap();
            assert!(
                xml[..at]
                    .rfind("<w:pageBreakBefore/>")
                    .is_some_and(|p| xml[p..at].matches("<w:p>").count() == 0),
                "{name}"
            );
            assert!(doc.blocks.iter().any(|b| matches!(b, Block::Image(i) if i.src == "arshjul.svg")));
        }
    }
}

#[test]
fn no_list_leaves_an_item_alone_and_lead_ins_stay_with_what_they_introduce() {
    let mut problems = Vec::new();
    let mut items = 0;
    for (name, _, fitted, docx) in every_document() {
        let runs = pages::runs(&fitted.pages, &fitted.theme);
        let margin = f64::from(fitted.theme.page.margin_left_mm) * 72.0 / 25.4;
        let lines = pages::body_lines(&runs, margin);
        items += lines.iter().filter(|l| l.kind == pages::LineKind::Item).count();
        for p in pages::lone_items_and_cut_lead_ins(&lines) {
            problems.push(format!("{name}: {p}"));
        }
        // The DOCX asks Word for the same: a longer list's first item and the
        // one before its last keep with the next.
        // (The body's lists: tables' cells left out.)
        let mut xml = part(&docx, "word/document.xml");
        while let Some(a) = xml.find("<w:tbl>") {
            let mut depth = 0;
            let mut at = a;
            let end = loop {
                let open = xml[at + 1..].find("<w:tbl>").map(|i| i + at + 1);
                let close = xml[at + 1..].find("</w:tbl>").map(|i| i + at + 1).unwrap();
                match open {
                    Some(o) if o < close => {
                        depth += 1;
                        at = o;
                    }
                    _ if depth > 0 => {
                        depth -= 1;
                        at = close;
                    }
                    _ => break close + 8,
                }
            };
            xml.replace_range(a..end, "<w:p></w:p>");
        }
        let paras: Vec<&str> = xml.split("<w:p>").skip(1).collect();
        let item = |p: &str| p.contains("<w:numPr>");
        let mut k = 0;
        while k < paras.len() {
            if !item(paras[k]) {
                k += 1;
                continue;
            }
            let from = k;
            while k < paras.len() && item(paras[k]) {
                k += 1;
            }
            let list: Vec<&str> =
                paras[from..k].iter().copied().filter(|p| p.contains("<w:ilvl w:val=\"0\"/>")).collect();
            if list.len() >= 3 {
                let kept = |p: &str| p.contains("<w:keepNext/>");
                if !kept(list[0]) || !kept(list[list.len() - 2]) {
                    problems.push(format!("{name}: a DOCX list's first item or the one before its last does not keep with the next"));
                }
            }
        }
    }
    assert!(items > 100, "list items are seen: {items}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The check finds what it looks for.
    let line = |page, text: &str, kind| pages::Line { page, text: text.into(), kind };
    use pages::LineKind::{Item, ItemMore, Other};
    let lone = [
        line(0, "Aktivitet:", Other),
        line(0, "• første", Item),
        line(1, "• andre", Item),
        line(1, "tekst", ItemMore),
        line(1, "• tredje", Item),
    ];
    assert_eq!(pages::lone_items_and_cut_lead_ins(&lone).len(), 1);
    let cut = [line(0, "Tekst", Other), line(0, "Fire av de fem:", Other), line(1, "• første", Item)];
    assert_eq!(pages::lone_items_and_cut_lead_ins(&cut).len(), 2);
}

#[test]
fn no_word_stands_alone_on_a_line_of_a_cell_while_the_table_has_room() {
    let mut cells_seen = 0;
    let mut problems = Vec::new();
    for (name, _, fitted, _) in every_document() {
        let runs = pages::runs(&fitted.pages, &fitted.theme);
        let mut cells: std::collections::BTreeMap<
            usize,
            std::collections::BTreeMap<(usize, i64), Vec<&pages::Run>>,
        > = Default::default();
        for r in runs.iter().filter(|r| r.body && r.cell.is_some()) {
            cells
                .entry(r.cell.unwrap())
                .or_default()
                .entry((r.page, (r.y * 2.0).round() as i64))
                .or_default()
                .push(r);
        }
        for lines in cells.values() {
            cells_seen += 1;
            let lines: Vec<String> = lines
                .values()
                .map(|l| {
                    let mut l = l.clone();
                    l.sort_by(|a, b| a.x.total_cmp(&b.x));
                    l.iter().map(|r| r.text.as_str()).collect()
                })
                .collect();
            // A line the paragraph goes on from (it ends in the space where
            // it broke) holds two words or more.
            for l in &lines {
                if l.ends_with(' ') && l.split(' ').filter(|w| !w.is_empty()).count() < 2 {
                    problems
                        .push(format!("{name}: «{l}» alone on a line of the cell «{}»", lines.join(" / ")));
                }
            }
        }
    }
    assert!(cells_seen > 200, "cells are seen: {cells_seen}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
