#!/bin/sh
# Stand-in for the official postgres:<tag> image, from Debian's server package (PostgreSQL 15 on
# bookworm, whatever the tag says), because no registry is reachable here.
# Usage: postgres.sh DEBIAN-IMAGE TAG
#
# Reproduces the interface compose files rely on: the entrypoint postgres-entrypoint.sh (which
# honours POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB and PGDATA, and initialises an empty data
# directory once); data at /var/lib/postgresql/data; CMD postgres run as the postgres user; port
# 5432 on every interface with password (scram-sha-256) authentication from other hosts and trust
# on the socket and loopback; pg_isready and psql on PATH (the healthcheck's client).
# Does not reproduce: /docker-entrypoint-initdb.d scripts, POSTGRES_INITDB_ARGS,
# POSTGRES_HOST_AUTH_METHOD, the _FILE secret variants, and the server version of the tag.
set -eu
base=$1
tag=$2
here=$(dirname "$0")
ctr=$(buildah from --pull=never "$base")
# Debian's package would create a cluster of its own at install time; the entrypoint makes one.
# shellcheck disable=SC2016 # expanded inside the container
buildah run "$ctr" -- sh -c 'mkdir -p /etc/postgresql-common &&
  echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf &&
  apt-get update -qq &&
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null &&
  rm -rf /var/lib/apt/lists/* &&
  ln -s "$(ls -d /usr/lib/postgresql/*/bin | tail -n 1)" /usr/lib/postgresql/bin &&
  mkdir -p /var/lib/postgresql/data /var/run/postgresql &&
  chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql'
buildah copy -q --chmod 0755 "$ctr" "$here/postgres-entrypoint.sh" /usr/local/bin/docker-entrypoint.sh >/dev/null
buildah config --env PATH=/usr/lib/postgresql/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env PGDATA=/var/lib/postgresql/data --volume /var/lib/postgresql/data --port 5432 \
  --entrypoint '["docker-entrypoint.sh"]' --cmd postgres --stop-signal SIGINT "$ctr"
buildah commit -q "$ctr" "docker.io/library/postgres:$tag" >/dev/null
buildah rm "$ctr" >/dev/null
