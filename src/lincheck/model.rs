//! The sequential specification the history is checked against: Maelstrom's lin-kv store
//! (`read`, `write`, `cas`, errors 20 "key does not exist" and 22 "precondition failed") with a
//! version per key that every successful write or cas increments, as our store's replies carry.
//!
//! A `Model` is a pure function from (state, operation with its recorded result) to the next
//! state or the reason the result is impossible there. `Register` is one key (what each
//! partition of a per-key check uses); `Store` is every key at once (a check without splitting).

use super::history::KvError;
use super::partition::{PCall, POp, PResult, NIL};
use std::fmt::Debug;
use std::hash::Hash;

/// A sequential object the search linearizes against.
pub trait Model {
    type State: Clone + Eq + Hash + Debug;
    fn init(&self) -> Self::State;
    /// The state after `op`, if its recorded result can happen in `state`.
    fn step(&self, state: &Self::State, op: &POp) -> Result<Self::State, Mismatch>;
    /// The register of `key` in `state` (for reports).
    fn register(&self, state: &Self::State, key: u32) -> Reg;
}

/// One key: its value (`NIL` when it does not exist) and version (0 before the first write).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Reg {
    pub value: u32,
    pub version: u64,
}

impl Reg {
    pub const ABSENT: Reg = Reg { value: NIL, version: 0 };
}

/// Why a recorded result cannot happen in a state (value ids are the partition's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mismatch {
    /// A read returned `saw` while the value was `current`.
    ReadValue { saw: u32, current: u32 },
    /// The reported version differs from the key's.
    Version { reported: u64, current: u64 },
    /// A cas succeeded while the value was not its `from`.
    CasFrom { current: u32 },
    /// "key does not exist" while the key held a value.
    KeyExists { current: u32 },
    /// "precondition failed" while the key did not exist.
    KeyMissing,
    /// "precondition failed" while the value was the cas's `from`.
    CasWouldSucceed,
    /// A result this operation never returns (a write with an error, a read with
    /// "precondition failed").
    Impossible,
}

/// Applies one operation to one key. `versions`: whether to count versions (off when no
/// operation of the partition reports one, so states that differ only in versions merge).
pub fn step_reg(reg: Reg, op: &POp, versions: bool) -> Result<Reg, Mismatch> {
    let bumped = |value| Reg { value, version: if versions { reg.version + 1 } else { 0 } };
    let check_version = |next: Reg, reported: Option<u64>| match reported {
        Some(r) if versions && r != next.version => Err(Mismatch::Version { reported: r, current: next.version }),
        _ => Ok(next),
    };
    match (op.call, op.result) {
        (PCall::Read, PResult::Ok { value, version }) if value == reg.value => check_version(reg, version),
        (PCall::Read, PResult::Ok { value, .. }) => Err(Mismatch::ReadValue { saw: value, current: reg.value }),
        (PCall::Read, PResult::Unknown) => Ok(reg),
        (PCall::Write(v), PResult::Ok { version, .. }) => check_version(bumped(v), version),
        (PCall::Write(v), PResult::Unknown) => Ok(bumped(v)),
        (PCall::Cas(from, to), PResult::Ok { version, .. }) => {
            if reg.value == from && from != NIL {
                check_version(bumped(to), version)
            } else {
                Err(Mismatch::CasFrom { current: reg.value })
            }
        }
        // 1. An indeterminate cas that takes effect where its `from` does not hold is a cas
        //    that failed: it happened and changed nothing.
        (PCall::Cas(from, to), PResult::Unknown) => Ok(if reg.value == from { bumped(to) } else { reg }),
        (PCall::Read | PCall::Cas(..), PResult::Err(KvError::KeyDoesNotExist)) => match reg.value {
            NIL => Ok(reg),
            current => Err(Mismatch::KeyExists { current }),
        },
        (PCall::Cas(from, _), PResult::Err(KvError::PreconditionFailed)) => match reg.value {
            NIL => Err(Mismatch::KeyMissing),
            v if v == from => Err(Mismatch::CasWouldSucceed),
            _ => Ok(reg),
        },
        (PCall::Read, PResult::Err(KvError::PreconditionFailed)) | (PCall::Write(_), PResult::Err(_)) => {
            Err(Mismatch::Impossible)
        }
    }
}

/// One key (the partitions of a per-key check hold one key each).
#[derive(Clone, Copy, Debug)]
pub struct Register {
    pub versions: bool,
}

impl Model for Register {
    type State = Reg;
    fn init(&self) -> Reg {
        Reg::ABSENT
    }
    fn step(&self, state: &Reg, op: &POp) -> Result<Reg, Mismatch> {
        step_reg(*state, op, self.versions)
    }
    fn register(&self, state: &Reg, _key: u32) -> Reg {
        *state
    }
}

/// Every key at once, indexed by the partition's key ids: the whole store as one object.
#[derive(Clone, Copy, Debug)]
pub struct Store {
    pub keys: usize,
    pub versions: bool,
}

impl Model for Store {
    type State = Box<[Reg]>;
    fn init(&self) -> Box<[Reg]> {
        vec![Reg::ABSENT; self.keys].into_boxed_slice()
    }
    fn step(&self, state: &Box<[Reg]>, op: &POp) -> Result<Box<[Reg]>, Mismatch> {
        let key = op.key as usize;
        let next = step_reg(state[key], op, self.versions)?;
        if next == state[key] {
            return Ok(state.clone());
        }
        let mut s = state.clone();
        s[key] = next;
        Ok(s)
    }
    fn register(&self, state: &Box<[Reg]>, key: u32) -> Reg {
        state[key as usize]
    }
}
