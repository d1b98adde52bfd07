//! `paxos lincheck FILE`: checks a history file for linearizability and prints the verdict, a
//! line per key, the explanation of a failure, and the time taken. Exit 0 linearizable, 1 not
//! linearizable, 2 bad input, 3 no verdict (a search limit was reached). `--generate` writes a
//! seeded random linearizable history instead (for benchmarks and experiments).

use clap::Args;
use paxos_playground::lincheck::generate::{self, Spec};
use paxos_playground::lincheck::parse::{self, Format, MAX_BYTES};
use paxos_playground::lincheck::report::{render, thousands};
use paxos_playground::lincheck::{check, Call, History, Options, Outcome, Value, Verdict};
use std::time::Instant;

#[derive(Args, Debug, Clone)]
pub struct LincheckArgs {
    /// The history: the project's JSON Lines, Jepsen/Knossos/Maelstrom EDN, or Jepsen's log
    /// (with --generate: the file to write, standard output if none).
    pub file: Option<String>,
    /// json, edn or log (default: told from the contents).
    #[arg(long)]
    pub format: Option<String>,
    /// Check the whole store as one object instead of key by key.
    #[arg(long)]
    pub no_split: bool,
    /// Stop without a verdict when one key's search cache reaches this many MiB.
    #[arg(long, default_value_t = 1024)]
    pub max_mib: u64,
    /// Stop without a verdict after this many search steps in all.
    #[arg(long, default_value_t = Options::default().max_steps)]
    pub max_steps: u64,
    /// Write a seeded random linearizable history (of a correct store) instead of checking one.
    #[arg(long)]
    pub generate: bool,
    /// With --generate: operations.
    #[arg(long, default_value_t = 1000)]
    pub ops: usize,
    /// With --generate: clients running at once.
    #[arg(long, default_value_t = 10)]
    pub clients: usize,
    /// With --generate: keys (0: a single register without keys, as Jepsen's plain log).
    #[arg(long, default_value_t = 10)]
    pub keys: usize,
    /// With --generate: values written are drawn from 0..VALUES.
    #[arg(long, default_value_t = 5)]
    pub values: u32,
    /// With --generate: writes that time out (indeterminate, :info).
    #[arg(long, default_value_t = 0)]
    pub info_writes: usize,
    /// With --generate: replies carry versions (JSON only).
    #[arg(long)]
    pub versions: bool,
    /// With --generate: the seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// With --generate: make the history not linearizable by changing one read (three quarters
    /// of the way in) to a value nobody wrote.
    #[arg(long)]
    pub alter_read: bool,
}

pub fn lincheck(args: &LincheckArgs) -> Result<i32, String> {
    let format = args.format.as_deref().map(Format::parse).transpose()?;
    if args.generate {
        return write_generated(args, format.unwrap_or(Format::Json));
    }
    let path = args.file.as_deref().ok_or("give a history FILE (or --generate)")?;
    let text = read(path)?;
    let started = Instant::now();
    let (history, format) = parse::parse(&text, format).map_err(|e| format!("{path}: {e}"))?;
    let read_secs = started.elapsed().as_secs_f64();
    println!("history: {path} ({}): {}; read in {}", format.name(), summary(&history), duration(read_secs));
    let options = Options { by_key: !args.no_split, max_steps: args.max_steps, max_bytes: args.max_mib << 20 };
    let started = Instant::now();
    let report = check(&history, &options);
    let secs = started.elapsed().as_secs_f64();
    print!("{}", render(&report, &history));
    let failing = report.parts.iter().filter(|p| p.verdict == Verdict::NotLinearizable).count();
    let parts = report.parts.len();
    let (verdict, code) = match report.verdict {
        Verdict::Linearizable => ("linearizable".to_string(), 0),
        Verdict::NotLinearizable => (format!("NOT linearizable ({failing} of {parts} parts)"), 1),
        Verdict::Unknown => ("unknown: a search limit was reached (--max-steps, --max-mib)".to_string(), 3),
    };
    println!("verdict: {verdict}; checked in {} ({} search steps)", duration(secs), thousands(report.steps));
    Ok(code)
}

/// `740 µs`, `3.1 ms`, `2.41 s`.
fn duration(secs: f64) -> String {
    if secs < 1e-3 {
        format!("{:.0} µs", secs * 1e6)
    } else if secs < 1.0 {
        format!("{:.1} ms", secs * 1e3)
    } else {
        format!("{secs:.2} s")
    }
}

fn summary(h: &History) -> String {
    let c = h.counts();
    format!(
        "{} operations ({} ok, {} errors, {} failed, {} indeterminate), {}, {}",
        thousands(h.ops.len() as u64),
        thousands(c.ok as u64),
        thousands(c.error as u64),
        thousands(c.fail as u64),
        thousands(c.info as u64),
        count(c.processes, "process", "processes"),
        count(c.keys, "key", "keys")
    )
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n as u64), if n == 1 { one } else { many })
}

/// The file as text; a file too large, unreadable or not UTF-8 is refused with a reason.
fn read(path: &str) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    if meta.len() > MAX_BYTES as u64 {
        return Err(format!("{path}: the file is larger than {} MiB", MAX_BYTES >> 20));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        format!("{path}: line {line}: not UTF-8 text")
    })
}

fn write_generated(args: &LincheckArgs, format: Format) -> Result<i32, String> {
    let spec = Spec {
        ops: args.ops,
        clients: args.clients,
        keys: args.keys,
        values: args.values,
        info_writes: args.info_writes,
        versions: args.versions,
        seed: args.seed,
    };
    if args.ops > parse::MAX_OPS || args.clients == 0 {
        return Err(format!("--ops must be at most {} and --clients at least 1", parse::MAX_OPS));
    }
    let mut history = generate::generate(&spec);
    if args.alter_read {
        let reads: Vec<usize> = (0..history.ops.len())
            .filter(|&i| history.ops[i].call == Call::Read && matches!(history.ops[i].outcome, Outcome::Ok { .. }))
            .collect();
        let i = *reads.get(reads.len() * 3 / 4).ok_or("the history has no read to alter")?;
        history.ops[i].outcome = Outcome::read(Some(Value::Int(-1)));
    }
    let text = match format {
        Format::Json => generate::to_json_lines(&history),
        Format::Edn => generate::to_edn(&history),
        Format::Log if args.keys == 0 => generate::to_log(&history),
        Format::Log => return Err("the log format holds a single register: give --keys 0".into()),
    };
    match &args.file {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("cannot write {path}: {e}"))?,
        None => print!("{text}"),
    }
    Ok(0)
}
