//! The visited set: each state's fingerprint with its parent's, in open-addressing tables.
//!
//! Why not a `HashMap`: a lookup there touches two places in memory (a group of control bytes,
//! then the entry), and with ten million states both are cache misses. Here a slot is the
//! 16-byte pair itself, probed linearly, so a lookup is one miss (four slots share a cache
//! line), and the search asks for that line early (`prefetch`) while it computes the next
//! successor, so the misses of one state's successors overlap.
//!
//! The tables are shards by the fingerprint's top bits: with `jobs` threads, each thread
//! inserts into its own shard at the same time (see `search`), and a lookup reads any shard.
//! A table doubles when it is 3/4 full, so a slot is 16 bytes and a state takes 21 to 43 bytes
//! (`bytes`). Fingerprint 0 marks an empty slot; a state whose fingerprint is 0 is kept aside.

/// One state: its fingerprint and its parent's (the root is its own parent).
#[derive(Clone, Copy, Default)]
#[repr(C, align(16))]
struct Slot {
    fp: u64,
    parent: u64,
}

/// One shard: an open-addressing table with linear probing.
#[derive(Default)]
pub struct Table {
    slots: Vec<Slot>,
    len: usize,
    /// The parent of the state whose fingerprint is 0, if it was found.
    zero: Option<u64>,
    /// The fingerprints inserted lately, direct-mapped: a small array that stays in the cache.
    recent: Vec<u64>,
}

const RECENT: usize = 1 << RECENT_BITS;
const RECENT_BITS: u32 = 16;

#[inline(always)]
fn recent_index(fp: u64) -> usize {
    (fp >> 24) as usize & (RECENT - 1)
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
            return self.zero;
        }
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.mask();
        let mut i = fp as usize & mask;
        loop {
            let s = self.slots[i];
            if s.fp == fp {
                return Some(s.parent);
            }
            if s.fp == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds `fp` with its parent; false (and nothing changes) when it is already there.
    #[inline]
    pub fn insert(&mut self, fp: u64, parent: u64) -> bool {
        if fp == 0 {
            if self.zero.is_some() {
                return false;
            }
            self.zero = Some(parent);
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
            if s.fp == fp {
                return false;
            }
            if s.fp == 0 {
                *s = Slot { fp, parent };
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

    #[cold]
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(MIN_SLOTS);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
        let mask = size - 1;
        for s in old.into_iter().filter(|s| s.fp != 0) {
            let mut i = s.fp as usize & mask;
            while self.slots[i].fp != 0 {
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
