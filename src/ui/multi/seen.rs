//! Which of the panels below the space-time diagram are on screen. While the Multi-Paxos mode
//! plays, a panel out of view keeps the frame it last drew (Yew skips it: no DOM change, so no
//! style, layout or paint either) and draws the current one as soon as it scrolls into view or
//! the run pauses. On a laptop the logs, the stores, the history and the safety checks sit below
//! the fold; drawing them unseen on every step was about a third of a step's frame (issue 10's
//! frame time). `content-visibility: auto` (www/multi.css) skips their rendering only beyond a
//! margin of its own, and not Yew's work.

use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, IntersectionObserver, IntersectionObserverEntry};
use yew::prelude::*;

/// The panels watched, by element id; bit `i` of [`use_on_screen`]'s answer is `PANELS[i]`.
pub const PANELS: [&str; 4] = ["mlog", "mkv", "mhistory", "msafety"];
/// Each panel's index in [`PANELS`].
pub const LOG: usize = 0;
pub const KV: usize = 1;
pub const HISTORY: usize = 2;
pub const SAFETY: usize = 3;

/// One bit per panel of [`PANELS`]: set while some of it is on screen (and for a panel not
/// found, or before the browser first said).
#[hook]
pub fn use_on_screen() -> u32 {
    let seen = use_mut_ref(|| u32::MAX);
    let watch = use_mut_ref(Watch::default);
    let redraw = use_force_update();
    {
        let (seen, watch) = (seen.clone(), watch.clone());
        use_effect_with((), move |_| {
            let on_change = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                let mut now = *seen.borrow();
                for entry in entries.iter() {
                    let entry: IntersectionObserverEntry = entry.unchecked_into();
                    if let Some(i) = PANELS.iter().position(|id| *id == entry.target().id()) {
                        now = if entry.is_intersecting() { now | 1 << i } else { now & !(1 << i) };
                    }
                }
                if now != *seen.borrow() {
                    *seen.borrow_mut() = now;
                    redraw.force_update();
                }
            });
            watch.borrow_mut().observer = IntersectionObserver::new(on_change.as_ref().unchecked_ref()).ok();
            let watch = watch.clone();
            move || {
                if let Some(o) = watch.borrow_mut().observer.take() {
                    o.disconnect();
                }
                drop(on_change);
            }
        });
    }
    // After every render: watch the panels' elements, again if Yew replaced one (a few lookups).
    {
        let (seen, watch) = (seen.clone(), watch.clone());
        use_effect(move || {
            watch.borrow_mut().follow(&seen);
        });
    }
    let bits = *seen.borrow();
    bits
}

/// The observer and the elements it watches.
#[derive(Default)]
struct Watch {
    observer: Option<IntersectionObserver>,
    elements: [Option<Element>; PANELS.len()],
}

impl Watch {
    fn follow(&mut self, seen: &Rc<RefCell<u32>>) {
        let Some(observer) = &self.observer else { return };
        let document = gloo::utils::document();
        for (i, id) in PANELS.iter().enumerate() {
            let now = document.get_element_by_id(id);
            if now == self.elements[i] {
                continue;
            }
            if let Some(old) = &self.elements[i] {
                observer.unobserve(old);
            }
            if let Some(new) = &now {
                observer.observe(new);
            }
            // On screen until the observer says otherwise (it reports a new element at once).
            *seen.borrow_mut() |= 1 << i;
            self.elements[i] = now;
        }
    }
}
