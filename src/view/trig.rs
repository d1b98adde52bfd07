//! Sine and cosine for drawing (the ring layout, a message's self-loop), without libm: std's
//! `sin`/`cos` on wasm32 link compiler-builtins' libm with its Payne-Hanek argument reduction,
//! about 6 KB of the page's wasm, for angles that here never leave a few turns. A quadrant
//! reduction and two Taylor polynomials on [-pi/4, pi/4] agree with libm to a few units in the
//! last place there, far below the tenth of a pixel the drawing resolves.

use std::f64::consts::FRAC_PI_2;

/// pi/2 in two parts (Cody and Waite): the first has 33 significant bits, so `k * PIO2_HI` is
/// exact for the quadrant counts here and the reduction loses nothing to pi/2's rounding.
const PIO2_HI: f64 = 1.570_796_326_734_125_6;
const PIO2_LO: f64 = 6.077_100_506_506_192e-11;

/// `(sin x, cos x)`, within about 1e-15 of libm for the few turns the drawing uses (the
/// quadrant count must stay small for `PIO2_HI`'s product to be exact: |x| up to about 1e6).
pub fn sin_cos(x: f64) -> (f64, f64) {
    let quadrant = (x / FRAC_PI_2).round();
    let r = (x - quadrant * PIO2_HI) - quadrant * PIO2_LO;
    let (s, c) = (sin_small(r), cos_small(r));
    match (quadrant as i64).rem_euclid(4) {
        0 => (s, c),
        1 => (c, -s),
        2 => (-s, -c),
        _ => (-c, s),
    }
}

pub fn sin(x: f64) -> f64 {
    sin_cos(x).0
}

/// Taylor series to x^17: the first omitted term is below 1e-17 for |x| <= pi/4.
fn sin_small(x: f64) -> f64 {
    let x2 = x * x;
    let mut term = x;
    let mut sum = x;
    for k in 1..9 {
        term *= -x2 / f64::from((2 * k) * (2 * k + 1));
        sum += term;
    }
    sum
}

/// Taylor series to x^16: the first omitted term is below 1e-16 for |x| <= pi/4.
fn cos_small(x: f64) -> f64 {
    let x2 = x * x;
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..9 {
        term *= -x2 / f64::from((2 * k - 1) * (2 * k));
        sum += term;
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_libm_over_several_turns() {
        for i in -4000..=4000 {
            let x = f64::from(i) * 0.005_1;
            let (s, c) = sin_cos(x);
            assert!((s - x.sin()).abs() < 1e-15, "sin({x}) = {s}, libm {}", x.sin());
            assert!((c - x.cos()).abs() < 1e-15, "cos({x}) = {c}, libm {}", x.cos());
        }
    }

    #[test]
    fn quarter_turns_match_libm() {
        use std::f64::consts::PI;
        assert_eq!(sin_cos(0.0), (0.0, 1.0));
        for x in [-FRAC_PI_2, FRAC_PI_2, PI, -PI, 1.5 * PI] {
            assert!((sin_cos(x).0 - x.sin()).abs() < 1e-16 && (sin_cos(x).1 - x.cos()).abs() < 1e-16, "{x}");
        }
    }
}
