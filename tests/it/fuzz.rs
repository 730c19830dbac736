//! Property tests with a fixed seed and case count (so CI runs them in
//! seconds): the table loader turns any bytes into a table or a message,
//! never a panic; and any text in a cell comes out literally in the
//! documents, never as markup.

use std::time::{Duration, Instant};

use arsplan::load::table;

use crate::common;

/// SplitMix64: a small, fixed random source (the same cases on every run).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Bytes that look like a CSV file some of the time: delimiters, quotes, line
/// ends, Norwegian letters in UTF-8 and Windows-1252, byte-order marks,
/// control and zero bytes.
fn csv_like(rng: &mut Rng) -> Vec<u8> {
    const PIECES: &[&[u8]] = &[
        b";",
        b",",
        b"\"",
        b"\"\"",
        b"\n",
        b"\r\n",
        b"\r",
        b"ID",
        b"Dato",
        b"Tekst",
        b"x",
        b"12.11.2026",
        b" ",
        "ø".as_bytes(),
        b"\xf8",
        b"\xe5",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"\xfe\xff",
        b"\0",
        b"\x07",
        b"\x0b",
        b"\t",
        b"|",
        "{{ x }}".as_bytes(),
        b"\xc3",
        b"\xe2\x80",
        "\u{fffe}".as_bytes(),
    ];
    let n = rng.below(60);
    let mut out = Vec::new();
    for _ in 0..n {
        let piece: &[u8] = PIECES[rng.below(PIECES.len())];
        out.extend_from_slice(piece);
    }
    out
}

/// A real file with a few bytes changed, inserted or cut.
fn mutated(rng: &mut Rng, base: &[u8]) -> Vec<u8> {
    let mut b = base.to_vec();
    for _ in 0..1 + rng.below(6) {
        if b.is_empty() {
            break;
        }
        let i = rng.below(b.len());
        match rng.below(4) {
            0 => b[i] = rng.next() as u8,
            1 => b.insert(i, *rng.pick(b";,\"\n\0\xf8")),
            2 => b.truncate(i),
            _ => {
                b.remove(i);
            }
        }
    }
    b
}

#[test]
fn the_table_loader_gives_a_table_or_a_message_for_any_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("moter.csv");
    let real = std::fs::read(common::root().join("data/stavanger/2026/moter.csv")).unwrap();
    let mut rng = Rng(11);
    let start = Instant::now();
    let (mut tables, mut messages) = (0, 0);
    for case in 0..1500 {
        let bytes = if case % 2 == 0 { csv_like(&mut rng) } else { mutated(&mut rng, &real) };
        std::fs::write(&path, &bytes).unwrap();
        match std::panic::catch_unwind(|| table::read_csv(&path)) {
            Ok(Ok(_)) => tables += 1,
            Ok(Err(e)) => {
                messages += 1;
                let text = e.to_string();
                assert!(text.contains("moter.csv"), "case {case}: the message names the file: {text}");
                assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "case {case}: {text:?}");
            }
            Err(_) => panic!("case {case}: the loader panicked on {bytes:?}"),
        }
    }
    assert!(
        tables > 100 && messages > 100,
        "both outcomes are exercised: {tables} tables, {messages} messages"
    );
    assert!(start.elapsed() < Duration::from_secs(60), "took {:?}", start.elapsed());
}

#[test]
fn the_workbook_loader_gives_a_table_or_a_message_for_any_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("moter.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("Møter").unwrap();
    for (c, h) in ["ID", "Dato", "Type", "Tittel"].iter().enumerate() {
        ws.write(0, c as u16, *h).unwrap();
    }
    ws.write(1, 0, "fagdag").unwrap().write(1, 1, 46337.0).unwrap().write(1, 2, "fagdag").unwrap();
    ws.write(1, 3, "Årlig «fagdag»").unwrap();
    let real = wb.save_to_buffer().unwrap();
    let mut rng = Rng(12);
    let start = Instant::now();
    let (mut tables, mut messages) = (0, 0);
    for case in 0..300 {
        let bytes = if case == 0 { real.clone() } else { mutated(&mut rng, &real) };
        std::fs::write(&path, &bytes).unwrap();
        match std::panic::catch_unwind(|| table::read_xlsx(&path, "Møter")) {
            Ok(Ok(_)) => tables += 1,
            Ok(Err(e)) => {
                messages += 1;
                let text = e.to_string();
                assert!(text.contains("moter.xlsx"), "case {case}: {text}");
            }
            Err(_) => panic!("case {case}: the workbook loader panicked"),
        }
    }
    assert!(tables >= 1 && messages > 100, "{tables} tables, {messages} messages");
    assert!(start.elapsed() < Duration::from_secs(60), "took {:?}", start.elapsed());
}

/// Texts of markup characters, letters and spaces (no `{{`, `{%` or `{#`:
/// those start a small template in a cell, by design).
fn texts(n: usize) -> Vec<String> {
    const ALPHABET: &[&str] = &[
        "#", "*", "_", "$", "<", ">", "&", "[", "]", "(", ")", "\\", "`", "|", "!", "-", "+", "=", ".", "1.",
        "~", "^", "@", "\"", "'", "%", "/", ":", ";", ",", "{", "}", "a", "Z", "ø", "Å", "«", "»", "–", " ",
        " ", "#import", "<w:p>", "&amp;", "]]>", "--", "\\n",
    ];
    let mut rng = Rng(13);
    (0..n)
        .map(|_| {
            let len = 1 + rng.below(25);
            let mut t: String = (0..len).map(|_| *rng.pick(ALPHABET)).collect();
            while t.contains("{{") || t.contains("{%") || t.contains("{#") {
                t = t.replace("{{", "{ {").replace("{%", "{ %").replace("{#", "{ #");
            }
            let t = t.trim().to_string();
            if t.is_empty() {
                "x".into()
            } else {
                t
            }
        })
        .collect()
}

fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The Stavanger plan with one `tekst` row per text, as (DOCX, PDF).
fn documents_with(texts: &[String]) -> (Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    common::copy_examples(&data, &["stavanger"]);
    let plan = data.join("stavanger/2026/plan.csv");
    let mut text = std::fs::read_to_string(&plan).unwrap();
    for t in texts {
        text.push_str(&format!("tekst;\"{}\";;\n", t.replace('"', "\"\"")));
    }
    std::fs::write(&plan, text).unwrap();
    let project = common::with_data(data, dir.path().join("out"));
    common::stavanger_2026(&project)
}

#[test]
fn any_text_in_a_cell_comes_out_literally_in_the_docx() {
    let texts = texts(120);
    let docx = fold(&common::docx_text(&documents_with(&texts).0));
    for t in &texts {
        assert!(docx.contains(&fold(t)), "DOCX lacks «{t}»");
    }
}

#[test]
#[ignore = "needs pdftotext (poppler-utils)"]
fn any_text_in_a_cell_comes_out_literally_in_the_pdf() {
    let texts = texts(120);
    // The PDF breaks lines where it likes: compare without white space.
    let bare = |s: &str| s.split_whitespace().collect::<String>();
    let pdf = bare(&common::pdf_text(&documents_with(&texts).1));
    for t in &texts {
        assert!(pdf.contains(&bare(t)), "PDF lacks «{t}»");
    }
}
