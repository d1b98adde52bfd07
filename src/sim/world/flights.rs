//! The messages in flight, each in a numbered slot; the event queue holds only slot numbers.
//!
//! Why not keep the messages in the queue itself: a queued message is about 56 bytes, and
//! every step moved one out of the queue and through a few temporaries before it was read.
//! Those copies were the single biggest cost of W1 (the processor stalls when it reloads a
//! value it has just stored in differently sized pieces). A queue item is now 8 bytes, and a
//! delivery reads the message where it was written, long before.
//!
//! Slots are reused last-freed first. Which slot a message gets never shows outside the
//! world: messages are named by their `MsgId`, and the queue keeps the (time, push) order.

use super::InFlight;

#[derive(Clone, Debug)]
pub(super) struct Flights<M> {
    slots: Vec<InFlight<M>>,
    free: Vec<u32>,
}

impl<M> Default for Flights<M> {
    fn default() -> Self {
        Flights { slots: Vec::new(), free: Vec::new() }
    }
}

impl<M: Clone> Flights<M> {
    /// Stores `m` and returns its slot.
    #[inline(always)]
    pub(super) fn insert(&mut self, m: InFlight<M>) -> u32 {
        match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = m;
                slot
            }
            None => {
                self.slots.push(m);
                (self.slots.len() - 1) as u32
            }
        }
    }

    /// The message in `slot`, which must be occupied.
    #[inline(always)]
    pub(super) fn get(&self, slot: u32) -> &InFlight<M> {
        &self.slots[slot as usize]
    }

    /// Frees `slot` and returns its message, moved out by `take` (`Simulated::take_msg`:
    /// a copy for single-decree's `Copy` messages, a move for Multi-Paxos's, which may carry
    /// log entries). What `take` leaves behind is never read: the slot is free.
    #[inline(always)]
    pub(super) fn take(&mut self, slot: u32, take: impl FnOnce(&mut M) -> M) -> InFlight<M> {
        self.free.push(slot);
        let m = &mut self.slots[slot as usize];
        InFlight {
            id: m.id,
            from: m.from,
            to: m.to,
            msg: take(&mut m.msg),
            sent_at: m.sent_at,
            arrive: m.arrive,
            lost: m.lost,
        }
    }

    /// Frees every slot, keeping the memory.
    pub(super) fn clear(&mut self) {
        self.slots.clear();
        self.free.clear();
    }
}
