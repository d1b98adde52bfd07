//! The tools worker's side of the conversation (wasm only). `www/tools-worker.js` loads the
//! `tools` wasm; its `main` calls `start`, which answers every message and then posts `"ready"`.
//!
//! A request is an array `[id, op, a, b]` (a number and three strings); the reply is
//! `[id, ok, text]`, `ok` saying whether `text` is the result or the message to show. A check
//! (`tools::check`) also posts `[id, null, progress]` while it runs; its progress and its
//! result are markup for the Check dialog (`tools::check::markup`).
//!
//! A check runs in slices of about `SLICE_MS` milliseconds. Between two slices the worker goes
//! back to its event loop through a `MessageChannel` (a zero-delay `setTimeout` is clamped to
//! 4 ms once nested), so the page's next message, a Cancel among them, is handled after at most
//! one slice.

use super::check::Job;
use super::{handle, Request};
use gloo::events::EventListener;
use js_sys::{Array, Function, Reflect};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageChannel, MessagePort};

/// How long one slice of a check runs before the worker yields.
const SLICE_MS: f64 = 20.0;
/// States expanded between two looks at the clock (a few milliseconds of work).
const STATES_PER_LOOK: usize = 128;
/// How often a running check posts its progress.
const PROGRESS_MS: f64 = 150.0;

/// Answers the page's messages from now on, then tells the page it is ready.
pub fn start() {
    let target: web_sys::EventTarget = scope().unchecked_into();
    let listener = EventListener::new(&target, "message", move |e| {
        on_request(e.unchecked_ref::<web_sys::MessageEvent>().data());
    });
    let channel = MessageChannel::new().expect("a worker has MessageChannel");
    let ticks = EventListener::new(&channel.port1(), "message", |_| tick());
    channel.port1().start();
    WORKER.with(|w| *w.borrow_mut() = Some(Worker { _listeners: [listener, ticks], wake: channel.port2() }));
    post(&"ready".into());
}

/// What lives as long as the worker: the message listeners and the port that wakes the checks.
struct Worker {
    _listeners: [EventListener; 2],
    wake: MessagePort,
}

/// A check in progress.
struct Running {
    id: JsValue,
    job: Job,
    started_ms: f64,
    progress_ms: f64,
}

thread_local! {
    /// Held for the worker's whole life (its global scope never goes away before it does).
    static WORKER: RefCell<Option<Worker>> = const { RefCell::new(None) };
    static CHECKS: RefCell<Vec<Running>> = const { RefCell::new(Vec::new()) };
}

fn scope() -> JsValue {
    js_sys::global().into()
}

fn post(message: &JsValue) {
    let scope = scope();
    if let Ok(f) = Reflect::get(&scope, &"postMessage".into()).and_then(|f| f.dyn_into::<Function>()) {
        f.call1(&scope, message).ok();
    }
}

fn reply(id: &JsValue, ok: JsValue, text: &str) {
    post(&Array::of3(id, &ok, &text.into()));
}

fn on_request(data: JsValue) {
    let request = Array::from(&data);
    let id = request.get(0);
    let text = |i| request.get(i).as_string().unwrap_or_default();
    let request = Request { op: text(1), a: text(2), b: text(3) };
    match request.op.as_str() {
        "check" => match Job::start(&request.a, &request.b) {
            Ok(job) => {
                let now = now_ms();
                CHECKS.with(|c| c.borrow_mut().push(Running { id, job, started_ms: now, progress_ms: now }));
                wake();
            }
            Err(e) => reply(&id, false.into(), &e),
        },
        "cancel" => cancel(&request.a),
        _ => match handle(&request, &now_ms) {
            Ok(t) => reply(&id, true.into(), &t),
            Err(e) => reply(&id, false.into(), &e),
        },
    }
}

/// Stops the check whose request id is `id` and answers it with its report at once.
fn cancel(id: &str) {
    let running = CHECKS.with(|c| {
        let mut checks = c.borrow_mut();
        let i = checks.iter().position(|r| r.id.as_f64().map(|n| n.to_string()).as_deref() == Some(id))?;
        Some(checks.remove(i))
    });
    if let Some(mut r) = running {
        r.job.cancel();
        reply(&r.id, true.into(), &r.job.outcome(now_ms() - r.started_ms).markup());
    }
}

/// Asks the event loop to call `tick` after whatever is waiting (a Cancel, another request).
fn wake() {
    WORKER.with(|w| {
        if let Some(w) = w.borrow().as_ref() {
            w.wake.post_message(&JsValue::NULL).ok();
        }
    });
}

/// One slice of every running check: expand states until `SLICE_MS` has passed, post progress
/// when it is due and the report when a check is over, and come back if any is left.
fn tick() {
    let deadline = now_ms() + SLICE_MS;
    let finished: Vec<Running> = CHECKS.with(|c| {
        let mut checks = c.borrow_mut();
        for r in checks.iter_mut() {
            let mut done = false;
            while !done && now_ms() < deadline {
                done = r.job.advance(STATES_PER_LOOK);
            }
            let now = now_ms();
            if !done && now - r.progress_ms >= PROGRESS_MS {
                r.progress_ms = now;
                reply(&r.id, JsValue::NULL, &r.job.progress(now - r.started_ms).markup());
            }
        }
        let (done, running): (Vec<Running>, Vec<Running>) = checks.drain(..).partition(|r| r.job.finished());
        *checks = running;
        done
    });
    for r in finished {
        reply(&r.id, true.into(), &r.job.outcome(now_ms() - r.started_ms).markup());
    }
    if CHECKS.with(|c| !c.borrow().is_empty()) {
        wake();
    }
}

/// `performance.now()` of the worker (its own clock, in milliseconds).
fn now_ms() -> f64 {
    let performance = Reflect::get(&js_sys::global(), &"performance".into()).unwrap_or(JsValue::UNDEFINED);
    Reflect::get(&performance, &"now".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .and_then(|f| f.call0(&performance).ok())
        .and_then(|v| v.as_f64())
        .unwrap_or_else(js_sys::Date::now)
}
