//! The safety panel as data: each invariant the checker runs after every event, OK or violated
//! at the cursor, with the step, detail and nodes of each violation, and the configuration's
//! warnings (unsafe quorums, broken variants) that explain why a violation can happen at all.
//!
//! Why read the trace: the world keeps its violations without their step; the trace's
//! `Violation` events carry it. The trace is only scanned when the world has violations, so a
//! healthy run costs nothing here.

use super::state::Playground;
use crate::protocol::{NodeId, Value};
use crate::sim::{EventKind, Invariant, Tick, World};

/// Most violations listed per invariant (the first ones; the rest are counted).
pub const VIOLATIONS_SHOWN_MAX: usize = 5;

/// The `data-invariant` value of an invariant.
pub fn slug(invariant: Invariant) -> &'static str {
    match invariant {
        Invariant::Agreement => "agreement",
        Invariant::Validity => "validity",
        Invariant::PromiseMonotonic => "promise-monotonic",
        Invariant::ChosenStable => "chosen-stable",
        Invariant::SlotAgreement => "slot-agreement",
        Invariant::SlotStable => "slot-stable",
        Invariant::StateMachineSafety => "state-machine-safety",
        Invariant::VersionMonotonic => "version-monotonic",
        Invariant::OneLeaderPerBallot => "one-leader-per-ballot",
        Invariant::Linearizable => "linearizable",
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ViolationRow {
    pub step: u64,
    pub time: Tick,
    pub detail: String,
    pub nodes: Vec<NodeId>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct InvariantRow {
    pub invariant: Invariant,
    pub slug: &'static str,
    pub name: &'static str,
    pub meaning: &'static str,
    pub ok: bool,
    /// The first violations, in the order they happened.
    pub violations: Vec<ViolationRow>,
    /// How many violations in all (more than listed when a broken run keeps breaking it).
    pub count: usize,
    /// The last one seen, to skip a repeat of it.
    last: Option<ViolationRow>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Safety {
    pub rows: Vec<InvariantRow>,
    pub warnings: Vec<String>,
    pub all_ok: bool,
}

pub fn build(p: &Playground) -> Safety {
    let mut rows: Vec<InvariantRow> = Invariant::ALL
        .iter()
        .map(|&i| InvariantRow {
            invariant: i,
            slug: slug(i),
            name: i.single_decree_name().unwrap_or_default(),
            meaning: i.single_decree_meaning().unwrap_or_default(),
            ok: true,
            violations: Vec::new(),
            count: 0,
            last: None,
        })
        .collect();
    if !p.history.world().system.violations.is_empty() {
        for e in p.history.past() {
            if let EventKind::Violation { invariant, nodes, detail } = &e.kind {
                let Some(row) = rows.iter_mut().find(|r| r.invariant == *invariant) else { continue };
                row.ok = false;
                // The checker may report one fact twice in a step (when an acceptance is
                // checked, then again when the value it contradicts becomes chosen).
                let v =
                    ViolationRow { step: e.shown_step(), time: e.time, detail: detail.clone(), nodes: nodes.clone() };
                if row.last.as_ref() == Some(&v) {
                    continue;
                }
                row.count += 1;
                if row.violations.len() < VIOLATIONS_SHOWN_MAX {
                    row.violations.push(v.clone());
                }
                row.last = Some(v);
            }
        }
    }
    let all_ok = rows.iter().all(|r| r.ok);
    Safety { rows, warnings: p.scenario.config.warnings(), all_ok }
}

/// What the header (and the embed's bar) says about the chosen value at the cursor: the value
/// when one is chosen, and when a broken run has chosen two or more, that agreement is violated,
/// naming them all, so a green "Chosen" never hides a second value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChosenStatus {
    pub text: String,
    /// The `data-state` of the status: `none`, `chosen` or `violated`.
    pub state: &'static str,
}

pub fn chosen_status(world: &World) -> ChosenStatus {
    let mut values: Vec<Value> = Vec::new();
    for p in &world.system.monitor.chosen {
        if !values.contains(&p.value) {
            values.push(p.value);
        }
    }
    let quoted: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
    let status = match quoted.as_slice() {
        [] => ChosenStatus { text: "No value chosen yet".into(), state: "none" },
        [one] => ChosenStatus { text: format!("Chosen: {one}"), state: "chosen" },
        [first @ .., last] => {
            return ChosenStatus {
                text: format!("Agreement violated: {} and {last} chosen", first.join(", ")),
                state: "violated",
            }
        }
    };
    // Another property broken (one value chosen, but an acceptor later accepted another at a
    // higher ballot, say): the status is not green while the safety panel is red.
    match world.system.violations.first() {
        Some(v) => ChosenStatus {
            text: format!("{} · {} violated", status.text, v.invariant.single_decree_name().unwrap_or_default()),
            state: "violated",
        },
        None => status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Broken, Quorums, Value};
    use crate::scenario::Scenario;
    use crate::sim::{Action, At, Config, Scheduled, Topology};
    use crate::view::UiAction;

    fn propose(t: u64, node: u8, value: u32) -> Scheduled {
        Scheduled { at: At::Tick(t), action: Action::Propose { node: NodeId(node), value: Value(value) } }
    }

    #[test]
    fn a_correct_run_is_all_ok_with_no_warnings() {
        let mut p =
            Playground::new(Scenario { schedule: vec![propose(0, 0, 0), propose(3, 1, 1)], ..Scenario::default() });
        p.reduce(UiAction::Seek(400));
        let s = build(&p);
        let slugs: Vec<&str> = s.rows.iter().map(|r| r.slug).collect();
        assert_eq!(slugs, ["agreement", "validity", "promise-monotonic", "chosen-stable"]);
        assert!(s.all_ok && s.rows.iter().all(|r| r.ok && r.violations.is_empty()));
        assert!(s.warnings.is_empty());
    }

    /// Minority quorums (1 of 3) let two proposers each get a value chosen: agreement breaks.
    #[test]
    fn unsafe_quorums_warn_and_the_violation_has_its_step_and_detail() {
        let config = Config {
            topology: Topology::Separate { proposers: 2, acceptors: 3, learners: 1 },
            quorums: Some(Quorums { phase1: 1, phase2: 1 }),
            broken: Broken { ignore_accepted_values: true, forgetful_acceptors: false },
            ..Config::default()
        };
        let schedule = vec![propose(0, 0, 0), propose(0, 1, 1)];
        let mut p = Playground::new(Scenario { config, schedule, ..Scenario::default() });
        p.reduce(UiAction::Seek(2000));
        let s = build(&p);
        assert!(s.warnings.iter().any(|w| w.starts_with("UNSAFE")), "{:?}", s.warnings);
        assert!(s.warnings.iter().any(|w| w.starts_with("BROKEN")));
        assert!(!s.all_ok);
        let agreement = &s.rows[0];
        assert!(!agreement.ok, "{s:?}");
        let first = &agreement.violations[0];
        let event = p.history.events_of(first.step - 1);
        assert!(event
            .iter()
            .any(|e| matches!(&e.kind, EventKind::Violation { detail, .. } if *detail == first.detail)));
        // Pinned: agreement breaks twice, when "B" is chosen after "A" and when the learner
        // learns "B"; both are listed.
        let steps: Vec<u64> = agreement.violations.iter().map(|v| v.step).collect();
        assert_eq!((agreement.count, steps), (2, vec![8, 16]));
        assert_eq!(agreement.violations[1].detail, "n5 learned \"B\" but \"A\" was chosen at 1.0");
        for row in &s.rows {
            let repeats = row.violations.windows(2).filter(|w| w[0] == w[1]).count();
            assert_eq!(repeats, 0, "a fact reported twice in a step is listed once: {row:?}");
        }
        // At its step the violation shows; one step earlier every invariant is OK again.
        p.reduce(UiAction::Seek(first.step));
        assert!(!build(&p).rows[0].ok);
        p.reduce(UiAction::Seek(first.step - 1));
        assert!(build(&p).rows[0].ok);
    }

    /// A run whose only broken property is not agreement (the forgetful-acceptor lesson breaks
    /// promise monotonicity first): the status turns red with the property's name, not green.
    #[test]
    fn the_chosen_status_is_red_when_any_property_is_violated() {
        let lesson = crate::scenario::lessons::by_slug("forgetful-acceptor").unwrap();
        let first = lesson
            .expect
            .iter()
            .find_map(|e| match e {
                crate::scenario::lessons::Expect::Violation { invariant, step } => Some((*invariant, *step)),
                _ => None,
            })
            .expect("the lesson expects a violation");
        let mut p = Playground::new(lesson.scenario);
        p.reduce(UiAction::Seek(first.1 - 1));
        assert_ne!(chosen_status(p.history.world()).state, "violated", "before the violation");
        p.reduce(UiAction::Seek(first.1));
        let s = chosen_status(p.history.world());
        assert_eq!(s.state, "violated", "{s:?}");
        if p.history.world().system.monitor.chosen.len() < 2 {
            assert!(s.text.ends_with(&format!(" · {} violated", first.0.name())), "{s:?}");
        }
    }

    /// The small-quorums lesson: "A" is chosen at step 17 and "B" at step 23 (agreement breaks).
    /// The status says so from that step on, and only the one value before it.
    #[test]
    fn the_chosen_status_names_every_value_chosen() {
        let lesson = crate::scenario::lessons::by_slug("small-quorums").unwrap();
        let mut p = Playground::new(lesson.scenario);
        let status = |p: &mut Playground, step| {
            p.reduce(UiAction::Seek(step));
            chosen_status(p.history.world())
        };
        assert_eq!(status(&mut p, 16), ChosenStatus { text: "No value chosen yet".into(), state: "none" });
        assert_eq!(status(&mut p, 17), ChosenStatus { text: "Chosen: \"A\"".into(), state: "chosen" });
        assert_eq!(status(&mut p, 21).state, "chosen");
        // At step 22 an acceptor accepts "B" above the ballot that chose "A": not green any more.
        let stable = ChosenStatus { text: "Chosen: \"A\" · chosen value stable violated".into(), state: "violated" };
        assert_eq!(status(&mut p, 22), stable);
        let broken = ChosenStatus { text: "Agreement violated: \"A\" and \"B\" chosen".into(), state: "violated" };
        assert_eq!(status(&mut p, 23), broken);
        // The space-time diagram marks the second value red.
        let marks = crate::view::spacetime::build(&p).chosen;
        let shown: Vec<(&str, bool)> = marks.iter().map(|m| (m.label.as_str(), m.violated)).collect();
        assert_eq!(shown, [("\"A\" chosen at 1.0", false), ("\"B\" chosen at 1.1: agreement violated", true)]);
        assert_eq!(status(&mut p, 60), broken);
    }
}
