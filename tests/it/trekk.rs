//! The prize draw through the real binary: every draw recorded in
//! `trekning.json`, a second draw only with `--ny` (saying who won the
//! first), and `--seed` repeating a recorded draw.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

fn trekk(out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_arsplan"))
        .arg("--data")
        .arg(common::root().join("tests/fixtures/rapport"))
        .arg("--utdata")
        .arg(out)
        .args(["trekk", "--network", "lite", "--year", "2025"])
        .args(extra)
        .output()
        .unwrap()
}

fn said(o: &Output, prefix: &str) -> String {
    let s = String::from_utf8_lossy(&o.stdout);
    s.lines().find_map(|l| l.strip_prefix(prefix)).unwrap_or_else(|| panic!("«{prefix}» in {s}")).to_string()
}

fn draws(out: &Path) -> Vec<serde_json::Value> {
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("lite/2025/trekning.json")).unwrap()).unwrap();
    v["trekninger"].as_array().unwrap().clone()
}

#[test]
fn every_draw_is_recorded_and_a_second_needs_ny() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let first = trekk(out, &[]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let (seed, winner) = (said(&first, "Frø: "), said(&first, "Vinner: "));
    assert!(String::from_utf8_lossy(&first.stdout).contains("Trekningen er lagret i"));
    let d = draws(out);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0]["fro"].as_u64().unwrap().to_string(), seed);
    assert_eq!(d[0]["vinner"], winner.as_str());
    assert_eq!(d[0]["kandidater"], 2, "Kari Nordmann and Fia Fysio attended every meeting");
    assert_eq!(d[0]["type"], "trekning");
    let time = d[0]["tid"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(time).is_ok(), "{time}");
    assert!(time.ends_with("+01:00") || time.ends_with("+02:00"), "Norwegian time: {time}");

    // A second draw without --ny is refused, naming the first winner; nothing recorded.
    let before = std::fs::read(out.join("lite/2025/trekning.json")).unwrap();
    for extra in [vec![], vec!["--seed", "12345"]] {
        let again = trekk(out, &extra);
        let err = String::from_utf8_lossy(&again.stderr);
        assert_eq!(again.status.code(), Some(1), "{err}");
        assert!(err.contains("det er alt trukket en vinner i lite 2025"), "{err}");
        assert!(
            err.contains(&format!("{winner} ble trukket")) && err.contains(&format!("frø {seed}")),
            "{err}"
        );
        assert!(err.contains("--ny") && err.contains(&format!("--seed {seed}")), "{err}");
        assert!(again.stdout.is_empty(), "no winner printed");
        assert_eq!(std::fs::read(out.join("lite/2025/trekning.json")).unwrap(), before);
    }

    // --seed repeats the recorded draw: the same winner, recorded as a repetition.
    let repeat = trekk(out, &["--seed", &seed]);
    assert!(repeat.status.success(), "{}", String::from_utf8_lossy(&repeat.stderr));
    assert_eq!(said(&repeat, "Vinner: "), winner);
    assert!(!String::from_utf8_lossy(&repeat.stdout).contains("Merk:"), "nothing changed since");
    let d = draws(out);
    assert_eq!(d.len(), 2);
    assert_eq!(d[1]["type"], "gjentakelse");
    assert_eq!(d[1]["vinner"], winner.as_str());

    // --ny draws again, and that is recorded too.
    let new = trekk(out, &["--ny", "--seed", "7"]);
    assert!(new.status.success(), "{}", String::from_utf8_lossy(&new.stderr));
    let d = draws(out);
    assert_eq!(d.len(), 3);
    assert_eq!(d[2]["type"], "ny trekning");
    assert_eq!(d[2]["fro"], 7);
    assert_eq!(d[2]["vinner"], said(&new, "Vinner: ").as_str());
}
