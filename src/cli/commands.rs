//! One function per command: each does its work through the library, prints
//! what a leader needs to see, and returns its outcome to the one exit point.

use std::io::Write;

use super::args::{Out, Sel, SendArgs};
use super::{ask, Cli, Failure, NyCommand, Outcome, Verbosity};
use crate::build::{Built, StrategyCoverage};
use crate::diag::count;
use crate::diag::{Diagnostic, Error, Location};
use crate::mailing::{self, MailOptions, Mailing};
use crate::send::{Action, Security, Smtp};
use crate::watch::{self, Event};
use crate::{load, Project};

pub fn print_diagnostics(ds: &[Diagnostic]) {
    for d in ds {
        eprintln!("{d}");
    }
}

/// What a build did: warnings, the files it wrote, and what changed.
fn print_built(built: &Built, all: bool, verbosity: Verbosity) {
    print_diagnostics(&built.warnings);
    // A file edited by hand is never lost: say where it went, even when quiet.
    for w in &built.written {
        if let Some(crate::publish::Kept::Edited(to)) = &w.kept {
            eprintln!(
                "advarsel: {} var endret etter at arsplan laget den; den er tatt vare på som «{}»\n  hjelp: endringer i dokumentene gjøres i dataene (eller malene), ellers forsvinner de ved neste bygging",
                w.path.display(),
                to.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
            );
        }
    }
    if verbosity == Verbosity::Quiet {
        return;
    }
    let mut unchanged = 0;
    for w in &built.written {
        if let (Some(crate::publish::Kept::Version(to)), Verbosity::Verbose) = (&w.kept, verbosity) {
            println!("forrige versjon: {}", to.display());
        }
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
        println!("{} uendret.", count(unchanged, "fil var", "filer var"));
    }
    if !built.unchanged.is_empty() {
        let years: Vec<String> = built.unchanged.iter().map(|(n, y)| format!("{n} {y}")).collect();
        println!(
            "Uendret siden forrige bygging, ikke laget på nytt: {}. (Bruk --på-nytt for å lage alt likevel.)",
            years.join(", ")
        );
    }
    if !built.changes.is_empty() {
        println!("\nEndringer siden forrige bygging:");
        for c in &built.changes {
            println!("  {} {}: {}", c.network, c.year, c.text);
        }
    }
}

/// `build`: makes the documents and writes them.
pub fn build(project: &Project, sel: &Sel, out: &Out, all: bool, verbosity: Verbosity) -> Outcome {
    let started = std::time::Instant::now();
    let built = project.build(&sel.selection(), &out.options()?)?;
    print_built(&built, all, verbosity);
    if verbosity == Verbosity::Verbose {
        println!("Bygget på {} ms.", started.elapsed().as_millis());
    }
    Ok(())
}

/// `check`: every check, nothing written; coverage of the strategy.
pub fn check(project: &Project, sel: &Sel) -> Outcome {
    let (warnings, reports) = project.check(&sel.selection())?;
    print_diagnostics(&warnings);
    for r in &reports {
        print_coverage(r);
    }
    println!("Kontrollert: ingen feil ({}).", count(warnings.len(), "advarsel", "advarsler"));
    Ok(())
}

/// `watch`: builds, then rebuilds what each saved file affects.
pub fn watch(project: &Project, sel: &Sel, out: &Out, rounds: Option<usize>) -> Outcome {
    let opts = out.options()?;
    watch::run(project, &sel.selection(), &opts, rounds, &mut |event| {
        match event {
            Event::Built { network, year, built, elapsed } => {
                print_built(&built, false, Verbosity::Normal);
                println!("{network} {year}: bygget på {} ms", elapsed.as_millis());
            }
            Event::Failed { network, year, error } => {
                print_diagnostics(&error.0);
                println!("{network} {year}: ikke bygget; de forrige filene står urørt. Rett feilen og lagre igjen.");
            }
            Event::Changed(files) => println!("\nEndret: {}", files.join(", ")),
            Event::Waiting => println!("Venter på endringer (avslutt med Ctrl+C) ..."),
        }
        let _ = std::io::stdout().flush();
    })?;
    Ok(())
}

/// The SMTP settings of `send --send`, checked (security, `--ca-fil`) before
/// anything is built; the password is asked for only after the confirmation.
fn smtp(args: &SendArgs) -> Result<Option<Smtp>, Error> {
    if !args.send {
        return Ok(None);
    }
    let Some(host) = args.smtp_server.clone() else {
        return Err(Error::msg("--send trenger --smtp-tjener")
            .with_hint("oppgi SMTP-tjeneren, for eksempel --smtp-tjener smtp.office365.com"));
    };
    let security = Security::parse(&args.sikkerhet)?;
    let smtp = Smtp {
        host,
        port: args.smtp_port.unwrap_or(security.default_port()),
        security,
        user: args.bruker.clone(),
        password: None,
        ca_file: args.ca_fil.clone(),
    };
    smtp.transport()?;
    Ok(Some(smtp))
}

/// The password of `--bruker`, from the environment or a prompt.
fn password(smtp: &mut Smtp) -> Result<(), Error> {
    let Some(u) = &smtp.user else { return Ok(()) };
    smtp.password = Some(match crate::send::password_from_env() {
        Some(p) => p,
        None => rpassword::prompt_password(format!("Passord for {u}: ")).map_err(|_| {
            Error::msg("fant ikke passordet").with_hint(
                "sett miljøvariabelen ARSPLAN_SMTP_PASSORD, eller kjør kommandoen i et terminalvindu",
            )
        })?,
    });
    Ok(())
}

/// The question before sending: how many get a message, and who does not.
fn question(m: &Mailing) -> String {
    let to_send = m.outgoing.iter().filter(|o| o.action.sends()).count();
    let unverified = m.outgoing.iter().filter(|o| o.action == Action::Unverified).count();
    let drafted = m.outgoing.iter().filter(|o| o.action.sends() && o.drafted).count();
    let mut notes = Vec::new();
    if unverified > 0 {
        notes.push(format!("{} hoppes over", count(unverified, "uverifisert", "uverifiserte")));
    }
    if drafted > 0 {
        notes.push(format!(
            "{} har fått laget utkast av denne versjonen; er utkastene sendt fra Outlook, får de den to ganger",
            count(drafted, "mottaker", "mottakere")
        ));
    }
    let notes = if notes.is_empty() { String::new() } else { format!(" ({})", notes.join("; ")) };
    // What goes: the letter, and the documents by their file names.
    let documents: Vec<String> = m.held.documents.iter().map(|d| d.file.clone()).collect();
    let documents = crate::diag::and_list(&documents);
    format!(
        "Sender til {}{notes}: {} {}, følgebrev med {documents}. Fortsette? [j/N]",
        count(to_send, "mottaker", "mottakere"),
        m.network,
        m.year
    )
}

/// The year a command is about when none is named, with the reason (see
/// [`Project::default_year`]), for the message.
fn default_year(project: &Project, network: &str) -> Result<(i32, String), Error> {
    use crate::project::YearChoice;
    let (y, why) = project.default_year(network)?;
    Ok((
        y,
        match why {
            YearChoice::Planning => format!("{y}, året som planlegges"),
            YearChoice::LatestBefore(planning) => {
                format!("{y}, det siste året før {planning} (nettverket har ingen plan for {planning} ennå)")
            }
            YearChoice::First => format!("{y}, nettverkets første år"),
        },
    ))
}

/// Asks before sending. `--ja` answers yes; without a terminal to ask in,
/// the answer is an error (nothing is sent).
fn confirm(question: &str, yes: bool) -> Result<bool, Error> {
    use std::io::IsTerminal;
    if yes {
        println!("{question} ja (--ja)");
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::msg("sendingen må bekreftes, men det er ingen terminal å svare i").with_hint(
            "kjør kommandoen i et terminalvindu og svar j, eller legg til --ja for å sende uten å bli spurt (i skript)",
        ));
    }
    eprint!("{question} ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Error::msg(format!("fikk ikke lest svaret: {}", crate::diag::io_text(&e))))?;
    Ok(matches!(answer.trim().to_lowercase().as_str(), "j" | "ja" | "y" | "yes"))
}

/// `send`: builds the documents as `build` does, writes letters and messages
/// (and drafts with `--utkast`), prints who gets what, and sends when asked
/// and confirmed.
pub fn send(project: &Project, args: &SendArgs) -> Outcome {
    let date = args.dato.as_deref().map(mailing::parse_letter_date).transpose()?;
    let network = &project.the_network(args.network.as_deref())?;
    let year = match args.year {
        Some(y) => y,
        None => {
            let (y, why) = default_year(project, network)?;
            println!("Året er {why}; et annet år velges med --år.");
            y
        }
    };
    if let Some(numbers) = &args.utkast_sendt {
        return confirm_drafts(project, network, year, numbers);
    }
    let opts = MailOptions {
        include_unverified: args.ta_med_uverifiserte,
        date,
        from: args.fra.clone(),
        drafts: args.utkast,
    };
    let smtp = smtp(args)?;
    let attachments = match mailing::attachments(project, network, year) {
        Ok(a) => a,
        Err(e) => {
            print_diagnostics(&e.0);
            eprintln!(
                "\n{} feil. Ingen filer er endret: ingen følgebrev eller e-poster er skrevet, og ingenting er sendt.",
                e.0.iter().filter(|d| d.is_error()).count()
            );
            return Err(Failure::Quiet(1));
        }
    };
    print_built(&attachments.built, false, Verbosity::Normal);
    let nothing =
        "Dokumentene er bygget, men ingen følgebrev eller e-poster er skrevet, og ingenting er sendt.";
    let m = match mailing::compose(project, &attachments, &opts) {
        Ok(m) => m,
        Err(e) => {
            print_diagnostics(&e.0);
            eprintln!("\n{} feil. {nothing}", e.0.iter().filter(|d| d.is_error()).count());
            return Err(Failure::Quiet(1));
        }
    };
    print_diagnostics(&m.warnings);
    if let Err(e) = mailing::write(project, &m) {
        print_diagnostics(&e.0);
        eprintln!("\nIngenting er sendt.");
        return Err(Failure::Quiet(1));
    }
    println!("\n{:<8} {:<28} {:<46} {:<4} Status", "Nummer", "Kommune", "Postmottak", "Ver.");
    for o in &m.outgoing {
        let r = &o.recipient;
        println!(
            "{:<8} {:<28} {:<46} {:<4} {}",
            r.number,
            r.municipality,
            r.address.to_string(),
            if r.verified { "ja" } else { "nei" },
            o.action.label()
        );
    }
    let to_send = m.outgoing.iter().filter(|o| o.action.sends()).count();
    let attachments = m.outgoing.first().map(|o| o.attachments.join(", ")).unwrap_or_default();
    println!("\n{network} {year}. Vedlegg: {attachments}");
    println!("E-postene og følgebrevene ligger i {}.", m.dir.display());
    if args.utkast {
        if m.drafts.is_empty() {
            println!("Ingen utkast: ingen mottakere skal ha denne versjonen.");
        } else {
            println!(
                "Utkast: {} i {}. Åpne hver fil i Outlook, se over og trykk Send: e-posten går fra din egen adresse.",
                count(m.drafts.len(), "e-post", "e-poster"),
                m.dir.join("utkast").display()
            );
            println!(
                "Sendeloggen fører dem som utkast. Når du har sendt dem fra Outlook, kjør «arsplan send --nettverk {network} --år {year} --utkast-sendt», så blir en senere endring sendt som rettet versjon."
            );
        }
        return Ok(());
    }
    let Some(mut smtp) = smtp else {
        println!(
            "Prøvekjøring: ingenting er sendt. {} ville fått e-post; send med --send --smtp-tjener <tjener>, eller lag utkast til Outlook med --utkast.",
            count(to_send, "mottaker", "mottakere")
        );
        return Ok(());
    };
    if to_send == 0 {
        println!("Ingenting å sende: alle verifiserte mottakere har fått denne versjonen.");
        return Ok(());
    }
    match confirm(&question(&m), args.ja) {
        Ok(true) => {}
        Ok(false) => {
            eprintln!("Avbrutt: ingenting er sendt.");
            return Err(Failure::Quiet(1));
        }
        Err(e) => {
            print_diagnostics(&e.0);
            eprintln!("\nIngenting er sendt.");
            return Err(Failure::Quiet(1));
        }
    }
    if let Err(e) = password(&mut smtp) {
        print_diagnostics(&e.0);
        eprintln!("\nIngenting er sendt.");
        return Err(Failure::Quiet(1));
    }
    let progress = indicatif::ProgressBar::new(to_send as u64);
    progress.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let ledger = m.dir.join("sendelogg.json");
    let sent_before = crate::send::Ledger::read(&ledger).map(|l| l.sent.len()).unwrap_or(0);
    let result = project.send(&m, &smtp, &progress);
    progress.finish_and_clear();
    match result {
        Ok(done) => {
            for who in &done.skipped {
                println!("{}", crate::send::Done::skipped_text(who));
            }
            println!(
                "Sendt: {}. Sendeloggen er {}.",
                count(done.sent, "e-post", "e-poster"),
                ledger.display()
            );
            Ok(())
        }
        Err(e) => {
            print_diagnostics(&e.0);
            let sent_after = crate::send::Ledger::read(&ledger).map(|l| l.sent.len()).unwrap_or(0);
            if sent_after == sent_before {
                eprintln!("\nIngenting er sendt.");
            } else {
                eprintln!(
                    "\nSendeloggen ({}) viser hvem som har fått e-post. Kjør samme kommando igjen for å sende til resten.",
                    ledger.display()
                );
            }
            Err(Failure::Quiet(1))
        }
    }
}

/// `send --utkast-sendt`: the drafts sent from Outlook recorded as sent.
fn confirm_drafts(project: &Project, network: &str, year: i32, numbers: &[String]) -> Outcome {
    let numbers: Vec<String> =
        numbers.iter().map(|n| crate::load::kommunenummer(n)).filter(|n| !n.is_empty()).collect();
    let wanted = if numbers.is_empty() { None } else { Some(numbers.as_slice()) };
    let done = mailing::confirm_drafts(project, network, year, wanted)?;
    if done.drafts.is_empty() {
        println!("Ingen utkast å bekrefte i {network} {year}: alle utkastene er alt ført som sendt.");
        return Ok(());
    }
    let names = crate::send::recipients(&project.data.join(network)).map(|(r, _)| r).unwrap_or_default();
    let who: Vec<String> = done
        .drafts
        .iter()
        .map(|d| match names.iter().find(|r| r.number == d.kommunenummer) {
            Some(r) => format!("{} ({})", r.municipality, d.kommunenummer),
            None => d.kommunenummer.clone(),
        })
        .collect();
    println!(
        "Ført som sendt fra Outlook, {network} {year} ({}): {}: {}.",
        crate::diag::and_list(&done.documents),
        count(done.drafts.len(), "utkast", "utkast"),
        who.join(", ")
    );
    println!(
        "Endres planen etter dette, sendes den neste gang som rettet versjon med det som er endret. Sendeloggen er {}.",
        done.ledger.display()
    );
    Ok(())
}

/// `serve`: the local web page, until Ctrl+C.
pub fn serve(project: &Project, port: Option<u16>, open_browser: bool) -> Outcome {
    crate::web::serve(project.clone(), &crate::web::Options { port, open_browser })?;
    Ok(())
}

/// `trekk`: the prize draw among those who attended every meeting (see
/// [`crate::draw`]): prints the winner and how to repeat the draw.
pub fn trekk(
    project: &Project,
    network: Option<&str>,
    year: Option<i32>,
    seed: Option<u64>,
    new: bool,
) -> Outcome {
    let network = &project.the_network(network)?;
    let year = match year {
        Some(y) => y,
        None => {
            let y = crate::draw::default_year(project, network)?;
            println!("Året er {y}, det siste året med årsrapport; et annet år velges med --år.");
            y
        }
    };
    let d = match project.draw(network, year, seed, new)? {
        crate::draw::Outcome::Drawn(d) => d,
        crate::draw::Outcome::NoOne { words } => {
            eprintln!(
                "Ingen {} i {network} møtte på alle møtene de var invitert til i {year}; det er ingen å trekke blant.",
                words.ressurspersoner
            );
            return Err(Failure::Quiet(1));
        }
    };
    let (seed, winner, words) = (d.seed, &d.winner, &d.words);
    println!(
        "Trekning blant {} som møtte på alle møtene i {year}.",
        count(d.eligible, &words.ressursperson, &words.ressurspersoner)
    );
    println!("Frø: {seed}");
    println!("Vinner: {winner}");
    if let Some(e) = d.earlier.as_ref().filter(|e| e.winner != *winner || e.eligible != d.eligible) {
        println!(
            "Merk: {} ble {} trukket blant {}; nå er det {}, så dataene er endret siden.",
            e.winner,
            crate::draw::when(&e.time),
            count(e.eligible, "kandidat", "kandidater"),
            count(d.eligible, "kandidat", "kandidater")
        );
    }
    println!("Gjenta trekningen med: arsplan trekk --nettverk {network} --år {year} --frø {seed}");
    println!("Trekningen er lagret i {}.", d.path.display());
    Ok(())
}

/// Which innsatsområder of the strategy a plan serves, area by area.
fn print_coverage(r: &StrategyCoverage) {
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

/// `hjelp [kommando]`: the help of the program or of one command, in Norwegian.
pub fn help(path: &[String]) -> Outcome {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    // Global options (the Norwegian --help among them) reach the subcommands.
    cmd.build();
    let mut current = &mut cmd;
    for name in path {
        let known: Vec<String> = current.get_subcommands().map(|c| c.get_name().to_string()).collect();
        let Some(next) = current.find_subcommand_mut(name) else {
            return Err(Error::msg(format!("ukjent kommando «{name}»"))
                .with_hint(format!("kommandoene er: {}", known.join(", ")))
                .into());
        };
        current = next;
    }
    current
        .print_help()
        .map_err(|e| Error::msg(format!("kan ikke vise hjelpen: {}", crate::diag::io_text(&e))))?;
    Ok(())
}

/// `ny eksempel | nettverk | år`: examples (in their own project folder),
/// a network, or a year. `found` is the project around the current folder.
pub fn ny(
    found: Option<Project>,
    here: &std::path::Path,
    explicit_data: bool,
    command: &NyCommand,
    verbosity: Verbosity,
) -> Outcome {
    let made = match command {
        NyCommand::Eksempel => {
            // Examples get a project folder of their own, so they never mix
            // with the leader's network (unless a data folder is named).
            let root_of = |p: &Project| {
                let r = p.data.parent().filter(|r| !r.as_os_str().is_empty()).unwrap_or(here);
                std::fs::canonicalize(r).unwrap_or_else(|_| r.to_path_buf())
            };
            let project = match found {
                Some(p) if explicit_data => p,
                // Inside the example project already: that one.
                Some(p) if root_of(&p).file_name().is_some_and(|n| n == crate::scaffold::EXAMPLE_FOLDER) => p,
                Some(p) => Project::default_layout(&root_of(&p).join(crate::scaffold::EXAMPLE_FOLDER)),
                None => Project::default_layout(&here.join(crate::scaffold::EXAMPLE_FOLDER)),
            };
            let mut made = crate::scaffold::example(&project)?;
            if !explicit_data {
                let root = project.data.parent().unwrap_or(here).to_path_buf();
                made.next = vec![
                    format!("Eksemplene ligger i sin egen mappe, {}, og blandes ikke med ditt eget nettverk.", root.display()),
                    format!("Neste steg: gå til mappen (cd {}) og kjør «arsplan bygg» eller «arsplan nettside». Dokumentene havner i {}.", root.display(), root.join("output").display()),
                    "Vil du bli kvitt eksemplene, slett mappen.".into(),
                ];
            }
            made
        }
        NyCommand::Nettverk(args) => {
            let project = found.unwrap_or_else(|| Project::default_layout(here));
            let n = ask::new_network(args, &project)?;
            if !n.network.is_empty() && !ask::confirm(&n, &project, args.standard) {
                eprintln!("Avbrutt: ingenting er laget.");
                return Err(Failure::Quiet(1));
            }
            project.new_network(&n)?
        }
        NyCommand::Ar { network, year } => {
            let project = found.ok_or_else(|| {
                Error::msg(format!(
                    "fant ingen arsplan-prosjektmappe i {} eller mappene over",
                    here.display()
                ))
                .with_hint("gå til prosjektmappen, eller lag et nettverk med «arsplan ny nettverk»")
            })?;
            let network = project.the_network(network.as_deref())?;
            let year = match year {
                Some(y) => *y,
                None => {
                    let y = crate::dates::planning_year();
                    println!("Året er {y}, året som planlegges; et annet år velges med --år.");
                    y
                }
            };
            project.new_year(&network, year)?
        }
    };
    print_diagnostics(&made.warnings);
    if verbosity != Verbosity::Quiet {
        for f in &made.written {
            println!("skrev {}", f.display());
        }
        for line in &made.next {
            println!("{line}");
        }
    }
    Ok(())
}

/// No command in a terminal: what arsplan is and how to begin.
pub fn guide(project: Option<&Project>) {
    println!("arsplan lager årsplanen (og årsrapporten) for nettverket ditt i Word og PDF, fra Excel-ark,");
    println!("og sender den til kommunene.\n");
    match project.map(|p| (p, load::networks(&p.data).unwrap_or_default())) {
        Some((p, networks)) if !networks.is_empty() => {
            let root = p.data.parent().map(|r| r.display().to_string()).unwrap_or_default();
            let root = if root.is_empty() { ".".to_string() } else { root };
            println!(
                "Prosjektet i {root} har {}: {}.\n",
                count(networks.len(), "nettverk", "nettverk"),
                networks.join(", ")
            );
            println!("  arsplan nettside       åpne nettsiden: se året, flytt en dato, bygg og send");
            println!("  arsplan bygg           lag dokumentene (de havner i output/)");
            println!("  arsplan sjekk          kontroller dataene uten å lage noe");
            println!("  arsplan ny år          lag neste år fra dette (møtene flyttes til samme ukedag)");
            println!("  arsplan send           send planen til kommunene (prøvekjøring først)");
        }
        _ => {
            println!("Kom i gang:\n");
            println!("  arsplan nettside       åpne nettsiden og lag nettverket ditt der (det enkleste)");
            println!("  arsplan ny nettverk    lag nettverket ditt her i terminalen: arsplan spør om det som trengs");
            println!("  arsplan importer FIL.docx --nettverk NAVN");
            println!("                         start fra fjorårets plan i Word: den blir nettverkets data");
            println!("  arsplan ny eksempel    prøv med eksempeldata, i en egen mappe (arsplan-eksempel)");
        }
    }
    println!("\n  arsplan hjelp          alle kommandoene; arsplan hjelp <kommando> for én av dem");
    println!("\nBrukerveiledningen står i README-filen, avsnittet «Brukerveiledning».");
}

/// `wordmal`: a house style (whatever its source) as a Word template to edit
/// in Word and take into use with `arsplan wordmal bruk`.
pub fn wordmal(project: &Project, style: &str, out: &std::path::Path, network: Option<&str>) -> Outcome {
    let ext = out.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if ext != "dotx" {
        return Err(Error::msg(format!("«{}» er ikke et filnavn for en Word-mal", out.display()))
            .with_hint("gi filen endelsen .dotx, for eksempel --ut mal.dotx")
            .into());
    }
    let made = project.word_template(style, network)?;
    print_diagnostics(&made.warnings);
    crate::publish::write_atomic(out, &made.bytes)?;
    println!(
        "skrev {} ({} kB): Word-malen for husstilen «{}»",
        out.display(),
        made.bytes.len().div_ceil(1024),
        made.name
    );
    let file = out.file_name().and_then(|n| n.to_str()).unwrap_or("mal.dotx");
    println!(
        "Endre stilene, sidene og topp- og bunnteksten i Word og lagre som Word-mal (.dotx). Ta den i bruk for et nettverk med:\n  arsplan wordmal bruk {file} --nettverk {}",
        network.unwrap_or("<nettverk>")
    );
    Ok(())
}

/// `wordmal bruk`: a trust's Word template taken into use for a network.
pub fn wordmal_bruk(project: &Project, file: &std::path::Path, network: &str) -> Outcome {
    let done = project.use_word_template(file, network)?;
    print_diagnostics(&done.warnings);
    for (path, what) in &done.files {
        println!("skrev {}: {what}", path.display());
    }
    println!(
        "Nettverket «{network}» bruker nå husstilen «{}» (som arver «{}») med Word-malen. Lag dokumentene med:\n  arsplan build --nettverk {network}",
        done.style, done.inherits
    );
    Ok(())
}

/// `importer`: last year's Word plan into a new year of data, the report
/// beside it, and then the same check as `arsplan sjekk`.
pub fn importer(
    project: &Project,
    file: &std::path::Path,
    opts: &crate::import::Options,
    verbosity: Verbosity,
) -> Outcome {
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let refuse = |msg: &str, hint: &str| -> Outcome {
        Err(Error::at(Location::file(file), msg.to_string()).with_hint(hint.to_string()).into())
    };
    match ext.as_str() {
        "docx" | "docm" | "dotx" => {}
        "doc" => {
            return refuse(
                "filen er i det gamle Word 97-2003-formatet (.doc)",
                "åpne den i Word og lagre den som Word-dokument (.docx)",
            )
        }
        "pdf" => {
            return refuse(
                "arsplan leser ennå ikke planer fra PDF",
                "bruk Word-filen planen ble laget i (.docx), eller åpne PDF-en i Word og lagre den som .docx",
            )
        }
        _ => return refuse("filen er ikke et Word-dokument (.docx)", "velg Word-filen med fjorårets plan"),
    }
    let bytes = std::fs::read(file).map_err(|e| {
        Error::at(Location::file(file), format!("kan ikke lese filen: {}", crate::diag::io_text(&e)))
    })?;
    let imported = project.import(&bytes, &file.display().to_string(), opts)?;
    print_diagnostics(&imported.warnings);
    if verbosity != Verbosity::Quiet {
        for f in &imported.written {
            println!("skrev {}", f.display());
        }
        for line in &imported.summary {
            println!("{line}");
        }
        println!();
    }
    let sel = Sel { network: vec![imported.network.clone()], year: vec![imported.year] };
    match check(project, &sel) {
        Err(Failure::Errors(e)) => {
            print_diagnostics(&e.0);
            eprintln!(
                "\n{} i det som ble importert. Filene er skrevet; rett feilene (se også {}) og kjør «arsplan sjekk --nettverk {}».",
                count(e.0.iter().filter(|d| d.is_error()).count(), "feil", "feil"),
                imported.report_path.display(),
                imported.network
            );
            Err(Failure::Quiet(1))
        }
        other => other,
    }
}
