//! DOCX through docx-rs, then [`fix`] to make the package valid OOXML
//! (element order, unique drawing ids, repeated header rows, core properties,
//! language) and byte-for-byte reproducible.

pub mod fix;

use std::io::Cursor;

use docx_rs::{
    AbstractNumbering, AlignmentType, BreakType, Docx as DocxBuilder, Footer, Header, HeightRule, Hyperlink,
    HyperlinkType, IndentLevel, Level, LevelJc, LevelOverride, LevelText, LineSpacing, NumPages,
    NumberFormat, Numbering, NumberingId, PageMargin, PageNum, PageOrientationType, Paragraph, Pic, Run,
    RunFonts, Shading, ShdType, SpecialIndentType, Start, Style, StyleType, Table as DTable, TableCell,
    TableLayoutType, TableRow, WidthType,
};

use super::{image_size, Assets, Renderer};
use crate::diag::{Error, Result};
use crate::doc::{Block, Document, Image, Inline, Table};
use crate::theme::{Align, PagePart, ParaStyle, Theme};

pub struct Docx;

const NUM_BULLET: usize = 2;
const NUM_DECIMAL_ABSTRACT: usize = 3;
const EMU_PER_MM: f32 = 36_000.0;
const TWIPS_PER_MM: f32 = 56.692_913;

/// The style id of a named class (`forside` → `Forside`).
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

fn para_style(theme: &Theme, id: &str, name: &str, st: &ParaStyle, outline: Option<usize>) -> Style {
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
    let mut ls = LineSpacing::new();
    if let Some(b) = st.space_before_pt {
        ls = ls.before(pt_twips(b));
    }
    if let Some(a) = st.space_after_pt {
        ls = ls.after(pt_twips(a));
    }
    s.line_spacing(ls)
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
    /// Paragraph styles that keep with the next paragraph.
    keep_styles: Vec<String>,
    /// The document's date (charts are compiled with it as today).
    date: chrono::NaiveDate,
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
        match b {
            Block::Heading { level, content } => {
                let p = Paragraph::new().style(&format!("Heading{}", (*level).clamp(1, 4))).keep_next(true);
                out.push(Part::P(Box::new(self.runs(p, content, Fmt::default()))));
            }
            Block::Paragraph(c) => {
                let mut p = Paragraph::new();
                if let Some(s) = style {
                    p = p.style(s);
                    if self.keep_styles.iter().any(|k| k == s) {
                        p = p.keep_next(true);
                    }
                }
                out.push(Part::P(Box::new(self.runs(p, c, Fmt::default()))));
            }
            Block::List { ordered, items } => self.list(*ordered, items, 0, style, width, out)?,
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
                out.push(Part::P(Box::new(self.picture_bytes(&png, &img, width)?)));
            }
            Block::Styled { class, blocks } => {
                let id =
                    if self.theme.classes.contains_key(class) { Some(class_style_id(class)) } else { None };
                for part in self.blocks(blocks, id.as_deref().or(style), width)? {
                    out.push(part);
                }
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
        for item in items {
            let mut first = true;
            for b in item {
                match b {
                    Block::List { ordered: o, items: sub } => {
                        self.list(*o, sub, (level + 1).min(2), style, width, out)?
                    }
                    Block::Paragraph(c) if first => {
                        let mut p =
                            Paragraph::new().numbering(NumberingId::new(num), IndentLevel::new(level));
                        if let Some(s) = style {
                            p = p.style(s);
                        }
                        out.push(Part::P(Box::new(self.runs(p, c, Fmt::default()))));
                        first = false;
                    }
                    other => {
                        let indent = (720 * (level + 1)) as i32;
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
        let total: u32 = t.widths.iter().sum::<u32>().max(1);
        let widths: Vec<usize> =
            t.widths.iter().map(|w| (width as u64 * *w as u64 / total as u64) as usize).collect();
        let header_fill = self.theme.color("tabellhode");
        let header_text = self.theme.color("tabellhode_tekst");
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
                let parts = self.blocks(cell, None, cw.saturating_sub(200) as u32)?;
                self.head_color = None;
                let mut any = false;
                for part in parts {
                    match part {
                        Part::P(p) => {
                            c = c.add_paragraph(*p);
                            any = true;
                        }
                        Part::T(inner) => {
                            c = c.add_table(*inner);
                        }
                    }
                }
                if !any {
                    c = c.add_paragraph(Paragraph::new());
                }
                cells.push(c);
            }
            let mut r = TableRow::new(cells);
            if head {
                r = r.row_height(fix::HEADER_ROW_MARKER_TWIPS as f32).height_rule(HeightRule::Auto);
            }
            rows.push(r);
        }
        Ok(DTable::new(rows)
            .set_grid(widths.clone())
            .layout(TableLayoutType::Fixed)
            .width(widths.iter().sum(), WidthType::Dxa))
    }
}

enum Part {
    P(Box<Paragraph>),
    T(Box<DTable>),
}

impl Renderer for Docx {
    fn extension(&self) -> &'static str {
        "docx"
    }

    fn render(&self, doc: &Document, theme: &Theme, assets: &Assets) -> Result<Vec<u8>> {
        let page = &theme.page;
        let (pw, ph) = if page.landscape { (16838u32, 11906u32) } else { (11906, 16838) };
        let mm = |v: f32| (v * TWIPS_PER_MM).round() as i32;
        let text_width = pw - (mm(page.margin_left_mm) + mm(page.margin_right_mm)) as u32;
        let font = theme.word_font.clone().unwrap_or_else(|| theme.font.clone());
        let mut d = DocxBuilder::new()
            .default_fonts(RunFonts::new().ascii(&font).hi_ansi(&font).east_asia(&font).cs(&font))
            .default_size((theme.font_size * 2.0).round() as usize)
            .default_line_spacing(
                LineSpacing::new().before(0).after(140).line(264).line_rule(docx_rs::LineSpacingType::Auto),
            )
            .page_size(pw, ph)
            .page_margin(
                PageMargin::new()
                    .top(mm(page.margin_top_mm))
                    .bottom(mm(page.margin_bottom_mm))
                    .left(mm(page.margin_left_mm))
                    .right(mm(page.margin_right_mm))
                    .header(mm(10.0))
                    .footer(mm(10.0))
                    .gutter(0),
            );
        if page.landscape {
            d = d.page_orient(PageOrientationType::Landscape);
        }
        // Styles: headings with outline levels, the theme's classes, links.
        for level in 1..=4u8 {
            let st = theme.heading(level);
            d = d.add_style(para_style(
                theme,
                &format!("Heading{level}"),
                &format!("heading {level}"),
                &st,
                Some(level as usize - 1),
            ));
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
        // Numbering: bullets (three levels) and one decimal list per ordered list.
        let lvl = |i: usize, fmt: &str, text: &str| {
            Level::new(i, Start::new(1), NumberFormat::new(fmt), LevelText::new(text), LevelJc::new("left"))
                .indent(Some(360 + 360 * i as i32), Some(SpecialIndentType::Hanging(280)), None, None)
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
            keep_styles: theme
                .classes
                .iter()
                .filter(|(_, st)| st.keep_with_next)
                .map(|(name, _)| class_style_id(name))
                .collect(),
        };
        // Header: logo at the left, the style's header lines at the right.
        let mut header = Header::new();
        let mut header_alts = Vec::new();
        if assets.images.contains_key("logo.png") {
            let logo = Image {
                src: "logo.png".into(),
                alt: format!("Logo {}", theme.name),
                width_mm: Some(theme.logo_width_mm),
            };
            header = header.add_paragraph(ctx.picture(&logo, text_width)?);
            header_alts = std::mem::take(&mut ctx.alts);
        }
        for line in &theme.header_lines {
            header = header.add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Right)
                    .add_run(Run::new().add_text(line).size(16).color(theme.color("sekundar"))),
            );
        }
        d = d.header(header);
        let small = |t: &str| Run::new().add_text(t).size(17).color(theme.color("sekundar"));
        let mut foot = Paragraph::new().align(AlignmentType::Right);
        if !theme.footer_text.is_empty() {
            foot = foot.add_run(small(&format!("{}   ", theme.footer_text)));
        }
        for part in theme.texts.page_parts() {
            foot = match part {
                PagePart::Text(t) => foot.add_run(small(&t)),
                PagePart::Page => foot.add_page_num(PageNum::new()),
                PagePart::Pages => foot.add_num_pages(NumPages::new()),
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
