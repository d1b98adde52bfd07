//! The event queue: items come out in (time, push order) order.
//!
//! Why not a `BinaryHeap`: every step pops one item and pushes about one, and a heap pays a
//! logarithm of comparisons and moves for each. Simulated time only moves forward and almost
//! every item is due within a few hundred ticks (latencies, timeouts, backoffs), so this is a
//! timing wheel: one first-in-first-out bucket per tick for the next `WHEEL_TICKS` ticks, and a
//! heap only for the rare item due further away.
//!
//! Why the order is exactly (time, push order): a bucket is appended to in push order. An item
//! goes to the far heap only while its tick is beyond the wheel; whenever the wheel moves on,
//! the far items that now fit are moved in (in heap order) before anything else can be pushed
//! for their tick, so they land ahead of every later push for the same tick.
//!
//! Why buckets hold no times: every item in the wheel lies in `base..base + WHEEL_TICKS`, so a
//! bucket's index names its tick, and the queue keeps only the time of its front bucket. The
//! smaller the item, the cheaper every push and pop (W1 does a few million a second).

use super::Item;
use crate::sim::event::Tick;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Ticks covered by the wheel (a power of two): the default timings never leave it.
const WHEEL_TICKS: usize = 256;
const WORDS: usize = WHEEL_TICKS / 64;
/// No occupied tick.
const NONE: usize = usize::MAX;

/// An item due beyond the wheel, with a push counter that keeps one tick's items in push order.
#[derive(Clone, Copy, Debug)]
struct Far {
    time: Tick,
    order: u64,
    item: Item,
}

impl PartialEq for Far {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.order) == (other.time, other.order)
    }
}

impl Eq for Far {}

impl Ord for Far {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap and the earliest (time, order) must come out first.
        (other.time, other.order).cmp(&(self.time, self.order))
    }
}

impl PartialOrd for Far {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The items of one tick, in push order; `items[head..]` are still queued. An empty bucket has
/// `head == 0` and no items.
#[derive(Clone, Debug, Default)]
struct Bucket {
    items: Vec<Item>,
    head: usize,
}

#[derive(Clone, Debug)]
pub(super) struct Queue {
    /// The bucket of tick `t` (for `t` in `base..base + WHEEL_TICKS`) is `ticks[t % WHEEL_TICKS]`.
    /// A fixed-size array, so that indexing by `t % WHEEL_TICKS` needs no bounds check.
    ticks: Box<[Bucket; WHEEL_TICKS]>,
    /// Which buckets hold items.
    occupied: [u64; WORDS],
    /// The bucket of the earliest item in the wheel, or `NONE`; `front_time` is its tick
    /// (`Tick::MAX` when there is none).
    front: usize,
    front_time: Tick,
    /// The earliest tick the wheel covers: the time of the last item popped (never later than
    /// the world's clock, so every push lands at or after it).
    base: Tick,
    far: BinaryHeap<Far>,
    far_pushes: u64,
    len: usize,
}

impl Default for Queue {
    fn default() -> Self {
        Queue {
            ticks: Box::new(std::array::from_fn(|_| Bucket::default())),
            occupied: [0; WORDS],
            front: NONE,
            front_time: Tick::MAX,
            base: 0,
            far: BinaryHeap::new(),
            far_pushes: 0,
            len: 0,
        }
    }
}

impl Queue {
    /// Queues `item` at `time`, which must not be before the last item popped (time only moves on).
    #[inline(always)]
    pub(super) fn push(&mut self, time: Tick, item: Item) {
        debug_assert!(time >= self.base, "an item in the past");
        self.len += 1;
        if time - self.base < WHEEL_TICKS as u64 {
            self.append(time, item);
        } else {
            self.far_pushes += 1;
            self.far.push(Far { time, order: self.far_pushes, item });
        }
    }

    /// The earliest item and its time.
    #[inline(always)]
    pub(super) fn peek(&self) -> Option<(Tick, &Item)> {
        match self.ticks.get(self.front) {
            Some(bucket) => bucket.items.get(bucket.head).map(|item| (self.front_time, item)),
            None => self.far.peek().map(|f| (f.time, &f.item)),
        }
    }

    /// Takes the earliest item; simulated time moves to its time.
    #[inline(always)]
    pub(super) fn pop(&mut self) -> Option<(Tick, Item)> {
        let (time, item) = self.take_first()?;
        // Not `if time != self.base`: another coin flip. Far items are rare.
        self.base = time;
        if !self.far.is_empty() {
            self.pull_far();
        }
        Some((time, item))
    }

    /// Takes the earliest item without moving time: a dead item (a stale timer) may lie later
    /// than a scheduled action that is still to come, and what that action sends must still
    /// fit in the wheel.
    #[inline]
    pub(super) fn discard_first(&mut self) {
        self.take_first();
    }

    /// Takes out the first item (in queue order) that `pick` selects, wherever it is.
    pub(super) fn remove(&mut self, pick: impl Fn(&Item) -> bool) -> Option<(Tick, Item)> {
        for k in 0..WHEEL_TICKS as u64 {
            let (time, index) = (self.base + k, (self.base + k) as usize % WHEEL_TICKS);
            let bucket = &mut self.ticks[index];
            if let Some(offset) = bucket.items[bucket.head..].iter().position(&pick) {
                let item = bucket.items.remove(bucket.head + offset);
                self.len -= 1;
                if bucket.head == bucket.items.len() {
                    self.empty_bucket(index);
                }
                return Some((time, item));
            }
        }
        let mut far = std::mem::take(&mut self.far).into_vec();
        let found = far.iter().position(|f| pick(&f.item)).map(|i| far.swap_remove(i));
        self.far = BinaryHeap::from(far);
        self.len -= usize::from(found.is_some());
        found.map(|f| (f.time, f.item))
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(super) fn clear(&mut self) {
        for (w, word) in self.occupied.iter_mut().enumerate() {
            while *word != 0 {
                let bucket = &mut self.ticks[w * 64 + word.trailing_zeros() as usize];
                bucket.items.clear();
                bucket.head = 0;
                *word &= *word - 1;
            }
        }
        self.front = NONE;
        self.front_time = Tick::MAX;
        self.base = 0;
        self.far.clear();
        self.far_pushes = 0;
        self.len = 0;
    }

    /// Every queued item with its time, in the order they will come out.
    pub(super) fn iter(&self) -> impl Iterator<Item = (Tick, &Item)> {
        let wheel = (self.base..self.base + WHEEL_TICKS as u64).flat_map(move |time| {
            let bucket = &self.ticks[time as usize % WHEEL_TICKS];
            bucket.items[bucket.head..].iter().map(move |item| (time, item))
        });
        let mut far: Vec<&Far> = self.far.iter().collect();
        far.sort_by_key(|f| (f.time, f.order));
        wheel.chain(far.into_iter().map(|f| (f.time, &f.item)))
    }

    #[inline(always)]
    fn append(&mut self, time: Tick, item: Item) {
        // No branch on whether the bucket was empty (a coin flip in W1, so a branch the
        // processor would often mispredict): marking it occupied again is harmless, and the
        // front moves only to an earlier tick (`front_time` is `Tick::MAX` while there is none).
        let index = time as usize % WHEEL_TICKS;
        self.occupied[index / 64] |= 1 << (index % 64);
        let earlier = time < self.front_time;
        self.front = if earlier { index } else { self.front };
        self.front_time = self.front_time.min(time);
        self.ticks[index].items.push(item);
    }

    #[inline(always)]
    fn take_first(&mut self) -> Option<(Tick, Item)> {
        let Some(bucket) = self.ticks.get_mut(self.front) else {
            let far = self.far.pop()?;
            self.len -= 1;
            return Some((far.time, far.item));
        };
        let item = bucket.items[bucket.head];
        bucket.head += 1;
        let time = self.front_time;
        if bucket.head == bucket.items.len() {
            self.empty_bucket(self.front);
        }
        self.len -= 1;
        Some((time, item))
    }

    /// Marks the bucket `index` empty, and moves the front on if it was the front.
    fn empty_bucket(&mut self, index: usize) {
        let bucket = &mut self.ticks[index];
        bucket.items.clear();
        bucket.head = 0;
        self.occupied[index / 64] &= !(1 << (index % 64));
        if index == self.front {
            self.front = self.next_occupied(index);
            // Every item in the wheel lies in `base..base + WHEEL_TICKS`: the index names the tick.
            let ahead = self.front.wrapping_sub(self.base as usize) % WHEEL_TICKS;
            self.front_time = if self.front == NONE { Tick::MAX } else { self.base + ahead as Tick };
        }
    }

    /// The first occupied bucket at or after `start`, going round the wheel once (the wheel's
    /// items all lie within one turn, so this is the earliest).
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

    /// Moves far items that the wheel now covers into it, earliest first.
    fn pull_far(&mut self) {
        while let Some(f) = self.far.peek() {
            if f.time - self.base >= WHEEL_TICKS as u64 {
                return;
            }
            let (time, item) = (f.time, f.item);
            self.far.pop();
            self.append(time, item);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Item;
    use super::*;
    use crate::protocol::NodeId;
    use crate::sim::SimRng;
    use std::cmp::Reverse;

    /// An item that carries its push number, so the test can tell items apart.
    fn item(seq: u64) -> Item {
        Item::Timer { node: NodeId(0), generation: seq as u32 }
    }

    fn seq_of(item: &Item) -> u64 {
        match *item {
            Item::Timer { generation, .. } => generation as u64,
            Item::Deliver(_) => unreachable!("the test queues timers only"),
        }
    }

    /// The wheel gives the same order as a plain heap on (time, push number), as the world uses
    /// it: pushes at or after the clock, some beyond the wheel, heads discarded without moving
    /// the clock (a dead item later than the next push), and items taken out from the middle.
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
                queue.push(time, item(seq));
                reference.push(Reverse((time, seq)));
            }
            let peeked = queue.peek().map(|(t, i)| (t, seq_of(i)));
            assert_eq!(peeked, reference.peek().map(|r| r.0), "round {round}");
            if round % 64 == 0 {
                let mut sorted: Vec<(u64, u64)> = reference.iter().map(|r| r.0).collect();
                sorted.sort();
                assert_eq!(queue.iter().map(|(t, i)| (t, seq_of(i))).collect::<Vec<_>>(), sorted, "round {round}");
            }
            match rng.range(0, 7) {
                0 => {
                    queue.discard_first();
                    reference.pop();
                }
                1 if !reference.is_empty() => {
                    let all: Vec<(u64, u64)> = reference.iter().map(|r| r.0).collect();
                    let (time, s) = all[rng.range(0, all.len() as u32 - 1) as usize];
                    assert_eq!(queue.remove(|i| seq_of(i) == s).map(|(t, i)| (t, seq_of(&i))), Some((time, s)));
                    reference.retain(|r| r.0 != (time, s));
                }
                _ => {
                    if let Some((t, i)) = queue.pop() {
                        let Reverse((time, s)) = reference.pop().unwrap();
                        assert_eq!((t, seq_of(&i)), (time, s), "round {round}");
                        now = time;
                    }
                }
            }
            assert_eq!(queue.is_empty(), reference.is_empty());
        }
        assert_eq!(queue.remove(|_| false), None);
    }
}
