//! Sharing a run: "Copy link" (the whole scenario, including what the person did by hand and
//! the moment they are at, in the address's fragment), the "about this run" facts that let two
//! people check they see the same run (seed, steps, trace hash, link length), and files: the
//! scenario as JSON (export and import), the trace as JSON, the space-time diagram as SVG and PNG.
//!
//! The header's buttons (`ShareTools`) also open the lesson library and the embed dialog, whose
//! contents live in `ui::lessons` and `ui::embed`.

mod files;

use super::model::{on_click_unit, PanelProps};
use super::shortcuts::use_dialog_focus;
use super::{embed, lessons, tools, url};
use crate::scenario::{link, Scenario, MAX_JSON_BYTES};
use crate::view::state::default_scenario;
use crate::view::{Playground, UiAction};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

pub use files::file_stem;

/// The scenario that reproduces the run on screen: the authored scenario with the schedule as
/// recorded (so everything done by hand is in it) and the cursor where the person is.
pub fn scenario_now(p: &Playground) -> Scenario {
    Scenario { schedule: p.history.schedule.entries(), cursor: Some(p.history.cursor()), ..p.scenario.clone() }
}

/// Which of this module's dialogs is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Open {
    Share,
    Lessons,
    Embed,
}

#[derive(Properties, PartialEq)]
pub struct ModalProps {
    pub id: &'static str,
    pub title: AttrValue,
    pub close: Callback<()>,
    #[prop_or_default]
    pub children: Html,
}

/// A dialog box over the page: focus moves to its Close button when it opens and back when it
/// closes, Tab stays inside, Escape closes it.
#[function_component(Modal)]
pub fn modal(props: &ModalProps) -> Html {
    let (section, close_button) = (use_node_ref(), use_node_ref());
    use_dialog_focus(close_button.clone());
    let title_id = format!("{}-title", props.id);
    let onkeydown = {
        let (close, section) = (props.close.clone(), section.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Escape" => close.emit(()),
            "Tab" => keep_tab_inside(&e, &section),
            _ => {}
        })
    };
    html! {
        <div class="dialog-backdrop" {onkeydown}>
            <section ref={section} id={props.id} class="dialog share-dialog" role="dialog" aria-modal="true"
                aria-labelledby={title_id.clone()}>
                <div class="dialog-head">
                    <h2 id={title_id}>{ props.title.clone() }</h2>
                    <button ref={close_button} class="btn small subtle dialog-close"
                        onclick={on_click_unit(&props.close)} aria-label="Close">{ "Close" }</button>
                </div>
                { props.children.clone() }
            </section>
        </div>
    }
}

/// Tab past the last control of the dialog wraps to the first, Shift+Tab before the first to the last.
fn keep_tab_inside(e: &KeyboardEvent, section: &NodeRef) {
    let Some(section) = section.cast::<web_sys::Element>() else { return };
    let Ok(list) = section.query_selector_all("button:not([disabled]), a[href], input, select, textarea") else {
        return;
    };
    let (Some(first), Some(last)) = (list.item(0), list.item(list.length().saturating_sub(1))) else { return };
    let active: Option<web_sys::Node> = gloo::utils::document().active_element().map(Into::into);
    let target = match e.shift_key() {
        true if active.as_ref() == Some(&first) => last,
        false if active.as_ref() == Some(&last) => first,
        _ => return,
    };
    if let Ok(el) = target.dyn_into::<web_sys::HtmlElement>() {
        e.prevent_default();
        el.focus().ok();
    }
}

#[function_component(ShareTools)]
pub fn share_tools(props: &PanelProps) -> Html {
    let open = use_state(|| None::<Open>);
    let link_state = use_state(|| None::<(String, Option<bool>)>);
    let copy = {
        let (model, open, link_state) = (props.model.clone(), open.clone(), link_state.clone());
        Callback::from(move |_: MouseEvent| {
            let fragment = link::fragment(&scenario_now(&model.playground.borrow()));
            url::set_fragment(&fragment);
            let address = url::page_address(&fragment);
            link_state.set(Some((address.clone(), None)));
            open.set(Some(Open::Share));
            let done = link_state.clone();
            let copied = address.clone();
            files::copy_text(address, move |ok| done.set(Some((copied, Some(ok)))));
        })
    };
    let show = |which: Open| {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(Some(which)))
    };
    let close = {
        let open = open.clone();
        Callback::from(move |_: ()| open.set(None))
    };
    super::model::use_hold_while(open.is_some(), props.dispatch.clone());
    let dialog = match *open {
        None => html! {},
        Some(Open::Share) => share_dialog(props, (*link_state).clone(), close),
        Some(Open::Lessons) => html! { <lessons::LessonLibrary {close} /> },
        Some(Open::Embed) => html! { <embed::EmbedDialog model={props.model.clone()} {close} /> },
    };
    html! {
        <>
            <button id="copy-link" class="btn" onclick={copy} title="Put this run, at this moment, in a link">
                { "Copy link" }</button>
            <button id="open-lessons" class="btn" onclick={show(Open::Lessons)}>{ "Lessons" }</button>
            <button id="open-embed" class="btn" onclick={show(Open::Embed)}>{ "Embed…" }</button>
            { dialog }
        </>
    }
}

fn share_dialog(props: &PanelProps, link: Option<(String, Option<bool>)>, close: Callback<()>) -> Html {
    let (address, copied) = link.unwrap_or_default();
    let status = match copied {
        Some(true) => "Copied to the clipboard.",
        Some(false) => "The clipboard is not available here: select the link below and copy it.",
        None => "Copying…",
    };
    let body = html! {
        <>
            <p id="copy-status" role="status">{ status }</p>
            <label class="field wide" for="share-link">
                <span>{ "Link to this run, at this moment" }</span>
                <textarea id="share-link" readonly=true rows="3" value={address.clone()}
                    onfocus={Callback::from(|e: FocusEvent| select_target(&e))} />
            </label>
            { run_info(&props.model.playground.borrow()) }
            <FileTools model={props.model.clone()} dispatch={props.dispatch.clone()} close={close.clone()} />
        </>
    };
    html! { <Modal id="share" title="Share this run" {close}>{ body }</Modal> }
}

fn select_target(e: &FocusEvent) {
    if let Some(t) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
        t.select();
    }
}

/// "About this run": what identifies it, so two people can check they see the same thing.
fn run_info(p: &Playground) -> Html {
    let now = scenario_now(p);
    let link_chars = link::fragment(&now).len();
    let hash = format!("{:016x}", p.history.trace_hash());
    let rows = [
        ("Scenario", now.title.clone()),
        ("Seed", now.seed.to_string()),
        ("Steps recorded", p.history.frontier().to_string()),
        ("Cursor", format!("step {} · t={}", p.history.cursor(), p.history.time())),
        ("Scheduled actions", now.schedule.len().to_string()),
        ("Link length", format!("{link_chars} characters after the address (#s=…)")),
        ("Trace hash", hash),
    ];
    html! {
        <section id="about-run" aria-label="About this run">
            <h3>{ "About this run" }</h3>
            <dl class="run-facts">
                { for rows.into_iter().map(|(k, v)| {
                    let id = format!("run-{}", file_stem(k));
                    html! { <><dt>{ k }</dt><dd {id}>{ v }</dd></> }
                }) }
            </dl>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct FileToolsProps {
    model: crate::ui::model::Model,
    dispatch: Callback<UiAction>,
    /// Closes the dialog once an import is done, so its result (or error) shows.
    close: Callback<()>,
}

#[function_component(FileTools)]
fn file_tools(props: &FileToolsProps) -> Html {
    let png_slot = use_mut_ref(|| None);
    let reader_slot = use_mut_ref(|| None);
    // Requests waiting for the tools worker (JSON import and export), for the status line.
    let (waiting, redraw) = (use_mut_ref(|| 0u32), use_force_update());
    let report = props.dispatch.reform(|e: String| UiAction::ShowError(e));
    let ask = {
        let waiting = waiting.clone();
        move |op: &'static str, a: String, b: String, done: Box<dyn FnOnce(Result<String, String>)>| {
            *waiting.borrow_mut() += 1;
            redraw.force_update();
            let (waiting, redraw) = (waiting.clone(), redraw.clone());
            tools::call(op, &a, &b, move |result| {
                let left = waiting.borrow().saturating_sub(1);
                *waiting.borrow_mut() = left;
                redraw.force_update();
                done(result);
            });
        }
    };
    let export = |kind: &'static str| {
        let (model, report, png_slot, ask) = (props.model.clone(), report.clone(), png_slot.clone(), ask.clone());
        Callback::from(move |_: MouseEvent| {
            let p = model.playground.borrow();
            let now = scenario_now(&p);
            let stem = file_stem(&now.title);
            // The JSON files come from the tools worker, which rebuilds them from the link payload.
            let json = |op: &'static str, name: String, b: String| {
                let report = report.clone();
                let save = move |text: Result<String, String>| {
                    if let Err(e) = text.and_then(|t| files::download_text(&t, &name, "application/json")) {
                        report.emit(format!("Export failed: {e}"));
                    }
                };
                ask(op, link::encode(&now), b, Box::new(save));
                Ok(())
            };
            let result = match kind {
                "scenario" => json("export", format!("{stem}.json"), String::new()),
                "trace" => json("trace", format!("{stem}-trace.json"), p.history.frontier().to_string()),
                "svg" => files::spacetime_svg()
                    .and_then(|(svg, ..)| files::download_text(&svg, &format!("{stem}.svg"), "image/svg+xml")),
                _ => files::download_png(format!("{stem}.png"), png_slot.clone()),
            };
            if let Err(e) = result {
                report.emit(format!("Export failed: {e}"));
            }
        })
    };
    let import = {
        let (dispatch, close, ask) = (props.dispatch.clone(), props.close.clone(), ask.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else { return };
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            input.set_value("");
            let (dispatch, close, ask) = (dispatch.clone(), close.clone(), ask.clone());
            files::read_file(file, MAX_JSON_BYTES, reader_slot.clone(), move |text| match text {
                Ok(text) => ask(
                    "import",
                    text,
                    String::new(),
                    Box::new(move |payload| {
                        import_payload(payload, &dispatch);
                        close.emit(());
                    }),
                ),
                Err(e) => {
                    import_payload(Err(e), &dispatch);
                    close.emit(());
                }
            });
        })
    };
    let status = tools::status_text(*waiting.borrow() > 0);
    html! {
        <section class="file-tools" aria-label="Files">
            <h3>{ "Files" }</h3>
            <div class="row">
                <button id="export-scenario" class="btn small" onclick={export("scenario")}>{ "Scenario (JSON)" }</button>
                <button id="export-trace" class="btn small" onclick={export("trace")}>{ "Trace (JSON)" }</button>
                <button id="export-svg" class="btn small" onclick={export("svg")}>{ "Diagram (SVG)" }</button>
                <button id="export-png" class="btn small" onclick={export("png")}>{ "Diagram (PNG)" }</button>
            </div>
            <label class="field" for="import-file">
                <span>{ "Open a scenario file (JSON)" }</span>
                <input id="import-file" type="file" accept=".json,application/json" onchange={import} />
            </label>
            if let Some(status) = status {
                <p id="tools-status" role="status">{ status }</p>
            }
        </section>
    }
}

/// Opens an imported file's scenario (the worker's link payload), or the default scenario with
/// the reason it was refused.
fn import_payload(payload: Result<String, String>, dispatch: &Callback<UiAction>) {
    let opened = payload.and_then(|p| link::decode_any_length(&p).map_err(|e| e.to_string()));
    match opened {
        Ok(s) => dispatch.emit(UiAction::Load(Box::new(s))),
        Err(e) => {
            dispatch.emit(UiAction::Load(Box::new(default_scenario())));
            let e = e.trim_end_matches('.');
            dispatch.emit(UiAction::ShowError(format!("{e}. The default scenario is open instead.")));
        }
    }
}

/// Shared for the other dialogs' "copy" buttons.
pub fn copy_text(text: String, done: impl FnOnce(bool) + 'static) {
    files::copy_text(text, done)
}
