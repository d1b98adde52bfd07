#![cfg(target_arch = "wasm32")]
//! The page replays runs in the browser, so the simulator compiled to wasm must do exactly what
//! the native build does: a share link made natively must play the same in the page, and the
//! pinned (seed, trace hash) table of `sweep` must hold in both. Run in headless Chromium by
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test wasm_determinism`
//! (scripts/test does this). The native side of the same table is asserted by the native tests.
//!
//! Also checked here: time travel. Seeking a `History` (snapshots + replay) must give the very
//! state a fresh world reaches by stepping from the start, in any seek order, across snapshot
//! boundaries: in wasm the page does this on every scrub.

use paxos_playground::scenario::Scenario;
use paxos_playground::sim::history::SNAPSHOT_EVERY;
use paxos_playground::sim::{trace_hash, Event, InFlight, NodeSlot, Schedule, Stats, Tick, World};
use paxos_playground::sweep::{
    pinned_trace_hash, random_scenario, FaultMix, PINNED_GROWING_TRACE_HASHES, PINNED_TRACE_HASHES,
};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// Most steps recorded per time-travel run: many snapshot intervals.
const SEEK_STEPS: u64 = 700;

/// The pinned seeds: runs with every fault kind, picked for variety.
fn seeds() -> impl Iterator<Item = u64> {
    PINNED_TRACE_HASHES.iter().map(|&(seed, _)| seed)
}

#[wasm_bindgen_test]
fn pinned_trace_hashes_match_native() {
    assert!(!PINNED_TRACE_HASHES.is_empty(), "sweep::PINNED_TRACE_HASHES is empty: nothing pins native behaviour");
    for (table, growth) in [(PINNED_TRACE_HASHES, false), (PINNED_GROWING_TRACE_HASHES, true)] {
        for &(seed, expected) in table {
            let got = pinned_trace_hash(seed, growth);
            assert_eq!(
                got, expected,
                "seed {seed}, growth {growth}: wasm trace hash {got:016x} differs from the pinned native hash {expected:016x}"
            );
        }
    }
}

#[wasm_bindgen_test]
fn pinned_multi_paxos_trace_hashes_match_native() {
    use paxos_playground::sweep::multi;
    assert!(!multi::PINNED_TRACE_HASHES.is_empty());
    for &(seed, expected) in multi::PINNED_TRACE_HASHES {
        let got = multi::pinned_trace_hash(seed);
        assert_eq!(got, expected, "Multi-Paxos seed {seed}: wasm trace hash {got:016x}, pinned native {expected:016x}");
    }
}

#[wasm_bindgen_test]
fn same_seed_twice_same_trace_in_wasm() {
    for seed in seeds() {
        let scenario = random_scenario(seed, &FaultMix::all());
        let first = recorded_trace(&scenario, SEEK_STEPS);
        let second = recorded_trace(&scenario, SEEK_STEPS);
        assert!(!first.is_empty(), "seed {seed}: no events");
        assert_eq!(trace_hash(&first), trace_hash(&second), "seed {seed}: two runs differ in wasm");
    }
}

/// The state that `seek` must restore exactly.
#[derive(Debug, PartialEq)]
struct Fingerprint {
    steps: u64,
    now: Tick,
    nodes: Vec<NodeSlot>,
    in_flight: Vec<InFlight>,
    stats: Stats,
}

fn fingerprint(world: &World) -> Fingerprint {
    Fingerprint {
        steps: world.steps,
        now: world.now,
        nodes: world.system.nodes.clone(),
        in_flight: world.in_flight(),
        stats: *world.stats(),
    }
}

fn recorded_trace(scenario: &Scenario, steps: u64) -> Vec<Event> {
    let schedule = Schedule::new(&scenario.schedule);
    let mut world = World::new(&scenario.config, scenario.seed);
    let mut trace = Vec::new();
    world.run(&schedule, &mut trace, steps, Tick::MAX);
    trace
}

/// Fingerprints of a fresh world after each step `0..=steps`, by plain stepping.
fn stepped_fingerprints(scenario: &Scenario, steps: u64) -> Vec<Fingerprint> {
    let schedule = Schedule::new(&scenario.schedule);
    let mut world = World::new(&scenario.config, scenario.seed);
    let mut prints = vec![fingerprint(&world)];
    while world.steps < steps && world.step(&schedule, &mut ()) {
        prints.push(fingerprint(&world));
    }
    prints
}

#[wasm_bindgen_test]
fn seeking_restores_the_exact_past_in_wasm() {
    let mut long_runs = 0;
    for seed in seeds() {
        let scenario = random_scenario(seed, &FaultMix::all());
        let expected = stepped_fingerprints(&scenario, SEEK_STEPS);
        let frontier = expected.len() as u64 - 1;
        long_runs += usize::from(frontier >= 3 * SNAPSHOT_EVERY);

        let mut history = scenario.history();
        history.extend(frontier);
        assert_eq!(history.frontier(), frontier, "seed {seed}");
        assert_eq!(
            history.trace_hash(),
            trace_hash(&recorded_trace(&scenario, frontier)),
            "seed {seed}: the history recorded another trace than a plain run"
        );
        // Backwards, forwards, across and on snapshot boundaries, and a jump to the frontier.
        let order = [frontier, 0, 1, 63, 64, 65, 130, 129, 2, frontier.saturating_sub(1), 191, 192, 5, frontier, 100];
        for step in order.into_iter().filter(|&step| step <= frontier) {
            history.seek(step);
            assert_eq!(history.cursor(), step, "seed {seed}");
            assert_eq!(
                fingerprint(history.world()),
                expected[step as usize],
                "seed {seed}: seek({step}) does not restore the state a fresh run has after {step} steps"
            );
        }
    }
    assert!(long_runs >= 2, "only {long_runs} pinned runs cross three snapshot intervals");
}

/// The page writes floats through `decimal` (JavaScript's shortest digits, laid out as core lays
/// them out; the fixed decimals by integer arithmetic) instead of core's float formatting: the
/// same text as core's for every kind of value. (An action's Debug text goes into the trace
/// hash, so a difference would also show as a different hash.)
#[wasm_bindgen_test]
fn decimal_text_matches_core_in_the_browser() {
    use paxos_playground::decimal::{debug, fixed, shortest};
    let mut values = vec![
        0.0,
        -0.0,
        0.1,
        0.3,
        0.30000000000000004,
        0.25,
        2.5,
        1e-7,
        1.5e-7,
        1e-4,
        9.99e-5,
        1e15,
        1e16,
        1.5e16,
        1e21,
        1e22,
        123456789012345680000.0,
        5e-324,
        1.7976931348623157e308,
        640.0,
        8.0,
        33.333333333333336,
    ];
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for i in 0..20_000u64 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        values.push(match i % 3 {
            0 => f64::from_bits(x),
            1 => (x % 1_000_000) as f64 / 1000.0,
            _ => (x as f64 / u64::MAX as f64) * 100.0,
        });
    }
    // Ties between two shortest candidates (core takes the larger, JavaScript the even one):
    // quarters and halves where a 17th digit is needed.
    for k in 0..2_000u64 {
        let base = (1u64 << 50) + k * 7_919_423;
        values.extend([base as f64 + 0.25, base as f64 + 0.75, -(base as f64 + 0.25), (base << 2) as f64 + 0.5]);
    }
    values.extend([f64::NAN, f64::INFINITY, f64::NEG_INFINITY]);
    for v in values {
        assert_eq!(shortest(v).to_string(), format!("{v}"), "{v:e}");
        assert_eq!(format!("{:?}", debug(v)), format!("{v:?}"), "{v:e}");
        for d in [0u8, 1, 2, 3] {
            assert_eq!(fixed(v, d).to_string(), format!("{v:.*}", usize::from(d)), "{v:e}");
        }
    }
}
