//! The typographic pass both renderers make over a document's text: what
//! belongs together stays on one line, as Norwegian typesetting wants it.
//! A no-break space joins a day and its month («29. januar»), a month and its
//! year, an abbreviation and its number («Meld. St. 24», «kl. 10»), a number
//! and its unit («80 %», «17 av 21»), a short word and the number it goes with
//! («innen 2029», «Delmål 2»), and the words of the names the house style
//! lists (`[typografi] hold_sammen`); a no-break hyphen joins short compounds
//! («e-post»). In titles and headings a short word never ends a line.
//!
//! Data values reach the renderers as text, so every value gets this too. The
//! no-break hyphen is U+2011 here; each renderer writes it as its format can
//! (Word's `w:noBreakHyphen`, a hyphen and a word joiner in Typst), since the
//! fonts have no glyph for it.

use crate::dates::MONTHS;
use crate::doc::{Block, Document, Inline};
use crate::theme::Theme;

/// The no-break space.
pub const NBSP: char = '\u{a0}';
/// The no-break hyphen.
pub const NBHY: char = '\u{2011}';

/// Abbreviations that go with the number or name after them.
const BEFORE_NUMBER: &[&str] = &[
    "Meld.", "St.", "nr.", "Nr.", "kap.", "Kap.", "s.", "kl.", "pkt.", "Prop.", "NOU", "Innst.", "jf.", "ca.",
];

/// Units and the like that go with the number before them.
const UNITS: &[&str] = &["%", "‰", "prosent", "kr", "kroner", "mm", "cm", "m", "km", "kg", "min", "t", "pt"];

/// The document with its text set (see the module's description).
pub fn set(doc: &Document, theme: &Theme) -> Document {
    let mut doc = doc.clone();
    let mut keep: Vec<(String, String)> = theme
        .typography
        .keep_together
        .iter()
        .filter(|k| k.contains(' '))
        .map(|k| (k.clone(), k.replace(' ', &NBSP.to_string())))
        .collect();
    // The longest first: «Helse Bergen HF» before «Helse Bergen».
    keep.sort_by_key(|(k, _)| std::cmp::Reverse(k.chars().count()));
    let set = Setter { keep };
    for b in &mut doc.blocks {
        set.block(b, false);
    }
    for b in &mut doc.blocks {
        balance_block(b, theme);
    }
    doc
}

/// The width of the page's text in points.
fn text_width_pt(theme: &Theme) -> f64 {
    let (w, _) = theme.page.size_mm();
    f64::from(w - theme.page.margin_left_mm - theme.page.margin_right_mm) * 72.0 / 25.4
}

/// The document's title and the cover's lines (paragraphs of a style larger
/// than the body text), when they take two lines, broken where the two are most alike in
/// length, so that no line holds a word or two alone (the same break in
/// both formats, measured with the fonts compiled in).
fn balance_block(b: &mut Block, theme: &Theme) {
    let look = |st: &crate::theme::ParaStyle| {
        let font = st.font.clone().unwrap_or_else(|| theme.font.clone());
        let size = st.size.unwrap_or(theme.font_size);
        let width = text_width_pt(theme) - f64::from(st.indent_mm.unwrap_or(0.0)) * 72.0 / 25.4;
        (font, size, st.bold, width)
    };
    match b {
        Block::Title(c) => {
            let st = theme.classes.get(super::spacing::TITLE).cloned().unwrap_or_default();
            let (font, size, bold, width) = look(&st);
            balance(c, &font, size, bold, width);
        }
        Block::Styled { class, blocks } => {
            let Some(st) = theme.classes.get(class.as_str()) else { return };
            if st.size.unwrap_or(theme.font_size) <= theme.font_size {
                return;
            }
            let (font, size, bold, width) = look(st);
            for b in blocks {
                if let Block::Paragraph(c) = b {
                    balance(c, &font, size, bold, width);
                }
            }
        }
        _ => {}
    }
}

/// Where a title's phrase may begin: a line may break before these.
const PREPOSITIONS: &[&str] = &["i", "for", "på", "til", "med", "ved", "fra", "om", "under", "innen"];

/// A line of one run of text that needs two lines, broken in two lines of
/// nearly the same length (at a space that may break).
fn balance(c: &mut Vec<Inline>, font: &str, size: f32, bold: bool, width: f64) {
    let [Inline::Text(t)] = &c[..] else { return };
    let w = |s: &str| super::autofit::text_width(s, font, bold, false, size);
    // Room for rounding: a line measured this full may still wrap.
    let room = width * 0.97;
    if w(t) <= width * 0.99 {
        return;
    }
    let fits: Vec<(usize, f64)> = t
        .match_indices(' ')
        .map(|(i, _)| (i, w(&t[..i]).max(w(&t[i + 1..]))))
        .filter(|(_, longest)| *longest <= room)
        .collect();
    // A phrase's own break first: before a preposition («… lindrende
    // behandling / i Helse Bergen HF»), never inside a name's words; the
    // most even of those, else the most even of all.
    let phrase = |i: usize| {
        let next = t[i + 1..].split([' ', NBSP]).next().unwrap_or("").to_lowercase();
        PREPOSITIONS.contains(&next.as_str())
    };
    let most_even =
        |v: &mut dyn Iterator<Item = &(usize, f64)>| v.min_by(|a, b| a.1.total_cmp(&b.1)).copied();
    let best =
        most_even(&mut fits.iter().filter(|(i, _)| phrase(*i))).or_else(|| most_even(&mut fits.iter()));
    if let Some((i, _)) = best {
        let (a, b) = (t[..i].to_string(), t[i + 1..].to_string());
        *c = vec![Inline::Text(a), Inline::LineBreak, Inline::Text(b)];
    }
}

struct Setter {
    /// The house style's names, with their no-break form.
    keep: Vec<(String, String)>,
}

impl Setter {
    fn block(&self, b: &mut Block, display: bool) {
        match b {
            Block::Title(c) | Block::Heading { content: c, .. } => self.inlines(c, true),
            Block::Paragraph(c) => self.inlines(c, display),
            Block::List { items, .. } => {
                for item in items {
                    for b in item {
                        self.block(b, display);
                    }
                }
            }
            Block::Table(t) => {
                for row in &mut t.rows {
                    for cell in row {
                        for b in cell {
                            self.block(b, display);
                        }
                    }
                }
            }
            Block::Styled { blocks, .. } => {
                for b in blocks {
                    self.block(b, true);
                }
            }
            Block::Image(_) | Block::Chart(_) | Block::PageBreak => {}
        }
    }

    fn inlines(&self, items: &mut [Inline], display: bool) {
        for i in items {
            match i {
                Inline::Text(t) => *t = self.text(t, display),
                Inline::Strong(c) | Inline::Emph(c) | Inline::Changed { content: c, .. } => {
                    self.inlines(c, display)
                }
                // A link's text is its address: left as it is.
                Inline::Link { .. } | Inline::LineBreak => {}
            }
        }
    }

    /// One run of text, set.
    pub fn text(&self, text: &str, display: bool) -> String {
        let mut t = text.to_string();
        for (from, to) in &self.keep {
            if t.contains(from.as_str()) {
                t = t.replace(from.as_str(), to);
            }
        }
        // Words with the spaces after them, spaces kept as they are.
        let words: Vec<&str> = t.split(' ').collect();
        let mut out = String::with_capacity(t.len());
        for (i, w) in words.iter().enumerate() {
            out.push_str(&compound(w));
            let Some(next) = words.get(i + 1) else { break };
            out.push(if joins(w, next, display) { NBSP } else { ' ' });
        }
        out
    }
}

/// A word without the punctuation around it.
fn bare(w: &str) -> &str {
    w.trim_matches(|c: char| matches!(c, '(' | ')' | '«' | '»' | '"' | ',' | ';' | ':' | '!' | '?'))
}

/// A unit without the punctuation that may close its sentence or bracket.
fn unit(w: &str) -> &str {
    w.trim_end_matches(['.', ')', ',', ';', ':', '!', '?', '»'])
}

fn is_number(w: &str) -> bool {
    let w = bare(w).trim_end_matches('.');
    !w.is_empty()
        && w.starts_with(|c: char| c.is_ascii_digit())
        && w.chars().all(|c| c.is_ascii_digit() || ",.-–:/".contains(c))
}

/// A day or an ordinal («12.», «3.»), which goes with what follows it.
fn is_ordinal(w: &str) -> bool {
    w.len() <= 3 && w.ends_with('.') && w.len() > 1 && w[..w.len() - 1].chars().all(|c| c.is_ascii_digit())
}

fn is_month(w: &str) -> bool {
    let w = bare(w).trim_end_matches('.').to_lowercase();
    MONTHS.iter().any(|m| *m == w)
}

/// Whether the space between `w` and `next` must not break.
fn joins(w: &str, next: &str, display: bool) -> bool {
    if w.is_empty() || next.is_empty() {
        return false;
    }
    let (wb, nb) = (bare(w), bare(next));
    let letters = |s: &str| !s.is_empty() && s.chars().all(char::is_alphabetic);
    // «29. januar», «januar 2026»
    (is_ordinal(wb) && is_month(nb))
        || (is_month(wb) && is_number(nb) && !w.ends_with([',', ';', ':']))
        // «Meld. St. 24», «kl. 10», «nr. 5»
        || (BEFORE_NUMBER.contains(&wb) && (is_number(nb) || BEFORE_NUMBER.contains(&nb)))
        // «fysio- og ergoterapi»: the first part of a shared compound and its «og»
        || (w.len() > 1 && w.ends_with('-') && ["og", "eller"].contains(&nb.to_lowercase().as_str()))
        // «Helse Bergen HF», «Ahus sitt»: a trust and its HF, a name and its possessive
        || (["HF", "RHF", "sitt", "sin", "sine"].contains(&nb) && !w.ends_with([',', ';', ':', '.']))
        // «80 %», «12 kr», «17 av 21»
        // (the unit as it stands before a sentence's end: «(81 %).»)
        || (is_number(w) && !w.ends_with([',', ';', ':', '.']) && (UNITS.contains(&unit(nb)) || nb == "av"))
        || (wb == "av" && is_number(next))
        // «innen 2029», «Delmål 2», «i 2026»: a short word and its number
        || (letters(wb) && wb.chars().count() <= 8 && !w.ends_with([',', ';', ':', '.']) && is_number(next) && !is_ordinal(nb))
        // In titles and headings, no short word at a line's end.
        || (display && letters(wb) && wb.chars().count() <= 2)
}

/// A short compound («e-post», «IT-avdeling»): its hyphen does not break.
fn compound(w: &str) -> String {
    if !w.contains('-') || w.contains("--") {
        return w.to_string();
    }
    let parts: Vec<&str> = w.split('-').collect();
    let short = |s: &str| {
        let s = bare(s);
        !s.is_empty() && s.chars().count() <= 2 && s.chars().all(char::is_alphabetic)
    };
    if parts.len() == 2 && (short(parts[0]) || short(parts[1])) && !parts.iter().any(|p| bare(p).is_empty()) {
        parts.join(&NBHY.to_string())
    } else {
        w.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(t: &str, display: bool) -> String {
        let s = Setter { keep: vec![("Helse Vest".into(), format!("Helse{NBSP}Vest"))] };
        s.text(t, display).replace(NBSP, "~").replace(NBHY, "‑")
    }

    #[test]
    fn a_two_line_title_breaks_before_a_phrase_not_inside_a_name() {
        let title = "Nettverk i kreftomsorg og lindrende behandling i Helse Bergen HF foretaksområde";
        let mut c = vec![Inline::Text(title.into())];
        let width = super::super::autofit::text_width(title, "Carlito", true, false, 16.0) * 0.8;
        balance(&mut c, "Carlito", 16.0, true, width);
        let lines: Vec<String> =
            c.iter().filter_map(|i| if let Inline::Text(t) = i { Some(t.clone()) } else { None }).collect();
        assert_eq!(
            lines,
            ["Nettverk i kreftomsorg og lindrende behandling", "i Helse Bergen HF foretaksområde"],
            "the most even break, «… lindrende / behandling …», splits the name"
        );
        // Without a phrase break that fits, the most even of all.
        let mut c = vec![Inline::Text("ÅRSPLAN SYKEPLEIERNETTVERKET OG ERGOTERAPINETTVERKET".into())];
        balance(&mut c, "Carlito", 16.0, true, 300.0);
        assert!(
            matches!(&c[..], [Inline::Text(a), Inline::LineBreak, Inline::Text(_)] if a == "ÅRSPLAN SYKEPLEIERNETTVERKET"),
            "{c:?}"
        );
    }

    #[test]
    fn what_belongs_together_is_joined() {
        assert_eq!(set("holdes 29. januar 2026 i Stavanger", false), "holdes 29.~januar~2026 i Stavanger");
        assert_eq!(set("jf. Meld. St. 24 (2019–2020)", false), "jf.~Meld.~St.~24 (2019–2020)");
        assert_eq!(set("minst 80 % fremmøte, 17 av 21", false), "minst~80~% fremmøte, 17~av~21");
        assert_eq!(set("63 av 78 (81 %). Det var 84 %.", false), "63~av~78 (81~%). Det var~84~%.");
        assert_eq!(set("innen 2029 skal Delmål 2 nås", false), "innen~2029 skal Delmål~2 nås");
        assert_eq!(set("send e-post til Helse Vest", false), "send e‑post til Helse~Vest");
        assert_eq!(set("fysio- og ergoterapi", false), "fysio-~og ergoterapi");
        assert_eq!(set("OG FYSIO- OG ERGOTERAPI", true), "OG~FYSIO-~OG~ERGOTERAPI");
        assert_eq!(set("i Helse Bergen HF foretaksområde", false), "i Helse Bergen~HF foretaksområde");
        assert_eq!(set("i Ahus sitt opptaksområde", false), "i Ahus~sitt opptaksområde");
        assert_eq!(
            set("Strategi for nettverket i Helseregion Vest", true),
            "Strategi for nettverket i~Helseregion Vest"
        );
        assert_eq!(set("kl. 10.00, 1. mars", false), "kl.~10.00, 1.~mars");
        assert_eq!(set("møtes 12. mars i 2026.", false), "møtes 12.~mars i~2026.");
        // Not a date: a list number before a word that is no month.
        assert_eq!(set("1. Pasient- og pårørendearbeid", false), "1. Pasient-~og pårørendearbeid");
    }
}
