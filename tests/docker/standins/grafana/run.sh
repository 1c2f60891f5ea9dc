#!/bin/sh
# The stand-in's /run.sh: the official run.sh's checks and GF_*__FILE handling, then the
# stand-in server (bin/grafana). Stricter than upstream in one place: an unreadable __FILE
# stops the container here (upstream's `export X="$(cat F)"` may carry on with an empty value).
set -e
if [ ! -r "$GF_PATHS_CONFIG" ]; then echo "GF_PATHS_CONFIG='$GF_PATHS_CONFIG' is not readable."; fi
if [ ! -w "$GF_PATHS_DATA" ]; then echo "GF_PATHS_DATA='$GF_PATHS_DATA' is not writable."; fi
if [ ! -r "$GF_PATHS_HOME" ]; then echo "GF_PATHS_HOME='$GF_PATHS_HOME' is not readable."; fi
for VAR_NAME in $(env | grep '^GF_[^=]\+__FILE=.\+' | sed -r "s/([^=]*)__FILE=.*/\1/g"); do
    VAR_NAME_FILE="$VAR_NAME"__FILE
    eval VAR="\$$VAR_NAME"
    if [ "${VAR}" ]; then
        echo >&2 "ERROR: Both $VAR_NAME and $VAR_NAME_FILE are set (but are exclusive)"
        exit 1
    fi
    eval FILE="\$$VAR_NAME_FILE"
    echo "Getting secret $VAR_NAME from ${FILE}"
    value="$(cat "${FILE}")" || { echo >&2 "ERROR: cannot read $VAR_NAME_FILE=${FILE}"; exit 1; }
    export "$VAR_NAME"="$value"
    unset "$VAR_NAME_FILE"
done
export HOME="$GF_PATHS_HOME"
exec grafana server "$@"
