#!/usr/bin/env bash
# Waits for the ECS deployment `pulumi up` just started and fails if it did not complete.
# `pulumi up` returns once ECS accepted the new task definition; the service's deployment
# circuit breaker (components/web-tier/aws.ts: enable + rollback) then either completes the
# roll or, when new tasks keep failing, rolls the service back to the last good task definition
# by itself. This script makes that outcome the job's outcome.
# usage: bash scripts/verify-ecs-deploy.sh STACK        (polls every 15 s for at most 30 minutes)
set -euo pipefail
stack="${1:?usage: bash scripts/verify-ecs-deploy.sh STACK}"
cluster="$(pulumi stack output ecsCluster --stack "$stack")"
service="$(pulumi stack output ecsService --stack "$stack")"
describe() { aws ecs describe-services --cluster "$cluster" --services "$service" --query 'services[0]' --output json; }
expected="$(describe | jq -r '.taskDefinition')"
echo "waiting for $service to run ${expected##*/}"
for _ in $(seq 1 120); do
    primary="$(describe | jq -c '[.deployments[] | select(.status == "PRIMARY")][0]')"
    state="$(jq -r '.rolloutState' <<<"$primary")"
    running="$(jq -r '.taskDefinition' <<<"$primary")"
    if [[ "$running" != "$expected" ]]; then
        echo "::error::the circuit breaker rolled $service back to ${running##*/}: the new tasks did not become healthy (see the service events)"
        exit 1
    fi
    case "$state" in
        COMPLETED)
            echo "$service completed its deployment of ${expected##*/}"
            exit 0
            ;;
        FAILED)
            echo "::error::the deployment of ${expected##*/} failed: $(jq -r '.rolloutStateReason' <<<"$primary")"
            exit 1
            ;;
    esac
    echo "  $state: $(jq -r '"\(.runningCount)/\(.desiredCount) running, \(.failedTasks) failed"' <<<"$primary")"
    sleep 15
done
echo "::error::the deployment of ${expected##*/} did not complete within 30 minutes"
exit 1
