//! The deterministic simulator: the system (nodes and the invariant monitor, stepped one step
//! at a time), and the timed scheduler that drives it (virtual time, a seeded network with
//! faults, crash and recovery, a schedule of actions), plus time travel over the recorded
//! history.

pub mod action;
pub mod config;
pub mod event;
pub mod history;
pub mod monitor;
pub mod multi;
pub mod net;
pub mod rng;
pub mod system;
pub mod world;

pub use action::{Action, At, MsgId, Schedule, Scheduled};
pub use config::{Config, ConfigError, Topology};
pub use event::{shown_step, trace_hash, DropReason, Event, EventKind, Invariant, Sink, Tick};
pub use history::History;
pub use monitor::{Monitor, Violation};
pub use net::{Link, NetParams, Network};
pub use rng::{Prob, SimRng};
pub use system::{Carrier, NodeSlot, Simulated, Step, StepOf, System, Transit};
pub use world::{InFlight, Stats, TimerSlot, World};
