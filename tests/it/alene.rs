//! A nurse alone, from the downloaded file to the January sending: the
//! program in an empty folder with no arguments, Norwegian names and help
//! first, `ny nettverk` asking its questions, workbooks that explain
//! themselves (read back with openpyxl), every problem in one round, an
//! unfilled plan said as warnings, the planning year as default, and the
//! whole year end to end: answers on standard input, workbooks filled with
//! openpyxl, a build, a moved date, `ny år`, drafts confirmed as sent and a
//! correction sent to a real SMTP server.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::common;
use crate::hjemme::Alone;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

/// The answers a leader gives `ny nettverk`, one per line.
fn answers(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// A new network made with `--standard` (no questions), for the tests that need one.
fn fonna(a: &Alone) -> PathBuf {
    let root = a.root();
    a.ok(
        &root,
        &[
            "ny",
            "nettverk",
            "fonna",
            "--helseforetak",
            "Helse Fonna",
            "--grupper",
            "Haugesund, Stord",
            "--år",
            "2027",
            "--standard",
        ],
    );
    root
}

/// Runs a Python script with openpyxl, giving it `args`; its standard output.
fn openpyxl(script: &str, args: &[&str]) -> String {
    common::need("python3", &["-c", "import openpyxl"]);
    let out = Command::new("python3").arg("-c").arg(script).args(args).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// Fills a sheet of a workbook arsplan wrote, as a leader does in Excel:
/// every row under the header replaced by `rows` (a cell `date:2027-04-13`
/// is a date cell; others are text), everything else kept.
fn fill(path: &Path, sheet: &str, rows: &[&[&str]]) {
    let script = r#"
import sys, json, datetime, openpyxl
path, sheet, rows = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
wb = openpyxl.load_workbook(path)
ws = wb[sheet]
if ws.max_row > 1:
    ws.delete_rows(2, ws.max_row)
for r, row in enumerate(rows, start=2):
    for c, v in enumerate(row, start=1):
        if v.startswith("date:"):
            ws.cell(row=r, column=c, value=datetime.datetime.strptime(v[5:], "%Y-%m-%d"))
            ws.cell(row=r, column=c).number_format = "dd.mm.yyyy"
        elif v:
            ws.cell(row=r, column=c, value=v)
wb.save(path)
"#;
    let json = serde_json::to_string(&rows.iter().map(|r| r.to_vec()).collect::<Vec<_>>()).unwrap();
    openpyxl(script, &[path.to_str().unwrap(), sheet, &json]);
}

#[test]
#[ignore = "needs python3 (a pseudo-terminal)"]
fn no_arguments_in_a_terminal_print_a_norwegian_start_guide() {
    common::need("python3", &["-c", "import pty"]);
    let a = Alone::new();
    let root = a.root();
    let out = Command::new("python3")
        .current_dir(&root)
        .args(["-c", "import pty, sys; sys.exit(pty.spawn(sys.argv[1:]) >> 8)"])
        .arg(&a.exe)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let said = text(&out.stdout);
    assert!(out.status.success(), "{said}");
    for line in
        ["Kom i gang", "arsplan nettside", "arsplan ny nettverk", "arsplan ny eksempel", "Brukerveiledning"]
    {
        assert!(said.contains(line), "«{line}» in:\n{said}");
    }
    assert!(!said.contains("Usage") && !said.contains("mangler kommando"), "{said}");
    assert!(!root.join("data").exists(), "the guide writes nothing");
}

/// A GET with the token, over a plain socket; the reply's body.
/// A GET to the page at `host` (`ip:port`, a random address of 127.0.0.0/8).
fn get(host: &str, path: &str, cookie: &str) -> (String, String) {
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
    (head.to_string(), body.to_string())
}

#[test]
fn no_arguments_without_a_terminal_start_the_web_page_that_makes_a_network() {
    // A double-click: no terminal to type in; the page is the way in.
    let a = Alone::new();
    let root = a.root();
    let mut child = a.spawn(|c| {
        c.current_dir(&root)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            // No browser to open here (the warning goes to the closed stderr).
            .env("PATH", "");
    });
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let url =
        line.trim().strip_prefix("Nettsiden kjører på ").unwrap_or_else(|| panic!("{line}")).to_string();
    let rest = url.strip_prefix("http://").unwrap();
    let (host, token) = rest.split_once("/?token=").unwrap();
    let port: u16 = host.rsplit_once(':').unwrap().1.parse().unwrap();
    let (_, body) = get(host, "/", &format!("arsplan_{port}={token}"));
    let _ = child.kill();
    let _ = child.wait();
    assert!(body.contains("<h1>Kom i gang</h1>"), "{body}");
    assert!(body.contains("action=\"/nytt-nettverk\"") && body.contains("Lag nettverket"), "{body}");
    assert!(body.contains("for=\"f-helseforetak\"") && body.contains("for=\"f-grupper\""), "{body}");
}

#[test]
fn commands_options_and_messages_are_norwegian_first_with_the_english_names_still_working() {
    let a = Alone::new();
    let root = a.root();
    let top = a.ok(&root, &["hjelp"]);
    for cmd in ["bygg ", "sjekk ", "følg ", "nettside ", "send ", "trekk ", "ny ", "wordmal ", "importer "] {
        assert!(top.contains(&format!("\n  {cmd}")), "«{cmd}» in:\n{top}");
    }
    for english in ["  build", "  check", "  watch", "  serve", "også:", "(også"] {
        assert!(!top.contains(english), "«{english}» in:\n{top}");
    }
    let paths: &[&[&str]] = &[
        &["bygg"],
        &["sjekk"],
        &["følg"],
        &["send"],
        &["trekk"],
        &["nettside"],
        &["wordmal"],
        &["ny"],
        &["ny", "eksempel"],
        &["ny", "nettverk"],
        &["ny", "år"],
        &["fullforing"],
        &["hjelp"],
    ];
    for p in paths {
        let mut args = vec!["hjelp"];
        args.extend_from_slice(p);
        let h = a.ok(&root, &args);
        // Also as `<kommando> --hjelp`, and the English `--help`.
        let mut flag: Vec<&str> = p.to_vec();
        flag.push("--hjelp");
        assert_eq!(a.ok(&root, &flag), h, "{p:?}");
        for english in [
            "Usage",
            "Options",
            "Arguments",
            "Commands",
            "possible values",
            "[default",
            "[alias",
            "Print",
            "--network",
            "--year",
            "--dry-run",
            "--seed",
            "--smtp-server",
            "--help",
            "arsplan build",
            "arsplan check",
            "arsplan serve",
        ] {
            assert!(!h.contains(english), "«{english}» in the help of {p:?}:\n{h}");
        }
        assert!(h.contains("Bruk: arsplan") && h.contains("-h, --hjelp"), "{p:?}:\n{h}");
    }
    let send = a.ok(&root, &["hjelp", "send"]);
    for option in ["--nettverk", "--år", "--prøve", "--utkast-sendt", "--smtp-tjener"] {
        assert!(send.contains(option), "{option} in:\n{send}");
    }
    assert!(a.ok(&root, &["hjelp", "trekk"]).contains("--frø <FRØ>"));
    // clap's own messages in Norwegian: a bad value, a missing command.
    let o = a.run_in(&root, &["fullforing", "zz"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("ugyldig verdi «zz»") && err.contains("gyldige verdier: bash"), "{err}");
    let o = a.run_in(&root, &["send", "--sikkerhet"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(text(&o.stderr).lines().next(), Some("feil: --sikkerhet <SIKKERHET> mangler en verdi"));
    let o = a.run_in(&root, &["ny"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("Bruk: arsplan ny <eksempel | nettverk | år>") && err.contains("Kommandoer:"),
        "{err}"
    );
    // The English names of earlier versions still work (scripts keep running).
    fonna(&a);
    let by_english = a.ok(&root, &["check", "--network", "fonna", "--year", "2027"]);
    let by_norwegian = a.ok(&root, &["sjekk", "--nettverk", "fonna", "--år", "2027"]);
    assert_eq!(by_english, by_norwegian);
}

#[test]
fn ny_nettverk_asks_in_norwegian_and_writes_settings_she_never_has_to_edit() {
    let a = Alone::new();
    let root = a.root();
    let logo = common::root().join("tests/fixtures/logo-eksempel.png");
    let input = answers(&[
        "Helse Fonna",
        "felles",
        "",
        "",
        "2027",
        "Haugesund, Stord «sør», \"Odda\"",
        "Kari Nordmann, leder av driftsgruppen",
        "Ola Olsen, \"fagsykepleier\"",
        "",
        "driftsgruppen",
        "Driftsgruppen <nettverk@helse-fonna.example>",
        &format!("'{}'", logo.display()),
        "j",
    ]);
    let said = a.ok_with(&root, &["ny", "nettverk"], &input);
    for q in [
        "Hvilket helseforetak",
        "Hvilken husstil",
        "lokale nettverksgruppene",
        "Hvem signerer planen",
        "E-postadressen",
    ] {
        assert!(said.contains(q), "the question «{q}» in:\n{said}");
    }
    // A wrong answer is explained and asked again.
    assert!(said.contains("«driftsgruppen» er ikke en e-postadresse"), "{said}");
    // The confirmation names network, year and files.
    assert!(
        said.contains(
            "Lager nettverket «Nettverk i kreftomsorg og lindrende behandling i Helse Fonna» for 2027"
        ) && said.contains(
            "nettverk.toml, 2027/plan.toml, 2027/plan.xlsx, 2027/moter.xlsx, mottakere.xlsx, logo.png"
        ),
        "{said}"
    );
    let dir = root.join("data/fonna");
    let toml_text = std::fs::read_to_string(dir.join("nettverk.toml")).unwrap();
    let profile: toml::Table = toml::from_str(&toml_text).unwrap();
    assert_eq!(profile["helseforetak"].as_str(), Some("Helse Fonna"));
    assert_eq!(profile["stil"].as_str(), Some("felles"));
    assert_eq!(profile["avsender"].as_str(), Some("Driftsgruppen <nettverk@helse-fonna.example>"));
    let groups: Vec<&str> =
        profile["grupper"].as_array().unwrap().iter().map(|g| g.as_str().unwrap()).collect();
    assert_eq!(groups, ["Haugesund", "Stord «sør»", "\"Odda\""]);
    assert!(toml_text.contains("# De lokale nettverksgruppene"), "every line explained: {toml_text}");
    let plan: toml::Table =
        toml::from_str(&std::fs::read_to_string(dir.join("2027/plan.toml")).unwrap()).unwrap();
    let signatories: Vec<&str> =
        plan["signatarer"].as_array().unwrap().iter().map(|g| g.as_str().unwrap()).collect();
    assert_eq!(signatories, ["Kari Nordmann, leder av driftsgruppen", "Ola Olsen, \"fagsykepleier\""]);
    assert_eq!(std::fs::read(dir.join("logo.png")).unwrap(), std::fs::read(&logo).unwrap());
    // It builds as it is, with warnings saying what to fill in.
    let built = a.ok(&root, &["bygg"]);
    assert!(built.contains("er fortsatt eksemplet arsplan la inn"), "{built}");
    let docx = common::docx_text(&std::fs::read(root.join("output/fonna/2027/arsplan-2027.docx")).unwrap());
    assert!(docx.contains("Kari Nordmann, leder av driftsgruppen"), "{docx}");
}

#[test]
fn the_planning_year_is_the_default_and_a_network_made_for_the_wrong_year_is_moved() {
    let a = Alone::new();
    let root = a.root();
    let planning = arsplan::dates::planning_year();
    a.ok(&root, &["ny", "nettverk", "--helseforetak", "Helse Fonna", "--standard"]);
    assert!(root.join(format!("data/fonna/{planning}/moter.xlsx")).is_file(), "the planning year by default");
    // Made for the wrong year by mistake and not filled in: moved to the year asked for.
    let other = planning + 3;
    let said = a.ok(&root, &["ny", "nettverk", "fonna", "--år", &other.to_string()]);
    assert!(said.contains(&format!("flyttet til {other}")), "{said}");
    assert!(!root.join(format!("data/fonna/{planning}")).exists());
    let plan = std::fs::read_to_string(root.join(format!("data/fonna/{other}/plan.toml"))).unwrap();
    assert!(plan.contains(&format!("dato = {other}-01-15")), "{plan}");
    a.ok(&root, &["sjekk"]);
    // Once filled in, nothing is moved or written: the message says what to do.
    let year_dir = root.join(format!("data/fonna/{other}"));
    std::fs::remove_file(year_dir.join("plan.xlsx")).unwrap();
    std::fs::write(year_dir.join("plan.csv"), "Nivå;Tekst\nområde;Vårt eget område\n").unwrap();
    let o = a.run_in(&root, &["ny", "nettverk", "fonna", "--år", &(other + 1).to_string()]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("finnes allerede") && err.contains("arsplan ny år --nettverk fonna"), "{err}");
    assert!(!root.join(format!("data/fonna/{}", other + 1)).exists());
    // The year asked for exists: refused, nothing changed.
    let o = a.run_in(&root, &["ny", "nettverk", "fonna", "--år", &other.to_string()]);
    assert!(text(&o.stderr).contains(&format!("har alt {other}")), "{}", text(&o.stderr));
    // `ny år` without --år makes the planning year, and says so.
    let o = a.run_in(&root, &["ny", "år"]);
    assert!(
        text(&o.stdout).contains(&format!("Året er {planning}, året som planlegges")),
        "{}",
        text(&o.stdout)
    );
    // `send` without --år names the year it uses.
    let said = text(&a.run_in(&root, &["send"]).stdout);
    assert!(said.starts_with(&format!("Året er {other}, nettverkets første år")), "{said}");
}

#[test]
#[ignore = "needs python3 with openpyxl"]
fn the_workbooks_explain_themselves() {
    let a = Alone::new();
    let root = fonna(&a);
    let script = r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
print("SHEETS", wb.sheetnames, [ws.sheet_state for ws in wb.worksheets], wb.active.title)
for name in sorted(wb.defined_names):
    print("NAME", name, wb.defined_names[name].attr_text)
ws = wb.worksheets[0]
print("HEADER", [c.value for c in ws[1]])
for row in ws.iter_rows(min_row=2, max_row=8, values_only=True):
    if any(v is not None for v in row):
        print("ROW", [str(v) if v is not None else "" for v in row])
for dv in ws.data_validations.dataValidation:
    print("DV", dv.sqref, dv.type, dv.formula1, dv.formula2, "|", dv.promptTitle, "|", dv.prompt)
if "Lister" in wb.sheetnames:
    for col in wb["Lister"].iter_cols(values_only=True):
        print("LIST", [v for v in col if v is not None])
for c in ws[1]:
    print("FORMAT", c.value, ws.column_dimensions[c.column_letter].number_format)
if "Slik fyller du ut" in wb.sheetnames:
    print("GUIDE", " ".join(str(r[0]) for r in wb["Slik fyller du ut"].iter_rows(values_only=True) if r[0]))
"#;
    let dir = root.join("data/fonna/2027");
    let moter = openpyxl(script, &[dir.join("moter.xlsx").to_str().unwrap()]);
    assert!(
        moter.contains(
            "SHEETS ['Møter', 'Slik fyller du ut', 'Lister'] ['visible', 'visible', 'hidden'] Møter"
        ),
        "{moter}"
    );
    // Drop-downs read named lists on the hidden sheet: groups added later appear.
    assert!(
        moter.contains("NAME Grupper OFFSET(Lister!$B$2,0,0,MAX(1,COUNTA(Lister!$B$2:$B$201)),1)"),
        "{moter}"
    );
    assert!(moter.contains("DV C2:C") && moter.contains("list Motetyper"), "{moter}");
    assert!(moter.contains("list Grupper") && moter.contains("list Gjelder"), "{moter}");
    assert!(moter.contains("LIST ['Grupper', 'Haugesund', 'Stord']"), "{moter}");
    assert!(
        moter.contains(
            "LIST ['Motetyper', 'nettverksmøte', 'samling', 'fagdag', 'introduksjonskurs', 'kurs', 'møte']"
        ),
        "{moter}"
    );
    // Dates outside the year are refused as she types (Excel's serial days for 2027).
    assert!(moter.contains("DV B2:B") && moter.contains("date 46388 46752"), "{moter}");
    // Help on every header cell; the ID rule where she types the IDs.
    for col in ["A1 ", "B1 ", "C1 ", "D1 ", "J1 "] {
        assert!(moter.contains(&format!("DV {col}")), "help on the header {col}: {moter}");
    }
    let id_help = moter.lines().find(|l| l.starts_with("DV A2:")).unwrap();
    assert!(
        id_help.contains("Møtets ID")
            && id_help.contains("små bokstaver a-z")
            && id_help.contains("{{ fagdag }}"),
        "{id_help}"
    );
    // A worked example per meeting kind she overwrites, and the guide sheet.
    assert!(
        moter.contains("ROW ['fagdag', '2027-11-18 00:00:00', 'fagdag', '', 'felles', 'Årlig fagdag'"),
        "{moter}"
    );
    assert!(
        moter.contains("'nettverksmote_var', '2027-04-27 00:00:00', 'nettverksmøte', 'Haugesund'"),
        "{moter}"
    );
    assert!(
        moter.contains("GUIDE Slik fyller du ut møtene")
            && moter.contains("Ingen mellomrom, ingen æ, ø eller å"),
        "{moter}"
    );
    assert!(moter.contains("FORMAT Dato dd.mm.yyyy") && moter.contains("FORMAT ID @"), "{moter}");
    let plan = openpyxl(script, &[dir.join("plan.xlsx").to_str().unwrap()]);
    assert!(plan.contains("HEADER ['Nivå', 'Tekst', 'Gjelder', 'Innsatsområder']"), "{plan}");
    assert!(
        plan.contains(
            "LIST ['Nivaer', 'område', 'mål', 'delmål', 'aktivitet', 'underpunkt', 'tekst', 'blokk']"
        ),
        "{plan}"
    );
    for level in ["område", "mål", "delmål", "aktivitet", "underpunkt", "tekst"] {
        assert!(plan.contains(&format!("ROW ['{level}',")), "an example row for {level}: {plan}");
    }
    assert!(plan.contains("ROW ['aktivitet', 'Årlig fagdag arrangeres {{ fagdag }}"), "{plan}");
    assert!(plan.contains("FORMAT Innsatsområder @"), "a text column: {plan}");
    assert!(
        plan.contains("GUIDE Slik fyller du ut planen") && plan.contains("En dato står bare ett sted"),
        "{plan}"
    );
    let recipients = openpyxl(script, &[root.join("data/fonna/mottakere.xlsx").to_str().unwrap()]);
    assert!(
        recipients.contains("list JaNei") && recipients.contains("FORMAT Kommunenummer @"),
        "{recipients}"
    );
}

#[test]
fn groups_changed_through_the_settings_reach_the_drop_down_and_the_comments_stay() {
    let a = Alone::new();
    let root = fonna(&a);
    let project = arsplan::Project::default_layout(&root);
    let path = root.join("data/fonna/nettverk.toml");
    let before = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, before.replace("grupper = [", "# Våre grupper, fra 2027:\ngrupper = [")).unwrap();
    let mut values = arsplan::settings::Values::new();
    values.insert(
        "grupper".into(),
        arsplan::settings::Setting::Lines(vec!["Haugesund".into(), "Stord".into(), "Odda".into()]),
    );
    let saved = project.save_network_settings("fonna", &values).unwrap();
    assert_eq!(saved.changed, [path.clone(), root.join("data/fonna/2027/moter.xlsx")]);
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(
        after.contains("# Våre grupper, fra 2027:\ngrupper = [\"Haugesund\", \"Stord\", \"Odda\"]"),
        "{after}"
    );
    // Only the groups' line changed.
    let commented = before.replace("grupper = [", "# Våre grupper, fra 2027:\ngrupper = [");
    let diff: Vec<(&str, &str)> = commented.lines().zip(after.lines()).filter(|(x, y)| x != y).collect();
    assert_eq!(diff.len(), 1, "{diff:?}");
    // The hidden list the Gruppe drop-down reads holds the new group.
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(root.join("data/fonna/2027/moter.xlsx")).unwrap();
    let lists = book.worksheet_range("Lister").unwrap();
    let groups: Vec<String> = lists.rows().map(|r| r[1].to_string()).filter(|v| !v.is_empty()).collect();
    assert_eq!(groups, ["Grupper", "Haugesund", "Stord", "Odda"]);
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(root.join("data/fonna/2027/moter.xlsx")).unwrap()).unwrap();
    let mut sheet = String::new();
    zip.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut sheet).unwrap();
    assert!(
        sheet.contains("<formula1>Grupper</formula1>") && sheet.contains("promptTitle=\"Møtets ID\""),
        "{sheet}"
    );
    // A bad value is refused before anything is written.
    values.insert("avsender".into(), arsplan::settings::Setting::Text("ikke en adresse".into()));
    let e = project.save_network_settings("fonna", &values).unwrap_err();
    assert!(e.to_string().contains("«ikke en adresse» er ikke en e-postadresse"), "{e}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), after);
    // And the network still builds with its new group.
    a.ok(&root, &["bygg"]);
}

/// Writes a meetings workbook with these rows (ID, date, Type, Gruppe, Tittel), by rust_xlsxwriter.
fn meetings(path: &Path, rows: &[(&str, &str, &str, &str, &str)]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Møter").unwrap();
    for (c, h) in ["ID", "Dato", "Type", "Gruppe", "Tittel"].iter().enumerate() {
        ws.write(0, c as u16, *h).unwrap();
    }
    let date = rust_xlsxwriter::Format::new().set_num_format("dd.mm.yyyy");
    for (r, (id, d, kind, group, title)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write(r, 0, *id).unwrap();
        match chrono::NaiveDate::parse_from_str(d, "%d.%m.%Y").ok().filter(|_| d.len() == 10) {
            Some(d) => {
                use chrono::Datelike;
                let when =
                    rust_xlsxwriter::ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                        .unwrap();
                ws.write_datetime_with_format(r, 1, &when, &date).unwrap();
            }
            None => {
                ws.write(r, 1, *d).unwrap();
            }
        }
        ws.write(r, 2, *kind).unwrap();
        ws.write(r, 3, *group).unwrap();
        ws.write(r, 4, *title).unwrap();
    }
    wb.save(path).unwrap();
}

#[test]
fn every_problem_of_every_file_comes_in_one_run() {
    let a = Alone::new();
    let root = fonna(&a);
    let year = root.join("data/fonna/2027");
    std::fs::remove_file(year.join("moter.xlsx")).unwrap();
    meetings(
        &year.join("moter.xlsx"),
        &[
            ("fagdag", "3.3.27", "fagdag", "", "Fagdag"),
            ("innspill", "11.03.2027", "", "", "Innspillsmøte"),
            ("", "12.03.2027", "møte", "", "Møte uten ID"),
            ("haugesund_var", "15.04.2026", "nettverksmøte", "Haugesund", "Nettverksmøte"),
            ("stord_var", "18.04.2027", "nettverksmøte", "Stord", "Nettverksmøte"),
            ("Stord Høst", "17.05.2027", "nettverksmøte", "Stord", "Nettverksmøte"),
        ],
    );
    let o = a.run_in(&root, &["sjekk"]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    for (what, row) in [
        ("«3.3.27» er ingen dato", 2),
        ("cellen i kolonnen «Type» er tom", 3),
        ("cellen i kolonnen «ID» er tom", 4),
        ("15.04.2026 ligger utenfor planåret 2027", 5),
        ("18.04.2027 er en søndag", 6),
        ("«Stord Høst» kan ikke brukes som møte-id", 7),
        ("17.05.2027 er 17. mai", 7),
    ] {
        assert!(
            err.lines().any(|l| l.contains(&format!("rad {row},")) && l.contains(what)),
            "«{what}» at row {row} in:\n{err}"
        );
    }
    // What the errors hide is said.
    assert!(
        err.contains("planens tekster og malene (henvisninger som {{ fagdag }}) er ikke kontrollert ennå"),
        "{err}"
    );
    // A table whose column is missing says its rows wait.
    std::fs::remove_file(year.join("moter.xlsx")).unwrap();
    std::fs::write(year.join("moter.csv"), "ID;Dato;Tittel\nfagdag;12.11.2027;Fagdag\n").unwrap();
    let err = text(&a.run_in(&root, &["sjekk"]).stderr);
    assert!(
        err.contains("kolonnen «Type» mangler")
            && err.contains("radene i tabellen kontrolleres når dette er rettet"),
        "{err}"
    );
}

#[test]
fn an_unfilled_plan_is_a_warning_that_says_what_to_fill_in() {
    let a = Alone::new();
    let root = fonna(&a);
    let said = a.ok(&root, &["sjekk"]);
    assert!(said.contains("plan.xlsx [ark Plan]: radene 2-7 er fortsatt eksemplet arsplan la inn"), "{said}");
    assert!(said.contains("radene 2-3 (nettverksmote_var, fagdag) er fortsatt eksempelmøtene"), "{said}");
    assert!(said.contains("innledningen er tom") && said.contains("3 advarsler"), "{said}");
    // Emptied: the plan and the meetings are said to be empty, with what to write.
    let year = root.join("data/fonna/2027");
    std::fs::remove_file(year.join("plan.xlsx")).unwrap();
    std::fs::remove_file(year.join("moter.xlsx")).unwrap();
    std::fs::write(year.join("plan.csv"), "Nivå;Tekst;Gjelder;Innsatsområder\n").unwrap();
    std::fs::write(year.join("moter.csv"), "ID;Dato;Type;Gruppe;Gjelder;Tittel\n").unwrap();
    let said = a.ok(&root, &["bygg"]);
    assert!(said.contains("planen er tom") && said.contains("Nivå (område, mål, delmål"), "{said}");
    assert!(said.contains("møtetabellen er tom") && said.contains("ID, Dato, Type"), "{said}");
    assert!(root.join("output/fonna/2027/arsplan-2027.pdf").is_file(), "it still builds");
}

/// Starts the SMTP server of the send tests; (child, port, maildir).
fn smtp(dir: &Path) -> (std::process::Child, u16, PathBuf) {
    common::need("python3", &["-c", "import aiosmtpd"]);
    let maildir = dir.join("post");
    std::fs::create_dir_all(&maildir).unwrap();
    let mut child = Command::new("python3")
        .arg(common::root().join("tests/fixtures/smtp_server.py"))
        .arg(&maildir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let port = line.trim().strip_prefix("READY ").expect("server ready").parse().unwrap();
    (child, port, maildir)
}

fn messages(maildir: &Path) -> Vec<String> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(maildir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    v.sort();
    v.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
}

/// The subject of a message, decoded by Python's email package.
fn subject(eml: &Path) -> String {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys, email; from email import policy; m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=policy.default); print(m['Subject']); print(m.get_body(('plain',)).get_content())",
        ])
        .arg(eml)
        .output()
        .unwrap();
    text(&out.stdout)
}

#[test]
#[ignore = "needs python3 with openpyxl and aiosmtpd"]
fn a_leader_alone_from_the_downloaded_file_to_the_january_sending() {
    let a = Alone::new();
    let root = a.root();
    // The questions answered on standard input, as she would type them.
    let said = a.ok_with(
        &root,
        &["ny", "nettverk"],
        &answers(&[
            "Helse Fonna",
            "",
            "",
            "",
            "2027",
            "Haugesund, Stord",
            "Kari Nordmann, leder av driftsgruppen",
            "",
            "Driftsgruppen <nettverk@helse-fonna.example>",
            "",
            "",
        ]),
    );
    assert!(said.contains("Neste steg: fyll ut planen"), "{said}");
    let dir = root.join("data/fonna");
    let year = dir.join("2027");
    // The workbooks filled in, as in Excel: the examples overwritten.
    fill(
        &year.join("plan.xlsx"),
        "Plan",
        &[
            &["område", "Kompetanse i lindrende behandling"],
            &["mål", "Ressurspersonene er trygge i møte med alvorlig syke."],
            &["delmål", "Ressurspersonene kan bruke ESAS-r.", "felles"],
            &["aktivitet", "Årlig fagdag arrangeres {{ fagdag }} for alle ressurspersoner."],
            &["aktivitet", "Nettverksgruppene møtes to ganger i året, første gang {{ haugesund_var }}."],
            &["blokk", "nettverksgrupper"],
        ],
    );
    fill(
        &year.join("moter.xlsx"),
        "Møter",
        &[
            &["fagdag", "date:2027-11-18", "fagdag", "", "felles", "Årlig fagdag", "Smerte"],
            &[
                "haugesund_var",
                "date:2027-04-13",
                "nettverksmøte",
                "Haugesund",
                "sykepleier",
                "Nettverksmøte",
            ],
            &["stord_var", "date:2027-04-14", "nettverksmøte", "Stord", "sykepleier", "Nettverksmøte"],
            &[
                "haugesund_host",
                "date:2027-10-12",
                "nettverksmøte",
                "Haugesund",
                "sykepleier",
                "Nettverksmøte",
            ],
            &["stord_host", "date:2027-10-13", "nettverksmøte", "Stord", "sykepleier", "Nettverksmøte"],
        ],
    );
    fill(
        &dir.join("mottakere.xlsx"),
        "Mottakere",
        &[
            &["1106", "Haugesund", "postmottak@haugesund.kommune.example", "ja", "Kommunalsjef helse"],
            &["4614", "Stord", "postmottak@stord.kommune.example", "ja"],
            &["4618", "Ullensvang", "postmottak@ullensvang.kommune.example", "nei"],
        ],
    );
    let project = arsplan::Project::default_layout(&root);
    let mut intro = arsplan::settings::Values::new();
    intro.insert(
        "innledning".into(),
        arsplan::settings::Setting::Lines(vec!["Planen bygger på strategien.".into()]),
    );
    project.save_year_settings("fonna", 2027, &intro).unwrap();
    // One build: no warnings left, the documents as she wrote them.
    let built = a.ok(&root, &["bygg"]);
    assert!(!built.contains("advarsel"), "{built}");
    let docx = std::fs::read(root.join("output/fonna/2027/arsplan-2027.docx")).unwrap();
    let doc = common::docx_text(&docx);
    assert!(
        doc.contains("Årlig fagdag arrangeres 18. november") && doc.contains("første gang 13. april"),
        "{doc}"
    );
    // One moved date.
    fill(
        &year.join("moter.xlsx"),
        "Møter",
        &[
            &["fagdag", "date:2027-11-18", "fagdag", "", "felles", "Årlig fagdag", "Smerte"],
            &[
                "haugesund_var",
                "date:2027-04-20",
                "nettverksmøte",
                "Haugesund",
                "sykepleier",
                "Nettverksmøte",
            ],
            &["stord_var", "date:2027-04-14", "nettverksmøte", "Stord", "sykepleier", "Nettverksmøte"],
            &[
                "haugesund_host",
                "date:2027-10-12",
                "nettverksmøte",
                "Haugesund",
                "sykepleier",
                "Nettverksmøte",
            ],
            &["stord_host", "date:2027-10-13", "nettverksmøte", "Stord", "sykepleier", "Nettverksmøte"],
        ],
    );
    let built = a.ok(&root, &["bygg"]);
    assert!(built.contains("fonna 2027: Haugesund: 13. april → 20. april"), "{built}");
    // Next year, made from this one.
    let next = a.ok(&root, &["ny", "år", "--år", "2028"]);
    assert!(next.contains("data/fonna/2028/moter.xlsx"), "{next}");
    // January: drafts for Outlook, confirmed as sent.
    let drafted = a.ok(&root, &["send", "--år", "2027", "--utkast"]);
    assert!(drafted.contains("Utkast: 2 e-poster") && drafted.contains("--utkast-sendt"), "{drafted}");
    let out = root.join("output/fonna/2027/utsending");
    assert!(!subject(&out.join("utkast/1106.eml")).contains("Rettet"));
    let confirmed = a.ok(&root, &["send", "--år", "2027", "--utkast-sendt"]);
    assert!(
        confirmed.contains("Ført som sendt fra Outlook, fonna 2027 (arsplan-2027.pdf og kalender-2027.ics): 2 utkast: Haugesund (1106), Stord (4614)."),
        "{confirmed}"
    );
    // A date moves after the sending: the correction goes out over SMTP, based on what she confirmed.
    fill(
        &year.join("moter.xlsx"),
        "Møter",
        &[
            &["fagdag", "date:2027-11-25", "fagdag", "", "felles", "Årlig fagdag", "Smerte"],
            &[
                "haugesund_var",
                "date:2027-04-20",
                "nettverksmøte",
                "Haugesund",
                "sykepleier",
                "Nettverksmøte",
            ],
            &["stord_var", "date:2027-04-14", "nettverksmøte", "Stord", "sykepleier", "Nettverksmøte"],
            &[
                "haugesund_host",
                "date:2027-10-12",
                "nettverksmøte",
                "Haugesund",
                "sykepleier",
                "Nettverksmøte",
            ],
            &["stord_host", "date:2027-10-13", "nettverksmøte", "Stord", "sykepleier", "Nettverksmøte"],
        ],
    );
    let (mut server, port, maildir) = smtp(&root);
    let sent = a.ok(
        &root,
        &[
            "send",
            "--år",
            "2027",
            "--send",
            "--smtp-tjener",
            "127.0.0.1",
            "--smtp-port",
            &port.to_string(),
            "--sikkerhet",
            "ingen",
            "--ja",
        ],
    );
    drop(server.stdin.take());
    let _ = server.wait();
    assert!(
        sent.contains(
            "Sender til 2 mottakere (1 uverifisert hoppes over): fonna 2027, følgebrev med arsplan-2027.pdf og kalender-2027.ics."
        ),
        "{sent}"
    );
    let msgs = messages(&maildir);
    assert_eq!(msgs.len(), 2);
    let m = subject(&maildir.join("0001.eml"));
    assert!(m.starts_with("Rettet versjon: Årsplan 2027"), "{m}");
    assert!(m.contains("Årlig fagdag er flyttet fra torsdag 18. november til torsdag 25. november"), "{m}");
    // Nothing new: nothing sent again.
    let again = a.ok(&root, &["send", "--år", "2027"]);
    assert!(again.contains("allerede sendt"), "{again}");
}
