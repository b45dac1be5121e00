"""What the search index holds of an article, known error or solution, and how its text is
analysed (the same `text_analysis` as intake's ticket search)."""

from dataclasses import dataclass, field
from uuid import UUID

from ticketflow_common.events.knowledge import ItemKind
from ticketflow_common.text_analysis import analyze, lexeme, normalise

EXCERPT_CHARS = 280
EXCERPT_SOURCE_CHARS = 4 * EXCERPT_CHARS
"""Of a body, what an excerpt is cut from: room for its whitespace to be folded."""
MAX_POSITION = 16383
"""Postgres' largest tsvector position: later terms share it."""


@dataclass(frozen=True)
class IndexedItem:
    """One searchable item; `live` ones are suggested and found, the others kept for later."""

    kind: ItemKind
    item_id: UUID
    language: str
    title: str
    body: str
    public: bool
    live: bool
    category: str | None = None
    tags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AnalysedItem:
    """`terms`: a tsvector literal, the title's terms at weight A, the body's and tags' at B,
    each at its position (ts_rank_cd needs positions; weights live on them)."""

    terms: str
    title_folded: str


def tsvector_literal(title_terms: list[str], body_terms: list[str]) -> str:
    positions: dict[str, list[str]] = {}
    for index, term in enumerate([*title_terms, *body_terms], start=1):
        weight = "A" if index <= len(title_terms) else "B"
        positions.setdefault(term, []).append(f"{min(index, MAX_POSITION)}{weight}")
    return " ".join(f"{lexeme(t)}:{','.join(p[:256])}" for t, p in positions.items())


def analyse_item(item: IndexedItem) -> AnalysedItem:
    title_terms = analyze(item.title, language=item.language)
    body_terms = analyze(item.body, language=item.language)
    tag_terms = [t for tag in item.tags for t in analyze(tag, language=item.language)]
    return AnalysedItem(
        terms=tsvector_literal(title_terms, [*body_terms, *tag_terms]),
        title_folded=normalise(item.title),
    )


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a text, cut at a character boundary with an ellipsis when longer."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
