/**
 * devbox/provision.sh: what cloud-init runs once on the new box, as root. It reads everything it
 * needs from /etc/gopave/devbox.env, which main.tf renders, so the script itself is plain shell
 * that shellcheck reads as is (no template syntax inside).
 */
export const PROVISION_SCRIPT = `#!/bin/sh
# Provisions a gopave dev box on its first boot (cloud-init runcmd), as root: the workspace volume,
# the container engine's compose, go.version from go.mod's checksum-verified toolchain download,
# the repo checkout, the pinned tools (scripts/setup-go-env.sh) and the dev container image.
# Settings come from /etc/gopave/devbox.env. Progress: /var/log/gopave-devbox.log.
# shellcheck disable=SC2016 # as_user's single-quoted commands are expanded by the dev user's sh
set -eu
exec >>/var/log/gopave-devbox.log 2>&1
echo "gopave-devbox: provisioning started $(date -u +%FT%TZ)"

set -a
# shellcheck disable=SC1091 # written by cloud-init from main.tf's provision_env
. /etc/gopave/devbox.env
set +a

note() {
  echo "gopave-devbox: $*"
  printf '%s\\n' "gopave-devbox: $*" >>/etc/motd
}
# A step that fails stops the script (set -e); the login message says so, not only the log.
on_exit() {
  status=$?
  [ "$status" -eq 0 ] || note "provisioning failed (exit $status): see /var/log/gopave-devbox.log"
}
trap on_exit EXIT

# as_user CMD [go]: runs a shell command as the dev user, in a login-like environment with
# devbox.env's settings. With "go" also gopave.yaml's module settings, for the toolchain download;
# without them setup-go-env.sh sees the user's own go env, which it is there to write them into.
as_user() {
  runuser -u "$DEVBOX_USER" -- env -i HOME="/home/$DEVBOX_USER" USER="$DEVBOX_USER" \\
    PATH="/usr/local/go/bin:/home/$DEVBOX_USER/go/bin:/usr/local/bin:/usr/bin:/bin" \\
    sh -c 'set -a; . /etc/gopave/devbox.env; set +a
      [ "$2" = go ] || unset GOPROXY GOSUMDB GOPRIVATE GONOPROXY GONOSUMDB GOFLAGS
      unset GOTOOLCHAIN
      eval "$1"' as_user "$1" "\${2:-}"
}

# The workspace volume (hcloud): attached right after the server is created, so wait for it.
# DATA_DEVICE is a glob (the device is named after the volume's id, unknown before it exists).
mkdir -p /srv/dev
if [ -n "$DATA_DEVICE" ]; then
  device=""
  tries=0
  while [ -z "$device" ] && [ "$tries" -lt 120 ]; do
    for d in $DATA_DEVICE; do [ -b "$d" ] && device=$d && break; done
    [ -n "$device" ] || sleep 1
    tries=$((tries + 1))
  done
  [ -n "$device" ] || { note "no workspace volume appeared at $DATA_DEVICE"; exit 1; }
  blkid "$device" >/dev/null || mkfs.ext4 -q "$device"
  if ! grep -q " /srv/dev " /etc/fstab; then
    echo "UUID=$(blkid -s UUID -o value "$device") /srv/dev ext4 defaults,nofail 0 2" >>/etc/fstab
  fi
  mountpoint -q /srv/dev || mount /srv/dev
fi
chown "$DEVBOX_USER:" /srv/dev

# The engine's compose, under the name the distribution gives it.
if [ "$DEVBOX_ENGINE" = docker ]; then
  for pkg in docker-compose-v2 docker-compose; do
    if apt-cache show "$pkg" >/dev/null 2>&1; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg"
      break
    fi
  done
  usermod -aG docker "$DEVBOX_USER"
  compose_flag=""
else
  compose_flag="--docker-path podman --docker-compose-path podman-compose"
fi

# go.version: the distribution's Go (1.21 or later) downloads it as a module, verified against the
# checksum database, the way GOTOOLCHAIN does; then it is copied out of the module cache.
bootstrap=$(go env GOVERSION 2>/dev/null || echo none)
case "$bootstrap" in
go1.2[1-9]* | go1.[3-9][0-9]* | go[2-9]*) ;;
*)
  note "the image's Go ($bootstrap) cannot download go$GO_VERSION (it needs Go 1.21 or later); choose a newer image"
  exit 1
  ;;
esac
goroot=$(as_user 'GOTOOLCHAIN="go$GO_VERSION" /usr/bin/go env GOROOT' go)
rm -rf /usr/local/go.new
cp -a "$goroot" /usr/local/go.new
chmod -R u+w /usr/local/go.new
rm -rf /usr/local/go
mv /usr/local/go.new /usr/local/go
cat >/etc/profile.d/gopave-go.sh <<'PROFILE'
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"
PROFILE
echo "gopave-devbox: $(/usr/local/go/bin/go version)"

if [ -z "$REPO_URL" ]; then
  note "no repo_url: clone the repository into $WORKSPACE, then run scripts/setup-go-env.sh there"
  exit 0
fi
if [ ! -d "$WORKSPACE/.git" ]; then
  if ! as_user 'git clone \${REPO_REF:+--branch "$REPO_REF"} "$REPO_URL" "$WORKSPACE"'; then
    note "could not clone $REPO_URL (a private repo needs your credentials): clone it into $WORKSPACE, then run scripts/setup-go-env.sh there"
    exit 0
  fi
fi

if [ -f "$WORKSPACE/scripts/setup-go-env.sh" ]; then
  as_user 'cd "$WORKSPACE" && sh scripts/setup-go-env.sh'
else
  note "$WORKSPACE has no scripts/setup-go-env.sh: the pinned tools are not installed"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  note "the image's Node ($node_major) is older than the devcontainer CLI needs (20): the dev container is built on first open"
elif [ -f "$WORKSPACE/.devcontainer/devcontainer.json" ] || [ -f "$WORKSPACE/.devcontainer.json" ]; then
  # A failed pre-build leaves a usable box: the dev container is then built on first open.
  if ! as_user 'cd "$WORKSPACE" && npx --yes "@devcontainers/cli@$DEVCONTAINER_CLI" build --workspace-folder . '"$compose_flag"; then
    note "the dev container did not build (see /var/log/gopave-devbox.log): it is built on first open"
  fi
fi
echo "gopave-devbox: provisioning done $(date -u +%FT%TZ)"
touch /var/lib/gopave-devbox.done
`;
