"""Which comments are mailed, a reply's subject and threading headers, and its retries."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from ticketflow_common.events import TicketCommented
from ticketflow_mail.domain.replies import (
    TICKET_HEADER,
    Outgoing,
    is_mailed,
    reply_message,
    retry_at,
    threading_headers,
)
from ticketflow_mail.domain.threading import reply_subject

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)


def comment(**changes: object) -> TicketCommented:
    fields: dict[str, object] = {
        "ticket_id": uuid.uuid4(),
        "priority": "normal",
        "required_skills": [],
        "requester_id": "u-1",
        "comment_id": uuid.uuid4(),
        "author_id": "a-1",
        "author_role": "agent",
        "public": True,
        "first_response": True,
        "body": "Restart it.",
        "commented_at": NOW,
    }
    return TicketCommented.model_validate({**fields, **changes})


@pytest.mark.parametrize(
    ("changes", "mailed"),
    [
        ({}, True),
        ({"author_role": "admin"}, True),
        ({"author_role": "requester"}, False),
        ({"author_role": "system"}, False),
        (
            {
                "author_role": "system",
                "first_response": False,
                "body": "我们已收到您的请求。",
                "caused_by": {"kind": "rule", "firing_id": str(uuid.uuid4())},
            },
            True,
        ),
        ({"public": False, "body": None, "author_role": "system", "caused_by": None}, False),
        ({"public": False, "body": None}, False),
        ({"body": None}, False),
        ({"body": "  \n"}, False),
    ],
)
def test_only_staffs_public_comments_with_text_are_mailed(
    changes: dict[str, object], mailed: bool
) -> None:
    assert is_mailed(comment(**changes)) is mailed


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("VPN drops", "Re: VPN drops [TF-1a2b3c4d]"),
        ("Re: VPN drops", "Re: VPN drops [TF-1a2b3c4d]"),
        ("RE: re: VPN drops [TF-1a2b3c4d]", "Re: VPN drops [TF-1a2b3c4d]"),
        ("打印机坏了", "Re: 打印机坏了 [TF-1a2b3c4d]"),
        ("", "Re: [TF-1a2b3c4d]"),
    ],
)
def test_a_reply_subject_has_one_re_and_one_reference(subject: str, expected: str) -> None:
    assert reply_subject(subject, "TF-1a2b3c4d") == expected


def test_threading_headers_reply_to_the_latest_and_keep_both_ends_of_a_long_thread() -> None:
    assert threading_headers([], max_references=3) == (None, [])
    assert threading_headers(["<a>", "<b>"], max_references=3) == ("<b>", ["<a>", "<b>"])
    thread = [f"<{n}>" for n in range(10)]
    assert threading_headers(thread, max_references=3) == ("<9>", ["<0>", "<8>", "<9>"])


def test_a_reply_message_is_a_human_reply_in_utf8() -> None:
    outgoing = Outgoing(
        message_id="<r@desk.example>",
        ticket_id="t-1",
        sender_name="支持",
        sender_address="support@desk.example",
        to="u-1@example.org",
        subject="Re: 打印机 [TF-1a2b3c4d]",
        body="请重启",
        thread=["<a@x>", "<b@x>"],
    )
    message = reply_message(outgoing, now=NOW, max_references=20)
    assert message["In-Reply-To"] == "<b@x>"
    assert message["References"] == "<a@x> <b@x>"
    assert message[TICKET_HEADER] == "t-1"
    assert message["Auto-Submitted"] is None
    assert message.get_content_charset() == "utf-8"
    assert message.get_content().strip() == "请重启"


def test_retries_follow_the_schedule_then_stop() -> None:
    assert retry_at(attempts_made=1, schedule=[10, 60], now=NOW) == NOW + timedelta(seconds=10)
    assert retry_at(attempts_made=2, schedule=[10, 60], now=NOW) == NOW + timedelta(seconds=60)
    assert retry_at(attempts_made=3, schedule=[10, 60], now=NOW) is None
    assert retry_at(attempts_made=1, schedule=[], now=NOW) is None


def test_a_permanent_refusal_is_not_retried_a_temporary_one_is() -> None:
    assert retry_at(attempts_made=1, schedule=[10], now=NOW, code=550) is None
    assert retry_at(attempts_made=1, schedule=[10], now=NOW, code=451) is not None
    assert retry_at(attempts_made=1, schedule=[10], now=NOW, code=None) is not None
