"""A closed ticket is final: the pure rule refuses changes and says what is still allowed."""

import pytest

from ticketflow_common.events.common import TicketStatus
from ticketflow_intake.domain.lifecycle import ActionRefused, TicketAction, check_changeable

OPEN_STATUSES: list[TicketStatus] = [
    "new",
    "pending_approval",
    "open",
    "in_progress",
    "waiting_on_customer",
    "resolved",
]
CHANGES: list[TicketAction] = ["edit", "transfer", "escalate", "comment"]


@pytest.mark.parametrize("action", CHANGES)
def test_a_closed_ticket_refuses_changes_listing_what_is_allowed(action: TicketAction) -> None:
    with pytest.raises(ActionRefused) as refused:
        check_changeable("closed", action)
    assert refused.value.allowed_actions == ["read", "feedback"]
    assert refused.value.allowed_transitions == []
    assert refused.value.action == action


@pytest.mark.parametrize("status", OPEN_STATUSES)
def test_other_statuses_take_changes(status: TicketStatus) -> None:
    for action in CHANGES:
        check_changeable(status, action)
