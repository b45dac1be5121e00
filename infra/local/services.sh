#!/usr/bin/env bash
# Starts or stops the seven Ticketflow services as background processes on 127.0.0.1.
# Mail also listens for SMTP on 127.0.0.1:${MAIL_SMTP_GATEWAY_PORT:-2525} (a mail transfer agent
# relays to it) and, like notify, sends its mails to the local sink demo.sh starts (mailsink:
# 127.0.0.1:${TF_MAIL_SINK_PORT:-2526}, each mail kept in .local/mail/, a Maildir).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN="$ROOT/.local/run"
LOGS="$ROOT/.local/logs"
SERVICES=(intake routing sla notify insights knowledge mail)
declare -A PORTS=([intake]=8001 [routing]=8002 [sla]=8003 [notify]=8004 [insights]=8005 [knowledge]=8006 [mail]=8007)

alive() { [[ -f "$RUN/$1.pid" ]] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

api_tokens() {
  # One bearer token per service, generated once, kept out of git and out of logs.
  # A service added later (insights) gets its token appended to an existing file.
  local file="$ROOT/.local/api-tokens.env"
  (umask 077; touch "$file"; for s in "${SERVICES[@]}"; do
    grep -q "^${s^^}_API_TOKEN=" "$file" \
      || echo "${s^^}_API_TOKEN=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
  done >>"$file")
  # Knowledge signs access tokens; notify signs the "this solved it" links knowledge verifies.
  grep -q "^KNOWLEDGE_ACCESS_TOKEN_SECRET=" "$file" \
    || echo "KNOWLEDGE_ACCESS_TOKEN_SECRET=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')" >>"$file"
  if ! grep -q "^KNOWLEDGE_ANSWER_LINK_SECRET=" "$file"; then
    local link; link="$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
    printf 'KNOWLEDGE_ANSWER_LINK_SECRET=%s\nNOTIFY_KNOWLEDGE_ANSWER_LINK_SECRET=%s\n' "$link" "$link" >>"$file"
  fi
  # Notify signs the survey and approve/reject links intake verifies: one secret per pair.
  local pair
  for pair in SURVEY APPROVAL; do
    if ! grep -q "^INTAKE_${pair}_LINK_SECRET=" "$file"; then
      local secret; secret="$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
      printf 'INTAKE_%s_LINK_SECRET=%s\nNOTIFY_%s_LINK_SECRET=%s\n' "$pair" "$secret" "$pair" "$secret" >>"$file"
    fi
  done
  # Mail signs access tokens to its attachments API for agents and requesters.
  grep -q "^MAIL_ACCESS_TOKEN_SECRET=" "$file" \
    || echo "MAIL_ACCESS_TOKEN_SECRET=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')" >>"$file"
  echo "$file"
}

up() {
  [[ -f "$ROOT/.local/env" ]] || { echo "run infra/local/up.sh first" >&2; exit 1; }
  mkdir -p "$RUN" "$LOGS"
  set -a; source "$ROOT/.local/env"; source "$(api_tokens)"; set +a
  local SINK_PORT="${TF_MAIL_SINK_PORT:-2526}"
  for s in "${SERVICES[@]}"; do
    if alive "$s"; then echo "$s: already running (pid $(cat "$RUN/$s.pid"))"; continue; fi
    local p="${s^^}"
    env "${p}_DATABASE_URL=$TICKETFLOW_DATABASE_URL" \
        "${p}_KAFKA_BOOTSTRAP_SERVERS=$TICKETFLOW_KAFKA_BOOTSTRAP_SERVERS" \
        "${p}_HTTP_PORT=${PORTS[$s]}" \
        "NOTIFY_ALLOWED_PRIVATE_NETWORKS=[\"127.0.0.0/8\"]" \
        "NOTIFY_SMTP_PORT=${NOTIFY_SMTP_PORT:-$SINK_PORT}" \
        "MAIL_SMTP_GATEWAY_PORT=${MAIL_SMTP_GATEWAY_PORT:-2525}" \
        "MAIL_SMTP_RELAY_HOST=${MAIL_SMTP_RELAY_HOST:-127.0.0.1}" \
        "MAIL_SMTP_RELAY_PORT=${MAIL_SMTP_RELAY_PORT:-$SINK_PORT}" \
        "$ROOT/.venv/bin/python" -m "ticketflow_$s" </dev/null >>"$LOGS/$s.log" 2>&1 &
    echo $! >"$RUN/$s.pid"
    echo "$s: started (pid $!, log .local/logs/$s.log)"
  done
  local deadline=$((SECONDS + 90))
  for s in "${SERVICES[@]}"; do
    until curl -fsS "http://127.0.0.1:${PORTS[$s]}/readyz" >/dev/null 2>&1; do
      if ! alive "$s"; then echo "$s exited; last log lines:" >&2; tail -20 "$LOGS/$s.log" >&2; exit 1; fi
      if (( SECONDS > deadline )); then echo "$s not ready after 90 s" >&2; exit 1; fi
      sleep 0.3
    done
    echo "$s: ready on http://127.0.0.1:${PORTS[$s]}"
  done
}

down() {
  for s in "${SERVICES[@]}"; do
    if alive "$s"; then kill -TERM "$(cat "$RUN/$s.pid")"; fi
  done
  for s in "${SERVICES[@]}"; do
    local deadline=$((SECONDS + 30))
    while alive "$s" && (( SECONDS < deadline )); do sleep 0.2; done
    if alive "$s"; then kill -KILL "$(cat "$RUN/$s.pid")"; fi
    rm -f "$RUN/$s.pid"
  done
  echo "services stopped"
}

status() {
  for s in "${SERVICES[@]}"; do
    if alive "$s"; then echo "$s: running (pid $(cat "$RUN/$s.pid"))"; else echo "$s: stopped"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 {up|down|status}" >&2; exit 2 ;;
esac
