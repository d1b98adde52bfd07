//! # Multi-Paxos, sans IO: a replicated key-value store
//!
//! Single-decree Paxos (the parent module) chooses one value. A service needs a sequence of
//! them: the commands of a replicated state machine, applied in the same order everywhere.
//! Lamport's "Paxos Made Simple" (2001), section 3, runs one instance of Paxos per position
//! (*slot*) of a log, and makes that cheap with a distinguished proposer, the *leader*; van
//! Renesse and Altinbuken's "Paxos Made Moderately Complex" (2015) spells out every piece
//! (replicas, leader, scouts, commanders, acceptors). Here every *replica* plays acceptor,
//! learner and potential leader at once, and *clients* are separate nodes.
//!
//! ## What changes from single-decree, and why
//!
//! * **Phase 1 once, for the whole log.** A Prepare at ballot `b` covers every slot from the
//!   leader's first slot not known chosen (why (2)). Ballots are the single-decree
//!   `(round, node)` pairs, so a promise for `b` is one promise for all those slots, and
//!   Phase 2 then costs one round trip per command: Accept out, Accepted back (Lamport 3:
//!   "phase 1 ... for infinitely many instances" at once).
//! * **What the promises say, per slot.** A Promise lists every entry the acceptor accepted
//!   from that slot on. The new leader re-proposes, in each slot, the value of the
//!   highest-ballot entry reported (why (3), the single-decree rule slot by slot), and fills
//!   the holes below the highest such slot with no-ops (why (4)): a command is applied only
//!   after every slot below it, so a hole would stall the log forever.
//! * **A pipeline.** Up to `window` slots are in flight at once (why (10)); they may be
//!   chosen out of order but are applied strictly in order (why (9)). A slot still in
//!   flight after a whole heartbeat interval has its Accept sent again (why (11)).
//! * **Learning without a Decided broadcast.** Accepted goes to the leader only. The leader
//!   tells the followers its *commit point* (first slot not known chosen) on its next Accept
//!   or Heartbeat; a follower trusts it only for entries it accepted at that same ballot
//!   (why (5)) and asks the leader to catch it up on the rest.
//! * **Leader election.** The leader sends heartbeats. A replica that hears none for a
//!   randomized timeout starts Phase 1 with a higher ballot. Two would-be leaders resolve:
//!   a Nack or a higher ballot makes one step down, and a failed campaign lengthens the next
//!   timeout (the backoff of "Paxos Made Moderately Complex", section 3).
//! * **Log compaction and catch-up.** Every `compaction` applied slots a replica replaces
//!   its log below that point by a snapshot of the store. A replica that lags gets the
//!   chosen entries it misses, or the snapshot when they were compacted; a would-be leader
//!   that meets a snapshot beyond what it knows must catch up before it may lead (why (6)).
//! * **Clients and at-most-once.** A request carries (client, seq). Clients retry on timeout
//!   with the same pair, so one request may be chosen in two slots; a per-client table of
//!   last results, replicated with the store, applies it once and answers the copy (why (7);
//!   "Moderately Complex" skips duplicates in `perform()`).
//! * **Reads.** By default a read goes through the log like a write, which makes it
//!   linearizable at the cost of a round trip. With a *lease*, followers that acked a
//!   heartbeat promise no other would-be leader for `lease.ticks`, and the leader answers
//!   reads from its own store until `lease.ticks - lease.drift` after the heartbeat a
//!   quorum acked (why (8)). The trade: a read costs no round trip, but after the leader
//!   dies nobody can be elected until its lease has run out, and correctness now rests on a
//!   bound on clock drift.
//!
//! ## The store
//!
//! `kv.rs`: Maelstrom's lin-kv semantics, `read`, `write`, `cas` with the errors "key does
//! not exist" and "precondition failed"; every successful write or cas increments the key's
//! version, and replies carry it.
//!
//! ## Durable state
//!
//! A replica persists its promise, its accepted entries and its snapshot ([`MultiDurable`]),
//! each before the reply that depends on it (why (1)); a crash loses the rest, which it
//! rebuilds from the snapshot and re-learns through catch-up.
//!
//! ## Broken variants, for teaching ([`MultiBroken`])
//!
//! `keep_only_chosen` (a new leader ignores accepted entries: an acknowledged write is lost),
//! `no_at_most_once` (a retried write is applied twice), `lease_without_wait` (followers
//! promise a new leader while an old lease runs: a stale read).
//!
//! As in single-decree, nothing here reads a clock or draws a random number: a node takes an
//! [`Input`] and the driver's tick, and emits [`Output`]s. Each node has one timer.

pub mod client;
pub mod config;
pub mod kv;
mod leader;
mod learner;
pub mod maps;
pub mod msg;
pub mod node;
pub mod protocol;
pub mod replica;

#[cfg(test)]
mod tests;

pub use client::Client;
pub use config::{Lease, MultiBroken, MultiCluster};
pub use kv::{execute, Command, Key, KvOp, KvReply, Sessions, Slot, Store, Val};
pub use maps::{IdMap, SlotMap};
pub use msg::{Input, Msg, MsgKind, MultiDurable, Note, Output, Outputs, Snapshot};
pub use node::MultiNode;
pub use protocol::Multi;
pub use replica::{Campaign, InFlight, Leadership, Replica, Role};
