//! The configuration dialog's draft: what a person typed, as text, turned into a scenario or a
//! message saying what to fix. Pure, so every refusal is tested natively.

use crate::protocol::{Broken, NodeId, Quorums, Value};
use crate::scenario::Scenario;
use crate::sim::{Action, At, Config, Scheduled, Topology};

/// Ticks between the start-up client requests of consecutive proposers.
pub const CLIENT_SPACING_TICKS: u64 = 3;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub servers: bool,
    pub proposers: String,
    pub acceptors: String,
    pub learners: String,
    pub server_count: String,
    /// Off: majorities.
    pub custom_quorums: bool,
    pub phase1: String,
    pub phase2: String,
    pub backoff: bool,
    pub nack: bool,
    pub broken: Broken,
    pub seed: String,
    /// Each proposer's client asks for its own letter at the start.
    pub clients_at_start: bool,
}

impl Draft {
    /// The draft showing a running scenario.
    pub fn of(s: &Scenario) -> Draft {
        let c = &s.config;
        let (servers, p, a, l, n) = match c.topology {
            Topology::Servers { count } => (true, 2, 3, 1, count),
            Topology::Separate { proposers, acceptors, learners } => (false, proposers, acceptors, learners, 3),
        };
        let q = c.effective_quorums();
        Draft {
            servers,
            proposers: p.to_string(),
            acceptors: a.to_string(),
            learners: l.to_string(),
            server_count: n.to_string(),
            custom_quorums: c.quorums.is_some(),
            phase1: q.phase1.to_string(),
            phase2: q.phase2.to_string(),
            backoff: c.timing.backoff,
            nack: c.nack,
            broken: c.broken,
            seed: s.seed.to_string(),
            clients_at_start: true,
        }
    }

    /// The configuration, or what to fix.
    pub fn config(&self, base: &Config) -> Result<Config, String> {
        let count = |name: &str, text: &str| -> Result<u8, String> {
            text.trim().parse::<u8>().map_err(|_| format!("{name}: \"{}\" is not a whole number", clip(text)))
        };
        let topology = if self.servers {
            Topology::Servers { count: count("servers", &self.server_count)? }
        } else {
            Topology::Separate {
                proposers: count("proposers", &self.proposers)?,
                acceptors: count("acceptors", &self.acceptors)?,
                learners: count("learners", &self.learners)?,
            }
        };
        let quorums = if self.custom_quorums {
            Some(Quorums {
                phase1: count("phase-1 quorum", &self.phase1)?,
                phase2: count("phase-2 quorum", &self.phase2)?,
            })
        } else {
            None
        };
        let timing = crate::protocol::Timing { backoff: self.backoff, ..base.timing };
        let config = Config { topology, quorums, nack: self.nack, timing, broken: self.broken, network: base.network };
        config.validate().map_err(|e| e.0)?;
        Ok(config)
    }

    /// The new world's scenario, or what to fix.
    pub fn scenario(&self, base: &Config) -> Result<Scenario, String> {
        let config = self.config(base)?;
        let seed = self
            .seed
            .trim()
            .parse::<u64>()
            .map_err(|_| format!("seed: \"{}\" is not a whole number", clip(&self.seed)))?;
        let schedule = if self.clients_at_start {
            let proposers = config.cluster().proposers;
            proposers
                .iter()
                .enumerate()
                .map(|(i, &node): (usize, &NodeId)| Scheduled {
                    at: At::Tick(i as u64 * CLIENT_SPACING_TICKS),
                    action: Action::Propose { node, value: Value(i as u32 % 26) },
                })
                .collect()
        } else {
            Vec::new()
        };
        let title = config.topology.describe();
        let scenario = Scenario { title, config, seed, schedule, ..Scenario::default() };
        scenario.validate().map_err(|e| e.0)?;
        Ok(scenario)
    }
}

/// At most 12 characters of what a person typed, for messages.
fn clip(text: &str) -> String {
    text.chars().take(12).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::state::default_scenario;

    #[test]
    fn the_draft_of_a_scenario_rebuilds_its_configuration() {
        let s = default_scenario();
        let d = Draft::of(&s);
        assert_eq!(d.config(&s.config), Ok(s.config.clone()));
        let rebuilt = d.scenario(&s.config).expect("valid");
        assert_eq!((rebuilt.seed, rebuilt.schedule.len()), (1, 2));
        assert_eq!(rebuilt.title, "2 proposers, 3 acceptors, 1 learner");
    }

    #[test]
    fn bad_numbers_and_limits_are_refused_with_what_to_fix() {
        let base = Config::default();
        let mut d = Draft::of(&default_scenario());
        d.acceptors = "three".into();
        assert!(d.config(&base).unwrap_err().contains("acceptors: \"three\""));
        d.acceptors = "17".into();
        assert!(d.config(&base).unwrap_err().contains("acceptors: 17 is outside"));
        d.acceptors = "3".into();
        d.seed = "-1".into();
        assert!(d.scenario(&base).unwrap_err().contains("seed"));
        d.seed = "5".into();
        d.custom_quorums = true;
        d.phase1 = "4".into();
        assert!(d.config(&base).unwrap_err().contains("quorum"));
    }

    #[test]
    fn unsafe_quorums_and_broken_variants_are_allowed_and_warned_about() {
        let mut d = Draft::of(&default_scenario());
        d.servers = true;
        d.server_count = "5".into();
        d.custom_quorums = true;
        (d.phase1, d.phase2) = ("2".into(), "2".into());
        d.broken.forgetful_acceptors = true;
        let c = d.config(&Config::default()).expect("allowed");
        let w = c.warnings();
        assert!(w[0].starts_with("UNSAFE") && w[1].starts_with("BROKEN"));
        let s = d.scenario(&Config::default()).expect("valid");
        assert_eq!(s.schedule.len(), 5, "every server's proposer gets a client request");
    }
}
