//! A replica: acceptor, learner and potential leader in one. This file holds its state, the
//! dispatch of inputs, and the acceptor rules (promise, accept, follow a leader, grant a
//! lease); `learner.rs` learns the commit point, applies in order, compacts and catches up;
//! `leader.rs` campaigns and leads.

use super::config::MultiCluster;
use super::kv::{Command, KvOp, Sessions, Slot, Store};
use super::maps::SlotMap;
use super::msg::{Input, Msg, MultiDurable, Note, Output, Outputs};
use crate::protocol::types::{AcceptorSet, Ballot, NodeId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// What a replica is doing besides accepting and learning.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    #[default]
    Follower,
    /// Phase 1 under way.
    Candidate(Campaign),
    /// Phase 1 done: proposing slot by slot.
    Leader(Leadership),
}

/// A Phase 1 in progress: the promises counted so far and what they reported.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Campaign {
    pub ballot: Ballot,
    /// Replicas that promised, by id (replica ids are `0..R`).
    pub promises: AcceptorSet,
    /// Per slot, the highest-ballot entry any promise reported.
    pub entries: BTreeMap<Slot, (Ballot, Command)>,
    /// The highest snapshot point a promise reported.
    pub snapshot_point: Slot,
}

/// One slot proposed and not yet chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InFlight {
    pub cmd: Command,
    pub accepts: AcceptorSet,
    /// Still in flight at a heartbeat: at the next one, its Accept is sent again.
    pub aged: bool,
}

/// A leader's volatile state.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Leadership {
    pub ballot: Ballot,
    /// The next free slot.
    pub next: Slot,
    /// The first slot after the entries re-proposed at election: lease reads wait until the
    /// leader applied up to here, so that they see every write an earlier leader acknowledged.
    pub start: Slot,
    /// The pipeline: slots proposed and not yet chosen, at most `window` of them. (A vector
    /// by slot, `maps`: a tree allocated a node each time the pipeline filled from empty.)
    pub proposals: SlotMap<InFlight>,
    /// Requests waiting for room in the pipeline: (client, seq, op).
    pub queue: VecDeque<(NodeId, u32, KvOp)>,
    /// With leases: per replica, the send tick of the latest heartbeat it acked (the leader's
    /// own entry is its latest heartbeat).
    pub lease_acks: Vec<Option<u64>>,
}

/// A replica. `durable` survives a crash; everything else is volatile and rebuilt from it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Replica {
    pub id: NodeId,
    pub durable: MultiDurable,
    pub role: Role,
    /// Who this replica believes leads (for redirects), and at which ballot.
    pub leader: Option<NodeId>,
    pub leader_ballot: Ballot,
    /// The first slot not known chosen: every slot below is in `log` (or the snapshot).
    pub commit: Slot,
    /// The first slot not yet applied to `store`; never above `commit`.
    pub applied: Slot,
    /// The chosen entries this replica knows, from its snapshot point on. (A vector by slot,
    /// `maps`: a recovered replica replays the whole log, entry by entry.)
    pub log: SlotMap<Command>,
    pub store: Store,
    pub sessions: Sessions,
    /// The highest round seen in a Nack: the next campaign's ballot goes above it.
    pub round_seen: u32,
    /// Failed campaigns in a row: each doubles the longest election timeout (up to 8 times).
    pub attempts: u32,
    /// A lease this replica granted: the holder (`None`: anyone, after a restart) and the tick
    /// until which it promises no other would-be leader.
    pub lease_guard: Option<(Option<NodeId>, u64)>,
    /// Restarted with leases on: the first input (the first tick it knows) starts a guard.
    pub guard_on_first_input: bool,
}

impl Replica {
    /// A replica holding exactly `durable`: its store and table come from the snapshot, and
    /// the chosen entries after it are re-learned through catch-up.
    pub fn restore(id: NodeId, durable: &MultiDurable) -> Replica {
        let snapshot = durable.snapshot.as_deref().cloned().unwrap_or_default();
        Replica {
            id,
            durable: durable.clone(),
            role: Role::Follower,
            leader: None,
            leader_ballot: Ballot::ZERO,
            commit: snapshot.upto,
            applied: snapshot.upto,
            log: SlotMap::new(),
            store: snapshot.store,
            sessions: snapshot.sessions,
            round_seen: 0,
            attempts: 0,
            lease_guard: None,
            guard_on_first_input: false,
        }
    }

    /// `*self = Replica::restore(self.id, durable)`, keeping this replica's buffers: the
    /// accepted log is copied into the one it had and the log keeps its capacity, so a replica
    /// that crashes and replays thousands of entries allocates nothing for them (W2: a crash
    /// every 2,000 ticks; regrowing those vectors was 12% of its instructions, by callgrind).
    pub fn restore_from(&mut self, durable: &MultiDurable) {
        let (upto, store, sessions) = match durable.snapshot.as_deref() {
            Some(s) => (s.upto, s.store.clone(), s.sessions.clone()),
            None => (Slot(0), Store::default(), Sessions::default()),
        };
        self.durable.clone_from(durable);
        self.role = Role::Follower;
        self.leader = None;
        self.leader_ballot = Ballot::ZERO;
        self.commit = upto;
        self.applied = upto;
        self.log.clear();
        self.store = store;
        self.sessions = sessions;
        self.round_seen = 0;
        self.attempts = 0;
        self.lease_guard = None;
        self.guard_on_first_input = false;
    }

    /// Arms the election timer: call when the replica starts or restarts.
    pub fn start(&self, cluster: &MultiCluster, out: &mut impl Outputs) {
        self.set_election_timer(cluster, out);
    }

    pub fn handle(&mut self, input: Input, now: u64, cluster: &MultiCluster, out: &mut impl Outputs) {
        if std::mem::take(&mut self.guard_on_first_input) {
            if let Some(lease) = cluster.lease {
                self.lease_guard = Some((None, now + lease.ticks as u64));
            }
        }
        match input {
            Input::Timer => self.on_timer(now, cluster, out),
            Input::Request(_) => {} // the workload hands operations to clients only
            Input::Deliver { from, msg } => self.deliver(from, msg, now, cluster, out),
        }
    }

    fn deliver(&mut self, from: NodeId, msg: Msg, now: u64, cluster: &MultiCluster, out: &mut impl Outputs) {
        match msg {
            Msg::Request { seq, op } => self.on_request(from, seq, op, now, cluster, out),
            Msg::Prepare { ballot, from_slot } => self.on_prepare(from, ballot, from_slot, now, cluster, out),
            Msg::Promise { ballot, accepted, snapshot_point } => {
                self.on_promise(from, ballot, &accepted, snapshot_point, now, cluster, out)
            }
            Msg::Nack { ballot, promised } => self.on_nack(ballot, promised, cluster, out),
            Msg::Accept { ballot, slot, cmd, commit } => self.on_accept(from, ballot, slot, cmd, commit, cluster, out),
            Msg::Accepted { ballot, slot } => self.on_accepted(from, ballot, slot, cluster, out),
            Msg::Heartbeat { ballot, commit, lease_from } => {
                self.on_heartbeat(from, ballot, commit, lease_from, now, cluster, out)
            }
            Msg::HeartbeatAck { ballot, lease_from } => self.on_heartbeat_ack(from, ballot, lease_from),
            Msg::CatchUpRequest { from: slot } => self.on_catch_up_request(from, slot, out),
            Msg::CatchUp { entries, snapshot } => self.on_catch_up(entries, snapshot, now, cluster, out),
            Msg::Reply { .. } | Msg::Redirect { .. } => {} // meant for clients
        }
    }

    pub fn promised(&self) -> Ballot {
        self.durable.promised.unwrap_or(Ballot::ZERO)
    }

    /// The ballot this replica campaigns or leads at, if it does.
    pub fn ballot(&self) -> Option<Ballot> {
        match &self.role {
            Role::Follower => None,
            Role::Candidate(c) => Some(c.ballot),
            Role::Leader(l) => Some(l.ballot),
        }
    }

    pub fn is_leader(&self) -> bool {
        matches!(self.role, Role::Leader(_))
    }

    /// Writes to stable storage, and only then lets the caller emit what depends on it.
    pub(super) fn persist(&mut self, output: Output, out: &mut impl Outputs) {
        self.durable.apply(&output);
        out.push(output);
    }

    /// `persist(Output::PersistAccept { .. })`, the one persist of the steady state.
    #[inline]
    pub(super) fn persist_accept(&mut self, slot: Slot, ballot: Ballot, cmd: Command, out: &mut impl Outputs) {
        self.durable.accept(slot, ballot, cmd);
        out.push(Output::PersistAccept { slot, ballot, cmd });
    }

    pub(super) fn others<'a>(&self, cluster: &'a MultiCluster) -> impl Iterator<Item = NodeId> + 'a {
        let me = self.id;
        cluster.replicas.iter().copied().filter(move |&r| r != me)
    }

    pub(super) fn set_election_timer(&self, cluster: &MultiCluster, out: &mut impl Outputs) {
        let max_ticks = cluster.election_ticks_max.saturating_mul(1 << self.attempts.min(3));
        out.push(Output::SetTimer { min_ticks: cluster.election_ticks_min, max_ticks });
    }

    // ------------------------------------------------------------------ acceptor

    /// Phase 1b for every slot from `from_slot` on. (1) The promise is persisted before the
    /// Promise leaves. `>=` so that a duplicated Prepare gets the same answer again.
    pub fn on_prepare(
        &mut self,
        from: NodeId,
        ballot: Ballot,
        from_slot: Slot,
        now: u64,
        cluster: &MultiCluster,
        out: &mut impl Outputs,
    ) {
        if let Some(until) = self.lease_held(from, now, cluster) {
            out.push(Output::Note(Note::LeaseHeld { until }));
            return; // (8) silent: the candidate's timer retries once the lease ran out
        }
        let promised = self.promised();
        if ballot < promised {
            out.push(Output::Send { to: from, msg: Msg::Nack { ballot, promised } });
            return;
        }
        self.step_down_below(ballot, out);
        self.leader = None;
        if self.durable.promised != Some(ballot) {
            self.persist(Output::PersistPromise(ballot), out);
        }
        let accepted = self.durable.accepted.range(from_slot..).map(|(s, &(b, c))| (s, b, c)).collect();
        let snapshot_point = self.durable.snapshot_point();
        out.push(Output::Send { to: from, msg: Msg::Promise { ballot, accepted, snapshot_point } });
        // Give the candidate a full timeout before campaigning against it.
        self.set_election_timer(cluster, out);
    }

    /// Phase 2b for one slot: accept unless a higher ballot was promised, persist, and answer
    /// the leader; then learn what the piggybacked commit point says.
    #[allow(clippy::too_many_arguments)]
    pub fn on_accept(
        &mut self,
        from: NodeId,
        ballot: Ballot,
        slot: Slot,
        cmd: Command,
        commit: Slot,
        cluster: &MultiCluster,
        out: &mut impl Outputs,
    ) {
        let promised = self.promised();
        if ballot < promised {
            out.push(Output::Send { to: from, msg: Msg::Nack { ballot, promised } });
            return;
        }
        let stepped_down = self.follow(ballot, out);
        if self.durable.accepted.get(slot) != Some(&(ballot, cmd)) {
            self.persist_accept(slot, ballot, cmd, out);
        }
        out.push(Output::Send { to: from, msg: Msg::Accepted { ballot, slot } });
        if stepped_down {
            self.set_election_timer(cluster, out);
        }
        self.learn_commit(ballot, commit, cluster, out);
    }

    /// The leader is alive: follow it, re-arm the election timer, grant its lease, learn the
    /// commit point, and ask for what is missing.
    #[allow(clippy::too_many_arguments)]
    pub fn on_heartbeat(
        &mut self,
        from: NodeId,
        ballot: Ballot,
        commit: Slot,
        lease_from: Option<u64>,
        now: u64,
        cluster: &MultiCluster,
        out: &mut impl Outputs,
    ) {
        let promised = self.promised();
        if ballot < promised {
            // An old leader (say, cut off for a while) learns here that it was replaced.
            out.push(Output::Send { to: from, msg: Msg::Nack { ballot, promised } });
            return;
        }
        self.follow(ballot, out);
        self.attempts = 0;
        self.set_election_timer(cluster, out);
        if let (Some(sent), Some(lease)) = (lease_from, cluster.lease) {
            if !cluster.broken.lease_without_wait {
                let until = self.lease_guard.map_or(0, |(_, u)| u).max(now + lease.ticks as u64);
                self.lease_guard = Some((Some(from), until));
            }
            out.push(Output::Send { to: from, msg: Msg::HeartbeatAck { ballot, lease_from: sent } });
        }
        if self.learn_commit(ballot, commit, cluster, out) {
            out.push(Output::Send { to: from, msg: Msg::CatchUpRequest { from: self.commit } });
        }
    }

    /// Recognises the leader of `ballot` (not below the promise); a replica campaigning or
    /// leading at a lower ballot steps down. Returns whether it did.
    fn follow(&mut self, ballot: Ballot, out: &mut impl Outputs) -> bool {
        let stepped_down = self.step_down_below(ballot, out);
        if self.leader.is_none() || ballot >= self.leader_ballot {
            self.leader = Some(ballot.node);
            self.leader_ballot = ballot;
        }
        stepped_down
    }

    fn step_down_below(&mut self, ballot: Ballot, out: &mut impl Outputs) -> bool {
        if self.ballot().is_some_and(|b| b < ballot) {
            self.step_down(out);
            return true;
        }
        false
    }

    /// Stops campaigning or leading. Queued and in-flight requests are dropped: their clients
    /// time out and retry elsewhere (and the at-most-once table catches any that was chosen).
    pub(super) fn step_down(&mut self, out: &mut impl Outputs) {
        let Some(ballot) = self.ballot() else { return };
        self.role = Role::Follower;
        if self.leader == Some(self.id) {
            self.leader = None;
        }
        out.push(Output::Note(Note::StepDown { ballot }));
    }

    /// Whether a lease this replica granted forbids promising `candidate` now: `Some(until)`.
    pub(super) fn lease_held(&self, candidate: NodeId, now: u64, cluster: &MultiCluster) -> Option<u64> {
        if cluster.lease.is_none() || cluster.broken.lease_without_wait {
            return None; // BROKEN variant lease_without_wait skips the wait
        }
        match self.lease_guard {
            Some((holder, until)) if holder != Some(candidate) && now < until => Some(until),
            _ => None,
        }
    }
}
