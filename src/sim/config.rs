//! A world's configuration as a person writes it, with the limits that keep it sane.

use super::net::NetParams;
use crate::decimal::shortest;
use crate::protocol::{Broken, Cluster, Quorums, Roles, Timing};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Most nodes of one role (and most all-role servers). Acceptor sets are 64-bit masks; the
/// page stays readable up to about this many.
pub const MAX_PER_ROLE: u8 = 16;
/// Longest latency or timeout, in ticks.
pub const MAX_TICKS: u32 = 100_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topology {
    /// Every node is proposer, acceptor and learner.
    Servers { count: u8 },
    /// Separate nodes per role, numbered proposers first, then acceptors, then learners.
    Separate { proposers: u8, acceptors: u8, learners: u8 },
}

impl Topology {
    /// The nodes in words, each count with its noun in the right number: "2 proposers, 3
    /// acceptors, 1 learner".
    pub fn describe(&self) -> String {
        let count = |n: u8, one: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {one}s") };
        match *self {
            Topology::Servers { count: n } => count(n, "server"),
            Topology::Separate { proposers, acceptors, learners } => {
                format!(
                    "{}, {}, {}",
                    count(proposers, "proposer"),
                    count(acceptors, "acceptor"),
                    count(learners, "learner")
                )
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    pub topology: Topology,
    /// Quorum sizes; `None` means a majority of the acceptors for both phases.
    pub quorums: Option<Quorums>,
    pub nack: bool,
    pub timing: Timing,
    pub broken: Broken,
    pub network: NetParams,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            topology: Topology::Separate { proposers: 2, acceptors: 3, learners: 1 },
            quorums: None,
            nack: true,
            timing: Timing::default(),
            broken: Broken::default(),
            network: NetParams::default(),
        }
    }
}

/// Why a configuration was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    pub fn roles(&self) -> Vec<Roles> {
        match self.topology {
            Topology::Servers { count } => vec![Roles::ALL; count as usize],
            Topology::Separate { proposers, acceptors, learners } => {
                let one = |proposer, acceptor, learner| Roles { proposer, acceptor, learner };
                std::iter::repeat_n(one(true, false, false), proposers as usize)
                    .chain(std::iter::repeat_n(one(false, true, false), acceptors as usize))
                    .chain(std::iter::repeat_n(one(false, false, true), learners as usize))
                    .collect()
            }
        }
    }

    pub fn acceptor_count(&self) -> u8 {
        match self.topology {
            Topology::Servers { count } => count,
            Topology::Separate { acceptors, .. } => acceptors,
        }
    }

    pub fn effective_quorums(&self) -> Quorums {
        self.quorums.unwrap_or_else(|| Quorums::majority(self.acceptor_count()))
    }

    /// Checks every limit and returns a message a person can act on.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let err = |m: String| Err(ConfigError(m));
        let counts: &[(&str, u8)] = match &self.topology {
            Topology::Servers { count } => &[("servers", *count)],
            Topology::Separate { proposers, acceptors, learners } => {
                &[("proposers", *proposers), ("acceptors", *acceptors), ("learners", *learners)]
            }
        };
        for &(name, n) in counts {
            if !(1..=MAX_PER_ROLE).contains(&n) {
                return err(format!("{name}: {n} is outside 1 to {MAX_PER_ROLE}"));
            }
        }
        let q = self.effective_quorums();
        let n = self.acceptor_count();
        if !q.is_valid(n) {
            return err(format!("quorum sizes {}/{} must each be between 1 and the {n} acceptors", q.phase1, q.phase2));
        }
        let net = &self.network;
        if net.latency_ticks_min == 0
            || net.latency_ticks_min > net.latency_ticks_max
            || net.latency_ticks_max > MAX_TICKS
        {
            return err(format!(
                "latency {} to {} ticks: need 1 <= min <= max <= {MAX_TICKS}",
                net.latency_ticks_min, net.latency_ticks_max
            ));
        }
        for (name, p) in [("loss", net.loss), ("duplication", net.duplicate)] {
            if !(0.0..=1.0).contains(&p) {
                return err(format!("{name} probability {} is outside 0 to 1", shortest(p)));
            }
        }
        let t = &self.timing;
        if t.timeout_ticks_min == 0 || t.timeout_ticks_min > t.timeout_ticks_max || t.timeout_ticks_max > MAX_TICKS {
            return err(format!(
                "timeout {} to {} ticks: need 1 <= min <= max <= {MAX_TICKS}",
                t.timeout_ticks_min, t.timeout_ticks_max
            ));
        }
        if t.backoff_ticks_base > MAX_TICKS || t.backoff_ticks_max > MAX_TICKS {
            return err(format!("backoff ticks must be at most {MAX_TICKS}"));
        }
        Ok(())
    }

    /// Whether the quorums intersect; an unsafe configuration is allowed, and reported.
    pub fn is_safe(&self) -> bool {
        self.effective_quorums().is_safe(self.acceptor_count())
    }

    pub fn cluster(&self) -> Cluster {
        Cluster::new(self.roles(), self.effective_quorums(), self.nack, self.timing, self.broken)
    }

    /// Warnings to show beside the configuration: unsafe quorums and broken variants.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        let q = self.effective_quorums();
        if !self.is_safe() {
            w.push(format!(
                "UNSAFE: phase-1 quorum {} + phase-2 quorum {} <= {} acceptors, so two quorums can miss each other and two values can be chosen",
                q.phase1, q.phase2, self.acceptor_count()
            ));
        }
        if self.broken.ignore_accepted_values {
            w.push("BROKEN: proposers ignore values reported in promises".into());
        }
        if self.broken.forgetful_acceptors {
            w.push("BROKEN: acceptors forget their promises and accepted values when they recover".into());
        }
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_safe() {
        let c = Config::default();
        assert_eq!(c.validate(), Ok(()));
        assert!(c.is_safe() && c.warnings().is_empty());
        assert_eq!(c.roles().len(), 6);
    }

    #[test]
    fn absurd_configurations_are_refused_with_a_reason() {
        let mut c = Config { topology: Topology::Servers { count: 200 }, ..Config::default() };
        assert!(c.validate().unwrap_err().0.contains("servers"));
        c.topology = Topology::Separate { proposers: 0, acceptors: 3, learners: 1 };
        assert!(c.validate().unwrap_err().0.contains("proposers"));
        c.topology = Topology::Servers { count: 3 };
        c.quorums = Some(Quorums { phase1: 4, phase2: 2 });
        assert!(c.validate().unwrap_err().0.contains("quorum"));
        c.quorums = None;
        c.network.loss = 1.5;
        assert!(c.validate().unwrap_err().0.contains("loss"));
        c.network.loss = 0.1;
        c.network.latency_ticks_min = 0;
        assert!(c.validate().unwrap_err().0.contains("latency"));
    }

    #[test]
    fn unsafe_quorums_are_allowed_but_reported() {
        let c = Config {
            topology: Topology::Servers { count: 5 },
            quorums: Some(Quorums { phase1: 2, phase2: 2 }),
            ..Config::default()
        };
        assert_eq!(c.validate(), Ok(()));
        assert!(!c.is_safe());
        assert!(c.warnings()[0].starts_with("UNSAFE"));
    }
}
