//! The page's one dialog system: every dialog (configuration, share, lessons, embed, check,
//! shortcuts) is a `Modal`, opened and closed through `model::Chrome` (one open at a time).
//!
//! A `Modal` is a `role="dialog"` section with `aria-modal="true"`, labelled by its heading, over a
//! backdrop. While it is open it owns the keyboard: focus moves to its Close button, Tab and
//! Shift+Tab cycle through its controls (also when focus had fallen out of it, e.g. after a click
//! on its text), Escape closes it, and so does a click on the backdrop. When it closes, focus
//! returns to what had it before (the button that opened it), or to `opener` when that was
//! nothing (a keyboard shortcut pressed on the page's body).

use super::model::on_click_unit;
use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};
use yew::prelude::*;

/// What Tab may land on inside a dialog.
const FOCUSABLE: &str = "button:not([disabled]), a[href], input:not([disabled]), select:not([disabled]), \
                         textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

#[derive(Properties, PartialEq)]
pub struct ModalProps {
    /// The section's id; its heading is `{id}-title`.
    pub id: &'static str,
    pub title: AttrValue,
    pub close: Callback<()>,
    /// The element id of the button that opens this dialog: where focus returns when nothing
    /// had focus before it opened.
    #[prop_or_default]
    pub opener: Option<&'static str>,
    /// Extra classes for the section (its width, its content's styles).
    #[prop_or_default]
    pub class: Classes,
    #[prop_or_default]
    pub children: Html,
}

#[function_component(Modal)]
pub fn modal(props: &ModalProps) -> Html {
    let (section, close_button) = (use_node_ref(), use_node_ref());
    // The listener lives as long as the dialog; it reads the latest close callback from here.
    let close = use_mut_ref(|| props.close.clone());
    *close.borrow_mut() = props.close.clone();
    {
        let (section, close_button, opener) = (section.clone(), close_button.clone(), props.opener);
        use_effect_with((), move |_| {
            let previous = gloo::utils::document().active_element();
            if let Some(el) = close_button.cast::<HtmlElement>() {
                el.focus().ok();
            }
            let options = EventListenerOptions::enable_prevent_default();
            let listener = EventListener::new_with_options(&gloo::utils::document(), "keydown", options, move |e| {
                let Some(e) = e.dyn_ref::<KeyboardEvent>() else { return };
                match e.key().as_str() {
                    "Escape" => {
                        e.prevent_default();
                        let close = close.borrow().clone();
                        close.emit(());
                    }
                    "Tab" => keep_tab_inside(e, &section),
                    _ => {}
                }
            });
            move || {
                drop(listener);
                return_focus(previous, opener);
            }
        });
    }
    let backdrop_ref = use_node_ref();
    let backdrop = {
        let (close, backdrop_ref) = (props.close.clone(), backdrop_ref.clone());
        Callback::from(move |e: MouseEvent| {
            // Only a click on the backdrop itself, not one that bubbled up from the dialog.
            if e.target_dyn_into::<Element>().is_some_and(|t| backdrop_ref.get().as_ref() == Some(t.as_ref())) {
                close.emit(());
            }
        })
    };
    let title_id = format!("{}-title", props.id);
    html! {
        <div ref={backdrop_ref} class="dialog-backdrop" onclick={backdrop}>
            <section ref={section} id={props.id} class={classes!("dialog", props.class.clone())} role="dialog"
                aria-modal="true" aria-labelledby={title_id.clone()}>
                <div class="dialog-head">
                    <h2 id={title_id}>{ props.title.clone() }</h2>
                    <button ref={close_button} class="btn small subtle dialog-close"
                        onclick={on_click_unit(&props.close)}>{ "Close" }</button>
                </div>
                { props.children.clone() }
            </section>
        </div>
    }
}

/// Tab past the last control wraps to the first, Shift+Tab before the first to the last, and
/// Tab from anywhere outside the dialog goes into it.
fn keep_tab_inside(e: &KeyboardEvent, section: &NodeRef) {
    let Some(section) = section.cast::<Element>() else { return };
    let Ok(list) = section.query_selector_all(FOCUSABLE) else { return };
    let (Some(first), Some(last)) = (list.item(0), list.item(list.length().saturating_sub(1))) else { return };
    let active: Option<web_sys::Node> = gloo::utils::document().active_element().map(Into::into);
    let inside = active.as_ref().is_some_and(|a| section.contains(Some(a)));
    let target = match (inside, e.shift_key()) {
        (false, false) => first,
        (false, true) => last,
        (true, true) if active.as_ref() == Some(&first) => last,
        (true, false) if active.as_ref() == Some(&last) => first,
        _ => return,
    };
    if let Ok(el) = target.dyn_into::<HtmlElement>() {
        e.prevent_default();
        el.focus().ok();
    }
}

/// Gives focus back to what had it before the dialog opened, if that is still on the page and
/// was not the body; otherwise to the dialog's opener.
fn return_focus(previous: Option<Element>, opener: Option<&'static str>) {
    let document = gloo::utils::document();
    let body: Option<Element> = document.body().map(Into::into);
    let previous = previous.filter(|p| Some(p) != body.as_ref() && p.is_connected());
    let target = previous.or_else(|| opener.and_then(|id| document.get_element_by_id(id)));
    if let Some(el) = target.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        el.focus().ok();
    }
}
