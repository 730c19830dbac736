//! Word's paragraph model, once, for both renderers: how high a line is, where
//! its baseline sits, and how much space stands between two paragraphs. The
//! DOCX writes these values as Word keeps them (space before and after, line
//! spacing «multiple», «exact» or «at least», contextual spacing); the PDF sets
//! Typst's lines and gaps from the same values, so the two paginate alike.
//!
//! What Word (and LibreOffice, which stands in for it in the tests) does, as
//! measured on this machine:
//! - A line of a font is as high as its `hhea` ascender + descender + line gap
//!   («single»); the baseline sits the ascender and the gap below the line's
//!   top. «Multiple» m makes every line m single lines high, the extra below
//!   the text; «exact» h makes it h high with the baseline at the same share of
//!   h; «at least» h is the larger of single and h.
//! - Between two paragraphs stands the larger of the first one's space after
//!   and the second one's space before (not their sum). A paragraph with
//!   contextual spacing has none on the side of a neighbour in the same style.
//! - At the top of a page (a break between paragraphs), space before is dropped.
//!
//! The house rules that sit on top (a list's items, a named style's group of
//! paragraphs, a table's cells, the paragraph after a table) are here too, as
//! the values a paragraph gets in its place: [`Model::place`].

use crate::fonts::FONTS;
use crate::theme::{ParaStyle, Theme};

/// A font's vertical metrics (`hhea`), in ems.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FontMetrics {
    pub ascent: f64,
    /// Below the baseline, positive.
    pub descent: f64,
    pub gap: f64,
}

impl FontMetrics {
    /// The regular face of a compiled-in family (the first font if unknown).
    pub fn of(family: &str) -> FontMetrics {
        let font =
            FONTS.iter().find(|f| f.info().family.eq_ignore_ascii_case(family)).or_else(|| FONTS.first());
        font.and_then(|f| ttf_parser::Face::parse(f.data(), f.index()).ok())
            .map(|face| {
                let upem = f64::from(face.units_per_em().max(1));
                FontMetrics {
                    ascent: f64::from(face.ascender()) / upem,
                    descent: -f64::from(face.descender()) / upem,
                    gap: f64::from(face.line_gap()) / upem,
                }
            })
            .unwrap_or(FontMetrics { ascent: 0.75, descent: 0.25, gap: 0.2 })
    }

    /// Word's single line, in ems.
    pub fn single(&self) -> f64 {
        self.ascent + self.descent + self.gap
    }

    /// From a single line's top to its baseline, in ems.
    pub fn baseline(&self) -> f64 {
        self.ascent + self.gap
    }

    /// A single line at `size` points, and its baseline below its top, in
    /// points, each in whole twips as Word and LibreOffice lay out.
    pub fn single_line(&self, size: f32) -> (f64, f64) {
        let twips = |v: f64| (v * f64::from(size) * 20.0).round() / 20.0;
        (twips(self.single()), twips(self.baseline()))
    }
}

/// Word's line spacing rules.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LineRule {
    /// A multiple of the font's single line (Word's «Multiple», «Single» is 1).
    Multiple(f32),
    /// Exactly this many points.
    Exact(f32),
    /// At least this many points.
    AtLeast(f32),
}

/// One line as Word sets it: its height and its baseline below its top, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineBox {
    pub height: f64,
    pub baseline: f64,
}

impl LineRule {
    /// The line box of text in `font` at `size` points.
    pub fn line_box(self, font: &FontMetrics, size: f32) -> LineBox {
        let (single, baseline) = font.single_line(size);
        let at_share = |h: f64| LineBox { height: h, baseline: h * font.baseline() / font.single() };
        match self {
            LineRule::Multiple(m) => LineBox { height: f64::from(m) * single, baseline },
            LineRule::Exact(h) => at_share(f64::from(h)),
            LineRule::AtLeast(h) if f64::from(h) > single => at_share(f64::from(h)),
            LineRule::AtLeast(_) => LineBox { height: single, baseline },
        }
    }

    /// The extra height of every line over its text box (below the text), in points.
    pub fn extra(self, font: &FontMetrics, size: f32) -> f64 {
        match self {
            LineRule::Multiple(m) => (f64::from(m) - 1.0).max(0.0) * font.single_line(size).0,
            _ => 0.0,
        }
    }

    /// `w:line` and `w:lineRule` of Word's `w:spacing`.
    pub fn word(self) -> (i32, &'static str) {
        match self {
            LineRule::Multiple(m) => ((240.0 * m).round() as i32, "auto"),
            LineRule::Exact(h) => ((20.0 * h).round() as i32, "exact"),
            LineRule::AtLeast(h) => ((20.0 * h).round() as i32, "atLeast"),
        }
    }

    /// Typst's `text` edges for this rule: a line's text box from its top to
    /// its bottom as Word sets it (for «multiple», a single line; the rest is
    /// [`LineRule::typst_leading`]).
    pub fn typst_edges(self, font: &FontMetrics, size: f32) -> String {
        let b = match self {
            LineRule::Multiple(_) => LineRule::Multiple(1.0).line_box(font, size),
            _ => self.line_box(font, size),
        };
        format!("top-edge: {:.3}pt, bottom-edge: {:.3}pt", b.baseline, -(b.height - b.baseline))
    }

    /// Typst's `par` leading for this rule: the extra height between lines.
    pub fn typst_leading(self, font: &FontMetrics, size: f32) -> String {
        format!("{:.3}pt", self.extra(font, size))
    }
}

/// The spacing of one paragraph, as Word keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Para {
    /// The Word style it is in: paragraphs with contextual spacing have none
    /// between them when this is the same.
    pub style: String,
    pub before: f32,
    pub after: f32,
    pub line: LineRule,
    pub contextual: bool,
    /// The font and size of its text (for the height of its lines).
    pub font: String,
    pub size: f32,
}

/// Word's space between two paragraphs, in points: the larger of the first's
/// space after and the second's space before, each dropped where contextual
/// spacing meets the same style.
pub fn between(prev: &Para, next: &Para) -> f32 {
    let same = prev.style == next.style;
    let after = if prev.contextual && same { 0.0 } else { prev.after };
    let before = if next.contextual && same { 0.0 } else { next.before };
    after.max(before)
}

/// Where a paragraph stands, which decides the space it gets beyond its style's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// On its own: its style's spacing.
    Alone,
    /// The `i`-th of `n` paragraphs of a named style's group (cover lines, a
    /// signature): the group has its style's space before and after, and its
    /// paragraphs stand a body paragraph apart.
    Group { i: usize, n: usize },
    /// An item of a list: items stand [`Model::item_gap`] apart.
    Item { last: bool },
    /// A paragraph in a table cell: none before the first or after the last,
    /// [`Model::item_gap`] between.
    Cell { last: bool },
}

/// The house style's paragraph model: what each kind of paragraph gets.
#[derive(Debug, Clone)]
pub struct Model<'t> {
    pub theme: &'t Theme,
}

/// The Word style names the model speaks of (the DOCX maps them to its ids).
pub const NORMAL: &str = "Normal";
pub const LIST: &str = "List";
pub const TITLE: &str = "tittel";

impl<'t> Model<'t> {
    pub fn new(theme: &'t Theme) -> Self {
        Model { theme }
    }

    /// The body text's line rule (Normal's).
    pub fn line(&self) -> LineRule {
        LineRule::Multiple(self.theme.spacing.line)
    }

    /// The body font's metrics.
    pub fn metrics(&self) -> FontMetrics {
        FontMetrics::of(&self.theme.font)
    }

    /// The space between a list's items (and between paragraphs in a cell);
    /// none when the style's lists use contextual spacing (`liste_pt = 0`).
    pub fn item_gap(&self) -> f32 {
        self.theme.spacing.list_pt
    }

    /// A paragraph in a named style (a heading's or a class's), alone.
    pub fn styled(&self, style: &str, st: &ParaStyle) -> Para {
        Para {
            style: style.to_string(),
            before: st.space_before_pt.unwrap_or(0.0),
            after: st.space_after_pt.unwrap_or(self.theme.spacing.paragraph_pt),
            line: st.line.map(LineRule::Multiple).unwrap_or_else(|| self.line()),
            contextual: false,
            font: st.font.clone().unwrap_or_else(|| self.theme.font.clone()),
            size: st.size.unwrap_or(self.theme.font_size),
        }
    }

    /// A body paragraph (Normal), alone.
    pub fn normal(&self) -> Para {
        Para {
            style: NORMAL.into(),
            before: 0.0,
            after: self.theme.spacing.paragraph_pt,
            line: self.line(),
            contextual: false,
            font: self.theme.font.clone(),
            size: self.theme.font_size,
        }
    }

    /// A heading of a level, in its class's look if it has one.
    pub fn heading(&self, level: u8, class: Option<&str>) -> Para {
        match class.and_then(|c| self.theme.classes.get(c).map(|st| (c, st))) {
            Some((c, st)) => self.styled(c, st),
            None => self.styled(&format!("heading {level}"), &self.theme.heading(level)),
        }
    }

    /// The document's title.
    pub fn title(&self) -> Para {
        let st = self.theme.classes.get(TITLE).cloned().unwrap_or_default();
        self.styled(TITLE, &st)
    }

    /// A paragraph in a named class (or Normal for a class the style lacks).
    pub fn class(&self, class: &str) -> Para {
        match self.theme.classes.get(class) {
            Some(st) => self.styled(class, st),
            None => self.normal(),
        }
    }

    /// A paragraph of style `p` in its place: the spacing it is written with.
    pub fn place(&self, mut p: Para, place: Place) -> Para {
        let body = self.theme.spacing.paragraph_pt;
        match place {
            Place::Alone => {}
            Place::Group { i, n } => {
                if i > 0 {
                    p.before = 0.0;
                }
                if i + 1 < n {
                    p.after = body;
                }
            }
            Place::Item { last } => {
                let gap = self.item_gap();
                p.style = LIST.into();
                p.before = 0.0;
                p.contextual = gap == 0.0;
                p.after = if last { body.max(gap) } else { gap };
                if gap == 0.0 {
                    // Word's own list look: contextual spacing, a paragraph's space after the list.
                    p.after = body;
                }
            }
            Place::Cell { last } => {
                p.before = 0.0;
                p.after = if last { 0.0 } else { self.item_gap() };
                p.contextual = false;
            }
        }
        p
    }

    /// The paragraph after a table: Word adds no space below a table, so it
    /// gets at least a body paragraph's space before.
    pub fn after_table(&self, mut p: Para) -> Para {
        p.before = p.before.max(self.theme.spacing.paragraph_pt);
        p
    }

    /// The space between two paragraphs (see [`between`]) and, for Typst, the
    /// extra height of the first one's last line, which Word sets below its text.
    pub fn gap(&self, prev: &Para, next: &Para) -> f64 {
        f64::from(between(prev, next)) + prev.line.extra(&FontMetrics::of(&prev.font), prev.size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(style: &str, before: f32, after: f32, contextual: bool) -> Para {
        Para {
            style: style.into(),
            before,
            after,
            line: LineRule::Multiple(1.0),
            contextual,
            font: "Carlito".into(),
            size: 11.0,
        }
    }

    #[test]
    fn the_larger_space_stands_between_paragraphs_and_contextual_spacing_drops_it() {
        assert_eq!(between(&para("Normal", 0.0, 20.0, false), &para("Normal", 20.0, 0.0, false)), 20.0);
        assert_eq!(between(&para("Normal", 0.0, 6.0, false), &para("heading 1", 18.0, 8.0, false)), 18.0);
        assert_eq!(between(&para("List", 0.0, 6.0, true), &para("List", 0.0, 6.0, true)), 0.0);
        assert_eq!(between(&para("List", 0.0, 6.0, true), &para("Normal", 0.0, 6.0, true)), 6.0);
    }

    #[test]
    fn lines_as_libreoffice_sets_them() {
        // Measured with LibreOffice on Carlito: 11 pt lines 13.45 pt apart
        // (269 twips), the first baseline 10.7 pt below the top, 15 pt lines
        // 18.3 pt, 10 pt lines 12.2 pt, 1.5 lines of 11 pt 20.15-20.2 pt apart,
        // «exact» 20 pt lines with the baseline about 16 pt down.
        let f = FontMetrics::of("Carlito");
        let single = LineRule::Multiple(1.0).line_box(&f, 11.0);
        assert!((single.height - 13.45).abs() < 1e-9 && (single.baseline - 10.7).abs() < 1e-9, "{single:?}");
        assert!((LineRule::Multiple(1.0).line_box(&f, 15.0).height - 18.3).abs() < 1e-9);
        assert!((LineRule::Multiple(1.0).line_box(&f, 10.0).height - 12.2).abs() < 1e-9);
        assert!((LineRule::Multiple(1.5).line_box(&f, 11.0).height - 20.175).abs() < 1e-9);
        let exact = LineRule::Exact(20.0).line_box(&f, 11.0);
        assert!((exact.height - 20.0).abs() < 1e-9 && (exact.baseline - 16.0).abs() < 0.2, "{exact:?}");
        assert_eq!(LineRule::AtLeast(5.0).line_box(&f, 11.0), single);
        assert_eq!(LineRule::Multiple(1.15).word(), (276, "auto"));
        assert_eq!(LineRule::Exact(14.0).word(), (280, "exact"));
        let arial = FontMetrics::of("Liberation Sans");
        assert!((arial.single() - 1.1499).abs() < 0.001, "{arial:?}");
    }
}
