//! Speed without shortcuts that cost correctness: a year whose inputs did
//! not change is not made again (and says so), while any change to what it
//! reads, a damaged output or another program makes it again; years and
//! documents made in parallel give the same bytes as made one at a time;
//! `watch` sees a save made through a temporary file and a rename.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use arsplan::{BuildOptions, Project, Selection};

fn copy(dir: &Path) -> Project {
    common::copy_examples(&dir.join("data"), &["stavanger"]);
    common::copy_dir(&common::root().join("templates"), &dir.join("templates"));
    Project::default_layout(dir)
}

fn stavanger() -> Selection {
    Selection { networks: vec!["stavanger".into()], years: vec![] }
}

fn both() -> BuildOptions {
    BuildOptions::formats(&[arsplan::Format::Docx, arsplan::Format::Pdf])
}

/// The years a build made again (not found unchanged).
fn remade(p: &Project, opts: &BuildOptions) -> Vec<i32> {
    let built = p.build(&stavanger(), opts).unwrap();
    let mut years: Vec<i32> = vec![2025, 2026];
    years.retain(|y| !built.unchanged.contains(&("stavanger".to_string(), *y)));
    years
}

fn append(path: &Path, text: &str) {
    let mut s = std::fs::read_to_string(path).unwrap();
    s.push_str(text);
    std::fs::write(path, s).unwrap();
}

/// Every file below a folder with its bytes and modification time.
fn files(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, std::time::SystemTime)> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            let m = std::fs::metadata(&p).unwrap().modified().unwrap();
            out.insert(p.clone(), (std::fs::read(&p).unwrap(), m));
        }
    }
    out
}

#[test]
fn nothing_changed_makes_nothing_again() {
    let dir = tempfile::tempdir().unwrap();
    let p = copy(dir.path());
    let first = p.build(&stavanger(), &both()).unwrap();
    assert!(first.unchanged.is_empty());
    let before = files(&p.output);
    let again = p.build(&stavanger(), &both()).unwrap();
    assert_eq!(again.unchanged, vec![("stavanger".to_string(), 2025), ("stavanger".to_string(), 2026)]);
    // The same files named, none written: bytes and times as they were.
    let names = |b: &arsplan::Built| b.written.iter().map(|w| w.path.clone()).collect::<Vec<_>>();
    assert_eq!(names(&again), names(&first));
    assert!(again.written.iter().all(|w| !w.changed));
    assert_eq!(files(&p.output), before, "an unchanged build touched the output");
    // Asked to, it makes everything again, to the same bytes.
    let forced = p.build(&stavanger(), &both().again()).unwrap();
    assert!(forced.unchanged.is_empty());
    assert!(forced.written.iter().all(|w| !w.changed), "the same inputs gave other bytes");
}

#[test]
fn any_change_to_what_a_year_reads_makes_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let p = copy(dir.path());
    let data = p.data.clone();
    p.build(&stavanger(), &both()).unwrap();
    assert_eq!(remade(&p, &both()), Vec::<i32>::new());
    // The year's own data: only that year.
    append(&data.join("stavanger/2026/plan.toml"), "\n# en kommentar\n");
    assert_eq!(remade(&p, &both()), vec![2026]);
    // A new file in the year's folder.
    std::fs::write(data.join("stavanger/2025/tekster/ny.md"), "Ny tekst.\n").unwrap();
    assert_eq!(remade(&p, &both()), vec![2025]);
    // Hidden files and Excel's lock files are not data.
    std::fs::write(data.join("stavanger/2026/~$moter.xlsx"), "lås").unwrap();
    std::fs::write(data.join("stavanger/2026/.DS_Store"), "x").unwrap();
    assert_eq!(remade(&p, &both()), Vec::<i32>::new());
    // The network's own files: every year.
    append(&data.join("stavanger/nettverk.toml"), "\n# en kommentar\n");
    assert_eq!(remade(&p, &both()), vec![2025, 2026]);
    // The strategy the network follows.
    append(&data.join("helse-vest/2025/tekster/innledning.md"), "\nEn setning til.\n");
    assert_eq!(remade(&p, &both()), vec![2025, 2026]);
    // The municipalities, which only the report (2025) names.
    append(&data.join("kommuner.csv"), "\n");
    assert_eq!(remade(&p, &both()), vec![2025]);
    // The house style, and a folder of the same style that appears in the
    // network's own templates (it takes the place of the project's).
    append(&p.templates.join("helse-stavanger/stil.toml"), "\n# en kommentar\n");
    assert_eq!(remade(&p, &both()), vec![2025, 2026]);
    common::copy_dir(&p.templates.join("helse-stavanger"), &data.join("stavanger/maler/helse-stavanger"));
    assert_eq!(remade(&p, &both()), vec![2025, 2026]);
    // Another templates folder.
    common::copy_dir(&p.templates, &dir.path().join("andre-maler"));
    let other = Project { templates: dir.path().join("andre-maler"), ..p.clone() };
    assert_eq!(remade(&other, &both()), vec![2025, 2026]);
    assert_eq!(remade(&other, &both()), Vec::<i32>::new());
}

#[test]
fn a_damaged_output_another_program_or_another_format_makes_the_year_again() {
    let dir = tempfile::tempdir().unwrap();
    let p = copy(dir.path());
    let out = p.output.join("stavanger/2026");
    p.build(&stavanger(), &BuildOptions::formats(&[arsplan::Format::Docx])).unwrap();
    // Only DOCX was made: PDF too makes both years again; then PDF alone is made already.
    assert_eq!(remade(&p, &both()), vec![2025, 2026]);
    let pdf_only = p.build(&stavanger(), &BuildOptions::formats(&[arsplan::Format::Pdf])).unwrap();
    assert_eq!(pdf_only.unchanged.len(), 2);
    assert!(pdf_only.written.iter().all(|w| w.path.extension().unwrap() != "docx"), "{:?}", pdf_only.written);
    assert!(pdf_only.written.iter().any(|w| w.path.ends_with("stavanger/2026/arsplan-2026.pdf")));
    // A deleted document is made again.
    std::fs::remove_file(out.join("arsplan-2026.pdf")).unwrap();
    assert_eq!(remade(&p, &both()), vec![2026]);
    assert!(out.join("arsplan-2026.pdf").is_file());
    // A calendar damaged by hand too.
    append(&out.join("kalender-2026.ics"), "x");
    assert_eq!(remade(&p, &both()), vec![2026]);
    // Files made by another version of arsplan are made again.
    let manifest = out.join("manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let version = text.lines().find(|l| l.contains("\"versjon\"")).unwrap().to_string();
    std::fs::write(&manifest, text.replace(&version, "  \"versjon\": \"0.0.1+gammel\",")).unwrap();
    assert_eq!(remade(&p, &both()), vec![2026]);
}

#[test]
fn an_unchanged_build_says_so_and_gives_its_warnings_again() {
    let dir = tempfile::tempdir().unwrap();
    copy(dir.path());
    // A column arsplan does not know gives a warning.
    let moter = dir.path().join("data/stavanger/2026/moter.csv");
    let text = std::fs::read_to_string(&moter).unwrap();
    let with_note: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| if i == 0 { format!("{l};Merknad") } else { format!("{l};") })
        .collect();
    std::fs::write(&moter, with_note.join("\n") + "\n").unwrap();
    let run = || {
        let o = Command::new(env!("CARGO_BIN_EXE_arsplan"))
            .current_dir(dir.path())
            .args(["build", "--network", "stavanger"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        (String::from_utf8(o.stdout).unwrap(), String::from_utf8(o.stderr).unwrap())
    };
    let (out1, err1) = run();
    assert!(err1.contains("Merknad"), "{err1}");
    assert!(!out1.contains("Uendret siden forrige bygging"), "{out1}");
    let (out2, err2) = run();
    assert_eq!(err2, err1, "the same warnings, the same way");
    assert!(
        out2.contains("Uendret siden forrige bygging, ikke laget på nytt: stavanger 2025, stavanger 2026"),
        "{out2}"
    );
    assert!(!out2.contains("skrev "), "{out2}");
}

#[test]
fn years_made_in_parallel_give_the_bytes_made_one_at_a_time() {
    let one = tempfile::tempdir().unwrap();
    let many = tempfile::tempdir().unwrap();
    let (a, b) = (common::project(&one.path().join("output")), common::project(&many.path().join("output")));
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    pool.install(|| a.build(&Selection::default(), &both())).unwrap();
    let built = b.build(&Selection::default(), &both()).unwrap();
    let (x, y) = (files(&a.output), files(&b.output));
    assert!(x.len() > 40, "{}", x.len());
    assert_eq!(
        x.keys().map(|k| k.strip_prefix(&a.output).unwrap()).collect::<Vec<_>>(),
        y.keys().map(|k| k.strip_prefix(&b.output).unwrap()).collect::<Vec<_>>()
    );
    for ((name, (p, _)), (_, (q, _))) in x.iter().zip(&y) {
        assert!(p == q, "{} differs between one thread and many", name.display());
    }
    // Messages and files in the selection's order, whichever year finished first.
    let years: Vec<String> = built
        .written
        .iter()
        .map(|w| w.path.parent().unwrap().strip_prefix(&b.output).unwrap().display().to_string())
        .collect();
    let mut sorted = years.clone();
    sorted.sort();
    assert_eq!(years, sorted);
}

#[test]
fn watch_sees_a_save_through_a_temporary_file_and_a_rename() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    copy(dir.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_arsplan"))
        .current_dir(dir.path())
        .args(["watch", "--network", "stavanger", "--year", "2026", "--format", "pdf", "--runder", "1"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while out.read_line(&mut line).unwrap() > 0 && !line.contains("Venter på endringer") {
        line.clear();
    }
    // A file no year reads changes nothing.
    std::fs::write(dir.path().join("data/README-notater.txt"), "notater").unwrap();
    // As Excel and LibreOffice save: a temporary file, then a rename over the old one.
    let moter = dir.path().join("data/stavanger/2026/moter.csv");
    let text = std::fs::read_to_string(&moter).unwrap().replace("16.04.2026", "23.04.2026");
    let tmp = dir.path().join("data/stavanger/2026/.~moter.csv.tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, &moter).unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    assert!(child.wait().unwrap().success());
    assert!(rest.contains("Endret: data/stavanger/2026/moter.csv"), "{rest}");
    assert!(!rest.contains("README-notater"), "{rest}");
    assert!(rest.contains("16. april → 23. april"), "{rest}");
    let manifest = std::fs::read_to_string(dir.path().join("output/stavanger/2026/manifest.json")).unwrap();
    assert!(manifest.contains("2026-04-23") && !manifest.contains("2026-04-16"), "{manifest}");
}

#[test]
fn two_hundred_networks_build_side_by_side_without_running_out_of_stack() {
    // A worker that waits for part of its job takes on another whole job on
    // the same stack; with the default 2 MiB stacks this build overflowed.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    common::copy_examples(&data, &["stavanger"]);
    std::fs::remove_dir_all(data.join("stavanger/2025")).unwrap();
    for i in 0..200 {
        common::copy_dir(&data.join("stavanger"), &data.join(format!("n{i:03}")));
    }
    let o = Command::new(env!("CARGO_BIN_EXE_arsplan"))
        .current_dir(dir.path())
        .args(["build", "-q", "--format", "pdf"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for i in [0, 199] {
        assert!(dir.path().join(format!("output/n{i:03}/2026/arsplan-2026.pdf")).is_file());
    }
}

#[test]
fn watch_follows_a_fix_in_a_file_the_failed_build_never_got_to_read() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    copy(dir.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_arsplan"))
        .current_dir(dir.path())
        .args(["watch", "--network", "stavanger", "--year", "2026", "--format", "pdf", "--runder", "2"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let out = BufReader::new(child.stdout.take().unwrap());
    std::thread::spawn(move || out.lines().map_while(Result::ok).for_each(|l| drop(tx.send(l))));
    let wait_for = |what: &str| {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let mut seen = Vec::new();
        while let Ok(l) = rx.recv_timeout(until.saturating_duration_since(std::time::Instant::now())) {
            if l.contains(what) {
                return;
            }
            seen.push(l);
        }
        panic!("watch never said «{what}»; it said:\n{}", seen.join("\n"));
    };
    wait_for("Venter på endringer");
    // A new house style with a mistake, then the network switched to it.
    let style = dir.path().join("templates/min/stil.toml");
    std::fs::create_dir_all(style.parent().unwrap()).unwrap();
    std::fs::write(&style, "arv = \"helse-stavanger\"\nnavn = Min stil\n").unwrap();
    let profile = dir.path().join("data/stavanger/nettverk.toml");
    let text = std::fs::read_to_string(&profile).unwrap();
    std::fs::write(&profile, text.replace("stil = \"helse-stavanger\"", "stil = \"min\"")).unwrap();
    wait_for("ikke bygget");
    // The fix is in a file the failed build had not recorded as read.
    std::fs::write(&style, "arv = \"helse-stavanger\"\nnavn = \"Min stil\"\n").unwrap();
    wait_for("Endret: templates/min/stil.toml");
    wait_for("stavanger 2026: bygget");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn watch_keeps_a_file_saved_during_its_first_builds() {
    let dir = tempfile::tempdir().unwrap();
    let p = copy(dir.path());
    let moter = dir.path().join("data/stavanger/2025/moter.csv");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let sel = arsplan::Selection { networks: vec!["stavanger".into()], years: vec![2025, 2026] };
        let opts = arsplan::BuildOptions::formats(&[arsplan::Format::Pdf]);
        let mut saved = false;
        let r = arsplan::watch::run(&p, &sel, &opts, Some(1), &mut |e| {
            // 2025 is built; while 2026 is being built, its file is saved.
            if let arsplan::watch::Event::Built { year: 2025, .. } = e {
                if !saved {
                    saved = true;
                    let t = std::fs::read_to_string(&moter).unwrap();
                    let first = t.lines().nth(1).unwrap().split(';').nth(1).unwrap().to_string();
                    std::fs::write(&moter, t.replacen(&first, "14.11.2025", 1)).unwrap();
                }
            }
            if let arsplan::watch::Event::Changed(files) = e {
                let _ = tx.send(files);
            }
        });
        r.unwrap();
    });
    let changed = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the save during the first builds is seen");
    assert!(changed.iter().any(|f| f.contains("2025/moter.csv")), "{changed:?}");
}
