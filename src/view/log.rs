//! The event log as data: one readable sentence per trace event, filters by node and by kind,
//! and the window of rows the page draws. The log shows the past (the events up to the cursor),
//! newest first, so the step just taken is always the first row and no scrolling is needed.
//!
//! Why a window: a 10,000-step run has tens of thousands of events; drawing only the newest
//! `LOG_ROWS_MAX` matching rows keeps each render small while the filters still search the
//! whole past.

use super::state::UiAction;
use crate::protocol::{Msg, NodeId, Note};
use crate::sim::{Action, DropReason, Event, EventKind};

/// Most rows drawn at once (the newest matching ones).
pub const LOG_ROWS_MAX: usize = 200;

/// Kinds of event, grouped for the kind filter. Each group lists `EventKind::tag` values.
pub const KIND_GROUPS: [(&str, &str, &[&str]); 5] = [
    ("messages", "Messages", &["send", "duplicate", "deliver", "drop", "reschedule"]),
    ("acceptors", "Acceptors", &["promise", "accept"]),
    ("proposers", "Proposers", &["proposer", "timeout"]),
    ("learning", "Learning", &["learned", "chosen"]),
    ("faults", "Faults and actions", &["crash", "recover", "action", "violation"]),
];

/// What the kind filter lets through.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum KindFilter {
    #[default]
    All,
    /// Every tag of one group (its key in `KIND_GROUPS`).
    Group(&'static str),
    /// One `EventKind::tag`.
    Tag(&'static str),
}

impl KindFilter {
    /// The `<option value>` of this filter: "", "group:messages" or a tag.
    pub fn value(&self) -> String {
        match self {
            KindFilter::All => String::new(),
            KindFilter::Group(g) => format!("group:{g}"),
            KindFilter::Tag(t) => (*t).to_string(),
        }
    }

    /// Reads an `<option value>` back; anything unknown means "all".
    pub fn parse(value: &str) -> KindFilter {
        if let Some(g) = value.strip_prefix("group:") {
            if let Some((key, _, _)) = KIND_GROUPS.iter().find(|(k, _, _)| *k == g) {
                return KindFilter::Group(key);
            }
        }
        let tag = KIND_GROUPS.iter().flat_map(|(_, _, tags)| tags.iter()).find(|t| **t == value);
        tag.map_or(KindFilter::All, |t| KindFilter::Tag(t))
    }

    pub fn matches(&self, tag: &str) -> bool {
        match self {
            KindFilter::All => true,
            KindFilter::Tag(t) => *t == tag,
            KindFilter::Group(g) => KIND_GROUPS.iter().any(|(k, _, tags)| k == g && tags.contains(&tag)),
        }
    }
}

/// The log's two filters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogFilter {
    pub node: Option<NodeId>,
    pub kind: KindFilter,
}

impl LogFilter {
    pub fn matches(&self, e: &Event) -> bool {
        self.kind.matches(e.kind.tag()) && self.node.is_none_or(|n| concerns(&e.kind, n))
    }
}

/// Whether an event concerns `node` (as `EventKind::nodes` says), without allocating for the
/// common kinds: filters run this over the whole past.
pub fn concerns(kind: &EventKind, node: NodeId) -> bool {
    match kind {
        EventKind::Send { from, to, .. }
        | EventKind::Duplicate { from, to, .. }
        | EventKind::Deliver { from, to, .. }
        | EventKind::Drop { from, to, .. } => *from == node || *to == node,
        EventKind::Timeout { node: n }
        | EventKind::Crash { node: n }
        | EventKind::Recover { node: n }
        | EventKind::Promised { node: n, .. }
        | EventKind::Accepted { node: n, .. }
        | EventKind::Proposer { node: n, .. }
        | EventKind::Learned { node: n, .. } => *n == node,
        _ => kind.nodes().contains(&node),
    }
}

/// One row of the log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRow {
    /// The event's position in the trace: a stable key for the row.
    pub index: usize,
    /// The step as people read it (`Event::shown_step`): the clock says this step when the
    /// page shows the state right after the event.
    pub step: u64,
    pub time: u64,
    pub tag: &'static str,
    pub text: String,
    /// The row belongs to the step just taken (the one the page shows the state after).
    pub current: bool,
}

/// The rows to draw: the newest `max` past events that pass the filter, newest first, and
/// whether older matching rows were left out. `nodes`: how many nodes the run has (a partition
/// names the group of nodes it left unnamed).
pub fn rows(past: &[Event], cursor: u64, filter: &LogFilter, max: usize, nodes: usize) -> (Vec<LogRow>, bool) {
    let mut out = Vec::with_capacity(max.min(past.len()));
    let mut more = false;
    for (index, e) in past.iter().enumerate().rev().filter(|(_, e)| filter.matches(e)) {
        if out.len() == max {
            more = true;
            break;
        }
        let step = e.shown_step();
        let text = describe_in(&e.kind, nodes);
        out.push(LogRow { index, step, time: e.time, tag: e.kind.tag(), text, current: step == cursor });
    }
    (out, more)
}

/// What clicking a row does: show the state right after that event, the row's (shown) step.
pub fn seek_to_row(step: u64) -> UiAction {
    UiAction::Seek(step)
}

/// A message in a few words: `Prepare 2.1 n0 -> n3`.
pub fn message_line(msg: &Msg, from: NodeId, to: NodeId) -> String {
    format!("{msg} {from} -> {to}")
}

/// What a sent message means, in the sender's words.
fn sent_sentence(msg: &Msg, from: NodeId, to: NodeId) -> String {
    match msg {
        Msg::Prepare { ballot } => format!("{from} sends Prepare {ballot} to {to}"),
        Msg::Promise { ballot, accepted: None } => format!("{from} promises {ballot} to {to}"),
        Msg::Promise { ballot, accepted: Some(p) } => {
            format!("{from} promises {ballot} to {to}, reporting it accepted {p}")
        }
        Msg::Nack { ballot, promised } => format!("{from} rejects {ballot} to {to} (it promised {promised})"),
        Msg::Accept { ballot, value } => format!("{from} asks {to} to accept ({ballot}, \"{value}\")"),
        Msg::Accepted { ballot, value } => format!("{from} tells {to} it accepted ({ballot}, \"{value}\")"),
        Msg::Decided { value } => format!("{from} tells {to} that \"{value}\" is chosen"),
    }
}

/// Why a message died, as the end of a sentence.
pub fn drop_reason(reason: DropReason, to: NodeId) -> String {
    match reason {
        DropReason::Lost => "lost".to_string(),
        DropReason::Partitioned => "blocked by a partition".to_string(),
        DropReason::NodeDown => format!("lost: {to} is down"),
        DropReason::ByHand => "dropped by hand".to_string(),
    }
}

fn note_sentence(node: NodeId, note: &Note) -> String {
    match note {
        Note::Phase1 { ballot } => format!("{node} starts phase 1 with ballot {ballot}"),
        Note::Phase2 { ballot, value, adopted: false } => format!("{node} starts phase 2: ({ballot}, \"{value}\")"),
        Note::Phase2 { ballot, value, adopted: true } => {
            format!("{node} starts phase 2: ({ballot}, \"{value}\"), a value adopted from a promise")
        }
        Note::Abandon { ballot } => format!("{node} gives up ballot {ballot} and will retry"),
        Note::Done { value } => format!("{node} sees \"{value}\" chosen and stops"),
        Note::Ignored { value } => format!("{node} ignores a request for \"{value}\": it already has a value"),
    }
}

/// One event as a sentence for the log and the inspector's history.
pub fn describe(kind: &EventKind) -> String {
    match kind {
        EventKind::Send { from, to, msg, .. } => sent_sentence(msg, *from, *to),
        EventKind::Duplicate { of, id, from, to, msg, .. } => {
            format!("{} duplicated: #{} is a copy of #{}", message_line(msg, *from, *to), id.0, of.0)
        }
        EventKind::Deliver { from, to, msg, .. } => format!("{} delivered", message_line(msg, *from, *to)),
        EventKind::Drop { from, to, msg, reason, .. } => {
            format!("{} {}", message_line(msg, *from, *to), drop_reason(*reason, *to))
        }
        EventKind::Reschedule { id, arrive } => format!("message #{} now arrives at t={arrive}", id.0),
        EventKind::Timeout { node } => format!("{node}'s retry timer fires"),
        EventKind::Crash { node } => format!("{node} is down: its volatile state is gone"),
        EventKind::Recover { node } => format!("{node} is back, restored from its storage"),
        EventKind::Promised { node, ballot } => format!("{node} stores its promise {ballot}"),
        EventKind::Accepted { node, proposal } => format!("{node} accepts and stores {proposal}"),
        EventKind::Proposer { node, note } => note_sentence(*node, note),
        EventKind::Learned { node, value } => format!("{node} learns \"{value}\""),
        EventKind::Chosen { ballot, value } => format!("\"{value}\" is chosen: a quorum accepted it at {ballot}"),
        EventKind::Action { action } => capitalize(&action.describe()),
        EventKind::Violation { invariant, detail, .. } => {
            format!("VIOLATION of {}: {detail}", invariant.single_decree_name().unwrap_or_default())
        }
    }
}

/// `describe`, with a partition's groups written out in full: the nodes it did not name form
/// one more group, written as a group of its own when there are any (never an empty "rest").
pub fn describe_in(kind: &EventKind, nodes: usize) -> String {
    match kind {
        EventKind::Action { action: Action::Partition { groups } } => partition_sentence(groups, nodes),
        _ => describe(kind),
    }
}

fn partition_sentence(groups: &[Vec<NodeId>], nodes: usize) -> String {
    let named = |n: &NodeId| groups.iter().any(|g| g.contains(n));
    let rest: Vec<NodeId> = (0..nodes.min(256)).map(|i| NodeId(i as u8)).filter(|n| !named(n)).collect();
    let written: Vec<String> = groups
        .iter()
        .chain(std::iter::once(&rest))
        .filter(|g| !g.is_empty())
        .map(|g| format!("{{{}}}", g.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(" ")))
        .collect();
    format!("Partition: {}", written.join(" | "))
}

/// The first letter in upper case, unless the sentence starts with a node's name: nodes are
/// "n3" everywhere on the page, so "n3 crashes" stays as it is.
fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    let names_a_node = s.starts_with('n') && s[1..].starts_with(|c: char| c.is_ascii_digit());
    match chars.next() {
        Some(c) if !names_a_node => std::iter::once(c.to_ascii_uppercase()).chain(chars).collect(),
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Ballot, Value};
    use crate::scenario::Scenario;
    use crate::sim::{Action, At, MsgId, Scheduled};
    use crate::view::Playground;

    fn b(r: u32, n: u8) -> Ballot {
        Ballot::new(r, NodeId(n))
    }

    fn run_to(step: u64) -> Playground {
        let propose = Scheduled { at: At::Tick(0), action: Action::Propose { node: NodeId(0), value: Value(0) } };
        let mut p = Playground::new(Scenario { schedule: vec![propose], ..Scenario::default() });
        p.reduce(UiAction::Seek(step));
        p
    }

    #[test]
    fn sentences_read_like_the_protocol() {
        let send = |msg| EventKind::Send { id: MsgId(1), from: NodeId(3), to: NodeId(0), msg, arrive: 4 };
        assert_eq!(describe(&send(Msg::Promise { ballot: b(2, 1), accepted: None })), "n3 promises 2.1 to n0");
        let drop = EventKind::Drop {
            id: MsgId(1),
            from: NodeId(0),
            to: NodeId(3),
            msg: Msg::Prepare { ballot: b(2, 1) },
            reason: DropReason::Lost,
        };
        assert_eq!(describe(&drop), "Prepare 2.1 n0 -> n3 lost");
        // Nodes are "n2" on the stage, in captions and everywhere in the log: a sentence that
        // starts with one keeps it as it is (it read "N2 crashes").
        let crash = EventKind::Action { action: Action::Crash { node: NodeId(2) } };
        assert_eq!(describe(&crash), "n2 crashes");
        let asks = EventKind::Action { action: Action::Propose { node: NodeId(0), value: Value(1) } };
        assert_eq!(describe(&asks), "Client asks n0 to propose \"B\"");
        let phase2 = EventKind::Proposer {
            node: NodeId(0),
            note: Note::Phase2 { ballot: b(1, 0), value: Value(1), adopted: true },
        };
        assert!(describe(&phase2).contains("adopted"));
    }

    /// A partition that names every node has no "rest"; one that leaves nodes out names them.
    #[test]
    fn a_partition_row_writes_every_group_and_no_empty_one() {
        let ids = |v: &[u8]| v.iter().map(|&i| NodeId(i)).collect::<Vec<_>>();
        let all = EventKind::Action { action: Action::Partition { groups: vec![ids(&[0, 2]), ids(&[1, 3, 4])] } };
        assert_eq!(describe_in(&all, 5), "Partition: {n0 n2} | {n1 n3 n4}");
        let some = EventKind::Action { action: Action::Partition { groups: vec![ids(&[0, 2, 3])] } };
        assert_eq!(describe_in(&some, 6), "Partition: {n0 n2 n3} | {n1 n4 n5}");
    }

    /// Text people read shows no Rust range syntax ("2..=6 ticks", "outside 1..=16").
    #[test]
    fn texts_people_read_have_no_range_syntax() {
        use crate::sim::{Config, NetParams, Topology};
        let net = NetParams { latency_ticks_min: 2, latency_ticks_max: 6, ..NetParams::default() };
        let set = EventKind::Action { action: Action::SetNetwork { params: net } };
        assert_eq!(describe(&set), "Network: latency 2 to 6 ticks, loss 0%, duplication 0%");
        let too_many = Config { topology: Topology::Servers { count: 17 }, ..Config::default() };
        assert_eq!(too_many.validate().unwrap_err().0, "servers: 17 is outside 1 to 16");
        let slow =
            Config { network: NetParams { latency_ticks_min: 9, latency_ticks_max: 3, ..net }, ..Config::default() };
        let e = slow.validate().unwrap_err().0;
        assert!(e.starts_with("latency 9 to 3 ticks") && !e.contains("..="), "{e}");
    }

    #[test]
    fn kind_filter_values_round_trip_and_cover_every_tag() {
        for f in [KindFilter::All, KindFilter::Group("faults"), KindFilter::Tag("promise")] {
            assert_eq!(KindFilter::parse(&f.value()), f);
        }
        assert_eq!(KindFilter::parse("group:nonsense"), KindFilter::All);
        assert_eq!(KindFilter::parse("<script>"), KindFilter::All);
        let p = run_to(40);
        for e in &p.history.trace {
            assert!(KIND_GROUPS.iter().any(|(_, _, tags)| tags.contains(&e.kind.tag())), "{}", e.kind.tag());
        }
        assert!(KindFilter::Group("messages").matches("deliver"));
        assert!(!KindFilter::Group("messages").matches("crash"));
    }

    #[test]
    fn rows_are_the_newest_past_events_first_with_the_current_step_marked() {
        let p = run_to(12);
        let (rows, more) = rows(p.history.past(), p.history.cursor(), &LogFilter::default(), 5, 6);
        assert_eq!(rows.len(), 5);
        assert!(more, "a 12-step run has more than 5 events");
        assert_eq!(rows[0].step, 12, "the newest row is the step just taken, numbered as the clock numbers it");
        assert!(rows[0].current);
        assert!(rows.windows(2).all(|w| w[0].step >= w[1].step));
        assert!(rows.iter().filter(|r| r.current).all(|r| r.step == 12));
        assert!(rows.iter().all(|r| r.step <= p.history.cursor()), "no future events");
    }

    #[test]
    fn filters_keep_only_matching_rows() {
        let p = run_to(30);
        let filter = LogFilter { node: Some(NodeId(3)), kind: KindFilter::Tag("deliver") };
        let (rows, _) = rows(p.history.past(), p.history.cursor(), &filter, LOG_ROWS_MAX, 6);
        assert!(!rows.is_empty());
        assert!(rows.iter().all(|r| r.tag == "deliver" && r.text.contains("n3")));
        let events = p.history.past().iter().filter(|e| filter.matches(e)).count();
        assert_eq!(rows.len(), events);
        for e in p.history.past() {
            for n in 0..6 {
                assert_eq!(concerns(&e.kind, NodeId(n)), e.kind.nodes().contains(&NodeId(n)), "{e:?}");
            }
        }
    }

    #[test]
    fn clicking_a_row_shows_the_state_after_its_step() {
        let mut p = run_to(20);
        let promised = p.history.past().iter().find(|e| matches!(e.kind, EventKind::Promised { .. })).unwrap().clone();
        p.reduce(seek_to_row(promised.shown_step()));
        assert_eq!(p.history.cursor(), promised.step + 1);
        let EventKind::Promised { node, ballot } = promised.kind else { unreachable!() };
        assert_eq!(p.history.world().slot(node).storage.acceptor.promised, Some(ballot));
        let (rows, _) = rows(p.history.past(), p.history.cursor(), &LogFilter::default(), 1, 6);
        assert_eq!(rows[0].step, p.history.cursor(), "the row reads the step the clock shows");
    }
}
