#!/usr/bin/env bash
# Installs what the build and the tests need, skipping whatever is already there at the pinned
# version. Sourced by scripts/serve, scripts/test and scripts/bench; see ../shared/TOOLCHAIN.md for
# why each pin and flag is what it is. Everything comes from the package registries this machine
# reaches (crates.io, Debian, npm) and the Rust toolchain mirror; nothing downloads a prebuilt
# binary from anywhere else.
set -euo pipefail

WASM_BINDGEN_VERSION="0.2.130"   # must equal the wasm-bindgen version in Cargo.lock
TRUNK_VERSION="0.21.14"          # newest that builds on rustc 1.95
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

log() { printf '[tools] %s\n' "$*" >&2; }

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

apt_updated=0
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ $apt_updated -eq 0 ]; then $sudo apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

ensure_chromium() {
  if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; then
    log "installing Debian's chromium and chromium-driver"
    apt_install chromium chromium-driver
  fi
}

cargo_bin_version() { # prints the version a cargo-installed binary reports, or nothing
  "$1" --version 2>/dev/null | awk '{print $2}' | head -n1
}

ensure_wasm_bindgen() {
  if [ "$(cargo_bin_version wasm-bindgen)" != "$WASM_BINDGEN_VERSION" ] ||
     ! command -v wasm-bindgen-test-runner >/dev/null; then
    log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
    # Without --locked on purpose: the locked tree names a webpki-roots this index lacks.
    cargo install -q --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
}

ensure_trunk() {
  if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
    log "installing trunk $TRUNK_VERSION (about 11 minutes on a fresh machine)"
    cargo install -q --locked --force trunk --version "$TRUNK_VERSION"
  fi
}

ensure_npm_packages() { # binaryen (wasm-opt), terser, playwright-core and axe-core, pinned in package-lock.json
  if ! [ -x "$ROOT/node_modules/.bin/wasm-opt" ] || ! [ -d "$ROOT/node_modules/playwright-core" ] ||
     ! [ -f "$ROOT/node_modules/axe-core/axe.min.js" ] || ! [ -f "$ROOT/node_modules/terser/package.json" ] ||
     [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    log "installing npm packages (binaryen, terser, playwright-core, axe-core)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  # npm's binaryen must come before Debian's (older) wasm-opt on PATH.
  export PATH="$ROOT/node_modules/.bin:$PATH"
}

ensure_web_tools() {
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_trunk
  ensure_npm_packages
}

ensure_browser_tools() {
  ensure_web_tools
  ensure_chromium
}
