//! The configuration dialog: roles or servers, quorum sizes (with the UNSAFE warning live),
//! backoff, Nack, the broken teaching variants and the seed. "Start new world" loads the
//! scenario the draft describes; anything invalid is said in the dialog and in `#error-banner`.

use super::controls::input_value;
use super::dialog::Modal;
use super::model::{on_click_unit, Model};
use crate::view::config_draft::Draft;
use crate::view::UiAction;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ConfigProps {
    pub model: Model,
    pub dispatch: Callback<UiAction>,
    pub close: Callback<()>,
}

type Edit = fn(&mut Draft, String);
type Toggle = fn(&mut Draft, bool);

#[function_component(ConfigDialog)]
pub fn config_dialog(props: &ConfigProps) -> Html {
    let base = props.model.playground.borrow().scenario.config.clone();
    let draft = {
        let p = props.model.playground.borrow();
        use_state(|| Draft::of(&p.scenario))
    };
    let text = |edit: Edit| {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let mut d = (*draft).clone();
            edit(&mut d, input_value(&e));
            draft.set(d);
        })
    };
    let check = |edit: Toggle| {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let on = e.target_dyn_into::<web_sys::HtmlInputElement>().is_some_and(|i| i.checked());
            let mut d = (*draft).clone();
            edit(&mut d, on);
            draft.set(d);
        })
    };
    let checked = draft.config(&base);
    let warnings = checked.as_ref().map(|c| c.warnings()).unwrap_or_default();
    let reset = {
        let (draft, base, d, close) = (draft.clone(), base.clone(), props.dispatch.clone(), props.close.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match draft.scenario(&base) {
                Ok(s) => {
                    d.emit(UiAction::DismissError);
                    d.emit(UiAction::Load(Box::new(s)));
                    // The new world plays, unless the visitor prefers reduced motion.
                    if !super::model::reduced_motion() {
                        d.emit(UiAction::Play);
                    }
                    close.emit(());
                }
                Err(msg) => d.emit(UiAction::ShowError(format!("Cannot start this world: {msg}"))),
            }
        })
    };
    let cancel = on_click_unit(&props.close);
    let dr = &*draft;
    html! {
        <Modal id="config" title="Configure a new world" close={props.close.clone()} opener="open-config">
            <form id="config-form" class="dialog-form" onsubmit={reset}>
                // The other mode (`ui::start` loads it): a link, so it also opens in a new tab.
                <a id="open-multi" class="hint" href={super::url::here("mode=multi")}>{ "Multi-Paxos · key-value store" }</a>
                <fieldset>
                    <legend>{ "Nodes" }</legend>
                    <label class="check"><input id="cfg-servers" type="checkbox" checked={dr.servers}
                        onchange={check(|d, v| d.servers = v)} />{ " All-role servers (each node proposes, accepts and learns)" }</label>
                    if dr.servers {
                        { number("cfg-server-count", "Servers", &dr.server_count, text(|d, v| d.server_count = v)) }
                    } else {
                        <div class="row">
                            { number("cfg-proposers", "Proposers", &dr.proposers, text(|d, v| d.proposers = v)) }
                            { number("cfg-acceptors", "Acceptors", &dr.acceptors, text(|d, v| d.acceptors = v)) }
                            { number("cfg-learners", "Learners", &dr.learners, text(|d, v| d.learners = v)) }
                        </div>
                    }
                </fieldset>
                <fieldset>
                    <legend>{ "Quorums" }</legend>
                    <label class="check"><input id="cfg-custom-quorums" type="checkbox" checked={dr.custom_quorums}
                        onchange={check(|d, v| d.custom_quorums = v)} />{ " Choose quorum sizes (otherwise majorities)" }</label>
                    if dr.custom_quorums {
                        <div class="row">
                            { number("cfg-q1", "Phase-1 quorum", &dr.phase1, text(|d, v| d.phase1 = v)) }
                            { number("cfg-q2", "Phase-2 quorum", &dr.phase2, text(|d, v| d.phase2 = v)) }
                        </div>
                    }
                </fieldset>
                <fieldset>
                    <legend>{ "Protocol" }</legend>
                    <label class="check"><input id="cfg-backoff" type="checkbox" checked={dr.backoff}
                        onchange={check(|d, v| d.backoff = v)} />{ " Randomized backoff after a rejection" }</label>
                    <label class="check"><input id="cfg-nack" type="checkbox" checked={dr.nack}
                        onchange={check(|d, v| d.nack = v)} />{ " Acceptors answer stale ballots with Nack" }</label>
                    <label class="check broken"><input id="cfg-broken-ignore" type="checkbox" checked={dr.broken.ignore_accepted_values}
                        onchange={check(|d, v| d.broken.ignore_accepted_values = v)} />
                        <b>{ " BROKEN (teaching): " }</b>{ "proposers ignore values reported in promises" }</label>
                    <label class="check broken"><input id="cfg-broken-forget" type="checkbox" checked={dr.broken.forgetful_acceptors}
                        onchange={check(|d, v| d.broken.forgetful_acceptors = v)} />
                        <b>{ " BROKEN (teaching): " }</b>{ "acceptors forget everything when they recover" }</label>
                </fieldset>
                <fieldset>
                    <legend>{ "Run" }</legend>
                    <div class="row">
                        { number("cfg-seed", "Seed", &dr.seed, text(|d, v| d.seed = v)) }
                        <label class="check"><input id="cfg-clients" type="checkbox" checked={dr.clients_at_start}
                            onchange={check(|d, v| d.clients_at_start = v)} />{ " Each proposer's client asks for its own letter at the start" }</label>
                    </div>
                </fieldset>
                <div class="dialog-messages" aria-live="polite">
                    if let Err(e) = &checked { <p class="form-error">{ e }</p> }
                    { for warnings.iter().map(|w| html! { <p class="form-warning">{ w }</p> }) }
                </div>
                <div class="row end">
                    <button type="button" class="btn subtle" onclick={cancel}>{ "Cancel" }</button>
                    <button id="reset" type="submit" class="btn primary">{ "Start new world" }</button>
                </div>
            </form>
        </Modal>
    }
}

fn number(id: &'static str, label: &str, value: &str, oninput: Callback<InputEvent>) -> Html {
    html! {
        <label class="field" for={id}>
            <span>{ label }</span>
            <input {id} type="text" inputmode="numeric" size="5" value={value.to_string()} {oninput} autocomplete="off" />
        </label>
    }
}
