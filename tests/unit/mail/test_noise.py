"""classify_noise and is_blocked: loops and noise recognised, a person's mail let through."""

from dataclasses import replace

import pytest

from tests.unit.mail.fixtures import parsed
from ticketflow_mail.domain.noise import classify_noise, is_blocked


def test_fixtures() -> None:
    assert classify_noise(parsed("dsn_bounce.eml")) == "bounce"
    assert classify_noise(parsed("auto_reply.eml")) == "auto_submitted"
    assert classify_noise(parsed("bulk_newsletter.eml")) == "bulk"
    assert classify_noise(parsed("foxmail_gb2312.eml")) is None
    assert classify_noise(parsed("outlook_html_only.eml")) is None


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"auto-submitted": "auto-replied"}, "auto_submitted"),
        ({"auto-submitted": "auto-generated; owner-email=x@y"}, "auto_submitted"),
        ({"auto-submitted": "No"}, None),
        ({"x-autoreply": "yes"}, "auto_submitted"),
        ({"x-autorespond": "1"}, "auto_submitted"),
        ({"precedence": "bulk"}, "bulk"),
        ({"precedence": "Junk"}, "bulk"),
        ({"precedence": "list"}, "bulk"),
        ({"precedence": "first-class", "list-id": "<a.b>"}, "bulk"),
        ({"list-id": "<a.b>"}, None),
        ({"list-unsubscribe": "<mailto:u@x>"}, None),
        ({"content-type": "multipart/report; report-type=delivery-status"}, "bounce"),
        ({"x-failed-recipients": "a@b.c"}, "bounce"),
        ({}, None),
    ],
)
def test_headers(headers: dict[str, str], expected: str | None) -> None:
    mail = replace(parsed("foxmail_gb2312.eml"), headers=headers)
    assert classify_noise(mail) == expected


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("自动回复: 打印机故障", "auto_submitted"),
        ("Automatic reply: Laptop", "auto_submitted"),
        ("Out of Office: back Monday", "auto_submitted"),
        ("Automatische Antwort: Drucker", "auto_submitted"),
        ("自动回复功能不能用了", None),
        ("Out of office settings broken", None),
    ],
)
def test_auto_reply_subjects(subject: str, expected: str | None) -> None:
    mail = replace(parsed("big5_vpn.eml"), subject=subject)
    assert classify_noise(mail) == expected


def test_bounce_senders_and_null_envelope() -> None:
    base = parsed("foxmail_gb2312.eml")
    assert classify_noise(replace(base, from_address="mailer-daemon@mx.example")) == "bounce"
    assert classify_noise(replace(base, from_address="postmaster@example.cn")) == "bounce"
    assert classify_noise(base, envelope_sender="") == "bounce"
    assert classify_noise(base, envelope_sender="<>") == "bounce"
    assert classify_noise(base, envelope_sender="zhang.wei@example.cn") is None
    assert classify_noise(base, envelope_sender=None) is None


def test_block_list() -> None:
    patterns = ["spam@example.com", "@junk.example", " @Bad.Example "]
    assert is_blocked("Spam@Example.com", patterns)
    assert is_blocked("x@junk.example", patterns)
    assert is_blocked("x@mail.bad.example", patterns)
    assert not is_blocked("x@notjunk.example", patterns)
    assert not is_blocked("ham@example.com", patterns)
    assert not is_blocked("a@b.c", [])


def test_delivery_status_part_inside_a_mixed_mail() -> None:
    mail = replace(parsed("foxmail_gb2312.eml"), part_types=["multipart/mixed", "text/plain",
                   "message/delivery-status"])  # fmt: skip
    assert classify_noise(mail) == "bounce"
    assert parsed("dsn_bounce.eml").part_types == [
        "multipart/report",
        "text/plain",
        "message/delivery-status",
        "text/rfc822-headers",
    ]
