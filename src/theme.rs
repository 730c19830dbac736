//! House styles: `templates/<stil>/stil.toml` (fonts, colours, page, header,
//! date formats, named paragraph styles) with inheritance through `arv`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diag::{Error, Location, Result};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    /// The house style this one inherits from (a folder under `templates/`).
    #[serde(default)]
    pub arv: Option<String>,
    pub navn: String,
    /// Font family: `Carlito` (Calibri's metrics) or `Liberation Sans` (Arial's).
    #[serde(default = "default_font")]
    pub skrift: String,
    /// The family Word should use for the DOCX (Calibri, Arial); defaults to `skrift`.
    #[serde(default)]
    pub skrift_word: Option<String>,
    #[serde(default = "default_size")]
    pub skriftstorrelse: f32,
    pub farger: Colors,
    #[serde(default)]
    pub side: Page,
    /// Lines printed at the right of the page header.
    #[serde(default)]
    pub topptekst: Vec<String>,
    /// Text at the left of the footer (a page number is always on the right).
    #[serde(default)]
    pub bunntekst: String,
    /// Logo file in the style's folder; a network's own `logo.png` wins.
    #[serde(default)]
    pub logo: Option<String>,
    #[serde(default = "default_logo_width")]
    pub logo_bredde_mm: f32,
    /// Named date formats (`tekst`, `tabell`, `full`, ...): see `dates::format`.
    pub dato: BTreeMap<String, String>,
    /// Heading styles, level 1 first.
    pub overskrift: Vec<ParaStyle>,
    /// Named paragraph styles that templates use through `{div} <name>` blocks.
    #[serde(default)]
    pub klasser: BTreeMap<String, ParaStyle>,
    /// Anything else the templates may read as `stil.ekstra.*`.
    #[serde(default)]
    pub ekstra: BTreeMap<String, toml::Value>,
    /// The folder the style was read from (and its parents'), nearest first.
    #[serde(skip)]
    pub dirs: Vec<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Colors {
    pub primar: String,
    #[serde(default = "default_secondary")]
    pub sekundar: String,
    #[serde(default = "default_text")]
    pub tekst: String,
    /// Background of table header rows.
    #[serde(default = "default_header_bg")]
    pub tabellhode: String,
    #[serde(default = "default_white")]
    pub tabellhode_tekst: String,
    #[serde(default = "default_rule")]
    pub linje: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    #[serde(default)]
    pub liggende: bool,
    #[serde(default = "default_margin")]
    pub marg_topp_mm: f32,
    #[serde(default = "default_margin")]
    pub marg_bunn_mm: f32,
    #[serde(default = "default_margin")]
    pub marg_venstre_mm: f32,
    #[serde(default = "default_margin")]
    pub marg_hoyre_mm: f32,
}

impl Default for Page {
    fn default() -> Self {
        Page {
            liggende: false,
            marg_topp_mm: 25.0,
            marg_bunn_mm: 25.0,
            marg_venstre_mm: 25.0,
            marg_hoyre_mm: 25.0,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ParaStyle {
    #[serde(default)]
    pub storrelse: Option<f32>,
    #[serde(default)]
    pub fet: bool,
    #[serde(default)]
    pub kursiv: bool,
    /// A colour name from `farger` (`primar`, `sekundar`, ...) or `#rrggbb`.
    #[serde(default)]
    pub farge: Option<String>,
    /// `venstre`, `midt` or `høyre`.
    #[serde(default)]
    pub justering: Option<String>,
    #[serde(default)]
    pub luft_over_pt: Option<f32>,
    #[serde(default)]
    pub luft_under_pt: Option<f32>,
    /// Keep on the same page as what follows (captions, labels).
    #[serde(default)]
    pub hold_med_neste: bool,
}

fn default_font() -> String {
    "Carlito".into()
}
fn default_size() -> f32 {
    11.0
}
fn default_logo_width() -> f32 {
    40.0
}
fn default_secondary() -> String {
    "#5b7f95".into()
}
fn default_text() -> String {
    "#1a1a1a".into()
}
fn default_header_bg() -> String {
    "#1f4e79".into()
}
fn default_white() -> String {
    "#ffffff".into()
}
fn default_rule() -> String {
    "#8c8c8c".into()
}
fn default_margin() -> f32 {
    25.0
}

/// The alignment of a paragraph style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

impl ParaStyle {
    pub fn align(&self) -> Align {
        match self.justering.as_deref() {
            Some("midt") => Align::Center,
            Some("høyre") => Align::Right,
            _ => Align::Left,
        }
    }
}

impl Theme {
    /// Checks what the renderers rely on: colours, page margins, sizes.
    fn validate(&self, path: &Path) -> Result<()> {
        let mut errors = Vec::new();
        let hex =
            |v: &str| v.len() == 7 && v.starts_with('#') && v[1..].chars().all(|c| c.is_ascii_hexdigit());
        let f = &self.farger;
        for (name, v) in [
            ("primar", &f.primar),
            ("sekundar", &f.sekundar),
            ("tekst", &f.tekst),
            ("tabellhode", &f.tabellhode),
            ("tabellhode_tekst", &f.tabellhode_tekst),
            ("linje", &f.linje),
        ] {
            if !hex(v) {
                errors.push(format!("fargen {name} = «{v}» er ikke på formen #rrggbb"));
            }
        }
        let named = ["primar", "sekundar", "tekst", "tabellhode", "tabellhode_tekst", "linje"];
        for (name, st) in self
            .klasser
            .iter()
            .map(|(n, s)| (n.as_str(), s))
            .chain(self.overskrift.iter().map(|s| ("overskrift", s)))
        {
            if let Some(c) = &st.farge {
                if !hex(c) && !named.contains(&c.as_str()) {
                    errors.push(format!(
                        "fargen «{c}» i {name} er verken #rrggbb eller en av {}",
                        named.join(", ")
                    ));
                }
            }
            if st.storrelse.is_some_and(|v| !(4.0..=72.0).contains(&v)) {
                errors.push(format!("storrelse i {name} må være mellom 4 og 72 punkter"));
            }
        }
        let p = &self.side;
        let (w, h) = if p.liggende { (297.0, 210.0) } else { (210.0, 297.0) };
        let margins = [p.marg_topp_mm, p.marg_bunn_mm, p.marg_venstre_mm, p.marg_hoyre_mm];
        if margins.iter().any(|m| !(0.0..=100.0).contains(m))
            || p.marg_venstre_mm + p.marg_hoyre_mm > w - 40.0
            || p.marg_topp_mm + p.marg_bunn_mm > h - 40.0
        {
            errors.push(format!("margene i [side] gir for lite plass på en {w} × {h} mm side"));
        }
        if !(6.0..=24.0).contains(&self.skriftstorrelse) {
            errors.push("skriftstorrelse må være mellom 6 og 24 punkter".into());
        }
        if !(5.0..=150.0).contains(&self.logo_bredde_mm) {
            errors.push("logo_bredde_mm må være mellom 5 og 150".into());
        }
        if errors.is_empty() {
            return Ok(());
        }
        Err(Error(
            errors
                .into_iter()
                .map(|m| {
                    crate::diag::Diagnostic::error(Some(Location::file(path)), m)
                        .hint("se templates/felles/stil.toml for gyldige verdier")
                })
                .collect(),
        ))
    }

    /// Resolves a colour name or `#rrggbb` to six lowercase hex digits.
    pub fn color(&self, name: &str) -> String {
        let raw = match name {
            "primar" => &self.farger.primar,
            "sekundar" => &self.farger.sekundar,
            "tekst" => &self.farger.tekst,
            "tabellhode" => &self.farger.tabellhode,
            "tabellhode_tekst" => &self.farger.tabellhode_tekst,
            "linje" => &self.farger.linje,
            other => other,
        };
        raw.trim_start_matches('#').to_lowercase()
    }

    /// The style of a heading level (1-based), the last one for deeper levels.
    pub fn heading(&self, level: u8) -> ParaStyle {
        let i = (level.max(1) as usize - 1).min(self.overskrift.len().saturating_sub(1));
        self.overskrift.get(i).cloned().unwrap_or_default()
    }

    /// The date pattern for a named format; an unknown name is taken as a pattern.
    pub fn date_pattern<'a>(&'a self, name: &'a str) -> &'a str {
        self.dato.get(name).map(String::as_str).unwrap_or(name)
    }

    /// Finds a file in the style's folders, nearest first.
    pub fn find_file(&self, name: &str) -> Option<PathBuf> {
        self.dirs.iter().map(|d| d.join(name)).find(|p| p.is_file())
    }

    /// Loads `templates/<name>/stil.toml`, merged over the styles it inherits from.
    /// `roots` are searched in order (a network's own `maler/` first, then `templates/`).
    pub fn load(roots: &[PathBuf], name: &str) -> Result<Theme> {
        let mut chain: Vec<(PathBuf, toml::Table)> = Vec::new();
        let mut next = Some(name.to_string());
        while let Some(n) = next.take() {
            if n.contains(['/', '\\']) || n.starts_with('.') {
                return Err(Error::msg(format!("ugyldig navn på husstil: «{n}»")));
            }
            if chain.len() > 8 || chain.iter().any(|(d, _)| d.ends_with(&n)) {
                return Err(Error::msg(format!("husstilen «{n}» arver fra seg selv")));
            }
            let found = roots.iter().map(|r| r.join(&n)).find(|d| d.join("stil.toml").is_file());
            let templates = roots.last().cloned().unwrap_or_default();
            let dir = found.unwrap_or_else(|| templates.join(&n));
            let path = dir.join("stil.toml");
            if !path.is_file() {
                return Err(Error::at(Location::file(&path), format!("husstilen «{n}» finnes ikke"))
                    .with_hint(format!(
                        "husstilene er mappene i {} som har en stil.toml",
                        templates.display()
                    )));
            }
            let table: toml::Table = crate::load::read_toml(&path)?;
            next = table.get("arv").and_then(|v| v.as_str()).map(str::to_string);
            chain.push((dir, table));
        }
        let dirs: Vec<PathBuf> = chain.iter().map(|(d, _)| d.clone()).collect();
        let mut merged = toml::Table::new();
        for (_, t) in chain.into_iter().rev() {
            merge(&mut merged, t);
        }
        let path = dirs.first().map(|d| d.join("stil.toml")).unwrap_or_default();
        let mut theme: Theme = toml::Value::Table(merged).try_into().map_err(|e: toml::de::Error| {
            Error::at(Location::file(&path), format!("husstilen kan ikke leses: {}", e.message()))
        })?;
        theme.dirs = dirs;
        theme.validate(&path)?;
        Ok(theme)
    }
}

/// Deep merge: tables merge key by key, everything else is replaced.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}
