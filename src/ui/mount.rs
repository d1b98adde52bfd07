//! The JS API: `mount(element, options)` renders a playground into a host page's own element,
//! with the same options as the embed query string, passed as a JS object (read by
//! serde-wasm-bindgen):
//!
//! ```js
//! import init, { mount } from "./playground-….js";
//! await init();
//! mount(document.querySelector("#demo"), { lesson: "happy-path", controls: "minimal", autoplay: false });
//! ```
//!
//! Unknown keys are ignored; a bad value is refused with a thrown `Error` naming it, before
//! anything is rendered. Each call renders an independent playground (its own run).

use super::app::{App, AppProps};
use crate::view::embed::Options;
use serde::Deserialize;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The options object. Every field is optional: `{}` mounts the default scenario, playing.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MountOptions {
    scenario: Option<String>,
    lesson: Option<String>,
    autoplay: Option<bool>,
    controls: Option<String>,
    theme: Option<String>,
    speed: Option<f64>,
    /// The step to open at.
    t: Option<u64>,
    /// Minimal chrome (default) or the whole page (`false`).
    embed: Option<bool>,
}

impl MountOptions {
    /// The same options as query pairs, so the checks are the embed query string's.
    fn into_options(self) -> Result<Options, String> {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        let flag = |b: bool| if b { "1" } else { "0" }.to_string();
        pairs.push(("embed", flag(self.embed.unwrap_or(true))));
        pairs.extend(self.scenario.map(|v| ("scenario", v)));
        pairs.extend(self.lesson.map(|v| ("lesson", v)));
        pairs.extend(self.autoplay.map(|v| ("autoplay", flag(v))));
        pairs.extend(self.controls.map(|v| ("controls", v)));
        pairs.extend(self.theme.map(|v| ("theme", v)));
        pairs.extend(self.speed.map(|v| ("speed", v.to_string())));
        pairs.extend(self.t.map(|v| ("t", v.to_string())));
        let mut options = Options::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
        if let Some(w) = options.warnings.first() {
            return Err(format!("mount: {w}"));
        }
        options.mounted = true;
        Ok(options)
    }
}

/// Renders a playground into `element`. Throws when the options are not an object of the
/// documented shape or hold a bad value; a bad scenario or lesson is shown in the playground's
/// error banner (with the default scenario), as for a link.
#[wasm_bindgen]
pub fn mount(element: web_sys::Element, options: JsValue) -> Result<(), JsError> {
    let parsed: MountOptions = if options.is_undefined() || options.is_null() {
        MountOptions::default()
    } else {
        serde_wasm_bindgen::from_value(options).map_err(|e| JsError::new(&format!("mount: bad options: {e}")))?
    };
    let options = parsed.into_options().map_err(|e| JsError::new(&e))?;
    yew::Renderer::<App>::with_root_and_props(element, AppProps { options: Some(Rc::new(options)) }).render();
    Ok(())
}
