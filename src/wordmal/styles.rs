//! Word styles as they resolve: document defaults, then the `basedOn` chain,
//! then the style itself; theme fonts and theme colours looked up in the
//! package's theme part.

use std::collections::BTreeMap;

use super::names;
use super::tree::{on, Elem};

/// Paragraph and run properties, each set or inherited (`None`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Props {
    /// The Word font family (theme fonts resolved).
    pub font: Option<String>,
    /// Points.
    pub size: Option<f32>,
    pub bold: Option<bool>,
    pub italic: Option<bool>,
    /// Six lowercase hex digits, or `auto`.
    pub color: Option<String>,
    /// `w:jc` as written (`left`, `start`, `center`, `right`, `end`, `both`, ...).
    pub jc: Option<String>,
    /// Points.
    pub before: Option<f32>,
    pub after: Option<f32>,
    /// `w:spacing/@w:line` and its rule (`auto`: in 240ths of a line; `exact`, `atLeast`: twips).
    pub line: Option<(f32, String)>,
    pub contextual: Option<bool>,
    /// Twips; the first line's indent is negative when hanging.
    pub indent_left: Option<f32>,
    pub indent_right: Option<f32>,
    pub indent_first: Option<f32>,
    pub keep_next: Option<bool>,
    pub keep_lines: Option<bool>,
    /// Tab stops: (alignment, position in twips), sorted by position.
    pub tabs: Vec<(String, i32)>,
}

fn twips_pt(v: &str) -> Option<f32> {
    v.parse::<f32>().ok().map(|t| t / 20.0)
}

impl Props {
    /// Lays `other`'s set properties over these.
    pub fn over(&mut self, other: &Props) {
        macro_rules! take {
            ($($f:ident),*) => { $( if other.$f.is_some() { self.$f = other.$f.clone(); } )* };
        }
        take!(
            font,
            size,
            bold,
            italic,
            color,
            jc,
            before,
            after,
            line,
            contextual,
            indent_left,
            indent_right,
            indent_first
        );
        take!(keep_next, keep_lines);
        for (val, pos) in &other.tabs {
            self.tabs.retain(|(_, p)| p != pos);
            if val != "clear" {
                self.tabs.push((val.clone(), *pos));
            }
        }
        self.tabs.sort_by_key(|(_, p)| *p);
    }

    /// Reads a `w:rPr`.
    pub fn from_rpr(rpr: &Elem, theme: &ThemeInfo) -> Props {
        let mut p = Props::default();
        for c in rpr.elems() {
            match c.name.as_str() {
                "w:rFonts" => {
                    let themed = ["w:asciiTheme", "w:hAnsiTheme"].iter().find_map(|k| c.attr(k));
                    p.font = match themed {
                        Some(t) => Some(theme.font(&t)),
                        None => ["w:ascii", "w:hAnsi"].iter().find_map(|k| c.attr(k)).map(|f| f.to_string()),
                    };
                }
                "w:b" => p.bold = Some(on(c)),
                "w:i" => p.italic = Some(on(c)),
                "w:sz" => p.size = c.attr("w:val").and_then(|v| v.parse::<f32>().ok()).map(|v| v / 2.0),
                "w:color" => p.color = theme.color_of(c),
                _ => {}
            }
        }
        p
    }

    /// Reads a `w:pPr` (and the `w:rPr` inside it, as styles write run
    /// properties beside it).
    pub fn from_ppr(ppr: &Elem, theme: &ThemeInfo) -> Props {
        let mut p = Props::default();
        for c in ppr.elems() {
            match c.name.as_str() {
                "w:jc" => p.jc = c.attr("w:val").map(|v| v.to_string()),
                "w:spacing" => {
                    if c.attr("w:beforeAutospacing")
                        .as_deref()
                        .is_none_or(|v| !matches!(v, "1" | "true" | "on"))
                    {
                        p.before = c.attr("w:before").and_then(|v| twips_pt(&v));
                    }
                    if c.attr("w:afterAutospacing")
                        .as_deref()
                        .is_none_or(|v| !matches!(v, "1" | "true" | "on"))
                    {
                        p.after = c.attr("w:after").and_then(|v| twips_pt(&v));
                    }
                    if let Some(l) = c.attr("w:line").and_then(|v| v.parse::<f32>().ok()) {
                        let rule =
                            c.attr("w:lineRule").map(|r| r.to_string()).unwrap_or_else(|| "auto".into());
                        p.line = Some((l, rule));
                    }
                }
                "w:ind" => {
                    p.indent_left = ["w:left", "w:start"]
                        .iter()
                        .find_map(|k| c.attr(k))
                        .and_then(|v| v.parse::<f32>().ok());
                    p.indent_right = ["w:right", "w:end"]
                        .iter()
                        .find_map(|k| c.attr(k))
                        .and_then(|v| v.parse::<f32>().ok());
                    if let Some(h) = c.attr("w:hanging").and_then(|v| v.parse::<f32>().ok()) {
                        p.indent_first = Some(-h);
                    } else if let Some(f) = c.attr("w:firstLine").and_then(|v| v.parse::<f32>().ok()) {
                        p.indent_first = Some(f);
                    }
                }
                "w:keepNext" => p.keep_next = Some(on(c)),
                "w:keepLines" => p.keep_lines = Some(on(c)),
                "w:contextualSpacing" => p.contextual = Some(on(c)),
                "w:tabs" => {
                    for t in c.children_named("w:tab") {
                        let pos = t.attr("w:pos").and_then(|v| v.parse::<i32>().ok());
                        if let (Some(val), Some(pos)) = (t.attr("w:val"), pos) {
                            p.tabs.push((val.to_string(), pos));
                        }
                    }
                }
                "w:rPr" => p.over(&Props::from_rpr(c, theme)),
                _ => {}
            }
        }
        p
    }
}

/// A style definition.
#[derive(Debug, Clone)]
pub struct StyleDef {
    pub id: String,
    pub name: String,
    /// `paragraph`, `character`, `table` or `numbering`.
    pub kind: String,
    pub based_on: Option<String>,
    pub elem: Elem,
}

/// The theme's fonts and colours.
#[derive(Debug, Clone, Default)]
pub struct ThemeInfo {
    pub major: Option<String>,
    pub minor: Option<String>,
    /// `dk1`, `lt1`, `accent1`, ... → six lowercase hex digits.
    pub colors: BTreeMap<String, String>,
}

impl ThemeInfo {
    pub fn parse(theme: &Elem) -> ThemeInfo {
        let mut t = ThemeInfo::default();
        let Some(elements) = theme.child("a:themeElements") else { return t };
        if let Some(scheme) = elements.child("a:clrScheme") {
            for c in scheme.elems() {
                let key = c.name.trim_start_matches("a:").to_string();
                let value = c
                    .child("a:srgbClr")
                    .and_then(|s| s.attr("val").map(|v| v.to_string()))
                    .or_else(|| c.child("a:sysClr").and_then(|s| s.attr("lastClr").map(|v| v.to_string())));
                if let Some(v) = value.filter(|v| is_hex6(v)) {
                    t.colors.insert(key, v.to_ascii_lowercase());
                }
            }
        }
        if let Some(fonts) = elements.child("a:fontScheme") {
            let latin = |k: &str| {
                fonts
                    .child(k)
                    .and_then(|f| f.child("a:latin"))
                    .and_then(|l| l.attr("typeface").map(|v| v.to_string()))
                    .filter(|v| !v.is_empty())
            };
            t.major = latin("a:majorFont");
            t.minor = latin("a:minorFont");
        }
        t
    }

    /// A theme font reference (`minorHAnsi`, `majorAscii`, ...) as a family.
    /// Without a theme part, Word's own defaults.
    pub fn font(&self, reference: &str) -> String {
        if reference.starts_with("major") {
            self.major.clone().unwrap_or_else(|| "Calibri Light".into())
        } else {
            self.minor.clone().unwrap_or_else(|| "Calibri".into())
        }
    }

    /// The colour of a `w:color`: its value, or its theme colour (shaded or tinted).
    pub fn color_of(&self, c: &Elem) -> Option<String> {
        let val = c.attr("w:val").map(|v| v.to_ascii_lowercase());
        if let Some(v) = &val {
            if v == "auto" || is_hex6(v) {
                return Some(v.clone());
            }
        }
        let key = match c.attr("w:themeColor")?.as_ref() {
            "dark1" | "text1" => "dk1",
            "light1" | "background1" => "lt1",
            "dark2" | "text2" => "dk2",
            "light2" | "background2" => "lt2",
            "hyperlink" => "hlink",
            "followedHyperlink" => "folHlink",
            other => return self.colors.get(other).map(|v| adjust(v, c)),
        };
        self.colors.get(key).map(|v| adjust(v, c))
    }
}

/// Applies `w:themeShade` / `w:themeTint` to a colour.
fn adjust(hex: &str, c: &Elem) -> String {
    let byte =
        |k: &str| c.attr(k).and_then(|v| u8::from_str_radix(&v, 16).ok()).map(|b| f32::from(b) / 255.0);
    let (shade, tint) = (byte("w:themeShade"), byte("w:themeTint"));
    let mut out = String::new();
    for i in 0..3 {
        let mut v = f32::from(u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap_or(0));
        if let Some(s) = shade {
            v *= s;
        }
        if let Some(t) = tint {
            v = 255.0 - (255.0 - v) * t;
        }
        out.push_str(&format!("{:02x}", v.round().clamp(0.0, 255.0) as u8));
    }
    out
}

pub fn is_hex6(v: &str) -> bool {
    v.len() == 6 && v.chars().all(|c| c.is_ascii_hexdigit())
}

/// The styles part, resolved.
#[derive(Debug, Clone, Default)]
pub struct Styles {
    pub defaults: Props,
    pub by_id: BTreeMap<String, StyleDef>,
    /// The default paragraph style's id (Normal).
    pub default_para: Option<String>,
    pub theme: ThemeInfo,
}

impl Styles {
    pub fn parse(styles: &Elem, theme: ThemeInfo) -> Styles {
        let mut defaults = Props::default();
        if let Some(dd) = styles.child("w:docDefaults") {
            if let Some(rpr) = dd.child("w:rPrDefault").and_then(|r| r.child("w:rPr")) {
                defaults.over(&Props::from_rpr(rpr, &theme));
            }
            if let Some(ppr) = dd.child("w:pPrDefault").and_then(|r| r.child("w:pPr")) {
                defaults.over(&Props::from_ppr(ppr, &theme));
            }
        }
        let mut by_id = BTreeMap::new();
        let mut default_para = None;
        for s in styles.children_named("w:style") {
            let Some(id) = s.attr("w:styleId").map(|v| v.to_string()) else { continue };
            let kind = s.attr("w:type").map(|v| v.to_string()).unwrap_or_else(|| "paragraph".into());
            let name =
                s.child("w:name").and_then(|n| n.attr("w:val")).map(|v| v.to_string()).unwrap_or_default();
            if kind == "paragraph"
                && s.attr("w:default").is_some_and(|d| matches!(d.as_ref(), "1" | "true" | "on"))
            {
                default_para = Some(id.clone());
            }
            let based_on = s.child("w:basedOn").and_then(|b| b.attr("w:val")).map(|v| v.to_string());
            by_id.insert(id.clone(), StyleDef { id, name, kind, based_on, elem: s.clone() });
        }
        let mut st = Styles { defaults, by_id, default_para, theme };
        if st.default_para.is_none() {
            // LibreOffice marks no default: take the style named Normal.
            st.default_para = st.named("paragraph", "Normal").map(|s| s.id.clone());
        }
        st
    }

    /// A style of a type by its name, as Word stores built-in styles
    /// (`heading 1`, `Title`, `List Bullet`): case and spaces do not matter.
    /// A built-in style is also found by the name Word shows for it in
    /// Norwegian, Swedish, Danish or German («Overskrift 1», «Tittel»), and
    /// then by its localised id (`Overskrift1`), in that order.
    pub fn named(&self, kind: &str, name: &str) -> Option<&StyleDef> {
        let want = names::key(name);
        let of_kind = || self.by_id.values().filter(move |s| s.kind == kind);
        of_kind()
            .find(|s| names::key(&s.name) == want)
            .or_else(|| of_kind().find(|s| names::name_matches(name, &s.name)))
            .or_else(|| {
                let built_in = names::all_shown(name).len() > 1;
                of_kind().find(|s| built_in && names::id_matches(name, &s.id))
            })
    }

    /// The properties a style gives, with everything it inherits.
    pub fn resolve(&self, id: &str) -> Props {
        let mut chain = Vec::new();
        let mut next = Some(id.to_string());
        while let Some(i) = next.take() {
            if chain.len() > 16 || chain.contains(&i) {
                break;
            }
            if let Some(s) = self.by_id.get(&i) {
                next = s.based_on.clone();
                chain.push(i);
            }
        }
        let mut p = self.defaults.clone();
        for i in chain.iter().rev() {
            let s = &self.by_id[i];
            if let Some(ppr) = s.elem.child("w:pPr") {
                p.over(&Props::from_ppr(ppr, &self.theme));
            }
            if let Some(rpr) = s.elem.child("w:rPr") {
                p.over(&Props::from_rpr(rpr, &self.theme));
            }
        }
        p
    }

    /// The properties of a paragraph's run: the paragraph's style (or the
    /// default one), its own paragraph mark and run properties.
    pub fn resolve_run(&self, para_style: Option<&str>, ppr: Option<&Elem>, rpr: Option<&Elem>) -> Props {
        let style = para_style.map(str::to_string).or_else(|| self.default_para.clone());
        let mut p = match style {
            Some(s) => self.resolve(&s),
            None => self.defaults.clone(),
        };
        if let Some(ppr) = ppr {
            let mut own = Props::from_ppr(ppr, &self.theme);
            // The paragraph mark's run properties do not format its text.
            own.font = None;
            own.size = None;
            own.bold = None;
            own.italic = None;
            own.color = None;
            p.over(&own);
        }
        if let Some(rpr) = rpr {
            if let Some(rs) = rpr.child("w:rStyle").and_then(|r| r.attr("w:val")) {
                p.over(&self.resolve(&rs));
            }
            p.over(&Props::from_rpr(rpr, &self.theme));
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STYLES: &str = r#"<w:styles xmlns:w="w"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:asciiTheme="minorHAnsi" w:hAnsiTheme="minorHAnsi"/><w:sz w:val="22"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="200" w:line="276" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Overskrift1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="480" w:after="0"/></w:pPr><w:rPr><w:rFonts w:asciiTheme="majorHAnsi" w:hAnsiTheme="majorHAnsi"/><w:b/><w:color w:val="365F91" w:themeColor="accent1" w:themeShade="BF"/><w:sz w:val="28"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Overskrift2"><w:name w:val="heading 2"/><w:basedOn w:val="Overskrift1"/><w:rPr><w:b w:val="0"/><w:i/><w:color w:themeColor="accent1" w:themeShade="80"/></w:rPr></w:style>
</w:styles>"#;

    const THEME: &str = r#"<a:theme xmlns:a="a"><a:themeElements><a:clrScheme name="x"><a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:accent1><a:srgbClr val="4F81BD"/></a:accent1></a:clrScheme><a:fontScheme name="x"><a:majorFont><a:latin typeface="Cambria"/></a:majorFont><a:minorFont><a:latin typeface="Calibri"/></a:minorFont></a:fontScheme></a:themeElements></a:theme>"#;

    #[test]
    fn styles_resolve_through_their_chain_and_the_theme() {
        let theme = ThemeInfo::parse(&Elem::parse(THEME.as_bytes()).unwrap());
        let st = Styles::parse(&Elem::parse(STYLES.as_bytes()).unwrap(), theme);
        let h1 = st.named("paragraph", "Heading 1").unwrap();
        assert_eq!(h1.id, "Overskrift1", "found by its built-in name, not its localised id");
        let p = st.resolve("Overskrift1");
        assert_eq!(p.font.as_deref(), Some("Cambria"));
        assert_eq!((p.size, p.bold, p.color.as_deref()), (Some(14.0), Some(true), Some("365f91")));
        assert_eq!((p.before, p.after), (Some(24.0), Some(0.0)));
        assert_eq!(p.line, Some((276.0, "auto".into())));
        let p2 = st.resolve("Overskrift2");
        assert_eq!((p2.bold, p2.italic, p2.size), (Some(false), Some(true), Some(14.0)));
        assert_eq!(p2.color.as_deref(), Some("28415f"), "accent1 4f81bd shaded by 0x80");
        let normal = st.resolve(st.default_para.as_deref().unwrap());
        assert_eq!((normal.font.as_deref(), normal.size), (Some("Calibri"), Some(11.0)));
    }
}
