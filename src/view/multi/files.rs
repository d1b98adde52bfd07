//! The Multi-Paxos mode's files (issue 10, "Links, files, embed"): their names (the run's title
//! and seed) and the two JSON documents, the scenario (what replays the run: configuration,
//! seed, the person's actions so far) and the trace (the scenario, the recorded events up to the
//! frontier and their hash). The client history's JSON Lines, EDN and SVG are `export`'s.

use super::{MultiPlayground, MultiScenario};
use crate::sim::multi::MultiEvent;
use crate::sim::Event;
use serde::{Deserialize, Serialize};

/// What the trace file says it is.
pub const TRACE_FORMAT: &str = "paxos-playground multi-paxos trace";

/// The trace file: enough to replay the run and to check the replay event by event.
#[derive(Debug, Serialize, Deserialize)]
pub struct TraceFile {
    pub format: String,
    pub scenario: MultiScenario,
    /// Steps recorded (the frontier) and the hash of their trace, in hex as the page shows it.
    pub steps: u64,
    pub trace_hash: String,
    pub events: Vec<Event<MultiEvent>>,
}

/// The start of every file's name: the title in lower case words joined by dashes, and the seed
/// (`five-replicas-three-clients-seed-1`).
pub fn file_stem(p: &MultiPlayground) -> String {
    let words: Vec<String> = p
        .scenario
        .title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut title = words.join("-");
    title.truncate(60);
    let title = title.trim_end_matches('-');
    let title = if title.is_empty() { "multi-paxos" } else { title };
    format!("{title}-seed-{}", p.scenario.seed)
}

/// The scenario that replays the run on screen: its configuration and seed with every action
/// recorded so far (those done by hand included).
pub fn scenario_now(p: &MultiPlayground) -> MultiScenario {
    MultiScenario { schedule: p.history.person.clone(), ..p.scenario.clone() }
}

pub fn scenario_json(p: &MultiPlayground) -> String {
    serde_json::to_string_pretty(&scenario_now(p)).unwrap_or_default()
}

pub fn trace_json(p: &MultiPlayground) -> String {
    let file = TraceFile {
        format: TRACE_FORMAT.into(),
        scenario: scenario_now(p),
        steps: p.history.frontier(),
        trace_hash: format!("{:016x}", p.history.trace_hash()),
        events: p.history.trace.clone(),
    };
    serde_json::to_string(&file).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::{default_scenario, multi_scenario, MultiAction, MultiPlayground, MultiSelection};
    use super::*;
    use crate::protocol::NodeId;

    #[test]
    fn file_names_carry_the_title_and_the_seed() {
        let mut p = MultiPlayground::new(default_scenario());
        assert_eq!(file_stem(&p), "five-replicas-three-clients-seed-1");
        p.scenario.title = "<b>Ünïcode & \"quotes\"</b> / 9".into();
        p.scenario.seed = 42;
        assert_eq!(file_stem(&p), "b-n-code-quotes-b-9-seed-42");
        p.scenario.title = "???".into();
        assert_eq!(file_stem(&p), "multi-paxos-seed-42");
        p.scenario.title = "x".repeat(300);
        assert_eq!(file_stem(&p).len(), 60 + "-seed-42".len());
    }

    /// The scenario file, read back, replays the same run (hand actions included, forks too),
    /// and the trace file carries exactly the recorded events and their hash.
    #[test]
    fn the_scenario_and_trace_files_read_back_and_replay_the_run() {
        let lesson = multi_scenario("multi-leader-crash").expect("the lesson");
        let mut p = MultiPlayground::new(lesson.scenario);
        p.reduce(MultiAction::Seek(300));
        p.reduce(MultiAction::ToggleCrash(NodeId(2)));
        p.reduce(MultiAction::Seek(200)); // behind the frontier: the files hold the whole recording
        p.reduce(MultiAction::Select(MultiSelection::Slot(1)));
        let back: MultiScenario = serde_json::from_str(&scenario_json(&p)).expect("the scenario reads back");
        assert_eq!(back.schedule, p.history.person);
        assert!(back.schedule.len() > p.scenario.schedule.len(), "the crash by hand is in it");
        assert_eq!(back.validate(), Ok(()));
        let mut replay = MultiPlayground::new(back);
        replay.reduce(MultiAction::Seek(p.history.frontier()));
        assert_eq!(replay.history.trace_hash(), p.history.trace_hash());

        let text = trace_json(&p);
        let file: TraceFile = serde_json::from_str(&text).expect("the trace reads back");
        assert_eq!(file.format, TRACE_FORMAT);
        assert_eq!(file.steps, 301);
        assert_eq!(file.events, p.history.trace);
        assert_eq!(file.trace_hash, format!("{:016x}", crate::sim::multi::trace_hash(&file.events)));
        assert_eq!(file.scenario, scenario_now(&p));
        let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert!(value["events"].as_array().is_some_and(|e| e.iter().any(|e| e["kind"] == "crash")));
    }
}
