//! `paxos check --protocol multi`: every interleaving of a small Multi-Paxos configuration
//! (`check::explore`), with progress lines, the counts and the verdict, and on a violation the
//! shortest counterexample step by step, replayed once more to confirm it.

use super::check::{progress_line, CheckArgs};
use paxos_playground::check::explore::{multi, replay, Bounds, Ending, Explorer, Limits};
use paxos_playground::protocol::multi::MultiBroken;
use std::time::{Duration, Instant};

fn broken(variant: &str) -> Result<MultiBroken, String> {
    let mut b = MultiBroken::default();
    match variant {
        "correct" => {}
        "keep-only-chosen" => b.keep_only_chosen = true,
        "no-at-most-once" => b.no_at_most_once = true,
        "lease-without-wait" => b.lease_without_wait = true,
        other => {
            return Err(format!(
                "unknown Multi-Paxos variant {other:?}: correct, keep-only-chosen, no-at-most-once, lease-without-wait"
            ))
        }
    }
    Ok(b)
}

pub fn check(args: &CheckArgs, command_line: &str) -> Result<i32, String> {
    let bounds = Bounds {
        max_round: args.max_round,
        drops: args.drops,
        duplicates: args.duplicates,
        crashes: args.crashes,
        timeouts: args.timeouts,
        retries: args.retries,
        heartbeats: args.heartbeats,
        ticks: args.ticks,
        forget_dead: args.forget_dead,
        symmetry: args.symmetry,
        depth: args.depth,
    };
    let variant = broken(&args.variant)?;
    let leases = args.leases || variant.lease_without_wait;
    let space = if leases {
        multi::lease_space(variant, args.clients, args.ops, bounds, !args.cold)?
    } else {
        multi::space(variant, args.clients, args.ops, bounds, !args.cold)?
    };
    let depth_first = match args.strategy.as_str() {
        "bfs" => false,
        "dfs" if args.depth.is_some() => {
            return Err(
                "--depth cuts a depth-first search short of states it would find on a shorter run: use bfs".into()
            )
        }
        "dfs" => true,
        other => return Err(format!("unknown strategy {other:?}: bfs or dfs")),
    };
    let limits = Limits { max_states: args.max_states, max_bytes: args.max_mib.saturating_mul(1 << 20), depth_first };
    let firings = match (bounds.retries, bounds.heartbeats) {
        (Some(r), Some(h)) => {
            format!("elections <= {}, heartbeats <= {h}, client retries <= {r}", bounds.timeouts)
        }
        (Some(r), None) => {
            format!("replica timer firings (elections, heartbeats) <= {}, client retries <= {r}", bounds.timeouts)
        }
        (None, Some(h)) => {
            format!("timer firings (elections, client retries) <= {}, heartbeats <= {h}", bounds.timeouts)
        }
        (None, None) => format!("timer firings (elections, heartbeats, client retries) <= {}", bounds.timeouts),
    };
    let leases = if leases {
        format!(
            "; leases of {} ticks, drift bound {}, clock ticks <= {}",
            multi::LEASE.ticks,
            multi::LEASE.drift,
            bounds.ticks
        )
    } else {
        String::new()
    };
    println!(
        "check: Multi-Paxos, 3 replicas, {} client(s) x {} operation(s), {}{leases}; rounds <= {}, {firings}, drops <= {}, duplicates <= {}, crashes <= {}{}; {}{}{}",
        args.clients,
        args.ops,
        args.variant,
        bounds.max_round,
        bounds.drops,
        bounds.duplicates,
        bounds.crashes,
        bounds.depth.map(|d| format!(", depth <= {d}")).unwrap_or_default(),
        if args.cold { "from cold" } else { "from once replica 0 leads at ballot 1.0" },
        if bounds.forget_dead { "; dead messages forgotten" } else { "" },
        if bounds.symmetry { "; symmetry: replica 2's timer never fires (its election is replica 1's mirrored)" } else { "" },
    );
    let started = Instant::now();
    let mut explorer = Explorer::new(space, limits);
    let mut last = Instant::now();
    let quiet = args.quiet;
    let ending = explorer.run(|c| {
        if !quiet && last.elapsed() >= Duration::from_secs(1) {
            last = Instant::now();
            eprintln!("{}", progress_line(c.unique, c.depth, c.queue, c.bytes, started.elapsed().as_secs_f64()));
        }
        true
    });
    let secs = started.elapsed().as_secs_f64();
    let c = explorer.counts;
    println!("{}", ending.describe(&c));
    println!(
        "{} unique states, {} explored, {} transitions ({} pruned by the ballot bound), depth {}, {:.2} s, {:.0} states/s, about {:.1} MiB",
        c.unique,
        c.explored,
        c.transitions,
        c.pruned,
        c.depth,
        secs,
        c.unique as f64 / secs.max(1e-9),
        c.bytes as f64 / (1 << 20) as f64
    );
    let Some(trail) = &explorer.violation else {
        return Ok(if ending == Ending::Complete { 0 } else { 3 });
    };
    let prefix = explorer.space.prefix.len();
    match args.strategy.as_str() {
        "dfs" => println!(
            "Counterexample: a run that breaks a property, depth-first so not the shortest ({} steps):",
            trail.steps.len()
        ),
        _ => println!("Counterexample: a shortest run that breaks a property ({} steps):", trail.steps.len()),
    }
    let mut now = 0;
    for (i, s) in trail.steps.iter().enumerate() {
        let mark = if i < prefix { " (warm start)" } else { "" };
        println!("  {:>3}. {}{mark}", i + 1, multi::describe_move(s, &mut now));
    }
    for v in &trail.violations {
        println!("  => {} violated: {}", v.invariant.name(), v.detail);
    }
    let r = replay(&explorer.space, &trail.steps);
    match (r.error, r.violated_at) {
        (Some(e), _) => println!("replay FAILED: {e}"),
        (None, Some(at)) => println!("replayed from scratch: the same property breaks at step {at}"),
        (None, None) => println!("replay FAILED: nothing broke"),
    }
    println!("reproduce: {command_line}");
    Ok(1)
}
