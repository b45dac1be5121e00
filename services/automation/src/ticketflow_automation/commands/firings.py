"""A rule fires: within its firing limit and the chain depth, recorded, its templates rendered
and `rule.fired` emitted for the services that carry out the actions; else `rule.suppressed`,
once per window, so a loop shows on the ticket's timeline instead of running."""

import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from uuid import UUID

import asyncpg
from pydantic import BaseModel

from ticketflow_automation.commands.metrics import FIRINGS, SUPPRESSED
from ticketflow_automation.domain.firings import Firing
from ticketflow_automation.domain.rules import Rule
from ticketflow_automation.domain.templates import render_actions
from ticketflow_automation.domain.ticket_state import TicketState
from ticketflow_automation.store import firings as store
from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.envelope import Envelope
from ticketflow_common.events import AutomationCause, RuleFired, RuleSuppressed
from ticketflow_common.outbox import emit
from ticketflow_common.pagination import CURSOR_FIELD, Page, encode_cursor, page_of, read_cursor
from ticketflow_common.problems import invalid_field

log = logging.getLogger(__name__)
DEFAULT_MAX_CHAIN_DEPTH = 5
FIRING_NAMESPACE = uuid.UUID("5d0c1f4e-8f0a-4c55-9b1e-7a2f4b0c9e18")
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def firing_id_of(*, rule: Rule, trigger_event: Envelope | None) -> UUID:
    """One id per rule and triggering event, so the same event never fires a rule twice."""
    if trigger_event is None:
        return uuid.uuid4()
    return uuid.uuid5(FIRING_NAMESPACE, f"{trigger_event.id}:{rule.rule_id}")


def _bucket(now: datetime, minutes: int) -> datetime:
    """The fixed window of `minutes` holding `now` (for suppressions no firing anchors)."""
    size = minutes * 60
    return EPOCH + timedelta(seconds=int((now - EPOCH).total_seconds()) // size * size)


async def fire_rule(
    *,
    conn: asyncpg.Connection,
    rule: Rule,
    state: TicketState,
    trigger: Literal["event", "timer"],
    why: list[str],
    depth: int,
    trigger_event: Envelope | None,
    now: datetime,
    max_chain_depth: int = DEFAULT_MAX_CHAIN_DEPTH,
) -> bool:
    """Fire `rule` for the ticket; `depth` is this firing's place in a chain (1: on a person's
    or system's event, d + 1 on an event a depth-d firing caused), and the changes it causes
    carry it. False when the chain depth or the rule's firing limit stopped it."""
    limit = rule.definition.limit
    if depth > max_chain_depth:
        await _suppress(
            conn=conn,
            rule=rule,
            state=state,
            reason="chain_depth",
            window_start=_bucket(now, limit.per_minutes),
            limit=max_chain_depth,
            now=now,
        )
        return False
    firing_id = firing_id_of(rule=rule, trigger_event=trigger_event)
    actions = render_actions(rule.definition.actions, state=state, rule_name=rule.definition.name)
    recorded, count, oldest = await store.record_firing_within_limit(
        conn=conn,
        firing_id=firing_id,
        rule_id=rule.rule_id,
        rule_version=rule.version,
        ticket_id=state.ticket_id,
        trigger=trigger,
        event_id=None if trigger_event is None else trigger_event.id,
        event_type=None if trigger_event is None else trigger_event.type,
        why=why,
        actions=[_json(a) for a in actions],
        depth=depth,
        fired_at=now,
        since=now - timedelta(minutes=limit.per_minutes),
        limit=limit.firings,
    )
    if count >= limit.firings:
        await _suppress(
            conn=conn,
            rule=rule,
            state=state,
            reason="firing_limit",
            window_start=oldest or now,
            limit=limit.firings,
            now=now,
        )
        return False
    if not recorded:
        return False  # this event fired this rule before
    fired = RuleFired(
        ticket_id=state.ticket_id,
        firing_id=firing_id,
        actions=actions,
        caused_by=AutomationCause(
            kind="rule", firing_id=firing_id, rule_id=rule.rule_id, depth=depth
        ),
        rule_id=rule.rule_id,
        rule_name=rule.definition.name,
        rule_version=rule.version,
        trigger=trigger,
        trigger_event_id=None if trigger_event is None else trigger_event.id,
        trigger_event_type=None if trigger_event is None else trigger_event.type,
        why=why,
        fired_at=now,
    )
    await emit(conn, fired, subject=str(state.ticket_id), now=now)
    after_commit(conn, FIRINGS.labels(trigger).inc)
    return True


def _json(action: BaseModel) -> dict[str, Any]:
    return action.model_dump(mode="json")


async def _suppress(
    *,
    conn: asyncpg.Connection,
    rule: Rule,
    state: TicketState,
    reason: Literal["firing_limit", "chain_depth"],
    window_start: datetime,
    limit: int,
    now: datetime,
) -> None:
    """Count the stop; announce it when it is the first of its window."""
    after_commit(conn, SUPPRESSED.labels(reason).inc)
    first = await store.record_suppression(
        conn=conn,
        rule_id=rule.rule_id,
        ticket_id=state.ticket_id,
        window_start=window_start,
        reason=reason,
        now=now,
    )
    if not first:
        return
    log.warning("rule %s stopped on ticket %s: %s", rule.definition.name, state.ticket_id, reason)
    suppressed = RuleSuppressed(
        ticket_id=state.ticket_id,
        rule_id=rule.rule_id,
        rule_name=rule.definition.name,
        reason=reason,
        limit=limit,
        window_minutes=rule.definition.limit.per_minutes,
        suppressed_at=now,
    )
    await emit(conn, suppressed, subject=str(state.ticket_id), now=now)


async def list_firings(
    *,
    conn: asyncpg.Connection,
    rule_id: UUID | None = None,
    ticket_id: UUID | None = None,
    limit: int,
    cursor: str | None,
    now: datetime,
) -> Page[Firing]:
    """One page of a rule's or a ticket's firings, newest first; 422 for a cursor naming a
    firing that is gone."""
    del now
    after = read_cursor(cursor, kind="automation.firings", parse=lambda p: UUID(str(p["id"])))
    if after is not None and not await store.firing_exists(conn=conn, firing_id=after):
        raise invalid_field(CURSOR_FIELD, "names no firing")
    rows = await store.list_firings(
        conn=conn, rule_id=rule_id, ticket_id=ticket_id, limit=limit + 1, after=after
    )
    return page_of(
        [Firing.model_validate(dict(row)) for row in rows],
        limit=limit,
        cursor=lambda f: encode_cursor("automation.firings", {"id": str(f.firing_id)}),
    )


async def rule_known(*, conn: asyncpg.Connection, rule_id: UUID, now: datetime) -> bool:
    """Whether the rule exists or existed (a deleted rule's firings stay readable)."""
    del now
    return await store.rule_exists(conn=conn, rule_id=rule_id)
