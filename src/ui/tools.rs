//! The page's side of the tools worker (`crate::tools`): started on the first request, never
//! before, so a person who never imports, exports, checks or benchmarks never downloads it. Requests
//! made before it is ready wait in a queue; if it cannot be loaded, every waiting request gets
//! a message saying so, and the next request tries again with a fresh worker.
//!
//! The worker's files sit next to the page's own wasm in dist/ (`tools-worker.js`, `tools.js`,
//! `tools_bg.wasm`), so the worker's address is taken relative to that wasm's (the browser's
//! resource timing lists it), which also holds for a host page that `mount`s a playground from
//! elsewhere on its origin; without that entry, relative to the page.

use gloo::events::EventListener;
use js_sys::Array;
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, Worker};
use yew::Callback;

/// The loader of the worker (www/tools-worker.js, copied to dist/ by Trunk).
const WORKER_FILE: &str = "tools-worker.js";

/// The address of `file`, a file Trunk put next to the page's wasm in dist/ (the tools worker's
/// loader, the Multi-Paxos mode's files): see the module's comment.
pub(crate) fn beside_wasm(file: &str) -> String {
    let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).unwrap_or(JsValue::UNDEFINED);
    let entries = js_sys::Reflect::get(&performance, &"getEntriesByType".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call1(&performance, &"resource".into()).ok())
        .map(|list| Array::from(&list))
        .unwrap_or_default();
    let wasm = entries.iter().filter_map(|e| js_sys::Reflect::get(&e, &"name".into()).ok()?.as_string()).find(|name| {
        let file = name.split(['?', '#']).next().unwrap_or_default().rsplit('/').next().unwrap_or_default();
        file.starts_with("playground") && file.ends_with("_bg.wasm")
    });
    match wasm.and_then(|w| web_sys::Url::new_with_base(file, &w).ok()) {
        Some(url) => url.href(),
        None => format!("./{file}"),
    }
}

type Done = Box<dyn FnOnce(Result<String, String>)>;

struct Client {
    worker: Worker,
    ready: bool,
    next_id: u32,
    waiting: HashMap<u32, Done>,
    /// Where the progress of a waiting request goes (a check's; a list: there is rarely more
    /// than one, and a second map type would cost the page's wasm its own copy of the table).
    progress: Vec<(u32, Callback<String>)>,
    /// Requests posted once the worker says it is ready.
    queue: Vec<Array>,
    _listeners: [EventListener; 2],
}

thread_local! {
    static CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
}

/// Whether the worker has loaded (requests are answered without a download first).
pub fn ready() -> bool {
    CLIENT.with(|c| c.borrow().as_ref().is_some_and(|c| c.ready))
}

/// Asks the worker for `op` on `a` and `b` (see `crate::tools` for the requests); `done` gets the
/// result, or the message to show.
pub fn call(op: &str, a: &str, b: &str, done: impl FnOnce(Result<String, String>) + 'static) {
    call_with_progress(op, a, b, None, done);
}

/// Like `call`, for a request that reports progress before its result (a check): `progress`
/// gets each progress text. Returns the request's id (for `cancel`), or `None` when the worker
/// could not be started (`done` has heard why).
pub fn call_with_progress(
    op: &str,
    a: &str,
    b: &str,
    progress: Option<Callback<String>>,
    done: impl FnOnce(Result<String, String>) + 'static,
) -> Option<u32> {
    let started = CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        if c.is_none() {
            *c = start().map_err(|e| fail_message(&e)).map(Some)?;
        }
        Ok(())
    });
    if let Err(e) = started {
        done(Err(e));
        return None;
    }
    CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        let client = c.as_mut().expect("started above");
        client.next_id += 1;
        let id = client.next_id;
        client.waiting.insert(id, Box::new(done));
        if let Some(p) = progress {
            client.progress.push((id, p));
        }
        client.send(Array::of4(&id.into(), &op.into(), &a.into(), &b.into()));
        Some(id)
    })
}

/// Cancels request `id` (a check): the worker answers it with its cancelled report.
pub fn cancel(id: u32) {
    CLIENT.with(|c| {
        if let Some(client) = c.borrow_mut().as_mut() {
            client.send(Array::of4(&0.into(), &"cancel".into(), &id.to_string().into(), &"".into()));
        }
    });
}

impl Client {
    /// Posts a request now, or once the worker is ready.
    fn send(&mut self, request: Array) {
        if self.ready {
            self.worker.post_message(&request).ok();
        } else {
            self.queue.push(request);
        }
    }
}

fn start() -> Result<Client, String> {
    let worker = Worker::new(&beside_wasm(WORKER_FILE)).map_err(super::js_text)?;
    let on_message = EventListener::new(&worker, "message", |e| {
        let Some(e) = e.dyn_ref::<MessageEvent>() else { return };
        on_message(e.data());
    });
    let on_error = EventListener::new(&worker, "error", |e| {
        let why = e.dyn_ref::<web_sys::ErrorEvent>().map(|e| e.message()).filter(|m| !m.is_empty());
        fail(&why.unwrap_or_else(|| "its script did not load".into()));
    });
    Ok(Client {
        worker,
        ready: false,
        next_id: 0,
        waiting: HashMap::new(),
        progress: Vec::new(),
        queue: Vec::new(),
        _listeners: [on_message, on_error],
    })
}

fn on_message(data: JsValue) {
    if let Some(text) = data.as_string() {
        match text.strip_prefix("failed: ") {
            Some(why) => fail(why),
            None if text == "ready" => CLIENT.with(|c| {
                if let Some(client) = c.borrow_mut().as_mut() {
                    client.ready = true;
                    for request in client.queue.drain(..) {
                        client.worker.post_message(&request).ok();
                    }
                }
            }),
            None => {}
        }
        return;
    }
    let reply = Array::from(&data);
    let id = reply.get(0).as_f64().unwrap_or(-1.0) as u32;
    let text = reply.get(2).as_string().unwrap_or_default();
    if reply.get(1).is_null() {
        let progress = CLIENT
            .with(|c| c.borrow().as_ref().and_then(|c| c.progress.iter().find(|p| p.0 == id).map(|p| p.1.clone())));
        if let Some(p) = progress {
            p.emit(text);
        }
        return;
    }
    let result = if reply.get(1).is_truthy() { Ok(text) } else { Err(text) };
    // Taken out before the call: `done` may make the next request.
    let done = CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        let client = c.as_mut()?;
        client.progress.retain(|p| p.0 != id);
        client.waiting.remove(&id)
    });
    if let Some(done) = done {
        done(result);
    }
}

/// The worker could not load: every waiting request hears why, and the next one starts afresh.
fn fail(why: &str) {
    let client = CLIENT.with(|c| c.borrow_mut().take());
    let Some(client) = client else { return };
    client.worker.terminate();
    let message = fail_message(why);
    gloo::console::warn!(format!("Paxos Playground: the tools worker failed: {why}"));
    for (_, done) in client.waiting {
        done(Err(message.clone()));
    }
}

fn fail_message(why: &str) -> String {
    let why = why.trim_end_matches('.');
    format!("The page's tools (files, the model checker and benchmarks) could not be loaded ({why}). Check the connection and try again")
}

/// What a component shows while one of its requests waits: `None` when none does.
pub fn status_text(waiting: bool) -> Option<&'static str> {
    match (waiting, ready()) {
        (false, _) => None,
        (true, false) => Some("Loading tools…"),
        (true, true) => Some("Working…"),
    }
}
