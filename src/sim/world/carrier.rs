//! Carrying out a node's outputs as its handler emits them.
//!
//! `World::input` hands the node's handler a `Carrier` as its `Outputs`: each `push` is carried
//! out at once (a send is queued, a timer set, a persist written and checked), in the order the
//! handler emits them, exactly as if they had been collected in a vector and carried out
//! afterwards. `push` is inlined into each place a handler emits an output, where the output's
//! kind is known, so the `match` below folds away: the simulator neither buffers the outputs nor
//! dispatches on their kind.
//!
//! The carrier borrows the parts of the world an output can touch, field by field, while the
//! node's protocol state is borrowed by its handler. The one thing that needs every node (the
//! stability check over all acceptors once a value is chosen) waits until the handler returns.

use super::{Flights, InFlight, Item, Queue};
use crate::protocol::{Cluster, Durable, Msg, NodeId, Output, Outputs, Proposal};
use crate::sim::action::MsgId;
use crate::sim::check::{Checker, Violation};
use crate::sim::event::{EventKind, Sink, Tick};
use crate::sim::net::Network;
use crate::sim::rng::SimRng;
use crate::sim::world::Stats;

pub(super) struct Carrier<'w, S: Sink> {
    pub node: NodeId,
    pub steps: u64,
    pub now: Tick,
    pub cluster: &'w Cluster,
    /// The node's disk and timer (its protocol state is the handler's).
    pub storage: &'w mut Durable,
    pub timer_generation: &'w mut u32,
    pub timer_due: &'w mut Option<Tick>,
    pub post: Post<'w>,
    pub rng: &'w mut SimRng,
    pub net: &'w Network,
    pub checker: &'w mut Checker,
    pub found: &'w mut Vec<Violation>,
    pub learned_outputs: &'w mut u64,
    /// A value was chosen: check every acceptor's accepted proposal once the handler returns.
    pub check_all_accepted: bool,
    pub sink: &'w mut S,
}

/// The queue, the messages in flight and the counters: what sending a message touches.
pub(super) struct Post<'w> {
    pub queue: &'w mut Queue,
    pub flights: &'w mut Flights,
    pub next_msg: &'w mut u64,
    pub stats: &'w mut Stats,
}

impl<S: Sink> Outputs for Carrier<'_, S> {
    #[inline(always)]
    fn push(&mut self, output: Output) {
        let (node, step, time) = (self.node, self.steps, self.now);
        match output {
            Output::Send { to, msg } => self.send(to, msg),
            Output::SetTimer { min_ticks, max_ticks, .. } => {
                let due = time + self.rng.range(min_ticks, max_ticks) as Tick;
                *self.timer_generation = self.timer_generation.wrapping_add(1);
                *self.timer_due = Some(due);
                self.post.queue.push(due, Item::Timer { node, generation: *self.timer_generation });
            }
            Output::CancelTimer { .. } => {
                *self.timer_generation = self.timer_generation.wrapping_add(1);
                *self.timer_due = None;
            }
            Output::PersistAcceptor(d) => {
                let before = self.storage.acceptor;
                self.storage.apply(&output);
                if d.promised != before.promised {
                    if let Some(ballot) = d.promised {
                        self.sink.record(step, time, || EventKind::Promised { node, ballot });
                    }
                    self.checker.on_promise(node, d.promised, self.found);
                }
                if let (Some(p), true) = (d.accepted, d.accepted != before.accepted) {
                    self.sink.record(step, time, || EventKind::Accepted { node, proposal: p });
                    self.on_accepted(p);
                }
            }
            Output::PersistProposer(_) => self.storage.apply(&output),
            Output::Learned { value } => {
                *self.learned_outputs += 1;
                self.sink.record(step, time, || EventKind::Learned { node, value });
                self.checker.on_learned(node, value, self.found);
            }
            Output::Note(note) => self.sink.record(step, time, || EventKind::Proposer { node, note }),
        }
    }
}

impl<S: Sink> Carrier<'_, S> {
    fn on_accepted(&mut self, p: Proposal) {
        let position = self.cluster.position(self.node).unwrap_or(0);
        let quorum = self.cluster.quorums.phase2;
        if let Some(chosen) = self.checker.on_accept(self.node, position, p, quorum, self.found) {
            let (ballot, value) = (chosen.ballot, chosen.value);
            self.sink.record(self.steps, self.now, || EventKind::Chosen { ballot, value });
            self.check_all_accepted = true;
        }
    }

    /// Sends `msg` over the link from this node to `to`: the network draws its latency, whether
    /// it is lost, and whether it is duplicated.
    #[inline(always)]
    fn send(&mut self, to: NodeId, msg: Msg) {
        let (from, now) = (self.node, self.now);
        let link = self.net.link(from, to);
        let arrive = now + self.rng.range(link.latency_ticks_min, link.latency_ticks_max) as Tick;
        let lost = self.rng.chance(link.loss);
        let id = self.post.new_msg_id();
        self.post.stats.sent += 1;
        self.post.push(InFlight { id, from, to, msg, sent_at: now, arrive, lost });
        self.sink.record(self.steps, now, || EventKind::Send { id, from, to, msg, arrive });
        if self.rng.chance(link.duplicate) {
            let arrive = now + self.rng.range(link.latency_ticks_min, link.latency_ticks_max) as Tick;
            let lost = self.rng.chance(link.loss);
            let m = InFlight { id, from, to, msg, sent_at: now, arrive, lost };
            self.post.twin(id, m, self.steps, now, self.sink);
        }
    }
}

impl Post<'_> {
    #[inline(always)]
    pub(super) fn new_msg_id(&mut self) -> MsgId {
        *self.next_msg += 1;
        MsgId(*self.next_msg)
    }

    /// Queues a message to arrive at `m.arrive`.
    #[inline(always)]
    pub(super) fn push(&mut self, m: InFlight) {
        let arrive = m.arrive;
        let slot = self.flights.insert(m);
        self.queue.push(arrive, Item::Deliver(slot));
    }

    /// Queues a copy of `m` (a message `of`) under a new id.
    pub(super) fn twin(&mut self, of: MsgId, m: InFlight, step: u64, now: Tick, sink: &mut impl Sink) {
        let id = self.new_msg_id();
        self.stats.duplicated += 1;
        self.push(InFlight { id, ..m });
        sink.record(step, now, || EventKind::Duplicate {
            of,
            id,
            from: m.from,
            to: m.to,
            msg: m.msg,
            arrive: m.arrive,
        });
    }
}
