#!/bin/sh
# Hook of the nginx stand-in's /docker-entrypoint.sh, Slipway's own implementation of the
# official hook's documented effect: when NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE is set,
# `worker_processes` in /etc/nginx/nginx.conf becomes the number of CPUs the container may use:
# the CPUs it may run on (nproc: affinity and cpuset), lowered by its own cgroup's CPU quota
# (cgroup v2 cpu.max, or v1 cpu.cfs_quota_us / cpu.cfs_period_us), rounded up, at least 1.
# A nginx.conf that is not writable is left alone with a line.
# Simpler than the official hook: only the container's own cgroup is read (not its ancestors'
# limits), and cgroup v1 is read only at /sys/fs/cgroup/cpu/. Our payload does not use it.
set -eu
{ true >&3; } 2>/dev/null || exec 3>&1
me=$(basename "$0")
log() { printf '%s\n' "$*" >&3; }

[ -n "${NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE:-}" ] || exit 0
conf=/etc/nginx/nginx.conf
if [ ! -w "$conf" ]; then
    log "$me: $conf is not writable, worker_processes left as it is"
    exit 0
fi

cpus=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)
quota=''
if [ -r /sys/fs/cgroup/cpu.max ]; then
    read -r max period </sys/fs/cgroup/cpu.max
    if [ "$max" != max ]; then quota=$(((max + period - 1) / period)); fi
elif [ -r /sys/fs/cgroup/cpu/cpu.cfs_quota_us ] && [ -r /sys/fs/cgroup/cpu/cpu.cfs_period_us ]; then
    max=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)
    period=$(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)
    if [ "$max" -gt 0 ]; then quota=$(((max + period - 1) / period)); fi
fi
if [ -n "$quota" ] && [ "$quota" -lt "$cpus" ]; then cpus=$quota; fi
if [ "$cpus" -lt 1 ]; then cpus=1; fi

updated=$(sed -E "s/^([[:space:]]*worker_processes)[[:space:]]+[^;]*;/\\1  $cpus;/" "$conf")
printf '%s\n' "$updated" >"$conf"
log "$me: worker_processes $cpus"
