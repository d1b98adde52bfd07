//! A breadth-first explorer of every interleaving, generic over the protocol.
//!
//! The checker beside it (`check::search`, `check::state`) is single-decree Paxos's, packed and
//! tuned for millions of states a second. This one takes any protocol the simulator runs
//! (`sim::Simulated`) plus what [`Explorable`] adds, and trades speed for generality: a state
//! is a concrete `System<P>` with its messages in flight as a sorted multiset, each node's one
//! timer as armed or not, the fault budget used so far, and per client the index of its next
//! operation. Every step goes through `System::apply`, as in the simulator and the page.
//!
//! Why abstract time: an armed timer may fire at any moment, so every timing is covered
//! without a clock. Why a bound on timer firings: a leader's heartbeat timer is always armed
//! and every firing sends messages, so without one the state space is infinite. Client
//! retries may have a bound of their own (`Bounds::retries`), apart from the replicas'
//! elections and heartbeats, and so may leaders' heartbeats (`Bounds::heartbeats`), apart
//! from elections. One reduction besides forgetting dead messages: symmetry
//! (`Bounds::symmetry`), a node whose timer never fires because another's mirrors it.
//!
//! Time, for what reads it (Multi-Paxos's leases, which are durations): a bounded discrete
//! clock in the state. The protocol's `now` is the clock; [`Move::Tick`] advances it by one
//! tick, at most `Bounds::ticks` times in a run, interleaved with every other step in every
//! order. Timers stay abstract (a timer may still fire at any moment, whatever the clock says),
//! which covers every real timing of them. Every node reads the same clock: clock drift is
//! not modelled (see `multi.rs` for what that leaves out). With `ticks` 0 the clock stays at 0,
//! as before it existed.
//!
//! Each state is identified by a 128-bit xxh3 hash of its canonical form ([`State::key`]);
//! with n states the odds that two distinct ones collide are about n^2 / 2^129, under 10^-26
//! for a million. The search keeps the visited hashes, breadth-first a parent link per unique
//! state (the parent's id and the index of the step among those enabled there; depth-first
//! the stack's path serves instead), and the frontier's
//! concrete states; a violation's shortest path is rebuilt by re-applying those steps from the
//! initial state (`search::Explorer::trail`), and [`replay`] runs any step list again and
//! shows what it breaks.

pub mod multi;
pub mod search;

pub use search::{Counts, Ending, Explorer, Limits, Trail};

use crate::protocol::NodeId;
use crate::sim::event::{Sink, Tick, TraceEvent};
use crate::sim::{Simulated, Step, StepOf, System, Transit, Violation};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// What the explorer needs from a protocol beyond the simulator's interface.
pub trait Explorable: Simulated {
    /// Hashes the monitor's state that matters: what later invariant checks read, and the
    /// client history's order (never absolute step numbers or ticks).
    fn hash_monitor(monitor: &Self::Monitor, h: &mut impl Hasher);
    /// Whether client `node` is waiting for its next operation.
    fn idle(system: &System<Self>, node: NodeId) -> bool;
    /// Whether `node` may crash (Multi-Paxos: replicas; a client that crashed never returns).
    fn may_crash(cluster: &Self::Cluster, node: NodeId) -> bool;
    /// Whether `node`'s timer is a client's retry (counted against `Bounds::retries` if set).
    fn retries(cluster: &Self::Cluster, node: NodeId) -> bool;
    /// Whether `node`'s timer, were it to fire now, is a leader's heartbeat (counted against
    /// `Bounds::heartbeats` if set).
    fn heartbeat(system: &System<Self>, node: NodeId) -> bool;
    /// The node whose timer never fires under `Bounds::symmetry`: its firings are mirrored by
    /// another node's (the protocol's module says when that is sound and checks it).
    fn mirrored(cluster: &Self::Cluster) -> Option<NodeId>;
    /// Whether delivering `packet`, here or in any state reachable from here, can change
    /// nothing but take it out of the network (and send only messages that are dead too).
    /// Must be monotonic: once dead, dead in every later state.
    fn dead(system: &System<Self>, packet: &Packet<Self>) -> bool;
    /// The highest ballot round any node has promised or campaigns or leads at.
    fn highest_round(system: &System<Self>) -> u32;
    /// Called after every step: properties of the whole client history (Multi-Paxos:
    /// linearizability, checked when an operation completed).
    fn history_violation(system: &mut System<Self>) -> Option<Violation>;
    /// A rough count of the heap bytes a state's system holds (for the memory limit).
    fn heap_bytes(system: &System<Self>) -> usize;
}

/// How far the search may go. Every reordering is always covered (the network is a
/// multiset); these bound the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// Successors in which any node's promise or ballot has a round above this are pruned.
    pub max_round: u32,
    /// Messages the network may lose, in all.
    pub drops: u8,
    /// Extra copies of a message in flight the network may deliver, in all.
    pub duplicates: u8,
    /// Crashes, in all (a crashed node may always recover).
    pub crashes: u8,
    /// Timer firings, in all: elections, and heartbeats and client retries unless
    /// `heartbeats` or `retries` is set.
    pub timeouts: u8,
    /// Client timer firings (retries), counted apart from `timeouts`; `None`: they share it.
    pub retries: Option<u8>,
    /// Leaders' timer firings (heartbeats), counted apart from `timeouts`; `None`: they share
    /// it. `Some(0)` with `timeouts` 1: the one firing is an election.
    pub heartbeats: Option<u8>,
    /// Clock ticks a run may pass ([`Move::Tick`]); 0: the clock stays at 0.
    pub ticks: u8,
    /// Not a bound but a reduction: after every step, forget the messages in flight that can
    /// never change anything ([`Explorable::dead`]). States that differ only in such messages
    /// are one; every run kept is a run of the protocol in which those messages stay in
    /// flight forever, so counterexamples stay concrete.
    pub forget_dead: bool,
    /// A reduction too: the timer of [`Explorable::mirrored`] never fires, since every run in
    /// which it does is another node's run with the two nodes' names swapped (Multi-Paxos:
    /// replica 2's election is replica 1's; `multi.rs` argues it and refuses bounds where it
    /// does not hold). The verdict and a shortest counterexample's length are the same.
    pub symmetry: bool,
    /// Deepest run explored, in steps.
    pub depth: Option<u32>,
}

/// What to explore: a cluster, each client's operations, the bounds.
#[derive(Clone, Debug)]
pub struct Space<P: Explorable> {
    pub cluster: Arc<P::Cluster>,
    /// Per client node, the operations it is handed one after another, each once the last
    /// completed (a closed loop).
    pub clients: Vec<(NodeId, Vec<P::Request>)>,
    pub bounds: Bounds,
    /// Steps applied to the initial state before the search starts (Multi-Paxos's warm start:
    /// the first election, settled). The search explores from there; the bounds on faults
    /// count from there; every trail starts with these steps, so it replays from scratch.
    pub prefix: Vec<MoveOf<P>>,
}

/// One move of the search: a step of the simulator, or a tick of the explorer's clock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Move<S> {
    Step(S),
    /// Time passes by one tick (only where the space has a clock: `Bounds::ticks`).
    Tick,
}

/// A move of protocol `P`'s search.
pub type MoveOf<P> = Move<StepOf<P>>;

/// A message in flight: from, to, the message.
pub type Packet<P> = (NodeId, NodeId, <P as crate::protocol::Protocol>::Msg);

/// One state of the search.
#[derive(Debug)]
pub struct State<P: Explorable> {
    pub system: System<P>,
    /// Messages in flight, sorted (a multiset: equal messages repeat).
    pub net: Vec<Packet<P>>,
    /// Bit `n`: node `n`'s timer is armed.
    pub timers: u64,
    /// Per client (in `Space::clients` order), the index of its next operation.
    pub next_op: Vec<u8>,
    pub drops: u8,
    pub duplicates: u8,
    pub crashes: u8,
    pub timeouts: u8,
    pub retries: u8,
    pub heartbeats: u8,
    /// The clock (ticks passed since the initial state).
    pub now: u32,
    /// Ticks passed since the search started (the prefix's do not count).
    pub ticks: u8,
    /// Steps from the initial state. Not part of the key: the monitor records each client
    /// event at this position, and only their order counts.
    pub depth: u32,
    /// Per node, the xxh3-128 hash of its canonical form (node, up, durable storage), kept
    /// up to date by `apply`, which recomputes only the node its step touched: a step changes
    /// one node at most, and hashing every node for every successor was half the search's time.
    node_keys: Vec<u128>,
}

/// By hand for `clone_from`: the search computes every successor in one scratch state.
impl<P: Explorable> Clone for State<P> {
    fn clone(&self) -> State<P> {
        State {
            system: self.system.clone(),
            net: self.net.clone(),
            timers: self.timers,
            next_op: self.next_op.clone(),
            drops: self.drops,
            duplicates: self.duplicates,
            crashes: self.crashes,
            timeouts: self.timeouts,
            retries: self.retries,
            heartbeats: self.heartbeats,
            now: self.now,
            ticks: self.ticks,
            depth: self.depth,
            node_keys: self.node_keys.clone(),
        }
    }
    fn clone_from(&mut self, source: &State<P>) {
        self.system.clone_from(&source.system);
        self.net.clone_from(&source.net);
        self.timers = source.timers;
        self.next_op.clone_from(&source.next_op);
        self.drops = source.drops;
        self.duplicates = source.duplicates;
        self.crashes = source.crashes;
        self.timeouts = source.timeouts;
        self.retries = source.retries;
        self.heartbeats = source.heartbeats;
        self.now = source.now;
        self.ticks = source.ticks;
        self.depth = source.depth;
        self.node_keys.clone_from(&source.node_keys);
    }
}

/// The budget a timer firing counts against ([`Bounds`]).
enum Firing {
    Retry,
    Heartbeat,
    Other,
}

/// The explorer's transit: a send joins the multiset, a timer is a bit.
struct Net<'s, M> {
    net: &'s mut Vec<(NodeId, NodeId, M)>,
    timers: &'s mut u64,
}

impl<M: Ord> Transit<M> for Net<'_, M> {
    fn send<K: TraceEvent<M>>(&mut self, from: NodeId, to: NodeId, msg: M, _: u64, _: Tick, _: &mut impl Sink<K>) {
        insert(self.net, (from, to, msg));
    }
    fn set_timer(&mut self, node: NodeId, _: u32, _: u32, _: Tick) {
        *self.timers |= 1 << node.index();
    }
    fn cancel_timer(&mut self, node: NodeId) {
        *self.timers &= !(1 << node.index());
    }
}

fn insert<M: Ord>(net: &mut Vec<(NodeId, NodeId, M)>, p: (NodeId, NodeId, M)) {
    let at = net.partition_point(|q| *q <= p);
    net.insert(at, p);
}

/// The canonical form's bytes, hashed at once with xxh3-128 (a `Hash` impl makes many small
/// writes, which a streaming hasher takes one call each: this halves the key's cost); `usize`
/// as 64 bits so native and wasm agree.
struct KeyHasher<'b>(&'b mut Vec<u8>);

impl Hasher for KeyHasher<'_> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }
    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.0.push(n);
    }
    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.0.extend_from_slice(&n.to_le_bytes());
    }
    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.0.extend_from_slice(&n.to_le_bytes());
    }
    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.0.extend_from_slice(&(n as u64).to_le_bytes());
    }
    fn finish(&self) -> u64 {
        xxhash_rust::xxh3::xxh3_64(self.0)
    }
}

thread_local! {
    static KEY_BYTES: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl<P: Explorable> State<P> {
    /// Where the search starts: the initial state after the space's prefix, with the fault
    /// counters back at zero.
    pub fn start(space: &Space<P>) -> State<P> {
        let mut s = State::initial(space);
        for step in &space.prefix {
            s.apply(space, step.clone());
        }
        (s.drops, s.duplicates, s.crashes, s.timeouts, s.retries, s.heartbeats, s.ticks) = (0, 0, 0, 0, 0, 0, 0);
        s
    }

    /// Every node started (`Protocol::start`: Multi-Paxos replicas arm their election timers).
    pub fn initial(space: &Space<P>) -> State<P> {
        let mut s = State {
            system: System::start(space.cluster.clone()),
            net: Vec::new(),
            timers: 0,
            next_op: vec![0; space.clients.len()],
            drops: 0,
            duplicates: 0,
            crashes: 0,
            timeouts: 0,
            retries: 0,
            heartbeats: 0,
            now: 0,
            ticks: 0,
            depth: 0,
            node_keys: Vec::new(),
        };
        let mut net = Net { net: &mut s.net, timers: &mut s.timers };
        s.system.start_nodes(&mut net, (0, 0), &mut ());
        s.node_keys = (0..s.system.nodes.len()).map(|i| s.node_key(i)).collect();
        s
    }

    /// Every move enabled here, in a fixed order (so the search and its counterexamples are
    /// deterministic): client operations, then per distinct message deliver, drop, duplicate,
    /// then per node its timer, a crash, a recovery, then a tick of the clock.
    pub fn steps(&self, space: &Space<P>, out: &mut Vec<MoveOf<P>>) {
        out.clear();
        for (i, (client, ops)) in space.clients.iter().enumerate() {
            if let Some(op) = ops.get(self.next_op[i] as usize) {
                if P::idle(&self.system, *client) {
                    out.push(Move::Step(Step::Propose { node: *client, value: op.clone() }));
                }
            }
        }
        let b = &space.bounds;
        let mut previous: Option<&Packet<P>> = None;
        for p in &self.net {
            if previous == Some(p) {
                continue; // equal copies enable the same steps
            }
            previous = Some(p);
            let (from, to, msg) = (p.0, p.1, &p.2);
            out.push(Move::Step(Step::Deliver { from, to, msg: msg.clone() }));
            if self.drops < b.drops {
                out.push(Move::Step(Step::Drop { from, to, msg: msg.clone() }));
            }
            if self.duplicates < b.duplicates {
                out.push(Move::Step(Step::Duplicate { from, to, msg: msg.clone() }));
            }
        }
        let mirrored = if b.symmetry { P::mirrored(&space.cluster) } else { None };
        for (i, slot) in self.system.nodes.iter().enumerate() {
            let node = NodeId(i as u8);
            if slot.up && self.timers & (1 << i) != 0 && mirrored != Some(node) && self.may_fire(space, node) {
                out.push(Move::Step(Step::Timer { node }));
            }
            if slot.up && self.crashes < b.crashes && P::may_crash(&space.cluster, node) {
                out.push(Move::Step(Step::Crash { node }));
            }
            if !slot.up {
                out.push(Move::Step(Step::Recover { node }));
            }
        }
        if self.ticks < b.ticks {
            out.push(Move::Tick);
        }
    }

    /// Whether the firing bound leaves room for `node`'s timer: a client's retry counts
    /// against `retries` when that is set, a leader's heartbeat against `heartbeats` when that
    /// is set, any other firing against `timeouts`.
    fn may_fire(&self, space: &Space<P>, node: NodeId) -> bool {
        let b = &space.bounds;
        match self.firing(space, node) {
            Firing::Retry => self.retries < b.retries.unwrap_or(0),
            Firing::Heartbeat => self.heartbeats < b.heartbeats.unwrap_or(0),
            Firing::Other => self.timeouts < b.timeouts,
        }
    }

    /// Which budget a firing of `node`'s timer here counts against.
    fn firing(&self, space: &Space<P>, node: NodeId) -> Firing {
        let b = &space.bounds;
        if b.retries.is_some() && P::retries(&space.cluster, node) {
            Firing::Retry
        } else if b.heartbeats.is_some() && P::heartbeat(&self.system, node) {
            Firing::Heartbeat
        } else {
            Firing::Other
        }
    }

    /// Applies `step` (enabled here) in place, through `System::apply`, then the history check.
    pub fn apply(&mut self, space: &Space<P>, step: MoveOf<P>) {
        let step = match step {
            Move::Step(step) => step,
            Move::Tick => {
                self.now += 1;
                self.ticks += 1;
                self.depth += 1;
                return;
            }
        };
        // The one node this step may change (`System::apply` touches no other).
        let touched = match &step {
            Step::Deliver { to, .. } => Some(*to),
            Step::Timer { node } | Step::Crash { node } | Step::Recover { node } | Step::Propose { node, .. } => {
                Some(*node)
            }
            Step::Drop { .. } | Step::Duplicate { .. } => None,
        };
        match &step {
            Step::Propose { node, .. } => {
                if let Some(i) = space.clients.iter().position(|(c, _)| c == node) {
                    self.next_op[i] += 1;
                }
            }
            Step::Deliver { from, to, msg } => self.take(*from, *to, msg),
            Step::Drop { from, to, msg } => {
                self.take(*from, *to, msg);
                self.drops += 1;
            }
            Step::Duplicate { from, to, msg } => {
                insert(&mut self.net, (*from, *to, msg.clone()));
                self.duplicates += 1;
            }
            Step::Timer { node } => {
                self.timers &= !(1 << node.index());
                match self.firing(space, *node) {
                    Firing::Retry => self.retries += 1,
                    Firing::Heartbeat => self.heartbeats += 1,
                    Firing::Other => self.timeouts += 1,
                }
            }
            Step::Crash { .. } => self.crashes += 1,
            Step::Recover { .. } => {}
        }
        self.depth += 1;
        let mut net = Net { net: &mut self.net, timers: &mut self.timers };
        self.system.apply(step, &mut net, (self.depth as u64, self.now as u64), &mut ());
        if let Some(node) = touched {
            self.node_keys[node.index()] = self.node_key(node.index());
        }
        if space.bounds.forget_dead {
            let system = &self.system;
            self.net.retain(|p| !P::dead(system, p));
        }
        if let Some(v) = P::history_violation(&mut self.system) {
            self.system.violations.push(v);
        }
    }

    fn take(&mut self, from: NodeId, to: NodeId, msg: &P::Msg) {
        if let Ok(i) = self.net.binary_search_by(|(f, t, m)| (*f, *t, m).cmp(&(from, to, msg))) {
            self.net.remove(i);
        }
    }

    pub fn within_bounds(&self, space: &Space<P>) -> bool {
        P::highest_round(&self.system) <= space.bounds.max_round
    }

    /// Whether the last step broke an invariant (a violating state is not expanded).
    pub fn violated(&self) -> bool {
        !self.system.violations.is_empty()
    }

    /// Node `i`'s canonical form hashed (its entry in `node_keys`).
    fn node_key(&self, i: usize) -> u128 {
        KEY_BYTES.with_borrow_mut(|bytes| {
            bytes.clear();
            let mut h = KeyHasher(bytes);
            let slot = &self.system.nodes[i];
            slot.node.hash(&mut h);
            slot.up.hash(&mut h);
            slot.storage.hash(&mut h);
            xxhash_rust::xxh3::xxh3_128(bytes)
        })
    }

    /// The canonical identity: equal for equal states whatever the path or the message ids.
    /// The nodes enter through their cached hashes (`node_keys`): two states with equal
    /// nodes have equal node hashes, and distinct nodes collide with odds about 2^-128.
    pub fn key(&self) -> u128 {
        debug_assert!(
            (0..self.system.nodes.len()).all(|i| self.node_keys[i] == self.node_key(i)),
            "a step changed a node other than the one it names"
        );
        KEY_BYTES.with_borrow_mut(|bytes| {
            bytes.clear();
            let mut h = KeyHasher(bytes);
            for k in &self.node_keys {
                h.write(&k.to_le_bytes());
            }
            self.net.hash(&mut h);
            (self.timers, &self.next_op, self.drops, self.duplicates, self.crashes, self.timeouts).hash(&mut h);
            (self.retries, self.heartbeats, self.now, self.ticks).hash(&mut h);
            P::hash_monitor(&self.system.monitor, &mut h);
            xxhash_rust::xxh3::xxh3_128(bytes)
        })
    }

    /// Roughly the bytes this state holds (for the memory limit).
    pub fn bytes(&self) -> usize {
        std::mem::size_of::<State<P>>()
            + self.net.capacity() * std::mem::size_of::<Packet<P>>()
            + self.system.nodes.capacity() * std::mem::size_of::<crate::sim::NodeSlot<P>>()
            + P::heap_bytes(&self.system)
    }
}

/// What replaying a list of steps showed.
#[derive(Clone, Debug)]
pub struct Replay {
    /// Steps applied (all of them, unless one was not enabled).
    pub applied: usize,
    /// The first step (1-based) after which an invariant was broken, and what broke.
    pub violated_at: Option<usize>,
    pub violations: Vec<Violation>,
    /// Set when a step was not enabled where it came (the list is not a run of this space).
    pub error: Option<String>,
}

/// Applies `steps` (a trail: the space's prefix, then the search's moves) to a fresh initial
/// state, one by one through the same `apply`, each after the prefix checked to be enabled
/// where it comes.
pub fn replay<P: Explorable>(space: &Space<P>, steps: &[MoveOf<P>]) -> Replay {
    let mut r = Replay { applied: 0, violated_at: None, violations: Vec::new(), error: None };
    if !steps.starts_with(&space.prefix) {
        r.error = Some("the steps do not start with the space's prefix".to_string());
        return r;
    }
    let mut state = State::start(space);
    r.applied = space.prefix.len();
    let mut enabled = Vec::new();
    for (i, step) in steps.iter().enumerate().skip(space.prefix.len()) {
        state.steps(space, &mut enabled);
        if !enabled.contains(step) {
            r.error = Some(format!("step {} is not enabled there: {step:?}", i + 1));
            break;
        }
        state.apply(space, step.clone());
        r.applied += 1;
        if r.violated_at.is_none() && state.violated() {
            r.violated_at = Some(i + 1);
        }
    }
    r.violations = state.system.violations;
    r
}
