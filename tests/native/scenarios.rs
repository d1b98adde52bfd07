//! Named scenarios run through the simulator, each asserting its outcome from the trace: what
//! was chosen, when, by whom, and that no invariant broke on the way.

use paxos_playground::protocol::*;
use paxos_playground::sim::*;

const MAX_STEPS: u64 = 2_000_000;

fn at(tick: u64, action: Action) -> Scheduled {
    Scheduled { at: At::Tick(tick), action }
}

fn propose(tick: u64, node: u8, value: u32) -> Scheduled {
    at(tick, Action::Propose { node: NodeId(node), value: Value(value) })
}

fn b(round: u32, node: u8) -> Ballot {
    Ballot::new(round, NodeId(node))
}

fn fixed_latency(ticks: u32) -> NetParams {
    NetParams { latency_ticks_min: ticks, latency_ticks_max: ticks, loss: 0.0, duplicate: 0.0 }
}

fn separate(proposers: u8, acceptors: u8, learners: u8, network: NetParams) -> Config {
    Config { topology: Topology::Separate { proposers, acceptors, learners }, network, ..Config::default() }
}

/// Runs a world to the end of its work or past `max_time`, recording the trace.
fn run(config: &Config, seed: u64, schedule: &[Scheduled], max_time: Tick) -> (World, Vec<Event>) {
    assert_eq!(config.validate(), Ok(()));
    let mut world = World::new(config, seed);
    let mut trace = Vec::new();
    world.run(&Schedule::new(schedule), &mut trace, MAX_STEPS, max_time);
    (world, trace)
}

fn sent(trace: &[Event], kind: MsgKind) -> usize {
    trace.iter().filter(|e| matches!(&e.kind, EventKind::Send { msg, .. } if msg.kind() == kind)).count()
}

fn chosen(trace: &[Event]) -> Vec<(Tick, Ballot, Value)> {
    trace
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Chosen { ballot, value } => Some((e.time, ballot, value)),
            _ => None,
        })
        .collect()
}

fn notes(trace: &[Event], of: u8) -> Vec<(Tick, Note)> {
    trace
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Proposer { node, note } if node == NodeId(of) => Some((e.time, note)),
            _ => None,
        })
        .collect()
}

fn phase1_count(trace: &[Event], before: Tick) -> usize {
    trace
        .iter()
        .filter(|e| e.time < before && matches!(e.kind, EventKind::Proposer { note: Note::Phase1 { .. }, .. }))
        .count()
}

fn learned_by(world: &World) -> Vec<Option<Value>> {
    world.system.cluster.learners.iter().map(|l| world.slot(*l).node.learned()).collect()
}

fn assert_safe(world: &World) {
    assert!(world.system.violations.is_empty(), "violations: {:#?}", world.system.violations);
}

#[test]
fn happy_path_chooses_the_value_with_the_textbook_message_count() {
    // Paxos Made Simple, 2.2 + 2.3, no faults: 3 Prepare, 3 Promise, 3 Accept, 3 x 2 Accepted (to
    // the proposer and the learner), 5 Decided (to every other node) = 20 messages.
    let config = separate(2, 3, 1, NetParams { latency_ticks_min: 1, latency_ticks_max: 5, ..NetParams::default() });
    let (mut world, trace) = run(&config, 7, &[propose(0, 0, 0)], 10_000);
    assert_safe(&world);
    assert_eq!(world.chosen(), Some(Value(0)));
    assert!(world.all_learned());
    let counts: Vec<usize> = MsgKind::ALL.iter().map(|k| sent(&trace, *k)).collect();
    // Prepare, Promise, Nack, Accept, Accepted, Decided
    assert_eq!(counts, vec![3, 3, 0, 3, 6, 5]);
    assert_eq!(
        (world.stats().sent, world.stats().delivered, world.stats().dropped, world.stats().timeouts),
        (20, 20, 0, 0)
    );
    assert_eq!(chosen(&trace).len(), 1);
    assert!(!world.has_work(&Schedule::default()), "a decided run goes quiet: no timer left");
}

/// Proposer n0 gets A accepted by every acceptor, then crashes before any Accepted reaches it:
/// no Decided is ever sent. Fixed latency 2: Prepare lands at 2, Promise at 4, Accept at 6.
fn first_value_accepted_then_proposer_crashes() -> (Config, Vec<Scheduled>) {
    let config = separate(2, 3, 1, fixed_latency(2));
    let schedule = vec![propose(0, 0, 0), at(5, Action::Crash { node: NodeId(0) }), propose(20, 1, 1)];
    (config, schedule)
}

#[test]
fn a_later_proposer_adopts_the_value_accepted_by_a_majority() {
    // Paxos Made Simple, 2.2, P2c: n1's promises carry (1.0, A), so n1 must propose A, not B.
    let (config, schedule) = first_value_accepted_then_proposer_crashes();
    let (world, trace) = run(&config, 1, &schedule, 10_000);
    assert_safe(&world);
    assert!(sent(&trace, MsgKind::Decided) > 0);
    let first_decided = trace.iter().find(|e| matches!(&e.kind, EventKind::Send { msg: Msg::Decided { .. }, .. }));
    assert!(first_decided.unwrap().time >= 20, "n0 never announced A: its Decided was never sent");
    assert_eq!(chosen(&trace)[0], (6, b(1, 0), Value(0)), "A is chosen at 1.0 before n1 starts");
    let promises_to_n1: Vec<Option<Proposal>> = trace
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Deliver { to: NodeId(1), msg: Msg::Promise { accepted, .. }, .. } => Some(accepted),
            _ => None,
        })
        .collect();
    assert!(!promises_to_n1.is_empty());
    assert!(promises_to_n1.iter().all(|a| *a == Some(Proposal { ballot: b(1, 0), value: Value(0) })));
    let n1 = notes(&trace, 1);
    assert!(n1.iter().any(|(_, n)| *n == Note::Phase2 { ballot: b(1, 1), value: Value(0), adopted: true }), "{n1:?}");
    assert!(!trace.iter().any(|e| matches!(&e.kind, EventKind::Send { msg: Msg::Accept { value: Value(1), .. }, .. })));
    assert_eq!(world.chosen(), Some(Value(0)));
    assert_eq!(learned_by(&world), vec![Some(Value(0))]);
}

#[test]
fn the_same_race_breaks_agreement_when_proposers_ignore_accepted_values() {
    // The negative control of the scenario above: skipping P2c lets n1 overwrite a chosen value.
    let (mut config, schedule) = first_value_accepted_then_proposer_crashes();
    config.broken.ignore_accepted_values = true;
    let (world, _) = run(&config, 1, &schedule, 10_000);
    let broken: Vec<Invariant> = world.system.violations.iter().map(|v| v.invariant).collect();
    assert!(broken.contains(&Invariant::ChosenStable), "{broken:?}");
    assert!(broken.contains(&Invariant::Agreement), "{broken:?}");
}

#[test]
fn a_proposer_crashing_between_prepare_and_accept_leaves_the_value_safe() {
    // n0 prepares 1.0 and crashes at 3 (promises land at 4); n1 completes with B. n0 recovers,
    // its client asks again for A: its durable round makes it use 2.0, and it must adopt B.
    let config = separate(2, 3, 1, fixed_latency(2));
    let schedule = vec![
        propose(0, 0, 0),
        at(3, Action::Crash { node: NodeId(0) }),
        propose(10, 1, 1),
        at(40, Action::Recover { node: NodeId(0) }),
        propose(45, 0, 0),
    ];
    let (world, trace) = run(&config, 1, &schedule, 10_000);
    assert_safe(&world);
    assert!(!trace.iter().any(|e| matches!(&e.kind, EventKind::Send { msg: Msg::Accept { value: Value(0), .. }, .. })));
    // Chosen at 1.1 by n1, and chosen again (the same B) at 2.0 by n0 after its recovery.
    let chosen: Vec<(Ballot, Value)> = chosen(&trace).iter().map(|c| (c.1, c.2)).collect();
    assert_eq!(chosen, vec![(b(1, 1), Value(1)), (b(2, 0), Value(1))], "B, and only B");
    let n0 = notes(&trace, 0);
    assert_eq!(n0[0], (0, Note::Phase1 { ballot: b(1, 0) }));
    assert_eq!(n0[1], (45, Note::Phase1 { ballot: b(2, 0) }), "never reuses 1.0 after the crash");
    assert!(n0.contains(&(49, Note::Phase2 { ballot: b(2, 0), value: Value(1), adopted: true })), "{n0:?}");
    assert_eq!(world.slot(NodeId(0)).node.proposer.as_ref().unwrap().phase, Phase::Done { value: Value(1) });
    assert_eq!(learned_by(&world), vec![Some(Value(1))]);
}

#[test]
fn a_minority_of_acceptors_crashed_still_decides() {
    // Paxos Made Simple, 2.1: progress needs only a majority of acceptors. 2 of 5 are down.
    let config = separate(2, 5, 2, NetParams::default());
    let schedule = vec![
        at(0, Action::Crash { node: NodeId(2) }),
        at(0, Action::Crash { node: NodeId(3) }),
        propose(1, 0, 0),
        propose(4, 1, 1),
    ];
    for seed in 0..20 {
        let (world, trace) = run(&config, seed, &schedule, 10_000);
        assert_safe(&world);
        assert!(world.chosen().is_some(), "seed {seed}");
        assert!(world.all_learned(), "seed {seed}");
        let down = |e: &Event| matches!(e.kind, EventKind::Drop { reason: DropReason::NodeDown, .. });
        assert!(trace.iter().any(down), "messages to the crashed acceptors are lost");
        for crashed in [2, 3] {
            assert_eq!(world.slot(NodeId(crashed)).storage.acceptor.accepted, None);
        }
    }
}

/// One proposer and three acceptors, two of which are down from tick 0 to 5,000.
fn majority_down(timeout_growth: bool) -> (World, Vec<Event>) {
    let mut config = separate(1, 3, 1, NetParams::default());
    config.timing.timeout_growth = timeout_growth;
    let schedule = vec![
        at(0, Action::Crash { node: NodeId(1) }),
        at(0, Action::Crash { node: NodeId(2) }),
        propose(1, 0, 0),
        at(5_000, Action::Recover { node: NodeId(1) }),
        at(5_000, Action::Recover { node: NodeId(2) }),
    ];
    run(&config, 3, &schedule, 40_000)
}

fn learned_at(trace: &[Event]) -> Tick {
    trace.iter().find(|e| matches!(e.kind, EventKind::Learned { .. })).unwrap().time
}

#[test]
fn a_majority_of_acceptors_crashed_blocks_until_they_recover() {
    // With 2 of 3 acceptors down no quorum answers: safety holds by doing nothing, for 5,000
    // ticks, while the proposer keeps trying higher ballots; after recovery it decides. With
    // fixed timeouts (format 1) it tries every 20..=40 ticks and decides right after recovery.
    let (world, trace) = majority_down(false);
    assert_safe(&world);
    let chosen_at = chosen(&trace)[0].0;
    assert!(chosen_at > 5_000, "chosen at {chosen_at}, during the outage");
    let learned_at = learned_at(&trace);
    assert!((5_000..5_500).contains(&learned_at), "learned at {learned_at}");
    let ballots = phase1_count(&trace, 5_000);
    assert!(ballots >= 100, "only {ballots} ballots tried during the outage (timeouts of 20..=40 ticks)");
    assert_eq!(world.chosen(), Some(Value(0)));
    assert!(world.all_learned());
}

#[test]
fn with_growing_timeouts_a_blocked_proposer_tries_seldom_and_decides_after_recovery() {
    // Each timeout doubles the next (20..=40, 40..=80, ...): about log2(5,000 / 20) ballots
    // during the outage instead of hundreds, at the price of a late retry after it. The timer
    // running at recovery started at s >= 20 * (2^k - 1) and lasts at most 40 * 2^k, so it
    // fires before about 3 * 5,000 ticks; a backoff of at most 160 ticks and a round follow.
    let (world, trace) = majority_down(true);
    assert_safe(&world);
    assert!(chosen(&trace)[0].0 > 5_000);
    let ballots = phase1_count(&trace, 5_000);
    assert!((6..=9).contains(&ballots), "{ballots} ballots tried during the outage");
    let learned_at = learned_at(&trace);
    assert!((5_000..15_500).contains(&learned_at), "learned at {learned_at}");
    assert!(world.all_learned());
}

#[test]
fn loss_duplication_and_reordering_stay_safe_and_decide_once_faults_stop() {
    // 30% loss, 20% duplication, latency 1..=30 (heavy reordering) until tick 1,000; then a calm
    // network and the clients retry. Every seed must be safe and decide soon after.
    let faulty = NetParams { latency_ticks_min: 1, latency_ticks_max: 30, loss: 0.3, duplicate: 0.2 };
    let calm = NetParams { latency_ticks_min: 1, latency_ticks_max: 10, loss: 0.0, duplicate: 0.0 };
    let config = Config { topology: Topology::Servers { count: 5 }, network: faulty, ..Config::default() };
    let mut schedule = vec![propose(0, 0, 0), propose(3, 1, 1), propose(6, 2, 2)];
    schedule.push(at(1_000, Action::SetNetwork { params: calm }));
    schedule.extend([propose(1_000, 0, 0), propose(1_000, 1, 1), propose(1_000, 2, 2)]);
    let (mut dropped, mut duplicated, mut overtaken) = (0, 0, 0);
    for seed in 0..40 {
        let (world, trace) = run(&config, seed, &schedule, 3_000);
        assert_safe(&world);
        assert!(matches!(world.chosen(), Some(Value(0..=2))), "seed {seed}");
        assert!(world.all_learned(), "seed {seed}: not every learner learned by tick 3,000");
        dropped += world.stats().dropped;
        duplicated += world.stats().duplicated;
        overtaken += overtakings(&trace);
    }
    assert!(dropped > 100 && duplicated > 50 && overtaken > 100, "{dropped} {duplicated} {overtaken}");
}

/// Deliveries that arrived before a message sent earlier on the same link: reorderings.
fn overtakings(trace: &[Event]) -> u64 {
    let mut last: std::collections::BTreeMap<(NodeId, NodeId), MsgId> = Default::default();
    let mut count = 0;
    for e in trace {
        if let EventKind::Deliver { id, from, to, .. } = e.kind {
            let prev = last.entry((from, to)).or_insert(id);
            count += (id < *prev) as u64;
            *prev = (*prev).max(id);
        }
    }
    count
}

/// Three proposers, the textbook silent acceptors (no Nack), latency fixed at 3 ticks and a
/// timeout of exactly 10 ticks. Why this livelocks (Paxos Made Simple, 2.4): each proposer's
/// timeout fires after its Accept was silently ignored, and its new Prepare reaches the acceptors
/// just before the next proposer's Accept, whose phase 1 had preempted it: forever.
fn dueling(backoff: bool, timeout_growth: bool) -> (Config, Vec<Scheduled>) {
    let timing = Timing {
        timeout_ticks_min: 10,
        timeout_ticks_max: if backoff { 30 } else { 10 },
        backoff,
        timeout_growth,
        ..Timing::default()
    };
    let config = Config { nack: false, timing, ..separate(3, 3, 1, fixed_latency(3)) };
    (config, vec![propose(0, 0, 0), propose(5, 1, 1), propose(10, 2, 2)])
}

#[test]
fn dueling_proposers_without_backoff_make_no_progress() {
    let (config, schedule) = dueling(false, false);
    for seed in 0..4 {
        let (world, trace) = run(&config, seed, &schedule, 5_000);
        assert_safe(&world);
        assert_eq!(chosen(&trace), vec![], "seed {seed}: something was chosen");
        assert!(world.now >= 5_000, "still going at tick 5,000");
        let ballots = phase1_count(&trace, 5_000);
        assert!(ballots > 500, "seed {seed}: only {ballots} ballots");
        assert!(!world.all_learned());
    }
}

#[test]
fn dueling_proposers_with_randomized_backoff_decide() {
    for seed in 0..40 {
        // With or without timeout growth, which adds a backoff after each timeout too.
        let (config, schedule) = dueling(true, seed % 2 == 0);
        let (world, trace) = run(&config, seed, &schedule, 5_000);
        assert_safe(&world);
        let (when, _, _) = chosen(&trace)[0];
        assert!(when < 500, "seed {seed}: chosen only at {when}");
        assert!(world.all_learned(), "seed {seed}");
    }
}

#[test]
fn a_history_replays_a_scenario_exactly_as_the_world_ran_it() {
    // The page runs scenarios through History (with snapshots); it must see the same trace.
    let (config, schedule) = first_value_accepted_then_proposer_crashes();
    let (_, trace) = run(&config, 5, &schedule, u64::MAX);
    let mut history = History::new(&config, 5, &schedule);
    while history.forward() {}
    assert_eq!(history.trace, trace);
    assert_eq!(history.trace_hash(), trace_hash(&trace));
}

#[test]
fn a_learner_that_crashed_after_learning_learns_again_when_the_client_retries() {
    // A learner keeps nothing durable. Once every proposer is done nobody sends anything, so a
    // recovered learner only learns again because the client asks again and the done proposer
    // announces the decision once more.
    let config = separate(1, 3, 1, fixed_latency(2));
    let learner = NodeId(4);
    let mut schedule = vec![propose(0, 0, 0), at(50, Action::Crash { node: learner })];
    schedule.push(at(60, Action::Recover { node: learner }));
    let (world, _) = run(&config, 1, &schedule, 10_000);
    assert_eq!(learned_by(&world), vec![None], "recovered with nothing, and nobody told it");
    schedule.push(propose(70, 0, 0));
    let (world, trace) = run(&config, 1, &schedule, 10_000);
    assert_safe(&world);
    assert_eq!(learned_by(&world), vec![Some(Value(0))]);
    let relearned =
        trace.iter().any(|e| e.time > 70 && matches!(e.kind, EventKind::Learned { node, .. } if node == learner));
    assert!(relearned);
}
