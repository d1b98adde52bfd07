//! Random-fault sweeps: thousands of seeded runs under every kind of fault must stay safe and,
//! once the faults stop, decide; the unsafe configuration and each broken variant must be caught.
//! A failure prints the seed and the command that replays it.

use paxos_playground::protocol::{Timing, Value};
use paxos_playground::sim::{Action, At, Config, Invariant, Schedule, Topology, World};
use paxos_playground::sweep::*;
use std::collections::BTreeSet;

/// Runs `seeds` split between two threads (the test machines have two cores).
fn sweep_parallel(seeds: std::ops::Range<u64>, mix: &FaultMix) -> SweepReport {
    let mid = seeds.start + (seeds.end - seeds.start) / 2;
    let (low, high) = std::thread::scope(|s| {
        let low = s.spawn(|| sweep(seeds.start..mid, mix, false));
        let high = s.spawn(|| sweep(mid..seeds.end, mix, false));
        (low.join().unwrap(), high.join().unwrap())
    });
    let mut report = low;
    report.merge(high);
    report
}

fn failures(report: &SweepReport, mix: &FaultMix) -> String {
    let examples = report.unsafe_examples.iter().chain(&report.not_live_examples);
    examples.map(|o| describe_failure(o, mix)).collect::<Vec<_>>().join("\n")
}

#[test]
fn ten_thousand_random_fault_seeds_are_safe_and_decide_after_the_faults() {
    let mix = FaultMix::all();
    let report = sweep_parallel(0..10_000, &mix);
    assert_eq!(report.seeds, 10_000);
    assert_eq!(report.unsafe_seeds, 0, "safety violated:\n{}", failures(&report, &mix));
    assert_eq!(report.not_live_seeds, 0, "no decision after the faults stopped:\n{}", failures(&report, &mix));
    // Without backoff a duel may go on past the limit; nearly every run still decides.
    assert!(report.decided >= 9_900, "only {} of 10,000 seeds decided", report.decided);
    assert!(report.steps > 1_000_000, "runs are too short to mean much: {} steps", report.steps);
}

#[test]
fn flexible_quorums_are_safe_and_decide_after_the_faults() {
    // Flexible Paxos (Howard, Malkhi, Spiegelman 2016): q1 + q2 > n is all safety needs. The
    // generator picks q1 + q2 = n + 1, the tightest safe choice, either phase the larger.
    let mix = FaultMix::all().with_variant(Variant::FlexibleQuorums);
    let report = sweep_parallel(0..4_000, &mix);
    assert_eq!(report.unsafe_seeds, 0, "safety violated:\n{}", failures(&report, &mix));
    assert_eq!(report.not_live_seeds, 0, "no decision after the faults stopped:\n{}", failures(&report, &mix));
    assert!(report.decided >= 3_950, "only {} of 4,000 seeds decided", report.decided);
    // The sweep covers asymmetric quorums both ways, among them 3/2 and 2/3 of 4 acceptors.
    let quorums: BTreeSet<(u8, u8, u8)> = (0..4_000)
        .map(|seed| random_scenario(seed, &mix).config)
        .filter_map(|c| c.quorums.map(|q| (c.acceptor_count(), q.phase1, q.phase2)))
        .collect();
    assert!(quorums.iter().all(|&(n, q1, q2)| q1 + q2 == n + 1), "{quorums:?}");
    assert!(quorums.contains(&(4, 3, 2)) && quorums.contains(&(4, 2, 3)), "{quorums:?}");
    assert!(quorums.iter().filter(|(_, q1, q2)| q1 > q2).count() >= 10, "{quorums:?}");
    assert!(quorums.iter().filter(|(_, q1, q2)| q1 < q2).count() >= 10, "{quorums:?}");
}

#[test]
fn each_fault_alone_is_safe_and_live() {
    for fault in Fault::ALL {
        let mix = FaultMix::of(&[fault]);
        let report = sweep(0..500, &mix, false);
        assert_eq!(report.unsafe_seeds + report.not_live_seeds, 0, "{}:\n{}", fault.name(), failures(&report, &mix));
    }
}

/// Finds the first violating seed below `bound`, or fails saying the checks could not fail.
fn first_violation(variant: Variant, bound: u64) -> (SeedOutcome, FaultMix) {
    let mix = FaultMix::all().with_variant(variant);
    let report = sweep(0..bound, &mix, true);
    let found = report.first_unsafe().cloned();
    (found.unwrap_or_else(|| panic!("{variant}: no violation in {bound} seeds: the checks never fired")), mix)
}

fn invariants(o: &SeedOutcome) -> BTreeSet<Invariant> {
    o.violations.iter().map(|v| v.invariant).collect()
}

#[test]
fn unsafe_quorums_let_two_values_be_chosen() {
    // Flexible Paxos: with q1 + q2 <= n a phase-1 quorum can miss the phase-2 quorum that chose.
    let (o, mix) = first_violation(Variant::UnsafeQuorums, 200);
    assert!(invariants(&o).contains(&Invariant::Agreement), "{}", describe_failure(&o, &mix));
    assert!(describe_failure(&o, &mix).ends_with(&repro_command(o.seed, &mix)));
}

#[test]
fn proposers_ignoring_accepted_values_break_chosen_stability_then_agreement() {
    // Paxos Made Simple, P2a/P2c: skipping the adoption rule lets a chosen value be overwritten.
    let (o, mix) = first_violation(Variant::IgnoreAcceptedValues, 200);
    assert_eq!(o.first_invariant(), Some(Invariant::ChosenStable), "{}", describe_failure(&o, &mix));
    assert!(invariants(&o).contains(&Invariant::Agreement), "{}", describe_failure(&o, &mix));
}

#[test]
fn forgetful_acceptors_break_promises_and_in_time_agreement() {
    // An acceptor must persist its promise (Paxos Made Simple, 2.3 on stable storage).
    let (o, mix) = first_violation(Variant::ForgetfulAcceptors, 200);
    assert_eq!(o.first_invariant(), Some(Invariant::PromiseMonotonic), "{}", describe_failure(&o, &mix));
    // Rarer: the forgotten promise actually lets a second value be chosen.
    let mix = FaultMix::all().with_variant(Variant::ForgetfulAcceptors);
    let agreement = (0..3_000).map(|s| check_seed(s, &mix)).find(|o| invariants(o).contains(&Invariant::Agreement));
    assert!(agreement.is_some(), "forgetful acceptors never broke agreement in 3,000 seeds");
}

#[test]
fn a_reported_seed_reproduces_the_same_violation() {
    let (o, mix) = first_violation(Variant::UnsafeQuorums, 200);
    let again = check_seed(o.seed, &mix);
    assert_eq!(again, o);
}

#[test]
fn repro_commands_name_the_seed_faults_and_variant() {
    let mix = FaultMix::parse("crash,loss").unwrap();
    assert_eq!(repro_command(42, &mix), "paxos sweep --seed 42 --faults loss,crash");
    let broken = FaultMix::all().with_variant(Variant::ForgetfulAcceptors);
    assert_eq!(repro_command(7, &broken), "paxos sweep --seed 7 --faults all --variant forgetful-acceptors");
    let fixed = broken.with_timeout_growth(false);
    assert_eq!(
        repro_command(7, &fixed),
        "paxos sweep --seed 7 --faults all --variant forgetful-acceptors --timeouts fixed"
    );
    assert_eq!(FaultMix::parse(&mix.faults_arg()).unwrap(), mix);
}

#[test]
fn random_scenarios_are_valid_and_stay_within_their_ranges() {
    let mix = FaultMix::all();
    for seed in 0..2_000 {
        let s = random_scenario(seed, &mix);
        assert_eq!(s.validate(), Ok(()), "seed {seed}");
        assert!(s.config.is_safe() && s.config.warnings().is_empty(), "seed {seed}");
        match s.config.topology {
            Topology::Servers { count } => assert!((1..=7).contains(&count)),
            Topology::Separate { proposers, acceptors, learners } => {
                assert!((1..=4).contains(&proposers) && (1..=7).contains(&acceptors) && (1..=3).contains(&learners))
            }
        }
        let first_proposals = proposals(&s).len() / 2;
        assert!((1..=4).contains(&first_proposals), "seed {seed}");
        let values: BTreeSet<Value> = proposals(&s).iter().map(|p| p.1).collect();
        assert_eq!(values.len(), first_proposals, "seed {seed}: values are distinct, each asked twice");
    }
}

fn proposals(s: &paxos_playground::scenario::Scenario) -> Vec<(u64, Value)> {
    s.schedule
        .iter()
        .filter_map(|e| match (&e.at, &e.action) {
            (At::Tick(t), Action::Propose { value, .. }) => Some((*t, *value)),
            _ => None,
        })
        .collect()
}

#[test]
fn every_run_ends_its_fault_window_by_healing_recovering_and_retrying() {
    let mix = FaultMix::all();
    for seed in 0..500 {
        let s = random_scenario(seed, &mix);
        let end = s.schedule.iter().map(|e| if let At::Tick(t) = e.at { t } else { 0 }).max().unwrap();
        let last: Vec<&Action> = s.schedule.iter().filter(|e| e.at == At::Tick(end)).map(|e| &e.action).collect();
        assert!(last.contains(&&Action::Heal), "seed {seed}");
        assert!(last
            .iter()
            .any(|a| matches!(a, Action::SetNetwork { params } if params.loss == 0.0 && params.duplicate == 0.0)));
        let crashed: BTreeSet<_> = s
            .schedule
            .iter()
            .filter_map(|e| match e.action {
                Action::Crash { node } => Some(node),
                _ => None,
            })
            .collect();
        let recovered: BTreeSet<_> = last
            .iter()
            .filter_map(|a| match a {
                Action::Recover { node } => Some(*node),
                _ => None,
            })
            .collect();
        assert_eq!(crashed, recovered, "seed {seed}: every crashed node recovers at the end");
        let retried = last.iter().filter(|a| matches!(a, Action::Propose { .. })).count();
        assert_eq!(retried, proposals(&s).len() / 2, "seed {seed}: every client retries");
    }
}

#[test]
fn the_generator_uses_every_fault_and_only_the_ones_asked_for() {
    let kinds = |mix: &FaultMix| -> BTreeSet<&'static str> {
        (0..300)
            .flat_map(|seed| random_scenario(seed, mix).schedule)
            .map(|e| match e.action {
                Action::Crash { .. } | Action::Recover { .. } => "crash",
                Action::Partition { .. } => "partition",
                Action::Cut { .. } | Action::Restore { .. } => "cut",
                Action::Drop { .. } => "msg-drop",
                Action::Duplicate { .. } => "msg-dup",
                Action::DeliverNow { .. } | Action::Delay { .. } => "reorder",
                Action::SetNetwork { .. } | Action::Heal | Action::Propose { .. } => "always",
                Action::FireTimer { .. } => "fire-timer",
            })
            .collect()
    };
    let all = kinds(&FaultMix::all());
    let expected: BTreeSet<&str> = ["crash", "partition", "cut", "msg-drop", "msg-dup", "reorder", "always"].into();
    assert_eq!(all, expected);
    assert_eq!(kinds(&FaultMix::none()), ["always"].into());
    assert_eq!(kinds(&FaultMix::of(&[Fault::Crash])), ["always", "crash"].into());
    for seed in 0..300 {
        let net = random_scenario(seed, &FaultMix::none()).config.network;
        assert_eq!((net.loss, net.duplicate), (0.0, 0.0), "seed {seed}: no loss unless asked");
    }
}

#[test]
fn runs_without_faults_always_decide() {
    let mix = FaultMix::none();
    for seed in 0..1_000 {
        let o = check_seed(seed, &mix);
        assert!(o.is_safe() && o.chosen.is_some() && (o.learned_all || !o.backoff), "{}", describe_failure(&o, &mix));
    }
}

#[test]
fn seed_35332852_decides_now_that_timeouts_grow() {
    // Found by a sweep of 100 million seeds: 5 servers, latency exactly 3 ticks, Nack off, and a
    // retry timeout of exactly 8 ticks, shorter than a full round (4 delays, 12 ticks). Each
    // proposer retried every 8 ticks and its Prepare preempted the Accept of the one before.
    let (seed, mix) = (35_332_852, FaultMix::all());
    let s = random_scenario(seed, &mix);
    let t = s.config.timing;
    assert_eq!((s.config.topology, s.config.nack), (Topology::Servers { count: 5 }, false));
    assert_eq!((s.config.network.latency_ticks_min, s.config.network.latency_ticks_max), (3, 3));
    assert_eq!((t.timeout_ticks_min, t.timeout_ticks_max, t.backoff, t.timeout_growth), (8, 8, true, true));
    let o = check_seed(seed, &mix);
    assert!(o.is_safe() && o.is_live() && o.chosen.is_some(), "{}", describe_failure(&o, &mix));
    // The same run with format 1's fixed timeouts still never decides, and fails a sweep.
    let fixed = Config { timing: Timing { timeout_growth: false, ..t }, ..s.config.clone() };
    let mut world = World::new(&fixed, seed);
    world.run(&Schedule::new(&s.schedule), &mut (), MAX_STEPS, o.faults_end + SETTLE_TICKS);
    assert_eq!((world.chosen(), world.all_learned()), (None, false));
    assert!(world.now > o.faults_end + SETTLE_TICKS, "it ran the whole settling time");
    let fixed_mix = mix.clone().with_timeout_growth(false);
    assert_eq!(random_scenario(seed, &fixed_mix).config, fixed);
    let report = sweep(seed..seed + 1, &fixed_mix, true);
    assert_eq!((report.unsafe_seeds, report.not_live_seeds, report.passed()), (0, 1, false));
    let not_live = &report.not_live_examples[0];
    assert_eq!(
        liveness_failure(not_live),
        Some(format!(
            "learners had not all learned {} ticks after the faults stopped",
            not_live.time - not_live.faults_end
        ))
    );
    assert!(describe_failure(not_live, &fixed_mix)
        .ends_with("reproduce: paxos sweep --seed 35332852 --faults all --timeouts fixed"));
    assert!(sweep(seed..seed + 1, &mix, true).passed());
}
