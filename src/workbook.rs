//! Excel workbooks arsplan writes for people to fill in: a frozen bold header
//! row, column widths from the content, date cells as real dates shown as
//! dd.mm.åååå, text columns that Excel must not turn into dates, and drop-down
//! lists where a column takes fixed words (Nivå, Type, Gjelder, Gruppe).

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{DataValidation, DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use crate::diag::{Error, Result};

/// One cell to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Date(NaiveDate),
}

impl Cell {
    fn width(&self) -> usize {
        match self {
            Cell::Text(t) => t.lines().map(|l| l.chars().count()).max().unwrap_or(0),
            Cell::Date(_) => 10,
        }
    }
}

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Kind {
    /// Free text (the default).
    #[default]
    Text,
    /// Dates, shown dd.mm.yyyy.
    Date,
    /// Text that looks like a number or date but must stay text (`2.6`, `0301`).
    Literal,
    /// One of these words, chosen from a drop-down list.
    Choice(Vec<String>),
}

/// One sheet: its name, the columns (header and kind) and the rows.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub columns: Vec<(String, Kind)>,
    pub rows: Vec<Vec<Cell>>,
}

/// How many rows below the data keep the drop-down lists and formats, so new rows get them too.
const SPARE_ROWS: u32 = 500;

fn xlsx_error(e: XlsxError) -> Error {
    Error::msg(format!("regnearket kunne ikke lages: {e}"))
}

/// The workbook's bytes (deterministic: the document properties carry a fixed date).
pub fn write(sheets: &[Sheet]) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1).map_err(xlsx_error)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&fixed).set_author("arsplan"));
    let bold = Format::new().set_bold().set_background_color("#DDEBF7");
    let date = Format::new().set_num_format("dd.mm.yyyy");
    let text = Format::new().set_num_format("@");
    for sheet in sheets {
        let ws = book.add_worksheet();
        ws.set_name(&sheet.name).map_err(xlsx_error)?;
        let last = sheet.rows.len() as u32 + SPARE_ROWS;
        for (c, (header, kind)) in sheet.columns.iter().enumerate() {
            let col = c as u16;
            ws.write_string_with_format(0, col, header, &bold).map_err(xlsx_error)?;
            let widest = sheet.rows.iter().filter_map(|r| r.get(c)).map(Cell::width).max().unwrap_or(0);
            let width = widest.max(header.chars().count()).clamp(8, 60) as f64 + 2.0;
            ws.set_column_width(col, width).map_err(xlsx_error)?;
            match kind {
                Kind::Date => {
                    ws.set_column_format(col, &date).map_err(xlsx_error)?;
                }
                Kind::Literal => {
                    ws.set_column_format(col, &text).map_err(xlsx_error)?;
                }
                Kind::Choice(words) if !words.is_empty() => {
                    let words: Vec<&str> = words.iter().map(String::as_str).collect();
                    let list = DataValidation::new().allow_list_strings(&words).map_err(xlsx_error)?;
                    ws.add_data_validation(1, col, last, col, &list).map_err(xlsx_error)?;
                }
                _ => {}
            }
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let col = c as u16;
                match cell {
                    Cell::Text(t) if t.is_empty() => {}
                    Cell::Text(t) => {
                        ws.write_string(r, col, t).map_err(xlsx_error)?;
                    }
                    Cell::Date(d) => {
                        let when = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                            .map_err(xlsx_error)?;
                        ws.write_datetime_with_format(r, col, &when, &date).map_err(xlsx_error)?;
                    }
                }
            }
        }
        ws.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    }
    book.save_to_buffer().map_err(xlsx_error)
}
