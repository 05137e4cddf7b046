#!/usr/bin/env bash
# `make test`: the same set-up as `make run`, then every test: Rust unit, database and HTTP
# tests (cargo test), then the Playwright suite against a freshly migrated, seeded database.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
started=$(date +%s)

bash .ci/setup-tools.sh
bash .ci/build-editor.sh
source .ci/database-env.sh

# Point-in-time recovery: a base backup, row A, the time, row B, a restore to that time on a
# spare port; A must be back and B not. Always on the embedded cluster (started if need be, even
# when DATABASE_URL names another server, whose WAL archiving is its operator's business).
echo "[test] point-in-time restore drill on the embedded cluster (.ci/pitr.sh drill)"
bash .ci/pitr.sh drill

# Served over plain http on 127.0.0.1: the session cookie cannot be `__Host-`/Secure there.
export SYEI_DEV_INSECURE_COOKIES=true
echo "[test] cargo test (domain, database and HTTP tests; each database test gets a fresh database)"
cargo test -p app -p server

echo "[test] end-to-end database: fresh, migrated, seeded"
seed_sibling_database e2e ./target/debug/server
e2e_url=$(sibling_database_url e2e)
# The server under test connects as the app role, as in production.
SYEI_APP_DATABASE_URL=$(sibling_database_url e2e "$SYEI_APP_DATABASE_URL")

echo "[test] Playwright (cargo leptos end-to-end)"
# A port of its own, so a running `make run` does not get in the way.
export LEPTOS_SITE_ADDR="127.0.0.1:${SYEI_E2E_PORT:-3100}"
export SYEI_BASE_URL="http://$LEPTOS_SITE_ADDR"
if curl -s -o /dev/null "$SYEI_BASE_URL/healthz"; then
  echo "[test] something already listens on $LEPTOS_SITE_ADDR; stop it or set SYEI_E2E_PORT" >&2
  exit 1
fi
# The suite signs in a few dozen times from one address; the per-address limit itself is
# covered by server/tests/sessions_and_sign_in.rs.
export SYEI_LOGIN_ATTEMPTS_PER_MINUTE=600
DATABASE_URL="$e2e_url" cargo leptos end-to-end --split

echo "[test] all green in $(( $(date +%s) - started )) s"
