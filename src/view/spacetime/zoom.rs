//! What part of the run the diagram shows: a window that follows the clock (the default), a
//! wider one (each zoom level shows `ZOOM_FACTOR` times more), or the whole run; and, once the
//! person scrolls, a window pinned where they put it, so earlier events are never silently gone.
//!
//! Why a zoomed-out view stays cheap on a 10,000-step run: it keeps one arrow per look, pair of
//! lanes and column of the plot (`pixel_key`), so what is drawn is bounded by what the plot can
//! show, whatever the length of the run.

use super::{Arrow, Geometry, Mark, Playground, WIDTH, WINDOW_STEP_TICKS, WINDOW_TICKS};
use crate::decimal::fixed;

/// How much more each zoom level shows than the one below it.
pub const ZOOM_FACTOR: f64 = 4.0;
/// The zoom level of the whole run.
pub const WHOLE: u8 = u8::MAX;
/// The width of a column of the zoomed-out plot (about two screen pixels): arrows of one look
/// between the same lanes that start and end in the same columns are drawn once.
const PIXEL: f64 = 1.5;
/// A second row of chosen labels adds this much height.
pub const LABEL_ROW: f64 = 13.0;
/// About how wide a character of a chosen label is (10.5 px bold), to keep labels apart.
const CHAR_WIDTH: f64 = 6.2;

/// How the person looks at the diagram.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Viewport {
    /// 0 shows `WINDOW_TICKS`; each level `ZOOM_FACTOR` times more; `WHOLE` the whole run.
    pub zoom: u8,
    /// Where the window starts once the person scrolled; `None` follows the clock.
    pub pinned: Option<f64>,
}

/// How far the window moves at a time: a sixth of its width (`WINDOW_STEP_TICKS` at level 0).
pub fn step_of(span: f64) -> f64 {
    span / WINDOW_TICKS * WINDOW_STEP_TICKS
}

/// The length of the run as the whole-run view shows it: to the last recorded event or the
/// clock, whichever is later, rounded up to a step; at least one window.
pub fn run_ticks(p: &Playground) -> f64 {
    let last = p.history.trace.last().map_or(0.0, |e| e.time as f64).max(p.clock);
    (((last + 1.0) / WINDOW_STEP_TICKS).ceil() * WINDOW_STEP_TICKS).max(WINDOW_TICKS)
}

impl Viewport {
    fn span(self) -> f64 {
        WINDOW_TICKS * ZOOM_FACTOR.powi(self.zoom as i32)
    }

    /// The time the diagram maps to its width.
    pub fn geometry(self, clock: f64, run: f64) -> Geometry {
        if self.zoom == WHOLE {
            return Geometry { start: 0.0, span: run };
        }
        match self.pinned {
            Some(start) => Geometry { start: start.max(0.0), span: self.span() },
            None => Geometry::around_span(clock, self.span()),
        }
    }

    /// One level out; the whole run once the next level would show all of it.
    pub fn zoom_out(self, run: f64) -> Viewport {
        let zoom = match self.zoom {
            WHOLE => WHOLE,
            _ if self.span() * ZOOM_FACTOR >= run => WHOLE,
            z => z + 1,
        };
        Viewport { zoom, pinned: None }
    }

    /// One level in; from the whole run, the widest level that is less than the run.
    pub fn zoom_in(self, run: f64) -> Viewport {
        let mut zoom = self.zoom;
        if zoom == WHOLE {
            zoom = 0;
            while (Viewport { zoom: zoom + 1, pinned: None }).span() < run {
                zoom += 1;
            }
        } else {
            zoom = zoom.saturating_sub(1);
        }
        Viewport { zoom, pinned: None }
    }

    /// Moves the window by `steps` of its step (negative: earlier), never before time 0; back at
    /// (or past) where the clock's window is, it follows the clock again.
    pub fn scroll(self, clock: f64, run: f64, steps: f64) -> Viewport {
        if self.zoom == WHOLE {
            return self;
        }
        let g = self.geometry(clock, run);
        let start = (g.start + steps * step_of(g.span)).max(0.0);
        let follow = Geometry::around_span(clock, g.span).start;
        Viewport { zoom: self.zoom, pinned: (start < follow).then_some(start) }
    }
}

/// Where the time axis is labelled: every 8, 16, 40, 80, 160, 400... ticks, at most 8 labels.
pub fn axis_every(span: f64) -> f64 {
    let mut every = WINDOW_STEP_TICKS;
    let mut i = 0;
    while span / every > 8.0 {
        every *= [2.0, 2.5, 2.0][i % 3];
        i += 1;
    }
    every
}

/// What an arrow looks like at the resolution of the plot: two arrows with the same key draw
/// over each other. The low 16 bits are the column it ends in.
pub fn pixel_key(a: &Arrow) -> u64 {
    let column = |x: f64| (x / PIXEL).max(0.0) as u64 & 0xffff;
    let lane = |y: f64| y as u64 & 0x3ff;
    let look = (a.kind as u64) << 3 | (a.fate as u64) << 1 | a.twin as u64;
    look << 56 | lane(a.y1) << 46 | lane(a.y2) << 36 | column(a.x1) << 16 | column(a.x2)
}

/// Puts each chosen label on the first row where it does not run into the one before it, and
/// ends it at its marker when it would run off the right edge. Returns how many rows were added.
pub fn place_labels(marks: &mut [Mark], height: f64) -> f64 {
    let mut ends = [f64::MIN; 3];
    let mut added = 0;
    for m in marks.iter_mut() {
        let width = m.label.len() as f64 * CHAR_WIDTH;
        m.left = m.x + 3.0 + width > WIDTH;
        let (from, to) = if m.left { (m.x - 3.0 - width, m.x) } else { (m.x, m.x + 3.0 + width) };
        let row = ends.iter().position(|&end| end < from).unwrap_or(ends.len() - 1);
        ends[row] = to;
        added = added.max(row);
        m.y = height - 5.0 + row as f64 * LABEL_ROW;
    }
    added as f64
}

/// What the view shows, in words: "ticks 48 to 96 of 130" or "the whole run: 130 ticks".
pub fn range_text(g: &Geometry, whole: bool, run: f64) -> String {
    if whole {
        format!("Whole run: {} ticks", fixed(run, 0))
    } else {
        format!("Ticks {} to {} of {}", fixed(g.start, 0), fixed(g.end(), 0), fixed(run, 0))
    }
}

#[cfg(test)]
mod tests;
