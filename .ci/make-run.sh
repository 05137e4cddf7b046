#!/usr/bin/env bash
# `make run`: install what is missing, start the database, migrate, seed an empty database
# with the demo clinic, build (release) and serve on http://127.0.0.1:3000.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

bash .ci/setup-tools.sh
bash .ci/build-editor.sh
source .ci/database-env.sh

# cargo-leptos re-runs wasm-bindgen and wasm-opt on every build (about 10 s), so skip it when
# nothing the build reads is newer than its output.
built=target/release/hash.txt  # written by every release build (asset names carry hashes)
if [ -x target/release/server ] && [ -f "$built" ] \
  && [ -z "$(find Cargo.toml Cargo.lock app frontend server style public migrations .sqlx -newer "$built" -print -quit)" ]; then
  echo "[run] release build is up to date"
else
  echo "[run] building (release)"
  # --precompress: brotli and gzip copies of the assets, made once here, never per request.
  cargo leptos build --release --precompress --split
fi

# Served over plain http on 127.0.0.1: the session cookie cannot be `__Host-`/Secure there.
export SYEI_DEV_INSECURE_COOKIES=true
./target/release/server keys init
./target/release/server migrate
logins_file=.data/demo-logins.txt
./target/release/server seed-demo --logins-file "$logins_file" >/dev/null
echo
if [ -f "$logins_file" ]; then
  cat "$logins_file"
else
  echo "This database was filled elsewhere; no demo logins are known here."
fi
echo
echo "SyEI is starting on http://${SYEI_ADDR:-127.0.0.1:3000}  (Ctrl-C stops it; 'make db-stop' stops the database)"
exec ./target/release/server serve
