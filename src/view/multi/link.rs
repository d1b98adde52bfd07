//! Links to a Multi-Paxos run. The page's fragment is `#mode=multi` (the default run) or
//! `#mode=multi&m=PAYLOAD`, where PAYLOAD is built as single-decree's (`scenario::link`):
//! base64url without padding of a version byte, then the zlib stream of the postcard encoding
//! of the `MultiScenario`. Single-decree links (`#s=`, `#lesson=`) are untouched.
//!
//! Every step is bounded (the text's length, the unpacked size, `MultiScenario::validate`), and
//! nothing here panics on any input: a bad link is an error a person reads.

use super::scenarios::{multi_scenario, MultiLesson};
use super::{default_scenario, MultiPageConfig, MultiScenario, MultiScheduled, MultiVariantChoice};
use crate::scenario::link::{base64url, from_base64url, MAX_LINK_BYTES, MAX_UNPACKED_BYTES};
use crate::scenario::{zlib, LoadError, Problem};
use serde::Deserialize;

/// The version of this payload's format; the first byte of every payload. Version 3 added the
/// captions. Version 2 (no captions, `V2`) and version 1 (before the full configuration:
/// quorums, timers, lease, workload mix, scripted runs, `V1`) still open, as the same run; one
/// of a lesson's run opens as that lesson, its captions included, as it did.
pub const MULTI_LINK_VERSION: u8 = 3;
/// The fragment's mode key and value, and the payload's key.
pub const MODE_KEY: &str = "mode";
pub const MODE_MULTI: &str = "multi";
pub const PAYLOAD_KEY: &str = "m";
/// A lesson of this mode by name: `#mode=multi&lesson=multi-leader-crash`.
pub const LESSON_KEY: &str = "lesson";

/// The payload of a link to `scenario` (without the `m=` key).
pub fn encode_multi(scenario: &MultiScenario) -> String {
    let body = postcard::to_allocvec(scenario).unwrap_or_default();
    let mut bytes = vec![MULTI_LINK_VERSION];
    bytes.extend(zlib::deflate(&body));
    base64url(&bytes)
}

fn problem(p: Problem) -> String {
    LoadError::link(p).to_string()
}

/// The scenario in a payload, checked against every limit; an error in words a person reads.
pub fn decode_multi(payload: &str) -> Result<MultiScenario, String> {
    let payload = payload.trim();
    if payload.len() > MAX_LINK_BYTES {
        return Err(problem(Problem::TooLong { len: payload.len(), max: MAX_LINK_BYTES }));
    }
    if payload.is_empty() {
        return Err(problem(Problem::Empty));
    }
    let bytes = from_base64url(payload).map_err(problem)?;
    let Some((&version, packed)) = bytes.split_first() else { return Err(problem(Problem::Damaged)) };
    if version > MULTI_LINK_VERSION {
        return Err(problem(Problem::NewerVersion { version: version.into() }));
    }
    if version == 0 {
        return Err(problem(Problem::OldVersion { version: 0 }));
    }
    let body = zlib::inflate(packed, MAX_UNPACKED_BYTES).map_err(|e| {
        problem(match e {
            zlib::InflateError::TooBig => Problem::TooBig { max: MAX_UNPACKED_BYTES },
            zlib::InflateError::Damaged => Problem::Damaged,
        })
    })?;
    let malformed = |e: postcard::Error| problem(Problem::Malformed(e.to_string()));
    let scenario: MultiScenario = match version {
        1 => with_lesson_captions(postcard::from_bytes::<V1>(&body).map_err(malformed)?.into()),
        2 => with_lesson_captions(postcard::from_bytes::<V2>(&body).map_err(malformed)?.into()),
        _ => postcard::from_bytes(&body).map_err(malformed)?,
    };
    scenario.validate().map_err(|e| problem(Problem::Invalid(e)))?;
    Ok(scenario)
}

/// The URL fragment (without `#`) that opens `scenario` in this mode.
pub fn multi_fragment(scenario: &MultiScenario) -> String {
    format!("{MODE_KEY}={MODE_MULTI}&{PAYLOAD_KEY}={}", encode_multi(scenario))
}

/// The fragment's `mode`, `m` and `lesson` values.
fn fields(fragment: &str) -> (bool, Option<&str>, Option<&str>) {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let (mut multi, mut payload, mut lesson) = (false, None, None);
    for pair in fragment.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            MODE_KEY => multi = value == MODE_MULTI,
            PAYLOAD_KEY => payload = Some(value),
            LESSON_KEY => lesson = Some(value),
            _ => {}
        }
    }
    (multi, payload, lesson)
}

/// What a URL fragment (with or without `#`) asks of this mode: `None` when it is not a
/// Multi-Paxos fragment; the default run for `mode=multi` alone; a lesson's run for
/// `mode=multi&lesson=SLUG`; else the decoded payload.
pub fn from_fragment(fragment: &str) -> Option<Result<MultiScenario, String>> {
    let (multi, payload, lesson) = fields(fragment);
    if !multi {
        return None;
    }
    Some(match (payload, lesson) {
        (Some(p), _) => decode_multi(p),
        (None, Some(slug)) => lesson_of(fragment).map(|l| l.scenario).ok_or_else(|| unknown_lesson(slug)),
        (None, None) => Ok(default_scenario()),
    })
}

/// The lesson a Multi-Paxos fragment names, if it names one that exists.
pub fn lesson_of(fragment: &str) -> Option<MultiLesson> {
    let (multi, _, lesson) = fields(fragment);
    multi_scenario(lesson.filter(|_| multi)?)
}

fn unknown_lesson(slug: &str) -> String {
    let shown: String = slug.chars().take(60).collect();
    format!("There is no Multi-Paxos lesson named \"{shown}\".")
}

/// The fragment (without `#`) that opens a lesson.
pub fn lesson_fragment(lesson: &MultiLesson) -> String {
    format!("{MODE_KEY}={MODE_MULTI}&{LESSON_KEY}={}", lesson.slug)
}

/// A run from a link of a format without captions, with its lesson's captions if it is a
/// lesson's run: those links showed them (the page found the lesson by its run).
fn with_lesson_captions(mut scenario: MultiScenario) -> MultiScenario {
    let lessons = super::scenarios::multi_scenarios();
    let same = |l: &&MultiLesson| MultiScenario { captions: Vec::new(), ..l.scenario.clone() } == scenario;
    if let Some(lesson) = lessons.iter().find(same) {
        scenario.captions = lesson.scenario.captions.clone();
    }
    scenario
}

/// A scenario as links of format 2 carry it: today's without the captions.
#[derive(Deserialize)]
struct V2 {
    title: String,
    config: MultiPageConfig,
    seed: u64,
    schedule: Vec<MultiScheduled>,
    workload: bool,
    script_pace: Option<u32>,
}

impl From<V2> for MultiScenario {
    fn from(v: V2) -> MultiScenario {
        let V2 { title, config, seed, schedule, workload, script_pace } = v;
        MultiScenario { title, config, seed, schedule, workload, script_pace, captions: Vec::new() }
    }
}

/// A scenario as links of format 1 carry it: the configuration had no quorums, timers, lease
/// length or workload mix (the timers were scaled to the latency, `scale_timers`), and no run
/// was scripted.
#[derive(Deserialize)]
struct V1 {
    title: String,
    config: ConfigV1,
    seed: u64,
    schedule: Vec<MultiScheduled>,
    workload: bool,
}

#[derive(Deserialize)]
struct ConfigV1 {
    replicas: u8,
    clients: u8,
    window: u8,
    lease: bool,
    compaction: Option<u32>,
    variant: MultiVariantChoice,
    keys: u8,
    loss_percent: u8,
    latency_min: u8,
    latency_max: u8,
}

impl From<V1> for MultiScenario {
    fn from(v: V1) -> MultiScenario {
        let c = v.config;
        let mut config = MultiPageConfig {
            replicas: c.replicas,
            clients: c.clients,
            window: c.window,
            lease: c.lease,
            compaction: c.compaction,
            variant: c.variant,
            keys: c.keys,
            loss_percent: c.loss_percent,
            latency_min: c.latency_min,
            latency_max: c.latency_max,
            ..MultiPageConfig::default()
        };
        config.scale_timers();
        MultiScenario {
            title: v.title,
            config,
            seed: v.seed,
            schedule: v.schedule,
            workload: v.workload,
            script_pace: None,
            captions: Vec::new(),
        }
    }
}
