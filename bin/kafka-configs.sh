#!/usr/bin/env bash
# Samsa's kafka-configs.sh, with the options and output of Kafka's: see --help.
exec "$(dirname "${BASH_SOURCE[0]}")/samsa-run-class" io.samsa.tools.ConfigsCommand "$@"
