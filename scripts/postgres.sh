# Sourced: starts a throwaway PostgreSQL on loopback for the tests (the vitest suite of db/ and lib/
# runs against it as well as SQLite) and exports TEST_POSTGRES_URL; stopped when the script exits.
# Installs Debian's package when none is found and we are root; never started as a service.
find_pg_bindir() {
  for d in "${PG_BINDIR:-}" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -n "$d" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}
if ! PG_BINDIR="$(find_pg_bindir)"; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "› Installing PostgreSQL from Debian's packages…" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
    # The package may start its own cluster on 5432; ours runs on another port, so it is only in the way.
    { command -v service >/dev/null && service postgresql stop >/dev/null 2>&1; } || true
    PG_BINDIR="$(find_pg_bindir)" || { echo "✗ PostgreSQL install failed" >&2; exit 1; }
  else
    echo "✗ No PostgreSQL found. Install it (Debian/Ubuntu: sudo apt-get install postgresql) or set PG_BINDIR." >&2
    exit 1
  fi
fi
PG_TEST_PORT="${PG_TEST_PORT:-$((5440 + ${E2E_PORT_OFFSET:-0}))}"
PG_TEST_DIR="$(mktemp -d "${TMPDIR:-/tmp}/qwen-chat-pg.XXXXXX")"
# initdb refuses to run as root: the cluster belongs to the postgres user then.
pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$PG_TEST_DIR"
stop_test_postgres() { pg_as "$PG_BINDIR/pg_ctl" -D "$PG_TEST_DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PG_TEST_DIR"; }
trap stop_test_postgres EXIT
# A UTF-8 locale: with LC_CTYPE=C, pg_trgm makes no trigrams of CJK text.
pg_as "$PG_BINDIR/initdb" -D "$PG_TEST_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
pg_as "$PG_BINDIR/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/log" -w -o \
  "-c listen_addresses=127.0.0.1 -p $PG_TEST_PORT -k $PG_TEST_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
  start >/dev/null || { cat "$PG_TEST_DIR/log" >&2; echo "✗ PostgreSQL did not start on port $PG_TEST_PORT" >&2; exit 1; }
export TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PG_TEST_PORT/postgres"
