#!/bin/sh
# Hook of the nginx stand-in's /docker-entrypoint.sh, Slipway's own implementation of the
# official hook's documented effect: when the host gives the container IPv6 (/proc/net/if_inet6
# exists), add `listen [::]:80;` next to `listen 80;` in /etc/nginx/conf.d/default.conf — only
# while that file is exactly the one the image ships (kept for comparison at
# /usr/local/share/slipway-standin/nginx-default.conf; the official hook asks the package
# manager's checksum instead) and writable. A changed, missing or read-only file is left alone.
# Our payload never loads default.conf (its nginx.conf is /etc/slipway/nginx/nginx.conf and
# includes no conf.d), and its container bypasses the entrypoint: this only serves the image's
# default command.
set -eu
{ true >&3; } 2>/dev/null || exec 3>&1
me=$(basename "$0")
log() { printf '%s\n' "$*" >&3; }

conf=/etc/nginx/conf.d/default.conf
shipped=/usr/local/share/slipway-standin/nginx-default.conf

if [ ! -f /proc/net/if_inet6 ]; then
    log "$me: no IPv6 in this container, $conf unchanged"
    exit 0
fi
if [ ! -f "$conf" ]; then
    log "$me: $conf does not exist, nothing to do"
    exit 0
fi
if [ ! -w "$conf" ]; then
    log "$me: $conf is not writable, left as it is"
    exit 0
fi
if ! cmp -s "$conf" "$shipped"; then
    log "$me: $conf differs from the image's default, left as it is"
    exit 0
fi
updated=$(sed -E 's/^([[:space:]]*)listen([[:space:]]+)80;/&\n\1listen\2[::]:80;/' "$conf")
printf '%s\n' "$updated" >"$conf"
log "$me: $conf now also listens on [::]:80"
