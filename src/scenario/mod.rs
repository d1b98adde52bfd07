//! A scenario: everything that reproduces a run exactly (configuration, seed and schedule), plus
//! what a person sees it by (title, description, captions, the moment to open at). Plain serde
//! data: JSON files, share links and the built-in lessons are all scenarios.

use crate::sim::{Config, ConfigError, History, Scheduled};
use serde::{Deserialize, Serialize};

/// The format version written by this build.
pub const FORMAT_VERSION: u32 = 1;
/// Most scheduled actions a scenario may carry.
pub const MAX_SCHEDULE: usize = 10_000;
/// Longest title, description or caption text, in bytes.
pub const MAX_TEXT: usize = 2_000;
/// Most captions.
pub const MAX_CAPTIONS: usize = 200;

/// A caption shown from a step of the run on (lessons narrate with these).
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
                "scenario format version {} is not one this build reads (it reads 1..={FORMAT_VERSION})",
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
        let nodes = self.config.roles().len();
        for s in &self.schedule {
            if let Some(n) = s.action.nodes().into_iter().find(|n| n.index() >= nodes) {
                return err(format!("the schedule names {n}, but there are only {nodes} nodes"));
            }
            if let crate::sim::Action::SetNetwork { params } = &s.action {
                let probe = Config { network: *params, ..self.config.clone() };
                probe.validate()?;
            }
        }
        Ok(())
    }

    /// A history for this scenario (not yet run).
    pub fn history(&self) -> History {
        History::new(&self.config, self.seed, &self.schedule)
    }

    pub fn from_json(text: &str) -> Result<Scenario, String> {
        let s: Scenario = serde_json::from_str(text).map_err(|e| format!("not a scenario: {e}"))?;
        s.validate().map_err(|e| e.0)?;
        Ok(s)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
