"""Writing articles: create a draft, save a new version, publish one version, archive. Every
change runs in one transaction with its search-index row and its event."""

import uuid
from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.events.knowledge import ArticlePublished
from ticketflow_common.outbox import emit
from ticketflow_common.preconditions import EntityTag, WritePrecondition
from ticketflow_common.problems import invalid_field, not_found
from ticketflow_knowledge.commands.metrics import KNOWLEDGE_ARTICLES_PUBLISHED
from ticketflow_knowledge.domain.access import Caller
from ticketflow_knowledge.domain.articles import (
    Article,
    ArticleChange,
    ArticleRecord,
    NewArticle,
    VersionContent,
    article_view,
    changed_content,
    content_of,
    publish_changes,
    version_to_publish,
)
from ticketflow_knowledge.domain.markdown_pages import render_markdown
from ticketflow_knowledge.domain.search_index import IndexedItem
from ticketflow_knowledge.store import articles as store
from ticketflow_knowledge.store.search_items import index_item, set_live


def etag_of(version: int) -> EntityTag:
    return EntityTag(opaque=str(version))


async def locked_article(*, conn: asyncpg.Connection, article_id: UUID) -> ArticleRecord:
    record = await store.article_record(conn=conn, article_id=article_id, for_update=True)
    if record is None:
        raise not_found(f"article {article_id} not found")
    return record


async def latest_view(*, conn: asyncpg.Connection, article_id: UUID) -> Article:
    """The article as staff read it: the latest version."""
    record = await store.article_record(conn=conn, article_id=article_id)
    if record is None:
        raise not_found(f"article {article_id} not found")
    shown = await store.article_version(conn=conn, article_id=article_id, version=record.version)
    assert shown is not None, "every article has its latest version saved"
    return article_view(record, shown, render_markdown(shown.body))


async def create_article(
    *, conn: asyncpg.Connection, new: NewArticle, caller: Caller, now: datetime
) -> Article:
    """A draft, version 1, by the caller; nothing is searchable until it is published."""
    article_id = uuid.uuid4()
    content = VersionContent.model_validate(new.model_dump(exclude={"note"}))
    async with conn.transaction():
        await store.insert_article(
            conn=conn, article_id=article_id, content=content, author_id=caller.subject, now=now
        )
        await store.insert_version(
            conn=conn,
            article_id=article_id,
            version=1,
            content=content,
            author_id=caller.subject,
            note=new.note,
            now=now,
        )
        return await latest_view(conn=conn, article_id=article_id)


async def edit_article(
    *,
    conn: asyncpg.Connection,
    article_id: UUID,
    change: ArticleChange,
    precondition: WritePrecondition,
    caller: Caller,
    now: datetime,
) -> Article:
    """A new version by the caller (412 when `If-Match` names an older one); what readers see
    and what search finds stay as published until a version is published. A change that would
    save the same content again saves nothing."""
    async with conn.transaction():
        record = await locked_article(conn=conn, article_id=article_id)
        precondition.check(etag_of(record.version), what=f"article {article_id}")
        content = changed_content(content_of(record), change)
        if content is not None:
            version = record.version + 1
            await store.insert_version(
                conn=conn,
                article_id=article_id,
                version=version,
                content=content,
                author_id=caller.subject,
                note=change.note,
                now=now,
            )
            await store.save_latest(
                conn=conn, article_id=article_id, version=version, content=content, now=now
            )
        return await latest_view(conn=conn, article_id=article_id)


async def publish_article(
    *, conn: asyncpg.Connection, article_id: UUID, version: int | None, now: datetime
) -> Article:
    """Make a version (the latest by default) the one readers see and search finds, and say so
    with `article.published`; the version already published changes nothing and emits nothing."""
    async with conn.transaction():
        record = await locked_article(conn=conn, article_id=article_id)
        chosen = version_to_publish(record, version)
        if chosen is None:
            raise invalid_field(
                "version", f"article {article_id} has versions 1 to {record.version}"
            )
        if publish_changes(record, chosen):
            published = await store.article_version(
                conn=conn, article_id=article_id, version=chosen
            )
            assert published is not None, "versions 1..latest are all saved"
            await store.mark_published(conn=conn, article_id=article_id, version=chosen, now=now)
            await index_item(
                conn=conn,
                item=IndexedItem(
                    kind="article",
                    item_id=article_id,
                    language=published.language,
                    title=published.title,
                    body=published.body,
                    public=published.visibility == "public",
                    live=True,
                    category=published.category,
                    tags=published.tags,
                ),
                now=now,
            )
            await emit(
                conn,
                ArticlePublished(
                    article_id=article_id,
                    version=chosen,
                    title=published.title,
                    language=published.language,
                    category=published.category,
                    tags=published.tags,
                    visibility=published.visibility,
                    author_id=published.author_id,
                    published_at=now,
                ),
                subject=str(article_id),
                now=now,
            )
            after_commit(conn, KNOWLEDGE_ARTICLES_PUBLISHED.inc)
        return await latest_view(conn=conn, article_id=article_id)


async def archive_article(*, conn: asyncpg.Connection, article_id: UUID, now: datetime) -> Article:
    """Retire it: hidden from search, suggestions and requesters, its versions kept; publishing
    a version again brings it back. Archiving an archived article changes nothing."""
    async with conn.transaction():
        record = await locked_article(conn=conn, article_id=article_id)
        if record.status != "archived":
            await store.mark_archived(conn=conn, article_id=article_id, now=now)
            await set_live(conn=conn, kind="article", item_id=article_id, live=False, now=now)
        return await latest_view(conn=conn, article_id=article_id)
