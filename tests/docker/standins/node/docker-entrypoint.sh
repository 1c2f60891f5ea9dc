#!/bin/sh
# The node stand-in's entrypoint: Slipway's own implementation of the contract the official
# node image documents for its `docker-entrypoint.sh` (ENTRYPOINT, CMD ["node"]):
#   - no arguments, or a first argument that starts with `-` (`docker run IMAGE --version`),
#     runs `node` with the arguments;
#   - a first argument that is not a command (not found on PATH, or a path to a file that is
#     not executable, e.g. `server.js`) is a script for node: `node "$@"`;
#   - anything else (`node src/server.js`, `sh -c …`) is exec'd unchanged, so the command is
#     PID 1 and receives the container's signals.
# The app image runs `docker-entrypoint.sh node src/server.js` as its own uid on a read-only
# root: nothing here writes a file or needs a privilege.
set -eu

needs_node() {
    [ $# -gt 0 ] || return 0
    case $1 in
    -*) return 0 ;;
    */*) [ -f "$1" ] && [ -x "$1" ] && return 1; return 0 ;;
    esac
    command -v -- "$1" >/dev/null 2>&1 && return 1
    return 0
}

if needs_node "$@"; then set -- node "$@"; fi
exec "$@"
