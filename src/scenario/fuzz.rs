//! A fuzzer for everything that reads outside input: link payloads, fragments and JSON files.
//! It generates hostile inputs from one seed (random bytes, valid links with bits flipped,
//! cut short or spliced together, well-formed envelopes around random or mutated bodies,
//! compression bombs, forged huge lengths, broken and deeply nested JSON), feeds each to the
//! decoders under `catch_unwind`, and plays every input that is accepted for a few steps, so a
//! hostile but valid scenario cannot crash the simulator either. The count of panics must be 0.
//!
//! `tests/native/scenario_fuzz.rs` runs 11,000 inputs in every test run; `paxos fuzz`
//! runs as many as asked (`cargo run --release --bin paxos -- fuzz --inputs 1000000`).

use super::link::{self, MAX_UNPACKED_BYTES};
use super::wire::{ScenarioV1, ScenarioV2};
use super::{Caption, Scenario};
use crate::protocol::{NodeId, Quorums, Timing, Value};
use crate::sim::{Action, At, Config, MsgId, NetParams, Scheduled, SimRng, Topology};
use base64::Engine;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Steps an accepted input is played for.
pub const PLAY_STEPS: u64 = 64;

/// What a fuzz run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FuzzReport {
    pub inputs: u64,
    /// Inputs that opened as a scenario (and then played without panicking).
    pub accepted: u64,
    /// Inputs refused with a message.
    pub rejected: u64,
    pub panics: u64,
    /// The first input that panicked, escaped, to reproduce it.
    pub first_panic: Option<String>,
}

/// Feeds `count` generated inputs, derived from `seed`, to the decoders.
pub fn run(count: u64, seed: u64) -> FuzzReport {
    let mut gen = Generator::new(seed);
    let mut report = FuzzReport::default();
    for i in 0..count {
        let input = gen.input(i);
        report.inputs += 1;
        match catch_unwind(AssertUnwindSafe(|| feed(&input))) {
            Ok(true) => report.accepted += 1,
            Ok(false) => report.rejected += 1,
            Err(_) => {
                report.panics += 1;
                report.first_panic.get_or_insert_with(|| format!("{input:?}"));
            }
        }
    }
    report
}

/// One generated input and the reader it is meant for.
#[derive(Clone, Debug)]
pub enum Input {
    Payload(String),
    Fragment(String),
    Json(String),
}

/// Reads one input; an accepted scenario is also played. True when it was accepted.
fn feed(input: &Input) -> bool {
    let opened = match input {
        Input::Payload(p) => link::decode(p),
        Input::Fragment(f) => match link::parse_fragment(f) {
            Ok(link::Target::Scenario(s)) => Ok(*s),
            Ok(link::Target::Lesson(l)) => Ok(l.scenario),
            Ok(link::Target::Default) => Ok(Scenario::default()),
            Err(e) => Err(e),
        },
        Input::Json(j) => Scenario::from_json(j),
    };
    match opened {
        Ok(s) => {
            let mut history = s.history();
            while history.frontier() < PLAY_STEPS && history.forward() {}
            history.seek(s.cursor.unwrap_or(0));
            true
        }
        Err(_) => false,
    }
}

/// Makes inputs: each kind in turn, each from the one seeded generator.
pub struct Generator {
    rng: SimRng,
    bomb: String,
}

const KINDS: u64 = 11;

impl Generator {
    pub fn new(seed: u64) -> Generator {
        // 4 MiB of zeros packs into about 4 KB: far past the unpacking limit.
        let bomb = envelope(1, &vec![0u8; 4 * MAX_UNPACKED_BYTES], 1);
        Generator { rng: SimRng::new(seed), bomb }
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            self.rng.range(0, n as u32 - 1) as usize
        }
    }

    pub fn input(&mut self, i: u64) -> Input {
        match i % KINDS {
            0 => Input::Payload(String::from_utf8_lossy(&self.bytes(200)).into_owned()),
            1 => Input::Payload(self.base64_chars()),
            2 => Input::Payload(self.flipped_link()),
            3 => Input::Payload(self.truncated_link()),
            4 => Input::Payload(self.spliced_links()),
            5 => Input::Payload(self.random_envelope()),
            6 => Input::Payload(self.mutated_body()),
            7 => Input::Payload(self.forged_count()),
            // The bomb is one fixed input and costs a full unpacking to the limit: 1 in 50.
            8 => Input::Payload(if (i / KINDS).is_multiple_of(50) { self.bomb.clone() } else { self.long_text() }),
            9 => Input::Json(self.hostile_json()),
            _ => Input::Fragment(self.fragment()),
        }
    }

    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let len = self.below(max + 1);
        (0..len).map(|_| self.rng.next_u64() as u8).collect()
    }

    fn base64_chars(&mut self) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let len = self.below(400);
        (0..len).map(|_| ALPHABET[self.below(ALPHABET.len())] as char).collect()
    }

    fn valid_link(&mut self) -> String {
        link::encode(&random_scenario(&mut self.rng))
    }

    fn flipped_link(&mut self) -> String {
        let mut bytes = self.valid_link().into_bytes();
        for _ in 0..=self.below(3) {
            let at = self.below(bytes.len());
            if let Some(b) = bytes.get_mut(at) {
                *b ^= 1 << self.below(6);
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }

    fn truncated_link(&mut self) -> String {
        let text = self.valid_link();
        let cut = self.below(text.len());
        text[..cut].to_string()
    }

    fn spliced_links(&mut self) -> String {
        let (a, b) = (self.valid_link(), self.valid_link());
        let (i, j) = (self.below(a.len()), self.below(b.len()));
        format!("{}{}", &a[..i], &b[j..])
    }

    fn random_envelope(&mut self) -> String {
        let version = self.below(4) as u32;
        let body = self.bytes(300);
        envelope(version, &body, 6)
    }

    /// A valid body with a few bytes changed, then packed properly: it gets past the checksum
    /// and exercises the binary decoder and the limits.
    fn mutated_body(&mut self) -> String {
        let scenario = random_scenario(&mut self.rng);
        let (version, mut body) = self.body(&scenario);
        for _ in 0..=self.below(4) {
            let at = self.below(body.len());
            if let Some(b) = body.get_mut(at) {
                *b = self.rng.next_u64() as u8;
            }
        }
        envelope(version, &body, 1)
    }

    /// A body whose schedule claims billions of entries.
    fn forged_count(&mut self) -> String {
        let s = Scenario { title: "x".repeat(self.below(3)), ..Scenario::default() };
        let (version, mut body) = self.body(&s);
        // Title length, title, description length, then the config; replace everything after
        // the config with a huge schedule length and a little garbage.
        let config_end = body.len() - 3;
        body.truncate(config_end);
        body.extend([0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 1, 2, 3]);
        envelope(version, &body, 1)
    }

    /// `s` in the current format or, half the time, in format 1 (so the migration is fuzzed
    /// too): without what format 1 cannot hold (timeout growth, `FireTimer`).
    fn body(&mut self, s: &Scenario) -> (u32, Vec<u8>) {
        if self.below(2) == 0 {
            let mut old = s.clone();
            old.config.timing.timeout_growth = false;
            old.schedule.retain(|e| !matches!(e.action, Action::FireTimer { .. }));
            if let Ok(v1) = ScenarioV1::try_from(&old) {
                return (1, postcard::to_allocvec(&v1).unwrap_or_default());
            }
        }
        (2, postcard::to_allocvec(&ScenarioV2::from(s)).unwrap_or_default())
    }

    fn long_text(&mut self) -> String {
        "A".repeat(link::MAX_LINK_BYTES + 1 + self.below(1000))
    }

    fn hostile_json(&mut self) -> String {
        let depth = 1 + self.below(5_000);
        match self.below(5) {
            0 => format!("{{\"title\": {}{}}}", "[".repeat(depth), "]".repeat(depth)),
            1 => "[".repeat(depth),
            2 => format!("{{\"version\": {}}}", self.rng.next_u64()),
            3 => {
                let mut text = random_scenario(&mut self.rng).to_json().into_bytes();
                let cut = self.below(text.len());
                text.truncate(cut);
                String::from_utf8_lossy(&text).into_owned()
            }
            _ => {
                let mut text = random_scenario(&mut self.rng).to_json().into_bytes();
                for _ in 0..=self.below(4) {
                    let at = self.below(text.len());
                    if let Some(b) = text.get_mut(at) {
                        *b = b"0123456789{}[]\":,-e.xn"[self.below(22)];
                    }
                }
                String::from_utf8_lossy(&text).into_owned()
            }
        }
    }

    fn fragment(&mut self) -> String {
        match self.below(4) {
            0 => format!("#lesson={}", self.base64_chars()),
            1 => format!("#a=b&s={}&lesson=x", self.valid_link()),
            2 => format!("https://example.org/?embed#s={}", self.truncated_link()),
            _ => format!("#{}", String::from_utf8_lossy(&self.bytes(100))),
        }
    }
}

/// A link payload: `version`, then the zlib stream of `body` at `level`.
fn envelope(version: u32, body: &[u8], level: u8) -> String {
    let mut bytes = postcard::to_allocvec(&version).unwrap_or_default();
    bytes.extend(miniz_oxide::deflate::compress_to_vec_zlib(body, level));
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A scenario within the limits: the kind of thing people share.
pub fn random_scenario(rng: &mut SimRng) -> Scenario {
    let acceptors = rng.range(1, 9) as u8;
    let config = Config {
        topology: if rng.range(0, 1) == 0 {
            Topology::Servers { count: acceptors }
        } else {
            Topology::Separate { proposers: rng.range(1, 4) as u8, acceptors, learners: rng.range(1, 3) as u8 }
        },
        quorums: (rng.range(0, 2) == 0).then(|| Quorums {
            phase1: rng.range(1, acceptors as u32) as u8,
            phase2: rng.range(1, acceptors as u32) as u8,
        }),
        nack: rng.range(0, 1) == 0,
        timing: Timing { timeout_growth: rng.range(0, 1) == 0, ..Timing::default() },
        network: NetParams {
            latency_ticks_min: 1,
            latency_ticks_max: rng.range(1, 20),
            loss: rng.range(0, 50) as f64 / 100.0,
            duplicate: rng.range(0, 30) as f64 / 100.0,
        },
        ..Config::default()
    };
    let nodes = config.roles().len() as u32;
    let schedule = (0..rng.range(0, 20)).map(|_| random_entry(rng, nodes)).collect();
    let captions =
        (0..rng.range(0, 3) as u64).map(|i| Caption { step: i * 5, text: format!("caption {i} <b>x</b>") }).collect();
    Scenario {
        title: format!("shared run {}", rng.range(0, 999)),
        seed: rng.next_u64(),
        schedule,
        cursor: (rng.range(0, 1) == 0).then(|| rng.range(0, 100) as u64),
        captions,
        config,
        ..Scenario::default()
    }
}

fn random_entry(rng: &mut SimRng, nodes: u32) -> Scheduled {
    let node = NodeId(rng.range(0, nodes - 1) as u8);
    let msg = MsgId(rng.range(1, 60) as u64);
    let action = match rng.range(0, 8) {
        0 => Action::Propose { node, value: Value(rng.range(0, 5)) },
        1 => Action::Crash { node },
        2 => Action::Recover { node },
        3 => Action::Drop { msg },
        4 => Action::Duplicate { msg },
        5 => Action::DeliverNow { msg },
        6 => Action::Delay { msg, ticks: rng.range(1, 30) },
        7 => Action::FireTimer { node },
        _ => Action::Partition { groups: vec![vec![node]] },
    };
    let at = if rng.range(0, 1) == 0 { At::Tick(rng.range(0, 200) as u64) } else { At::Step(rng.range(0, 200) as u64) };
    Scheduled { at, action }
}
