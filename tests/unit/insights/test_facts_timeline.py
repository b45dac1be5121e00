"""A ticket's timeline from its changes: dwell, handling, resolution and owner, whatever order
the changes arrive in; and the arrival intervals."""

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ticketflow_insights.domain.arrivals import arrival_fault, interval_start, zero_filled
from ticketflow_insights.domain.facts_calendars import holiday_dates
from ticketflow_insights.domain.ticket_timeline import (
    OwnershipChange,
    StatusChange,
    derive_timeline,
)

T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
A, B = uuid.uuid4(), uuid.uuid4()


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def status(minutes: float, version: int, name: str, **extra: Any) -> StatusChange:
    return StatusChange(
        at=at(minutes), version=version, event_id=uuid.uuid4(), status=name, **extra
    )


def owner(
    minutes: float, kind: str, agent: uuid.UUID | None = None, **extra: Any
) -> OwnershipChange:
    return OwnershipChange(
        at=at(minutes), event_id=uuid.uuid4(), kind=kind, agent_id=agent, **extra
    )


STATUSES = [
    status(0, 1, "new"),
    status(10, 2, "open"),
    status(30, 3, "waiting_on_customer"),
    status(50, 4, "in_progress"),
    status(70, 5, "resolved", assignee_id=B),
]
OWNERSHIP = [
    owner(0, "queued", queue_position=2),
    owner(5, "assigned", A, team="network"),
    owner(40, "unassigned", A),
    owner(40, "assigned", B, team="apps"),
]


def test_dwell_handling_and_resolution() -> None:
    line = derive_timeline(STATUSES, OWNERSHIP)
    assert line.dwell_seconds == {
        "new": 600,
        "open": 1200,
        "waiting_on_customer": 1200,
        "in_progress": 1200,
    }
    assert line.handling_seconds == 1200 + 1200  # open 10-30 (A), in progress 50-70 (B)
    assert (line.status, line.status_since) == ("resolved", at(70))
    assert (line.resolved_at, line.resolved_by) == (at(70), B)
    assert (line.first_assigned_at, line.assignee_id, line.assigned_at) == (at(5), B, at(40))
    assert (line.queued_at, line.queue_position) == (None, None)
    assert line.routed_team == "apps"
    assert line.owned


def test_the_order_of_arrival_does_not_matter() -> None:
    expected = derive_timeline(STATUSES, OWNERSHIP)
    rng = random.Random(3)
    for _ in range(20):
        statuses, ownership = list(STATUSES), list(OWNERSHIP)
        rng.shuffle(statuses)
        rng.shuffle(ownership)
        assert derive_timeline(statuses, ownership) == expected


def test_reopens_count_and_the_latest_resolution_stands() -> None:
    line = derive_timeline(
        [*STATUSES, status(90, 6, "open", reopened=True), status(100, 7, "resolved")], OWNERSHIP
    )
    assert line.reopen_count == 1
    assert line.resolved_at == at(100)
    assert line.resolved_by == B  # the owner then, from routing's changes
    assert line.handling_seconds == 2400 + 600


def test_a_queued_ticket_has_no_owner() -> None:
    line = derive_timeline([status(0, 1, "new")], [owner(0, "queued", queue_position=4)])
    assert (line.assignee_id, line.queued_at, line.queue_position) == (None, at(0), 4)
    assert line.first_assigned_at is None


def test_nothing_known_gives_an_empty_timeline() -> None:
    line = derive_timeline([], [])
    assert line.status is None
    assert not line.owned
    assert line.dwell_seconds == {}


def test_intervals_align_on_utc_multiples() -> None:
    assert interval_start(datetime(2025, 6, 2, 9, 44, 59, tzinfo=UTC)) == at(30)
    assert interval_start(datetime(2025, 6, 2, 9, 44, tzinfo=UTC), 60) == at(0)
    assert arrival_fault(minutes=20, start=at(0), end=at(60)) == (
        "query:interval",
        "must be one of 15, 30, 60",
    )
    assert arrival_fault(minutes=30, start=at(60), end=at(0)) is not None
    assert arrival_fault(minutes=30, start=at(0), end=at(60)) is None
    series = zero_filled([], start=at(0), end=at(61), minutes=30)
    assert [c.interval_start for c in series] == [at(0), at(30), at(60)]


def test_holidays_expand_to_days() -> None:
    days = holiday_dates(
        [(date(2025, 12, 24), date(2025, 12, 26)), (date(2025, 12, 25), date(2025, 12, 25))]
    )
    assert days == [date(2025, 12, 24), date(2025, 12, 25), date(2025, 12, 26)]
