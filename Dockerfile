# syntax=docker/dockerfile:1
#
# cloudtrail-runbooks: one image for both processes.
#   docker run … ctrb            → `ctrb bot` (the default command)
#   docker run … ctrb node bin/ctrb.js worker
#
# Debian (glibc) rather than Alpine: @duckdb/node-api's native binding comes from npm as a
# prebuilt per-platform package (@duckdb/node-bindings-linux-x64 / -linux-arm64), chosen by
# `npm ci` for the platform it runs on. The dependency stages run on the same base image as
# the runtime, so the binding installed is the one the runtime loads. Nothing is compiled.
# Node 22 (LTS): the project runs on 20 and later, but the AWS SDK's releases from 2027 on
# need 22, and a deployed image should keep taking its fixes.
ARG NODE_IMAGE=node:22-bookworm-slim

# --- build: every dependency (esbuild among them), compile TypeScript to dist/ ------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the `prepare` script (the build) needs the sources, copied next; the
# dependencies' own install scripts are not needed (DuckDB's and resvg's bindings are prebuilt
# packages).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY scripts ./scripts
COPY src ./src
# The build reads the built-in runbooks once, into dist/runbook-memo/ (faster first start).
COPY runbooks ./runbooks
RUN npm run build

# --- production dependencies only ----------------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# No tsx or esbuild (dev dependencies), and no `prepare`: dist/ comes from the build stage.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- runtime -------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# package.json says "type": "module", which the compiled ESM in dist/ needs.
COPY --chown=root:root package.json ./
COPY --from=prod-deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
# bin/ctrb.js runs dist/cli.js: there is no src/ here for it to be older than, and no
# TypeScript at run time.
COPY --chown=root:root bin ./bin
# The built-in runbook library (CTRB_RUNBOOKS default), the bundled sample logs
# (CTRB_LOGS_DIR default for the duckdb engine) and the runbook JSON Schema.
COPY --chown=root:root runbooks ./runbooks
COPY --chown=root:root samples ./samples
COPY --chown=root:root schema ./schema

# Files owned by root, process run as the image's unprivileged `node` user: the app cannot
# rewrite its own code or runbooks.
USER node
# The bot listens on PORT (Slack's requests, /healthz, /readyz, /metrics); a worker serves
# /healthz, /readyz and /metrics on CTRB_WORKER_PORT.
ENV CTRB_WORKER_PORT=3001
EXPOSE 3000 3001
# Ready = Redis answers (and, for a worker, its queues are consumed). A worker container
# overrides the check's command with `node bin/healthcheck.js worker` (docker-compose.yml does).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "bin/healthcheck.js"]
CMD ["node", "bin/ctrb.js", "bot"]
