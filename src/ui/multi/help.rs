//! The Multi-Paxos page's keys and its help: the shortcuts (`view::multi::keys::SHORTCUTS`,
//! the one table both the handler and the help read), the arrows and Enter in the log's cells,
//! and the help dialog that lists them, opened by the header's "?" button or the `?` key.

use super::Model;
use crate::ui::dialog::Modal;
pub use crate::view::multi::keys::KeyCommand;
use crate::view::multi::keys::{cell_move, command_for, key_action, FOCUS_KEYS, SHORTCUTS};
use crate::view::multi::MultiAction;
use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};
use yew::prelude::*;

/// Whether a key belongs to the focused control rather than to the page: typing in a field,
/// arrows on a slider, Space on a button or link.
fn owned_by_target(el: &Element, command: KeyCommand) -> bool {
    let tag = el.tag_name().to_ascii_lowercase();
    let kind = el.get_attribute("type").unwrap_or_default();
    let stage_item = el.has_attribute("data-node") || el.has_attribute("data-msg") || el.has_attribute("data-client");
    match tag.as_str() {
        "textarea" | "select" => command != KeyCommand::Close,
        "input" if kind == "range" => {
            matches!(command, KeyCommand::StepForward | KeyCommand::StepBack | KeyCommand::Start | KeyCommand::End)
        }
        "input" => command != KeyCommand::Close,
        "button" | "a" | "summary" => command == KeyCommand::TogglePlay,
        _ => stage_item && command == KeyCommand::TogglePlay,
    }
}

/// Arrows, Home, End, Enter and Space on a log cell: move along the strip (or to the strip
/// above or below), or open the slot's history in the inspector. Returns whether it did.
fn on_log_cell(cell: &Element, e: &KeyboardEvent) -> bool {
    let Some(slot) = cell.get_attribute("data-slot").and_then(|s| s.parse::<u64>().ok()) else { return false };
    if matches!(e.key().as_str(), "Enter" | " ") {
        if let Some(el) = cell.dyn_ref::<HtmlElement>() {
            el.click();
        }
        return true;
    }
    let Some(row) = cell.parent_element() else { return false };
    let cells = row.query_selector_all(".m-cell[data-slot]").ok();
    let slot_of = |i: u32| {
        cells
            .as_ref()
            .and_then(|c| c.item(i))
            .and_then(|n| n.dyn_into::<Element>().ok())?
            .get_attribute("data-slot")?
            .parse()
            .ok()
    };
    let count = cells.as_ref().map_or(0, |c| c.length());
    let (Some(first), Some(last)) = (slot_of(0), slot_of(count.saturating_sub(1))) else { return false };
    let Some((to, rows)) = cell_move(&e.key(), slot, first, last) else { return false };
    let target_row = match rows {
        -1 => row.previous_element_sibling().filter(|r| r.has_attribute("data-replica")),
        1 => row.next_element_sibling(),
        _ => Some(row),
    };
    let target = target_row.and_then(|r| r.query_selector(&format!(".m-cell[data-slot=\"{to}\"]")).ok().flatten());
    if let Some(el) = target.and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
        el.focus().ok();
    }
    true
}

/// Listens for the shortcuts on the document while the page is mounted; not while a dialog is
/// open (it owns the keyboard: `ui::dialog`), nor for keys the focused control uses.
#[hook]
pub fn use_keys(model: Model, dispatch: Callback<MultiAction>, page: Callback<KeyCommand>) {
    let playground = model.playground.clone();
    // The listener lives as long as the page; it reads the latest page callback from here (its
    // state handles are this render's).
    let latest = use_mut_ref(|| page.clone());
    *latest.borrow_mut() = page;
    use_effect_with((), move |_| {
        let options = EventListenerOptions::enable_prevent_default();
        let listener = EventListener::new_with_options(&gloo::utils::document(), "keydown", options, move |e| {
            let Some(e) = e.dyn_ref::<KeyboardEvent>() else { return };
            if e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let document = gloo::utils::document();
            if document.query_selector("[aria-modal=\"true\"]").ok().flatten().is_some() {
                return;
            }
            let target = e.target().and_then(|t| t.dyn_into::<Element>().ok());
            if let Some(cell) = target.as_ref().filter(|t| t.matches(".m-cell[data-slot]").unwrap_or(false)) {
                if on_log_cell(cell, e) {
                    e.prevent_default();
                    return;
                }
            }
            let Some(command) = command_for(&e.key()) else { return };
            if target.as_ref().is_some_and(|t| owned_by_target(t, command)) {
                return;
            }
            e.prevent_default();
            // The page's part (theme, help, presentation mode), then the run's.
            let page = latest.borrow().clone();
            page.emit(command);
            let action = playground.try_borrow().ok().and_then(|p| key_action(&p, command));
            if let Some(a) = action {
                dispatch.emit(a);
            }
        });
        move || drop(listener)
    });
}

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub close: Callback<()>,
}

/// The keyboard shortcuts of this mode, from the table the keys run from.
#[function_component(HelpDialog)]
pub fn help_dialog(props: &HelpProps) -> Html {
    let caps = |shown: &str| html! { <>{ for shown.split(' ').map(|k| html! { <kbd>{ k }</kbd> }) }</> };
    html! {
        <Modal id="mhelp-dialog" title="Keyboard shortcuts" close={props.close.clone()} opener="mhelp" class="help-dialog">
            <p>{ "Everything on this page works from the keyboard. These keys act on the run from anywhere but a text field:" }</p>
            <table class="shortcuts" id="mshortcuts">
                <tbody>
                    { for SHORTCUTS.iter().map(|&(_, shown, _, what)| html! {
                        <tr><th scope="row">{ caps(shown) }</th><td>{ what }</td></tr> }) }
                </tbody>
            </table>
            <h3>{ "On what has focus" }</h3>
            <table class="shortcuts" id="mfocus-keys">
                <tbody>
                    { for FOCUS_KEYS.iter().map(|&(shown, what)| html! {
                        <tr><th scope="row">{ caps(shown) }</th><td>{ what }</td></tr> }) }
                </tbody>
            </table>
        </Modal>
    }
}
