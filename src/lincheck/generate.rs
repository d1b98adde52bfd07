//! Seeded random histories of a correct store, for tests and benchmarks, and writers for the
//! two Jepsen formats.
//!
//! Clients run a closed loop against one atomic key-value store: a client invokes an
//! operation, later the store applies it at one instant, later still the client sees the
//! completion. Which client moves next is drawn from xoshiro256++, so operations overlap as
//! they would over a network, and the history is linearizable by construction (each operation
//! took effect at one instant between its invocation and completion). A timed-out write takes
//! effect or not (a coin), completes as `info`, and its client continues as a new process, as
//! Jepsen's do. Nothing reads a clock: positions count events.

use super::history::{Call, History, KvError, Op, Outcome, Value};
use rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    pub ops: usize,
    pub clients: usize,
    /// Keys `0..keys`; 0 for one register without keys (Jepsen's plain log).
    pub keys: usize,
    /// Values written are drawn from `0..values`.
    pub values: u32,
    /// Writes that time out (`info`).
    pub info_writes: usize,
    /// Whether replies carry the key's version.
    pub versions: bool,
    pub seed: u64,
}

impl Default for Spec {
    fn default() -> Spec {
        Spec { ops: 1000, clients: 10, keys: 10, values: 5, info_writes: 0, versions: false, seed: 1 }
    }
}

struct Rng(Xoshiro256PlusPlus);

impl Rng {
    /// Uniform in `0..n` (n > 0; multiply-shift, bias below 2^-32).
    fn below(&mut self, n: usize) -> usize {
        (((self.0.next_u64() >> 32) * n as u64) >> 32) as usize
    }
}

#[derive(Clone, Copy)]
struct Client {
    process: u64,
    /// The operation it is running and whether the store has applied it.
    running: Option<(usize, bool)>,
}

/// A linearizable history (see the module comment).
pub fn generate(spec: &Spec) -> History {
    let mut rng = Rng(Xoshiro256PlusPlus::seed_from_u64(spec.seed));
    let clients_n = spec.clients.max(1);
    let mut info = BTreeSet::new();
    while info.len() < spec.info_writes.min(spec.ops) {
        info.insert(rng.below(spec.ops));
    }
    let mut store: Vec<(Option<Value>, u64)> = vec![(None, 0); spec.keys.max(1)];
    let mut clients: Vec<Client> = (0..clients_n as u64).map(|p| Client { process: p, running: None }).collect();
    let mut ops: Vec<Op> = Vec::with_capacity(spec.ops);
    let mut clock = 0u64;
    let mut busy = 0;
    while ops.len() < spec.ops || busy > 0 {
        let c = if ops.len() < spec.ops {
            rng.below(clients_n)
        } else {
            // Only completions are left: pick among the busy clients.
            let nth = rng.below(busy);
            (0..clients_n).filter(|&c| clients[c].running.is_some()).nth(nth).unwrap_or(0)
        };
        match clients[c].running {
            None => {
                let i = ops.len();
                ops.push(new_op(&mut rng, spec, clients[c].process, clock, info.contains(&i)));
                clock += 1;
                clients[c].running = Some((i, false));
                busy += 1;
            }
            Some((i, false)) => {
                let op = &mut ops[i];
                let takes_effect = op.outcome != Outcome::Info || rng.below(2) == 0;
                if takes_effect {
                    let slot = &mut store[key_index(&op.key)];
                    let result = apply(slot, &op.call, spec.versions);
                    if op.outcome != Outcome::Info {
                        op.outcome = result;
                    }
                }
                clients[c].running = Some((i, true));
            }
            Some((i, true)) => {
                ops[i].complete = Some(clock);
                clock += 1;
                if ops[i].outcome == Outcome::Info {
                    clients[c].process += clients_n as u64;
                }
                clients[c].running = None;
                busy -= 1;
            }
        }
    }
    History::new(ops)
}

fn new_op(rng: &mut Rng, spec: &Spec, process: u64, clock: u64, info: bool) -> Op {
    let key = (spec.keys > 0).then(|| Value::Int(rng.below(spec.keys) as i64));
    let kind = rng.below(6);
    let mut value = || Value::Int(rng.below(spec.values.max(1) as usize) as i64);
    // Half reads, a third writes, the rest cas (workload W2's mix).
    let call = match (info, kind) {
        (true, _) | (false, 3 | 4) => Call::Write(value()),
        (false, 5) => Call::Cas { from: value(), to: value() },
        _ => Call::Read,
    };
    let outcome = if info { Outcome::Info } else { Outcome::Fail };
    Op { process, key, call, outcome, invoke: clock, complete: None, lines: (0, None) }
}

fn key_index(key: &Option<Value>) -> usize {
    match key {
        Some(Value::Int(k)) => *k as usize,
        _ => 0,
    }
}

/// Applies a call to one key and returns what the store answers.
fn apply(slot: &mut (Option<Value>, u64), call: &Call, versions: bool) -> Outcome {
    let version = |v: u64| versions.then_some(v);
    match call {
        Call::Read => Outcome::Ok { value: slot.0.clone(), version: version(slot.1) },
        Call::Write(v) => {
            *slot = (Some(v.clone()), slot.1 + 1);
            Outcome::Ok { value: None, version: version(slot.1) }
        }
        Call::Cas { from, to } => match &slot.0 {
            None => Outcome::Error(KvError::KeyDoesNotExist),
            Some(cur) if cur != from => Outcome::Error(KvError::PreconditionFailed),
            Some(_) => {
                *slot = (Some(to.clone()), slot.1 + 1);
                Outcome::Ok { value: None, version: version(slot.1) }
            }
        },
    }
}

/// One event line of Jepsen's EDN history or plain log.
struct Line {
    position: u64,
    process: u64,
    kind: &'static str,
    f: &'static str,
    value: String,
}

fn lines(history: &History, log: bool) -> Vec<Line> {
    let mut out = Vec::with_capacity(2 * history.ops.len());
    for op in &history.ops {
        let wrap = |v: String| match &op.key {
            Some(k) if !log => format!("[{k} {v}]"),
            _ => v,
        };
        let (f, args) = match &op.call {
            Call::Read => (":read", "nil".to_string()),
            Call::Write(v) => (":write", v.to_string()),
            Call::Cas { from, to } => (":cas", format!("[{from} {to}]")),
        };
        out.push(Line { position: op.invoke, process: op.process, kind: ":invoke", f, value: wrap(args.clone()) });
        let Some(at) = op.complete else { continue };
        let (kind, value) = match &op.outcome {
            Outcome::Ok { value, .. } if op.call == Call::Read => {
                (":ok", value.as_ref().map(|v| v.to_string()).unwrap_or("nil".into()))
            }
            Outcome::Error(KvError::KeyDoesNotExist) if op.call == Call::Read => (":ok", "nil".into()),
            Outcome::Ok { .. } => (":ok", args),
            // Jepsen's rule: a definite error did not change anything, as a failure.
            Outcome::Error(_) | Outcome::Fail => (":fail", args),
            Outcome::Info if log => (":info", ":timed-out".into()),
            Outcome::Info => (":info", args),
        };
        let value = if log && kind == ":info" { value } else { wrap(value) };
        out.push(Line { position: at, process: op.process, kind, f, value });
    }
    out.sort_by_key(|l| (l.position, l.kind != ":invoke"));
    out
}

/// The history as Jepsen EDN, one operation map a line (keys as `[key value]` tuples).
pub fn to_edn(history: &History) -> String {
    let mut s = String::new();
    for l in lines(history, false) {
        s.push_str(&format!("{{:process {}, :type {}, :f {}, :value {}}}\n", l.process, l.kind, l.f, l.value));
    }
    s
}

/// The history as Jepsen's logger prints it (a single register: keys are dropped).
pub fn to_log(history: &History) -> String {
    let mut s = String::new();
    for l in lines(history, true) {
        s.push_str(&format!("INFO  jepsen.util - {}\t{}\t{}\t{}\n", l.process, l.kind, l.f, l.value));
    }
    s
}

/// The history in the project's JSON Lines format, with its header.
pub fn to_json_lines(history: &History) -> String {
    let mut s = super::parse::json::header_line();
    s.push('\n');
    for op in &history.ops {
        s.push_str(&super::parse::json::write_line(op));
        s.push('\n');
    }
    s
}
