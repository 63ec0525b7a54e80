# One image for every Node service of the Shop Supergraph. The workspace is installed and compiled
# once; docker-compose.yml picks the service by its command:
#   node gateway/dist/index.js · node subgraphs/<name>/dist/index.js · node workers/<name>/dist/index.js
#
#   docker build -t shop-supergraph .

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: install everything, compile, then reinstall production dependencies only ----------
FROM ${NODE_IMAGE} AS build
# The version pinned by `packageManager` in package.json; corepack is not relied on.
RUN npm install -g pnpm@10.34.9 && npm cache clean --force
# Non-interactive pnpm.
ENV CI=true
WORKDIR /app

# Every package of the lockfile into pnpm's store: this layer is reused until the lockfile changes.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch

COPY . .
RUN pnpm install --frozen-lockfile --offline
# Every service (gateway, subgraphs/*, workers/*) and, through project references, the packages it
# uses. Deliberately not the root `tsc -b`: that also type-checks tests, e2e, bench and the test
# harness (tsconfig.tools.json, packages/harness), none of which the image runs.
RUN pnpm exec tsc -b gateway $(ls subgraphs/*/tsconfig.json workers/*/tsconfig.json 2>/dev/null)
# `install --prod` over a dev install only unlinks devDependencies; start from scratch to drop them.
RUN find . -name node_modules -type d -prune -exec rm -rf {} + \
 && pnpm install --frozen-lockfile --offline --prod

# ---- runtime ------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    APOLLO_TELEMETRY_DISABLED=1
WORKDIR /app
# Owned by root and only readable by `node`: the services never write to their own code. Besides
# dist/, the services read schema/supergraph.graphql (gateway) and subgraphs/*/src/schema.graphql.
COPY --from=build /app /app
USER node
# Each compose service sets its own command; the gateway is the default.
CMD ["node", "gateway/dist/index.js"]

# ---- renderer -----------------------------------------------------------------------------------
# The runtime plus Debian's Chromium and fonts: only the invoice renderer needs a browser, so the
# other services keep the smaller image (compose picks the stage with `target`).
FROM runtime AS renderer
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-dejavu-core fonts-liberation2 \
 && rm -rf /var/lib/apt/lists/*
USER node
ENV CHROMIUM_PATH=/usr/bin/chromium
CMD ["node", "workers/invoice-renderer/dist/index.js"]
