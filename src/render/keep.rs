//! What stays together on a page, decided once for both formats: the DOCX
//! says it with Word's «keep with next» and «keep lines together», the PDF
//! with Typst's sticky and unbreakable blocks (and, for tables, a second
//! layout: `render::keep_tables`).
//!
//! - A heading, the document's title and a style that asks for it
//!   (`hold_med_neste`: labels, a table's title) keep with what follows.
//! - The paragraphs between a heading and such a block (an area's goals
//!   between its heading and its first sub-goal) keep with them too, so a
//!   heading and its goals never stand alone at a page's foot.
//! - The paragraph that introduces a table, and the closing paragraph before
//!   a style that keeps with the one before (`hold_med_forrige`: the
//!   signature), stay whole and with it.
//! - A paragraph that leads in to what follows (it ends in «:», or a list, a
//!   chart or a table comes next) stays whole and with it.
//! - A short list (up to [`KEEP_WHOLE_ITEMS`] items of one paragraph) is kept
//!   on one page; a longer one leaves at least [`MIN_ITEMS_AT_BREAK`] items on
//!   each side of a break (its first item and the one before its last keep
//!   with the next, as Word's «keep with next» on them does).
//! - A table of up to [`KEEP_WHOLE_ROWS`] body rows is kept on one page; a
//!   longer one leaves at least [`MIN_ROWS_AT_BREAK`] on each side of a break.

use crate::doc::{Block, Table};
use crate::theme::Theme;

/// A table of at most this many body rows is kept on one page.
pub const KEEP_WHOLE_ROWS: usize = 8;

/// A longer table leaves at least this many body rows on each side of a break.
pub const MIN_ROWS_AT_BREAK: usize = 2;

/// A list of at most this many items (of one paragraph each) is kept whole.
pub const KEEP_WHOLE_ITEMS: usize = 5;

/// Whether a block keeps with the next one by its kind or style.
pub fn sticky(theme: &Theme, b: &Block) -> bool {
    match b {
        Block::Title(_) | Block::Heading { .. } => true,
        Block::Styled { class, .. } => theme.classes.get(class).is_some_and(|st| st.keep_with_next),
        _ => false,
    }
}

/// A lead-in longer than this (in characters) is left free to break: kept
/// whole it could leave most of a page empty.
const LEAD_IN_CHARS: usize = 600;

/// At most this many paragraphs between a heading and a block that keeps with
/// the next are kept with them.
const BRIDGE_PARAGRAPHS: usize = 3;

/// Whether the block at `i` keeps the one before it with it (whole): a
/// signature its closing paragraph, and what a paragraph leads in to (a list,
/// a chart, a table, or anything after a paragraph ending in «:») that
/// paragraph.
pub fn keeps_previous(theme: &Theme, blocks: &[Block], i: usize) -> bool {
    if i == 0 || !matches!(blocks[i - 1], Block::Paragraph(_) | Block::List { .. }) {
        return false;
    }
    match &blocks[i] {
        Block::Styled { class, .. } if theme.classes.get(class).is_some_and(|st| st.keep_with_previous) => {
            true
        }
        Block::Title(_) | Block::Heading { .. } | Block::PageBreak => false,
        next => {
            let Block::Paragraph(_) = &blocks[i - 1] else { return false };
            let text = blocks[i - 1].plain();
            let text = text.trim();
            text.chars().count() <= LEAD_IN_CHARS
                && (text.ends_with(':')
                    || matches!(next, Block::Table(_) | Block::Chart(_) | Block::List { .. }))
        }
    }
}

/// Whether the paragraph at `i` stands between a heading and a block that
/// keeps with what follows and belongs under that heading (a sub-heading, a
/// label; with at most [`BRIDGE_PARAGRAPHS`] paragraphs in all), and so keeps
/// with them (whole).
pub fn bridges(theme: &Theme, blocks: &[Block], i: usize) -> bool {
    let para = |b: &Block| matches!(b, Block::Paragraph(_));
    if !para(&blocks[i]) {
        return false;
    }
    let from = (0..i).rev().find(|k| !para(&blocks[*k])).map_or(0, |k| k + 1);
    let to = (i..blocks.len()).find(|k| !para(&blocks[*k])).unwrap_or(blocks.len());
    let level = match blocks.get(from.wrapping_sub(1)) {
        Some(Block::Title(_)) => 0,
        Some(Block::Heading { level, .. }) => *level,
        _ => return false,
    };
    // Only into what the heading opens (a sub-heading, a label): a section's
    // text before the next section's heading is free to break from it.
    let opens = |next: &Block| match next {
        Block::Title(_) => false,
        Block::Heading { level: l, .. } => *l > level,
        _ => sticky(theme, next),
    };
    to - from <= BRIDGE_PARAGRAPHS && blocks.get(to).is_some_and(opens)
}

/// A longer list leaves at least this many items on each side of a break.
pub const MIN_ITEMS_AT_BREAK: usize = 2;

/// Whether item `k` of a list of `n` items (not kept whole) keeps with the
/// next: the first and the one before the last (see [`MIN_ITEMS_AT_BREAK`]).
pub fn item_keeps_next(n: usize, k: usize) -> bool {
    k + 1 < n && (k + 1 < MIN_ITEMS_AT_BREAK || k + MIN_ITEMS_AT_BREAK >= n)
}

/// Whether a list is short enough to keep whole.
pub fn list_whole(items: &[Vec<Block>]) -> bool {
    items.len() <= KEEP_WHOLE_ITEMS && items.iter().all(|item| item.len() == 1)
}

/// Whether row `ri` of a table keeps with the next row: header rows, every
/// row of a short table, and in a longer one the first row and the one
/// before the last.
pub fn row_keeps_next(t: &Table, ri: usize) -> bool {
    let header = t.header_rows.min(t.rows.len());
    let body_rows = t.rows.len() - header;
    let k = ri.saturating_sub(header);
    ri + 1 < t.rows.len()
        && (ri < header
            || body_rows <= KEEP_WHOLE_ROWS
            || k + 1 < MIN_ROWS_AT_BREAK
            || k + MIN_ROWS_AT_BREAK >= body_rows)
}
