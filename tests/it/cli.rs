//! The command line: Norwegian help and messages, exit codes, the prize draw.

use crate::common;

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_arsplan")).current_dir(common::root()).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

#[test]
fn help_is_norwegian() {
    for args in [vec!["--help"], vec!["build", "--help"], vec!["check", "--help"], vec!["trekk", "--help"]] {
        let o = run(&args);
        assert!(o.status.success());
        let text = stdout(&o);
        assert!(text.contains("Bruk: arsplan"), "{text}");
        assert!(text.contains("Vis denne hjelpen"), "{text}");
        for english in ["Usage", "Options", "Print help", "[default", "[alias"] {
            assert!(!text.contains(english), "«{english}» in:\n{text}");
        }
    }
}

#[test]
fn unknown_command_and_option_are_explained_in_norwegian() {
    let o = run(&["lag"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("ukjent kommando «lag»"));
    let o = run(&["build", "--farge"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("ukjent valg «--farge»"));
    let o = run(&["build", "--format", "odt"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("ukjent format «odt»"));
}

#[test]
fn check_lists_innsatsomrader_coverage() {
    let o = run(&["check", "--network", "stavanger"]);
    let text = stdout(&o);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(text.contains("stavanger 2026: delmålene tjener"), "{text}");
    assert!(text.contains("ikke dekket 1.1: fremme et bevisst forhold til etisk refleksjon"), "{text}");
    assert!(text.contains("2. Kompetanse: "), "{text}");
}

#[test]
fn the_draw_can_be_repeated_from_its_seed() {
    let data = common::root().join("tests/fixtures/rapport");
    let data = data.to_str().unwrap();
    let out = tempfile::tempdir().unwrap();
    let out = out.path().to_str().unwrap();
    let trekk = |extra: &[&str]| {
        let mut args = vec!["--data", data, "--utdata", out, "trekk", "--network", "lite", "--year", "2025"];
        args.extend_from_slice(extra);
        stdout(&run(&args))
    };
    let a = trekk(&["--seed", "42"]);
    let b = trekk(&["--seed", "42"]);
    assert_eq!(a, b);
    assert!(a.contains("Frø: 42") && a.contains("Trekning blant 2 ressurspersoner"), "{a}");
    let winner = a.lines().find_map(|l| l.strip_prefix("Vinner: ")).unwrap();
    assert!(["Kari Nordmann", "Fia Fysio"].contains(&winner));
    // Without a seed the tool picks one and prints it; that seed repeats the draw.
    let c = trekk(&["--ny"]);
    let seed = c.lines().find_map(|l| l.strip_prefix("Frø: ")).unwrap();
    let d = trekk(&["--seed", seed]);
    assert_eq!(c, d);
}
