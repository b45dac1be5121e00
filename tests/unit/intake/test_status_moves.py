"""What each status change sets on a ticket, decided by pure rules before anything is stored."""

from datetime import timedelta

import pytest

from tests.support.clock import MONDAY
from tests.unit.intake.examples import ticket
from ticketflow_intake.domain.lifecycle import (
    StatusMove,
    TransitionRefused,
    approval_move,
    reopen_move,
    requested_move,
)
from ticketflow_intake.domain.tickets import ApprovalDecision, Reopen, StatusChange

WEEK = timedelta(days=7)


def test_entering_resolved_or_closed_stamps_the_time_and_other_statuses_do_not() -> None:
    assert StatusMove("resolved", None).changes(MONDAY) == {
        "status": "resolved",
        "resolved_at": MONDAY,
    }
    assert StatusMove("closed", "done").changes(MONDAY) == {"status": "closed", "closed_at": MONDAY}
    assert StatusMove("in_progress", None).changes(MONDAY) == {"status": "in_progress"}


def test_a_requested_move_goes_where_the_client_asks_when_the_lifecycle_allows() -> None:
    move = requested_move(ticket(status="open"), StatusChange(status="resolved", reason="fixed"))
    assert move == StatusMove("resolved", "fixed")
    with pytest.raises(TransitionRefused):
        requested_move(ticket(status="closed"), StatusChange(status="open"))


def test_an_approval_opens_the_ticket_and_a_rejection_closes_it() -> None:
    pending = ticket(status="pending_approval")
    approve = ApprovalDecision(decision="approve", reason="within budget")
    assert approval_move(pending, approve) == StatusMove("open", "approved: within budget")
    assert approval_move(pending, ApprovalDecision(decision="reject")) == StatusMove(
        "closed", "rejected"
    )
    with pytest.raises(TransitionRefused, match="awaits no approval"):
        approval_move(ticket(status="open"), approve)


def test_a_reopen_clears_the_resolution_and_counts_itself() -> None:
    resolved = ticket(status="resolved", resolved_at=MONDAY, reopen_count=1)
    move = reopen_move(resolved, Reopen(reason="still broken"), now=MONDAY + WEEK, window=WEEK)
    assert move.reopened
    assert move.changes(MONDAY + WEEK) == {
        "status": "open",
        "resolved_at": None,
        "reopen_count": 2,
    }
    with pytest.raises(TransitionRefused, match="reopen window"):
        reopen_move(resolved, Reopen(reason="late"), now=MONDAY + 2 * WEEK, window=WEEK)
