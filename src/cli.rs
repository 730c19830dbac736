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
        #[command(flatten)]
        out: Out,
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
    /// Bygg på nytt hver gang en data- eller malfil lagres, bare det som berøres (også: folg)
    #[command(
        alias = "folg",
        help_template = TEMPLATE,
        override_usage = "arsplan watch [VALG]",
        next_help_heading = "Valg"
    )]
    Watch {
        #[command(flatten)]
        sel: Sel,
        #[command(flatten)]
        out: Out,
        /// Avslutt etter så mange nye bygginger (for tester)
        #[arg(long, hide = true)]
        runder: Option<usize>,
    },
    /// Send årsplan og årsrapport med følgebrev til postmottak i alle kommunene (prøvekjøring er standard)
    #[command(
        help_template = TEMPLATE,
        override_usage = "arsplan send --network <NETTVERK> [--year <ÅR>] [--send --smtp-server <TJENER> ...]",
        next_help_heading = "Valg"
    )]
    Send {
        /// Nettverket (mappenavnet i data/) (også --nettverk)
        #[arg(long, alias = "nettverk", value_name = "NETTVERK")]
        network: String,
        /// Året planen gjelder (standard: det siste året nettverket har) (også --aar)
        #[arg(long, alias = "aar", value_name = "ÅR")]
        year: Option<i32>,
        /// Bare skriv e-postene (.eml) og følgebrevene, send ingenting (standard)
        #[arg(long, conflicts_with = "send")]
        dry_run: bool,
        /// Send e-postene over SMTP
        #[arg(long)]
        send: bool,
        /// SMTP-tjeneren
        #[arg(long, value_name = "TJENER", requires = "send")]
        smtp_server: Option<String>,
        /// Porten (standard: 587 for starttls, 465 for tls, 25 for ingen)
        #[arg(long, value_name = "PORT")]
        smtp_port: Option<u16>,
        /// starttls, tls eller ingen (ingen bare mot en tjener på denne maskinen) (standard: starttls)
        #[arg(long, value_name = "SIKKERHET", default_value = "starttls", hide_default_value = true)]
        sikkerhet: String,
        /// Brukernavn for innlogging; passordet leses fra ARSPLAN_SMTP_PASSORD eller spørres om
        #[arg(long, value_name = "BRUKER")]
        bruker: Option<String>,
        /// Avsender, «Navn <adresse>» (standard: avsender i nettverk.toml)
        #[arg(long, value_name = "AVSENDER")]
        fra: Option<String>,
        /// Send også til adresser som ikke er verifisert
        #[arg(long)]
        ta_med_uverifiserte: bool,
        /// Datoen i følgebrevene, dd.mm.åååå (standard: planens dato)
        #[arg(long, value_name = "DATO")]
        dato: Option<String>,
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

/// What a build writes: formats, and whether to write a note on what changed.
#[derive(Args, Debug)]
pub struct Out {
    /// Formater, kommaseparert (standard: docx,pdf)
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "FORMAT",
        default_values_t = DEFAULT_FORMATS.map(String::from),
        hide_default_value = true
    )]
    pub format: Vec<String>,
    /// Skriv også et kort endringsnotat (endringsnotat-<år>.txt) der noe er endret
    #[arg(long)]
    pub notat: bool,
}

impl Out {
    /// The named formats, or an error naming the unknown one.
    fn formats(&self) -> std::result::Result<Vec<&str>, Error> {
        let formats: Vec<&str> = self.format.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
        for f in &formats {
            if crate::render::by_name(f).is_none() {
                return Err(Error::msg(format!("ukjent format «{f}»"))
                    .with_hint("bruk docx og/eller pdf, for eksempel --format docx,pdf"));
            }
        }
        Ok(formats)
    }
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
        Command::Build { sel, out, alle } => {
            let formats = match out.formats() {
                Ok(f) => f,
                Err(e) => return fail(e),
            };
            match project.build_with(&sel.selection(), &formats, out.notat) {
                Ok(built) => {
                    print_built(&built, *alle);
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Command::Watch { sel, out, runder } => match out.formats() {
            Ok(formats) => watch(&project, &sel.selection(), &formats, out.notat, *runder),
            Err(e) => fail(e),
        },
        Command::Send {
            network,
            year,
            send,
            smtp_server,
            smtp_port,
            sikkerhet,
            bruker,
            fra,
            ta_med_uverifiserte,
            dato,
            ..
        } => {
            let date = match dato.as_deref().map(crate::dates::parse) {
                Some(Ok(d)) => Some(d),
                Some(Err(_)) => {
                    return fail(
                        Error::msg(format!("«{}» er ingen dato", dato.clone().unwrap_or_default()))
                            .with_hint("skriv datoen som dd.mm.åååå"),
                    )
                }
                None => None,
            };
            let year = match year {
                Some(y) => *y,
                None => match crate::load::years(&project.data, network) {
                    Ok(ys) if !ys.is_empty() => *ys.last().unwrap_or(&0),
                    Ok(_) => return fail(Error::msg(format!("nettverket «{network}» har ingen planer"))),
                    Err(e) => return fail(e),
                },
            };
            let opts =
                crate::MailOptions { include_unverified: *ta_med_uverifiserte, date, from: fra.clone() };
            let smtp = if *send {
                let Some(host) = smtp_server.clone() else {
                    return fail(
                        Error::msg("--send trenger --smtp-server")
                            .with_hint("oppgi SMTP-tjeneren, for eksempel --smtp-server smtp.office365.com"),
                    );
                };
                let port = smtp_port.unwrap_or(match sikkerhet.as_str() {
                    "tls" => 465,
                    "ingen" => 25,
                    _ => 587,
                });
                let password = match bruker {
                    Some(u) => match std::env::var("ARSPLAN_SMTP_PASSORD") {
                        Ok(p) => Some(p),
                        Err(_) => match rpassword::prompt_password(format!("Passord for {u}: ")) {
                            Ok(p) => Some(p),
                            Err(_) => {
                                return fail(Error::msg("fant ikke passordet")
                                    .with_hint("sett miljøvariabelen ARSPLAN_SMTP_PASSORD, eller kjør kommandoen i et terminalvindu"))
                            }
                        },
                    },
                    None => None,
                };
                Some(crate::send::Smtp {
                    host,
                    port,
                    security: sikkerhet.clone(),
                    user: bruker.clone(),
                    password,
                })
            } else {
                None
            };
            mail(&project, network, year, &opts, smtp.as_ref())
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

/// `send`: writes letters and messages, prints who gets what, and sends when asked.
fn mail(
    project: &Project,
    network: &str,
    year: i32,
    opts: &crate::MailOptions,
    smtp: Option<&crate::send::Smtp>,
) -> ExitCode {
    let mailing = match project.mailing(network, year, opts) {
        Ok(m) => m,
        Err(e) => return fail(e),
    };
    if let Err(e) = project.write_mailing(&mailing) {
        return fail(e);
    }
    println!("{:<8} {:<28} {:<46} {:<4} Status", "Nummer", "Kommune", "Postmottak", "Ver.");
    for o in &mailing.outgoing {
        let r = &o.recipient;
        println!(
            "{:<8} {:<28} {:<46} {:<4} {}",
            r.kommunenummer,
            r.kommune,
            r.address.to_string(),
            if r.verified { "ja" } else { "nei" },
            o.action.label()
        );
    }
    let to_send = mailing
        .outgoing
        .iter()
        .filter(|o| matches!(o.action, crate::send::Action::Send | crate::send::Action::Correction))
        .count();
    let attachments = mailing.outgoing.first().map(|o| o.attachments.join(", ")).unwrap_or_default();
    println!("\nVedlegg: {attachments}");
    println!("E-postene og følgebrevene ligger i {}.", mailing.dir.display());
    let Some(smtp) = smtp else {
        println!("Prøvekjøring: ingenting er sendt. {to_send} mottakere ville fått e-post; send med --send --smtp-server <tjener>.");
        return ExitCode::SUCCESS;
    };
    let progress = indicatif::ProgressBar::new(to_send as u64);
    progress.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let result = project.send_mailing(&mailing, smtp, &progress);
    progress.finish_and_clear();
    match result {
        Ok(n) => {
            println!("Sendt: {n} e-poster. Sendeloggen er {}.", mailing.dir.join("sendelogg.json").display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            print_diagnostics(&e.0);
            eprintln!(
                "\nSendeloggen ({}) viser hvem som har fått e-post. Kjør samme kommando igjen for å sende til resten.",
                mailing.dir.join("sendelogg.json").display()
            );
            ExitCode::from(1)
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
