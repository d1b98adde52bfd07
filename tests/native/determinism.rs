//! One seed, one run: the same seed must give the same trace hash every time, whether the run
//! is recorded or not, replayed through a History, or read back from a scenario file; and a
//! pinned table of (seed, hash) pairs makes any change of behaviour visible.

use paxos_playground::scenario::Scenario;
use paxos_playground::sim::{trace_hash, History, World};
use paxos_playground::sweep::*;
use std::collections::BTreeSet;

#[test]
fn the_same_seed_twice_gives_the_same_trace_hash() {
    for mix in [FaultMix::all(), FaultMix::none(), FaultMix::all().with_variant(Variant::UnsafeQuorums)] {
        for seed in 0..50 {
            let (a, trace_a) = check_seed_traced(seed, &mix);
            let (b, trace_b) = check_seed_traced(seed, &mix);
            assert_eq!(a.trace_hash, b.trace_hash, "seed {seed}: {}", repro_command(seed, &mix));
            assert_eq!(trace_a, trace_b);
        }
    }
}

#[test]
fn different_seeds_give_different_runs() {
    let hashes: BTreeSet<u64> = (0..200).map(|seed| pinned_trace_hash(seed, true)).collect();
    assert_eq!(hashes.len(), 200);
}

#[test]
fn recording_the_trace_does_not_change_the_run() {
    // Sweeps run with the `()` sink for speed; what they report must be what a recorded run did.
    let mix = FaultMix::all();
    for seed in 0..300 {
        let (traced, trace) = check_seed_traced(seed, &mix);
        let fast = check_seed(seed, &mix);
        assert_eq!(SeedOutcome { trace_hash: None, ..traced.clone() }, fast, "seed {seed}");
        assert_eq!(trace.last().map(|e| e.step + 1), Some(fast.steps), "seed {seed}: every step records an event");
    }
}

#[test]
fn a_history_and_a_scenario_file_replay_the_sweep_run() {
    // The repro path: a seed's scenario as JSON (what a share link or `--scenario FILE` carries)
    // replays in a History (what the page uses) to the very same trace.
    let mix = FaultMix::all();
    for seed in 0..100 {
        let (outcome, trace) = check_seed_traced(seed, &mix);
        let text = random_scenario(seed, &mix).to_json();
        let scenario = Scenario::from_json(&text).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        let mut history: History = scenario.history();
        let limit = outcome.faults_end + SETTLE_TICKS;
        while history.frontier() < MAX_STEPS && history.world().now <= limit && history.forward() {}
        assert_eq!(history.trace_hash(), outcome.trace_hash.unwrap(), "seed {seed}");
        assert_eq!(history.trace.len(), trace.len());
    }
}

#[test]
fn a_world_clone_continues_exactly_like_the_original() {
    // Time travel rests on this: a snapshot (a clone) taken mid-run continues identically.
    let scenario = random_scenario(42, &FaultMix::all());
    let schedule = paxos_playground::sim::Schedule::new(&scenario.schedule);
    let mut world = World::new(&scenario.config, scenario.seed);
    world.run(&schedule, &mut (), 40, u64::MAX);
    let mut twin = world.clone();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    world.run(&schedule, &mut a, u64::MAX, 100_000);
    twin.run(&schedule, &mut b, u64::MAX, 100_000);
    assert!(!a.is_empty());
    assert_eq!(trace_hash(&a), trace_hash(&b));
}

#[test]
fn pinned_trace_hashes_still_hold() {
    // If this fails, behaviour changed: the protocol, the simulator or the run generator. If
    // the change is intended, regenerate the table in src/sweep.rs and say why in the commit.
    // Both tables pin the same seeds: with timeouts as format 1 had them, and growing.
    assert_eq!(PINNED_TRACE_HASHES.len(), 8);
    let seeds = |table: &[(u64, u64)]| table.iter().map(|p| p.0).collect::<Vec<_>>();
    assert_eq!(seeds(PINNED_GROWING_TRACE_HASHES), seeds(PINNED_TRACE_HASHES));
    let mut moved = Vec::new();
    for (table, growth) in [(PINNED_TRACE_HASHES, false), (PINNED_GROWING_TRACE_HASHES, true)] {
        for &(seed, pinned) in table {
            let now = pinned_trace_hash(seed, growth);
            if now != pinned {
                moved.push(format!("growth {growth}: ({seed}, 0x{now:016x}), // was 0x{pinned:016x}"));
            }
        }
    }
    assert!(moved.is_empty(), "trace hashes moved:\n{}", moved.join("\n"));
}
