#!/bin/sh
# The nginx stand-in's /docker-entrypoint.sh: Slipway's own implementation of the contract the
# official nginx image documents for its entrypoint (ENTRYPOINT; CMD ["nginx","-g","daemon off;"]):
#   - When the command is `nginx` or `nginx-debug`, the files directly in /docker-entrypoint.d/
#     (symlinks followed) are taken in version order (`sort -V`): an executable `*.sh` is run,
#     an executable `*.envsh` is sourced (so what it exports reaches nginx's environment),
#     anything else, or a hook that is not executable, is skipped with a line. A failing hook
#     stops the container. Any other command skips the hooks.
#   - Progress lines go to file descriptor 3, which the hooks may write to as well: stdout, or
#     /dev/null when NGINX_ENTRYPOINT_QUIET_LOGS is set to anything non-empty.
#   - Then `exec "$@"`: nginx is PID 1 and receives STOPSIGNAL SIGQUIT.
# The hooks shipped here (each says what it does and does not do): 10-listen-on-ipv6-by-default.sh,
# 15-local-resolvers.envsh, 20-envsubst-on-templates.sh, 30-tune-worker-processes.sh.
# Our payload's web-edge container replaces this entrypoint (`/bin/sh -c "exec nginx -c
# /etc/slipway/nginx/nginx.conf …"`), so none of this runs there; it serves the image's own
# default command and anyone who runs the stand-in like the official image.
set -eu

if [ -z "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ]; then exec 3>&1; else exec 3>/dev/null; fi
log() { printf '%s\n' "$*" >&3; }

run_hooks() {
    hooks=$(find -L /docker-entrypoint.d/ -mindepth 1 -maxdepth 1 -type f 2>/dev/null | sort -V)
    if [ -z "$hooks" ]; then
        log "$0: nothing in /docker-entrypoint.d/, no configuration step"
        return 0
    fi
    log "$0: running the configuration hooks in /docker-entrypoint.d/"
    saved_ifs=$IFS
    IFS='
'
    set -f
    for hook in $hooks; do
        IFS=$saved_ifs
        set +f
        if [ ! -x "$hook" ]; then
            log "$0: skipping $hook: not executable"
            continue
        fi
        case $hook in
        *.envsh)
            log "$0: sourcing $hook"
            # shellcheck source=/dev/null
            . "$hook"
            ;;
        *.sh)
            log "$0: running $hook"
            "$hook"
            ;;
        *) log "$0: skipping $hook: neither *.sh nor *.envsh" ;;
        esac
    done
    IFS=$saved_ifs
    set +f
    log "$0: configuration done, starting $1"
}

if [ "${1-}" = nginx ] || [ "${1-}" = nginx-debug ]; then
    run_hooks "$1"
fi
exec "$@"
