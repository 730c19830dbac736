//! What arsplan tells the person filling in its workbooks, in one place: the
//! help for each column (shown where she types), the worked example rows a
//! new year starts with, and the «Slik fyller du ut» sheets. The checks use
//! the same example rows to say when one is still there.

use chrono::{NaiveDate, Weekday};

/// Where the user guide is, for hints.
pub const GUIDE: &str =
    "brukerveiledningen i README-filen (avsnittet «Brukerveiledning») eller data/README.md";

/// The help for one column: a short title and what to write.
#[derive(Debug, Clone, Copy)]
pub struct ColumnHelp {
    pub column: &'static str,
    /// At most 32 characters (Excel's limit for an input title).
    pub title: &'static str,
    /// At most 255 characters (Excel's limit for an input message).
    pub text: &'static str,
}

const fn help(column: &'static str, title: &'static str, text: &'static str) -> ColumnHelp {
    ColumnHelp { column, title, text }
}

/// The plan's columns.
pub const PLAN_HELP: &[ColumnHelp] = &[
    help(
        "Nivå",
        "Nivå",
        "Velg fra listen: område, mål, delmål, aktivitet, underpunkt, tekst eller blokk. Radene står i planen i denne rekkefølgen; arsplan nummererer.",
    ),
    help(
        "Tekst",
        "Tekst",
        "Teksten på linjen, uten nummer. Vis til et møte med ID-en i doble klammer: {{ fagdag }} blir møtets dato. {{ år }} blir planåret.",
    ),
    help("Gjelder", "Gjelder (på delmål)", "Velg: felles, sykepleier eller fysio/ergo. Tom på andre nivåer."),
    help(
        "Innsatsområder",
        "Innsatsområder (på delmål)",
        "Strategiens innsatsområder delmålet tjener, som tekst: 2.6 eller 2.6, 4.2. Kolonnen er formatert som tekst, så 2.10 blir stående som 2.10.",
    ),
];

/// The meetings' columns.
pub const MEETING_HELP: &[ColumnHelp] = &[
    help(
        "ID",
        "Møtets ID",
        "Kort navn planteksten viser til: små bokstaver a-z, sifre og _ (ingen mellomrom, ingen æ ø å), begynn med en bokstav. Eks.: fagdag, stord_var. {{ fagdag }} i planen blir datoen.",
    ),
    help("Dato", "Dato", "dd.mm.åååå, i planåret. En helg eller helligdag gir en advarsel."),
    help("Type", "Type", "Velg: nettverksmøte, samling, fagdag, introduksjonskurs, kurs eller møte."),
    help(
        "Gruppe",
        "Gruppe",
        "For et møte i en lokal nettverksgruppe: velg gruppen. Tom for møter for hele nettverket. Gruppene står i nettverkets innstillinger.",
    ),
    help("Gjelder", "Gjelder", "Velg: felles, sykepleier eller fysio/ergo."),
    help("Tittel", "Tittel", "Møtets navn slik det står i planen, for eksempel «Nettverksmøte»."),
    help("Tema", "Tema", "Møtets tema (kan stå tomt)."),
    help("Sted", "Sted", "Hvor møtet er (kan stå tomt)."),
    help("Start", "Start", "Klokkeslett tt:mm, for eksempel 09:00. Tom for et heldagsmøte."),
    help("Slutt", "Slutt", "Klokkeslett tt:mm, senere enn Start. Tom for et heldagsmøte."),
    help(
        "Periode",
        "Periode",
        "For et møte i en lokal nettverksgruppe: kolonnen møtet står i i tabellen over gruppene, for eksempel Vår eller Høst. Tom: hvert møte får en kolonne «Dato».",
    ),
];

/// The recipients' columns.
pub const RECIPIENT_HELP: &[ColumnHelp] = &[
    help(
        "Kommunenummer",
        "Kommunenummer",
        "Fire sifre, med 0 foran der det hører til (0301). Kolonnen er formatert som tekst, så nullen blir stående.",
    ),
    help("Kommune", "Kommune", "Kommunens navn, slik brevet skal hilse."),
    help("Postmottak", "Postmottak", "Kommunens offisielle e-postadresse, for eksempel postmottak@kommune.no."),
    help(
        "Verifisert",
        "Verifisert",
        "ja når kommunen har bekreftet adressen, ellers nei. Adresser som ikke er verifisert, får ingen e-post.",
    ),
    help("Kontakt", "Kontakt", "Hvem i kommunen brevet gjelder, for eksempel «Kommunalsjef helse» (kan stå tom)."),
];

/// The help for a column of a table, if arsplan has any.
pub fn column_help(helps: &[ColumnHelp], column: &str) -> Option<ColumnHelp> {
    helps.iter().find(|h| h.column.eq_ignore_ascii_case(column)).copied()
}

/// The worked example's rows every new plan starts with (Nivå, Tekst, Gjelder).
const EXAMPLE_START: &[(&str, &str, &str)] = &[
    ("område", "Kompetanse", ""),
    ("mål", "Styrke ressurspersonenes kompetanse i lindrende behandling.", ""),
    ("delmål", "Ressurspersonene kjenner til verktøy for symptomkartlegging.", "felles"),
    ("aktivitet", "Årlig fagdag arrangeres {{ fagdag }} for alle ressurspersoner i nettverket.", ""),
    ("underpunkt", "Tema: symptomlindring i livets siste dager.", ""),
];

/// The example's end for a network with local groups: a sentence and the
/// groups' table (block `nettverksgrupper`).
const EXAMPLE_GROUPS: &[(&str, &str, &str)] = &[
    ("tekst", "Møtene i nettverksgruppene står i tabellen under og i kalenderen som følger med planen.", ""),
    ("blokk", "nettverksgrupper", ""),
];

/// The example's end for a network without local groups: a sentence and the
/// table of the year's meetings (block `moteplan`).
const EXAMPLE_NO_GROUPS: &[(&str, &str, &str)] = &[
    ("tekst", "Datoene for årets møter står i tabellen under og i kalenderen som følger med planen.", ""),
    ("blokk", "moteplan", ""),
];

/// Example rows earlier versions of arsplan wrote, still known as examples.
const EXAMPLE_EARLIER: &[(&str, &str, &str)] = &[(
    "tekst",
    "Nettverksgruppene møtes to ganger i året; datoene står i kalenderen som følger med planen.",
    "",
)];

/// The worked example of a plan: one row per level (Nivå, Tekst, Gjelder),
/// ending with the table of the year's meetings that fits the network: the
/// local groups' (`nettverksgrupper`) when it has groups, else the whole
/// network's (`moteplan`).
pub fn example_plan(has_groups: bool) -> Vec<(&'static str, &'static str, &'static str)> {
    let end = if has_groups { EXAMPLE_GROUPS } else { EXAMPLE_NO_GROUPS };
    EXAMPLE_START.iter().chain(end).copied().collect()
}

/// One example meeting.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleMeeting {
    pub id: String,
    pub date: NaiveDate,
    pub kind: &'static str,
    pub group: String,
    pub applies_to: &'static str,
    pub title: &'static str,
    pub topic: &'static str,
    pub start: &'static str,
    pub end: &'static str,
}

/// A weekday of an ISO week, moved a week on while it is a public holiday.
fn working(year: i32, week: u32, day: Weekday) -> NaiveDate {
    let mut d = NaiveDate::from_isoywd_opt(year, week, day)
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 6, 1).unwrap_or_default());
    while crate::dates::holiday(d).is_some() {
        d += chrono::Duration::days(7);
    }
    d
}

/// The example meetings of a year: the fagdag the plan's example refers to,
/// and a network meeting (in the first local group, if there is one).
pub fn example_meetings(year: i32, groups: &[String]) -> Vec<ExampleMeeting> {
    let group = groups.first().cloned().unwrap_or_default();
    vec![
        ExampleMeeting {
            id: "fagdag".into(),
            date: working(year, 46, Weekday::Thu),
            kind: "fagdag",
            group: String::new(),
            applies_to: "felles",
            title: "Årlig fagdag",
            topic: "Symptomlindring i livets siste dager",
            start: "09:00",
            end: "15:30",
        },
        ExampleMeeting {
            id: "nettverksmote_var".into(),
            date: working(year, 17, Weekday::Tue),
            kind: "nettverksmøte",
            group,
            applies_to: "sykepleier",
            title: "Nettverksmøte",
            topic: "Kartlegging av symptomer",
            start: "",
            end: "",
        },
    ]
}

/// Whether a plan row is the worked example's text (as arsplan wrote it, now
/// or earlier). A block row is not: `blokk;nettverksgrupper` is as likely
/// her own (see [`is_example_block`]).
pub fn is_example_plan_row(level: &str, text: &str) -> bool {
    EXAMPLE_START
        .iter()
        .chain(EXAMPLE_GROUPS)
        .chain(EXAMPLE_NO_GROUPS)
        .chain(EXAMPLE_EARLIER)
        .any(|(l, t, _)| *l != "blokk" && l.eq_ignore_ascii_case(level.trim()) && *t == text.trim())
}

/// Whether a plan row is one of the blocks the worked example ends with.
pub fn is_example_block(level: &str, text: &str) -> bool {
    EXAMPLE_GROUPS
        .iter()
        .chain(EXAMPLE_NO_GROUPS)
        .any(|(l, t, _)| *l == "blokk" && l.eq_ignore_ascii_case(level.trim()) && *t == text.trim())
}

/// Whether a meeting is one of the examples (as arsplan wrote it).
pub fn is_example_meeting(id: &str, title: &str, topic: &str) -> bool {
    example_meetings(2000, &[])
        .iter()
        .any(|m| m.id == id.trim() && m.title == title.trim() && m.topic == topic.trim())
}

/// The «Slik fyller du ut» sheet of plan.xlsx. A line starting with `# ` is a heading.
pub fn plan_guide(year: i32, has_groups: bool) -> Vec<String> {
    let last = example_plan(has_groups).len() + 1;
    let table = if has_groups {
        "Den siste raden (blokk nettverksgrupper) setter inn tabellen over nettverksgruppenes møter; la den stå."
    } else {
        "Den siste raden (blokk moteplan) setter inn tabellen over årets møter for hele nettverket; la den stå."
    };
    let lines = [
        "# Slik fyller du ut planen".to_string(),
        format!("Arket «Plan» er årsplanen for {year} som en liste: én rad per linje i planen, i den rekkefølgen den skal stå i dokumentet. arsplan nummererer, setter opp og lager Word og PDF."),
        format!("Radene 2-{last} er et eksempel, én rad per nivå. Skriv over dem med nettverkets egen plan, eller slett dem. Så lenge de står der, sier arsplan fra."),
        table.into(),
        "Hold musen over (eller klikk i) en kolonneoverskrift for å se hva kolonnen skal ha.".into(),
        String::new(),
        "# Kolonnene".into(),
        "Nivå: velg fra listen.".into(),
        "   område: et satsingsområde (overskrift i planen), for eksempel Kompetanse".into(),
        "   mål: et mål under området".into(),
        "   delmål: et delmål under målet; Gjelder sier hvem det gjelder".into(),
        "   aktivitet: det som skal gjøres for delmålet".into(),
        "   underpunkt: en detalj under aktiviteten over".into(),
        "   tekst: et fritt avsnitt".into(),
        "   blokk: en ferdig del fra husstilen: nettverksgrupper (tabellen med gruppenes møter), moteplan (tabellen med møtene for hele nettverket), fysio_ergo_moter, arshjul eller strategidekning".into(),
        "Tekst: teksten på linjen. Ikke skriv nummer; arsplan nummererer.".into(),
        "Gjelder: på delmål: felles, sykepleier eller fysio/ergo.".into(),
        "Innsatsområder: på delmål: strategiens innsatsområder, for eksempel 2.6 eller 2.6, 4.2.".into(),
        String::new(),
        "# En dato står bare ett sted".into(),
        "Skriv ikke datoer i planteksten. Skriv møtets ID fra moter.xlsx i doble klammer:".into(),
        "   «Årlig fagdag arrangeres {{ fagdag }}» blir «Årlig fagdag arrangeres 12. november».".into(),
        "Flytter du møtet i moter.xlsx, følger teksten med. {{ år }} blir planåret, {{ år - 1 }} året før.".into(),
        String::new(),
        "# Når du er ferdig".into(),
        "Lagre og lukk arket. Trykk «Bygg dokumentene» på nettsiden (arsplan nettside), eller kjør «arsplan sjekk» og «arsplan bygg».".into(),
        "Er noe galt, sier arsplan hvilken fil, rad og kolonne det gjelder, og hva som ville vært riktig; alle feil på én gang.".into(),
        format!("Mer hjelp: {GUIDE}."),
    ];
    lines.to_vec()
}

/// The «Slik fyller du ut» sheet of moter.xlsx.
pub fn meetings_guide(year: i32) -> Vec<String> {
    vec![
        "# Slik fyller du ut møtene".to_string(),
        format!("Én rad per møte i {year}. Radene 2-3 er eksempler; skriv over dem eller slett dem. Så lenge de står der, sier arsplan fra."),
        "Hold musen over (eller klikk i) en kolonneoverskrift for å se hva kolonnen skal ha.".into(),
        String::new(),
        "# ID: møtets korte navn".into(),
        "Planteksten viser til møtet med ID-en i doble klammer: {{ fagdag }} blir møtets dato, «12. november».".into(),
        "Regelen: små bokstaver a-z, sifre og _ (understrek). Ingen mellomrom, ingen æ, ø eller å. Begynn med en bokstav.".into(),
        "Hvert møte har sin egen ID. Gode ID-er: fagdag, introkurs, stord_var, stord_host, samling_var.".into(),
        String::new(),
        "# De andre kolonnene".into(),
        format!("Dato: dd.mm.åååå, i {year}. Et møte på en lørdag, søndag eller helligdag gir en advarsel."),
        "Type: velg fra listen: nettverksmøte, samling, fagdag, introduksjonskurs, kurs eller møte.".into(),
        "Gruppe: for et møte i en lokal nettverksgruppe; velg gruppen fra listen. Tom for møter for hele nettverket.".into(),
        "   Gruppene står i nettverkets innstillinger (nettsiden, eller grupper i nettverk.toml). Endres de på nettsiden, oppdateres listen her.".into(),
        "Gjelder: felles, sykepleier eller fysio/ergo.".into(),
        "Tittel, Tema, Sted: slik de skal stå i planen.".into(),
        "Start, Slutt: klokkeslett tt:mm for kalenderen, eller tomme for et heldagsmøte.".into(),
        "Periode (om arket har den): kolonnen møtet står i i tabellen over nettverksgruppene, for eksempel Vår eller Høst.".into(),
        String::new(),
        "# Når du er ferdig".into(),
        "Lagre og lukk arket. Trykk «Bygg dokumentene» på nettsiden, eller kjør «arsplan bygg».".into(),
        "På nettsiden kan du også flytte et møte: skriv den nye datoen i tabellen, så lagres den her.".into(),
        format!("Mer hjelp: {GUIDE}."),
    ]
}

/// The «Slik fyller du ut» sheet of mottakere.xlsx.
pub fn recipients_guide() -> Vec<String> {
    vec![
        "# Slik fyller du ut mottakerne".to_string(),
        "Én rad per kommune som skal ha planen. arsplan sender planen og årsrapporten med et følgebrev til postmottaket.".into(),
        "Kommunenummer: fire sifre, med 0 foran der det hører til (0301). Kolonnen er formatert som tekst.".into(),
        "Kommune: navnet brevet bruker. Postmottak: kommunens offisielle e-postadresse.".into(),
        "Verifisert: ja når kommunen har bekreftet adressen, ellers nei. Bare verifiserte adresser får e-post.".into(),
        "Kontakt: hvem brevet gjelder, for eksempel Kommunalsjef helse (kan stå tom).".into(),
        "Du sender med «arsplan send», eller fra nettsiden: Utsending til kommunene.".into(),
        format!("Mer hjelp: {GUIDE}."),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn help_texts_fit_excels_limits() {
        for h in PLAN_HELP.iter().chain(MEETING_HELP).chain(RECIPIENT_HELP) {
            assert!(h.title.encode_utf16().count() <= 32, "{}", h.title);
            assert!(h.text.encode_utf16().count() <= 255, "{}: {}", h.column, h.text.len());
        }
    }

    #[test]
    fn the_example_plan_ends_with_the_table_that_fits_the_network() {
        let rows = |g| example_plan(g).iter().map(|(l, t, _)| format!("{l};{t}")).collect::<Vec<_>>();
        let (with, without) = (rows(true), rows(false));
        assert_eq!(with.last().unwrap(), "blokk;nettverksgrupper");
        assert_eq!(without.last().unwrap(), "blokk;moteplan");
        // Without groups, no word about them.
        assert!(without.iter().all(|r| !r.to_lowercase().contains("nettverksgrupp")), "{without:?}");
        // The rows are known as the example's, the earlier sentence too; a
        // block row is never taken for the example (it is as likely her own).
        for (l, t, _) in example_plan(true).iter().chain(&example_plan(false)) {
            assert_eq!(is_example_plan_row(l, t), *l != "blokk", "{l};{t}");
            assert_eq!(is_example_block(l, t), *l == "blokk", "{l};{t}");
        }
        assert!(is_example_plan_row(
            "tekst",
            "Nettverksgruppene møtes to ganger i året; datoene står i kalenderen som følger med planen."
        ));
        assert!(plan_guide(2027, false).iter().any(|l| l.contains("Radene 2-8")));
    }

    #[test]
    fn example_meetings_fall_on_working_days_of_the_year() {
        for year in 2024..2040 {
            for m in example_meetings(year, &["Stord".into()]) {
                assert_eq!(m.date.year(), year);
                assert!(crate::dates::holiday(m.date).is_none() && !crate::dates::is_weekend(m.date));
            }
        }
    }
}
