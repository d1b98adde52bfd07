//! The visited set: each state's fingerprint with its parent's, in open-addressing tables.
//!
//! Why not a `HashMap`: a lookup there touches two places in memory (a group of control bytes,
//! then the entry), and with ten million states both are cache misses. Here a slot is the
//! 16-byte pair itself, probed linearly, so a lookup is one miss (four slots share a cache
//! line), and the search asks for that line early (`prefetch`) while it computes the next
//! successor, so the misses of one state's successors overlap.
//!
//! The tables are shards by the fingerprint's top bits: with `jobs` threads, the breadth-first
//! search has each thread insert into its own shard at the same time (see `search`), and a
//! lookup reads any shard. The parallel depth-first search uses one table that every thread
//! inserts into at once (`insert_shared`: a compare-and-swap claims an empty slot, so exactly
//! one thread wins each fingerprint); it only grows between the search's slices, when no thread
//! runs (`reserve`). A table doubles when it is 3/4 full, so a slot is 16 bytes and a state
//! takes 21 to 43 bytes (`bytes`). Fingerprint 0 marks an empty slot; a state whose fingerprint
//! is 0 is kept aside.
//!
//! (The slots are atomics so that shared inserts and lookups may run together; a relaxed load
//! or store of one is a plain move on x86-64 and wasm, so one thread pays nothing for it.)

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

/// One state: its fingerprint and its parent's (the root is its own parent).
#[derive(Default)]
#[repr(C, align(16))]
struct Slot {
    fp: AtomicU64,
    parent: AtomicU64,
}

/// One shard: an open-addressing table with linear probing.
#[derive(Default)]
pub struct Table {
    slots: Vec<Slot>,
    len: usize,
    /// The parent of the state whose fingerprint is 0, if it was found.
    zero: Mutex<Option<u64>>,
    /// The fingerprints inserted lately, direct-mapped: a small array that stays in the cache.
    recent: Vec<u64>,
}

const RECENT: usize = 1 << RECENT_BITS;
const RECENT_BITS: u32 = 16;

#[inline(always)]
fn recent_index(fp: u64) -> usize {
    (fp >> 24) as usize & (RECENT - 1)
}

#[cfg(not(target_arch = "wasm32"))]
/// One thread's fingerprints inserted lately, for `insert_shared` (the table's own `recent` is
/// for inserts through `&mut`): the same quick "yes", in the thread's own cache.
#[derive(Default)]
pub struct Recent(Vec<u64>);

#[cfg(not(target_arch = "wasm32"))]
impl Recent {
    #[inline(always)]
    pub fn note(&mut self, fp: u64) {
        if self.0.is_empty() {
            self.0 = vec![0; RECENT];
        }
        self.0[recent_index(fp)] = fp;
    }

    #[inline(always)]
    pub fn has(&self, fp: u64) -> bool {
        fp != 0 && self.0.get(recent_index(fp)) == Some(&fp)
    }

    pub fn bytes(&self) -> u64 {
        self.0.len() as u64 * 8
    }
}

fn empty_slots(size: usize) -> Vec<Slot> {
    (0..size).map(|_| Slot::default()).collect()
}

const MIN_SLOTS: usize = 1 << 10;

impl Table {
    #[inline(always)]
    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// Whether `fp` was inserted lately (a quick "yes" without touching the table).
    #[inline(always)]
    fn seen_lately(&self, fp: u64) -> bool {
        fp != 0 && self.recent.get(recent_index(fp)) == Some(&fp)
    }

    #[inline(always)]
    fn get(&self, fp: u64) -> Option<u64> {
        if fp == 0 {
            return *self.zero.lock().unwrap_or_else(|e| e.into_inner());
        }
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.mask();
        let mut i = fp as usize & mask;
        loop {
            let s = &self.slots[i];
            let at = s.fp.load(Relaxed);
            if at == fp {
                return Some(s.parent.load(Relaxed));
            }
            if at == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds `fp` with its parent; false (and nothing changes) when it is already there.
    #[inline]
    pub fn insert(&mut self, fp: u64, parent: u64) -> bool {
        if fp == 0 {
            let zero = self.zero.get_mut().unwrap_or_else(|e| e.into_inner());
            if zero.is_some() {
                return false;
            }
            *zero = Some(parent);
            self.len += 1;
            return true;
        }
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let mask = self.mask();
        let mut i = fp as usize & mask;
        loop {
            let s = &mut self.slots[i];
            let at = s.fp.get_mut();
            if *at == fp {
                return false;
            }
            if *at == 0 {
                *at = fp;
                *s.parent.get_mut() = parent;
                self.len += 1;
                if self.recent.is_empty() {
                    self.recent = vec![0; RECENT];
                }
                self.recent[recent_index(fp)] = fp;
                return true;
            }
            i = (i + 1) & mask;
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    /// Adds `fp` with its parent from any thread at once; false when it is already there (or
    /// another thread added it first). The table does not grow here: the caller keeps it at
    /// most about 3/4 full (see `Visited::room`). Relaxed orderings suffice: the slot's
    /// fingerprint alone decides (a compare-and-swap on one word is ordered between threads),
    /// and the parents are read only once the threads are joined.
    #[inline]
    fn insert_shared(&self, fp: u64, parent: u64) -> bool {
        if fp == 0 {
            let mut zero = self.zero.lock().unwrap_or_else(|e| e.into_inner());
            return zero.is_none() && zero.replace(parent).is_none();
        }
        let mask = self.mask();
        let mut i = fp as usize & mask;
        loop {
            let s = &self.slots[i];
            let mut at = s.fp.load(Relaxed);
            if at == 0 {
                match s.fp.compare_exchange(0, fp, Relaxed, Relaxed) {
                    Ok(_) => {
                        s.parent.store(parent, Relaxed);
                        return true;
                    }
                    Err(now) => at = now,
                }
            }
            if at == fp {
                return false;
            }
            i = (i + 1) & mask;
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    /// Slots free before the table is 3/4 full.
    fn room(&self) -> usize {
        (self.slots.len() * 3 / 4).saturating_sub(self.len)
    }

    #[cold]
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(MIN_SLOTS);
        let old = std::mem::replace(&mut self.slots, empty_slots(size));
        let mask = size - 1;
        for mut s in old.into_iter() {
            let fp = *s.fp.get_mut();
            if fp == 0 {
                continue;
            }
            let mut i = fp as usize & mask;
            while *self.slots[i].fp.get_mut() != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = s;
        }
    }

    #[inline(always)]
    fn prefetch(&self, fp: u64) {
        if self.slots.is_empty() {
            return;
        }
        let at = &self.slots[fp as usize & self.mask()] as *const Slot;
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a prefetch is a hint; it reads nothing and `at` points into the table.
        unsafe {
            std::arch::x86_64::_mm_prefetch(at as *const i8, std::arch::x86_64::_MM_HINT_T0);
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = at;
    }
}

/// The shards, and which one holds a fingerprint.
pub struct Visited {
    shards: Vec<Table>,
}

impl Visited {
    /// `shards` tables (one per search thread).
    pub fn new(shards: usize) -> Visited {
        Visited { shards: (0..shards.max(1)).map(|_| Table::default()).collect() }
    }

    /// The shard of `fp`: its top bits scaled to the number of shards (the tables index by the
    /// low bits, so the two do not correlate).
    #[inline(always)]
    pub fn shard_of(&self, fp: u64) -> usize {
        ((fp as u128 * self.shards.len() as u128) >> 64) as usize
    }

    #[inline(always)]
    pub fn get(&self, fp: u64) -> Option<u64> {
        self.shards[self.shard_of(fp)].get(fp)
    }

    #[inline(always)]
    pub fn contains(&self, fp: u64) -> bool {
        self.get(fp).is_some()
    }

    /// True only if `fp` is in the set (it was inserted lately); false says nothing.
    #[inline(always)]
    pub fn seen_lately(&self, fp: u64) -> bool {
        self.shards[self.shard_of(fp)].seen_lately(fp)
    }

    /// Asks for the memory a lookup of `fp` will read.
    #[inline(always)]
    pub fn prefetch(&self, fp: u64) {
        self.shards[self.shard_of(fp)].prefetch(fp)
    }

    /// Adds `fp` with its parent; false when it is already there.
    #[inline]
    pub fn insert(&mut self, fp: u64, parent: u64) -> bool {
        let shard = self.shard_of(fp);
        self.shards[shard].insert(fp, parent)
    }

    #[cfg(not(target_arch = "wasm32"))]
    /// Adds `fp` with its parent from any of several threads at once (one table only); false
    /// when it is already there. At most `room()` of these may run before `added` and
    /// `reserve`: the table does not grow meanwhile.
    #[inline]
    pub fn insert_shared(&self, fp: u64, parent: u64) -> bool {
        debug_assert_eq!(self.shards.len(), 1, "shared inserts go to one table");
        self.shards[0].insert_shared(fp, parent)
    }

    #[cfg(not(target_arch = "wasm32"))]
    /// Counts `n` states added by `insert_shared` (the threads count their own wins).
    pub fn added(&mut self, n: usize) {
        self.shards[0].len += n;
    }

    #[cfg(not(target_arch = "wasm32"))]
    /// Inserts the table (one) takes before it is 3/4 full.
    pub fn room(&self) -> usize {
        self.shards[0].room()
    }

    #[cfg(not(target_arch = "wasm32"))]
    /// Grows the table (one) until `room()` is at least `room`.
    pub fn reserve(&mut self, room: usize) {
        while self.shards[0].room() < room {
            self.shards[0].grow();
        }
    }

    /// The shards, to insert into each from its own thread.
    pub fn shards_mut(&mut self) -> &mut [Table] {
        &mut self.shards
    }

    pub fn len(&self) -> usize {
        self.shards.iter().map(|t| t.len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes the tables hold.
    pub fn bytes(&self) -> u64 {
        self.shards.iter().map(|t| (t.slots.len() * std::mem::size_of::<Slot>() + t.recent.len() * 8) as u64).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_threads_inserting_at_once_win_each_fingerprint_exactly_once() {
        let fps: Vec<u64> = (0..60_000u64).map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (i << 7)).collect();
        let mut v = Visited::new(1);
        v.reserve(fps.len());
        let room = v.room();
        // Both threads insert every fingerprint, from opposite ends, each with its own parent.
        let wins: Vec<Vec<u64>> = std::thread::scope(|s| {
            let (v, fps) = (&v, &fps);
            let a = s.spawn(move || fps.iter().copied().filter(|&fp| v.insert_shared(fp, 1)).collect());
            let b = s.spawn(move || fps.iter().rev().copied().filter(|&fp| v.insert_shared(fp, 2)).collect());
            vec![a.join().unwrap(), b.join().unwrap()]
        });
        assert_eq!(wins[0].len() + wins[1].len(), fps.len(), "each fingerprint won once");
        v.added(fps.len());
        assert_eq!(v.len(), fps.len());
        for (t, won) in wins.iter().enumerate() {
            for &fp in won {
                assert_eq!(v.get(fp), Some(t as u64 + 1), "the winner's parent");
            }
        }
        assert!(!v.insert_shared(fps[7], 3));
        assert_eq!(v.room(), room - fps.len(), "no growth meanwhile");
        v.reserve(100_000);
        assert!(v.room() >= 100_000);
        assert!(fps.iter().all(|&fp| v.contains(fp)), "kept through growth");
    }

    #[test]
    fn inserts_finds_and_grows_in_every_shard() {
        for shards in [1, 2, 3] {
            let mut v = Visited::new(shards);
            // Fingerprints spread over the whole range, and the special 0.
            let fps: Vec<u64> =
                (1..5000u64).map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (i << 7)).chain([0]).collect();
            for (i, &fp) in fps.iter().enumerate() {
                assert!(v.insert(fp, i as u64), "{fp} new");
                assert!(!v.insert(fp, 99), "{fp} again");
            }
            assert_eq!(v.len(), fps.len());
            for (i, &fp) in fps.iter().enumerate() {
                assert_eq!(v.get(fp), Some(i as u64));
            }
            assert_eq!(v.get(12345), None);
            assert!(v.bytes() >= fps.len() as u64 * 16 * 4 / 3);
        }
    }
}
