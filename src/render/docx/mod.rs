//! DOCX through docx-rs, then [`fix`] to make the package valid OOXML
//! (element order, unique drawing ids, repeated header rows, core properties,
//! language) and byte-for-byte reproducible.
//!
//! Spacing follows the house style's `[avstand]` as the PDF does (see
//! `render/pdf.rs`): paragraphs and blocks have space after, headings and named
//! styles space before; list items, table cells and the paragraph after a table
//! are spaced so that Word's additive spacing matches Typst's.

pub mod fix;

use std::io::Cursor;

use docx_rs::{
    AbstractNumbering, AlignmentType, BreakType, Docx as DocxBuilder, FieldCharType, Footer, Header,
    HeightRule, Hyperlink, HyperlinkType, IndentLevel, InstrNUMPAGES, InstrPAGE, InstrText, Level, LevelJc,
    LevelOverride, LevelText, LineSpacing, LineSpacingType, NumberFormat, Numbering, NumberingId, PageMargin,
    PageOrientationType, Paragraph, Pic, Run, RunFonts, Shading, ShdType, SpecialIndentType, Start, Style,
    StyleType, Tab, TabValueType, Table as DTable, TableCell, TableCellMargins, TableLayoutType, TableRow,
    WidthType,
};

use super::pdf::{LIST_INDENT_MM, LIST_MARKER_MM};
use super::{image_size, Assets, Renderer};
use crate::diag::{Error, Result};
use crate::doc::{Block, Document, Image, Inline, Table};
use crate::theme::{Align, PagePart, ParaStyle, Theme};

pub struct Docx;

const NUM_BULLET: usize = 2;
const NUM_DECIMAL_ABSTRACT: usize = 3;
const EMU_PER_MM: f32 = 36_000.0;
const TWIPS_PER_MM: f32 = 56.692_913;

/// The style id of a named class (`forside` → `StilForside`).
fn class_style_id(class: &str) -> String {
    let mut id: String = class.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if let Some(f) = id.get(0..1) {
        id = f.to_uppercase() + &id[1..];
    }
    format!("Stil{id}")
}

fn alignment(a: Align) -> AlignmentType {
    match a {
        Align::Left => AlignmentType::Left,
        Align::Center => AlignmentType::Center,
        Align::Right => AlignmentType::Right,
    }
}

fn pt_twips(pt: f32) -> u32 {
    (pt * 20.0).round() as u32
}

fn mm_twips(mm: f32) -> i32 {
    (mm * TWIPS_PER_MM).round() as i32
}

/// Space after only: `after` points.
fn after(pt: f32) -> LineSpacing {
    LineSpacing::new().after(pt_twips(pt))
}

/// A paragraph style from a style of stil.toml: space before as given, space
/// after at least a paragraph's (as the PDF collapses spacing), kept with the
/// next paragraph when asked (headings always), and never split across pages
/// when it is a heading.
fn para_style(theme: &Theme, id: &str, name: &str, st: &ParaStyle, outline: Option<usize>) -> Style {
    let p = theme.spacing.paragraph_pt;
    let mut s =
        Style::new(id, StyleType::Paragraph).name(name).based_on("Normal").next("Normal").q_format(true);
    if let Some(lvl) = outline {
        s = s.outline_lvl(lvl).ui_priority(9);
    }
    if let Some(size) = st.size {
        s = s.size((size * 2.0).round() as usize);
    }
    if st.bold {
        s = s.bold();
    }
    if st.italic {
        s = s.italic();
    }
    if let Some(c) = &st.color {
        s = s.color(theme.color(c));
    }
    if st.align.is_some() {
        s = s.align(alignment(st.align()));
    }
    let before = st.space_before_pt.unwrap_or(0.0);
    let after_pt = st.space_after_pt.unwrap_or(p).max(p);
    s = s.line_spacing(LineSpacing::new().before(pt_twips(before)).after(pt_twips(after_pt)));
    if st.keep_with_next || outline.is_some() {
        s.paragraph_property = s.paragraph_property.keep_next(true).keep_lines(true);
    }
    s
}

/// Inline formatting carried down into runs.
#[derive(Clone, Copy, Default)]
struct Fmt {
    bold: bool,
    italic: bool,
}

struct Ctx<'a> {
    theme: &'a Theme,
    assets: &'a Assets,
    next_pic: usize,
    next_num: usize,
    /// Ordered lists need their own numbering instance to restart at 1.
    ordered_nums: Vec<usize>,
    alts: Vec<String>,
    /// Set while rendering header cells: their text colour (and bold).
    head_color: Option<String>,
    /// The document's date (charts are compiled with it as today).
    date: chrono::NaiveDate,
    /// The last block was a table: Word adds no space after a table, the PDF a
    /// paragraph's, so the next paragraph gets it as space before.
    after_table: bool,
}

/// Body-level content: a paragraph or a table.
enum Part {
    P(Box<Paragraph>),
    T(Box<DTable>),
}

impl Ctx<'_> {
    fn runs(&self, mut p: Paragraph, inl: &[Inline], f: Fmt) -> Paragraph {
        for i in inl {
            match i {
                Inline::Text(t) => {
                    let mut r = Run::new().add_text(t);
                    if f.bold {
                        r = r.bold();
                    }
                    if f.italic {
                        r = r.italic();
                    }
                    if let Some(c) = &self.head_color {
                        r = r.color(c).bold();
                    }
                    p = p.add_run(r);
                }
                Inline::Strong(c) => p = self.runs(p, c, Fmt { bold: true, ..f }),
                Inline::Emph(c) => p = self.runs(p, c, Fmt { italic: true, ..f }),
                Inline::LineBreak => p = p.add_run(Run::new().add_break(BreakType::TextWrapping)),
                Inline::Link { url, content } => {
                    let mut h = Hyperlink::new(url, HyperlinkType::External);
                    for r in self.link_runs(content, f) {
                        h = h.add_run(r);
                    }
                    p = p.add_hyperlink(h);
                }
            }
        }
        p
    }

    fn link_runs(&self, inl: &[Inline], f: Fmt) -> Vec<Run> {
        let mut out = Vec::new();
        for i in inl {
            match i {
                Inline::Text(t) => {
                    let mut r = Run::new().add_text(t).style("Hyperlink");
                    if f.bold {
                        r = r.bold();
                    }
                    if f.italic {
                        r = r.italic();
                    }
                    out.push(r);
                }
                Inline::Strong(c) => out.extend(self.link_runs(c, Fmt { bold: true, ..f })),
                Inline::Emph(c) => out.extend(self.link_runs(c, Fmt { italic: true, ..f })),
                Inline::LineBreak => out.push(Run::new().add_break(BreakType::TextWrapping)),
                Inline::Link { content, .. } => out.extend(self.link_runs(content, f)),
            }
        }
        out
    }

    fn picture(&mut self, img: &Image, max_width_twips: u32) -> Result<Paragraph> {
        let bytes = self.assets.images.get(&img.src).ok_or_else(|| {
            Error::msg(format!("bildet «{}» finnes ikke", img.src))
                .with_hint("bilder malen viser må ligge i husstilens mappe eller nettverkets datamappe")
        })?;
        if img.src.ends_with(".svg") {
            let width_mm = img.width_mm.unwrap_or(150.0).min(max_width_twips as f32 / TWIPS_PER_MM);
            let png = super::chart::svg_png(bytes, width_mm, self.date)?;
            let img = Image { width_mm: Some(width_mm), ..img.clone() };
            return self.picture_bytes(&png, &img, max_width_twips);
        }
        self.picture_bytes(bytes, img, max_width_twips)
    }

    /// A picture as a run of an existing paragraph (the header's logos).
    fn picture_into(&mut self, p: Paragraph, img: &Image, max_width_twips: u32) -> Result<Paragraph> {
        let pic = self.picture(img, max_width_twips)?;
        let mut p = p;
        for child in pic.children {
            if let docx_rs::ParagraphChild::Run(r) = child {
                p = p.add_run(*r);
            }
        }
        Ok(p)
    }

    fn picture_bytes(&mut self, bytes: &[u8], img: &Image, max_width_twips: u32) -> Result<Paragraph> {
        let (w, h) =
            image_size(bytes).ok_or_else(|| Error::msg(format!("bildet «{}» er ikke PNG", img.src)))?;
        let max_mm = max_width_twips as f32 / TWIPS_PER_MM;
        let width_mm = img.width_mm.unwrap_or(w as f32 * 25.4 / 96.0).min(max_mm);
        let height_mm = width_mm * h as f32 / w.max(1) as f32;
        self.next_pic += 1;
        self.alts.push(img.alt.clone());
        let pic = Pic::new_with_dimensions(bytes.to_vec(), w, h)
            .size((width_mm * EMU_PER_MM) as u32, (height_mm * EMU_PER_MM) as u32)
            .id(format!("rIdBilde{}", self.next_pic));
        Ok(Paragraph::new().add_run(Run::new().add_image(pic)))
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
                let inner = std::mem::take(first.as_mut());
                let mut spacing = inner.property.line_spacing.clone().unwrap_or_default();
                spacing = spacing.before(pt_twips(own + p));
                **first = inner.line_spacing(spacing);
            }
        }
        self.after_table = matches!(b, Block::Table(_));
        Ok(())
    }

    fn block_inner(&mut self, b: &Block, style: Option<&str>, width: u32, out: &mut Vec<Part>) -> Result<()> {
        match b {
            Block::Title(content) => {
                let p = Paragraph::new().style("Title");
                out.push(Part::P(Box::new(self.runs(p, content, Fmt::default()))));
            }
            Block::Heading { level, content, class } => {
                let level = (*level).clamp(1, 4);
                let p = match class.as_ref().filter(|c| self.theme.classes.contains_key(*c)) {
                    // A heading in a named style: its look, its place in the outline.
                    Some(c) => Paragraph::new()
                        .style(&class_style_id(c))
                        .outline_lvl(level as usize - 1)
                        .keep_next(true)
                        .keep_lines(true),
                    None => Paragraph::new().style(&format!("Heading{level}")),
                };
                out.push(Part::P(Box::new(self.runs(p, content, Fmt::default()))));
            }
            Block::Paragraph(c) => {
                let mut p = Paragraph::new();
                if let Some(s) = style {
                    p = p.style(s);
                }
                out.push(Part::P(Box::new(self.runs(p, c, Fmt::default()))));
            }
            Block::List { ordered, items } => {
                let start = out.len();
                self.list(*ordered, items, 0, style, width, out)?;
                // The list's last item has a paragraph's space after.
                if let Some(Part::P(p)) = out.get_mut(start..).and_then(|s| s.last_mut()) {
                    let last = std::mem::take(p.as_mut());
                    **p = last.line_spacing(after(self.theme.spacing.paragraph_pt));
                }
            }
            Block::Table(t) => out.push(Part::T(Box::new(self.table(t, width)?))),
            Block::Image(img) => {
                let mut p = self.picture(img, width)?;
                if let Some(s) = style {
                    p = p.style(s);
                }
                out.push(Part::P(Box::new(p)));
            }
            Block::Chart(c) => {
                let width_mm = width as f32 / TWIPS_PER_MM;
                let png = super::chart::png(c, self.theme, width_mm, self.date)?;
                let img = Image { src: String::new(), alt: c.alt.clone(), width_mm: Some(width_mm) };
                out.push(Part::P(Box::new(self.picture_bytes(&png, &img, width)?.keep_lines(true))));
            }
            Block::Styled { class, blocks } => {
                let id =
                    if self.theme.classes.contains_key(class) { Some(class_style_id(class)) } else { None };
                let mut parts = self.blocks(blocks, id.as_deref().or(style), width)?;
                // The style's space before and after belong to the group, as in
                // the PDF's one block: inside it, paragraphs are a paragraph apart.
                let n = parts.len();
                let p = pt_twips(self.theme.spacing.paragraph_pt);
                for (i, part) in parts.iter_mut().enumerate() {
                    let Part::P(para) = part else { continue };
                    if n < 2 || para.property.numbering_property.is_some() {
                        continue;
                    }
                    let inner = std::mem::take(para.as_mut());
                    let mut spacing = inner.property.line_spacing.clone().unwrap_or_default();
                    if i > 0 {
                        spacing = spacing.before(0);
                    }
                    if i + 1 < n {
                        spacing = spacing.after(p);
                    }
                    **para = inner.line_spacing(spacing);
                }
                out.extend(parts);
            }
            Block::PageBreak => {
                out.push(Part::P(Box::new(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))))
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
        let num = if ordered {
            self.next_num += 1;
            self.ordered_nums.push(self.next_num);
            self.next_num
        } else {
            NUM_BULLET
        };
        let gap = after(self.theme.spacing.list_pt);
        for item in items {
            let mut first = true;
            for b in item {
                match b {
                    Block::List { ordered: o, items: sub } => {
                        self.list(*o, sub, (level + 1).min(2), style, width, out)?
                    }
                    Block::Paragraph(c) if first => {
                        let mut p = Paragraph::new()
                            .numbering(NumberingId::new(num), IndentLevel::new(level))
                            .line_spacing(gap.clone());
                        if let Some(s) = style {
                            p = p.style(s);
                        }
                        out.push(Part::P(Box::new(self.runs(p, c, Fmt::default()))));
                        first = false;
                    }
                    other => {
                        let indent = mm_twips((LIST_INDENT_MM + LIST_MARKER_MM) * (level as f32 + 1.0));
                        let mut parts = Vec::new();
                        self.block(other, style, width, &mut parts)?;
                        for part in parts {
                            out.push(match part {
                                Part::P(p) => Part::P(Box::new(p.indent(Some(indent), None, None, None))),
                                t => t,
                            });
                        }
                        first = false;
                    }
                }
            }
        }
        Ok(())
    }

    fn table(&mut self, t: &Table, width: u32) -> Result<DTable> {
        let sp = &self.theme.spacing;
        let total: u32 = t.widths.iter().sum::<u32>().max(1);
        let widths: Vec<usize> =
            t.widths.iter().map(|w| (width as u64 * *w as u64 / total as u64) as usize).collect();
        let header_fill = self.theme.color("tabellhode");
        let header_text = self.theme.color("tabellhode_tekst");
        let (pad_v, pad_h) = (pt_twips(sp.cell_v_pt) as usize, pt_twips(sp.cell_h_pt) as usize);
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
                // Inside a cell, paragraphs are spaced like list items and the last has none after.
                let n = parts.len();
                for (i, part) in parts.iter_mut().enumerate() {
                    if let Part::P(p) = part {
                        let space = if i + 1 == n { 0.0 } else { sp.list_pt };
                        let inner = std::mem::take(p.as_mut());
                        **p = inner.line_spacing(after(space));
                    }
                }
                let mut any = false;
                for part in parts {
                    match part {
                        Part::P(p) => {
                            c = c.add_paragraph(*p);
                            any = true;
                        }
                        Part::T(inner) => c = c.add_table(*inner),
                    }
                }
                if !any {
                    c = c.add_paragraph(Paragraph::new().line_spacing(after(0.0)));
                }
                cells.push(c);
            }
            // A row never breaks across pages.
            let mut r = TableRow::new(cells).cant_split();
            if head {
                r = r.row_height(fix::HEADER_ROW_MARKER_TWIPS as f32).height_rule(HeightRule::Auto);
            }
            rows.push(r);
        }
        Ok(DTable::new(rows)
            .set_grid(widths.clone())
            .layout(TableLayoutType::Fixed)
            .width(widths.iter().sum(), WidthType::Dxa)
            .margins(TableCellMargins::new().margin(pad_v, pad_h, pad_v, pad_h)))
    }

    /// The text of the footer or header in one small size and the secondary colour.
    fn small(&self, text: &str) -> Run {
        Run::new().add_text(text).size(17).color(self.theme.color("sekundar"))
    }

    /// A PAGE or NUMPAGES field in the same size and colour as the words
    /// around it, one run per part as Word writes fields (LibreOffice shows a
    /// field packed into one run in the paragraph's default look).
    fn field(&self, p: Paragraph, instr: InstrText) -> Paragraph {
        let run = || Run::new().size(17).color(self.theme.color("sekundar"));
        p.add_run(run().add_field_char(FieldCharType::Begin, false))
            .add_run(run().add_instr_text(instr))
            .add_run(run().add_field_char(FieldCharType::Separate, false))
            .add_run(run().add_text("1"))
            .add_run(run().add_field_char(FieldCharType::End, false))
    }

    /// The typographic mark: the trust's name in the primary colour.
    fn mark(&self, text: &str) -> Run {
        Run::new().add_text(text).size(24).bold().color(self.theme.color("primar"))
    }
}

impl Renderer for Docx {
    fn render(&self, doc: &Document, theme: &Theme, assets: &Assets) -> Result<Vec<u8>> {
        let page = &theme.page;
        let sp = &theme.spacing;
        let (pw, ph) = if page.landscape { (16838u32, 11906u32) } else { (11906, 16838) };
        let text_width = pw - (mm_twips(page.margin_left_mm) + mm_twips(page.margin_right_mm)) as u32;
        let font = theme.word_font.clone().unwrap_or_else(|| theme.font.clone());
        let mut d = DocxBuilder::new()
            .default_fonts(RunFonts::new().ascii(&font).hi_ansi(&font).east_asia(&font).cs(&font))
            .default_size((theme.font_size * 2.0).round() as usize)
            .default_line_spacing(
                LineSpacing::new()
                    .before(0)
                    .after(pt_twips(sp.paragraph_pt))
                    .line((240.0 * sp.line).round() as i32)
                    .line_rule(LineSpacingType::Auto),
            )
            .page_size(pw, ph)
            .page_margin(
                PageMargin::new()
                    .top(mm_twips(page.margin_top_mm))
                    .bottom(mm_twips(page.margin_bottom_mm))
                    .left(mm_twips(page.margin_left_mm))
                    .right(mm_twips(page.margin_right_mm))
                    .header(mm_twips(page.margin_top_mm * 0.4))
                    .footer(mm_twips(page.margin_bottom_mm * 0.45))
                    .gutter(0),
            );
        if page.landscape {
            d = d.page_orient(PageOrientationType::Landscape);
        }
        // Normal keeps widows and orphans off (Word's own Normal does; docx-rs' does not).
        let mut normal = Style::new("Normal", StyleType::Paragraph).name("Normal").q_format(true);
        normal.paragraph_property = normal.paragraph_property.widow_control(true);
        d = d.add_style(normal);
        // Styles: the title and headings with outline levels, the theme's classes, links.
        let title = theme.classes.get("tittel").cloned().unwrap_or_default();
        d = d.add_style(para_style(theme, "Title", "Title", &title, Some(0)));
        for level in 1..=4u8 {
            let st = theme.heading(level);
            let (id, name) = (format!("Heading{level}"), format!("heading {level}"));
            d = d.add_style(para_style(theme, &id, &name, &st, Some(level as usize - 1)));
        }
        for (name, st) in &theme.classes {
            d = d.add_style(para_style(theme, &class_style_id(name), name, st, None));
        }
        d = d.add_style(
            Style::new("Hyperlink", StyleType::Character)
                .name("Hyperlink")
                .color(theme.color("primar"))
                .underline("single"),
        );
        // Numbering: bullets (three levels) and one decimal list per ordered list,
        // marker and text where the PDF puts them.
        let lvl = |i: usize, fmt: &str, text: &str| {
            let left = mm_twips((LIST_INDENT_MM + LIST_MARKER_MM) * (i as f32 + 1.0));
            Level::new(i, Start::new(1), NumberFormat::new(fmt), LevelText::new(text), LevelJc::new("left"))
                .indent(Some(left), Some(SpecialIndentType::Hanging(mm_twips(LIST_MARKER_MM))), None, None)
        };
        d = d
            .add_abstract_numbering(
                AbstractNumbering::new(NUM_BULLET)
                    .add_level(lvl(0, "bullet", "•"))
                    .add_level(lvl(1, "bullet", "–"))
                    .add_level(lvl(2, "bullet", "▪")),
            )
            .add_abstract_numbering(
                AbstractNumbering::new(NUM_DECIMAL_ABSTRACT)
                    .add_level(lvl(0, "decimal", "%1."))
                    .add_level(lvl(1, "lowerLetter", "%2)"))
                    .add_level(lvl(2, "lowerRoman", "%3.")),
            )
            .add_numbering(Numbering::new(NUM_BULLET, NUM_BULLET));

        let mut ctx = Ctx {
            theme,
            assets,
            next_pic: 0,
            next_num: 10,
            ordered_nums: vec![],
            alts: vec![],
            head_color: None,
            date: doc.meta.date,
            after_table: false,
        };
        // Header: the logo or the mark at the left, a second logo or mark at the
        // right (a right tab stop), then the style's header lines.
        let mut top = Paragraph::new()
            .add_tab(Tab::new().val(TabValueType::Right).pos(text_width as usize))
            .line_spacing(after(2.0));
        let mark = theme.mark.clone().unwrap_or_else(|| theme.name.clone());
        if assets.images.contains_key("logo.png") {
            let logo = Image {
                src: "logo.png".into(),
                alt: format!("Logo {mark}"),
                width_mm: Some(theme.logo_width_mm),
            };
            top = ctx.picture_into(top, &logo, text_width)?;
        } else {
            top = top.add_run(ctx.mark(&mark));
        }
        if assets.images.contains_key("logo-hoyre.png") {
            let alt = format!("Logo {}", theme.mark_right.clone().unwrap_or_default());
            let logo = Image { src: "logo-hoyre.png".into(), alt, width_mm: Some(30.0) };
            top = top.add_run(Run::new().add_tab());
            top = ctx.picture_into(top, &logo, text_width)?;
        } else if let Some(m) = &theme.mark_right {
            top = top.add_run(Run::new().add_tab()).add_run(ctx.mark(m));
        }
        let mut header = Header::new().add_paragraph(top);
        for line in &theme.header_lines {
            header = header.add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Right)
                    .line_spacing(after(0.0))
                    .add_run(Run::new().add_text(line).size(16).color(theme.color("sekundar"))),
            );
        }
        let header_alts = std::mem::take(&mut ctx.alts);
        d = d.header(header);
        // Footer: the style's footer text at the left, the page number at the right.
        let mut foot = Paragraph::new()
            .add_tab(Tab::new().val(TabValueType::Right).pos(text_width as usize))
            .line_spacing(after(0.0));
        if !theme.footer_text.is_empty() {
            foot = foot.add_run(ctx.small(&theme.footer_text));
        }
        foot = foot.add_run(Run::new().add_tab());
        for part in theme.texts.page_parts() {
            foot = match part {
                PagePart::Text(t) => foot.add_run(ctx.small(&t)),
                PagePart::Page => ctx.field(foot, InstrText::PAGE(InstrPAGE::new())),
                PagePart::Pages => ctx.field(foot, InstrText::NUMPAGES(InstrNUMPAGES::new())),
            };
        }
        d = d.footer(Footer::new().add_paragraph(foot));

        let parts = ctx.blocks(&doc.blocks, None, text_width)?;
        for n in &ctx.ordered_nums {
            d = d.add_numbering(
                Numbering::new(*n, NUM_DECIMAL_ABSTRACT).add_override(LevelOverride::new(0).start(1)),
            );
        }
        for part in parts {
            d = match part {
                Part::P(p) => d.add_paragraph(*p),
                Part::T(t) => d.add_table(*t),
            };
        }
        let mut raw = Vec::new();
        d.build()
            .pack(Cursor::new(&mut raw))
            .map_err(|e| Error::msg(format!("DOCX-pakken kunne ikke skrives: {e}")))?;
        let m = &doc.meta;
        let meta = fix::CoreMeta {
            title: m.title.clone(),
            author: m.author.clone(),
            lang: m.lang.clone(),
            date_iso: format!("{}T00:00:00Z", m.date.format("%Y-%m-%d")),
            subject: m.subject.clone(),
            keywords: m.keywords.join("; "),
            image_alts: ctx.alts.iter().chain(header_alts.iter()).cloned().collect(),
        };
        fix::repair(&raw, &meta).map_err(|e| Error::msg(format!("DOCX-en kunne ikke gjøres gyldig: {e}")))
    }
}
