//! The diagram's arrows as a handful of long paths: one per look (kind, fate, duplicate or
//! not), each a run of `M x y L x y` subpaths with a filled path of its arrowheads, plus one
//! path of drop marks.
//!
//! Why: with one element per message (and an arrowhead marker on each), every step under load
//! re-set hundreds of attributes and the browser painted and rasterized hundreds of elements,
//! each with its own marker. A path of many subpaths draws the same lines with one element (a
//! dash pattern restarts at every subpath, so dashes look the same), and a step now changes the
//! `d` of the few looks it touched.
//!
//! Why cut at the window: a message in flight with a long latency runs several window widths
//! past the right edge; drawn whole, its dash pattern is laid out along all of it before the
//! clip throws it away. Each segment is cut to the drawn span first (y interpolated), so
//! nothing outside the window reaches the rasterizer.

use super::{Arrow, Fate};
use crate::decimal::{fixed, shortest};
use crate::protocol::MsgKind;
use std::fmt::Write;

/// Arrowhead size in user units (the tip sits `HEAD_BEYOND` past the arrow's end, where the
/// round cap of the line ends).
const HEAD_LENGTH: f64 = 7.0;
const HEAD_HALF_WIDTH: f64 = 3.5;
const HEAD_BEYOND: f64 = 1.0;
/// Half the size of a drop mark (an x).
const DROP_HALF: f64 = 4.0;

/// The x range that is drawn; segments are cut to it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    pub from: f64,
    pub to: f64,
}

/// All arrows of one look as one path.
#[derive(Clone, Debug, PartialEq)]
pub struct Stroke {
    pub kind: MsgKind,
    pub fate: Fate,
    pub twin: bool,
    /// Messages drawn in `d` (one subpath each).
    pub count: usize,
    pub d: String,
    /// Their arrowheads, triangles filled in the look's colour: on every arrow that was not
    /// dropped and whose end is inside the span (a cut end gets none). Drawn right after `d`,
    /// so later looks paint over them as they paint over the lines.
    pub heads: String,
}

/// Painting order: settled arrows first, those in flight (drawn thicker) on top.
fn fate_rank(f: Fate) -> u8 {
    match f {
        Fate::Delivered => 0,
        Fate::Dropped => 1,
        Fate::InFlight => 2,
    }
}

/// The part of the arrow's segment inside `span`, as (x1, y1, x2, y2); None when none is.
pub fn clip(a: &Arrow, span: Span) -> Option<(f64, f64, f64, f64)> {
    let ((x1, y1), (x2, y2)) = if a.x1 <= a.x2 { ((a.x1, a.y1), (a.x2, a.y2)) } else { ((a.x2, a.y2), (a.x1, a.y1)) };
    if x2 < span.from || x1 > span.to {
        return None;
    }
    let y_at = |x: f64| if x2 > x1 { y1 + (y2 - y1) * (x - x1) / (x2 - x1) } else { y1 };
    let (cx1, cx2) = (x1.max(span.from), x2.min(span.to));
    let (cy1, cy2) = (if cx1 == x1 { y1 } else { y_at(cx1) }, if cx2 == x2 { y2 } else { y_at(cx2) });
    // Keep the arrow's own direction (the head goes at its end).
    Some(if a.x1 <= a.x2 { (cx1, cy1, cx2, cy2) } else { (cx2, cy2, cx1, cy1) })
}

/// One path per look, in painting order; arrows wholly outside `span` are left out.
pub fn strokes(arrows: &[Arrow], span: Span) -> Vec<Stroke> {
    // Kept sorted by look (painting order) as they are found: at most 36 looks, and a Vec keeps
    // another copy of the standard library's B-tree out of the page's wasm.
    let mut looks: Vec<((u8, MsgKind, bool), Stroke)> = Vec::new();
    for a in arrows {
        let Some((x1, y1, x2, y2)) = clip(a, span) else { continue };
        let key = (fate_rank(a.fate), a.kind, a.twin);
        let i = match looks.iter().position(|(k, _)| *k >= key) {
            Some(i) if looks[i].0 == key => i,
            found => {
                let i = found.unwrap_or(looks.len());
                let empty = Stroke {
                    kind: a.kind,
                    fate: a.fate,
                    twin: a.twin,
                    count: 0,
                    d: String::new(),
                    heads: String::new(),
                };
                looks.insert(i, (key, empty));
                i
            }
        };
        let s = &mut looks[i].1;
        s.count += 1;
        let _ = write!(s.d, "M{} {}L{} {}", fixed(x1, 1), fixed(y1, 1), fixed(x2, 1), fixed(y2, 1));
        if a.fate != Fate::Dropped && span.from <= a.x2 && a.x2 <= span.to {
            head(&mut s.heads, a);
        }
    }
    looks.into_iter().map(|(_, s)| s).collect()
}

/// A triangle with its tip just past the arrow's end, pointing along it (none on an arrow too
/// short to carry one).
fn head(d: &mut String, a: &Arrow) {
    let (dx, dy) = (a.x2 - a.x1, a.y2 - a.y1);
    let len = dx.hypot(dy);
    if len < HEAD_LENGTH {
        return;
    }
    let (ux, uy) = (dx / len, dy / len);
    let (tx, ty) = (a.x2 + ux * HEAD_BEYOND, a.y2 + uy * HEAD_BEYOND);
    let (bx, by) = (tx - ux * HEAD_LENGTH, ty - uy * HEAD_LENGTH);
    let (px, py) = (-uy * HEAD_HALF_WIDTH, ux * HEAD_HALF_WIDTH);
    let _ = write!(
        d,
        "M{} {}L{} {}L{} {}Z",
        fixed(tx, 1),
        fixed(ty, 1),
        fixed(bx + px, 1),
        fixed(by + py, 1),
        fixed(bx - px, 1),
        fixed(by - py, 1)
    );
}

/// Every drop mark (an x centred where the message died) as one path.
pub fn drop_marks(drops: &[(f64, f64)]) -> String {
    let mut d = String::new();
    let w = shortest(2.0 * DROP_HALF);
    for &(x, y) in drops {
        let _ = write!(d, "M{} {}l{w} {w}m0 -{w}l-{w} {w}", fixed(x - DROP_HALF, 1), fixed(y - DROP_HALF, 1));
    }
    d
}

#[cfg(test)]
mod tests;
