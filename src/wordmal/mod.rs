//! Word templates (.dotx, .docx) as house styles: a trust's own template is
//! read once, checked (no macros, no active content, nothing fetched over the
//! network), and gives
//!
//! * values in `stil.toml`'s own shape ([`Template::values`]), merged into the
//!   house style by `Theme::load`, so the PDF follows the template;
//! * the static parts the DOCX writer copies (styles, numbering, settings,
//!   theme, fonts, headers and footers with their pictures), already cleaned;
//! * the header and footer as text and pictures ([`HeaderFooter`]) for the PDF.
//!
//! Built-in styles are found by the names Word stores for them (`heading 1`,
//! `Title`, `List Bullet`), never by their ids, which Word localises
//! (Norwegian Word saves Heading 1 with the id `Overskrift1`).

pub mod header;
pub mod names;
pub mod package;
pub mod styles;
pub mod tree;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Error, Location, Result};
pub use header::{
    Anchor, Edge, Float, FloatContent, From, HAlign, HeaderFooter, HfBlock, HfPara, Line, Look, Part, Piece,
    TabStop,
};
use package::{Package, Refusal, Rel};
use styles::{Props, StyleDef, Styles, ThemeInfo};
use tree::{Elem, Node};

const CT_DOCUMENT: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
const CT_TEMPLATE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml";
const STRICT_W: &str = "http://purl.oclc.org/ooxml/wordprocessingml/main";
const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Word's names of the built-in styles the documents use.
pub const TITLE: &str = "Title";
pub const HEADINGS: [&str; 4] = ["heading 1", "heading 2", "heading 3", "heading 4"];
pub const LIST_BULLET: &str = "List Bullet";
pub const LIST_NUMBER: &str = "List Number";
/// Word's own style for list items (Norwegian «Listeavsnitt»), which lists
/// made with the toolbar use: the look of arsplan's lists when a template
/// has it but not `List Bullet` and `List Number`.
pub const LIST_PARAGRAPH: &str = "List Paragraph";
pub const TABLE: &str = "Table Grid";
pub const HYPERLINK: &str = "Hyperlink";

/// A header or footer part of the template, cleaned, to copy into the DOCX.
#[derive(Debug, Clone)]
pub struct Story {
    /// `header` or `footer`.
    pub kind: &'static str,
    pub xml: Elem,
    /// Its relationships (pictures and links only), targets relative to `word/`.
    pub rels: Vec<Rel>,
}

/// A part copied as it is, with its content type.
#[derive(Debug, Clone)]
pub struct Copied {
    pub bytes: Vec<u8>,
    pub content_type: String,
}

/// A Word template, read and checked.
#[derive(Clone)]
pub struct Template {
    pub path: PathBuf,
    pub styles_xml: Elem,
    pub styles: Styles,
    pub numbering: Option<Elem>,
    pub settings: Option<Elem>,
    /// `theme`, `fontTable`, `footnotes`, `endnotes`: parts copied unchanged.
    pub copied: BTreeMap<&'static str, Copied>,
    /// Header and footer parts, and which of them the section uses
    /// (`default`, `first`, `even` → index into `stories`).
    pub stories: Vec<Story>,
    pub header_refs: Vec<(String, usize)>,
    pub footer_refs: Vec<(String, usize)>,
    /// Pictures of the headers and footers, by part name (`word/media/mal1.png`).
    pub media: BTreeMap<String, Vec<u8>>,
    /// The section properties of the template's last section.
    pub section: Elem,
    /// The first page has its own header and footer.
    pub title_page: bool,
    /// The largest drawing id the copied parts use.
    pub max_drawing_id: u32,
    /// The header and footer of every page, and of the first page.
    pub header: Option<HeaderFooter>,
    pub first_header: Option<HeaderFooter>,
    pub footer: Option<HeaderFooter>,
    pub first_footer: Option<HeaderFooter>,
    /// The house style's values the template gives, in `stil.toml`'s shape.
    pub values: toml::Table,
    pub warnings: Vec<Diagnostic>,
}

impl std::fmt::Debug for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Template")
            .field("path", &self.path)
            .field("values", &self.values)
            .finish_non_exhaustive()
    }
}

/// The family the PDF uses for a Word font, and whether it is the same
/// design (metric-compatible) or a substitute.
pub fn pdf_font(word: &str, generic: Option<&str>) -> (&'static str, bool) {
    let name = word.trim().to_lowercase();
    match name.as_str() {
        "calibri" | "carlito" => return ("Carlito", true),
        "arial" | "liberation sans" => return ("Liberation Sans", true),
        "cambria" | "caladea" => return ("Caladea", true),
        _ => {}
    }
    let serif_names = [
        "times",
        "georgia",
        "garamond",
        "serif",
        "palatino",
        "antiqua",
        "book",
        "cambria",
        "constantia",
        "minion",
        "baskerville",
        "roman",
    ];
    let serif = match generic {
        Some("roman") => true,
        Some("swiss" | "modern" | "script" | "decorative") => false,
        _ => serif_names.iter().any(|s| name.contains(s)) && !name.contains("sans"),
    };
    if serif {
        ("Caladea", false)
    } else if name.contains("arial") || name.contains("helvetica") {
        ("Liberation Sans", false)
    } else {
        ("Carlito", false)
    }
}

/// The Word family for a PDF family compiled into arsplan (and any other as it is).
pub fn word_font(pdf: &str) -> String {
    match pdf.trim().to_lowercase().as_str() {
        "carlito" => "Calibri".into(),
        "liberation sans" => "Arial".into(),
        "caladea" => "Cambria".into(),
        _ => pdf.to_string(),
    }
}

fn err(path: &Path, msg: impl Into<String>, hint: impl Into<String>) -> Error {
    Error::at(Location::file(path), msg).with_hint(hint)
}

const SAVE_HINT: &str = "åpne malen i Word og lagre den som Word-mal (.dotx) eller Word-dokument (.docx)";

/// Reads and checks a Word template. `classes` are the names of the house
/// style's paragraph classes, looked for among the template's styles.
/// The largest id (list, picture) taken from a template: arsplan numbers
/// its own above it. Word counts from 0 or 1; this leaves room to spare.
const MAX_ID: u32 = 1 << 30;

fn too_large(path: &Path, what: &str) -> Error {
    err(
        path,
        format!("Word-malen har et nummer som er for stort: {what}"),
        "lag malen på nytt med «arsplan wordmal», eller lagre den på nytt fra Word",
    )
}

pub fn read(path: &Path, classes: &[String]) -> Result<Template> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if matches!(ext.as_str(), "docm" | "dotm") {
        return Err(macros(path));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        err(
            path,
            format!("Word-malen kan ikke leses: {}", crate::diag::io_text(&e)),
            "word_mal i stil.toml er en sti relativt til husstilens mappe",
        )
    })?;
    let pkg = Package::read(&bytes).map_err(|r| match r {
        Refusal::Ole => err(
            path,
            "Word-malen er passordbeskyttet (kryptert), eller lagret i det gamle Word 97-2003-formatet",
            "fjern passordet i Word (Fil → Info → Beskytt dokument → Krypter med passord) og lagre malen som Word-mal (.dotx)",
        ),
        Refusal::NotZip(_) => err(path, "Word-malen er ikke en Word-fil (den er ikke en zip-pakke)", SAVE_HINT),
        Refusal::TooLarge { part, bytes, image: true } => err(
            path,
            format!(
                "bildet «{part}» i Word-malen er {}; arsplan tar bilder på inntil {} MB",
                package::megabytes(bytes),
                package::MAX_IMAGE_BYTES / 1_000_000
            ),
            "gjør bildet mindre (i Word: Bildeformat → Komprimer bilder) og lagre malen på nytt",
        ),
        Refusal::TooLarge { part, .. } => {
            err(path, format!("Word-malen er for stor (ved «{part}»)"), "en Word-mal er vanligvis under 5 MB")
        }
        Refusal::Broken(why) => err(path, format!("Word-malen er skadet: {why}"), SAVE_HINT),
    })?;
    Reader { path, pkg: &pkg, warnings: Vec::new(), warned: BTreeSet::new() }.read(classes)
}

fn macros(path: &Path) -> Error {
    err(
        path,
        "Word-malen inneholder makroer (.docm/.dotm eller vbaProject); arsplan bruker aldri maler med makroer",
        "lagre malen som «Word-mal (.dotx)» uten makroer, eller be kommunikasjonsavdelingen om en mal uten makroer",
    )
}

struct Reader<'a> {
    path: &'a Path,
    pkg: &'a Package,
    warnings: Vec<Diagnostic>,
    warned: BTreeSet<String>,
}

impl Reader<'_> {
    fn warn(&mut self, msg: String, hint: &str) {
        if self.warned.insert(msg.clone()) {
            self.warnings.push(Diagnostic::warning(Some(Location::file(self.path)), msg).hint(hint));
        }
    }

    fn broken(&self, why: String) -> Error {
        err(self.path, format!("Word-malen er skadet: {why}"), SAVE_HINT)
    }

    fn xml(&self, part: &str) -> Result<Option<Elem>> {
        self.pkg.xml(part).transpose().map_err(|e| self.broken(e))
    }

    fn read(mut self, classes: &[String]) -> Result<Template> {
        let path = self.path;
        let not_word = || err(path, "Word-malen er en zip-pakke, men ikke et Word-dokument", SAVE_HINT);
        let root_rels = self.pkg.rels("").map_err(|e| self.broken(e))?;
        let main = root_rels
            .iter()
            .find(|r| r.kind == package::REL_OFFICE_DOCUMENT && !r.external)
            .map(|r| package::resolve("", &r.target))
            .ok_or_else(not_word)?;
        let ct = self.pkg.content_type(&main).unwrap_or_default();
        if ct.contains("macroEnabled")
            || self.pkg.parts.keys().any(|p| p.to_lowercase().ends_with("vbaproject.bin"))
        {
            return Err(macros(path));
        }
        if ct != CT_DOCUMENT && ct != CT_TEMPLATE {
            return Err(not_word());
        }
        // A document saved under a template's name (last year's plan as mal.dotx).
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        if ct == CT_DOCUMENT && ext == "dotx" {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("malen");
            self.warn(
                format!("«{name}» er et Word-dokument (.docx) med navnet til en Word-mal; arsplan bruker stilene, sidene og topp- og bunnteksten, men ser bort fra teksten i dokumentet"),
                "lagre den i Word som Word-mal (Fil → Lagre som → Word-mal (.dotx)), eller gi filen endelsen .docx",
            );
        }
        let document = self.xml(&main)?.ok_or_else(not_word)?;
        if document.attr("xmlns:w").is_some_and(|w| w == STRICT_W) {
            return Err(err(
                path,
                "Word-malen er lagret som «Strict Open XML», som arsplan ikke leser",
                "lagre malen i Word som vanlig «Word-mal (.dotx)»",
            ));
        }
        // Word, LibreOffice and python-docx all name the main namespace `w`;
        // arsplan reads and writes the parts with that prefix.
        if document.attr("xmlns:w").is_none_or(|w| w != W_NS) {
            return Err(err(
                path,
                "Word-malen er skrevet av et program arsplan ikke kjenner (uvanlige XML-navn)",
                "åpne malen i Word eller LibreOffice og lagre den på nytt som Word-mal (.dotx)",
            ));
        }
        // Nothing is ever fetched: external targets other than links are dropped, with a warning.
        for name in self.pkg.parts.keys().filter(|n| n.ends_with(".rels")).cloned().collect::<Vec<_>>() {
            let source = source_of_rels(&name);
            for r in self.pkg.rels(&source).map_err(|e| self.broken(e))? {
                if r.external && r.kind != package::REL_HYPERLINK {
                    self.warn(
                        format!("Word-malen viser til noe utenfor seg selv («{}»); arsplan henter det ikke og tar det ikke med", r.target),
                        "legg bilder inn i malen i stedet for å koble til dem, og lagre malen på nytt",
                    );
                }
            }
        }
        let main_rels = self.pkg.rels(&main).map_err(|e| self.broken(e))?;
        let part_of = |kind: &str| {
            main_rels
                .iter()
                .find(|r| r.kind == kind && !r.external)
                .map(|r| package::resolve(&main, &r.target))
        };
        let styles_part = part_of(package::REL_STYLES).filter(|p| self.pkg.parts.contains_key(p));
        let Some(styles_part) = styles_part else {
            return Err(err(
                path,
                "Word-malen har ingen stiler (word/styles.xml mangler)",
                "lag malen i Word (eller med «arsplan wordmal»), så får den stilene dokumentene trenger",
            ));
        };
        let mut styles_xml = self.xml(&styles_part)?.ok_or_else(not_word)?;
        if styles_xml.attr("xmlns:w").is_none_or(|w| w != W_NS) {
            return Err(err(
                path,
                "stilene i Word-malen er skrevet av et program arsplan ikke kjenner (uvanlige XML-navn)",
                "åpne malen i Word eller LibreOffice og lagre den på nytt som Word-mal (.dotx)",
            ));
        }
        let theme_part = part_of(package::REL_THEME);
        let theme_xml = match &theme_part {
            Some(p) => self.xml(p)?,
            None => None,
        };
        let theme = theme_xml.as_ref().map(ThemeInfo::parse).unwrap_or_default();
        self.repair_styles(&mut styles_xml);
        let styles = Styles::parse(&styles_xml, theme);
        let mut numbering = match part_of(package::REL_NUMBERING) {
            Some(p) => self.xml(&p)?,
            None => None,
        };
        // Picture bullets point at pictures through the numbering part's own
        // relationships, which are not carried over: each level keeps its
        // text bullet instead.
        if let Some(n) = &mut numbering {
            n.remove_children("w:numPicBullet");
            n.walk_mut(&mut |e| e.remove_children("w:lvlPicBulletId"));
        }
        // arsplan numbers its own lists above the template's ids; ids near the
        // top of their range (which Word itself never writes) would overflow.
        for (name, attr) in [("w:abstractNum", "w:abstractNumId"), ("w:num", "w:numId")] {
            let ids = numbering.iter().flat_map(|n| n.children_named(name)).filter_map(|e| e.attr(attr));
            if let Some(id) = ids.map(|v| v.to_string()).find(|v| v.parse::<u32>().is_ok_and(|i| i > MAX_ID))
            {
                return Err(too_large(path, &format!("{attr}=\"{id}\" i word/numbering.xml")));
            }
        }
        let settings = match part_of(package::REL_SETTINGS) {
            Some(p) => self.xml(&p)?,
            None => None,
        };
        let mut copied = BTreeMap::new();
        for (key, kind) in [
            ("theme", package::REL_THEME),
            ("fontTable", package::REL_FONT_TABLE),
            ("footnotes", package::REL_FOOTNOTES),
            ("endnotes", package::REL_ENDNOTES),
        ] {
            let Some(part) = part_of(kind) else { continue };
            let Some(bytes) = self.pkg.get(&part) else { continue };
            // Parts with relationships of their own (pictures in footnote
            // separators, a theme's picture fills) are left out: arsplan's own
            // stand in, with the template's fonts and colours.
            if self.pkg.parts.contains_key(&package::rels_name(&part)) {
                continue;
            }
            let content_type = self.pkg.content_type(&part).unwrap_or_default();
            copied.insert(key, Copied { bytes: bytes.to_vec(), content_type });
        }
        let fonts = FontTable::read(self.pkg, part_of(package::REL_FONT_TABLE).as_deref());

        // The last section's properties: page, margins, headers and footers.
        let section = document
            .child("w:body")
            .and_then(|b| b.children_named("w:sectPr").last())
            .cloned()
            .unwrap_or_else(|| Elem::new("w:sectPr"));
        let title_page = section.child("w:titlePg").is_some_and(tree::on);
        let mut stories: Vec<Story> = Vec::new();
        let mut by_part: BTreeMap<String, usize> = BTreeMap::new();
        let mut media = BTreeMap::new();
        let mut media_names: BTreeMap<String, String> = BTreeMap::new();
        let (mut header_refs, mut footer_refs) = (Vec::new(), Vec::new());
        for r in section.elems() {
            let kind = match r.name.as_str() {
                "w:headerReference" => "header",
                "w:footerReference" => "footer",
                _ => continue,
            };
            let Some(id) = r.attr("r:id") else { continue };
            let Some(rel) = main_rels.iter().find(|x| x.id == *id && !x.external) else { continue };
            let part = package::resolve(&main, &rel.target);
            let idx = match by_part.get(&part) {
                Some(i) => *i,
                None => {
                    let Some(xml) = self.xml(&part)? else { continue };
                    let story = self.clean_story(kind, &part, xml, &mut media, &mut media_names)?;
                    stories.push(story);
                    by_part.insert(part, stories.len() - 1);
                    stories.len() - 1
                }
            };
            let which = r.attr("w:type").map(|t| t.to_string()).unwrap_or_else(|| "default".into());
            if kind == "header" {
                header_refs.push((which, idx));
            } else {
                footer_refs.push((which, idx));
            }
        }
        let mut max_drawing_id = 0;
        for s in &stories {
            s.xml.walk(&mut |e| {
                if e.name == "wp:docPr" {
                    if let Some(id) = e.attr("id").and_then(|v| v.parse::<u32>().ok()) {
                        max_drawing_id = max_drawing_id.max(id);
                    }
                }
            });
        }
        if max_drawing_id > MAX_ID {
            return Err(too_large(
                path,
                &format!("id=\"{max_drawing_id}\" på et bilde i topp- eller bunnteksten"),
            ));
        }
        let mut fonts_used = BTreeSet::new();
        // Word's default tab stops (half an inch unless the settings say otherwise).
        let default_tab_mm = settings
            .as_ref()
            .and_then(|s| s.child("w:defaultTabStop"))
            .and_then(|t| t.attr("w:val"))
            .and_then(|v| v.parse::<f32>().ok())
            .filter(|v| *v > 0.0)
            .unwrap_or(720.0)
            / TWIPS_PER_MM;
        let mut hf = |refs: &[(String, usize)], which: &str, me: &mut Self| {
            refs.iter().find(|(w, _)| w == which).map(|(_, i)| {
                me.header_footer(&stories[*i], &styles, &fonts, &media, default_tab_mm, &mut fonts_used)
            })
        };
        let header = hf(&header_refs, "default", &mut self);
        let footer = hf(&footer_refs, "default", &mut self);
        // A first page of its own without its own header (footer) has an empty one, as in Word.
        let (first_header, first_footer) = if title_page {
            (
                Some(hf(&header_refs, "first", &mut self).unwrap_or_default()),
                Some(hf(&footer_refs, "first", &mut self).unwrap_or_default()),
            )
        } else {
            (None, None)
        };
        let values = self.values(&styles, &section, &fonts, classes, &mut fonts_used)?;
        let used_styles = used_styles(&styles, classes);
        for f in fonts_used {
            let (pdf, same) = pdf_font(&f, fonts.generic(&f));
            if !same {
                let mut where_: Vec<String> = used_styles
                    .iter()
                    .filter(|(_, id)| styles.resolve(id).font.as_deref() == Some(f.as_str()))
                    .map(|(shown, _)| format!("«{shown}»"))
                    .collect();
                if where_.is_empty() {
                    where_.push("topp- eller bunnteksten".into());
                }
                self.warn(
                    format!("Word-malen bruker skriften «{f}» (i {}), som ikke følger med arsplan; PDF-en bruker «{pdf}» i stedet (Word-filen beholder «{f}»)", and_list(&where_)),
                    "med Calibri, Arial eller Cambria i malen blir linjene like i Word og PDF (arsplan har Carlito, Liberation Sans og Caladea med samme mål)",
                );
            }
        }
        // Each at the style that sets it (the styles based on it have it too).
        let mut said = BTreeSet::new();
        for (_, id) in &used_styles {
            for (what, at) in unfollowed(&styles, id) {
                if !said.insert((what, at.clone())) {
                    continue;
                }
                let shown = styles.by_id.get(&at).map(|s| names::shown_nb(&s.name)).unwrap_or(at);
                self.warn(
                    format!("stilen «{shown}» i Word-malen har {what}, som PDF-en ikke viser (Word-filen har det)"),
                    "vil dere ha PDF-en og Word-filen like, ta det bort fra stilen i malen (Hjem → Stiler → høyreklikk → Endre)",
                );
            }
        }
        self.missing_styles(&styles, classes);
        Ok(Template {
            path: path.to_path_buf(),
            styles_xml,
            styles,
            numbering,
            settings,
            copied,
            stories,
            header_refs,
            footer_refs,
            media,
            section,
            title_page,
            max_drawing_id,
            header,
            first_header,
            footer,
            first_footer,
            values,
            warnings: self.warnings,
        })
    }

    /// Mends what Word itself would not write, so that every reader of the
    /// DOCX sees the template's styles alike: a style based on a style the
    /// template lacks (or on itself, round a circle) is based on Normal, with a
    /// warning; a template without a default paragraph style (LibreOffice
    /// writes none) gets Normal as its default.
    fn repair_styles(&mut self, styles: &mut Elem) {
        let ids: BTreeMap<String, (String, String, Option<String>)> = styles
            .children_named("w:style")
            .filter_map(|s| {
                let id = s.attr("w:styleId")?.to_string();
                let kind = s.attr("w:type").map(|v| v.to_string()).unwrap_or_else(|| "paragraph".into());
                let name = s
                    .child("w:name")
                    .and_then(|n| n.attr("w:val"))
                    .map(|v| v.to_string())
                    .unwrap_or_default();
                let based = s.child("w:basedOn").and_then(|b| b.attr("w:val")).map(|v| v.to_string());
                Some((id, (kind, name, based)))
            })
            .collect();
        let is_default =
            |s: &Elem| s.attr("w:default").is_some_and(|d| matches!(d.as_ref(), "1" | "true" | "on"));
        let mut default_para = styles
            .children_named("w:style")
            .find(|s| s.attr("w:type").is_none_or(|t| t == "paragraph") && is_default(s))
            .and_then(|s| s.attr("w:styleId").map(|v| v.to_string()));
        if default_para.is_none() {
            let normal = ids
                .iter()
                .find(|(_, (kind, name, _))| kind == "paragraph" && names::key(name) == "normal")
                .map(|(id, _)| id.clone());
            if let Some(n) = &normal {
                for s in styles.elems_mut().filter(|e| e.name == "w:style") {
                    if s.attr("w:styleId").is_some_and(|i| i == *n) {
                        s.set("w:default", "1");
                    }
                }
            }
            default_para = normal;
        }
        // Where each chain leads: to a missing style, round a circle, or home.
        let mut broken: BTreeMap<String, String> = BTreeMap::new();
        for (id, (_, _, based)) in &ids {
            let Some(parent) = based else { continue };
            if !ids.contains_key(parent) {
                broken.insert(id.clone(), parent.clone());
                continue;
            }
            let mut seen = vec![id.clone()];
            let mut next = Some(parent.clone());
            while let Some(p) = next.take() {
                if seen.contains(&p) {
                    if p == *id {
                        broken.insert(id.clone(), parent.clone());
                    }
                    break;
                }
                seen.push(p.clone());
                next = ids.get(&p).and_then(|x| x.2.clone()).filter(|q| ids.contains_key(q));
            }
        }
        for (id, parent) in &broken {
            let (kind, name, _) = &ids[id];
            let to = default_para.as_ref().filter(|d| kind == "paragraph" && *d != id);
            let shown = |i: &str| ids.get(i).map(|x| names::shown_nb(&x.1)).unwrap_or_else(|| i.to_string());
            let (what, hint) = if ids.contains_key(parent) {
                (
                    format!(
                        "stilen «{}» i Word-malen bygger på seg selv (via «{}»)",
                        names::shown_nb(name),
                        shown(parent)
                    ),
                    "i Word: Endre stil → Stil basert på, og velg Normal (eller en annen stil)",
                )
            } else {
                (
                    format!(
                        "stilen «{}» i Word-malen bygger på «{parent}», som ikke finnes i malen",
                        names::shown_nb(name)
                    ),
                    "i Word: Endre stil → Stil basert på, og velg stilen den skal bygge på",
                )
            };
            let fix = match to {
                Some(d) => format!("arsplan lar den bygge på «{}»", shown(d)),
                None => "arsplan lar den stå uten å bygge på noen".to_string(),
            };
            self.warn(format!("{what}; {fix}"), hint);
            for s in styles.elems_mut().filter(|e| e.name == "w:style") {
                if s.attr("w:styleId").is_some_and(|i| i == *id) {
                    match to {
                        Some(d) => {
                            if let Some(b) = s.child_mut("w:basedOn") {
                                b.set("w:val", d);
                            }
                        }
                        None => s.remove_children("w:basedOn"),
                    }
                }
            }
        }
    }

    /// One warning naming every style the documents use that the template lacks.
    fn missing_styles(&mut self, styles: &Styles, classes: &[String]) {
        let mut wanted: Vec<String> = vec![TITLE.into()];
        wanted.extend(HEADINGS[..3].iter().map(|h| h.to_string()));
        if styles.named("paragraph", LIST_PARAGRAPH).is_none() {
            wanted.push(LIST_BULLET.into());
            wanted.push(LIST_NUMBER.into());
        }
        wanted.extend(classes.iter().filter(|c| *c != "tittel").cloned());
        let mut missing: Vec<String> =
            wanted.into_iter().filter(|name| styles.named("paragraph", name).is_none()).collect();
        if table_style(styles).is_none() {
            missing.push(TABLE.into());
        }
        if missing.is_empty() {
            return;
        }
        // As Norwegian Word shows them («Overskrift 2», «Punktliste»).
        let names: Vec<String> = missing.iter().map(|n| format!("«{}»", names::shown_nb(n))).collect();
        let list = match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} og {last}", rest.join(", ")),
            _ => names.join(""),
        };
        let (noun, them) = if missing.len() == 1 { ("stilen", "den") } else { ("stilene", "dem") };
        self.warn(
            format!("Word-malen mangler {noun} {list}; arsplan bruker husstilens utseende for {them}"),
            "legg stilene til i malen, eller hent en mal med alle stilene: arsplan wordmal --stil <stil> --ut mal.dotx",
        );
    }

    /// A header or footer part without active content or outside links, its
    /// pictures renamed into `media`.
    fn clean_story(
        &mut self,
        kind: &'static str,
        part: &str,
        mut xml: Elem,
        media: &mut BTreeMap<String, Vec<u8>>,
        media_names: &mut BTreeMap<String, String>,
    ) -> Result<Story> {
        let mut active = false;
        xml.walk_mut(&mut |e| {
            let before = e.children.len();
            e.children.retain(|n| match n {
                Node::Elem(c) => !is_active(c),
                _ => true,
            });
            active |= e.children.len() != before;
        });
        if active {
            self.warn(
                format!("{} i Word-malen har innebygde objekter eller kontroller (OLE, ActiveX); arsplan tar dem ikke med", if kind == "header" { "Topptekst" } else { "Bunntekst" }),
                "bruk vanlige bilder og tekst i topptekst og bunntekst",
            );
        }
        // A picture in the line without its distances to the text (python-docx
        // writes none): Word takes them as 0, LibreOffice as 0.32 cm. Written
        // out, every reader sets the line as Word does.
        xml.walk_mut(&mut |e| {
            if e.name == "wp:inline" {
                for k in ["distT", "distB", "distL", "distR"] {
                    if e.attr(k).is_none() {
                        e.set(k, "0");
                    }
                }
            }
        });
        let mut rels = Vec::new();
        let mut dropped = BTreeSet::new();
        for r in self.pkg.rels(part).map_err(|e| self.broken(e))? {
            if r.kind == package::REL_HYPERLINK && r.external {
                rels.push(r);
                continue;
            }
            if r.kind == package::REL_IMAGE && !r.external {
                let source = package::resolve(part, &r.target);
                if let Some(bytes) = self.pkg.get(&source) {
                    let name = match media_names.get(&source) {
                        Some(n) => n.clone(),
                        None => {
                            let ext = source
                                .rsplit_once('.')
                                .map(|(_, e)| e.to_ascii_lowercase())
                                .unwrap_or_else(|| "bin".into());
                            let n = format!("word/media/mal{}.{ext}", media_names.len() + 1);
                            media_names.insert(source.clone(), n.clone());
                            media.insert(n.clone(), bytes.to_vec());
                            n
                        }
                    };
                    let target = name.trim_start_matches("word/").to_string();
                    rels.push(Rel { target, ..r });
                    continue;
                }
            }
            if !r.external && r.kind != package::REL_IMAGE {
                self.warn(
                    format!(
                        "{} i Word-malen har innhold arsplan ikke tar med ({})",
                        if kind == "header" { "Topptekst" } else { "Bunntekst" },
                        r.kind.rsplit('/').next().unwrap_or("")
                    ),
                    "bruk vanlige bilder og tekst i topptekst og bunntekst",
                );
            }
            dropped.insert(r.id);
        }
        // References to what was dropped go too, so nothing points nowhere.
        xml.walk_mut(&mut |e| {
            e.attrs.retain(|(k, v)| !(k.starts_with("r:") && dropped.contains(v.as_str())));
        });
        Ok(Story { kind, xml, rels })
    }

    /// A header or footer as the PDF draws it.
    fn header_footer(
        &mut self,
        story: &Story,
        styles: &Styles,
        fonts: &FontTable,
        media: &BTreeMap<String, Vec<u8>>,
        default_tab_mm: f32,
        used: &mut BTreeSet<String>,
    ) -> HeaderFooter {
        let (hf, skipped) = header::read(story, styles, fonts, media, default_tab_mm, used);
        for s in skipped.pictures {
            self.warn(
                format!("bildet «{s}» i Word-malens topp- eller bunntekst vises ikke i PDF-en (bare PNG, JPEG, GIF og SVG)"),
                "lagre logoen som PNG og sett den inn i malen på nytt",
            );
        }
        if skipped.shapes > 0 {
            self.warn(
                format!(
                    "{} i Word-malen har figurer (linjer, fylte former eller WordArt) som PDF-en ikke tegner; Word-filen har dem",
                    if story.kind == "header" { "Toppteksten" } else { "Bunnteksten" }
                ),
                "vil dere ha figuren med i PDF-en, lagre den som bilde (PNG eller SVG) og sett bildet inn i stedet",
            );
        }
        hf
    }

    /// The values of `stil.toml` the template gives.
    fn values(
        &mut self,
        styles: &Styles,
        section: &Elem,
        fonts: &FontTable,
        classes: &[String],
        used: &mut BTreeSet<String>,
    ) -> Result<toml::Table> {
        use toml::Value as V;
        let mut t = toml::Table::new();
        let normal_id = styles.default_para.clone().unwrap_or_default();
        let normal = styles.resolve(&normal_id);
        let font = normal.font.clone().unwrap_or_else(|| "Times New Roman".into());
        used.insert(font.clone());
        t.insert("skrift".into(), V::String(pdf_font(&font, fonts.generic(&font)).0.into()));
        t.insert("skrift_word".into(), V::String(font.clone()));
        let size = normal.size.unwrap_or(10.0);
        if !(6.0..=24.0).contains(&size) {
            return Err(err(
                self.path,
                format!(
                    "Word-malens standardstil (Normal) har skriftstørrelse {size} pt; arsplan tar 6 til 24"
                ),
                "rett skriftstørrelsen på stilen Normal i malen",
            ));
        }
        t.insert("skriftstorrelse".into(), num(size));
        let mut colors = toml::Table::new();
        colors.insert("tekst".into(), V::String(format!("#{}", color_or_black(&normal.color))));
        let mut spacing = toml::Table::new();
        spacing.insert("linje".into(), num(line_multiple(&normal)));
        spacing.insert("avsnitt_pt".into(), num(normal.after.unwrap_or(0.0).clamp(0.0, 40.0)));
        if let Some(lb) =
            styles.named("paragraph", LIST_BULLET).or_else(|| styles.named("paragraph", LIST_PARAGRAPH))
        {
            let p = styles.resolve(&lb.id);
            let gap = if p.contextual == Some(true) { 0.0 } else { p.after.unwrap_or(0.0) };
            spacing.insert("liste_pt".into(), num(gap.clamp(0.0, 40.0)));
        }
        if let Some(ts) = table_style(styles) {
            self.table_values(ts, &mut colors, &mut spacing);
        }
        t.insert("farger".into(), V::Table(colors));
        t.insert("avstand".into(), V::Table(spacing));
        t.insert("side".into(), V::Table(self.page_values(section)?));
        let style_values = |s: &StyleDef, used: &mut BTreeSet<String>| {
            let p = styles.resolve(&s.id);
            para_values(&p, &normal, fonts, used)
        };
        let mut headings = Vec::new();
        for (i, name) in HEADINGS[..3].iter().enumerate() {
            if let Some(s) = styles.named("paragraph", name) {
                headings.resize(i, V::Table(toml::Table::new()));
                headings.push(V::Table(style_values(s, used)));
            }
        }
        if !headings.is_empty() {
            t.insert("overskrift".into(), V::Array(headings));
        }
        let mut named = toml::Table::new();
        if let Some(s) = styles.named("paragraph", TITLE) {
            named.insert("tittel".into(), V::Table(style_values(s, used)));
        }
        for c in classes.iter().filter(|c| *c != "tittel") {
            if let Some(s) = styles.named("paragraph", c) {
                named.insert(c.clone(), V::Table(style_values(s, used)));
            }
        }
        if !named.is_empty() {
            t.insert("klasser".into(), V::Table(named));
        }
        Ok(t)
    }

    fn table_values(&self, ts: &StyleDef, colors: &mut toml::Table, spacing: &mut toml::Table) {
        use toml::Value as V;
        let Some(tbl) = ts.elem.child("w:tblPr") else { return };
        if let Some(borders) = tbl.child("w:tblBorders") {
            let line = ["w:insideH", "w:top", "w:bottom", "w:left"]
                .iter()
                .filter_map(|k| borders.child(k))
                .find(|b| !matches!(b.attr("w:val").as_deref(), Some("nil" | "none")));
            if let Some(b) = line {
                let c = b.attr("w:color").map(|c| c.to_ascii_lowercase()).unwrap_or_else(|| "auto".into());
                colors.insert("linje".into(), V::String(format!("#{}", color_or_black(&Some(c)))));
            }
        }
        if let Some(mar) = tbl.child("w:tblCellMar") {
            let pt = |k: &[&str]| {
                k.iter()
                    .filter_map(|k| mar.child(k))
                    .find_map(|m| m.attr("w:w").and_then(|v| v.parse::<f32>().ok()))
                    .map(|v| (v / 20.0).clamp(0.0, 40.0))
            };
            if let Some(v) = pt(&["w:top", "w:bottom"]) {
                spacing.insert("celle_topp_pt".into(), num(v));
            }
            if let Some(v) = pt(&["w:left", "w:start"]) {
                spacing.insert("celle_side_pt".into(), num(v));
            }
        }
        let first_row = ts
            .elem
            .children_named("w:tblStylePr")
            .find(|p| p.attr("w:type").is_some_and(|t| t == "firstRow"));
        if let Some(fr) = first_row {
            let fill = fr
                .child("w:tcPr")
                .and_then(|t| t.child("w:shd"))
                .and_then(|s| s.attr("w:fill"))
                .map(|f| f.to_ascii_lowercase());
            if let Some(f) = fill.filter(|f| styles::is_hex6(f)) {
                colors.insert("tabellhode".into(), V::String(format!("#{f}")));
            }
            let text = fr
                .child("w:rPr")
                .and_then(|r| r.child("w:color"))
                .and_then(|c| c.attr("w:val"))
                .map(|c| c.to_ascii_lowercase());
            if let Some(c) = text.filter(|c| styles::is_hex6(c)) {
                colors.insert("tabellhode_tekst".into(), V::String(format!("#{c}")));
            }
        }
    }

    fn page_values(&self, section: &Elem) -> Result<toml::Table> {
        use toml::Value as V;
        let twips = |e: Option<&Elem>, k: &str| e.and_then(|e| e.attr(k)).and_then(|v| v.parse::<f32>().ok());
        let size = section.child("w:pgSz");
        let (w, h) = match (twips(size, "w:w"), twips(size, "w:h")) {
            (Some(w), Some(h)) => (w / TWIPS_PER_MM, h / TWIPS_PER_MM),
            _ => (210.0, 297.0),
        };
        if !(50.0..=1000.0).contains(&w) || !(50.0..=1000.0).contains(&h) {
            return Err(err(
                self.path,
                format!(
                    "Word-malens sidestørrelse ({} × {} mm) er ikke en papirstørrelse",
                    w.round(),
                    h.round()
                ),
                "velg A4 (eller en annen papirstørrelse) under Oppsett → Størrelse i malen",
            ));
        }
        let landscape = size.and_then(|s| s.attr("w:orient")).is_some_and(|o| o == "landscape") || w > h;
        let mar = section.child("w:pgMar");
        let mut t = toml::Table::new();
        t.insert("liggende".into(), V::Boolean(landscape));
        t.insert("bredde_mm".into(), twips_mm(w * TWIPS_PER_MM));
        t.insert("hoyde_mm".into(), twips_mm(h * TWIPS_PER_MM));
        for (key, attr, default) in [
            ("marg_topp_mm", "w:top", 25.0),
            ("marg_bunn_mm", "w:bottom", 25.0),
            ("marg_venstre_mm", "w:left", 25.0),
            ("marg_hoyre_mm", "w:right", 25.0),
        ] {
            let v = twips(mar, attr).map(|v| v.abs()).unwrap_or(default * TWIPS_PER_MM);
            t.insert(key.into(), twips_mm(v));
        }
        // Where the header starts below the page's top edge, and the footer
        // ends above its bottom edge.
        for (key, attr) in [("topptekst_mm", "w:header"), ("bunntekst_mm", "w:footer")] {
            if let Some(v) = twips(mar, attr) {
                t.insert(key.into(), twips_mm(v.abs().min(200.0 * TWIPS_PER_MM)));
            }
        }
        Ok(t)
    }
}

const TWIPS_PER_MM: f32 = 56.692_913;

/// A number for a TOML value, rounded to hundredths.
fn num(v: f32) -> toml::Value {
    toml::Value::Float((f64::from(v) * 100.0).round() / 100.0)
}

/// Millimetres from whole twips, as a person wrote them: the tenth of a
/// millimetre that gives these twips again when there is one (1417 twips are
/// 25 mm, not 24.99), else hundredths.
fn twips_mm(twips: f32) -> toml::Value {
    let mm = twips / TWIPS_PER_MM;
    let tenth = (f64::from(mm) * 10.0).round() / 10.0;
    if ((tenth as f32) * TWIPS_PER_MM).round() == twips.round() {
        toml::Value::Float(tenth)
    } else {
        num(mm)
    }
}

fn color_or_black(c: &Option<String>) -> String {
    match c.as_deref() {
        Some(c) if styles::is_hex6(c) => c.to_string(),
        _ => "000000".into(),
    }
}

/// The line height of a style as a multiple of single lines (exact heights
/// are taken relative to a single line of 1.2 × the font size).
fn line_multiple(p: &Props) -> f32 {
    let v = match &p.line {
        Some((l, rule)) if rule == "auto" => l / 240.0,
        Some((l, _)) => (l / 20.0) / (p.size.unwrap_or(11.0) * 1.2),
        None => 1.0,
    };
    v.clamp(0.8, 3.0)
}

/// A paragraph style's values in `stil.toml`'s shape: every look it has, so
/// that nothing a parent style says shows through.
fn para_values(p: &Props, normal: &Props, fonts: &FontTable, used: &mut BTreeSet<String>) -> toml::Table {
    use toml::Value as V;
    let mut t = toml::Table::new();
    if let Some(s) = p.size {
        t.insert("storrelse".into(), num(s.clamp(4.0, 72.0)));
    }
    t.insert("fet".into(), V::Boolean(p.bold.unwrap_or(false)));
    t.insert("kursiv".into(), V::Boolean(p.italic.unwrap_or(false)));
    let color = match p.color.as_deref() {
        Some(c) if styles::is_hex6(c) => c.to_string(),
        _ => color_or_black(&normal.color),
    };
    t.insert("farge".into(), V::String(format!("#{color}")));
    let align = match p.jc.as_deref() {
        Some("center") => Some("midt"),
        Some("right" | "end") => Some("høyre"),
        Some("left" | "start") | None => Some("venstre"),
        _ => None,
    };
    if let Some(a) = align {
        t.insert("justering".into(), V::String(a.into()));
    }
    t.insert("luft_over_pt".into(), num(p.before.unwrap_or(0.0).clamp(0.0, 200.0)));
    t.insert("luft_under_pt".into(), num(p.after.unwrap_or(0.0).clamp(0.0, 200.0)));
    t.insert("hold_med_neste".into(), V::Boolean(p.keep_next.unwrap_or(false)));
    if let Some(f) = p.font.as_ref().filter(|f| Some(*f) != normal.font.as_ref()) {
        used.insert(f.clone());
        t.insert("skrift".into(), V::String(pdf_font(f, fonts.generic(f)).0.into()));
        t.insert("skrift_word".into(), V::String(f.clone()));
    }
    if p.line != normal.line {
        t.insert("linje".into(), num(line_multiple(p)));
    }
    if let Some(l) = p.indent_left.filter(|l| *l != 0.0) {
        t.insert("innrykk_mm".into(), twips_mm(l));
    }
    if let Some(f) = p.indent_first.filter(|f| *f != 0.0) {
        t.insert("forste_linje_mm".into(), twips_mm(f));
    }
    t
}

/// The styles of a template the documents use, as Norwegian Word shows
/// them, with their ids: Normal, Title, Heading 1-3, the list styles and the
/// house style's classes.
fn used_styles(styles: &Styles, classes: &[String]) -> Vec<(String, String)> {
    let mut wanted: Vec<String> = vec!["Normal".into(), TITLE.into()];
    wanted.extend(HEADINGS[..3].iter().map(|h| h.to_string()));
    wanted.extend([LIST_BULLET, LIST_NUMBER, LIST_PARAGRAPH].iter().map(|s| s.to_string()));
    wanted.extend(classes.iter().filter(|c| *c != "tittel").cloned());
    let mut out: Vec<(String, String)> = Vec::new();
    for name in wanted {
        if let Some(s) = styles.named("paragraph", &name) {
            if !out.iter().any(|(_, id)| *id == s.id) {
                out.push((names::shown_nb(&s.name), s.id.clone()));
            }
        }
    }
    out
}

/// What a style (with what it inherits) has that the PDF does not draw:
/// each as the property's Norwegian name, once, with the id of the style in
/// its chain that sets it.
fn unfollowed(styles: &Styles, id: &str) -> Vec<(&'static str, String)> {
    let mut chain = Vec::new();
    let mut next = Some(id.to_string());
    while let Some(i) = next.take() {
        if chain.len() > 16 || chain.contains(&i) {
            break;
        }
        if let Some(s) = styles.by_id.get(&i) {
            next = s.based_on.clone();
            chain.push(i);
        }
    }
    let mut found: Vec<(&'static str, String)> = Vec::new();
    // Nearest first: a style that turns a property off wins over its parent.
    let mut decided: BTreeSet<&'static str> = BTreeSet::new();
    for i in &chain {
        let s = &styles.by_id[i];
        let mut props: Vec<&Elem> = Vec::new();
        for part in ["w:pPr", "w:rPr"] {
            if let Some(p) = s.elem.child(part) {
                props.extend(p.elems());
                if let Some(r) = p.child("w:rPr") {
                    props.extend(r.elems());
                }
            }
        }
        for e in props {
            let off = |v: Option<&str>| matches!(v, Some("0" | "false" | "off" | "none" | "nil" | "clear"));
            let val = e.attr("w:val").map(|v| v.to_string());
            let what = match e.name.as_str() {
                "w:pBdr" => {
                    let any = e.elems().any(|b| !off(b.attr("w:val").as_deref()));
                    Some(("kantlinjer", any))
                }
                "w:shd" => {
                    let fill = e.attr("w:fill").map(|f| f.to_ascii_lowercase());
                    let shaded =
                        !off(val.as_deref()) || fill.as_deref().is_some_and(|f| f != "auto" && f != "ffffff");
                    Some(("skyggelegging", shaded))
                }
                "w:spacing" if e.attr("w:val").is_some() => {
                    Some(("tegnavstand (utvidet eller komprimert)", val.as_deref() != Some("0")))
                }
                "w:kern" => Some(("kerning (tegnknipning)", val.as_deref() != Some("0"))),
                "w:caps" => Some(("store bokstaver", !off(val.as_deref()))),
                "w:smallCaps" => Some(("kapitéler", !off(val.as_deref()))),
                "w:u" => Some(("understreking", !off(val.as_deref()))),
                "w:strike" | "w:dstrike" => Some(("gjennomstreking", !off(val.as_deref()))),
                "w:highlight" => Some(("utheving med farge", !off(val.as_deref()))),
                "w:w" => Some(("skalert tegnbredde", val.as_deref().is_some_and(|v| v != "100"))),
                "w:position" => Some(("hevet eller senket tekst", val.as_deref() != Some("0"))),
                "w:jc" => Some(("blokkjustering", matches!(val.as_deref(), Some("both" | "distribute")))),
                "w:tabs" => Some((
                    "tabulatorfyll",
                    e.elems().any(|t| t.attr("w:leader").is_some_and(|l| l != "none")),
                )),
                _ => None,
            };
            if let Some((w, on)) = what {
                if decided.insert(w) && on {
                    found.push((w, i.clone()));
                }
            }
        }
    }
    found
}

/// «a», «a og b», «a, b og c».
fn and_list(items: &[String]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} og {last}", rest.join(", ")),
        _ => items.join(""),
    }
}

/// The table style the documents' tables use: Word's «Table Grid», or the
/// template's one table style of its own.
pub fn table_style(styles: &Styles) -> Option<&StyleDef> {
    styles.named("table", TABLE).or_else(|| {
        let own: Vec<&StyleDef> = styles
            .by_id
            .values()
            .filter(|s| s.kind == "table" && !names::name_matches("Normal Table", &s.name))
            .collect();
        (own.len() == 1).then(|| own[0])
    })
}

/// Active content: an embedded OLE object or an ActiveX control.
fn is_active(e: &Elem) -> bool {
    match e.name.as_str() {
        "w:object" | "w:control" => true,
        "w:pict" => {
            let mut found = false;
            e.walk(&mut |c| found |= c.name == "o:OLEObject" || c.name == "w:control");
            found
        }
        _ => false,
    }
}

/// The part a relationships part belongs to: `word/_rels/document.xml.rels` → `word/document.xml`.
fn source_of_rels(rels: &str) -> String {
    let (dir, file) = rels.rsplit_once("_rels/").unwrap_or(("", rels));
    format!("{dir}{}", file.trim_end_matches(".rels"))
}

/// The template's font table: which fonts are serif (`roman`) and which not.
#[derive(Debug, Default)]
struct FontTable {
    generic: BTreeMap<String, String>,
}

impl FontTable {
    fn read(pkg: &Package, part: Option<&str>) -> FontTable {
        let mut generic = BTreeMap::new();
        if let Some(Ok(xml)) = part.and_then(|p| pkg.xml(p)) {
            for f in xml.children_named("w:font") {
                let family = f.child("w:family").and_then(|x| x.attr("w:val")).map(|v| v.to_string());
                if let (Some(name), Some(family)) = (f.attr("w:name"), family) {
                    generic.entry(name.to_lowercase()).or_insert(family);
                }
            }
        }
        FontTable { generic }
    }

    fn generic(&self, font: &str) -> Option<&str> {
        self.generic.get(&font.to_lowercase()).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fonts_map_to_metric_twins_or_a_named_substitute() {
        assert_eq!(pdf_font("Calibri", None), ("Carlito", true));
        assert_eq!(pdf_font("Arial", Some("swiss")), ("Liberation Sans", true));
        assert_eq!(pdf_font("Cambria", Some("roman")), ("Caladea", true));
        assert_eq!(pdf_font("Georgia", Some("roman")), ("Caladea", false));
        assert_eq!(pdf_font("Times New Roman", None), ("Caladea", false));
        assert_eq!(pdf_font("Verdana", Some("swiss")), ("Carlito", false));
        assert_eq!(pdf_font("Helvetica Neue", None), ("Liberation Sans", false));
        assert_eq!(word_font("Carlito"), "Calibri");
        assert_eq!(word_font("Caladea"), "Cambria");
    }

    #[test]
    fn relationship_parts_name_their_source() {
        assert_eq!(source_of_rels("word/_rels/document.xml.rels"), "word/document.xml");
        assert_eq!(source_of_rels("_rels/.rels"), "");
        assert_eq!(source_of_rels("word/_rels/header1.xml.rels"), "word/header1.xml");
    }
}
