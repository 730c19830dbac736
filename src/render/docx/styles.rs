//! The package's styles, numbering and settings: a Word template's own parts
//! with the house style's values laid over the styles the documents use (and
//! the styles it lacks added), or arsplan's own parts written from the house
//! style. Both go through the same steps, so a house style exported as a
//! Word template (`arsplan wordmal`) and read back gives the same styles.

use std::collections::BTreeMap;

use super::normalize::{PPR_ORDER, RPR_ORDER};
use super::{mm_twips, pt_twips, Ids};
use crate::render::pdf::{LIST_INDENT_MM, LIST_MARKER_MM};
use crate::theme::{Align, ParaStyle, Theme};
use crate::wordmal::styles::{Props, Styles, ThemeInfo};
use crate::wordmal::tree::Elem;
use crate::wordmal::{self, Template};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Schema sequences (ECMA-376, wml.xsd) of the elements arsplan edits.
#[rustfmt::skip]
const STYLE_ORDER: &[&str] = &[
    "w:name", "w:aliases", "w:basedOn", "w:next", "w:link", "w:autoRedefine", "w:hidden", "w:uiPriority",
    "w:semiHidden", "w:unhideWhenUsed", "w:qFormat", "w:locked", "w:personal", "w:personalCompose",
    "w:personalReply", "w:rsid", "w:pPr", "w:rPr", "w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr",
];
const STYLES_ORDER: &[&str] = &["w:docDefaults", "w:latentStyles", "w:style"];
const DEFAULTS_ORDER: &[&str] = &["w:rPrDefault", "w:pPrDefault"];
#[rustfmt::skip]
const LVL_ORDER: &[&str] = &[
    "w:start", "w:numFmt", "w:lvlRestart", "w:pStyle", "w:isLgl", "w:suff", "w:lvlText", "w:lvlPicBulletId",
    "w:legacy", "w:lvlJc", "w:pPr", "w:rPr",
];
#[rustfmt::skip]
const ABSTRACT_ORDER: &[&str] = &[
    "w:nsid", "w:multiLevelType", "w:tmpl", "w:name", "w:styleLink", "w:numStyleLink", "w:lvl",
];

/// Puts the children of the elements arsplan knows the order of into the
/// schema's sequence: some programs (LibreOffice) write templates that do not
/// follow it, and Word repairs such files.
fn in_schema_order(e: &mut Elem) {
    e.walk_mut(&mut |x| match x.name.as_str() {
        "w:style" => x.sort_children(STYLE_ORDER),
        "w:pPr" => x.sort_children(PPR_ORDER),
        "w:rPr" => x.sort_children(RPR_ORDER),
        "w:lvl" => x.sort_children(LVL_ORDER),
        "w:abstractNum" => x.sort_children(ABSTRACT_ORDER),
        _ => {}
    });
}

#[rustfmt::skip]
const SETTINGS_ORDER: &[&str] = &[
    "w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation", "w:removeDateAndTime",
    "w:doNotDisplayPageBoundaries", "w:displayBackgroundShape", "w:printPostScriptOverText",
    "w:printFractionalCharacterWidth", "w:printFormsData", "w:embedTrueTypeFonts", "w:embedSystemFonts",
    "w:saveSubsetFonts", "w:saveFormsData", "w:mirrorMargins", "w:alignBordersAndEdges",
    "w:bordersDoNotSurroundHeader", "w:bordersDoNotSurroundFooter", "w:gutterAtTop", "w:hideSpellingErrors",
    "w:hideGrammaticalErrors", "w:activeWritingStyle", "w:proofState", "w:formsDesign",
    "w:attachedTemplate", "w:linkStyles", "w:stylePaneFormatFilter", "w:stylePaneSortMethod",
    "w:documentType", "w:mailMerge", "w:revisionView", "w:trackRevisions", "w:doNotTrackMoves",
    "w:doNotTrackFormatting", "w:documentProtection", "w:autoFormatOverride", "w:styleLockTheme",
    "w:styleLockQFSet", "w:defaultTabStop", "w:autoHyphenation", "w:consecutiveHyphenLimit",
    "w:hyphenationZone", "w:doNotHyphenateCaps", "w:showEnvelope", "w:summaryLength", "w:clickAndTypeStyle",
    "w:defaultTableStyle", "w:evenAndOddHeaders", "w:bookFoldRevPrinting", "w:bookFoldPrinting",
    "w:bookFoldPrintingSheets", "w:drawingGridHorizontalSpacing", "w:drawingGridVerticalSpacing",
    "w:displayHorizontalDrawingGridEvery", "w:displayVerticalDrawingGridEvery",
    "w:doNotUseMarginsForDrawingGridOrigin", "w:drawingGridHorizontalOrigin", "w:drawingGridVerticalOrigin",
    "w:doNotShadeFormData", "w:noPunctuationKerning", "w:characterSpacingControl", "w:printTwoOnOne",
    "w:strictFirstAndLastChars", "w:noLineBreaksAfter", "w:noLineBreaksBefore", "w:savePreviewPicture",
    "w:doNotValidateAgainstSchema", "w:saveInvalidXml", "w:ignoreMixedContent",
    "w:alwaysShowPlaceholderText", "w:doNotDemarcateInvalidXml", "w:saveXmlDataOnly", "w:useXSLTWhenSaving",
    "w:saveThroughXslt", "w:showXMLTags", "w:alwaysMergeEmptyNamespace", "w:updateFields",
    "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr",
    "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown",
    "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol",
    "w:listSeparator",
];

/// What a style should look like, from the house style.
#[derive(Debug, Clone, Default)]
struct Want {
    font: Option<String>,
    size: Option<f32>,
    bold: Option<bool>,
    italic: Option<bool>,
    color: Option<String>,
    jc: Option<&'static str>,
    before: Option<f32>,
    after: Option<f32>,
    line: Option<f32>,
    indent_mm: Option<f32>,
    first_line_mm: Option<f32>,
    keep: bool,
    outline: Option<usize>,
}

fn jc(a: Align) -> &'static str {
    match a {
        Align::Left => "left",
        Align::Center => "center",
        Align::Right => "right",
    }
}

/// A paragraph style of stil.toml as Word should show it: space before and
/// after as given (after: a body paragraph's when not given), kept with the
/// next paragraph when asked (headings always); see `render::spacing`.
fn want(theme: &Theme, st: &ParaStyle, outline: Option<usize>) -> Want {
    let p = theme.spacing.paragraph_pt;
    Want {
        font: st.word_font_name(),
        size: st.size,
        bold: Some(st.bold),
        italic: Some(st.italic),
        color: st.color.as_ref().map(|c| theme.color(c)),
        jc: st.align.map(jc),
        before: Some(st.space_before_pt.unwrap_or(0.0)),
        after: Some(st.space_after_pt.unwrap_or(p)),
        line: st.line,
        indent_mm: st.indent_mm,
        first_line_mm: st.first_line_mm,
        keep: st.keep_with_next || outline.is_some(),
        outline,
    }
}

fn on_off(e: &mut Elem, name: &str, value: bool, order: &[&str]) {
    let el = e.child_in_order(name, order);
    el.attrs.clear();
    if !value {
        el.set("w:val", "0");
    }
}

/// Lays the wanted look over a style, where what it resolves to differs.
fn stamp(style: &mut Elem, has: &Props, want: &Want, theme_font_default: &str) {
    let differs = |a: f32, b: f32| (a - b).abs() > 0.01;
    // Run properties.
    let current_font = has.font.clone().unwrap_or_else(|| theme_font_default.to_string());
    let font = want.font.as_ref().filter(|f| !current_font.eq_ignore_ascii_case(f));
    let bold = want.bold.filter(|b| *b != has.bold.unwrap_or(false));
    let italic = want.italic.filter(|i| *i != has.italic.unwrap_or(false));
    let current_color = has.color.clone().unwrap_or_else(|| "auto".into());
    let color = want
        .color
        .as_ref()
        .filter(|c| !(current_color.eq_ignore_ascii_case(c) || (current_color == "auto" && *c == "000000")));
    let size = want.size.filter(|s| has.size.is_none_or(|h| differs(*s, h)));
    if font.is_some() || bold.is_some() || italic.is_some() || color.is_some() || size.is_some() {
        let r = style.child_in_order("w:rPr", STYLE_ORDER);
        if let Some(f) = font {
            let fonts = r.child_in_order("w:rFonts", RPR_ORDER);
            for k in ["w:asciiTheme", "w:hAnsiTheme", "w:cstheme"] {
                fonts.remove(k);
            }
            for k in ["w:ascii", "w:hAnsi", "w:cs"] {
                fonts.set(k, f);
            }
        }
        if let Some(b) = bold {
            on_off(r, "w:b", b, RPR_ORDER);
            on_off(r, "w:bCs", b, RPR_ORDER);
        }
        if let Some(i) = italic {
            on_off(r, "w:i", i, RPR_ORDER);
            on_off(r, "w:iCs", i, RPR_ORDER);
        }
        if let Some(c) = color {
            let el = r.child_in_order("w:color", RPR_ORDER);
            el.attrs.clear();
            el.set("w:val", c);
        }
        if let Some(s) = size {
            let half = ((s * 2.0).round() as u32).to_string();
            r.child_in_order("w:sz", RPR_ORDER).set("w:val", &half);
            r.child_in_order("w:szCs", RPR_ORDER).set("w:val", &half);
        }
    }
    // Paragraph properties.
    let keep_next = want.keep && has.keep_next != Some(true);
    let keep_lines = want.keep && has.keep_lines != Some(true);
    let before = want.before.filter(|b| differs(*b, has.before.unwrap_or(0.0)));
    let after = want.after.filter(|a| differs(*a, has.after.unwrap_or(0.0)));
    let current_line = match &has.line {
        Some((v, r)) if r == "auto" => v / 240.0,
        Some(_) => -1.0,
        None => 1.0,
    };
    let line = want.line.filter(|l| (current_line - l).abs() > 0.005);
    let twips = |mm: f32| mm_twips(mm) as f32;
    let left = want.indent_mm.filter(|l| differs(twips(*l), has.indent_left.unwrap_or(0.0)));
    let first = want.first_line_mm.filter(|f| differs(twips(*f), has.indent_first.unwrap_or(0.0)));
    let current_jc = match has.jc.as_deref() {
        Some("center") => "center",
        Some("right" | "end") => "right",
        Some("left" | "start") | None => "left",
        Some(_) => "other",
    };
    let jc = want.jc.filter(|j| *j != current_jc);
    let current_outline = style
        .child("w:pPr")
        .and_then(|p| p.child("w:outlineLvl"))
        .and_then(|l| l.attr("w:val").and_then(|v| v.parse::<usize>().ok()));
    let outline = want.outline.filter(|o| current_outline != Some(*o));
    let any = keep_next
        || keep_lines
        || before.is_some()
        || after.is_some()
        || line.is_some()
        || left.is_some()
        || first.is_some()
        || jc.is_some()
        || outline.is_some();
    if !any {
        return;
    }
    let p = style.child_in_order("w:pPr", STYLE_ORDER);
    if keep_next {
        on_off(p, "w:keepNext", true, PPR_ORDER);
    }
    if keep_lines {
        on_off(p, "w:keepLines", true, PPR_ORDER);
    }
    if before.is_some() || after.is_some() || line.is_some() {
        let sp = p.child_in_order("w:spacing", PPR_ORDER);
        if let Some(b) = before {
            sp.remove("w:beforeLines");
            sp.remove("w:beforeAutospacing");
            sp.set("w:before", &pt_twips(b).to_string());
        }
        if let Some(a) = after {
            sp.remove("w:afterLines");
            sp.remove("w:afterAutospacing");
            sp.set("w:after", &pt_twips(a).to_string());
        }
        if let Some(l) = line {
            sp.set("w:line", &((240.0 * l).round() as i32).to_string());
            sp.set("w:lineRule", "auto");
        }
    }
    if left.is_some() || first.is_some() {
        let ind = p.child_in_order("w:ind", PPR_ORDER);
        if let Some(l) = left {
            ind.remove("w:start");
            ind.set("w:left", &mm_twips(l).to_string());
        }
        if let Some(f) = first {
            ind.remove("w:firstLine");
            ind.remove("w:hanging");
            let t = mm_twips(f);
            if t < 0 {
                ind.set("w:hanging", &(-t).to_string());
            } else {
                ind.set("w:firstLine", &t.to_string());
            }
        }
    }
    if let Some(j) = jc {
        p.child_in_order("w:jc", PPR_ORDER).set("w:val", j);
    }
    if let Some(o) = outline {
        p.child_in_order("w:outlineLvl", PPR_ORDER).set("w:val", &o.to_string());
    }
}

/// A new paragraph style based on Normal.
fn new_style(kind: &str, id: &str, name: &str, normal: &str, heading: bool) -> Elem {
    let mut s = Elem::new("w:style")
        .with("w:type", kind)
        .with("w:styleId", id)
        .push(Elem::new("w:name").with("w:val", name));
    if kind == "paragraph" {
        s = s
            .push(Elem::new("w:basedOn").with("w:val", normal))
            .push(Elem::new("w:next").with("w:val", normal));
    }
    if heading {
        s = s.push(Elem::new("w:uiPriority").with("w:val", "9"));
    }
    s.push(Elem::new("w:qFormat"))
}

/// An id no style has yet (Word compares ids without case), as close to
/// `preferred` as possible.
fn free_id(st: &Styles, preferred: &str) -> String {
    let taken = |id: &str| st.by_id.keys().any(|k| k.eq_ignore_ascii_case(id));
    let mut id = preferred.to_string();
    let mut n = 2;
    while taken(&id) {
        id = format!("{preferred}{n}");
        n += 1;
    }
    id
}

/// The styles Word would show under the same name as a style called
/// `name` (in any language Word shows built-in styles in).
fn shown_alike<'a>(st: &'a Styles, name: &str) -> Vec<&'a wordmal::styles::StyleDef> {
    let mine: Vec<String> = wordmal::names::all_shown(name).iter().map(|n| wordmal::names::key(n)).collect();
    st.by_id
        .values()
        .filter(|s| wordmal::names::all_shown(&s.name).iter().any(|n| mine.contains(&wordmal::names::key(n))))
        .collect()
}

/// The style id of a named class (`forside` → `StilForside`).
pub fn class_style_id(class: &str) -> String {
    let mut id: String = class.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if let Some(f) = id.get(0..1) {
        id = f.to_uppercase() + &id[1..];
    }
    format!("Stil{id}")
}

/// arsplan's own styles part: document defaults and Normal from the house style.
fn skeleton(theme: &Theme, lang: &str) -> Elem {
    let font = theme.word_font_name();
    let size = ((theme.font_size * 2.0).round() as u32).to_string();
    let sp = &theme.spacing;
    let rpr = Elem::new("w:rPr")
        .push(
            Elem::new("w:rFonts")
                .with("w:ascii", &font)
                .with("w:hAnsi", &font)
                .with("w:eastAsia", &font)
                .with("w:cs", &font),
        )
        .push(Elem::new("w:sz").with("w:val", &size))
        .push(Elem::new("w:szCs").with("w:val", &size))
        .push(Elem::new("w:lang").with("w:val", lang));
    let ppr = Elem::new("w:pPr").push(
        Elem::new("w:spacing")
            .with("w:before", "0")
            .with("w:after", &pt_twips(sp.paragraph_pt).to_string())
            .with("w:line", &((240.0 * sp.line).round() as i32).to_string())
            .with("w:lineRule", "auto"),
    );
    let defaults = Elem::new("w:docDefaults")
        .push(Elem::new("w:rPrDefault").push(rpr))
        .push(Elem::new("w:pPrDefault").push(ppr));
    // Normal keeps widows and orphans off, as Word's own Normal does.
    let normal = Elem::new("w:style")
        .with("w:type", "paragraph")
        .with("w:default", "1")
        .with("w:styleId", "Normal")
        .push(Elem::new("w:name").with("w:val", "Normal"))
        .push(Elem::new("w:qFormat"))
        .push(Elem::new("w:pPr").push(Elem::new("w:widowControl")));
    Elem::new("w:styles").with("xmlns:w", W).push(defaults).push(normal)
}

/// The numbering ids arsplan adds: above every id the template uses.
pub struct NumberingIds {
    pub bullet_abstract: u32,
    pub decimal_abstract: u32,
    pub bullet: u32,
    pub number: u32,
    pub first_ordered: u32,
}

pub fn numbering_ids(tpl: Option<&Template>) -> NumberingIds {
    let (mut abs, mut num) = (1u32, 1u32);
    if let Some(n) = tpl.and_then(|t| t.numbering.as_ref()) {
        for a in n.children_named("w:abstractNum") {
            abs = abs.max(a.attr("w:abstractNumId").and_then(|v| v.parse().ok()).unwrap_or(0));
        }
        for a in n.children_named("w:num") {
            num = num.max(a.attr("w:numId").and_then(|v| v.parse().ok()).unwrap_or(0));
        }
    }
    NumberingIds {
        bullet_abstract: abs + 1,
        decimal_abstract: abs + 2,
        bullet: num + 1,
        number: num + 2,
        first_ordered: num + 3,
    }
}

/// The styles part and the ids of the styles the body uses.
pub fn styles(theme: &Theme, tpl: Option<&Template>, lang: &str, num: &NumberingIds) -> (Elem, Ids) {
    let (mut root, resolved) = match tpl {
        Some(t) => {
            let mut root = t.styles_xml.clone();
            in_schema_order(&mut root);
            (root, t.styles.clone())
        }
        None => {
            let root = skeleton(theme, lang);
            let st = Styles::parse(&root, ThemeInfo::default());
            (root, st)
        }
    };
    // The document's language; hyphenation as the settings say (see `settings`).
    {
        let dd = root.child_in_order("w:docDefaults", STYLES_ORDER);
        let rpr = dd.child_in_order("w:rPrDefault", DEFAULTS_ORDER).child_in_order("w:rPr", &["w:rPr"]);
        let l = rpr.child_in_order("w:lang", RPR_ORDER);
        l.attrs.clear();
        l.set("w:val", lang);
    }
    let theme_font = resolved.defaults.font.clone().unwrap_or_else(|| "Times New Roman".into());
    let mut added: BTreeMap<String, Elem> = BTreeMap::new();
    let mut edits: BTreeMap<String, (Props, Want)> = BTreeMap::new();
    let normal = match resolved.default_para.clone().filter(|id| resolved.by_id.contains_key(id)) {
        Some(id) => id,
        None => {
            let id = free_id(&resolved, "Normal");
            let s = Elem::new("w:style")
                .with("w:type", "paragraph")
                .with("w:default", "1")
                .with("w:styleId", &id)
                .push(Elem::new("w:name").with("w:val", "Normal"))
                .push(Elem::new("w:qFormat"));
            added.insert(id.clone(), s);
            id
        }
    };
    let normal_props = resolved.resolve(&normal);
    let normal_want = Want {
        font: Some(theme.word_font_name()),
        size: Some(theme.font_size),
        color: Some(theme.role(crate::theme::ColorRole::Text)),
        before: None,
        after: Some(theme.spacing.paragraph_pt),
        line: Some(theme.spacing.line),
        ..Want::default()
    };
    edits.insert(normal.clone(), (normal_props.clone(), normal_want));
    let mut taken = resolved.clone();
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    // Finds a style by Word's name, or adds a new one; notes the look it should have.
    let mut role = |kind: &str, name: &str, preferred: &str, want: Option<Want>, heading: bool| -> String {
        if let Some(s) = resolved.named(kind, name) {
            if let Some(w) = want {
                edits.insert(s.id.clone(), (resolved.resolve(&s.id), w));
            }
            return s.id.clone();
        }
        let id = free_id(&taken, preferred);
        // Never two styles Word shows under one name: a style of another kind
        // the template has under this name keeps it, and ours is told apart
        // (a built-in one must keep its name: the template's is renamed).
        let mut name = name.to_string();
        for other in shown_alike(&taken, &name) {
            if wordmal::names::all_shown(&name).len() > 1 {
                renamed.insert(other.id.clone(), format!("{} (mal)", other.name));
            } else {
                name = format!("{name} (arsplan)");
            }
        }
        let name = name.as_str();
        taken.by_id.insert(
            id.clone(),
            wordmal::styles::StyleDef {
                id: id.clone(),
                name: name.into(),
                kind: kind.into(),
                based_on: None,
                elem: Elem::new("w:style"),
            },
        );
        added.insert(id.clone(), new_style(kind, &id, name, &normal, heading));
        if let Some(w) = want {
            edits.insert(id.clone(), (normal_props.clone(), w));
        }
        id
    };
    let title_style = theme.classes.get("tittel").cloned().unwrap_or_default();
    let title = role("paragraph", wordmal::TITLE, "Title", Some(want(theme, &title_style, Some(0))), true);
    let headings: [String; 4] = std::array::from_fn(|i| {
        let w = want(theme, &theme.heading(i as u8 + 1), Some(i));
        role("paragraph", wordmal::HEADINGS[i], &format!("Heading{}", i + 1), Some(w), true)
    });
    let mut classes = BTreeMap::new();
    for (name, st) in &theme.classes {
        if name == "tittel" {
            classes.insert(name.clone(), title.clone());
            continue;
        }
        let id = role("paragraph", name, &class_style_id(name), Some(want(theme, st, None)), false);
        classes.insert(name.clone(), id);
    }
    let list_bullet = role("paragraph", wordmal::LIST_BULLET, "ListBullet", None, false);
    let list_number = role("paragraph", wordmal::LIST_NUMBER, "ListNumber", None, false);
    let hyperlink = role("character", wordmal::HYPERLINK, "Hyperlink", None, false);
    let table = match tpl.and_then(|t| wordmal::table_style(&t.styles)) {
        Some(s) => s.id.clone(),
        None => role("table", wordmal::TABLE, "TableGrid", None, false),
    };
    // New list, link and table styles get the house style's look; new list
    // styles are based on the template's «Listeavsnitt» when it has one.
    let list_paragraph = resolved.named("paragraph", wordmal::LIST_PARAGRAPH).map(|s| s.id.clone());
    for (id, e) in added.iter_mut() {
        if *id == list_bullet || *id == list_number {
            if let Some(lp) = &list_paragraph {
                if let Some(b) = e.child_mut("w:basedOn") {
                    b.set("w:val", lp);
                }
            }
            let n = if *id == list_bullet { num.bullet } else { num.number };
            let numpr = Elem::new("w:numPr").push(Elem::new("w:numId").with("w:val", &n.to_string()));
            let mut ppr = Elem::new("w:pPr").push(numpr);
            if theme.spacing.list_pt == 0.0 {
                // Word's own list look: no space between the items (see render::spacing).
                let after = pt_twips(theme.spacing.paragraph_pt).to_string();
                ppr = ppr
                    .push(Elem::new("w:spacing").with("w:before", "0").with("w:after", &after))
                    .push(Elem::new("w:contextualSpacing"));
            } else {
                // The space between the items is the list style's own, so that a
                // template exported and read back has the lists it was made with.
                let after = pt_twips(theme.spacing.list_pt).to_string();
                ppr = ppr.push(Elem::new("w:spacing").with("w:before", "0").with("w:after", &after));
            }
            e.insert_in_order(ppr, STYLE_ORDER);
        } else if *id == hyperlink {
            let rpr = Elem::new("w:rPr")
                .push(Elem::new("w:color").with("w:val", &theme.role(crate::theme::ColorRole::Primary)))
                .push(Elem::new("w:u").with("w:val", "single"));
            e.insert_in_order(rpr, STYLE_ORDER);
            e.remove_children("w:qFormat");
            e.insert_in_order(Elem::new("w:uiPriority").with("w:val", "99"), STYLE_ORDER);
        } else if *id == table {
            table_style(theme, e);
        }
    }
    // With hyphenation on, only running text hyphenates: never the title,
    // headings or the named styles (cover lines, signatures).
    let unhyphenated: Vec<&String> = if theme.typography.hyphenate {
        std::iter::once(&title).chain(headings.iter()).chain(classes.values()).collect()
    } else {
        Vec::new()
    };
    let finish = |s: &mut Elem, id: &str| {
        if let Some((has, w)) = edits.get(id) {
            stamp(s, has, w, &theme_font);
        }
        if let Some(n) = renamed.get(id) {
            s.child_in_order("w:name", STYLE_ORDER).set("w:val", n);
        }
        if unhyphenated.iter().any(|u| *u == id) {
            let ppr = s.child_in_order("w:pPr", STYLE_ORDER);
            ppr.child_in_order("w:suppressAutoHyphens", PPR_ORDER).attrs.clear();
        }
    };
    for s in root.elems_mut().filter(|e| e.name == "w:style") {
        let Some(id) = s.attr("w:styleId").map(|v| v.to_string()) else { continue };
        finish(s, &id);
    }
    for (id, mut s) in added {
        finish(&mut s, &id);
        root.children.push(wordmal::tree::Node::Elem(s));
    }
    let ids = Ids {
        normal,
        title,
        headings,
        classes,
        list_bullet,
        list_number,
        hyperlink,
        table,
        bullet_num: num.bullet,
        first_ordered_num: num.first_ordered,
    };
    (root, ids)
}

/// The house style's table look as Word's «Table Grid»: rules in the line
/// colour, the cell padding, and a header row in the header colours.
fn table_style(theme: &Theme, e: &mut Elem) {
    let sp = &theme.spacing;
    let line = theme.role(crate::theme::ColorRole::Rule);
    let mut borders = Elem::new("w:tblBorders");
    for side in ["w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV"] {
        borders = borders.push(
            Elem::new(side)
                .with("w:val", "single")
                .with("w:sz", "4")
                .with("w:space", "0")
                .with("w:color", &line),
        );
    }
    let (v, h) = (pt_twips(sp.cell_v_pt).to_string(), pt_twips(sp.cell_h_pt).to_string());
    let mut mar = Elem::new("w:tblCellMar");
    for (side, w) in [("w:top", &v), ("w:left", &h), ("w:bottom", &v), ("w:right", &h)] {
        mar = mar.push(Elem::new(side).with("w:w", w).with("w:type", "dxa"));
    }
    e.remove_children("w:qFormat");
    e.insert_in_order(Elem::new("w:uiPriority").with("w:val", "59"), STYLE_ORDER);
    // Cells' paragraphs keep Normal's line spacing (as the PDF's do).
    let ppr = Elem::new("w:pPr").push(Elem::new("w:spacing").with("w:after", "0"));
    e.insert_in_order(ppr, STYLE_ORDER);
    e.insert_in_order(Elem::new("w:tblPr").push(borders).push(mar), STYLE_ORDER);
    let first_row =
        Elem::new("w:tblStylePr")
            .with("w:type", "firstRow")
            .push(Elem::new("w:rPr").push(Elem::new("w:b")).push(Elem::new("w:bCs")).push(
                Elem::new("w:color").with("w:val", &theme.role(crate::theme::ColorRole::TableHeaderText)),
            ))
            .push(
                Elem::new("w:tcPr").push(
                    Elem::new("w:shd")
                        .with("w:val", "clear")
                        .with("w:color", "auto")
                        .with("w:fill", &theme.role(crate::theme::ColorRole::TableHeader)),
                ),
            );
    e.children.push(wordmal::tree::Node::Elem(first_row));
}

/// The numbering part: the template's, with arsplan's bullet and decimal
/// lists added (marker and text where the PDF puts them).
pub fn numbering(tpl: Option<&Template>, ids: &NumberingIds, ordered: &[u32]) -> Elem {
    let mut root =
        tpl.and_then(|t| t.numbering.clone()).unwrap_or_else(|| Elem::new("w:numbering").with("xmlns:w", W));
    in_schema_order(&mut root);
    let lvl = |i: usize, fmt: &str, text: &str| {
        let left = mm_twips((LIST_INDENT_MM + LIST_MARKER_MM) * (i as f32 + 1.0));
        Elem::new("w:lvl")
            .with("w:ilvl", &i.to_string())
            .push(Elem::new("w:start").with("w:val", "1"))
            .push(Elem::new("w:numFmt").with("w:val", fmt))
            .push(Elem::new("w:lvlText").with("w:val", text))
            .push(Elem::new("w:lvlJc").with("w:val", "left"))
            .push(
                Elem::new("w:pPr").push(
                    Elem::new("w:ind")
                        .with("w:left", &left.to_string())
                        .with("w:hanging", &mm_twips(LIST_MARKER_MM).to_string()),
                ),
            )
    };
    let bullet = Elem::new("w:abstractNum")
        .with("w:abstractNumId", &ids.bullet_abstract.to_string())
        .push(Elem::new("w:multiLevelType").with("w:val", "hybridMultilevel"))
        .push(lvl(0, "bullet", "•"))
        .push(lvl(1, "bullet", "–"))
        .push(lvl(2, "bullet", "▪"));
    let decimal = Elem::new("w:abstractNum")
        .with("w:abstractNumId", &ids.decimal_abstract.to_string())
        .push(Elem::new("w:multiLevelType").with("w:val", "hybridMultilevel"))
        .push(lvl(0, "decimal", "%1."))
        .push(lvl(1, "lowerLetter", "%2)"))
        .push(lvl(2, "lowerRoman", "%3."));
    // Abstract definitions go before the first instance, instances before the cleanup marker.
    let at = root
        .children
        .iter()
        .position(|n| matches!(n, wordmal::tree::Node::Elem(e) if e.name == "w:num" || e.name == "w:numIdMacAtCleanup"))
        .unwrap_or(root.children.len());
    root.children.insert(at, wordmal::tree::Node::Elem(decimal));
    root.children.insert(at, wordmal::tree::Node::Elem(bullet));
    let num = |id: u32, abs: u32, restart: bool| {
        let mut n = Elem::new("w:num")
            .with("w:numId", &id.to_string())
            .push(Elem::new("w:abstractNumId").with("w:val", &abs.to_string()));
        if restart {
            n = n.push(
                Elem::new("w:lvlOverride")
                    .with("w:ilvl", "0")
                    .push(Elem::new("w:startOverride").with("w:val", "1")),
            );
        }
        n
    };
    let mut nums =
        vec![num(ids.bullet, ids.bullet_abstract, false), num(ids.number, ids.decimal_abstract, false)];
    nums.extend(ordered.iter().map(|id| num(*id, ids.decimal_abstract, true)));
    let at = root
        .children
        .iter()
        .position(|n| matches!(n, wordmal::tree::Node::Elem(e) if e.name == "w:numIdMacAtCleanup"))
        .unwrap_or(root.children.len());
    for (i, n) in nums.into_iter().enumerate() {
        root.children.insert(at + i, wordmal::tree::Node::Elem(n));
    }
    root
}

/// The settings part: the template's without what points outside the
/// package or locks the document, or arsplan's own; automatic hyphenation
/// only when the house style asks for it (Word's default is none), and the
/// language of the theme fonts.
pub fn settings(tpl: Option<&Template>, lang: &str, own_header_or_footer: bool, hyphenate: bool) -> Elem {
    let mut root = tpl.and_then(|t| t.settings.clone()).unwrap_or_else(|| {
        Elem::new("w:settings")
            .with("xmlns:w", W)
            .push(Elem::new("w:zoom").with("w:percent", "100"))
            .push(Elem::new("w:defaultTabStop").with("w:val", "709"))
            .push(Elem::new("w:characterSpacingControl").with("w:val", "doNotCompress"))
            .push(
                Elem::new("w:compat").push(
                    Elem::new("w:compatSetting")
                        .with("w:name", "compatibilityMode")
                        .with("w:uri", "http://schemas.microsoft.com/office/word")
                        .with("w:val", "15"),
                ),
            )
    });
    // The settings' relationships (attached template, mail-merge data, XSLT) are not
    // copied: everything that used them goes, and so do locks and style links.
    const DROPPED: &[&str] =
        &["w:mailMerge", "w:documentProtection", "w:writeProtection", "w:linkStyles", "w:attachedTemplate"];
    root.children.retain(|n| {
        let wordmal::tree::Node::Elem(e) = n else { return true };
        let mut points_out = false;
        e.walk(&mut |d| points_out |= d.attrs.iter().any(|(k, _)| k.starts_with("r:")));
        let dropped =
            DROPPED.contains(&e.name.as_str()) || (own_header_or_footer && e.name == "w:evenAndOddHeaders");
        !points_out && !dropped
    });
    root.remove_children("w:autoHyphenation");
    if hyphenate {
        root.insert_in_order(Elem::new("w:autoHyphenation"), SETTINGS_ORDER);
    }
    if root.child("w:themeFontLang").is_none() {
        root.insert_in_order(Elem::new("w:themeFontLang").with("w:val", lang), SETTINGS_ORDER);
    }
    root
}
