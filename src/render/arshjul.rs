//! The årshjul: the year's meetings and recurring activities on a circular
//! month chart, as SVG. Written as `arshjul-<year>.svg`, and shown in a
//! document where a template asks (`![…](arshjul.svg "150mm")`): embedded as
//! vector graphics in the PDF, rasterised by Typst for the DOCX.
//!
//! Every meeting is a numbered dot at its date (meetings on the same day stand
//! side by side inward, never on top of each other) and the key under the
//! wheel gives each number its date and name, so no label crosses the ring or
//! hides under a dot. The legend names only the kinds of meeting the year has.

use std::fmt::Write;

use chrono::Datelike;

use crate::dates::MONTHS;
use crate::model::{Meeting, MeetingKind, PlanYear};
use crate::theme::Theme;

const C: f64 = 400.0;
/// Fonts to try, the house font first: the SVG file is also opened on its own.
const FALLBACK: &str = "Calibri, 'Liberation Sans', Arial, Helvetica, sans-serif";

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

/// The three kinds of dot: common meetings (fagdag, courses), the local
/// groups' meetings, and the physio/OT network's gatherings.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Track {
    Common,
    Groups,
    Gatherings,
}

fn track(m: &Meeting) -> Track {
    match m.kind {
        MeetingKind::NetworkMeeting => Track::Groups,
        MeetingKind::Gathering => Track::Gatherings,
        _ => Track::Common,
    }
}

/// The årshjul of a year as an SVG document.
pub fn svg(py: &PlanYear, theme: &Theme) -> String {
    let primary = theme.color("primar");
    let secondary = theme.color("sekundar");
    let common = "8b1a1a".to_string();
    let colour = |t: Track| match t {
        Track::Common => common.clone(),
        Track::Groups => primary.clone(),
        Track::Gatherings => secondary.clone(),
    };
    let texts = &theme.texts;
    let meetings = &py.meetings;
    let present: Vec<Track> = {
        let mut v: Vec<Track> = meetings.iter().map(track).collect();
        v.sort();
        v.dedup();
        v
    };
    // The key: two columns of «n  dd.mm  name» under the wheel, then the legend.
    let key_rows = meetings.len().div_ceil(2);
    let key_top = 830.0;
    let legend_top = key_top + key_rows as f64 * 24.0 + 16.0;
    let height = legend_top + present.len() as f64 * 26.0 + 10.0;
    let font = format!("{}, {FALLBACK}", esc(&theme.font));
    let name = esc(&py.profile.name);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 800 {height:.0}\" width=\"800\" height=\"{height:.0}\" font-family=\"{font}\" role=\"img\" aria-labelledby=\"tittel beskrivelse\">"
    );
    let _ = writeln!(s, "<title id=\"tittel\">{} {} – {name}</title>", esc(&texts.wheel), py.year);
    let _ = writeln!(
        s,
        "<desc id=\"beskrivelse\">{} {}: månedene i en sirkel, {} møter og samlinger som nummererte punkter på datoen de holdes, og de faste aktivitetene i hver måned. Nøkkelen under hjulet gir hvert nummer dato og navn.</desc>",
        esc(&texts.wheel),
        py.year,
        meetings.len()
    );
    let _ = writeln!(s, "<rect width=\"800\" height=\"{height:.0}\" fill=\"#ffffff\"/>");
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
    // Recurring activities inside their month, nearer the hub than any dot.
    let mut per_month: Vec<Vec<String>> = vec![Vec::new(); 12];
    for item in &py.wheel {
        per_month[item.month].push(item.text.clone());
    }
    for (m, texts) in per_month.iter().enumerate() {
        for (i, t) in texts.iter().take(3).enumerate() {
            let (x, y) = at((m as f64 + 0.5) / 12.0, 185.0 - i as f64 * 20.0);
            let short: String = t.chars().take(18).collect();
            let _ = writeln!(
                s,
                "<text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"13\" fill=\"#333333\" text-anchor=\"middle\">{}</text>",
                y + 4.0,
                esc(&short)
            );
        }
    }
    // Meetings as numbered dots on three tracks; on the same day and track,
    // the next dot stands 20 units further in.
    let days = if chrono::NaiveDate::from_ymd_opt(py.year, 12, 31).map(|d| d.ordinal()) == Some(366) {
        366.0
    } else {
        365.0
    };
    let mut placed: Vec<(chrono::NaiveDate, Track)> = Vec::new();
    for (i, m) in meetings.iter().enumerate() {
        let t = track(m);
        let stacked = placed.iter().filter(|p| **p == (m.date, t)).count();
        placed.push((m.date, t));
        let r = match t {
            Track::Common => 300.0,
            Track::Groups => 268.0,
            Track::Gatherings => 236.0,
        } - stacked as f64 * 21.0;
        let f = (m.date.ordinal0() as f64 + 0.5) / days;
        let (x, y) = at(f, r);
        let label = m.group.clone().unwrap_or_else(|| m.title.clone());
        let _ = writeln!(
            s,
            "<g><title>{} {}</title><circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"10\" fill=\"#{}\" stroke=\"#ffffff\" stroke-width=\"1.5\"/><text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"11\" font-weight=\"bold\" fill=\"#ffffff\" text-anchor=\"middle\">{}</text></g>",
            m.date.format("%d.%m.%Y"),
            esc(&label),
            colour(t),
            y + 4.0,
            i + 1
        );
    }
    // The hub.
    let _ = writeln!(s, "<circle cx=\"{C}\" cy=\"{C}\" r=\"112\" fill=\"#{primary}\"/>");
    let _ = writeln!(
        s,
        "<text x=\"{C}\" y=\"{:.1}\" font-size=\"34\" font-weight=\"bold\" fill=\"#ffffff\" text-anchor=\"middle\">{}</text>",
        C - 4.0,
        esc(&texts.wheel)
    );
    let _ = writeln!(
        s,
        "<text x=\"{C}\" y=\"{:.1}\" font-size=\"30\" fill=\"#ffffff\" text-anchor=\"middle\">{}</text>",
        C + 34.0,
        py.year
    );
    // The key: every meeting by its number.
    for (i, m) in meetings.iter().enumerate() {
        let (col, row) = (i / key_rows.max(1), i % key_rows.max(1));
        let (x, y) = (40.0 + col as f64 * 380.0, key_top + row as f64 * 24.0);
        let label = m.group.clone().unwrap_or_else(|| m.title.clone());
        let short: String = if label.chars().count() > 40 {
            label.chars().take(39).collect::<String>().trim_end().to_string() + "…"
        } else {
            label
        };
        let _ = writeln!(
            s,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"10\" fill=\"#{}\"/><text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"11\" font-weight=\"bold\" fill=\"#ffffff\" text-anchor=\"middle\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"15\" fill=\"#333333\">{} {}</text>",
            colour(track(m)),
            y + 4.0,
            i + 1,
            x + 18.0,
            y + 5.0,
            m.date.format("%d.%m"),
            esc(&short)
        );
    }
    // The legend: the kinds of meeting the year has.
    for (i, t) in present.iter().enumerate() {
        let y = legend_top + i as f64 * 26.0;
        let text = match t {
            Track::Common => &texts.wheel_common,
            Track::Groups => &texts.wheel_groups,
            Track::Gatherings => &texts.wheel_gatherings,
        };
        let _ = writeln!(s, "<circle cx=\"40\" cy=\"{y:.1}\" r=\"8\" fill=\"#{}\"/>", colour(*t));
        let _ = writeln!(
            s,
            "<text x=\"58\" y=\"{:.1}\" font-size=\"16\" fill=\"#333333\">{}</text>",
            y + 6.0,
            esc(text)
        );
    }
    s.push_str("</svg>\n");
    s
}
