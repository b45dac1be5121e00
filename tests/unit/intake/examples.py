"""Example values for intake's unit tests."""

import uuid

from tests.support.clock import MONDAY
from ticketflow_intake.domain.tickets import Requester, Ticket


def ticket(**changes: object) -> Ticket:
    base = Ticket(
        id=uuid.uuid4(), subject="s", description="", requester=Requester(id="u-1", tier="gold"),
        channel="web", category="network", priority="high", impact=None, urgency=None, tags=[],
        custom_fields={}, amount=None, language="de", watchers=[], external_ref=None,
        required_skills=["vpn"], team="net", status="waiting_on_customer",
        allowed_transitions=[], owner=None, escalation_level=0, first_response_at=None,
        resolved_at=None, closed_at=None, reopen_count=0, sla_breached=False, version=3,
        created_at=MONDAY, updated_at=MONDAY,
    )  # fmt: skip
    return base.model_copy(update=changes)
