# Sourced: finds a Chromium for Playwright (never downloads Playwright's own build) and exports
# CHROMIUM_PATH. Installs Debian's package when none is found and we are root.
find_chromium() {
  for c in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
    [ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return 0; }
  done
  return 1
}
if ! CHROMIUM_PATH="$(find_chromium)"; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "› Installing Chromium from Debian's packages…" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
    CHROMIUM_PATH="$(find_chromium)" || { echo "✗ Chromium install failed" >&2; exit 1; }
  else
    echo "✗ No Chromium found. Install it (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM_PATH." >&2
    exit 1
  fi
fi
export CHROMIUM_PATH
