//! DOCX: a WordprocessingML package written part by part, right the first
//! time, with quick-xml, and byte-for-byte reproducible.
//!
//! The package's static parts come from the house style's Word template when
//! it has one (styles with the house style's values laid over, numbering,
//! settings, theme, fonts, headers and footers with their pictures), else
//! arsplan writes them from `stil.toml` ([`styles`], [`hf`]). The body
//! ([`body`]) is written against the style ids those parts define. The same
//! writer makes `arsplan wordmal`'s template ([`template`]).

pub mod body;
pub mod hf;
pub mod styles;
pub mod xml;

use std::collections::BTreeMap;
use std::io::{Cursor, Write};

use super::{Assets, Renderer};
use crate::diag::{Error, Result};
use crate::doc::{Block, Document, Inline, Meta, Table};
use crate::theme::Theme;
use crate::wordmal::package::{self as pkg, Rel};
use crate::wordmal::tree::Elem;
use xml::Xml;

pub struct Docx;

pub const TWIPS_PER_MM: f32 = 56.692_913;
const EMU_PER_MM: f32 = 36_000.0;

pub fn pt_twips(pt: f32) -> u32 {
    (pt * 20.0).round().max(0.0) as u32
}

pub fn mm_twips(mm: f32) -> i32 {
    (mm * TWIPS_PER_MM).round() as i32
}

/// The namespaces of the story parts (body, headers, footers).
pub const NS: &[(&str, &str)] = &[
    ("xmlns:w", "http://schemas.openxmlformats.org/wordprocessingml/2006/main"),
    ("xmlns:r", "http://schemas.openxmlformats.org/officeDocument/2006/relationships"),
    ("xmlns:wp", "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"),
    ("xmlns:a", "http://schemas.openxmlformats.org/drawingml/2006/main"),
    ("xmlns:pic", "http://schemas.openxmlformats.org/drawingml/2006/picture"),
];

const CT_MAIN: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
const CT_TEMPLATE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml";
const CT_STYLES: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml";
const CT_NUMBERING: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml";
const CT_SETTINGS: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml";
const CT_FONTS: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml";
const CT_THEME: &str = "application/vnd.openxmlformats-officedocument.theme+xml";
const CT_HEADER: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml";
const CT_FOOTER: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml";
const CT_CORE: &str = "application/vnd.openxmlformats-package.core-properties+xml";
const CT_APP: &str = "application/vnd.openxmlformats-officedocument.extended-properties+xml";
const CT_RELS: &str = "application/vnd.openxmlformats-package.relationships+xml";
const REL_CORE: &str =
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties";
const REL_APP: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties";

/// The style and numbering ids the body uses.
#[derive(Debug, Clone)]
pub struct Ids {
    pub normal: String,
    pub title: String,
    pub headings: [String; 4],
    /// Named classes of the house style → style ids.
    pub classes: BTreeMap<String, String>,
    pub list_bullet: String,
    pub list_number: String,
    pub hyperlink: String,
    pub table: String,
    pub bullet_num: u32,
    pub first_ordered_num: u32,
}

/// The pictures of one story part: its media and its image relationships
/// (`rIdImg1`, ...); media names and drawing ids are unique across the package.
pub struct Pictures {
    /// How many media parts the package has before these.
    first_media: usize,
    pub media: Vec<Vec<u8>>,
    pub next_drawing: u32,
}

impl Pictures {
    pub fn new(first_media: usize, next_drawing: u32) -> Self {
        Pictures { first_media, media: Vec::new(), next_drawing }
    }

    /// The media part of picture `i` (0-based), relative to `word/`.
    pub fn target(&self, i: usize) -> String {
        format!("media/image{}.png", self.first_media + i + 1)
    }

    /// A run holding a picture (PNG bytes) at a size, with its alternative text.
    pub fn run(&mut self, x: &mut Xml, bytes: Vec<u8>, alt: &str, width_mm: f32, height_mm: f32) {
        self.media.push(bytes);
        let n = self.media.len();
        let id = self.next_drawing;
        self.next_drawing += 1;
        let (cx, cy) =
            (((width_mm * EMU_PER_MM) as u64).to_string(), ((height_mm * EMU_PER_MM) as u64).to_string());
        let rel = format!("rIdImg{n}");
        let name = format!("Bilde {id}");
        x.open("w:r", &[]).open("w:drawing", &[]);
        x.open("wp:inline", &[("distT", "0"), ("distB", "0"), ("distL", "0"), ("distR", "0")]);
        x.empty("wp:extent", &[("cx", &cx), ("cy", &cy)]);
        x.empty("wp:effectExtent", &[("l", "0"), ("t", "0"), ("r", "0"), ("b", "0")]);
        x.empty("wp:docPr", &[("id", &id.to_string()), ("name", &name), ("descr", alt)]);
        x.open("wp:cNvGraphicFramePr", &[]).empty("a:graphicFrameLocks", &[("noChangeAspect", "1")]);
        x.close("wp:cNvGraphicFramePr");
        x.open("a:graphic", &[])
            .open("a:graphicData", &[("uri", "http://schemas.openxmlformats.org/drawingml/2006/picture")]);
        x.open("pic:pic", &[]).open("pic:nvPicPr", &[]);
        x.empty(
            "pic:cNvPr",
            &[("id", "0"), ("name", &format!("image{}.png", self.first_media + n)), ("descr", alt)],
        );
        x.empty("pic:cNvPicPr", &[]).close("pic:nvPicPr");
        x.open("pic:blipFill", &[]).empty("a:blip", &[("r:embed", &rel)]);
        x.open("a:stretch", &[]).empty("a:fillRect", &[]).close("a:stretch").close("pic:blipFill");
        x.open("pic:spPr", &[]).open("a:xfrm", &[]).empty("a:off", &[("x", "0"), ("y", "0")]);
        x.empty("a:ext", &[("cx", &cx), ("cy", &cy)]).close("a:xfrm");
        x.open("a:prstGeom", &[("prst", "rect")]).empty("a:avLst", &[]).close("a:prstGeom");
        x.close("pic:spPr").close("pic:pic").close("a:graphicData").close("a:graphic");
        x.close("wp:inline").close("w:drawing").close("w:r");
    }

    /// The relationships of these pictures.
    fn rels(&self) -> Vec<Rel> {
        (0..self.media.len())
            .map(|i| Rel {
                id: format!("rIdImg{}", i + 1),
                kind: pkg::REL_IMAGE.into(),
                target: self.target(i),
                external: false,
            })
            .collect()
    }
}

/// The package's parts as they are written, with content types.
#[derive(Default)]
struct Out {
    parts: BTreeMap<String, (Vec<u8>, String)>,
}

impl Out {
    fn put(&mut self, name: &str, bytes: Vec<u8>, content_type: &str) {
        self.parts.insert(name.to_string(), (bytes, content_type.to_string()));
    }

    fn rels(&mut self, part: &str, rels: &[Rel]) {
        if part.is_empty() || !rels.is_empty() {
            self.put(&pkg::rels_name(part), rels_xml(rels), CT_RELS);
        }
    }
}

fn rels_xml(rels: &[Rel]) -> Vec<u8> {
    let mut x = Xml::part();
    x.open("Relationships", &[("xmlns", "http://schemas.openxmlformats.org/package/2006/relationships")]);
    for r in rels {
        let mut attrs = vec![("Id", r.id.as_str()), ("Type", r.kind.as_str()), ("Target", r.target.as_str())];
        if r.external {
            attrs.push(("TargetMode", "External"));
        }
        x.empty("Relationship", &attrs);
    }
    x.close("Relationships");
    x.finish()
}

fn media_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).as_deref() {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("bmp") => "image/bmp",
        Some("tif" | "tiff") => "image/tiff",
        Some("emf") => "image/x-emf",
        Some("wmf") => "image/x-wmf",
        Some("svg") => "image/svg+xml",
        Some("webp") => "image/webp",
        _ => "application/octet-stream",
    }
}

/// `[Content_Types].xml`: a default per picture extension, an override per part.
fn content_types(out: &Out) -> Vec<u8> {
    let mut defaults: BTreeMap<String, &str> = BTreeMap::new();
    defaults.insert("rels".into(), CT_RELS);
    defaults.insert("xml".into(), "application/xml");
    let mut overrides = Vec::new();
    for (name, (_, ct)) in &out.parts {
        if name.starts_with("word/media/") {
            let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
            defaults.insert(ext, media_type(name));
        } else if !name.ends_with(".rels") {
            overrides.push((format!("/{name}"), ct.clone()));
        }
    }
    let mut x = Xml::part();
    x.open("Types", &[("xmlns", "http://schemas.openxmlformats.org/package/2006/content-types")]);
    for (ext, ct) in &defaults {
        x.empty("Default", &[("Extension", ext), ("ContentType", ct)]);
    }
    for (name, ct) in &overrides {
        x.empty("Override", &[("PartName", name), ("ContentType", ct)]);
    }
    x.close("Types");
    x.finish()
}

/// Fixed order for the well-known parts; everything else follows sorted by name.
fn entry_rank(name: &str) -> usize {
    const FIRST: &[&str] = &[
        "[Content_Types].xml",
        "_rels/.rels",
        "docProps/core.xml",
        "docProps/app.xml",
        "word/document.xml",
        "word/_rels/document.xml.rels",
        "word/styles.xml",
        "word/numbering.xml",
        "word/settings.xml",
        "word/fontTable.xml",
        "word/theme/theme1.xml",
    ];
    FIRST.iter().position(|n| *n == name).unwrap_or(FIRST.len())
}

/// The zip: fixed entry order, 1980-01-01 timestamps, deflate.
fn zip(out: &Out) -> Result<Vec<u8>> {
    let mut names: Vec<&String> = out.parts.keys().collect();
    names.sort_by(|a, b| (entry_rank(a), a.as_str()).cmp(&(entry_rank(b), b.as_str())));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644)
        .large_file(false);
    let fail = |e: &dyn std::fmt::Display| Error::msg(format!("DOCX-pakken kunne ikke skrives: {e}"));
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for name in names {
        w.start_file(name.as_str(), opts).map_err(|e| fail(&e))?;
        w.write_all(&out.parts[name].0).map_err(|e| fail(&e))?;
    }
    Ok(w.finish().map_err(|e| fail(&e))?.into_inner())
}

fn core_xml(m: &Meta) -> Vec<u8> {
    let mut x = Xml::part();
    x.open(
        "cp:coreProperties",
        &[
            ("xmlns:cp", "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
            ("xmlns:dcterms", "http://purl.org/dc/terms/"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        ],
    );
    let lang = if m.lang.is_empty() { "nb-NO" } else { m.lang.as_str() };
    let keywords = m.keywords.join("; ");
    for (tag, v) in [
        ("dc:title", m.title.as_str()),
        ("dc:subject", m.subject.as_str()),
        ("dc:creator", m.author.as_str()),
        ("cp:keywords", keywords.as_str()),
        ("dc:language", lang),
        ("cp:lastModifiedBy", m.author.as_str()),
        ("cp:revision", "1"),
    ] {
        if !v.is_empty() {
            x.leaf(tag, &[], v);
        }
    }
    let date = format!("{}T00:00:00Z", m.date.format("%Y-%m-%d"));
    for tag in ["dcterms:created", "dcterms:modified"] {
        x.leaf(tag, &[("xsi:type", "dcterms:W3CDTF")], &date);
    }
    x.close("cp:coreProperties");
    x.finish()
}

fn app_xml() -> Vec<u8> {
    let mut x = Xml::part();
    x.open(
        "Properties",
        &[
            ("xmlns", "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"),
            ("xmlns:vt", "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"),
        ],
    );
    x.leaf("Application", &[], "arsplan");
    x.close("Properties");
    x.finish()
}

/// arsplan's own theme part: Office's colours, the house style's fonts.
fn theme_xml(major: &str, minor: &str) -> Vec<u8> {
    let mut x = Xml::part();
    x.open(
        "a:theme",
        &[("xmlns:a", "http://schemas.openxmlformats.org/drawingml/2006/main"), ("name", "arsplan")],
    );
    x.open("a:themeElements", &[]).open("a:clrScheme", &[("name", "arsplan")]);
    x.open("a:dk1", &[]).empty("a:sysClr", &[("val", "windowText"), ("lastClr", "000000")]).close("a:dk1");
    x.open("a:lt1", &[]).empty("a:sysClr", &[("val", "window"), ("lastClr", "FFFFFF")]).close("a:lt1");
    for (k, v) in [
        ("a:dk2", "1F3864"),
        ("a:lt2", "E7E6E6"),
        ("a:accent1", "2E74B5"),
        ("a:accent2", "ED7D31"),
        ("a:accent3", "A5A5A5"),
        ("a:accent4", "FFC000"),
        ("a:accent5", "4472C4"),
        ("a:accent6", "70AD47"),
        ("a:hlink", "0563C1"),
        ("a:folHlink", "954F72"),
    ] {
        x.open(k, &[]).empty("a:srgbClr", &[("val", v)]).close(k);
    }
    x.close("a:clrScheme").open("a:fontScheme", &[("name", "arsplan")]);
    for (k, f) in [("a:majorFont", major), ("a:minorFont", minor)] {
        x.open(k, &[]).empty("a:latin", &[("typeface", f)]).empty("a:ea", &[("typeface", "")]);
        x.empty("a:cs", &[("typeface", "")]).close(k);
    }
    x.close("a:fontScheme").open("a:fmtScheme", &[("name", "arsplan")]);
    let solid = |x: &mut Xml, inner: &dyn Fn(&mut Xml)| {
        x.open("a:solidFill", &[]).open("a:schemeClr", &[("val", "phClr")]);
        inner(x);
        x.close("a:schemeClr").close("a:solidFill");
    };
    for list in ["a:fillStyleLst", "a:bgFillStyleLst"] {
        x.open(list, &[]);
        solid(&mut x, &|_| {});
        solid(&mut x, &|x| {
            x.empty("a:tint", &[("val", "50000")]);
        });
        solid(&mut x, &|x| {
            x.empty("a:shade", &[("val", "80000")]);
        });
        x.close(list);
        if list == "a:fillStyleLst" {
            x.open("a:lnStyleLst", &[]);
            for w in ["6350", "12700", "19050"] {
                x.open("a:ln", &[("w", w), ("cap", "flat"), ("cmpd", "sng"), ("algn", "ctr")]);
                solid(&mut x, &|_| {});
                x.empty("a:prstDash", &[("val", "solid")])
                    .empty("a:miter", &[("lim", "800000")])
                    .close("a:ln");
            }
            x.close("a:lnStyleLst").open("a:effectStyleLst", &[]);
            for _ in 0..3 {
                x.open("a:effectStyle", &[]).empty("a:effectLst", &[]).close("a:effectStyle");
            }
            x.close("a:effectStyleLst");
        }
    }
    x.close("a:fmtScheme").close("a:themeElements");
    x.empty("a:objectDefaults", &[]).empty("a:extraClrSchemeLst", &[]).close("a:theme");
    x.finish()
}

/// arsplan's own font table: the families the styles name.
fn font_table(theme: &Theme) -> Vec<u8> {
    let mut fonts: Vec<String> = vec![theme.word_font_name()];
    fonts.extend(theme.classes.values().chain(theme.headings.iter()).filter_map(|s| s.word_font_name()));
    fonts.sort();
    fonts.dedup();
    let mut x = Xml::part();
    x.open("w:fonts", &[("xmlns:w", NS[0].1)]);
    for f in fonts {
        let serif = crate::wordmal::pdf_font(&f, None).0 == "Caladea";
        x.open("w:font", &[("w:name", &f)]);
        x.empty("w:family", &[("w:val", if serif { "roman" } else { "swiss" })]);
        x.empty("w:pitch", &[("w:val", "variable")]).close("w:font");
    }
    x.close("w:fonts");
    x.finish()
}

/// The section properties: the page and margins of the house style, the
/// header and footer references, and whatever else the template's section says.
fn section(theme: &Theme, tpl: Option<&Elem>, refs: &[(&str, String, String)], title_page: bool) -> Elem {
    let page = &theme.page;
    let (w, h) = page.size_mm();
    let mut size =
        Elem::new("w:pgSz").with("w:w", &mm_twips(w).to_string()).with("w:h", &mm_twips(h).to_string());
    if page.landscape {
        size.set("w:orient", "landscape");
    }
    let tpl_mar = tpl.and_then(|s| s.child("w:pgMar"));
    let distance = |k: &str, fallback: f32| {
        tpl_mar
            .and_then(|m| m.attr(k))
            .and_then(|v| v.parse::<i32>().ok())
            .unwrap_or_else(|| mm_twips(fallback))
    };
    let margins = Elem::new("w:pgMar")
        .with("w:top", &mm_twips(page.margin_top_mm).to_string())
        .with("w:right", &mm_twips(page.margin_right_mm).to_string())
        .with("w:bottom", &mm_twips(page.margin_bottom_mm).to_string())
        .with("w:left", &mm_twips(page.margin_left_mm).to_string())
        .with("w:header", &distance("w:header", page.margin_top_mm * 0.4).to_string())
        .with("w:footer", &distance("w:footer", page.margin_bottom_mm * 0.45).to_string())
        .with("w:gutter", "0");
    let mut s = Elem::new("w:sectPr");
    for (kind, which, id) in refs {
        s = s.push(Elem::new(&format!("w:{kind}Reference")).with("w:type", which).with("r:id", id));
    }
    const AFTER_MARGINS: &[&str] = &[
        "w:paperSrc",
        "w:pgBorders",
        "w:lnNumType",
        "w:pgNumType",
        "w:cols",
        "w:formProt",
        "w:vAlign",
        "w:noEndnote",
        "w:titlePg",
        "w:textDirection",
        "w:bidi",
        "w:rtlGutter",
        "w:docGrid",
    ];
    let kept: Vec<&Elem> = match tpl {
        Some(t) => t
            .elems()
            .filter(|e| {
                matches!(e.name.as_str(), "w:footnotePr" | "w:endnotePr" | "w:type")
                    || (AFTER_MARGINS.contains(&e.name.as_str()) && (e.name != "w:titlePg" || title_page))
            })
            .collect(),
        None => vec![],
    };
    for e in kept.iter().filter(|e| !AFTER_MARGINS.contains(&e.name.as_str())) {
        s = s.push((*e).clone());
    }
    s = s.push(size).push(margins);
    for e in kept.iter().filter(|e| AFTER_MARGINS.contains(&e.name.as_str())) {
        s = s.push((*e).clone());
    }
    if tpl.is_none() {
        s = s.push(Elem::new("w:cols").with("w:space", "708"));
    }
    s
}

/// The width the body's text has, in twips.
fn text_width(theme: &Theme) -> u32 {
    let p = &theme.page;
    let (w, _) = p.size_mm();
    (mm_twips(w) - mm_twips(p.margin_left_mm) - mm_twips(p.margin_right_mm)).max(1000) as u32
}

/// Writes a document (or, with `as_template`, a Word template) in a house style.
fn package(doc: &Document, theme: &Theme, assets: &Assets, as_template: bool) -> Result<Vec<u8>> {
    let tpl = theme.word_template.as_deref();
    let lang = if doc.meta.lang.is_empty() { "nb-NO" } else { doc.meta.lang.as_str() };
    let num = styles::numbering_ids(tpl);
    let (styles_xml, ids) = styles::styles(theme, tpl, lang, &num);
    let width = text_width(theme);
    let mut out = Out::default();
    let mut doc_rels: Vec<Rel> = Vec::new();
    let rel = |id: &str, kind: &str, target: &str| Rel {
        id: id.into(),
        kind: kind.into(),
        target: target.into(),
        external: false,
    };

    let first_drawing = tpl.map(|t| t.max_drawing_id).unwrap_or(0) + 1;
    let mut body = body::Body::new(theme, assets, &ids, Pictures::new(0, first_drawing), doc.meta.date);
    let body_xml = body.write(&doc.blocks, width)?;
    let mut pics = std::mem::replace(&mut body.pics, Pictures::new(0, 0));
    let (links, ordered) = (std::mem::take(&mut body.links), std::mem::take(&mut body.ordered));
    drop(body);

    // Headers and footers: the template's, or arsplan's own.
    let mut refs: Vec<(&str, String, String)> = Vec::new();
    let mut own = false;
    let mut copied_media = BTreeMap::new();
    for (kind, use_template) in [("header", theme.template_header), ("footer", theme.template_footer)] {
        let name = format!("word/{kind}1.xml");
        let id = format!("rId{}1", if kind == "header" { "Header" } else { "Footer" });
        match tpl.filter(|_| use_template) {
            Some(t) => {
                let list = if kind == "header" { &t.header_refs } else { &t.footer_refs };
                let mut numbered: BTreeMap<usize, usize> = BTreeMap::new();
                for (which, story) in list {
                    let n = numbered.len() + 1;
                    let n = *numbered.entry(*story).or_insert(n);
                    let part = format!("word/{kind}{n}.xml");
                    let id = format!("rId{}{n}", if kind == "header" { "Header" } else { "Footer" });
                    if !out.parts.contains_key(&part) {
                        let s = &t.stories[*story];
                        out.put(&part, s.xml.to_part(), if kind == "header" { CT_HEADER } else { CT_FOOTER });
                        out.rels(&part, &s.rels);
                        for r in s.rels.iter().filter(|r| !r.external) {
                            let media = format!("word/{}", r.target);
                            if let Some(bytes) = t.media.get(&media) {
                                copied_media.insert(media, bytes.clone());
                            }
                        }
                        doc_rels.push(rel(
                            &id,
                            if kind == "header" { pkg::REL_HEADER } else { pkg::REL_FOOTER },
                            part.trim_start_matches("word/"),
                        ));
                    }
                    refs.push((kind, which.clone(), id));
                }
            }
            None => {
                own = true;
                let bytes = if kind == "header" {
                    let mut hp = Pictures::new(pics.media.len(), pics.next_drawing);
                    let b = hf::header(theme, assets, &mut hp, width)?;
                    pics.next_drawing = hp.next_drawing;
                    out.rels(&name, &hp.rels());
                    for (i, m) in std::mem::take(&mut hp.media).into_iter().enumerate() {
                        out.put(&format!("word/{}", hp.target(i)), m, "image/png");
                    }
                    b
                } else {
                    hf::footer(theme, width)
                };
                out.put(&name, bytes, if kind == "header" { CT_HEADER } else { CT_FOOTER });
                doc_rels.push(rel(
                    &id,
                    if kind == "header" { pkg::REL_HEADER } else { pkg::REL_FOOTER },
                    name.trim_start_matches("word/"),
                ));
                refs.push((kind, "default".into(), id));
            }
        }
    }
    for (name, bytes) in copied_media {
        out.put(&name, bytes, "");
    }
    // A different first page (and even pages) only when the template draws
    // both the header and the footer.
    let title_page = tpl.is_some_and(|t| t.title_page) && !own;
    if own {
        refs.retain(|(_, which, _)| which == "default");
    }
    let sect = section(theme, tpl.map(|t| &t.section), &refs, title_page);

    // The main document.
    let mut x = Xml::part();
    x.open("w:document", NS)
        .open("w:body", &[])
        .append(&body_xml)
        .elem(&sect)
        .close("w:body")
        .close("w:document");
    out.put("word/document.xml", x.finish(), if as_template { CT_TEMPLATE } else { CT_MAIN });
    doc_rels.extend(pics.rels());
    for (i, m) in std::mem::take(&mut pics.media).into_iter().enumerate() {
        out.put(&format!("word/{}", pics.target(i)), m, "image/png");
    }

    // Static parts.
    out.put("word/styles.xml", styles_xml.to_part(), CT_STYLES);
    out.put("word/numbering.xml", styles::numbering(tpl, &num, &ordered).to_part(), CT_NUMBERING);
    out.put("word/settings.xml", styles::settings(tpl, lang, own).to_part(), CT_SETTINGS);
    doc_rels.push(rel("rIdStyles", pkg::REL_STYLES, "styles.xml"));
    doc_rels.push(rel("rIdNumbering", pkg::REL_NUMBERING, "numbering.xml"));
    doc_rels.push(rel("rIdSettings", pkg::REL_SETTINGS, "settings.xml"));
    let copied = |k: &str| tpl.and_then(|t| t.copied.get(k));
    match copied("theme") {
        Some(c) => out.put("word/theme/theme1.xml", c.bytes.clone(), CT_THEME),
        None => {
            let font = theme.word_font_name();
            let major = theme.heading(1).word_font_name().unwrap_or_else(|| font.clone());
            out.put("word/theme/theme1.xml", theme_xml(&major, &font), CT_THEME);
        }
    }
    doc_rels.push(rel("rIdTheme1", pkg::REL_THEME, "theme/theme1.xml"));
    match copied("fontTable") {
        Some(c) => out.put("word/fontTable.xml", c.bytes.clone(), CT_FONTS),
        None => out.put("word/fontTable.xml", font_table(theme), CT_FONTS),
    }
    doc_rels.push(rel("rIdFontTable", pkg::REL_FONT_TABLE, "fontTable.xml"));
    for (key, kind) in [("footnotes", pkg::REL_FOOTNOTES), ("endnotes", pkg::REL_ENDNOTES)] {
        if let Some(c) = copied(key) {
            out.put(&format!("word/{key}.xml"), c.bytes.clone(), &c.content_type);
            doc_rels.push(rel(&format!("rId{key}"), kind, &format!("{key}.xml")));
        }
    }
    for (i, url) in links.iter().enumerate() {
        doc_rels.push(Rel {
            id: format!("rIdLink{}", i + 1),
            kind: pkg::REL_HYPERLINK.into(),
            target: url.clone(),
            external: true,
        });
    }
    out.rels("word/document.xml", &doc_rels);

    // Package level.
    out.put("docProps/core.xml", core_xml(&doc.meta), CT_CORE);
    out.put("docProps/app.xml", app_xml(), CT_APP);
    out.rels(
        "",
        &[
            rel("rId1", pkg::REL_OFFICE_DOCUMENT, "word/document.xml"),
            rel("rId2", REL_CORE, "docProps/core.xml"),
            rel("rId3", REL_APP, "docProps/app.xml"),
        ],
    );
    let ct = content_types(&out);
    out.put("[Content_Types].xml", ct, "");
    zip(&out)
}

impl Renderer for Docx {
    fn render(&self, doc: &Document, theme: &Theme, assets: &Assets) -> Result<Vec<u8>> {
        package(doc, theme, assets, false)
    }
}

/// The house style as a Word template (.dotx): every style the documents
/// use, named as Word names them, with a sample of each in the body, the
/// page, and the header and footer.
pub fn template(theme: &Theme, assets: &Assets) -> Result<Vec<u8>> {
    package(&sample(theme), theme, assets, true)
}

/// A short document that shows every style of the house style.
fn sample(theme: &Theme) -> Document {
    let t = |s: &str| vec![Inline::Text(s.to_string())];
    let mut blocks = vec![
        Block::Title(t("Tittel (stilen «Title»)")),
        Block::Paragraph(t(&format!(
            "Dette er Word-malen for husstilen «{}», laget av arsplan. Endre stilene (Hjem → Stiler → høyreklikk → Endre), sidene (Oppsett) og topp- og bunnteksten, lagre som Word-mal (.dotx), og sett word_mal = \"mal.dotx\" i husstilens stil.toml. Teksten her brukes ikke.",
            theme.name
        ))),
        Block::Heading { level: 1, content: t("Overskrift 1 (stilen «heading 1»)"), class: None },
        Block::Paragraph(t("Brødtekst i stilen «Normal».")),
        Block::Heading { level: 2, content: t("Overskrift 2 (stilen «heading 2»)"), class: None },
        Block::List {
            ordered: false,
            items: vec![
                vec![Block::Paragraph(t("Punktliste (stilen «List Bullet»)"))],
                vec![Block::Paragraph(t("Andre punkt"))],
            ],
        },
        Block::Heading { level: 3, content: t("Overskrift 3 (stilen «heading 3»)"), class: None },
        Block::List {
            ordered: true,
            items: vec![
                vec![Block::Paragraph(t("Nummerert liste (stilen «List Number»)"))],
                vec![Block::Paragraph(t("Andre punkt"))],
            ],
        },
        Block::Table(Table {
            widths: vec![1, 1],
            header_rows: 1,
            rows: vec![
                vec![vec![Block::Paragraph(t("Tabell (stilen «Table Grid»)"))], vec![Block::Paragraph(t("Overskriftsrad"))]],
                vec![vec![Block::Paragraph(t("Celle"))], vec![Block::Paragraph(t("Celle"))]],
            ],
        }),
    ];
    for name in theme.classes.keys().filter(|c| *c != "tittel") {
        blocks.push(Block::Styled {
            class: name.clone(),
            blocks: vec![Block::Paragraph(t(&format!("Stilen «{name}»")))],
        });
    }
    Document {
        meta: Meta {
            title: format!("Word-mal for {}", theme.name),
            author: theme.name.clone(),
            subject: "Word-mal".into(),
            keywords: vec![],
            lang: "nb-NO".into(),
            date: chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid date"),
        },
        blocks,
    }
}
