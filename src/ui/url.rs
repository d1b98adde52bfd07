//! The page's address: what it opens with and how it follows later changes.
//!
//! - The fragment `#s=PAYLOAD` opens a shared scenario, `#lesson=SLUG` a lesson (the decoding,
//!   limits and messages live in `scenario::link`). A bad link opens the default scenario and
//!   says why in `#error-banner`.
//! - The query string carries the embed options (`view::embed::Options`); `scenario=` and
//!   `lesson=` there take the place of a fragment, because an iframe's `src` is easier to write
//!   with them.
//! - Writing a share link into the address uses `history.replaceState`, which (unlike setting
//!   `location.hash`) fires no `hashchange`, so the run in progress is not reloaded.

use crate::scenario::link::{self, Opened};
use crate::scenario::Scenario;
use crate::view::embed::Options;
use crate::view::state::default_scenario;
use crate::view::{Playground, UiAction};
use gloo::events::EventListener;
use yew::prelude::*;

/// The options in the query string; each ignored option is explained on the console.
pub fn options() -> Options {
    let search = gloo::utils::window().location().search().unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else { return Options::default() };
    let pairs: Vec<(String, String)> = js_sys::try_iter(&params)
        .ok()
        .flatten()
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let pair = js_sys::Array::from(&entry.ok()?);
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect();
    let options = Options::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    for w in &options.warnings {
        gloo::console::warn!(format!("Paxos Playground: {w}"));
    }
    options
}

/// The fragment of the address, without `#`.
pub fn fragment() -> String {
    let hash = gloo::utils::window().location().hash().unwrap_or_default();
    hash.strip_prefix('#').unwrap_or(&hash).to_string()
}

/// Whether `fragment` (without `#`) opens the Multi-Paxos mode: `mode=multi`, alone or with
/// more (`mode=multi&m=...`, read by `ui::multi`).
pub fn is_multi(fragment: &str) -> bool {
    fragment.strip_prefix("mode=multi").is_some_and(|rest| rest.is_empty() || rest.starts_with('&'))
}

/// What the address asks to open: the query's scenario or lesson, else the fragment's.
pub fn opened(options: &Options) -> Opened {
    let own = || if options.mounted { String::new() } else { fragment() };
    let text = options.fragment().unwrap_or_else(own);
    link::open(&text, &default_scenario())
}

/// The sentence for `#error-banner` when a link could not be opened.
pub fn error_message(opened: &Opened) -> Option<String> {
    let e = opened.error.as_ref()?;
    let mut message = e.message();
    if let Some(first) = message.get(..1) {
        message.replace_range(..1, &first.to_ascii_uppercase());
    }
    Some(format!("{message}. The default scenario is open instead."))
}

/// The playground the page starts with: the opened scenario at its moment, with the options
/// applied. A narrated scenario (a lesson) or a shared moment opens paused, so the person sees
/// what was shared; anything else plays, unless `autoplay` says otherwise or the visitor prefers
/// reduced motion (`Options::plays_at_start`).
pub fn initial_playground(options: &Options) -> Playground {
    let opened = opened(options);
    let paused_by_default = !opened.scenario.captions.is_empty() || opened.scenario.cursor.is_some();
    let error = error_message(&opened);
    let mut p = Playground::new(opened.scenario);
    p.error = error;
    if let Some(speed) = options.speed {
        p.reduce(UiAction::SetSpeed(speed));
    }
    if let Some(step) = options.start_step {
        p.reduce(UiAction::Seek(step));
    }
    if options.plays_at_start(paused_by_default, super::model::reduced_motion()) {
        p.reduce(UiAction::Play);
    }
    p
}

/// The scenario that reproduces the run on screen, as a link carries it: the authored scenario
/// with the schedule as recorded (so everything done by hand is in it) and the cursor where the
/// person is.
pub fn scenario_now(p: &Playground) -> Scenario {
    Scenario { schedule: p.history.schedule.entries(), cursor: Some(p.history.cursor()), ..p.scenario.clone() }
}

/// Puts `fragment` (without `#`) in the address without reloading anything.
pub fn set_fragment(fragment: &str) {
    let window = gloo::utils::window();
    let Ok(history) = window.history() else { return };
    let location = window.location();
    let base = format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("{base}#{fragment}"))).ok();
}

/// This page's whole address with `fragment` (without `#`), for a link within the page: a click
/// on it is a fragment change (no reload), and it is not taken for a skip link to an element
/// id, as `#fragment` or `/#fragment` would be.
pub fn here(fragment: &str) -> String {
    let location = gloo::utils::window().location();
    let (origin, path) = (location.origin().unwrap_or_default(), location.pathname().unwrap_or_default());
    format!("{origin}{path}{}#{fragment}", location.search().unwrap_or_default())
}

/// The address of this page opening `fragment`, for links and iframe snippets.
pub fn page_address(fragment: &str) -> String {
    let location = gloo::utils::window().location();
    let origin = location.origin().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    format!("{origin}{path}#{fragment}")
}

/// Follows the fragment after the page has started: a link pasted into the address bar, a
/// lesson chosen in the library (plain `<a href="#lesson=...">`), Back and Forward.
/// Off for a playground mounted by the JS API: the address belongs to the host page.
#[hook]
pub fn use_fragment_loading(dispatch: Callback<UiAction>, enabled: bool) {
    use_effect_with(enabled, move |&enabled| {
        let listener = enabled.then(|| {
            EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                let fragment = fragment();
                // The Multi-Paxos mode (the header's switch): the page starts afresh in it
                // (`ui::start`), with nothing of the single-decree app left running.
                if is_multi(&fragment) {
                    gloo::utils::window().location().reload().ok();
                    return;
                }
                let opened = link::open(&fragment, &default_scenario());
                let error = error_message(&opened);
                dispatch.emit(UiAction::Load(Box::new(opened.scenario)));
                if let Some(e) = error {
                    dispatch.emit(UiAction::ShowError(e));
                }
            })
        });
        move || drop(listener)
    });
}
