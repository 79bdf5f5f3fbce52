#!/usr/bin/env bash
# Runs every test: type check, unit tests (vitest), then end-to-end tests (Playwright in Chromium)
# against the production build and the stand-in model. Brings Node 24, Chromium, redis-server and
# PostgreSQL when missing; the unit tests of db/ and lib/ run on SQLite and again on a throwaway
# PostgreSQL started here (scripts/postgres.sh), which the multi-instance e2e tests use too.
set -euo pipefail
source "$(dirname "$0")/env.sh"
export NEXT_TELEMETRY_DISABLED=1
source scripts/chromium.sh
source scripts/redis.sh
source scripts/postgres.sh
source scripts/install.sh
echo "› Type check" >&2
npx tsc --noEmit
echo "› Unit tests" >&2
npx vitest run
echo "› Production build" >&2
npm run build --silent >/dev/null
echo "› End-to-end tests (Chromium: $CHROMIUM_PATH)" >&2
npx playwright test
