//! Stage 2, check: the domain's rules over loaded records. Errors stop a build;
//! warnings are printed and the build goes on.

use std::collections::BTreeMap;

use chrono::Datelike;

use crate::dates;
use crate::diag::Diagnostic;
use crate::model::PlanYear;

/// Every rule over one network's year.
pub fn check(py: &PlanYear) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut by_group_day: BTreeMap<(String, chrono::NaiveDate), &str> = BTreeMap::new();
    for m in &py.meetings {
        let shown = m.date.format("%d.%m.%Y");
        if m.date.year() != py.year {
            out.push(
                Diagnostic::error(
                    Some(m.date_loc.clone()),
                    format!("{shown} ligger utenfor planåret {}", py.year),
                )
                .hint(format!(
                    "møtene i planen for {} må ha datoer i {}",
                    py.year, py.year
                )),
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
                    .hint("en nettverksgruppe møtes høyst én gang samme dag; rett datoen på ett av møtene"),
                );
            }
        }
    }
    out
}
