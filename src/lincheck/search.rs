//! The Wing-Gong search with Lowe's improvements, over one partition.
//!
//! The history is a list of entries, calls and returns, in real-time order (at equal
//! positions calls come first: those operations overlapped). The search walks the list from
//! its head. At a call it tries to linearize that operation now: the model must accept its
//! recorded result in the current state. If it does, the operation's call and return are lifted
//! out of the list (Knuth's dancing links: they keep their own pointers, so putting them back
//! is two writes), pushed on a stack with the state before it, and the walk restarts at the
//! head. At a return, the operation that returns there had to be linearized already: every
//! choice since the last one is wrong, so pop it, put it back, and try the call after it.
//! The history is linearizable when every definite operation has been placed; an
//! indeterminate one (completion at +infinity) may stay unplaced, as it may never have happened.
//!
//! 1. Lowe's cache: a configuration is the set of linearized operations plus the model state.
//!    The future of the search depends on nothing else, so a configuration seen before is
//!    never explored again. This turns the exponential search into one bounded by the number of
//!    distinct configurations, which for real histories is small.
//! 2. The set is stored compactly: every definite operation invoked before the first
//!    unplaced definite one (`open`) is placed, so the set is `open` plus the few exceptions
//!    (placed operations above it, which all started before `open` returned, and unplaced
//!    indeterminate ones below it). A bitset of the whole partition per configuration would
//!    cost memory quadratic in the history's length.
//! 3. Indeterminate operations with the same call on the same key are interchangeable once
//!    both are invoked (neither ever returns), so they are placed in invocation order only:
//!    a dozen timed-out writes of a few values no longer multiply the configurations by 2^12.
//!    And an indeterminate operation that would change nothing where it stands is not placed
//!    there: leaving it out is the same.
//! 4. Forced moves. A definite read-only operation (a read, or any operation that returned
//!    an error) that can go next commutes to the front of any order that completes the
//!    current configuration: it changes no state wherever it stands, everything that had to
//!    precede it in real time is placed already (its call is reachable), and moving an
//!    operation earlier breaks no real-time order. So it is placed at once, and it is no
//!    choice: if the search fails after it, the configuration before it is a dead end too.
//!    (A write of the value the key already holds changes nothing here, but it is not
//!    read-only: anywhere else it would reset the value, so it stays a choice.)
//!    Each configuration is first scanned for such a move; only without one does it branch.
//!    On a single register with many clients reading few values this is the difference
//!    between milliseconds and running out of memory.
//! 5. Dominance. Two configurations with the same definite operations placed and the same
//!    state, where the first has placed a subset of the second's indeterminate operations:
//!    any way to finish the second finishes the first (leaving the extra ones out is allowed,
//!    they may never have happened). So once the first has been explored to the end without
//!    success, the second is skipped. Only explored ones count (a configuration still on the
//!    stack proves nothing yet), which is why each cache entry knows whether it is done.
//! 6. Timed-out writes only right before a reader. On one key without versions, a write sets
//!    the whole state, so an indeterminate write that is followed by another write (before any
//!    read or cas) is overwritten unseen: the same order without it is as good. Every order
//!    that works can be shortened so that each indeterminate write it places is followed at
//!    once by a read or a cas, and only such orders are tried. Whether the last move was such a
//!    write is part of the configuration (it restricts the next move), so the cache keeps it.
//!
//! The search runs in slices (`run` with a step budget), so a caller without threads (the
//! page's worker) can report progress and stop it.

use super::model::Model;
use super::partition::{PCall, POp, PResult, Partition};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

const NONE: u32 = u32::MAX;
const HEAD: u32 = 0;

/// Where a search stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Running,
    Linearizable,
    NotLinearizable,
    /// The cache outgrew its memory limit: no verdict.
    OutOfMemory,
}

/// The definite part of a configuration seen, and its state (note 2).
#[derive(Clone, PartialEq, Eq, Hash)]
struct Core<S> {
    open: u32,
    /// Placed definite operations above `open`.
    above: Box<[u32]>,
    state: S,
    /// The last move placed an indeterminate write, so the next must read (note 6).
    must_read: bool,
}

/// The indeterminate part of a configuration seen with some `Core` (note 5).
struct Variant {
    /// Unplaced indeterminate operations below `open`.
    holes: Box<[u32]>,
    /// Placed indeterminate operations above `open`.
    above: Box<[u32]>,
    /// Explored to the end, without success.
    done: bool,
    /// The next variant of the same core.
    next: u32,
}

struct Frame<S> {
    op: u32,
    state: S,
    open: u32,
    passed: u32,
    /// A forced move (note 4): undoing it means the configuration before it is dead too.
    forced: bool,
    /// The variant the move created (`NONE` for none), done once the move is undone.
    variant: u32,
}

/// The deepest dead end: the longest partial linearization found, the state after it, and the
/// operation whose return stopped it (`None`: none returned; only indeterminate ones were left).
#[derive(Clone, Debug)]
pub struct DeadEnd<S> {
    pub prefix: Vec<u32>,
    pub state: S,
    pub blocked: Option<u32>,
}

pub struct Search<'p, M: Model> {
    part: &'p Partition,
    model: M,
    // The entry list: entry 0 is the head; `next`/`prev` link the rest (NONE ends it).
    next: Vec<u32>,
    prev: Vec<u32>,
    entry_op: Vec<u32>,
    entry_is_call: Vec<bool>,
    call_entry: Vec<u32>,
    return_entry: Vec<u32>,
    /// Operations invoked at or before each operation's completion (an index bound).
    reach: Vec<u32>,
    indeterminate: Vec<u32>,
    /// The previous interchangeable indeterminate operation (note 3).
    twin_before: Vec<u32>,
    placed: Vec<u64>,
    open: u32,
    /// Definite operations in completion order, each one's rank in it, and how many of the
    /// first ones are placed (`passed`; the most ever in `passed_max`).
    by_completion: Vec<u32>,
    completion_rank: Vec<u32>,
    passed: u32,
    passed_max: u32,
    stack: Vec<Frame<M::State>>,
    state: M::State,
    cursor: u32,
    /// Whether the scan of the current configuration is still looking for a forced move.
    forcing: bool,
    /// Note 6 applies: one key, no versions.
    lazy_writes: bool,
    /// Each core seen, with its first variant (the rest are chained).
    seen: HashMap<Core<M::State>, u32, BuildHasherDefault<FxHasher>>,
    variants: Vec<Variant>,
    seen_bytes: u64,
    definite_left: usize,
    pub steps: u64,
    max_bytes: u64,
    status: Status,
    best: Option<DeadEnd<M::State>>,
    best_common: usize,
}

impl<'p, M: Model> Search<'p, M> {
    pub fn new(part: &'p Partition, model: M, max_bytes: u64) -> Search<'p, M> {
        let ops = &part.ops;
        let n = ops.len();
        let mut events: Vec<(u64, bool, u32)> = Vec::with_capacity(2 * n);
        for (i, op) in ops.iter().enumerate() {
            events.push((op.invoke, false, i as u32));
            if let Some(d) = op.deadline {
                events.push((d, true, i as u32));
            }
        }
        events.sort_unstable();
        let e = events.len();
        let mut s = Search {
            part,
            next: (0..=e as u32).map(|i| if (i as usize) < e { i + 1 } else { NONE }).collect(),
            prev: (0..=e as u32).map(|i| i.wrapping_sub(1)).collect(),
            entry_op: std::iter::once(NONE).chain(events.iter().map(|ev| ev.2)).collect(),
            entry_is_call: std::iter::once(false).chain(events.iter().map(|ev| !ev.1)).collect(),
            call_entry: vec![NONE; n],
            return_entry: vec![NONE; n],
            reach: ops.iter().map(|o| reach(ops, o)).collect(),
            indeterminate: (0..n as u32).filter(|&i| ops[i as usize].deadline.is_none()).collect(),
            twin_before: twins(ops),
            placed: vec![0; n.div_ceil(64)],
            open: 0,
            by_completion: part.completion_order().iter().map(|&i| i as u32).collect(),
            completion_rank: vec![NONE; n],
            passed: 0,
            passed_max: 0,
            stack: Vec::new(),
            state: model.init(),
            model,
            cursor: if e > 0 { 1 } else { NONE },
            forcing: true,
            lazy_writes: part.keys.len() == 1 && !part.versions,
            seen: HashMap::default(),
            variants: Vec::new(),
            seen_bytes: 0,
            definite_left: ops.iter().filter(|o| o.deadline.is_some()).count(),
            steps: 0,
            max_bytes,
            status: Status::Running,
            best: None,
            best_common: 0,
        };
        for (k, ev) in events.iter().enumerate() {
            let slot = if ev.1 { &mut s.return_entry } else { &mut s.call_entry };
            slot[ev.2 as usize] = k as u32 + 1;
        }
        for (rank, &i) in s.by_completion.iter().enumerate() {
            s.completion_rank[i as usize] = rank as u32;
        }
        s.advance_open();
        s
    }

    /// The most leading completions (in completion order) any configuration placed: the
    /// history cut just after that many completions is linearizable.
    pub fn passed_max(&self) -> usize {
        self.passed_max as usize
    }

    pub fn status(&self) -> Status {
        self.status
    }

    /// Configurations in the cache.
    pub fn configurations(&self) -> usize {
        self.variants.len()
    }

    /// The estimated bytes the cache holds.
    pub fn bytes(&self) -> u64 {
        let entry = std::mem::size_of::<(Core<M::State>, u32)>() as u64 + 1;
        let variant = std::mem::size_of::<Variant>() as u64;
        self.seen_bytes + self.seen.capacity() as u64 * entry + self.variants.capacity() as u64 * variant
    }

    /// The linearization found (operation indices), once `Linearizable`.
    pub fn witness(&self) -> Vec<u32> {
        self.stack.iter().map(|f| f.op).collect()
    }

    pub fn dead_end(&self) -> Option<&DeadEnd<M::State>> {
        self.best.as_ref()
    }

    pub fn model(&self) -> &M {
        &self.model
    }

    /// Runs at most `budget` steps; returns where the search stands.
    pub fn run(&mut self, budget: u64) -> Status {
        for _ in 0..budget {
            if self.status != Status::Running {
                break;
            }
            self.steps += 1;
            if self.definite_left == 0 {
                self.status = Status::Linearizable;
                break;
            }
            let e = self.cursor;
            if e != NONE && self.entry_is_call[e as usize] {
                let op = self.entry_op[e as usize];
                match self.try_place(op) {
                    Placed::Yes => {
                        self.cursor = self.next[HEAD as usize];
                        self.forcing = true;
                    }
                    Placed::No => self.cursor = self.next[e as usize],
                    // A forced move into a configuration already explored: this one is dead.
                    Placed::Dead => self.backtrack(),
                }
            } else if self.forcing {
                // No forced move here: scan again, branching.
                self.forcing = false;
                self.cursor = self.next[HEAD as usize];
            } else {
                self.note_dead_end(if e == NONE { None } else { Some(self.entry_op[e as usize]) });
                self.backtrack();
            }
            if self.steps & 1023 == 0 && self.bytes() > self.max_bytes {
                self.status = Status::OutOfMemory;
            }
        }
        self.status
    }

    fn try_place(&mut self, op: u32) -> Placed {
        let o = &self.part.ops[op as usize];
        let definite = o.deadline.is_some();
        // Note 4: forced moves are looked for first and only then; a read-only operation that
        // fits would have been one, so the branching scan skips them.
        if self.forcing != (definite && read_only(o)) {
            return Placed::No;
        }
        let twin = self.twin_before[op as usize];
        if twin != NONE && !self.is_placed(twin) {
            return Placed::No;
        }
        if self.must_read() && matches!(o.call, PCall::Write(_)) {
            return Placed::No;
        }
        let Ok(next) = self.model.step(&self.state, o) else {
            return Placed::No;
        };
        // Note 3: an indeterminate operation that would change nothing here is left out.
        if !definite && next == self.state {
            return Placed::No;
        }
        let open_before = self.open;
        self.set_placed(op, true);
        let mut variant = NONE;
        // Once every definite operation is placed the search is over: nothing to remember.
        if !(definite && self.definite_left == 1) {
            self.advance_open();
            let must_read = self.lazy_writes && !definite && matches!(o.call, PCall::Write(_));
            match self.remember(next.clone(), must_read) {
                Some(v) => variant = v,
                None => {
                    self.set_placed(op, false);
                    self.open = open_before;
                    return if self.forcing { Placed::Dead } else { Placed::No };
                }
            }
        }
        let before = std::mem::replace(&mut self.state, next);
        let passed = self.passed;
        self.stack.push(Frame { op, state: before, open: open_before, passed, forced: self.forcing, variant });
        self.lift(op);
        while (self.passed as usize) < self.by_completion.len()
            && self.is_placed(self.by_completion[self.passed as usize])
        {
            self.passed += 1;
        }
        self.passed_max = self.passed_max.max(self.passed);
        self.definite_left -= definite as usize;
        Placed::Yes
    }

    /// Undoes the last choice, and every forced move before it, then scans on after it.
    fn backtrack(&mut self) {
        loop {
            let Some(frame) = self.stack.pop() else {
                self.status = Status::NotLinearizable;
                return;
            };
            let forced = frame.forced;
            self.undo(frame);
            if !forced {
                self.forcing = false;
                return;
            }
        }
    }

    /// Adds the current placement with `state` to the cache and returns its variant, or
    /// `None` if it was seen before or a done variant with fewer indeterminate operations
    /// placed dominates it (note 5).
    fn remember(&mut self, state: M::State, must_read: bool) -> Option<u32> {
        let (core, variant) = self.configuration(state, must_read);
        let id = self.variants.len() as u32;
        let bytes = 4 * (core.above.len() + variant.holes.len() + variant.above.len()) as u64;
        let first = self.seen.entry(core).or_insert(NONE);
        let mut v = *first;
        while v != NONE {
            let old = &self.variants[v as usize];
            let same = old.holes == variant.holes && old.above == variant.above;
            if same || (old.done && subset(&old.above, &variant.above) && subset(&variant.holes, &old.holes)) {
                return None;
            }
            v = old.next;
        }
        self.variants.push(Variant { next: *first, ..variant });
        *first = id;
        self.seen_bytes += bytes;
        Some(id)
    }

    /// Whether the last move placed an indeterminate write (note 6).
    fn must_read(&self) -> bool {
        self.lazy_writes
            && self.stack.last().is_some_and(|f| {
                let o = &self.part.ops[f.op as usize];
                o.deadline.is_none() && matches!(o.call, PCall::Write(_))
            })
    }

    fn undo(&mut self, frame: Frame<M::State>) {
        if frame.variant != NONE {
            self.variants[frame.variant as usize].done = true;
        }
        let op = frame.op;
        self.state = frame.state;
        self.open = frame.open;
        self.passed = frame.passed;
        self.set_placed(op, false);
        self.unlift(op);
        self.definite_left += self.part.ops[op as usize].deadline.is_some() as usize;
        self.cursor = self.next[self.call_entry[op as usize] as usize];
        self.best_common = self.best_common.min(self.stack.len());
    }

    /// Records the stack if it is the longest partial linearization so far. Copies only what
    /// changed since the last record, so the total work is bounded by the pushes.
    fn note_dead_end(&mut self, blocked: Option<u32>) {
        let longer = match &self.best {
            None => true,
            Some(b) => self.stack.len() > b.prefix.len(),
        };
        if !longer {
            return;
        }
        let mut prefix = self.best.take().map(|b| b.prefix).unwrap_or_default();
        prefix.truncate(self.best_common);
        prefix.extend(self.stack[self.best_common..].iter().map(|f| f.op));
        self.best_common = self.stack.len();
        self.best = Some(DeadEnd { prefix, state: self.state.clone(), blocked });
    }

    fn lift(&mut self, op: u32) {
        for e in [self.call_entry[op as usize], self.return_entry[op as usize]] {
            if e != NONE {
                let (p, n) = (self.prev[e as usize], self.next[e as usize]);
                self.next[p as usize] = n;
                if n != NONE {
                    self.prev[n as usize] = p;
                }
            }
        }
    }

    fn unlift(&mut self, op: u32) {
        for e in [self.return_entry[op as usize], self.call_entry[op as usize]] {
            if e != NONE {
                let (p, n) = (self.prev[e as usize], self.next[e as usize]);
                self.next[p as usize] = e;
                if n != NONE {
                    self.prev[n as usize] = e;
                }
            }
        }
    }

    fn is_placed(&self, op: u32) -> bool {
        self.placed[(op / 64) as usize] >> (op % 64) & 1 == 1
    }

    fn set_placed(&mut self, op: u32, on: bool) {
        let (w, b) = ((op / 64) as usize, op % 64);
        self.placed[w] = (self.placed[w] & !(1 << b)) | ((on as u64) << b);
    }

    /// Moves `open` to the first unplaced definite operation.
    fn advance_open(&mut self) {
        let ops = &self.part.ops;
        while (self.open as usize) < ops.len()
            && (self.is_placed(self.open) || ops[self.open as usize].deadline.is_none())
        {
            self.open += 1;
        }
    }

    /// The current placement as a core with `state` and a variant (notes 2 and 5).
    fn configuration(&self, state: M::State, must_read: bool) -> (Core<M::State>, Variant) {
        let mut holes: Vec<u32> = Vec::new();
        for &i in &self.indeterminate {
            if i >= self.open {
                break;
            }
            if !self.is_placed(i) {
                holes.push(i);
            }
        }
        let (mut definite, mut indeterminate) = (Vec::new(), Vec::new());
        for i in self.placed_above_open() {
            match self.part.ops[i as usize].deadline {
                Some(_) => definite.push(i),
                None => indeterminate.push(i),
            }
        }
        let core = Core { open: self.open, above: definite.into_boxed_slice(), state, must_read };
        let variant = Variant {
            holes: holes.into_boxed_slice(),
            above: indeterminate.into_boxed_slice(),
            done: false,
            next: NONE,
        };
        (core, variant)
    }

    /// Placed operations above `open`: all were invoked before `open` completed.
    fn placed_above_open(&self) -> Vec<u32> {
        let mut ex: Vec<u32> = Vec::new();
        let (lo, hi) = (self.open + 1, self.reach[self.open as usize]);
        let mut w = lo / 64;
        while w * 64 < hi {
            let mut bits = self.placed[w as usize];
            if w == lo / 64 {
                bits &= u64::MAX << (lo % 64);
            }
            if hi < (w + 1) * 64 {
                bits &= (1u64 << (hi % 64)) - 1;
            }
            while bits != 0 {
                ex.push(w * 64 + bits.trailing_zeros());
                bits &= bits - 1;
            }
            w += 1;
        }
        ex
    }
}

/// Whether sorted `a` is a subset of sorted `b`.
fn subset(a: &[u32], b: &[u32]) -> bool {
    let mut j = 0;
    for &x in a {
        while j < b.len() && b[j] < x {
            j += 1;
        }
        if j == b.len() || b[j] != x {
            return false;
        }
        j += 1;
    }
    true
}

/// Changes no state whatever the state (note 4).
fn read_only(op: &POp) -> bool {
    op.call == PCall::Read || matches!(op.result, PResult::Err(_))
}

enum Placed {
    Yes,
    No,
    /// A forced move led to a configuration explored before (note 4).
    Dead,
}

/// How many operations (in invocation order) were invoked at or before `op` completed.
fn reach(ops: &[POp], op: &POp) -> u32 {
    match op.deadline {
        None => ops.len() as u32,
        Some(d) => ops.partition_point(|o| o.invoke <= d) as u32,
    }
}

fn twins(ops: &[POp]) -> Vec<u32> {
    let mut last: Vec<(u32, super::partition::PCall, u32)> = Vec::new();
    let mut twin = vec![NONE; ops.len()];
    for (i, op) in ops.iter().enumerate() {
        if op.deadline.is_some() {
            continue;
        }
        match last.iter_mut().find(|(k, c, _)| *k == op.key && *c == op.call) {
            Some(entry) => {
                twin[i] = entry.2;
                entry.2 = i as u32;
            }
            None => last.push((op.key, op.call, i as u32)),
        }
    }
    twin
}

/// A fixed, fast hash (the multiply-rotate of Firefox and rustc, with a final mix): the
/// cache's layout, and so the search, is the same on every run and platform.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl FxHasher {
    #[inline]
    fn add(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or([0; 8])));
        }
        for &b in chunks.remainder() {
            self.add(b as u64);
        }
    }
    fn write_u32(&mut self, x: u32) {
        self.add(x as u64);
    }
    fn write_u64(&mut self, x: u64) {
        self.add(x);
    }
    fn write_usize(&mut self, x: usize) {
        self.add(x as u64);
    }
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    }
}
