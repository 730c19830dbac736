//! The command line's arguments: Norwegian names first (the English ones of
//! earlier versions stay as hidden aliases, so scripts keep working), and
//! Norwegian help and defaults.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand};
use clap_complete::Shell;

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
    about = "Lager årsplanen (og årsrapporten) for nettverk i kreftomsorg og lindrende behandling i Word og PDF, fra Excel-ark.",
    help_template = TEMPLATE,
    override_usage = "arsplan [VALG] <KOMMANDO>",
    subcommand_help_heading = "Kommandoer",
    next_help_heading = "Valg",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    after_help = "Uten kommando: en kort veiledning i terminalen, eller nettsiden når arsplan startes med et dobbeltklikk.\nBrukerveiledningen står i README-filen, avsnittet «Brukerveiledning».\n\nEksempel: arsplan bygg --nettverk stavanger --år 2026 --format pdf"
)]
pub struct Cli {
    /// Mappen med nettverkenes data (standard: data/ i prosjektmappen)
    #[arg(long, global = true, value_name = "MAPPE")]
    pub data: Option<PathBuf>,
    /// Mappen med egne husstiler og maler (standard: templates/ i prosjektmappen; de innebygde stilene finnes alltid)
    #[arg(long, global = true, value_name = "MAPPE")]
    pub maler: Option<PathBuf>,
    /// Mappen dokumentene skrives til (standard: output/ i prosjektmappen)
    #[arg(long, global = true, value_name = "MAPPE")]
    pub utdata: Option<PathBuf>,
    /// Vis bare feil og advarsler
    #[arg(short = 'q', long = "stille", alias = "quiet", global = true, conflicts_with = "detaljert")]
    pub stille: bool,
    /// Vis mer: også uendrede filer og tider
    #[arg(short = 'v', long = "detaljert", alias = "verbose", global = true)]
    pub detaljert: bool,
    /// Vis denne hjelpen
    #[arg(short = 'h', long = "hjelp", alias = "help", action = ArgAction::Help, global = true)]
    help: Option<bool>,
    /// Vis versjonen
    #[arg(short = 'V', long = "versjon", alias = "version", action = ArgAction::Version)]
    version: Option<bool>,
    /// Uten kommando: veiledningen (i en terminal) eller nettsiden (ellers).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What `arsplan wordmal` can do besides writing a template.
#[derive(Subcommand, Debug)]
pub enum WordmalCommand {
    /// Ta helseforetakets Word-mal i bruk for et nettverk: nettverket får en egen husstil som arver den det har, med malen kopiert inn og satt som word_mal
    #[command(
        help_template = TEMPLATE,
        override_usage = "arsplan wordmal bruk <FIL.dotx> --nettverk <NETTVERK>",
        next_help_heading = "Valg",
        after_help = "Eksempel: arsplan wordmal bruk helse-stavanger.dotx --nettverk stavanger"
    )]
    Bruk {
        /// Word-malen (.dotx, eller .docx)
        #[arg(value_name = "FIL.dotx")]
        fil: PathBuf,
        /// Nettverket (mappen i data/) som skal bruke malen
        #[arg(long = "nettverk", alias = "network", value_name = "NETTVERK")]
        nettverk: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lag dokumentene; uten valg alle nettverk og år i data/
    #[command(
        name = "bygg",
        alias = "build",
        help_template = TEMPLATE,
        override_usage = "arsplan bygg [VALG]",
        next_help_heading = "Valg",
        after_help = "Eksempler:\n  arsplan bygg\n  arsplan bygg --nettverk stavanger --år 2026 --format pdf\n  arsplan bygg --notat\n  arsplan bygg --på-nytt\n  arsplan bygg --nettverk stavanger --år 2026 --endringer-siden utsending"
    )]
    Build {
        #[command(flatten)]
        sel: Sel,
        #[command(flatten)]
        out: Out,
        /// Vis også filene som ikke ble endret
        #[arg(long)]
        alle: bool,
        /// Lag også en endringsversjon (Word med sporede endringer, PDF med endringene merket) av hvert dokument som er endret siden en utsending: «utsending» for den siste, eller en dato
        #[arg(long = "endringer-siden", value_name = "DATO|utsending")]
        endringer_siden: Option<String>,
    },
    /// Kontroller dataene uten å skrive noe, og vis hvilke innsatsområder planene dekker
    #[command(
        name = "sjekk",
        alias = "check",
        help_template = TEMPLATE,
        override_usage = "arsplan sjekk [VALG]",
        next_help_heading = "Valg",
        after_help = "Eksempel: arsplan sjekk --nettverk stavanger"
    )]
    Check {
        #[command(flatten)]
        sel: Sel,
    },
    /// Bygg på nytt hver gang en data- eller malfil lagres, bare det som berøres
    #[command(
        name = "følg",
        aliases = ["folg", "watch"],
        help_template = TEMPLATE,
        override_usage = "arsplan følg [VALG]",
        next_help_heading = "Valg",
        after_help = "Eksempel: arsplan følg --nettverk stavanger --år 2026"
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
    /// Send planen og årsrapporten med følgebrev til postmottaket i hver kommune (prøvekjøring er standard)
    #[command(
        help_template = TEMPLATE,
        override_usage = "arsplan send [--nettverk <NETTVERK>] [--år <ÅR>] [--utkast | --utkast-sendt | --send --smtp-tjener <TJENER> ...]",
        next_help_heading = "Valg",
        after_help = "Eksempler:\n  arsplan send --nettverk stavanger --år 2026\n  arsplan send --nettverk stavanger --år 2026 --utkast\n  arsplan send --nettverk stavanger --år 2026 --utkast-sendt\n  arsplan send --nettverk stavanger --år 2026 --send --smtp-tjener smtp.example.no --bruker nettverk"
    )]
    Send(SendArgs),
    /// Trekk premievinneren blant dem som møtte på alle møtene i året
    #[command(
        alias = "draw",
        help_template = TEMPLATE,
        override_usage = "arsplan trekk [--nettverk <NETTVERK>] [--år <ÅR>] [--frø <FRØ>] [--ny]",
        next_help_heading = "Valg",
        after_help = "Eksempel: arsplan trekk --nettverk stavanger --år 2025"
    )]
    Trekk {
        /// Nettverket (mappenavnet i data/; standard: prosjektets eneste nettverk)
        #[arg(long = "nettverk", alias = "network", value_name = "NETTVERK")]
        network: Option<String>,
        /// Året (standard: det siste året med årsrapport, til og med i år)
        #[arg(long = "år", aliases = ["aar", "year"], value_name = "ÅR")]
        year: Option<i32>,
        /// Frøet fra en tidligere trekning, for å gjenta den
        #[arg(long = "frø", aliases = ["fro", "seed"], value_name = "FRØ")]
        seed: Option<u64>,
        /// Trekk på nytt selv om det alt er trukket en vinner for året (begge trekningene lagres)
        #[arg(long)]
        ny: bool,
    },
    /// Åpne nettsiden i nettleseren: lag et nettverk, se året, flytt en dato, bygg, last ned og send
    #[command(
        name = "nettside",
        alias = "serve",
        help_template = TEMPLATE,
        override_usage = "arsplan nettside [--port <PORT>] [--ingen-nettleser]",
        next_help_heading = "Valg",
        after_help = "Nettsiden kjører bare på denne maskinen (127.0.0.1) og krever nøkkelen i adressen som skrives ut.\n\nEksempel: arsplan nettside"
    )]
    Serve {
        /// Porten nettsiden lytter på (standard: en ledig port)
        #[arg(long, value_name = "PORT")]
        port: Option<u16>,
        /// Ikke åpne nettleseren; bare skriv ut adressen
        #[arg(long = "ingen-nettleser")]
        ingen_nettleser: bool,
    },
    /// Skriv en husstil som Word-mal (.dotx) med alle stilene dokumentene bruker, til å endre i Word; «wordmal bruk» tar en mal i bruk
    #[command(
        help_template = TEMPLATE,
        override_usage = "arsplan wordmal --stil <STIL> --ut <FIL.dotx> [--nettverk <NETTVERK>]\n       arsplan wordmal bruk <FIL.dotx> --nettverk <NETTVERK>",
        next_help_heading = "Valg",
        subcommand_help_heading = "Kommandoer",
        subcommand_negates_reqs = true,
        args_conflicts_with_subcommands = true,
        after_help = "Eksempel: arsplan wordmal --stil helse-stavanger --ut helse-stavanger.dotx\n          arsplan wordmal bruk helse-stavanger.dotx --nettverk stavanger"
    )]
    Wordmal {
        #[command(subcommand)]
        command: Option<WordmalCommand>,
        /// Husstilen (mappen i templates/, eller i nettverkets maler/ med --nettverk)
        #[arg(long, value_name = "STIL", required = true)]
        stil: Option<String>,
        /// Filen malen skrives til (.dotx)
        #[arg(long, value_name = "FIL", required = true)]
        ut: Option<PathBuf>,
        /// Ta med nettverkets egne husstiler (data/<nettverk>/maler/), navn og logo
        #[arg(long = "nettverk", alias = "network", value_name = "NETTVERK")]
        network: Option<String>,
    },
    /// Les fjorårets plan fra Word (.docx) og lag et nytt år av den: plan, møter og tekster, med en rapport over hva som ble hva
    #[command(
        name = "importer",
        alias = "import",
        help_template = TEMPLATE,
        override_usage = "arsplan importer <FIL.docx> --nettverk <NETTVERK> [--år <ÅR>] [--stil <STIL>] [--csv]",
        next_help_heading = "Valg",
        after_help = "I en tom mappe startes et nytt prosjekt. Et år som finnes, skrives aldri over.\n\nEksempel: arsplan importer arsplan-2025.docx --nettverk fonna --år 2026"
    )]
    Importer {
        /// Word-filen med planen (.docx)
        #[arg(value_name = "FIL")]
        fil: PathBuf,
        /// Nettverket (mappenavnet i data/); finnes det ikke, lages det
        #[arg(long = "nettverk", alias = "network", value_name = "NETTVERK")]
        nettverk: String,
        /// Året planen gjelder (standard: året i dokumentets tittel)
        #[arg(long = "år", aliases = ["aar", "year"], value_name = "ÅR")]
        year: Option<i32>,
        /// Husstilen (standard: nettverkets, ellers gjettet fra dokumentet)
        #[arg(long, value_name = "STIL")]
        stil: Option<String>,
        /// Lag tabellene som CSV i stedet for Excel-arbeidsbøker
        #[arg(long)]
        csv: bool,
    },
    /// Lag eksempeldata, et nytt nettverk eller et nytt år
    #[command(
        help_template = TEMPLATE,
        override_usage = "arsplan ny <eksempel | nettverk | år> [VALG]",
        subcommand_help_heading = "Kommandoer",
        next_help_heading = "Valg",
        after_help = "Eksempler:\n  arsplan ny eksempel\n  arsplan ny nettverk\n  arsplan ny nettverk fonna --stil felles --helseforetak \"Helse Fonna\" --år 2027\n  arsplan ny år --nettverk stavanger --år 2027"
    )]
    Ny {
        #[command(subcommand)]
        command: NyCommand,
    },
    /// Vis hjelpen for en kommando
    #[command(
        alias = "help",
        help_template = TEMPLATE,
        override_usage = "arsplan hjelp [KOMMANDO]",
        next_help_heading = "Valg",
        after_help = "Eksempel: arsplan hjelp bygg"
    )]
    Hjelp {
        /// Kommandoen du vil ha hjelp til
        #[arg(value_name = "KOMMANDO")]
        kommando: Vec<String>,
    },
    /// Skriv fullføring av kommandoer for skallet (bash, zsh, fish, powershell, elvish)
    #[command(
        name = "fullforing",
        aliases = ["fullføring", "completions"],
        help_template = TEMPLATE,
        override_usage = "arsplan fullforing <SKALL>",
        next_help_heading = "Valg",
        after_help = "Eksempel: arsplan fullforing bash > ~/.local/share/bash-completion/completions/arsplan"
    )]
    Fullforing {
        /// bash, zsh, fish, powershell eller elvish
        #[arg(value_name = "SKALL", hide_possible_values = true)]
        skall: Shell,
    },
}

/// What `arsplan ny` makes.
#[derive(Subcommand, Debug)]
pub enum NyCommand {
    /// Lag et eget prosjekt med eksempelnettverkene (mappen arsplan-eksempel), så noe kan bygges med én gang
    #[command(
        help_template = TEMPLATE,
        override_usage = "arsplan ny eksempel",
        next_help_heading = "Valg",
        after_help = "Eksemplene havner i sin egen mappe, arsplan-eksempel, og blandes aldri med ditt eget nettverk.\n\nEksempel: arsplan ny eksempel"
    )]
    Eksempel,
    /// Lag et nytt nettverk: spør om det som trengs (navn, helseforetak, husstil, grupper, signatarer, avsender, logo) og lager et år å fylle ut
    #[command(
        help_template = TEMPLATE,
        override_usage = "arsplan ny nettverk [MAPPENAVN] [VALG]",
        next_help_heading = "Valg",
        after_help = "Det som ikke er gitt som valg, spørres om (trykk Enter for forslaget i [klammer]).\n\nEksempler:\n  arsplan ny nettverk\n  arsplan ny nettverk fonna --helseforetak \"Helse Fonna\" --grupper \"Haugesund, Stord, Odda\" --år 2027 --standard"
    )]
    Nettverk(NewNetworkArgs),
    /// Lag neste år fra det siste året før det: møtene flyttes til samme ukedag i samme uke
    #[command(
        name = "år",
        alias = "aar",
        help_template = TEMPLATE,
        override_usage = "arsplan ny år [--nettverk <NETTVERK>] [--år <ÅR>]",
        next_help_heading = "Valg",
        after_help = "Eksempel: arsplan ny år --nettverk stavanger --år 2027"
    )]
    Ar {
        /// Nettverket (mappenavnet i data/; standard: prosjektets eneste nettverk)
        #[arg(long = "nettverk", alias = "network", value_name = "NETTVERK")]
        network: Option<String>,
        /// Det nye året (standard: året som planlegges, fra 1. oktober neste år)
        #[arg(long = "år", aliases = ["aar", "year"], value_name = "ÅR")]
        year: Option<i32>,
    },
}

/// The options of `arsplan ny nettverk`: each one not given is asked for.
#[derive(Args, Debug, Default, Clone)]
pub struct NewNetworkArgs {
    /// Mappenavnet: små bokstaver, sifre og bindestrek, for eksempel fonna
    #[arg(value_name = "MAPPENAVN")]
    pub navn: Option<String>,
    /// Nettverkets fulle navn, slik det står i dokumentene
    #[arg(long = "fullt-navn", value_name = "NAVN")]
    pub fullt_navn: Option<String>,
    /// Helseforetaket, for eksempel «Helse Fonna»
    #[arg(long, value_name = "NAVN")]
    pub helseforetak: Option<String>,
    /// Husstilen dokumentene lages i (for eksempel felles, helse-stavanger, helse-bergen, ahus)
    #[arg(long, value_name = "STIL")]
    pub stil: Option<String>,
    /// Året planen gjelder (standard: året som planlegges, fra 1. oktober neste år)
    #[arg(long = "år", aliases = ["aar", "year"], value_name = "ÅR")]
    pub year: Option<i32>,
    /// De lokale nettverksgruppene, med komma mellom: «Haugesund, Stord, Odda»
    #[arg(long, value_name = "GRUPPER")]
    pub grupper: Option<String>,
    /// En som signerer planen, for eksempel «Kari Nordmann, leder av driftsgruppen»; kan gjentas
    #[arg(long = "signatar", value_name = "NAVN OG ROLLE")]
    pub signatarer: Vec<String>,
    /// Avsenderen når planen sendes til kommunene: «Navn <adresse>» eller en e-postadresse
    #[arg(long, value_name = "AVSENDER")]
    pub avsender: Option<String>,
    /// Nettverkets logo (en PNG-fil), som kopieres inn som logo.png
    #[arg(long, value_name = "FIL")]
    pub logo: Option<PathBuf>,
    /// Lag tabellene som CSV i stedet for Excel-arbeidsbøker
    #[arg(long)]
    pub csv: bool,
    /// Ikke spør: bruk forslagene for det som ikke er gitt som valg
    #[arg(long)]
    pub standard: bool,
}

#[derive(Args, Debug)]
pub struct Sel {
    /// Bare dette nettverket (mappenavnet i data/); kan gjentas
    #[arg(long = "nettverk", alias = "network", value_name = "NETTVERK")]
    pub network: Vec<String>,
    /// Bare dette året; kan gjentas
    #[arg(long = "år", aliases = ["aar", "year"], value_name = "ÅR")]
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
        default_values_t = DEFAULT_FORMATS.map(|f| f.extension().to_string()),
        hide_default_value = true
    )]
    pub format: Vec<String>,
    /// Skriv også et kort endringsnotat (endringsnotat-<år>.txt) der noe er endret
    #[arg(long)]
    pub notat: bool,
    /// Lag dokumentene på nytt også der ingenting er endret siden forrige gang
    #[arg(long = "på-nytt", alias = "pa-nytt")]
    pub again: bool,
}

impl Out {
    /// The build options these arguments name, or an error naming an unknown format.
    pub fn options(&self) -> Result<BuildOptions> {
        let mut formats = Vec::new();
        for f in self.format.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            match crate::render::Format::by_name(f) {
                Some(f) if !formats.contains(&f) => formats.push(f),
                Some(_) => {}
                None => {
                    return Err(Error::msg(format!("ukjent format «{f}»"))
                        .with_hint("bruk docx og/eller pdf, for eksempel --format docx,pdf"))
                }
            }
        }
        Ok(BuildOptions { formats, note: self.notat, again: self.again })
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
    /// Nettverket (mappenavnet i data/; standard: prosjektets eneste nettverk)
    #[arg(long = "nettverk", alias = "network", value_name = "NETTVERK")]
    pub network: Option<String>,
    /// Året planen gjelder (standard: året som planlegges, fra 1. oktober neste år; ellers det siste året før)
    #[arg(long = "år", aliases = ["aar", "year"], value_name = "ÅR")]
    pub year: Option<i32>,
    /// Bare skriv e-postene (.eml) og følgebrevene, send ingenting (standard)
    #[arg(long = "prøve", aliases = ["prove", "dry-run"], conflicts_with_all = ["send", "utkast", "utkast_sendt"])]
    pub dry_run: bool,
    /// Skriv også utkast (utkast/<kommunenummer>.eml) som åpnes i Outlook og sendes fra din egen e-post
    #[arg(long, conflicts_with_all = ["send", "utkast_sendt"])]
    pub utkast: bool,
    /// Bekreft at utkastene er sendt fra Outlook (alle, eller bare disse kommunenumrene, med komma mellom)
    #[arg(
        long = "utkast-sendt",
        value_name = "KOMMUNENUMRE",
        num_args = 0..,
        value_delimiter = ',',
        conflicts_with = "send"
    )]
    pub utkast_sendt: Option<Vec<String>>,
    /// Send e-postene over SMTP (spør først)
    #[arg(long)]
    pub send: bool,
    /// Svar ja på spørsmålet før sending (for skript)
    #[arg(long)]
    pub ja: bool,
    /// SMTP-tjeneren
    #[arg(long = "smtp-tjener", alias = "smtp-server", value_name = "TJENER", requires = "send")]
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
    /// Datoen i følgebrevene, dd.mm.åååå (standard: dagens dato; en dato fram i tid gir en advarsel)
    #[arg(long, value_name = "DATO")]
    pub dato: Option<String>,
}
