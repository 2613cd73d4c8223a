#!/bin/sh
# Packs headroom (npm pack: prepack builds dist/) and installs the tarball into PROJECT_DIR, a
# project of its own (created if needed), the way a team installs it. The Dockerfile and the
# package test (test/package/installed.test.ts) both build with this script.
# Usage: sh packages/headroom/scripts/pack-install.sh PROJECT_DIR
set -eu
package_dir=$(cd "$(dirname "$0")/.." && pwd)
project=$1
mkdir -p "$project"
project=$(cd "$project" && pwd)
tarball=$(cd "$package_dir" && npm pack --silent --pack-destination "$project" | tail -n 1)
cd "$project"
[ -f package.json ] || printf '{\n  "name": "headroom-project",\n  "private": true\n}\n' > package.json
npm install --no-audit --no-fund --prefer-offline --omit=dev "./$tarball"
