//! The decoders meet 11,000 generated hostile inputs in every test run, with zero panics.
//! (`cargo run --release --bin paxos -- fuzz --inputs 1000000` runs the long version.)

use paxos_playground::scenario::fuzz;

#[test]
fn eleven_thousand_hostile_inputs_and_no_panic() {
    let r = fuzz::run(11_000, 20_240_601);
    assert_eq!(r.inputs, 11_000);
    assert_eq!(
        (r.panics, &r.first_panic),
        (0, &None),
        "reproduce: cargo run --release --bin paxos -- fuzz --inputs 11000 --seed 20240601"
    );
    assert_eq!(r.accepted + r.rejected, r.inputs);
    // The generator reaches both sides: valid scenarios get through, hostile ones do not.
    assert!(r.accepted > 100 && r.rejected > 5_000, "{r:?}");
}

#[test]
fn the_same_seed_makes_the_same_inputs() {
    assert_eq!(fuzz::run(500, 9), fuzz::run(500, 9));
}
