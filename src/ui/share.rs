//! Sharing a run: "Copy link" (the whole scenario, including what the person did by hand and
//! the moment they are at, in the address's fragment), the "about this run" facts that let two
//! people check they see the same run (seed, steps, trace hash, link length), and files: the
//! scenario as JSON (export and import), the trace as JSON, the space-time diagram and the stage
//! as SVG and PNG.
//!
//! The header's "Copy link" button opens this dialog (`model::Dialog::Share`); the dialog makes
//! the link and copies it as it opens. The exports are also in the header's "Export…" menu
//! (`ExportMenu`, a `<details>`: no dialog to open, and keyboard-ready as the browser makes it).

pub(super) mod files;

use super::clipboard::copy_text;
use super::dialog::Modal;
use super::model::PanelProps;
use super::url::scenario_now;
use super::{tools, url};
use crate::scenario::{link, MAX_JSON_BYTES};
use crate::view::spacetime::export::Caption;
use crate::view::state::default_scenario;
use crate::view::{Playground, UiAction};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

pub use files::file_stem;

#[derive(Properties, PartialEq)]
pub struct ShareProps {
    pub panel: PanelProps,
    pub close: Callback<()>,
}

/// The share dialog. As it opens (right after the click on "Copy link", so still within the
/// click's user activation) it puts the link to this moment in the address and on the clipboard.
#[function_component(ShareDialog)]
pub fn share_dialog(props: &ShareProps) -> Html {
    let address = {
        let p = props.panel.model.playground.borrow();
        use_memo((), move |_| link::fragment(&scenario_now(&p)))
    };
    let copied = use_state(|| None::<bool>);
    {
        let (fragment, copied) = (address.clone(), copied.clone());
        use_effect_with((), move |_| {
            url::set_fragment(&fragment);
            copy_text(url::page_address(&fragment), move |ok| copied.set(Some(ok)));
        });
    }
    let status = match *copied {
        Some(true) => "Copied to the clipboard.",
        Some(false) => "The clipboard is not available here: select the link below and copy it.",
        None => "Copying…",
    };
    let panel = &props.panel;
    html! {
        <Modal id="share" title="Share this run" close={props.close.clone()} opener="copy-link" class="share-dialog">
            <p id="copy-status" role="status">{ status }</p>
            <label class="field wide" for="share-link">
                <span>{ "Link to this run, at this moment" }</span>
                <textarea id="share-link" readonly=true rows="3" value={url::page_address(&address)}
                    onfocus={Callback::from(|e: FocusEvent| select_target(&e))} />
            </label>
            { run_info(&panel.model.playground.borrow()) }
            <FileTools model={panel.model.clone()} dispatch={panel.dispatch.clone()} close={props.close.clone()} />
        </Modal>
    }
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

/// Asks the tools worker for `op` on (`a`, `b`) and hands the answer to the callback.
type Ask = Rc<dyn Fn(&'static str, String, String, Box<dyn FnOnce(Result<String, String>)>)>;

/// A way to ask the tools worker, and the status line while requests wait for it.
#[hook]
fn use_tools() -> (Ask, Option<&'static str>) {
    let (waiting, redraw) = (use_mut_ref(|| 0u32), use_force_update());
    let status = tools::status_text(*waiting.borrow() > 0);
    let ask = move |op: &'static str, a: String, b: String, done: Box<dyn FnOnce(Result<String, String>)>| {
        *waiting.borrow_mut() += 1;
        redraw.force_update();
        let (waiting, redraw) = (waiting.clone(), redraw.clone());
        tools::call(op, &a, &b, move |result| {
            let left = waiting.borrow().saturating_sub(1);
            *waiting.borrow_mut() = left;
            redraw.force_update();
            done(result);
        });
    };
    (Rc::new(ask), status)
}

#[function_component(FileTools)]
fn file_tools(props: &FileToolsProps) -> Html {
    let reader_slot = use_mut_ref(|| None);
    let (ask, status) = use_tools();
    let import = {
        let (dispatch, close) = (props.dispatch.clone(), props.close.clone());
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
    html! {
        <section class="file-tools" aria-label="Files">
            <h3>{ "Files" }</h3>
            <Exports model={props.model.clone()} dispatch={props.dispatch.clone()} prefix="export" />
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

/// The header's "Export…" menu: the same exports as the share dialog's, one click away (a
/// function, not a component: each component costs the page's wasm).
pub fn export_menu(props: &PanelProps) -> Html {
    html! {
        <details id="export-menu" class="export-menu">
            <summary class="btn" title="Save the scenario, the trace, the diagram or the stage as a file">{ "Export…" }</summary>
            <div class="export-pop">
                <Exports model={props.model.clone()} dispatch={props.dispatch.clone()} prefix="menu" />
            </div>
        </details>
    }
}

#[derive(Properties, PartialEq)]
struct ExportsProps {
    model: crate::ui::model::Model,
    dispatch: Callback<UiAction>,
    /// Starts the buttons' ids (`export-svg`, `menu-svg`): the menu and the dialog can both be there.
    prefix: &'static str,
}

/// The export buttons: the scenario and the trace as JSON (made by the tools worker from the
/// link payload), the diagram and the stage as SVG and PNG (framed with the run's title, seed and
/// trace hash).
#[function_component(Exports)]
fn exports(props: &ExportsProps) -> Html {
    let png_slot = use_mut_ref(|| None);
    let (ask, status) = use_tools();
    let report = props.dispatch.reform(|e: String| UiAction::ShowError(e));
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
            let caption = Caption {
                title: &now.title,
                seed: now.seed,
                hash: p.history.trace_hash(),
                step: p.history.cursor(),
                time: p.history.time(),
            };
            let (which, png) = kind.split_once('-').unwrap_or(("diagram", kind));
            let name = if which == "stage" { format!("{stem}-stage") } else { stem };
            let result = match png {
                "scenario" => json("export", format!("{name}.json"), String::new()),
                "trace" => json("trace", format!("{name}-trace.json"), p.history.frontier().to_string()),
                "svg" => files::picture(which, &caption)
                    .and_then(|(svg, ..)| files::download_text(&svg, &format!("{name}.svg"), "image/svg+xml")),
                _ => files::picture(which, &caption)
                    .and_then(|svg| files::download_png(svg, format!("{name}.png"), png_slot.clone())),
            };
            if let Err(e) = result {
                report.emit(format!("Export failed: {e}"));
            }
        })
    };
    let button = |kind: &'static str, text: &'static str| {
        html! { <button id={format!("{}-{kind}", props.prefix)} class="btn small" onclick={export(kind)}>{ text }</button> }
    };
    html! {
        <>
            <div class="row export-row">
                { button("scenario", "Scenario (JSON)") }
                { button("trace", "Trace (JSON)") }
                { button("svg", "Diagram (SVG)") }
                { button("png", "Diagram (PNG)") }
                { button("stage-svg", "Stage (SVG)") }
                { button("stage-png", "Stage (PNG)") }
            </div>
            if let Some(status) = status {
                <p class="export-status" role="status">{ status }</p>
            }
        </>
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
