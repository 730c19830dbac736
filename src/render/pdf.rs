//! PDF through the Typst compiler embedded as a library, in a closed world:
//! generated source, the document's images, and fonts compiled into the binary.
//! Every text run is emitted as a Typst string literal, so no data can be read
//! as markup. Output is tagged PDF/A-2a and PDF/UA-1 with title, language and a
//! fixed date.
//!
//! The vertical rhythm follows the house style's `[avstand]` the way Word adds
//! space (a paragraph's space after plus the next one's space before), so the
//! PDF and the DOCX paginate alike.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use typst::foundations::{Bytes, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use super::keep;
use super::pages;
use super::spacing::{self, FontMetrics, Model, Para, Place};
use super::world::{self, lit};
use super::{Assets, Renderer};
use crate::diag::{Error, Result};
use crate::doc::{Block, Change, Document, Inline, Table};
use crate::theme::{Align, ColorRole, ParaStyle, Theme};

pub struct Pdf;

/// Where list markers sit and where the text of a list item starts, per level.
pub const LIST_INDENT_MM: f32 = 1.5;
pub const LIST_MARKER_MM: f32 = 5.0;
/// How far the last line of a page may reach into the bottom margin, in
/// points: LibreOffice (standing in for Word) lets it by about this much,
/// measured on the example documents.
const PAGE_FOOT_SLACK_PT: f32 = 0.3;

/// The width of a table's rules, in points (Word's `w:sz="4"`, eighths of a point).
pub const RULE_PT: f32 = 0.5;

/// A colour a style gives (a role's name or `#rrggbb`) in Typst.
fn rgb(theme: &Theme, name: &str) -> String {
    format!("rgb(\"#{}\")", theme.color(name))
}

/// A role's colour in Typst.
fn rgb_role(theme: &Theme, role: ColorRole) -> String {
    format!("rgb(\"#{}\")", theme.role(role))
}

fn inlines(out: &mut String, items: &[Inline]) {
    for i in items {
        match i {
            Inline::Text(t) if t.is_empty() => {}
            Inline::Text(t) if t.contains(super::typo::NBHY) => {
                // The fonts have no no-break hyphen: a word holding one is a box
                // (no line breaks inside), with a hyphen.
                let words: Vec<&str> = t.split(' ').collect();
                let mut plain = String::new();
                for (k, w) in words.iter().enumerate() {
                    if w.contains(super::typo::NBHY) {
                        if !plain.is_empty() {
                            out.push('#');
                            out.push_str(&lit(&std::mem::take(&mut plain)));
                        }
                        let _ = write!(out, "#box[#{}]", lit(&w.replace(super::typo::NBHY, "-")));
                    } else {
                        plain.push_str(w);
                    }
                    if k + 1 < words.len() {
                        plain.push(' ');
                    }
                }
                if !plain.is_empty() {
                    out.push('#');
                    out.push_str(&lit(&plain));
                }
            }
            Inline::Text(t) => {
                out.push('#');
                out.push_str(&lit(t));
            }
            Inline::Strong(c) => {
                out.push_str("#strong[");
                inlines(out, c);
                out.push(']');
            }
            Inline::Emph(c) => {
                out.push_str("#emph[");
                inlines(out, c);
                out.push(']');
            }
            Inline::Link { url, content } => {
                let _ = write!(out, "#link({})[", lit(url));
                inlines(out, content);
                out.push(']');
            }
            Inline::LineBreak => out.push_str("#linebreak()"),
            // A change of an endringsversjon (see REVISION_PREAMBLE).
            Inline::Changed { change, content } => {
                out.push_str(match change {
                    Change::Inserted => "#rev-ins[",
                    Change::Deleted => "#rev-del[",
                });
                inlines(out, content);
                out.push(']');
            }
        }
    }
}

/// The class of the box on an endringsversjon's first page that lists what
/// changed (`crate::revise`).
pub const REVISION_BOX: &str = "endringsboks";
/// The colours of what was added and what was removed: text in them has a
/// contrast of at least 4.5:1 on white (WCAG 2.1 AA).
const REV_INS: &str = "rgb(\"#1b6e34\")";
const REV_DEL: &str = "rgb(\"#b3261e\")";

/// What an endringsversjon's marks are in Typst: added text underlined on a
/// green ground, removed text struck through, each after a small word that
/// says which («Lagt til:», «Slettet:», real text a screen reader reads, in
/// the reading order), with a change bar in the left margin (an artifact).
fn revision_preamble(theme: &Theme) -> String {
    let bar_x = theme.page.margin_left_mm - 4.0;
    format!(
        "#let rev-bar(col) = box(width: 0pt, context {{ let x = here().position().x; place(dx: {bar_x}mm - x, dy: -0.85em, pdf.artifact(line(angle: 90deg, length: 1.15em, stroke: 2pt + col))) }})
#let rev-ins(body) = {{ h(0.3em, weak: true); rev-bar({REV_INS}); text(size: 0.7em, fill: {REV_INS}, weight: \"regular\", style: \"normal\")[Lagt til: ]; underline(stroke: 0.8pt + {REV_INS}, highlight(fill: rgb(\"#e2f3e6\"), body)) }}
#let rev-del(body) = {{ h(0.3em, weak: true); rev-bar({REV_DEL}); text(size: 0.7em, fill: {REV_DEL}, weight: \"regular\", style: \"normal\")[Slettet: ]; strike(stroke: 0.8pt + {REV_DEL}, body) }}
"
    )
}

/// The `text(..)` arguments of a paragraph style, empty when it sets none.
fn text_args(theme: &Theme, st: &ParaStyle) -> String {
    let mut args = Vec::new();
    if let Some(f) = &st.font {
        args.push(format!("font: {}", lit(f)));
    }
    if let Some(s) = st.size {
        args.push(format!("size: {s}pt"));
    }
    if st.bold {
        args.push("weight: \"bold\"".into());
    }
    if st.italic {
        args.push("style: \"italic\"".into());
    }
    if let Some(c) = &st.color {
        args.push(format!("fill: {}", rgb(theme, c)));
    }
    args.join(", ")
}

/// The `text(..)` arguments of a heading's style: every property set, so
/// Typst's own heading look (larger, bold) never shows through.
fn heading_text_args(theme: &Theme, st: &ParaStyle) -> String {
    format!(
        "font: {}, size: {}pt, weight: \"{}\", style: \"{}\", fill: {}",
        lit(st.font.as_deref().unwrap_or(&theme.font)),
        st.size.unwrap_or(theme.font_size),
        if st.bold { "bold" } else { "regular" },
        if st.italic { "italic" } else { "normal" },
        st.color.as_deref().map(|c| rgb(theme, c)).unwrap_or_else(|| rgb_role(theme, ColorRole::Text))
    )
}

/// `set` rules (code, each ending in `;`) for the lines of a paragraph in
/// the model's spacing: text edges and leading as Word sets its lines, and the
/// style's indents.
fn line_rules(p: &Para, st: Option<&ParaStyle>) -> String {
    let font = FontMetrics::of(&p.font);
    let mut out = format!(
        "set text({}); set par(leading: {}); ",
        p.line.typst_edges(&font, p.size),
        p.line.typst_leading(&font, p.size)
    );
    match st.and_then(|st| st.first_line_mm) {
        Some(f) if f > 0.0 => {
            let _ = write!(out, "set par(first-line-indent: (amount: {f}mm, all: true)); ");
        }
        Some(f) if f < 0.0 => {
            let _ = write!(out, "set par(hanging-indent: {}mm); ", -f);
        }
        _ => {}
    }
    out
}

/// The left inset of a style's block: its indent, less a hanging first line.
fn inset(st: &ParaStyle) -> String {
    let left = st.indent_mm.unwrap_or(0.0) + st.first_line_mm.filter(|f| *f < 0.0).unwrap_or(0.0);
    if left.abs() > 0.01 {
        format!("inset: (left: {left}mm), ")
    } else {
        String::new()
    }
}

fn align_of(a: Align) -> &'static str {
    match a {
        Align::Left => "left",
        Align::Center => "center",
        Align::Right => "right",
    }
}

/// What the body is written with: the house style and its paragraph model.
struct Cx<'a> {
    theme: &'a Theme,
    model: Model<'a>,
    /// The width the current blocks have, in points (the page's text, a cell's).
    width: std::cell::Cell<f64>,
    /// The tables' column widths (render::autofit).
    fitter: super::autofit::Fitter,
    /// The show rule that gives the document's title (a level-1 heading) its look.
    title_look: String,
    /// The document's pictures.
    assets: &'a Assets,
    /// The tables written so far (the next one's number).
    tables: std::cell::Cell<usize>,
    hints: &'a Hints,
}

/// The container a sequence of blocks stands in, which decides the spacing
/// its paragraphs get (see [`Place`]).
#[derive(Clone, Copy)]
enum In<'s> {
    Body,
    /// A named style's group of paragraphs.
    Group(&'s str),
    Cell,
}

/// The first or last paragraph of a block, for the space around it.
enum Edge {
    Para(Para),
    /// A table: Word puts no space of its own above or below one.
    Table,
    /// A page break: the next page starts at its top.
    Break,
}

impl Cx<'_> {
    /// A plain paragraph (text, picture, chart) in a container, at `i` of `n`.
    fn plain(&self, inn: In, i: usize, n: usize) -> Para {
        match inn {
            In::Body => self.model.normal(),
            In::Group(class) => self.model.place(self.model.class(class), Place::Group { i, n }),
            In::Cell => self.model.place(self.model.normal(), Place::Cell { last: i + 1 == n }),
        }
    }

    /// The paragraphs of a list, in order (nested lists in place): the items'
    /// first paragraphs are list paragraphs, others are body paragraphs.
    fn list_paras(&self, items: &[Vec<Block>], inn: In, out: &mut Vec<Para>) {
        for item in items {
            for (k, b) in item.iter().enumerate() {
                match b {
                    Block::List { items, .. } => self.list_paras(items, inn, out),
                    Block::Paragraph(_) if k == 0 => {
                        out.push(self.model.place(self.model.normal(), Place::Item { last: false }))
                    }
                    other => {
                        if let (Some(Edge::Para(p)), _) = self.edges(other, inn, 0, 1) {
                            out.push(p);
                        }
                    }
                }
            }
        }
    }

    /// The first and the last paragraph of a block at `i` of `n` in its container.
    fn edges(&self, b: &Block, inn: In, i: usize, n: usize) -> (Option<Edge>, Option<Edge>) {
        let both = |p: Para| (Some(Edge::Para(p.clone())), Some(Edge::Para(p)));
        match b {
            Block::Title(_) => both(self.model.title()),
            Block::Heading { level, class, .. } => both(self.model.heading(*level, class.as_deref())),
            Block::Paragraph(_) | Block::Image(_) | Block::Chart(_) => both(self.plain(inn, i, n)),
            Block::List { items, .. } => {
                let mut paras = Vec::new();
                self.list_paras(items, inn, &mut paras);
                let last = paras.len().saturating_sub(1);
                if let Some(p) = paras.get_mut(last).filter(|p| p.style == spacing::LIST) {
                    *p = self.model.place(self.model.normal(), Place::Item { last: true });
                }
                if let In::Cell = inn {
                    if let Some(p) = paras.get_mut(last) {
                        p.after = if i + 1 == n { 0.0 } else { self.model.item_gap() };
                    }
                }
                (paras.first().cloned().map(Edge::Para), paras.last().cloned().map(Edge::Para))
            }
            Block::Table(_) => (Some(Edge::Table), Some(Edge::Table)),
            Block::Styled { class, blocks } => {
                let k = blocks.len();
                let first = blocks.first().and_then(|b| self.edges(b, In::Group(class), 0, k).0);
                let last = blocks.last().and_then(|b| self.edges(b, In::Group(class), k - 1, k).1);
                (first, last)
            }
            Block::PageBreak => (Some(Edge::Break), Some(Edge::Break)),
        }
    }

    /// The space between two neighbouring blocks, in points.
    fn gap(&self, prev: &Edge, next: &Edge) -> f64 {
        match (prev, next) {
            (Edge::Para(a), Edge::Para(b)) => self.model.gap(a, b),
            (Edge::Table, Edge::Para(b)) => f64::from(self.model.after_table(b.clone()).before),
            (Edge::Para(a), Edge::Table) => {
                self.model.gap(a, &Para { before: 0.0, contextual: false, ..a.clone() })
            }
            (Edge::Table, Edge::Table) => f64::from(self.theme.spacing.paragraph_pt),
            (Edge::Break, _) | (_, Edge::Break) => 0.0,
        }
    }

    /// Blocks one after the other, each gap as the model has it.
    fn flow(&self, out: &mut String, items: &[Block], inn: In) {
        let n = items.len();
        let mut parts: Vec<String> = Vec::new();
        // Whether each part keeps with the next (headings, labels).
        let mut sticky: Vec<bool> = Vec::new();
        let mut prev_last: Option<Edge> = None;
        for (i, b) in items.iter().enumerate() {
            let (first, last) = self.edges(b, inn, i, n);
            let mut part = String::new();
            if let (0, In::Body, Some(Edge::Para(p))) = (i, inn, &first) {
                // Word sets the document's first paragraph's space before at
                // the top of its first page (the title's), unlike a page's
                // first paragraph after a break.
                if p.before > 0.0005 {
                    let _ = writeln!(part, "#v({:.3}pt)", p.before);
                }
            }
            if let (Some(p), Some(f)) = (&prev_last, &first) {
                let g = self.gap(p, f);
                if g > 0.001 {
                    let _ = writeln!(part, "#v({g:.3}pt, weak: true)");
                }
            }
            // A block that keeps the one before with it (a signature and the
            // closing paragraph, a table and the paragraph that introduces it):
            // the one before is whole and sticks to it (render::keep).
            if keep::keeps_previous(self.theme, items, i) {
                if let Some(prevpart) = parts.pop() {
                    let (gap, body) = split_gap(&prevpart);
                    parts.push(format!(
                        "{gap}#block(sticky: true, breakable: false, width: 100%)[\n{body}]\n\n"
                    ));
                    if let Some(s) = sticky.last_mut() {
                        *s = true;
                    }
                }
            }
            if matches!((b, inn), (Block::Table(_), In::Body))
                && self.hints.move_whole.contains(&self.tables.get())
            {
                // The table starts a new page, with the headings that lead to it.
                let mut at = parts.len();
                while at > 0 && sticky[at - 1] {
                    at -= 1;
                }
                parts.insert(
                    at,
                    "#pagebreak(weak: true)
"
                    .into(),
                );
                sticky.insert(at, false);
            }
            let bridges = keep::bridges(self.theme, items, i);
            if bridges {
                // A heading's goal before a sub-heading: whole, and with them.
                part.push_str("#block(sticky: true, breakable: false, width: 100%)[\n");
            }
            self.block(&mut part, b, inn);
            if bridges {
                part.push_str("]\n\n");
            }
            parts.push(part);
            sticky.push(keep::sticky(self.theme, b) || bridges);
            prev_last = last.or(prev_last);
        }
        for p in parts {
            out.push_str(&p);
        }
    }

    fn block(&self, out: &mut String, b: &Block, inn: In) {
        let theme = self.theme;
        match b {
            Block::Title(content) => {
                // The document's title: a level-1 heading (tagged H1; a PDF/UA-1
                // Title would be mapped to a plain P) in the title's look.
                let _ = write!(out, "#[{}\n#heading(level: 1)[", self.title_look);
                inlines(out, content);
                out.push_str("]]\n\n");
            }
            Block::Heading { level, content, class } => {
                match class.as_ref().and_then(|c| theme.classes.get(c)) {
                    // A heading in a named style: its look, its place in the outline.
                    Some(st) => {
                        let st = ParaStyle { keep_with_next: true, ..st.clone() };
                        let p = self.model.heading(*level, class.as_deref());
                        // The heading's own show-set (a larger bold text) must not apply.
                        let args = heading_text_args(theme, &st);
                        let _ = writeln!(out, "#[#show heading: it => {{ set text({args}); it.body }}");
                        self.styled_block(out, &st, &p, true, |out| {
                            let _ = write!(out, "#heading(level: {level})[");
                            inlines(out, content);
                            out.push(']');
                        });
                        out.push_str("]\n\n");
                    }
                    None => {
                        let _ = write!(out, "#heading(level: {level})[");
                        inlines(out, content);
                        out.push_str("]\n\n");
                    }
                }
            }
            Block::Paragraph(c) => {
                inlines(out, c);
                out.push_str("\n\n");
            }
            Block::List { ordered, items } => {
                let gap = self.item_spacing();
                // A short list is kept on one page (render::keep).
                // (In a table's cell a row is whole anyway.)
                let whole = keep::list_whole(items) && matches!(inn, In::Body);
                if whole {
                    // The list's last space after need not fit on the page (as
                    // LibreOffice lays the DOCX out: measured on Bergen's 2024 plan).
                    out.push_str("#block(breakable: false, width: 100%)[");
                }
                if whole || !matches!(inn, In::Body) {
                    self.list(out, *ordered, items, 1, inn, gap);
                } else {
                    // A longer list: the first item and the one before the last
                    // keep with the next (render::keep), each a block of its
                    // own that sticks to the rest, the list's numbering going on.
                    let n = items.len();
                    let mut k = 0;
                    while k < n {
                        let kept = keep::item_keeps_next(n, k);
                        let end = if kept {
                            k + 1
                        } else {
                            (k + 1..n).find(|j| keep::item_keeps_next(n, *j)).unwrap_or(n)
                        };
                        if k > 0 {
                            let _ = writeln!(out, "#v({gap:.3}pt, weak: true)");
                        }
                        if kept {
                            out.push_str("#block(sticky: true, breakable: false, width: 100%)[");
                        }
                        self.list(out, *ordered, &items[k..end], k + 1, inn, gap);
                        if kept {
                            out.push_str("]\n");
                        }
                        k = end;
                    }
                }
                if whole {
                    out.push(']');
                }
                out.push_str("\n\n");
            }
            Block::Table(t) => self.table(out, t, matches!(inn, In::Body)),
            Block::Image(img) => {
                // As Word shows a picture: in a line of its own, on the baseline,
                // the size the DOCX gives it.
                let max_w = (self.width.get() * 25.4 / 72.0) as f32;
                let size = self.assets.images.get(&img.src).and_then(|b| {
                    super::picture_size(b, img.width_mm, max_w, super::max_picture_height_mm(theme))
                });
                let size = match size {
                    Some((w, h)) => format!(", width: {w:.2}mm, height: {h:.2}mm"),
                    None => img.width_mm.map(|w| format!(", width: {w}mm")).unwrap_or_default(),
                };
                let _ = writeln!(
                    out,
                    "#box(image({}, alt: {}{size}))\n",
                    lit(&asset_path("assets", &img.src)),
                    lit(&img.alt)
                );
            }
            Block::Chart(c) => out.push_str(&super::chart::typst(c, theme, self.width.get())),
            Block::Styled { class, blocks: inner } if class == REVISION_BOX => {
                let _ = write!(
                    out,
                    "#block(width: 100%, breakable: false, inset: 3mm, stroke: 1pt + {REV_DEL}, fill: rgb(\"#fdf1f0\"))["
                );
                self.flow(out, inner, In::Group(class));
                out.push_str("]\n\n");
            }
            Block::Styled { class, blocks: inner } if Change::of_class(class).is_some() => {
                // A chart or picture added or removed: a line in the margin's
                // colour beside it, after the word that says which.
                let (colour, label) = match Change::of_class(class) {
                    Some(Change::Deleted) => (REV_DEL, "Slettet:"),
                    _ => (REV_INS, "Lagt til:"),
                };
                let _ = writeln!(
                    out,
                    "#block(width: 100%, breakable: false, stroke: (left: 2pt + {colour}), inset: (left: 2mm), outset: (left: 4mm))[#text(size: 0.8em, fill: {colour})[{label}]\n"
                );
                self.flow(out, inner, In::Group(class));
                out.push_str("]\n\n");
            }
            Block::Styled { class, blocks: inner } => {
                let st = theme.classes.get(class).cloned().unwrap_or_default();
                let p = self.model.class(class);
                self.styled_block(out, &st, &p, st.keep_together, |out| {
                    self.flow(out, inner, In::Group(class))
                });
            }
            Block::PageBreak => out.push_str("#pagebreak(weak: true)\n\n"),
        }
    }

    /// The spacing between a list's items as Typst sets it (the gap and the
    /// extra height of a line).
    fn item_spacing(&self) -> f64 {
        let item = self.model.place(self.model.normal(), Place::Item { last: false });
        self.model.gap(&item, &item)
    }

    /// A block in a paragraph style: its look, kept with the next when asked,
    /// whole when `together`.
    fn styled_block(
        &self,
        out: &mut String,
        st: &ParaStyle,
        p: &Para,
        together: bool,
        body: impl FnOnce(&mut String),
    ) {
        let sticky = if st.keep_with_next { "sticky: true, " } else { "" };
        let breakable = if together { "breakable: false, " } else { "" };
        let args = text_args(self.theme, st);
        let _ = write!(out, "#block({sticky}{breakable}{}width: 100%)[", inset(st));
        if !args.is_empty() {
            let _ = writeln!(out, "#set text({args})");
        }
        for rule in line_rules(p, Some(st)).split("; ").filter(|r| !r.is_empty()) {
            let _ = writeln!(out, "#{rule}");
        }
        let _ = writeln!(out, "#set align({})", align_of(st.align()));
        body(out);
        out.push_str("]\n\n");
    }

    /// A list's items; a nested list is written in place.
    fn list(&self, out: &mut String, ordered: bool, items: &[Vec<Block>], start: usize, inn: In, gap: f64) {
        if ordered {
            let _ = write!(out, "#enum(start: {start}, spacing: {gap:.3}pt, ");
        } else {
            let _ = write!(out, "#list(spacing: {gap:.3}pt, ");
        }
        for item in items {
            out.push('[');
            for (k, b) in item.iter().enumerate() {
                if k > 0 {
                    let _ = writeln!(out, "#v({gap:.3}pt, weak: true)");
                }
                match b {
                    Block::List { ordered, items } => self.list(out, *ordered, items, 1, inn, gap),
                    other => self.block(out, other, inn),
                }
            }
            out.push_str("],");
        }
        out.push_str(")\n");
    }

    /// A table, numbered in document order; at the body's level, split into
    /// two at a page break when the hints say so (see [`Hints`]).
    fn table(&self, out: &mut String, t: &Table, body: bool) {
        let theme = self.theme;
        let number = self.tables.get();
        self.tables.set(number + 1);
        // Columns fitted to their content, as in the DOCX (render::autofit).
        let available = self.width.get();
        let widths = self.fitter.widths(t, theme, available);
        let cols: Vec<String> = widths.iter().map(|w| format!("{w:.3}pt")).collect();
        let header = t.header_rows.min(t.rows.len());
        let body_rows = t.rows.len() - header;
        let split = self.hints.break_at.get(&number).copied().filter(|k| body && *k > 0 && *k < body_rows);
        let pad = 2.0 * f64::from(theme.spacing.cell_h_pt);
        let cell = |out: &mut String, c: &[Block], head: bool, col: usize| {
            out.push('[');
            if head {
                let _ = writeln!(
                    out,
                    "#set text(fill: {}, weight: \"bold\")",
                    rgb_role(theme, ColorRole::TableHeaderText)
                );
            }
            let outer = self.width.replace(widths.get(col).copied().unwrap_or(available) - pad);
            self.flow(out, c, In::Cell);
            self.width.set(outer);
            out.push_str("],\n");
        };
        let parts = match split {
            Some(k) => vec![(0, k), (k, body_rows)],
            None => vec![(0, body_rows)],
        };
        for (i, (from, to)) in parts.into_iter().enumerate() {
            if i > 0 {
                // The rest of a split table starts the next page, its header first.
                out.push_str("#pagebreak()\n");
            }
            // Word's rules take room: half a rule above and below each row's
            // text, and a whole one at the table's top and bottom edges.
            let (v, h, half) = (theme.spacing.cell_v_pt, theme.spacing.cell_h_pt, RULE_PT / 2.0);
            let last = header + (to - from) - 1;
            let _ = writeln!(
                out,
                "#table(columns: ({},), fill: (x, y) => if y < {header} {{ {} }}, inset: (x, y) => (x: {h}pt, top: if y == 0 {{ {}pt }} else {{ {}pt }}, bottom: if y == {last} {{ {}pt }} else {{ {}pt }}),",
                cols.join(", "),
                rgb_role(theme, ColorRole::TableHeader),
                v + RULE_PT,
                v + half,
                v + RULE_PT,
                v + half,
            );
            if header > 0 {
                out.push_str("table.header(repeat: true,\n");
                for row in t.rows.iter().take(header) {
                    for (k, c) in row.iter().enumerate() {
                        cell(out, c, true, k);
                    }
                }
                out.push_str("),\n");
            }
            for row in &t.rows[header + from..header + to] {
                for (k, c) in row.iter().enumerate() {
                    cell(out, c, false, k);
                }
            }
            let _ = write!(out, ") <{}{number}-r{from}-h{header}>\n\n", pages::TABLE_LABEL);
        }
    }
}

/// What a first layout found about its tables, for the next: which tables
/// start on a new page, and where a long table breaks, by their number in
/// document order (see `render::fit`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hints {
    /// Tables moved whole to the next page (with the headings that lead to them).
    pub move_whole: BTreeSet<usize>,
    /// Tables that break before this body row (counted from 0).
    pub break_at: BTreeMap<usize, usize>,
}

/// A part of the flow split into its leading gap (`#v(..)`) and the rest.
fn split_gap(part: &str) -> (&str, &str) {
    match part.strip_prefix("#v(").and_then(|r| r.find('\n')) {
        Some(end) => part.split_at(end + 4),
        None => ("", part),
    }
}

/// The path in the compiler's world of a picture named as the user or a Word
/// template wrote it: the name itself when it is plain (`logo.png`,
/// `bilder/kart.png`), else a name made from its bytes, so a `..` or an odd
/// character can never leave the world's root.
pub(crate) fn asset_path(dir: &str, name: &str) -> String {
    let plain_part = |p: &str| {
        !p.is_empty()
            && p != "."
            && p != ".."
            && p.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    };
    if name.split('/').all(plain_part) {
        return format!("/{dir}/{name}");
    }
    let hex: String = name.bytes().map(|b| format!("{b:02x}")).collect();
    let ext = name.rsplit_once('.').map(|(_, e)| e).filter(|e| plain_part(e) && !e.contains('.'));
    match ext {
        Some(e) => format!("/{dir}/x{hex}.{}", e.to_ascii_lowercase()),
        None => format!("/{dir}/x{hex}"),
    }
}

/// The Typst source of a document: preamble from the house style, then the body.
pub fn source(doc: &Document, theme: &Theme, assets: &Assets) -> String {
    source_with(doc, theme, assets, &Hints::default())
}

/// The Typst source of a document, with what an earlier layout found.
pub fn source_with(doc: &Document, theme: &Theme, assets: &Assets, hints: &Hints) -> String {
    source_in(doc, theme, assets, &super::marginal::marginals(theme, assets), hints)
}

/// The Typst source of a document with its header and footer made.
fn source_in(
    doc: &Document,
    theme: &Theme,
    assets: &Assets,
    marginals: &super::marginal::Marginals,
    hints: &Hints,
) -> String {
    let doc = &super::typo::set(doc, theme);
    let mut s = String::new();
    let m = &doc.meta;
    let keywords: Vec<String> = m.keywords.iter().map(|k| lit(k)).collect();
    let _ = writeln!(
        s,
        "#set document(title: {}, author: {}, description: {}, keywords: ({},), date: datetime(year: {}, month: {}, day: {}))",
        lit(&m.title),
        lit(&m.author),
        lit(&m.subject),
        keywords.join(", "),
        chrono::Datelike::year(&m.date),
        chrono::Datelike::month(&m.date),
        chrono::Datelike::day(&m.date),
    );
    let (lang, region) = m.lang.split_once('-').unwrap_or((&m.lang, ""));
    let (page_w, _) = theme.page.size_mm();
    let text_w = f64::from(page_w - theme.page.margin_left_mm - theme.page.margin_right_mm) * 72.0 / 25.4;
    let title = theme.classes.get(spacing::TITLE).cloned().unwrap_or_default();
    let title_look = format!(
        "#show heading: it => {{ set text({}); {}set text(hyphenate: false); set align({}); block(sticky: true, breakable: false, width: 100%, {}it.body) }}",
        heading_text_args(theme, &title),
        line_rules(&Model::new(theme).title(), Some(&title)),
        align_of(title.align()),
        inset(&title),
    );
    let cx = Cx {
        assets,
        fitter: super::autofit::Fitter::new(&super::autofit::tables(&doc.blocks), theme),
        title_look,
        theme,
        model: Model::new(theme),
        width: std::cell::Cell::new(text_w),
        tables: std::cell::Cell::new(0),
        hints,
    };
    let normal = cx.model.normal();
    let metrics = FontMetrics::of(&theme.font);
    // Lines as Word sets them (see render::spacing); no hyphenation unless the
    // house style asks for it, and then only in running text.
    let _ = writeln!(
        s,
        "#set text(font: {}, size: {}pt, lang: {}, region: {}, hyphenate: {}, kerning: false, fill: {}, {})",
        lit(&theme.font),
        theme.font_size,
        lit(lang),
        lit(region),
        theme.typography.hyphenate,
        rgb_role(theme, ColorRole::Text),
        normal.line.typst_edges(&metrics, normal.size),
    );
    let p = &theme.page;
    let (width, height) = p.size_mm();
    // Header and footer at their distances from the page's edges, as Word sets
    // them: each is placed in an area from its edge of the page as large as
    // the page, so that a tall logo is laid out whole.
    s.push_str(&marginals.preamble);
    let _ = writeln!(
        s,
        "#set page(width: {width}mm, height: {height}mm, margin: (top: {:.3}mm, bottom: {:.3}mm - {PAGE_FOOT_SLACK_PT}pt, left: {}mm, right: {}mm), header-ascent: -{height}mm, footer-descent: -{height}mm, header: {}, footer: {})",
        marginals.margin_top_mm,
        marginals.margin_bottom_mm,
        p.margin_left_mm,
        p.margin_right_mm,
        marginals.header,
        marginals.footer,
    );
    // Every gap between blocks is written where it stands (Cx::flow).
    let _ =
        writeln!(s, "#set par(spacing: 0pt, leading: {})", normal.line.typst_leading(&metrics, normal.size));
    s.push_str("#set block(spacing: 0pt)\n");
    let marker = |m: &str| format!("box(width: {LIST_MARKER_MM}mm, align(left)[{m}])");
    let _ = writeln!(
        s,
        "#set list(marker: ({}, {}, {}), indent: {LIST_INDENT_MM}mm, body-indent: 0pt)",
        marker("•"),
        marker("–"),
        marker("▪"),
    );
    let _ = writeln!(
        s,
        "#set enum(numbering: n => box(width: {LIST_MARKER_MM}mm, align(left)[#n.]), indent: {LIST_INDENT_MM}mm, body-indent: 0pt)",
    );
    // Tables: rows never split across pages, header rows repeat, no hyphenation.
    let _ =
        writeln!(s, "#set table(stroke: {RULE_PT}pt + {}, align: left)", rgb_role(theme, ColorRole::Rule));
    s.push_str("#set table.cell(breakable: false)\n#show table: set text(hyphenate: false)\n");
    for level in 1..=4u8 {
        let st = theme.heading(level);
        let para = cx.model.heading(level, None);
        let set = format!("set text({}); {}", heading_text_args(theme, &st), line_rules(&para, Some(&st)));
        let _ = writeln!(
            s,
            "#show heading.where(level: {level}): it => {{ {set}set text(hyphenate: false); set align({}); block(sticky: true, breakable: false, width: 100%, {}it.body) }}",
            align_of(st.align()),
            inset(&st),
        );
    }
    if crate::revise::diff::has_changes(&doc.blocks) {
        s.push_str(&revision_preamble(theme));
    }
    s.push('\n');
    if marginals.first_page_push_pt > 0.0005 {
        let _ = writeln!(s, "#v({:.3}pt)", marginals.first_page_push_pt);
    }
    cx.flow(&mut s, &doc.blocks, In::Body);
    s
}

/// Lays a document out with Typst (the PDF's pages before export).
pub fn layout(doc: &Document, theme: &Theme, assets: &Assets) -> Result<PagedDocument> {
    layout_with(doc, theme, assets, &Hints::default())
}

/// Lays a document out with what an earlier layout found (see [`Hints`]).
pub fn layout_with(doc: &Document, theme: &Theme, assets: &Assets, hints: &Hints) -> Result<PagedDocument> {
    let styles = theme.headings.iter().chain(theme.classes.values());
    let fonts = std::iter::once(&theme.font).chain(styles.filter_map(|st| st.font.as_ref()));
    for font in fonts {
        if !world::has_font(font) {
            return Err(Error::msg(format!(
                "husstilen «{}» bruker skriften «{font}», som ikke følger med arsplan",
                theme.name
            ))
            .with_hint(format!("bruk en av disse: {}", world::font_families().join(", "))));
        }
    }
    let marginals = super::marginal::marginals(theme, assets);
    let text = source_in(doc, theme, assets, &marginals, hints);
    // For developers: ARSPLAN_DEBUG_TYPST=<file> writes the generated source.
    // (A directory: one file per document, named by its title.)
    if let Some(path) = std::env::var_os("ARSPLAN_DEBUG_TYPST") {
        let path = std::path::PathBuf::from(path);
        let path = if path.is_dir() {
            let name: String =
                doc.meta.title.chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect();
            path.join(format!("{name}.typ"))
        } else {
            path
        };
        let _ = std::fs::write(path, &text);
    }
    let mut files: world::Files = assets
        .images
        .iter()
        .map(|(name, bytes)| (world::file_id(&asset_path("assets", name)), Bytes::new(bytes.clone())))
        .collect();
    // The pictures of a Word template's header and footer.
    for (path, bytes) in marginals.files {
        files.insert(world::file_id(&path), Bytes::new(bytes));
    }
    world::compile_from(text, files, doc.meta.date, &doc.origins)
}

/// Exports laid-out pages as tagged PDF/A-2a and PDF/UA-1.
pub fn export(paged: &PagedDocument, doc: &Document) -> Result<Vec<u8>> {
    let standards = PdfStandards::new(&[PdfStandard::A_2a, PdfStandard::Ua_1])
        .map_err(|e| Error::msg(format!("PDF/A-oppsett: {e:?}")))?;
    let options = PdfOptions {
        ident: Smart::Custom(format!("arsplan:{}:{}", doc.meta.subject, doc.meta.title)),
        creator: Smart::Custom(Some("arsplan".into())),
        timestamp: world::date(doc.meta.date).map(Timestamp::new_utc),
        standards,
        tagged: true,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(paged, &options).map_err(|e| {
        let msgs: Vec<String> = e.iter().map(|d| d.message.to_string()).collect();
        Error::msg(format!("PDF-en kunne ikke lages (PDF-eksport): {}", msgs.join("; ")))
    })
}

impl Renderer for Pdf {
    fn render(&self, doc: &Document, theme: &Theme, assets: &Assets) -> Result<Vec<u8>> {
        export(&layout(doc, theme, assets)?, doc)
    }
}
