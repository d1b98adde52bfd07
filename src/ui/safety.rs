//! The safety panel: each invariant OK or violated at the cursor, with the violation's step
//! (a button that seeks there), its detail and the nodes involved (buttons that select them),
//! and the configuration's warnings. The run pausing on a new violation is the reducer's job;
//! announcing it is the page's live region.

use super::model::{on_click, PanelProps};
use crate::protocol::NodeId;
use crate::view::log::seek_to_row;
use crate::view::safety::{self, InvariantRow, Safety, ViolationRow};
use crate::view::{Selection, UiAction};
use std::rc::Rc;
use yew::prelude::*;

#[function_component(SafetyPanel)]
pub fn safety_panel(props: &PanelProps) -> Html {
    let data = Rc::new(safety::build(&props.model.playground.borrow()));
    html! { <Body data={data} dispatch={props.dispatch.clone()} /> }
}

#[derive(Properties, Clone)]
struct BodyProps {
    data: Rc<Safety>,
    dispatch: Callback<UiAction>,
}

/// Redraws only when the panel's data changes (nearly never in a healthy run).
impl PartialEq for BodyProps {
    fn eq(&self, other: &Self) -> bool {
        self.data == other.data
    }
}

#[function_component(Body)]
fn body(props: &BodyProps) -> Html {
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
        </section>
    }
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
