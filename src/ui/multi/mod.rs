//! The Multi-Paxos mode's page (`#mode=multi`): the `multi` binary's own wasm, which the page
//! fetches when the mode opens (`ui::open_multi`), so none of it is in the page's first load.
//! Thin components over `view::multi`'s frame.

use super::model::initial_theme;
use gloo::events::EventListener;
use yew::prelude::*;

/// Mounts the Multi-Paxos app into `#app` (the single-decree app is not there: `ui::start` did
/// not mount it, or `ui::open_multi` took it down).
pub fn start() {
    super::panic::install();
    if let Some(root) = gloo::utils::document().get_element_by_id("app") {
        yew::Renderer::<MultiApp>::with_root(root).render();
    }
}

/// The address of the single-decree page: this one without the fragment (a full load).
fn single_decree_address() -> String {
    let location = gloo::utils::window().location();
    format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default())
}

/// Leaving the mode by the address (Back, or a single-decree link pasted in) loads the page
/// afresh, which opens what the address says.
#[hook]
fn use_leave_on_fragment_change() {
    use_effect_with((), |_| {
        let listener = EventListener::new(&gloo::utils::window(), "hashchange", |_| {
            if !super::url::is_multi(&super::url::fragment()) {
                gloo::utils::window().location().reload().ok();
            }
        });
        move || drop(listener)
    });
}

#[function_component(MultiApp)]
fn multi_app() -> Html {
    let theme = use_state(initial_theme);
    use_effect_with(*theme, |theme| {
        if let Some(root) = gloo::utils::document().document_element() {
            root.set_attribute("data-theme", theme.name()).ok();
        }
    });
    use_leave_on_fragment_change();
    html! {
        <main id="multi" class="multi">
            <header class="topbar">
                <div class="brand">
                    <h1>{ "Paxos Playground" }</h1>
                    <p class="scenario-title">{ "Multi-Paxos · key-value store" }</p>
                </div>
                <nav class="topbar-actions" aria-label="Page">
                    <a id="open-single" class="btn" href={single_decree_address()}
                        title="Back to single-decree Paxos: one value, chosen once">{ "Single-decree Paxos" }</a>
                </nav>
            </header>
        </main>
    }
}
