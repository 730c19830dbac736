//! The command line: Norwegian help and messages over the library's
//! [`Project`](crate::Project). `main` parses, [`run`] finds the project and
//! dispatches to one function per command, and every failure leaves through
//! one exit point.

mod args;
mod ask;
mod commands;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, FromArgMatches};

pub use args::{Cli, Command, NewNetworkArgs, NyCommand, WordmalCommand};

use crate::diag::Error;
use crate::project::{self, Project};

/// How a command ended, when not in success.
pub enum Failure {
    /// Errors to print; nothing was changed.
    Errors(Error),
    /// The command printed its own explanation; exit with this status.
    Quiet(u8),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Errors(e)
    }
}

pub type Outcome = std::result::Result<(), Failure>;

/// How much a command prints besides errors and warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// The project a command works on: the folders given with `--data`, `--maler`
/// and `--utdata`, else those of the project folder found from `here` upward
/// (a folder with `data/` or `arsplan.toml`). None when there is none.
pub fn locate(cli: &Cli, here: &Path) -> Result<Option<Project>, Error> {
    for (option, dir) in [("--data", &cli.data), ("--maler", &cli.maler), ("--utdata", &cli.utdata)] {
        if let Some(d) = dir.as_ref().filter(|d| d.is_file()) {
            return Err(Error::msg(format!("{option} {} er en fil, ikke en mappe", d.display())).with_hint(
                format!(
                    "oppgi en mappe med {option}, for eksempel {option} {}",
                    match option {
                        "--data" => "data",
                        "--maler" => "templates",
                        _ => "output",
                    }
                ),
            ));
        }
    }
    let base = match &cli.data {
        Some(d) => {
            Some(Project { data: d.clone(), ..Project::default_layout(d.parent().unwrap_or(Path::new("."))) })
        }
        None => project::find_root(here).map(|root| Project::open(&shortest(&root, here))).transpose()?,
    };
    Ok(base.map(|mut p| {
        if let Some(m) = &cli.maler {
            p.templates = m.clone();
        }
        if let Some(u) = &cli.utdata {
            p.output = u.clone();
        }
        p
    }))
}

/// The project folder as messages show it: relative to the current folder
/// when it is the current folder or one above it (`.`, `../..`).
fn shortest(root: &Path, here: &Path) -> PathBuf {
    match here.strip_prefix(root) {
        Ok(rest) if rest.as_os_str().is_empty() => PathBuf::new(),
        Ok(rest) => rest.components().map(|_| "..").collect(),
        Err(_) => root.to_path_buf(),
    }
}

/// The project, or a message saying how to start one.
fn required(cli: &Cli, here: &Path) -> Result<Project, Error> {
    locate(cli, here)?.ok_or_else(|| {
        Error::msg(format!(
            "fant ingen arsplan-prosjektmappe i {} eller mappene over (en mappe med data/ eller arsplan.toml)",
            here.display()
        ))
        .with_hint("gå til prosjektmappen, eller start et prosjekt her med «arsplan ny nettverk» (ditt eget nettverk) eller «arsplan nettside»; «arsplan ny eksempel» lager eksempeldata i en egen mappe")
    })
}

/// Runs a parsed command line.
pub fn run(cli: &Cli) -> Outcome {
    let here: PathBuf = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let verbosity = if cli.stille {
        Verbosity::Quiet
    } else if cli.detaljert {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    let Some(command) = &cli.command else {
        // No command: a short guide in a terminal; the web page for someone
        // who started the program without one (a double-click).
        if terminal() {
            commands::guide(locate(cli, &here)?.as_ref());
            return Ok(());
        }
        let project = locate(cli, &here)?.unwrap_or_else(|| Project::default_layout(&here));
        return commands::serve(&project, None, true);
    };
    match command {
        Command::Build { sel, out, alle, endringer_siden } => {
            let project = required(cli, &here)?;
            commands::build(&project, sel, out, *alle || verbosity == Verbosity::Verbose, verbosity)?;
            match endringer_siden {
                Some(spec) => crate::revise::command(&project, &sel.selection(), spec),
                None => Ok(()),
            }
        }
        Command::Check { sel } => commands::check(&required(cli, &here)?, sel),
        Command::Watch { sel, out, runder } => commands::watch(&required(cli, &here)?, sel, out, *runder),
        Command::Send(args) => commands::send(&required(cli, &here)?, args),
        Command::Serve { port, ingen_nettleser } => {
            // Without a project the page starts one here (its first network).
            let project = locate(cli, &here)?.unwrap_or_else(|| Project::default_layout(&here));
            commands::serve(&project, *port, !*ingen_nettleser)
        }
        Command::Trekk { network, year, seed, ny } => {
            commands::trekk(&required(cli, &here)?, network.as_deref(), *year, *seed, *ny)
        }
        Command::Wordmal { command: Some(WordmalCommand::Bruk { fil, nettverk }), .. } => {
            commands::wordmal_bruk(&required(cli, &here)?, fil, nettverk)
        }
        Command::Wordmal { command: None, stil, ut, network } => {
            // A built-in style can be written anywhere; a network's needs its project.
            let project = match network {
                Some(_) => required(cli, &here)?,
                None => locate(cli, &here)?.unwrap_or_else(|| Project::default_layout(&here)),
            };
            let (Some(stil), Some(ut)) = (stil, ut) else {
                return Err(Error::msg("arsplan wordmal trenger --stil og --ut")
                    .with_hint("for eksempel: arsplan wordmal --stil helse-stavanger --ut mal.dotx")
                    .into());
            };
            commands::wordmal(&project, stil, ut, network.as_deref())
        }
        Command::Ny { command } => {
            // A new project starts here; inside one, its folders are used.
            let found = locate(cli, &here)?;
            let explicit = cli.data.is_some();
            commands::ny(found, &here, explicit, command, verbosity)
        }
        Command::Importer { fil, nettverk, year, stil, csv } => {
            // In an empty folder the import starts a project, as `ny nettverk` does.
            let project = locate(cli, &here)?.unwrap_or_else(|| Project::default_layout(&here));
            let opts = crate::import::Options {
                network: nettverk.clone(),
                year: *year,
                style: stil.clone(),
                csv: *csv,
            };
            commands::importer(&project, fil, &opts, verbosity)
        }
        Command::Hjelp { kommando } => commands::help(kommando),
        Command::Fullforing { skall } => {
            clap_complete::generate(*skall, &mut Cli::command(), "arsplan", &mut std::io::stdout());
            Ok(())
        }
    }
}

/// Whether arsplan runs in a terminal someone typed the command in. Not when
/// neither its input nor its output is a terminal (started from a file
/// manager), nor on Windows when the console window is its own (a
/// double-click opens a console for the program alone).
pub fn terminal() -> bool {
    use std::io::IsTerminal;
    let any = std::io::stdin().is_terminal() || std::io::stdout().is_terminal();
    any && !own_console()
}

/// On Windows: whether the console belongs to this program alone (it was
/// started with a double-click, and the window closes when it ends).
#[cfg(windows)]
pub fn own_console() -> bool {
    #[link(name = "kernel32")]
    extern "system" {
        fn GetConsoleProcessList(list: *mut u32, count: u32) -> u32;
    }
    let mut ids = [0u32; 4];
    // SAFETY: the buffer holds `ids.len()` process ids, as the call is told.
    let n = unsafe { GetConsoleProcessList(ids.as_mut_ptr(), ids.len() as u32) };
    n == 1
}

/// Elsewhere a program never gets a console of its own.
#[cfg(not(windows))]
pub fn own_console() -> bool {
    false
}

/// Parses the arguments, runs the command, and turns its outcome into an exit code.
pub fn main() -> ExitCode {
    let parsed = Cli::command().try_get_matches().and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => return usage_error(e),
    };
    let code = match run(&cli) {
        Ok(()) => return ExitCode::SUCCESS,
        Err(Failure::Quiet(code)) => code,
        Err(Failure::Errors(e)) => {
            commands::print_diagnostics(&e.0);
            let n = e.0.iter().filter(|d| d.is_error()).count();
            eprintln!("\n{n} feil. Ingen filer er endret.");
            1
        }
    };
    // A window that closes with the program would take the message with it.
    if own_console() {
        eprintln!("\nTrykk Enter for å lukke vinduet.");
        let _ = std::io::stdin().read_line(&mut String::new());
    }
    ExitCode::from(code)
}

/// Translates clap's parse errors into Norwegian, with its spelling suggestion.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::{ContextKind as C, ContextValue};
    let detail = |k: C| e.get(k).map(|v| v.to_string()).unwrap_or_default();
    let msg = match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        ErrorKind::UnknownArgument => format!("ukjent valg «{}»", detail(C::InvalidArg)),
        ErrorKind::InvalidSubcommand => format!("ukjent kommando «{}»", detail(C::InvalidSubcommand)),
        // A command that needs one of its own (`arsplan ny`): its help, in Norwegian.
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return ExitCode::from(2);
        }
        ErrorKind::MissingSubcommand => match (e.get(C::InvalidSubcommand), e.get(C::ValidSubcommand)) {
            (Some(ContextValue::String(parent)), Some(ContextValue::Strings(v))) => {
                let mut names: Vec<&str> = v.iter().map(String::as_str).collect();
                let last = names.pop().unwrap_or_default();
                let list = if names.is_empty() {
                    last.to_string()
                } else {
                    format!("{} eller {last}", names.join(", "))
                };
                format!("mangler kommando etter «{parent}»: {list}")
            }
            _ => "mangler kommando".to_string(),
        },
        ErrorKind::InvalidValue | ErrorKind::ValueValidation if detail(C::InvalidValue).is_empty() => {
            format!("{} mangler en verdi", detail(C::InvalidArg))
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let valid = match e.get(C::ValidValue) {
                Some(ContextValue::Strings(v)) if !v.is_empty() => {
                    format!(" (gyldige verdier: {})", v.join(", "))
                }
                _ => String::new(),
            };
            format!("ugyldig verdi «{}» for {}{valid}", detail(C::InvalidValue), detail(C::InvalidArg))
        }
        ErrorKind::MissingRequiredArgument => format!("mangler {}", detail(C::InvalidArg)),
        ErrorKind::ArgumentConflict => {
            format!("{} kan ikke brukes sammen med {}", detail(C::InvalidArg), detail(C::PriorArg))
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!("feil antall verdier for {}", detail(C::InvalidArg))
        }
        _ => "ugyldig bruk".to_string(),
    };
    if e.kind() == ErrorKind::UnknownArgument {
        let args: Vec<String> = std::env::args().skip(1).collect();
        if let Some(name) = spaced_file_name(&args, &detail(C::InvalidArg)) {
            eprintln!(
                "feil: {msg}\n  hjelp: står det mellomrom i filnavnet? sett det i anførselstegn: \"{name}\""
            );
            return ExitCode::from(2);
        }
    }
    let suggestion = [C::SuggestedSubcommand, C::SuggestedArg]
        .into_iter()
        .find_map(|k| match e.get(k) {
            Some(ContextValue::String(s)) => Some(s.clone()),
            Some(ContextValue::Strings(v)) => v.first().cloned(),
            _ => None,
        })
        .map(|s| format!("mente du «{s}»? "))
        .unwrap_or_default();
    eprintln!("feil: {msg}\n  hjelp: {suggestion}kjør «arsplan hjelp» for kommandoene og valgene");
    ExitCode::from(2)
}

/// `arsplan importer Årsplan 2026 Helse Fonna.docx …`: a file name the shell
/// split at its spaces, when the unknown argument is one of its words; the
/// name as it was meant.
fn spaced_file_name(args: &[String], unknown: &str) -> Option<String> {
    let at = args.iter().position(|a| a == "importer" || a == "import")?;
    let words: Vec<&str> =
        args[at + 1..].iter().map(String::as_str).take_while(|a| !a.starts_with('-')).collect();
    (words.len() >= 2 && words[1..].contains(&unknown)).then(|| words.join(" "))
}
