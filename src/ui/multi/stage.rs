//! The stage: replicas on a ring (the leader and its ballot marked, crashed ones dashed,
//! cut-off ones flagged), clients in a column beside them, and the messages in flight as tokens
//! with their labels. A click (or Enter) on a replica crashes or recovers it; on a token, drops it.

use super::Part;
use crate::protocol::NodeId;
use crate::sim::MsgId;
use crate::view::multi::labels::{more, StageLabel, MORE_X, MORE_Y};
use crate::view::multi::frame::{RING_R, RING_X, RING_Y, STAGE_H, STAGE_W};
use crate::view::multi::{MultiAction, MultiSelection, NodeKind, NodeView, TokenView};
use yew::prelude::*;

/// Enter or Space on a focused stage item does what a click does.
fn on_key(dispatch: &Callback<MultiAction>, action: MultiAction) -> Callback<KeyboardEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            dispatch.emit(action.clone());
        }
    })
}

fn node(n: &NodeView, dispatch: &Callback<MultiAction>) -> Html {
    let (x, y) = (n.x, n.y);
    let replica = n.kind == NodeKind::Replica;
    let class = classes!(
        "m-node",
        if replica { "replica" } else { "client" },
        (!n.up).then_some("down"),
        n.partitioned.then_some("cut"),
        n.leader.is_some().then_some("leader")
    );
    let role = if n.up { n.role.clone() } else { "crashed: click to recover".into() };
    let shape = if replica {
        html! { <circle class="box" cx={x.to_string()} cy={y.to_string()} r="34" /> }
    } else {
        html! { <rect class="box" x={(x - 30.0).to_string()} y={(y - 18.0).to_string()} width="60" height="36" rx="8" /> }
    };
    let below = if replica { 52.0 } else { 34.0 };
    let leader = n.leader.as_ref().map(|b| {
        html! {
            <g class="crown" aria-hidden="true">
                <rect x={(x - 44.0).to_string()} y={(y - 62.0).to_string()} width="88" height="20" rx="10" />
                <text x={x.to_string()} y={(y - 48.0).to_string()} text-anchor="middle">{ format!("leader {b}") }</text>
            </g>
        }
    });
    if !replica {
        let select = MultiAction::Select(MultiSelection::Node(n.id));
        let click = {
            let select = select.clone();
            dispatch.reform(move |_: MouseEvent| select.clone())
        };
        return html! {
            <g class={class} data-client={n.id.0.to_string()} role="button" tabindex="0"
                aria-label={format!("Client {}, {}: press to inspect it", n.label, n.role)}
                onclick={click} onkeydown={on_key(dispatch, select)}>
                <title>{ format!("Client {}: {}", n.label, n.role) }</title>
                { shape }
                <text class="title" x={x.to_string()} y={(y + 5.0).to_string()} text-anchor="middle">{ &n.label }</text>
                <text class="field" x={x.to_string()} y={(y + below).to_string()} text-anchor="middle">{ &n.role }</text>
            </g>
        };
    }
    let id: NodeId = n.id;
    let label = format!(
        "Replica {}, {}{}: press to {}",
        n.label,
        if n.up { &n.role } else { "crashed" },
        if n.partitioned { ", cut off by a partition" } else { "" },
        if n.up { "crash it" } else { "recover it" }
    );
    let click = dispatch.reform(move |_: MouseEvent| MultiAction::ToggleCrash(id));
    html! {
        <g class={class} role="button" tabindex="0" aria-label={label} data-node={n.id.0.to_string()}
            onclick={click} onkeydown={on_key(dispatch, MultiAction::ToggleCrash(id))}>
            <title>{ format!("{}: {}\n{}\n{}", n.label, role, n.durable.join(", "), n.volatile.join(", ")) }</title>
            { shape }
            { leader }
            <text class="title" x={x.to_string()} y={(y + 5.0).to_string()} text-anchor="middle">{ &n.label }</text>
            <text class="field" x={x.to_string()} y={(y + below).to_string()} text-anchor="middle">{ role }</text>
            if !n.up {
                <text class="tag" x={x.to_string()} y={(y + below + 16.0).to_string()} text-anchor="middle">{ "down" }</text>
            } else if n.partitioned {
                <text class="tag" x={x.to_string()} y={(y + below + 16.0).to_string()} text-anchor="middle">{ "cut off" }</text>
            }
        </g>
    }
}

/// A message's token, with its label when `view::multi::labels` placed one (a stack's names
/// `count` messages).
fn token(t: &TokenView, label: Option<&StageLabel>, dispatch: &Callback<MultiAction>) -> Html {
    let id: MsgId = t.id;
    let click = dispatch.reform(move |_: MouseEvent| MultiAction::Drop(id));
    html! {
        <g class={classes!("m-token", t.kind)} role="button" tabindex="0" data-msg={t.id.0.to_string()}
            aria-label={format!("Message {}: press to drop it", t.label)}
            onclick={click} onkeydown={on_key(dispatch, MultiAction::Drop(id))}>
            <title>{ format!("{} (click to drop)", t.label) }</title>
            <circle cx={t.x.to_string()} cy={t.y.to_string()} r="7" />
            if let Some(l) = label {
                <text class="m-tlabel" x={format!("{:.1}", l.x)} y={format!("{:.1}", l.y)} data-count={l.count.to_string()}>{ &l.text }</text>
            }
        </g>
    }
}

#[function_component(Stage)]
pub fn stage(p: &Part) -> Html {
    let f = &p.frame;
    let view_box = format!("0 0 {STAGE_W} {STAGE_H}");
    let mut label_of = vec![None; f.tokens.len()];
    for l in &f.labels {
        if let Some(slot) = label_of.get_mut(l.token) {
            *slot = Some(l);
        }
    }
    html! {
        <svg id="mstage" class="m-stage" viewBox={view_box} role="group"
            aria-label={format!("{} replicas and {} clients; {} messages in flight", f.log.rows.len(), f.clients.len(), f.tokens.len())}>
            <circle class="ring" cx={RING_X.to_string()} cy={RING_Y.to_string()} r={RING_R.to_string()} aria-hidden="true" />
            { for f.nodes.iter().map(|n| node(n, &p.dispatch)) }
            <g class="m-tokens">{ for f.tokens.iter().enumerate().map(|(i, t)| token(t, label_of[i], &p.dispatch)) }</g>
            if let Some(text) = more(f.unlabelled) {
                <text id="mstage-more" class="m-more" x={MORE_X.to_string()} y={MORE_Y.to_string()}>{ text }</text>
            }
        </svg>
    }
}
