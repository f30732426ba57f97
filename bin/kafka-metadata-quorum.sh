#!/usr/bin/env bash
# Samsa's kafka-metadata-quorum.sh: describe --status | --replication, with the output of Kafka's: see --help.
exec "$(dirname "${BASH_SOURCE[0]}")/samsa-run-class" io.samsa.tools.MetadataQuorumCommand "$@"
