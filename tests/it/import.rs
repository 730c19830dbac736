//! `arsplan importer`: a Word plan back into data. The round trip over every
//! example year (import the DOCX arsplan made → the same outline, meetings
//! and texts), the refusals, and documents nobody here wrote: the seed texts
//! laid out by python-docx, pandoc and LibreOffice (tests/fixtures/import/),
//! imported, and arsplan's own document made from the result compared word
//! for word with the seed.

use std::collections::BTreeSet;
use std::path::Path;

use arsplan::compose::TextRenderer;
use arsplan::import::Options;
use arsplan::{Prepared, Project, Selection};

use crate::common;

/// A project in `dir` with the repository's templates (and the municipalities).
fn empty_project(dir: &Path) -> Project {
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::copy(common::root().join("data/kommuner.csv"), dir.join("data/kommuner.csv")).unwrap();
    common::with_data(dir.join("data"), dir.join("output"))
}

fn options(network: &str) -> Options {
    Options { network: network.into(), year: None, style: None, csv: false }
}

/// The plan's DOCX of a prepared year, made in memory.
fn plan_docx(project: &Project, p: &Prepared) -> Vec<u8> {
    let stem = p.year.stem();
    project
        .render(p, &["docx"])
        .unwrap()
        .into_iter()
        .find(|a| a.path.file_stem().is_some_and(|s| s.to_string_lossy() == stem))
        .unwrap()
        .bytes
}

/// Each outline row as a reader sees it: level, text with its templates
/// rendered, Gjelder, Ansvar and Frist.
fn outline(p: &Prepared) -> Vec<(String, String, String, String, String)> {
    let r = TextRenderer::new(&p.theme, p.year.year, &p.year.meetings);
    p.year
        .outline
        .iter()
        .map(|row| {
            (
                row.level.as_str().to_string(),
                r.render(&row.text, &row.loc).unwrap(),
                row.applies_to.map(|a| a.as_str()).unwrap_or("").to_string(),
                row.responsible.join(" | "),
                row.deadline.clone(),
            )
        })
        .collect()
}

/// The meetings a plan shows: those of the local groups' table, the
/// physio/OT table, and those its texts name. (date, group, title where shown)
fn shown_meetings(p: &Prepared) -> BTreeSet<(String, String, String)> {
    let blocks: Vec<&str> =
        p.year.outline.iter().filter(|r| r.level.as_str() == "blokk").map(|r| r.text.as_str()).collect();
    let texts: String = p
        .year
        .outline
        .iter()
        .map(|r| r.text.clone())
        .chain(p.year.meta.intro.iter().cloned())
        .collect::<Vec<_>>()
        .join("\n");
    p.year
        .meetings
        .iter()
        .filter_map(|m| {
            let date = m.date.format("%Y-%m-%d").to_string();
            let physio = m.applies_to.is_some_and(|a| a.as_str() == "fysio/ergo");
            if m.group.is_some() && blocks.contains(&"nettverksgrupper") {
                Some((date, m.group.clone().unwrap_or_default(), String::new()))
            } else if physio && blocks.contains(&"fysio_ergo_moter") {
                Some((date, String::new(), m.title.clone()))
            } else if texts.contains(&format!("{{{{ {}", m.id)) {
                Some((date, String::new(), String::new()))
            } else {
                None
            }
        })
        .collect()
}

/// A prose file as the documents read it (its Markdown parsed).
fn prose(p: &Prepared, name: &str) -> Option<String> {
    p.year
        .texts
        .iter()
        .find(|t| t.name == name)
        .map(|t| format!("{:?}", arsplan::compose::markdown::parse_prose(&t.text).unwrap()))
}

#[test]
fn every_example_year_comes_back_from_the_docx_arsplan_made() {
    let out = tempfile::tempdir().unwrap();
    let examples = common::project(out.path());
    let targets = examples.targets(&Selection::default()).unwrap();
    assert!(targets.len() >= 7, "{targets:?}");
    for (network, year) in targets {
        let original = examples.prepare(&network, year).unwrap();
        let docx = plan_docx(&examples, &original);
        let dir = tempfile::tempdir().unwrap();
        let project = empty_project(dir.path());
        let imported = project.import(&docx, &format!("{network}-{year}.docx"), &options(&network)).unwrap();
        let what = format!("{network} {year}");
        assert_eq!(imported.year, year, "{what}: the year from the title");
        let back = project.prepare(&network, year).unwrap();
        // The house style is guessed from the document.
        assert_eq!(back.year.profile.style, original.year.profile.style, "{what}: style");
        assert_eq!(back.year.meta.kind, original.year.meta.kind, "{what}: kind of document");
        assert_eq!(back.year.meta.period, original.year.meta.period, "{what}: period");
        // The outline, row by row (innsatsområder are not in the document).
        assert_eq!(outline(&back), outline(&original), "{what}: outline");
        // The meetings the document shows, and no others.
        let (shown, read) = (shown_meetings(&original), shown_meetings(&back));
        assert_eq!(read, shown, "{what}: meetings");
        assert_eq!(back.year.meetings.len(), shown.len(), "{what}: no meeting the document does not show");
        // The texts: profile, plan settings, prose.
        let r0 = TextRenderer::new(&original.theme, year, &original.year.meetings);
        let r1 = TextRenderer::new(&back.theme, year, &back.year.meetings);
        let loc = arsplan::diag::Location::file(Path::new("x"));
        let render =
            |r: &TextRenderer, v: &[String]| v.iter().map(|s| r.render(s, &loc).unwrap()).collect::<Vec<_>>();
        let (a, b) = (&original.year.profile, &back.year.profile);
        assert_eq!((&b.cover, &b.motto, &b.builds_on), (&a.cover, &a.motto, &a.builds_on), "{what}: cover");
        assert_eq!((&b.aim, &b.hallmarks), (&a.aim, &a.hallmarks), "{what}: aim");
        if original.year.outline.iter().any(|r| r.text == "nettverksgrupper") {
            assert_eq!(b.groups, a.groups, "{what}: groups");
        }
        let (m0, m1) = (&original.year.meta, &back.year.meta);
        assert_eq!(r1.render(&m1.title, &loc).unwrap(), r0.render(&m0.title, &loc).unwrap(), "{what}: title");
        assert_eq!(m1.subtitle, m0.subtitle, "{what}: subtitle");
        assert_eq!(render(&r1, &m1.intro), render(&r0, &m0.intro), "{what}: innledning");
        assert_eq!(
            m1.signature.as_ref().map(|s| r1.render(s, &loc).unwrap()),
            m0.signature.as_ref().map(|s| r0.render(s, &loc).unwrap()),
            "{what}: signature"
        );
        assert_eq!(m1.signatories, m0.signatories, "{what}: signatories");
        assert_eq!(m1.focus_areas, m0.focus_areas, "{what}: the areas' summary");
        let with_report = original.year.report.is_some();
        for t in &original.year.texts {
            let report_only = with_report && ["innledning", "veien-videre"].contains(&t.name.as_str());
            if !report_only {
                assert_eq!(prose(&back, &t.name), prose(&original, &t.name), "{what}: tekster/{}.md", t.name);
            }
        }
        for (name, table) in &original.year.tables {
            let theirs = back.year.tables.iter().find(|(n, _)| n == name).map(|(_, t)| t);
            let rows = |t: &arsplan::model::Table| t.rows.iter().map(|r| r.cells.clone()).collect::<Vec<_>>();
            assert_eq!(theirs.map(rows), Some(rows(table)), "{what}: {name}");
        }
        // And so the document made again says word for word what the first said.
        let again = plan_docx(&project, &back);
        assert_eq!(common::docx_text(&again), common::docx_text(&docx), "{what}: the document made again");
        assert_eq!(
            imported.kept,
            Some(1.0),
            "{what}: every word of the source is in the document made again"
        );
    }
}
