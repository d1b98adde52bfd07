//! Stepping through a narrated scenario: which caption the page shows at a cursor, where Next
//! and Back go, and when the story hands over to free play. Any scenario with captions narrates
//! (a lesson, or a shared link someone captioned); a built-in lesson adds its expected outcome
//! and its end, found here by matching the scenario the page runs against the library.
//!
//! Captions sit at cursor positions (`Caption::step`): the caption at step 5 explains the step
//! numbered 4. "Next" plays the run on to the next caption's step (narrated: the animation runs,
//! the page does not jump), "Back" returns to the caption before the one shown.

use super::safety::Safety;
use crate::scenario::lessons::{self, Lesson, Prompt};
use crate::scenario::text::escape;
use crate::scenario::{text, Caption, Scenario, MAX_CAPTIONS, MAX_TEXT};

/// What the caption bar shows at a cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaptionView {
    /// Which caption is shown (0-based), `None` before the first one.
    pub index: Option<usize>,
    pub total: usize,
    /// The caption's text (plain text; the page renders it as a text node).
    pub text: String,
    /// Where Next goes: the next caption's step.
    pub next: Option<u64>,
    /// Where Back goes: the step of the caption before the one shown.
    pub back: Option<u64>,
    /// The last caption has been reached: the controls are the person's now.
    pub free_play: bool,
}

/// The caption bar at `cursor`, or `None` when the scenario has no captions.
pub fn caption_view(scenario: &Scenario, cursor: u64) -> Option<CaptionView> {
    let total = scenario.captions.len();
    if total == 0 {
        return None;
    }
    let index = scenario.captions.partition_point(|c| c.step <= cursor).checked_sub(1);
    let text = index.map(|i| scenario.captions[i].text.clone()).unwrap_or_default();
    let back = index.and_then(|i| i.checked_sub(1)).map(|i| scenario.captions[i].step);
    Some(CaptionView {
        index,
        total,
        text,
        next: scenario.next_caption_step(cursor),
        back,
        free_play: index == Some(total - 1),
    })
}

/// The safety verdict at the cursor as one line, for the caption bar: captions tell the person
/// to watch it, so it sits in the caption box itself, on screen with the caption in the full page
/// and in the embed (the safety panel can be below the fold, and the embed has none). Each broken
/// invariant is named with the step it first broke at, in the order they broke. `true` when all hold.
pub fn safety_line(safety: &Safety) -> (String, bool) {
    // In the order they broke; a selection by hand (four rows) rather than a sort, whose code
    // would cost the page's first load more than this whole function.
    let mut left: Vec<(u64, &str)> =
        safety.rows.iter().filter_map(|r| Some((r.violations.first()?.step, r.name))).collect();
    if left.is_empty() {
        return ("Safety: every check holds.".to_string(), true);
    }
    let mut line = String::from("Safety: ");
    while let Some(i) = (0..left.len()).min_by_key(|&i| left[i].0) {
        let (step, name) = left.swap_remove(i);
        line.push_str(&format!("{name} violated at step {step}"));
        line.push_str(if left.is_empty() { "." } else { "; " });
    }
    (line, false)
}

/// The built-in lesson this scenario is (same title and captions), if any. Builds the library,
/// so callers cache the answer per scenario.
pub fn lesson_of(scenario: &Scenario) -> Option<Lesson> {
    if scenario.captions.is_empty() {
        return None;
    }
    lessons::all().into_iter().find(|l| l.scenario.title == scenario.title && l.scenario.captions == scenario.captions)
}

/// The step a lesson's story ends at (where its expected outcome can be seen): the number of
/// steps `run_lesson` plays.
pub fn end_step(lesson: &Lesson) -> u64 {
    let mut history = lesson.scenario.history();
    lessons::run_lesson(lesson, &mut history).steps
}

/// A prediction prompt as the caption bar shows it at the caption it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PromptView {
    pub question: &'static str,
    pub choices: &'static [&'static str],
    /// The choice the person picked, if any.
    pub picked: Option<usize>,
    /// Once answered (a choice, or Next pressed without one): whether the pick was right
    /// (`None` if nothing was picked) and the sentence that gives the answer and why.
    pub reveal: Option<(Option<bool>, String)>,
}

/// The prompt at caption `index` of `lesson`, given what the person did at it: `answered` is
/// `Some(choice)` once they picked `choice`, `Some(None)` once they pressed Next without picking.
pub fn prompt_view(lesson: &Lesson, index: Option<usize>, answered: Option<Option<usize>>) -> Option<PromptView> {
    let p: &Prompt = lesson.prompts.iter().find(|p| Some(p.caption) == index)?;
    let reveal = answered.map(|picked| reveal(picked, p.choices[p.answer], p.why, p.answer));
    Some(PromptView { question: p.question, choices: p.choices, picked: answered.flatten(), reveal })
}

/// What the page says once a prompt is answered (`picked`: the choice, `None` if the person
/// went on without picking): whether the pick was right, and the answer and why. Shared by the
/// single-decree and the Multi-Paxos lessons.
pub fn reveal(picked: Option<usize>, answer_text: &str, why: &str, answer: usize) -> (Option<bool>, String) {
    let right = picked.map(|c| c == answer);
    let lead = match right {
        Some(true) => "Right:",
        Some(false) => "Not quite: the answer is",
        None => "The answer:",
    };
    (right, format!("{lead} {answer_text}. {why}"))
}

/// The prompt as markup (inserted as is, like the editor; `data-edit` is a choice's number).
pub fn prompt_markup(q: &PromptView) -> String {
    let choice = |(i, text): (usize, &&str)| {
        let pressed = q.picked == Some(i);
        let disabled = if q.reveal.is_some() { " disabled" } else { "" };
        format!("<button type=\"button\" class=\"btn small prompt-choice\" data-edit=\"{i}\" aria-pressed=\"{pressed}\"{disabled}>{}</button>", escape(text))
    };
    let verdict = q.reveal.as_ref().map(|(right, text)| {
        let state = right.map_or("shown", |r| if r { "right" } else { "wrong" });
        format!("<p id=\"prompt-answer\" class=\"prompt-answer\" data-state=\"{state}\">{}</p>", escape(text))
    });
    format!(
        "<div id=\"prompt\" class=\"prompt\" role=\"group\" aria-labelledby=\"prompt-question\">\
         <p id=\"prompt-question\" class=\"prompt-question\">Predict: {}</p><div class=\"prompt-choices\">{}</div>\
         <div aria-live=\"polite\">{}</div></div>",
        escape(q.question),
        q.choices.iter().enumerate().map(choice).collect::<String>(),
        verdict.unwrap_or_default()
    )
}

/// Adds the caption at `step` (replacing the one there), or removes it when `text` is blank.
/// The text is cleaned as a loaded file's would be (`text::clean`); the error says what to fix.
pub fn edit_caption(scenario: &mut Scenario, step: u64, text: &str) -> Result<(), String> {
    let text = text::clean(text.trim());
    let at = scenario.captions.partition_point(|c| c.step < step);
    let here = scenario.captions.get(at).is_some_and(|c| c.step == step);
    if text.is_empty() {
        if here {
            scenario.captions.remove(at);
        }
        return Ok(());
    }
    if text.len() > MAX_TEXT {
        return Err(format!("A caption can be at most {MAX_TEXT} bytes long; this one is {}.", text.len()));
    }
    if here {
        scenario.captions[at].text = text;
    } else if scenario.captions.len() >= MAX_CAPTIONS {
        return Err(format!("A scenario can have at most {MAX_CAPTIONS} captions."));
    } else {
        scenario.captions.insert(at, Caption { step, text });
    }
    Ok(())
}

/// The caption editor for `step` as markup (the page inserts it as is, so that one click handler
/// serves its buttons and its text stays as typed while the run redraws): the text to start
/// from, escaped, and why the last save was refused.
pub fn editor_markup(step: u64, text: &str, error: Option<&str>) -> String {
    let button = |edit: &str, label: &str| {
        format!(
            "<button type=\"button\" id=\"caption-{edit}\" class=\"btn small\" data-edit=\"{edit}\">{label}</button>"
        )
    };
    let error =
        error.map(|e| format!("<p id=\"caption-error\" class=\"caption-error\" role=\"alert\">{}</p>", escape(e)));
    format!(
        "<div id=\"caption-editor\" class=\"caption-editor\"><label for=\"caption-text\">Caption shown from step {step} on</label>\
         <textarea id=\"caption-text\" rows=\"2\">{}</textarea>{}<div class=\"caption-controls\">{}{}{}</div></div>",
        escape(text),
        error.unwrap_or_default(),
        button("save", "Save caption"),
        if text.is_empty() { String::new() } else { button("delete", "Delete caption") },
        button("cancel", "Cancel"),
    )
}

/// The text of the caption exactly at `step`, for the editor to start from ("" if none is there).
pub fn caption_text_at(scenario: &Scenario, step: u64) -> &str {
    scenario.captions.iter().find(|c| c.step == step).map_or("", |c| c.text.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::lessons::by_slug;
    use crate::scenario::Caption;

    fn narrated() -> Scenario {
        let c = |step, text: &str| Caption { step, text: text.to_string() };
        Scenario { captions: vec![c(0, "intro"), c(4, "four"), c(9, "nine")], ..Scenario::default() }
    }

    #[test]
    fn no_captions_no_bar() {
        assert_eq!(caption_view(&Scenario::default(), 3), None);
    }

    #[test]
    fn next_and_back_walk_the_captions_and_the_last_one_hands_over() {
        let s = narrated();
        let at = |cursor| caption_view(&s, cursor).unwrap();
        assert_eq!((at(0).index, at(0).text.as_str(), at(0).next, at(0).back), (Some(0), "intro", Some(4), None));
        assert_eq!((at(5).index, at(5).text.as_str(), at(5).next, at(5).back), (Some(1), "four", Some(9), Some(0)));
        assert!(!at(8).free_play);
        let end = at(12);
        assert_eq!((end.index, end.next, end.back, end.free_play), (Some(2), None, Some(4), true));
        assert_eq!(end.total, 3);
    }

    #[test]
    fn before_the_first_caption_nothing_is_said_yet() {
        let mut s = narrated();
        s.captions[0].step = 2;
        let v = caption_view(&s, 1).unwrap();
        assert_eq!((v.index, v.text.as_str(), v.next, v.back, v.free_play), (None, "", Some(2), None, false));
    }

    #[test]
    fn a_lesson_is_recognised_by_its_scenario_and_other_scenarios_are_not() {
        let lesson = by_slug("happy-path").unwrap();
        assert_eq!(lesson_of(&lesson.scenario).map(|l| l.slug), Some("happy-path"));
        let mut edited = lesson.scenario.clone();
        edited.captions.pop();
        assert_eq!(lesson_of(&edited), None);
        assert_eq!(lesson_of(&narrated()), None);
    }

    #[test]
    fn every_lesson_ends_after_its_last_caption() {
        for lesson in lessons::all() {
            let last = lesson.scenario.captions.last().unwrap().step;
            assert!(end_step(&lesson) >= last, "{}: end {} < last caption {last}", lesson.slug, end_step(&lesson));
        }
    }

    /// The forgetful-acceptor lesson: the line is green until the first violation, then names
    /// each broken invariant with the step the clock shows when it broke.
    #[test]
    fn the_caption_box_carries_the_live_safety_verdict() {
        use crate::view::{safety, Playground, UiAction};
        let lesson = by_slug("forgetful-acceptor").unwrap();
        let mut p = Playground::new(lesson.scenario.clone());
        let at = |p: &mut Playground, step| {
            p.reduce(UiAction::Seek(step));
            safety_line(&safety::build(p))
        };
        assert_eq!(at(&mut p, 21), ("Safety: every check holds.".to_string(), true));
        assert_eq!(at(&mut p, 22), ("Safety: promise monotonicity violated at step 22.".to_string(), false));
        let end = at(&mut p, 40).0;
        assert_eq!(
            end,
            "Safety: promise monotonicity violated at step 22; chosen value stable violated at step 30; \
             agreement violated at step 32."
        );
    }

    /// Captions that send the eye somewhere must send it to something on screen: the safety
    /// panel is below the fold at 1440x900 and absent in the embed, so no caption names it; they
    /// point at the safety line of the caption box instead.
    #[test]
    fn no_caption_points_at_the_safety_panel() {
        for lesson in lessons::all() {
            for c in &lesson.scenario.captions {
                assert!(!c.text.contains("safety panel"), "{}: {}", lesson.slug, c.text);
            }
        }
    }

    #[test]
    fn play_to_narrates_up_to_the_next_caption_and_pauses_exactly_there() {
        use crate::view::{Playground, UiAction};
        let lesson = by_slug("happy-path").unwrap();
        let mut p = Playground::new(lesson.scenario.clone());
        p.reduce(UiAction::Seek(caption_view(&p.scenario, 0).unwrap().next.unwrap()));
        let next = caption_view(&p.scenario, p.history.cursor()).unwrap().next.unwrap();
        p.reduce(UiAction::PlayTo(next));
        assert!(p.playing);
        let mut frames = 0;
        while p.playing && frames < 10_000 {
            p.reduce(UiAction::Frame(50.0));
            frames += 1;
        }
        assert!(frames > 1, "the way to the caption is animated, not a jump");
        assert_eq!(p.history.cursor(), next);
        assert_eq!(caption_view(&p.scenario, p.history.cursor()).unwrap().index, Some(2));
    }

    #[test]
    fn a_prompt_asks_then_says_whether_the_pick_was_right_and_why() {
        let lesson = by_slug("competing-proposers").unwrap();
        let prompt = &lesson.prompts[0];
        assert_eq!(prompt_view(&lesson, Some(prompt.caption - 1), None), None);
        let asked = prompt_view(&lesson, Some(prompt.caption), None).unwrap();
        assert_eq!((asked.question, asked.picked, asked.reveal), (prompt.question, None, None));
        let right = prompt_view(&lesson, Some(prompt.caption), Some(Some(0))).unwrap().reveal.unwrap();
        assert_eq!(right.0, Some(true));
        assert!(right.1.starts_with("Right: \"A\", the value n2 reported. A proposer must"), "{}", right.1);
        let wrong = prompt_view(&lesson, Some(prompt.caption), Some(Some(1))).unwrap();
        assert_eq!(wrong.picked, Some(1));
        let wrong = wrong.reveal.unwrap();
        assert_eq!(wrong.0, Some(false));
        assert!(wrong.1.starts_with("Not quite: the answer is \"A\", the value n2 reported."), "{}", wrong.1);
        let skipped = prompt_view(&lesson, Some(prompt.caption), Some(None)).unwrap().reveal.unwrap();
        assert_eq!(skipped.0, None);
        assert!(skipped.1.starts_with("The answer: \"A\""), "{}", skipped.1);
    }

    #[test]
    fn captions_are_added_replaced_and_removed_in_step_order() {
        let mut s = narrated();
        edit_caption(&mut s, 6, "  six <b>bold</b>\u{202E} ").unwrap();
        edit_caption(&mut s, 0, "start").unwrap();
        let steps: Vec<(u64, &str)> = s.captions.iter().map(|c| (c.step, c.text.as_str())).collect();
        assert_eq!(steps, [(0, "start"), (4, "four"), (6, "six <b>bold</b>"), (9, "nine")]);
        assert_eq!(caption_text_at(&s, 6), "six <b>bold</b>");
        assert_eq!(caption_text_at(&s, 5), "");
        edit_caption(&mut s, 4, "   ").unwrap();
        edit_caption(&mut s, 5, "").unwrap();
        assert_eq!(s.captions.iter().map(|c| c.step).collect::<Vec<_>>(), [0, 6, 9]);
        assert!(s.validate().is_ok());
    }

    #[test]
    fn caption_edits_keep_the_limits() {
        let mut s = narrated();
        let long = "x".repeat(MAX_TEXT + 1);
        assert!(edit_caption(&mut s, 2, &long).unwrap_err().contains("at most 2000 bytes"));
        edit_caption(&mut s, 2, &long[1..]).unwrap();
        s.captions = (0..MAX_CAPTIONS as u64).map(|step| Caption { step, text: "c".into() }).collect();
        assert!(edit_caption(&mut s, 500, "one more").unwrap_err().contains("at most 200 captions"));
        edit_caption(&mut s, 7, "replaced").unwrap();
        assert_eq!(caption_text_at(&s, 7), "replaced");
        assert!(s.validate().is_ok());
    }

    #[test]
    fn the_prompt_markup_shows_the_pick_and_the_verdict() {
        let lesson = by_slug("competing-proposers").unwrap();
        let asked = prompt_markup(&prompt_view(&lesson, Some(6), None).unwrap());
        // Quotes are escaped too (one escape for text and attributes); the browser shows "B".
        assert!(asked.contains("Predict: n1 wants &quot;B&quot;, but"), "{asked}");
        assert!(asked.contains("data-edit=\"1\" aria-pressed=\"false\">"), "{asked}");
        assert!(!asked.contains("disabled") && !asked.contains("prompt-answer"));
        let wrong = prompt_markup(&prompt_view(&lesson, Some(6), Some(Some(1))).unwrap());
        assert!(wrong.contains("data-edit=\"1\" aria-pressed=\"true\" disabled>"), "{wrong}");
        assert!(wrong.contains("data-state=\"wrong\">Not quite: the answer is"), "{wrong}");
    }

    #[test]
    fn the_editor_markup_keeps_text_as_text() {
        let m = editor_markup(4, "<b>a</b> & </textarea><script>", Some("too <long>"));
        assert!(m.contains(">&lt;b&gt;a&lt;/b&gt; &amp; &lt;/textarea&gt;&lt;script&gt;</textarea>"), "{m}");
        assert!(m.contains("Caption shown from step 4 on") && m.contains("too &lt;long&gt;"), "{m}");
        assert!(m.contains("data-edit=\"delete\""));
        assert!(!editor_markup(4, "", None).contains("data-edit=\"delete\""), "nothing to delete");
    }

    /// A teacher's captions travel in the share link and the JSON file, as the page makes them.
    #[test]
    fn edited_captions_travel_in_links_and_files() {
        use crate::scenario::link;
        let mut s = by_slug("happy-path").unwrap().scenario;
        edit_caption(&mut s, 3, "Look: two promises already.").unwrap();
        let decoded = link::decode(&link::encode(&s)).unwrap();
        assert_eq!(caption_view(&decoded, 3).unwrap().text, "Look: two promises already.");
        assert_eq!(Scenario::from_json(&s.to_json()).unwrap().captions, s.captions);
        assert_eq!(lesson_of(&s), None, "an edited lesson is the teacher's own scenario");
    }
}
