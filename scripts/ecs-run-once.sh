#!/usr/bin/env bash
# Runs one command to completion as a one-off Fargate task shaped like the stack's app service:
# the service's task definition (its secrets such as DATABASE_URL, roles and log group) with
# IMAGE instead of the app's image, in the service's subnets and security group, so it reaches
# the database exactly as the app does. Prints the task's log and exits with its exit code.
# Used by scripts/migrate.sh and by the runbooks (restores, checks from inside the VPC).
#
# usage: bash scripts/ecs-run-once.sh STACK IMAGE [--env NAME=VALUE]... -- COMMAND [ARG]...
# Needs pulumi (for the stack's ecsCluster and ecsService outputs), the aws CLI and jq.
set -euo pipefail
usage="usage: bash scripts/ecs-run-once.sh STACK IMAGE [--env NAME=VALUE]... -- COMMAND [ARG]..."
stack="${1:?$usage}"
image="${2:?$usage}"
shift 2
environment='[]'
while (($# > 0)) && [[ "$1" != "--" ]]; do
    if [[ "$1" != "--env" || $# -lt 2 || "$2" != *=* ]]; then
        echo "$usage" >&2
        exit 2
    fi
    environment="$(jq -c --arg kv "$2" '. + [{name: ($kv | split("=")[0]), value: ($kv | split("=")[1:] | join("="))}]' <<<"$environment")"
    shift 2
done
if (($# < 2)); then
    echo "$usage" >&2
    exit 2
fi
shift # --
# NUL-separated through jq: every argument stays one string (jq's own --args would parse "-c").
command_json="$(printf '%s\0' "$@" | jq -Rsc 'split("\u0000") | .[:-1]')"

cluster="$(pulumi stack output ecsCluster --stack "$stack")"
service="$(pulumi stack output ecsService --stack "$stack")"
service_json="$(aws ecs describe-services --cluster "$cluster" --services "$service" --query 'services[0]' --output json)"
network="$(jq -c '.networkConfiguration' <<<"$service_json")"

# A family of its own, so the service's revisions stay the ones Pulumi manages; no port and no
# health check, since nothing is served.
task_definition="$(aws ecs describe-task-definition --task-definition "$(jq -r '.taskDefinition' <<<"$service_json")" \
    --query taskDefinition --output json |
    jq --arg image "$image" '
        .family += "-once"
        | .containerDefinitions |= map(if .name == "app" then (.image = $image | del(.portMappings, .healthCheck)) else . end)
        | del(.taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities, .registeredAt, .registeredBy, .deregisteredAt)')"
once_arn="$(aws ecs register-task-definition --cli-input-json "$task_definition" --query taskDefinition.taskDefinitionArn --output text)"
trap 'aws ecs deregister-task-definition --task-definition "$once_arn" >/dev/null || true' EXIT

overrides="$(jq -cn --argjson cmd "$command_json" --argjson env "$environment" '{containerOverrides: [{name: "app", command: $cmd, environment: $env}]}')"
task="$(aws ecs run-task --cluster "$cluster" --task-definition "$once_arn" --launch-type FARGATE \
    --network-configuration "$network" --overrides "$overrides" --started-by slipway-run-once \
    --query 'tasks[0].taskArn' --output text)"
if [[ ! "$task" =~ ^arn: ]]; then
    echo "::error::ECS did not start the one-off task of $image"
    exit 1
fi
echo "one-off task ${task##*/}: $image $*"
# `wait tasks-stopped` polls every 6 s, 100 times: at most 10 minutes.
if ! aws ecs wait tasks-stopped --cluster "$cluster" --tasks "$task"; then
    aws ecs stop-task --cluster "$cluster" --task "$task" --reason "one-off task exceeded 10 minutes" >/dev/null || true
    echo "::error::the one-off task did not finish within 10 minutes and was stopped"
    exit 1
fi

result="$(aws ecs describe-tasks --cluster "$cluster" --tasks "$task" --query 'tasks[0]' --output json)"
exit_code="$(jq -r '[.containers[] | select(.name == "app") | .exitCode][0] // "none"' <<<"$result")"
log_group="$(jq -r '.containerDefinitions[] | select(.name == "app") | .logConfiguration.options["awslogs-group"]' <<<"$task_definition")"
log_prefix="$(jq -r '.containerDefinitions[] | select(.name == "app") | .logConfiguration.options["awslogs-stream-prefix"]' <<<"$task_definition")"
echo "--- task log ($log_group)"
aws logs get-log-events --log-group-name "$log_group" --log-stream-name "$log_prefix/app/${task##*/}" \
    --limit 200 --query 'events[].message' --output text || echo "(log stream not found)"
if [[ "$exit_code" != "0" ]]; then
    echo "::error::the one-off task exited with $exit_code ($(jq -r '.stoppedReason // "no reason given"' <<<"$result"))"
    exit 1
fi
