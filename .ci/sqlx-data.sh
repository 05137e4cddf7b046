#!/usr/bin/env bash
# The compile-time query data in .sqlx/ (queries are checked against it, so builds need no
# database).
#   sqlx-data.sh prepare   regenerate .sqlx/ from a database migrated from scratch
#   sqlx-data.sh check     fail when .sqlx/ differs from what the migrations produce
# Needs DATABASE_URL (source .ci/database-env.sh); works in a sibling database "<name>_sqlx".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source .ci/database-env.sh >/dev/null

recreate_sibling_database sqlx
url=$(sibling_database_url sqlx)
for migration in migrations/*.sql; do
  psql "$url" -Xq -v ON_ERROR_STOP=1 -f "$migration" >/dev/null
done

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# A separate target dir, so the usual build stays untouched; touching the crate roots makes the
# query macros run again even when that dir is warm.
touch app/src/lib.rs server/src/lib.rs
SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$out" DATABASE_URL="$url" \
  cargo check -q -p server --tests --target-dir target/sqlx-data

case "${1:-check}" in
  prepare)
    rm -rf .sqlx && mkdir .sqlx && cp "$out"/*.json .sqlx/
    echo "[sqlx] .sqlx/ regenerated ($(ls .sqlx | wc -l) queries)"
    ;;
  check)
    if ! diff -r "$out" .sqlx >/dev/null; then
      diff -r "$out" .sqlx | head -40
      echo "[sqlx] .sqlx/ is out of date: run 'make sqlx-prepare' and commit it" >&2
      exit 1
    fi
    echo "[sqlx] .sqlx/ matches the migrations"
    ;;
  *) echo "usage: $0 prepare|check" >&2; exit 2 ;;
esac
