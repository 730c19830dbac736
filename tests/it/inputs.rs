//! The same plan read from other spreadsheet forms gives the same documents:
//! Windows-1252 with commas, ISO dates, and an .xlsx workbook with Excel date cells.

use crate::common;

use std::path::Path;

/// Builds Stavanger 2026 from a copy of its data changed by `edit`; returns the DOCX and PDF.
fn build_with(edit: impl Fn(&Path)) -> Vec<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    common::copy_examples(&data, &["stavanger"]);
    edit(&data.join("stavanger/2026"));
    let project = common::with_data(data, dir.path().join("out"));
    let p = project.prepare("stavanger", 2026).unwrap();
    project
        .render(&p, &[arsplan::Format::Docx, arsplan::Format::Pdf])
        .unwrap()
        .into_iter()
        .map(|a| a.bytes)
        .collect()
}

fn records(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new().delimiter(b';').has_headers(false).from_path(path).unwrap();
    r.records().map(|rec| rec.unwrap().iter().map(str::to_string).collect()).collect()
}

#[test]
fn windows_1252_with_commas_and_iso_dates() {
    let original = build_with(|_| {});
    let changed = build_with(|dir| {
        for name in ["plan.csv", "moter.csv"] {
            let rows = records(&dir.join(name));
            let mut w = csv::WriterBuilder::new().delimiter(b',').from_writer(Vec::new());
            for mut row in rows {
                if name == "moter.csv" {
                    if let Ok(d) = arsplan::dates::parse(&row[1]) {
                        row[1] = d.format("%Y-%m-%d").to_string();
                    }
                }
                w.write_record(&row).unwrap();
            }
            let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
            let (bytes, _, bad) = encoding_rs::WINDOWS_1252.encode(&text);
            assert!(!bad);
            assert!(bytes.contains(&0xE5), "the file really is Windows-1252 (å as one byte)");
            std::fs::write(dir.join(name), bytes).unwrap();
        }
    });
    assert!(original == changed, "the same plan in Windows-1252 must give the same documents");
}

#[test]
fn xlsx_workbooks_with_excel_dates() {
    let original = build_with(|_| {});
    let changed = build_with(|dir| {
        for (name, sheet) in [("plan", "Plan"), ("moter", "Møter")] {
            let rows = records(&dir.join(format!("{name}.csv")));
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet().set_name(sheet).unwrap();
            let date_format = rust_xlsxwriter::Format::new().set_num_format("dd.mm.yyyy");
            for (r, row) in rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let (r, c) = (r as u32 + 2, c as u16 + 1); // the table need not start at A1
                    match arsplan::dates::parse(cell) {
                        Ok(d) if name == "moter" => {
                            use chrono::Datelike;
                            let x = rust_xlsxwriter::ExcelDateTime::from_ymd(
                                d.year() as u16,
                                d.month() as u8,
                                d.day() as u8,
                            )
                            .unwrap();
                            ws.write_datetime_with_format(r, c, &x, &date_format).unwrap();
                        }
                        _ if cell.is_empty() => {}
                        _ => {
                            ws.write_string(r, c, cell).unwrap();
                        }
                    }
                }
            }
            wb.save(dir.join(format!("{name}.xlsx"))).unwrap();
            std::fs::remove_file(dir.join(format!("{name}.csv"))).unwrap();
        }
    });
    assert!(original == changed, "the same plan as .xlsx must give the same documents");
}

#[test]
fn a_moved_date_changes_every_place_it_appears() {
    let changed = build_with(|dir| {
        let p = dir.join("moter.csv");
        let t = std::fs::read_to_string(&p).unwrap().replace("fagdag;12.11.2026", "fagdag;19.11.2026");
        std::fs::write(p, t).unwrap();
    });
    let text = common::docx_text(&changed[0]);
    assert!(text.contains("Årlig fagdag arrangeres 19. november"), "{text}");
    assert!(!text.contains("12. november"));
}
