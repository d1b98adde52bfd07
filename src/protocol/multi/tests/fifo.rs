//! A tiny FIFO delivery loop over the nodes' outputs: a test helper, not a simulator. Time
//! moves only when a test says so, timers fire only when a test fires them, and the only
//! faults are the crashes and dropped messages a test names.

use super::*;
use std::collections::VecDeque;

pub(super) fn write(key: Key, value: u32) -> KvOp {
    KvOp::Write { key, value: Val(value) }
}

pub(super) fn read(key: Key) -> KvOp {
    KvOp::Read { key }
}

pub(super) type Filter = Box<dyn Fn(NodeId, NodeId, &Msg) -> bool>;

pub(super) struct Net {
    pub(super) cluster: MultiCluster,
    pub(super) nodes: Vec<MultiNode>,
    pub(super) disks: Vec<MultiDurable>,
    pub(super) up: Vec<bool>,
    pub(super) queue: VecDeque<(NodeId, NodeId, Msg)>,
    pub(super) now: u64,
    pub(super) drop: Filter,
    /// Every message delivered since the last `take_delivered`, as `from→to label`.
    pub(super) delivered: Vec<String>,
    /// Every output, with the node that emitted it.
    pub(super) outputs: Vec<(NodeId, Output)>,
}

impl Net {
    pub(super) fn new(cluster: MultiCluster) -> Net {
        let n = cluster.node_count();
        let nodes = (0..n).map(|i| MultiNode::new(NodeId(i as u8), &cluster)).collect();
        let mut net = Net {
            cluster,
            nodes,
            disks: vec![MultiDurable::default(); n],
            up: vec![true; n],
            queue: VecDeque::new(),
            now: 0,
            drop: Box::new(|_, _, _| false),
            delivered: Vec::new(),
            outputs: Vec::new(),
        };
        for i in 0..n {
            let mut out = Vec::new();
            net.nodes[i].start(&net.cluster, &mut out);
            net.absorb(NodeId(i as u8), out);
        }
        net
    }

    pub(super) fn input(&mut self, id: NodeId, input: Input) -> Vec<Output> {
        if !self.up[id.index()] {
            return Vec::new();
        }
        let mut out = Vec::new();
        self.nodes[id.index()].handle(input, self.now, &self.cluster, &mut out);
        self.absorb(id, out.clone());
        out
    }

    pub(super) fn absorb(&mut self, id: NodeId, out: Vec<Output>) {
        for o in out {
            self.disks[id.index()].apply(&o);
            if let Output::Send { to, msg } = &o {
                if !(self.drop)(id, *to, msg) {
                    self.queue.push_back((id, *to, msg.clone()));
                }
            }
            self.outputs.push((id, o));
        }
    }

    /// Delivers every queued message, oldest first, until none is left.
    pub(super) fn run(&mut self) {
        let mut steps = 0;
        while let Some((from, to, msg)) = self.queue.pop_front() {
            steps += 1;
            assert!(steps < 10_000, "no quiescence");
            if self.up[to.index()] {
                self.delivered.push(format!("{from}→{to} {msg}"));
                self.input(to, Input::Deliver { from, msg });
            }
        }
    }

    pub(super) fn fire(&mut self, id: NodeId) {
        self.input(id, Input::Timer);
        self.run();
    }

    pub(super) fn client(&mut self, id: NodeId, op: KvOp) {
        self.input(id, Input::Request(op));
        self.run();
    }

    pub(super) fn crash(&mut self, id: NodeId) {
        self.up[id.index()] = false;
        self.nodes[id.index()] = MultiNode::restore(id, &self.cluster, &self.disks[id.index()]);
    }

    pub(super) fn recover(&mut self, id: NodeId) {
        self.up[id.index()] = true;
        self.nodes[id.index()] = MultiNode::recover(id, &self.cluster, &self.disks[id.index()]);
        let mut out = Vec::new();
        self.nodes[id.index()].start(&self.cluster, &mut out);
        self.absorb(id, out);
    }

    pub(super) fn replica(&self, id: NodeId) -> &Replica {
        self.nodes[id.index()].replica().expect("a replica")
    }

    pub(super) fn take_delivered(&mut self) -> Vec<String> {
        std::mem::take(&mut self.delivered)
    }

    /// The outputs of `id` that match `pick`, in order.
    pub(super) fn outputs_of(&self, id: NodeId, pick: impl Fn(&Output) -> bool) -> Vec<Output> {
        self.outputs.iter().filter(|(n, o)| *n == id && pick(o)).map(|(_, o)| o.clone()).collect()
    }

    pub(super) fn completions(&self, id: NodeId) -> Vec<Output> {
        self.outputs_of(id, |o| matches!(o, Output::Complete { .. }))
    }

    pub(super) fn applied(&self, id: NodeId) -> Vec<Output> {
        self.outputs_of(id, |o| matches!(o, Output::Applied { .. }))
    }

    pub(super) fn leaders(&self) -> Vec<NodeId> {
        self.cluster.replicas.iter().copied().filter(|&r| self.up[r.index()] && self.replica(r).is_leader()).collect()
    }
}

pub(super) fn lines(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

pub(super) fn applied(slot: u32, cmd: Command, reply: Option<KvReply>) -> Output {
    Output::Applied { slot: Slot(slot), cmd, reply }
}

pub(super) fn op(client: NodeId, seq: u32, op: KvOp) -> Command {
    Command::Op { client, seq, op }
}

/// Three replicas and `clients` clients, replica 0 elected at ballot 1.0.
pub(super) fn elected(mut cluster: MultiCluster) -> Net {
    cluster.replicas.truncate(3);
    let mut net = Net::new(cluster);
    net.fire(R0);
    assert_eq!(net.leaders(), vec![R0]);
    net.take_delivered();
    net
}
