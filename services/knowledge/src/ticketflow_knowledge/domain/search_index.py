"""What the search index holds of an article, known error or solution, and how its text is
analysed (the same `text_analysis` as intake's ticket search)."""

from dataclasses import dataclass, field
from uuid import UUID

from ticketflow_common.events.knowledge import ItemKind
from ticketflow_common.text_analysis import index_terms, normalise

EXCERPT_CHARS = 280


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
    """The terms of the title (weight A) and of the body and tags (weight B)."""

    title_terms: list[str]
    body_terms: list[str]
    title_folded: str


def analyse_item(item: IndexedItem) -> AnalysedItem:
    return AnalysedItem(
        title_terms=index_terms(item.title, language=item.language),
        body_terms=index_terms(item.body, " ".join(item.tags), language=item.language),
        title_folded=normalise(item.title),
    )


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a text, cut at a character boundary with an ellipsis when longer."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
