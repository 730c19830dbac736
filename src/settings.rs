//! A network's settings (`nettverk.toml`) and a year's (`plan.toml`) for
//! people who never edit TOML: each field described once (key, label, help,
//! kind) so the questions of `arsplan ny nettverk` and the forms of the web
//! page come from the same list and grow with it; values read, checked, and
//! written back surgically (toml_edit), so every comment, every other key
//! and the layout of the file stay as the leader left them.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use toml_edit::{Array, DocumentMut, Item, Value};

use crate::diag::{io_text, Diagnostic, Error, Location, Result};
use crate::model::{PlanMeta, Profile};

/// What a field holds, and so how it is asked for and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// One line of text.
    Line,
    /// A paragraph (one text, maybe long).
    Paragraph,
    /// A list of lines (one per line in a form).
    Lines,
    /// A house style by name.
    Style,
    /// A mail sender: `Navn <adresse>` or an address.
    Sender,
    /// A date (`dd.mm.åååå` in forms, a TOML date in the file).
    Date,
}

/// One field of a settings file.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// The key in the TOML file.
    pub key: &'static str,
    /// The label a form shows.
    pub label: &'static str,
    /// What to write, in a sentence.
    pub help: &'static str,
    pub kind: Kind,
    /// Must have a value (an empty optional field is left out of the file).
    pub required: bool,
}

const fn field(
    key: &'static str,
    label: &'static str,
    help: &'static str,
    kind: Kind,
    required: bool,
) -> Field {
    Field { key, label, help, kind, required }
}

/// The fields of `nettverk.toml`, in the order a form shows them.
pub const NETWORK_FIELDS: &[Field] = &[
    field(
        "navn",
        "Nettverkets fulle navn",
        "Slik det står i dokumentene, for eksempel «Nettverk i kreftomsorg og lindrende behandling i Helse Fonna».",
        Kind::Line,
        true,
    ),
    field(
        "helseforetak",
        "Helseforetak",
        "For eksempel «Helse Fonna». Står øverst på sidene når nettverket ikke har egen logo (logo.svg eller logo.png i nettverkets mappe).",
        Kind::Line,
        true,
    ),
    field("stil", "Husstil", "Utseendet dokumentene lages i: helseforetakets farger, skrift og oppsett.", Kind::Style, true),
    field(
        "grupper",
        "Lokale nettverksgrupper",
        "Én gruppe per linje, i den rekkefølgen dokumentene skal vise dem. De blir nedtrekkslisten i kolonnen Gruppe i møtetabellen.",
        Kind::Lines,
        false,
    ),
    field(
        "nettverk",
        "Nettverkene planen gjelder",
        "Én per linje, for eksempel «sykepleiernettverket» og «fysio- og ergoterapinettverket».",
        Kind::Lines,
        false,
    ),
    field(
        "avsender",
        "Avsender ved utsending",
        "Adressen e-postene til kommunene sendes fra, for eksempel «Driftsgruppen <nettverk@helse-fonna.no>». Kan stå tom til du skal sende.",
        Kind::Sender,
        false,
    ),
    field("forside", "Linjene øverst på forsiden", "Slik de skal stå, én per linje.", Kind::Lines, false),
    field("motto", "Motto", "Står under forsidelinjene, én linje per linje i skjemaet.", Kind::Lines, false),
    field("bygger_pa", "Planen bygger på", "Dokumentene planen bygger på, ett per linje.", Kind::Lines, false),
    field("malsetting", "Målsetting for nettverket", "Et avsnitt.", Kind::Paragraph, false),
    field("kjennetegn", "Nettverket skal kjennetegnes av", "Et avsnitt.", Kind::Paragraph, false),
];

/// The fields of a year's `plan.toml` a form shows (others, such as
/// `dokument` and `periode`, stay as written).
pub const YEAR_FIELDS: &[Field] = &[
    field(
        "tittel",
        "Tittel",
        "{{ år }} i teksten blir planåret, for eksempel «ÅRSPLAN {{ år }}».",
        Kind::Line,
        true,
    ),
    field("dato", "Dokumentets dato", "Datoen planen er vedtatt eller sendt, dd.mm.åååå.", Kind::Date, true),
    field(
        "innledning",
        "Innledning",
        "Årsplanens innledning: avsnittene under «Plan for arbeidet i …», ett avsnitt per linje. (Teksten «Innledning» under «Tekstene» er årsrapportens.)",
        Kind::Lines,
        false,
    ),
    field("signatur", "Signatur", "For eksempel «Driftsgruppen januar {{ år }}».", Kind::Line, false),
    field(
        "signatarer",
        "Signatarer",
        "De som signerer planen, én per linje, for eksempel «Kari Nordmann, leder av driftsgruppen».",
        Kind::Lines,
        false,
    ),
];

/// One value: a text (also a date, as `dd.mm.åååå`) or a list of lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Setting {
    Text(String),
    Lines(Vec<String>),
}

impl Setting {
    /// The value as one text (a list's lines joined by line breaks).
    pub fn text(&self) -> String {
        match self {
            Setting::Text(t) => t.clone(),
            Setting::Lines(l) => l.join("\n"),
        }
    }

    /// The value as lines (a text as one line, an empty one as none).
    pub fn lines(&self) -> Vec<String> {
        match self {
            Setting::Text(t) if t.trim().is_empty() => Vec::new(),
            Setting::Text(t) => vec![t.clone()],
            Setting::Lines(l) => l.clone(),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Setting::Text(t) => t.trim().is_empty(),
            Setting::Lines(l) => l.iter().all(|x| x.trim().is_empty()),
        }
    }
}

/// Values by key.
pub type Values = BTreeMap<String, Setting>;

/// A form's text for a field as the value it stands for: lines split at line
/// breaks (empty lines dropped), other texts trimmed.
pub fn from_form(f: &Field, text: &str) -> Setting {
    match f.kind {
        Kind::Lines => Setting::Lines(
            text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect(),
        ),
        Kind::Paragraph => Setting::Text(text.trim().replace("\r\n", "\n")),
        _ => Setting::Text(text.trim().to_string()),
    }
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::at(Location::file(path), format!("kan ikke lese filen: {}", io_text(&e))))?;
    crate::load::table::decode_text(path, &bytes)
}

fn parse(path: &Path, text: &str) -> Result<DocumentMut> {
    text.parse::<DocumentMut>().map_err(|e| {
        let row = e.span().map(|s| text.get(..s.start).unwrap_or(text).matches('\n').count() + 1);
        Error::at(
            Location { file: path.to_path_buf(), row, col: None },
            crate::load::toml_message(e.message()),
        )
        .with_hint("rett linjen i Notisblokk, eller legg tilbake en sikkerhetskopi av filen")
    })
}

/// The values of the fields in a settings file (a missing optional field is empty).
pub fn read(path: &Path, fields: &[Field]) -> Result<Values> {
    let text = read_text(path)?;
    let doc = parse(path, &text)?;
    let mut out = Values::new();
    let mut errors = Vec::new();
    for f in fields {
        let at = || Location { file: path.to_path_buf(), row: crate::load::key_row(&text, f.key), col: None };
        let value = match (doc.get(f.key), f.kind) {
            (None, Kind::Lines) => Setting::Lines(Vec::new()),
            (None, _) => Setting::Text(String::new()),
            (Some(item), Kind::Date) => match item.as_value() {
                Some(Value::Datetime(d)) => Setting::Text(
                    d.value()
                        .date
                        .map(|d| format!("{:02}.{:02}.{:04}", d.day, d.month, d.year))
                        .unwrap_or_default(),
                ),
                Some(Value::String(s)) => Setting::Text(s.value().clone()),
                _ => {
                    errors.push(Diagnostic::error(Some(at()), format!("«{}» må være en dato", f.key)));
                    continue;
                }
            },
            (Some(item), Kind::Lines) => match item.as_array() {
                Some(a) if a.iter().all(|v| v.as_str().is_some()) => {
                    Setting::Lines(a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                }
                _ => match item.as_str() {
                    Some(s) => Setting::Lines(vec![s.to_string()]),
                    None => {
                        errors.push(Diagnostic::error(
                            Some(at()),
                            format!("«{}» må være en liste med tekster", f.key),
                        ));
                        continue;
                    }
                },
            },
            (Some(item), _) => match item.as_str() {
                Some(s) => Setting::Text(s.to_string()),
                None => {
                    errors.push(Diagnostic::error(Some(at()), format!("«{}» må være tekst", f.key)));
                    continue;
                }
            },
        };
        out.insert(f.key.to_string(), value);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Error(errors))
    }
}

/// What a check needs to know besides the values.
pub struct Context<'a> {
    /// The file the values go to (for messages).
    pub path: &'a Path,
    /// The house styles there are.
    pub styles: Vec<String>,
}

/// A date typed as `dd.mm.åååå` (or `åååå-mm-dd`).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    crate::dates::parse(s.trim()).ok().filter(|d| (1900..2200).contains(&d.year()))
}

/// Everything wrong with values before they are written: a required field
/// empty, text a document cannot show, an unknown house style, a sender
/// without an address, two groups with the same file name, a date that is none.
pub fn check(fields: &[Field], values: &Values, cx: &Context) -> Vec<Diagnostic> {
    check_fields(fields, values, cx).into_iter().map(|(_, d)| d).collect()
}

/// [`check`], with the key of the field each problem is about.
pub fn check_fields(fields: &[Field], values: &Values, cx: &Context) -> Vec<(&'static str, Diagnostic)> {
    let mut out = Vec::new();
    let text =
        std::fs::read(cx.path).ok().and_then(|b| crate::load::text::decode(&b).ok()).unwrap_or_default();
    for f in fields {
        let Some(v) = values.get(f.key) else { continue };
        let at = Location { file: cx.path.to_path_buf(), row: crate::load::key_row(&text, f.key), col: None };
        let mut err =
            |m: String, h: String| out.push((f.key, Diagnostic::error(Some(at.clone()), m).hint(h)));
        if f.required && v.is_empty() {
            err(format!("«{}» må fylles ut", f.label), f.help.to_string());
            continue;
        }
        for line in v.lines() {
            if let Some((m, h)) = crate::load::text::problem(&line) {
                err(format!("{}: {m}", f.label), h);
            }
            if f.kind != Kind::Paragraph && line.contains(['\n', '\r']) {
                err(format!("{}: teksten må stå på én linje", f.label), f.help.to_string());
            }
        }
        let value = v.text();
        match f.kind {
            Kind::Style if !value.is_empty() && !cx.styles.contains(&value) => err(
                format!("husstilen «{value}» finnes ikke"),
                format!("husstilene er: {}", cx.styles.join(", ")),
            ),
            Kind::Sender if !value.is_empty() && value.parse::<lettre::message::Mailbox>().is_err() => err(
                format!("«{value}» er ikke en e-postadresse arsplan kan sende fra"),
                "skriv adressen (nettverk@helse-fonna.no), gjerne med navn foran: Driftsgruppen <nettverk@helse-fonna.no>".into(),
            ),
            Kind::Date if !value.is_empty() && parse_date(&value).is_none() => err(
                format!("«{value}» er ingen dato"),
                "skriv datoen som dd.mm.åååå, for eksempel 15.01.2027".into(),
            ),
            _ => {}
        }
        if f.key == "grupper" {
            let mut seen: BTreeMap<String, String> = BTreeMap::new();
            for g in v.lines() {
                let slug = crate::model::slug(&g);
                if let Some(other) = seen.insert(slug.clone(), g.clone()) {
                    err(
                        format!("gruppene «{other}» og «{g}» er for like (begge blir «{slug}» i filnavn)"),
                        "gi hver gruppe et eget navn".into(),
                    );
                }
            }
        }
    }
    out
}

/// A text as a TOML basic string, always in double quotes (the form the
/// comments in the files show), with what must be escaped escaped.
fn basic(s: &str) -> Value {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out.parse::<Value>().unwrap_or_else(|_| Value::from(s))
}

/// A value as TOML: a string, a date, or an array of strings (one per line
/// when it is long).
fn toml_value(f: &Field, v: &Setting) -> Value {
    match (f.kind, v) {
        (Kind::Date, s) => match parse_date(&s.text()) {
            Some(d) => {
                let date =
                    toml_edit::Date { year: d.year() as u16, month: d.month() as u8, day: d.day() as u8 };
                Value::from(toml_edit::Datetime { date: Some(date), time: None, offset: None })
            }
            None => basic(&s.text()),
        },
        (Kind::Lines, s) => {
            let lines = s.lines();
            let mut a = Array::new();
            for l in &lines {
                a.push_formatted(basic(l));
            }
            let long = lines.iter().map(|l| l.chars().count() + 4).sum::<usize>() > 80;
            for (i, v) in a.iter_mut().enumerate() {
                v.decor_mut().set_prefix(match (long, i) {
                    (true, _) => "\n    ",
                    (false, 0) => "",
                    (false, _) => " ",
                });
                v.decor_mut().set_suffix("");
            }
            if long {
                a.set_trailing_comma(true);
                a.set_trailing("\n");
            }
            Value::Array(a)
        }
        (_, s) => basic(&s.text()),
    }
}

/// `key = value` as a TOML line.
pub fn toml_line(f: &Field, v: &Setting) -> String {
    format!("{} = {}", f.key, toml_value(f, v).to_string().trim_start())
}

/// The text of a settings file with `values` set, everything else as it was:
/// a changed value keeps its key's comments above it and the comment after
/// it; a key written as a comment (`# avsender = …`) becomes the line it
/// describes; an empty sender is removed; a new key goes last.
pub fn update(path: &Path, text: &str, fields: &[Field], values: &Values) -> Result<String> {
    // Keys given as comments become real lines in their place.
    let mut text = text.to_string();
    let doc = parse(path, &text)?;
    for f in fields {
        let Some(v) = values.get(f.key) else { continue };
        if doc.contains_key(f.key) || v.is_empty() {
            continue;
        }
        let commented = text.split_inclusive('\n').position(|l| {
            let l = l.trim_start();
            l.strip_prefix('#')
                .map(str::trim_start)
                .is_some_and(|rest| rest.strip_prefix(f.key).is_some_and(|r| r.trim_start().starts_with('=')))
        });
        if let Some(i) = commented {
            let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
            let old = &lines[i];
            // A comment after the commented value is kept after the new one.
            let after =
                old.trim_end().find("   #").map(|j| old.trim_end()[j..].to_string()).unwrap_or_default();
            lines[i] = format!("{}{after}\n", toml_line(f, v));
            text = lines.concat();
        }
    }
    // An empty sender is no sender (an empty text would be refused): its
    // line becomes a comment again, so the comment above it still fits.
    for f in fields.iter().filter(|f| f.kind == Kind::Sender) {
        if !values.get(f.key).is_some_and(|v| v.is_empty()) {
            continue;
        }
        let Some(row) = crate::load::key_row(&text, f.key) else { continue };
        let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
        let line = &lines[row - 1];
        // Only a value on one line is commented out in place.
        if line.matches('"').count() == 2 && line.trim_start().starts_with(f.key) {
            lines[row - 1] = format!("# {}", line.trim_start());
            text = lines.concat();
        }
    }
    let mut doc = parse(path, &text)?;
    for f in fields {
        let Some(v) = values.get(f.key) else { continue };
        if v.is_empty() && f.kind == Kind::Sender {
            doc.remove(f.key);
            continue;
        }
        let new = toml_value(f, v);
        match doc.get_mut(f.key) {
            Some(Item::Value(old)) => {
                if old.to_string().trim() == new.to_string().trim() {
                    continue;
                }
                let decor = old.decor().clone();
                *old = new;
                *old.decor_mut() = decor;
            }
            Some(other) => *other = Item::Value(new),
            None => {
                doc.insert(f.key, Item::Value(new));
            }
        }
    }
    Ok(doc.to_string())
}

/// Reads, updates and writes a settings file, after checking the values and
/// that the file still reads as what arsplan expects (`T`). Returns whether
/// the file changed.
fn save<T: serde::de::DeserializeOwned>(
    path: &Path,
    fields: &[Field],
    values: &Values,
    cx: &Context,
) -> Result<bool> {
    let problems = check(fields, values, cx);
    if !problems.is_empty() {
        return Err(Error(problems));
    }
    let text = read_text(path)?;
    let new = update(path, &text, fields, values)?;
    if new == text {
        return Ok(false);
    }
    crate::load::parse_toml::<T>(path, new.as_bytes())?;
    crate::publish::write_atomic(path, new.as_bytes())?;
    Ok(true)
}

/// Saves a network's settings in its `nettverk.toml`.
pub fn save_network(path: &Path, values: &Values, cx: &Context) -> Result<bool> {
    save::<Profile>(path, NETWORK_FIELDS, values, cx)
}

/// Saves a year's settings in its `plan.toml`.
pub fn save_year(path: &Path, values: &Values, cx: &Context) -> Result<bool> {
    save::<PlanMeta>(path, YEAR_FIELDS, values, cx)
}

fn network_field(key: &str) -> &'static Field {
    NETWORK_FIELDS.iter().find(|f| f.key == key).unwrap_or(&NETWORK_FIELDS[0])
}

/// A new network's `nettverk.toml`: every field with a comment saying what
/// it is, values quoted as TOML needs; an empty sender stays a comment.
pub fn new_network_toml(values: &Values, styles: &[String]) -> String {
    let get = |k: &str| values.get(k).cloned().unwrap_or(Setting::Text(String::new()));
    let line = |k: &str| toml_line(network_field(k), &get(k));
    let lines = |k: &str| {
        let v = get(k);
        toml_line(network_field(k), &Setting::Lines(v.lines()))
    };
    let sender = if get("avsender").is_empty() {
        "# avsender = \"Driftsgruppen <nettverk@helseforetak.no>\"".to_string()
    } else {
        line("avsender")
    };
    format!(
        "# Nettverkets innstillinger, som gjelder fra år til år.\n\
         # Du kan endre dem på nettsiden (arsplan nettside → nettverket → Innstillinger),\n\
         # eller her i Notisblokk. Linjer som begynner med # er forklaringer.\n\
         # Tekst står i anførselstegn: \"Helse Fonna\". En liste står i klammer med komma\n\
         # mellom: [\"Haugesund\", \"Stord\"].\n\
         \n\
         # Nettverkets fulle navn, slik det står i dokumentene.\n\
         {navn}\n\
         # Helseforetaket. Står øverst på sidene når nettverket ikke har egen logo\n\
         # (legg logoen som logo.svg eller logo.png i denne mappen).\n\
         {trust}\n\
         # Husstilen dokumentene lages i: {styles}.\n\
         {stil}\n\
         # De lokale nettverksgruppene, i den rekkefølgen dokumentene skal vise dem.\n\
         {groups}\n\
         # Nettverkene planen gjelder.\n\
         {networks}\n\
         # Avsenderen når planen sendes til kommunene (arsplan send).\n\
         {sender}\n\
         # Linjene øverst på forsiden, og mottoet under dem.\n\
         {cover}\n\
         {motto}\n\
         # Dokumentene planen bygger på.\n\
         {builds_on}\n\
         # Nettverkets målsetting, og hva det skal kjennetegnes av (hvert sitt avsnitt i planen).\n\
         {aim}\n\
         {hallmarks}\n\
         # Den regionale strategien planene følger: mappen til et nettverk med en strategi.\n\
         # strategi = \"helse-vest\"\n",
        navn = line("navn"),
        trust = line("helseforetak"),
        styles = styles.join(", "),
        stil = line("stil"),
        groups = lines("grupper"),
        networks = lines("nettverk"),
        cover = lines("forside"),
        motto = lines("motto"),
        builds_on = lines("bygger_pa"),
        aim = line("malsetting"),
        hallmarks = line("kjennetegn"),
    )
}

fn year_field(key: &str) -> &'static Field {
    YEAR_FIELDS.iter().find(|f| f.key == key).unwrap_or(&YEAR_FIELDS[0])
}

/// A new year's `plan.toml`, with comments.
pub fn new_plan_toml(year: i32, values: &Values) -> String {
    let get = |k: &str| values.get(k).cloned().unwrap_or(Setting::Text(String::new()));
    let line = |k: &str| toml_line(year_field(k), &get(k));
    let lines = |k: &str| toml_line(year_field(k), &Setting::Lines(get(k).lines()));
    let date = if get("dato").is_empty() { Setting::Text(format!("15.01.{year}")) } else { get("dato") };
    format!(
        "# Årets plan. {{{{ år }}}} i en tekst blir planåret ({year}).\n\
         # Du kan endre dette på nettsiden, eller her i Notisblokk.\n\
         dokument = \"arsplan\"\n\
         {title}\n\
         # Dokumentets dato.\n\
         {date}\n\
         # Avsnittene under «Plan for arbeidet i {year}».\n\
         {intro}\n\
         # Signaturen under planen, og de som signerer.\n\
         {signature}\n\
         {signatories}\n",
        title = line("tittel"),
        date = toml_line(year_field("dato"), &date),
        intro = lines("innledning"),
        signature = line("signatur"),
        signatories = lines("signatarer"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, Setting)]) -> Values {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn an_update_keeps_comments_and_changes_only_what_it_sets() {
        let text = "# Om nettverket\n# navnet:\nnavn = \"Gammelt\"   # står på forsiden\nhelseforetak = \"Helse Fonna\"\nstil = \"felles\"\ngrupper = [\"A\"]\n# avsender = \"Driftsgruppen <x@y.no>\"   # når du sender\nannet = 1\n";
        let v = values(&[
            ("navn", Setting::Text("Nytt «navn» med \"anførsel\"".into())),
            ("grupper", Setting::Lines(vec!["Haugesund".into(), "Stord".into()])),
            ("avsender", Setting::Text("Driftsgruppen <nett@helse-fonna.no>".into())),
        ]);
        let new = update(Path::new("nettverk.toml"), text, NETWORK_FIELDS, &v).unwrap();
        assert_eq!(
            new,
            "# Om nettverket\n# navnet:\nnavn = \"Nytt «navn» med \\\"anførsel\\\"\"   # står på forsiden\nhelseforetak = \"Helse Fonna\"\nstil = \"felles\"\ngrupper = [\"Haugesund\", \"Stord\"]\navsender = \"Driftsgruppen <nett@helse-fonna.no>\"   # når du sender\nannet = 1\n"
        );
        // Nothing to change: the same bytes.
        let same = update(Path::new("nettverk.toml"), &new, NETWORK_FIELDS, &v).unwrap();
        assert_eq!(same, new);
        // No sender: the line is a comment again, the comment above it kept.
        let none = values(&[("avsender", Setting::Text(String::new()))]);
        let without = update(Path::new("nettverk.toml"), &new, NETWORK_FIELDS, &none).unwrap();
        assert_eq!(without, new.replace("avsender = ", "# avsender = "));
    }

    #[test]
    fn a_new_network_file_reads_back_as_what_was_given() {
        let v = values(&[
            ("navn", Setting::Text("Nettverk i \"Fonna\"".into())),
            ("helseforetak", Setting::Text("Helse Fonna".into())),
            ("stil", Setting::Text("felles".into())),
            ("grupper", Setting::Lines(vec!["Haugesund".into(), "Stord, Odda".into()])),
        ]);
        let text = new_network_toml(&v, &["felles".into()]);
        let p: Profile = toml::from_str(&text).unwrap();
        assert_eq!(p.name, "Nettverk i \"Fonna\"");
        assert_eq!(p.groups, ["Haugesund", "Stord, Odda"]);
        assert_eq!(p.sender, None);
        assert!(text.contains("# avsender = "), "{text}");
    }

    #[test]
    fn checks_say_what_is_wrong_with_a_value() {
        let v = values(&[
            ("navn", Setting::Text(String::new())),
            ("stil", Setting::Text("helse-nord".into())),
            ("avsender", Setting::Text("driftsgruppen".into())),
            ("grupper", Setting::Lines(vec!["Stord".into(), "stord".into()])),
        ]);
        let cx = Context { path: Path::new("x/nettverk.toml"), styles: vec!["felles".into()] };
        let msgs: Vec<String> = check(NETWORK_FIELDS, &v, &cx).iter().map(|d| d.message.clone()).collect();
        assert_eq!(
            msgs,
            [
                "«Nettverkets fulle navn» må fylles ut",
                "husstilen «helse-nord» finnes ikke",
                "gruppene «Stord» og «stord» er for like (begge blir «stord» i filnavn)",
                "«driftsgruppen» er ikke en e-postadresse arsplan kan sende fra",
            ]
        );
    }
}
