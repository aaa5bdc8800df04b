#!/bin/sh
# Stand-in for the official golang:<version> image (Debian bookworm variant), because no registry
# is reachable here. Usage: golang.sh DEBIAN-IMAGE VERSION GOROOT
#
# Reproduces what generated Dockerfiles and dev containers rely on: Debian's userland with apt,
# useradd/groupadd, git, g++, gcc, libc6-dev, make and pkg-config (the official image's cgo toolchain);
# Go at /usr/local/go copied from GOROOT (this machine's toolchain, or for another architecture
# the Go toolchain module of that release and platform, so it can only stand in for that release;
# a module's files come without execute bits, which are set again); GOPATH=/go with /go/bin and /go/src; PATH=/go/bin:/usr/local/go/bin:...;
# GOTOOLCHAIN=local and GOLANG_VERSION; WORKDIR /go.
# Does not reproduce: the official image's other tools (curl, wget, openssh-client, procps...),
# its multi-platform manifest (each stand-in has one platform, the Debian image's; the image
# name defaults to docker.io/library/golang:VERSION) and its labels.
set -eu
base=$1
version=$2
goroot=$3
name=${4:-docker.io/library/golang:$version}
ctr=$(buildah from --pull=never "$base")
buildah run "$ctr" -- sh -c 'apt-get update -qq &&
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    git g++ gcc libc6-dev make pkg-config >/dev/null &&
  rm -rf /var/lib/apt/lists/*'
root=$(buildah mount "$ctr")
mkdir -p "$root/usr/local" "$root/go/bin" "$root/go/src"
chmod -R 1777 "$root/go"
cp -a "$goroot" "$root/usr/local/go"
chmod -R u+w "$root/usr/local/go"
chmod +x "$root"/usr/local/go/bin/* "$root"/usr/local/go/pkg/tool/*/*
buildah umount "$ctr" >/dev/null
buildah config --env PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env GOPATH=/go --env GOTOOLCHAIN=local --env GOLANG_VERSION="$version" \
  --workingdir /go --cmd bash "$ctr"
buildah commit -q "$ctr" "$name" >/dev/null
buildah rm "$ctr" >/dev/null
