#!/usr/bin/env bash
# Runs the app's database migrations (`node src/migrate.js` in the sample app) with the image
# about to be deployed, before `pulumi up` moves traffic to it, where the stack's app runs:
#   aws: a one-off Fargate task of the service's task definition with the new image, in the
#        service's subnets with its secrets (scripts/ecs-run-once.sh);
#   vps: a one-off container on the droplet, on the stack's internal data network where
#        PostgreSQL answers, with the stack's DATABASE_URL, over SSH with the pinned host key
#        (needs the deploy key in ssh-agent and this machine in slipway:vps.sshAllowedCidrs).
# Old replicas keep serving while it runs: migrations must work with the release before them.
#
# usage: bash scripts/migrate.sh STACK [IMAGE]
#   IMAGE           default: the stack's slipway:app.image (pinned by scripts/pin-image-digest.sh)
#   MIGRATE_COMMAND default: "node src/migrate.js" (split on spaces)
# Exit 0 when migrated, or when the stack has nothing deployed yet (first deploy: it prints so
# and writes deferred=true to $GITHUB_OUTPUT; run it again after pulumi up). Exit 1 when it failed.
set -euo pipefail
stack="${1:?usage: bash scripts/migrate.sh STACK [IMAGE]}"
image="${2:-$(pulumi config get --path 'slipway:app.image' --stack "$stack")}"
read -r -a command <<<"${MIGRATE_COMMAND:-node src/migrate.js}"
target="$(pulumi config get slipway:target --stack "$stack")"

# The output that exists once the stack has somewhere to run the migration.
case "$target" in
    aws) marker=ecsCluster ;;
    vps) marker=ipv4Address ;;
    *)
        echo "migrate.sh runs on aws and vps stacks; $stack is $target (the local app creates its schema at start, or run node app/src/migrate.js)" >&2
        exit 2
        ;;
esac
if ! pulumi stack output "$marker" --stack "$stack" >/dev/null 2>&1; then
    echo "$stack has nothing deployed yet (first deploy): migrate after pulumi up"
    if [[ -n "${GITHUB_OUTPUT:-}" ]]; then echo "deferred=true" >>"$GITHUB_OUTPUT"; fi
    exit 0
fi
echo "migrating $stack ($target) with $image: ${command[*]}"

status=0
if [[ "$target" == aws ]]; then
    bash "$(dirname "$0")/ecs-run-once.sh" "$stack" "$image" -- "${command[@]}" || status=$?
else
    # Trust exactly the host key the stack generated, never a key first seen on the wire.
    mkdir -p "$HOME/.ssh" && chmod 700 "$HOME/.ssh"
    pulumi stack output knownHostsLine --stack "$stack" >>"$HOME/.ssh/known_hosts"
    DATABASE_URL="$(pulumi stack output databaseUrl --show-secrets --stack "$stack")"
    export DATABASE_URL # passed by name below, so it never appears on a command line
    DOCKER_HOST="ssh://deploy@$(pulumi stack output ipv4Address --stack "$stack")"
    export DOCKER_HOST
    name="$stack-migrate-${GITHUB_RUN_ID:-$$}"
    timeout 900 docker run --rm --name "$name" --network "$(pulumi stack output dataNetwork --stack "$stack")" \
        --env DATABASE_URL --read-only --tmpfs /tmp:rw,noexec,nosuid,size=16m --cap-drop ALL \
        --security-opt no-new-privileges --memory 256m --label slipway.role=migrate \
        "$image" "${command[@]}" || status=$?
    if ((status == 124)); then
        docker rm --force "$name" >/dev/null 2>&1 || true
        echo "::error::the migration container did not finish within 15 minutes and was removed"
    fi
fi
if ((status != 0)); then
    echo "::error::migrations failed with $image (exit $status); nothing was deployed"
    exit 1
fi
echo "migrations applied"
