//! Multi-Paxos links people shared (issue 10): recorded in today's format (link version 1),
//! each must open the very run it opened when it was recorded. A link's run is pinned by the
//! trace hash of its first `STEPS` steps and by what the page's clock shows at its `at=` step;
//! a lesson's link (`#mode=multi&lesson=SLUG`) by its run's trace hash. The frame-time
//! benchmark's link (scripts/lib/frames-link.txt, read by `scripts/bench frames`) must still
//! reach its state: 500 slots in the log and 150 messages in flight.

use paxos_playground::view::multi::link::{decode_multi, from_fragment, lesson_fragment};
use paxos_playground::view::multi::scenarios::multi_scenarios;
use paxos_playground::view::multi::{MultiAction, MultiPlayground, MultiScenario, Verdict};

/// Steps of each run whose trace is hashed.
const STEPS: u64 = 2_000;

/// A shared link: what it is, its payload (`m=`), its `at=` step, the time the clock shows
/// there, the verdict there, and the trace hash of its first `STEPS` steps. Recorded at commit
/// 2ca7515 (the mode's first link format).
struct Shared {
    what: &'static str,
    payload: &'static str,
    at: u64,
    time: u64,
    verdict: Verdict,
    hash: u64,
}

const SHARED: &[Shared] = &[
    Shared {
        what: "the default run, its leader crashed by hand at step 200, the workload off, a write by hand",
        payload: "AXjak3HLLEtVKEotyMlMTizWUSjJKEpNVUjOyUzNKylmZWZhYGBgZmBiYWQ-wcjAyDKBmYnhDDMjKyMDOyMA57kM6g",
        at: 600,
        time: 262,
        verdict: Verdict::Green,
        hash: 0xe790_8478_6fda_8b8f,
    },
    Shared {
        what: "three replicas, two clients, leases, compaction every 10, a partition made and healed",
        payload: "AXjaBcDhCYAgEAbQ-06paIr72z4tcNiBgqmo0CaN1yy944zdTLq1nIIOedKMkk2HDdFySah30zBTLY43YCdHWFZ-QSuDPNj5j2nDDzMzEXI",
        at: 700,
        time: 402,
        verdict: Verdict::Green,
        hash: 0xe499_bd32_93ae_cf0b,
    },
    Shared {
        what: "the broken variant without at-most-once, one key, 20% loss: red",
        payload: "AXja03Iqys9OzbNSyMtXSCzRzc0vLtHNz0tOVcjPU0hUyMkvLq5UyEstKc8vymZlZmFgYGIUYWJhZmAEABIbD6k",
        at: 900,
        time: 361,
        verdict: Verdict::Red,
        hash: 0xe3bd_ea30_cb1d_fcff,
    },
];

/// Each lesson's link and the trace hash of its run's first `STEPS` steps (the first two
/// lessons share one run: only their captions differ). multi-leases and multi-model-checker were
/// pinned at main 0a5c85e, where they arrived.
const LESSONS: &[(&str, u64)] = &[
    ("mode=multi&lesson=multi-electing-a-leader", 0xc2c1_4981_f1dc_b895),
    ("mode=multi&lesson=multi-steady-state", 0xc2c1_4981_f1dc_b895),
    ("mode=multi&lesson=multi-log-to-store", 0x8b6e_8a0b_74b2_8d90),
    ("mode=multi&lesson=multi-leader-crash", 0xfe78_ed00_c1ae_850f),
    ("mode=multi&lesson=multi-catch-up", 0xcbf0_6b20_d8b7_7d3c),
    ("mode=multi&lesson=multi-partitioned-leader", 0x3fc1_3eef_08e9_dbef),
    ("mode=multi&lesson=multi-retries-at-most-once", 0xaef8_c5d3_3e17_113a),
    ("mode=multi&lesson=multi-leases", 0xe2aa_1922_9682_3860),
    ("mode=multi&lesson=multi-dueling-leaders", 0xbc87_cfbc_f03d_883d),
    ("mode=multi&lesson=multi-model-checker", 0xfb04_ddeb_7c8d_cbf6),
];

fn hash(s: &MultiScenario) -> u64 {
    let mut h = s.history();
    while h.frontier() < STEPS && h.forward() {}
    h.trace_hash()
}

#[test]
fn shared_links_open_the_same_run() {
    for l in SHARED {
        let s = decode_multi(l.payload).unwrap_or_else(|e| panic!("{}: {e}", l.what));
        assert_eq!(hash(&s), l.hash, "{}: replays differently", l.what);
        let fragment = format!("mode=multi&m={}&at={}", l.payload, l.at);
        let s = from_fragment(&fragment).expect("a Multi-Paxos fragment").expect("it opens");
        let mut p = MultiPlayground::new(s);
        p.reduce(MultiAction::Seek(l.at));
        let f = p.frame();
        assert_eq!((f.step, f.time, f.history.verdict), (l.at, l.time, l.verdict), "{}: another moment", l.what);
    }
}

#[test]
fn lesson_links_open_the_same_run() {
    let lessons = multi_scenarios();
    assert_eq!(lessons.len(), LESSONS.len(), "a lesson without a pinned link");
    for (lesson, (fragment, pinned)) in lessons.iter().zip(LESSONS) {
        assert_eq!(lesson_fragment(lesson), *fragment);
        let s = from_fragment(fragment).expect("a Multi-Paxos fragment").expect("it opens");
        assert_eq!(hash(&s), *pinned, "{fragment}: replays differently");
    }
}

#[test]
fn the_frame_benchmark_link_reaches_500_slots_and_150_messages_in_flight() {
    let link = include_str!("../../scripts/lib/frames-link.txt").trim();
    let fragment = link.strip_prefix('#').expect("a fragment");
    let s = from_fragment(fragment).expect("a Multi-Paxos fragment").expect("it opens");
    assert_eq!((s.config.replicas, s.config.clients), (5, 3));
    let at: u64 = fragment.rsplit_once("&at=").and_then(|(_, a)| a.parse().ok()).expect("an at= step");
    let mut p = MultiPlayground::new(s);
    p.reduce(MultiAction::Seek(at));
    let f = p.frame();
    assert_eq!(f.log.newest_slot, Some(500));
    assert_eq!(f.tokens.len(), 150);
    // And they stay: a second of play at the fastest speed delivers almost none of them.
    p.reduce(MultiAction::SetSpeed(f64::MAX));
    p.reduce(MultiAction::Play);
    for _ in 0..60 {
        p.reduce(MultiAction::Frame(1000.0 / 60.0));
    }
    assert!(p.frame().tokens.len() >= 140, "{} in flight after a second", p.frame().tokens.len());
}
