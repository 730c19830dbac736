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
    AlignmentType, BreakType, Hyperlink, HyperlinkData, IndentLevel, LineSpacing, NumberingId, Paragraph,
    Pic, Run, Shading, ShdType, Tab, TabValueType, Table as DTable, TableBorder, TableBorderPosition,
    TableBorders, TableCell, TableCellMargins, TableLayoutType, TableRow, WidthType,
};

use super::normalize::Facts;
use super::{mm_twips, pt_twips, Ids, TWIPS_PER_MM};
use crate::diag::{Error, Result};
use crate::doc::{Block, Image, Inline, Table};
use crate::render::pdf::{LIST_INDENT_MM, LIST_MARKER_MM};
use crate::render::{image_size, Assets};
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
    pub outline: Option<usize>,
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
}

impl Pictures {
    /// A run holding a picture (PNG bytes) at a size, with its alternative text.
    pub fn run(&mut self, bytes: Vec<u8>, alt: &str, width_mm: f32, height_mm: f32) -> Result<Run> {
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
            .id(id);
        Ok(Run::new().add_image(pic))
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
}

impl<'a> Body<'a> {
    pub fn new(theme: &'a Theme, assets: &'a Assets, ids: &'a Ids, date: chrono::NaiveDate) -> Self {
        Body {
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
        Facts { header_rows: self.tables.clone(), alts: self.pics.alts.clone(), section: Vec::new() }
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
                    p = p.add_run(rpr.text(t));
                }
                Inline::Strong(c) => p = self.runs(p, c, Fmt { bold: true, ..f }),
                Inline::Emph(c) => p = self.runs(p, c, Fmt { italic: true, ..f }),
                Inline::LineBreak => p = p.add_run(Run::new().add_break(BreakType::TextWrapping)),
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
                Inline::Link { content, .. } => out.extend(self.link_runs(content, f)),
            }
        }
        out
    }

    fn para(&mut self, ppr: PPr, inl: &[Inline]) -> Para {
        self.runs(Para::new(ppr), inl, Fmt::default())
    }

    fn picture(&mut self, img: &Image, max_width_twips: u32) -> Result<Para> {
        let bytes = self.assets.images.get(&img.src).ok_or_else(|| {
            Error::msg(format!("bildet «{}» finnes ikke", img.src))
                .with_hint("bilder malen viser må ligge i husstilens mappe eller nettverkets datamappe")
        })?;
        if img.src.ends_with(".svg") {
            let width_mm = img.width_mm.unwrap_or(150.0).min(max_width_twips as f32 / TWIPS_PER_MM);
            let png = crate::render::chart::svg_png(bytes, width_mm, self.date)?;
            let img = Image { width_mm: Some(width_mm), ..img.clone() };
            return self.picture_bytes(png, &img, max_width_twips);
        }
        let bytes = bytes.clone();
        self.picture_bytes(bytes, img, max_width_twips)
    }

    fn picture_bytes(&mut self, bytes: Vec<u8>, img: &Image, max_width_twips: u32) -> Result<Para> {
        let (w, h) =
            image_size(&bytes).ok_or_else(|| Error::msg(format!("bildet «{}» er ikke PNG", img.src)))?;
        let max_mm = max_width_twips as f32 / TWIPS_PER_MM;
        let width_mm = img.width_mm.unwrap_or(w as f32 * 25.4 / 96.0).min(max_mm);
        let height_mm = width_mm * h as f32 / w.max(1) as f32;
        let run = self.pics.run(bytes, &img.alt, width_mm, height_mm)?;
        Ok(Para::new(PPr::default()).add_run(run))
    }

    /// Renders blocks into body-level paragraphs and tables.
    fn blocks(&mut self, blocks: &[Block], style: Option<&str>, width: u32) -> Result<Vec<Part>> {
        let mut out = Vec::new();
        for b in blocks {
            self.block(b, style, width, &mut out)?;
        }
        Ok(out)
    }

    fn block(&mut self, b: &Block, style: Option<&str>, width: u32, out: &mut Vec<Part>) -> Result<()> {
        let start = out.len();
        let after_table = std::mem::take(&mut self.after_table);
        self.block_inner(b, style, width, out)?;
        if after_table {
            // The first paragraph after a table: its own space before, plus a paragraph's.
            let p = self.theme.spacing.paragraph_pt;
            let own = match b {
                Block::Heading { level, class, .. } => class
                    .as_ref()
                    .and_then(|c| self.theme.classes.get(c))
                    .cloned()
                    .unwrap_or_else(|| self.theme.heading(*level))
                    .space_before_pt
                    .unwrap_or(0.0),
                Block::Styled { class, .. } => {
                    self.theme.classes.get(class).and_then(|st| st.space_before_pt).unwrap_or(0.0)
                }
                _ => 0.0,
            };
            if let Some(Part::P(first)) = out.get_mut(start) {
                first.ppr.before = Some(pt_twips(own + p));
            }
        }
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
                if let Some(Part::P(p)) = out.get_mut(start..).and_then(|s| s.last_mut()) {
                    p.ppr.before = None;
                    p.ppr.after = Some(pt_twips(self.theme.spacing.paragraph_pt));
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
                let width_mm = width as f32 / TWIPS_PER_MM;
                let png = crate::render::chart::png(c, self.theme, width_mm, self.date)?;
                let img = Image { src: String::new(), alt: c.alt.clone(), width_mm: Some(width_mm) };
                let mut p = self.picture_bytes(png, &img, width)?;
                p.ppr.keep_lines = true;
                out.push(Part::P(Box::new(p)));
            }
            Block::Styled { class, blocks } => {
                let id = self.ids.classes.get(class).cloned();
                let mut parts = self.blocks(blocks, id.as_deref().or(style), width)?;
                // The style's space before and after belong to the group, as in
                // the PDF's one block: inside it, paragraphs are a paragraph apart.
                let n = parts.len();
                let p = pt_twips(self.theme.spacing.paragraph_pt);
                for (i, part) in parts.iter_mut().enumerate() {
                    let Part::P(para) = part else { continue };
                    if n < 2 || para.ppr.num.is_some() {
                        continue;
                    }
                    if i > 0 {
                        para.ppr.before = Some(0);
                    }
                    if i + 1 < n {
                        para.ppr.after = Some(p);
                    }
                }
                out.extend(parts);
            }
            Block::PageBreak => {
                let p = Para::new(PPr::default()).add_run(Run::new().add_break(BreakType::Page));
                out.push(Part::P(Box::new(p)));
            }
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
        let gap = pt_twips(self.theme.spacing.list_pt);
        for item in items {
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
                            after: Some(gap),
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
        }
        Ok(())
    }

    fn table(&mut self, t: &Table, width: u32) -> Result<DTable> {
        // This table's place in document order comes before the tables in its cells.
        self.tables.push(t.header_rows.min(t.rows.len()));
        let sp = &self.theme.spacing;
        let total: u32 = t.widths.iter().sum::<u32>().max(1);
        let widths: Vec<usize> =
            t.widths.iter().map(|w| (width as u64 * *w as u64 / total as u64) as usize).collect();
        let header_fill = self.theme.color("tabellhode");
        let header_text = self.theme.color("tabellhode_tekst");
        let line = self.theme.color("linje");
        let (pad_v, pad_h) = (pt_twips(sp.cell_v_pt) as usize, pt_twips(sp.cell_h_pt) as usize);
        let list_pt = sp.list_pt;
        let mut rows = Vec::new();
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
                let mut parts = self.blocks(cell, None, cw.saturating_sub(2 * pad_h) as u32)?;
                self.head_color = None;
                // Inside a cell, paragraphs are spaced like list items and the
                // last has none after.
                let n = parts.len();
                for (i, part) in parts.iter_mut().enumerate() {
                    if let Part::P(p) = part {
                        p.ppr.before = None;
                        p.ppr.after = Some(pt_twips(if i + 1 == n { 0.0 } else { list_pt }));
                    }
                }
                if !matches!(parts.last(), Some(Part::P(_))) {
                    // A cell ends with a paragraph.
                    parts.push(Part::P(Box::new(Para::new(PPr { after: Some(0), ..PPr::default() }))));
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
            rows.push(TableRow::new(cells).cant_split());
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
