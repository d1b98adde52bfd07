//! The parallel depth-first search (native, `jobs > 1`): a stack per thread, one shared visited
//! set, work handed to a thread that runs dry, and an exact end.
//!
//! Why depth-first: on this machine's two cores the breadth-first search is bound by memory
//! traffic the cores share (two independent one-thread runs together do only 1.0-1.15x the work
//! of one), while depth-first works on the states it just made, in cache, and scales.
//!
//! A slice (`advance_dfs_parallel`) runs every thread until one of these stops them all:
//! - the slice's budget of states is spent (the caller prints progress, answers a Cancel and
//!   checks the limits between slices, as with one thread);
//! - the visited set is nearly 3/4 full: it grows between slices (shared inserts never move it),
//!   or the states found reach the state limit;
//! - a thread found a violation or the goal;
//! - every thread is dry at once: the search is complete.
//!
//! Asking for work, and the exact end. A dry thread raises its `hungry` flag and counts itself
//! in `idle`. A busy thread that sees someone hungry (one relaxed load a state) claims that
//! thread by clearing its flag (a compare-and-swap, so two givers never both claim it), counts
//! it out of `idle` on its behalf, and only then puts the bottom half of its own stack into the
//! hungry thread's mailbox. So a thread holding or about to receive work is never counted idle,
//! and `idle == jobs` means that no thread is busy, no stack holds a state and no mailbox is
//! about to: the search is over. Between slices, whatever is in a mailbox joins its owner's
//! stack.

use super::{expand, Candidate, Ending, Entry, Found, Options, Scratch, Search, Shared};
use crate::check::model::Model;
use crate::check::visited::{Recent, Visited};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering::*};
use std::sync::Mutex;

/// Why the threads stopped (`Control::stop`).
const RUNNING: u8 = 0;
const SLICE_DONE: u8 = 1;
const FULL: u8 = 2;
const COMPLETE: u8 = 3;
const FOUND: u8 = 4;

/// Inserts a slice may make past the room it was given before the threads notice and stop: each
/// thread's unreported wins (fewer than `REPORT`) and one state's successors. Far more than that.
const SLACK: usize = 1 << 14;
/// Room the visited set has at the start of every slice (so a slice does some work).
const MIN_ROOM: usize = 1 << 16;
/// A thread reports its wins to `Control::inserted` in batches of this many.
const REPORT: usize = 64;
/// A thread takes states from the slice's budget this many at a time.
const CLAIM: usize = 64;

/// A value alone on its cache line, so that threads writing one do not slow reads of another.
#[repr(align(128))]
#[derive(Default)]
struct Line<T>(T);

/// One thread's mailbox: whether it is dry and waiting, and the work handed to it.
#[derive(Default)]
struct Mailbox {
    hungry: AtomicBool,
    work: Mutex<Vec<Entry>>,
}

/// What the threads share during a slice.
struct Control {
    stop: Line<AtomicU8>,
    /// States left in the slice's budget.
    budget: Line<AtomicUsize>,
    /// Shared inserts reported so far, and how many stop the slice (`FULL`).
    inserted: Line<AtomicUsize>,
    limit: usize,
    /// Threads dry and not yet given work; how many of them wait for a giver.
    idle: Line<AtomicUsize>,
    hungry: Line<AtomicUsize>,
    mailboxes: Vec<Line<Mailbox>>,
}

impl Control {
    fn stop(&self, why: u8) {
        let _ = self.stop.0.compare_exchange(RUNNING, why, AcqRel, Relaxed);
    }

    fn running(&self) -> bool {
        self.stop.0.load(Relaxed) == RUNNING
    }
}

/// What one thread did in a slice.
#[derive(Default)]
struct Outcome {
    expanded: u64,
    unique: u64,
    generated: u64,
    stuck: u64,
    depth: u32,
    found: Found,
}

impl Search {
    /// One slice of the parallel depth-first search: at most `budget` states expanded in all.
    pub(super) fn advance_dfs_parallel(&mut self, budget: usize) {
        let jobs = self.scratch.len();
        if self.stacks.is_empty() {
            self.stacks = (0..jobs).map(|_| Vec::new()).collect();
            self.stacks[0] = std::mem::take(&mut self.frontier);
            self.recents = (0..jobs).map(|_| Recent::default()).collect();
            self.expanded_per_thread = vec![0; jobs];
        }
        if self.stacks.iter().all(Vec::is_empty) {
            self.ending = Some(Ending::Complete);
            return;
        }
        self.visited.reserve(MIN_ROOM);
        let control = Control {
            stop: Line(AtomicU8::new(RUNNING)),
            budget: Line(AtomicUsize::new(budget.max(1))),
            inserted: Line(AtomicUsize::new(0)),
            // (The state limit stops the slice too, so a search ends close to it.)
            limit: (self.visited.room() - SLACK)
                .min(self.options.max_states.saturating_sub(self.counts.unique).max(1) as usize),
            idle: Line(AtomicUsize::new(0)),
            hungry: Line(AtomicUsize::new(0)),
            mailboxes: (0..jobs).map(|_| Line::default()).collect(),
        };
        let mut outcomes: Vec<Outcome> = (0..jobs).map(|_| Outcome::default()).collect();
        let Some(pool) = &self.pool else { return };
        let (model, options, visited, shared) = (&self.model, &self.options, &self.visited, &control);
        pool.scope(|scope| {
            let threads = self.stacks.iter_mut().zip(&mut self.scratch).zip(&mut self.recents).zip(&mut outcomes);
            for (me, (((stack, scratch), recent), out)) in threads.enumerate() {
                scope.spawn(move |_| {
                    let mut worker =
                        Worker { me, model, options, visited, control: shared, stack, scratch, recent, out };
                    worker.run();
                });
            }
        });
        let Control { stop, mailboxes, .. } = control;
        for (stack, mailbox) in self.stacks.iter_mut().zip(mailboxes) {
            stack.append(&mut mailbox.0.work.into_inner().unwrap_or_else(|e| e.into_inner()));
        }
        // Merge what the threads did, in thread order.
        let mut added = 0;
        for (t, out) in outcomes.into_iter().enumerate() {
            self.expanded_per_thread[t] += out.expanded;
            added += out.unique as usize;
            self.counts.unique += out.unique;
            self.counts.generated += out.generated;
            self.counts.stuck += out.stuck;
            self.counts.depth = self.counts.depth.max(out.depth);
            let found = &mut self.found;
            for (mine, theirs) in [
                (&mut found.violation, out.found.violation),
                (&mut found.goal, out.found.goal),
                (&mut found.chosen, out.found.chosen),
                (&mut found.stuck, out.found.stuck),
            ] {
                if mine.is_none() {
                    *mine = theirs;
                }
            }
        }
        self.visited.added(added);
        // A violation found by any thread ends the search, whatever stopped the others first.
        if self.found.violation.is_some() {
            self.ending = Some(Ending::Violation);
        } else if self.found.goal.is_some() {
            self.ending = Some(Ending::Goal);
        } else if stop.0.into_inner() == COMPLETE {
            self.ending = Some(Ending::Complete);
        }
    }
}

/// One thread of a slice.
struct Worker<'a> {
    me: usize,
    model: &'a Model,
    options: &'a Options,
    visited: &'a Visited,
    control: &'a Control,
    stack: &'a mut Vec<Entry>,
    scratch: &'a mut Scratch,
    recent: &'a mut Recent,
    out: &'a mut Outcome,
}

impl Worker<'_> {
    fn run(&mut self) {
        let mut candidates: Vec<Candidate> = std::mem::take(&mut self.scratch.candidates);
        let mut admitted: Vec<Entry> = std::mem::take(&mut self.scratch.admitted);
        let mut claimed = 0;
        let mut unreported = 0;
        while self.control.running() {
            if self.stack.is_empty() {
                if !self.wait_for_work() {
                    break;
                }
                continue;
            }
            if claimed == 0 {
                claimed = claim(&self.control.budget.0);
                if claimed == 0 {
                    self.control.stop(SLICE_DONE);
                    break;
                }
            }
            claimed -= 1;
            let Some(entry) = self.stack.pop() else { continue };
            self.out.expanded += 1;
            let lookup = Shared { visited: self.visited, recent: self.recent };
            let (generated, stuck) = expand(&entry, self.model, self.options, &lookup, self.scratch, &mut candidates);
            self.out.generated += generated;
            if stuck {
                self.out.stuck += 1;
                self.out.found.stuck.get_or_insert(entry.fp);
            }
            let mut found = false;
            let mut drain = candidates.drain(..);
            for c in drain.by_ref() {
                if !self.visited.insert_shared(c.fp, c.parent) {
                    self.scratch.recycle(c.state);
                    continue;
                }
                self.recent.note(c.fp);
                self.out.unique += 1;
                unreported += 1;
                self.out.depth = self.out.depth.max(c.depth);
                if c.violated {
                    self.out.found.violation = Some(c.fp);
                    found = true;
                    break;
                }
                if self.out.found.chosen.is_none() && c.chosen {
                    self.out.found.chosen = Some(c.fp);
                }
                if c.goal {
                    self.out.found.goal = Some(c.fp);
                    found = true;
                    break;
                }
                if self.model.bounds.depth.is_none_or(|d| c.depth < d) {
                    admitted.push(Entry { state: c.state, fp: c.fp, depth: c.depth });
                } else {
                    self.scratch.recycle(c.state);
                }
            }
            for c in drain {
                self.scratch.recycle(c.state);
            }
            self.scratch.recycle(entry.state);
            // Onto the stack in reverse, so the first step's successor is expanded first.
            while let Some(e) = admitted.pop() {
                self.stack.push(e);
            }
            if found {
                self.control.stop(FOUND);
                break;
            }
            if unreported >= REPORT {
                let total = self.control.inserted.0.fetch_add(unreported, Relaxed) + unreported;
                unreported = 0;
                if total >= self.control.limit {
                    self.control.stop(FULL);
                }
            }
            if self.control.hungry.0.load(Relaxed) > 0 && self.stack.len() >= 2 {
                self.share();
            }
        }
        // Give back unused claims, so a thread that stopped early leaves them to the others.
        self.control.budget.0.fetch_add(claimed, Relaxed);
        self.scratch.candidates = candidates;
        self.scratch.admitted = admitted;
    }

    /// Hands the bottom half of this thread's stack to each thread waiting for work, while it
    /// has at least two states.
    fn share(&mut self) {
        let control = self.control;
        for (t, mailbox) in control.mailboxes.iter().enumerate() {
            if t == self.me || self.stack.len() < 2 {
                continue;
            }
            let mailbox = &mailbox.0;
            if mailbox.hungry.compare_exchange(true, false, AcqRel, Relaxed).is_err() {
                continue;
            }
            // Claimed: counted busy before the work is in the mailbox (see the module's note).
            control.hungry.0.fetch_sub(1, AcqRel);
            control.idle.0.fetch_sub(1, AcqRel);
            let half = self.stack.len() / 2;
            let mut work = mailbox.work.lock().unwrap_or_else(|e| e.into_inner());
            work.extend(self.stack.drain(..half));
        }
    }

    /// Waits, dry, until another thread hands over work (true) or the slice or the search ends
    /// (false; if every thread is dry at once, this one says the search is complete).
    fn wait_for_work(&mut self) -> bool {
        let control = self.control;
        let jobs = control.mailboxes.len();
        let mailbox = &control.mailboxes[self.me].0;
        mailbox.hungry.store(true, Release);
        control.hungry.0.fetch_add(1, AcqRel);
        if control.idle.0.fetch_add(1, AcqRel) + 1 == jobs {
            control.stop(COMPLETE);
        }
        let mut spins = 0u32;
        loop {
            if !mailbox.hungry.load(Acquire) {
                // A giver claimed this thread: its work is (or is about to be) in the mailbox.
                let mut work = mailbox.work.lock().unwrap_or_else(|e| e.into_inner());
                if !work.is_empty() {
                    self.stack.append(&mut work);
                    return true;
                }
            } else if !control.running() {
                return false;
            } else if control.idle.0.load(Acquire) == jobs {
                control.stop(COMPLETE);
                return false;
            }
            spins += 1;
            if spins < 64 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
    }
}

/// Takes up to `CLAIM` states from the slice's budget; 0 when it is spent.
fn claim(budget: &AtomicUsize) -> usize {
    let mut left = budget.load(Relaxed);
    loop {
        if left == 0 {
            return 0;
        }
        let take = left.min(CLAIM);
        match budget.compare_exchange_weak(left, left - take, Relaxed, Relaxed) {
            Ok(_) => return take,
            Err(now) => left = now,
        }
    }
}
