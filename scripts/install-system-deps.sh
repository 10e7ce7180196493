#!/usr/bin/env bash
# What the project needs from the machine besides Node.js (which scripts/env.sh installs):
# Java 17+ and Maven for the local Kafka broker, redis-server for tests, and Chromium for the
# status page's browser test (driven by playwright-core, which brings no browser). Installed from
# Debian's packages when missing and running as root; otherwise a message says what to install.
set -euo pipefail
missing=()
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} from Debian's packages" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "please install: ${missing[*]} (Debian/Ubuntu package names)" >&2
  exit 1
fi
