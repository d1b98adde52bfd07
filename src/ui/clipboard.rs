//! Copying text to the clipboard, for every "Copy" button (the share link, the embed snippet,
//! a link from the model checker's result).

use wasm_bindgen::JsValue;

/// Writes `text` to the clipboard if the browser offers one here (secure contexts only);
/// `done(true)` once written, `done(false)` if refused or unavailable.
pub fn copy_text(text: String, done: impl FnOnce(bool) + 'static) {
    let navigator = gloo::utils::window().navigator();
    let available = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")).is_ok_and(|c| !c.is_undefined());
    if !available {
        done(false);
        return;
    }
    let promise = navigator.clipboard().write_text(&text);
    wasm_bindgen_futures::spawn_local(async move {
        done(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
    });
}
