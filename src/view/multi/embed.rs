//! Embedding the Multi-Paxos mode, the pure part: what an embedded page opens
//! (`?embed&lesson=...#mode=multi`: the single-decree embed's options, `view::embed::Options`),
//! the commands a host page may post to it, and the events it posts back: the cursor's moves,
//! the slots chosen, the client operations completed and the properties broken as the cursor
//! passes the steps they happened at. `ui::multi::embed` only moves strings between the
//! browser and these functions; docs/embedding.md documents the contract.

use super::frame::{explain, violation};
use super::link::{decode_multi, from_fragment, lesson_of, LESSON_KEY, MODE_KEY, MODE_MULTI, PAYLOAD_KEY};
use super::{MultiAction, MultiLesson, MultiPlayground, MultiScenario};
use crate::protocol::multi::KvReply;
use crate::sim::multi::MultiEvent;
use crate::view::embed::{json_string, Options, RawCommand, ScenarioArg};
use crate::view::safety::slug;

/// The fragment (without `#`) an address opens in this mode: the query's `scenario=` (a
/// Multi-Paxos link's payload, what follows `m=`) or `lesson=`, else the address's own
/// fragment; then the query's `t=` as the moment (`at=`), as a link's moment is written.
pub fn opening_fragment(options: &Options, own: &str) -> String {
    let own = own.strip_prefix('#').unwrap_or(own);
    let mut fragment = match (&options.scenario, &options.lesson) {
        (Some(s), _) => format!("{MODE_KEY}={MODE_MULTI}&{PAYLOAD_KEY}={s}"),
        (None, Some(l)) => format!("{MODE_KEY}={MODE_MULTI}&{LESSON_KEY}={l}"),
        (None, None) if own.is_empty() => format!("{MODE_KEY}={MODE_MULTI}"),
        (None, None) => own.to_string(),
    };
    if let Some(t) = options.start_step {
        fragment = fragment.split('&').filter(|p| !p.starts_with("at=")).collect::<Vec<_>>().join("&");
        fragment.push_str(&format!("&at={t}"));
    }
    fragment
}

/// The step a fragment's `at=` names (a shared moment).
pub fn moment(fragment: &str) -> Option<u64> {
    fragment.split('&').find_map(|pair| pair.strip_prefix("at=")?.parse::<u64>().ok())
}

/// The run a page opens: `fragment`'s run (`opening_fragment`; the default run if it names
/// none, or says why it cannot open one), at its moment, at the options' speed, playing unless
/// it is a lesson, a shared moment or a bad link (or `autoplay` says otherwise, or the visitor
/// prefers reduced motion: `Options::plays_at_start`).
pub fn initial_playground(fragment: &str, options: &Options, reduced_motion: bool) -> MultiPlayground {
    let (scenario, error) = match from_fragment(fragment) {
        Some(Ok(s)) => (s, None),
        Some(Err(e)) => (
            super::default_scenario(),
            Some(format!("This link could not be opened: {e} The default run is open instead.")),
        ),
        None => (super::default_scenario(), None),
    };
    let at = moment(fragment);
    let mut p = MultiPlayground::new(scenario);
    // An embed draws the compact stage (`shape::COMPACT`); the full page, the wide one.
    p.compact = options.embed;
    if let Some(step) = at {
        p.reduce(MultiAction::Seek(step));
    }
    // A bad link waits too, so that its message is read.
    let waits = at.is_some() || error.is_some() || lesson_of(fragment).is_some();
    p.error = error;
    if let Some(speed) = options.speed {
        p.reduce(MultiAction::SetSpeed(speed));
    }
    if options.plays_at_start(waits, reduced_motion) {
        p.reduce(MultiAction::Play);
    }
    p
}

/// The lesson whose run this is (for its captions), if any: a lesson opened by its name or by a
/// link to its run.
pub fn lesson_of_run(scenario: &MultiScenario) -> Option<MultiLesson> {
    super::multi_scenarios().into_iter().find(|l| l.scenario == *scenario)
}

/// The address (relative to the page) of the iframe that shows `lesson` (a slug) or else
/// `scenario`, at `step` (none for a lesson's start), with these controls and autoplay: the
/// single-decree embed's query, and `#mode=multi`, the fragment that opens this mode (the page
/// reads only the fragment for that before it fetches the mode, which costs its first load
/// nothing).
pub fn iframe_src(lesson: Option<&str>, scenario: &MultiScenario, step: u64, controls: &str, autoplay: bool) -> String {
    let what = match lesson {
        Some(slug) if step == 0 => format!("lesson={slug}"),
        Some(slug) => format!("lesson={slug}&t={step}"),
        None => format!("scenario={}&t={step}", super::encode_multi(scenario)),
    };
    format!("?embed&{what}&controls={controls}&autoplay={}#{MODE_KEY}={MODE_MULTI}", u8::from(autoplay))
}

/// A command from the host page.
#[derive(Clone, Debug, PartialEq)]
pub enum MultiCommand {
    Play,
    Pause,
    /// One step forward (pausing first).
    Step,
    /// Pause, then go to this step.
    Seek(u64),
    /// A run to open, at a moment if its link has one.
    Load {
        scenario: Box<MultiScenario>,
        at: Option<u64>,
    },
}

/// The command in a posted message's fields (read by `ui::multi::embed` from the browser's
/// value, as single-decree's are). `Err`: ignored, with the reason for the console; `Ok(Err)`:
/// a `load` whose run cannot be opened, the reason to show in the page.
pub fn read_command(raw: RawCommand) -> Result<Result<MultiCommand, String>, String> {
    let command = match raw.kind.as_deref().ok_or("no \"type\" string")? {
        "play" => MultiCommand::Play,
        "pause" => MultiCommand::Pause,
        "step" => MultiCommand::Step,
        "seek" => MultiCommand::Seek(raw.step.ok_or("seek needs a whole \"step\" >= 0")?),
        "load" => return Ok(load(raw.scenario.ok_or("load needs a \"scenario\"")?)),
        other => return Err(format!("unknown command type \"{}\"", other.chars().take(40).collect::<String>())),
    };
    Ok(Ok(command))
}

/// A `load` command's run: a lesson (`lesson=SLUG`, with or without `mode=multi&`), a link's
/// fragment (`mode=multi&m=PAYLOAD`, `m=PAYLOAD`, either with `at=STEP`), a whole link
/// (`https://.../#mode=multi&m=...`) or a bare payload.
fn load(scenario: ScenarioArg) -> Result<MultiCommand, String> {
    let ScenarioArg::Text(text) = scenario else {
        return Err("This mode opens a run from a link or a lesson's name (text), not from a scenario object.".into());
    };
    let text = text.trim();
    let text = text.split_once('#').map_or(text, |(_, f)| f);
    if !text.contains('=') {
        return decode_multi(text).map(|s| MultiCommand::Load { scenario: Box::new(s), at: None });
    }
    let fragment = match from_fragment(text) {
        Some(_) => text.to_string(),
        None => format!("{MODE_KEY}={MODE_MULTI}&{text}"),
    };
    let names_a_run = fragment.split('&').any(|pair| {
        let key = pair.split_once('=').map_or(pair, |(k, _)| k);
        key == PAYLOAD_KEY || key == LESSON_KEY
    });
    match from_fragment(&fragment) {
        Some(Ok(s)) if names_a_run || text == format!("{MODE_KEY}={MODE_MULTI}") => {
            Ok(MultiCommand::Load { scenario: Box::new(s), at: moment(&fragment) })
        }
        Some(Err(e)) => Err(e),
        _ => Err("The link names no Multi-Paxos run: give m=PAYLOAD or lesson=NAME.".into()),
    }
}

/// The events posted to the host page, each with `source: "paxos-playground"`, `mode: "multi"`
/// and the `id` option when given.
#[derive(Clone, Debug, PartialEq)]
pub enum MultiHostEvent {
    Ready,
    /// The cursor moved: its step and simulated time.
    Time {
        step: u64,
        time: u64,
    },
    /// A slot's command was chosen (a quorum accepted it) at `step`.
    Slot {
        step: u64,
        slot: u32,
        command: String,
    },
    /// A client's operation was answered at `step`: `version` is the key's version the answer
    /// carries (none for "no such key" and a failed compare-and-set).
    Operation {
        step: u64,
        client: String,
        op: String,
        result: String,
        version: Option<u64>,
    },
    /// A property broke at `step` (the step the safety panel names).
    Violation {
        step: u64,
        property: &'static str,
        detail: String,
    },
}

/// A reply's result and version: a read's value, `ok` for a write or a compare-and-set that
/// took effect, or why it failed.
fn result(reply: &KvReply) -> (String, Option<u64>) {
    match reply {
        KvReply::Value { value, version } => (value.to_string(), Some(*version)),
        KvReply::Written { version } => ("ok".into(), Some(*version)),
        KvReply::KeyDoesNotExist => ("no such key".into(), None),
        KvReply::PreconditionFailed => ("precondition failed".into(), None),
    }
}

/// The events of the steps the cursor has passed since `from` (a cursor position): each slot
/// chosen, operation answered and property broken at a step in `from..cursor`, in order. None
/// when the cursor is at or before `from` (it went back, or a new run opened).
pub fn passed_events(p: &MultiPlayground, from: u64) -> Vec<MultiHostEvent> {
    let h = &p.history;
    let to = h.cursor();
    if to <= from {
        return Vec::new();
    }
    let cluster = &h.world().system.cluster;
    let start = h.trace.partition_point(|e| e.step < from);
    let end = h.trace.partition_point(|e| e.step < to);
    let mut out: Vec<MultiHostEvent> = h.trace[start..end]
        .iter()
        .filter_map(|e| match &e.kind {
            MultiEvent::Chosen { slot, cmd, .. } => {
                Some(MultiHostEvent::Slot { step: e.step, slot: slot.0, command: cmd.to_string() })
            }
            MultiEvent::Complete { client, op, reply } => {
                let (result, version) = result(reply);
                let client = super::name(cluster, *client);
                Some(MultiHostEvent::Operation { step: e.step, client, op: op.to_string(), result, version })
            }
            MultiEvent::Violation { invariant, detail, .. } => {
                Some(MultiHostEvent::Violation { step: e.step, property: slug(*invariant), detail: detail.clone() })
            }
            _ => None,
        })
        .collect();
    // The history turns red at the step after the answer that no order explains.
    if let Some((step, _)) = h.failure.as_ref().filter(|(step, _)| (from + 1..=to).contains(step)) {
        let (failure, _) = violation(p);
        let ops = &h.world().system.monitor.history;
        let detail = failure.map(|f| explain(cluster, ops, f)).unwrap_or_default();
        out.push(MultiHostEvent::Violation { step: *step, property: "linearizable", detail });
    }
    out
}

impl MultiHostEvent {
    /// The event as JSON text, fields in alphabetical order (as single-decree's events are
    /// written), absent ones left out.
    pub fn to_json(&self, id: Option<&str>) -> String {
        let text = |s: &str| Some(json_string(s));
        let number = |n: u64| Some(n.to_string());
        let mut fields: Vec<(&str, Option<String>)> =
            vec![("id", id.and_then(text)), ("mode", text("multi")), ("source", text("paxos-playground"))];
        let kind = match self {
            MultiHostEvent::Ready => "ready",
            MultiHostEvent::Time { step, time } => {
                fields.extend([("step", number(*step)), ("time", number(*time))]);
                "time"
            }
            MultiHostEvent::Slot { step, slot, command } => {
                fields.extend([("command", text(command)), ("slot", number((*slot).into())), ("step", number(*step))]);
                "slot"
            }
            MultiHostEvent::Operation { step, client, op, result, version } => {
                fields.extend([
                    ("client", text(client)),
                    ("op", text(op)),
                    ("result", text(result)),
                    ("step", number(*step)),
                    ("version", version.and_then(number)),
                ]);
                "operation"
            }
            MultiHostEvent::Violation { step, property, detail } => {
                fields.extend([("detail", text(detail)), ("property", text(property)), ("step", number(*step))]);
                "violation"
            }
        };
        fields.push(("type", text(kind)));
        fields.sort_by_key(|(name, _)| *name);
        let body: Vec<String> =
            fields.into_iter().filter_map(|(name, v)| Some(format!("{}:{}", json_string(name), v?))).collect();
        format!("{{{}}}", body.join(","))
    }
}

#[cfg(test)]
#[path = "embed_tests.rs"]
mod tests;
