//! The playground page's Multi-Paxos mode (built for wasm by Trunk from index.html, fetched when
//! the page opens `#mode=multi`, not with the page): mounts `paxos_playground::ui::multi`.

/// Talc, as the page's own wasm (src/bin/playground.rs).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
fn main() {
    paxos_playground::ui::multi::start();
}

/// The JS API in this mode: renders a Multi-Paxos playground into a host page's element, with
/// the single-decree `mount`'s options (docs/embedding.md). Exported from this binary only, so
/// none of the mode is in the page's wasm.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn mount_multi(element: web_sys::Element, options: wasm_bindgen::JsValue) -> Result<(), wasm_bindgen::JsError> {
    let options = paxos_playground::ui::mount::read_options(&options)?;
    paxos_playground::ui::multi::mount(element, options);
    Ok(())
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The multi binary is the playground page's Multi-Paxos mode: use scripts/serve and open #mode=multi.");
    std::process::exit(2);
}
