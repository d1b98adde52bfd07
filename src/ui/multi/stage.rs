//! The stage: replicas on a ring (the leader and its ballot marked, crashed ones dashed,
//! cut-off ones flagged), clients in a column beside them, and the messages in flight as tokens
//! with their labels. A click (or Enter) on a replica crashes or recovers it; on a token, drops it.

use super::Part;
use crate::protocol::NodeId;
use crate::sim::MsgId;
use crate::view::multi::frame::{CLIENT_HALF, REPLICA_R};
use crate::view::multi::labels::{more, node_line, StageLabel, CRASHED_LINE};
use crate::view::multi::shape::StageShape;
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

/// A replica or a client. Its texts are hidden from assistive technology: the group's label
/// says all of them, in their order (spaces between them keep their words apart for tools that
/// read the visible text, as axe does).
fn node(n: &NodeView, dispatch: &Callback<MultiAction>, stage: &StageShape) -> Html {
    let (x, y) = (n.x, n.y);
    let replica = n.kind == NodeKind::Replica;
    let class = classes!(
        "m-node",
        if replica { "replica" } else { "client" },
        (!n.up).then_some("down"),
        n.partitioned.then_some("cut"),
        n.leader.is_some().then_some("leader")
    );
    let role = if n.up { n.role.clone() } else { CRASHED_LINE.into() };
    let shape = if replica {
        html! { <circle class="box" cx={x.to_string()} cy={y.to_string()} r={REPLICA_R.to_string()} /> }
    } else {
        let (w, h) = CLIENT_HALF;
        html! { <rect class="box" x={(x - w).to_string()} y={(y - h).to_string()} width={(2.0 * w).to_string()} height={(2.0 * h).to_string()} rx="8" /> }
    };
    let below = if replica { 52.0 } else { 34.0 };
    // The narrow stage lists the nodes' lines beside it (`ui::multi::phone`).
    let lines = stage.node_lines;
    let tag_y = (y + stage.tag_dy()).to_string();
    // The badge's size follows its text's (`StageShape::badge`), 2 units inside the box kept free.
    let (half, top) = stage.badge();
    let leader = n.leader.as_ref().map(|b| {
        html! {
            <g class="crown" aria-hidden="true">
                <rect x={(x - half + 2.0).to_string()} y={(y + top + 2.0).to_string()} width={(2.0 * half - 4.0).to_string()}
                    height={(-top - 44.0).to_string()} rx="10" />
                <text x={x.to_string()} y={(y - 48.0 - (stage.line_px - 13.0) * 0.6).to_string()} text-anchor="middle">{ format!("leader {b}") }</text>
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
                aria-label={format!("{} {}: client, press to inspect it", n.label, n.role)}
                onclick={click} onkeydown={on_key(dispatch, select)}>
                <title>{ format!("Client {}: {}", n.label, n.role) }</title>
                { shape }
                <text class="title" x={x.to_string()} y={(y + 5.0).to_string()} text-anchor="middle" aria-hidden="true">{ &n.label }</text>
                { " " }
                if lines {
                    <text class="field" x={x.to_string()} y={(y + below).to_string()} text-anchor="middle" aria-hidden="true">{ &n.role }</text>
                }
            </g>
        };
    }
    let id: NodeId = n.id;
    // The name says the words the node shows, in their order (its name, role, tag and leader
    // badge), then what a press does.
    let tag = if !n.up {
        " down"
    } else if n.partitioned {
        " cut off"
    } else {
        ""
    };
    let crown = n.leader.as_ref().map(|b| format!(" leader {b}")).unwrap_or_default();
    let label = format!(
        "{} {role}{tag}{crown}: replica{}, press to {}",
        n.label,
        if n.partitioned { " cut off by a partition" } else { "" },
        if n.up { "crash it" } else { "recover it" }
    );
    let click = dispatch.reform(move |_: MouseEvent| MultiAction::ToggleCrash(id));
    html! {
        <g class={class} role="button" tabindex="0" aria-label={label} data-node={n.id.0.to_string()}
            onclick={click} onkeydown={on_key(dispatch, MultiAction::ToggleCrash(id))}>
            <title>{ format!("{}: {}\n{}\n{}", n.label, role, n.durable.join(", "), n.volatile.join(", ")) }</title>
            { shape }
            <text class="title" x={x.to_string()} y={(y + 5.0).to_string()} text-anchor="middle" aria-hidden="true">{ &n.label }</text>
            { " " }
            if lines {
                <text class="field" x={x.to_string()} y={(y + below).to_string()} text-anchor="middle" aria-hidden="true">{ node_line(stage, n) }</text>
            }
            { " " }
            if !n.up {
                <text class="tag" x={x.to_string()} y={tag_y} text-anchor="middle" aria-hidden="true">{ "down" }</text>
            } else if n.partitioned {
                <text class="tag" x={x.to_string()} y={tag_y} text-anchor="middle" aria-hidden="true">{ "cut off" }</text>
            }
            { " " }
            { leader }
        </g>
    }
}

/// Tenths of a stage unit: a token that moved less than that is not drawn again.
fn tenths(v: f64) -> i32 {
    (v * 10.0).round() as i32
}

fn unit(tenths: i32) -> String {
    format!("{:.1}", f64::from(tenths) / 10.0)
}

/// A message in flight: what the token draws, its label's baseline relative to the token, in
/// tenths. Its position is the `transform` of the group around it (`Stage`), so a token that
/// moves changes one attribute and Yew does not draw it again (a busy stage has 150 of them,
/// most moving on every animation frame).
#[derive(Properties, PartialEq)]
struct TokenProps {
    id: MsgId,
    kind: &'static str,
    text: String,
    /// The label `view::multi::labels` placed on it: text, how many messages it names, and
    /// its baseline's left end relative to the token's centre.
    label: Option<(String, usize, (i32, i32))>,
    dispatch: Callback<MultiAction>,
}

/// A message's token, with its label when it has one (a stack's names `count` messages),
/// centred on (0, 0). The label repeats the accessible name, so it is hidden from assistive
/// technology.
#[function_component(Token)]
fn token(p: &TokenProps) -> Html {
    let id = p.id;
    let click = p.dispatch.reform(move |_: MouseEvent| MultiAction::Drop(id));
    // The name starts with the words the label shows (a stack's `3 × `, a shortened label).
    let name = match &p.label {
        Some((text, _, _)) if !p.text.starts_with(text.as_str()) => {
            format!("{text}: message {}, press to drop it", p.text)
        }
        _ => format!("Message {}: press to drop it", p.text),
    };
    html! {
        <g class={classes!("m-token", p.kind)} role="button" tabindex="0" data-msg={id.0.to_string()}
            aria-label={name}
            onclick={click} onkeydown={on_key(&p.dispatch, MultiAction::Drop(id))}>
            <title>{ format!("{} (click to drop)", p.text) }</title>
            <circle cx="0" cy="0" r="7" />
            if let Some((text, count, (x, y))) = &p.label {
                <text class="m-tlabel" x={unit(*x)} y={unit(*y)} data-count={count.to_string()} aria-hidden="true">{ text }</text>
            }
        </g>
    }
}

/// Where a token stands (tenths of a stage unit), and what it draws there.
fn token_props(
    t: &TokenView,
    label: Option<&StageLabel>,
    dispatch: &Callback<MultiAction>,
) -> ((i32, i32), TokenProps) {
    let props = TokenProps {
        id: t.id,
        kind: t.kind,
        text: t.label.clone(),
        label: label.map(|l| (l.text.clone(), l.count, (tenths(l.x - t.x), tenths(l.y - t.y)))),
        dispatch: dispatch.clone(),
    };
    ((tenths(t.x), tenths(t.y)), props)
}

/// The group that places a token: `translate(x y)` in stage units.
fn placed(at: (i32, i32), props: TokenProps) -> Html {
    html! {
        <g key={props.id.0} transform={format!("translate({} {})", unit(at.0), unit(at.1))}>
            <Token ..props />
        </g>
    }
}

#[function_component(Stage)]
pub fn stage(p: &Part) -> Html {
    let f = &p.frame;
    let s = &f.shape;
    let view_box = format!("0 0 {} {}", s.w, s.h);
    let mut label_of = vec![None; f.tokens.len()];
    for l in &f.labels {
        if let Some(slot) = label_of.get_mut(l.token) {
            *slot = Some(l);
        }
    }
    html! {
        <svg id="mstage" class={classes!("m-stage", (!s.node_lines).then_some("narrow"))} viewBox={view_box} role="group"
            aria-label={format!("{} replicas and {} clients; {} messages in flight", f.log.rows.len(), f.clients.len(), f.tokens.len())}>
            // The ring, or the narrow stage's track (`StageShape::ring_len`): a circle stretched.
            <rect class="ring" x={(s.ring_x - s.ring_r).to_string()} y={(s.ring_y - s.ring_r - s.ring_len / 2.0).to_string()}
                width={(2.0 * s.ring_r).to_string()} height={(2.0 * s.ring_r + s.ring_len).to_string()} rx={s.ring_r.to_string()}
                aria-hidden="true" />
            { for f.nodes.iter().map(|n| node(n, &p.dispatch, s)) }
            <g class="m-tokens">
                { for f.tokens.iter().enumerate().map(|(i, t)| {
                    let (at, props) = token_props(t, label_of[i], &p.dispatch);
                    placed(at, props)
                }) }
            </g>
            if let Some(text) = more(f.unlabelled) {
                <text id="mstage-more" class="m-more" x={s.more_x.to_string()} y={s.more_y.to_string()}>{ text }</text>
            }
        </svg>
    }
}
