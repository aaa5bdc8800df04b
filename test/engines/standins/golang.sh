#!/bin/sh
# Stand-in for the official golang:<version> image, assembled with buildah from scratch because
# no registry is reachable here. Usage: golang.sh VERSION GOROOT
#
# Reproduces what the generated Dockerfiles rely on: Go at /usr/local/go, GOPATH=/go,
# PATH=/go/bin:/usr/local/go/bin:..., GOTOOLCHAIN=local (the official image sets it), a shell for
# RUN (busybox), /tmp, root with home /root (so the /root/.cache/go-build cache mount is the
# build cache) and CA certificates.
# Does not reproduce: Debian's userland (apt, git, gcc: no cgo), useradd/groupadd, other users.
set -eu
version=$1
goroot=$2
busybox=$(command -v busybox)
ctr=$(buildah from scratch)
root=$(buildah mount "$ctr")
mkdir -p "$root/usr/local" "$root/bin" "$root/tmp" "$root/etc/ssl/certs" "$root/root" "$root/go/bin"
chmod 1777 "$root/tmp"
cp -a "$goroot" "$root/usr/local/go"
cp "$busybox" "$root/bin/busybox"
for tool in sh ls cat mkdir rm cp mv ln env id test echo uname; do
  ln -s busybox "$root/bin/$tool"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
buildah umount "$ctr" >/dev/null
buildah config --env PATH=/go/bin:/usr/local/go/bin:/usr/local/bin:/usr/bin:/bin \
  --env GOPATH=/go --env GOTOOLCHAIN=local --env GOLANG_VERSION="$version" \
  --workingdir /go "$ctr"
buildah commit -q "$ctr" "docker.io/library/golang:$version" >/dev/null
buildah rm "$ctr" >/dev/null
