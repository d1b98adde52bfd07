//! The selection's action bar under the stage: what is selected and the faults that apply to it,
//! as plain buttons (no right-click, 44 px targets on touch). The inspector panel shows the full
//! state; this bar keeps the actions next to the stage, where a finger or the `c`/`d` keys are.

use crate::sim::Action;
use crate::ui::model::{on_click, PanelProps};
use crate::view::{Selection, UiAction};
use yew::prelude::*;

/// A plain function, not a component: it follows the per-frame model (see `time_controls`).
pub fn selection_bar(props: &PanelProps) -> Html {
    let p = props.model.playground.borrow();
    let world = p.history.world();
    let d = &props.dispatch;
    let act = |a: Action| on_click(d, UiAction::Act(a));
    let clear = on_click(d, UiAction::Select(Selection::None));
    let body = match p.selection {
        Selection::None => html! {
            <span class="hint">{ "Select a node or a message (click, tap, or Tab then Enter) to act on it." }</span>
        },
        Selection::Node(node) => {
            let Some(slot) = world.system.nodes.get(node.index()) else { return html! {} };
            let role = world.system.cluster.roles[node.index()].label();
            let (label, action) = if slot.up {
                (format!("Crash {node}"), Action::Crash { node })
            } else {
                (format!("Recover {node}"), Action::Recover { node })
            };
            html! {
                <>
                    <span class="what">{ format!("{role} {node} · {}", if slot.up { "up" } else { "down" }) }</span>
                    <button id="stage-crash" class="btn" onclick={act(action)} title="Crash or recover (c)">{ label }</button>
                </>
            }
        }
        Selection::Message(msg) => match world.in_flight().into_iter().find(|m| m.id == msg) {
            Some(m) => html! {
                <>
                    <span class="what">{ format!("#{} {} · {} → {} · arrives t={}", msg.0, m.msg, m.from, m.to, m.arrive) }</span>
                    <button id="stage-drop" class="btn" onclick={act(Action::Drop { msg })} title="Drop (d)">{ "Drop" }</button>
                    <button id="stage-duplicate" class="btn" onclick={act(Action::Duplicate { msg })}>{ "Duplicate" }</button>
                    <button id="stage-deliver" class="btn" onclick={act(Action::DeliverNow { msg })}>{ "Deliver now" }</button>
                </>
            },
            None => html! { <span class="what">{ format!("message #{} is no longer in flight", msg.0) }</span> },
        },
    };
    html! {
        <div class="selection-bar" role="toolbar" aria-label="Selection">
            { body }
            if p.selection != Selection::None {
                <button class="btn subtle" onclick={clear} aria-label="Clear the selection">{ "✕" }</button>
            }
        </div>
    }
}
