//! The plan's outline edited as a tree: areas, goals, sub-goals and
//! activities added, changed, moved (up and down among their siblings, or
//! to another area or goal) and deleted, each a change of whole rows of
//! plan.csv / plan.xlsx ([`super::rows`]): only the rows concerned change.
//!
//! An item owns the rows after it that lie deeper (an area its goals and
//! sub-goals, a sub-goal its activities): moving or deleting it takes them
//! along.

use std::collections::BTreeMap;

use super::rows::{self, Op};
use super::{Refused, Value};
use crate::diag::{Diagnostic, Error, Location};
use crate::load::table::{self, Table};
use crate::model::{AppliesTo, Level, Status};
use crate::project::Project;

/// The plan's columns an item's form fills (those the file has).
pub const FIELDS: [&str; 8] =
    ["Nivå", "Tekst", "Gjelder", "Innsatsområder", "Ansvar", "Frist", "Status", "Kommentar"];

/// How deep a level lies: an item owns the deeper rows after it.
pub fn rank(level: Option<Level>) -> usize {
    match level {
        Some(Level::Area) => 0,
        Some(Level::Goal) => 1,
        Some(Level::SubGoal) | Some(Level::FocusArea) => 2,
        Some(Level::Activity) | Some(Level::Text) | Some(Level::Block) => 3,
        Some(Level::SubItem) => 4,
        None => 5,
    }
}

/// One row of the outline as the file has it.
#[derive(Debug, Clone)]
pub struct Item {
    pub row: usize,
    pub level: Option<Level>,
    pub cells: Vec<String>,
}

impl Item {
    pub fn rank(&self) -> usize {
        rank(self.level)
    }
}

/// The plan's table of a year.
pub fn plan_table(project: &Project, network: &str, year: i32) -> crate::diag::Result<Table> {
    table::require(&project.data.join(network).join(year.to_string()), "plan", "Plan")
}

fn column(t: &Table, name: &str) -> Option<usize> {
    t.headers.iter().position(|h| h.eq_ignore_ascii_case(name))
}

/// The rows of the outline, in order.
pub fn items(t: &Table) -> Vec<Item> {
    let level = column(t, "Nivå");
    t.rows
        .iter()
        .map(|r| Item {
            row: r.number,
            level: level.and_then(|c| r.cells.get(c)).and_then(|l| Level::parse(l)),
            cells: r.cells.clone(),
        })
        .collect()
}

/// How many rows the item at index `i` owns, itself included.
pub fn block(items: &[Item], i: usize) -> usize {
    let r = items[i].rank();
    1 + items[i + 1..].iter().take_while(|x| x.rank() > r).count()
}

/// Whether the rows `from..from + n` are numbered one after another.
fn contiguous(items: &[Item], i: usize, n: usize) -> bool {
    items[i..i + n].windows(2).all(|w| w[1].row == w[0].row + 1)
}

/// A change asked for from the page.
#[derive(Debug, Clone)]
pub enum Action {
    /// A new item after the item at `after` and what it owns (None: at the end).
    Add {
        after: Option<usize>,
        fields: BTreeMap<String, String>,
    },
    Edit {
        row: usize,
        fields: BTreeMap<String, String>,
    },
    Up {
        row: usize,
    },
    Down {
        row: usize,
    },
    /// To the end of what the item at `parent` owns.
    MoveTo {
        row: usize,
        parent: usize,
    },
    /// The item and what it owns.
    Delete {
        row: usize,
    },
}

/// What an outline change did, for the history and the page.
#[derive(Debug, Clone)]
pub struct Done {
    pub saved: rows::Saved,
    pub op: Op,
    pub what: String,
    pub old: String,
    pub new: String,
    /// The row the item is at now (None when deleted).
    pub row: Option<usize>,
}

/// The cells a form gives, checked: the level must be one of the plan's,
/// the text not empty, Gjelder and Status their words.
fn cells_of(t: &Table, fields: &BTreeMap<String, String>, at: usize) -> Result<Vec<(usize, Value)>, Refused> {
    let mut cells = Vec::new();
    let mut problems = Vec::new();
    let shown = t.display_path();
    for name in FIELDS {
        let Some(typed) = fields.get(name) else { continue };
        let typed = typed.trim();
        let Some(col) = column(t, name) else {
            if !typed.is_empty() {
                problems.push(
                    Diagnostic::error(
                        Some(Location::row(&shown, t.header_row)),
                        format!("plantabellen har ingen kolonne «{name}»"),
                    )
                    .hint(format!("legg til kolonnen «{name}» i regnearket, eller la feltet stå tomt")),
                );
            }
            continue;
        };
        let loc = Location::cell(&shown, at, col, name);
        let bad = |m: String, h: String| Diagnostic::error(Some(loc.clone()), m).hint(h);
        if typed.contains(['\n', '\r']) {
            problems.push(bad("teksten må stå på én linje".into(), "skriv teksten uten linjeskift".into()));
            continue;
        }
        match name {
            "Nivå" if Level::parse(typed).is_none() => problems.push(bad(
                format!("«{typed}» er ikke et nivå"),
                format!("velg et av {}", <Level as crate::model::Named>::words()),
            )),
            "Tekst" if typed.is_empty() => {
                problems.push(bad("teksten mangler".into(), "skriv hva punktet i planen skal si".into()))
            }
            "Gjelder" if !typed.is_empty() && AppliesTo::parse(typed).is_none() => problems.push(bad(
                format!("«{typed}» er ikke en verdi for Gjelder"),
                format!(
                    "velg et av {}, eller la feltet stå tomt",
                    <AppliesTo as crate::model::Named>::words()
                ),
            )),
            "Status" if !typed.is_empty() && Status::parse(typed).is_none() => problems.push(bad(
                format!("«{typed}» er ikke en status"),
                format!("velg et av {}", <Status as crate::model::Named>::words()),
            )),
            _ => {}
        }
        if let Some(d) = crate::load::text::check(typed, || loc.clone()) {
            problems.push(d);
        }
        cells.push((col, Value::Text(typed.to_string())));
    }
    if problems.is_empty() {
        Ok(cells)
    } else {
        Err(Refused::Invalid(problems))
    }
}

/// The item's text for messages, cut short.
fn text_of(t: &Table, item: &Item) -> String {
    let text = column(t, "Tekst").and_then(|c| item.cells.get(c)).cloned().unwrap_or_default();
    crate::history::cut(&text)
}

fn level_word(item: &Item) -> String {
    let w = item.level.map(|l| l.as_str()).unwrap_or("rad");
    let mut c = w.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// Makes a change to the outline in the file whose sha256 the page read.
pub fn apply(
    project: &Project,
    network: &str,
    year: i32,
    action: &Action,
    expected_sha256: &str,
) -> Result<Done, Refused> {
    let t = plan_table(project, network, year)?;
    let opened = rows::open(&t, expected_sha256)?;
    let table = opened.table.clone();
    let all = items(&table);
    let index = |row: usize| -> Result<usize, Refused> {
        all.iter().position(|x| x.row == row).ok_or_else(|| {
            Refused::Failed(
                Error::msg(format!("rad {row} finnes ikke i planen")).with_hint("last siden på nytt"),
            )
        })
    };
    let end = all.last().map(|x| x.row + 1).unwrap_or(table.header_row + 1);
    let whole = |i: usize| -> Result<usize, Refused> {
        let n = block(&all, i);
        if contiguous(&all, i, n) {
            Ok(n)
        } else {
            Err(Refused::Failed(
                Error::msg("punktet har tomme rader mellom seg og underpunktene sine")
                    .with_hint("slett de tomme radene i regnearket først"),
            ))
        }
    };
    let (op, what, old, new, row) = match action {
        Action::Add { after, fields } => {
            let level = fields.get("Nivå").and_then(|l| Level::parse(l));
            let at = match after {
                // After all the item owns; but a deeper level that rows
                // right under the item would belong under (a sub-goal after
                // a goal followed by activities) goes right under the item
                // and takes them as its own.
                Some(r) => {
                    let i = index(*r)?;
                    let new = rank(level);
                    let orphans = all.get(i + 1).is_some_and(|x| x.row == all[i].row + 1 && x.rank() > new);
                    if new > all[i].rank() && new < rank(None) && orphans {
                        all[i].row + 1
                    } else {
                        all[i].row + whole(i)?
                    }
                }
                None => end,
            };
            let cells = cells_of(&table, fields, at)?;
            let item = Item { row: at, level, cells: vec![] };
            let text = fields.get("Tekst").map(|s| crate::history::cut(s.trim())).unwrap_or_default();
            let what = format!("{} lagt til i planen (rad {at})", level_word(&item));
            (Op::Insert { at, rows: vec![cells] }, what, String::new(), text, Some(at))
        }
        Action::Edit { row, fields } => {
            let i = index(*row)?;
            let cells = cells_of(&table, fields, *row)?;
            let changed: Vec<(usize, Value)> = cells
                .into_iter()
                .filter(|(c, v)| all[i].cells.get(*c).map(|s| s.trim()).unwrap_or("") != v.as_read())
                .collect();
            if changed.is_empty() {
                return Err(Refused::Failed(
                    Error::msg("ingenting er endret").with_hint("endre et felt først"),
                ));
            }
            let names: Vec<String> = changed.iter().map(|(c, _)| table.headers[*c].clone()).collect();
            let old: Vec<String> =
                changed.iter().map(|(c, _)| all[i].cells.get(*c).cloned().unwrap_or_default()).collect();
            let new: Vec<String> = changed.iter().map(|(_, v)| v.as_read()).collect();
            let what =
                format!("{} «{}»: {}", level_word(&all[i]), text_of(&table, &all[i]), names.join(", "));
            (Op::Set { row: *row, cells: changed }, what, old.join(" | "), new.join(" | "), Some(*row))
        }
        Action::Up { row } => {
            let i = index(*row)?;
            let n = whole(i)?;
            let r = all[i].rank();
            let prev = all[..i].iter().rposition(|x| x.rank() <= r).filter(|p| all[*p].rank() == r);
            let Some(p) = prev else {
                return Err(Refused::Failed(
                    Error::msg("punktet står alt øverst under sitt overpunkt")
                        .with_hint("velg «Flytt til» for å flytte det til et annet område eller mål"),
                ));
            };
            let what = format!("{} «{}» flyttet opp", level_word(&all[i]), text_of(&table, &all[i]));
            let to = all[p].row;
            let other = text_of(&table, &all[p]);
            (
                Op::Move { from: *row, count: n, to },
                what,
                format!("etter «{other}»"),
                format!("foran «{other}»"),
                Some(to),
            )
        }
        Action::Down { row } => {
            let i = index(*row)?;
            let n = whole(i)?;
            let j = i + n;
            if j >= all.len() || all[j].rank() != all[i].rank() {
                return Err(Refused::Failed(
                    Error::msg("punktet står alt nederst under sitt overpunkt")
                        .with_hint("velg «Flytt til» for å flytte det til et annet område eller mål"),
                ));
            }
            let m = whole(j)?;
            let what = format!("{} «{}» flyttet ned", level_word(&all[i]), text_of(&table, &all[i]));
            let new_row = row + m;
            let other = text_of(&table, &all[j]);
            (
                Op::Move { from: all[j].row, count: m, to: *row },
                what,
                format!("foran «{other}»"),
                format!("etter «{other}»"),
                Some(new_row),
            )
        }
        Action::MoveTo { row, parent } => {
            let i = index(*row)?;
            let p = index(*parent)?;
            let n = whole(i)?;
            if all[p].rank() >= all[i].rank() {
                return Err(Refused::Failed(
                    Error::msg("et punkt kan bare flyttes inn under et punkt på et høyere nivå")
                        .with_hint("velg et område eller et mål"),
                ));
            }
            if (i..i + n).contains(&p) {
                return Err(Refused::Failed(Error::msg("et punkt kan ikke flyttes inn under seg selv")));
            }
            let current = all[..i].iter().rposition(|x| x.rank() < all[i].rank());
            if current == Some(p) {
                return Err(Refused::Failed(
                    Error::msg(format!(
                        "ingenting er flyttet: punktet står alt under {} «{}»",
                        level_word(&all[p]).to_lowercase(),
                        text_of(&table, &all[p])
                    ))
                    .with_hint("velg et annet sted i listen «Flytt til» først"),
                ));
            }
            let parent_end = all[p].row + whole(p)?;
            let to = if *row < parent_end { parent_end - n } else { parent_end };
            let what = format!(
                "{} «{}» flyttet til {} «{}»",
                level_word(&all[i]),
                text_of(&table, &all[i]),
                level_word(&all[p]).to_lowercase(),
                text_of(&table, &all[p])
            );
            let under = |x: &Item| format!("under {} «{}»", level_word(x).to_lowercase(), text_of(&table, x));
            let old = current.map(|c| under(&all[c])).unwrap_or_else(|| "øverst i planen".into());
            (Op::Move { from: *row, count: n, to }, what, old, under(&all[p]), Some(to))
        }
        Action::Delete { row } => {
            let i = index(*row)?;
            let n = whole(i)?;
            let under = if n > 1 { format!(" med {} underpunkt", n - 1) } else { String::new() };
            let what = format!("{}{under} slettet fra planen", level_word(&all[i]));
            (Op::Delete { row: *row, count: n }, what, text_of(&table, &all[i]), String::new(), None)
        }
    };
    let saved = rows::save(opened, &op)?;
    Ok(Done { saved, op, what, old, new, row })
}
