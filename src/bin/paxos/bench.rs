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
    /// CPU time this thread got, where the system tells (on a busy machine it is less than
    /// `elapsed`, and `deliveries / cpu` says what an idle machine would do).
    cpu: Option<Duration>,
}

/// The CPU time of the main thread so far (Linux: the first field of /proc/self/schedstat,
/// in nanoseconds); `None` elsewhere.
fn cpu_time() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    (ns > 0).then(|| Duration::from_nanos(ns))
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
    let modes = match parse_modes(&args.modes) {
        Ok(modes) => modes,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    println!(
        "W1: {} proposers, {} acceptors, {} learner, majority quorums, 10% loss, latency 1..=10 ticks, \
         retry timeout 20..=40 ticks, starts at tick 0..={}, Nack on; base seed {}",
        workload::PROPOSERS,
        workload::ACCEPTORS,
        workload::LEARNERS,
        workload::START_TICKS_MAX,
        args.seed
    );
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

/// W1 with recording off, for `paxos bench --workload w2`: its deliveries per second and per
/// cpu-second (`None` where the system does not tell), after printing its line.
pub fn w1_off(args: &BenchArgs) -> (f64, Option<f64>) {
    let m = measure(args, Recording::Off);
    let rate = m.per_sec(m.totals.delivered);
    print_mode("off", &m, rate, rate);
    let per_cpu = m.cpu.filter(|c| *c > Duration::ZERO).map(|c| m.totals.delivered as f64 / c.as_secs_f64());
    (rate, per_cpu)
}

/// The CPU time of the main thread so far, for `paxos bench --workload w2`.
pub fn cpu_now() -> Option<Duration> {
    cpu_time()
}

pub(crate) fn parse_modes(text: &str) -> Result<Vec<(&'static str, Recording)>, String> {
    let all = [("off", Recording::Off), ("on", Recording::On), ("on+hash", Recording::Hashed)];
    let mut modes = Vec::new();
    for m in text.split(',').map(str::trim) {
        match m {
            "off" => modes.push(all[0]),
            "on" => modes.push(all[1]),
            "hash" => modes.push(all[2]),
            "all" => modes.extend(all),
            other => return Err(format!("unknown mode {other:?}: use off, on, hash or all")),
        }
    }
    Ok(modes)
}

fn measure(args: &BenchArgs, mode: Recording) -> Measured {
    let mut runner = Runner::new();
    // Warm up (caches, branch predictors, the trace buffer's capacity).
    runner.run(args.seed.wrapping_add(1), 0, 200, mode);
    let mut totals = Totals::default();
    let cpu_start = cpu_time();
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
    let elapsed = start.elapsed();
    let cpu = cpu_time().zip(cpu_start).map(|(end, start)| end.saturating_sub(start));
    Measured { totals, elapsed, cpu }
}

fn print_mode(name: &str, m: &Measured, rate: f64, off_rate: f64) {
    let t = &m.totals;
    let events = if t.events > 0 { format!(", {:.2} M events/s", m.per_sec(t.events) / 1e6) } else { String::new() };
    let ratio = if name == "off" || off_rate == 0.0 {
        String::new()
    } else {
        format!(", {:.2}x slower than off", off_rate / rate)
    };
    let cpu = match m.cpu {
        Some(cpu) if cpu > Duration::ZERO => format!(
            "; cpu {:.2} s, {:.2} M deliveries per cpu-second",
            cpu.as_secs_f64(),
            t.delivered as f64 / cpu.as_secs_f64() / 1e6
        ),
        _ => String::new(),
    };
    println!(
        "recording {name:<7}: {:>6.2} M deliveries/s, {:>9.0} instances/s, {:.2} M steps/s{events}{ratio} \
         ({} instances, {} deliveries in {:.2} s{cpu}; unlearned {}, violations {})",
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
const HEAL_TICK: u64 = 4_000;
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
    let chosen = history.world().chosen().map_or("nothing".to_string(), |v| format!("\"{v}\""));
    println!(
        "seek: a run of {steps} steps ({} events, chose {chosen}) recorded in {:.1} ms",
        history.trace.len(),
        recorded.as_secs_f64() * 1e3
    );
    let mut rng = SimRng::new(seed);
    let targets: Vec<u64> = (0..SEEK_TARGETS).map(|_| rng.next_u64() % (steps + 1)).collect();
    // A walk: each seek starts where the last one left the cursor (what scrubbing does).
    let walk = sorted(targets.iter().map(|&t| timed_seek(&mut history, t)).collect());
    // From the frontier, best of three per target: the cost of the seek itself, without a
    // busy machine's preemptions.
    let cold = sorted(
        targets
            .iter()
            .map(|&t| {
                (0..3)
                    .map(|_| {
                        history.seek(steps);
                        timed_seek(&mut history, t)
                    })
                    .min()
                    .unwrap_or_default()
            })
            .collect(),
    );
    for (name, times) in [("walk", &walk), ("from the frontier, best of 3", &cold)] {
        println!(
            "seek ({name}): {SEEK_TARGETS} random targets: median {:.1} us, p99 {:.1} us, worst {:.1} us (budget 16 ms)",
            us(times[times.len() / 2]),
            us(times[times.len() * 99 / 100]),
            us(times[times.len() - 1])
        );
    }
    0
}

fn timed_seek(history: &mut History, target: u64) -> Duration {
    let t = Instant::now();
    history.seek(target);
    let took = t.elapsed();
    assert_eq!(history.cursor(), target, "seek landed elsewhere");
    took
}

fn sorted(mut times: Vec<Duration>) -> Vec<Duration> {
    times.sort();
    times
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
