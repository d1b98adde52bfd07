//! A scenario: everything that reproduces a run exactly (configuration, seed and schedule), plus
//! what a person sees it by (title, description, captions, the moment to open at). Plain serde
//! data: JSON files, share links and the built-in lessons are all scenarios.
//!
//! - `link`: the compact share-link form (`#s=...`), versioned, bounded, never panicking.
//! - `wire`: the frozen binary types of each link format version, and their migration.
//! - JSON files: `Scenario::to_json` / `Scenario::from_json` (the readable serde form).
//! - `lessons`: the built-in course material, each lesson a scenario with narrated captions
//!   and an expected outcome that `tests/native/lessons.rs` asserts.
//! - `export`: the trace of a run as JSON.
//! - `fuzz`: feeds generated hostile input to the decoders and counts panics (there must be none).

pub mod error;
pub mod export;
pub mod fuzz;
pub mod lessons;
pub mod link;
pub mod text;
pub mod wire;
pub mod zlib;

pub use error::{LoadError, Origin, Problem};

use crate::sim::config::MAX_TICKS;
use crate::sim::{Action, At, Config, ConfigError, History, Scheduled};
use serde::{Deserialize, Serialize};

/// The format version written by this build (links and JSON files). Format 2 added the timeout
/// growth switch (`Timing::timeout_growth`) and the `FireTimer` action; format 1 is read and
/// migrated with the switch off, so what it holds replays as before (`wire::migrate_v1`).
pub const FORMAT_VERSION: u32 = 2;
/// Most scheduled actions a scenario may carry.
pub const MAX_SCHEDULE: usize = 10_000;
/// Longest title, description or caption text, in bytes.
pub const MAX_TEXT: usize = 2_000;
/// Most captions.
pub const MAX_CAPTIONS: usize = 200;
/// Latest tick a scheduled action may name (far beyond any run a person watches, and far
/// from where time arithmetic could overflow).
pub const MAX_AT_TICK: u64 = 1_000_000_000;
/// Largest JSON scenario file read, in bytes (a full 10,000-action schedule is about 1 MB).
pub const MAX_JSON_BYTES: usize = 4 << 20;
/// Deepest nesting of arrays and objects in a JSON file (a scenario needs 7: the groups of a
/// partition, in its action, in a schedule entry, in the schedule, in the file).
pub const MAX_JSON_DEPTH: usize = 32;

/// A caption shown from a moment of the run on (lessons narrate with these). `step` is a cursor
/// position, the number of steps done: a caption at step 5 is shown once the step numbered 4
/// (the fifth) has happened, and explains it. Captions are kept in step order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Caption {
    pub step: u64,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scenario {
    pub version: u32,
    pub title: String,
    pub description: String,
    pub config: Config,
    pub seed: u64,
    pub schedule: Vec<Scheduled>,
    /// The step to open at (`None`: the start).
    pub cursor: Option<u64>,
    pub captions: Vec<Caption>,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            version: FORMAT_VERSION,
            title: String::new(),
            description: String::new(),
            config: Config::default(),
            seed: 1,
            schedule: Vec::new(),
            cursor: None,
            captions: Vec::new(),
        }
    }
}

impl Scenario {
    /// Checks the configuration and every limit; the message says what to change.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let err = |m: String| Err(ConfigError(m));
        if self.version == 0 || self.version > FORMAT_VERSION {
            return err(format!(
                "scenario format version {} is not one this build reads (it reads 1 to {FORMAT_VERSION})",
                self.version
            ));
        }
        self.config.validate()?;
        if self.schedule.len() > MAX_SCHEDULE {
            return err(format!("{} scheduled actions: at most {MAX_SCHEDULE}", self.schedule.len()));
        }
        if self.captions.len() > MAX_CAPTIONS {
            return err(format!("{} captions: at most {MAX_CAPTIONS}", self.captions.len()));
        }
        let texts = [&self.title, &self.description].into_iter().chain(self.captions.iter().map(|c| &c.text));
        if texts.into_iter().any(|t| t.len() > MAX_TEXT) {
            return err(format!("a title, description or caption is longer than {MAX_TEXT} bytes"));
        }
        if self.captions.windows(2).any(|w| w[0].step > w[1].step) {
            return err("captions must be in step order".to_string());
        }
        self.schedule.iter().try_for_each(|s| self.validate_entry(s))
    }

    fn validate_entry(&self, s: &Scheduled) -> Result<(), ConfigError> {
        let err = |m: String| Err(ConfigError(m));
        let nodes = self.config.roles().len();
        if let Some(n) = s.action.nodes().into_iter().find(|n| n.index() >= nodes) {
            return err(format!("the schedule names {n}, but there are only {nodes} nodes"));
        }
        if let At::Tick(t) = s.at {
            if t > MAX_AT_TICK {
                return err(format!("an action at tick {t}: at most {MAX_AT_TICK}"));
            }
        }
        match &s.action {
            Action::SetNetwork { params } => Config { network: *params, ..self.config.clone() }.validate(),
            Action::Delay { ticks, .. } if *ticks > MAX_TICKS => {
                err(format!("a delay of {ticks} ticks: at most {MAX_TICKS}"))
            }
            Action::Partition { groups } => {
                let mut seen = vec![false; nodes];
                for n in groups.iter().flatten() {
                    if std::mem::replace(&mut seen[n.index()], true) {
                        return err(format!("a partition names {n} twice"));
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The same scenario with its texts cleaned (see `text::clean`).
    pub fn cleaned(mut self) -> Scenario {
        self.title = text::clean(&self.title);
        self.description = text::clean(&self.description);
        for c in &mut self.captions {
            c.text = text::clean(&c.text);
        }
        self
    }

    /// The caption to show at `cursor`: the last one at or before it.
    pub fn caption_at(&self, cursor: u64) -> Option<&Caption> {
        let i = self.captions.partition_point(|c| c.step <= cursor);
        i.checked_sub(1).map(|i| &self.captions[i])
    }

    /// Where "Next" goes from `cursor`: the step of the first caption after it.
    pub fn next_caption_step(&self, cursor: u64) -> Option<u64> {
        self.captions.iter().map(|c| c.step).find(|&s| s > cursor)
    }

    /// Where "Back" goes from `cursor`: the step of the last caption before it.
    pub fn prev_caption_step(&self, cursor: u64) -> Option<u64> {
        self.captions.iter().rev().map(|c| c.step).find(|&s| s < cursor)
    }

    /// A history for this scenario (not yet run).
    pub fn history(&self) -> History {
        History::new(&self.config, self.seed, &self.schedule)
    }

    /// Reads a scenario file. The version is read first, so a file from a newer build gets a
    /// clear message rather than a confusing field error; a file without one is format 1.
    /// Format 1 to 2: the JSON shape only grew (a `timeout_growth` field, a `fire_timer`
    /// action), so a format-1 file reads as is, and then its timeout growth is turned off, as
    /// format 1 had none; that covers a file that leaves out `timing` too, which would otherwise
    /// get `Timing::default()`. A format that changes the shape would rewrite a
    /// `serde_json::Value` before deserializing.
    pub fn from_json(text: &str) -> Result<Scenario, LoadError> {
        let fail = |p| Err(LoadError::file(p));
        if text.len() > MAX_JSON_BYTES {
            return fail(Problem::TooLong { len: text.len(), max: MAX_JSON_BYTES });
        }
        if text.trim().is_empty() {
            return fail(Problem::Empty);
        }
        if nesting_exceeds(text, MAX_JSON_DEPTH) {
            return fail(Problem::Malformed(format!("data nested more than {MAX_JSON_DEPTH} levels deep")));
        }
        let malformed = |e: serde_json::Error| LoadError::file(Problem::Malformed(format!("not a scenario: {e}")));
        let probe: VersionProbe = serde_json::from_str(text).map_err(malformed)?;
        match probe.version {
            0 => return fail(Problem::OldVersion { version: 0 }),
            v if v > FORMAT_VERSION => return fail(Problem::NewerVersion { version: v }),
            _ => {}
        }
        let mut s: Scenario = serde_json::from_str(text).map_err(malformed)?;
        if probe.version == 1 {
            s.config.timing.timeout_growth = false;
        }
        let s = Scenario { version: FORMAT_VERSION, ..s }.cleaned();
        s.validate().map_err(|e| LoadError::file(Problem::Invalid(e.0)))?;
        Ok(s)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Whether JSON `text` nests arrays and objects deeper than `max` (brackets inside strings do
/// not count). Checked before parsing: serde_json stops at 128 levels where it builds values,
/// but skips unknown fields by its own rules; this one scan bounds both.
fn nesting_exceeds(text: &str, max: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for b in text.bytes() {
        match (in_string, escaped, b) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') => in_string = false,
            (true, false, _) => {}
            (false, _, b'"') => in_string = true,
            (false, _, b'[' | b'{') => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            (false, _, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// The one field read before the rest of a JSON file. serde_json's nesting limit (128) holds
/// here too, so deeply nested input is an error, not a stack overflow.
#[derive(Deserialize)]
struct VersionProbe {
    #[serde(default = "first_version")]
    version: u32,
}

fn first_version() -> u32 {
    1
}
