//! Property tests: any scenario within the limits survives a share link and a JSON file
//! exactly, texts with markup and any Unicode included.
#![cfg(not(target_arch = "wasm32"))]

use paxos_playground::protocol::{Broken, NodeId, Quorums, Timing, Value};
use paxos_playground::scenario::{link, Caption, Scenario, FORMAT_VERSION, MAX_AT_TICK};
use paxos_playground::sim::{Action, At, Config, MsgId, NetParams, Scheduled, Topology};
use proptest::prelude::*;

fn topology() -> impl Strategy<Value = Topology> {
    prop_oneof![
        (1u8..=9).prop_map(|count| Topology::Servers { count }),
        (1u8..=4, 1u8..=9, 1u8..=4).prop_map(|(proposers, acceptors, learners)| Topology::Separate {
            proposers,
            acceptors,
            learners
        }),
    ]
}

/// Probabilities: any finite value in 0..=1 for links; `coarse` ones (k / 10,000) for JSON,
/// whose default float parser may differ from the exact value by one unit in the last place.
fn probability(coarse: bool) -> BoxedStrategy<f64> {
    if coarse {
        (0u32..=10_000).prop_map(|k| k as f64 / 10_000.0).boxed()
    } else {
        (0.0f64..=1.0).boxed()
    }
}

fn net(coarse: bool) -> impl Strategy<Value = NetParams> {
    (1u32..=100, 0u32..=100, probability(coarse), probability(coarse)).prop_map(|(min, extra, loss, duplicate)| {
        NetParams { latency_ticks_min: min, latency_ticks_max: min + extra, loss, duplicate }
    })
}

fn config(coarse: bool) -> impl Strategy<Value = Config> {
    let timing = (1u32..=1000, 0u32..=1000, any::<bool>(), 0u32..=1000, 0u32..=1000, any::<bool>()).prop_map(
        |(timeout_ticks_min, extra, backoff, backoff_ticks_base, backoff_ticks_max, timeout_growth)| Timing {
            timeout_ticks_min,
            timeout_ticks_max: timeout_ticks_min + extra,
            backoff,
            backoff_ticks_base,
            backoff_ticks_max,
            timeout_growth,
        },
    );
    (topology(), any::<Option<(u8, u8)>>(), any::<bool>(), timing, any::<(bool, bool)>(), net(coarse)).prop_map(
        |(topology, q, nack, timing, (ignore, forget), network)| {
            let mut c = Config {
                topology,
                nack,
                timing,
                broken: Broken { ignore_accepted_values: ignore, forgetful_acceptors: forget },
                network,
                quorums: None,
            };
            let n = c.acceptor_count();
            c.quorums = q.map(|(a, b)| Quorums { phase1: 1 + a % n, phase2: 1 + b % n });
            c
        },
    )
}

fn action(nodes: u8, coarse: bool) -> impl Strategy<Value = Action> {
    let node = (0..nodes).prop_map(NodeId);
    let msg = any::<u64>().prop_map(MsgId);
    prop_oneof![
        (node.clone(), any::<u32>()).prop_map(|(node, v)| Action::Propose { node, value: Value(v) }),
        node.clone().prop_map(|node| Action::Crash { node }),
        node.clone().prop_map(|node| Action::Recover { node }),
        msg.clone().prop_map(|msg| Action::Drop { msg }),
        msg.clone().prop_map(|msg| Action::Duplicate { msg }),
        msg.clone().prop_map(|msg| Action::DeliverNow { msg }),
        (msg, 0u32..=100_000).prop_map(|(msg, ticks)| Action::Delay { msg, ticks }),
        Just(Action::Heal),
        (node.clone(), node.clone(), any::<bool>()).prop_map(|(from, to, both)| Action::Cut { from, to, both }),
        (node.clone(), node.clone(), any::<bool>()).prop_map(|(from, to, both)| Action::Restore { from, to, both }),
        Just(())
            .prop_map(move |_| Action::Partition { groups: vec![(0..nodes).step_by(2).map(NodeId).collect(), vec![]] }),
        net(coarse).prop_map(|params| Action::SetNetwork { params }),
        node.prop_map(|node| Action::FireTimer { node }),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,60}",
        "\\PC{0,20}".prop_map(|s| format!("<script>alert('{s}')</script>")),
        Just("<img src=x onerror=alert(1)> & \"quotes\" 'n' ünïcødé 🙂\nsecond line".to_string()),
    ]
}

fn scenario(coarse: bool) -> impl Strategy<Value = Scenario> {
    config(coarse).prop_flat_map(move |config| {
        let nodes = config.roles().len() as u8;
        let at = prop_oneof![(0..=MAX_AT_TICK).prop_map(At::Tick), any::<u64>().prop_map(At::Step)];
        let entry = (at, action(nodes, coarse)).prop_map(|(at, action)| Scheduled { at, action });
        let captions = proptest::collection::vec((0u64..10_000, text()), 0..6).prop_map(|mut c| {
            c.sort_by_key(|(step, _)| *step);
            c.into_iter().map(|(step, text)| Caption { step, text }).collect::<Vec<_>>()
        });
        (text(), text(), any::<u64>(), proptest::collection::vec(entry, 0..40), any::<Option<u64>>(), captions)
            .prop_map(move |(title, description, seed, schedule, cursor, captions)| Scenario {
                version: FORMAT_VERSION,
                title,
                description,
                config: config.clone(),
                seed,
                schedule,
                cursor,
                captions,
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_link_decodes_to_the_scenario_it_encodes(s in scenario(false)) {
        prop_assert_eq!(s.validate(), Ok(()));
        let payload = link::encode(&s);
        prop_assert!(payload.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        prop_assert_eq!(link::decode(&payload), Ok(s));
    }

    #[test]
    fn a_json_file_reads_back_as_the_scenario_it_holds(s in scenario(true)) {
        prop_assert_eq!(Scenario::from_json(&s.to_json()), Ok(s));
    }

    #[test]
    fn any_text_is_refused_or_opened_without_panicking(t in "\\PC{0,300}") {
        let _ = link::decode(&t);
        let _ = link::parse_fragment(&t);
        let _ = Scenario::from_json(&t);
    }
}
