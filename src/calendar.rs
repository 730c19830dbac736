//! iCalendar (RFC 5545) files of a year's meetings: one per network and one per
//! local group, Europe/Oslo time zone, stable UIDs and a SEQUENCE that rises
//! when a meeting moves, so a calendar that imported the file updates the
//! event instead of adding a second one.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{Duration, NaiveDate, NaiveTime};

use crate::model::slug;
use crate::model::{Meeting, PlanYear};

const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\nTZID:Europe/Oslo\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

/// Escapes a TEXT value (RFC 5545 3.3.11).
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets, never inside a UTF-8 character, and ends it with CRLF.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

/// The stable UID of a meeting: the same id in the same network and year is the same event.
pub fn uid(network: &str, year: i32, id: &str) -> String {
    format!("{id}-{year}@{}.arsplan", slug(network))
}

fn date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// One calendar; `sequence` gives each meeting id its SEQUENCE number.
pub fn calendar(
    py: &PlanYear,
    name: &str,
    meetings: &[&Meeting],
    sequence: &BTreeMap<String, u32>,
) -> Vec<u8> {
    let mut s = String::new();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//arsplan//arsplan//NB",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        line(&mut s, l);
    }
    line(&mut s, &format!("X-WR-CALNAME:{}", text(name)));
    line(&mut s, "X-WR-TIMEZONE:Europe/Oslo");
    s.push_str(VTIMEZONE);
    let stamp = format!("{}T000000Z", date(py.date));
    for m in meetings {
        line(&mut s, "BEGIN:VEVENT");
        line(&mut s, &format!("UID:{}", uid(&py.network, py.year, &m.id)));
        line(&mut s, &format!("DTSTAMP:{stamp}"));
        line(&mut s, &format!("SEQUENCE:{}", sequence.get(&m.id).copied().unwrap_or(0)));
        match (m.start, m.end) {
            (Some(start), end) => {
                // Without an end: three hours, but never past midnight.
                let end = end.unwrap_or_else(|| {
                    let three = start + Duration::hours(3);
                    if three < start {
                        NaiveTime::from_hms_opt(23, 59, 0).unwrap_or(start)
                    } else {
                        three
                    }
                });
                let t = |t: NaiveTime| t.format("%H%M%S").to_string();
                line(&mut s, &format!("DTSTART;TZID=Europe/Oslo:{}T{}", date(m.date), t(start)));
                line(&mut s, &format!("DTEND;TZID=Europe/Oslo:{}T{}", date(m.date), t(end)));
            }
            (None, _) => {
                line(&mut s, &format!("DTSTART;VALUE=DATE:{}", date(m.date)));
                line(&mut s, &format!("DTEND;VALUE=DATE:{}", date(m.date + Duration::days(1))));
            }
        }
        let mut summary = if m.title.is_empty() { m.kind.as_str().to_string() } else { m.title.clone() };
        if let Some(g) = &m.group {
            summary = format!("{summary}: {g}");
        }
        line(&mut s, &format!("SUMMARY:{}", text(&summary)));
        let mut desc = String::new();
        if !m.topic.is_empty() {
            let _ = writeln!(desc, "Tema: {}", m.topic);
        }
        let _ = write!(desc, "{}", py.profile.name);
        line(&mut s, &format!("DESCRIPTION:{}", text(&desc)));
        if !m.place.is_empty() {
            line(&mut s, &format!("LOCATION:{}", text(&m.place)));
        }
        line(&mut s, &format!("CATEGORIES:{}", text(m.kind.as_str())));
        line(&mut s, "TRANSP:OPAQUE");
        line(&mut s, "END:VEVENT");
    }
    line(&mut s, "END:VCALENDAR");
    s.into_bytes()
}

/// Every calendar of a year: (file name, bytes). The network's calendar has every
/// meeting; each group's has its own meetings and the common ones (no group, felles).
pub fn calendars(py: &PlanYear, sequence: &BTreeMap<String, u32>) -> Vec<(String, Vec<u8>)> {
    let all: Vec<&Meeting> = py.meetings.iter().collect();
    if all.is_empty() {
        return Vec::new();
    }
    let mut out = vec![(
        format!("kalender-{}.ics", py.year),
        calendar(py, &format!("{} {}", py.profile.name, py.year), &all, sequence),
    )];
    for g in &py.profile.groups {
        let own: Vec<&Meeting> = py
            .meetings
            .iter()
            .filter(|m| {
                m.group.as_deref() == Some(g.as_str())
                    || (m.group.is_none() && m.applies_to != Some(crate::model::AppliesTo::PhysioOt))
            })
            .collect();
        if own.iter().any(|m| m.group.is_some()) {
            out.push((
                format!("kalender-{}-{}.ics", py.year, slug(g)),
                calendar(py, &format!("{g} {}", py.year), &own, sequence),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_respects_utf8_and_75_octets() {
        let mut s = String::new();
        line(&mut s, &format!("SUMMARY:{}", "æøå".repeat(40)));
        for l in s.split("\r\n") {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        let unfolded = s.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{}\r\n", "æøå".repeat(40)));
    }

    #[test]
    fn text_escaping_and_slugs() {
        assert_eq!(text("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
        assert_eq!(crate::model::slug("Dalane og sør Jæren + SUS"), "dalane-og-sor-jaeren-sus");
        assert_eq!(crate::model::slug("Bergen I"), "bergen-i");
    }
}
