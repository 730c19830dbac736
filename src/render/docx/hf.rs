//! arsplan's own header and footer, written by docx-rs from the house style
//! when there is no Word template header (footer) to use.
//!
//! Header: the logo or the typographic mark where the style puts it (left,
//! middle or right: tab stops), a second logo or mark at the other side, then
//! the style's header lines.
//! Footer: the style's footer text at the left, the page number at the right,
//! every part in one size and colour; the page fields are written as Word
//! writes them, one run per part (LibreOffice shows a field packed into one
//! run in the paragraph's default look).

use docx_rs::{FieldCharType, Footer, Header, InstrNUMPAGES, InstrPAGE, InstrText, Run};

use super::body::{PPr, Para, Pictures, RPr};
use super::pt_twips;
use crate::diag::Result;
use crate::render::marginal::{self, Mark};
use crate::render::Assets;
use crate::theme::{PagePart, Theme};
use crate::wordmal::HAlign;

/// The typographic mark: the trust's name in the primary colour.
fn mark(theme: &Theme) -> RPr {
    RPr {
        bold: true,
        color: Some(theme.role(crate::theme::ColorRole::Primary)),
        size: Some(24),
        ..RPr::default()
    }
}

/// The look of the footer's words and fields, and of the header lines.
fn small(theme: &Theme, size: usize) -> RPr {
    RPr { color: Some(theme.role(crate::theme::ColorRole::Secondary)), size: Some(size), ..RPr::default() }
}

/// A logo as a picture run: a PNG as it is; an SVG as Word 2016 and later
/// keep one, the drawing beside a PNG of it for older readers.
fn logo(
    pics: &mut Pictures,
    assets: &Assets,
    name: &str,
    alt: &str,
    width_mm: f32,
    height_mm: f32,
) -> Result<Run> {
    let bytes = assets.images.get(name).cloned().unwrap_or_default();
    if !crate::render::is_svg(name) {
        return pics.run(bytes, alt, width_mm, height_mm);
    }
    let png = crate::render::svg_png(&bytes, width_mm)?;
    let (run, id) = pics.run_with_id(png, alt, width_mm, height_mm)?;
    pics.svgs.insert(id, bytes);
    Ok(run)
}

/// The header, and the pictures it shows: the marks where the house style
/// puts them (as the PDF does, `render::marginal::own_header`), then the
/// style's header lines at the right.
pub fn header(theme: &Theme, assets: &Assets, text_width: u32) -> Result<(Header, Pictures)> {
    let width_mm = text_width as f32 / super::TWIPS_PER_MM;
    let own = marginal::own_header(theme, assets, width_mm);
    let mut pics = Pictures::default();
    let mut ppr = PPr { after: Some(pt_twips(2.0)), ..PPr::default() };
    for (align, pos) in marginal::own_tab_stops(&own, width_mm) {
        let at = super::mm_twips(pos).max(0) as u32;
        match align {
            HAlign::Center => ppr.center_tabs.push(at),
            _ => ppr.right_tabs.push(at),
        }
    }
    let mut top = Para::new(ppr);
    for (align, m) in &own.marks {
        if *align != HAlign::Left {
            top = top.add_run(Run::new().add_tab());
        }
        top = top.add_run(match m {
            Mark::Logo { name, width_mm, height_mm, alt } => {
                logo(&mut pics, assets, name, alt, *width_mm, *height_mm)?
            }
            Mark::Text(t) => mark(theme).text(t),
        });
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
