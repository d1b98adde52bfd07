//! The tools worker's side of the conversation (wasm only). `www/tools-worker.js` loads the
//! `tools` wasm; its `main` calls `start`, which answers every message and then posts `"ready"`.
//!
//! A request is an array `[id, op, a, b]` (a number and three strings); the reply is
//! `[id, ok, text]`, `ok` saying whether `text` is the result or the message to show.

use super::{handle, Request};
use gloo::events::EventListener;
use js_sys::{Array, Function, Reflect};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Answers the page's messages from now on, then tells the page it is ready.
pub fn start() {
    let scope: JsValue = js_sys::global().into();
    let post: Function = Reflect::get(&scope, &"postMessage".into()).expect("a worker posts messages").unchecked_into();
    let reply_to = {
        let (scope, post) = (scope.clone(), post.clone());
        move |data: JsValue| {
            let request = Array::from(&data);
            let text = |i| request.get(i).as_string().unwrap_or_default();
            let request = Request { op: text(1), a: text(2), b: text(3) };
            let (ok, text) = match handle(&request, &now_ms) {
                Ok(t) => (true, t),
                Err(e) => (false, e),
            };
            let reply = Array::of3(&Array::from(&data).get(0), &ok.into(), &text.into());
            post.call1(&scope, &reply).ok();
        }
    };
    let target: web_sys::EventTarget = scope.clone().unchecked_into();
    let listener = EventListener::new(&target, "message", move |e| {
        reply_to(e.unchecked_ref::<web_sys::MessageEvent>().data());
    });
    LISTENER.with(|l| *l.borrow_mut() = Some(listener));
    post.call1(&scope, &"ready".into()).ok();
}

thread_local! {
    /// The message listener, held for the worker's whole life (its global scope never goes
    /// away before the worker does).
    static LISTENER: RefCell<Option<EventListener>> = const { RefCell::new(None) };
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
