"""Automation tests on the real Postgres: a fresh automation schema, events delivered through the
service's event table on the suite's fake clock, what it commits read back from the outbox.

Fixtures: `automation` (the harness), `api` (the app in-process with the service token).
Rules are written straight into `rules` (with the rule set's version bumped, as every rule change
does), so engine tests do not depend on the rules API."""

import json
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.harness import ServiceHarness, schema_runtime
from ticketflow_automation.domain.rules import Rule, RuleDefinition
from ticketflow_automation.main import SPEC
from ticketflow_automation.settings import AutomationSettings
from ticketflow_common.events import AutomationCause, TicketCreated

TOKEN = secrets.token_urlsafe(24)
FACT_FIELDS = {
    "ticket_id",
    "status",
    "priority",
    "category",
    "team",
    "channel",
    "language",
    "required_skills",
    "requester_id",
    "requester_tier",
    "assignee_id",
    "subject",
    "tags",
    "custom_fields",
}


@dataclass
class AutomationHarness(ServiceHarness[AutomationSettings]):
    """The shared harness plus rules written in place, tickets at their next version and reads
    of automation's tables."""

    versions: dict[uuid.UUID, int] = field(default_factory=dict)

    async def fetch(self, query: str, *args: object) -> list[asyncpg.Record]:
        async with self.pool.acquire() as conn:
            rows: list[asyncpg.Record] = await conn.fetch(query, *args)
            return rows

    async def fetchval(self, query: str, *args: object) -> Any:
        async with self.pool.acquire() as conn:
            return await conn.fetchval(query, *args)

    async def sql(self, query: str, *args: object) -> None:
        async with self.pool.acquire() as conn:
            await conn.execute(query, *args)

    async def add_rule(
        self, definition: dict[str, Any] | RuleDefinition, *, rule_id: uuid.UUID | None = None
    ) -> Rule:
        """Store a rule (validated as the API would) and bump the rule set, in one transaction."""
        parsed = (
            definition
            if isinstance(definition, RuleDefinition)
            else RuleDefinition.model_validate(definition)
        )
        rule = Rule(rule_id=rule_id or uuid.uuid4(), version=1, definition=parsed)
        now = self.clock()
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO rules (rule_id, name, kind, enabled, position, definition, version,"
                " created_by, created_at, updated_by, updated_at)"
                " VALUES ($1, $2, $3, $4, $5, $6::jsonb, 1, 'tests', $7, 'tests', $7)",
                rule.rule_id,
                parsed.name,
                parsed.kind,
                parsed.enabled,
                parsed.position,
                parsed.model_dump(mode="json", by_alias=True, exclude_none=True),
                now,
            )
            await conn.execute("UPDATE rule_set SET version = version + 1")
        return rule

    async def change_rule(self, rule: Rule, **changes: Any) -> Rule:
        """Replace fields of a stored rule's definition (version + 1, rule set bumped)."""
        current = rule.definition.model_dump(mode="json", by_alias=True, exclude_none=True)
        parsed = RuleDefinition.model_validate({**current, **changes})
        changed = Rule(rule_id=rule.rule_id, version=rule.version + 1, definition=parsed)
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "UPDATE rules SET name = $2, enabled = $3, position = $4, definition = $5::jsonb,"
                " version = $6, updated_at = $7 WHERE rule_id = $1",
                rule.rule_id,
                parsed.name,
                parsed.enabled,
                parsed.position,
                parsed.model_dump(mode="json", by_alias=True, exclude_none=True),
                changed.version,
                self.clock(),
            )
            await conn.execute("UPDATE rule_set SET version = version + 1")
        return changed

    def created(
        self,
        *,
        subject: str = "打印机卡纸了",
        description: str = "三楼的打印机一直卡纸, 无法打印合同。",
        priority: str = "normal",
        caused_by: AutomationCause | None = None,
        **extra: Any,
    ) -> TicketCreated:
        ticket_id = uuid.uuid4()
        self.versions[ticket_id] = 1
        return TicketCreated(
            ticket_id=ticket_id,
            subject=subject,
            description=description,
            priority=priority,
            required_skills=[],
            requester_id="u-张伟",
            language="zh",
            created_at=self.clock(),
            caused_by=caused_by,
            **extra,
        )

    def facts(self, created: TicketCreated, **changes: Any) -> dict[str, Any]:
        """The ticket's facts at its next version, for building follow-up events."""
        self.versions[created.ticket_id] += 1
        base = created.model_dump(include=FACT_FIELDS)
        return {**base, **changes, "version": self.versions[created.ticket_id]}

    async def events(
        self, event_type: str, ticket_id: uuid.UUID | None = None
    ) -> list[dict[str, Any]]:
        """The `data` of every `event_type` event in the outbox (of one ticket), oldest first."""
        subject = None if ticket_id is None else str(ticket_id)
        return [e["data"] for e in await self.outbox(subject) if e["type"] == event_type]

    async def firings(
        self, *, rule_id: uuid.UUID | None = None, ticket_id: uuid.UUID | None = None
    ) -> list[asyncpg.Record]:
        return await self.fetch(
            "SELECT * FROM firings WHERE ($1::uuid IS NULL OR rule_id = $1)"
            " AND ($2::uuid IS NULL OR ticket_id = $2) ORDER BY fired_at, firing_id",
            rule_id,
            ticket_id,
        )

    async def state(self, ticket_id: uuid.UUID) -> dict[str, Any] | None:
        raw = await self.fetchval("SELECT state FROM tickets WHERE ticket_id = $1", ticket_id)
        if raw is None:
            return None
        loaded: dict[str, Any] = json.loads(raw) if isinstance(raw, str) else raw
        return loaded

    def now(self) -> datetime:
        return self.clock()


def settings_for(database_url: str, kafka_bootstrap: str, **extra: Any) -> AutomationSettings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "kafka_bootstrap_servers": kafka_bootstrap,
        "api_token": TOKEN,
        "auth_failure_limit": 10_000,  # tests share one client address
        **extra,
    }
    return AutomationSettings(**values)


@pytest.fixture
async def automation(database_url: str, kafka_bootstrap: str) -> AsyncIterator[AutomationHarness]:
    """Automation's migrations in a schema of this test's own, on the suite's FakeClock."""
    async with schema_runtime(
        service="automation",
        settings=settings_for(database_url, kafka_bootstrap),
        database_url=database_url,
        kafka_bootstrap=kafka_bootstrap,
    ) as made:
        yield AutomationHarness(
            spec=SPEC, runtime=made.runtime, clock=made.clock, schema=made.schema
        )


@pytest.fixture
async def api(automation: AutomationHarness) -> AsyncIterator[httpx.AsyncClient]:
    """Automation's app in-process, its clock the harness's, every request with TOKEN."""
    async with automation.client(TOKEN) as client:
        yield client
