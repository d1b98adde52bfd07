//! "Find a run where ...": goals a learner can pick. Breadth-first search returns the shortest
//! run that reaches one.

use super::model::Model;
use super::state::State;
use crate::protocol::Phase;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Goal {
    /// Two acceptors hold accepted proposals with different values at the same moment.
    TwoValuesAccepted,
    /// A value becomes chosen after some proposer crashed.
    ChosenAfterCrash,
    /// A value is chosen and some acceptor holds an accepted proposal with another value.
    AcceptedNotChosen,
    /// A proposer enters phase 2 with a value it was not asked to propose (adopted from a promise).
    Adopted,
}

impl Goal {
    pub const ALL: [Goal; 4] =
        [Goal::TwoValuesAccepted, Goal::ChosenAfterCrash, Goal::AcceptedNotChosen, Goal::Adopted];

    pub fn name(self) -> &'static str {
        match self {
            Goal::TwoValuesAccepted => "two-values-accepted",
            Goal::ChosenAfterCrash => "chosen-after-crash",
            Goal::AcceptedNotChosen => "accepted-not-chosen",
            Goal::Adopted => "adopted",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Goal::TwoValuesAccepted => "two different values accepted at once",
            Goal::ChosenAfterCrash => "a value chosen after a proposer crashed",
            Goal::AcceptedNotChosen => "an acceptor that accepted a value that is not the chosen one",
            Goal::Adopted => "a proposer adopting a value it did not propose",
        }
    }

    pub fn parse(s: &str) -> Option<Goal> {
        Goal::ALL.into_iter().find(|g| g.name() == s)
    }

    /// Whether the state (reached from a parent that had `parent_chosen`) shows the goal.
    pub fn holds(self, model: &Model, s: &State, parent_chosen: bool) -> bool {
        let accepted = || s.system.nodes.iter().filter_map(|n| n.storage.acceptor.accepted);
        let chosen = s.system.monitor.chosen.first().map(|p| p.value);
        match self {
            Goal::TwoValuesAccepted => {
                let mut values = accepted().map(|p| p.value);
                values.next().is_some_and(|first| values.any(|v| v != first))
            }
            Goal::ChosenAfterCrash => {
                let proposer_crashed = model.cluster.proposers.iter().any(|p| s.crashed & (1 << p.index()) != 0);
                chosen.is_some() && !parent_chosen && proposer_crashed
            }
            Goal::AcceptedNotChosen => chosen.is_some_and(|c| accepted().any(|p| p.value != c)),
            Goal::Adopted => s
                .system
                .nodes
                .iter()
                .filter_map(|n| n.node.proposer.as_ref())
                .any(|p| matches!(p.phase, Phase::Accepting { value, .. } if Some(value) != p.value)),
        }
    }
}
