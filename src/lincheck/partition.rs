//! Partitions: the history split by key (P-compositionality: a history of independent keys is
//! linearizable if and only if each key's sub-history is; Herlihy and Wing 1990, Horn and
//! Kroening 2015), with values interned as small integers so model states are cheap to copy,
//! hash and compare.

use super::history::{Call, History, KvError, Outcome, Value};
use std::collections::BTreeMap;

/// The interned id of "no value": a key that does not exist, a read that saw nil.
pub const NIL: u32 = u32::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PCall {
    Read,
    Write(u32),
    Cas(u32, u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PResult {
    /// Happened; a read's value (`NIL`: nothing) and the reported version.
    Ok {
        value: u32,
        version: Option<u64>,
    },
    Err(KvError),
    /// May or may not have happened (completion at +infinity).
    Unknown,
}

/// One operation of a partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct POp {
    /// The key's id in `Partition::keys`.
    pub key: u32,
    pub call: PCall,
    pub result: PResult,
    pub invoke: u64,
    /// The completion; `None` for an indeterminate operation.
    pub deadline: Option<u64>,
    /// Its index in the history.
    pub id: usize,
}

/// The operations of one key (or of every key, unsplit), sorted by invocation.
#[derive(Clone, Debug)]
pub struct Partition {
    /// Key ids to keys: one key, or every key when unsplit.
    pub keys: Vec<Option<Value>>,
    /// Value ids to values.
    pub values: Vec<Value>,
    pub ops: Vec<POp>,
    /// Whether some operation reports a version (otherwise versions are not tracked).
    pub versions: bool,
}

impl Partition {
    /// The partitions of `history`: one per key in key order, or one holding every key.
    /// Failed operations (they did not happen) and indeterminate reads (they change nothing and
    /// nobody saw their result) are left out.
    pub fn split(history: &History, by_key: bool) -> Vec<Partition> {
        let mut groups: BTreeMap<Option<&Option<Value>>, Vec<usize>> = BTreeMap::new();
        for (i, op) in history.ops.iter().enumerate() {
            let skip = match op.outcome {
                Outcome::Fail => true,
                Outcome::Info => op.call == Call::Read,
                _ => false,
            };
            if !skip {
                groups.entry(if by_key { Some(&op.key) } else { None }).or_default().push(i);
            }
        }
        groups.into_values().map(|ids| Partition::new(history, &ids)).collect()
    }

    fn new(history: &History, ids: &[usize]) -> Partition {
        let mut keys: BTreeMap<&Option<Value>, u32> = BTreeMap::new();
        let mut values: BTreeMap<&Value, u32> = BTreeMap::new();
        for &i in ids {
            let n = keys.len() as u32;
            keys.entry(&history.ops[i].key).or_insert(n);
        }
        let mut ops: Vec<POp> = ids.iter().map(|&i| intern(history, i, &keys, &mut values)).collect();
        ops.sort_by_key(|o| (o.invoke, o.id));
        let mut key_list = vec![None; keys.len()];
        for (k, id) in keys {
            key_list[id as usize] = k.clone();
        }
        let mut value_list = vec![Value::Int(0); values.len()];
        for (v, id) in values {
            value_list[id as usize] = v.clone();
        }
        let versions = ops.iter().any(|o| matches!(o.result, PResult::Ok { version: Some(_), .. }));
        Partition { keys: key_list, values: value_list, ops, versions }
    }

    /// Number of completions (definite operations).
    pub fn completions(&self) -> usize {
        self.ops.iter().filter(|o| o.deadline.is_some()).count()
    }

    /// The partition as it stood just after its `r`-th completion (1-based, in completion
    /// order): operations invoked later are gone, and those still running then have unknown
    /// results (a read among them is dropped). If a history is linearizable so is every such
    /// prefix, so the shortest non-linearizable prefix ends at the point where no order works.
    pub fn prefix(&self, r: usize) -> Partition {
        let order = self.completion_order();
        let last = order[r - 1];
        let cut = self.ops[last].deadline.unwrap_or(u64::MAX);
        let mut done = vec![false; self.ops.len()];
        for &i in &order[..r] {
            done[i] = true;
        }
        let mut ops = Vec::new();
        for (i, op) in self.ops.iter().enumerate() {
            if op.invoke > cut {
                continue;
            }
            if done[i] || op.deadline.is_none() {
                ops.push(*op);
            } else if op.call != PCall::Read {
                ops.push(POp { result: PResult::Unknown, deadline: None, ..*op });
            }
        }
        Partition { keys: self.keys.clone(), values: self.values.clone(), ops, versions: self.versions }
    }

    /// Indices of the definite operations in completion order (ties by invocation order).
    pub fn completion_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.ops.len()).filter(|&i| self.ops[i].deadline.is_some()).collect();
        order.sort_by_key(|&i| (self.ops[i].deadline, i));
        order
    }

    /// A value id as text (`nil` for none).
    pub fn value(&self, id: u32) -> String {
        match id {
            NIL => "nil".to_string(),
            v => self.values[v as usize].to_string(),
        }
    }
}

fn intern<'h>(
    history: &'h History,
    i: usize,
    keys: &BTreeMap<&Option<Value>, u32>,
    values: &mut BTreeMap<&'h Value, u32>,
) -> POp {
    let op = &history.ops[i];
    let mut id = |v: &'h Value| {
        let n = values.len() as u32;
        *values.entry(v).or_insert(n)
    };
    let call = match &op.call {
        Call::Read => PCall::Read,
        Call::Write(v) => PCall::Write(id(v)),
        Call::Cas { from, to } => PCall::Cas(id(from), id(to)),
    };
    let result = match &op.outcome {
        Outcome::Ok { value, version } => {
            // A read of a value nobody wrote gets an id of its own: no state ever holds it.
            let value = match (&op.call, value) {
                (Call::Read, Some(v)) => id(v),
                _ => NIL,
            };
            PResult::Ok { value, version: *version }
        }
        Outcome::Error(e) => PResult::Err(*e),
        Outcome::Fail | Outcome::Info => PResult::Unknown,
    };
    POp { key: keys[&op.key], call, result, invoke: op.invoke, deadline: op.deadline(), id: i }
}
