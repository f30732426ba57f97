#!/usr/bin/env bash
# The container's start command: the same `samsa server` a user runs, with the container's
# server.properties, the external listener advertised as $SAMSA_EXTERNAL_HOST, and any extra
# `--override key=value` arguments given to the container.
set -euo pipefail
home="${SAMSA_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
config="${SAMSA_CONFIG:-$home/docker/server.properties}"
external="${SAMSA_EXTERNAL_HOST:-localhost}"
exec "$home/bin/samsa" server "$config" \
  --override "advertised.listeners=INTERNAL://kafka:9092,EXTERNAL://${external}:9094" "$@"
