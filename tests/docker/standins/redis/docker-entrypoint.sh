#!/bin/sh
# The redis stand-in's entrypoint: Slipway's own implementation of the contract the official
# redis image (7.x, Alpine) documents for its `docker-entrypoint.sh` (on PATH, the ENTRYPOINT;
# CMD ["redis-server"]; WORKDIR /data):
#   1. A first argument that is an option (`-…`) or a config file (`….conf`) is for redis-server:
#      `redis-server "$@"`.
#   2. redis-server started as root: every file under the working directory (/data) not owned
#      by `redis` is given to it (`find . ! -user redis -exec chown redis {} +`), then this script
#      runs again as `redis` (uid 999) through gosu — the payload's cache-redis container calls
#      `exec docker-entrypoint.sh redis-server /run/redis/redis.conf` as root with only CHOWN,
#      SETUID, SETGID and DAC_READ_SEARCH, which is all this step needs.
#   3. redis-server with the inherited default umask 0022 gets umask 0077, so the RDB/AOF files
#      it writes are private to uid 999 (a umask the caller set, anything but 0022, is kept).
#   4. exec the command: redis-server is PID 1 and receives the container's signals.
# Not implemented: the official image's arm64 kernel-bug probe (it adds `--ignore-warnings
# ARM64-COW-BUG` on affected kernels; this stand-in runs on x86-64 only). The official image
# also compiles redis with protected-mode off by default; Debian's redis-server keeps it on —
# a build difference, not the entrypoint's (our payload sets requirepass, so it does not apply).
set -eu

case ${1-} in
-* | *.conf) set -- redis-server "$@" ;;
esac

if [ "${1-}" = redis-server ] && [ "$(id -u)" = 0 ]; then
    find . ! -user redis -exec chown redis '{}' +
    exec gosu redis "$0" "$@"
fi

if [ "${1-}" = redis-server ] && [ "$(umask)" = 0022 ]; then
    umask 0077
fi

exec "$@"
