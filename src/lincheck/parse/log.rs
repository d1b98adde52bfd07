//! The operation log Jepsen's logger prints, one event a line, fields separated by tabs or
//! spaces (tabs, as Jepsen prints them, are shown as spaces here):
//!
//! ```text
//! INFO  jepsen.util - 3    :invoke    :cas    [1 2]
//! INFO  jepsen.util - 3    :ok    :cas    [1 2]
//! INFO  jepsen.util - 4    :info    :write    :timed-out
//! ```
//!
//! The fields are the process, the type, the function and the value (an EDN form). Lines of
//! other loggers (`jepsen.core - ...`) are skipped, and so are events of non-client processes
//! (`:nemesis`). A line may also start directly with the process number.

use super::edn::{Edn, Reader};
use super::events::{self, Event, Kind, F};
use super::{ParseError, MAX_OPS};
use crate::lincheck::history::History;

pub fn parse(text: &str) -> Result<History, ParseError> {
    let mut list = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i as u32 + 1;
        if let Some(event) = parse_line(line, n)? {
            if list.len() >= 2 * MAX_OPS {
                return Err(ParseError::new(n, format!("more than {MAX_OPS} operations")));
            }
            list.push(event);
        }
    }
    events::to_history(list)
}

/// The event on one line, `None` for a line that is not one.
fn parse_line(line: &str, n: u32) -> Result<Option<Event>, ParseError> {
    let rest = match line.find("jepsen.util") {
        Some(at) => match line[at..].find(" - ") {
            Some(dash) => &line[at + dash + 3..],
            None => return Err(ParseError::new(n, "a jepsen.util line without ' - ' before its fields")),
        },
        None if line.trim_start().starts_with(|c: char| c.is_ascii_digit()) => line,
        None => return Ok(None),
    };
    let (process, rest) = field(rest);
    let process = match process.parse::<u64>() {
        Ok(p) => p,
        Err(_) if process.starts_with(':') => return Ok(None), // :nemesis
        Err(_) => return Err(ParseError::new(n, format!("expected a process number, found {process:?}"))),
    };
    let (kind, rest) = field(rest);
    let (f, value) = field(rest);
    let kind = kind
        .strip_prefix(':')
        .and_then(Kind::parse)
        .ok_or_else(|| ParseError::new(n, format!("expected :invoke, :ok, :fail or :info, found {kind:?}")))?;
    let f = f.strip_prefix(':').and_then(F::parse).ok_or_else(|| {
        let found = if f.is_empty() { "nothing".to_string() } else { format!("{f:?}") };
        ParseError::new(n, format!("expected :read, :write or :cas, found {found}"))
    })?;
    let value = read_value(value, n)?;
    Ok(Some(Event { line: n, process, kind, f, value }))
}

/// The first field (up to a tab or space) and the rest after the separating run.
fn field(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    (&s[..end], s[end..].trim_start())
}

/// Exactly one EDN form.
fn read_value(text: &str, n: u32) -> Result<Edn, ParseError> {
    let mut reader = Reader::new(text);
    let at = |e: ParseError| ParseError::new(n, format!("in the value: {}", e.message));
    let Some(value) = reader.next_form().map_err(at)? else {
        return Err(ParseError::new(n, "the value is missing"));
    };
    if reader.next_form().map_err(at)?.is_some() {
        return Err(ParseError::new(n, format!("more than one value after the function: {:?}", text.trim())));
    }
    Ok(value)
}
