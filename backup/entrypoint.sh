#!/bin/sh
# Entrypoint of the Slipway backup image: installs one crontab line (BACKUP_SCHEDULE, UTC) that
# runs BACKUP_COMMAND as BACKUP_USER, hands the writable bind mounts (BACKUP_WRITABLE_DIRS) to
# that user, and runs busybox crond in the foreground.
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
if [ -n "${BACKUP_PRIVATE_FROM:-}" ]; then
    secrets=${BACKUP_PRIVATE_DIR:?BACKUP_PRIVATE_DIR must name where BACKUP_PRIVATE_FROM is copied}
    mkdir -p "$secrets"
    chmod 0700 "$secrets"
    for src in "$BACKUP_PRIVATE_FROM"/*; do
        [ -f "$src" ] || continue
        dst="$secrets/$(basename "$src")"
        rm -f "$dst"
        (umask 077 && cat "$src" >"$dst")
        chmod 0600 "$dst"
        chown "$user:$user" "$dst"
    done
    chown "$user:$user" "$secrets"
fi

# Bind mounts arrive owned by whoever created them on the host; only the directory itself is
# handed over (the files in it were written by this user on earlier runs).
set -f
for dir in ${BACKUP_WRITABLE_DIRS:-}; do
    chown "$user:$user" "$dir"
done
set +f

mkdir -p "$crontabs"
printf '%s %s\n' "$schedule" "$job" >"$crontabs/$user"
chmod 0600 "$crontabs/$user"
echo "slipway-backup: running '$job' as $user at '$schedule' (UTC)" >&2

# -f: foreground (the container's main process); -d: log to stderr, level 8 shows each job start.
exec crond -f -d "${BACKUP_CROND_LOG_LEVEL:-8}" -c "$crontabs"
