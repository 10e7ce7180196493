# Sourced by .ci/run: a Docker engine for the docker tests (docs/docker.md). Installs Debian's
# docker.io, docker-compose and debootstrap when missing (CI runs as root) and starts dockerd when
# none answers; `ci_docker_stop` stops only a dockerd this script started. The engine's own state
# (/var/lib/docker, so the images) outlives it, which is what lets a later run reuse the images.

ci_dockerd_pid=""

ci_docker_start() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || missing+=(docker-compose)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "ci: installing ${missing[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || return 1
  fi
  docker info >/dev/null 2>&1 && return 0
  echo "ci: starting dockerd (log: .ci/dockerd.log)" >&2
  dockerd >.ci/dockerd.log 2>&1 &
  ci_dockerd_pid=$!
  for _ in $(seq 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "ci: dockerd did not answer within 60 s" >&2
  return 1
}

# Whatever a docker test run left behind, should one have died before its own clean-up: the test
# kit's containers (by label) and the compose projects the tests made (named outboxtest…).
ci_docker_sweep() {
  docker ps -aq --filter label=dev.outbox-relay.test | xargs -r docker rm -f -v >/dev/null
  docker ps -a --format '{{.ID}} {{.Label "com.docker.compose.project"}}' | awk '$2 ~ /^outboxtest/ { print $1 }' |
    xargs -r docker rm -f -v >/dev/null
  docker network ls --format '{{.Name}}' | grep '^outboxtest' | xargs -r docker network rm >/dev/null
  docker volume ls --format '{{.Name}}' | grep '^outboxtest' | xargs -r docker volume rm >/dev/null
  return 0
}

ci_docker_stop() {
  [ -n "$ci_dockerd_pid" ] || return 0
  kill "$ci_dockerd_pid" 2>/dev/null && wait "$ci_dockerd_pid" 2>/dev/null
  return 0
}
