//! The page's tools worker (built for wasm by Trunk from index.html as a Web Worker, loaded by
//! `www/tools-worker.js` on first use): JSON import and export, the trace export and the W1
//! bench, kept out of the page's own wasm. See `paxos_playground::tools`.

/// Talc instead of dlmalloc, Rust's default for wasm: a breadth-first search allocates every
/// new state, and dlmalloc's `malloc` was 41% of such a search's time in Chromium (talc's
/// `allocate`, 26%).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
fn main() {
    paxos_playground::tools::worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The tools binary runs as the playground page's Web Worker: use scripts/serve.");
    std::process::exit(2);
}
