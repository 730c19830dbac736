//! At home: the program alone in an empty folder starts a project, builds it,
//! makes a new network and next year; it finds its project from any subfolder;
//! the workbooks it writes are made for people; the command line helps.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary copied into a fresh folder, away from the repository and its templates.
pub struct Alone {
    dir: tempfile::TempDir,
    pub exe: PathBuf,
}

impl Alone {
    pub fn new() -> Alone {
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("bin").join("arsplan");
        std::fs::create_dir_all(exe.parent().unwrap()).unwrap();
        std::fs::copy(env!("CARGO_BIN_EXE_arsplan"), &exe).unwrap();
        std::fs::create_dir_all(dir.path().join("prosjekt")).unwrap();
        Alone { dir, exe }
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("prosjekt")
    }

    pub fn run_in(&self, cwd: &Path, args: &[&str]) -> Output {
        self.run_with(cwd, args, None)
    }

    /// Runs the program with `input` on its standard input (none: an empty one).
    pub fn run_with(&self, cwd: &Path, args: &[&str], input: Option<&str>) -> Output {
        // A test thread that forks while the copy is still open for writing
        // makes exec fail with ETXTBSY for a moment: try again.
        for _ in 0..50 {
            let spawned = Command::new(&self.exe)
                .current_dir(cwd)
                .args(args)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn();
            match spawned {
                Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                    std::thread::sleep(std::time::Duration::from_millis(50))
                }
                Ok(mut child) => {
                    let mut stdin = child.stdin.take().unwrap();
                    let text = input.unwrap_or("").to_string();
                    let writer = std::thread::spawn(move || {
                        let _ = std::io::Write::write_all(&mut stdin, text.as_bytes());
                    });
                    let out = child.wait_with_output().unwrap();
                    writer.join().unwrap();
                    return out;
                }
                Err(e) => panic!("{e}"),
            }
        }
        panic!("{} stayed busy", self.exe.display())
    }

    /// Like [`Self::run_with`], and it must succeed: stdout and stderr.
    pub fn ok_with(&self, cwd: &Path, args: &[&str], input: &str) -> String {
        let o = self.run_with(cwd, args, Some(input));
        let (out, err) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        assert!(o.status.success(), "arsplan {args:?}:\n{out}\n{err}");
        format!("{out}{err}")
    }

    pub fn ok(&self, cwd: &Path, args: &[&str]) -> String {
        let o = self.run_in(cwd, args);
        let (out, err) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        assert!(o.status.success(), "arsplan {args:?}:\n{out}\n{err}");
        format!("{out}{err}")
    }
}

#[test]
fn the_binary_alone_starts_a_project_and_builds_it() {
    let a = Alone::new();
    let root = a.root();
    // No project here yet: a clear message saying how to start one.
    let o = a.run_in(&root, &["build"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("fant ingen arsplan-prosjektmappe") && err.contains("arsplan ny eksempel"), "{err}");
    // The examples get a project folder of their own, beside nothing of hers.
    let said = a.ok(&root, &["ny", "eksempel"]);
    assert!(said.contains("arsplan-eksempel") && said.contains("egen mappe"), "{said}");
    assert!(!root.join("data").exists(), "nothing of the examples in the folder it ran in");
    let root = root.join("arsplan-eksempel");
    assert!(root.join("arsplan.toml").is_file() && root.join("data/stavanger/2026/moter.csv").is_file());
    assert!(
        std::fs::read_to_string(root.join("data/README.md")).unwrap().contains("Slik"),
        "the data's guide is Norwegian"
    );
    a.ok(&root, &["build", "--network", "stavanger", "--year", "2026"]);
    let pdf = std::fs::read(root.join("output/stavanger/2026/arsplan-2026.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    // From a subfolder, the project is found as cargo and git find theirs.
    let sub = root.join("data/stavanger/2026");
    let out = a.ok(&sub, &["build", "--network", "stavanger", "--year", "2026", "--alle"]);
    assert!(out.contains("uendret") && out.contains("arsplan-2026.pdf"), "{out}");
    // Running it again (here, or in the folder above) writes nothing new over the example data.
    let again = a.ok(&root, &["ny", "eksempel"]);
    assert!(again.contains("finnes allerede"), "{again}");
    assert!(!root.join("arsplan-eksempel").exists());
    let again = a.ok(&a.root(), &["ny", "eksempel"]);
    assert!(again.contains("finnes allerede"), "{again}");
}

#[test]
fn a_new_network_is_ready_to_fill_and_builds() {
    let a = Alone::new();
    let root = a.root();
    let out = a.ok(&root, &["ny", "nettverk", "fonna", "--stil", "helse-stavanger", "--år", "2027"]);
    assert!(out.contains("nettverk.toml") && out.contains("Neste steg"), "{out}");
    let toml = std::fs::read_to_string(root.join("data/fonna/nettverk.toml")).unwrap();
    assert!(toml.contains("stil = \"helse-stavanger\"") && toml.contains("# "), "commented: {toml}");
    for f in ["2027/plan.toml", "2027/plan.xlsx", "2027/moter.xlsx", "mottakere.xlsx"] {
        assert!(root.join("data/fonna").join(f).is_file(), "{f}");
    }
    a.ok(&root, &["build", "--network", "fonna"]);
    assert!(root.join("output/fonna/2027/arsplan-2027.docx").is_file());
    // An unknown house style or a taken name is refused with a message.
    let o = a.run_in(&root, &["ny", "nettverk", "ny", "--stil", "helse-nord"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("husstilen «helse-nord» finnes ikke"));
    let o = a.run_in(&root, &["ny", "nettverk", "fonna", "--stil", "ahus"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("finnes allerede"));
}

#[test]
fn workbooks_arsplan_writes_are_made_for_people() {
    let a = Alone::new();
    let root = a.root();
    a.ok(&root, &["ny", "nettverk", "fonna", "--stil", "helse-bergen", "--year", "2027"]);
    let bytes = std::fs::read(root.join("data/fonna/2027/moter.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut sheet).unwrap();
    assert!(sheet.contains("state=\"frozen\""), "the header row stays in view: {sheet}");
    assert!(sheet.contains("<cols>") && sheet.contains("customWidth=\"1\""), "column widths");
    assert!(
        sheet.contains("<dataValidation") && sheet.contains("nettverksmøte"),
        "a drop-down list for Type"
    );
    let mut styles = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/styles.xml").unwrap(), &mut styles).unwrap();
    assert!(styles.contains("dd.mm.yyyy") && styles.contains("<b/>"), "date format and a bold header");
}

/// The Stavanger example with a meeting on a day whose twin next year is a public holiday.
fn example_with_holiday_twin(a: &Alone) -> PathBuf {
    a.ok(&a.root(), &["ny", "eksempel"]);
    let root = a.root().join("arsplan-eksempel");
    let moter = root.join("data/stavanger/2026/moter.csv");
    let text = std::fs::read_to_string(&moter).unwrap();
    // Thursday 30 April 2026 (week 18) → Thursday of week 18 in 2027: Kristi himmelfartsdag.
    std::fs::write(&moter, format!("{}ekstra;30.04.2026;møte;;felles;Ekstra møte;;\n", text)).unwrap();
    root
}

#[test]
fn next_year_keeps_weekdays_warns_about_holidays_and_builds() {
    let a = Alone::new();
    let root = example_with_holiday_twin(&a);
    let out = a.ok(&root, &["ny", "år", "--network", "stavanger", "--year", "2027"]);
    assert!(out.contains("«ekstra» flyttes til 06.05.2027, som er Kristi himmelfartsdag"), "{out}");
    let moter = std::fs::read_to_string(root.join("data/stavanger/2027/moter.csv")).unwrap();
    // 16.04.2026 (Thursday, week 16) → 22.04.2027 (Thursday, week 16); the delimiter stays «;».
    assert!(moter.contains("sandnes_var;22.04.2027;"), "{moter}");
    let plan = std::fs::read_to_string(root.join("data/stavanger/2027/plan.toml")).unwrap();
    assert!(plan.contains("dato = 2027-01-15"), "{plan}");
    let plan_csv = std::fs::read_to_string(root.join("data/stavanger/2027/plan.csv")).unwrap();
    assert!(!plan_csv.to_lowercase().contains("status"));
    // The report's files stay behind; the new year builds.
    assert!(!root.join("data/stavanger/2027/deltakelse.csv").exists());
    a.ok(&root, &["build", "--network", "stavanger", "--year", "2027"]);
    // A year that is there already is never written over.
    let o = a.run_in(&root, &["ny", "år", "--network", "stavanger", "--year", "2027"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("2027 finnes allerede"));
}

#[test]
fn next_year_from_workbooks_is_written_as_workbooks() {
    let a = Alone::new();
    let root = a.root();
    a.ok(&root, &["ny", "nettverk", "fonna", "--stil", "helse-stavanger", "--year", "2027"]);
    a.ok(&root, &["ny", "år", "--network", "fonna", "--year", "2028"]);
    assert!(
        root.join("data/fonna/2028/moter.xlsx").is_file() && root.join("data/fonna/2028/plan.xlsx").is_file()
    );
}

#[test]
fn the_command_line_helps_in_norwegian() {
    let a = Alone::new();
    let root = a.root();
    let o = a.run_in(&root, &["biuld"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("mente du «build»?"));
    let o = a.run_in(&root, &["build", "--formatt", "pdf"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("mente du «--format»?"));
    let help = a.ok(&root, &["hjelp", "build"]);
    assert!(
        help.contains("Bruk: arsplan bygg") && help.contains("Eksempler:") && !help.contains("Print help"),
        "{help}"
    );
    for cmd in
        ["build", "check", "watch", "send", "trekk", "ny", "fullforing", "bygg", "sjekk", "følg", "nettside"]
    {
        let h = a.ok(&root, &["hjelp", cmd]);
        assert!(h.contains("Eksempel:") || h.contains("Eksempler:"), "an example in the help of {cmd}: {h}");
    }
    let bash = a.ok(&root, &["fullforing", "bash"]);
    assert!(bash.contains("_arsplan()") && bash.contains("ny"));
    a.ok(&root, &["ny", "eksempel"]);
    let root = root.join("arsplan-eksempel");
    // -q says nothing when all is well; --format is not case sensitive; --år is --year.
    let quiet = a.ok(&root, &["-q", "build", "--network", "bergen", "--år", "2025", "--format", "PDF"]);
    assert!(quiet.trim().is_empty(), "{quiet}");
    let check = a.ok(&root, &["check", "--network", "ahus", "--year", "2024"]);
    assert!(check.contains("ingen feil (") && !check.contains("1 advarsler"), "{check}");
}

/// A project with the example data (`ny eksempel` makes it in its own
/// folder), run from its folder.
fn examples() -> (Alone, PathBuf) {
    let a = Alone::new();
    a.ok(&a.root(), &["ny", "eksempel"]);
    let root = a.root().join("arsplan-eksempel");
    (a, root)
}

fn fails(a: &Alone, root: &Path, args: &[&str]) -> String {
    let o = a.run_in(root, args);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stdout));
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// A workbook with one sheet of meetings, written by rust_xlsxwriter.
fn meetings_workbook(path: &Path, sheet: &str, rows: &[[&str; 5]]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).unwrap();
    for (c, h) in ["ID", "Dato", "Type", "Gjelder", "Tittel"].iter().enumerate() {
        ws.write(0, c as u16, *h).unwrap();
    }
    let date = rust_xlsxwriter::Format::new().set_num_format("dd.mm.yyyy");
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if c == 1 {
                let d = chrono::NaiveDate::parse_from_str(v, "%d.%m.%Y").unwrap();
                let when = rust_xlsxwriter::ExcelDateTime::from_ymd(
                    2026,
                    chrono::Datelike::month(&d) as u8,
                    chrono::Datelike::day(&d) as u8,
                )
                .unwrap();
                ws.write_datetime_with_format(r as u32 + 1, 1, &when, &date).unwrap();
            } else {
                ws.write(r as u32 + 1, c as u16, *v).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

#[test]
fn a_table_both_as_csv_and_as_workbook_is_an_error_naming_both() {
    let (a, root) = examples();
    let year = root.join("data/bergen/2025");
    meetings_workbook(
        &year.join("moter.xlsx"),
        "Møter",
        &[["fagdag", "05.11.2026", "fagdag", "felles", "Fagdag"]],
    );
    let err = fails(&a, &root, &["build", "--network", "bergen", "--year", "2025"]);
    assert!(err.contains("både moter.csv og moter.xlsx finnes") && err.contains("moter.csv"), "{err}");
}

#[test]
fn a_workbook_whose_only_sheet_is_ark1_is_read_and_an_open_one_is_warned_about() {
    let (a, root) = examples();
    let year = root.join("data/bergen/2025");
    let csv = std::fs::read_to_string(year.join("moter.csv")).unwrap();
    std::fs::remove_file(year.join("moter.csv")).unwrap();
    // The same meetings, in Excel's default sheet «Ark1», dates as Excel dates.
    let rows: Vec<Vec<String>> =
        csv.lines().skip(1).map(|l| l.split(';').map(str::to_string).collect()).collect();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Ark1").unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().trim_start_matches('\u{feff}').split(';').collect();
    for (c, h) in header.iter().enumerate() {
        ws.write(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if header[c] == "Dato" {
                let d = chrono::NaiveDate::parse_from_str(v, "%d.%m.%Y").unwrap();
                let when = rust_xlsxwriter::ExcelDateTime::from_ymd(
                    chrono::Datelike::year(&d) as u16,
                    chrono::Datelike::month(&d) as u8,
                    chrono::Datelike::day(&d) as u8,
                )
                .unwrap();
                ws.write_datetime(r as u32 + 1, c as u16, &when).unwrap();
            } else {
                ws.write(r as u32 + 1, c as u16, v.as_str()).unwrap();
            }
        }
    }
    wb.save(year.join("moter.xlsx")).unwrap();
    std::fs::write(year.join("~$moter.xlsx"), b"owner").unwrap();
    let said = a.ok(&root, &["build", "--network", "bergen", "--year", "2025"]);
    assert!(said.contains("moter.xlsx: regnearket er åpent i Excel"), "{said}");
    assert!(root.join("output/bergen/2025/arsplan-2025.pdf").is_file());
}

#[test]
fn a_column_of_ones_own_is_a_warning_and_reaches_the_templates() {
    let (a, root) = examples();
    let net = root.join("data/stavanger");
    let moter = net.join("2026/moter.csv");
    let text = std::fs::read_to_string(&moter).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[0].push_str(";Notat");
    for l in lines.iter_mut().skip(1) {
        l.push_str(if l.starts_with("fagdag;") { ";Husk lunsj" } else { ";" });
    }
    std::fs::write(&moter, lines.join("\n") + "\n").unwrap();
    // The network's own style prints the notes in a block of the plan.
    let style = net.join("maler/egen");
    std::fs::create_dir_all(&style).unwrap();
    std::fs::write(style.join("stil.toml"), "arv = \"helse-stavanger\"\nnavn = \"Egen\"\n").unwrap();
    std::fs::write(
        style.join("blokk-notater.md.j2"),
        "{% for m in moter if m.ekstra.Notat %}\nNotat til {{ m.tittel }}: {{ m.ekstra.Notat }}\n\n{% endfor %}\n",
    )
    .unwrap();
    let toml = std::fs::read_to_string(net.join("nettverk.toml"))
        .unwrap()
        .replace("stil = \"helse-stavanger\"", "stil = \"egen\"");
    std::fs::write(net.join("nettverk.toml"), toml).unwrap();
    let plan = net.join("2026/plan.csv");
    let p = std::fs::read_to_string(&plan).unwrap() + "blokk;notater;;\n";
    std::fs::write(&plan, p).unwrap();
    let said = a.ok(&root, &["build", "--network", "stavanger", "--year", "2026"]);
    // Plain words: what arsplan does with the column, not how.
    assert!(
        said.contains("advarsel:") && said.contains("arsplan bruker ikke kolonnen «Notat»; den står urørt"),
        "{said}"
    );
    assert!(!said.contains("ekstra") && !said.contains("er ikke en av arsplans"), "{said}");
    let docx = std::fs::read(root.join("output/stavanger/2026/arsplan-2026.docx")).unwrap();
    let text = crate::common::docx_text(&docx);
    assert!(text.contains("Notat til Årlig fagdag: Husk lunsj"), "{text}");
}

#[test]
fn an_innsatsomrade_excel_made_into_a_date_is_explained() {
    let (a, root) = examples();
    let plan = root.join("data/stavanger/2026/plan.csv");
    let text = std::fs::read_to_string(&plan).unwrap();
    assert!(text.contains(";felles;2.6"), "the example has innsatsområde 2.6");
    std::fs::write(&plan, text.replacen(";felles;2.6", ";felles;02.jun", 1)).unwrap();
    let err = fails(&a, &root, &["build", "--network", "stavanger", "--year", "2026"]);
    assert!(err.contains("«02.jun» er en dato, ikke et innsatsområde") && err.contains("Tekst"), "{err}");
}

#[test]
fn a_plan_dated_in_another_year_is_a_warning() {
    let (a, root) = examples();
    let toml = root.join("data/stavanger/2026/plan.toml");
    let t = std::fs::read_to_string(&toml).unwrap().replace("dato = 2026-01-15", "dato = 2025-01-15");
    std::fs::write(&toml, t).unwrap();
    let said = a.ok(&root, &["build", "--network", "stavanger", "--year", "2026"]);
    assert!(said.contains("«dato» er 15.01.2025, men planen er for 2026"), "{said}");
}

#[test]
fn an_output_edited_by_hand_is_kept_and_earlier_versions_stay_in_tidligere() {
    let (a, root) = examples();
    let build = |a: &Alone| a.ok(&root, &["build", "--network", "stavanger", "--year", "2026"]);
    build(&a);
    let dir = root.join("output/stavanger/2026");
    let docx = dir.join("arsplan-2026.docx");
    // Files get ordinary permissions (rw-r--r-- under umask 022).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let umask = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("Umask:").map(|v| u32::from_str_radix(v.trim(), 8).unwrap()))
            })
            .unwrap_or(0o022);
        let mode = std::fs::metadata(&docx).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o666 & !umask, "{mode:o}");
    }
    // The leader edits the DOCX by hand, then moves a date and builds again.
    std::fs::write(&docx, b"edited by hand").unwrap();
    let moter = root.join("data/stavanger/2026/moter.csv");
    let t = std::fs::read_to_string(&moter).unwrap();
    let moved = |d: &str| t.replace("fagdag;12.11.2026", &format!("fagdag;{d}"));
    std::fs::write(&moter, moved("19.11.2026")).unwrap();
    let said = build(&a);
    assert!(said.contains("arsplan-2026.docx var endret etter at arsplan laget den"), "{said}");
    let kept: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("(redigert "))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(std::fs::read(&kept[0]).unwrap(), b"edited by hand");
    assert!(std::fs::read(&docx).unwrap().starts_with(b"PK"), "the new document is in place");
    // Every change keeps the old PDF in tidligere/, five versions back.
    for (i, d) in ["10.11.2026", "11.11.2026", "13.11.2026", "17.11.2026", "18.11.2026", "20.11.2026"]
        .iter()
        .enumerate()
    {
        std::fs::write(&moter, moved(d)).unwrap();
        build(&a);
        std::thread::sleep(std::time::Duration::from_millis(1100 * (i % 2) as u64));
    }
    let versions = std::fs::read_dir(dir.join("tidligere"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("arsplan-2026 ("))
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".pdf"))
        .count();
    assert_eq!(versions, arsplan::publish::VERSIONS, "seven changes keep the five latest earlier PDFs");
}

#[test]
#[ignore = "needs soffice (LibreOffice)"]
fn a_workbook_saved_by_libreoffice_builds() {
    crate::common::need("soffice", &["--version"]);
    let (a, root) = examples();
    let year = root.join("data/bergen/2025");
    let profile = format!("-env:UserInstallation=file://{}/lo", root.display());
    let o = Command::new("soffice")
        .args([
            profile.as_str(),
            "--headless",
            "--infilter=CSV:59,34,76,1",
            "--convert-to",
            "xlsx",
            "--outdir",
        ])
        .arg(&year)
        .arg(year.join("moter.csv"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::remove_file(year.join("moter.csv")).unwrap();
    a.ok(&root, &["build", "--network", "bergen", "--year", "2025"]);
    let text =
        crate::common::docx_text(&std::fs::read(root.join("output/bergen/2025/arsplan-2025.docx")).unwrap());
    assert!(text.contains("30.01"), "the dates LibreOffice saved are read: {text}");
}
