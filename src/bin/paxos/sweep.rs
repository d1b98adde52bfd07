//! `paxos sweep`: many random-fault seeds on worker threads, a summary, and on a violation the
//! seed, the invariant and the one line that reproduces it. A seed whose learners had not all
//! learned long after the faults stopped fails the sweep too (exit 1), with its own line.
//!
//! Why the result does not depend on the threads: every seed's run is a pure function of the
//! seed and the fault mix, workers only decide who computes which seed, and when stopping at a
//! violation the workers still finish every seed below the lowest violating one found, so the
//! seed reported is always the lowest violating seed of the range.

use paxos_playground::sweep::{self, FaultMix, SweepReport};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most seeds a worker takes at a time (fewer for short sweeps, so every worker gets some).
const CHUNK_MAX: u64 = 256;
const PROGRESS_EVERY: Duration = Duration::from_secs(2);

pub struct SweepArgs {
    pub seeds: u64,
    pub start: u64,
    pub mix: FaultMix,
    pub jobs: usize,
    pub keep_going: bool,
    pub quiet: bool,
}

/// Shared between the workers.
struct Shared {
    next: AtomicU64,
    done: AtomicU64,
    /// The lowest violating seed found so far (`u64::MAX`: none).
    lowest_unsafe: AtomicU64,
    report: Mutex<SweepReport>,
    chunk: u64,
}

pub fn sweep(args: &SweepArgs) -> i32 {
    let end = args.start.saturating_add(args.seeds);
    println!(
        "sweep: seeds {}..{} ({} seeds), faults {}, variant {}, timeouts {}, {} jobs",
        args.start,
        end,
        args.seeds,
        args.mix.faults_arg(),
        args.mix.variant,
        args.mix.timeouts_arg(),
        args.jobs
    );
    let shared = Shared {
        next: AtomicU64::new(args.start),
        done: AtomicU64::new(0),
        lowest_unsafe: AtomicU64::new(u64::MAX),
        report: Mutex::new(SweepReport::default()),
        chunk: (args.seeds / (8 * args.jobs.max(1) as u64)).clamp(1, CHUNK_MAX),
    };
    let started = Instant::now();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..args.jobs.max(1)).map(|_| scope.spawn(|| work(&shared, args, end))).collect();
        if !args.quiet {
            watch(&shared, args.seeds, started, || workers.iter().all(|w| w.is_finished()));
        }
    });
    let elapsed = started.elapsed();
    let report = shared.report.into_inner().unwrap_or_else(|e| e.into_inner());
    summarize(&report, &args.mix, elapsed)
}

fn work(shared: &Shared, args: &SweepArgs, end: u64) {
    let mut mine = SweepReport::default();
    loop {
        let first = shared.next.fetch_add(shared.chunk, Ordering::Relaxed);
        let stop_below = if args.keep_going { end } else { end.min(shared.lowest_unsafe.load(Ordering::Relaxed)) };
        if first >= stop_below {
            break;
        }
        let last = (first + shared.chunk).min(end);
        for seed in first..last {
            if !args.keep_going && seed > shared.lowest_unsafe.load(Ordering::Relaxed) {
                break;
            }
            let outcome = sweep::check_seed(seed, &args.mix);
            if !outcome.is_safe() {
                shared.lowest_unsafe.fetch_min(seed, Ordering::Relaxed);
            }
            mine.add(outcome);
            shared.done.fetch_add(1, Ordering::Relaxed);
        }
    }
    let mut report = shared.report.lock().unwrap_or_else(|e| e.into_inner());
    report.merge(mine);
}

/// Prints progress to stderr until `finished` says the workers are done.
fn watch(shared: &Shared, total: u64, started: Instant, finished: impl Fn() -> bool) {
    let mut last = Instant::now();
    while !finished() {
        std::thread::sleep(Duration::from_millis(50));
        if last.elapsed() >= PROGRESS_EVERY {
            last = Instant::now();
            let done = shared.done.load(Ordering::Relaxed);
            let rate = done as f64 / started.elapsed().as_secs_f64();
            let unsafe_note = match shared.lowest_unsafe.load(Ordering::Relaxed) {
                u64::MAX => String::new(),
                seed => format!(", violation at seed {seed}"),
            };
            eprintln!("  {done}/{total} seeds, {rate:.0} runs/s{unsafe_note}");
        }
    }
}

fn summarize(report: &SweepReport, mix: &FaultMix, elapsed: Duration) -> i32 {
    let secs = elapsed.as_secs_f64().max(1e-9);
    println!(
        "seeds: {}, decided: {}, violations: {}, learners not all learned after the faults: {}",
        report.seeds, report.decided, report.unsafe_seeds, report.not_live_seeds
    );
    println!(
        "time: {:.2} s, {:.0} runs/s, {} steps in total ({:.2} M steps/s)",
        secs,
        report.seeds as f64 / secs,
        report.steps,
        report.steps as f64 / secs / 1e6
    );
    // A seed that never decided after the faults stopped fails the sweep like a violation.
    for o in &report.not_live_examples {
        println!("NOT LIVE: {}", sweep::describe_failure(o, mix));
    }
    if let Some(o) = report.first_unsafe() {
        let invariant = o.first_invariant().map(|i| i.name()).unwrap_or("?");
        println!("VIOLATION of {invariant}: {}", sweep::describe_failure(o, mix));
    }
    i32::from(!report.passed())
}
