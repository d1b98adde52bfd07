//! Reading history files: the project's JSON Lines format, Jepsen / Knossos / Maelstrom EDN,
//! and the plain operation log Jepsen's logger prints for a single register. The formats are
//! described in `docs/lincheck.md`.
//!
//! Every error names the line it was found on and never panics. Hostile inputs are bounded:
//! files above `MAX_BYTES`, more than `MAX_OPS` operations and EDN nested deeper than
//! `edn::MAX_DEPTH` are refused with a message instead of exhausting memory or the stack.

pub mod edn;
mod events;
pub mod json;
pub mod log;

use super::history::History;
use std::fmt;

/// Largest history file read (1 GiB).
pub const MAX_BYTES: usize = 1 << 30;
/// Most operations in one history.
pub const MAX_OPS: usize = 20_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Edn,
    Log,
}

impl Format {
    pub fn parse(name: &str) -> Result<Format, String> {
        match name.trim() {
            "json" | "jsonl" => Ok(Format::Json),
            "edn" => Ok(Format::Edn),
            "log" => Ok(Format::Log),
            other => Err(format!("unknown format {other:?}: expected json, edn or log")),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Edn => "edn",
            Format::Log => "log",
        }
    }
}

/// A problem in a history file, at a line (1-based; 0 when it concerns the whole file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: u32,
    pub message: String,
}

impl ParseError {
    pub fn new(line: u32, message: impl Into<String>) -> ParseError {
        ParseError { line, message: message.into() }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            0 => f.write_str(&self.message),
            n => write!(f, "line {n}: {}", self.message),
        }
    }
}

/// Tells the format from the first line that says something: `{"` opens a JSON object, `{:`,
/// `[` or `(` an EDN form, and a line of Jepsen's logger (or one starting with a process
/// number) the plain log.
pub fn detect(text: &str) -> Option<Format> {
    for line in text.lines().take(1000) {
        let t = line.trim_start();
        if t.is_empty() {
            continue;
        }
        if let Some(rest) = t.strip_prefix('{') {
            return match rest.trim_start().chars().next() {
                Some('"') | Some('}') => Some(Format::Json),
                _ => Some(Format::Edn),
            };
        }
        if t.starts_with(['[', '(', ';', '#']) {
            return Some(Format::Edn);
        }
        if t.starts_with(|c: char| c.is_ascii_digit()) || t.contains("jepsen.util") {
            return Some(Format::Log);
        }
    }
    None
}

/// Reads a history in `format`, or in the detected one.
pub fn parse(text: &str, format: Option<Format>) -> Result<(History, Format), ParseError> {
    if text.len() > MAX_BYTES {
        return Err(ParseError::new(0, format!("the file is larger than {} MiB", MAX_BYTES >> 20)));
    }
    let format = match format.or_else(|| detect(text)) {
        Some(f) => f,
        None if text.trim().is_empty() => return Err(ParseError::new(0, "the file is empty")),
        None => {
            return Err(ParseError::new(
                0,
                "cannot tell the format (not JSON Lines, EDN or a Jepsen log); name it with --format json|edn|log",
            ))
        }
    };
    let history = match format {
        Format::Json => json::parse(text)?,
        Format::Edn => edn::parse_history(text)?,
        Format::Log => log::parse(text)?,
    };
    if history.ops.is_empty() {
        return Err(ParseError::new(0, format!("no operations found (read as {})", format.name())));
    }
    Ok((history, format))
}
