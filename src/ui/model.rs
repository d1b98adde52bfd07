//! The page's state as Yew holds it: the simulation model (`Model`, a reducer over
//! `view::Playground`) and the page chrome (theme, open dialog). Every component takes these from
//! here, so `app` (the layout) and the components it places depend on this module, not on each other.

use crate::view::{Playground, UiAction};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Yew needs a cheap `Rc<Self>` per action; the history is large, so the playground lives in a
/// `RefCell` and each action bumps `version`, which is what props compare.
#[derive(Clone)]
pub struct Model {
    pub playground: Rc<RefCell<Playground>>,
    pub version: u64,
}

impl PartialEq for Model {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version && Rc::ptr_eq(&self.playground, &other.playground)
    }
}

impl Reducible for Model {
    type Action = UiAction;

    fn reduce(self: Rc<Self>, action: UiAction) -> Rc<Self> {
        self.playground.borrow_mut().reduce(action);
        Rc::new(Model { playground: self.playground.clone(), version: self.version + 1 })
    }
}

/// What every panel component receives: the model (cheap to clone; compare by version) and the
/// callback that sends actions to the reducer.
#[derive(Properties, PartialEq, Clone)]
pub struct PanelProps {
    pub model: Model,
    pub dispatch: Callback<UiAction>,
}

/// Holds the run still while `open` (a dialog is open): sends `UiAction::Dialog(true)` when it
/// opens and `Dialog(false)` when it closes (`view::status`). The page calls it for its dialogs.
#[hook]
pub fn use_hold_while(open: bool, dispatch: Callback<UiAction>) {
    use_effect_with(open, move |&open| {
        if open {
            dispatch.emit(UiAction::Dialog(true));
        }
        move || {
            if open {
                dispatch.emit(UiAction::Dialog(false));
            }
        }
    });
}

/// Which dialog is open over the page (each is a `ui::dialog::Modal`; one at a time).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dialog {
    #[default]
    None,
    Config,
    /// How to read the page, and the keyboard shortcuts (`ui::help`).
    Help,
    Check,
    /// "Copy link": the link to this moment, the run's facts, files.
    Share,
    Lessons,
    Embed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// A click that sends `action`. Every button that sends a fixed action shares this one closure
/// type: a `reform` with its own closure at each button is one more closure type, vtable and
/// drop glue in the wasm.
pub fn on_click(dispatch: &Callback<UiAction>, action: UiAction) -> Callback<MouseEvent> {
    dispatch.reform(move |_: MouseEvent| action.clone())
}

/// A click that fires `callback` (a dialog's close), shared like `on_click`.
pub fn on_click_unit(callback: &Callback<()>) -> Callback<MouseEvent> {
    callback.reform(|_: MouseEvent| ())
}

/// Page state that is not the simulation: the theme, the open dialog, presentation mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chrome {
    pub theme: Theme,
    pub dialog: Dialog,
    /// Presentation mode: larger text, the stage filling the screen (`f`, `?present`; Esc leaves).
    pub present: bool,
}

/// Copy, so that every header button sends its action through one closure type (`ui::app`).
#[derive(Clone, Copy)]
pub enum ChromeAction {
    ToggleTheme,
    Open(Dialog),
    Close,
    TogglePresent,
    LeavePresent,
}

impl Reducible for Chrome {
    type Action = ChromeAction;

    fn reduce(self: Rc<Self>, action: ChromeAction) -> Rc<Self> {
        let mut c = *self;
        match action {
            ChromeAction::ToggleTheme => {
                c.theme = if c.theme == Theme::Dark { Theme::Light } else { Theme::Dark };
                store_theme(c.theme);
            }
            ChromeAction::Open(d) => c.dialog = d,
            ChromeAction::Close => c.dialog = Dialog::None,
            ChromeAction::TogglePresent => c.present = !c.present,
            // Esc leaves presentation mode; outside it, nothing changes and nothing re-renders.
            ChromeAction::LeavePresent if !c.present => return self,
            ChromeAction::LeavePresent => c.present = false,
        }
        Rc::new(c)
    }
}

const THEME_KEY: &str = "paxos-playground-theme";

/// The saved theme, else the system's preference.
pub(super) fn initial_theme() -> Theme {
    let window = gloo::utils::window();
    let saved = window.local_storage().ok().flatten().and_then(|s| s.get_item(THEME_KEY).ok().flatten());
    match saved.as_deref() {
        Some("dark") => return Theme::Dark,
        Some("light") => return Theme::Light,
        _ => {}
    }
    let dark = window.match_media("(prefers-color-scheme: dark)").ok().flatten().is_some_and(|m| m.matches());
    if dark {
        Theme::Dark
    } else {
        Theme::Light
    }
}

/// Whether the visitor asked their system for reduced motion: then nothing plays unless they
/// press Play (`view::embed::Options::plays_at_start`), and the stage's tokens jump from event
/// to event instead of gliding (`ui::stage`).
pub(super) fn reduced_motion() -> bool {
    let query = gloo::utils::window().match_media("(prefers-reduced-motion: reduce)");
    query.ok().flatten().is_some_and(|m| m.matches())
}

pub(super) fn store_theme(theme: Theme) {
    if let Some(storage) = gloo::utils::window().local_storage().ok().flatten() {
        storage.set_item(THEME_KEY, theme.name()).ok();
    }
}
