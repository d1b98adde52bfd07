//! The controls around the stage: time (this file), clients, faults and network, the selection's
//! action bar, the legend, and the status lines (chosen value, banners, live region, about).

pub mod clients;
pub mod faults;
pub mod legend;
pub mod selection;
pub mod status;

use super::model::{on_click, PanelProps};
use crate::decimal::fixed;
use crate::view::state::{SPEED_MAX, SPEED_MIN};
use crate::view::UiAction;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The value of the input an event came from.
pub fn input_value<E: AsRef<web_sys::Event>>(e: &E) -> String {
    let e: &web_sys::Event = e.as_ref();
    e.target_dyn_into::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default()
}

/// The speed slider runs over log10(speed) in hundredths, so 1x sits in the middle.
fn speed_to_slider(speed: f64) -> i32 {
    (speed.log10() * 100.0).round() as i32
}

fn slider_to_speed(v: &str) -> Option<f64> {
    let v = crate::decimal::parse_decimal(v)?;
    Some(10f64.powf(v / 100.0).clamp(SPEED_MIN, SPEED_MAX))
}

/// A plain function, not a component: it takes the per-frame model, so it re-renders with the
/// page on every frame anyway, and a component would only add its machinery to the wasm.
pub fn time_controls(props: &PanelProps) -> Html {
    let p = props.model.playground.borrow();
    let (cursor, frontier, playing, speed) = (p.history.cursor(), p.history.frontier(), p.playing, p.speed);
    let d = props.dispatch.clone();
    let play = on_click(&d, UiAction::TogglePlay);
    let back = on_click(&d, UiAction::StepBack);
    let forward = on_click(&d, UiAction::StepForward);
    let scrub = {
        let d = d.clone();
        Callback::from(move |e: InputEvent| {
            if let Ok(step) = input_value(&e).parse::<u64>() {
                d.emit(UiAction::Pause);
                d.emit(UiAction::Seek(step));
            }
        })
    };
    let set_speed = d.reform(move |e: InputEvent| UiAction::SetSpeed(slider_to_speed(&input_value(&e)).unwrap_or(1.0)));
    let clock = format!("step {cursor} · t={}", p.clock.floor() as u64);
    html! {
        <section class="time-controls" aria-label="Time controls">
            <div class="buttons">
                <button id="step-back" class="btn icon" onclick={back} aria-label="Step back" title="Step back (←)"
                    disabled={cursor == 0}>{ icon("M6 5h2.5v14H6zM19 5v14L9 12z") }</button>
                <button id="play" class={classes!("btn", "primary", playing.then_some("playing"))} onclick={play}
                    aria-pressed={playing.to_string()} title="Play or pause (Space)">
                    if playing { { icon("M6 5h4v14H6zM14 5h4v14h-4z") }{ "Pause" } } else { { icon("M7 5v14l12-7z") }{ "Play" } }
                </button>
                <button id="step-forward" class="btn icon" onclick={forward} aria-label="Step forward"
                    title="Step forward (→)">{ icon("M15.5 5H18v14h-2.5zM5 5v14l10-7z") }</button>
            </div>
            <label class="scrub">
                <span class="sr-only">{ "Recorded history" }</span>
                <input id="scrubber" type="range" min="0" max={frontier.to_string()} step="1"
                    value={cursor.to_string()} oninput={scrub}
                    aria-valuetext={format!("step {cursor} of {frontier}")} />
            </label>
            <output id="clock" aria-live="off">{ clock }</output>
            <label class="speed">
                <span>{ "Speed" }</span>
                <input id="speed" type="range" min="-100" max="100" step="1"
                    value={speed_to_slider(speed).to_string()} oninput={set_speed}
                    aria-valuetext={format!("{} times", fixed(speed, 1))} />
                <output class="speed-value">{ format!("{}×", fixed(speed, 1)) }</output>
            </label>
            { status::run_status(&p) }
        </section>
    }
}

/// A 24x24 icon drawn from one path (glyphs like ⏮ are missing from many fonts).
pub fn icon(d: &'static str) -> Html {
    html! { <svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false"><path {d} /></svg> }
}
