#!/bin/sh
# Stand-in for the distroless static nonroot image (the generated runtime stages' base),
# assembled with buildah from scratch. Usage: distroless-static.sh DEBIAN-IMAGE IMAGE-NAME
#
# Reproduces: no shell and no package manager, /etc/passwd and /etc/group with root, nobody and
# nonroot (65532), USER 65532:65532, HOME /home/nonroot, /tmp, CA certificates and tzdata (both
# taken from the Debian stand-in, as distroless takes them from Debian).
# Does not reproduce: the image's SBOM, labels and /etc/os-release.
set -eu
debian=$1
name=$2
src=$(buildah from --pull=never "$debian")
from=$(buildah mount "$src")
ctr=$(buildah from scratch)
root=$(buildah mount "$ctr")
mkdir -p "$root/etc/ssl/certs" "$root/tmp" "$root/home/nonroot" "$root/usr/share"
chmod 1777 "$root/tmp"
chown 65532:65532 "$root/home/nonroot"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' >"$root/etc/group"
cp "$from/etc/ssl/certs/ca-certificates.crt" "$root/etc/ssl/certs/"
cp -a "$from/usr/share/zoneinfo" "$root/usr/share/zoneinfo"
buildah umount "$ctr" >/dev/null
buildah umount "$src" >/dev/null
buildah rm "$src" >/dev/null
buildah config --user 65532:65532 --workingdir /home/nonroot \
  --env PATH=/usr/local/bin:/usr/bin:/bin --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt "$ctr"
buildah commit -q "$ctr" "$name" >/dev/null
buildah rm "$ctr" >/dev/null
