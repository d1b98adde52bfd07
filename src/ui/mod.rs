//! The Yew front end (wasm only): a thin layer that renders `view` data and sends `UiAction`s.

mod app;
mod bench;
mod check;
mod clipboard;
mod config_form;
mod controls;
mod dialog;
mod embed;
mod help;
pub mod inspector;
mod lessons;
pub mod log;
mod model;
pub mod mount;
mod panic;
pub mod safety;
mod share;
mod shortcuts;
pub mod spacetime;
mod stage;
mod tools;
mod url;

pub use app::App;

/// The message of an error the browser threw (a string, or an object with a `message`).
pub(crate) fn js_text(e: wasm_bindgen::JsValue) -> String {
    e.as_string()
        .or_else(|| js_sys::Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string()))
        .unwrap_or_else(|| "unknown browser error".into())
}

/// Mounts the playground into the page's `#app` element (if it has one) after installing the
/// panic hook, so a panic shows an error panel instead of a blank page.
pub fn start() {
    panic::install();
    let document = gloo::utils::document();
    // A page without `#app` mounts playgrounds itself, where it wants, with `mount()`.
    if let Some(root) = document.get_element_by_id("app") {
        yew::Renderer::<App>::with_root(root).render();
    }
}
