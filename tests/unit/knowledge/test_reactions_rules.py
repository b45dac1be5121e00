# ruff: noqa: RUF001
"""The pure rules of intake's and notify's reactions to knowledge: which tickets an answer or a
fix may resolve, what requesters read of a suggestion, who gets which links and mail."""

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from ticketflow_common.answer_links import read_answer_link
from ticketflow_common.envelope import new_event
from ticketflow_common.events import KnowledgeSuggested, ProblemResolved, SuggestedItem
from ticketflow_common.events.common import TicketStatus
from ticketflow_intake.domain.knowledge_reactions import entry_for_ticket, may_resolve
from ticketflow_intake.domain.timeline import TimelineEntry, for_requester
from ticketflow_notify.domain.knowledge_mail import (
    AnswerLinks,
    KnowledgeMail,
    readers_of_fixed_tickets,
    withholds_mail,
)
from ticketflow_notify.domain.templates import BUILT_IN, render
from ticketflow_notify.domain.tickets import TicketProjection

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECRET = "unit-answer-link-secret-0123456789abcdef"


def item(title: str, *, public: bool) -> SuggestedItem:
    return SuggestedItem(
        kind="known_error",
        item_id=uuid.uuid4(),
        title=title,
        excerpt="先重启客户端",
        language="zh",
        public=public,
        score=1.0,
        why="matched",
    )


def suggestion(*items: SuggestedItem) -> KnowledgeSuggested:
    return KnowledgeSuggested(
        ticket_id=uuid.uuid4(),
        suggestion_id=uuid.uuid4(),
        language="zh",
        requester_id="u-1",
        requester_email="Ada@Example.com",
        items=list(items),
        suggested_at=AT,
    )


@pytest.mark.parametrize(
    ("status", "resolves"),
    [
        ("new", True),
        ("open", True),
        ("in_progress", True),
        ("waiting_on_customer", True),
        ("pending_approval", False),
        ("resolved", False),
        ("closed", False),
    ],
)
def test_only_tickets_still_being_worked_on_are_resolved(
    status: TicketStatus, resolves: bool
) -> None:
    assert may_resolve(status) is resolves


def test_a_problem_leaves_one_stable_entry_per_ticket_without_the_other_tickets() -> None:
    first, second = uuid.uuid4(), uuid.uuid4()
    data = ProblemResolved(
        problem_id=uuid.uuid4(),
        title="证书过期",
        permanent_fix="renewed",
        ticket_ids=[first, second],
        resolved_by="a-1",
        resolved_at=AT,
    )
    event = new_event(data, source="/k", subject=str(data.problem_id), time=AT)
    a, b = entry_for_ticket(event, first), entry_for_ticket(event, second)
    assert a.id == entry_for_ticket(event, first).id
    assert len({a.id, b.id, event.id}) == 3
    assert (a.subject, "ticket_ids" in a.data, a.data["title"]) == (str(first), False, "证书过期")


def test_a_requester_reads_a_suggestions_public_items_and_nothing_else() -> None:
    event = suggestion(item("公开", public=True), item("内部", public=False))
    entry = TimelineEntry(
        event_id=uuid.uuid4(),
        type="knowledge.suggested",
        source="/k",
        time=AT,
        data=event.model_dump(mode="json"),
    )
    seen = for_requester(entry)
    assert seen is not None
    assert [i["title"] for i in seen.data["items"]] == ["公开"]
    assert set(seen.data["items"][0]) == {"kind", "item_id", "title", "excerpt", "language"}
    assert "requester_email" not in seen.data
    only_internal = suggestion(item("内部", public=False)).model_dump(mode="json")
    assert for_requester(entry.model_copy(update={"data": only_internal})) is None


def test_links_go_to_the_suggestions_requester_only_and_need_a_secret() -> None:
    public = item("公开", public=True)
    event = suggestion(public, item("内部", public=False))
    links = AnswerLinks(public_url="https://kb.example/", secret=SECRET)
    mail = KnowledgeMail(event=event, links=links, now=AT)
    own = mail.context_for("ada@example.com")
    assert [i["title"] for i in own["items"]] == ["公开"]
    assert own["linked"] is True
    url = own["items"][0]["link"]
    assert url.startswith("https://kb.example/answer-links/")
    link = read_answer_link(token=url.rsplit("/", 1)[1], secret=SECRET, now=AT)
    assert link is not None
    assert (link.item_id, link.kind, link.requester_id) == (public.item_id, "known_error", "u-1")
    assert mail.context_for("lead@example.com")["items"][0]["link"] is None
    unsigned = KnowledgeMail(event=event, links=AnswerLinks("https://kb.example", None), now=AT)
    assert unsigned.context_for("ada@example.com")["linked"] is False
    assert withholds_mail(suggestion(item("内部", public=False)))
    assert not withholds_mail(event)


def test_a_fix_is_told_to_each_requester_once_with_their_open_tickets() -> None:
    def ticket(email: str | None, status: str = "open") -> TicketProjection:
        return TicketProjection(ticket_id=uuid.uuid4(), requester_email=email, status=status)

    mine, also_mine, theirs = ticket("Ada@example.com"), ticket("ada@example.com"), ticket("b@x.io")
    readers = readers_of_fixed_tickets(
        [mine, also_mine, theirs, ticket(None), ticket("c@x.io", "closed")]
    )
    assert readers == {"ada@example.com": [mine, also_mine], "b@x.io": [theirs]}


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("event_type", ["knowledge.suggested", "problem.resolved"])
def test_the_shipped_templates_render_on_thin_events(event_type: str, language: str) -> None:
    context: dict[str, Any] = {"event": {"subject": "t-1"}, "data": {}, "ticket": {}}
    rendered = render(BUILT_IN[(event_type, language)], context)
    assert rendered.subject
    assert rendered.body


def test_a_fix_mailed_to_a_subscriber_names_it_and_its_tickets_a_requester_their_own() -> None:
    data = {
        "problem_id": "p-1",
        "title": "证书过期",
        "permanent_fix": "renewed the certificate",
        "ticket_ids": ["a", "b"],
        "resolve_linked_tickets": True,
    }
    staff = render(BUILT_IN[("problem.resolved", "en")], {"data": data, "tickets": []})
    assert "Fix: renewed the certificate\nLinked tickets: 2, the open ones resolved" in staff.body
    mine = [{"ticket_id": "a", "subject": "VPN 断线"}]
    requester = render(BUILT_IN[("problem.resolved", "zh")], {"data": data, "tickets": mine})
    assert requester.body.startswith("导致您工单的问题已修复：证书过期。\n\n- VPN 断线\n")
    assert "renewed" not in requester.body
