//! One cell of a leader's workbook changed surgically: only that cell's XML
//! in its sheet part is rewritten (and, for a date in a cell whose style is
//! not a date style, one cell format appended to `xl/styles.xml`); every
//! other zip entry is copied byte for byte, compressed data and all. Text is
//! written as an inline string, so the shared strings stay as they were.
//!
//! What the sheet keeps: every other cell, row, attribute, formula and
//! extension, byte for byte. The edited cell keeps its reference and its
//! style (`s`); its type, value and value metadata (`t`, `cm`, `vm`, `ph`)
//! are the new value's. A cell holding a formula is refused.

use std::io::{Read, Write};
use std::ops::Range;

use chrono::NaiveDate;
use quick_xml::events::{BytesStart, Event};

/// Why a workbook could not be edited; the caller words it for the leader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The file is no workbook we can read (the detail says what).
    Broken(String),
    NoSheet(String),
    /// The cell holds a formula (its text).
    Formula(String),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Broken(d) => write!(f, "{d}"),
            Problem::NoSheet(s) => write!(f, "arket «{s}» finnes ikke"),
            Problem::Formula(x) => write!(f, "cellen har formelen ={x}"),
        }
    }
}

type R<T> = std::result::Result<T, Problem>;

fn broken(what: impl std::fmt::Display) -> Problem {
    Problem::Broken(what.to_string())
}

/// The value to put in the cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Date(NaiveDate),
}

/// The column letters of a 0-based column index (0 → A, 26 → AA).
pub fn column_name(mut col: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A cell reference (`B12`) as a 0-based column and 1-based row.
fn parse_ref(r: &str) -> Option<(usize, usize)> {
    let letters = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let mut col = 0usize;
    for b in r[..letters].bytes() {
        col = col * 26 + usize::from(b.to_ascii_uppercase() - b'A' + 1);
    }
    let row: usize = r[letters..].parse().ok()?;
    Some((col - 1, row))
}

/// A zip archive's entries in order.
struct Archive<'a> {
    zip: zip::ZipArchive<std::io::Cursor<&'a [u8]>>,
}

impl<'a> Archive<'a> {
    fn open(bytes: &'a [u8]) -> R<Self> {
        let zip =
            zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| broken(format!("zip: {e}")))?;
        Ok(Archive { zip })
    }

    fn read(&mut self, name: &str) -> R<Option<Vec<u8>>> {
        let mut f = match self.zip.by_name(name) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(broken(format!("{name}: {e}"))),
        };
        if f.size() > 256 * 1024 * 1024 {
            return Err(broken(format!("{name} er for stor")));
        }
        let mut out = Vec::new();
        f.read_to_end(&mut out).map_err(|e| broken(format!("{name}: {e}")))?;
        Ok(Some(out))
    }

    fn need(&mut self, name: &str) -> R<Vec<u8>> {
        self.read(name)?.ok_or_else(|| broken(format!("delen {name} mangler")))
    }
}

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// An attribute by its local name (`r:id` answers `id`), unescaped.
fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .filter_map(|a| a.ok())
        .find(|a| local(a.key.as_ref()) == name)
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
}

/// Resolves a relationship target against the folder of the part that has it.
fn resolve(base_dir: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = base_dir.split('/').filter(|p| !p.is_empty()).collect();
    for p in target.split('/') {
        match p {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// (Id, Type, Target) of every relationship in a .rels part.
fn relationships(xml: &[u8]) -> R<Vec<(String, String, String)>> {
    let mut r = quick_xml::Reader::from_reader(xml);
    let mut out = Vec::new();
    loop {
        match r.read_event().map_err(|e| broken(format!("rels: {e}")))? {
            Event::Start(e) | Event::Empty(e) if local(e.name().as_ref()) == "Relationship" => {
                out.push((
                    attr(&e, "Id").unwrap_or_default(),
                    attr(&e, "Type").unwrap_or_default(),
                    attr(&e, "Target").unwrap_or_default(),
                ));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// Where a workbook keeps what an edit needs.
struct Parts {
    sheet: String,
    styles: Option<String>,
    date1904: bool,
}

fn parts(ar: &mut Archive, sheet: &str) -> R<Parts> {
    let root = ar.read("_rels/.rels")?.map(|x| relationships(&x)).transpose()?.unwrap_or_default();
    let book = root
        .iter()
        .find(|(_, t, _)| t.ends_with("/officeDocument"))
        .map(|(_, _, target)| resolve("", target))
        .unwrap_or_else(|| "xl/workbook.xml".into());
    let (dir, file) = book.rsplit_once('/').unwrap_or(("", book.as_str()));
    let rels = relationships(&ar.need(&format!("{dir}/_rels/{file}.rels"))?)?;
    let xml = ar.need(&book)?;
    let mut r = quick_xml::Reader::from_reader(xml.as_slice());
    let (mut id, mut date1904) = (None, false);
    loop {
        match r.read_event().map_err(|e| broken(format!("{book}: {e}")))? {
            Event::Start(e) | Event::Empty(e) => match local(e.name().as_ref()) {
                "sheet" if attr(&e, "name").is_some_and(|n| n == sheet) => id = attr(&e, "id"),
                "workbookPr" => {
                    date1904 = attr(&e, "date1904").is_some_and(|v| v == "1" || v == "true");
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    let id = id.ok_or_else(|| Problem::NoSheet(sheet.to_string()))?;
    let target = |pred: &dyn Fn(&(String, String, String)) -> bool| {
        rels.iter().find(|x| pred(x)).map(|(_, _, t)| resolve(dir, t))
    };
    let sheet = target(&|(i, _, _)| *i == id).ok_or_else(|| broken("arket mangler i arbeidsboken"))?;
    let styles = target(&|(_, t, _)| t.ends_with("/styles"));
    Ok(Parts { sheet, styles, date1904 })
}

/// A `<c>` element in the sheet: its bytes and what the edit reads of it.
#[derive(Debug)]
struct CellAt {
    col: usize,
    span: Range<usize>,
    style: Option<String>,
    formula: Option<String>,
}

/// A `<row>` element: its start tag, the span of its content (empty for
/// `<row/>`), and its cells.
#[derive(Debug)]
struct RowAt {
    row: usize,
    tag: Range<usize>,
    empty: bool,
    end: usize,
    cells: Vec<CellAt>,
}

/// The sheet's rows and cells with their byte positions, and where
/// `<sheetData>` ends (the place for a new row) and the element prefix.
#[derive(Debug)]
struct Sheet {
    rows: Vec<RowAt>,
    data_tag: Range<usize>,
    data_empty: bool,
    data_end: usize,
    prefix: String,
    dimension: Option<(Range<usize>, String)>,
}

fn prefix_of(n: &str) -> String {
    n.rsplit_once(':').map(|(p, _)| format!("{p}:")).unwrap_or_default()
}

fn scan_sheet(xml: &[u8]) -> R<Sheet> {
    let mut r = quick_xml::Reader::from_reader(xml);
    let bad = |e: quick_xml::Error| broken(format!("arket: {e}"));
    let mut sheet = Sheet {
        rows: Vec::new(),
        data_tag: 0..0,
        data_empty: false,
        data_end: 0,
        prefix: String::new(),
        dimension: None,
    };
    let mut in_data = false;
    let mut next_row = 1;
    let mut row: Option<RowAt> = None;
    let mut cell: Option<CellAt> = None;
    let mut in_f = false;
    let mut next_col = 0;
    loop {
        let before = r.buffer_position() as usize;
        let ev = r.read_event().map_err(bad)?;
        let after = r.buffer_position() as usize;
        match ev {
            Event::Start(e) | Event::Empty(e) if !in_data => match local(e.name().as_ref()) {
                "sheetData" => {
                    in_data = true;
                    sheet.data_tag = before..after;
                    sheet.prefix = prefix_of(e.name().as_ref());
                    if after - before >= 2 && xml[after - 2] == b'/' {
                        sheet.data_empty = true;
                        sheet.data_end = after;
                        in_data = false;
                    }
                }
                "dimension" => {
                    sheet.dimension = attr(&e, "ref").map(|v| (before..after, v));
                }
                _ => {}
            },
            Event::End(e) if in_data && local(e.name().as_ref()) == "sheetData" => {
                sheet.data_end = before;
                in_data = false;
            }
            Event::Start(e) | Event::Empty(e)
                if in_data && cell.is_none() && row.is_none() && local(e.name().as_ref()) == "row" =>
            {
                let n = attr(&e, "r").and_then(|v| v.parse().ok()).unwrap_or(next_row);
                next_row = n + 1;
                next_col = 0;
                let empty = xml[after - 2] == b'/';
                let at = RowAt { row: n, tag: before..after, empty, end: after, cells: Vec::new() };
                if empty {
                    sheet.rows.push(at);
                } else {
                    row = Some(at);
                }
            }
            Event::End(e) if in_data && cell.is_none() && local(e.name().as_ref()) == "row" => {
                if let Some(mut at) = row.take() {
                    at.end = before;
                    sheet.rows.push(at);
                }
            }
            Event::Start(e) | Event::Empty(e)
                if row.is_some() && cell.is_none() && local(e.name().as_ref()) == "c" =>
            {
                let col = attr(&e, "r").and_then(|v| parse_ref(&v)).map(|(c, _)| c).unwrap_or(next_col);
                next_col = col + 1;
                let at = CellAt { col, span: before..after, style: attr(&e, "s"), formula: None };
                if xml[after - 2] == b'/' {
                    if let Some(rw) = row.as_mut() {
                        rw.cells.push(at);
                    }
                } else {
                    cell = Some(at);
                }
            }
            Event::Start(e) if cell.is_some() && local(e.name().as_ref()) == "f" => {
                in_f = true;
                if let Some(c) = cell.as_mut() {
                    c.formula.get_or_insert_with(String::new);
                }
            }
            Event::Empty(e) if cell.is_some() && local(e.name().as_ref()) == "f" => {
                // A shared formula's other cells: <f t="shared" si="0"/>.
                if let Some(c) = cell.as_mut() {
                    c.formula.get_or_insert_with(|| {
                        format!("(delt formel {})", attr(&e, "si").unwrap_or_default())
                    });
                }
            }
            Event::Text(t) if in_f => {
                if let Some(c) = cell.as_mut() {
                    c.formula.get_or_insert_with(String::new).push_str(&t.xml10_content());
                }
            }
            Event::End(e) if in_f && local(e.name().as_ref()) == "f" => in_f = false,
            Event::End(e) if cell.is_some() && local(e.name().as_ref()) == "c" => {
                if let (Some(mut c), Some(rw)) = (cell.take(), row.as_mut()) {
                    c.span.end = after;
                    rw.cells.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if sheet.data_tag.is_empty() {
        return Err(broken("arket har ingen sheetData"));
    }
    Ok(sheet)
}

/// Whether a number format shows a date: a built-in date format, or a code
/// with day, month-name or year fields outside quoted text and brackets.
pub fn is_date_format(code: &str) -> bool {
    let mut quoted = false;
    let mut bracket = false;
    for c in code.chars() {
        match c {
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            'd' | 'D' | 'y' | 'Y' if !quoted && !bracket => return true,
            _ => {}
        }
    }
    false
}

fn builtin_is_date(id: u32) -> bool {
    matches!(id, 14..=17 | 22 | 27..=36 | 45..=47 | 50..=58)
}

/// The cell formats (`cellXfs`) and number formats of styles.xml, with
/// where they are, for reading and for appending one.
struct Styles {
    xml: Vec<u8>,
    prefix: String,
    /// Each `<xf>` of `cellXfs`: its span and numFmtId.
    xfs: Vec<(Range<usize>, u32)>,
    /// The `<cellXfs>` start tag and where its content ends.
    xfs_tag: Range<usize>,
    xfs_end: usize,
    /// Custom number formats: id → code.
    formats: Vec<(u32, String)>,
    /// The `<numFmts>` start tag and where its content ends, if present.
    fmts: Option<(Range<usize>, usize)>,
    /// Where the styleSheet start tag ends (a new numFmts goes there).
    sheet_tag_end: usize,
}

fn scan_styles(xml: Vec<u8>) -> R<Styles> {
    let mut r = quick_xml::Reader::from_reader(xml.as_slice());
    let bad = |e: quick_xml::Error| broken(format!("styles.xml: {e}"));
    let mut s = Styles {
        xml: Vec::new(),
        prefix: String::new(),
        xfs: Vec::new(),
        xfs_tag: 0..0,
        xfs_end: 0,
        formats: Vec::new(),
        fmts: None,
        sheet_tag_end: 0,
    };
    let (mut in_xfs, mut in_fmts, mut depth_in_xf) = (false, false, 0usize);
    let mut fmts_tag = 0..0;
    loop {
        let before = r.buffer_position() as usize;
        let ev = r.read_event().map_err(bad)?;
        let after = r.buffer_position() as usize;
        match ev {
            Event::Start(e) if local(e.name().as_ref()) == "styleSheet" => {
                s.sheet_tag_end = after;
                s.prefix = prefix_of(e.name().as_ref());
            }
            Event::Start(e) if local(e.name().as_ref()) == "cellXfs" => {
                in_xfs = true;
                s.xfs_tag = before..after;
            }
            Event::End(e) if local(e.name().as_ref()) == "cellXfs" => {
                in_xfs = false;
                s.xfs_end = before;
            }
            Event::Start(e) if local(e.name().as_ref()) == "numFmts" => {
                in_fmts = true;
                fmts_tag = before..after;
            }
            Event::End(e) if local(e.name().as_ref()) == "numFmts" => {
                in_fmts = false;
                s.fmts = Some((fmts_tag.clone(), before));
            }
            Event::Start(e) | Event::Empty(e) if in_fmts && local(e.name().as_ref()) == "numFmt" => {
                if let (Some(id), Some(code)) =
                    (attr(&e, "numFmtId").and_then(|v| v.parse().ok()), attr(&e, "formatCode"))
                {
                    s.formats.push((id, code));
                }
            }
            Event::Start(e) if in_xfs && depth_in_xf == 0 && local(e.name().as_ref()) == "xf" => {
                depth_in_xf = 1;
                let id = attr(&e, "numFmtId").and_then(|v| v.parse().ok()).unwrap_or(0);
                s.xfs.push((before..after, id));
            }
            Event::Empty(e) if in_xfs && depth_in_xf == 0 && local(e.name().as_ref()) == "xf" => {
                let id = attr(&e, "numFmtId").and_then(|v| v.parse().ok()).unwrap_or(0);
                s.xfs.push((before..after, id));
            }
            Event::Start(_) if depth_in_xf > 0 => depth_in_xf += 1,
            Event::End(e) if depth_in_xf > 0 => {
                depth_in_xf -= 1;
                if depth_in_xf == 0 && local(e.name().as_ref()) == "xf" {
                    if let Some(last) = s.xfs.last_mut() {
                        last.0.end = after;
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    s.xml = xml;
    Ok(s)
}

impl Styles {
    fn code(&self, fmt: u32) -> Option<&str> {
        self.formats.iter().find(|(id, _)| *id == fmt).map(|(_, c)| c.as_str())
    }

    fn is_date_fmt(&self, fmt: u32) -> bool {
        match self.code(fmt) {
            Some(c) => is_date_format(c),
            None => builtin_is_date(fmt),
        }
    }

    /// Whether cell format `s` shows a date.
    fn is_date_style(&self, s: usize) -> bool {
        self.xfs.get(s).is_some_and(|(_, f)| self.is_date_fmt(*f))
    }

    /// The XML of cell format `s` with its number format set to `fmt`.
    fn with_format(&self, s: usize, fmt: u32) -> R<String> {
        let (span, _) = self.xfs.get(s).ok_or_else(|| broken("cellens stil finnes ikke i styles.xml"))?;
        let xml = String::from_utf8_lossy(&self.xml[span.clone()]).to_string();
        let tag_end = xml.find('>').unwrap_or(xml.len());
        let (tag, rest) = xml.split_at(tag_end);
        let tag = set_attr(tag, "numFmtId", &fmt.to_string());
        let tag = set_attr(&tag, "applyNumberFormat", "1");
        Ok(format!("{tag}{rest}"))
    }
}

/// A start tag's text with attribute `name` set to `value` (added before the
/// tag's end when absent).
fn set_attr(tag: &str, name: &str, value: &str) -> String {
    let needle = format!(" {name}=\"");
    if let Some(i) = tag.find(&needle) {
        let start = i + needle.len();
        let end = tag[start..].find('"').map(|j| start + j).unwrap_or(tag.len());
        return format!("{}{value}{}", &tag[..start], &tag[end..]);
    }
    let body = tag.trim_end_matches('/');
    let slash = &tag[body.len()..];
    format!("{} {name}=\"{value}\"{slash}", body.trim_end())
}

/// Text as a cell holds it: `_x0041_` in a cell is Excel's escape for «A»,
/// so an underscore that would start one is itself escaped (`_x005F_`).
fn literal_underscores(t: &str) -> String {
    let b = t.as_bytes();
    let mut out = String::with_capacity(t.len());
    for (i, c) in t.char_indices() {
        let escape_like = c == '_'
            && b.len() >= i + 7
            && b[i + 1] == b'x'
            && b[i + 2..i + 6].iter().all(u8::is_ascii_hexdigit)
            && b[i + 6] == b'_';
        if escape_like {
            out.push_str("_x005F_");
        } else {
            out.push(c);
        }
    }
    out
}

/// Bytes with some spans replaced (spans sorted, not overlapping).
fn splice(bytes: &[u8], mut edits: Vec<(Range<usize>, Vec<u8>)>) -> Vec<u8> {
    edits.sort_by_key(|(r, _)| (r.start, r.end));
    let mut out = Vec::with_capacity(bytes.len() + 256);
    let mut at = 0;
    for (r, with) in edits {
        out.extend_from_slice(&bytes[at..r.start]);
        out.extend_from_slice(&with);
        at = r.end;
    }
    out.extend_from_slice(&bytes[at..]);
    out
}

/// The count attribute of a start tag raised by one.
fn bump_count(tag: &str, n: usize) -> String {
    set_attr(tag, "count", &n.to_string())
}

/// An Excel day number (1900 system: days since 30 December 1899; 1904
/// system: since 1 January 1904).
pub fn serial(d: NaiveDate, date1904: bool) -> i64 {
    let epoch =
        if date1904 { NaiveDate::from_ymd_opt(1904, 1, 1) } else { NaiveDate::from_ymd_opt(1899, 12, 30) }
            .unwrap_or_default();
    (d - epoch).num_days()
}

/// The edited parts of a workbook: (part name, new bytes).
fn edited_parts(
    ar: &mut Archive,
    sheet_name: &str,
    row: usize,
    col: usize,
    value: &Cell,
) -> R<Vec<(String, Vec<u8>)>> {
    let parts = parts(ar, sheet_name)?;
    let xml = ar.need(&parts.sheet)?;
    let sheet = scan_sheet(&xml)?;
    let p = sheet.prefix.clone();
    let here = sheet.rows.iter().find(|r| r.row == row);
    let old = here.and_then(|r| r.cells.iter().find(|c| c.col == col));
    if let Some(f) = old.and_then(|c| c.formula.clone()) {
        return Err(Problem::Formula(f));
    }
    let style: Option<String> = old.and_then(|c| c.style.clone());
    let mut out = Vec::new();
    let reference = format!("{}{row}", column_name(col));
    let s_attr = |s: &Option<String>| s.as_ref().map(|s| format!(" s=\"{s}\"")).unwrap_or_default();
    let cell_xml = match value {
        Cell::Text(t) if t.is_empty() => format!("<{p}c r=\"{reference}\"{}/>", s_attr(&style)),
        Cell::Text(t) => {
            let space = if t.trim() != t { " xml:space=\"preserve\"" } else { "" };
            format!(
                "<{p}c r=\"{reference}\"{} t=\"inlineStr\"><{p}is><{p}t{space}>{}</{p}t></{p}is></{p}c>",
                s_attr(&style),
                crate::xml::escape(&literal_underscores(t))
            )
        }
        Cell::Date(d) => {
            let styles_part =
                parts.styles.clone().ok_or_else(|| broken("arbeidsboken har ingen styles.xml"))?;
            let st = scan_styles(ar.need(&styles_part)?)?;
            let own: usize = style.as_deref().and_then(|s| s.parse().ok()).unwrap_or(0);
            let s = if st.is_date_style(own) {
                own
            } else {
                let (s, new_styles) = date_style(&st, &sheet, col, own)?;
                if let Some(b) = new_styles {
                    out.push((styles_part, b));
                }
                s
            };
            let s = if s == 0 { None } else { Some(s.to_string()) };
            format!(
                "<{p}c r=\"{reference}\"{}><{p}v>{}</{p}v></{p}c>",
                s_attr(&s),
                serial(*d, parts.date1904)
            )
        }
    };
    let mut edits: Vec<(Range<usize>, Vec<u8>)> = Vec::new();
    match (here, old) {
        (Some(_), Some(c)) => edits.push((c.span.clone(), cell_xml.into_bytes())),
        (Some(r), None) => {
            if r.empty {
                // <row .../> becomes <row ...>cell</row>.
                let tag = String::from_utf8_lossy(&xml[r.tag.clone()]).to_string();
                let open = format!("{}>", tag.trim_end_matches('>').trim_end_matches('/').trim_end());
                edits.push((r.tag.clone(), format!("{open}{cell_xml}</{p}row>").into_bytes()));
            } else {
                let at = r.cells.iter().find(|c| c.col > col).map(|c| c.span.start).unwrap_or(r.end);
                edits.push((at..at, cell_xml.into_bytes()));
                // A row's spans say which columns it has: widen them.
                let tag = String::from_utf8_lossy(&xml[r.tag.clone()]).to_string();
                if let Some(spans) = between(&tag, " spans=\"", "\"") {
                    if let Some((a, b)) = spans
                        .split_once(':')
                        .and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?)))
                    {
                        let (na, nb) = (a.min(col + 1), b.max(col + 1));
                        if (na, nb) != (a, b) {
                            edits.push((
                                r.tag.clone(),
                                set_attr(&tag, "spans", &format!("{na}:{nb}")).into_bytes(),
                            ));
                        }
                    }
                }
            }
        }
        (None, _) => {
            let new_row = format!("<{p}row r=\"{row}\">{cell_xml}</{p}row>");
            if sheet.data_empty {
                let tag = String::from_utf8_lossy(&xml[sheet.data_tag.clone()]).to_string();
                let open = format!("{}>", tag.trim_end_matches('>').trim_end_matches('/').trim_end());
                edits.push((sheet.data_tag.clone(), format!("{open}{new_row}</{p}sheetData>").into_bytes()));
            } else {
                let at =
                    sheet.rows.iter().find(|r| r.row > row).map(|r| r.tag.start).unwrap_or(sheet.data_end);
                edits.push((at..at, new_row.into_bytes()));
            }
        }
    }
    // The used range grows to hold a new cell outside it.
    if let Some((span, range)) = &sheet.dimension {
        let (a, b) = range.split_once(':').unwrap_or((range, range));
        if let (Some((c0, r0)), Some((c1, r1))) = (parse_ref(a), parse_ref(b)) {
            let (nc0, nr0, nc1, nr1) = (c0.min(col), r0.min(row), c1.max(col), r1.max(row));
            if (nc0, nr0, nc1, nr1) != (c0, r0, c1, r1) {
                let tag = String::from_utf8_lossy(&xml[span.clone()]).to_string();
                let new = format!("{}{nr0}:{}{nr1}", column_name(nc0), column_name(nc1));
                edits.push((span.clone(), set_attr(&tag, "ref", &new).into_bytes()));
            }
        }
    }
    out.push((parts.sheet, splice(&xml, edits)));
    Ok(out)
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

/// The cell format for a date in a cell whose own format (`own`) is not a
/// date: its own format with the date format the column's other cells use
/// (or `dd.mm.yyyy`). An existing format that is just that is reused; else
/// one is appended to styles.xml (the new bytes returned).
fn date_style(st: &Styles, sheet: &Sheet, col: usize, own: usize) -> R<(usize, Option<Vec<u8>>)> {
    let column_fmt = sheet
        .rows
        .iter()
        .filter_map(|r| r.cells.iter().find(|c| c.col == col))
        .filter_map(|c| c.style.as_deref().and_then(|s| s.parse::<usize>().ok()))
        .filter_map(|s| st.xfs.get(s).map(|x| x.1))
        .find(|f| st.is_date_fmt(*f));
    let mut edits: Vec<(Range<usize>, Vec<u8>)> = Vec::new();
    let fmt = match column_fmt {
        Some(f) => f,
        None => match st.formats.iter().find(|(_, c)| c.eq_ignore_ascii_case("dd.mm.yyyy")) {
            Some((id, _)) => *id,
            None => {
                let id = st.formats.iter().map(|(id, _)| *id).max().unwrap_or(163).max(163) + 1;
                let p = &st.prefix;
                let entry = format!("<{p}numFmt numFmtId=\"{id}\" formatCode=\"dd.mm.yyyy\"/>");
                match &st.fmts {
                    Some((tag, end)) => {
                        let t = String::from_utf8_lossy(&st.xml[tag.clone()]).to_string();
                        edits.push((tag.clone(), bump_count(&t, st.formats.len() + 1).into_bytes()));
                        edits.push((*end..*end, entry.into_bytes()));
                    }
                    None => {
                        let at = st.sheet_tag_end;
                        edits.push((
                            at..at,
                            format!("<{p}numFmts count=\"1\">{entry}</{p}numFmts>").into_bytes(),
                        ));
                    }
                }
                id
            }
        },
    };
    let wanted = st.with_format(own, fmt)?;
    // A format that already is the cell's own with this date is reused.
    if edits.is_empty() {
        if let Some(i) = st.xfs.iter().position(|(span, _)| st.xml[span.clone()] == *wanted.as_bytes()) {
            return Ok((i, None));
        }
    }
    if st.xfs_tag.is_empty() {
        return Err(broken("styles.xml har ingen cellXfs"));
    }
    let t = String::from_utf8_lossy(&st.xml[st.xfs_tag.clone()]).to_string();
    edits.push((st.xfs_tag.clone(), bump_count(&t, st.xfs.len() + 1).into_bytes()));
    edits.push((st.xfs_end..st.xfs_end, wanted.into_bytes()));
    Ok((st.xfs.len(), Some(splice(&st.xml, edits))))
}

/// A workbook's bytes with the cell at `row` (1-based), `col` (0-based) of
/// sheet `sheet` set to `value`; every zip entry but the edited ones is
/// copied as it was (compressed bytes and all).
pub fn set_cell(bytes: &[u8], sheet: &str, row: usize, col: usize, value: &Cell) -> R<Vec<u8>> {
    let mut ar = Archive::open(bytes)?;
    let edited = edited_parts(&mut ar, sheet, row, col, value)?;
    rewrite(&mut ar, bytes.len(), &edited)
}

/// The archive again with the edited parts' new bytes; every other entry
/// copied as it was (compressed bytes and all).
fn rewrite(ar: &mut Archive, size: usize, edited: &[(String, Vec<u8>)]) -> R<Vec<u8>> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(size + 1024)));
    w.set_raw_comment(ar.zip.comment().into());
    let fail = |e: &dyn std::fmt::Display| broken(format!("zip: {e}"));
    for i in 0..ar.zip.len() {
        let f = ar.zip.by_index_raw(i).map_err(|e| fail(&e))?;
        let name = f.name().to_string();
        match edited.iter().find(|(n, _)| *n == name) {
            Some((_, new)) => {
                let mut opts = zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated)
                    .large_file(new.len() as u64 >= u32::MAX as u64);
                if let Some(t) = f.last_modified() {
                    opts = opts.last_modified_time(t);
                }
                if let Some(m) = f.unix_mode() {
                    opts = opts.unix_permissions(m);
                }
                drop(f);
                w.start_file(name, opts).map_err(|e| fail(&e))?;
                w.write_all(new).map_err(|e| fail(&e))?;
            }
            None => w.raw_copy_file(f).map_err(|e| fail(&e))?,
        }
    }
    Ok(w.finish().map_err(|e| fail(&e))?.into_inner())
}

/// A range list (`A2:C500 E4`) with each row number mapped; a range whose
/// rows are all gone is left out. `keep_start`: a range starting at this
/// row keeps starting there (a row inserted at the top of a range joins it,
/// as a row inserted inside one does).
fn map_ranges(list: &str, map: &dyn Fn(usize) -> Option<usize>, keep_start: Option<usize>) -> String {
    let forward = |r: usize| (r..r + 100_000).find_map(map);
    let backward = |r: usize| (1..=r).rev().find_map(map);
    let one = |c: usize, r: usize| format!("{}{}", column_name(c), r);
    list.split_whitespace()
        .filter_map(|item| {
            let (a, b) = item.split_once(':').unwrap_or((item, item));
            let absolute = |s: &str| s.contains('$');
            let (Some((c0, r0)), Some((c1, r1))) =
                (parse_ref(&a.replace('$', "")), parse_ref(&b.replace('$', "")))
            else {
                return Some(item.to_string());
            };
            if absolute(a) || absolute(b) {
                return Some(item.to_string());
            }
            let (s, e) = if r0 == r1 {
                let m = map(r0)?;
                (m, m)
            } else {
                let s = if keep_start == Some(r0) { r0 } else { forward(r0)? };
                let e = backward(r1)?;
                (s.min(e), s.max(e))
            };
            if r0 != r1 && e < s {
                return None;
            }
            Some(if item.contains(':') { format!("{}:{}", one(c0, s), one(c1, e)) } else { one(c0, s) })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A start tag with the cell reference in attribute `name` (`r`) moved to `row`.
fn with_row(tag: &str, name: &str, row: usize) -> String {
    let Some(v) = between(tag, &format!(" {name}=\""), "\"") else { return tag.to_string() };
    match parse_ref(v) {
        Some((c, _)) => set_attr(tag, name, &format!("{}{row}", column_name(c))),
        None if name == "r" && v.chars().all(|c| c.is_ascii_digit()) => set_attr(tag, name, &row.to_string()),
        None => tag.to_string(),
    }
}

/// A workbook's bytes with the rows of `sheet` renumbered by `map` (a row
/// it maps to None is removed), and, when `insert` names a row, an empty
/// row there whose cells take the styles of the row it pushed down (or of
/// the one above, below the header). Only the sheet part changes: the rows
/// and cells moved get their new references, and the ranges of the sheet's
/// merged cells, validations, conditional formats, hyperlinks, filter and
/// used range follow. A sheet with formulas or an Excel table is refused
/// (their references would need rewriting too).
pub fn move_rows(
    bytes: &[u8],
    sheet_name: &str,
    map: &dyn Fn(usize) -> Option<usize>,
    insert: Option<(usize, usize)>,
) -> R<Vec<u8>> {
    let mut ar = Archive::open(bytes)?;
    let parts = parts(&mut ar, sheet_name)?;
    let xml = ar.need(&parts.sheet)?;
    let sheet = scan_sheet(&xml)?;
    if let Some(f) = sheet.rows.iter().flat_map(|r| &r.cells).find_map(|c| c.formula.clone()) {
        return Err(Problem::Formula(f));
    }
    let text = String::from_utf8_lossy(&xml).to_string();
    if text.contains("<tablePart ") || text.contains(":tablePart ") {
        return Err(broken("arket har en Excel-tabell (Formater som tabell); gjør endringen i Excel"));
    }
    let p = sheet.prefix.clone();
    if sheet.data_empty {
        return Err(broken("arket har ingen rader"));
    }
    // Each row element with the bytes after it up to the next.
    let first = sheet.rows.first().map(|r| r.tag.start).unwrap_or(sheet.data_end);
    let mut out_rows: Vec<(usize, Vec<u8>)> = Vec::new();
    for (i, r) in sheet.rows.iter().enumerate() {
        let next = sheet.rows.get(i + 1).map(|n| n.tag.start).unwrap_or(sheet.data_end);
        let Some(new) = map(r.row) else { continue };
        let whole = &xml[r.tag.start..next];
        if new == r.row {
            out_rows.push((new, whole.to_vec()));
            continue;
        }
        let mut edits: Vec<(Range<usize>, Vec<u8>)> = Vec::new();
        let tag = String::from_utf8_lossy(&xml[r.tag.clone()]).to_string();
        edits.push((r.tag.clone(), set_attr(&tag, "r", &new.to_string()).into_bytes()));
        for c in &r.cells {
            let cell = &xml[c.span.clone()];
            let tag_end = cell.iter().position(|b| *b == b'>').map(|i| i + 1).unwrap_or(cell.len());
            let start = String::from_utf8_lossy(&cell[..tag_end]).to_string();
            let at = c.span.start..c.span.start + tag_end;
            edits.push((at, with_row(&start, "r", new).into_bytes()));
        }
        let moved = splice(&xml[..next], edits);
        out_rows.push((new, moved[r.tag.start..].to_vec()));
    }
    if let Some((at0, count)) = insert {
        let model = sheet
            .rows
            .iter()
            .find(|r| r.row == at0)
            .or_else(|| sheet.rows.iter().find(|r| r.row + 1 == at0 && r.row > 1));
        for at in at0..at0 + count {
            if out_rows.iter().any(|(n, _)| *n == at) {
                return Err(broken(format!("rad {at} finnes alt")));
            }
            let cells: String = model
                .map(|m| {
                    m.cells
                        .iter()
                        .filter_map(|c| c.style.as_ref().map(|s| (c.col, s)))
                        .map(|(col, s)| format!("<{p}c r=\"{}{at}\" s=\"{s}\"/>", column_name(col)))
                        .collect()
                })
                .unwrap_or_default();
            let row = if cells.is_empty() {
                format!("<{p}row r=\"{at}\"/>")
            } else {
                format!("<{p}row r=\"{at}\">{cells}</{p}row>")
            };
            out_rows.push((at, row.into_bytes()));
        }
    }
    out_rows.sort_by_key(|(n, _)| *n);
    let mut data = xml[..first].to_vec();
    for (_, b) in out_rows {
        data.extend_from_slice(&b);
    }
    // The rest of the part, with its ranges following the rows.
    let rest = String::from_utf8_lossy(&xml[sheet.data_end..]).to_string();
    let head = String::from_utf8_lossy(&xml[..sheet.data_tag.start]).to_string();
    let moved_refs = |s: &str| -> String {
        let re = regex::Regex::new(
            r#"<(?:[A-Za-z0-9_]+:)?(dimension|mergeCell|dataValidation|conditionalFormatting|hyperlink|autoFilter)\b[^>]*>"#,
        )
        .expect("a valid pattern");
        let attr = regex::Regex::new(r#"\s(ref|sqref)="([^"]*)""#).expect("a valid pattern");
        re.replace_all(s, |c: &regex::Captures| {
            let tag = c[0].to_string();
            attr.replace_all(&tag, |a: &regex::Captures| {
                format!(" {}=\"{}\"", &a[1], map_ranges(&a[2], map, insert.map(|(at, _)| at)))
            })
            .to_string()
        })
        .to_string()
    };
    let mut new = moved_refs(&head).into_bytes();
    new.extend_from_slice(&data[sheet.data_tag.start..]);
    new.extend_from_slice(moved_refs(&rest).as_bytes());
    rewrite(&mut ar, bytes.len(), &[(parts.sheet, new)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(16383), "XFD");
        assert_eq!(parse_ref("XFD1048576"), Some((16383, 1_048_576)));
        assert_eq!(parse_ref("b12"), Some((1, 12)));
        assert_eq!(resolve("xl", "worksheets/sheet1.xml"), "xl/worksheets/sheet1.xml");
        assert_eq!(resolve("xl", "/xl/worksheets/sheet1.xml"), "xl/worksheets/sheet1.xml");
        assert_eq!(resolve("xl/worksheets", "../styles.xml"), "xl/styles.xml");
    }

    #[test]
    fn underscores_that_look_like_escapes_stay_text() {
        assert_eq!(literal_underscores("a_x0041_b"), "a_x005F_x0041_b");
        assert_eq!(literal_underscores("ID_x_12"), "ID_x_12");
        assert_eq!(literal_underscores("ø_"), "ø_");
    }

    #[test]
    fn attributes_are_set_or_added() {
        assert_eq!(
            set_attr("<xf numFmtId=\"0\" fontId=\"1\"", "numFmtId", "14"),
            "<xf numFmtId=\"14\" fontId=\"1\""
        );
        assert_eq!(set_attr("<xf fontId=\"1\"/", "numFmtId", "14"), "<xf fontId=\"1\" numFmtId=\"14\"/");
    }

    #[test]
    fn date_formats_are_told_from_others() {
        assert!(is_date_format("dd.mm.yyyy"));
        assert!(is_date_format("[$-414]d. mmmm yyyy"));
        assert!(!is_date_format("@"));
        assert!(!is_date_format("0.00"));
        assert!(!is_date_format("[Red]0"));
        assert_eq!(serial(NaiveDate::from_ymd_opt(2025, 1, 30).unwrap(), false), 45687);
        assert_eq!(serial(NaiveDate::from_ymd_opt(2025, 1, 30).unwrap(), true), 45687 - 1462);
    }
}
