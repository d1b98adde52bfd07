//! Breadth-first search over a [`Space`]: the first violation found is on a shortest path,
//! since every state at depth d is expanded before any at depth d + 1.
//!
//! Or depth-first (`Limits::depth_first`): the frontier is a stack, so it holds a few states
//! per level instead of a whole level of them. A state here takes kilobytes (its replicas'
//! logs), and a breadth-first frontier of hundreds of thousands of them is what runs out of
//! memory first; depth-first, the memory is the visited set alone (16 bytes a state, in a
//! table that keeps up to 7/8 of its slots full): no parent links, since the run to the state
//! being expanded is the stack's own path (each entry holds its step's index among those
//! enabled in its parent, and the path is cut back to the entry's depth when it is popped).
//! Every state within the bounds is still visited (a state is marked when first
//! found, and every marked state is expanded), so "no violation" means the same; but a
//! violation found is on some run to it, not a shortest one. A depth bound would cut off
//! states first found on a long run, so it is refused with depth-first.

use super::{Explorable, MoveOf, Space, State};
use crate::sim::Violation;
use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

/// When the search stops, incomplete, before it exhausts the machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Unique states.
    pub max_states: u64,
    /// Estimated bytes: the visited set, the parent links and the frontier's states.
    pub max_bytes: u64,
    /// Search depth-first (see the module comment).
    pub depth_first: bool,
}

impl Default for Limits {
    /// Ten million states or 2 GiB, whichever comes first.
    fn default() -> Limits {
        Limits { max_states: 10_000_000, max_bytes: 2 << 30, depth_first: false }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Distinct states found (the initial one included).
    pub unique: u64,
    /// States whose successors were computed.
    pub explored: u64,
    /// Transitions: successors computed, seen before or not.
    pub transitions: u64,
    /// Successors outside the ballot bound, discarded.
    pub pruned: u64,
    /// The deepest state found, in steps.
    pub depth: u32,
    /// States waiting in the frontier.
    pub queue: u64,
    /// The estimated bytes in use.
    pub bytes: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// Every state within the bounds explored, no violation.
    Complete,
    Violation,
    /// A limit was reached first: the verdict is incomplete.
    StateLimit,
    MemoryLimit,
    Cancelled,
}

impl Ending {
    pub fn describe(self, counts: &Counts) -> String {
        match self {
            Ending::Complete => "complete: no violation in any state within the bounds".to_string(),
            Ending::Violation => "VIOLATION".to_string(),
            Ending::StateLimit => format!("limit reached (states), incomplete: {} states explored", counts.unique),
            Ending::MemoryLimit => format!("limit reached (memory), incomplete: {} states explored", counts.unique),
            Ending::Cancelled => format!("cancelled, incomplete: {} states explored", counts.unique),
        }
    }
}

/// A run from the initial state: its steps, and what the last one broke.
#[derive(Clone, Debug)]
pub struct Trail<P: Explorable> {
    pub steps: Vec<MoveOf<P>>,
    pub violations: Vec<Violation>,
}

/// The visited set: tables sharded by bits 64..70 of the key, so that growing one (a table
/// doubles when 7/8 full, holding old and new at once while it moves) reallocates a 64th of
/// the set, not all of it: with hundreds of millions of states one table's doubling alone
/// needed gigabytes more than the set.
struct Visited {
    shards: Vec<HashSet<u128, BuildHasherDefault<Identity>>>,
}

const SHARD_BITS: u32 = 6;

impl Visited {
    fn new() -> Visited {
        Visited { shards: (0..1 << SHARD_BITS).map(|_| HashSet::default()).collect() }
    }
    /// Whether `key` is new (and now kept).
    fn insert(&mut self, key: u128) -> bool {
        let shard = (key >> 64) as usize & ((1 << SHARD_BITS) - 1);
        self.shards[shard].insert(key)
    }
    /// Bytes held: a slot is the key and a control byte.
    fn bytes(&self) -> u64 {
        self.shards.iter().map(|s| s.capacity() as u64 * 8 / 7 * 17).sum()
    }
}

/// The visited set's keys are already uniform hashes: use their low bits as they are.
#[derive(Default)]
struct Identity(u64);

impl Hasher for Identity {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes.iter().take(8) {
            self.0 = (self.0 << 8) | b as u64;
        }
    }
    fn write_u128(&mut self, n: u128) {
        self.0 = n as u64;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub struct Explorer<P: Explorable> {
    pub space: Space<P>,
    pub limits: Limits,
    pub counts: Counts,
    /// Set once the search ended.
    pub ending: Option<Ending>,
    /// The first violation found: a shortest run to it (breadth-first), or some run to it.
    pub violation: Option<Trail<P>>,
    visited: Visited,
    /// Breadth-first, per unique state (by id, in order found): its parent's id and the index
    /// of the step, among those enabled in the parent, that led to it. Empty depth-first.
    parents: Vec<(u32, u32)>,
    /// Breadth-first: (the state's id, the state); depth-first: (the index of the step, among
    /// those enabled in its parent, that led to it, the state).
    queue: VecDeque<(u32, State<P>)>,
    /// Depth-first: the step indices from the initial state to the state being expanded.
    path: Vec<u32>,
    /// The initial state's depth (the prefix's steps).
    base_depth: u32,
    /// The last state's size estimate (the frontier's bytes are counted as queue x this).
    state_bytes: u64,
}

impl<P: Explorable> Explorer<P> {
    pub fn new(space: Space<P>, limits: Limits) -> Explorer<P> {
        let initial = State::start(&space);
        let mut visited = Visited::new();
        visited.insert(initial.key());
        let base_depth = initial.depth;
        let state_bytes = initial.bytes() as u64;
        let counts = Counts { unique: 1, queue: 1, ..Counts::default() };
        let queue = VecDeque::from([(0, initial)]);
        Explorer {
            space,
            limits,
            counts,
            ending: None,
            violation: None,
            visited,
            parents: if limits.depth_first { Vec::new() } else { vec![(u32::MAX, 0)] },
            queue,
            path: Vec::new(),
            base_depth,
            state_bytes,
        }
    }

    /// Searches until the end or a limit; `progress` is called every 1,024 states explored
    /// and stops the search (cancelled) by returning false.
    pub fn run(&mut self, mut progress: impl FnMut(&Counts) -> bool) -> Ending {
        let mut steps = Vec::new();
        let mut scratch = match self.queue.front() {
            Some((_, s)) => s.clone(),
            None => return self.end(Ending::Complete),
        };
        let dfs = self.limits.depth_first;
        while let Some((id, state)) = if dfs { self.queue.pop_back() } else { self.queue.pop_front() } {
            if dfs && state.depth > self.base_depth {
                // The entries above this one in the stack were its siblings and their
                // descendants, all deeper than its parent: the path's first depth - 1 steps
                // are still this state's ancestors.
                self.path.truncate((state.depth - self.base_depth - 1) as usize);
                self.path.push(id);
            }
            self.counts.explored += 1;
            if self.counts.explored.is_multiple_of(1024) {
                self.measure();
                if !progress(&self.counts) {
                    return self.end(Ending::Cancelled);
                }
            }
            if self.space.bounds.depth.is_some_and(|d| state.depth >= d) {
                continue;
            }
            state.steps(&self.space, &mut steps);
            for (k, step) in steps.iter().enumerate() {
                scratch.clone_from(&state);
                scratch.apply(&self.space, step.clone());
                self.counts.transitions += 1;
                if !scratch.within_bounds(&self.space) {
                    self.counts.pruned += 1;
                    continue;
                }
                if scratch.violated() {
                    let mut trail = if dfs { self.trail_of(&self.path) } else { self.trail(id) };
                    trail.steps.push(step.clone());
                    trail.violations = scratch.system.violations.clone();
                    self.counts.depth = self.counts.depth.max(scratch.depth);
                    self.violation = Some(trail);
                    return self.end(Ending::Violation);
                }
                if !self.visited.insert(scratch.key()) {
                    continue;
                }
                let new = if dfs {
                    k as u32
                } else {
                    self.parents.push((id, k as u32));
                    self.parents.len() as u32 - 1
                };
                self.counts.unique += 1;
                self.counts.depth = self.counts.depth.max(scratch.depth);
                self.queue.push_back((new, scratch.clone()));
                if let Some(limit) = self.over_limit() {
                    return self.end(limit);
                }
            }
        }
        self.end(Ending::Complete)
    }

    fn end(&mut self, ending: Ending) -> Ending {
        self.measure();
        self.ending = Some(ending);
        ending
    }

    fn measure(&mut self) {
        if let Some((_, s)) = self.queue.back() {
            self.state_bytes = s.bytes() as u64;
        }
        self.counts.queue = self.queue.len() as u64;
        let visited = self.visited.bytes();
        let parents = self.parents.capacity() as u64 * 8;
        self.counts.bytes = visited + parents + self.counts.queue * self.state_bytes;
    }

    fn over_limit(&mut self) -> Option<Ending> {
        if self.counts.unique >= self.limits.max_states {
            return Some(Ending::StateLimit);
        }
        if self.counts.unique.is_multiple_of(1024) {
            self.measure();
            if self.counts.bytes >= self.limits.max_bytes {
                return Some(Ending::MemoryLimit);
            }
        }
        None
    }

    /// The steps from the initial state to state `id` (breadth-first): the parent links give
    /// each step's index among those enabled.
    fn trail(&self, id: u32) -> Trail<P> {
        let mut indices = Vec::new();
        let mut at = id;
        while at != 0 {
            let (parent, k) = self.parents[at as usize];
            indices.push(k);
            at = parent;
        }
        indices.reverse();
        self.trail_of(&indices)
    }

    /// The steps that the step indices `indices` (each among those enabled where it is taken)
    /// take from the initial state, found by re-applying them.
    fn trail_of(&self, indices: &[u32]) -> Trail<P> {
        let mut state = State::start(&self.space);
        let mut enabled = Vec::new();
        let mut steps = self.space.prefix.clone();
        for &k in indices {
            state.steps(&self.space, &mut enabled);
            let step = enabled[k as usize].clone();
            state.apply(&self.space, step.clone());
            steps.push(step);
        }
        Trail { steps, violations: state.system.violations }
    }
}
