//! The event queue: entries come out in (time, sequence number) order.
//!
//! Why not a `BinaryHeap<Entry>`: an entry carries a whole message (about 80 bytes), and a heap
//! moves its elements on every push and pop. Here the heap orders 24-byte keys and the entries
//! stay put in a slab whose free slots are reused, so a step moves a few words instead of a few
//! hundred bytes. The order is the same: sequence numbers are unique, so (time, seq) is total.

use super::Entry;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Where an entry sits in the slab, under its ordering key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Key {
    time: u64,
    seq: u64,
    slot: u32,
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap and the earliest (time, seq) must come out first.
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Clone, Debug, Default)]
pub(super) struct Queue {
    heap: BinaryHeap<Key>,
    /// Entries by slot; a slot listed in `free` holds a stale entry.
    slab: Vec<Entry>,
    free: Vec<u32>,
}

impl Queue {
    pub(super) fn with_capacity(n: usize) -> Queue {
        Queue { heap: BinaryHeap::with_capacity(n), slab: Vec::with_capacity(n), free: Vec::with_capacity(n) }
    }

    #[inline]
    pub(super) fn push(&mut self, entry: Entry) {
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slab[slot as usize] = entry;
                slot
            }
            None => {
                self.slab.push(entry);
                (self.slab.len() - 1) as u32
            }
        };
        self.heap.push(Key { time: entry.time, seq: entry.seq, slot });
    }

    /// The earliest entry.
    #[inline]
    pub(super) fn peek(&self) -> Option<&Entry> {
        self.heap.peek().map(|k| &self.slab[k.slot as usize])
    }

    #[inline]
    pub(super) fn pop(&mut self) -> Option<Entry> {
        let key = self.heap.pop()?;
        self.free.push(key.slot);
        Some(self.slab[key.slot as usize])
    }

    pub(super) fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    pub(super) fn clear(&mut self) {
        self.heap.clear();
        self.slab.clear();
        self.free.clear();
    }

    /// Every queued entry, in no particular order.
    pub(super) fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.heap.iter().map(|k| &self.slab[k.slot as usize])
    }
}
