"""Reading articles: staff see every article at its latest version; requesters see published
public articles only, at their published version (never a newer draft)."""

from uuid import UUID

import asyncpg

from ticketflow_common.events.knowledge import SuggestedItem
from ticketflow_common.pagination import (
    CURSOR_FIELD,
    Page,
    encode_cursor,
    encode_timed_cursor,
    page_of,
    read_cursor,
    read_timed_cursor,
)
from ticketflow_common.problems import invalid_field, not_found
from ticketflow_knowledge.commands.articles import latest_view
from ticketflow_knowledge.commands.ranked_pages import (
    best_first_after,
    ranked_cursor,
    read_ranked_cursor,
)
from ticketflow_knowledge.commands.ranking import rank_items
from ticketflow_knowledge.domain.access import Caller
from ticketflow_knowledge.domain.articles import (
    Article,
    ArticleQuery,
    ArticleSummary,
    FaqEntry,
    VersionView,
    article_view,
    readable_by_requesters,
)
from ticketflow_knowledge.domain.markdown_pages import render_markdown
from ticketflow_knowledge.domain.ranking import RankQuery, search_language
from ticketflow_knowledge.domain.search_index import excerpt
from ticketflow_knowledge.store import articles as store

RANKED_CANDIDATES = 200
"""How many ranked articles `q` considers before the other filters and the page apply."""
RANKED_KIND = "knowledge.articles.ranked"
FAQ_KIND = "knowledge.faq"


async def read_article(*, conn: asyncpg.Connection, article_id: UUID, caller: Caller) -> Article:
    """Staff: the latest version. Requesters: the published version of a published public
    article; 404 for anything else, as if it did not exist."""
    if caller.is_staff:
        return await latest_view(conn=conn, article_id=article_id)
    missing = not_found(f"article {article_id} not found")
    record = await store.article_record(conn=conn, article_id=article_id)
    if record is None or record.published_version is None:
        raise missing
    shown = await store.article_version(
        conn=conn, article_id=article_id, version=record.published_version
    )
    if shown is None or not readable_by_requesters(record, shown):
        raise missing
    return article_view(record, shown, render_markdown(shown.body))


async def find_articles(
    *, conn: asyncpg.Connection, query: ArticleQuery, caller: Caller, cursor: str | None
) -> Page[ArticleSummary]:
    """Newest change first (requesters: newest publication); with `q`, best match first
    among the published articles, ties by id."""
    if query.q is not None:
        return await _ranked_articles(
            conn=conn, query=query, q=query.q, caller=caller, cursor=cursor
        )
    kind = "knowledge.articles" if caller.is_staff else "knowledge.public_articles"
    after = read_timed_cursor(cursor, kind=kind)
    listed = await store.list_articles(
        conn=conn, where=_filter(query, caller, ids=None), limit=query.limit + 1, after=after
    )
    page = page_of(
        listed,
        limit=query.limit,
        cursor=lambda a: encode_timed_cursor(kind, a.listed_at, a.article_id),
    )
    return Page[ArticleSummary](
        items=[_summary(a, None) for a in page.items], next_cursor=page.next_cursor
    )


async def _ranked_articles(
    *,
    conn: asyncpg.Connection,
    query: ArticleQuery,
    q: str,
    caller: Caller,
    cursor: str | None,
) -> Page[ArticleSummary]:
    """The best RANKED_CANDIDATES articles for `q` that pass the filters, after the cursor's
    (score, id)."""
    after = read_ranked_cursor(cursor, kind=RANKED_KIND)
    found = await rank_items(
        conn=conn,
        query=RankQuery(
            text=q,
            language=search_language(q, query.language),
            public_only=not caller.is_staff,
            kinds=("article",),
            limit=RANKED_CANDIDATES,
        ),
    )
    ranked = {item.item_id: item for item in best_first_after(found, after)}
    listed = await store.list_articles(
        conn=conn, where=_filter(query, caller, ids=list(ranked)), limit=query.limit + 1
    )
    summaries = [_summary(a, ranked[a.article_id]) for a in listed]
    return page_of(
        summaries,
        limit=query.limit,
        cursor=lambda a: ranked_cursor(RANKED_KIND, a.score, a.id),
    )


def _filter(query: ArticleQuery, caller: Caller, *, ids: list[UUID] | None) -> store.ArticleFilter:
    return store.ArticleFilter(
        published_view=not caller.is_staff,
        status=query.status,
        visibility=query.visibility,
        language=query.language,
        category=query.category,
        tag=query.tag,
        ids=ids,
    )


def _summary(a: store.ListedArticle, hit: SuggestedItem | None) -> ArticleSummary:
    return ArticleSummary(
        id=a.article_id,
        status=a.status,
        title=a.content.title,
        excerpt=excerpt(a.content.body),
        language=a.content.language,
        category=a.content.category,
        tags=a.content.tags,
        visibility=a.content.visibility,
        version=a.version,
        published_version=a.published_version,
        updated_at=a.updated_at,
        score=hit.score if hit else None,
        why=hit.why if hit else None,
    )


async def article_versions(
    *, conn: asyncpg.Connection, article_id: UUID, cursor: str | None, limit: int
) -> Page[VersionView]:
    """Every saved version with its author, newest first."""
    kind = f"knowledge.versions.{article_id}"
    before = read_cursor(cursor, kind=kind, parse=lambda p: _version_number(p["version"]))
    record = await store.article_record(conn=conn, article_id=article_id)
    if record is None:
        raise not_found(f"article {article_id} not found")
    versions = await store.article_versions(
        conn=conn, article_id=article_id, limit=limit + 1, before=before
    )
    views = [
        VersionView(
            **v.model_dump(),
            body_html=render_markdown(v.body),
            published=record.status == "published" and record.published_version == v.version,
        )
        for v in versions
    ]
    return page_of(views, limit=limit, cursor=lambda v: encode_cursor(kind, {"version": v.version}))


async def one_version(*, conn: asyncpg.Connection, article_id: UUID, version: int) -> VersionView:
    record = await store.article_record(conn=conn, article_id=article_id)
    if record is None:
        raise not_found(f"article {article_id} not found")
    found = await store.article_version(conn=conn, article_id=article_id, version=version)
    if found is None:
        raise not_found(f"article {article_id} has no version {version}")
    return VersionView(
        **found.model_dump(),
        body_html=render_markdown(found.body),
        published=record.status == "published" and record.published_version == version,
    )


async def faq(
    *,
    conn: asyncpg.Connection,
    language: str | None,
    category: str | None,
    cursor: str | None,
    limit: int,
) -> Page[FaqEntry]:
    """Published public articles by category (by name, uncategorised last), then title, each at
    its published version; a client groups consecutive entries of one category."""
    rows = await store.published_public(
        conn=conn,
        language=language,
        category=category,
        limit=limit + 1,
        after=await _faq_position(conn=conn, cursor=cursor),
    )
    entries = [
        FaqEntry(
            id=record.article_id,
            category=version.category,
            title=version.title,
            body_html=render_markdown(version.body),
            language=version.language,
            tags=version.tags,
            version=version.version,
            published_at=record.published_at,
        )
        for record, version in rows
    ]
    return page_of(
        entries,
        limit=limit,
        cursor=lambda e: encode_cursor(FAQ_KIND, {"id": str(e.id), "version": e.version}),
    )


async def _faq_position(
    *, conn: asyncpg.Connection, cursor: str | None
) -> store.FaqPosition | None:
    """The place of the cursor's article version: versions are never changed, so the place
    stays put (a title would make the cursor too long to send)."""
    held = read_cursor(
        cursor, kind=FAQ_KIND, parse=lambda p: (UUID(str(p["id"])), _version_number(p["version"]))
    )
    if held is None:
        return None
    article_id, number = held
    version = await store.article_version(conn=conn, article_id=article_id, version=number)
    if version is None:
        raise invalid_field(CURSOR_FIELD, "is not a cursor this list handed out")
    return (version.category, version.title, article_id)


def _version_number(value: object) -> int:
    """A version a handed-out cursor holds: a whole number a version column can hold."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value < 2**31:
        raise ValueError("a version is a whole number from 1")
    return value
