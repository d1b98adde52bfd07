//! A client: closed loop, one request at a time. It sends to the replica it believes leads,
//! follows redirects, and on a timeout sends the same (seq, op) to the next replica; the
//! replicas' at-most-once table makes the retry safe.

use super::config::MultiCluster;
use super::kv::{KvOp, KvReply};
use super::msg::{Input, Msg, Note, Output, Outputs};
use crate::protocol::types::NodeId;
use serde::{Deserialize, Serialize};

/// Clients keep nothing durable: a client that crashed is a process that never returns
/// (Jepsen's rule for an indeterminate operation), so a driver must not restart one under
/// the same id, or its sequence numbers would start again and meet old table entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Client {
    pub id: NodeId,
    /// The replica this client believes leads (replica 0 at first).
    pub leader: NodeId,
    /// The sequence number of the latest request (the first is 1).
    pub seq: u32,
    /// The operation awaiting its reply, if any.
    pub pending: Option<KvOp>,
}

impl Client {
    pub fn new(id: NodeId) -> Client {
        Client { id, leader: NodeId(0), seq: 0, pending: None }
    }

    pub fn handle(&mut self, input: Input, cluster: &MultiCluster, out: &mut impl Outputs) {
        match input {
            Input::Request(op) => self.on_request(op, cluster, out),
            Input::Timer => self.on_timer(cluster, out),
            Input::Deliver { from, msg: Msg::Reply { seq, reply } } => self.on_reply(from, seq, reply, out),
            Input::Deliver { from, msg: Msg::Redirect { seq, leader } } => {
                self.on_redirect(from, seq, leader, cluster, out)
            }
            Input::Deliver { .. } => {}
        }
    }

    pub fn on_request(&mut self, op: KvOp, cluster: &MultiCluster, out: &mut impl Outputs) {
        if self.pending.is_some() {
            out.push(Output::Note(Note::Busy { op }));
            return;
        }
        self.seq += 1;
        self.pending = Some(op);
        self.send(cluster, out);
    }

    /// No answer in time: the same request, to the next replica.
    pub fn on_timer(&mut self, cluster: &MultiCluster, out: &mut impl Outputs) {
        if self.pending.is_some() {
            self.leader = next_replica(self.leader, cluster);
            self.send(cluster, out);
        }
    }

    /// Follows a redirect at once when it names a leader. When the replica does not know
    /// one (an election is under way), the client only moves its guess on and lets its
    /// timer resend, so that it does not flood the replicas in turn.
    pub fn on_redirect(
        &mut self,
        from: NodeId,
        seq: u32,
        leader: Option<NodeId>,
        cluster: &MultiCluster,
        out: &mut impl Outputs,
    ) {
        if seq != self.seq || self.pending.is_none() {
            return;
        }
        match leader {
            Some(l) if l != from && cluster.is_replica(l) => {
                self.leader = l;
                self.send(cluster, out);
            }
            _ => self.leader = next_replica(from, cluster),
        }
    }

    /// The answer to the current request completes it; anything else is stale.
    pub fn on_reply(&mut self, from: NodeId, seq: u32, reply: KvReply, out: &mut impl Outputs) {
        if seq != self.seq {
            return;
        }
        let Some(op) = self.pending.take() else { return };
        self.leader = from;
        out.push(Output::CancelTimer);
        out.push(Output::Complete { seq, op, reply });
    }

    fn send(&self, cluster: &MultiCluster, out: &mut impl Outputs) {
        let Some(op) = self.pending else { return };
        out.push(Output::Send { to: self.leader, msg: Msg::Request { seq: self.seq, op } });
        let t = cluster.client_timeout_ticks;
        out.push(Output::SetTimer { min_ticks: t, max_ticks: t });
    }
}

fn next_replica(replica: NodeId, cluster: &MultiCluster) -> NodeId {
    NodeId(((replica.index() + 1) % cluster.replicas.len().max(1)) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::multi::kv::{Key, Val};

    const C: NodeId = NodeId(3);
    const READ: KvOp = KvOp::Read { key: Key(0) };
    const WRITE: KvOp = KvOp::Write { key: Key(0), value: Val(5) };

    fn cluster() -> MultiCluster {
        MultiCluster::new(3, 1)
    }

    fn run(client: &mut Client, input: Input) -> Vec<Output> {
        let mut out = Vec::new();
        client.handle(input, &cluster(), &mut out);
        out
    }

    fn request(to: u8, seq: u32, op: KvOp) -> Output {
        Output::Send { to: NodeId(to), msg: Msg::Request { seq, op } }
    }

    const TIMER: Output = Output::SetTimer { min_ticks: 100, max_ticks: 100 };

    fn pending(seq: u32, op: KvOp, leader: u8) -> Client {
        Client { id: C, leader: NodeId(leader), seq, pending: Some(op) }
    }

    #[test]
    fn a_request_goes_to_replica_0_first_with_a_fresh_seq() {
        let mut c = Client::new(C);
        assert_eq!(run(&mut c, Input::Request(WRITE)), vec![request(0, 1, WRITE), TIMER]);
        assert_eq!(c, pending(1, WRITE, 0));
    }

    #[test]
    fn a_second_operation_while_one_is_pending_is_ignored() {
        let mut c = pending(1, WRITE, 0);
        assert_eq!(run(&mut c, Input::Request(READ)), vec![Output::Note(Note::Busy { op: READ })]);
        assert_eq!(c, pending(1, WRITE, 0));
    }

    #[test]
    fn a_timeout_resends_the_same_seq_to_the_next_replica() {
        let mut c = pending(4, WRITE, 2);
        assert_eq!(run(&mut c, Input::Timer), vec![request(0, 4, WRITE), TIMER], "wraps around to replica 0");
        let mut idle = Client::new(C);
        assert_eq!(run(&mut idle, Input::Timer), vec![]);
    }

    #[test]
    fn a_redirect_naming_the_leader_is_followed_at_once() {
        let mut c = pending(2, READ, 0);
        let redirect = Msg::Redirect { seq: 2, leader: Some(NodeId(2)) };
        assert_eq!(run(&mut c, Input::Deliver { from: NodeId(0), msg: redirect }), vec![request(2, 2, READ), TIMER]);
    }

    #[test]
    fn a_redirect_without_a_leader_moves_the_guess_and_waits_for_the_timer() {
        let mut c = pending(2, READ, 1);
        let redirect = Msg::Redirect { seq: 2, leader: None };
        assert_eq!(run(&mut c, Input::Deliver { from: NodeId(1), msg: redirect }), vec![]);
        assert_eq!(c.leader, NodeId(2));
        let stale = Msg::Redirect { seq: 1, leader: Some(NodeId(0)) };
        assert_eq!(run(&mut c, Input::Deliver { from: NodeId(2), msg: stale }), vec![]);
        assert_eq!(c.leader, NodeId(2), "a redirect for an older request changes nothing");
    }

    #[test]
    fn the_reply_to_the_current_seq_completes_and_stale_ones_are_ignored() {
        let mut c = pending(3, WRITE, 0);
        let stale = Msg::Reply { seq: 2, reply: KvReply::Written { version: 1 } };
        assert_eq!(run(&mut c, Input::Deliver { from: NodeId(1), msg: stale }), vec![]);
        let reply = KvReply::Written { version: 2 };
        let out = run(&mut c, Input::Deliver { from: NodeId(1), msg: Msg::Reply { seq: 3, reply } });
        assert_eq!(out, vec![Output::CancelTimer, Output::Complete { seq: 3, op: WRITE, reply }]);
        assert_eq!(c, Client { id: C, leader: NodeId(1), seq: 3, pending: None }, "the replier leads");
        let again = run(&mut c, Input::Deliver { from: NodeId(1), msg: Msg::Reply { seq: 3, reply } });
        assert_eq!(again, vec![], "a duplicated reply completes nothing twice");
    }
}
