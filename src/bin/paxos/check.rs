//! `paxos check`: every interleaving of a small configuration, with progress lines, the verdict
//! per property, and for a violation or a witness the steps, a share link and the command that
//! reproduces it.

use clap::Args;
use paxos_playground::check::{
    replay, report, Bounds, Ending, Goal, Model, Options, Report, Search, Strategy, Trail, Verdict,
};
use paxos_playground::protocol::Quorums;
use paxos_playground::scenario::link;
use paxos_playground::sim::{Config, Topology};
use std::time::{Duration, Instant};

#[derive(Args, Debug, Clone)]
pub struct CheckArgs {
    /// Proposers, acceptors and learners as separate nodes (ignored with --servers).
    #[arg(long, default_value_t = 2)]
    pub proposers: u8,
    #[arg(long, default_value_t = 3)]
    pub acceptors: u8,
    #[arg(long, default_value_t = 1)]
    pub learners: u8,
    /// Every node plays every role (N servers) instead.
    #[arg(long)]
    pub servers: Option<u8>,
    /// Phase-1 and phase-2 quorum sizes (default: majorities).
    #[arg(long)]
    pub q1: Option<u8>,
    #[arg(long)]
    pub q2: Option<u8>,
    /// Acceptors stay silent instead of answering a stale ballot with a Nack.
    #[arg(long)]
    pub no_nack: bool,
    /// Retry after a Nack at once instead of after a randomized backoff.
    #[arg(long)]
    pub no_backoff: bool,
    /// correct, ignore-accepted-values or forgetful-acceptors.
    #[arg(long, default_value = "correct")]
    pub variant: String,
    /// Highest ballot round a proposer may use.
    #[arg(long, default_value_t = 2)]
    pub rounds: u32,
    /// Messages the network may lose, in all.
    #[arg(long, default_value_t = 0)]
    pub drops: u8,
    /// Extra copies the network may deliver, in all.
    #[arg(long, alias = "dups", default_value_t = 0)]
    pub duplicates: u8,
    /// Crashes, in all.
    #[arg(long, default_value_t = 0)]
    pub crashes: u8,
    /// Crashed nodes stay down.
    #[arg(long)]
    pub no_recover: bool,
    /// Deepest run explored, in steps.
    #[arg(long)]
    pub depth: Option<u32>,
    /// bfs (shortest counterexample) or dfs.
    #[arg(long, default_value = "bfs")]
    pub strategy: String,
    /// Treat interchangeable acceptors and learners as one (symmetry reduction); Multi-Paxos:
    /// replica 2's election is replica 1's mirrored, so its timer never fires (warm start,
    /// at most one election firing, no client retry beside it).
    #[arg(long)]
    pub symmetry: bool,
    /// Threads (single-decree: breadth-first or depth-first; Multi-Paxos searches with one).
    #[arg(long, default_value_t = 1)]
    pub jobs: usize,
    /// Stop, incomplete, after this many states.
    #[arg(long, default_value_t = paxos_playground::check::search::DEFAULT_MAX_STATES)]
    pub max_states: u64,
    /// Stop, incomplete, when the search's memory reaches this many MiB.
    #[arg(long, default_value_t = 4096)]
    pub max_mib: u64,
    /// Find a run where ...: two-values-accepted, chosen-after-crash, accepted-not-chosen, adopted.
    #[arg(long)]
    pub goal: Option<String>,
    /// No progress lines.
    #[arg(long)]
    pub quiet: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Write the counterexample (or the goal's witness) as a scenario JSON file the page opens.
    #[arg(long)]
    pub save: Option<String>,
    /// single (single-decree Paxos) or multi (Multi-Paxos: 3 replicas; its variants: correct,
    /// keep-only-chosen, no-at-most-once).
    #[arg(long, default_value = "single")]
    pub protocol: String,
    /// Multi-Paxos: clients (1 or 2).
    #[arg(long, default_value_t = 1)]
    pub clients: u8,
    /// Multi-Paxos: operations per client (1 to 3: write x, read x, cas x).
    #[arg(long, default_value_t = 1)]
    pub ops: u8,
    /// Multi-Paxos: highest ballot round a replica may promise or campaign at.
    #[arg(long, default_value_t = 1)]
    pub max_round: u32,
    /// Multi-Paxos: timer firings in all (elections, heartbeats, and client retries unless
    /// --retries bounds those apart).
    #[arg(long, default_value_t = 1)]
    pub timeouts: u8,
    /// Multi-Paxos: client retries (timer firings of clients), counted apart from --timeouts.
    #[arg(long)]
    pub retries: Option<u8>,
    /// Multi-Paxos: leaders' heartbeats (their timer firings), counted apart from --timeouts
    /// (then --timeouts counts elections, and client retries unless --retries is given).
    #[arg(long)]
    pub heartbeats: Option<u8>,
    /// Multi-Paxos: leader leases for reads, with a clock (client 0 writes x then reads it,
    /// client 1 reads x); implied by --variant lease-without-wait.
    #[arg(long)]
    pub leases: bool,
    /// Multi-Paxos: forget messages in flight that can never change anything (a reduction;
    /// the verdict is the same, with fewer states).
    #[arg(long)]
    pub forget_dead: bool,
    /// Multi-Paxos with leases: clock ticks a run may pass.
    #[arg(long, default_value_t = 0)]
    pub ticks: u8,
    /// Multi-Paxos: explore from cold instead of from once replica 0 leads.
    #[arg(long)]
    pub cold: bool,
}

impl CheckArgs {
    pub fn model(&self) -> Result<(Model, Options), String> {
        let mut config = Config {
            topology: match self.servers {
                Some(count) => Topology::Servers { count },
                None => {
                    Topology::Separate { proposers: self.proposers, acceptors: self.acceptors, learners: self.learners }
                }
            },
            nack: !self.no_nack,
            ..Config::default()
        };
        config.timing.backoff = !self.no_backoff;
        if self.q1.is_some() || self.q2.is_some() {
            let m = Quorums::majority(config.acceptor_count());
            config.quorums = Some(Quorums { phase1: self.q1.unwrap_or(m.phase1), phase2: self.q2.unwrap_or(m.phase2) });
        }
        match self.variant.as_str() {
            "correct" => {}
            "ignore-accepted-values" | "ignore-accepted" => config.broken.ignore_accepted_values = true,
            "forgetful-acceptors" | "forgetful" => config.broken.forgetful_acceptors = true,
            other => {
                return Err(format!("unknown variant {other:?}: correct, ignore-accepted-values, forgetful-acceptors"))
            }
        }
        let bounds = Bounds {
            rounds: self.rounds,
            drops: self.drops,
            duplicates: self.duplicates,
            crashes: self.crashes,
            recover: !self.no_recover,
            depth: self.depth,
            ..Bounds::default()
        };
        let model = Model::new(config, bounds).map_err(|e| e.0)?;
        let strategy = match self.strategy.as_str() {
            "bfs" => Strategy::Bfs,
            "dfs" => Strategy::Dfs,
            other => return Err(format!("unknown strategy {other:?}: bfs or dfs")),
        };
        let goal = match &self.goal {
            None => None,
            Some(g) => Some(Goal::parse(g).ok_or_else(|| {
                let names: Vec<_> = Goal::ALL.iter().map(|g| g.name()).collect();
                format!("unknown goal {g:?}: {}", names.join(", "))
            })?),
        };
        let options = Options {
            strategy,
            symmetry: self.symmetry,
            jobs: self.jobs.max(1),
            max_states: self.max_states,
            max_bytes: self.max_mib.saturating_mul(1 << 20),
            goal,
        };
        Ok((model, options))
    }
}

pub fn check(args: &CheckArgs, command_line: &str) -> Result<i32, String> {
    let (model, options) = args.model()?;
    if !args.quiet && !args.json {
        println!("check: {}", summary(&model, &options));
    }
    let started = Instant::now();
    let mut search = Search::new(model, options);
    let mut last = Instant::now();
    let quiet = args.quiet || args.json;
    search.run(|s| {
        if !quiet && last.elapsed() >= Duration::from_secs(1) {
            last = Instant::now();
            let c = s.counts;
            eprintln!("{}", progress_line(c.unique, c.depth, c.queue, c.bytes, started.elapsed().as_secs_f64()));
        }
        true
    });
    let secs = started.elapsed().as_secs_f64();
    let report = Report::of(&search);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?);
    } else {
        print_report(&report, secs, &search, command_line, args.save.as_deref());
    }
    Ok(match report.ending {
        Ending::Violation => 1,
        Ending::Complete | Ending::Goal => 0,
        _ => 3,
    })
}

fn summary(model: &Model, options: &Options) -> String {
    let c = &model.config;
    let q = c.effective_quorums();
    let b = &model.bounds;
    format!(
        "{:?}, quorums {}/{}, nack {}, backoff {}, {}{}; rounds <= {}, drops <= {}, duplicates <= {}, crashes <= {}{}{}; {:?}{}, {} job(s)",
        c.topology,
        q.phase1,
        q.phase2,
        if c.nack { "on" } else { "off" },
        if c.timing.backoff { "on" } else { "off" },
        if c.broken.any() { "BROKEN " } else { "" },
        if c.broken.ignore_accepted_values {
            "ignore-accepted-values"
        } else if c.broken.forgetful_acceptors {
            "forgetful-acceptors"
        } else if !c.is_safe() {
            "UNSAFE quorums"
        } else {
            "correct"
        },
        b.rounds,
        b.drops,
        b.duplicates,
        b.crashes,
        if b.recover { ", recover" } else { "" },
        b.depth.map(|d| format!(", depth <= {d}")).unwrap_or_default(),
        options.strategy,
        if options.symmetry { " + symmetry" } else { "" },
        options.jobs,
    )
}

fn print_report(r: &Report, secs: f64, search: &Search, command_line: &str, save: Option<&str>) {
    let c = r.counts;
    println!(
        "{}: {} unique states, {} generated, depth {}, {:.2} s, {:.0} states/s, visited set {:.1} MiB ({:.1} bytes/state), peak estimate {:.1} MiB",
        match r.ending {
            Ending::Complete => "complete".to_string(),
            Ending::Violation => "VIOLATION".to_string(),
            Ending::Goal => "goal reached".to_string(),
            Ending::StateLimit => format!("incomplete (state limit): {} states explored", c.unique),
            Ending::MemoryLimit => format!("incomplete (memory limit): {} states explored", c.unique),
            Ending::Cancelled => format!("incomplete (cancelled): {} states explored", c.unique),
        },
        c.unique,
        c.generated,
        c.depth,
        secs,
        c.unique as f64 / secs.max(1e-9),
        c.visited_bytes as f64 / (1 << 20) as f64,
        c.visited_bytes as f64 / c.unique.max(1) as f64,
        c.bytes as f64 / (1 << 20) as f64,
    );
    for (inv, v) in &r.invariants {
        println!("  {:<22} {}", inv.name(), verdict(*v));
    }
    println!("  {:<22} {}", "a value can be chosen", verdict(r.chosen));
    println!("  {:<22} {} (states where nothing more can happen and nothing is chosen)", "stuck states", c.stuck);
    if let (Some(goal), Some(v)) = (search.options.goal, r.goal) {
        println!("  goal: {:<16} {}", goal.describe(), verdict(v));
    }
    let show = |title: &str, t: &Trail| {
        let replay = replay::to_scenario(&search.model, t, title);
        println!("{title} ({} steps):", t.steps.len());
        for (i, s) in t.steps.iter().enumerate() {
            println!("  {:>3}. {}", i + 1, report::describe(s));
        }
        for v in &t.violations {
            println!("  => {} violated: {}", v.invariant.name(), v.detail);
        }
        match &replay {
            Ok(r) => {
                println!("share link: {}", link::fragment(&r.scenario));
                if let Some(path) = save {
                    match std::fs::write(path, r.scenario.to_json()) {
                        Ok(()) => println!("saved: {path} (replay: paxos run --scenario {path})"),
                        Err(e) => eprintln!("cannot write {path}: {e}"),
                    }
                }
            }
            Err(e) => println!("(not replayable in the simulator: {e})"),
        }
    };
    if let Some(t) = &r.violation {
        show("Counterexample: a shortest run that breaks an invariant", t);
        println!("reproduce: {command_line}");
    }
    if let Some(t) = &r.goal_witness {
        show("Witness: a shortest run to the goal", t);
    }
    if let (Some(t), None) = (&r.stuck_example, &r.violation) {
        show("Stuck: a shortest run after which nothing more can happen within the bounds and nothing is chosen", t);
    }
}

fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Holds => "holds (every state explored)",
        Verdict::Violated => "VIOLATED",
        Verdict::Unknown => "unknown (search incomplete)",
        Verdict::Reached => "reached (witness found)",
        Verdict::Unreachable => "unreachable",
    }
}

/// A search's progress line (stderr, once a second), for both checkers.
pub fn progress_line(unique: u64, depth: u32, queue: u64, bytes: u64, secs: f64) -> String {
    format!(
        "  {:>12} states, depth {:>3}, queue {:>10}, {:>9.0} states/s, {:>7.1} MiB, {:.0} s",
        unique,
        depth,
        queue,
        unique as f64 / secs,
        bytes as f64 / (1 << 20) as f64,
        secs
    )
}
