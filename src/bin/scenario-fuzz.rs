//! Runs the scenario decoders on generated hostile inputs and reports the counts:
//! `scenario-fuzz [COUNT] [SEED]` (defaults 1,000,000 and 1). Exits non-zero on any panic.

use paxos_playground::scenario::fuzz;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let count = args.next().and_then(|a| a.replace('_', "").parse().ok()).unwrap_or(1_000_000);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let start = Instant::now();
    let r = fuzz::run(count, seed);
    let secs = start.elapsed().as_secs_f64();
    println!(
        "scenario fuzz: {} inputs (seed {seed}), {} accepted, {} rejected, {} panics, {secs:.1} s ({:.0} inputs/s)",
        r.inputs,
        r.accepted,
        r.rejected,
        r.panics,
        r.inputs as f64 / secs.max(1e-9)
    );
    if let Some(input) = r.first_panic {
        eprintln!(
            "first panicking input: {input}\nreproduce: cargo run --release --bin scenario-fuzz -- {count} {seed}"
        );
        std::process::exit(1);
    }
}
