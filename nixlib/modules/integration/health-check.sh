#!/usr/bin/env bash
# A unit's start check (health.nix): waits until the service's health endpoint answers
# 200, for at most SECONDS seconds; then fails with MESSAGE on stderr, which the unit's
# journal and `nixos-rebuild switch` show.
#
# Usage: health-check.sh URL SECONDS MESSAGE
# Each try is bounded (curl --max-time 2), so the wait ends within about SECONDS + 3 s.
set -u

if [ $# -ne 3 ]; then
  echo "usage: health-check.sh URL SECONDS MESSAGE" >&2
  exit 2
fi
url=$1
wait_for=$2
message=$3

deadline=$((SECONDS + wait_for))
until curl --fail --silent --output /dev/null --max-time 2 "$url"; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "$message" >&2
    exit 1
  fi
  sleep 1
done
