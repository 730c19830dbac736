//! Excel workbooks arsplan writes for people to fill in: a frozen bold header
//! row, column widths from the content, date cells as real dates shown as
//! dd.mm.åååå, text columns that Excel must not turn into dates, and drop-down
//! lists where a column takes fixed words (Nivå, Type, Gjelder, Gruppe).
//! A guided workbook ([`write_guided`]) also explains itself: help where she
//! types (Excel's input messages on each header and column), worked example
//! rows, a «Slik fyller du ut» sheet, and drop-downs fed by named lists on a
//! hidden sheet, so a list that grows later (the groups) grows in the
//! drop-down too ([`refresh_list`]).

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties, ExcelDateTime, Format,
    Formula, Workbook, XlsxError,
};

use crate::diag::{io_text, Error, Location, Result};

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

/// The hidden sheet with the named lists the drop-downs read.
pub const LISTS_SHEET: &str = "Lister";

/// The sheet that explains the workbook.
pub const GUIDE_SHEET: &str = "Slik fyller du ut";

/// How many values a named list has room for.
const LIST_ROOM: u32 = 200;

/// A drop-down list kept on the hidden sheet under a name.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedList {
    /// The name (ASCII letters, as Excel names must be portable): `Grupper`.
    pub name: String,
    /// The column whose cells get the drop-down.
    pub column: String,
    pub values: Vec<String>,
}

/// Help for a column: a title and a message Excel shows where she types.
#[derive(Debug, Clone, PartialEq)]
pub struct Help {
    pub column: String,
    /// At most 32 characters.
    pub title: String,
    /// At most 255 characters.
    pub text: String,
}

/// A workbook that explains itself to the person filling it in.
#[derive(Debug, Clone, Default)]
pub struct Guided {
    /// The sheet to fill in. Its rows come first, then `examples`.
    pub sheet: Sheet,
    /// Worked example rows, written after the sheet's rows.
    pub examples: Vec<Vec<Cell>>,
    /// Help by column.
    pub help: Vec<Help>,
    /// Drop-downs fed by named lists (instead of the fixed words of [`Kind::Choice`]).
    pub lists: Vec<NamedList>,
    /// The lines of the «Slik fyller du ut» sheet (`# ` starts a heading); none: no such sheet.
    pub guide: Vec<String>,
    /// Dates must fall in this year (Excel refuses others as she types).
    pub year: Option<i32>,
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).map_err(xlsx_error)
}

/// The formula of a named list: the filled cells of its column on the
/// hidden sheet, however many there are.
fn list_formula(column: u16) -> String {
    let c = crate::diag::column_letter(column as usize);
    format!("=OFFSET({LISTS_SHEET}!${c}$2,0,0,MAX(1,COUNTA({LISTS_SHEET}!${c}$2:${c}${})),1)", LIST_ROOM + 1)
}

/// A guided workbook's bytes: the sheet to fill in (with help, drop-downs and
/// date checks on every column, and the worked examples), the «Slik fyller
/// du ut» sheet, and the hidden sheet of named lists. Deterministic, like [`write`].
pub fn write_guided(g: &Guided) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1).map_err(xlsx_error)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&fixed).set_author("arsplan"));
    let bold = Format::new().set_bold().set_background_color("#DDEBF7");
    let date = Format::new().set_num_format("dd.mm.yyyy");
    let text = Format::new().set_num_format("@");
    let sheet = &g.sheet;
    let rows: Vec<&Vec<Cell>> = sheet.rows.iter().chain(&g.examples).collect();
    let last = rows.len() as u32 + SPARE_ROWS;
    for (i, l) in g.lists.iter().enumerate() {
        book.define_name(&l.name, &list_formula(i as u16)).map_err(xlsx_error)?;
    }
    let ws = book.add_worksheet();
    ws.set_name(&sheet.name).map_err(xlsx_error)?;
    for (c, (header, kind)) in sheet.columns.iter().enumerate() {
        let col = c as u16;
        ws.write_string_with_format(0, col, header, &bold).map_err(xlsx_error)?;
        let widest = rows.iter().filter_map(|r| r.get(c)).map(Cell::width).max().unwrap_or(0);
        let width = widest.max(header.chars().count()).clamp(8, 60) as f64 + 2.0;
        ws.set_column_width(col, width).map_err(xlsx_error)?;
        let help = g.help.iter().find(|h| h.column.eq_ignore_ascii_case(header));
        let with_help = |v: DataValidation| -> Result<DataValidation> {
            match help {
                Some(h) => v
                    .set_input_title(h.title.clone())
                    .and_then(|v| v.set_input_message(h.text.clone()))
                    .map_err(xlsx_error),
                None => Ok(v),
            }
        };
        // The header explains its column.
        if help.is_some() {
            ws.add_data_validation(0, col, 0, col, &with_help(DataValidation::new().allow_any_value())?)
                .map_err(xlsx_error)?;
        }
        let list = g.lists.iter().find(|l| l.column.eq_ignore_ascii_case(header));
        let cells = match (kind, list) {
            (_, Some(l)) => Some(
                DataValidation::new()
                    .allow_list_formula(Formula::new(format!("={}", l.name)))
                    .set_error_title("Velg fra listen")
                    .and_then(|v| {
                        v.set_error_message(format!(
                            "{header} må være en av verdiene i listen. Se arket «{GUIDE_SHEET}»."
                        ))
                    })
                    .map_err(xlsx_error)?,
            ),
            (Kind::Date, None) => match g.year.and_then(|y| {
                Some((NaiveDate::from_ymd_opt(y, 1, 1)?, NaiveDate::from_ymd_opt(y, 12, 31)?, y))
            }) {
                Some((from, to, y)) => Some(
                    DataValidation::new()
                        .allow_date(DataValidationRule::Between(excel_date(from)?, excel_date(to)?))
                        .set_error_title("Datoen er ikke i planåret")
                        .and_then(|v| {
                            v.set_error_message(format!(
                                "Skriv en dato i {y} som dd.mm.åååå, for eksempel 12.11.{y}."
                            ))
                        })
                        .map_err(xlsx_error)?
                        .set_error_style(DataValidationErrorStyle::Warning),
                ),
                None => help.map(|_| DataValidation::new().allow_any_value()),
            },
            (Kind::Choice(words), None) if !words.is_empty() => {
                let words: Vec<&str> = words.iter().map(String::as_str).collect();
                Some(DataValidation::new().allow_list_strings(&words).map_err(xlsx_error)?)
            }
            _ => help.map(|_| DataValidation::new().allow_any_value()),
        };
        if let Some(v) = cells {
            ws.add_data_validation(1, col, last, col, &with_help(v)?).map_err(xlsx_error)?;
        }
        match kind {
            Kind::Date => {
                ws.set_column_format(col, &date).map_err(xlsx_error)?;
            }
            Kind::Literal => {
                ws.set_column_format(col, &text).map_err(xlsx_error)?;
            }
            _ => {}
        }
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let col = c as u16;
            let literal = matches!(sheet.columns.get(c), Some((_, Kind::Literal)));
            match cell {
                Cell::Text(t) if t.is_empty() => {}
                Cell::Text(t) if literal => {
                    ws.write_string_with_format(r, col, t, &text).map_err(xlsx_error)?;
                }
                Cell::Text(t) => {
                    ws.write_string(r, col, t).map_err(xlsx_error)?;
                }
                Cell::Date(d) => {
                    ws.write_datetime_with_format(r, col, &excel_date(*d)?, &date).map_err(xlsx_error)?;
                }
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    ws.set_active(true);
    if !g.guide.is_empty() {
        let gs = book.add_worksheet();
        gs.set_name(GUIDE_SHEET).map_err(xlsx_error)?;
        gs.set_column_width(0, 120).map_err(xlsx_error)?;
        gs.set_tab_color("#F4B183");
        let heading = Format::new().set_bold().set_font_size(13).set_font_color("#1F4E79");
        let wrap = Format::new().set_text_wrap();
        for (i, line) in g.guide.iter().enumerate() {
            match line.strip_prefix("# ") {
                Some(h) => gs.write_string_with_format(i as u32, 0, h, &heading),
                None => gs.write_string_with_format(i as u32, 0, line, &wrap),
            }
            .map_err(xlsx_error)?;
        }
    }
    if !g.lists.is_empty() {
        let ls = book.add_worksheet();
        ls.set_name(LISTS_SHEET).map_err(xlsx_error)?;
        for (c, l) in g.lists.iter().enumerate() {
            let col = c as u16;
            ls.write_string_with_format(0, col, &l.name, &bold).map_err(xlsx_error)?;
            ls.set_column_width(col, 30).map_err(xlsx_error)?;
            for (r, v) in l.values.iter().take(LIST_ROOM as usize).enumerate() {
                ls.write_string(r as u32 + 1, col, v).map_err(xlsx_error)?;
            }
        }
        ls.set_hidden(true);
    }
    book.save_to_buffer().map_err(xlsx_error)
}

/// Puts `values` in a named list of a workbook arsplan wrote (on its hidden
/// sheet «Lister»), in place: other sheets, cells and formatting stay as
/// they are. Returns false (and changes nothing) when the workbook has no
/// such list, or it already holds these values.
pub fn refresh_list(path: &Path, name: &str, values: &[String]) -> Result<bool> {
    let fail = |m: String| Error::at(Location::file(path), m);
    let bytes =
        std::fs::read(path).map_err(|e| fail(format!("kan ikke lese arbeidsboken: {}", io_text(&e))))?;
    // Read the hidden sheet as the loader reads any sheet; then change only
    // the list's cells, each in the sheet's XML (every other part of the
    // workbook stays byte for byte as it was).
    let lists = match crate::load::table::xlsx_from_bytes(path, &bytes, LISTS_SHEET) {
        Ok(t) => t,
        Err(_) => return Ok(false),
    };
    let Some(col) = lists.headers.iter().position(|h| h == name) else { return Ok(false) };
    let at = |r: u32| -> String {
        lists
            .rows
            .iter()
            .find(|row| row.number == r as usize)
            .and_then(|row| row.cells.get(col))
            .cloned()
            .unwrap_or_default()
    };
    let now: Vec<String> = (2..=LIST_ROOM + 1).map(at).take_while(|v| !v.is_empty()).collect();
    if now == values {
        return Ok(false);
    }
    let mut bytes = bytes;
    for r in 2..=LIST_ROOM + 1 {
        let v = values.get(r as usize - 2).cloned().unwrap_or_default();
        if v == at(r) {
            continue;
        }
        let cell = crate::edit::xlsx::Cell::Text(v);
        bytes = crate::edit::xlsx::set_cell(&bytes, LISTS_SHEET, r as usize, col, &cell)
            .map_err(|e| fail(format!("arbeidsboken kan ikke skrives: {e}")))?;
    }
    crate::publish::write_atomic(path, &bytes)
        .map_err(|e| e.with_hint("lukk arbeidsboken i Excel og prøv igjen"))?;
    Ok(true)
}
