//! Text from data goes in as text: markup characters and a Typst import line
//! come out as those characters in every format.

mod common;

const NASTY: &str = r#"Navn med # * _ $ < & [ ] \ og `x` | tegn"#;
const IMPORT: &str = r#"#import "x""#;

fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn markup_characters_print_literally_in_docx_and_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    common::copy_examples(&data, &["stavanger"]);
    let plan = data.join("stavanger/2026/plan.csv");
    let mut text = std::fs::read_to_string(&plan).unwrap();
    text = text.replacen(
        "aktivitet;Tema for årlig fagdag;",
        &format!("aktivitet;{};\naktivitet;{};\naktivitet;<w:p>*fet*;", csv_field(NASTY), csv_field(IMPORT)),
        1,
    );
    std::fs::write(&plan, text).unwrap();
    let moter = data.join("stavanger/2026/moter.csv");
    let m =
        std::fs::read_to_string(&moter).unwrap().replace("Heldagssamling fysisk", "Samling [A] & $B$ _c_");
    std::fs::write(&moter, m).unwrap();
    let toml = data.join("stavanger/nettverk.toml");
    let t = std::fs::read_to_string(&toml).unwrap().replace("\"Sandnes + SUS\"", "\"Sandnes # SUS\"");
    std::fs::write(&toml, t).unwrap();
    let m = std::fs::read_to_string(&moter).unwrap().replace("Sandnes + SUS", "Sandnes # SUS");
    std::fs::write(&moter, m).unwrap();

    let project = arsplan::Project {
        data,
        templates: common::root().join("templates"),
        output: dir.path().join("out"),
    };
    let p = project.prepare("stavanger", 2026).unwrap();
    let a = project.render(&p, &["docx", "pdf"]).unwrap();
    let docx = fold(&common::docx_text(&a[0].bytes));
    let expected = [NASTY, IMPORT, "<w:p>*fet*", "Samling [A] & $B$ _c_", "Sandnes # SUS"];
    for e in expected {
        assert!(docx.contains(e), "DOCX lacks «{e}»");
    }
    if let Some(pdf) = common::pdf_text(&a[1].bytes) {
        let pdf = fold(&pdf);
        for e in expected {
            assert!(pdf.contains(e), "PDF lacks «{e}»:\n{pdf}");
        }
    }
}
