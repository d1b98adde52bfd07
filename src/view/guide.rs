//! What the page offers a newcomer and a presenter, the pure part: whether a visit is a first
//! visit to the bare page (then the help opens by itself, `ui::help`), and what the caption keys
//! of presentation mode do (`ui::shortcuts`: PageDown and PageUp, n and p, and the arrows while
//! presenting).

use super::embed::Options;
use super::lesson::caption_view;
use super::state::{Playground, UiAction};

/// Whether the help opens by itself: on the first visit (`seen` is false) to the bare page only.
/// Never in an embed or a playground mounted into a host page, never when a link, a lesson or
/// presentation mode opens (whoever sent it chose what to show), so `fragment` (the address's,
/// without `#`) must be empty and the query must open nothing.
pub fn offers_help(options: &Options, fragment: &str, seen: bool) -> bool {
    !seen
        && !options.embed
        && !options.mounted
        && !options.present
        && options.fragment().is_none()
        && fragment.is_empty()
}

/// Which way a caption key turns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Turn {
    Next,
    Back,
}

/// What a caption key does. In a narrated run, Next plays on to the next caption (as the caption
/// bar's Next does; Play pauses there) and Back returns to the caption before, or to the start
/// from the first caption. Without captions, and after the last caption (free play), the keys
/// step one event, so a presenter's clicker still drives the run.
pub fn turn(p: &Playground, turn: Turn) -> UiAction {
    let cursor = p.history.cursor();
    let view = caption_view(&p.scenario, cursor);
    match (turn, view) {
        (Turn::Next, Some(v)) if v.next.is_some() => UiAction::PlayTo(v.next.unwrap_or(cursor)),
        (Turn::Next, _) => UiAction::StepForward,
        (Turn::Back, Some(v)) => UiAction::Seek(v.back.unwrap_or(0)),
        (Turn::Back, None) => UiAction::StepBack,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::lessons;
    use crate::view::state::default_scenario;

    fn options(pairs: &[(&str, &str)]) -> Options {
        Options::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn the_help_opens_by_itself_only_on_a_first_visit_to_the_bare_page() {
        assert!(offers_help(&options(&[]), "", false), "a first visit to the bare page");
        assert!(!offers_help(&options(&[]), "", true), "the second visit");
        assert!(!offers_help(&options(&[]), "lesson=happy-path", false), "a lesson link");
        assert!(!offers_help(&options(&[]), "s=AAAA", false), "a share link");
        assert!(!offers_help(&options(&[("lesson", "partition")]), "", false), "a lesson in the query");
        assert!(!offers_help(&options(&[("scenario", "AAAA")]), "", false), "a scenario in the query");
        assert!(!offers_help(&options(&[("embed", "")]), "", false), "an embed");
        assert!(!offers_help(&options(&[("present", "")]), "", false), "presentation mode");
        let mounted = Options { mounted: true, ..Options::default() };
        assert!(!offers_help(&mounted, "", false), "a playground mounted into a host page");
        // Keys that open nothing (another tool's) leave the page bare.
        assert!(offers_help(&options(&[("utm_source", "x")]), "", false));
    }

    #[test]
    fn caption_keys_turn_a_lessons_captions() {
        let lesson = lessons::all().into_iter().next().expect("a first lesson");
        let steps: Vec<u64> = lesson.scenario.captions.iter().map(|c| c.step).collect();
        assert!(steps.len() >= 3, "the first lesson has captions to turn");
        let mut p = Playground::new(lesson.scenario.clone());
        p.reduce(UiAction::Seek(steps[0]));
        assert_eq!(turn(&p, Turn::Next), UiAction::PlayTo(steps[1]));
        assert_eq!(turn(&p, Turn::Back), UiAction::Seek(0), "from the first caption, back to the start");
        p.reduce(UiAction::Seek(steps[2]));
        assert_eq!(turn(&p, Turn::Back), UiAction::Seek(steps[1]));
        // Past the last caption the run is free play: the keys step.
        p.reduce(UiAction::Seek(*steps.last().unwrap()));
        assert_eq!(turn(&p, Turn::Next), UiAction::StepForward);
    }

    #[test]
    fn caption_keys_step_a_run_without_captions() {
        let p = Playground::new(default_scenario());
        assert!(p.scenario.captions.is_empty());
        assert_eq!(turn(&p, Turn::Next), UiAction::StepForward);
        assert_eq!(turn(&p, Turn::Back), UiAction::StepBack);
    }
}
