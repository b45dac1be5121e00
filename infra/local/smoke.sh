#!/usr/bin/env bash
# Proves `make run` works: the demo's tickets get owners, the receiver gets signed webhooks,
# insights holds the demo history, knowledge suggests something for a Chinese and an English
# question and automation's printer rule fires on a new Chinese printer ticket (its line is
# printed), everything asked with the one credential (the identity admin key `make run` wrote,
# exchanged at identity for an access token).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
make run >/dev/null
set -a; source .local/api-tokens.env; set +a
ACCESS_TOKEN=$(curl -fsS -X POST http://127.0.0.1:8008/token \
    --data-urlencode grant_type=client_credentials --data-urlencode "client_secret=$TICKETFLOW_API_KEY" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])') \
  || { echo "smoke: identity does not exchange TICKETFLOW_API_KEY" >&2; exit 1; }
deadline=$((SECONDS + 60))
until owned=$(curl -fsS "http://127.0.0.1:8001/tickets?limit=200" \
      -H "Authorization: Bearer $ACCESS_TOKEN" |
    python3 -c 'import json,sys; print(sum(t["owner"] is not None for t in json.load(sys.stdin)["items"]))') \
  && (( owned > 0 )) && grep -q '"signature_valid": true' .local/logs/webhook-receiver.log; do
  (( SECONDS < deadline )) || { echo "smoke: no owner or no signed webhook after 60 s" >&2; exit 1; }
  sleep 1
done
since="$(date -u -d '-7 days' +%Y-%m-%dT%H:%M:%SZ)"
history=$(curl -fsS "http://127.0.0.1:8005/arrivals?interval=60&from=$since" \
    -H "Authorization: Bearer $ACCESS_TOKEN" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
(( history > 0 )) || { echo "smoke: insights has no arrivals in the last 7 days" >&2; exit 1; }
.venv/bin/python -m tools.seed_knowledge --check >/dev/null \
  || { echo "smoke: knowledge suggests nothing for the zh or the en demo question" >&2; exit 1; }
fired=$(.venv/bin/python -m tools.seed_automation --check) \
  || { echo "smoke: automation's printer rule did not fire on a demo ticket" >&2; exit 1; }
echo "smoke: $fired"
echo "smoke: make run works ($owned tickets owned, signed webhooks received, $history arrivals in insights' last week, knowledge suggests in zh and en, a rule fired)"
infra/local/demo.sh down
infra/local/services.sh down >/dev/null
