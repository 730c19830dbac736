//! The changes between two versions of a document, from their models: blocks
//! (paragraphs, headings, list items, table rows and cells) are matched first,
//! and inside a block that changed, words. The result is one list of blocks,
//! the new version's, with the old version's text that is gone kept beside
//! it: every changed stretch is an [`Inline::Changed`].
//!
//! A date in Norwegian words («torsdag 16. april 2026») counts as one word,
//! so a moved meeting reads as one date deleted and one inserted.

use crate::dates::{MONTHS, WEEKDAYS};
use crate::doc::{Block, Change, Inline, Table};

/// A sequence step of [`walk`].
enum Step<'a, T> {
    Same(&'a T),
    Pair(&'a T, &'a T),
    Old(&'a T),
    New(&'a T),
}

/// The longest common subsequence of `a` and `b` under `eq`, as index pairs.
fn lcs<T>(a: &[T], b: &[T], eq: &dyn Fn(&T, &T) -> bool) -> Vec<(usize, usize)> {
    // Common ends first: most of a document is unchanged.
    let mut head = 0;
    while head < a.len() && head < b.len() && eq(&a[head], &b[head]) {
        head += 1;
    }
    let mut tail = 0;
    while tail < a.len() - head && tail < b.len() - head && eq(&a[a.len() - 1 - tail], &b[b.len() - 1 - tail])
    {
        tail += 1;
    }
    let (am, bm) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let (n, m) = (am.len(), bm.len());
    let mut out: Vec<(usize, usize)> = (0..head).map(|i| (i, i)).collect();
    if n > 0 && m > 0 && n.saturating_mul(m) <= 4_000_000 {
        // table[i][j]: the LCS length of am[i..] and bm[j..].
        let mut table = vec![0u32; (n + 1) * (m + 1)];
        let at = |i: usize, j: usize| i * (m + 1) + j;
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                table[at(i, j)] = if eq(&am[i], &bm[j]) {
                    table[at(i + 1, j + 1)] + 1
                } else {
                    table[at(i + 1, j)].max(table[at(i, j + 1)])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n && j < m {
            if eq(&am[i], &bm[j]) {
                out.push((head + i, head + j));
                i += 1;
                j += 1;
            } else if table[at(i + 1, j)] >= table[at(i, j + 1)] {
                i += 1;
            } else {
                j += 1;
            }
        }
    }
    out.extend((0..tail).map(|k| (a.len() - tail + k, b.len() - tail + k)));
    out
}

/// Walks two sequences: equal elements are `Same`; between them, elements
/// alike enough to compare (`similar`) are a `Pair`, and the rest `Old`
/// (gone) before `New` (added).
fn walk<'a, T: PartialEq>(
    old: &'a [T],
    new: &'a [T],
    similar: &dyn Fn(&T, &T) -> bool,
    emit: &mut dyn FnMut(Step<'a, T>),
) {
    let anchors = lcs(old, new, &|a, b| a == b);
    let (mut i, mut j) = (0, 0);
    for (ai, aj) in anchors.into_iter().chain(std::iter::once((old.len(), new.len()))) {
        let (go, gn) = (&old[i..ai], &new[j..aj]);
        let pairs = lcs(go, gn, similar);
        let (mut oi, mut nj) = (0, 0);
        for (pi, pj) in pairs.into_iter().chain(std::iter::once((go.len(), gn.len()))) {
            go[oi..pi].iter().for_each(|o| emit(Step::Old(o)));
            gn[nj..pj].iter().for_each(|n| emit(Step::New(n)));
            if pi < go.len() && pj < gn.len() {
                emit(Step::Pair(&go[pi], &gn[pj]));
            }
            (oi, nj) = (pi + 1, pj + 1);
        }
        if ai < old.len() && aj < new.len() {
            emit(Step::Same(&new[aj]));
        }
        (i, j) = (ai + 1, aj + 1);
    }
}

/// The new version's blocks with every change since the old one marked.
pub fn blocks(old: &[Block], new: &[Block]) -> Vec<Block> {
    let mut out = Vec::new();
    walk(old, new, &similar_blocks, &mut |s| match s {
        Step::Same(b) => out.push(b.clone()),
        Step::Pair(o, n) => out.extend(pair(o, n)),
        Step::Old(o) => out.extend(mark(o, Change::Deleted)),
        Step::New(n) => out.extend(mark(n, Change::Inserted)),
    });
    out
}

/// Whether blocks have any change marked in them.
pub fn has_changes(blocks: &[Block]) -> bool {
    fn inl(items: &[Inline]) -> bool {
        items.iter().any(|i| match i {
            Inline::Changed { .. } => true,
            Inline::Strong(c) | Inline::Emph(c) | Inline::Link { content: c, .. } => inl(c),
            Inline::Text(_) | Inline::LineBreak => false,
        })
    }
    blocks.iter().any(|b| match b {
        Block::Title(c) | Block::Heading { content: c, .. } | Block::Paragraph(c) => inl(c),
        Block::List { items, .. } => items.iter().any(|i| has_changes(i)),
        Block::Table(t) => t.rows.iter().flatten().any(|c| has_changes(c)),
        Block::Styled { class, blocks } => Change::of_class(class).is_some() || has_changes(blocks),
        Block::Image(_) | Block::Chart(_) | Block::PageBreak => false,
    })
}

/// The words of a block's text (for comparing how alike two blocks are).
fn words(b: &Block) -> Vec<String> {
    b.plain().split_whitespace().map(str::to_string).collect()
}

/// At least half of two texts' words in common, in order.
fn alike(a: &[String], b: &[String]) -> bool {
    if a.is_empty() || b.is_empty() {
        return a.is_empty() && b.is_empty();
    }
    // Dice's coefficient 2c / (|a| + |b|) at least one half. The words in
    // common regardless of order bound the common subsequence: most
    // unrelated blocks are told apart by them alone.
    let mut bag: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    a.iter().for_each(|w| *bag.entry(w.as_str()).or_default() += 1);
    let shared = b
        .iter()
        .filter(|w| match bag.get_mut(w.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        })
        .count();
    if shared * 4 < a.len() + b.len() {
        return false;
    }
    let common = lcs(a, b, &|x, y| x == y).len();
    common * 4 >= a.len() + b.len()
}

fn similar_blocks(a: &Block, b: &Block) -> bool {
    match (a, b) {
        (Block::Title(_), Block::Title(_)) => true,
        (Block::Paragraph(_), Block::Paragraph(_)) => alike(&words(a), &words(b)),
        (Block::Heading { level: x, .. }, Block::Heading { level: y, .. }) => {
            x == y && alike(&words(a), &words(b))
        }
        (Block::List { ordered: x, .. }, Block::List { ordered: y, .. }) => x == y,
        (Block::Table(x), Block::Table(y)) => columns(x) == columns(y),
        (Block::Styled { class: x, .. }, Block::Styled { class: y, .. }) => x == y,
        _ => false,
    }
}

fn columns(t: &Table) -> usize {
    t.rows.first().map(Vec::len).unwrap_or(0)
}

/// Two blocks alike enough to compare inside.
fn pair(o: &Block, n: &Block) -> Vec<Block> {
    match (o, n) {
        (Block::Title(a), Block::Title(b)) => vec![Block::Title(inlines(a, b))],
        (Block::Paragraph(a), Block::Paragraph(b)) => vec![Block::Paragraph(inlines(a, b))],
        (Block::Heading { content: a, .. }, Block::Heading { level, content: b, class }) => {
            vec![Block::Heading { level: *level, content: inlines(a, b), class: class.clone() }]
        }
        (Block::List { items: a, .. }, Block::List { ordered, items: b }) => {
            let mut items = Vec::new();
            let alike_items = |x: &Vec<Block>, y: &Vec<Block>| {
                let w = |v: &Vec<Block>| v.iter().flat_map(words).collect::<Vec<_>>();
                alike(&w(x), &w(y))
            };
            walk(a, b, &alike_items, &mut |s| match s {
                Step::Same(i) => items.push(i.clone()),
                Step::Pair(x, y) => items.push(blocks(x, y)),
                Step::Old(x) => items.push(x.iter().flat_map(|b| mark(b, Change::Deleted)).collect()),
                Step::New(y) => items.push(y.iter().flat_map(|b| mark(b, Change::Inserted)).collect()),
            });
            vec![Block::List { ordered: *ordered, items }]
        }
        (Block::Table(a), Block::Table(b)) => {
            let mut rows = Vec::new();
            let alike_rows = |x: &Vec<Vec<Block>>, y: &Vec<Vec<Block>>| {
                x.len() == y.len() && x.iter().zip(y).filter(|(c, d)| c == d).count() * 2 >= x.len()
            };
            walk(&a.rows, &b.rows, &alike_rows, &mut |s| match s {
                Step::Same(r) => rows.push(r.clone()),
                Step::Pair(x, y) => rows.push(x.iter().zip(y).map(|(c, d)| blocks(c, d)).collect()),
                Step::Old(x) => rows.push(mark_cells(x, Change::Deleted)),
                Step::New(y) => rows.push(mark_cells(y, Change::Inserted)),
            });
            // A header row deleted before the header's end would make the
            // new header longer: the count follows the new table's own rows.
            let header_rows = header_count(&rows, b.header_rows);
            vec![Block::Table(Table { widths: b.widths.clone(), header_rows, rows })]
        }
        (Block::Styled { blocks: a, .. }, Block::Styled { class, blocks: b }) => {
            vec![Block::Styled { class: class.clone(), blocks: blocks(a, b) }]
        }
        _ => mark(o, Change::Deleted).into_iter().chain(mark(n, Change::Inserted)).collect(),
    }
}

/// The header rows of a merged table: as many rows as it takes to hold the
/// new table's header rows (deleted rows among them count too).
fn header_count(rows: &[Vec<Vec<Block>>], new_header: usize) -> usize {
    let mut seen = 0;
    for (i, r) in rows.iter().enumerate() {
        if seen == new_header {
            return i;
        }
        if !matches!(whole_change_of_row(r), Some(Change::Deleted)) {
            seen += 1;
        }
    }
    rows.len()
}

fn mark_cells(row: &[Vec<Block>], change: Change) -> Vec<Vec<Block>> {
    row.iter().map(|c| c.iter().flat_map(|b| mark(b, change)).collect()).collect()
}

/// A whole block added or gone: its text all changed; a chart, or a picture
/// added, in a group of the change's class ([`Change::class`]).
fn mark(b: &Block, change: Change) -> Option<Block> {
    let wrap = |c: &Vec<Inline>| -> Vec<Inline> {
        if c.is_empty() {
            Vec::new()
        } else {
            vec![Inline::Changed { change, content: c.clone() }]
        }
    };
    Some(match b {
        Block::Title(c) => Block::Title(wrap(c)),
        Block::Paragraph(c) => Block::Paragraph(wrap(c)),
        Block::Heading { level, content, class } => {
            Block::Heading { level: *level, content: wrap(content), class: class.clone() }
        }
        Block::List { ordered, items } => Block::List {
            ordered: *ordered,
            items: items.iter().map(|i| i.iter().filter_map(|b| mark(b, change)).collect()).collect(),
        },
        Block::Table(t) => Block::Table(Table {
            widths: t.widths.clone(),
            header_rows: t.header_rows,
            rows: t.rows.iter().map(|r| mark_cells(r, change)).collect(),
        }),
        Block::Styled { class, blocks } => Block::Styled {
            class: class.clone(),
            blocks: blocks.iter().filter_map(|b| mark(b, change)).collect(),
        },
        // A chart (its data is in the model) added or gone, a picture added.
        Block::Chart(_) => Block::Styled { class: change.class().into(), blocks: vec![b.clone()] },
        Block::Image(_) if change == Change::Inserted => {
            Block::Styled { class: change.class().into(), blocks: vec![b.clone()] }
        }
        // A picture gone is left out: only the new version's pictures are at
        // hand (the same name may hold the new picture).
        Block::Image(_) | Block::PageBreak => match change {
            Change::Inserted => b.clone(),
            Change::Deleted => return None,
        },
    })
}

/// The change every bit of a run of inlines is, when they are all one
/// change (an added or a removed paragraph); `None` for none or a mix.
pub fn whole_change(items: &[Inline]) -> Option<Change> {
    let mut found = None;
    for i in items {
        match i {
            Inline::Text(t) if t.is_empty() => {}
            Inline::Changed { change, .. } if found.is_none_or(|f| f == *change) => found = Some(*change),
            _ => return None,
        }
    }
    found
}

/// The change a whole table row is: every cell's paragraphs all one change
/// (empty cells do not count).
pub fn whole_change_of_row(row: &[Vec<Block>]) -> Option<Change> {
    fn of_blocks(blocks: &[Block], found: &mut Option<Change>) -> bool {
        blocks.iter().all(|b| match b {
            Block::Title(c) | Block::Heading { content: c, .. } | Block::Paragraph(c) => {
                if c.iter().all(|i| matches!(i, Inline::Text(t) if t.is_empty())) {
                    return true;
                }
                match whole_change(c) {
                    Some(ch) if found.is_none_or(|f| f == ch) => {
                        *found = Some(ch);
                        true
                    }
                    _ => false,
                }
            }
            Block::List { items, .. } => items.iter().all(|i| of_blocks(i, found)),
            Block::Styled { blocks, .. } => of_blocks(blocks, found),
            Block::Table(_) | Block::Image(_) | Block::Chart(_) | Block::PageBreak => false,
        })
    }
    let mut found = None;
    row.iter().all(|c| of_blocks(c, &mut found)).then_some(found).flatten()
}

/// The look a bit of text has: what the renderers turn into runs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Look {
    strong: bool,
    emph: bool,
    link: Option<String>,
}

/// A word, a space between words, or a line break, in its look.
#[derive(Debug, Clone, PartialEq)]
enum Atom {
    Text(String, Look),
    Break(Look),
}

/// Splits text into words and the spaces between them; a date in words
/// (weekday, day, month and year as they come) is one word.
fn tokens(text: &str) -> Vec<String> {
    let mut raw: Vec<String> = Vec::new();
    for c in text.chars() {
        let space = c.is_whitespace();
        match raw.last_mut() {
            Some(t) if t.chars().next().is_some_and(|f| f.is_whitespace() == space) => t.push(c),
            _ => raw.push(c.to_string()),
        }
    }
    let is_day = |t: &str| {
        let d = t.strip_suffix('.').unwrap_or("");
        !d.is_empty() && d.len() <= 2 && d.chars().all(|c| c.is_ascii_digit())
    };
    let bare = |t: &str| t.trim_end_matches([',', '.', ';', ':', ')']).to_lowercase();
    let is_month = |t: &str| MONTHS.contains(&bare(t).as_str());
    let is_weekday = |t: &str| WEEKDAYS.contains(&bare(t).as_str());
    let is_year = |t: &str| {
        let y = t.trim_end_matches([',', '.', ';', ':', ')']);
        y.len() == 4 && y.chars().all(|c| c.is_ascii_digit())
    };
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        // [weekday ␣] day. ␣ month [␣ year]
        let start = i;
        let mut j = i;
        if is_weekday(&raw[j]) && raw.get(j + 2).is_some_and(|t| is_day(t)) {
            j += 2;
        }
        if is_day(&raw[j]) && raw.get(j + 2).is_some_and(|t| is_month(t)) {
            j += 2;
            if raw.get(j + 2).is_some_and(|t| is_year(t)) && bare(&raw[j]) == raw[j].to_lowercase() {
                j += 2;
            }
            out.push(raw[start..=j].concat());
            i = j + 1;
        } else {
            out.push(raw[i].clone());
            i += 1;
        }
    }
    out
}

fn atoms(items: &[Inline], look: &Look, out: &mut Vec<Atom>) {
    for i in items {
        match i {
            Inline::Text(t) => out.extend(tokens(t).into_iter().map(|w| Atom::Text(w, look.clone()))),
            Inline::Strong(c) => atoms(c, &Look { strong: true, ..look.clone() }, out),
            Inline::Emph(c) => atoms(c, &Look { emph: true, ..look.clone() }, out),
            Inline::Link { url, content } => {
                atoms(content, &Look { link: Some(url.clone()), ..look.clone() }, out)
            }
            Inline::LineBreak => out.push(Atom::Break(look.clone())),
            // Models compared are plain versions: a change mark is its text.
            Inline::Changed { content, .. } => atoms(content, look, out),
        }
    }
}

/// Inlines in a look, from atoms of that look.
fn styled(atoms: &[&Atom]) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    let mut k = 0;
    while k < atoms.len() {
        let look = match atoms[k] {
            Atom::Text(_, l) | Atom::Break(l) => l.clone(),
        };
        let mut run: Vec<Inline> = Vec::new();
        while k < atoms.len() {
            match atoms[k] {
                Atom::Text(t, l) if *l == look => match run.last_mut() {
                    Some(Inline::Text(s)) => s.push_str(t),
                    _ => run.push(Inline::Text(t.clone())),
                },
                Atom::Break(l) if *l == look => run.push(Inline::LineBreak),
                _ => break,
            }
            k += 1;
        }
        if let Some(url) = &look.link {
            run = vec![Inline::Link { url: url.clone(), content: run }];
        }
        if look.emph {
            run = vec![Inline::Emph(run)];
        }
        if look.strong {
            run = vec![Inline::Strong(run)];
        }
        out.extend(run);
    }
    out
}

/// A paragraph's text compared word by word: the new text, with what is
/// gone and what came marked.
pub fn inlines(old: &[Inline], new: &[Inline]) -> Vec<Inline> {
    if old == new {
        return new.to_vec();
    }
    let (mut a, mut b) = (Vec::new(), Vec::new());
    atoms(old, &Look::default(), &mut a);
    atoms(new, &Look::default(), &mut b);
    // (atom, change) in reading order: what is gone before what replaced it.
    let mut seq: Vec<(&Atom, Option<Change>)> = Vec::new();
    let matched = lcs(&a, &b, &|x, y| x == y);
    let (mut i, mut j) = (0, 0);
    for (mi, mj) in matched.into_iter().chain(std::iter::once((a.len(), b.len()))) {
        seq.extend(a[i..mi].iter().map(|x| (x, Some(Change::Deleted))));
        seq.extend(b[j..mj].iter().map(|x| (x, Some(Change::Inserted))));
        if mj < b.len() {
            seq.push((&b[mj], None));
        }
        (i, j) = (mi + 1, mj + 1);
    }
    let mut out = Vec::new();
    let mut k = 0;
    while k < seq.len() {
        let change = seq[k].1;
        let mut group = Vec::new();
        while k < seq.len() && seq[k].1 == change {
            group.push(seq[k].0);
            k += 1;
        }
        let content = styled(&group);
        match change {
            None => out.extend(content),
            Some(change) => out.push(Inline::Changed { change, content }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Inline {
        Inline::Text(s.into())
    }
    fn p(s: &str) -> Block {
        Block::Paragraph(vec![t(s)])
    }
    fn ins(s: &str) -> Inline {
        Inline::Changed { change: Change::Inserted, content: vec![t(s)] }
    }
    fn del(s: &str) -> Inline {
        Inline::Changed { change: Change::Deleted, content: vec![t(s)] }
    }

    #[test]
    fn a_date_in_words_is_one_word() {
        assert_eq!(
            tokens("Møtet torsdag 16. april 2026 i Sandnes, og 3. mai."),
            ["Møtet", " ", "torsdag 16. april 2026", " ", "i", " ", "Sandnes,", " ", "og", " ", "3. mai."]
        );
    }

    #[test]
    fn a_moved_date_is_the_old_date_deleted_and_the_new_inserted() {
        let got =
            inlines(&[t("Fagdag torsdag 16. april i Sandnes")], &[t("Fagdag torsdag 23. april i Sandnes")]);
        assert_eq!(got, [t("Fagdag "), del("torsdag 16. april"), ins("torsdag 23. april"), t(" i Sandnes")]);
        // The look of text is kept on both sides.
        let got = inlines(&[Inline::Strong(vec![t("a b")])], &[Inline::Strong(vec![t("a c")])]);
        assert_eq!(
            got,
            [
                Inline::Strong(vec![t("a ")]),
                Inline::Changed { change: Change::Deleted, content: vec![Inline::Strong(vec![t("b")])] },
                Inline::Changed { change: Change::Inserted, content: vec![Inline::Strong(vec![t("c")])] },
            ]
        );
    }

    #[test]
    fn blocks_added_removed_and_changed() {
        let old = vec![p("Innledning om året"), p("Kurs i mai for alle"), p("Slutt")];
        let new =
            vec![p("Innledning om året"), p("Kurs i juni for alle"), p("Nytt møte i august"), p("Slutt")];
        let got = blocks(&old, &new);
        assert_eq!(
            got,
            [
                p("Innledning om året"),
                Block::Paragraph(vec![t("Kurs i "), del("mai"), ins("juni"), t(" for alle")]),
                Block::Paragraph(vec![ins("Nytt møte i august")]),
                p("Slutt"),
            ]
        );
        assert_eq!(whole_change(&[ins("x")]), Some(Change::Inserted));
        assert_eq!(whole_change(&[ins("x"), del("y")]), None);
        assert!(has_changes(&got) && !has_changes(&new));
        let gone = blocks(&new, &old);
        assert!(gone.contains(&Block::Paragraph(vec![del("Nytt møte i august")])));
    }

    #[test]
    fn table_rows_are_matched_and_their_cells_compared() {
        let row = |a: &str, b: &str| vec![vec![p(a)], vec![p(b)]];
        let table =
            |rows: Vec<Vec<Vec<Block>>>| Block::Table(Table { widths: vec![1, 1], header_rows: 1, rows });
        let old = table(vec![row("Dato", "Møte"), row("16. april", "Nettverksmøte"), row("1. juni", "Kurs")]);
        let new = table(vec![
            row("Dato", "Møte"),
            row("23. april", "Nettverksmøte"),
            row("1. juni", "Kurs"),
            row("2. september", "Fagdag"),
        ]);
        let got = blocks(&[old], &[new]);
        let Block::Table(t) = &got[0] else { panic!("{got:?}") };
        assert_eq!(t.rows.len(), 4);
        assert_eq!(t.rows[1][0], vec![Block::Paragraph(vec![del("16. april"), ins("23. april")])]);
        assert_eq!(whole_change_of_row(&t.rows[1]), None);
        assert_eq!(whole_change_of_row(&t.rows[3]), Some(Change::Inserted));
        assert_eq!(t.header_rows, 1);
    }
}
