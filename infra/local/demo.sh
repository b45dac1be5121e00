#!/usr/bin/env bash
# Starts the demo webhook receiver on 127.0.0.1:8099, the mail sink on 127.0.0.1:2526 and seeds
# demo data:
#   demo.sh {receiver|mailsink|history|knowledge|automation|up|down}
# `mailsink` (also part of `receiver`) is the SMTP server notify and mail send to locally: aiosmtpd
# keeping every mail in the Maildir .local/mail/ (open them to follow survey or reply links).
# `history` (also part of `up`) seeds weeks of insights history: see seed_history below.
# `knowledge` (also part of `up`) seeds knowledge's articles and known errors in Chinese and
# English and prints a suggestion in each: see seed_knowledge below.
# `automation` (also part of `up`, after the demo desk) imports automation's demo rules and macro
# (infra/local/demo_rules.yaml, demo_macros.yaml, Chinese and English) and files a printer ticket
# the printer rule changes: see seed_automation below.
# `demo.sh traffic [--minutes N ...]` then runs the bounded traffic generator (python -m tools.demo).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN="$ROOT/.local/run"
PID="$RUN/webhook-receiver.pid"
SECRET="$ROOT/.local/demo/webhook-secret"
PORT="${TF_RECEIVER_PORT:-8099}"

SINK_PID="$RUN/mail-sink.pid"
SINK_PORT="${TF_MAIL_SINK_PORT:-2526}"

alive() { [[ -f "$PID" ]] && kill -0 "$(cat "$PID")" 2>/dev/null; }
sink_alive() { [[ -f "$SINK_PID" ]] && kill -0 "$(cat "$SINK_PID")" 2>/dev/null; }

mailsink() {
  mkdir -p "$RUN" "$ROOT/.local/logs" "$ROOT/.local/mail"
  if ! sink_alive; then
    "$ROOT/.venv/bin/python" -m aiosmtpd -n -l "127.0.0.1:$SINK_PORT" \
      -c aiosmtpd.handlers.Mailbox "$ROOT/.local/mail" \
      </dev/null >>"$ROOT/.local/logs/mail-sink.log" 2>&1 &
    echo $! >"$SINK_PID"
  fi
  local deadline=$((SECONDS + 30))
  until (exec 3<>"/dev/tcp/127.0.0.1/$SINK_PORT") 2>/dev/null; do
    (( SECONDS < deadline )) || { echo "mail sink did not start" >&2; exit 1; }
    sleep 0.2
  done
}

# The receiver starts before the services, so their first deliveries find it listening.
receiver() {
  mailsink
  mkdir -p "$RUN" "$ROOT/.local/logs"
  if ! alive; then
    cd "$ROOT"
    .venv/bin/python -m tools.webhook_receiver --port "$PORT" --secret-file "$SECRET" \
      </dev/null >>"$ROOT/.local/logs/webhook-receiver.log" 2>&1 &
    echo $! >"$PID"
  fi
  local deadline=$((SECONDS + 30))
  until (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do
    (( SECONDS < deadline )) || { echo "webhook receiver did not start" >&2; exit 1; }
    sleep 0.2
  done
}

up() {
  receiver
  set -a; source "$ROOT/.local/api-tokens.env"; set +a
  # Knowledge first: the demo tickets below then get suggestions on their timelines.
  seed_knowledge
  echo "demo: seeding agents, a webhook and tickets"
  (cd "$ROOT" && .venv/bin/python -m tools.seed_demo --receiver-url "http://127.0.0.1:$PORT/hooks" \
    --secret-file "$SECRET")
  seed_automation
  seed_history
}

# Automation's demo rules (POST /rules/import, upserted by name) and macro through its API, the
# facilities team the printer rule transfers to, and a Chinese printer ticket it fires on.
seed_automation() {
  set -a; source "$ROOT/.local/api-tokens.env"; set +a
  echo "demo: importing automation's demo rules and macro, filing a printer ticket"
  (cd "$ROOT" && .venv/bin/python -m tools.seed_automation)
}

# Published articles and problems with known errors (one resolved) from
# infra/local/demo_knowledge.json, through knowledge's API; a re-run finds them by title and adds
# nothing. Then a suggestion for a Chinese and an English question, printed.
seed_knowledge() {
  set -a; source "$ROOT/.local/api-tokens.env"; set +a
  echo "demo: seeding knowledge (Chinese and English) and asking it for suggestions"
  (cd "$ROOT" && .venv/bin/python -m tools.seed_knowledge)
}

# Weeks of made-up desk history for insights (forecasts, staffing, scorecards need some), applied
# straight to insights' facts, not published (the other services would act on it); a re-run
# with the same seed does nothing. `make run` seeds it before insights starts, so insights' first
# forecast already learns from it. TF_HISTORY_WEEKS=0 skips it; TF_HISTORY_VOLUME scales it.
seed_history() {
  local weeks="${TF_HISTORY_WEEKS:-6}"
  (( weeks > 0 )) || return 0
  set -a; source "$ROOT/.local/env"; set +a
  # Before the first `services.sh up` there is no token file yet: the command serves nothing.
  local token="${INSIGHTS_API_TOKEN:-}"
  if [[ -z "$token" && -f "$ROOT/.local/api-tokens.env" ]]; then
    token="$(sed -n 's/^INSIGHTS_API_TOKEN=//p' "$ROOT/.local/api-tokens.env")"
  fi
  [[ -n "$token" ]] || token="$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
  echo "demo: seeding $weeks weeks of insights history (seed ${TF_HISTORY_SEED:-7})"
  (cd "$ROOT" && env "INSIGHTS_DATABASE_URL=$TICKETFLOW_DATABASE_URL" \
    "INSIGHTS_KAFKA_BOOTSTRAP_SERVERS=$TICKETFLOW_KAFKA_BOOTSTRAP_SERVERS" \
    "INSIGHTS_API_TOKEN=$token" \
    .venv/bin/python -m ticketflow_insights seed-history --weeks "$weeks" \
    --seed "${TF_HISTORY_SEED:-7}" --volume "${TF_HISTORY_VOLUME:-1}")
}

traffic() {
  set -a; source "$ROOT/.local/env"; source "$ROOT/.local/api-tokens.env"; set +a
  cd "$ROOT" && .venv/bin/python -m tools.demo --flaky-url "http://127.0.0.1:$PORT/flaky" "$@"
}

down() {
  if alive; then kill -TERM "$(cat "$PID")"; fi
  if sink_alive; then kill -TERM "$(cat "$SINK_PID")"; fi
  rm -f "$PID" "$SINK_PID"
}

case "${1:-}" in
  receiver) receiver ;;
  mailsink) mailsink ;;
  history) seed_history ;;
  knowledge) seed_knowledge ;;
  automation) seed_automation ;;
  up) up ;;
  traffic) shift; traffic "$@" ;;
  down) down ;;
  *) echo "usage: $0 {receiver|mailsink|history|knowledge|automation|up|traffic [options]|down}" >&2; exit 2 ;;
esac
