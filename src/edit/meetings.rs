//! A meeting added to or deleted from a year's meetings table as a whole
//! row ([`super::rows`]): a new meeting goes after the last row (no other
//! row moves), with an ID made from its title that stays as it is when
//! the title changes later (templates name the meeting by it).

use std::collections::BTreeMap;

use super::rows::{self, Op};
use super::{diagnostics, meetings_table, parse_value, Refused, Value};
use crate::diag::{Diagnostic, Error, Location};
use crate::load::table::Table;
use crate::project::Project;

/// The columns a new meeting is given from the form (those the file has).
pub const FIELDS: [&str; 10] =
    ["Dato", "Start", "Slutt", "Type", "Gruppe", "Gjelder", "Tittel", "Tema", "Sted", "Periode"];

/// An ID for a meeting made from its title: small letters a-z (æøå written
/// out), digits and underscores, beginning with a letter, and not one of
/// `taken` (then `_2`, `_3`, … is added).
pub fn make_id(title: &str, taken: &[String]) -> String {
    let slug = crate::model::slug(title).replace('-', "_");
    let mut words: Vec<&str> = slug.split('_').filter(|w| !w.is_empty()).collect();
    // Short enough to write in a template: the first few words.
    words.truncate(4);
    let mut base = words.join("_");
    if !base.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
        base = format!("mote{}{base}", if base.is_empty() { "" } else { "_" });
    }
    let base: String = base.chars().take(40).collect();
    let base = base.trim_end_matches('_').to_string();
    if !taken.contains(&base) {
        return base;
    }
    (2..).map(|n| format!("{base}_{n}")).find(|c| !taken.iter().any(|t| t == c)).unwrap_or(base)
}

/// What adding a meeting did.
#[derive(Debug, Clone)]
pub struct Added {
    pub saved: rows::Saved,
    pub op: Op,
    pub id: String,
    pub row: usize,
    pub warnings: Vec<Diagnostic>,
    /// For the history: `Møtet «Fagdag» (12. november) lagt til`, and the
    /// row's values.
    pub what: String,
    pub values: String,
}

/// A meeting as the history names it: `Møtet «Årlig fagdag» (12. november)`
/// — by its title (else its theme, else its ID) and its day.
pub fn named(headers: &[String], cells: &[String]) -> String {
    let get = |name: &str| {
        headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
            .and_then(|i| cells.get(i))
            .map(|s| s.trim())
            .unwrap_or("")
    };
    let name = ["Tittel", "Tema", "ID"].iter().map(|n| get(n)).find(|s| !s.is_empty()).unwrap_or("uten navn");
    let day = crate::dates::parse(get("Dato"))
        .ok()
        .map(|d| {
            use chrono::Datelike;
            format!(" ({}. {})", d.day(), crate::dates::MONTHS[d.month0() as usize])
        })
        .unwrap_or_default();
    format!("Møtet «{}»{day}", crate::history::cut_to(name, 60))
}

/// A meeting row's values for «Før» and «Etter»: the filled cells in order.
pub fn values(cells: &[String]) -> String {
    cells.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect::<Vec<_>>().join(" · ")
}

fn column(t: &Table, name: &str) -> Option<usize> {
    t.headers.iter().position(|h| h.eq_ignore_ascii_case(name))
}

/// Adds a meeting: `typed` holds the form's values by column name
/// ([`FIELDS`]); the ID is made from the title (or the type). Checked by
/// the loader's rules like a cell edit: an error the new row would bring
/// refuses it, nothing written.
pub fn add(
    project: &Project,
    network: &str,
    year: i32,
    typed: &BTreeMap<String, String>,
    expected_sha256: &str,
) -> Result<Added, Refused> {
    let t = meetings_table(project, network, year)?;
    let opened = rows::open(&t, expected_sha256)?;
    let table = opened.table.clone();
    let Some(id_col) = column(&table, "ID") else {
        return Err(Error::at(Location::file(&t.path), "møtetabellen har ingen kolonne «ID»").into());
    };
    let at_row = table.rows.last().map(|r| r.number + 1).unwrap_or(table.header_row + 1);
    let mut cells: Vec<(usize, Value)> = Vec::new();
    let mut problems = Vec::new();
    for name in FIELDS {
        let typed = typed.get(name).map(|s| s.trim()).unwrap_or("");
        let Some(col) = column(&table, name) else {
            if !typed.is_empty() {
                problems.push(
                    Diagnostic::error(
                        Some(Location::row(&table.display_path(), table.header_row)),
                        format!("møtetabellen har ingen kolonne «{name}»"),
                    )
                    .hint(format!("legg til kolonnen «{name}» i regnearket, eller la feltet stå tomt")),
                );
            }
            continue;
        };
        let at = Location::cell(&table.display_path(), at_row, col, name);
        match parse_value(name, typed, at.clone()) {
            Ok(v) => {
                if let Some(d) = crate::load::text::check(&v.as_read(), || at.clone()) {
                    problems.push(d);
                } else if !v.as_read().is_empty() {
                    cells.push((col, v));
                }
            }
            Err(ds) => problems.extend(ds),
        }
    }
    if !problems.is_empty() {
        return Err(Refused::Invalid(problems));
    }
    let taken: Vec<String> = table.rows.iter().filter_map(|r| r.cells.get(id_col).cloned()).collect();
    let from = ["Tittel", "Tema", "Type"]
        .iter()
        .map(|n| typed.get(*n).map(|s| s.trim()).unwrap_or(""))
        .find(|s| !s.is_empty())
        .unwrap_or("møte");
    let id = make_id(from, &taken);
    cells.push((id_col, Value::Text(id.clone())));
    cells.sort_by_key(|(c, _)| *c);
    let op = Op::Insert { at: at_row, rows: vec![cells] };
    let profile: Option<crate::model::Profile> =
        crate::load::read_toml(&project.data.join(network).join("nettverk.toml")).ok();
    let groups = profile.as_ref().map(|p| p.groups.as_slice());
    let before = diagnostics(&table, groups, year);
    let after = diagnostics(&rows::expected(&table, &op), groups, year);
    let new_errors: Vec<Diagnostic> =
        after.iter().filter(|d| d.is_error() && !before.contains(d)).cloned().collect();
    if !new_errors.is_empty() {
        return Err(Refused::Invalid(new_errors));
    }
    let warnings = after
        .into_iter()
        .filter(|d| !d.is_error() && d.location.as_ref().is_some_and(|l| l.row == Some(at_row)))
        .collect();
    let saved = rows::save(opened, &op)?;
    let row =
        saved.after.rows.iter().find(|r| r.number == at_row).map(|r| r.cells.clone()).unwrap_or_default();
    let what = format!("{} lagt til", named(&saved.after.headers, &row));
    Ok(Added { saved, op, id, row: at_row, warnings, what, values: values(&row) })
}

/// What deleting a meeting did.
#[derive(Debug, Clone)]
pub struct Deleted {
    pub saved: rows::Saved,
    pub op: Op,
    pub id: String,
    /// For the history: `Møtet «Fagdag» (12. november) slettet`, and the
    /// row's values.
    pub what: String,
    pub values: String,
}

/// Deletes the meeting at spreadsheet row `row`.
pub fn delete(
    project: &Project,
    network: &str,
    year: i32,
    row: usize,
    expected_sha256: &str,
) -> Result<Deleted, Refused> {
    let t = meetings_table(project, network, year)?;
    let opened = rows::open(&t, expected_sha256)?;
    let Some(r) = opened.table.rows.iter().find(|r| r.number == row) else {
        return Err(Error::msg(format!("rad {row} finnes ikke i møtetabellen"))
            .with_hint("last siden på nytt")
            .into());
    };
    let id = column(&opened.table, "ID").and_then(|i| r.cells.get(i).cloned()).unwrap_or_default();
    let what = format!("{} slettet", named(&opened.table.headers, &r.cells));
    let values = values(&r.cells);
    let op = Op::Delete { row, count: 1 };
    let saved = rows::save(opened, &op)?;
    Ok(Deleted { saved, op, id, what, values })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_titles() {
        let none: Vec<String> = Vec::new();
        assert_eq!(make_id("Fagdag på Sola", &none), "fagdag_pa_sola");
        assert_eq!(make_id("Årlig fagdag", &["arlig_fagdag".into()]), "arlig_fagdag_2");
        assert_eq!(make_id("2. nettverksmøte", &none), "mote_2_nettverksmote");
        assert_eq!(make_id("", &none), "mote");
        assert_eq!(make_id("Møte om dyspnoe og rus i Bergen sentrum", &none), "mote_om_dyspnoe_og");
    }

    #[test]
    fn a_meeting_added_or_deleted_is_told_by_its_title_and_day() {
        let d = tempfile::tempdir().unwrap();
        let p = Project {
            data: d.path().join("data"),
            templates: d.path().join("m"),
            output: d.path().join("o"),
        };
        let year = p.data.join("n/2026");
        std::fs::create_dir_all(&year).unwrap();
        let f = year.join("moter.csv");
        let csv = "ID;Dato;Type;Tittel;Tema;Sted\nvar;12.03.2026;nettverksmøte;Nettverksmøte vår;;Sola\nx;01.02.2026;møte;;Rus og palliasjon;\n";
        std::fs::write(&f, csv).unwrap();
        let sha = |f: &std::path::Path| crate::manifest::sha256(&std::fs::read(f).unwrap());
        let typed: BTreeMap<String, String> =
            [("Dato", "10.09.2026"), ("Type", "møte"), ("Tittel", "Fagdag om smerte"), ("Sted", "Bryne")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        let a = add(&p, "n", 2026, &typed, &sha(&f)).unwrap();
        assert_eq!(a.what, "Møtet «Fagdag om smerte» (10. september) lagt til");
        assert_eq!(a.values, "fagdag_om_smerte · 10.09.2026 · møte · Fagdag om smerte · Bryne");
        let del = delete(&p, "n", 2026, 2, &sha(&f)).unwrap();
        assert_eq!(del.what, "Møtet «Nettverksmøte vår» (12. mars) slettet");
        assert_eq!(del.values, "var · 12.03.2026 · nettverksmøte · Nettverksmøte vår · Sola");
        // No title: the theme; no date either: the name alone.
        let h: Vec<String> = ["ID", "Dato", "Tittel", "Tema"].map(String::from).to_vec();
        let row = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(named(&h, &row(&["x", "01.02.2026", "", "Rus"])), "Møtet «Rus» (1. februar)");
        assert_eq!(named(&h, &row(&["x", "", "", ""])), "Møtet «x»");
    }
}
