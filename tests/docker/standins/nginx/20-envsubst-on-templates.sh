#!/bin/sh
# Hook of the nginx stand-in's /docker-entrypoint.sh, Slipway's own implementation of the
# official hook's documented contract: every `*.template` file under /etc/nginx/templates
# (NGINX_ENVSUBST_TEMPLATE_DIR, NGINX_ENVSUBST_TEMPLATE_SUFFIX; subdirectories kept) is written
# to /etc/nginx/conf.d (NGINX_ENVSUBST_OUTPUT_DIR) without the suffix, through envsubst limited
# to the variables that are defined (and match the ERE NGINX_ENVSUBST_FILTER when set), so
# nginx's own `$host`, `$remote_addr` … survive. No template directory: nothing to do; an output
# directory that is not writable (a read-only root): a line, and nothing is written.
# Not implemented: the stream templates (NGINX_ENVSUBST_STREAM_TEMPLATE_*). Our payload uses
# none of this (no templates; its container bypasses the entrypoint).
set -eu
{ true >&3; } 2>/dev/null || exec 3>&1
me=$(basename "$0")
log() { printf '%s\n' "$*" >&3; }

template_dir=${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}
suffix=${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}
output_dir=${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}

[ -d "$template_dir" ] || exit 0
if [ ! -w "$output_dir" ]; then
    log "$me: error: $template_dir exists but $output_dir is not writable: templates not rendered"
    exit 0
fi

# envsubst's SHELL-FORMAT: `${NAME} ` for each variable set in the environment.
formats=$(awk -v filter="${NGINX_ENVSUBST_FILTER:-}" 'BEGIN {
    for (name in ENVIRON)
        if (name ~ /^[A-Za-z_][A-Za-z0-9_]*$/ && (filter == "" || name ~ filter)) printf "${%s} ", name
}')

find -L "$template_dir" -type f -name "*$suffix" | sort | while IFS= read -r template; do
    relative=${template#"$template_dir"/}
    output="$output_dir/${relative%"$suffix"}"
    mkdir -p "$(dirname "$output")"
    log "$me: $template -> $output (envsubst)"
    envsubst "$formats" <"$template" >"$output"
done
