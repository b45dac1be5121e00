"""Reading articles: staff see every article at its latest version; requesters see published
public articles only, at their published version (never a newer draft)."""

from uuid import UUID

import asyncpg

from ticketflow_common.pagination import Page, encode_cursor, page_of, read_cursor
from ticketflow_common.problems import not_found
from ticketflow_knowledge.commands.articles import latest_view
from ticketflow_knowledge.commands.ranking import rank_items
from ticketflow_knowledge.domain.access import Caller
from ticketflow_knowledge.domain.articles import (
    Article,
    ArticleQuery,
    ArticleSummary,
    FaqCategory,
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
    *, conn: asyncpg.Connection, query: ArticleQuery, caller: Caller
) -> list[ArticleSummary]:
    """Newest change first; with `q`, best match first among the published articles."""
    ranked = {}
    if query.q is not None:
        found = await rank_items(
            conn=conn,
            query=RankQuery(
                text=query.q,
                language=search_language(query.q, query.language),
                public_only=not caller.is_staff,
                kinds=("article",),
                limit=RANKED_CANDIDATES,
            ),
        )
        ranked = {item.item_id: item for item in found}
    listed = await store.list_articles(
        conn=conn,
        where=store.ArticleFilter(
            published_view=not caller.is_staff,
            status=query.status,
            visibility=query.visibility,
            language=query.language,
            category=query.category,
            tag=query.tag,
            ids=list(ranked) if query.q is not None else None,
        ),
        limit=query.limit,
        offset=query.offset,
    )
    return [
        ArticleSummary(
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
            score=ranked[a.article_id].score if a.article_id in ranked else None,
            why=ranked[a.article_id].why if a.article_id in ranked else None,
        )
        for a in listed
    ]


async def article_versions(
    *, conn: asyncpg.Connection, article_id: UUID, cursor: str | None, limit: int
) -> Page[VersionView]:
    """Every saved version with its author, newest first."""
    kind = f"knowledge.versions.{article_id}"
    before = read_cursor(cursor, kind=kind, parse=lambda p: int(p["version"]))
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
    *, conn: asyncpg.Connection, language: str | None, category: str | None
) -> list[FaqCategory]:
    """Published public articles grouped by category (categories by name, uncategorised last;
    articles by title), each at its published version."""
    groups: dict[str | None, list[FaqEntry]] = {}
    for record, version in await store.published_public(
        conn=conn, language=language, category=category
    ):
        groups.setdefault(version.category, []).append(
            FaqEntry(
                id=record.article_id,
                title=version.title,
                body_html=render_markdown(version.body),
                language=version.language,
                tags=version.tags,
                version=version.version,
                published_at=record.published_at,
            )
        )
    return [FaqCategory(category=name, articles=entries) for name, entries in groups.items()]
