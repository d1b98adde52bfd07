//! The proposer: drives one value through phase 1 (Prepare/Promise) and phase 2
//! (Accept/Accepted), retrying with a higher ballot when it is preempted or times out.

use super::cluster::Cluster;
use super::msg::{Msg, Note, Output, Outputs, ProposerDurable, TimerKind};
use super::quorum;
use super::types::{AcceptorSet, Ballot, NodeId, Proposal, Value};
use serde::{Deserialize, Serialize};

/// Where a proposer is in the protocol.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Phase {
    /// No client value yet (or lost in a crash).
    #[default]
    Idle,
    /// Phase 1: Prepare sent; counting promises and remembering the highest accepted proposal.
    Preparing { ballot: Ballot, promises: AcceptorSet, highest: Option<Proposal> },
    /// Phase 2: Accept sent; counting acceptances.
    Accepting { ballot: Ballot, value: Value, accepts: AcceptorSet },
    /// Rejected; waiting out a randomized backoff before the next ballot.
    Backoff,
    /// A value is chosen; nothing more to do.
    Done { value: Value },
}

impl Phase {
    #[inline(always)]
    pub fn ballot(&self) -> Option<Ballot> {
        match *self {
            Phase::Preparing { ballot, .. } | Phase::Accepting { ballot, .. } => Some(ballot),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Proposer {
    pub id: NodeId,
    /// Survives crashes: the highest round this proposer ever used.
    pub durable: ProposerDurable,
    /// Volatile: the client's value, lost in a crash.
    pub value: Option<Value>,
    pub phase: Phase,
    /// The highest round seen in a Nack: the next ballot jumps above it.
    pub round_seen: u32,
    /// Retries since the client's request, for the exponential backoff.
    pub attempts: u32,
    /// Timeouts since the client's request: with `Timing::timeout_growth`, each doubles the
    /// next timeout. Counted apart from `attempts`, because a Nack proves that the round trip
    /// fits in the timeout, and dueling proposers can collect dozens of Nacks.
    pub timeouts: u32,
}

/// The longest a grown timeout gets (2^18 ticks). Why this much: the simulator allows a message
/// delay of up to 100,000 ticks, so a phase's round trip can take 200,000; doubling from any
/// timeout of at least one tick passes that before it stops. A proposer cut off for a long
/// time therefore waits at most about as long again once the network heals.
pub const TIMEOUT_TICKS_GROWN_MAX: u32 = 1 << 18;

impl Proposer {
    pub fn recover(id: NodeId, durable: ProposerDurable) -> Proposer {
        Proposer { id, durable, value: None, phase: Phase::Idle, round_seen: 0, attempts: 0, timeouts: 0 }
    }

    pub fn on_propose(&mut self, value: Value, cluster: &Cluster, out: &mut impl Outputs) {
        if self.value.is_some() || matches!(self.phase, Phase::Done { .. }) {
            out.push(Output::Note(Note::Ignored { value }));
            // (5) A client asking again after the decision is answered by announcing it again:
            // a learner keeps nothing durable, so one that crashed or missed Decided learns now.
            if let Phase::Done { value: chosen } = self.phase {
                self.announce(chosen, cluster, out);
            }
            return;
        }
        self.value = Some(value);
        self.start_phase1(cluster, out);
    }

    /// (1) A fresh ballot above every round this proposer used or saw, persisted before use, so
    /// that a recovered proposer never proposes a second value under an old ballot.
    fn start_phase1(&mut self, cluster: &Cluster, out: &mut impl Outputs) {
        let round = self.durable.max_round.max(self.round_seen) + 1;
        self.durable.max_round = round;
        out.push(Output::PersistProposer(self.durable));
        let ballot = Ballot::new(round, self.id);
        self.phase = Phase::Preparing { ballot, promises: AcceptorSet::default(), highest: None };
        out.push(Output::Note(Note::Phase1 { ballot }));
        for &to in &cluster.acceptors {
            out.push(Output::Send { to, msg: Msg::Prepare { ballot } });
        }
        self.set_timeout(cluster, out);
    }

    pub fn on_promise(
        &mut self,
        from: NodeId,
        b: Ballot,
        accepted: Option<Proposal>,
        cluster: &Cluster,
        out: &mut impl Outputs,
    ) {
        let Phase::Preparing { ballot, promises, highest } = &mut self.phase else { return };
        let Some(position) = cluster.position(from) else { return };
        if *ballot != b {
            return; // a promise for an older ballot of ours: stale, not an error
        }
        promises.insert(position);
        if accepted.map(|a| a.ballot) > highest.map(|h| h.ballot) {
            *highest = accepted;
        }
        if !quorum::reached(promises.len(), cluster.quorums.phase1) {
            return;
        }
        // (2) The heart of Paxos: if any acceptor in the quorum accepted something, propose the
        // value of the highest-ballot proposal among them. It may already be chosen, and every
        // phase-1 quorum meets the phase-2 quorum that chose it, so this is how it survives.
        let (ballot, highest) = (*ballot, *highest);
        let own = self.value.unwrap_or_default();
        let (value, adopted) = match highest {
            Some(p) if !cluster.broken.ignore_accepted_values => (p.value, p.value != own),
            _ => (own, false), // BROKEN variant skips the rule above
        };
        self.phase = Phase::Accepting { ballot, value, accepts: AcceptorSet::default() };
        out.push(Output::Note(Note::Phase2 { ballot, value, adopted }));
        for &to in &cluster.acceptors {
            out.push(Output::Send { to, msg: Msg::Accept { ballot, value } });
        }
        self.set_timeout(cluster, out);
    }

    pub fn on_accepted(&mut self, from: NodeId, b: Ballot, cluster: &Cluster, out: &mut impl Outputs) {
        let Phase::Accepting { ballot, value, accepts } = &mut self.phase else { return };
        let Some(position) = cluster.position(from) else { return };
        if *ballot != b {
            return;
        }
        accepts.insert(position);
        if quorum::reached(accepts.len(), cluster.quorums.phase2) {
            let value = *value;
            self.finish(value, out);
            // (3) The commit phase: tell everyone, so nodes that missed Accepted still learn.
            self.announce(value, cluster, out);
        }
    }

    fn announce(&self, value: Value, cluster: &Cluster, out: &mut impl Outputs) {
        for to in cluster.nodes().filter(|&n| n != self.id) {
            out.push(Output::Send { to, msg: Msg::Decided { value } });
        }
    }

    pub fn on_nack(&mut self, b: Ballot, promised: Ballot, cluster: &Cluster, out: &mut impl Outputs) {
        if self.phase.ballot() != Some(b) {
            return;
        }
        self.round_seen = self.round_seen.max(promised.round);
        self.retry(b, cluster, out);
    }

    pub fn on_timer(&mut self, cluster: &Cluster, out: &mut impl Outputs) {
        match self.phase {
            // (6) Timed out. With timeout growth, retry as after a Nack (backoff first) and
            // wait twice as long next time; without it (format 1), go again at once with the
            // same timeout, which never ends if the timeout is shorter than a round trip.
            Phase::Preparing { ballot, .. } | Phase::Accepting { ballot, .. } if cluster.timing.timeout_growth => {
                self.timeouts = self.timeouts.saturating_add(1);
                self.retry(ballot, cluster, out);
            }
            Phase::Preparing { ballot, .. } | Phase::Accepting { ballot, .. } => {
                out.push(Output::Note(Note::Abandon { ballot }));
                self.attempts = self.attempts.saturating_add(1);
                self.start_phase1(cluster, out);
            }
            Phase::Backoff => self.start_phase1(cluster, out),
            Phase::Idle | Phase::Done { .. } => {}
        }
    }

    pub fn on_decided(&mut self, value: Value, out: &mut impl Outputs) {
        if !matches!(self.phase, Phase::Done { .. }) {
            self.finish(value, out);
        }
    }

    fn finish(&mut self, value: Value, out: &mut impl Outputs) {
        self.phase = Phase::Done { value };
        out.push(Output::CancelTimer { timer: TimerKind::Retry });
        out.push(Output::Note(Note::Done { value }));
    }

    /// (4) Preempted (or timed out, with timeout growth): with backoff, wait a random time that
    /// doubles with each attempt, so that two dueling proposers soon stop interrupting each
    /// other; without it, go again at once.
    fn retry(&mut self, ballot: Ballot, cluster: &Cluster, out: &mut impl Outputs) {
        out.push(Output::Note(Note::Abandon { ballot }));
        self.attempts = self.attempts.saturating_add(1);
        let t = cluster.timing;
        if t.backoff {
            self.phase = Phase::Backoff;
            let window = t.backoff_ticks_base.saturating_mul(1 << self.attempts.min(16)).min(t.backoff_ticks_max);
            out.push(Output::SetTimer { timer: TimerKind::Retry, min_ticks: 0, max_ticks: window });
        } else {
            self.start_phase1(cluster, out);
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn set_timeout(&self, cluster: &Cluster, out: &mut impl Outputs) {
        let t = cluster.timing;
        let max_ticks = if t.backoff { t.timeout_ticks_max } else { t.timeout_ticks_min };
        let (min_ticks, max_ticks) = if t.timeout_growth {
            (grown(t.timeout_ticks_min, self.timeouts), grown(max_ticks, self.timeouts))
        } else {
            (t.timeout_ticks_min, max_ticks)
        };
        out.push(Output::SetTimer { timer: TimerKind::Retry, min_ticks, max_ticks });
    }
}

/// `ticks` doubled once per timeout, up to `TIMEOUT_TICKS_GROWN_MAX` (never below `ticks`).
/// Eighteen doublings take even one tick to the cap, so the shift stops there.
fn grown(ticks: u32, timeouts: u32) -> u32 {
    ticks.saturating_mul(1 << timeouts.min(18)).min(TIMEOUT_TICKS_GROWN_MAX.max(ticks))
}
