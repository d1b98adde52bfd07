//! The Yew front end (wasm only): a thin layer that renders `view` data and sends `UiAction`s.

mod app;
mod bench;
mod config_form;
mod controls;
pub mod inspector;
pub mod log;
mod panic;
mod shortcuts;
mod stage;
pub mod safety;
pub mod spacetime;

pub use app::App;

/// Mounts the playground into the page's `#app` element (or the body) after installing the
/// panic hook, so a panic shows an error panel instead of a blank page.
pub fn start() {
    panic::install();
    let document = gloo::utils::document();
    match document.get_element_by_id("app") {
        Some(root) => {
            yew::Renderer::<App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<App>::new().render();
        }
    }
}
