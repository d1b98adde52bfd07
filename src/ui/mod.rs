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
pub mod multi;
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
/// panic hook, so a panic shows an error panel instead of a blank page; or, when the address asks
/// for the Multi-Paxos mode (`#mode=multi`), loads that.
pub fn start() {
    panic::install();
    let document = gloo::utils::document();
    // A page without `#app` mounts playgrounds itself, where it wants, with `mount()`.
    if let Some(root) = document.get_element_by_id("app") {
        if url::is_multi(&url::fragment()) {
            return open_multi();
        }
        yew::Renderer::<App>::with_root(root).render();
    }
}

/// Opens the Multi-Paxos mode instead of the single-decree app: its own wasm (the `multi`
/// binary, `ui::multi`), fetched now by www/multi-boot.js, which shows index.html's load-error
/// panel if it cannot.
fn open_multi() {
    let document = gloo::utils::document();
    if let (Ok(script), Some(body)) = (document.create_element("script"), document.body()) {
        script.set_attribute("src", &tools::beside_wasm("multi-boot.js")).ok();
        body.append_child(&script).ok();
    }
}
