//! Why the run is not moving: the line the page shows (an `aria-live` status) when playback
//! stopped by itself, so a pause is never a mystery: a new violation, a caption reached (Play in
//! a narrated run stops at each caption, and Next plays on to the next one), the end of the run,
//! the step limit, or a dialog holding the run still. Also the reducer's parts that decide those
//! stops, and the selection following a message that left the network.

use super::lesson::caption_view;
use super::state::{Playground, Selection};
use crate::sim::{EventKind, Invariant, MsgId};

/// Why the run stopped by itself. Cleared when the person takes the controls again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stopped {
    /// Paused on the step (as the clock counts it) where this invariant first broke.
    Violation { invariant: Invariant, step: u64 },
    /// Paused at a caption of a narrated run (its 0-based index).
    Caption(usize),
    /// Nothing is left to happen: no message in flight, no timer armed, no scheduled action.
    End,
    /// The recorded run reached the most steps the page keeps.
    Limit,
    /// A dialog is open; the run goes on when it closes.
    Dialog,
}

/// The status line at the cursor, or `None` when there is nothing to explain (playing, or
/// paused by the person).
pub fn status_line(p: &Playground) -> Option<String> {
    let total = p.scenario.captions.len();
    let line = match p.stopped? {
        Stopped::Violation { invariant, step } => {
            let go_on = if total > 0 { "Next or Play goes on" } else { "Play goes on" };
            format!(
                "Paused at step {step}: {} is violated. {go_on}.",
                invariant.single_decree_name().unwrap_or_default()
            )
        }
        Stopped::Caption(index) if index + 1 == total => {
            format!("Paused at the last caption ({total} of {total}): the story is told, the controls are yours.")
        }
        Stopped::Caption(index) => {
            format!("Paused at caption {} of {total}: read it, then press Next (or Play) to go on.", index + 1)
        }
        Stopped::End => "The run is over: no message is in flight and no timer is armed.".to_string(),
        Stopped::Limit => format!("Stopped: the page records at most {} steps.", super::state::MAX_STEPS),
        Stopped::Dialog => "Paused while the dialog is open; the run goes on when it closes.".to_string(),
    };
    Some(line)
}

impl Playground {
    /// Play in a narrated run stops at each caption's step, so captions that share a tick
    /// (several steps in one animation frame) are each read. Returns whether it stopped.
    pub(super) fn stop_at_caption(&mut self) -> bool {
        let cursor = self.history.cursor();
        let Some(view) = caption_view(&self.scenario, cursor) else { return false };
        let Some(index) = view.index.filter(|&i| i > 0 && self.scenario.captions[i].step == cursor) else {
            return false;
        };
        self.playing = false;
        self.stop_at = None;
        self.stopped = Some(Stopped::Caption(index));
        true
    }

    /// A dialog opened or closed: the run holds still behind an open one, and plays on when the
    /// last closes if it was playing when the first opened (a dialog that loaded a new run,
    /// such as a lesson or an import, leaves that run paused: `load` starts afresh).
    pub(super) fn dialog(&mut self, open: bool) {
        if open {
            self.dialogs_open += 1;
            if self.playing {
                self.playing = false;
                self.resume_after_dialog = true;
                self.stopped = Some(Stopped::Dialog);
            }
            return;
        }
        self.dialogs_open = self.dialogs_open.saturating_sub(1);
        if self.dialogs_open == 0 {
            if self.resume_after_dialog {
                self.playing = true;
            }
            self.resume_after_dialog = false;
            if self.stopped == Some(Stopped::Dialog) {
                self.stopped = None;
            }
        }
    }

    /// A selected message that is no longer in flight at the cursor hands the selection to
    /// where it went: the node it was delivered to, or nothing when it was dropped or is not
    /// sent yet. The selection bar never describes a message that is gone.
    pub(super) fn follow_selection(&mut self) {
        let Selection::Message(id) = self.selection else { return };
        let world = self.history.world();
        if world.in_flight().iter().any(|m| m.id == id) {
            return;
        }
        self.selection = delivered_to(self, id).map_or(Selection::None, Selection::Node);
    }
}

/// The node message `id` was delivered to, if it was delivered before the cursor.
fn delivered_to(p: &Playground, id: MsgId) -> Option<crate::protocol::NodeId> {
    p.history.past().iter().rev().find_map(|e| match e.kind {
        EventKind::Deliver { id: d, to, .. } if d == id => Some(to),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::lessons::by_slug;
    use crate::view::state::default_scenario;
    use crate::view::UiAction;

    /// Plays with 50 ms frames until the run pauses (or a frame limit).
    fn play_until_paused(p: &mut Playground) {
        let mut frames = 0;
        while p.playing && frames < 20_000 {
            p.reduce(UiAction::Frame(50.0));
            frames += 1;
        }
    }

    /// Issue 11: Play in the happy path skipped captions 3, 6 and 8 (they share a tick with the
    /// caption before or after). Play now stops at every caption, in order, and says so.
    #[test]
    fn play_in_a_lesson_stops_at_every_caption_and_says_why() {
        let lesson = by_slug("happy-path").unwrap();
        let total = lesson.scenario.captions.len();
        let mut p = Playground::new(lesson.scenario.clone());
        let mut seen = vec![caption_view(&p.scenario, 0).unwrap().index.unwrap()];
        for _ in 1..total {
            p.reduce(UiAction::Play);
            assert_eq!(p.stopped, None, "Play clears the status line");
            play_until_paused(&mut p);
            let view = caption_view(&p.scenario, p.history.cursor()).unwrap();
            let index = view.index.unwrap();
            assert_eq!(p.history.cursor(), lesson.scenario.captions[index].step, "stopped exactly at the caption");
            assert_eq!(p.stopped, Some(Stopped::Caption(index)));
            let line = status_line(&p).unwrap();
            assert!(line.contains(&format!("{} of {total}", index + 1)), "{line}");
            seen.push(index);
        }
        assert_eq!(seen, (0..total).collect::<Vec<_>>(), "every caption, in order, none skipped");
        // The last caption is where the run ends: Play there tells the lesson again from its start.
        assert_eq!(lesson.scenario.captions[total - 1].step, p.history.cursor());
        p.reduce(UiAction::Play);
        assert_eq!(p.history.cursor(), 0);
        play_until_paused(&mut p);
        assert_eq!(p.stopped, Some(Stopped::Caption(1)));
    }

    #[test]
    fn a_run_that_ends_says_so() {
        let mut p = Playground::new(default_scenario());
        p.reduce(UiAction::Play);
        play_until_paused(&mut p);
        assert_eq!(p.stopped, Some(Stopped::End));
        assert!(status_line(&p).unwrap().starts_with("The run is over"));
    }

    /// Next in the forgetful-acceptor lesson can stop short of the next caption on a violation
    /// that has no caption of its own; the status line then says so (never a silent stop).
    #[test]
    fn a_violation_pause_on_the_way_to_the_next_caption_is_explained() {
        let lesson = by_slug("forgetful-acceptor").unwrap();
        let mut p = Playground::new(lesson.scenario.clone());
        let mut explained_short_stop = false;
        while let Some(next) = caption_view(&p.scenario, p.history.cursor()).unwrap().next {
            let before = caption_view(&p.scenario, p.history.cursor()).unwrap().index;
            p.reduce(UiAction::PlayTo(next));
            play_until_paused(&mut p);
            let after = caption_view(&p.scenario, p.history.cursor()).unwrap().index;
            let line = status_line(&p).expect("every stop says why");
            if after == before {
                explained_short_stop = true;
                assert!(matches!(p.stopped, Some(Stopped::Violation { .. })), "{:?}", p.stopped);
                assert!(line.contains("violated") && line.contains(&p.history.cursor().to_string()), "{line}");
            }
        }
        assert!(explained_short_stop, "chosen value stable breaks between two captions");
    }

    #[test]
    fn the_person_taking_the_controls_clears_the_line() {
        let mut p = Playground::new(by_slug("happy-path").unwrap().scenario);
        p.reduce(UiAction::Play);
        play_until_paused(&mut p);
        assert!(status_line(&p).is_some());
        p.reduce(UiAction::SetSpeed(2.0));
        assert!(status_line(&p).is_some(), "changing the speed explains nothing away");
        p.reduce(UiAction::StepBack);
        assert_eq!(status_line(&p), None);
    }

    /// The run holds still while a dialog is open and plays on when the last one closes, if it
    /// was playing; a paused run stays paused.
    #[test]
    fn a_dialog_holds_the_run_and_closing_it_resumes_what_was_playing() {
        let mut p = Playground::new(default_scenario());
        p.reduce(UiAction::Play);
        p.reduce(UiAction::Frame(50.0));
        p.reduce(UiAction::Dialog(true));
        p.reduce(UiAction::Dialog(true));
        let (cursor, clock) = (p.history.cursor(), p.clock);
        for _ in 0..100 {
            p.reduce(UiAction::Frame(50.0));
        }
        assert_eq!((p.playing, p.history.cursor(), p.clock), (false, cursor, clock), "nothing moves behind it");
        assert!(status_line(&p).unwrap().contains("dialog"));
        p.reduce(UiAction::Dialog(false));
        assert!(!p.playing, "one dialog is still open");
        p.reduce(UiAction::Dialog(false));
        assert!(p.playing, "playing again once the last dialog closed");
        assert_eq!(status_line(&p), None);
        p.reduce(UiAction::Pause);
        p.reduce(UiAction::Dialog(true));
        p.reduce(UiAction::Dialog(false));
        assert!(!p.playing, "a paused run stays paused");
    }

    /// A selected message that gets delivered hands the selection to the node that received
    /// it; one that is dropped clears it. Nothing keeps describing a message that is gone.
    #[test]
    fn the_selection_follows_a_message_to_its_destination() {
        let mut p = Playground::new(default_scenario());
        while p.history.world().in_flight().is_empty() {
            p.reduce(UiAction::StepForward);
        }
        let m = p.history.world().in_flight()[0];
        p.reduce(UiAction::Select(Selection::Message(m.id)));
        while p.history.world().in_flight().iter().any(|f| f.id == m.id) {
            assert_eq!(p.selection, Selection::Message(m.id));
            p.reduce(UiAction::StepForward);
        }
        assert_eq!(p.selection, Selection::Node(m.to), "delivered: its receiver is selected");

        let mut p = Playground::new(default_scenario());
        while p.history.world().in_flight().is_empty() {
            p.reduce(UiAction::StepForward);
        }
        let m = p.history.world().in_flight()[0];
        p.reduce(UiAction::Select(Selection::Message(m.id)));
        p.reduce(UiAction::Act(crate::sim::Action::Drop { msg: m.id }));
        assert_eq!(p.selection, Selection::None, "dropped: nothing is selected");
    }
}
