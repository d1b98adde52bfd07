//! `paxos run|sweep|bench --protocol multi`: Multi-Paxos runs, random-fault sweeps and
//! workload W2.

use paxos_playground::lincheck;
use paxos_playground::sim::multi::{self, MultiConfig, MultiEvent, MultiRun};
use paxos_playground::sim::{Event, Tick};
use paxos_playground::sweep::multi::{self as msweep, MultiSeed, MultiVariant};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use crate::bench;
use paxos_playground::workload::Recording;

pub fn parse_variant(name: &str) -> Result<MultiVariant, String> {
    MultiVariant::parse(name).ok_or_else(|| {
        let names: Vec<&str> = MultiVariant::ALL.iter().map(|v| v.name()).collect();
        format!("unknown Multi-Paxos variant {name:?} (known: {})", names.join(", "))
    })
}

/// `paxos run --protocol multi --seed N`: seed N of the sweep, told as a summary.
pub fn run(seed: u64, variant: MultiVariant, json: bool) -> i32 {
    let config = msweep::random_config(seed, variant);
    let mut run = MultiRun::new(&config, seed);
    let mut trace: Vec<Event<MultiEvent>> = Vec::new();
    run.run(&mut trace, msweep::MAX_STEPS, config.faults_end + msweep::SETTLE_TICKS);
    let history = run.history();
    let report = lincheck::check(&history, &lincheck::Options::default());
    let seed_outcome = MultiSeed { variant, outcome: run.outcome(false), faults_end: config.faults_end };
    let mut outcome = seed_outcome.outcome.clone();
    outcome.linearizable = Some(report.verdict);
    let seed_outcome = MultiSeed { outcome, ..seed_outcome };
    let hash = multi::trace_hash(&trace);
    let c = &config.cluster;
    let leaders = trace.iter().filter(|e| matches!(e.kind, MultiEvent::Leader { .. })).count();
    let failure = seed_outcome.failure();
    if json {
        let v = serde_json::json!({
            "seed": seed,
            "variant": variant.name(),
            "replicas": c.replicas.len(),
            "clients": c.clients.len(),
            "steps": run.world.steps,
            "time": run.world.now,
            "trace_hash": format!("{hash:016x}"),
            "operations_completed": seed_outcome.outcome.completed,
            "operations_open": seed_outcome.outcome.open,
            "slots_chosen": seed_outcome.outcome.chosen,
            "leaders_elected": leaders,
            "linearizable": format!("{:?}", report.verdict),
            "failure": failure,
        });
        println!("{v}");
    } else {
        println!(
            "Multi-Paxos seed {seed} ({variant}): {} replicas, {} clients, window {}, lease {}, compaction {}",
            c.replicas.len(),
            c.clients.len(),
            c.window,
            c.lease.map_or("off".to_string(), |l| format!("{} ticks (drift {})", l.ticks, l.drift)),
            c.compaction.map_or("off".to_string(), |n| format!("every {n} slots")),
        );
        println!(
            "{} steps, {} ticks (faults until tick {}), {} messages delivered, {} leaders elected",
            run.world.steps,
            run.world.now,
            config.faults_end,
            run.world.stats().delivered,
            leaders
        );
        println!(
            "operations: {} completed, {} open; {} slots chosen; trace hash {hash:016x}",
            seed_outcome.outcome.completed, seed_outcome.outcome.open, seed_outcome.outcome.chosen
        );
        print!("{}", lincheck::report::render(&report, &history));
        match &failure {
            Some(f) => println!("FAILED: {f}"),
            None => println!("every invariant held; the history is linearizable; every operation completed"),
        }
    }
    i32::from(failure.is_some())
}

/// `paxos sweep --protocol multi`.
pub fn sweep(seeds: u64, start: u64, variant: MultiVariant, jobs: usize, quiet: bool) -> i32 {
    let end = start.saturating_add(seeds);
    println!("sweep: Multi-Paxos ({variant}), seeds {start}..{end} ({seeds} seeds), {jobs} jobs");
    let next = AtomicU64::new(start);
    let done = AtomicU64::new(0);
    let failures: Mutex<Vec<MultiSeed>> = Mutex::new(Vec::new());
    let totals = Mutex::new((0u64, 0u64, 0u64, 0u64));
    // The longest any operation took once the faults had stopped (the liveness bound is
    // `OP_TICKS_AFTER_FAULTS`).
    let slowest = AtomicU64::new(0);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| {
                let (mut ops, mut steps, mut chosen, mut timed_out) = (0, 0, 0, 0);
                loop {
                    let seed = next.fetch_add(1, Ordering::Relaxed);
                    if seed >= end {
                        break;
                    }
                    let s = msweep::check_seed(seed, variant);
                    ops += s.outcome.completed;
                    timed_out += s.outcome.open;
                    steps += s.outcome.steps;
                    chosen += s.outcome.chosen;
                    if s.outcome.finished {
                        slowest.fetch_max(s.outcome.slowest_after_faults, Ordering::Relaxed);
                    }
                    if s.failure().is_some() {
                        failures.lock().unwrap_or_else(|e| e.into_inner()).push(s);
                    }
                    let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if !quiet && d.is_multiple_of(1000) {
                        eprintln!("  {d}/{seeds} seeds, {:.0} runs/s", d as f64 / started.elapsed().as_secs_f64());
                    }
                }
                let mut t = totals.lock().unwrap_or_else(|e| e.into_inner());
                t.0 += ops;
                t.1 += steps;
                t.2 += chosen;
                t.3 += timed_out;
            });
        }
    });
    let secs = started.elapsed().as_secs_f64().max(1e-9);
    let (ops, steps, chosen, open) = totals.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    failures.sort_by_key(|f| f.outcome.seed);
    let unsafe_seeds = failures.iter().filter(|f| !f.is_safe()).count();
    let not_live = failures.iter().filter(|f| f.is_safe() && !f.is_live()).count();
    println!(
        "seeds: {seeds}, operations completed: {ops}, open at the end: {open}, slots chosen: {chosen}, \
         violations: {unsafe_seeds}, not live: {not_live}"
    );
    println!(
        "slowest operation once the faults stopped: {} ticks (liveness bound {} ticks)",
        slowest.load(Ordering::Relaxed),
        msweep::OP_TICKS_AFTER_FAULTS
    );
    println!(
        "time: {secs:.2} s, {:.0} runs/s, {steps} steps ({:.2} M steps/s)",
        seeds as f64 / secs,
        steps as f64 / secs / 1e6
    );
    if let Some(f) = failures.first() {
        let what = f.failure().unwrap_or_default();
        println!(
            "FAILED at seed {}: {what}; reproduce: {}",
            f.outcome.seed,
            msweep::repro_command(f.outcome.seed, variant)
        );
    }
    i32::from(!failures.is_empty())
}

/// `paxos bench --workload w2`: W2 with recording off and on.
pub fn bench_w2(seed: u64, runs: u64, modes: &str, w1: Option<&bench::BenchArgs>) -> i32 {
    let modes = match bench::parse_modes(modes) {
        Ok(modes) => modes,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let config = MultiConfig::w2();
    println!(
        "W2: 5 replicas, 3 clients x {} operations (half reads, a third writes, the rest cas) over 10 keys, \
         10% loss, latency 1..=10 ticks, the leader crashed every 2,000 ticks; {runs} runs from seed {seed}",
        config.workload.ops_per_client
    );
    // W2's recording-off rate, per second and per cpu-second, for the ratio to W1.
    let mut off: Option<(f64, Option<f64>)> = None;
    for (_, mode) in modes {
        let recording = mode != Recording::Off;
        let cpu_start = bench::cpu_now();
        let started = Instant::now();
        let (mut delivered, mut committed, mut steps, mut unfinished) = (0u64, 0u64, 0u64, 0u64);
        for i in 0..runs {
            let mut run = MultiRun::new(&config, seed + i);
            if recording {
                let mut trace: Vec<Event<MultiEvent>> = Vec::new();
                run.run(&mut trace, u64::MAX, Tick::MAX);
                std::hint::black_box(trace.len());
            } else {
                run.run(&mut (), u64::MAX, Tick::MAX);
            }
            let o = run.outcome(false);
            delivered += o.delivered;
            committed += o.completed;
            steps += o.steps;
            unfinished += u64::from(!o.finished);
        }
        let secs = started.elapsed().as_secs_f64().max(1e-9);
        let cpu = bench::cpu_now().zip(cpu_start).map(|(end, start)| end.saturating_sub(start).as_secs_f64());
        let per_cpu = cpu.filter(|c| *c > 0.0).map(|c| delivered as f64 / c);
        if !recording {
            off = Some((delivered as f64 / secs, per_cpu));
        }
        let cpu_text = per_cpu.map_or(String::new(), |r| format!("; {:.2} M deliveries per cpu-second", r / 1e6));
        println!(
            "recording {:<3}: {:>8.0} commands committed/s, {:>6.2} M deliveries/s ({committed} commands, {delivered} deliveries, {steps} steps in {secs:.2} s{cpu_text}; unfinished {unfinished})",
            if recording { "on" } else { "off" },
            committed as f64 / secs,
            delivered as f64 / secs / 1e6,
        );
    }
    if let Some(args) = w1 {
        println!("W1 in the same run (recording off, as `paxos bench --modes off`):");
        let (w1_rate, w1_cpu) = bench::w1_off(args);
        if let Some((w2_rate, w2_cpu)) = off {
            let cpu_ratio =
                w2_cpu.zip(w1_cpu).map_or(String::new(), |(a, b)| format!(", per cpu-second {:.2}x", a / b));
            println!("W2/W1 deliveries/s, recording off: {:.2}x{cpu_ratio} (aim: at least 0.70x)", w2_rate / w1_rate);
        }
    }
    0
}
