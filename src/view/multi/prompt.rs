//! Teaching in the Multi-Paxos mode as on the single-decree page (`view::lesson`): prediction
//! prompts in the lessons, and captions a teacher adds, edits or deletes on any run.
//!
//! A prompt belongs to a lesson's caption: Play pauses there (`narrate`), the person picks one of
//! two to four choices, and the page says whether it was right, the answer and why. Each prompt
//! names what the run shows by a later step that makes its answer right (`Observe`), and
//! `check_prompts` reads the model there: exactly the answer's choice names what it sees.
//!
//! Captions live in the scenario (`MultiScenario::captions`), so links and files carry a
//! teacher's own. Editing a lesson's captions makes its run the teacher's scenario: the
//! lesson's prompts stay with the lesson, as on the single-decree page.

use super::scenarios::MultiLesson;
use super::{name, MultiPlayground, MAX_STEPS};
use crate::protocol::multi::{KvReply, Role, Slot};
use crate::protocol::NodeId;
use crate::scenario::{text, Caption, MAX_CAPTIONS, MAX_TEXT};
use crate::sim::multi::MultiHistory;
use crate::view::lesson::PromptView;

/// A prediction prompt at a lesson's caption (its index).
#[derive(Clone, Debug, PartialEq)]
pub struct MultiPrompt {
    pub caption: usize,
    pub question: &'static str,
    pub choices: &'static [&'static str],
    pub answer: usize,
    pub why: &'static str,
    /// What the run shows by step `shown_by` that makes `answer` right (`check_prompts`).
    pub observe: Observe,
    pub shown_by: u64,
}

/// Something read off the model at a step, in the words a choice uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Observe {
    /// The replicas that are up and lead ("r4", "r3 and r4", "no replica").
    Leaders,
    /// The answer to this client's latest operation ("x=1", "written", "precondition failed",
    /// "no answer yet").
    Told(NodeId),
    /// What this replica proposed in this slot as leader: the command it accepted there at a
    /// ballot of its own ("write y=3", "no-op"), or "nothing".
    Proposed { node: NodeId, slot: u32 },
}

impl Observe {
    /// What the run shows at the history's cursor.
    pub fn read(self, h: &MultiHistory) -> String {
        let system = &h.world().system;
        match self {
            Observe::Leaders => {
                let leaders: Vec<String> = system
                    .nodes
                    .iter()
                    .filter(|n| n.up)
                    .filter_map(|n| n.node.replica())
                    .filter(|r| matches!(r.role, Role::Leader(_)))
                    .map(|r| name(&system.cluster, r.id))
                    .collect();
                if leaders.is_empty() {
                    "no replica".into()
                } else {
                    leaders.join(" and ")
                }
            }
            Observe::Told(client) => {
                let last = system.monitor.history.iter().rev().find(|o| o.client == client);
                match last.map(|o| (o.op.key(), o.complete.map(|c| c.2))) {
                    None | Some((_, None)) => "no answer yet".into(),
                    Some((key, Some(KvReply::Value { value, .. }))) => format!("{key}={value}"),
                    Some((_, Some(KvReply::Written { .. }))) => "written".into(),
                    Some((_, Some(KvReply::KeyDoesNotExist))) => "no such key".into(),
                    Some((_, Some(KvReply::PreconditionFailed))) => "precondition failed".into(),
                }
            }
            Observe::Proposed { node, slot } => {
                let replica = system.nodes.get(node.index()).and_then(|n| n.node.replica());
                let entry = replica.and_then(|r| r.durable.accepted.get(Slot(slot)));
                match entry {
                    Some((ballot, command)) if ballot.node == node => command.to_string(),
                    _ => "nothing".into(),
                }
            }
        }
    }
}

/// Checks each prompt of `lesson` against its run: asked at a caption that is not the last, two
/// to four choices, and what the run shows by `shown_by` (not yet at the prompt's caption) named
/// by the answer's choice and no other. The error names the lesson and the question.
pub fn check_prompts(lesson: &MultiLesson) -> Result<(), String> {
    let mut h = lesson.scenario.history();
    lesson.prompts.iter().try_for_each(|p| {
        let fail = |why: String| Err(format!("{}, \"{}\": {why}", lesson.slug, p.question));
        let (Some(&(asked, _)), Some(_)) = (lesson.captions.get(p.caption), lesson.captions.get(p.caption + 1)) else {
            return fail("not asked at a caption before the last".into());
        };
        if !(2..=4).contains(&p.choices.len()) || p.answer >= p.choices.len() {
            return fail("2 to 4 choices, and the answer among them".into());
        }
        if p.shown_by <= asked {
            return fail(format!("shown by step {}, not after the question at step {asked}", p.shown_by));
        }
        h.extend(p.shown_by.saturating_sub(h.frontier()));
        h.seek(asked);
        let before = p.observe.read(&h);
        h.seek(p.shown_by);
        let after = p.observe.read(&h);
        if before == after {
            return fail(format!("the run already shows \"{after}\" when the question is asked"));
        }
        let named: Vec<usize> = (0..p.choices.len()).filter(|&i| p.choices[i].contains(&after)).collect();
        if named != [p.answer] {
            return fail(format!("the run shows \"{after}\" at step {}; the choices naming it: {named:?}", p.shown_by));
        }
        Ok(())
    })
}

/// The prompt the page shows at `cursor` in `lesson`, if the caption in force has one: asked at
/// the caption's step, answered once the person picked (`answered`: the caption's index and
/// the choice, `None` for none) or went on past the caption's step without picking.
pub fn prompt_at(lesson: &MultiLesson, cursor: u64, answered: Option<(usize, Option<usize>)>) -> Option<PromptView> {
    let index = lesson.captions.partition_point(|c| c.0 <= cursor).checked_sub(1)?;
    let p = lesson.prompts.iter().find(|p| p.caption == index)?;
    let picked = answered.filter(|a| a.0 == index).map(|a| a.1);
    let went_on = cursor > lesson.captions[index].0;
    let reveal = picked
        .or(went_on.then_some(None))
        .map(|picked| crate::view::lesson::reveal(picked, p.choices[p.answer], p.why, p.answer));
    Some(PromptView { question: p.question, choices: p.choices, picked: picked.flatten(), reveal })
}

/// Whether the caption at `index` of the lesson whose run `scenario` is asks a question.
pub fn asks_at(scenario: &super::MultiScenario, index: usize) -> bool {
    super::embed::lesson_of_run(scenario).is_some_and(|l| l.prompts.iter().any(|p| p.caption == index))
}

/// The caption in force at `cursor`: its index and text.
pub fn caption_at(captions: &[Caption], cursor: u64) -> Option<(usize, &str)> {
    let i = captions.partition_point(|c| c.step <= cursor).checked_sub(1)?;
    Some((i, captions[i].text.as_str()))
}

/// The text of the caption exactly at `step`, for the editor to start from ("" if none is there).
pub fn caption_text_at(captions: &[Caption], step: u64) -> &str {
    captions.iter().find(|c| c.step == step).map_or("", |c| c.text.as_str())
}

/// Adds the caption at `step` (replacing the one there), or removes it when `text` is blank,
/// with single-decree's limits (`view::lesson::edit_caption`, which works on its own scenario
/// type; this one is a copy so that the page's first load stays as it is).
pub fn edit_caption(captions: &mut Vec<Caption>, step: u64, text: &str) -> Result<(), String> {
    let text = text::clean(text.trim());
    let at = captions.partition_point(|c| c.step < step);
    let here = captions.get(at).is_some_and(|c| c.step == step);
    if text.is_empty() {
        if here {
            captions.remove(at);
        }
        return Ok(());
    }
    if text.len() > MAX_TEXT {
        return Err(format!("A caption can be at most {MAX_TEXT} bytes long; this one is {}.", text.len()));
    }
    if step > MAX_STEPS {
        return Err(format!("A caption must be at a step up to {MAX_STEPS}."));
    }
    if here {
        captions[at].text = text;
    } else if captions.len() >= MAX_CAPTIONS {
        return Err(format!("A run can have at most {MAX_CAPTIONS} captions."));
    } else {
        captions.insert(at, Caption { step, text });
    }
    Ok(())
}

/// Why a scenario's captions (from a link or a file) cannot be shown; `Ok` when they can.
pub fn validate_captions(captions: &[Caption]) -> Result<(), String> {
    if captions.len() > MAX_CAPTIONS {
        return Err(format!("The run has {} captions; at most {MAX_CAPTIONS}.", captions.len()));
    }
    if let Some(c) = captions.iter().find(|c| c.text.len() > MAX_TEXT || c.text.trim().is_empty()) {
        return Err(format!("The caption at step {} is empty or longer than {MAX_TEXT} bytes.", c.step));
    }
    if let Some(c) = captions.iter().find(|c| text::clean(&c.text) != c.text) {
        return Err(format!("The caption at step {} holds control characters.", c.step));
    }
    if let Some(c) = captions.iter().find(|c| c.step > MAX_STEPS) {
        return Err(format!("A caption is at step {}, beyond the last step ({MAX_STEPS}).", c.step));
    }
    if captions.windows(2).any(|w| w[0].step >= w[1].step) {
        return Err("The captions are not in step order, one per step.".into());
    }
    Ok(())
}

impl MultiPlayground {
    /// Edits the caption at `step` (`edit_caption`); Play then pauses at the captions as they
    /// are now. The run itself does not change.
    pub fn edit_caption(&mut self, step: u64, text: &str) -> Result<(), String> {
        edit_caption(&mut self.scenario.captions, step, text)?;
        self.caption_steps = super::narrate::caption_steps(&self.scenario);
        Ok(())
    }
}

#[cfg(test)]
#[path = "prompt_tests.rs"]
mod tests;
