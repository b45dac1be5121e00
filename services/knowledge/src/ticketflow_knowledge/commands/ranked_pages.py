"""Pages of a list ranked in Python: best score first, ties by id, so a cursor holding the last
item's (score, id) names the same place on every page."""

from collections.abc import Sequence
from uuid import UUID

from ticketflow_common.events.knowledge import SuggestedItem
from ticketflow_common.pagination import encode_cursor, read_cursor

RankedPosition = tuple[float, UUID]


def read_ranked_cursor(cursor: str | None, *, kind: str) -> RankedPosition | None:
    """The (score, id) of the last item of the page before; None for the first page."""
    return read_cursor(cursor, kind=kind, parse=lambda p: (_score(p["score"]), UUID(str(p["id"]))))


def ranked_cursor(kind: str, score: float | None, item_id: UUID) -> str:
    """The cursor after an item of a ranked list."""
    return encode_cursor(kind, {"score": score or 0.0, "id": str(item_id)})


def best_first_after(
    items: Sequence[SuggestedItem], after: RankedPosition | None
) -> list[SuggestedItem]:
    """The ranked items best first (ties by id), only those strictly after `after`."""
    ordered = sorted(items, key=lambda i: _key(i.score, i.item_id))
    if after is None:
        return ordered
    position = _key(*after)
    return [i for i in ordered if _key(i.score, i.item_id) > position]


def _key(score: float, item_id: UUID) -> tuple[float, str]:
    return (-score, str(item_id))


def _score(value: object) -> float:
    """A score a handed-out cursor holds: a JSON number (never text, never NaN)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("a score is a number")
    return float(value)
