//! The inspector panel: the selected node's state (memory beside storage), history and fault
//! buttons, with a propose form for proposers; or the selected message's payload, fate and the
//! buttons that drop, duplicate or deliver it now while it is in flight.

use super::log::row_keys;
use super::model::{on_click, PanelProps};
use crate::protocol::NodeId;
use crate::sim::{Action, MsgId};
use crate::view::inspector::{self, Change, Fate, HistoryRow, Inspector as Data, MessageView, NodeView, Section};
use crate::view::log::seek_to_row;
use crate::view::{Selection, UiAction};
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[function_component(Inspector)]
pub fn inspector(props: &PanelProps) -> Html {
    let p = props.model.playground.borrow();
    let data = inspector::build(&p);
    // What the step at the cursor changed on the selected node, while paused: it rebuilds the
    // world a step back, which is not per-frame work (and a memo would cost the first load).
    let diff = match p.selection {
        Selection::Node(n) if !p.playing => Some(inspector::changes(&p, n)),
        _ => None,
    };
    let body = match &data {
        Data::Empty => html! {
            <p class="panel-empty">
                { "Select a node or a message to inspect it: click it on the stage, or press Tab to reach it and Enter to select." }
            </p>
        },
        Data::Node(v) => node(v, diff.map(|d| changed(p.history.cursor(), &d)), &props.dispatch),
        Data::Message(v) => message(v, &props.dispatch),
    };
    html! {
        <section id="inspector" class="panel inspector-panel" aria-labelledby="inspector-heading">
            <h2 id="inspector-heading">{ "Inspector" }</h2>
            { body }
        </section>
    }
}

fn act(dispatch: &Callback<UiAction>, action: Action) -> Callback<MouseEvent> {
    on_click(dispatch, UiAction::Act(action))
}

/// "What step 9 changed": each field, before → after.
fn changed(step: u64, diff: &[Change]) -> Html {
    html! {
        <div class="insp-section insp-diff">
            <h4>{ format!("What step {step} changed") }</h4>
            if diff.is_empty() {
                <p class="panel-empty">{ "Nothing on this node." }</p>
            }
            <dl>
                { for diff.iter().map(|c| html! {
                    <><dt>{ c.field.clone() }</dt><dd>{ format!("{} → {}", c.before, c.after) }</dd></>
                }) }
            </dl>
        </div>
    }
}

fn node(v: &NodeView, changed: Option<Html>, dispatch: &Callback<UiAction>) -> Html {
    let n = v.node;
    html! {
        <div class="insp-node" data-node={n.0.to_string()}>
            <h3>{ v.title.clone() }</h3>
            <div class="insp-actions" role="group" aria-label={format!("Faults for {n}")}>
                <button type="button" class="btn small" data-action="crash" disabled={!v.up} onclick={act(dispatch, Action::Crash { node: n })}>
                    { "Crash" }
                </button>
                <button type="button" class="btn small" data-action="recover" disabled={v.up} onclick={act(dispatch, Action::Recover { node: n })}>
                    { "Recover" }
                </button>
                <button type="button" class="btn small subtle" onclick={on_click(dispatch, UiAction::Select(Selection::None))}>
                    { "Close" }
                </button>
            </div>
            if v.proposer {
                <ProposeForm key={n.0} node={n} up={v.up} dispatch={dispatch.clone()} />
            }
            { changed }
            { for v.sections.iter().map(section) }
            { history(&v.history, v.history_more, dispatch) }
        </div>
    }
}

fn section(s: &Section) -> Html {
    html! {
        <div class="insp-section">
            <h4>{ s.title.clone() }</h4>
            <dl>
                { for s.rows.iter().map(|(k, v)| html! { <><dt>{ k.clone() }</dt><dd>{ v.clone() }</dd></> }) }
            </dl>
        </div>
    }
}

fn history(rows: &[HistoryRow], more: bool, dispatch: &Callback<UiAction>) -> Html {
    html! {
        <div class="insp-section">
            <h4>{ "History (newest first)" }</h4>
            if rows.is_empty() {
                <p class="panel-empty">{ "Nothing has happened to this node yet." }</p>
            }
            <ol class="insp-history" aria-label="Events concerning this node, newest first">
                { for rows.iter().enumerate().map(|(i, r)| {
                    let step = r.step;
                    html! {
                        <li class="insp-row" data-seek={step.to_string()} tabindex={if i == 0 { "0" } else { "-1" }}
                            title="Show the state right after this event"
                            onclick={on_click(dispatch, seek_to_row(step))}
                            onkeydown={row_keys(dispatch, step)}>
                            <span class="log-time">{ format!("t={}", r.time) }</span>{ " " }{ r.text.clone() }
                        </li>
                    }
                }) }
            </ol>
            if more {
                <p class="log-more">{ "Older events: see the event log." }</p>
            }
        </div>
    }
}

#[derive(Properties, Clone)]
struct ProposeProps {
    node: NodeId,
    up: bool,
    dispatch: Callback<UiAction>,
}

impl PartialEq for ProposeProps {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node && self.up == other.up
    }
}

/// The client's request: a value in letters; bad input shows an inline error.
#[function_component(ProposeForm)]
fn propose_form(props: &ProposeProps) -> Html {
    let text = use_state(String::new);
    let error = use_state(|| None::<String>);
    let oninput = {
        let (text, error) = (text.clone(), error.clone());
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                text.set(input.value());
                error.set(None);
            }
        })
    };
    let onsubmit = {
        let (text, error, dispatch, node) = (text.clone(), error.clone(), props.dispatch.clone(), props.node);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match inspector::propose(node, &text) {
                Ok(action) => {
                    error.set(None);
                    dispatch.emit(action);
                }
                Err(message) => error.set(Some(message)),
            }
        })
    };
    // Typing a value must not trigger the page's single-key shortcuts.
    let onkeydown = Callback::from(|e: KeyboardEvent| e.stop_propagation());
    let invalid = error.is_some();
    html! {
        <form class="insp-propose" {onsubmit} novalidate=true>
            <label for="propose-value">{ format!("Ask {} to propose", props.node) }</label>
            <input id="propose-value" type="text" inputmode="text" autocomplete="off" spellcheck="false" size="6"
                placeholder="B" value={(*text).clone()} {oninput} {onkeydown}
                aria-invalid={invalid.to_string()} aria-describedby={invalid.then_some("propose-error")} />
            <button type="submit" class="btn small primary" data-action="propose">{ "Propose" }</button>
            if !props.up {
                <p class="insp-note">{ "This node is down: the request will be lost." }</p>
            }
            if let Some(message) = (*error).clone() {
                <p id="propose-error" class="field-error" role="alert">{ message }</p>
            }
        </form>
    }
}

fn message(v: &MessageView, dispatch: &Callback<UiAction>) -> Html {
    let id = v.id;
    let flying = matches!(v.fate, Fate::InFlight { .. });
    let button = |action: &'static str, label: &'static str, a: Action| {
        html! { <button type="button" class="btn small" data-action={action} disabled={!flying} onclick={act(dispatch, a)}>{ label }</button> }
    };
    let select = |m: MsgId| {
        html! {
            <button type="button" class="linklike" onclick={on_click(dispatch, UiAction::Select(Selection::Message(m)))}>
                { format!("#{}", m.0) }
            </button>
        }
    };
    html! {
        <div class={classes!("insp-message", (!v.kind.is_empty()).then(|| format!("kind-{}", v.kind)))} data-msg={id.0.to_string()}>
            <h3><span class="kind-swatch" aria-hidden="true"></span>{ format!("{} · #{}", v.title, id.0) }</h3>
            <p class="insp-fate">{ v.fate_text.clone() }</p>
            <div class="insp-actions" role="group" aria-label={format!("Faults for message #{}", id.0)}>
                { button("drop", "Drop", Action::Drop { msg: id }) }
                { button("duplicate", "Duplicate", Action::Duplicate { msg: id }) }
                { button("deliver-now", "Deliver now", Action::DeliverNow { msg: id }) }
                <button type="button" class="btn small subtle" onclick={on_click(dispatch, UiAction::Select(Selection::None))}>
                    { "Close" }
                </button>
            </div>
            <dl class="insp-section">
                { for v.rows.iter().map(|(k, val)| html! { <><dt>{ k.clone() }</dt><dd>{ val.clone() }</dd></> }) }
                if let Some(of) = v.copy_of {
                    <dt>{ "copy of" }</dt><dd>{ select(of) }</dd>
                }
                if !v.copies.is_empty() {
                    <dt>{ "duplicated as" }</dt><dd>{ for v.copies.iter().map(|&m| select(m)) }</dd>
                }
            </dl>
        </div>
    }
}
