#!/bin/sh
# The Debian root filesystem the other stand-ins start from (the official golang, postgres and
# redis images are Debian-based too), made with debootstrap because no registry is reachable.
# Usage: debian.sh SUITE IMAGE-NAME [ARCH]
#
# The mirror is the one this machine's apt uses (its sources' URIs line), read at run time.
# ARCH (a Debian architecture, default this machine's) other than this machine's needs its QEMU
# interpreter registered with binfmt_misc: debootstrap's second stage runs the target's binaries.
# minbase has apt, dpkg, util-linux (runuser, setpriv) and passwd (useradd, groupadd);
# ca-certificates and tzdata are added because every derived image needs them.
set -eu
suite=$1
name=$2
arch=${3:-$(dpkg --print-architecture)}
mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
if [ -z "$mirror" ]; then
  mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
fi
[ -n "$mirror" ] || { echo "debian.sh: no Debian mirror in this machine's apt sources" >&2; exit 1; }
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
debootstrap --arch="$arch" --variant=minbase --include=ca-certificates,tzdata "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 ||
  { cat "$rootfs.log" >&2; rm -f "$rootfs.log"; exit 1; }
rm -f "$rootfs.log"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
ctr=$(buildah from scratch)
# Copied through the mount, not `buildah copy`, which would give every file to root.
cp -a "$rootfs/." "$(buildah mount "$ctr")/"
buildah umount "$ctr" >/dev/null
buildah config --arch "$arch" --os linux --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd /bin/bash "$ctr"
buildah commit -q "$ctr" "$name" >/dev/null
buildah rm "$ctr" >/dev/null
