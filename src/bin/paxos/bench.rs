//! `paxos bench`: throughput of workload W1 with trace recording off and on, and the cost of
//! time travel (seeking in a recorded run of 10,000+ steps). Figures are printed, never
//! asserted: a benchmark on a shared machine reports, people judge.

use paxos_playground::protocol::{NodeId, Value};
use paxos_playground::sim::{Action, At, Config, History, NetParams, Scheduled, SimRng, Topology};
use paxos_playground::workload::{self, Recording, Runner, Totals};
use std::time::{Duration, Instant};

/// Instances per timed batch: large enough that reading the clock costs nothing, small enough
/// to stop close to the time asked for.
const BATCH: u64 = 2_000;

pub struct BenchArgs {
    pub instances: Option<u64>,
    pub secs: f64,
    pub seed: u64,
    pub seek: bool,
    /// Comma-separated: off, on, hash.
    pub modes: String,
}

/// One mode's measurement.
struct Measured {
    totals: Totals,
    elapsed: Duration,
}

impl Measured {
    fn per_sec(&self, n: u64) -> f64 {
        n as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

pub fn bench(args: &BenchArgs) -> i32 {
    if args.seek {
        return seek_bench(args.seed);
    }
    println!(
        "W1: {} proposers, {} acceptors, {} learner, majority quorums, 10% loss, latency 1..=10 ticks, \
         retry timeout 20..=40 ticks, starts at tick 0..={}, Nack on; base seed {}",
        workload::PROPOSERS,
        workload::ACCEPTORS,
        workload::LEARNERS,
        workload::START_TICKS_MAX,
        args.seed
    );
    let modes = match parse_modes(&args.modes) {
        Ok(modes) => modes,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let mut off_rate = 0.0;
    for (name, mode) in modes {
        let m = measure(args, mode);
        let rate = m.per_sec(m.totals.delivered);
        if mode == Recording::Off {
            off_rate = rate;
        }
        print_mode(name, &m, rate, off_rate);
    }
    0
}

fn parse_modes(text: &str) -> Result<Vec<(&'static str, Recording)>, String> {
    text.split(',')
        .map(|m| match m.trim() {
            "off" => Ok(("off", Recording::Off)),
            "on" => Ok(("on", Recording::On)),
            "hash" => Ok(("on+hash", Recording::Hashed)),
            "all" => Err("use off,on,hash".to_string()),
            other => Err(format!("unknown mode {other:?}: use off, on or hash")),
        })
        .collect()
}

fn measure(args: &BenchArgs, mode: Recording) -> Measured {
    let mut runner = Runner::new();
    // Warm up (caches, branch predictors, the trace buffer's capacity).
    runner.run(args.seed.wrapping_add(1), 0, 200, mode);
    let mut totals = Totals::default();
    let start = Instant::now();
    match args.instances {
        Some(n) => totals.add(&runner.run(args.seed, 0, n, mode)),
        None => {
            let budget = Duration::from_secs_f64(args.secs);
            while start.elapsed() < budget {
                totals.add(&runner.run(args.seed, totals.instances, BATCH, mode));
            }
        }
    }
    Measured { totals, elapsed: start.elapsed() }
}

fn print_mode(name: &str, m: &Measured, rate: f64, off_rate: f64) {
    let t = &m.totals;
    let events = if t.events > 0 { format!(", {:.2} M events/s", m.per_sec(t.events) / 1e6) } else { String::new() };
    let ratio = if name == "off" { String::new() } else { format!(", {:.2}x slower than off", off_rate / rate) };
    println!(
        "recording {name:<7}: {:>6.2} M deliveries/s, {:>9.0} instances/s, {:.2} M steps/s{events}{ratio} \
         ({} instances, {} deliveries in {:.2} s; unlearned {}, violations {})",
        rate / 1e6,
        m.per_sec(t.instances),
        m.per_sec(t.steps) / 1e6,
        t.instances,
        t.delivered,
        m.elapsed.as_secs_f64(),
        t.unlearned,
        t.violations
    );
}

/// A long run for the seek benchmark: 9 servers split into three groups of three (no majority
/// anywhere) until tick `HEAL_TICK`, with loss and duplication, so the proposers keep trying
/// and the history grows past 10,000 steps before the value is chosen.
const HEAL_TICK: u64 = 3_000;
const SEEK_TARGETS: usize = 2_000;

fn long_run(seed: u64) -> History {
    let config = Config {
        topology: Topology::Servers { count: 9 },
        network: NetParams { latency_ticks_min: 1, latency_ticks_max: 10, loss: 0.2, duplicate: 0.1 },
        ..Config::default()
    };
    let n = NodeId;
    let groups = vec![vec![n(0), n(1), n(2)], vec![n(3), n(4), n(5)]];
    let mut schedule = vec![Scheduled { at: At::Tick(0), action: Action::Partition { groups } }];
    schedule.extend(
        (0..9).map(|p| Scheduled {
            at: At::Tick(p as u64),
            action: Action::Propose { node: n(p), value: Value(p as u32) },
        }),
    );
    schedule.push(Scheduled { at: At::Tick(HEAL_TICK), action: Action::Heal });
    let mut history = History::new(&config, seed, &schedule);
    while history.forward() {}
    history
}

fn seek_bench(seed: u64) -> i32 {
    let start = Instant::now();
    let mut history = long_run(seed);
    let recorded = start.elapsed();
    let steps = history.frontier();
    println!(
        "seek: a run of {steps} steps ({} events, chosen {:?}) recorded in {:.1} ms",
        history.trace.len(),
        history.world().chosen().map(|v| v.to_string()),
        recorded.as_secs_f64() * 1e3
    );
    let mut rng = SimRng::new(seed);
    let mut times: Vec<Duration> = (0..SEEK_TARGETS)
        .map(|_| {
            let target = rng.next_u64() % (steps + 1);
            let t = Instant::now();
            history.seek(target);
            let took = t.elapsed();
            assert_eq!(history.cursor(), target, "seek landed elsewhere");
            took
        })
        .collect();
    times.sort();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "seek: {SEEK_TARGETS} random targets: median {:.1} us, p99 {:.1} us, worst {:.1} us (budget 16 ms)",
        us(times[times.len() / 2]),
        us(times[times.len() * 99 / 100]),
        us(times[times.len() - 1])
    );
    0
}
