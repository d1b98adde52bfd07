//! The network panel: sliders for loss, duplication and the latency range (applied from now on),
//! and partitions: each node gets a group chip (press to move it to the next group), then
//! Partition splits the network along the chips; Heal joins everything again.

use super::input_value;
use crate::decimal::{fixed, shortest};
use crate::protocol::NodeId;
use crate::sim::{Action, NetParams};
use crate::ui::model::{on_click, PanelProps};
use crate::view::UiAction;
use yew::prelude::*;

/// Partition groups a person can pick from.
const GROUPS: u8 = 3;
/// Latency slider range, in ticks.
const LATENCY_MAX: u32 = 60;

/// A plain function: `NetworkForm` below is the component that skips unchanged renders.
pub fn network_panel(props: &PanelProps) -> Html {
    let p = props.model.playground.borrow();
    // Re-created (fresh drafts from the world) whenever the run changes other than by growing.
    html! { <NetworkForm key={p.epoch} ..props.clone() /> }
}

#[function_component(NetworkForm)]
fn network_form(props: &PanelProps) -> Html {
    let p = props.model.playground.borrow();
    let world = p.history.world();
    let current = world.net.typical();
    let draft = use_state(|| current);
    let node_count = world.system.nodes.len();
    let chips = use_state(|| {
        let partitioned = world.net.is_partitioned();
        (0..node_count)
            .map(|i| if partitioned { (world.net.group_of(NodeId(i as u8)).max(1) - 1) % GROUPS } else { 0 })
            .collect::<Vec<u8>>()
    });
    let partitioned = world.net.is_partitioned() || world.net.any_cut();
    let d = props.dispatch.clone();
    let slider = |field: fn(&mut NetParams, f64)| {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(v) = crate::decimal::parse_decimal(&input_value(&e)) {
                let mut next = *draft;
                field(&mut next, v);
                draft.set(next);
            }
        })
    };
    let apply = {
        let (draft, d) = (draft.clone(), d.clone());
        Callback::from(move |_: MouseEvent| {
            let params = *draft;
            if params.latency_ticks_min > params.latency_ticks_max {
                d.emit(UiAction::ShowError("Latency: the minimum must not exceed the maximum.".into()));
            } else {
                d.emit(UiAction::Act(Action::SetNetwork { params }));
            }
        })
    };
    let partition = {
        let (chips, d) = (chips.clone(), d.clone());
        Callback::from(move |_: MouseEvent| d.emit(partition_action(&chips)))
    };
    let heal = on_click(&d, UiAction::Act(Action::Heal));
    let n = *draft;
    html! {
        <section id="network" class="panel" aria-labelledby="network-title">
            <h2 id="network-title">{ "Network" }</h2>
            <div class="sliders">
                { range("net-loss", "Loss", 0.0, 100.0, n.loss * 100.0, "%", slider(|p, v| p.loss = v / 100.0)) }
                { range("net-dup", "Duplication", 0.0, 100.0, n.duplicate * 100.0, "%", slider(|p, v| p.duplicate = v / 100.0)) }
                { range("net-latency-min", "Latency min", 1.0, LATENCY_MAX as f64, n.latency_ticks_min as f64, " ticks",
                    slider(|p, v| p.latency_ticks_min = v as u32)) }
                { range("net-latency-max", "Latency max", 1.0, LATENCY_MAX as f64, n.latency_ticks_max as f64, " ticks",
                    slider(|p, v| p.latency_ticks_max = v as u32)) }
            </div>
            <p class="hint">{ format!("Now: {}", Action::SetNetwork { params: current }.describe()) }</p>
            <button id="net-apply" class="btn" onclick={apply}>{ "Apply from now on" }</button>
            <h3>{ "Partition" }</h3>
            <p class="hint">{ "Press a node to move it to another group, then Partition." }</p>
            <div class="chips" role="group" aria-label="Partition groups">
                { for chips.iter().enumerate().map(|(i, &g)| chip(i, g, &chips)) }
            </div>
            <div class="row">
                <button id="partition" class="btn" onclick={partition}>{ "Partition" }</button>
                <button id="heal" class="btn" onclick={heal} aria-disabled={(!partitioned).to_string()}>{ "Heal" }</button>
                <span class="hint">{ if partitioned { "partitioned now" } else { "all connected" } }</span>
            </div>
        </section>
    }
}

/// The partition the chips describe, or an error when they describe none.
fn partition_action(chips: &[u8]) -> UiAction {
    let groups: Vec<Vec<NodeId>> = (0..GROUPS)
        .map(|g| chips.iter().enumerate().filter(|(_, &c)| c == g).map(|(i, _)| NodeId(i as u8)).collect())
        .filter(|g: &Vec<NodeId>| !g.is_empty())
        .collect();
    if groups.len() < 2 {
        return UiAction::ShowError(
            "Put at least one node in another group (press its chip) before partitioning.".into(),
        );
    }
    UiAction::Act(Action::Partition { groups })
}

fn chip(i: usize, group: u8, chips: &UseStateHandle<Vec<u8>>) -> Html {
    let chips = chips.clone();
    let onclick = Callback::from(move |_: MouseEvent| {
        let mut next = (*chips).clone();
        if let Some(g) = next.get_mut(i) {
            *g = (*g + 1) % GROUPS;
        }
        chips.set(next);
    });
    // The name starts with the chip's words ("n0 G1"), so saying what one sees presses it; the
    // words in parentheses say what they mean.
    let (now, next) = (group + 1, (group + 1) % GROUPS + 1);
    let label = format!("n{i} G{now} (n{i} is in group {now}; press to move it to group {next})");
    html! {
        <button class={classes!("chip", format!("group-{now}"))} data-chip={i.to_string()}
            aria-label={label} {onclick}>
            { format!("n{i} ") }<span class="chip-group">{ format!("G{now}") }</span>
        </button>
    }
}

#[allow(clippy::too_many_arguments)]
fn range(
    id: &'static str,
    label: &str,
    min: f64,
    max: f64,
    value: f64,
    unit: &str,
    oninput: Callback<InputEvent>,
) -> Html {
    html! {
        <label class="slider" for={id}>
            <span>{ label }</span>
            <input {id} type="range" min={shortest(min).to_string()} max={shortest(max).to_string()} step="1"
                value={fixed(value, 0).to_string()} {oninput} aria-valuetext={format!("{}{unit}", fixed(value, 0))} />
            <output>{ format!("{}{unit}", fixed(value, 0)) }</output>
        </label>
    }
}
