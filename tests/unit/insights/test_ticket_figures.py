"""The per-ticket figures: durations from creation, resolution, FCR, reopen and CSAT."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from ticketflow_insights.domain.ticket_figures import (
    csat_satisfied,
    first_contact_resolution,
    seconds_between,
    ticket_figures,
)

CREATED = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def row(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "ticket_id": uuid.uuid4(),
        "team": "network",
        "assignee_id": None,
        "resolved_by": None,
        "status": "open",
        "created_at": CREATED,
        "first_assigned_at": None,
        "first_response_at": None,
        "resolved_at": None,
        "handling_seconds": 0.0,
        "reopen_count": 0,
        "agent_replies": 0,
        "csat_rating": None,
    }
    return {**base, **changes}


def test_durations_count_from_creation() -> None:
    figures = ticket_figures(
        row(
            status="resolved",
            first_assigned_at=CREATED + timedelta(seconds=90),
            first_response_at=CREATED + timedelta(minutes=20),
            resolved_at=CREATED + timedelta(hours=3),
            handling_seconds=1200,
            agent_replies=1,
        )
    )
    assert figures.time_to_owner_seconds == 90
    assert figures.first_response_seconds == 1200
    assert figures.resolution_seconds == 3 * 3600
    assert figures.handling_seconds == 1200.0
    assert figures.resolved
    assert figures.first_contact_resolution is True


def test_an_open_ticket_has_no_resolution_even_with_an_old_resolution_instant() -> None:
    figures = ticket_figures(
        row(status="open", resolved_at=CREATED + timedelta(hours=1), reopen_count=1)
    )
    assert not figures.resolved
    assert figures.resolution_seconds is None
    assert figures.first_contact_resolution is None
    assert figures.reopened


def test_fcr_needs_no_reopen_and_at_most_one_agent_reply() -> None:
    assert first_contact_resolution(resolved=True, reopen_count=0, agent_replies=0) is True
    assert first_contact_resolution(resolved=True, reopen_count=0, agent_replies=1) is True
    assert first_contact_resolution(resolved=True, reopen_count=0, agent_replies=2) is False
    assert first_contact_resolution(resolved=True, reopen_count=1, agent_replies=1) is False
    assert first_contact_resolution(resolved=False, reopen_count=0, agent_replies=1) is None


def test_a_closed_ticket_counts_as_resolved_when_it_was_resolved() -> None:
    resolved_at = CREATED + timedelta(hours=2)
    assert ticket_figures(row(status="closed", resolved_at=resolved_at)).resolved
    assert not ticket_figures(row(status="closed", resolved_at=None)).resolved


def test_csat_is_satisfied_at_four_and_five() -> None:
    assert [csat_satisfied(r) for r in (1, 2, 3, 4, 5)] == [False, False, False, True, True]
    assert csat_satisfied(None) is None
    assert ticket_figures(row(csat_rating=5)).csat_satisfied is True


def test_unknown_instants_give_no_duration_and_skew_gives_zero() -> None:
    assert seconds_between(None, CREATED) is None
    assert seconds_between(CREATED, None) is None
    assert seconds_between(CREATED, CREATED - timedelta(seconds=5)) == 0.0
    figures = ticket_figures(row(created_at=None, first_assigned_at=CREATED))
    assert figures.time_to_owner_seconds is None
