"""Ticket search parameters and the opaque cursor that keeps pages stable."""

import base64
import json
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, Field, StrictInt, StrictStr, ValidationError

from ticketflow_common.events.common import Priority, TicketStatus
from ticketflow_common.input_model import InputModel


class SortKey(StrEnum):
    CREATED = "created_at"
    CREATED_DESC = "-created_at"
    UPDATED = "updated_at"
    UPDATED_DESC = "-updated_at"
    PRIORITY = "priority"
    PRIORITY_DESC = "-priority"


SORT_COLUMNS: dict[SortKey, tuple[str, bool]] = {
    SortKey.CREATED: ("created_at", False),
    SortKey.CREATED_DESC: ("created_at", True),
    SortKey.UPDATED: ("updated_at", False),
    SortKey.UPDATED_DESC: ("updated_at", True),
    SortKey.PRIORITY: ("priority_rank", False),
    SortKey.PRIORITY_DESC: ("priority_rank", True),
}


class TicketQuery(InputModel):
    """Filters are ANDed; `q` searches subject, description and comments."""

    status: list[TicketStatus] = Field(default_factory=list)
    priority: list[Priority] = Field(default_factory=list)
    category: str | None = None
    team: str | None = None
    assignee: UUID | None = None
    requester: str | None = None
    tag: list[str] = Field(default_factory=list)
    created_after: datetime | None = None
    created_before: datetime | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    sla_breached: bool | None = None
    q: str | None = Field(default=None, min_length=1, max_length=200)
    sort: SortKey = SortKey.CREATED_DESC
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = None


class Cursor(BaseModel):
    """Where the previous page ended: the sort key's value and the id, for keyset paging."""

    sort: SortKey
    value: StrictStr | StrictInt
    id: UUID


class BadCursor(ValueError):
    pass


def encode_cursor(cursor: Cursor) -> str:
    return base64.urlsafe_b64encode(cursor.model_dump_json().encode()).decode().rstrip("=")


def decode_cursor(raw: str, *, sort: SortKey) -> Cursor:
    try:
        padded = raw + "=" * (-len(raw) % 4)
        cursor = Cursor.model_validate(json.loads(base64.urlsafe_b64decode(padded)))
    except (ValueError, ValidationError) as exc:
        raise BadCursor("cursor is not one this API returned") from exc
    if cursor.sort != sort:
        raise BadCursor("cursor belongs to a different sort order")
    cursor_position(cursor)
    return cursor


MAX_PRIORITY_RANK = 10


def cursor_position(cursor: Cursor) -> datetime | int:
    """The sort key's value as the column holds it; BadCursor when it cannot be one."""
    column, _ = SORT_COLUMNS[cursor.sort]
    if column == "priority_rank":
        if isinstance(cursor.value, int) and 0 <= cursor.value <= MAX_PRIORITY_RANK:
            return cursor.value
    elif isinstance(cursor.value, str):
        try:
            when = datetime.fromisoformat(cursor.value)
        except ValueError:
            pass
        else:
            if when.tzinfo is not None:
                return when
    raise BadCursor("cursor is not one this API returned")
