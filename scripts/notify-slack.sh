#!/usr/bin/env bash
# Posts one line about a deployment to a Slack incoming webhook ($SLACK_WEBHOOK_URL). A
# missing webhook or a Slack outage is a warning, never a failed deploy.
# usage: SLACK_WEBHOOK_URL=... bash scripts/notify-slack.sh STACK STATUS [DETAIL]
#   STATUS: success | failure | cancelled (GitHub's job.status); DETAIL: free text, e.g. a rollback note
set -euo pipefail
stack="${1:?usage: bash scripts/notify-slack.sh STACK STATUS [DETAIL]}"
status="${2:?usage: bash scripts/notify-slack.sh STACK STATUS [DETAIL]}"
detail="${3:-}"
if [[ -z "${SLACK_WEBHOOK_URL:-}" ]]; then
    echo "::warning::SLACK_WEBHOOK_URL is not set: no deploy notification sent"
    exit 0
fi
case "$status" in
    success) icon=":white_check_mark:" ;;
    failure) icon=":x:" ;;
    *) icon=":warning:" ;;
esac
repo="${GITHUB_REPOSITORY:-local}"
sha="${GITHUB_SHA:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}"
run_url="${GITHUB_SERVER_URL:-https://github.com}/$repo/actions/runs/${GITHUB_RUN_ID:-0}"
text="$icon Deploy of $repo@${sha:0:7} to *$stack*: $status${detail:+ ($detail)} by ${GITHUB_ACTOR:-${USER:-someone}} <$run_url|run log>"
if ! jq -n --arg text "$text" '{text: $text}' |
    curl --fail --silent --show-error --max-time 10 --retry 2 \
        -H 'Content-Type: application/json' --data @- "$SLACK_WEBHOOK_URL" >/dev/null; then
    echo "::warning::the Slack webhook did not accept the deploy notification"
fi
