"""Every event naming a ticket: the ticket's state learns it, the event is kept for dry runs, the
event rules listening for it are evaluated in position order and fire, and the ticket's
time-based rules are replanned. A rule is never evaluated on an event its own firing caused."""

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from pydantic import ValidationError

from ticketflow_automation.commands.firings import DEFAULT_MAX_CHAIN_DEPTH, fire_rule
from ticketflow_automation.commands.metrics import EVALUATION_SECONDS
from ticketflow_automation.commands.rule_cache import CompiledRule, RuleCache, RuleSnapshot
from ticketflow_automation.commands.rule_timers import replan_timers
from ticketflow_automation.domain.ticket_state import TICKET_TOPIC_TYPES, TicketState, apply_event
from ticketflow_automation.store.event_history import record_event
from ticketflow_automation.store.tickets import lock_ticket, save_ticket
from ticketflow_common.envelope import Envelope
from ticketflow_common.events import AutomationCause

log = logging.getLogger(__name__)
Match = tuple[CompiledRule, list[str]]


def cause_of(data: Mapping[str, Any]) -> AutomationCause | None:
    """The rule or macro that made the change an event reports (None: a person or system)."""
    raw = data.get("caused_by")
    if not isinstance(raw, Mapping):
        return None
    try:
        return AutomationCause.model_validate(raw)
    except ValidationError:
        return None


def firing_depth(cause: AutomationCause | None) -> int:
    """The depth a firing on this event has: 1 on a person's event, d + 1 on a depth-d change."""
    return 1 if cause is None else cause.depth + 1


def matching_rules(
    rules: Sequence[CompiledRule],
    *,
    after: TicketState,
    before: TicketState | None,
    event_type: str,
    data: Mapping[str, Any],
    skip_rule: UUID | None,
) -> list[Match]:
    """The rules (already chosen by event type) whose conditions hold, with why (pure)."""
    matches: list[Match] = []
    for compiled in rules:
        if compiled.rule.rule_id == skip_rule:
            continue
        try:
            why = compiled.predicate(after, before, event_type, data)
        except Exception:  # a predicate must not stop the other rules
            log.exception("rule %s failed on %s", compiled.rule.rule_id, event_type)
            continue
        if why is not None:
            matches.append((compiled, why))
    return matches


def event_rule_matches(
    snapshot: RuleSnapshot,
    *,
    after: TicketState,
    before: TicketState | None,
    event_type: str,
    data: Mapping[str, Any],
    cause: AutomationCause | None,
) -> list[Match]:
    """The event rules listening for `event_type` that hold, minus the rule whose own firing
    caused the event: what the handler fires and the benchmark times (pure)."""
    return matching_rules(
        snapshot.event_rules(event_type).candidates(after, event_type, data),
        after=after,
        before=before,
        event_type=event_type,
        data=data,
        skip_rule=None if cause is None else cause.rule_id,
    )


@dataclass(frozen=True)
class EventEvaluator:
    """The handler of every event automation consumes (one per replica: it holds the cache)."""

    rules: RuleCache
    max_chain_depth: int = DEFAULT_MAX_CHAIN_DEPTH

    async def __call__(
        self, *, conn: asyncpg.Connection, envelope: Envelope, event: Any, now: datetime
    ) -> None:
        del event
        await evaluate_event(
            conn=conn,
            envelope=envelope,
            rules=self.rules,
            max_chain_depth=self.max_chain_depth,
            now=now,
        )


async def evaluate_event(
    *,
    conn: asyncpg.Connection,
    envelope: Envelope,
    rules: RuleCache,
    max_chain_depth: int,
    now: datetime,
) -> int:
    """Apply, keep and evaluate one event (in the consumer's transaction); how many rules fired."""
    data = envelope.data
    raw_ticket = data.get("ticket_id")
    if not isinstance(raw_ticket, str):
        return 0
    try:
        ticket_id = UUID(raw_ticket)
    except ValueError:
        return 0
    before = await lock_ticket(conn=conn, ticket_id=ticket_id)
    after = apply_event(before, event_type=envelope.type, data=data, at=envelope.time)
    await record_event(
        conn=conn,
        event_id=envelope.id,
        event_type=envelope.type,
        ticket_id=ticket_id,
        occurred_at=envelope.time,
        data=dict(data),
    )
    if after is None or (
        after is before and before is not None and _stale(before, envelope.type, data)
    ):
        return 0  # an older version than known: it changes nothing and fires nothing
    if after is not before:
        await save_ticket(conn=conn, state=after, now=now)
    snapshot = await rules.snapshot(conn=conn)
    cause = cause_of(data)
    depth = firing_depth(cause)
    started = time.perf_counter()
    matches = event_rule_matches(
        snapshot, after=after, before=before, event_type=envelope.type, data=data, cause=cause
    )
    EVALUATION_SECONDS.observe(time.perf_counter() - started)
    fired = 0
    for compiled, why in matches:
        fired += await fire_rule(
            conn=conn,
            rule=compiled.rule,
            state=after,
            trigger="event",
            why=why,
            depth=depth,
            trigger_event=envelope,
            now=now,
            max_chain_depth=max_chain_depth,
        )
    await replan_timers(
        conn=conn,
        state=after,
        before=before,
        rules=snapshot.time_rules,
        depth=depth,
        now=now,
        skip_rule=None if cause is None else cause.rule_id,
    )
    return fired


def _stale(state: TicketState, event_type: str, data: Mapping[str, Any]) -> bool:
    if event_type not in TICKET_TOPIC_TYPES:
        return False
    version = data.get("version")
    return isinstance(version, int) and version < state.version
