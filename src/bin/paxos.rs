//! `paxos`: run one seed and read its story, sweep many random-fault seeds for invariant
//! violations, measure the simulator's throughput, or check a client history for
//! linearizability.
//!
//! `paxos run --seed N` replays seed N of the sweep (every fault unless `--faults` says
//! otherwise), so a seed a sweep reports can be read event by event; `paxos sweep --seed N`,
//! the line a failing sweep prints, does the same.

#[path = "paxos/bench.rs"]
mod bench;
#[path = "paxos/check.rs"]
mod check;
#[path = "paxos/check_multi.rs"]
mod check_multi;
#[path = "paxos/lincheck.rs"]
mod lincheck;
#[path = "paxos/multi.rs"]
mod multi;
#[path = "paxos/run.rs"]
mod run;
#[path = "paxos/sweep.rs"]
mod sweep;

use clap::{Args, Parser, Subcommand};

#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use paxos_playground::scenario::Scenario;
use paxos_playground::sweep::{FaultMix, Variant};

#[derive(Parser, Debug)]
#[command(name = "paxos", version, about = "Single-decree Paxos in a deterministic simulator")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Which random runs: the faults drawn from and the protocol variant.
#[derive(Args, Debug, Clone)]
struct MixArgs {
    /// Faults to draw from: all, none, or a list of loss,dup,reorder,msg-drop,msg-dup,crash,partition,cut,net.
    #[arg(long, default_value = "all")]
    faults: String,
    /// correct, flexible-quorums (safe asymmetric quorums, q1 + q2 = acceptors + 1), or a
    /// deliberately unsafe variant: unsafe-quorums, ignore-accepted-values, forgetful-acceptors
    /// (short forms: unsafe-quorum, ignore-accepted, forgetful).
    #[arg(long, default_value = "correct")]
    variant: String,
    /// Retry timeouts: growing (each timeout doubles the next, the default since scenario
    /// format 2) or fixed (format 1's timing, under which seed 35332852 never decides).
    #[arg(long, default_value = "growing")]
    timeouts: String,
    /// single (single-decree Paxos) or multi (Multi-Paxos with a key-value store; its
    /// variants: correct, keep-only-chosen, no-at-most-once, lease-without-wait).
    #[arg(long, default_value = "single")]
    protocol: String,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Runs one seed (of the sweep, or of a scenario file) and prints a summary of its trace.
    Run {
        /// Seed N of the sweep; with --scenario, replaces the file's seed.
        #[arg(long)]
        seed: Option<u64>,
        /// A scenario JSON file (as the page downloads it) instead of a sweep seed.
        #[arg(long)]
        scenario: Option<String>,
        /// Most steps for a scenario file (a sweep seed uses the sweep's limits).
        #[arg(long, default_value_t = paxos_playground::sweep::MAX_STEPS)]
        max_steps: u64,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        mix: MixArgs,
    },
    /// Runs many random-fault seeds and checks every invariant after every event.
    Sweep {
        /// How many seeds.
        #[arg(long, default_value_t = 1000)]
        seeds: u64,
        /// The first seed.
        #[arg(long, default_value_t = 0)]
        start: u64,
        /// Replay this one seed and print its summary (the line a failing sweep prints).
        #[arg(long, conflicts_with_all = ["seeds", "start"])]
        seed: Option<u64>,
        /// Worker threads.
        #[arg(long, default_value_t = 2)]
        jobs: usize,
        /// Go on after a violation (count them all) instead of stopping at the lowest one.
        #[arg(long)]
        keep_going: bool,
        /// No progress lines.
        #[arg(long)]
        quiet: bool,
        #[command(flatten)]
        mix: MixArgs,
    },
    /// Throughput of workload W1 with trace recording off and on (or the cost of seeking).
    Bench {
        /// Run exactly this many instances per mode instead of running for --secs.
        #[arg(long)]
        instances: Option<u64>,
        /// Seconds per mode.
        #[arg(long, default_value_t = 3.0)]
        secs: f64,
        /// Base seed of the instances.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Which modes to measure: off, on, hash (recording plus the trace hash), comma-separated.
        #[arg(long, default_value = "off,on")]
        modes: String,
        /// Measure time travel instead: seeks in a recorded run of 10,000+ steps.
        #[arg(long)]
        seek: bool,
        /// w1 (single-decree instances) or w2 (Multi-Paxos: 5 replicas, 3 clients x 1,000
        /// operations, a leader crash every 2,000 ticks).
        #[arg(long, default_value = "w1")]
        workload: String,
        /// Runs of W2 per mode.
        #[arg(long, default_value_t = 3)]
        runs: u64,
        /// With --workload w2: measure W2 alone, without W1 beside it (e.g. under callgrind).
        #[arg(long)]
        no_w1: bool,
    },
    /// Explores every interleaving of a small configuration (exhaustive model checking) and
    /// reports each property's verdict; a violation exits 1 with a shortest counterexample.
    Check(check::CheckArgs),
    /// Checks a history file (JSON Lines, Jepsen EDN or Jepsen's log) for linearizability
    /// against a lin-kv store. Exit 0 linearizable, 1 not, 2 bad input, 3 no verdict.
    Lincheck(lincheck::LincheckArgs),
    /// Feeds generated hostile inputs (links, JSON files) to the scenario decoders and counts
    /// accepted, rejected and panics. Exits non-zero on any panic.
    Fuzz {
        /// How many inputs.
        #[arg(long, default_value_t = 1_000_000)]
        inputs: u64,
        /// Seed of the input generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

fn main() {
    // mimalloc returns freed memory to the system after 10 ms, and touching it again faults in
    // (and zeroes) whole 2 MiB pages: a breadth-first search frees and refills a level of
    // states at a time, and spent about a third of its time there. A command-line run keeps
    // what it freed instead. (15 is `mi_option_purge_delay` in mimalloc.h; the Rust bindings
    // do not name it.)
    #[cfg(not(target_arch = "wasm32"))]
    // SAFETY: sets one of mimalloc's options; any value is valid, and -1 means "never purge".
    unsafe {
        const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1);
    }
    // Rust ignores SIGPIPE, so printing into a closed pipe panics; a command-line tool should
    // just stop, as `head` expects.
    #[cfg(unix)]
    // SAFETY: restores the default action of one signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let code = match dispatch(Cli::parse().command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("paxos: {message}");
            2
        }
    };
    std::process::exit(code);
}

fn dispatch(command: Command) -> Result<i32, String> {
    Ok(match command {
        Command::Run { seed, scenario, json, mix, .. } if is_multi(&mix)? && scenario.is_none() => {
            multi::run(seed.ok_or("give --seed N")?, multi::parse_variant(&mix.variant)?, json)
        }
        Command::Sweep { seeds, start, seed, jobs, quiet, mix, .. } if is_multi(&mix)? => {
            let variant = multi::parse_variant(&mix.variant)?;
            match seed {
                Some(seed) => multi::run(seed, variant, false),
                None => multi::sweep(seeds, start, variant, jobs, quiet),
            }
        }
        Command::Bench { instances, secs, seed, modes, workload, runs, no_w1, .. } if workload == "w2" => {
            let w1 = (!no_w1).then_some(bench::BenchArgs { instances, secs, seed, seek: false, modes: String::new() });
            multi::bench_w2(seed, runs, &modes, w1.as_ref())
        }
        Command::Run { seed, scenario, max_steps, json, mix } => {
            let story = match scenario {
                Some(path) => {
                    let mut scenario = load(&path)?;
                    scenario.seed = seed.unwrap_or(scenario.seed);
                    run::scenario_file(&scenario, &path, max_steps)
                }
                None => run::sweep_seed(seed.ok_or("give --seed N (or --scenario FILE)")?, &parse_mix(&mix)?),
            };
            run::print(&story, json)
        }
        Command::Sweep { seeds, start, seed, jobs, keep_going, quiet, mix } => {
            let mix = parse_mix(&mix)?;
            match seed {
                Some(seed) => run::print(&run::sweep_seed(seed, &mix), false),
                None => sweep::sweep(&sweep::SweepArgs { seeds, start, mix, jobs, keep_going, quiet }),
            }
        }
        Command::Bench { instances, secs, seed, modes, seek, workload, .. } => {
            if workload != "w1" {
                return Err(format!("unknown workload {workload:?} (known: w1, w2)"));
            }
            bench::bench(&bench::BenchArgs { instances, secs, seed, seek, modes })
        }
        Command::Fuzz { inputs, seed } => fuzz(inputs, seed),
        Command::Lincheck(args) => lincheck::lincheck(&args)?,
        Command::Check(args) => {
            let line =
                std::iter::once("paxos".to_string()).chain(std::env::args().skip(1)).collect::<Vec<_>>().join(" ");
            match args.protocol.as_str() {
                "single" | "single-decree" => check::check(&args, &line)?,
                "multi" | "multi-paxos" => check_multi::check(&args, &line)?,
                other => return Err(format!("unknown protocol {other:?} (known: single, multi)")),
            }
        }
    })
}

/// Whether `--protocol` names Multi-Paxos.
fn is_multi(mix: &MixArgs) -> Result<bool, String> {
    match mix.protocol.as_str() {
        "single" | "single-decree" => Ok(false),
        "multi" | "multi-paxos" => Ok(true),
        other => Err(format!("unknown protocol {other:?} (known: single, multi)")),
    }
}

fn fuzz(inputs: u64, seed: u64) -> i32 {
    let start = std::time::Instant::now();
    let r = paxos_playground::scenario::fuzz::run(inputs, seed);
    let secs = start.elapsed().as_secs_f64();
    println!(
        "scenario fuzz: {} inputs (seed {seed}), {} accepted, {} rejected, {} panics, {secs:.1} s ({:.0} inputs/s)",
        r.inputs,
        r.accepted,
        r.rejected,
        r.panics,
        r.inputs as f64 / secs.max(1e-9)
    );
    match r.first_panic {
        Some(input) => {
            eprintln!("first panicking input: {input}\nreproduce: paxos fuzz --inputs {inputs} --seed {seed}");
            1
        }
        None => 0,
    }
}

fn parse_mix(args: &MixArgs) -> Result<FaultMix, String> {
    let variant = match args.variant.trim() {
        "unsafe-quorum" => Variant::UnsafeQuorums,
        "ignore-accepted" => Variant::IgnoreAcceptedValues,
        "forgetful" => Variant::ForgetfulAcceptors,
        other => Variant::parse(other)?,
    };
    let timeout_growth = match args.timeouts.trim() {
        "growing" => true,
        "fixed" => false,
        other => return Err(format!("unknown timeouts {other:?}: expected growing or fixed")),
    };
    Ok(FaultMix::parse(&args.faults)?.with_variant(variant).with_timeout_growth(timeout_growth))
}

fn load(path: &str) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    Scenario::from_json(&text).map_err(|e| format!("{path}: {e}"))
}
