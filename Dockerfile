# The image for every Refundflow process; docker-compose.yml picks one with its command:
#   node dist/worker/main.js                the worker (prebuilt workflow bundle in dist/workflow-bundle.js)
#   node dist/client/api/main.js            the HTTP API, support UI and codec server
#   node dist/activities/billing/main.js    the billing stand-in (the embedded store over billing/openapi.json)

# ---- build: install everything, compile TypeScript, bundle the workflows ----------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Toolchain for native modules (better-sqlite3) when no prebuilt binary fits the platform.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# Sources after dependencies, so a code change does not reinstall them (.dockerignore filters).
COPY . .
# tsc to dist/, then scripts/build-workflow-bundle.ts writes dist/workflow-bundle.js.
RUN npm run build
# Only what runs: production dependencies (compiled native modules stay as built).
RUN npm prune --omit=dev --no-audit --no-fund

# ---- runtime -----------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Static files of the support UI, which tsc does not copy.
COPY --from=build /app/ui ./ui
RUN mkdir -p /app/data && chown node:node /app/data
USER node
ENV REFUNDFLOW_DATA_DIR=/app/data
EXPOSE 8080 9464
CMD ["node", "dist/worker/main.js"]
