"""The one writer of `search_items`: articles, problems and solutions index themselves here."""

from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.events.knowledge import ItemKind
from ticketflow_common.text_analysis import ANALYSIS_VERSION
from ticketflow_knowledge.domain.search_index import IndexedItem, analyse_item


async def index_item(*, conn: asyncpg.Connection, item: IndexedItem, now: datetime) -> None:
    """Insert or replace an item's row (its reuse count is kept)."""
    analysed = analyse_item(item)
    await conn.execute(
        "INSERT INTO search_items (kind, item_id, language, title, body, category, tags, public,"
        " live, terms, title_folded, analysis, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7,"
        " $8, $9, $10::tsvector, $11, $12, $13)"
        " ON CONFLICT (kind, item_id) DO UPDATE SET language = EXCLUDED.language,"
        " title = EXCLUDED.title, body = EXCLUDED.body, category = EXCLUDED.category,"
        " tags = EXCLUDED.tags, public = EXCLUDED.public, live = EXCLUDED.live,"
        " terms = EXCLUDED.terms, title_folded = EXCLUDED.title_folded,"
        " analysis = EXCLUDED.analysis, updated_at = EXCLUDED.updated_at",
        item.kind,
        item.item_id,
        item.language,
        item.title,
        item.body,
        item.category,
        item.tags,
        item.public,
        item.live,
        analysed.terms,
        analysed.title_folded,
        ANALYSIS_VERSION,
        now,
    )


async def set_live(
    *, conn: asyncpg.Connection, kind: ItemKind, item_id: UUID, live: bool, now: datetime
) -> None:
    """Show or hide an item without re-analysing it (archived, reopened, ...)."""
    await conn.execute(
        "UPDATE search_items SET live = $3, updated_at = $4 WHERE kind = $1 AND item_id = $2",
        kind,
        item_id,
        live,
        now,
    )


async def count_reuse(*, conn: asyncpg.Connection, kind: ItemKind, item_id: UUID) -> None:
    """One more time this item solved something: it ranks up."""
    await conn.execute(
        "UPDATE search_items SET reuse_count = reuse_count + 1 WHERE kind = $1 AND item_id = $2",
        kind,
        item_id,
    )
