//! The search: breadth-first (level by level, so the first violation found is a shortest one)
//! or depth-first, over concrete states, deduplicated by fingerprint.
//!
//! The visited set maps each state's fingerprint to its parent's: 16 bytes an entry in a hash
//! table kept at most 7/8 full, so 18 to 37 bytes a state. A counterexample is rebuilt from
//! those parent links by replaying from the initial state and, at each step, picking the
//! successor whose fingerprint is the next link: concrete steps, even under symmetry reduction.
//!
//! The search is resumable: `advance(budget)` expands at most `budget` states and returns, so
//! the command line prints progress and the page's worker answers a Cancel between slices. It
//! reads no clock: a caller that wants time measures it.
//!
//! Parallel breadth-first search (`jobs > 1`, native only): a slice of the frontier is split
//! between threads that expand states and drop successors already in the visited set (read
//! only while they run); the main thread then inserts the survivors in frontier order. So the
//! result, down to which concrete state stands for a fingerprint and which counterexample is
//! reported, is the same for any number of jobs.

use super::goal::Goal;
use super::model::Model;
use super::state::State;
use super::Fingerprinter;
use crate::sim::Step;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Fingerprints are already uniform hashes: the table uses them as they are.
#[derive(Default)]
pub struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | *b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub type Visited = HashMap<u64, u64, BuildHasherDefault<PassThrough>>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    Bfs,
    Dfs,
}

/// Most states and bytes a search may use before it stops with "incomplete".
pub const DEFAULT_MAX_STATES: u64 = 50_000_000;
pub const DEFAULT_MAX_BYTES: u64 = 4 << 30;

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Options {
    pub strategy: Strategy,
    pub symmetry: bool,
    pub jobs: usize,
    pub max_states: u64,
    pub max_bytes: u64,
    pub goal: Option<Goal>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            strategy: Strategy::Bfs,
            symmetry: false,
            jobs: 1,
            max_states: DEFAULT_MAX_STATES,
            max_bytes: DEFAULT_MAX_BYTES,
            goal: None,
        }
    }
}

/// Why a search stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    /// Every reachable state within the bounds was explored.
    Complete,
    /// An invariant broke; the search stopped there.
    Violation,
    /// The goal was reached; the search stopped there.
    Goal,
    /// The state limit was reached: incomplete.
    StateLimit,
    /// The memory limit was reached: incomplete.
    MemoryLimit,
    /// Cancelled by the person: incomplete.
    Cancelled,
}

/// Counters a caller can show while the search runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    /// Distinct states (fingerprints) found.
    pub unique: u64,
    /// Successor states computed (including those already seen).
    pub generated: u64,
    /// Deepest level (BFS) or longest path (DFS) reached.
    pub depth: u32,
    /// States waiting to be expanded.
    pub queue: u64,
    /// States where nothing more can happen within the bounds and no value is chosen.
    pub stuck: u64,
    /// Estimated bytes: the visited set plus the states waiting.
    pub bytes: u64,
    /// Bytes of the visited set alone.
    pub visited_bytes: u64,
}

/// Fingerprints of states worth a path: the first found for each property.
#[derive(Clone, Copy, Debug, Default)]
pub struct Found {
    pub violation: Option<u64>,
    pub chosen: Option<u64>,
    pub goal: Option<u64>,
    pub stuck: Option<u64>,
}

struct Entry {
    state: State,
    fp: u64,
    depth: u32,
}

/// One successor that survived the visited filter, with what it shows.
struct Candidate {
    parent: u64,
    parent_chosen: bool,
    fp: u64,
    state: State,
    depth: u32,
}

pub struct Search {
    pub model: Model,
    pub options: Options,
    pub visited: Visited,
    pub counts: Counts,
    pub found: Found,
    pub ending: Option<Ending>,
    pub root: u64,
    /// BFS: this level (from `cursor`) and the next. DFS: `frontier` is the stack.
    frontier: Vec<Entry>,
    cursor: usize,
    next: Vec<Entry>,
    fingerprinter: Fingerprinter,
    state_bytes: u64,
}

impl Search {
    pub fn new(model: Model, options: Options) -> Search {
        let init = State::initial(&model);
        let mut fingerprinter = Fingerprinter::default();
        let fp = fingerprinter.fingerprint(&init, &model, options.symmetry);
        let mut visited = Visited::default();
        visited.insert(fp, fp);
        let state_bytes = estimate_state_bytes(&init);
        let mut s = Search {
            model,
            options,
            visited,
            counts: Counts { unique: 1, ..Counts::default() },
            found: Found::default(),
            ending: None,
            root: fp,
            frontier: vec![Entry { state: init, fp, depth: 0 }],
            cursor: 0,
            next: Vec::new(),
            fingerprinter,
            state_bytes,
        };
        s.update_counts();
        s
    }

    /// Expands at most `budget` states. Returns the ending once the search is over.
    pub fn advance(&mut self, budget: usize) -> Option<Ending> {
        if self.ending.is_some() {
            return self.ending;
        }
        match self.options.strategy {
            Strategy::Bfs => self.advance_bfs(budget),
            Strategy::Dfs => self.advance_dfs(budget),
        }
        self.update_counts();
        if self.ending.is_none() {
            if self.counts.unique >= self.options.max_states {
                self.ending = Some(Ending::StateLimit);
            } else if self.counts.bytes >= self.options.max_bytes {
                self.ending = Some(Ending::MemoryLimit);
            }
        }
        self.ending
    }

    /// Stops the search as cancelled (what was found so far stays).
    pub fn cancel(&mut self) {
        if self.ending.is_none() {
            self.ending = Some(Ending::Cancelled);
        }
    }

    /// Runs to the end, calling `progress` after every slice; `progress` returning false cancels.
    pub fn run(&mut self, mut progress: impl FnMut(&Search) -> bool) -> Ending {
        loop {
            if let Some(e) = self.advance(4096) {
                return e;
            }
            if !progress(self) {
                self.cancel();
            }
        }
    }

    fn advance_bfs(&mut self, budget: usize) {
        if self.cursor >= self.frontier.len() {
            if self.next.is_empty() {
                self.ending = Some(Ending::Complete);
                return;
            }
            self.frontier = std::mem::take(&mut self.next);
            self.cursor = 0;
        }
        let start = self.cursor;
        let end = (start + budget.max(1)).min(self.frontier.len());
        let expanded =
            expand_all(&self.frontier[start..end], &self.model, &self.options, &self.visited, &mut self.fingerprinter);
        self.cursor = end;
        for (i, (candidates, generated, stuck)) in expanded.into_iter().enumerate() {
            self.counts.generated += generated;
            if stuck {
                self.counts.stuck += 1;
                let fp = self.frontier[start + i].fp;
                self.found.stuck.get_or_insert(fp);
            }
            for c in candidates {
                self.admit(c);
                if self.ending.is_some() {
                    return;
                }
            }
        }
    }

    fn advance_dfs(&mut self, budget: usize) {
        for _ in 0..budget {
            let Some(entry) = self.frontier.pop() else {
                self.ending = Some(Ending::Complete);
                return;
            };
            let (candidates, generated, stuck) =
                expand(&entry, &self.model, &self.options, &self.visited, &mut self.fingerprinter);
            self.counts.generated += generated;
            if stuck {
                self.counts.stuck += 1;
                self.found.stuck.get_or_insert(entry.fp);
            }
            for c in candidates {
                self.admit(c);
                if self.ending.is_some() {
                    return;
                }
            }
            // Admitted successors were pushed onto `next`; move them onto the stack in reverse,
            // so the first step's successor is expanded first.
            while let Some(e) = self.next.pop() {
                self.frontier.push(e);
            }
        }
    }

    /// Inserts a candidate into the visited set; a new state is checked and queued.
    fn admit(&mut self, c: Candidate) {
        use std::collections::hash_map::Entry as E;
        match self.visited.entry(c.fp) {
            E::Occupied(_) => return,
            E::Vacant(v) => {
                v.insert(c.parent);
            }
        }
        self.counts.unique += 1;
        self.counts.depth = self.counts.depth.max(c.depth);
        let s = &c.state;
        if s.violated() {
            self.found.violation = Some(c.fp);
            self.ending = Some(Ending::Violation);
            return;
        }
        if self.found.chosen.is_none() && !s.system.monitor.chosen.is_empty() {
            self.found.chosen = Some(c.fp);
        }
        if let Some(goal) = self.options.goal {
            if goal.holds(&self.model, s, c.parent_chosen) {
                self.found.goal = Some(c.fp);
                self.ending = Some(Ending::Goal);
                return;
            }
        }
        if self.model.bounds.depth.is_none_or(|d| c.depth < d) {
            self.next.push(Entry { state: c.state, fp: c.fp, depth: c.depth });
        }
    }

    fn update_counts(&mut self) {
        let waiting = match self.options.strategy {
            Strategy::Bfs => (self.frontier.len() - self.cursor.min(self.frontier.len())) + self.next.len(),
            Strategy::Dfs => self.frontier.len(),
        } as u64;
        self.counts.queue = waiting;
        // hashbrown: a 16-byte entry and a control byte per bucket.
        self.counts.visited_bytes = self.visited.capacity() as u64 * 17 * 8 / 7;
        self.counts.bytes = self.counts.visited_bytes + waiting * self.state_bytes;
    }

    /// The steps from the initial state to the state with fingerprint `fp`, concrete: replayed
    /// from the initial state through the parent links.
    pub fn trail(&self, fp: u64) -> Vec<Step> {
        let mut chain = vec![fp];
        let mut at = fp;
        while at != self.root {
            let Some(&parent) = self.visited.get(&at) else { break };
            chain.push(parent);
            at = parent;
        }
        chain.reverse();
        let mut state = State::initial(&self.model);
        let mut fingerprinter = Fingerprinter::default();
        let mut steps = Vec::new();
        let mut enabled = Vec::new();
        for want in &chain[1..] {
            state.steps(&self.model, &mut enabled);
            let next = enabled.iter().find_map(|&step| {
                let next = state.next(&self.model, step)?;
                (fingerprinter.fingerprint(&next, &self.model, self.options.symmetry) == *want).then_some((step, next))
            });
            let Some((step, next)) = next else { break };
            steps.push(step);
            state = next;
        }
        steps
    }
}

/// Expands every state of a slice, in parallel when `jobs > 1` (native only).
fn expand_all(
    slice: &[Entry],
    model: &Model,
    options: &Options,
    visited: &Visited,
    fingerprinter: &mut Fingerprinter,
) -> Vec<(Vec<Candidate>, u64, bool)> {
    #[cfg(not(target_arch = "wasm32"))]
    if options.jobs > 1 && slice.len() >= 64 {
        let chunk = slice.len().div_ceil(options.jobs);
        return std::thread::scope(|scope| {
            let handles: Vec<_> = slice
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        let mut f = Fingerprinter::default();
                        part.iter().map(|e| expand(e, model, options, visited, &mut f)).collect::<Vec<_>>()
                    })
                })
                .collect();
            handles.into_iter().flat_map(|h| h.join().expect("a search thread panicked")).collect()
        });
    }
    slice.iter().map(|e| expand(e, model, options, visited, fingerprinter)).collect()
}

/// The successors of one state that are not yet visited, how many were generated, and whether
/// the state is stuck (no successor within the bounds, nothing chosen).
fn expand(
    entry: &Entry,
    model: &Model,
    options: &Options,
    visited: &Visited,
    fingerprinter: &mut Fingerprinter,
) -> (Vec<Candidate>, u64, bool) {
    let mut steps = std::mem::take(&mut fingerprinter.steps);
    entry.state.steps(model, &mut steps);
    let mut out = Vec::new();
    let mut generated = 0;
    let parent_chosen = !entry.state.system.monitor.chosen.is_empty();
    for &step in &steps {
        let Some(next) = entry.state.next(model, step) else { continue };
        generated += 1;
        let fp = fingerprinter.fingerprint(&next, model, options.symmetry);
        if visited.contains_key(&fp) {
            continue;
        }
        out.push(Candidate { parent: entry.fp, parent_chosen, fp, state: next, depth: entry.depth + 1 });
    }
    fingerprinter.steps = steps;
    let stuck = generated == 0 && entry.state.system.monitor.chosen.is_empty();
    (out, generated, stuck)
}

fn estimate_state_bytes(s: &State) -> u64 {
    let nodes = s.system.nodes.len() as u64;
    (std::mem::size_of::<State>() as u64)
        + nodes * std::mem::size_of::<crate::sim::NodeSlot>() as u64
        + 16 * std::mem::size_of::<super::state::Packet>() as u64
        + nodes * 24
        + 128
}
