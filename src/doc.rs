//! The format-neutral document model that every renderer consumes.
//!
//! Templates produce Markdown; `compose::markdown` parses it into this model;
//! `render::docx` and `render::pdf` turn it into bytes. Nothing here knows about
//! Word or Typst, so both formats carry the same content by construction.

use serde::{Deserialize, Serialize};

/// Metadata written into the document properties of every format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// BCP 47 language tag, `nb-NO` for every document we make.
    pub lang: String,
    /// The document's date (from the data, never the clock), for reproducible bytes.
    #[serde(with = "iso_date")]
    pub date: chrono::NaiveDate,
    /// Who made the changes of an endringsversjon (the network), as Word's
    /// tracked changes name them; `None` in every other document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revised_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub meta: Meta,
    pub blocks: Vec<Block>,
    /// Where its text came from, to point a later error at the place to fix
    /// (not kept with a sent version's stored model: places of this machine).
    #[serde(skip)]
    pub origins: Origins,
}

/// Where a document's text came from: each text the data or the template put
/// into it, with the place it stands (a data cell, a line of a prose file or
/// of the template). A renderer's error about some text is said at its
/// origin, as the data's own errors are, rather than at generated code.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Origins(pub Vec<(String, crate::diag::Location)>);

impl Origins {
    /// The origin of a text: the longest recorded text found in it (or, for
    /// a short text, the one it is part of), compared by letters and digits
    /// only, so typographic changes (quotes, dashes, spaces) do not matter.
    /// Earlier entries win a tie.
    pub fn find(&self, text: &str) -> Option<&crate::diag::Location> {
        let key = |s: &str| {
            s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>()
        };
        let wanted = key(text);
        if wanted.chars().count() < 4 {
            return None;
        }
        let mut best: Option<(usize, &crate::diag::Location)> = None;
        for (t, loc) in &self.0 {
            let k = key(t);
            let n = k.chars().count();
            if n >= 4 && (wanted.contains(&k) || k.contains(&wanted)) && best.is_none_or(|(m, _)| n > m) {
                best = Some((n, loc));
            }
        }
        best.map(|(_, loc)| loc)
    }

    /// These origins, then `more`.
    pub fn with(mut self, more: &Origins) -> Origins {
        self.0.extend(more.0.iter().cloned());
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Block {
    /// The document's title (once, at the top): Word's Title style, a PDF Title tag.
    Title(Vec<Inline>),
    Heading {
        level: u8,
        content: Vec<Inline>,
        /// A named style of the house style for its look (`mellomtittel`); the level
        /// still gives its place in the outline.
        class: Option<String>,
    },
    Paragraph(Vec<Inline>),
    List {
        ordered: bool,
        items: Vec<Vec<Block>>,
    },
    Table(Table),
    Image(Image),
    /// A bar chart: vector graphics in the PDF, the same picture as an image in the DOCX.
    Chart(Chart),
    /// A group of blocks that the house style formats as one named style
    /// (cover lines, motto, signature, ...). The class names a style in the theme.
    Styled {
        class: String,
        blocks: Vec<Block>,
    },
    PageBreak,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Relative column widths; their sum need not be 100.
    pub widths: Vec<u32>,
    /// How many leading rows are header rows (repeated on every page).
    pub header_rows: usize,
    pub rows: Vec<Vec<Vec<Block>>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Image {
    /// Path relative to the image store the renderers receive (see `render::Assets`).
    pub src: String,
    pub alt: String,
    /// Width in millimetres; `None` lets the renderer choose.
    pub width_mm: Option<f32>,
}

/// A horizontal bar chart with an optional target line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    pub title: String,
    /// (label, value)
    pub bars: Vec<(String, f64)>,
    /// A dashed line at this value (the 80 % target).
    pub target: Option<f64>,
    /// The axis maximum; defaults to the largest value (or the target).
    pub max: Option<f64>,
    /// Written after each value (`%`).
    pub unit: String,
    /// Alternative text for screen readers and the DOCX picture.
    pub alt: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Inline {
    Text(String),
    Strong(Vec<Inline>),
    Emph(Vec<Inline>),
    Link {
        url: String,
        content: Vec<Inline>,
    },
    LineBreak,
    /// Text changed since an earlier version of the document: only in an
    /// endringsversjon (see `crate::revise`), where Word shows it as a
    /// tracked change and the PDF marks it.
    Changed {
        change: Change,
        content: Vec<Inline>,
    },
}

/// How a stretch of an endringsversjon differs from the version it is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    Inserted,
    Deleted,
}

impl Change {
    /// The class of a group ([`Block::Styled`]) holding a chart or picture
    /// added or removed as a whole (text changes are [`Inline::Changed`]).
    pub fn class(self) -> &'static str {
        match self {
            Change::Inserted => "endring-lagt-til",
            Change::Deleted => "endring-slettet",
        }
    }

    /// The change a group's class stands for, if any.
    pub fn of_class(class: &str) -> Option<Change> {
        [Change::Inserted, Change::Deleted].into_iter().find(|c| c.class() == class)
    }
}

/// A date as ISO text (`2026-01-15`) in a serialized document.
mod iso_date {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &chrono::NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&d.format("%Y-%m-%d").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<chrono::NaiveDate, D::Error> {
        let text = String::deserialize(d)?;
        chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(serde::de::Error::custom)
    }
}

impl Inline {
    /// The plain text of a run of inlines (used for alt texts and tests).
    pub fn plain(inlines: &[Inline]) -> String {
        let mut out = String::new();
        for i in inlines {
            match i {
                Inline::Text(t) => out.push_str(t),
                Inline::Strong(c) | Inline::Emph(c) | Inline::Link { content: c, .. } => {
                    out.push_str(&Inline::plain(c))
                }
                Inline::LineBreak => out.push('\n'),
                // What the reader of the current version reads.
                Inline::Changed { change: Change::Inserted, content } => {
                    out.push_str(&Inline::plain(content))
                }
                Inline::Changed { change: Change::Deleted, .. } => {}
            }
        }
        out
    }
}

/// Blocks as a plain text to read (an e-mail's body, a change note): a blank
/// line between blocks, list items after `- ` or `1. `, nested ones indented,
/// a table's values each after its column's heading.
pub fn text(blocks: &[Block]) -> String {
    blocks.iter().map(|b| b.text()).filter(|t| !t.is_empty()).collect::<Vec<_>>().join("\n\n")
}

impl Block {
    /// The block as [`text`] writes it.
    fn text(&self) -> String {
        match self {
            Block::List { ordered, items } => items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let mark = if *ordered { format!("{}. ", i + 1) } else { "- ".to_string() };
                    let pad = " ".repeat(mark.chars().count());
                    let inner = item.iter().map(Block::text).filter(|t| !t.is_empty()).collect::<Vec<_>>();
                    let inner = inner.join("\n");
                    let mut lines = inner.lines();
                    let first = lines.next().unwrap_or_default();
                    std::iter::once(format!("{mark}{first}"))
                        .chain(lines.map(|l| format!("{pad}{l}")))
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .collect::<Vec<_>>()
                .join("\n"),
            Block::Styled { blocks, .. } => {
                blocks.iter().map(Block::text).filter(|t| !t.is_empty()).collect::<Vec<_>>().join("\n")
            }
            other => other.plain(),
        }
    }

    /// The plain text of a block, paragraphs separated by newlines.
    pub fn plain(&self) -> String {
        match self {
            Block::Title(content) | Block::Heading { content, .. } | Block::Paragraph(content) => {
                Inline::plain(content)
            }
            Block::List { items, .. } => {
                items.iter().flat_map(|item| item.iter().map(Block::plain)).collect::<Vec<_>>().join("\n")
            }
            Block::Table(t) => {
                // A row per line; under a header row, each value after its
                // column's heading («Dato: 15. januar 2026»).
                let cell = |c: &[Block]| c.iter().map(Block::plain).collect::<Vec<_>>().join(" ");
                let heads: Vec<String> = match t.header_rows.checked_sub(1).and_then(|i| t.rows.get(i)) {
                    Some(r) => r.iter().map(|c| cell(c)).collect(),
                    None => Vec::new(),
                };
                let body = t.rows.iter().skip(t.header_rows).map(|r| {
                    let cells = r.iter().enumerate().map(|(i, c)| match heads.get(i) {
                        Some(h) if !h.is_empty() => format!("{h}: {}", cell(c)),
                        _ => cell(c),
                    });
                    cells.collect::<Vec<_>>().join(if heads.is_empty() { " | " } else { "\n" })
                });
                body.collect::<Vec<_>>().join("\n")
            }
            Block::Image(i) => i.alt.clone(),
            Block::Chart(c) => c.alt.clone(),
            Block::Styled { blocks, .. } => blocks.iter().map(Block::plain).collect::<Vec<_>>().join("\n"),
            Block::PageBreak => String::new(),
        }
    }
}
