#!/usr/bin/env bash
# Writes `npm run plan -- --stack S --json` of the checkout in the current directory to
# OUT_DIR/S.json for each stack, for scripts/cost-delta.ts. A plan that exits 3 (a mandatory
# policy failed) still printed its document and is kept; any other failure leaves an empty
# file, which the cost comment shows as "plan failed" (the preview job reports the error).
# usage: bash scripts/plan-json.sh OUT_DIR STACK...
set -euo pipefail
if (($# < 2)); then
    echo "usage: bash scripts/plan-json.sh OUT_DIR STACK..." >&2
    exit 2
fi
out="$1"
shift
mkdir -p "$out"
for stack in "$@"; do
    status=0
    npm run --silent plan -- --stack "$stack" --json >"$out/$stack.json" || status=$?
    case "$status" in
        0 | 3) echo "plan $stack: $(wc -c <"$out/$stack.json") bytes (exit $status)" ;;
        *)
            : >"$out/$stack.json"
            echo "::warning::npm run plan -- --stack $stack failed (exit $status) in $(pwd)"
            ;;
    esac
done
