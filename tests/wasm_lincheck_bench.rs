#![cfg(target_arch = "wasm32")]
//! The linearizability checker's benchmark in headless Chromium (issue 9 asks for its time in
//! the browser beside the native one): the two histories of `scripts/bench lincheck`, made the
//! same way (`paxos lincheck --generate`'s spec, written as EDN and as Jepsen's log, parsed back),
//! checked in wasm, the check alone timed with the browser's clock. A benchmark, not a test: it
//! prints its figures and asserts only the verdicts. `scripts/bench lincheck-web` runs it:
//! `cargo test --release --target wasm32-unknown-unknown --test wasm_lincheck_bench -- --nocapture`.

use paxos_playground::lincheck::generate::{self, Spec};
use paxos_playground::lincheck::{self, parse, Verdict};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// Milliseconds per check: `runs` checks timed together (the browser's `Date` ticks in whole
/// milliseconds).
fn time(history: &lincheck::History, runs: u32) -> (f64, lincheck::Report) {
    let options = lincheck::Options::default();
    let report = lincheck::check(history, &options);
    let start = js_sys::Date::now();
    for _ in 0..runs {
        std::hint::black_box(lincheck::check(history, &options));
    }
    ((js_sys::Date::now() - start) / runs as f64, report)
}

#[wasm_bindgen_test]
fn lincheck_in_the_browser() {
    let a = Spec { ops: 10_000, clients: 10, keys: 10, values: 5, info_writes: 0, versions: false, seed: 1 };
    let (a, _) = parse::parse(&generate::to_edn(&generate::generate(&a)), None).expect("EDN parses");
    let b = Spec { ops: 400, clients: 10, keys: 0, values: 5, info_writes: 12, versions: false, seed: 1 };
    let (b, _) = parse::parse(&generate::to_log(&generate::generate(&b)), None).expect("log parses");
    let (ms_a, report_a) = time(&a, 10);
    let (ms_b, report_b) = time(&b, 50);
    assert_eq!(report_a.verdict, Verdict::Linearizable);
    assert_eq!(report_b.verdict, Verdict::Linearizable);
    console_log!(
        "lincheck in Chromium: (a) 10 clients, 10,000 operations over 10 keys: {ms_a:.2} ms ({} steps); \
         (b) one register, 10 clients, 400 operations, 12 timed-out writes: {ms_b:.3} ms ({} steps) (target <= 1000 ms each)",
        report_a.steps,
        report_b.steps
    );
}
