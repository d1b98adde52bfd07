//! Embedding, the pure part: the page's options from its query string (`?embed&lesson=...`),
//! the commands a host page may post to an embedded playground, and the events it posts back.
//! Everything that arrives from outside is checked here, natively tested; `ui::embed` only moves
//! strings between the browser and these functions. docs/embedding.md documents the contract.

use crate::scenario::{link, LoadError, Problem, Scenario, MAX_JSON_BYTES};
use serde_json::Value;

/// How much of the time controls an embedded playground shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Controls {
    /// Play, step, scrubber and speed.
    #[default]
    Full,
    /// A play/pause button and the clock.
    Minimal,
    /// Nothing: the host drives it (postMessage) or it autoplays.
    None,
}

/// What the query string asks for. Unknown keys and bad values are ignored (each with a
/// warning for the console), so a typo never blanks an embedded page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    /// `?embed`: minimal chrome, sized for an iframe.
    pub embed: bool,
    /// `scenario=PAYLOAD`: a share-link payload (what follows `#s=`).
    pub scenario: Option<String>,
    /// `lesson=SLUG`: a built-in lesson.
    pub lesson: Option<String>,
    /// `autoplay=1|0` (default: play, except a narrated or shared moment which opens paused).
    pub autoplay: Option<bool>,
    pub controls: Controls,
    /// `speed=0.1..10`.
    pub speed: Option<f64>,
    /// `theme=light|dark`.
    pub theme: Option<&'static str>,
    /// `t=STEP`: the step to open at (a cursor position, like the link's cursor and `seek`).
    pub start_step: Option<u64>,
    /// `id=NAME`: echoed in every event, so a host with several playgrounds tells them apart.
    pub id: Option<String>,
    /// `origin=https://host.example`: accept commands only from, and post events only to, it.
    pub origin: Option<String>,
    /// `present`: presentation mode at start (larger text, the stage filling the screen; `f`
    /// toggles it in the page, `ui::shortcuts`). The full page only: an embed ignores it.
    pub present: bool,
    /// Mounted into a host's element by the JS API (`mount`): the address is the host's, so
    /// neither its fragment nor its changes are read, and there is no parent frame to talk to.
    pub mounted: bool,
    pub warnings: Vec<String>,
}

/// Longest `id` or `origin` kept.
const MAX_NAME: usize = 200;

impl Options {
    /// Reads decoded query pairs (the browser's URLSearchParams does the decoding).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Options {
        let mut o = Options::default();
        for (key, value) in pairs {
            if let Err(why) = o.set(key, value) {
                o.warnings.push(format!("ignored ?{key}=: {why}"));
            }
        }
        o
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let flag = |v: &str| match v {
            "" | "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" => Ok(false),
            _ => Err(format!("\"{}\" is not 1 or 0", short(v))),
        };
        match key {
            "embed" => self.embed = flag(value)?,
            "present" => self.present = flag(value)?,
            "scenario" | "s" => self.scenario = Some(value.to_string()),
            "lesson" => self.lesson = Some(value.to_string()),
            "autoplay" => self.autoplay = Some(flag(value)?),
            "controls" => {
                self.controls = match value {
                    "full" => Controls::Full,
                    "minimal" => Controls::Minimal,
                    "none" => Controls::None,
                    _ => return Err("use full, minimal or none".into()),
                }
            }
            "speed" => {
                let s = crate::decimal::parse_decimal(value).ok_or_else(|| "not a number".to_string())?;
                if !(0.1..=10.0).contains(&s) {
                    return Err("speed runs from 0.1 to 10".into());
                }
                self.speed = Some(s);
            }
            "theme" => {
                self.theme = Some(match value {
                    "light" => "light",
                    "dark" => "dark",
                    _ => return Err("use light or dark".into()),
                })
            }
            "t" => self.start_step = Some(value.parse().map_err(|_| "t is a step number".to_string())?),
            "id" if value.len() <= MAX_NAME => self.id = Some(value.to_string()),
            "origin" if value.len() <= MAX_NAME && value.starts_with("http") => self.origin = Some(value.to_string()),
            "id" | "origin" => return Err("too long or not an origin".into()),
            // Other tools' keys (bench mode, analytics) are not ours to judge.
            _ => {}
        }
        Ok(())
    }

    /// Whether the run starts playing by itself. `autoplay` says so if given; otherwise it plays
    /// unless what opens is a narrated scenario (a lesson) or a shared moment, which wait for the
    /// person. Never for a visitor who asked their system for reduced motion
    /// (`prefers-reduced-motion: reduce`), whatever the options: the run waits for Play, or for
    /// the host page's `play` command.
    pub fn plays_at_start(&self, narrated_or_shared: bool, reduced_motion: bool) -> bool {
        !reduced_motion && self.autoplay.unwrap_or(!narrated_or_shared)
    }

    /// The fragment these options open (`s=...` or `lesson=...`), for `link::open`.
    pub fn fragment(&self) -> Option<String> {
        match (&self.scenario, &self.lesson) {
            (Some(s), _) => Some(format!("{}={s}", link::SCENARIO_KEY)),
            (None, Some(l)) => Some(link::lesson_fragment(l)),
            (None, None) => None,
        }
    }
}

fn short(v: &str) -> String {
    crate::scenario::text::clean(&v.chars().take(40).collect::<String>())
}

/// A command from the host page.
#[derive(Clone, Debug, PartialEq)]
pub enum HostCommand {
    Play,
    Pause,
    Seek(u64),
    /// A scenario to open, already decoded and checked.
    Load(Box<Scenario>),
    /// A scenario as JSON text, still to be read with `Scenario::from_json` (in the page, by
    /// the tools worker, so the page's wasm carries no JSON reader).
    LoadJson(String),
}

/// A `load` command's scenario as the message held it.
#[derive(Clone, Debug, PartialEq)]
pub enum ScenarioArg {
    Text(String),
    /// An object, as JSON text.
    Object(String),
    /// Anything else (a number, an array, null).
    Other,
}

/// The fields of a posted message that matter, read by the caller (`parse_command` with
/// serde_json; the page from the browser's own value, without a JSON library in its wasm).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawCommand {
    /// `type`, when it is a string.
    pub kind: Option<String>,
    /// `step`, when it is a whole number >= 0.
    pub step: Option<u64>,
    pub scenario: Option<ScenarioArg>,
}

/// Reads a posted message (as JSON text: the page stringifies `event.data`, which also bounds
/// its nesting through serde_json's depth limit). `Err` says why it was ignored; a `load` whose
/// scenario is bad gives `Ok(Err(..))`, the reason to show in the error banner.
pub fn parse_command(text: &str) -> Result<Result<HostCommand, LoadError>, String> {
    check_size(text.len())?;
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON data: {e}"))?;
    let raw = RawCommand {
        kind: v.get("type").and_then(Value::as_str).map(str::to_string),
        step: v.get("step").and_then(Value::as_u64),
        scenario: v.get("scenario").map(|s| match s {
            Value::String(t) => ScenarioArg::Text(t.clone()),
            Value::Object(_) => ScenarioArg::Object(s.to_string()),
            _ => ScenarioArg::Other,
        }),
    };
    Ok(match read_command(raw)? {
        Ok(HostCommand::LoadJson(t)) => Scenario::from_json(&t).map(|s| HostCommand::Load(Box::new(s))),
        other => other,
    })
}

/// Refuses a message longer than a scenario file may be (`len` in bytes of its JSON text).
pub fn check_size(len: usize) -> Result<(), String> {
    match len > MAX_JSON_BYTES {
        true => Err(format!("a message of {len} bytes (at most {MAX_JSON_BYTES})")),
        false => Ok(()),
    }
}

/// The command in a message's fields, as `parse_command` describes; JSON scenarios are left
/// for the caller to read (`HostCommand::LoadJson`).
pub fn read_command(raw: RawCommand) -> Result<Result<HostCommand, LoadError>, String> {
    let command = match raw.kind.as_deref().ok_or("no \"type\" string")? {
        "play" => HostCommand::Play,
        "pause" => HostCommand::Pause,
        "seek" => HostCommand::Seek(raw.step.ok_or("seek needs a whole \"step\" >= 0")?),
        "load" => return Ok(load(raw.scenario.ok_or("load needs a \"scenario\"")?)),
        other => return Err(format!("unknown command type \"{}\"", short(other))),
    };
    Ok(Ok(command))
}

/// A `load` command's scenario: a link payload (optionally with `#s=` or `s=` before it), a whole
/// share link, JSON scenario text, or the scenario as an object.
fn load(scenario: ScenarioArg) -> Result<HostCommand, LoadError> {
    let scenario = match scenario {
        ScenarioArg::Text(s) | ScenarioArg::Object(s) if s.trim_start().starts_with('{') => {
            return Ok(HostCommand::LoadJson(s))
        }
        ScenarioArg::Text(s) => match link::parse_fragment(if s.contains('=') { &s } else { "" })? {
            link::Target::Scenario(s) => *s,
            link::Target::Lesson(l) => l.scenario,
            link::Target::Default => link::decode(&s)?,
        },
        _ => return Err(LoadError::link(Problem::Malformed("the scenario is neither text nor an object".into()))),
    };
    Ok(HostCommand::Load(Box::new(scenario)))
}

/// The events posted to the host page, each with `source: "paxos-playground"` and the `id`
/// option when given.
#[derive(Clone, Debug, PartialEq)]
pub enum HostEvent {
    Ready,
    Time { step: u64, time: u64 },
    Chosen { value: String },
    Violation { invariant: &'static str, detail: String },
}

impl HostEvent {
    /// The event as JSON text, with `source: "paxos-playground"` and `id` when given. Fields in
    /// alphabetical order and absent ones left out: the text `json!` gave (its map sorts keys).
    /// Written by hand, so the page's wasm needs no JSON writer.
    pub fn to_json(&self, id: Option<&str>) -> String {
        let (mut detail, mut invariant, mut step, mut time, mut value) = (None, None, None, None, None);
        let kind = match self {
            HostEvent::Ready => "ready",
            HostEvent::Time { step: s, time: t } => {
                (step, time) = (Some(*s), Some(*t));
                "time"
            }
            HostEvent::Chosen { value: v } => {
                value = Some(v.as_str());
                "chosen"
            }
            HostEvent::Violation { invariant: i, detail: d } => {
                (invariant, detail) = (Some(*i), Some(d.as_str()));
                "violation"
            }
        };
        let mut out = String::from("{");
        let mut field = |name: &str, text: Option<String>| {
            if let Some(text) = text {
                if out.len() > 1 {
                    out.push(',');
                }
                out.push_str(&json_string(name));
                out.push(':');
                out.push_str(&text);
            }
        };
        let text = |s: Option<&str>| s.map(json_string);
        field("detail", text(detail));
        field("id", text(id));
        field("invariant", text(invariant));
        field("source", text(Some("paxos-playground")));
        field("step", step.map(|n| n.to_string()));
        field("time", time.map(|n| n.to_string()));
        field("type", text(Some(kind)));
        field("value", text(value));
        out.push('}');
        out
    }
}

/// `s` as a JSON string, escaped as serde_json escapes it.
pub(crate) fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::state::default_scenario;
    use serde_json::json;

    /// Every case of the start: (autoplay option, narrated or shared, reduced motion) -> plays.
    #[test]
    fn the_run_plays_at_start_unless_narrated_shared_told_not_to_or_motion_is_reduced() {
        let cases = [
            (None, false, false, true),         // the default run plays
            (None, true, false, false),         // a lesson or a shared moment waits
            (Some(true), true, false, true),    // autoplay=1 plays even a lesson
            (Some(false), false, false, false), // autoplay=0 waits
            (None, false, true, false),         // reduced motion: the visitor presses Play
            (Some(true), false, true, false),   // ... even when the embedding page asks for autoplay
            (Some(true), true, true, false),
            (Some(false), true, true, false),
        ];
        for (autoplay, narrated, reduced, plays) in cases {
            let o = Options { autoplay, ..Options::default() };
            assert_eq!(
                o.plays_at_start(narrated, reduced),
                plays,
                "{autoplay:?} narrated {narrated} reduced {reduced}"
            );
        }
    }

    #[test]
    fn options_read_every_key_and_warn_about_bad_values() {
        let o = Options::from_pairs([
            ("embed", ""),
            ("lesson", "happy-path"),
            ("autoplay", "0"),
            ("controls", "minimal"),
            ("speed", "2.5"),
            ("theme", "dark"),
            ("t", "12"),
            ("id", "demo"),
            ("bench", "load"),
        ]);
        assert!(o.embed && o.autoplay == Some(false) && o.controls == Controls::Minimal);
        assert_eq!(
            (o.speed, o.theme, o.start_step, o.id.as_deref()),
            (Some(2.5), Some("dark"), Some(12), Some("demo"))
        );
        assert_eq!(o.fragment().as_deref(), Some("lesson=happy-path"));
        assert!(o.warnings.is_empty(), "{:?}", o.warnings);
        let bad = Options::from_pairs([("speed", "99"), ("controls", "<b>"), ("t", "-1"), ("theme", "x")]);
        assert_eq!(bad.warnings.len(), 4);
        assert_eq!((bad.speed, bad.controls, bad.start_step, bad.theme), (None, Controls::Full, None, None));
    }

    #[test]
    fn present_opens_presentation_mode_with_or_without_a_lesson() {
        assert!(!Options::from_pairs([]).present);
        assert!(Options::from_pairs([("present", "")]).present, "?present");
        let o = Options::from_pairs([("lesson", "partition"), ("present", "1")]);
        assert!(o.present && o.fragment().as_deref() == Some("lesson=partition"), "?lesson=...&present");
        let bad = Options::from_pairs([("present", "<b>")]);
        assert!(!bad.present && bad.warnings.len() == 1);
    }

    #[test]
    fn commands_are_checked_and_junk_is_refused_with_a_reason() {
        assert_eq!(parse_command(r#"{"type":"play"}"#), Ok(Ok(HostCommand::Play)));
        assert_eq!(parse_command(r#"{"type":"pause","extra":1}"#), Ok(Ok(HostCommand::Pause)));
        assert_eq!(parse_command(r#"{"type":"seek","step":7}"#), Ok(Ok(HostCommand::Seek(7))));
        for junk in
            [r#"{"type":"seek","step":-1}"#, r#"{"type":"seek"}"#, r#"{"type":"fly"}"#, "[1,2]", "\"play\"", "{"]
        {
            assert!(parse_command(junk).is_err(), "{junk}");
        }
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(parse_command(&deep).is_err());
    }

    #[test]
    fn load_takes_a_payload_a_link_json_or_an_object_and_reports_bad_ones() {
        let s = Scenario { seed: 42, ..default_scenario() };
        let payload = link::encode(&s);
        let forms = [
            json!({ "type": "load", "scenario": payload }),
            json!({ "type": "load", "scenario": format!("https://x.example/#s={payload}") }),
            json!({ "type": "load", "scenario": s.to_json() }),
            json!({ "type": "load", "scenario": serde_json::from_str::<Value>(&s.to_json()).unwrap() }),
        ];
        for f in forms {
            assert_eq!(parse_command(&f.to_string()), Ok(Ok(HostCommand::Load(Box::new(s.clone())))), "{f}");
        }
        let bad = parse_command(&json!({ "type": "load", "scenario": "AAAA" }).to_string()).unwrap();
        assert!(bad.is_err());
        let lesson = parse_command(&json!({ "type": "load", "scenario": "lesson=happy-path" }).to_string()).unwrap();
        assert!(matches!(lesson, Ok(HostCommand::Load(s)) if s.title.contains("happy path")));
    }

    #[test]
    fn events_carry_their_type_source_and_id() {
        let v: Value = serde_json::from_str(&HostEvent::Time { step: 3, time: 20 }.to_json(Some("a"))).unwrap();
        assert_eq!(v, json!({ "type": "time", "step": 3, "time": 20, "source": "paxos-playground", "id": "a" }));
        let text = HostEvent::Violation { invariant: "agreement", detail: "two values".into() }.to_json(None);
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!((v["type"].as_str(), v["invariant"].as_str()), (Some("violation"), Some("agreement")));
    }

    /// The text is what `json!` printed before (keys sorted), so hosts see the same messages.
    #[test]
    fn event_text_keeps_sorted_keys() {
        let events = [
            HostEvent::Ready,
            HostEvent::Time { step: 3, time: 20 },
            HostEvent::Chosen { value: "A\"b\\c\n\u{1}\u{7f}é\t\u{8}\u{c}\r".into() },
            HostEvent::Violation { invariant: "agreement", detail: "two values".into() },
        ];
        for e in &events {
            for id in [None, Some("x")] {
                let text = e.to_json(id);
                let v: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(text, v.to_string());
            }
        }
        assert_eq!(HostEvent::Ready.to_json(None), r#"{"source":"paxos-playground","type":"ready"}"#);
    }
}
