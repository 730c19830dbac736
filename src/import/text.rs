//! The small readings the recogniser makes of a line of text: dates as
//! Norwegians write them, meeting kinds from their words, which network a
//! tag names, typed bullets, and how a text from a document is made safe as
//! a cell template or a prose file.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::dates::MONTHS;
use crate::model::{AppliesTo, MeetingKind};

fn re(s: &str) -> Regex {
    Regex::new(s).expect("a valid pattern")
}

/// Month names and their usual short forms.
fn month_of(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    if let Some(i) = MONTHS.iter().position(|m| *m == w) {
        return Some(i as u32 + 1);
    }
    let short = ["jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des"];
    let w = if w == "sept" { "sep".to_string() } else { w };
    short.iter().position(|m| *m == w).map(|i| i as u32 + 1)
}

/// A date found in a text: where, the day, and the year if the text gives one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundDate {
    pub start: usize,
    pub end: usize,
    pub month: u32,
    pub day: u32,
    pub year: Option<i32>,
    /// The pattern it was written in, in the house style's date language
    /// (`d. MMMM`, `dd.MM`, `d. MMMM yyyy`).
    pub pattern: String,
}

impl FoundDate {
    /// The date in `year` when the text gave none.
    pub fn date(&self, year: i32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year.unwrap_or(year), self.month, self.day)
    }
}

static WORD_DATE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:(mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag)\s+)?(\d{1,2})\.\s*(januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember|jan|feb|mar|apr|jun|jul|aug|sept|sep|okt|nov|des)\b(\.)?(?:\s+(\d{4})\b)?",
    )
});
static NUM_DATE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[^\d.,/-])(\d{1,2})([./])(\d{1,2})(?:[./](\d{4}|\d{2}))?(?:[^\d./]|$)"));
static ISO_DATE: LazyLock<Regex> = LazyLock::new(|| re(r"\b(\d{4})-(\d{2})-(\d{2})\b"));

/// Every date in a text, in order. Short numeric forms (`30.01`, `30/1`)
/// need a real day and month, and a two-digit day or month, so that `2.6`
/// (an innsatsområde) or `1.5` is not read as a date.
pub fn find_dates(text: &str) -> Vec<FoundDate> {
    let mut out: Vec<FoundDate> = Vec::new();
    for c in WORD_DATE.captures_iter(text) {
        let m = c.get(0).expect("whole match");
        let day: u32 = c[2].parse().unwrap_or(0);
        let Some(month) = month_of(&c[3]) else { continue };
        let year = c.get(5).and_then(|y| y.as_str().parse().ok());
        // A full month name's following full stop ends the sentence; an abbreviation's is its own.
        let end = match (c.get(5), c.get(4)) {
            (Some(y), _) => y.end(),
            (None, Some(dot)) if c[3].len() <= 4 && !MONTHS.contains(&c[3].to_lowercase().as_str()) => {
                dot.end()
            }
            _ => c.get(3).expect("month").end(),
        };
        if NaiveDate::from_ymd_opt(year.unwrap_or(2024), month, day).is_none() {
            continue;
        }
        let mut pattern = String::new();
        if c.get(1).is_some() {
            pattern.push_str("dddd ");
        }
        pattern.push_str("d. MMMM");
        if year.is_some() {
            pattern.push_str(" yyyy");
        }
        out.push(FoundDate { start: m.start(), end, month, day, year, pattern });
    }
    for c in ISO_DATE.captures_iter(text) {
        let m = c.get(0).expect("whole match");
        let (y, mo, d) = (c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0), c[3].parse().unwrap_or(0));
        if NaiveDate::from_ymd_opt(y, mo, d).is_some() && !overlaps(&out, m.start(), m.end()) {
            out.push(FoundDate {
                start: m.start(),
                end: m.end(),
                month: mo,
                day: d,
                year: Some(y),
                pattern: "yyyy-MM-dd".into(),
            });
        }
    }
    let mut at = 0;
    while let Some(c) = NUM_DATE.captures_at(text, at) {
        let whole = c.get(0).expect("whole match");
        at = c.get(3).map(|m| m.end()).unwrap_or(whole.end()).max(at + 1);
        let (d, sep, mo) = (&c[1], &c[2], &c[3]);
        let (day, month): (u32, u32) = (d.parse().unwrap_or(0), mo.parse().unwrap_or(0));
        let year = c.get(4).map(|y| {
            let n: i32 = y.as_str().parse().unwrap_or(0);
            if y.as_str().len() == 2 {
                2000 + n
            } else {
                n
            }
        });
        if d.len() < 2 && mo.len() < 2 && year.is_none() {
            continue;
        }
        if !(1..=12).contains(&month) || NaiveDate::from_ymd_opt(year.unwrap_or(2024), month, day).is_none() {
            continue;
        }
        let start = c.get(1).expect("day").start();
        let end = c.get(4).or(c.get(3)).expect("month").end();
        if overlaps(&out, start, end) {
            continue;
        }
        let mut pattern = format!(
            "{}{sep}{}",
            if d.len() == 2 { "dd" } else { "d" },
            if mo.len() == 2 { "MM" } else { "M" }
        );
        if let Some(y) = c.get(4) {
            pattern.push_str(sep);
            pattern.push_str(if y.as_str().len() == 4 { "yyyy" } else { "yy" });
        }
        out.push(FoundDate { start, end, month, day, year, pattern });
    }
    out.sort_by_key(|d| d.start);
    out
}

fn overlaps(found: &[FoundDate], start: usize, end: usize) -> bool {
    found.iter().any(|f| start < f.end && f.start < end)
}

/// The kind of meeting a text speaks of, by its words, with the words that told.
pub fn meeting_kind(text: &str) -> Option<(MeetingKind, &'static str)> {
    let t = text.to_lowercase();
    const RULES: [(&str, MeetingKind); 12] = [
        ("fagdag for nye", MeetingKind::Introduction),
        ("introduksjonskurs", MeetingKind::Introduction),
        ("introduksjonsdag", MeetingKind::Introduction),
        ("grunnkurs", MeetingKind::Course),
        ("grunnleggende palliasjon", MeetingKind::Course),
        ("fagdag", MeetingKind::ConferenceDay),
        ("samling", MeetingKind::Gathering),
        ("nettverksmøte", MeetingKind::NetworkMeeting),
        ("møte i nettverket", MeetingKind::NetworkMeeting),
        ("kurs", MeetingKind::Course),
        ("konferanse", MeetingKind::ConferenceDay),
        ("møte", MeetingKind::Meeting),
    ];
    RULES.iter().find(|(w, _)| t.contains(w)).map(|(w, k)| (*k, *w))
}

/// Which network a text speaks of: the physio/OT network, the nurses', or none.
pub fn network_of(text: &str) -> Option<AppliesTo> {
    let t = text.to_lowercase();
    if t.contains("fysio") || t.contains("ergoterap") {
        Some(AppliesTo::PhysioOt)
    } else if t.contains("sykepleie") {
        Some(AppliesTo::Nurses)
    } else {
        None
    }
}

static TAG: LazyLock<Regex> = LazyLock::new(|| re(r"\s*\(([^()]{2,40})\)\s*$"));

/// A sub-goal's trailing «(felles)», «(sykepleier)», «(fysio/ergo)»: the
/// text without it and what it names.
pub fn applies_tag(text: &str) -> (String, Option<AppliesTo>) {
    if let Some(c) = TAG.captures(text) {
        let inner = c[1].to_lowercase();
        let inner = inner.trim();
        let tag = if inner == "felles" || inner == "begge" || inner == "begge nettverk" {
            Some(AppliesTo::Shared)
        } else if inner.starts_with("sykepleie") {
            Some(AppliesTo::Nurses)
        } else if (inner.contains("fysio") || inner.contains("ergo")) && inner.split_whitespace().count() <= 4
        {
            Some(AppliesTo::PhysioOt)
        } else {
            None
        };
        if tag.is_some() {
            let m = c.get(0).expect("whole match");
            return (text[..m.start()].trim_end().to_string(), tag);
        }
    }
    (text.to_string(), None)
}

/// Bullet glyphs people type (or Word's Symbol bullets, read as their
/// private-use characters).
const BULLETS: [char; 12] =
    ['•', '·', '\u{f0b7}', '\u{f0a7}', '\u{f0d8}', '\u{f076}', '▪', '■', '◦', '○', '➢', '►'];

/// A typed bullet at the start of a line: the text after it, and the list
/// level its indentation (leading tabs and spaces) gives.
pub fn typed_bullet(text: &str) -> Option<(String, u8)> {
    let trimmed = text.trim_start_matches([' ', '\t']);
    let lead = &text[..text.len() - trimmed.len()];
    let tabs = lead.matches('\t').count();
    let spaces = lead.matches(' ').count();
    let level = (tabs + spaces.div_ceil(4)).min(8) as u8;
    let mut chars = trimmed.chars();
    let first = chars.next()?;
    let rest = chars.as_str();
    let is_glyph = BULLETS.contains(&first)
        || (matches!(first, '-' | '–' | '*' | '+') && rest.starts_with([' ', '\t']))
        || (first == 'o' && rest.starts_with('\t'));
    if !is_glyph {
        return None;
    }
    let body = rest.trim_start_matches([' ', '\t']).trim_end();
    (!body.is_empty()).then(|| (body.to_string(), level))
}

static STANDALONE_YEAR: LazyLock<Regex> = LazyLock::new(|| re(r"\d{4}"));

/// The plan's year written as `{{ år }}` (and last year after «årsrapport»
/// as `{{ år - 1 }}`), so the text follows the plan into next year. A year
/// inside a range (`2025-2029`) or a number stays as it is.
pub fn year_templated(text: &str, year: i32) -> (String, usize) {
    let mut out = String::new();
    let mut last = 0;
    let mut n = 0;
    for m in STANDALONE_YEAR.find_iter(text) {
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        let around_ok = |c: Option<char>| {
            c.is_none_or(|c| {
                !(c.is_alphanumeric() || matches!(c, '-' | '–' | '/' | '.' | ',' | ':' | '_' | '{'))
            })
        };
        // «2026.» ends a sentence: a following full stop is fine when no digit follows it.
        let after_ok = around_ok(after)
            || (matches!(after, Some('.' | ',' | ':'))
                && !text[m.end() + 1..].starts_with(|c: char| c.is_ascii_digit()));
        if !(around_ok(before) && after_ok) {
            continue;
        }
        let value: i32 = m.as_str().parse().unwrap_or(0);
        let word_before = text[..m.start()].trim_end().rsplit(' ').next().unwrap_or("").to_lowercase();
        let replacement = if value == year {
            "{{ år }}"
        } else if value == year - 1 && word_before == "årsrapport" {
            "{{ år - 1 }}"
        } else {
            continue;
        };
        out.push_str(&text[last..m.start()]);
        out.push_str(replacement);
        last = m.end();
        n += 1;
    }
    out.push_str(&text[last..]);
    (out, n)
}

/// A text from the document as a cell template: template markup it happens
/// to contain (`{{`, `{%`, `{#`) is printed as written.
pub fn literal_template(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '{' && matches!(chars.peek(), Some('{' | '%' | '#')) {
            let next = chars.next().unwrap_or('{');
            out.push_str(&format!("{{{{ \"{{{next}\" }}}}"));
        } else {
            out.push(c);
        }
    }
    out
}

/// A text from the document as a line of a prose file (Markdown): what
/// Markdown would read as markup is escaped, and nothing else, so the file
/// stays readable.
pub fn markdown_line(text: &str) -> String {
    let text = literal_template(text);
    let mut out = String::with_capacity(text.len() + 8);
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let prev = if i == 0 { None } else { Some(chars[i - 1]) };
        let next = chars.get(i + 1).copied();
        let boundary = |x: Option<char>| x.is_none_or(|x| !x.is_alphanumeric());
        match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '_' if boundary(prev) || boundary(next) => out.push_str("\\_"),
            '#' if i == 0 => out.push_str("\\#"),
            '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    // A line that starts like a list item or a numbered list stays text.
    let starts_list = out.starts_with(['-', '+']) && out[1..].starts_with(' ');
    let numbered = {
        let digits = out.chars().take_while(|c| c.is_ascii_digit()).count();
        digits > 0 && out[digits..].starts_with(['.', ')']) && out[digits + 1..].starts_with(' ')
    };
    if starts_list {
        out.insert(0, '\\');
    } else if numbered {
        let digits = out.chars().take_while(|c| c.is_ascii_digit()).count();
        out.insert(digits, '\\');
    }
    out
}

/// Upper-case words as a sentence: `PASIENT- OG PÅRØRENDEARBEID` →
/// `Pasient- og pårørendearbeid`; other text as it is.
pub fn sentence_case(text: &str) -> String {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() < 3 || letters.iter().any(|c| c.is_lowercase()) {
        return text.to_string();
    }
    let lower = text.to_lowercase();
    let mut c = lower.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => lower,
    }
}

/// Words for comparing a document with its source: white space folded,
/// bullet glyphs and list numbers dropped, words split after inner hyphens,
/// and trailing punctuation of labels («Mål:») dropped.
pub fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .flat_map(|w| if w.contains('/') { vec![w] } else { w.split_inclusive('-').collect() })
        .map(|w| {
            w.trim_start_matches(|c: char| BULLETS.contains(&c) || c == '*')
                .trim_end_matches([':', '*', ';'])
                .to_string()
        })
        .filter(|w| !w.is_empty() && !matches!(w.as_str(), "-" | "–" | "o"))
        .filter(|w| {
            !(w.ends_with(['.', ')']) && w.len() > 1 && w[..w.len() - 1].chars().all(|c| c.is_ascii_digit()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(t: &str) -> Vec<(u32, u32, Option<i32>, String)> {
        find_dates(t).into_iter().map(|d| (d.day, d.month, d.year, d.pattern)).collect()
    }

    #[test]
    fn dates_are_read_in_the_forms_norwegians_write() {
        assert_eq!(dates("Kurset gjennomføres 29. januar"), vec![(29, 1, None, "d. MMMM".into())]);
        assert_eq!(dates("28. april 2026"), vec![(28, 4, Some(2026), "d. MMMM yyyy".into())]);
        assert_eq!(dates("30.01"), vec![(30, 1, None, "dd.MM".into())]);
        assert_eq!(
            dates("16.04.2026 og 2026-10-22"),
            vec![(16, 4, Some(2026), "dd.MM.yyyy".into()), (22, 10, Some(2026), "yyyy-MM-dd".into())]
        );
        assert_eq!(dates("torsdag 12. november"), vec![(12, 11, None, "dddd d. MMMM".into())]);
        // Not dates: an innsatsområde, a law's number, a year range, a day without a month.
        assert!(dates("2.6, 4.2 og 1.5").is_empty());
        assert!(dates("Meld. St. 24 (2019-2020), NOU 2017:16, 12 timer årlig").is_empty());
        assert!(dates("31.02").is_empty());
        // The sentence's full stop stays the sentence's.
        let t = "Samlingen blir 13. mai. Neste";
        let d = &find_dates(t)[0];
        assert_eq!(&t[d.start..d.end], "13. mai");
    }

    #[test]
    fn kinds_and_networks_come_from_the_words() {
        let k = |t: &str| meeting_kind(t).map(|(k, _)| k);
        assert_eq!(
            k("Nye ressurspersoner deltar på fagdag for nye ressurspersoner og ledere."),
            Some(MeetingKind::Introduction)
        );
        assert_eq!(k("delta på fagdag i grunnleggende palliasjon"), Some(MeetingKind::Course));
        assert_eq!(k("Årlig fagdag arrangeres"), Some(MeetingKind::ConferenceDay));
        assert_eq!(
            k("Dato for vårens samling i fysio- og ergoterapinettverket blir"),
            Some(MeetingKind::Gathering)
        );
        assert_eq!(network_of("vårens samling i fysio- og ergoterapinettverket"), Some(AppliesTo::PhysioOt));
        assert_eq!(
            applies_tag("Det gode pasientforløp (sykepleier)"),
            ("Det gode pasientforløp".into(), Some(AppliesTo::Nurses))
        );
        assert_eq!(applies_tag("Om dyspnoe (fysio/ergo)").1, Some(AppliesTo::PhysioOt));
        assert_eq!(applies_tag("Kreftsenter (KOR)"), ("Kreftsenter (KOR)".into(), None));
    }

    #[test]
    fn typed_bullets_and_their_levels() {
        assert_eq!(typed_bullet("•\tTema for årlig fagdag"), Some(("Tema for årlig fagdag".into(), 0)));
        assert_eq!(typed_bullet(" - Dele erfaringer"), Some(("Dele erfaringer".into(), 1)));
        assert_eq!(typed_bullet("\to\tUnderpunkt"), Some(("Underpunkt".into(), 1)));
        assert_eq!(typed_bullet("-2 grader"), None);
        assert_eq!(typed_bullet("Delmål 1"), None);
    }

    #[test]
    fn the_plan_year_follows_the_plan_and_ranges_stay() {
        let (t, n) =
            year_templated("Årsrapport 2025 og årsplan 2026 sendes; Strategi 2025-2029; våren 2026.", 2026);
        assert_eq!(
            t,
            "Årsrapport {{ år - 1 }} og årsplan {{ år }} sendes; Strategi 2025-2029; våren {{ år }}."
        );
        assert_eq!(n, 3);
        assert_eq!(year_templated("Landskonferansen i palliasjon 2024", 2025).1, 0);
    }

    #[test]
    fn document_text_stays_literal_in_templates_and_markdown() {
        assert_eq!(literal_template("a {{ b }} {% c"), "a {{ \"{{\" }} b }} {{ \"{%\" }} c");
        assert_eq!(
            markdown_line("1. ikke en liste *stjerne* snake_case _x_"),
            "1\\. ikke en liste \\*stjerne\\* snake_case \\_x\\_"
        );
        assert_eq!(markdown_line("- ikke et punkt"), "\\- ikke et punkt");
        assert_eq!(sentence_case("PASIENT- OG PÅRØRENDEARBEID"), "Pasient- og pårørendearbeid");
        assert_eq!(sentence_case("Kompetanse"), "Kompetanse");
    }
}
