# One image per service, chosen by a build argument (as the original's Dockerfile did):
#   docker build --build-arg SERVICE=notification-service -t notification-service .
# The build stage installs the workspace and bundles the chosen service into one file
# (tools/build/services.ts: its code, the workspace packages and its production dependencies); the final
# image holds only Node and that bundle, run by the non-root `node` user.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG SERVICE=order-service
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/contracts/package.json packages/contracts/
COPY packages/messaging/package.json packages/messaging/
COPY packages/platform/package.json packages/platform/
COPY services/order-service/package.json services/order-service/
COPY services/product-service/package.json services/product-service/
COPY services/notification-service/package.json services/notification-service/
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY packages ./packages
COPY services ./services
COPY tools/build ./tools/build
RUN node tools/build/services.ts "${SERVICE}"

FROM ${NODE_IMAGE}
ARG SERVICE=order-service
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    LOG_DIR=/app/logs
WORKDIR /app
COPY --from=build /app/dist/${SERVICE}.mjs /app/dist/${SERVICE}.mjs.map ./dist/
RUN mkdir -p /app/logs && chown -R node:node /app/logs
USER node
EXPOSE 8081 8082 8083
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.SERVER_PORT||{'order-service':8081,'notification-service':8082,'product-service':8083}[process.env.SERVICE])+'/actuator/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["sh", "-c", "exec node --max-semi-space-size=8 --heap-growing-percent=100 dist/${SERVICE}.mjs"]
