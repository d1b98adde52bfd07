//! Bench modes of the page, driven by `scripts/bench` in headless Chromium. They exist so the
//! performance targets of the page are measured on the real build, not guessed:
//!
//! - `?bench=load`: the playground opens on `load_scenario()` (9 nodes, 200+ messages in flight)
//!   and plays, so the bench can sample frame times under a heavy stage.
//! - `?bench=w1&instances=N`: instead of the playground, `W1Bench` runs workload W1 (the same
//!   `workload::Runner` as `paxos bench`) inside wasm and writes JSON into `#bench-result`, so
//!   the bench can compare wasm throughput with native.
//!
//! How app.rs uses this (ui-main owns app.rs; this is the whole contract):
//! ```ignore
//! match bench::mode() {                       // pub fn mode() -> Option<BenchMode>
//!     Some(BenchMode::W1 { instances }) => html! { <bench::W1Bench {instances} /> },
//!     Some(BenchMode::Load) => /* start from bench::load_scenario() and autoplay */,
//!     None => /* the normal page */,
//! }
//! ```
//! Reading the clock here is fine: this is UI code timing the simulator from outside, exactly as
//! the native bench does with `Instant`; nothing below `ui` reads a clock.

use crate::protocol::{NodeId, Timing, Value};
use crate::scenario::Scenario;
use crate::sim::{Action, At, Config, History, NetParams, Scheduled, Topology};
use crate::workload::{Recording, Runner, Totals};
use gloo::timers::callback::Timeout;
use serde::Serialize;
use yew::prelude::*;

/// Instances of W1 when the URL does not say.
pub const W1_INSTANCES_DEFAULT: u64 = 50_000;
/// Base seed of the W1 bench (the native `paxos bench` default is 1 as well).
const W1_SEED: u64 = 1;
/// Messages in flight the load scenario opens with (the target asks for at least 150).
pub const LOAD_IN_FLIGHT_MIN: usize = 200;

/// Which bench the URL asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BenchMode {
    /// A heavy stage that plays (`?bench=load`).
    Load,
    /// W1 throughput in wasm (`?bench=w1&instances=N`).
    W1 { instances: u64 },
}

/// The bench mode of the current URL, if any.
pub fn mode() -> Option<BenchMode> {
    let search = gloo::utils::window().location().search().ok()?;
    parse_mode(&search)
}

fn parse_mode(search: &str) -> Option<BenchMode> {
    let param = |name: &str| {
        search.trim_start_matches('?').split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (key == name).then(|| value.to_string())
        })
    };
    match param("bench")?.as_str() {
        "load" => Some(BenchMode::Load),
        "w1" => {
            let instances = param("instances").and_then(|n| n.parse().ok()).filter(|&n| n > 0);
            Some(BenchMode::W1 { instances: instances.unwrap_or(W1_INSTANCES_DEFAULT) })
        }
        _ => None,
    }
}

/// The heavy scenario of `?bench=load`: 3 proposers, 5 acceptors, 1 learner; long latencies
/// (40..=240 ticks) with 40% duplication, and short retry timeouts without backoff, so the
/// proposers keep outbidding each other and about 190-270 messages stay in flight (measured
/// natively over 20,000 steps of seed 7). It opens at the first step with at least
/// `LOAD_IN_FLIGHT_MIN` in flight, so the bench measures the heavy stage from the first frame.
pub fn load_scenario() -> Scenario {
    let config = Config {
        topology: Topology::Separate { proposers: 3, acceptors: 5, learners: 1 },
        network: NetParams { latency_ticks_min: 40, latency_ticks_max: 240, loss: 0.0, duplicate: 0.4 },
        timing: Timing { timeout_ticks_min: 30, timeout_ticks_max: 60, backoff: false, ..Timing::default() },
        ..Config::default()
    };
    // Four waves of client requests, each proposer asking for its own value.
    let schedule = (0..4u32)
        .flat_map(|wave| {
            (0..3u8).map(move |p| Scheduled {
                at: At::Tick(u64::from(wave) * 50 + u64::from(p) * 3),
                action: Action::Propose { node: NodeId(p), value: Value(wave * 3 + u32::from(p)) },
            })
        })
        .collect();
    let mut scenario = Scenario {
        title: "Bench: a crowded network".into(),
        description: "Three proposers without backoff keep outbidding each other over slow, duplicating links.".into(),
        config,
        seed: 7,
        schedule,
        ..Scenario::default()
    };
    scenario.cursor = Some(first_step_with_load(&scenario.history()));
    scenario
}

/// The first step at which `LOAD_IN_FLIGHT_MIN` messages are in flight (bounded search).
fn first_step_with_load(history: &History) -> u64 {
    let mut history = history.clone();
    while history.world().in_flight_count() < LOAD_IN_FLIGHT_MIN && history.cursor() < 5_000 && history.forward() {}
    history.cursor()
}

#[derive(Properties, PartialEq)]
pub struct W1BenchProps {
    pub instances: u64,
}

/// Runs W1 once the page has painted (so a person sees that it is running) and shows the JSON
/// result in `#bench-result` (`data-done="true"` when it is there).
#[function_component(W1Bench)]
pub fn w1_bench(props: &W1BenchProps) -> Html {
    let result = use_state(|| None::<String>);
    {
        let result = result.clone();
        use_effect_with(props.instances, move |&instances| {
            let timeout = Timeout::new(50, move || result.set(Some(run_w1(instances))));
            move || drop(timeout)
        });
    }
    let done = result.is_some();
    html! {
        <main id="playground" class="bench">
            <h1>{ "Workload W1 in WebAssembly" }</h1>
            <p>{ format!("{} instances, recording off, then on.", props.instances) }</p>
            <pre id="bench-result" data-done={done.to_string()}>
                { (*result).clone().unwrap_or_else(|| "running…".into()) }
            </pre>
        </main>
    }
}

fn now_ms() -> f64 {
    gloo::utils::window().performance().map(|p| p.now()).unwrap_or_default()
}

/// Times `instances` W1 instances with recording off and on (after a warm-up that lets the
/// browser's optimising compiler tier up), as JSON.
fn run_w1(instances: u64) -> String {
    let warm = (instances / 10).clamp(100, 5_000);
    let modes = [("off", Recording::Off), ("on", Recording::On)];
    let runs: Vec<RunJson> = modes
        .iter()
        .map(|&(name, recording)| {
            let mut runner = Runner::new();
            runner.run(W1_SEED.wrapping_add(1), 0, warm, recording);
            let start = now_ms();
            let totals = runner.run(W1_SEED, 0, instances, recording);
            to_json(name, &totals, now_ms() - start)
        })
        .collect();
    let doc = BenchJson { instances, runs, seed: W1_SEED, workload: "W1" };
    serde_json::to_string(&doc).unwrap_or_default()
}

/// The bench result. Fields in alphabetical order, the text `json!` printed before (its map
/// sorts keys); structs rather than `json!`, whose `serde_json::Value` building costs wasm.
#[derive(Serialize)]
struct BenchJson {
    instances: u64,
    runs: Vec<RunJson>,
    seed: u64,
    workload: &'static str,
}

#[derive(Serialize)]
struct RunJson {
    deliveries_per_sec: f64,
    delivered: u64,
    elapsed_ms: f64,
    events: u64,
    instances: u64,
    recording: &'static str,
    steps: u64,
    unlearned: u64,
    violations: u64,
}

fn to_json(name: &'static str, t: &Totals, elapsed_ms: f64) -> RunJson {
    let secs = (elapsed_ms / 1e3).max(1e-9);
    RunJson {
        deliveries_per_sec: t.delivered as f64 / secs,
        delivered: t.delivered,
        elapsed_ms,
        events: t.events,
        instances: t.instances,
        recording: name,
        steps: t.steps,
        unlearned: t.unlearned,
        violations: t.violations,
    }
}
