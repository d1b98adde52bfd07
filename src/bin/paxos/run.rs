//! `paxos run`: one run, told as a readable summary of its trace, and its outcome.
//!
//! Without `--scenario` a run is seed `N` of the sweep (`random_scenario(N, faults)`), run with
//! the sweep's limits, so `paxos run --seed N` shows exactly what `paxos sweep` saw for that
//! seed. With `--scenario FILE` it runs a scenario file (the page's "download" format).

use paxos_playground::protocol::{MsgKind, Note, Value};
use paxos_playground::scenario::Scenario;
use paxos_playground::sim::{
    trace_hash, Config, DropReason, Event, EventKind, Schedule, Stats, Tick, Violation, World,
};
use paxos_playground::sweep::{self, FaultMix};
use serde_json::json;
use std::collections::BTreeMap;

/// What one run did, as `paxos run` and `paxos sweep --seed` print it.
pub struct Story {
    pub title: String,
    pub config: Config,
    pub seed: u64,
    pub trace: Vec<Event>,
    pub stats: Stats,
    pub steps: u64,
    pub time: Tick,
    pub chosen: Option<Value>,
    pub learned_all: bool,
    pub violations: Vec<Violation>,
    /// For a sweep seed that is not live: why (a failure, like a violation).
    pub not_live: Option<String>,
    /// Why the run stopped, when not because nothing was left to do.
    pub cut_short: Option<String>,
    pub repro: String,
}

/// Seed `seed` of a sweep over `mix`, exactly as the sweep runs it.
pub fn sweep_seed(seed: u64, mix: &FaultMix) -> Story {
    let scenario = sweep::random_scenario(seed, mix);
    let (outcome, trace) = sweep::check_seed_traced(seed, mix);
    let cut_short = (outcome.steps >= sweep::MAX_STEPS)
        .then(|| format!("stopped at the sweep's limit of {} steps", sweep::MAX_STEPS))
        .or_else(|| {
            let settle = outcome.faults_end + sweep::SETTLE_TICKS;
            (outcome.time > settle).then(|| format!("stopped {} ticks after the faults ended", sweep::SETTLE_TICKS))
        });
    let stats = stats_of(&trace);
    Story {
        title: scenario.title.clone(),
        config: scenario.config,
        seed,
        stats,
        steps: outcome.steps,
        time: outcome.time,
        chosen: outcome.chosen,
        learned_all: outcome.learned_all,
        not_live: sweep::liveness_failure(&outcome),
        violations: outcome.violations,
        cut_short,
        repro: sweep::repro_command(seed, mix),
        trace,
    }
}

/// A scenario file, run until nothing is left to do or `max_steps` steps.
pub fn scenario_file(scenario: &Scenario, path: &str, max_steps: u64) -> Story {
    let mut world = World::new(&scenario.config, scenario.seed);
    let schedule = Schedule::new(&scenario.schedule);
    let mut trace = Vec::new();
    world.run(&schedule, &mut trace, max_steps, Tick::MAX);
    let cut_short = world.has_work(&schedule).then(|| format!("stopped at --max-steps {max_steps}"));
    Story {
        title: if scenario.title.is_empty() { path.to_string() } else { scenario.title.clone() },
        config: scenario.config.clone(),
        seed: scenario.seed,
        stats: *world.stats(),
        steps: world.steps,
        time: world.now,
        chosen: world.chosen(),
        learned_all: world.all_learned(),
        violations: world.system.violations.clone(),
        not_live: None,
        cut_short,
        repro: format!("paxos run --scenario {path} --seed {} --max-steps {max_steps}", scenario.seed),
        trace,
    }
}

/// The world's counters, recounted from a trace (the sweep returns the trace, not the world).
fn stats_of(trace: &[Event]) -> Stats {
    let mut s = Stats::default();
    for e in trace {
        match e.kind {
            EventKind::Send { .. } => s.sent += 1,
            EventKind::Deliver { .. } => s.delivered += 1,
            EventKind::Drop { .. } => s.dropped += 1,
            EventKind::Duplicate { .. } => s.duplicated += 1,
            EventKind::Timeout { .. } => s.timeouts += 1,
            _ => {}
        }
    }
    s
}

/// Counts over the trace, per phase.
#[derive(Default)]
struct Tally {
    ballots: u64,
    phase2: u64,
    adopted: u64,
    abandoned: u64,
    promises: u64,
    accepts: u64,
    sent: BTreeMap<MsgKind, u64>,
    drops: BTreeMap<&'static str, u64>,
    crashes: u64,
    recovers: u64,
    actions: u64,
    chosen: Option<(u64, Tick, String)>,
    learned: Vec<String>,
}

fn tally(trace: &[Event]) -> Tally {
    let mut t = Tally::default();
    for e in trace {
        match &e.kind {
            EventKind::Proposer { note: Note::Phase1 { .. }, .. } => t.ballots += 1,
            EventKind::Proposer { note: Note::Phase2 { adopted, .. }, .. } => {
                t.phase2 += 1;
                t.adopted += u64::from(*adopted);
            }
            EventKind::Proposer { note: Note::Abandon { .. }, .. } => t.abandoned += 1,
            EventKind::Promised { .. } => t.promises += 1,
            EventKind::Accepted { .. } => t.accepts += 1,
            EventKind::Send { msg, .. } => *t.sent.entry(msg.kind()).or_default() += 1,
            EventKind::Drop { reason, .. } => *t.drops.entry(drop_name(*reason)).or_default() += 1,
            EventKind::Crash { .. } => t.crashes += 1,
            EventKind::Recover { .. } => t.recovers += 1,
            EventKind::Action { .. } => t.actions += 1,
            EventKind::Chosen { ballot, value } if t.chosen.is_none() => {
                t.chosen = Some((e.step, e.time, format!("\"{value}\" at ballot {ballot}")));
            }
            EventKind::Learned { node, value } => t.learned.push(format!("{node} \"{value}\" (t={})", e.time)),
            _ => {}
        }
    }
    t
}

fn drop_name(reason: DropReason) -> &'static str {
    match reason {
        DropReason::Lost => "lost",
        DropReason::Partitioned => "partitioned",
        DropReason::NodeDown => "node down",
        DropReason::ByHand => "by hand",
    }
}

/// The configuration in one line.
pub fn config_line(c: &Config) -> String {
    let topology = c.topology.describe();
    let q = c.effective_quorums();
    let n = c.network;
    let t = c.timing;
    format!(
        "{topology}; quorums {}/{}{}; latency {} to {} ticks, loss {:.0}%, dup {:.0}%; timeout {} to {} ticks, \
         backoff {}; nack {}",
        q.phase1,
        q.phase2,
        if c.is_safe() { "" } else { " (UNSAFE)" },
        n.latency_ticks_min,
        n.latency_ticks_max,
        n.loss * 100.0,
        n.duplicate * 100.0,
        t.timeout_ticks_min,
        t.timeout_ticks_max,
        if t.backoff { "on" } else { "off" },
        if c.nack { "on" } else { "off" }
    )
}

/// Prints the story; returns the exit code (1 when an invariant was violated).
pub fn print(story: &Story, as_json: bool) -> i32 {
    if as_json {
        println!("{}", to_json(story));
    } else {
        print_text(story);
    }
    i32::from(!story.violations.is_empty() || story.not_live.is_some())
}

fn print_text(s: &Story) {
    let t = tally(&s.trace);
    println!("{} (seed {})", s.title, s.seed);
    println!("config: {}", config_line(&s.config));
    for w in s.config.warnings() {
        println!("  {w}");
    }
    println!("actions: {} scheduled actions ran; {} crashes, {} recoveries", t.actions, t.crashes, t.recovers);
    println!(
        "phase 1: {} ballots started, {} promises persisted, {} ballots abandoned (timeout or Nack)",
        t.ballots, t.promises, t.abandoned
    );
    println!("phase 2: {} Accept rounds ({} with an adopted value), {} acceptances", t.phase2, t.adopted, t.accepts);
    let sent: Vec<String> =
        MsgKind::ALL.iter().map(|k| format!("{} {}", k.name(), t.sent.get(k).unwrap_or(&0))).collect();
    println!("messages sent: {}", sent.join(", "));
    let drops: Vec<String> = t.drops.iter().map(|(r, n)| format!("{r} {n}")).collect();
    println!("drops: {}", if drops.is_empty() { "none".to_string() } else { drops.join(", ") });
    match &t.chosen {
        Some((step, time, what)) => println!("chosen: {what} at step {step}, t={time}"),
        None => println!("chosen: nothing"),
    }
    println!("learned: {}", if t.learned.is_empty() { "nobody".to_string() } else { t.learned.join(", ") });
    let st = &s.stats;
    println!(
        "stats: {} steps, t={}, sent {}, delivered {}, dropped {}, duplicated {}, timeouts {}",
        s.steps, s.time, st.sent, st.delivered, st.dropped, st.duplicated, st.timeouts
    );
    for v in &s.violations {
        println!("VIOLATION {}: {}", v.invariant.name(), v.detail);
    }
    if let Some(why) = &s.not_live {
        println!("NOT LIVE: {why}");
    }
    println!("trace: {} events, hash {:016x}", s.trace.len(), trace_hash(&s.trace));
    println!("outcome: {}", outcome_line(s));
    if !s.violations.is_empty() || s.not_live.is_some() {
        println!("reproduce: {}", s.repro);
    }
}

fn outcome_line(s: &Story) -> String {
    let decided = match s.chosen {
        Some(v) => format!("chose \"{v}\""),
        None => "chose nothing".to_string(),
    };
    let learned = if s.learned_all { "every learner learned" } else { "not every learner learned" };
    let safety =
        if s.violations.is_empty() { "safe".to_string() } else { format!("UNSAFE: {} violations", s.violations.len()) };
    let cut = s.cut_short.as_ref().map(|c| format!(" ({c})")).unwrap_or_default();
    format!("{decided}; {learned}; {safety}{cut}")
}

fn to_json(s: &Story) -> String {
    let t = tally(&s.trace);
    let sent: BTreeMap<&str, u64> = MsgKind::ALL.iter().map(|k| (k.name(), *t.sent.get(k).unwrap_or(&0))).collect();
    let violations: Vec<_> =
        s.violations.iter().map(|v| json!({"invariant": v.invariant.name(), "detail": v.detail})).collect();
    let value = json!({
        "title": s.title,
        "seed": s.seed,
        "config": config_line(&s.config),
        "steps": s.steps,
        "time": s.time,
        "ballots": t.ballots,
        "promises": t.promises,
        "accepts": t.accepts,
        "sent": sent,
        "drops": t.drops,
        "crashes": t.crashes,
        "chosen": s.chosen.map(|v| v.to_string()),
        "chosen_at": t.chosen.as_ref().map(|(step, time, _)| json!({"step": step, "time": time})),
        "learned_all": s.learned_all,
        "stats": {"sent": s.stats.sent, "delivered": s.stats.delivered, "dropped": s.stats.dropped,
                  "duplicated": s.stats.duplicated, "timeouts": s.stats.timeouts},
        "violations": violations,
        "events": s.trace.len(),
        "trace_hash": format!("{:016x}", trace_hash(&s.trace)),
        "safe": s.violations.is_empty(),
        "live": s.not_live.is_none(),
        "cut_short": s.cut_short,
        "reproduce": s.repro,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default()
}
