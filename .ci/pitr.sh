#!/usr/bin/env bash
# Point-in-time recovery for the embedded cluster (.ci/embedded-db.sh), which archives every
# finished WAL segment into .data/wal-archive. A base backup plus the WAL archived after it
# rebuild the whole cluster as it was at any moment since the base backup.
#
#   pitr.sh base-backup [DIR]   take a base backup (pg_basebackup) into DIR; by default into
#                               base-backups/<UTC time> beside the cluster, keeping the newest
#                               $SYEI_BASE_BACKUPS_KEEP (2); archived WAL older than the oldest
#                               kept one is then useless and deleted at the next start
#   pitr.sh restore BASE TIME NEWDIR [PORT]
#                               restore BASE plus archived WAL up to TIME (any PostgreSQL
#                               timestamp, e.g. '2026-11-27 10:15:00+00') into the new data
#                               directory NEWDIR, and start it on 127.0.0.1:PORT (default 54339),
#                               promoted and writable; the live cluster is not touched
#   pitr.sh discard NEWDIR      stop a restored cluster and delete its directory
#   pitr.sh drill               the test `make test` runs: base backup, row A, note the time,
#                               row B, restore to the noted time on a spare port, check that A
#                               is there and B is not, clean up (also when it fails)
#
# Only the embedded cluster: a server of your own (DATABASE_URL) archives WAL and restores the
# way its operator set it up (README, "Backups and restore runbook").
set -euo pipefail

project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
embedded="$project_dir/.ci/embedded-db.sh"
eval "$(bash "$embedded" paths)"
restore_port="${SYEI_PITR_PORT:-54339}"

say() { printf '[pitr] %s\n' "$*" >&2; }

as_cluster_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# A directory the cluster's owner may write (as root: owned by postgres).
owned_dir() {
  mkdir -p "$1"
  chmod 700 "$1"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$1"; fi
}

superuser_url() { printf 'postgres://%s:%s@127.0.0.1:%s/%s' "$db_user" "$(cat "$password_file")" "$1" "$2"; }

base_backup() {
  local dir="${1:-}" keep="${SYEI_BASE_BACKUPS_KEEP:-2}" pruning=0
  if [ -z "$dir" ]; then
    owned_dir "$base_backup_dir"
    dir="$base_backup_dir/$(date -u +%Y%m%dT%H%M%SZ)"
    pruning=1
  fi
  say "base backup into $dir"
  # Fast checkpoint (no waiting minutes for a spread one); the WAL it needs to be consistent
  # is streamed into it; later WAL comes from the archive.
  PGPASSWORD="$(cat "$password_file")" as_cluster_owner "$pg_bin/pg_basebackup" \
    -h 127.0.0.1 -p "$port" -U "$db_user" -D "$dir" -X stream -c fast --no-password
  if [ "$pruning" = 1 ]; then
    { ls -d "$base_backup_dir"/*/ 2>/dev/null || true; } | sort | head -n "-$keep" | while read -r old; do
      say "removing old base backup $old"
      rm -rf "$old"
    done
  fi
}

restore() {
  local base="$1" target_time="$2" dir="$3" restore_port="${4:-$restore_port}"
  [ -f "$base/backup_label" ] || { say "$base is not a base backup (no backup_label)"; exit 1; }
  [ ! -e "$dir" ] || { say "$dir exists; restore into a new directory"; exit 1; }
  if "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$restore_port"; then
    say "port $restore_port is taken; give another (or set SYEI_PITR_PORT)"
    exit 1
  fi
  owned_dir "$dir"
  as_cluster_owner cp -a "$base/." "$dir/"
  # Settings here win over the copied postgresql.conf: another port, no socket shared with the
  # live cluster, no archiving into the live archive; replay archived WAL to the target, then
  # become a normal, writable server.
  as_cluster_owner tee -a "$dir/postgresql.auto.conf" >/dev/null <<CONF
# point-in-time restore by .ci/pitr.sh
port = $restore_port
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
archive_mode = off
shared_preload_libraries = ''
restore_command = 'cp "$archive_dir/%f" "%p"'
recovery_target_time = '$target_time'
recovery_target_action = 'promote'
CONF
  as_cluster_owner touch "$dir/recovery.signal"
  say "replaying archived WAL up to $target_time (port $restore_port, log: $dir/restore.log)"
  if ! as_cluster_owner "$pg_bin/pg_ctl" -D "$dir" -l "$dir/restore.log" -w -t 120 start >/dev/null; then
    say "the restored cluster did not start:"; tail -n 20 "$dir/restore.log" >&2; exit 1
  fi
  local url; url=$(superuser_url "$restore_port" postgres)
  for _ in $(seq 1 240); do
    if [ "$(psql "$url" -XtAc 'select pg_is_in_recovery()' 2>/dev/null)" = "f" ]; then
      say "restored to $target_time and promoted: postgres://$db_user:...@127.0.0.1:$restore_port/<database>"
      return 0
    fi
    sleep 0.25
  done
  say "recovery did not finish:"; tail -n 20 "$dir/restore.log" >&2
  exit 1
}

discard() {
  local dir="$1"
  if [ -f "$dir/postmaster.pid" ]; then
    as_cluster_owner "$pg_bin/pg_ctl" -D "$dir" -w -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

drill() {
  bash "$embedded" start
  local live work db=syei_pitr_drill
  live=$(superuser_url "$port" postgres)
  work=$(mktemp -d "$cluster_root/pitr-drill.XXXXXX")
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$work"; fi
  # shellcheck disable=SC2064 # the paths are fixed now
  trap "discard '$work/restored'; rm -rf '$work'; psql '$live' -Xqc 'drop database if exists $db with (force)' >/dev/null 2>&1 || true" EXIT
  psql "$live" -Xq -v ON_ERROR_STOP=1 -c "drop database if exists $db with (force)" -c "create database $db"
  local drill_url; drill_url=$(superuser_url "$port" "$db")
  psql "$drill_url" -Xq -v ON_ERROR_STOP=1 -c "create table drill (name text primary key)"

  base_backup "$work/base"
  psql "$drill_url" -Xq -v ON_ERROR_STOP=1 -c "insert into drill values ('A')"
  local noted; noted=$(psql "$drill_url" -XtAc "select clock_timestamp()")
  psql "$drill_url" -Xq -v ON_ERROR_STOP=1 -c "insert into drill values ('B')"
  # The segment holding B is archived once it is full or switched; switch it now and wait.
  local segment; segment=$(psql "$live" -XtAc "select pg_walfile_name(pg_switch_wal())")
  for _ in $(seq 1 120); do
    [ -f "$archive_dir/$segment" ] && break
    sleep 0.25
  done
  [ -f "$archive_dir/$segment" ] || { say "WAL segment $segment was not archived (is archive_mode on?)"; exit 1; }

  restore "$work/base" "$noted" "$work/restored" "$restore_port"
  local rows; rows=$(psql "$(superuser_url "$restore_port" "$db")" -XtAc "select string_agg(name, ',' order by name) from drill")
  if [ "$rows" != "A" ]; then
    say "FAILED: restored to $noted, the drill table holds '$rows' (expected A only)"
    exit 1
  fi
  say "point-in-time restore drill passed: row A (before $noted) is back, row B (after it) is not"
}

case "${1:-}" in
  base-backup) base_backup "${2:-}" ;;
  restore) [ $# -ge 4 ] || { echo "usage: $0 restore BASE TIME NEWDIR [PORT]" >&2; exit 2; }; restore "$2" "$3" "$4" "${5:-}" ;;
  discard) [ $# -eq 2 ] || { echo "usage: $0 discard NEWDIR" >&2; exit 2; }; discard "$2" ;;
  drill) drill ;;
  *) echo "usage: $0 base-backup [DIR] | restore BASE TIME NEWDIR [PORT] | discard NEWDIR | drill" >&2; exit 2 ;;
esac
