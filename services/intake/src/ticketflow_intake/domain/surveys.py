"""Satisfaction surveys (pure): when a resolved ticket's survey is reminded and expires, what
an answer adds to it, and the follow-up a negative rating opens."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

from pydantic import BaseModel

from ticketflow_common.events.common import Priority

SurveyStatus = Literal["open", "answered", "expired", "closed"]
NEGATIVE_AT_MOST = 2
"""A rating of 2 or less tells the team lead and opens a follow-up."""
FOLLOW_UP_TAG = "follow-up"
FOLLOW_UP_FIELD = "follow_up_of"
_HIGHER: dict[Priority, Priority] = {
    "low": "normal",
    "normal": "high",
    "high": "urgent",
    "urgent": "urgent",
}
MAX_SUBJECT = 200


@dataclass(frozen=True)
class SurveyPolicy:
    """How long a survey waits before its one reminder, and how long it may be answered."""

    reminder_after: timedelta = timedelta(hours=72)
    lifetime: timedelta = timedelta(days=14)

    def reminder_due(self, invited_at: datetime) -> datetime | None:
        """None when the survey would expire before its reminder is due."""
        due = invited_at + self.reminder_after
        return due if due < invited_at + self.lifetime else None

    def expires(self, invited_at: datetime) -> datetime:
        return invited_at + self.lifetime


class Survey(BaseModel):
    survey_id: UUID
    ticket_id: UUID
    cycle: int
    status: SurveyStatus
    invited_at: datetime
    reminder_due_at: datetime | None
    reminded_at: datetime | None
    expires_at: datetime
    rating: int | None
    resolved: bool | None
    comment: str | None
    answered_at: datetime | None
    follow_up_ticket_id: UUID | None


@dataclass(frozen=True)
class SurveyAnswer:
    """What one request answers; any part may be missing."""

    rating: int | None = None
    resolved: bool | None = None
    comment: str | None = None

    @property
    def empty(self) -> bool:
        return self.rating is None and self.resolved is None and self.comment is None


@dataclass(frozen=True)
class AnswerReview:
    """What an answer adds to a survey (`added`), and the parts it would change (`conflicts`):
    each part is given once; the same value again is no change."""

    added: SurveyAnswer
    conflicts: tuple[str, ...]


def review_answer(survey: Survey, answer: SurveyAnswer) -> AnswerReview:
    conflicts: list[str] = []
    added: dict[str, object] = {}
    for name in ("rating", "resolved", "comment"):
        given, held = getattr(answer, name), getattr(survey, name)
        if given is None or held == given:
            continue
        if held is not None:
            conflicts.append(name)
        else:
            added[name] = given
    return AnswerReview(added=SurveyAnswer(**added), conflicts=tuple(conflicts))  # type: ignore[arg-type]


def answerable(survey: Survey, *, now: datetime) -> bool:
    """Open or answered in part, and not past its expiry."""
    return survey.status in ("open", "answered") and now < survey.expires_at


def is_negative(rating: int) -> bool:
    return rating <= NEGATIVE_AT_MOST


def follow_up_priority(priority: Priority) -> Priority:
    """One step above the rated ticket's (urgent stays urgent)."""
    return _HIGHER[priority]


def follow_up_subject(subject: str) -> str:
    title = f"Follow-up: negative feedback on {subject}"
    return title if len(title) <= MAX_SUBJECT else title[: MAX_SUBJECT - 1] + "…"


def follow_up_description(
    *, ticket_id: UUID, subject: str, rating: int, comment: str | None
) -> str:
    said = f"\n\nTheir comment: {comment}" if comment else ""
    return (
        f"The requester rated ticket {ticket_id} (\u201c{subject}\u201d) {rating} out of 5."
        f" Contact them, find out what went wrong and put it right.{said}"
    )


def resolution_cycle(reopen_count: int) -> int:
    """The ticket's resolution cycle: 1, then one more for each reopen."""
    return reopen_count + 1
