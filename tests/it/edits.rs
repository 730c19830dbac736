//! Nothing the leader owns is changed beyond the cell she edits, or lost:
//! workbooks made by openpyxl, LibreOffice and rust_xlsxwriter (charts,
//! pictures, comments, conditional formats, data validation, formulas across
//! sheets, a table, rich text, inline and shared strings) edited at every
//! cell of their table (every other zip entry byte for byte the same, in
//! the sheet only that cell); saves racing another program that replaces the
//! file; a linked moter.csv; an ASCII moter.csv taking «ø».

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use arsplan::edit::xlsx::{self, Cell, Problem};
use calamine::{Data, Reader};
use chrono::NaiveDate;

use crate::common;

/// A small PNG (a red block), made here.
fn picture() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, 20, 10);
        e.set_color(png::ColorType::Rgb);
        e.set_depth(png::BitDepth::Eight);
        let mut w = e.write_header().unwrap();
        w.write_image_data(&[200u8, 30, 30].repeat(200)).unwrap();
    }
    out
}

/// A meetings workbook from rust_xlsxwriter with everything but the table.
fn xlsxwriter_book() -> Vec<u8> {
    use rust_xlsxwriter::*;
    let mut book = Workbook::new();
    let bold = Format::new().set_bold().set_background_color("#FFD966");
    let date = Format::new().set_num_format("dd.mm.yyyy");
    let ws = book.add_worksheet();
    ws.set_name("Møter").unwrap();
    for (c, h) in ["ID", "Dato", "Start", "Type", "Tittel", "Sted", "Tema"].iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold).unwrap();
    }
    let rows = [
        ("intro", (2026, 1, 29), "9.00", "introduksjonskurs", "Sola"),
        ("sandnes_var", (2026, 4, 16), "09:00", "nettverksmøte", ""),
        ("fagdag", (2026, 11, 12), "", "fagdag", "Stavanger"),
    ];
    for (i, (id, (y, m, d), start, kind, place)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, *id).unwrap();
        ws.write_datetime_with_format(r, 1, ExcelDateTime::from_ymd(*y, *m, *d).unwrap(), &date).unwrap();
        if !start.is_empty() {
            ws.write_string(r, 2, *start).unwrap();
        }
        ws.write_string(r, 3, *kind).unwrap();
        if !place.is_empty() {
            ws.write_string(r, 5, *place).unwrap();
        }
    }
    let red = Format::new().set_bold().set_font_color("#C00000");
    ws.write_rich_string(2, 4, &[(&red, "Nettverks"), (&Format::default(), "møte")]).unwrap();
    ws.insert_note(0, 0, &Note::new("Husk lokale")).unwrap();
    ws.add_conditional_format(
        1,
        1,
        100,
        1,
        &ConditionalFormatCell::new().set_rule(ConditionalFormatCellRule::LessThan(45000)).set_format(&bold),
    )
    .unwrap();
    ws.add_data_validation(
        1,
        3,
        100,
        3,
        &DataValidation::new().allow_list_strings(&["fagdag", "kurs"]).unwrap(),
    )
    .unwrap();
    ws.insert_image(1, 9, &Image::new_from_buffer(&picture()).unwrap()).unwrap();
    ws.set_freeze_panes(1, 0).unwrap();
    let notes = book.add_worksheet();
    notes.set_name("Notater").unwrap();
    notes.write_string(0, 0, "Antall").unwrap();
    notes.write_number(1, 0, 12).unwrap();
    notes.write_number(2, 0, 30).unwrap();
    notes.write_string(0, 1, "Dobbel").unwrap();
    notes.write_formula(1, 1, "=Notater!A2*2").unwrap();
    notes.write_formula(2, 1, "=Møter!B2+7").unwrap();
    notes.add_table(0, 0, 2, 1, &Table::new()).unwrap();
    let mut chart = Chart::new(ChartType::Column);
    chart.add_series().set_values("Notater!$A$2:$A$3");
    notes.insert_chart(1, 3, &chart).unwrap();
    notes.insert_image(20, 3, &Image::new_from_buffer(&picture()).unwrap()).unwrap();
    book.save_to_buffer().unwrap()
}

/// The openpyxl workbook (tests/fixtures/xlsx/openpyxl_book.py).
fn openpyxl_book(dir: &Path) -> Vec<u8> {
    common::need("python3", &["-c", "import openpyxl, PIL"]);
    let pic = dir.join("bilde.png");
    std::fs::write(&pic, picture()).unwrap();
    let out = dir.join("openpyxl.xlsx");
    let st = Command::new("python3")
        .arg(common::root().join("tests/fixtures/xlsx/openpyxl_book.py"))
        .arg(&out)
        .arg(&pic)
        .status()
        .unwrap();
    assert!(st.success());
    std::fs::read(out).unwrap()
}

/// A workbook saved again by LibreOffice Calc (shared strings, its own styles).
fn libreoffice_book(dir: &Path, from: &[u8]) -> Vec<u8> {
    common::need("soffice", &["--version"]);
    let src = dir.join("lo-kilde.xlsx");
    std::fs::write(&src, from).unwrap();
    let out = dir.join("lo");
    let st = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", dir.join("lo-profil").display()))
        .args(["--headless", "--calc", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir"])
        .arg(&out)
        .arg(&src)
        .output()
        .unwrap();
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    std::fs::read(out.join("lo-kilde.xlsx")).unwrap()
}

/// Every entry of a zip: name, compressed bytes, crc, time, method.
fn raw_entries(bytes: &[u8]) -> Vec<(String, Vec<u8>, u32, String)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index_raw(i).unwrap();
            let mut v = Vec::new();
            f.read_to_end(&mut v).unwrap();
            (f.name().to_string(), v, f.crc32(), format!("{:?} {:?}", f.last_modified(), f.compression()))
        })
        .collect()
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// The sheet's XML without cell `reference` (and without the used range
/// and row spans, which grow when a cell is added outside them).
fn without_cell(xml: &str, reference: &str) -> String {
    let mut s = xml.to_string();
    for open in [format!("<c r=\"{reference}\""), format!("<x:c r=\"{reference}\"")] {
        if let Some(i) = s.find(&open) {
            let rest = &s[i..];
            let tag_end = rest.find('>').unwrap();
            let end = if rest.as_bytes()[tag_end - 1] == b'/' {
                tag_end + 1
            } else {
                rest.find("</c>")
                    .or_else(|| rest.find("</x:c>"))
                    .map(|j| j + rest[j..].find('>').unwrap() + 1)
                    .unwrap()
            };
            s.replace_range(i..i + end, "");
        }
    }
    // A row added to hold the cell is empty without it.
    let row = reference.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    s = s.replace(&format!("<row r=\"{row}\"></row>"), "");
    let mut out = String::new();
    let mut rest = s.as_str();
    // Drop spans="…" and the dimension element.
    while let Some(i) = rest.find(" spans=\"") {
        out.push_str(&rest[..i]);
        let j = rest[i + 8..].find('"').unwrap() + i + 9;
        rest = &rest[j..];
    }
    out.push_str(rest);
    if let (Some(i), Some(j)) =
        (out.find("<dimension"), out.find("<dimension").and_then(|i| out[i..].find("/>").map(|j| i + j + 2)))
    {
        out.replace_range(i..j, "");
    }
    out
}

/// The sheet part of a workbook's sheet named `name`.
fn sheet_part(bytes: &[u8], name: &str) -> String {
    let book = part(bytes, "xl/workbook.xml");
    let at = book.find(&format!("name=\"{name}\"")).unwrap();
    let tag = &book[at..at + book[at..].find('>').unwrap()];
    let id = tag.split("r:id=\"").nth(1).unwrap().split('"').next().unwrap();
    let rels = part(bytes, "xl/_rels/workbook.xml.rels");
    let rel = rels.split("<Relationship ").find(|r| r.contains(&format!("Id=\"{id}\""))).unwrap();
    let target = rel.split("Target=\"").nth(1).unwrap().split('"').next().unwrap();
    match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("xl/{target}"),
    }
}

fn values(bytes: &[u8], sheet: &str) -> calamine::Range<Data> {
    let mut b = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    b.worksheet_range(sheet).unwrap()
}

/// Edits every cell of rows 1-6, columns A-I of the sheet «Møter» with a
/// text and with a date, one at a time on the original, and checks each.
fn every_cell_edit_changes_only_that_cell(name: &str, book: &[u8]) -> (usize, usize) {
    let sheet = sheet_part(book, "Møter");
    let before_entries = raw_entries(book);
    let before_values = values(book, "Møter");
    let date = NaiveDate::from_ymd_opt(2026, 11, 19).unwrap();
    let (mut edits, mut styles_changed) = (0, 0);
    for row in 1..=6usize {
        for col in 0..=8usize {
            for value in [
                Cell::Text("Sola «nye» <kantine> & co_x0041_".into()),
                Cell::Date(date),
                Cell::Text(String::new()),
            ] {
                let reference = format!("{}{row}", xlsx::column_name(col));
                let out = match xlsx::set_cell(book, "Møter", row, col, &value) {
                    Ok(out) => out,
                    Err(Problem::Formula(f)) => panic!("{name} {reference}: no formula here ({f})"),
                    Err(e) => panic!("{name} {reference} {value:?}: {e}"),
                };
                edits += 1;
                let after_entries = raw_entries(&out);
                assert_eq!(before_entries.len(), after_entries.len(), "{name} {reference}");
                for (b, a) in before_entries.iter().zip(&after_entries) {
                    assert_eq!(b.0, a.0, "{name} {reference}: the entries keep their order");
                    if a.0 == sheet {
                        continue;
                    }
                    if a.0 == "xl/styles.xml" && b != a {
                        // Only a date in a cell whose style is no date style
                        // appends a cell format (and perhaps a number format).
                        assert!(
                            matches!(value, Cell::Date(_)),
                            "{name} {reference}: styles changed for text"
                        );
                        let (old, new) = (part(book, "xl/styles.xml"), part(&out, "xl/styles.xml"));
                        assert!(new.len() > old.len() && new.len() - old.len() < 400, "{name} {reference}");
                        styles_changed += 1;
                        continue;
                    }
                    assert!(b == a, "{name} {reference} {value:?}: {} changed", a.0);
                }
                let (old, new) = (part(book, &sheet), part(&out, &sheet));
                assert_eq!(
                    without_cell(&old, &reference),
                    without_cell(&new, &reference),
                    "{name} {reference} {value:?}: only that cell differs in the sheet"
                );
                // calamine reads the new value there and every other cell as before.
                let after = values(&out, "Møter");
                let at = (row as u32 - 1, col as u32);
                let got = after.get_value(at).cloned().unwrap_or(Data::Empty);
                match &value {
                    Cell::Text(t) if t.is_empty() => assert_eq!(got, Data::Empty, "{name} {reference}"),
                    Cell::Text(t) => assert_eq!(got, Data::String(t.clone()), "{name} {reference}"),
                    Cell::Date(d) => match got {
                        Data::DateTime(x) => {
                            assert_eq!(x.as_datetime().unwrap().date(), *d, "{name} {reference}")
                        }
                        other => panic!("{name} {reference}: a date cell, not {other:?}"),
                    },
                }
                for r in 0..8u32 {
                    for c in 0..10u32 {
                        if (r, c) != at {
                            let norm = |v: Option<&Data>| v.cloned().unwrap_or(Data::Empty);
                            assert_eq!(
                                norm(before_values.get_value((r, c))),
                                norm(after.get_value((r, c))),
                                "{name} {reference}: cell ({r}, {c})"
                            );
                        }
                    }
                }
            }
        }
    }
    (edits, styles_changed)
}

/// A formula cell is refused and the workbook stays as it was.
fn formulas_are_refused(name: &str, book: &[u8]) {
    match xlsx::set_cell(book, "Notater", 2, 1, &Cell::Text("x".into())) {
        Err(Problem::Formula(f)) => assert!(f.contains("A2*2"), "{name}: {f}"),
        other => panic!("{name}: a formula is refused, got {:?}", other.map(|b| b.len())),
    }
}

#[test]
fn a_rust_xlsxwriter_workbook_changes_only_the_edited_cell() {
    let book = xlsxwriter_book();
    let (edits, styles) = every_cell_edit_changes_only_that_cell("rust_xlsxwriter", &book);
    formulas_are_refused("rust_xlsxwriter", &book);
    eprintln!("rust_xlsxwriter: {edits} edits, {styles} added a date style");
    assert!(styles > 0 && styles < edits);
}

#[test]
#[ignore = "needs python3 with openpyxl and Pillow, and LibreOffice Calc"]
fn openpyxl_and_libreoffice_workbooks_change_only_the_edited_cell() {
    let dir = tempfile::tempdir().unwrap();
    let op = openpyxl_book(dir.path());
    let lo = libreoffice_book(dir.path(), &op);
    assert!(part(&lo, "xl/sharedStrings.xml").contains("Sola"), "LibreOffice writes shared strings");
    for (name, book) in [("openpyxl", &op), ("LibreOffice", &lo)] {
        let (edits, styles) = every_cell_edit_changes_only_that_cell(name, book);
        formulas_are_refused(name, book);
        eprintln!("{name}: {edits} edits, {styles} added a date style");
    }
    // Independent readers see the edits: openpyxl, and LibreOffice opening
    // the edited workbook and saving the sheet as CSV.
    let date = NaiveDate::from_ymd_opt(2026, 11, 19).unwrap();
    for (name, book) in [("openpyxl", &op), ("LibreOffice", &lo)] {
        let mut b = xlsx::set_cell(book, "Møter", 4, 1, &Cell::Date(date)).unwrap();
        b = xlsx::set_cell(&b, "Møter", 3, 5, &Cell::Text("Sola «nye»".into())).unwrap();
        b = xlsx::set_cell(&b, "Møter", 3, 8, &Cell::Date(date)).unwrap();
        let path = dir.path().join(format!("redigert-{name}.xlsx"));
        std::fs::write(&path, &b).unwrap();
        let o = Command::new("python3")
            .args(["-c", "import openpyxl,sys; ws=openpyxl.load_workbook(sys.argv[1])['Møter']; print(ws['B4'].value.date(), ws['F3'].value, ws['I3'].value.date(), ws['I3'].number_format, ws['A2'].comment.text)"])
            .arg(&path)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success(), "{name}: {}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(text.trim(), "2026-11-19 Sola «nye» 2026-11-19 dd.mm.yyyy Husk lokale", "{name}");
        let out = dir.path().join(format!("csv-{name}"));
        let st = Command::new("soffice")
            .arg(format!("-env:UserInstallation=file://{}", dir.path().join("lo-profil").display()))
            .args([
                "--headless",
                "--convert-to",
                "csv:Text - txt - csv (StarCalc):59,34,76,1,,1044",
                "--outdir",
            ])
            .arg(&out)
            .arg(&path)
            .output()
            .unwrap();
        assert!(st.status.success());
        let csv = std::fs::read_to_string(out.join(format!("redigert-{name}.csv"))).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[3].starts_with("fagdag;19.11.2026"), "{name}: {csv}");
        assert!(lines[2].contains("Sola «nye»") && lines[2].ends_with("19.11.2026"), "{name}: {csv}");
    }
}

/// Copies the Stavanger example into a new project folder.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_examples(&dir.path().join("data"), &["stavanger"]);
    dir
}

fn moter(dir: &Path) -> PathBuf {
    dir.join("data/stavanger/2026/moter.csv")
}

fn row_of(path: &Path, id: &str) -> usize {
    let text = String::from_utf8_lossy(&std::fs::read(path).unwrap()).to_string();
    text.lines().position(|l| l.starts_with(&format!("{id};"))).unwrap() + 1
}

#[cfg(unix)]
#[test]
fn a_linked_moter_csv_is_edited_through_the_link() {
    let dir = project();
    let csv = moter(dir.path());
    let elsewhere = dir.path().join("delt/moter.csv");
    std::fs::create_dir_all(elsewhere.parent().unwrap()).unwrap();
    std::fs::rename(&csv, &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &csv).unwrap();
    let p = common::with_data(dir.path().join("data"), dir.path().join("output"));
    let sha = arsplan::manifest::sha256(&std::fs::read(&csv).unwrap());
    let row = row_of(&elsewhere, "fagdag");
    arsplan::edit::meeting(&p, "stavanger", 2026, row, "Dato", "19.11.2026", &sha).unwrap();
    assert!(std::fs::symlink_metadata(&csv).unwrap().file_type().is_symlink(), "the link stays a link");
    assert!(std::fs::read_to_string(&elsewhere).unwrap().contains("fagdag;19.11.2026"));
    let left: Vec<_> =
        std::fs::read_dir(elsewhere.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 1, "no temporary file beside the real file: {left:?}");
}

#[test]
fn an_ascii_moter_csv_takes_a_norwegian_letter_in_windows_1252() {
    let dir = project();
    let csv = moter(dir.path());
    // Only ASCII, CRLF, as Norwegian Excel's «CSV (semikolondelt)» saves it.
    let text: String = std::fs::read_to_string(&csv).unwrap().chars().filter(char::is_ascii).collect();
    std::fs::write(&csv, text.replace('\n', "\r\n")).unwrap();
    let before = std::fs::read(&csv).unwrap();
    let p = common::with_data(dir.path().join("data"), dir.path().join("output"));
    let row = row_of(&csv, "fagdag");
    let sha = arsplan::manifest::sha256(&before);
    arsplan::edit::meeting(&p, "stavanger", 2026, row, "Sted", "Tromsø", &sha).unwrap();
    let after = std::fs::read(&csv).unwrap();
    assert!(after.windows(6).any(|w| w == b"Troms\xf8"), "ø as Windows-1252");
    assert!(std::str::from_utf8(&after).is_err(), "not UTF-8: Excel would show Ã¸");
    let t = arsplan::load::table::read_csv(&csv).unwrap();
    assert!(t.rows.iter().any(|r| r.cells.iter().any(|c| c == "Tromsø")));
}

#[test]
fn a_csv_saved_by_excel_for_mac_numbers_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("moter.csv");
    std::fs::write(&path, "ID;Dato\rintro;29.01.2026\r\rfagdag;31.02.2026\r").unwrap();
    let t = arsplan::load::table::read_csv(&path).unwrap();
    let rows: Vec<usize> = t.rows.iter().map(|r| r.number).collect();
    assert_eq!(rows, [2, 4]);
}

/// Another program (Excel, OneDrive) that saves moter.csv as such programs
/// do, a temporary file renamed over it, when told to: `go <µs> <n>` on
/// its standard input; it answers `done` once the file is in place.
const OTHER_PROGRAM: &str = r#"
import os, sys, time
path, text = sys.argv[1], open(sys.argv[1], encoding="utf-8").read()
for line in sys.stdin:
    _, wait, n = line.split()
    time.sleep(int(wait) / 1e6)
    tmp = path + ".excel-tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(text.replace("Etiske og juridiske", "ute-" + n))
    os.replace(tmp, path)
    print("done", flush=True)
"#;

#[test]
#[ignore = "needs python3"]
fn saves_racing_another_program_lose_none_of_its_saves() {
    use std::io::{BufRead, Write};
    common::need("python3", &["--version"]);
    let dir = project();
    let csv = moter(dir.path());
    let base = std::fs::read(&csv).unwrap();
    assert!(String::from_utf8_lossy(&base).contains("Etiske og juridiske"));
    let p = common::with_data(dir.path().join("data"), dir.path().join("output"));
    let row = row_of(&csv, "fagdag");
    let sha = arsplan::manifest::sha256(&base);
    // How long an edit takes here, to spread the other saves over it.
    let started = std::time::Instant::now();
    for _ in 0..5 {
        std::fs::write(&csv, &base).unwrap();
        arsplan::edit::meeting(&p, "stavanger", 2026, row, "Dato", "19.11.2026", &sha).unwrap();
    }
    let took = started.elapsed().as_micros() as u64 / 5;
    std::fs::write(&csv, &base).unwrap();
    let mut other = Command::new("python3")
        .args(["-c", OTHER_PROGRAM])
        .arg(&csv)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut tell = other.stdin.take().unwrap();
    let mut answers = std::io::BufReader::new(other.stdout.take().unwrap());
    let tries = 1000u64;
    let (mut lost, mut written, mut stale) = (0, 0, 0);
    let mut seed = 0x5EED_u64;
    for n in 0..tries {
        std::fs::write(&csv, &base).unwrap();
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let wait = (seed >> 33) % (took * 12 / 10 + 1);
        writeln!(tell, "go {wait} {n}").unwrap();
        tell.flush().unwrap();
        match arsplan::edit::meeting(&p, "stavanger", 2026, row, "Dato", "19.11.2026", &sha) {
            Ok(_) => written += 1,
            Err(arsplan::edit::Refused::Stale(_)) => stale += 1,
            Err(e) => panic!("try {n}: {e:?}"),
        }
        let mut line = String::new();
        answers.read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "done");
        let now = String::from_utf8_lossy(&std::fs::read(&csv).unwrap()).to_string();
        if !now.contains(&format!("ute-{n}")) {
            lost += 1;
        }
    }
    drop(tell);
    let _ = other.wait();
    eprintln!(
        "{tries} saves raced by another program (edit ≈ {took} µs): {written} written, {stale} refused as changed, {lost} outside saves lost"
    );
    assert_eq!(lost, 0, "another program's save was lost");
    let left: Vec<_> = std::fs::read_dir(csv.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".arsplan-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
