"""How a question is turned into a search and how the matches are ordered: any query part may
match (a description is not a conjunction), title matches weigh more than body matches, and each
time an item solved something it ranks a little higher."""

import math
from dataclasses import dataclass, field

from ticketflow_common.events.knowledge import ItemKind
from ticketflow_common.text_analysis import analyze, lexeme

ALL_KINDS: tuple[ItemKind, ...] = ("article", "known_error", "solution")
REUSE_WEIGHT = 0.15
"""Score multiplier per natural-log unit of reuse: 1 use x1.10, 10 uses x1.36."""


@dataclass(frozen=True)
class RankQuery:
    """What is asked: free text in a language, and what the caller may see."""

    text: str
    language: str
    public_only: bool
    kinds: tuple[ItemKind, ...] = ALL_KINDS
    limit: int = 5
    min_score: float = 0.0


@dataclass(frozen=True)
class SearchPlan:
    """The tsquery (any alternative of any part) and every term it may match."""

    tsquery: str
    terms: list[str] = field(default_factory=list)


def search_plan(text: str, *, language: str) -> SearchPlan | None:
    """Every term the index would hold for `text` in `language`, any of which may match; None
    when the text holds no searchable term at all."""
    terms = list(dict.fromkeys(analyze(text, language=language)))
    if not terms:
        return None
    return SearchPlan(tsquery=" | ".join(lexeme(t) for t in terms), terms=terms)


def final_score(*, lexical: float, reuse_count: int) -> float:
    return lexical * (1.0 + REUSE_WEIGHT * math.log1p(max(reuse_count, 0)))


def why_matched(*, matched: list[str], title_matched: list[str], reuse_count: int) -> str:
    """One sentence: which terms matched where, and the reuse that ranked it up."""
    shown = ", ".join(matched[:6]) + ("…" if len(matched) > 6 else "")
    where = "in the title" if title_matched else "in the text"
    reuse = (
        f"; solved {reuse_count} request{'s' if reuse_count != 1 else ''} before"
        if reuse_count
        else ""
    )
    return f"matched {shown} {where}{reuse}"
