//! The Multi-Paxos page's history exports read back by the `paxos lincheck` command, as a person
//! would check a downloaded file: the EDN (Jepsen's format) and the JSON Lines of a green run are
//! linearizable, those of the broken at-most-once lesson's red run are not, and every operation
//! of the page's history is in the file.

use paxos_playground::lincheck::report::thousands;
use paxos_playground::view::multi::{default_scenario, export, multi_scenario, MultiAction, MultiPlayground};
use std::process::Command;

fn run_to(scenario: paxos_playground::view::multi::MultiScenario, step: u64) -> MultiPlayground {
    let mut p = MultiPlayground::new(scenario);
    p.reduce(MultiAction::Seek(step));
    p
}

/// Writes `text` to a file of this test's own and runs `paxos lincheck` on it: exit code, output.
fn lincheck(text: &str, name: &str) -> (Option<i32>, String) {
    let dir = std::env::temp_dir().join(format!("paxos-multi-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("the file is written");
    let out = Command::new(env!("CARGO_BIN_EXE_paxos"))
        .args(["lincheck", path.to_str().expect("a UTF-8 path")])
        .output()
        .expect("the paxos binary runs");
    std::fs::remove_file(&path).ok();
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn paxos_lincheck_reads_the_exported_edn_and_json_lines_with_the_page_verdict() {
    let green = run_to(default_scenario(), 600);
    let red = run_to(multi_scenario("multi-retries-at-most-once").expect("the lesson").scenario, 3000);
    for (p, code, verdict) in [(&green, 0, "verdict: linearizable"), (&red, 1, "verdict: NOT linearizable")] {
        let ops = p.history.world().system.monitor.history.len();
        assert!(ops >= 10, "{ops}");
        for (text, name) in [(export::history_edn(p), "history.edn"), (export::history_json(p), "history.jsonl")] {
            let (status, out) = lincheck(&text, name);
            assert_eq!(status, Some(code), "{name}: {out}");
            assert!(out.contains(verdict), "{name}: {out}");
            let format = if name.ends_with("edn") { "(edn)" } else { "(json)" };
            let first = out.lines().next().unwrap_or_default();
            assert!(
                first.contains(format) && first.contains(&format!(": {} operations (", thousands(ops as u64))),
                "{name}: {first}"
            );
        }
    }
}
