//! The Multi-Paxos mode's tools row: the lessons list, the Configure dialog, and a partition by
//! hand (cut a replica off, heal). The fields, their words and the reading of the form are
//! `view::multi::config`'s; the lessons are `view::multi::MULTI_LESSONS`.

use super::{Model, Part};
use crate::protocol::NodeId;
use crate::ui::dialog::Modal;
use crate::view::multi::config::{from_form, value, FieldKind, GROUPS};
use crate::view::multi::link::{LESSON_KEY, MODE_KEY, MODE_MULTI};
use crate::view::multi::{MultiAction, MultiVariantChoice, NodeKind, MULTI_LESSONS};
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ToolsProps {
    pub part: Part,
    pub model: Model,
}

/// Which dialog is open.
#[derive(Clone, Copy, PartialEq)]
enum Open {
    None,
    Lessons,
    Configure,
}

/// The text (or `"1"` / `""` for a checkbox) of the form control `mc-{id}`.
fn read(id: &str) -> String {
    let Some(el) = gloo::utils::document().get_element_by_id(&format!("mc-{id}")) else { return String::new() };
    if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        return if input.type_() == "checkbox" {
            if input.checked() {
                "1".into()
            } else {
                String::new()
            }
        } else {
            input.value()
        };
    }
    el.dyn_ref::<web_sys::HtmlSelectElement>().map(|s| s.value()).unwrap_or_default()
}

#[function_component(MultiTools)]
pub fn multi_tools(props: &ToolsProps) -> Html {
    let open = use_state(|| Open::None);
    let dispatch = props.part.dispatch.clone();
    let show = |what: Open| {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(what))
    };
    let close = {
        let open = open.clone();
        Callback::from(move |_: ()| open.set(Open::None))
    };
    let mut replicas: Vec<NodeId> =
        props.part.frame.nodes.iter().filter(|n| n.kind == NodeKind::Replica).map(|n| n.id).collect();
    replicas.sort_by_key(|n| n.0);
    let cut = dispatch.reform(|_: MouseEvent| {
        let node = read("cut").parse().unwrap_or(0);
        MultiAction::Partition(vec![vec![NodeId(node)]])
    });
    let heal = dispatch.reform(|_: MouseEvent| MultiAction::Heal);
    let dialog = match *open {
        Open::None => html! {},
        Open::Lessons => lessons(&props.model, &dispatch, &close),
        Open::Configure => {
            html! { <ConfigForm model={props.model.clone()} dispatch={dispatch.clone()} close={close.clone()} /> }
        }
    };
    html! {
        <div class="m-tools" role="group" aria-label="Lessons, configuration and the network">
            <button id="mlessons" class="btn" onclick={show(Open::Lessons)}>{ "Lessons" }</button>
            <button id="mconfigure" class="btn" onclick={show(Open::Configure)}>{ "Configure" }</button>
            <label class="m-cut">{ "Replica" }
                <select id="mc-cut">
                    { for replicas.iter().map(|r| html! { <option value={r.0.to_string()}>{ format!("r{}", r.0) }</option> }) }
                </select>
            </label>
            <button id="mcut" class="btn" onclick={cut} title="Cut this replica off from every other node">{ "Cut off" }</button>
            <button id="mheal" class="btn" onclick={heal} title="Remove every partition">{ "Heal" }</button>
            { dialog }
        </div>
    }
}

fn lessons(model: &Model, dispatch: &Callback<MultiAction>, close: &Callback<()>) -> Html {
    let current = model.playground.borrow().scenario.title.clone();
    let items = MULTI_LESSONS.iter().map(|e| {
        let fragment = format!("{MODE_KEY}={MODE_MULTI}&{LESSON_KEY}={}", e.slug);
        let href = crate::ui::url::here(&fragment);
        let (dispatch, close) = (dispatch.clone(), close.clone());
        let build = *e;
        let picked = Callback::from(move |_: MouseEvent| {
            // The same address again changes nothing by itself: load the lesson afresh.
            if crate::ui::url::fragment() == fragment {
                dispatch.emit(MultiAction::Load(Box::new(build.lesson().scenario)));
            }
            close.emit(());
        });
        let here = current.trim_end_matches(" (broken)") == e.title;
        html! {
            <li data-lesson={e.slug}>
                <a class="lesson-link" {href} onclick={picked} aria-current={here.then_some("true")}>
                    { format!("{}. {}", e.number, e.title) }
                </a>
                <p class="lesson-desc">{ e.summary }</p>
            </li>
        }
    });
    html! {
        <Modal id="mlessons-dialog" title="Multi-Paxos lessons" close={close.clone()} opener="mlessons" class="share-dialog">
            <p>{ "Each lesson is a run with captions. It opens paused: press Play, or step through it, and the captions follow." }</p>
            <ul id="mlesson-list" class="lesson-list">{ for items }</ul>
        </Modal>
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    model: Model,
    dispatch: Callback<MultiAction>,
    close: Callback<()>,
}

/// Shows `text` in the form control `mc-{id}` (a checkbox: checked when not empty).
fn write(id: &str, text: &str) {
    let Some(el) = gloo::utils::document().get_element_by_id(&format!("mc-{id}")) else { return };
    if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        if input.type_() == "checkbox" {
            input.set_checked(!text.is_empty());
        } else {
            input.set_value(text);
        }
    } else if let Some(select) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
        select.set_value(text);
    }
}

/// The form's controls carry no value in their markup: the page redraws every frame while a
/// run plays, and a value there would overwrite what the person is typing. They are filled
/// once, from the run on screen, when the dialog opens.
#[function_component(ConfigForm)]
fn config_form(props: &FormProps) -> Html {
    let error = use_state(|| None::<String>);
    {
        let scenario = props.model.playground.borrow().scenario.clone();
        use_effect_with((), move |_| {
            for f in GROUPS.iter().flat_map(|(_, f)| f.iter()) {
                write(f.id, &value(&scenario, f.id));
            }
        });
    }
    let control = |id: &'static str, kind: FieldKind| {
        let control_id = format!("mc-{id}");
        match kind {
            FieldKind::Check => html! { <input id={control_id} type="checkbox" /> },
            FieldKind::Variant => html! {
                <select id={control_id}>
                    { for MultiVariantChoice::ALL.iter().enumerate().map(|(i, c)| html! {
                        <option value={i.to_string()}>{ c.label() }</option>
                    }) }
                </select>
            },
            FieldKind::Number | FieldKind::Optional => html! {
                <input id={control_id} type="text" inputmode="numeric" autocomplete="off"
                    aria-describedby={format!("mc-{id}-hint")} />
            },
        }
    };
    let groups = GROUPS.iter().map(|(legend, fields)| {
        html! {
            <fieldset class="m-config-group">
                <legend>{ *legend }</legend>
                { for fields.iter().map(|f| html! {
                    <div class={classes!("m-config-field", (f.kind == FieldKind::Check).then_some("check"))}>
                        <label for={format!("mc-{}", f.id)}>{ f.label }</label>
                        { control(f.id, f.kind) }
                        if !f.hint.is_empty() {
                            <span id={format!("mc-{}-hint", f.id)} class="m-config-hint">{ f.hint }</span>
                        }
                    </div>
                }) }
            </fieldset>
        }
    });
    let apply = {
        let (dispatch, close, error) = (props.dispatch.clone(), props.close.clone(), error.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match from_form(read) {
                Ok(s) => {
                    dispatch.emit(MultiAction::Load(Box::new(s)));
                    close.emit(());
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    html! {
        <Modal id="mconfig-dialog" title="Configure the run" close={props.close.clone()} opener="mconfigure" class="m-config-dialog">
            <form class="m-config" onsubmit={apply} novalidate=true>
                <p class="m-config-note">{ "Applying starts a new run from step 0 with these settings. The variants marked Broken are wrong on purpose, to show what breaks." }</p>
                { for groups }
                if let Some(e) = (*error).clone() {
                    <p id="mconfig-error" class="m-config-error" role="alert">{ e }</p>
                }
                <div class="m-config-actions">
                    <button id="mconfig-apply" type="submit" class="btn primary">{ "Apply" }</button>
                </div>
            </form>
        </Modal>
    }
}
