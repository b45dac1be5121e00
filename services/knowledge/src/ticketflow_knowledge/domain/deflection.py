"""Deflection: of the tickets something was suggested for, how many the requester said a
suggestion solved (resolved as self-service, no agent needed)."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from ticketflow_common.events.knowledge import ItemKind

KINDS: tuple[ItemKind, ...] = ("article", "known_error", "solution")


class DeflectionFigures(BaseModel):
    suggested_tickets: int = Field(description="Tickets at least one item was suggested for.")
    answered_tickets: int = Field(description="Of those, tickets whose requester answered.")
    solved_tickets: int = Field(description="Answered 'this solved it': the deflections.")
    deflection_rate: float | None = Field(description="solved / suggested; null when none.")


class KindDeflection(DeflectionFigures):
    kind: ItemKind


class Deflection(DeflectionFigures):
    start: datetime = Field(serialization_alias="from")
    end: datetime = Field(serialization_alias="to")
    considered_tickets: int = Field(description="New tickets a suggestion was sought for.")
    by_kind: list[KindDeflection] = Field(
        description="Per kind: tickets suggested an item of it, and the answers naming one."
    )


def rate(solved: int, suggested: int) -> float | None:
    return round(solved / suggested, 4) if suggested else None


def deflection(*, start: datetime, end: datetime, counts: list[dict[str, Any]]) -> Deflection:
    """The figures from the store's counts per kind ('' for all kinds together)."""
    by = {c["kind"]: c for c in counts}
    total = by.get("", {"considered": 0, "suggested": 0, "answered": 0, "solved": 0})

    def figures(c: dict[str, Any]) -> dict[str, Any]:
        return {
            "suggested_tickets": c["suggested"],
            "answered_tickets": c["answered"],
            "solved_tickets": c["solved"],
            "deflection_rate": rate(c["solved"], c["suggested"]),
        }

    empty = {"suggested": 0, "answered": 0, "solved": 0}
    return Deflection(
        start=start,
        end=end,
        considered_tickets=total["considered"],
        **figures(total),
        by_kind=[KindDeflection(kind=k, **figures(by.get(k, empty))) for k in KINDS],
    )
