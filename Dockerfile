# headroom as a container, for distributed runs (`headroom run --segment i/n` on each host).
# The build uses the same script as the package test (packages/headroom/test/package/
# installed.test.ts): npm pack (prepack builds dist/), then npm install of the tarball into a
# fresh project. The image holds that project only: the built package and its dependencies.
FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY packages/headroom/package.json packages/headroom/
COPY apps/backend/package.json apps/backend/
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY config config
COPY packages/headroom packages/headroom
RUN sh packages/headroom/scripts/pack-install.sh /opt/headroom

FROM node:20-slim
ENV NODE_ENV=production
COPY --from=build --chown=node:node /opt/headroom /opt/headroom
RUN mkdir /work && chown node:node /work
USER node
WORKDIR /work
ENTRYPOINT ["node", "/opt/headroom/node_modules/headroom/bin/headroom.js"]
CMD ["--help"]
