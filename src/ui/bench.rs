//! Bench modes of the page, driven by `scripts/bench` in headless Chromium. They exist so the
//! performance targets of the page are measured on the real build, not guessed:
//!
//! - `?bench=load`: the playground opens on `load_scenario()` (9 nodes, 200+ messages in flight)
//!   and plays, so the bench can sample frame times under a heavy stage.
//! - `?bench=w1&instances=N`: instead of the playground, `W1Bench` has the tools worker run
//!   workload W1 (`tools::w1`, the same `workload::Runner` as `paxos bench`) inside wasm and
//!   writes its JSON into `#bench-result`, so the bench can compare wasm throughput with native.
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

use super::tools;
use crate::protocol::{NodeId, Timing, Value};
use crate::scenario::Scenario;
use crate::sim::{Action, At, Config, History, NetParams, Scheduled, Topology};
use gloo::timers::callback::Timeout;
use yew::prelude::*;

/// Instances of W1 when the URL does not say.
pub const W1_INSTANCES_DEFAULT: u64 = 50_000;
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
        // Fixed timeouts (no growth), as when the bench figures were first measured.
        timing: Timing {
            timeout_ticks_min: 30,
            timeout_ticks_max: 60,
            backoff: false,
            timeout_growth: false,
            ..Timing::default()
        },
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

/// Runs W1 in the tools worker (`crate::tools::w1`) once the page has painted (so a person sees
/// that it is running) and shows the JSON result in `#bench-result` (`data-done="true"` when it
/// is there; `data-failed="true"` too when the worker could not run it).
#[function_component(W1Bench)]
pub fn w1_bench(props: &W1BenchProps) -> Html {
    let result = use_state(|| None::<Result<String, String>>);
    {
        let result = result.clone();
        use_effect_with(props.instances, move |&instances| {
            let timeout = Timeout::new(50, move || {
                tools::call("bench", &instances.to_string(), "", move |r| result.set(Some(r)))
            });
            move || drop(timeout)
        });
    }
    let done = result.is_some();
    let failed = matches!(*result, Some(Err(_)));
    let text = match &*result {
        None if tools::ready() => "running…".to_string(),
        None => "loading the tools worker, then running…".to_string(),
        Some(Ok(json)) => json.clone(),
        Some(Err(e)) => format!("{e}."),
    };
    html! {
        <main id="playground" class="bench">
            <h1>{ "Workload W1 in WebAssembly" }</h1>
            <p>{ format!("{} instances, recording off, then on, in the page's tools worker.", props.instances) }</p>
            <pre id="bench-result" data-done={done.to_string()} data-failed={failed.to_string()}>{ text }</pre>
        </main>
    }
}
