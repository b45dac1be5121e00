"""Intake's lifecycle rules, pure: which status may follow which, approval, the reopen window."""

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.support.clock import MONDAY
from ticketflow_common.events.common import TicketStatus
from ticketflow_intake.domain.lifecycle import (
    TRANSITIONS,
    TransitionRefused,
    allowed_next,
    check_approval,
    check_reopen,
    check_status_change,
    needs_approval,
)

WEEK = timedelta(days=7)
ALL_STATUSES: list[TicketStatus] = list(TRANSITIONS)


@pytest.mark.parametrize(
    ("current", "allowed"),
    [
        ("new", ["open", "in_progress", "waiting_on_customer", "resolved", "closed"]),
        ("pending_approval", []),
        ("open", ["in_progress", "waiting_on_customer", "resolved", "closed"]),
        ("in_progress", ["open", "waiting_on_customer", "resolved", "closed"]),
        ("waiting_on_customer", ["open", "in_progress", "resolved", "closed"]),
        ("resolved", ["closed"]),
        ("closed", []),
    ],
)
def test_a_plain_status_change_may_go_only_where_the_lifecycle_allows(
    current: TicketStatus, allowed: list[TicketStatus]
) -> None:
    assert allowed_next(current) == allowed
    for target in ALL_STATUSES:
        if target in allowed:
            check_status_change(current, target)
        else:
            with pytest.raises(TransitionRefused) as refused:
                check_status_change(current, target)
            assert refused.value.allowed == allowed
            assert refused.value.details() == {
                "status_now": current,
                "requested": target,
                "allowed_transitions": allowed,
            }
            assert f"cannot move to {target!r}" in refused.value.reason


def test_approval_and_reopening_are_not_plain_status_changes() -> None:
    """Leaving `pending_approval` takes a decision; `resolved` -> `open` takes a reopen."""
    assert "open" in TRANSITIONS["pending_approval"]
    assert "open" not in allowed_next("pending_approval")
    assert "open" in TRANSITIONS["resolved"]
    assert "open" not in allowed_next("resolved")


def test_only_a_ticket_pending_approval_takes_a_decision() -> None:
    check_approval("pending_approval")
    for status in ALL_STATUSES:
        if status != "pending_approval":
            with pytest.raises(TransitionRefused, match="awaits no approval"):
                check_approval(status)


@pytest.mark.parametrize(
    ("amount", "threshold", "needed"),
    [
        (Decimal("4999.99"), Decimal("5000"), False),
        (Decimal("5000"), Decimal("5000"), True),
        (Decimal("12000"), Decimal("5000"), True),
        (None, Decimal("5000"), False),
        (Decimal("12000"), None, False),
    ],
)
def test_approval_is_needed_at_or_above_the_threshold(
    amount: Decimal | None, threshold: Decimal | None, needed: bool
) -> None:
    assert needs_approval(amount, threshold) is needed


@pytest.mark.parametrize("after", [timedelta(0), timedelta(days=3), WEEK])
def test_a_resolved_ticket_reopens_within_the_window_its_edge_included(after: timedelta) -> None:
    check_reopen("resolved", resolved_at=MONDAY, now=MONDAY + after, window=WEEK)


def test_the_reopen_window_closes_once_it_has_passed() -> None:
    with pytest.raises(TransitionRefused) as refused:
        check_reopen(
            "resolved", resolved_at=MONDAY, now=MONDAY + WEEK + timedelta(seconds=1), window=WEEK
        )
    assert "reopen window of 7 days, 0:00:00 after resolution has passed" in refused.value.reason
    assert (refused.value.current, refused.value.target) == ("resolved", "open")
    assert refused.value.allowed == ["closed"]


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != "resolved"])
def test_only_a_resolved_ticket_can_be_reopened(status: TicketStatus) -> None:
    with pytest.raises(TransitionRefused, match=f"not {status!r}"):
        check_reopen(status, resolved_at=MONDAY, now=MONDAY, window=WEEK)


def test_a_resolved_ticket_without_its_resolution_time_is_not_reopened() -> None:
    with pytest.raises(TransitionRefused, match="only a resolved ticket"):
        check_reopen("resolved", resolved_at=None, now=MONDAY, window=WEEK)
