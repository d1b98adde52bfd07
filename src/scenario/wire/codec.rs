//! The link's binary form written out by hand: exactly postcard's encoding of the `wire` types
//! (which keep their serde derives, so the tests and the fuzzer can check this against postcard
//! byte for byte, both ways: `tests/native/scenario_link.rs`). Why by hand: the page's first load has
//! a budget, and serde's generic decoder for these types, with postcard's, was about 3 KB gzip
//! of the page's wasm (README, "Measured performance").
//!
//! Postcard's rules, as used here: `u8` is one byte; `u32`, `u64` and lengths are LEB128
//! varints (at most 5 and 10 bytes, the last byte's unused bits clear); `bool` is 0 or 1; an
//! `Option` is a 0 or 1 tag and then the value; `f64` is 8 bytes little-endian; a string or a
//! list is its length and then its items; a struct or tuple is its fields in order; an enum is
//! its variant's index as a varint and then its fields.

use super::{
    ActionV1, ActionV2, AtV1, ConfigV1, ConfigV2, NetV1, ScenarioV1, ScenarioV2, ScheduledV1, ScheduledV2, TopologyV1,
    MAX_GROUP,
};
use crate::scenario::{MAX_CAPTIONS, MAX_SCHEDULE};

/// Why a body could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeError(pub &'static str);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// The data stops in the middle of a value.
pub const END: DecodeError = DecodeError("the data ends early");
const BAD: DecodeError = DecodeError("a value is out of range");
const LONG: DecodeError = DecodeError("a list is longer than allowed");

type R<T> = Result<T, DecodeError>;

pub struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Reader<'a> {
        Reader { data }
    }

    /// What is left unread.
    pub fn rest(&self) -> &'a [u8] {
        self.data
    }

    fn take(&mut self, n: usize) -> R<&'a [u8]> {
        if n > self.data.len() {
            return Err(END);
        }
        let (head, tail) = self.data.split_at(n);
        self.data = tail;
        Ok(head)
    }

    fn u8(&mut self) -> R<u8> {
        Ok(self.take(1)?[0])
    }

    /// A varint of at most `bits` bits.
    fn varint(&mut self, bits: u32) -> R<u64> {
        let max_bytes = bits.div_ceil(7);
        let mut out = 0u64;
        for i in 0..max_bytes {
            let b = self.u8()?;
            out |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return if i == max_bytes - 1 && u32::from(b) >= 1 << (bits % 7) { Err(BAD) } else { Ok(out) };
            }
        }
        Err(BAD)
    }

    pub fn u32(&mut self) -> R<u32> {
        Ok(self.varint(32)? as u32)
    }

    fn u64(&mut self) -> R<u64> {
        self.varint(64)
    }

    fn bool(&mut self) -> R<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(BAD),
        }
    }

    fn f64(&mut self) -> R<f64> {
        let b = self.take(8)?;
        Ok(f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
    }

    fn string(&mut self) -> R<String> {
        let len = self.varint(usize::BITS)? as usize;
        let bytes = self.take(len)?;
        std::str::from_utf8(bytes).map(str::to_string).map_err(|_| DecodeError("a text is not UTF-8"))
    }

    /// A list of at most `max` items. Every item takes at least one byte, so a length beyond
    /// the bytes left is cut short before anything is allocated.
    fn list<T>(&mut self, max: usize, mut item: impl FnMut(&mut Self) -> R<T>) -> R<Vec<T>> {
        let len = self.varint(usize::BITS)? as usize;
        if len > self.data.len() {
            return Err(END);
        }
        if len > max {
            return Err(LONG);
        }
        (0..len).map(|_| item(self)).collect()
    }

    fn pair(&mut self) -> R<(u8, u8)> {
        Ok((self.u8()?, self.u8()?))
    }

    fn topology(&mut self) -> R<TopologyV1> {
        Ok(match self.u32()? {
            0 => TopologyV1::Servers(self.u8()?),
            1 => TopologyV1::Separate(self.u8()?, self.u8()?, self.u8()?),
            _ => return Err(BAD),
        })
    }

    fn net(&mut self) -> R<NetV1> {
        Ok(NetV1(self.u32()?, self.u32()?, self.f64()?, self.f64()?))
    }

    fn at(&mut self) -> R<AtV1> {
        Ok(match self.u32()? {
            0 => AtV1::Tick(self.u64()?),
            1 => AtV1::Step(self.u64()?),
            _ => return Err(BAD),
        })
    }

    /// An action of format 2 (format 1's are its first twelve).
    fn action(&mut self, variants: u32) -> R<ActionV2> {
        let i = self.u32()?;
        if i >= variants {
            return Err(BAD);
        }
        Ok(match i {
            0 => ActionV2::Propose(self.u8()?, self.u32()?),
            1 => ActionV2::Crash(self.u8()?),
            2 => ActionV2::Recover(self.u8()?),
            3 => ActionV2::Drop(self.u64()?),
            4 => ActionV2::Duplicate(self.u64()?),
            5 => ActionV2::DeliverNow(self.u64()?),
            6 => ActionV2::Delay(self.u64()?, self.u32()?),
            7 => ActionV2::Partition(self.list(MAX_GROUP, |r| r.list(MAX_GROUP, Self::u8))?),
            8 => ActionV2::Heal,
            9 => ActionV2::Cut(self.u8()?, self.u8()?, self.bool()?),
            10 => ActionV2::Restore(self.u8()?, self.u8()?, self.bool()?),
            11 => ActionV2::SetNetwork(self.net()?),
            _ => ActionV2::FireTimer(self.u8()?),
        })
    }

    fn captions(&mut self) -> R<Vec<(u64, String)>> {
        self.list(MAX_CAPTIONS, |r| Ok((r.u64()?, r.string()?)))
    }

    fn option<T>(&mut self, value: impl FnOnce(&mut Self) -> R<T>) -> R<Option<T>> {
        match self.u8()? {
            0 => Ok(None),
            1 => value(self).map(Some),
            _ => Err(BAD),
        }
    }

    pub fn scenario_v1(&mut self) -> R<ScenarioV1> {
        Ok(ScenarioV1 {
            title: self.string()?,
            description: self.string()?,
            config: ConfigV1 {
                topology: self.topology()?,
                quorums: self.option(Self::pair)?,
                nack: self.bool()?,
                timing: (self.u32()?, self.u32()?, self.bool()?, self.u32()?, self.u32()?),
                broken: (self.bool()?, self.bool()?),
                network: self.net()?,
            },
            seed: self.u64()?,
            schedule: self.list(MAX_SCHEDULE, |r| {
                let at = r.at()?;
                Ok(ScheduledV1 { at, action: ActionV1::try_from(r.action(12)?).map_err(|_| BAD)? })
            })?,
            cursor: self.option(Self::u64)?,
            captions: self.captions()?,
        })
    }

    pub fn scenario_v2(&mut self) -> R<ScenarioV2> {
        Ok(ScenarioV2 {
            title: self.string()?,
            description: self.string()?,
            config: ConfigV2 {
                topology: self.topology()?,
                quorums: self.option(Self::pair)?,
                nack: self.bool()?,
                timing: (self.u32()?, self.u32()?, self.bool()?, self.u32()?, self.u32()?, self.bool()?),
                broken: (self.bool()?, self.bool()?),
                network: self.net()?,
            },
            seed: self.u64()?,
            schedule: self.list(MAX_SCHEDULE, |r| Ok(ScheduledV2 { at: r.at()?, action: r.action(13)? }))?,
            cursor: self.option(Self::u64)?,
            captions: self.captions()?,
        })
    }
}

/// Format 1's actions are format 2's first twelve.
impl TryFrom<ActionV2> for ActionV1 {
    type Error = ();
    fn try_from(a: ActionV2) -> Result<ActionV1, ()> {
        Ok(match a {
            ActionV2::Propose(n, v) => ActionV1::Propose(n, v),
            ActionV2::Crash(n) => ActionV1::Crash(n),
            ActionV2::Recover(n) => ActionV1::Recover(n),
            ActionV2::Drop(m) => ActionV1::Drop(m),
            ActionV2::Duplicate(m) => ActionV1::Duplicate(m),
            ActionV2::DeliverNow(m) => ActionV1::DeliverNow(m),
            ActionV2::Delay(m, t) => ActionV1::Delay(m, t),
            ActionV2::Partition(g) => ActionV1::Partition(g),
            ActionV2::Heal => ActionV1::Heal,
            ActionV2::Cut(a, b, both) => ActionV1::Cut(a, b, both),
            ActionV2::Restore(a, b, both) => ActionV1::Restore(a, b, both),
            ActionV2::SetNetwork(n) => ActionV1::SetNetwork(n),
            ActionV2::FireTimer(_) => return Err(()),
        })
    }
}

/// Writes what `Reader` reads.
#[derive(Default)]
pub struct Writer {
    pub out: Vec<u8>,
}

impl Writer {
    pub fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.out.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.out.push(v as u8);
    }

    fn u8(&mut self, v: u8) {
        self.out.push(v);
    }

    fn bool(&mut self, v: bool) {
        self.out.push(u8::from(v));
    }

    fn string(&mut self, s: &str) {
        self.varint(s.len() as u64);
        self.out.extend_from_slice(s.as_bytes());
    }

    fn net(&mut self, n: &NetV1) {
        self.varint(n.0.into());
        self.varint(n.1.into());
        self.out.extend_from_slice(&n.2.to_le_bytes());
        self.out.extend_from_slice(&n.3.to_le_bytes());
    }

    fn action(&mut self, a: &ActionV2) {
        let (i, bytes, longs): (u32, &[u8], &[u64]) = match a {
            ActionV2::Propose(n, v) => (0, &[*n][..], &[u64::from(*v)][..]),
            ActionV2::Crash(n) => (1, &[*n][..], &[][..]),
            ActionV2::Recover(n) => (2, &[*n][..], &[][..]),
            ActionV2::Drop(m) => (3, &[][..], &[*m][..]),
            ActionV2::Duplicate(m) => (4, &[][..], &[*m][..]),
            ActionV2::DeliverNow(m) => (5, &[][..], &[*m][..]),
            ActionV2::Delay(m, t) => (6, &[][..], &[*m, u64::from(*t)][..]),
            ActionV2::Partition(_) => (7, &[][..], &[][..]),
            ActionV2::Heal => (8, &[][..], &[][..]),
            ActionV2::Cut(a, b, both) => (9, &[*a, *b, u8::from(*both)][..], &[][..]),
            ActionV2::Restore(a, b, both) => (10, &[*a, *b, u8::from(*both)][..], &[][..]),
            ActionV2::SetNetwork(_) => (11, &[][..], &[][..]),
            ActionV2::FireTimer(n) => (12, &[*n][..], &[][..]),
        };
        self.varint(i.into());
        self.out.extend_from_slice(bytes);
        for &v in longs {
            self.varint(v);
        }
        match a {
            ActionV2::Partition(groups) => {
                self.varint(groups.len() as u64);
                for g in groups {
                    self.varint(g.len() as u64);
                    self.out.extend_from_slice(g);
                }
            }
            ActionV2::SetNetwork(n) => self.net(n),
            _ => {}
        }
    }

    pub fn scenario_v2(&mut self, s: &ScenarioV2) {
        self.string(&s.title);
        self.string(&s.description);
        let c = &s.config;
        match c.topology {
            TopologyV1::Servers(n) => {
                self.varint(0);
                self.u8(n);
            }
            TopologyV1::Separate(p, a, l) => {
                self.varint(1);
                self.out.extend_from_slice(&[p, a, l]);
            }
        }
        match c.quorums {
            None => self.u8(0),
            Some((q1, q2)) => self.out.extend_from_slice(&[1, q1, q2]),
        }
        self.bool(c.nack);
        let t = c.timing;
        self.varint(t.0.into());
        self.varint(t.1.into());
        self.bool(t.2);
        self.varint(t.3.into());
        self.varint(t.4.into());
        self.bool(t.5);
        self.bool(c.broken.0);
        self.bool(c.broken.1);
        self.net(&c.network);
        self.varint(s.seed);
        self.varint(s.schedule.len() as u64);
        for e in &s.schedule {
            let (i, v) = match e.at {
                AtV1::Tick(t) => (0, t),
                AtV1::Step(n) => (1, n),
            };
            self.varint(i);
            self.varint(v);
            self.action(&e.action);
        }
        match s.cursor {
            None => self.u8(0),
            Some(c) => {
                self.u8(1);
                self.varint(c);
            }
        }
        self.varint(s.captions.len() as u64);
        for (step, text) in &s.captions {
            self.varint(*step);
            self.string(text);
        }
    }
}
