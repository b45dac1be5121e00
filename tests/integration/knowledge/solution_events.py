"""Intake's ticket events as knowledge's solution tests build them, on the harness's clock."""

import uuid

from tests.integration.knowledge.conftest import KnowledgeHarness
from ticketflow_common.events import (
    TicketCreated,
    TicketSolutionMarked,
    TicketStatusChanged,
    TicketUpdated,
)
from ticketflow_common.events.common import TicketStatus


def status_changed(
    knowledge: KnowledgeHarness,
    created: TicketCreated,
    status: TicketStatus,
    *,
    previous: TicketStatus = "open",
    reopened: bool = False,
) -> TicketStatusChanged:
    return TicketStatusChanged(
        **knowledge.facts(created, status=status),
        previous_status=previous,
        actor_id="a-1",
        actor_role="agent",
        reopened=reopened,
        changed_at=knowledge.clock(),
    )


def solution_marked(
    knowledge: KnowledgeHarness,
    created: TicketCreated,
    solution: str,
    *,
    status: TicketStatus = "open",
) -> TicketSolutionMarked:
    return TicketSolutionMarked(
        **knowledge.facts(created, status=status),
        comment_id=uuid.uuid4(),
        subject=created.subject,
        solution=solution,
        marked_by="a-1",
        marked_at=knowledge.clock(),
    )


def updated(
    knowledge: KnowledgeHarness, created: TicketCreated, *, status: TicketStatus, **changes: object
) -> TicketUpdated:
    return TicketUpdated(
        **knowledge.facts(created, status=status, **changes),
        changed=sorted(changes),
        actor_id="a-1",
        updated_at=knowledge.clock(),
    )


async def solved(
    knowledge: KnowledgeHarness, created: TicketCreated, solution: str
) -> TicketSolutionMarked:
    """Deliver the ticket, its marked solution and its resolution, in order."""
    marked = solution_marked(knowledge, created, solution)
    for event in (created, marked, status_changed(knowledge, created, "resolved")):
        assert await knowledge.deliver(event) == "processed"
    return marked
