#!/bin/sh
# Entrypoint of the redis stand-in (see redis.sh), written anew after the official image's.
set -eu
case "${1:-}" in
  -* | *.conf) set -- redis-server "$@" ;;
esac
if [ "${1:-}" = redis-server ]; then
  shift
  # The official image's build turns protected mode off: other containers connect without a password.
  case " $* " in
    *" --protected-mode "*) ;;
    *)
      # A configuration file must stay the first argument.
      case "${1:-}" in
        *.conf) conf=$1 && shift && set -- "$conf" --protected-mode no "$@" ;;
        *) set -- --protected-mode no "$@" ;;
      esac
      ;;
  esac
  if [ "$(id -u)" = 0 ]; then
    chown redis:redis . 2>/dev/null || true
    exec setpriv --reuid=redis --regid=redis --init-groups redis-server "$@"
  fi
  exec redis-server "$@"
fi
exec "$@"
