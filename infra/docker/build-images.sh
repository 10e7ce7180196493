#!/usr/bin/env bash
# Builds the project's three images — the workers, Kafka, Redis — each tagged with a hash of what
# goes into it, and builds nothing whose tag exists already: a second run, or a change that touches
# only tests or docs, takes a second. Prints the image names as VARIABLE=image lines for the compose
# file (docs/docker.md); progress and timings go to stderr.
#   infra/docker/build-images.sh            # on the local Debian base (debian-base.sh), Node from npm
#   OUTBOX_BASE_IMAGE=debian:bookworm-slim infra/docker/build-images.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

base="${OUTBOX_BASE_IMAGE:-outbox-relay/debian:bookworm}"
if [[ "$base" == outbox-relay/debian:* ]]; then
  infra/docker/debian-base.sh "$base"
fi
base_id="$(docker image inspect --format '{{.Id}}' "$base" 2>/dev/null || echo "$base")"
# `npm`: the worker's Node is the pinned package from tools/; `base`: the base image's own (node:24).
node_from="${OUTBOX_NODE_FROM:-npm}"
# Certificates this machine trusts beyond its distribution's (a TLS-inspecting proxy's CA, say):
# the builds download from the npm registry and Maven Central over TLS through the same network.
extra_ca="$(cat /usr/local/share/ca-certificates/*.crt 2>/dev/null || true)"
# Node.js and pnpm come from the npm registry this machine's npm uses (scripts/env.sh's too).
npm_registry="$(npm config get registry 2>/dev/null || true)"

# The files an image is made of (tracked or new, not ignored; tests and docs are not copied).
hash_of() {
  { echo "$base_id $node_from"; echo "$extra_ca"; git ls-files -co --exclude-standard -- "$@" | grep -v '\.test\.ts$' | sort | xargs sha256sum; } |
    sha256sum | cut -c1-12
}

# build <image> <convenience tag> <dockerfile>: builds unless the image exists, then tags it.
build() {
  local image="$1" convenience="$2" dockerfile="$3" repository="${1%%:*}"
  if docker image inspect "$image" >/dev/null 2>&1; then
    echo "images: $image is up to date" >&2
  else
    local started=$SECONDS
    echo "images: building $image" >&2
    # The classic builder: Debian's engine has no buildx, and these files need nothing newer.
    DOCKER_BUILDKIT=0 docker build -q -f "$dockerfile" --build-arg BASE_IMAGE="$base" --build-arg NODE_FROM="$node_from" \
      --build-arg EXTRA_CA_CERTS="$extra_ca" --build-arg NPM_REGISTRY="$npm_registry" -t "$image" . >/dev/null 2>"$logs/${repository##*/}.log" || {
      echo "images: building $image failed:" >&2
      tail -n 30 "$logs/${repository##*/}.log" >&2
      return 1
    }
    echo "images: built $image in $((SECONDS - started)) s" >&2
  fi
  docker tag "$image" "$repository:$convenience"
  # Older builds of this repository are replaced, not kept: a worker image is a few hundred MB.
  # (The build stages' layers stay, as the cache of the next build.)
  docker image ls --format '{{.Repository}}:{{.Tag}}' "$repository" | grep -v -x -e "$image" -e "$repository:$convenience" |
    xargs -r docker image rm >/dev/null 2>&1 || true
}

worker="outbox-relay/worker:$(hash_of infra/docker/worker.Dockerfile infra/docker/healthcheck.mjs infra/docker/install-toolchain.sh package.json pnpm-lock.yaml \
  pnpm-workspace.yaml tsconfig.json tsconfig.base.json patches tools apps packages)"
kafka="outbox-relay/kafka:4.1.1-$(hash_of infra/docker/kafka.Dockerfile infra/docker/kafka-run.sh infra/kafka/pom.xml \
  infra/kafka/log4j2.properties)"
redis="outbox-relay/redis:7-$(hash_of infra/docker/redis.Dockerfile)"

# The three at once: their downloads and unpacking overlap, on a machine with few cores too.
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
build "$worker" latest infra/docker/worker.Dockerfile &
worker_build=$!
build "$kafka" 4.1.1 infra/docker/kafka.Dockerfile &
kafka_build=$!
build "$redis" 7 infra/docker/redis.Dockerfile &
redis_build=$!
failed=0
for job in "$worker_build" "$kafka_build" "$redis_build"; do
  wait "$job" || failed=1
done
[ "$failed" -eq 0 ] || exit 1

echo "OUTBOX_IMAGE=$worker"
echo "OUTBOX_KAFKA_IMAGE=$kafka"
echo "OUTBOX_REDIS_IMAGE=$redis"
