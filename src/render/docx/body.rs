//! The document body: every block of a [`Document`] as WordprocessingML,
//! written against the package's style and numbering ids ([`Ids`]).
//!
//! Spacing follows the house style's `[avstand]` as the PDF does (see
//! `render/pdf.rs`): paragraphs and blocks have space after, headings and
//! named styles space before; list items, table cells and the paragraph after
//! a table are spaced so that Word's additive spacing matches Typst's.

use super::xml::Xml;
use super::{mm_twips, pt_twips, Ids, Pictures, TWIPS_PER_MM};
use crate::diag::{Error, Result};
use crate::doc::{Block, Image, Inline, Table};
use crate::render::pdf::{LIST_INDENT_MM, LIST_MARKER_MM};
use crate::render::{image_size, Assets};
use crate::theme::Theme;

/// Paragraph properties, written in the schema's order.
#[derive(Debug, Clone, Default)]
pub struct PPr {
    pub style: Option<String>,
    pub keep_next: bool,
    pub keep_lines: bool,
    /// (level, numbering id)
    pub num: Option<(usize, u32)>,
    /// Right-aligned tab stops (twips).
    pub right_tabs: Vec<u32>,
    /// Hyphenate this paragraph (table cells), though the document does not.
    pub hyphenate: bool,
    pub before: Option<u32>,
    pub after: Option<u32>,
    pub indent: Option<i32>,
    pub jc: Option<&'static str>,
    pub outline: Option<usize>,
}

impl PPr {
    pub fn write(&self, x: &mut Xml) {
        let empty = self.style.is_none()
            && !self.keep_next
            && !self.keep_lines
            && self.num.is_none()
            && self.right_tabs.is_empty()
            && !self.hyphenate
            && self.before.is_none()
            && self.after.is_none()
            && self.indent.is_none()
            && self.jc.is_none()
            && self.outline.is_none();
        if empty {
            return;
        }
        x.open("w:pPr", &[]);
        if let Some(s) = &self.style {
            x.empty("w:pStyle", &[("w:val", s)]);
        }
        if self.keep_next {
            x.empty("w:keepNext", &[]);
        }
        if self.keep_lines {
            x.empty("w:keepLines", &[]);
        }
        if let Some((level, id)) = self.num {
            x.open("w:numPr", &[]);
            x.empty("w:ilvl", &[("w:val", &level.to_string())]);
            x.empty("w:numId", &[("w:val", &id.to_string())]);
            x.close("w:numPr");
        }
        if !self.right_tabs.is_empty() {
            x.open("w:tabs", &[]);
            for pos in &self.right_tabs {
                x.empty("w:tab", &[("w:val", "right"), ("w:pos", &pos.to_string())]);
            }
            x.close("w:tabs");
        }
        if self.hyphenate {
            x.empty("w:suppressAutoHyphens", &[("w:val", "0")]);
        }
        if self.before.is_some() || self.after.is_some() {
            let (b, a) = (self.before.map(|v| v.to_string()), self.after.map(|v| v.to_string()));
            let mut attrs = Vec::new();
            if let Some(b) = &b {
                attrs.push(("w:before", b.as_str()));
            }
            if let Some(a) = &a {
                attrs.push(("w:after", a.as_str()));
            }
            x.empty("w:spacing", &attrs);
        }
        if let Some(i) = self.indent {
            x.empty("w:ind", &[("w:left", &i.to_string())]);
        }
        if let Some(j) = self.jc {
            x.empty("w:jc", &[("w:val", j)]);
        }
        if let Some(o) = self.outline {
            x.empty("w:outlineLvl", &[("w:val", &o.to_string())]);
        }
        x.close("w:pPr");
    }
}

/// Run properties, written in the schema's order.
#[derive(Debug, Clone, Default)]
pub struct RPr {
    pub style: Option<String>,
    pub bold: bool,
    pub italic: bool,
    pub color: Option<String>,
    /// Half points.
    pub size: Option<u32>,
}

impl RPr {
    pub fn write(&self, x: &mut Xml) {
        if self.style.is_none() && !self.bold && !self.italic && self.color.is_none() && self.size.is_none() {
            return;
        }
        x.open("w:rPr", &[]);
        if let Some(s) = &self.style {
            x.empty("w:rStyle", &[("w:val", s)]);
        }
        if self.bold {
            x.empty("w:b", &[]).empty("w:bCs", &[]);
        }
        if self.italic {
            x.empty("w:i", &[]).empty("w:iCs", &[]);
        }
        if let Some(c) = &self.color {
            x.empty("w:color", &[("w:val", c)]);
        }
        if let Some(s) = self.size {
            let s = s.to_string();
            x.empty("w:sz", &[("w:val", &s)]).empty("w:szCs", &[("w:val", &s)]);
        }
        x.close("w:rPr");
    }
}

/// A run of text.
pub fn text_run(x: &mut Xml, rpr: &RPr, text: &str) {
    x.open("w:r", &[]);
    rpr.write(x);
    x.leaf("w:t", &[("xml:space", "preserve")], text);
    x.close("w:r");
}

/// A paragraph: its properties and its runs (already written).
#[derive(Debug, Clone, Default)]
pub struct Para {
    pub ppr: PPr,
    pub runs: Vec<u8>,
}

impl Para {
    pub fn write(&self, x: &mut Xml) {
        x.open("w:p", &[]);
        self.ppr.write(x);
        x.append(&self.runs);
        x.close("w:p");
    }
}

/// Body-level content: a paragraph or a table (written).
pub enum Part {
    P(Para),
    T(Vec<u8>),
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
    /// Pictures and links of the body (its relationships).
    pub pics: Pictures,
    pub links: Vec<String>,
    /// Numbering ids of the ordered lists (each restarts at 1).
    pub ordered: Vec<u32>,
    /// Set while rendering header cells: their text colour (and bold).
    head_color: Option<String>,
    /// The document's date (charts are compiled with it as today).
    date: chrono::NaiveDate,
    /// The last block was a table: Word adds no space after a table, the PDF a
    /// paragraph's, so the next paragraph gets it as space before.
    after_table: bool,
}

impl<'a> Body<'a> {
    pub fn new(
        theme: &'a Theme,
        assets: &'a Assets,
        ids: &'a Ids,
        pics: Pictures,
        date: chrono::NaiveDate,
    ) -> Self {
        Body {
            theme,
            assets,
            ids,
            pics,
            links: Vec::new(),
            ordered: Vec::new(),
            head_color: None,
            date,
            after_table: false,
        }
    }

    /// The body's blocks, written.
    pub fn write(&mut self, blocks: &[Block], width: u32) -> Result<Vec<u8>> {
        let parts = self.blocks(blocks, None, width)?;
        let mut x = Xml::new();
        for p in parts {
            match p {
                Part::P(p) => p.write(&mut x),
                Part::T(t) => {
                    x.append(&t);
                }
            }
        }
        Ok(x.finish())
    }

    fn runs(&mut self, x: &mut Xml, inl: &[Inline], f: Fmt) {
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
                    text_run(x, &rpr, t);
                }
                Inline::Strong(c) => self.runs(x, c, Fmt { bold: true, ..f }),
                Inline::Emph(c) => self.runs(x, c, Fmt { italic: true, ..f }),
                Inline::LineBreak => {
                    x.open("w:r", &[]).empty("w:br", &[]).close("w:r");
                }
                Inline::Link { url, content } => {
                    self.links.push(url.clone());
                    let id = format!("rIdLink{}", self.links.len());
                    x.open("w:hyperlink", &[("r:id", &id), ("w:history", "1")]);
                    self.link_runs(x, content, f);
                    x.close("w:hyperlink");
                }
            }
        }
    }

    fn link_runs(&self, x: &mut Xml, inl: &[Inline], f: Fmt) {
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
                    text_run(x, &rpr, t);
                }
                Inline::Strong(c) => self.link_runs(x, c, Fmt { bold: true, ..f }),
                Inline::Emph(c) => self.link_runs(x, c, Fmt { italic: true, ..f }),
                Inline::LineBreak => {
                    x.open("w:r", &[]).empty("w:br", &[]).close("w:r");
                }
                Inline::Link { content, .. } => self.link_runs(x, content, f),
            }
        }
    }

    fn para(&mut self, ppr: PPr, inl: &[Inline]) -> Para {
        let mut x = Xml::new();
        self.runs(&mut x, inl, Fmt::default());
        Para { ppr, runs: x.finish() }
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
        let mut x = Xml::new();
        self.pics.run(&mut x, bytes, &img.alt, width_mm, height_mm);
        Ok(Para { ppr: PPr::default(), runs: x.finish() })
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
                out.push(Part::P(self.para(ppr, content)));
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
                out.push(Part::P(self.para(ppr, content)));
            }
            Block::Paragraph(c) => {
                let ppr = PPr { style: style.map(str::to_string), ..PPr::default() };
                out.push(Part::P(self.para(ppr, c)));
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
                out.push(Part::T(table));
            }
            Block::Image(img) => {
                let mut p = self.picture(img, width)?;
                p.ppr.style = style.map(str::to_string);
                out.push(Part::P(p));
            }
            Block::Chart(c) => {
                let width_mm = width as f32 / TWIPS_PER_MM;
                let png = crate::render::chart::png(c, self.theme, width_mm, self.date)?;
                let img = Image { src: String::new(), alt: c.alt.clone(), width_mm: Some(width_mm) };
                let mut p = self.picture_bytes(png, &img, width)?;
                p.ppr.keep_lines = true;
                out.push(Part::P(p));
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
                let mut x = Xml::new();
                x.open("w:r", &[]).empty("w:br", &[("w:type", "page")]).close("w:r");
                out.push(Part::P(Para { ppr: PPr::default(), runs: x.finish() }));
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
                        out.push(Part::P(self.para(ppr, c)));
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

    fn table(&mut self, t: &Table, width: u32) -> Result<Vec<u8>> {
        let sp = &self.theme.spacing;
        let total: u32 = t.widths.iter().sum::<u32>().max(1);
        let widths: Vec<u32> =
            t.widths.iter().map(|w| (width as u64 * *w as u64 / total as u64) as u32).collect();
        let header_fill = self.theme.color("tabellhode");
        let header_text = self.theme.color("tabellhode_tekst");
        let line = self.theme.color("linje");
        let (pad_v, pad_h) = (pt_twips(sp.cell_v_pt), pt_twips(sp.cell_h_pt));
        let list_pt = sp.list_pt;
        let mut x = Xml::new();
        x.open("w:tbl", &[]).open("w:tblPr", &[]);
        x.empty("w:tblStyle", &[("w:val", &self.ids.table)]);
        x.empty("w:tblW", &[("w:w", &widths.iter().sum::<u32>().to_string()), ("w:type", "dxa")]);
        x.open("w:tblBorders", &[]);
        for side in ["w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV"] {
            x.empty(side, &[("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", &line)]);
        }
        x.close("w:tblBorders");
        x.empty("w:tblLayout", &[("w:type", "fixed")]);
        x.open("w:tblCellMar", &[]);
        for (side, v) in [("w:top", pad_v), ("w:left", pad_h), ("w:bottom", pad_v), ("w:right", pad_h)] {
            x.empty(side, &[("w:w", &v.to_string()), ("w:type", "dxa")]);
        }
        x.close("w:tblCellMar");
        x.empty(
            "w:tblLook",
            &[
                ("w:val", "04A0"),
                ("w:firstRow", "1"),
                ("w:lastRow", "0"),
                ("w:firstColumn", "0"),
                ("w:lastColumn", "0"),
                ("w:noHBand", "1"),
                ("w:noVBand", "1"),
            ],
        );
        x.close("w:tblPr");
        x.open("w:tblGrid", &[]);
        for w in &widths {
            x.empty("w:gridCol", &[("w:w", &w.to_string())]);
        }
        x.close("w:tblGrid");
        for (ri, row) in t.rows.iter().enumerate() {
            let head = ri < t.header_rows;
            x.open("w:tr", &[]).open("w:trPr", &[]);
            // A row never breaks across pages; header rows repeat on every page.
            x.empty("w:cantSplit", &[]);
            if head {
                x.empty("w:tblHeader", &[]);
            }
            x.close("w:trPr");
            for (ci, cell) in row.iter().enumerate() {
                let cw = widths.get(ci).copied().unwrap_or(1000);
                x.open("w:tc", &[]).open("w:tcPr", &[]);
                x.empty("w:tcW", &[("w:w", &cw.to_string()), ("w:type", "dxa")]);
                if head {
                    x.empty("w:shd", &[("w:val", "clear"), ("w:color", "auto"), ("w:fill", &header_fill)]);
                }
                x.close("w:tcPr");
                self.head_color = if head { Some(header_text.clone()) } else { None };
                let mut parts = self.blocks(cell, None, cw.saturating_sub(2 * pad_h))?;
                self.head_color = None;
                // Inside a cell, paragraphs are spaced like list items and the
                // last has none after; cells hyphenate.
                let n = parts.len();
                for (i, part) in parts.iter_mut().enumerate() {
                    if let Part::P(p) = part {
                        p.ppr.before = None;
                        p.ppr.after = Some(pt_twips(if i + 1 == n { 0.0 } else { list_pt }));
                        p.ppr.hyphenate = true;
                    }
                }
                if !matches!(parts.last(), Some(Part::P(_))) {
                    // A cell ends with a paragraph.
                    let ppr = PPr { after: Some(0), hyphenate: true, ..PPr::default() };
                    parts.push(Part::P(Para { ppr, runs: Vec::new() }));
                }
                for part in parts {
                    match part {
                        Part::P(p) => p.write(&mut x),
                        Part::T(inner) => {
                            x.append(&inner);
                        }
                    }
                }
                x.close("w:tc");
            }
            x.close("w:tr");
        }
        x.close("w:tbl");
        Ok(x.finish())
    }
}
