"""What a suggestion is and the rules of its one answer: requesters see only public items, the
answer must name one of the suggested items, and a second, different answer is refused."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints

from ticketflow_common.events.knowledge import ItemKind, SuggestedItem
from ticketflow_common.input_model import InputModel
from ticketflow_knowledge.domain.access import Caller

Language = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$"),
    Field(description="A language code: en, zh, de, pt-BR ..."),
]
MAX_SUGGESTION_LIMIT = 20


class SuggestionAsk(InputModel):
    """`POST /suggestions`: what the requester wrote; subject or description must hold text."""

    subject: str = Field(default="", max_length=1_000)
    description: str = Field(default="")
    language: Language
    ticket_id: UUID | None = Field(default=None, description="The ticket it is for, if any.")
    kinds: list[ItemKind] | None = Field(default=None, min_length=1, max_length=3)
    limit: int | None = Field(default=None, ge=1, le=MAX_SUGGESTION_LIMIT)


class AnswerGiven(InputModel):
    """`POST /suggestions/{id}/answer`: which suggested item the requester tried, and whether it
    solved their ticket."""

    kind: ItemKind
    item_id: UUID
    solved: bool


class Answer(BaseModel):
    kind: ItemKind
    item_id: UUID
    solved: bool
    answered_by: str
    answered_at: datetime


class Suggestion(BaseModel):
    """A stored suggestion as its caller may see it."""

    suggestion_id: UUID
    ticket_id: UUID | None = None
    requester_id: str | None = None
    language: str
    query: str
    items: list[SuggestedItem]
    created_at: datetime
    answer: Answer | None = None


def query_text(subject: str, description: str) -> str:
    """What is ranked: the subject, then the description, each stripped."""
    return "\n".join(part for part in (subject.strip(), description.strip()) if part)


def may_read(suggestion: Suggestion, caller: Caller) -> bool:
    """Staff read every suggestion; a requester only those made for them."""
    return caller.is_staff or suggestion.requester_id == caller.subject


def may_answer(suggestion: Suggestion, caller: Caller) -> bool:
    """Only the requester it was made for, or an admin acting for them (a portal)."""
    if caller.role == "admin":
        return True
    return caller.role == "requester" and suggestion.requester_id == caller.subject


def seen_by(suggestion: Suggestion, caller: Caller) -> Suggestion:
    """Requesters never see internal items, even in a suggestion made for them."""
    if caller.is_staff:
        return suggestion
    return suggestion.model_copy(update={"items": [i for i in suggestion.items if i.public]})


def suggested_item(suggestion: Suggestion, *, kind: str, item_id: UUID) -> SuggestedItem | None:
    return next((i for i in suggestion.items if i.kind == kind and i.item_id == item_id), None)


AnswerOutcome = Literal["new", "same", "conflict"]


def answer_outcome(existing: Answer | None, given: AnswerGiven) -> AnswerOutcome:
    """One answer per suggestion: the same one again changes nothing, a different one conflicts."""
    if existing is None:
        return "new"
    same = (existing.kind, existing.item_id, existing.solved) == (
        given.kind,
        given.item_id,
        given.solved,
    )
    return "same" if same else "conflict"
