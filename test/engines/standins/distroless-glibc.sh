#!/bin/sh
# Stand-in for the distroless base and cc nonroot images (the runtime bases of cgo apps: base for
# C, cc for C++), assembled with buildah on top of the static stand-in's files, for the Debian
# image's architecture (another than this machine's runs apt under QEMU through binfmt_misc).
# Usage: distroless-glibc.sh DEBIAN-IMAGE STATIC-IMAGE IMAGE-NAME base|cc
#
# Reproduces: everything the static stand-in has (no shell, no package manager, users, 65532,
# CA certificates, tzdata), the merged-/usr layout (/bin, /lib, /lib64 and /sbin link into /usr),
# and the files of the Debian packages distroless adds, taken from the Debian stand-in: base has
# libc6 (with the dynamic loader), libssl3, libzstd1 and zlib1g; cc adds libstdc++6, libgcc-s1,
# libgomp1 and gcc-12-base. The dynamic loader finds them in its built-in multiarch directories,
# as in distroless, which has no /etc/ld.so.cache either.
# Does not reproduce: the Debian release (these are bookworm's packages, glibc 2.36, where
# debian13 images have trixie's; the golang stand-in is bookworm too, so what it links runs here),
# dpkg's status files under /var/lib/dpkg/status.d, the SBOM, labels and /etc/os-release.
set -eu
debian=$1
static=$2
name=$3
flavour=$4
pkgs="libc6 libssl3 libzstd1 zlib1g"
case "$flavour" in
  base) ;;
  cc) pkgs="$pkgs libstdc++6 libgcc-s1 libgomp1 gcc-12-base" ;;
  *) echo "distroless-glibc.sh: flavour must be base or cc, not $flavour" >&2 && exit 2 ;;
esac
src=$(buildah from --pull=never "$debian")
# shellcheck disable=SC2016 # expanded inside the container
buildah run "$src" -- sh -c 'apt-get update -qq &&
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends '"$pkgs"' >/dev/null &&
  rm -rf /var/lib/apt/lists/*'
list=$(mktemp)
trap 'rm -f "$list"' EXIT
# shellcheck disable=SC2086 # one word per package
buildah run "$src" -- dpkg -L $pkgs >"$list"
from=$(buildah mount "$src")
ctr=$(buildah from --pull=never "$static")
root=$(buildah mount "$ctr")
mkdir -p "$root/usr/bin" "$root/usr/sbin" "$root/usr/lib" "$root/usr/lib64"
for d in bin sbin lib lib64; do
  [ -e "$root/$d" ] || ln -s "usr/$d" "$root/$d"
done
# Files and symbolic links only: directories come with --parents, through the /usr links above.
while IFS= read -r path; do
  case "$path" in
    /* ) ;;
    *) continue ;;
  esac
  if [ -L "$from$path" ] || [ -f "$from$path" ]; then
    (cd "$from" && cp -a --parents ".$path" "$root/")
  fi
done <"$list"
buildah umount "$ctr" >/dev/null
buildah umount "$src" >/dev/null
buildah rm "$src" >/dev/null
buildah config --arch "$(buildah inspect --type image --format '{{.OCIv1.Architecture}}' "$debian")" "$ctr"
buildah commit -q "$ctr" "$name" >/dev/null
buildah rm "$ctr" >/dev/null
