//! The intermediate markup: CommonMark with pipe tables, plus fenced directives
//! (```` ```{div} class ````, ```` ```{list-table} ````, ```` ```{pagebreak} ````),
//! parsed into the [`Document`](crate::doc) model.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::doc::{Block, Chart, Image, Inline, Table};

/// Stands for a line break inside a data value (a private-use character).
pub const LINE_BREAK: char = '\u{E000}';

/// Escapes text so that Markdown reads it back as exactly these characters.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\r' => {}
            // A line break inside a cell (also Word's Shift+Enter, U+000B, that
            // Excel keeps): the parser turns the marker into a break.
            '\n' | '\u{b}' => out.push(LINE_BREAK),
            '\t' => out.push(' '),
            // Other control characters cannot be printed (and make XML invalid).
            c if c.is_control() => {}
            // Leading spaces would make Markdown read the text as code.
            ' ' if out.is_empty() || out.ends_with(LINE_BREAK) => {}
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// How deep blocks (quotes, lists, styled blocks) and inline marks (bold,
/// italic, links) may nest in each other in a whole document: far more than
/// a document needs, and within what the renderers' stacks and Typst's
/// layout depth allow (Typst gives up at about 30 levels of lists or quotes).
pub const MAX_DEPTH: usize = 20;

/// The nesting a prose file may use, so that a template can still place it
/// inside a few levels of its own.
pub const PROSE_DEPTH: usize = 12;

/// Parses the markup a template produced. The error names the problem; the
/// caller adds the template's name.
pub fn parse(md: &str) -> Result<Vec<Block>, String> {
    parse_at(md, 0, MAX_DEPTH)
}

/// Parses a prose file the leader writes, with the stricter nesting limit.
pub fn parse_prose(md: &str) -> Result<Vec<Block>, String> {
    parse_at(md, 0, PROSE_DEPTH)
}

fn parse_at(md: &str, depth: usize, limit: usize) -> Result<Vec<Block>, String> {
    if depth > limit {
        return Err(too_deep(limit));
    }
    // Count nesting from the text first: the Markdown parser itself must not
    // be handed thousands of levels.
    check_depth(md, limit)?;
    let events: Vec<Event> =
        Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_HEADING_ATTRIBUTES).collect();
    let mut p = P { events, pos: 0, depth, limit };
    p.blocks(None)
}

fn too_deep(limit: usize) -> String {
    format!(
        "teksten har mer enn {limit} nivåer inni hverandre (sitater med >, punktlister i punktlister, eller fet og kursiv); så dypt kan ikke et dokument settes"
    )
}

/// Refuses text whose quote markers or list indentation nest deeper than
/// [`MAX_DEPTH`] on one line, before the parser sees it. Lines in fenced code
/// blocks (directive bodies, checked when parsed) are passed over.
fn check_depth(md: &str, limit: usize) -> Result<(), String> {
    let mut fence: Option<(char, usize)> = None;
    for (i, line) in md.lines().enumerate() {
        let t = line.trim_start();
        let run = |c: char| t.chars().take_while(|x| *x == c).count();
        let marker = ['`', '~'].into_iter().map(|c| (c, run(c))).find(|(_, n)| *n >= 3);
        match (fence, marker) {
            (None, Some(m)) => fence = Some(m),
            (Some((c, n)), Some((c2, n2))) if c == c2 && n2 >= n && t[n2..].trim().is_empty() => fence = None,
            _ => {}
        }
        if fence.is_some() {
            continue;
        }
        // Every level of a list indents its items by at least two columns;
        // markers at the start of a line (`> > - - 1.`) open a level each.
        let indent: usize =
            line.chars().take_while(|c| c.is_whitespace()).map(|c| if c == '\t' { 4 } else { 1 }).sum();
        let mut levels = indent / 2;
        let mut rest = line.trim_start();
        loop {
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            let after = &rest[digits..];
            let next = if let Some(r) = rest.strip_prefix('>') {
                r
            } else if rest.len() > 1
                && rest.starts_with(['-', '*', '+'])
                && rest[1..].starts_with([' ', '\t'])
            {
                &rest[2..]
            } else if digits > 0 && after.starts_with(['.', ')']) && after[1..].starts_with([' ', '\t']) {
                &after[2..]
            } else {
                break;
            };
            levels += 1;
            rest = next.trim_start();
        }
        if levels > limit {
            return Err(format!("linje {}: {}", i + 1, too_deep(limit)));
        }
    }
    Ok(())
}

struct P<'a> {
    events: Vec<Event<'a>>,
    pos: usize,
    /// How many blocks and inline marks the current position is inside.
    depth: usize,
    limit: usize,
}

impl<'a> P<'a> {
    fn next(&mut self) -> Option<Event<'a>> {
        let e = self.events.get(self.pos).cloned();
        self.pos += 1;
        e
    }

    /// Block content until the end tag `end` (or the end of input).
    /// Enters one more level of nesting, or refuses when it would be too deep.
    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > self.limit {
            return Err(too_deep(self.limit));
        }
        Ok(())
    }

    fn blocks(&mut self, end: Option<TagEnd>) -> Result<Vec<Block>, String> {
        self.enter()?;
        let out = self.blocks_inner(end);
        self.depth -= 1;
        out
    }

    fn blocks_inner(&mut self, end: Option<TagEnd>) -> Result<Vec<Block>, String> {
        let mut out = Vec::new();
        // Loose inline content (tight list items) gathers into one paragraph.
        let mut loose: Vec<Inline> = Vec::new();
        while let Some(ev) = self.next() {
            match ev {
                Event::End(e) if Some(e) == end => break,
                Event::Start(Tag::Paragraph) => {
                    flush(&mut loose, &mut out);
                    match self.lone_image(TagEnd::Paragraph)? {
                        Some(img) => out.push(Block::Image(img)),
                        None => out.push(Block::Paragraph(self.inlines(TagEnd::Paragraph)?)),
                    }
                }
                Event::Start(Tag::Heading { level, classes, .. }) => {
                    flush(&mut loose, &mut out);
                    let lv = match level {
                        HeadingLevel::H1 => 1,
                        HeadingLevel::H2 => 2,
                        HeadingLevel::H3 => 3,
                        HeadingLevel::H4 => 4,
                        HeadingLevel::H5 => 5,
                        HeadingLevel::H6 => 6,
                    };
                    let content = self.inlines(TagEnd::Heading(level))?;
                    let class = classes.first().map(|c| c.to_string());
                    out.push(Block::Heading { level: lv, content, class });
                }
                Event::Start(Tag::List(start)) => {
                    flush(&mut loose, &mut out);
                    let ordered = start.is_some();
                    let mut items = Vec::new();
                    loop {
                        match self.next() {
                            Some(Event::Start(Tag::Item)) => items.push(self.blocks(Some(TagEnd::Item))?),
                            Some(Event::End(TagEnd::List(_))) | None => break,
                            Some(_) => {}
                        }
                    }
                    out.push(Block::List { ordered, items });
                }
                Event::Start(Tag::Table(aligns)) => {
                    flush(&mut loose, &mut out);
                    out.push(Block::Table(self.pipe_table(aligns.len())?));
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    flush(&mut loose, &mut out);
                    let info = match kind {
                        CodeBlockKind::Fenced(i) => i.to_string(),
                        CodeBlockKind::Indented => String::new(),
                    };
                    let mut body = String::new();
                    loop {
                        match self.next() {
                            Some(Event::Text(t)) => body.push_str(&t),
                            Some(Event::End(TagEnd::CodeBlock)) | None => break,
                            Some(_) => {}
                        }
                    }
                    out.extend(directive(&info, &body, self.depth, self.limit)?);
                }
                Event::Start(Tag::HtmlBlock) => {
                    flush(&mut loose, &mut out);
                    let mut html = String::new();
                    loop {
                        match self.next() {
                            Some(Event::Html(h)) | Some(Event::Text(h)) => html.push_str(&h),
                            Some(Event::End(TagEnd::HtmlBlock)) | None => break,
                            Some(_) => {}
                        }
                    }
                    // Comments (markers for templates) are allowed; other HTML is not.
                    let t = html.trim();
                    if !(t.starts_with("<!--") && t.ends_with("-->")) {
                        return Err(format!("HTML er ikke tillatt i malen: «{t}»"));
                    }
                }
                Event::Start(Tag::BlockQuote(_)) => {
                    flush(&mut loose, &mut out);
                    let inner = self.blocks(Some(TagEnd::BlockQuote(None)))?;
                    out.push(Block::Styled { class: "sitat".into(), blocks: inner });
                }
                Event::Rule => {
                    flush(&mut loose, &mut out);
                    out.push(Block::PageBreak);
                }
                Event::Start(tag) => {
                    let inl = self.inline_tag(tag)?;
                    loose.extend(inl);
                }
                Event::Text(t) | Event::Code(t) => {
                    showable(&t)?;
                    push_text(&mut loose, &t)
                }
                Event::SoftBreak => push_text(&mut loose, " "),
                Event::HardBreak => loose.push(Inline::LineBreak),
                Event::Html(h) | Event::InlineHtml(h) if h.trim().starts_with("<!--") => {}
                Event::Html(h) | Event::InlineHtml(h) => {
                    return Err(format!("HTML er ikke tillatt i malen: «{}»", h.trim()))
                }
                _ => {}
            }
        }
        flush(&mut loose, &mut out);
        Ok(out)
    }

    /// Inline content until `end`.
    fn inlines(&mut self, end: TagEnd) -> Result<Vec<Inline>, String> {
        self.enter()?;
        let out = self.inlines_inner(end);
        self.depth -= 1;
        out
    }

    fn inlines_inner(&mut self, end: TagEnd) -> Result<Vec<Inline>, String> {
        let mut out = Vec::new();
        loop {
            match self.next() {
                None => break,
                Some(Event::End(e)) if e == end => break,
                Some(Event::Text(t)) | Some(Event::Code(t)) => {
                    showable(&t)?;
                    push_text(&mut out, &t)
                }
                Some(Event::SoftBreak) => push_text(&mut out, " "),
                Some(Event::HardBreak) => out.push(Inline::LineBreak),
                Some(Event::Start(tag)) => out.extend(self.inline_tag(tag)?),
                Some(Event::InlineHtml(h)) if h.trim().starts_with("<!--") => {}
                Some(Event::Html(h)) | Some(Event::InlineHtml(h)) => {
                    return Err(format!("HTML er ikke tillatt i malen: «{}»", h.trim()))
                }
                Some(_) => {}
            }
        }
        Ok(out)
    }

    fn inline_tag(&mut self, tag: Tag<'a>) -> Result<Vec<Inline>, String> {
        Ok(match tag {
            Tag::Strong => vec![Inline::Strong(self.inlines(TagEnd::Strong)?)],
            Tag::Emphasis => vec![Inline::Emph(self.inlines(TagEnd::Emphasis)?)],
            Tag::Link { dest_url, .. } => {
                let content = self.inlines(TagEnd::Link)?;
                vec![Inline::Link { url: dest_url.to_string(), content }]
            }
            Tag::Image { dest_url, .. } => {
                return Err(format!(
                    "bildet «{dest_url}» står inne i en tekstlinje; et bilde må stå alene i et eget avsnitt, med en tom linje før og etter"
                ))
            }
            other => return Err(format!("markeringen {other:?} støttes ikke i malen")),
        })
    }

    /// When the content up to `end` is one image and nothing else (white space
    /// aside), consumes it through `end` and returns the image.
    fn lone_image(&mut self, end: TagEnd) -> Result<Option<Image>, String> {
        let blank = |e: &Event| match e {
            Event::Text(t) => t.trim().is_empty(),
            Event::SoftBreak => true,
            _ => false,
        };
        let mut i = self.pos;
        while self.events.get(i).is_some_and(blank) {
            i += 1;
        }
        let Some(Event::Start(Tag::Image { dest_url, title, .. })) = self.events.get(i).cloned() else {
            return Ok(None);
        };
        let close = (i + 1..self.events.len()).find(|&j| matches!(self.events[j], Event::End(TagEnd::Image)));
        let Some(close) = close else { return Ok(None) };
        let mut j = close + 1;
        while self.events.get(j).is_some_and(blank) {
            j += 1;
        }
        if self.events.get(j) != Some(&Event::End(end)) {
            return Ok(None);
        }
        self.pos = i + 1;
        let alt = Inline::plain(&self.inlines(TagEnd::Image)?);
        self.pos = j + 1;
        let width_mm = title.trim().strip_suffix("mm").and_then(|w| w.trim().parse().ok());
        Ok(Some(Image { src: dest_url.to_string(), alt, width_mm }))
    }

    fn pipe_table(&mut self, ncols: usize) -> Result<Table, String> {
        let mut rows: Vec<Vec<Vec<Block>>> = Vec::new();
        let mut header_rows = 0;
        let mut current: Vec<Vec<Block>> = Vec::new();
        loop {
            match self.next() {
                None | Some(Event::End(TagEnd::Table)) => break,
                Some(Event::Start(Tag::TableHead)) => current.clear(),
                Some(Event::End(TagEnd::TableHead)) => {
                    rows.push(std::mem::take(&mut current));
                    header_rows = 1;
                }
                Some(Event::Start(Tag::TableRow)) => current.clear(),
                Some(Event::End(TagEnd::TableRow)) => rows.push(std::mem::take(&mut current)),
                Some(Event::Start(Tag::TableCell)) => {
                    let cell = match self.lone_image(TagEnd::TableCell)? {
                        Some(img) => vec![Block::Image(img)],
                        None => {
                            let inl = self.inlines(TagEnd::TableCell)?;
                            if inl.is_empty() {
                                vec![]
                            } else {
                                vec![Block::Paragraph(inl)]
                            }
                        }
                    };
                    current.push(cell);
                }
                Some(_) => {}
            }
        }
        Ok(Table { widths: content_widths(&rows, ncols), header_rows, rows })
    }
}

/// Column widths for a pipe table, from the longest text in each column (a
/// column of dates stays narrow, one of names gets room), within 6 and 40.
fn content_widths(rows: &[Vec<Vec<Block>>], ncols: usize) -> Vec<u32> {
    (0..ncols)
        .map(|c| {
            let longest = rows
                .iter()
                .filter_map(|r| r.get(c))
                .map(|cell| cell.iter().map(|b| b.plain().chars().count()).sum::<usize>())
                .max()
                .unwrap_or(0);
            longest.clamp(6, 40) as u32
        })
        .collect()
}

/// Text the documents can show: the last guard before the renderers, for
/// characters that came from a template or a house style's wording rather
/// than from data (data is checked at its cell when loaded).
fn showable(t: &str) -> Result<(), String> {
    match t.chars().find(|c| *c != LINE_BREAK && !c.is_whitespace() && !crate::fonts::can_show(*c)) {
        Some(c) => Err(format!(
            "tegnet {} finnes ikke i skriftene dokumentene bruker",
            crate::load::text::describe(c)
        )),
        None => Ok(()),
    }
}

fn push_text(out: &mut Vec<Inline>, t: &str) {
    let mut parts = t.split(LINE_BREAK).peekable();
    while let Some(part) = parts.next() {
        if !part.is_empty() {
            if let Some(Inline::Text(prev)) = out.last_mut() {
                prev.push_str(part);
            } else {
                out.push(Inline::Text(part.to_string()));
            }
        }
        if parts.peek().is_some() {
            out.push(Inline::LineBreak);
        }
    }
}

fn flush(loose: &mut Vec<Inline>, out: &mut Vec<Block>) {
    if !loose.is_empty() {
        out.push(Block::Paragraph(std::mem::take(loose)));
    }
}

/// A fenced block whose info string is `{name} args`.
fn directive(info: &str, body: &str, depth: usize, limit: usize) -> Result<Vec<Block>, String> {
    let info = info.trim();
    let (name, arg) = match info.strip_prefix('{').and_then(|r| r.split_once('}')) {
        Some((n, a)) => (n.trim(), a.trim()),
        None => return Err(format!("kodeblokker støttes ikke i malen (info «{info}»); bruk {{div}}, {{tittel}}, {{list-table}} eller {{pagebreak}}")),
    };
    match name {
        "div" => {
            if arg.is_empty() {
                return Err("{div} trenger et stilnavn, for eksempel ```{div} forside".into());
            }
            Ok(vec![Block::Styled { class: arg.to_string(), blocks: parse_at(body, depth + 1, limit)? }])
        }
        "pagebreak" => Ok(vec![Block::PageBreak]),
        "tittel" => {
            let inlines: Vec<Inline> = match parse_at(body, depth + 1, limit)?.as_slice() {
                [Block::Paragraph(i)] => i.clone(),
                _ => return Err("{tittel} skal inneholde én tekst: dokumentets tittel".into()),
            };
            Ok(vec![Block::Title(inlines)])
        }
        "list-table" => Ok(vec![Block::Table(list_table(body, depth, limit)?)]),
        "chart" => Ok(vec![Block::Chart(chart(body)?)]),
        other => {
            Err(format!("ukjent direktiv {{{other}}}; kjente er div, tittel, list-table, chart og pagebreak"))
        }
    }
}

/// `{chart}`: option lines (`:tittel:`, `:alt:`, `:mål: 80`, `:maks: 100`,
/// `:enhet: %`), then one bar per line, `label | value`. Labels and texts are
/// Markdown-escaped by the template engine like any other text.
fn chart(body: &str) -> Result<Chart, String> {
    let unescape = |s: &str| -> Result<String, String> {
        let blocks = parse(s)?;
        Ok(blocks.iter().map(Block::plain).collect::<Vec<_>>().join(" "))
    };
    let number = |s: &str| -> Result<f64, String> {
        unescape(s)?
            .replace(',', ".")
            .trim()
            .parse::<f64>()
            .map_err(|_| format!("«{s}» er ikke et tall i {{chart}}"))
    };
    let mut c = Chart {
        title: String::new(),
        bars: vec![],
        target: None,
        max: None,
        unit: String::new(),
        alt: String::new(),
    };
    for line in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(rest) = line.strip_prefix(':') {
            let (key, val) =
                rest.split_once(':').ok_or_else(|| format!("ugyldig valg «{line}» i {{chart}}"))?;
            let val = val.trim();
            match key.trim() {
                "tittel" => c.title = unescape(val)?,
                "alt" => c.alt = unescape(val)?,
                "mål" => c.target = Some(number(val)?),
                "maks" => c.max = Some(number(val)?),
                "enhet" => c.unit = unescape(val)?,
                other => return Err(format!("ukjent valg «:{other}:» i {{chart}}")),
            }
        } else {
            // The separator is an unescaped `|`; the template engine escapes any `|` in data.
            let split = line.char_indices().find(|&(i, ch)| ch == '|' && !line[..i].ends_with('\\'));
            let Some((i, _)) = split else {
                return Err(format!("raden «{line}» i {{chart}} mangler «| verdi»"));
            };
            c.bars.push((unescape(&line[..i])?, number(&line[i + 1..])?));
        }
    }
    if c.alt.is_empty() {
        return Err("{chart} trenger en alternativ tekst (:alt: ...)".into());
    }
    Ok(c)
}

/// `{list-table}`: option lines (`:header-rows: 1`, `:widths: 30 40 15 15`),
/// then a bullet list of rows, each a bullet list of cells holding any blocks.
fn list_table(body: &str, depth: usize, limit: usize) -> Result<Table, String> {
    let mut header_rows = 0;
    let mut widths: Vec<u32> = Vec::new();
    let mut rest = Vec::new();
    let mut in_options = true;
    for line in body.lines() {
        let t = line.trim();
        if in_options && t.starts_with(':') {
            let mut parts = t[1..].splitn(2, ':');
            let key = parts.next().unwrap_or("").trim();
            let val = parts.next().unwrap_or("").trim();
            match key {
                "header-rows" => {
                    header_rows = val.parse().map_err(|_| format!("ugyldig :header-rows: «{val}»"))?
                }
                "widths" => {
                    widths = val
                        .split_whitespace()
                        .map(|w| w.parse().map_err(|_| format!("ugyldig bredde «{w}» i :widths:")))
                        .collect::<Result<_, _>>()?
                }
                other => return Err(format!("ukjent valg «:{other}:» i list-table")),
            }
        } else {
            in_options = false;
            rest.push(line);
        }
    }
    let blocks = parse_at(&rest.join("\n"), depth + 1, limit)?;
    let mut rows = Vec::new();
    for b in blocks {
        match b {
            Block::List { items, .. } => {
                for row in items {
                    match row.as_slice() {
                        [Block::List { items: cells, .. }] => rows.push(cells.clone()),
                        _ => {
                            return Err(
                                "hver rad i list-table må være en punktliste med én celle per punkt".into()
                            )
                        }
                    }
                }
            }
            _ => return Err("list-table må bestå av en punktliste av rader".into()),
        }
    }
    let ncols = rows.iter().map(Vec::len).max().unwrap_or(0);
    for r in &mut rows {
        r.resize(ncols, Vec::new());
    }
    if widths.is_empty() {
        widths = vec![1; ncols];
    } else if widths.len() != ncols {
        return Err(format!("list-table har {ncols} kolonner, men :widths: gir {}", widths.len()));
    }
    Ok(Table { widths, header_rows, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_text_reads_back_literally() {
        let nasty = "#import \"x\" *a* _b_ $c$ <d> & [e] \\f `g` | 1. - +";
        let blocks = parse(&escape(nasty)).unwrap();
        assert_eq!(blocks, vec![Block::Paragraph(vec![Inline::Text(nasty.into())])]);
    }

    /// Runs `f` on a thread with the stack a main thread has (8 MiB): deep
    /// nesting must end in an error, not a stack overflow.
    fn on_small_stack(f: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new().stack_size(8 << 20).spawn(f).unwrap().join().unwrap();
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        on_small_stack(|| {
            let quotes = format!("{} x\n", ">".repeat(5000));
            let list: String = (0..3000).map(|i| format!("{}- x\n", "  ".repeat(i))).collect();
            let inline_list = format!("{}x\n", "- ".repeat(5000));
            let emphasis = format!("{}x{}\n", "*a ".repeat(3000), " a*".repeat(3000));
            let strong = format!("{}x{}\n", "*".repeat(9000), "*".repeat(9000));
            let fences: String = (3..400).map(|n| format!("{} {{div}} sitat\n", "`".repeat(n))).collect();
            for md in [quotes, list, inline_list, emphasis, strong, fences] {
                let e = parse(&md).unwrap_err();
                assert!(e.contains("nivåer inni hverandre"), "{e}");
            }
            // What documents use stays well inside the limit.
            let ok: String = (0..6).map(|i| format!("{}- x\n", "  ".repeat(i))).collect();
            assert!(parse(&format!("> > > sitat\n\n{ok}")).is_ok());
        });
    }

    #[test]
    fn a_character_no_font_has_is_refused() {
        let e = parse("Smil \u{1f600}\n").unwrap_err();
        assert!(e.contains("U+1F600"), "{e}");
        assert!(parse(&escape("Linje\nto – «sitat»")).is_ok());
    }

    #[test]
    fn nested_lists_and_strong() {
        let b = parse("**Delmål 1:** Tekst\n\n- a\n  - b\n- c\n").unwrap();
        assert!(matches!(&b[0], Block::Paragraph(i) if matches!(&i[0], Inline::Strong(_))));
        let Block::List { items, .. } = &b[1] else { panic!("{b:?}") };
        assert_eq!(items.len(), 2);
        assert!(matches!(items[0][1], Block::List { .. }));
    }

    #[test]
    fn list_table_with_list_cells() {
        let md = "```{list-table}\n:header-rows: 1\n:widths: 2 1\n\n- - Mål\n  - Frist\n- - Nettverket\n    - a\n    - b\n  - Kontinuerlig\n```\n";
        let b = parse(md).unwrap();
        let Block::Table(t) = &b[0] else { panic!("{b:?}") };
        assert_eq!(t.header_rows, 1);
        assert_eq!(t.widths, vec![2, 1]);
        assert_eq!(t.rows.len(), 2);
        assert!(t.rows[1][0].iter().any(|b| matches!(b, Block::List { .. })));
    }

    #[test]
    fn chart_with_escaped_labels() {
        let md = format!(
            "```{{chart}}\n:tittel: Fremmøte\n:alt: Søyler\n:mål: 80\n:enhet: %\n{} | 85\nB | 72,5\n```\n",
            escape("Sandnes + SUS | 12.03")
        );
        let b = parse(&md).unwrap();
        let Block::Chart(c) = &b[0] else { panic!("{b:?}") };
        assert_eq!(c.bars, vec![("Sandnes + SUS | 12.03".to_string(), 85.0), ("B".to_string(), 72.5)]);
        assert_eq!((c.target, c.unit.as_str(), c.alt.as_str()), (Some(80.0), "%", "Søyler"));
        assert!(parse("```{chart}\nA | 1\n```\n").is_err(), "alt text is required");
    }

    #[test]
    fn title_and_headings_with_a_style() {
        let b = parse("```{tittel}\nÅRSPLAN 2026\n```\n\n# Målsetting {.mellomtittel}\n\n# 1. Kompetanse\n")
            .unwrap();
        assert_eq!(b[0], Block::Title(vec![Inline::Text("ÅRSPLAN 2026".into())]));
        assert!(matches!(&b[1], Block::Heading { level: 1, class: Some(c), .. } if c == "mellomtittel"));
        assert!(matches!(&b[2], Block::Heading { level: 1, class: None, .. }));
    }

    #[test]
    fn an_image_inside_a_line_of_text_is_refused() {
        let e = parse("Se ![logo](logo.png) her\n").unwrap_err();
        assert!(e.contains("logo.png") && e.contains("eget avsnitt"), "{e}");
        let b = parse("Tekst\n\n![Logo](logo.png)\n").unwrap();
        assert!(matches!(&b[1], Block::Image(i) if i.src == "logo.png" && i.alt == "Logo"));
    }

    #[test]
    fn div_pipe_table_image() {
        let md =
            "```{div} forside\nLinje\n```\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n![Logo](logo.png \"40mm\")\n";
        let b = parse(md).unwrap();
        assert!(matches!(&b[0], Block::Styled { class, .. } if class == "forside"));
        let Block::Table(t) = &b[1] else { panic!() };
        assert_eq!((t.header_rows, t.rows.len()), (1, 2));
        assert_eq!(
            b[2],
            Block::Image(Image { src: "logo.png".into(), alt: "Logo".into(), width_mm: Some(40.0) })
        );
    }
}
