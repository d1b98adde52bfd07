//! Actions on a world (faults, clients, network changes) and the read-only views the page uses.

use super::{InFlight, Item, World};
use crate::protocol::NodeId;
use crate::sim::action::{Action, MsgId};
use crate::sim::event::{DropReason, Sink, Tick, TraceEvent};
use crate::sim::system::{NodeSlot, Simulated, Step};

impl<P: Simulated> World<P> {
    /// Carries out one action now. Actions that name something that is not there (a node out
    /// of range, a message already delivered) are recorded and do nothing else.
    pub(super) fn apply(&mut self, action: &Action, sink: &mut impl Sink<P::Event>) {
        let (step, time) = (self.steps, self.now);
        sink.record(step, time, || P::Event::action(action.clone()));
        let valid = |n: &NodeId| n.index() < self.system.nodes.len();
        match action {
            Action::Propose { node, value } if valid(node) => {
                if let Some(value) = P::proposal(*value) {
                    self.apply_step(Step::Propose { node: *node, value }, sink)
                }
            }
            Action::Crash { node } if valid(node) => self.apply_step(Step::Crash { node: *node }, sink),
            Action::Recover { node } if valid(node) => self.apply_step(Step::Recover { node: *node }, sink),
            Action::Drop { msg } => {
                if let Some(m) = self.take_in_flight(*msg) {
                    self.post.stats.dropped += 1;
                    let reason = DropReason::ByHand;
                    sink.record(step, time, || P::Event::drop(m.id, m.from, m.to, m.msg, reason));
                }
            }
            Action::Duplicate { msg } => {
                if let Some(m) = self.in_flight_by_id(*msg) {
                    let arrive = self.now + self.post.rng.range(self.link_min(&m), self.link_max(&m)) as Tick;
                    let (step, now) = (self.steps, self.now);
                    self.post.twin(m.id, InFlight { sent_at: now, arrive, lost: false, ..m }, step, now, sink);
                }
            }
            Action::DeliverNow { msg } => self.reschedule(*msg, 0, sink),
            Action::Delay { msg, ticks } => {
                if let Some(m) = self.in_flight_by_id(*msg) {
                    let extra = (m.arrive - self.now.min(m.arrive)) + *ticks as Tick;
                    self.reschedule(*msg, extra, sink);
                }
            }
            Action::Partition { groups } => self.net.partition(groups),
            Action::Heal => self.net.heal(),
            Action::Cut { from, to, both } if valid(from) && valid(to) => self.set_cut(*from, *to, *both, true),
            Action::Restore { from, to, both } if valid(from) && valid(to) => self.set_cut(*from, *to, *both, false),
            Action::SetNetwork { params } => self.net.set_all(params),
            // Only an armed timer of an up node fires (a crash disarms it); its queued firing
            // is cancelled, so it fires once.
            Action::FireTimer { node } if valid(node) && self.post.timers[node.index()].due.is_some() => {
                self.post.timers[node.index()].cancel();
                self.post.stats.timeouts += 1;
                self.apply_step(Step::Timer { node: *node }, sink);
            }
            _ => {}
        }
    }

    fn set_cut(&mut self, from: NodeId, to: NodeId, both: bool, cut: bool) {
        self.net.link_mut(from, to).cut = cut;
        if both {
            self.net.link_mut(to, from).cut = cut;
        }
    }

    fn link_min(&self, m: &InFlight<P::Msg>) -> u32 {
        self.net.link(m.from, m.to).latency_ticks_min
    }

    fn link_max(&self, m: &InFlight<P::Msg>) -> u32 {
        self.net.link(m.from, m.to).latency_ticks_max
    }

    /// Moves a message in flight to arrive `after` ticks from now, keeping its id.
    fn reschedule(&mut self, id: MsgId, after: Tick, sink: &mut impl Sink<P::Event>) {
        if let Some(m) = self.take_in_flight(id) {
            let arrive = self.now + after;
            self.post.push(InFlight { arrive, ..m });
            sink.record(self.steps, self.now, || P::Event::reschedule(id, arrive));
        }
    }

    fn in_flight_by_id(&self, id: MsgId) -> Option<InFlight<P::Msg>> {
        self.in_flight_iter().find(|m| m.id == id).cloned()
    }

    /// Takes a message out of the queue.
    fn take_in_flight(&mut self, id: MsgId) -> Option<InFlight<P::Msg>> {
        let flights = &self.post.flights;
        match self.post.queue.remove(|item| matches!(*item, Item::Deliver(slot) if flights.get(slot).id == id))?.1 {
            Item::Deliver(slot) => Some(self.post.flights.take(slot, P::take_msg)),
            Item::Timer { .. } => None,
        }
    }

    /// Every message in flight, in the order they will arrive.
    pub fn in_flight(&self) -> Vec<InFlight<P::Msg>> {
        self.in_flight_iter().cloned().collect()
    }

    fn in_flight_iter(&self) -> impl Iterator<Item = &InFlight<P::Msg>> {
        self.post.queue.iter().filter_map(|(_, item)| match *item {
            Item::Deliver(slot) => Some(self.post.flights.get(slot)),
            Item::Timer { .. } => None,
        })
    }

    /// The number of messages in flight.
    pub fn in_flight_count(&self) -> usize {
        self.post.queue.iter().filter(|(_, item)| matches!(item, Item::Deliver(_))).count()
    }

    pub fn slot(&self, node: NodeId) -> &NodeSlot<P> {
        self.system.slot(node)
    }

    /// When `node`'s timer fires, if it is armed.
    pub fn timer_due(&self, node: NodeId) -> Option<crate::sim::event::Tick> {
        self.post.timers.get(node.index()).and_then(|t| t.due)
    }

    /// The time of the next step, if there is one: the next live delivery or timer, or a due
    /// scheduled action. The page advances its animation clock up to this.
    pub fn next_time(&mut self, schedule: &crate::sim::action::Schedule) -> Option<Tick> {
        let queued = self.skip_dead_timers();
        if schedule.by_step.get(self.step_cursor).is_some_and(|(n, _)| *n <= self.steps) {
            return Some(self.now);
        }
        let ticked = schedule.by_tick.get(self.tick_cursor).map(|(t, _)| (*t).max(self.now));
        match (queued, ticked) {
            (Some(q), Some(t)) => Some(q.min(t)),
            (q, t) => q.or(t),
        }
    }
}
