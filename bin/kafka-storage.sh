#!/usr/bin/env bash
# Samsa's kafka-storage.sh: random-uuid, format (optional: Samsa needs no format step) and info, as Kafka's.
exec "$(dirname "${BASH_SOURCE[0]}")/samsa-run-class" io.samsa.tools.StorageCommand "$@"
