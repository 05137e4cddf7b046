# Sourced by the make scripts: exports DATABASE_URL. When it is already set, that server is
# used as it is and the embedded one is never started; otherwise the embedded default database
# (.ci/embedded-db.sh) is started and used.
if [ -z "${DATABASE_URL:-}" ]; then
  bash "$(dirname "${BASH_SOURCE[0]}")/embedded-db.sh" start
  DATABASE_URL=$(bash "$(dirname "${BASH_SOURCE[0]}")/embedded-db.sh" url)
  export DATABASE_URL
  echo "[database] using the embedded PostgreSQL (.data/postgres)"
else
  echo "[database] using DATABASE_URL from the environment"
fi

# The master key file that wraps patients' data keys (clinical data is encrypted at rest).
# Made by `server keys init` (mode 600) on first use; it never goes into the repository. Keep
# it, and back it up apart from the database: without it the clinical data cannot be read.
if [ -z "${SYEI_MASTER_KEY_FILE:-}" ]; then
  SYEI_MASTER_KEY_FILE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.data/master.key"
fi
export SYEI_MASTER_KEY_FILE

# Prints DATABASE_URL with its database name replaced by "<name>_<suffix>" (query kept).
sibling_database_url() {
  local base="${DATABASE_URL%%\?*}"
  local query="${DATABASE_URL#"$base"}"
  printf '%s/%s_%s%s' "${base%/*}" "${base##*/}" "$1" "$query"
}

# Drops and recreates a sibling database, so a run starts from nothing.
recreate_sibling_database() {
  local name
  name="$(basename "${DATABASE_URL%%\?*}")_$1"
  psql "$DATABASE_URL" -Xq -v ON_ERROR_STOP=1 \
    -c "drop database if exists \"$name\" with (force)" \
    -c "create database \"$name\""
}

# A fresh sibling database "<name>_<suffix>", migrated and filled with the demo clinic by the
# server binary given, every demo account with one new random password, exported as
# SYEI_DEMO_PASSWORD for what runs next (the end-to-end suite, the benchmarks).
seed_sibling_database() {
  local suffix="$1" server="$2" url
  recreate_sibling_database "$suffix"
  url=$(sibling_database_url "$suffix")
  "$server" keys init >/dev/null
  DATABASE_URL="$url" "$server" migrate
  SYEI_DEMO_PASSWORD="$suffix-$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  export SYEI_DEMO_PASSWORD
  DATABASE_URL="$url" "$server" seed-demo >/dev/null
}
