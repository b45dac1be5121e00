"""The dry run's replay, pure: event rules, the firing limit, the own-change skip and time
rules on simulated timers, over tickets built from their events."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from ticketflow_automation.domain.conditions import compile_condition
from ticketflow_automation.domain.dry_run import Candidate, PastEvent, Replayed, replay
from ticketflow_automation.domain.rules import RuleDefinition
from ticketflow_common.events import AutomationCause, TicketCreated, TicketStatusChanged

T0 = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)
UNTIL = T0 + timedelta(days=1)


def candidate(rule_id: uuid.UUID | None = None, **definition: Any) -> Candidate:
    parsed = RuleDefinition.model_validate(
        {"name": "紧急打印机", "actions": [{"type": "set_priority", "priority": "urgent"}]}
        | definition
    )
    return Candidate(definition=parsed, predicate=compile_condition(parsed.when), rule_id=rule_id)


def created(ticket_id: uuid.UUID, at: datetime, subject: str = "打印机卡纸") -> PastEvent:
    data = TicketCreated(
        ticket_id=ticket_id,
        subject=subject,
        priority="normal",
        required_skills=[],
        requester_id="u-张伟",
        created_at=at,
    ).model_dump(mode="json")
    return PastEvent(uuid.uuid4(), "ticket.created", ticket_id, at, data)


def status(
    ticket_id: uuid.UUID,
    at: datetime,
    to: str,
    *,
    version: int = 2,
    caused_by: AutomationCause | None = None,
) -> PastEvent:
    data = TicketStatusChanged(
        ticket_id=ticket_id,
        status=to,
        previous_status="new",
        priority="normal",
        required_skills=[],
        requester_id="u-张伟",
        subject="打印机卡纸",
        version=version,
        actor_id="agent-李娜",
        actor_role="agent",
        changed_at=at,
        caused_by=caused_by,
    ).model_dump(mode="json")
    return PastEvent(uuid.uuid4(), "ticket.status_changed", ticket_id, at, data)


def run(rule: Candidate, events: list[PastEvent], *, limit: int = 50) -> Replayed:
    ordered = sorted(events, key=lambda e: (str(e.ticket_id), e.occurred_at))
    return replay(rule, ordered, since=T0, until=UNTIL, limit=limit, max_chain_depth=5)


PRINTER: dict[str, Any] = {
    "on": ["ticket.created"],
    "when": {"field": "ticket.subject", "op": "contains_text", "value": "打印机"},
}


def test_an_event_rule_fires_where_its_conditions_held() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    answer = run(candidate(**PRINTER), [created(a, T0), created(b, T0, subject="网络断了")])
    assert [f.ticket_id for f in answer.firings] == [a]
    assert answer.firings[0].changes == ["priority: normal → urgent"]
    assert (answer.events_replayed, answer.tickets_touched) == (2, 2)


def test_events_before_the_window_build_state_but_fire_nothing() -> None:
    a = uuid.uuid4()
    events = [created(a, T0 - timedelta(hours=1)), status(a, T0 + timedelta(minutes=1), "open")]
    rule = candidate(on=["ticket.*"], when=PRINTER["when"])
    answer = run(rule, events)
    assert answer.events_replayed == 1
    assert [f.event_type for f in answer.firings] == ["ticket.status_changed"]


def test_the_firing_limit_and_own_changes() -> None:
    rule_id, a = uuid.uuid4(), uuid.uuid4()
    own = AutomationCause(kind="rule", firing_id=uuid.uuid4(), rule_id=rule_id)
    events = [created(a, T0)] + [
        status(a, T0 + timedelta(minutes=n), "open" if n % 2 else "in_progress", version=n + 1)
        for n in range(1, 5)
    ]
    events.append(status(a, T0 + timedelta(minutes=6), "open", version=6, caused_by=own))
    rule = candidate(rule_id, on=["ticket.status_changed"], limit={"firings": 2, "per_minutes": 60})
    answer = run(rule, events)
    assert answer.firings_total == 2
    assert answer.suppressed == 2  # the own change is skipped, not suppressed
    later = run(rule, [*events, status(a, T0 + timedelta(hours=2), "in_progress", version=7)])
    assert later.firings_total == 3


def test_a_time_rule_fires_when_the_next_event_comes_after_its_due_instant() -> None:
    waits, answered, late = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    rule = candidate(
        after={"anchor": "created", "minutes": 60},
        when={"field": "ticket.status", "op": "eq", "value": "new"},
    )
    events = [
        created(waits, T0),
        status(waits, T0 + timedelta(hours=3), "open"),  # after the due instant: it fired
        created(answered, T0),
        status(answered, T0 + timedelta(minutes=30), "open"),  # before: the timer went
        created(late, UNTIL - timedelta(minutes=10)),  # due after the window
    ]
    answer = run(rule, events)
    assert [(f.ticket_id, f.at, f.trigger) for f in answer.firings] == [
        (waits, T0 + timedelta(hours=1), "timer")
    ]
    assert answer.firings[0].why[0].startswith("since it was created")


def test_a_timer_fires_once_per_anchor_and_the_limit_truncates() -> None:
    tickets = [uuid.uuid4() for _ in range(3)]
    rule = candidate(after={"anchor": "created", "minutes": 5})
    events = [created(t, T0 + timedelta(minutes=n)) for n, t in enumerate(tickets)]
    events.append(status(tickets[0], T0 + timedelta(hours=1), "open"))
    answer = run(rule, events, limit=2)
    assert answer.firings_total == 3
    assert answer.truncated
    assert [f.ticket_id for f in answer.firings] == tickets[:2]
