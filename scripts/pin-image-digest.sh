#!/usr/bin/env bash
# Pins the stack's slipway:app.image to the digest its tag names right now, in the stack
# config of this checkout (the deploy applies it; the file in git keeps the tag). What runs
# is then immutable, and the stack's `appImage` output names the exact image to roll back to.
# Needs pulumi (logged in, stack selectable), docker buildx and jq. Prints the pinned
# reference and writes `image=<ref>` to $GITHUB_OUTPUT when set.
# usage: bash scripts/pin-image-digest.sh STACK
set -euo pipefail
stack="${1:?usage: bash scripts/pin-image-digest.sh STACK}"
image="$(pulumi config get --path 'slipway:app.image' --stack "$stack")"
if [[ "$image" == *@sha256:* ]]; then
    pinned="$image"
else
    digest="$(docker buildx imagetools inspect "$image" --format '{{json .Manifest.Digest}}' | jq -r .)"
    if [[ ! "$digest" =~ ^sha256:[0-9a-f]{64}$ ]]; then
        echo "cannot resolve $image to a digest (got '$digest'): is it pushed, and can this runner pull it?" >&2
        exit 1
    fi
    pinned="$image@$digest"
    pulumi config set --path 'slipway:app.image' "$pinned" --stack "$stack"
fi
echo "$stack deploys $pinned"
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then echo "image=$pinned" >>"$GITHUB_OUTPUT"; fi
