//! The space-time diagram panel: draws `view::spacetime::SpaceTime` as SVG. Clicking anywhere
//! seeks to the time under the pointer; with keyboard focus, arrow keys move the cursor by a
//! tick and Page Up/Down by ten.
//!
//! Why two layers: the panel re-renders on every animation frame, but the diagram only changes
//! when the cursor steps, the window jumps or the selection changes. The frame-by-frame part
//! is an overlay (the cursor line and a veil over the future, which shows how far each message
//! in flight got) moved by a CSS transform, so the browser composites it without repainting the
//! arrows under it; the `Layer` is computed once per change and skips its redraw.
//!
//! Above the diagram, + and - zoom (out to the whole run), and a button says how many events
//! are before the window and scrolls back to them (a sideways wheel or trackpad scrolls too);
//! where the person put the window is theirs (`view::spacetime::Viewport`, kept in a cell of this
//! component). The chosen markers are drawn in a third layer, over the veil: they are all in
//! the past, so the veil must not fade them when the cursor is on them.
//!
//! Why so few elements: under load a step lands on nearly every frame, so the `Layer` must be
//! cheap to change. Arrows come as one path per look (kind, fate, duplicate), heads as one path
//! per kind and drop marks as one path (`view::spacetime::paths`), all cut to the window: a step
//! re-sets a few `d` attributes instead of hundreds of elements, and the styles avoid anything
//! that makes a layer per element (`opacity`, filters, markers) in favour of stroke/fill opacity.

use super::model::PanelProps;
use crate::decimal::fixed;
use crate::decimal::shortest;
use crate::sim::Tick;
use crate::view::spacetime::{
    self, zoom, Arrow, Fate, Lane, Mark, SpaceTime as Data, Stroke, LABEL_WIDTH, LANE_HEIGHT, TOP, WIDTH,
};
use crate::view::UiAction;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[function_component(SpaceTime)]
pub fn space_time(props: &PanelProps) -> Html {
    // How the person looks at it, the sideways scroll not yet turned into a step, and the run it
    // was for: another run (a new scenario, a fork) follows the clock again.
    let view = use_mut_ref(|| (spacetime::Viewport::default(), 0.0, 0));
    let redraw = use_force_update();
    let p = props.model.playground.borrow();
    if view.borrow().2 != p.epoch {
        let mut v = view.borrow_mut();
        (v.0.pinned, v.2) = (None, p.epoch);
    }
    let (vp, run, clock) = (view.borrow().0, zoom::run_ticks(&p), p.clock);
    let window = vp.geometry(clock, run);
    let shown = (window.start.to_bits(), window.span.to_bits(), vp.zoom);
    let key = (p.epoch, p.history.cursor(), p.history.frontier(), p.history.trace.len(), shown, p.selection);
    // The diagram depends on the run (a new scenario or a fork is a new epoch: the seed alone
    // did not tell two scenarios with the same seed apart), the cursor's step (the world and the
    // past), how far the run is recorded, what part of it is shown and the selection.
    let data = {
        let playground = props.model.playground.clone();
        use_memo(key, move |_| spacetime::build_in(&playground.borrow(), vp))
    };
    let (g, height) = (data.geometry, data.height);
    let cursor = spacetime::cursor_x(&p, &g);
    let off = clock < g.start || clock > g.end();
    drop(p);
    // Sets the viewport from the current one and redraws.
    let set = {
        let (view, redraw) = (view.clone(), redraw.clone());
        move |f: fn(spacetime::Viewport, f64, f64) -> spacetime::Viewport| {
            let (view, redraw) = (view.clone(), redraw.clone());
            Callback::from(move |_: MouseEvent| {
                let v = view.borrow().0;
                view.borrow_mut().0 = f(v, clock, run);
                redraw.force_update();
            })
        }
    };
    let onwheel = {
        let (view, redraw) = (view.clone(), redraw.clone());
        Callback::from(move |e: WheelEvent| {
            let dx = if e.shift_key() { e.delta_y() } else { e.delta_x() };
            if dx.abs() <= e.delta_y().abs() && !e.shift_key() {
                return;
            }
            let mut v = view.borrow_mut();
            v.1 += dx;
            let steps = (v.1 / WHEEL_STEP).trunc();
            if steps != 0.0 {
                v.1 -= steps * WHEEL_STEP;
                v.0 = v.0.scroll(clock, run, steps);
                redraw.force_update();
            }
        })
    };
    let onclick = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(svg) = e.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
            // The stack has the diagram's size and shape, so its box maps to the view box.
            let rect = svg.get_bounding_client_rect();
            if rect.width() > 0.0 {
                let x = (e.client_x() as f64 - rect.left()) / rect.width() * WIDTH;
                dispatch.emit(UiAction::SeekTime(g.time_at(x)));
            }
        })
    };
    let onkeydown = {
        let (dispatch, now) = (props.dispatch.clone(), clock.round() as Tick);
        Callback::from(move |e: KeyboardEvent| {
            if let Some(t) = key_seek(&e.key(), now) {
                e.prevent_default();
                e.stop_propagation();
                dispatch.emit(UiAction::SeekTime(t));
            }
        })
    };
    // The overlay is drawn at the window's left edge and slid to the clock as a fraction of
    // its own width (a percentage transform), which the compositor applies without a repaint.
    let shift = format!("transform: translateX({}%)", fixed((cursor - LABEL_WIDTH) / WIDTH * 100.0, 3));
    let plot = WIDTH - LABEL_WIDTH;
    html! {
        <div class="spacetime-panel">
            <h2 id="spacetime-heading">{ "Space-time diagram" }</h2>
            <p class="panel-hint">{ "Time runs left to right. Click to jump there." }</p>
            <div class="st-tools" role="group" aria-label="Diagram view">
                <button id="st-zoom-out" class="btn small icon" aria-label="Zoom out" title="Zoom out: more of the run"
                    disabled={data.whole} onclick={set(|v, _, run| v.zoom_out(run))}>{ "\u{2212}" }</button>
                <button id="st-zoom-in" class="btn small icon" aria-label="Zoom in" title="Zoom in"
                    disabled={vp.zoom == 0} onclick={set(|v, _, run| v.zoom_in(run))}>{ "+" }</button>
                <span id="st-range">{ zoom::range_text(&g, data.whole, run) }</span>
                if data.earlier > 0 {
                    <button id="st-earlier" class="btn small" data-count={data.earlier.to_string()}
                        onclick={set(|v, clock, run| v.scroll(clock, run, -3.0))}>
                        { format!("Earlier: {} events, scroll back", data.earlier) }</button>
                }
                if vp.pinned.is_some() {
                    <button id="st-later" class="btn small" onclick={set(|v, clock, run| v.scroll(clock, run, 3.0))}>
                        { format!("Later: {} events", data.later) }</button>
                }
            </div>
            <div class="spacetime-scroll">
                <div class="spacetime-stack" {onclick} {onwheel}>
                    <svg id="spacetime" role="img" aria-labelledby="spacetime-title spacetime-desc" tabindex="0"
                        class={classes!((data.arrows.len() > DENSE_ARROWS).then_some("dense"))}
                        viewBox={format!("0 0 {} {}", shortest(WIDTH), f1(height))} {onkeydown}>
                        <title id="spacetime-title">{ data.summary.clone() }</title>
                        <desc id="spacetime-desc">
                            { "Click to seek to that time. With focus, arrow keys move the cursor by one tick, Page Up and Page Down by ten." }
                        </desc>
                        <Layer data={data.clone()} />
                    </svg>
                    <svg class="st-overlay" aria-hidden="true" viewBox={format!("0 0 {} {}", shortest(WIDTH), f1(height))}
                        style={if off { "display:none".to_string() } else { shift }}>
                        <rect class="st-future" x={f1(LABEL_WIDTH)} y={f1(TOP - 14.0)} width={f1(plot)} height={f1(height)} />
                        <line id="spacetime-cursor" data-x={f1(cursor)} x1={f1(LABEL_WIDTH)} x2={f1(LABEL_WIDTH)}
                            y1={f1(TOP - 14.0)} y2={f1(height)} />
                    </svg>
                    <svg id="spacetime-marks" class="st-overlay st-marks" aria-hidden="true"
                        viewBox={format!("0 0 {} {}", shortest(WIDTH), f1(height))}>
                        <g clip-path="url(#spacetime-window)">{ for data.chosen.iter().map(|m| chosen(m, &data)) }</g>
                    </svg>
                </div>
            </div>
        </div>
    }
}

/// Sideways scroll (in wheel units, about pixels) that moves the window by one step.
const WHEEL_STEP: f64 = 60.0;

/// A chosen value's marker across the lanes, and its label (see `zoom::place_labels`).
fn chosen(m: &Mark, d: &Data) -> Html {
    let bottom = TOP + d.lanes.len() as f64 * LANE_HEIGHT + 4.0;
    let class = classes!("st-chosen", m.violated.then_some("violated"), m.still.then_some("still"));
    let (x, anchor) = if m.left { (m.x - 3.0, "end") } else { (m.x + 3.0, "start") };
    html! {
        <g {class}>
            <line x1={f1(m.x)} x2={f1(m.x)} y1={f1(TOP - 2.0)} y2={f1(bottom)} />
            <text x={f1(x)} y={f1(m.y)} text-anchor={anchor}>{ m.label.clone() }</text>
        </g>
    }
}

/// Above this many arrows the diagram trades anti-aliasing for paint speed.
const DENSE_ARROWS: usize = 120;

#[derive(Properties)]
struct LayerProps {
    data: Rc<Data>,
}

impl PartialEq for LayerProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.data, &other.data) || self.data == other.data
    }
}

fn f1(x: f64) -> String {
    fixed(x, 1).to_string()
}

/// Everything but the cursor: axis, lanes, arrows and marks (cut at the window's
/// edges by `#spacetime-window`).
#[function_component(Layer)]
fn layer(props: &LayerProps) -> Html {
    let d = &props.data;
    let height = d.height;
    html! {
        <>
            <defs>
                <clipPath id="spacetime-window">
                    <rect x={f1(LABEL_WIDTH)} y="0" width={f1(WIDTH - LABEL_WIDTH)} height={f1(height)} />
                </clipPath>
            </defs>
            { axis(d) }
            <g class="st-lanes">{ for d.lanes.iter().map(lane) }</g>
            <g class="st-plot" clip-path="url(#spacetime-window)">
                <g class="st-arrows">{ for d.strokes.iter().map(stroke) }</g>
                { for d.arrows.iter().filter(|a| a.selected).map(selected_arrow) }
                if !d.drop_path.is_empty() {
                    <path class="st-drop" d={d.drop_path.clone()} />
                }
                { for d.learned.iter().map(|m| html! {
                    <circle class="st-learned" cx={f1(m.x)} cy={f1(m.y)} r="4"><title>{ m.label.clone() }</title></circle>
                }) }
            </g>
        </>
    }
}

/// Where an arrow key or Page key moves the cursor from the tick `now`.
fn key_seek(key: &str, now: Tick) -> Option<Tick> {
    match key {
        "ArrowLeft" => Some(now.saturating_sub(1)),
        "ArrowRight" => Some(now + 1),
        "PageUp" => Some(now.saturating_sub(10)),
        "PageDown" => Some(now + 10),
        _ => None,
    }
}

fn axis(d: &Data) -> Html {
    html! {
        <g class="st-axis" aria-hidden="true">
            <text class="st-axis-name" x="4" y={f1(TOP - 8.0)}>{ "time (ticks)" }</text>
            { for d.ticks.iter().map(|&(x, t)| html! {
                <g>
                    <line x1={f1(x)} x2={f1(x)} y1={f1(TOP - 2.0)} y2={f1(TOP + d.lanes.len() as f64 * LANE_HEIGHT)} />
                    <text x={f1(x)} y={f1(TOP - 8.0)}>{ t.to_string() }</text>
                </g>
            }) }
        </g>
    }
}

fn lane(l: &Lane) -> Html {
    let class = classes!(
        "lane",
        l.role,
        (!l.up).then_some("down"),
        l.selected.then_some("selected"),
        l.violating.then_some("violating")
    );
    html! {
        <g {class} data-lane={l.node.0.to_string()} data-role={l.role} data-up={l.up.to_string()}>
            <text class="st-label" x="4" y={f1(l.y + 4.0)}>{ l.label.clone() }</text>
            <line class="st-lane-line" x1={f1(LABEL_WIDTH)} x2={f1(WIDTH)} y1={f1(l.y)} y2={f1(l.y)} />
            { for l.down.iter().map(|&(x1, x2)| html! {
                <rect class="st-down" x={f1(x1)} y={f1(l.y - 7.0)} width={f1((x2 - x1).max(1.0))} height="14">
                    <title>{ format!("{} down", l.node) }</title>
                </rect>
            }) }
        </g>
    }
}

fn fate_class(f: Fate) -> &'static str {
    match f {
        Fate::InFlight => "in-flight",
        Fate::Delivered => "delivered",
        Fate::Dropped => "dropped",
    }
}

/// Every arrow of one look (kind, fate, duplicate) as one path and its heads as another,
/// keyed by the look so a step only re-sets the `d` of the looks it changed.
fn stroke(s: &Stroke) -> Html {
    let k = crate::view::tokens::kind_name(s.kind);
    let fate = fate_class(s.fate);
    let key = format!("{fate}-{k}{}", if s.twin { "-twin" } else { "" });
    let twins = if s.twin { " (duplicates)" } else { "" };
    let what = format!("{} {}{twins}: {}", s.kind.name(), fate.replace('-', " "), s.count);
    html! {
        <g {key}>
            <path class={classes!("arrow", format!("kind-{k}"), fate, s.twin.then_some("twin"))}
                data-kind={k} data-fate={fate} data-count={s.count.to_string()} d={s.d.clone()}>
                <title>{ what }</title>
            </path>
            if !s.heads.is_empty() {
                <path class={classes!("st-head", format!("kind-{k}"))} d={s.heads.clone()} />
            }
        </g>
    }
}

/// The selected message drawn again on top, highlighted and named.
fn selected_arrow(a: &Arrow) -> Html {
    let k = crate::view::tokens::kind_name(a.kind);
    let fate = fate_class(a.fate);
    html! {
        <line key={a.id.0} class={classes!("arrow", format!("kind-{k}"), fate, a.twin.then_some("twin"), "selected")}
            data-msg={a.id.0.to_string()} data-kind={k} x1={f1(a.x1)} y1={f1(a.y1)} x2={f1(a.x2)} y2={f1(a.y2)}>
            <title>{ a.label() }</title>
        </line>
    }
}
