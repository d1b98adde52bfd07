//! The safety panel: each invariant OK or violated at the cursor, with the violation's step
//! (a button that seeks there), its detail and the nodes involved (buttons that select them),
//! and the configuration's warnings; for a broken or unsafe configuration, "Find a run that
//! breaks it" (random runs in the tools worker, `tools::breaks`). The run pausing on a new violation is the reducer's job;
//! announcing it is the page's live region.

use super::model::{on_click, PanelProps};
use super::{tools, url};
use crate::protocol::NodeId;
use crate::scenario::{link, Scenario};
use crate::sim::Config;
use crate::tools::breaks::{finder_markup, found_text, none_text, progress_text, BATCH, SEEDS_MAX};
use crate::view::log::seek_to_row;
use crate::view::safety::{self, InvariantRow, Safety, ViolationRow};
use crate::view::{Selection, UiAction};
use std::rc::Rc;
use yew::prelude::*;

#[function_component(SafetyPanel)]
pub fn safety_panel(props: &PanelProps) -> Html {
    let p = props.model.playground.borrow();
    let data = Rc::new(safety::build(&p));
    let config = (!data.warnings.is_empty()).then(|| p.scenario.config.clone());
    html! { <Body data={data} {config} dispatch={props.dispatch.clone()} /> }
}

#[derive(Properties, Clone)]
struct BodyProps {
    data: Rc<Safety>,
    /// The configuration, when it is broken or unsafe (for "Find a run that breaks it").
    config: Option<Config>,
    dispatch: Callback<UiAction>,
}

/// Redraws only when the panel's data changes (nearly never in a healthy run).
impl PartialEq for BodyProps {
    fn eq(&self, other: &Self) -> bool {
        self.data == other.data && self.config == other.config
    }
}

#[function_component(Body)]
fn body(props: &BodyProps) -> Html {
    let finder: FinderRef = use_mut_ref(Finder::default);
    let redraw = use_force_update();
    let d = &props.data;
    let summary = if d.all_ok { "All invariants hold." } else { "An invariant is violated." };
    html! {
        <section id="safety" class={classes!("panel", "safety-panel", (!d.all_ok).then_some("violated"))}
            aria-labelledby="safety-heading" data-ok={d.all_ok.to_string()}>
            <h2 id="safety-heading">{ "Safety" }</h2>
            <p class="safety-summary">{ summary }</p>
            <ul class="invariants">
                { for d.rows.iter().map(|r| row(r, &props.dispatch)) }
            </ul>
            if !d.warnings.is_empty() {
                <ul class="config-warnings" aria-label="Configuration warnings">
                    { for d.warnings.iter().map(|w| {
                        let class = if w.starts_with("UNSAFE") { "unsafe" } else { "broken" };
                        html! { <li class={classes!("config-warning", class)}>{ w.clone() }</li> }
                    }) }
                </ul>
            }
            if let Some(config) = &props.config {
                { break_finder(config, &finder, &redraw, &props.dispatch) }
            }
        </section>
    }
}

/// The search's state: running, and the line that says how it went. A `RefCell` and a forced
/// redraw rather than `use_state` (each `use_state` type costs the page's wasm).
#[derive(Default)]
struct Finder {
    busy: bool,
    text: String,
}

type FinderRef = Rc<std::cell::RefCell<Finder>>;

/// A hint that the configuration can fail, and a search for a run that shows it failing.
fn break_finder(
    config: &Config,
    state: &FinderRef,
    redraw: &UseForceUpdateHandle,
    dispatch: &Callback<UiAction>,
) -> Html {
    let start = {
        let (state, redraw, dispatch) = (state.clone(), redraw.clone(), dispatch.clone());
        let payload: Rc<str> = link::encode(&Scenario { config: config.clone(), ..Scenario::default() }).into();
        Callback::from(move |e: MouseEvent| {
            let button = e.target_dyn_into::<web_sys::Element>().and_then(|t| t.closest("#find-break").ok().flatten());
            if button.is_none() || state.borrow().busy {
                return;
            }
            *state.borrow_mut() = Finder { busy: true, text: progress_text(0) };
            redraw.force_update();
            search(payload.clone(), 1, state.clone(), redraw.clone(), dispatch.clone());
        })
    };
    let s = state.borrow();
    html! { <div class="break-finder" onclick={start}>{ Html::from_html_unchecked(finder_markup(s.busy, &s.text).into()) }</div> }
}

/// Asks the worker for a batch of seeds from `from`, then for the next, until a run breaks
/// safety (it is opened, at its first violation, with its link in the address) or the bound.
fn search(payload: Rc<str>, from: u64, state: FinderRef, redraw: UseForceUpdateHandle, dispatch: Callback<UiAction>) {
    let (a, b) = (payload.clone(), from.to_string());
    tools::call("breaks", &a, &b, move |reply| {
        let tried = from + BATCH - 1;
        let found = reply.as_ref().ok().filter(|p| !p.is_empty()).and_then(|p| link::decode_any_length(p).ok());
        let (busy, text) = match (reply, found) {
            (_, Some(scenario)) => {
                url::set_fragment(&link::fragment(&scenario));
                let text = found_text(scenario.seed, scenario.seed, scenario.cursor.unwrap_or(0));
                dispatch.emit(UiAction::Load(Box::new(scenario)));
                (false, text)
            }
            (Ok(_), None) if tried < SEEDS_MAX => {
                search(payload, from + BATCH, state.clone(), redraw.clone(), dispatch);
                (true, progress_text(tried))
            }
            (Ok(_), None) => (false, none_text()),
            (Err(e), _) => (false, e),
        };
        *state.borrow_mut() = Finder { busy, text };
        redraw.force_update();
    });
}

fn row(r: &InvariantRow, dispatch: &Callback<UiAction>) -> Html {
    let status = if r.ok { "OK" } else { "violated" };
    html! {
        <li class={classes!("invariant", if r.ok { "ok" } else { "violated" })} data-invariant={r.slug} data-ok={r.ok.to_string()}>
            <div class="invariant-head">
                <span class="invariant-badge" aria-hidden="true">{ if r.ok { "✓" } else { "✗" } }</span>
                <span class="invariant-name">{ r.name }</span>
                <span class="invariant-status">{ status }</span>
            </div>
            <p class="invariant-meaning">{ r.meaning }</p>
            if !r.ok {
                <ul class="violations">
                    { for r.violations.iter().map(|v| violation(v, dispatch)) }
                    if r.count > r.violations.len() {
                        <li class="log-more">{ format!("and {} more", r.count - r.violations.len()) }</li>
                    }
                </ul>
            }
        </li>
    }
}

fn violation(v: &ViolationRow, dispatch: &Callback<UiAction>) -> Html {
    let step = v.step;
    let node = |n: NodeId| {
        html! {
            <button type="button" class="linklike" aria-label={format!("Select {n}")}
                onclick={on_click(dispatch, UiAction::Select(Selection::Node(n)))}>
                { n.to_string() }
            </button>
        }
    };
    html! {
        <li class="violation">
            <button type="button" class="linklike" onclick={on_click(dispatch, seek_to_row(step))}
                title="Show the state right after the violating event">
                { format!("step {step} (t={})", v.time) }
            </button>
            { ": " }{ v.detail.clone() }
            if !v.nodes.is_empty() {
                <span class="violation-nodes">{ " Nodes: " }{ for v.nodes.iter().map(|&n| node(n)) }</span>
            }
        </li>
    }
}
