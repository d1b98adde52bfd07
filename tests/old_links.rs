//! Links shared before scenario format 2 (format 1, recorded from the build before it) open
//! with their timeouts fixed, as format 1 had them, and replay the very run they replayed then:
//! the same trace hash, step for step.

use paxos_playground::scenario::{link, Scenario};

/// (what it is, the link's payload, the trace hash of its first `STEPS` steps in format 1),
/// recorded with the build before format 2 (commit 2118ffc): random sweep runs (35332852 is
/// the one that never decides), two proposers on a lossy network, and lessons as links (their texts left out).
const FORMAT_1_LINKS: &[(&str, &str, u64)] = &[
    ("random 35332852", "AXjaXYy7DYNgDAbPcUB_giIRKQMkfZQyj4oyTEQBLSUta7AFAzACPSUD8EGJpTtZlnVABCFY_Ab36tb9x7LO8rHUNmRzP6UpCeZcwLji8IQDxfEjvuLH62RAY_E9Wv0401oQiet7N62tMVk12beLeiwvThJG", 0x5fee_57b1_b2ff_288f),
    ("random 2", "AXjaZY4hCwJBEIXfzK7ecguCnBoNJs2XZcGoyS4IghbL2a2CJn-ExWRbuGDSYLH7I8x2ZxUu3D2Yjwlv3jwAEajZo0YGkBnMjrdP_-ni1ykbxg_HLaQQLKDaWIE62EIlWJPGmVhjY5n_N1eX_nR3OJAaB0wwt2zy7u49zS9FJPZkq48wiiSOVU2RrmNp4DmMOFGWZ3F6DrWE0ksoxcKeAF-44Cl6", 0x7e9f_fd4e_19e1_77e4),
    ("random 583", "AXjaXY69CQJBEEbf7Lp7J2aiByYHgtFhaCCoXCj4g5xgCTahsQVYgBUcGFuAYGwJxlqEM4YuvMfHMsN8QIKMd4QcXPapbvnp_SyPnev8dbiXj0ZOl5CSQZMNkrCFSOF7tP1CWSorZc1IAhcJE9PUNGMvnrNE6ZtdoQ6_j8bAYrAYE4a6WLlALanScnrr79XivMlmrI1a66i1j-UIX15kGoU", 0xc2b7_278d_c0b6_b573),
    ("lossy", "AXjaLcmxFQAQEMDQhO60htAbwKp2shAPv0kRMGWxNmMKRr_W4CvpNeP5G192A1I", 0x5813_bdce_a08a_d826),
    ("dueling-proposers", "AXjaXcWxDQAwCAPBNxYNNUNk7IyaSHRccyBb0Ie6_0wWeS4kmgh4KkwBIg", 0xaca4_14e9_afbc_1656),
    ("dueling-backoff", "AXjaXcWxDQAgCADBfwgNNUM4tqNqYuc1B2YKs-x9r-JjvhtliIADKncBIw", 0x3806_d6b3_905a_ed2b),
    ("lossy-network", "AXjaHcmxFQAQEETB_S7zhIqQK-DqJNKOWEO4SUciGaI28kKi9HB8jm87ScHE-wu1bAfp", 0xa380_5731_1280_caa0),
    ("partition", "AXjaXcexDQAgDMCwBKhAvbM3MXMqYsWbwRZilXmECD4OmHZax_dE2S64UfICSg", 0xb48a_6f88_c1f3_d0b3),
];

const STEPS: u64 = 3_000;

fn replay(s: &Scenario) -> u64 {
    let mut h = s.history();
    while h.frontier() < STEPS && h.forward() {}
    h.trace_hash()
}

#[test]
fn format_1_links_open_with_fixed_timeouts_and_replay_as_before() {
    let mut changed_by_growth = Vec::new();
    for &(name, payload, hash) in FORMAT_1_LINKS {
        let s = link::decode(payload).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!s.config.timing.timeout_growth, "{name}: format 1 had no timeout growth");
        assert_eq!(replay(&s), hash, "{name}: replays differently than before format 2");
        // The check has teeth: the runs that time out would replay differently with growth on.
        let mut grown = s.clone();
        grown.config.timing.timeout_growth = true;
        if replay(&grown) != hash {
            changed_by_growth.push(name);
        }
    }
    let timing_out = [
        "random 35332852",
        "random 2",
        "random 583",
        "dueling-proposers",
        "dueling-backoff",
        "lossy-network",
        "partition",
    ];
    assert_eq!(changed_by_growth, timing_out, "\"lossy\" decides before any timeout");
}
