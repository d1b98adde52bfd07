//! The page's tools: the rarely used, heavy features that live in a second wasm (the `tools`
//! binary, a Web Worker the page starts on first use) so the page's own wasm stays small.
//! Everything here is plain data in, text out, natively tested; `worker` (wasm only) moves
//! requests and replies between the page and `handle`.
//!
//! The page and the worker hand scenarios to each other as share-link payloads (`link::encode`,
//! read back with `link::decode_any_length`), which both sides already speak. The requests:
//!
//! - `import` (JSON text): the scenario of a file, as a payload; or the message to show, as the
//!   page showed it before the split (capitalized, with line and column).
//! - `load` (JSON text): the same for the embed API's `load` command; the error is the
//!   `LoadError`'s own text, as the embed banner shows it.
//! - `export` (payload): the scenario as a JSON file's text.
//! - `trace` (payload, frontier): the trace as JSON. The run is rebuilt from the payload (the
//!   simulator is deterministic): recorded up to `frontier`, at the payload's cursor.
//! - `bench` (instances): workload W1 timed in wasm, as JSON (`w1`).
//! - `check` (payload, bounds): the model checker (`check`) on the payload's configuration, run
//!   in slices: the worker posts progress several times a second and the report at the end.
//! - `breaks` (payload, first seed): `breaks::BATCH` random runs of the payload's configuration
//!   from that seed; the payload of the first that breaks safety (at its first violation), or
//!   nothing (the page asks for the next batch, up to `breaks::SEEDS_MAX`).
//! - `cancel` (the id of a `check`): stops that check; its report (cancelled, incomplete) is
//!   its answer. A cancel gets no answer of its own.

pub mod breaks;
pub mod check;
pub mod w1;
#[cfg(all(target_arch = "wasm32", feature = "page"))]
pub mod worker;

use crate::scenario::{export, link, Scenario};

/// What the page asks for: an operation and up to two text arguments.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Request {
    pub op: String,
    pub a: String,
    pub b: String,
}

/// Carries out `request`; `now` is a clock in milliseconds (for `bench` only).
pub fn handle(request: &Request, now: &dyn Fn() -> f64) -> Result<String, String> {
    let payload = |text: &str| link::decode_any_length(text).map_err(|e| e.to_string());
    match request.op.as_str() {
        "import" => Scenario::from_json(&request.a).map(|s| link::encode(&s)).map_err(|e| capitalized(&e.message())),
        "load" => Scenario::from_json(&request.a).map(|s| link::encode(&s)).map_err(|e| e.to_string()),
        "export" => payload(&request.a).map(|s| s.to_json()),
        "trace" => {
            let scenario = payload(&request.a)?;
            let frontier: u64 = request.b.parse().map_err(|_| "the trace needs a step count".to_string())?;
            let mut history = scenario.history();
            history.extend(frontier);
            history.seek(scenario.cursor.unwrap_or(0));
            Ok(export::trace_json(&scenario, &history))
        }
        "bench" => {
            let instances = request.a.parse().ok().filter(|&n| n > 0).ok_or("bench needs a number of instances")?;
            Ok(w1::run(instances, now))
        }
        "breaks" => {
            let config = payload(&request.a)?.config;
            let from: u64 = request.b.parse().map_err(|_| "the search needs a first seed".to_string())?;
            Ok(breaks::search(&config, from, breaks::BATCH).map(|s| link::encode(&s)).unwrap_or_default())
        }
        other => Err(format!("the tools know no request \"{other}\"")),
    }
}

/// The message with its first letter in upper case (as the import banner shows it).
pub fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| std::iter::once(f.to_ascii_uppercase()).chain(c).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::lessons;
    use crate::view::state::default_scenario;

    fn ask(op: &str, a: &str, b: &str) -> Result<String, String> {
        handle(&Request { op: op.into(), a: a.into(), b: b.into() }, &|| 0.0)
    }

    #[test]
    fn import_and_export_round_trip_through_payloads() {
        let s = Scenario { seed: 42, cursor: Some(7), ..default_scenario() };
        let payload = ask("import", &s.to_json(), "").unwrap();
        assert_eq!(link::decode(&payload).unwrap(), s);
        assert_eq!(ask("export", &link::encode(&s), "").unwrap(), s.to_json());
        let e = ask("import", "{\"version\": 1, \"title\": ", "").unwrap_err();
        assert_eq!(e, capitalized(&Scenario::from_json("{\"version\": 1, \"title\": ").unwrap_err().message()));
        assert!(e.contains("line 1"), "{e}");
        let e = ask("load", "{\"version\": 99}", "").unwrap_err();
        assert_eq!(e, Scenario::from_json("{\"version\": 99}").unwrap_err().to_string());
        assert!(ask("fly", "", "").is_err());
    }

    /// The worker rebuilds the run: the trace is the one the page's history would give.
    #[test]
    fn trace_is_the_pages_trace() {
        for lesson in lessons::all().into_iter().take(3) {
            let s = lesson.scenario;
            let mut history = s.history();
            history.extend(40);
            history.seek(15);
            let now = Scenario { schedule: history.schedule.entries(), cursor: Some(15), ..s.clone() };
            let expected = export::trace_json(&now, &history);
            assert_eq!(ask("trace", &link::encode(&now), "40").unwrap(), expected);
        }
    }

    /// The search answers with the failing run's payload, or nothing when a batch found none.
    #[test]
    fn breaks_answers_a_payload_or_nothing() {
        let lesson = lessons::by_slug("small-quorums").unwrap();
        let config = Scenario { config: lesson.scenario.config.clone(), ..Scenario::default() };
        let found =
            (0..40).map(|b| ask("breaks", &link::encode(&config), &(1 + b * breaks::BATCH).to_string()).unwrap());
        let payload = found.into_iter().find(|p| !p.is_empty()).expect("a break within 1000 seeds");
        let s = link::decode(&payload).unwrap();
        assert_eq!(s.config, lesson.scenario.config);
        assert!(s.cursor.is_some_and(|c| c > 0));
        let correct = Scenario { config: default_scenario().config, ..Scenario::default() };
        assert_eq!(ask("breaks", &link::encode(&correct), "1").unwrap(), "");
        assert!(ask("breaks", &link::encode(&correct), "x").is_err());
    }

    #[test]
    fn bench_runs_w1() {
        let text = ask("bench", "20", "").unwrap();
        assert!(text.starts_with("{\"instances\":20,\"runs\":["), "{text}");
        assert!(ask("bench", "0", "").is_err());
    }
}
