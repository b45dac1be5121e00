"""What an article is: its versions (never changed once saved), what a change may hold, which
version readers see, and what publishing changes."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, field_validator

from ticketflow_common.events.knowledge import Visibility
from ticketflow_common.input_model import InputModel

ArticleStatus = Literal["draft", "published", "archived"]
MAX_TITLE_CHARS = 200
MAX_BODY_CHARS = 100_000
MAX_TAGS = 20
MAX_TAG_CHARS = 50
MAX_CATEGORY_CHARS = 80
MAX_NOTE_CHARS = 500


def _not_blank(value: str) -> str:
    stripped = value.strip()
    if not stripped:
        raise ValueError("must not be empty or only spaces")
    return stripped


def _distinct_tags(tags: list[str]) -> list[str]:
    """Tags keep their first order; a repeat is dropped, not an error."""
    return list(dict.fromkeys(tags))


Title = Annotated[str, Field(max_length=MAX_TITLE_CHARS), AfterValidator(_not_blank)]
Body = Annotated[str, Field(max_length=MAX_BODY_CHARS), AfterValidator(_not_blank)]
Category = Annotated[str, Field(max_length=MAX_CATEGORY_CHARS), AfterValidator(_not_blank)]
Tag = Annotated[str, Field(max_length=MAX_TAG_CHARS), AfterValidator(_not_blank)]
Tags = Annotated[list[Tag], Field(max_length=MAX_TAGS), AfterValidator(_distinct_tags)]
Language = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$"),
    Field(description="ISO 639 code, optionally with a region or script: en, zh, zh-CN, pt-BR."),
]
Note = Annotated[str, Field(max_length=MAX_NOTE_CHARS)]


class NewArticle(InputModel):
    """A new article: saved as draft version 1 by its author."""

    title: Title
    body: Body = Field(description="Markdown; raw HTML is shown as text.")
    language: Language
    category: Category | None = None
    tags: Tags = Field(default_factory=list)
    visibility: Visibility = "internal"
    note: Note | None = None


class ArticleChange(InputModel):
    """An edit: the fields sent replace the latest version's (`category: null` clears it); the
    result is saved as a new version by the caller."""

    title: Title | None = None
    body: Body | None = None
    language: Language | None = None
    category: Category | None = None
    tags: Tags | None = None
    visibility: Visibility | None = None
    note: Note | None = None

    @field_validator("title", "body", "language", "tags", "visibility", mode="after")
    @classmethod
    def _not_null(cls, value: object) -> object:
        """Defaults are not validated: only a null the client sent comes here."""
        if value is None:
            raise ValueError("may not be null: leave it out to keep it")
        return value


class PublishRequest(InputModel):
    """Which version becomes the one readers see; the latest when left out."""

    version: int | None = Field(default=None, ge=1, le=2**31 - 1)


class VersionContent(BaseModel):
    """What one version of an article says and to whom."""

    title: str
    body: str
    language: str
    category: str | None
    tags: list[str]
    visibility: Visibility


class ArticleVersion(VersionContent):
    """One saved version, as its author left it."""

    article_id: UUID
    version: int
    author_id: str
    note: str | None
    created_at: datetime


class ArticleRecord(VersionContent):
    """The article row: the latest version's content and the publishing state."""

    article_id: UUID
    status: ArticleStatus
    version: int
    published_version: int | None
    author_id: str
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    archived_at: datetime | None


class Article(VersionContent):
    """An article as a caller reads it: staff see the latest version, requesters the published
    one (`version` is then the published version)."""

    id: UUID
    status: ArticleStatus
    version: int = Field(description="The version shown; its ETag.")
    latest_version: int
    published_version: int | None
    unpublished_changes: bool = Field(description="A version newer than the published one.")
    author_id: str = Field(description="Who created the article.")
    version_author_id: str = Field(description="Who saved the version shown.")
    body_html: str
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    archived_at: datetime | None


class ArticleSummary(BaseModel):
    """One line of a list: no body, an excerpt; `score` and `why` when searched with `q`."""

    id: UUID
    status: ArticleStatus
    title: str
    excerpt: str
    language: str
    category: str | None
    tags: list[str]
    visibility: Visibility
    version: int
    published_version: int | None
    updated_at: datetime
    score: float | None = None
    why: str | None = None


class VersionView(ArticleVersion):
    """A saved version with its rendering and whether readers see it now."""

    body_html: str
    published: bool


class FaqEntry(BaseModel):
    """A published public article at its published version; `category` null: uncategorised."""

    id: UUID
    category: str | None
    title: str
    body_html: str
    language: str
    tags: list[str]
    version: int
    published_at: datetime | None


def changed_content(latest: VersionContent, change: ArticleChange) -> VersionContent | None:
    """The next version's content, or None when the change would save what is there already."""
    sent = change.model_fields_set - {"note"}
    values = latest.model_dump()
    for name in sent:
        values[name] = getattr(change, name)
    merged = VersionContent.model_validate(values)
    return None if merged == latest else merged


def version_to_publish(record: ArticleRecord, requested: int | None) -> int | None:
    """The version a publish request names (the latest by default); None if it does not exist."""
    version = record.version if requested is None else requested
    return version if 1 <= version <= record.version else None


def publish_changes(record: ArticleRecord, version: int) -> bool:
    """Publishing the version already published (and not archived) changes nothing."""
    return not (record.status == "published" and record.published_version == version)


def readable_by_requesters(record: ArticleRecord, published: VersionContent | None) -> bool:
    """Requesters read an article only while published, and only a public published version."""
    return (
        record.status == "published" and published is not None and published.visibility == "public"
    )


def content_of(version: ArticleVersion | ArticleRecord) -> VersionContent:
    return VersionContent.model_validate(
        version.model_dump(include=set(VersionContent.model_fields))
    )


def article_view(record: ArticleRecord, shown: ArticleVersion, body_html: str) -> Article:
    """The article as read: the record's state with the content of the version shown."""
    return Article(
        **content_of(shown).model_dump(),
        id=record.article_id,
        status=record.status,
        version=shown.version,
        latest_version=record.version,
        published_version=record.published_version,
        unpublished_changes=record.published_version != record.version,
        author_id=record.author_id,
        version_author_id=shown.author_id,
        body_html=body_html,
        created_at=record.created_at,
        updated_at=record.updated_at,
        published_at=record.published_at,
        archived_at=record.archived_at,
    )


class ArticleQuery(InputModel):
    """Filters are ANDed; `q` ranks what is published (the search index) and the other filters
    narrow the ranked articles. Requesters only ever see published public articles."""

    status: ArticleStatus | None = None
    visibility: Visibility | None = None
    language: Language | None = None
    category: Annotated[str, Field(min_length=1, max_length=MAX_CATEGORY_CHARS)] | None = None
    tag: Annotated[str, Field(min_length=1, max_length=MAX_TAG_CHARS)] | None = None
    q: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    limit: int = Field(default=20, ge=1, le=200, description="Items per page, 1 to 200.")
