# One image per service, chosen by a build argument (as the original's Dockerfile did):
#   docker build --build-arg SERVICE=notification-service -t notification-service .
# Node 24 runs the TypeScript sources directly (type stripping): there is no compile step, only the
# production dependencies of the chosen service are installed.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS deps
ARG SERVICE=order-service
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/contracts/package.json packages/contracts/
COPY packages/messaging/package.json packages/messaging/
COPY packages/platform/package.json packages/platform/
COPY services/order-service/package.json services/order-service/
COPY services/product-service/package.json services/product-service/
COPY services/notification-service/package.json services/notification-service/
RUN npm ci --omit=dev --workspace "services/${SERVICE}" --include-workspace-root=false --ignore-scripts \
  && npm cache clean --force

FROM ${NODE_IMAGE}
ARG SERVICE=order-service
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    LOG_DIR=/app/logs
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY packages ./packages
COPY services/${SERVICE} ./services/${SERVICE}
RUN mkdir -p /app/logs && chown -R node:node /app/logs
USER node
EXPOSE 8081 8082 8083
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.SERVER_PORT||{'order-service':8081,'notification-service':8082,'product-service':8083}[process.env.SERVICE])+'/actuator/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["sh", "-c", "exec node --max-semi-space-size=16 services/${SERVICE}/src/main.ts"]
