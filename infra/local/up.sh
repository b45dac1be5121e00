#!/usr/bin/env bash
# Starts local Postgres and Kafka (127.0.0.1 only), writes .local/env and creates the Kafka topics.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/infra/local"
PG_PORT="${TF_PG_PORT:-25432}"
BOOTSTRAP="127.0.0.1:${TF_KAFKA_PORT:-29092}"

"$HERE/postgres.sh" up
"$HERE/kafka.sh" up

(
  umask 077
  cat >"$ROOT/.local/env" <<EOF
TICKETFLOW_DATABASE_URL=postgresql://ticketflow:$(cat "$ROOT/.local/postgres/password")@127.0.0.1:$PG_PORT/ticketflow
TICKETFLOW_KAFKA_BOOTSTRAP_SERVERS=$BOOTSTRAP
EOF
)
chmod 600 "$ROOT/.local/env"

if [[ -f "$ROOT/libs/common/src/ticketflow_common/kafka_topics.py" && -x "$ROOT/.venv/bin/python" ]]; then
  echo "kafka: creating topics..."
  (cd "$ROOT" && .venv/bin/python -m ticketflow_common.kafka_topics --bootstrap-servers "$BOOTSTRAP")
fi

cat <<EOF

Local stack is up (listening on 127.0.0.1 only):
  postgres  127.0.0.1:$PG_PORT  role+db ticketflow  data and log: $("$HERE/postgres.sh" where)
  kafka     $BOOTSTRAP  KRaft, controller on :${TF_KAFKA_CONTROLLER_PORT:-29093}  data: .local/kafka/data  logs: .local/kafka/logs/
  settings  .local/env (TICKETFLOW_DATABASE_URL, TICKETFLOW_KAFKA_BOOTSTRAP_SERVERS)
Stop with infra/local/down.sh
EOF
