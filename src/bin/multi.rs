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

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The multi binary is the playground page's Multi-Paxos mode: use scripts/serve and open #mode=multi.");
    std::process::exit(2);
}
