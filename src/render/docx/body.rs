//! The document body: every block of a [`Document`](crate::doc::Document)
//! as docx-rs paragraphs and tables, written against the package's style and
//! numbering ids ([`Ids`]).
//!
//! What docx-rs cannot say (a table's header rows, a picture's alternative
//! text) the body keeps beside the document as [`Facts`], for the one pass
//! that makes docx-rs' output valid ([`super::normalize`]).
//!
//! Spacing follows the house style's `[avstand]` as the PDF does (see
//! `render/pdf.rs`): paragraphs and blocks have space after, headings and
//! named styles space before; list items, table cells and the paragraph after
//! a table are spaced so that Word's additive spacing matches Typst's.

use docx_rs::{
    AlignmentType, BreakType, Delete, Hyperlink, HyperlinkData, IndentLevel, Insert, LineSpacing,
    NumberingId, Paragraph, Pic, Run, Shading, ShdType, Tab, TabValueType, Table as DTable, TableBorder,
    TableBorderPosition, TableBorders, TableCell, TableCellMargins, TableLayoutType, TableRow, WidthType,
};

use super::normalize::Facts;
use super::{mm_twips, pt_twips, Ids, TWIPS_PER_MM};
use crate::diag::{Error, Result};
use crate::doc::{Block, Change, Image, Inline, Table};
use crate::render::autofit;
use crate::render::pdf::{LIST_INDENT_MM, LIST_MARKER_MM};
use crate::render::spacing::{Model, Place};
use crate::render::{image_size, keep, Assets};
use crate::theme::Theme;

const EMU_PER_MM: f32 = 36_000.0;

/// Text as XML may hold it: without the control characters XML 1.0 forbids
/// (docx-rs escapes markup but passes them through).
fn xml_text(s: &str) -> String {
    let allowed = |c: &char| {
        ((*c as u32) >= 0x20 || matches!(c, '\t' | '\n' | '\r')) && !matches!(c, '\u{fffe}' | '\u{ffff}')
    };
    s.chars().filter(allowed).collect()
}

/// Paragraph properties, kept apart from the runs so that a paragraph's
/// spacing can still change once its neighbours are known.
#[derive(Debug, Clone, Default)]
pub struct PPr {
    pub style: Option<String>,
    pub keep_next: bool,
    pub keep_lines: bool,
    /// (level, numbering id)
    pub num: Option<(usize, u32)>,
    /// Right-aligned tab stops (twips).
    pub right_tabs: Vec<u32>,
    /// Centred tab stops (twips).
    pub center_tabs: Vec<u32>,
    pub before: Option<u32>,
    pub after: Option<u32>,
    pub indent: Option<i32>,
    pub right: bool,
    pub page_break_before: bool,
    pub outline: Option<usize>,
    /// The paragraph mark added or deleted (an endringsversjon): the change, by whom, when.
    pub mark: Option<(Change, Revision)>,
}

/// Who made the tracked changes of an endringsversjon, and when (`w:author`, `w:date`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Revision {
    pub author: String,
    pub date: String,
}

impl Revision {
    fn insert(&self, run: Run) -> Insert {
        Insert::new(run).author(&self.author).date(&self.date)
    }

    fn delete(&self, run: Run) -> Delete {
        Delete::new().add_run(run).author(&self.author).date(&self.date)
    }
}

/// Run properties.
#[derive(Debug, Clone, Default)]
pub struct RPr {
    pub style: Option<String>,
    pub bold: bool,
    pub italic: bool,
    pub color: Option<String>,
    /// Half points.
    pub size: Option<usize>,
}

impl RPr {
    /// An empty run in this look.
    pub fn run(&self) -> Run {
        let mut r = Run::new();
        if let Some(s) = &self.style {
            r = r.style(s);
        }
        if self.bold {
            r = r.bold();
        }
        if self.italic {
            r = r.italic();
        }
        if let Some(c) = &self.color {
            r = r.color(c);
        }
        if let Some(s) = self.size {
            r = r.size(s);
        }
        r
    }

    /// A run of text in this look.
    pub fn text(&self, text: &str) -> Run {
        self.run().add_text(xml_text(text))
    }

    /// A run of deleted text (`w:delText`) in this look.
    pub fn deleted_text(&self, text: &str) -> Run {
        self.run().add_delete_text(xml_text(text))
    }
}

/// A paragraph: its properties and its runs.
#[derive(Debug, Clone, Default)]
pub struct Para {
    pub ppr: PPr,
    pub runs: Paragraph,
}

impl Para {
    pub fn new(ppr: PPr) -> Para {
        Para { ppr, runs: Paragraph::new() }
    }

    pub fn add_run(mut self, r: Run) -> Para {
        self.runs = self.runs.add_run(r);
        self
    }

    /// A run, inserted or deleted as a tracked change when `change` says so.
    fn add_changed(mut self, r: Run, change: Option<Change>, rev: &Revision) -> Para {
        self.runs = match change {
            None => self.runs.add_run(r),
            Some(Change::Inserted) => self.runs.add_insert(rev.insert(r)),
            Some(Change::Deleted) => self.runs.add_delete(rev.delete(r)),
        };
        self
    }

    /// The docx-rs paragraph.
    pub fn into_docx(self) -> Paragraph {
        let (ppr, mut p) = (self.ppr, self.runs);
        if let Some(s) = &ppr.style {
            p = p.style(s);
        }
        if ppr.keep_next {
            p = p.keep_next(true);
        }
        if ppr.keep_lines {
            p = p.keep_lines(true);
        }
        if ppr.page_break_before {
            p = p.page_break_before(true);
        }
        if let Some((level, id)) = ppr.num {
            p = p.numbering(NumberingId::new(id as usize), IndentLevel::new(level));
        }
        for pos in &ppr.center_tabs {
            p = p.add_tab(Tab::new().val(TabValueType::Center).pos(*pos as usize));
        }
        for pos in &ppr.right_tabs {
            p = p.add_tab(Tab::new().val(TabValueType::Right).pos(*pos as usize));
        }
        if ppr.before.is_some() || ppr.after.is_some() {
            let mut s = LineSpacing::new();
            if let Some(b) = ppr.before {
                s = s.before(b);
            }
            if let Some(a) = ppr.after {
                s = s.after(a);
            }
            p = p.line_spacing(s);
        }
        if let Some(i) = ppr.indent {
            p = p.indent(Some(i), None, None, None);
        }
        if ppr.right {
            p = p.align(AlignmentType::Right);
        }
        if let Some(o) = ppr.outline {
            p = p.outline_lvl(o);
        }
        match ppr.mark {
            Some((Change::Inserted, rev)) => p = p.insert(rev.author, rev.date),
            Some((Change::Deleted, rev)) => p = p.delete(rev.author, rev.date),
            None => {}
        }
        p
    }
}

/// The pictures of one story part: one relationship id per distinct picture
/// (docx-rs keeps a single copy of equal bytes), and the alternative texts
/// by that id.
#[derive(Debug, Default)]
pub struct Pictures {
    /// `rIdImg1`, ... with their PNG bytes, in first-use order.
    pub images: Vec<(String, Vec<u8>)>,
    pub alts: std::collections::BTreeMap<String, String>,
    /// The vector original of a picture (an SVG), by the PNG's relationship id:
    /// Word 2016 and LibreOffice show it, older readers the PNG.
    pub svgs: std::collections::BTreeMap<String, Vec<u8>>,
}

impl Pictures {
    /// A run holding a picture (PNG bytes) at a size, with its alternative text.
    pub fn run(&mut self, bytes: Vec<u8>, alt: &str, width_mm: f32, height_mm: f32) -> Result<Run> {
        self.run_with_id(bytes, alt, width_mm, height_mm).map(|(r, _)| r)
    }

    /// A run holding a picture, and the picture's relationship id.
    pub fn run_with_id(
        &mut self,
        bytes: Vec<u8>,
        alt: &str,
        width_mm: f32,
        height_mm: f32,
    ) -> Result<(Run, String)> {
        let (w, h) = image_size(&bytes).ok_or_else(|| Error::msg("et bilde er ikke PNG"))?;
        let id = match self.images.iter().find(|(_, b)| *b == bytes) {
            Some((id, _)) => id.clone(),
            None => {
                let id = format!("rIdImg{}", self.images.len() + 1);
                self.images.push((id.clone(), bytes.clone()));
                id
            }
        };
        // The same picture twice keeps the alternative text it first had.
        self.alts.entry(id.clone()).or_insert_with(|| xml_text(alt));
        let pic = Pic::new_with_dimensions(bytes, w, h)
            .size((width_mm * EMU_PER_MM) as u32, (height_mm * EMU_PER_MM) as u32)
            .id(id.clone());
        Ok((Run::new().add_image(pic), id))
    }
}

/// Body-level content: a paragraph or a table.
pub enum Part {
    P(Box<Para>),
    T(Box<DTable>),
}

/// Inline formatting carried down into runs.
#[derive(Clone, Copy, Default)]
struct Fmt {
    bold: bool,
    italic: bool,
    /// Inside a tracked change.
    change: Option<Change>,
}

pub struct Body<'a> {
    pub theme: &'a Theme,
    pub assets: &'a Assets,
    pub ids: &'a Ids,
    pub pics: Pictures,
    /// The external links: `rIdLink1` is the first.
    pub links: Vec<String>,
    /// Numbering ids of the ordered lists (each restarts at 1).
    pub ordered: Vec<u32>,
    /// The header-row count of every table, in document order.
    pub tables: Vec<usize>,
    /// Set while rendering header cells: their text colour (and bold).
    head_color: Option<String>,
    /// The document's date (charts are compiled with it as today).
    date: chrono::NaiveDate,
    /// The last block was a table: Word adds no space after a table, the PDF a
    /// paragraph's, so the next paragraph gets it as space before.
    after_table: bool,
    /// The last block was a page break: the next paragraph starts a page.
    page_break: bool,
    /// The tables' column widths (render::autofit), as in the PDF.
    fitter: autofit::Fitter,
    /// The Word charts, by the relationship id their drawing has.
    pub charts: Vec<(String, crate::render::chart::WordChart)>,
    /// Who made and when the tracked changes (an endringsversjon's) were made.
    pub revision: Revision,
    /// How deep in table cells the writer is (a cell's paragraph marks are never changes).
    cells: usize,
    /// A chart or picture added or removed as a whole is being written.
    block_change: Option<Change>,
}

/// The relationship ids of charts: `rIdChart1`, ...
pub const CHART_REL: &str = "rIdChart";

/// The picture docx-rs writes where a chart goes (a 1 × 1 white PNG, and the
/// chart's id after its end); the package leaves it out.
const PLACEHOLDER_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde, 0x00,
    0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x08, 0xd7, 0x63, 0xf8, 0xff, 0xff, 0x3f, 0x00, 0x05, 0xfe,
    0x02, 0xfe, 0xdc, 0xcc, 0x59, 0xe7, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60,
    0x82,
];

impl<'a> Body<'a> {
    pub fn new(
        theme: &'a Theme,
        assets: &'a Assets,
        ids: &'a Ids,
        date: chrono::NaiveDate,
        blocks: &[Block],
    ) -> Self {
        Body {
            fitter: autofit::Fitter::new(&autofit::tables(blocks), theme),
            theme,
            assets,
            ids,
            pics: Pictures::default(),
            links: Vec::new(),
            ordered: Vec::new(),
            tables: Vec::new(),
            head_color: None,
            date,
            after_table: false,
            page_break: false,
            charts: Vec::new(),
            revision: Revision::default(),
            cells: 0,
            block_change: None,
        }
    }

    /// The body's blocks as docx-rs content of `doc`, and what the pass over
    /// the written XML needs to know.
    pub fn write(
        mut self,
        blocks: &[Block],
        width: u32,
        mut doc: docx_rs::Docx,
    ) -> Result<(docx_rs::Docx, Self)> {
        for part in self.blocks(blocks, None, width)? {
            doc = match part {
                Part::P(p) => doc.add_paragraph(p.into_docx()),
                Part::T(t) => doc.add_table(*t),
            };
        }
        Ok((doc, self))
    }

    /// The facts the normalising pass applies to the body.
    pub fn facts(&self) -> Facts {
        Facts {
            header_rows: self.tables.clone(),
            alts: self.pics.alts.clone(),
            svgs: self.pics.svgs.keys().map(|id| (id.clone(), format!("{id}Svg"))).collect(),
            charts: self.charts.iter().map(|(id, _)| id.clone()).collect(),
            ..Facts::default()
        }
    }

    fn runs(&mut self, mut p: Para, inl: &[Inline], f: Fmt) -> Para {
        for i in inl {
            match i {
                Inline::Text(t) if t.is_empty() => {}
                Inline::Text(t) => {
                    let rpr = RPr {
                        bold: f.bold || self.head_color.is_some(),
                        italic: f.italic,
                        color: self.head_color.clone(),
                        ..RPr::default()
                    };
                    let run =
                        if f.change == Some(Change::Deleted) { rpr.deleted_text(t) } else { rpr.text(t) };
                    p = p.add_changed(run, f.change, &self.revision);
                }
                Inline::Strong(c) => p = self.runs(p, c, Fmt { bold: true, ..f }),
                Inline::Emph(c) => p = self.runs(p, c, Fmt { italic: true, ..f }),
                Inline::LineBreak => {
                    p = p.add_changed(Run::new().add_break(BreakType::TextWrapping), f.change, &self.revision)
                }
                Inline::Changed { change, content } => {
                    p = self.runs(p, content, Fmt { change: Some(*change), ..f })
                }
                // A link's text that changed is text (Word tracks runs, not links).
                Inline::Link { content, .. } if f.change.is_some() => p = self.runs(p, content, f),
                Inline::Link { url, content } => {
                    self.links.push(url.clone());
                    // The relationship id is arsplan's (docx-rs would number links
                    // with a counter shared by the whole process).
                    let rid = format!("rIdLink{}", self.links.len());
                    let mut h = Hyperlink {
                        link: HyperlinkData::External { rid, path: url.clone() },
                        history: Some(1),
                        children: Vec::new(),
                    };
                    for r in self.link_runs(content, f) {
                        h = h.add_run(r);
                    }
                    p.runs = p.runs.add_hyperlink(h);
                }
            }
        }
        p
    }

    fn link_runs(&self, inl: &[Inline], f: Fmt) -> Vec<Run> {
        let mut out = Vec::new();
        for i in inl {
            match i {
                Inline::Text(t) if t.is_empty() => {}
                Inline::Text(t) => {
                    let rpr = RPr {
                        style: Some(self.ids.hyperlink.clone()),
                        bold: f.bold,
                        italic: f.italic,
                        ..RPr::default()
                    };
                    out.push(rpr.text(t));
                }
                Inline::Strong(c) => out.extend(self.link_runs(c, Fmt { bold: true, ..f })),
                Inline::Emph(c) => out.extend(self.link_runs(c, Fmt { italic: true, ..f })),
                Inline::LineBreak => out.push(Run::new().add_break(BreakType::TextWrapping)),
                Inline::Link { content, .. } | Inline::Changed { content, .. } => {
                    out.extend(self.link_runs(content, f))
                }
            }
        }
        out
    }

    fn para(&mut self, mut ppr: PPr, inl: &[Inline]) -> Para {
        // A paragraph added or removed as a whole: its mark too (not in a
        // table cell, whose row is what is added or removed).
        if self.cells == 0 {
            ppr.mark = crate::revise::diff::whole_change(inl).map(|c| (c, self.revision.clone()));
        }
        self.runs(Para::new(ppr), inl, Fmt::default())
    }

    fn picture(&mut self, img: &Image, max_width_twips: u32) -> Result<Para> {
        let bytes = self.assets.images.get(&img.src).ok_or_else(|| {
            Error::msg(format!("bildet «{}» finnes ikke", img.src))
                .with_hint("bilder malen viser må ligge i husstilens mappe eller nettverkets datamappe")
        })?;
        // The size the PDF gives it too (render::picture_size).
        let max_w = max_width_twips as f32 / TWIPS_PER_MM;
        let (w, h) = crate::render::picture_size(
            bytes,
            img.width_mm,
            max_w,
            crate::render::max_picture_height_mm(self.theme),
        )
        .ok_or_else(|| Error::msg(format!("bildet «{}» er verken PNG eller SVG", img.src)))?;
        let (png, svg) = if img.src.ends_with(".svg") {
            (crate::render::chart::svg_png(bytes, w, self.date)?, Some(bytes.clone()))
        } else {
            (bytes.clone(), None)
        };
        let (run, id) = self.pics.run_with_id(png, &img.alt, w, h)?;
        if let Some(svg) = svg {
            self.pics.svgs.insert(id, svg);
        }
        Ok(self.changed_para(PPr::default(), run))
    }

    /// A paragraph of one run (a picture, a chart), a tracked change as a
    /// whole when it is added or removed.
    fn changed_para(&self, mut ppr: PPr, run: Run) -> Para {
        let change = self.block_change;
        if self.cells == 0 {
            ppr.mark = change.map(|c| (c, self.revision.clone()));
        }
        Para::new(ppr).add_changed(run, change, &self.revision)
    }

    /// Renders blocks into body-level paragraphs and tables.
    fn blocks(&mut self, blocks: &[Block], style: Option<&str>, width: u32) -> Result<Vec<Part>> {
        let mut out = Vec::new();
        for (i, b) in blocks.iter().enumerate() {
            let start = out.len();
            self.block(b, style, width, &mut out)?;
            // What stays together, as in the PDF (render::keep): a block kept
            // whole and with the next, or a short list kept whole.
            let with_next = keep::bridges(self.theme, blocks, i)
                || (i + 1 < blocks.len() && keep::keeps_previous(self.theme, blocks, i + 1));
            let whole_list = matches!(b, Block::List { items, .. } if keep::list_whole(items));
            let n = out.len();
            for (k, part) in out[start..].iter_mut().enumerate() {
                if let Part::P(p) = part {
                    if with_next || whole_list {
                        p.ppr.keep_lines = true;
                        p.ppr.keep_next |= with_next || start + k + 1 < n;
                    }
                }
            }
        }
        Ok(out)
    }

    fn block(&mut self, b: &Block, style: Option<&str>, width: u32, out: &mut Vec<Part>) -> Result<()> {
        let start = out.len();
        let after_table = std::mem::take(&mut self.after_table);
        let page_break = std::mem::take(&mut self.page_break);
        self.block_inner(b, style, width, out)?;
        if after_table {
            // The first paragraph after a table (Word puts no space below one).
            let model = Model::new(self.theme);
            let own = match b {
                Block::Title(_) => model.title(),
                Block::Heading { level, class, .. } => model.heading(*level, class.as_deref()),
                Block::Styled { class, .. } => model.class(class),
                _ => model.normal(),
            };
            if let Some(Part::P(first)) = out.get_mut(start) {
                first.ppr.before = Some(pt_twips(model.after_table(own).before));
            }
        }
        if page_break {
            // Word's way to start a page: the next paragraph starts it (a
            // paragraph holding a break would leave an empty line there).
            match out.get_mut(start) {
                Some(Part::P(first)) => first.ppr.page_break_before = true,
                _ => {
                    let p = Para::new(PPr::default()).add_run(Run::new().add_break(BreakType::Page));
                    out.insert(start, Part::P(Box::new(p)));
                }
            }
        }
        self.page_break = matches!(b, Block::PageBreak);
        self.after_table = matches!(b, Block::Table(_));
        Ok(())
    }

    fn block_inner(&mut self, b: &Block, style: Option<&str>, width: u32, out: &mut Vec<Part>) -> Result<()> {
        match b {
            Block::Title(content) => {
                let ppr = PPr { style: Some(self.ids.title.clone()), ..PPr::default() };
                out.push(Part::P(Box::new(self.para(ppr, content))));
            }
            Block::Heading { level, content, class } => {
                let level = (*level).clamp(1, 4) as usize;
                let ppr = match class.as_ref().and_then(|c| self.ids.classes.get(c)) {
                    // A heading in a named style: its look, its place in the outline.
                    Some(id) => PPr {
                        style: Some(id.clone()),
                        outline: Some(level - 1),
                        keep_next: true,
                        keep_lines: true,
                        ..PPr::default()
                    },
                    None => PPr { style: Some(self.ids.headings[level - 1].clone()), ..PPr::default() },
                };
                out.push(Part::P(Box::new(self.para(ppr, content))));
            }
            Block::Paragraph(c) => {
                let ppr = PPr { style: style.map(str::to_string), ..PPr::default() };
                out.push(Part::P(Box::new(self.para(ppr, c))));
            }
            Block::List { ordered, items } => {
                let start = out.len();
                self.list(*ordered, items, 0, style, width, out)?;
                // The list's last item has a paragraph's space after.
                let model = Model::new(self.theme);
                let last = model.place(model.normal(), Place::Item { last: true });
                if let Some(Part::P(p)) = out.get_mut(start..).and_then(|s| s.last_mut()) {
                    if p.ppr.num.is_some() && !last.contextual {
                        p.ppr.before = None;
                        p.ppr.after = Some(pt_twips(last.after));
                    }
                }
            }
            Block::Table(t) => {
                let table = self.table(t, width)?;
                out.push(Part::T(Box::new(table)));
            }
            Block::Image(img) => {
                let mut p = self.picture(img, width)?;
                p.ppr.style = style.map(str::to_string);
                out.push(Part::P(Box::new(p)));
            }
            Block::Chart(c) => {
                // A real Word chart, the PDF's size; docx-rs writes a picture
                // in its place, which the normalising pass turns into the chart.
                let chart = crate::render::chart::word(c, self.theme, f64::from(width) / 20.0, self.date)?;
                let id = format!("{}{}", CHART_REL, self.charts.len() + 1);
                let (w, h) = ((chart.width * 12700.0) as u32, (chart.height * 12700.0) as u32);
                // docx-rs keeps one picture per distinct bytes: each chart's are its own.
                let mut bytes = PLACEHOLDER_PNG.to_vec();
                bytes.extend_from_slice(id.as_bytes());
                let pic = Pic::new_with_dimensions(bytes, 1, 1).size(w, h).id(id.clone());
                self.pics.alts.insert(id.clone(), xml_text(&c.alt));
                self.charts.push((id, chart));
                let p =
                    self.changed_para(PPr { keep_lines: true, ..PPr::default() }, Run::new().add_image(pic));
                out.push(Part::P(Box::new(p)));
            }
            Block::Styled { class, blocks } if Change::of_class(class).is_some() => {
                // A chart or picture added or removed: a tracked change as a whole.
                let outer = std::mem::replace(&mut self.block_change, Change::of_class(class));
                let parts = self.blocks(blocks, style, width);
                self.block_change = outer;
                out.extend(parts?);
            }
            Block::Styled { class, blocks } => {
                let id = self.ids.classes.get(class).cloned();
                let mut parts = self.blocks(blocks, id.as_deref().or(style), width)?;
                // The style's space before and after belong to the group;
                // inside it, paragraphs are a paragraph apart (the model's Group).
                let n = parts.len();
                let model = Model::new(self.theme);
                let st = self.theme.classes.get(class).cloned().unwrap_or_default();
                for (i, part) in parts.iter_mut().enumerate() {
                    let Part::P(para) = part else { continue };
                    if para.ppr.num.is_some() {
                        continue;
                    }
                    if n > 1 {
                        let placed = model.place(model.class(class), Place::Group { i, n });
                        if i > 0 {
                            para.ppr.before = Some(pt_twips(placed.before));
                        }
                        if i + 1 < n {
                            para.ppr.after = Some(pt_twips(placed.after));
                        }
                    }
                    // Kept together: every paragraph but the last keeps with the next.
                    if st.keep_together {
                        para.ppr.keep_lines = true;
                        para.ppr.keep_next |= i + 1 < n;
                    }
                }
                out.extend(parts);
            }
            Block::PageBreak => self.page_break = true,
        }
        Ok(())
    }

    fn list(
        &mut self,
        ordered: bool,
        items: &[Vec<Block>],
        level: usize,
        style: Option<&str>,
        width: u32,
        out: &mut Vec<Part>,
    ) -> Result<()> {
        let (num, list_style) = if ordered {
            let id = self.ids.first_ordered_num + self.ordered.len() as u32;
            self.ordered.push(id);
            (id, &self.ids.list_number)
        } else {
            (self.ids.bullet_num, &self.ids.list_bullet)
        };
        let item_style = style.map(str::to_string).unwrap_or_else(|| list_style.clone());
        // Items as the paragraph model places them; with contextual spacing
        // (no space between items) the list styles say it all.
        let model = Model::new(self.theme);
        let item = model.place(model.normal(), Place::Item { last: false });
        let gap = (!item.contextual).then(|| pt_twips(item.after));
        // A longer list at the body's level: its first item and the one before
        // its last keep with the next (render::keep), as in the PDF.
        let split = level == 0 && self.cells == 0 && !keep::list_whole(items);
        for (k, item) in items.iter().enumerate() {
            let from = out.len();
            let mut first = true;
            for b in item {
                match b {
                    Block::List { ordered: o, items: sub } => {
                        self.list(*o, sub, (level + 1).min(2), style, width, out)?
                    }
                    Block::Paragraph(c) if first => {
                        let ppr = PPr {
                            style: Some(item_style.clone()),
                            num: Some((level, num)),
                            after: gap,
                            ..PPr::default()
                        };
                        out.push(Part::P(Box::new(self.para(ppr, c))));
                        first = false;
                    }
                    other => {
                        let indent = mm_twips((LIST_INDENT_MM + LIST_MARKER_MM) * (level as f32 + 1.0));
                        let mut parts = Vec::new();
                        self.block(other, style, width, &mut parts)?;
                        for mut part in parts {
                            if let Part::P(p) = &mut part {
                                p.ppr.indent = Some(indent);
                            }
                            out.push(part);
                        }
                        first = false;
                    }
                }
            }
            if split && keep::item_keeps_next(items.len(), k) {
                for part in &mut out[from..] {
                    if let Part::P(p) = part {
                        p.ppr.keep_lines = true;
                        p.ppr.keep_next = true;
                    }
                }
            }
        }
        Ok(())
    }

    fn table(&mut self, t: &Table, width: u32) -> Result<DTable> {
        // This table's place in document order comes before the tables in its cells.
        self.tables.push(t.header_rows.min(t.rows.len()));
        let sp = &self.theme.spacing;
        // Columns fitted to their content, as in the PDF (render::autofit).
        let widths: Vec<usize> = self
            .fitter
            .widths(t, self.theme, f64::from(width) / 20.0)
            .iter()
            .map(|w| (w * 20.0).floor() as usize)
            .collect();
        let header_fill = self.theme.role(crate::theme::ColorRole::TableHeader);
        let header_text = self.theme.role(crate::theme::ColorRole::TableHeaderText);
        let line = self.theme.role(crate::theme::ColorRole::Rule);
        let (pad_v, pad_h) = (pt_twips(sp.cell_v_pt) as usize, pt_twips(sp.cell_h_pt) as usize);
        let model = Model::new(self.theme);
        let mut rows = Vec::new();
        // Rows kept with the next, as the PDF keeps them (render::keep_tables):
        // a short table whole, a long one with two rows on each side of a break.
        let keep = |ri: usize| keep::row_keeps_next(t, ri);
        for (ri, row) in t.rows.iter().enumerate() {
            let head = ri < t.header_rows;
            let mut cells = Vec::new();
            for (ci, cell) in row.iter().enumerate() {
                let cw = widths.get(ci).copied().unwrap_or(1000);
                let mut c = TableCell::new().width(cw, WidthType::Dxa);
                if head {
                    c = c.shading(Shading::new().shd_type(ShdType::Clear).color("auto").fill(&header_fill));
                }
                self.head_color = if head { Some(header_text.clone()) } else { None };
                self.cells += 1;
                let parts = self.blocks(cell, None, cw.saturating_sub(2 * pad_h) as u32);
                self.cells -= 1;
                let mut parts = parts?;
                self.head_color = None;
                // Inside a cell, paragraphs are spaced like list items and the
                // last has none after.
                let n = parts.len();
                for (i, part) in parts.iter_mut().enumerate() {
                    if let Part::P(p) = part {
                        let placed = model.place(model.normal(), Place::Cell { last: i + 1 == n });
                        p.ppr.before = Some(pt_twips(placed.before));
                        p.ppr.after = Some(pt_twips(placed.after));
                        p.ppr.keep_next |= keep(ri);
                    }
                }
                if !matches!(parts.last(), Some(Part::P(_))) {
                    // A cell ends with a paragraph.
                    let end = PPr { after: Some(0), keep_next: keep(ri), ..PPr::default() };
                    parts.push(Part::P(Box::new(Para::new(end))));
                }
                for part in parts {
                    c = match part {
                        Part::P(p) => c.add_paragraph(p.into_docx()),
                        Part::T(inner) => c.add_table(*inner),
                    };
                }
                cells.push(c);
            }
            // A row never breaks across pages (header rows repeat: see Facts).
            let mut tr = TableRow::new(cells).cant_split();
            let rev = &self.revision;
            match crate::revise::diff::whole_change_of_row(row) {
                Some(Change::Inserted) => {
                    tr = tr.insert(Insert::new_with_empty().author(&rev.author).date(&rev.date))
                }
                Some(Change::Deleted) => tr = tr.delete(Delete::new().author(&rev.author).date(&rev.date)),
                None => {}
            }
            rows.push(tr);
        }
        let mut borders = TableBorders::new();
        for side in [
            TableBorderPosition::Top,
            TableBorderPosition::Left,
            TableBorderPosition::Bottom,
            TableBorderPosition::Right,
            TableBorderPosition::InsideH,
            TableBorderPosition::InsideV,
        ] {
            borders = borders.set(TableBorder::new(side).size(4).color(&line));
        }
        Ok(DTable::new(rows)
            .style(&self.ids.table)
            .set_grid(widths.clone())
            .layout(TableLayoutType::Fixed)
            .width(widths.iter().sum(), WidthType::Dxa)
            .set_borders(borders)
            .margins(TableCellMargins::new().margin(pad_v, pad_h, pad_v, pad_h)))
    }
}
