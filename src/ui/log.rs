//! The event log panel: the past events as sentences, newest first, filtered by node and by
//! kind. Clicking a row (or Enter / Space on it) seeks to the state right after that event;
//! the arrow keys move among the rows.

use super::model::{on_click, PanelProps};
use crate::protocol::NodeId;
use crate::view::log::{self, KindFilter, LogFilter, LogRow, KIND_GROUPS, LOG_ROWS_MAX};
use crate::view::UiAction;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

fn select_value(e: &Event) -> String {
    e.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()).map(|s| s.value()).unwrap_or_default()
}

#[function_component(EventLog)]
pub fn event_log(props: &PanelProps) -> Html {
    let filter = use_state(LogFilter::default);
    let p = props.model.playground.borrow();
    let (cursor, frontier, events) = (p.history.cursor(), p.history.frontier(), p.history.trace.len());
    let key = (cursor, frontier, events, p.scenario.seed, (*filter).clone());
    // The rows change only when the cursor, the recorded trace or the filter does, not on
    // every animation frame: computing them once per change keeps long runs cheap.
    let rows = {
        let playground = props.model.playground.clone();
        use_memo(key, move |(cursor, _, _, _, f)| {
            let p = playground.borrow();
            log::rows(p.history.past(), *cursor, f, LOG_ROWS_MAX, p.history.world().system.nodes.len())
        })
    };
    let node_count = p.history.world().system.nodes.len();
    let roles = p.history.world().system.cluster.roles.clone();
    drop(p);
    let on_node = {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            let node = select_value(&e).parse::<u8>().ok().map(NodeId);
            filter.set(LogFilter { node, ..(*filter).clone() });
        })
    };
    let on_kind = {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            filter.set(LogFilter { kind: KindFilter::parse(&select_value(&e)), ..(*filter).clone() })
        })
    };
    let node_option = |i: usize| {
        let n = NodeId(i as u8);
        html! { <option value={i.to_string()} selected={filter.node == Some(n)}>{ format!("{n} {}", roles[i].label()) }</option> }
    };
    let kind_value = filter.kind.value();
    html! {
        <section id="log" class="panel log-panel" aria-labelledby="log-heading">
            <h2 id="log-heading">{ "Event log" }</h2>
            <div class="log-filters">
                <span class="log-filter">
                    <label for="log-node">{ "Node" }</label>
                    <select id="log-node" onchange={on_node}>
                        <option value="" selected={filter.node.is_none()}>{ "all nodes" }</option>
                        { for (0..node_count).map(node_option) }
                    </select>
                </span>
                <span class="log-filter">
                    <label for="log-kind">{ "Kind" }</label>
                    <select id="log-kind" onchange={on_kind}>
                        <option value="" selected={kind_value.is_empty()}>{ "all kinds" }</option>
                        { for KIND_GROUPS.iter().map(|(key, label, tags)| html! {
                            <optgroup label={*label}>
                                <option value={format!("group:{key}")} selected={kind_value == format!("group:{key}")}>
                                    { format!("all {}", label.to_ascii_lowercase()) }
                                </option>
                                { for tags.iter().map(|t| html! { <option value={*t} selected={kind_value == *t}>{ *t }</option> }) }
                            </optgroup>
                        }) }
                    </select>
                </span>
            </div>
            <Rows rows={rows} dispatch={props.dispatch.clone()} />
        </section>
    }
}

#[derive(Properties, Clone)]
struct RowsProps {
    /// The rows, newest first, and whether older ones were left out.
    rows: Rc<(Vec<LogRow>, bool)>,
    dispatch: Callback<UiAction>,
}

/// Redraws only when the rows change (the dispatch always reaches the same reducer).
impl PartialEq for RowsProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.rows, &other.rows) || self.rows == other.rows
    }
}

#[function_component(Rows)]
fn rows(props: &RowsProps) -> Html {
    let (rows, more) = (&props.rows.0, props.rows.1);
    if rows.is_empty() {
        return html! { <p class="panel-empty">{ "No events yet (or none match the filters). Press Play or Step." }</p> };
    }
    html! {
        <>
            <ol class="log-rows" aria-label="Past events, newest first">
                { for rows.iter().enumerate().map(|(i, r)| row(r, i == 0, &props.dispatch)) }
            </ol>
            if more {
                <p class="log-more">{ format!("Showing the newest {LOG_ROWS_MAX}; filter or scrub back for older events.") }</p>
            }
        </>
    }
}

fn row(r: &LogRow, first: bool, dispatch: &Callback<UiAction>) -> Html {
    let step = r.step;
    let onclick = on_click(dispatch, log::seek_to_row(step));
    let class = classes!("log-row", format!("tag-{}", r.tag), r.current.then_some("current"));
    html! {
        <li key={r.index} {class} data-step={step.to_string()} data-kind={r.tag} tabindex={if first { "0" } else { "-1" }}
            aria-current={r.current.then_some("step")} title="Show the state right after this event" {onclick}
            onkeydown={row_keys(dispatch, step)}>
            <span class="log-time">{ format!("t={}", r.time) }</span>
            <span class="log-step">{ format!("step {step}") }</span>
            <span class="log-text">{ r.text.clone() }</span>
        </li>
    }
}

/// Keys on a row of a list of past events. Enter or Space seeks to the state after it; the
/// arrows, Home and End move among the rows. The list is one tab stop (only its first row has
/// tabindex 0), so a long log does not stand between the keyboard and the rest of the page.
pub(super) fn row_keys(dispatch: &Callback<UiAction>, step: u64) -> Callback<KeyboardEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |e: KeyboardEvent| {
        let row = e.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let list = row.as_ref().and_then(|r| r.parent_element());
        let next = match e.key().as_str() {
            "Enter" | " " => {
                dispatch.emit(log::seek_to_row(step));
                None
            }
            "ArrowDown" => row.and_then(|r| r.next_element_sibling()),
            "ArrowUp" => row.and_then(|r| r.previous_element_sibling()),
            "Home" => list.and_then(|l| l.first_element_child()),
            "End" => list.and_then(|l| l.last_element_child()),
            _ => return,
        };
        e.prevent_default();
        e.stop_propagation();
        if let Some(el) = next.and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) {
            el.focus().ok();
        }
    })
}
