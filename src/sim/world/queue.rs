//! The event queue: entries come out in (time, sequence number) order.
//!
//! Why not a `BinaryHeap<Entry>`: every step pops one entry and pushes about one, and a heap
//! pays a logarithm of comparisons and moves for each. Simulated time only moves forward and
//! almost every entry is due within a few hundred ticks (latencies, timeouts, backoffs), so
//! this is a timing wheel: one first-in-first-out list per tick for the next `WHEEL_TICKS`
//! ticks, and a heap only for the rare entry due further away.
//!
//! Why the order is exactly (time, seq): sequence numbers grow with every push, so a list
//! that is appended to in push order is sorted by seq. An entry goes to the far heap only
//! while its tick is beyond the wheel; whenever the wheel moves on, the far entries that now
//! fit are moved in (in heap order) before anything else can be pushed for their tick, so
//! they land ahead of every later push for the same tick.

use super::Entry;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Ticks covered by the wheel (a power of two): the default timings never leave it.
const WHEEL_TICKS: usize = 256;
const WORDS: usize = WHEEL_TICKS / 64;
/// The end of a list.
const NIL: u32 = u32::MAX;

/// An entry due beyond the wheel, by its slot in the slab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FarKey {
    time: u64,
    seq: u64,
    slot: u32,
}

impl Ord for FarKey {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap and the earliest (time, seq) must come out first.
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}

impl PartialOrd for FarKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Clone, Copy, Debug)]
struct Cell {
    entry: Entry,
    /// The next entry of the same tick, or `NIL`.
    next: u32,
}

#[derive(Clone, Debug)]
pub(super) struct Queue {
    /// Entries by slot; slots listed in `free` hold stale entries.
    slab: Vec<Cell>,
    free: Vec<u32>,
    /// Per tick `t` in `base..base + WHEEL_TICKS`, at index `t % WHEEL_TICKS`: the list of
    /// its entries in push order (first and last slot).
    first: Vec<u32>,
    last: Vec<u32>,
    /// Which ticks of the wheel have entries.
    occupied: [u64; WORDS],
    /// The earliest tick the wheel covers: the time of the last entry popped (never later
    /// than the world's clock, so every push lands at or after it).
    base: u64,
    far: BinaryHeap<FarKey>,
    len: usize,
}

impl Default for Queue {
    fn default() -> Self {
        Queue::with_capacity(0)
    }
}

impl Queue {
    pub(super) fn with_capacity(n: usize) -> Queue {
        Queue {
            slab: Vec::with_capacity(n),
            free: Vec::with_capacity(n),
            first: vec![NIL; WHEEL_TICKS],
            last: vec![NIL; WHEEL_TICKS],
            occupied: [0; WORDS],
            base: 0,
            far: BinaryHeap::new(),
            len: 0,
        }
    }

    /// Queues `entry`. Its time must not be before the last entry popped (time only moves on).
    #[inline]
    pub(super) fn push(&mut self, entry: Entry) {
        debug_assert!(entry.time >= self.base, "an entry in the past");
        let slot = self.store(entry);
        self.len += 1;
        if entry.time - self.base < WHEEL_TICKS as u64 {
            self.append(slot);
        } else {
            self.far.push(FarKey { time: entry.time, seq: entry.seq, slot });
        }
    }

    /// The earliest entry.
    #[inline]
    pub(super) fn peek(&self) -> Option<&Entry> {
        match self.first_tick() {
            Some(index) => Some(&self.slab[self.first[index] as usize].entry),
            None => self.far.peek().map(|k| &self.slab[k.slot as usize].entry),
        }
    }

    /// Takes the earliest entry; simulated time moves to its time.
    #[inline]
    pub(super) fn pop(&mut self) -> Option<Entry> {
        let entry = self.take_first()?;
        if entry.time != self.base {
            self.base = entry.time;
            self.pull_far();
        }
        Some(entry)
    }

    /// Takes the earliest entry without moving time: a dead entry (a stale timer, a message
    /// taken out by hand) may lie later than a scheduled action that is still to come, and
    /// what that action sends must still fit in the wheel.
    #[inline]
    pub(super) fn discard_first(&mut self) {
        self.take_first();
    }

    #[inline]
    fn take_first(&mut self) -> Option<Entry> {
        let slot = match self.first_tick() {
            Some(index) => self.unlink_first(index),
            None => self.far.pop()?.slot,
        };
        self.len -= 1;
        self.free.push(slot);
        Some(self.slab[slot as usize].entry)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(super) fn clear(&mut self) {
        self.slab.clear();
        self.free.clear();
        self.first.fill(NIL);
        self.last.fill(NIL);
        self.occupied = [0; WORDS];
        self.base = 0;
        self.far.clear();
        self.len = 0;
    }

    /// Every queued entry, in no particular order.
    pub(super) fn iter(&self) -> impl Iterator<Item = &Entry> {
        let wheel = (0..WHEEL_TICKS).flat_map(move |index| {
            let mut slot = self.first[index];
            std::iter::from_fn(move || {
                let cell = self.slab.get(slot as usize)?;
                slot = cell.next;
                Some(&cell.entry)
            })
        });
        wheel.chain(self.far.iter().map(|k| &self.slab[k.slot as usize].entry))
    }

    #[inline]
    fn store(&mut self, entry: Entry) -> u32 {
        let cell = Cell { entry, next: NIL };
        match self.free.pop() {
            Some(slot) => {
                self.slab[slot as usize] = cell;
                slot
            }
            None => {
                self.slab.push(cell);
                (self.slab.len() - 1) as u32
            }
        }
    }

    /// Appends the stored entry at `slot` to the list of its tick.
    #[inline]
    fn append(&mut self, slot: u32) {
        let index = self.slab[slot as usize].entry.time as usize % WHEEL_TICKS;
        match self.last[index] {
            NIL => {
                self.first[index] = slot;
                self.occupied[index / 64] |= 1 << (index % 64);
            }
            tail => self.slab[tail as usize].next = slot,
        }
        self.last[index] = slot;
    }

    #[inline]
    fn unlink_first(&mut self, index: usize) -> u32 {
        let slot = self.first[index];
        let next = self.slab[slot as usize].next;
        self.first[index] = next;
        if next == NIL {
            self.last[index] = NIL;
            self.occupied[index / 64] &= !(1 << (index % 64));
        }
        slot
    }

    /// The wheel index of the earliest occupied tick, searching forward from `base`.
    #[inline]
    fn first_tick(&self) -> Option<usize> {
        let start = self.base as usize % WHEEL_TICKS;
        let (word, bit) = (start / 64, start % 64);
        let here = self.occupied[word] & (!0u64 << bit);
        if here != 0 {
            return Some(word * 64 + here.trailing_zeros() as usize);
        }
        for k in 1..=WORDS {
            let w = (word + k) % WORDS;
            let bits = if k == WORDS { self.occupied[w] & !(!0u64 << bit) } else { self.occupied[w] };
            if bits != 0 {
                return Some(w * 64 + bits.trailing_zeros() as usize);
            }
        }
        None
    }

    /// Moves far entries that the wheel now covers into it, earliest first.
    fn pull_far(&mut self) {
        while let Some(k) = self.far.peek() {
            if k.time - self.base >= WHEEL_TICKS as u64 {
                return;
            }
            let slot = k.slot;
            self.far.pop();
            self.append(slot);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Entry, Item};
    use super::*;
    use crate::protocol::NodeId;
    use crate::sim::SimRng;
    use std::cmp::Reverse;

    fn entry(time: u64, seq: u64) -> Entry {
        Entry { time, seq, item: Item::Timer { node: NodeId(0), generation: seq as u32 } }
    }

    /// The wheel gives the same order as a plain heap on (time, seq), as the world uses it:
    /// pushes at or after the clock, some beyond the wheel, and heads discarded without moving
    /// the clock (a dead entry later than the next push).
    #[test]
    fn same_order_as_a_heap() {
        let mut rng = SimRng::new(11);
        let (mut queue, mut reference) = (Queue::default(), BinaryHeap::new());
        let (mut now, mut seq) = (0u64, 0u64);
        for round in 0..8_000 {
            for _ in 0..rng.range(0, 3) {
                seq += 1;
                let far = rng.chance(crate::sim::Prob::from_f64(0.05));
                let time = now + if far { rng.range(0, 3 * WHEEL_TICKS as u32) } else { rng.range(0, 12) } as u64;
                queue.push(entry(time, seq));
                reference.push(Reverse((time, seq)));
            }
            assert_eq!(queue.peek().map(|e| (e.time, e.seq)), reference.peek().map(|r| r.0), "round {round}");
            if round % 64 == 0 {
                assert_eq!(queue.iter().count(), reference.len());
            }
            if rng.range(0, 4) == 0 {
                queue.discard_first();
                reference.pop();
            } else if let Some(e) = queue.pop() {
                let Reverse((time, s)) = reference.pop().unwrap();
                assert_eq!((e.time, e.seq), (time, s), "round {round}");
                now = time;
            }
            assert_eq!(queue.is_empty(), reference.is_empty());
        }
    }
}
