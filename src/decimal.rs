//! Decimal text of f64, both ways, without core's general float algorithms, which would carry
//! about 10 KB (gzip) into the page's wasm for a handful of numbers (README, "How it went from
//! 305,972 to ...").
//!
//! - Reading (`parse_decimal`): numbers typed by people (slider values, `speed=2.5` in an embed
//!   address) read without `str::parse::<f64>`, whose general algorithm carries a 10 KB table of
//!   powers of five. Plain decimals with up to 15 significant digits and 22 fraction digits
//!   cover every such input, and for them one division is exact: the mantissa and the power of
//!   ten are both exact in f64, and IEEE division rounds correctly, so the result equals
//!   `str::parse` bit for bit.
//! - Writing with a fixed number of decimals (`fixed`): the same text as `format!("{:.N}")` for
//!   every f64, written from the exact binary value with integer arithmetic (ties to even, as
//!   core rounds).
//! - Writing the shortest text that reads back (`shortest`, and `debug` for `{:?}`): the same
//!   text as `format!("{}")` (`format!("{:?}")`). In the browser the digits come from
//!   JavaScript (`Number.prototype.toString`, which the language defines as the shortest digits
//!   that read back, the closest to the value), corrected where the two differ (an exact tie
//!   between two closest candidates: JavaScript takes the even one, core the larger), and laid
//!   out as core lays them out; natively it is core itself. The wasm tests compare the two.

use std::fmt;

/// The powers of ten that f64 holds exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// `[+-]digits[.digits]` (at least one digit) as f64, or `None` for anything else, including
/// exponents, `inf`, `NaN` and numbers beyond the exact range above.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let (negative, body) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    let frac = frac.trim_end_matches('0');
    let scale = *POW10.get(frac.len())?;
    let mut mantissa: u64 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        mantissa = mantissa.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        if mantissa >= 1 << 53 {
            return None;
        }
    }
    let value = mantissa as f64 / scale;
    Some(if negative { -value } else { value })
}

/// `x` with `digits` decimals, as `format!("{:.digits$}", x)` writes it (width and alignment
/// are not supported): `fixed(2.25, 1)` is `2.2`, `fixed(-0.01, 1)` is `-0.0`.
pub fn fixed(x: f64, digits: u8) -> Fixed {
    Fixed { x, digits }
}

/// See `fixed`.
#[derive(Clone, Copy, Debug)]
pub struct Fixed {
    x: f64,
    digits: u8,
}

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_fixed(f, self.x, u32::from(self.digits.min(MAX_DIGITS)))
    }
}

/// Most decimals `fixed` writes: 10^17 times a 53-bit mantissa still fits in a u128.
const MAX_DIGITS: u8 = 17;

/// x = mantissa * 2^exponent, exactly, for a finite non-negative x.
fn decompose(x: f64) -> (u64, i32) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    }
}

fn write_fixed(f: &mut impl fmt::Write, x: f64, digits: u32) -> fmt::Result {
    if x.is_nan() {
        return f.write_str("NaN");
    }
    if x.is_sign_negative() {
        f.write_char('-')?;
    }
    let x = x.abs();
    if x.is_infinite() {
        return f.write_str("inf");
    }
    let (mantissa, exponent) = decompose(x);
    let scale = 10u64.pow(digits);
    if exponent >= 0 {
        // An integer (at least 2^52): no fraction to round.
        write_integer(f, mantissa, exponent as u32)?;
        if digits > 0 {
            f.write_char('.')?;
            write_zeros(f, digits as usize)?;
        }
        return Ok(());
    }
    // x * 10^digits = mantissa * scale / 2^shift, rounded to the nearest integer, ties to even.
    let shift = exponent.unsigned_abs();
    let scaled = u128::from(mantissa) * u128::from(scale);
    let mut q = if shift >= 128 { 0 } else { scaled >> shift };
    if shift < 128 {
        let rest = scaled & ((1u128 << shift) - 1);
        let half = 1u128 << (shift - 1);
        if rest > half || (rest == half && q & 1 == 1) {
            q += 1;
        }
    }
    // x < 2^53 here, so both parts fit in a u64.
    let (int, frac) = ((q / u128::from(scale)) as u64, (q % u128::from(scale)) as u64);
    write!(f, "{int}")?;
    if digits > 0 {
        f.write_char('.')?;
        let frac = frac.to_string();
        write_zeros(f, digits as usize - frac.len())?;
        f.write_str(&frac)?;
    }
    Ok(())
}

fn write_zeros(f: &mut impl fmt::Write, n: usize) -> fmt::Result {
    (0..n).try_for_each(|_| f.write_char('0'))
}

/// The decimal digits of mantissa * 2^exponent: in base 10^9 limbs (least significant first),
/// doubled up to 29 times a pass.
fn write_integer(f: &mut impl fmt::Write, mantissa: u64, exponent: u32) -> fmt::Result {
    const BASE: u64 = 1_000_000_000;
    let mut limbs = vec![(mantissa % BASE) as u32, ((mantissa / BASE) % BASE) as u32, (mantissa / BASE / BASE) as u32];
    let mut left = exponent;
    while left > 0 {
        let k = left.min(29);
        left -= k;
        let mut carry = 0u64;
        for limb in &mut limbs {
            let v = (u64::from(*limb) << k) + carry;
            *limb = (v % BASE) as u32;
            carry = v / BASE;
        }
        while carry > 0 {
            limbs.push((carry % BASE) as u32);
            carry /= BASE;
        }
    }
    while limbs.len() > 1 && limbs.last() == Some(&0) {
        limbs.pop();
    }
    let mut rest = limbs.iter().rev();
    write!(f, "{}", rest.next().copied().unwrap_or(0))?;
    for limb in rest {
        let text = limb.to_string();
        write_zeros(f, 9 - text.len())?;
        f.write_str(&text)?;
    }
    Ok(())
}

/// `x` as `format!("{}", x)` writes it: the shortest decimal that reads back as `x`, never in
/// exponent form (`0.1`, `2`, `0.0000001`, `-0`).
pub fn shortest(x: f64) -> Shortest {
    Shortest(x)
}

/// See `shortest`.
#[derive(Clone, Copy, Debug)]
pub struct Shortest(f64);

#[cfg(not(target_arch = "wasm32"))]
impl fmt::Display for Shortest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(target_arch = "wasm32")]
impl fmt::Display for Shortest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        if write_sign_or_special(f, x)? {
            return Ok(());
        }
        let (digits, point) = shortest_digits(x.abs());
        lay_out(f, &digits, point)
    }
}

/// What `Display` and `Debug` of `f64` write before the digits: "NaN" or a sign, then "inf".
/// True when that was all (no digits follow).
#[cfg(target_arch = "wasm32")]
fn write_sign_or_special(f: &mut fmt::Formatter<'_>, x: f64) -> Result<bool, fmt::Error> {
    if x.is_nan() {
        f.write_str("NaN")?;
        return Ok(true);
    }
    if x.is_sign_negative() {
        f.write_str("-")?;
    }
    if x.is_infinite() {
        f.write_str("inf")?;
        return Ok(true);
    }
    Ok(false)
}

/// `x` as `format!("{:?}", x)` writes it: the shortest decimal that reads back, with at least
/// one decimal (`0.3`, `1.0`), in exponent form below 1e-4 and from 1e16 on (`1e-7`, `1.5e16`).
pub fn debug(x: f64) -> DebugF64 {
    DebugF64(x)
}

/// See `debug`.
#[derive(Clone, Copy)]
pub struct DebugF64(f64);

#[cfg(not(target_arch = "wasm32"))]
impl fmt::Debug for DebugF64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

#[cfg(target_arch = "wasm32")]
impl fmt::Debug for DebugF64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        if write_sign_or_special(f, x)? {
            return Ok(());
        }
        let (digits, point) = shortest_digits(x.abs());
        lay_out_debug(f, &digits, point, x != 0.0 && !(1e-4..1e16).contains(&x.abs()))
    }
}

/// The shortest digits of a non-negative finite `x` as core chooses them: JavaScript's, except
/// on a tie. When `x` lies exactly halfway between two shortest candidates (1149636667324797.25
/// between ...797.2 and ...797.3), JavaScript takes the even one and core the larger.
#[cfg(target_arch = "wasm32")]
fn shortest_digits(x: f64) -> (String, i32) {
    let (digits, point) = js_digits(&js_text(x));
    let decimals = digits.len() as i32 - point;
    if !(1..=i32::from(MAX_DIGITS)).contains(&decimals) || !is_tie(x, decimals as u32) {
        return (digits, point);
    }
    // x * 10^decimals ends in exactly .5: core's digits are the larger neighbour.
    let (mantissa, exponent) = decompose(x);
    let scaled = u128::from(mantissa) * u128::from(10u64.pow(decimals as u32));
    // At most 17 significant digits, so a u64 (and no u128 formatting in the page's wasm).
    let up = ((scaled >> exponent.unsigned_abs()) + 1) as u64;
    let text = up.to_string();
    let point = text.len() as i32 - decimals;
    (text.trim_end_matches('0').to_string(), point)
}

/// Whether x * 10^decimals has a fraction of exactly one half (x < 2^53 when it has a fraction).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn is_tie(x: f64, decimals: u32) -> bool {
    let (mantissa, exponent) = decompose(x);
    let shift = exponent.unsigned_abs();
    if exponent >= 0 || shift >= 128 || decimals > u32::from(MAX_DIGITS) {
        return false;
    }
    let scaled = u128::from(mantissa) * u128::from(10u64.pow(decimals));
    scaled & ((1u128 << shift) - 1) == 1u128 << (shift - 1)
}

/// JavaScript's text of a non-negative finite number.
#[cfg(target_arch = "wasm32")]
fn js_text(x: f64) -> String {
    js_sys::Number::from(x).to_string_with_radix(10).map(String::from).unwrap_or_default()
}

/// 0.DIGITS * 10^point as core writes `{:?}`: in exponent form (`1.5e-7`) or with at least
/// one decimal.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn lay_out_debug(f: &mut impl fmt::Write, digits: &str, point: i32, exponent: bool) -> fmt::Result {
    if exponent {
        f.write_str(&digits[..1])?;
        if digits.len() > 1 {
            f.write_char('.')?;
            f.write_str(&digits[1..])?;
        }
        return write!(f, "e{}", point - 1);
    }
    lay_out(f, digits, point)?;
    if point >= digits.len() as i32 {
        f.write_str(".0")?;
    }
    Ok(())
}

/// JavaScript's text of a non-negative finite number (`123.45`, `0.001`, `1.5e-7`, `1e+21`) as
/// its significant digits and the position of the decimal point: the value is 0.DIGITS * 10^point.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn js_digits(js: &str) -> (String, i32) {
    let (mantissa, exponent) = js.split_once('e').unwrap_or((js, "0"));
    let exponent: i32 = exponent.trim_start_matches('+').parse().unwrap_or(0);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all = format!("{int}{frac}");
    let leading = all.len() - all.trim_start_matches('0').len();
    let digits = all[leading..].trim_end_matches('0').to_string();
    if digits.is_empty() {
        return ("0".into(), 1);
    }
    (digits, int.len() as i32 - leading as i32 + exponent)
}

/// 0.DIGITS * 10^point written out without an exponent, as core writes `{}`.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn lay_out(f: &mut impl fmt::Write, digits: &str, point: i32) -> fmt::Result {
    let n = digits.len() as i32;
    if point <= 0 {
        f.write_str("0.")?;
        write_zeros(f, point.unsigned_abs() as usize)?;
        f.write_str(digits)
    } else if point >= n {
        f.write_str(digits)?;
        write_zeros(f, (point - n) as usize)
    } else {
        f.write_str(&digits[..point as usize])?;
        f.write_char('.')?;
        f.write_str(&digits[point as usize..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_decimals_equal_str_parse_bit_for_bit() {
        let mut samples: Vec<String> = ["0", "-0", "+1", "1.", ".5", "0.1", "0.30", "-2.5", "007.250", "10", "-100"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = x % 1_000_000_000_000_000;
            let point = ((x >> 50) % 17) as usize;
            let s = digits.to_string();
            let (a, b) = s.split_at(s.len().saturating_sub(point));
            samples.push(format!("{}{a}.{b}", if x & 1 == 0 { "-" } else { "" }));
        }
        for s in &samples {
            let ours = parse_decimal(s).unwrap_or_else(|| panic!("{s} refused"));
            assert_eq!(ours.to_bits(), s.parse::<f64>().unwrap().to_bits(), "{s}");
        }
    }

    #[test]
    fn anything_else_is_refused() {
        for s in ["", "-", "+", ".", "-.", "1e3", "inf", "NaN", "1.2.3", " 1", "1 ", "0x10", "1,5", "12345678901234567"]
        {
            assert_eq!(parse_decimal(s), None, "{s:?}");
        }
        assert_eq!(parse_decimal("0.1000000000000000000000000"), Some(0.1), "trailing zeros do not count");
    }

    /// Values of every kind: tiny and huge, ties at every precision, integers, negative zero.
    fn samples() -> Vec<f64> {
        let mut v = vec![
            0.0,
            -0.0,
            0.25,
            0.35,
            2.5,
            1.5,
            -2.5,
            0.05,
            0.125,
            12.25,
            1e-7,
            1e-300,
            5e-324,
            1e15,
            1e16,
            1e21,
            1e22,
            123456789012345680000.0,
            9007199254740993.0,
            4503599627370497.5,
            1.7976931348623157e308,
            0.1,
            0.3,
            0.30000000000000004,
            100.0,
            99.95,
            99.949999,
            -0.04,
            33.333333,
            f64::MIN_POSITIVE,
            f64::from_bits(0x000f_ffff_ffff_ffff), // the largest subnormal
        ];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for i in 0..20_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            v.push(match i % 4 {
                0 => f64::from_bits(x),
                1 => (x % 100_000) as f64 / 8.0 - 5000.0,
                2 => (x % 1_000_000_000) as f64 / 1000.0,
                _ => (x as f64 / u64::MAX as f64) * 1000.0,
            });
        }
        v.retain(|x| x.is_finite());
        v.extend([f64::NAN, f64::INFINITY, f64::NEG_INFINITY]);
        v
    }

    #[test]
    fn fixed_writes_what_core_writes() {
        for x in samples() {
            for d in 0..=MAX_DIGITS {
                assert_eq!(fixed(x, d).to_string(), format!("{:.*}", usize::from(d), x), "{x:e} with {d} decimals");
            }
        }
    }

    /// The layout the browser's `shortest` uses, fed with core's own shortest digits in
    /// JavaScript's forms (the wasm tests feed it JavaScript's).
    #[test]
    fn the_shortest_layout_matches_core() {
        for x in samples().into_iter().filter(|x| x.is_finite()) {
            let e = format!("{:e}", x.abs()); // d.ddde-7: the same digits, JavaScript's shape
            let js = e.replace('e', "e+").replace("e+-", "e-");
            let (digits, point) = js_digits(&js);
            let mut ours = String::from(if x.is_sign_negative() { "-" } else { "" });
            lay_out(&mut ours, &digits, point).unwrap();
            assert_eq!(ours, format!("{x}"), "{x:e}");
        }
        assert_eq!(js_digits("0.001"), ("1".into(), -2));
        assert_eq!(js_digits("123.45"), ("12345".into(), 3));
        assert_eq!(js_digits("1.5e-7"), ("15".into(), -6));
        assert_eq!(js_digits("1e+21"), ("1".into(), 22));
        assert_eq!(js_digits("0"), ("0".into(), 1));
        assert_eq!(shortest(0.1).to_string(), "0.1");
        assert!(is_tie(1_149_636_667_324_797.0 + 0.25, 1) && is_tie(0.25, 1) && is_tie(2.5, 0) && !is_tie(0.35, 1));
        for x in samples().into_iter().filter(|x| x.is_finite()) {
            let e = format!("{:e}", x.abs());
            let (digits, point) = js_digits(&e.replace('e', "e+").replace("e+-", "e-"));
            let mut ours = String::from(if x.is_sign_negative() { "-" } else { "" });
            lay_out_debug(&mut ours, &digits, point, x != 0.0 && !(1e-4..1e16).contains(&x.abs())).unwrap();
            assert_eq!(ours, format!("{x:?}"), "{x:e}");
        }
    }
}
