//! The Multi-Paxos page on a phone (issue 10: "readable on a phone"): up to 600 CSS pixels the
//! stage takes its narrow shape (`view::multi::shape::NARROW`, drawn at about its own size so its
//! smallest text stays at least 11 pixels), and the lines the wide stage writes under each
//! replica and client (its role, what it waits for) are listed under the stage instead.

use super::Part;
use crate::view::multi::{MultiAction, NodeKind};
use gloo::events::EventListener;
use yew::prelude::*;

/// The width (CSS pixels) at and below which the stage is drawn for a phone held upright (a
/// landscape phone and a tablet keep the wide stage, which fits them better; an embed wider than
/// this, the compact one, `view::multi::shape::COMPACT`).
const NARROW_QUERY: &str = "(max-width: 600px)";

/// Tells the model whether the screen is narrow, now and whenever that changes.
#[hook]
pub fn use_narrow(dispatch: Callback<MultiAction>) {
    use_effect_with((), move |_| {
        let query = gloo::utils::window().match_media(NARROW_QUERY).ok().flatten();
        let listener = query.map(|q| {
            dispatch.emit(MultiAction::SetNarrow(q.matches()));
            let target = q.clone();
            EventListener::new(&q, "change", move |_| dispatch.emit(MultiAction::SetNarrow(target.matches())))
        });
        move || drop(listener)
    });
}

/// The nodes' lines, under the narrow stage (beside the compact one in an embed): each replica's
/// role (and whether it is down or cut off), each client's operation. Nothing on the wide stage,
/// which draws them under the nodes.
pub fn node_lines(p: &Part) -> Html {
    let f = &p.frame;
    if f.shape.node_lines {
        return Html::default();
    }
    let line = |kind: NodeKind| {
        f.nodes.iter().filter(move |n| n.kind == kind).map(|n| {
            let tag = if n.up && n.partitioned { " (cut off)" } else { "" };
            html! { <li data-node={n.id.0.to_string()}><b>{ &n.label }</b>{ format!(" {}{tag}", n.role) }</li> }
        })
    };
    html! {
        <div id="mnode-lines" class="m-node-lines">
            <ul aria-label="Replicas">{ for line(NodeKind::Replica) }</ul>
            <ul aria-label="Clients">{ for line(NodeKind::Client) }</ul>
        </div>
    }
}
