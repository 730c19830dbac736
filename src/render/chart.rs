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

/// Round tick positions from 0 to at least `max`: steps of 1, 2 or 5 times a
/// power of ten (whole numbers when `whole`), at most six of them.
/// Returns (ticks, the axis end).
pub fn ticks(max: f64, whole: bool) -> (Vec<f64>, f64) {
    let max = max.max(1.0);
    let raw = max / 5.0;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| max / s <= 5.0 + 1e-9)
        .unwrap_or(power * 10.0);
    let step = if whole { step.max(1.0) } else { step };
    let end = (max / step).ceil() * step;
    let n = (end / step).round() as usize;
    ((0..=n).map(|i| i as f64 * step).collect(), end)
}

/// Typst code (markup mode) drawing the chart across the available width: a
/// horizontal bar per value with the value at the bar's end, a value axis with
/// grid lines, the target as a dashed line, and a legend that says what the
/// colours mean.
pub fn typst(chart: &Chart, theme: &Theme) -> String {
    let largest = chart.bars.iter().map(|(_, v)| *v).fold(chart.target.unwrap_or(0.0), f64::max);
    let whole = chart.bars.iter().all(|(_, v)| v.fract() == 0.0);
    let (ticks, end) = ticks(chart.max.unwrap_or(largest).max(largest), whole);
    let at = |v: f64| (v / end * 100.0).clamp(0.0, 100.0);
    let primary = theme.color("primar");
    let (low, target_colour, grid) = ("c05a28", "8b1a1a", "d0d0d0");
    let unit = |v: f64| format!("{} {}", number(v), chart.unit).trim().to_string();
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
    // The grid lines and the target line, drawn behind every bar.
    let mut behind = String::new();
    for t in &ticks {
        let _ = write!(
            behind,
            "place(dx: {:.2}%, dy: -2pt, line(length: 13pt, angle: 90deg, stroke: 0.4pt + rgb(\"#{grid}\")));",
            at(*t)
        );
    }
    let target = chart.target.map(|t| {
        format!(
            "place(dx: {:.2}%, dy: -2pt, line(length: 13pt, angle: 90deg, stroke: (paint: rgb(\"#{target_colour}\"), thickness: 1pt, dash: \"dashed\")));",
            at(t)
        )
    });
    s.push_str("#set text(size: 8.5pt)\n#grid(columns: (auto, 1fr, 3.2em), column-gutter: 6pt, row-gutter: 4pt, align: (right + horizon, left + horizon, left + horizon),\n");
    for (label, value) in &chart.bars {
        let fill = match chart.target {
            Some(t) if *value < t => low,
            _ => primary.as_str(),
        };
        let _ = writeln!(
            s,
            "  {}, box(width: 100%, height: 9pt, {{ {behind} place(box(width: {:.2}%, height: 100%, fill: rgb(\"#{fill}\"))); {} place(dx: {:.2}%, box(width: 3.2em, inset: (left: 3pt), align(left + horizon, {}))) }}), [],",
            lit(label),
            at(*value),
            target.clone().unwrap_or_default(),
            at(*value),
            lit(&unit(*value)),
        );
    }
    // The value axis: tick labels under the grid lines.
    let labels: String = ticks
        .iter()
        .map(|t| {
            format!(
                "place(dx: {:.2}% - 1.5em, box(width: 3em, align(center, text(size: 7.5pt, fill: luma(90), {}))));",
                at(*t),
                lit(&unit(*t))
            )
        })
        .collect();
    let _ = writeln!(s, "  [], box(width: 100%, height: 9pt, {{ {labels} }}), [],");
    s.push_str(")\n");
    // The legend: what the colours and the dashed line mean.
    if let Some(t) = chart.target {
        let texts = &theme.texts;
        let swatch = |c: &str| format!("box(width: 8pt, height: 8pt, fill: rgb(\"#{c}\"))");
        let _ = writeln!(
            s,
            "#align(right, text(size: 8pt)[#{} #{} #h(1em) #{} #{} #h(1em) #box(line(length: 14pt, stroke: (paint: rgb(\"#{target_colour}\"), thickness: 1pt, dash: \"dashed\"))) #{}])",
            swatch(&primary),
            lit(&format!("{} ({} {})", texts.chart_reached, number(t), chart.unit).replace(" )", ")")),
            swatch(low),
            lit(&texts.chart_below),
            lit(&format!("{}: {}", texts.chart_target, unit(t))),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_largest_value() {
        assert_eq!(ticks(100.0, true), (vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0], 100.0));
        assert_eq!(ticks(23.0, true), (vec![0.0, 5.0, 10.0, 15.0, 20.0, 25.0], 25.0));
        assert_eq!(ticks(2.0, true), (vec![0.0, 1.0, 2.0], 2.0));
        assert_eq!(ticks(2.0, false), (vec![0.0, 0.5, 1.0, 1.5, 2.0], 2.0));
        assert_eq!(number(72.5), "72,5");
    }
}
