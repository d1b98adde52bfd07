//! Embedding the Multi-Paxos mode (`?embed&lesson=...#mode=multi`): the minimal page for
//! iframes (the compact stage, the history, the logs and as many time controls as asked for), the
//! "Embed" dialog that writes the iframe snippet, the postMessage bridge to the host page
//! (commands in, events out: `view::multi::embed` reads and writes them) and the JS API's
//! `mount_multi` (src/bin/multi.rs exports it). Origins and message checks are single-decree's
//! (`ui::embed`); docs/embedding.md is the host's manual.

use super::panels::{self, History, LogStrips};
use super::{link_now, stage::Stage, Model, MultiApp, MultiAppProps, Part};
use crate::ui::clipboard::copy_text;
use crate::ui::dialog::Modal;
use crate::ui::embed::multi::{from_host, post_json, raw_message};
use crate::ui::embed::parent;
use crate::view::embed::{Controls, Options};
use crate::view::multi::embed::{iframe_src, lesson_of_run, passed_events, read_command, MultiCommand, MultiHostEvent};
use crate::view::multi::{MultiAction, MultiScenario};
use gloo::events::EventListener;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::MessageEvent;
use yew::prelude::*;

/// Renders a Multi-Paxos playground into a host page's element (the JS API: `mount_multi`).
pub fn mount(element: web_sys::Element, options: Options) {
    yew::Renderer::<MultiApp>::with_root_and_props(element, MultiAppProps { options: Some(Rc::new(options)) }).render();
}

/// The page in an iframe: one screen (`www/multi.css` sizes it to the frame) with the caption
/// across the top, the compact stage (`view::multi::shape::COMPACT`) on the left, and on the
/// right a lesson's prediction prompt, then the link to the full page, the nodes' lines the
/// compact stage does not draw and the clients' history; the time controls the `controls` option asks for at the bottom. The
/// logs follow under that screen, in the frame's scroll.
pub fn layout(model: &Model, part: &Part, options: &Options, teach: Html, log: Html) -> Html {
    let f = &part.frame;
    let controls = match options.controls {
        Controls::Full => panels::time_controls(part),
        Controls::Minimal => html! {
            <div class="m-time minimal" role="group" aria-label="Time">
                <button id="mplay" class="btn primary" aria-pressed={f.playing.to_string()}
                    onclick={part.dispatch.reform(|_: MouseEvent| MultiAction::TogglePlay)}>
                    { if f.playing { "Pause" } else { "Play" } }
                </button>
                { clock(f.step, f.time) }
            </div>
        },
        Controls::None => clock(f.step, f.time),
    };
    let name = format!("{:?}", options.controls).to_ascii_lowercase();
    let title = model.playground.borrow().scenario.title.clone();
    html! {
        <main id="multi" class="multi m-embedded" data-step={f.step.to_string()} data-controls={name}>
            // The frame has no room for a title bar; its heading is for screen readers.
            <h1 class="sr-only">{ format!("Paxos Playground, Multi-Paxos: {title}") }</h1>
            <div class="m-embed-screen">
                <div class="m-embed-notes">{ panels::banners(part) }</div>
                { teach }
                { super::status(f) }
                <section class="m-stage-area" aria-label="Replicas, clients and messages">
                    <Stage ..part.clone() />
                </section>
                <div class="m-embed-side">
                    <a class="embed-open" href="./" target="_blank" rel="noopener" onclick={open_here(model)}>
                        { "Open in Paxos Playground" }</a>
                    { super::phone::node_lines(part) }
                    <History ..part.clone() />
                </div>
                <div class="m-embed-bar">{ controls }</div>
            </div>
            { log }
        </main>
    }
}

fn clock(step: u64, time: u64) -> Html {
    html! { <span id="mclock" class="m-clock" aria-live="off">{ format!("step {step} · t={time}") }</span> }
}

/// Opens the full page at this run's moment; the link is made on click (it compresses the run).
fn open_here(model: &Model) -> Callback<MouseEvent> {
    let model = model.clone();
    Callback::from(move |e: MouseEvent| {
        e.prevent_default();
        let link = link_now(&model.playground.borrow());
        gloo::utils::window().open_with_url_and_target(&link, "_blank").ok();
    })
}

/// The log strips for an embed (`ui::multi` owns the window's state).
pub fn log(part: &Part, from: Option<u64>, on_from: Callback<Option<u64>>) -> Html {
    html! { <LogStrips part={part.clone()} {from} {on_from} /> }
}

/// Connects an embedded Multi-Paxos playground to its host page: listens for commands from the
/// parent window and posts `ready`, then `time` on every move of the cursor, and a `slot`,
/// `operation` or `violation` event for each slot chosen, operation answered and property
/// broken at the steps the cursor passes (`view::multi::embed::passed_events`). Does nothing
/// outside a frame or when mounted by the JS API.
#[hook]
pub fn use_host_bridge(model: &Model, dispatch: Callback<MultiAction>, options: Rc<Options>) {
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
                post(&MultiHostEvent::Ready, &options);
                listener
            });
            move || drop(listener)
        });
    }
    // (epoch, cursor) at the last render: events are posted for the steps passed since.
    let seen = use_mut_ref(|| (u64::MAX, 0u64));
    if !active {
        return;
    }
    let p = model.playground.borrow();
    let (epoch, step) = (p.epoch, p.history.cursor());
    let mut s = seen.borrow_mut();
    if *s != (epoch, step) {
        post(&MultiHostEvent::Time { step, time: p.history.time() }, &options);
        for e in passed_events(&p, s.1) {
            post(&e, &options);
        }
    }
    *s = (epoch, step);
}

fn post(event: &MultiHostEvent, options: &Options) {
    post_json(&event.to_json(options.id.as_deref()), options);
}

fn on_message(e: &MessageEvent, options: &Options, dispatch: &Callback<MultiAction>) {
    if !from_host(e, options) {
        return;
    }
    match raw_message(&e.data()).and_then(read_command) {
        Err(why) => gloo::console::warn!(format!("Paxos Playground ignored a message: {why}")),
        Ok(Ok(MultiCommand::Play)) => dispatch.emit(MultiAction::Play),
        Ok(Ok(MultiCommand::Pause)) => dispatch.emit(MultiAction::Pause),
        Ok(Ok(MultiCommand::Step)) => dispatch.emit(MultiAction::StepForward),
        Ok(Ok(MultiCommand::Seek(step))) => {
            dispatch.emit(MultiAction::Pause);
            dispatch.emit(MultiAction::Seek(step));
        }
        Ok(Ok(MultiCommand::Load { scenario, at })) => {
            dispatch.emit(MultiAction::Load(scenario));
            if let Some(step) = at {
                dispatch.emit(MultiAction::Seek(step));
            }
        }
        Ok(Err(why)) => {
            dispatch.emit(MultiAction::Load(Box::default()));
            dispatch.emit(MultiAction::ShowError(format!(
                "The host page sent a run that could not be opened: {why} The default run is open instead."
            )));
        }
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
    let src = {
        let p = props.model.playground.borrow();
        let lesson = lesson_of_run(&p.scenario).filter(|l| l.scenario.schedule == p.history.person);
        let scenario = MultiScenario { schedule: p.history.person.clone(), ..p.scenario.clone() };
        iframe_src(lesson.map(|l| l.slug), &scenario, p.history.cursor(), &controls, *autoplay)
    };
    let location = gloo::utils::window().location();
    let page = format!("{}{}", location.origin().unwrap_or_default(), location.pathname().unwrap_or_default());
    let snippet = format!(
        "<iframe src=\"{page}{}\" width=\"720\" height=\"480\" style=\"border:0;max-width:100%\" title=\"Paxos Playground: Multi-Paxos\" loading=\"lazy\"></iframe>",
        src.replace('&', "&amp;")
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
    html! {
        <Modal id="membed" title="Embed this run" close={props.close.clone()} opener="mopen-embed" class="share-dialog">
            <p>{ "Paste this into a web page to show this run in a frame. docs/embedding.md lists every option, command and event." }</p>
            <div class="row">
                <label class="field" for="membed-controls"><span>{ "Controls" }</span>
                    <select id="membed-controls" onchange={on_controls}>
                        { for ["full", "minimal", "none"].iter().map(|c| html! {
                            <option value={*c} selected={*controls == *c}>{ *c }</option> }) }
                    </select>
                </label>
                <label class="check"><input id="membed-autoplay" type="checkbox" checked={*autoplay}
                    onchange={on_autoplay} />{ " Play on load" }</label>
            </div>
            <label class="field wide" for="membed-snippet"><span>{ "The snippet (HTML)" }</span>
                <textarea id="membed-snippet" readonly=true rows="5" value={snippet} /></label>
            <div class="row">
                <button id="mcopy-embed" class="btn small" onclick={copy}>{ "Copy snippet" }</button>
                if let Some(ok) = *copied {
                    <span role="status">{ if ok { "Copied." } else { "Select the snippet and copy it." } }</span>
                }
            </div>
        </Modal>
    }
}
