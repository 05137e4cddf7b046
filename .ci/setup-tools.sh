#!/usr/bin/env bash
# Installs what the build and the tests need and is missing; does nothing when all is there.
# Everything comes from the registries these machines reach: rustup, crates.io, npm, Debian.
set -euo pipefail

project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$project_dir"

cargo_leptos_version="0.3.10" # 0.3.11 needs a newer rustc than 1.95
say() { printf '[setup] %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    say "apt-get update (package lists start empty or stale on a new machine)"
    as_root apt-get update -qq
    apt_updated=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

# --- Debian packages ---------------------------------------------------------------------
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
  || ! ls /usr/share/postgresql/*/extension/btree_gist.control >/dev/null 2>&1; then
  say "PostgreSQL server or contrib modules missing"
  apt_install postgresql postgresql-contrib
fi
if ! command -v psql >/dev/null 2>&1; then
  apt_install postgresql-client
fi
if [ "${SYEI_NEED_BROWSER:-1}" = "1" ] && [ ! -x /usr/bin/chromium ]; then
  say "Chromium missing (Playwright drives Debian's Chromium; it cannot download its own here)"
  apt_install chromium
fi

# --- Rust toolchain pieces ------------------------------------------------------------------
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$cargo_leptos_version" ]; then
  say "installing cargo-leptos $cargo_leptos_version (takes about 12 minutes, once)"
  cargo install cargo-leptos --locked --version "$cargo_leptos_version"
fi

# CI only: licence and ban checks of the dependency graph (cargo-deny; advisories need the
# network) and the formatter of the view! macros (leptosfmt).
if [ "${SYEI_CI_TOOLS:-0}" = "1" ]; then
  if ! cargo deny --version >/dev/null 2>&1; then
    say "installing cargo-deny (takes a few minutes, once)"
    cargo install cargo-deny --locked
  fi
  if ! leptosfmt --version >/dev/null 2>&1; then
    say "installing leptosfmt (takes a few minutes, once)"
    cargo install leptosfmt --locked
  fi
fi

# The CLI must match the wasm-bindgen crate in Cargo.lock exactly. Not --locked: one crate of
# its lockfile is missing from the registry mirror here.
wasm_bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wasm_bindgen_version" ]; then
  say "installing wasm-bindgen-cli $wasm_bindgen_version (matches Cargo.lock)"
  cargo install wasm-bindgen-cli --version "$wasm_bindgen_version" --force
fi

# --- npm: Tailwind CLI and wasm-opt (repo root), Playwright (end2end/) ----------------------
npm_install_in() {
  local dir=$1 stamp="$1/node_modules/.syei-installed"
  if [ ! -f "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ]; then
    say "npm ci in $dir"
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    touch "$stamp"
  fi
}
npm_install_in "$project_dir"
npm_install_in "$project_dir/end2end"
