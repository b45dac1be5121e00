"""`knowledge.events.v1`: what the knowledge service tells everyone: published articles, known
errors and resolved problems, suggestions for new tickets and the requesters' answers to them.

Key: ticket id for `knowledge.suggested` and `suggestion.answered`, article id for
`article.published`, problem id for `problem.known_error` and `problem.resolved`.
"""

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from ticketflow_common import topics
from ticketflow_common.envelope import EventData

ItemKind = Literal["article", "known_error", "solution"]
"""What a suggestion points at: an article, a problem's known error, or a solved ticket."""

Visibility = Literal["internal", "public"]


class SuggestedItem(BaseModel):
    """One ranked answer: what it is, how well it matched and why."""

    kind: ItemKind
    item_id: UUID = Field(description="Article id, problem id, or the solved ticket's id.")
    title: str
    excerpt: str = Field(description="The start of the body, workaround or solution.")
    language: str
    public: bool = Field(description="May be shown to requesters.")
    score: float = Field(ge=0)
    matched_terms: list[str] = Field(default_factory=list, description="Query terms it holds.")
    why: str = Field(description="One sentence naming what matched and what ranked it up.")


class KnowledgeSuggested(EventData):
    """Answers found for a new ticket from its subject and description."""

    event_type: ClassVar[str] = "knowledge.suggested"
    topic: ClassVar[str] = topics.KNOWLEDGE

    ticket_id: UUID
    suggestion_id: UUID
    language: str
    requester_id: str
    requester_email: str | None = None
    items: list[SuggestedItem] = Field(min_length=1)
    suggested_at: datetime


class SuggestionAnswered(EventData):
    """A requester said whether a suggested item solved their ticket; `solved`: intake resolves
    the ticket as self-service (a deflection)."""

    event_type: ClassVar[str] = "suggestion.answered"
    topic: ClassVar[str] = topics.KNOWLEDGE

    ticket_id: UUID
    suggestion_id: UUID
    kind: ItemKind
    item_id: UUID
    solved: bool
    answered_by: str = Field(description="The requester's id, as the ticket names them.")
    answered_at: datetime


class ArticlePublished(EventData):
    """A version of an article became the one readers see."""

    event_type: ClassVar[str] = "article.published"
    topic: ClassVar[str] = topics.KNOWLEDGE

    article_id: UUID
    version: int = Field(ge=1)
    title: str
    language: str
    category: str | None = None
    tags: list[str] = Field(default_factory=list)
    visibility: Visibility
    author_id: str
    published_at: datetime


class ProblemKnownError(EventData):
    """A problem's root cause and workaround are known: it is listed as a known error."""

    event_type: ClassVar[str] = "problem.known_error"
    topic: ClassVar[str] = topics.KNOWLEDGE

    problem_id: UUID
    title: str
    category: str | None = None
    root_cause: str | None = None
    workaround: str
    ticket_ids: list[UUID] = Field(default_factory=list, description="Its linked incidents.")
    declared_at: datetime


class ProblemResolved(EventData):
    """A problem's permanent fix is in place; its linked tickets hear about it (intake notes it on
    each, and resolves the open ones when `resolve_linked_tickets`; notify tells their people)."""

    event_type: ClassVar[str] = "problem.resolved"
    topic: ClassVar[str] = topics.KNOWLEDGE

    problem_id: UUID
    title: str
    root_cause: str | None = None
    permanent_fix: str
    ticket_ids: list[UUID] = Field(default_factory=list)
    resolve_linked_tickets: bool = False
    resolved_by: str
    resolved_at: datetime


MODELS: tuple[type[EventData], ...] = (
    KnowledgeSuggested,
    SuggestionAnswered,
    ArticlePublished,
    ProblemKnownError,
    ProblemResolved,
)
