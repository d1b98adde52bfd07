//! The replicated state machine: a key-value store whose keys carry versions (the semantics
//! of Maelstrom's lin-kv workload), the log's slots and commands, and the at-most-once table.

use super::maps::IdMap;
use crate::protocol::types::NodeId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A position in the replicated log. Slot 0 is the first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Slot(pub u32);

impl Slot {
    pub fn next(self) -> Slot {
        Slot(self.0 + 1)
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s{}", self.0)
    }
}

/// A key of the store.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Key(pub u8);

/// Keys print as one letter, starting at x (x, y, z, a, b, ... w), since lessons use few keys
/// and x, y, z read as variables; beyond 26 keys, `k26`, `k27`, ...
impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 < 26 {
            write!(f, "{}", (b'a' + (self.0 + 23) % 26) as char)
        } else {
            write!(f, "k{}", self.0)
        }
    }
}

/// A value stored under a key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Val(pub u32);

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What a client asks of the store (Maelstrom lin-kv: read, write, compare-and-set).
#[allow(clippy::derived_hash_with_manual_eq)]
#[derive(Clone, Copy, Debug, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum KvOp {
    Read { key: Key },
    Write { key: Key, value: Val },
    Cas { key: Key, from: Val, to: Val },
}

/// The derived comparison, field by field, but always inlined: the monitor compares the
/// command a replica applied with the chosen one at every apply, and the derived one was a
/// call each time (W2: 2% of its instructions in `KvOp::eq` alone, by callgrind).
impl PartialEq for KvOp {
    #[inline(always)]
    fn eq(&self, other: &KvOp) -> bool {
        match (*self, *other) {
            (KvOp::Read { key: a }, KvOp::Read { key: b }) => a == b,
            (KvOp::Write { key: a, value: x }, KvOp::Write { key: b, value: y }) => a == b && x == y,
            (KvOp::Cas { key: a, from: f, to: t }, KvOp::Cas { key: b, from: g, to: u }) => a == b && f == g && t == u,
            _ => false,
        }
    }
}

impl KvOp {
    pub fn key(&self) -> Key {
        match *self {
            KvOp::Read { key } | KvOp::Write { key, .. } | KvOp::Cas { key, .. } => key,
        }
    }

    pub fn is_read(&self) -> bool {
        matches!(self, KvOp::Read { .. })
    }
}

/// `read x`, `write x=5`, `cas x 5→6`.
impl fmt::Display for KvOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KvOp::Read { key } => write!(f, "read {key}"),
            KvOp::Write { key, value } => write!(f, "write {key}={value}"),
            KvOp::Cas { key, from, to } => write!(f, "cas {key} {from}→{to}"),
        }
    }
}

/// What a slot of the log holds.
#[allow(clippy::derived_hash_with_manual_eq)]
#[derive(Clone, Copy, Debug, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Command {
    /// Fills a slot a new leader found empty below an accepted one (mod.rs, why (4)).
    Noop,
    /// A client's operation, with the (client, seq) that makes a retry recognisable.
    Op { client: NodeId, seq: u32, op: KvOp },
}

/// The derived comparison, always inlined (as `KvOp`'s).
impl PartialEq for Command {
    #[inline(always)]
    fn eq(&self, other: &Command) -> bool {
        match (self, other) {
            (Command::Noop, Command::Noop) => true,
            (Command::Op { client: a, seq: s, op: x }, Command::Op { client: b, seq: t, op: y }) => {
                a == b && s == t && x == y
            }
            _ => false,
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Noop => f.write_str("no-op"),
            Command::Op { op, .. } => write!(f, "{op}"),
        }
    }
}

/// The store's answer to an operation. Every reply that succeeded carries the key's version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum KvReply {
    /// A read: the value and its version.
    Value { value: Val, version: u64 },
    /// A write or a cas that succeeded: the key's new version.
    Written { version: u64 },
    /// A read or cas of a key never written (Maelstrom error 20).
    KeyDoesNotExist,
    /// A cas whose `from` is not the current value (Maelstrom error 22).
    PreconditionFailed,
}

/// `5 v2`, `ok v2`, `no such key`, `precondition failed`.
impl fmt::Display for KvReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KvReply::Value { value, version } => write!(f, "{value} v{version}"),
            KvReply::Written { version } => write!(f, "ok v{version}"),
            KvReply::KeyDoesNotExist => f.write_str("no such key"),
            KvReply::PreconditionFailed => f.write_str("precondition failed"),
        }
    }
}

/// The key-value state: per key, its value and version (0 never appears: the first write
/// gives version 1). By key, in a vector (`maps`: keys are small numbers).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Store {
    pub keys: IdMap<Key, (Val, u64)>,
}

impl Store {
    #[inline]
    pub fn get(&self, key: Key) -> Option<(Val, u64)> {
        self.keys.get(key).copied()
    }

    /// What a read returns now, without changing anything.
    #[inline]
    pub fn read(&self, key: Key) -> KvReply {
        match self.get(key) {
            Some((value, version)) => KvReply::Value { value, version },
            None => KvReply::KeyDoesNotExist,
        }
    }

    /// Carries out one operation (lin-kv semantics); every successful write or cas bumps the
    /// key's version by one.
    #[inline(always)]
    pub fn apply(&mut self, op: &KvOp) -> KvReply {
        match *op {
            KvOp::Read { key } => self.read(key),
            KvOp::Write { key, value } => {
                let version = self.keys.get(key).map_or(0, |&(_, v)| v) + 1;
                self.keys.insert(key, (value, version));
                KvReply::Written { version }
            }
            KvOp::Cas { key, from, to } => match self.keys.get_mut(key) {
                None => KvReply::KeyDoesNotExist,
                Some(entry) if entry.0 != from => KvReply::PreconditionFailed,
                Some(entry) => {
                    *entry = (to, entry.1 + 1);
                    KvReply::Written { version: entry.1 }
                }
            },
        }
    }
}

/// The at-most-once table: per client, the last sequence number applied and its reply. Part
/// of the replicated state (every replica applies the same log, so every table agrees) and
/// of a snapshot. By client id, in a vector (`maps`).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Sessions {
    pub last: IdMap<NodeId, (u32, KvReply)>,
}

impl Sessions {
    /// The recorded reply if `seq` is the client's last applied request.
    #[inline]
    pub fn answer(&self, client: NodeId, seq: u32) -> Option<KvReply> {
        match self.last.get(client) {
            Some(&(last, reply)) if last == seq => Some(reply),
            _ => None,
        }
    }

    /// Whether `seq` (or a later request of the client) was already applied.
    #[inline]
    pub fn is_done(&self, client: NodeId, seq: u32) -> bool {
        self.last.get(client).is_some_and(|&(last, _)| seq <= last)
    }

    #[inline(always)]
    pub fn record(&mut self, client: NodeId, seq: u32, reply: KvReply) {
        match self.last.get_mut(client) {
            Some(entry) if entry.0 <= seq => *entry = (seq, reply),
            Some(_) => {}
            None => {
                self.last.insert(client, (seq, reply));
            }
        }
    }
}

/// Applies one chosen command to the state machine and returns what the store answered, or
/// `None` when nothing was applied: a no-op, or (with `at_most_once`) a request applied
/// before. Why (7): a client retries with the same (client, seq) when an answer is late, and
/// both copies may be chosen in different slots; the second must not write again. Its answer
/// is the table's (`Sessions::answer`). (Inlined, as the store's and the table's methods: a
/// reply handed through memory between them was reloaded before its parts were stored, a
/// stall on every command a replica applied, 7% of W2.)
#[inline(always)]
pub fn execute(store: &mut Store, sessions: &mut Sessions, cmd: &Command, at_most_once: bool) -> Option<KvReply> {
    let Command::Op { client, seq, op } = *cmd else { return None };
    if at_most_once && sessions.is_done(client, seq) {
        return None;
    }
    let reply = store.apply(&op);
    sessions.record(client, seq, reply);
    Some(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    const X: Key = Key(0);
    const Y: Key = Key(1);

    fn write(key: Key, value: u32) -> KvOp {
        KvOp::Write { key, value: Val(value) }
    }

    fn cas(key: Key, from: u32, to: u32) -> KvOp {
        KvOp::Cas { key, from: Val(from), to: Val(to) }
    }

    #[test]
    fn write_read_and_cas_carry_versions() {
        // Maelstrom lin-kv: read of a missing key and cas on a missing key are error 20; a cas
        // whose from differs is error 22; each successful write or cas bumps the version.
        let mut s = Store::default();
        assert_eq!(s.apply(&KvOp::Read { key: X }), KvReply::KeyDoesNotExist);
        assert_eq!(s.apply(&cas(X, 1, 2)), KvReply::KeyDoesNotExist);
        assert_eq!(s.apply(&write(X, 5)), KvReply::Written { version: 1 });
        assert_eq!(s.apply(&KvOp::Read { key: X }), KvReply::Value { value: Val(5), version: 1 });
        assert_eq!(s.apply(&cas(X, 4, 6)), KvReply::PreconditionFailed);
        assert_eq!(s.get(X), Some((Val(5), 1)), "a failed cas changes nothing");
        assert_eq!(s.apply(&cas(X, 5, 6)), KvReply::Written { version: 2 });
        assert_eq!(s.apply(&write(X, 6)), KvReply::Written { version: 3 }, "same value, still a new version");
        assert_eq!(s.apply(&KvOp::Read { key: X }), KvReply::Value { value: Val(6), version: 3 });
        assert_eq!(s.apply(&write(Y, 1)), KvReply::Written { version: 1 }, "versions are per key");
    }

    #[test]
    fn a_retry_is_answered_from_the_table_and_not_applied_again() {
        let (mut store, mut sessions) = (Store::default(), Sessions::default());
        let c = NodeId(3);
        let first = Command::Op { client: c, seq: 1, op: write(X, 7) };
        assert_eq!(execute(&mut store, &mut sessions, &first, true), Some(KvReply::Written { version: 1 }));
        assert_eq!(execute(&mut store, &mut sessions, &first, true), None);
        assert_eq!(store.get(X), Some((Val(7), 1)), "applied once");
        assert_eq!(sessions.answer(c, 1), Some(KvReply::Written { version: 1 }));
        let next = Command::Op { client: c, seq: 2, op: cas(X, 7, 8) };
        assert_eq!(execute(&mut store, &mut sessions, &next, true), Some(KvReply::Written { version: 2 }));
        assert_eq!(execute(&mut store, &mut sessions, &first, true), None, "an older request is skipped too");
        assert_eq!(sessions.answer(c, 1), None, "only the last reply is kept");
        assert_eq!(execute(&mut store, &mut sessions, &Command::Noop, true), None);
        assert_eq!(store.get(X), Some((Val(8), 2)));
    }

    #[test]
    fn without_the_table_a_retried_write_is_applied_twice() {
        // BROKEN variant no_at_most_once.
        let (mut store, mut sessions) = (Store::default(), Sessions::default());
        let w = Command::Op { client: NodeId(3), seq: 1, op: write(X, 7) };
        assert_eq!(execute(&mut store, &mut sessions, &w, false), Some(KvReply::Written { version: 1 }));
        assert_eq!(execute(&mut store, &mut sessions, &w, false), Some(KvReply::Written { version: 2 }));
        assert_eq!(store.get(X), Some((Val(7), 2)));
    }

    #[test]
    fn labels() {
        let c = Command::Op { client: NodeId(3), seq: 1, op: write(X, 5) };
        assert_eq!(c.to_string(), "write x=5");
        assert_eq!(Command::Noop.to_string(), "no-op");
        assert_eq!(cas(Key(2), 1, 2).to_string(), "cas z 1→2");
        assert_eq!(KvOp::Read { key: Key(3) }.to_string(), "read a");
        assert_eq!(Key(25).to_string(), "w");
        assert_eq!(Key(26).to_string(), "k26");
        assert_eq!(Slot(3).to_string(), "s3");
        assert_eq!(KvReply::Value { value: Val(5), version: 2 }.to_string(), "5 v2");
        assert_eq!(KvReply::Written { version: 2 }.to_string(), "ok v2");
        assert_eq!(KvReply::KeyDoesNotExist.to_string(), "no such key");
    }
}
