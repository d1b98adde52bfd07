//! The `paxos` command line, run as a person would: exit codes, the summary, and the repro
//! line of a failing sweep pasted back verbatim.

use std::process::{Command, Output};

fn paxos(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paxos")).args(args).output().expect("the paxos binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn run_prints_the_story_and_the_chosen_value() {
    let o = paxos(&["run", "--seed", "1"]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("config: "), "{text}");
    assert!(text.contains("chosen: \"H\" at ballot"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("outcome: chose \"H\"") && l.ends_with("safe")), "{text}");
}

#[test]
fn run_is_deterministic_and_json_carries_the_trace_hash() {
    let a = stdout(&paxos(&["run", "--seed", "7", "--json"]));
    let b = stdout(&paxos(&["run", "--seed", "7", "--json"]));
    assert_eq!(a, b);
    let v: serde_json::Value = serde_json::from_str(&a).expect("JSON");
    assert_eq!(v["seed"], 7);
    assert_eq!(v["safe"], true);
    assert_eq!(v["trace_hash"].as_str().map(str::len), Some(16));
}

#[test]
fn a_broken_variant_fails_with_a_repro_line_that_replays_the_violation() {
    let o = paxos(&["sweep", "--seeds", "50", "--variant", "forgetful", "--quiet"]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    let violation = text.lines().find(|l| l.starts_with("VIOLATION of ")).expect("a violation line");
    let invariant = violation["VIOLATION of ".len()..].split(':').next().unwrap().to_string();
    let repro = text.lines().find_map(|l| l.trim().strip_prefix("reproduce: ")).expect("a repro line");
    let args: Vec<&str> = repro.strip_prefix("paxos ").expect("starts with paxos").split_whitespace().collect();
    let replay = paxos(&args);
    let replayed = stdout(&replay);
    assert_eq!(replay.status.code(), Some(1), "{replayed}");
    assert!(replayed.contains(&format!("VIOLATION {invariant}:")), "{invariant} / {replayed}");
}

#[test]
fn a_sweep_with_a_seed_that_never_decides_fails_with_its_repro_line() {
    // Seed 35332852 with format 1's fixed timeouts: safe, but nothing is ever chosen.
    let args = ["sweep", "--start", "35332852", "--seeds", "2", "--timeouts", "fixed", "--quiet"];
    let o = paxos(&args);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(
        text.contains("seeds: 2, decided: 1, violations: 0, learners not all learned after the faults: 1"),
        "{text}"
    );
    let line =
        text.lines().find(|l| l.starts_with("NOT LIVE: seed 35332852: learners had not all learned")).expect(&text);
    assert!(!text.contains("VIOLATION"), "{line}");
    let repro = text.lines().find_map(|l| l.trim().strip_prefix("reproduce: ")).expect("a repro line");
    assert_eq!(repro, "paxos sweep --seed 35332852 --faults all --timeouts fixed");
    let args: Vec<&str> = repro.strip_prefix("paxos ").unwrap().split_whitespace().collect();
    let replay = paxos(&args);
    let replayed = stdout(&replay);
    assert_eq!(replay.status.code(), Some(1), "{replayed}");
    assert!(replayed.lines().any(|l| l.starts_with("NOT LIVE: learners had not all learned")), "{replayed}");
    assert!(replayed.contains(&format!("reproduce: {repro}")), "{replayed}");
    // With growing timeouts (the default) the same seeds pass.
    let o = paxos(&["sweep", "--start", "35332852", "--seeds", "2", "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn a_correct_sweep_passes() {
    let o = paxos(&["sweep", "--seeds", "200", "--jobs", "2", "--quiet"]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("seeds: 200, decided: 200, violations: 0"), "{text}");
}

#[test]
fn the_sweep_result_does_not_depend_on_the_number_of_workers() {
    let counts = |jobs: &str| {
        let text = stdout(&paxos(&["sweep", "--seeds", "300", "--jobs", jobs, "--quiet", "--faults", "crash,loss"]));
        text.lines().find(|l| l.starts_with("seeds:")).map(str::to_string)
    };
    assert_eq!(counts("1"), counts("3"));
}

#[test]
fn bad_arguments_are_refused_with_a_reason() {
    let o = paxos(&["sweep", "--faults", "loss,meteor"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("meteor"));
    let o = paxos(&["run", "--seed", "1", "--variant", "sloppy"]);
    assert_eq!(o.status.code(), Some(2));
    let o = paxos(&["sweep", "--timeouts", "random"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("growing or fixed"));
    assert_ne!(paxos(&["run", "--seed", "x"]).status.code(), Some(0));
}

#[test]
fn bench_reports_both_recording_modes() {
    let text = stdout(&paxos(&["bench", "--instances", "100"]));
    for mode in ["recording off", "recording on"] {
        let line = text.lines().find(|l| l.starts_with(mode)).unwrap_or_else(|| panic!("{mode}: {text}"));
        assert!(line.contains("deliveries/s") && line.contains("100 instances"), "{line}");
    }
}

#[test]
fn a_multi_paxos_run_tells_its_history_and_is_deterministic() {
    let o = paxos(&["run", "--protocol", "multi", "--seed", "7"]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.starts_with("Multi-Paxos seed 7 (correct): 9 replicas, 2 clients"), "{text}");
    assert!(text.contains(": linearizable ("), "{text}");
    assert!(text.contains("every invariant held; the history is linearizable; every operation completed"), "{text}");
    let a = stdout(&paxos(&["run", "--protocol", "multi", "--seed", "7", "--json"]));
    let b = stdout(&paxos(&["run", "--protocol", "multi", "--seed", "7", "--json"]));
    assert_eq!(a, b);
    let v: serde_json::Value = serde_json::from_str(&a).expect("JSON");
    assert_eq!(v["trace_hash"], "1c4cbfad085e99c5", "the pinned hash of seed 7 (sweep::multi::PINNED_TRACE_HASHES)");
    assert_eq!(v["linearizable"], "Linearizable");
    assert_eq!(v["failure"], serde_json::Value::Null);
}

#[test]
fn a_broken_multi_paxos_sweep_fails_with_a_repro_line_that_replays_it() {
    let o = paxos(&["sweep", "--protocol", "multi", "--variant", "no-at-most-once", "--seeds", "10", "--quiet"]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    let line = text.lines().find(|l| l.starts_with("FAILED at seed 3: ")).expect("the first failing seed");
    assert!(line.contains("the clients' history is not linearizable"), "{line}");
    let repro = line.split("reproduce: ").nth(1).expect("a repro line");
    let args: Vec<&str> = repro.strip_prefix("paxos ").expect("starts with paxos").split_whitespace().collect();
    let replay = paxos(&args);
    let replayed = stdout(&replay);
    assert_eq!(replay.status.code(), Some(1), "{replayed}");
    assert!(replayed.contains("NOT linearizable") && replayed.contains("FAILED: "), "{replayed}");
    let o = paxos(&["sweep", "--protocol", "multi", "--seeds", "10", "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn unknown_protocols_and_multi_paxos_variants_are_refused() {
    let o = paxos(&["run", "--protocol", "raft", "--seed", "1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("known: single, multi"));
    let o = paxos(&["sweep", "--protocol", "multi", "--variant", "forgetful"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("keep-only-chosen"));
    let o = paxos(&["bench", "--workload", "w3"]);
    assert_eq!(o.status.code(), Some(2));
}
