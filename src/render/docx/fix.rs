//! Post-processing for DOCX packages written by docx-rs 0.4.
//!
//! docx-rs produces packages that Word and LibreOffice open, but that do not
//! conform to the ECMA-376 schema (child elements out of sequence, an
//! undeclared attribute, duplicate ids, no theme part, ...), and whose bytes
//! depend on process state (global id counters, `HashMap` iteration order).
//! [`repair`] takes the packed bytes and returns a schema-valid package whose
//! bytes depend only on the input document's content.
//!
//! The module uses `std`, the `zip` crate and [`crate::xml`] for escaping.
//! XML is handled by a small lossless tree parser: text, entity references
//! and attribute values are kept exactly as written (never decoded), so the
//! fixer cannot corrupt content it does not touch. It relies on docx-rs'
//! fixed namespace prefixes (`w:`, `wp:`, `r:`, `a:`).
//!
//! # Header rows
//! docx-rs cannot write `<w:tblHeader/>`. Mark a repeating header row with
//! `<w:trHeight w:val="1" w:hRule="auto"/>`, i.e. in docx-rs:
//!
//! ```ignore
//! TableRow::new(cells)
//!     .row_height(fix::HEADER_ROW_MARKER_TWIPS as f32)
//!     .height_rule(HeightRule::Auto)
//! ```
//!
//! `repair` replaces exactly that `trHeight` (val "1", hRule "auto") by
//! `<w:tblHeader/>`. Unrepaired, the marker is harmless: with `hRule="auto"`
//! the height value is ignored. Only mark a contiguous run of rows starting
//! at the first row (that is what Word repeats).
//!
//! # What `repair` does
//! * reorders children into schema sequence: `w:pPr`, `w:rPr`, `w:numPr`,
//!   `w:style`, `w:sectPr`, `w:tblPr`, `w:tcPr`, `w:trPr`, borders, `w:lvl`,
//!   `w:abstractNum`, `w:num`, `w:numbering`, `w:styles`, `w:docDefaults`,
//!   `w:settings`;
//! * moves `w:rPr` out of `w:pPr` where the schema forbids it (styles,
//!   document defaults, numbering levels) and merges it into the sibling rPr;
//! * drops the undeclared `w:type` attribute of `w:gridCol`;
//! * removes duplicate style ids (keeps the LAST definition, so a caller's own
//!   "Normal" replaces docx-rs' bare built-in one) and marks "Normal" default;
//! * adds `<w:lang w:val=LANG/>` to the default run properties and
//!   `<w:themeFontLang>` to settings;
//! * renumbers every `wp:docPr/@id` uniquely across body, headers and footers;
//! * replaces the header-row marker by `<w:tblHeader/>`;
//! * adds a theme part (required relationship) using the Carlito font;
//! * renames image/hyperlink relationship ids (`rIdImg1..`, `rIdLink1..`, in
//!   order of first use) and media files (`media/image1.png..`), sorts the
//!   relationships, so global counters and hash order do not leak into bytes;
//! * removes the dangling `r:id` of hyperlinks docx-rs wrote in headers and
//!   footers without a relationship (the link text stays, unlinked);
//! * drops parts nothing refers to (docx-rs' empty `comments.xml`,
//!   `footnotes.xml`, empty `commentsExtended.xml`) and their content types;
//! * rewrites `docProps/core.xml` from [`CoreMeta`];
//! * repacks with a fixed entry order, 1980-01-01 timestamps and deflate.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{Cursor, Read, Write};

/// Row-height value (twips, with `hRule="auto"`) that marks a table header row.
pub const HEADER_ROW_MARKER_TWIPS: u32 = 1;

/// Metadata written to `docProps/core.xml` (plain text, escaped by `repair`).
#[derive(Debug, Clone, Default)]
pub struct CoreMeta {
    pub title: String,
    pub author: String,
    /// BCP 47 tag, e.g. "nb-NO". Also used for `w:lang` in styles.xml.
    pub lang: String,
    /// W3CDTF, e.g. "2026-01-15T00:00:00Z"; used for created and modified.
    pub date_iso: String,
    pub subject: String,
    pub keywords: String,
    /// Alternative texts of the pictures, in the order of their `wp:docPr`
    /// (body first, then headers and footers); written as `descr`.
    pub image_alts: Vec<String>,
}

/// Takes the packed bytes docx-rs produced and returns a valid, deterministic DOCX.
pub fn repair(docx: &[u8], meta: &CoreMeta) -> Result<Vec<u8>, String> {
    let mut pkg = read_zip(docx)?;
    fix_package(&mut pkg, meta)?;
    write_zip(&pkg)
}

// ===========================================================================
// Package level
// ===========================================================================

type Parts = BTreeMap<String, Vec<u8>>;

const REL_NS_THEME: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme";
const REL_NS_IMAGE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image";
const REL_NS_HYPERLINK: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink";
const REL_NS_CORE: &str =
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties";
const CT_CORE: &str = "application/vnd.openxmlformats-package.core-properties+xml";
const CT_THEME: &str = "application/vnd.openxmlformats-officedocument.theme+xml";

fn read_zip(bytes: &[u8]) -> Result<Parts, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("docx: not a zip: {e}"))?;
    let mut parts = Parts::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(|e| format!("docx: zip entry {i}: {e}"))?;
        if f.is_dir() {
            continue;
        }
        let name = f.name().trim_start_matches('/').to_string();
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).map_err(|e| format!("docx: reading {name}: {e}"))?;
        parts.insert(name, buf);
    }
    if !parts.contains_key("word/document.xml") {
        return Err("docx: word/document.xml missing".into());
    }
    Ok(parts)
}

/// Fixed order for the well-known parts; everything else follows sorted by name.
fn entry_rank(name: &str) -> usize {
    const FIRST: &[&str] = &[
        "[Content_Types].xml",
        "_rels/.rels",
        "docProps/core.xml",
        "docProps/app.xml",
        "docProps/custom.xml",
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

fn write_zip(parts: &Parts) -> Result<Vec<u8>, String> {
    let mut names: Vec<&String> = parts.keys().collect();
    names.sort_by(|a, b| (entry_rank(a), a.as_str()).cmp(&(entry_rank(b), b.as_str())));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(zip::DateTime::default()) // 1980-01-01 00:00:00
        .unix_permissions(0o644)
        .large_file(false);
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for name in names {
        w.start_file(name.as_str(), opts).map_err(|e| format!("zip: {e}"))?;
        w.write_all(&parts[name]).map_err(|e| format!("zip: {e}"))?;
    }
    Ok(w.finish().map_err(|e| format!("zip: {e}"))?.into_inner())
}

fn parse_part(parts: &Parts, name: &str) -> Result<Option<XmlDoc>, String> {
    match parts.get(name) {
        None => Ok(None),
        Some(b) => {
            let s = std::str::from_utf8(b).map_err(|_| format!("{name}: not UTF-8"))?;
            XmlDoc::parse(s).map(Some).map_err(|e| format!("{name}: {e}"))
        }
    }
}

fn rels_name_of(part: &str) -> String {
    match part.rfind('/') {
        Some(i) => format!("{}/_rels/{}.rels", &part[..i], &part[i + 1..]),
        None => format!("_rels/{part}.rels"),
    }
}

/// Resolves a relationship target relative to the source part's folder.
fn resolve_target(source_part: &str, target: &str) -> String {
    if let Some(t) = target.strip_prefix('/') {
        return t.to_string();
    }
    let mut segs: Vec<&str> = match source_part.rfind('/') {
        Some(i) => source_part[..i].split('/').collect(),
        None => vec![],
    };
    for s in target.split('/') {
        match s {
            ".." => {
                segs.pop();
            }
            "." | "" => {}
            s => segs.push(s),
        }
    }
    segs.join("/")
}

/// Numeric suffix-aware key so header10 sorts after header2.
fn natural_key(s: &str) -> (String, u64) {
    let stem = s.trim_end_matches(".xml");
    let digits: String = stem.chars().rev().take_while(|c| c.is_ascii_digit()).collect();
    let n = digits.chars().rev().collect::<String>().parse().unwrap_or(0);
    (stem[..stem.len() - digits.len()].to_string(), n)
}

fn fix_package(parts: &mut Parts, meta: &CoreMeta) -> Result<(), String> {
    let lang = if meta.lang.is_empty() { "nb-NO" } else { meta.lang.as_str() };

    // Story parts in a fixed order: body, headers, footers.
    let mut stories: Vec<String> = parts
        .keys()
        .filter(|n| n.starts_with("word/header") || n.starts_with("word/footer"))
        .filter(|n| n.ends_with(".xml") && !n.contains("/_rels/"))
        .cloned()
        .collect();
    stories.sort_by_key(|n| natural_key(n));
    stories.insert(0, "word/document.xml".to_string());

    // ---- WordprocessingML parts: schema fixes --------------------------------
    let mut doc_pr_id = 0u32;
    for name in &stories {
        let Some(mut doc) = parse_part(parts, name)? else {
            continue;
        };
        hyphenate_cells(&mut doc.root, false);
        fix_wml(&mut doc.root);
        renumber_doc_pr(&mut doc.root, &mut doc_pr_id, &meta.image_alts);
        parts.insert(name.clone(), doc.to_bytes());
    }
    if let Some(mut doc) = parse_part(parts, "word/styles.xml")? {
        fix_wml(&mut doc.root);
        fix_styles(&mut doc.root, lang);
        parts.insert("word/styles.xml".into(), doc.to_bytes());
    }
    if let Some(mut doc) = parse_part(parts, "word/numbering.xml")? {
        fix_wml(&mut doc.root);
        parts.insert("word/numbering.xml".into(), doc.to_bytes());
    }
    if let Some(mut doc) = parse_part(parts, "word/settings.xml")? {
        // Hyphenation is on for the document, and off but in table cells (see
        // fix_styles and hyphenate_cells), as in the PDF.
        if doc.root.child("w:autoHyphenation").is_none() {
            doc.root.children.push(Node::Elem(Elem::new("w:autoHyphenation")));
        }
        if doc.root.child("w:themeFontLang").is_none() {
            doc.root.children.push(Node::Elem(Elem::new("w:themeFontLang").with_attr("w:val", &esc(lang))));
        }
        fix_wml(&mut doc.root);
        parts.insert("word/settings.xml".into(), doc.to_bytes());
    }

    // ---- theme part (required relationship from the main document) ----------
    let doc_rels_name = "word/_rels/document.xml.rels".to_string();
    let mut doc_rels =
        parse_part(parts, &doc_rels_name)?.unwrap_or_else(|| XmlDoc::parse(EMPTY_RELS).expect("static xml"));
    let has_theme =
        doc_rels.root.children_named("Relationship").any(|r| r.attr("Type") == Some(REL_NS_THEME));
    if !has_theme {
        let mut n = 1;
        while parts.contains_key(&format!("word/theme/theme{n}.xml")) {
            n += 1;
        }
        parts.insert(format!("word/theme/theme{n}.xml"), THEME_XML.as_bytes().to_vec());
        doc_rels.root.children.push(Node::Elem(
            Elem::new("Relationship")
                .with_attr("Id", &format!("rIdTheme{n}"))
                .with_attr("Type", REL_NS_THEME)
                .with_attr("Target", &format!("theme/theme{n}.xml")),
        ));
        add_override(parts, &format!("/word/theme/theme{n}.xml"), CT_THEME)?;
    }
    // Drop the empty commentsExtended part docx-rs always links.
    let mut empty_parts = BTreeSet::new();
    for r in doc_rels.root.children_named("Relationship") {
        if r.attr("TargetMode") == Some("External") {
            continue;
        }
        let target = resolve_target("word/document.xml", r.attr("Target").unwrap_or(""));
        if target.ends_with("commentsExtended.xml") {
            if let Some(d) = parse_part(parts, &target)? {
                if !d.root.children.iter().any(|n| matches!(n, Node::Elem(_))) {
                    empty_parts.insert(target);
                }
            }
        }
    }
    doc_rels.root.children.retain(|n| match n {
        Node::Elem(e) if e.name == "Relationship" && e.attr("TargetMode") != Some("External") => {
            !empty_parts.contains(&resolve_target("word/document.xml", e.attr("Target").unwrap_or("")))
        }
        _ => true,
    });
    parts.insert(doc_rels_name, doc_rels.to_bytes());

    // ---- relationship ids and media names -------------------------------------
    canonicalize_relationships(parts, &stories)?;

    // ---- core properties ------------------------------------------------------
    parts.insert("docProps/core.xml".into(), core_xml(meta, lang).into_bytes());
    let mut root_rels =
        parse_part(parts, "_rels/.rels")?.ok_or_else(|| "docx: _rels/.rels missing".to_string())?;
    if !root_rels.root.children_named("Relationship").any(|r| r.attr("Type") == Some(REL_NS_CORE)) {
        root_rels.root.children.push(Node::Elem(
            Elem::new("Relationship")
                .with_attr("Id", "rIdCore")
                .with_attr("Type", REL_NS_CORE)
                .with_attr("Target", "docProps/core.xml"),
        ));
        parts.insert("_rels/.rels".into(), root_rels.to_bytes());
        add_override(parts, "/docProps/core.xml", CT_CORE)?;
    }

    // ---- prune unreachable parts and stale content types --------------------
    prune_unreachable(parts)?;
    Ok(())
}

const EMPTY_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>"#;

fn add_override(parts: &mut Parts, part_name: &str, content_type: &str) -> Result<(), String> {
    let Some(mut ct) = parse_part(parts, "[Content_Types].xml")? else {
        return Err("docx: [Content_Types].xml missing".into());
    };
    if !ct.root.children_named("Override").any(|o| o.attr("PartName") == Some(part_name)) {
        ct.root.children.push(Node::Elem(
            Elem::new("Override").with_attr("PartName", part_name).with_attr("ContentType", content_type),
        ));
    }
    parts.insert("[Content_Types].xml".into(), ct.to_bytes());
    Ok(())
}

/// Renames image and hyperlink relationships of every story part to
/// `rIdImgN` / `rIdLinkN` in order of first reference, renames media files to
/// `media/imageN.ext` in order of first use across the package, and sorts each
/// relationships part (other relationships first, in their original order).
fn canonicalize_relationships(parts: &mut Parts, stories: &[String]) -> Result<(), String> {
    let mut media_map: HashMap<String, String> = HashMap::new(); // old package path -> new
    let mut media_count = 0usize;
    for part in stories {
        let rels_name = rels_name_of(part);
        let Some(mut doc) = parse_part(parts, part)? else {
            continue;
        };
        let rels_existed = parts.contains_key(&rels_name);
        let mut rels =
            parse_part(parts, &rels_name)?.unwrap_or_else(|| XmlDoc::parse(EMPTY_RELS).expect("static xml"));

        // First-reference order of r:* attribute values in the part.
        let mut order: Vec<String> = Vec::new();
        collect_rel_refs(&doc.root, &mut order);
        let pos: HashMap<&str, usize> =
            order.iter().enumerate().rev().map(|(i, s)| (s.as_str(), i)).collect();

        let mut fixed: Vec<Elem> = Vec::new();
        let mut volatile: Vec<(usize, String, String, Elem)> = Vec::new(); // (pos, target, old id, rel)
        for n in rels.root.children.drain(..) {
            if let Node::Elem(e) = n {
                if e.name != "Relationship" {
                    continue;
                }
                let ty = e.attr("Type").unwrap_or("");
                if ty == REL_NS_IMAGE || ty == REL_NS_HYPERLINK {
                    let id = e.attr("Id").unwrap_or("").to_string();
                    let p = pos.get(id.as_str()).copied().unwrap_or(usize::MAX);
                    volatile.push((p, e.attr("Target").unwrap_or("").to_string(), id, e));
                } else {
                    fixed.push(e);
                }
            }
        }
        // Unreferenced ones go last, ordered by target then old id (stable).
        volatile.sort_by(|a, b| (a.0, &a.1, &a.2).cmp(&(b.0, &b.1, &b.2)));
        let mut rename: HashMap<String, String> = HashMap::new();
        let (mut n_img, mut n_link) = (0, 0);
        let mut images = Vec::new();
        let mut links = Vec::new();
        for (_, _, old, mut e) in volatile {
            let is_img = e.attr("Type") == Some(REL_NS_IMAGE);
            let new_id = if is_img {
                n_img += 1;
                format!("rIdImg{n_img}")
            } else {
                n_link += 1;
                format!("rIdLink{n_link}")
            };
            rename.insert(old, new_id.clone());
            e.set_attr("Id", &new_id);
            if is_img && e.attr("TargetMode") != Some("External") {
                let target = e.attr("Target").unwrap_or("").to_string();
                let abs = resolve_target(part, &target);
                let new_abs = match media_map.get(&abs) {
                    Some(n) => n.clone(),
                    None => {
                        media_count += 1;
                        let ext = abs
                            .rsplit_once('.')
                            .map(|(_, x)| x.to_ascii_lowercase())
                            .unwrap_or_else(|| "bin".into());
                        let n = format!("word/media/image{media_count}.{ext}");
                        media_map.insert(abs.clone(), n.clone());
                        n
                    }
                };
                // story parts all live in word/, so the relative target is media/...
                e.set_attr("Target", new_abs.strip_prefix("word/").unwrap_or(&new_abs));
            }
            if is_img {
                images.push(e)
            } else {
                links.push(e)
            }
        }
        rels.root.children = fixed.into_iter().chain(images).chain(links).map(Node::Elem).collect();
        rename_rel_refs(&mut doc.root, &rename);
        // docx-rs registers external links only for the body: a w:hyperlink in
        // a header/footer points at a relationship that does not exist (the
        // URL is lost). Drop the dangling r:id so the text stays, unlinked.
        let ids: BTreeSet<String> = rels
            .root
            .children_named("Relationship")
            .filter_map(|r| r.attr("Id"))
            .map(str::to_string)
            .collect();
        drop_dangling_links(&mut doc.root, &ids);
        if rels_existed {
            parts.insert(rels_name, rels.to_bytes());
        }
        parts.insert(part.clone(), doc.to_bytes());
    }
    // Move media bytes. Two-phase so that swapping names cannot clobber.
    let mut moved = Vec::new();
    for (old, new) in &media_map {
        if let Some(bytes) = parts.remove(old) {
            moved.push((new.clone(), bytes));
        }
    }
    for (new, bytes) in moved {
        parts.insert(new, bytes);
    }
    Ok(())
}

fn drop_dangling_links(e: &mut Elem, ids: &BTreeSet<String>) {
    if e.name == "w:hyperlink" {
        if let Some(id) = e.attr("r:id") {
            if !ids.contains(id) {
                e.remove_attr("r:id");
            }
        }
    }
    for c in e.elems_mut() {
        drop_dangling_links(c, ids);
    }
}

fn is_rel_attr(name: &str) -> bool {
    name.starts_with("r:")
}

fn collect_rel_refs(e: &Elem, out: &mut Vec<String>) {
    for (k, v) in &e.attrs {
        if is_rel_attr(k) {
            out.push(v.clone());
        }
    }
    for c in e.elems() {
        collect_rel_refs(c, out);
    }
}

fn rename_rel_refs(e: &mut Elem, map: &HashMap<String, String>) {
    for (k, v) in e.attrs.iter_mut() {
        if is_rel_attr(k) {
            if let Some(n) = map.get(v.as_str()) {
                *v = n.clone();
            }
        }
    }
    for c in e.elems_mut() {
        rename_rel_refs(c, map);
    }
}

/// Keeps only parts reachable from `_rels/.rels` (plus the relationship parts
/// of kept parts and `[Content_Types].xml`); drops Overrides of missing parts.
fn prune_unreachable(parts: &mut Parts) -> Result<(), String> {
    let mut keep: BTreeSet<String> = BTreeSet::new();
    keep.insert("[Content_Types].xml".into());
    let mut queue = vec![String::new()]; // "" = package root
    while let Some(src) = queue.pop() {
        let rels_name = if src.is_empty() { "_rels/.rels".to_string() } else { rels_name_of(&src) };
        let Some(rels) = parse_part(parts, &rels_name)? else {
            continue;
        };
        keep.insert(rels_name);
        for r in rels.root.children_named("Relationship") {
            if r.attr("TargetMode") == Some("External") {
                continue;
            }
            let t = resolve_target(if src.is_empty() { "x" } else { &src }, r.attr("Target").unwrap_or(""));
            if parts.contains_key(&t) && keep.insert(t.clone()) {
                queue.push(t);
            }
        }
    }
    parts.retain(|k, _| keep.contains(k));
    if let Some(mut ct) = parse_part(parts, "[Content_Types].xml")? {
        ct.root.children.retain(|n| match n {
            Node::Elem(e) if e.name == "Override" => {
                let p = e.attr("PartName").unwrap_or("").trim_start_matches('/');
                parts.contains_key(p)
            }
            _ => true,
        });
        parts.insert("[Content_Types].xml".into(), ct.to_bytes());
    }
    Ok(())
}

fn core_xml(m: &CoreMeta, lang: &str) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
    );
    let mut el = |tag: &str, v: &str| {
        if !v.is_empty() {
            s.push_str(&format!("<{tag}>{}</{tag}>", esc(v)));
        }
    };
    el("dc:title", &m.title);
    el("dc:subject", &m.subject);
    el("dc:creator", &m.author);
    el("cp:keywords", &m.keywords);
    el("dc:language", lang);
    el("cp:lastModifiedBy", &m.author);
    el("cp:revision", "1");
    let date = if m.date_iso.is_empty() { "1980-01-01T00:00:00Z" } else { m.date_iso.as_str() };
    for tag in ["dcterms:created", "dcterms:modified"] {
        s.push_str(&format!(r#"<{tag} xsi:type="dcterms:W3CDTF">{}</{tag}>"#, esc(date)));
    }
    s.push_str("</cp:coreProperties>");
    s
}

use crate::xml::escape as esc;

// ===========================================================================
// WordprocessingML fixes
// ===========================================================================

/// Schema sequences (ECMA-376 transitional, wml.xsd). Elements of one
/// `xsd:choice` share a rank. Names not listed keep the rank of their
/// preceding sibling, except in w:settings, where foreign-namespace
/// extension elements (w14:, w15:, ...) go last.
fn sequence(parent: &str) -> Option<&'static [&'static str]> {
    Some(match parent {
        "w:pPr" => &[
            "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
            "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
            "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
            "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
            "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
            "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
            "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
            "w:pPrChange",
        ],
        "w:rPr" => &[
            "w:ins", "w:del", "w:moveFrom", "w:moveTo", "w:rStyle", "w:rFonts", "w:b", "w:bCs",
            "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike", "w:dstrike", "w:outline",
            "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid", "w:vanish",
            "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz",
            "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText",
            "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
            "w:specVanish", "w:oMath", "w:rPrChange",
        ],
        "w:numPr" => &["w:ilvl", "w:numId", "w:numberingChange", "w:ins"],
        "w:style" => &[
            "w:name", "w:aliases", "w:basedOn", "w:next", "w:link", "w:autoRedefine", "w:hidden",
            "w:uiPriority", "w:semiHidden", "w:unhideWhenUsed", "w:qFormat", "w:locked",
            "w:personal", "w:personalCompose", "w:personalReply", "w:rsid", "w:pPr", "w:rPr",
            "w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr",
        ],
        "w:sectPr" => &[
            "w:headerReference|w:footerReference", "w:footnotePr", "w:endnotePr", "w:type",
            "w:pgSz", "w:pgMar", "w:paperSrc", "w:pgBorders", "w:lnNumType", "w:pgNumType",
            "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
            "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
        ],
        "w:tblPr" => &[
            "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
            "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd",
            "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
            "w:tblDescription", "w:tblPrChange",
        ],
        "w:tcPr" => &[
            "w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd",
            "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
            "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange",
        ],
        // CT_TrPr: a choice group, then ins, del, trPrChange.
        "w:trPr" => &[
            "w:cnfStyle|w:divId|w:gridBefore|w:gridAfter|w:wBefore|w:wAfter|w:cantSplit|w:trHeight|w:tblHeader|w:tblCellSpacing|w:jc|w:hidden",
            "w:ins", "w:del", "w:trPrChange",
        ],
        "w:tblBorders" | "w:tcBorders" | "w:tblCellMar" | "w:tcMar" | "w:pBdr" => &[
            "w:top", "w:left|w:start", "w:bottom", "w:right|w:end", "w:insideH", "w:insideV",
            "w:tl2br", "w:tr2bl", "w:between", "w:bar",
        ],
        "w:lvl" => &[
            "w:start", "w:numFmt", "w:lvlRestart", "w:pStyle", "w:isLgl", "w:suff", "w:lvlText",
            "w:lvlPicBulletId", "w:legacy", "w:lvlJc", "w:pPr", "w:rPr",
        ],
        "w:abstractNum" => &[
            "w:nsid", "w:multiLevelType", "w:tmpl", "w:name", "w:styleLink", "w:numStyleLink",
            "w:lvl",
        ],
        "w:num" => &["w:abstractNumId", "w:lvlOverride"],
        "w:lvlOverride" => &["w:startOverride", "w:lvl"],
        "w:numbering" => &["w:numPicBullet", "w:abstractNum", "w:num", "w:numIdMacAtCleanup"],
        "w:styles" => &["w:docDefaults", "w:latentStyles", "w:style"],
        "w:docDefaults" => &["w:rPrDefault", "w:pPrDefault"],
        "w:tbl" => &["w:tblPr", "w:tblGrid"], // rows keep the rank of tblGrid
        "w:tr" => &["w:tblPrEx", "w:trPr"],
        "w:tc" => &["w:tcPr"],
        "w:p" => &["w:pPr"],
        "w:r" => &["w:rPr"],
        "w:settings" => &[
            "w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation",
            "w:removeDateAndTime", "w:doNotDisplayPageBoundaries", "w:displayBackgroundShape",
            "w:printPostScriptOverText", "w:printFractionalCharacterWidth", "w:printFormsData",
            "w:embedTrueTypeFonts", "w:embedSystemFonts", "w:saveSubsetFonts", "w:saveFormsData",
            "w:mirrorMargins", "w:alignBordersAndEdges", "w:bordersDoNotSurroundHeader",
            "w:bordersDoNotSurroundFooter", "w:gutterAtTop", "w:hideSpellingErrors",
            "w:hideGrammaticalErrors", "w:activeWritingStyle", "w:proofState", "w:formsDesign",
            "w:attachedTemplate", "w:linkStyles", "w:stylePaneFormatFilter",
            "w:stylePaneSortMethod", "w:documentType", "w:mailMerge", "w:revisionView",
            "w:trackRevisions", "w:doNotTrackMoves", "w:doNotTrackFormatting",
            "w:documentProtection", "w:autoFormatOverride", "w:styleLockTheme",
            "w:styleLockQFSet", "w:defaultTabStop", "w:autoHyphenation",
            "w:consecutiveHyphenLimit", "w:hyphenationZone", "w:doNotHyphenateCaps",
            "w:showEnvelope", "w:summaryLength", "w:clickAndTypeStyle", "w:defaultTableStyle",
            "w:evenAndOddHeaders", "w:bookFoldRevPrinting", "w:bookFoldPrinting",
            "w:bookFoldPrintingSheets", "w:drawingGridHorizontalSpacing",
            "w:drawingGridVerticalSpacing", "w:displayHorizontalDrawingGridEvery",
            "w:displayVerticalDrawingGridEvery", "w:doNotUseMarginsForDrawingGridOrigin",
            "w:drawingGridHorizontalOrigin", "w:drawingGridVerticalOrigin",
            "w:doNotShadeFormData", "w:noPunctuationKerning", "w:characterSpacingControl",
            "w:printTwoOnOne", "w:strictFirstAndLastChars", "w:noLineBreaksAfter",
            "w:noLineBreaksBefore", "w:savePreviewPicture", "w:doNotValidateAgainstSchema",
            "w:saveInvalidXml", "w:ignoreMixedContent", "w:alwaysShowPlaceholderText",
            "w:doNotDemarcateInvalidXml", "w:saveXmlDataOnly", "w:useXSLTWhenSaving",
            "w:saveThroughXslt", "w:showXMLTags", "w:alwaysMergeEmptyNamespace",
            "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat",
            "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
            "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures",
            "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType",
            "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol",
            "w:listSeparator",
        ],
        _ => return None,
    })
}

fn rank_in(seq: &[&str], name: &str) -> Option<usize> {
    seq.iter().position(|alts| alts.split('|').any(|a| a == name))
}

/// Stable-sorts the element children of `e` into schema order. Text/comment
/// nodes and unknown elements stay attached to the preceding element.
fn reorder(e: &mut Elem) {
    let Some(seq) = sequence(&e.name) else { return };
    let settings = e.name == "w:settings";
    let mut prev = 0usize;
    let mut keyed: Vec<(usize, Node)> = Vec::with_capacity(e.children.len());
    for n in e.children.drain(..) {
        let r = match &n {
            Node::Elem(c) => match rank_in(seq, &c.name) {
                Some(r) => r,
                None if settings && !c.name.starts_with("w:") => usize::MAX,
                None => prev,
            },
            _ => prev,
        };
        if r != usize::MAX {
            prev = r;
        }
        keyed.push((r, n));
    }
    keyed.sort_by_key(|(r, _)| *r); // stable
    e.children = keyed.into_iter().map(|(_, n)| n).collect();
}

/// Recursive, post-order fixes for any WordprocessingML part.
fn fix_wml(e: &mut Elem) {
    let me = e.name.clone();
    for c in e.elems_mut() {
        fix_wml(c);
    }
    match me.as_str() {
        "w:gridCol" => e.remove_attr("w:type"),
        "w:trPr" => {
            for n in e.children.iter_mut() {
                if let Node::Elem(c) = n {
                    if c.name == "w:trHeight"
                        && c.attr("w:val") == Some(HEADER_ROW_MARKER_TWIPS.to_string().as_str())
                        && c.attr("w:hRule") == Some("auto")
                    {
                        *c = Elem::new("w:tblHeader");
                    }
                }
            }
        }
        // CT_PPrGeneral (styles, numbering levels) has no rPr child.
        "w:style" | "w:lvl" => {
            let moved = take_ppr_rpr(e);
            merge_rpr(e, moved);
        }
        "w:docDefaults" => {
            let moved = match e.child_mut("w:pPrDefault") {
                Some(d) => take_ppr_rpr(d),
                None => vec![],
            };
            if !moved.is_empty() {
                let d = e.child_or_insert("w:rPrDefault");
                merge_rpr(d, moved);
            }
        }
        _ => {}
    }
    reorder(e);
}

/// Narrow table cells hyphenate (the document's default suppresses it): every
/// paragraph inside a `w:tc` gets `<w:suppressAutoHyphens w:val="0"/>`.
fn hyphenate_cells(e: &mut Elem, in_cell: bool) {
    let in_cell = in_cell || e.name == "w:tc";
    if in_cell && e.name == "w:p" {
        let ppr = e.child_or_insert("w:pPr");
        if ppr.child("w:suppressAutoHyphens").is_none() {
            ppr.children.push(Node::Elem(Elem::new("w:suppressAutoHyphens").with_attr("w:val", "0")));
        }
    }
    for c in e.elems_mut() {
        hyphenate_cells(c, in_cell);
    }
}

/// Removes `w:rPr` from the `w:pPr` child of `e`, returning its children.
fn take_ppr_rpr(e: &mut Elem) -> Vec<Node> {
    let mut out = Vec::new();
    if let Some(ppr) = e.child_mut("w:pPr") {
        ppr.children.retain_mut(|n| match n {
            Node::Elem(c) if c.name == "w:rPr" => {
                out.append(&mut c.children);
                false
            }
            _ => true,
        });
    }
    out
}

/// Adds run properties to `e`'s `w:rPr` unless already present there.
fn merge_rpr(e: &mut Elem, moved: Vec<Node>) {
    let moved: Vec<Elem> = moved
        .into_iter()
        .filter_map(|n| match n {
            Node::Elem(c) => Some(c),
            _ => None,
        })
        .collect();
    if moved.is_empty() {
        return;
    }
    let rpr = e.child_or_insert("w:rPr");
    for c in moved {
        if rpr.child(&c.name).is_none() {
            rpr.children.push(Node::Elem(c));
        }
    }
    reorder(rpr);
    reorder(e);
}

fn fix_styles(root: &mut Elem, lang: &str) {
    // Duplicate style ids: keep the last definition.
    let mut last: HashMap<String, usize> = HashMap::new();
    for (i, n) in root.children.iter().enumerate() {
        if let Node::Elem(c) = n {
            if c.name == "w:style" {
                last.insert(c.attr("w:styleId").unwrap_or("").to_string(), i);
            }
        }
    }
    let mut i = 0;
    root.children.retain(|n| {
        let keep = match n {
            Node::Elem(c) if c.name == "w:style" => last.get(c.attr("w:styleId").unwrap_or("")) == Some(&i),
            _ => true,
        };
        i += 1;
        keep
    });
    // Normal is the default paragraph style unless another one says so.
    let has_default = root.children_named("w:style").any(|s| {
        s.attr("w:type") == Some("paragraph")
            && matches!(s.attr("w:default"), Some("1") | Some("true") | Some("on"))
    });
    if !has_default {
        for s in root.elems_mut() {
            if s.name == "w:style"
                && s.attr("w:styleId") == Some("Normal")
                && s.attr("w:type") == Some("paragraph")
            {
                s.set_attr("w:default", "1");
            }
        }
    }
    // No hyphenation by default; table cells turn it on (hyphenate_cells).
    let dd = root.child_or_insert("w:docDefaults");
    let ppr = dd.child_or_insert("w:pPrDefault").child_or_insert("w:pPr");
    if ppr.child("w:suppressAutoHyphens").is_none() {
        ppr.children.push(Node::Elem(Elem::new("w:suppressAutoHyphens")));
    }
    reorder(ppr);
    // Document language in the default run properties.
    let dd = root.child_or_insert("w:docDefaults");
    let rpr = dd.child_or_insert("w:rPrDefault").child_or_insert("w:rPr");
    match rpr.child_mut("w:lang") {
        Some(l) => l.set_attr("w:val", &esc(lang)),
        None => rpr.children.push(Node::Elem(Elem::new("w:lang").with_attr("w:val", &esc(lang)))),
    }
    reorder(rpr);
    reorder(dd);
    reorder(root);
}

fn renumber_doc_pr(e: &mut Elem, next: &mut u32, alts: &[String]) {
    if e.name == "wp:docPr" {
        *next += 1;
        e.set_attr("id", &next.to_string());
        if let Some(alt) = alts.get(*next as usize - 1) {
            e.set_attr("descr", &esc(alt));
        }
    }
    for c in e.elems_mut() {
        renumber_doc_pr(c, next, alts);
    }
}

// ===========================================================================
// Minimal lossless XML tree
// ===========================================================================

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Elem(Elem),
    /// Raw markup kept verbatim: text (still escaped), comments, CDATA, PIs.
    Raw(String),
}

#[derive(Debug, Clone, PartialEq)]
struct Elem {
    name: String,
    /// Attribute values are stored escaped, exactly as in the source (a `"`
    /// inside a single-quoted value is stored as `&quot;`).
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
}

impl Elem {
    fn new(name: &str) -> Elem {
        Elem { name: name.to_string(), attrs: vec![], children: vec![] }
    }
    /// `v` must already be escaped.
    fn with_attr(mut self, k: &str, v: &str) -> Elem {
        self.set_attr(k, v);
        self
    }
    fn attr(&self, k: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
    }
    fn set_attr(&mut self, k: &str, v: &str) {
        match self.attrs.iter_mut().find(|(n, _)| n == k) {
            Some(a) => a.1 = v.to_string(),
            None => self.attrs.push((k.to_string(), v.to_string())),
        }
    }
    fn remove_attr(&mut self, k: &str) {
        self.attrs.retain(|(n, _)| n != k);
    }
    fn elems(&self) -> impl Iterator<Item = &Elem> {
        self.children.iter().filter_map(|n| match n {
            Node::Elem(e) => Some(e),
            _ => None,
        })
    }
    fn elems_mut(&mut self) -> impl Iterator<Item = &mut Elem> {
        self.children.iter_mut().filter_map(|n| match n {
            Node::Elem(e) => Some(e),
            _ => None,
        })
    }
    fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Elem> + 'a {
        self.elems().filter(move |e| e.name == name)
    }
    fn child(&self, name: &str) -> Option<&Elem> {
        self.elems().find(|e| e.name == name)
    }
    fn child_mut(&mut self, name: &str) -> Option<&mut Elem> {
        self.elems_mut().find(|e| e.name == name)
    }
    fn child_or_insert(&mut self, name: &str) -> &mut Elem {
        if self.child(name).is_none() {
            self.children.push(Node::Elem(Elem::new(name)));
        }
        self.child_mut(name).expect("just inserted")
    }
    fn write(&self, out: &mut String) {
        out.push('<');
        out.push_str(&self.name);
        for (k, v) in &self.attrs {
            out.push(' ');
            out.push_str(k);
            out.push_str("=\"");
            out.push_str(v);
            out.push('"');
        }
        if self.children.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        for c in &self.children {
            match c {
                Node::Elem(e) => e.write(out),
                Node::Raw(s) => out.push_str(s),
            }
        }
        out.push_str("</");
        out.push_str(&self.name);
        out.push('>');
    }
}

#[derive(Debug)]
struct XmlDoc {
    root: Elem,
}

const XML_DECL: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

impl XmlDoc {
    fn to_bytes(&self) -> Vec<u8> {
        let mut s = String::from(XML_DECL);
        self.root.write(&mut s);
        s.into_bytes()
    }

    fn parse(src: &str) -> Result<XmlDoc, String> {
        let src = src.strip_prefix('\u{feff}').unwrap_or(src);
        let b = src.as_bytes();
        let mut i = 0usize;
        let mut stack: Vec<Elem> = Vec::new();
        let mut root: Option<Elem> = None;
        let find = |from: usize, pat: &str| -> Result<usize, String> {
            src[from..]
                .find(pat)
                .map(|p| from + p)
                .ok_or_else(|| format!("unterminated markup at byte {from}"))
        };
        while i < b.len() {
            if b[i] != b'<' {
                let end = src[i..].find('<').map(|p| i + p).unwrap_or(b.len());
                let text = &src[i..end];
                match stack.last_mut() {
                    Some(top) => top.children.push(Node::Raw(text.to_string())),
                    None if text.trim().is_empty() => {}
                    None => return Err(format!("text outside root at byte {i}")),
                }
                i = end;
                continue;
            }
            let rest = &src[i..];
            if rest.starts_with("<?") {
                let end = find(i, "?>")? + 2;
                if let Some(top) = stack.last_mut() {
                    top.children.push(Node::Raw(src[i..end].to_string()));
                } // prolog / top-level PIs are dropped; the declaration is re-emitted.
                i = end;
            } else if rest.starts_with("<!--") {
                let end = find(i, "-->")? + 3;
                if let Some(top) = stack.last_mut() {
                    top.children.push(Node::Raw(src[i..end].to_string()));
                }
                i = end;
            } else if rest.starts_with("<![CDATA[") {
                let end = find(i, "]]>")? + 3;
                match stack.last_mut() {
                    Some(top) => top.children.push(Node::Raw(src[i..end].to_string())),
                    None => return Err("CDATA outside root".into()),
                }
                i = end;
            } else if rest.starts_with("<!") {
                return Err("DTDs are not supported".into());
            } else if rest.starts_with("</") {
                let end = find(i, ">")?;
                let name = src[i + 2..end].trim();
                let e = stack.pop().ok_or_else(|| format!("unexpected </{name}>"))?;
                if e.name != name {
                    return Err(format!("mismatched </{name}>, open <{}>", e.name));
                }
                i = end + 1;
                match stack.last_mut() {
                    Some(top) => top.children.push(Node::Elem(e)),
                    None => {
                        if root.is_some() {
                            return Err("several root elements".into());
                        }
                        root = Some(e)
                    }
                }
            } else {
                // start tag
                let mut j = i + 1;
                while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' && b[j] != b'/' {
                    j += 1;
                }
                let mut e = Elem::new(&src[i + 1..j]);
                if e.name.is_empty() {
                    return Err(format!("bad tag at byte {i}"));
                }
                let self_closing;
                loop {
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if j >= b.len() {
                        return Err("unterminated start tag".into());
                    }
                    if b[j] == b'>' {
                        self_closing = false;
                        j += 1;
                        break;
                    }
                    if b[j] == b'/' {
                        if b.get(j + 1) != Some(&b'>') {
                            return Err(format!("bad '/' in tag at byte {j}"));
                        }
                        self_closing = true;
                        j += 2;
                        break;
                    }
                    let ks = j;
                    while j < b.len() && b[j] != b'=' && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                        j += 1;
                    }
                    let key = &src[ks..j];
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if b.get(j) != Some(&b'=') {
                        return Err(format!("attribute {key} without value"));
                    }
                    j += 1;
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    let q = *b.get(j).ok_or("unterminated attribute")?;
                    if q != b'"' && q != b'\'' {
                        return Err(format!("unquoted attribute {key}"));
                    }
                    let vs = j + 1;
                    let ve =
                        src[vs..].find(q as char).map(|p| vs + p).ok_or("unterminated attribute value")?;
                    // Stored as it must appear between double quotes.
                    e.attrs.push((key.to_string(), src[vs..ve].replace('"', "&quot;")));
                    j = ve + 1;
                }
                i = j;
                if self_closing {
                    match stack.last_mut() {
                        Some(top) => top.children.push(Node::Elem(e)),
                        None => {
                            if root.is_some() {
                                return Err("several root elements".into());
                            }
                            root = Some(e)
                        }
                    }
                } else {
                    stack.push(e);
                }
            }
        }
        if let Some(e) = stack.last() {
            return Err(format!("unclosed <{}>", e.name));
        }
        root.map(|root| XmlDoc { root }).ok_or_else(|| "no root element".into())
    }
}

// ===========================================================================
// Theme (required by the schema-level package rules). Written for arsplan.
// ===========================================================================

const THEME_XML: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="arsplan">"#,
    r#"<a:themeElements>"#,
    r#"<a:clrScheme name="arsplan">"#,
    r#"<a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>"#,
    r#"<a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>"#,
    r#"<a:dk2><a:srgbClr val="1F3864"/></a:dk2>"#,
    r#"<a:lt2><a:srgbClr val="E7E6E6"/></a:lt2>"#,
    r#"<a:accent1><a:srgbClr val="2E74B5"/></a:accent1>"#,
    r#"<a:accent2><a:srgbClr val="ED7D31"/></a:accent2>"#,
    r#"<a:accent3><a:srgbClr val="A5A5A5"/></a:accent3>"#,
    r#"<a:accent4><a:srgbClr val="FFC000"/></a:accent4>"#,
    r#"<a:accent5><a:srgbClr val="4472C4"/></a:accent5>"#,
    r#"<a:accent6><a:srgbClr val="70AD47"/></a:accent6>"#,
    r#"<a:hlink><a:srgbClr val="0563C1"/></a:hlink>"#,
    r#"<a:folHlink><a:srgbClr val="954F72"/></a:folHlink>"#,
    r#"</a:clrScheme>"#,
    r#"<a:fontScheme name="arsplan">"#,
    r#"<a:majorFont><a:latin typeface="Carlito"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont>"#,
    r#"<a:minorFont><a:latin typeface="Carlito"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont>"#,
    r#"</a:fontScheme>"#,
    r#"<a:fmtScheme name="arsplan">"#,
    r#"<a:fillStyleLst>"#,
    r#"<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>"#,
    r#"<a:solidFill><a:schemeClr val="phClr"><a:tint val="50000"/></a:schemeClr></a:solidFill>"#,
    r#"<a:solidFill><a:schemeClr val="phClr"><a:shade val="80000"/></a:schemeClr></a:solidFill>"#,
    r#"</a:fillStyleLst>"#,
    r#"<a:lnStyleLst>"#,
    r#"<a:ln w="6350" cap="flat" cmpd="sng" algn="ctr"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:prstDash val="solid"/><a:miter lim="800000"/></a:ln>"#,
    r#"<a:ln w="12700" cap="flat" cmpd="sng" algn="ctr"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:prstDash val="solid"/><a:miter lim="800000"/></a:ln>"#,
    r#"<a:ln w="19050" cap="flat" cmpd="sng" algn="ctr"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:prstDash val="solid"/><a:miter lim="800000"/></a:ln>"#,
    r#"</a:lnStyleLst>"#,
    r#"<a:effectStyleLst>"#,
    r#"<a:effectStyle><a:effectLst/></a:effectStyle>"#,
    r#"<a:effectStyle><a:effectLst/></a:effectStyle>"#,
    r#"<a:effectStyle><a:effectLst/></a:effectStyle>"#,
    r#"</a:effectStyleLst>"#,
    r#"<a:bgFillStyleLst>"#,
    r#"<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>"#,
    r#"<a:solidFill><a:schemeClr val="phClr"><a:tint val="95000"/></a:schemeClr></a:solidFill>"#,
    r#"<a:solidFill><a:schemeClr val="phClr"><a:shade val="90000"/></a:schemeClr></a:solidFill>"#,
    r#"</a:bgFillStyleLst>"#,
    r#"</a:fmtScheme>"#,
    r#"</a:themeElements>"#,
    r#"<a:objectDefaults/>"#,
    r#"<a:extraClrSchemeLst/>"#,
    r#"</a:theme>"#,
);

// ===========================================================================
// Tests
// ===========================================================================

#[cfg(test)]
mod tests {
    use super::*;

    fn wml(root: &str) -> Elem {
        let mut d = XmlDoc::parse(root).unwrap();
        fix_wml(&mut d.root);
        d.root
    }
    fn s(e: &Elem) -> String {
        let mut o = String::new();
        e.write(&mut o);
        o
    }

    #[test]
    fn parser_roundtrip_is_lossless() {
        let src = r#"<?xml version="1.0"?><a x='1 "q"' y="&amp;&lt;"><!-- c --><b/>t &amp; u<![CDATA[<x>]]><c k="v">å</c></a>"#;
        let d = XmlDoc::parse(src).unwrap();
        let out = String::from_utf8(d.to_bytes()).unwrap();
        assert_eq!(
            out,
            format!(
                r#"{XML_DECL}<a x="1 &quot;q&quot;" y="&amp;&lt;"><!-- c --><b/>t &amp; u<![CDATA[<x>]]><c k="v">å</c></a>"#
            )
        );
        assert_eq!(XmlDoc::parse(&out).unwrap().root, d.root);
    }

    #[test]
    fn parser_rejects_broken_xml() {
        assert!(XmlDoc::parse("<a><b></a>").is_err());
        assert!(XmlDoc::parse("<a>").is_err());
        assert!(XmlDoc::parse("<a x=1/>").is_err());
        assert!(XmlDoc::parse("").is_err());
    }

    #[test]
    fn ppr_is_reordered() {
        let e = wml(
            r#"<w:pPr><w:rPr/><w:jc w:val="center"/><w:numPr><w:numId w:val="2"/><w:ilvl w:val="0"/></w:numPr><w:pStyle w:val="X"/></w:pPr>"#,
        );
        assert_eq!(
            s(&e),
            r#"<w:pPr><w:pStyle w:val="X"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr><w:jc w:val="center"/><w:rPr/></w:pPr>"#
        );
    }

    #[test]
    fn rpr_is_reordered() {
        let e = wml(
            r#"<w:rPr><w:sz w:val="22"/><w:szCs w:val="22"/><w:rFonts w:ascii="C"/><w:color w:val="FFFFFF"/><w:b/><w:bCs/></w:rPr>"#,
        );
        assert_eq!(
            s(&e),
            r#"<w:rPr><w:rFonts w:ascii="C"/><w:b/><w:bCs/><w:color w:val="FFFFFF"/><w:sz w:val="22"/><w:szCs w:val="22"/></w:rPr>"#
        );
    }

    #[test]
    fn style_children_and_ppr_rpr() {
        let e = wml(
            r#"<w:style w:type="paragraph" w:styleId="H"><w:name w:val="h"/><w:rPr><w:b/></w:rPr><w:pPr><w:rPr><w:i/><w:b/></w:rPr><w:outlineLvl w:val="0"/></w:pPr><w:next w:val="Normal"/><w:qFormat/><w:basedOn w:val="Normal"/></w:style>"#,
        );
        assert_eq!(
            s(&e),
            r#"<w:style w:type="paragraph" w:styleId="H"><w:name w:val="h"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:i/></w:rPr></w:style>"#
        );
    }

    #[test]
    fn sectpr_grid_and_header_marker() {
        let e = wml(
            r#"<w:body><w:tbl><w:tblPr><w:tblW w:w="1" w:type="dxa"/><w:tblLayout w:type="fixed"/><w:tblStyle w:val="T"/></w:tblPr><w:tblGrid><w:gridCol w:w="100" w:type="dxa"/></w:tblGrid><w:tr><w:trPr><w:trHeight w:val="1" w:hRule="auto"/></w:trPr></w:tr><w:tr><w:trPr><w:trHeight w:val="1" w:hRule="atLeast"/></w:trPr></w:tr></w:tbl><w:sectPr><w:pgSz w:w="1" w:h="2"/><w:headerReference w:type="default" r:id="a"/><w:footerReference w:type="default" r:id="b"/></w:sectPr></w:body>"#,
        );
        let out = s(&e);
        assert!(out.contains(r#"<w:tblPr><w:tblStyle w:val="T"/><w:tblW w:w="1" w:type="dxa"/><w:tblLayout w:type="fixed"/></w:tblPr>"#), "{out}");
        assert!(out.contains(r#"<w:gridCol w:w="100"/>"#));
        assert!(out.contains(r#"<w:trPr><w:tblHeader/></w:trPr>"#));
        assert!(out.contains(r#"<w:trHeight w:val="1" w:hRule="atLeast"/>"#));
        assert!(out.contains(r#"<w:sectPr><w:headerReference w:type="default" r:id="a"/><w:footerReference w:type="default" r:id="b"/><w:pgSz w:w="1" w:h="2"/></w:sectPr>"#), "{out}");
    }

    #[test]
    fn styles_dedup_lang_and_defaults() {
        let mut d = XmlDoc::parse(r#"<w:styles><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="22"/><w:rFonts w:ascii="Carlito"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:rPr/><w:spacing w:after="120"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style></w:styles>"#).unwrap();
        fix_wml(&mut d.root);
        fix_styles(&mut d.root, "nb-NO");
        assert_eq!(
            s(&d.root),
            r#"<w:styles><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Carlito"/><w:sz w:val="22"/><w:lang w:val="nb-NO"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:suppressAutoHyphens/><w:spacing w:after="120"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:styleId="Normal" w:default="1"><w:name w:val="Normal"/><w:qFormat/></w:style></w:styles>"#
        );
    }

    #[test]
    fn settings_extension_elements_go_last() {
        let e = wml(
            r#"<w:settings><w15:docId w15:val="x"/><w:defaultTabStop w:val="840"/><w:zoom w:percent="100"/><w:compat/><w:themeFontLang w:val="nb-NO"/></w:settings>"#,
        );
        assert_eq!(
            s(&e),
            r#"<w:settings><w:zoom w:percent="100"/><w:defaultTabStop w:val="840"/><w:compat/><w:themeFontLang w:val="nb-NO"/><w15:docId w15:val="x"/></w:settings>"#
        );
    }

    #[test]
    fn doc_pr_ids_are_renumbered() {
        let mut d =
            XmlDoc::parse(r#"<x><wp:docPr id="1" name="a"/><y><wp:docPr id="1" name="b"/></y></x>"#).unwrap();
        let mut n = 3;
        renumber_doc_pr(&mut d.root, &mut n, &[]);
        assert_eq!(s(&d.root), r#"<x><wp:docPr id="4" name="a"/><y><wp:docPr id="5" name="b"/></y></x>"#);
    }

    #[test]
    fn dangling_hyperlink_ids_are_dropped() {
        let mut d = XmlDoc::parse(r#"<w:ftr><w:p><w:hyperlink r:id="gone" w:history="1"><w:r/></w:hyperlink><w:hyperlink r:id="ok"/></w:p></w:ftr>"#).unwrap();
        let ids: BTreeSet<String> = ["ok".to_string()].into_iter().collect();
        drop_dangling_links(&mut d.root, &ids);
        assert_eq!(
            s(&d.root),
            r#"<w:ftr><w:p><w:hyperlink w:history="1"><w:r/></w:hyperlink><w:hyperlink r:id="ok"/></w:p></w:ftr>"#
        );
    }

    #[test]
    fn targets_resolve() {
        assert_eq!(resolve_target("word/document.xml", "media/a.png"), "word/media/a.png");
        assert_eq!(resolve_target("word/document.xml", "../customXml/item1.xml"), "customXml/item1.xml");
        assert_eq!(resolve_target("x", "word/document.xml"), "word/document.xml");
        assert_eq!(rels_name_of("word/header1.xml"), "word/_rels/header1.xml.rels");
        assert_eq!(natural_key("word/header10.xml"), ("word/header".to_string(), 10));
    }

    #[test]
    fn core_xml_escapes() {
        let m = CoreMeta {
            title: "A & <B>".into(),
            author: "x".into(),
            lang: "nb-NO".into(),
            date_iso: "2026-01-15T00:00:00Z".into(),
            ..Default::default()
        };
        let c = core_xml(&m, "nb-NO");
        assert!(c.contains("<dc:title>A &amp; &lt;B&gt;</dc:title>"));
        assert!(c.contains("<dc:language>nb-NO</dc:language>"));
        assert!(!c.contains("dc:subject"));
        XmlDoc::parse(&c).unwrap();
        XmlDoc::parse(THEME_XML).unwrap();
    }

    /// Builds a tiny package by hand (docx-rs-like mistakes, random rel order)
    /// and checks the end-to-end result.
    fn mini_docx(link_order_swapped: bool) -> Vec<u8> {
        let ct = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default ContentType="image/png" Extension="png" /><Default ContentType="application/xml" Extension="xml" /><Default ContentType="application/vnd.openxmlformats-package.relationships+xml" Extension="rels" /><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml" /><Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml" /></Types>"#;
        let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml" /></Relationships>"#;
        let l1 = r#"<Relationship Id="rIdHyperlink7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://a/?x=1&amp;y=2" TargetMode="External" />"#;
        let l2 = r#"<Relationship Id="rIdHyperlink8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://b/" TargetMode="External" />"#;
        let img = r#"<Relationship Id="rIdImage9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/rIdImage9.png" />"#;
        let links = if link_order_swapped { format!("{l2}{img}{l1}") } else { format!("{l1}{l2}{img}") };
        let drels = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{links}</Relationships>"#
        );
        let doc = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><w:body><w:p><w:hyperlink r:id="rIdHyperlink7"><w:r><w:t>a</w:t></w:r></w:hyperlink><w:hyperlink r:id="rIdHyperlink8"><w:r><w:t>b</w:t></w:r></w:hyperlink><w:r><w:drawing><wp:inline><wp:docPr id="1" name="F"/><a:blip xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" r:embed="rIdImage9"/></wp:inline></w:drawing></w:r></w:p><w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>"#;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        w.add_directory("word/", o).unwrap();
        for (n, c) in [
            ("[Content_Types].xml", ct.as_bytes()),
            ("_rels/.rels", rels.as_bytes()),
            ("word/document.xml", doc.as_bytes()),
            ("word/_rels/document.xml.rels", drels.as_bytes()),
            ("word/comments.xml", b"<w:comments/>".as_slice()),
            ("word/media/rIdImage9.png", b"PNGDATA".as_slice()),
        ] {
            w.start_file(n, o).unwrap();
            w.write_all(c).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn repair_end_to_end_is_canonical_and_deterministic() {
        let meta = CoreMeta {
            title: "T".into(),
            author: "A".into(),
            lang: "nb-NO".into(),
            date_iso: "2026-01-15T00:00:00Z".into(),
            ..Default::default()
        };
        let a = repair(&mini_docx(false), &meta).unwrap();
        let b = repair(&mini_docx(true), &meta).unwrap();
        assert_eq!(a, b, "relationship order must not leak into output");
        assert_eq!(a, repair(&a, &meta).unwrap(), "repair must be idempotent");

        let p = read_zip(&a).unwrap();
        let names: Vec<&str> = p.keys().map(|s| s.as_str()).collect();
        assert!(names.contains(&"word/media/image1.png"));
        assert!(names.contains(&"word/theme/theme1.xml"));
        assert!(!names.contains(&"word/comments.xml"));
        let doc = String::from_utf8(p["word/document.xml"].clone()).unwrap();
        assert!(doc.contains(r#"r:id="rIdLink1""#) && doc.contains(r#"r:embed="rIdImg1""#));
        let rels = String::from_utf8(p["word/_rels/document.xml.rels"].clone()).unwrap();
        assert!(rels.find("rIdLink1").unwrap() < rels.find("rIdLink2").unwrap());
        assert!(rels.contains(r#"Target="media/image1.png""#));
        assert!(rels.contains("x=1&amp;y=2"));
        let ct = String::from_utf8(p["[Content_Types].xml"].clone()).unwrap();
        assert!(ct.contains("/word/theme/theme1.xml") && !ct.contains("comments.xml"));
        assert!(String::from_utf8(p["docProps/core.xml"].clone())
            .unwrap()
            .contains("<dc:title>T</dc:title>"));

        // zip layout: fixed order, 1980 timestamps, deflate, no directories
        let mut z = zip::ZipArchive::new(Cursor::new(&a)).unwrap();
        assert_eq!(z.by_index(0).unwrap().name(), "[Content_Types].xml");
        for i in 0..z.len() {
            let f = z.by_index(i).unwrap();
            assert!(!f.is_dir());
            assert_eq!(f.compression(), zip::CompressionMethod::Deflated);
            let t = f.last_modified().unwrap();
            assert_eq!((t.year(), t.month(), t.day(), t.hour(), t.minute()), (1980, 1, 1, 0, 0));
        }
    }

    #[test]
    fn repair_rejects_garbage() {
        assert!(repair(b"not a zip", &CoreMeta::default()).is_err());
    }
}
