//! What stays together on a page, decided once for both formats: the DOCX
//! says it with Word's «keep with next» and «keep lines together», the PDF
//! with Typst's sticky and unbreakable blocks (and, for tables, a second
//! layout: `render::keep_tables`).
//!
//! - A heading, the document's title and a style that asks for it
//!   (`hold_med_neste`: labels, a table's title) keep with what follows.
//! - A paragraph between a heading and such a block (an area's goal between
//!   its heading and its first sub-goal) keeps with them too, so a heading
//!   and its goal never stand alone at a page's foot.
//! - The paragraph that introduces a table, and the closing paragraph before
//!   a style that keeps with the one before (`hold_med_forrige`: the
//!   signature), stay whole and with it.
//! - A short list (up to [`KEEP_WHOLE_ITEMS`] items of one paragraph) is kept
//!   on one page, so no item stands alone.
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

/// Whether the block at `i` keeps the one before it with it (whole).
pub fn keeps_previous(theme: &Theme, blocks: &[Block], i: usize) -> bool {
    if i == 0 || !matches!(blocks[i - 1], Block::Paragraph(_) | Block::List { .. }) {
        return false;
    }
    match &blocks[i] {
        Block::Styled { class, .. } => theme.classes.get(class).is_some_and(|st| st.keep_with_previous),
        Block::Table(_) => matches!(blocks[i - 1], Block::Paragraph(_)),
        _ => false,
    }
}

/// Whether the paragraph at `i` stands between a heading and a block that
/// keeps with what follows, and so keeps with them (whole).
pub fn bridges(theme: &Theme, blocks: &[Block], i: usize) -> bool {
    matches!(blocks[i], Block::Paragraph(_))
        && i > 0
        && matches!(blocks[i - 1], Block::Title(_) | Block::Heading { .. })
        && blocks.get(i + 1).is_some_and(|next| sticky(theme, next))
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
