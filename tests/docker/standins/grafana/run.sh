#!/bin/sh
# The grafana stand-in's /run.sh: Slipway's own implementation of the contract the official
# image documents for its entrypoint. Implemented: for every variable GF_<NAME>__FILE, the
# content of that file becomes GF_<NAME> (both set is refused; an unreadable file stops the
# container — stricter than upstream, which may carry on with an empty value); a note when the
# config is unreadable or the data or home directory is not usable; then `grafana server "$@"`
# with HOME at GF_PATHS_HOME. Not implemented: AWS profile files from GF_AWS_* variables and
# plugin installation from GF_INSTALL_PLUGINS (the payload uses neither).
set -eu

note() { printf 'run.sh: %s\n' "$*" >&2; }

[ -r "$GF_PATHS_CONFIG" ] || note "the config file $GF_PATHS_CONFIG cannot be read"
[ -w "$GF_PATHS_DATA" ] || note "the data directory $GF_PATHS_DATA is not writable"
[ -r "$GF_PATHS_HOME" ] || note "the home directory $GF_PATHS_HOME cannot be read"

# Names only: the values (file paths) are read below, one variable at a time.
file_vars=$(env | sed -n 's/^\(GF_[A-Za-z0-9_]*\)__FILE=..*$/\1/p')
for name in $file_vars; do
    current="" path=""
    eval "current=\${$name-}"
    eval "path=\${${name}__FILE}"
    if [ -n "$current" ]; then
        note "$name and ${name}__FILE are both set; they are exclusive"
        exit 1
    fi
    if ! value=$(cat -- "$path"); then
        note "${name}__FILE=$path cannot be read"
        exit 1
    fi
    export "$name=$value"
    unset "${name}__FILE"
    note "$name read from $path"
done

HOME=$GF_PATHS_HOME
export HOME
exec grafana server "$@"
