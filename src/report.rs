//! The årsrapport's figures, all computed from the data: attendance per
//! meeting, group and kind against the 80 % target, resource persons by
//! municipality and network, who joined and left, the answer rate of the
//! årlig rapportering, and who attended every meeting (the prize draw).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{Gjelder, Meeting, MeetingKind, Person, ReportData};

/// The target for attendance and for answers to the årlig rapportering.
pub const TARGET: f64 = 0.8;

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
            None => match m.gjelder {
                Some(Gjelder::Sykepleier) => p.network == Gjelder::Sykepleier,
                Some(Gjelder::FysioErgo) => p.network == Gjelder::FysioErgo,
                _ => true,
            },
        })
        .filter(|p| match m.kind {
            MeetingKind::Introduksjonskurs => (m.date - p.started).num_days() <= 366,
            _ => true,
        })
        .collect()
}

/// Whether a meeting's attendance counts against the 80 % target.
pub fn counts_for_target(kind: MeetingKind) -> bool {
    matches!(kind, MeetingKind::Nettverksmote | MeetingKind::Samling | MeetingKind::Fagdag)
}

#[derive(Debug, Clone, Serialize)]
pub struct MeetingRow {
    pub id: String,
    pub dato: String,
    pub type_: String,
    pub gruppe: String,
    pub tittel: String,
    pub tema: String,
    pub invitert: usize,
    pub til_stede: usize,
    /// Percent, rounded to whole numbers; None when nobody was invited or the
    /// meeting does not count against the target.
    pub prosent: Option<u32>,
    pub under_mal: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Sum {
    pub navn: String,
    pub moter: usize,
    pub invitert: usize,
    pub til_stede: usize,
    pub prosent: Option<u32>,
    pub under_mal: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Count {
    pub navn: String,
    pub antall: usize,
}

/// Every figure of a year's report.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub mal_prosent: u32,
    pub moter: Vec<MeetingRow>,
    pub per_gruppe: Vec<Sum>,
    pub per_type: Vec<Sum>,
    pub totalt: Sum,
    pub fagdag: Option<MeetingRow>,
    pub ressurspersoner_ved_arsslutt: usize,
    pub per_kommune: Vec<Count>,
    pub per_nettverk: Vec<Count>,
    pub per_yrke: Vec<Count>,
    pub nye: usize,
    pub sluttet: usize,
    pub nye_per_nettverk: Vec<Count>,
    pub sluttet_per_nettverk: Vec<Count>,
    pub rapportering_svar: usize,
    pub rapportering_grunnlag: usize,
    pub rapportering_prosent: Option<u32>,
    pub rapportering_under_mal: bool,
    /// Names of those who attended every meeting they were invited to.
    pub premieliste: Vec<String>,
    pub status: Vec<Count>,
}

fn pct(part: usize, whole: usize) -> Option<u32> {
    (whole > 0).then(|| ((part as f64 / whole as f64) * 100.0).round() as u32)
}

fn sum(navn: &str, rows: &[&MeetingRow]) -> Sum {
    let rows: Vec<&&MeetingRow> = rows.iter().filter(|r| r.prosent.is_some()).collect();
    let invitert = rows.iter().map(|r| r.invitert).sum();
    let til_stede = rows.iter().map(|r| r.til_stede).sum();
    let prosent = pct(til_stede, invitert);
    Sum {
        navn: navn.to_string(),
        moter: rows.len(),
        invitert,
        til_stede,
        prosent,
        under_mal: prosent.is_some_and(|p| (p as f64) < TARGET * 100.0),
    }
}

fn counts(items: impl Iterator<Item = String>) -> Vec<Count> {
    let mut m: BTreeMap<String, usize> = BTreeMap::new();
    for i in items {
        *m.entry(i).or_default() += 1;
    }
    let mut v: Vec<Count> = m.into_iter().map(|(navn, antall)| Count { navn, antall }).collect();
    v.sort_by(|a, b| b.antall.cmp(&a.antall).then(a.navn.cmp(&b.navn)));
    v
}

/// Computes the report's figures for `year`. `kommuner` maps kommunenummer to name.
pub fn figures(
    year: i32,
    meetings: &[Meeting],
    groups: &[String],
    data: &ReportData,
    statuses: &[&str],
    kommuner: &BTreeMap<String, String>,
) -> Figures {
    let people = &data.people;
    let present: BTreeSet<(&str, &str)> =
        data.attendance.iter().map(|a| (a.meeting.as_str(), a.person.as_str())).collect();
    let mut sorted: Vec<&Meeting> = meetings.iter().collect();
    sorted.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    let rows: Vec<MeetingRow> = sorted
        .iter()
        .map(|m| {
            let inv = invited(m, people);
            // Present among those invited: a guest from another group does not raise the rate.
            let here = inv.iter().filter(|p| present.contains(&(m.id.as_str(), p.id.as_str()))).count();
            let prosent = if counts_for_target(m.kind) { pct(here, inv.len()) } else { None };
            MeetingRow {
                id: m.id.clone(),
                dato: m.date.format("%Y-%m-%d").to_string(),
                type_: m.kind.as_str().to_string(),
                gruppe: m.group.clone().unwrap_or_default(),
                tittel: m.title.clone(),
                tema: m.topic.clone(),
                invitert: inv.len(),
                til_stede: here,
                prosent,
                under_mal: prosent.is_some_and(|p| (p as f64) < TARGET * 100.0),
            }
        })
        .collect();
    let per_gruppe = groups
        .iter()
        .map(|g| sum(g, &rows.iter().filter(|r| &r.gruppe == g).collect::<Vec<_>>()))
        .filter(|s| s.moter > 0)
        .collect();
    let per_type = MeetingKind::ALL
        .iter()
        .filter(|(_, k)| counts_for_target(*k))
        .map(|(n, _)| sum(n, &rows.iter().filter(|r| r.type_ == *n).collect::<Vec<_>>()))
        .filter(|s| s.moter > 0)
        .collect();
    let totalt = sum("Året", &rows.iter().collect::<Vec<_>>());
    let fagdag = rows.iter().find(|r| r.type_ == "fagdag").cloned();

    let start = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
    let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year");
    let at_end: Vec<&Person> = people.iter().filter(|p| active(p, end)).collect();
    let network_name = |g: Gjelder| match g {
        Gjelder::FysioErgo => "Fysio- og ergoterapinettverket".to_string(),
        _ => "Sykepleiernettverket".to_string(),
    };
    let joined: Vec<&Person> = people.iter().filter(|p| p.started >= start && p.started <= end).collect();
    let left: Vec<&Person> =
        people.iter().filter(|p| p.left.is_some_and(|l| l >= start && l <= end)).collect();
    let kommune = |nr: &str| kommuner.get(nr).cloned().unwrap_or_else(|| format!("kommune {nr}"));

    // The årlig rapportering goes to everybody active on 1 November.
    let survey_day = NaiveDate::from_ymd_opt(year, 11, 1).expect("valid date");
    let asked: BTreeSet<&str> =
        people.iter().filter(|p| active(p, survey_day)).map(|p| p.id.as_str()).collect();
    let answered = data.answers.iter().flatten().filter(|a| asked.contains(a.person.as_str())).count();
    let rapportering_prosent = data.answers.as_ref().and_then(|_| pct(answered, asked.len()));

    // The prize list: active all year, invited to at least one meeting, and present at every one.
    let premieliste = people
        .iter()
        .filter(|p| active(p, start) && active(p, end))
        .filter(|p| {
            let mine: Vec<&&Meeting> = sorted
                .iter()
                .filter(|m| counts_for_target(m.kind) && invited(m, std::slice::from_ref(p)).len() == 1)
                .collect();
            !mine.is_empty() && mine.iter().all(|m| present.contains(&(m.id.as_str(), p.id.as_str())))
        })
        .map(|p| p.name.clone())
        .collect();

    Figures {
        mal_prosent: (TARGET * 100.0) as u32,
        moter: rows.clone(),
        per_gruppe,
        per_type,
        totalt,
        fagdag,
        ressurspersoner_ved_arsslutt: at_end.len(),
        per_kommune: counts(at_end.iter().map(|p| kommune(&p.kommunenummer))),
        per_nettverk: counts(at_end.iter().map(|p| network_name(p.network))),
        per_yrke: counts(at_end.iter().map(|p| p.profession.clone())),
        nye: joined.len(),
        sluttet: left.len(),
        nye_per_nettverk: counts(joined.iter().map(|p| network_name(p.network))),
        sluttet_per_nettverk: counts(left.iter().map(|p| network_name(p.network))),
        rapportering_svar: answered,
        rapportering_grunnlag: asked.len(),
        rapportering_prosent,
        rapportering_under_mal: rapportering_prosent.is_some_and(|p| (p as f64) < TARGET * 100.0),
        premieliste,
        status: counts(statuses.iter().map(|s| s.to_string())),
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
