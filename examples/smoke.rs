use paxos_playground::protocol::*;
use paxos_playground::sim::*;
fn main() {
    let cfg = Config { network: NetParams { loss: 0.1, duplicate: 0.1, ..Default::default() }, ..Config::default() };
    let sched = vec![
        Scheduled { at: At::Tick(0), action: Action::Propose { node: NodeId(0), value: Value(0) } },
        Scheduled { at: At::Tick(3), action: Action::Propose { node: NodeId(1), value: Value(1) } },
    ];
    let mut h = History::new(&cfg, 42, &sched);
    while h.forward() {}
    for e in h.trace.iter().take(40) {
        println!("{:>3} t={:>3} {:?}", e.step, e.time, e.kind);
    }
    println!(
        "steps={} chosen={:?} violations={:?} hash={:016x} stats={:?}",
        h.frontier(),
        h.world().chosen(),
        h.world().system.violations,
        h.trace_hash(),
        h.world().stats
    );
}
