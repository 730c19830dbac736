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
    crate::history::cut(text.trim())
}

fn level_word(item: &Item) -> String {
    let w = item.level.map(|l| l.as_str()).unwrap_or("rad");
    let mut c = w.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// A level in its definite form, as a sentence begins with it: «Aktiviteten».
fn definite(level: Option<Level>) -> &'static str {
    match level {
        Some(Level::Area) => "Området",
        Some(Level::Goal) => "Målet",
        Some(Level::SubGoal) => "Delmålet",
        Some(Level::Activity) => "Aktiviteten",
        Some(Level::SubItem) => "Underpunktet",
        Some(Level::Text) => "Teksten",
        Some(Level::Block) => "Blokken",
        Some(Level::FocusArea) => "Innsatsområdet",
        None => "Raden",
    }
}

/// Each item's number as the history says it: `område 2`, and within an
/// area each level counted from 1 (`mål 1.1`, `delmål 1.2`, as the
/// documents number sub-goals within their area); activities and the
/// rest by their level's word alone.
pub fn numbers(items: &[Item]) -> Vec<String> {
    let mut area = 0;
    let mut counts: Vec<(Option<Level>, usize)> = Vec::new();
    items
        .iter()
        .map(|it| {
            let word = it.level.map(|l| l.as_str()).unwrap_or("rad");
            match it.level {
                Some(Level::Area) => {
                    area += 1;
                    counts.clear();
                    format!("{word} {area}")
                }
                Some(Level::Goal | Level::SubGoal | Level::FocusArea) => {
                    let n = match counts.iter_mut().find(|(l, _)| *l == it.level) {
                        Some((_, n)) => {
                            *n += 1;
                            *n
                        }
                        None => {
                            counts.push((it.level, 1));
                            1
                        }
                    };
                    if area == 0 {
                        format!("{word} {n}")
                    } else {
                        format!("{word} {area}.{n}")
                    }
                }
                _ => word.to_string(),
            }
        })
        .collect()
}

/// The index of the item the one at `i` stands under.
fn parent_index(items: &[Item], i: usize) -> Option<usize> {
    items[..i].iter().rposition(|x| x.rank() < items[i].rank())
}

/// The words a history entry names an outline item with.
struct Names<'a> {
    table: &'a Table,
    items: Vec<Item>,
    numbers: Vec<String>,
}

impl<'a> Names<'a> {
    fn new(table: &'a Table) -> Self {
        let items = items(table);
        let numbers = numbers(&items);
        Names { table, items, numbers }
    }

    /// `delmål 1.2 «Det gode pasientforløp»` (its text cut shorter).
    fn place(&self, i: usize) -> String {
        let text =
            column(self.table, "Tekst").and_then(|c| self.items[i].cells.get(c)).cloned().unwrap_or_default();
        format!("{} «{}»", self.numbers[i], crate::history::cut_to(text.trim(), 50))
    }

    /// `Aktiviteten «Fagdag om smerte»`.
    fn item(&self, i: usize) -> String {
        format!("{} «{}»", definite(self.items[i].level), text_of(self.table, &self.items[i]))
    }

    /// Where the item stands: `under delmål 1.2 «…»`; an area by its number.
    fn under(&self, i: usize) -> String {
        match parent_index(&self.items, i) {
            Some(p) => format!("under {}", self.place(p)),
            None if self.items[i].level == Some(Level::Area) => format!("som {}", self.numbers[i]),
            None => "øverst i planen".into(),
        }
    }

    /// The item and where it stands: `Aktiviteten «…» under delmål 1.2 «…»`
    /// (an area by its text alone).
    fn said(&self, i: usize) -> String {
        match parent_index(&self.items, i) {
            Some(_) => format!("{} {}", self.item(i), self.under(i)),
            None => self.item(i),
        }
    }

    fn index(&self, row: usize) -> Option<usize> {
        self.items.iter().position(|x| x.row == row)
    }

    /// An item's values for «Før» and «Etter»: its text, then the other
    /// fields it has (`Gjelder: felles`).
    fn values(&self, i: usize) -> String {
        values(self.table, &self.items[i].cells)
    }
}

/// A row's values for «Før» and «Etter»: its text, then the other fields
/// it has, by name.
fn values(t: &Table, cells: &[String]) -> String {
    let get = |name: &str| column(t, name).and_then(|c| cells.get(c)).map(|s| s.trim()).unwrap_or("");
    let mut out = get("Tekst").to_string();
    for name in FIELDS.iter().filter(|n| !matches!(**n, "Nivå" | "Tekst")) {
        let v = get(name);
        if !v.is_empty() {
            out.push_str(&format!("; {name}: {v}"));
        }
    }
    out
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
            let text = fields.get("Tekst").map(|s| crate::history::cut(s.trim())).unwrap_or_default();
            let op = Op::Insert { at, rows: vec![cells] };
            let after = rows::expected(&table, &op);
            let names = Names::new(&after);
            let (what, new) = match names.index(at) {
                Some(i) => (format!("{} lagt til {}", names.item(i), names.under(i)), names.values(i)),
                None => {
                    let item = Item { row: at, level, cells: vec![] };
                    (format!("{} «{text}» lagt til i planen", level_word(&item)), text)
                }
            };
            (op, what, String::new(), new, Some(at))
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
            let shown =
                |v: &str| if v.trim().is_empty() { "(tom)".to_string() } else { v.trim().to_string() };
            // One field: its value; more: each by name.
            let said = |values: Vec<String>| -> String {
                if values.len() == 1 {
                    values[0].clone()
                } else {
                    names.iter().zip(values).map(|(n, v)| format!("{n}: {v}")).collect::<Vec<_>>().join("; ")
                }
            };
            let old =
                said(changed.iter().map(|(c, _)| shown(all[i].cells.get(*c).map_or("", |s| s))).collect());
            let new = said(changed.iter().map(|(_, v)| shown(&v.as_read())).collect());
            let what = format!("{} endret: {}", Names::new(&table).said(i), crate::diag::and_list(&names));
            (Op::Set { row: *row, cells: changed }, what, old, new, Some(*row))
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
            let what = format!("{} flyttet opp", Names::new(&table).said(i));
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
            let what = format!("{} flyttet ned", Names::new(&table).said(i));
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
            let names = Names::new(&table);
            let from = current.map(|c| names.place(c)).unwrap_or_else(|| "toppen av planen".into());
            let what = format!("{} flyttet fra {from} til {}", names.item(i), names.place(p));
            let old = current
                .map(|c| format!("under {}", names.place(c)))
                .unwrap_or_else(|| "øverst i planen".into());
            (Op::Move { from: *row, count: n, to }, what, old, format!("under {}", names.place(p)), Some(to))
        }
        Action::Delete { row } => {
            let i = index(*row)?;
            let n = whole(i)?;
            let under = if n > 1 {
                format!(" med {}", crate::diag::count(n - 1, "underpunkt", "underpunkter"))
            } else {
                String::new()
            };
            let names = Names::new(&table);
            let what = format!("{} slettet{under}", names.said(i));
            (Op::Delete { row: *row, count: n }, what, names.values(i), String::new(), None)
        }
    };
    let saved = rows::save(opened, &op)?;
    Ok(Done { saved, op, what, old, new, row })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = "Nivå;Tekst;Gjelder;Innsatsområder\n\
        område;Pasientarbeid;;\n\
        mål;Høy kvalitet;;\n\
        delmål;Etikk og jus;felles;2.6\n\
        aktivitet;Fagdag om etikk;;\n\
        delmål;Dyspné;;\n\
        mål;Godt samarbeid;;\n\
        område;Kompetanse;;\n\
        mål;Sterke ressurspersoner;;\n";

    /// Applies `action` to a fresh plan and returns what the history is told.
    fn told(action: Action) -> (String, String, String) {
        let d = tempfile::tempdir().unwrap();
        let p = Project {
            data: d.path().join("data"),
            templates: d.path().join("maler"),
            output: d.path().join("o"),
        };
        let year = p.data.join("n/2026");
        std::fs::create_dir_all(&year).unwrap();
        let f = year.join("plan.csv");
        std::fs::write(&f, PLAN).unwrap();
        let sha = crate::manifest::sha256(PLAN.as_bytes());
        let done = apply(&p, "n", 2026, &action, &sha).unwrap_or_else(|e| panic!("{e:?}"));
        (done.what, done.old, done.new)
    }

    fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn each_change_is_told_by_its_kind_its_text_and_where() {
        // Added: under the sub-goal it went to, numbered as the documents number it.
        let (what, old, new) = told(Action::Add {
            after: Some(6),
            fields: fields(&[("Nivå", "aktivitet"), ("Tekst", "Fagdag om smerte"), ("Gjelder", "felles")]),
        });
        assert_eq!(what, "Aktiviteten «Fagdag om smerte» lagt til under delmål 1.2 «Dyspné»");
        assert_eq!((old.as_str(), new.as_str()), ("", "Fagdag om smerte; Gjelder: felles"));
        // An area added at the end: by its number.
        let (what, ..) = told(Action::Add {
            after: None,
            fields: fields(&[("Nivå", "område"), ("Tekst", "Samhandling")]),
        });
        assert_eq!(what, "Området «Samhandling» lagt til som område 3");
        // Edited: which fields, the values before and after.
        let (what, old, new) = told(Action::Edit {
            row: 4,
            fields: fields(&[("Nivå", "delmål"), ("Tekst", "Etikk"), ("Gjelder", "")]),
        });
        assert_eq!(what, "Delmålet «Etikk og jus» under mål 1.1 «Høy kvalitet» endret: Tekst og Gjelder");
        assert_eq!(
            (old.as_str(), new.as_str()),
            ("Tekst: Etikk og jus; Gjelder: felles", "Tekst: Etikk; Gjelder: (tom)")
        );
        let (what, old, new) = told(Action::Edit { row: 5, fields: fields(&[("Tekst", "Fagdag om jus")]) });
        assert_eq!(what, "Aktiviteten «Fagdag om etikk» under delmål 1.1 «Etikk og jus» endret: Tekst");
        assert_eq!((old.as_str(), new.as_str()), ("Fagdag om etikk", "Fagdag om jus"));
        // Up and down among its siblings.
        let (what, old, new) = told(Action::Up { row: 6 });
        assert_eq!(what, "Delmålet «Dyspné» under mål 1.1 «Høy kvalitet» flyttet opp");
        assert_eq!((old.as_str(), new.as_str()), ("etter «Etikk og jus»", "foran «Etikk og jus»"));
        let (what, ..) = told(Action::Down { row: 2 });
        assert_eq!(what, "Området «Pasientarbeid» flyttet ned");
        // Moved to another goal: from where to where.
        let (what, old, new) = told(Action::MoveTo { row: 6, parent: 9 });
        assert_eq!(
            what,
            "Delmålet «Dyspné» flyttet fra mål 1.1 «Høy kvalitet» til mål 2.1 «Sterke ressurspersoner»"
        );
        assert_eq!(
            (old.as_str(), new.as_str()),
            ("under mål 1.1 «Høy kvalitet»", "under mål 2.1 «Sterke ressurspersoner»")
        );
        // Deleted: what it was and what went with it.
        let (what, old, new) = told(Action::Delete { row: 4 });
        assert_eq!(what, "Delmålet «Etikk og jus» under mål 1.1 «Høy kvalitet» slettet med 1 underpunkt");
        assert_eq!((old.as_str(), new.as_str()), ("Etikk og jus; Gjelder: felles; Innsatsområder: 2.6", ""));
        let (what, ..) = told(Action::Delete { row: 5 });
        assert_eq!(what, "Aktiviteten «Fagdag om etikk» under delmål 1.1 «Etikk og jus» slettet");
    }

    #[test]
    fn a_long_text_is_cut_and_the_place_cut_shorter() {
        let long = "Styrke kompetansen i etiske og juridiske aspekter relatert til debatten om dødshjelp i kommunene";
        let t = table::parse_csv(
            std::path::Path::new("plan.csv"),
            &format!("Nivå;Tekst\nområde;A\ndelmål;{long}\naktivitet;{long}\n"),
        )
        .unwrap();
        let names = Names::new(&t);
        let said = names.said(2);
        assert!(said.starts_with("Aktiviteten «Styrke"), "{said}");
        // The item's text to 80 characters, the place's to 50.
        let (item, place) = said.split_once(" under delmål 1.1 ").unwrap();
        assert!(
            item.ends_with(" …»") && item.chars().count() <= "Aktiviteten «»".chars().count() + 80,
            "{item}"
        );
        assert!(place.ends_with(" …»") && place.chars().count() <= 52, "{place}");
    }
}
