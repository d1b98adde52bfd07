//! A panic never leaves a blank page: the hook writes an error panel (built with DOM text nodes,
//! so the message cannot inject markup) with a reload action, then logs to the console.

use wasm_bindgen::JsCast;

pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        show_panel(&message);
        web_sys::console::error_1(&format!("Paxos Playground crashed: {message}").into());
    }));
}

fn show_panel(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(body) = document.body() else { return };
    let Ok(panel) = document.create_element("div") else { return };
    panel.set_id("crash-panel");
    panel.set_attribute("role", "alertdialog").ok();
    panel.set_attribute("aria-labelledby", "crash-title").ok();
    let title = document.create_element("h2").ok();
    if let Some(t) = &title {
        t.set_id("crash-title");
        t.set_text_content(Some("Something went wrong in the playground"));
        panel.append_child(t).ok();
    }
    if let Ok(pre) = document.create_element("pre") {
        pre.set_text_content(Some(message));
        panel.append_child(&pre).ok();
    }
    if let Ok(button) = document.create_element("button") {
        button.set_text_content(Some("Reload the page"));
        button.set_attribute("onclick", "location.reload()").ok();
        if let Some(b) = button.dyn_ref::<web_sys::HtmlElement>() {
            b.set_id("crash-reload");
        }
        panel.append_child(&button).ok();
    }
    body.append_child(&panel).ok();
}
