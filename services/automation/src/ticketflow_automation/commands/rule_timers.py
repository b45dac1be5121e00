"""Time-based rules on durable timers: planned after every event of a ticket, fired when due.

Each (rule, ticket) has at most one row, due at the rule's anchor plus its minutes (business
minutes of its SLA calendar) while its `when` holds; a fired row stays, fired, until the anchor
moves, so a rule fires once per anchor instant. Any replica claims due rows; each is checked
again against the current rule and ticket before it fires."""

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import partial
from uuid import UUID

import asyncpg
from opentelemetry import trace

from ticketflow_automation.commands.calendars import known_calendars
from ticketflow_automation.commands.firings import fire_rule
from ticketflow_automation.commands.metrics import TIMER_LATENESS_SECONDS
from ticketflow_automation.commands.rule_cache import CompiledRule, RuleCache
from ticketflow_automation.domain.conditions import compile_condition
from ticketflow_automation.domain.rules import Elapsed, Rule
from ticketflow_automation.domain.ticket_state import TicketState
from ticketflow_automation.domain.time_rules import (
    TIMER_EVENT_TYPE,
    anchor_instant,
    elapsed_words,
    rule_due_at,
)
from ticketflow_automation.store.rule_timers import (
    DueRuleTimer,
    Planned,
    PlannedTimer,
    claim_due,
    drop_pairs,
    drop_rule_timers,
    drop_ticket_timers,
    drop_timers,
    mark_fired,
    move_timers,
    rule_ticket_timers,
    ticket_timers,
    upcoming_due,
)
from ticketflow_automation.store.rule_timers import (
    upsert_timers as store_timers,
)
from ticketflow_common.business_time import WorkingCalendar
from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.tracing import current_trace_carrier, linked_span

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)
NO_EVENT: dict[str, object] = {}
REPLAN_PAGE = 1000


def _time_rules(rules: Sequence[CompiledRule]) -> list[tuple[CompiledRule, Elapsed]]:
    return [(r, r.rule.definition.after) for r in rules if r.rule.definition.after is not None]


def _holds(rule: CompiledRule, state: TicketState) -> list[str] | None:
    """A time rule's `when` on the ticket as it is (no event: `event.*` fields are absent);
    a predicate that fails counts as not holding (it must not stop the other timers)."""
    try:
        return rule.predicate(state, state, TIMER_EVENT_TYPE, NO_EVENT)
    except Exception:
        log.exception("time rule %s failed on ticket %s", rule.rule.rule_id, state.ticket_id)
        return None


Holding = tuple[UUID, UUID, Elapsed, datetime, PlannedTimer | None]
"""(rule, ticket, rule's time, anchor, stored timer) of a time rule whose `when` holds."""


def _wanted(
    compiled: CompiledRule, after: Elapsed, state: TicketState, row: PlannedTimer | None
) -> tuple[bool, datetime | None] | None:
    """(whether the rule holds with an anchor, the anchor) for the ticket; None: leave the
    row be (it fired for this very anchor instant, and once is all)."""
    anchor = anchor_instant(state, after.anchor)
    if row is not None and row.fired_at is not None and row.anchor_at == anchor:
        return None
    return anchor is not None and _holds(compiled, state) is not None, anchor


def _sorted(
    candidates: Iterable[tuple[CompiledRule, Elapsed, TicketState, PlannedTimer | None]],
) -> tuple[list[Holding], list[tuple[UUID, UUID, datetime | None]]]:
    """The (rule, ticket) pairs whose rule holds now, and the stored timers of the rest."""
    holding: list[Holding] = []
    dropped: list[tuple[UUID, UUID, datetime | None]] = []
    for compiled, after, state, row in candidates:
        wanted = _wanted(compiled, after, state, row)
        if wanted is None:
            continue
        holds, anchor = wanted
        pair = (compiled.rule.rule_id, state.ticket_id)
        if holds and anchor is not None:
            holding.append((*pair, after, anchor, row))
        elif row is not None:
            dropped.append((*pair, anchor))
    return holding, dropped


def _due_plans(
    holding: Sequence[Holding], calendars: Mapping[str, WorkingCalendar]
) -> tuple[list[Planned], list[tuple[UUID, UUID, datetime | None]]]:
    """The timers to (re)write at anchor + minutes, and those with no due instant to drop."""
    planned: list[Planned] = []
    dropped: list[tuple[UUID, UUID, datetime | None]] = []
    for rule_id, ticket_id, after, anchor, row in holding:
        due = rule_due_at(
            anchor_at=anchor, minutes=after.minutes, calendar=after.calendar, calendars=calendars
        )
        if due is None:
            if row is not None:
                dropped.append((rule_id, ticket_id, anchor))
        elif row is None or (row.anchor_at, row.due_at) != (anchor, due):
            planned.append((rule_id, ticket_id, anchor, due))
    return planned, dropped


async def replan_timers(
    *,
    conn: asyncpg.Connection,
    state: TicketState,
    before: TicketState | None,
    rules: Sequence[CompiledRule],
    depth: int,
    now: datetime,
    skip_rule: UUID | None = None,
) -> None:
    """Plan, move or drop the ticket's timer of each time-based rule; `skip_rule`'s timer is
    left as it is (a rule's own changes, e.g. its reminder, do not re-arm it)."""
    del before  # the stored anchor, not the previous state, says whether a timer moved
    ticket_id = state.ticket_id
    if state.status == "closed":
        await drop_ticket_timers(conn=conn, ticket_id=ticket_id)
        return
    time_rules = [(r, a) for r, a in _time_rules(rules) if r.rule.rule_id != skip_rule]
    if not time_rules:
        return
    existing = await ticket_timers(conn=conn, ticket_id=ticket_id)
    holding, dropped = _sorted(
        (compiled, after, state, existing.get(compiled.rule.rule_id))
        for compiled, after in time_rules
    )
    calendars = await known_calendars(
        conn=conn, names=[h[2].calendar for h in holding if h[2].calendar is not None]
    )
    planned, no_due = _due_plans(holding, calendars)
    await drop_timers(conn=conn, timers=[*dropped, *no_due])
    await store_timers(
        conn=conn, timers=planned, depth=depth, now=now, trace_carrier=current_trace_carrier()
    )


async def replan_rule_timers(*, conn: asyncpg.Connection, rule: Rule, now: datetime) -> int:
    """Plan a new or changed time rule on every ticket not closed (its pending timers go when
    it is disabled, deleted or now on events); call in the rule change's transaction. How
    many timers it (re)planned."""
    after = rule.definition.after
    if after is None or not rule.definition.enabled:
        await drop_rule_timers(conn=conn, rule_id=rule.rule_id)
        return 0
    compiled = CompiledRule(rule=rule, predicate=compile_condition(rule.definition.when))
    calendars = await known_calendars(
        conn=conn, names=[after.calendar] if after.calendar is not None else []
    )
    cursor: UUID | None = None
    count = 0
    while page := await rule_ticket_timers(
        conn=conn, rule_id=rule.rule_id, after=cursor, limit=REPLAN_PAGE
    ):
        holding, dropped = _sorted((compiled, after, state, row) for state, row in page)
        planned, no_due = _due_plans(holding, calendars)
        await drop_timers(conn=conn, timers=[*dropped, *no_due])
        await store_timers(
            conn=conn, timers=planned, depth=1, now=now, trace_carrier=current_trace_carrier()
        )
        count += len(planned)
        cursor = page[-1][0].ticket_id
    return count


async def fire_due_timers(
    *,
    conn: asyncpg.Connection,
    rules: RuleCache,
    now: datetime,
    limit: int,
    max_chain_depth: int,
) -> int:
    """Fire up to `limit` due timers whose rule still holds; how many were claimed."""
    async with conn.transaction():
        due = await claim_due(conn=conn, now=now, limit=limit)
        if not due:
            return 0
        by_id = {r.rule.rule_id: r for r in await rules.current(conn=conn)}
        claimed = _time_rules([by_id[t.rule_id] for t in due if t.rule_id in by_id])
        calendars = await known_calendars(
            conn=conn, names=[a.calendar for _, a in claimed if a.calendar is not None]
        )
        fired: list[tuple[UUID, UUID]] = []
        dropped: list[tuple[UUID, UUID]] = []
        moved: list[tuple[UUID, UUID, datetime]] = []
        for timer in due:
            pair = (timer.rule_id, timer.ticket_id)
            compiled = by_id.get(timer.rule_id)
            after = None if compiled is None else compiled.rule.definition.after
            state = timer.state
            if compiled is None or after is None or state is None or state.status == "closed":
                dropped.append(pair)  # rule disabled, deleted or now on events; ticket gone
                continue
            if anchor_instant(state, after.anchor) != timer.anchor_at:
                dropped.append(pair)  # the anchor moved: the replan of that event owns it
                continue
            why = _holds(compiled, state)
            if why is None:
                dropped.append(pair)
                continue
            due_now = rule_due_at(
                anchor_at=timer.anchor_at,
                minutes=after.minutes,
                calendar=after.calendar,
                calendars=calendars,
            )
            if due_now is None:
                dropped.append(pair)
                continue
            if due_now > now:  # the rule or its calendar changed since it was planned
                moved.append((*pair, due_now))
                continue
            # Due hours after the event that planned it: a trace of its own, linked to that one.
            with linked_span(tracer, "automation fire rule timer", cause=timer.trace_carrier):
                await _fire(
                    conn=conn,
                    timer=timer,
                    compiled=compiled,
                    after=after,
                    why=why,
                    calendar_known=after.calendar in calendars,
                    now=now,
                    max_chain_depth=max_chain_depth,
                )
            fired.append(pair)
        await mark_fired(conn=conn, pairs=fired, now=now)
        await drop_pairs(conn=conn, pairs=dropped)
        await move_timers(conn=conn, moved=moved)
        return len(due)


async def _fire(
    *,
    conn: asyncpg.Connection,
    timer: DueRuleTimer,
    compiled: CompiledRule,
    after: Elapsed,
    why: list[str],
    calendar_known: bool,
    now: datetime,
    max_chain_depth: int,
) -> None:
    """Fire one checked timer through the engine, its lateness counted once committed."""
    assert timer.state is not None
    words = elapsed_words(
        after, state=timer.state, anchor_at=timer.anchor_at, calendar_known=calendar_known
    )
    await fire_rule(
        conn=conn,
        rule=compiled.rule,
        state=timer.state,
        trigger="timer",
        why=[*words, *why],
        depth=timer.depth,
        trigger_event=None,
        now=now,
        max_chain_depth=max_chain_depth,
    )
    late = (now - timer.due_at).total_seconds()
    after_commit(conn, partial(TIMER_LATENESS_SECONDS.observe, late))


async def due_instants(*, conn: asyncpg.Connection, until: datetime, limit: int) -> list[datetime]:
    """The distinct instants of pending rule timers due by `until`, earliest first."""
    return await upcoming_due(conn=conn, until=until, limit=limit)
