//! The årshjul: the year's meetings and recurring activities on a circular
//! month chart, as SVG. Written as `arshjul-<year>.svg`, and shown in a
//! document where a template asks (`![…](arshjul.svg "150mm")`): embedded as
//! vector graphics in the PDF, rasterised by Typst for the DOCX.

use std::fmt::Write;

use chrono::Datelike;

use crate::dates::MONTHS;
use crate::model::{MeetingKind, PlanYear};
use crate::theme::Theme;

const C: f64 = 400.0;

fn esc(s: &str) -> String {
    let one_line: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    crate::xml::escape(&one_line)
}

/// The point at `fraction` of the year (0 = 1 January at the top, clockwise) and radius `r`.
fn at(fraction: f64, r: f64) -> (f64, f64) {
    let a = (fraction * 360.0 - 90.0).to_radians();
    (C + r * a.cos(), C + r * a.sin())
}

fn lighten(hex: &str, amount: f64) -> String {
    let v = u32::from_str_radix(hex, 16).unwrap_or(0x1f4e79);
    let ch = |shift: u32| {
        let c = ((v >> shift) & 0xff) as f64;
        (c + (255.0 - c) * amount).round() as u32
    };
    format!("{:02x}{:02x}{:02x}", ch(16), ch(8), ch(0))
}

/// The årshjul of a year as an SVG document.
pub fn svg(py: &PlanYear, theme: &Theme) -> String {
    let primary = theme.color("primar");
    let secondary = theme.color("sekundar");
    let font = esc(&theme.font);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 800 900\" width=\"800\" height=\"900\" font-family=\"{font}\">\n<rect width=\"800\" height=\"900\" fill=\"#ffffff\"/>\n"
    );
    // Month sectors with names in the outer ring.
    for (m, month) in MONTHS.iter().enumerate() {
        let (f0, f1) = (m as f64 / 12.0, (m + 1) as f64 / 12.0);
        let (x0, y0) = at(f0, 380.0);
        let (x1, y1) = at(f1, 380.0);
        let (x2, y2) = at(f1, 120.0);
        let (x3, y3) = at(f0, 120.0);
        let fill = if m % 2 == 0 { lighten(&primary, 0.88) } else { lighten(&primary, 0.94) };
        let _ = writeln!(
            s,
            "<path d=\"M {x0:.1} {y0:.1} A 380 380 0 0 1 {x1:.1} {y1:.1} L {x2:.1} {y2:.1} A 120 120 0 0 0 {x3:.1} {y3:.1} Z\" fill=\"#{fill}\" stroke=\"#ffffff\" stroke-width=\"3\"/>"
        );
        let (tx, ty) = at((m as f64 + 0.5) / 12.0, 352.0);
        let _ = writeln!(
            s,
            "<text x=\"{tx:.1}\" y=\"{:.1}\" font-size=\"20\" font-weight=\"bold\" fill=\"#{primary}\" text-anchor=\"middle\">{}</text>",
            ty + 7.0,
            esc(month)
        );
    }
    let _ = writeln!(
        s,
        "<circle cx=\"{C}\" cy=\"{C}\" r=\"325\" fill=\"none\" stroke=\"#{primary}\" stroke-width=\"1.5\"/>"
    );
    // Recurring activities inside their month.
    let mut per_month: Vec<Vec<String>> = vec![Vec::new(); 12];
    for item in &py.wheel {
        per_month[item.month].push(item.text.clone());
    }
    for (m, texts) in per_month.iter().enumerate() {
        for (i, t) in texts.iter().take(3).enumerate() {
            let (x, y) = at((m as f64 + 0.5) / 12.0, 185.0 - i as f64 * 22.0);
            let short: String = t.chars().take(18).collect();
            let _ = writeln!(
                s,
                "<text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"13\" fill=\"#333333\" text-anchor=\"middle\">{}</text>",
                y + 4.0,
                esc(&short)
            );
        }
    }
    // Meetings as dots on three tracks; common days get their date.
    let days = if chrono::NaiveDate::from_ymd_opt(py.year, 12, 31).map(|d| d.ordinal()) == Some(366) {
        366.0
    } else {
        365.0
    };
    for m in &py.meetings {
        let f = (m.date.ordinal0() as f64 + 0.5) / days;
        let (r, colour) = match m.kind {
            MeetingKind::NetworkMeeting => (260.0, primary.clone()),
            MeetingKind::Gathering => (225.0, secondary.clone()),
            _ => (295.0, "8b1a1a".to_string()),
        };
        let (x, y) = at(f, r);
        let title =
            format!("{} {}", m.date.format("%d.%m.%Y"), m.group.clone().unwrap_or_else(|| m.title.clone()));
        let _ = writeln!(
            s,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"8\" fill=\"#{colour}\" stroke=\"#ffffff\" stroke-width=\"1.5\"><title>{}</title></circle>",
            esc(&title)
        );
        if r > 290.0 {
            let (lx, ly) = at(f, 312.0);
            let _ = writeln!(
                s,
                "<text x=\"{lx:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#8b1a1a\" text-anchor=\"middle\">{}</text>",
                ly + 4.0,
                m.date.format("%d.%m")
            );
        }
    }
    // The hub.
    let _ = writeln!(s, "<circle cx=\"{C}\" cy=\"{C}\" r=\"112\" fill=\"#{primary}\"/>");
    let _ = writeln!(
        s,
        "<text x=\"{C}\" y=\"{:.1}\" font-size=\"34\" font-weight=\"bold\" fill=\"#ffffff\" text-anchor=\"middle\">{}</text>",
        C - 4.0,
        esc(&theme.texts.wheel)
    );
    let _ = writeln!(
        s,
        "<text x=\"{C}\" y=\"{:.1}\" font-size=\"30\" fill=\"#ffffff\" text-anchor=\"middle\">{}</text>",
        C + 34.0,
        py.year
    );
    // Legend.
    let t = &theme.texts;
    let legend = [
        ("8b1a1a", t.wheel_common.as_str()),
        (primary.as_str(), t.wheel_groups.as_str()),
        (secondary.as_str(), t.wheel_gatherings.as_str()),
    ];
    for (i, (colour, text)) in legend.iter().enumerate() {
        let y = 815.0 + i as f64 * 28.0;
        let _ = writeln!(s, "<circle cx=\"70\" cy=\"{y:.1}\" r=\"8\" fill=\"#{colour}\"/>");
        let _ = writeln!(
            s,
            "<text x=\"88\" y=\"{:.1}\" font-size=\"17\" fill=\"#333333\">{}</text>",
            y + 6.0,
            esc(text)
        );
    }
    s.push_str("</svg>\n");
    s
}
