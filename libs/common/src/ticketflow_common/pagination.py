"""One page envelope for every list: `{items, next_cursor}`, asked for with `cursor` and `limit`.

A cursor is opaque to clients: base64url of a small JSON object holding the keyset position
(the last item's sort value and id) and a `kind` naming the list, so a cursor from one list or
sort order is refused by another instead of silently skipping items."""

import base64
import binascii
import json
import math
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel, Field

from ticketflow_common.input_model import storable
from ticketflow_common.problems import ProblemError, invalid_field

T = TypeVar("T")
P = TypeVar("P")
MAX_CURSOR_CHARS = 1_000
CURSOR_FIELD = "query:cursor"

CursorQuery = Annotated[
    str | None,
    Query(
        max_length=MAX_CURSOR_CHARS,
        description="The `next_cursor` of the previous page; absent: the first page.",
    ),
]
LimitQuery = Annotated[int, Query(ge=1, le=200, description="Items per page, 1 to 200.")]


class Page(BaseModel, Generic[T]):
    """A page of a list; follow `next_cursor` until it is null."""

    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


def encode_cursor(kind: str, position: dict[str, Any]) -> str:
    """The opaque cursor for a keyset position (JSON-serialisable values only; `kind` is the
    list's own key)."""
    if "kind" in position:
        raise ValueError("a cursor position may not hold a `kind` of its own")
    raw = json.dumps({"kind": kind, **position}, separators=(",", ":"), default=str)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, *, kind: str) -> dict[str, Any] | None:
    """The position a cursor of this list holds; None for the first page; 422 naming
    `query:cursor` for anything this API did not hand out for this list."""
    if cursor is None:
        return None
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise _bad_cursor() from exc
    if not isinstance(decoded, dict) or decoded.pop("kind", None) != kind:
        raise _bad_cursor()
    if not _fits_postgres(decoded):
        raise _bad_cursor()  # a hand-made position must not reach the database and fail there
    return decoded


def _fits_postgres(value: Any) -> bool:
    """Text Postgres can store and numbers within bigint and finite: what a handed-out cursor
    holds."""
    if isinstance(value, dict):
        return all(_fits_postgres(k) and _fits_postgres(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_fits_postgres(v) for v in value)
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str) and storable(value)


def read_cursor(cursor: str | None, *, kind: str, parse: Callable[[dict[str, Any]], P]) -> P | None:
    """The keyset position `parse` makes of a cursor of this list; a cursor whose position
    does not parse is refused like any other (422), never a 500."""
    position = decode_cursor(cursor, kind=kind)
    if position is None:
        return None
    try:
        return parse(position)
    except (KeyError, TypeError, ValueError) as exc:
        raise _bad_cursor() from exc


def encode_timed_cursor(kind: str, at: datetime, item_id: UUID) -> str:
    """The cursor after an item of a list ordered by a time and then an id."""
    return encode_cursor(kind, {"at": at.isoformat(), "id": str(item_id)})


def read_timed_cursor(cursor: str | None, *, kind: str) -> tuple[datetime, UUID] | None:
    """The (time, id) position of a cursor from `encode_timed_cursor`."""
    return read_cursor(
        cursor,
        kind=kind,
        parse=lambda p: (datetime.fromisoformat(str(p["at"])), UUID(str(p["id"]))),
    )


def _bad_cursor() -> ProblemError:
    return invalid_field(CURSOR_FIELD, "is not a cursor this list handed out")


def page_of(rows: Sequence[T], *, limit: int, cursor: Callable[[T], str]) -> Page[T]:
    """The page of up to `limit + 1` rows fetched in keyset order: the extra row only says
    there is a next page, whose cursor is the last item's position."""
    items = list(rows[:limit])
    more = len(rows) > limit and bool(items)
    return Page[T](items=items, next_cursor=cursor(items[-1]) if more else None)
