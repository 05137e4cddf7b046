#!/usr/bin/env bash
# `make bench`: the page-speed benchmark (end2end/bench/page-speed.mjs: Chromium on a throttled
# phone profile, server throughput, Lighthouse) against a release server with precompressed
# assets and a freshly seeded database of its own, then the scheduling benchmarks
# (server/benches/scheduling.rs) and the clinical-records ones (server/benches/charts.rs). Everything is printed as Markdown tables.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

bash .ci/setup-tools.sh
bash .ci/build-editor.sh
source .ci/database-env.sh

# A port of its own, so a running `make run` (3000) or `make test` (3100) does not get in the way.
addr="127.0.0.1:${SYEI_BENCH_PORT:-3200}"
base_url="http://$addr"
# Checked before the build, so a busy port is reported at once, not after minutes of compiling.
if curl -s -o /dev/null "$base_url/healthz"; then
  echo "[bench] something already listens on $addr; stop it or set SYEI_BENCH_PORT" >&2
  exit 1
fi

echo "[bench] building (release, precompressed assets)"
cargo leptos build --release --precompress --split

echo "[bench] benchmark database: fresh, migrated, seeded"
seed_sibling_database bench ./target/release/server
bench_url=$(sibling_database_url bench)

# The server runs in the background for the page-speed script; it must not outlive this script,
# whichever way it ends.
server_log=target/bench-server.log
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
trap stop_server EXIT
# An interrupt must go through the EXIT trap too (a background job ignores Ctrl-C here).
trap 'exit 130' INT TERM

echo "[bench] starting the release server on $addr (log: $server_log)"
# Plain http on 127.0.0.1: the session cookie cannot be `__Host-`/Secure there. The benchmark
# signs in a handful of times from one address, more than the production limit allows in a row.
DATABASE_URL="$bench_url" \
  SYEI_APP_DATABASE_URL="$(sibling_database_url bench "$SYEI_APP_DATABASE_URL")" \
  SYEI_DEV_INSECURE_COOKIES=true \
  LEPTOS_SITE_ADDR="$addr" \
  SYEI_LOGIN_ATTEMPTS_PER_MINUTE=600 \
  ./target/release/server serve >"$server_log" 2>&1 &
server_pid=$!

for _ in $(seq 1 120); do
  if curl -sf -o /dev/null "$base_url/healthz"; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "[bench] the server exited while starting; its log:" >&2
    tail -n 30 "$server_log" >&2
    exit 1
  fi
  sleep 0.5
done
if ! curl -sf -o /dev/null "$base_url/healthz"; then
  echo "[bench] the server did not answer $base_url/healthz within 60 s; its log:" >&2
  tail -n 30 "$server_log" >&2
  exit 1
fi

echo "[bench] page speed (Chromium, throughput, Lighthouse)"
page_speed_status=0
SYEI_BASE_URL="$base_url" node end2end/bench/page-speed.mjs || page_speed_status=$?
# The scheduling benchmarks measure on their own: the server would only take CPU from them.
stop_server

echo "[bench] scheduling benchmarks (cargo bench)"
cargo bench -p server --bench scheduling
echo "[bench] clinical-records benchmarks (cargo bench)"
cargo bench -p server --bench charts

if [ "$page_speed_status" -ne 0 ]; then
  echo "[bench] the page-speed benchmark could not measure every page (exit $page_speed_status; see above)" >&2
  exit "$page_speed_status"
fi
