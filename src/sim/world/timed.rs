//! The simulator's side of a send or a timer: the seeded RNG draws a message's latency, whether
//! the network loses it and whether it is duplicated, and a timer's due tick; the event queue
//! holds them until their time. (The system decides *that* a message is sent; this decides when
//! and how it arrives.)

use super::{Flights, InFlight, Item, Queue, Stats, TimerSlot};
use crate::protocol::NodeId;
use crate::sim::action::MsgId;
use crate::sim::event::{Sink, Tick, TraceEvent};
use crate::sim::net::Network;
use crate::sim::rng::SimRng;
use crate::sim::system::Transit;

/// The parts of the world a send or a timer touches, borrowed while a node's handler runs: two
/// pointers, which a delivery hands to the handler in registers. (Borrowed field by field, as
/// seven pointers, they were built in memory for every delivery: 4.5% of W1's instructions.)
pub(super) struct Timed<'w, M> {
    pub post: &'w mut Post<M>,
    pub net: &'w Network,
}

/// What a send or a timer touches, owned by the world: the seeded RNG, the event queue, the
/// messages in flight, each node's timer, the message ids and the counters.
#[derive(Clone, Debug)]
pub(super) struct Post<M> {
    pub rng: SimRng,
    pub queue: Queue,
    pub flights: Flights<M>,
    pub timers: Vec<TimerSlot>,
    pub next_msg: u64,
    pub stats: Stats,
}

impl<M: Clone> Transit<M> for Timed<'_, M> {
    /// Sends `msg` over the link from `from` to `to`: the network draws its latency, whether it
    /// is lost, and whether it is duplicated.
    #[inline(always)]
    fn send<K: TraceEvent<M>>(
        &mut self,
        from: NodeId,
        to: NodeId,
        msg: M,
        step: u64,
        now: Tick,
        sink: &mut impl Sink<K>,
    ) {
        let link = self.net.link(from, to);
        let arrive = now + self.post.rng.range(link.latency_ticks_min, link.latency_ticks_max) as Tick;
        let lost = self.post.rng.chance(link.loss);
        let id = self.post.new_msg_id();
        self.post.stats.sent += 1;
        // (The message is copied only for a trace that records it and for a twin: a Multi-Paxos
        // message may carry log entries.)
        sink.record(step, now, || K::send(id, from, to, msg.clone(), arrive));
        if self.post.rng.chance(link.duplicate) {
            let twin = msg.clone();
            self.post.push(InFlight { id, from, to, msg, sent_at: now, arrive, lost });
            let arrive = now + self.post.rng.range(link.latency_ticks_min, link.latency_ticks_max) as Tick;
            let lost = self.post.rng.chance(link.loss);
            let m = InFlight { id, from, to, msg: twin, sent_at: now, arrive, lost };
            self.post.twin(id, m, step, now, sink);
        } else {
            self.post.push(InFlight { id, from, to, msg, sent_at: now, arrive, lost });
        }
    }

    #[inline(always)]
    fn set_timer(&mut self, node: NodeId, min_ticks: u32, max_ticks: u32, now: Tick) {
        let due = now + self.post.rng.range(min_ticks, max_ticks) as Tick;
        let timer = &mut self.post.timers[node.index()];
        timer.generation = timer.generation.wrapping_add(1);
        timer.due = Some(due);
        self.post.queue.push(due, Item::Timer { node, generation: timer.generation });
    }

    #[inline(always)]
    fn cancel_timer(&mut self, node: NodeId) {
        self.post.timers[node.index()].cancel();
    }
}

impl<M: Clone> Post<M> {
    #[inline(always)]
    pub(super) fn new_msg_id(&mut self) -> MsgId {
        self.next_msg += 1;
        MsgId(self.next_msg)
    }

    /// Queues a message to arrive at `m.arrive`.
    #[inline(always)]
    pub(super) fn push(&mut self, m: InFlight<M>) {
        let arrive = m.arrive;
        let slot = self.flights.insert(m);
        self.queue.push(arrive, Item::Deliver(slot));
    }

    /// Queues a copy of `m` (a message `of`) under a new id.
    pub(super) fn twin<K: TraceEvent<M>>(
        &mut self,
        of: MsgId,
        m: InFlight<M>,
        step: u64,
        now: Tick,
        sink: &mut impl Sink<K>,
    ) {
        let id = self.new_msg_id();
        self.stats.duplicated += 1;
        let (from, to, arrive) = (m.from, m.to, m.arrive);
        let msg = m.msg.clone();
        self.push(InFlight { id, ..m });
        sink.record(step, now, || K::duplicate(of, id, from, to, msg, arrive));
    }
}
