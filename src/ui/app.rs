//! The application shell: owns the reducer over `view::Playground`, the animation loop, the page
//! chrome (theme, dialogs), and lays out the stage, the time controls and every panel.

use super::bench::{self, BenchMode};
use super::check::{CheckDialog, Job};
use super::config_form::ConfigDialog;
use super::controls::legend::legend;
use super::controls::selection::selection_bar;
use super::controls::status::{announcer, banners, chosen, About};
use super::controls::{clients::Clients, faults::network_panel, icon, time_controls};
use super::embed::{self, EmbedDialog};
use super::help::{self, HelpDialog};
use super::inspector::Inspector;
use super::lessons::{CaptionBar, LessonLibrary};
use super::log::EventLog;
use super::model::{initial_theme, use_hold_while, Chrome, ChromeAction, Dialog, Model, PanelProps, Theme};
use super::safety::SafetyPanel;
use super::share::{export_menu, ShareDialog};
use super::shortcuts::use_shortcuts;
use super::spacetime::SpaceTime;
use super::stage::Stage;
use super::url;
use crate::view::embed::Options;
use crate::view::{Playground, UiAction};
use gloo::render::{request_animation_frame, AnimationFrame};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// What the page opens with.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Start {
    Default,
    Load,
}

/// `options`: given by the JS API (`ui::mount`); otherwise read from the address.
#[derive(Properties, PartialEq, Default)]
pub struct AppProps {
    #[prop_or_default]
    pub options: Option<Rc<Options>>,
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    if let Some(options) = &props.options {
        return html! { <Page start={Start::Default} options={options.clone()} /> };
    }
    match bench::mode() {
        Some(BenchMode::W1 { instances }) => html! { <bench::W1Bench {instances} /> },
        Some(BenchMode::Load) => html! { <Page start={Start::Load} options={Rc::new(Options::default())} /> },
        None => html! { <Page start={Start::Default} options={Rc::new(url::options())} /> },
    }
}

#[derive(Properties, PartialEq)]
struct PageProps {
    start: Start,
    /// Embed mode, what to open, autoplay... (`view::embed::Options`).
    options: Rc<Options>,
}

/// Everything but the animation clock that panels show. While playing, most frames only move
/// the clock; panels that do not draw it get a model whose version changes only when this does,
/// so they skip those frames (the stage, the time controls and the space-time diagram follow the
/// clock and take the per-frame model).
#[derive(Clone, PartialEq)]
struct Settled {
    epoch: u64,
    cursor: u64,
    frontier: u64,
    selection: crate::view::Selection,
    playing: bool,
    speed_bits: u64,
    error: Option<String>,
    notice: Option<String>,
}

#[hook]
fn use_settled(panel: &PanelProps) -> PanelProps {
    let state = use_mut_ref(|| (None::<Settled>, 0u64));
    let p = panel.model.playground.borrow();
    let key = Settled {
        epoch: p.epoch,
        cursor: p.history.cursor(),
        frontier: p.history.frontier(),
        selection: p.selection,
        playing: p.playing,
        speed_bits: p.speed.to_bits(),
        error: p.error.clone(),
        notice: p.notice.clone(),
    };
    let mut s = state.borrow_mut();
    if s.0.as_ref() != Some(&key) {
        *s = (Some(key), s.1 + 1);
    }
    let model = Model { playground: panel.model.playground.clone(), version: s.1 };
    PanelProps { model, dispatch: panel.dispatch.clone() }
}

/// Drives `UiAction::Frame` from animation frames while playing. The frame handle lives in the
/// effect and is dropped (cancelling the frame) in its cleanup.
#[hook]
fn use_animation(playing: bool, dispatch: Callback<UiAction>) {
    use_effect_with(playing, move |&playing| {
        let slot: Rc<RefCell<Option<AnimationFrame>>> = Rc::default();
        if playing {
            next_frame(slot.clone(), dispatch, None);
        }
        move || drop(slot.borrow_mut().take())
    });
}

fn next_frame(slot: Rc<RefCell<Option<AnimationFrame>>>, dispatch: Callback<UiAction>, last_ms: Option<f64>) {
    let inner = slot.clone();
    let handle = request_animation_frame(move |now_ms| {
        if let Some(last) = last_ms {
            dispatch.emit(UiAction::Frame(now_ms - last));
        }
        next_frame(inner, dispatch, Some(now_ms));
    });
    *slot.borrow_mut() = Some(handle);
}

#[function_component(Page)]
fn page(props: &PageProps) -> Html {
    let start = props.start;
    let options = props.options.clone();
    let model = use_reducer(move || {
        let playground = match start {
            Start::Load => {
                let mut playground = Playground::new(bench::load_scenario());
                playground.reduce(UiAction::Play);
                playground
            }
            // The link, lesson or embed options say what to open and whether to play (ui::url).
            Start::Default => url::initial_playground(&options),
        };
        Model { playground: Rc::new(RefCell::new(playground)), version: 0 }
    });
    // The model checker's job outlives the Check dialog (`ui::check`): the page holds it.
    let check_job = use_memo((), |_| Job::default());
    let options = props.options.clone();
    let chrome = use_reducer(move || {
        let theme = match options.theme {
            Some("dark") => Theme::Dark,
            Some(_) => Theme::Light,
            None => initial_theme(),
        };
        // A first visit to the bare page opens the help (`ui::help`); `?present` presents.
        let first = start == Start::Default && help::first_visit(&options);
        Chrome { theme, dialog: if first { Dialog::Help } else { Dialog::None }, present: options.present }
    });
    let dispatch = {
        let d = model.dispatcher();
        use_callback((), move |a: UiAction, _| d.dispatch(a))
    };
    let chrome_dispatch = {
        let d = chrome.dispatcher();
        use_callback((), move |a: ChromeAction, _| d.dispatch(a))
    };
    use_effect_with(chrome.theme, |theme| {
        if let Some(root) = gloo::utils::document().document_element() {
            root.set_attribute("data-theme", theme.name()).ok();
        }
    });
    let playing = model.playground.borrow().playing;
    use_animation(playing, dispatch.clone());
    use_hold_while(chrome.dialog != Dialog::None, dispatch.clone());
    use_shortcuts(model.playground.clone(), *chrome, dispatch.clone(), chrome_dispatch.clone());
    url::use_fragment_loading(dispatch.clone(), !props.options.mounted);
    embed::use_host_bridge(&model, dispatch.clone(), props.options.clone());
    let panel = PanelProps { model: (*model).clone(), dispatch: dispatch.clone() };
    let slow = use_settled(&panel);
    if props.options.embed {
        return embed::layout(&panel, &props.options);
    }
    html! {
        <main id="playground" class={chrome.present.then_some("present")}>
            { header(&slow, *chrome, &chrome_dispatch) }
            { banners(&slow) }
            <CaptionBar ..panel.clone() />
            { time_controls(&panel) }
            <div class="workspace">
                <section class="stage-area" aria-label="Stage">
                    <Stage ..panel.clone() />
                    { selection_bar(&panel) }
                    { legend() }
                </section>
                <section class="side-area" aria-label="Space-time diagram">
                    <SpaceTime ..panel.clone() />
                </section>
            </div>
            <div class="panels">
                <div class="panel-col"><Inspector ..slow.clone() /><Clients ..slow.clone() /></div>
                <div class="panel-col"><SafetyPanel ..slow.clone() />{ network_panel(&slow) }</div>
                <div class="panel-col wide"><EventLog ..slow.clone() /></div>
            </div>
            <About ..slow.clone() />
            { announcer(&slow) }
            { dialog(&slow, *chrome, &chrome_dispatch, &check_job) }
        </main>
    }
}

const SUN: &str = "M12 7a5 5 0 1 0 0 10a5 5 0 1 0 0-10zM11 1h2v3h-2zM11 20h2v3h-2zM1 11h3v2H1zM20 11h3v2h-3zM4.2 2.8l2.1 2.1-1.4 1.4-2.1-2.1zM17.7 16.3l2.1 2.1-1.4 1.4-2.1-2.1zM2.8 19.8l2.1-2.1 1.4 1.4-2.1 2.1zM16.3 6.3l2.1-2.1 1.4 1.4-2.1 2.1z";
const MOON: &str = "M20 15.5A8.5 8.5 0 0 1 8.5 4a8.5 8.5 0 1 0 11.5 11.5z";

fn header(panel: &PanelProps, chrome: Chrome, chrome_dispatch: &Callback<ChromeAction>) -> Html {
    let title = panel.model.playground.borrow().scenario.title.clone();
    // One closure type for every header button: each is one more type, vtable and drop glue.
    let act = |a: ChromeAction| chrome_dispatch.reform(move |_: MouseEvent| a);
    let open = |d: Dialog| act(ChromeAction::Open(d));
    let theme = act(ChromeAction::ToggleTheme);
    let next = if chrome.theme == Theme::Dark { "light" } else { "dark" };
    html! {
        <header class="topbar">
            <div class="brand">
                <h1>{ "Paxos Playground" }</h1>
                <p class="scenario-title">{ title }</p>
            </div>
            { chosen(panel) }
            <nav class="topbar-actions" aria-label="Page">
                <button id="copy-link" class="btn" onclick={open(Dialog::Share)}
                    title="Put this run, at this moment, in a link">{ "Copy link" }</button>
                { export_menu(panel) }
                <button id="open-lessons" class="btn" onclick={open(Dialog::Lessons)}>{ "Lessons" }</button>
                <button id="open-embed" class="btn" onclick={open(Dialog::Embed)}>{ "Embed…" }</button>
                <button id="open-config" class="btn" onclick={open(Dialog::Config)}>{ "Configure…" }</button>
                <button id="open-check" class="btn" onclick={open(Dialog::Check)}
                    title="Check every interleaving with the model checker (m)">{ "Check…" }</button>
                <button id="open-help" class="btn icon" onclick={open(Dialog::Help)}
                    aria-label="Help: how to read this page, and the keyboard shortcuts" title="Help (?)">{ "?" }</button>
                if chrome.present {
                    <button id="leave-present" class="btn" onclick={act(ChromeAction::LeavePresent)}
                        title="Leave presentation mode (Esc)">{ "Leave presentation" }</button>
                }
                <button id="theme" class="btn icon" onclick={theme} aria-label={format!("Switch to {next} theme")}
                    title={format!("Switch to {next} theme (t)")}>
                    { if chrome.theme == Theme::Dark { icon(SUN) } else { icon(MOON) } }
                </button>
            </nav>
        </header>
    }
}

fn dialog(panel: &PanelProps, chrome: Chrome, chrome_dispatch: &Callback<ChromeAction>, job: &Job) -> Html {
    let close = chrome_dispatch.reform(|_: ()| ChromeAction::Close);
    match chrome.dialog {
        Dialog::None => html! {},
        Dialog::Config => {
            html! { <ConfigDialog model={panel.model.clone()} dispatch={panel.dispatch.clone()} {close} /> }
        }
        Dialog::Help => html! { <HelpDialog {close} /> },
        Dialog::Check => {
            html! { <CheckDialog model={panel.model.clone()} dispatch={panel.dispatch.clone()} {close} job={job.clone()} /> }
        }
        Dialog::Share => html! { <ShareDialog panel={panel.clone()} {close} /> },
        Dialog::Lessons => html! { <LessonLibrary {close} /> },
        Dialog::Embed => html! { <EmbedDialog model={panel.model.clone()} {close} /> },
    }
}
