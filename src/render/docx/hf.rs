//! arsplan's own header and footer, written by docx-rs from the house style
//! when there is no Word template header (footer) to use.
//!
//! Header: the logo or the typographic mark at the left, a second logo or
//! mark at the right (a right tab stop), then the style's header lines.
//! Footer: the style's footer text at the left, the page number at the right,
//! every part in one size and colour; the page fields are written as Word
//! writes them, one run per part (LibreOffice shows a field packed into one
//! run in the paragraph's default look).

use docx_rs::{FieldCharType, Footer, Header, InstrNUMPAGES, InstrPAGE, InstrText, Run};

use super::body::{PPr, Para, Pictures, RPr};
use super::pt_twips;
use crate::diag::{Error, Result};
use crate::render::{image_size, Assets};
use crate::theme::{PagePart, Theme};

/// The typographic mark: the trust's name in the primary colour.
fn mark(theme: &Theme) -> RPr {
    RPr { bold: true, color: Some(theme.color("primar")), size: Some(24), ..RPr::default() }
}

/// The look of the footer's words and fields, and of the header lines.
fn small(theme: &Theme, size: usize) -> RPr {
    RPr { color: Some(theme.color("sekundar")), size: Some(size), ..RPr::default() }
}

fn logo(
    pics: &mut Pictures,
    assets: &Assets,
    name: &str,
    alt: &str,
    width_mm: f32,
    max_mm: f32,
) -> Result<Run> {
    let bytes = assets.images.get(name).cloned().unwrap_or_default();
    let (w, h) = image_size(&bytes).ok_or_else(|| Error::msg(format!("bildet «{name}» er ikke PNG")))?;
    let width = width_mm.min(max_mm);
    pics.run(bytes, alt, width, width * h as f32 / w.max(1) as f32)
}

/// The header, and the pictures it shows.
pub fn header(theme: &Theme, assets: &Assets, text_width: u32) -> Result<(Header, Pictures)> {
    let max_mm = text_width as f32 / super::TWIPS_PER_MM;
    let mut pics = Pictures::default();
    let mut top =
        Para::new(PPr { right_tabs: vec![text_width], after: Some(pt_twips(2.0)), ..PPr::default() });
    let mark_text = theme.mark.clone().unwrap_or_else(|| theme.name.clone());
    if assets.images.contains_key("logo.png") {
        let alt = format!("Logo {mark_text}");
        top = top.add_run(logo(&mut pics, assets, "logo.png", &alt, theme.logo_width_mm, max_mm)?);
    } else {
        top = top.add_run(mark(theme).text(&mark_text));
    }
    if assets.images.contains_key("logo-hoyre.png") {
        let alt = format!("Logo {}", theme.mark_right.clone().unwrap_or_default());
        top = top.add_run(Run::new().add_tab());
        top = top.add_run(logo(&mut pics, assets, "logo-hoyre.png", &alt, 30.0, max_mm)?);
    } else if let Some(m) = &theme.mark_right {
        top = top.add_run(Run::new().add_tab()).add_run(mark(theme).text(m));
    }
    let mut h = Header::new().add_paragraph(top.into_docx());
    for line in &theme.header_lines {
        let p = Para::new(PPr { after: Some(0), right: true, ..PPr::default() })
            .add_run(small(theme, 16).text(line));
        h = h.add_paragraph(p.into_docx());
    }
    Ok((h, pics))
}

/// A PAGE or NUMPAGES field in the footer's look.
fn field(p: Para, look: &RPr, instr: InstrText) -> Para {
    p.add_run(look.run().add_field_char(FieldCharType::Begin, false))
        .add_run(look.run().add_instr_text(instr))
        .add_run(look.run().add_field_char(FieldCharType::Separate, false))
        .add_run(look.text("1"))
        .add_run(look.run().add_field_char(FieldCharType::End, false))
}

/// The footer.
pub fn footer(theme: &Theme, text_width: u32) -> Footer {
    let look = small(theme, 17);
    let mut p = Para::new(PPr { right_tabs: vec![text_width], after: Some(0), ..PPr::default() });
    if !theme.footer_text.is_empty() {
        p = p.add_run(look.text(&theme.footer_text));
    }
    p = p.add_run(Run::new().add_tab());
    for part in theme.texts.page_parts() {
        p = match part {
            PagePart::Text(t) => p.add_run(look.text(&t)),
            PagePart::Page => field(p, &look, InstrText::PAGE(InstrPAGE::new())),
            PagePart::Pages => field(p, &look, InstrText::NUMPAGES(InstrNUMPAGES::new())),
        };
    }
    Footer::new().add_paragraph(p.into_docx())
}
