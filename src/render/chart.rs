//! Bar charts, drawn once in Typst: as vector graphics inside the PDF, and
//! rasterised by typst-render into the PNG the DOCX shows, so both formats
//! carry the same picture.

use std::fmt::Write;

use super::world::{self, lit};
use crate::diag::Result;
use crate::doc::Chart;
use crate::theme::Theme;

/// A number in Norwegian style: `85`, `72,5`.
pub fn number(v: f64) -> String {
    if (v - v.round()).abs() < 0.05 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}").replace('.', ",")
    }
}

/// Typst code (markup mode) drawing the chart across the available width.
pub fn typst(chart: &Chart, theme: &Theme) -> String {
    let max = chart
        .max
        .unwrap_or_else(|| chart.bars.iter().map(|(_, v)| *v).fold(chart.target.unwrap_or(0.0), f64::max))
        .max(f64::EPSILON);
    let primary = theme.color("primar");
    let low = "c05a28";
    let mut s = String::new();
    let _ = writeln!(
        s,
        "#figure(kind: \"diagram\", supplement: none, alt: {}, block(width: 100%, breakable: false)[",
        lit(&chart.alt)
    );
    if !chart.title.is_empty() {
        let _ = writeln!(
            s,
            "#align(left, text(weight: \"bold\", fill: rgb(\"#{primary}\"), {}))",
            lit(&chart.title)
        );
    }
    s.push_str("#set text(size: 8.5pt)\n#grid(columns: (auto, 1fr, 3em), column-gutter: 6pt, row-gutter: 3pt, align: (right + horizon, left + horizon, left + horizon),\n");
    for (label, value) in &chart.bars {
        let w = (value / max * 100.0).clamp(0.0, 100.0);
        let fill = match chart.target {
            Some(t) if *value < t => low,
            _ => primary.as_str(),
        };
        let target = chart
            .target
            .map(|t| {
                format!(
                    " place(dx: {:.2}%, line(start: (0pt, -2pt), end: (0pt, 11pt), stroke: (paint: rgb(\"#8b1a1a\"), thickness: 0.9pt, dash: \"dashed\")));",
                    (t / max * 100.0).clamp(0.0, 100.0)
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "  {}, box(width: 100%, height: 9pt, {{ place(box(width: {w:.2}%, height: 100%, fill: rgb(\"#{fill}\")));{target} }}), {},",
            lit(label),
            lit(format!("{} {}", number(*value), chart.unit).trim()),
        );
    }
    s.push_str(")\n");
    if let Some(t) = chart.target {
        let _ = writeln!(
            s,
            "#align(right, text(size: 8pt, fill: rgb(\"#8b1a1a\"), {}))",
            lit(format!("- - -  {}: {} {}", theme.texts.chart_target, number(t), chart.unit).trim())
        );
    }
    s.push_str("])\n");
    s
}

/// The chart as a PNG of `width_mm` at 150 dpi, for the DOCX.
pub fn png(chart: &Chart, theme: &Theme, width_mm: f32, date: chrono::NaiveDate) -> Result<Vec<u8>> {
    let source = format!(
        "#set page(width: {width_mm}mm, height: auto, margin: 1.5mm, fill: white)\n#set text(font: {}, size: {}pt, lang: \"nb\", region: \"NO\", hyphenate: false)\n{}",
        lit(&theme.font),
        theme.font_size,
        typst(chart, theme)
    );
    world::rasterise(source, Default::default(), date)
}

/// An SVG picture as a PNG of `width_mm` at 150 dpi (for the DOCX), drawn by Typst.
pub fn svg_png(svg: &[u8], width_mm: f32, date: chrono::NaiveDate) -> Result<Vec<u8>> {
    let source = format!(
        "#set page(width: {width_mm}mm, height: auto, margin: 0mm, fill: white)\n#image(\"/bilde.svg\", width: 100%)\n"
    );
    let mut files = world::Files::new();
    files.insert(world::file_id("/bilde.svg"), typst::foundations::Bytes::new(svg.to_vec()));
    world::rasterise(source, files, date)
}
