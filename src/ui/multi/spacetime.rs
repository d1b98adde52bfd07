//! The Multi-Paxos space-time diagram panel: draws `view::multi::spacetime::SpaceTime` as SVG,
//! a lane per replica and client. A click on an arrow seeks to when the message was sent and
//! selects it; on a point (a leader elected, a crash, an operation called or answered, a slot
//! chosen) seeks to it; anywhere else seeks to the time under the pointer.
//!
//! As in single-decree (`ui::spacetime`), the diagram is drawn in a `Plot` that re-renders only
//! when the model's data changes (a step, the window, the selection). What moves every frame
//! (the cursor line, and how far the messages in flight got) is drawn apart, in a cover over the
//! plot right of the cursor: its own small layer, a copy of the axis and lanes on the panel's
//! background, cut at the cursor by its `clip-path`. So a frame repaints that cover alone, not the
//! hundreds of arrows (cutting the plot itself at the clock, as an SVG clip, repainted all of
//! them on every animation frame).

use super::Model;
use crate::decimal::fixed;
use crate::sim::{MsgId, Tick};
use crate::view::multi::spacetime::{build, step_at_time, Arrow, Fate, Point, PointKind, SpaceTime as Data, Window};
use crate::view::multi::spacetime::{CHOSEN_Y, LABEL_WIDTH, TOP, WIDTH};
use crate::view::multi::{MultiAction, MultiSelection};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub model: Model,
    pub dispatch: Callback<MultiAction>,
}

fn f1(x: f64) -> String {
    fixed(x, 1).to_string()
}

/// What a click on the diagram (the plot or the cover over it) seeks to: the arrow's or point's
/// moment under the pointer, else the time under it.
fn on_click(model: &Model, dispatch: &Callback<MultiAction>, window: Window) -> Callback<MouseEvent> {
    let (model, dispatch) = (model.clone(), dispatch.clone());
    Callback::from(move |e: MouseEvent| {
        let target = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let hit = target.and_then(|t| t.closest("[data-seek]").ok().flatten());
        if let Some(hit) = hit {
            let step = hit.get_attribute("data-seek").and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
            dispatch.emit(MultiAction::Seek(step));
            if let Some(id) = hit.get_attribute("data-msg").and_then(|s| s.parse::<u64>().ok()) {
                dispatch.emit(MultiAction::Select(MultiSelection::Message(MsgId(id))));
            }
            return;
        }
        let Some(svg) = gloo::utils::document().get_element_by_id("mst") else { return };
        let rect = svg.get_bounding_client_rect();
        if rect.width() > 0.0 {
            let x = (e.client_x() as f64 - rect.left()) / rect.width() * WIDTH;
            if x >= LABEL_WIDTH {
                let step = step_at_time(&model.playground.borrow(), window.time_at(x));
                dispatch.emit(MultiAction::Seek(step));
            }
        }
    })
}

#[function_component(SpaceTime)]
pub fn space_time(props: &Props) -> Html {
    // Where the person pinned the window (its start), for the run it was pinned in.
    let pinned = use_state(|| (0u64, None::<Tick>));
    let p = props.model.playground.borrow();
    let pin = if pinned.0 == p.epoch { pinned.1 } else { None };
    let (clock, epoch) = (p.clock, p.epoch);
    let window = Window::at(clock, pin);
    let key = (epoch, p.history.cursor(), p.history.frontier(), window.start, p.selection);
    let data = {
        let playground = props.model.playground.clone();
        use_memo(key, move |_| build(&playground.borrow(), clock, pin))
    };
    drop(p);
    let height = data.height;
    let cursor = window.x(clock.max(window.start as f64).min(window.end() as f64));
    let set = |to: Option<Tick>| {
        let pinned = pinned.clone();
        Callback::from(move |_: MouseEvent| pinned.set((epoch, to)))
    };
    // Following the cursor on a narrow screen (the diagram scrolls sideways): keep the cursor in
    // view, a quarter of the width from the right edge. Moved at most every 20 units of x.
    // Only a narrow window can scroll it (the plot is at least 640 px wide; the page's phone
    // layout starts at 760 px): a wider one skips reading the sizes, which would lay out the page
    // in the middle of the frame.
    let near = (pin.is_none(), (cursor / 20.0) as i32);
    use_effect_with(near, move |&(following, _)| {
        let narrow = gloo::utils::window().inner_width().ok().and_then(|w| w.as_f64()).is_none_or(|w| w < 760.0);
        let scroller = gloo::utils::document().get_element_by_id("mst-scroll");
        if let (true, true, Some(el)) = (following, narrow, scroller) {
            let (width, shown) = (el.scroll_width() as f64, el.client_width() as f64);
            if width > shown {
                el.set_scroll_left((cursor / WIDTH * width - shown * 0.75).max(0.0) as i32);
            }
        }
    });
    let view_box = format!("0 0 {} {}", f1(WIDTH), f1(height));
    html! {
        <section id="mspacetime" class="panel m-spacetime" aria-labelledby="mst-heading">
            <div class="m-st-head">
                <h2 id="mst-heading">{ "Space-time diagram" }</h2>
                <span class="hint">{ "Time runs left to right. Click a message or a point to go to that moment, anywhere else to jump to that time." }</span>
            </div>
            <div class="m-st-tools" role="group" aria-label="Diagram view">
                <button id="mst-earlier" class="btn small" disabled={data.earlier == 0 || window.start == 0}
                    onclick={set(Some(window.scrolled(-1)))} title="Show earlier time">
                    { format!("◀ Earlier ({} events)", data.earlier) }</button>
                <span id="mst-range" class="m-st-range">{ format!("t={} to {}", window.start, window.end()) }</span>
                <button id="mst-later" class="btn small" disabled={pin.is_none()} onclick={set(Some(window.scrolled(1)))}
                    title="Show later time">{ format!("Later ({} events) ▶", data.later) }</button>
                <button id="mst-follow" class="btn small" aria-pressed={pin.is_none().to_string()} onclick={set(None)}
                    title="Keep the present in view">{ "Follow the cursor" }</button>
            </div>
            <div id="mst-scroll" class="m-st-scroll" onclick={on_click(&props.model, &props.dispatch, window)}>
                // The lanes' names, kept in view when the diagram scrolls sideways on a phone.
                <div class="m-st-names" aria-hidden="true">
                    { for data.lanes.iter().map(|l| html! {
                        <span style={format!("top:{:.2}%", l.y / height * 100.0)}>{ l.label.clone() }</span> }) }
                </div>
                <svg id="mst" class="m-st" viewBox={view_box.clone()} role="img" tabindex="0" aria-labelledby="mst-title mst-desc">
                    <title id="mst-title">{ data.summary.clone() }</title>
                    <desc id="mst-desc">{ "A lane per replica and client; an arrow per message from its send to its delivery, a cross where one was dropped. The arrow keys step through the run." }</desc>
                    <defs>
                        // The plot's area right of the lanes' names; the cover cuts it at the clock.
                        <clipPath id="mst-clip">
                            <rect x={f1(LABEL_WIDTH)} y="0" width={f1(WIDTH - LABEL_WIDTH)} height={f1(height)} />
                        </clipPath>
                    </defs>
                    <Plot data={data.clone()} />
                </svg>
                // The future: the axis and lanes again, on the panel's background, from just left
                // of the cursor (its line's width) to the right edge. Clicks on it seek as on the
                // plot (`on_click` is the scroller's).
                <svg class="m-st m-st-cover" viewBox={view_box} aria-hidden="true"
                    style={format!("clip-path:inset(0 0 0 {}%)", fixed(((cursor - 1.0) / WIDTH * 100.0).max(0.0), 2))}>
                    <Backdrop data={data.clone()} />
                    <line id="mst-cursor" class="m-st-cursor" x1={f1(cursor)} x2={f1(cursor)} y1={f1(TOP - 14.0)}
                        y2={f1(height)} data-x={f1(cursor)} />
                </svg>
            </div>
            <p class="m-st-legend" aria-label="Legend">
                <span class="k request">{ "request, reply" }</span>
                <span class="k nack">{ "redirect, refusal" }</span>
                <span class="k prepare">{ "prepare" }</span>
                <span class="k promise">{ "promise" }</span>
                <span class="k accept">{ "accept" }</span>
                <span class="k accepted">{ "accepted" }</span>
                <span class="k heartbeat">{ "heartbeat" }</span>
                <span class="k catch-up">{ "catch-up" }</span>
                <span>{ "✕ dropped · ◆ slot chosen · ★ leader elected · ● operation called · ○ answered" }</span>
            </p>
        </section>
    }
}

#[derive(Properties)]
struct PlotProps {
    data: Rc<Data>,
}

impl PartialEq for PlotProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.data, &other.data) || self.data == other.data
    }
}

/// The axis and the lanes of a diagram: equal while those are (the window did not move on and
/// no lane changed), whatever arrows and points a step added, so that `Lanes` is skipped then.
#[derive(Properties)]
struct LanesProps {
    data: Rc<Data>,
}

impl PartialEq for LanesProps {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.data, &other.data);
        Rc::ptr_eq(a, b) || (a.height == b.height && a.ticks == b.ticks && a.lanes == b.lanes)
    }
}

/// The time axis and the lanes (their names, lines and down stretches): under the plot's arrows,
/// and again in the cover over its future. Drawn again only when they change (`LanesProps`).
#[function_component(Lanes)]
fn lanes(props: &LanesProps) -> Html {
    let d = &props.data;
    let bottom = TOP + d.lanes.len() as f64 * crate::view::multi::spacetime::LANE_HEIGHT;
    html! {
        <>
            <g class="m-st-axis" aria-hidden="true">
                { for d.ticks.iter().map(|&(x, t)| html! {
                    <g>
                        <line x1={f1(x)} x2={f1(x)} y1={f1(TOP - 2.0)} y2={f1(bottom)} />
                        <text x={f1(x)} y="11">{ t.to_string() }</text>
                    </g>
                }) }
            </g>
            { for d.lanes.iter().map(|l| html! {
                <g class={classes!("m-st-lane", if l.replica { "replica" } else { "client" }, (!l.up).then_some("down"))}
                    data-lane={l.node.0.to_string()}>
                    <text class="m-st-label" x="4" y={f1(l.y + 4.0)}>{ l.label.clone() }</text>
                    <line x1={f1(LABEL_WIDTH)} x2={f1(WIDTH)} y1={f1(l.y)} y2={f1(l.y)} />
                    { for l.down.iter().map(|&(x1, x2)| html! {
                        <rect class="m-st-down" x={f1(x1)} y={f1(l.y - 6.0)} width={f1((x2 - x1).max(1.0))} height="12">
                            <title>{ format!("{} down", l.label) }</title>
                        </rect>
                    }) }
                </g>
            }) }
        </>
    }
}

/// The cover's drawing: the panel's background, then `Lanes`; as they, drawn again only when
/// the axis or the lanes change.
#[function_component(Backdrop)]
fn backdrop(props: &LanesProps) -> Html {
    let d = &props.data;
    html! {
        <>
            <rect class="m-st-cover-bg" x="0" y="0" width={f1(WIDTH)} height={f1(d.height)} />
            <Lanes data={d.clone()} />
        </>
    }
}

/// Axis, lanes, arrows and points; the arrows and points cut at the lanes' names by `#mst-clip`.
#[function_component(Plot)]
fn plot(props: &PlotProps) -> Html {
    let d = &props.data;
    let shift = d.window.shift();
    html! {
        <>
            <Lanes data={d.clone()} />
            <g clip-path="url(#mst-clip)">
                // Drawn from time 0 and moved back by the window's start (`Window::shift`): when
                // the window moves on, only this group's transform changes.
                <g transform={format!("translate({} 0)", f1(-shift))}>
                    <g class="m-st-arrows">{ for d.arrows.iter().filter(|a| !a.selected).map(|a| arrow(a, shift)) }</g>
                    { for d.arrows.iter().filter(|a| a.selected).map(|a| arrow(a, shift)) }
                    <g class="m-st-points">{ for d.points.iter().map(|pt| point(pt, shift)) }</g>
                </g>
            </g>
        </>
    }
}

/// Tenths of a unit, rounded half up through hundredths: a whole tick is a whole number of
/// hundredths from time 0, so a moment rounds the same way in every window it is drawn in.
fn tenths(v: f64) -> i32 {
    let hundredths = (v * 100.0).round() as i64;
    (hundredths + 5).div_euclid(10) as i32
}

fn unit(tenths: i32) -> String {
    f1(f64::from(tenths) / 10.0)
}

/// An arrow as drawn: its ends (x1, y1, x2, y2) in tenths of a unit, `shift` to the right (see
/// `Plot`), so that an arrow that did not change between two steps is skipped by Yew (the
/// window holds hundreds of them, and a step changes a few).
#[derive(Properties, PartialEq)]
struct ArrowProps {
    id: MsgId,
    kind: &'static str,
    fate: Fate,
    selected: bool,
    label: String,
    seek: u64,
    ends: [i32; 4],
}

fn arrow(a: &Arrow, shift: f64) -> Html {
    let props = ArrowProps {
        id: a.id,
        kind: a.kind,
        fate: a.fate,
        selected: a.selected,
        label: a.label.clone(),
        seek: a.seek,
        ends: [tenths(a.x1 + shift), tenths(a.y1), tenths(a.x2 + shift), tenths(a.y2)],
    };
    html! { <ArrowLine key={a.id.0} ..props /> }
}

#[function_component(ArrowLine)]
fn arrow_line(a: &ArrowProps) -> Html {
    let [x1, y1, x2, y2] = a.ends.map(unit);
    let cross = (a.fate == Fate::Dropped).then(|| {
        let (x, y) = (a.ends[2], a.ends[3]);
        let [l, r, t, b] = [x - 40, x + 40, y - 40, y + 40].map(unit);
        format!("M{l} {t}L{r} {b}M{l} {b}L{r} {t}")
    });
    html! {
        <g class={classes!("m-st-arrow", a.kind, a.fate.class(), a.selected.then_some("selected"))}
            data-msg={a.id.0.to_string()} data-seek={a.seek.to_string()}>
            <title>{ format!("{}: click to go to its send (step {})", a.label, a.seek) }</title>
            <line class="hit" x1={x1.clone()} y1={y1.clone()} x2={x2.clone()} y2={y2.clone()} />
            <line class="vis" {x1} {y1} {x2} {y2} />
            if let Some(d) = cross {
                <path class="x" d={d} />
            }
        </g>
    }
}

/// A point, `shift` to the right (see `Plot`); keyed by its text (what happened, at which step
/// and time: one point per event), so that the points the window leaves behind are removed
/// without redrawing those after them, and drawn by `PointMark`, which Yew skips while it is
/// unchanged (a step adds a point or none).
fn point(pt: &Point, shift: f64) -> Html {
    let props = PointProps {
        kind: pt.kind,
        x: f64::from(tenths(pt.x + shift)) / 10.0,
        y: pt.y,
        text: pt.text.clone(),
        tag: pt.tag.clone(),
        seek: pt.seek,
    };
    html! { <PointMark key={pt.text.as_str()} ..props /> }
}

#[derive(Properties, PartialEq)]
struct PointProps {
    kind: PointKind,
    /// Where it is drawn (its x rounded to tenths, `shift` to the right).
    x: f64,
    y: f64,
    text: String,
    tag: String,
    seek: u64,
}

#[function_component(PointMark)]
fn point_mark(pt: &PointProps) -> Html {
    let (x, y) = (pt.x, pt.y);
    let shape = match pt.kind {
        PointKind::Chosen => {
            html! { <path d={format!("M{} {}l4 4l-4 4l-4 -4z", f1(x), f1(CHOSEN_Y - 4.0))} /> }
        }
        PointKind::Leader => html! {
            <path d={format!("M{} {}l2.4 4.6 5 .7-3.6 3.5.9 5-4.7-2.4-4.7 2.4.9-5-3.6-3.5 5-.7z", f1(x), f1(y - 9.0))} />
        },
        PointKind::Crash | PointKind::Recover => {
            html! { <rect x={f1(x - 3.5)} y={f1(y - 7.0)} width="7" height="14" /> }
        }
        PointKind::Invoke | PointKind::Complete => html! { <circle cx={f1(x)} cy={f1(y)} r="4.5" /> },
    };
    html! {
        <g class={classes!("m-st-point", pt.kind.class())} data-seek={pt.seek.to_string()}>
            <title>{ format!("{}: click to go there", pt.text) }</title>
            { shape }
            if !pt.tag.is_empty() {
                <text x={f1(x + 7.0)} y={f1(y - 8.0)}>{ pt.tag.clone() }</text>
            }
        </g>
    }
}
