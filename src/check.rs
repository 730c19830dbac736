//! Stage 2, check: the domain's rules over loaded records. Errors stop a build;
//! warnings are printed and the build goes on.

use std::collections::BTreeMap;

use chrono::Datelike;

use crate::dates;
use crate::diag::{Diagnostic, Location};
use crate::model::{Level, Meeting, PlanYear, Strategy};

/// Every rule over one network's year.
pub fn check(py: &PlanYear, words: &crate::vocabulary::Words) -> Vec<Diagnostic> {
    let mut out = meetings_of(py.year, &py.meetings, &words.gruppene);
    out.extend(unfilled(py));
    out
}

/// The table file of a year (`plan.xlsx` or `plan.csv`), for messages.
fn table_file(py: &PlanYear, stem: &str) -> std::path::PathBuf {
    let xlsx = py.year_dir.join(format!("{stem}.xlsx"));
    if xlsx.is_file() {
        xlsx
    } else {
        py.year_dir.join(format!("{stem}.csv"))
    }
}

/// Rows as a leader reads them: `rad 2`, `radene 2-7`, `radene 2, 5 og 9`.
fn rows_text(rows: &[usize]) -> String {
    match rows {
        [] => String::new(),
        [one] => format!("rad {one}"),
        _ if rows.windows(2).all(|w| w[1] == w[0] + 1) => {
            format!("radene {}-{}", rows[0], rows[rows.len() - 1])
        }
        _ => format!(
            "radene {}",
            crate::diag::and_list(&rows.iter().map(|r| r.to_string()).collect::<Vec<_>>())
        ),
    }
}

/// What is not filled in yet, said as warnings that say what to fill in: an
/// empty plan or meetings table, the worked examples a new year starts with
/// still in place, an introduction heading with no text under it.
pub fn unfilled(py: &PlanYear) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let how = format!("se arket «Slik fyller du ut» i arbeidsboken, eller {}", crate::guide::GUIDE);
    // A plan of the year has meetings; other documents (a strategy, an
    // action plan for several years) may have none.
    let plan_of_the_year = py.meta.kind == "arsplan";
    if py.outline.is_empty() {
        out.push(
            Diagnostic::warning(
                Some(Location::file(&table_file(py, "plan"))),
                "planen er tom, så dokumentet får bare forsiden og signaturen",
            )
            .hint(format!(
                "skriv planen én linje per rad: Nivå (område, mål, delmål, aktivitet …) og Tekst; {how}"
            )),
        );
    }
    let examples: Vec<&crate::model::PlanRow> =
        py.outline.iter().filter(|r| crate::guide::is_example_plan_row(r.level.as_str(), &r.text)).collect();
    // One row like the example's («område: Kompetanse») is as likely her own; two are the example.
    if let (Some(first), true) = (examples.first(), examples.len() >= 2) {
        let rows: Vec<usize> = examples.iter().filter_map(|r| r.loc.row).collect();
        out.push(
            Diagnostic::warning(
                Some(Location::file(&first.loc.file)),
                format!("{} er fortsatt eksemplet arsplan la inn, og kommer med i planen", rows_text(&rows)),
            )
            .hint("skriv over eksempelradene med nettverkets egen plan, eller slett dem"),
        );
    }
    if py.meetings.is_empty() && plan_of_the_year {
        out.push(
            Diagnostic::warning(
                Some(Location::file(&table_file(py, "moter"))),
                "møtetabellen er tom, så planen har ingen møtedatoer",
            )
            .hint(format!("skriv årets møter, én rad per møte: ID, Dato, Type, Tittel …; {how}")),
        );
    }
    let examples: Vec<&Meeting> =
        py.meetings.iter().filter(|m| crate::guide::is_example_meeting(&m.id, &m.title, &m.topic)).collect();
    if let Some(first) = examples.first() {
        let mut rows: Vec<usize> = examples.iter().filter_map(|m| m.date_loc.row).collect();
        rows.sort();
        let ids: Vec<&str> = examples.iter().map(|m| m.id.as_str()).collect();
        out.push(
            Diagnostic::warning(
                Some(Location::file(&first.date_loc.file)),
                format!(
                    "{} ({}) er fortsatt eksempelmøtene arsplan la inn, og kommer med i planen",
                    rows_text(&rows),
                    ids.join(", ")
                ),
            )
            .hint("skriv over eksemplene med nettverkets egne møter (behold gjerne ID-en fagdag for fagdagen), eller slett dem"),
        );
    }
    if py.meta.kind == "arsplan" && py.meta.intro.iter().all(|p| p.trim().is_empty()) {
        let path = py.year_dir.join("plan.toml");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        out.push(
            Diagnostic::warning(
                Some(Location { file: path, row: crate::load::key_row(&text, "innledning"), col: None }),
                format!("innledningen er tom, så overskriften «Plan for arbeidet i {}» står uten tekst", py.year),
            )
            .hint("skriv avsnittene i innledning på nettsiden (årets innstillinger), eller i plan.toml: innledning = [\"Første avsnitt.\", \"Andre avsnitt.\"]"),
        );
    }
    out
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
