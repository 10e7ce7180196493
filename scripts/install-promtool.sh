#!/usr/bin/env bash
# promtool checks and unit-tests the Prometheus alert rules in infra/prometheus. It comes out of
# Debian's prometheus package, unpacked into .tools/ rather than installed: installing the package
# would also set up and start a Prometheus server, which nothing here needs.
set -euo pipefail
tools="$(cd "$(dirname "$0")/.." && pwd)/.tools"
[ -x "$tools/promtool/usr/bin/promtool" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "promtool not found: install Prometheus' promtool to check the alert rules" >&2
  exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "outbox: unpacking promtool from Debian's prometheus package into .tools/" >&2
(cd "$work" && apt-get download -qq prometheus 2>/dev/null) || { apt-get update -qq >/dev/null && (cd "$work" && apt-get download -qq prometheus 2>/dev/null); }
dpkg-deb -x "$work"/prometheus_*.deb "$tools/promtool"
