//! Checking a whole history: split it by key, search each part, and for a part that is not
//! linearizable find the smallest piece that shows it and explain it.

use super::history::{History, Value};
use super::model::{Mismatch, Model, Reg, Register, Store};
use super::partition::{PCall, POp, PResult, Partition, NIL};
use super::search::{DeadEnd, Search, Status};

/// What to check and how much effort to spend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Check each key on its own (P-compositionality). Off: the whole store as one object.
    pub by_key: bool,
    /// Search steps for the whole check, explanation included (one step tries one entry).
    pub max_steps: u64,
    /// Memory for one part's cache of configurations.
    pub max_bytes: u64,
}

impl Default for Options {
    fn default() -> Options {
        // About half a minute of search natively (a few million steps a second).
        Options { by_key: true, max_steps: 200_000_000, max_bytes: 1 << 30 }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Linearizable,
    NotLinearizable,
    /// A limit was reached first.
    Unknown,
}

/// Which keys a part holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// One key (`None`: the single register of a history without keys).
    Key(Option<Value>),
    /// Every key at once (`by_key` off).
    AllKeys,
}

/// One operation that could not come next, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unplaced {
    /// Its index in the history.
    pub op: usize,
    pub why: String,
}

/// The smallest piece of a part that is not linearizable, explained.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The operation whose completion is the point where no order works (history index): the
    /// part's history up to it is not linearizable, up to the completion before it it is.
    pub blocked: Option<usize>,
    /// Completions of the part up to and including that point.
    pub completions: usize,
    /// Whether the cut before it was shown linearizable (false: the step budget ran out
    /// first, and a shorter prefix may fail too).
    pub exact: bool,
    /// Operations in that piece of the history.
    pub ops: usize,
    /// The longest linearizable prefix found in it (history indices, in linearization order).
    pub prefix: Vec<usize>,
    /// The state after that prefix (of the keys involved).
    pub state: String,
    /// Operations invoked before the blocked one completed that are not in the prefix: the
    /// blocked one first, then by invocation.
    pub unplaced: Vec<Unplaced>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartReport {
    pub scope: Scope,
    /// Operations checked (failed operations and indeterminate reads are left out).
    pub ops: usize,
    pub verdict: Verdict,
    pub steps: u64,
    /// Distinct configurations the search cached.
    pub configurations: usize,
    /// A linearization (history indices), when linearizable.
    pub witness: Vec<usize>,
    pub failure: Option<Failure>,
    /// Why there is no verdict.
    pub limit: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub verdict: Verdict,
    pub parts: Vec<PartReport>,
    pub steps: u64,
}

/// Checks `history` against the lin-kv model.
pub fn check(history: &History, options: &Options) -> Report {
    let mut steps_left = options.max_steps;
    let mut parts = Vec::new();
    for part in Partition::split(history, options.by_key) {
        let scope = if options.by_key { Scope::Key(part.keys[0].clone()) } else { Scope::AllKeys };
        let report = if options.by_key {
            check_part(&part, Register { versions: part.versions }, scope, options, &mut steps_left)
        } else {
            let model = Store { keys: part.keys.len(), versions: part.versions };
            check_part(&part, model, scope, options, &mut steps_left)
        };
        parts.push(report);
    }
    Report { verdict: verdict_of(&parts), steps: options.max_steps - steps_left, parts }
}

/// The verdict of a history from its parts': not linearizable if one part is not, unknown if
/// one part is unknown, linearizable if every part is.
pub fn verdict_of(parts: &[PartReport]) -> Verdict {
    if parts.iter().any(|p| p.verdict == Verdict::NotLinearizable) {
        Verdict::NotLinearizable
    } else if parts.iter().any(|p| p.verdict == Verdict::Unknown) {
        Verdict::Unknown
    } else {
        Verdict::Linearizable
    }
}

fn check_part<M: Model + Clone>(
    part: &Partition,
    model: M,
    scope: Scope,
    options: &Options,
    steps_left: &mut u64,
) -> PartReport {
    let mut search = Search::new(part, model.clone(), options.max_bytes);
    let status = search.run(*steps_left);
    *steps_left -= search.steps;
    let mut report = PartReport {
        scope,
        ops: part.ops.len(),
        verdict: Verdict::Unknown,
        steps: search.steps,
        configurations: search.configurations(),
        witness: Vec::new(),
        failure: None,
        limit: None,
    };
    match status {
        Status::Linearizable => {
            report.verdict = Verdict::Linearizable;
            report.witness = search.witness().iter().map(|&i| part.ops[i as usize].id).collect();
        }
        Status::NotLinearizable => {
            report.verdict = Verdict::NotLinearizable;
            let fallback = (search.dead_end().cloned(), search.passed_max());
            drop(search);
            report.failure = Some(explain(part, &model, options, steps_left, fallback));
        }
        Status::OutOfMemory => {
            report.limit = Some(format!("the search's cache passed {} MiB", options.max_bytes >> 20))
        }
        Status::Running => report.limit = Some(format!("the search passed {} steps", options.max_steps)),
    }
    report
}

/// Finds the shortest prefix of `part` (cut at a completion) that is not linearizable, and
/// explains its deepest dead end. A prefix of a linearizable history is linearizable, so
/// bisection works; it starts just after `passed` completions, the most the failed search
/// placed (so the cut after them is linearizable), where the answer usually is: every failing
/// probe costs a whole exhausted search, a succeeding one little. If the step budget runs out,
/// explains the shortest failing prefix found so far, marked inexact.
fn explain<M: Model + Clone>(
    part: &Partition,
    model: &M,
    options: &Options,
    steps_left: &mut u64,
    (fallback, passed): (Option<DeadEnd<M::State>>, usize),
) -> Failure {
    let (mut lo, mut hi) = ((passed + 1).min(part.completions()).max(1), part.completions());
    let mut best: Option<(Partition, DeadEnd<M::State>)> = None;
    let mut first = true;
    while lo < hi && *steps_left > 0 {
        let mid = if std::mem::take(&mut first) { lo } else { lo + (hi - lo) / 2 };
        let piece = part.prefix(mid);
        let mut search = Search::new(&piece, model.clone(), options.max_bytes);
        let status = search.run(*steps_left);
        *steps_left -= search.steps;
        match status {
            Status::NotLinearizable => {
                hi = mid;
                let dead = search.dead_end().cloned();
                drop(search);
                best = dead.map(|d| (piece, d));
            }
            Status::Linearizable => lo = mid + 1,
            _ => break,
        }
    }
    let exact = lo == hi;
    let order = part.completion_order();
    let cut = |r: usize| order.get(r.wrapping_sub(1)).map(|&i| part.ops[i].id);
    match best {
        Some((piece, dead)) => describe(&piece, model, &dead, (hi, exact), cut(hi)),
        None => match fallback {
            Some(dead) => describe(part, model, &dead, (order.len(), exact), cut(order.len())),
            None => Failure {
                exact: false,
                blocked: None,
                completions: 0,
                ops: part.ops.len(),
                prefix: Vec::new(),
                state: String::new(),
                unplaced: Vec::new(),
            },
        },
    }
}

/// Explains the deepest dead end of `part`, a prefix that ends at the completion of the
/// operation `blocked` (history index): every operation in it that is not in the longest
/// linearizable prefix, the blocked one first.
fn describe<M: Model>(
    part: &Partition,
    model: &M,
    dead: &DeadEnd<M::State>,
    (completions, exact): (usize, bool),
    blocked: Option<usize>,
) -> Failure {
    let mut in_prefix = vec![false; part.ops.len()];
    for &i in &dead.prefix {
        in_prefix[i as usize] = true;
    }
    let mut candidates: Vec<usize> = (0..part.ops.len()).filter(|&i| !in_prefix[i]).collect();
    if let Some(at) = candidates.iter().position(|&i| Some(part.ops[i].id) == blocked) {
        let b = candidates.remove(at);
        candidates.insert(0, b);
    }
    let mut keys: Vec<u32> = candidates.iter().map(|&i| part.ops[i].key).collect();
    keys.sort_unstable();
    keys.dedup();
    let state = keys
        .iter()
        .map(|&k| {
            let reg = model.register(&dead.state, k);
            let name = if part.keys.len() > 1 { key_name(&part.keys[k as usize]) + ": " } else { String::new() };
            name + &describe_reg(part, reg)
        })
        .collect::<Vec<_>>()
        .join("; ");
    let unplaced = candidates
        .iter()
        .map(|&i| {
            let op = &part.ops[i];
            let why = match model.step(&dead.state, op) {
                Err(m) => mismatch(part, op, model.register(&dead.state, op.key), m),
                Ok(_) if op.deadline.is_none() => {
                    "may have taken effect here or never; no order of the rest works either way".to_string()
                }
                Ok(_) => "fits here, but no order of the rest works after it".to_string(),
            };
            Unplaced { op: op.id, why }
        })
        .collect();
    Failure {
        exact,
        blocked,
        completions,
        ops: part.ops.len(),
        prefix: dead.prefix.iter().map(|&i| part.ops[i as usize].id).collect(),
        state,
        unplaced,
    }
}

/// `key "x"`, `key 3`, or `the register`.
pub fn key_name(key: &Option<Value>) -> String {
    match key {
        Some(k) => format!("key {k}"),
        None => "the register".to_string(),
    }
}

fn describe_reg(part: &Partition, reg: Reg) -> String {
    match (reg.value, part.versions) {
        (NIL, _) => "does not exist".to_string(),
        (v, true) => format!("value {}, version {}", part.value(v), reg.version),
        (v, false) => format!("value {}", part.value(v)),
    }
}

fn mismatch(part: &Partition, op: &POp, reg: Reg, m: Mismatch) -> String {
    let v = |id| part.value(id);
    match (m, op.call) {
        (Mismatch::ReadValue { saw: NIL, current }, _) => format!("read nil but the value was {}", v(current)),
        (Mismatch::ReadValue { saw, current: NIL }, _) => format!("read {} but the key did not exist", v(saw)),
        (Mismatch::ReadValue { saw, current }, _) => format!("read {} but the value was {}", v(saw), v(current)),
        (Mismatch::Version { reported, current }, _) => {
            format!("reported version {reported} but the version would be {current}")
        }
        (Mismatch::CasFrom { current: NIL }, PCall::Cas(from, _)) => {
            format!("cas from {} succeeded but the key did not exist", v(from))
        }
        (Mismatch::CasFrom { current }, PCall::Cas(from, _)) => {
            format!("cas from {} succeeded but the value was {}", v(from), v(current))
        }
        (Mismatch::KeyExists { current }, _) => format!("said the key does not exist but it held {}", v(current)),
        (Mismatch::KeyMissing, _) => "said precondition failed but the key did not exist".to_string(),
        (Mismatch::CasWouldSucceed, PCall::Cas(from, _)) => {
            format!("said precondition failed but the value was {}", v(from))
        }
        _ => match op.result {
            PResult::Err(e) => format!("this operation never returns {}", e.name()),
            _ => format!("impossible in state {}", describe_reg(part, reg)),
        },
    }
}
