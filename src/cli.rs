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
    override_usage = "arsplan [VALG] <KOMMANDO>",
    subcommand_help_heading = "Kommandoer",
    next_help_heading = "Valg",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    after_help = "Eksempel: arsplan build --network stavanger --year 2026 --format pdf"
)]
pub struct Cli {
    /// Mappen med nettverkenes data (standard: data)
    #[arg(long, global = true, value_name = "MAPPE", default_value = "data", hide_default_value = true)]
    pub data: PathBuf,
    /// Mappen med husstiler og maler (standard: templates)
    #[arg(long, global = true, value_name = "MAPPE", default_value = "templates", hide_default_value = true)]
    pub maler: PathBuf,
    /// Mappen dokumentene skrives til (standard: output)
    #[arg(long, global = true, value_name = "MAPPE", default_value = "output", hide_default_value = true)]
    pub utdata: PathBuf,
    /// Vis denne hjelpen (også --hjelp)
    #[arg(short = 'h', long = "help", alias = "hjelp", action = ArgAction::Help, global = true)]
    help: Option<bool>,
    /// Vis versjonen
    #[arg(short = 'V', long = "version", action = ArgAction::Version)]
    version: Option<bool>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lag dokumentene; uten valg alle nettverk og år i data/ (også: bygg)
    #[command(
        alias = "bygg",
        help_template = TEMPLATE,
        override_usage = "arsplan build [VALG]",
        next_help_heading = "Valg"
    )]
    Build {
        #[command(flatten)]
        sel: Sel,
        /// Formater, kommaseparert (standard: docx,pdf)
        #[arg(
            long,
            value_delimiter = ',',
            value_name = "FORMAT",
            default_values_t = DEFAULT_FORMATS.map(String::from),
            hide_default_value = true
        )]
        format: Vec<String>,
        /// Skriv også et kort endringsnotat (endringsnotat-<år>.txt) der noe er endret
        #[arg(long)]
        notat: bool,
        /// Vis også filene som ikke ble endret
        #[arg(long)]
        alle: bool,
    },
    /// Kontroller dataene uten å skrive noe, og vis hvilke innsatsområder planene dekker (også: sjekk)
    #[command(
        alias = "sjekk",
        help_template = TEMPLATE,
        override_usage = "arsplan check [VALG]",
        next_help_heading = "Valg"
    )]
    Check {
        #[command(flatten)]
        sel: Sel,
    },
    /// Bygg på nytt hver gang en data- eller malfil lagres, bare det som berøres (også: følg)
    #[command(
        alias = "folg",
        help_template = TEMPLATE,
        override_usage = "arsplan watch [VALG]",
        next_help_heading = "Valg"
    )]
    Watch {
        #[command(flatten)]
        sel: Sel,
        /// Formater, kommaseparert (standard: docx,pdf)
        #[arg(
            long,
            value_delimiter = ',',
            value_name = "FORMAT",
            default_values_t = DEFAULT_FORMATS.map(String::from),
            hide_default_value = true
        )]
        format: Vec<String>,
        /// Skriv også et kort endringsnotat der noe er endret
        #[arg(long)]
        notat: bool,
        /// Avslutt etter så mange nye bygginger (for tester)
        #[arg(long, hide = true)]
        runder: Option<usize>,
    },
    /// Trekk premievinneren blant dem som møtte på alle møtene i året (også: draw)
    #[command(
        alias = "draw",
        help_template = TEMPLATE,
        override_usage = "arsplan trekk --network <NETTVERK> --year <ÅR> [--seed <FRØ>]",
        next_help_heading = "Valg"
    )]
    Trekk {
        /// Nettverket (mappenavnet i data/) (også --nettverk)
        #[arg(long, alias = "nettverk", value_name = "NETTVERK")]
        network: String,
        /// Året (også --aar)
        #[arg(long, alias = "aar", value_name = "ÅR")]
        year: i32,
        /// Frøet fra en tidligere trekning, for å gjenta den (også --fro)
        #[arg(long, alias = "fro", value_name = "FRØ")]
        seed: Option<u64>,
    },
}

#[derive(Args, Debug)]
pub struct Sel {
    /// Bare dette nettverket (mappenavnet i data/); kan gjentas (også --nettverk)
    #[arg(long, alias = "nettverk", value_name = "NETTVERK")]
    pub network: Vec<String>,
    /// Bare dette året; kan gjentas (også --aar)
    #[arg(long, alias = "aar", value_name = "ÅR")]
    pub year: Vec<i32>,
}

impl Sel {
    fn selection(&self) -> Selection {
        Selection { networks: self.network.clone(), years: self.year.clone() }
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
            format!("ugyldig verdi «{}» for {}", detail(C::InvalidValue), detail(C::InvalidArg))
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
    let project =
        Project { data: cli.data.clone(), templates: cli.maler.clone(), output: cli.utdata.clone() };
    match &cli.command {
        Command::Build { sel, format, notat, alle } => {
            let formats: Vec<&str> = format.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
            for f in &formats {
                if crate::render::by_name(f).is_none() {
                    return fail(
                        Error::msg(format!("ukjent format «{f}»"))
                            .with_hint("bruk docx og/eller pdf, for eksempel --format docx,pdf"),
                    );
                }
            }
            match project.build_with(&sel.selection(), &formats, *notat) {
                Ok(built) => {
                    print_built(&built, *alle);
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Command::Watch { sel, format, notat, runder } => {
            let formats: Vec<&str> = format.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
            watch(&project, &sel.selection(), &formats, *notat, *runder)
        }
        Command::Trekk { network, year, seed } => trekk(&project, network, *year, *seed),
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

/// What a build did: warnings, the files it wrote, and what changed.
pub fn print_built(built: &crate::Built, all: bool) {
    print_diagnostics(&built.warnings);
    let mut unchanged = 0;
    for w in &built.written {
        if w.changed {
            println!("skrev {} ({} kB)", w.path.display(), w.size.div_ceil(1024));
        } else {
            unchanged += 1;
            if all {
                println!("uendret {}", w.path.display());
            }
        }
    }
    if unchanged > 0 && !all {
        println!("{unchanged} filer var uendret.");
    }
    if !built.changes.is_empty() {
        println!("\nEndringer siden forrige bygging:");
        for c in &built.changes {
            println!("  {} {}: {}", c.network, c.year, c.text);
        }
    }
}

/// `watch`: builds, then polls the inputs of every selected network's year and
/// rebuilds only the years whose files changed, printing what changed.
fn watch(
    project: &Project,
    sel: &crate::Selection,
    formats: &[&str],
    note: bool,
    rounds: Option<usize>,
) -> ExitCode {
    use std::io::Write;
    let targets = match project.targets(sel) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let roots_of = |n: &str, y: i32| -> Vec<PathBuf> {
        match project.prepare(n, y) {
            Ok(p) => crate::watched_roots(project, &p),
            // Data that does not load yet: watch its folders anyway.
            Err(_) => vec![project.data.join(n), project.templates.clone()],
        }
    };
    let build = |n: &str, y: i32| {
        let t = std::time::Instant::now();
        let one = crate::Selection { networks: vec![n.to_string()], years: vec![y] };
        match project.build_with(&one, formats, note) {
            Ok(built) => {
                print_built(&built, false);
                println!("{n} {y}: bygget på {} ms", t.elapsed().as_millis());
            }
            Err(e) => {
                print_diagnostics(&e.0);
                println!("{n} {y}: ikke bygget; de forrige filene står urørt. Rett feilen og lagre igjen.");
            }
        }
    };
    let mut state: Vec<((String, i32), Vec<PathBuf>, _)> = Vec::new();
    for (n, y) in targets {
        build(&n, y);
        let roots = roots_of(&n, y);
        let fp = crate::fingerprint(&roots);
        state.push(((n, y), roots, fp));
    }
    println!("Venter på endringer (avslutt med Ctrl+C) ...");
    let _ = std::io::stdout().flush();
    let mut done = 0;
    loop {
        std::thread::sleep(std::time::Duration::from_millis(250));
        for ((n, y), roots, fp) in state.iter_mut() {
            let now = crate::fingerprint(roots);
            if now == *fp {
                continue;
            }
            // Let an editor finish writing before reading.
            std::thread::sleep(std::time::Duration::from_millis(100));
            let changed: Vec<String> = now
                .iter()
                .filter(|(f, v)| fp.get(*f) != Some(*v))
                .map(|(f, _)| f.display().to_string())
                .chain(
                    fp.keys().filter(|f| !now.contains_key(*f)).map(|f| format!("{} (slettet)", f.display())),
                )
                .collect();
            println!("\nEndret: {}", changed.join(", "));
            build(n, *y);
            *roots = roots_of(n, *y);
            *fp = crate::fingerprint(roots);
            done += 1;
            let _ = std::io::stdout().flush();
        }
        if rounds.is_some_and(|r| done >= r) {
            return ExitCode::SUCCESS;
        }
    }
}

/// The prize draw: prints the candidates' count, the seed and the winner.
fn trekk(project: &Project, network: &str, year: i32, seed: Option<u64>) -> ExitCode {
    let list = match project.prize_list(network, year) {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    if list.is_empty() {
        eprintln!("Ingen ressurspersoner i {network} møtte på alle møtene de var invitert til i {year}; det er ingen å trekke blant.");
        return ExitCode::from(1);
    }
    let seed = seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
    });
    let winner = crate::report::draw(&list, seed).unwrap_or_default();
    println!("Trekning blant {} ressurspersoner som møtte på alle møtene i {year}.", list.len());
    println!("Frø: {seed}");
    println!("Vinner: {winner}");
    println!("Gjenta trekningen med: arsplan trekk --network {network} --year {year} --seed {seed}");
    ExitCode::SUCCESS
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
        let items: Vec<_> = c.items.iter().filter(|(id, _, _)| ids.contains(&id.as_str())).collect();
        let served: Vec<&str> =
            items.iter().filter(|(_, _, by)| !by.is_empty()).map(|(id, _, _)| id.as_str()).collect();
        println!(
            "  {}. {}: {} av {} dekket{}",
            area.nr,
            area.name,
            served.len(),
            items.len(),
            if served.is_empty() { String::new() } else { format!(" ({})", served.join(", ")) }
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
