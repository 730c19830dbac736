//! Build-time facts for the binary:
//! - rebuilds when a built-in house style or example file changes
//!   (`include_dir!` embeds `templates/` and `data/` but does not tell cargo);
//! - `ARSPLAN_BUILD_ID`, a fingerprint of everything that shapes the output
//!   (sources, templates, data, the lock file), so a build knows whether the
//!   documents it made before were made by this very program.

use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let mut all = Vec::new();
    for dir in ["src", "templates", "data"] {
        println!("cargo:rerun-if-changed={dir}");
        files(Path::new(dir), &mut all);
    }
    for f in ["Cargo.toml", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={f}");
        all.push(PathBuf::from(f));
    }
    all.sort();
    // FNV-1a over the paths and contents: a fingerprint, not a security hash.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in &all {
        for b in p.to_string_lossy().bytes().chain(std::fs::read(p).unwrap_or_default()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=ARSPLAN_BUILD_ID={h:016x}");
}
