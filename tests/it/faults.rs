//! Faults while writing: a build killed at any moment leaves every file old
//! or new (never torn) and its temporary files are removed at the next start;
//! a full disk leaves the output as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::common;

/// A project with a copy of the Stavanger example (and the strategy).
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_examples(&dir.path().join("data"), &["stavanger"]);
    dir
}

fn command(dir: &Path, out: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_arsplan"));
    c.current_dir(dir).arg("--maler").arg(common::root().join("templates")).arg("--utdata").arg(out);
    c.args(["build", "--network", "stavanger"]);
    c
}

fn build(dir: &Path, out: &Path) -> Output {
    command(dir, out).output().unwrap()
}

fn ok(o: &Output) {
    assert!(o.status.success(), "build failed: {}", String::from_utf8_lossy(&o.stderr));
}

/// Moves the fagdag: the documents, calendars, årshjul and manifest change.
fn second_version(dir: &Path) {
    let p = dir.join("data/stavanger/2026/moter.csv");
    let t = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, t.replacen("12.11.2026", "19.11.2026", 1)).unwrap();
}

/// Every file below `dir` by relative path (the lock file left out).
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                // Earlier versions of the documents are kept aside; they are not the build's files.
                if p.file_name().unwrap() != "tidligere" {
                    walk(root, &p, out);
                }
            } else if p.file_name().unwrap() != ".arsplan.lock" {
                out.insert(p.strip_prefix(root).unwrap().to_path_buf(), std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn is_temp(p: &Path) -> bool {
    p.file_name().unwrap().to_string_lossy().starts_with(".arsplan-")
}

/// Puts exactly `files` in `dir`.
fn restore(dir: &Path, files: &BTreeMap<PathBuf, Vec<u8>>) {
    let _ = std::fs::remove_dir_all(dir);
    for (p, bytes) in files {
        std::fs::create_dir_all(dir.join(p).parent().unwrap()).unwrap();
        std::fs::write(dir.join(p), bytes).unwrap();
    }
}

#[test]
fn a_killed_builds_temporary_files_are_removed_at_the_next_start() {
    let dir = project();
    let out = dir.path().join("output");
    ok(&build(dir.path(), &out));
    let year = out.join("stavanger/2026");
    for name in [".arsplan-Xk3Qz9", ".arsplan-gammel-arsplan-2026.pdf"] {
        std::fs::write(year.join(name), b"left by a killed build").unwrap();
    }
    ok(&build(dir.path(), &out));
    let left: Vec<_> = files(&out).into_keys().filter(|p| is_temp(p)).collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
    assert!(out.join(".arsplan.lock").is_file(), "the lock file stays");
}

#[test]
fn a_build_killed_at_any_moment_leaves_every_file_old_or_new() {
    let dir = project();
    let out = dir.path().join("output");
    ok(&build(dir.path(), &out));
    let old = files(&out);
    second_version(dir.path());
    let start = Instant::now();
    ok(&build(dir.path(), &out));
    let took = start.elapsed();
    let new = files(&out);
    assert_ne!(old, new);
    // A fixed seed: the same moments on every run (SplitMix64).
    let mut seed = 0x5EED_u64;
    let mut next = move || {
        seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut killed_while_writing = 0;
    // Kill moments: a few anywhere, then a bisection between the latest
    // moment that left everything old and the earliest that left something
    // new, which closes in on the short time the files are being written.
    let (mut lo, mut hi) = (Duration::ZERO, took * 2);
    for round in 0..16 {
        restore(&out, &old);
        let mut child = command(dir.path(), &out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let wait = if round < 4 {
            took * (next() % 1000) as u32 / 1000
        } else {
            lo + hi.saturating_sub(lo) * (400 + (next() % 200) as u32) / 1000
        };
        std::thread::sleep(wait);
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let now = files(&out);
        let mut mixed = (false, false);
        for (p, bytes) in &now {
            if is_temp(p) {
                continue;
            }
            let (o, n) = (old.get(p), new.get(p));
            assert!(
                o == Some(bytes) || n == Some(bytes),
                "round {round}: {} is neither the old nor the new file (torn?)",
                p.display()
            );
            mixed.0 |= o == Some(bytes) && n != Some(bytes);
            mixed.1 |= n == Some(bytes) && o != Some(bytes);
        }
        for p in old.keys() {
            assert!(now.contains_key(p), "round {round}: {} disappeared", p.display());
        }
        if now.keys().any(|p| is_temp(p)) || mixed == (true, true) {
            killed_while_writing += 1;
        } else if mixed.1 {
            hi = hi.min(wait);
        } else {
            lo = lo.max(wait);
        }
        // The next build finishes the job and leaves no temporary file.
        ok(&build(dir.path(), &out));
        let after = files(&out);
        assert!(after.keys().all(|p| !is_temp(p)), "round {round}: temporary files left");
        assert_eq!(after.keys().collect::<Vec<_>>(), new.keys().collect::<Vec<_>>(), "round {round}");
        for (p, bytes) in &after {
            assert!(bytes == &new[p], "round {round}: {} differs from a clean build", p.display());
        }
    }
    eprintln!("{killed_while_writing} of 16 kills fell while files were being written");
}

/// Unmounts the tmpfs when the test ends, however it ends.
struct Mounted(PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
#[ignore = "needs root to mount a tmpfs"]
fn a_full_disk_leaves_the_output_as_it_was() {
    let root = Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false);
    assert!(root, "this test mounts a tmpfs and needs root (CI runs as root)");
    let dir = project();
    let mnt = dir.path().join("disk");
    std::fs::create_dir_all(&mnt).unwrap();
    let st =
        Command::new("mount").args(["-t", "tmpfs", "-o", "size=8m", "tmpfs"]).arg(&mnt).status().unwrap();
    assert!(st.success(), "mount -t tmpfs failed");
    let _guard = Mounted(mnt.clone());
    let out = mnt.join("output");
    ok(&build(dir.path(), &out));
    let old = files(&out);
    second_version(dir.path());
    // Fill the disk so that only a few kilobytes are left.
    let free = || {
        let o = Command::new("df").args(["--output=avail", "-B1"]).arg(&mnt).output().unwrap();
        String::from_utf8_lossy(&o.stdout).lines().nth(1).unwrap().trim().parse::<u64>().unwrap()
    };
    let filler = mnt.join("fyll");
    std::fs::write(&filler, vec![0u8; (free() - 40_000) as usize]).unwrap();
    let o = build(dir.path(), &out);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("disken er full") && stderr.contains("frigjør plass"), "{stderr}");
    assert_eq!(files(&out), old, "a full disk must leave every file as it was, and no temporary file");
    std::fs::remove_file(&filler).unwrap();
    ok(&build(dir.path(), &out));
    assert!(files(&out).keys().all(|p| !is_temp(p)));
    assert_ne!(files(&out), old);
}

#[test]
fn a_failure_while_renaming_puts_the_old_files_back() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    std::fs::write(&a, b"old a").unwrap();
    // The second file's place is a folder, so its rename fails after the first succeeded.
    let b = dir.path().join("b");
    std::fs::create_dir_all(b.join("inside")).unwrap();
    let arts = vec![
        arsplan::publish::Artifact::new(a.clone(), b"new a".to_vec()),
        arsplan::publish::Artifact::new(b.clone(), b"new b".to_vec()),
    ];
    assert!(arsplan::publish::publish(&arts).is_err());
    assert_eq!(std::fs::read(&a).unwrap(), b"old a");
    assert!(b.join("inside").is_dir());
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 2, "no temporary file is left: {left:?}");
}

/// An exFAT file system (as on a USB stick) mounted through FUSE on a loop
/// device: it refuses hard links. Unmounted and detached when dropped.
struct ExFat {
    mnt: PathBuf,
    loop_dev: String,
}

impl ExFat {
    fn mount(dir: &Path) -> ExFat {
        let root = Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false);
        assert!(root, "this test mounts a file system and needs root (CI runs as root)");
        common::need("which", &["mkfs.exfat", "mount.exfat-fuse", "losetup"]);
        let img = dir.join("minnepinne.img");
        std::fs::File::create(&img).unwrap().set_len(96 << 20).unwrap();
        let o = Command::new("mkfs.exfat").arg(&img).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let o = Command::new("losetup").args(["-f", "--show"]).arg(&img).output().unwrap();
        assert!(o.status.success(), "losetup: {}", String::from_utf8_lossy(&o.stderr));
        let loop_dev = String::from_utf8_lossy(&o.stdout).trim().to_string();
        let mnt = dir.join("minnepinne");
        std::fs::create_dir_all(&mnt).unwrap();
        let o = Command::new("mount.exfat-fuse").arg(&loop_dev).arg(&mnt).output().unwrap();
        assert!(o.status.success(), "mount.exfat-fuse: {}", String::from_utf8_lossy(&o.stderr));
        ExFat { mnt, loop_dev }
    }
}

impl Drop for ExFat {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.mnt).status();
        let _ = Command::new("losetup").arg("-d").arg(&self.loop_dev).status();
    }
}

#[test]
#[ignore = "needs root, a loop device, exfat-fuse and exfatprogs"]
fn on_a_file_system_without_hard_links_a_hand_edited_document_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let fs = ExFat::mount(dir.path());
    let a = fs.mnt.join("a");
    std::fs::write(&a, b"x").unwrap();
    assert!(std::fs::hard_link(&a, fs.mnt.join("b")).is_err(), "exFAT refuses hard links");
    let project = fs.mnt.join("prosjekt");
    common::copy_examples(&project.join("data"), &["stavanger"]);
    let out = project.join("output");
    ok(&build(&project, &out));
    let docx = out.join("stavanger/2026/arsplan-2026.docx");
    std::fs::write(&docx, b"edited by hand").unwrap();
    // The date moved from the page (an edit on exFAT too), then a build.
    let p = common::with_data(project.join("data"), &out);
    let csv = project.join("data/stavanger/2026/moter.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let row = text.lines().position(|l| l.starts_with("fagdag;")).unwrap() + 1;
    let sha = arsplan::manifest::sha256(text.as_bytes());
    arsplan::edit::meeting(&p, "stavanger", 2026, row, "Dato", "19.11.2026", &sha).unwrap();
    assert!(std::fs::read_to_string(&csv).unwrap().contains("fagdag;19.11.2026"));
    let o = build(&project, &out);
    ok(&o);
    let said = String::from_utf8_lossy(&o.stderr).to_string() + &String::from_utf8_lossy(&o.stdout);
    assert!(said.contains("arsplan-2026.docx var endret etter at arsplan laget den"), "{said}");
    let kept: Vec<PathBuf> = std::fs::read_dir(docx.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("(redigert "))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(std::fs::read(&kept[0]).unwrap(), b"edited by hand");
    assert!(std::fs::read(&docx).unwrap().starts_with(b"PK"));
    let temps: Vec<_> = files(&out)
        .into_keys()
        .chain(files(&project.join("data")).into_keys())
        .filter(|p| is_temp(p))
        .collect();
    assert!(temps.is_empty(), "{temps:?}");
}

#[test]
fn a_build_killed_at_every_step_of_writing_leaves_every_file_old_or_new_and_loses_none() {
    use std::io::BufRead;
    let dir = project();
    let out = dir.path().join("output");
    ok(&build(dir.path(), &out));
    let old = files(&out);
    second_version(dir.path());
    ok(&build(dir.path(), &out));
    let new = files(&out);
    let old_pdf = &old[Path::new("stavanger/2026/arsplan-2026.pdf")];
    for step in ["publish:staged", "publish:renamed-one", "publish:renamed"] {
        restore(&out, &old);
        let mut child = command(dir.path(), &out)
            .env("ARSPLAN_TEST_STOP", step)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let err = std::io::BufReader::new(child.stderr.take().unwrap());
        let reached = err.lines().any(|l| l.is_ok_and(|l| l.contains(&format!("arsplan-test-stop: {step}"))));
        assert!(reached, "{step} was reached");
        let _ = child.kill();
        let _ = child.wait();
        let now = files(&out);
        let (mut olds, mut news) = (0, 0);
        for (p, bytes) in &now {
            if is_temp(p) {
                continue;
            }
            let (o, n) = (old.get(p), new.get(p));
            assert!(o == Some(bytes) || n == Some(bytes), "{step}: {} is neither old nor new", p.display());
            olds += usize::from(o == Some(bytes) && n != Some(bytes));
            news += usize::from(n == Some(bytes) && o != Some(bytes));
        }
        for p in old.keys() {
            assert!(now.contains_key(p), "{step}: {} disappeared", p.display());
        }
        eprintln!("{step}: {olds} files old, {news} new");
        // The next build finishes the job: no temporary file, the new files,
        // and the old document kept (among the earlier versions).
        ok(&build(dir.path(), &out));
        let after = files(&out);
        assert!(after.keys().all(|p| !is_temp(p)), "{step}: temporary files left");
        assert_eq!(after, new, "{step}");
        let kept = std::fs::read_dir(out.join("stavanger/2026/tidligere"))
            .map(|d| d.filter_map(|e| std::fs::read(e.unwrap().path()).ok()).any(|b| b == *old_pdf))
            .unwrap_or(false);
        assert!(kept || step == "publish:staged", "{step}: the old PDF is kept in tidligere/");
    }
}

/// A tmpfs of `size` mounted in `dir`, unmounted when dropped.
fn tmpfs(dir: &Path, size: &str) -> Mounted {
    let root = Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false);
    assert!(root, "this test mounts a tmpfs and needs root (CI runs as root)");
    let mnt = dir.join("disk");
    std::fs::create_dir_all(&mnt).unwrap();
    let st = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(&mnt)
        .status()
        .unwrap();
    assert!(st.success(), "mount -t tmpfs failed");
    Mounted(mnt)
}

/// The fagdag's row and the moter.csv of a project under `root`, and a
/// project reading it.
fn edit_setup(root: &Path) -> (arsplan::Project, PathBuf, usize, String) {
    common::copy_examples(&root.join("data"), &["stavanger"]);
    let p = common::with_data(root.join("data"), root.join("output"));
    let csv = root.join("data/stavanger/2026/moter.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let row = text.lines().position(|l| l.starts_with("fagdag;")).unwrap() + 1;
    (p, csv, row, arsplan::manifest::sha256(text.as_bytes()))
}

#[test]
#[ignore = "needs root to mount a tmpfs"]
fn an_edit_on_a_full_disk_or_a_read_only_folder_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let disk = tmpfs(dir.path(), "8m");
    let (p, csv, row, sha) = edit_setup(&disk.0);
    let before = std::fs::read(&csv).unwrap();
    let free = || {
        let o = Command::new("df").args(["--output=avail", "-B1"]).arg(&disk.0).output().unwrap();
        String::from_utf8_lossy(&o.stdout).lines().nth(1).unwrap().trim().parse::<u64>().unwrap()
    };
    let filler = disk.0.join("fyll");
    std::fs::write(&filler, vec![0u8; free() as usize]).unwrap();
    let r = arsplan::edit::meeting(&p, "stavanger", 2026, row, "Tema", &"Etikk ".repeat(1000), &sha);
    let e = format!("{r:?}");
    assert!(matches!(r, Err(arsplan::edit::Refused::Failed(_))), "{e}");
    assert!(e.contains("disken er full") && e.contains("filen er ikke endret"), "{e}");
    assert_eq!(std::fs::read(&csv).unwrap(), before);
    let temps: Vec<_> = files(&disk.0.join("data")).into_keys().filter(|p| is_temp(p)).collect();
    assert!(temps.is_empty(), "{temps:?}");
    std::fs::remove_file(&filler).unwrap();
    // Read-only: the folder's file system mounted read-only.
    let st = Command::new("mount").args(["-o", "remount,ro"]).arg(&disk.0).status().unwrap();
    assert!(st.success());
    let r = arsplan::edit::meeting(&p, "stavanger", 2026, row, "Dato", "19.11.2026", &sha);
    let e = format!("{r:?}");
    assert!(matches!(r, Err(arsplan::edit::Refused::Failed(_))), "{e}");
    assert!(e.contains("skrivebeskyttet") && e.contains("filen er ikke endret"), "{e}");
    assert_eq!(std::fs::read(&csv).unwrap(), before);
    // A build reads a read-only data folder and writes its output elsewhere.
    let out = dir.path().join("output");
    let o = command(&disk.0, &out).output().unwrap();
    ok(&o);
    assert!(out.join("stavanger/2026/arsplan-2026.pdf").is_file());
}
