//! Clients: ask any proposer to propose a value (letters, as shown on screen).

use super::input_value;
use crate::protocol::{NodeId, Value};
use crate::sim::Action;
use crate::ui::model::PanelProps;
use crate::view::{client::value_note, UiAction};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[function_component(Clients)]
pub fn clients(props: &PanelProps) -> Html {
    let p = props.model.playground.borrow();
    let proposers = p.history.world().system.cluster.proposers.clone();
    let node = use_state(|| proposers.first().copied().unwrap_or(NodeId(0)));
    let value = use_state(|| "C".to_string());
    let on_node = {
        let node = node.clone();
        Callback::from(move |e: Event| {
            let v = e.target_dyn_into::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
            if let Ok(n) = v.parse::<u8>() {
                node.set(NodeId(n));
            }
        })
    };
    let on_value = {
        let value = value.clone();
        Callback::from(move |e: InputEvent| value.set(input_value(&e)))
    };
    let submit = {
        let (node, value, d) = (node.clone(), value.clone(), props.dispatch.clone());
        let proposers = proposers.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let target = if proposers.contains(&node) { *node } else { proposers.first().copied().unwrap_or(*node) };
            match Value::parse(&value) {
                Some(v) => {
                    d.emit(UiAction::DismissError);
                    d.emit(UiAction::Act(Action::Propose { node: target, value: v }));
                }
                None => d.emit(UiAction::ShowError(format!(
                    "\"{}\" is not a value: use letters, A to Z (or AA, AB, ...).",
                    value.chars().take(12).collect::<String>()
                ))),
            }
        })
    };
    html! {
        <section id="clients" class="panel" aria-labelledby="clients-title">
            <h2 id="clients-title">{ "Clients" }</h2>
            <form class="row" onsubmit={submit}>
                <label>
                    <span>{ "Ask" }</span>
                    <select id="client-node" onchange={on_node} aria-label="Proposer">
                        { for proposers.iter().map(|n| html! {
                            <option value={n.0.to_string()} selected={*n == *node}>{ format!("proposer {n}") }</option>
                        }) }
                    </select>
                </label>
                <label>
                    <span>{ "to propose" }</span>
                    <input id="client-value" type="text" maxlength="6" size="4" value={(*value).clone()}
                        oninput={on_value} aria-label="Value (letters)" autocomplete="off" spellcheck="false" />
                </label>
                <button id="client-propose" class="btn" type="submit">{ "Propose" }</button>
            </form>
            <p id="client-note" class="hint" aria-live="polite">{ value_note(&value).unwrap_or_default() }</p>
        </section>
    }
}
