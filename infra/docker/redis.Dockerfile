# redis-server from Debian's packages, started the way the official redis image starts it, so the
# compose file works with either: `redis-server` and its options as the command, data in /data.
#   docker build -f infra/docker/redis.Dockerfile -t outbox-relay/redis:7 .

ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update -q \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server >/dev/null \
    && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* \
    && mkdir -p /data && chown redis:redis /data
USER redis
WORKDIR /data
EXPOSE 6379
# Bound to every interface of its container; protected mode would refuse the other containers.
CMD ["redis-server", "--protected-mode", "no"]
