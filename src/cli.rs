//! The command line: Norwegian help and messages over the library's [`Project`].

use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::diag::{Diagnostic, Error};
use crate::{Project, Selection, DEFAULT_FORMATS};

const TEMPLATE: &str = "\
{before-help}{about}

Bruk: {usage}

{all-args}{after-help}";

#[derive(Parser, Debug)]
#[command(
    name = "arsplan",
    version,
    about = "Lager årsplanen for nettverk i kreftomsorg og lindrende behandling i Word (DOCX) og PDF, fra regnearkdata og maler.",
    help_template = TEMPLATE,
    subcommand_help_heading = "Kommandoer",
    next_help_heading = "Valg",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    after_help = "Eksempel: arsplan build --network stavanger --year 2026 --format pdf"
)]
pub struct Cli {
    /// Mappen med nettverkenes data
    #[arg(long, global = true, value_name = "MAPPE", default_value = "data")]
    pub data: PathBuf,
    /// Mappen med husstiler og maler
    #[arg(long, global = true, value_name = "MAPPE", default_value = "templates")]
    pub maler: PathBuf,
    /// Mappen dokumentene skrives til
    #[arg(long, global = true, value_name = "MAPPE", default_value = "output")]
    pub utdata: PathBuf,
    /// Vis denne hjelpen
    #[arg(short = 'h', long = "help", visible_alias = "hjelp", action = ArgAction::Help, global = true)]
    help: Option<bool>,
    /// Vis versjonen
    #[arg(short = 'V', long = "version", action = ArgAction::Version)]
    version: Option<bool>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lag dokumentene (uten valg: alle nettverk og år i data/)
    #[command(visible_alias = "bygg", help_template = TEMPLATE, next_help_heading = "Valg")]
    Build {
        #[command(flatten)]
        sel: Sel,
        /// Formater, kommaseparert
        #[arg(long, value_delimiter = ',', value_name = "FORMAT", default_values_t = DEFAULT_FORMATS.map(String::from))]
        format: Vec<String>,
    },
    /// Kontroller dataene uten å skrive noe
    #[command(visible_alias = "sjekk", help_template = TEMPLATE, next_help_heading = "Valg")]
    Check {
        #[command(flatten)]
        sel: Sel,
    },
}

#[derive(Args, Debug)]
pub struct Sel {
    /// Bare dette nettverket (mappenavnet i data/), kan gjentas
    #[arg(long, visible_alias = "nettverk", value_name = "NETTVERK")]
    pub network: Vec<String>,
    /// Bare dette året, kan gjentas
    #[arg(long, visible_alias = "aar", value_name = "ÅR")]
    pub year: Vec<i32>,
}

impl Sel {
    fn selection(&self) -> Selection {
        Selection {
            networks: self.network.clone(),
            years: self.year.clone(),
        }
    }
}

fn print_diagnostics(ds: &[Diagnostic]) {
    for d in ds {
        eprintln!("{d}");
    }
}

fn fail(e: Error) -> ExitCode {
    print_diagnostics(&e.0);
    let n = e.0.iter().filter(|d| d.is_error()).count();
    eprintln!("\n{n} feil. Ingen filer er endret.");
    ExitCode::from(1)
}

/// Translates clap's parse errors into Norwegian.
fn usage_error(e: clap::Error) -> ExitCode {
    let detail = |k: clap::error::ContextKind| e.get(k).map(|v| v.to_string()).unwrap_or_default();
    use clap::error::ContextKind as C;
    let msg = match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        ErrorKind::UnknownArgument => format!("ukjent valg «{}»", detail(C::InvalidArg)),
        ErrorKind::InvalidSubcommand => {
            format!("ukjent kommando «{}»", detail(C::InvalidSubcommand))
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "mangler kommando".to_string()
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            format!(
                "ugyldig verdi «{}» for {}",
                detail(C::InvalidValue),
                detail(C::InvalidArg)
            )
        }
        ErrorKind::MissingRequiredArgument => format!("mangler {}", detail(C::InvalidArg)),
        _ => "ugyldig bruk".to_string(),
    };
    eprintln!("feil: {msg}\n  hjelp: kjør «arsplan --help» for kommandoene og valgene");
    ExitCode::from(2)
}

/// Parses the arguments and runs the command.
pub fn main() -> ExitCode {
    let matches = match Cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => return usage_error(e),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => return usage_error(e),
    };
    let project = Project {
        data: cli.data.clone(),
        templates: cli.maler.clone(),
        output: cli.utdata.clone(),
    };
    match &cli.command {
        Command::Build { sel, format } => {
            let formats: Vec<&str> = format
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect();
            for f in &formats {
                if crate::render::by_name(f).is_none() {
                    return fail(
                        Error::msg(format!("ukjent format «{f}»"))
                            .with_hint("bruk docx og/eller pdf, for eksempel --format docx,pdf"),
                    );
                }
            }
            match project.build(&sel.selection(), &formats) {
                Ok((written, warnings)) => {
                    print_diagnostics(&warnings);
                    for w in &written {
                        let what = if w.changed { "skrev" } else { "uendret" };
                        println!("{what} {} ({} kB)", w.path.display(), w.size.div_ceil(1024));
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Command::Check { sel } => match project.check(&sel.selection()) {
            Ok((warnings, reports)) => {
                print_diagnostics(&warnings);
                for r in &reports {
                    print_coverage(r);
                }
                println!("Kontrollert: ingen feil ({} advarsler).", warnings.len());
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
    }
}

/// Which innsatsområder of the strategy a plan serves, area by area.
fn print_coverage(r: &crate::Report) {
    let c = &r.coverage;
    println!(
        "\n{} {}: delmålene tjener {} av {} innsatsområder i {} ({}).",
        r.network,
        r.period,
        c.served(),
        c.items.len(),
        r.strategy.title,
        r.strategy.network
    );
    for area in &r.strategy.areas {
        let ids: Vec<&str> = area.focus.iter().map(|(id, _)| id.as_str()).collect();
        let items: Vec<_> = c
            .items
            .iter()
            .filter(|(id, _, _)| ids.contains(&id.as_str()))
            .collect();
        let served: Vec<&str> = items
            .iter()
            .filter(|(_, _, by)| !by.is_empty())
            .map(|(id, _, _)| id.as_str())
            .collect();
        println!(
            "  {}. {}: {} av {} dekket{}",
            area.nr,
            area.name,
            served.len(),
            items.len(),
            if served.is_empty() {
                String::new()
            } else {
                format!(" ({})", served.join(", "))
            }
        );
        for (id, text, by) in items {
            if by.is_empty() {
                let short: String = text.chars().take(90).collect();
                let more = if text.chars().count() > 90 { "…" } else { "" };
                println!("      ikke dekket {id}: {short}{more}");
            }
        }
    }
}
