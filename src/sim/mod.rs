//! The deterministic simulator: virtual time, a seeded network with faults, crash and recovery,
//! a schedule of actions, the invariant checks, and time travel over the recorded history.

pub mod action;
pub mod check;
pub mod config;
pub mod event;
pub mod history;
pub mod net;
pub mod rng;
pub mod world;

pub use action::{Action, At, MsgId, Schedule, Scheduled};
pub use check::{Checker, Violation};
pub use config::{Config, ConfigError, Topology};
pub use event::{trace_hash, DropReason, Event, EventKind, Invariant, Sink, Tick};
pub use history::History;
pub use net::{Link, NetParams, Network};
pub use rng::{Prob, SimRng};
pub use world::{InFlight, NodeSlot, Stats, World};
