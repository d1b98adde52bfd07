//! Play in a lesson narrates up to the next caption and pauses exactly there, as the
//! single-decree page does (`view::status`), so captions that follow each other within a few
//! ticks are each read; and the status line says why the run is not moving.

use super::{MultiAction, MultiPlayground, MultiScenario};

/// Why the run stopped by itself. Cleared when the person takes the controls again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MultiStopped {
    /// Paused at a caption: its 0-based index, how many captions the run has, and whether the
    /// caption asks a question (a lesson's prompt, `prompt`) that is still to be answered.
    Caption { index: usize, total: usize, question: bool },
}

/// The steps at which the scenario's captions appear: a lesson's, or a teacher's on any run.
pub fn caption_steps(scenario: &MultiScenario) -> Vec<u64> {
    scenario.captions.iter().map(|c| c.step).collect()
}

impl MultiAction {
    /// Whether the person (or the host page) moves the run by this action, which clears the
    /// reason it stopped by itself.
    pub(super) fn takes_the_controls(&self) -> bool {
        !matches!(
            self,
            MultiAction::Frame(_)
                | MultiAction::SetSpeed(_)
                | MultiAction::Select(_)
                | MultiAction::DismissError
                | MultiAction::DismissNotice
                | MultiAction::ShowError(_)
                | MultiAction::SetNarrow(_)
        )
    }
}

impl MultiPlayground {
    /// Pauses if the cursor has just reached a caption's step (not the one the run opens with).
    /// Returns whether it stopped.
    pub(super) fn stop_at_caption(&mut self) -> bool {
        let cursor = self.history.cursor();
        let total = self.caption_steps.len();
        let Some(index) = self.caption_steps.iter().position(|&s| s > 0 && s == cursor) else { return false };
        self.playing = false;
        let question = super::prompt::asks_at(&self.scenario, index);
        self.stopped = Some(MultiStopped::Caption { index, total, question });
        true
    }

    /// The person answered the question of caption `index`: the status line stops asking for
    /// an answer (the prompt itself shows the pick and the answer).
    pub fn answered(&mut self, index: usize) {
        if let Some(MultiStopped::Caption { index: at, question, .. }) = &mut self.stopped {
            if *at == index {
                *question = false;
            }
        }
    }

    /// The line that says why the run stopped by itself, or `None` (playing, or paused by the
    /// person).
    pub fn status_line(&self) -> Option<String> {
        match self.stopped? {
            MultiStopped::Caption { index, total, question: true } => Some(format!(
                "Paused at caption {} of {total}, a question: pick an answer, then press Play (or Step) to go on.",
                index + 1
            )),
            MultiStopped::Caption { index, total, .. } if index + 1 == total => Some(format!(
                "Paused at the last caption ({total} of {total}): the story is told, the controls are yours."
            )),
            MultiStopped::Caption { index, total, .. } => Some(format!(
                "Paused at caption {} of {total}: read it, then press Play (or Step) to go on.",
                index + 1
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{default_scenario, multi_scenario, multi_scenarios, MultiAction, MultiPlayground};
    use crate::view::state::SPEED_MAX;

    /// Plays frames of 50 ms until the run stops by itself; returns how many it took.
    fn play_until_it_stops(p: &mut MultiPlayground) -> usize {
        p.reduce(MultiAction::Play);
        let mut frames = 0;
        while p.playing && frames < 100_000 {
            p.reduce(MultiAction::Frame(50.0));
            frames += 1;
        }
        frames
    }

    /// As single-decree's `play_to_narrates_up_to_the_next_caption_and_pauses_exactly_there`
    /// (view::lesson): Play animates the way to the next caption and pauses on its step, even
    /// when two captions are a step apart (r2's and r4's timeouts, steps 10 and 11), and the
    /// status line says so until the person goes on.
    #[test]
    fn play_narrates_up_to_the_next_caption_and_pauses_exactly_there() {
        let lesson = multi_scenario("multi-electing-a-leader").unwrap();
        let steps: Vec<u64> = lesson.captions.iter().map(|c| c.0).collect();
        assert_eq!(steps, [0, 10, 11, 25]);
        let mut p = MultiPlayground::new(lesson.scenario.clone());
        let frames = play_until_it_stops(&mut p);
        assert!(frames > 1, "the way to the caption is animated, not a jump");
        assert_eq!(p.history.cursor(), 10);
        assert_eq!(lesson.caption_at(p.history.cursor()), Some(lesson.captions[1].1));
        assert_eq!(
            p.frame().status.as_deref(),
            Some("Paused at caption 2 of 4: read it, then press Play (or Step) to go on.")
        );
        // Step 11 comes in the same tick as step 10, so the next frame would pass it: Play stops there.
        let mut h = p.history.clone();
        h.seek(11);
        assert_eq!(h.time(), p.history.time(), "captions 2 and 3 share a tick");
        p.reduce(MultiAction::Play);
        assert_eq!(p.frame().status, None, "pressing Play clears the status");
        play_until_it_stops(&mut p);
        assert_eq!((p.history.cursor(), p.stopped.map(|_| ())), (11, Some(())));
        play_until_it_stops(&mut p);
        assert_eq!(p.history.cursor(), 25);
        assert_eq!(
            p.frame().status.as_deref(),
            Some("Paused at the last caption (4 of 4): the story is told, the controls are yours.")
        );
        // After the last caption Play runs free.
        p.reduce(MultiAction::Play);
        for _ in 0..200 {
            p.reduce(MultiAction::Frame(50.0));
        }
        assert!(p.playing && p.history.cursor() > 60, "free play after the story: step {}", p.history.cursor());
        // A step by hand clears the status too.
        p.reduce(MultiAction::Pause);
        p.stopped = Some(super::MultiStopped::Caption { index: 1, total: 4, question: false });
        p.reduce(MultiAction::StepForward);
        assert_eq!(p.frame().status, None);
    }

    /// Every lesson, played at the fastest speed from its start, pauses at each of its captions
    /// in turn (and where a broken variant turns red), and nowhere else.
    #[test]
    fn every_lesson_pauses_at_each_of_its_captions_in_turn() {
        for lesson in multi_scenarios() {
            let mut p = MultiPlayground::new(lesson.scenario.clone());
            p.reduce(MultiAction::SetSpeed(SPEED_MAX));
            let captions: Vec<u64> = lesson.captions.iter().map(|c| c.0).filter(|&s| s > 0).collect();
            let last = captions.last().copied().unwrap_or(0);
            let mut stops = Vec::new();
            // Up to the last caption (past it the run plays on freely, to its end).
            while stops.len() < 20 && p.history.cursor() < last {
                play_until_it_stops(&mut p);
                if p.stopped.is_none() && p.notice.is_none() {
                    break; // the run's end, or a scripted run's last step
                }
                stops.push((p.history.cursor(), p.stopped.is_some()));
                p.notice = None;
            }
            let at_captions: Vec<u64> = stops.iter().filter(|s| s.1).map(|s| s.0).collect();
            assert_eq!(at_captions, captions, "{}: {stops:?}", lesson.slug);
            let red = lesson.scenario.history().failure.is_some()
                || lesson.scenario.config.variant.broken() != Default::default();
            assert!(stops.iter().all(|s| s.1) || red, "{}: paused elsewhere: {stops:?}", lesson.slug);
        }
    }

    #[test]
    fn a_run_that_is_no_lesson_plays_on_without_pausing() {
        let mut p = MultiPlayground::new(default_scenario());
        p.reduce(MultiAction::Play);
        for _ in 0..100 {
            p.reduce(MultiAction::Frame(50.0));
        }
        assert!(p.playing && p.history.cursor() > 25 && p.stopped.is_none());
    }
}
