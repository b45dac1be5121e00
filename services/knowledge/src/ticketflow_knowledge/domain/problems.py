"""Problems and their known errors: what may be written, and the one path a problem takes
(open -> known_error -> resolved; open -> resolved when the fix is known first; `closed` is
kept by the schema and reached by no request yet)."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field, field_validator

from ticketflow_common.input_model import InputModel
from ticketflow_knowledge.domain.search_index import IndexedItem

ProblemStatus = Literal["open", "known_error", "resolved", "closed"]
MAX_TITLE_CHARS = 300
MAX_CATEGORY_CHARS = 100
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
LINKABLE: tuple[ProblemStatus, ...] = ("open", "known_error")
"""Tickets link to a problem until it is resolved: `problem.resolved` names the linked ones."""
LISTED: tuple[ProblemStatus, ...] = ("known_error", "resolved")
"""The statuses the known-error list and the search index show."""


class ProblemConflict(Exception):
    """The request does not fit the problem's status (answered 409)."""


class FieldRule(Exception):
    """A field's value does not fit the problem (answered 422 naming the field)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def _not_blank(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise ValueError("must not be blank")
    return value


class NewProblem(InputModel):
    """A problem behind one or more incidents, before its cause is known."""

    title: str = Field(min_length=1, max_length=MAX_TITLE_CHARS)
    description: str = ""
    category: str | None = Field(default=None, min_length=1, max_length=MAX_CATEGORY_CHARS)
    language: str = Field(pattern=LANGUAGE_PATTERN, max_length=20)

    _title = field_validator("title", "category")(_not_blank)


class ProblemPatch(InputModel):
    """Fields to change; a field left out keeps its value, `null` clears an optional one."""

    title: str | None = Field(default=None, min_length=1, max_length=MAX_TITLE_CHARS)
    description: str | None = None
    category: str | None = Field(default=None, min_length=1, max_length=MAX_CATEGORY_CHARS)
    root_cause: str | None = None
    workaround: str | None = None
    permanent_fix: str | None = None
    public: bool | None = None

    _texts = field_validator("title", "category", "root_cause", "workaround", "permanent_fix")(
        _not_blank
    )


class KnownErrorDeclaration(InputModel):
    """The cause (if known) and the workaround that make a problem a known error."""

    root_cause: str | None = None
    workaround: str = Field(min_length=1)
    public: bool = Field(default=False, description="Requesters may read it and be offered it.")

    _texts = field_validator("root_cause", "workaround")(_not_blank)


class ProblemResolution(InputModel):
    """The permanent fix; `resolve_linked_tickets` asks intake to resolve the open ones."""

    permanent_fix: str = Field(min_length=1)
    resolve_linked_tickets: bool = False

    _fix = field_validator("permanent_fix")(_not_blank)


class TicketLink(InputModel):
    """An incident ticket to link; knowledge may not have heard of it yet."""

    ticket_id: UUID


class Problem(BaseModel):
    """A problem as staff read it; `version` is its ETag."""

    problem_id: UUID
    title: str
    description: str
    status: ProblemStatus
    category: str | None
    language: str
    root_cause: str | None
    workaround: str | None
    permanent_fix: str | None
    public: bool
    created_by: str
    created_at: datetime
    updated_at: datetime
    known_error_at: datetime | None
    resolved_at: datetime | None
    resolved_by: str | None
    version: int


class LinkedTicket(BaseModel):
    """A ticket linked to a problem; subject and status when knowledge has seen the ticket."""

    ticket_id: UUID
    linked_by: str
    linked_at: datetime
    subject: str | None = None
    status: str | None = None


class KnownError(BaseModel):
    """A known error as the list shows it; `score` and `why` when it was searched for."""

    problem_id: UUID
    title: str
    status: ProblemStatus
    category: str | None
    language: str
    root_cause: str | None
    workaround: str | None
    permanent_fix: str | None
    public: bool
    known_error_at: datetime | None
    resolved_at: datetime | None
    score: float | None = None
    why: str | None = None


def new_problem(new: NewProblem, *, problem_id: UUID, created_by: str, now: datetime) -> Problem:
    return Problem(
        problem_id=problem_id,
        title=new.title,
        description=new.description,
        status="open",
        category=new.category,
        language=new.language,
        root_cause=None,
        workaround=None,
        permanent_fix=None,
        public=False,
        created_by=created_by,
        created_at=now,
        updated_at=now,
        known_error_at=None,
        resolved_at=None,
        resolved_by=None,
        version=1,
    )


def patched(problem: Problem, patch: ProblemPatch, *, now: datetime) -> Problem:
    """The problem with the patch's fields; a known error keeps a workaround, a resolved
    problem its fix, and a closed one changes no more."""
    if problem.status == "closed":
        raise ProblemConflict(f"problem {problem.problem_id} is closed")
    changes = patch.model_dump(include=patch.model_fields_set)
    for required in ("title", "description", "public"):
        if required in changes and changes[required] is None:
            raise FieldRule(required, "must not be null")
    cleared = {name for name, value in changes.items() if value is None}
    if "workaround" in cleared and problem.known_error_at is not None:
        raise FieldRule("workaround", "a known error keeps its workaround")
    if "permanent_fix" in cleared and problem.status == "resolved":
        raise FieldRule("permanent_fix", "a resolved problem keeps its permanent fix")
    if not changes:
        return problem
    return problem.model_copy(update={**changes, "updated_at": now, "version": problem.version + 1})


def declared_known_error(
    problem: Problem, declaration: KnownErrorDeclaration, *, now: datetime
) -> Problem:
    """Open -> known_error, with its workaround (and cause) and who may read it."""
    if problem.status != "open":
        raise ProblemConflict(
            f"problem {problem.problem_id} is {problem.status}; only an open problem becomes"
            " a known error (change its workaround with PATCH)"
        )
    return problem.model_copy(
        update={
            "status": "known_error",
            "root_cause": declaration.root_cause
            if declaration.root_cause is not None
            else problem.root_cause,
            "workaround": declaration.workaround,
            "public": declaration.public,
            "known_error_at": now,
            "updated_at": now,
            "version": problem.version + 1,
        }
    )


def resolved(
    problem: Problem, resolution: ProblemResolution, *, resolved_by: str, now: datetime
) -> Problem:
    """Open or known_error -> resolved, once: resolving again is a conflict, so
    `problem.resolved` is told exactly once."""
    if problem.status not in ("open", "known_error"):
        raise ProblemConflict(
            f"problem {problem.problem_id} is already {problem.status}"
            + (f" (since {problem.resolved_at.isoformat()})" if problem.resolved_at else "")
        )
    return problem.model_copy(
        update={
            "status": "resolved",
            "permanent_fix": resolution.permanent_fix,
            "resolved_at": now,
            "resolved_by": resolved_by,
            "updated_at": now,
            "version": problem.version + 1,
        }
    )


def check_linkable(problem: Problem) -> None:
    """Links change only before resolution: the resolved event already named the tickets."""
    if problem.status not in LINKABLE:
        raise ProblemConflict(
            f"problem {problem.problem_id} is {problem.status}; its linked tickets were told"
            " of the fix and change no more"
        )


def indexed_known_error(problem: Problem) -> IndexedItem | None:
    """The search row of a known error or resolved problem (None before either): its title,
    and its description, cause, workaround and fix as the body."""
    if problem.status not in LISTED:
        return None
    parts = (problem.description, problem.root_cause, problem.workaround, problem.permanent_fix)
    return IndexedItem(
        kind="known_error",
        item_id=problem.problem_id,
        language=problem.language,
        title=problem.title,
        body="\n\n".join(p.strip() for p in parts if p and p.strip()),
        public=problem.public,
        live=True,
        category=problem.category,
    )


def listed_at(problem: Problem) -> datetime:
    """When it joined the known-error list: the declaration, else the resolution (a problem
    resolved when its fix came first)."""
    return problem.known_error_at or problem.resolved_at or problem.created_at


def known_error_view(
    problem: Problem, *, score: float | None = None, why: str | None = None
) -> KnownError:
    return KnownError(
        **problem.model_dump(include=set(KnownError.model_fields) - {"score", "why"}),
        score=score,
        why=why,
    )
