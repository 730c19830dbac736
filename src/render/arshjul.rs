//! The årshjul: the year's meetings and recurring activities on a circular
//! month chart, as SVG. Written as `arshjul-<year>.svg`, and shown in a
//! document where a template asks (`![…](arshjul.svg "150mm")`): embedded as
//! vector graphics in the PDF, rasterised by Typst for the DOCX.
//!
//! Every meeting is a numbered dot on its kind's ring. Dots that would touch
//! (meetings close in time) are spread along the ring, as little as they must
//! ([`spread`]), and a leader line joins each moved dot to a tick at its date,
//! so no dot hides another. The key under the wheel gives each number its
//! date and whole name (wrapped, never cut), and the legend names only the
//! kinds of meeting the year has.

use std::fmt::Write;

use chrono::Datelike;

use crate::dates::MONTHS;
use crate::model::{Meeting, MeetingKind, PlanYear};
use crate::theme::Theme;

const C: f64 = 400.0;
/// A meeting's dot: its radius.
const DOT: f64 = 10.0;
/// The key's text size, line height and the width of its names.
const KEY_SIZE: f32 = 15.0;
const KEY_LINE: f64 = 24.0;
const KEY_WIDTH: f64 = 330.0;

/// The radius of a kind's ring.
fn radius(t: Track) -> f64 {
    match t {
        Track::Common => 300.0,
        Track::Groups => 268.0,
        Track::Gatherings => 236.0,
    }
}

/// Positions on a ring (shares of the year, in order) moved apart as little
/// as they must to stand `gap` apart: runs of positions that would touch are
/// spread evenly around the mean of where they want to be (the least squared
/// displacement, found by merging runs from the left).
pub fn spread(wanted: &[f64], gap: f64) -> Vec<f64> {
    // Each run: (first index, count, its first position).
    let mut runs: Vec<(usize, usize, f64)> = Vec::new();
    for (i, w) in wanted.iter().enumerate() {
        runs.push((i, 1, *w));
        while runs.len() > 1 {
            let (a, b) = (runs[runs.len() - 2], runs[runs.len() - 1]);
            if a.2 + a.1 as f64 * gap <= b.2 + 1e-12 {
                break;
            }
            // Merged: the first position that puts the run's mean where its members want it.
            let n = a.1 + b.1;
            let mean: f64 =
                (a.0..a.0 + n).map(|k| wanted[k] - (k - a.0) as f64 * gap).sum::<f64>() / n as f64;
            runs.truncate(runs.len() - 2);
            runs.push((a.0, n, mean));
        }
    }
    runs.iter().flat_map(|(_, n, start)| (0..*n).map(move |k| start + k as f64 * gap)).collect()
}

/// A text in lines of at most `width` (in the SVG's units at `size`), broken at spaces.
fn wrap(text: &str, font: &str, size: f32, width: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(l)
                if super::autofit::text_width(&format!("{l} {word}"), font, false, false, size) <= width =>
            {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}
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
    let primary = theme.role(crate::theme::ColorRole::Primary);
    let secondary = theme.role(crate::theme::ColorRole::Secondary);
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
    // The key: two columns of «n  dd.mm  name» under the wheel (long names
    // wrapped), then the legend.
    let key_lines: Vec<Vec<String>> = meetings
        .iter()
        .map(|m| {
            let label =
                format!("{} {}", m.date.format("%d.%m"), m.group.clone().unwrap_or_else(|| m.title.clone()));
            wrap(&label, &theme.font, KEY_SIZE, KEY_WIDTH)
        })
        .collect();
    let total: usize = key_lines.iter().map(Vec::len).sum();
    // The first column takes entries until it holds half the lines.
    let mut split = 0;
    let mut acc = 0;
    while split < key_lines.len() && acc * 2 < total {
        acc += key_lines[split].len();
        split += 1;
    }
    let col_lines = |r: std::ops::Range<usize>| key_lines[r].iter().map(Vec::len).sum::<usize>();
    let key_rows = col_lines(0..split).max(col_lines(split..key_lines.len()));
    let key_top = 830.0;
    let legend_top = key_top + key_rows as f64 * KEY_LINE + 16.0;
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
    // Recurring activities inside their month, nearer the hub than any dot,
    // each wrapped to the sector's width.
    let mut per_month: Vec<Vec<String>> = vec![Vec::new(); 12];
    for item in &py.wheel {
        per_month[item.month].push(item.text.clone());
    }
    for (m, texts) in per_month.iter().enumerate() {
        let lines: Vec<String> =
            texts.iter().flat_map(|t| wrap(t, &theme.font, 13.0, 96.0)).take(5).collect();
        for (i, line) in lines.iter().enumerate() {
            let (x, y) = at((m as f64 + 0.5) / 12.0, 200.0 - i as f64 * 16.0);
            let _ = writeln!(
                s,
                "<text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"13\" fill=\"#333333\" text-anchor=\"middle\">{}</text>",
                y + 4.0,
                esc(line)
            );
        }
    }
    // Meetings as numbered dots on three rings, spread where they would touch.
    let days = if chrono::NaiveDate::from_ymd_opt(py.year, 12, 31).map(|d| d.ordinal()) == Some(366) {
        366.0
    } else {
        365.0
    };
    let date_at = |m: &Meeting| (m.date.ordinal0() as f64 + 0.5) / days;
    let mut placed: Vec<Option<f64>> = vec![None; meetings.len()];
    for t in [Track::Common, Track::Groups, Track::Gatherings] {
        let r = radius(t);
        let mut on: Vec<usize> = (0..meetings.len()).filter(|i| track(&meetings[*i]) == t).collect();
        on.sort_by(|a, b| date_at(&meetings[*a]).total_cmp(&date_at(&meetings[*b])).then(a.cmp(b)));
        let wanted: Vec<f64> = on.iter().map(|i| date_at(&meetings[*i])).collect();
        // Two dots' centres at least a dot and a little apart, as a share of the ring.
        let gap = (2.0 * DOT + 3.0) / (2.0 * std::f64::consts::PI * r);
        for (i, f) in on.iter().zip(spread(&wanted, gap)) {
            placed[*i] = Some(f);
        }
    }
    for (i, m) in meetings.iter().enumerate() {
        let t = track(m);
        let r = radius(t);
        let f = placed[i].unwrap_or_else(|| date_at(m));
        let (x, y) = at(f, r);
        // A dot moved from its date: a leader from the date, inside the ring, to the dot.
        if (f - date_at(m)).abs() * 360.0 > 0.5 {
            let (dx, dy) = at(date_at(m), r - DOT - 10.0);
            let _ = writeln!(
                s,
                "<line x1=\"{dx:.1}\" y1=\"{dy:.1}\" x2=\"{x:.1}\" y2=\"{y:.1}\" stroke=\"#{}\" stroke-width=\"1.2\"/><circle cx=\"{dx:.1}\" cy=\"{dy:.1}\" r=\"2\" fill=\"#{}\"/>",
                colour(t),
                colour(t)
            );
        }
        let label = m.group.clone().unwrap_or_else(|| m.title.clone());
        let _ = writeln!(
            s,
            "<g><title>{} {}</title><circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{DOT}\" fill=\"#{}\" stroke=\"#ffffff\" stroke-width=\"1.5\"/><text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"11\" font-weight=\"bold\" fill=\"#ffffff\" text-anchor=\"middle\">{}</text></g>",
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
    // The key: every meeting by its number, its name whole.
    let mut row = [0usize; 2];
    for (i, m) in meetings.iter().enumerate() {
        let col = usize::from(i >= split);
        let (x, y) = (40.0 + col as f64 * 380.0, key_top + row[col] as f64 * KEY_LINE);
        let _ = write!(
            s,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{DOT}\" fill=\"#{}\"/><text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"11\" font-weight=\"bold\" fill=\"#ffffff\" text-anchor=\"middle\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{KEY_SIZE}\" fill=\"#333333\">",
            colour(track(m)),
            y + 4.0,
            i + 1,
            x + 18.0,
            y + 5.0,
        );
        for (k, line) in key_lines[i].iter().enumerate() {
            let dy = if k == 0 { 0.0 } else { KEY_LINE };
            let _ = write!(s, "<tspan x=\"{:.1}\" dy=\"{dy}\">{}</tspan>", x + 18.0, esc(line));
        }
        s.push_str("</text>\n");
        row[col] += key_lines[i].len();
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
