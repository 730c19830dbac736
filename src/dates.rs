//! Norwegian dates: parsing the forms leaders type, formatting in a house style,
//! and the calendar facts (weekends, public holidays) the checks use.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc, Weekday};

pub const MONTHS: [&str; 12] = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
];

pub const WEEKDAYS: [&str; 7] = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"];

/// Why a date cell could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not of a recognised shape.
    Shape,
    /// Right shape, but no such day (31.02.2026).
    NoSuchDay,
}

/// Parses `16.04.2026`, `16.4.2026`, `2026-04-16` (and `16/04/2026`).
pub fn parse(text: &str) -> Result<NaiveDate, DateError> {
    let t = text.trim();
    let nums = |parts: Vec<&str>| -> Option<Vec<i64>> {
        parts
            .iter()
            .map(|p| {
                if !p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()) {
                    p.parse().ok()
                } else {
                    None
                }
            })
            .collect()
    };
    let (y, m, d) = if t.contains('-') {
        let p = nums(t.split('-').collect()).ok_or(DateError::Shape)?;
        if p.len() != 3 || t.split('-').next().map(str::len) != Some(4) {
            return Err(DateError::Shape);
        }
        (p[0], p[1], p[2])
    } else {
        let sep = if t.contains('.') { '.' } else { '/' };
        let parts: Vec<&str> = t.split(sep).collect();
        let p = nums(parts.clone()).ok_or(DateError::Shape)?;
        if p.len() != 3 || parts[2].len() != 4 {
            return Err(DateError::Shape);
        }
        (p[2], p[1], p[0])
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(DateError::NoSuchDay);
    }
    NaiveDate::from_ymd_opt(y as i32, m as u32, d as u32).ok_or(DateError::NoSuchDay)
}

/// Formats a date with a small pattern language:
/// `dddd` weekday name, `dd` two-digit day, `d` day, `MMMM` month name,
/// `MM` two-digit month, `M` month, `yyyy` year, `ww` ISO week number.
/// Every other character is copied as it is.
pub fn format(date: NaiveDate, pattern: &str) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while !rest.is_empty() {
        let tokens: [(&str, String); 8] = [
            ("dddd", WEEKDAYS[date.weekday().num_days_from_monday() as usize].to_string()),
            ("dd", format!("{:02}", date.day())),
            ("d", date.day().to_string()),
            ("MMMM", MONTHS[date.month0() as usize].to_string()),
            ("MM", format!("{:02}", date.month())),
            ("M", date.month().to_string()),
            ("yyyy", date.year().to_string()),
            ("ww", date.iso_week().week().to_string()),
        ];
        if let Some((tok, val)) = tokens.iter().find(|(tok, _)| rest.starts_with(tok)) {
            out.push_str(val);
            rest = &rest[tok.len()..];
        } else {
            let c = rest.chars().next().unwrap_or_default();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// Why a date pattern cannot be used, if it cannot: it must hold at least one
/// date field, and a run of a field letter must be a field (`yy` is not a
/// year, `MMM` not a month).
pub fn check_pattern(pattern: &str) -> Result<(), String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut fields = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = chars[i..].iter().take_while(|x| **x == c).count();
        let ok = match c {
            'd' | 'M' => [1, 2, 4].contains(&run),
            'y' => run == 4,
            'w' => run == 2,
            _ => true,
        };
        if !ok {
            let s: String = std::iter::repeat_n(c, run).collect();
            return Err(format!("«{s}» er ikke et felt i et datomønster"));
        }
        if matches!(c, 'd' | 'M' | 'y' | 'w') {
            fields += 1;
        }
        i += run;
    }
    if fields == 0 {
        return Err(if pattern.trim().is_empty() {
            "datomønsteret er tomt".to_string()
        } else {
            format!("«{pattern}» har ingen datofelt")
        });
    }
    Ok(())
}

/// Easter Sunday (Gregorian), by the anonymous algorithm (Meeus/Jones/Butcher).
pub fn easter(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("valid Easter date")
}

/// The Norwegian public holiday on `date`, if any, by its Norwegian name.
pub fn holiday(date: NaiveDate) -> Option<&'static str> {
    let fixed = match (date.month(), date.day()) {
        (1, 1) => Some("1. nyttårsdag"),
        (5, 1) => Some("1. mai"),
        (5, 17) => Some("17. mai"),
        (12, 25) => Some("1. juledag"),
        (12, 26) => Some("2. juledag"),
        _ => None,
    };
    if fixed.is_some() {
        return fixed;
    }
    let offset = (date - easter(date.year())).num_days();
    match offset {
        -7 => Some("palmesøndag"),
        -3 => Some("skjærtorsdag"),
        -2 => Some("langfredag"),
        0 => Some("1. påskedag"),
        1 => Some("2. påskedag"),
        39 => Some("Kristi himmelfartsdag"),
        49 => Some("1. pinsedag"),
        50 => Some("2. pinsedag"),
        _ => None,
    }
}

/// The wall clock in Norway at a moment: Europe/Oslo, CET (+01:00), and CEST
/// (+02:00) from 01:00 UTC on the last Sunday of March to 01:00 UTC on the
/// last Sunday of October, as the calendar files say.
pub fn oslo(t: std::time::SystemTime) -> DateTime<FixedOffset> {
    let utc: DateTime<Utc> = t.into();
    let last_sunday = |month: u32| {
        let first_next = NaiveDate::from_ymd_opt(utc.year(), month + 1, 1).unwrap_or_default();
        let last = first_next.pred_opt().unwrap_or_default();
        let back = last.weekday().num_days_from_sunday() as i64;
        (last - chrono::Duration::days(back)).and_hms_opt(1, 0, 0).unwrap_or_default().and_utc()
    };
    let summer = utc >= last_sunday(3) && utc < last_sunday(10);
    let offset = FixedOffset::east_opt(if summer { 7200 } else { 3600 }).expect("a valid offset");
    utc.with_timezone(&offset)
}

/// Today's date in Norway.
pub fn today() -> NaiveDate {
    oslo(std::time::SystemTime::now()).date_naive()
}

/// This year in Norway.
pub fn this_year() -> i32 {
    today().year()
}

/// The year being planned on a day: from 1 October the plan for next year is
/// being made (and sent in January), before that this year's.
pub fn planning_year_on(date: NaiveDate) -> i32 {
    if date.month() >= 10 {
        date.year() + 1
    } else {
        date.year()
    }
}

/// The year being planned today in Norway (see [`planning_year_on`]).
pub fn planning_year() -> i32 {
    planning_year_on(today())
}

/// True on Saturdays and Sundays.
pub fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_planning_year_turns_on_the_first_of_october() {
        assert_eq!(planning_year_on(d(2026, 1, 1)), 2026);
        assert_eq!(planning_year_on(d(2026, 9, 30)), 2026);
        assert_eq!(planning_year_on(d(2026, 10, 1)), 2027);
        assert_eq!(planning_year_on(d(2026, 12, 31)), 2027);
    }

    #[test]
    fn parses_norwegian_and_iso_forms() {
        assert_eq!(parse("16.04.2026"), Ok(d(2026, 4, 16)));
        assert_eq!(parse("6.4.2026"), Ok(d(2026, 4, 6)));
        assert_eq!(parse(" 2026-04-16 "), Ok(d(2026, 4, 16)));
        assert_eq!(parse("31.02.2026"), Err(DateError::NoSuchDay));
        assert_eq!(parse("16.04.26"), Err(DateError::Shape));
        assert_eq!(parse("i morgen"), Err(DateError::Shape));
        assert_eq!(parse("2026-13-01"), Err(DateError::NoSuchDay));
    }

    #[test]
    fn formats_house_styles() {
        let date = d(2026, 4, 16);
        assert_eq!(format(date, "d. MMMM"), "16. april");
        assert_eq!(format(date, "d. MMMM yyyy"), "16. april 2026");
        assert_eq!(format(d(2025, 1, 30), "dd.MM"), "30.01");
        assert_eq!(format(date, "dddd d. MMMM"), "torsdag 16. april");
        assert_eq!(format(date, "uke ww"), "uke 16");
    }

    #[test]
    fn patterns_need_a_date_field() {
        for ok in ["d. MMMM", "dd.MM", "dddd d. MMMM yyyy", "uke ww", "M/yyyy"] {
            assert_eq!(check_pattern(ok), Ok(()), "{ok}");
        }
        for bad in ["", " ", "ful", "5", "dd.MM.yy", "d. MMM", "ddd"] {
            assert!(check_pattern(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn easter_and_holidays() {
        assert_eq!(easter(2026), d(2026, 4, 5));
        assert_eq!(easter(2025), d(2025, 4, 20));
        assert_eq!(holiday(d(2026, 5, 14)), Some("Kristi himmelfartsdag"));
        assert_eq!(holiday(d(2026, 4, 2)), Some("skjærtorsdag"));
        assert_eq!(holiday(d(2026, 5, 25)), Some("2. pinsedag"));
        assert_eq!(holiday(d(2026, 5, 17)), Some("17. mai"));
        assert_eq!(holiday(d(2026, 4, 16)), None);
        assert!(is_weekend(d(2026, 4, 18)));
        assert!(!is_weekend(d(2026, 4, 16)));
    }
}
