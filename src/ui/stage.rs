//! The stage: an SVG of the nodes (grouped by role, or servers in a ring) and of the messages in
//! flight as tokens at the animation clock. Geometry and text come from `view::layout`,
//! `view::nodes` and `view::tokens`; this file only turns them into elements. Per frame only the
//! tokens change: node elements and links are memoized on (epoch, cursor), tokens are keyed by
//! message id and skip re-rendering when their position did not change.

use super::model::{on_click, PanelProps};
use crate::decimal::fixed;
use crate::protocol::{Msg, NodeId, Roles};
use crate::sim::{DropReason, MsgId};
use crate::view::labels::{self, Label};
use crate::view::layout::{layout, Layout, NodeBox};
use crate::view::marks::{self, TimerArc};
use crate::view::nodes::NodeView;
use crate::view::routes::route;
use crate::view::tokens::{drop_marks, kind_name, kind_shape, tokens_at, translate, DropMark, Token};
use crate::view::{Selection, UiAction};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The smallest scale the stage is drawn at, in px per unit: node text (12 units or more)
/// stays at least 11 px; a stage that would need less scrolls instead.
const SCALE_MIN: f64 = 0.92;

thread_local! {
    static FIRST_FRAME_MARKED: Cell<bool> = const { Cell::new(false) };
}

/// `performance.mark("first-frame")`, once per page, the first time a token is drawn.
fn mark_first_frame() {
    if FIRST_FRAME_MARKED.with(|m| m.replace(true)) {
        return;
    }
    if let Some(perf) = gloo::utils::window().performance() {
        perf.mark("first-frame").ok();
    }
}

/// A line between two nodes that talk; `cut` when a partition or a cut link separates them.
#[derive(Clone, Copy, PartialEq)]
struct LinkLine {
    a: NodeId,
    b: NodeId,
    cut: bool,
}

/// Whether nodes with these roles exchange messages (Decided goes everywhere, but lines between
/// proposers would cross their own column, so they are left out).
fn talk(a: &Roles, b: &Roles) -> bool {
    let one_way = |x: &Roles, y: &Roles| (x.proposer && (y.acceptor || y.learner)) || (x.acceptor && y.learner);
    one_way(a, b) || one_way(b, a)
}

/// Whether a media query matches, kept up to date by a `change` listener that is dropped (and
/// so removed) with the component.
#[hook]
fn use_media(query: &'static str) -> bool {
    let list = use_memo(query, |q| gloo::utils::window().match_media(q).ok().flatten());
    let matches = use_state(|| list.as_ref().as_ref().is_some_and(|m| m.matches()));
    {
        let matches = matches.clone();
        use_effect_with(list, move |list| {
            let listener = list.as_ref().as_ref().map(|mql| {
                let mql2 = mql.clone();
                gloo::events::EventListener::new(mql, "change", move |_| matches.set(mql2.matches()))
            });
            move || drop(listener)
        });
    }
    *matches
}

#[function_component(Stage)]
pub fn stage(props: &PanelProps) -> Html {
    let p = props.model.playground.borrow();
    let world = p.history.world();
    let cluster = world.system.cluster.clone();
    let narrow = use_media("(max-width: 640px)");
    let layout = use_memo((cluster.roles.clone(), narrow), |(roles, narrow)| layout(roles, *narrow));
    let key = (p.epoch, p.history.cursor());
    // What the caption shown names is marked on the stage (`view::marks`). Not memoized apart
    // (each memo costs the first load): naming kinds scans one caption, and timers look back
    // only to each proposer's latest phase change.
    let caption = p.scenario.caption_at(key.1).map_or("", |c| c.text.as_str());
    let views = use_memo(key, |_| marks::marked_views(world, p.history.past(), caption));
    let kinds = marks::named(caption, views.len()).kinds;
    let timers = marks::timers(world, p.history.past());
    let links = use_memo(key, |_| {
        let mut v = Vec::new();
        for a in cluster.nodes() {
            for b in cluster.nodes().filter(|b| *b > a && talk(&cluster.roles[a.index()], &cluster.roles[b.index()])) {
                let cut = !world.net.connected(a, b) || !world.net.connected(b, a);
                v.push(LinkLine { a, b, cut });
            }
        }
        v
    });
    // Reduced motion: tokens sit where they are at the last event and jump from step to step.
    let reduced = use_media("(prefers-reduced-motion: reduce)");
    let t = if reduced { world.now as f64 } else { p.clock };
    let tokens = use_mut_ref(Vec::new);
    tokens_at(&layout, &world.in_flight(), t, &mut tokens.borrow_mut());
    let marks = drop_marks(&layout, p.history.past(), t);
    let has_tokens = !tokens.borrow().is_empty();
    use_effect_with(has_tokens, |&has| {
        if has {
            mark_first_frame();
        }
    });
    let focused = use_focus_follows_tokens();
    let selection = p.selection;
    let tokens = tokens.borrow();
    let selected = match selection {
        Selection::Message(id) => Some(id),
        _ => None,
    };
    let leftward = |t: &Token| layout.node(t.from).zip(layout.node(t.to)).is_some_and(|(a, b)| b.x < a.x);
    let mut label_of: Vec<Option<Label>> = vec![None; tokens.len()];
    let text = use_memo((views.clone(), layout.clone()), |(v, l)| labels::node_text(l, v));
    for l in labels::place(&layout, &text, &tokens, selected, leftward) {
        let i = l.token;
        label_of[i] = Some(l);
    }
    let summary = format!(
        "{} nodes, {} down, {} messages in flight",
        views.len(),
        views.iter().filter(|v| !v.up).count(),
        tokens.len()
    );
    html! {
        <div class="stage-wrap">
            <svg id="stage" viewBox={layout.view_box()} preserveAspectRatio="xMidYMid meet" style={min_size(&layout)} onfocusin={focused}
                role="group" aria-labelledby="stage-title stage-desc" class={classes!(layout.ring.then_some("ring"))}>
                <title id="stage-title">{ "The cluster: nodes and the messages between them" }</title>
                <desc id="stage-desc">{ summary }</desc>
                { headings(&layout) }
                <g class="links" aria-hidden="true">
                    { for links.iter().map(|l| link_line(&layout, l)) }
                </g>
                <g class="nodes">
                    { for views.iter().enumerate().map(|(i, _)| html! {
                        <NodeEl key={i} views={views.clone()} index={i} layout={layout.clone()}
                            selected={selection == Selection::Node(NodeId(i as u8))} dispatch={props.dispatch.clone()} />
                    }) }
                </g>
                <g class="drops">
                    { for marks.iter().map(drop_mark) }
                </g>
                <g class="timers" aria-hidden="true">
                    { for timers.iter().map(|a| timer(&layout, a, t)) }
                </g>
                <g class="tokens">
                    { for tokens.iter().zip(label_of).map(|(t, l)| token(t, l, selection, kinds.contains(&t.kind()), &props.dispatch)) }
                </g>
            </svg>
        </div>
    }
}

/// Keyboard focus on a token must not fall to the page body when the message is delivered and
/// its element goes (the next Tab would then start from the top and skip the stage): focus moves
/// to the node that received it. Remembers the focused token (message id, receiver) from the
/// stage's `focusin`; after each render, if that token is gone and nothing else took the focus,
/// the receiver gets it. Focus that the person moved elsewhere is left alone.
#[hook]
fn use_focus_follows_tokens() -> Callback<FocusEvent> {
    let held: Rc<Cell<Option<(u64, u8)>>> = use_memo((), |_| Cell::new(None));
    {
        let held = held.clone();
        use_effect(move || refocus_receiver(&held));
    }
    let on_focus = use_memo((), move |_| {
        Callback::from(move |e: FocusEvent| {
            let token = e.target_dyn_into::<web_sys::Element>().and_then(|t| t.closest(".msg").ok().flatten());
            let ids = token.and_then(|t| {
                Some((t.get_attribute("data-msg")?.parse().ok()?, t.get_attribute("data-to")?.parse().ok()?))
            });
            held.set(ids);
        })
    });
    (*on_focus).clone()
}

fn refocus_receiver(held: &Cell<Option<(u64, u8)>>) {
    let Some((msg, to)) = held.get() else { return };
    let document = gloo::utils::document();
    let on_body = document.active_element().is_none_or(|a| document.body().is_some_and(|b| a == *b));
    let select = |q: String| document.query_selector(&q).ok().flatten();
    if !on_body {
        let still_on_token = document.active_element().and_then(|a| a.get_attribute("data-msg"));
        if still_on_token != Some(msg.to_string()) {
            held.set(None); // the focus went somewhere else
        }
        return;
    }
    held.set(None);
    if select(format!("#stage .msg[data-msg=\"{msg}\"]")).is_some() {
        return; // the token is still there: the person moved the focus off it
    }
    if let Some(node) =
        select(format!("#stage .node[data-node=\"{to}\"]")).and_then(|n| n.dyn_into::<web_sys::SvgElement>().ok())
    {
        node.focus().ok();
    }
}

fn headings(layout: &Layout) -> Html {
    html! {
        <g class="headings" aria-hidden="true">
            { for layout.headings.iter().map(|h| html! {
                <text class="heading" x={fmt(h.x)} y={fmt(h.y)} text-anchor="middle">{ h.text }</text>
            }) }
        </g>
    }
}

fn fmt(v: f64) -> String {
    fixed(v, 1).to_string()
}

fn min_size(layout: &Layout) -> String {
    let px = |v: f64| fixed(v * SCALE_MIN, 0);
    format!("min-width:{}px;min-height:{}px", px(layout.width), px(layout.height))
}

/// A link follows the route its messages take (around boxes in between, `view::routes`).
fn link_line(layout: &Layout, l: &LinkLine) -> Html {
    let mut points = String::new();
    for p in route(layout, l.a, l.b).points() {
        points.push_str(&format!("{},{} ", fmt(p.x), fmt(p.y)));
    }
    html! { <polyline class={classes!("link", l.cut.then_some("cut"))} points={points} /> }
}

fn drop_mark(m: &DropMark) -> Html {
    let why = match m.reason {
        DropReason::Lost => "lost by the network",
        DropReason::Partitioned => "blocked by a partition",
        DropReason::NodeDown => "its destination was down",
        DropReason::ByHand => "dropped by hand",
    };
    let opacity = fixed(1.0 - m.age * 0.8, 2).to_string();
    html! {
        <g key={m.id.0} class="drop-mark" data-msg={m.id.0.to_string()} opacity={opacity}
            transform={format!("translate({} {})", fixed(m.at.x, 1), fixed(m.at.y, 1))} role="img"
            aria-label={format!("{} died: {why}", m.msg)}>
            <circle r="9" />
            <path d="M-5 -5L5 5M5 -5L-5 5" />
        </g>
    }
}

/// A proposer's retry timer, as RaftScope draws election timers: a ring in the top right
/// corner of its box whose arc empties as the clock nears the deadline.
fn timer(layout: &Layout, a: &TimerArc, clock: f64) -> Html {
    let Some(b) = layout.node(a.node) else { return html! {} };
    let left = fixed(a.left(clock) * 100.0, 1);
    let (x, y) = (b.x + b.w / 2.0 - 16.0, b.y - b.h / 2.0 + 14.0);
    html! {
        <g class="timer" data-node={a.node.0.to_string()} transform={format!("translate({} {})", fmt(x), fmt(y))}>
            <circle class="timer-track" r="7" />
            <circle class="timer-arc" r="7" pathLength="100" stroke-dasharray={format!("{left} 100")} />
        </g>
    }
}

fn token(t: &Token, label: Option<Label>, selection: Selection, named: bool, dispatch: &Callback<UiAction>) -> Html {
    let selected = selection == Selection::Message(t.id);
    let tenths = |v: f64| (v * 10.0).round() as i32;
    let label = label.map(|l| (AttrValue::from(l.text), l.count, tenths(l.dx), tenths(l.dy)));
    html! {
        <TokenEl key={t.id.0} id={t.id} msg={t.msg} from={t.from} to={t.to}
            x={tenths(t.at.x)} y={tenths(t.at.y)} twin={t.twin} {selected} {named} {label}
            dispatch={dispatch.clone()} />
    }
}

#[derive(Properties, PartialEq)]
struct TokenProps {
    id: MsgId,
    msg: Msg,
    from: NodeId,
    to: NodeId,
    /// Position in tenths of a unit, so that equal positions compare equal and skip a render.
    x: i32,
    y: i32,
    twin: bool,
    selected: bool,
    /// Its kind is named by the caption shown.
    named: bool,
    /// The label drawn by this token (`view::labels`): text, how many tokens it names, and
    /// where its baseline starts relative to the token, in tenths of a unit. None: the token
    /// is named by a stack's label, or there was no free room.
    label: Option<(AttrValue, usize, i32, i32)>,
    dispatch: Callback<UiAction>,
}

#[function_component(TokenEl)]
fn token_el(p: &TokenProps) -> Html {
    // The name says the label's words too when they are not the message's own (a stack's
    // "3 × Prepare 1.0", a label shortened for room), so what is seen is what is read out.
    let shown = p.label.as_ref().map(|l| l.0.clone());
    let aria = use_memo((p.id, p.msg, p.from, p.to, p.twin, shown), |(id, m, from, to, twin, shown)| {
        let twin = if *twin { ", a duplicate" } else { "" };
        // The id too: the log and the inspector name messages by it ("message #7 dropped").
        let name = format!("{m}, {from} to {to}{twin}, message #{}", id.0);
        match shown {
            Some(text) if !name.contains(text.as_str()) => AttrValue::from(format!("{text}: {name}")),
            _ => AttrValue::from(name),
        }
    });
    // Per frame only the transform changes: everything else is made once per token.
    let id = p.id;
    let data_msg = use_memo(id, |id| AttrValue::from(id.0.to_string()));
    let select = use_callback((id, p.dispatch.clone()), |_: MouseEvent, (id, d)| {
        d.emit(UiAction::Select(Selection::Message(*id)))
    });
    let on_key = use_memo((id, p.dispatch.clone()), |(id, d)| activate(d.clone(), Selection::Message(*id)));
    let kind = p.msg.kind();
    html! {
        <g class={classes!("msg", p.selected.then_some("selected"), p.named.then_some("named"))} data-msg={(*data_msg).clone()} data-to={p.to.0.to_string()}
            data-kind={kind_name(kind)} data-twin={p.twin.then_some("true")}
            transform={translate(p.x, p.y)}
            tabindex="0" role="button" aria-label={(*aria).clone()} aria-pressed={p.selected.to_string()}
            onclick={select} onkeydown={(*on_key).clone()}>
            <circle class="hit" r="14" />
            <path class="shape" d={kind_shape(kind)} />
            if let Some((text, count, dx, dy)) = &p.label {
                <text class="msg-label" x={tenth(*dx)} y={tenth(*dy)} data-count={(*count > 1).then(|| count.to_string())}>
                    { text.clone() }</text>
            }
        </g>
    }
}

fn tenth(v: i32) -> String {
    format!("{}{}.{}", if v < 0 { "-" } else { "" }, v.abs() / 10, v.abs() % 10)
}

/// Enter or Space on a focused node or token selects it.
fn activate(dispatch: Callback<UiAction>, what: Selection) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            e.stop_propagation();
            dispatch.emit(UiAction::Select(what));
        }
    })
}

#[derive(Properties, PartialEq)]
struct NodeProps {
    views: Rc<Vec<NodeView>>,
    index: usize,
    layout: Rc<Layout>,
    selected: bool,
    dispatch: Callback<UiAction>,
}

#[function_component(NodeEl)]
fn node_el(p: &NodeProps) -> Html {
    let (Some(v), Some(b)) = (p.views.get(p.index), p.layout.nodes.get(p.index)) else { return html! {} };
    let what = Selection::Node(v.id);
    let select = on_click(&p.dispatch, UiAction::Select(what));
    let class = classes!(
        "node",
        if v.up { "up" } else { "down" },
        p.selected.then_some("selected"),
        v.violating.then_some("violating"),
        v.quorum.is_some().then_some("quorum"),
        v.named.then_some("named"),
        (v.group > 0).then(|| format!("group-{}", (v.group - 1) % 4 + 1)),
    );
    html! {
        <g {class} data-node={v.id.0.to_string()} data-role={v.role} data-up={v.up.to_string()}
            transform={format!("translate({} {})", fixed(b.x - b.w / 2.0, 1), fixed(b.y - b.h / 2.0, 1))}
            tabindex="0" role="button" aria-label={v.label.clone()} aria-pressed={p.selected.to_string()}
            onclick={select} onkeydown={activate(p.dispatch.clone(), what)}>
            { violation_ring(v, b) }
            <rect class="box" width={fmt(b.w)} height={fmt(b.h)} rx="10" />
            <text class="title" x="10" y="19">{ &v.title }</text>
            { node_lines(v) }
            { adopt_badge(v) }
            { down_cross(v, b) }
            { group_badge(v, b) }
        </g>
    }
}

fn node_lines(v: &NodeView) -> Html {
    let lines = [("phase", &v.phase), ("promised", &v.promised), ("accepted", &v.accepted), ("learned", &v.learned)];
    let mut y = 19.0;
    lines
        .into_iter()
        .filter_map(|(field, text)| text.as_ref().map(|t| (field, t)))
        .map(|(field, text)| {
            y += 17.0;
            // The space between two text elements (not drawn: SVG draws text only inside
            // `text`) keeps their words apart in the box's text, as its aria-label has them.
            html! { <>{ " " }<text class={classes!("field", field)} data-field={field} x="10" y={fmt(y)}>{ text }</text></> }
        })
        .collect()
}

/// A red ring just outside the box of a node involved in a violation. The box's own border may
/// carry a partition group's colour, so the violation gets a ring of its own: both show.
fn violation_ring(v: &NodeView, b: &NodeBox) -> Html {
    if !v.violating {
        return html! {};
    }
    html! {
        <rect class="violation-ring" x="-5" y="-5" width={fmt(b.w + 10.0)} height={fmt(b.h + 10.0)} rx="14"
            aria-hidden="true" />
    }
}

/// `adopted "A"` on a proposer that took its value from a promise (`view::marks::badge`).
fn adopt_badge(v: &NodeView) -> Html {
    let Some((text, [x, y, w, h])) = marks::badge(v) else { return html! {} };
    html! {
        <g class="adopt-badge" transform={format!("translate({} {})", fmt(x), fmt(y))}>
            <rect width={fmt(w)} height={fmt(h)} rx="9" />
            <text x="7" y="13">{ text }</text>
        </g>
    }
}

fn down_cross(v: &NodeView, b: &NodeBox) -> Html {
    if v.up {
        return html! {};
    }
    html! {
        <g class="down-mark" aria-hidden="true">
            <path d={format!("M4 4L{w} {h}M{w} 4L4 {h}", w = fixed(b.w - 4.0, 0), h = fixed(b.h - 4.0, 0))} />
            <rect class="down-tag" x={fmt(b.w - 52.0)} y="5" width="46" height="18" rx="9" />
            { " " }<text class="down-label" x={fmt(b.w - 29.0)} y="18" text-anchor="middle">{ "down" }</text>
        </g>
    }
}

fn group_badge(v: &NodeView, b: &NodeBox) -> Html {
    if v.group == 0 {
        return html! {};
    }
    html! {
        <g class="group-badge" aria-hidden="true" transform={format!("translate({} {})", fixed(b.w - 16.0, 1), fixed(b.h - 14.0, 1))}>
            <circle r="11" />
            { " " }<text y="4" text-anchor="middle">{ format!("G{}", v.group) }</text>
        </g>
    }
}
