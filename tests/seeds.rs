//! Fidelity: the text extracted from our own DOCX and PDF matches the seed
//! documents word for word (white space folded, bullet glyphs dropped).

mod common;

use common::{docx_text, fidelity, pdf_text, seed};

const MIN: f64 = 0.97;

fn build(network: &str, year: i32) -> (Vec<u8>, Vec<u8>) {
    let out = tempfile::tempdir().unwrap();
    let project = common::project(out.path());
    let prepared = project.prepare(network, year).unwrap();
    let artifacts = project.render(&prepared, &["docx", "pdf"]).unwrap();
    let get =
        |ext: &str| artifacts.iter().find(|a| a.path.extension().unwrap() == ext).unwrap().bytes.clone();
    (get("docx"), get("pdf"))
}

fn check(network: &str, year: i32, seed_file: &str) {
    let seed = seed(seed_file);
    let (docx, pdf) = build(network, year);
    let (recall, precision) = fidelity(&seed, &docx_text(&docx));
    println!(
        "{network} {year} DOCX: {:.1} % of seed words, {:.1} % of ours in the seed",
        recall * 100.0,
        precision * 100.0
    );
    assert!(recall >= MIN, "DOCX matches only {:.1} % of the seed's words", recall * 100.0);
    // Our tables repeat their column labels per area, which the seeds' extraction shows once.
    assert!(precision >= 0.95, "only {:.1} % of the DOCX's words are in the seed", precision * 100.0);
    if let Some(text) = pdf_text(&pdf) {
        let (recall, precision) = fidelity(&seed, &text);
        println!(
            "{network} {year} PDF:  {:.1} % of seed words, {:.1} % of ours in the seed",
            recall * 100.0,
            precision * 100.0
        );
        assert!(recall >= MIN, "PDF matches only {:.1} % of the seed's words", recall * 100.0);
        // Page footers ("Side 1 av 4") and table header rows repeated on every
        // page add words the seeds' extraction lacks.
        assert!(precision >= 0.90, "only {:.1} % of the PDF's words are in the seed", precision * 100.0);
    }
}

#[test]
fn stavanger_2026_reproduces_seed_001() {
    check("stavanger", 2026, "001-stavanger-arsplan-2026.txt");
}

#[test]
fn bergen_2025_reproduces_seed_002() {
    check("bergen", 2025, "002-bergen-arsplan-2025.txt");
}

#[test]
fn fidelity_measure_fails_on_a_different_text() {
    // The measure itself must be able to fail: another seed does not match.
    let (recall, _) = fidelity(&seed("001-stavanger-arsplan-2026.txt"), &seed("002-bergen-arsplan-2025.txt"));
    assert!(recall < 0.9, "recall {recall}");
}

#[test]
fn helse_vest_strategy_reproduces_seed_003() {
    check("helse-vest", 2025, "003-helse-vest-strategi-2025-2029.txt");
}

#[test]
fn ahus_handlingsplan_reproduces_seed_004() {
    check("ahus", 2024, "004-ahus-handlingsplan-2024-2026.txt");
}
