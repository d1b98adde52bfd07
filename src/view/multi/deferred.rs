//! A value shown at most one render behind the one it follows, as React's `useDeferredValue`:
//! while the Multi-Paxos mode plays, the panels below the space-time diagram draw a step one
//! animation frame after the stage and the diagram do, so that a step's work (issue 10's frame
//! time) is spread over two frames. The page renders on every animation frame while it plays,
//! so the panels catch up on the next one; paused, they follow at once.

/// What is shown, and whether it is a render behind.
#[derive(Clone, Debug, PartialEq)]
pub struct Deferred<T> {
    shown: T,
    late: bool,
}

impl<T: Clone> Deferred<T> {
    pub fn new(now: T) -> Deferred<T> {
        Deferred { shown: now, late: false }
    }

    /// Follows `now`, or keeps what it shows for this render when `defer` and it did not keep
    /// it the render before (so it is never more than one render behind).
    pub fn follow(&mut self, now: &T, defer: bool) {
        self.late = defer && !self.late;
        if !self.late {
            self.shown = now.clone();
        }
    }

    pub fn shown(&self) -> &T {
        &self.shown
    }

    /// Whether it shows an older value than the last one it was given.
    pub fn late(&self) -> bool {
        self.late
    }
}

#[cfg(test)]
mod tests {
    use super::Deferred;

    #[test]
    fn follows_at_once_unless_deferred() {
        let mut d = Deferred::new(1);
        d.follow(&2, false);
        assert_eq!((*d.shown(), d.late()), (2, false));
        d.follow(&3, true);
        assert_eq!((*d.shown(), d.late()), (2, true), "a deferred value waits a render");
        d.follow(&3, false);
        assert_eq!((*d.shown(), d.late()), (3, false), "and shows on the next");
    }

    #[test]
    fn never_more_than_one_render_behind() {
        let mut d = Deferred::new(0);
        let mut shown = Vec::new();
        for now in 1..=5 {
            d.follow(&now, true);
            shown.push(*d.shown());
        }
        // Deferred on every render (a step on every frame): each value it skips is the one
        // before the latest, and it shows the latest every other render.
        assert_eq!(shown, vec![0, 2, 2, 4, 4]);
        d.follow(&6, false);
        assert_eq!(*d.shown(), 6);
    }
}
