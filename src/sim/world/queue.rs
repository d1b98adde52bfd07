//! The event queue: entries come out in (time, sequence number) order.
//!
//! Why not a `BinaryHeap<Entry>`: every step pops one entry and pushes about one, and a heap
//! pays a logarithm of comparisons and moves for each. Simulated time only moves forward and
//! almost every entry is due within a few hundred ticks (latencies, timeouts, backoffs), so
//! this is a timing wheel: one first-in-first-out bucket per tick for the next `WHEEL_TICKS`
//! ticks, and a heap only for the rare entry due further away.
//!
//! Why the order is exactly (time, seq): sequence numbers grow with every push, so a bucket
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
/// No occupied tick.
const NONE: usize = usize::MAX;

/// An entry due beyond the wheel.
#[derive(Clone, Copy, Debug)]
struct Far(Entry);

impl PartialEq for Far {
    fn eq(&self, other: &Self) -> bool {
        (self.0.time, self.0.seq) == (other.0.time, other.0.seq)
    }
}

impl Eq for Far {}

impl Ord for Far {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap and the earliest (time, seq) must come out first.
        (other.0.time, other.0.seq).cmp(&(self.0.time, self.0.seq))
    }
}

impl PartialOrd for Far {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The entries of one tick, in push order; `entries[head..]` are still queued.
#[derive(Clone, Debug, Default)]
struct Bucket {
    entries: Vec<Entry>,
    head: usize,
}

#[derive(Clone, Debug)]
pub(super) struct Queue {
    /// The bucket of tick `t` (for `t` in `base..base + WHEEL_TICKS`) is `ticks[t % WHEEL_TICKS]`.
    ticks: Vec<Bucket>,
    /// Which buckets hold entries.
    occupied: [u64; WORDS],
    /// The bucket of the earliest entry in the wheel, or `NONE`.
    front: usize,
    /// The earliest tick the wheel covers: the time of the last entry popped (never later
    /// than the world's clock, so every push lands at or after it).
    base: u64,
    far: BinaryHeap<Far>,
    len: usize,
}

impl Default for Queue {
    fn default() -> Self {
        Queue {
            ticks: vec![Bucket::default(); WHEEL_TICKS],
            occupied: [0; WORDS],
            front: NONE,
            base: 0,
            far: BinaryHeap::new(),
            len: 0,
        }
    }
}

impl Queue {
    /// Queues `entry`. Its time must not be before the last entry popped (time only moves on).
    #[inline]
    pub(super) fn push(&mut self, entry: Entry) {
        debug_assert!(entry.time >= self.base, "an entry in the past");
        self.len += 1;
        if entry.time - self.base < WHEEL_TICKS as u64 {
            self.append(entry);
        } else {
            self.far.push(Far(entry));
        }
    }

    /// The earliest entry.
    #[inline]
    pub(super) fn peek(&self) -> Option<&Entry> {
        match self.ticks.get(self.front) {
            Some(bucket) => bucket.entries.get(bucket.head),
            None => self.far.peek().map(|f| &f.0),
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

    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(super) fn clear(&mut self) {
        for (w, word) in self.occupied.iter_mut().enumerate() {
            while *word != 0 {
                let bucket = &mut self.ticks[w * 64 + word.trailing_zeros() as usize];
                bucket.entries.clear();
                bucket.head = 0;
                *word &= *word - 1;
            }
        }
        self.front = NONE;
        self.base = 0;
        self.far.clear();
        self.len = 0;
    }

    /// Every queued entry, in no particular order.
    pub(super) fn iter(&self) -> impl Iterator<Item = &Entry> {
        let wheel = self.ticks.iter().flat_map(|b| &b.entries[b.head..]);
        wheel.chain(self.far.iter().map(|f| &f.0))
    }

    #[inline]
    fn append(&mut self, entry: Entry) {
        let index = entry.time as usize % WHEEL_TICKS;
        let bucket = &mut self.ticks[index];
        bucket.entries.push(entry);
        if bucket.entries.len() - bucket.head == 1 {
            self.occupied[index / 64] |= 1 << (index % 64);
            if self.front == NONE || entry.time < self.front_time() {
                self.front = index;
            }
        }
    }

    fn front_time(&self) -> u64 {
        let bucket = &self.ticks[self.front];
        bucket.entries[bucket.head].time
    }

    #[inline]
    fn take_first(&mut self) -> Option<Entry> {
        let Some(bucket) = self.ticks.get_mut(self.front) else {
            let far = self.far.pop()?;
            self.len -= 1;
            return Some(far.0);
        };
        let entry = bucket.entries[bucket.head];
        bucket.head += 1;
        if bucket.head == bucket.entries.len() {
            bucket.entries.clear();
            bucket.head = 0;
            let index = self.front;
            self.occupied[index / 64] &= !(1 << (index % 64));
            self.front = self.next_occupied(index);
        }
        self.len -= 1;
        Some(entry)
    }

    /// The first occupied bucket at or after `start`, going round the wheel once (the wheel's
    /// entries all lie within one turn, so this is the earliest).
    fn next_occupied(&self, start: usize) -> usize {
        let (word, bit) = (start / 64, start % 64);
        let here = self.occupied[word] & (!0u64 << bit);
        if here != 0 {
            return word * 64 + here.trailing_zeros() as usize;
        }
        for k in 1..=WORDS {
            let w = (word + k) % WORDS;
            let bits = if k == WORDS { self.occupied[w] & !(!0u64 << bit) } else { self.occupied[w] };
            if bits != 0 {
                return w * 64 + bits.trailing_zeros() as usize;
            }
        }
        NONE
    }

    /// Moves far entries that the wheel now covers into it, earliest first.
    fn pull_far(&mut self) {
        while let Some(f) = self.far.peek() {
            if f.0.time - self.base >= WHEEL_TICKS as u64 {
                return;
            }
            let entry = f.0;
            self.far.pop();
            self.append(entry);
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
