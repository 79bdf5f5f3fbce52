# Sourced: installs the exact dependencies from package-lock.json, skipping the work when
# node_modules already matches the lock file.
stamp=node_modules/.install-stamp
want="$(node -p 'process.version')-$(sha256sum package-lock.json | cut -c1-16)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "› Installing dependencies (npm ci)…" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$want" > "$stamp"
fi
