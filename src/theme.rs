//! House styles: `templates/<stil>/stil.toml` (fonts, colours, page, header,
//! date formats, named paragraph styles, wording) with inheritance through `arv`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::diag::{Diagnostic, Error, Location, Result};
use crate::templates::Sources;
use crate::wordmal::{HeaderFooter, Template};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    /// The house style this one inherits from (a folder under `templates/`).
    #[serde(rename = "arv", default)]
    pub inherits: Option<String>,
    #[serde(rename = "navn")]
    pub name: String,
    /// Font family: `Carlito` (Calibri's metrics) or `Liberation Sans` (Arial's).
    #[serde(rename = "skrift")]
    pub font: String,
    /// The family Word should use for the DOCX (Calibri, Arial); defaults to `skrift`.
    #[serde(rename = "skrift_word", default)]
    pub word_font: Option<String>,
    #[serde(rename = "skriftstorrelse")]
    pub font_size: f32,
    #[serde(rename = "farger")]
    pub colors: Colors,
    #[serde(rename = "side")]
    pub page: Page,
    /// Lines printed at the right of the page header.
    #[serde(rename = "topptekst", default)]
    pub header_lines: Vec<String>,
    /// Text at the left of the footer (the page number is on the right).
    #[serde(rename = "bunntekst", default)]
    pub footer_text: String,
    /// Logo file in the style's folder; a network's own `logo.png` wins. Without
    /// either, the header shows the typographic mark (`merke`).
    #[serde(default)]
    pub logo: Option<String>,
    /// The typographic mark at the left of the header when there is no logo
    /// picture; default the network's health trust.
    #[serde(rename = "merke", default)]
    pub mark: Option<String>,
    /// A second logo at the right of the header (a file in the style's folder, or
    /// the network's own `logo-hoyre.png`).
    #[serde(rename = "logo_hoyre", default)]
    pub logo_right: Option<String>,
    /// A second mark at the right of the header when there is no second logo picture.
    #[serde(rename = "merke_hoyre", default)]
    pub mark_right: Option<String>,
    #[serde(rename = "logo_bredde_mm")]
    pub logo_width_mm: f32,
    /// Where the logo (or the mark) stands in the header: `venstre` (the
    /// default), `midt` or `høyre`; a second logo or mark takes the other side.
    #[serde(rename = "logo_plass", default)]
    pub logo_place: Option<Align>,
    /// Named date formats (`tekst`, `tabell`, `full`, ...): see `dates::format`.
    #[serde(rename = "dato")]
    pub date_formats: BTreeMap<String, String>,
    /// The vertical rhythm both formats share: line height, paragraph, list and cell spacing.
    #[serde(rename = "avstand")]
    pub spacing: Spacing,
    /// Heading styles, level 1 first.
    #[serde(rename = "overskrift")]
    pub headings: Vec<ParaStyle>,
    /// Named paragraph styles that templates use through `{div} <name>` blocks.
    #[serde(rename = "klasser", default)]
    pub classes: BTreeMap<String, ParaStyle>,
    /// Wording that arsplan writes outside the templates (footer, mail subject, ...).
    #[serde(rename = "tekster")]
    pub texts: Texts,
    /// The style's own words (`[ord]`): level names, members, local groups, ...
    #[serde(rename = "ord")]
    pub words: crate::vocabulary::Words,
    /// The årsrapport names those in the prize draw (opt-in; a warning at every build).
    #[serde(rename = "premieliste_med_navn", default)]
    pub prize_names: bool,
    /// What a mailing to the municipalities attaches beside the documents.
    #[serde(rename = "utsending", default)]
    pub sending: Sending,
    /// Where the årshjul goes in the årsplan: on a page of its own (`"side"`),
    /// or only in its own file (`"ingen"`, the default).
    #[serde(rename = "arshjul", default)]
    pub wheel: WheelPlace,
    /// Typographic choices: hyphenation, words that stay on one line.
    #[serde(rename = "typografi", default)]
    pub typography: Typography,
    /// Anything else the templates may read as `stil.ekstra.*`.
    #[serde(rename = "ekstra", default)]
    pub extra: BTreeMap<String, toml::Value>,
    /// A Word template (.dotx or .docx, relative to the folder of the style that
    /// names it) whose styles, page and header and footer this style takes.
    #[serde(rename = "word_mal", default)]
    pub word_template_file: Option<String>,
    /// That template, read and checked.
    #[serde(skip)]
    pub word_template: Option<Arc<Template>>,
    /// The template's header (footer) is used as it is, in both formats; else
    /// arsplan draws its own from the values above.
    #[serde(skip)]
    pub template_header: bool,
    #[serde(skip)]
    pub template_footer: bool,
    /// What reading the style found worth saying (a Word template's missing
    /// styles, substituted fonts, content left out).
    #[serde(skip)]
    pub warnings: Vec<Diagnostic>,
    /// The style names of the inheritance chain, nearest first.
    #[serde(skip)]
    pub chain: Vec<String>,
    /// The folders on disk the chain was read from, nearest first (a built-in
    /// style has none).
    #[serde(skip)]
    pub dirs: Vec<PathBuf>,
    /// Where the style's files are looked up.
    #[serde(skip)]
    pub sources: Sources,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Colors {
    #[serde(rename = "primar")]
    pub primary: String,
    #[serde(rename = "sekundar")]
    pub secondary: String,
    #[serde(rename = "tekst")]
    pub text: String,
    /// Background of table header rows.
    #[serde(rename = "tabellhode")]
    pub table_header: String,
    #[serde(rename = "tabellhode_tekst")]
    pub table_header_text: String,
    #[serde(rename = "linje")]
    pub rule: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    #[serde(rename = "liggende", default)]
    pub landscape: bool,
    #[serde(rename = "marg_topp_mm")]
    pub margin_top_mm: f32,
    #[serde(rename = "marg_bunn_mm")]
    pub margin_bottom_mm: f32,
    #[serde(rename = "marg_venstre_mm")]
    pub margin_left_mm: f32,
    #[serde(rename = "marg_hoyre_mm")]
    pub margin_right_mm: f32,
    /// The paper's width and height as the page lies (default A4).
    #[serde(rename = "bredde_mm", default)]
    pub width_mm: Option<f32>,
    #[serde(rename = "hoyde_mm", default)]
    pub height_mm: Option<f32>,
    /// From the page's top edge to the header (Word's header distance); by
    /// default 40 % of the top margin.
    #[serde(rename = "topptekst_mm", default)]
    pub header_mm: Option<f32>,
    /// From the page's bottom edge to the footer's last line; by default 45 %
    /// of the bottom margin.
    #[serde(rename = "bunntekst_mm", default)]
    pub footer_mm: Option<f32>,
}

/// The vertical rhythm of a style, the same in the DOCX and the PDF.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spacing {
    /// Line height as a multiple of the font's single line (Word's «Multiple»).
    #[serde(rename = "linje")]
    pub line: f32,
    /// Space after a paragraph.
    #[serde(rename = "avsnitt_pt")]
    pub paragraph_pt: f32,
    /// Space between the items of a list.
    #[serde(rename = "liste_pt")]
    pub list_pt: f32,
    /// Inside a table cell: above and below the text, and left and right of it.
    #[serde(rename = "celle_topp_pt")]
    pub cell_v_pt: f32,
    #[serde(rename = "celle_side_pt")]
    pub cell_h_pt: f32,
}

/// What `arsplan send` attaches beside the letter and the documents.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sending {
    /// The year's calendar (`kalender-<år>.ics`), so a municipality can import the dates.
    #[serde(rename = "kalender", default = "yes")]
    pub calendar: bool,
    /// With a correction, an endringsversjon of each changed document: the
    /// DOCX with tracked changes and the PDF with the changes marked.
    #[serde(rename = "endringsversjon", default = "yes")]
    pub revision: bool,
}

impl Default for Sending {
    fn default() -> Self {
        Sending { calendar: true, revision: true }
    }
}

fn yes() -> bool {
    true
}

/// Where a house style puts the årshjul in the årsplan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum WheelPlace {
    /// Only as `arshjul-<år>.svg` (and where a plan row `blokk;arshjul` asks).
    #[default]
    #[serde(rename = "ingen")]
    None,
    /// On a page of its own at the end of the årsplan.
    #[serde(rename = "side")]
    Page,
}

/// Typographic choices of a house style (`[typografi]`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Typography {
    /// Hyphenate body text (Word's automatic hyphenation); off by default, as
    /// in Word. Table cells, titles, headings, names, dates and numbers are
    /// never hyphenated.
    #[serde(rename = "orddeling", default)]
    pub hyphenate: bool,
    /// Names and phrases that are never broken across lines («Helse Vest»,
    /// «Meld. St.»): their spaces become no-break spaces wherever they appear.
    #[serde(rename = "hold_sammen", default)]
    pub keep_together: Vec<String>,
}

/// Wording arsplan writes itself; the base style (`felles`) has every value.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    /// The page number in the footer: `Side {{ side }} av {{ sider }}`.
    #[serde(rename = "side")]
    pub page: String,
    /// The mail subject, a template with `dokument`, `år`, `rapport_ar` (or none) and `nettverk`.
    #[serde(rename = "emne")]
    pub subject: String,
    /// The subject of a corrected version, with `emne`.
    #[serde(rename = "rettet_emne")]
    pub corrected_subject: String,
    /// The report's names of the two networks.
    #[serde(rename = "sykepleiernettverket")]
    pub nurses: String,
    #[serde(rename = "fysio_ergo_nettverket")]
    pub physio_ot: String,
    /// The report's label of the whole year's sum.
    #[serde(rename = "hele_aret")]
    pub whole_year: String,
    /// The årshjul's title in its hub.
    #[serde(rename = "arshjul")]
    pub wheel: String,
    /// The årshjul's legend: common meetings, group meetings, physio/OT gatherings.
    #[serde(rename = "arshjul_felles")]
    pub wheel_common: String,
    #[serde(rename = "arshjul_grupper")]
    pub wheel_groups: String,
    #[serde(rename = "arshjul_samlinger")]
    pub wheel_gatherings: String,
    /// A chart's target line label, before the value: `mål`.
    #[serde(rename = "diagram_mal")]
    pub chart_target: String,
    /// A chart's legend: bars that reach the target, and bars below it.
    #[serde(rename = "diagram_nadd")]
    pub chart_reached: String,
    #[serde(rename = "diagram_under")]
    pub chart_below: String,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ParaStyle {
    #[serde(rename = "storrelse", default)]
    pub size: Option<f32>,
    #[serde(rename = "fet", default)]
    pub bold: bool,
    #[serde(rename = "kursiv", default)]
    pub italic: bool,
    /// A colour name from `farger` (`primar`, `sekundar`, ...) or `#rrggbb`.
    #[serde(rename = "farge", default)]
    pub color: Option<String>,
    #[serde(rename = "justering", default)]
    pub align: Option<Align>,
    #[serde(rename = "luft_over_pt", default)]
    pub space_before_pt: Option<f32>,
    #[serde(rename = "luft_under_pt", default)]
    pub space_after_pt: Option<f32>,
    /// Keep on the same page as what follows (captions, labels).
    #[serde(rename = "hold_med_neste", default)]
    pub keep_with_next: bool,
    /// Keep the paragraphs of a group in this style on one page (a signature).
    #[serde(rename = "hold_sammen", default)]
    pub keep_together: bool,
    /// Keep the paragraph before (the closing paragraph before a signature)
    /// whole and on the same page as this one.
    #[serde(rename = "hold_med_forrige", default)]
    pub keep_with_previous: bool,
    /// A font of its own: the PDF's family (`Carlito`, `Liberation Sans`,
    /// `Caladea`) and the one Word uses (default: the PDF family's Word twin).
    #[serde(rename = "skrift", default)]
    pub font: Option<String>,
    #[serde(rename = "skrift_word", default)]
    pub word_font: Option<String>,
    /// A line height of its own (see `[avstand] linje`).
    #[serde(rename = "linje", default)]
    pub line: Option<f32>,
    /// Indent from the left margin, and of the first line (negative: hanging).
    #[serde(rename = "innrykk_mm", default)]
    pub indent_mm: Option<f32>,
    #[serde(rename = "forste_linje_mm", default)]
    pub first_line_mm: Option<f32>,
}

/// The alignment of a paragraph style: `venstre`, `midt` or `høyre`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum Align {
    #[default]
    #[serde(rename = "venstre")]
    Left,
    #[serde(rename = "midt")]
    Center,
    #[serde(rename = "høyre")]
    Right,
}

/// A colour of the house style by what it is for (`[farger]` in stil.toml,
/// by the serde names); a style class may name one instead of `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, Deserialize)]
pub enum ColorRole {
    #[serde(rename = "primar")]
    Primary,
    #[serde(rename = "sekundar")]
    Secondary,
    #[serde(rename = "tekst")]
    Text,
    /// Background of table header rows.
    #[serde(rename = "tabellhode")]
    TableHeader,
    #[serde(rename = "tabellhode_tekst")]
    TableHeaderText,
    #[serde(rename = "linje")]
    Rule,
}

impl ColorRole {
    /// Every role, in the order stil.toml lists them.
    pub const ALL: [ColorRole; 6] = [
        ColorRole::Primary,
        ColorRole::Secondary,
        ColorRole::Text,
        ColorRole::TableHeader,
        ColorRole::TableHeaderText,
        ColorRole::Rule,
    ];

    /// The role's name in stil.toml.
    pub fn name(self) -> &'static str {
        match self {
            ColorRole::Primary => "primar",
            ColorRole::Secondary => "sekundar",
            ColorRole::Text => "tekst",
            ColorRole::TableHeader => "tabellhode",
            ColorRole::TableHeaderText => "tabellhode_tekst",
            ColorRole::Rule => "linje",
        }
    }

    /// The role a style names, if the name is one.
    pub fn by_name(name: &str) -> Option<ColorRole> {
        ColorRole::ALL.into_iter().find(|r| r.name() == name)
    }
}

impl Colors {
    /// A role's value as stil.toml gives it (`#rrggbb`).
    pub fn of(&self, role: ColorRole) -> &str {
        match role {
            ColorRole::Primary => &self.primary,
            ColorRole::Secondary => &self.secondary,
            ColorRole::Text => &self.text,
            ColorRole::TableHeader => &self.table_header,
            ColorRole::TableHeaderText => &self.table_header_text,
            ColorRole::Rule => &self.rule,
        }
    }
}

/// A piece of the footer's page-number wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PagePart {
    Text(String),
    /// The current page's number.
    Page,
    /// The number of pages.
    Pages,
}

impl Texts {
    /// The page-number wording in pieces: `Side {{ side }} av {{ sider }}` →
    /// text «Side », page, text « av », pages.
    pub fn page_parts(&self) -> Vec<PagePart> {
        let mut out = Vec::new();
        let mut rest = self.page.as_str();
        while let Some(i) = rest.find("{{") {
            let Some(j) = rest[i..].find("}}").map(|j| i + j) else { break };
            let part = match rest[i + 2..j].trim() {
                "side" => PagePart::Page,
                "sider" => PagePart::Pages,
                other => PagePart::Text(format!("{{{{ {other} }}}}")),
            };
            if i > 0 {
                out.push(PagePart::Text(rest[..i].to_string()));
            }
            out.push(part);
            rest = &rest[j + 2..];
        }
        if !rest.is_empty() {
            out.push(PagePart::Text(rest.to_string()));
        }
        out
    }
}

impl ParaStyle {
    pub fn align(&self) -> Align {
        self.align.unwrap_or_default()
    }

    /// The family Word uses for this style's own font, if it has one.
    pub fn word_font_name(&self) -> Option<String> {
        self.word_font.clone().or_else(|| self.font.as_deref().map(crate::wordmal::word_font))
    }
}

impl Page {
    /// From the page's top edge to the header, in millimetres.
    pub fn header_distance_mm(&self) -> f32 {
        self.header_mm.unwrap_or(self.margin_top_mm * 0.4)
    }

    /// From the page's bottom edge to the footer, in millimetres.
    pub fn footer_distance_mm(&self) -> f32 {
        self.footer_mm.unwrap_or(self.margin_bottom_mm * 0.45)
    }

    /// The page's width and height in millimetres as it lies: the size given,
    /// or A4, turned to match `liggende`.
    pub fn size_mm(&self) -> (f32, f32) {
        let (w, h) = match (self.width_mm, self.height_mm) {
            (Some(w), Some(h)) => (w, h),
            _ => (210.0, 297.0),
        };
        let (short, long) = (w.min(h), w.max(h));
        if self.landscape {
            (long, short)
        } else {
            (short, long)
        }
    }
}

fn is_hex(v: &str) -> bool {
    v.len() == 7 && v.starts_with('#') && v[1..].chars().all(|c| c.is_ascii_hexdigit())
}

impl Theme {
    /// Checks what the renderers rely on: colours, page margins, sizes.
    fn validate(&self, path: &Path) -> Result<()> {
        let mut errors = Vec::new();
        for role in ColorRole::ALL {
            let v = self.colors.of(role);
            if !is_hex(v) {
                errors.push(format!("fargen {} = «{v}» er ikke på formen #rrggbb", role.name()));
            }
        }
        for (name, st) in self
            .classes
            .iter()
            .map(|(n, s)| (n.as_str(), s))
            .chain(self.headings.iter().map(|s| ("overskrift", s)))
        {
            if let Some(c) = &st.color {
                if !is_hex(c) && ColorRole::by_name(c).is_none() {
                    let names: Vec<&str> = ColorRole::ALL.iter().map(|r| r.name()).collect();
                    errors.push(format!(
                        "fargen «{c}» i {name} er verken #rrggbb eller en av {}",
                        names.join(", ")
                    ));
                }
            }
            if st.size.is_some_and(|v| !(4.0..=72.0).contains(&v)) {
                errors.push(format!("storrelse i {name} må være mellom 4 og 72 punkter"));
            }
        }
        let p = &self.page;
        // The paper as it lies (a size out of range is reported by validate_word_values).
        let (w, h) = p.size_mm();
        let sized = (50.0..=1000.0).contains(&w) && (50.0..=1000.0).contains(&h);
        let margins = [p.margin_top_mm, p.margin_bottom_mm, p.margin_left_mm, p.margin_right_mm];
        if margins.iter().any(|m| !(0.0..=100.0).contains(m))
            || sized
                && (p.margin_left_mm + p.margin_right_mm > w - 40.0
                    || p.margin_top_mm + p.margin_bottom_mm > h - 40.0)
        {
            errors.push(format!("margene i [side] gir for lite plass på en {w} × {h} mm side"));
        }
        if !(6.0..=24.0).contains(&self.font_size) {
            errors.push("skriftstorrelse må være mellom 6 og 24 punkter".into());
        }
        if !(5.0..=150.0).contains(&self.logo_width_mm) {
            errors.push("logo_bredde_mm må være mellom 5 og 150".into());
        }
        let sp = &self.spacing;
        if !(0.8..=3.0).contains(&sp.line) {
            errors.push("[avstand] linje må være mellom 0,8 og 3".into());
        }
        if [sp.paragraph_pt, sp.list_pt, sp.cell_v_pt, sp.cell_h_pt].iter().any(|v| !(0.0..=40.0).contains(v))
        {
            errors.push("avstandene i [avstand] må være mellom 0 og 40 punkter".into());
        }
        for (name, pattern) in &self.date_formats {
            if let Err(why) = crate::dates::check_pattern(pattern) {
                errors.push(format!("[dato] {name} = «{pattern}» kan ikke brukes: {why}; bruk feltene d dd M MM MMMM yyyy dddd ww"));
            }
        }
        for (name, text) in
            self.header_lines.iter().map(|t| ("topptekst", t)).chain([("bunntekst", &self.footer_text)])
        {
            if let Some((m, _)) = crate::load::text::problem(text) {
                errors.push(format!("{name}: {m}"));
            }
        }
        if !crate::fonts::has_family(&self.font) {
            errors.push(format!(
                "skrift = «{}» følger ikke med arsplan; bruk en av disse: {}",
                self.font,
                crate::fonts::families().join(", ")
            ));
        }
        if self.headings.is_empty() {
            errors.push("stilen har ingen [[overskrift]]".into());
        }
        errors.extend(self.words.problems());
        invalid_values(path, errors)
    }

    fn color_value<'a>(&'a self, name: &'a str) -> &'a str {
        ColorRole::by_name(name).map(|r| self.colors.of(r)).unwrap_or(name)
    }

    /// The family Word uses for the body text.
    pub fn word_font_name(&self) -> String {
        self.word_font.clone().unwrap_or_else(|| crate::wordmal::word_font(&self.font))
    }

    /// The Word template's header (and first page's header) when the style uses it.
    pub fn word_header(&self) -> Option<(&HeaderFooter, Option<&HeaderFooter>)> {
        let t = self.word_template.as_deref().filter(|_| self.template_header)?;
        Some((t.header.as_ref()?, t.first_header.as_ref()))
    }

    /// The Word template's footer (and first page's footer) when the style uses it.
    pub fn word_footer(&self) -> Option<(&HeaderFooter, Option<&HeaderFooter>)> {
        let t = self.word_template.as_deref().filter(|_| self.template_footer)?;
        Some((t.footer.as_ref()?, t.first_footer.as_ref()))
    }

    /// Checks the values `validate` leaves to the Word-template support: page
    /// size and the styles' own line heights and indents.
    fn validate_word_values(&self, path: &Path) -> Result<()> {
        let mut errors = Vec::new();
        let p = &self.page;
        if [p.width_mm, p.height_mm].iter().flatten().any(|v| !(50.0..=1000.0).contains(v)) {
            errors.push("bredde_mm og hoyde_mm i [side] må være mellom 50 og 1000".to_string());
        }
        if [p.header_mm, p.footer_mm].iter().flatten().any(|v| !(0.0..=200.0).contains(v)) {
            errors.push("topptekst_mm og bunntekst_mm i [side] må være mellom 0 og 200".to_string());
        }
        for (name, st) in self
            .classes
            .iter()
            .map(|(n, s)| (n.as_str(), s))
            .chain(self.headings.iter().map(|s| ("overskrift", s)))
        {
            if st.line.is_some_and(|v| !(0.8..=3.0).contains(&v)) {
                errors.push(format!("linje i {name} må være mellom 0,8 og 3"));
            }
            if [st.indent_mm, st.first_line_mm].iter().flatten().any(|v| !(-100.0..=200.0).contains(v)) {
                errors.push(format!("innrykkene i {name} må være mellom -100 og 200 mm"));
            }
        }
        invalid_values(path, errors)
    }

    /// Resolves a colour a style gives (a role's name or `#rrggbb`) to six
    /// lowercase hex digits.
    pub fn color(&self, name: &str) -> String {
        self.color_value(name).trim_start_matches('#').to_lowercase()
    }

    /// A role's colour as six lowercase hex digits.
    pub fn role(&self, role: ColorRole) -> String {
        self.colors.of(role).trim_start_matches('#').to_lowercase()
    }

    /// The style of a heading level (1-based), the last one for deeper levels.
    pub fn heading(&self, level: u8) -> ParaStyle {
        let i = (level.max(1) as usize - 1).min(self.headings.len().saturating_sub(1));
        self.headings.get(i).cloned().unwrap_or_default()
    }

    /// The date pattern for a named format; an unknown name is taken as a pattern.
    pub fn date_pattern<'a>(&'a self, name: &'a str) -> &'a str {
        self.date_formats.get(name).map(String::as_str).unwrap_or(name)
    }

    /// The same style with its vertical spacing scaled by `factor` (below 1:
    /// tighter), to keep a last page from holding a line or two.
    pub fn tightened(&self, factor: f32) -> Theme {
        let mut t = self.clone();
        t.spacing.paragraph_pt *= factor;
        t.spacing.list_pt *= factor;
        t.spacing.cell_v_pt *= factor;
        for st in t.headings.iter_mut().chain(t.classes.values_mut()) {
            st.space_before_pt = st.space_before_pt.map(|v| v * factor);
            st.space_after_pt = st.space_after_pt.map(|v| v * factor);
        }
        t
    }

    /// Finds a file along the style chain, nearest first (a path on disk, or a
    /// built-in file's name for messages).
    pub fn find_file(&self, name: &str) -> Option<PathBuf> {
        self.chain.iter().find_map(|style| self.sources.find(&format!("{style}/{name}")))
    }

    /// Reads a file along the style chain, nearest first: where it is, and its bytes.
    pub fn read_file(&self, name: &str) -> Option<std::io::Result<(PathBuf, Vec<u8>)>> {
        self.chain.iter().find_map(|style| self.sources.read(&format!("{style}/{name}")))
    }

    /// The name `<style>/<file>` of the nearest style in the chain that has `file`.
    pub fn template_name(&self, file: &str) -> Option<String> {
        self.chain.iter().map(|style| format!("{style}/{file}")).find(|n| self.sources.find(n).is_some())
    }

    /// The names of the files the chain's styles hold (every style), sorted, unique.
    pub fn file_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.chain.iter().flat_map(|s| self.sources.files(s)).collect();
        v.sort();
        v.dedup();
        v
    }

    /// Loads `<style>/stil.toml`, merged over the styles it inherits from.
    pub fn load(sources: &Sources, name: &str) -> Result<Theme> {
        let mut chain: Vec<(String, PathBuf, toml::Table)> = Vec::new();
        let mut next = Some(name.to_string());
        while let Some(n) = next.take() {
            if n.contains(['/', '\\']) || n.starts_with('.') || n.is_empty() {
                return Err(Error::msg(format!("ugyldig navn på husstil: «{n}»")));
            }
            if chain.len() > 8 || chain.iter().any(|(s, _, _)| *s == n) {
                return Err(Error::msg(format!("husstilen «{n}» arver fra seg selv")));
            }
            let Some(read) = sources.read(&format!("{n}/stil.toml")) else {
                return Err(Error::msg(format!("husstilen «{n}» finnes ikke")).with_hint(format!(
                    "husstilene er: {}; en egen stil er en mappe med en stil.toml i templates/ eller data/<nettverk>/maler/",
                    sources.styles().join(", ")
                )));
            };
            let (path, bytes) = read.map_err(|e| {
                let at = sources.find(&format!("{n}/stil.toml")).unwrap_or_default();
                Error::at(
                    Location::file(&at),
                    format!("kan ikke lese husstilen: {}", crate::diag::io_text(&e)),
                )
            })?;
            let table: toml::Table = crate::load::parse_toml(&path, &bytes)?;
            next = table.get("arv").and_then(|v| v.as_str()).map(str::to_string);
            chain.push((n, path, table));
        }
        let path = chain.first().map(|(_, p, _)| p.clone()).unwrap_or_default();
        let names: Vec<String> = chain.iter().map(|(n, _, _)| n.clone()).collect();
        // The folders on disk the chain comes from (built-in styles have none).
        let dirs: Vec<PathBuf> = names.iter().filter_map(|n| sources.style_dir(n)).collect();
        // Parents first. A style naming a Word template takes the template's
        // values over what it inherits, and its own stil.toml over both.
        let mut merged = toml::Table::new();
        let mut template: Option<Arc<Template>> = None;
        let (mut own_header, mut own_footer) = (false, false);
        for (_, style_file, t) in chain.into_iter().rev() {
            if let Some(file) = t.get("word_mal") {
                let dir = style_file.parent().unwrap_or(Path::new("."));
                let at = Location::file(&style_file);
                let Some(file) = file.as_str().filter(|f| !f.trim().is_empty()) else {
                    return Err(Error::at(at, "word_mal må være filnavnet på en Word-mal")
                        .with_hint("for eksempel word_mal = \"mal.dotx\", i samme mappe som stil.toml"));
                };
                // The template lives in the style's folder (or below it), where
                // the build records and watch sees it.
                let inside = Path::new(file)
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_) | std::path::Component::CurDir));
                if !inside || file.contains(['\\', ':']) {
                    return Err(Error::at(at, format!("word_mal = «{file}» peker ut av husstilens mappe"))
                        .with_hint(format!(
                            "kopier Word-malen inn i {} og skriv bare filnavnet, for eksempel word_mal = \"mal.dotx\"",
                            dir.display()
                        )));
                }
                let tpl = crate::wordmal::read(&dir.join(file), &class_names(&merged, &t))?;
                merge_template(&mut merged, tpl.values.clone());
                template = Some(Arc::new(tpl));
                (own_header, own_footer) = (false, false);
            }
            if template.is_some() {
                own_header |= HEADER_KEYS.iter().any(|k| t.contains_key(*k));
                own_footer |= t.contains_key("bunntekst")
                    || t.get("tekster").and_then(|x| x.as_table()).is_some_and(|x| x.contains_key("side"));
            }
            merge(&mut merged, t);
        }
        let mut theme: Theme = toml::Value::Table(merged).try_into().map_err(|e: toml::de::Error| {
            Error::at(
                Location::file(&path),
                format!("husstilen kan ikke leses: {}", crate::load::toml_message(e.message())),
            )
            .with_hint("se templates/felles/stil.toml for feltene en stil kan ha")
        })?;
        theme.chain = names;
        theme.dirs = dirs;
        theme.sources = sources.clone();
        if let Some(t) = &template {
            theme.template_header = t.header.is_some() && !own_header;
            theme.template_footer = t.footer.is_some() && !own_footer;
            theme.warnings = t.warnings.clone();
        }
        theme.word_template = template;
        theme.validate(&path)?;
        theme.validate_word_values(&path)?;
        Ok(theme)
    }
}

/// Deep merge: tables merge key by key, everything else is replaced. A table
/// that names a font (`skrift`) without Word's name for it (`skrift_word`)
/// drops the inherited Word name, so that the two always name one design.
fn merge(base: &mut toml::Table, over: toml::Table) {
    if over.contains_key("skrift") && !over.contains_key("skrift_word") {
        base.remove("skrift_word");
    }
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// The keys that make a style draw its own header instead of its Word template's.
const HEADER_KEYS: [&str; 7] =
    ["topptekst", "logo", "merke", "logo_hoyre", "merke_hoyre", "logo_bredde_mm", "logo_plass"];

/// A Word template's values merged in: as [`merge`], but the headings
/// (`[[overskrift]]`) level by level, since a template may define only some.
fn merge_template(base: &mut toml::Table, mut values: toml::Table) {
    if let Some(toml::Value::Array(levels)) = values.remove("overskrift") {
        let mut have = match base.remove("overskrift") {
            Some(toml::Value::Array(a)) => a,
            _ => Vec::new(),
        };
        for (i, level) in levels.into_iter().enumerate() {
            let toml::Value::Table(level) = level else { continue };
            if i >= have.len() {
                have.push(toml::Value::Table(toml::Table::new()));
            }
            if let toml::Value::Table(b) = &mut have[i] {
                merge(b, level);
            }
        }
        base.insert("overskrift".into(), toml::Value::Array(have));
    }
    merge(base, values);
}

/// The paragraph classes a style knows so far: inherited and its own.
fn class_names(merged: &toml::Table, own: &toml::Table) -> Vec<String> {
    let mut v: Vec<String> = [merged, own]
        .iter()
        .filter_map(|t| t.get("klasser").and_then(|k| k.as_table()))
        .flat_map(|k| k.keys().cloned())
        .collect();
    v.sort();
    v.dedup();
    v
}

/// What a house style's values got wrong, each an error at its stil.toml.
fn invalid_values(path: &Path, errors: Vec<String>) -> Result<()> {
    if errors.is_empty() {
        return Ok(());
    }
    let hint = "se templates/felles/stil.toml for gyldige verdier";
    Err(Error(
        errors.into_iter().map(|m| Diagnostic::error(Some(Location::file(path)), m).hint(hint)).collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margins_are_checked_against_the_page_they_are_on() {
        let dir = tempfile::tempdir().unwrap();
        let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let load = |side: &str| {
            let style = dir.path().join("s");
            std::fs::create_dir_all(&style).unwrap();
            let toml = format!("arv = \"felles\"\nnavn = \"S\"\n[side]\n{side}");
            std::fs::write(style.join("stil.toml"), toml).unwrap();
            Theme::load(&Sources::new(vec![dir.path().to_path_buf(), templates.clone()]), "s")
        };
        // 190 mm of side margins leave too little of A4's 210 mm, enough of A3's 297 mm.
        let wide = "marg_venstre_mm = 95\nmarg_hoyre_mm = 95\n";
        let a4 = load(wide).unwrap_err();
        assert!(a4.0[0].message.contains("210 × 297 mm"), "{a4:?}");
        load(&format!("{wide}bredde_mm = 297\nhoyde_mm = 420\n")).unwrap();
        // A5 is narrower than A4: 150 mm of side margins do not fit on its 148 mm.
        let a5 =
            load("bredde_mm = 148\nhoyde_mm = 210\nmarg_venstre_mm = 75\nmarg_hoyre_mm = 75\n").unwrap_err();
        assert!(a5.0[0].message.contains("148 × 210 mm"), "{a5:?}");
    }

    #[test]
    fn page_wording_splits_at_its_fields() {
        let t = Texts {
            page: "Side {{ side }} av {{sider}}".into(),
            subject: String::new(),
            corrected_subject: String::new(),
            nurses: String::new(),
            physio_ot: String::new(),
            whole_year: String::new(),
            wheel: String::new(),
            wheel_common: String::new(),
            wheel_groups: String::new(),
            wheel_gatherings: String::new(),
            chart_target: String::new(),
            chart_reached: String::new(),
            chart_below: String::new(),
        };
        assert_eq!(
            t.page_parts(),
            vec![
                PagePart::Text("Side ".into()),
                PagePart::Page,
                PagePart::Text(" av ".into()),
                PagePart::Pages
            ]
        );
    }
}
