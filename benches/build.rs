//! Benchmark: building every example document (all networks, DOCX and PDF).
//! Run with `cargo bench`; prints the median and spread of repeated builds.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use arsplan::{Project, Selection};

fn measure(label: &str, runs: usize, mut f: impl FnMut()) {
    f(); // warm-up: fonts parsed, Typst library built
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
        "{label:<44} median {:>8.2} ms   min {:>8.2} ms   max {:>8.2} ms   ({runs} runs)",
        ms(times[runs / 2]),
        ms(times[0]),
        ms(times[runs - 1])
    );
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let project = Project {
        data: root.join("data"),
        templates: root.join("templates"),
        output: out.path().to_path_buf(),
    };
    let all = Selection::default();
    let n = project.targets(&all).unwrap().len();
    measure(&format!("full build, {n} plans, docx+pdf, written"), 20, || {
        project.build(&all, &["docx", "pdf"]).unwrap();
    });
    for fmt in ["docx", "pdf"] {
        measure(&format!("all plans, {fmt} only, in memory"), 20, || {
            for (net, year) in project.targets(&all).unwrap() {
                let p = project.prepare(&net, year).unwrap();
                project.render(&p, &[fmt]).unwrap();
            }
        });
    }
    measure("load + check + compose only", 50, || {
        for (net, year) in project.targets(&all).unwrap() {
            let p = project.prepare(&net, year).unwrap();
            arsplan::compose::compose(&p.year, &p.theme, &p.dirs, p.strategy.as_ref()).unwrap();
        }
    });
}
