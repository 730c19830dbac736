//! DOCX: docx-rs writes the stories (the body, and arsplan's own header
//! and footer) against the style ids of the package's styles; one pass makes
//! what it writes valid and stable ([`normalize`]); the package is assembled
//! from docx-rs' buffers and the static parts, byte-for-byte reproducible.
//!
//! The static parts come from the house style's Word template when it has
//! one (styles with the house style's values laid over, numbering, settings,
//! theme, fonts, headers and footers with their pictures), else arsplan writes
//! them from `stil.toml` ([`styles`], [`hf`], and the small parts below). The
//! same writer makes `arsplan wordmal`'s template ([`template`]).

pub mod body;
pub mod hf;
pub mod normalize;
pub mod styles;

use std::collections::BTreeMap;
use std::io::{Cursor, Write};

use docx_rs::{
    BuildXML, FooterReference, HeaderReference, PageMargin, PageOrientationType, PageSize, SectionProperty,
};

use super::{Assets, Renderer};
use crate::diag::{Error, Result};
use crate::doc::{Block, Document, Inline, Meta, Table};
use crate::theme::Theme;
use crate::wordmal::package::{self as pkg, Rel};
use crate::wordmal::tree::{Elem, Node};
use normalize::{normalize, Facts};

pub struct Docx;

pub const TWIPS_PER_MM: f32 = 56.692_913;

pub fn pt_twips(pt: f32) -> u32 {
    (pt * 20.0).round().max(0.0) as u32
}

pub fn mm_twips(mm: f32) -> i32 {
    (mm * TWIPS_PER_MM).round() as i32
}

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
const CT_CHART: &str = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml";
const CT_XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const REL_CHART: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart";
const REL_PACKAGE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package";
const REL_CORE: &str =
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties";
const REL_APP: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties";
const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// An element holding text (escaped here).
fn leaf(name: &str, text: &str) -> Elem {
    let mut e = Elem::new(name);
    e.children.push(Node::Text(crate::xml::escape(text)));
    e
}

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
    let mut root = Elem::new("Relationships")
        .with("xmlns", "http://schemas.openxmlformats.org/package/2006/relationships");
    for r in rels {
        let mut e =
            Elem::new("Relationship").with("Id", &r.id).with("Type", &r.kind).with("Target", &r.target);
        if r.external {
            e.set("TargetMode", "External");
        }
        root = root.push(e);
    }
    root.to_part()
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
    let mut root =
        Elem::new("Types").with("xmlns", "http://schemas.openxmlformats.org/package/2006/content-types");
    for (ext, ct) in &defaults {
        root = root.push(Elem::new("Default").with("Extension", ext).with("ContentType", ct));
    }
    for (name, ct) in &overrides {
        root = root.push(Elem::new("Override").with("PartName", name).with("ContentType", ct));
    }
    root.to_part()
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

/// The core properties (docx-rs has no setters for title, author and language).
fn core_xml(m: &Meta) -> Vec<u8> {
    let mut root = Elem::new("cp:coreProperties")
        .with("xmlns:cp", "http://schemas.openxmlformats.org/package/2006/metadata/core-properties")
        .with("xmlns:dc", "http://purl.org/dc/elements/1.1/")
        .with("xmlns:dcterms", "http://purl.org/dc/terms/")
        .with("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
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
            root = root.push(leaf(tag, v));
        }
    }
    let date = format!("{}T00:00:00Z", m.date.format("%Y-%m-%d"));
    for tag in ["dcterms:created", "dcterms:modified"] {
        root = root.push(leaf(tag, &date).with("xsi:type", "dcterms:W3CDTF"));
    }
    root.to_part()
}

fn app_xml() -> Vec<u8> {
    Elem::new("Properties")
        .with("xmlns", "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties")
        .with("xmlns:vt", "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes")
        .push(leaf("Application", "arsplan"))
        .to_part()
}

/// arsplan's own theme part: Office's colours, the house style's fonts.
fn theme_xml(major: &str, minor: &str) -> Vec<u8> {
    let a = |name: &str| Elem::new(&format!("a:{name}"));
    let mut colors = a("clrScheme").with("name", "arsplan");
    colors = colors.push(a("dk1").push(a("sysClr").with("val", "windowText").with("lastClr", "000000")));
    colors = colors.push(a("lt1").push(a("sysClr").with("val", "window").with("lastClr", "FFFFFF")));
    for (k, v) in [
        ("dk2", "1F3864"),
        ("lt2", "E7E6E6"),
        ("accent1", "2E74B5"),
        ("accent2", "ED7D31"),
        ("accent3", "A5A5A5"),
        ("accent4", "FFC000"),
        ("accent5", "4472C4"),
        ("accent6", "70AD47"),
        ("hlink", "0563C1"),
        ("folHlink", "954F72"),
    ] {
        colors = colors.push(a(k).push(a("srgbClr").with("val", v)));
    }
    let mut fonts = a("fontScheme").with("name", "arsplan");
    for (k, f) in [("majorFont", major), ("minorFont", minor)] {
        fonts = fonts.push(
            a(k).push(a("latin").with("typeface", f))
                .push(a("ea").with("typeface", ""))
                .push(a("cs").with("typeface", "")),
        );
    }
    let solid = |inner: Option<Elem>| {
        let mut c = a("schemeClr").with("val", "phClr");
        if let Some(i) = inner {
            c = c.push(i);
        }
        a("solidFill").push(c)
    };
    let fills = |name: &str| {
        a(name)
            .push(solid(None))
            .push(solid(Some(a("tint").with("val", "50000"))))
            .push(solid(Some(a("shade").with("val", "80000"))))
    };
    let mut lines = a("lnStyleLst");
    for w in ["6350", "12700", "19050"] {
        lines = lines.push(
            a("ln")
                .with("w", w)
                .with("cap", "flat")
                .with("cmpd", "sng")
                .with("algn", "ctr")
                .push(solid(None))
                .push(a("prstDash").with("val", "solid"))
                .push(a("miter").with("lim", "800000")),
        );
    }
    let mut effects = a("effectStyleLst");
    for _ in 0..3 {
        effects = effects.push(a("effectStyle").push(a("effectLst")));
    }
    let format = a("fmtScheme")
        .with("name", "arsplan")
        .push(fills("fillStyleLst"))
        .push(lines)
        .push(effects)
        .push(fills("bgFillStyleLst"));
    a("theme")
        .with("xmlns:a", "http://schemas.openxmlformats.org/drawingml/2006/main")
        .with("name", "arsplan")
        .push(a("themeElements").push(colors).push(fonts).push(format))
        .push(a("objectDefaults"))
        .push(a("extraClrSchemeLst"))
        .to_part()
}

/// arsplan's own font table: the families the styles name.
fn font_table(theme: &Theme) -> Vec<u8> {
    let mut fonts: Vec<String> = vec![theme.word_font_name()];
    fonts.extend(theme.classes.values().chain(theme.headings.iter()).filter_map(|s| s.word_font_name()));
    fonts.sort();
    fonts.dedup();
    let mut root = Elem::new("w:fonts").with("xmlns:w", W);
    for f in fonts {
        let serif = crate::wordmal::pdf_font(&f, None).0 == "Caladea";
        root = root.push(
            Elem::new("w:font")
                .with("w:name", &f)
                .push(Elem::new("w:family").with("w:val", if serif { "roman" } else { "swiss" }))
                .push(Elem::new("w:pitch").with("w:val", "variable")),
        );
    }
    root.to_part()
}

/// A header or footer reference of the section: `header` or `footer`,
/// `default`, `first` or `even`, and the relationship id.
type SectionRef = (&'static str, String, String);

/// The section properties docx-rs writes: the page and margins of the house
/// style, the header and footer references; and those of the template's
/// section docx-rs cannot write, which the normalising pass adds as they are.
fn section(
    theme: &Theme,
    tpl: Option<&Elem>,
    refs: &[SectionRef],
    title_page: bool,
) -> (SectionProperty, Vec<Elem>) {
    let page = &theme.page;
    let (w, h) = page.size_mm();
    let mut s = SectionProperty::new();
    s.page_size = PageSize::new().size(mm_twips(w) as u32, mm_twips(h) as u32);
    if page.landscape {
        s.page_size = s.page_size.orient(PageOrientationType::Landscape);
    }
    s.page_margin = PageMargin::new()
        .top(mm_twips(page.margin_top_mm))
        .right(mm_twips(page.margin_right_mm))
        .bottom(mm_twips(page.margin_bottom_mm))
        .left(mm_twips(page.margin_left_mm))
        .header(mm_twips(page.header_distance_mm()))
        .footer(mm_twips(page.footer_distance_mm()))
        .gutter(0);
    // One column, Word's default gap (docx-rs' own is Japanese Word's).
    s.columns = 1;
    s.space = 708;
    for (kind, which, id) in refs {
        match (*kind, which.as_str()) {
            ("header", "first") => s.first_header_reference = Some(HeaderReference::new("first", id)),
            ("header", "even") => s.even_header_reference = Some(HeaderReference::new("even", id)),
            ("header", _) => s.header_reference = Some(HeaderReference::new("default", id)),
            (_, "first") => s.first_footer_reference = Some(FooterReference::new("first", id)),
            (_, "even") => s.even_footer_reference = Some(FooterReference::new("even", id)),
            _ => s.footer_reference = Some(FooterReference::new("default", id)),
        }
    }
    s.title_pg = title_page;
    // The rest of the template's section, as it is.
    const KEPT: &[&str] = &[
        "w:footnotePr",
        "w:endnotePr",
        "w:type",
        "w:paperSrc",
        "w:pgBorders",
        "w:lnNumType",
        "w:pgNumType",
        "w:cols",
        "w:formProt",
        "w:vAlign",
        "w:noEndnote",
        "w:textDirection",
        "w:bidi",
        "w:rtlGutter",
        "w:docGrid",
    ];
    let extra = tpl
        .map(|t| t.elems().filter(|e| KEPT.contains(&e.name.as_str())).cloned().collect())
        .unwrap_or_default();
    (s, extra)
}

/// The width the body's text has, in twips.
fn text_width(theme: &Theme) -> u32 {
    let p = &theme.page;
    let (w, _) = p.size_mm();
    (mm_twips(w) - mm_twips(p.margin_left_mm) - mm_twips(p.margin_right_mm)).max(1000) as u32
}

fn fail(e: String) -> Error {
    Error::msg(format!("DOCX-en kunne ikke skrives: {e}"))
}

/// Writes a document (or, with `as_template`, a Word template) in a house style.
fn package(doc: &Document, theme: &Theme, assets: &Assets, as_template: bool) -> Result<Vec<u8>> {
    let doc = &super::typo::set(doc, theme);
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
    // Drawing ids are unique in the package: after the template's, the body's, then the header's.
    let mut next_drawing = tpl.map(|t| t.max_drawing_id).unwrap_or(0) + 1;
    let mut media = 0usize;
    let mut charts = 0usize;

    // Headers and footers: the template's, or arsplan's own.
    let mut refs: Vec<SectionRef> = Vec::new();
    let mut own_parts: Vec<(&str, Vec<u8>, body::Pictures)> = Vec::new();
    let mut copied_media = BTreeMap::new();
    for (kind, use_template) in [("header", theme.template_header), ("footer", theme.template_footer)] {
        let (ct, rel_kind, rid) = match kind {
            "header" => (CT_HEADER, pkg::REL_HEADER, "rIdHeader"),
            _ => (CT_FOOTER, pkg::REL_FOOTER, "rIdFooter"),
        };
        match tpl.filter(|_| use_template) {
            Some(t) => {
                let list = if kind == "header" { &t.header_refs } else { &t.footer_refs };
                let mut numbered: BTreeMap<usize, usize> = BTreeMap::new();
                for (which, story) in list {
                    let n = numbered.len() + 1;
                    let n = *numbered.entry(*story).or_insert(n);
                    let part = format!("word/{kind}{n}.xml");
                    let id = format!("{rid}{n}");
                    if !out.parts.contains_key(&part) {
                        let s = &t.stories[*story];
                        out.put(&part, s.xml.to_part(), ct);
                        out.rels(&part, &s.rels);
                        for r in s.rels.iter().filter(|r| !r.external) {
                            let name = format!("word/{}", r.target);
                            if let Some(bytes) = t.media.get(&name) {
                                copied_media.insert(name, bytes.clone());
                            }
                        }
                        doc_rels.push(rel(&id, rel_kind, part.trim_start_matches("word/")));
                    }
                    refs.push((kind, which.clone(), id));
                }
            }
            None => {
                let (xml, pics) = match kind {
                    "header" => {
                        let (h, pics) = hf::header(theme, assets, width)?;
                        (h.build(), pics)
                    }
                    _ => (hf::footer(theme, width).build(), body::Pictures::default()),
                };
                own_parts.push((kind, xml, pics));
                let name = format!("{kind}1.xml");
                doc_rels.push(rel(&format!("{rid}1"), rel_kind, &name));
                refs.push((kind, "default".into(), format!("{rid}1")));
            }
        }
    }
    for (name, bytes) in copied_media {
        out.put(&name, bytes, "");
    }
    // A different first page (and even pages) only when the template draws
    // both the header and the footer.
    let own = !own_parts.is_empty();
    let title_page = tpl.is_some_and(|t| t.title_page) && !own;
    if own {
        refs.retain(|(_, which, _)| which == "default");
    }
    let (sect, section_extra) = section(theme, tpl.map(|t| &t.section), &refs, title_page);

    // The body, written by docx-rs.
    let mut b = body::Body::new(theme, assets, &ids, doc.meta.date, &doc.blocks);
    // Tracked changes (an endringsversjon's) are the network's, made the day
    // the version is dated.
    b.revision = body::Revision {
        author: doc.meta.revised_by.clone().unwrap_or_else(|| doc.meta.author.clone()),
        date: format!("{}T00:00:00Z", doc.meta.date.format("%Y-%m-%d")),
    };
    let (mut d, b) = b.write(&doc.blocks, width, docx_rs::Docx::new())?;
    d.document.section_property = sect;
    let built = d.build();
    let facts = Facts { section: section_extra, hyphenate: theme.typography.hyphenate, ..b.facts() };
    let document = normalize(&built.document, &facts, &mut next_drawing).map_err(fail)?;
    out.put("word/document.xml", document, if as_template { CT_TEMPLATE } else { CT_MAIN });
    // Its pictures: docx-rs' image relationships, the media renamed in order.
    let rels = Elem::parse(&built.document_rels).map_err(fail)?;
    for r in
        rels.children_named("Relationship").filter(|r| r.attr("Type").is_some_and(|t| t == pkg::REL_IMAGE))
    {
        let (Some(id), Some(target)) = (r.attr("Id"), r.attr("Target")) else { continue };
        if let Some((_, chart)) = b.charts.iter().find(|(c, _)| *c == id) {
            // A chart: its part, and the workbook its numbers come from.
            charts += 1;
            let part = format!("word/charts/chart{charts}.xml");
            let book = format!("embeddings/Microsoft_Excel_Worksheet{charts}.xlsx");
            out.put(&part, chart.xml.clone(), CT_CHART);
            out.put(&format!("word/{book}"), chart.workbook.clone(), CT_XLSX);
            out.rels(&part, &[rel(super::chart::WORKBOOK_REL, REL_PACKAGE, &format!("../{book}"))]);
            doc_rels.push(rel(&id, REL_CHART, &format!("charts/chart{charts}.xml")));
            continue;
        }
        let bytes = built.media.iter().find(|(m, _)| format!("media/{m}.png") == *target);
        let Some((_, bytes)) = bytes else {
            return Err(fail(format!("bildet «{target}» mangler")));
        };
        media += 1;
        let name = format!("media/image{media}.png");
        out.put(&format!("word/{name}"), bytes.clone(), "image/png");
        doc_rels.push(rel(&id, pkg::REL_IMAGE, &name));
        if let Some(svg) = b.pics.svgs.get(id.as_ref()) {
            let name = format!("media/image{media}.svg");
            out.put(&format!("word/{name}"), svg.clone(), "image/svg+xml");
            doc_rels.push(rel(&format!("{id}Svg"), pkg::REL_IMAGE, &name));
        }
    }
    for (i, url) in b.links.iter().enumerate() {
        doc_rels.push(Rel {
            id: format!("rIdLink{}", i + 1),
            kind: pkg::REL_HYPERLINK.into(),
            target: url.clone(),
            external: true,
        });
    }
    // arsplan's own header and footer, through the same pass.
    for (kind, xml, pics) in own_parts {
        // An SVG logo: the drawing beside its PNG, as in the body.
        let svgs = pics.svgs.keys().map(|id| (id.clone(), format!("{id}Svg"))).collect();
        let facts = Facts { alts: pics.alts, svgs, ..Facts::default() };
        let part = format!("word/{kind}1.xml");
        let xml = normalize(&xml, &facts, &mut next_drawing).map_err(fail)?;
        out.put(&part, xml, if kind == "header" { CT_HEADER } else { CT_FOOTER });
        let mut rels = Vec::new();
        for (id, bytes) in pics.images {
            media += 1;
            let name = format!("media/image{media}.png");
            out.put(&format!("word/{name}"), bytes, "image/png");
            rels.push(rel(&id, pkg::REL_IMAGE, &name));
            if let Some(svg) = pics.svgs.get(&id) {
                let name = format!("media/image{media}.svg");
                out.put(&format!("word/{name}"), svg.clone(), "image/svg+xml");
                rels.push(rel(&format!("{id}Svg"), pkg::REL_IMAGE, &name));
            }
        }
        out.rels(&part, &rels);
    }

    // Static parts.
    out.put("word/styles.xml", styles_xml.to_part(), CT_STYLES);
    out.put("word/numbering.xml", styles::numbering(tpl, &num, &b.ordered).to_part(), CT_NUMBERING);
    out.put(
        "word/settings.xml",
        styles::settings(tpl, lang, own, theme.typography.hyphenate).to_part(),
        CT_SETTINGS,
    );
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
            revised_by: None,
        },
        blocks,
        origins: Default::default(),
    }
}
