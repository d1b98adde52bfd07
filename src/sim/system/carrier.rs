//! Carrying out a node's outputs as its handler emits them.
//!
//! `System::input` hands the node's handler a `Carrier` as its `Outputs`: each `push` is carried
//! out at once (a send handed to the transit, a timer armed, a persist written and checked), in
//! the order the handler emits them, exactly as if they had been collected in a vector and
//! carried out afterwards. `push` is inlined into each place a handler emits an output, where the
//! output's kind is known, so the `match` below folds away: the simulator neither buffers the
//! outputs nor dispatches on their kind.
//!
//! The carrier borrows the parts of the system an output can touch, field by field, while the
//! node's protocol state is borrowed by its handler. The one thing that needs every node (the
//! stability check over all acceptors once a value is chosen) waits until the handler returns.

use super::Transit;
use crate::protocol::{Cluster, Durable, NodeId, Output, Outputs, Proposal};
use crate::sim::event::{EventKind, Sink, Tick};
use crate::sim::monitor::{Monitor, Violation};

pub(super) struct Carrier<'w, T: Transit, S: Sink> {
    pub node: NodeId,
    pub steps: u64,
    pub now: Tick,
    pub cluster: &'w Cluster,
    /// The node's disk (its protocol state is the handler's).
    pub storage: &'w mut Durable,
    pub transit: T,
    pub monitor: &'w mut Monitor,
    pub found: &'w mut Vec<Violation>,
    pub learned_outputs: &'w mut u64,
    /// A value was chosen: check every acceptor's accepted proposal once the handler returns.
    pub check_all_accepted: bool,
    pub sink: &'w mut S,
}

impl<T: Transit, S: Sink> Outputs for Carrier<'_, T, S> {
    #[inline(always)]
    fn push(&mut self, output: Output) {
        let (node, step, time) = (self.node, self.steps, self.now);
        match output {
            Output::Send { to, msg } => self.transit.send(node, to, msg, step, time, self.sink),
            Output::SetTimer { min_ticks, max_ticks, .. } => self.transit.set_timer(node, min_ticks, max_ticks, time),
            Output::CancelTimer { .. } => self.transit.cancel_timer(node),
            Output::PersistAcceptor(d) => {
                let before = self.storage.acceptor;
                self.storage.apply(&output);
                if d.promised != before.promised {
                    if let Some(ballot) = d.promised {
                        self.sink.record(step, time, || EventKind::Promised { node, ballot });
                    }
                    self.monitor.on_promise(node, d.promised, self.found);
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
                self.monitor.on_learned(node, value, self.found);
            }
            Output::Note(note) => self.sink.record(step, time, || EventKind::Proposer { node, note }),
        }
    }
}

impl<T: Transit, S: Sink> Carrier<'_, T, S> {
    fn on_accepted(&mut self, p: Proposal) {
        let position = self.cluster.position(self.node).unwrap_or(0);
        let quorum = self.cluster.quorums.phase2;
        if let Some(chosen) = self.monitor.on_accept(self.node, position, p, quorum, self.found) {
            let (ballot, value) = (chosen.ballot, chosen.value);
            self.sink.record(self.steps, self.now, || EventKind::Chosen { ballot, value });
            self.check_all_accepted = true;
        }
    }
}
