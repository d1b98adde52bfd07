//! `paxos`: run one seed and read its story, sweep many random-fault seeds for invariant
//! violations, or measure the simulator's throughput.

#[path = "paxos/bench.rs"]
mod bench;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "paxos", version, about = "Single-decree Paxos in a deterministic simulator")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
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
        /// Which modes to measure: off, on, hash (recording plus the trace hash), or all.
        #[arg(long, default_value = "off,on")]
        modes: String,
        /// Measure time travel instead: seeks in a recorded run of 10,000+ steps.
        #[arg(long)]
        seek: bool,
    },
}

fn main() {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Bench { instances, secs, seed, modes, seek } => {
            bench::bench(&bench::BenchArgs { instances, secs, seed, seek, modes })
        }
    };
    std::process::exit(code);
}
