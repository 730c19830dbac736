//! arsplan's own header and footer, drawn from the house style when it has
//! no Word template header (footer) to use.
//!
//! Header: the logo or the typographic mark at the left, a second logo or
//! mark at the right (a right tab stop), then the style's header lines.
//! Footer: the style's footer text at the left, the page number at the right,
//! every part in one size and colour; the page fields are written as Word
//! writes them, one run per part (LibreOffice shows a field packed into one
//! run in the paragraph's default look).

use super::body::{text_run, PPr, Para, RPr};
use super::xml::Xml;
use super::{pt_twips, Pictures, NS};
use crate::diag::{Error, Result};
use crate::render::{image_size, Assets};
use crate::theme::{PagePart, Theme};

/// The typographic mark: the trust's name in the primary colour.
fn mark(theme: &Theme) -> RPr {
    RPr { bold: true, color: Some(theme.color("primar")), size: Some(24), ..RPr::default() }
}

/// The look of the footer's words and fields, and of the header lines.
fn small(theme: &Theme, size: u32) -> RPr {
    RPr { color: Some(theme.color("sekundar")), size: Some(size), ..RPr::default() }
}

fn logo(
    x: &mut Xml,
    pics: &mut Pictures,
    assets: &Assets,
    name: &str,
    alt: &str,
    width_mm: f32,
    max_mm: f32,
) -> Result<()> {
    let bytes = assets.images.get(name).cloned().unwrap_or_default();
    let (w, h) = image_size(&bytes).ok_or_else(|| Error::msg(format!("bildet «{name}» er ikke PNG")))?;
    let width = width_mm.min(max_mm);
    pics.run(x, bytes, alt, width, width * h as f32 / w.max(1) as f32);
    Ok(())
}

/// The header part.
pub fn header(theme: &Theme, assets: &Assets, pics: &mut Pictures, text_width: u32) -> Result<Vec<u8>> {
    let max_mm = text_width as f32 / super::TWIPS_PER_MM;
    let mut runs = Xml::new();
    let mark_text = theme.mark.clone().unwrap_or_else(|| theme.name.clone());
    if assets.images.contains_key("logo.png") {
        logo(&mut runs, pics, assets, "logo.png", &format!("Logo {mark_text}"), theme.logo_width_mm, max_mm)?;
    } else {
        text_run(&mut runs, &mark(theme), &mark_text);
    }
    let tab = |x: &mut Xml| {
        x.open("w:r", &[]).empty("w:tab", &[]).close("w:r");
    };
    if assets.images.contains_key("logo-hoyre.png") {
        tab(&mut runs);
        let alt = format!("Logo {}", theme.mark_right.clone().unwrap_or_default());
        logo(&mut runs, pics, assets, "logo-hoyre.png", &alt, 30.0, max_mm)?;
    } else if let Some(m) = &theme.mark_right {
        tab(&mut runs);
        text_run(&mut runs, &mark(theme), m);
    }
    let mut x = Xml::part();
    x.open("w:hdr", NS);
    Para {
        ppr: PPr { right_tabs: vec![text_width], after: Some(pt_twips(2.0)), ..PPr::default() },
        runs: runs.finish(),
    }
    .write(&mut x);
    for line in &theme.header_lines {
        let mut r = Xml::new();
        text_run(&mut r, &small(theme, 16), line);
        Para { ppr: PPr { after: Some(0), jc: Some("right"), ..PPr::default() }, runs: r.finish() }
            .write(&mut x);
    }
    x.close("w:hdr");
    Ok(x.finish())
}

/// A PAGE or NUMPAGES field in the footer's look.
fn field(x: &mut Xml, rpr: &RPr, instr: &str) {
    let run = |x: &mut Xml, inner: &dyn Fn(&mut Xml)| {
        x.open("w:r", &[]);
        rpr.write(x);
        inner(x);
        x.close("w:r");
    };
    run(x, &|x| {
        x.empty("w:fldChar", &[("w:fldCharType", "begin")]);
    });
    run(x, &|x| {
        x.leaf("w:instrText", &[("xml:space", "preserve")], instr);
    });
    run(x, &|x| {
        x.empty("w:fldChar", &[("w:fldCharType", "separate")]);
    });
    run(x, &|x| {
        x.leaf("w:t", &[], "1");
    });
    run(x, &|x| {
        x.empty("w:fldChar", &[("w:fldCharType", "end")]);
    });
}

/// The footer part.
pub fn footer(theme: &Theme, text_width: u32) -> Vec<u8> {
    let look = small(theme, 17);
    let mut runs = Xml::new();
    if !theme.footer_text.is_empty() {
        text_run(&mut runs, &look, &theme.footer_text);
    }
    runs.open("w:r", &[]).empty("w:tab", &[]).close("w:r");
    for part in theme.texts.page_parts() {
        match part {
            PagePart::Text(t) => text_run(&mut runs, &look, &t),
            PagePart::Page => field(&mut runs, &look, "PAGE"),
            PagePart::Pages => field(&mut runs, &look, "NUMPAGES"),
        }
    }
    let mut x = Xml::part();
    x.open("w:ftr", NS);
    Para { ppr: PPr { right_tabs: vec![text_width], after: Some(0), ..PPr::default() }, runs: runs.finish() }
        .write(&mut x);
    x.close("w:ftr");
    x.finish()
}
