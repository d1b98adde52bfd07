//! A message in flight as the checker keeps it: three words that compare in the same order as
//! the `(from, to, msg)` they pack, so the network stays a sorted multiset with integer
//! comparisons, hashes without an encoding step, and copies in 24 bytes.
//!
//! Word 0: from (8 bits), to (8), the message's kind (8), its ballot (40: the 32-bit round,
//! then the 8-bit node). Word 1: the next field (a Promise's accepted ballot with a presence
//! bit, a Nack's promised ballot, an Accept's, an Accepted's or a Decided's value). Word 2: a
//! Promise's accepted value. Each field sits where the derived `Ord` of `Msg` compares it, so
//! `a < b` exactly when `unpack(a) < unpack(b)` (a test below checks it).

use crate::protocol::{Ballot, Msg, NodeId, Proposal, Value};

/// `(from, to, msg)`, unpacked.
pub type Packet = (NodeId, NodeId, Msg);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Packed([u64; 3]);

const PRESENT: u64 = 1 << 40;
const BALLOT: u64 = (1 << 40) - 1;

fn ballot(b: Ballot) -> u64 {
    (b.round as u64) << 8 | b.node.0 as u64
}

fn unballot(w: u64) -> Ballot {
    Ballot { round: (w >> 8) as u32, node: NodeId(w as u8) }
}

impl Packed {
    #[inline]
    pub fn pack(&(from, to, msg): &Packet) -> Packed {
        let (kind, b, w1, w2) = match msg {
            Msg::Prepare { ballot: b } => (0, ballot(b), 0, 0),
            Msg::Promise { ballot: b, accepted } => match accepted {
                None => (1, ballot(b), 0, 0),
                Some(p) => (1, ballot(b), PRESENT | ballot(p.ballot), p.value.0 as u64),
            },
            Msg::Nack { ballot: b, promised } => (2, ballot(b), ballot(promised), 0),
            Msg::Accept { ballot: b, value } => (3, ballot(b), value.0 as u64, 0),
            Msg::Accepted { ballot: b, value } => (4, ballot(b), value.0 as u64, 0),
            Msg::Decided { value } => (5, 0, value.0 as u64, 0),
        };
        Packed([(from.0 as u64) << 56 | (to.0 as u64) << 48 | kind << 40 | b, w1, w2])
    }

    #[inline]
    pub fn unpack(self) -> Packet {
        let [w0, w1, w2] = self.0;
        let b = unballot(w0 & BALLOT);
        let msg = match (w0 >> 40) as u8 {
            0 => Msg::Prepare { ballot: b },
            1 => Msg::Promise {
                ballot: b,
                accepted: (w1 & PRESENT != 0)
                    .then(|| Proposal { ballot: unballot(w1 & BALLOT), value: Value(w2 as u32) }),
            },
            2 => Msg::Nack { ballot: b, promised: unballot(w1) },
            3 => Msg::Accept { ballot: b, value: Value(w1 as u32) },
            4 => Msg::Accepted { ballot: b, value: Value(w1 as u32) },
            _ => Msg::Decided { value: Value(w1 as u32) },
        };
        (NodeId((w0 >> 56) as u8), NodeId((w0 >> 48) as u8), msg)
    }

    /// A hash of the packet (xxh3 of its 24 bytes): summed over the network, so the multiset's
    /// hash needs no sorting.
    #[inline]
    pub fn hash(self) -> u64 {
        let mut bytes = [0u8; 24];
        for (chunk, w) in bytes.chunks_exact_mut(8).zip(self.0) {
            chunk.copy_from_slice(&w.to_le_bytes());
        }
        xxhash_rust::xxh3::xxh3_64(&bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packets() -> Vec<Packet> {
        let ballots = [
            Ballot::new(0, NodeId(0)),
            Ballot::new(1, NodeId(2)),
            Ballot::new(1, NodeId(7)),
            Ballot::new(u32::MAX, NodeId(255)),
        ];
        let values = [Value(0), Value(1), Value(u32::MAX)];
        let mut msgs = Vec::new();
        for &b in &ballots {
            msgs.push(Msg::Prepare { ballot: b });
            msgs.push(Msg::Promise { ballot: b, accepted: None });
            for &b2 in &ballots {
                msgs.push(Msg::Nack { ballot: b, promised: b2 });
                for &v in &values {
                    msgs.push(Msg::Promise { ballot: b, accepted: Some(Proposal { ballot: b2, value: v }) });
                }
            }
            for &v in &values {
                msgs.push(Msg::Accept { ballot: b, value: v });
                msgs.push(Msg::Accepted { ballot: b, value: v });
            }
        }
        for &v in &values {
            msgs.push(Msg::Decided { value: v });
        }
        let mut out = Vec::new();
        for from in [0u8, 3, 255] {
            for to in [0u8, 1, 255] {
                out.extend(msgs.iter().map(|&m| (NodeId(from), NodeId(to), m)));
            }
        }
        out
    }

    #[test]
    fn packs_without_loss_and_keeps_the_order() {
        let all = packets();
        for p in &all {
            assert_eq!(Packed::pack(p).unpack(), *p);
        }
        let mut by_packet = all.clone();
        by_packet.sort();
        let mut by_packed: Vec<Packed> = all.iter().map(Packed::pack).collect();
        by_packed.sort();
        assert_eq!(by_packed.into_iter().map(Packed::unpack).collect::<Vec<_>>(), by_packet);
    }
}
