"""What knowledge learns from a ticket: a solved ticket with a marked solution is a search item
of kind "solution", live while the ticket stays resolved or closed."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field

from ticketflow_common.events.knowledge import SuggestedItem
from ticketflow_knowledge.domain.search_index import IndexedItem

SOLVED_STATUSES = frozenset({"resolved", "closed"})


@dataclass(frozen=True)
class LearnedTicket:
    """A ticket as intake's events described it (the `tickets` projection)."""

    ticket_id: UUID
    subject: str
    description: str
    language: str
    category: str | None
    team: str | None
    status: str
    requester_id: str
    created_at: datetime
    resolved_at: datetime | None
    solution_comment_id: UUID | None
    solution: str | None
    solution_marked_by: str | None
    solution_marked_at: datetime | None
    version: int
    solution_version: int

    @property
    def live(self) -> bool:
        """Suggested and found only while solved: a reopened ticket's answer did not hold."""
        return self.status in SOLVED_STATUSES and bool(self.solution and self.solution.strip())


def solution_body(solution: str, description: str) -> str:
    """The answer first (what an excerpt shows), then the question as the requester put it, so
    a request worded like the original finds it."""
    return "\n\n".join(part for part in (solution.strip(), description.strip()) if part)


def solution_item(ticket: LearnedTicket) -> IndexedItem | None:
    """The search item of a ticket with a solution; None without one. Never public: a ticket
    is one requester's private exchange (names, devices, accounts), so its answer is for staff;
    what requesters may read is published as an article."""
    if ticket.solution is None:
        return None
    return IndexedItem(
        kind="solution",
        item_id=ticket.ticket_id,
        language=ticket.language,
        title=ticket.subject,
        body=solution_body(ticket.solution, ticket.description),
        public=False,
        live=ticket.live,
        category=ticket.category,
    )


def resolved_at_for(status: str, *, at: datetime) -> datetime | None:
    """When a ticket first seen in `status` at `at` was resolved, as far as known."""
    return at if status in SOLVED_STATUSES else None


class SolutionView(BaseModel):
    """A learned solution as staff read it; a search hit also says how well and why it matched."""

    ticket_id: UUID
    subject: str = Field(description="The ticket's subject: the question the solution answers.")
    solution: str = Field(description="The public reply an agent marked as the solution.")
    description: str
    language: str
    category: str | None
    status: str = Field(description="The ticket's status as knowledge last learned it.")
    live: bool = Field(description="Suggested and found: the ticket is resolved or closed.")
    comment_id: UUID
    marked_by: str
    marked_at: datetime
    resolved_at: datetime | None
    reuse_count: int = Field(description="How often it solved another request.")
    score: float | None = None
    matched_terms: list[str] = Field(default_factory=list)
    why: str | None = None


def solution_view(
    ticket: LearnedTicket, *, reuse_count: int, hit: SuggestedItem | None = None
) -> SolutionView | None:
    """None for a ticket without a solution."""
    if (
        ticket.solution is None
        or ticket.solution_comment_id is None
        or ticket.solution_marked_by is None
        or ticket.solution_marked_at is None
    ):
        return None
    return SolutionView(
        ticket_id=ticket.ticket_id,
        subject=ticket.subject,
        solution=ticket.solution,
        description=ticket.description,
        language=ticket.language,
        category=ticket.category,
        status=ticket.status,
        live=ticket.live,
        comment_id=ticket.solution_comment_id,
        marked_by=ticket.solution_marked_by,
        marked_at=ticket.solution_marked_at,
        resolved_at=ticket.resolved_at,
        reuse_count=reuse_count,
        score=hit.score if hit else None,
        matched_terms=hit.matched_terms if hit else [],
        why=hit.why if hit else None,
    )
