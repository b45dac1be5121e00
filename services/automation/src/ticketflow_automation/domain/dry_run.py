"""What a rule would have done: past events replayed, ticket by ticket in time order, through
the same `apply_event` and compiled `when` the live engine uses. Time rules run on simulated
timers (one fires when the ticket's next event comes after its due instant, or the window
ends first); the firing limit and the own-change skip hold as they do live. Pure: nothing is
written, nothing emitted.

The replayed tickets follow their history, not the simulated firings: what a new rule's
actions would have changed is shown (`changes`) but not carried into later events."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import groupby
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel

from ticketflow_automation.domain.action_effects import apply_actions
from ticketflow_automation.domain.conditions import Predicate, event_matches
from ticketflow_automation.domain.rules import RuleDefinition
from ticketflow_automation.domain.templates import render_actions
from ticketflow_automation.domain.ticket_state import TicketState, apply_event
from ticketflow_automation.domain.time_rules import (
    TIMER_EVENT_TYPE,
    anchor_instant,
    due_at,
    elapsed_words,
)
from ticketflow_common.business_time import NoWorkingTime, WorkingCalendar
from ticketflow_common.events.automation import Action

NO_EVENT: dict[str, object] = {}
"""A time rule's `when` sees the ticket as it is, no event (as the live timers do)."""


@dataclass(frozen=True)
class PastEvent:
    """One kept event naming a ticket (`event_history`)."""

    event_id: UUID
    event_type: str
    ticket_id: UUID
    occurred_at: datetime
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Candidate:
    """The rule under test: its definition, its id when it exists (its own changes are
    skipped), its compiled `when` and the calendar its time counts in."""

    definition: RuleDefinition
    predicate: Predicate
    rule_id: UUID | None = None
    calendar: WorkingCalendar | None = None


class SimulatedFiring(BaseModel):
    """One firing the rule would have made, and what its actions would have changed."""

    ticket_id: UUID
    at: datetime
    trigger: Literal["event", "timer"]
    event_id: UUID | None
    event_type: str | None
    why: list[str]
    actions: list[Action]
    changes: list[str]


class Replayed(BaseModel):
    """What the replay found over [since, until]."""

    events_replayed: int
    tickets_touched: int
    firings: list[SimulatedFiring]
    firings_total: int
    suppressed: int
    truncated: bool


@dataclass
class _Timer:
    anchor_at: datetime
    due: datetime
    depth: int


@dataclass
class _Tally:
    firings: list[SimulatedFiring] = field(default_factory=list)
    suppressed: int = 0
    replayed: int = 0
    tickets: int = 0


def _cause(data: Mapping[str, Any]) -> tuple[str | None, int]:
    """The rule whose change this event is (if any) and its chain depth."""
    cause = data.get("caused_by")
    if not isinstance(cause, Mapping):
        return None, 0
    depth = cause.get("depth")
    rule_id = cause.get("rule_id")
    return (None if rule_id is None else str(rule_id)), (depth if isinstance(depth, int) else 0)


@dataclass
class _Ticket:
    """One ticket's replay: its state, the rule's firings on it and its pending timer."""

    rule: Candidate
    since: datetime
    until: datetime
    max_chain_depth: int
    tally: _Tally
    state: TicketState | None = None
    fired_at: list[datetime] = field(default_factory=list)
    timer: _Timer | None = None
    fired_anchors: set[datetime] = field(default_factory=set)

    def replay(self, events: Iterable[PastEvent]) -> None:
        touched = False
        for event in events:
            self._fire_timer_before(event.occurred_at)
            before = self.state
            self.state = apply_event(
                before, event_type=event.event_type, data=event.data, at=event.occurred_at
            )
            if self.state is None:
                continue
            if self.since <= event.occurred_at <= self.until:
                touched = True
                self.tally.replayed += 1
                self._on_event(event, before, self.state)
            self._plan(event, before, self.state)
        self._fire_timer_before(self.until, inclusive=True)
        self.tally.tickets += touched

    def _on_event(self, event: PastEvent, before: TicketState | None, state: TicketState) -> None:
        on = self.rule.definition.on
        if on is None or not event_matches(on, event.event_type):
            return
        cause_rule, depth = _cause(event.data)
        if self.rule.rule_id is not None and cause_rule == str(self.rule.rule_id):
            return  # a rule's own changes never trigger it
        why = self.rule.predicate(state, before, event.event_type, event.data)
        if why is not None:
            self._attempt(state, at=event.occurred_at, why=why, depth=depth + 1, event=event)

    def _plan(self, event: PastEvent, before: TicketState | None, state: TicketState) -> None:
        after = self.rule.definition.after
        if after is None:
            return
        anchor_at = anchor_instant(state, after.anchor)
        holds = self.rule.predicate(state, state, TIMER_EVENT_TYPE, NO_EVENT) is not None
        if (
            state.status == "closed"
            or anchor_at is None
            or anchor_at in self.fired_anchors
            or not holds
        ):
            self.timer = None
            return
        if self.timer is not None and self.timer.anchor_at == anchor_at:
            return
        try:
            due = due_at(anchor_at=anchor_at, minutes=after.minutes, calendar=self.rule.calendar)
        except NoWorkingTime:
            self.timer = None
            return
        self.timer = _Timer(anchor_at=anchor_at, due=due, depth=_cause(event.data)[1] + 1)

    def _fire_timer_before(self, instant: datetime, *, inclusive: bool = False) -> None:
        """Fire the pending timer if due before `instant` (the next event's) or at it (the
        window's end)."""
        timer, state, after = self.timer, self.state, self.rule.definition.after
        if timer is None or state is None or after is None:
            return
        if timer.due > instant or (timer.due == instant and not inclusive):
            return
        self.timer = None
        self.fired_anchors.add(timer.anchor_at)
        why = self.rule.predicate(state, state, TIMER_EVENT_TYPE, NO_EVENT)
        if why is None or not self.since <= timer.due <= self.until:
            return
        words = elapsed_words(
            after,
            state=state,
            anchor_at=timer.anchor_at,
            calendar_known=self.rule.calendar is not None,
        )
        why = [*words, *why]
        self._attempt(state, at=timer.due, why=why, depth=timer.depth, event=None)

    def _attempt(
        self,
        state: TicketState,
        *,
        at: datetime,
        why: list[str],
        depth: int,
        event: PastEvent | None,
    ) -> None:
        limit = self.rule.definition.limit
        window_start = at - timedelta(minutes=limit.per_minutes)
        recent = [t for t in self.fired_at if t > window_start]
        if depth > self.max_chain_depth or len(recent) >= limit.firings:
            self.tally.suppressed += 1
            return
        self.fired_at.append(at)
        definition = self.rule.definition
        actions = render_actions(definition.actions, state=state, rule_name=definition.name)
        _, changes = apply_actions(state, actions)
        self.tally.firings.append(
            SimulatedFiring(
                ticket_id=state.ticket_id,
                at=at,
                trigger="event" if event is not None else "timer",
                event_id=None if event is None else event.event_id,
                event_type=None if event is None else event.event_type,
                why=why,
                actions=actions,
                changes=changes,
            )
        )


def replay(
    rule: Candidate,
    events: Iterable[PastEvent],
    *,
    since: datetime,
    until: datetime,
    limit: int,
    max_chain_depth: int,
) -> Replayed:
    """Replay `events` (ordered by ticket, then time; those before `since` only build the
    tickets' state) and answer the first `limit` firings in time order."""
    tally = _Tally()
    for _, of_ticket in groupby(events, key=lambda e: e.ticket_id):
        ticket = _Ticket(
            rule=rule, since=since, until=until, max_chain_depth=max_chain_depth, tally=tally
        )
        ticket.replay(sorted(of_ticket, key=lambda e: e.occurred_at))
    ordered = sorted(tally.firings, key=lambda f: (f.at, str(f.ticket_id)))
    return Replayed(
        events_replayed=tally.replayed,
        tickets_touched=tally.tickets,
        firings=ordered[:limit],
        firings_total=len(ordered),
        suppressed=tally.suppressed,
        truncated=len(ordered) > limit,
    )
