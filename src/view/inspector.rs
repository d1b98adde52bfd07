//! The inspector as data: everything about the selected node (its roles' state, what is in
//! memory versus on its disk, its history) or the selected message (payload and fate).
//!
//! Why memory and storage side by side: Paxos survives crashes because an acceptor writes its
//! promise and accepted proposal to storage before it replies; a crash loses the rest. Showing
//! both columns makes that visible: after a crash the memory column is gone and recovery
//! rebuilds it from the storage column alone.

use super::log::{concerns, describe_in, drop_reason};
use super::state::{Playground, Selection, UiAction};
use crate::protocol::{Ballot, Msg, NodeId, Phase, Proposal, Value};
use crate::sim::{Action, EventKind, InFlight, MsgId, NodeSlot, Tick, World};

/// Most history rows shown for a node (the newest).
pub const HISTORY_ROWS_MAX: usize = 60;

#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    pub title: String,
    pub rows: Vec<(String, String)>,
}

impl Section {
    fn new(title: &str) -> Section {
        Section { title: title.to_string(), rows: Vec::new() }
    }

    fn row(mut self, label: &str, value: impl Into<String>) -> Section {
        self.rows.push((label.to_string(), value.into()));
        self
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct HistoryRow {
    pub step: u64,
    pub time: Tick,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    pub node: NodeId,
    pub title: String,
    pub up: bool,
    pub proposer: bool,
    pub sections: Vec<Section>,
    /// Events concerning the node, newest first.
    pub history: Vec<HistoryRow>,
    /// Older history rows were left out.
    pub history_more: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Fate {
    /// Not sent at this point of the run (seeked back before its send, or a discarded future).
    NotSent,
    InFlight {
        arrive: Tick,
        doomed: bool,
    },
    Delivered {
        at: Tick,
    },
    Dropped {
        at: Tick,
        why: String,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct MessageView {
    pub id: MsgId,
    pub title: String,
    /// "prepare", "promise", ... (the token's `data-kind`).
    pub kind: String,
    pub rows: Vec<(String, String)>,
    pub fate: Fate,
    pub fate_text: String,
    pub copy_of: Option<MsgId>,
    pub copies: Vec<MsgId>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Inspector {
    Empty,
    Node(NodeView),
    Message(MessageView),
}

pub fn build(p: &Playground) -> Inspector {
    match p.selection {
        Selection::None => Inspector::Empty,
        Selection::Node(n) if n.index() < p.history.world().system.nodes.len() => Inspector::Node(node_view(p, n)),
        Selection::Node(_) => Inspector::Empty,
        Selection::Message(id) => Inspector::Message(message_view(p, id)),
    }
}

/// The action behind the propose button, or what is wrong with the typed value.
pub fn propose(node: NodeId, text: &str) -> Result<UiAction, String> {
    match Value::parse(text) {
        Some(value) => Ok(UiAction::Act(Action::Propose { node, value })),
        None if text.trim().is_empty() => Err("Type a value first: letters, like B.".to_string()),
        None => Err(format!("\"{}\" is not a value: use letters only, like B or AA.", text.trim())),
    }
}

fn ballot(b: Option<Ballot>) -> String {
    b.map_or("-".to_string(), |b| b.to_string())
}

fn proposal(p: Option<Proposal>) -> String {
    p.map_or("-".to_string(), |p| p.to_string())
}

fn value(v: Option<Value>) -> String {
    v.map_or("-".to_string(), |v| format!("\"{v}\""))
}

/// What a down node holds in memory: nothing the page may show as current.
const LOST: &str = "lost (down)";

/// The node's state as the inspector's sections show it.
fn sections(world: &World, n: NodeId) -> Vec<Section> {
    let slot = world.slot(n);
    let mut sections = vec![status(slot, world.timer_due(n))];
    sections.extend(acceptor(slot));
    sections.extend(proposer(world, slot));
    sections.extend(learner(world, slot));
    sections
}

/// One field the step at the cursor changed on a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// What the step at the cursor (the one that brought the run to it) changed on node `n`: each
/// field of the inspector whose text differs from the step before, as before and after ("-"
/// where the field did not exist, e.g. the promise count once phase 2 begins). Empty at step 0.
pub fn changes(p: &Playground, n: NodeId) -> Vec<Change> {
    let cursor = p.history.cursor();
    let world = p.history.world();
    if cursor == 0 || n.index() >= world.system.nodes.len() {
        return Vec::new();
    }
    let rows = |w: &World| -> Vec<(String, String)> { sections(w, n).into_iter().flat_map(|s| s.rows).collect() };
    let (before, after) = (rows(&p.history.world_at(cursor - 1)), rows(world));
    let find = |rows: &[(String, String)], field: &str| {
        rows.iter().find(|r| r.0 == field).map_or("-".to_string(), |r| r.1.clone())
    };
    let mut out: Vec<Change> = after
        .iter()
        .map(|(field, now)| Change { field: field.clone(), before: find(&before, field), after: now.clone() })
        .filter(|c| c.before != c.after)
        .collect();
    for (field, was) in before.iter().filter(|r| r.1 != "-" && !after.iter().any(|a| a.0 == r.0)) {
        out.push(Change { field: field.clone(), before: was.clone(), after: "-".to_string() });
    }
    out
}

fn node_view(p: &Playground, n: NodeId) -> NodeView {
    let world = p.history.world();
    let slot = world.slot(n);
    let roles = world.system.cluster.roles[n.index()];
    let sections = sections(world, n);
    let (history, history_more) = history(p, n);
    let state = if slot.up { "up" } else { "down" };
    NodeView {
        node: n,
        title: format!("{n} · {} · {state}", roles.label()),
        up: slot.up,
        proposer: roles.proposer,
        sections,
        history,
        history_more,
    }
}

fn status(slot: &NodeSlot, timer_due: Option<Tick>) -> Section {
    let timer = timer_due.map_or("none".to_string(), |t| format!("fires at t={t}"));
    Section::new("Status").row("state", if slot.up { "up" } else { "down (crashed)" }).row("retry timer", timer)
}

fn acceptor(slot: &NodeSlot) -> Option<Section> {
    let a = slot.node.acceptor.as_ref()?;
    let disk = slot.storage.acceptor;
    let mem = |s: String| if slot.up { s } else { LOST.to_string() };
    Some(
        Section::new("Acceptor")
            .row("promised, in memory", mem(ballot(a.durable.promised)))
            .row("promised, on storage", ballot(disk.promised))
            .row("accepted, in memory", mem(proposal(a.durable.accepted)))
            .row("accepted, on storage", proposal(disk.accepted))
            .row("decided (volatile)", mem(value(a.decided))),
    )
}

fn phase_rows(s: Section, phase: &Phase, q1: u8, q2: u8) -> Section {
    match *phase {
        Phase::Idle => s.row("phase", "idle (no client value)"),
        Phase::Preparing { ballot, promises, highest } => s
            .row("phase", "1: preparing")
            .row("ballot", ballot.to_string())
            .row("promises", format!("{} of {q1} needed", promises.len()))
            .row("highest accepted reported", proposal(highest)),
        Phase::Accepting { ballot, value: v, accepts } => s
            .row("phase", "2: accepting")
            .row("ballot", ballot.to_string())
            .row("proposing", format!("\"{v}\""))
            .row("accepts", format!("{} of {q2} needed", accepts.len())),
        Phase::Backoff => s.row("phase", "backing off before a new ballot"),
        Phase::Done { value: v } => s.row("phase", format!("done: \"{v}\" is chosen")),
    }
}

/// The highest round a Nack told the proposer about: it only ever comes from Nacks, so 0 means
/// none has arrived (not that the proposer is in round 0).
fn nack_round(round: u32) -> String {
    if round == 0 {
        "none yet".to_string()
    } else {
        round.to_string()
    }
}

fn proposer(world: &World, slot: &NodeSlot) -> Option<Section> {
    let pr = slot.node.proposer.as_ref()?;
    let s = Section::new("Proposer");
    if !slot.up {
        let s = s.row("phase, value, counts", LOST);
        return Some(s.row("max round, on storage", slot.storage.proposer.max_round.to_string()));
    }
    let q = world.system.cluster.quorums;
    let s = phase_rows(s, &pr.phase, q.phase1, q.phase2)
        .row("client's value", value(pr.value))
        .row("retries since the request", pr.attempts.to_string())
        .row("timeouts", pr.timeouts.to_string())
        .row("highest round in a Nack", nack_round(pr.round_seen))
        .row("max round, in memory", pr.durable.max_round.to_string())
        .row("max round, on storage", slot.storage.proposer.max_round.to_string());
    Some(s)
}

fn learner(world: &World, slot: &NodeSlot) -> Option<Section> {
    let l = slot.node.learner.as_ref()?;
    if !slot.up {
        return Some(Section::new("Learner").row("learned, tallies", LOST));
    }
    let q2 = world.system.cluster.quorums.phase2;
    let mut s = Section::new("Learner").row("learned", value(l.learned));
    for t in &l.tallies {
        s = s.row(&format!("tally {}", t.ballot), format!("\"{}\": {} of {q2}", t.value, t.acceptors.len()));
    }
    Some(s)
}

fn history(p: &Playground, n: NodeId) -> (Vec<HistoryRow>, bool) {
    let mut rows = Vec::new();
    for e in p.history.past().iter().rev().filter(|e| concerns(&e.kind, n)) {
        if rows.len() == HISTORY_ROWS_MAX {
            return (rows, true);
        }
        rows.push(HistoryRow {
            step: e.shown_step(),
            time: e.time,
            text: describe_in(&e.kind, p.history.world().system.nodes.len()),
        });
    }
    (rows, false)
}

/// What the trace says about one message up to the cursor.
#[derive(Default)]
struct Found {
    sent: Option<(Tick, NodeId, NodeId, Msg)>,
    copy_of: Option<MsgId>,
    copies: Vec<MsgId>,
    end: Option<Fate>,
}

fn find(p: &Playground, id: MsgId) -> Found {
    let mut f = Found::default();
    for e in p.history.past() {
        match &e.kind {
            EventKind::Send { id: i, from, to, msg, .. } if *i == id => f.sent = Some((e.time, *from, *to, *msg)),
            EventKind::Duplicate { of, id: i, from, to, msg, .. } if *i == id => {
                f.sent = Some((e.time, *from, *to, *msg));
                f.copy_of = Some(*of);
            }
            EventKind::Duplicate { of, id: i, .. } if *of == id => f.copies.push(*i),
            EventKind::Deliver { id: i, .. } if *i == id => f.end = Some(Fate::Delivered { at: e.time }),
            EventKind::Drop { id: i, to, reason, .. } if *i == id => {
                f.end = Some(Fate::Dropped { at: e.time, why: drop_reason(*reason, *to) })
            }
            _ => {}
        }
    }
    f
}

fn payload(msg: &Msg) -> Vec<(String, String)> {
    let r = |k: &str, v: String| (k.to_string(), v);
    match *msg {
        Msg::Prepare { ballot } => vec![r("ballot", ballot.to_string())],
        Msg::Promise { ballot, accepted } => {
            vec![r("ballot", ballot.to_string()), r("reports accepted", proposal(accepted))]
        }
        Msg::Nack { ballot, promised } => {
            vec![r("rejects ballot", ballot.to_string()), r("promised", promised.to_string())]
        }
        Msg::Accept { ballot, value: v } | Msg::Accepted { ballot, value: v } => {
            vec![r("ballot", ballot.to_string()), r("value", format!("\"{v}\""))]
        }
        Msg::Decided { value: v } => vec![r("value", format!("\"{v}\""))],
    }
}

fn message_view(p: &Playground, id: MsgId) -> MessageView {
    let world = p.history.world();
    let f = find(p, id);
    let flying: Option<InFlight> = world.in_flight().into_iter().find(|m| m.id == id);
    let fate = match (flying, f.end) {
        (Some(m), _) => Fate::InFlight { arrive: m.arrive, doomed: m.lost },
        (None, Some(end)) => end,
        (None, None) => Fate::NotSent,
    };
    let sent = flying.map(|m| (m.sent_at, m.from, m.to, m.msg)).or(f.sent);
    let mut rows = Vec::new();
    let (title, kind) = match sent {
        Some((at, from, to, msg)) => {
            rows.push(("from".to_string(), from.to_string()));
            rows.push(("to".to_string(), to.to_string()));
            rows.push(("sent at".to_string(), format!("t={at}")));
            rows.extend(payload(&msg));
            (format!("#{} {msg}", id.0), msg.kind().name().to_ascii_lowercase())
        }
        None => (format!("Message #{}", id.0), String::new()),
    };
    MessageView { id, title, kind, rows, fate_text: fate_text(&fate), fate, copy_of: f.copy_of, copies: f.copies }
}

fn fate_text(fate: &Fate) -> String {
    match fate {
        Fate::NotSent => "Not sent at this point of the run.".to_string(),
        Fate::InFlight { arrive, doomed: false } => format!("In flight, due at t={arrive}."),
        Fate::InFlight { arrive, doomed: true } => {
            format!("In flight, due at t={arrive}; the network has already decided to lose it.")
        }
        Fate::Delivered { at } => format!("Delivered at t={at}."),
        Fate::Dropped { at, why } => format!("Died at t={at}: {why}."),
    }
}

#[cfg(test)]
mod tests;
