#!/bin/sh
# Entrypoint of the Slipway backup image: installs one crontab line (BACKUP_SCHEDULE, UTC) that
# runs BACKUP_COMMAND as BACKUP_USER, hands the writable bind mounts (BACKUP_WRITABLE_DIRS) to
# that user, and runs busybox crond in the foreground.
#
# Point-in-time recovery (PITR_COMMAND set): a second crontab, for PITR_USER (postgres, uid 70:
# the database's data directory is its own), pushes the WAL spool every minute and takes a base
# backup at PITR_BACKUP_SCHEDULE; the credential files named in PITR_PRIVATE_FILES go to
# PITR_PRIVATE_DIR as that user's, not the job's. `pitr-restore TIME` instead of crond: the
# one-off container of restore-to-time.sh, which restores an empty data directory to TIME.
#
# crond itself stays root: busybox crond switches to the crontab's user for every job
# (initgroups/setgid/setuid), which needs CAP_SETUID and CAP_SETGID; the chowns below need
# CAP_CHOWN, reading the credential files CAP_DAC_READ_SEARCH. The job runs as the
# unprivileged user and holds no capability.
set -eu

schedule=${BACKUP_SCHEDULE:-'17 3 * * *'}
job=${BACKUP_COMMAND:-'/bin/sh /opt/slipway/backup/backup.sh'}
user=${BACKUP_USER:-'backup'}
crontabs=${BACKUP_CRONTABS:-'/var/spool/cron/crontabs'}

case "$schedule$job" in
*'
'*)
    echo "slipway-backup: BACKUP_SCHEDULE and BACKUP_COMMAND must be single lines" >&2
    exit 64
    ;;
esac

# Credentials arrive as 0600 files of the host's deploy user (BACKUP_PRIVATE_FROM, read-only):
# root reads them (CAP_DAC_READ_SEARCH) and copies each to BACKUP_PRIVATE_DIR (a tmpfs) as a
# 0600 file of the job's user, which PGPASSFILE, RESTIC_PASSWORD_FILE and
# AWS_SHARED_CREDENTIALS_FILE name. libpq ignores a .pgpass readable by group or others, hence
# 0600 and the job's own. Mode before owner: root has no CAP_FOWNER to chmod another's file.
pitr_user=${PITR_USER:-postgres}
pitr_files=" ${PITR_PRIVATE_FILES:-} "
copy_private() { # SOURCE DIRECTORY OWNER
    dst="$2/$(basename "$1")"
    rm -f "$dst"
    (umask 077 && cat "$1" >"$dst")
    chmod 0600 "$dst"
    chown "$3:$3" "$dst"
}
if [ -n "${BACKUP_PRIVATE_FROM:-}" ]; then
    secrets=${BACKUP_PRIVATE_DIR:-}
    pitr_secrets=${PITR_PRIVATE_DIR:-}
    for dir in $secrets $pitr_secrets; do
        mkdir -p "$dir"
        chmod 0700 "$dir"
    done
    for src in "$BACKUP_PRIVATE_FROM"/*; do
        [ -f "$src" ] || continue
        case $pitr_files in
        *" $(basename "$src") "*) copy_private "$src" "${pitr_secrets:?PITR_PRIVATE_DIR must name where PITR_PRIVATE_FILES are copied}" "$pitr_user" ;;
        # The job's own credentials; the one-off restore container has no use for them (no BACKUP_PRIVATE_DIR).
        *) [ -z "$secrets" ] || copy_private "$src" "$secrets" "$user" ;;
        esac
    done
    [ -z "$secrets" ] || chown "$user:$user" "$secrets"
    [ -z "$pitr_secrets" ] || chown "$pitr_user:$pitr_user" "$pitr_secrets"
fi

# The one-off restore: the (empty) data directory becomes the database user's, then pitr.sh
# restores into it as that user. Nothing else of the job's setup applies.
if [ "${1:-}" = pitr-restore ]; then
    shift
    chown "$pitr_user:$pitr_user" "${PGDATA:-/var/lib/postgresql/data}"
    # shellcheck disable=SC2086 # PITR_COMMAND is a command line ("/bin/sh …/pitr.sh")
    exec su-exec "$pitr_user" ${PITR_COMMAND:?PITR_COMMAND must name the pitr script} restore "$@"
fi

# Bind mounts arrive owned by whoever created them on the host; only the directory itself is
# handed over (the files in it were written by this user on earlier runs).
set -f
for dir in ${BACKUP_WRITABLE_DIRS:-}; do
    chown "$user:$user" "$dir"
done
# Directories the PITR jobs write too (the textfile directory): group-writable for the job's
# group, which PITR_USER joins in the Dockerfile; chmod by the owner (root has no CAP_FOWNER).
# The local target's pgBackRest repository is written by PITR_USER.
for dir in ${PITR_WRITABLE_DIRS:-}; do
    chown "$pitr_user:$pitr_user" "$dir"
done
for dir in ${BACKUP_GROUP_WRITABLE_DIRS:-}; do
    su-exec "$user" chmod 0775 "$dir"
done
set +f

mkdir -p "$crontabs"
printf '%s %s\n' "$schedule" "$job" >"$crontabs/$user"
chmod 0600 "$crontabs/$user"
echo "slipway-backup: running '$job' as $user at '$schedule' (UTC)" >&2
if [ -n "${PITR_COMMAND:-}" ]; then
    pitr_schedule=${PITR_BACKUP_SCHEDULE:-$schedule}
    case "$pitr_schedule$PITR_COMMAND" in *'
'*)
        echo "slipway-backup: PITR_BACKUP_SCHEDULE and PITR_COMMAND must be single lines" >&2
        exit 64
        ;;
    esac
    printf '* * * * * %s push\n%s %s backup\n' "$PITR_COMMAND" "$pitr_schedule" "$PITR_COMMAND" >"$crontabs/$pitr_user"
    chmod 0600 "$crontabs/$pitr_user"
    echo "slipway-backup: pushing WAL every minute and taking base backups at '$pitr_schedule' (UTC) as $pitr_user" >&2
fi

# -f: foreground (the container's main process); -d: log to stderr, level 8 shows each job start.
exec crond -f -d "${BACKUP_CROND_LOG_LEVEL:-8}" -c "$crontabs"
