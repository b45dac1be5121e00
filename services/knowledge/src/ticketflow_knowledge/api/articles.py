"""Thin routes for articles, their versions and the FAQ."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import Field

from ticketflow_common.pagination import MAX_CURSOR_CHARS, CursorQuery, LimitQuery, Page
from ticketflow_common.params import StorableParams
from ticketflow_knowledge.api.deps import CallerDep, IfMatchDep, NowDep, PoolDep, StaffDep
from ticketflow_knowledge.commands import article_reads as reads
from ticketflow_knowledge.commands.articles import (
    archive_article,
    create_article,
    edit_article,
    publish_article,
)
from ticketflow_knowledge.domain.articles import (
    MAX_CATEGORY_CHARS,
    Article,
    ArticleChange,
    ArticleQuery,
    ArticleSummary,
    FaqEntry,
    Language,
    NewArticle,
    PublishRequest,
    VersionView,
)

router = APIRouter(tags=["articles"], dependencies=[StorableParams])


class ArticlePageQuery(ArticleQuery):
    """The filters and the page asked for."""

    cursor: Annotated[str, Field(max_length=MAX_CURSOR_CHARS)] | None = Field(
        default=None, description="The `next_cursor` of the previous page; absent: the first page."
    )


def with_etag(response: Response, article: Article) -> Article:
    response.headers["ETag"] = f'"{article.version}"'
    return article


@router.post("/articles", status_code=status.HTTP_201_CREATED)
async def post_article(
    body: NewArticle, caller: StaffDep, pool: PoolDep, now: NowDep, response: Response
) -> Article:
    """A draft, version 1, by the caller; publish it to make it searchable and readable."""
    async with pool.acquire() as conn:
        article = await create_article(conn=conn, new=body, caller=caller, now=now)
    response.headers["Location"] = f"/articles/{article.id}"
    return with_etag(response, article)


@router.get("/articles")
async def get_articles(
    query: Annotated[ArticlePageQuery, Query()], caller: CallerDep, pool: PoolDep
) -> Page[ArticleSummary]:
    """Newest change first; with `q`, best match first."""
    async with pool.acquire() as conn:
        return await reads.find_articles(conn=conn, query=query, caller=caller, cursor=query.cursor)


@router.get("/articles/{article_id}")
async def get_article(
    article_id: UUID, caller: CallerDep, pool: PoolDep, response: Response
) -> Article:
    """Staff read the latest version; requesters the published one of a public article."""
    async with pool.acquire() as conn:
        article = await reads.read_article(conn=conn, article_id=article_id, caller=caller)
    return with_etag(response, article)


@router.patch("/articles/{article_id}")
async def patch_article(
    article_id: UUID,
    body: ArticleChange,
    caller: StaffDep,
    pool: PoolDep,
    now: NowDep,
    response: Response,
    precondition: IfMatchDep,
) -> Article:
    """Save a new version by the caller; readers and search keep the published one until it is
    published."""
    async with pool.acquire() as conn:
        article = await edit_article(
            conn=conn,
            article_id=article_id,
            change=body,
            precondition=precondition,
            caller=caller,
            now=now,
        )
    return with_etag(response, article)


@router.post("/articles/{article_id}/publish")
async def post_publish(
    article_id: UUID,
    _caller: StaffDep,
    pool: PoolDep,
    now: NowDep,
    response: Response,
    body: PublishRequest | None = None,
) -> Article:
    """Publish a version (the latest when none is named); the one published already changes
    nothing."""
    async with pool.acquire() as conn:
        article = await publish_article(
            conn=conn, article_id=article_id, version=body.version if body else None, now=now
        )
    return with_etag(response, article)


@router.post("/articles/{article_id}/archive")
async def post_archive(
    article_id: UUID, _caller: StaffDep, pool: PoolDep, now: NowDep, response: Response
) -> Article:
    """Hide it from search, suggestions and requesters; its versions are kept."""
    async with pool.acquire() as conn:
        article = await archive_article(conn=conn, article_id=article_id, now=now)
    return with_etag(response, article)


@router.get("/articles/{article_id}/versions")
async def get_versions(
    article_id: UUID,
    _caller: StaffDep,
    pool: PoolDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = 20,
) -> Page[VersionView]:
    """Every saved version with its author and note, newest first."""
    async with pool.acquire() as conn:
        return await reads.article_versions(
            conn=conn, article_id=article_id, cursor=cursor, limit=limit
        )


@router.get("/articles/{article_id}/versions/{version}")
async def get_version(
    article_id: UUID,
    version: Annotated[int, Path(ge=1, le=2**31 - 1)],
    _caller: StaffDep,
    pool: PoolDep,
) -> VersionView:
    async with pool.acquire() as conn:
        return await reads.one_version(conn=conn, article_id=article_id, version=version)


@router.get("/faq")
async def get_faq(
    _caller: CallerDep,
    pool: PoolDep,
    language: Annotated[Language | None, Query()] = None,
    category: Annotated[str | None, Query(min_length=1, max_length=MAX_CATEGORY_CHARS)] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[FaqEntry]:
    """Published public articles by category (uncategorised last) then title, for everyone
    (requesters too)."""
    async with pool.acquire() as conn:
        return await reads.faq(
            conn=conn, language=language, category=category, cursor=cursor, limit=limit
        )
