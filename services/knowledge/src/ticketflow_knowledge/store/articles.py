"""Articles and their versions: the row holds the latest version and the publishing state;
`article_versions` rows are inserted, never updated."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_knowledge.domain.articles import (
    ArticleRecord,
    ArticleStatus,
    ArticleVersion,
    VersionContent,
)

RECORD_COLUMNS = (
    "article_id, status, visibility, language, category, tags, title, body, version,"
    " published_version, author_id, created_at, updated_at, published_at, archived_at"
)
VERSION_COLUMNS = (
    "article_id, version, title, body, category, tags, language, visibility, author_id, note,"
    " created_at"
)


@dataclass(frozen=True)
class ArticleFilter:
    """Listing filters, ANDed; `published_view`: only published public articles, as their
    published version says (what requesters see)."""

    published_view: bool
    status: ArticleStatus | None = None
    visibility: str | None = None
    language: str | None = None
    category: str | None = None
    tag: str | None = None
    ids: list[UUID] | None = None


@dataclass(frozen=True)
class ListedArticle:
    article_id: UUID
    status: ArticleStatus
    content: VersionContent
    version: int
    published_version: int | None
    updated_at: datetime
    listed_at: datetime
    """What the list is ordered by: the publication in the published view, else the change."""


def _record(row: asyncpg.Record) -> ArticleRecord:
    return ArticleRecord.model_validate(dict(row))


def _version(row: asyncpg.Record) -> ArticleVersion:
    return ArticleVersion.model_validate(dict(row))


async def insert_article(
    *,
    conn: asyncpg.Connection,
    article_id: UUID,
    content: VersionContent,
    author_id: str,
    now: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO articles (article_id, status, visibility, language, category, tags, title,"
        " body, version, author_id, created_at, updated_at)"
        " VALUES ($1, 'draft', $2, $3, $4, $5, $6, $7, 1, $8, $9, $9)",
        article_id,
        content.visibility,
        content.language,
        content.category,
        content.tags,
        content.title,
        content.body,
        author_id,
        now,
    )


async def insert_version(
    *,
    conn: asyncpg.Connection,
    article_id: UUID,
    version: int,
    content: VersionContent,
    author_id: str,
    note: str | None,
    now: datetime,
) -> None:
    await conn.execute(
        f"INSERT INTO article_versions ({VERSION_COLUMNS})"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        article_id,
        version,
        content.title,
        content.body,
        content.category,
        content.tags,
        content.language,
        content.visibility,
        author_id,
        note,
        now,
    )


async def save_latest(
    *,
    conn: asyncpg.Connection,
    article_id: UUID,
    version: int,
    content: VersionContent,
    now: datetime,
) -> None:
    """The row follows its newest version (publishing state untouched)."""
    await conn.execute(
        "UPDATE articles SET version = $2, title = $3, body = $4, category = $5, tags = $6,"
        " language = $7, visibility = $8, updated_at = $9 WHERE article_id = $1",
        article_id,
        version,
        content.title,
        content.body,
        content.category,
        content.tags,
        content.language,
        content.visibility,
        now,
    )


async def mark_published(
    *, conn: asyncpg.Connection, article_id: UUID, version: int, now: datetime
) -> None:
    await conn.execute(
        "UPDATE articles SET status = 'published', published_version = $2, published_at = $3,"
        " archived_at = NULL, updated_at = $3 WHERE article_id = $1",
        article_id,
        version,
        now,
    )


async def mark_archived(*, conn: asyncpg.Connection, article_id: UUID, now: datetime) -> None:
    await conn.execute(
        "UPDATE articles SET status = 'archived', archived_at = $2, updated_at = $2"
        " WHERE article_id = $1",
        article_id,
        now,
    )


async def article_record(
    *, conn: asyncpg.Connection, article_id: UUID, for_update: bool = False
) -> ArticleRecord | None:
    lock = " FOR UPDATE" if for_update else ""
    row = await conn.fetchrow(
        f"SELECT {RECORD_COLUMNS} FROM articles WHERE article_id = $1{lock}", article_id
    )
    return None if row is None else _record(row)


async def article_version(
    *, conn: asyncpg.Connection, article_id: UUID, version: int
) -> ArticleVersion | None:
    row = await conn.fetchrow(
        f"SELECT {VERSION_COLUMNS} FROM article_versions WHERE article_id = $1 AND version = $2",
        article_id,
        version,
    )
    return None if row is None else _version(row)


async def article_versions(
    *, conn: asyncpg.Connection, article_id: UUID, limit: int, before: int | None = None
) -> list[ArticleVersion]:
    """Newest first, before a version (versions are unique per article)."""
    rows = await conn.fetch(
        f"SELECT {VERSION_COLUMNS} FROM article_versions WHERE article_id = $1"
        " AND ($3::int IS NULL OR version < $3) ORDER BY version DESC LIMIT $2",
        article_id,
        limit,
        before,
    )
    return [_version(r) for r in rows]


async def list_articles(
    *,
    conn: asyncpg.Connection,
    where: ArticleFilter,
    limit: int,
    after: tuple[datetime, UUID] | None = None,
) -> list[ListedArticle]:
    """Newest change first (newest publication in the published view) then by id, after a
    (listed_at, article_id) position; or in the order of `where.ids` when given (a ranking's)."""
    source = (
        "FROM articles a JOIN article_versions c ON c.article_id = a.article_id"
        " AND c.version = a.published_version WHERE a.status = 'published'"
        " AND c.visibility = 'public'"
        if where.published_view
        else "FROM articles a, LATERAL (SELECT a.title, a.body, a.language, a.category, a.tags,"
        " a.visibility) c WHERE true"
    )
    # a newer draft is nobody else's business: the published view lists by publication
    listed_at = "a.published_at" if where.published_view else "a.updated_at"
    order = (
        "array_position($7::uuid[], a.article_id)"
        if where.ids is not None
        else f"{listed_at} DESC, a.article_id"
    )
    rows = await conn.fetch(
        "SELECT a.article_id, a.status, a.version AS latest, a.published_version, a.updated_at,"
        f" {listed_at} AS listed_at,"
        " c.title, c.body, c.language, c.category, c.tags, c.visibility"
        f" {source}"
        " AND ($1::text IS NULL OR a.status = $1) AND ($2::text IS NULL OR c.visibility = $2)"
        " AND ($3::text IS NULL OR c.language = $3) AND ($4::text IS NULL OR c.category = $4)"
        " AND ($5::text IS NULL OR $5 = ANY(c.tags))"
        " AND ($7::uuid[] IS NULL OR a.article_id = ANY($7::uuid[]))"
        f" AND ($8::timestamptz IS NULL OR {listed_at} < $8"
        f" OR ({listed_at} = $8 AND a.article_id > $9::uuid))"
        f" ORDER BY {order} LIMIT $6",
        where.status,
        where.visibility,
        where.language,
        where.category,
        where.tag,
        limit,
        where.ids,
        after[0] if after else None,
        after[1] if after else None,
    )
    return [
        ListedArticle(
            article_id=r["article_id"],
            status=r["status"],
            content=VersionContent(
                title=r["title"],
                body=r["body"],
                language=r["language"],
                category=r["category"],
                tags=list(r["tags"]),
                visibility=r["visibility"],
            ),
            version=r["published_version"] if where.published_view else r["latest"],
            published_version=r["published_version"],
            updated_at=r["updated_at"],
            listed_at=r["listed_at"],
        )
        for r in rows
    ]


FaqPosition = tuple[str | None, str, UUID]
"""A FAQ entry's place: its category (None: uncategorised, listed last), title and id."""


async def published_public(
    *,
    conn: asyncpg.Connection,
    language: str | None,
    category: str | None,
    limit: int,
    after: FaqPosition | None = None,
) -> list[tuple[ArticleRecord, ArticleVersion]]:
    """Published public articles with their published version, by category (uncategorised
    last), title and id, after a position."""
    rows = await conn.fetch(
        f"SELECT {', '.join('a.' + c.strip() for c in RECORD_COLUMNS.split(','))},"
        " v.title AS v_title, v.body AS v_body, v.category AS v_category, v.tags AS v_tags,"
        " v.language AS v_language, v.visibility AS v_visibility, v.author_id AS v_author_id,"
        " v.note AS v_note, v.created_at AS v_created_at"
        " FROM articles a JOIN article_versions v ON v.article_id = a.article_id"
        " AND v.version = a.published_version"
        " WHERE a.status = 'published' AND v.visibility = 'public'"
        " AND ($1::text IS NULL OR v.language = $1) AND ($2::text IS NULL OR v.category = $2)"
        " AND ($4::boolean IS NULL OR (v.category IS NULL, coalesce(v.category, ''), v.title,"
        " a.article_id) > ($4, coalesce($5::text, ''), $6::text, $7::uuid))"
        " ORDER BY v.category IS NULL, coalesce(v.category, ''), v.title, a.article_id"
        " LIMIT $3",
        language,
        category,
        limit,
        None if after is None else after[0] is None,
        after[0] if after else None,
        after[1] if after else None,
        after[2] if after else None,
    )
    found = []
    for r in rows:
        record = _record(r)
        version = ArticleVersion(
            article_id=record.article_id,
            version=r["published_version"],
            title=r["v_title"],
            body=r["v_body"],
            category=r["v_category"],
            tags=list(r["v_tags"]),
            language=r["v_language"],
            visibility=r["v_visibility"],
            author_id=r["v_author_id"],
            note=r["v_note"],
            created_at=r["v_created_at"],
        )
        found.append((record, version))
    return found
