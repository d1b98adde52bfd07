//! The Multi-Paxos page's panels: time controls, banners, the link, the clients, the log
//! strips, the key-value stores, the clients' history and the safety checks. Each draws its part
//! of the frame; the model decides everything.

use super::{link_now, Model, Part};
use crate::protocol::multi::{Key, KvOp, Val};
use crate::protocol::NodeId;
use crate::view::multi::{CellState, MultiAction, MultiSelection, Verdict};
use crate::view::state::{SPEED_MAX, SPEED_MIN};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

fn input_value(e: &Event) -> String {
    e.target_dyn_into::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default()
}

fn select_value(e: &Event) -> String {
    e.target_dyn_into::<HtmlSelectElement>().map(|i| i.value()).unwrap_or_default()
}

fn send(dispatch: &Callback<MultiAction>, action: MultiAction) -> Callback<MouseEvent> {
    dispatch.reform(move |_: MouseEvent| action.clone())
}

/// The model's error (with a dismiss button) and notice.
pub fn banners(p: &Part) -> Html {
    let f = &p.frame;
    html! {
        <>
            if let Some(e) = &f.error {
                <div id="merror" class="banner error" role="alert">
                    <span>{ e }</span>
                    <button class="btn" onclick={send(&p.dispatch, MultiAction::DismissError)}>{ "Dismiss" }</button>
                </div>
            }
            if let Some(n) = &f.notice {
                <div id="mnotice" class="banner notice" role="status">
                    <span>{ n }</span>
                    <button class="btn" onclick={send(&p.dispatch, MultiAction::DismissNotice)}>{ "Dismiss" }</button>
                </div>
            }
        </>
    }
}

/// Play, step back and forward, the scrubber over the recorded run, the speed and the clock.
pub fn time_controls(p: &Part) -> Html {
    let f = &p.frame;
    let seek = p.dispatch.reform(|e: InputEvent| MultiAction::Seek(input_value(&e).parse().unwrap_or(0)));
    let speed = p.dispatch.reform(|e: InputEvent| {
        let v: f64 = input_value(&e).parse().unwrap_or(0.0);
        MultiAction::SetSpeed(10f64.powf(v / 100.0))
    });
    let slider = ((f.speed.log10() * 100.0).round() as i32).to_string();
    html! {
        <div class="m-time" role="group" aria-label="Time">
            <button id="mplay" class="btn primary" aria-pressed={f.playing.to_string()}
                onclick={send(&p.dispatch, MultiAction::TogglePlay)} title="Play or pause (Space)">
                { if f.playing { "Pause" } else { "Play" } }
            </button>
            <button id="mback" class="btn" onclick={send(&p.dispatch, MultiAction::StepBack)}
                disabled={f.step == 0} title="Step back one event (←)">{ "◀ Step" }</button>
            <button id="mfwd" class="btn" onclick={send(&p.dispatch, MultiAction::StepForward)}
                title="Step forward one event (→)">{ "Step ▶" }</button>
            <label class="m-scrub">
                <span class="sr-only">{ "Time: step" }</span>
                <input id="mscrub" type="range" min="0" max={f.frontier.max(f.step).to_string()}
                    value={f.step.to_string()} oninput={seek} aria-valuetext={format!("step {} of {}", f.step, f.frontier)} />
            </label>
            <label class="m-speed">
                { "Speed" }
                <input id="mspeed" type="range" min={((SPEED_MIN.log10() * 100.0) as i32).to_string()}
                    max={((SPEED_MAX.log10() * 100.0) as i32).to_string()} value={slider} oninput={speed}
                    aria-valuetext={format!("{:.1} times", f.speed)} />
            </label>
            <span id="mclock" class="m-clock" aria-live="off">{ format!("step {} · t={}", f.step, f.time) }</span>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ModelProps {
    pub model: Model,
}

/// Copies the link that reproduces the run, and shows it (for a browser without a clipboard).
#[function_component(CopyLink)]
pub fn copy_link(props: &ModelProps) -> Html {
    let shown = use_state(|| None::<(String, bool)>);
    let onclick = {
        let (shown, model) = (shown.clone(), props.model.clone());
        Callback::from(move |_: MouseEvent| {
            let link = link_now(&model.playground.borrow());
            shown.set(Some((link.clone(), false)));
            let shown = shown.clone();
            crate::ui::clipboard::copy_text(link.clone(), move |ok| shown.set(Some((link, ok))));
        })
    };
    html! {
        <span class="m-copy">
            <button id="mcopy" class="btn" {onclick} title="Put this run, at this moment, in a link">{ "Copy link" }</button>
            if let Some((link, copied)) = &*shown {
                <input id="mlink" readonly=true value={link.clone()} aria-label="Link to this run" />
                <span class="hint" role="status">{ if *copied { "Copied" } else { "" } }</span>
            }
        </span>
    }
}

/// Operations by hand, from a chosen client; the automatic workload's switch; each client's
/// outstanding request, retries and redirects.
#[function_component(ClientPanel)]
pub fn client_panel(p: &Part) -> Html {
    let f = &p.frame;
    let client = use_state(|| 0usize);
    let op = use_state(|| "write".to_string());
    let key = use_state(|| 0u8);
    let value = use_state(|| 1u32);
    let from = use_state(|| 0u32);
    let keys = f.kv.first().map_or(1, |t| t.rows.len().max(1)) as u8;
    let chosen = f.clients.get(*client).or(f.clients.first());
    let submit = {
        let (op, key, value, from, dispatch) =
            (op.clone(), key.clone(), value.clone(), from.clone(), p.dispatch.clone());
        let id: Option<NodeId> = chosen.map(|c| c.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(client) = id else { return };
            let k = Key(*key);
            let op = match op.as_str() {
                "read" => KvOp::Read { key: k },
                "cas" => KvOp::Cas { key: k, from: Val(*from), to: Val(*value) },
                _ => KvOp::Write { key: k, value: Val(*value) },
            };
            dispatch.emit(MultiAction::Client { client, op });
        })
    };
    let numbers = |current: u32| {
        (0..10u32)
            .map(|v| html! { <option value={v.to_string()} selected={v == current}>{ v }</option> })
            .collect::<Html>()
    };
    let workload = {
        let on = f.workload;
        send(&p.dispatch, MultiAction::SetWorkload(!on))
    };
    html! {
        <div id="mclients" class="panel m-clients">
            <h2>{ "Clients" }</h2>
            <form class="m-op" onsubmit={submit} aria-label="Send an operation by hand">
                <label>{ "Client" }
                    <select id="mclient" onchange={let c = client.clone(); Callback::from(move |e: Event| c.set(select_value(&e).parse().unwrap_or(0)))}>
                        { for f.clients.iter().enumerate().map(|(i, c)| html! {
                            <option value={i.to_string()} selected={i == *client}>{ &c.label }</option> }) }
                    </select>
                </label>
                <label>{ "Operation" }
                    <select id="mop" onchange={let o = op.clone(); Callback::from(move |e: Event| o.set(select_value(&e)))}>
                        { for [("read", "read"), ("write", "write"), ("cas", "compare-and-set")].iter().map(|(v, t)| html! {
                            <option value={*v} selected={*op == *v}>{ *t }</option> }) }
                    </select>
                </label>
                <label>{ "Key" }
                    <select id="mkey" onchange={let k = key.clone(); Callback::from(move |e: Event| k.set(select_value(&e).parse().unwrap_or(0)))}>
                        { for (0..keys).map(|k| html! { <option value={k.to_string()} selected={k == *key}>{ Key(k).to_string() }</option> }) }
                    </select>
                </label>
                if *op == "cas" {
                    <label>{ "If it is" }
                        <select id="mfrom" onchange={let v = from.clone(); Callback::from(move |e: Event| v.set(select_value(&e).parse().unwrap_or(0)))}>
                            { numbers(*from) }
                        </select>
                    </label>
                }
                if *op != "read" {
                    <label>{ if *op == "cas" { "set it to" } else { "Value" } }
                        <select id="mvalue" onchange={let v = value.clone(); Callback::from(move |e: Event| v.set(select_value(&e).parse().unwrap_or(0)))}>
                            { numbers(*value) }
                        </select>
                    </label>
                }
                <button id="msend" class="btn primary" type="submit" disabled={chosen.is_none_or(|c| c.busy)}>{ "Send" }</button>
            </form>
            <label class="m-workload">
                <input id="mworkload" type="checkbox" checked={f.workload} onclick={workload} />
                { " Automatic workload (random reads, writes and compare-and-sets)" }
            </label>
            <ul class="m-client-list">
                { for f.clients.iter().map(|c| html! {
                    <li data-client={c.id.0.to_string()} data-busy={c.busy.to_string()}>
                        <b>{ &c.label }</b>{ format!(" → {}: ", c.sends_to) }
                        { c.outstanding.clone().unwrap_or_else(|| "idle".into()) }
                        if c.retries > 0 || c.redirects > 0 {
                            <span class="muted">{ format!(" · {} retries, {} redirects", c.retries, c.redirects) }</span>
                        }
                    </li>
                }) }
            </ul>
        </div>
    }
}

/// What the selection (a slot, an operation, a client) is, line by line.
pub fn inspector(p: &Part) -> Html {
    let Some(i) = &p.frame.inspector else {
        return html! {
            <div id="minspector" class="panel m-inspector">
                <h2>{ "Inspector" }</h2>
                <p class="hint">{ "Select a slot's number in the logs, an operation in the history or a client on the stage to see its story here." }</p>
            </div>
        };
    };
    html! {
        <div id="minspector" class="panel m-inspector" aria-live="polite">
            <h2>{ &i.title }</h2>
            <ul>{ for i.lines.iter().map(|l| html! { <li>{ l }</li> }) }</ul>
            <button class="btn" onclick={send(&p.dispatch, MultiAction::Select(MultiSelection::None))}>{ "Clear" }</button>
        </div>
    }
}

/// Slots the log strips show at once.
pub const LOG_WINDOW: u64 = crate::view::multi::frame::LOG_WINDOW;

#[derive(Properties, PartialEq)]
pub struct LogProps {
    pub part: Part,
    /// The window's first slot; `None` follows the newest slot.
    pub from: Option<u64>,
    pub on_from: Callback<Option<u64>>,
}

fn cell_class(s: &CellState) -> (&'static str, &'static str, String) {
    match s {
        CellState::Empty => ("empty", "", "empty".into()),
        CellState::Accepted(b) => ("accepted", "a", format!("accepted at {b}")),
        CellState::Chosen => ("chosen", "c", "chosen".into()),
        CellState::Applied => ("applied", "✓", "applied".into()),
        CellState::NoOp => ("noop", "∅", "no-op".into()),
        CellState::Compacted => ("compacted", "▒", "compacted into a snapshot".into()),
    }
}

/// One strip per replica, a cell per slot coloured by state, the commit point marked, slots
/// where replicas differ flagged; a window of slots that follows the newest unless moved.
/// Cells and slot numbers are keyed by slot, in a list of their own (a fragment: `html!` would
/// otherwise put them in one list with the row's name, which has no key, and Yew compares such a
/// list place by place, so a window moved on by a slot replaced every cell): when the window
/// moves on by a slot, each row loses its first cell and gains a last one.
#[function_component(LogStrips)]
pub fn log_strips(props: &LogProps) -> Html {
    let log = &props.part.frame.log;
    let newest = log.newest_slot.unwrap_or(0);
    let on_range = props.on_from.reform(|e: InputEvent| input_value(&e).parse::<u64>().ok());
    let follow = {
        let on_from = props.on_from.clone();
        let first = log.first_slot;
        Callback::from(move |e: Event| {
            let checked = e.target_dyn_into::<HtmlInputElement>().is_some_and(|i| i.checked());
            on_from.emit(if checked { None } else { Some(first) })
        })
    };
    let slots: Vec<u64> =
        if log.last_slot < log.first_slot { Vec::new() } else { (log.first_slot..=log.last_slot).collect() };
    let select =
        |slot: u64| props.part.dispatch.reform(move |_: MouseEvent| MultiAction::Select(MultiSelection::Slot(slot)));
    html! {
        <section id="mlog" class="panel m-log" aria-label="The replicas' logs">
            <div class="m-log-head">
                <h2>{ "Logs" }</h2>
                <span class="hint">{ format!("slots {}–{}, newest {}; all chosen below {}", log.first_slot, log.last_slot, newest, log.chosen_below) }</span>
                <label>{ "From slot " }
                    <input id="mlog-from" type="range" min="0" max={newest.saturating_sub(LOG_WINDOW - 1).to_string()}
                        value={log.first_slot.to_string()} oninput={on_range} />
                </label>
                <label><input id="mlog-follow" type="checkbox" checked={props.from.is_none()} onchange={follow} />{ " Follow the newest slot" }</label>
            </div>
            <div class="m-strips" role="table" aria-label="Log cells by replica and slot">
                <div class="m-row slots" role="row">
                    <span class="m-label" role="columnheader">{ "slot" }</span>
                    <>{ for slots.iter().zip(log.differs.iter().chain(std::iter::repeat(&false))).map(|(s, d)| html! {
                        <button key={*s} class={classes!("m-slot", d.then_some("differs"))} role="columnheader" onclick={select(*s)}
                            title={if *d { format!("slot {s}: the replicas differ") } else { format!("slot {s}") }}>{ s }</button> }) }</>
                </div>
                { for log.rows.iter().map(|r| html! {
                    <div class={classes!("m-row", (!r.up).then_some("down"))} role="row" data-replica={r.replica.0.to_string()}>
                        <span class="m-label" role="rowheader">{ &r.label }{ if r.up { "" } else { " (down)" } }</span>
                        <>{ for r.cells.iter().map(|c| html! {
                            <Cell key={c.slot} slot={c.slot} state={c.state.clone()} text={c.text.clone()}
                                commit={c.slot == r.commit} first={c.slot == log.first_slot} dispatch={props.part.dispatch.clone()} />
                        }) }</>
                    </div>
                }) }
            </div>
            <p class="m-legend" aria-label="Legend">
                <span class="m-cell empty"></span>{ " empty " }
                <span class="m-cell accepted">{ "a" }</span>{ " accepted " }
                <span class="m-cell chosen">{ "c" }</span>{ " chosen " }
                <span class="m-cell applied">{ "✓" }</span>{ " applied " }
                <span class="m-cell noop">{ "∅" }</span>{ " no-op " }
                <span class="m-cell compacted">{ "▒" }</span>{ " compacted " }
                <span class="m-cell commit"></span>{ " commit point " }
                <span class="m-slot differs">{ "7" }</span>{ " replicas differ" }
            </p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct CellProps {
    slot: u64,
    state: CellState,
    text: String,
    /// The replica's commit point is this slot.
    commit: bool,
    /// The window's first slot: the strip's Tab stop.
    first: bool,
    dispatch: Callback<MultiAction>,
}

/// A log cell: a component of its own, so that Yew skips the cells a step left alone (a strip
/// of the window holds dozens, and a step changes a few).
#[function_component(Cell)]
fn cell(c: &CellProps) -> Html {
    let (class, mark, what) = cell_class(&c.state);
    let commit = c.commit.then_some("commit");
    let title = if c.text.is_empty() {
        format!("slot {}: {what}", c.slot)
    } else {
        format!("slot {}: {}, {what}", c.slot, c.text)
    };
    // One Tab stop per strip; the arrows move along it (`ui::multi::help`).
    let tab = if c.first { "0" } else { "-1" };
    let slot = c.slot;
    let select = c.dispatch.reform(move |_: MouseEvent| MultiAction::Select(MultiSelection::Slot(slot)));
    html! { <span class={classes!("m-cell", class, commit)} role="cell" title={title.clone()} aria-label={title}
    data-slot={c.slot.to_string()} tabindex={tab} onclick={select}>{ mark }</span> }
}

/// Each replica's store: key, value, version; changed cells highlighted, a lagging replica and
/// its differing keys marked.
#[function_component(KvTables)]
pub fn kv_tables(p: &Part) -> Html {
    let most = p.frame.kv.iter().map(|t| t.applied).max().unwrap_or(0);
    html! {
        <section id="mkv" class="panel m-kv" aria-label="Key-value stores">
            <h2>{ "Stores" }</h2>
            <div class="m-kv-grid">
            { for p.frame.kv.iter().map(|t| {
                let lag = t.applied < most;
                html! {
                    <table class={classes!("m-store", lag.then_some("lags"), (!t.up).then_some("down"))} data-replica={t.replica.0.to_string()}>
                        <caption>{ &t.label }{ format!(" · applied below {}", t.applied) }{ if lag { " · lags" } else { "" } }{ if t.up { "" } else { " · down" } }</caption>
                        <thead><tr><th scope="col">{ "key" }</th><th scope="col">{ "value" }</th><th scope="col">{ "version" }</th></tr></thead>
                        <tbody>
                        { for t.rows.iter().map(|r| html! {
                            <tr class={classes!(r.changed_this_step.then_some("changed"), r.differs_from_leader.then_some("differs"))}
                                data-key={r.key.clone()}>
                                <th scope="row">{ &r.key }</th>
                                <td class="value">{ if r.value.is_empty() { "—".to_string() } else { r.value.clone() } }</td>
                                <td>{ r.version }</td>
                            </tr>
                        }) }
                        </tbody>
                    </table>
                }
            }) }
            </div>
        </section>
    }
}

/// Each client a lane, each operation a bar from its call to its reply (open-ended while
/// waiting or timed out), with the live linearizability verdict; a click on a bar seeks to it.
#[function_component(History)]
pub fn history(p: &Part) -> Html {
    let h = &p.frame.history;
    let now = p.frame.time;
    let start = h.lanes.iter().flat_map(|l| l.ops.iter().map(|o| o.start_time)).min().unwrap_or(0);
    let span = now.saturating_sub(start).max(1) as f64;
    let (verdict, text) = match h.verdict {
        Verdict::Green => ("green", "Linearizable: every completed operation fits one order."),
        Verdict::Red => ("red", "Not linearizable."),
        Verdict::Pending => ("pending", "Checking…"),
    };
    html! {
        <section id="mhistory" class="panel m-history" aria-label="The clients' history">
            <h2>{ "History" }</h2>
            <p id="mverdict" class="m-verdict" data-verdict={verdict} role="status">
                <b>{ text }</b>{ format!(" {} operations, {} completed.", h.total, h.completed) }
                if !h.explanation.is_empty() { <span class="m-explain">{ format!(" {}", h.explanation) }</span> }
            </p>
            { for h.lanes.iter().map(|lane| html! {
                <div class="m-lane" data-client={lane.client.0.to_string()}>
                    <span class="m-label">{ &lane.label }</span>
                    <div class="m-bars">
                    { for lane.ops.iter().map(|o| {
                        let end = o.end_time.unwrap_or(now);
                        let left = (o.start_time.saturating_sub(start)) as f64 / span * 100.0;
                        let width = (end.saturating_sub(o.start_time) as f64 / span * 100.0).max(1.5).min(100.0 - left);
                        let what = if o.open { format!("{} (no answer yet)", o.text) } else { format!("{} → {}", o.text, o.result) };
                        let seek = {
                            let (d, step, index) = (p.dispatch.clone(), o.start_step, o.index);
                            Callback::from(move |_: MouseEvent| {
                                d.emit(MultiAction::Seek(step));
                                d.emit(MultiAction::Select(MultiSelection::Op(index)));
                            })
                        };
                        html! {
                            <button class={classes!("m-op-bar", o.open.then_some("open"), o.in_violation.then_some("violation"),
                                    (p.frame.selection == MultiSelection::Op(o.index)).then_some("selected"))}
                                style={format!("left:{left:.2}%;width:{width:.2}%")} data-op={o.index.to_string()}
                                title={format!("{what}, called at t={}{}", o.start_time, o.end_time.map_or(String::new(), |t| format!(", answered at t={t}")))}
                                aria-label={format!("{} {what}: go to step {}", lane.label, o.start_step)} onclick={seek}>
                                { what }
                            </button>
                        }
                    }) }
                    </div>
                </div>
            }) }
        </section>
    }
}

/// The Multi-Paxos invariants and linearizability, each green or red with the step that broke it.
#[function_component(Safety)]
pub fn safety(p: &Part) -> Html {
    html! {
        <section id="msafety" class="panel m-safety" aria-label="Safety">
            <h2>{ "Safety" }</h2>
            <ul>
            { for p.frame.safety.iter().map(|r| html! {
                <li data-ok={r.ok.to_string()} title={r.meaning}>
                    <span class="m-dot" aria-hidden="true">{ if r.ok { "✓" } else { "✗" } }</span>
                    <b>{ r.name }</b>
                    { match r.broke_at { Some(s) => format!(": broken at step {s}"), None if r.ok => ": holds".to_string(), None => ": broken".to_string() } }
                    <span class="m-meaning">{ r.meaning }</span>
                </li>
            }) }
            </ul>
        </section>
    }
}
