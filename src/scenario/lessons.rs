//! The built-in lessons: course material for teaching Paxos. Each lesson is a scenario (a
//! configuration, a seed and a timed schedule, so it replays exactly) with captions that
//! narrate it step by step, and an expected outcome that `tests/native/lessons.rs` asserts by playing
//! it to the end: the value chosen, the violation found, and the step each happens at.
//!
//! Captions are written against *cues* ("when n3 promises 1.0") rather than step numbers: the
//! lesson is run once when it is built and each cue is found in the trace, after the previous
//! one. A cue that no longer matches (because the simulator changed) makes `try_all` fail
//! with the lesson's name, instead of a caption silently narrating the wrong moment.

mod basics;
mod checker;
mod faults;
mod library;

use super::{Caption, Scenario};
use crate::protocol::{Ballot, MsgKind, NodeId, Note, Value};
use crate::sim::{DropReason, Event, EventKind, History, Invariant, Tick};

/// Most steps a lesson is played for (every lesson ends far sooner; this bounds a mistake).
pub const MAX_LESSON_STEPS: u64 = 20_000;

/// A lesson: a scenario with narrated captions, and what playing it must show.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// Stable name used in links: `#lesson=happy-path`.
    pub slug: &'static str,
    pub scenario: Scenario,
    pub expect: Vec<Expect>,
    /// The story ends once time passes this tick; the page hands over to free play there.
    pub end_tick: Tick,
    /// Questions asked at some captions, before the run shows the answer.
    pub prompts: Vec<Prompt>,
}

/// A prediction prompt: at caption `caption` (its index) the lesson asks `question`; the person
/// picks one of `choices`, and the page says whether it was `answer` and `why`. Prompts are part
/// of the built-in lesson, not of its scenario: a link to a lesson's scenario reopens it as that
/// lesson (`view::lesson::lesson_of`), prompts included, so links and files stay in format 2.
#[derive(Clone, Debug, PartialEq)]
pub struct Prompt {
    pub caption: usize,
    pub question: &'static str,
    pub choices: &'static [&'static str],
    pub answer: usize,
    pub why: &'static str,
    /// What the run does after the caption that makes `answer` true (`Lesson::check_prompts`).
    pub fact: Fact,
}

/// What a prompt's answer claims the run will do after the prompt's caption.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fact {
    /// The next phase 2 that `node` starts proposes `value`; the answer names `value`.
    Proposes(NodeId, Value),
    /// This invariant is violated before the story ends.
    Violated(Invariant),
}

/// One thing a lesson must show. Steps are numbered as the page shows them (`Event::shown_step`:
/// "step 9" is the state after 9 steps, where the clock says step 9 and the log's row says 9).
#[derive(Clone, Debug, PartialEq)]
pub enum Expect {
    /// `value` first becomes chosen at step `step` (pair it with `Safe` to say nothing else is).
    Chosen { value: Value, step: u64 },
    /// By the end, every learner has learned `value`.
    AllLearned { value: Value },
    /// Nothing is chosen before time `tick` (a livelock or a blocked cluster).
    NoneChosenBefore { tick: Tick },
    /// The first violation of `invariant` is found at step `step`.
    Violation { invariant: Invariant, step: u64 },
    /// No invariant is violated during the whole lesson.
    Safe,
}

impl Expect {
    /// A sentence for the page ("the lesson ends when ...").
    pub fn describe(&self) -> String {
        match self {
            Expect::Chosen { value, step } => format!("\"{value}\" is chosen at step {step}"),
            Expect::AllLearned { value } => format!("every learner learns \"{value}\""),
            Expect::NoneChosenBefore { tick } => format!("no value is chosen before t={tick}"),
            Expect::Violation { invariant, step } => {
                format!("{} is violated at step {step}", invariant.single_decree_name().unwrap_or_default())
            }
            Expect::Safe => "every safety check holds throughout".to_string(),
        }
    }

    /// Whether `outcome` shows this; the error says what happened instead.
    pub fn check(&self, o: &Outcome) -> Result<(), String> {
        let ok = match self {
            Expect::Chosen { value, step } => o.chosen.iter().find(|c| c.2 == *value).map(|c| c.0) == Some(*step),
            Expect::AllLearned { value } => o.learned.iter().all(|l| *l == Some(*value)),
            Expect::NoneChosenBefore { tick } => o.chosen.first().is_none_or(|c| c.1 >= *tick),
            Expect::Violation { invariant, step } => {
                o.violations.iter().find(|v| v.1 == *invariant).map(|v| v.0) == Some(*step)
            }
            Expect::Safe => o.violations.is_empty(),
        };
        if ok {
            Ok(())
        } else {
            Err(format!("expected: {}; got {o:?}", self.describe()))
        }
    }
}

/// What playing a lesson to its end showed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub steps: u64,
    pub time: Tick,
    /// Every Chosen event: (step as shown, time, value).
    pub chosen: Vec<(u64, Tick, Value)>,
    /// Every violation: (step as shown, invariant).
    pub violations: Vec<(u64, Invariant)>,
    /// What each learner learned, in learner order.
    pub learned: Vec<Option<Value>>,
}

impl Lesson {
    /// Plays the lesson to its end and checks every expectation.
    pub fn verify(&self) -> Result<Outcome, String> {
        let mut history = self.scenario.history();
        let outcome = run_lesson(self, &mut history);
        for e in &self.expect {
            e.check(&outcome).map_err(|why| format!("lesson {}: {why}", self.slug))?;
        }
        Ok(outcome)
    }

    /// Checks that every prompt's stated answer is what the run does after its caption.
    pub fn check_prompts(&self) -> Result<(), String> {
        let mut history = self.scenario.history();
        run_lesson(self, &mut history);
        self.prompts.iter().try_for_each(|p| {
            let fail = |why: String| Err(format!("lesson {}, prompt \"{}\": {why}", self.slug, p.question));
            let Some(caption) = self.scenario.captions.get(p.caption) else { return fail("no such caption".into()) };
            if p.answer >= p.choices.len() || !(2..=4).contains(&p.choices.len()) {
                return fail("2 to 4 choices, and the answer among them".into());
            }
            let mut after = history.trace.iter().filter(|e| e.shown_step() > caption.step);
            match p.fact {
                Fact::Proposes(node, value) => {
                    let proposed = after.find_map(|e| match &e.kind {
                        EventKind::Proposer { node: n, note: Note::Phase2 { value, .. } } if *n == node => Some(*value),
                        _ => None,
                    });
                    let named: Vec<usize> =
                        (0..p.choices.len()).filter(|&i| p.choices[i].contains(&format!("\"{value}\""))).collect();
                    if proposed != Some(value) || named != [p.answer] {
                        return fail(format!("{node} proposes {proposed:?}; the choices naming {value}: {named:?}"));
                    }
                }
                Fact::Violated(invariant) => {
                    if !after.any(|e| matches!(&e.kind, EventKind::Violation { invariant: i, .. } if *i == invariant)) {
                        return fail(format!("{} is never violated", invariant.name()));
                    }
                }
            }
            Ok(())
        })
    }
}

/// Plays `history` (a lesson's) until time passes the lesson's end, or nothing is left to do.
pub fn run_lesson(lesson: &Lesson, history: &mut History) -> Outcome {
    while history.frontier() < MAX_LESSON_STEPS && history.time() <= lesson.end_tick && history.forward() {}
    let world = history.world();
    let mut o = Outcome {
        steps: history.frontier(),
        time: world.now,
        chosen: Vec::new(),
        violations: Vec::new(),
        learned: world.system.cluster.learners.iter().map(|l| world.system.nodes[l.index()].node.learned()).collect(),
    };
    for e in &history.trace {
        match &e.kind {
            EventKind::Chosen { value, .. } => o.chosen.push((e.shown_step(), e.time, *value)),
            EventKind::Violation { invariant, .. } => o.violations.push((e.shown_step(), *invariant)),
            _ => {}
        }
    }
    o
}

/// A moment of a run a caption is tied to: the first matching event after the previous cue.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cue {
    /// Before anything happens (step 0): the introduction.
    Start,
    /// A scheduled action takes effect (the next one).
    Action,
    /// `node` sends a message of this kind (to anyone).
    Send(NodeId, MsgKind),
    /// A message of this kind is delivered to `node`.
    Deliver(NodeId, MsgKind),
    /// A message of this kind is dropped for this reason.
    Dropped(MsgKind, DropReason),
    /// An acceptor stores a promise for this ballot.
    Promised(NodeId, Ballot),
    /// An acceptor stores an acceptance at this ballot.
    Accepted(NodeId, Ballot),
    /// A proposer starts phase 1 with this ballot.
    Phase1(Ballot),
    /// A proposer starts phase 2 with this ballot.
    Phase2(Ballot),
    /// A value becomes chosen.
    Chosen,
    /// A learner learns a value.
    Learned(NodeId),
    /// A proposer knows its value is chosen.
    Done(NodeId),
    /// The network (or a person) duplicates a message of this kind.
    Duplicated(MsgKind),
    Timeout(NodeId),
    /// The first violation of this invariant.
    Violation(Invariant),
    /// The last event at or before this time.
    Time(Tick),
}

impl Cue {
    fn matches(self, e: &Event) -> bool {
        use EventKind as K;
        match (self, &e.kind) {
            (Cue::Action, K::Action { .. }) | (Cue::Chosen, K::Chosen { .. }) => true,
            (Cue::Send(n, k), K::Send { from, msg, .. }) => *from == n && msg.kind() == k,
            (Cue::Deliver(n, k), K::Deliver { to, msg, .. }) => *to == n && msg.kind() == k,
            (Cue::Dropped(k, r), K::Drop { msg, reason, .. }) => msg.kind() == k && *reason == r,
            (Cue::Promised(n, b), K::Promised { node, ballot }) => *node == n && *ballot == b,
            (Cue::Accepted(n, b), K::Accepted { node, proposal }) => *node == n && proposal.ballot == b,
            (Cue::Phase1(b), K::Proposer { note: Note::Phase1 { ballot }, .. }) => *ballot == b,
            (Cue::Phase2(b), K::Proposer { note: Note::Phase2 { ballot, .. }, .. }) => *ballot == b,
            (Cue::Learned(n), K::Learned { node, .. }) => *node == n,
            (Cue::Done(n), K::Proposer { node, note: Note::Done { .. } }) => *node == n,
            (Cue::Duplicated(k), K::Duplicate { msg, .. }) => msg.kind() == k,
            (Cue::Timeout(n), K::Timeout { node }) => *node == n,
            (Cue::Violation(i), K::Violation { invariant, .. }) => *invariant == i,
            _ => false,
        }
    }

    /// The index of the event this cue names, searching `trace` from `from`.
    fn find(self, trace: &[Event], from: usize) -> Option<usize> {
        match self {
            Cue::Start => Some(0),
            Cue::Time(t) => Some(trace.partition_point(|e| e.time <= t).checked_sub(1)?.max(from)),
            _ => trace.iter().skip(from).position(|e| self.matches(e)).map(|i| i + from),
        }
    }
}

/// A lesson as it is written: captions tied to cues, resolved to steps by `build`.
struct Draft {
    slug: &'static str,
    scenario: Scenario,
    captions: Vec<(Cue, &'static str)>,
    expect: Vec<Expect>,
    end_tick: Tick,
    prompts: Vec<Prompt>,
}

impl Draft {
    /// Plays the draft once and turns each cue into the cursor just after its event.
    fn build(self) -> Result<Lesson, String> {
        let mut lesson = Lesson {
            slug: self.slug,
            scenario: self.scenario,
            expect: self.expect,
            end_tick: self.end_tick,
            prompts: self.prompts,
        };
        let mut history = lesson.scenario.history();
        run_lesson(&lesson, &mut history);
        let trace = &history.trace;
        let mut from = 0;
        for (i, (cue, text)) in self.captions.into_iter().enumerate() {
            let at = cue
                .find(trace, from)
                .ok_or_else(|| format!("lesson {}: caption {i} ({cue:?}) never happens", self.slug))?;
            let step = if cue == Cue::Start { 0 } else { trace[at].shown_step() };
            lesson.scenario.captions.push(Caption { step, text: text.to_string() });
            from = at + usize::from(cue != Cue::Start);
        }
        lesson.scenario.validate().map_err(|e| format!("lesson {}: {e}", self.slug))?;
        Ok(lesson)
    }
}

/// Every lesson, in teaching order, or the first one that does not build.
pub fn try_all() -> Result<Vec<Lesson>, String> {
    library::drafts().into_iter().map(Draft::build).collect()
}

/// Every lesson that builds, in teaching order (all of them: `tests/native/lessons.rs` checks).
pub fn all() -> Vec<Lesson> {
    library::drafts().into_iter().filter_map(|d| d.build().ok()).collect()
}

/// The slugs, in teaching order, without building the lessons.
pub fn slugs() -> Vec<&'static str> {
    library::drafts().iter().map(|d| d.slug).collect()
}

/// The lesson named `slug`.
pub fn by_slug(slug: &str) -> Option<Lesson> {
    library::drafts().into_iter().find(|d| d.slug == slug).and_then(|d| d.build().ok())
}
