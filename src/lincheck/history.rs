//! A history: operations of clients on a key-value store, each with the moment it was invoked,
//! the moment it completed (if it did), and what it returned.
//!
//! Positions are any numbers that grow with real time (simulated ticks, nanoseconds, or the
//! line number of an event in a log). Operation A precedes B in real time when A completed at
//! a position strictly below B's invocation; equal positions mean the two overlapped.

use std::fmt;

/// A key or a value. Integers and strings are kept as such; anything else (an EDN keyword, a
/// JSON object, a float) is kept as its text, compared as text.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    Int(i64),
    Str(String),
    Other(String),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(n) => write!(f, "{n}"),
            Value::Str(s) => write!(f, "{}", serde_json::Value::String(s.clone())),
            Value::Other(s) => f.write_str(s),
        }
    }
}

/// What a client asked for (Maelstrom's lin-kv operations).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Call {
    Read,
    Write(Value),
    Cas { from: Value, to: Value },
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Call::Read => f.write_str("read"),
            Call::Write(v) => write!(f, "write {v}"),
            Call::Cas { from, to } => write!(f, "cas {from} -> {to}"),
        }
    }
}

/// The two errors of lin-kv: a read or cas of a key never written (Maelstrom code 20), a cas
/// whose `from` is not the current value (code 22). Either way the store did nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KvError {
    KeyDoesNotExist,
    PreconditionFailed,
}

impl KvError {
    pub fn name(self) -> &'static str {
        match self {
            KvError::KeyDoesNotExist => "key-does-not-exist",
            KvError::PreconditionFailed => "precondition-failed",
        }
    }
}

/// How an operation ended (Jepsen's `:ok`, `:fail`, `:info`, plus lin-kv's definite errors).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// It happened. A read carries the value it saw (`None`: the key did not exist); a write or
    /// cas carries nothing but the version, when the store reports one. A version, when
    /// present, is the key's version after the operation (a read: the version it saw).
    Ok { value: Option<Value>, version: Option<u64> },
    /// It happened and returned an error, so it changed nothing but tells what the state was.
    Error(KvError),
    /// It did not happen (Jepsen `:fail`): it is left out of the check.
    Fail,
    /// It may or may not have happened, at any moment after its invocation (Jepsen `:info`, a
    /// timeout): its completion is at +infinity and its result unknown.
    Info,
}

impl Outcome {
    pub fn ok() -> Outcome {
        Outcome::Ok { value: None, version: None }
    }

    pub fn read(value: Option<Value>) -> Outcome {
        Outcome::Ok { value, version: None }
    }
}

/// One operation of one client on one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Op {
    /// The client (Jepsen's process) that ran it.
    pub process: u64,
    /// `None`: the history is of a single register without keys (Jepsen's plain log).
    pub key: Option<Value>,
    pub call: Call,
    pub outcome: Outcome,
    /// Where it was invoked.
    pub invoke: u64,
    /// Where it completed; ignored for `Info` (an indeterminate operation never completes: the
    /// position only says when the client gave up).
    pub complete: Option<u64>,
    /// Lines in the source file of its invocation and completion, when it came from one.
    pub lines: (u32, Option<u32>),
}

impl Op {
    /// The position after which this operation can no longer take effect, `None` for never.
    pub fn deadline(&self) -> Option<u64> {
        match self.outcome {
            Outcome::Info => None,
            _ => self.complete.or(Some(u64::MAX)),
        }
    }

    /// A short description: `read -> 3`, `write 4 (v2)`, `cas 1 -> 2 precondition-failed`.
    pub fn describe(&self) -> String {
        let mut s = self.call.to_string();
        match &self.outcome {
            Outcome::Ok { value, version } => {
                if self.call == Call::Read {
                    s.push_str(&match value {
                        Some(v) => format!(" -> {v}"),
                        None => " -> nil".to_string(),
                    });
                }
                if let Some(v) = version {
                    s.push_str(&format!(" (v{v})"));
                }
            }
            Outcome::Error(e) => s.push_str(&format!(" -> {}", e.name())),
            Outcome::Fail => s.push_str(" (failed)"),
            Outcome::Info => s.push_str(" (indeterminate)"),
        }
        s
    }

    /// Where it came from: `lines 12-15`, `line 12, never completed`, or positions.
    pub fn source(&self) -> String {
        match self.lines {
            (0, _) => match (&self.outcome, self.complete) {
                (Outcome::Info, _) | (_, None) => format!("invoked at {}, never completed", self.invoke),
                (_, Some(c)) => format!("invoked at {}, completed at {c}", self.invoke),
            },
            (i, Some(c)) => format!("lines {i}-{c}"),
            (i, None) => format!("line {i}, never completed"),
        }
    }
}

/// All operations, in any order (the checker sorts them by position).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    pub ops: Vec<Op>,
}

/// Counts for a summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub ok: usize,
    pub error: usize,
    pub fail: usize,
    pub info: usize,
    pub processes: usize,
    pub keys: usize,
}

impl History {
    pub fn new(ops: Vec<Op>) -> History {
        History { ops }
    }

    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for op in &self.ops {
            match op.outcome {
                Outcome::Ok { .. } => c.ok += 1,
                Outcome::Error(_) => c.error += 1,
                Outcome::Fail => c.fail += 1,
                Outcome::Info => c.info += 1,
            }
        }
        let mut processes: Vec<u64> = self.ops.iter().map(|o| o.process).collect();
        processes.sort_unstable();
        processes.dedup();
        c.processes = processes.len();
        let mut keys: Vec<&Option<Value>> = self.ops.iter().map(|o| &o.key).collect();
        keys.sort();
        keys.dedup();
        c.keys = keys.len();
        c
    }
}
