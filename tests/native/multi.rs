//! Multi-Paxos in the simulator: random-fault sweeps that must stay safe, linearizable and live,
//! negative controls (each broken variant caught, at a pinned first seed), pinned trace hashes,
//! and the closed-loop workload's history as the linearizability checker reads it.

use paxos_playground::lincheck::{self, Verdict};
use paxos_playground::protocol::multi::{KvOp, KvReply, Multi};
use paxos_playground::sim::multi::{MultiConfig, MultiEvent, MultiRun};
use paxos_playground::sim::{Event, Invariant, Tick};
use paxos_playground::sweep::multi::*;

fn failures(seeds: &[MultiSeed]) -> String {
    seeds
        .iter()
        .map(|s| {
            format!(
                "seed {}: {}; {}",
                s.outcome.seed,
                s.failure().unwrap_or_default(),
                repro_command(s.outcome.seed, s.variant)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs `seeds` of `variant` on two threads; returns every seed's outcome.
fn sweep(seeds: std::ops::Range<u64>, variant: MultiVariant) -> Vec<MultiSeed> {
    let mid = seeds.start + (seeds.end - seeds.start) / 2;
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| (seeds.start..mid).map(|seed| check_seed(seed, variant)).collect::<Vec<_>>());
        let b = s.spawn(|| (mid..seeds.end).map(|seed| check_seed(seed, variant)).collect::<Vec<_>>());
        (a.join().unwrap(), b.join().unwrap())
    });
    a.into_iter().chain(b).collect()
}

#[test]
fn ten_thousand_random_fault_seeds_are_safe_linearizable_and_live() {
    let outcomes = sweep(0..10_000, MultiVariant::Correct);
    let bad: Vec<MultiSeed> = outcomes.iter().filter(|s| s.failure().is_some()).cloned().collect();
    assert!(bad.is_empty(), "{} failing seeds:\n{}", bad.len(), failures(&bad[..bad.len().min(5)]));
    // Every history was checked, and each was linearizable.
    assert!(outcomes.iter().all(|s| s.outcome.linearizable == Some(Verdict::Linearizable)));
    let ops: u64 = outcomes.iter().map(|s| s.outcome.completed).sum();
    let steps: u64 = outcomes.iter().map(|s| s.outcome.steps).sum();
    assert!(ops > 100_000, "too few operations to mean much: {ops}");
    assert!(steps > 4_000_000, "runs are too short to mean much: {steps} steps");
    // The faults happened: leaders were crashed and replaced, and the logs were compacted.
    let configs: Vec<MultiConfig> = (0..200).map(|seed| random_config(seed, MultiVariant::Correct)).collect();
    assert!(configs.iter().filter(|c| c.leader_crash_every.is_some()).count() > 50);
    assert!(configs.iter().filter(|c| c.cluster.compaction.is_some()).count() > 50);
    assert!(configs.iter().filter(|c| c.cluster.lease.is_some()).count() > 50);
    assert!(configs.iter().any(|c| c.cluster.replicas.len() == 9));
}

#[test]
fn each_broken_variant_is_caught_at_a_pinned_first_seed() {
    // Negative controls: a sweep that could not fail would prove nothing. Each variant's first
    // failing seed, and what fails there, are pinned.
    let first = |variant| (0..2_000).map(|seed| check_seed(seed, variant)).find(|s| s.failure().is_some());
    let lost = first(MultiVariant::KeepOnlyChosen).expect("keep-only-chosen never caught");
    assert_eq!(lost.outcome.seed, 10);
    assert_eq!(lost.outcome.violations[0].invariant, Invariant::SlotStable, "{:?}", lost.failure());
    let twice = first(MultiVariant::NoAtMostOnce).expect("no-at-most-once never caught");
    assert_eq!(twice.outcome.seed, 3);
    assert!(twice.outcome.violations.is_empty(), "the replicas agree; only the clients see it");
    assert_eq!(twice.outcome.linearizable, Some(Verdict::NotLinearizable));
    let stale = first(MultiVariant::LeaseWithoutWait).expect("lease-without-wait never caught");
    assert_eq!(stale.outcome.seed, 27);
    assert_eq!(stale.outcome.linearizable, Some(Verdict::NotLinearizable));
    // The correct protocol passes the very seeds that catch the broken ones.
    for seed in [10, 3, 27] {
        assert_eq!(check_seed(seed, MultiVariant::Correct).failure(), None, "seed {seed}");
    }
}

#[test]
fn the_stale_read_is_explained_by_the_checker() {
    let config = random_config(27, MultiVariant::LeaseWithoutWait);
    let mut run = MultiRun::new(&config, 27);
    run.run(&mut (), MAX_STEPS, config.faults_end + SETTLE_TICKS);
    let history = run.history();
    let report = lincheck::check(&history, &lincheck::Options::default());
    let failure = report.parts.iter().find_map(|p| p.failure.clone()).expect("a failing key");
    let text = lincheck::report::render(&report, &history);
    assert!(text.contains("read 4 but the value was 6"), "{text}");
    assert!(failure.unplaced.iter().any(|u| u.why.contains("read 4")), "{failure:?}");
}

#[test]
fn pinned_trace_hashes() {
    for &(seed, expected) in PINNED_TRACE_HASHES {
        let got = pinned_trace_hash(seed);
        assert_eq!(got, expected, "seed {seed}: trace hash {got:016x}, pinned {expected:016x}");
    }
    // The hash tells runs apart.
    assert_ne!(pinned_trace_hash(1), pinned_trace_hash(2));
}

#[test]
fn a_quiet_cluster_elects_one_leader_and_answers_every_operation_in_order() {
    let mut config = MultiConfig::new(3, 1);
    config.workload.ops_per_client = 10;
    let mut run = MultiRun::new(&config, 5);
    let mut trace: Vec<Event<MultiEvent>> = Vec::new();
    run.run(&mut trace, 100_000, Tick::MAX);
    let leaders: Vec<_> = trace.iter().filter(|e| matches!(e.kind, MultiEvent::Leader { .. })).collect();
    assert_eq!(leaders.len(), 1, "one election from cold on a quiet network");
    let o = run.outcome(true);
    assert!(o.finished && o.violations.is_empty());
    assert_eq!((o.completed, o.open), (10, 0));
    assert_eq!(o.linearizable, Some(Verdict::Linearizable));
    // Each command is one slot; every replica applied every slot, in order.
    let applied = |node: u8| -> Vec<u32> {
        trace
            .iter()
            .filter_map(|e| match &e.kind {
                MultiEvent::Applied { node: n, slot, .. } if n.0 == node => Some(slot.0),
                _ => None,
            })
            .collect()
    };
    let leader_applied = applied(0).len().max(applied(1).len()).max(applied(2).len());
    assert_eq!(leader_applied as u64, o.chosen);
    for node in 0..3 {
        let slots = applied(node);
        assert!(slots.windows(2).all(|w| w[1] == w[0] + 1), "node {node} applied out of order: {slots:?}");
    }
}

#[test]
fn the_history_reads_versions_and_errors_as_the_checker_expects() {
    // Replies of each kind, in the checker's terms.
    let mut config = MultiConfig::new(3, 2);
    config.workload.ops_per_client = 30;
    config.workload.keys = 2;
    let mut run = MultiRun::new(&config, 11);
    run.run(&mut (), 200_000, Tick::MAX);
    let ops = &run.world.system.monitor.history;
    assert!(ops.iter().any(|h| matches!(h.complete, Some((_, _, KvReply::Written { .. })))));
    assert!(ops.iter().any(|h| matches!(h.complete, Some((_, _, KvReply::Value { .. })))));
    assert!(ops.iter().any(|h| matches!(h.op, KvOp::Cas { .. })));
    let history = run.history();
    assert_eq!(history.ops.len(), ops.len());
    assert_eq!(lincheck::check(&history, &lincheck::Options::default()).verdict, Verdict::Linearizable);
    // Change one successful read's value to one never written: no longer linearizable.
    let mut bad = history.clone();
    let read = bad
        .ops
        .iter_mut()
        .find(|o| {
            matches!(o.call, lincheck::Call::Read) && matches!(o.outcome, lincheck::Outcome::Ok { value: Some(_), .. })
        })
        .expect("a successful read");
    read.outcome = lincheck::Outcome::Ok { value: Some(lincheck::Value::Int(999_999)), version: None };
    assert_eq!(lincheck::check(&bad, &lincheck::Options::default()).verdict, Verdict::NotLinearizable);
}

#[test]
fn workload_w2_runs_to_the_end() {
    let mut config = MultiConfig::w2();
    config.workload.ops_per_client = 200;
    let mut run = MultiRun::new(&config, 1);
    run.run(&mut (), u64::MAX, Tick::MAX);
    let o = run.outcome(true);
    assert!(o.finished, "{o:?}");
    assert_eq!(o.completed, 600);
    assert!(o.violations.is_empty(), "{:?}", o.violations);
    assert_eq!(o.linearizable, Some(Verdict::Linearizable));
    let _: &paxos_playground::sim::World<Multi> = &run.world;
}

/// Runs `seed` of `variant`, checking the history live every `every` steps; returns the
/// verdicts seen in order, the keys searched again at each check, and the final batch verdict.
fn live(seed: u64, variant: MultiVariant, every: u64) -> (Vec<Verdict>, Vec<usize>, Verdict) {
    use paxos_playground::sim::multi::LiveCheck;
    let config = random_config(seed, variant);
    let mut run = MultiRun::new(&config, seed);
    let mut check = LiveCheck::default();
    let (mut verdicts, mut rechecked) = (Vec::new(), Vec::new());
    run.start(&mut ());
    let end = config.faults_end + SETTLE_TICKS;
    while !run.finished() && run.world.steps < MAX_STEPS && run.world.now <= end && run.step(&mut ()) {
        if run.world.steps.is_multiple_of(every) {
            verdicts.push(check.update(&run.world.system.monitor.history).verdict);
            rechecked.push(check.check.rechecked);
        }
    }
    verdicts.push(check.update(&run.world.system.monitor.history).verdict);
    rechecked.push(check.check.rechecked);
    let batch = lincheck::check(&run.history(), &lincheck::Options::default()).verdict;
    (verdicts, rechecked, batch)
}

#[test]
fn the_live_check_agrees_with_the_batch_check_and_red_stays_red() {
    for seed in 0..60 {
        let (verdicts, rechecked, batch) = live(seed, MultiVariant::Correct, 7);
        assert_eq!(*verdicts.last().unwrap(), batch, "seed {seed}");
        assert!(verdicts.iter().all(|v| *v == Verdict::Linearizable), "seed {seed}: {verdicts:?}");
        // Only the keys that changed are searched again: at most the seed's key count, and
        // often none between two checks.
        let keys = random_config(seed, MultiVariant::Correct).workload.keys as usize;
        assert!(rechecked.iter().all(|&n| n <= keys), "seed {seed}: {rechecked:?}");
        assert!(rechecked.contains(&0) || verdicts.len() < 5, "seed {seed}: every check searched again");
    }
    // The stale read (seed 27) and the write applied twice (seed 3): red live, from some step
    // on, and then for good; the same verdict as the batch check at the end.
    for (seed, variant) in [(27, MultiVariant::LeaseWithoutWait), (3, MultiVariant::NoAtMostOnce)] {
        let (verdicts, _, batch) = live(seed, variant, 1);
        assert_eq!(batch, Verdict::NotLinearizable);
        let first_red = verdicts.iter().position(|v| *v == Verdict::NotLinearizable).expect("red at some step");
        assert!(verdicts[first_red..].iter().all(|v| *v == Verdict::NotLinearizable), "seed {seed}");
        assert!(verdicts[..first_red].iter().all(|v| *v == Verdict::Linearizable), "seed {seed}");
        assert!(first_red > 0, "seed {seed}: red before anything happened");
    }
}
