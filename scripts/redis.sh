# Sourced: finds redis-server for the scale-out tests (several app instances share Redis) and exports
# REDIS_SERVER. Installs Debian's package when none is found and we are root; never started as a service.
find_redis() {
  for c in "${REDIS_SERVER:-}" /usr/bin/redis-server /usr/sbin/redis-server "$(command -v redis-server 2>/dev/null)"; do
    [ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return 0; }
  done
  return 1
}
if ! REDIS_SERVER="$(find_redis)"; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "› Installing redis-server from Debian's packages…" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >&2
    # Debian's package may start its own service; the tests start theirs on other ports, so it is only in the way.
    { command -v service >/dev/null && service redis-server stop >/dev/null 2>&1; } || true
    REDIS_SERVER="$(find_redis)" || { echo "✗ redis-server install failed" >&2; exit 1; }
  else
    echo "✗ No redis-server found. Install it (Debian/Ubuntu: sudo apt-get install redis-server) or set REDIS_SERVER." >&2
    exit 1
  fi
fi
export REDIS_SERVER
