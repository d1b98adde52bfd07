//! The page's tools worker (built for wasm by Trunk from index.html as a Web Worker, loaded by
//! `www/tools-worker.js` on first use): JSON import and export, the trace export and the W1
//! bench, kept out of the page's own wasm. See `paxos_playground::tools`.

#[cfg(target_arch = "wasm32")]
fn main() {
    paxos_playground::tools::worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The tools binary runs as the playground page's Web Worker: use scripts/serve.");
    std::process::exit(2);
}
