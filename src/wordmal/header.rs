//! A header or footer as the PDF draws it, in Word's terms: paragraphs with
//! their parts at tab stops (custom stops at their positions, Word's default
//! stops between), indents, spacing and line height; table rows of such
//! paragraphs; and pictures and text boxes anchored at a position on the page
//! or beside a paragraph. Read from a Word template's header and footer parts
//! (pictures inside `mc:AlternateContent` included, as Word and LibreOffice
//! write shapes), or made by arsplan from the house style (`render::marginal`).

use std::collections::{BTreeMap, BTreeSet};

use super::styles::{Props, Styles};
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
    /// A picture in the line: its name in [`HeaderFooter::images`] and its size.
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

/// Where a tab stop's position is counted from: the text column's left edge,
/// its middle or its right edge (Word's positional tabs, `w:ptab`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    Start,
    Middle,
    End,
}

/// A tab stop: how the part after it is aligned there, and where it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TabStop {
    pub align: HAlign,
    /// Millimetres from `from` (negative: to the left of it).
    pub pos_mm: f32,
    pub from: Edge,
}

/// A part of a paragraph's line: what comes before the first tab, or after a
/// tab. `stop` is the stop a positional tab names; after an ordinary tab the
/// part goes to the next stop after the text before it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Part {
    pub stop: Option<TabStop>,
    pub pieces: Vec<(Piece, Look)>,
}

/// Word's line spacing: a multiple of a single line, or exactly, or at least, points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Line {
    Multiple(f32),
    Exact(f32),
    AtLeast(f32),
}

/// What a horizontal or vertical position is measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum From {
    Page,
    /// The body's text area (Word's «margin» and «column»).
    Margin,
    /// The margin beside the text area (left or top: `leftMargin`, `topMargin`).
    StartMargin,
    /// The margin on the other side (`rightMargin`, `bottomMargin`).
    EndMargin,
    /// The paragraph the picture is anchored in (vertically: its top; horizontally: the text column).
    Paragraph,
}

/// A position on one axis: an offset, or an alignment in the area it is measured from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Anchor {
    pub from: From,
    /// Millimetres from the area's start.
    pub offset_mm: f32,
    /// Aligned at the start, middle or end of the area instead of an offset.
    pub align: Option<Edge>,
}

/// What a floating object shows.
#[derive(Debug, Clone, PartialEq)]
pub enum FloatContent {
    /// A picture, by its name in [`HeaderFooter::images`].
    Image(String),
    /// A text box's paragraphs.
    Text(Vec<HfPara>),
}

/// A picture or text box anchored at a position (Word's `wp:anchor`, a VML
/// shape with `position:absolute`), in front of or behind the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Float {
    pub content: FloatContent,
    pub width_mm: f32,
    pub height_mm: f32,
    pub x: Anchor,
    pub y: Anchor,
}

/// One paragraph of a header or footer.
#[derive(Debug, Clone, PartialEq)]
pub struct HfPara {
    /// The parts of its text, split at tabs; the first starts at the indent.
    pub parts: Vec<Part>,
    /// The paragraph's alignment (`w:jc`).
    pub align: HAlign,
    /// Custom tab stops, by position.
    pub tabs: Vec<TabStop>,
    /// Word's default tab stops stand this far apart, from the text column's left edge.
    pub default_tab_mm: f32,
    pub indent_left_mm: f32,
    pub indent_right_mm: f32,
    /// The first line's indent (negative: hanging).
    pub first_line_mm: f32,
    pub before_pt: f32,
    pub after_pt: f32,
    pub line: Line,
    /// The look of the paragraph mark: the height of an empty line.
    pub mark: Look,
    /// Pictures and text boxes anchored in this paragraph.
    pub floats: Vec<Float>,
}

impl HfPara {
    /// The pieces of every part, in order.
    pub fn pieces(&self) -> impl Iterator<Item = &(Piece, Look)> {
        self.parts.iter().flat_map(|p| p.pieces.iter())
    }

    /// Whether it shows nothing at all (no text, picture or float).
    pub fn is_empty(&self) -> bool {
        self.pieces().next().is_none() && self.floats.is_empty()
    }
}

/// A block of a header or footer.
#[derive(Debug, Clone, PartialEq)]
pub enum HfBlock {
    Para(HfPara),
    /// A table row: each cell's width and paragraphs.
    Row(Vec<(f32, Vec<HfPara>)>),
}

/// A header or footer as the PDF draws it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeaderFooter {
    pub blocks: Vec<HfBlock>,
    /// Pictures by name (`mal1.png`), as the template holds them.
    pub images: BTreeMap<String, Vec<u8>>,
}

impl HeaderFooter {
    /// Every paragraph, table cells and text boxes included, in order.
    pub fn paragraphs(&self) -> Vec<&HfPara> {
        fn add<'a>(p: &'a HfPara, out: &mut Vec<&'a HfPara>) {
            out.push(p);
            for f in &p.floats {
                if let FloatContent::Text(ps) = &f.content {
                    ps.iter().for_each(|q| add(q, out));
                }
            }
        }
        let mut out = Vec::new();
        for b in &self.blocks {
            match b {
                HfBlock::Para(p) => add(p, &mut out),
                HfBlock::Row(cells) => cells.iter().flat_map(|c| c.1.iter()).for_each(|p| add(p, &mut out)),
            }
        }
        out
    }

    /// The text it shows (page numbers as `#`), parts apart by a space.
    pub fn text(&self) -> String {
        let mut out = Vec::new();
        for p in self.paragraphs() {
            for (piece, _) in p.pieces() {
                match piece {
                    Piece::Text(t) => out.push(t.clone()),
                    Piece::Page | Piece::Pages => out.push("#".into()),
                    _ => {}
                }
            }
        }
        out.join(" ")
    }
}

/// What reading a header or footer found that the PDF cannot show.
#[derive(Debug, Default)]
pub(super) struct Skipped {
    /// Pictures in a format the PDF does not take (EMF, WMF).
    pub pictures: Vec<String>,
    /// Shapes other than pictures and text boxes (lines, filled shapes, WordArt).
    pub shapes: usize,
}

/// A header or footer part as the PDF draws it, and what it cannot show.
pub(super) fn read(
    story: &Story,
    styles: &Styles,
    fonts: &FontTable,
    media: &BTreeMap<String, Vec<u8>>,
    default_tab_mm: f32,
    used: &mut BTreeSet<String>,
) -> (HeaderFooter, Skipped) {
    let mut hf = HeaderFooter::default();
    let mut walker = Walker {
        styles,
        fonts,
        story,
        media,
        used,
        default_tab_mm,
        hf: &mut hf,
        skipped: Skipped::default(),
    };
    let blocks = walker.blocks(&story.xml);
    let skipped = std::mem::take(&mut walker.skipped);
    hf.blocks = blocks;
    (hf, skipped)
}

const EMU_PER_MM: f32 = 36_000.0;
const TWIPS_PER_MM: f32 = 56.692_913;

/// Walks a header or footer part into blocks of paragraphs.
struct Walker<'a> {
    styles: &'a Styles,
    fonts: &'a FontTable,
    story: &'a Story,
    media: &'a BTreeMap<String, Vec<u8>>,
    used: &'a mut BTreeSet<String>,
    default_tab_mm: f32,
    hf: &'a mut HeaderFooter,
    skipped: Skipped,
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
    parts: Vec<Part>,
    field: Field,
    floats: Vec<Float>,
    /// Paragraphs of text boxes in the line, shown after the paragraph.
    after: Vec<HfPara>,
}

/// The branch of an `mc:AlternateContent` to read: the first choice that
/// holds a DrawingML drawing (what Word 2010 and later, and LibreOffice,
/// show), else the fallback (VML).
fn chosen(ac: &Elem) -> Option<&Elem> {
    let has_drawing = |e: &Elem| {
        let mut found = false;
        e.walk(&mut |d| found |= d.name == "w:drawing");
        found
    };
    ac.children_named("mc:Choice").find(|c| has_drawing(c)).or_else(|| ac.child("mc:Fallback"))
}

fn align_of(jc: Option<&str>) -> HAlign {
    match jc {
        Some("center") => HAlign::Center,
        Some("right" | "end") => HAlign::Right,
        _ => HAlign::Left,
    }
}

impl Walker<'_> {
    fn blocks(&mut self, e: &Elem) -> Vec<HfBlock> {
        let mut out = Vec::new();
        for c in e.elems() {
            match c.name.as_str() {
                "w:p" => {
                    let (para, after) = self.paragraph(c);
                    out.push(HfBlock::Para(para));
                    out.extend(after.into_iter().map(HfBlock::Para));
                }
                "w:tbl" => {
                    let grid: Vec<f32> = c
                        .child("w:tblGrid")
                        .map(|g| {
                            g.children_named("w:gridCol")
                                .map(|col| {
                                    col.attr("w:w").and_then(|v| v.parse::<f32>().ok()).unwrap_or(0.0)
                                        / TWIPS_PER_MM
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    for row in c.children_named("w:tr") {
                        let mut cells = Vec::new();
                        let mut col = 0usize;
                        for cell in row.children_named("w:tc") {
                            let span = cell
                                .child("w:tcPr")
                                .and_then(|p| p.child("w:gridSpan"))
                                .and_then(|s| s.attr("w:val"))
                                .and_then(|v| v.parse::<usize>().ok())
                                .unwrap_or(1)
                                .max(1);
                            let mut width: f32 = grid.iter().skip(col).take(span).sum();
                            if width <= 0.0 {
                                width = cell
                                    .child("w:tcPr")
                                    .and_then(|p| p.child("w:tcW"))
                                    .filter(|w| w.attr("w:type").is_none_or(|t| t == "dxa"))
                                    .and_then(|w| w.attr("w:w"))
                                    .and_then(|v| v.parse::<f32>().ok())
                                    .unwrap_or(0.0)
                                    / TWIPS_PER_MM;
                            }
                            col += span;
                            let mut paras = Vec::new();
                            for b in self.blocks(cell) {
                                match b {
                                    HfBlock::Para(p) => paras.push(p),
                                    HfBlock::Row(r) => {
                                        paras.extend(r.into_iter().flat_map(|(_, ps)| ps));
                                    }
                                }
                            }
                            cells.push((width, paras));
                        }
                        if cells.iter().any(|(_, ps)| ps.iter().any(|p| !p.is_empty())) {
                            out.push(HfBlock::Row(cells));
                        }
                    }
                }
                "w:sdt" => {
                    if let Some(content) = c.child("w:sdtContent") {
                        out.extend(self.blocks(content));
                    }
                }
                "mc:AlternateContent" => {
                    if let Some(branch) = chosen(c) {
                        out.extend(self.blocks(branch));
                    }
                }
                _ => {}
            }
        }
        out
    }

    fn look_of(&mut self, p: &Props) -> Look {
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

    fn look(&mut self, style: Option<&str>, ppr: Option<&Elem>, rpr: Option<&Elem>) -> Look {
        let p = self.styles.resolve_run(style, ppr, rpr);
        self.look_of(&p)
    }

    /// A paragraph, and the paragraphs of the text boxes in its lines.
    fn paragraph(&mut self, p: &Elem) -> (HfPara, Vec<HfPara>) {
        let ppr = p.child("w:pPr").cloned();
        let style = ppr
            .as_ref()
            .and_then(|x| x.child("w:pStyle"))
            .and_then(|s| s.attr("w:val"))
            .map(|v| v.to_string());
        let mut st = ParaState {
            style,
            ppr,
            parts: vec![Part::default()],
            field: Field::None,
            floats: Vec::new(),
            after: Vec::new(),
        };
        self.inline(p, &mut st);
        let props = self.styles.resolve_run(st.style.as_deref(), st.ppr.as_ref(), None);
        // The paragraph mark's look sets the height of an empty line.
        let mark_rpr = st.ppr.as_ref().and_then(|x| x.child("w:rPr"));
        let mark = self.look(st.style.as_deref(), None, mark_rpr);
        let tabs = props
            .tabs
            .iter()
            .filter(|(v, _)| v != "bar")
            .map(|(v, pos)| TabStop {
                align: match v.as_str() {
                    "center" => HAlign::Center,
                    "right" | "end" | "decimal" => HAlign::Right,
                    _ => HAlign::Left,
                },
                pos_mm: *pos as f32 / TWIPS_PER_MM,
                from: Edge::Start,
            })
            .collect();
        let mm = |v: Option<f32>| v.unwrap_or(0.0) / TWIPS_PER_MM;
        let line = match &props.line {
            Some((v, rule)) if rule == "exact" => Line::Exact(v / 20.0),
            Some((v, rule)) if rule == "atLeast" => Line::AtLeast(v / 20.0),
            Some((v, _)) => Line::Multiple((v / 240.0).clamp(0.06, 10.0)),
            None => Line::Multiple(1.0),
        };
        let para = HfPara {
            parts: st.parts,
            align: align_of(props.jc.as_deref()),
            tabs,
            default_tab_mm: self.default_tab_mm,
            indent_left_mm: mm(props.indent_left),
            indent_right_mm: mm(props.indent_right),
            first_line_mm: mm(props.indent_first),
            before_pt: props.before.unwrap_or(0.0),
            after_pt: props.after.unwrap_or(0.0),
            line,
            mark,
            floats: st.floats,
        };
        (para, st.after)
    }

    fn push(&mut self, st: &mut ParaState, piece: Piece, rpr: Option<&Elem>) {
        let look = self.look(st.style.as_deref(), st.ppr.as_ref(), rpr);
        st.parts.last_mut().expect("one part").pieces.push((piece, look));
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
                "mc:AlternateContent" => {
                    if let Some(branch) = chosen(c) {
                        self.inline(branch, st);
                    }
                }
                _ => {}
            }
        }
    }

    fn run(&mut self, r: &Elem, st: &mut ParaState) {
        let rpr = r.child("w:rPr");
        for c in r.elems() {
            self.run_child(c, rpr, st);
        }
    }

    fn run_child(&mut self, c: &Elem, rpr: Option<&Elem>, st: &mut ParaState) {
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
            "w:tab" => st.parts.push(Part::default()),
            "w:ptab" => {
                let align = match c.attr("w:alignment").as_deref() {
                    Some("center") => HAlign::Center,
                    Some("right") => HAlign::Right,
                    _ => HAlign::Left,
                };
                let from = match align {
                    HAlign::Left => Edge::Start,
                    HAlign::Center => Edge::Middle,
                    HAlign::Right => Edge::End,
                };
                st.parts.push(Part { stop: Some(TabStop { align, pos_mm: 0.0, from }), pieces: Vec::new() });
            }
            "w:br" | "w:cr" => self.push(st, Piece::LineBreak, rpr),
            "w:noBreakHyphen" => self.push(st, Piece::Text("\u{2011}".into()), rpr),
            "w:drawing" => self.drawing(c, st, rpr),
            "w:pict" => self.vml(c, st, rpr),
            "mc:AlternateContent" => {
                if let Some(branch) = chosen(c) {
                    for d in branch.elems() {
                        self.run_child(d, rpr, st);
                    }
                }
            }
            _ => {}
        }
    }

    /// A picture's name in the header's pictures, or none (noted when its
    /// format is one the PDF cannot show).
    fn picture(&mut self, rel_id: &str) -> Option<String> {
        let rel = self.story.rels.iter().find(|r| r.id == rel_id)?;
        let part = format!("word/{}", rel.target);
        let bytes = self.media.get(&part)?;
        let name = rel.target.trim_start_matches("media/").to_string();
        let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        if !matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "gif" | "svg") {
            self.skipped.pictures.push(name);
            return None;
        }
        self.hf.images.insert(name.clone(), bytes.clone());
        Some(name)
    }

    /// The picture of a drawing: its SVG when Word keeps one beside the
    /// PNG (`asvg:svgBlip`), else its blip.
    fn blip_of(&mut self, e: &Elem) -> Option<String> {
        let mut ids: Vec<String> = Vec::new();
        let mut svg: Option<String> = None;
        e.walk(&mut |d| {
            if d.name == "a:blip" {
                if let Some(id) = d.attr("r:embed") {
                    ids.push(id.to_string());
                }
            }
            if d.name.ends_with(":svgBlip") && svg.is_none() {
                svg = d.attr("r:embed").map(|v| v.to_string());
            }
        });
        if let Some(s) = svg.and_then(|id| self.picture(&id)) {
            return Some(s);
        }
        let first = ids.into_iter().next()?;
        self.picture(&first)
    }

    fn drawing(&mut self, d: &Elem, st: &mut ParaState, rpr: Option<&Elem>) {
        let Some(frame) = d.elems().find(|e| e.name == "wp:inline" || e.name == "wp:anchor") else { return };
        let emu =
            |k: &str| frame.child("wp:extent").and_then(|x| x.attr(k)).and_then(|v| v.parse::<f32>().ok());
        let (Some(cx), Some(cy)) = (emu("cx"), emu("cy")) else { return };
        let (w, h) = (cx / EMU_PER_MM, cy / EMU_PER_MM);
        // What it shows: a text box's paragraphs, or a picture (a picture, a
        // shape filled with one, a group holding one).
        let mut text_box = None;
        frame.walk(&mut |e| {
            if e.name == "w:txbxContent" && text_box.is_none() {
                text_box = Some(e.clone());
            }
        });
        let content = match text_box {
            Some(tb) => {
                let paras: Vec<HfPara> = self
                    .blocks(&tb)
                    .into_iter()
                    .flat_map(|b| match b {
                        HfBlock::Para(p) => vec![p],
                        HfBlock::Row(r) => r.into_iter().flat_map(|(_, ps)| ps).collect(),
                    })
                    .collect();
                FloatContent::Text(paras)
            }
            None => match self.blip_of(frame) {
                Some(name) => FloatContent::Image(name),
                None => {
                    let mut picture = false;
                    frame.walk(&mut |e| picture |= e.name == "a:blip");
                    if !picture {
                        // A line, a filled shape, WordArt: nothing the PDF draws.
                        self.skipped.shapes += 1;
                    }
                    return;
                }
            },
        };
        if frame.name == "wp:inline" {
            match content {
                FloatContent::Image(name) => {
                    self.push(st, Piece::Image { name, width_mm: w, height_mm: h }, rpr);
                }
                FloatContent::Text(paras) => st.after.extend(paras),
            }
            return;
        }
        let simple = frame.attr("simplePos").is_some_and(|v| matches!(v.as_ref(), "1" | "true"));
        let (x, y) = if simple {
            let sp = frame.child("wp:simplePos");
            let at = |k: &str| sp.and_then(|s| s.attr(k)).and_then(|v| v.parse::<f32>().ok()).unwrap_or(0.0);
            (
                Anchor { from: From::Page, offset_mm: at("x") / EMU_PER_MM, align: None },
                Anchor { from: From::Page, offset_mm: at("y") / EMU_PER_MM, align: None },
            )
        } else {
            (anchor(frame.child("wp:positionH"), true), anchor(frame.child("wp:positionV"), false))
        };
        st.floats.push(Float { content, width_mm: w, height_mm: h, x, y });
    }

    /// A VML picture (Word 2003, and every `mc:Fallback`): inline, or placed
    /// where its style says.
    fn vml(&mut self, pict: &Elem, st: &mut ParaState, rpr: Option<&Elem>) {
        for shape in pict.elems().filter(|e| e.name.starts_with("v:") && e.name != "v:shapetype") {
            let style = parse_css(&shape.attr("style").unwrap_or_default());
            let len = |k: &str| style.get(k).and_then(|v| css_mm(v));
            let (Some(w), Some(h)) = (len("width"), len("height")) else { continue };
            let content = if let Some(tb) = shape.child("v:textbox").and_then(|t| t.child("w:txbxContent")) {
                let paras = self
                    .blocks(tb)
                    .into_iter()
                    .filter_map(|b| match b {
                        HfBlock::Para(p) => Some(p),
                        HfBlock::Row(_) => None,
                    })
                    .collect();
                FloatContent::Text(paras)
            } else {
                let id = shape.child("v:imagedata").and_then(|i| i.attr("r:id").map(|v| v.to_string()));
                match id.and_then(|id| self.picture(&id)) {
                    Some(name) => FloatContent::Image(name),
                    None => {
                        if shape.child("v:imagedata").is_none() {
                            self.skipped.shapes += 1;
                        }
                        continue;
                    }
                }
            };
            let absolute = style.get("position").is_some_and(|p| p == "absolute");
            if !absolute {
                match content {
                    FloatContent::Image(name) => {
                        self.push(st, Piece::Image { name, width_mm: w, height_mm: h }, rpr)
                    }
                    FloatContent::Text(paras) => st.after.extend(paras),
                }
                continue;
            }
            let from = |k: &str, horizontal: bool| match style.get(k).map(String::as_str) {
                Some("page") => From::Page,
                Some("margin") => From::Margin,
                Some("left-margin-area" | "top-margin-area") => From::StartMargin,
                Some("right-margin-area" | "bottom-margin-area") => From::EndMargin,
                // VML's default is the text column horizontally and the paragraph vertically.
                _ if horizontal => From::Margin,
                _ => From::Paragraph,
            };
            let align = |k: &str| match style.get(k).map(String::as_str) {
                Some("left" | "top" | "inside") => Some(Edge::Start),
                Some("center") => Some(Edge::Middle),
                Some("right" | "bottom" | "outside") => Some(Edge::End),
                _ => None,
            };
            let x = Anchor {
                from: from("mso-position-horizontal-relative", true),
                offset_mm: len("margin-left").or(len("left")).unwrap_or(0.0),
                align: align("mso-position-horizontal"),
            };
            let y = Anchor {
                from: from("mso-position-vertical-relative", false),
                offset_mm: len("margin-top").or(len("top")).unwrap_or(0.0),
                align: align("mso-position-vertical"),
            };
            st.floats.push(Float { content, width_mm: w, height_mm: h, x, y });
        }
    }
}

/// A DrawingML position (`wp:positionH`, `wp:positionV`).
fn anchor(pos: Option<&Elem>, horizontal: bool) -> Anchor {
    let from = match pos.and_then(|p| p.attr("relativeFrom")).as_deref() {
        Some("page") => From::Page,
        Some("margin" | "column" | "insideMargin") => From::Margin,
        Some("leftMargin" | "topMargin" | "outsideMargin") => From::StartMargin,
        Some("rightMargin" | "bottomMargin") => From::EndMargin,
        // character, line, paragraph
        Some(_) if !horizontal => From::Paragraph,
        _ => From::Margin,
    };
    let offset_mm = pos
        .and_then(|p| p.child("wp:posOffset"))
        .and_then(|o| o.text().trim().parse::<f32>().ok())
        .map(|v| v / EMU_PER_MM)
        .unwrap_or(0.0);
    let align = pos.and_then(|p| p.child("wp:align")).map(|a| match a.text().trim() {
        "center" => Edge::Middle,
        "right" | "bottom" | "outside" => Edge::End,
        _ => Edge::Start,
    });
    Anchor { from, offset_mm, align }
}

/// A CSS-like `style` attribute (VML) as key → value.
fn parse_css(style: &str) -> BTreeMap<String, String> {
    style
        .split(';')
        .filter_map(|d| d.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect()
}

/// A CSS length (`311.8pt`, `2.5in`, `1cm`, `12mm`, `100px`) in millimetres.
fn css_mm(v: &str) -> Option<f32> {
    let v = v.trim();
    let split = v.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(v.len());
    let n: f32 = v[..split].trim().parse().ok()?;
    let per_mm = match &v[split..] {
        "pt" => 72.0 / 25.4,
        "in" => 1.0 / 25.4,
        "cm" => 0.1,
        "mm" => 1.0,
        "px" => 96.0 / 25.4,
        // VML counts bare numbers in EMU-like units only in coordsize; a style's
        // plain number is pixels.
        "" => 96.0 / 25.4,
        _ => return None,
    };
    Some(n / per_mm)
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

    #[test]
    fn vml_lengths_are_read_in_their_units() {
        let css = parse_css("position:absolute;margin-left:311.8pt;width:2in; height : 1cm");
        assert_eq!(css["position"], "absolute");
        assert!((css_mm(&css["margin-left"]).unwrap() - 110.0).abs() < 0.01);
        assert!((css_mm(&css["width"]).unwrap() - 50.8).abs() < 0.01);
        assert!((css_mm(&css["height"]).unwrap() - 10.0).abs() < 0.01);
        assert_eq!(css_mm("auto"), None);
    }
}
