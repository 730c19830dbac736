//! Reading a laid-out document: every run of text with its page, its baseline
//! and the elements it belongs to (headings, table cells), so that layout can
//! be checked (a heading must not end a page, a row must not split) and a last
//! page holding a line or two can be avoided.

use std::collections::{BTreeMap, HashMap};

use typst::foundations::Content;
use typst::introspection::{Location, Tag};
use typst::layout::{Frame, FrameItem, Point, Transform};
use typst_layout::PagedDocument;

use crate::theme::Theme;

/// One run of text as laid out.
#[derive(Debug, Clone)]
pub struct Run {
    /// 0-based page index.
    pub page: usize,
    /// Baseline and left edge, in points from the page's top left corner.
    pub y: f64,
    pub x: f64,
    pub text: String,
    /// Inside the page's body (not the header or footer).
    pub body: bool,
    /// The heading or title the run belongs to, if any (a number per element).
    pub heading: Option<usize>,
    /// The table cell the run belongs to, if any (a number per cell).
    pub cell: Option<usize>,
    /// The outermost table the run is in, by the number the PDF's source gave
    /// it, and the row of its innermost cell counted in that table (see
    /// [`TABLE_LABEL`]).
    pub table: Option<usize>,
    pub row: Option<usize>,
}

/// The label prefix the PDF's source gives each table: `<arsplan-t3-r12-h1>`
/// is the table numbered 3 in document order, with one header row, whose
/// body rows here start 12 rows further down (a table split at a page break
/// continues as a second Typst table with the header rows again).
pub const TABLE_LABEL: &str = "arsplan-t";

/// Every run of text of a laid-out document, page by page, in reading order.
pub fn runs(doc: &PagedDocument, theme: &Theme) -> Vec<Run> {
    let mm = |v: f32| f64::from(v) * 72.0 / 25.4;
    let mut out = Vec::new();
    let mut ids: HashMap<Location, usize> = HashMap::new();
    let mut open: Vec<Open> = Vec::new();
    for (i, page) in doc.pages().iter().enumerate() {
        let height = page.frame.height().to_pt();
        let (top, bottom) = (mm(theme.page.margin_top_mm), height - mm(theme.page.margin_bottom_mm));
        let mut walk = Walk { page: i, top, bottom, out: &mut out, ids: &mut ids, open: &mut open };
        walk.frame(&page.frame, Transform::identity());
    }
    out
}

/// An element the walk is inside: where it is, its kind, and for a table its
/// number, how far its body rows are shifted and how many header rows it has
/// (for a cell: its row).
type Open = (Location, &'static str, Option<(usize, usize, usize)>);

struct Walk<'a> {
    page: usize,
    top: f64,
    bottom: f64,
    out: &'a mut Vec<Run>,
    ids: &'a mut HashMap<Location, usize>,
    open: &'a mut Vec<Open>,
}

impl Walk<'_> {
    fn id(&mut self, loc: Location) -> usize {
        let n = self.ids.len();
        *self.ids.entry(loc).or_insert(n)
    }

    fn innermost(&mut self, kinds: &[&str]) -> Option<usize> {
        let loc = self.open.iter().rev().find(|(_, k, _)| kinds.contains(k)).map(|(l, _, _)| *l)?;
        Some(self.id(loc))
    }

    /// The outermost table's number and the row in it of the run's cell.
    fn table_row(&self) -> (Option<usize>, Option<usize>) {
        let Some(i) = self.open.iter().position(|(_, k, _)| *k == "table") else { return (None, None) };
        let Some((number, shift, header)) = self.open[i].2 else { return (None, None) };
        let row = self.open[i..].iter().find(|(_, k, _)| *k == "cell").and_then(|(_, _, r)| *r);
        (Some(number), row.map(|(y, _, _)| if y < header { y } else { y + shift }))
    }

    fn frame(&mut self, frame: &Frame, ts: Transform) {
        for (pos, item) in frame.items() {
            let at = Point::new(pos.x, pos.y).transform(ts);
            match item {
                FrameItem::Group(g) => {
                    let inner = ts.pre_concat(Transform::translate(pos.x, pos.y)).pre_concat(g.transform);
                    self.frame(&g.frame, inner);
                }
                FrameItem::Text(t) => {
                    let y = at.y.to_pt();
                    let (table, row) = self.table_row();
                    let run = Run {
                        page: self.page,
                        y,
                        x: at.x.to_pt(),
                        text: t.text.to_string(),
                        body: y > self.top && y < self.bottom,
                        heading: self.innermost(&["heading", "title"]),
                        cell: self.innermost(&["cell"]),
                        table,
                        row,
                    };
                    self.out.push(run);
                }
                FrameItem::Tag(Tag::Start(content, _)) => start(self, content),
                FrameItem::Tag(Tag::End(loc, _, _)) => {
                    if let Some(i) = self.open.iter().rposition(|(l, _, _)| l == loc) {
                        self.open.remove(i);
                    }
                }
                _ => {}
            }
        }
    }
}

fn start(w: &mut Walk, content: &Content) {
    let name = content.elem().name();
    let (kind, extra) = match name {
        "heading" => ("heading", None),
        "title" => ("title", None),
        // A cell knows its row once the table is resolved.
        "cell" => {
            let y = content.get_by_name("y").ok().and_then(|v| v.cast::<i64>().ok());
            ("cell", y.and_then(|y| usize::try_from(y).ok()).map(|y| (y, 0, 0)))
        }
        "table" => {
            let label = content.label().map(|l| l.resolve().to_string()).unwrap_or_default();
            let numbers = label.strip_prefix(TABLE_LABEL).and_then(|rest| {
                let (n, rest) = rest.split_once("-r")?;
                let (r, h) = rest.split_once("-h")?;
                Some((n.parse().ok()?, r.parse().ok()?, h.parse().ok()?))
            });
            ("table", numbers)
        }
        _ => return,
    };
    if let Some(loc) = content.location() {
        w.open.push((loc, kind, extra));
    }
}

/// The baselines of the body text on a page (one per line), top to bottom.
pub fn lines(runs: &[Run], page: usize) -> Vec<f64> {
    let mut ys: Vec<f64> =
        runs.iter().filter(|r| r.page == page && r.body).map(|r| (r.y * 2.0).round() / 2.0).collect();
    ys.sort_by(f64::total_cmp);
    ys.dedup();
    ys
}

/// Headings that end a page: the text that follows them starts on a later page.
pub fn stranded_headings(runs: &[Run]) -> Vec<(usize, String)> {
    let body: Vec<&Run> = runs.iter().filter(|r| r.body).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < body.len() {
        let Some(h) = body[i].heading else {
            i += 1;
            continue;
        };
        let mut j = i;
        let mut text = String::new();
        while j < body.len() && body[j].heading == Some(h) {
            text.push_str(&body[j].text);
            j += 1;
        }
        // The next run that is not a heading; another heading may follow first.
        let mut k = j;
        while k < body.len() && body[k].heading.is_some() {
            k += 1;
        }
        if k < body.len() && body[k].page != body[j - 1].page {
            out.push((body[j - 1].page, text));
        }
        i = j;
    }
    out
}

/// A line of the body as laid out, for the checks of what a page starts and
/// ends with: its page, its text, and what it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub page: usize,
    pub text: String,
    pub kind: LineKind,
}

/// What a line of the body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// The first line of a list item (it holds the item's marker).
    Item,
    /// A further line of a list item (indented as the item's text).
    ItemMore,
    /// Anything else: a paragraph, a heading, a table's line.
    Other,
}

/// The list markers the PDF sets (render::pdf).
const MARKERS: [&str; 3] = ["•", "–", "▪"];

/// The body's lines, page by page, top to bottom, each with its kind. A
/// list's items are known by their markers at the list's indent from the
/// left margin (`margin_left` points); table cells are never list lines.
pub fn body_lines(runs: &[Run], margin_left: f64) -> Vec<Line> {
    let mut by_line: BTreeMap<(usize, i64), Vec<&Run>> = BTreeMap::new();
    for r in runs.iter().filter(|r| r.body) {
        by_line.entry((r.page, (r.y * 2.0).round() as i64)).or_default().push(r);
    }
    let indent = margin_left + f64::from(super::pdf::LIST_INDENT_MM) * 72.0 / 25.4;
    let text_x = indent + f64::from(super::pdf::LIST_MARKER_MM) * 72.0 / 25.4;
    let mut out = Vec::new();
    for ((page, _), mut line) in by_line {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
        let first = line[0];
        let text: String = line.iter().map(|r| r.text.as_str()).collect();
        let marker = MARKERS.contains(&first.text.trim())
            || (first.text.trim().ends_with('.')
                && first.text.trim()[..first.text.trim().len() - 1].parse::<u32>().is_ok());
        let kind = if line.iter().any(|r| r.cell.is_some()) {
            LineKind::Other
        } else if marker && first.x >= indent - 1.0 && first.x < text_x - 1.0 {
            LineKind::Item
        } else if first.x >= text_x - 1.0 {
            LineKind::ItemMore
        } else {
            LineKind::Other
        };
        out.push(Line { page, text, kind });
    }
    out
}

/// Lists that leave one item alone at a page's foot or top (the item and the
/// page), and lead-ins cut from what they introduce: a line ending in «:» that
/// ends a page, or a list that starts a page after a paragraph.
pub fn lone_items_and_cut_lead_ins(lines: &[Line]) -> Vec<String> {
    let mut out = Vec::new();
    let pages = lines.iter().map(|l| l.page).max().map_or(0, |p| p + 1);
    let on = |p: usize| -> Vec<&Line> { lines.iter().filter(|l| l.page == p).collect() };
    let list = |l: &Line| l.kind != LineKind::Other;
    for p in 0..pages.saturating_sub(1) {
        let (this, next) = (on(p), on(p + 1));
        let (Some(last), Some(first)) = (this.last(), next.first()) else { continue };
        if list(last) && list(first) {
            // One list over the break: how many items on each side.
            let before =
                this.iter().rev().take_while(|l| list(l)).filter(|l| l.kind == LineKind::Item).count();
            let after_lines: Vec<&&Line> = next.iter().take_while(|l| list(l)).collect();
            let after = after_lines.iter().filter(|l| l.kind == LineKind::Item).count()
                + usize::from(first.kind == LineKind::ItemMore);
            if before < 2 {
                out.push(format!("page {} ends with one item of a list: «{}»", p + 1, last.text));
            }
            if after < 2 {
                out.push(format!("page {} starts with one item of a list: «{}»", p + 2, first.text));
            }
        }
        if !list(last) && last.text.trim_end().ends_with(':') {
            out.push(format!("page {} ends with a lead-in: «{}»", p + 1, last.text));
        }
        if !list(last) && first.kind == LineKind::Item {
            out.push(format!(
                "page {} starts with a list, its lead-in «{}» on the page before",
                p + 2,
                last.text
            ));
        }
    }
    out
}

/// Table cells whose text is on more than one page (a row split across pages).
pub fn split_cells(runs: &[Run]) -> Vec<(usize, String)> {
    let mut pages: BTreeMap<usize, (usize, usize, String)> = BTreeMap::new();
    for r in runs.iter().filter(|r| r.body) {
        if let Some(c) = r.cell {
            let e = pages.entry(c).or_insert((r.page, r.page, String::new()));
            e.0 = e.0.min(r.page);
            e.1 = e.1.max(r.page);
            if e.2.len() < 40 {
                e.2.push_str(&r.text);
            }
        }
    }
    pages.into_values().filter(|(a, b, _)| a != b).map(|(a, _, t)| (a, t)).collect()
}

/// Where each numbered table's body rows were laid out: for each table
/// number, its pages in order with the body rows (counted from 0) on each.
/// `header_rows` gives each table's number of header rows, which repeat.
pub fn table_fragments(runs: &[Run], header_rows: &[usize]) -> BTreeMap<usize, Vec<(usize, Vec<usize>)>> {
    let mut out: BTreeMap<usize, Vec<(usize, Vec<usize>)>> = BTreeMap::new();
    for r in runs.iter().filter(|r| r.body) {
        let (Some(t), Some(row)) = (r.table, r.row) else { continue };
        let header = header_rows.get(t).copied().unwrap_or(0);
        if row < header {
            continue;
        }
        let frags = out.entry(t).or_default();
        match frags.last_mut() {
            Some((page, rows)) if *page == r.page => {
                if !rows.contains(&(row - header)) {
                    rows.push(row - header);
                }
            }
            _ => frags.push((r.page, vec![row - header])),
        }
    }
    out
}

/// The marks of a chart as laid out: its text boxes and its dashed lines.
#[derive(Debug, Clone, Default)]
pub struct ChartMarks {
    pub page: usize,
    /// (left, top, right, bottom, text), in points on the page.
    pub texts: Vec<(f64, f64, f64, f64, String)>,
    /// Dashed lines: (x, top, bottom) of each vertical one, (left, right, y) of
    /// each horizontal one, as ((x0, y0), (x1, y1)).
    pub dashed: Vec<((f64, f64), (f64, f64))>,
    /// Whether each text is light (white on a bar), in the order of `texts`.
    pub light: Vec<bool>,
}

/// Every chart (a figure of kind «diagram») of a laid-out document.
pub fn charts(doc: &PagedDocument) -> Vec<ChartMarks> {
    let mut out = Vec::new();
    for (i, page) in doc.pages().iter().enumerate() {
        let mut open: Vec<Location> = Vec::new();
        let mut current: Option<ChartMarks> = None;
        chart_frame(&page.frame, Transform::identity(), i, &mut open, &mut current, &mut out);
    }
    out
}

fn chart_frame(
    frame: &Frame,
    ts: Transform,
    page: usize,
    open: &mut Vec<Location>,
    current: &mut Option<ChartMarks>,
    out: &mut Vec<ChartMarks>,
) {
    for (pos, item) in frame.items() {
        let at = Point::new(pos.x, pos.y).transform(ts);
        match item {
            FrameItem::Group(g) => {
                let inner = ts.pre_concat(Transform::translate(pos.x, pos.y)).pre_concat(g.transform);
                chart_frame(&g.frame, inner, page, open, current, out);
            }
            FrameItem::Tag(Tag::Start(content, _)) if content.elem().name() == "figure" => {
                if let Some(loc) = content.location() {
                    open.push(loc);
                    *current = Some(ChartMarks { page, ..ChartMarks::default() });
                }
            }
            FrameItem::Tag(Tag::End(loc, _, _)) if open.last() == Some(loc) => {
                open.pop();
                if let Some(c) = current.take() {
                    out.push(c);
                }
            }
            FrameItem::Text(t) if current.is_some() => {
                let size = t.size.to_pt();
                let (x, y) = (at.x.to_pt(), at.y.to_pt());
                if let Some(c) = current.as_mut() {
                    let [r, g, b, _] = t.fill.unwrap_solid().to_vec4();
                    c.light.push(0.2126 * r + 0.7152 * g + 0.0722 * b > 0.8);
                    c.texts.push((
                        x,
                        y - 0.75 * size,
                        x + t.width().to_pt(),
                        y + 0.25 * size,
                        t.text.to_string(),
                    ));
                }
            }
            FrameItem::Shape(shape, _) if current.is_some() => {
                let dashed = shape.stroke.as_ref().is_some_and(|s| s.dash.is_some());
                if let (true, typst::visualize::Geometry::Line(end)) = (dashed, &shape.geometry) {
                    let to = Point::new(pos.x + end.x, pos.y + end.y).transform(ts);
                    if let Some(c) = current.as_mut() {
                        c.dashed.push(((at.x.to_pt(), at.y.to_pt()), (to.x.to_pt(), to.y.to_pt())));
                    }
                }
            }
            _ => {}
        }
    }
}

/// The pictures on a page: the top and bottom of each, in points.
pub fn pictures(doc: &PagedDocument, page: usize) -> Vec<(f64, f64)> {
    fn walk(frame: &Frame, ts: Transform, out: &mut Vec<(f64, f64)>) {
        for (pos, item) in frame.items() {
            match item {
                FrameItem::Group(g) => walk(
                    &g.frame,
                    ts.pre_concat(Transform::translate(pos.x, pos.y)).pre_concat(g.transform),
                    out,
                ),
                FrameItem::Image(_, size, _) => {
                    let top = Point::new(pos.x, pos.y).transform(ts).y.to_pt();
                    out.push((top, top + size.y.to_pt()));
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    if let Some(p) = doc.pages().get(page) {
        walk(&p.frame, Transform::identity(), &mut out);
    }
    out
}
