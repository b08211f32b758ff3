# The kfed worker image (used by docker-compose.yml). Workflow code is bundled at build time,
# so workers start without bundling (KFED_WORKFLOW_BUNDLE).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
COPY tools/versions.json ./tools/versions.json
COPY scripts/build-workflow-bundle.ts ./scripts/
RUN node --import tsx scripts/build-workflow-bundle.ts /app/dist/workflow-bundle.js

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production KFED_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js
COPY --from=build /app /app
USER node
CMD ["node", "--import", "tsx", "src/worker.ts"]
