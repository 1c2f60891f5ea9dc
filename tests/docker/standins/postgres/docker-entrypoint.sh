#!/bin/sh
# The postgres stand-in's entrypoint: Slipway's own implementation of the contract the official
# postgres image documents for its `docker-entrypoint.sh` (/usr/local/bin, the ENTRYPOINT;
# CMD ["postgres"]). The binaries are Debian's PostgreSQL 15, first on PATH (the Dockerfile).
#
# Implemented (what the payload's db-postgres container and backup image rely on):
#   - A first argument that is an option (`-c …`) means `postgres "$@"`. Anything but `postgres`,
#     and `postgres` asked for help or its version, is exec'd unchanged.
#   - As root: the settings below are read (a *_FILE as root, so a 0600 secret owned by another
#     host user is readable, as in the official image); PGDATA (default /var/lib/postgresql/data)
#     is created, made 0700 and, with /var/run/postgresql (3775) and POSTGRES_INITDB_WALDIR,
#     given to `postgres` (uid 70) where not already its; then this script runs again as
#     `postgres` through gosu. The payload starts
#     it as root with CHOWN, SETUID, SETGID, DAC_OVERRIDE and FOWNER on a read-only root (PGDATA a
#     volume, /var/run/postgresql and /tmp tmpfs): nothing else is written.
#   - As postgres, when PGDATA has no PG_VERSION (a new cluster):
#       POSTGRES_USER (default postgres), POSTGRES_PASSWORD, POSTGRES_DB (default the user) and
#       POSTGRES_INITDB_ARGS, each also from a file named by <VAR>_FILE (setting both is refused);
#       no password and POSTGRES_HOST_AUTH_METHOD other than `trust` is refused with a sentence;
#       `initdb --username=… --pwfile=… [--waldir=…] $POSTGRES_INITDB_ARGS` (the password goes
#       through a pipe, never a file or an argument), then `host all all all <method>` appended to
#       PGDATA/pg_hba.conf (method POSTGRES_HOST_AUTH_METHOD, default scram-sha-256);
#       a temporary server with the container's own arguments (so `-c config_file=…` and its
#       hba_file apply) plus `-c listen_addresses='' -p ${PGPORT:-5432}`: unix socket only;
#       POSTGRES_DB created when it does not exist; /docker-entrypoint-initdb.d/* in name order:
#       `*.sh` run when executable, sourced otherwise; `*.sql` and `*.sql.gz` fed to psql against
#       POSTGRES_DB (stopping at the first error); anything else ignored with a line;
#       the temporary server stopped (fast). Settings read as root reach this phase through the
#       environment (gosu keeps it), so, as in the official image, POSTGRES_PASSWORD stays in the
#       server's environment even when it came from POSTGRES_PASSWORD_FILE.
#     When PG_VERSION exists it prints "PostgreSQL Database directory appears to contain a
#     database; Skipping initialization" (the official image's log line) and touches nothing.
#   - Finally `exec "$@"`: postgres is PID 1 and receives STOPSIGNAL SIGINT.
# Not implemented: running as an arbitrary non-root uid without a passwd entry (the official
# image uses nss_wrapper for that), `*.sql.xz`/`*.sql.zst` init files, the md5-vs-scram choice
# from POSTGRES_INITDB_ARGS' password_encryption (use POSTGRES_HOST_AUTH_METHOD), and the
# separate docker-ensure-initdb.sh (initialise without starting) — the payload uses none of them.
# `*.sh` init files are sourced by dash, not bash.
set -eu

PGDATA=${PGDATA:-/var/lib/postgresql/data}
export PGDATA
RUN_DIR=/var/run/postgresql

log() { printf '%s\n' "$*"; }
die() {
    printf 'docker-entrypoint.sh: error: %s\n' "$*" >&2
    exit 1
}

# VAR, or the content of the file VAR_FILE names (exclusive); default when both are empty.
read_setting() {
    name=$1
    eval "value=\${$name-}"
    eval "file=\${${name}_FILE-}"
    if [ -n "$value" ] && [ -n "$file" ]; then
        die "both $name and ${name}_FILE are set; they are exclusive: unset one of them"
    fi
    if [ -n "$file" ]; then
        value=$(cat -- "$file") || die "${name}_FILE=$file cannot be read: mount the file readable by uid $(id -u)"
    fi
    [ -n "$value" ] || value=${2-}
    export "$name=$value"
    unset "${name}_FILE"
}

# One argument quoted for /bin/sh (pg_ctl -o passes its string through the shell).
shell_quote() {
    printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

wants_help() {
    for arg in "$@"; do
        case $arg in -'?' | --help | --describe-config | -V | --version) return 0 ;; esac
    done
    return 1
}

make_directories() {
    mkdir -p "$PGDATA"
    chmod 0700 "$PGDATA" || log "warning: could not make $PGDATA 0700; postgres refuses a group- or world-accessible data directory" >&2
    mkdir -p "$RUN_DIR"
    chmod 3775 "$RUN_DIR" 2>/dev/null || :
    if [ -n "${POSTGRES_INITDB_WALDIR-}" ]; then
        mkdir -p "$POSTGRES_INITDB_WALDIR"
        chmod 0700 "$POSTGRES_INITDB_WALDIR" || :
    fi
    if [ "$(id -u)" = 0 ]; then
        find "$PGDATA" "$RUN_DIR" ${POSTGRES_INITDB_WALDIR:+"$POSTGRES_INITDB_WALDIR"} ! -user postgres -exec chown postgres '{}' +
    fi
}

sql() {
    db=$1
    shift
    psql -v ON_ERROR_STOP=1 --no-psqlrc --no-password --username "$POSTGRES_USER" --dbname "$db" "$@"
}

run_initdb() {
    set -- --username="$POSTGRES_USER"
    if [ -n "${POSTGRES_INITDB_WALDIR-}" ]; then set -- "$@" --waldir="$POSTGRES_INITDB_WALDIR"; fi
    # POSTGRES_INITDB_ARGS is documented as a space-separated list of options: split it, no globbing.
    set -f
    # shellcheck disable=SC2086
    set -- "$@" $POSTGRES_INITDB_ARGS
    set +f
    if [ -n "$POSTGRES_PASSWORD" ]; then
        printf '%s\n' "$POSTGRES_PASSWORD" | initdb --pwfile=/dev/stdin "$@"
    else
        initdb "$@"
    fi
}

run_init_files() {
    for f in /docker-entrypoint-initdb.d/*; do
        [ -e "$f" ] || continue
        case $f in
        *.sh)
            if [ -x "$f" ]; then
                log "docker-entrypoint.sh: running $f"
                "$f"
            else
                log "docker-entrypoint.sh: sourcing $f"
                set +u
                # shellcheck source=/dev/null
                . "$f"
                set -u
            fi
            ;;
        *.sql)
            log "docker-entrypoint.sh: running $f"
            sql "$POSTGRES_DB" -f "$f"
            ;;
        *.sql.gz)
            log "docker-entrypoint.sh: running $f"
            gzip -dc -- "$f" | sql "$POSTGRES_DB"
            ;;
        *) log "docker-entrypoint.sh: ignoring $f" ;;
        esac
    done
}

# A new cluster from the environment; "$@" is the server's command line (postgres …).
initialise() {
    read_setting POSTGRES_USER postgres
    read_setting POSTGRES_PASSWORD
    read_setting POSTGRES_DB "$POSTGRES_USER"
    read_setting POSTGRES_INITDB_ARGS
    auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
    if [ -z "$POSTGRES_PASSWORD" ] && [ "$auth" != trust ]; then
        die "the database is not initialised and no superuser password is set: set POSTGRES_PASSWORD, or POSTGRES_PASSWORD_FILE to a file holding it (or POSTGRES_HOST_AUTH_METHOD=trust to accept every connection without a password, which is unsafe)"
    fi
    if [ "$auth" = trust ]; then
        log "warning: POSTGRES_HOST_AUTH_METHOD=trust: every host connection is accepted without a password" >&2
    fi

    run_initdb
    printf '\n# Added by the stand-in entrypoint (POSTGRES_HOST_AUTH_METHOD).\nhost all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"

    shift
    opts=''
    for arg in "$@"; do opts="$opts $(shell_quote "$arg")"; done
    export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
    pg_ctl -D "$PGDATA" -o "$opts -c listen_addresses='' -p ${PGPORT:-5432}" -w start

    exists=$(printf '%s\n' "SELECT 1 FROM pg_database WHERE datname = :'db';" | sql postgres -v db="$POSTGRES_DB" --tuples-only --no-align)
    if [ -z "$exists" ]; then
        printf '%s\n' 'CREATE DATABASE :"db";' | sql postgres -v db="$POSTGRES_DB"
    fi
    run_init_files

    pg_ctl -D "$PGDATA" -m fast -w stop
    log "PostgreSQL init process complete; ready for start up."
}

case ${1-} in
-*) set -- postgres "$@" ;;
esac
if [ "${1-}" != postgres ] || wants_help "$@"; then
    exec "$@"
fi

make_directories
if [ "$(id -u)" = 0 ]; then
    # The settings (and their *_FILE secrets) are read here, as root, before dropping to
    # postgres, as the official entrypoint does: a 0600 password file owned by whoever wrote it
    # on the host is readable to root (DAC_OVERRIDE), not to uid 70.
    if [ ! -s "$PGDATA/PG_VERSION" ]; then
        read_setting POSTGRES_USER postgres
        read_setting POSTGRES_PASSWORD
        read_setting POSTGRES_DB "$POSTGRES_USER"
        read_setting POSTGRES_INITDB_ARGS
    fi
    exec gosu postgres "$0" "$@"
fi

if [ -s "$PGDATA/PG_VERSION" ]; then
    log "PostgreSQL Database directory appears to contain a database; Skipping initialization"
else
    (initialise "$@")
fi
exec "$@"
