//! "Find a run that breaks it": for a broken or unsafe configuration, random runs of that very
//! configuration (the sweep's generator: client requests and faults drawn from a seed, seed
//! after seed) until one violates a safety invariant. The page asks for `BATCH` seeds at a time
//! (the `breaks` request), shows how many it has tried, and stops at `SEEDS_MAX`; the first
//! failing run comes back as the scenario to open, at the step of its first violation.
//!
//! Why random runs and not the model checker: they need no bounds from the person, reuse the
//! sweep that `cargo test` already trusts, and show a run with realistic timing; a seed names
//! the run forever, so the link to it replays exactly.

use crate::scenario::Scenario;
use crate::sim::{Config, Event, EventKind, Schedule, World};
use crate::sweep::{scenario_for_config, FaultMix, MAX_STEPS, SETTLE_TICKS};

/// Seeds tried in one request (a fraction of a second in the worker).
pub const BATCH: u64 = 25;
/// Seeds tried before the page says none was found.
pub const SEEDS_MAX: u64 = 1_000;

/// Runs seeds `from..from + count` of `config` and returns the first run that breaks a safety
/// invariant, with its cursor at the first violation (the step the page shows it at).
pub fn search(config: &Config, from: u64, count: u64) -> Option<Scenario> {
    let mix = FaultMix::all().with_timeout_growth(config.timing.timeout_growth);
    (from..from.saturating_add(count)).find_map(|seed| {
        let (scenario, plan) = scenario_for_config(seed, &mix, config.clone());
        let mut world = World::new(&scenario.config, scenario.seed);
        let mut trace: Vec<Event> = Vec::new();
        world.run(&Schedule::new(&scenario.schedule), &mut (), MAX_STEPS, plan.faults_end + SETTLE_TICKS);
        if world.system.violations.is_empty() {
            return None;
        }
        // Again, recorded, for the step of the first violation (a clean run is not recorded).
        let mut world = World::new(&scenario.config, scenario.seed);
        world.run(&Schedule::new(&scenario.schedule), &mut trace, MAX_STEPS, plan.faults_end + SETTLE_TICKS);
        let step = trace.iter().find(|e| matches!(e.kind, EventKind::Violation { .. }))?.shown_step();
        Some(Scenario {
            title: format!("A run that breaks it (seed {seed})"),
            description: "Found by \"Find a run that breaks it\": random client requests and faults on this configuration, opened at its first safety violation.".into(),
            cursor: Some(step),
            ..scenario
        })
    })
}

/// The hint, the button and the status line in the safety panel, as markup (`text` escaped).
pub fn finder_markup(busy: bool, text: &str) -> String {
    let disabled = if busy { " disabled" } else { "" };
    let text = text.replace('&', "&amp;").replace('<', "&lt;");
    format!(
        "<p class=\"break-hint\">This configuration can break Paxos. See it happen in a run:</p>\
         <button type=\"button\" id=\"find-break\" class=\"btn small\"{disabled}>Find a run that breaks it</button>\
         <p id=\"break-status\" class=\"break-status\" role=\"status\">{text}</p>"
    )
}

/// What the safety panel says while searching, after `tried` seeds.
pub fn progress_text(tried: u64) -> String {
    format!("Searching: {tried} of {SEEDS_MAX} random runs tried…")
}

/// What it says once a run is found and opened.
pub fn found_text(tried: u64, seed: u64, step: u64) -> String {
    let runs = if tried == 1 { "run" } else { "runs" };
    format!("Found after {tried} {runs}: seed {seed} breaks safety at step {step}. It is open now; share it with Copy link.")
}

/// What it says when no run was found within the bound.
pub fn none_text() -> String {
    format!("No run out of {SEEDS_MAX} broke safety. This configuration may need rarer faults to fail: try the model checker (Check…), which tries every interleaving.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Quorums, Timing};
    use crate::sim::{NetParams, Topology};
    use crate::view::{safety, Playground, UiAction};

    fn config() -> Config {
        Config {
            topology: Topology::Separate { proposers: 2, acceptors: 3, learners: 1 },
            network: NetParams { latency_ticks_min: 5, latency_ticks_max: 5, loss: 0.0, duplicate: 0.0 },
            timing: Timing::default(),
            ..Config::default()
        }
    }

    /// The first failing seed within the bound, and how many seeds it took.
    fn first(config: &Config) -> Option<(u64, Scenario)> {
        (0..SEEDS_MAX / BATCH).find_map(|b| search(config, 1 + b * BATCH, BATCH)).map(|s| (s.seed, s))
    }

    /// Opened as the page opens it, the run is safe one step before the cursor and violated at it.
    fn breaks_at_cursor(s: &Scenario) {
        let step = s.cursor.unwrap();
        let mut p = Playground::new(s.clone());
        p.reduce(UiAction::Seek(step - 1));
        assert!(safety::build(&p).all_ok, "seed {}: safe before step {step}", s.seed);
        p.reduce(UiAction::Seek(step));
        assert!(!safety::build(&p).all_ok, "seed {}: violated at step {step}", s.seed);
    }

    #[test]
    fn each_broken_configuration_is_shown_failing() {
        let mut small = config();
        small.topology = Topology::Separate { proposers: 2, acceptors: 4, learners: 1 };
        small.quorums = Some(Quorums { phase1: 2, phase2: 2 });
        let mut forgetful = config();
        forgetful.broken.forgetful_acceptors = true;
        let mut ignoring = config();
        ignoring.broken.ignore_accepted_values = true;
        for c in [small, forgetful, ignoring] {
            let (seed, s) = first(&c).unwrap_or_else(|| panic!("no break found for {:?}", c.warnings()));
            assert_eq!(s.config, c, "the person's configuration, unchanged");
            assert!(s.validate().is_ok());
            breaks_at_cursor(&s);
            assert_eq!(search(&c, seed, 1), Some(s), "a seed names the same run every time");
        }
    }

    #[test]
    fn a_correct_configuration_does_not_break() {
        assert_eq!(search(&config(), 1, 2 * BATCH), None);
    }

    #[test]
    fn the_finder_is_a_button_and_a_status_line() {
        let idle = finder_markup(false, "");
        assert!(idle.contains("id=\"find-break\" class=\"btn small\">Find a run"), "{idle}");
        let busy = finder_markup(true, "<b>x</b> & y");
        assert!(
            busy.contains("class=\"btn small\" disabled>") && busy.contains(">&lt;b>x&lt;/b> &amp; y</p>"),
            "{busy}"
        );
    }

    #[test]
    fn the_messages_say_what_happened() {
        assert_eq!(progress_text(50), "Searching: 50 of 1000 random runs tried…");
        assert!(found_text(1, 7, 33).starts_with("Found after 1 run: seed 7 breaks safety at step 33."));
        assert!(none_text().starts_with("No run out of 1000 broke safety."));
    }
}
