#!/bin/sh
# The root filesystem of a freshly booted dev box, for test/engines-devbox.test.ts: Debian 13
# (trixie, the dev box's default image, whose golang-go and nodejs are new enough) with cloud-init,
# as a cloud's Debian image has it (sudo: cloud-init writes the dev user's sudoers rule; sshd).
# Made with debootstrap from the mirror this machine's apt uses (no registry is reachable); apt in
# a chroot then adds cloud-init, whose dependencies debootstrap's resolver cannot satisfy.
# Usage: cloud-rootfs.sh DIR
set -eu
dir=$1
mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
if [ -z "$mirror" ]; then
  mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
fi
[ -n "$mirror" ] || { echo "cloud-rootfs.sh: no Debian mirror in this machine's apt sources" >&2; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
debootstrap --variant=minbase --include=ca-certificates trixie "$dir" "$mirror" >"$log" 2>&1 ||
  { cat "$log" >&2; exit 1; }
mount -t proc proc "$dir/proc"
trap 'umount "$dir/proc" 2>/dev/null || true; rm -f "$log"' EXIT
cp /etc/resolv.conf "$dir/etc/resolv.conf"
# No package may start a service (sshd) on this machine while it is installed in the chroot.
printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
chmod +x "$dir/usr/sbin/policy-rc.d"
chroot "$dir" sh -c 'apt-get update -qq &&
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends cloud-init sudo e2fsprogs openssh-server iproute2' >"$log" 2>&1 ||
  { cat "$log" >&2; exit 1; }
umount "$dir/proc"
rm -f "$dir/usr/sbin/policy-rc.d"
rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
