//! The one pass over the parts docx-rs writes (the body, and arsplan's own
//! header and footer) that makes them valid WordprocessingML with stable bytes.
//!
//! docx-rs 0.4 writes some children out of the schema's sequence (`w:rPr`
//! first in every `w:pPr`, `w:numId` before `w:ilvl`, run properties and
//! table properties in its own order, header references after the page
//! size), an undeclared `w:type` on `w:gridCol`, the id 1 on every drawing,
//! and paragraph ids from a counter that lives as long as the thread; and it
//! cannot say that a row is a header row, what a picture shows, that a
//! paragraph in a table cell hyphenates, or the section properties of a Word
//! template beyond page size, margins and columns.
//!
//! [`normalize`] parses a part with quick-xml (the element tree of
//! [`crate::wordmal::tree`]), fixes exactly these, and applies what the
//! writer knows and handed over beside the part ([`Facts`]), by key: the
//! n-th table of the part (in document order) has the header-row count the
//! writer noted for its n-th table, and a picture's alternative text is the
//! one noted for its relationship id. Nothing is read from the markup as a
//! signal. Every other element and all text pass through as docx-rs wrote them.

use std::collections::BTreeMap;

use crate::wordmal::tree::{Elem, Node};

/// What the writer knows about a part that docx-rs cannot write.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The header-row count of every table, in document order (a table before
    /// the tables in its cells).
    pub header_rows: Vec<usize>,
    /// The alternative text of every picture, by its relationship id (`r:embed`).
    pub alts: BTreeMap<String, String>,
    /// Section properties of the Word template the body's `w:sectPr` takes
    /// as they are (they replace docx-rs' own element of the same name).
    pub section: Vec<Elem>,
    /// The document hyphenates its running text: table cells must not.
    pub hyphenate: bool,
    /// Pictures with a vector original: the PNG's relationship id → the SVG's.
    pub svgs: BTreeMap<String, String>,
    /// The relationship ids of the pictures that stand for charts: each
    /// becomes a Word chart with that id (`c:chart r:id`).
    pub charts: std::collections::BTreeSet<String>,
}

/// Schema sequences (ECMA-376 transitional, wml.xsd) of the elements docx-rs
/// writes out of order. Names of one `xsd:choice` may share a place; a name
/// not listed stays right after the sibling before it.
#[rustfmt::skip]
pub const PPR_ORDER: &[&str] = &[
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr",
    "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku",
    "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
];
#[rustfmt::skip]
pub const RPR_ORDER: &[&str] = &[
    "w:ins", "w:del", "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
    "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid", "w:vanish",
    "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight",
    "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
    "w:eastAsianLayout", "w:specVanish", "w:oMath",
];
const NUMPR_ORDER: &[&str] = &["w:ilvl", "w:numId"];
/// A row's properties, then whether it was added or deleted (a tracked change).
#[rustfmt::skip]
const TRPR_ORDER: &[&str] = &[
    "w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter", "w:cantSplit",
    "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange",
];
#[rustfmt::skip]
const TBLPR_ORDER: &[&str] = &[
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd",
    "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
];
#[rustfmt::skip]
const TCPR_ORDER: &[&str] = &[
    "w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd", "w:noWrap",
    "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
];
#[rustfmt::skip]
const BORDERS_ORDER: &[&str] = &[
    "w:top", "w:left", "w:start", "w:bottom", "w:right", "w:end", "w:insideH", "w:insideV", "w:tl2br",
    "w:tr2bl",
];
#[rustfmt::skip]
pub const SECTPR_ORDER: &[&str] = &[
    "w:headerReference", "w:footerReference", "w:footnotePr", "w:endnotePr", "w:type", "w:pgSz", "w:pgMar",
    "w:paperSrc", "w:pgBorders", "w:lnNumType", "w:pgNumType", "w:cols", "w:formProt", "w:vAlign",
    "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings",
];

/// The child `name` of `e`, made when missing: the first child but for
/// those named in `before` (a properties element leads its parent).
fn leading<'e>(e: &'e mut Elem, name: &str, before: &[&str]) -> &'e mut Elem {
    if e.child(name).is_none() {
        let at = e
            .children
            .iter()
            .position(|n| !matches!(n, Node::Elem(c) if before.contains(&c.name.as_str())))
            .unwrap_or(e.children.len());
        e.children.insert(at, Node::Elem(Elem::new(name)));
    }
    e.child_mut(name).expect("just made")
}

/// Removes the child `name` of `e` if it is empty.
fn drop_empty(e: &mut Elem, name: &str) {
    e.children.retain(
        |n| !matches!(n, Node::Elem(c) if c.name == name && c.children.is_empty() && c.attrs.is_empty()),
    );
}

/// A run's no-break hyphens (U+2011, which the fonts lack) as Word's own
/// `w:noBreakHyphen` between the run's texts.
fn no_break_hyphens(run: &mut Elem) {
    let nbhy = crate::render::typo::NBHY;
    if !run
        .elems()
        .any(|t| t.name == "w:t" && t.children.iter().any(|n| matches!(n, Node::Text(x) if x.contains(nbhy))))
    {
        return;
    }
    let mut children = Vec::new();
    for node in std::mem::take(&mut run.children) {
        match node {
            Node::Elem(t) if t.name == "w:t" => {
                let text: String =
                    t.children.iter().map(|n| if let Node::Text(x) = n { x.as_str() } else { "" }).collect();
                for (i, piece) in text.split(nbhy).enumerate() {
                    if i > 0 {
                        children.push(Node::Elem(Elem::new("w:noBreakHyphen")));
                    }
                    if !piece.is_empty() {
                        let mut t = Elem::new("w:t").with("xml:space", "preserve");
                        t.children.push(Node::Text(piece.to_string()));
                        children.push(Node::Elem(t));
                    }
                }
            }
            other => children.push(other),
        }
    }
    run.children = children;
}

/// The walk's state: where it is and what it has numbered so far.
struct Pass<'a> {
    facts: &'a Facts,
    tables: usize,
    next_drawing: &'a mut u32,
    /// Tracked changes numbered so far (docx-rs numbers them with a counter
    /// shared by the whole process).
    revisions: u32,
    error: Option<String>,
}

/// Normalises one story part docx-rs wrote. `next_drawing` is the next free
/// drawing id of the package (ids are unique across all its parts).
pub fn normalize(part: &[u8], facts: &Facts, next_drawing: &mut u32) -> Result<Vec<u8>, String> {
    let mut root = Elem::parse(part)?;
    let mut pass = Pass { facts, tables: 0, next_drawing, revisions: 0, error: None };
    pass.walk(&mut root, false);
    if let Some(e) = pass.error {
        return Err(e);
    }
    if pass.tables != facts.header_rows.len() {
        return Err(format!("{} tabeller skrevet, {} beskrevet", pass.tables, facts.header_rows.len()));
    }
    Ok(root.to_part())
}

impl Pass<'_> {
    fn walk(&mut self, e: &mut Elem, in_cell: bool) {
        match e.name.as_str() {
            // docx-rs' paragraph ids come from a counter shared by everything
            // the thread wrote before: they would change the bytes.
            "w:p" => {
                e.remove("w14:paraId");
                e.remove("w14:textId");
                if in_cell && self.facts.hyphenate {
                    // Table cells never hyphenate, though the running text does.
                    let ppr = leading(e, "w:pPr", &[]);
                    ppr.child_in_order("w:suppressAutoHyphens", PPR_ORDER).attrs.clear();
                }
            }
            "w:tbl" => self.table(e),
            "w:gridCol" => e.remove("w:type"),
            "w:ins" | "w:del" => {
                e.set("w:id", &self.revisions.to_string());
                self.revisions += 1;
            }
            "w:drawing" => self.drawing(e),
            "w:sectPr" => {
                for s in &self.facts.section {
                    e.remove_children(&s.name);
                    e.children.push(Node::Elem(s.clone()));
                }
            }
            _ => {}
        }
        let in_cell = in_cell || e.name == "w:tc";
        for c in e.elems_mut() {
            self.walk(c, in_cell);
        }
        match e.name.as_str() {
            "w:pPr" => {
                drop_empty(e, "w:rPr");
                e.sort_children(PPR_ORDER);
            }
            // docx-rs writes empty properties for every run and paragraph.
            "w:r" => {
                drop_empty(e, "w:rPr");
                no_break_hyphens(e);
            }
            "w:p" => drop_empty(e, "w:pPr"),
            "w:rPr" => e.sort_children(RPR_ORDER),
            "w:numPr" => e.sort_children(NUMPR_ORDER),
            "w:trPr" => e.sort_children(TRPR_ORDER),
            "w:tblPr" => e.sort_children(TBLPR_ORDER),
            "w:tcPr" => e.sort_children(TCPR_ORDER),
            "w:tblBorders" | "w:tcBorders" | "w:tblCellMar" | "w:tcMar" => e.sort_children(BORDERS_ORDER),
            "w:sectPr" => e.sort_children(SECTPR_ORDER),
            _ => {}
        }
    }

    /// The n-th table: its header rows repeat on every page, and the table
    /// style's header-row look applies to them.
    fn table(&mut self, tbl: &mut Elem) {
        let Some(&header) = self.facts.header_rows.get(self.tables) else {
            self.error.get_or_insert_with(|| format!("tabell {} er ikke beskrevet", self.tables + 1));
            return;
        };
        self.tables += 1;
        for tr in tbl.elems_mut().filter(|c| c.name == "w:tr").take(header) {
            let tr_pr = leading(tr, "w:trPr", &["w:tblPrEx"]);
            if tr_pr.child("w:tblHeader").is_none() {
                tr_pr.children.push(Node::Elem(Elem::new("w:tblHeader")));
            }
        }
        let first_row = header > 0;
        // firstRow 0x20, noHBand 0x200, noVBand 0x400.
        let val = 0x600 | if first_row { 0x20 } else { 0 };
        let look = Elem::new("w:tblLook")
            .with("w:val", &format!("{val:04X}"))
            .with("w:firstRow", if first_row { "1" } else { "0" })
            .with("w:lastRow", "0")
            .with("w:firstColumn", "0")
            .with("w:lastColumn", "0")
            .with("w:noHBand", "1")
            .with("w:noVBand", "1");
        leading(tbl, "w:tblPr", &[]).insert_in_order(look, TBLPR_ORDER);
    }

    /// A picture: a drawing id of its own and its alternative text.
    fn drawing(&mut self, d: &mut Elem) {
        let mut embed = None;
        d.walk(&mut |e| {
            if e.name == "a:blip" {
                embed = embed.take().or_else(|| e.attr("r:embed").map(|v| v.to_string()));
            }
        });
        let Some(alt) = embed.as_ref().and_then(|id| self.facts.alts.get(id)) else {
            self.error.get_or_insert_with(|| format!("bildet {embed:?} har ingen beskrivelse"));
            return;
        };
        let id = *self.next_drawing;
        *self.next_drawing += 1;
        if let Some(rid) = embed.as_ref().filter(|e| self.facts.charts.contains(*e)) {
            chart(d, rid, id, alt);
            return;
        }
        let svg = embed.as_ref().and_then(|e| self.facts.svgs.get(e)).cloned();
        d.walk_mut(&mut |e| match e.name.as_str() {
            "a:blip" => {
                if let Some(svg) = &svg {
                    // The vector original beside the PNG (Office 2016's SVG extension).
                    let ext = Elem::new("a:ext").with("uri", "{96DAC541-7B7A-43D3-8B79-37D633B846F1}").push(
                        Elem::new("asvg:svgBlip")
                            .with("xmlns:asvg", "http://schemas.microsoft.com/office/drawing/2016/SVG/main")
                            .with("r:embed", svg),
                    );
                    e.children.push(Node::Elem(Elem::new("a:extLst").push(ext)));
                }
            }
            "wp:docPr" => {
                e.set("id", &id.to_string());
                e.set("name", &format!("Bilde {id}"));
                e.set("descr", alt);
            }
            "pic:cNvPr" => {
                e.set("name", &format!("Bilde {id}"));
                e.set("descr", alt);
            }
            _ => {}
        });
    }
}

/// A drawing that stands for a chart becomes one: the chart part's
/// relationship id in a chart's graphic frame, its id and alternative text.
fn chart(d: &mut Elem, rid: &str, id: u32, alt: &str) {
    const C: &str = "http://schemas.openxmlformats.org/drawingml/2006/chart";
    d.walk_mut(&mut |e| match e.name.as_str() {
        "wp:docPr" => {
            e.set("id", &id.to_string());
            e.set("name", &format!("Diagram {id}"));
            e.set("descr", alt);
        }
        "wp:cNvGraphicFramePr" => e.children.clear(),
        "a:graphic" => {
            let frame = Elem::new("c:chart")
                .with("xmlns:c", C)
                .with("xmlns:r", "http://schemas.openxmlformats.org/officeDocument/2006/relationships")
                .with("r:id", rid);
            e.children = vec![Node::Elem(Elem::new("a:graphicData").with("uri", C).push(frame))];
        }
        _ => {}
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:r="r" xmlns:wp="wp" xmlns:a="a" xmlns:pic="pic""#;

    fn run(xml: &str, facts: &Facts) -> Result<String, String> {
        let mut next = 5;
        normalize(format!("<w:document {W}>{xml}</w:document>").as_bytes(), facts, &mut next)
            .map(|b| String::from_utf8(b).unwrap())
    }

    #[test]
    fn properties_go_in_schema_order_and_paragraph_ids_go() {
        let out = run(
            r#"<w:p w14:paraId="0000002A"><w:pPr><w:rPr /><w:numPr><w:numId w:val="2" /><w:ilvl w:val="0" /></w:numPr><w:pStyle w:val="A" /><w:keepNext /></w:pPr><w:r><w:rPr><w:sz w:val="17" /><w:color w:val="333333" /><w:b /><w:rStyle w:val="L" /></w:rPr><w:t xml:space="preserve">a &amp; b</w:t></w:r></w:p>"#,
            &Facts::default(),
        )
        .unwrap();
        assert!(out.contains(r#"<w:p><w:pPr><w:pStyle w:val="A"/><w:keepNext/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr></w:pPr>"#), "{out}");
        assert!(out.contains(r#"<w:rPr><w:rStyle w:val="L"/><w:b/><w:color w:val="333333"/><w:sz w:val="17"/></w:rPr><w:t xml:space="preserve">a &amp; b</w:t>"#), "{out}");
    }

    #[test]
    fn header_rows_and_alternative_texts_are_applied_by_key() {
        let cell = r#"<w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>"#;
        let inner = format!(
            r#"<w:tbl><w:tblPr><w:tblW w:w="1" /></w:tblPr><w:tblGrid><w:gridCol w:w="1" w:type="dxa" /></w:tblGrid><w:tr>{cell}</w:tr></w:tbl>"#
        );
        let xml = format!(
            r#"<w:tbl><w:tblPr><w:tblW w:w="1" /><w:tblStyle w:val="T" /></w:tblPr><w:tblGrid><w:gridCol w:w="1" w:type="dxa" /></w:tblGrid><w:tr><w:trPr><w:cantSplit /></w:trPr><w:tc><w:p/>{inner}<w:p/></w:tc></w:tr><w:tr>{cell}</w:tr></w:tbl><w:p><w:r><w:drawing><wp:inline><wp:docPr id="1" name="Figure" /><a:graphic><pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="" /></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdImg2" /></pic:blipFill></pic:pic></a:graphic></wp:inline></w:drawing></w:r></w:p>"#
        );
        let facts = Facts {
            header_rows: vec![1, 0],
            alts: [("rIdImg2".to_string(), "Søyler & linjer".to_string())].into(),
            section: vec![],
            hyphenate: true,
            ..Facts::default()
        };
        let out = run(&xml, &facts).unwrap();
        assert_eq!(out.matches("<w:tblHeader/>").count(), 1, "{out}");
        assert!(out.contains("<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"), "{out}");
        assert!(
            out.contains(r#"<w:tblStyle w:val="T"/><w:tblW w:w="1"/><w:tblLook w:val="0620" w:firstRow="1""#),
            "{out}"
        );
        assert!(out.contains(r#"<w:tblLook w:val="0600" w:firstRow="0""#), "{out}");
        assert!(!out.contains("w:type"), "{out}");
        assert_eq!(out.matches(r#"<w:suppressAutoHyphens/>"#).count(), 4, "{out}");
        assert!(out.contains(r#"<wp:docPr id="5" name="Bilde 5" descr="Søyler &amp; linjer"/>"#), "{out}");
        // A table or a picture the writer did not describe is an error, not a guess.
        assert!(run(&xml, &Facts { header_rows: vec![1], ..facts.clone() }).is_err());
        assert!(run(&xml, &Facts { alts: BTreeMap::new(), ..facts }).is_err());
    }

    #[test]
    fn tracked_changes_are_numbered_in_order_and_their_marks_placed_by_the_schema() {
        let row = |mark: &str| {
            format!(
                r#"<w:tr><w:trPr>{mark}<w:cantSplit /></w:trPr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>"#
            )
        };
        let xml = format!(
            r#"<w:p><w:pPr><w:rPr><w:b /><w:ins w:id="91" w:author="N" w:date="d" /></w:rPr><w:pStyle w:val="A" /></w:pPr><w:del w:id="17" w:author="N" w:date="d"><w:r><w:delText>a</w:delText></w:r></w:del><w:ins w:id="3" w:author="N" w:date="d"><w:r><w:t>b</w:t></w:r></w:ins></w:p><w:tbl><w:tblPr /><w:tr><w:tc><w:p/></w:tc></w:tr>{}</w:tbl>"#,
            row(r#"<w:ins w:id="40" w:author="N" w:date="d" />"#)
        );
        let facts = Facts { header_rows: vec![1], ..Facts::default() };
        let out = run(&xml, &facts).unwrap();
        // Ids from 0 in document order, whatever docx-rs' counter said.
        let ids: Vec<&str> =
            out.match_indices("w:id=\"").map(|(i, m)| &out[i + m.len()..i + m.len() + 1]).collect();
        assert_eq!(ids, ["0", "1", "2", "3"], "{out}");
        // A paragraph mark's change leads its properties; a row's follows the row's own.
        assert!(out.contains(r#"<w:rPr><w:ins w:id="0" w:author="N" w:date="d"/><w:b/></w:rPr>"#), "{out}");
        assert!(
            out.contains(r#"<w:trPr><w:cantSplit/><w:ins w:id="3" w:author="N" w:date="d"/></w:trPr>"#),
            "{out}"
        );
        assert!(out.contains("<w:trPr><w:tblHeader/></w:trPr>"), "{out}");
    }

    #[test]
    fn the_template_section_properties_join_the_section() {
        let facts = Facts {
            section: vec![
                Elem::new("w:cols").with("w:space", "720").with("w:num", "2"),
                Elem::new("w:vAlign").with("w:val", "center"),
            ],
            ..Facts::default()
        };
        let out = run(
            r#"<w:sectPr><w:pgSz w:w="1" w:h="2" /><w:pgMar w:top="1" /><w:cols w:space="425" w:num="1" /><w:headerReference w:type="default" r:id="rIdHeader1" /><w:titlePg /></w:sectPr>"#,
            &facts,
        )
        .unwrap();
        assert!(
            out.contains(r#"<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader1"/><w:pgSz w:w="1" w:h="2"/><w:pgMar w:top="1"/><w:cols w:space="720" w:num="2"/><w:vAlign w:val="center"/><w:titlePg/></w:sectPr>"#),
            "{out}"
        );
    }
}
