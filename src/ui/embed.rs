//! Embedding: the minimal page for iframes (`?embed`), the "Embed" dialog that writes the iframe
//! snippet, and the postMessage bridge to the host page (commands in, events out). The checks on
//! what arrives live in `view::embed`; docs/embedding.md is the host's manual.
//!
//! Origins: any page may embed the playground, so by default commands are accepted from the
//! parent window whatever its origin (a message from any other window is ignored) and events
//! are posted to it with target origin `*`; they carry only what the page shows anyway. With
//! `origin=https://host.example` in the query, both directions are restricted to that origin.

use super::clipboard::copy_text;
use super::controls::status::{announcer, banners, chosen};
use super::controls::{icon, time_controls};
use super::dialog::Modal;
use super::lessons::CaptionBar;
use super::model::{on_click, Model, PanelProps};
use super::stage::Stage;
use super::tools;
use super::url::scenario_now;
use crate::scenario::{link, LoadError};
use crate::view::embed::{
    check_size, read_command, Controls, HostCommand, HostEvent, Options, RawCommand, ScenarioArg,
};
use crate::view::lesson::lesson_of;
use crate::view::state::default_scenario;
use crate::view::UiAction;
use gloo::events::EventListener;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::MessageEvent;
use yew::prelude::*;

/// The page in an iframe: the stage, the captions, the chosen value and as many time controls
/// as asked for.
pub fn layout(panel: &PanelProps, options: &Options) -> Html {
    let controls = match options.controls {
        Controls::Full => time_controls(panel),
        Controls::Minimal => minimal_controls(panel),
        Controls::None => super::controls::status::run_status(&panel.model.playground.borrow()),
    };
    let title = panel.model.playground.borrow().scenario.title.clone();
    html! {
        <main id="playground" class="embedded" data-controls={format!("{:?}", options.controls).to_ascii_lowercase()}>
            // The frame has no room for a title bar; its heading is for screen readers.
            <h1 class="sr-only">{ format!("Paxos Playground: {title}") }</h1>
            { banners(panel) }
            <CaptionBar ..panel.clone() />
            <section class="stage-area" aria-label={title}>
                <Stage ..panel.clone() />
            </section>
            <div class="embed-bar">
                { controls }
                { chosen(panel) }
                <a class="embed-open" href="./" target="_blank" rel="noopener" onclick={open_here(panel)}>
                    { "Open in Paxos Playground" }</a>
            </div>
            { announcer(panel) }
        </main>
    }
}

/// Opens the full page at this run's moment. The link is made on click, not on every frame
/// (encoding compresses the whole scenario).
fn open_here(panel: &PanelProps) -> Callback<MouseEvent> {
    let model = panel.model.clone();
    Callback::from(move |e: MouseEvent| {
        e.prevent_default();
        let location = gloo::utils::window().location();
        let fragment = link::fragment(&scenario_now(&model.playground.borrow()));
        let page = format!("{}{}", location.origin().unwrap_or_default(), location.pathname().unwrap_or_default());
        gloo::utils::window().open_with_url_and_target(&format!("{page}#{fragment}"), "_blank").ok();
    })
}

fn minimal_controls(panel: &PanelProps) -> Html {
    let p = panel.model.playground.borrow();
    let playing = p.playing;
    let toggle = on_click(&panel.dispatch, UiAction::TogglePlay);
    html! {
        <div class="time-controls minimal" aria-label="Time controls">
            <button id="play" class={classes!("btn", "primary", playing.then_some("playing"))} onclick={toggle}
                aria-pressed={playing.to_string()}>
                if playing { { icon("M6 5h4v14H6zM14 5h4v14h-4z") }{ "Pause" } } else { { icon("M7 5v14l12-7z") }{ "Play" } }
            </button>
            <output id="clock">{ format!("step {} · t={}", p.history.cursor(), p.clock.floor() as u64) }</output>
            { super::controls::status::run_status(&p) }
        </div>
    }
}

/// The parent window, when this page runs in a frame.
pub(crate) fn parent() -> Option<web_sys::Window> {
    let window = gloo::utils::window();
    let parent = window.parent().ok().flatten()?;
    (JsValue::from(&parent) != JsValue::from(&window)).then_some(parent)
}

fn post(event: &HostEvent, options: &Options) {
    let Some(parent) = parent() else { return };
    let text = event.to_json(options.id.as_deref());
    let Ok(data) = js_sys::JSON::parse(&text) else { return };
    let target = options.origin.as_deref().unwrap_or("*");
    if parent.post_message(&data, target).is_err() {
        gloo::console::warn!("Paxos Playground: could not post an event to the host page");
    }
}

/// Connects an embedded playground to its host page: listens for commands from the parent
/// window and posts `ready`, then `time` on every move of the cursor, `chosen` when a value
/// becomes chosen and `violation` for each new violation. Does nothing outside a frame.
#[hook]
pub fn use_host_bridge(model: &Model, dispatch: Callback<UiAction>, options: Rc<Options>) {
    let active = !options.mounted && parent().is_some();
    {
        let options = options.clone();
        use_effect_with(active, move |&active| {
            let listener = active.then(|| {
                let inner = options.clone();
                let listener = EventListener::new(&gloo::utils::window(), "message", move |e| {
                    if let Some(e) = e.dyn_ref::<MessageEvent>() {
                        on_message(e, &inner, &dispatch);
                    }
                });
                post(&HostEvent::Ready, &options);
                listener
            });
            move || drop(listener)
        });
    }
    let p = model.playground.borrow();
    let world = p.history.world();
    let (step, time, epoch) = (p.history.cursor(), p.history.time(), p.epoch);
    let chosen = world.chosen().map(|v| v.to_string());
    let violations: Vec<HostEvent> = world
        .system
        .violations
        .iter()
        .map(|v| HostEvent::Violation { invariant: crate::view::safety::slug(v.invariant), detail: v.detail.clone() })
        .collect();
    let seen = use_mut_ref(|| (u64::MAX, u64::MAX, None::<String>, 0usize));
    if !active {
        return;
    }
    let mut s = seen.borrow_mut();
    if (s.0, s.1) != (epoch, step) {
        post(&HostEvent::Time { step, time }, &options);
    }
    if let (Some(v), true) = (&chosen, s.2 != chosen) {
        post(&HostEvent::Chosen { value: v.clone() }, &options);
    }
    let already = if s.0 == epoch { s.3.min(violations.len()) } else { 0 };
    for v in &violations[already..] {
        post(v, &options);
    }
    *s = (epoch, step, chosen, violations.len());
}

fn on_message(e: &MessageEvent, options: &Options, dispatch: &Callback<UiAction>) {
    let from_parent = match (e.source(), parent()) {
        (Some(source), Some(parent)) => JsValue::from(source) == JsValue::from(parent),
        _ => false,
    };
    if !from_parent {
        return; // not the host page's (another frame, an extension): not ours to judge
    }
    if options.origin.as_deref().is_some_and(|o| o != e.origin()) {
        gloo::console::warn!(format!("Paxos Playground ignored a message from {}: not the allowed origin", e.origin()));
        return;
    }
    match read_message(&e.data()) {
        Err(why) => gloo::console::warn!(format!("Paxos Playground ignored a message: {why}")),
        Ok(Ok(HostCommand::Play)) => dispatch.emit(UiAction::Play),
        Ok(Ok(HostCommand::Pause)) => dispatch.emit(UiAction::Pause),
        Ok(Ok(HostCommand::Seek(step))) => {
            dispatch.emit(UiAction::Pause);
            dispatch.emit(UiAction::Seek(step));
        }
        Ok(Ok(HostCommand::Load(s))) => dispatch.emit(UiAction::Load(s)),
        // JSON is read by the tools worker, which hands the scenario back as a link payload.
        Ok(Ok(HostCommand::LoadJson(text))) => {
            let dispatch = dispatch.clone();
            tools::call("load", &text, "", move |payload| {
                match payload.and_then(|p| link::decode_any_length(&p).map_err(|e| e.to_string())) {
                    Ok(s) => dispatch.emit(UiAction::Load(Box::new(s))),
                    Err(e) => refuse(&dispatch, &e),
                }
            });
        }
        Ok(Err(e)) => refuse(dispatch, &e.to_string()),
    }
}

fn refuse(dispatch: &Callback<UiAction>, why: &str) {
    dispatch.emit(UiAction::Load(Box::new(default_scenario())));
    dispatch.emit(UiAction::ShowError(format!("The host page sent a scenario that could not be opened: {why}.")));
}

/// A posted message's command, read from the browser's value (what `parse_command` reads from
/// JSON text natively): it must be JSON data (`JSON.stringify` succeeds) of bounded size.
fn read_message(data: &JsValue) -> Result<Result<HostCommand, LoadError>, String> {
    let text = js_sys::JSON::stringify(data).ok().and_then(|s| s.as_string());
    let text = text.ok_or("not JSON data")?;
    check_size(text.len())?;
    let field = |name: &str| js_sys::Reflect::get(data, &name.into()).ok().filter(|v| !v.is_undefined());
    let object = |v: &JsValue| v.is_object() && !js_sys::Array::is_array(v);
    if !object(data) {
        return Err("no \"type\" string".into());
    }
    let step = field("step").and_then(|v| v.as_f64()).filter(|s| s.fract() == 0.0 && (0.0..=9.0e15).contains(s));
    let scenario = field("scenario").map(|v| match v.as_string() {
        Some(text) => ScenarioArg::Text(text),
        None if object(&v) => {
            ScenarioArg::Object(js_sys::JSON::stringify(&v).ok().and_then(|s| s.as_string()).unwrap_or_default())
        }
        None => ScenarioArg::Other,
    });
    read_command(RawCommand { kind: field("type").and_then(|v| v.as_string()), step: step.map(|s| s as u64), scenario })
}

/// The Multi-Paxos mode's side of the bridge (`ui::multi::embed`): the same checks and the same
/// posting as above, on its own events and commands. Written apart from `post`, `on_message`
/// and `read_message` rather than shared with them, so that the page's wasm (its first load)
/// stays as it was; the multi binary alone links these. Keep them in step with those.
pub(crate) mod multi {
    use super::{check_size, parent, Options, RawCommand, ScenarioArg};
    use wasm_bindgen::JsValue;
    use web_sys::MessageEvent;

    /// Posts an event, as JSON text, to the parent window (to `origin` only, when given).
    pub fn post_json(text: &str, options: &Options) {
        let Some(parent) = parent() else { return };
        let Ok(data) = js_sys::JSON::parse(text) else { return };
        let target = options.origin.as_deref().unwrap_or("*");
        if parent.post_message(&data, target).is_err() {
            gloo::console::warn!("Paxos Playground: could not post an event to the host page");
        }
    }

    /// Whether a message is the host page's: from the parent window (another frame's or an
    /// extension's are not ours to judge), from the `origin` option's origin when given.
    pub fn from_host(e: &MessageEvent, options: &Options) -> bool {
        let from_parent = match (e.source(), parent()) {
            (Some(source), Some(parent)) => JsValue::from(source) == JsValue::from(parent),
            _ => false,
        };
        if from_parent && options.origin.as_deref().is_some_and(|o| o != e.origin()) {
            gloo::console::warn!(format!(
                "Paxos Playground ignored a message from {}: not the allowed origin",
                e.origin()
            ));
            return false;
        }
        from_parent
    }

    /// A posted message's fields, checked as `read_message` checks them.
    pub fn raw_message(data: &JsValue) -> Result<RawCommand, String> {
        let text = js_sys::JSON::stringify(data).ok().and_then(|s| s.as_string());
        let text = text.ok_or("not JSON data")?;
        check_size(text.len())?;
        let field = |name: &str| js_sys::Reflect::get(data, &name.into()).ok().filter(|v| !v.is_undefined());
        let object = |v: &JsValue| v.is_object() && !js_sys::Array::is_array(v);
        if !object(data) {
            return Err("no \"type\" string".into());
        }
        let step = field("step").and_then(|v| v.as_f64()).filter(|s| s.fract() == 0.0 && (0.0..=9.0e15).contains(s));
        let scenario = field("scenario").map(|v| match v.as_string() {
            Some(text) => ScenarioArg::Text(text),
            None if object(&v) => {
                ScenarioArg::Object(js_sys::JSON::stringify(&v).ok().and_then(|s| s.as_string()).unwrap_or_default())
            }
            None => ScenarioArg::Other,
        });
        Ok(RawCommand { kind: field("type").and_then(|v| v.as_string()), step: step.map(|s| s as u64), scenario })
    }
}

#[derive(Properties, PartialEq)]
pub struct EmbedDialogProps {
    pub model: Model,
    pub close: Callback<()>,
}

/// Writes the iframe snippet for this run (or this lesson) with the chosen options.
#[function_component(EmbedDialog)]
pub fn embed_dialog(props: &EmbedDialogProps) -> Html {
    let controls = use_state(|| "minimal".to_string());
    let autoplay = use_state(|| true);
    let what = {
        let p = props.model.playground.borrow();
        let scenario = p.scenario.clone();
        let lesson = use_memo(scenario.title.clone(), move |_| lesson_of(&scenario).map(|l| l.slug));
        match *lesson {
            Some(slug) => format!("lesson={slug}"),
            None => format!("scenario={}", link::encode(&scenario_now(&p))),
        }
    };
    let location = gloo::utils::window().location();
    let page = format!("{}{}", location.origin().unwrap_or_default(), location.pathname().unwrap_or_default());
    let src = format!("{page}?embed&amp;{what}&amp;controls={}&amp;autoplay={}", *controls, u8::from(*autoplay));
    let snippet = format!(
        "<iframe src=\"{src}\" width=\"720\" height=\"480\" style=\"border:0;max-width:100%\" title=\"Paxos Playground\" loading=\"lazy\"></iframe>"
    );
    let on_controls = {
        let controls = controls.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                controls.set(s.value());
            }
        })
    };
    let on_autoplay = {
        let autoplay = autoplay.clone();
        Callback::from(move |_: Event| autoplay.set(!*autoplay))
    };
    let copied = use_state(|| None::<bool>);
    let copy = {
        let (snippet, copied) = (snippet.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            let copied = copied.clone();
            copy_text(snippet.clone(), move |ok| copied.set(Some(ok)));
        })
    };
    let body = html! {
        <>
            <p>{ "Paste this into a web page to show this run in a frame. docs/embedding.md lists every option and the postMessage API." }</p>
            <div class="row">
                <label class="field" for="embed-controls"><span>{ "Controls" }</span>
                    <select id="embed-controls" onchange={on_controls}>
                        { for ["full", "minimal", "none"].iter().map(|c| html! {
                            <option value={*c} selected={*controls == *c}>{ *c }</option> }) }
                    </select>
                </label>
                <label class="check"><input id="embed-autoplay" type="checkbox" checked={*autoplay}
                    onchange={on_autoplay} />{ " Play on load" }</label>
            </div>
            <label class="field wide" for="embed-snippet"><span>{ "The snippet (HTML)" }</span>
                <textarea id="embed-snippet" readonly=true rows="5" value={snippet} /></label>
            <div class="row">
                <button id="copy-embed" class="btn small" onclick={copy}>{ "Copy snippet" }</button>
                if let Some(ok) = *copied {
                    <span role="status">{ if ok { "Copied." } else { "Select the snippet and copy it." } }</span>
                }
            </div>
        </>
    };
    html! {
        <Modal id="embed" title="Embed this run" close={props.close.clone()} opener="open-embed" class="share-dialog">
            { body }</Modal>
    }
}
