//! A state's identity for the visited set: a 64-bit hash (xxh3) of a canonical byte encoding.
//!
//! Canonical: equal states encode equal whatever the order things happened in (the network is
//! kept sorted; a learner's tallies, the monitor's votes and the proposed values are written
//! sorted), and the bookkeeping that is no part of the state (violations found, counters) is
//! left out. Collision odds: two different states share a fingerprint with probability 2^-64,
//! so a search of n states merges some pair with probability at most n^2 / 2^65 (about 3e-6 for
//! ten million states). A collision could only hide states, never invent a violation, and every
//! counterexample is replayed concretely.
//!
//! With symmetry reduction on, nodes of one class (the acceptors; the learners) are
//! interchangeable, and the fingerprint is that of the smallest encoding over the renamings of
//! the class. Which renamings: each node gets a signature that no renaming changes (its own
//! state, its messages with the other end named only if it is a proposer, its membership in
//! the proposers' and the monitor's sets), nodes are sorted by signature, and nodes with equal
//! signatures are tried in every order. So symmetric states get equal fingerprints (the set of
//! candidates is the same for each), and the search still keeps concrete states: only the
//! fingerprint is canonical, never the state a counterexample replays.

use super::model::{Model, MAX_NODES};
use super::state::State;
use crate::protocol::{AcceptorSet, Ballot, Cluster, Msg, Node, NodeId, Phase, Proposal, Value};
use crate::sim::NodeSlot;

/// Encodes states; holds its buffers so that fingerprinting allocates nothing once warm.
#[derive(Default)]
pub struct Fingerprinter {
    buf: Vec<u8>,
    best: Vec<u8>,
    sig: Vec<(Vec<u8>, u8)>,
    packets: Vec<(u8, u8, Msg)>,
}

/// A renaming of nodes: `map[old] = new`, and the acceptor positions it implies.
struct Renaming {
    map: [u8; 64],
    pos: [u8; 64],
}

/// The renaming that renames nothing.
static IDENTITY: Renaming = {
    let mut r = Renaming { map: [0; 64], pos: [0; 64] };
    let mut i = 0;
    while i < 64 {
        r.map[i] = i as u8;
        r.pos[i] = i as u8;
        i += 1;
    }
    r
};

impl Renaming {
    fn identity(n: usize) -> Renaming {
        let mut r = Renaming { map: [0; 64], pos: [0; 64] };
        for i in 0..n.min(64) {
            r.map[i] = i as u8;
            r.pos[i] = i as u8;
        }
        r
    }

    fn node(&self, n: NodeId) -> u8 {
        self.map[n.index()]
    }

    fn set(&self, s: AcceptorSet) -> u64 {
        let mut out = 0u64;
        let mut bits = s.0;
        while bits != 0 {
            let p = bits.trailing_zeros() as usize;
            out |= 1 << self.pos[p];
            bits &= bits - 1;
        }
        out
    }

    fn bits(&self, s: u64, n: usize) -> u64 {
        (0..n).filter(|i| s & (1 << i) != 0).fold(0, |acc, i| acc | 1 << self.map[i])
    }
}

impl Fingerprinter {
    pub fn fingerprint(&mut self, state: &State, model: &Model, symmetry: bool) -> u64 {
        let n = state.system.nodes.len();
        let classes = model.symmetric_classes();
        if !symmetry || classes.is_empty() {
            return self.incremental(state, n);
        }
        self.canonical(state, model, classes)
    }

    /// Without renamings: the nodes' and the network's hashes kept by the state, and the rest
    /// (the monitor, the bits, the budget) encoded now.
    /// (Words in a fixed buffer rather than `put_bits` into a vector: this runs for every
    /// successor the search tries.)
    fn incremental(&mut self, state: &State, n: usize) -> u64 {
        const REST: usize = 6;
        let mut words = [0u64; MAX_NODES + REST];
        let n = n.min(MAX_NODES);
        words[..n].copy_from_slice(&state.node_hash[..n]);
        words[n] = state.net_hash;
        words[n + 1] = state.net.len() as u64;
        words[n + 2] = state.monitor_hash;
        words[n + 3] = state.timers;
        words[n + 4] = state.crashed;
        words[n + 5] = (state.requested as u64) << 32
            | (state.drops as u64) << 16
            | (state.duplicates as u64) << 8
            | state.crashes as u64;
        let mut bytes = [0u8; (MAX_NODES + REST) * 8];
        for (chunk, w) in bytes.chunks_exact_mut(8).zip(&words[..n + REST]) {
            chunk.copy_from_slice(&w.to_le_bytes());
        }
        xxhash_rust::xxh3::xxh3_64(&bytes[..(n + REST) * 8])
    }

    fn canonical(&mut self, state: &State, model: &Model, classes: &[Vec<NodeId>]) -> u64 {
        let n = state.system.nodes.len();
        // Per class: its nodes sorted by signature, and the groups of equal signatures.
        let mut orders: Vec<(Vec<NodeId>, Vec<NodeId>, Vec<usize>)> = Vec::new();
        for class in classes {
            self.sig.clear();
            for &node in class {
                let mut s = Vec::new();
                signature(state, &model.cluster, node, &mut s);
                self.sig.push((s, node.0));
            }
            self.sig.sort();
            let sorted: Vec<NodeId> = self.sig.iter().map(|(_, n)| NodeId(*n)).collect();
            let mut group_starts = vec![0];
            for i in 1..self.sig.len() {
                if self.sig[i].0 != self.sig[i - 1].0 {
                    group_starts.push(i);
                }
            }
            orders.push((class.clone(), sorted, group_starts));
        }
        self.best.clear();
        let mut first = true;
        let mut candidates = orders.iter().map(|(_, sorted, _)| sorted.clone()).collect::<Vec<_>>();
        loop {
            let mut r = Renaming::identity(n);
            for ((class, _, _), order) in orders.iter().zip(&candidates) {
                // The class's slots, in id order, are given to its nodes in `order`.
                for (slot, &node) in class.iter().zip(order) {
                    r.map[node.index()] = slot.0;
                }
            }
            for (p, &a) in model.cluster.acceptors.iter().enumerate() {
                r.pos[p] = model.cluster.position(NodeId(r.map[a.index()])).unwrap_or(p as u8);
            }
            self.buf.clear();
            encode(state, &r, &mut self.buf, &mut self.packets);
            if first || self.buf < self.best {
                std::mem::swap(&mut self.buf, &mut self.best);
                first = false;
            }
            if !next_candidate(&mut candidates, &orders) {
                break;
            }
        }
        xxhash_rust::xxh3::xxh3_64(&self.best)
    }
}

/// Steps to the next ordering: within each group of equal signatures, every permutation
/// (lexicographic next_permutation, group by group, like an odometer). False after the last.
fn next_candidate(candidates: &mut [Vec<NodeId>], orders: &[(Vec<NodeId>, Vec<NodeId>, Vec<usize>)]) -> bool {
    for (cand, (_, _, starts)) in candidates.iter_mut().zip(orders) {
        for (g, &start) in starts.iter().enumerate() {
            let end = starts.get(g + 1).copied().unwrap_or(cand.len());
            if next_permutation(&mut cand[start..end]) {
                return true;
            }
            // wrapped around to sorted order: carry into the next group
        }
    }
    false
}

fn next_permutation(s: &mut [NodeId]) -> bool {
    if s.len() < 2 {
        return false;
    }
    let mut i = s.len() - 1;
    while i > 0 && s[i - 1] >= s[i] {
        i -= 1;
    }
    if i == 0 {
        s.reverse();
        return false;
    }
    let mut j = s.len() - 1;
    while s[j] <= s[i - 1] {
        j -= 1;
    }
    s.swap(i - 1, j);
    s[i..].reverse();
    true
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_ballot(out: &mut Vec<u8>, b: Ballot) {
    put_u32(out, b.round);
    out.push(b.node.0);
}

fn put_opt_ballot(out: &mut Vec<u8>, b: Option<Ballot>) {
    match b {
        None => out.push(0),
        Some(b) => {
            out.push(1);
            put_ballot(out, b);
        }
    }
}

fn put_value(out: &mut Vec<u8>, v: Option<Value>) {
    put_u32(out, v.map_or(u32::MAX, |v| v.0));
}

fn put_proposal(out: &mut Vec<u8>, p: Option<Proposal>) {
    match p {
        None => out.push(0),
        Some(p) => {
            out.push(1);
            put_ballot(out, p.ballot);
            put_u32(out, p.value.0);
        }
    }
}

fn put_msg(out: &mut Vec<u8>, m: &Msg) {
    match *m {
        Msg::Prepare { ballot } => {
            out.push(0);
            put_ballot(out, ballot);
        }
        Msg::Promise { ballot, accepted } => {
            out.push(1);
            put_ballot(out, ballot);
            put_proposal(out, accepted);
        }
        Msg::Nack { ballot, promised } => {
            out.push(2);
            put_ballot(out, ballot);
            put_ballot(out, promised);
        }
        Msg::Accept { ballot, value } => {
            out.push(3);
            put_ballot(out, ballot);
            put_u32(out, value.0);
        }
        Msg::Accepted { ballot, value } => {
            out.push(4);
            put_ballot(out, ballot);
            put_u32(out, value.0);
        }
        Msg::Decided { value } => {
            out.push(5);
            put_u32(out, value.0);
        }
    }
}

/// A node's own state (not its id: its place in the encoding says which node it is).
fn put_node(out: &mut Vec<u8>, slot: &NodeSlot, r: &Renaming) {
    out.push(slot.up as u8);
    let d = slot.storage;
    put_opt_ballot(out, d.acceptor.promised);
    put_proposal(out, d.acceptor.accepted);
    put_u32(out, d.proposer.max_round);
    let Node { proposer, acceptor, learner, .. } = &slot.node;
    if let Some(p) = proposer {
        put_u32(out, p.durable.max_round);
        put_value(out, p.value);
        put_u32(out, p.round_seen);
        put_u32(out, p.attempts);
        put_u32(out, p.timeouts);
        match p.phase {
            Phase::Idle => out.push(0),
            Phase::Preparing { ballot, promises, highest } => {
                out.push(1);
                put_ballot(out, ballot);
                out.extend_from_slice(&r.set(promises).to_le_bytes());
                put_proposal(out, highest);
            }
            Phase::Accepting { ballot, value, accepts } => {
                out.push(2);
                put_ballot(out, ballot);
                put_u32(out, value.0);
                out.extend_from_slice(&r.set(accepts).to_le_bytes());
            }
            Phase::Backoff => out.push(3),
            Phase::Done { value } => {
                out.push(4);
                put_u32(out, value.0);
            }
        }
    }
    if let Some(a) = acceptor {
        put_opt_ballot(out, a.durable.promised);
        put_proposal(out, a.durable.accepted);
        put_value(out, a.decided);
    }
    if let Some(l) = learner {
        put_value(out, l.learned);
        out.push(l.tallies.len() as u8);
        // In ballot order, without sorting a copy: pick the next larger ballot each time (a
        // learner holds a handful of tallies).
        let mut last: Option<Ballot> = None;
        for _ in 0..l.tallies.len() {
            let next = l.tallies.iter().filter(|t| last.is_none_or(|b| t.ballot > b)).min_by_key(|t| t.ballot);
            let Some(t) = next else { break };
            put_ballot(out, t.ballot);
            put_u32(out, t.value.0);
            out.extend_from_slice(&r.set(t.acceptors).to_le_bytes());
            last = Some(t.ballot);
        }
    }
}

fn encode(state: &State, r: &Renaming, out: &mut Vec<u8>, packets: &mut Vec<(u8, u8, Msg)>) {
    let n = state.system.nodes.len();
    let mut inverse = [0u8; 64];
    for i in 0..n {
        inverse[r.map[i] as usize] = i as u8;
    }
    for &old in &inverse[..n] {
        put_node(out, &state.system.nodes[old as usize], r);
    }
    packets.clear();
    packets.extend(state.net.iter().map(|p| p.unpack()).map(|(f, t, m)| (r.node(f), r.node(t), m)));
    packets.sort_unstable();
    out.extend_from_slice(&(packets.len() as u32).to_le_bytes());
    for (f, t, m) in packets.iter() {
        out.push(*f);
        out.push(*t);
        put_msg(out, m);
    }
    put_rest(state, r, out);
}

/// Everything but the nodes and the network: timers, crashes, requests, the fault budget and
/// the monitor.
fn put_rest(state: &State, r: &Renaming, out: &mut Vec<u8>) {
    let n = state.system.nodes.len();
    let mut inverse = [0u8; 64];
    for i in 0..n {
        inverse[r.map[i] as usize] = i as u8;
    }
    put_bits(state, r, out);
    put_monitor(&state.system.monitor, &inverse[..n], r, out);
}

/// The timers, the crashed set, the requests made and the fault budget used.
fn put_bits(state: &State, r: &Renaming, out: &mut Vec<u8>) {
    let n = state.system.nodes.len();
    out.extend_from_slice(&r.bits(state.timers, n).to_le_bytes());
    out.extend_from_slice(&r.bits(state.crashed, n).to_le_bytes());
    put_u32(out, state.requested);
    out.extend_from_slice(&[state.drops, state.duplicates, state.crashes]);
}

/// The monitor's state: the values proposed, the votes per ballot, what was chosen, and per
/// node the highest promise and what it learned (`order` lists old node ids in new order).
fn put_monitor(m: &crate::sim::Monitor, order: &[u8], r: &Renaming, out: &mut Vec<u8>) {
    // Sets kept in insertion order, written in sorted order (each holds a handful).
    let proposed = m.proposed();
    out.push(proposed.len() as u8);
    let mut last = None;
    for _ in 0..proposed.len() {
        let Some(&v) = proposed.iter().filter(|v| last.is_none_or(|l| **v > l)).min() else { break };
        put_u32(out, v.0);
        last = Some(v);
    }
    out.push(m.votes().count() as u8);
    let mut last = None;
    for _ in 0..m.votes().count() {
        let next = m.votes().filter(|(p, _)| last.is_none_or(|l| p.ballot > l)).min_by_key(|(p, _)| p.ballot);
        let Some((p, set)) = next else { break };
        put_ballot(out, p.ballot);
        put_u32(out, p.value.0);
        out.extend_from_slice(&r.set(set).to_le_bytes());
        last = Some(p.ballot);
    }
    out.push(m.chosen.len() as u8);
    let mut last = None;
    for _ in 0..m.chosen.len() {
        let Some(&p) = m.chosen.iter().filter(|p| last.is_none_or(|l| **p > l)).min() else { break };
        put_proposal(out, Some(p));
        last = Some(p);
    }
    for &old in order {
        let node = NodeId(old);
        put_ballot(out, m.max_promised(node));
        put_value(out, m.learned(node));
    }
}

thread_local! {
    /// The buffer `node_hash` and `monitor_hash` encode into (a hash per step, no allocation).
    static SCRATCH: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::with_capacity(512));
}

/// The monitor's hash (without renaming), kept by the state like a node's.
pub fn monitor_hash(m: &crate::sim::Monitor, n: usize) -> u64 {
    SCRATCH.with(|b| {
        let mut out = b.borrow_mut();
        out.clear();
        put_monitor(m, &IDENTITY.map[..n], &IDENTITY, &mut out);
        xxhash_rust::xxh3::xxh3_64(&out)
    })
}

/// One node's hash: its own state packed into words, each field at a fixed place with a bit
/// for "present" (no two different states pack the same), hashed with xxh3. A step changes a
/// node, and this runs for every successor the search tries, so it skips the byte encoding
/// (which it falls back to for a learner with many tallies).
pub fn node_hash(slot: &NodeSlot) -> u64 {
    const TALLIES: usize = 6;
    let ballot = |b: Ballot| (b.round as u64) << 8 | b.node.0 as u64;
    let opt_ballot = |b: Option<Ballot>| b.map_or(0, |b| 1 << 40 | ballot(b));
    let proposal = |p: Option<Proposal>| p.map_or((0, 0), |p| (1 << 40 | ballot(p.ballot), p.value.0 as u64));
    let opt_value = |v: Option<Value>| v.map_or(0, |v| 1 << 32 | v.0 as u64);
    let Node { proposer, acceptor, learner, .. } = &slot.node;
    if learner.as_ref().is_some_and(|l| l.tallies.len() > TALLIES) {
        return node_hash_encoded(slot);
    }
    let mut w = [0u64; 14 + 3 * TALLIES];
    let d = slot.storage;
    w[0] = slot.up as u64
        | (proposer.is_some() as u64) << 1
        | (acceptor.is_some() as u64) << 2
        | (learner.is_some() as u64) << 3
        | (d.proposer.max_round as u64) << 32;
    w[1] = opt_ballot(d.acceptor.promised);
    (w[2], w[3]) = proposal(d.acceptor.accepted);
    let mut n = 4;
    if let Some(p) = proposer {
        w[4] = p.durable.max_round as u64 | (p.round_seen as u64) << 32;
        w[5] = p.attempts as u64 | (p.timeouts as u64) << 32;
        w[6] = opt_value(p.value);
        (w[7], w[8], w[9], w[10]) = match p.phase {
            Phase::Idle => (0, 0, 0, 0),
            Phase::Preparing { ballot: b, promises, highest } => {
                let (h, v) = proposal(highest);
                (1 | ballot(b) << 8, promises.0, h, v)
            }
            Phase::Accepting { ballot: b, value, accepts } => (2 | ballot(b) << 8, accepts.0, value.0 as u64, 0),
            Phase::Backoff => (3, 0, 0, 0),
            Phase::Done { value } => (4, value.0 as u64, 0, 0),
        };
        n = 11;
    }
    if let Some(a) = acceptor {
        w[n] = opt_ballot(a.durable.promised);
        (w[n + 1], w[n + 2]) = proposal(a.durable.accepted);
        w[n + 3] = opt_value(a.decided);
        n += 4;
    }
    if let Some(l) = learner {
        w[n] = opt_value(l.learned) | (l.tallies.len() as u64) << 40;
        n += 1;
        // In ballot order, as `put_node` writes them.
        let mut last: Option<Ballot> = None;
        for _ in 0..l.tallies.len() {
            let next = l.tallies.iter().filter(|t| last.is_none_or(|b| t.ballot > b)).min_by_key(|t| t.ballot);
            let Some(t) = next else { break };
            w[n] = ballot(t.ballot);
            w[n + 1] = t.value.0 as u64;
            w[n + 2] = t.acceptors.0;
            n += 3;
            last = Some(t.ballot);
        }
    }
    let mut bytes = [0u8; (14 + 3 * TALLIES) * 8];
    for (chunk, x) in bytes.chunks_exact_mut(8).zip(&w[..n]) {
        chunk.copy_from_slice(&x.to_le_bytes());
    }
    xxhash_rust::xxh3::xxh3_64(&bytes[..n * 8])
}

/// One node's hash from its byte encoding (as `encode` writes it without renaming).
fn node_hash_encoded(slot: &NodeSlot) -> u64 {
    SCRATCH.with(|b| {
        let mut out = b.borrow_mut();
        out.clear();
        put_node(&mut out, slot, &IDENTITY);
        xxhash_rust::xxh3::xxh3_64(&out)
    })
}

/// What no renaming within `node`'s class changes: its own state, its messages (the other end
/// named only when it is a proposer), its membership in the proposers' sets and the monitor's
/// votes, and the learners' tallies as a sorted multiset.
fn signature(state: &State, cluster: &Cluster, node: NodeId, out: &mut Vec<u8>) {
    let slot = &state.system.nodes[node.index()];
    // Own state, with sets written as counts (their members may be renamed).
    out.push(slot.up as u8);
    put_opt_ballot(out, slot.storage.acceptor.promised);
    put_proposal(out, slot.storage.acceptor.accepted);
    if let Some(a) = &slot.node.acceptor {
        put_opt_ballot(out, a.durable.promised);
        put_proposal(out, a.durable.accepted);
        put_value(out, a.decided);
    }
    if let Some(l) = &slot.node.learner {
        put_value(out, l.learned);
        let mut tallies: Vec<_> = l.tallies.iter().map(|t| (t.ballot, t.value, t.acceptors.len())).collect();
        tallies.sort();
        for (b, v, count) in tallies {
            put_ballot(out, b);
            put_u32(out, v.0);
            put_u32(out, count);
        }
    }
    out.push((state.timers >> node.index() & 1) as u8);
    out.push((state.crashed >> node.index() & 1) as u8);
    let m = &state.system.monitor;
    put_ballot(out, m.max_promised(node));
    put_value(out, m.learned(node));
    // Messages to and from it.
    let other = |x: NodeId| if cluster.roles[x.index()].proposer { x.0 } else { 0xff };
    let mut mine: Vec<(u8, u8, Msg)> = Vec::new();
    for (f, t, msg) in state.net.iter().map(|p| p.unpack()) {
        if f == node {
            mine.push((0, other(t), msg));
        }
        if t == node {
            mine.push((1, other(f), msg));
        }
    }
    mine.sort_unstable();
    for (dir, o, msg) in mine {
        out.push(dir);
        out.push(o);
        put_msg(out, &msg);
    }
    // Membership in sets over acceptors.
    if let Some(pos) = cluster.position(node) {
        for &p in &cluster.proposers {
            let slot = &state.system.nodes[p.index()];
            if let Some(prop) = &slot.node.proposer {
                let bit = match prop.phase {
                    Phase::Preparing { promises, .. } => promises.contains(pos) as u8,
                    Phase::Accepting { accepts, .. } => accepts.contains(pos) as u8,
                    _ => 2,
                };
                out.push(bit);
            }
        }
        let mut votes: Vec<_> = m.votes().map(|(p, set)| (p.ballot, set.contains(pos))).collect();
        votes.sort();
        for (b, member) in votes {
            put_ballot(out, b);
            out.push(member as u8);
        }
        let mut tallies: Vec<(Ballot, bool)> = Vec::new();
        for l in &cluster.learners {
            if let Some(learner) = &state.system.nodes[l.index()].node.learner {
                tallies.extend(learner.tallies.iter().map(|t| (t.ballot, t.acceptors.contains(pos))));
            }
        }
        tallies.sort();
        for (b, member) in tallies {
            put_ballot(out, b);
            out.push(member as u8);
        }
    }
}
