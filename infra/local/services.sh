#!/usr/bin/env bash
# Starts or stops the Ticketflow services (the nine of the backbone and the console on 8010) as background processes on 127.0.0.1: identity
# (127.0.0.1:8008) first, whose access tokens every other service verifies (<SVC>_IDENTITY_ISSUER,
# its key set at /.well-known/jwks.json); then `up` bootstraps an identity admin once and writes
# its API key to .local/api-tokens.env (TICKETFLOW_API_KEY): the one credential the CLI, the demo
# seeding and the operator act with. The services' own *_API_TOKENs only set identity up.
# Mail also listens for SMTP on 127.0.0.1:${MAIL_SMTP_GATEWAY_PORT:-2525} (a mail transfer agent
# relays to it) and, like notify, sends its mails to the local sink demo.sh starts (mailsink:
# 127.0.0.1:${TF_MAIL_SINK_PORT:-2526}, each mail kept in .local/mail/, a Maildir).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN="$ROOT/.local/run"
LOGS="$ROOT/.local/logs"
SERVICES=(identity intake routing sla notify insights knowledge mail automation console)
declare -A PORTS=([intake]=8001 [routing]=8002 [sla]=8003 [notify]=8004 [insights]=8005 [knowledge]=8006 [mail]=8007 [identity]=8008 [automation]=8009 [console]=8010)
IDENTITY_URL="http://127.0.0.1:${PORTS[identity]}"

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
  # The console signs its session cookies with this secret.
  grep -q "^CONSOLE_SESSION_SECRET=" "$file" \
    || echo "CONSOLE_SESSION_SECRET=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')" >>"$file"
  # Identity keeps its Ed25519 signing keys encrypted at rest with this secret.
  grep -q "^IDENTITY_SIGNING_KEY_SECRET=" "$file" \
    || echo "IDENTITY_SIGNING_KEY_SECRET=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')" >>"$file"
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
        "${p}_IDENTITY_ISSUER=$IDENTITY_URL" \
        "IDENTITY_PUBLIC_URL=$IDENTITY_URL" \
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
  bootstrap_admin
}

# True when identity exchanges the key for an access token (it exists and is not revoked).
key_works() {
  [[ -n "$1" ]] && curl -fsS -o /dev/null -X POST "$IDENTITY_URL/token" \
    --data-urlencode grant_type=client_credentials --data-urlencode "client_secret=$1" 2>/dev/null
}

# An identity admin for this checkout (TF_ADMIN_EMAIL), made once with identity's operator command
# (its database, not its HTTP API); a new key for it only when identity no longer takes the one
# in the file (a wiped database, a revoked key).
bootstrap_admin() {
  local file="$ROOT/.local/api-tokens.env" key
  key="$(sed -n 's/^TICKETFLOW_API_KEY=//p' "$file" | tail -1)"
  if key_works "$key"; then echo "identity: admin key in .local/api-tokens.env works"; return 0; fi
  set -a; source "$ROOT/.local/env"; source "$file"; set +a
  key="$(env "IDENTITY_DATABASE_URL=$TICKETFLOW_DATABASE_URL" \
      "IDENTITY_KAFKA_BOOTSTRAP_SERVERS=$TICKETFLOW_KAFKA_BOOTSTRAP_SERVERS" \
      "IDENTITY_PUBLIC_URL=$IDENTITY_URL" \
      "$ROOT/.venv/bin/python" -m ticketflow_identity bootstrap-admin \
      --name "${TF_ADMIN_NAME:-local admin}" --email "${TF_ADMIN_EMAIL:-admin@ticketflow.localhost}" \
      2>>"$LOGS/identity.log" \
    | grep -o 'tfid_[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*' | head -1)" || true
  if [[ -z "$key" ]]; then
    echo "identity: bootstrap-admin printed no key; see .local/logs/identity.log" >&2; exit 1
  fi
  (umask 077; sed -i '/^TICKETFLOW_API_KEY=/d' "$file"; echo "TICKETFLOW_API_KEY=$key" >>"$file")
  key_works "$key" || { echo "identity: refuses the new admin key" >&2; exit 1; }
  echo "identity: bootstrapped an admin; its key is TICKETFLOW_API_KEY in .local/api-tokens.env"
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
