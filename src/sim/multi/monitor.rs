//! Multi-Paxos's invariants, checked after every output, and the clients' history.
//!
//! Like single-decree's monitor (`sim::monitor`), this one sees every replica at once: it counts
//! the acceptances of each slot across all replicas, so it knows a slot's command is chosen
//! before any replica does, and compares what replicas do against that. Each property is a
//! small function citing where it is stated (`Invariant::meaning`), returning a violation as
//! data. Linearizability is the exception: it is a property of the whole client history, which
//! the monitor records here (invocations and completions, by step) and the driver checks at the
//! end of a run (`drive::linearizable`).

use crate::protocol::multi::{Command, IdMap, Key, KvOp, KvReply, Slot};
use crate::protocol::{AcceptorSet, Ballot, NodeId};
use crate::sim::{Invariant, Tick, Violation};
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

/// Acceptances of one command at one ballot in one slot.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Votes {
    ballot: Ballot,
    cmd: Command,
    replicas: AcceptorSet,
}

/// The acceptances of one slot, per (ballot, command), in the order they first came. The first
/// is kept inline: most slots never see a second, and a vector allocated for every slot was
/// 1% of W2's instructions (by callgrind).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct VoteList {
    first: Option<Votes>,
    rest: Vec<Votes>,
}

impl VoteList {
    fn iter(&self) -> impl Iterator<Item = &Votes> {
        self.first.iter().chain(self.rest.iter())
    }

    /// The votes for `cmd` at `ballot`, made (with no replica yet) if there are none.
    #[inline]
    fn entry(&mut self, ballot: Ballot, cmd: &Command) -> &mut Votes {
        let fresh = || Votes { ballot, cmd: *cmd, replicas: AcceptorSet::default() };
        match self.first {
            None => self.first.insert(fresh()),
            Some(ref mut v) if v.ballot == ballot && v.cmd == *cmd => v,
            Some(_) => match self.rest.iter().position(|v| v.ballot == ballot && v.cmd == *cmd) {
                Some(i) => &mut self.rest[i],
                None => {
                    self.rest.push(fresh());
                    self.rest.last_mut().unwrap_or_else(|| unreachable!())
                }
            },
        }
    }
}

/// What the monitor knows of one slot.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct SlotState {
    votes: VoteList,
    /// The command chosen in this slot and the ballot of the quorum that chose it (the first,
    /// if a broken run chose two).
    chosen: Option<(Ballot, Command)>,
    /// The command the first replica to apply this slot applied.
    applied: Option<Command>,
}

/// One client operation: when it was invoked and how it ended, by simulator step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryOp {
    pub client: NodeId,
    pub op: KvOp,
    /// The step (and tick) at which the client was handed the operation.
    pub invoke: (u64, Tick),
    /// The step (and tick) of the reply, and the reply; `None`: still open (at the end of a
    /// run, a timed-out operation that may or may not have taken effect).
    pub complete: Option<(u64, Tick, KvReply)>,
}

#[derive(Clone, Debug, Default)]
pub struct MultiMonitor {
    quorum: u8,
    /// By slot number (slots are dense from 0).
    slots: Vec<SlotState>,
    chosen_count: usize,
    /// Per replica and key, the highest version the replica's store reached (across crashes,
    /// counted only for slots the replica had not applied before: a recovering replica replays
    /// its log from its snapshot and passes through the same versions again). By replica,
    /// then key, in vectors: looked up for every write a replica applies (W2: thousands).
    versions: Vec<IdMap<Key, u64>>,
    /// Per replica, the highest slot it ever applied.
    applied_upto: Vec<Option<Slot>>,
    /// Which replica became leader with each ballot.
    leaders: BTreeMap<Ballot, NodeId>,
    /// Every client operation, in invocation order.
    pub history: Vec<HistoryOp>,
    /// Per client, the index in `history` of its open operation.
    open: IdMap<NodeId, usize>,
    /// Operations of `history` not complete (the driver asks after every step whether the
    /// run is over: counted here instead of looking through the history each time).
    incomplete: usize,
    /// Clients whose operation completed since the driver last asked (`take_completed`).
    completed: Vec<NodeId>,
    /// The last replica that became leader, and with which ballot.
    pub last_leader: Option<(NodeId, Ballot)>,
}

impl MultiMonitor {
    pub fn new(quorum: u8) -> MultiMonitor {
        MultiMonitor { quorum, ..MultiMonitor::default() }
    }

    pub fn reset(&mut self, quorum: u8) {
        *self = MultiMonitor::new(quorum);
    }

    /// The command chosen in `slot`, if any.
    pub fn chosen(&self, slot: Slot) -> Option<&Command> {
        self.slots.get(slot.0 as usize).and_then(|s| s.chosen.as_ref()).map(|(_, c)| c)
    }

    /// Slots chosen so far.
    pub fn chosen_count(&self) -> usize {
        self.chosen_count
    }

    /// The first slot not chosen (every slot below it is).
    pub fn chosen_prefix(&self) -> u32 {
        self.slots.iter().take_while(|s| s.chosen.is_some()).count() as u32
    }

    /// Whether every operation invoked so far completed.
    pub fn all_complete(&self) -> bool {
        self.incomplete == 0
    }

    /// Clients whose operation completed since the last call, in completion order.
    pub fn take_completed(&mut self) -> Vec<NodeId> {
        std::mem::take(&mut self.completed)
    }

    /// Hands back the vector `take_completed` returned, emptied, to be filled again (so that a
    /// driver asking after every step does not allocate one for each completion). Kept only if
    /// nothing completed in between.
    pub fn recycle_completed(&mut self, mut buffer: Vec<NodeId>) {
        if self.completed.is_empty() {
            buffer.clear();
            self.completed = buffer;
        }
    }

    /// A client was handed an operation.
    pub fn on_invoke(&mut self, client: NodeId, op: KvOp, at: (u64, Tick)) {
        self.open.insert(client, self.history.len());
        self.incomplete += 1;
        self.history.push(HistoryOp { client, op, invoke: at, complete: None });
    }

    /// A client got the answer to its open operation.
    pub fn on_complete(&mut self, client: NodeId, reply: KvReply, at: (u64, Tick)) {
        if let Some(i) = self.open.remove(client) {
            self.history[i].complete = Some((at.0, at.1, reply));
            self.incomplete -= 1;
            self.completed.push(client);
        }
    }

    /// A replica accepted `cmd` in `slot` at `ballot` (and wrote it to disk). Returns the
    /// command if this acceptance completed a quorum, so the slot is now chosen.
    pub fn on_accept(
        &mut self,
        node: NodeId,
        slot: Slot,
        ballot: Ballot,
        cmd: &Command,
        out: &mut Vec<Violation>,
    ) -> Option<Command> {
        let quorum = self.quorum as u32;
        let s = slot_state(&mut self.slots, slot);
        if let Some(v) = slot_stable(s, node, slot, ballot, cmd) {
            out.push(v);
        }
        let votes = s.votes.entry(ballot, cmd);
        let before = votes.replicas.len();
        votes.replicas.insert(node.0);
        // Chosen when this acceptance (not a repeat of one counted) completes the quorum.
        if votes.replicas.len() == before || votes.replicas.len() != quorum {
            return None;
        }
        match &s.chosen {
            Some((b, c)) if c != cmd => {
                out.push(Violation {
                    invariant: Invariant::SlotAgreement,
                    nodes: Vec::new(),
                    detail: format!("slot {} chose {cmd} at {ballot} after {c} was chosen at {b}", slot.0),
                });
                None
            }
            Some(_) => None,
            None => {
                self.chosen_count += 1;
                s.chosen = Some((ballot, *cmd));
                // Everything already accepted in this slot at this ballot or above must agree.
                let (chosen_ballot, chosen) = (ballot, *cmd);
                for v in s.votes.iter() {
                    if v.ballot >= chosen_ballot && v.cmd != chosen {
                        out.push(unstable(slot, v.ballot, &v.cmd, chosen_ballot, &chosen, Vec::new()));
                    }
                }
                Some(chosen)
            }
        }
    }

    /// A replica applied `cmd` at `slot` to its store, with `reply` when it was an operation.
    ///
    /// A replay (a recovered replica applying again a slot it applied before its crash) of the
    /// command chosen and applied there has nothing to record: the same verdict as the whole
    /// check (`on_applied_check`), which such an apply passes without changing anything. Tested
    /// here, inline in the caller: three quarters of W2's applies are replays.
    #[inline(always)]
    pub fn on_applied(
        &mut self,
        node: NodeId,
        slot: Slot,
        cmd: &Command,
        reply: Option<&KvReply>,
        out: &mut Vec<Violation>,
    ) {
        if let (Some(s), Some(Some(upto))) =
            (self.slots.get(slot.0 as usize), self.applied_upto.get(node.index()).copied())
        {
            if slot <= upto && matches!((&s.chosen, &s.applied), (Some((_, c)), Some(a)) if c == cmd && a == cmd) {
                return;
            }
        }
        self.on_applied_check(node, slot, cmd, reply, out);
    }

    /// `on_applied`'s whole check: state machine safety, and versions only grow.
    #[inline(never)]
    fn on_applied_check(
        &mut self,
        node: NodeId,
        slot: Slot,
        cmd: &Command,
        reply: Option<&KvReply>,
        out: &mut Vec<Violation>,
    ) {
        let s = slot_state(&mut self.slots, slot);
        // State machine safety: what is applied was chosen, and every replica applies the same.
        // (The usual case tested first, inline; `unsafe_apply` says which part failed.)
        let safe = matches!(&s.chosen, Some((_, c)) if c == cmd) && s.applied.as_ref().is_none_or(|a| a == cmd);
        if !safe {
            out.push(unsafe_apply(s, node, slot, cmd));
        }
        if s.applied.is_none() {
            s.applied = Some(*cmd);
        }
        // Versions only grow, on the slots this replica applies for the first time.
        if self.applied_upto.len() <= node.index() {
            self.applied_upto.resize(node.index() + 1, None);
        }
        let upto = &mut self.applied_upto[node.index()];
        if upto.is_some_and(|upto| slot <= upto) {
            return;
        }
        *upto = Some(slot);
        let (Command::Op { op, .. }, Some(KvReply::Written { version })) = (cmd, reply) else { return };
        let key = op.key();
        if self.versions.len() <= node.index() {
            self.versions.resize_with(node.index() + 1, IdMap::default);
        }
        let versions = &mut self.versions[node.index()];
        let before = versions.get(key).copied().unwrap_or(0);
        if *version <= before {
            out.push(Violation {
                invariant: Invariant::VersionMonotonic,
                nodes: vec![node],
                detail: format!("{node}'s key {key} went from version {before} to {version} at slot {}", slot.0),
            });
        }
        versions.insert(key, (*version).max(before));
    }

    /// Hashes what the model checker must tell apart (`check::explore`): per slot the votes
    /// (as a set: the order they arrived in does not matter), the chosen and the applied
    /// command; per replica the highest slot applied and each key's highest version; the leader
    /// of each ballot; and the client history as the ORDER of its invocations and completions,
    /// with their operations and replies. Never absolute step numbers or ticks, so two paths to
    /// the same situation hash the same. Left out: what is derived from the rest (the counts,
    /// the open operations) and what only a driver reads (`last_leader`, `completed`).
    pub fn hash_key(&self, h: &mut impl Hasher) {
        for (i, s) in self.slots.iter().enumerate().filter(|(_, s)| **s != SlotState::default()) {
            i.hash(h);
            let mut votes: Vec<&Votes> = s.votes.iter().collect();
            votes.sort_unstable_by_key(|v| (v.ballot, v.cmd));
            votes.len().hash(h);
            for v in votes {
                (v.ballot, v.cmd, v.replicas.0).hash(h);
            }
            (s.chosen, s.applied).hash(h);
        }
        h.write_u8(0xff);
        for (i, upto) in self.applied_upto.iter().enumerate().filter(|(_, u)| u.is_some()) {
            (i, upto).hash(h);
        }
        // As the `BTreeMap<(NodeId, Key), u64>` this was: the entry count, then each entry.
        h.write_usize(self.versions.iter().map(IdMap::len).sum());
        for (node, versions) in self.versions.iter().enumerate() {
            for (key, version) in versions.iter() {
                ((NodeId(node as u8), key), version).hash(h);
            }
        }
        self.leaders.hash(h);
        // Events by step: an invocation and a completion never share a step (one step hands
        // one client an operation or delivers one reply).
        let mut events: Vec<(u64, bool, usize)> = Vec::with_capacity(2 * self.history.len());
        for (i, op) in self.history.iter().enumerate() {
            events.push((op.invoke.0, false, i));
            if let Some((step, _, _)) = op.complete {
                events.push((step, true, i));
            }
        }
        events.sort_unstable();
        events.len().hash(h);
        for (_, completes, i) in events {
            let op = &self.history[i];
            (completes, op.client, op.op).hash(h);
            if completes {
                op.complete.map(|(_, _, reply)| reply).hash(h);
            }
        }
    }

    /// A replica became leader with `ballot`.
    pub fn on_leader(&mut self, node: NodeId, ballot: Ballot, out: &mut Vec<Violation>) {
        self.last_leader = Some((node, ballot));
        if ballot.node != node {
            out.push(Violation {
                invariant: Invariant::OneLeaderPerBallot,
                nodes: vec![node],
                detail: format!("{node} leads with ballot {ballot}, which belongs to {}", ballot.node),
            });
        }
        if let Some(other) = self.leaders.insert(ballot, node) {
            out.push(Violation {
                invariant: Invariant::OneLeaderPerBallot,
                nodes: vec![other, node],
                detail: format!("{node} became leader with ballot {ballot}, which {other} already led with"),
            });
        }
    }
}

/// The state machine safety violation of `node` applying `cmd` at `slot`, which either was not
/// chosen there or another replica applied something else there (`on_applied`).
#[cold]
#[inline(never)]
fn unsafe_apply(s: &SlotState, node: NodeId, slot: Slot, cmd: &Command) -> Violation {
    let detail = match (&s.chosen, &s.applied) {
        (None, _) => format!("{node} applied {cmd} at slot {} before any command was chosen there", slot.0),
        (Some((_, c)), Some(a)) if c == cmd => {
            format!("{node} applied {cmd} at slot {} but another replica applied {a} there", slot.0)
        }
        (Some((_, c)), _) => format!("{node} applied {cmd} at slot {} but {c} was chosen there", slot.0),
    };
    Violation { invariant: Invariant::StateMachineSafety, nodes: vec![node], detail }
}

/// The state of `slot`, made on first use.
fn slot_state(slots: &mut Vec<SlotState>, slot: Slot) -> &mut SlotState {
    let i = slot.0 as usize;
    if slots.len() <= i {
        slots.resize_with(i + 1, SlotState::default);
    }
    &mut slots[i]
}

/// Slot stability (P2a per slot): an acceptance at or above the chosen ballot of its slot
/// carries the chosen command.
fn slot_stable(s: &SlotState, node: NodeId, slot: Slot, ballot: Ballot, cmd: &Command) -> Option<Violation> {
    let (b, c) = s.chosen.as_ref()?;
    (ballot >= *b && cmd != c).then(|| unstable(slot, ballot, cmd, *b, c, vec![node]))
}

fn unstable(
    slot: Slot,
    ballot: Ballot,
    cmd: &Command,
    chosen_ballot: Ballot,
    chosen: &Command,
    nodes: Vec<NodeId>,
) -> Violation {
    Violation {
        invariant: Invariant::SlotStable,
        nodes,
        detail: format!(
            "slot {} accepted {cmd} at {ballot} although {chosen} was chosen there at {chosen_ballot}",
            slot.0
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::multi::Val;

    const N0: NodeId = NodeId(0);
    const N1: NodeId = NodeId(1);
    const N2: NodeId = NodeId(2);

    fn w(value: u32) -> Command {
        Command::Op { client: NodeId(3), seq: value, op: KvOp::Write { key: Key(0), value: Val(value) } }
    }

    fn b(round: u32, node: NodeId) -> Ballot {
        Ballot::new(round, node)
    }

    fn written(version: u64) -> Option<KvReply> {
        Some(KvReply::Written { version })
    }

    #[test]
    fn a_replay_of_the_chosen_command_passes_and_a_replay_of_another_is_caught() {
        let (mut m, mut out) = (MultiMonitor::new(2), Vec::new());
        m.on_accept(N0, Slot(0), b(1, N0), &w(1), &mut out);
        assert_eq!(m.on_accept(N1, Slot(0), b(1, N0), &w(1), &mut out), Some(w(1)));
        m.on_applied(N0, Slot(0), &w(1), written(1).as_ref(), &mut out);
        // A recovered replica replays slot 0: the same command, the same version again.
        m.on_applied(N0, Slot(0), &w(1), written(1).as_ref(), &mut out);
        m.on_applied(N1, Slot(0), &w(1), written(1).as_ref(), &mut out);
        assert!(out.is_empty(), "{out:?}");
        // A replay of something else in an applied slot (the fast path must not let it pass).
        m.on_applied(N0, Slot(0), &w(2), written(1).as_ref(), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].invariant, Invariant::StateMachineSafety);
        assert_eq!(out[0].detail, "n0 applied write x=2 at slot 0 but write x=1 was chosen there");
        // A slot applied before anything was chosen there, then another command there.
        out.clear();
        m.on_applied(N0, Slot(1), &w(3), written(2).as_ref(), &mut out);
        assert_eq!(out[0].detail, "n0 applied write x=3 at slot 1 before any command was chosen there");
        m.on_accept(N1, Slot(1), b(1, N0), &w(4), &mut out);
        m.on_accept(N2, Slot(1), b(1, N0), &w(4), &mut out);
        m.on_applied(N1, Slot(1), &w(4), written(2).as_ref(), &mut out);
        assert_eq!(out[1].detail, "n1 applied write x=4 at slot 1 but another replica applied write x=3 there");
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn versions_are_checked_on_first_applies_and_not_on_replays() {
        let (mut m, mut out) = (MultiMonitor::new(2), Vec::new());
        for (slot, value) in [(0, 1), (1, 2)] {
            m.on_accept(N0, Slot(slot), b(1, N0), &w(value), &mut out);
            m.on_accept(N1, Slot(slot), b(1, N0), &w(value), &mut out);
        }
        m.on_applied(N0, Slot(0), &w(1), written(1).as_ref(), &mut out);
        m.on_applied(N0, Slot(1), &w(2), written(2).as_ref(), &mut out);
        // The replay goes through version 1 again: not a version going back.
        m.on_applied(N0, Slot(0), &w(1), written(1).as_ref(), &mut out);
        assert!(out.is_empty(), "{out:?}");
        // A first apply whose version does not grow is.
        m.on_accept(N0, Slot(2), b(1, N0), &w(3), &mut out);
        m.on_accept(N1, Slot(2), b(1, N0), &w(3), &mut out);
        m.on_applied(N0, Slot(2), &w(3), written(2).as_ref(), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].invariant, Invariant::VersionMonotonic);
    }

    #[test]
    fn votes_of_several_ballots_in_a_slot_are_counted_apart() {
        // The first (ballot, command) of a slot is kept inline, later ones in a vector: a
        // quorum forms only within one of them, and stability checks every one.
        let (mut m, mut out) = (MultiMonitor::new(2), Vec::new());
        assert_eq!(m.on_accept(N0, Slot(0), b(1, N0), &w(1), &mut out), None);
        assert_eq!(m.on_accept(N1, Slot(0), b(2, N1), &w(2), &mut out), None, "another ballot: no quorum");
        assert_eq!(m.on_accept(N1, Slot(0), b(2, N1), &w(2), &mut out), None, "a repeat counts once");
        assert_eq!(m.on_accept(N2, Slot(0), b(1, N0), &w(3), &mut out), None, "another command: no quorum");
        assert_eq!(m.on_accept(N2, Slot(0), b(2, N1), &w(2), &mut out), Some(w(2)));
        assert!(out.is_empty(), "{out:?}");
        assert_eq!((m.chosen(Slot(0)), m.chosen_count()), (Some(&w(2)), 1));
        // Another command accepted above the chosen ballot breaks stability.
        assert_eq!(m.on_accept(N0, Slot(0), b(3, N0), &w(3), &mut out), None);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].invariant, Invariant::SlotStable);
    }
}
