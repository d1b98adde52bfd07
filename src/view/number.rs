//! Decimal numbers typed by people (slider values, `speed=2.5` in an embed address) read without
//! `str::parse::<f64>`, whose general algorithm carries a 10 KB table of powers of five into the
//! page's wasm. Plain decimals with up to 15 significant digits and 22 fraction digits cover every
//! such input, and for them one division is exact: the mantissa and the power of ten are both
//! exact in f64, and IEEE division rounds correctly, so the result equals `str::parse` bit for bit.

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

#[cfg(test)]
mod tests {
    use super::parse_decimal;

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
}
