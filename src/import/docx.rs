//! Reading a Word document's structure as it really is: paragraphs with their
//! style, heading level, list level and number (Word's numbering, worked out
//! as Word shows it), runs with bold or not, line breaks, tabs and links; and
//! tables as rows of cells that hold paragraphs (and tables) of their own.
//! Text boxes are read where they stand; headers, footers, pictures and
//! deleted (tracked) text are not part of the content.

use std::collections::BTreeMap;
use std::fmt;

use crate::wordmal::package::{self, Package, Refusal};
use crate::wordmal::styles::{Styles, ThemeInfo};
use crate::wordmal::tree::Elem;

/// Where a paragraph stands, as a leader can find it in Word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The n-th paragraph with text in the body (1-based).
    Para(usize),
    /// A cell of the n-th table (1-based rows and columns), counted in the
    /// body's tables; a table inside a cell counts as a table too.
    Cell { table: usize, row: usize, col: usize },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Para(n) => write!(f, "avsnitt {n}"),
            Source::Cell { table, row, col } => write!(f, "tabell {table}, rad {row}, kolonne {col}"),
        }
    }
}

/// A list paragraph: its level (0 = outermost) and, for a numbered list, the
/// number Word shows (`1.`, `a)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List {
    pub level: u8,
    pub ordered: bool,
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// The text; `\n` for a line break, `\t` for a tab.
    pub text: String,
    pub bold: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Para {
    pub source: Source,
    /// The style's name as Word stores it, lowercase (`heading 1`, `list bullet`, `normal`).
    pub style: String,
    /// 0 for the title, 1-9 for a heading (by its style or outline level).
    pub heading: Option<u8>,
    pub list: Option<List>,
    /// The left indent in twips.
    pub indent: i32,
    pub runs: Vec<Run>,
    /// Hyperlinks: (the linked text, the target).
    pub links: Vec<(String, String)>,
    /// Pictures in the paragraph (not read: a logo belongs in the network's folder).
    pub pictures: usize,
}

impl Para {
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// 1-based, in document order.
    pub number: usize,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Para(Para),
    Table(Table),
}

/// Why a file could not be read as a Word document, in Norwegian.
pub fn refusal_text(r: &Refusal) -> (String, String) {
    const SAVE: &str = "åpne filen i Word og lagre den som Word-dokument (.docx)";
    match r {
        Refusal::Ole => (
            "filen er passordbeskyttet (kryptert), eller lagret i det gamle Word 97-2003-formatet (.doc)"
                .into(),
            "fjern passordet i Word, eller åpne filen og lagre den som Word-dokument (.docx)".into(),
        ),
        Refusal::NotZip(_) => ("filen er ikke et Word-dokument (.docx)".into(), SAVE.into()),
        Refusal::TooLarge { part, .. } => {
            (format!("filen er for stor (ved «{part}»)"), "en årsplan er vanligvis under 5 MB".into())
        }
        Refusal::Broken(why) => (format!("filen er skadet: {why}"), SAVE.into()),
    }
}

/// Numbering definitions: per list (numId), its levels' format, text and start.
#[derive(Debug, Default)]
struct Numbering {
    /// numId → (abstract id, start overrides per level)
    nums: BTreeMap<String, (String, BTreeMap<u8, i64>)>,
    /// abstract id → level → (format, level text, start)
    abstracts: BTreeMap<String, BTreeMap<u8, (String, String, i64)>>,
    /// abstract id → level → left indent in twips, where the level sets one
    indents: BTreeMap<String, BTreeMap<u8, i32>>,
}

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

fn val(e: &Elem) -> Option<String> {
    e.attrs
        .iter()
        .find(|(k, _)| local(k) == "val")
        .map(|(_, v)| quick_xml::escape::unescape(v).map(|c| c.to_string()).unwrap_or_else(|_| v.clone()))
}

fn attr_local(e: &Elem, name: &str) -> Option<String> {
    e.attrs
        .iter()
        .find(|(k, _)| local(k) == name)
        .map(|(_, v)| quick_xml::escape::unescape(v).map(|c| c.to_string()).unwrap_or_else(|_| v.clone()))
}

fn child<'a>(e: &'a Elem, name: &str) -> Option<&'a Elem> {
    e.elems().find(|c| local(&c.name) == name)
}

impl Numbering {
    fn parse(root: &Elem) -> Numbering {
        let mut n = Numbering::default();
        for e in root.elems() {
            match local(&e.name) {
                "abstractNum" => {
                    let Some(id) = attr_local(e, "abstractNumId") else { continue };
                    let mut levels = BTreeMap::new();
                    let mut indents = BTreeMap::new();
                    for l in e.elems().filter(|c| local(&c.name) == "lvl") {
                        let ilvl = attr_local(l, "ilvl").and_then(|v| v.parse::<u8>().ok()).unwrap_or(0);
                        let fmt = child(l, "numFmt").and_then(val).unwrap_or_else(|| "decimal".into());
                        let text = child(l, "lvlText").and_then(val).unwrap_or_default();
                        let start = child(l, "start").and_then(val).and_then(|v| v.parse().ok()).unwrap_or(1);
                        levels.insert(ilvl, (fmt, text, start));
                        if let Some(left) = child(l, "pPr")
                            .and_then(|p| child(p, "ind"))
                            .and_then(|i| attr_local(i, "left").or_else(|| attr_local(i, "start")))
                            .and_then(|v| v.parse::<i32>().ok())
                        {
                            indents.insert(ilvl, left);
                        }
                    }
                    n.indents.insert(id.clone(), indents);
                    n.abstracts.insert(id, levels);
                }
                "num" => {
                    let Some(id) = attr_local(e, "numId") else { continue };
                    let Some(abs) = child(e, "abstractNumId").and_then(val) else { continue };
                    let mut starts = BTreeMap::new();
                    for o in e.elems().filter(|c| local(&c.name) == "lvlOverride") {
                        let ilvl = attr_local(o, "ilvl").and_then(|v| v.parse::<u8>().ok()).unwrap_or(0);
                        if let Some(s) = child(o, "startOverride").and_then(val).and_then(|v| v.parse().ok())
                        {
                            starts.insert(ilvl, s);
                        }
                    }
                    n.nums.insert(id, (abs, starts));
                }
                _ => {}
            }
        }
        n
    }

    /// The left indent a list's level gives its paragraphs, if it sets one.
    fn indent(&self, num: &str, ilvl: u8) -> Option<i32> {
        let (abs, _) = self.nums.get(num)?;
        self.indents.get(abs)?.get(&ilvl).copied()
    }

    /// (format, level text, start) of a list's level.
    fn level(&self, num: &str, ilvl: u8) -> Option<(String, String, i64)> {
        let (abs, starts) = self.nums.get(num)?;
        let (fmt, text, start) = self.abstracts.get(abs)?.get(&ilvl)?.clone();
        Some((fmt, text, starts.get(&ilvl).copied().unwrap_or(start)))
    }
}

/// A number in a list format (`decimal`, `lowerLetter`, `upperRoman`, ...).
fn format_number(n: i64, fmt: &str) -> String {
    let letter = |n: i64, base: u8| {
        let n = (n - 1).rem_euclid(26) as u8;
        ((base + n) as char).to_string()
    };
    let roman = |mut n: i64| {
        let table = [
            (1000, "m"),
            (900, "cm"),
            (500, "d"),
            (400, "cd"),
            (100, "c"),
            (90, "xc"),
            (50, "l"),
            (40, "xl"),
            (10, "x"),
            (9, "ix"),
            (5, "v"),
            (4, "iv"),
            (1, "i"),
        ];
        let mut s = String::new();
        for (v, r) in table {
            while n >= v {
                s.push_str(r);
                n -= v;
            }
        }
        s
    };
    match fmt {
        "lowerLetter" => letter(n, b'a'),
        "upperLetter" => letter(n, b'A'),
        "lowerRoman" => roman(n),
        "upperRoman" => roman(n).to_uppercase(),
        "decimalZero" => format!("{n:02}"),
        _ => n.to_string(),
    }
}

/// Text as arsplan compares it: no-break spaces and hyphens as plain ones,
/// soft hyphens and zero-width characters gone.
pub fn clean(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\u{a0}' | '\u{202f}' | '\u{2007}' => Some(' '),
            '\u{2011}' => Some('-'),
            '\u{ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' => None,
            c => Some(c),
        })
        .collect()
}

struct Reader {
    styles: Styles,
    numbering: Numbering,
    /// Relationship id → hyperlink target.
    links: BTreeMap<String, String>,
    /// Counters of each list (numId) per level.
    counters: BTreeMap<String, Vec<i64>>,
    paras: usize,
    tables: usize,
}

/// Reads the body of a DOCX.
pub fn read(bytes: &[u8]) -> Result<Vec<Block>, (String, String)> {
    let pkg = Package::read(bytes).map_err(|r| refusal_text(&r))?;
    let broken = |why: String| {
        (format!("filen er skadet: {why}"), "åpne filen i Word og lagre den på nytt".to_string())
    };
    let not_word =
        || ("filen er ikke et Word-dokument".to_string(), "velg .docx-filen med årsplanen".to_string());
    let root_rels = pkg.rels("").map_err(broken)?;
    let main = root_rels
        .iter()
        .find(|r| r.kind == package::REL_OFFICE_DOCUMENT && !r.external)
        .map(|r| package::resolve("", &r.target))
        .ok_or_else(not_word)?;
    let content_type = pkg.content_type(&main).unwrap_or_default();
    if !content_type.contains("wordprocessingml") {
        return Err(not_word());
    }
    let document = pkg.xml(&main).ok_or_else(not_word)?.map_err(broken)?;
    let rels = pkg.rels(&main).map_err(broken)?;
    let part = |kind: &str| {
        rels.iter().find(|r| r.kind == kind && !r.external).map(|r| package::resolve(&main, &r.target))
    };
    let theme = part(package::REL_THEME)
        .and_then(|p| pkg.xml(&p))
        .and_then(|x| x.ok())
        .map(|t| ThemeInfo::parse(&t))
        .unwrap_or_default();
    let styles = part(package::REL_STYLES)
        .and_then(|p| pkg.xml(&p))
        .and_then(|x| x.ok())
        .map(|s| Styles::parse(&s, theme.clone()))
        .unwrap_or_default();
    let numbering = part(package::REL_NUMBERING)
        .and_then(|p| pkg.xml(&p))
        .and_then(|x| x.ok())
        .map(|n| Numbering::parse(&n))
        .unwrap_or_default();
    let links = rels
        .iter()
        .filter(|r| r.kind == package::REL_HYPERLINK)
        .map(|r| (r.id.clone(), r.target.clone()))
        .collect();
    let mut reader = Reader { styles, numbering, links, counters: BTreeMap::new(), paras: 0, tables: 0 };
    let body =
        child(&document, "body").ok_or_else(|| broken("dokumentet har ingen tekst (w:body)".into()))?;
    let mut out = Vec::new();
    reader.blocks(body, None, &mut out);
    Ok(out)
}

impl Reader {
    /// The blocks of a body, cell or content control, in order.
    fn blocks(&mut self, parent: &Elem, cell: Option<&Source>, out: &mut Vec<Block>) {
        for e in parent.elems() {
            match local(&e.name) {
                "p" => self.paragraph(e, cell, out),
                "tbl" => {
                    let t = self.table(e);
                    out.push(Block::Table(t));
                }
                "sdt" => {
                    if let Some(c) = child(e, "sdtContent") {
                        self.blocks(c, cell, out);
                    }
                }
                "customXml" | "ins" | "smartTag" => self.blocks(e, cell, out),
                _ => {}
            }
        }
    }

    fn table(&mut self, tbl: &Elem) -> Table {
        self.tables += 1;
        let number = self.tables;
        let mut rows = Vec::new();
        let mut trs: Vec<&Elem> = Vec::new();
        collect(tbl, "tr", &["sdt", "sdtContent", "customXml", "ins"], &mut trs);
        for (r, tr) in trs.iter().enumerate() {
            let mut tcs: Vec<&Elem> = Vec::new();
            collect(tr, "tc", &["sdt", "sdtContent", "customXml", "ins"], &mut tcs);
            let mut row = Vec::new();
            for tc in &tcs {
                let src = Source::Cell { table: number, row: r + 1, col: row.len() + 1 };
                let merged_below = tc
                    .elems()
                    .find(|x| local(&x.name) == "tcPr")
                    .and_then(|p| child(p, "vMerge"))
                    .is_some_and(|v| val(v).is_none_or(|v| v != "restart"));
                let mut blocks = Vec::new();
                if !merged_below {
                    self.blocks(tc, Some(&src), &mut blocks);
                }
                let span = tc
                    .elems()
                    .find(|x| local(&x.name) == "tcPr")
                    .and_then(|p| child(p, "gridSpan"))
                    .and_then(val)
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 64);
                row.push(Cell { blocks });
                for _ in 1..span {
                    row.push(Cell { blocks: Vec::new() });
                }
            }
            rows.push(row);
        }
        Table { number, rows }
    }

    /// The style chain's value of a paragraph property (the style's own pPr first).
    fn style_ppr<'s>(&'s self, style: Option<&str>, name: &str) -> Option<&'s Elem> {
        let mut id = style.map(str::to_string).or_else(|| self.styles.default_para.clone());
        let mut seen = 0;
        while let Some(i) = id.take() {
            seen += 1;
            if seen > 16 {
                break;
            }
            let s = self.styles.by_id.get(&i)?;
            if let Some(found) = s.elem.elems().find(|c| local(&c.name) == "pPr").and_then(|p| child(p, name))
            {
                return Some(found);
            }
            id = s.based_on.clone();
        }
        None
    }

    fn paragraph(&mut self, p: &Elem, cell: Option<&Source>, out: &mut Vec<Block>) {
        let ppr = p.elems().find(|c| local(&c.name) == "pPr");
        let style_id = ppr.and_then(|x| child(x, "pStyle")).and_then(val);
        let style_name = style_id
            .as_deref()
            .or(self.styles.default_para.as_deref())
            .and_then(|id| self.styles.by_id.get(id))
            .map(|s| s.name.to_lowercase())
            .unwrap_or_else(|| "normal".into());
        let heading = if style_name == "title" {
            Some(0)
        } else if let Some(n) = style_name.strip_prefix("heading ").and_then(|n| n.trim().parse::<u8>().ok())
        {
            Some(n)
        } else {
            let outline = ppr
                .and_then(|x| child(x, "outlineLvl"))
                .or_else(|| self.style_ppr(style_id.as_deref(), "outlineLvl"))
                .and_then(val)
                .and_then(|v| v.parse::<u8>().ok());
            outline.filter(|l| *l < 9).map(|l| l + 1)
        };
        // The list: the paragraph's own numPr, else its style's.
        let own_num = ppr.and_then(|x| child(x, "numPr"));
        let style_num = self.style_ppr(style_id.as_deref(), "numPr");
        let num_id = own_num
            .and_then(|n| child(n, "numId"))
            .or_else(|| style_num.and_then(|n| child(n, "numId")))
            .and_then(val);
        let ilvl = own_num
            .and_then(|n| child(n, "ilvl"))
            .or_else(|| style_num.and_then(|n| child(n, "ilvl")))
            .and_then(val)
            .and_then(|v| v.parse::<u8>().ok())
            .unwrap_or(0)
            .min(8);
        let num_id = num_id.filter(|n| n != "0");
        let mut list = num_id.as_ref().map(|num| self.list_item(num, ilvl));
        // Word's «List Bullet 2», «List Number 3» …: the level is in the style's name.
        if let (Some(l), Some(n)) = (&mut list, style_level(&style_name)) {
            l.level = l.level.max(n);
        }
        // The paragraph's own indent wins over its list level's, which wins over its style's.
        let left = |i: &Elem| {
            attr_local(i, "left").or_else(|| attr_local(i, "start")).and_then(|v| v.parse::<i32>().ok())
        };
        let indent = ppr
            .and_then(|x| child(x, "ind"))
            .and_then(left)
            .or_else(|| num_id.as_ref().and_then(|n| self.numbering.indent(n, ilvl)))
            .or_else(|| self.style_ppr(style_id.as_deref(), "ind").and_then(left))
            .unwrap_or(0);
        let mut runs = Vec::new();
        let mut links = Vec::new();
        let mut boxes = Vec::new();
        self.runs(p, style_id.as_deref(), ppr, None, &mut runs, &mut links, &mut boxes);
        // Text boxes (a cover page's frames) come before the paragraph that anchors them.
        for b in boxes {
            self.blocks(&b, cell, out);
        }
        let pictures = runs.iter().map(|r| r.text.matches(PICTURE).count()).sum();
        for r in &mut runs {
            r.text.retain(|c| c != PICTURE);
        }
        runs.retain(|r| !r.text.is_empty());
        let text: String = runs.iter().map(|r| r.text.as_str()).collect();
        if pictures > 0 && text.trim().is_empty() {
            // A paragraph that only holds a picture still counts, so the report can point at it.
            let source = match cell {
                Some(s) => s.clone(),
                None => {
                    self.paras += 1;
                    Source::Para(self.paras)
                }
            };
            out.push(Block::Para(Para {
                source,
                style: style_name,
                heading,
                list,
                indent,
                runs,
                links,
                pictures,
            }));
            return;
        }
        if text.trim().is_empty() && cell.is_none() {
            out.push(Block::Para(Para {
                source: Source::Para(self.paras),
                style: style_name,
                heading,
                list,
                indent,
                runs: Vec::new(),
                links,
                pictures,
            }));
            return;
        }
        let source = match cell {
            Some(s) => s.clone(),
            None => {
                self.paras += 1;
                Source::Para(self.paras)
            }
        };
        out.push(Block::Para(Para {
            source,
            style: style_name,
            heading,
            list,
            indent,
            runs,
            links,
            pictures,
        }));
    }

    /// The list item's level and the number Word shows for it.
    fn list_item(&mut self, num: &str, ilvl: u8) -> List {
        let Some((fmt, text, _)) = self.numbering.level(num, ilvl) else {
            return List { level: ilvl, ordered: false, label: None };
        };
        if fmt == "bullet" || fmt == "none" {
            return List { level: ilvl, ordered: false, label: None };
        }
        let starts: Vec<i64> =
            (0..9u8).map(|l| self.numbering.level(num, l).map(|(_, _, s)| s).unwrap_or(1)).collect();
        let counters = self.counters.entry(num.to_string()).or_insert_with(|| vec![i64::MIN; 9]);
        let i = ilvl as usize;
        counters[i] = if counters[i] == i64::MIN { starts[i] } else { counters[i] + 1 };
        for c in counters.iter_mut().skip(i + 1) {
            *c = i64::MIN;
        }
        let mut label = text;
        for l in 0..=i {
            let value = if counters[l] == i64::MIN { starts[l] } else { counters[l] };
            let f = self.numbering.level(num, l as u8).map(|(f, _, _)| f).unwrap_or_default();
            label = label.replace(&format!("%{}", l + 1), &format_number(value, &f));
        }
        List { level: ilvl, ordered: true, label: Some(label) }
    }

    /// The runs of a paragraph (or of a hyperlink, an insertion, a field),
    /// with the text boxes found on the way.
    #[allow(clippy::too_many_arguments)]
    fn runs(
        &self,
        parent: &Elem,
        style: Option<&str>,
        ppr: Option<&Elem>,
        link: Option<&str>,
        runs: &mut Vec<Run>,
        links: &mut Vec<(String, String)>,
        boxes: &mut Vec<Elem>,
    ) {
        for e in parent.elems() {
            match local(&e.name) {
                "r" => {
                    let rpr = e.elems().find(|c| local(&c.name) == "rPr");
                    let bold = self.styles.resolve_run(style, ppr, rpr).bold.unwrap_or(false);
                    let mut text = String::new();
                    for c in e.elems() {
                        match local(&c.name) {
                            "t" => text.push_str(&clean(&c.text())),
                            "tab" | "ptab" => text.push('\t'),
                            "br" if attr_local(c, "type").as_deref() != Some("page") => text.push('\n'),
                            "cr" => text.push('\n'),
                            "noBreakHyphen" => text.push('-'),
                            "sym" => {
                                if let Some(ch) = attr_local(c, "char")
                                    .and_then(|h| u32::from_str_radix(&h, 16).ok())
                                    .and_then(char::from_u32)
                                {
                                    text.push(ch);
                                }
                            }
                            "drawing" | "pict" | "AlternateContent" | "object" => {
                                let before = boxes.len();
                                find_boxes(c, boxes);
                                if boxes.len() == before && has_picture(c) {
                                    text.push(PICTURE);
                                }
                            }
                            _ => {}
                        }
                    }
                    if let Some(target) = link {
                        if let Some(last) = links.last_mut().filter(|(_, t)| t == target) {
                            last.0.push_str(&text);
                        } else {
                            links.push((text.clone(), target.to_string()));
                        }
                    }
                    match runs.last_mut() {
                        Some(r) if r.bold == bold => r.text.push_str(&text),
                        _ if !text.is_empty() => runs.push(Run { text, bold }),
                        _ => {}
                    }
                }
                "hyperlink" => {
                    let target = attr_local(e, "id").and_then(|id| self.links.get(&id).cloned());
                    let target = target.or_else(|| attr_local(e, "anchor").map(|a| format!("#{a}")));
                    let before = links.len();
                    self.runs(e, style, ppr, target.as_deref(), runs, links, boxes);
                    if target.is_none() {
                        links.truncate(before);
                    }
                }
                "ins" | "smartTag" | "fldSimple" | "customXml" | "bdo" | "dir" => {
                    self.runs(e, style, ppr, link, runs, links, boxes)
                }
                "sdt" => {
                    if let Some(c) = child(e, "sdtContent") {
                        self.runs(c, style, ppr, link, runs, links, boxes);
                    }
                }
                "AlternateContent" => find_boxes(e, boxes),
                _ => {}
            }
        }
    }
}

/// The list level a built-in list style's name gives («list bullet 2» → 1).
fn style_level(name: &str) -> Option<u8> {
    let rest = name.strip_prefix("list")?;
    let rest = ["bullet", "number", "continue"]
        .iter()
        .find_map(|k| rest.trim_start().strip_prefix(k))
        .unwrap_or(rest);
    let n: u8 = rest.trim().parse().ok()?;
    (2..=9).contains(&n).then_some(n - 1)
}

/// Stands for a picture in a run's text while reading (counted, then removed).
const PICTURE: char = '\u{E001}';

/// Whether a drawing holds a picture (a blip or a VML image).
fn has_picture(e: &Elem) -> bool {
    matches!(local(&e.name), "blip" | "imagedata") || e.elems().any(has_picture)
}

/// Collects the `name` children of `e`, looking through wrappers.
fn collect<'a>(e: &'a Elem, name: &str, through: &[&str], out: &mut Vec<&'a Elem>) {
    for c in e.elems() {
        let n = local(&c.name);
        if n == name {
            out.push(c);
        } else if through.contains(&n) {
            collect(c, name, through, out);
        }
    }
}

/// Text boxes inside a drawing: the first choice of alternate content only
/// (its fallback holds the same text again).
fn find_boxes(e: &Elem, boxes: &mut Vec<Elem>) {
    match local(&e.name) {
        "txbxContent" => boxes.push(e.clone()),
        "AlternateContent" => {
            if let Some(c) = e.elems().find(|c| local(&c.name) == "Choice") {
                find_boxes(c, boxes);
            }
        }
        _ => {
            for c in e.elems() {
                find_boxes(c, boxes);
            }
        }
    }
}

/// Every paragraph of a list of blocks, tables' cells included, in reading order.
pub fn paragraphs(blocks: &[Block]) -> Vec<&Para> {
    let mut out = Vec::new();
    fn walk<'a>(blocks: &'a [Block], out: &mut Vec<&'a Para>) {
        for b in blocks {
            match b {
                Block::Para(p) => out.push(p),
                Block::Table(t) => {
                    for row in &t.rows {
                        for c in row {
                            walk(&c.blocks, out);
                        }
                    }
                }
            }
        }
    }
    walk(blocks, &mut out);
    out
}

/// The plain text of a document's body, one line per paragraph (for
/// comparing words).
pub fn plain_text(blocks: &[Block]) -> String {
    let mut out = String::new();
    for p in paragraphs(blocks) {
        if let Some(l) = p.list.as_ref().and_then(|l| l.label.clone()) {
            out.push_str(&l);
            out.push(' ');
        }
        out.push_str(&p.text());
        out.push('\n');
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    pub(crate) fn docx(document: &str, numbering: Option<&str>, styles: Option<&str>) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default();
        let mut ct = String::from(
            r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        );
        let _ = &mut ct;
        w.start_file("[Content_Types].xml", o).unwrap();
        w.write_all(ct.as_bytes()).unwrap();
        w.start_file("_rels/.rels", o).unwrap();
        w.write_all(br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#).unwrap();
        let mut rels = String::from(
            r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
        );
        if numbering.is_some() {
            rels.push_str(r#"<Relationship Id="rN" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>"#);
        }
        if styles.is_some() {
            rels.push_str(r#"<Relationship Id="rS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#);
        }
        rels.push_str(r#"<Relationship Id="rL" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.no/a" TargetMode="External"/>"#);
        rels.push_str("</Relationships>");
        w.start_file("word/_rels/document.xml.rels", o).unwrap();
        w.write_all(rels.as_bytes()).unwrap();
        w.start_file("word/document.xml", o).unwrap();
        w.write_all(
            format!(
                r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>{document}</w:body></w:document>"#
            )
            .as_bytes(),
        )
        .unwrap();
        if let Some(n) = numbering {
            w.start_file("word/numbering.xml", o).unwrap();
            w.write_all(format!(r#"<w:numbering xmlns:w="w">{n}</w:numbering>"#).as_bytes()).unwrap();
        }
        if let Some(s) = styles {
            w.start_file("word/styles.xml", o).unwrap();
            w.write_all(format!(r#"<w:styles xmlns:w="w">{s}</w:styles>"#).as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn lists_are_numbered_as_word_shows_them() {
        let numbering = r#"<w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId="8"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum><w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num><w:num w:numId="4"><w:abstractNumId w:val="8"/></w:num>"#;
        let item = |num: u8, lvl: u8, t: &str| {
            format!(
                r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="{num}"/></w:numPr></w:pPr><w:r><w:t>{t}</w:t></w:r></w:p>"#
            )
        };
        let doc = [item(3, 0, "En"), item(3, 1, "a"), item(3, 1, "b"), item(3, 0, "To"), item(4, 0, "Punkt")]
            .concat();
        let blocks = read(&docx(&doc, Some(numbering), None)).unwrap();
        let labels: Vec<(Option<String>, u8, bool)> = paragraphs(&blocks)
            .iter()
            .map(|p| {
                let l = p.list.clone().unwrap();
                (l.label, l.level, l.ordered)
            })
            .collect();
        assert_eq!(
            labels,
            vec![
                (Some("1.".into()), 0, true),
                (Some("a)".into()), 1, true),
                (Some("b)".into()), 1, true),
                (Some("2.".into()), 0, true),
                (None, 0, false)
            ]
        );
    }

    #[test]
    fn a_list_style_of_the_second_level_is_the_second_level_and_the_list_gives_the_indent() {
        // python-docx's and Word's «List Bullet 2»: its own list, at that list's first level.
        let numbering = r#"<w:abstractNum w:abstractNumId="6"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/><w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId="8"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/><w:pPr><w:ind w:left="360" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="8"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="6"/></w:num>"#;
        let styles = r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Punktliste2"><w:name w:val="List Bullet 2"/><w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr></w:style>"#;
        let p = |style: &str, t: &str| {
            format!(r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{t}</w:t></w:r></w:p>"#)
        };
        let doc = [p("ListBullet", "Aktivitet"), p("Punktliste2", "Underpunkt")].concat();
        let blocks = read(&docx(&doc, Some(numbering), Some(styles))).unwrap();
        let got: Vec<(u8, i32)> =
            paragraphs(&blocks).iter().map(|p| (p.list.as_ref().unwrap().level, p.indent)).collect();
        assert_eq!(got, vec![(0, 360), (1, 720)]);
        assert_eq!((style_level("list number 3"), style_level("list paragraph")), (Some(2), None));
    }

    #[test]
    fn runs_keep_bold_breaks_tabs_and_links_and_skip_deleted_text() {
        let doc = r#"<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Mål:</w:t></w:r><w:r><w:t xml:space="preserve"> Bidra</w:t></w:r><w:del><w:r><w:delText>borte</w:delText></w:r></w:del><w:r><w:br/><w:t>neste</w:t><w:tab/><w:t>16.&#160;april</w:t></w:r><w:hyperlink r:id="rL"><w:r><w:t>lenke</w:t></w:r></w:hyperlink></w:p>"#;
        let blocks = read(&docx(doc, None, None)).unwrap();
        let Block::Para(p) = &blocks[0] else { panic!() };
        assert_eq!(p.runs[0], Run { text: "Mål:".into(), bold: true });
        assert_eq!(p.text(), "Mål: Bidra\nneste\t16. aprillenke");
        assert_eq!(p.links, vec![("lenke".to_string(), "https://example.no/a".to_string())]);
        assert_eq!(p.source, Source::Para(1));
    }

    #[test]
    fn tables_give_cells_with_their_place_and_styles_give_headings() {
        let styles = r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Overskrift1"><w:name w:val="heading 1"/></w:style><w:style w:type="paragraph" w:styleId="Egen"><w:name w:val="Egen"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>"#;
        let doc = r#"<w:p><w:pPr><w:pStyle w:val="Overskrift1"/></w:pPr><w:r><w:t>1. Kompetanse</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val="Egen"/></w:pPr><w:r><w:t>Under</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>A</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>B</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p/></w:tc><w:tc><w:p><w:r><w:t>C</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>D</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#;
        let blocks = read(&docx(doc, None, Some(styles))).unwrap();
        let Block::Para(h) = &blocks[0] else { panic!() };
        assert_eq!((h.heading, h.style.as_str()), (Some(1), "heading 1"));
        let Block::Para(u) = &blocks[1] else { panic!() };
        assert_eq!(u.heading, Some(2));
        let Block::Table(t) = &blocks[2] else { panic!() };
        assert_eq!(t.rows[0].len(), 3, "a cell spanning two columns stands for both");
        let Block::Para(d) = &t.rows[1][2].blocks[0] else { panic!() };
        assert_eq!((d.text(), d.source.to_string()), ("D".into(), "tabell 1, rad 2, kolonne 3".into()));
    }

    #[test]
    fn pictures_are_counted_and_text_boxes_read_where_they_stand() {
        let doc = r#"<w:p><w:r><w:drawing><wp:inline><a:graphic><a:graphicData><pic:pic><pic:blipFill><a:blip r:embed="rId9"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p><w:p><w:r><mc:AlternateContent><mc:Choice><w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>I boksen</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent><w:p><w:r><w:t>I boksen</w:t></w:r></w:p></w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>Etter</w:t></w:r></w:p>"#;
        let blocks = read(&docx(doc, None, None)).unwrap();
        let texts: Vec<(String, usize)> =
            paragraphs(&blocks).iter().map(|p| (p.text(), p.pictures)).collect();
        assert_eq!(texts, vec![("".into(), 1), ("I boksen".into(), 0), ("Etter".into(), 0)]);
    }

    #[test]
    fn what_is_not_a_word_document_is_refused_in_norwegian() {
        let (msg, _) = read(b"hei").unwrap_err();
        assert!(msg.contains("ikke et Word-dokument"), "{msg}");
        let (msg, hint) = read(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]).unwrap_err();
        assert!(msg.contains("97-2003") && hint.contains(".docx"), "{msg}");
    }
}
