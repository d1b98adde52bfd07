//! Status lines: the chosen value, the error and notice banners with the configuration's
//! warnings, the live region that announces chosen values and violations, and "about this run"
//! with the trace hash.

use crate::ui::model::{on_click, PanelProps};
use crate::view::safety::chosen_status;
use crate::view::{status::status_line, Playground, UiAction};
use yew::prelude::*;

// `chosen`, `banners` and `announcer` are plain functions, not components: each is a few
// elements, cheaper to rebuild with the page than a component's machinery is in the wasm.

/// The chosen value, or in red that agreement is violated when two were chosen (`view::safety`).
pub fn chosen(props: &PanelProps) -> Html {
    let p = props.model.playground.borrow();
    let status = chosen_status(p.history.world());
    let class = match status.state {
        "chosen" => Some("yes"),
        "violated" => Some("violated"),
        _ => None,
    };
    html! {
        <p id="chosen" class={classes!("chosen", class)} data-state={status.state}>{ status.text }</p>
    }
}

pub fn banners(props: &PanelProps) -> Html {
    let p = props.model.playground.borrow();
    let warnings = p.scenario.config.warnings();
    let dismiss_error = on_click(&props.dispatch, UiAction::DismissError);
    let dismiss_notice = on_click(&props.dispatch, UiAction::DismissNotice);
    html! {
        <div class="banners">
            if let Some(e) = &p.error {
                <div id="error-banner" class="banner error" role="alert">
                    <span>{ e }</span>
                    <button class="btn small" onclick={dismiss_error} aria-label="Dismiss the error">{ "Dismiss" }</button>
                </div>
            }
            if let Some(n) = &p.notice {
                <div id="notice" class="banner notice" role="status">
                    <span>{ n }</span>
                    <button class="btn small" onclick={dismiss_notice} aria-label="Dismiss the notice">{ "Dismiss" }</button>
                </div>
            }
            { for warnings.iter().map(|w| html! { <div class="banner warning">{ w }</div> }) }
        </div>
    }
}

/// The live region: says when a value is chosen and when a safety property breaks. It holds one
/// sentence derived from the state, so it speaks when that sentence changes.
pub fn announcer(props: &PanelProps) -> Html {
    let p = props.model.playground.borrow();
    let world = p.history.world();
    let text = match (world.system.violations.last(), world.chosen()) {
        (Some(v), _) => {
            format!("Safety violation: {}. {}", v.invariant.single_decree_name().unwrap_or_default(), v.detail)
        }
        (None, Some(value)) => format!("Value \"{value}\" is chosen."),
        (None, None) => String::new(),
    };
    html! { <div id="announcer" class="sr-only" aria-live="polite" aria-atomic="true">{ text }</div> }
}

/// Why the run stopped by itself (a violation, a caption, the end, an open dialog), as a visible
/// status line that screen readers announce (`view::status`). Empty, it takes no room.
pub fn run_status(p: &Playground) -> Html {
    let line = status_line(p);
    let state = match p.stopped {
        Some(crate::view::status::Stopped::Violation { .. }) => "violation",
        Some(_) => "paused",
        None => "none",
    };
    html! { <p id="run-status" class="run-status" role="status" data-state={state}>{ line.unwrap_or_default() }</p> }
}

/// Hashing a long trace on every step while it grows would cost more than the frame: past
/// `HASH_EXACT_EVENTS` events, while playing, the shown hash is refreshed every
/// `HASH_REFRESH_STEPS` steps (and exactly whenever the run pauses or ends).
const HASH_REFRESH_STEPS: u64 = 500;
const HASH_EXACT_EVENTS: usize = 5_000;

#[function_component(About)]
pub fn about(props: &PanelProps) -> Html {
    let p = props.model.playground.borrow();
    let cache = use_mut_ref(|| (u64::MAX, 0u64, 0u64));
    let frontier = p.history.frontier();
    let (epoch, at, hash) = *cache.borrow();
    let stale = epoch != p.epoch || at != frontier;
    let exact = !p.playing || p.history.trace.len() <= HASH_EXACT_EVENTS || epoch != p.epoch;
    let hash = if stale && (exact || frontier.abs_diff(at) >= HASH_REFRESH_STEPS) {
        let h = p.history.trace_hash();
        *cache.borrow_mut() = (p.epoch, frontier, h);
        h
    } else {
        hash
    };
    let s = &p.scenario;
    html! {
        <footer class="about" aria-label="About this run">
            <span>{ format!("{} · seed {} · {} steps recorded · trace ", s.title, s.seed, frontier) }</span>
            <code id="trace-hash" title="xxh3 hash of the recorded trace">{ format!("{hash:016x}") }</code>
        </footer>
    }
}
