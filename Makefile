# Ticketflow: `make run` starts everything on loopback, `make test` runs the whole suite.
SHELL := /bin/bash
# uv is installed per checkout into .local/ (pip --target), not over the machine's own.
UV_VERSION := 0.13.8
UV_DIR := .local/uv-$(UV_VERSION)
UV := $(UV_DIR)/bin/uv

.PHONY: install run stop test chaos console-e2e lint deploy-check schema contracts dashboards admin-key intake-admin-key bench bench-intake bench-services bench-insights bench-knowledge bench-knowledge-eval bench-mail bench-automation bench-console infra-up infra-down services-up services-down demo demo-seed

install:  ## the whole workspace from uv.lock, dev tools included
	@[[ -x $(UV) ]] || python3 -m pip install -q --root-user-action=ignore --disable-pip-version-check --target $(UV_DIR) "uv==$(UV_VERSION)"
	@$(UV) sync --frozen --quiet

infra-up: install
	@infra/local/up.sh

infra-down:
	@infra/local/down.sh

services-up: infra-up
	@infra/local/demo.sh receiver
	@infra/local/demo.sh history
	@infra/local/services.sh up

services-down:
	@infra/local/services.sh down

demo-seed:
	@infra/local/demo.sh up

demo: services-up demo-seed  ## a desk and MINUTES (5) of traffic; Prometheus on 127.0.0.1:9090
	@infra/local/prometheus.sh up
	@infra/local/demo.sh traffic --minutes "$${MINUTES:-5}"

run: services-up demo-seed  ## infra, the nine services, an identity admin, demo data and weeks of insights history
	@echo
	@echo "Ticketflow is running on 127.0.0.1:"
	@for s in intake:8001 routing:8002 sla:8003 notify:8004 insights:8005 knowledge:8006 mail:8007 identity:8008 automation:8009 console:8010; do \
	  n=$${s%%:*}; p=$${s##*:}; \
	  printf '  %-10s API docs http://127.0.0.1:%s/docs   health /healthz /readyz   metrics /metrics\n' $$n $$p; \
	done
	@echo "  one credential: TICKETFLOW_API_KEY in .local/api-tokens.env, an identity admin's key; POST it to"
	@echo "    :8008/token for an access token every service takes (the *_API_TOKENs only set identity up)"
	@echo "  logs: .local/logs/    webhooks: .local/logs/webhook-receiver.log"
	@echo "  insights holds $${TF_HISTORY_WEEKS:-6} weeks of made-up demo history (not on the topics; README: Demo history)"
	@echo "  knowledge holds demo articles and known errors in Chinese and English (README: Knowledge)"
	@echo "  automation holds demo rules and a macro in Chinese and English (infra/local/demo_rules.yaml; docs/automation.md)"
	@echo "  mail: SMTP gateway 127.0.0.1:2525 (mail to it becomes tickets); mails sent land in .local/mail/ (README: Email)"
	@echo "  console (agents' web pages): http://127.0.0.1:8010/ sign in with an identity API key (docs/console.md)"
	@echo "  command line: uv run ticketflow --help   (tickets, follow, sla, routing, dlq, deliveries, knowledge)"
	@echo "  stop everything with: make stop"

stop:
	@infra/local/prometheus.sh down
	@infra/local/demo.sh down
	@infra/local/services.sh down
	@infra/local/down.sh

lint: install
	@$(UV) run ruff format --check .
	@$(UV) run ruff check .
	@$(UV) run mypy libs/common/src libs/cli/src services/*/src tests tools bench
	@$(UV) run lint-imports --no-cache
	@for member in libs/common libs/cli services/*/; do \
	  (cd "$$member" && $(CURDIR)/.venv/bin/deptry --no-ansi src 2>&1 | grep -v -e '^Scanning' -e '^$$'; exit "$${PIPESTATUS[0]}") || exit 1; \
	done
	@infra/local/openapi_lint.sh

test: install deploy-check  ## tests start their own infra: env URLs, else testcontainers, else infra/local
	@$(UV) run pytest

deploy-check:  ## helm lint + helm template | kubeconform -strict, offline (helm, kubeconform built into .local/bin once)
	@infra/local/deploy_check.sh

console-e2e: install  ## the console in headless Chromium (/usr/bin/chromium) against the real services; screenshots to docs/console/ (~3 min)
	@infra/local/chromium.sh install
	@$(UV) run pytest -m browser tests/e2e/test_console.py tests/e2e/test_console_lead.py

chaos: install  ## kill -9 each service, restart Kafka and Postgres under load (local infra only)
	@env -u TICKETFLOW_DATABASE_URL -u TICKETFLOW_KAFKA_BOOTSTRAP_SERVERS $(UV) run pytest -m chaos tests/e2e/test_chaos.py

schema: infra-up  ## rewrite services/*/schema.txt from what the migrations produce
	@set -a; source .local/env; set +a; \
	  $(UV) run python -m ticketflow_common.schema_catalog --database-url "$$TICKETFLOW_DATABASE_URL" --write

admin-key: infra-up  ## print a new identity admin API key (every service): make admin-key NAME=ops
	@set -a; source .local/env; source .local/api-tokens.env; set +a; \
	  IDENTITY_DATABASE_URL="$$TICKETFLOW_DATABASE_URL" \
	  IDENTITY_KAFKA_BOOTSTRAP_SERVERS="$$TICKETFLOW_KAFKA_BOOTSTRAP_SERVERS" \
	  $(UV) run python -m ticketflow_identity bootstrap-admin --name "$${NAME:-admin}"

intake-admin-key: infra-up  ## print a new intake-only admin API key (tfk_...): make intake-admin-key NAME=ops
	@set -a; source .local/env; source .local/api-tokens.env; set +a; \
	  INTAKE_DATABASE_URL="$$TICKETFLOW_DATABASE_URL" \
	  INTAKE_KAFKA_BOOTSTRAP_SERVERS="$$TICKETFLOW_KAFKA_BOOTSTRAP_SERVERS" \
	  $(UV) run python -m ticketflow_intake create-admin --name "$${NAME:-admin}"

bench-intake: infra-up  ## POST /tickets beside a bare FastAPI + asyncpg insert
	@infra/local/wrk.sh install
	@$(UV) run python -m bench.intake_post_tickets

bench: infra-up  ## one report against this machine's limits: bench-results/report.{json,md} + PNGs (~25 min)
	@infra/local/wrk.sh install
	@$(UV) run python -m bench.report

bench-insights: infra-up  ## insights: forecast + staffing of 50 teams, ingest rate and a 1M-event rebuild, breach-risk replay (~15 min)
	@$(UV) run python -m bench.insights_planning --memory --database
	@$(UV) run python -m bench.insights_ingest
	@$(UV) run python -m bench.insights_risk_replay --weeks 4 --seed 7

bench-knowledge: infra-up  ## knowledge: search quality (recall@5, MRR) and suggestion speed over 100,000 items
	@$(UV) run python -m bench.knowledge_eval
	@$(UV) run python -m bench.knowledge_speed --http

bench-knowledge-eval: infra-up  ## knowledge search quality through the service's rank_items: recall@1/5 and MRR per language (--baseline: stdlib BM25, no infra)
	@$(UV) run python -m bench.knowledge_eval

bench-mail: infra-up  ## mail: inbound mails per second over SMTP to tickets, mail-to-ticket latency p50/p99, a burst and a paced run (~90 s)
	@$(UV) run python -m bench.mail_inbound --mails 500 --seconds 30
	@$(UV) run python -m bench.mail_inbound --mails 300 --seconds 30 --rate 15

bench-automation: infra-up  ## automation: evaluation time per event with 1,000 active rules (p50/p99, target p99 <= 2 ms) and rule timer fire lateness (p50/p99)
	@$(UV) run python -m bench.automation_rules
	@$(UV) run python -m bench.automation_timers

bench-console: infra-up  ## console: p50/p99 per page with 10,000 open tickets (read model; then filed through intake, with the lead page), target p99 <= 100 ms; a new ticket POST -> queue row in Chromium's DOM (~15 min)
	@$(UV) run python -m bench.console_pages
	@$(UV) run python -m bench.console_lead_pages --tickets 10000 --requests 400 --concurrency 1
	@$(UV) run python -m bench.console_live --tickets 20

bench-services: infra-up  ## each service's own benchmark: routing decisions, SLA replicas, notify deliveries
	@$(UV) run python -m bench.routing_decisions
	@$(UV) run python -m bench.sla_timers
	@$(UV) run python -m bench.notify_deliveries

dashboards: install  ## rewrite infra/grafana/dashboards from tools/dashboards
	@$(UV) run python -m tools.dashboards --write

contracts: install  ## regenerate contracts/ (JSON Schemas, AsyncAPI, OpenAPI); refuses breaking changes
	@infra/local/openapi_tools.sh
	@$(UV) run python -m tools.contracts --write
