//! A Word template's header or footer as the PDF draws it: paragraphs (and
//! table rows) of text, page numbers and pictures, each part at the left,
//! centre or right as its tab stops put it, with the look Word gives it.

use std::collections::{BTreeMap, BTreeSet};

use super::styles::Styles;
use super::tree::Elem;
use super::{color_or_black, pdf_font, FontTable, Story};

/// How far a header or footer paragraph's part sits: at the left, centred, at the right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HAlign {
    Left,
    Center,
    Right,
}

/// What a piece of a header or footer shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Text(String),
    LineBreak,
    /// The page number.
    Page,
    /// The number of pages.
    Pages,
    /// A picture: its name in [`HeaderFooter::images`] and its size.
    Image {
        name: String,
        width_mm: f32,
        height_mm: f32,
    },
}

/// The look of a piece of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Look {
    /// The family the PDF uses (mapped from Word's).
    pub font: String,
    pub size: f32,
    /// Six lowercase hex digits.
    pub color: String,
    pub bold: bool,
    pub italic: bool,
}

/// One paragraph (or table row) of a header or footer: parts at tab stops.
#[derive(Debug, Clone, PartialEq)]
pub struct HfPara {
    pub columns: Vec<(HAlign, Vec<(Piece, Look)>)>,
}

/// A header or footer as the PDF draws it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeaderFooter {
    pub paragraphs: Vec<HfPara>,
    /// Pictures by name (`mal1.png`), as the template holds them.
    pub images: BTreeMap<String, Vec<u8>>,
}

/// A header or footer part as the PDF draws it, and the pictures it cannot show.
pub(super) fn read(
    story: &Story,
    styles: &Styles,
    fonts: &FontTable,
    media: &BTreeMap<String, Vec<u8>>,
    used: &mut BTreeSet<String>,
) -> (HeaderFooter, Vec<String>) {
    let mut hf = HeaderFooter::default();
    let mut walker = Walker { styles, fonts, story, media, used, hf: &mut hf, skipped: Vec::new() };
    walker.blocks(&story.xml);
    let skipped = std::mem::take(&mut walker.skipped);
    (hf, skipped)
}

/// Walks a header or footer part into paragraphs of pieces.
struct Walker<'a> {
    styles: &'a Styles,
    fonts: &'a FontTable,
    story: &'a Story,
    media: &'a BTreeMap<String, Vec<u8>>,
    used: &'a mut BTreeSet<String>,
    hf: &'a mut HeaderFooter,
    skipped: Vec<String>,
}

/// Where a field's parts stand.
#[derive(PartialEq)]
enum Field {
    None,
    Instr(String),
    /// Showing the result; `true` when arsplan draws the field itself.
    Result(bool),
}

struct ParaState {
    style: Option<String>,
    ppr: Option<Elem>,
    columns: Vec<Vec<(Piece, Look)>>,
    field: Field,
}

impl Walker<'_> {
    fn blocks(&mut self, e: &Elem) {
        for c in e.elems() {
            match c.name.as_str() {
                "w:p" => {
                    let mut boxes = Vec::new();
                    c.walk(&mut |d| {
                        if d.name == "w:txbxContent" {
                            boxes.push(d.clone());
                        }
                    });
                    let para = self.paragraph(c);
                    if !para.columns.iter().all(|(_, items)| items.is_empty()) {
                        self.hf.paragraphs.push(para);
                    }
                    for b in boxes {
                        self.blocks(&b);
                    }
                }
                "w:tbl" => {
                    for row in c.children_named("w:tr") {
                        let mut columns = Vec::new();
                        for cell in row.children_named("w:tc") {
                            let mut items = Vec::new();
                            let mut align = HAlign::Left;
                            for (i, p) in cell.children_named("w:p").enumerate() {
                                let para = self.paragraph(p);
                                if i == 0 {
                                    align = para.columns.first().map(|c| c.0).unwrap_or(HAlign::Left);
                                } else if !items.is_empty() {
                                    items.push((Piece::LineBreak, self.look(None, None, None)));
                                }
                                for (_, col) in para.columns {
                                    items.extend(col);
                                }
                            }
                            columns.push((align, items));
                        }
                        if columns.iter().any(|(_, items)| !items.is_empty()) {
                            // A row's cells spread over the width: first left, last right.
                            let n = columns.len();
                            for (i, c) in columns.iter_mut().enumerate() {
                                if n > 1 && i == n - 1 {
                                    c.0 = HAlign::Right;
                                } else if n > 2 && i > 0 {
                                    c.0 = HAlign::Center;
                                }
                            }
                            self.hf.paragraphs.push(HfPara { columns });
                        }
                    }
                }
                "w:sdt" => {
                    if let Some(content) = c.child("w:sdtContent") {
                        self.blocks(content);
                    }
                }
                _ => {}
            }
        }
    }

    fn look(&mut self, style: Option<&str>, ppr: Option<&Elem>, rpr: Option<&Elem>) -> Look {
        let p = self.styles.resolve_run(style, ppr, rpr);
        let word = p.font.clone().unwrap_or_else(|| "Calibri".into());
        self.used.insert(word.clone());
        Look {
            font: pdf_font(&word, self.fonts.generic(&word)).0.into(),
            size: p.size.unwrap_or(10.0),
            color: color_or_black(&p.color),
            bold: p.bold.unwrap_or(false),
            italic: p.italic.unwrap_or(false),
        }
    }

    fn paragraph(&mut self, p: &Elem) -> HfPara {
        let ppr = p.child("w:pPr").cloned();
        let style = ppr
            .as_ref()
            .and_then(|x| x.child("w:pStyle"))
            .and_then(|s| s.attr("w:val"))
            .map(|v| v.to_string());
        let mut st = ParaState { style, ppr, columns: vec![Vec::new()], field: Field::None };
        self.inline(p, &mut st);
        let props = self.styles.resolve_run(st.style.as_deref(), st.ppr.as_ref(), None);
        let first = match props.jc.as_deref() {
            Some("center") => HAlign::Center,
            Some("right" | "end") => HAlign::Right,
            _ => HAlign::Left,
        };
        let tabs: Vec<HAlign> = props
            .tabs
            .iter()
            .map(|(v, _)| match v.as_str() {
                "center" => HAlign::Center,
                "right" | "end" => HAlign::Right,
                _ => HAlign::Left,
            })
            .collect();
        // A part after a tab goes to the next tab stop; without one (Word's
        // default stops) it follows the part before, a little apart.
        let mut columns: Vec<(HAlign, Vec<(Piece, Look)>)> = Vec::new();
        for (i, items) in st.columns.into_iter().enumerate() {
            match (i, tabs.get(i.wrapping_sub(1))) {
                (0, _) => columns.push((first, items)),
                (_, Some(align)) => columns.push((*align, items)),
                (_, None) => {
                    let last = columns.last_mut().expect("the first part");
                    let gap = items.first().map(|(_, look)| look.clone());
                    if let Some(look) = gap {
                        last.1.push((Piece::Text("\u{2003}\u{2003}".into()), look));
                    }
                    last.1.extend(items);
                }
            }
        }
        HfPara { columns }
    }

    fn push(&mut self, st: &mut ParaState, piece: Piece, rpr: Option<&Elem>) {
        let look = self.look(st.style.as_deref(), st.ppr.as_ref(), rpr);
        st.columns.last_mut().expect("one column").push((piece, look));
    }

    fn inline(&mut self, e: &Elem, st: &mut ParaState) {
        for c in e.elems() {
            match c.name.as_str() {
                "w:r" => self.run(c, st),
                "w:fldSimple" => {
                    let instr = c.attr("w:instr").map(|i| i.to_string()).unwrap_or_default();
                    match field_piece(&instr) {
                        Some(piece) => {
                            let rpr = c.child("w:r").and_then(|r| r.child("w:rPr")).cloned();
                            self.push(st, piece, rpr.as_ref());
                        }
                        None => self.inline(c, st),
                    }
                }
                "w:hyperlink" | "w:smartTag" | "w:ins" | "w:customXml" | "w:dir" | "w:bdo" => {
                    self.inline(c, st)
                }
                "w:sdt" => {
                    if let Some(content) = c.child("w:sdtContent") {
                        self.inline(content, st);
                    }
                }
                _ => {}
            }
        }
    }

    fn run(&mut self, r: &Elem, st: &mut ParaState) {
        let rpr = r.child("w:rPr");
        for c in r.elems() {
            match c.name.as_str() {
                "w:fldChar" => match c.attr("w:fldCharType").as_deref() {
                    Some("begin") => st.field = Field::Instr(String::new()),
                    Some("separate") => {
                        if let Field::Instr(instr) = &st.field {
                            let piece = field_piece(instr);
                            let drawn = piece.is_some();
                            if let Some(p) = piece {
                                self.push(st, p, rpr);
                            }
                            st.field = Field::Result(drawn);
                        }
                    }
                    Some("end") => {
                        // A field without a result part: draw it if it is a page number.
                        if let Field::Instr(instr) = &st.field {
                            if let Some(p) = field_piece(instr) {
                                self.push(st, p, rpr);
                            }
                        }
                        st.field = Field::None;
                    }
                    _ => {}
                },
                "w:instrText" => {
                    if let Field::Instr(s) = &mut st.field {
                        s.push_str(&c.text());
                    }
                }
                _ if matches!(st.field, Field::Instr(_) | Field::Result(true)) => {}
                "w:t" => {
                    let text = c.text();
                    if !text.is_empty() {
                        self.push(st, Piece::Text(text), rpr);
                    }
                }
                "w:tab" | "w:ptab" => st.columns.push(Vec::new()),
                "w:br" | "w:cr" => self.push(st, Piece::LineBreak, rpr),
                "w:noBreakHyphen" => self.push(st, Piece::Text("\u{2011}".into()), rpr),
                "w:drawing" => self.drawing(c, st, rpr),
                "w:pict" => {
                    let mut has_image = false;
                    c.walk(&mut |d| has_image |= d.name == "v:imagedata");
                    if has_image {
                        self.skipped.push("VML-bilde".into());
                    }
                }
                _ => {}
            }
        }
    }

    fn drawing(&mut self, d: &Elem, st: &mut ParaState, rpr: Option<&Elem>) {
        let Some(frame) = d.elems().find(|e| e.name == "wp:inline" || e.name == "wp:anchor") else { return };
        let emu =
            |k: &str| frame.child("wp:extent").and_then(|x| x.attr(k)).and_then(|v| v.parse::<f32>().ok());
        let (Some(cx), Some(cy)) = (emu("cx"), emu("cy")) else { return };
        let mut embed = None;
        frame.walk(&mut |e| {
            if e.name == "a:blip" && embed.is_none() {
                embed = e.attr("r:embed").map(|v| v.to_string());
            }
        });
        let Some(id) = embed else { return };
        let Some(rel) = self.story.rels.iter().find(|r| r.id == id) else { return };
        let part = format!("word/{}", rel.target);
        let Some(bytes) = self.media.get(&part) else { return };
        let name = rel.target.trim_start_matches("media/").to_string();
        let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        if !matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "gif" | "svg") {
            self.skipped.push(name);
            return;
        }
        self.hf.images.insert(name.clone(), bytes.clone());
        let piece = Piece::Image { name, width_mm: cx / 36_000.0, height_mm: cy / 36_000.0 };
        self.push(st, piece, rpr);
    }
}

/// The piece a field shows when arsplan draws it (page numbers), else none.
fn field_piece(instr: &str) -> Option<Piece> {
    match instr.split_whitespace().next()?.to_ascii_uppercase().as_str() {
        "PAGE" => Some(Piece::Page),
        "NUMPAGES" | "SECTIONPAGES" => Some(Piece::Pages),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_fields_are_drawn_and_others_show_their_result() {
        assert_eq!(field_piece(" PAGE \\* MERGEFORMAT "), Some(Piece::Page));
        assert_eq!(field_piece("NUMPAGES"), Some(Piece::Pages));
        assert_eq!(field_piece("DATE \\@ \"d.M.yyyy\""), None);
    }
}
