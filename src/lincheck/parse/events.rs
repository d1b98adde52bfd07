//! Jepsen's event histories (EDN or the plain log) as operations: each `:invoke` is paired
//! with the next completion of the same process. `:ok` happened, `:fail` did not, `:info` may
//! or may not have (the process never completes it), and an invocation still open at the end
//! of the file counts as `:info`. The position of an event is its index in the file.
//!
//! Keys: Jepsen's `independent` checker wraps each value as a `[key value]` tuple. A history is
//! read as independent when some read or write carries a two-element vector, or some cas a
//! `[key [from to]]`; otherwise it is one register without keys.

use super::edn::Edn;
use super::ParseError;
use crate::lincheck::history::{Call, History, Op, Outcome, Value};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Invoke,
    Ok,
    Fail,
    Info,
}

impl Kind {
    pub fn parse(k: &str) -> Option<Kind> {
        Some(match k {
            "invoke" => Kind::Invoke,
            "ok" => Kind::Ok,
            "fail" => Kind::Fail,
            "info" => Kind::Info,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum F {
    Read,
    Write,
    Cas,
}

impl F {
    pub fn parse(k: &str) -> Option<F> {
        Some(match k {
            "read" => F::Read,
            "write" => F::Write,
            "cas" => F::Cas,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            F::Read => ":read",
            F::Write => ":write",
            F::Cas => ":cas",
        }
    }
}

pub struct Event {
    pub line: u32,
    pub process: u64,
    pub kind: Kind,
    pub f: F,
    pub value: Edn,
}

pub fn to_history(events: Vec<Event>) -> Result<History, ParseError> {
    let independent = events.iter().any(|e| match (e.f, &e.value) {
        (F::Read | F::Write, Edn::Vector(v)) => v.len() == 2,
        (F::Cas, Edn::Vector(v)) => v.len() == 2 && matches!(v[1], Edn::Vector(_)),
        _ => false,
    });
    let mut ops: Vec<Op> = Vec::new();
    let mut running: BTreeMap<u64, (usize, F)> = BTreeMap::new();
    for (position, e) in events.into_iter().enumerate() {
        let position = position as u64;
        if e.kind == Kind::Invoke {
            if let Some(&(i, _)) = running.get(&e.process) {
                return Err(ParseError::new(
                    e.line,
                    format!(
                        "process {} invokes again while its operation from line {} is running",
                        e.process, ops[i].lines.0
                    ),
                ));
            }
            let (key, value) = split(&e.value, independent, e.line)?;
            let call = call(e.f, value, e.line)?;
            running.insert(e.process, (ops.len(), e.f));
            ops.push(Op {
                process: e.process,
                key,
                call,
                outcome: Outcome::Info,
                invoke: position,
                complete: None,
                lines: (e.line, None),
            });
            continue;
        }
        let Some((i, f)) = running.remove(&e.process) else {
            return Err(ParseError::new(
                e.line,
                format!("process {} completes an operation it never invoked", e.process),
            ));
        };
        if f != e.f {
            return Err(ParseError::new(
                e.line,
                format!(
                    "process {} completes a {} but invoked a {} (line {})",
                    e.process,
                    e.f.name(),
                    f.name(),
                    ops[i].lines.0
                ),
            ));
        }
        let op = &mut ops[i];
        op.complete = Some(position);
        op.lines.1 = Some(e.line);
        op.outcome = match e.kind {
            Kind::Ok if f == F::Read => {
                let (key, value) = split(&e.value, independent, e.line)?;
                if key != op.key {
                    return Err(ParseError::new(e.line, "a read completes on another key than it was invoked on"));
                }
                Outcome::read(value_of(value))
            }
            Kind::Ok => Outcome::ok(),
            Kind::Fail => Outcome::Fail,
            _ => Outcome::Info,
        };
    }
    Ok(History::new(ops))
}

/// The key and the value proper.
fn split(value: &Edn, independent: bool, line: u32) -> Result<(Option<Value>, &Edn), ParseError> {
    if !independent {
        return Ok((None, value));
    }
    match value {
        Edn::Vector(v) if v.len() == 2 => match value_of(&v[0]) {
            Some(k) => Ok((Some(k), &v[1])),
            None => Err(ParseError::new(line, "a nil key")),
        },
        other => Err(ParseError::new(
            line,
            format!("expected an independent [key value] tuple like the other operations, found {}", other.text()),
        )),
    }
}

fn call(f: F, value: &Edn, line: u32) -> Result<Call, ParseError> {
    Ok(match f {
        F::Read => Call::Read,
        F::Write => Call::Write(value_of(value).ok_or_else(|| ParseError::new(line, "a write of nil"))?),
        F::Cas => match value {
            Edn::Vector(v) if v.len() == 2 => match (value_of(&v[0]), value_of(&v[1])) {
                (Some(from), Some(to)) => Call::Cas { from, to },
                _ => return Err(ParseError::new(line, "a cas from or to nil")),
            },
            other => return Err(ParseError::new(line, format!("a cas needs [from to], found {}", other.text()))),
        },
    })
}

/// `nil` is no value (a read of a key that does not exist).
fn value_of(e: &Edn) -> Option<Value> {
    match e {
        Edn::Nil => None,
        Edn::Int(n) => Some(Value::Int(*n)),
        Edn::Str(s) => Some(Value::Str(s.clone())),
        other => Some(Value::Other(other.text())),
    }
}
