//! The two maps a replica keeps its state in, both dense vectors behind a `BTreeMap`'s face.
//!
//! Why not `BTreeMap`: W2 (issue 9) spent most of its time in them. A replica looks up,
//! inserts and applies log entries slot after slot (a recovered replica replays thousands),
//! and each step walked a tree, allocated a node now and then, and a crash cloned whole trees.
//! Slots are dense from a first one, and keys and client ids are small numbers, so a vector
//! indexed by the key does each of these in a few instructions and clones with one copy.
//!
//! What the rest of the code sees stays exactly what it saw: both maps compare, order, hash,
//! print and serialize as a `BTreeMap` of the same entries (an entry's key, then its value, in
//! key order, after the entry count), so the model checker's states, the trace hashes and the
//! share links do not move.

use super::kv::{Key, Slot};
use crate::protocol::types::NodeId;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::{Bound, RangeBounds};

/// Entries by slot: `entries[i]` is slot `first + i`. Empty, or both ends occupied (so the
/// first and last slots are at hand); `first` is 0 when empty, so that equal maps are equal
/// field by field. A `Vec`, not a `VecDeque`: entries are added at the end but for rare
/// exceptions, dropped from the front only at a snapshot (or, in a leader's pipeline of a
/// few slots, when the oldest is chosen), and a `Vec` of `Copy` entries clones with one
/// `memcpy` (a crash restores a replica's whole accepted log from its disk).
pub struct SlotMap<V> {
    first: u32,
    entries: Vec<Option<V>>,
    len: usize,
}

/// By hand for `clone_from`, which copies into the vector already there: a crash restores a
/// replica's accepted log from its disk into the buffer the log had, without allocating it
/// again (and regrowing it, a copy each time, as the log grows on).
impl<V: Clone> Clone for SlotMap<V> {
    fn clone(&self) -> Self {
        SlotMap { first: self.first, entries: self.entries.clone(), len: self.len }
    }
    fn clone_from(&mut self, source: &Self) {
        self.first = source.first;
        self.entries.clone_from(&source.entries);
        self.len = source.len;
    }
}

impl<V> Default for SlotMap<V> {
    fn default() -> Self {
        SlotMap::new()
    }
}

impl<V> SlotMap<V> {
    pub fn new() -> SlotMap<V> {
        SlotMap { first: 0, entries: Vec::new(), len: 0 }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    fn index(&self, slot: Slot) -> Option<usize> {
        let i = slot.0.checked_sub(self.first)? as usize;
        (i < self.entries.len()).then_some(i)
    }

    #[inline]
    pub fn get(&self, slot: Slot) -> Option<&V> {
        self.entries[self.index(slot)?].as_ref()
    }

    #[inline]
    pub fn get_mut(&mut self, slot: Slot) -> Option<&mut V> {
        let i = self.index(slot)?;
        self.entries[i].as_mut()
    }

    #[inline]
    pub fn contains_key(&self, slot: Slot) -> bool {
        self.get(slot).is_some()
    }

    /// The place of `slot`, made (empty) if it is outside the vector.
    #[inline(always)]
    fn cell(&mut self, slot: Slot) -> &mut Option<V> {
        if self.entries.is_empty() {
            self.first = slot.0;
            self.entries.push(None);
        } else if slot.0 < self.first {
            let n = (self.first - slot.0) as usize;
            self.entries.splice(0..0, std::iter::repeat_with(|| None).take(n));
            self.first = slot.0;
        } else {
            let i = (slot.0 - self.first) as usize;
            if i == self.entries.len() {
                self.entries.push(None); // the usual case: the next slot
            } else if i > self.entries.len() {
                self.entries.resize_with(i + 1, || None);
            }
        }
        let i = (slot.0 - self.first) as usize;
        &mut self.entries[i]
    }

    /// Sets `slot` to `value`; returns what it held.
    #[inline(always)]
    pub fn insert(&mut self, slot: Slot, value: V) -> Option<V> {
        let old = self.cell(slot).replace(value);
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    /// `BTreeMap::entry(slot).or_insert(value)`: the entry of `slot`, set to `value` if empty.
    #[inline(always)]
    pub fn get_or_insert(&mut self, slot: Slot, value: V) -> &mut V {
        let cell = self.cell(slot);
        if cell.is_none() {
            *cell = Some(value);
            self.len += 1;
        }
        // (Set just above if it was empty.)
        let i = (slot.0 - self.first) as usize;
        self.entries[i].as_mut().unwrap_or_else(|| unreachable!())
    }

    #[inline]
    pub fn remove(&mut self, slot: Slot) -> Option<V> {
        let i = self.index(slot)?;
        let old = self.entries[i].take()?;
        self.len -= 1;
        self.trim();
        Some(old)
    }

    /// Drops every entry below `at` (`*self = self.split_off(&at)` on a `BTreeMap`).
    pub fn keep_from(&mut self, at: Slot) {
        let n = (at.0.saturating_sub(self.first) as usize).min(self.entries.len());
        self.len -= self.entries.drain(..n).filter(Option::is_some).count();
        self.first += n as u32;
        self.trim();
    }

    /// Restores the invariant: no empty place at either end, `first` 0 when empty.
    fn trim(&mut self) {
        let n = self.entries.iter().take_while(|e| e.is_none()).count();
        if n > 0 {
            self.entries.drain(..n);
            self.first += n as u32;
        }
        while let Some(None) = self.entries.last() {
            self.entries.pop();
        }
        if self.entries.is_empty() {
            self.first = 0;
        }
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.first = 0;
        self.len = 0;
    }

    pub fn first_key(&self) -> Option<Slot> {
        (!self.entries.is_empty()).then_some(Slot(self.first))
    }

    pub fn last_key(&self) -> Option<Slot> {
        (!self.entries.is_empty()).then(|| Slot(self.first + self.entries.len() as u32 - 1))
    }

    /// The entries in slot order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (Slot, &V)> + '_ {
        self.range(..)
    }

    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (Slot, &mut V)> + '_ {
        let first = self.first;
        self.entries.iter_mut().enumerate().filter_map(move |(i, e)| Some((Slot(first + i as u32), e.as_mut()?)))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = Slot> + '_ {
        self.iter().map(|(s, _)| s)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + '_ {
        self.iter().map(|(_, v)| v)
    }

    /// The entries whose slots are in `range`, in slot order.
    pub fn range(&self, range: impl RangeBounds<Slot>) -> impl DoubleEndedIterator<Item = (Slot, &V)> + '_ {
        let n = self.entries.len();
        let at = |slot: u32| (slot.saturating_sub(self.first) as usize).min(n);
        let start = match range.start_bound() {
            Bound::Included(s) => at(s.0),
            Bound::Excluded(s) => at(s.0.saturating_add(1)),
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(s) => at(s.0.saturating_add(1)),
            Bound::Excluded(s) => at(s.0),
            Bound::Unbounded => n,
        }
        .max(start);
        let first = self.first;
        self.entries[start..end]
            .iter()
            .enumerate()
            .filter_map(move |(i, e)| Some((Slot(first + (start + i) as u32), e.as_ref()?)))
    }
}

/// A small id that indexes a vector: a key of the store, a client.
pub trait SmallId: Copy {
    fn index(self) -> usize;
    fn from_index(i: usize) -> Self;
}

impl SmallId for Key {
    fn index(self) -> usize {
        self.0 as usize
    }
    fn from_index(i: usize) -> Key {
        Key(i as u8)
    }
}

impl SmallId for NodeId {
    fn index(self) -> usize {
        self.0 as usize
    }
    fn from_index(i: usize) -> NodeId {
        NodeId(i as u8)
    }
}

/// Entries by a small id (at most 256 of them): `entries[id]`. Empty, or the last place
/// occupied, so that equal maps are equal field by field.
#[derive(Clone)]
pub struct IdMap<K, V> {
    entries: Vec<Option<V>>,
    len: usize,
    key: std::marker::PhantomData<K>,
}

impl<K, V> Default for IdMap<K, V> {
    fn default() -> Self {
        IdMap { entries: Vec::new(), len: 0, key: std::marker::PhantomData }
    }
}

impl<K: SmallId, V> IdMap<K, V> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    pub fn get(&self, key: K) -> Option<&V> {
        self.entries.get(key.index())?.as_ref()
    }

    #[inline]
    pub fn get_mut(&mut self, key: K) -> Option<&mut V> {
        self.entries.get_mut(key.index())?.as_mut()
    }

    /// Sets `key` to `value`; returns what it held.
    #[inline]
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        let i = key.index();
        if i >= self.entries.len() {
            self.entries.resize_with(i + 1, || None);
        }
        let old = self.entries[i].replace(value);
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    pub fn remove(&mut self, key: K) -> Option<V> {
        let old = self.entries.get_mut(key.index())?.take()?;
        self.len -= 1;
        while let Some(None) = self.entries.last() {
            self.entries.pop();
        }
        Some(old)
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (K, &V)> + '_ {
        self.entries.iter().enumerate().filter_map(|(i, e)| Some((K::from_index(i), e.as_ref()?)))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = K> + '_ {
        self.iter().map(|(k, _)| k)
    }
}

// Comparing, ordering, hashing, printing and serializing as a `BTreeMap` of the same entries
// (see the module comment): `BTreeMap`'s own impls are these, over its `(&K, &V)` entries.

impl<V: PartialEq> PartialEq for SlotMap<V> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<V: Eq> Eq for SlotMap<V> {}

impl<V: PartialOrd> PartialOrd for SlotMap<V> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.iter().partial_cmp(other.iter())
    }
}

impl<V: Ord> Ord for SlotMap<V> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.iter().cmp(other.iter())
    }
}

impl<V: Hash> Hash for SlotMap<V> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.len);
        for entry in self.iter() {
            entry.hash(state);
        }
    }
}

impl<V: fmt::Debug> fmt::Debug for SlotMap<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<V: Serialize> Serialize for SlotMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.len))?;
        for (k, v) in self.iter() {
            map.serialize_entry(&k, v)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for SlotMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(BTreeMap::<Slot, V>::deserialize(deserializer)?.into_iter().collect())
    }
}

impl<V> FromIterator<(Slot, V)> for SlotMap<V> {
    fn from_iter<I: IntoIterator<Item = (Slot, V)>>(entries: I) -> Self {
        let mut map = SlotMap::new();
        for (k, v) in entries {
            map.insert(k, v);
        }
        map
    }
}

impl<K: SmallId, V: PartialEq> PartialEq for IdMap<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl<K: SmallId, V: Eq> Eq for IdMap<K, V> {}

impl<K: SmallId + PartialOrd, V: PartialOrd> PartialOrd for IdMap<K, V> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.iter().partial_cmp(other.iter())
    }
}

impl<K: SmallId + Ord, V: Ord> Ord for IdMap<K, V> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.iter().cmp(other.iter())
    }
}

impl<K: SmallId + Hash, V: Hash> Hash for IdMap<K, V> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.len);
        for entry in self.iter() {
            entry.hash(state);
        }
    }
}

impl<K: SmallId + fmt::Debug, V: fmt::Debug> fmt::Debug for IdMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: SmallId + Serialize, V: Serialize> Serialize for IdMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.len))?;
        for (k, v) in self.iter() {
            map.serialize_entry(&k, v)?;
        }
        map.end()
    }
}

impl<'de, K: SmallId + Ord + Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for IdMap<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(BTreeMap::<K, V>::deserialize(deserializer)?.into_iter().collect())
    }
}

impl<K: SmallId, V> FromIterator<(K, V)> for IdMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(entries: I) -> Self {
        let mut map = IdMap::default();
        for (k, v) in entries {
            map.insert(k, v);
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::DefaultHasher;

    fn hash(x: &impl Hash) -> u64 {
        let mut h = DefaultHasher::new();
        x.hash(&mut h);
        h.finish()
    }

    /// A slot map and a `BTreeMap` fed the same operations agree on everything the rest of
    /// the code can see: entries, ranges, ends, equality, order, hash, `Debug` and JSON.
    #[test]
    fn a_slot_map_behaves_as_a_btree_map() {
        let mut ops: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: u64| {
            ops ^= ops << 13;
            ops ^= ops >> 7;
            ops ^= ops << 17;
            ops % n
        };
        let (mut map, mut tree) = (SlotMap::new(), BTreeMap::new());
        let mut previous = (SlotMap::new(), BTreeMap::new());
        for _ in 0..4000 {
            let slot = Slot(next(40) as u32 + 10);
            match next(10) {
                0..=4 => {
                    let v = next(5);
                    assert_eq!(map.insert(slot, v), tree.insert(slot, v));
                }
                5 => assert_eq!(map.remove(slot), tree.remove(&slot)),
                6 => {
                    let v = next(5);
                    assert_eq!(*map.get_or_insert(slot, v), *tree.entry(slot).or_insert(v));
                }
                7 if next(8) == 0 => {
                    map.keep_from(slot);
                    tree = tree.split_off(&slot);
                }
                8 => {
                    let end = Slot(slot.0 + next(12) as u32);
                    let a: Vec<_> = map.range(slot..end).map(|(s, v)| (s, *v)).collect();
                    let b: Vec<_> = tree.range(slot..end).map(|(s, v)| (*s, *v)).collect();
                    assert_eq!(a, b);
                    let a: Vec<_> = map.range(slot..).map(|(s, v)| (s, *v)).collect();
                    let b: Vec<_> = tree.range(slot..).map(|(s, v)| (*s, *v)).collect();
                    assert_eq!(a, b);
                }
                _ => {
                    if let (Some(a), Some(b)) = (map.get_mut(slot), tree.get_mut(&slot)) {
                        *a += 1;
                        *b += 1;
                    }
                }
            }
            assert_eq!(map.len(), tree.len());
            assert_eq!(
                map.iter().map(|(s, v)| (s, *v)).collect::<Vec<_>>(),
                tree.iter().map(|(s, v)| (*s, *v)).collect::<Vec<_>>()
            );
            assert_eq!(map.first_key(), tree.keys().next().copied());
            assert_eq!(map.last_key(), tree.keys().next_back().copied());
            assert_eq!(map.contains_key(slot), tree.contains_key(&slot));
            assert_eq!(hash(&map), hash(&tree));
            assert_eq!(format!("{map:?}"), format!("{tree:?}"));
            assert_eq!(serde_json::to_string(&map).unwrap(), serde_json::to_string(&tree).unwrap());
            assert_eq!(map == previous.0, tree == previous.1);
            assert_eq!(map.cmp(&previous.0), tree.cmp(&previous.1));
            if next(50) == 0 {
                previous = (map.clone(), tree.clone());
            }
        }
        let back: SlotMap<u64> = serde_json::from_str(&serde_json::to_string(&tree).unwrap()).unwrap();
        assert_eq!(back, map);
        map.clear();
        assert_eq!(map, SlotMap::new());
    }

    #[test]
    fn an_id_map_behaves_as_a_btree_map() {
        let (mut map, mut tree) = (IdMap::<Key, u32>::default(), BTreeMap::new());
        let empty = (map.clone(), tree.clone());
        for (i, k) in [3u8, 0, 7, 3, 200, 7, 1].into_iter().enumerate() {
            assert_eq!(map.insert(Key(k), i as u32), tree.insert(Key(k), i as u32));
        }
        assert_eq!(map.remove(Key(200)), tree.remove(&Key(200)));
        assert_eq!(map.remove(Key(9)), tree.remove(&Key(9)));
        *map.get_mut(Key(0)).unwrap() += 5;
        *tree.get_mut(&Key(0)).unwrap() += 5;
        assert_eq!(
            map.iter().map(|(k, v)| (k, *v)).collect::<Vec<_>>(),
            tree.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>()
        );
        assert_eq!((map.len(), map.get(Key(7)), map.get(Key(6))), (tree.len(), tree.get(&Key(7)), tree.get(&Key(6))));
        assert_eq!(hash(&map), hash(&tree));
        assert_eq!(format!("{map:?}"), format!("{tree:?}"));
        assert_eq!(serde_json::to_string(&map).unwrap(), serde_json::to_string(&tree).unwrap());
        assert_eq!(map.cmp(&empty.0), tree.cmp(&empty.1));
        let mut shrunk = map.clone();
        for k in [1, 3, 7] {
            shrunk.remove(Key(k));
        }
        shrunk.remove(Key(0));
        assert_eq!(shrunk, empty.0, "removing every entry gives the empty map back");
        let back: IdMap<Key, u32> = serde_json::from_str(&serde_json::to_string(&tree).unwrap()).unwrap();
        assert_eq!(back, map);
    }
}
