//! The search: breadth-first (level by level, so the first violation found is a shortest one)
//! or depth-first, over concrete states, deduplicated by fingerprint.
//!
//! The visited set (`visited`) maps each state's fingerprint to its parent's, 16 bytes a slot
//! in tables kept at most 3/4 full: 21 to 43 bytes a state. A counterexample is rebuilt from
//! those parent links by replaying from the initial state and, at each step, picking the
//! successor whose fingerprint is the next link: concrete steps, even under symmetry reduction.
//!
//! The search is resumable: `advance(budget)` expands at most `budget` states and returns, so
//! the command line prints progress and the page's worker answers a Cancel between slices. It
//! reads no clock: a caller that wants time measures it.
//!
//! Parallel breadth-first search (`jobs > 1`, native only; see `advance_parallel`): threads
//! expand parts of a slice of the frontier, then insert the new fingerprints into their own
//! shards of the visited set, in frontier order. So the result, down to which concrete state
//! stands for a fingerprint and which counterexample is reported, is the same for any number
//! of jobs.
//!
//! Parallel depth-first search (`jobs > 1`, native only; see `advance_dfs_parallel`): each
//! thread runs its own stack against one shared visited set (a compare-and-swap claims a
//! fingerprint, so each state is admitted by exactly one thread and the unique count is one
//! job's), and a thread that runs dry asks for work: a busy thread hands it the bottom half of
//! its stack (the states nearest the root, the largest subtrees). The search ends when every
//! thread is dry at once. Which thread reaches a state first varies from run to run, so the
//! parent links, the deepest path and the counterexample found may differ between runs; the
//! counts of a complete search, the verdicts, and the replay of any counterexample do not.
//! (With a depth bound, a depth-first search of any kind may miss states that a shorter path
//! would have kept within the bound: its count then depends on the order, as with one job.)

use super::goal::Goal;
use super::model::Model;
use super::state::State;
#[cfg(not(target_arch = "wasm32"))]
use super::visited::Recent;
use super::visited::Visited;
use super::Fingerprinter;
use crate::sim::Step;

#[cfg(not(target_arch = "wasm32"))]
mod parallel_dfs;

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

/// (States are boxed: a queue of millions moves and grows by pointers, not by 400-byte copies.)
struct Entry {
    state: Box<State>,
    fp: u64,
    depth: u32,
}

/// What one part of a parallel slice found: its candidates, and per state expanded, how many of
/// them it gave, how many successors it generated and whether it was stuck.
#[derive(Default)]
#[cfg(not(target_arch = "wasm32"))]
struct Part {
    candidates: Vec<Candidate>,
    per_state: Vec<(usize, u64, bool)>,
}

/// Parts a parallel slice is cut into, per thread (so that a thread the system delays holds up
/// the others less).
#[cfg(not(target_arch = "wasm32"))]
const PARTS_PER_JOB: usize = 8;

/// One successor that was not in the visited set when its parent was expanded, with what it
/// shows (worked out by the thread that expanded it).
struct Candidate {
    parent: u64,
    fp: u64,
    state: Box<State>,
    depth: u32,
    violated: bool,
    chosen: bool,
    goal: bool,
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
    /// One per thread.
    scratch: Vec<Scratch>,
    /// A parallel slice's parts, and one thread's candidates (kept for their buffers).
    #[cfg(not(target_arch = "wasm32"))]
    parts: Vec<Part>,
    candidates: Vec<Candidate>,
    /// The worker threads, for `jobs > 1` (they live as long as the search).
    #[cfg(not(target_arch = "wasm32"))]
    pool: Option<rayon::ThreadPool>,
    /// Parallel DFS: one stack per thread (the first takes `frontier` over), and each thread's
    /// fingerprints inserted lately.
    #[cfg(not(target_arch = "wasm32"))]
    stacks: Vec<Vec<Entry>>,
    #[cfg(not(target_arch = "wasm32"))]
    recents: Vec<Recent>,
    /// Parallel DFS: how many states each thread expanded (the work shared out).
    #[cfg(not(target_arch = "wasm32"))]
    pub expanded_per_thread: Vec<u64>,
    state_bytes: u64,
}

/// What one thread of the search reuses from state to state: the fingerprint buffers, the
/// steps enabled, the successors being tried, and states whose buffers can be reused (a state
/// expanded or a successor already seen), so that a successor costs no allocation unless it
/// is new and the pool is empty.
/// (Boxed states, although a vector is on the heap already: a state moves between the pool,
/// the successors and the queue as a pointer.)
#[derive(Default)]
#[allow(clippy::vec_box)]
struct Scratch {
    fingerprinter: Fingerprinter,
    steps: Vec<Step>,
    successors: Vec<Box<State>>,
    pending: Vec<(usize, u64)>,
    pool: Vec<Box<State>>,
    /// Most states `pool` keeps.
    cap: usize,
    /// Parallel DFS: one state's successors not yet visited, and those admitted.
    #[cfg(not(target_arch = "wasm32"))]
    candidates: Vec<Candidate>,
    #[cfg(not(target_arch = "wasm32"))]
    admitted: Vec<Entry>,
}

/// States one thread keeps for reuse. With several threads there is no cap: a state freed by
/// one thread after another allocated it costs both (the allocator's cross-thread frees and
/// fresh pages), and the pools never hold more than the search once held at the same time (after
/// a BFS level, the level before it). One thread keeps a few: the memory of a level done is
/// given back, so the state and memory limits stop a search where they always did.
const POOL_ONE_THREAD: usize = 4096;

impl Scratch {
    fn recycle(&mut self, s: Box<State>) {
        if self.pool.len() < self.cap {
            self.pool.push(s);
        }
    }
}

impl Search {
    pub fn new(model: Model, options: Options) -> Search {
        let init = State::initial(&model);
        let jobs = if cfg!(target_arch = "wasm32") { 1 } else { options.jobs.max(1) };
        let cap = if jobs > 1 { usize::MAX } else { POOL_ONE_THREAD };
        let mut scratch: Vec<Scratch> = (0..jobs).map(|_| Scratch { cap, ..Scratch::default() }).collect();
        let fp = scratch[0].fingerprinter.fingerprint(&init, &model, options.symmetry);
        // Breadth-first: a shard per thread; depth-first: one table the threads share.
        let mut visited = Visited::new(if options.strategy == Strategy::Bfs { jobs } else { 1 });
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
            frontier: vec![Entry { state: Box::new(init), fp, depth: 0 }],
            cursor: 0,
            next: Vec::new(),
            scratch,
            #[cfg(not(target_arch = "wasm32"))]
            parts: Vec::new(),
            candidates: Vec::new(),
            #[cfg(not(target_arch = "wasm32"))]
            pool: (jobs > 1).then(|| rayon::ThreadPoolBuilder::new().num_threads(jobs).build().ok()).flatten(),
            #[cfg(not(target_arch = "wasm32"))]
            stacks: Vec::new(),
            #[cfg(not(target_arch = "wasm32"))]
            recents: Vec::new(),
            #[cfg(not(target_arch = "wasm32"))]
            expanded_per_thread: Vec::new(),
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
            if let Some(e) = self.advance(4096 * self.scratch.len()) {
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
            // The level just expanded becomes the states the next one is built in (see
            // `Scratch::recycle`).
            let done = std::mem::replace(&mut self.frontier, std::mem::take(&mut self.next));
            let jobs = self.scratch.len();
            for (i, e) in done.into_iter().enumerate() {
                self.scratch[i % jobs].recycle(e.state);
            }
            self.cursor = 0;
        }
        let start = self.cursor;
        let end = (start + budget.max(1)).min(self.frontier.len());
        self.cursor = end;
        #[cfg(not(target_arch = "wasm32"))]
        if self.pool.is_some() && end - start >= 64 {
            return self.advance_parallel(start, end);
        }
        for i in start..end {
            self.expand_and_admit(i);
            if self.ending.is_some() {
                // What is left of the level is waiting (the counts say so whatever the slice).
                self.cursor = i + 1;
                return;
            }
        }
    }

    fn advance_dfs(&mut self, budget: usize) {
        #[cfg(not(target_arch = "wasm32"))]
        if self.pool.is_some() {
            return self.advance_dfs_parallel(budget);
        }
        for _ in 0..budget {
            let Some(entry) = self.frontier.pop() else {
                self.ending = Some(Ending::Complete);
                return;
            };
            self.frontier.push(entry);
            let i = self.frontier.len() - 1;
            self.expand_and_admit(i);
            if self.ending.is_some() {
                return;
            }
            let entry = self.frontier.swap_remove(i);
            self.scratch[0].recycle(entry.state);
            // Admitted successors were pushed onto `next`; move them onto the stack in reverse,
            // so the first step's successor is expanded first.
            while let Some(e) = self.next.pop() {
                self.frontier.push(e);
            }
        }
    }

    /// One thread: expands `frontier[i]` and admits its successors in step order.
    fn expand_and_admit(&mut self, i: usize) {
        let mut candidates = std::mem::take(&mut self.candidates);
        let scratch = &mut self.scratch[0];
        let entry = &self.frontier[i];
        let (generated, stuck) = expand(entry, &self.model, &self.options, &self.visited, scratch, &mut candidates);
        self.counts.generated += generated;
        if stuck {
            self.counts.stuck += 1;
            self.found.stuck.get_or_insert(entry.fp);
        }
        let mut drain = candidates.drain(..);
        for c in drain.by_ref() {
            if self.visited.insert(c.fp, c.parent) {
                self.admit(c);
                if self.ending.is_some() {
                    break;
                }
            } else {
                self.scratch[0].recycle(c.state);
            }
        }
        for c in drain {
            self.scratch[0].recycle(c.state);
        }
        self.candidates = candidates;
    }

    /// Several threads (native only), in three phases, with the same result as one thread:
    /// 1. the threads expand the slice in small parts (a busy thread's parts are taken by an
    ///    idle one), dropping successors already visited (the visited set is read only);
    /// 2. each inserts into its own shard of the visited set the candidates whose fingerprints
    ///    fall there, in slice order, so the first in slice order wins, as with one thread;
    /// 3. this thread admits the winners in slice order (counts, properties, the queue).
    #[cfg(not(target_arch = "wasm32"))]
    fn advance_parallel(&mut self, start: usize, end: usize) {
        use std::sync::Mutex;
        let jobs = self.scratch.len();
        let Some(pool) = &self.pool else { return };
        let slice = &self.frontier[start..end];
        let chunk = slice.len().div_ceil(jobs * PARTS_PER_JOB).max(1);
        let count = slice.len().div_ceil(chunk);
        let (model, options, visited) = (&self.model, &self.options, &self.visited);
        // Phase 1: per part, its candidates and, per state, (candidates, generated, stuck).
        let mut parts = std::mem::take(&mut self.parts);
        parts.resize_with(count.max(parts.len()), Default::default);
        let scratch: Vec<Mutex<&mut Scratch>> = self.scratch.iter_mut().map(Mutex::new).collect();
        pool.scope(|scope| {
            for (states, out) in slice.chunks(chunk).zip(parts.iter_mut()) {
                let scratch = &scratch;
                scope.spawn(move |_| {
                    // Each pool thread takes its own scratch: the lock is never contended.
                    let t = rayon::current_thread_index().unwrap_or(0) % scratch.len();
                    let mut scratch = scratch[t].lock().unwrap_or_else(|e| e.into_inner());
                    for e in states {
                        let before = out.candidates.len();
                        let (generated, stuck) = expand(e, model, options, visited, &mut scratch, &mut out.candidates);
                        out.per_state.push((out.candidates.len() - before, generated, stuck));
                    }
                });
            }
        });
        drop(scratch);
        // Phase 2: each shard's winners, as positions in slice order.
        let all: Vec<&Candidate> = parts[..count].iter().flat_map(|p| &p.candidates).collect();
        let shard_of: Vec<u8> = all.iter().map(|c| self.visited.shard_of(c.fp) as u8).collect();
        let mut won = vec![false; all.len()];
        let mut wins: Vec<Vec<usize>> = (0..jobs).map(|_| Vec::new()).collect();
        pool.scope(|scope| {
            for (j, (table, out)) in self.visited.shards_mut().iter_mut().zip(wins.iter_mut()).enumerate() {
                let (all, shard_of) = (&all, &shard_of);
                scope.spawn(move |_| {
                    out.extend(
                        (0..all.len()).filter(|&i| shard_of[i] as usize == j && table.insert(all[i].fp, all[i].parent)),
                    );
                });
            }
        });
        drop(all);
        for i in wins.into_iter().flatten() {
            won[i] = true;
        }
        // Phase 3.
        let mut i = 0;
        let mut k = 0;
        for part in &mut parts[..count] {
            let mut drain = part.candidates.drain(..);
            for (count, generated, stuck) in part.per_state.drain(..) {
                // One thread would have stopped before expanding the states after the one that
                // ended the search: they count for nothing.
                if self.ending.is_none() {
                    self.counts.generated += generated;
                    if stuck {
                        self.counts.stuck += 1;
                        self.found.stuck.get_or_insert(self.frontier[start + k].fp);
                    }
                }
                for c in drain.by_ref().take(count) {
                    if won[i] && self.ending.is_none() {
                        self.admit(c);
                        if self.ending.is_some() {
                            self.cursor = start + k + 1;
                        }
                    } else {
                        self.scratch[i % jobs].recycle(c.state);
                    }
                    i += 1;
                }
                k += 1;
            }
        }
        // Kept, empty, to fill again without growing.
        self.parts = parts;
    }

    /// A new state (already in the visited set): counted, checked and queued.
    fn admit(&mut self, c: Candidate) {
        self.counts.unique += 1;
        self.counts.depth = self.counts.depth.max(c.depth);
        if c.violated {
            self.found.violation = Some(c.fp);
            self.ending = Some(Ending::Violation);
            return;
        }
        if self.found.chosen.is_none() && c.chosen {
            self.found.chosen = Some(c.fp);
        }
        if c.goal {
            self.found.goal = Some(c.fp);
            self.ending = Some(Ending::Goal);
            return;
        }
        if self.model.bounds.depth.is_none_or(|d| c.depth < d) {
            self.next.push(Entry { state: c.state, fp: c.fp, depth: c.depth });
        } else {
            self.scratch[0].recycle(c.state);
        }
    }

    fn update_counts(&mut self) {
        // Parallel DFS: the threads' stacks, and their caches of recent insertions.
        #[cfg(not(target_arch = "wasm32"))]
        let (stacked, recents): (usize, u64) =
            (self.stacks.iter().map(Vec::len).sum(), self.recents.iter().map(Recent::bytes).sum());
        #[cfg(target_arch = "wasm32")]
        let (stacked, recents) = (0, 0);
        let waiting = match self.options.strategy {
            Strategy::Bfs => (self.frontier.len() - self.cursor.min(self.frontier.len())) + self.next.len(),
            Strategy::Dfs => self.frontier.len() + stacked,
        } as u64;
        self.counts.queue = waiting;
        self.counts.visited_bytes = self.visited.bytes();
        // The states kept for reuse hold memory too (after a BFS level, the level before it).
        let pooled: u64 = self.scratch.iter().map(|s| (s.pool.len() + s.successors.len()) as u64).sum();
        self.counts.bytes = self.counts.visited_bytes + recents + (waiting + pooled) * self.state_bytes;
    }

    /// The steps from the initial state to the state with fingerprint `fp`, concrete: replayed
    /// from the initial state through the parent links.
    pub fn trail(&self, fp: u64) -> Vec<Step> {
        let mut chain = vec![fp];
        let mut at = fp;
        while at != self.root {
            let Some(parent) = self.visited.get(at) else { break };
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

/// Expands one state: the successors not yet visited are appended to `candidates`, in step
/// order. Returns how many successors were generated and whether the state is stuck (no
/// successor within the bounds, nothing chosen). All successors are computed and their
/// fingerprints' slots prefetched before any is looked up, so the lookups' cache misses
/// overlap instead of following one another.
fn expand(
    entry: &Entry,
    model: &Model,
    options: &Options,
    visited: &impl Lookup,
    scratch: &mut Scratch,
    candidates: &mut Vec<Candidate>,
) -> (u64, bool) {
    let Scratch { fingerprinter, steps, successors, pending, pool, .. } = scratch;
    entry.state.steps(model, steps);
    pending.clear();
    let parent_chosen = !entry.state.system.monitor.chosen.is_empty();
    let mut generated = 0;
    for &step in steps.iter() {
        let k = pending.len();
        if successors.len() == k {
            successors.push(pool.pop().unwrap_or_else(|| entry.state.clone()));
        }
        if !entry.state.next_into(model, step, &mut successors[k]) {
            continue;
        }
        let fp = fingerprinter.fingerprint(&successors[k], model, options.symmetry);
        if visited.seen_lately(fp) {
            generated += 1;
            continue;
        }
        visited.prefetch(fp);
        pending.push((k, fp));
    }
    generated += pending.len() as u64;
    for &(k, fp) in pending.iter() {
        if visited.contains(fp) {
            continue;
        }
        let blank = pool.pop().unwrap_or_else(|| entry.state.clone());
        let state = std::mem::replace(&mut successors[k], blank);
        let goal = options.goal.is_some_and(|g| g.holds(model, &state, parent_chosen));
        candidates.push(Candidate {
            parent: entry.fp,
            fp,
            violated: state.violated(),
            chosen: !state.system.monitor.chosen.is_empty(),
            goal,
            state,
            depth: entry.depth + 1,
        });
    }
    (generated, generated == 0 && !parent_chosen)
}

/// What `expand` asks of the visited set.
trait Lookup {
    /// True only if `fp` is in the set; false says nothing.
    fn seen_lately(&self, fp: u64) -> bool;
    fn prefetch(&self, fp: u64);
    fn contains(&self, fp: u64) -> bool;
}

impl Lookup for Visited {
    #[inline(always)]
    fn seen_lately(&self, fp: u64) -> bool {
        Visited::seen_lately(self, fp)
    }
    #[inline(always)]
    fn prefetch(&self, fp: u64) {
        Visited::prefetch(self, fp)
    }
    #[inline(always)]
    fn contains(&self, fp: u64) -> bool {
        Visited::contains(self, fp)
    }
}

/// The shared visited set as one thread of the parallel DFS sees it: with its own recent
/// insertions.
#[cfg(not(target_arch = "wasm32"))]
struct Shared<'a> {
    visited: &'a Visited,
    recent: &'a Recent,
}

#[cfg(not(target_arch = "wasm32"))]
impl Lookup for Shared<'_> {
    #[inline(always)]
    fn seen_lately(&self, fp: u64) -> bool {
        self.recent.has(fp)
    }
    #[inline(always)]
    fn prefetch(&self, fp: u64) {
        self.visited.prefetch(fp)
    }
    #[inline(always)]
    fn contains(&self, fp: u64) -> bool {
        self.visited.contains(fp)
    }
}

fn estimate_state_bytes(s: &State) -> u64 {
    let nodes = s.system.nodes.len() as u64;
    (std::mem::size_of::<State>() as u64)
        + nodes * std::mem::size_of::<crate::sim::NodeSlot>() as u64
        + 16 * std::mem::size_of::<super::state::Packet>() as u64
        + nodes * 24
        + 128
}
