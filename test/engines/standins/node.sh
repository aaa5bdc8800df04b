#!/bin/sh
# Stand-in for the official node:<tag> image (Debian bookworm slim variant), because no registry
# is reachable here. Usage: node.sh DEBIAN-IMAGE TAG
#
# Reproduces what examples/proxy-replicas/Dockerfile relies on: node, npm and npx on PATH at
# /usr/local (this machine's Node, which must be the tag's major version, with its npm), the
# unprivileged `node` user and group (1000:1000, home /home/node), NODE_VERSION, CMD node.
# Adds what this machine needs and the official image has no use for: the machine's CA bundle as
# NODE_EXTRA_CA_CERTS, so `npm ci` in a build reaches the registry through this network's
# TLS-intercepting proxy.
# Does not reproduce: yarn and corepack, the official image's entrypoint script, other platforms.
set -eu
base=$1
tag=$2
major=$(node -p 'process.versions.node.split(".")[0]')
case "$tag" in
"$major" | "$major"-* | "$major".*) ;;
*)
  echo "node.sh: this machine's Node is $(node -v), not node:$tag" >&2
  exit 1
  ;;
esac
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
ctr=$(buildah from --pull=never "$base")
root=$(buildah mount "$ctr")
cp "$(readlink -f "$(command -v node)")" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules"
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
mkdir -p "$root/etc/ssl/certs"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
buildah umount "$ctr" >/dev/null
buildah run "$ctr" -- sh -c 'groupadd --gid 1000 node &&
  useradd --uid 1000 --gid node --shell /bin/bash --create-home node &&
  node --version >/dev/null && npm --version >/dev/null'
buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_VERSION="$(node -p process.versions.node)" \
  --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt --cmd node "$ctr"
buildah commit -q "$ctr" "docker.io/library/node:$tag" >/dev/null
buildah rm "$ctr" >/dev/null
