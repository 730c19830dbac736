//! The questions of `arsplan ny nettverk`: each setting not given as an
//! option is asked for in Norwegian, with a suggestion taken on Enter. The
//! answers come from standard input (a person at a terminal, or a script),
//! and at its end the suggestions stand. A wrong answer is explained and
//! asked again.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use super::args::NewNetworkArgs;
use crate::diag::{Error, Result};
use crate::scaffold::{self, NewNetwork};
use crate::settings::{self, Setting, Values};
use crate::Project;

/// Standard input, read a line at a time, with its end remembered.
pub struct Questions {
    lines: Box<dyn Iterator<Item = std::io::Result<String>>>,
    /// No more answers: the suggestions stand.
    done: bool,
}

impl Questions {
    /// Questions on standard input; with `quiet` none are asked.
    pub fn new(quiet: bool) -> Questions {
        Questions { lines: Box::new(std::io::stdin().lock().lines()), done: quiet }
    }

    /// Asks, and returns the answer (trimmed), or the suggestion on Enter
    /// or when there are no more answers.
    pub fn ask(&mut self, question: &str, suggestion: &str) -> String {
        let prompt = if suggestion.is_empty() {
            format!("{question}: ")
        } else {
            format!("{question} [{suggestion}]: ")
        };
        self.prompted(&prompt, suggestion)
    }

    /// Shows `prompt` as it is and reads the answer (the suggestion on Enter or at the end).
    fn prompted(&mut self, prompt: &str, suggestion: &str) -> String {
        if self.done {
            return suggestion.to_string();
        }
        let mut err = std::io::stderr();
        let _ = write!(err, "{prompt}");
        let _ = err.flush();
        match self.lines.next() {
            Some(Ok(line)) => {
                let t = line.trim();
                if t.is_empty() {
                    suggestion.to_string()
                } else {
                    t.to_string()
                }
            }
            _ => {
                let _ = writeln!(err);
                self.done = true;
                suggestion.to_string()
            }
        }
    }

    /// Asks for lines until an empty one.
    pub fn lines(&mut self, question: &str) -> Vec<String> {
        if self.done {
            return Vec::new();
        }
        eprintln!("{question}");
        let mut out = Vec::new();
        loop {
            let line = self.prompted("  > ", "");
            if line.is_empty() {
                break;
            }
            out.push(line);
        }
        out
    }

    /// Asks until `check` accepts the answer (at most five times; without
    /// more answers, the first refusal is the error).
    pub fn valid<T>(
        &mut self,
        question: &str,
        suggestion: &str,
        mut check: impl FnMut(&str) -> std::result::Result<T, Error>,
    ) -> Result<T> {
        let mut tries = 0;
        loop {
            let answer = self.ask(question, suggestion);
            match check(&answer) {
                Ok(v) => return Ok(v),
                Err(e) if self.done || tries >= 4 => return Err(e),
                Err(e) => {
                    super::commands::print_diagnostics(&e.0);
                    tries += 1;
                }
            }
        }
    }
}

/// The problems of one field's value, as an error.
fn check_field(fields: &[settings::Field], key: &str, value: Setting, project: &Project) -> Result<Setting> {
    let values: Values = [(key.to_string(), value.clone())].into();
    let path = PathBuf::from("nettverk.toml");
    let cx = settings::Context { path: &path, styles: project.styles(None) };
    let mut problems = settings::check(fields, &values, &cx);
    for d in &mut problems {
        d.location = None;
    }
    if problems.is_empty() {
        Ok(value)
    } else {
        Err(Error(problems))
    }
}

/// A path as a file manager pastes it when a file is dragged into a terminal.
fn unquoted(s: &str) -> String {
    let s = s.trim();
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner.to_string();
        }
    }
    s.replace("\\ ", " ")
}

/// What a new network is made from: the options given, and answers to the
/// questions for the rest.
pub fn new_network(args: &NewNetworkArgs, project: &Project) -> Result<NewNetwork> {
    let mut q = Questions::new(args.standard);
    let planning = crate::dates::planning_year();
    let year_check = |a: &str| -> Result<i32> {
        a.trim().parse::<i32>().ok().filter(|y| (1900..=2200).contains(y)).ok_or_else(|| {
            Error::msg(format!("«{a}» er ikke et årstall"))
                .with_hint("skriv året med fire sifre, for eksempel 2027")
        })
    };
    // A network that exists already: only the year is wanted (see scaffold::network_with).
    if let Some(folder) = args.navn.as_ref().filter(|n| project.data.join(n).join("nettverk.toml").is_file())
    {
        let year = match args.year {
            Some(y) => y,
            None => q.valid(
                &format!("Nettverket «{folder}» finnes allerede. Hvilket år gjelder planen?"),
                &planning.to_string(),
                year_check,
            )?,
        };
        return Ok(NewNetwork { folder: folder.clone(), year, excel: !args.csv, ..Default::default() });
    }
    if !args.standard {
        eprintln!("Nytt nettverk. Svar på spørsmålene og trykk Enter; forslaget i [klammer] gjelder hvis du bare trykker Enter.");
        eprintln!("Alt kan endres senere, på nettsiden (arsplan nettside).\n");
    }
    let sources = crate::templates::Sources::new(vec![project.templates.clone()]);
    let style_name = |s: &str| crate::theme::Theme::load(&sources, s).map(|t| t.name).unwrap_or_default();
    let field = settings::NETWORK_FIELDS;
    let text = |key: &str, v: String| check_field(field, key, Setting::Text(v), project);
    // A style given is checked first: the trust may be taken from it.
    if let Some(s) = &args.stil {
        text("stil", s.clone())?;
    }
    // The trust: given, or the name of a given style other than the base one, or asked.
    let trust_given = args.helseforetak.clone().or_else(|| {
        args.stil.as_deref().filter(|s| *s != "felles").map(style_name).filter(|n| !n.is_empty())
    });
    let trust = match trust_given {
        Some(t) => text("helseforetak", t)?,
        None => {
            q.valid("Hvilket helseforetak hører nettverket til? (for eksempel Helse Fonna)", "", |a| {
                if a.is_empty() {
                    return Err(Error::msg("helseforetaket må fylles ut")
                        .with_hint("skriv navnet, for eksempel Helse Fonna (eller oppgi --helseforetak)"));
                }
                text("helseforetak", a.to_string())
            })?
        }
    };
    let trust_text = trust.text();
    let styles = project.styles(None);
    let style = match &args.stil {
        Some(s) => text("stil", s.clone())?,
        None => {
            let suggestion = scaffold::style_for(&trust_text, &sources).unwrap_or_else(|| "felles".into());
            if !q.done {
                eprintln!("Husstilene (utseendet på dokumentene):");
                for (i, s) in styles.iter().enumerate() {
                    let what = if s == "felles" { "nøytral, for alle".to_string() } else { style_name(s) };
                    eprintln!("  {}. {s} ({what})", i + 1);
                }
            }
            q.valid("Hvilken husstil? (nummer eller navn)", &suggestion, |a| {
                let name = a
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| styles.get(n.wrapping_sub(1)).cloned())
                    .unwrap_or_else(|| a.to_string());
                text("stil", name)
            })?
        }
    };
    let full_default = format!("Nettverk i kreftomsorg og lindrende behandling i {trust_text}");
    let full = match &args.fullt_navn {
        Some(n) => text("navn", n.clone())?,
        None => q.valid("Nettverkets fulle navn, slik det skal stå i dokumentene", &full_default, |a| {
            text("navn", a.to_string())
        })?,
    };
    let folder = match &args.navn {
        Some(n) => n.clone(),
        None => q.valid(
            "Kort navn til mappen og filnavnene (små bokstaver a-z, sifre og bindestrek)",
            &scaffold::folder_name(&trust_text),
            |a| {
                if scaffold::valid_name(a) {
                    Ok(a.to_string())
                } else {
                    Err(Error::msg(format!("«{a}» kan ikke brukes som mappenavn"))
                        .with_hint("bruk små bokstaver a-z, sifre og bindestrek, for eksempel fonna"))
                }
            },
        )?,
    };
    if project.data.join(&folder).join("nettverk.toml").is_file() {
        let year = match args.year {
            Some(y) => y,
            None => q.valid(
                &format!("Nettverket «{folder}» finnes allerede. Hvilket år gjelder planen?"),
                &planning.to_string(),
                year_check,
            )?,
        };
        return Ok(NewNetwork { folder, year, excel: !args.csv, ..Default::default() });
    }
    let year = match args.year {
        Some(y) => y,
        None => q.valid(
            "Hvilket år gjelder planen? (fra 1. oktober foreslås neste år)",
            &planning.to_string(),
            year_check,
        )?,
    };
    let split = |a: &str| -> Vec<String> {
        a.split([',', ';']).map(str::trim).filter(|g| !g.is_empty()).map(str::to_string).collect()
    };
    let groups = match &args.grupper {
        Some(g) => check_field(field, "grupper", Setting::Lines(split(g)), project)?,
        None => q.valid(
            "De lokale nettverksgruppene, med komma mellom (for eksempel Haugesund, Stord, Odda), eller Enter for ingen",
            "",
            |a| check_field(field, "grupper", Setting::Lines(split(a)), project),
        )?,
    };
    let signatories = if args.signatarer.is_empty() {
        q.lines("Hvem signerer planen? Skriv navn og rolle, én per linje (for eksempel «Kari Nordmann, leder av driftsgruppen»), og en tom linje til slutt:")
    } else {
        args.signatarer.clone()
    };
    let signatories = check_field(settings::YEAR_FIELDS, "signatarer", Setting::Lines(signatories), project)?;
    let sender = match &args.avsender {
        Some(a) => text("avsender", a.clone())?,
        None => q.valid(
            "E-postadressen planen sendes fra til kommunene (for eksempel nettverk@helse-fonna.no), eller Enter for å vente med det",
            "",
            |a| text("avsender", a.to_string()),
        )?,
    };
    let logo = match &args.logo {
        Some(p) => Some(p.clone()),
        None => q
            .valid(
                "Nettverkets logo: en SVG- eller PNG-fil (dra filen inn i vinduet, eller skriv stien), eller Enter for ingen",
                "",
                |a| {
                    let p = unquoted(a);
                    if p.is_empty() {
                        return Ok(None);
                    }
                    let path = PathBuf::from(&p);
                    if path.is_file() {
                        Ok(Some(path))
                    } else {
                        Err(Error::msg(format!("fant ingen fil «{p}»"))
                            .with_hint("dra logofilen inn i vinduet, eller trykk Enter og legg logoen senere som logo.svg eller logo.png i nettverkets mappe"))
                    }
                },
            )?,
    };
    let mut network: Values = [
        ("helseforetak".to_string(), trust),
        ("stil".to_string(), style),
        ("navn".to_string(), full),
        ("grupper".to_string(), groups),
        ("avsender".to_string(), sender),
    ]
    .into();
    scaffold::network_defaults(&mut network);
    let plan: Values = [("signatarer".to_string(), signatories)].into();
    Ok(NewNetwork { folder, year, excel: !args.csv, network, plan, logo })
}

/// The question before a new network is made, naming what is made where.
pub fn confirm(n: &NewNetwork, project: &Project, standard: bool) -> bool {
    let dir = project.data.join(&n.folder);
    let ext = if n.excel { "xlsx" } else { "csv" };
    let mut files = vec![
        "nettverk.toml".to_string(),
        format!("{}/plan.toml", n.year),
        format!("{}/plan.{ext}", n.year),
        format!("{}/moter.{ext}", n.year),
        format!("mottakere.{ext}"),
    ];
    if let Some(p) = &n.logo {
        let svg = p.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg"));
        files.push(if svg { "logo.svg" } else { "logo.png" }.into());
    }
    let name = n.network.get("navn").map(|v| v.text()).unwrap_or_default();
    let style = n.network.get("stil").map(|v| v.text()).unwrap_or_default();
    println!(
        "\nLager nettverket «{name}» for {} med husstilen {style}, i {}: {}.",
        n.year,
        dir.display(),
        files.join(", ")
    );
    let mut q = Questions::new(standard);
    let answer = q.prompted("Fortsette? [J/n] ", "j");
    !matches!(answer.to_lowercase().as_str(), "n" | "nei" | "no")
}
