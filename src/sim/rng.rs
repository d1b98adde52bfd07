//! The simulator's only source of randomness: xoshiro256++ seeded from one u64.
//!
//! Why a named generator and hand-rolled range sampling: a shared link must replay the same run
//! forever, natively and in wasm. rand's default generator and its range sampling may change
//! their streams between versions; xoshiro256++ (pinned) and the two one-line samplers below never do.

use rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimRng(Xoshiro256PlusPlus);

impl SimRng {
    pub fn new(seed: u64) -> SimRng {
        SimRng(Xoshiro256PlusPlus::seed_from_u64(seed))
    }

    #[inline(always)]
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `min..=max` (32-bit multiply-shift; bias below 2^-32 for the spans used here).
    #[inline(always)]
    pub fn range(&mut self, min: u32, max: u32) -> u32 {
        if max <= min {
            return min;
        }
        let span = (max - min) as u64 + 1;
        min + (((self.next_u64() >> 32) * span) >> 32) as u32
    }

    /// True with probability `p`. Draws nothing when `p` is zero, so switching a fault off
    /// does not shift the rest of the stream.
    #[inline(always)]
    pub fn chance(&mut self, p: Prob) -> bool {
        p.0 != 0 && (self.next_u64() >> 32) < p.0
    }
}

/// A probability as a threshold on 32 random bits: exact, hashable, the same on every platform.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Prob(pub u64);

impl Prob {
    pub const ONE: Prob = Prob(1 << 32);

    /// From a fraction in 0..=1 (clamped; NaN is zero).
    pub fn from_f64(p: f64) -> Prob {
        if p.is_nan() || p <= 0.0 {
            Prob(0)
        } else if p >= 1.0 {
            Prob::ONE
        } else {
            Prob((p * 4_294_967_296.0).round() as u64)
        }
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 4_294_967_296.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_is_pinned() {
        // If this changes, every shared link replays differently: the generator (xoshiro256++
        // seeded through SplitMix64 by `seed_from_u64`) or a sampler moved, so bump the
        // scenario format instead. The values are literals on purpose: comparing the stream
        // with itself would pass whatever the stream is.
        let mut r = SimRng::new(1);
        let first: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
        assert_eq!(first, [0xcfc5_d07f_6f03_c29b, 0xbf42_4132_963f_e08d, 0x19a3_7d57_57aa_f520]);
        assert_eq!(SimRng::new(2).next_u64(), 0xc3e6_7584_b5c4_fc2a);
        // The samplers read the high 32 bits of the same draws.
        let mut r = SimRng::new(1);
        assert_eq!((0..8).map(|_| r.range(1, 10)).collect::<Vec<_>>(), [9, 8, 2, 8, 2, 6, 10, 6]);
        let mut r = SimRng::new(1);
        let heads: Vec<bool> = (0..8).map(|_| r.chance(Prob::from_f64(0.5))).collect();
        assert_eq!(heads, [false, false, true, false, true, false, false, false]);
    }

    #[test]
    fn range_stays_inside_and_covers() {
        let mut r = SimRng::new(7);
        let mut seen = [0u32; 10];
        for _ in 0..10_000 {
            let x = r.range(1, 10);
            assert!((1..=10).contains(&x));
            seen[x as usize - 1] += 1;
        }
        assert!(seen.iter().all(|&n| n > 800 && n < 1200), "{seen:?}");
        assert_eq!(r.range(5, 5), 5);
        assert_eq!(r.range(6, 5), 6);
    }

    #[test]
    fn chance_matches_probability() {
        let mut r = SimRng::new(3);
        let hits = (0..100_000).filter(|_| r.chance(Prob::from_f64(0.3))).count();
        assert!((29_000..31_000).contains(&hits), "{hits}");
        assert!(!(0..1000).any(|_| r.chance(Prob(0))));
        assert!((0..1000).all(|_| r.chance(Prob::ONE)));
        assert_eq!(Prob::from_f64(f64::NAN), Prob(0));
        assert_eq!(Prob::from_f64(2.0), Prob::ONE);
    }
}
