//! At home: the program alone in an empty folder starts a project, builds it,
//! makes a new network and next year; it finds its project from any subfolder;
//! the workbooks it writes are made for people; the command line helps.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary copied into a fresh folder, away from the repository and its templates.
struct Alone {
    dir: tempfile::TempDir,
    exe: PathBuf,
}

impl Alone {
    fn new() -> Alone {
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("bin").join("arsplan");
        std::fs::create_dir_all(exe.parent().unwrap()).unwrap();
        std::fs::copy(env!("CARGO_BIN_EXE_arsplan"), &exe).unwrap();
        std::fs::create_dir_all(dir.path().join("prosjekt")).unwrap();
        Alone { dir, exe }
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("prosjekt")
    }

    fn run_in(&self, cwd: &Path, args: &[&str]) -> Output {
        Command::new(&self.exe).current_dir(cwd).args(args).output().unwrap()
    }

    fn ok(&self, cwd: &Path, args: &[&str]) -> String {
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
    a.ok(&root, &["ny", "eksempel"]);
    assert!(root.join("arsplan.toml").is_file() && root.join("data/stavanger/2026/moter.csv").is_file());
    a.ok(&root, &["build", "--network", "stavanger", "--year", "2026"]);
    let pdf = std::fs::read(root.join("output/stavanger/2026/arsplan-2026.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    // From a subfolder, the project is found as cargo and git find theirs.
    let sub = root.join("data/stavanger/2026");
    let out = a.ok(&sub, &["build", "--network", "stavanger", "--year", "2026", "--alle"]);
    assert!(out.contains("uendret") && out.contains("arsplan-2026.pdf"), "{out}");
    // Running it again writes nothing new over the example data.
    let again = a.ok(&root, &["ny", "eksempel"]);
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
    let root = a.root();
    a.ok(&root, &["ny", "eksempel"]);
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
        help.contains("Bruk: arsplan build") && help.contains("Eksempler:") && !help.contains("Print help"),
        "{help}"
    );
    for cmd in ["build", "check", "watch", "send", "trekk", "ny", "fullforing"] {
        let h = a.ok(&root, &["hjelp", cmd]);
        assert!(h.contains("Eksempel:") || h.contains("Eksempler:"), "an example in the help of {cmd}: {h}");
    }
    let bash = a.ok(&root, &["fullforing", "bash"]);
    assert!(bash.contains("_arsplan()") && bash.contains("ny"));
    a.ok(&root, &["ny", "eksempel"]);
    // -q says nothing when all is well; --format is not case sensitive; --år is --year.
    let quiet = a.ok(&root, &["-q", "build", "--network", "bergen", "--år", "2025", "--format", "PDF"]);
    assert!(quiet.trim().is_empty(), "{quiet}");
    let check = a.ok(&root, &["check", "--network", "ahus", "--year", "2024"]);
    assert!(check.contains("ingen feil (") && !check.contains("1 advarsler"), "{check}");
}
