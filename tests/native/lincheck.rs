//! The linearizability checker: hand-built histories with known answers (each says why),
//! the three parsers on small files (malformed ones with their line numbers), property tests
//! over seeded random histories, and the `paxos lincheck` command line.
//!
//! Reference for the hand-built cases: Herlihy and Wing, "Linearizability: a correctness
//! condition for concurrent objects" (1990), section 2 (histories, the real-time order) and
//! Jepsen's history conventions (`:fail` did not happen, `:info` may have, at any time after
//! its invocation).

use paxos_playground::lincheck::generate::{self, Spec};
use paxos_playground::lincheck::parse::{self, Format};
use paxos_playground::lincheck::{check, Call, History, KvError, Op, Options, Outcome, Scope, Value, Verdict};
use std::process::{Command, Output};

// ---- building histories by hand ----

fn op(process: u64, call: Call, outcome: Outcome, invoke: u64, complete: Option<u64>) -> Op {
    Op { process, key: Some(Value::Str("x".into())), call, outcome, invoke, complete, lines: (0, None) }
}

fn write(p: u64, v: i64, invoke: u64, complete: u64) -> Op {
    op(p, Call::Write(Value::Int(v)), Outcome::ok(), invoke, Some(complete))
}

fn read(p: u64, v: Option<i64>, invoke: u64, complete: u64) -> Op {
    op(p, Call::Read, Outcome::read(v.map(Value::Int)), invoke, Some(complete))
}

fn cas(p: u64, from: i64, to: i64, outcome: Outcome, invoke: u64, complete: u64) -> Op {
    op(p, Call::Cas { from: Value::Int(from), to: Value::Int(to) }, outcome, invoke, Some(complete))
}

fn info_write(p: u64, v: i64, invoke: u64) -> Op {
    op(p, Call::Write(Value::Int(v)), Outcome::Info, invoke, None)
}

fn with_version(mut o: Op, version: u64) -> Op {
    if let Outcome::Ok { version: v, .. } = &mut o.outcome {
        *v = Some(version);
    }
    o
}

fn verdict(ops: Vec<Op>) -> Verdict {
    check(&History::new(ops), &Options::default()).verdict
}

// ---- hand-built histories ----

#[test]
fn sequential_reads_see_the_last_write() {
    let h = vec![write(1, 1, 0, 1), read(2, Some(1), 2, 3), write(1, 2, 4, 5), read(2, Some(2), 6, 7)];
    assert_eq!(verdict(h), Verdict::Linearizable);
}

#[test]
fn a_read_of_a_key_never_written_sees_nil() {
    assert_eq!(verdict(vec![read(1, None, 0, 1)]), Verdict::Linearizable);
    assert_eq!(verdict(vec![read(1, Some(0), 0, 1)]), Verdict::NotLinearizable);
}

#[test]
fn the_classic_stale_read_is_not_linearizable() {
    // Write 1 completes, then write 2 completes, then a read that starts after both sees 1.
    let h = vec![write(1, 1, 0, 1), write(1, 2, 2, 3), read(2, Some(1), 4, 5)];
    let report = check(&History::new(h), &Options::default());
    assert_eq!(report.verdict, Verdict::NotLinearizable);
    let f = report.parts[0].failure.as_ref().expect("a failure");
    // No order works at the read's completion; the prefix places both writes (value 2).
    assert_eq!(f.blocked, Some(2));
    assert_eq!(f.prefix, vec![0, 1]);
    assert_eq!(f.state, "value 2");
    assert_eq!(f.unplaced.len(), 1);
    assert_eq!(f.unplaced[0].why, "read 1 but the value was 2");
}

#[test]
fn a_read_concurrent_with_a_write_may_see_either_value() {
    // The write of 2 overlaps both reads: one sees the old value, one the new.
    let h = vec![write(1, 1, 0, 1), write(1, 2, 2, 10), read(2, Some(1), 3, 4), read(3, Some(2), 5, 6)];
    assert_eq!(verdict(h), Verdict::Linearizable);
    // But once a read has seen the new value, a later read cannot see the old one.
    let h = vec![write(1, 1, 0, 1), write(1, 2, 2, 10), read(3, Some(2), 3, 4), read(2, Some(1), 5, 6)];
    assert_eq!(verdict(h), Verdict::NotLinearizable);
}

#[test]
fn the_lost_write_is_not_linearizable() {
    // Write 2 was acknowledged, yet later reads see the older 1 (a new leader dropped it).
    let h = vec![write(1, 1, 0, 1), write(2, 2, 2, 3), read(3, Some(1), 4, 5), read(3, Some(1), 6, 7)];
    let report = check(&History::new(h), &Options::default());
    assert_eq!(report.verdict, Verdict::NotLinearizable);
    assert_eq!(report.parts[0].failure.as_ref().and_then(|f| f.blocked), Some(2));
}

#[test]
fn cas_preconditions_are_checked() {
    let ok = Outcome::ok();
    let failed = Outcome::Error(KvError::PreconditionFailed);
    // cas 1 -> 2 succeeds on 1; a later cas 1 -> 3 must then fail.
    let h = vec![write(1, 1, 0, 1), cas(1, 1, 2, ok.clone(), 2, 3), cas(2, 1, 3, failed.clone(), 4, 5)];
    assert_eq!(verdict(h), Verdict::Linearizable);
    // Both succeeding, one after the other, is impossible.
    let h = vec![write(1, 1, 0, 1), cas(1, 1, 2, ok.clone(), 2, 3), cas(2, 1, 3, ok.clone(), 4, 5)];
    let report = check(&History::new(h), &Options::default());
    assert_eq!(report.verdict, Verdict::NotLinearizable);
    let f = report.parts[0].failure.as_ref().expect("a failure");
    assert_eq!(f.unplaced[0].why, "cas from 1 succeeded but the value was 2");
    // Concurrent, exactly one may succeed.
    let h = vec![write(1, 1, 0, 1), cas(1, 1, 2, ok.clone(), 2, 5), cas(2, 1, 3, failed.clone(), 3, 6)];
    assert_eq!(verdict(h), Verdict::Linearizable);
    // "precondition failed" while the value was the cas's from is impossible.
    let h = vec![write(1, 1, 0, 1), cas(2, 1, 3, failed, 2, 3)];
    assert_eq!(verdict(h), Verdict::NotLinearizable);
    // cas on a key that was never written: key does not exist.
    let missing = Outcome::Error(KvError::KeyDoesNotExist);
    assert_eq!(verdict(vec![cas(1, 1, 2, missing.clone(), 0, 1)]), Verdict::Linearizable);
    assert_eq!(verdict(vec![write(1, 1, 0, 1), cas(1, 1, 2, missing, 2, 3)]), Verdict::NotLinearizable);
    assert_eq!(verdict(vec![cas(1, 1, 2, ok, 0, 1)]), Verdict::NotLinearizable);
}

#[test]
fn an_indeterminate_write_may_or_may_not_have_happened() {
    // It timed out; a read long after may see it...
    let h = vec![write(1, 1, 0, 1), info_write(2, 2, 2), read(3, Some(2), 10, 11)];
    assert_eq!(verdict(h), Verdict::Linearizable);
    // ...or not...
    let h = vec![write(1, 1, 0, 1), info_write(2, 2, 2), read(3, Some(1), 10, 11)];
    assert_eq!(verdict(h), Verdict::Linearizable);
    // ...or first not and then yes (it took effect late: its completion is at +infinity)...
    let h = vec![write(1, 1, 0, 1), info_write(2, 2, 2), read(3, Some(1), 10, 11), read(3, Some(2), 12, 13)];
    assert_eq!(verdict(h), Verdict::Linearizable);
    // ...but not yes and then no: it happened at most once.
    let h = vec![write(1, 1, 0, 1), info_write(2, 2, 2), read(3, Some(2), 10, 11), read(3, Some(1), 12, 13)];
    assert_eq!(verdict(h), Verdict::NotLinearizable);
    // And never before it was invoked.
    let h = vec![write(1, 1, 0, 1), read(3, Some(2), 2, 3), info_write(2, 2, 4)];
    assert_eq!(verdict(h), Verdict::NotLinearizable);
}

#[test]
fn twelve_timed_out_writes_of_the_same_value_are_still_cheap() {
    // Interchangeable indeterminate operations are placed in invocation order only.
    let mut h = vec![write(1, 0, 0, 1)];
    for i in 0..12 {
        h.push(info_write(10 + i, 7, 2 + i));
    }
    h.push(read(2, Some(7), 20, 21));
    h.push(read(2, Some(9), 22, 23));
    let report = check(&History::new(h), &Options::default());
    assert_eq!(report.verdict, Verdict::NotLinearizable);
    assert!(report.steps < 1_000, "{} steps", report.steps);
}

#[test]
fn failed_operations_are_ignored() {
    // A failed write did not happen: no read may see it, and it may not explain anything.
    let failed = op(2, Call::Write(Value::Int(9)), Outcome::Fail, 2, Some(3));
    let h = vec![write(1, 1, 0, 1), failed.clone(), read(3, Some(1), 4, 5)];
    assert_eq!(verdict(h), Verdict::Linearizable);
    let h = vec![write(1, 1, 0, 1), failed, read(3, Some(9), 4, 5)];
    assert_eq!(verdict(h), Verdict::NotLinearizable);
}

#[test]
fn versions_in_replies_are_checked_when_present() {
    let h = vec![
        with_version(write(1, 5, 0, 1), 1),
        with_version(write(1, 5, 2, 3), 2),
        with_version(read(2, Some(5), 4, 5), 2),
    ];
    assert_eq!(verdict(h), Verdict::Linearizable);
    // Same values, but the read reports the first write's version after the second completed.
    let h = vec![
        with_version(write(1, 5, 0, 1), 1),
        with_version(write(1, 5, 2, 3), 2),
        with_version(read(2, Some(5), 4, 5), 1),
    ];
    let report = check(&History::new(h), &Options::default());
    assert_eq!(report.verdict, Verdict::NotLinearizable);
    let f = report.parts[0].failure.as_ref().expect("a failure");
    assert_eq!(f.unplaced[0].why, "reported version 1 but the version would be 2");
    // Without versions the same values are fine.
    let h = vec![write(1, 5, 0, 1), write(1, 5, 2, 3), read(2, Some(5), 4, 5)];
    assert_eq!(verdict(h), Verdict::Linearizable);
}

#[test]
fn keys_are_checked_apart_and_the_failing_key_is_named() {
    let mut y = vec![write(1, 1, 0, 1), write(1, 2, 2, 3), read(2, Some(1), 4, 5)];
    for o in &mut y {
        o.key = Some(Value::Str("y".into()));
    }
    let mut h = vec![write(3, 7, 0, 9), read(4, Some(7), 10, 11)];
    h.extend(y);
    let report = check(&History::new(h.clone()), &Options::default());
    assert_eq!(report.verdict, Verdict::NotLinearizable);
    assert_eq!(report.parts.len(), 2);
    assert_eq!(report.parts[0].scope, Scope::Key(Some(Value::Str("x".into()))));
    assert_eq!(report.parts[0].verdict, Verdict::Linearizable);
    assert_eq!(report.parts[1].verdict, Verdict::NotLinearizable);
    // Unsplit: the same verdict, one part.
    let unsplit = check(&History::new(h), &Options { by_key: false, ..Options::default() });
    assert_eq!(unsplit.verdict, Verdict::NotLinearizable);
    assert_eq!(unsplit.parts.len(), 1);
    assert_eq!(unsplit.parts[0].scope, Scope::AllKeys);
}

#[test]
fn the_failure_is_the_shortest_failing_prefix() {
    // A stale read early, then a long correct tail: the report stops at the stale read.
    let mut h = vec![write(1, 1, 0, 1), write(1, 2, 2, 3), read(2, Some(1), 4, 5)];
    for i in 0..50u64 {
        h.push(write(1, 10 + i as i64, 10 + 4 * i, 11 + 4 * i));
        h.push(read(2, Some(10 + i as i64), 12 + 4 * i, 13 + 4 * i));
    }
    let report = check(&History::new(h), &Options::default());
    let f = report.parts[0].failure.as_ref().expect("a failure");
    assert_eq!(f.blocked, Some(2));
    assert_eq!((f.completions, f.ops), (3, 3));
}

#[test]
fn the_check_is_deterministic() {
    let h = generate::generate(&Spec { ops: 300, clients: 5, keys: 2, info_writes: 5, seed: 3, ..Spec::default() });
    let a = check(&h, &Options::default());
    let b = check(&h, &Options::default());
    assert_eq!(a, b);
}

// ---- property tests: an in-test generator and a brute-force reference ----

/// xorshift64*: a seeded generator for the tests alone (independent of the library's).
struct TestRng(u64);

impl TestRng {
    fn new(seed: u64) -> TestRng {
        TestRng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) % n.max(1)
    }
}

type Reg = (Option<Value>, u64);

/// lin-kv, written again from Maelstrom's description: `None` when the result is impossible.
fn model_step(reg: &Reg, op: &Op) -> Option<Reg> {
    let bump = |v: &Value| (Some(v.clone()), reg.1 + 1);
    let version_ok = |next: &Reg, reported: &Option<u64>| reported.is_none_or(|r| r == next.1);
    match (&op.call, &op.outcome) {
        (Call::Read, Outcome::Ok { value, version }) => {
            (*value == reg.0 && version_ok(reg, version)).then(|| reg.clone())
        }
        (Call::Read, Outcome::Error(KvError::KeyDoesNotExist)) => reg.0.is_none().then(|| reg.clone()),
        (Call::Read, Outcome::Info) => Some(reg.clone()),
        (Call::Write(v), Outcome::Ok { version, .. }) => Some(bump(v)).filter(|n| version_ok(n, version)),
        (Call::Write(v), Outcome::Info) => Some(bump(v)),
        (Call::Cas { from, to }, Outcome::Ok { version, .. }) => {
            (reg.0.as_ref() == Some(from)).then(|| bump(to)).filter(|n| version_ok(n, version))
        }
        (Call::Cas { from, to }, Outcome::Info) => {
            Some(if reg.0.as_ref() == Some(from) { bump(to) } else { reg.clone() })
        }
        (Call::Cas { .. }, Outcome::Error(KvError::KeyDoesNotExist)) => reg.0.is_none().then(|| reg.clone()),
        (Call::Cas { from, .. }, Outcome::Error(KvError::PreconditionFailed)) => {
            (reg.0.is_some() && reg.0.as_ref() != Some(from)).then(|| reg.clone())
        }
        _ => None,
    }
}

/// Tries every order that respects real time (indeterminate operations optional).
fn brute_force(h: &History) -> bool {
    let ops: Vec<&Op> = h.ops.iter().filter(|o| o.outcome != Outcome::Fail).collect();
    let definite = |o: &Op| o.outcome != Outcome::Info;
    fn go(
        ops: &[&Op],
        placed: &mut Vec<bool>,
        store: &mut Vec<(Option<Value>, Reg)>,
        definite: &dyn Fn(&Op) -> bool,
    ) -> bool {
        if (0..ops.len()).all(|i| placed[i] || !definite(ops[i])) {
            return true;
        }
        for i in 0..ops.len() {
            let blocked = (0..ops.len())
                .any(|j| !placed[j] && definite(ops[j]) && ops[j].complete.is_some_and(|c| c < ops[i].invoke));
            if placed[i] || blocked {
                continue;
            }
            let slot = store.iter().position(|(k, _)| *k == ops[i].key).unwrap_or_else(|| {
                store.push((ops[i].key.clone(), (None, 0)));
                store.len() - 1
            });
            if let Some(next) = model_step(&store[slot].1, ops[i]) {
                let before = std::mem::replace(&mut store[slot].1, next);
                placed[i] = true;
                if go(ops, placed, store, definite) {
                    return true;
                }
                placed[i] = false;
                store[slot].1 = before;
            }
        }
        false
    }
    go(&ops, &mut vec![false; ops.len()], &mut Vec::new(), &definite)
}

/// A serialized execution with overlapping intervals: operation i takes effect at 10 i, was
/// invoked up to `spread` before and completed up to `spread` after; some time out (taking
/// effect or not), some fail (not applied). Linearizable by construction.
fn serialized(rng: &mut TestRng, n: usize, keys: u64, values: u64, spread: u64, versions: bool) -> History {
    let mut store: Vec<Reg> = vec![(None, 0); keys as usize];
    let mut ops = Vec::new();
    for i in 0..n as u64 {
        let k = rng.below(keys);
        let v = |rng: &mut TestRng| Value::Int(rng.below(values) as i64);
        let call = match rng.below(6) {
            0..=2 => Call::Read,
            3 | 4 => Call::Write(v(rng)),
            _ => Call::Cas { from: v(rng), to: v(rng) },
        };
        let point = 10 * i + 1000;
        let mut o = Op {
            process: i,
            key: Some(Value::Int(k as i64)),
            call,
            outcome: Outcome::Fail,
            invoke: point - rng.below(spread + 1),
            complete: Some(point + rng.below(spread + 1)),
            lines: (0, None),
        };
        let roll = rng.below(20);
        if roll == 0 {
            continue_failed(&mut ops, o);
            continue;
        }
        let applies = roll != 1 || rng.below(2) == 0;
        let reg = &mut store[k as usize];
        if applies {
            o.outcome = apply(reg, &o.call, versions);
        }
        if roll == 1 {
            o.outcome = Outcome::Info;
            o.complete = None;
        }
        ops.push(o);
    }
    History::new(ops)
}

fn continue_failed(ops: &mut Vec<Op>, o: Op) {
    ops.push(Op { outcome: Outcome::Fail, ..o });
}

fn apply(reg: &mut Reg, call: &Call, versions: bool) -> Outcome {
    let ver = |v: u64| versions.then_some(v);
    match call {
        Call::Read if reg.0.is_none() && versions => Outcome::Error(KvError::KeyDoesNotExist),
        Call::Read => Outcome::Ok { value: reg.0.clone(), version: ver(reg.1) },
        Call::Write(v) => {
            *reg = (Some(v.clone()), reg.1 + 1);
            Outcome::Ok { value: None, version: ver(reg.1) }
        }
        Call::Cas { from, to } => match &reg.0 {
            None => Outcome::Error(KvError::KeyDoesNotExist),
            Some(c) if c != from => Outcome::Error(KvError::PreconditionFailed),
            Some(_) => {
                *reg = (Some(to.clone()), reg.1 + 1);
                Outcome::Ok { value: None, version: ver(reg.1) }
            }
        },
    }
}

/// Changes one result at random (to something that may or may not still be possible).
fn perturb(rng: &mut TestRng, h: &mut History) {
    let i = rng.below(h.ops.len() as u64) as usize;
    let o = &mut h.ops[i];
    o.outcome = match rng.below(5) {
        0 => Outcome::Ok { value: Some(Value::Int(rng.below(3) as i64)), version: None },
        1 => Outcome::Ok { value: None, version: Some(rng.below(4)) },
        2 => Outcome::Error(KvError::PreconditionFailed),
        3 => Outcome::Error(KvError::KeyDoesNotExist),
        _ => Outcome::ok(),
    };
    if o.complete.is_none() {
        o.complete = Some(o.invoke + 5);
    }
}

#[test]
fn the_checker_agrees_with_brute_force_on_small_histories() {
    let (mut agree, mut linearizable) = (0, 0);
    for seed in 0..3000u64 {
        let mut rng = TestRng::new(seed);
        let n = 2 + rng.below(6) as usize;
        let versions = rng.below(3) == 0;
        let keys = 1 + rng.below(2);
        let mut h = serialized(&mut rng, n, keys, 3, 30, versions);
        if rng.below(2) == 0 {
            perturb(&mut rng, &mut h);
        }
        let expected = brute_force(&h);
        for by_key in [true, false] {
            let got = check(&h, &Options { by_key, ..Options::default() }).verdict;
            let want = if expected { Verdict::Linearizable } else { Verdict::NotLinearizable };
            assert_eq!(got, want, "seed {seed}, by_key {by_key}: {h:#?}");
        }
        agree += 1;
        linearizable += expected as usize;
    }
    // Both answers were exercised, many times each.
    assert_eq!(agree, 3000);
    assert!((900..2700).contains(&linearizable), "{linearizable} of 3000 linearizable");
}

#[test]
fn serialized_executions_are_always_linearizable() {
    for seed in 0..300u64 {
        let mut rng = TestRng::new(seed);
        let n = 20 + rng.below(200) as usize;
        let versions = rng.below(2) == 0;
        let (keys, values, spread) = (1 + rng.below(4), 1 + rng.below(6), 10 + rng.below(150));
        let h = serialized(&mut rng, n, keys, values, spread, versions);
        let report = check(&h, &Options::default());
        assert_eq!(report.verdict, Verdict::Linearizable, "seed {seed}");
        // The witness is a legal order: replay it through the reference model.
        for part in &report.parts {
            let mut reg: Reg = (None, 0);
            for &i in &part.witness {
                reg = model_step(&reg, &h.ops[i]).unwrap_or_else(|| panic!("seed {seed}: witness fails at #{i}"));
            }
        }
    }
}

#[test]
fn generated_histories_are_linearizable_and_one_altered_read_never_is() {
    let mut altered = 0;
    for seed in 0..200u64 {
        let mut rng = TestRng::new(seed);
        let spec = Spec {
            ops: 50 + rng.below(200) as usize,
            clients: 1 + rng.below(8) as usize,
            keys: rng.below(4) as usize,
            values: 1 + rng.below(6) as u32,
            info_writes: rng.below(12) as usize,
            versions: rng.below(2) == 0,
            seed,
        };
        let mut h = generate::generate(&spec);
        assert_eq!(check(&h, &Options::default()).verdict, Verdict::Linearizable, "{spec:?}");
        // A read that returned a value nobody ever wrote.
        let reads: Vec<usize> = (0..h.ops.len())
            .filter(|&i| h.ops[i].call == Call::Read && matches!(h.ops[i].outcome, Outcome::Ok { .. }))
            .collect();
        if reads.is_empty() {
            continue;
        }
        let i = reads[rng.below(reads.len() as u64) as usize];
        h.ops[i].outcome = Outcome::read(Some(Value::Int(1_000_000)));
        let report = check(&h, &Options::default());
        assert_eq!(report.verdict, Verdict::NotLinearizable, "{spec:?}, read #{i}");
        // The point where no order works is that read's completion.
        let f = report.parts.iter().find_map(|p| p.failure.as_ref()).expect("a failure");
        assert_eq!(f.blocked, Some(i), "{spec:?}");
        assert_eq!(f.unplaced[0].op, i);
        assert!(f.unplaced[0].why.starts_with("read 1000000 but"), "{}", f.unplaced[0].why);
        altered += 1;
    }
    assert!(altered > 150, "{altered}");
}

// ---- parsers ----

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/histories/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parse_err(text: &str, format: Option<Format>) -> (u32, String) {
    match parse::parse(text, format) {
        Ok((h, f)) => panic!("parsed as {f:?}: {h:?}"),
        Err(e) => (e.line, e.message),
    }
}

#[test]
fn edn_reads_maelstrom_lin_kv_with_independent_keys() {
    let (h, format) = parse::parse(&fixture("maelstrom-lin-kv.edn"), None).expect("parses");
    assert_eq!(format, Format::Edn);
    assert_eq!(h.ops.len(), 7, "the nemesis is skipped");
    let k0 = Some(Value::Int(0));
    assert_eq!(h.ops[0].key, k0);
    assert_eq!(h.ops[0].call, Call::Write(Value::Int(3)));
    assert_eq!((h.ops[0].invoke, h.ops[0].complete, h.ops[0].lines), (0, Some(2), (2, Some(4))));
    assert_eq!(h.ops[1].outcome, Outcome::read(Some(Value::Int(3))));
    assert_eq!(h.ops[2].call, Call::Cas { from: Value::Int(3), to: Value::Int(4) });
    assert_eq!(h.ops[2].outcome, Outcome::Fail);
    assert_eq!(h.ops[3].outcome, Outcome::Info);
    // Process 4's read never completed: indeterminate, no completion.
    assert_eq!((h.ops[4].outcome.clone(), h.ops[4].complete), (Outcome::Info, None));
    assert_eq!(h.ops[5].outcome, Outcome::read(Some(Value::Int(5))));
    let report = check(&h, &Options::default());
    assert_eq!(report.verdict, Verdict::Linearizable);
    assert_eq!(report.parts.len(), 2);
}

#[test]
fn edn_reads_a_knossos_vector_with_tagged_records() {
    let (h, format) = parse::parse(&fixture("stale-read.edn"), None).expect("parses");
    assert_eq!(format, Format::Edn);
    assert_eq!(h.ops.len(), 3);
    assert_eq!(h.ops[0].key, None);
    assert_eq!(h.ops[2].lines, (5, Some(6)));
    let report = check(&h, &Options::default());
    assert_eq!(report.verdict, Verdict::NotLinearizable);
    assert_eq!(report.parts[0].failure.as_ref().and_then(|f| f.blocked), Some(2));
}

#[test]
fn the_log_reads_jepsen_lines_with_tabs_or_spaces() {
    let (h, format) = parse::parse(&fixture("register.log"), None).expect("parses");
    assert_eq!(format, Format::Log);
    assert_eq!(h.ops.len(), 5, "the jepsen.core line and the nemesis are skipped");
    assert_eq!(h.ops[1].call, Call::Cas { from: Value::Int(1), to: Value::Int(2) });
    assert_eq!(h.ops[1].lines, (3, Some(6)));
    // `:info :write :timed-out`: the write of 3 (from its invocation), indeterminate.
    assert_eq!((h.ops[2].call.clone(), h.ops[2].outcome.clone()), (Call::Write(Value::Int(3)), Outcome::Info));
    assert_eq!(check(&h, &Options::default()).verdict, Verdict::Linearizable);
    // The same log where the last read sees the overwritten 2: not linearizable.
    let stale = fixture("register.log").replace("4\t:ok\t:read\t3", "4\t:ok\t:read\t2");
    let (h, _) = parse::parse(&stale, None).expect("parses");
    assert_eq!(check(&h, &Options::default()).verdict, Verdict::NotLinearizable);
}

#[test]
fn json_lines_read_every_outcome_with_versions_and_errors() {
    let (h, format) = parse::parse(&fixture("kv.jsonl"), None).expect("parses");
    assert_eq!(format, Format::Json);
    assert_eq!(h.ops.len(), 7);
    assert_eq!(h.ops[0].outcome, Outcome::Ok { value: None, version: Some(1) });
    assert_eq!(h.ops[1].outcome, Outcome::Ok { value: Some(Value::Str("Alice".into())), version: Some(1) });
    assert_eq!(h.ops[2].outcome, Outcome::Info);
    assert_eq!(h.ops[4].outcome, Outcome::Error(KvError::KeyDoesNotExist));
    assert_eq!(h.ops[5].outcome, Outcome::Error(KvError::KeyDoesNotExist));
    assert_eq!(h.ops[6].call, Call::Write(Value::Other(r#"{"age":30,"name":"Carol"}"#.into())));
    assert_eq!(h.ops[3].lines, (5, Some(5)));
    assert_eq!(check(&h, &Options::default()).verdict, Verdict::Linearizable);
    // The read of Bob reporting version 1 (the cas made it 2): not linearizable.
    let wrong = fixture("kv.jsonl").replace(r#""value": "Bob", "version": 2"#, r#""value": "Bob", "version": 1"#);
    let (h, _) = parse::parse(&wrong, None).expect("parses");
    assert_eq!(check(&h, &Options::default()).verdict, Verdict::NotLinearizable);
}

#[test]
fn malformed_files_are_refused_with_their_line() {
    let edn = Some(Format::Edn);
    let cases: Vec<(&str, Option<Format>, u32, &str)> = vec![
        ("{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f", edn, 2, "not closed"),
        ("{:process 0 :type :invoke :f :read :value nil}\n{:process 0 :type :done :f :read}", edn, 2, "unknown :type :done"),
        ("{:process 0 :type :invoke :f :read}\n\n{:process 0 :type :invoke :f :read}", edn, 3, "invokes again while its operation from line 1"),
        ("{:process 7 :type :ok :f :read :value 1}", edn, 1, "never invoked"),
        ("{:process 1 :type :invoke :f :write :value 1}\n{:process 1 :type :ok :f :read :value 1}", edn, 2, "completes a :read but invoked a :write"),
        ("{:process 1 :type :invoke :f :append :value 1}", edn, 1, "unsupported :f :append"),
        ("{:process 1 :type :invoke :f :cas :value 3}", edn, 1, "a cas needs [from to]"),
        ("{:process 1 :type :invoke :f :read}\n]", edn, 2, "unexpected ']'"),
        ("{:process 1 :type :invoke :f :read :value \"abc", edn, 1, "string opened on line 1"),
        ("{:process 1 :type :invoke :f :read :value [0 nil]}\n{:process 2 :type :invoke :f :write :value 3}", edn, 2, "independent [key value]"),
        ("INFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:ok\t:write", None, 2, "the value is missing"),
        ("INFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:okay\t:write\t1", None, 2, "expected :invoke, :ok"),
        ("INFO  jepsen.util - 0\t:invoke\t:cas\t[1 2", None, 1, "in the value: unexpected end of input"),
        ("INFO  jepsen.util - x\t:invoke\t:read\tnil", None, 1, "expected a process number"),
        ("{\"client\": 1, \"op\": \"read\", \"invoke\": 0, \"complete\": 1, \"outcome\": \"ok\", \"value\": null}\n{\"client\": 1, \"op\": \"read\"", None, 2, "EOF while parsing"),
        ("{\"client\": 1, \"op\": \"write\", \"value\": 1, \"invoke\": 0, \"outcome\": \"ok\"}", None, 1, "needs \"complete\""),
        ("{\"client\": 1, \"op\": \"read\", \"invoke\": 0, \"complete\": 1, \"outcome\": \"ok\"}", None, 1, "needs \"value\""),
        ("{\"client\": 1, \"op\": \"write\", \"value\": 1, \"invoke\": 0, \"complete\": 1, \"outcome\": \"error\", \"error\": 22}", None, 1, "a write never returns"),
        ("{\"client\": 1, \"op\": \"read\", \"invoke\": 5, \"complete\": 1, \"outcome\": \"ok\", \"value\": 1}", None, 1, "before invoke"),
        ("{\"client\": 1, \"op\": \"read\", \"invoke\": 0, \"complete\": 1, \"outcome\": \"ok\", \"valeu\": 1}", None, 1, "unknown field `valeu`"),
        ("{\"format\": \"other\", \"version\": 1}\n", None, 1, "this program reads \"paxos-lincheck\""),
    ];
    for (text, format, line, message) in cases {
        let (l, m) = parse_err(text, format);
        assert_eq!(l, line, "{text:?}: {m}");
        assert!(m.contains(message), "{text:?}: {m:?} lacks {message:?}");
    }
    assert_eq!(parse_err("", None), (0, "the file is empty".to_string()));
    assert!(parse_err("hello world\n", None).1.contains("cannot tell the format"));
    assert!(parse_err("INFO  jepsen.core - nothing\n", Some(Format::Log)).1.contains("no operations found"));
}

#[test]
fn every_truncation_of_a_file_parses_or_fails_cleanly() {
    for name in ["maelstrom-lin-kv.edn", "stale-read.edn", "register.log", "kv.jsonl"] {
        let text = fixture(name);
        for cut in (0..text.len()).filter(|&c| text.is_char_boundary(c)) {
            let piece = &text[..cut];
            if let Ok((h, _)) = parse::parse(piece, None) {
                let _ = check(&h, &Options::default());
            }
        }
    }
}

#[test]
fn hostile_edn_is_bounded() {
    let deep = "[".repeat(100_000);
    let (line, message) = parse_err(&deep, Some(Format::Edn));
    assert_eq!(line, 1);
    assert!(message.contains("nested more than 64 deep"), "{message}");
    // Huge integers and odd atoms are values, compared as text.
    let text = "{:process 0 :type :invoke :f :write :value 123456789012345678901234567890N}\n\
                {:process 0 :type :ok :f :write :value 123456789012345678901234567890N}\n\
                {:process 1 :type :invoke :f :read :value nil}\n\
                {:process 1 :type :ok :f :read :value 123456789012345678901234567890N}";
    let (h, _) = parse::parse(text, None).expect("parses");
    assert_eq!(check(&h, &Options::default()).verdict, Verdict::Linearizable);
}

#[test]
fn the_writers_round_trip_through_the_parsers() {
    for seed in 0..20u64 {
        let spec = Spec {
            ops: 300,
            clients: 6,
            keys: (seed % 3) as usize,
            info_writes: 4,
            versions: seed % 2 == 0,
            seed,
            ..Spec::default()
        };
        let h = generate::generate(&spec);
        let (json, _) = parse::parse(&generate::to_json_lines(&h), None).expect("json");
        for (a, b) in h.ops.iter().zip(&json.ops) {
            assert_eq!(
                (&a.key, &a.call, &a.outcome, a.invoke, a.complete),
                (&b.key, &b.call, &b.outcome, b.invoke, b.complete)
            );
        }
        let (edn, _) = parse::parse(&generate::to_edn(&h), None).expect("edn");
        assert_eq!(edn.ops.len(), h.ops.len());
        assert_eq!(check(&edn, &Options::default()).verdict, Verdict::Linearizable, "{spec:?}");
        if spec.keys == 0 {
            let (log, format) = parse::parse(&generate::to_log(&h), None).expect("log");
            assert_eq!(format, Format::Log);
            assert_eq!(check(&log, &Options::default()).verdict, Verdict::Linearizable, "{spec:?}");
        }
    }
}

// ---- the command line ----

fn paxos(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paxos")).args(args).output().expect("the paxos binary runs")
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn fixture_path(name: &str) -> String {
    format!("{}/tests/histories/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn temp_file(name: &str, contents: &str) -> String {
    let dir = std::env::temp_dir().join(format!("lincheck-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("temp file");
    path.to_string_lossy().into_owned()
}

#[test]
fn cli_a_linearizable_history_exits_0_with_a_line_per_key() {
    let o = paxos(&["lincheck", &fixture_path("maelstrom-lin-kv.edn")]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert!(
        out.contains("(edn): 7 operations (4 ok, 0 errors, 1 failed, 2 indeterminate), 6 processes, 2 keys"),
        "{out}"
    );
    assert!(out.contains("key 0: linearizable (3 operations,"), "{out}");
    assert!(out.contains("key 1: linearizable (2 operations,"), "{out}");
    let last = out.lines().last().unwrap_or("");
    assert!(last.starts_with("verdict: linearizable; checked in ") && last.ends_with(" search steps)"), "{last}");
    let o = paxos(&["lincheck", "--no-split", &fixture_path("maelstrom-lin-kv.edn")]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o).0.contains("all keys as one object: linearizable (5 operations,"), "{}", text(&o).0);
}

#[test]
fn cli_a_stale_read_exits_1_and_says_where_no_order_works() {
    let o = paxos(&["lincheck", &fixture_path("stale-read.edn")]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    let expected = "\
the register: NOT linearizable (3 operations, 2 configurations, 12 steps)
  no order works at the completion of #2 process 2 read -> 1 (lines 5-6)
  this key's history up to there (3 operations, 3 completed) is not linearizable; up to the completion before, it is
  longest linearizable prefix: 2 operations, leaving value 2
    #0 process 0 write 1 (lines 1-2)
    #1 process 1 write 2 (lines 3-4)
  could not be placed next:
    #2 process 2 read -> 1 (lines 5-6): read 1 but the value was 2
";
    assert!(out.contains(expected), "{out}");
    assert!(
        out.lines().last().unwrap_or("").starts_with("verdict: NOT linearizable (1 of 1 parts); checked in "),
        "{out}"
    );
}

#[test]
fn cli_bad_input_exits_2_with_the_line() {
    let path = temp_file("truncated.edn", "{:process 0, :type :invoke, :f :write, :value 1}\n{:process 0, :type :ok,");
    let o = paxos(&["lincheck", &path]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    assert!(
        err.contains(&format!("{path}: line 2: unexpected end of input: the '{{' opened on line 2 is not closed")),
        "{err}"
    );
    let o = paxos(&["lincheck", "/nonexistent/history.edn"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("cannot read /nonexistent/history.edn"), "{}", text(&o).1);
    let o = paxos(&["lincheck", "--format", "log", &fixture_path("stale-read.edn")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("no operations found (read as log)"), "{}", text(&o).1);
    let o = paxos(&["lincheck", "--format", "xml", &fixture_path("stale-read.edn")]);
    assert_eq!(o.status.code(), Some(2));
    let binary = temp_file("binary.log", "0\t:invoke\t:read\tnil\n\u{0}\u{1}");
    std::fs::write(&binary, b"0\t:invoke\t:read\tnil\n\xff\xfe").expect("write");
    let o = paxos(&["lincheck", &binary]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("line 2: not UTF-8 text"), "{}", text(&o).1);
}

#[test]
fn cli_generate_is_seeded_and_its_histories_check() {
    let a = temp_file("gen-a.edn", "");
    let b = temp_file("gen-b.edn", "");
    for path in [&a, &b] {
        let o = paxos(&[
            "lincheck",
            "--generate",
            "--ops",
            "500",
            "--keys",
            "3",
            "--info-writes",
            "5",
            "--format",
            "edn",
            "--seed",
            "9",
            path,
        ]);
        assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    }
    assert_eq!(std::fs::read(&a).ok(), std::fs::read(&b).ok());
    let o = paxos(&["lincheck", &a]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).0);
    assert!(text(&o).0.contains("500 operations"), "{}", text(&o).0);
    // A search limit gives no verdict: exit 3.
    let o = paxos(&["lincheck", "--max-steps", "10", &a]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o).0);
    assert!(text(&o).0.contains("verdict: unknown"), "{}", text(&o).0);
    // The log format holds one register only.
    let o = paxos(&["lincheck", "--generate", "--format", "log"]);
    assert_eq!(o.status.code(), Some(2));
    let o = paxos(&["lincheck", "--generate", "--format", "log", "--keys", "0", "--ops", "20"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(text(&o).0.lines().filter(|l| l.starts_with("INFO  jepsen.util - ")).count(), 40);
}
