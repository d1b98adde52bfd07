//! Quorum rules: one small pure function and the checks on a configuration.
//!
//! Paxos needs every phase-1 quorum to intersect every phase-2 quorum, so that a new proposer
//! always hears of a value that may have been chosen. Majorities guarantee it; Flexible Paxos
//! (Howard, Malkhi, Spiegelman 2016) shows that `q1 + q2 > n` is all that is needed.

use serde::{Deserialize, Serialize};

/// Phase-1 and phase-2 quorum sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Quorums {
    pub phase1: u8,
    pub phase2: u8,
}

impl Quorums {
    /// The classic choice: a majority for both phases.
    pub fn majority(acceptors: u8) -> Quorums {
        let m = acceptors / 2 + 1;
        Quorums { phase1: m, phase2: m }
    }

    /// Whether every phase-1 quorum meets every phase-2 quorum among `acceptors`.
    pub fn is_safe(self, acceptors: u8) -> bool {
        self.phase1 as u16 + self.phase2 as u16 > acceptors as u16
    }

    /// Whether both sizes can be reached at all (1 ..= acceptors).
    pub fn is_valid(self, acceptors: u8) -> bool {
        (1..=acceptors).contains(&self.phase1) && (1..=acceptors).contains(&self.phase2)
    }
}

/// Whether `votes` distinct acceptors make a quorum of `size`.
#[inline(always)]
pub fn reached(votes: u32, size: u8) -> bool {
    votes >= size as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (acceptors, phase1, phase2, valid, safe, why). The golden table of quorum cases.
    const CASES: &[(u8, u8, u8, bool, bool, &str)] = &[
        (1, 1, 1, true, true, "a single acceptor is its own quorum"),
        (3, 2, 2, true, true, "majority of 3"),
        (5, 3, 3, true, true, "majority of 5"),
        (4, 3, 3, true, true, "majority of an even count needs more than half"),
        (4, 2, 2, true, false, "two halves of 4 may be disjoint"),
        (5, 4, 2, true, true, "flexible: large phase 1, small phase 2"),
        (5, 2, 4, true, true, "flexible: small phase 1, large phase 2"),
        (5, 2, 3, true, false, "2 + 3 = 5 does not exceed 5: disjoint quorums exist"),
        (5, 1, 1, true, false, "any single acceptor: two values can be chosen"),
        (9, 5, 5, true, true, "majority of 9"),
        (3, 0, 2, false, false, "a quorum of nobody is no quorum"),
        (3, 2, 4, false, true, "more than the acceptors can never be reached"),
    ];

    #[test]
    fn quorum_table() {
        for &(n, q1, q2, valid, safe, why) in CASES {
            let q = Quorums { phase1: q1, phase2: q2 };
            assert_eq!(q.is_valid(n), valid, "valid? n={n} q1={q1} q2={q2}: {why}");
            assert_eq!(q.is_safe(n), safe, "safe? n={n} q1={q1} q2={q2}: {why}");
        }
    }

    #[test]
    fn majority_is_always_valid_and_safe() {
        for n in 1..=16 {
            let q = Quorums::majority(n);
            assert!(q.is_valid(n) && q.is_safe(n), "n={n}");
            // For an odd count the majority is tight: one fewer in phase 1 and quorums can miss.
            if n % 2 == 1 {
                assert!(!Quorums { phase1: q.phase1 - 1, phase2: q.phase2 }.is_safe(n), "n={n}");
            }
        }
    }

    #[test]
    fn reached_counts_distinct_votes() {
        assert!(!reached(2, 3));
        assert!(reached(3, 3));
        assert!(reached(4, 3));
        assert!(!reached(0, 1));
    }
}
