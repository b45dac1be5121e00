"""The suggestions flow's pure rules: what is ranked, who may read and answer, one answer per
suggestion, the link's state, and the escaped pages behind it."""

import uuid
from datetime import UTC, datetime, timedelta

from ticketflow_common.answer_links import AnswerLink, answer_link_token
from ticketflow_common.events.knowledge import SuggestedItem
from ticketflow_knowledge.domain.access import ADMIN, Caller
from ticketflow_knowledge.domain.answer_pages import (
    page_language,
    question_page,
    read_link,
    refusal_page,
    solved_choice,
)
from ticketflow_knowledge.domain.deflection import deflection
from ticketflow_knowledge.domain.suggestions import (
    Answer,
    AnswerGiven,
    Suggestion,
    answer_outcome,
    may_answer,
    may_read,
    query_text,
    seen_by,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECRET = "s" * 40


def item(*, public: bool, title: str = "VPN <drops>") -> SuggestedItem:
    return SuggestedItem(
        kind="article",
        item_id=uuid.uuid4(),
        title=title,
        excerpt="Reinstall & retry",
        language="en",
        public=public,
        score=0.5,
        why="matched vpn in the title",
    )


def suggestion(*items: SuggestedItem, requester_id: str | None = "u-1") -> Suggestion:
    return Suggestion(
        suggestion_id=uuid.uuid4(),
        requester_id=requester_id,
        language="en",
        query="vpn",
        items=list(items),
        created_at=NOW,
    )


def test_the_query_is_the_stripped_subject_then_description() -> None:
    assert query_text("  VPN ", "") == "VPN"
    assert query_text(" ", " drops \n") == "drops"
    assert query_text("VPN", "drops") == "VPN\ndrops"
    assert query_text(" ", "\t") == ""


def test_requesters_read_and_answer_their_own_and_see_public_items_only() -> None:
    public, internal = item(public=True), item(public=False)
    made = suggestion(public, internal)
    owner, other = Caller(role="requester", subject="u-1"), Caller(role="requester", subject="u-2")
    agent = Caller(role="agent", subject="a-1")
    assert may_read(made, owner)
    assert may_read(made, agent)
    assert not may_read(made, other)
    assert may_answer(made, owner)
    assert may_answer(made, ADMIN)
    assert not may_answer(made, other)
    assert not may_answer(made, agent)
    assert seen_by(made, owner).items == [public]
    assert seen_by(made, agent).items == [public, internal]


def test_one_answer_per_suggestion() -> None:
    given = AnswerGiven(kind="article", item_id=uuid.uuid4(), solved=True)
    existing = Answer(
        kind="article", item_id=given.item_id, solved=True, answered_by="u-1", answered_at=NOW
    )
    assert answer_outcome(None, given) == "new"
    assert answer_outcome(existing, given) == "same"
    assert answer_outcome(existing, given.model_copy(update={"solved": False})) == "conflict"
    assert (
        answer_outcome(existing, given.model_copy(update={"item_id": uuid.uuid4()})) == "conflict"
    )


def test_a_link_is_valid_expired_or_bad() -> None:
    link = AnswerLink(
        suggestion_id=uuid.uuid4(),
        ticket_id=uuid.uuid4(),
        requester_id="u-1",
        kind="article",
        item_id=uuid.uuid4(),
    )
    token = answer_link_token(link=link, secret=SECRET, now=NOW)
    assert read_link(token=token, secret=SECRET, now=NOW).link == link
    assert read_link(token=token, secret=SECRET, now=NOW + timedelta(days=15)).state == "expired"
    assert read_link(token=token, secret="t" * 40, now=NOW).state == "bad"
    assert read_link(token="junk", secret=SECRET, now=NOW).state == "bad"
    assert read_link(token=token, secret=None, now=NOW).state == "bad"


def test_pages_escape_their_text_and_speak_the_suggestions_language() -> None:
    page = question_page(language="zh", item=item(public=True), answered=None)
    assert "VPN &lt;drops&gt;" in page
    assert "Reinstall &amp; retry" in page
    assert "<drops>" not in page
    assert "这个方法解决了您的问题吗" in page
    assert 'method="post"' in page
    done = question_page(language="en", item=item(public=True), answered=False)
    assert "<form" not in done
    assert "did not solve" in done
    assert page_language("zh-CN") == "zh"
    assert page_language("de") == "en"
    assert "此链接无效" in refusal_page("not_found")
    assert "not valid" in refusal_page("not_found")
    assert solved_choice("yes") is True
    assert solved_choice(" NO ") is False
    assert solved_choice("maybe") is None
    assert solved_choice(None) is None


def test_deflection_rates_and_empty_kinds() -> None:
    figures = deflection(
        start=NOW,
        end=NOW + timedelta(days=1),
        counts=[
            {"kind": "", "considered": 5, "suggested": 4, "answered": 3, "solved": 1},
            {"kind": "article", "considered": 4, "suggested": 4, "answered": 3, "solved": 1},
        ],
    )
    assert figures.deflection_rate == 0.25
    kinds = {k.kind: k for k in figures.by_kind}
    assert kinds["article"].deflection_rate == 0.25
    assert kinds["solution"].suggested_tickets == 0
    assert kinds["solution"].deflection_rate is None
    assert deflection(start=NOW, end=NOW, counts=[]).deflection_rate is None
