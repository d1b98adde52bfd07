//! The trace of a run as a JSON document, for people who want to read, diff or plot a run
//! outside the page. It carries the scenario that produced it, so it is also a reproduction.

use super::Scenario;
use crate::sim::{Event, History, Violation};
use serde::Serialize;

/// Marks the document so tools can tell it from a scenario file.
pub const TRACE_FORMAT: &str = "paxos-playground-trace";
/// Bumped when the document's shape changes.
pub const TRACE_VERSION: u32 = 1;

#[derive(Serialize)]
struct TraceDoc<'a> {
    format: &'static str,
    version: u32,
    scenario: &'a Scenario,
    /// Hex, because JSON numbers lose precision past 2^53.
    trace_hash: String,
    /// Steps recorded (the frontier) and the cursor the page is at.
    steps: u64,
    cursor: u64,
    time: u64,
    chosen: Option<String>,
    violations: &'a [Violation],
    events: &'a [Event],
}

/// The recorded trace of `history` (up to its frontier), with the scenario that produced it.
pub fn trace_json(scenario: &Scenario, history: &History) -> String {
    let world = history.world();
    let doc = TraceDoc {
        format: TRACE_FORMAT,
        version: TRACE_VERSION,
        scenario,
        trace_hash: format!("{:016x}", history.trace_hash()),
        steps: history.frontier(),
        cursor: history.cursor(),
        time: history.time(),
        chosen: world.chosen().map(|v| v.to_string()),
        violations: &world.system.violations,
        events: &history.trace,
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
