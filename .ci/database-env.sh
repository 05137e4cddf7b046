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

# The server connects as `syei_app`, a role that owns nothing and may only read and append the
# audit trail (migrations/20261130000015_least_privilege.sql); migrations, seeding and the admin
# commands use DATABASE_URL, the owner. Unless SYEI_APP_DATABASE_URL is given, the role is made
# (or its password reset) here with a password kept in .data/app-db-password (mode 600), and
# SYEI_APP_DATABASE_URL is DATABASE_URL with that login instead of the owner's.
if [ -z "${SYEI_APP_DATABASE_URL:-}" ]; then
  app_password_file="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.data/app-db-password"
  if [ ! -s "$app_password_file" ]; then
    mkdir -p "$(dirname "$app_password_file")"
    (umask 077 && head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32 >"$app_password_file")
  fi
  # psql variables are not expanded inside DO blocks, hence \gexec.
  if ! psql "$DATABASE_URL" -Xq -v ON_ERROR_STOP=1 -v password="$(cat "$app_password_file")" >/dev/null <<'SQL'
select 'create role syei_app' where not exists (select from pg_roles where rolname = 'syei_app') \gexec
select format('alter role syei_app login nosuperuser nocreatedb nocreaterole password %L', :'password') \gexec
SQL
  then
    echo "[database] could not create the app role syei_app (the DATABASE_URL user needs CREATEROLE);" >&2
    echo "[database] create it by hand and set SYEI_APP_DATABASE_URL (README, \"Database roles\")" >&2
    exit 1
  fi
  # The admins' Database health page reads every statement's statistics, not only its own.
  psql "$DATABASE_URL" -Xqc "grant pg_read_all_stats to syei_app" >/dev/null 2>&1 \
    || echo "[database] syei_app may not read pg_read_all_stats: Database health shows only its own statements" >&2
  app_login="syei_app:$(cat "$app_password_file")"
  owner_address="${DATABASE_URL#*://}"
  SYEI_APP_DATABASE_URL="${DATABASE_URL%%://*}://$app_login@${owner_address##*@}"
  export SYEI_APP_DATABASE_URL
fi

# The master key file that wraps patients' data keys (clinical data is encrypted at rest).
# Made by `server keys init` (mode 600) on first use; it never goes into the repository. Keep
# it, and back it up apart from the database: without it the clinical data cannot be read.
if [ -z "${SYEI_MASTER_KEY_FILE:-}" ]; then
  SYEI_MASTER_KEY_FILE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.data/master.key"
fi
export SYEI_MASTER_KEY_FILE

# Prints DATABASE_URL (or the URL given second, e.g. SYEI_APP_DATABASE_URL) with its database
# name replaced by "<name>_<suffix>" (query kept).
sibling_database_url() {
  local url="${2:-$DATABASE_URL}"
  local base="${url%%\?*}"
  local query="${url#"$base"}"
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
