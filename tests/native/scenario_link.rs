//! Share links: the exact round trip, the sizes people will paste, the version envelope, and
//! every kind of bad input named in the limits (each refused with a message, none panicking).

use base64::Engine;
use paxos_playground::protocol::{NodeId, Timing, Value};
use paxos_playground::scenario::link::{self, Target, MAX_LINK_BYTES, MAX_UNPACKED_BYTES};
use paxos_playground::scenario::wire::{
    ActionV1, AtV1, ConfigV1, NetV1, ScenarioV1, ScenarioV2, ScheduledV1, TopologyV1,
};
use paxos_playground::scenario::{lessons, Caption, Problem, Scenario, FORMAT_VERSION, MAX_SCHEDULE};
use paxos_playground::sim::{Action, At, MsgId, Scheduled, Topology};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A payload with any version number around any body.
fn envelope(version: u32, body: &[u8]) -> String {
    let mut bytes = postcard::to_allocvec(&version).unwrap();
    bytes.extend(miniz_oxide::deflate::compress_to_vec_zlib(body, 6));
    b64(&bytes)
}

fn problem(payload: &str) -> Problem {
    link::decode(payload).expect_err("must be refused").problem
}

/// The default scenario with the clicks of a person exploring it: 20 actions at recorded steps.
fn edited() -> Scenario {
    let step = |n, action| Scheduled { at: At::Step(n), action };
    let mut schedule = vec![
        Scheduled { at: At::Tick(0), action: Action::Propose { node: NodeId(0), value: Value(0) } },
        Scheduled { at: At::Tick(4), action: Action::Propose { node: NodeId(1), value: Value(1) } },
    ];
    for i in 0..18u64 {
        let action = match i % 6 {
            0 => Action::Crash { node: NodeId(2 + (i % 3) as u8) },
            1 => Action::Drop { msg: MsgId(3 + i) },
            2 => Action::Recover { node: NodeId(2 + (i % 3) as u8) },
            3 => Action::Duplicate { msg: MsgId(5 + i) },
            4 => Action::DeliverNow { msg: MsgId(7 + i) },
            _ => Action::Delay { msg: MsgId(9 + i), ticks: 6 },
        };
        schedule.push(step(3 + i * 2, action));
    }
    Scenario { title: "acceptor n3 crashes here".into(), schedule, cursor: Some(30), ..Scenario::default() }
}

#[test]
fn typical_links_round_trip_and_stay_under_600_characters() {
    let mut sizes = Vec::new();
    for (name, s) in [("default", Scenario::default()), ("edited, 20 hand actions", edited())] {
        let payload = link::encode(&s);
        assert_eq!(link::decode(&payload), Ok(s.clone()), "{name}");
        sizes.push((name.to_string(), link::fragment(&s).len()));
    }
    for lesson in lessons::all() {
        // A lesson opened and edited: one more hand action, no new captions.
        let mut s = lesson.scenario.clone();
        s.schedule.push(Scheduled { at: At::Step(12), action: Action::Crash { node: NodeId(1) } });
        sizes.push((lesson.slug.to_string(), link::fragment(&s).len()));
    }
    eprintln!("link sizes (fragment characters): {sizes:?}");
    assert!(sizes[0].1 < 100 && sizes[1].1 < 600, "{sizes:?}");
    // Lessons carry a page of narration, compressed; even so an edited one stays a sane URL.
    assert!(sizes.iter().all(|(_, n)| *n < 2000), "{sizes:?}");
}

#[test]
fn a_link_reopens_the_same_run_at_the_same_moment() {
    let s = edited();
    let opened = link::open(&format!("https://host/#{}", link::fragment(&s)), &Scenario::default());
    assert_eq!(opened.error, None);
    assert_eq!(opened.scenario.cursor, Some(30));
    let (mut a, mut b) = (s.history(), opened.scenario.history());
    while a.frontier() < 400 && a.forward() {}
    while b.frontier() < 400 && b.forward() {}
    assert_eq!(a.trace_hash(), b.trace_hash());
    assert!(a.frontier() > 30);
}

/// A format-1 link made by hand from the frozen wire types: every later build must open it
/// exactly so, through the migration to format 2 (which turns timeout growth off).
#[test]
fn a_hand_made_version_1_link_still_opens() {
    let v1 = ScenarioV1 {
        title: "hand-made".into(),
        description: String::new(),
        config: ConfigV1 {
            topology: TopologyV1::Separate(2, 3, 1),
            quorums: None,
            nack: true,
            timing: (20, 40, true, 10, 160),
            broken: (false, false),
            network: NetV1(1, 10, 0.0, 0.0),
        },
        seed: 7,
        schedule: vec![
            ScheduledV1 { at: AtV1::Tick(0), action: ActionV1::Propose(0, 0) },
            ScheduledV1 { at: AtV1::Step(9), action: ActionV1::Crash(3) },
        ],
        cursor: Some(12),
        captions: vec![(0, "start".into())],
    };
    let body = postcard::to_allocvec(&v1).unwrap();
    // The exact bytes of format 1 are pinned: a change to the wire types shows here.
    assert_eq!(b64(&body), "CWhhbmQtbWFkZQABAgMBAAEUKAEKoAEAAAEKAAAAAAAAAAAAAAAAAAAAAAcCAAAAAAABCQEDAQwBAAVzdGFydA");
    let s = link::decode(&envelope(1, &body)).unwrap();
    assert_eq!(s.title, "hand-made");
    assert_eq!(s.config.topology, Topology::Separate { proposers: 2, acceptors: 3, learners: 1 });
    assert_eq!((s.seed, s.cursor, s.version), (7, Some(12), FORMAT_VERSION));
    let format_1_timing = Timing { timeout_growth: false, ..Timing::default() };
    assert_eq!(s.config.timing, format_1_timing);
    assert_eq!(s.schedule[1], Scheduled { at: At::Step(9), action: Action::Crash { node: NodeId(3) } });
    assert_eq!(s.captions, vec![Caption { step: 0, text: "start".into() }]);
    // Written again, it is a format-2 link of the same scenario.
    assert_eq!(link::decode(&link::encode(&s)), Ok(s));
}

/// Format 2's exact bytes: the timing gains the growth switch, the actions `FireTimer` (the
/// 13th variant, index 12). Pinned like format 1's.
#[test]
fn format_2_carries_timeout_growth_and_fire_timer() {
    let s = Scenario {
        title: "v2".into(),
        seed: 7,
        schedule: vec![
            Scheduled { at: At::Tick(0), action: Action::Propose { node: NodeId(0), value: Value(0) } },
            Scheduled { at: At::Step(5), action: Action::FireTimer { node: NodeId(1) } },
        ],
        ..Scenario::default()
    };
    let body = postcard::to_allocvec(&ScenarioV2::from(&s)).unwrap();
    assert_eq!(b64(&body), "AnYyAAECAwEAARQoAQqgAQEAAAEKAAAAAAAAAAAAAAAAAAAAAAcCAAAAAAABBQwBAAA");
    assert_eq!(link::decode(&envelope(2, &body)), Ok(s.clone()));
    assert_eq!(link::decode(&link::encode(&s)), Ok(s.clone()));
    // Format 1 cannot say either.
    assert!(ScenarioV1::try_from(&s).is_err());
    let fixed = Scenario { schedule: s.schedule[..1].to_vec(), ..s.clone() };
    assert!(ScenarioV1::try_from(&fixed).is_err(), "timeout growth is on");
    let mut old = fixed.clone();
    old.config.timing.timeout_growth = false;
    let v1 = ScenarioV1::try_from(&old).unwrap();
    assert_eq!(link::decode(&envelope(1, &postcard::to_allocvec(&v1).unwrap())), Ok(old));
}

#[test]
fn other_versions_get_a_clear_message() {
    let body = postcard::to_allocvec(&ScenarioV2::from(&Scenario::default())).unwrap();
    let newer = link::decode(&envelope(3, &body)).unwrap_err();
    assert_eq!(newer.problem, Problem::NewerVersion { version: 3 });
    assert_eq!(
        newer.message(),
        "this link was made by a newer version of Paxos Playground (format 3); this build reads format 2"
    );
    let zero = link::decode(&envelope(0, &body)).unwrap_err();
    assert_eq!(zero.message(), "this link is not a Paxos Playground scenario");
}

#[test]
fn oversized_input_is_refused_before_decoding() {
    let huge = "A".repeat(MAX_LINK_BYTES + 1);
    assert_eq!(problem(&huge), Problem::TooLong { len: MAX_LINK_BYTES + 1, max: MAX_LINK_BYTES });
    let opened = link::open(&format!("#s={huge}"), &Scenario::default());
    assert!(opened.error.unwrap().message().contains("65536"));
}

#[test]
fn a_compression_bomb_stops_at_the_limit() {
    let bomb = envelope(1, &vec![0u8; 4 * MAX_UNPACKED_BYTES]);
    assert!(bomb.len() < MAX_LINK_BYTES, "the bomb itself is small: {} chars", bomb.len());
    assert_eq!(problem(&bomb), Problem::TooBig { max: MAX_UNPACKED_BYTES });
}

#[test]
fn damaged_links_are_refused_with_a_reason() {
    let good = link::encode(&edited());
    assert_eq!(problem(""), Problem::Empty);
    assert_eq!(problem("not base64!"), Problem::NotBase64);
    assert_eq!(problem(&good[..good.len() / 2]), Problem::Damaged);
    // One character changed inside the compressed data: the checksum catches it.
    let mut flipped = good.clone().into_bytes();
    flipped[good.len() / 2] = if flipped[good.len() / 2] == b'A' { b'B' } else { b'A' };
    assert!(link::decode(std::str::from_utf8(&flipped).unwrap()).is_err());
    assert!(matches!(problem(&envelope(2, b"\x05ab")), Problem::Malformed(_)));
    let mut trailing = postcard::to_allocvec(&ScenarioV2::from(&Scenario::default())).unwrap();
    trailing.push(0);
    assert!(matches!(problem(&envelope(2, &trailing)), Problem::Malformed(_)));
}

#[test]
fn forged_sizes_and_absurd_scenarios_are_refused() {
    let mut v2 = ScenarioV2::from(&Scenario::default());
    v2.config.topology = TopologyV1::Servers(200);
    let absurd = link::decode(&envelope(2, &postcard::to_allocvec(&v2).unwrap())).unwrap_err();
    assert!(absurd.message().contains("servers: 200"), "{}", absurd.message());
    // A schedule that claims u32::MAX entries is refused while it is read, not after.
    let mut body = postcard::to_allocvec(&ScenarioV2::from(&Scenario::default())).unwrap();
    body.truncate(body.len() - 3);
    body.extend([0xFF, 0xFF, 0xFF, 0xFF, 0x0F]);
    // A length beyond the bytes left is refused before anything is reserved or read.
    let unexpected_end = paxos_playground::scenario::wire::codec::END.to_string();
    assert_eq!(problem(&envelope(2, &body)), Problem::Malformed(unexpected_end));
    let crash = Scheduled { at: At::Tick(1), action: Action::Crash { node: NodeId(0) } };
    let too_many = Scenario { schedule: vec![crash.clone(); MAX_SCHEDULE + 1], ..Scenario::default() };
    assert!(matches!(problem(&link::encode(&too_many)), Problem::Malformed(_)));
    let far = Scenario { schedule: vec![Scheduled { at: At::Tick(u64::MAX), ..crash }], ..Scenario::default() };
    assert!(matches!(problem(&link::encode(&far)), Problem::Invalid(m) if m.contains("tick")));
}

#[test]
fn text_stays_text_and_controls_are_removed() {
    let s = Scenario {
        title: "<script>alert('x')</script>\u{202E}\u{0}".into(),
        captions: vec![Caption { step: 0, text: "<img src=x onerror=alert(1)>".into() }],
        ..Scenario::default()
    };
    let back = link::decode(&link::encode(&s)).unwrap();
    assert_eq!(back.title, "<script>alert('x')</script>");
    assert_eq!(back.captions[0].text, "<img src=x onerror=alert(1)>");
}

#[test]
fn fragments_name_a_scenario_a_lesson_or_nothing() {
    let s = edited();
    assert_eq!(link::parse_fragment(""), Ok(Target::Default));
    assert_eq!(link::parse_fragment("#embed=1"), Ok(Target::Default));
    assert_eq!(link::parse_fragment(&format!("x=1&{}", link::fragment(&s))), Ok(Target::Scenario(Box::new(s))));
    assert!(matches!(link::parse_fragment("#lesson=partition"), Ok(Target::Lesson(l)) if l.slug == "partition"));
    let bad = link::open("#lesson=<b>nope</b>", &Scenario::default());
    assert_eq!(bad.scenario, Scenario::default());
    assert_eq!(
        bad.error.unwrap().message(),
        "this link holds a scenario outside the limits: there is no lesson called \"<b>nope</b>\""
    );
}

/// Deterministic test bytes: `n` bytes from a small alphabet (`spread` letters), so some runs
/// repeat and compress, as a scenario's body does.
fn sample(n: usize, seed: u32, spread: u32) -> Vec<u8> {
    let mut x = seed.max(1);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x % spread) as u8
        })
        .collect()
}

/// The link's own zlib (`scenario::zlib`, in the page instead of miniz_oxide) against
/// miniz_oxide both ways: it reads every level miniz writes (stored, fixed and dynamic blocks,
/// as in links made by earlier builds), and miniz reads what it writes.
#[test]
fn own_zlib_reads_and_writes_what_miniz_does() {
    use paxos_playground::scenario::zlib;
    let mut cases = vec![Vec::new(), vec![0], b"abcabcabcabc".to_vec()];
    for (i, &(n, spread)) in
        [(10, 256), (300, 4), (1000, 30), (5000, 256), (40_000, 3), (70_000, 200)].iter().enumerate()
    {
        cases.push(sample(n, i as u32 * 7 + 1, spread));
    }
    for lesson in lessons::all() {
        cases.push(postcard::to_allocvec(&ScenarioV2::from(&lesson.scenario)).unwrap());
    }
    for data in &cases {
        for level in 0..=10 {
            let packed = miniz_oxide::deflate::compress_to_vec_zlib(data, level);
            assert_eq!(
                zlib::inflate(&packed, data.len()).as_ref(),
                Ok(data),
                "miniz level {level}, {} bytes",
                data.len()
            );
        }
        let ours = zlib::deflate(data);
        assert_eq!(
            miniz_oxide::inflate::decompress_to_vec_zlib(&ours).ok().as_ref(),
            Some(data),
            "{} bytes",
            data.len()
        );
    }
}

/// On lesson-sized input, the link's deflate stays within 2% of miniz's best (what links
/// were compressed with before), so links did not grow much when it replaced miniz.
#[test]
fn own_deflate_is_close_to_miniz_level_9_on_scenarios() {
    let (mut ours, mut miniz) = (0, 0);
    for lesson in lessons::all() {
        let body = postcard::to_allocvec(&ScenarioV2::from(&lesson.scenario)).unwrap();
        ours += paxos_playground::scenario::zlib::deflate(&body).len();
        miniz += miniz_oxide::deflate::compress_to_vec_zlib(&body, 9).len();
    }
    eprintln!("lessons' bodies compressed: ours {ours} B, miniz level 9 {miniz} B");
    assert!(ours * 50 <= miniz * 51, "ours {ours} B vs miniz {miniz} B");
}

/// The link's base64url against the base64 crate: the same text for any bytes, and the same
/// bytes back, padded or not; what the crate refuses is refused.
#[test]
fn own_base64url_matches_the_crate() {
    use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
    use base64::engine::DecodePaddingMode;
    let lenient = GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        GeneralPurposeConfig::new().with_encode_padding(false).with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    for n in 0..40 {
        let bytes = sample(n, n as u32 + 3, 256);
        let text = link::base64url(&bytes);
        assert_eq!(text, b64(&bytes));
        assert_eq!(link::from_base64url(&text), Ok(bytes.clone()));
        let padded = base64::engine::general_purpose::URL_SAFE.encode(&bytes);
        assert_eq!(link::from_base64url(&padded), Ok(bytes));
    }
    let alphabet = b"AQgw_-=+/ !";
    for i in 0..20_000u32 {
        let chars = sample(1 + (i % 9) as usize, i + 1, alphabet.len() as u32);
        let text: String = chars.iter().map(|&c| char::from(alphabet[c as usize])).collect();
        let ours = link::from_base64url(&text);
        match lenient.decode(&text) {
            Ok(bytes) => assert_eq!(ours, Ok(bytes), "{text:?}"),
            Err(e) => assert!(ours.is_err(), "{text:?}: the crate says {e}, ours reads {ours:?}"),
        }
    }
}

/// The link's hand-written codec (`wire::codec`, in the page instead of serde and postcard)
/// against postcard: the same bytes for any scenario, the same scenario back, and for hostile
/// bodies (random, cut short, one byte changed) the same verdict: both read it alike, or both
/// refuse it.
#[test]
fn the_wire_codec_is_postcard_byte_for_byte() {
    use paxos_playground::scenario::fuzz::random_scenario;
    use paxos_playground::scenario::wire::codec::{Reader, Writer};
    use paxos_playground::scenario::wire::Versioned;
    use paxos_playground::sim::SimRng;
    let mut rng = SimRng::new(7);
    let mut scenarios: Vec<Scenario> = lessons::all().into_iter().map(|l| l.scenario).collect();
    scenarios.push(edited());
    scenarios.extend((0..300).map(|_| random_scenario(&mut rng)));
    let mut bodies = Vec::new();
    for s in &scenarios {
        let v2 = ScenarioV2::from(s);
        let theirs = postcard::to_allocvec(&v2).unwrap();
        let mut ours = Writer::default();
        ours.scenario_v2(&v2);
        assert_eq!(ours.out, theirs, "{}", s.title);
        assert_eq!(Reader::new(&theirs).scenario_v2(), Ok(v2));
        bodies.push(theirs);
    }
    // Format 1 bodies, written by postcard from format 1's types.
    let v1 = ScenarioV1 {
        title: "old".into(),
        description: String::new(),
        config: ConfigV1 {
            topology: TopologyV1::Separate(2, 3, 1),
            quorums: Some((2, 2)),
            nack: true,
            timing: (10, 20, true, 5, 80),
            broken: (false, true),
            network: NetV1(1, 5, 0.25, 0.125),
        },
        seed: 99,
        schedule: vec![
            ScheduledV1 { at: AtV1::Tick(3), action: ActionV1::Partition(vec![vec![0, 1], vec![2]]) },
            ScheduledV1 { at: AtV1::Step(300), action: ActionV1::Delay(1 << 40, 7) },
        ],
        cursor: Some(12),
        captions: vec![(4, "é ünïcode".into())],
    };
    let old = postcard::to_allocvec(&v1).unwrap();
    assert_eq!(Reader::new(&old).scenario_v1(), Ok(v1));
    let same = |version: u32, body: &[u8]| {
        let ours = Versioned::read(version, body).ok();
        // As links are read: bytes left over after the scenario refuse it.
        let theirs = match version {
            1 => postcard::take_from_bytes::<ScenarioV1>(body)
                .ok()
                .filter(|r| r.1.is_empty())
                .map(|r| Versioned::V1(r.0)),
            _ => postcard::take_from_bytes::<ScenarioV2>(body)
                .ok()
                .filter(|r| r.1.is_empty())
                .map(|r| Versioned::V2(r.0)),
        };
        assert_eq!(ours, theirs, "format {version}, body {body:?}");
    };
    let mut x = 0x9e37_79b9_u32;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x
    };
    bodies.push(old);
    for body in &bodies {
        for version in [1, 2] {
            same(version, body);
            for _ in 0..20 {
                let cut = next() as usize % (body.len() + 1);
                same(version, &body[..cut]);
                let mut changed = body.clone();
                if !changed.is_empty() {
                    let i = next() as usize % changed.len();
                    changed[i] = next() as u8;
                    same(version, &changed);
                }
            }
        }
    }
    for n in 0..2000 {
        let junk: Vec<u8> = (0..n % 64).map(|_| next() as u8).collect();
        same(2, &junk);
        same(1, &junk);
    }
}
