//! The Check dialog: the model checker over the configuration on screen (or a preset), run in
//! the tools worker (`crate::tools::check`), with progress while it runs, a Cancel, the verdicts
//! at the end, and each run it found ready to replay in the stage or to share as a link.
//!
//! Small on purpose, because the page's first load has a budget (README, "Measured
//! performance"): the checker and the rendering of its progress and result are in the worker's
//! wasm (`tools::check::markup`), and the form is markup (`view::check::FORM_CONFIG`,
//! `FORM_BOUNDS`) that the browser keeps and the page reads when Start is pressed. What is here:
//! the request, Cancel, the worker's markup inserted as it comes, and one click handler for the
//! result's buttons.
//!
//! A check outlives the dialog: closing it leaves the search running in the worker, and its state
//! (`Job`) belongs to the page, so reopening shows the progress, or the result, with the form as
//! it was when Start was pressed.

use super::clipboard::copy_text;
use super::dialog::Modal;
use super::model::Model;
use super::{tools, url};
use crate::scenario::{link, Scenario};
use crate::view::check::{config_summary, presets, query, FIELDS, FORM_BOUNDS, FORM_CONFIG};
use crate::view::UiAction;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CheckProps {
    pub model: Model,
    pub dispatch: Callback<UiAction>,
    pub close: Callback<()>,
    pub job: Job,
}

/// The page's check: its state outlives the dialog (the page holds it), so a check keeps running
/// in the worker while the dialog is closed and shows its progress or result when it is reopened.
#[derive(Clone, Default)]
pub struct Job(Rc<RefCell<State>>);

impl PartialEq for Job {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The dialog's state. One `RefCell` and a forced redraw rather than a `use_state` per field:
/// each `use_state` type is another copy of Yew's hook machinery in the page's wasm.
#[derive(Default)]
struct State {
    preset: usize,
    /// The worker's latest markup: its progress, then its result.
    output: String,
    /// Sent and not answered yet.
    busy: bool,
    /// The worker could not run the check: why.
    failed: Option<String>,
    /// The last "Copy link": the address, and whether the clipboard took it.
    copied: Option<(String, bool)>,
    /// The running check's request id (for Cancel).
    job: Option<u32>,
    /// The form's settings when Start was pressed (put back when the dialog is reopened).
    query: Option<String>,
    /// Redraws the open dialog; `None` while it is closed.
    redraw: Option<Callback<()>>,
}

/// A change to the state; `Update` makes it and redraws.
type Change = Box<dyn FnOnce(&mut State)>;
type Update = Callback<Change>;

/// The request's settings as the form holds them now (`#check-NAME` for every `FIELDS` name:
/// a text field, a checkbox, or the goal's list).
fn read_form() -> String {
    let document = gloo::utils::document();
    query(FIELDS.iter().map(|&(name, _)| {
        let el = document.get_element_by_id(&format!("check-{name}"));
        let value = match el.clone().and_then(|e| e.dyn_into::<HtmlInputElement>().ok()) {
            Some(i) if i.type_() == "checkbox" => String::from(if i.checked() { "1" } else { "0" }),
            Some(i) => i.value(),
            None => el.and_then(|e| e.dyn_into::<HtmlSelectElement>().ok()).map(|s| s.value()).unwrap_or_default(),
        };
        (name, value)
    }))
}

/// Puts the form back as it was at Start (the dialog's markup starts from the defaults).
fn restore_form(preset: usize, query: &str) {
    let document = gloo::utils::document();
    let by_id = |id: &str| document.get_element_by_id(id);
    if let Some(select) = by_id("check-preset").and_then(|e| e.dyn_into::<HtmlSelectElement>().ok()) {
        select.set_value(&preset.to_string());
    }
    for (name, value) in query.split('&').filter_map(|pair| pair.split_once('=')) {
        let Some(el) = by_id(&format!("check-{name}")) else { continue };
        match el.clone().dyn_into::<HtmlInputElement>() {
            Ok(i) if i.type_() == "checkbox" => i.set_checked(value == "1"),
            Ok(i) => i.set_value(value),
            Err(_) => {
                if let Ok(s) = el.dyn_into::<HtmlSelectElement>() {
                    s.set_value(value);
                }
            }
        }
    }
}

#[function_component(CheckDialog)]
pub fn check_dialog(props: &CheckProps) -> Html {
    let state = props.job.0.clone();
    let redraw = use_force_update();
    // Changes come from the worker whether the dialog is open or not; an open one redraws.
    let update: Update = {
        let state = state.clone();
        Callback::from(move |change: Change| {
            change(&mut state.borrow_mut());
            let redraw = state.borrow().redraw.clone();
            if let Some(r) = redraw {
                r.emit(());
            }
        })
    };
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            let mut s = state.borrow_mut();
            s.redraw = Some(Callback::from(move |_| redraw.force_update()));
            if let Some(query) = &s.query {
                restore_form(s.preset, query);
            }
            drop(s);
            move || state.borrow_mut().redraw = None
        });
    }
    let s = state.borrow();
    let preset = presets().into_iter().nth(s.preset).and_then(|p| p.config);
    let config = preset.unwrap_or_else(|| props.model.playground.borrow().scenario.config.clone());
    // A change in the first fieldset is the preset's (its only control).
    let pick_preset = update.reform(|e: Event| {
        let i = e.target_dyn_into::<HtmlSelectElement>().and_then(|s| s.value().parse().ok()).unwrap_or(0);
        Box::new(move |s: &mut State| s.preset = i) as Change
    });
    let cancel = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(id) = state.borrow().job {
                tools::cancel(id);
            }
        })
    };
    // A line of the page's own above the worker's markup: loading, a failure, a copied link.
    let note = match (&s.failed, &s.copied) {
        (Some(e), _) => Some(("failed", e.clone())),
        (_, Some((_, true))) => Some(("copied", "Link copied.".to_string())),
        (_, Some((address, false))) => {
            Some(("copied", format!("The clipboard is not available here; the link: {address}")))
        }
        _ if s.busy && s.output.is_empty() => Some(("waiting", tools::status_text(true).unwrap_or_default().into())),
        _ => None,
    };
    let body = html! {
        <>
            <fieldset disabled={s.busy} onchange={pick_preset}>
                { Html::from_html_unchecked(FORM_CONFIG.into()) }
                <p id="check-config">{ config_summary(&config) }</p>
            </fieldset>
            <fieldset disabled={s.busy}>{ Html::from_html_unchecked(FORM_BOUNDS.into()) }</fieldset>
            <div class="row end">
                <button id="check-cancel" class="btn" disabled={!s.busy} onclick={cancel}>{ "Cancel" }</button>
                <button id="check-start" class="btn primary" disabled={s.busy} onclick={start_check(&update, &config)}>
                    { "Start" }</button>
            </div>
            if let Some((state, text)) = note {
                <p id="check-message" class="check-status" data-state={state} role="status">{ text }</p>
            }
            <div id="check-output" aria-live="polite" aria-busy={s.busy.to_string()}
                onclick={on_output(&update, props)}>{ Html::from_html_unchecked(s.output.clone().into()) }</div>
        </>
    };
    html! {
        <Modal id="check" title="Check every interleaving" close={props.close.clone()} opener="open-check" class="share-dialog">
            { body }</Modal>
    }
}

/// Start: sends the configuration and the form's settings to the worker; its progress and its
/// result (markup) replace the output as they come.
fn start_check(update: &Update, config: &crate::sim::Config) -> Callback<MouseEvent> {
    let (update, payload) = (update.clone(), link::encode(&Scenario { config: config.clone(), ..Scenario::default() }));
    Callback::from(move |_: MouseEvent| {
        let progress = {
            let update = update.clone();
            Callback::from(move |markup: String| update.emit(Box::new(move |s: &mut State| s.output = markup)))
        };
        let done = update.clone();
        let query = read_form();
        let id = tools::call_with_progress("check", &payload, &query, Some(progress), move |r| {
            done.emit(Box::new(move |s: &mut State| {
                (s.busy, s.job) = (false, None);
                match r {
                    Ok(markup) => s.output = markup,
                    Err(e) => (s.output, s.failed) = (String::new(), Some(e)),
                }
            }))
        });
        update.emit(Box::new(move |s: &mut State| {
            *s = State {
                preset: s.preset,
                busy: id.is_some(),
                job: id,
                failed: if id.is_some() { None } else { s.failed.take() },
                query: Some(query),
                redraw: s.redraw.take(),
                ..State::default()
            };
        }));
    })
}

/// The clicks on the result's buttons (`data-action`, `data-payload`): Replay opens the run in
/// the stage (with its link in the address), Copy link copies the link.
fn on_output(update: &Update, props: &CheckProps) -> Callback<MouseEvent> {
    let (update, dispatch, close) = (update.clone(), props.dispatch.clone(), props.close.clone());
    Callback::from(move |e: MouseEvent| {
        let button = e.target_dyn_into::<Element>().and_then(|t| t.closest("button[data-payload]").ok().flatten());
        let Some(button) = button else { return };
        let payload = button.get_attribute("data-payload").unwrap_or_default();
        let fragment = format!("{}={payload}", link::SCENARIO_KEY);
        if button.get_attribute("data-action").as_deref() == Some("copy") {
            let (update, address) = (update.clone(), url::page_address(&fragment));
            copy_text(address.clone(), move |ok| {
                update.emit(Box::new(move |s: &mut State| s.copied = Some((address, ok))))
            });
        } else if let Ok(scenario) = link::decode_any_length(&payload) {
            url::set_fragment(&fragment);
            dispatch.emit(UiAction::Load(Box::new(scenario)));
            close.emit(());
        }
    })
}
