//! Time travel. A `History` records the trace of a run and keeps a snapshot of the world every
//! `SNAPSHOT_EVERY` steps, so seeking to any step restores the snapshot before it and replays
//! at most that many steps. Acting in the past forks: the future after the cursor is discarded
//! and the action is recorded in the schedule at the cursor's step, so the new run replays.

use super::action::{Action, At, Schedule, Scheduled};
use super::config::Config;
use super::event::{trace_hash, Event, Tick};
use super::world::World;

/// Steps between snapshots. Replaying 64 steps takes microseconds; a snapshot of a 9-node
/// world is about 13 KB (8 KB of it the event queue's timing wheel), up to about 30 KB with
/// 200 messages in flight, so a 10,000-step history keeps about 160 of them: 2 to 5 MB.
pub const SNAPSHOT_EVERY: u64 = 64;

#[derive(Clone, Debug)]
pub struct History {
    pub schedule: Schedule,
    /// `snapshots[i]` is the world after `i * SNAPSHOT_EVERY` steps.
    snapshots: Vec<World>,
    /// Every event of the recorded run, in order (the run up to the frontier).
    pub trace: Vec<Event>,
    /// The world at the frontier: the last step computed.
    head: World,
    /// The world at the cursor, when the cursor is behind the frontier.
    view: Option<World>,
}

/// One step of a stretch that is replayed (its events are in the trace already). Natively with
/// no sink at all; in the page's wasm into a scratch list that is dropped, so that the world and
/// the protocol are compiled once, for the recording sink, instead of twice (the second copy
/// cost the page's first load about 4 KB gzip; a seek replays at most 63 steps).
fn replay_step(world: &mut World, schedule: &Schedule) -> bool {
    #[cfg(target_arch = "wasm32")]
    return world.step(schedule, &mut Vec::new());
    #[cfg(not(target_arch = "wasm32"))]
    return world.step(schedule, &mut ());
}

impl History {
    pub fn new(config: &Config, seed: u64, schedule: &[Scheduled]) -> History {
        let head = World::new(config, seed);
        History {
            schedule: Schedule::new(schedule),
            snapshots: vec![head.clone()],
            trace: Vec::new(),
            head,
            view: None,
        }
    }

    /// The world at the cursor.
    pub fn world(&self) -> &World {
        self.view.as_ref().unwrap_or(&self.head)
    }

    /// The step the cursor is at (steps done).
    pub fn cursor(&self) -> u64 {
        self.world().steps
    }

    /// How many steps are recorded.
    pub fn frontier(&self) -> u64 {
        self.head.steps
    }

    /// Whether the run can go on past the frontier.
    pub fn can_extend(&mut self) -> bool {
        self.head.has_work(&self.schedule)
    }

    /// Moves the cursor one step forward, computing a new step at the frontier. False at the
    /// end of the run.
    pub fn forward(&mut self) -> bool {
        if let Some(view) = &mut self.view {
            let moved = replay_step(view, &self.schedule);
            if view.steps >= self.head.steps {
                self.view = None;
            }
            return moved;
        }
        self.extend_one()
    }

    fn extend_one(&mut self) -> bool {
        if !self.head.step(&self.schedule, &mut self.trace) {
            return false;
        }
        if self.head.steps.is_multiple_of(SNAPSHOT_EVERY) {
            self.snapshots.push(self.head.clone());
        }
        true
    }

    /// Computes up to `steps` more steps at the frontier without moving a cursor that is
    /// behind it. Returns how many were computed.
    pub fn extend(&mut self, steps: u64) -> u64 {
        self.extend_while(steps, |_| true)
    }

    /// Computes steps at the frontier up to time `t` (at most `steps` of them), without moving
    /// the cursor: what seeking to a time beyond the recorded run needs first.
    pub fn extend_to_time(&mut self, t: Tick, steps: u64) -> u64 {
        self.extend_while(steps, |h| h.head.next_time(&h.schedule).is_some_and(|next| next <= t))
    }

    fn extend_while(&mut self, steps: u64, mut more: impl FnMut(&mut History) -> bool) -> u64 {
        let behind = self.view.is_some() || steps == 0;
        let at = self.cursor();
        let mut done = 0;
        while done < steps && more(self) && self.extend_one() {
            done += 1;
        }
        if !behind && done > 0 {
            // The cursor was at the frontier and stays where it was.
            self.seek(at);
        }
        done
    }

    /// Moves the cursor to `step` (clamped to the frontier) with the exact past state.
    pub fn seek(&mut self, step: u64) {
        let step = step.min(self.head.steps);
        if step == self.head.steps {
            self.view = None;
            return;
        }
        if let Some(view) = &mut self.view {
            if view.steps <= step && step - view.steps < SNAPSHOT_EVERY {
                while view.steps < step && replay_step(view, &self.schedule) {}
                return;
            }
        }
        self.view = Some(self.world_at(step));
    }

    /// The world after `step` steps (clamped to the frontier), rebuilt from the snapshot before
    /// it without moving the cursor: for views that compare two moments (what a step changed).
    pub fn world_at(&self, step: u64) -> World {
        let step = step.min(self.head.steps);
        let index = (step / SNAPSHOT_EVERY) as usize;
        let mut world = self.snapshots[index.min(self.snapshots.len() - 1)].clone();
        while world.steps < step && replay_step(&mut world, &self.schedule) {}
        world
    }

    /// Moves the cursor to the last step at or before time `t`.
    pub fn seek_time(&mut self, t: Tick) {
        let i = self.trace.partition_point(|e| e.time <= t);
        let step = if i == 0 { 0 } else { self.trace[i - 1].step + 1 };
        self.seek(step);
    }

    /// Does `action` now, at the cursor. Behind the frontier this forks: the recorded future
    /// (and any action recorded in it) is discarded first. Returns whether it forked.
    pub fn act(&mut self, action: Action) -> bool {
        let at = self.cursor();
        let forked = self.view.is_some();
        if let Some(view) = self.view.take() {
            self.head = view;
            let keep = self.trace.partition_point(|e| e.step < at);
            self.trace.truncate(keep);
            self.snapshots.truncate((at / SNAPSHOT_EVERY) as usize + 1);
        }
        self.schedule.truncate_steps(at);
        self.schedule.push(Scheduled { at: At::Step(at), action });
        self.forward();
        forked
    }

    /// The events of step `step`.
    pub fn events_of(&self, step: u64) -> &[Event] {
        let start = self.trace.partition_point(|e| e.step < step);
        let end = self.trace.partition_point(|e| e.step <= step);
        &self.trace[start..end]
    }

    /// The events up to the cursor.
    pub fn past(&self) -> &[Event] {
        let end = self.trace.partition_point(|e| e.step < self.cursor());
        &self.trace[..end]
    }

    /// The time of the step at the cursor (the last step done), or 0 at the start.
    pub fn time(&self) -> Tick {
        self.world().now
    }

    /// The time of the step after the cursor, if any (computing it at the frontier if needed).
    pub fn next_time(&mut self) -> Option<Tick> {
        match &mut self.view {
            Some(view) => view.next_time(&self.schedule),
            None => self.head.next_time(&self.schedule),
        }
    }

    /// The hash of the recorded trace up to the frontier.
    pub fn trace_hash(&self) -> u64 {
        trace_hash(&self.trace)
    }
}
