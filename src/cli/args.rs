//! The command line's arguments: Norwegian names, help and defaults.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand};

use crate::diag::{Error, Result};
use crate::{BuildOptions, Selection, DEFAULT_FORMATS};

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
        override_usage = "arsplan send --network <NETTVERK> [--year <ÅR>] [--utkast | --send --smtp-server <TJENER> ...]",
        next_help_heading = "Valg"
    )]
    Send(SendArgs),
    /// Trekk premievinneren blant dem som møtte på alle møtene i året (også: draw)
    #[command(
        alias = "draw",
        help_template = TEMPLATE,
        override_usage = "arsplan trekk --network <NETTVERK> --year <ÅR> [--seed <FRØ>] [--ny]",
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
        /// Trekk på nytt selv om det alt er trukket en vinner for året (begge trekningene lagres)
        #[arg(long)]
        ny: bool,
    },
    /// Skriv en husstil som Word-mal (.dotx) med alle stilene dokumentene bruker, til å endre i Word og bruke med word_mal i stil.toml
    #[command(
        help_template = TEMPLATE,
        override_usage = "arsplan wordmal --stil <STIL> --ut <FIL.dotx> [--network <NETTVERK>]",
        next_help_heading = "Valg"
    )]
    Wordmal {
        /// Husstilen (mappen i templates/, eller i nettverkets maler/ med --network)
        #[arg(long, value_name = "STIL")]
        stil: String,
        /// Filen malen skrives til (.dotx)
        #[arg(long, value_name = "FIL")]
        ut: PathBuf,
        /// Ta med nettverkets egne husstiler (data/<nettverk>/maler/), navn og logo (også --nettverk)
        #[arg(long, alias = "nettverk", value_name = "NETTVERK")]
        network: Option<String>,
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
    /// The build options these arguments name, or an error naming an unknown format.
    pub fn options(&self) -> Result<BuildOptions> {
        let formats: Vec<String> =
            self.format.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        for f in &formats {
            if crate::render::Format::by_name(f).is_none() {
                return Err(Error::msg(format!("ukjent format «{f}»"))
                    .with_hint("bruk docx og/eller pdf, for eksempel --format docx,pdf"));
            }
        }
        Ok(BuildOptions { formats, note: self.notat })
    }
}

impl Sel {
    pub fn selection(&self) -> Selection {
        Selection { networks: self.network.clone(), years: self.year.clone() }
    }
}

/// The options of `arsplan send`.
#[derive(Args, Debug)]
pub struct SendArgs {
    /// Nettverket (mappenavnet i data/) (også --nettverk)
    #[arg(long, alias = "nettverk", value_name = "NETTVERK")]
    pub network: String,
    /// Året planen gjelder (standard: det siste året nettverket har) (også --aar)
    #[arg(long, alias = "aar", value_name = "ÅR")]
    pub year: Option<i32>,
    /// Bare skriv e-postene (.eml) og følgebrevene, send ingenting (standard)
    #[arg(long, conflicts_with_all = ["send", "utkast"])]
    pub dry_run: bool,
    /// Skriv også utkast (utkast/<kommunenummer>.eml) som åpnes i Outlook og sendes fra din egen e-post
    #[arg(long, conflicts_with = "send")]
    pub utkast: bool,
    /// Send e-postene over SMTP (spør først)
    #[arg(long)]
    pub send: bool,
    /// Svar ja på spørsmålet før sending (for skript)
    #[arg(long)]
    pub ja: bool,
    /// SMTP-tjeneren
    #[arg(long, value_name = "TJENER", requires = "send")]
    pub smtp_server: Option<String>,
    /// Porten (standard: 587 for starttls, 465 for tls, 25 for ingen)
    #[arg(long, value_name = "PORT")]
    pub smtp_port: Option<u16>,
    /// starttls, tls eller ingen (ingen bare mot en tjener på denne maskinen) (standard: starttls)
    #[arg(long, value_name = "SIKKERHET", default_value = "starttls", hide_default_value = true)]
    pub sikkerhet: String,
    /// Rotsertifikat (PEM) å stole på i tillegg til de vanlige, for helseforetakets egen SMTP-tjener
    #[arg(long, value_name = "FIL", requires = "send")]
    pub ca_fil: Option<PathBuf>,
    /// Brukernavn for innlogging; passordet leses fra ARSPLAN_SMTP_PASSORD eller spørres om
    #[arg(long, value_name = "BRUKER")]
    pub bruker: Option<String>,
    /// Avsender, «Navn <adresse>» (standard: avsender i nettverk.toml)
    #[arg(long, value_name = "AVSENDER")]
    pub fra: Option<String>,
    /// Send også til adresser som ikke er verifisert
    #[arg(long)]
    pub ta_med_uverifiserte: bool,
    /// Datoen i følgebrevene, dd.mm.åååå (standard: planens dato; for en rettet versjon dagens dato)
    #[arg(long, value_name = "DATO")]
    pub dato: Option<String>,
}
