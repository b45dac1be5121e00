"""The pure rules of articles: what an edit saves, which version a publish names, what a
requester may read, what a search is analysed as, and that Markdown carries no raw HTML."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from pydantic import ValidationError

from ticketflow_knowledge.domain.articles import (
    ArticleChange,
    ArticleRecord,
    VersionContent,
    changed_content,
    publish_changes,
    readable_by_requesters,
    version_to_publish,
)
from ticketflow_knowledge.domain.markdown_pages import render_markdown
from ticketflow_knowledge.domain.ranking import search_language

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CONTENT = VersionContent(
    title="打印机",
    body="重启",
    language="zh",
    category="打印",
    tags=["打印机"],
    visibility="public",
)


def record(**changes: object) -> ArticleRecord:
    base = {
        **CONTENT.model_dump(),
        "article_id": uuid4(),
        "status": "published",
        "version": 3,
        "published_version": 2,
        "author_id": "a-1",
        "created_at": NOW,
        "updated_at": NOW,
        "published_at": NOW,
        "archived_at": None,
    }
    return ArticleRecord.model_validate({**base, **changes})


def test_an_edit_replaces_only_the_fields_sent_and_null_category_clears() -> None:
    change = ArticleChange.model_validate({"title": "新标题", "category": None})
    merged = changed_content(CONTENT, change)
    assert merged is not None
    assert merged.title == "新标题"
    assert merged.category is None
    assert merged.body == CONTENT.body
    assert merged.tags == CONTENT.tags


def test_an_edit_that_saves_the_same_content_or_only_a_note_saves_nothing() -> None:
    assert changed_content(CONTENT, ArticleChange.model_validate({"title": "打印机"})) is None
    assert changed_content(CONTENT, ArticleChange.model_validate({"note": "typo"})) is None


@pytest.mark.parametrize("field", ["title", "body", "language", "tags", "visibility"])
def test_an_edit_may_not_null_a_required_field(field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        ArticleChange.model_validate({field: None})
    assert raised.value.errors()[0]["loc"] == (field,)


def test_publishing_names_an_existing_version_the_latest_by_default() -> None:
    article = record()
    assert version_to_publish(article, None) == 3
    assert version_to_publish(article, 1) == 1
    assert version_to_publish(article, 4) is None


def test_publishing_the_published_version_again_changes_nothing_unless_archived() -> None:
    assert publish_changes(record(), 3)
    assert not publish_changes(record(), 2)
    assert publish_changes(record(status="archived"), 2)


def test_requesters_read_only_a_published_public_version() -> None:
    assert readable_by_requesters(record(), CONTENT)
    internal = CONTENT.model_copy(update={"visibility": "internal"})
    assert not readable_by_requesters(record(), internal)
    assert not readable_by_requesters(record(status="archived"), CONTENT)
    assert not readable_by_requesters(record(status="draft"), CONTENT)


def test_a_search_is_analysed_in_the_language_asked_or_guessed_from_han_characters() -> None:
    assert search_language("printer", "de") == "de"
    assert search_language("三楼打印机", None) == "zh"
    assert search_language("printer", None) == "en"


def test_markdown_renders_and_raw_html_comes_out_as_text() -> None:
    html = render_markdown(
        "## 标题\n\n<img src=x onerror=alert(1)>\n\n<script>x()</script>\n\n| a |\n|---|\n| 1 |"
    )
    assert "<h2>标题</h2>" in html
    assert "<img" not in html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<table>" in html
