"""Approval rules (pure): whom each round asks, who may decide by link, the category's times
over the service defaults, and the signed link's round trip."""

import uuid
from datetime import UTC, datetime, timedelta

from ticketflow_common.approval_links import (
    ApprovalLink,
    approval_link_token,
    read_approval_link,
)
from ticketflow_common.events import Approver
from ticketflow_intake.domain.approvals import (
    DEFAULT_APPROVAL_TIMING,
    ApprovalTiming,
    after_round,
    asked_in,
    may_decide,
    timing_for,
)
from ticketflow_intake.domain.catalogue import Category

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECRET = "approval-link-secret-for-unit-tests-0123"


def category(approvers: list[str], escalation: list[str], **times: int) -> Category:
    def contacts(ids: list[str]) -> list[dict[str, str]]:
        return [{"approver_id": i, "email": f"{i}@example.com"} for i in ids]

    return Category.model_validate(
        {
            "key": "purchase",
            "name": "Purchases",
            "approvers": contacts(approvers),
            "approval_escalation": contacts(escalation),
            "created_at": AT,
            "updated_at": AT,
            **times,
        }
    )


def ids(found: list[Approver]) -> list[str]:
    return [a.approver_id for a in found]


def test_each_round_asks_its_list_and_falls_back_on_the_other() -> None:
    both = category(["a", "b"], ["c"])
    assert ids(asked_in("request", both)) == ["a", "b"]
    assert ids(asked_in("reminder", both)) == ["a", "b"]
    assert ids(asked_in("escalation", both)) == ["c"]
    only_escalation = category([], ["c"])
    assert ids(asked_in("request", only_escalation)) == ["c"]
    only_approvers = category(["a"], [])
    assert ids(asked_in("escalation", only_approvers)) == ["a"]
    assert asked_in("request", category([], [])) == []
    assert asked_in("request", None) == []


def test_only_people_the_category_names_now_may_decide_by_link() -> None:
    named = category(["a"], ["c"])
    assert may_decide("a", named)
    assert may_decide("c", named)
    assert not may_decide("b", named)
    assert not may_decide("a", None)


def test_the_categorys_times_override_the_defaults_and_must_be_in_order() -> None:
    own = timing_for(category(["a"], [], approval_reminder_minutes=30), DEFAULT_APPROVAL_TIMING)
    assert own == ApprovalTiming(timedelta(minutes=30), DEFAULT_APPROVAL_TIMING.escalate_after)
    assert own.check() is None
    assert ApprovalTiming(timedelta(hours=2), timedelta(hours=1)).check() is not None
    plan = after_round("request", requested_at=AT, timing=own)
    assert (plan.next_round, plan.due_at) == ("reminder", AT + timedelta(minutes=30))
    assert after_round("escalation", requested_at=AT, timing=own).next_round is None


def test_a_link_reads_back_only_with_its_secret_and_before_it_expires() -> None:
    link = ApprovalLink(uuid.uuid4(), uuid.uuid4(), "boss-1", "reject")
    token = approval_link_token(link=link, secret=SECRET, now=AT, lifetime=timedelta(hours=1))
    assert read_approval_link(token=token, secret=SECRET, now=AT) == link
    assert read_approval_link(token=token, secret="x" * 40, now=AT) is None
    assert read_approval_link(token=token, secret=SECRET, now=AT + timedelta(hours=2)) is None
    assert read_approval_link(token=token[:-2], secret=SECRET, now=AT) is None
