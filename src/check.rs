//! Stage 2, check: the domain's rules over loaded records. Errors stop a build;
//! warnings are printed and the build goes on.

use std::collections::BTreeMap;

use chrono::Datelike;

use crate::dates;
use crate::diag::Diagnostic;
use crate::model::{Level, Meeting, PlanYear, Strategy};

/// Every rule over one network's year.
pub fn check(py: &PlanYear, words: &crate::vocabulary::Words) -> Vec<Diagnostic> {
    meetings_of(py.year, &py.meetings, &words.gruppene)
}

/// The rules over a plan year's meetings: in the year, on a working day, one
/// meeting a day per network group.
pub fn meetings(year: i32, meetings: &[Meeting]) -> Vec<Diagnostic> {
    meetings_of(year, meetings, "gruppene")
}

/// [`meetings`], a hint naming the local groups as the house style does
/// (`nettverksgruppene`, `de lokale områdene`).
fn meetings_of(year: i32, meetings: &[Meeting], groups: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut by_group_day: BTreeMap<(String, chrono::NaiveDate), &str> = BTreeMap::new();
    for m in meetings {
        let shown = m.date.format("%d.%m.%Y");
        if m.date.year() != year {
            out.push(
                Diagnostic::error(
                    Some(m.date_loc.clone()),
                    format!("{shown} ligger utenfor planåret {}", year),
                )
                .hint(format!("møtene i planen for {} må ha datoer i {}", year, year)),
            );
        }
        if let Some(h) = dates::holiday(m.date) {
            out.push(
                Diagnostic::warning(Some(m.date_loc.clone()), format!("{shown} er {h}"))
                    .hint("flytt møtet til en vanlig arbeidsdag"),
            );
        } else if dates::is_weekend(m.date) {
            out.push(
                Diagnostic::warning(
                    Some(m.date_loc.clone()),
                    format!("{shown} er en {}", dates::format(m.date, "dddd")),
                )
                .hint("flytt møtet til en vanlig arbeidsdag"),
            );
        }
        if let Some(g) = &m.group {
            if let Some(other) = by_group_day.insert((g.clone(), m.date), &m.id) {
                out.push(
                    Diagnostic::error(
                        Some(m.date_loc.clone()),
                        format!("«{g}» har to møter {shown} («{other}» og «{}»)", m.id),
                    )
                    .hint(format!("{groups} har høyst ett møte per dag; rett datoen på ett av møtene")),
                );
            }
        }
    }
    out
}

/// Every innsatsområde a sub-goal names must exist in the strategy.
pub fn strategy_refs(py: &PlanYear, strategy: &Strategy) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for row in py.outline.iter().filter(|r| !r.focus_ids.is_empty()) {
        if row.level != Level::SubGoal {
            out.push(
                Diagnostic::error(Some(row.focus_loc.clone()), "bare delmål kan vise til innsatsområder")
                    .hint("flytt henvisningen til delmålet aktiviteten hører til"),
            );
            continue;
        }
        for id in &row.focus_ids {
            if strategy.focus(id).is_none() {
                out.push(
                    Diagnostic::error(
                        Some(row.focus_loc.clone()),
                        format!("innsatsområdet «{id}» finnes ikke i {}", strategy.title),
                    )
                    .hint(format!(
                        "skriv område.nummer, for eksempel 2.6; strategien har områdene 1-{} med {} innsatsområder",
                        strategy.areas.len(),
                        strategy.len()
                    )),
                );
            }
        }
    }
    out
}
