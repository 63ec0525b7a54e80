# One image per Node service of the Shop Supergraph, each a stage of this file named like its
# docker-compose.yml service (compose picks it with `build.target`):
#   docker build --target gateway -t shop-supergraph-gateway .
# The workspace is installed and compiled once (stage `build`); `pnpm deploy` then copies each service
# with only its production dependencies to /out/<dir>, and a service's stage holds that directory
# alone, at /app/<dir> as in the repository, so its command is `node <dir>/dist/index.js`.
# Nothing else reaches an image: no tests, e2e, bench, scripts, TypeScript sources or dev tools.

# The current Node LTS; package.json's engines lists the supported majors (CI tests 22 and 24).
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: install everything, compile the services, deploy each one to /out/<dir> ---------------
FROM ${NODE_IMAGE} AS build
# The version pinned by `packageManager` in package.json; corepack is not relied on.
RUN npm install -g pnpm@10.34.9 && npm cache clean --force
# Non-interactive pnpm.
ENV CI=true
WORKDIR /src

# Every package of the lockfile into pnpm's store: this layer is reused until the lockfile changes.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch

COPY . .
RUN pnpm install --frozen-lockfile --offline
# The directories of the services the stages below run (docker-compose.yml's commands). Each is a
# workspace package with src/index.ts compiled to dist/index.js.
ARG SERVICES="gateway \
  subgraphs/product subgraphs/cart subgraphs/order subgraphs/payment subgraphs/invoice \
  workers/invoice-renderer workers/messaging \
  sandboxes/payment sandboxes/sms sandboxes/identity"
# Every service and, through project references, the packages it uses. Not the root `tsc -b`: that
# also type-checks tests, e2e, bench and the test harness, none of which an image runs.
RUN pnpm exec tsc -b ${SERVICES}
# What runs is dist/: TypeScript sources, tests and build info stay behind (the .graphql schemas
# under src/, which the subgraphs read, go along).
RUN find gateway subgraphs workers sandboxes packages -name node_modules -prune -o \
      \( -name test -o -name '*.tsbuildinfo' -o -name 'tsconfig*.json' -o \( -path '*/src/*' -name '*.ts' \) \) -print \
  | xargs rm -rf
# Per service: its package and its production dependencies (workspace packages copied, not linked)
# in a node_modules of its own. --legacy: deploys from this workspace as it is (linked workspace
# packages; pnpm 10's default needs inject-workspace-packages=true).
RUN for dir in ${SERVICES}; do \
      pnpm --filter "./${dir}" deploy --legacy --prod --offline "/out/${dir}" || exit 1; \
    done
# The storefront: its browser app (Vite) and its small static server, with the server's dependencies.
RUN pnpm exec tsc -b storefront/server \
  && pnpm --filter ./storefront run build \
  && pnpm --filter ./storefront deploy --legacy --prod --offline /out/storefront

# ---- base of every service image ------------------------------------------------------------------
FROM ${NODE_IMAGE} AS base
ENV NODE_ENV=production \
    APOLLO_TELEMETRY_DISABLED=1
WORKDIR /app
# Code is owned by root and only readable by `node`: the services never write to it.
USER node

FROM base AS gateway
COPY --from=build /out/gateway gateway
# The composed supergraph and the partner manifest, where gateway/dist expects them (../../schema).
COPY --from=build /src/schema/supergraph.graphql schema/supergraph.graphql
COPY --from=build /src/schema/persisted-queries/partner.json schema/persisted-queries/partner.json
CMD ["node", "gateway/dist/index.js"]

FROM base AS product
COPY --from=build /out/subgraphs/product subgraphs/product
CMD ["node", "subgraphs/product/dist/index.js"]

FROM base AS cart
COPY --from=build /out/subgraphs/cart subgraphs/cart
CMD ["node", "subgraphs/cart/dist/index.js"]

FROM base AS order
COPY --from=build /out/subgraphs/order subgraphs/order
CMD ["node", "subgraphs/order/dist/index.js"]

FROM base AS payment
COPY --from=build /out/subgraphs/payment subgraphs/payment
CMD ["node", "subgraphs/payment/dist/index.js"]

FROM base AS invoice
COPY --from=build /out/subgraphs/invoice subgraphs/invoice
CMD ["node", "subgraphs/invoice/dist/index.js"]

FROM base AS messaging
COPY --from=build /out/workers/messaging workers/messaging
CMD ["node", "workers/messaging/dist/index.js"]

FROM base AS payment-sandbox
COPY --from=build /out/sandboxes/payment sandboxes/payment
CMD ["node", "sandboxes/payment/dist/index.js"]

FROM base AS sms-sandbox
COPY --from=build /out/sandboxes/sms sandboxes/sms
CMD ["node", "sandboxes/sms/dist/index.js"]

FROM base AS identity-sandbox
COPY --from=build /out/sandboxes/identity sandboxes/identity
# Its keys and accounts (SANDBOX_STATE_DIR in compose): a fresh named volume takes this directory's owner.
USER root
RUN mkdir /data && chown node:node /data
USER node
CMD ["node", "sandboxes/identity/dist/index.js"]

# The invoice renderer: Debian's Chromium and fonts too, which only it needs.
FROM base AS invoice-renderer
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-dejavu-core fonts-liberation2 \
 && rm -rf /var/lib/apt/lists/*
USER node
ENV CHROMIUM_PATH=/usr/bin/chromium
COPY --from=build /out/workers/invoice-renderer workers/invoice-renderer
CMD ["node", "workers/invoice-renderer/dist/index.js"]

# The web shop's built files behind its static server (SPA fallback, /config.json from the environment).
FROM base AS storefront
COPY --from=build /out/storefront storefront
CMD ["node", "storefront/dist/server/index.js"]
