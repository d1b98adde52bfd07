//! Workload W1 timed in wasm (`?bench=w1`): the same `workload::Runner` as `paxos bench`, run in
//! the tools worker, so the page's own wasm carries neither a second copy of the simulator's
//! step nor the JSON writer. `scripts/bench` compares its throughput with native.

use crate::workload::{Recording, Runner, Totals};
use serde::Serialize;

/// Base seed of the W1 bench (the native `paxos bench` default is 1 as well).
const W1_SEED: u64 = 1;

/// Times `instances` W1 instances with recording off and on (after a warm-up that lets the
/// browser's optimising compiler tier up), as JSON. `now` is a clock in milliseconds.
pub fn run(instances: u64, now: &dyn Fn() -> f64) -> String {
    let warm = (instances / 10).clamp(100, 5_000);
    let modes = [("off", Recording::Off), ("on", Recording::On)];
    let runs: Vec<RunJson> = modes
        .iter()
        .map(|&(name, recording)| {
            let mut runner = Runner::new();
            runner.run(W1_SEED.wrapping_add(1), 0, warm, recording);
            let start = now();
            let totals = runner.run(W1_SEED, 0, instances, recording);
            to_json(name, &totals, now() - start)
        })
        .collect();
    let doc = BenchJson { instances, runs, seed: W1_SEED, workload: "W1" };
    serde_json::to_string(&doc).unwrap_or_default()
}

/// The bench result. Fields in alphabetical order, the text `json!` printed before (its map
/// sorts keys).
#[derive(Serialize)]
struct BenchJson {
    instances: u64,
    runs: Vec<RunJson>,
    seed: u64,
    workload: &'static str,
}

#[derive(Serialize)]
struct RunJson {
    deliveries_per_sec: f64,
    delivered: u64,
    elapsed_ms: f64,
    events: u64,
    instances: u64,
    recording: &'static str,
    steps: u64,
    unlearned: u64,
    violations: u64,
}

fn to_json(name: &'static str, t: &Totals, elapsed_ms: f64) -> RunJson {
    let secs = (elapsed_ms / 1e3).max(1e-9);
    RunJson {
        deliveries_per_sec: t.delivered as f64 / secs,
        delivered: t.delivered,
        elapsed_ms,
        events: t.events,
        instances: t.instances,
        recording: name,
        steps: t.steps,
        unlearned: t.unlearned,
        violations: t.violations,
    }
}
