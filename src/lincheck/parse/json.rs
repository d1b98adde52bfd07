//! The project's own history format: JSON Lines, one operation per line (so an error names
//! its line, and a simulator can append as it goes). `docs/lincheck.md` describes it:
//!
//! ```text
//! {"format": "paxos-lincheck", "version": 1}
//! {"client": 1, "key": "x", "op": "write", "value": 3, "invoke": 0, "complete": 4, "outcome": "ok", "version": 1}
//! {"client": 2, "key": "x", "op": "read", "invoke": 1, "complete": 6, "outcome": "ok", "value": 3, "version": 1}
//! {"client": 3, "key": "x", "op": "cas", "from": 3, "to": 4, "invoke": 2, "outcome": "info"}
//! {"client": 1, "key": "y", "op": "read", "invoke": 7, "complete": 9, "outcome": "error", "error": "key-does-not-exist"}
//! ```
//!
//! The header line is optional. `write_line` writes the same format.

use super::{ParseError, MAX_OPS};
use crate::lincheck::history::{Call, History, KvError, Op, Outcome, Value};
use serde::{Deserialize, Deserializer};
use serde_json::Value as Json;

pub const FORMAT: &str = "paxos-lincheck";
pub const VERSION: u32 = 1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    format: String,
    version: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    client: u64,
    #[serde(default)]
    key: Option<Json>,
    op: String,
    #[serde(default, deserialize_with = "present")]
    value: Option<Json>,
    #[serde(default)]
    from: Option<Json>,
    #[serde(default)]
    to: Option<Json>,
    invoke: u64,
    #[serde(default)]
    complete: Option<u64>,
    outcome: String,
    #[serde(default)]
    error: Option<Json>,
    #[serde(default)]
    version: Option<u64>,
}

/// A field that is present, even as `null` (missing stays `None`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Json>, D::Error> {
    Json::deserialize(d).map(Some)
}

pub fn parse(text: &str) -> Result<History, ParseError> {
    let mut ops = Vec::new();
    let mut first = true;
    for (i, raw) in text.lines().enumerate() {
        let n = i as u32 + 1;
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        if std::mem::take(&mut first) && raw.contains("\"format\"") {
            header(raw, n)?;
            continue;
        }
        let line: Line = serde_json::from_str(raw).map_err(|e| ParseError::new(n, json_error(&e)))?;
        if ops.len() >= MAX_OPS {
            return Err(ParseError::new(n, format!("more than {MAX_OPS} operations")));
        }
        ops.push(op(line, n).map_err(|m| ParseError::new(n, m))?);
    }
    Ok(History::new(ops))
}

fn header(raw: &str, n: u32) -> Result<(), ParseError> {
    let h: Header = serde_json::from_str(raw).map_err(|e| ParseError::new(n, json_error(&e)))?;
    if h.format != FORMAT || h.version != VERSION {
        return Err(ParseError::new(
            n,
            format!("this is {:?} version {}; this program reads {FORMAT:?} version {VERSION}", h.format, h.version),
        ));
    }
    Ok(())
}

fn json_error(e: &serde_json::Error) -> String {
    let mut m = e.to_string();
    if let Some(at) = m.find(" at line ") {
        m.truncate(at);
    }
    if e.is_eof() {
        m.push_str(" (each operation must be one whole JSON object on one line)");
    }
    m
}

fn op(line: Line, n: u32) -> Result<Op, String> {
    let need = |field: &str, v: Option<Json>| match v {
        None | Some(Json::Null) => Err(format!("a {} needs {field:?}", line.op)),
        Some(v) => Ok(value(v)),
    };
    let call = match line.op.as_str() {
        "read" => Call::Read,
        "write" => Call::Write(need("value", line.value.clone())?),
        "cas" => Call::Cas { from: need("from", line.from.clone())?, to: need("to", line.to.clone())? },
        other => return Err(format!("unknown op {other:?}: expected read, write or cas")),
    };
    let error = match &line.error {
        None => None,
        Some(e) => Some(kv_error(e)?),
    };
    let outcome = match (line.outcome.as_str(), error) {
        ("ok", None) => {
            let value = match (&call, line.value) {
                (Call::Read, None) => {
                    return Err("a read that returned ok needs \"value\" (null: the key does not exist)".into())
                }
                (Call::Read, Some(v)) => (!v.is_null()).then(|| value(v)),
                _ => None,
            };
            Outcome::Ok { value, version: line.version }
        }
        ("error", Some(e)) => match (&call, e) {
            (Call::Write(_), _) | (Call::Read, KvError::PreconditionFailed) => {
                return Err(format!("a {} never returns {}", line.op, e.name()))
            }
            _ => Outcome::Error(e),
        },
        ("error", None) => {
            return Err("outcome \"error\" needs \"error\": key-does-not-exist or precondition-failed".into())
        }
        (_, Some(_)) => return Err("\"error\" goes with outcome \"error\" only".into()),
        ("fail", None) => Outcome::Fail,
        ("info", None) => Outcome::Info,
        (other, None) => return Err(format!("unknown outcome {other:?}: expected ok, error, fail or info")),
    };
    let definite = matches!(outcome, Outcome::Ok { .. } | Outcome::Error(_));
    match line.complete {
        None if definite => return Err(format!("outcome {:?} needs \"complete\"", line.outcome)),
        Some(c) if c < line.invoke => return Err(format!("complete {c} is before invoke {}", line.invoke)),
        _ => {}
    }
    if line.version.is_some() && !matches!(outcome, Outcome::Ok { .. }) {
        return Err("\"version\" goes with outcome \"ok\" only".into());
    }
    let key = line.key.and_then(|k| (!k.is_null()).then(|| value(k)));
    Ok(Op {
        process: line.client,
        key,
        call,
        outcome,
        invoke: line.invoke,
        complete: line.complete,
        lines: (n, Some(n)),
    })
}

fn kv_error(e: &Json) -> Result<KvError, String> {
    match e {
        Json::String(s) if s == "key-does-not-exist" => Ok(KvError::KeyDoesNotExist),
        Json::String(s) if s == "precondition-failed" => Ok(KvError::PreconditionFailed),
        Json::Number(c) if c.as_u64() == Some(20) => Ok(KvError::KeyDoesNotExist),
        Json::Number(c) if c.as_u64() == Some(22) => Ok(KvError::PreconditionFailed),
        other => {
            Err(format!("unknown error {other}: expected \"key-does-not-exist\" (20) or \"precondition-failed\" (22)"))
        }
    }
}

/// Integers and strings as such; anything else (a float, an object) as its JSON text.
fn value(v: Json) -> Value {
    match v {
        Json::Number(n) if n.as_i64().is_some() => Value::Int(n.as_i64().unwrap_or(0)),
        Json::String(s) => Value::Str(s),
        other => Value::Other(other.to_string()),
    }
}

fn json_of(v: &Value) -> Json {
    match v {
        Value::Int(n) => Json::from(*n),
        Value::Str(s) => Json::from(s.as_str()),
        Value::Other(t) => serde_json::from_str(t).unwrap_or_else(|_| Json::from(t.as_str())),
    }
}

/// One operation as a line of the format.
pub fn write_line(op: &Op) -> String {
    let mut m = serde_json::Map::new();
    m.insert("client".into(), Json::from(op.process));
    if let Some(k) = &op.key {
        m.insert("key".into(), json_of(k));
    }
    let (name, args): (&str, Vec<(&str, &Value)>) = match &op.call {
        Call::Read => ("read", vec![]),
        Call::Write(v) => ("write", vec![("value", v)]),
        Call::Cas { from, to } => ("cas", vec![("from", from), ("to", to)]),
    };
    m.insert("op".into(), Json::from(name));
    for (k, v) in args {
        m.insert(k.into(), json_of(v));
    }
    m.insert("invoke".into(), Json::from(op.invoke));
    if let Some(c) = op.complete {
        m.insert("complete".into(), Json::from(c));
    }
    let outcome = match &op.outcome {
        Outcome::Ok { value, version } => {
            if op.call == Call::Read {
                m.insert("value".into(), value.as_ref().map(json_of).unwrap_or(Json::Null));
            }
            if let Some(v) = version {
                m.insert("version".into(), Json::from(*v));
            }
            "ok"
        }
        Outcome::Error(e) => {
            m.insert("error".into(), Json::from(e.name()));
            "error"
        }
        Outcome::Fail => "fail",
        Outcome::Info => "info",
    };
    m.insert("outcome".into(), Json::from(outcome));
    Json::Object(m).to_string()
}

/// The header line.
pub fn header_line() -> String {
    format!("{{\"format\":\"{FORMAT}\",\"version\":{VERSION}}}")
}
