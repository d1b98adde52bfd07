//! Keyboard shortcuts: one table (`SHORTCUTS`) that both the key handler and the `?` dialog
//! read, so the dialog lists exactly what the keys do.

use super::model::{on_click_unit, ChromeAction, Dialog};
use crate::sim::Action;
use crate::view::{Playground, Selection, UiAction};
use gloo::events::{EventListener, EventListenerOptions};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};
use yew::prelude::*;

/// What a key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    TogglePlay,
    StepForward,
    StepBack,
    Start,
    End,
    CrashSelected,
    DropSelected,
    Theme,
    Check,
    Help,
    Close,
}

/// Every shortcut: keys as `KeyboardEvent.key` gives them, the command, and its description.
pub const SHORTCUTS: &[(&[&str], &str, Command, &str)] = &[
    (&[" "], "Space", Command::TogglePlay, "Play or pause"),
    (&["ArrowRight"], "→", Command::StepForward, "Step forward one event"),
    (&["ArrowLeft"], "←", Command::StepBack, "Step back one event"),
    (&["Home"], "Home", Command::Start, "Go to the start of the run"),
    (&["End"], "End", Command::End, "Go to the end of the recorded run"),
    (&["c", "C"], "c", Command::CrashSelected, "Crash or recover the selected node"),
    (&["d", "D"], "d", Command::DropSelected, "Drop the selected message"),
    (&["t", "T"], "t", Command::Theme, "Switch between light and dark theme"),
    (&["m", "M"], "m", Command::Check, "Open the model checker (check every interleaving)"),
    (&["?"], "?", Command::Help, "Show this list of shortcuts"),
    (&["Escape"], "Esc", Command::Close, "Close a dialog, or clear the selection"),
];

pub fn command_for(key: &str) -> Option<Command> {
    SHORTCUTS.iter().find(|(keys, ..)| keys.contains(&key)).map(|&(_, _, c, _)| c)
}

/// Whether a key event belongs to the focused control rather than to the page: typing in a
/// field, arrows on a slider or a select, Space/Enter on a button.
fn owned_by_target(e: &KeyboardEvent, command: Command) -> bool {
    let Some(el) = e.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) else { return false };
    let tag = el.tag_name().to_ascii_lowercase();
    let kind = el.get_attribute("type").unwrap_or_default();
    match tag.as_str() {
        "textarea" | "select" => command != Command::Close,
        "input" if kind == "range" => {
            matches!(command, Command::StepForward | Command::StepBack | Command::Start | Command::End)
        }
        "input" => command != Command::Close,
        "button" | "summary" | "a" => command == Command::TogglePlay,
        _ => false,
    }
}

/// Whether a modal dialog this hook does not manage (share, embed, lessons) is open: while it
/// is, keys belong to it (it handles Escape itself), and the run must not step behind it.
fn other_modal_open() -> bool {
    gloo::utils::document().query_selector("[aria-modal='true']").ok().flatten().is_some()
}

/// Turns a command into actions. Takes the selection and frontier by value: emitting runs the
/// reducer at once, which borrows the playground mutably, so no borrow may be held here.
fn run(
    command: Command,
    selection: Selection,
    frontier: u64,
    dispatch: &Callback<UiAction>,
    chrome: &Callback<ChromeAction>,
) {
    let emit = |a: UiAction| dispatch.emit(a);
    match command {
        Command::TogglePlay => emit(UiAction::TogglePlay),
        Command::StepForward => emit(UiAction::StepForward),
        Command::StepBack => emit(UiAction::StepBack),
        Command::Start => emit(UiAction::Seek(0)),
        Command::End => emit(UiAction::Seek(frontier)),
        Command::CrashSelected => match selection {
            Selection::Node(n) => emit(UiAction::ToggleCrash(n)),
            _ => emit(UiAction::ShowError(
                "Select a node first (click it, or Tab to it and press Enter), then press c.".into(),
            )),
        },
        Command::DropSelected => match selection {
            Selection::Message(msg) => emit(UiAction::Act(Action::Drop { msg })),
            _ => emit(UiAction::ShowError("Select a message in flight first, then press d.".into())),
        },
        Command::Theme => chrome.emit(ChromeAction::ToggleTheme),
        Command::Help => chrome.emit(ChromeAction::Open(Dialog::Shortcuts)),
        Command::Check => chrome.emit(ChromeAction::Open(Dialog::Check)),
        Command::Close => emit(UiAction::Select(Selection::None)),
    }
}

/// Listens for shortcuts on the document while the page is mounted. The listener reads the
/// playground through its `Rc` (the same one for the whole page), so it never goes stale; it is
/// dropped, removing it, in the effect's cleanup.
#[hook]
pub fn use_shortcuts(
    playground: Rc<RefCell<Playground>>,
    dialog: Dialog,
    dispatch: Callback<UiAction>,
    chrome: Callback<ChromeAction>,
) {
    let open = use_mut_ref(|| Dialog::None);
    *open.borrow_mut() = dialog;
    use_effect_with((), move |_| {
        // Not passive: the handler calls prevent_default (Space would scroll the page).
        let options = EventListenerOptions::enable_prevent_default();
        let listener = EventListener::new_with_options(&gloo::utils::document(), "keydown", options, move |e| {
            let Some(e) = e.dyn_ref::<KeyboardEvent>() else { return };
            if e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let Some(command) = command_for(&e.key()) else { return };
            if *open.borrow() != Dialog::None {
                if command == Command::Close {
                    chrome.emit(ChromeAction::Close);
                }
                return;
            }
            if owned_by_target(e, command) || other_modal_open() {
                return;
            }
            e.prevent_default();
            let Ok((selection, frontier)) = playground.try_borrow().map(|p| (p.selection, p.history.frontier())) else {
                return;
            };
            run(command, selection, frontier, &dispatch, &chrome);
        });
        move || drop(listener)
    });
}

/// Moves focus into a dialog when it opens (to `first`) and back to where it was when it closes.
#[hook]
pub fn use_dialog_focus(first: NodeRef) {
    use_effect_with((), move |_| {
        let previous = gloo::utils::document().active_element();
        if let Some(el) = first.cast::<HtmlElement>() {
            el.focus().ok();
        }
        move || {
            if let Some(el) = previous.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
                el.focus().ok();
            }
        }
    });
}

/// Keeps Tab inside a modal dialog: past the last control it wraps to the first, and back.
pub fn trap_tab(first: NodeRef, last: NodeRef) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        if e.key() != "Tab" {
            return;
        }
        let active = gloo::utils::document().active_element();
        let is = |r: &NodeRef| {
            let active: Option<&web_sys::Node> = active.as_ref().map(|a| a.as_ref());
            r.get().is_some_and(|n| active == Some(&n))
        };
        let target = match e.shift_key() {
            true if is(&first) => &last,
            false if is(&last) => &first,
            _ => return,
        };
        if let Some(el) = target.cast::<HtmlElement>() {
            e.prevent_default();
            el.focus().ok();
        }
    })
}

#[derive(Properties, PartialEq)]
pub struct DialogProps {
    pub close: Callback<()>,
}

#[function_component(ShortcutsDialog)]
pub fn shortcuts_dialog(props: &DialogProps) -> Html {
    let close_ref = use_node_ref();
    use_dialog_focus(close_ref.clone());
    let keep_focus = trap_tab(close_ref.clone(), close_ref.clone());
    let close = on_click_unit(&props.close);
    let backdrop = on_click_unit(&props.close);
    html! {
        <div class="dialog-backdrop" onclick={backdrop}>
            <section id="shortcuts" class="dialog" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title"
                onclick={Callback::from(|e: MouseEvent| e.stop_propagation())} onkeydown={keep_focus}>
                <h2 id="shortcuts-title">{ "Keyboard shortcuts" }</h2>
                <table>
                    <tbody>
                        { for SHORTCUTS.iter().map(|(_, shown, _, what)| html! {
                            <tr><th scope="row"><kbd>{ *shown }</kbd></th><td>{ *what }</td></tr>
                        }) }
                        <tr><th scope="row"><kbd>{ "Tab" }</kbd>{ " then " }<kbd>{ "Enter" }</kbd></th>
                            <td>{ "Select a node or a message on the stage" }</td></tr>
                    </tbody>
                </table>
                <button ref={close_ref} class="btn" onclick={close}>{ "Close" }</button>
            </section>
        </div>
    }
}
