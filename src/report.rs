//! The årsrapport's figures, all computed from the data: attendance per
//! meeting, group and kind (against the plan's own target, when it sets one),
//! resource persons by municipality and network, who joined and left, the
//! answer rate of the årlig rapportering, and who attended every meeting
//! (the prize draw).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{AppliesTo, Meeting, MeetingKind, Network, Person, PlanYear, ReportData};
use crate::theme::Texts;

/// Whether a person is in the network on a day.
pub fn active(p: &Person, day: NaiveDate) -> bool {
    p.started <= day && p.left.is_none_or(|l| day <= l)
}

/// Who a meeting is for: its group's active members, the network it applies
/// to, or everybody; an introduction course is for those who joined in the year before it.
pub fn invited<'a>(m: &Meeting, people: &'a [Person]) -> Vec<&'a Person> {
    people
        .iter()
        .filter(|p| active(p, m.date))
        .filter(|p| match &m.group {
            Some(g) => p.group.as_deref() == Some(g.as_str()),
            None => match m.applies_to {
                Some(AppliesTo::Nurses) => p.network == Network::Nurses,
                Some(AppliesTo::PhysioOt) => p.network == Network::PhysioOt,
                _ => true,
            },
        })
        .filter(|p| match m.kind {
            MeetingKind::Introduction => (m.date - p.started).num_days() <= 366,
            _ => true,
        })
        .collect()
}

/// Whether a meeting's attendance is counted in percent (and against the
/// plan's target, if any); courses only count who came.
pub fn counts_for_target(kind: MeetingKind) -> bool {
    matches!(kind, MeetingKind::NetworkMeeting | MeetingKind::Gathering | MeetingKind::ConferenceDay)
}

/// One meeting of the year with its attendance.
#[derive(Debug, Clone, Serialize)]
pub struct MeetingRow {
    pub id: String,
    #[serde(rename = "dato")]
    pub date: String,
    #[serde(rename = "type_")]
    pub kind: String,
    #[serde(rename = "gruppe")]
    pub group: String,
    #[serde(rename = "tittel")]
    pub title: String,
    #[serde(rename = "tema")]
    pub topic: String,
    #[serde(rename = "invitert")]
    pub invited: usize,
    #[serde(rename = "til_stede")]
    pub present: usize,
    /// Percent, rounded to whole numbers; None when nobody was invited or the
    /// meeting does not count against the target.
    #[serde(rename = "prosent")]
    pub percent: Option<u32>,
    #[serde(rename = "under_mal")]
    pub below_target: bool,
}

/// Attendance summed over several meetings.
#[derive(Debug, Clone, Serialize)]
pub struct Sum {
    #[serde(rename = "navn")]
    pub name: String,
    #[serde(rename = "moter")]
    pub meetings: usize,
    #[serde(rename = "invitert")]
    pub invited: usize,
    #[serde(rename = "til_stede")]
    pub present: usize,
    #[serde(rename = "prosent")]
    pub percent: Option<u32>,
    #[serde(rename = "under_mal")]
    pub below_target: bool,
}

/// How many of something.
#[derive(Debug, Clone, Serialize)]
pub struct Count {
    #[serde(rename = "navn")]
    pub name: String,
    #[serde(rename = "antall")]
    pub count: usize,
}

/// Every figure of a year's report (templates read them as `rapport.tall.*`).
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    /// The plan's target for attendance in percent (`mal_fremmote`), if it sets one.
    #[serde(rename = "mal_fremmote")]
    pub attendance_target: Option<u32>,
    /// The plan's target for answers to the årlig rapportering (`mal_rapportering`).
    #[serde(rename = "mal_rapportering")]
    pub survey_target: Option<u32>,
    #[serde(rename = "moter")]
    pub meetings: Vec<MeetingRow>,
    #[serde(rename = "per_gruppe")]
    pub per_group: Vec<Sum>,
    #[serde(rename = "per_type")]
    pub per_kind: Vec<Sum>,
    #[serde(rename = "totalt")]
    pub total: Sum,
    #[serde(rename = "fagdag")]
    pub conference_day: Option<MeetingRow>,
    /// The fagdag's own title as it reads inside a sentence («fagdag i
    /// palliasjon», «årlig fagdag»), so that the report calls it one thing.
    #[serde(rename = "fagdag_navn")]
    pub conference_day_name: String,
    #[serde(rename = "ressurspersoner_ved_arsslutt")]
    pub active_at_year_end: usize,
    #[serde(rename = "per_kommune")]
    pub per_municipality: Vec<Count>,
    #[serde(rename = "per_nettverk")]
    pub per_network: Vec<Count>,
    #[serde(rename = "per_yrke")]
    pub per_profession: Vec<Count>,
    #[serde(rename = "nye")]
    pub joined: usize,
    #[serde(rename = "sluttet")]
    pub left: usize,
    #[serde(rename = "nye_per_nettverk")]
    pub joined_per_network: Vec<Count>,
    #[serde(rename = "sluttet_per_nettverk")]
    pub left_per_network: Vec<Count>,
    #[serde(rename = "rapportering_svar")]
    pub survey_answers: usize,
    #[serde(rename = "rapportering_grunnlag")]
    pub survey_asked: usize,
    #[serde(rename = "rapportering_prosent")]
    pub survey_percent: Option<u32>,
    #[serde(rename = "rapportering_under_mal")]
    pub survey_below_target: bool,
    /// Names of those who attended every meeting they were invited to (for
    /// the draw; a document shows them only when the style or network opts in).
    #[serde(rename = "premieliste")]
    pub prize_list: Vec<String>,
    /// How many they are.
    #[serde(rename = "premie_antall")]
    pub prize_count: usize,
    /// Whether the network draws a prize among them at all (`premie_for_oppmote`
    /// in nettverk.toml): the report speaks of the draw only then.
    #[serde(rename = "premie_for_oppmote")]
    pub attendance_prize: bool,
    pub status: Vec<Count>,
}

fn pct(part: usize, whole: usize) -> Option<u32> {
    (whole > 0).then(|| ((part as f64 / whole as f64) * 100.0).round() as u32)
}

/// Whether a percentage is below a target; never when there is no target.
fn below(p: Option<u32>, target: Option<u32>) -> bool {
    p.zip(target).is_some_and(|(p, t)| p < t)
}

/// A title as it reads inside a sentence: the first letter in lower case
/// («Årlig fagdag» → «årlig fagdag»), unless the first word is an
/// abbreviation or a name with a capital inside («USHT-dagen», «PallHelse»).
pub fn in_sentence(title: &str) -> String {
    let first = title.split_whitespace().next().unwrap_or("");
    if first.chars().skip(1).any(char::is_uppercase) {
        return title.to_string();
    }
    let mut c = title.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn sum(name: &str, rows: &[&MeetingRow], target: Option<u32>) -> Sum {
    let rows: Vec<&&MeetingRow> = rows.iter().filter(|r| r.percent.is_some()).collect();
    let invited = rows.iter().map(|r| r.invited).sum();
    let present = rows.iter().map(|r| r.present).sum();
    let percent = pct(present, invited);
    Sum {
        name: name.to_string(),
        meetings: rows.len(),
        invited,
        present,
        percent,
        below_target: below(percent, target),
    }
}

fn counts(items: impl Iterator<Item = String>) -> Vec<Count> {
    let mut m: BTreeMap<String, usize> = BTreeMap::new();
    for i in items {
        *m.entry(i).or_default() += 1;
    }
    let mut v: Vec<Count> = m.into_iter().map(|(name, count)| Count { name, count }).collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
    v
}

/// Computes the report's figures of a plan year with report data.
/// `kommuner` maps kommunenummer to name; `texts` gives the house style's wording.
pub fn figures(
    py: &PlanYear,
    data: &ReportData,
    kommuner: &BTreeMap<String, String>,
    texts: &Texts,
) -> Figures {
    let year = py.year;
    let people = &data.people;
    let target = py.meta.attendance_target;
    let present: BTreeSet<(&str, &str)> =
        data.attendance.iter().map(|a| (a.meeting.as_str(), a.person.as_str())).collect();
    let rows: Vec<MeetingRow> = py
        .meetings
        .iter()
        .map(|m| {
            let inv = invited(m, people);
            // Present among those invited: a guest from another group does not raise the rate.
            let here = inv.iter().filter(|p| present.contains(&(m.id.as_str(), p.id.as_str()))).count();
            let percent = if counts_for_target(m.kind) { pct(here, inv.len()) } else { None };
            MeetingRow {
                id: m.id.clone(),
                date: m.date.format("%Y-%m-%d").to_string(),
                kind: m.kind.as_str().to_string(),
                group: m.group.clone().unwrap_or_default(),
                title: m.title.clone(),
                topic: m.topic.clone(),
                invited: inv.len(),
                present: here,
                percent,
                below_target: below(percent, target),
            }
        })
        .collect();
    let per_group = py
        .profile
        .groups
        .iter()
        .map(|g| sum(g, &rows.iter().filter(|r| &r.group == g).collect::<Vec<_>>(), target))
        .filter(|s| s.meetings > 0)
        .collect();
    let per_kind = <MeetingKind as crate::model::Named>::ALL
        .iter()
        .filter(|(_, k)| counts_for_target(*k))
        .map(|(n, _)| sum(n, &rows.iter().filter(|r| r.kind == *n).collect::<Vec<_>>(), target))
        .filter(|s| s.meetings > 0)
        .collect();
    let total = sum(&texts.whole_year, &rows.iter().collect::<Vec<_>>(), target);
    let conference_day = rows.iter().find(|r| r.kind == MeetingKind::ConferenceDay.as_str()).cloned();
    let conference_day_name = conference_day
        .as_ref()
        .map(|r| r.title.trim())
        .filter(|t| !t.is_empty())
        .map_or_else(|| "årlig fagdag".to_string(), in_sentence);

    let start = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
    let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year");
    let at_end: Vec<&Person> = people.iter().filter(|p| active(p, end)).collect();
    let network_name = |n: Network| match n {
        Network::PhysioOt => texts.physio_ot.clone(),
        Network::Nurses => texts.nurses.clone(),
    };
    let joined: Vec<&Person> = people.iter().filter(|p| p.started >= start && p.started <= end).collect();
    let left: Vec<&Person> =
        people.iter().filter(|p| p.left.is_some_and(|l| l >= start && l <= end)).collect();
    let kommune = |nr: &str| kommuner.get(nr).cloned().unwrap_or_else(|| nr.to_string());

    // The årlig rapportering goes to everybody active on 1 November.
    let survey_day = NaiveDate::from_ymd_opt(year, 11, 1).expect("valid date");
    let asked: BTreeSet<&str> =
        people.iter().filter(|p| active(p, survey_day)).map(|p| p.id.as_str()).collect();
    let answered = data.answers.iter().flatten().filter(|a| asked.contains(a.person.as_str())).count();
    let survey_percent = data.answers.as_ref().and_then(|_| pct(answered, asked.len()));

    // The prize list: active all year, invited to at least one meeting, and present at every one.
    let prize_list = people
        .iter()
        .filter(|p| active(p, start) && active(p, end))
        .filter(|p| {
            let mine: Vec<&Meeting> = py
                .meetings
                .iter()
                .filter(|m| counts_for_target(m.kind) && invited(m, std::slice::from_ref(p)).len() == 1)
                .collect();
            !mine.is_empty() && mine.iter().all(|m| present.contains(&(m.id.as_str(), p.id.as_str())))
        })
        .map(|p| p.name.clone())
        .collect::<Vec<_>>();
    let statuses = py
        .outline
        .iter()
        .filter(|row| row.level == crate::model::Level::Activity)
        .filter_map(|row| row.status.map(|s| s.as_str().to_string()));

    Figures {
        attendance_target: target,
        survey_target: py.meta.survey_target,
        meetings: rows.clone(),
        per_group,
        per_kind,
        total,
        conference_day,
        conference_day_name,
        active_at_year_end: at_end.len(),
        per_municipality: counts(at_end.iter().map(|p| kommune(&p.kommunenummer))),
        per_network: counts(at_end.iter().map(|p| network_name(p.network))),
        per_profession: counts(at_end.iter().map(|p| p.profession.clone())),
        joined: joined.len(),
        left: left.len(),
        joined_per_network: counts(joined.iter().map(|p| network_name(p.network))),
        left_per_network: counts(left.iter().map(|p| network_name(p.network))),
        survey_answers: answered,
        survey_asked: asked.len(),
        survey_percent,
        survey_below_target: below(survey_percent, py.meta.survey_target),
        prize_count: prize_list.len(),
        attendance_prize: py.profile.attendance_prize,
        prize_list,
        status: counts(statuses),
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): one step from `seed`. Written out
/// here so that a draw can be repeated with any version of arsplan.
pub fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The prize draw: the winner among `candidates` (sorted first, so the order
/// of the data does not matter) for a seed.
pub fn draw(candidates: &[String], seed: u64) -> Option<String> {
    let mut sorted = candidates.to_vec();
    sorted.sort();
    if sorted.is_empty() {
        return None;
    }
    let i = (splitmix64(seed) % sorted.len() as u64) as usize;
    Some(sorted[i].clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_in_a_sentence_keeps_abbreviations_and_inner_capitals() {
        assert_eq!(in_sentence("Årlig fagdag"), "årlig fagdag");
        assert_eq!(in_sentence("Fagdag i palliasjon"), "fagdag i palliasjon");
        assert_eq!(in_sentence("USHT-dagen i Helse Vest"), "USHT-dagen i Helse Vest");
        assert_eq!(in_sentence("PallHelse-dagen"), "PallHelse-dagen");
        assert_eq!(in_sentence(""), "");
    }

    #[test]
    fn nothing_is_below_a_target_the_plan_does_not_set() {
        assert!(below(Some(79), Some(80)));
        assert!(!below(Some(80), Some(80)));
        assert!(!below(Some(10), None));
        assert!(!below(None, Some(80)));
    }

    #[test]
    fn splitmix64_known_values() {
        // Reference values of SplitMix64 from seed 0 and 1.
        assert_eq!(splitmix64(0), 0xE220_A839_7B1D_CDAF);
        assert_eq!(splitmix64(1), 0x910A_2DEC_8902_5CC1);
    }

    #[test]
    fn draw_is_repeatable_and_order_free() {
        let a = vec!["Kari".to_string(), "Fia".to_string(), "Per".to_string()];
        let b = vec!["Per".to_string(), "Kari".to_string(), "Fia".to_string()];
        for seed in 0..50 {
            assert_eq!(draw(&a, seed), draw(&b, seed));
        }
        let winners: std::collections::BTreeSet<_> = (0..50).filter_map(|s| draw(&a, s)).collect();
        assert_eq!(winners.len(), 3, "every candidate can win");
        assert_eq!(draw(&[], 1), None);
    }
}
