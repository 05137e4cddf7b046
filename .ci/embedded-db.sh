#!/usr/bin/env bash
# The embedded default database: a private PostgreSQL cluster in .data/postgres, listening on
# 127.0.0.1 and a unix socket in .data/run only, on a non-default port. Created on first use,
# reused afterwards. Its superuser password is generated per checkout and kept in
# .data/db-password (git-ignored, mode 600); it never leaves this machine.
#
#   embedded-db.sh start   create if needed, start if stopped, make sure the database exists
#   embedded-db.sh stop    stop the cluster (the data stays)
#   embedded-db.sh url     print the DATABASE_URL of the application database
#   embedded-db.sh status
#   embedded-db.sh paths   print where things are, as shell assignments (for .ci/pitr.sh)
#
# The cluster archives its WAL into wal-archive/ beside it (.data/wal-archive), for
# point-in-time recovery from a base backup: .ci/pitr.sh takes base backups and restores.
set -euo pipefail

project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data_root="$project_dir/.data"
password_file="$data_root/db-password"
mkdir -p "$data_root"

# As root the cluster runs as `postgres`, which must be able to reach its directory. When the
# checkout sits under a private directory (e.g. /root), the cluster lives in a directory of its
# own for this checkout instead, and .data/postgres is a link to it.
cluster_root="$data_root"
if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$data_root"; then
  cluster_root="/var/lib/syei-embedded/$(printf '%s' "$project_dir" | sha1sum | cut -c1-12)"
fi
pgdata="$cluster_root/postgres"
socket_dir="$cluster_root/run"
log_file="$cluster_root/log/postgres.log"
archive_dir="$cluster_root/wal-archive"
base_backup_dir="$cluster_root/base-backups"
port="${SYEI_DB_PORT:-54329}"
db_user="syei"
db_name="${SYEI_DB_NAME:-syei}"

say() { printf '[embedded-db] %s\n' "$*" >&2; }

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$dir" ]; then
    say "PostgreSQL server binaries not found (expected /usr/lib/postgresql/<version>/bin)."
    say "Run 'make setup' (it installs Debian's postgresql and postgresql-contrib)."
    exit 1
  fi
  printf '%s' "$dir"
}

# PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user.
as_cluster_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    # From /, since `postgres` may not be allowed into the current directory.
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

password() { cat "$password_file"; }

url_for() { printf 'postgres://%s:%s@127.0.0.1:%s/%s' "$db_user" "$(password)" "$port" "$1"; }

is_running() { [ -f "$pgdata/PG_VERSION" ] && as_cluster_owner "$(pg_bin)/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; }

create_cluster() {
  local bin; bin=$(pg_bin)
  say "creating a private PostgreSQL cluster in $pgdata (port $port, loopback only)"
  if [ "$cluster_root" != "$data_root" ]; then
    mkdir -p "$cluster_root" && chmod 755 "$(dirname "$cluster_root")" && chmod 711 "$cluster_root"
    ln -sfn "$pgdata" "$data_root/postgres"
  fi
  umask 077
  head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32 >"$password_file"
  mkdir -p "$pgdata" "$socket_dir" "$(dirname "$log_file")"
  local pwfile="$pgdata.pwfile"
  cp "$password_file" "$pwfile"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$pgdata" "$socket_dir" "$(dirname "$log_file")" "$pwfile"
  fi
  as_cluster_owner "$bin/initdb" -D "$pgdata" -U "$db_user" --pwfile="$pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  as_cluster_owner tee -a "$pgdata/postgresql.conf" >/dev/null <<EOF
# SyEI embedded database
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$socket_dir'
max_connections = 200
timezone = 'UTC'
EOF
}

# Every finished WAL segment is copied into $archive_dir (never over an existing file; through a
# temporary name, so a crash leaves no half segment under a real one). Given at each start, like
# pg_stat_statements, so clusters made before archiving existed get it too.
server_options() {
  local archive="\"$archive_dir/%f\""
  printf '%s' "-c shared_preload_libraries=pg_stat_statements -c wal_level=replica -c archive_mode=on"
  printf '%s' " -c 'archive_command=test ! -f $archive && cp \"%p\" \"$archive_dir/%f.part\" && mv \"$archive_dir/%f.part\" $archive'"
}

# Archived WAL is replayed from a base backup on; what precedes the oldest base backup kept
# (all of it, when none is kept) can never be used, and the tests write gigabytes of it. The
# last ten minutes stay, for a base backup being taken right now.
prune_wal_archive() {
  local oldest start_file
  oldest=$(ls -d "$base_backup_dir"/*/ 2>/dev/null | sort | head -n 1 || true)
  if [ -n "$oldest" ] && [ -f "$oldest/backup_label" ]; then
    start_file=$(sed -n 's/^START WAL LOCATION: .*(file \([0-9A-F]*\))$/\1/p' "$oldest/backup_label")
    [ -n "$start_file" ] && as_cluster_owner "$(pg_bin)/pg_archivecleanup" "$archive_dir" "$start_file" || true
  else
    find "$archive_dir" -maxdepth 1 -type f -mmin +10 -delete 2>/dev/null || true
  fi
}

archiving_is_on() { [ "$(psql "$(url_for postgres)" -XtAc "show archive_mode" 2>/dev/null)" = "on" ]; }

start() {
  [ -f "$pgdata/PG_VERSION" ] || create_cluster
  if [ ! -d "$archive_dir" ]; then
    mkdir -p "$archive_dir" && chmod 700 "$archive_dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$archive_dir"; fi
    if [ "$cluster_root" != "$data_root" ]; then ln -sfn "$archive_dir" "$data_root/wal-archive"; fi
  fi
  prune_wal_archive
  if is_running && ! archiving_is_on; then
    say "restarting PostgreSQL once to turn on WAL archiving (it was started without it)"
    as_cluster_owner "$(pg_bin)/pg_ctl" -D "$pgdata" -w -m fast stop >/dev/null
  fi
  if ! is_running; then
    if "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$port"; then
      say "port $port is taken by another server; set SYEI_DB_PORT to a free port (or DATABASE_URL)"
      exit 1
    fi
    say "starting PostgreSQL (log: $log_file)"
    # pg_stat_statements feeds the admins' "Database health" page (top statements by time).
    as_cluster_owner "$(pg_bin)/pg_ctl" -D "$pgdata" -l "$log_file" -w -t 60 -o "$(server_options)" start >/dev/null
  fi
  local exists
  exists=$(psql "$(url_for postgres)" -XtAc "select 1 from pg_database where datname = '$db_name'")
  if [ "$exists" != "1" ]; then
    say "creating database $db_name"
    psql "$(url_for postgres)" -Xqc "create database \"$db_name\""
  fi
  # In template1 too, so every database made here (tests, end-to-end, benchmarks) has it.
  for database in template1 "$db_name"; do
    psql "$(url_for "$database")" -Xqc "create extension if not exists pg_stat_statements" 2>/dev/null \
      || say "pg_stat_statements is not available: Database health will not list statements"
  done
}

stop() {
  if is_running; then
    say "stopping PostgreSQL"
    as_cluster_owner "$(pg_bin)/pg_ctl" -D "$pgdata" -w -m fast stop >/dev/null
  else
    say "not running"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url_for "$db_name"; echo ;;
  paths)
    printf 'pg_bin=%q\ncluster_root=%q\npgdata=%q\narchive_dir=%q\nbase_backup_dir=%q\nport=%q\ndb_user=%q\npassword_file=%q\n' \
      "$(pg_bin)" "$cluster_root" "$pgdata" "$archive_dir" "$base_backup_dir" "$port" "$db_user" "$password_file" ;;
  status) if is_running; then say "running on 127.0.0.1:$port"; else say "stopped"; exit 3; fi ;;
  *) echo "usage: $0 start|stop|url|status|paths" >&2; exit 2 ;;
esac
