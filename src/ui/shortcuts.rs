//! Keyboard shortcuts: one table (`SHORTCUTS`) that both the key handler and the help dialog
//! (`ui::help`) read, so the help lists exactly what the keys do.

use super::model::{Chrome, ChromeAction, Dialog};
use crate::sim::Action;
use crate::view::guide::{turn, Turn};
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
    NextCaption,
    PrevCaption,
    Start,
    End,
    CrashSelected,
    DropSelected,
    Theme,
    Check,
    Present,
    Help,
    Close,
}

/// Every shortcut: keys as `KeyboardEvent.key` gives them, the keys as the help shows them
/// (separated by spaces), the command, and its description.
pub const SHORTCUTS: &[(&[&str], &str, Command, &str)] = &[
    (&[" "], "Space", Command::TogglePlay, "Play or pause"),
    (&["ArrowRight"], "→", Command::StepForward, "Step forward one event (presenting a lesson: next caption)"),
    (&["ArrowLeft"], "←", Command::StepBack, "Step back one event (presenting a lesson: previous caption)"),
    (&["PageDown", "n", "N"], "PgDn n", Command::NextCaption, "Next caption of a lesson (without one: step forward)"),
    (&["PageUp", "p", "P"], "PgUp p", Command::PrevCaption, "Previous caption of a lesson (without one: step back)"),
    (&["Home"], "Home", Command::Start, "Go to the start of the run"),
    (&["End"], "End", Command::End, "Go to the end of the recorded run"),
    (&["c", "C"], "c", Command::CrashSelected, "Crash or recover the selected node"),
    (&["d", "D"], "d", Command::DropSelected, "Drop the selected message"),
    (&["t", "T"], "t", Command::Theme, "Switch between light and dark theme"),
    (&["m", "M"], "m", Command::Check, "Open the model checker (check every interleaving)"),
    (&["f", "F"], "f", Command::Present, "Presentation mode: larger text, the stage fills the screen"),
    (&["?"], "?", Command::Help, "Show this help"),
    (&["Escape"], "Esc", Command::Close, "Close a dialog, leave presentation mode, or clear the selection"),
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
            matches!(
                command,
                Command::StepForward
                    | Command::StepBack
                    | Command::NextCaption
                    | Command::PrevCaption
                    | Command::Start
                    | Command::End
            )
        }
        "input" => command != Command::Close,
        "button" | "summary" | "a" => command == Command::TogglePlay,
        _ => false,
    }
}

/// What a command does: an action for the run, one for the page chrome, or both. Reads the
/// playground but sends nothing: emitting runs the reducer at once, which borrows the
/// playground mutably, so the caller emits after letting go of it. While presenting a lesson,
/// the arrows turn its captions (`view::guide::turn`).
fn plan(command: Command, p: &Playground, present: bool) -> (Option<UiAction>, Option<ChromeAction>) {
    let presenting_lesson = present && !p.scenario.captions.is_empty();
    let ui = match command {
        Command::TogglePlay => UiAction::TogglePlay,
        Command::StepForward if presenting_lesson => turn(p, Turn::Next),
        Command::StepBack if presenting_lesson => turn(p, Turn::Back),
        Command::StepForward => UiAction::StepForward,
        Command::StepBack => UiAction::StepBack,
        Command::NextCaption => turn(p, Turn::Next),
        Command::PrevCaption => turn(p, Turn::Back),
        Command::Start => UiAction::Seek(0),
        Command::End => UiAction::Seek(p.history.frontier()),
        Command::CrashSelected => match p.selection {
            Selection::Node(n) => UiAction::ToggleCrash(n),
            _ => UiAction::ShowError(
                "Select a node first (click it, or Tab to it and press Enter), then press c.".into(),
            ),
        },
        Command::DropSelected => match p.selection {
            Selection::Message(msg) => UiAction::Act(Action::Drop { msg }),
            _ => UiAction::ShowError("Select a message in flight first, then press d.".into()),
        },
        Command::Theme => return (None, Some(ChromeAction::ToggleTheme)),
        Command::Help => return (None, Some(ChromeAction::Open(Dialog::Help))),
        Command::Check => return (None, Some(ChromeAction::Open(Dialog::Check))),
        Command::Present => return (None, Some(ChromeAction::TogglePresent)),
        Command::Close => return (Some(UiAction::Select(Selection::None)), Some(ChromeAction::LeavePresent)),
    };
    (Some(ui), None)
}

/// Listens for shortcuts on the document while the page is mounted. The listener reads the
/// playground through its `Rc` (the same one for the whole page), so it never goes stale; it is
/// dropped, removing it, in the effect's cleanup.
#[hook]
pub fn use_shortcuts(
    playground: Rc<RefCell<Playground>>,
    page: Chrome,
    dispatch: Callback<UiAction>,
    chrome: Callback<ChromeAction>,
) {
    let open = use_mut_ref(|| page);
    *open.borrow_mut() = page;
    use_effect_with((), move |_| {
        // Not passive: the handler calls prevent_default (Space would scroll the page).
        let options = EventListenerOptions::enable_prevent_default();
        let listener = EventListener::new_with_options(&gloo::utils::document(), "keydown", options, move |e| {
            let Some(e) = e.dyn_ref::<KeyboardEvent>() else { return };
            if e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let Some(command) = command_for(&e.key()) else { return };
            // An open dialog owns the keyboard (`ui::dialog`: Tab, Escape), and the run must not
            // step behind it.
            let page = *open.borrow();
            if page.dialog != Dialog::None || owned_by_target(e, command) {
                return;
            }
            e.prevent_default();
            let Ok((ui, page)) = playground.try_borrow().map(|p| plan(command, &p, page.present)) else { return };
            if let Some(a) = ui {
                dispatch.emit(a);
            }
            if let Some(a) = page {
                chrome.emit(a);
            }
        });
        move || drop(listener)
    });
}

/// The shortcuts as a table, for the help dialog. Keys that do the same are key caps side by side.
pub fn shortcuts_table() -> Html {
    html! {
        <table class="shortcuts">
            <tbody>
                { for SHORTCUTS.iter().map(|&(_, shown, _, what)| html! {
                    <tr><th scope="row">{ for shown.split(' ').map(|k| html! { <kbd>{ k }</kbd> }) }</th><td>{ what }</td></tr>
                }) }
                <tr><th scope="row"><kbd>{ "Tab" }</kbd>{ " then " }<kbd>{ "Enter" }</kbd></th>
                    <td>{ "Select a node or a message on the stage" }</td></tr>
            </tbody>
        </table>
    }
}
