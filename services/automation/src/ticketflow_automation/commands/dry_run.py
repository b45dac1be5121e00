"""The dry run of a new or changed rule: the kept events of a window replayed through the
engine, answering what it would have done (and, for a stored rule, what it did). It reads in
one read-only transaction: nothing is written, nothing emitted."""

import json
from datetime import datetime, timedelta
from typing import Any, Literal
from uuid import UUID

import asyncpg
from pydantic import BaseModel, Field, model_validator

from ticketflow_automation.commands.rules import check_rule
from ticketflow_automation.domain.conditions import compile_condition
from ticketflow_automation.domain.dry_run import Candidate, PastEvent, Replayed, replay
from ticketflow_automation.domain.rules import RuleDefinition
from ticketflow_automation.store.event_history import replay_events
from ticketflow_automation.store.rules import (
    count_recorded_firings,
    get_rule,
    live_calendar,
    recorded_firings,
)
from ticketflow_common.business_time import WorkingCalendar, working_calendar_of
from ticketflow_common.events import CalendarChanged
from ticketflow_common.input_model import InputModel, Instant
from ticketflow_common.problems import invalid_field, not_found

DEFAULT_WINDOW = timedelta(days=7)
MAX_REPLAY_EVENTS = 200_000


class DryRunRequest(InputModel):
    """A new rule (`rule`), a stored one (`rule_id`), or both: the stored rule changed."""

    rule: RuleDefinition | None = None
    rule_id: UUID | None = None
    since: Instant | None = Field(default=None, description="Default: 7 days before `until`.")
    until: Instant | None = Field(default=None, description="Default: now.")
    limit: int = Field(default=50, ge=1, le=500, description="Firings shown (counted all).")

    @model_validator(mode="after")
    def _something_to_run(self) -> "DryRunRequest":
        if self.rule is None and self.rule_id is None:
            raise ValueError("give `rule` (a definition), `rule_id` (a stored rule) or both")
        return self


class RecordedFiring(BaseModel):
    ticket_id: UUID
    at: datetime
    trigger: Literal["event", "timer"]
    event_id: UUID | None
    event_type: str | None
    why: list[str]
    actions: list[dict[str, Any]]


class Recorded(BaseModel):
    """What the stored rule did in the window (its firings as recorded)."""

    firings: list[RecordedFiring]
    firings_total: int
    truncated: bool


class DryRunAnswer(Replayed):
    rule_id: UUID | None
    rule_name: str
    since: datetime
    until: datetime
    history_truncated: bool = Field(
        description="More than the replay's bound of events: the last tickets were cut short."
    )
    recorded: Recorded | None = Field(description="For a stored rule: what it did.")


def _window(
    request: DryRunRequest, *, history_days: int, now: datetime
) -> tuple[datetime, datetime]:
    until = min(request.until or now, now)
    since = request.since or max(until - DEFAULT_WINDOW, now - timedelta(days=history_days))
    if since < now - timedelta(days=history_days):
        raise invalid_field("since", f"events are kept {history_days} days; start later")
    if since >= until:
        raise invalid_field("until", "must come after `since` (and the window end by now)")
    return since, until


async def _calendar(
    *, conn: asyncpg.Connection, definition: RuleDefinition
) -> WorkingCalendar | None:
    name = definition.after.calendar if definition.after is not None else None
    if name is None:
        return None
    stored = await live_calendar(conn=conn, name=name)
    if stored is None:
        raise invalid_field("rule.after.calendar", f"no SLA calendar named {name!r}")
    return working_calendar_of(CalendarChanged.model_validate(stored))


def _past(row: asyncpg.Record) -> PastEvent:
    data: Any = row["data"]
    return PastEvent(
        event_id=row["event_id"],
        event_type=row["event_type"],
        ticket_id=row["ticket_id"],
        occurred_at=row["occurred_at"],
        data=json.loads(data) if isinstance(data, str) else data,
    )


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def _recorded(
    *, conn: asyncpg.Connection, rule_id: UUID, since: datetime, until: datetime, limit: int
) -> Recorded:
    rows = await recorded_firings(conn=conn, rule_id=rule_id, since=since, until=until, limit=limit)
    total = await count_recorded_firings(conn=conn, rule_id=rule_id, since=since, until=until)
    return Recorded(
        firings=[
            RecordedFiring(
                ticket_id=r["ticket_id"],
                at=r["fired_at"],
                trigger=r["trigger"],
                event_id=r["event_id"],
                event_type=r["event_type"],
                why=_json(r["why"]),
                actions=_json(r["actions"]),
            )
            for r in rows
        ],
        firings_total=total,
        truncated=total > len(rows),
    )


async def dry_run(
    *,
    conn: asyncpg.Connection,
    request: DryRunRequest,
    history_days: int,
    max_chain_depth: int,
    now: datetime,
) -> DryRunAnswer:
    """Replay the window for the rule; 404 for an unknown `rule_id`, 422 naming the field."""
    since, until = _window(request, history_days=history_days, now=now)
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        stored = None
        if request.rule_id is not None:
            stored = await get_rule(conn=conn, rule_id=request.rule_id)
            if stored is None:
                raise not_found(f"rule {request.rule_id} not found")
        definition = request.rule or (stored.definition if stored is not None else None)
        assert definition is not None
        if request.rule is not None:
            await check_rule(conn=conn, definition=definition, prefix="rule")
        candidate = Candidate(
            definition=definition,
            predicate=compile_condition(definition.when),
            rule_id=request.rule_id,
            calendar=await _calendar(conn=conn, definition=definition),
        )
        rows = await replay_events(conn=conn, since=since, until=until, limit=MAX_REPLAY_EVENTS + 1)
        replayed = replay(
            candidate,
            (_past(r) for r in rows[:MAX_REPLAY_EVENTS]),
            since=since,
            until=until,
            limit=request.limit,
            max_chain_depth=max_chain_depth,
        )
        recorded = None
        if request.rule_id is not None:
            recorded = await _recorded(
                conn=conn, rule_id=request.rule_id, since=since, until=until, limit=request.limit
            )
    return DryRunAnswer(
        **replayed.model_dump(),
        rule_id=request.rule_id,
        rule_name=definition.name,
        since=since,
        until=until,
        history_truncated=len(rows) > MAX_REPLAY_EVENTS,
        recorded=recorded,
    )
