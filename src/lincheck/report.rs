//! A report as text for people: the verdict, a line per key, and for a key that is not
//! linearizable the point where no order works, the end of the longest linearizable prefix, and
//! each operation that could not be placed next with the reason.

use super::check::{key_name, Failure, PartReport, Report, Scope, Verdict};
use super::history::History;
use std::fmt::Write;

/// Keys listed one by one when all are linearizable; beyond this, a count.
pub const KEYS_LISTED: usize = 20;
/// Operations of the longest prefix shown (its last ones).
pub const PREFIX_SHOWN: usize = 8;

pub fn render(report: &Report, history: &History) -> String {
    let mut out = String::new();
    let mut listed = 0;
    for part in &report.parts {
        if part.verdict == Verdict::Linearizable && listed >= KEYS_LISTED {
            continue;
        }
        listed += (part.verdict == Verdict::Linearizable) as usize;
        let _ = writeln!(out, "{}", part_line(part));
        if let Some(f) = &part.failure {
            failure(&mut out, f, history);
        }
    }
    let hidden = report.parts.iter().filter(|p| p.verdict == Verdict::Linearizable).count().saturating_sub(listed);
    if hidden > 0 {
        let _ = writeln!(out, "... and {hidden} more keys, linearizable");
    }
    out
}

/// `key 3: linearizable (1,000 operations, 1,052 configurations, 2,104 steps)`.
pub fn part_line(part: &PartReport) -> String {
    let scope = match &part.scope {
        Scope::Key(k) => key_name(k),
        Scope::AllKeys => "all keys as one object".to_string(),
    };
    let verdict = match part.verdict {
        Verdict::Linearizable => "linearizable".to_string(),
        Verdict::NotLinearizable => "NOT linearizable".to_string(),
        Verdict::Unknown => format!("unknown ({})", part.limit.as_deref().unwrap_or("limit reached")),
    };
    format!(
        "{scope}: {verdict} ({} operations, {} configurations, {} steps)",
        thousands(part.ops as u64),
        thousands(part.configurations as u64),
        thousands(part.steps)
    )
}

fn failure(out: &mut String, f: &Failure, history: &History) {
    match f.blocked {
        Some(b) => {
            let _ = writeln!(out, "  no order works at the completion of {}", op_line(history, b));
            let before = if f.exact {
                "up to the completion before, it is"
            } else {
                "the search limit ran out before a shorter failing prefix was ruled out"
            };
            let _ = writeln!(
                out,
                "  this key's history up to there ({} operations, {} completed) is not linearizable; {before}",
                thousands(f.ops as u64),
                thousands(f.completions as u64)
            );
        }
        None => {
            let _ = writeln!(out, "  no order works ({} operations)", thousands(f.ops as u64));
        }
    }
    let shown = f.prefix.len().min(PREFIX_SHOWN);
    let _ = writeln!(
        out,
        "  longest linearizable prefix: {} operations{}, leaving {}",
        f.prefix.len(),
        if shown < f.prefix.len() { format!(" (the last {shown} below)") } else { String::new() },
        if f.state.is_empty() { "the initial state".to_string() } else { f.state.clone() }
    );
    for &i in &f.prefix[f.prefix.len() - shown..] {
        let _ = writeln!(out, "    {}", op_line(history, i));
    }
    let _ = writeln!(out, "  could not be placed next:");
    for u in &f.unplaced {
        let _ = writeln!(out, "    {}: {}", op_line(history, u.op), u.why);
    }
}

/// `#12 process 3 read -> 2 (lines 20-24)`.
pub fn op_line(history: &History, i: usize) -> String {
    let op = &history.ops[i];
    let key = match &op.key {
        Some(k) => format!(" key {k}"),
        None => String::new(),
    };
    format!("#{i} process {}{key} {} ({})", op.process, op.describe(), op.source())
}

/// 1234567 as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
