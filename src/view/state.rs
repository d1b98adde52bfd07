//! The playground's state and its reducer: the UI sends `UiAction`s, `Playground::reduce`
//! answers by changing state. Animation is a `UiAction::Frame` carrying the wall-clock time that
//! passed; the reducer maps it to simulated time by the speed factor (long gaps clamped) and
//! advances the recorded history up to that time.

use crate::protocol::{NodeId, Value};
use crate::scenario::Scenario;
use crate::sim::{Action, At, Config, History, MsgId, NetParams, Scheduled, Tick};

/// Simulated ticks per wall-clock second at speed 1x. A pace a person can follow: a message of
/// the lessons (5 ticks) crosses the stage in 1.1 s, one of the default run (2 to 6 ticks) in
/// 0.9 s at the median (tests/native/pace.rs). It was 8, and flights of 0.5 to 0.6 s were hard to read.
pub const TICKS_PER_SECOND: f64 = 4.5;
/// Slowest and fastest speed factors.
pub const SPEED_MIN: f64 = 0.1;
pub const SPEED_MAX: f64 = 10.0;
/// A frame gap longer than this (a background tab, a debugger pause) counts as this long.
pub const FRAME_GAP_MAX_MS: f64 = 100.0;
/// Most steps a recorded history may hold; playing stops there.
pub const MAX_STEPS: u64 = 200_000;

/// What the inspector shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Selection {
    #[default]
    None,
    Node(NodeId),
    Message(MsgId),
}

#[derive(Clone, Debug, PartialEq)]
pub enum UiAction {
    Play,
    Pause,
    TogglePlay,
    /// Wall-clock milliseconds since the previous frame.
    Frame(f64),
    StepForward,
    StepBack,
    /// Move the cursor to a step (exact past state).
    Seek(u64),
    /// Move the cursor to the last step at or before a time.
    SeekTime(Tick),
    SetSpeed(f64),
    /// Do something to the world now (a fault, a client request, a network change).
    Act(Action),
    Select(Selection),
    /// Start a new world from a scenario.
    Load(Box<Scenario>),
    DismissNotice,
    /// Crash the node if it is up, recover it if it is down.
    ToggleCrash(NodeId),
    /// Show a problem with the person's input (bad value, bad configuration).
    ShowError(String),
    DismissError,
    /// Play on until the cursor reaches this step, then pause there (a lesson's Next).
    PlayTo(u64),
    /// A modal dialog opened (`true`) or closed (`false`): the run holds still while one is
    /// open, and goes on when the last one closes if it was playing when the first opened.
    Dialog(bool),
}

impl UiAction {
    /// Whether this action is the person taking the controls, so the line that says why the
    /// run stopped by itself (`Playground::stopped`) no longer applies.
    fn takes_the_controls(&self) -> bool {
        !matches!(
            self,
            UiAction::Frame(_)
                | UiAction::SetSpeed(_)
                | UiAction::Select(_)
                | UiAction::DismissNotice
                | UiAction::ShowError(_)
                | UiAction::DismissError
                | UiAction::Dialog(_)
        )
    }
}

/// The whole state behind the page.
#[derive(Clone, Debug)]
pub struct Playground {
    /// The scenario the run started from (configuration, seed, authored schedule, captions).
    pub scenario: Scenario,
    pub history: History,
    pub playing: bool,
    pub speed: f64,
    /// The animation clock in ticks: the cursor is the last step at or before it, and messages
    /// in flight are drawn where they are at this time.
    pub clock: f64,
    pub selection: Selection,
    /// A message for the person, e.g. that acting in the past forked a new future.
    pub notice: Option<String>,
    /// A problem with the person's input, shown until dismissed or the next good action.
    pub error: Option<String>,
    /// Bumped whenever the recorded run changes other than by growing (a load or a fork), so
    /// views cached by (epoch, cursor) stay correct.
    pub epoch: u64,
    /// Violations already seen (the run pauses on each new one).
    violations_seen: usize,
    /// Where `PlayTo` pauses.
    pub stop_at: Option<u64>,
    /// Why the run stopped by itself, until the person takes the controls (`view::status`).
    pub stopped: Option<super::status::Stopped>,
    /// Modal dialogs open now, and whether the run was playing when the first one opened.
    pub(super) dialogs_open: u32,
    pub(super) resume_after_dialog: bool,
}

/// The run the page opens with: two proposers, three acceptors and a learner; each proposer's
/// client asks for its own letter (n0 "A" at tick 0, n1 "B" at tick 3), so the two compete for a
/// moment and one value is chosen within a few seconds of animation.
pub fn default_scenario() -> Scenario {
    let propose = |t, n, v| Scheduled { at: At::Tick(t), action: Action::Propose { node: NodeId(n), value: Value(v) } };
    Scenario {
        title: "Two proposers, one value".into(),
        description: "Proposer n0 asks for \"A\" at tick 0 and proposer n1 for \"B\" at tick 3; watch which one \
                      the acceptors choose, then crash, drop and scrub."
            .into(),
        config: Config {
            network: NetParams { latency_ticks_min: 2, latency_ticks_max: 6, ..NetParams::default() },
            ..Config::default()
        },
        seed: 1,
        schedule: vec![propose(0, 0, 0), propose(3, 1, 1)],
        ..Scenario::default()
    }
}

impl Playground {
    pub fn new(scenario: Scenario) -> Playground {
        let history = scenario.history();
        let mut p = Playground {
            scenario,
            history,
            playing: false,
            speed: 1.0,
            clock: 0.0,
            selection: Selection::None,
            notice: None,
            error: None,
            epoch: 0,
            violations_seen: 0,
            stop_at: None,
            stopped: None,
            dialogs_open: 0,
            resume_after_dialog: false,
        };
        if let Some(step) = p.scenario.cursor {
            p.history.extend(step);
            p.seek(step);
        }
        p
    }

    pub fn reduce(&mut self, action: UiAction) {
        if action.takes_the_controls() {
            self.stopped = None;
        }
        let selection_may_go = !matches!(action, UiAction::Select(_));
        match action {
            UiAction::Play => self.play(),
            UiAction::Pause => self.playing = false,
            UiAction::TogglePlay if self.playing => self.playing = false,
            UiAction::TogglePlay => self.play(),
            UiAction::Frame(ms) => self.frame(ms),
            UiAction::StepForward => {
                self.playing = false;
                self.step_forward();
            }
            UiAction::StepBack => {
                self.playing = false;
                self.seek(self.history.cursor().saturating_sub(1));
            }
            UiAction::Seek(step) => {
                self.history.extend(step.saturating_sub(self.history.frontier()).min(MAX_STEPS));
                self.seek(step);
            }
            UiAction::SeekTime(t) => {
                // A time past the recorded run (the diagram's empty future) is computed first.
                self.history.extend_to_time(t, MAX_STEPS.saturating_sub(self.history.frontier()));
                self.history.seek_time(t);
                self.clock = t as f64;
                self.sync_violations();
            }
            UiAction::SetSpeed(s) => self.speed = s.clamp(SPEED_MIN, SPEED_MAX),
            UiAction::Act(action) => self.act(action),
            UiAction::Select(s) => self.selection = s,
            UiAction::Load(scenario) => self.load(*scenario),
            UiAction::DismissNotice => self.notice = None,
            UiAction::ToggleCrash(node) => self.toggle_crash(node),
            UiAction::ShowError(e) => self.error = Some(e),
            UiAction::DismissError => self.error = None,
            UiAction::PlayTo(step) => {
                self.stop_at = Some(step);
                self.playing = self.history.cursor() < step;
            }
            UiAction::Dialog(open) => self.dialog(open),
        }
        if selection_may_go {
            self.follow_selection();
        }
    }

    /// A new world, if the scenario is valid; otherwise the error is shown and the run goes on.
    fn load(&mut self, scenario: Scenario) {
        if let Err(e) = scenario.validate() {
            self.error = Some(format!("Cannot start this world: {e}"));
            return;
        }
        let epoch = self.epoch + 1;
        *self = Playground::new(scenario);
        self.epoch = epoch;
    }

    fn toggle_crash(&mut self, node: NodeId) {
        let Some(slot) = self.history.world().system.nodes.get(node.index()) else {
            self.error = Some(format!("There is no node {node}."));
            return;
        };
        let action = if slot.up { Action::Crash { node } } else { Action::Recover { node } };
        self.act(action);
    }

    fn seek(&mut self, step: u64) {
        self.history.seek(step);
        self.clock = self.history.time() as f64;
        self.sync_violations();
    }

    fn step_forward(&mut self) -> bool {
        if self.history.frontier() >= MAX_STEPS && self.history.cursor() >= self.history.frontier() {
            return false;
        }
        let moved = self.history.forward();
        if moved {
            self.clock = self.history.time() as f64;
            self.check_new_violations();
            if self.stop_at.is_some_and(|s| self.history.cursor() >= s) {
                self.stop_at = None;
                if self.playing {
                    self.playing = false;
                    self.stop_at_caption();
                }
            }
        }
        moved
    }

    /// Advances the animation clock and the cursor with it.
    fn frame(&mut self, wall_ms: f64) {
        if !self.playing {
            return;
        }
        let dt = wall_ms.clamp(0.0, FRAME_GAP_MAX_MS) / 1000.0;
        let target = self.clock + dt * TICKS_PER_SECOND * self.speed;
        loop {
            match self.history.next_time() {
                Some(t) if (t as f64) <= target => {
                    if !self.step_forward() {
                        self.playing = false;
                        self.stopped = Some(super::status::Stopped::Limit);
                        return;
                    }
                    if !self.playing {
                        return; // paused on a violation, or where Next was going
                    }
                    if self.stop_at_caption() {
                        return; // Play in a narrated run stops at each caption
                    }
                }
                Some(_) => break,
                None => {
                    // Nothing left to happen: the run is over.
                    self.playing = false;
                    self.stopped = Some(super::status::Stopped::End);
                    return;
                }
            }
        }
        self.clock = target;
    }

    /// Plays; at the end of the run (nothing left to happen), plays it again from the start, as
    /// a video's Play does, instead of stopping at once.
    fn play(&mut self) {
        if self.history.next_time().is_none() {
            self.seek(0);
        }
        self.playing = true;
    }

    fn act(&mut self, action: Action) {
        let at = self.history.cursor();
        self.epoch += 1;
        if self.history.act(action) {
            self.notice = Some(format!(
                "You acted in the past: the recorded future after step {at} was discarded and a new one begins here."
            ));
        }
        self.clock = self.clock.max(self.history.time() as f64);
        self.check_new_violations();
    }

    /// Pauses on the first step that shows a violation not seen before, and says so when it
    /// stopped a run that was playing.
    fn check_new_violations(&mut self) {
        let violations = &self.history.world().system.violations;
        let count = violations.len();
        if count > self.violations_seen {
            if self.playing {
                let invariant = violations[self.violations_seen].invariant;
                self.stopped = Some(super::status::Stopped::Violation { invariant, step: self.history.cursor() });
            }
            self.playing = false;
        }
        self.violations_seen = count;
    }

    fn sync_violations(&mut self) {
        self.violations_seen = self.history.world().system.violations.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{NodeId, Value};
    use crate::sim::{At, Scheduled};

    fn two_proposers() -> Scenario {
        let propose =
            |t, n, v| Scheduled { at: At::Tick(t), action: Action::Propose { node: NodeId(n), value: Value(v) } };
        Scenario { schedule: vec![propose(0, 0, 0), propose(2, 1, 1)], ..Scenario::default() }
    }

    #[test]
    fn playing_advances_the_cursor_with_the_clock_and_stops_at_the_end() {
        let mut p = Playground::new(two_proposers());
        p.reduce(UiAction::Play);
        p.reduce(UiAction::Frame(16.0));
        assert!(p.history.cursor() >= 1, "the tick-0 proposal happens on the first frame");
        let mut frames = 0;
        while p.playing && frames < 100_000 {
            p.reduce(UiAction::Frame(50.0));
            frames += 1;
        }
        assert!(!p.playing, "the run ends");
        assert!(p.history.world().chosen().is_some());
        assert!(p.clock >= p.history.time() as f64);
    }

    #[test]
    fn play_at_the_end_plays_the_run_again_from_the_start() {
        let mut p = Playground::new(two_proposers());
        p.reduce(UiAction::Play);
        while p.playing {
            p.reduce(UiAction::Frame(50.0));
        }
        let end = p.history.cursor();
        assert!(end > 2);
        for action in [UiAction::Play, UiAction::TogglePlay] {
            p.reduce(UiAction::Pause);
            p.reduce(UiAction::Seek(end));
            p.reduce(action.clone());
            assert!(p.playing, "{action:?} at the end plays");
            assert_eq!(p.history.cursor(), 0, "{action:?} at the end starts over");
            p.reduce(UiAction::Frame(16.0));
            assert!(p.playing && p.history.cursor() >= 1, "{action:?}: and the run moves");
        }
        // Anywhere else, Play goes on from where the run stands.
        p.reduce(UiAction::Seek(2));
        p.reduce(UiAction::Play);
        assert_eq!(p.history.cursor(), 2);
        p.reduce(UiAction::TogglePlay);
        assert!(!p.playing);
    }

    #[test]
    fn long_frame_gaps_are_clamped() {
        let mut p = Playground::new(two_proposers());
        p.reduce(UiAction::Play);
        p.reduce(UiAction::Frame(60_000.0));
        assert!(p.clock <= FRAME_GAP_MAX_MS / 1000.0 * TICKS_PER_SECOND + 1e-9);
    }

    #[test]
    fn step_back_restores_the_exact_past_and_acting_there_forks() {
        let mut p = Playground::new(two_proposers());
        for _ in 0..12 {
            p.reduce(UiAction::StepForward);
        }
        let at_12 = p.history.world().system.nodes.clone();
        p.reduce(UiAction::StepForward);
        p.reduce(UiAction::StepBack);
        assert_eq!(p.history.cursor(), 12);
        assert_eq!(p.history.world().system.nodes, at_12);
        p.reduce(UiAction::Act(Action::Crash { node: NodeId(2) }));
        assert!(p.notice.as_deref().unwrap_or("").contains("step 12"));
        assert_eq!(p.history.frontier(), 13);
        assert!(!p.history.world().slot(NodeId(2)).up);
    }

    #[test]
    fn speed_is_clamped() {
        let mut p = Playground::new(Scenario::default());
        p.reduce(UiAction::SetSpeed(100.0));
        assert_eq!(p.speed, SPEED_MAX);
        p.reduce(UiAction::SetSpeed(0.0));
        assert_eq!(p.speed, SPEED_MIN);
    }

    #[test]
    fn the_default_scenario_chooses_a_value_within_a_few_seconds_of_animation() {
        let mut p = Playground::new(default_scenario());
        assert_eq!(p.scenario.validate(), Ok(()));
        p.reduce(UiAction::Play);
        let mut frames = 0;
        while p.history.world().chosen().is_none() && frames < 10_000 {
            p.reduce(UiAction::Frame(1000.0 / 60.0));
            frames += 1;
        }
        assert!(frames < 60 * 5, "chosen after {frames} frames at 60 fps");
        // Nothing can be chosen before three message delays (Prepare, Promise, Accept) of at
        // least 2 ticks each: 6 ticks, 80 frames at 4.5 ticks a second.
        assert!(frames as f64 >= 6.0 / TICKS_PER_SECOND * 60.0, "chosen after only {frames} frames");
        assert!(matches!(p.history.world().chosen(), Some(Value(0 | 1))), "a value a client asked for");
        // The frame stops at the step that chose it: the Accepted replies that report the choice
        // are still on their way, so the person sees them arrive.
        assert!(p.history.world().in_flight_count() > 0);
        assert_eq!(p.history.world().system.cluster.proposers.len(), 2);
    }

    #[test]
    fn an_invalid_scenario_is_refused_with_an_error_and_the_run_goes_on() {
        let mut p = Playground::new(default_scenario());
        p.reduce(UiAction::StepForward);
        let mut bad = default_scenario();
        bad.config.network.latency_ticks_min = 0;
        p.reduce(UiAction::Load(Box::new(bad)));
        assert!(p.error.as_deref().unwrap_or("").contains("latency"));
        assert_eq!(p.history.cursor(), 1, "the old run stays");
        p.reduce(UiAction::DismissError);
        assert_eq!(p.error, None);
        let epoch = p.epoch;
        p.reduce(UiAction::Load(Box::new(Scenario { seed: 9, ..default_scenario() })));
        assert_eq!((p.history.cursor(), p.scenario.seed), (0, 9));
        assert!(p.epoch > epoch, "a new world is a new epoch");
    }

    #[test]
    fn toggle_crash_crashes_then_recovers_and_refuses_unknown_nodes() {
        let mut p = Playground::new(default_scenario());
        p.reduce(UiAction::ToggleCrash(NodeId(3)));
        assert!(!p.history.world().slot(NodeId(3)).up);
        p.reduce(UiAction::ToggleCrash(NodeId(3)));
        assert!(p.history.world().slot(NodeId(3)).up);
        p.reduce(UiAction::ToggleCrash(NodeId(99)));
        assert!(p.error.as_deref().unwrap_or("").contains("n99"));
    }

    #[test]
    fn seeking_a_time_past_the_recorded_run_computes_it_first() {
        let mut p = Playground::new(default_scenario());
        assert_eq!(p.history.frontier(), 0);
        p.reduce(UiAction::SeekTime(12));
        let t = p.history.time();
        assert!(p.history.frontier() > 0, "steps up to t=12 were computed");
        assert!(t <= 12 && t > 0, "the cursor is at the last step at or before t=12, not at {t}");
        assert!(p.history.next_time().is_some_and(|next| next > 12), "and no step at or before t=12 is left");
    }
}
