#!/usr/bin/env bash
# Proves `make run` works: the demo's tickets get owners and the receiver gets signed webhooks.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
make run >/dev/null
set -a; source .local/api-tokens.env; set +a
deadline=$((SECONDS + 60))
until owned=$(curl -fsS "http://127.0.0.1:8001/tickets?limit=200" \
      -H "Authorization: Bearer $INTAKE_API_TOKEN" |
    python3 -c 'import json,sys; print(sum(t["owner"] is not None for t in json.load(sys.stdin)["items"]))') \
  && (( owned > 0 )) && grep -q '"signature_valid": true' .local/logs/webhook-receiver.log; do
  (( SECONDS < deadline )) || { echo "smoke: no owner or no signed webhook after 60 s" >&2; exit 1; }
  sleep 1
done
echo "smoke: make run works ($owned tickets owned, signed webhooks received)"
infra/local/demo.sh down
infra/local/services.sh down >/dev/null
