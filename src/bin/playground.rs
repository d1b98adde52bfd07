//! The playground page's entry point (built for wasm by Trunk from index.html).

#[cfg(target_arch = "wasm32")]
fn main() {
    paxos_playground::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The playground runs in a browser: use scripts/serve. For the command line, see `paxos --help`.");
    std::process::exit(2);
}
