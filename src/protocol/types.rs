//! The small value types every role shares: node ids, ballots, values and proposals.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A node of the cluster. Ids are dense, `0..node_count`, and one node may host several roles.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NodeId(pub u8);

impl NodeId {
    #[inline(always)]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "n{}", self.0)
    }
}

/// A ballot (proposal number): `(round, node)`, compared round first, then node id.
///
/// Why the node id: two proposers may pick the same round; the id breaks the tie so that every
/// ballot is unique to one proposer (Lamport, "Paxos Made Simple", section 2.2, footnote on
/// disjoint sets of numbers). Round 0 is never used by a proposer, so `Ballot::ZERO` sorts below
/// every real ballot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Ballot {
    pub round: u32,
    pub node: NodeId,
}

impl Ballot {
    pub const ZERO: Ballot = Ballot { round: 0, node: NodeId(0) };

    pub fn new(round: u32, node: NodeId) -> Ballot {
        Ballot { round, node }
    }
}

impl fmt::Display for Ballot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.round, self.node.0)
    }
}

/// A value a client asks to be chosen. Values are small integers so that messages stay `Copy`;
/// they are shown as spreadsheet-style letters: 0 is "A", 25 is "Z", 26 is "AA".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Value(pub u32);

impl Value {
    /// Parses the letter form shown on screen ("A", "b", "AA"); `None` for anything else.
    pub fn parse(text: &str) -> Option<Value> {
        let text = text.trim();
        if text.is_empty() || text.len() > 6 {
            return None;
        }
        let mut n: u64 = 0;
        for c in text.chars() {
            let c = c.to_ascii_uppercase();
            if !c.is_ascii_uppercase() {
                return None;
            }
            n = n * 26 + (c as u64 - 'A' as u64 + 1);
        }
        u32::try_from(n - 1).ok().map(Value)
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut n = self.0 as u64 + 1;
        let mut letters = [0u8; 8];
        let mut i = letters.len();
        while n > 0 {
            i -= 1;
            letters[i] = b'A' + ((n - 1) % 26) as u8;
            n = (n - 1) / 26;
        }
        f.write_str(std::str::from_utf8(&letters[i..]).unwrap_or("?"))
    }
}

/// A value together with the ballot it was proposed at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Proposal {
    pub ballot: Ballot,
    pub value: Value,
}

impl fmt::Display for Proposal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({}, \"{}\")", self.ballot, self.value)
    }
}

/// A set of acceptors as a bit mask over their position in `Cluster::acceptors`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AcceptorSet(pub u64);

impl AcceptorSet {
    #[inline(always)]
    pub fn insert(&mut self, position: u8) {
        self.0 |= 1u64 << position;
    }
    #[inline(always)]
    pub fn contains(self, position: u8) -> bool {
        self.0 & (1u64 << position) != 0
    }
    #[inline(always)]
    pub fn len(self) -> u32 {
        self.0.count_ones()
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ballots_order_by_round_then_node() {
        let b = |r, n| Ballot::new(r, NodeId(n));
        assert!(b(1, 2) < b(2, 0));
        assert!(b(2, 0) < b(2, 1));
        assert!(Ballot::ZERO < b(1, 0));
        assert_eq!(b(3, 1).to_string(), "3.1");
    }

    #[test]
    fn values_print_and_parse_as_letters() {
        for (n, s) in [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ"), (702, "AAA")] {
            assert_eq!(Value(n).to_string(), s);
            assert_eq!(Value::parse(s), Some(Value(n)));
        }
        assert_eq!(Value::parse("c"), Some(Value(2)));
        for bad in ["", "A1", "<b>", "ÄB", "AAAAAAA"] {
            assert_eq!(Value::parse(bad), None, "{bad:?}");
        }
    }
}
