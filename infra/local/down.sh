#!/usr/bin/env bash
# Stops the local Kafka broker and Postgres cluster started by infra/local/up.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$HERE/kafka.sh" down
"$HERE/postgres.sh" down
