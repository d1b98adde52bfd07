//! Share links. The URL fragment `#s=PAYLOAD` holds a whole scenario, so opening the link
//! rebuilds the identical run (same trace hash) at the same moment, with no server involved.
//!
//! PAYLOAD = base64url, no padding, of: the format version as a varint, then the zlib stream
//! (deflate plus an Adler-32 checksum, so a damaged link is refused rather than replayed
//! differently) of the postcard encoding of that version's `wire` types. The version comes
//! first and uncompressed so that a link from a newer build is recognised before anything else
//! is read. `#lesson=SLUG` opens a built-in lesson by name.
//!
//! Every step is bounded: the text length, the unpacked size, the list lengths while decoding
//! and, last, `Scenario::validate`. Nothing here panics on any input.

use super::error::{LoadError, Problem};
use super::lessons::{self, Lesson};
use super::wire::codec::{Reader, Writer};
use super::wire::{ScenarioV2, Versioned};
use super::zlib;
use super::{Scenario, FORMAT_VERSION};

pub use super::error::LoadError as LinkError;

/// Longest link payload read, in bytes; longer input is refused before it is decoded.
pub const MAX_LINK_BYTES: usize = 64 * 1024;
/// Most bytes a payload may unpack to (a compression bomb stops here). The largest scenario
/// the limits allow (10,000 actions, 200 captions of 2,000 bytes) fits well below this.
pub const MAX_UNPACKED_BYTES: usize = 1 << 20;
/// The fragment key of a scenario link: `#s=PAYLOAD`.
pub const SCENARIO_KEY: &str = "s";
/// The fragment key of a lesson link: `#lesson=happy-path`.
pub const LESSON_KEY: &str = "lesson";

/// The payload of a share link for `scenario` (without the `s=` key).
pub fn encode(scenario: &Scenario) -> String {
    let mut body = Writer::default();
    body.scenario_v2(&ScenarioV2::from(scenario));
    let mut bytes = Writer::default();
    bytes.varint(FORMAT_VERSION.into());
    bytes.out.extend(zlib::deflate(&body.out));
    base64url(&bytes.out)
}

/// The scenario in a link payload, checked against every limit, with text cleaned.
pub fn decode(payload: &str) -> Result<Scenario, LinkError> {
    if payload.len() > MAX_LINK_BYTES {
        return Err(LoadError::link(Problem::TooLong { len: payload.len(), max: MAX_LINK_BYTES }));
    }
    decode_any_length(payload)
}

/// `decode` without the limit on the payload's length, for payloads that never travel in an
/// address: the page and its tools worker hand scenarios to each other this way, and a scenario
/// file may be larger than a link. The unpacked size and `Scenario::validate` still bound it.
pub fn decode_any_length(payload: &str) -> Result<Scenario, LinkError> {
    let fail = |p| Err(LoadError::link(p));
    let payload = payload.trim();
    if payload.is_empty() {
        return fail(Problem::Empty);
    }
    let bytes = match from_base64url(payload) {
        Ok(bytes) => bytes,
        Err(problem) => return fail(problem),
    };
    let mut envelope = Reader::new(&bytes);
    let Ok(version) = envelope.u32() else { return fail(Problem::Damaged) };
    let packed = envelope.rest();
    if version > FORMAT_VERSION {
        return fail(Problem::NewerVersion { version });
    }
    if version == 0 {
        return fail(Problem::OldVersion { version });
    }
    let body = unpack(packed).map_err(LoadError::link)?;
    let versioned = Versioned::read(version, &body).map_err(|e| LoadError::link(Problem::Malformed(e.to_string())))?;
    let scenario = versioned.into_current().cleaned();
    scenario.validate().map_err(|e| LoadError::link(Problem::Invalid(e.0)))?;
    Ok(scenario)
}

fn unpack(packed: &[u8]) -> Result<Vec<u8>, Problem> {
    zlib::inflate(packed, MAX_UNPACKED_BYTES).map_err(|e| match e {
        zlib::InflateError::TooBig => Problem::TooBig { max: MAX_UNPACKED_BYTES },
        zlib::InflateError::Damaged => Problem::Damaged,
    })
}

/// The URL-safe base64 alphabet (RFC 4648 section 5).
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `bytes` in URL-safe base64 without padding (written here rather than by a crate: the page's
/// first load has a budget, and this is all of base64 a link needs).
pub fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// Reads URL-safe base64, padded or not. A character outside the alphabet (or padding that does
/// not fit) is `NotBase64`; a length no encoding has, or a last character with bits that no
/// encoding sets, is `Damaged` (a link cut short).
pub fn from_base64url(text: &str) -> Result<Vec<u8>, Problem> {
    let body = text.trim_end_matches('=');
    let padding = text.len() - body.len();
    if padding > 0 && (body.len() % 4 < 2 || padding > 4 - body.len() % 4) {
        return Err(Problem::NotBase64);
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in body.bytes() {
        let v = ALPHABET.iter().position(|&a| a == c).ok_or(Problem::NotBase64)? as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if body.len() % 4 == 1 || acc != 0 {
        return Err(Problem::Damaged);
    }
    Ok(out)
}

/// The fragment (without `#`) that opens `scenario`: `s=PAYLOAD`.
pub fn fragment(scenario: &Scenario) -> String {
    format!("{SCENARIO_KEY}={}", encode(scenario))
}

/// The fragment (without `#`) that opens a built-in lesson: `lesson=SLUG`.
pub fn lesson_fragment(slug: &str) -> String {
    format!("{LESSON_KEY}={slug}")
}

/// What a fragment asks to open.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// No fragment, or none of ours: the default scenario.
    Default,
    Scenario(Box<Scenario>),
    Lesson(Box<Lesson>),
}

/// Reads a fragment (with or without `#`, or a whole address containing one). Keys other than
/// `s` and `lesson` are ignored, so other tools may add their own.
pub fn parse_fragment(text: &str) -> Result<Target, LinkError> {
    if text.len() > MAX_LINK_BYTES + 1024 {
        return Err(LoadError::link(Problem::TooLong { len: text.len(), max: MAX_LINK_BYTES }));
    }
    let fragment = text.rsplit_once('#').map_or(text, |(_, f)| f);
    for pair in fragment.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key == SCENARIO_KEY {
            return decode(value).map(|s| Target::Scenario(Box::new(s)));
        }
        if key == LESSON_KEY {
            return match lessons::by_slug(value) {
                Some(lesson) => Ok(Target::Lesson(Box::new(lesson))),
                None => Err(LoadError::link(Problem::Invalid(format!(
                    "there is no lesson called \"{}\"",
                    super::text::clean(&value.chars().take(60).collect::<String>())
                )))),
            };
        }
    }
    Ok(Target::Default)
}

/// What the page opens for a fragment: never nothing. A bad link opens `fallback` (the
/// default scenario) and carries the message to show.
#[derive(Clone, Debug, PartialEq)]
pub struct Opened {
    pub scenario: Scenario,
    /// The lesson's slug when a lesson was opened.
    pub lesson: Option<&'static str>,
    /// Why the link could not be opened, if it could not.
    pub error: Option<LinkError>,
}

/// Opens a fragment, falling back to `fallback` with the reason when it is bad.
pub fn open(text: &str, fallback: &Scenario) -> Opened {
    match parse_fragment(text) {
        Ok(Target::Default) => Opened { scenario: fallback.clone(), lesson: None, error: None },
        Ok(Target::Scenario(s)) => Opened { scenario: *s, lesson: None, error: None },
        Ok(Target::Lesson(l)) => Opened { scenario: l.scenario, lesson: Some(l.slug), error: None },
        Err(e) => Opened { scenario: fallback.clone(), lesson: None, error: Some(e) },
    }
}
