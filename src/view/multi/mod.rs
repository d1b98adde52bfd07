//! The Multi-Paxos mode's model (issue 10): a scenario (configuration, seed, the person's
//! actions), the playground's state and its reducer, and the frame the page draws. Pure data,
//! natively tested; the Yew page (`ui::multi`) only draws `MultiFrame` and sends `MultiAction`s.
//!
//! Time works as in single-decree (`view::state`): the clock is in ticks, a frame's wall-clock
//! milliseconds advance it by the speed factor, and the cursor is the last recorded step at or
//! before it; acting in the past forks a new future (`sim::multi::record`).

pub mod checked;
pub mod config;
pub mod deferred;
pub mod embed;
pub mod export;
pub mod files;
pub mod frame;
pub mod keys;
pub mod labels;
pub mod link;
pub mod narrate;
pub mod prompt;
pub mod scenarios;
pub mod shape;
pub mod slot;
pub mod spacetime;

pub use frame::{
    CellState, ClientView, HistoryOpView, HistoryView, InspectorView, KvRow, KvTable, LogCell, LogRow, LogView,
    MultiFrame, NodeKind, NodeView, SafetyRow, TokenView, Verdict,
};
pub use link::{decode_multi, encode_multi};
pub use scenarios::{multi_scenario, multi_scenarios, MultiLesson, MultiLessonEntry, MULTI_LESSONS};

pub use crate::sim::multi::{MultiScheduled, PersonAction};

use super::state::{FRAME_GAP_MAX_MS, SPEED_MAX, SPEED_MIN, TICKS_PER_SECOND};
use crate::protocol::multi::{KvOp, Lease, MultiBroken, MultiCluster};
use crate::protocol::NodeId;
use crate::scenario::Caption;
use crate::sim::multi::{MultiHistory, PageRun, Workload};
use crate::sim::{Action, MsgId, NetParams};
use serde::{Deserialize, Serialize};

/// Most steps a recorded run may hold; playing stops there.
pub const MAX_STEPS: u64 = 200_000;
/// Most actions a scenario may carry.
pub const MAX_SCHEDULE: usize = 10_000;
/// Longest title, in characters.
pub const MAX_TITLE: usize = 200;

/// The protocol the replicas run: the correct one or a deliberately broken variant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MultiVariantChoice {
    #[default]
    Correct,
    /// BROKEN: a new leader keeps only the entries it knows chosen (loses acknowledged writes).
    KeepOnlyChosen,
    /// BROKEN: no at-most-once table (a retried write is applied twice).
    NoAtMostOnce,
    /// BROKEN: lease reads without waiting out the old leader's lease (a stale read).
    LeaseWithoutWait,
}

impl MultiVariantChoice {
    pub const ALL: [MultiVariantChoice; 4] = [
        MultiVariantChoice::Correct,
        MultiVariantChoice::KeepOnlyChosen,
        MultiVariantChoice::NoAtMostOnce,
        MultiVariantChoice::LeaseWithoutWait,
    ];

    /// The label a person reads in the configuration.
    pub fn label(self) -> &'static str {
        match self {
            MultiVariantChoice::Correct => "Correct Multi-Paxos",
            MultiVariantChoice::KeepOnlyChosen => "Broken: a new leader keeps only what it knows chosen",
            MultiVariantChoice::NoAtMostOnce => "Broken: no at-most-once table (retries applied twice)",
            MultiVariantChoice::LeaseWithoutWait => "Broken: lease reads without waiting out the old lease",
        }
    }

    pub fn broken(self) -> MultiBroken {
        MultiBroken {
            keep_only_chosen: self == MultiVariantChoice::KeepOnlyChosen,
            no_at_most_once: self == MultiVariantChoice::NoAtMostOnce,
            lease_without_wait: self == MultiVariantChoice::LeaseWithoutWait,
        }
    }
}

/// What a person configures.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MultiPageConfig {
    /// 3..=9.
    pub replicas: u8,
    /// 1..=9.
    pub clients: u8,
    /// The pipeline: slots in flight at once, 1..=16.
    pub window: u8,
    /// Leader leases for reads.
    pub lease: bool,
    /// Snapshot every this many applied slots, 2..=10,000; `None`: never.
    pub compaction: Option<u32>,
    pub variant: MultiVariantChoice,
    /// Keys the workload uses, 1..=10.
    pub keys: u8,
    /// The network's random loss, 0..=50 percent.
    pub loss_percent: u8,
    /// Message latency, in ticks: `latency_min..=latency_max`, 1..=20. (Links of the first
    /// format scaled the timers to the slowest: `scale_timers`.)
    pub latency_min: u8,
    pub latency_max: u8,
    /// Promises a candidate needs (Phase 1) and acceptances that choose a slot (Phase 2);
    /// `None`: a majority. Every Phase 1 quorum must meet every Phase 2 quorum.
    pub phase1_quorum: Option<u8>,
    pub phase2_quorum: Option<u8>,
    /// The leader's heartbeat interval, in ticks.
    pub heartbeat_ticks: u32,
    /// A follower that hears no heartbeat for a time drawn from this range campaigns.
    pub election_ticks_min: u32,
    pub election_ticks_max: u32,
    /// A client with no answer after this long sends its request again.
    pub client_timeout_ticks: u32,
    /// With leases on: how long a heartbeat ack holds a follower's promise back, and the
    /// clock-drift bound the leader takes off its own lease.
    pub lease_ticks: u32,
    pub lease_drift: u32,
    /// The workload's mix: percent of reads and of writes; the rest are compare-and-sets.
    pub read_percent: u8,
    pub write_percent: u8,
}

impl Default for MultiPageConfig {
    fn default() -> MultiPageConfig {
        MultiPageConfig {
            replicas: 5,
            clients: 3,
            window: 4,
            lease: false,
            compaction: None,
            variant: MultiVariantChoice::Correct,
            keys: 3,
            loss_percent: 0,
            latency_min: 2,
            latency_max: 4,
            phase1_quorum: None,
            phase2_quorum: None,
            heartbeat_ticks: 4,
            election_ticks_min: 12,
            election_ticks_max: 24,
            client_timeout_ticks: 40,
            lease_ticks: 12,
            lease_drift: 2,
            read_percent: 40,
            write_percent: 40,
        }
    }
}

impl MultiPageConfig {
    /// Why this configuration cannot run, in words a person reads; `Ok` when it can.
    pub fn validate(&self) -> Result<(), String> {
        let range = |what: &str, v: u32, lo: u32, hi: u32| {
            if (lo..=hi).contains(&v) {
                Ok(())
            } else {
                Err(format!("{what} must be between {lo} and {hi}, not {v}."))
            }
        };
        range("The number of replicas", self.replicas.into(), 3, 9)?;
        range("The number of clients", self.clients.into(), 1, 9)?;
        range("The pipeline window", self.window.into(), 1, 16)?;
        range("The number of keys", self.keys.into(), 1, 10)?;
        range("The network's loss", self.loss_percent.into(), 0, 50)?;
        range("The shortest latency", self.latency_min.into(), 1, 20)?;
        range("The longest latency", self.latency_max.into(), 1, 20)?;
        if self.latency_min > self.latency_max {
            return Err(format!(
                "The shortest latency ({}) must not exceed the longest ({}).",
                self.latency_min, self.latency_max
            ));
        }
        if let Some(every) = self.compaction {
            range("The compaction threshold", every, 2, 10_000)?;
        }
        let n = u32::from(self.replicas);
        let (q1, q2) = self.quorums();
        range("The Phase 1 quorum", q1.into(), 1, n)?;
        range("The Phase 2 quorum", q2.into(), 1, n)?;
        if u32::from(q1) + u32::from(q2) <= n {
            return Err(format!(
                "A Phase 1 quorum of {q1} and a Phase 2 quorum of {q2} need not share a replica among {n}: \
                 together they must be more than {n}."
            ));
        }
        range("The heartbeat interval", self.heartbeat_ticks, 1, 1_000)?;
        range("The shortest election timeout", self.election_ticks_min, 1, 10_000)?;
        range("The longest election timeout", self.election_ticks_max, 1, 10_000)?;
        if self.election_ticks_min > self.election_ticks_max {
            return Err(format!(
                "The shortest election timeout ({}) must not exceed the longest ({}).",
                self.election_ticks_min, self.election_ticks_max
            ));
        }
        if self.heartbeat_ticks >= self.election_ticks_min {
            return Err(format!(
                "The heartbeat interval ({}) must be shorter than the shortest election timeout ({}), \
                 or followers campaign against a live leader.",
                self.heartbeat_ticks, self.election_ticks_min
            ));
        }
        range("The client retry timeout", self.client_timeout_ticks, 1, 10_000)?;
        range("The lease", self.lease_ticks, 1, 10_000)?;
        if self.lease_drift >= self.lease_ticks {
            return Err(format!(
                "The drift bound ({}) must be shorter than the lease ({}).",
                self.lease_drift, self.lease_ticks
            ));
        }
        range("The share of reads", self.read_percent.into(), 0, 100)?;
        range("The share of writes", self.write_percent.into(), 0, 100)?;
        if u32::from(self.read_percent) + u32::from(self.write_percent) > 100 {
            return Err(format!(
                "Reads ({}%) and writes ({}%) together must not pass 100%.",
                self.read_percent, self.write_percent
            ));
        }
        if self.variant == MultiVariantChoice::LeaseWithoutWait && !self.lease {
            return Err("The broken lease variant needs leases on.".into());
        }
        Ok(())
    }

    /// The Phase 1 and Phase 2 quorums, a majority where none is set.
    pub fn quorums(&self) -> (u8, u8) {
        let majority = self.replicas / 2 + 1;
        (self.phase1_quorum.unwrap_or(majority), self.phase2_quorum.unwrap_or(majority))
    }

    /// The timers scaled to the slowest message, as the first link format had them: a
    /// heartbeat every latency, an election after 3 to 6 quiet ones, a client retry after 10,
    /// a lease of 3 with a third of one as the drift bound (the defaults, at 4 ticks).
    pub fn scale_timers(&mut self) {
        let slow = u32::from(self.latency_max.max(1));
        self.heartbeat_ticks = slow;
        self.election_ticks_min = 3 * slow;
        self.election_ticks_max = 6 * slow;
        self.client_timeout_ticks = 10 * slow;
        self.lease_ticks = 3 * slow;
        self.lease_drift = slow.div_ceil(3);
    }

    /// The cluster the replicas and clients run.
    pub fn cluster(&self) -> MultiCluster {
        let mut c = MultiCluster::new(self.replicas, self.clients);
        (c.phase1_quorum, c.quorum) = self.quorums();
        c.window = self.window.into();
        c.heartbeat_ticks = self.heartbeat_ticks;
        c.election_ticks_min = self.election_ticks_min;
        c.election_ticks_max = self.election_ticks_max;
        c.client_timeout_ticks = self.client_timeout_ticks;
        c.lease = self.lease.then_some(Lease { ticks: self.lease_ticks, drift: self.lease_drift });
        c.compaction = self.compaction;
        c.broken = self.variant.broken();
        c
    }

    pub fn network(&self) -> NetParams {
        NetParams {
            latency_ticks_min: self.latency_min.into(),
            latency_ticks_max: self.latency_max.into(),
            loss: f64::from(self.loss_percent) / 100.0,
            duplicate: 0.0,
        }
    }

    /// The workload's mix over `keys` keys (40% reads, 40% writes, 20% compare-and-sets by
    /// default).
    pub fn workload(&self) -> Workload {
        Workload {
            ops_per_client: u32::MAX,
            keys: self.keys,
            read_percent: self.read_percent.into(),
            write_percent: self.write_percent.into(),
        }
    }
}

/// A Multi-Paxos run a person can share: everything that makes it replay exactly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MultiScenario {
    pub title: String,
    pub config: MultiPageConfig,
    pub seed: u64,
    /// The person's actions, by step.
    pub schedule: Vec<MultiScheduled>,
    /// Whether the automatic workload starts on.
    pub workload: bool,
    /// A scripted run (a model checker's steps replayed, `checked`): every message and timer
    /// is held back, each of the person's actions comes this many ticks after the step before
    /// it, and the run ends with them. `None`: a run in time, as the configuration says.
    pub script_pace: Option<u32>,
    /// Captions shown from their step on, in step order: a lesson's, or a teacher's
    /// (`prompt::edit_caption`). Links of formats 1 and 2 had none (`link`); files without the
    /// field read as none.
    #[serde(default)]
    pub captions: Vec<Caption>,
}

impl Default for MultiScenario {
    fn default() -> MultiScenario {
        default_scenario()
    }
}

/// The run the mode opens with: 5 replicas, 3 clients, the workload on over 3 keys.
pub fn default_scenario() -> MultiScenario {
    MultiScenario {
        title: "Five replicas, three clients".into(),
        config: MultiPageConfig::default(),
        seed: 1,
        schedule: Vec::new(),
        workload: true,
        script_pace: None,
        captions: Vec::new(),
    }
}

impl MultiScenario {
    /// Why this scenario cannot run, in words a person reads.
    pub fn validate(&self) -> Result<(), String> {
        self.config.validate()?;
        if self.title.chars().count() > MAX_TITLE {
            return Err(format!("The title is longer than {MAX_TITLE} characters."));
        }
        if let Some(pace) = self.script_pace {
            if !(1..=1_000).contains(&pace) {
                return Err(format!("A scripted run's pace must be between 1 and 1000 ticks, not {pace}."));
            }
        }
        if self.schedule.len() > MAX_SCHEDULE {
            return Err(format!("The run has more than {MAX_SCHEDULE} actions."));
        }
        prompt::validate_captions(&self.captions)?;
        let cluster = self.config.cluster();
        let nodes = cluster.node_count();
        for (i, s) in self.schedule.iter().enumerate() {
            if i > 0 && s.step < self.schedule[i - 1].step {
                return Err("The actions are not in step order.".into());
            }
            let named = match &s.action {
                PersonAction::Act(a) => a.nodes(),
                PersonAction::Client { client, op } => {
                    if !cluster.is_client(*client) {
                        return Err(format!(
                            "Action {} names {}, which is not a client.",
                            i + 1,
                            name(&cluster, *client)
                        ));
                    }
                    if op.key().0 >= self.config.keys {
                        return Err(format!(
                            "Action {} uses key {}, beyond the {} keys.",
                            i + 1,
                            op.key(),
                            self.config.keys
                        ));
                    }
                    vec![*client]
                }
                PersonAction::Workload(_) => Vec::new(),
            };
            if let Some(n) = named.iter().find(|n| n.index() >= nodes) {
                return Err(format!("Action {} names node {}, and there are only {nodes} nodes.", i + 1, n.0));
            }
            if let PersonAction::Act(Action::Propose { .. } | Action::SetNetwork { .. }) = &s.action {
                return Err(format!("Action {} is not one this mode takes.", i + 1));
            }
            if let PersonAction::Act(Action::Crash { node } | Action::Recover { node }) = &s.action {
                if cluster.is_client(*node) {
                    return Err(format!(
                        "Action {} crashes or recovers {}: only replicas crash here.",
                        i + 1,
                        name(&cluster, *node)
                    ));
                }
            }
        }
        Ok(())
    }

    /// The recorded run at step 0.
    pub fn history(&self) -> MultiHistory {
        let c = &self.config;
        let start = match self.script_pace {
            None => PageRun::new(c.cluster(), c.network(), c.workload(), self.workload, self.seed),
            Some(pace) => {
                let (cluster, network) = held_back(c);
                PageRun::new(cluster, network, c.workload(), false, self.seed).paced(pace.into())
            }
        };
        MultiHistory::new(start, self.schedule.clone())
    }
}

/// A scripted run's cluster and network: every message and timer held back far beyond any
/// script (as the single-decree replay of a checker's run does, `check::replay`), so that only
/// the script's steps happen.
pub fn held_back(c: &MultiPageConfig) -> (MultiCluster, NetParams) {
    let mut cluster = c.cluster();
    let far = crate::sim::config::MAX_TICKS;
    cluster.heartbeat_ticks = far;
    cluster.election_ticks_min = far;
    cluster.election_ticks_max = far;
    cluster.client_timeout_ticks = far;
    let network = NetParams { latency_ticks_min: far, latency_ticks_max: far, loss: 0.0, duplicate: 0.0 };
    (cluster, network)
}

/// A replica's or client's name on the page: `r0`..`r8` for replicas, `c0`..`c8` for clients.
pub fn name(cluster: &MultiCluster, id: NodeId) -> String {
    if cluster.is_replica(id) {
        format!("r{}", id.0)
    } else {
        format!("c{}", id.index().saturating_sub(cluster.replicas.len()))
    }
}

/// What the inspector shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MultiSelection {
    #[default]
    None,
    Node(NodeId),
    Message(MsgId),
    Slot(u64),
    /// An operation of the clients' history, by index.
    Op(usize),
}

#[derive(Clone, Debug, PartialEq)]
pub enum MultiAction {
    Play,
    Pause,
    TogglePlay,
    /// Wall-clock milliseconds since the previous frame.
    Frame(f64),
    StepForward,
    StepBack,
    Seek(u64),
    SetSpeed(f64),
    /// Crash a replica that is up, recover one that is down.
    ToggleCrash(NodeId),
    Drop(MsgId),
    Partition(Vec<Vec<NodeId>>),
    Heal,
    /// A client is handed an operation by hand; refused if that client is busy.
    Client {
        client: NodeId,
        op: KvOp,
    },
    SetWorkload(bool),
    Select(MultiSelection),
    Load(Box<MultiScenario>),
    DismissError,
    DismissNotice,
    /// Shows a message in the error banner (a host page's command that could not be done).
    ShowError(String),
    /// The screen is a phone's (narrow): the stage takes its narrow shape (`shape`).
    SetNarrow(bool),
}

/// The whole state behind the Multi-Paxos page.
#[derive(Clone, Debug)]
pub struct MultiPlayground {
    pub scenario: MultiScenario,
    pub history: MultiHistory,
    pub playing: bool,
    pub speed: f64,
    /// The animation clock in ticks.
    pub clock: f64,
    pub selection: MultiSelection,
    pub notice: Option<String>,
    pub error: Option<String>,
    /// Bumped when the recorded run changes other than by growing (a load or a fork).
    pub epoch: u64,
    /// Violations (and a red history) already seen: the run pauses on each new one.
    problems_seen: usize,
    /// The steps at which the scenario's captions appear: Play pauses at each (`narrate`).
    caption_steps: Vec<u64>,
    /// Why the run stopped by itself, until the person takes the controls (`narrate`).
    pub stopped: Option<narrate::MultiStopped>,
    /// Whether the stage is drawn narrow, for a phone (`shape`).
    pub narrow: bool,
    /// Whether the stage is drawn compact, for an embed (`shape`; narrow wins on a phone).
    pub compact: bool,
}

impl MultiPlayground {
    /// The playground for a scenario (one that passed `validate`; `Load` checks it).
    pub fn new(scenario: MultiScenario) -> MultiPlayground {
        let history = scenario.history();
        let caption_steps = narrate::caption_steps(&scenario);
        MultiPlayground {
            scenario,
            history,
            playing: false,
            speed: 1.0,
            clock: 0.0,
            selection: MultiSelection::None,
            notice: None,
            error: None,
            epoch: 0,
            problems_seen: 0,
            caption_steps,
            stopped: None,
            narrow: false,
            compact: false,
        }
    }

    pub fn reduce(&mut self, action: MultiAction) {
        if action.takes_the_controls() {
            self.stopped = None;
        }
        match action {
            MultiAction::Play => self.playing = true,
            MultiAction::Pause => self.playing = false,
            MultiAction::TogglePlay => self.playing = !self.playing,
            MultiAction::Frame(ms) => self.frame_time(ms),
            MultiAction::StepForward => {
                self.playing = false;
                self.step_forward();
            }
            MultiAction::StepBack => {
                self.playing = false;
                self.seek(self.history.cursor().saturating_sub(1));
            }
            MultiAction::Seek(step) => {
                let step = step.min(MAX_STEPS);
                self.history.extend(step.saturating_sub(self.history.frontier()));
                self.seek(step);
            }
            MultiAction::SetSpeed(s) => {
                self.speed = if s.is_finite() { s.clamp(SPEED_MIN, SPEED_MAX) } else { 1.0 };
            }
            MultiAction::ToggleCrash(node) => self.toggle_crash(node),
            MultiAction::Drop(msg) => {
                if self.history.world().in_flight().iter().any(|m| m.id == msg) {
                    self.act(PersonAction::Act(Action::Drop { msg }));
                } else {
                    self.error = Some(format!("Message #{} is not in flight now.", msg.0));
                }
            }
            MultiAction::Partition(groups) => self.partition(groups),
            MultiAction::Heal => self.act(PersonAction::Act(Action::Heal)),
            MultiAction::Client { client, op } => self.client_op(client, op),
            MultiAction::SetWorkload(on) => {
                if self.history.workload_on() != on {
                    self.act(PersonAction::Workload(on));
                }
            }
            MultiAction::Select(s) => self.selection = s,
            MultiAction::Load(scenario) => self.load(*scenario),
            MultiAction::DismissError => self.error = None,
            MultiAction::DismissNotice => self.notice = None,
            MultiAction::ShowError(e) => self.error = Some(e),
            MultiAction::SetNarrow(on) => self.narrow = on,
        }
    }

    /// The stage's shape: narrow on a phone, compact in an embed, wide elsewhere.
    pub fn shape(&self) -> shape::StageShape {
        let cluster = self.cluster();
        let shape = if self.narrow {
            shape::NARROW
        } else if self.compact {
            shape::COMPACT
        } else {
            shape::WIDE
        };
        shape.fitted(cluster.replicas.len(), cluster.clients.len())
    }

    fn load(&mut self, scenario: MultiScenario) {
        if let Err(e) = scenario.validate() {
            self.error = Some(format!("Cannot start this run: {e}"));
            return;
        }
        let (epoch, narrow, compact) = (self.epoch + 1, self.narrow, self.compact);
        *self = MultiPlayground::new(scenario);
        (self.epoch, self.narrow, self.compact) = (epoch, narrow, compact);
    }

    fn cluster(&self) -> &MultiCluster {
        &self.history.world().system.cluster
    }

    fn toggle_crash(&mut self, node: NodeId) {
        if self.cluster().is_client(node) {
            self.error = Some(format!(
                "Clients do not crash here ({} is a client); crash a replica instead.",
                name(self.cluster(), node)
            ));
            return;
        }
        let Some(slot) = self.history.world().system.nodes.get(node.index()) else {
            self.error = Some(format!("There is no replica {}.", node.0));
            return;
        };
        let action = if slot.up { Action::Crash { node } } else { Action::Recover { node } };
        self.act(PersonAction::Act(action));
    }

    fn partition(&mut self, groups: Vec<Vec<NodeId>>) {
        let nodes = self.cluster().node_count();
        if let Some(n) = groups.iter().flatten().find(|n| n.index() >= nodes) {
            self.error = Some(format!("There is no node {} to put in a group.", n.0));
            return;
        }
        if groups.iter().all(|g| g.is_empty()) {
            self.error = Some("A partition needs at least one group with a node in it.".into());
            return;
        }
        self.act(PersonAction::Act(Action::Partition { groups }));
    }

    fn client_op(&mut self, client: NodeId, op: KvOp) {
        let cluster = self.cluster();
        if !cluster.is_client(client) {
            self.error = Some(format!("There is no client {}.", client.0));
            return;
        }
        let who = name(cluster, client);
        if op.key().0 >= self.scenario.config.keys {
            self.error = Some(format!("Key {} is not one of the {} keys.", op.key(), self.scenario.config.keys));
            return;
        }
        if !self.history.run().is_idle(client) {
            self.error = Some(format!("Client {who} is busy: it is waiting for the answer to its last operation."));
            return;
        }
        self.act(PersonAction::Client { client, op });
    }

    fn act(&mut self, action: PersonAction) {
        if self.history.frontier() >= MAX_STEPS && !matches!(action, PersonAction::Workload(_)) {
            self.error = Some(format!("The run is at its limit of {MAX_STEPS} steps."));
            return;
        }
        let at = self.history.cursor();
        self.error = None;
        self.epoch += 1;
        if self.history.act(action) {
            self.notice = Some(format!(
                "You acted in the past: the recorded future after step {at} was discarded and a new one begins here."
            ));
        }
        self.clock = self.clock.max(self.history.time() as f64);
        self.check_new_problems();
    }

    fn seek(&mut self, step: u64) {
        self.history.seek(step);
        self.clock = self.history.time() as f64;
        self.problems_seen = self.problems();
    }

    fn step_forward(&mut self) -> bool {
        if self.history.cursor() >= MAX_STEPS {
            return false;
        }
        let moved = self.history.forward();
        if moved {
            self.clock = self.clock.max(self.history.time() as f64);
            self.check_new_problems();
        }
        moved
    }

    fn frame_time(&mut self, wall_ms: f64) {
        if !self.playing {
            return;
        }
        let dt = if wall_ms.is_finite() { wall_ms.clamp(0.0, FRAME_GAP_MAX_MS) / 1000.0 } else { 0.0 };
        let target = self.clock + dt * TICKS_PER_SECOND * self.speed;
        loop {
            match self.history.next_time() {
                Some(t) if (t as f64) <= target => {
                    if !self.step_forward() {
                        self.playing = false;
                        self.notice = Some(format!("The run stopped at its limit of {MAX_STEPS} steps."));
                        return;
                    }
                    if !self.playing {
                        self.stop_at_caption(); // a caption on the red step says so too
                        return; // paused on a new violation
                    }
                    if self.stop_at_caption() {
                        return; // Play in a lesson stops at each caption
                    }
                }
                Some(_) => break,
                None => {
                    self.playing = false;
                    return;
                }
            }
        }
        self.clock = target;
    }

    /// Invariant violations up to the cursor, plus one if the history is not linearizable.
    fn problems(&self) -> usize {
        let at = self.history.cursor();
        let broken = self.history.violations.partition_point(|(step, _)| *step < at);
        broken + usize::from(self.history.failure_at_cursor().is_some())
    }

    /// Pauses on the first step that shows a problem not seen before, and says which.
    fn check_new_problems(&mut self) {
        let count = self.problems();
        if count > self.problems_seen {
            if self.playing {
                self.notice = Some(format!("Paused at step {}: a safety property broke.", self.history.cursor()));
            }
            self.playing = false;
        }
        self.problems_seen = count;
    }
}

#[cfg(test)]
mod lesson_tests;
#[cfg(test)]
mod tests;
