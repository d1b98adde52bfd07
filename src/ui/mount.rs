//! The JS API: `mount(element, options)` renders a playground into a host page's own element,
//! with the same options as the embed query string, passed as a JS object (read field by field
//! here: serde-wasm-bindgen would bring serde's error texts, and core's float formatting with
//! them, into the page's wasm):
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
use crate::decimal::shortest;
use crate::view::embed::Options;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The options object. Every field is optional: `{}` mounts the default scenario, playing.
#[derive(Default)]
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
    /// Reads the fields of a JS object: a field that is missing, `undefined` or `null` is left
    /// out; any other value must have the field's type (a step: a whole number from 0 to 2^53).
    fn read(object: &JsValue) -> Result<Self, String> {
        if !object.is_object() || object.is_function() {
            return Err(format!("expected an object, not {}", describe(object)));
        }
        let field =
            |name: &str| js_sys::Reflect::get(object, &name.into()).ok().filter(|v| !v.is_undefined() && !v.is_null());
        let wrong = |name: &str, v: &JsValue, expected: &str| format!("{name}: {} is not {expected}", describe(v));
        let text =
            |name: &str| field(name).map(|v| v.as_string().ok_or_else(|| wrong(name, &v, "a string"))).transpose();
        let flag =
            |name: &str| field(name).map(|v| v.as_bool().ok_or_else(|| wrong(name, &v, "a boolean"))).transpose();
        let speed = field("speed").map(|v| v.as_f64().ok_or_else(|| wrong("speed", &v, "a number"))).transpose()?;
        let t = field("t")
            .map(|v| {
                v.as_f64()
                    .filter(|t| t.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER).contains(t))
                    .map(|t| t as u64)
                    .ok_or_else(|| wrong("t", &v, "a whole number from 0"))
            })
            .transpose()?;
        Ok(MountOptions {
            scenario: text("scenario")?,
            lesson: text("lesson")?,
            autoplay: flag("autoplay")?,
            controls: text("controls")?,
            theme: text("theme")?,
            speed,
            t,
            embed: flag("embed")?,
        })
    }

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
        pairs.extend(self.speed.map(|v| ("speed", shortest(v).to_string())));
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
        MountOptions::read(&options).map_err(|e| JsError::new(&format!("mount: bad options: {e}")))?
    };
    let options = parsed.into_options().map_err(|e| JsError::new(&e))?;
    yew::Renderer::<App>::with_root_and_props(element, AppProps { options: Some(Rc::new(options)) }).render();
    Ok(())
}

/// The options object as `Options`, or the `Error` to throw, as `mount` reads it: for the
/// Multi-Paxos mode's `mount_multi` (src/bin/multi.rs). Apart from `mount`, so that the page's
/// wasm (its first load) stays as it was; keep the two in step.
pub fn read_options(options: &JsValue) -> Result<Options, JsError> {
    let parsed: MountOptions = if options.is_undefined() || options.is_null() {
        MountOptions::default()
    } else {
        MountOptions::read(options).map_err(|e| JsError::new(&format!("mount: bad options: {e}")))?
    };
    parsed.into_options().map_err(|e| JsError::new(&e))
}

/// 2^53: the largest whole number a JS number holds with every smaller one.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_992.0;

/// A JS value in an error message, as JSON (cut at 60 characters).
fn describe(v: &JsValue) -> String {
    let text = js_sys::JSON::stringify(v).ok().and_then(|s| s.as_string()).unwrap_or_else(|| "a value".into());
    text.chars().take(60).collect()
}
