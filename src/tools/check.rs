//! The model checker in the tools worker: a `Job` is one check the page asked for, run in
//! slices so the worker answers a Cancel (and any other request) between them.
//!
//! start (the scenario's link payload for the configuration, the bounds as `name=value` pairs,
//! see `view::check::query`) -> `advance` in slices -> `outcome`. The worker (`worker`) owns
//! the clock: it times the slices, posts the progress several times a second and the outcome
//! at the end, both as the markup the page shows (`markup`); nothing here reads a clock, so all
//! of it is tested natively.

pub mod markup;

use crate::check::replay::to_scenario;
use crate::check::{Bounds, Ending, Goal, Model, Options, Report, Search, Strategy, Trail, Verdict};
use crate::scenario::link;
use crate::view::check::{MAX_MIB_DEFAULT, MAX_STATES_DEFAULT};
use markup::{grouped, Outcome, Progress, TrailLine, VerdictLine};

/// The limits of what the page may ask for. The search is exponential in every bound: these
/// only keep a typo from asking for something that could never end or fit.
pub const MAX_ROUNDS: u32 = 10;
pub const MAX_FAULTS: u8 = 10;
pub const MAX_DEPTH: u32 = 1_000;
pub const MAX_STATES: u64 = 50_000_000;
/// The worker's memory is a wasm32 heap (at most 4 GiB, and the visited set doubles when it
/// grows), so the page's memory limit stays well below it.
pub const MAX_MIB: u64 = 2_048;

/// One check.
pub struct Job {
    search: Search,
}

/// The model and options a request asks for, or what to fix.
pub fn parse(payload: &str, query: &str) -> Result<(Model, Options), String> {
    let scenario = link::decode_any_length(payload).map_err(|e| format!("the configuration could not be read: {e}"))?;
    let mut bounds = Bounds { rounds: 1, ..Bounds::default() };
    let mut options =
        Options { max_states: MAX_STATES_DEFAULT, max_bytes: MAX_MIB_DEFAULT << 20, ..Options::default() };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "rounds" => bounds.rounds = number(key, value, 1, MAX_ROUNDS.into())? as u32,
            "drops" => bounds.drops = number(key, value, 0, MAX_FAULTS.into())? as u8,
            "duplicates" => bounds.duplicates = number(key, value, 0, MAX_FAULTS.into())? as u8,
            "crashes" => bounds.crashes = number(key, value, 0, MAX_FAULTS.into())? as u8,
            "recover" => bounds.recover = value == "1",
            "depth" if value.is_empty() => bounds.depth = None,
            "depth" => bounds.depth = Some(number(key, value, 1, MAX_DEPTH.into())? as u32),
            "dfs" => options.strategy = if value == "1" { Strategy::Dfs } else { Strategy::Bfs },
            "symmetry" => options.symmetry = value == "1",
            "goal" if value.is_empty() => options.goal = None,
            "goal" => options.goal = Some(Goal::parse(value).ok_or_else(|| format!("no goal \"{}\"", clip(value)))?),
            "max_states" => options.max_states = number("state limit", value, 1, MAX_STATES)?,
            "max_mib" => options.max_bytes = number("memory limit (MiB)", value, 1, MAX_MIB)? << 20,
            _ => return Err(format!("unknown setting \"{}\"", clip(key))),
        }
    }
    let model =
        Model::new(scenario.config, bounds).map_err(|e| format!("this configuration cannot be checked: {}", e.0))?;
    Ok((model, options))
}

/// A whole number in `min..=max`, or a message naming the field.
fn number(name: &str, text: &str, min: u64, max: u64) -> Result<u64, String> {
    let n: u64 = text.parse().map_err(|_| format!("{name}: \"{}\" is not a whole number", clip(text)))?;
    if !(min..=max).contains(&n) {
        return Err(format!("{name}: {n} is outside {min} to {max}"));
    }
    Ok(n)
}

fn clip(s: &str) -> String {
    s.chars().take(20).collect()
}

impl Job {
    pub fn start(payload: &str, query: &str) -> Result<Job, String> {
        let (model, options) = parse(payload, query)?;
        Ok(Job { search: Search::new(model, options) })
    }

    /// Expands at most `budget` states; true once the search is over.
    pub fn advance(&mut self, budget: usize) -> bool {
        self.search.advance(budget).is_some()
    }

    /// Whether the search is over (complete, a violation or a goal found, a limit, cancelled).
    pub fn finished(&self) -> bool {
        self.search.ending.is_some()
    }

    pub fn cancel(&mut self) {
        self.search.cancel();
    }

    pub fn progress(&self, elapsed_ms: f64) -> Progress {
        let c = &self.search.counts;
        Progress {
            unique: c.unique,
            generated: c.generated,
            depth: c.depth.into(),
            queue: c.queue,
            bytes: c.bytes,
            elapsed_ms,
        }
    }

    /// What the search found: the ending, the counts, a verdict per property, and each run
    /// worth replaying as a scenario's link payload.
    pub fn outcome(&self, elapsed_ms: f64) -> Outcome {
        let r = Report::of(&self.search);
        let unique = grouped(r.counts.unique);
        let headline = match r.ending {
            Ending::Complete => "Complete: every state within the bounds was explored".to_string(),
            Ending::Violation => "VIOLATION: an invariant breaks (the run is below)".to_string(),
            Ending::Goal => "Goal reached (the run is below)".to_string(),
            Ending::StateLimit => format!("Incomplete: {unique} states explored (the state limit was reached)"),
            Ending::MemoryLimit => format!("Incomplete: {unique} states explored (the memory limit was reached)"),
            Ending::Cancelled => format!("Cancelled. Incomplete: {unique} states explored"),
        };
        let mut verdicts: Vec<VerdictLine> = r
            .invariants
            .iter()
            .map(|(i, v)| VerdictLine { property: i.name().to_string(), verdict: verdict_name(*v) })
            .collect();
        verdicts.push(VerdictLine { property: "a value can be chosen".into(), verdict: verdict_name(r.chosen) });
        if let (Some(goal), Some(v)) = (self.search.options.goal, r.goal) {
            verdicts.push(VerdictLine { property: format!("goal: {}", goal.describe()), verdict: verdict_name(v) });
        }
        let shortest = if self.search.options.strategy == Strategy::Bfs { "a shortest" } else { "a" };
        let trails = [
            ("counterexample", format!("Counterexample: {shortest} run that breaks an invariant"), &r.violation),
            ("goal", format!("Witness: {shortest} run to the goal"), &r.goal_witness),
            ("chosen", format!("Witness: {shortest} run in which a value is chosen"), &r.chosen_witness),
            ("stuck", format!("Stuck: {shortest} run after which nothing more can happen"), &r.stuck_example),
        ];
        let trails =
            trails.into_iter().filter_map(|(kind, title, t)| Some(self.trail(kind, title, t.as_ref()?))).collect();
        Outcome {
            ending: ending_name(r.ending),
            headline,
            counts: self.progress(elapsed_ms),
            stuck: r.counts.stuck,
            verdicts,
            trails,
        }
    }

    fn trail(&self, kind: &'static str, title: String, trail: &Trail) -> TrailLine {
        let (payload, note) = match to_scenario(&self.search.model, trail, &title) {
            Ok(replay) => {
                let what = trail.violations.first().map(|v| format!("{} violated: {}", v.invariant.name(), v.detail));
                (link::encode(&replay.scenario), what.unwrap_or_default())
            }
            Err(e) => (String::new(), e),
        };
        TrailLine { kind, title, steps: trail.steps.len(), payload, note }
    }
}

fn ending_name(e: Ending) -> &'static str {
    match e {
        Ending::Complete => "complete",
        Ending::Violation => "violation",
        Ending::Goal => "goal",
        Ending::StateLimit => "state_limit",
        Ending::MemoryLimit => "memory_limit",
        Ending::Cancelled => "cancelled",
    }
}

fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Holds => "holds",
        Verdict::Violated => "violated",
        Verdict::Unknown => "unknown",
        Verdict::Reached => "reached",
        Verdict::Unreachable => "unreachable",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Goal;
    use crate::scenario::Scenario;
    use crate::sim::{Config, Invariant, Topology};
    use crate::view::check::{default_query, presets, FORM_BOUNDS};

    fn payload(config: Config) -> String {
        link::encode(&Scenario { config, ..Scenario::default() })
    }

    fn one_proposer() -> String {
        payload(presets()[1].config.clone().unwrap())
    }

    /// Runs a job to its end in slices, as the worker does.
    fn run(payload: &str, changes: &[(&str, &str)]) -> (Outcome, usize) {
        let mut job = Job::start(payload, &default_query(changes)).unwrap();
        let mut slices = 1;
        while !job.advance(256) {
            slices += 1;
            assert!(job.progress(0.0).unique > 0);
        }
        (job.outcome(1000.0), slices)
    }

    #[test]
    fn a_small_check_runs_in_slices_to_every_verdict() {
        let (o, slices) = run(&one_proposer(), &[]);
        assert!(slices > 10, "{slices} slices");
        assert_eq!(o.ending, "complete");
        assert_eq!(o.counts.unique, 8_818, "the pinned count (tests/native/check.rs)");
        assert_eq!(o.counts.elapsed_ms, 1000.0);
        let verdicts: Vec<(&str, &str)> = o.verdicts.iter().map(|v| (v.property.as_str(), v.verdict)).collect();
        assert_eq!(
            verdicts,
            [
                ("agreement", "holds"),
                ("validity", "holds"),
                ("promise monotonicity", "holds"),
                ("chosen value stable", "holds"),
                ("a value can be chosen", "reached"),
            ]
        );
        let kinds: Vec<&str> = o.trails.iter().map(|t| t.kind).collect();
        assert!(kinds.contains(&"chosen"), "{kinds:?}");
        let symmetric = run(&one_proposer(), &[("symmetry", "1")]).0;
        assert_eq!(symmetric.counts.unique, 1_713);
    }

    #[test]
    fn the_broken_variant_gives_a_counterexample_that_opens_at_the_violation() {
        let (o, _) = run(&payload(presets()[5].config.clone().unwrap()), &[]);
        assert_eq!(o.ending, "violation");
        let ce = &o.trails[0];
        assert_eq!((ce.kind, ce.steps), ("counterexample", 13));
        assert!(ce.note.starts_with("chosen value stable violated: n2 accepted \"B\""), "{}", ce.note);
        let scenario = link::decode_any_length(&ce.payload).unwrap();
        let mut history = scenario.history();
        let cursor = scenario.cursor.unwrap();
        history.extend(cursor);
        history.seek(cursor);
        let broken: Vec<Invariant> = history.world().system.violations.iter().map(|v| v.invariant).collect();
        assert_eq!(broken, [Invariant::ChosenStable]);
        history.seek(cursor - 1);
        assert!(history.world().system.violations.is_empty(), "red at the last step, not before");
    }

    #[test]
    fn a_goal_gives_its_witness() {
        let (o, _) = run(&payload(Config::default()), &[("goal", "adopted")]);
        assert_eq!(o.ending, "goal");
        assert!(o.verdicts.iter().any(|v| v.property.starts_with("goal: ") && v.verdict == "reached"));
        assert!(o.trails.iter().any(|t| t.kind == "goal" && !t.payload.is_empty()));
    }

    #[test]
    fn cancel_and_limits_end_incomplete() {
        let mut job = Job::start(&payload(Config::default()), &default_query(&[])).unwrap();
        job.advance(64);
        job.cancel();
        assert!(job.advance(64), "a cancelled job is over");
        let o = job.outcome(5.0);
        assert_eq!(o.ending, "cancelled");
        assert!(o.headline.starts_with("Cancelled. Incomplete: "), "{}", o.headline);
        assert!(o.verdicts.iter().take(4).all(|v| v.verdict == "unknown"));
        let o = run(&payload(Config::default()), &[("max_states", "500")]).0;
        assert_eq!(o.ending, "state_limit");
        assert!(o.headline.contains("states explored (the state limit"), "{}", o.headline);
    }

    #[test]
    fn bad_requests_say_what_to_fix() {
        let ok = one_proposer();
        let s = |name, value| default_query(&[(name, value)]);
        let err = |payload: &str, query: String| Job::start(payload, &query).err().unwrap();
        assert_eq!(err(&ok, s("rounds", "x")), "rounds: \"x\" is not a whole number");
        assert_eq!(err(&ok, s("rounds", "0")), "rounds: 0 is outside 1 to 10");
        assert_eq!(err(&ok, s("drops", "300")), "drops: 300 is outside 0 to 10");
        assert_eq!(err(&ok, s("depth", "-1")), "depth: \"-1\" is not a whole number");
        assert_eq!(err(&ok, s("max_mib", "99999999")), "memory limit (MiB): 99999999 is outside 1 to 2048");
        assert_eq!(err(&ok, s("goal", "fly")), "no goal \"fly\"");
        assert_eq!(err(&ok, "rounds=1&colour=red".into()), "unknown setting \"colour\"");
        assert!(err("!!", String::new()).starts_with("the configuration could not be read"));
        let big =
            Config { topology: Topology::Separate { proposers: 2, acceptors: 16, learners: 1 }, ..Config::default() };
        let e = err(&payload(big), String::new());
        assert!(e.starts_with("this configuration cannot be checked: the checker takes at most 16 nodes"), "{e}");
        assert!(Job::start(&ok, "").is_ok(), "every setting has a default");
    }

    /// The form offers every goal the checker knows, by its name.
    #[test]
    fn the_form_offers_every_goal() {
        for goal in Goal::ALL {
            assert!(FORM_BOUNDS.contains(&format!("<option value=\"{}\">", goal.name())), "{}", goal.name());
        }
    }
}
