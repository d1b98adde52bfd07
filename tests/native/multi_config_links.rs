//! Multi-Paxos links of the first format (issue 10, before the full configuration: quorums,
//! timers, lease length, workload mix): each decodes to the same run as when it was encoded.
//! The links and hashes were recorded with the code of that format; never change them.

use paxos_playground::protocol::multi::{Key, KvOp, Val};
use paxos_playground::protocol::NodeId;
use paxos_playground::sim::Action;
use paxos_playground::view::multi::link::{decode_multi, encode_multi, MULTI_LINK_VERSION};
use paxos_playground::view::multi::{
    default_scenario, MultiPageConfig, MultiScenario, MultiScheduled, MultiVariantChoice, PersonAction,
};

/// Lease without wait, latency 3..=7, 5% loss, 2 keys, compaction every 12, a write by hand, a
/// partition, a heal and a crash; its trace hash after 900 steps.
const OLD_LINK: &str = "AXja4_DPSVHIyczLZmVmYWTkYWZiZWbnZpFjZGVk5KxgYGdkYmGbwMzA8YWZgZGREQCXKAWD";
const OLD_HASH: u64 = 0x6f5a4005adde2261;
/// The default run's link of format 1; its trace hash after 600 steps.
const OLD_DEFAULT: &str = "AXjak3HLLEtVKEotyMlMTizWUSjJKEpNVUjOyUzNKylmZWZhYGBgZmBiYWRgBAAh7gqn";
const OLD_DEFAULT_HASH: u64 = 0x0643_654c_56f9_63bc;

fn the_old_scenario() -> MultiScenario {
    let person = |step, action| MultiScheduled { step, action };
    MultiScenario {
        title: "Old link".into(),
        config: MultiPageConfig {
            lease: true,
            latency_min: 3,
            latency_max: 7,
            loss_percent: 5,
            keys: 2,
            compaction: Some(12),
            variant: MultiVariantChoice::LeaseWithoutWait,
            ..MultiPageConfig::default()
        },
        seed: 11,
        schedule: vec![
            person(30, PersonAction::Client { client: NodeId(5), op: KvOp::Write { key: Key(1), value: Val(9) } }),
            person(120, PersonAction::Act(Action::Partition { groups: vec![vec![NodeId(4), NodeId(6)]] })),
            person(400, PersonAction::Act(Action::Heal)),
            person(500, PersonAction::Act(Action::Crash { node: NodeId(1) })),
        ],
        workload: true,
        script_pace: None,
        captions: Vec::new(),
    }
}

fn hash_after(s: &MultiScenario, steps: u64) -> u64 {
    let mut h = s.history();
    assert_eq!(h.extend(steps), steps);
    h.trace_hash()
}

#[test]
fn links_of_the_first_format_replay_the_same_runs() {
    let old = decode_multi(OLD_LINK).expect("an old link opens");
    assert_eq!(hash_after(&old, 900), OLD_HASH);
    let mut want = the_old_scenario();
    // The first format scaled the timers to the slowest latency (7 ticks).
    want.config.heartbeat_ticks = 7;
    want.config.election_ticks_min = 21;
    want.config.election_ticks_max = 42;
    want.config.client_timeout_ticks = 70;
    want.config.lease_ticks = 21;
    want.config.lease_drift = 3;
    assert_eq!(old, want);
    let default = decode_multi(OLD_DEFAULT).expect("the old default link opens");
    assert_eq!(default, default_scenario(), "the defaults are the first format's timers at 4 ticks");
    assert_eq!(hash_after(&default, 600), OLD_DEFAULT_HASH);
}

#[test]
fn links_of_the_new_format_carry_the_whole_configuration() {
    let mut s = the_old_scenario();
    s.config.phase1_quorum = Some(4);
    s.config.phase2_quorum = Some(2);
    s.config.heartbeat_ticks = 9;
    s.config.election_ticks_min = 30;
    s.config.election_ticks_max = 90;
    s.config.client_timeout_ticks = 300;
    s.config.lease_ticks = 200;
    s.config.lease_drift = 5;
    s.config.read_percent = 10;
    s.config.write_percent = 70;
    let link = encode_multi(&s);
    assert_eq!(paxos_playground::scenario::link::from_base64url(&link).unwrap()[0], MULTI_LINK_VERSION);
    assert_eq!(MULTI_LINK_VERSION, 3, "format 3 added the captions (view::multi::link holds links of format 2)");
    assert_eq!(decode_multi(&link), Ok(s.clone()));
    // Each new field changes the run: the configured run differs from the old one.
    assert_ne!(hash_after(&s, 900), OLD_HASH);
}
