#!/bin/sh
# Stand-in for the official redis:<tag> image, from Debian's redis-server package (Redis 7.0 on
# bookworm, whatever the tag says), because no registry is reachable here.
# Usage: redis.sh DEBIAN-IMAGE TAG
#
# Reproduces: the entrypoint redis-entrypoint.sh (arguments starting with '-' go to redis-server;
# the server runs as the redis user), protected mode off as the official build has it, data in
# /data (the working directory and a volume), port 6379 on every interface, redis-cli on PATH
# (the healthcheck's client).
# Does not reproduce: the modules bundled with Redis 8 images, the tag's server version.
set -eu
base=$1
tag=$2
here=$(dirname "$0")
ctr=$(buildah from --pull=never "$base")
buildah run "$ctr" -- sh -c 'apt-get update -qq &&
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null &&
  rm -rf /var/lib/apt/lists/* &&
  mkdir -p /data && chown redis:redis /data'
buildah copy -q --chmod 0755 "$ctr" "$here/redis-entrypoint.sh" /usr/local/bin/docker-entrypoint.sh >/dev/null
buildah config --volume /data --workingdir /data --port 6379 \
  --entrypoint '["docker-entrypoint.sh"]' --cmd redis-server "$ctr"
buildah commit -q "$ctr" "docker.io/library/redis:$tag" >/dev/null
buildah rm "$ctr" >/dev/null
