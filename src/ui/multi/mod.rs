//! The Multi-Paxos mode's page (`#mode=multi`): the `multi` binary's own wasm, which the page
//! fetches when the address opens the mode (`ui::start`), so none of it is in the page's first load.
//! Thin components over `view::multi`: each draws a part of the `MultiFrame` at the cursor and
//! sends `MultiAction`s; every decision is the model's.

mod config;
mod embed;
mod exports;
mod help;
mod panels;
mod phone;
mod seen;
mod slot;
mod spacetime;
mod stage;
mod teach;

pub use embed::mount;

use super::model::{initial_theme, reduced_motion, store_theme, Theme};
use crate::view::embed::Options;
use crate::view::multi::deferred::Deferred;
use crate::view::multi::embed::{initial_playground, lesson_of_run, opening_fragment};
use crate::view::multi::link::multi_fragment;
use crate::view::multi::{MultiAction, MultiFrame, MultiPlayground, MultiScenario, MultiSelection};
use gloo::events::EventListener;
use gloo::render::{request_animation_frame, AnimationFrame};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Mounts the Multi-Paxos app into `#app` (`ui::start` mounted no single-decree app there).
pub fn start() {
    super::panic::install();
    if let Some(root) = gloo::utils::document().get_element_by_id("app") {
        yew::Renderer::<MultiApp>::with_root(root).render();
    }
}

/// The model behind the page: the playground, shared, and a version that changes with every
/// action (so Yew re-renders).
#[derive(Clone)]
pub struct Model {
    pub playground: Rc<RefCell<MultiPlayground>>,
    version: u64,
}

impl PartialEq for Model {
    fn eq(&self, other: &Model) -> bool {
        Rc::ptr_eq(&self.playground, &other.playground) && self.version == other.version
    }
}

impl Reducible for Model {
    type Action = MultiAction;
    fn reduce(self: Rc<Self>, action: MultiAction) -> Rc<Self> {
        self.playground.borrow_mut().reduce(action);
        Rc::new(Model { playground: self.playground.clone(), version: self.version + 1 })
    }
}

/// What every part gets: the frame at the cursor and where to send actions.
#[derive(Properties, Clone)]
pub struct Part {
    pub frame: Rc<MultiFrame>,
    pub dispatch: Callback<MultiAction>,
}

/// The same frame (the same `Rc`, as `kept` hands out) is equal without comparing its contents.
impl PartialEq for Part {
    fn eq(&self, other: &Part) -> bool {
        (Rc::ptr_eq(&self.frame, &other.frame) || self.frame == other.frame) && self.dispatch == other.dispatch
    }
}

/// The part for a panel that draws only what `same` compares: the panel's previous frame while
/// that is unchanged in `now` (the part then equals the last one, and Yew skips the panel), else
/// `now`'s frame.
fn kept(last: &RefCell<Rc<MultiFrame>>, now: &Part, same: impl Fn(&MultiFrame, &MultiFrame) -> bool) -> Part {
    if !Rc::ptr_eq(&last.borrow(), &now.frame) && !same(&last.borrow(), &now.frame) {
        *last.borrow_mut() = now.frame.clone();
    }
    Part { frame: last.borrow().clone(), dispatch: now.dispatch.clone() }
}

/// The link that reproduces the run on screen: the scenario with every action recorded so far
/// (those done by hand included), opened at the cursor's step.
pub fn link_now(p: &MultiPlayground) -> String {
    let scenario = MultiScenario { schedule: p.history.person.clone(), ..p.scenario.clone() };
    super::url::page_address(&format!("{}&at={}", multi_fragment(&scenario), p.history.cursor()))
}

/// The address of the single-decree page: this one without the fragment (a full load).
fn single_decree_address() -> String {
    let location = gloo::utils::window().location();
    format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default())
}

/// Leaving the mode by the address (Back, or a single-decree link pasted in) loads the page
/// afresh, which opens what the address says; another Multi-Paxos link loads its run. Off for
/// a playground mounted by the JS API: the address belongs to the host page.
#[hook]
fn use_fragment(dispatch: Callback<MultiAction>, enabled: bool) {
    use_effect_with(enabled, move |&enabled| {
        let listener = enabled.then(|| {
            EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                let fragment = super::url::fragment();
                if !super::url::is_multi(&fragment) {
                    gloo::utils::window().location().reload().ok();
                    return;
                }
                if let Some(Ok(s)) = crate::view::multi::link::from_fragment(&fragment) {
                    dispatch.emit(MultiAction::Load(Box::new(s)));
                }
            })
        });
        move || drop(listener)
    });
}

/// Drives `MultiAction::Frame` from animation frames while playing.
#[hook]
fn use_animation(playing: bool, dispatch: Callback<MultiAction>) {
    use_effect_with(playing, move |&playing| {
        let slot: Rc<RefCell<Option<AnimationFrame>>> = Rc::default();
        if playing {
            next_frame(slot.clone(), dispatch, None);
        }
        move || drop(slot.borrow_mut().take())
    });
}

fn next_frame(slot: Rc<RefCell<Option<AnimationFrame>>>, dispatch: Callback<MultiAction>, last_ms: Option<f64>) {
    let inner = slot.clone();
    let handle = request_animation_frame(move |now_ms| {
        if let Some(last) = last_ms {
            dispatch.emit(MultiAction::Frame(now_ms - last));
        }
        next_frame(inner, dispatch, Some(now_ms));
    });
    *slot.borrow_mut() = Some(handle);
}

/// Why the run stopped by itself (at a lesson's caption), in a live region that is always there.
pub fn status(frame: &MultiFrame) -> Html {
    html! { <p id="mstatus" class="m-status" role="status">{ frame.status.clone().unwrap_or_default() }</p> }
}

#[derive(Properties, PartialEq, Default)]
pub struct MultiAppProps {
    /// Given by the JS API (`mount_multi`); otherwise read from the address's query.
    #[prop_or_default]
    pub options: Option<Rc<Options>>,
}

#[function_component(MultiApp)]
fn multi_app(props: &MultiAppProps) -> Html {
    let options = (*use_memo((), |_| props.options.clone().unwrap_or_else(|| Rc::new(super::url::options())))).clone();
    let model = use_reducer(|| {
        let own = if options.mounted { String::new() } else { super::url::fragment() };
        let fragment = opening_fragment(&options, &own);
        Model {
            playground: Rc::new(RefCell::new(initial_playground(&fragment, &options, reduced_motion()))),
            version: 0,
        }
    });
    // The lesson whose run is open (its prompts), whether opened by its name or a link.
    let lesson = {
        let scenario = model.playground.borrow().scenario.clone();
        use_memo(scenario, lesson_of_run)
    };
    let theme = use_state(|| match options.theme {
        Some("dark") => Theme::Dark,
        Some(_) => Theme::Light,
        None => initial_theme(),
    });
    use_effect_with(*theme, |theme| {
        if let Some(root) = gloo::utils::document().document_element() {
            root.set_attribute("data-theme", theme.name()).ok();
        }
    });
    // A playground mounted by the JS API leaves the host page's title alone.
    use_effect_with(options.mounted, |&mounted| {
        if !mounted {
            gloo::utils::document().set_title("Multi-Paxos · Paxos Playground");
        }
    });
    // One callback for the page's life, so that parts whose frame did not change are skipped.
    let dispatch = {
        let dispatcher = model.dispatcher();
        (*use_memo((), move |_| Callback::from(move |a: MultiAction| dispatcher.dispatch(a)))).clone()
    };
    let toggle_theme = {
        let theme = theme.clone();
        Callback::from(move |_: ()| {
            let next = if *theme == Theme::Dark { Theme::Light } else { Theme::Dark };
            store_theme(next);
            theme.set(next);
        })
    };
    let log_from = use_state(|| None::<u64>);
    let frame = Rc::new(model.playground.borrow().frame_with(log_from.map(|f| (f, panels::LOG_WINDOW))));
    use_animation(frame.playing, dispatch.clone());
    use_fragment(dispatch.clone(), !options.mounted);
    let help = use_state(|| false);
    let open_help = {
        let help = help.clone();
        Callback::from(move |_: ()| help.set(true))
    };
    // Presentation mode (`f`, ?present; Esc leaves): larger text, the stage fills the screen.
    let present = use_state(|| options.present);
    let page_keys = {
        let (toggle_theme, open_help, present) = (toggle_theme.clone(), open_help.clone(), present.clone());
        Callback::from(move |command: help::KeyCommand| match command {
            help::KeyCommand::Theme => toggle_theme.emit(()),
            help::KeyCommand::Help => open_help.emit(()),
            help::KeyCommand::Present => present.set(!*present),
            help::KeyCommand::Close => present.set(false),
            _ => {}
        })
    };
    help::use_keys((*model).clone(), dispatch.clone(), page_keys);
    phone::use_narrow(dispatch.clone());
    embed::use_host_bridge(&model, dispatch.clone(), options.clone());
    let embedding = use_state(|| false);
    let part = Part { frame: frame.clone(), dispatch: dispatch.clone() };
    // Only the stage moves with the clock: the panels keep the frame of the step (without the
    // tokens) until a step changes it, so Yew skips them on the frames in between.
    let still = use_mut_ref(|| Rc::new(frame.without_clock()));
    let now = frame.without_clock();
    let stepped = **still.borrow() != now;
    if stepped {
        *still.borrow_mut() = Rc::new(now);
    }
    let panel = Part { frame: still.borrow().clone(), dispatch: dispatch.clone() };
    // While playing, the log and the panels below the diagram draw a step one animation frame
    // after the stage and the diagram (`view::multi::deferred`), so that a step's work is spread
    // over two frames; paused, they draw it at once.
    let lower = use_mut_ref(|| Deferred::new(panel.frame.clone()));
    lower.borrow_mut().follow(&panel.frame, frame.playing && stepped);
    let below = Part { frame: lower.borrow().shown().clone(), dispatch: dispatch.clone() };
    // The panels that draw one part of the frame keep their previous frame while that part is
    // unchanged, so Yew skips them on the steps that leave it alone (most steps apply nothing).
    let last_kv = use_mut_ref(|| panel.frame.clone());
    let last_safety = use_mut_ref(|| panel.frame.clone());
    let last_clients = use_mut_ref(|| panel.frame.clone());
    let last_log = use_mut_ref(|| panel.frame.clone());
    let last_history = use_mut_ref(|| panel.frame.clone());
    // While playing, a panel out of view keeps what it drew until it scrolls into view or the
    // run pauses (`seen`).
    let on_screen = seen::use_on_screen();
    let hold = |panel: usize| frame.playing && on_screen & 1 << panel == 0;
    let kv = kept(&last_kv, &below, |a, b| hold(seen::KV) || a.kv == b.kv);
    let log = kept(&last_log, &below, |a, b| hold(seen::LOG) || a.log == b.log);
    let safety = kept(&last_safety, &below, |a, b| hold(seen::SAFETY) || a.safety == b.safety);
    let history = kept(&last_history, &below, |_, _| hold(seen::HISTORY));
    // The clients' panel also reads the workload's switch and how many keys there are.
    let keys = |f: &MultiFrame| f.kv.first().map(|t| t.rows.len());
    let clients =
        kept(&last_clients, &panel, |a, b| a.clients == b.clients && a.workload == b.workload && keys(a) == keys(b));
    let on_from = use_callback(log_from.clone(), |f: Option<u64>, l| l.set(f));
    if options.embed {
        // The caption with a lesson's prompt, as on the full page (the caption editor is hidden).
        let teach =
            html! { <teach::Teach model={(*model).clone()} dispatch={dispatch.clone()} lesson={lesson.clone()} /> };
        let log = embed::log(&log, *log_from, on_from);
        return embed::layout(&model, &part, &options, teach, log);
    }
    let title = model.playground.borrow().scenario.title.clone();
    let next = if *theme == Theme::Dark { "light" } else { "dark" };
    html! {
        <main id="multi" class={classes!("multi", present.then_some("m-present"))} data-step={frame.step.to_string()}>
            <header class="topbar">
                <div class="brand">
                    <h1>{ "Paxos Playground" }</h1>
                    <p class="scenario-title">{ "Multi-Paxos · key-value store" }<span class="sep">{ " · " }</span>{ title }</p>
                </div>
                <nav class="topbar-actions" aria-label="Page">
                    <panels::CopyLink model={(*model).clone()} />
                    <button id="mopen-embed" class="btn" onclick={let e = embedding.clone(); Callback::from(move |_: MouseEvent| e.set(true))}
                        title="An iframe snippet that shows this run in another page">{ "Embed…" }</button>
                    <a id="open-single" class="btn" href={single_decree_address()}
                        title="Back to single-decree Paxos: one value, chosen once">{ "Single-decree Paxos" }</a>
                    if *present {
                        <button id="mleave-present" class="btn" onclick={let p = present.clone(); Callback::from(move |_: MouseEvent| p.set(false))}
                            title="Back to the full page (Esc)">{ "Leave presentation" }</button>
                    } else {
                        <button id="mpresent" class="btn" onclick={let p = present.clone(); Callback::from(move |_: MouseEvent| p.set(true))}
                            title="Larger text, the stage fills the screen (f)">{ "Present" }</button>
                    }
                    <button id="mhelp" class="btn" onclick={open_help.reform(|_: MouseEvent| ())}
                        aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">{ "?" }</button>
                    <button id="mtheme" class="btn" onclick={toggle_theme.reform(|_: MouseEvent| ())}
                        aria-label={format!("Switch to {next} theme")} title={format!("Switch to {next} theme (t)")}>
                        { if *theme == Theme::Dark { "Light" } else { "Dark" } }
                    </button>
                </nav>
            </header>
            { panels::banners(&part) }
            <teach::Teach model={(*model).clone()} dispatch={dispatch.clone()} lesson={lesson.clone()} />
            { status(&frame) }
            <div class="m-time-row">
                { panels::time_controls(&part) }
                <exports::Exports model={(*model).clone()} />
            </div>
            <config::MultiTools part={part.clone()} model={(*model).clone()} />
            <div class="m-workspace">
                <section class="m-stage-area" aria-label="Replicas, clients and messages">
                    <stage::Stage ..part.clone() />
                    { phone::node_lines(&panel) }
                </section>
                <section class="m-side" aria-label="Clients and the selection">
                    <panels::ClientPanel ..clients />
                    if let MultiSelection::Slot(s) = frame.selection {
                        <slot::SlotInspector part={part.clone()} model={(*model).clone()} slot={s} />
                    } else {
                        { panels::inspector(&part) }
                    }
                </section>
            </div>
            <spacetime::SpaceTime model={(*model).clone()} dispatch={dispatch.clone()} />
            <panels::LogStrips part={log} from={*log_from} {on_from} />
            <div class="m-panels">
                <panels::KvTables ..kv />
                <panels::History ..history />
                <panels::Safety ..safety />
            </div>
            if *help {
                <help::HelpDialog close={let h = help.clone(); Callback::from(move |_| h.set(false))} />
            }
            if *embedding {
                <embed::EmbedDialog model={(*model).clone()} close={let e = embedding.clone(); Callback::from(move |_| e.set(false))} />
            }
        </main>
    }
}
