//! What the Check dialog shows of a check, as data (`Progress`, `Outcome`) and as the markup the
//! worker posts to the page: the page inserts it as it is, so none of this is in the page's wasm
//! (its first load has a budget). Every text in it is escaped.
//!
//! The markup the page and the tests rely on: `#check-status` (`data-state`: running or done;
//! a class for its tone), `#check-result` (`data-ending`), one `li` per property with
//! `data-verdict`, and per run a "Replay in the stage" and a "Copy link" button
//! (`data-action` replay or copy, `data-payload` the scenario's link payload).

use std::fmt::Write;

/// The counters of a search, as the progress line and the result show them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Progress {
    pub unique: u64,
    pub generated: u64,
    pub depth: u64,
    pub queue: u64,
    pub bytes: u64,
    pub elapsed_ms: f64,
}

impl Progress {
    /// Unique states per second so far.
    pub fn rate(&self) -> u64 {
        if self.elapsed_ms <= 0.0 {
            0
        } else {
            (self.unique as f64 * 1000.0 / self.elapsed_ms) as u64
        }
    }

    /// "8,818 states · depth 20 · queue 0 · 29,316 states/s · 0.3 MiB · 0.3 s".
    pub fn summary(&self) -> String {
        format!(
            "{} states · depth {} · queue {} · {} states/s · {} MiB · {} s",
            grouped(self.unique),
            self.depth,
            grouped(self.queue),
            grouped(self.rate()),
            tenths(self.bytes * 10 / (1 << 20)),
            tenths((self.elapsed_ms / 100.0) as u64),
        )
    }

    /// The counts as data attributes (for the tests and the bench).
    fn data(&self) -> String {
        format!(
            "data-unique=\"{}\" data-depth=\"{}\" data-elapsed-ms=\"{}\"",
            self.unique,
            self.depth,
            self.elapsed_ms.round() as u64
        )
    }

    /// The progress line, with the counts in data attributes.
    pub fn markup(&self) -> String {
        format!(
            "<p id=\"check-status\" class=\"check-status\" data-state=\"running\" {}>Running: {}</p>",
            self.data(),
            escape(&self.summary())
        )
    }
}

/// `n` with thousands separated by commas.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count of tenths as a decimal: 12 -> "1.2".
fn tenths(n: u64) -> String {
    format!("{}.{}", grouped(n / 10), n % 10)
}

pub use crate::scenario::text::escape;

/// How a verdict looks: green, red, amber (unknown: the search stopped early) or grey. The
/// text says it too; the colour only repeats it.
pub fn tone(verdict: &str) -> &'static str {
    match verdict {
        "holds" | "reached" | "complete" | "goal" => "good",
        "violated" | "violation" => "bad",
        "unknown" | "state_limit" | "memory_limit" | "cancelled" => "unknown",
        _ => "neutral",
    }
}

/// What a verdict means, in words.
fn verdict_text(verdict: &str) -> &'static str {
    match verdict {
        "holds" => "holds in every state explored",
        "violated" => "VIOLATED: the counterexample is below",
        "unknown" => "unknown: the search is incomplete",
        "reached" => "reached: a run below shows it",
        "unreachable" => "unreachable within the bounds",
        _ => "?",
    }
}

/// One property and what the search says about it (`check::Verdict` in snake case).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerdictLine {
    pub property: String,
    pub verdict: &'static str,
}

/// A run the checker found, ready to open in the stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrailLine {
    /// counterexample, goal, chosen or stuck.
    pub kind: &'static str,
    pub title: String,
    pub steps: usize,
    /// The scenario's link payload; empty when the run could not be turned into one.
    pub payload: String,
    /// What the run shows (the violation), or why it cannot be replayed.
    pub note: String,
}

/// The result of a check.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    /// `check::Ending` in snake case: complete, violation, goal, state_limit, memory_limit, cancelled.
    pub ending: &'static str,
    pub headline: String,
    pub counts: Progress,
    pub stuck: u64,
    pub verdicts: Vec<VerdictLine>,
    pub trails: Vec<TrailLine>,
}

impl Outcome {
    pub fn markup(&self) -> String {
        let mut h = format!(
            "<section id=\"check-result\" data-ending=\"{}\" aria-label=\"Result\">\
             <p id=\"check-status\" class=\"check-status {}\" data-state=\"done\" {}>{}</p>\
             <p id=\"check-counts\">{} · {} stuck (nothing more can happen, nothing chosen)</p><ul class=\"check-list\">",
            self.ending,
            tone(self.ending),
            self.counts.data(),
            escape(&self.headline),
            escape(&self.counts.summary()),
            grouped(self.stuck),
        );
        for v in &self.verdicts {
            let _ = write!(
                h,
                "<li class=\"verdict {}\" data-verdict=\"{}\"><b>{}</b>: {}</li>",
                tone(v.verdict),
                v.verdict,
                escape(&v.property),
                verdict_text(v.verdict)
            );
        }
        h.push_str("</ul><ul class=\"check-list\">");
        for t in &self.trails {
            let _ = write!(
                h,
                "<li class=\"check-trail\" data-kind=\"{}\"><b>{}</b> ({} steps).",
                t.kind,
                escape(&t.title),
                t.steps
            );
            if !t.note.is_empty() {
                let _ = write!(h, " {}", escape(&t.note));
            }
            if !t.payload.is_empty() {
                let p = escape(&t.payload);
                let _ = write!(
                    h,
                    "<div class=\"row\"><button type=\"button\" class=\"btn small primary\" data-action=\"replay\" \
                     data-payload=\"{p}\">Replay in the stage</button><button type=\"button\" class=\"btn small\" \
                     data-action=\"copy\" data-payload=\"{p}\">Copy link</button></div>"
                );
            }
            h.push_str("</li>");
        }
        h.push_str("</ul></section>");
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(8818), "8,818");
        assert_eq!(grouped(1_194_428), "1,194,428");
        let p = Progress { unique: 8818, generated: 43516, depth: 20, queue: 0, bytes: 300_000, elapsed_ms: 301.0 };
        assert_eq!(p.rate(), 29295);
        assert_eq!(p.summary(), "8,818 states · depth 20 · queue 0 · 29,295 states/s · 0.2 MiB · 0.3 s");
        assert_eq!(Progress { elapsed_ms: 0.0, ..p }.rate(), 0);
        assert!(
            p.markup().contains("data-unique=\"8818\" data-depth=\"20\" data-elapsed-ms=\"301\">Running: 8,818 states"),
            "{}",
            p.markup()
        );
    }

    #[test]
    fn text_in_the_markup_is_escaped() {
        assert_eq!(
            escape("<img src=x onerror='a()'> & \"b\""),
            "&lt;img src=x onerror=&#39;a()&#39;&gt; &amp; &quot;b&quot;"
        );
        let o = Outcome {
            ending: "violation",
            headline: "<b>".into(),
            verdicts: vec![VerdictLine { property: "a<b".into(), verdict: "violated" }],
            trails: vec![TrailLine {
                kind: "counterexample",
                title: "T\"".into(),
                steps: 3,
                payload: "P\"Q".into(),
                note: "n2 accepted \"B\"".into(),
            }],
            ..Outcome::default()
        };
        let h = o.markup();
        for (want, why) in [
            ("data-ending=\"violation\"", "ending"),
            ("class=\"check-status bad\"", "tone"),
            (">&lt;b&gt;</p>", "headline"),
            ("<li class=\"verdict bad\" data-verdict=\"violated\"><b>a&lt;b</b>: VIOLATED", "verdict"),
            ("<b>T&quot;</b> (3 steps). n2 accepted &quot;B&quot;", "trail"),
            ("data-action=\"replay\" data-payload=\"P&quot;Q\"", "replay"),
            ("data-action=\"copy\" data-payload=\"P&quot;Q\"", "copy"),
        ] {
            assert!(h.contains(want), "{why}: {h}");
        }
        assert_eq!(h.matches('<').count(), h.matches('>').count());
    }
}
