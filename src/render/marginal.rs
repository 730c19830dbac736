//! The page's header and footer in the PDF, laid out as Word lays them out:
//! the header starts at the header distance below the page's top edge
//! (`w:pgMar w:header`), the footer ends at the footer distance above its
//! bottom; each paragraph's parts stand at its tab stops (custom stops where
//! they are, Word's default stops between), with its indents, spacing and
//! line height; pictures and text boxes anchored to the page, the margins or
//! a paragraph stand where their position says; a header taller than the top
//! margin leaves it pushes the body down, as in Word.
//!
//! A Word template's header and footer come as they are read
//! (`wordmal::header`); arsplan's own, from the house style, are made here in
//! the same shape ([`own_header`], [`own_footer`]), with the logo where the
//! style puts it, so both are drawn by one piece of code. The DOCX writes the
//! same header from [`OwnHeader`] (`render::docx::hf`).

use std::fmt::Write;

use super::spacing::{FontMetrics, LineRule};
use super::world::lit;
use super::Assets;
use crate::theme::{Align, PagePart, Theme};
use crate::wordmal::{
    Anchor, Edge, Float, FloatContent, From, HAlign, HeaderFooter, HfBlock, HfPara, Line, Look, Part, Piece,
    TabStop,
};

const PT_PER_MM: f64 = 72.0 / 25.4;
const TWIPS_PER_MM: f32 = 56.692_913;

/// Word's line rule of a header or footer paragraph (the paragraph model's).
fn rule(line: Line) -> LineRule {
    match line {
        Line::Multiple(m) => LineRule::Multiple(m),
        Line::Exact(h) => LineRule::Exact(h),
        Line::AtLeast(h) => LineRule::AtLeast(h),
    }
}

/// A text look's line box as Word sets it (the paragraph model's): from the
/// line's top to the baseline, and below it, in points; for «multiple» a
/// single line (the rest stands below the line, see [`extra`]).
fn text_box(look: &Look, line: Line) -> (f64, f64) {
    let font = FontMetrics::of(&look.font);
    let b = match rule(line) {
        LineRule::Multiple(_) => LineRule::Multiple(1.0).line_box(&font, look.size),
        r => r.line_box(&font, look.size),
    };
    (b.baseline, b.height - b.baseline)
}

/// The extra space below every line of a paragraph («multiple» line spacing), in points.
fn extra(p: &HfPara) -> f64 {
    let look = first_look(p);
    rule(p.line).extra(&FontMetrics::of(&look.font), look.size)
}

fn first_look(p: &HfPara) -> &Look {
    p.pieces().find(|(piece, _)| !matches!(piece, Piece::Image { .. })).map(|(_, l)| l).unwrap_or(&p.mark)
}

/// The height of a paragraph's lines as Word sets them, in points (without
/// the space before and after).
fn lines_height(p: &HfPara) -> f64 {
    let mut lines: Vec<Vec<&(Piece, Look)>> = vec![Vec::new()];
    for item in p.pieces() {
        if matches!(item.0, Piece::LineBreak) {
            lines.push(Vec::new());
        } else {
            lines.last_mut().expect("a line").push(item);
        }
    }
    let mut total = 0.0;
    for line in &lines {
        // A line without text is as high as its paragraph mark (below a picture: its depth).
        let (mut above, mut below) =
            if has_text(line.iter().copied()) { (0.0, 0.0) } else { text_box(&p.mark, p.line) };
        let mut picture: f64 = 0.0;
        for (piece, look) in line {
            match piece {
                Piece::Image { height_mm, .. } => picture = picture.max(f64::from(*height_mm) * PT_PER_MM),
                _ => {
                    let (a, b) = text_box(look, p.line);
                    above = above.max(a);
                    below = below.max(b);
                }
            }
        }
        total += above.max(picture) + below + extra(p);
    }
    total
}

/// Whether some pieces hold text (a page number is text).
fn has_text<'a>(pieces: impl IntoIterator<Item = &'a (Piece, Look)>) -> bool {
    pieces.into_iter().any(|(p, _)| matches!(p, Piece::Text(_) | Piece::Page | Piece::Pages))
}

/// Whether the first line of a paragraph holds text.
fn first_line_has_text(p: &HfPara) -> bool {
    has_text(p.pieces().take_while(|(piece, _)| !matches!(piece, Piece::LineBreak)))
}

fn block_height(b: &HfBlock) -> f64 {
    match b {
        HfBlock::Para(p) => lines_height(p),
        HfBlock::Row(cells) => cells
            .iter()
            .map(|(_, ps)| {
                let mut h = 0.0;
                let mut prev_after: Option<f32> = None;
                for p in ps {
                    let gap = prev_after.map(|a| a.max(p.before_pt)).unwrap_or(p.before_pt);
                    h += f64::from(gap) + lines_height(p);
                    prev_after = Some(p.after_pt);
                }
                h + f64::from(prev_after.unwrap_or(0.0))
            })
            .fold(0.0, f64::max),
    }
}

fn before(b: &HfBlock) -> f32 {
    match b {
        HfBlock::Para(p) => p.before_pt,
        HfBlock::Row(_) => 0.0,
    }
}

fn after(b: &HfBlock) -> f32 {
    match b {
        HfBlock::Para(p) => p.after_pt,
        HfBlock::Row(_) => 0.0,
    }
}

/// How high a header or footer's text is, in points: its blocks with
/// Word's space between paragraphs (the larger of after and before).
pub fn height(hf: &HeaderFooter) -> f64 {
    let mut h = 0.0;
    let mut prev: Option<&HfBlock> = None;
    for b in &hf.blocks {
        let gap = match prev {
            Some(p) => after(p).max(before(b)),
            None => before(b),
        };
        h += f64::from(gap) + block_height(b);
        prev = Some(b);
    }
    h + f64::from(prev.map(after).unwrap_or(0.0))
}

/// The page's geometry in millimetres, as Word's positions are measured in it.
#[derive(Debug, Clone, Copy)]
struct Page {
    width: f32,
    height: f32,
    left: f32,
    right: f32,
    top: f32,
    bottom: f32,
}

impl Page {
    fn of(theme: &Theme) -> Page {
        let p = &theme.page;
        let (width, height) = p.size_mm();
        Page {
            width,
            height,
            left: p.margin_left_mm,
            right: p.margin_right_mm,
            top: p.margin_top_mm,
            bottom: p.margin_bottom_mm,
        }
    }

    /// The text's width as Word has it, in whole twips (the DOCX's tab stops
    /// at the right edge stand there), in millimetres.
    fn word_text_width(&self) -> f32 {
        let twips = |mm: f32| (mm * TWIPS_PER_MM).round();
        (twips(self.width) - twips(self.left) - twips(self.right)) / TWIPS_PER_MM
    }

    /// A float's left edge from the page's left edge.
    fn x(&self, a: &Anchor, w: f32) -> f32 {
        let (start, end) = match a.from {
            From::Page => (0.0, self.width),
            From::Margin | From::Paragraph => (self.left, self.width - self.right),
            From::StartMargin => (0.0, self.left),
            From::EndMargin => (self.width - self.right, self.width),
        };
        place_in(a, start, end, w)
    }

    /// A float's top edge from the page's top edge, or from its paragraph's top.
    fn y(&self, a: &Anchor, h: f32) -> f32 {
        let (start, end) = match a.from {
            From::Page => (0.0, self.height),
            From::Margin => (self.top, self.height - self.bottom),
            From::StartMargin => (0.0, self.top),
            From::EndMargin => (self.height - self.bottom, self.height),
            From::Paragraph => return a.offset_mm,
        };
        place_in(a, start, end, h)
    }
}

fn place_in(a: &Anchor, start: f32, end: f32, size: f32) -> f32 {
    match a.align {
        None => start + a.offset_mm,
        Some(Edge::Start) => start,
        Some(Edge::Middle) => start + (end - start - size) / 2.0,
        Some(Edge::End) => end - size,
    }
}

/// Which page marginal is being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Header,
    Footer,
}

/// Writes a header's or footer's Typst.
struct Writer<'a> {
    page: Page,
    kind: Kind,
    /// The folder of its pictures in the compiler's world.
    dir: &'a str,
    alt: String,
}

fn length(mm: f32) -> String {
    format!("{mm:.3}mm")
}

impl Writer<'_> {
    fn text_args(&self, look: &Look, line: Line) -> String {
        let (above, below) = text_box(look, line);
        format!(
            "font: {}, size: {}pt, fill: rgb(\"#{}\"), weight: \"{}\", style: \"{}\", top-edge: {above:.3}pt, bottom-edge: {:.3}pt",
            lit(&look.font),
            look.size,
            look.color,
            if look.bold { "bold" } else { "regular" },
            if look.italic { "italic" } else { "normal" },
            -below
        )
    }

    fn image(&self, name: &str, w: f32, h: f32) -> String {
        format!(
            "image({}, width: {}, height: {}, alt: {})",
            lit(&super::pdf::asset_path(self.dir, name)),
            length(w),
            length(h),
            lit(&self.alt)
        )
    }

    /// The pieces of a part as Typst content.
    fn pieces(&self, pieces: &[(Piece, Look)], line: Line) -> String {
        let mut out = String::from("[");
        for (piece, look) in pieces {
            let text = |t: &str| format!("#text({})[{t}]", self.text_args(look, line));
            out.push_str(&match piece {
                Piece::Text(t) => text(&format!("#{}", lit(t))),
                Piece::LineBreak => "#linebreak()".into(),
                Piece::Page => text("#counter(page).display()"),
                Piece::Pages => text("#counter(page).final().first()"),
                Piece::Image { name, width_mm, height_mm } => {
                    format!("#box({})", self.image(name, *width_mm, *height_mm))
                }
            });
        }
        out.push(']');
        out
    }

    /// A float placed in its container: the paragraph (`origin_y` none) or
    /// the header's or footer's whole area.
    fn float(&self, f: &Float, in_paragraph: bool) -> String {
        let x = self.page.x(&f.x, f.width_mm) - self.page.left;
        let y = self.page.y(&f.y, f.height_mm);
        let body = match &f.content {
            FloatContent::Image(name) => format!("box({})", self.image(name, f.width_mm, f.height_mm)),
            FloatContent::Text(paras) => format!(
                "block(width: {}, height: {}, {{ {} }})",
                length(f.width_mm),
                length(f.height_mm),
                self.paragraphs(paras)
            ),
        };
        if in_paragraph {
            return format!("place(top + left, dx: {}, dy: {}, {body})", length(x), length(y));
        }
        match self.kind {
            Kind::Header => format!("place(top + left, dx: {}, dy: {}, {body})", length(x), length(y)),
            // The footer's area ends at the page's bottom edge.
            Kind::Footer => format!(
                "place(bottom + left, dx: {}, dy: {}, {body})",
                length(x),
                length(y + f.height_mm - self.page.height)
            ),
        }
    }

    /// Whether a float is placed beside its paragraph (its vertical position
    /// is measured from the paragraph).
    fn by_paragraph(f: &Float) -> bool {
        f.y.from == From::Paragraph
    }

    /// One paragraph, without the space around it.
    fn paragraph(&self, p: &HfPara) -> String {
        let mut out = String::from("block(width: 100%, spacing: 0pt, {");
        let _ = write!(out, "set par(leading: {:.3}pt, spacing: 0pt); ", extra(p));
        let _ = write!(out, "set text({}); ", self.text_args(&p.mark, p.line));
        for f in p.floats.iter().filter(|f| Self::by_paragraph(f)) {
            out.push_str(&self.float(f, true));
            out.push_str("; ");
        }
        let left = p.indent_left_mm + p.first_line_mm.min(0.0);
        let _ = write!(out, "pad(left: {}, right: {}, {{ ", length(left), length(p.indent_right_mm));
        // An empty line is as high as its paragraph mark; a line of only a
        // picture still has the mark's depth below the baseline.
        let strut = if first_line_has_text(p) {
            "[]".to_string()
        } else {
            format!("box(width: 0pt, hide(text({})[x]))", self.text_args(&p.mark, p.line))
        };
        let first = p.first_line_mm.max(0.0);
        let tabbed = p.parts.len() > 1;
        if !tabbed {
            let align = match p.align {
                HAlign::Left => "left",
                HAlign::Center => "center",
                HAlign::Right => "right",
            };
            let _ = write!(out, "set align({align}); ");
            if first > 0.0 {
                let _ = write!(out, "h({}); ", length(first));
            }
            let _ = write!(out, "{strut}; {}", self.pieces(&p.parts[0].pieces, p.line));
        } else {
            let width = self.page.word_text_width();
            let stop = |s: &TabStop| {
                let base = match s.from {
                    Edge::Start => 0.0,
                    Edge::Middle => width / 2.0,
                    Edge::End => width,
                };
                let al = match s.align {
                    HAlign::Left => "l",
                    HAlign::Center => "c",
                    HAlign::Right => "r",
                };
                format!("({}, \"{al}\")", length(base + s.pos_mm))
            };
            let stops: Vec<String> = p.tabs.iter().map(stop).collect();
            let parts: Vec<String> = p
                .parts
                .iter()
                .map(|part: &Part| {
                    let fixed = part.stop.as_ref().map(stop).unwrap_or_else(|| "none".into());
                    format!("({}, {fixed})", self.pieces(&part.pieces, p.line))
                })
                .collect();
            let _ = write!(
                out,
                "set align(left); arsplan-tabs({strut}, ({},), ({}), {}, {}, {})",
                parts.join(", "),
                if stops.is_empty() { String::new() } else { format!("{},", stops.join(", ")) },
                length(p.default_tab_mm.max(1.0)),
                length(p.indent_left_mm + p.first_line_mm),
                length(p.indent_left_mm + p.first_line_mm.min(0.0)),
            );
        }
        out.push_str(" }) })");
        out
    }

    /// Paragraphs one after the other with Word's space between them
    /// (as code: content joined).
    fn paragraphs(&self, paras: &[HfPara]) -> String {
        let blocks: Vec<HfBlock> = paras.iter().cloned().map(HfBlock::Para).collect();
        self.blocks(&blocks)
    }

    fn blocks(&self, blocks: &[HfBlock]) -> String {
        let mut out = Vec::new();
        let mut prev: Option<&HfBlock> = None;
        for b in blocks {
            let gap = match prev {
                Some(p) => after(p).max(before(b)) as f64 + prev_extra(p),
                None => f64::from(before(b)),
            };
            if gap > 0.0005 {
                out.push(format!("v({gap:.3}pt)"));
            }
            out.push(match b {
                HfBlock::Para(p) => self.paragraph(p),
                HfBlock::Row(cells) => {
                    let cols: Vec<String> = cells.iter().map(|(w, _)| length(*w)).collect();
                    let body: Vec<String> =
                        cells.iter().map(|(_, ps)| format!("{{ {} }}", self.paragraphs(ps))).collect();
                    format!("grid(columns: ({},), column-gutter: 0pt, {})", cols.join(", "), body.join(", "))
                }
            });
            prev = Some(b);
        }
        if let Some(p) = prev {
            let end = f64::from(after(p)) + prev_extra(p);
            if end > 0.0005 {
                out.push(format!("v({end:.3}pt)"));
            }
        }
        if out.is_empty() {
            return "[]".into();
        }
        out.join("; ")
    }

    /// The whole header or footer: its text at the distance from the edge,
    /// and the floats anchored to the page.
    fn content(&self, hf: &HeaderFooter, distance_mm: f32) -> String {
        let text = format!("block(width: 100%, {{ {} }})", self.blocks(&hf.blocks));
        let mut out = match self.kind {
            Kind::Header => format!("place(top + left, dy: {}, {text})", length(distance_mm)),
            Kind::Footer => format!("place(bottom + left, dy: -{}, {text})", length(distance_mm)),
        };
        for b in &hf.blocks {
            let paras: Vec<&HfPara> = match b {
                HfBlock::Para(p) => vec![p],
                HfBlock::Row(cells) => cells.iter().flat_map(|(_, ps)| ps.iter()).collect(),
            };
            for p in paras {
                for f in p.floats.iter().filter(|f| !Self::by_paragraph(f)) {
                    out.push_str("; ");
                    out.push_str(&self.float(f, false));
                }
            }
        }
        format!("{{ {out} }}")
    }
}

/// The extra space below a paragraph's last line («multiple» line spacing).
fn prev_extra(b: &HfBlock) -> f64 {
    match b {
        HfBlock::Para(p) => extra(p),
        HfBlock::Row(_) => 0.0,
    }
}

/// The Typst function that sets a line's parts at their tab stops: each part
/// after a tab goes to the next stop after the text before it (a custom stop,
/// else Word's next default stop), left, centred or right aligned there.
/// Positions are from the text column's left edge; `start` is where the
/// first part begins and `origin` where the line's box begins.
pub const TABS_FN: &str = r#"#let arsplan-tabs(strut, parts, stops, deftab, start, origin) = context {
  let x = start
  let out = strut + h(start - origin)
  for (i, (body, fixed)) in parts.enumerate() {
    let w = measure(body).width
    if i > 0 {
      let stop = if fixed != none { fixed } else {
        let s = stops.find(s => s.at(0) > x + 0.01pt)
        if s == none { (calc.floor((x + 0.01pt) / deftab + 1) * deftab, "l") } else { s }
      }
      let (pos, al) = stop
      let begin = if al == "c" { pos - w / 2 } else if al == "r" { pos - w } else { pos }
      let gap = calc.max(begin - x, 0pt)
      out += h(gap)
      x += gap
    }
    out += body
    x += w
  }
  // Text at a tab stop may reach into the right margin, as in Word: the line does not wrap.
  block(width: calc.max(x - origin + 0.5pt, 0pt), spacing: 0pt, out)
}
"#;

/// The header and footer of the PDF's pages.
pub struct Marginals {
    /// Definitions to put before the page's set rule.
    pub preamble: String,
    pub header: String,
    pub footer: String,
    /// The top and bottom margins the body gets: the style's, or more where
    /// the header or footer reaches beyond them.
    pub margin_top_mm: f32,
    pub margin_bottom_mm: f32,
    /// Space at the start of the body, when the first page's own header
    /// reaches further down than the other pages' (points).
    pub first_page_push_pt: f64,
    /// The pictures the header and footer show, by their path in the world.
    pub files: Vec<(String, Vec<u8>)>,
}

/// Typst for one marginal and, when the first page has its own, a choice by page.
fn both(w: &Writer, default: &HeaderFooter, first: Option<&HeaderFooter>, distance: f32) -> String {
    match first {
        Some(f) => format!(
            "context {{ if counter(page).get().first() == 1 {} else {} }}",
            w.content(f, distance),
            w.content(default, distance)
        ),
        None => format!("context {}", w.content(default, distance)),
    }
}

/// The header and footer of a document in a house style: the Word
/// template's when the style uses them, else arsplan's own.
pub fn marginals(theme: &Theme, assets: &Assets) -> Marginals {
    let page = Page::of(theme);
    let alt = format!("Logo {}", theme.mark.as_deref().unwrap_or(&theme.name));
    let mut files = Vec::new();
    let own_header;
    let (header, first_header, header_dir) = match theme.word_header() {
        Some((h, f)) => (h, f, "wordmal"),
        None => {
            own_header = own_header_model(theme, assets, page.word_text_width());
            (&own_header, None, "assets")
        }
    };
    let own_footer;
    let (footer, first_footer, footer_dir) = match theme.word_footer() {
        Some((h, f)) => (h, f, "wordmal"),
        None => {
            own_footer = own_footer_model(theme, page.word_text_width());
            (&own_footer, None, "assets")
        }
    };
    // A first page of its own only when the template draws both, as in the DOCX.
    let (first_header, first_footer) = if header_dir == "wordmal" && footer_dir == "wordmal" {
        (first_header, first_footer)
    } else {
        (None, None)
    };
    for (hf, dir) in [(header, header_dir), (footer, footer_dir)] {
        if dir == "wordmal" {
            files.extend(hf.images.iter().map(|(n, b)| (super::pdf::asset_path(dir, n), b.clone())));
        }
    }
    for hf in [first_header, first_footer].into_iter().flatten() {
        files.extend(hf.images.iter().map(|(n, b)| (super::pdf::asset_path("wordmal", n), b.clone())));
    }
    let hd = theme.page.header_distance_mm();
    let fd = theme.page.footer_distance_mm();
    let mm = |pt: f64| (pt / PT_PER_MM) as f32;
    // Word starts the body below a header that reaches beyond the top margin.
    let margin_top_mm = page.top.max(hd + mm(height(header)));
    // A first page's own, taller header pushes only the first page's body.
    let first_page_push_pt = match first_header {
        Some(f) => {
            let needed = page.top.max(hd + mm(height(f)));
            f64::from((needed - margin_top_mm).max(0.0)) * PT_PER_MM
        }
        None => 0.0,
    };
    let margin_bottom_mm = page.bottom.max(fd + mm(height(footer)));
    let hw = Writer { page, kind: Kind::Header, dir: header_dir, alt: alt.clone() };
    let fw = Writer { page, kind: Kind::Footer, dir: footer_dir, alt };
    Marginals {
        preamble: TABS_FN.to_string(),
        header: both(&hw, header, first_header, hd),
        footer: both(&fw, footer, first_footer, fd),
        margin_top_mm,
        margin_bottom_mm,
        first_page_push_pt,
        files,
    }
}

/// What stands in arsplan's own header: a logo or a typographic mark.
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    /// A picture in the document's assets, at a size, with its alternative text.
    Logo { name: String, width_mm: f32, height_mm: f32, alt: String },
    /// The trust's (or a partner's) name in the house colour.
    Text(String),
}

/// arsplan's own header, as both formats draw it: marks at the left, in the
/// middle and at the right of its first line (tab stops at the middle and the
/// right edge), then the style's header lines at the right, small.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnHeader {
    pub marks: Vec<(HAlign, Mark)>,
    pub lines: Vec<String>,
}

/// The size of the main logo (its width from the style, at most the text's)
/// and of a second logo (10 mm high, at most half the text's width).
fn logo_size(name: &str, bytes: &[u8], width_mm: Option<f32>, text_mm: f32) -> Option<(f32, f32)> {
    let (w, h) = super::picture_dimensions(name, bytes)?;
    let ratio = (h / w.max(1e-6)) as f32;
    Some(match width_mm {
        Some(wm) => {
            let wm = wm.min(text_mm);
            (wm, wm * ratio)
        }
        None => {
            let hm = 10.0f32;
            let wm = (hm / ratio.max(1e-6)).min(text_mm / 2.0);
            (wm, wm * ratio)
        }
    })
}

/// arsplan's own header: the logo (or the mark) where the style places it,
/// a second logo or mark at the other side. (The pictures were checked when
/// they were read; one whose size cannot be told gives way to the mark.)
pub fn own_header(theme: &Theme, assets: &Assets, text_width_mm: f32) -> OwnHeader {
    let mark_text = theme.mark.clone().unwrap_or_else(|| theme.name.clone());
    let logo = |base: &str, width: Option<f32>| {
        let (name, bytes) = assets.logo(base)?;
        let (w, h) = logo_size(&name, bytes, width, text_width_mm)?;
        Some((name, w, h))
    };
    let main = match logo("logo", Some(theme.logo_width_mm)) {
        Some((name, w, h)) => {
            Mark::Logo { name, width_mm: w, height_mm: h, alt: format!("Logo {mark_text}") }
        }
        None => Mark::Text(mark_text),
    };
    let second = match logo("logo-hoyre", None) {
        Some((name, w, h)) => {
            let alt = format!("Logo {}", theme.mark_right.clone().unwrap_or_default());
            Some(Mark::Logo { name, width_mm: w, height_mm: h, alt })
        }
        None => theme.mark_right.clone().map(Mark::Text),
    };
    let place = match theme.logo_place.unwrap_or_default() {
        Align::Left => HAlign::Left,
        Align::Center => HAlign::Center,
        Align::Right => HAlign::Right,
    };
    let mut marks = vec![(place, main)];
    if let Some(m) = second {
        // The second mark stands at the right, or at the left when the logo is there.
        let side = if place == HAlign::Right { HAlign::Left } else { HAlign::Right };
        marks.push((side, m));
    }
    marks.sort_by_key(|(a, _)| *a as u8);
    OwnHeader { marks, lines: theme.header_lines.clone() }
}

/// The look of the typographic mark and of the small lines.
fn looks(theme: &Theme) -> (Look, Look, Look) {
    use crate::theme::ColorRole;
    let base = |size: f32, color: ColorRole, bold: bool| Look {
        font: theme.font.clone(),
        size,
        color: theme.role(color),
        bold,
        italic: false,
    };
    (
        base(12.0, ColorRole::Primary, true),
        base(8.0, ColorRole::Secondary, false),
        base(theme.font_size, ColorRole::Text, false),
    )
}

/// The house style's own header in the shape a Word template's is read in.
fn own_header_model(theme: &Theme, assets: &Assets, text_width_mm: f32) -> HeaderFooter {
    let own = own_header(theme, assets, text_width_mm);
    let (mark_look, small, normal) = looks(theme);
    let line = Line::Multiple(theme.spacing.line);
    let para = |parts: Vec<Part>, align: HAlign, tabs: Vec<TabStop>, after: f32, mark: Look| HfPara {
        parts,
        align,
        tabs,
        default_tab_mm: 12.5,
        indent_left_mm: 0.0,
        indent_right_mm: 0.0,
        first_line_mm: 0.0,
        before_pt: 0.0,
        after_pt: after,
        line,
        mark,
        floats: Vec::new(),
    };
    let mut hf = HeaderFooter::default();
    let mut parts = vec![Part::default()];
    for (align, mark) in &own.marks {
        // A tab goes to the next stop: the middle, then the right edge.
        if *align != HAlign::Left {
            parts.push(Part::default());
        }
        let piece = match mark {
            Mark::Logo { name, width_mm, height_mm, .. } => {
                if let Some(bytes) = assets.images.get(name) {
                    hf.images.insert(name.clone(), bytes.clone());
                }
                (
                    Piece::Image { name: name.clone(), width_mm: *width_mm, height_mm: *height_mm },
                    normal.clone(),
                )
            }
            Mark::Text(t) => (Piece::Text(t.clone()), mark_look.clone()),
        };
        parts.last_mut().expect("a part").pieces.push(piece);
    }
    let tabs = own_tab_stops(&own, text_width_mm)
        .into_iter()
        .map(|(align, pos_mm)| TabStop { align, pos_mm, from: Edge::Start })
        .collect();
    hf.blocks.push(HfBlock::Para(para(parts, HAlign::Left, tabs, 2.0, normal.clone())));
    for l in &own.lines {
        let parts = vec![Part { stop: None, pieces: vec![(Piece::Text(l.clone()), small.clone())] }];
        hf.blocks.push(HfBlock::Para(para(parts, HAlign::Right, Vec::new(), 0.0, normal.clone())));
    }
    hf
}

/// The tab stops of the own header's first line: the middle when a mark
/// stands there, the right edge when one stands there.
pub fn own_tab_stops(own: &OwnHeader, text_width_mm: f32) -> Vec<(HAlign, f32)> {
    let mut stops = Vec::new();
    if own.marks.iter().any(|(a, _)| *a == HAlign::Center) {
        stops.push((HAlign::Center, text_width_mm / 2.0));
    }
    if own.marks.iter().any(|(a, _)| *a == HAlign::Right) {
        stops.push((HAlign::Right, text_width_mm));
    }
    stops
}

/// The house style's own footer: its text at the left, the page number at the
/// right edge, in one size and colour.
fn own_footer_model(theme: &Theme, text_width_mm: f32) -> HeaderFooter {
    let (_, _, normal) = looks(theme);
    let look = Look { size: 8.5, color: theme.role(crate::theme::ColorRole::Secondary), ..normal.clone() };
    let mut first = Part::default();
    if !theme.footer_text.is_empty() {
        first.pieces.push((Piece::Text(theme.footer_text.clone()), look.clone()));
    }
    let mut page = Part::default();
    for part in theme.texts.page_parts() {
        page.pieces.push((
            match part {
                PagePart::Text(t) => Piece::Text(t),
                PagePart::Page => Piece::Page,
                PagePart::Pages => Piece::Pages,
            },
            look.clone(),
        ));
    }
    let para = HfPara {
        parts: vec![first, page],
        align: HAlign::Left,
        tabs: vec![TabStop { align: HAlign::Right, pos_mm: text_width_mm, from: Edge::Start }],
        default_tab_mm: 12.5,
        indent_left_mm: 0.0,
        indent_right_mm: 0.0,
        first_line_mm: 0.0,
        before_pt: 0.0,
        after_pt: 0.0,
        line: Line::Multiple(theme.spacing.line),
        mark: normal,
        floats: Vec::new(),
    };
    HeaderFooter { blocks: vec![HfBlock::Para(para)], images: Default::default() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn look(size: f32) -> Look {
        Look { font: "Carlito".into(), size, color: "000000".into(), bold: false, italic: false }
    }

    fn para(pieces: Vec<(Piece, Look)>, line: Line) -> HfPara {
        HfPara {
            parts: vec![Part { stop: None, pieces }],
            align: HAlign::Left,
            tabs: vec![],
            default_tab_mm: 12.5,
            indent_left_mm: 0.0,
            indent_right_mm: 0.0,
            first_line_mm: 0.0,
            before_pt: 0.0,
            after_pt: 0.0,
            line,
            mark: look(11.0),
            floats: vec![],
        }
    }

    #[test]
    fn a_line_is_as_high_as_its_tallest_text_or_picture() {
        // Carlito 11 pt: a single line is 13.45 pt (1.2207 em in whole twips).
        let text = para(vec![(Piece::Text("a".into()), look(11.0))], Line::Multiple(1.0));
        assert!((lines_height(&text) - 13.45).abs() < 1e-9, "{}", lines_height(&text));
        let double = para(vec![(Piece::Text("a".into()), look(11.0))], Line::Multiple(2.0));
        assert!((lines_height(&double) - 2.0 * 13.45).abs() < 1e-9);
        let exact = para(vec![(Piece::Text("a".into()), look(11.0))], Line::Exact(20.0));
        assert!((lines_height(&exact) - 20.0).abs() < 0.001);
        // A 30 mm high logo: the picture above the baseline, the mark's depth below.
        let logo = Piece::Image { name: "l.png".into(), width_mm: 40.0, height_mm: 30.0 };
        let tall = para(vec![(logo, look(11.0))], Line::Multiple(1.0));
        let depth = 13.45 - 10.7;
        assert!((lines_height(&tall) - (30.0 * PT_PER_MM + depth)).abs() < 1e-9, "{}", lines_height(&tall));
    }

    #[test]
    fn floats_are_placed_in_the_area_they_are_measured_from() {
        let page = Page { width: 210.0, height: 297.0, left: 25.0, right: 20.0, top: 30.0, bottom: 20.0 };
        let a = |from, offset_mm, align| Anchor { from, offset_mm, align };
        assert_eq!(page.x(&a(From::Page, 110.0, None), 36.0), 110.0);
        assert_eq!(page.x(&a(From::Margin, 0.0, Some(Edge::Middle)), 45.0), 25.0 + (165.0 - 45.0) / 2.0);
        assert_eq!(page.x(&a(From::Margin, 0.0, Some(Edge::End)), 45.0), 190.0 - 45.0);
        assert_eq!(page.y(&a(From::Page, 3.0, None), 10.0), 3.0);
        assert_eq!(page.y(&a(From::StartMargin, 0.0, Some(Edge::End)), 10.0), 20.0);
        assert_eq!(page.y(&a(From::Paragraph, 2.5, None), 10.0), 2.5);
    }
}
