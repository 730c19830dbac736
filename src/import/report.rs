//! `importrapport.txt`: what became what (with the paragraph or table cell
//! it came from), what the import guessed and the leader should check, dates
//! read without a year, what found no place, the check's result, and how
//! much of the document's words the document made from the data shows.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use super::docx::{self, Block, Source};
use super::recognise::{Draft, Kind, MeetingDraft, Target};
use super::text::words;
use crate::build::StrategyCoverage;
use crate::diag::{Diagnostic, Error};
use crate::model::{AppliesTo, Level};

/// The source's words against those of the document made from the data.
#[derive(Debug, Clone)]
pub struct Compared {
    pub source_words: usize,
    pub found: usize,
    /// Source paragraphs with words the document does not show: (where, text, the missing words).
    pub missing: Vec<(Source, String, Vec<String>)>,
}

impl Compared {
    pub fn kept(&self) -> f64 {
        self.found as f64 / self.source_words.max(1) as f64
    }
}

/// Which of the source's words the made document shows: first those it
/// shows in the same order (a longest common subsequence, so a missing word
/// is found where it is missing), then any left over anywhere in it (a
/// paragraph the house style puts elsewhere is not lost).
pub fn compare(source: &[Block], made: &[Block]) -> Compared {
    let ours = words(&docx::plain_text(made));
    let paragraphs: Vec<(Source, String, Vec<String>)> = docx::paragraphs(source)
        .iter()
        .map(|p| {
            let text = p.text();
            (p.source.clone(), text.split_whitespace().collect::<Vec<_>>().join(" "), words(&text))
        })
        .collect();
    let theirs: Vec<&String> = paragraphs.iter().flat_map(|(_, _, w)| w.iter()).collect();
    let (in_order, used) = in_order(&theirs, &ours);
    let mut left: BTreeMap<&str, usize> = BTreeMap::new();
    for (w, u) in ours.iter().zip(&used) {
        if !u {
            *left.entry(w.as_str()).or_default() += 1;
        }
    }
    let mut c = Compared { source_words: theirs.len(), found: 0, missing: Vec::new() };
    let mut at = 0;
    for (src, text, ws) in paragraphs {
        let mut missing = Vec::new();
        for w in ws {
            let found = in_order[at]
                || match left.get_mut(w.as_str()) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        true
                    }
                    _ => false,
                };
            at += 1;
            if found {
                c.found += 1;
            } else {
                missing.push(w);
            }
        }
        if !missing.is_empty() {
            c.missing.push((src, text, missing));
        }
    }
    c
}

/// Which words of `a` and of `b` a longest common subsequence pairs. Past
/// what fits in memory (documents of tens of thousands of words), none: the
/// words are then only looked up anywhere.
fn in_order(a: &[&String], b: &[String]) -> (Vec<bool>, Vec<bool>) {
    let (n, m) = (a.len(), b.len());
    let (mut ua, mut ub) = (vec![false; n], vec![false; m]);
    if n.saturating_mul(m) > 40_000_000 || n.max(m) >= u16::MAX as usize {
        return (ua, ub);
    }
    // dp[i][j]: the LCS of a[i..] and b[j..].
    let width = m + 1;
    let mut dp = vec![0u16; (n + 1) * width];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            dp[i * width + j] = if *a[i] == b[j] {
                dp[(i + 1) * width + j + 1] + 1
            } else {
                dp[(i + 1) * width + j].max(dp[i * width + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if *a[i] == b[j] {
            ua[i] = true;
            ub[j] = true;
            i += 1;
            j += 1;
        } else if dp[(i + 1) * width + j] >= dp[i * width + j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    (ua, ub)
}

/// The «not placed» list: what the import found no place for, and every
/// paragraph with words the made document does not show; the same text with
/// the same words missing (a label used everywhere) is one entry.
pub fn not_placed(d: &Draft, compared: Option<&Compared>) -> Vec<(Vec<Source>, String, String)> {
    let mut out: Vec<(Vec<Source>, String, String)> = Vec::new();
    let mut add =
        |src: &Source, text: &str, why: String| match out.iter_mut().find(|(_, t, w)| t == text && *w == why)
        {
            Some((sources, _, _)) => sources.push(src.clone()),
            None => out.push((vec![src.clone()], text.to_string(), why)),
        };
    for (src, text, why) in &d.not_placed {
        add(src, text, why.clone());
    }
    if let Some(c) = compared {
        let meetings_from: Vec<&Source> =
            d.log.iter().filter(|e| matches!(e.target, Target::Meeting(_))).map(|e| &e.source).collect();
        // The trust's name on the cover is the helseforetak, which the house style prints in the header.
        let trust_lines: Vec<&Source> = d
            .log
            .iter()
            .filter(|e| e.target == Target::Field("helseforetak", "nettverk.toml"))
            .map(|e| &e.source)
            .collect();
        for (src, text, missing) in &c.missing {
            if trust_lines.contains(&src) {
                continue;
            }
            let note = if meetings_from.contains(&src) {
                "; datoen er lest inn som møte og vises i husstilens datoformat"
            } else {
                ""
            };
            add(src, text, format!("dokumentet arsplan lager viser ikke: {}{note}", missing.join(" ")));
        }
    }
    out
}

pub struct Context<'a> {
    pub source: &'a str,
    pub year_dir: &'a Path,
    pub style: &'a str,
    pub style_from: &'a str,
    pub excel: bool,
    pub new_network: bool,
    pub unknown_groups: &'a [String],
    pub check: &'a Result<(Vec<Diagnostic>, Vec<StrategyCoverage>), Error>,
    pub compared: Option<&'a Compared>,
    /// Meeting indices in the order of their rows.
    pub meeting_rows: Vec<usize>,
}

fn short(s: &str) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > 90 {
        format!("{}…", one.chars().take(89).collect::<String>())
    } else {
        one
    }
}

fn level_word(l: Level) -> &'static str {
    l.as_str()
}

/// The meetings whose dates the plan's texts now take from the meetings'
/// table, in the order the texts name them.
fn linked_meetings(d: &Draft) -> Vec<&MeetingDraft> {
    let texts = d.rows.iter().map(|r| r.text.as_str()).chain(d.intro.iter().map(String::as_str));
    let mut out: Vec<&MeetingDraft> = Vec::new();
    for t in texts {
        for part in t.split("{{").skip(1) {
            let id: String =
                part.trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if let Some(m) = d.meetings.iter().find(|m| m.id == id) {
                if !out.iter().any(|o| o.id == m.id) {
                    out.push(m);
                }
            }
        }
    }
    out
}

/// Quoted, as a Norwegian list: «a», «b» og «c» (the first `max`, then how many more).
fn quoted_list(items: &[String], max: usize) -> String {
    let mut shown: Vec<String> = items.iter().take(max).map(|t| format!("«{}»", short(t))).collect();
    if items.len() > max {
        shown.push(format!("{} til", items.len() - max));
    }
    crate::diag::and_list(&shown)
}

/// What a leader reads first: a few points in plain Norwegian on what the
/// import did and what to look over, before the details.
fn summary(d: &Draft, ctx: &Context) -> Vec<String> {
    let ext = if ctx.excel { "xlsx" } else { "csv" };
    let mut out = Vec::new();
    if ctx.new_network {
        let name = match (&d.name, &d.trust) {
            (Some(n), Some(t)) => format!("Nettverkets navn er lest som «{n}», og helseforetaket som «{t}»."),
            (Some(n), None) => {
                format!("Nettverkets navn er lest som «{n}»; helseforetaket sto ikke i Word-filen.")
            }
            (None, Some(t)) => {
                format!("Helseforetaket er lest som «{t}»; nettverkets fulle navn sto ikke i Word-filen.")
            }
            (None, None) => "Nettverkets navn og helseforetak sto ikke i Word-filen.".to_string(),
        };
        let mut cover = String::new();
        if !d.cover.is_empty() && d.name.as_ref() == Some(&d.cover.join(" ")) {
            cover = " Navnet står øverst på forsiden".into();
            if !d.motto.is_empty() {
                cover.push_str(&format!(", med mottoet {} under", quoted_list(&d.motto, 3)));
            }
            cover.push('.');
        } else if !d.cover.is_empty() {
            cover = format!(" Øverst på forsiden står {}", quoted_list(&d.cover, 3));
            if !d.motto.is_empty() {
                cover.push_str(&format!(", og mottoet {}", quoted_list(&d.motto, 3)));
            }
            cover.push('.');
        } else if !d.motto.is_empty() {
            cover = format!(" Mottoet er {}.", quoted_list(&d.motto, 3));
        }
        out.push(format!(
            "{name}{cover} Stemmer det ikke, rett det i nettverkets innstillinger på nettsiden."
        ));
    }
    out.push(format!("Dokumentene lages i husstilen «{}» ({}).", ctx.style, ctx.style_from));
    if !d.yearless.is_empty() {
        out.push(format!(
            "{} sto uten årstall i Word-filen og er lest som {}: se at datoene i moter.{ext} stemmer.",
            crate::diag::count(d.yearless.len(), "dato", "datoer"),
            d.document_year.unwrap_or(d.year)
        ));
    }
    if let Some(from) = d.document_year {
        let holidays = d.moved.iter().filter(|(_, _, h)| h.is_some()).count();
        let mut line = format!(
            "Møtene er flyttet fra {from} til {}, til samme ukedag i samme uke som i {from}.",
            d.year
        );
        if holidays > 0 {
            line.push_str(&format!(
                " {} havner på en helligdag: velg en annen dag (se «Møtene er flyttet» under).",
                crate::diag::count(holidays, "møte", "møter")
            ));
        }
        out.push(line);
        if d.title.contains(&from.to_string()) {
            out.push(format!("Tittelen nevner fortsatt {from}: rett den i årets innstillinger."));
        }
    }
    let linked = linked_meetings(d);
    if !linked.is_empty() {
        let mut titles: Vec<String> = Vec::new();
        for m in &linked {
            if !titles.contains(&m.title) {
                titles.push(m.title.clone());
            }
        }
        let (date, texts) = if linked.len() == 1 { ("Datoen", "teksten") } else { ("Datoene", "tekstene") };
        out.push(format!(
            "{date} for {} står nå bare i møtetabellen (moter.{ext}); {texts} i planen henter {} derfra, så en ny dato skrives bare der.",
            crate::diag::and_list(&titles),
            if linked.len() == 1 { "den" } else { "dem" }
        ));
    }
    let group_meetings: Vec<&MeetingDraft> = d.meetings.iter().filter(|m| m.group.is_some()).collect();
    if !group_meetings.is_empty() {
        let mut periods: Vec<String> = Vec::new();
        for m in &group_meetings {
            if !m.period.is_empty() && !periods.contains(&m.period) {
                periods.push(m.period.clone());
            }
        }
        let columns = if periods.is_empty() {
            String::new()
        } else {
            format!(", i kolonnene {}", quoted_list(&periods, 4))
        };
        out.push(format!(
            "{} i nettverksgruppene ({}) står i møtetabellen som nettverksmøter for sykepleierne{columns}.",
            crate::diag::count(group_meetings.len(), "møte", "møter"),
            crate::diag::and_list(&d.groups)
        ));
    }
    let guessed: Vec<String> = ctx
        .meeting_rows
        .iter()
        .map(|&i| &d.meetings[i])
        .filter(|m| m.group.is_none())
        .map(|m| m.title.clone())
        .collect();
    if !guessed.is_empty() {
        out.push(format!(
            "Hva slags møte {} er, og hvem {} gjelder, er gjettet ut fra ordene i Word-filen: se kolonnene Type, Gjelder og Tittel i moter.{ext}.",
            quoted_list(&guessed, 4),
            if guessed.len() == 1 { "det" } else { "de" }
        ));
    }
    // What found no place, apart from headings the house style writes in its
    // own words and dates it writes in its own format.
    let logged = |f: fn(&Target) -> bool| -> Vec<&Source> {
        d.log.iter().filter(|e| f(&e.target)).map(|e| &e.source).collect()
    };
    let styled = logged(|t| matches!(t, Target::Style(_)));
    let dated = logged(|t| matches!(t, Target::Meeting(_)));
    let entries = not_placed(d, ctx.compared);
    let (own_words, rest): (Vec<_>, Vec<_>) =
        entries.iter().partition(|(sources, _, _)| sources.iter().all(|s| styled.contains(&s)));
    let (own_dates, lost): (Vec<_>, Vec<_>) =
        rest.into_iter().partition(|(sources, _, _)| sources.iter().all(|s| dated.contains(&s)));
    if lost.is_empty() {
        out.push("Alt innhold i Word-filen har fått en plass i dataene.".into());
    } else {
        out.push(format!(
            "{} fant ingen plass og står under «Ikke plassert» nedenfor: flytt teksten dit den hører hjemme.",
            crate::diag::count(lost.len(), "avsnitt", "avsnitt")
        ));
    }
    if !own_dates.is_empty() {
        let texts: Vec<String> = own_dates.iter().map(|(_, t, _)| t.clone()).collect();
        out.push(format!(
            "{} skrives i husstilens datoformat, ikke slik Word-filen skrev {} ({}).",
            if texts.len() == 1 { "Datoen" } else { "Datoene" },
            if texts.len() == 1 { "den" } else { "dem" },
            quoted_list(&texts, 3)
        ));
    }
    if !own_words.is_empty() {
        let texts: Vec<String> = own_words.iter().map(|(_, t, _)| t.clone()).collect();
        out.push(format!(
            "{} {} er byttet ut med husstilens egne ord.",
            if texts.len() == 1 { "Overskriften" } else { "Overskriftene" },
            quoted_list(&texts, 4)
        ));
    }
    out.push(format!(
        "Dokumentets dato er satt til {}: rett den i årets innstillinger.",
        crate::dates::format(
            chrono::NaiveDate::from_ymd_opt(d.year, 1, 15).unwrap_or_default(),
            "d. MMMM yyyy"
        )
    ));
    out.push(match ctx.check {
        Ok((warnings, _)) if warnings.is_empty() => "Kontrollen fant ingen feil.".into(),
        Ok((warnings, _)) => format!(
            "Kontrollen fant ingen feil, men {}: se «Kontroll» nedenfor.",
            crate::diag::count(warnings.len(), "advarsel", "advarsler")
        ),
        Err(e) => format!(
            "Kontrollen fant {} som må rettes før dokumentene kan lages: se «Kontroll» nedenfor.",
            crate::diag::count(e.0.iter().filter(|d| d.is_error()).count(), "feil", "feil")
        ),
    });
    out
}

pub fn text(d: &Draft, ctx: &Context) -> String {
    let ext = if ctx.excel { "xlsx" } else { "csv" };
    let mut s = String::new();
    let _ = writeln!(s, "Importrapport: «{}» → {}", ctx.source, ctx.year_dir.display());
    let _ = writeln!(s);

    // The short version, in plain words.
    let _ = writeln!(s, "KORT FORTALT");
    let _ = writeln!(
        s,
        "Word-filen er lest som {} for {}. arsplan har laget {}. Ingenting er endelig: se over dette før du lager dokumentene.",
        d.kind.label(),
        d.period.clone().unwrap_or_else(|| d.year.to_string()),
        if ctx.new_network {
            format!("planen (plan.{ext}), møtene (moter.{ext}) og nettverkets innstillinger")
        } else {
            format!("planen (plan.{ext}) og møtene (moter.{ext})")
        }
    );
    for (i, line) in summary(d, ctx).iter().enumerate() {
        let _ = writeln!(s, "{}. {line}", i + 1);
    }
    let _ = writeln!(
        s,
        "Under står detaljene: hva arsplan gjettet, datoene uten årstall, det som ikke fikk plass, kontrollen, og hva hvert avsnitt og hver tabellcelle ble til."
    );
    let _ = writeln!(s);

    // What the leader should check first.
    let _ = writeln!(s, "SJEKK DETTE");
    let mut checks: Vec<String> = Vec::new();
    checks.push(format!("Dokumentet er lest som {} (ut fra {}).", d.kind.label(), d.kind_from));
    checks.push(format!(
        "Året er {} (ut fra {}){}.",
        d.year,
        d.year_from,
        d.period.as_ref().map(|p| format!(", perioden {p}")).unwrap_or_default()
    ));
    checks.push(format!("Husstilen er {} ({}); velg en annen med --stil.", ctx.style, ctx.style_from));
    checks.push(format!("Dokumentets dato er satt til 15.01.{} (dato i plan.toml).", d.year));
    if let Some(from) = d.document_year {
        if d.title.contains(&from.to_string()) {
            checks.push(format!("Tittelen i plan.toml nevner fortsatt {from}: rett den til det nye året."));
        }
    }
    if ctx.new_network {
        if !d.cover.is_empty() || !d.motto.is_empty() {
            checks.push(format!(
                "Forsiden er delt i forside ({}) og motto ({}); flytt linjer mellom dem i nettverk.toml om det er feil.",
                d.cover.len(),
                d.motto.len()
            ));
        }
        checks.push(format!(
            "Nettverkets navn ({}) og helseforetak ({}) i nettverk.toml.",
            d.name.clone().unwrap_or_else(|| "ikke funnet".into()),
            d.trust.clone().unwrap_or_else(|| "ikke funnet".into())
        ));
    } else {
        checks.push(
            "nettverk.toml er ikke endret; forside, motto, «bygger på», målsetting og grupper derfra brukes."
                .into(),
        );
    }
    if !ctx.unknown_groups.is_empty() {
        checks.push(format!(
            "Gruppene {} finnes ikke i nettverk.toml (grupper); legg dem til der, eller rett gruppen i moter.{ext}.",
            ctx.unknown_groups.iter().map(|g| format!("«{g}»")).collect::<Vec<_>>().join(", ")
        ));
    }
    let group_meetings = d.meetings.iter().filter(|m| m.group.is_some()).count();
    if group_meetings > 0 {
        checks.push(format!(
            "{group_meetings} møter i nettverksgruppene er satt til type nettverksmøte og gjelder sykepleier, med tittelen «Nettverksmøte»."
        ));
    }
    let other: Vec<String> = ctx
        .meeting_rows
        .iter()
        .map(|&i| &d.meetings[i])
        .filter(|m| m.group.is_none())
        .map(|m| {
            format!(
                "{} {}: type {} (ut fra {}), gjelder {}, tittel «{}»",
                m.id,
                m.date.format("%d.%m.%Y"),
                m.kind.as_str(),
                m.kind_from,
                m.applies_to.map(AppliesTo::as_str).unwrap_or("ingen"),
                m.title
            )
        })
        .collect();
    if !other.is_empty() {
        checks.push(format!("Møter arsplan har gjettet type, gjelder og tittel for (rett i moter.{ext}):"));
        for o in other {
            checks.push(format!("\u{0}{o}"));
        }
    }
    let subgoals = d.rows.iter().filter(|r| r.level == Level::SubGoal).count();
    if subgoals > 0 {
        let untagged = d.rows.iter().filter(|r| r.level == Level::SubGoal && r.applies_to.is_none()).count();
        if d.kind == Kind::Arsplan && untagged > 0 && untagged < subgoals {
            checks.push(format!("{untagged} av {subgoals} delmål har ingen (felles)/(sykepleier)/(fysio/ergo) i dokumentet; Gjelder er tom for dem."));
        }
        checks.push(
            "Kolonnen Innsatsområder er tom: dokumentet sier ikke hvilke av strategiens innsatsområder delmålene tjener. Fyll den ut (for eksempel 2.6) hvis nettverket følger en strategi."
                .to_string(),
        );
    }
    if d.years_templated > 0 {
        checks.push(format!(
            "Årstallet {} er skrevet som {{{{ år }}}} ({} etter «årsrapport» som {{{{ år - 1 }}}}) {} ganger, så tekstene følger planen til neste år.",
            d.document_year.unwrap_or(d.year),
            d.document_year.unwrap_or(d.year) - 1,
            d.years_templated
        ));
    }
    let linked: Vec<&str> = d
        .rows
        .iter()
        .filter_map(|r| {
            let i = r.text.find("{{ ")?;
            let id = r.text[i + 3..].split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next()?;
            (id != "år" && !id.is_empty()).then_some(id)
        })
        .collect();
    if let Some(first) = linked.first() {
        checks.push(format!(
            "{} nevner et møte med dato; datoen står nå bare i moter.{ext}, og teksten viser til møtet (for eksempel {{{{ {first} }}}}).",
            crate::diag::count(linked.len(), "tekst", "tekster")
        ));
    }
    for c in checks {
        match c.strip_prefix('\u{0}') {
            Some(sub) => writeln!(s, "    - {sub}"),
            None => writeln!(s, "- {c}"),
        }
        .ok();
    }
    let _ = writeln!(s);

    // Meetings moved to the year the leader named.
    if let Some(from) = d.document_year {
        let _ = writeln!(
            s,
            "MØTENE ER FLYTTET FRA {from} TIL {} (samme ukedag i samme uke, som arsplan ny år gjør)",
            d.year
        );
        for (i, old, holiday) in &d.moved {
            let m = &d.meetings[*i];
            let note =
                holiday.as_ref().map(|h| format!(" – det er {h}: velg en annen dag")).unwrap_or_default();
            let _ =
                writeln!(s, "- {}: {} → {}{note}", m.id, old.format("%d.%m.%Y"), m.date.format("%d.%m.%Y"));
        }
        let _ = writeln!(s);
    }
    // Dates without a year.
    let read_in = d.document_year.unwrap_or(d.year);
    let _ = writeln!(s, "DATOER UTEN ÅRSTALL (lest som {read_in})");
    if d.yearless.is_empty() {
        let _ = writeln!(s, "- ingen");
    }
    for (src, written, date) in &d.yearless {
        let _ = writeln!(s, "- {src}: «{written}» → {}", date.format("%d.%m.%Y"));
    }
    if !d.loose_dates.is_empty() {
        let _ = writeln!(
            s,
            "Datoer i tekst som ikke ble lest som møter (ingen møtetype i teksten), står som tekst:"
        );
        for (src, written) in &d.loose_dates {
            let _ = writeln!(s, "- {src}: «{written}»");
        }
    }
    let _ = writeln!(s);

    // What found no place, and what the document made from the data does not show.
    let _ = writeln!(s, "IKKE PLASSERT (står bare her; flytt teksten dit den hører hjemme)");
    let entries = not_placed(d, ctx.compared);
    let any = !entries.is_empty();
    for (sources, text, why) in &entries {
        let places = match sources.len() {
            1 => sources[0].to_string(),
            n if n <= 6 => sources.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", "),
            n => format!(
                "{} og {} andre steder",
                sources[..4].iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", "),
                n - 4
            ),
        };
        let _ = writeln!(s, "- {places}: «{}» ({why})", short(text));
    }
    if !any {
        let _ = writeln!(s, "- ingenting: hvert ord i Word-filen står i dokumentet arsplan lager av dataene");
    }
    let _ = writeln!(s);

    // The check.
    let _ = writeln!(s, "KONTROLL (som arsplan sjekk)");
    match ctx.check {
        Ok((warnings, _)) => {
            let _ = writeln!(s, "- ingen feil, {} advarsler", warnings.len());
            for w in warnings {
                let _ = writeln!(s, "  {}", w.to_string().replace('\n', "\n  "));
            }
        }
        Err(e) => {
            let _ =
                writeln!(s, "- {} feil: rett dem før du bygger", e.0.iter().filter(|d| d.is_error()).count());
            for w in &e.0 {
                let _ = writeln!(s, "  {}", w.to_string().replace('\n', "\n  "));
            }
        }
    }
    if let Some(c) = ctx.compared {
        let _ = writeln!(
            s,
            "- {:.1} % av ordene i Word-filen ({} av {}) står i dokumentet arsplan lager av dataene.",
            c.kept() * 100.0,
            c.found,
            c.source_words
        );
    }
    let _ = writeln!(s);

    // What became what.
    let _ = writeln!(s, "DETTE BLE HVA");
    let meeting_row: BTreeMap<usize, usize> =
        ctx.meeting_rows.iter().enumerate().map(|(row, &i)| (i, row + 2)).collect();
    for e in &d.log {
        let what = match &e.target {
            Target::Row(i) => {
                let r = &d.rows[*i];
                let mut w = format!("{} (plan.{ext}, rad {})", level_word(r.level), i + 2);
                if let Some(g) = r.applies_to {
                    w.push_str(&format!(", gjelder {}", g.as_str()));
                }
                w
            }
            Target::Meeting(i) => {
                let m = &d.meetings[*i];
                format!(
                    "møte {} {} (moter.{ext}, rad {})",
                    m.id,
                    m.date.format("%d.%m.%Y"),
                    meeting_row.get(i).copied().unwrap_or(0)
                )
            }
            Target::Field(name, file) => format!("{name} ({file})"),
            Target::Prose(name) => format!("tekst (tekster/{name}.md)"),
            Target::Extra(table, i) => format!("{table}.{ext}, rad {}", i + 2),
            Target::Style(what) => format!("{what}, skrives av husstilen"),
            Target::Period => {
                format!("Periode (moter.{ext}): kolonneoverskrift i tabellen over nettverksgruppene")
            }
        };
        let _ = writeln!(s, "- {}: «{}» → {what}", e.source, short(&e.text));
    }
    s
}
