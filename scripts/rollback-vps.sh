#!/usr/bin/env bash
# Puts the droplet's app back on the image it ran before a failed deploy: the deploy workflow
# read that image from the stack's `appImage` output before it started, and passes it here.
# Replicas roll one at a time and each must be healthy, so the known-good image comes back the
# same careful way. Database migrations are not undone: they are written to work with the
# previous release (see docs/runbooks/rollback.md).
# usage: bash scripts/rollback-vps.sh STACK PREVIOUS_IMAGE
set -euo pipefail
stack="${1:?usage: bash scripts/rollback-vps.sh STACK PREVIOUS_IMAGE}"
previous="${2:?usage: bash scripts/rollback-vps.sh STACK PREVIOUS_IMAGE}"
echo "rolling $stack back to $previous"
pulumi config set --path 'slipway:app.image' "$previous" --stack "$stack"
pulumi up --yes --skip-preview --stack "$stack" --message "Roll back to $previous after a failed deploy of ${GITHUB_SHA:-this commit}"
echo "$stack is back on $previous"
