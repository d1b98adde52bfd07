//! Leader leases: local reads while the lease holds, the wait before a new leader, and the
//! broken variant that skips it.

use super::fifo::*;
use super::*;

#[test]
fn a_lease_read_is_local_while_the_lease_holds_and_goes_through_the_log_after() {
    let mut cluster = MultiCluster::new(3, 1);
    cluster.lease = Some(Lease { ticks: 30, drift: 3 });
    let mut net = elected(cluster);
    // The heartbeat sent at election (tick 0) was acked by both followers: lease to 0 + 30 - 3.
    assert_eq!(net.replica(R0).lease_until(&net.cluster), Some(27));
    net.now = 26;
    net.client(C3, read(X));
    assert_eq!(net.take_delivered(), lines(&["n3→n0 Request #1 read x", "n0→n3 Reply #1 no such key"]));
    assert_eq!(
        net.outputs_of(R0, |o| matches!(o, Output::Note(Note::LeaseRead { .. }))),
        vec![Output::Note(Note::LeaseRead { key: X })]
    );
    net.now = 27;
    net.client(C3, read(X));
    assert_eq!(
        net.take_delivered(),
        lines(&[
            "n3→n0 Request #2 read x",
            "n0→n1 Accept 1.0 s0 read x",
            "n0→n2 Accept 1.0 s0 read x",
            "n1→n0 Accepted 1.0 s0",
            "n2→n0 Accepted 1.0 s0",
            "n0→n3 Reply #2 no such key",
        ])
    );
    // A heartbeat renews it.
    net.fire(R0);
    assert_eq!(net.replica(R0).lease_until(&net.cluster), Some(54));
}

#[test]
fn a_follower_that_granted_a_lease_promises_no_one_else_until_it_ran_out() {
    let mut cluster = MultiCluster::new(3, 1);
    cluster.lease = Some(Lease { ticks: 30, drift: 3 });
    let mut net = elected(cluster);
    net.crash(R0);
    net.now = 29;
    net.fire(R1);
    assert_eq!(net.leaders(), vec![], "replica 1 granted replica 0 a lease until tick 30");
    assert_eq!(
        net.outputs_of(R1, |o| matches!(o, Output::Note(_) | Output::SetTimer { .. })).last_chunk::<2>(),
        Some(&[Output::Note(Note::LeaseHeld { until: 30 }), Output::SetTimer { min_ticks: 1, max_ticks: 1 }]),
        "it waits the lease out before campaigning"
    );
    net.now = 30;
    net.fire(R1);
    assert_eq!(net.leaders(), vec![R1]);
}

#[test]
fn without_the_wait_a_new_leader_is_elected_inside_the_old_lease() {
    // BROKEN variant lease_without_wait: the old leader still believes in its lease while a
    // new leader commits a write; its lease read is stale.
    let mut cluster = MultiCluster::new(3, 1);
    cluster.lease = Some(Lease { ticks: 30, drift: 3 });
    cluster.broken.lease_without_wait = true;
    let mut net = elected(cluster);
    net.drop = Box::new(|from, to, _| (from == R0 || to == R0) && from != C3 && to != C3);
    net.now = 5;
    net.fire(R1);
    assert_eq!(net.leaders(), vec![R0, R1]);
    net.nodes[C3.index()] = MultiNode::Client(Client { leader: R1, ..Client::new(C3) });
    net.client(C3, write(X, 1));
    net.nodes[C3.index()] = MultiNode::Client(Client { leader: R0, ..*net.nodes[C3.index()].client().unwrap() });
    net.client(C3, read(X));
    assert_eq!(net.completions(C3)[1], Output::Complete { seq: 2, op: read(X), reply: KvReply::KeyDoesNotExist });
}
