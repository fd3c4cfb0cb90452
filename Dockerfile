# syntax=docker/dockerfile:1
# The sample app. Build: docker build -t nest-vitals-sample:0.1.0 .
# Run:   docker run -p 3000:3000 nest-vitals-sample:0.1.0   (docker ps shows "healthy" once /health/ready answers)

FROM node:20-bookworm-slim AS build
# better-sqlite3 builds from source when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json nest-cli.json ./
COPY libs/health ./libs/health
COPY apps/sample ./apps/sample
RUN npx nest build sample && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    SQLITE_PATH=/data/sample.sqlite \
    HEALTH_DRAIN_DELAY_MS=10000
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The probe CLI is plain JavaScript on Node's built-ins: no curl or wget needed in the image.
COPY --from=build /app/libs/health/bin ./libs/health/bin
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
# Docker (and Compose, Swarm) health: the container is "healthy" while readiness answers 2xx/3xx.
# Kubernetes ignores HEALTHCHECK and uses the probes in deploy/kubernetes/deployment.yaml.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "libs/health/bin/nest-vitals.js", "probe", "http://127.0.0.1:3000/health/ready", "--timeout", "2000"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/apps/sample/apps/sample/src/main.js"]
