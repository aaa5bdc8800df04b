#!/bin/sh
# Stand-in for the versity/versitygw:<tag> image that examples/proxy-replicas/compose.yaml runs,
# because no registry is reachable here. Usage: versitygw.sh DEBIAN-IMAGE TAG BINARY
#
# Reproduces what the compose file relies on: versitygw as the entrypoint (the compose command
# gives its arguments) and wget for the healthcheck (the official image is Alpine, whose busybox
# has it). BINARY is this machine's versitygw, which .ci/run installs at the tests' pinned
# release: it must be the tag (its build info says which release it is).
# Does not reproduce: the official image's docker-entrypoint.sh (VGW_BACKEND and friends, used
# only when no arguments are given), its Alpine userland.
set -eu
base=$1
tag=$2
bin=$3
release=$(go version -m "$bin" | awk '$1 == "mod" { print $3 }')
if [ "$release" != "$tag" ]; then
  echo "versitygw.sh: $bin is versitygw ${release:-of no known release}, not $tag" >&2
  exit 1
fi
ctr=$(buildah from --pull=never "$base")
buildah run "$ctr" -- sh -c 'apt-get update -qq &&
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wget >/dev/null &&
  rm -rf /var/lib/apt/lists/*'
buildah copy -q --chmod 0755 "$ctr" "$bin" /usr/local/bin/versitygw >/dev/null
buildah config --entrypoint '["/usr/local/bin/versitygw"]' --cmd '[]' "$ctr"
buildah commit -q "$ctr" "docker.io/versity/versitygw:$tag" >/dev/null
buildah rm "$ctr" >/dev/null
