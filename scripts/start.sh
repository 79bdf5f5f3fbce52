#!/usr/bin/env bash
# Installs what is missing, builds, and serves the app on http://localhost:${PORT:-3000}.
# Without AIMLAPI_API_KEY it runs on the built-in demo model.
set -euo pipefail
source "$(dirname "$0")/env.sh"
export NEXT_TELEMETRY_DISABLED=1
source scripts/install.sh
echo "› Building…" >&2
npm run build --silent >/dev/null
exec npm run start --silent
