//! The command line: Norwegian help and messages over the library's
//! [`Project`](crate::Project). `main` parses, [`run`] dispatches to one
//! function per command, and every failure leaves through one exit point.

mod args;
mod commands;

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, FromArgMatches};

pub use args::{Cli, Command};

use crate::diag::Error;
use crate::Project;

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

/// Runs a parsed command line.
pub fn run(cli: &Cli) -> Outcome {
    let project =
        Project { data: cli.data.clone(), templates: cli.maler.clone(), output: cli.utdata.clone() };
    match &cli.command {
        Command::Build { sel, out, alle } => commands::build(&project, sel, out, *alle),
        Command::Check { sel } => commands::check(&project, sel),
        Command::Watch { sel, out, runder } => commands::watch(&project, sel, out, *runder),
        Command::Send(args) => commands::send(&project, args),
        Command::Trekk { network, year, seed, ny } => commands::trekk(&project, network, *year, *seed, *ny),
        Command::Wordmal { stil, ut, network } => commands::wordmal(&project, stil, ut, network.as_deref()),
    }
}

/// Parses the arguments, runs the command, and turns its outcome into an exit code.
pub fn main() -> ExitCode {
    let parsed = Cli::command().try_get_matches().and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => return usage_error(e),
    };
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Quiet(code)) => ExitCode::from(code),
        Err(Failure::Errors(e)) => {
            commands::print_diagnostics(&e.0);
            let n = e.0.iter().filter(|d| d.is_error()).count();
            eprintln!("\n{n} feil. Ingen filer er endret.");
            ExitCode::from(1)
        }
    }
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
        ErrorKind::InvalidSubcommand => format!("ukjent kommando «{}»", detail(C::InvalidSubcommand)),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "mangler kommando".to_string()
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            format!("ugyldig verdi «{}» for {}", detail(C::InvalidValue), detail(C::InvalidArg))
        }
        ErrorKind::MissingRequiredArgument => format!("mangler {}", detail(C::InvalidArg)),
        _ => "ugyldig bruk".to_string(),
    };
    eprintln!("feil: {msg}\n  hjelp: kjør «arsplan --help» for kommandoene og valgene");
    ExitCode::from(2)
}
