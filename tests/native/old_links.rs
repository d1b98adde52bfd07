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

/// A moment someone shared: a link with its cursor, and what the page showed there.
struct Moment {
    what: &'static str,
    payload: &'static str,
    /// The clock's step and time ("step 8 · t=15").
    step: u64,
    time: u64,
    /// The header's status.
    chosen: &'static str,
    /// Each acceptor's accepted proposal as its node showed it ("-" for none).
    accepted: &'static [&'static str],
}

/// Links to a moment (`#s=` with a cursor), copied with "Copy link" from the build before the
/// step numbers were unified (commit afb7c6e, whose log and lessons counted from 0 while its
/// clock counted steps done), with what that page showed at the moment. The step convention
/// changed the numbers people read, never the cursor: each still opens at the very same moment.
const SHARED_MOMENTS: &[Moment] = &[
    Moment {
        what: "happy-path at step 8",
        payload: "AnjadVTNbtNAEI6BolIJJCQeYOiFVrJWTQqXcIpEkZBQ4YDUA6etPY6X2Ltmd1PXD4DEhTtCHDjxLrwVM7u241aQixPvZub7m3k8F_ChRChl03TQSF_-Sd5phMaaxji0KfjSIoLMMmy8sS4FQ8cVSqv5VEKDtsDMg0bfGrsR8NpUlWnDtStZbREKa2q6mFUKtX_mwOLnLToP3lBxhNrU9B7wCm0H2uQIG21aB8qDcpCVBEMvCRA20mLKyGrl6EuENDwxT_u7aY8uF0lyN5kleZ4c_Epms9ne3uzWJ0niY_9g9jO5wCojKE_hfc8d9Em6Iw56noJegNQ56NM0PHsZQD8XcBbw1-icXCN4uUEHeC0zX3XwArzKNk5QaTqHc7wO7It_KjWRJ8dMOWW0SL4mq15AkG7jRn8II1_sf8Lh6lDwq4bbwaWk-h7m4gSOrNkSYKbACp8cB_ykVu4YFEsb7lGtaMTAm5QvJVWewyWulXbizpdk1Z-RJIMd02YC3nhorfL0lg3urwRCym2gUNZ5DhZqItsQK7eM1HVQg523WGy5qtTdUJmkIr6-lDo0uadGMyYdjIBz1tMUXL-mXLsxIFzMl0qvoUPq70L8lN1RIDDGUpJJA2kJlo22iPvfEtKUS41X-0zX8pMhoh0cLbjl6fEg12KQi-CM8GL9AGQHKrQIaKhHLbvRS-UdmJaiH-U-ItIpG3ws9i-mDsRKDnYXqBqdIY9QzKnHqiKHjC8HQ2J4wlk5jrN48COh_0_HbkqRe7Hei-MderJK-lDDyRp7qwLpm5NMir_srxXoedNorCA3SAvlEjO5DYQpkDw1NwLI9Y3OUDz8PriQUZa5-WpAccuNoCZVi91vMArZjHJMFk6rSJlXNGw5r5EQDOnDkYtfyT4XfRt7Oq-qKionHn18O26C_yAkIpNxvB0fys64aJYMPdQN2MWT38nZDipXL-kwj3t72BDMsFBaVkuObyU9jv0yQp3R1KxZYbam7VdrZ7Y0T1tLNmdWunIXSwJr7BhEqSk4wzCECLTSZ2UQ1nlKbC_tXz6hHqE",
        step: 8,
        time: 15,
        chosen: "No value chosen yet",
        accepted: &["(1.0, \"A\")", "-", "-"],
    },
    Moment {
        what: "happy-path at step 9",
        payload: "AnjadVTNbtNAEI6BIloJJCQeYOiFVrJWTQqXcIpEkZBQ4YDUA6etPY6X2Ltmd1PXD4DEhTtCHDjxLrwVM7u241aQixPvZub7m3k8F_ChRChl03TQSF_-Sd5phMaaxji0KfjSIoLMMmy8sS4FQ8cVSqv5VEKDtsDMg0bfGrsR8NpUlWnDtStZbREKa2q6mFUKtX_mwOLnLToP3lBxhNrU9B7wCm0H2uQIG21aB8qDcpCVBEMvCRA20mLKyGrl6EuENDwxT_u7aY8uF0lyN5kleZ4c_Epms9ne3uzWJ0niY_9g9jO5wCojKE_hfc8d9Em6Iw56noJegNQ56NM0PHsZQD8XcBbw1-icXCN4uUEHeC0zX3XwArzKNk5QaTqHc7wO7It_KjWRJ8dMOWW0SL4mq15AkG7jRn8II1_sf8Lh6lDwq4bbwaWk-h7m4gSOrNkSYKbACp8cB_ykVu4YFEsb7lGtaMTAm5QvJVWewyWulXbizpdk1Z-RJIMd02YC3nhorfL0lg3urwRCym2gUNZ5DhZqItsQK7eM1HVQg523WGy5qtTdUJmkIr6-lDo0uadGMyYdjIBz1tMUXL-mXLsxIFzMl0qvoUPq70L8lN1RIDDGUpJJA2kJlo22iPvfEtKUS41X-0zX8pMhoh0cLbjl6fEg12KQi-CM8GL9AGQHKrQIaKhHLbvRS-UdmJaiH-U-ItIpG3wsHlxMHYiVHOwuUDU6Qx6hmFOPVUUOGV8OhsTwhLNyHGex_yOh_0_HbkqRe7Hei-MderJK-lDDyRp7qwLpm5NMir_srxXoedNorCA3SAvlEjO5DYQpkDw1NwLI9Y3OUDz8PriQUZa5-WpAccuNoCZVi91vMArZjHJMFk6rSJlXNGw5r5EQDOnDkYtfyT4XfRt7Oq-qKionHn18O26C_yAkIpNxvB0fys64aJYMPdQN2MWT38nZDipXL-kwj3t72BDMsFBaVkuObyU9jv0yQp3R1KxZYbam7VdrZ7Y0T1tLNmdWunIXSwJr7BhEqSk4wzCECLTSZ2UQ1nlKbC_tX0PnHqI",
        step: 9,
        time: 15,
        chosen: "Chosen: \"A\"",
        accepted: &["(1.0, \"A\")", "(1.0, \"A\")", "-"],
    },
    Moment {
        what: "default run at step 20",
        payload: "AnjaXYwxCsJAEEV3ErCwTmH5SWURRLG00hNYeIF1s7IhshN2NuYIXsOjujGikCnmw-P_t7oMjC5wx2KDVGBv8dD33j7p_KXwW2hpBTcOKI8ldERsTIuEff0bw--mxunf2B8w6GgcBtekP8qjs9DG2C5yEBjHaVuN1MMELa5CnYQfs5jQXzeU5aSoWNPyRaRUtlCzo2zKXBFRod4ZzTh1",
        step: 20,
        time: 13,
        chosen: "Chosen: \"B\"",
        accepted: &["(1.1, \"B\")", "-", "(1.1, \"B\")"],
    },
    Moment {
        what: "small-quorums at step 23",
        payload: "AnjalVPdbtMwFI47pklICHG1Sz6Nm01k0Ra6C4qGKBK9RMCGuHbTk8aSY6d20q5IPAQPgMRj8HgcJ2ublSui_Dr2d76f4xevE3xurGtKePWdPCSf0LQkh9OvH2_Gkw9nf8TENg4yy6iqrfNYqbpAVUhP55eQZnb_nmLRInnYHOmIAU1GSPGSL-VhbI3SOkJdSINhjHpltysyHiqV9yCZFbB1QS5uocOkpdQNU5tTjaywnkyCiaY7NdWET_LOMjbRjMsavcbikgsuUryFScTgkRCDgZjNxOPfIoqiw8No7xAHUXTEt8FBJNrvSAhxfBT9Ep16ZNbkat44WStrRhj2fDg1KWoLc3UWb-3oBCGN90xBmuDmPw0p5JJ41rYilGE6ZWlZWT5GJV2tAiv4SqvaMw712CnD3AJkJZXzIzDZYKh51eVnLt7ADLuhq_uhLs0Ao0k6Qy558s5cMA_PjCtnOSHynAvyRut9yRwZdZnxzIpj8jgZnyRPvwRY7e0_MDm_7SjEWBWKszdt7xVcfxb6iCFGUHUP8_1J8uych4OFXTtgut6pC_QeWp8c_xS8am_-pu6o32Kb9voW7Oh1UozAar0vuSRi2_u_NjU7I1j5yjZ61iXZ15Q8_3G7s7l7ttqCC9zW7PqUtGLozkXcura1r8ECmdN12GBaujkvfkjKY9qs4Uup9fbfdmfG8DInvU7-ArlCPUo",
        step: 23,
        time: 16,
        chosen: "Agreement violated: \"A\" and \"B\" chosen",
        accepted: &["(1.0, \"A\")", "(1.0, \"A\")", "(1.1, \"B\")", "(1.1, \"B\")"],
    },
];

#[test]
fn links_to_a_moment_open_where_they_did_before_the_step_numbers_were_unified() {
    use paxos_playground::view::{safety::chosen_status, Playground};
    for m in SHARED_MOMENTS {
        let s = link::decode(m.payload).unwrap_or_else(|e| panic!("{}: {e}", m.what));
        let p = Playground::new(s);
        let world = p.history.world();
        assert_eq!((p.history.cursor(), world.now), (m.step, m.time), "{}", m.what);
        assert_eq!(chosen_status(world).text, m.chosen, "{}", m.what);
        let accepted: Vec<String> = world
            .system
            .cluster
            .acceptors
            .iter()
            .map(|a| world.slot(*a).storage.acceptor.accepted.map_or("-".to_string(), |p| p.to_string()))
            .collect();
        assert_eq!(accepted, m.accepted, "{}", m.what);
    }
}

/// Embed links open a step with `t=` (a cursor, as the clock counts): recorded from the same
/// build, `t=8` in the happy path opens just before "A" is chosen and `t=9` where it is chosen,
/// as the log's row, the lesson's outcome and the clock now all say: step 9.
#[test]
fn embed_links_with_t_open_at_the_same_step() {
    use paxos_playground::scenario::lessons;
    use paxos_playground::view::embed::Options;
    use paxos_playground::view::{safety::chosen_status, state::default_scenario, Playground, UiAction};
    for (t, time, chosen) in [("8", 15, "No value chosen yet"), ("9", 15, "Chosen: \"A\"")] {
        let o = Options::from_pairs([("embed", ""), ("lesson", "happy-path"), ("autoplay", "0"), ("t", t)]);
        let opened = link::open(&o.fragment().expect("a lesson"), &default_scenario());
        let mut p = Playground::new(opened.scenario);
        p.reduce(UiAction::Seek(o.start_step.expect("t= is read")));
        assert_eq!((p.history.cursor().to_string(), p.history.world().now), (t.to_string(), time));
        assert_eq!(chosen_status(p.history.world()).text, chosen, "t={t}");
    }
    let lesson = lessons::by_slug("happy-path").unwrap();
    assert!(lesson.expect.iter().any(|e| e.describe() == "\"A\" is chosen at step 9"));
}
