//! In-process benchmarks, run with `cargo bench` (release): a full build of
//! every example network and document, a build where nothing changed, and the
//! rebuild after one date moves. Whole-process figures side by side with
//! Pandoc and LibreOffice: `scripts/bench.py`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use arsplan::{Project, Selection};

#[path = "../tests/it/common.rs"]
#[allow(dead_code)] // the benchmark uses only the copy helpers
mod common;

fn measure(label: &str, runs: usize, mut f: impl FnMut()) {
    f(); // warm-up: fonts parsed, Typst library built, caches filled
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label:<58} median {:>8.2} ms   min {:>8.2} ms   max {:>8.2} ms   ({runs} runs)",
        ms(times[runs / 2]),
        ms(times[0]),
        ms(times[runs - 1])
    );
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    common::copy_dir(&root.join("data"), &tmp.path().join("data"));
    let project = Project {
        data: tmp.path().join("data"),
        templates: root.join("templates"),
        output: tmp.path().join("output"),
    };
    let all = Selection::default();
    let targets = project.targets(&all).unwrap();
    let docs: usize =
        targets.iter().map(|(n, y)| project.documents(&project.prepare(n, *y).unwrap()).unwrap().len()).sum();
    measure(
        &format!("full build: {} years, {docs} documents × docx+pdf, written", targets.len()),
        20,
        || {
            // A fresh output folder each time, so every file is really written.
            let _ = std::fs::remove_dir_all(&project.output);
            project
                .build(&all, &arsplan::BuildOptions::formats(&[arsplan::Format::Docx, arsplan::Format::Pdf]))
                .unwrap();
        },
    );
    project
        .build(&all, &arsplan::BuildOptions::formats(&[arsplan::Format::Docx, arsplan::Format::Pdf]))
        .unwrap();
    measure("nothing changed: every year found unchanged (inputs and outputs hashed)", 50, || {
        let built = project
            .build(&all, &arsplan::BuildOptions::formats(&[arsplan::Format::Docx, arsplan::Format::Pdf]))
            .unwrap();
        assert_eq!(built.unchanged.len(), targets.len());
    });
    for fmt in arsplan::Format::DEFAULT {
        measure(&format!("all documents, {} only, in memory", fmt.extension()), 20, || {
            for (net, year) in &targets {
                let p = project.prepare(net, *year).unwrap();
                project.render(&p, &[fmt]).unwrap();
            }
        });
    }
    measure("load + check + compose only, every year", 50, || {
        for (net, year) in &targets {
            let p = project.prepare(net, *year).unwrap();
            project.documents(&p).unwrap();
        }
    });

    // One date moves: the rebuild of the affected year (what `watch` does).
    project
        .build(&all, &arsplan::BuildOptions::formats(&[arsplan::Format::Docx, arsplan::Format::Pdf]))
        .unwrap();
    let moter = project.data.join("stavanger/2026/moter.csv");
    let original = std::fs::read_to_string(&moter).unwrap();
    let one = Selection { networks: vec!["stavanger".into()], years: vec![2026] };
    let mut flip = false;
    measure("one date moved: rebuild stavanger 2026 (docs, calendars, manifest)", 20, || {
        flip = !flip;
        let date = if flip { "23.04.2026" } else { "16.04.2026" };
        std::fs::write(&moter, original.replace("sandnes_var;16.04.2026", &format!("sandnes_var;{date}")))
            .unwrap();
        let built = project
            .build(&one, &arsplan::BuildOptions::formats(&[arsplan::Format::Docx, arsplan::Format::Pdf]))
            .unwrap();
        assert!(!built.changes.is_empty());
    });
}
