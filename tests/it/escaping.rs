//! Text from data goes in as text: markup characters and a Typst import line
//! come out as those characters in every format.

use crate::common;

const NASTY: &str = r#"Navn med # * _ $ < & [ ] \ og `x` | tegn"#;
const IMPORT: &str = r#"#import "x""#;

fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

const EXPECTED: [&str; 5] = [NASTY, IMPORT, "<w:p>*fet*", "Samling [A] & $B$ _c_", "Sandnes # SUS"];

/// The Stavanger plan with markup characters in every kind of cell, as (DOCX, PDF).
fn nasty_documents() -> (Vec<u8>, Vec<u8>) {
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

    let project = common::with_data(data, dir.path().join("out"));
    common::stavanger_2026(&project)
}

#[test]
fn markup_characters_print_literally_in_docx() {
    let docx = fold(&common::docx_text(&nasty_documents().0));
    for e in EXPECTED {
        assert!(docx.contains(e), "DOCX lacks «{e}»");
    }
}

#[test]
#[ignore = "needs pdftotext (poppler-utils)"]
fn markup_characters_print_literally_in_pdf() {
    let pdf = fold(&common::pdf_text(&nasty_documents().1));
    for e in EXPECTED {
        assert!(pdf.contains(e), "PDF lacks «{e}»:\n{pdf}");
    }
}
