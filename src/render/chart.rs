//! Bar charts from one set of numbers in both formats: drawn in Typst as
//! vector graphics in the PDF, and written as a real Word chart in the DOCX
//! (a DrawingML chart part with its numbers in an embedded workbook, made by
//! rust_xlsxwriter, which the communications department can restyle or
//! correct in Word). Both are the same size ([`Geometry`]), so the formats
//! paginate alike.
//!
//! The PDF's chart places its value labels one way per chart, where nothing
//! crosses them: all inside their bars' ends (in white) when they fit there,
//! else all after them (in black), else all inside at the bars' feet, and
//! always clear of the target line. Its text is
//! never smaller than 8 pt.

use std::fmt::Write;
use std::io::{Cursor, Read};

use super::autofit::text_width;
use super::world::{self, lit};
use crate::diag::{Error, Result};
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

/// Text sizes in the chart, in points: never below 8.
pub const LABEL_PT: f32 = 9.0;
pub const TICK_PT: f32 = 8.0;
pub const LEGEND_PT: f32 = 8.5;

/// The colours: bars that reach the target (the house colour), bars below it,
/// the target line and the grid.
const BELOW: &str = "c05a28";
const TARGET: &str = "8b1a1a";
const GRID: &str = "d0d0d0";

/// A value label's place: its left edge, width and whether it sits inside its bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelBox {
    pub x: f64,
    pub width: f64,
    pub inside: bool,
}

/// Where everything of a chart goes, in points from its top left corner.
#[derive(Debug, Clone)]
pub struct Geometry {
    pub width: f64,
    pub height: f64,
    pub title: f64,
    /// The category labels' column (right-aligned, ending a gutter before the bars).
    pub labels: f64,
    pub plot_x: f64,
    pub plot_w: f64,
    pub pitch: f64,
    pub bar: f64,
    pub axis: f64,
    pub legend: f64,
    pub ticks: Vec<f64>,
    pub end: f64,
}

const PITCH: f64 = 15.0;
/// The category labels take at most this share of the chart's width; a
/// longer label is set smaller (to 8 pt) to stay on its line.
const LABELS_MAX: f64 = 0.6;
const BAR: f64 = 10.0;
const GUTTER: f64 = 6.0;

impl Geometry {
    /// The geometry of a chart `width` points wide.
    pub fn of(chart: &Chart, theme: &Theme, width: f64) -> Geometry {
        let largest = chart.bars.iter().map(|(_, v)| *v).fold(chart.target.unwrap_or(0.0), f64::max);
        let whole = chart.bars.iter().all(|(_, v)| v.fract() == 0.0);
        let (ticks, end) = ticks(chart.max.unwrap_or(largest).max(largest), whole);
        let widest = chart
            .bars
            .iter()
            .map(|(l, _)| text_width(l, &theme.font, false, false, LABEL_PT))
            .fold(0.0, f64::max);
        let labels = widest.min(width * LABELS_MAX) + GUTTER;
        // Room after the longest bar for its value.
        let room = text_width(&unit(chart, 888.8), &theme.font, false, false, LABEL_PT) + 6.0;
        let title = if chart.title.is_empty() { 0.0 } else { f64::from(theme.font_size) * 1.22 + 4.0 };
        let legend = if chart.target.is_some() { f64::from(LEGEND_PT) * 1.22 + 6.0 } else { 0.0 };
        let axis = f64::from(TICK_PT) * 1.22 + 4.0;
        Geometry {
            width,
            height: title + chart.bars.len() as f64 * PITCH + axis + legend,
            title,
            labels,
            plot_x: labels,
            plot_w: (width - labels - room).max(10.0),
            pitch: PITCH,
            bar: BAR,
            axis,
            legend,
            ticks,
            end,
        }
    }

    /// The x of a value on the bars' scale.
    pub fn x(&self, v: f64) -> f64 {
        self.plot_x + (v / self.end).clamp(0.0, 1.0) * self.plot_w
    }

    /// Where the bars' value labels go, one way for the whole chart: inside
    /// their bars' ends (in white) when every label fits there clear of the
    /// target line, else after them (in black) when none is crossed there,
    /// else inside at the bars' feet; failing all, after the bars, a label the
    /// target line would cross going after the line instead. Every label
    /// keeps [`CLEAR`] points from the line, so the two never touch.
    pub fn labels(&self, chart: &Chart, theme: &Theme) -> Vec<LabelBox> {
        let crossed = |b: &LabelBox| {
            chart.target.is_some_and(|t| {
                let tx = self.x(t);
                tx > b.x - CLEAR && tx < b.x + b.width + CLEAR
            })
        };
        let width = |v: f64| text_width(&unit(chart, v), &theme.font, false, false, LABEL_PT);
        let inside: Vec<LabelBox> = chart
            .bars
            .iter()
            .map(|(_, v)| {
                let w = width(*v);
                LabelBox { x: self.x(*v) - 3.0 - w, width: w, inside: true }
            })
            .collect();
        if inside.iter().all(|b| b.x >= self.plot_x + 2.0 && !crossed(b)) {
            return inside;
        }
        let after: Vec<LabelBox> = chart
            .bars
            .iter()
            .map(|(_, v)| LabelBox { x: self.x(*v) + 3.0, width: width(*v), inside: false })
            .collect();
        if !after.iter().any(crossed) {
            return after;
        }
        // Bars that end on both sides of the line: every label at the foot of
        // its bar, inside it, where the line is far (a label pushed past the
        // line would stand apart from its bar).
        let foot: Vec<LabelBox> = chart
            .bars
            .iter()
            .map(|(_, v)| LabelBox { x: self.plot_x + 3.0, width: width(*v), inside: true })
            .collect();
        if chart.bars.iter().zip(&foot).all(|((_, v), b)| b.x + b.width + 3.0 <= self.x(*v) && !crossed(b)) {
            return foot;
        }
        chart
            .bars
            .iter()
            .map(|(_, v)| {
                let (w, end) = (width(*v), self.x(*v));
                let after = LabelBox { x: end + 3.0, width: w, inside: false };
                if !crossed(&after) {
                    return after;
                }
                // The target line just after the bar: the label after the line.
                let tx = chart.target.map(|t| self.x(t)).unwrap_or(end);
                LabelBox { x: tx.max(end) + CLEAR, width: w, inside: false }
            })
            .collect()
    }
}

/// The room between a value label and the target line, in points (the
/// line's half width and a gap the eye sees at a glance).
pub const CLEAR: f64 = 4.0;

/// A value with the chart's unit: `77 %`.
fn unit(chart: &Chart, v: f64) -> String {
    format!("{}\u{a0}{}", number(v), chart.unit).trim_end_matches('\u{a0}').to_string()
}

fn pt(v: f64) -> String {
    format!("{v:.2}pt")
}

/// Typst code (markup mode) drawing the chart `width` points wide: its title,
/// a horizontal bar per value with the value beside it, a value axis with grid
/// lines, the target as a dashed line and a legend that says what the colours
/// mean. It is a picture in a line of its own, as Word shows its chart.
pub fn typst(chart: &Chart, theme: &Theme, width: f64) -> String {
    let g = Geometry::of(chart, theme, width);
    let primary = theme.role(crate::theme::ColorRole::Primary);
    let font = lit(&theme.font);
    let mut s = String::new();
    let _ = write!(
        s,
        "#box(figure(kind: \"diagram\", supplement: none, alt: {}, block(width: {}, height: {}, {{ set text(font: {font}, hyphenate: false); ",
        lit(&chart.alt),
        pt(g.width),
        pt(g.height)
    );
    if !chart.title.is_empty() {
        let _ = write!(
            s,
            "place(top + left, text(size: {}pt, weight: \"bold\", fill: rgb(\"#{primary}\"), {})); ",
            theme.font_size,
            lit(&chart.title)
        );
    }
    let rows = chart.bars.len() as f64 * g.pitch;
    for t in &g.ticks {
        let _ = write!(
            s,
            "place(dx: {}, dy: {}, line(length: {}, angle: 90deg, stroke: 0.4pt + rgb(\"#{GRID}\"))); ",
            pt(g.x(*t)),
            pt(g.title),
            pt(rows)
        );
    }
    let labels = g.labels(chart, theme);
    for (i, (label, value)) in chart.bars.iter().enumerate() {
        let y = g.title + i as f64 * g.pitch;
        let fill = match chart.target {
            Some(t) if *value < t => BELOW,
            _ => primary.as_str(),
        };
        let room = g.labels - GUTTER;
        let natural = text_width(label, &theme.font, false, false, LABEL_PT);
        let size = if natural > room {
            (f64::from(LABEL_PT) * room / natural).max(8.0)
        } else {
            f64::from(LABEL_PT)
        };
        let _ = write!(
            s,
            "place(dx: -1pt, dy: {}, box(width: {}, height: {}, align(right + horizon, text(size: {size:.2}pt, {})))); ",
            pt(y),
            pt(room + 1.0),
            pt(g.pitch),
            lit(label)
        );
        let _ = write!(
            s,
            "place(dx: {}, dy: {}, rect(width: {}, height: {}, fill: rgb(\"#{fill}\"), stroke: none)); ",
            pt(g.plot_x),
            pt(y + (g.pitch - g.bar) / 2.0),
            pt(g.x(*value) - g.plot_x),
            pt(g.bar)
        );
        let b = labels[i];
        let colour = if b.inside { "white" } else { "luma(30)" };
        let _ = write!(
            s,
            "place(dx: {}, dy: {}, box(height: {}, align(horizon, text(size: {LABEL_PT}pt, fill: {colour}, {})))); ",
            pt(b.x),
            pt(y),
            pt(g.pitch),
            lit(&unit(chart, *value))
        );
    }
    if let Some(t) = chart.target {
        let _ = write!(
            s,
            "place(dx: {}, dy: {}, line(length: {}, angle: 90deg, stroke: (paint: rgb(\"#{TARGET}\"), thickness: 1pt, dash: \"dashed\"))); ",
            pt(g.x(t)),
            pt(g.title - 2.0),
            pt(rows + 4.0)
        );
    }
    // The value axis: tick labels under the grid lines.
    for t in &g.ticks {
        let _ = write!(
            s,
            "place(dx: {} - 2em, dy: {}, box(width: 4em, align(center, text(size: {TICK_PT}pt, fill: luma(80), {})))); ",
            pt(g.x(*t)),
            pt(g.title + rows + 3.0),
            lit(&unit(chart, *t))
        );
    }
    // The legend: what the colours and the dashed line mean.
    if let Some(t) = chart.target {
        let texts = &theme.texts;
        let swatch = |c: &str| format!("box(width: 8pt, height: 8pt, fill: rgb(\"#{c}\"))");
        let _ = write!(
            s,
            "place(bottom + right, text(size: {LEGEND_PT}pt)[#{} #{} #h(1em) #{} #{} #h(1em) #box(line(length: 14pt, stroke: (paint: rgb(\"#{TARGET}\"), thickness: 1pt, dash: \"dashed\"))) #{}]); ",
            swatch(&primary),
            lit(&legend_reached(chart, theme, t)),
            swatch(BELOW),
            lit(&texts.chart_below),
            lit(&format!("{}: {}", texts.chart_target, unit(chart, t))),
        );
    }
    s.push_str("})))\n\n");
    s
}

/// The legend's words for the bars that reach the target: `nådd målet (80 %)`.
fn legend_reached(chart: &Chart, theme: &Theme, target: f64) -> String {
    format!("{} ({})", theme.texts.chart_reached, unit(chart, target))
}

/// A chart as Word keeps it: the chart part and the workbook with its numbers.
pub struct WordChart {
    /// `word/charts/chartN.xml`: a DrawingML `c:chartSpace`.
    pub xml: Vec<u8>,
    /// The embedded workbook the chart's numbers come from (Word's «Edit data»).
    pub workbook: Vec<u8>,
    /// The size of the chart on the page, in points.
    pub width: f64,
    pub height: f64,
}

/// The relationship id the chart part gives its workbook.
pub const WORKBOOK_REL: &str = "rIdWorkbook";

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::msg(format!("diagrammet kunne ikke lages for Word: {e}"))
}

/// The chart as a Word chart `width` points wide, the same size as the PDF's.
pub fn word(chart: &Chart, theme: &Theme, width: f64, date: chrono::NaiveDate) -> Result<WordChart> {
    use chrono::Datelike;
    use rust_xlsxwriter::{
        Chart as XChart, ChartAxisCrossing, ChartDataLabel, ChartDataLabelPosition, ChartFont, ChartFormat,
        ChartLayout, ChartLegendPosition, ChartLine, ChartSolidFill, ChartType, DocProperties, ExcelDateTime,
        Workbook,
    };
    let g = Geometry::of(chart, theme, width);
    let font = theme.word_font_name();
    let num_format = if chart.unit.is_empty() { "0".to_string() } else { format!("0\" {}\"", chart.unit) };
    let n = chart.bars.len() as u32;
    // The numbers, as a sheet: the category, then the values (two columns
    // when there is a target: those that reach it and those below it).
    let mut book = Workbook::new();
    let fixed = ExcelDateTime::from_ymd(date.year() as u16, date.month() as u8, date.day() as u8)
        .map_err(xlsx_error)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&fixed).set_author("arsplan"));
    let sheet = book.add_worksheet();
    sheet.set_name("Ark1").map_err(xlsx_error)?;
    let primary = format!("#{}", theme.role(crate::theme::ColorRole::Primary));
    let mut series: Vec<(String, String)> = Vec::new();
    match chart.target {
        Some(t) => {
            series.push((legend_reached(chart, theme, t), primary.clone()));
            series.push((theme.texts.chart_below.clone(), format!("#{BELOW}")));
        }
        None => series.push((chart.title.clone(), primary.clone())),
    }
    sheet.write_string(0, 0, "").map_err(xlsx_error)?;
    for (c, (name, _)) in series.iter().enumerate() {
        sheet.write_string(0, c as u16 + 1, name).map_err(xlsx_error)?;
    }
    for (i, (label, value)) in chart.bars.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, label).map_err(xlsx_error)?;
        let col = match chart.target {
            Some(t) if *value < t => 2,
            _ => 1,
        };
        sheet.write_number(row, col, *value).map_err(xlsx_error)?;
    }
    sheet.set_column_width(0, 30).map_err(xlsx_error)?;
    let data = book.save_to_buffer().map_err(xlsx_error)?;

    let text = |size: f32| ChartFont::new().set_name(&font).set_size(size).clone();
    let mut x = XChart::new(ChartType::Bar);
    for (c, (_, colour)) in series.iter().enumerate() {
        let col = c as u16 + 1;
        // Only the points this series has get a label (no «0 %» for the others).
        let labels: Vec<ChartDataLabel> = chart
            .bars
            .iter()
            .map(|(_, v)| {
                let mine = match chart.target {
                    Some(t) => (*v < t) == (col == 2),
                    None => true,
                };
                if mine {
                    ChartDataLabel::default()
                } else {
                    ChartDataLabel::new().set_hidden().clone()
                }
            })
            .collect();
        x.add_series()
            .set_name(("Ark1", 0, col))
            .set_categories(("Ark1", 1, 0, n, 0))
            .set_values(("Ark1", 1, col, n, col))
            .set_format(ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(colour.as_str())))
            .set_overlap(100)
            .set_gap(50)
            .set_data_label(
                ChartDataLabel::new()
                    .show_value()
                    .set_position(ChartDataLabelPosition::OutsideEnd)
                    .set_num_format(&num_format)
                    .set_font(&text(LABEL_PT)),
            )
            .set_custom_data_labels(&labels);
    }
    if chart.title.is_empty() {
        x.title().set_hidden();
    } else {
        // At the top left, as in the PDF.
        x.title()
            .set_name(&chart.title)
            .set_font(&text(theme.font_size).set_bold().set_color(primary.as_str()).clone())
            .set_overlay(true)
            .set_layout(&ChartLayout::new().set_offset(0.0, 0.0));
    }
    // A bar chart's categories are its y axis: top to bottom, as in the PDF,
    // with the value axis (x) below them.
    // Every category named (LibreOffice would skip some where room is short).
    x.y_axis()
        .set_reverse()
        .set_crossing(ChartAxisCrossing::Max)
        .set_label_interval(1)
        .set_font(&text(LABEL_PT));
    x.x_axis()
        .set_min(0.0)
        .set_max(g.end)
        .set_major_unit(g.ticks.get(1).copied().unwrap_or(g.end))
        .set_num_format(&num_format)
        .set_font(&text(TICK_PT))
        .set_major_gridlines(true)
        .set_major_gridlines_line(ChartLine::new().set_color("#D0D0D0").set_width(0.5));
    if chart.target.is_some() {
        x.legend().set_position(ChartLegendPosition::Bottom).set_font(&text(LEGEND_PT));
    } else {
        x.legend().set_hidden();
    }
    // The bars where the PDF has them: the plot area's inner box, as shares
    // of the chart (the category labels to its left, the axis and legend below).
    let rows = chart.bars.len() as f64 * g.pitch;
    x.plot_area().set_layout(
        &ChartLayout::new()
            .set_offset(g.plot_x / g.width, g.title / g.height)
            .set_dimensions(g.plot_w / g.width, rows / g.height),
    );
    x.chart_area().set_format(ChartFormat::new().set_no_border());
    x.set_alt_text(&chart.alt);
    // rust_xlsxwriter writes the chart part inside a workbook: take it from there.
    let mut with_chart = Workbook::new();
    with_chart.set_properties(&DocProperties::new().set_creation_datetime(&fixed).set_author("arsplan"));
    let sheet = with_chart.add_worksheet();
    sheet.set_name("Ark1").map_err(xlsx_error)?;
    sheet.insert_chart(0, 4, &x).map_err(xlsx_error)?;
    for (i, (label, value)) in chart.bars.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, label).map_err(xlsx_error)?;
        let col = match chart.target {
            Some(t) if *value < t => 2,
            _ => 1,
        };
        sheet.write_number(row, col, *value).map_err(xlsx_error)?;
    }
    for (c, (name, _)) in series.iter().enumerate() {
        sheet.write_string(0, c as u16 + 1, name).map_err(xlsx_error)?;
    }
    let made = with_chart.save_to_buffer().map_err(xlsx_error)?;
    let mut zip = zip::ZipArchive::new(Cursor::new(made))
        .map_err(|e| Error::msg(format!("diagrammet kunne ikke lages for Word: {e}")))?;
    let mut xml = String::new();
    zip.by_name("xl/charts/chart1.xml")
        .map_err(|e| Error::msg(format!("diagrammet kunne ikke lages for Word: {e}")))?
        .read_to_string(&mut xml)
        .map_err(|e| Error::msg(format!("diagrammet kunne ikke lages for Word: {e}")))?;
    Ok(WordChart { xml: word_part(&xml)?, workbook: data, width: g.width, height: g.height })
}

/// The chart part of a workbook as Word's: linked to its embedded workbook.
fn word_part(xml: &str) -> Result<Vec<u8>> {
    use crate::wordmal::tree::{Elem, Node};
    let mut root = Elem::parse(xml.as_bytes()).map_err(|e| Error::msg(format!("diagrammet: {e}")))?;
    if root.attr("xmlns:r").is_none() {
        root.set("xmlns:r", "http://schemas.openxmlformats.org/officeDocument/2006/relationships");
    }
    // What a data label shows, said in full: LibreOffice takes a flag left
    // out as shown (Excel as not), and would add the series and category names.
    root.walk_mut(&mut |e| {
        if (e.name == "c:dLbls" || e.name == "c:dLbl") && e.child("c:showVal").is_some() {
            for (flag, after) in [("c:showLegendKey", false), ("c:showCatName", true), ("c:showSerName", true), ("c:showPercent", true), ("c:showBubbleSize", true)] {
                if e.child(flag).is_some() {
                    continue;
                }
                let at = e.children.iter().position(|n| matches!(n, Node::Elem(c) if c.name == "c:showVal")).unwrap_or(0);
                let el = Node::Elem(Elem::new(flag).with("val", "0"));
                // After showVal, in the schema's order: catName, serName, percent, bubbleSize.
                let offset = e.children[at..]
                    .iter()
                    .take_while(|n| matches!(n, Node::Elem(c) if ["c:showVal", "c:showCatName", "c:showSerName", "c:showPercent", "c:showBubbleSize"].contains(&c.name.as_str())))
                    .count();
                if after {
                    e.children.insert(at + offset, el);
                } else {
                    e.children.insert(at, el);
                }
            }
        }
    });
    let external = Elem::new("c:externalData")
        .with("r:id", WORKBOOK_REL)
        .push(Elem::new("c:autoUpdate").with("val", "0"));
    // Schema order: c:externalData before c:printSettings and c:userShapes.
    let at = root
        .children
        .iter()
        .position(|n| matches!(n, Node::Elem(e) if e.name == "c:printSettings" || e.name == "c:userShapes"))
        .unwrap_or(root.children.len());
    root.children.insert(at, Node::Elem(external));
    Ok(root.to_part())
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
    fn a_label_stays_with_its_bar_when_bars_end_on_both_sides_of_the_target() {
        let templates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let theme = Theme::load(&crate::templates::Sources::new(vec![templates]), "felles").unwrap();
        // Stavanger's 2025 meetings: 81 % would cross the line inside its
        // bar's end, 69 % after its bar.
        let values = [81.0, 69.0, 67.0, 77.0, 89.0, 71.0, 82.0, 87.0, 63.0, 67.0, 83.0];
        let chart = Chart {
            title: "Fremmøte per møte".into(),
            bars: values.iter().enumerate().map(|(i, v)| (format!("Møte {i}"), *v)).collect(),
            target: Some(80.0),
            max: Some(100.0),
            unit: "%".into(),
            alt: String::new(),
        };
        let g = Geometry::of(&chart, &theme, 450.0);
        let boxes = g.labels(&chart, &theme);
        let target = g.x(80.0);
        for ((_, v), b) in chart.bars.iter().zip(&boxes) {
            let end = g.x(*v);
            // On its bar (inside it) or just after its end: never across the
            // line from a bar that stops short of it.
            let with_bar = if b.inside { b.x + b.width <= end } else { b.x - end <= 4.0 };
            assert!(with_bar, "{v} %: label at {:.1}, bar ends at {end:.1}", b.x);
            assert!(
                target < b.x - CLEAR || target > b.x + b.width + CLEAR,
                "{v} %: the line touches its label"
            );
        }
        assert!(boxes.iter().all(|b| b.inside == boxes[0].inside), "one placement per chart");
    }

    #[test]
    fn ticks_are_round_and_cover_the_largest_value() {
        assert_eq!(ticks(100.0, true), (vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0], 100.0));
        assert_eq!(ticks(23.0, true), (vec![0.0, 5.0, 10.0, 15.0, 20.0, 25.0], 25.0));
        assert_eq!(ticks(2.0, true), (vec![0.0, 1.0, 2.0], 2.0));
        assert_eq!(ticks(2.0, false), (vec![0.0, 0.5, 1.0, 1.5, 2.0], 2.0));
        assert_eq!(number(72.5), "72,5");
    }
}
