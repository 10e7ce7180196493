#!/usr/bin/env bash
# Makes a Debian bookworm base image from Debian's own packages, for machines that reach Debian's
# archive but no image registry: `debootstrap --variant=minbase`, then `docker import`. Does nothing
# when the image already exists. Usage: infra/docker/debian-base.sh [image name]
set -euo pipefail
image="${1:-outbox-relay/debian:bookworm}"
if docker image inspect "$image" >/dev/null 2>&1; then
  exit 0
fi
command -v debootstrap >/dev/null || { echo "debian-base: debootstrap is not installed" >&2; exit 1; }
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
echo "debian-base: debootstrap bookworm (minbase) into a temporary directory" >&2
debootstrap --variant=minbase bookworm "$root" >/dev/null
# Point updates and security fixes too, from the archive debootstrap used.
mirror="$(awk '$1 == "deb" { print $2; exit }' "$root/etc/apt/sources.list")"
cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
SOURCES
# As Debian's own container images do: downloaded packages are deleted once installed, and
# documentation and translations are never unpacked.
cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
DPKG
# Package lists, caches and documentation are not needed in an image: every Dockerfile runs
# apt-get update first, and nobody reads a man page in a container.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
  "$root"/usr/share/man/* "$root"/usr/share/info/*
find "$root"/usr/share/doc -mindepth 1 -not -name copyright -not -type d -delete
find "$root"/usr/share/locale -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
tar -C "$root" -c . | docker import --change 'CMD ["/bin/bash"]' - "$image" >/dev/null
echo "debian-base: made $image" >&2
