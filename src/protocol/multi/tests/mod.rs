//! The Multi-Paxos tests that need more than one file: each replica handler on its own
//! (`handlers`, `leading`: one input, the exact vector of outputs, order included, so persist
//! before the reply that depends on it), and multi-step sequences (`scenarios`, `leases`)
//! driven by a tiny FIFO delivery loop (`fifo`). Client handlers are tested in `client.rs`,
//! the store in `kv.rs`.
//!
//! The cluster throughout, unless a test says otherwise: replicas n0 n1 n2, clients from n3,
//! quorum 2, window 4, heartbeat every 10 ticks, election timeout 40..=80 ticks, client
//! timeout 100 ticks.

use super::*;
use crate::protocol::types::{Ballot, NodeId};

mod fifo;
mod handlers;
mod leading;
mod leases;
mod scenarios;

const R0: NodeId = NodeId(0);
const R1: NodeId = NodeId(1);
const R2: NodeId = NodeId(2);
const C3: NodeId = NodeId(3);
const X: Key = Key(0);
const C4: NodeId = NodeId(4);
const C5: NodeId = NodeId(5);
const Y: Key = Key(1);
const Z: Key = Key(2);
const ELECTION: Output = Output::SetTimer { min_ticks: 40, max_ticks: 80 };
const HEARTBEAT: Output = Output::SetTimer { min_ticks: 10, max_ticks: 10 };

fn b(round: u32, node: u8) -> Ballot {
    Ballot::new(round, NodeId(node))
}

fn w(client: NodeId, seq: u32, value: u32) -> Command {
    Command::Op { client, seq, op: KvOp::Write { key: X, value: Val(value) } }
}

fn cluster() -> MultiCluster {
    MultiCluster::new(3, 1)
}

fn send(to: NodeId, msg: Msg) -> Output {
    Output::Send { to, msg }
}

fn deliver(r: &mut Replica, from: NodeId, msg: Msg, c: &MultiCluster) -> Vec<Output> {
    handle(r, Input::Deliver { from, msg }, 0, c)
}

fn handle(r: &mut Replica, input: Input, now: u64, c: &MultiCluster) -> Vec<Output> {
    let mut out = Vec::new();
    r.handle(input, now, c, &mut out);
    out
}

/// A replica whose disk holds `promised` and `accepted`.
fn with_disk(id: NodeId, promised: Option<Ballot>, accepted: &[(u32, Ballot, Command)]) -> Replica {
    let accepted = accepted.iter().map(|&(s, b, c)| (Slot(s), (b, c))).collect();
    Replica::restore(id, &MultiDurable { promised, accepted, snapshot: None })
}

/// Replica 0 leading at ballot 1.0 with an empty log (its election outputs dropped).
fn leader(c: &MultiCluster) -> Replica {
    let mut r = Replica::restore(R0, &MultiDurable::default());
    handle(&mut r, Input::Timer, 0, c);
    deliver(&mut r, R1, Msg::Promise { ballot: b(1, 0), accepted: vec![], snapshot_point: Slot(0) }, c);
    assert!(r.is_leader());
    r
}

fn accepts(ballot: Ballot, slot: u32, cmd: Command, commit: u32) -> Vec<Output> {
    let msg = Msg::Accept { ballot, slot: Slot(slot), cmd, commit: Slot(commit) };
    vec![send(R1, msg.clone()), send(R2, msg)]
}

fn propose(ballot: Ballot, slot: u32, cmd: Command, commit: u32) -> Vec<Output> {
    let mut out = vec![Output::PersistAccept { slot: Slot(slot), ballot, cmd }];
    out.extend(accepts(ballot, slot, cmd, commit));
    out
}

fn leased() -> MultiCluster {
    MultiCluster { lease: Some(Lease { ticks: 30, drift: 3 }), ..cluster() }
}
