//! The share link's compression: zlib (RFC 1950) around DEFLATE (RFC 1951), written out here
//! because the page's first load has a budget (README, "Measured performance") and a general
//! library is several times this size in the page's wasm. miniz_oxide stays for the tests and
//! the fuzzer, which check this module against it both ways (`tests/native/scenario_link.rs`).
//!
//! - `inflate` reads every valid zlib stream (stored, fixed and dynamic Huffman blocks: links
//!   written by earlier builds, which compressed with miniz_oxide, open as before), checks the
//!   header and the Adler-32 checksum, stops at `max` bytes of output, and never panics on
//!   hostile input. The Huffman decoder is Mark Adler's `puff.c` (canonical codes decoded by
//!   counting, no tables beyond the code lengths).
//! - `deflate` writes one block with LZ77 matches (hash chains and one step of lazy matching,
//!   as zlib's higher levels do), coded with the fixed code or with a Huffman code of its own,
//!   whichever is shorter. One block suits inputs the size of a scenario (up to a few thousand
//!   bytes); `tests/native/scenario_link.rs` compares the result with zlib's level 9 on the lessons.

/// Why a stream could not be inflated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InflateError {
    /// The output would exceed the limit.
    TooBig,
    /// Not a valid zlib stream: a bad header, code, distance or checksum, or cut short.
    Damaged,
}

use InflateError::{Damaged, TooBig};

/// Base lengths of the length codes 257..285, and their extra bits.
const LEN_BASE: [u16; 29] =
    [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_EXTRA: [u8; 29] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
/// Base distances of the distance codes 0..29, and their extra bits.
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
    8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] =
    [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
/// The order in which a dynamic block lists the code-length code's lengths.
const CL_ORDER: [usize; 19] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
/// The window: the farthest back a match may reach.
const WINDOW: usize = 32 * 1024;

/// Adler-32 (RFC 1950 section 8).
pub fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 bytes is the most that can be summed before `b` could overflow.
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

// ---------------------------------------------------------------------------------------------
// Inflate

/// Bits of the input, least significant first.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    acc: u32,
    count: u32,
}

impl Bits<'_> {
    /// The next `n` (at most 16) bits.
    fn take(&mut self, n: u32) -> Result<u32, InflateError> {
        while self.count < n {
            let byte = *self.data.get(self.pos).ok_or(Damaged)?;
            self.pos += 1;
            self.acc |= u32::from(byte) << self.count;
            self.count += 8;
        }
        let v = self.acc & ((1 << n) - 1);
        self.acc >>= n;
        self.count -= n;
        Ok(v)
    }

    /// Drops the bits left of the current byte (before a stored block).
    fn align(&mut self) {
        self.acc = 0;
        self.count = 0;
    }
}

/// A canonical Huffman code: how many codes have each length, and the symbols in code order.
struct Code {
    counts: [u16; 16],
    symbols: [u16; 288],
}

impl Code {
    /// The code with these code lengths (0: the symbol is unused). An over-subscribed set of
    /// lengths is not a code; an incomplete one is allowed (a stream may use only part of it,
    /// and decoding a missing code fails).
    fn new(lengths: &[u8]) -> Result<Code, InflateError> {
        let mut code = Code { counts: [0; 16], symbols: [0; 288] };
        for &l in lengths {
            code.counts[usize::from(l)] += 1;
        }
        let mut left: i32 = 1;
        for len in 1..16 {
            left = 2 * left - i32::from(code.counts[len]);
            if left < 0 {
                return Err(Damaged);
            }
        }
        let mut offsets = [0u16; 16];
        for len in 1..15 {
            offsets[len + 1] = offsets[len] + code.counts[len];
        }
        for (symbol, &l) in lengths.iter().enumerate() {
            if l != 0 {
                code.symbols[usize::from(offsets[usize::from(l)])] = symbol as u16;
                offsets[usize::from(l)] += 1;
            }
        }
        Ok(code)
    }

    /// The next symbol: the code is read a bit at a time, most significant bit first, and
    /// compared with the first code of each length (puff.c's `decode`).
    fn decode(&self, bits: &mut Bits) -> Result<u16, InflateError> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for len in 1..16 {
            code |= bits.take(1)? as i32;
            let count = i32::from(self.counts[len]);
            if code - first < count {
                return Ok(self.symbols[(index + code - first) as usize]);
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        Err(Damaged)
    }
}

/// Inflates a zlib stream into at most `max` bytes.
pub fn inflate(input: &[u8], max: usize) -> Result<Vec<u8>, InflateError> {
    let [cmf, flg, ..] = *input else { return Err(Damaged) };
    // Method 8 (deflate), a window of at most 32 KiB, the check bits, and no preset dictionary.
    if cmf & 0x0f != 8 || cmf >> 4 > 7 || (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0 || flg & 0x20 != 0 {
        return Err(Damaged);
    }
    let mut bits = Bits { data: input, pos: 2, acc: 0, count: 0 };
    let mut out = Vec::new();
    loop {
        let last = bits.take(1)? == 1;
        match bits.take(2)? {
            0 => stored(&mut bits, &mut out, max)?,
            1 => {
                let mut lengths = [8u8; 288 + 30];
                lengths[144..256].fill(9);
                lengths[256..280].fill(7);
                lengths[288..].fill(5);
                let (lit, dist) = (Code::new(&lengths[..288])?, Code::new(&lengths[288..])?);
                codes(&mut bits, &mut out, max, &lit, &dist)?;
            }
            2 => {
                let (lit, dist) = dynamic(&mut bits)?;
                codes(&mut bits, &mut out, max, &lit, &dist)?;
            }
            _ => return Err(Damaged),
        }
        if last {
            break;
        }
    }
    bits.align();
    let sum = input.get(bits.pos..bits.pos + 4).ok_or(Damaged)?;
    if u32::from_be_bytes([sum[0], sum[1], sum[2], sum[3]]) != adler32(&out) {
        return Err(Damaged);
    }
    Ok(out)
}

fn stored(bits: &mut Bits, out: &mut Vec<u8>, max: usize) -> Result<(), InflateError> {
    bits.align();
    let header = bits.data.get(bits.pos..bits.pos + 4).ok_or(Damaged)?;
    let len = u16::from_le_bytes([header[0], header[1]]);
    if len != !u16::from_le_bytes([header[2], header[3]]) {
        return Err(Damaged);
    }
    let start = bits.pos + 4;
    let block = bits.data.get(start..start + usize::from(len)).ok_or(Damaged)?;
    if out.len() + block.len() > max {
        return Err(TooBig);
    }
    out.extend_from_slice(block);
    bits.pos = start + usize::from(len);
    Ok(())
}

/// A dynamic block's two codes, read from its header.
fn dynamic(bits: &mut Bits) -> Result<(Code, Code), InflateError> {
    let nlen = bits.take(5)? as usize + 257;
    let ndist = bits.take(5)? as usize + 1;
    let ncode = bits.take(4)? as usize + 4;
    if nlen > 286 || ndist > 30 {
        return Err(Damaged);
    }
    let mut cl = [0u8; 19];
    for &i in &CL_ORDER[..ncode] {
        cl[i] = bits.take(3)? as u8;
    }
    let cl = Code::new(&cl)?;
    let mut lengths = [0u8; 286 + 30];
    let mut i = 0;
    while i < nlen + ndist {
        let symbol = cl.decode(bits)?;
        let (value, repeat) = match symbol {
            0..=15 => (symbol as u8, 1),
            16 => (*lengths[..i].last().ok_or(Damaged)?, 3 + bits.take(2)?),
            17 => (0, 3 + bits.take(3)?),
            _ => (0, 11 + bits.take(7)?),
        };
        let end = i + repeat as usize;
        if end > nlen + ndist {
            return Err(Damaged);
        }
        lengths[i..end].fill(value);
        i = end;
    }
    // Without a code for the end of the block, the block could not end.
    if lengths[256] == 0 {
        return Err(Damaged);
    }
    Ok((Code::new(&lengths[..nlen])?, Code::new(&lengths[nlen..nlen + ndist])?))
}

/// The literals and matches of one Huffman-coded block, up to its end code.
fn codes(bits: &mut Bits, out: &mut Vec<u8>, max: usize, lit: &Code, dist: &Code) -> Result<(), InflateError> {
    loop {
        let symbol = usize::from(lit.decode(bits)?);
        match symbol {
            0..=255 => {
                if out.len() >= max {
                    return Err(TooBig);
                }
                out.push(symbol as u8);
            }
            256 => return Ok(()),
            _ => {
                let i = symbol - 257;
                if i >= 29 {
                    return Err(Damaged);
                }
                let len = usize::from(LEN_BASE[i]) + bits.take(u32::from(LEN_EXTRA[i]))? as usize;
                let d = usize::from(dist.decode(bits)?);
                if d >= 30 {
                    return Err(Damaged);
                }
                let back = usize::from(DIST_BASE[d]) + bits.take(u32::from(DIST_EXTRA[d]))? as usize;
                if back > out.len() {
                    return Err(Damaged);
                }
                if out.len() + len > max {
                    return Err(TooBig);
                }
                // Byte by byte: a match may overlap the bytes it produces.
                let from = out.len() - back;
                for k in 0..len {
                    out.push(out[from + k]);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Deflate

/// Bits of the output, least significant first.
struct Writer {
    out: Vec<u8>,
    acc: u64,
    count: u32,
}

impl Writer {
    fn put(&mut self, value: u32, n: u32) {
        self.acc |= u64::from(value) << self.count;
        self.count += n;
        while self.count >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.count -= 8;
        }
    }

    /// Symbol `s` of a canonical code: its bits go most significant first.
    fn code(&mut self, codes: &[u16], lengths: &[u8], s: usize) {
        let n = u32::from(lengths[s]);
        self.put(u32::from(codes[s]).reverse_bits() >> (32 - n), n);
    }
}

/// What LZ77 found: a byte, or a match of `len` bytes `back` bytes back.
#[derive(Clone, Copy)]
enum Token {
    Literal(u8),
    Match { len: u16, back: u16 },
}

/// The length code (index into `LEN_BASE`) and distance code of a match.
fn match_codes(len: u16, back: u16) -> (usize, usize) {
    let l = LEN_BASE.iter().rposition(|&b| b <= len).unwrap_or(0);
    let d = DIST_BASE.iter().rposition(|&b| b <= back).unwrap_or(0);
    (l, d)
}

/// How many candidates a match search tries (zlib's level 9 tries 4096; links are small).
const CHAIN: usize = 1024;
const HASH_BITS: u32 = 12;

/// The longest earlier match for the bytes at `i`: (length, distance), length 0 if none of 3+.
fn longest(data: &[u8], i: usize, head: &[u32], prev: &[u32]) -> (usize, usize) {
    let (mut best, mut back) = (0, 0);
    let limit = (data.len() - i).min(258);
    if limit < 3 {
        return (0, 0);
    }
    let mut candidate = head[hash(data, i)];
    for _ in 0..CHAIN {
        if candidate == u32::MAX {
            break;
        }
        let c = candidate as usize;
        if i - c > WINDOW {
            break;
        }
        let len = data[c..].iter().zip(&data[i..i + limit]).take_while(|(a, b)| a == b).count();
        if len > best {
            (best, back) = (len, i - c);
            if len == limit {
                break;
            }
        }
        candidate = prev[c];
    }
    if best >= 3 {
        (best, back)
    } else {
        (0, 0)
    }
}

fn hash(data: &[u8], i: usize) -> usize {
    let v = u32::from(data[i]) << 16 | u32::from(data[i + 1]) << 8 | u32::from(data[i + 2]);
    (v.wrapping_mul(2_654_435_761) >> (32 - HASH_BITS)) as usize
}

/// LZ77 with hash chains and one step of lazy matching (as zlib's higher levels do).
fn tokens(data: &[u8]) -> Vec<Token> {
    let mut head = vec![u32::MAX; 1 << HASH_BITS];
    let mut prev = vec![u32::MAX; data.len()];
    let insert = |head: &mut [u32], prev: &mut [u32], i: usize| {
        if i + 3 <= data.len() {
            let h = hash(data, i);
            prev[i] = head[h];
            head[h] = i as u32;
        }
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let (len, back) = longest(data, i, &head, &prev);
        insert(&mut head, &mut prev, i);
        // Lazy matching: if the match one byte on is longer, send this byte as a literal.
        if len == 0 || (i + 1 < data.len() && longest(data, i + 1, &head, &prev).0 > len) {
            out.push(Token::Literal(data[i]));
            i += 1;
            continue;
        }
        out.push(Token::Match { len: len as u16, back: back as u16 });
        for k in i + 1..i + len {
            insert(&mut head, &mut prev, k);
        }
        i += len;
    }
    out
}

/// Huffman code lengths of at most `limit` bits for these symbol frequencies (0: unused). When
/// the optimal code is too deep, the frequencies are halved (rounding up) until it fits, which
/// flattens the tree; at worst every used symbol has the same weight.
fn huffman(freq: &[u32], limit: u8) -> Vec<u8> {
    let mut freq = freq.to_vec();
    loop {
        let mut lengths = vec![0u8; freq.len()];
        let mut nodes: Vec<(u32, Vec<usize>)> =
            freq.iter().enumerate().filter(|(_, &f)| f > 0).map(|(s, &f)| (f, vec![s])).collect();
        if let [(_, only)] = nodes.as_slice() {
            lengths[only[0]] = 1;
        }
        while nodes.len() > 1 {
            nodes.sort_by_key(|n| std::cmp::Reverse(n.0));
            let (wa, mut a) = nodes.pop().unwrap_or_default();
            let (wb, b) = nodes.pop().unwrap_or_default();
            a.extend(b);
            for &s in &a {
                lengths[s] += 1;
            }
            nodes.push((wa + wb, a));
        }
        if lengths.iter().all(|&l| l <= limit) {
            return lengths;
        }
        for f in freq.iter_mut() {
            *f = f.div_ceil(2);
        }
    }
}

/// The canonical codes of these lengths (RFC 1951 section 3.2.2).
fn canonical(lengths: &[u8]) -> Vec<u16> {
    let mut count = [0u16; 16];
    for &l in lengths {
        count[usize::from(l)] += 1;
    }
    count[0] = 0;
    let mut next = [0u16; 16];
    for bits in 1..16 {
        next[bits] = (next[bits - 1] + count[bits - 1]) << 1;
    }
    lengths
        .iter()
        .map(|&l| {
            let c = next[usize::from(l)];
            next[usize::from(l)] += 1;
            c
        })
        .collect()
}

/// A dynamic block's code lengths, run-length coded: (symbol, extra value, extra bits).
fn run_lengths(all: &[u8]) -> Vec<(usize, u32, u32)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < all.len() {
        let l = all[i];
        let run = all[i..].iter().take_while(|&&x| x == l).count();
        if l == 0 && run >= 3 {
            let r = run.min(138);
            out.push(if r >= 11 { (18, r as u32 - 11, 7) } else { (17, r as u32 - 3, 3) });
            i += r;
        } else if l != 0 && run >= 4 {
            let r = (run - 1).min(6);
            out.push((usize::from(l), 0, 0));
            out.push((16, r as u32 - 3, 2));
            i += 1 + r;
        } else {
            out.push((usize::from(l), 0, 0));
            i += 1;
        }
    }
    out
}

/// Compresses `data` as a zlib stream: one block, with the fixed code or a code of its own,
/// whichever is shorter.
pub fn deflate(data: &[u8]) -> Vec<u8> {
    let tokens = tokens(data);
    let (mut lit_freq, mut dist_freq) = ([0u32; 286], [0u32; 30]);
    lit_freq[256] = 1;
    for t in &tokens {
        match *t {
            Token::Literal(b) => lit_freq[usize::from(b)] += 1,
            Token::Match { len, back } => {
                let (l, d) = match_codes(len, back);
                lit_freq[257 + l] += 1;
                dist_freq[d] += 1;
            }
        }
    }
    // The fixed code (RFC 1951 section 3.2.6).
    let mut fixed = [8u8; 288 + 30];
    fixed[144..256].fill(9);
    fixed[256..280].fill(7);
    fixed[288..].fill(5);
    // A code of the block's own, and its header.
    let lit = huffman(&lit_freq, 15);
    let mut dist = huffman(&dist_freq, 15);
    if dist.iter().all(|&l| l == 0) {
        dist[0] = 1;
    }
    let nlit = 257.max(lit.iter().rposition(|&l| l > 0).unwrap_or(0) + 1);
    let ndist = 1.max(dist.iter().rposition(|&l| l > 0).unwrap_or(0) + 1);
    let runs = run_lengths(&[&lit[..nlit], &dist[..ndist]].concat());
    let mut cl_freq = [0u32; 19];
    for &(s, ..) in &runs {
        cl_freq[s] += 1;
    }
    let cl = huffman(&cl_freq, 7);
    let ncl = 4.max(CL_ORDER.iter().rposition(|&s| cl[s] > 0).unwrap_or(0) + 1);
    // Bits of each choice, but for the extra bits, which are the same in both.
    let cost = |l: &[u8], d: &[u8]| -> u64 {
        let a: u64 = lit_freq.iter().zip(l).map(|(&f, &n)| u64::from(f) * u64::from(n)).sum();
        a + dist_freq.iter().zip(d).map(|(&f, &n)| u64::from(f) * u64::from(n)).sum::<u64>()
    };
    let header = 14 + 3 * ncl as u64 + runs.iter().map(|&(s, _, n)| u64::from(cl[s]) + u64::from(n)).sum::<u64>();
    let dynamic = header + cost(&lit, &dist) < cost(&fixed[..286], &fixed[288..]);

    // The header of zlib's best compression: method 8, a 32 KiB window, level 3 of 3.
    let mut w = Writer { out: vec![0x78, 0xda], acc: 0, count: 0 };
    w.put(1, 1); // the last block
    let (lit, dist) = if dynamic {
        w.put(2, 2);
        w.put(nlit as u32 - 257, 5);
        w.put(ndist as u32 - 1, 5);
        w.put(ncl as u32 - 4, 4);
        for &s in &CL_ORDER[..ncl] {
            w.put(u32::from(cl[s]), 3);
        }
        let cl_codes = canonical(&cl);
        for &(s, extra, n) in &runs {
            w.code(&cl_codes, &cl, s);
            w.put(extra, n);
        }
        (lit, dist)
    } else {
        w.put(1, 2);
        (fixed[..288].to_vec(), fixed[288..].to_vec())
    };
    let (lit_codes, dist_codes) = (canonical(&lit), canonical(&dist));
    for t in tokens {
        match t {
            Token::Literal(b) => w.code(&lit_codes, &lit, usize::from(b)),
            Token::Match { len, back } => {
                let (l, d) = match_codes(len, back);
                w.code(&lit_codes, &lit, 257 + l);
                w.put(u32::from(len - LEN_BASE[l]), u32::from(LEN_EXTRA[l]));
                w.code(&dist_codes, &dist, d);
                w.put(u32::from(back - DIST_BASE[d]), u32::from(DIST_EXTRA[d]));
            }
        }
    }
    w.code(&lit_codes, &lit, 256);
    if w.count > 0 {
        w.out.push(w.acc as u8); // the last bits, padded to a byte
    }
    let mut out = w.out;
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(data: &[u8]) {
        let packed = deflate(data);
        assert_eq!(inflate(&packed, data.len()).as_deref(), Ok(data), "own inflate of own deflate");
        if !data.is_empty() {
            assert_eq!(inflate(&packed, data.len() - 1), Err(TooBig));
        }
    }

    #[test]
    fn round_trips() {
        round_trip(b"");
        round_trip(b"a");
        round_trip(b"abcabcabcabcabcabcabcabcabcabcabc");
        round_trip(&[7u8; 1000]);
        let mut x = 12345u32;
        let noise: Vec<u8> = (0..70_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x % 7) as u8 + b'a'
            })
            .collect();
        round_trip(&noise);
    }

    #[test]
    fn header_and_checksum_are_checked() {
        let mut packed = deflate(b"hello hello hello");
        assert_eq!(inflate(&packed, 100).as_deref(), Ok(&b"hello hello hello"[..]));
        let last = packed.len() - 1;
        packed[last] ^= 1;
        assert_eq!(inflate(&packed, 100), Err(Damaged), "checksum");
        packed[last] ^= 1;
        packed[0] = 0x79;
        assert_eq!(inflate(&packed, 100), Err(Damaged), "method");
        assert_eq!(inflate(&[], 100), Err(Damaged));
        assert_eq!(inflate(&[0x78], 100), Err(Damaged));
    }

    #[test]
    fn stored_blocks() {
        // A stored block of "abc" by hand: header, last block of type 0, LEN, NLEN, bytes, checksum.
        let mut s = vec![0x78, 0x01, 0x01, 3, 0, !3, 0xff, b'a', b'b', b'c'];
        s.extend_from_slice(&adler32(b"abc").to_be_bytes());
        assert_eq!(inflate(&s, 3).as_deref(), Ok(&b"abc"[..]));
        assert_eq!(inflate(&s, 2), Err(TooBig));
        s[5] = 0;
        assert_eq!(inflate(&s, 3), Err(Damaged), "NLEN is not LEN's complement");
    }

    /// Frequencies like Fibonacci's make the optimal code as deep as there are symbols: the
    /// lengths must still fit the limit and form a code (Kraft's sum at most 1).
    #[test]
    fn deep_codes_are_flattened_to_the_limit() {
        let mut fib = vec![1u32, 1];
        while fib.len() < 30 {
            fib.push(fib[fib.len() - 1] + fib[fib.len() - 2]);
        }
        for limit in [7u8, 15] {
            let lengths = huffman(&fib, limit);
            assert!(lengths.iter().all(|&l| (1..=limit).contains(&l)), "{lengths:?}");
            let kraft: f64 = lengths.iter().map(|&l| 0.5f64.powi(i32::from(l))).sum();
            assert!(kraft <= 1.0, "{kraft}");
        }
        // Bytes with those frequencies, through the codec.
        let data: Vec<u8> = fib
            .iter()
            .enumerate()
            .flat_map(|(i, &f)| std::iter::repeat_n(i as u8 * 7, f.min(40_000) as usize))
            .collect();
        round_trip(&data);
    }

    #[test]
    fn adler32_known_value() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(b""), 1);
    }
}
