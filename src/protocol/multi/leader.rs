//! Campaigning and leading: Phase 1 once for the whole log, re-proposing what the promises
//! report, the Phase 2 pipeline, client requests, heartbeats and the lease.

use super::config::MultiCluster;
use super::kv::{Command, KvOp, Slot};
use super::maps::SlotMap;
use super::msg::{Msg, Note, Output, Outputs};
use super::replica::{Campaign, InFlight, Leadership, Replica, Role};
use crate::protocol::types::{AcceptorSet, Ballot, NodeId};
use std::collections::{BTreeMap, VecDeque};

impl Replica {
    /// A leader's timer is its heartbeat; anyone else's is an election timeout.
    pub fn on_timer(&mut self, now: u64, cluster: &MultiCluster, out: &mut impl Outputs) {
        if self.is_leader() {
            self.heartbeat(now, cluster, out);
            return;
        }
        if let Some(until) = self.lease_held(self.id, now, cluster) {
            // (8) A lease this replica granted still runs: campaigning now would mean
            // promising itself. Wait it out.
            out.push(Output::Note(Note::LeaseHeld { until }));
            let ticks = u32::try_from(until - now).unwrap_or(u32::MAX);
            out.push(Output::SetTimer { min_ticks: ticks, max_ticks: ticks });
            return;
        }
        if matches!(self.role, Role::Candidate(_)) {
            self.attempts = self.attempts.saturating_add(1);
        }
        self.campaign(now, cluster, out);
    }

    /// Starts Phase 1. (1) A ballot above every round this replica promised or saw, promised
    /// to itself and persisted before any Prepare leaves, so that a restarted replica never
    /// reuses a ballot. (2) One Prepare covers every slot from the first one this replica does
    /// not know chosen: below it nothing can change, and above it the promises report all
    /// that may have been chosen.
    pub fn campaign(&mut self, now: u64, cluster: &MultiCluster, out: &mut impl Outputs) {
        let round = self.promised().round.max(self.round_seen) + 1;
        let ballot = Ballot::new(round, self.id);
        self.persist(Output::PersistPromise(ballot), out);
        let from_slot = self.commit;
        out.push(Output::Note(Note::Campaign { ballot, from_slot }));
        self.role = Role::Candidate(Campaign {
            ballot,
            promises: AcceptorSet::default(),
            entries: BTreeMap::new(),
            snapshot_point: Slot(0),
        });
        self.leader = None;
        for to in self.others(cluster) {
            out.push(Output::Send { to, msg: Msg::Prepare { ballot, from_slot } });
        }
        self.set_election_timer(cluster, out);
        let own: Vec<_> = self.durable.accepted.range(from_slot..).map(|(s, &(b, c))| (s, b, c)).collect();
        let point = self.durable.snapshot_point();
        self.on_promise(self.id, ballot, &own, point, now, cluster, out);
    }

    /// Counts a promise and keeps, per slot, the highest-ballot entry reported.
    #[allow(clippy::too_many_arguments)]
    pub fn on_promise(
        &mut self,
        from: NodeId,
        ballot: Ballot,
        accepted: &[(Slot, Ballot, Command)],
        snapshot_point: Slot,
        now: u64,
        cluster: &MultiCluster,
        out: &mut impl Outputs,
    ) {
        let commit = self.commit;
        let Role::Candidate(c) = &mut self.role else { return };
        if c.ballot != ballot || c.promises.contains(from.0) {
            return; // stale or duplicate
        }
        c.promises.insert(from.0);
        for &(slot, b, cmd) in accepted {
            // (3) The heart of Paxos, per slot: the highest-ballot entry may have been chosen.
            if slot >= commit && c.entries.get(&slot).is_none_or(|&(have, _)| b > have) {
                c.entries.insert(slot, (b, cmd));
            }
        }
        if snapshot_point > c.snapshot_point {
            c.snapshot_point = snapshot_point;
            if snapshot_point > commit {
                // (6) This acceptor compacted chosen entries this replica does not know: it
                // cannot tell what they were, so it must catch up before it may lead.
                out.push(Output::Send { to: from, msg: Msg::CatchUpRequest { from: commit } });
            }
        }
        self.try_lead(now, cluster, out);
    }

    /// Becomes leader once a quorum promised and nothing compacted is missing.
    pub(super) fn try_lead(&mut self, now: u64, cluster: &MultiCluster, out: &mut impl Outputs) {
        let Role::Candidate(c) = &self.role else { return };
        if c.promises.len() < cluster.phase1_quorum as u32 || self.commit < c.snapshot_point {
            return;
        }
        let Role::Candidate(c) = std::mem::take(&mut self.role) else { return };
        self.become_leader(c, now, cluster, out);
    }

    /// Phase 1 done for the whole log. Re-propose, in every slot from the commit point to the
    /// highest one reported, the highest-ballot entry; (4) a slot no promise reported cannot
    /// have been chosen (a quorum that chose it would meet this one), so it gets a no-op:
    /// the log must have no holes, because slots are applied in order.
    fn become_leader(&mut self, mut c: Campaign, now: u64, cluster: &MultiCluster, out: &mut impl Outputs) {
        let ballot = c.ballot;
        self.attempts = 0;
        self.leader = Some(self.id);
        self.leader_ballot = ballot;
        out.push(Output::Leader { ballot });
        let entries = if cluster.broken.keep_only_chosen {
            BTreeMap::new() // BROKEN: every slot not known chosen is treated as free
        } else {
            c.entries.split_off(&self.commit)
        };
        let after_log = self.log.last_key().map_or(self.commit, |s| s.next()).max(self.commit);
        let end = entries.keys().next_back().map_or(after_log, |s| s.next()).max(after_log);
        self.role = Role::Leader(Leadership {
            ballot,
            next: end,
            start: end,
            proposals: SlotMap::new(),
            queue: VecDeque::new(),
            lease_acks: vec![None; cluster.replicas.len()],
        });
        let mut slot = self.commit;
        while slot < end {
            if !self.log.contains_key(slot) {
                let cmd = match entries.get(&slot) {
                    Some(&(_, cmd)) => {
                        out.push(Output::Note(Note::Adopted { slot, cmd }));
                        cmd
                    }
                    None => {
                        out.push(Output::Note(Note::Filled { slot }));
                        Command::Noop
                    }
                };
                self.propose(slot, cmd, cluster, out);
            }
            slot = slot.next();
        }
        self.heartbeat(now, cluster, out);
    }

    /// Phase 2a for one slot. The leader is an acceptor too: it accepts its own proposal,
    /// persisted first, and counts itself. `quorum` is at least 2 in every safe cluster, so
    /// one acceptance never chooses.
    fn propose(&mut self, slot: Slot, cmd: Command, cluster: &MultiCluster, out: &mut impl Outputs) {
        let Some(ballot) = self.ballot() else { return };
        self.persist_accept(slot, ballot, cmd, out);
        let commit = self.commit;
        for to in self.others(cluster) {
            out.push(Output::Send { to, msg: Msg::Accept { ballot, slot, cmd, commit } });
        }
        let mut accepts = AcceptorSet::default();
        accepts.insert(self.id.0);
        if let Role::Leader(l) = &mut self.role {
            l.proposals.insert(slot, InFlight { cmd, accepts, aged: false });
        }
    }

    /// Counts an acceptance; at a quorum the slot is chosen, applied if in order, and the
    /// pipeline takes the next queued request.
    pub fn on_accepted(
        &mut self,
        from: NodeId,
        ballot: Ballot,
        slot: Slot,
        cluster: &MultiCluster,
        out: &mut impl Outputs,
    ) {
        let Role::Leader(l) = &mut self.role else { return };
        if l.ballot != ballot {
            return;
        }
        let Some(p) = l.proposals.get_mut(slot) else { return };
        p.accepts.insert(from.0);
        if p.accepts.len() < cluster.quorum as u32 {
            return;
        }
        let cmd = p.cmd;
        l.proposals.remove(slot);
        out.push(Output::Note(Note::Chosen { slot }));
        if slot >= self.applied {
            self.log.get_or_insert(slot, cmd);
        }
        self.apply_chosen(cluster, out);
        self.fill_window(cluster, out);
    }

    /// (10) The pipeline: new commands go out while fewer than `window` slots are in flight,
    /// so one slow slot does not stall the others (they are still applied in order).
    fn fill_window(&mut self, cluster: &MultiCluster, out: &mut impl Outputs) {
        loop {
            let Role::Leader(l) = &mut self.role else { return };
            if l.proposals.len() >= cluster.window as usize {
                return;
            }
            let Some((client, seq, op)) = l.queue.pop_front() else { return };
            let slot = l.next;
            l.next = slot.next();
            self.propose(slot, Command::Op { client, seq, op }, cluster, out);
        }
    }

    /// A rejection of this replica's ballot: someone promised higher. Step down and back off
    /// (a randomized timeout, longer after each failure), so two would-be leaders stop
    /// preempting each other.
    pub fn on_nack(&mut self, ballot: Ballot, promised: Ballot, cluster: &MultiCluster, out: &mut impl Outputs) {
        if self.ballot() != Some(ballot) {
            return;
        }
        self.round_seen = self.round_seen.max(promised.round);
        self.attempts = self.attempts.saturating_add(1);
        self.step_down(out);
        self.set_election_timer(cluster, out);
    }

    /// A client's request. A non-leader redirects; the leader answers a retry from the
    /// at-most-once table, serves a read under its lease, or queues the command for the log.
    #[allow(clippy::too_many_arguments)]
    pub fn on_request(
        &mut self,
        client: NodeId,
        seq: u32,
        op: KvOp,
        now: u64,
        cluster: &MultiCluster,
        out: &mut impl Outputs,
    ) {
        let Role::Leader(l) = &self.role else {
            let leader = self.leader.filter(|&n| n != self.id);
            out.push(Output::Send { to: client, msg: Msg::Redirect { seq, leader } });
            return;
        };
        if !cluster.broken.no_at_most_once {
            if self.sessions.is_done(client, seq) {
                // (7) Applied already: answer from the table (an older seq is stale: drop it).
                if let Some(reply) = self.sessions.answer(client, seq) {
                    out.push(Output::Note(Note::Duplicate { client, seq }));
                    out.push(Output::Send { to: client, msg: Msg::Reply { seq, reply } });
                }
                return;
            }
            let same = |c: &Command| matches!(*c, Command::Op { client: k, seq: s, .. } if k == client && s == seq);
            if l.proposals.values().any(|p| same(&p.cmd)) || l.queue.iter().any(|&(k, s, _)| k == client && s == seq) {
                return; // in the pipeline already: its reply will come
            }
        }
        if let KvOp::Read { key } = op {
            if self.lease_read_ok(now, cluster) {
                out.push(Output::Note(Note::LeaseRead { key }));
                out.push(Output::Send { to: client, msg: Msg::Reply { seq, reply: self.store.read(key) } });
                return;
            }
        }
        if let Role::Leader(l) = &mut self.role {
            l.queue.push_back((client, seq, op));
        }
        self.fill_window(cluster, out);
    }

    /// Tells the followers the leader lives and what is chosen; with leases, asks for acks.
    /// (11) Sends again the Accepts of every slot that has been in flight for a whole
    /// heartbeat interval, to the replicas that did not accept it: an Accept or Accepted lost
    /// on the way would otherwise hold its slot, and every slot after it, forever.
    fn heartbeat(&mut self, now: u64, cluster: &MultiCluster, out: &mut impl Outputs) {
        let (id, commit) = (self.id, self.commit);
        let Role::Leader(l) = &mut self.role else { return };
        let lease_from = cluster.lease.map(|_| now);
        if lease_from.is_some() {
            l.lease_acks[id.index()] = Some(now);
        }
        let ballot = l.ballot;
        for &to in cluster.replicas.iter().filter(|&&r| r != id) {
            out.push(Output::Send { to, msg: Msg::Heartbeat { ballot, commit, lease_from } });
        }
        for (slot, p) in l.proposals.iter_mut() {
            if !std::mem::replace(&mut p.aged, true) {
                continue;
            }
            for &to in cluster.replicas.iter().filter(|&&r| r != id && !p.accepts.contains(r.0)) {
                out.push(Output::Send { to, msg: Msg::Accept { ballot, slot, cmd: p.cmd, commit } });
            }
        }
        out.push(Output::SetTimer { min_ticks: cluster.heartbeat_ticks, max_ticks: cluster.heartbeat_ticks });
    }

    pub fn on_heartbeat_ack(&mut self, from: NodeId, ballot: Ballot, lease_from: u64) {
        let Role::Leader(l) = &mut self.role else { return };
        if l.ballot != ballot {
            return;
        }
        if let Some(ack) = l.lease_acks.get_mut(from.index()) {
            *ack = (*ack).max(Some(lease_from));
        }
    }

    /// (8) The lease runs until `ticks - drift` after the quorum-th most recent acked heartbeat:
    /// a quorum of replicas (this one included) acked a heartbeat sent then or later, and each
    /// of the others refuses to promise another would-be leader for `ticks` after it received
    /// it. Any new leader needs one of them, so none can exist before the lease ends.
    pub fn lease_until(&self, cluster: &MultiCluster) -> Option<u64> {
        let (Role::Leader(l), Some(lease)) = (&self.role, cluster.lease) else { return None };
        let mut acks: Vec<u64> = l.lease_acks.iter().flatten().copied().collect();
        let quorum = (cluster.quorum as usize).max(1);
        if acks.len() < quorum {
            return None;
        }
        acks.sort_unstable_by(|a, b| b.cmp(a));
        Some((acks[quorum - 1] + lease.ticks as u64).saturating_sub(lease.drift as u64))
    }

    /// A read may skip the log while the lease holds and the leader applied every entry it
    /// re-proposed at election (earlier leaders' acknowledged writes are among them).
    pub fn lease_read_ok(&self, now: u64, cluster: &MultiCluster) -> bool {
        let Role::Leader(l) = &self.role else { return false };
        self.applied >= l.start && self.lease_until(cluster).is_some_and(|until| now < until)
    }
}
