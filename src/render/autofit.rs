//! Table columns fitted to their content, as Word's AutoFit does, once for
//! both formats: each column has a minimum width (its widest word, which must
//! not break) and a preferred width (its widest paragraph on one line). When
//! every column gets its preferred width, the room left goes to the columns
//! with running text; when not, every column gets its minimum and the columns
//! share what is left in proportion to how much more they would like. A
//! column of numbers or short values is thus exactly as wide as its widest
//! value, and long text takes the rest. Widths are measured with the fonts
//! compiled in (the PDF's, metric-compatible with Word's), so the DOCX and the
//! PDF get the same widths and break their cells' lines alike.

use std::sync::LazyLock;

use crate::doc::{Block, Inline, Table};
use crate::fonts::FONTS;
use crate::theme::Theme;

/// A face of a compiled-in family, parsed once.
struct Face {
    family: String,
    bold: bool,
    italic: bool,
    face: ttf_parser::Face<'static>,
}

static FACES: LazyLock<Vec<Face>> = LazyLock::new(|| {
    FONTS
        .iter()
        .filter_map(|f| {
            let face = ttf_parser::Face::parse(f.data().as_slice(), f.index()).ok()?;
            Some(Face {
                family: f.info().family.clone(),
                bold: face.is_bold(),
                italic: face.is_italic(),
                face,
            })
        })
        .collect()
});

/// The width of `text` in points, set in `family` at `size` points.
pub fn text_width(text: &str, family: &str, bold: bool, italic: bool, size: f32) -> f64 {
    let same = |f: &&Face| f.family.eq_ignore_ascii_case(family);
    let face = FACES
        .iter()
        .filter(same)
        .find(|f| f.bold == bold && f.italic == italic)
        .or_else(|| FACES.iter().find(same))
        .or_else(|| FACES.first());
    let Some(Face { face, .. }) = face else { return 0.0 };
    let upem = f64::from(face.units_per_em().max(1));
    let units: f64 = text
        .chars()
        .map(|c| {
            let g = face.glyph_index(c).or_else(|| face.glyph_index(' '));
            g.and_then(|g| face.glyph_hor_advance(g)).map(f64::from).unwrap_or(0.0)
        })
        .sum();
    units / upem * f64::from(size)
}

/// How a cell's text is set, for measuring it.
#[derive(Debug, Clone, Copy)]
pub struct Look<'a> {
    pub family: &'a str,
    pub size: f32,
    pub bold: bool,
}

/// The (minimum, preferred) width of some blocks in points: the widest
/// word and the widest paragraph on one line, lists with their indent.
pub fn content_widths(blocks: &[Block], look: Look, indent: f64) -> (f64, f64) {
    let mut min: f64 = 0.0;
    let mut pref: f64 = 0.0;
    for b in blocks {
        let (lo, hi) = match b {
            Block::Paragraph(c) | Block::Heading { content: c, .. } | Block::Title(c) => {
                let mut words: f64 = 0.0;
                let mut lines: f64 = 0.0;
                for (text, bold) in runs(c, look.bold) {
                    let w = |t: &str| text_width(t, look.family, bold, false, look.size);
                    for line in text.split('\n') {
                        lines = lines.max(w(line));
                        for word in line.split(' ') {
                            words = words.max(w(word));
                        }
                    }
                }
                (words + indent, lines + indent)
            }
            Block::List { items, .. } => {
                let step = f64::from(super::pdf::LIST_INDENT_MM + super::pdf::LIST_MARKER_MM) * 72.0 / 25.4;
                items.iter().fold((0.0f64, 0.0f64), |(lo, hi), item| {
                    let (a, b) = content_widths(item, look, indent + step);
                    (lo.max(a), hi.max(b))
                })
            }
            Block::Styled { blocks, .. } => content_widths(blocks, look, indent),
            Block::Table(t) => {
                let cols = column_limits(t, look, 0.0);
                (
                    cols.iter().map(|c| c.0).sum::<f64>() + indent,
                    cols.iter().map(|c| c.1).sum::<f64>() + indent,
                )
            }
            Block::Image(_) | Block::Chart(_) | Block::PageBreak => (0.0, 0.0),
        };
        min = min.max(lo);
        pref = pref.max(hi);
    }
    (min, pref)
}

/// The widest two neighbouring words of some blocks in points (or a lone
/// word): at this width no line of a cell holds one word alone while the
/// next would have fitted beside it («med» alone between long words).
pub fn pair_width(blocks: &[Block], look: Look, indent: f64) -> f64 {
    let mut widest: f64 = 0.0;
    for b in blocks {
        let w = match b {
            Block::Paragraph(c) | Block::Heading { content: c, .. } | Block::Title(c) => {
                let mut widest: f64 = 0.0;
                for (text, bold) in runs(c, look.bold) {
                    let w = |t: &str| text_width(t, look.family, bold, false, look.size);
                    for line in text.split('\n') {
                        let words: Vec<&str> = line.split(' ').filter(|w| !w.is_empty()).collect();
                        for pair in words.windows(2) {
                            widest = widest.max(w(&pair.join(" ")));
                        }
                        if let [one] = words[..] {
                            widest = widest.max(w(one));
                        }
                    }
                }
                widest + indent
            }
            Block::List { items, .. } => {
                let step = f64::from(super::pdf::LIST_INDENT_MM + super::pdf::LIST_MARKER_MM) * 72.0 / 25.4;
                items.iter().map(|item| pair_width(item, look, indent + step)).fold(0.0, f64::max)
            }
            Block::Styled { blocks, .. } => pair_width(blocks, look, indent),
            Block::Table(t) => column_limits(t, look, 0.0).iter().map(|c| c.0).sum::<f64>() + indent,
            Block::Image(_) | Block::Chart(_) | Block::PageBreak => 0.0,
        };
        widest = widest.max(w);
    }
    widest
}

/// A paragraph's text in runs of one weight; a line break as `\n`.
fn runs(items: &[Inline], bold: bool) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for i in items {
        match i {
            Inline::Text(t) => out.push((t.clone(), bold)),
            Inline::Strong(c) => out.extend(runs(c, true)),
            Inline::Emph(c) | Inline::Link { content: c, .. } | Inline::Changed { content: c, .. } => {
                out.extend(runs(c, bold))
            }
            Inline::LineBreak => out.push(("\n".into(), bold)),
        }
    }
    // Runs of one paragraph join into words across their edges.
    let mut joined: Vec<(String, bool)> = Vec::new();
    for (t, b) in out {
        match joined.last_mut() {
            Some(last) if last.1 == b => last.0.push_str(&t),
            _ => joined.push((t, b)),
        }
    }
    joined
}

/// Each column's widest neighbouring words ([`pair_width`]) in points, cell
/// padding included.
fn column_pairs(t: &Table, look: Look, padding: f64) -> Vec<f64> {
    let n = t.rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut cols = vec![0.0f64; n];
    for (r, row) in t.rows.iter().enumerate() {
        let look = Look { bold: look.bold || r < t.header_rows, ..look };
        for (c, cell) in row.iter().enumerate() {
            cols[c] = cols[c].max(pair_width(cell, look, 0.0) + padding);
        }
    }
    cols
}

/// Each column's (minimum, preferred) width in points, cell padding included.
fn column_limits(t: &Table, look: Look, padding: f64) -> Vec<(f64, f64)> {
    let n = t.rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut cols = vec![(0.0f64, 0.0f64); n];
    for (r, row) in t.rows.iter().enumerate() {
        let look = Look { bold: look.bold || r < t.header_rows, ..look };
        for (c, cell) in row.iter().enumerate() {
            let (lo, hi) = content_widths(cell, look, 0.0);
            cols[c].0 = cols[c].0.max(lo + padding);
            cols[c].1 = cols[c].1.max(hi + padding);
        }
    }
    cols
}

/// Whether a column holds running text (some cell has more than one word).
fn is_text(t: &Table, c: usize) -> bool {
    t.rows.iter().skip(t.header_rows).any(|row| {
        row.get(c).is_some_and(|cell| cell.iter().any(|b| b.plain().split_whitespace().nth(1).is_some()))
    })
}

/// A table's header, by which tables of one kind are known (each sub-goal's
/// «Aktivitet | Status | Kommentar»).
fn header(t: &Table) -> Vec<String> {
    t.rows.iter().take(t.header_rows).flatten().map(|c| c.iter().map(Block::plain).collect()).collect()
}

/// Column widths for a document's tables: tables with the same header get
/// the same widths (their columns measured over all of them), so a series of
/// tables lines up.
#[derive(Debug, Default)]
pub struct Fitter {
    kinds: std::collections::HashMap<Vec<String>, Columns>,
}

/// Columns' (minimum, preferred) widths, whether each holds running text, and
/// their widest neighbouring words.
type Columns = (Vec<(f64, f64)>, Vec<bool>, Vec<f64>);

impl Fitter {
    /// Measures every table of some blocks (the document's, as set).
    pub fn new(tables: &[&Table], theme: &Theme) -> Fitter {
        let mut kinds: std::collections::HashMap<Vec<String>, Columns> = Default::default();
        for t in tables.iter().filter(|t| t.header_rows > 0) {
            let (cols, text, pairs) = limits(t, theme);
            let e = kinds.entry(header(t)).or_insert_with(|| {
                (vec![(0.0, 0.0); cols.len()], vec![false; cols.len()], vec![0.0; cols.len()])
            });
            if e.0.len() != cols.len() {
                continue;
            }
            for (k, c) in cols.iter().enumerate() {
                e.0[k].0 = e.0[k].0.max(c.0);
                e.0[k].1 = e.0[k].1.max(c.1);
                e.1[k] |= text[k];
                e.2[k] = e.2[k].max(pairs[k]);
            }
        }
        Fitter { kinds }
    }

    /// The widths of a table's columns in points, filling `available` points.
    pub fn widths(&self, t: &Table, theme: &Theme, available: f64) -> Vec<f64> {
        match self
            .kinds
            .get(&header(t))
            .filter(|k| t.header_rows > 0 && k.0.len() == t.rows.first().map_or(0, Vec::len))
        {
            Some((cols, text, pairs)) => fit(cols, text, pairs, available),
            None => widths(t, theme, available),
        }
    }
}

/// Each column's (minimum, preferred) width with padding, and whether it holds running text.
fn limits(t: &Table, theme: &Theme) -> Columns {
    let look = Look { family: &theme.font, size: theme.font_size, bold: false };
    // Cell padding left and right, and a little for rounding and the rules.
    let padding = 2.0 * f64::from(theme.spacing.cell_h_pt) + 1.0;
    let cols = column_limits(t, look, padding);
    let text = (0..cols.len()).map(|c| is_text(t, c)).collect();
    (cols, text, column_pairs(t, look, padding))
}

/// The widths of a table's columns in points, filling `available` points.
pub fn widths(t: &Table, theme: &Theme, available: f64) -> Vec<f64> {
    let (cols, text, pairs) = limits(t, theme);
    fit(&cols, &text, &pairs, available)
}

/// A short column (a number, a date, a status) is never made narrower than
/// its widest value, when it takes at most this share of the width.
const SHORT: f64 = 0.22;

/// A table whose columns need at most this share of the width is set
/// narrower than the page, as wide as its content (Word's AutoFit to contents).
const NARROW: f64 = 0.5;

/// Word's AutoFit over (minimum, preferred) widths, filling `available`
/// (or less, for a table of short values). Where there is room, a column is
/// never narrower than its widest two neighbouring words (`pairs`), so no word
/// stands alone on a line of its cell while another column has room to spare.
fn fit(cols: &[(f64, f64)], text: &[bool], pairs: &[f64], available: f64) -> Vec<f64> {
    if cols.is_empty() {
        return Vec::new();
    }
    let min: f64 = cols.iter().map(|c| c.0).sum();
    let pref: f64 = cols.iter().map(|c| c.1).sum();
    if pref <= available * NARROW && cols.len() <= 3 {
        return cols.iter().map(|c| c.1).collect();
    }
    if pref <= available {
        // Everything fits on one line: the room left goes to the text columns
        // (or to all, when none has running text), in proportion to their width.
        let takers: Vec<bool> = if text.iter().any(|t| *t) { text.to_vec() } else { vec![true; cols.len()] };
        let share: f64 = cols.iter().zip(&takers).filter(|(_, t)| **t).map(|(c, _)| c.1).sum();
        let left = available - pref;
        return cols
            .iter()
            .zip(&takers)
            .map(|(c, t)| if *t { c.1 + left * c.1 / share.max(1e-9) } else { c.1 })
            .collect();
    }
    // Short columns keep their preferred width when the others can still
    // have their minimum.
    let short: Vec<bool> = cols.iter().map(|c| c.1 <= available * SHORT).collect();
    let fixed: f64 = cols.iter().zip(&short).map(|(c, s)| if *s { c.1 } else { c.0 }).sum();
    let short = if fixed <= available { short } else { vec![false; cols.len()] };
    let floor: Vec<f64> = cols.iter().zip(&short).map(|(c, s)| if *s { c.1 } else { c.0 }).collect();
    let min: f64 = if short.iter().any(|s| *s) { floor.iter().sum() } else { min };
    // Room for two words side by side in a column, where there is room for
    // it: the columns that need the least more first.
    let mut floor = floor;
    let mut min = min;
    let mut more: Vec<(usize, f64)> = floor
        .iter()
        .zip(cols)
        .enumerate()
        .map(|(k, (f, c))| (k, pairs.get(k).copied().unwrap_or(0.0).min(c.1) - f))
        .filter(|(_, m)| *m > 0.0)
        .collect();
    more.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    for (k, m) in more {
        if min + m < available {
            floor[k] += m;
            min += m;
        }
    }
    if min >= available {
        return floor.iter().map(|f| f * available / min).collect();
    }
    // Each column its floor, and the rest shared by how much more each would like.
    let want: f64 = cols.iter().zip(&floor).map(|(c, f)| c.1 - f).sum();
    let left = available - min;
    cols.iter().zip(&floor).map(|(c, f)| f + (c.1 - f) * left / want.max(1e-9)).collect()
}

/// Every table of some blocks in document order (a table before the tables
/// in its cells), as the PDF's source numbers them.
pub fn tables(blocks: &[Block]) -> Vec<&Table> {
    let mut out = Vec::new();
    for b in blocks {
        match b {
            Block::Table(t) => {
                out.push(t);
                for row in &t.rows {
                    for cell in row {
                        out.extend(tables(cell));
                    }
                }
            }
            Block::List { items, .. } => {
                for item in items {
                    out.extend(tables(item));
                }
            }
            Block::Styled { blocks, .. } => out.extend(tables(blocks)),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_as_the_fonts_measure_them() {
        // Carlito has Calibri's advances: F .459, r .349, e .498, m .799, ø .527,
        // t .335 em, so «Fremmøte» is 4.264 em, 46.9 pt at 11 pt.
        let w = text_width("Fremmøte", "Carlito", false, false, 11.0);
        assert!((w - 46.9).abs() < 0.1, "{w}");
        assert!(text_width("Fremmøte", "Carlito", true, false, 11.0) > w);
    }

    #[test]
    fn short_columns_keep_their_width_and_text_takes_the_rest() {
        // A date, a long text and a percentage: all fits on one line.
        let cols = [(30.0, 30.0), (60.0, 200.0), (25.0, 25.0)];
        let w = fit(&cols, &[false, true, false], &[], 400.0);
        assert_eq!((w[0], w[2]), (30.0, 25.0));
        assert!((w.iter().sum::<f64>() - 400.0).abs() < 1e-6);
        // Too little room: the minimum each, the rest by what they would like.
        let w = fit(&[(30.0, 30.0), (60.0, 400.0), (40.0, 140.0)], &[false, true, true], &[], 330.0);
        assert_eq!(w[0], 30.0);
        assert!((w[1] - (60.0 + 340.0 * 200.0 / 440.0)).abs() < 1e-6, "{w:?}");
        assert!((w.iter().sum::<f64>() - 330.0).abs() < 1e-6);
    }

    #[test]
    fn a_column_gets_room_for_two_words_before_another_gets_more() {
        // «Arbeidsgruppe (i samarbeid med Samhandlingsavdelingen)»: without
        // room for «med Samhandlingsavdelingen», «med» would stand alone.
        let cols = [(30.0, 30.0), (60.0, 400.0), (100.0, 260.0)];
        let w = fit(&cols, &[false, true, true], &[0.0, 120.0, 160.0], 330.0);
        assert!(w[2] >= 160.0 - 1e-6, "{w:?}");
        assert!(w[1] >= 120.0 - 1e-6, "{w:?}");
        assert!((w.iter().sum::<f64>() - 330.0).abs() < 1e-6);
        // Without the pairs the third column is narrower than its pair.
        let plain = fit(&cols, &[false, true, true], &[], 330.0);
        assert!(plain[2] < 160.0, "{plain:?}");
    }
}
