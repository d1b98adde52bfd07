//! Carrying out a node's outputs as its handler emits them.
//!
//! `System::input` hands the node's handler a `Carrier` as where its outputs go: each `push` is
//! carried out at once by the protocol's `Simulated::carry` (a send handed to the transit, a
//! timer armed, a persist written and checked), in the order the handler emits them, exactly
//! as if they had been collected in a vector and carried out afterwards. `push` is inlined into
//! each place a handler emits an output, where the output's kind is known, so the `match` in
//! `carry` folds away: the simulator neither buffers the outputs nor dispatches on their kind.
//!
//! The carrier borrows the parts of the system an output can touch, field by field, while the
//! node's protocol state is borrowed by its handler. Checks that need every node (single-decree:
//! the stability check over all acceptors once a value is chosen) set `after` and run once the
//! handler returns (`Simulated::after_input`).

use super::{Simulated, Transit};
use crate::protocol::{Msg, NodeId, Output, Proposal, SingleDecree};
use crate::sim::event::{EventKind, Sink, Tick};
use crate::sim::monitor::Violation;

pub struct Carrier<'w, P: Simulated, T: Transit<P::Msg>, S: Sink<P::Event>> {
    pub node: NodeId,
    pub steps: u64,
    pub now: Tick,
    pub cluster: &'w P::Cluster,
    /// The node's disk (its protocol state is the handler's).
    pub storage: &'w mut P::Durable,
    pub transit: T,
    pub monitor: &'w mut P::Monitor,
    pub found: &'w mut Vec<Violation>,
    pub learned_outputs: &'w mut u64,
    /// Run `Simulated::after_input` once the handler returns.
    pub after: bool,
    pub sink: &'w mut S,
}

impl<T: Transit<Msg>, S: Sink<EventKind>> Carrier<'_, SingleDecree, T, S> {
    #[inline(always)]
    pub(crate) fn carry_single_decree(&mut self, output: Output) {
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

    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    fn on_accepted(&mut self, p: Proposal) {
        let position = self.cluster.position(self.node).unwrap_or(0);
        let quorum = self.cluster.quorums.phase2;
        if let Some(chosen) = self.monitor.on_accept(self.node, position, p, quorum, self.found) {
            let (ballot, value) = (chosen.ballot, chosen.value);
            self.sink.record(self.steps, self.now, || EventKind::Chosen { ballot, value });
            self.after = true;
        }
    }
}
