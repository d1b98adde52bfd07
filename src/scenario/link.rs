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
use super::wire::{ScenarioV2, Versioned};
use super::{Scenario, FORMAT_VERSION};
use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;

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
/// zlib level 9 (the best ratio; a scenario is a few hundred bytes, so time does not matter).
const LEVEL: u8 = 9;

/// base64url without padding when writing; padding tolerated when reading (some chat apps
/// and hand edits add it).
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_encode_padding(false).with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The payload of a share link for `scenario` (without the `s=` key).
pub fn encode(scenario: &Scenario) -> String {
    let body = postcard::to_allocvec(&ScenarioV2::from(scenario))
        .expect("postcard cannot fail on in-memory structs, lists of known length and strings");
    let mut bytes = postcard::to_allocvec(&FORMAT_VERSION).expect("a u32 always encodes");
    bytes.extend(miniz_oxide::deflate::compress_to_vec_zlib(&body, LEVEL));
    BASE64.encode(bytes)
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
    let bytes = match BASE64.decode(payload) {
        Ok(bytes) => bytes,
        // A length or last symbol no encoder produces: the link was cut short.
        Err(base64::DecodeError::InvalidLength(_) | base64::DecodeError::InvalidLastSymbol(..)) => {
            return fail(Problem::Damaged)
        }
        Err(_) => return fail(Problem::NotBase64),
    };
    let Ok((version, packed)) = postcard::take_from_bytes::<u32>(&bytes) else { return fail(Problem::Damaged) };
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
    use miniz_oxide::inflate::TINFLStatus;
    miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(packed, MAX_UNPACKED_BYTES).map_err(|e| match e.status {
        TINFLStatus::HasMoreOutput => Problem::TooBig { max: MAX_UNPACKED_BYTES },
        _ => Problem::Damaged,
    })
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
