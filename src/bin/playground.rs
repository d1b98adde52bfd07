//! The playground page's entry point (built for wasm by Trunk from index.html).

/// Talc instead of dlmalloc, Rust's default for wasm: smaller code (the page's first load).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
fn main() {
    paxos_playground::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The playground runs in a browser: use scripts/serve. For the command line, see `paxos --help`.");
    std::process::exit(2);
}
