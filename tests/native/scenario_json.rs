//! Scenario files (JSON) enforce the same limits as links with clear messages, and a run's
//! trace exports as JSON that names its format and reproduces the run.

use paxos_playground::protocol::{NodeId, Value};
use paxos_playground::scenario::{export, lessons, Problem, Scenario, FORMAT_VERSION, MAX_JSON_BYTES, MAX_JSON_DEPTH};
use paxos_playground::sim::{Action, At, Config, Scheduled};

fn refused(text: &str) -> Problem {
    Scenario::from_json(text).expect_err("must be refused").problem
}

#[test]
fn a_file_round_trips_and_a_missing_version_means_format_1() {
    let lesson = lessons::by_slug("partition").unwrap().scenario;
    assert_eq!(Scenario::from_json(&lesson.to_json()), Ok(lesson));
    let minimal = r#"{"seed": 5, "schedule": [{"at": {"tick": 0}, "action": {"propose": {"node": 0, "value": 1}}}]}"#;
    let s = Scenario::from_json(minimal).unwrap();
    // Read as format 1 and migrated: the current version in memory, timeouts fixed as format 1
    // had them (the file leaves out `timing`, which would otherwise be the default, growing).
    assert_eq!((s.version, s.seed), (FORMAT_VERSION, 5));
    assert!(!s.config.timing.timeout_growth);
    assert_eq!(
        s.schedule,
        [Scheduled { at: At::Tick(0), action: Action::Propose { node: NodeId(0), value: Value(1) } }]
    );
}

#[test]
fn timeout_growth_is_on_for_new_scenarios_and_off_where_a_file_does_not_say() {
    // New configurations have it; a format-2 file keeps what it says.
    assert!(Config::default().timing.timeout_growth && Scenario::default().config.timing.timeout_growth);
    let s = Scenario::default();
    assert!(s.to_json().contains("\"timeout_growth\": true"));
    assert_eq!(Scenario::from_json(&s.to_json()), Ok(s));
    // A `timing` without the field (written before it existed, or by hand): off, in any format.
    let timing = r#""timing": {"timeout_ticks_min": 8, "timeout_ticks_max": 8, "backoff": true,
        "backoff_ticks_base": 4, "backoff_ticks_max": 16}"#;
    for version in [1, 2] {
        let text = format!(r#"{{"version": {version}, "config": {{{timing}}}}}"#);
        let s = Scenario::from_json(&text).unwrap();
        assert_eq!((s.config.timing.timeout_ticks_min, s.config.timing.timeout_growth), (8, false), "{text}");
    }
    // A format-1 file that says it anyway is migrated like every other format-1 file: off.
    let said = r#"{"version": 1, "config": {"timing": {"timeout_ticks_min": 8, "timeout_ticks_max": 8,
        "backoff": true, "backoff_ticks_base": 4, "backoff_ticks_max": 16, "timeout_growth": true}}}"#;
    assert!(!Scenario::from_json(said).unwrap().config.timing.timeout_growth);
    // A format-2 file without `timing` at all gets today's defaults, growth on.
    assert!(Scenario::from_json(r#"{"version": 2}"#).unwrap().config.timing.timeout_growth);
}

#[test]
fn a_fire_timer_action_reads_and_writes_as_json() {
    let text = r#"{"version": 2, "schedule": [{"at": {"step": 4}, "action": {"fire_timer": {"node": 1}}}]}"#;
    let s = Scenario::from_json(text).unwrap();
    let fire = Scheduled { at: At::Step(4), action: Action::FireTimer { node: NodeId(1) } };
    assert_eq!(s.schedule, std::slice::from_ref(&fire));
    assert_eq!(serde_json::to_string(&fire.action).unwrap(), r#"{"fire_timer":{"node":1}}"#);
    assert_eq!(fire.action.describe(), "n1's retry timer fires now");
    assert_eq!(fire.action.nodes(), [NodeId(1)]);
    let beyond = text.replace("\"node\": 1", "\"node\": 9");
    assert!(matches!(refused(&beyond), Problem::Invalid(m) if m.contains("n9")));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for depth in [MAX_JSON_DEPTH + 1, 200, 100_000] {
        let nested = format!("{{\"title\": {}{}}}", "[".repeat(depth), "]".repeat(depth));
        let unknown = format!("{{\"extra\": {}1{}}}", "{\"a\":".repeat(depth), "}".repeat(depth));
        for text in [nested, unknown, "[".repeat(depth)] {
            let expected = format!("data nested more than {MAX_JSON_DEPTH} levels deep");
            assert_eq!(refused(&text), Problem::Malformed(expected), "depth {depth}");
        }
    }
    // Brackets inside strings are text, not nesting.
    let s = Scenario::from_json(&format!("{{\"title\": \"{}\\\"{}\"}}", "[".repeat(100), "{".repeat(100))).unwrap();
    assert_eq!(s.title.len(), 201);
}

#[test]
fn limits_and_versions_give_clear_messages() {
    assert_eq!(refused("  "), Problem::Empty);
    let big = " ".repeat(MAX_JSON_BYTES + 1);
    assert_eq!(refused(&big), Problem::TooLong { len: MAX_JSON_BYTES + 1, max: MAX_JSON_BYTES });
    let newer = Scenario::from_json(r#"{"version": 3, "some_new_field": true}"#).unwrap_err();
    assert_eq!(
        newer.message(),
        "this file was made by a newer version of Paxos Playground (format 3); this build reads format 2"
    );
    assert_eq!(refused(r#"{"version": 0}"#), Problem::OldVersion { version: 0 });
    let absurd = r#"{"config": {"topology": {"servers": {"count": 255}}}}"#;
    assert!(matches!(refused(absurd), Problem::Invalid(m) if m.contains("servers: 255")));
    let out_of_range = r#"{"schedule": [{"at": {"tick": 0}, "action": {"crash": {"node": 99}}}]}"#;
    assert!(matches!(refused(out_of_range), Problem::Invalid(m) if m.contains("n99")));
    let twice = r#"{"schedule": [{"at": {"step": 0}, "action": {"partition": {"groups": [[1], [1]]}}}]}"#;
    assert!(matches!(refused(twice), Problem::Invalid(m) if m.contains("twice")));
    assert!(matches!(refused("{\"title\": 3}"), Problem::Malformed(_)));
}

#[test]
fn control_characters_are_removed_from_file_text() {
    let s = Scenario::from_json("{\"title\": \"a\\u0007b\\u202ec <b>d</b>\"}").unwrap();
    assert_eq!(s.title, "abc <b>d</b>");
}

#[test]
fn the_trace_exports_as_json_that_names_its_run() {
    let lesson = lessons::by_slug("happy-path").unwrap();
    let mut history = lesson.scenario.history();
    lessons::run_lesson(&lesson, &mut history);
    let doc: serde_json::Value = serde_json::from_str(&export::trace_json(&lesson.scenario, &history)).unwrap();
    assert_eq!(doc["format"], export::TRACE_FORMAT);
    assert_eq!(doc["trace_hash"], format!("{:016x}", history.trace_hash()));
    assert_eq!(doc["chosen"], "A");
    assert_eq!(doc["events"].as_array().unwrap().len(), history.trace.len());
    assert_eq!(doc["events"][0]["kind"], "action");
    let again = Scenario::from_json(&doc["scenario"].to_string()).unwrap();
    assert_eq!(again, lesson.scenario);
}
