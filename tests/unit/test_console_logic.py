"""The console's pure rules: queue order by SLA urgency, what a change does to a queue, the
message catalogue in both languages, language choice, and the signed session cookie."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ticketflow_console.domain.catalogue import LANGUAGES, MESSAGES, language_of, translate
from ticketflow_console.domain.sessions import session_id_of, signed_cookie
from ticketflow_console.domain.times import local_time, zone_or_default
from ticketflow_console.domain.urgency import (
    Deadline,
    QueueTicket,
    SlaClock,
    by_urgency,
    next_deadline,
    queue_effect,
)

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
TEMPLATES = (
    Path(__file__).resolve().parents[2] / "services/console/src/ticketflow_console/templates"
)


def ticket(
    name: str, *, due_in: float | None, priority: str = "normal", age: float = 0
) -> QueueTicket:
    deadline = None
    if due_in is not None:
        deadline = Deadline(NOW + timedelta(minutes=due_in), "resolution", breached=due_in < 0)
    return QueueTicket(name, name, priority, "open", NOW - timedelta(minutes=age), deadline)


def test_the_next_deadline_comes_first_overdue_before_due_and_no_clock_last() -> None:
    queue = [
        ticket("later", due_in=90),
        ticket("no clock, urgent", due_in=None, priority="urgent"),
        ticket("overdue", due_in=-5),
        ticket("soon", due_in=10),
    ]
    assert [t.ticket_id for t in by_urgency(queue)] == [
        "overdue",
        "soon",
        "later",
        "no clock, urgent",
    ]


def test_equal_deadlines_go_by_priority_then_age() -> None:
    queue = [
        ticket("normal old", due_in=30, age=60),
        ticket("urgent new", due_in=30, priority="urgent"),
        ticket("normal new", due_in=30),
        ticket("no clock old", due_in=None, age=99),
        ticket("no clock high", due_in=None, priority="high"),
    ]
    assert [t.ticket_id for t in by_urgency(queue)] == [
        "urgent new",
        "normal old",
        "normal new",
        "no clock high",
        "no clock old",
    ]


def test_only_counting_clocks_make_a_deadline() -> None:
    clocks = [
        SlaClock("first_response", "met", NOW + timedelta(minutes=1), breached=False),
        SlaClock("resolution", "paused", NOW + timedelta(minutes=2), breached=False),
        SlaClock("next_response", "running", NOW + timedelta(minutes=30), breached=False),
        SlaClock("resolution", "breached", NOW + timedelta(minutes=20), breached=True),
    ]
    assert next_deadline(clocks) == Deadline(NOW + timedelta(minutes=20), "resolution", True)
    assert next_deadline(clocks[:2]) is None


@pytest.mark.parametrize(
    ("is_open", "owner", "previous_owner", "expected"),
    [
        (True, "me", None, "show"),  # assigned to me
        (True, "me", "me", "show"),  # an SLA or ticket change refreshes my row
        (True, "other", "me", "remove"),  # reassigned away
        (True, None, "me", "remove"),  # unassigned
        (False, "me", "me", "remove"),  # resolved or pending approval: off the queue
        (True, "other", "other", "keep"),  # someone else's ticket: not even its id is sent
        (True, None, None, "keep"),
    ],
)
def test_what_a_change_does_to_my_queue(
    is_open: bool, owner: str | None, previous_owner: str | None, expected: str
) -> None:
    effect = queue_effect(is_open=is_open, owner=owner, previous_owner=previous_owner, me="me")
    assert effect == expected


def test_a_user_who_is_no_agent_has_no_queue_to_change() -> None:
    assert queue_effect(is_open=True, owner="a", previous_owner="a", me=None) == "keep"


def test_every_key_is_in_both_languages_and_none_is_empty() -> None:
    keys = {language: set(messages) for language, messages in MESSAGES.items()}
    assert set(keys) == set(LANGUAGES)
    assert keys["en"] == keys["zh"], keys["en"] ^ keys["zh"]
    assert all(text.strip() for messages in MESSAGES.values() for text in messages.values())


def test_every_key_the_templates_use_is_in_the_catalogue() -> None:
    used = {
        key
        for template in TEMPLATES.glob("*.html")
        for key in re.findall(r"""\bt\(['"]([a-z_.]+)['"]\)""", template.read_text())
    }
    assert used, "the templates name their words through t('...')"
    assert used <= set(MESSAGES["en"]), used - set(MESSAGES["en"])


@pytest.mark.parametrize(
    ("chosen", "header", "expected"),
    [
        (None, "zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        (None, "fr-FR, en;q=0.5, zh;q=0.7", "zh"),
        (None, "de-DE", "en"),
        (None, None, "en"),
        ("en", "zh-CN", "en"),
        ("klingon", "zh-TW;q=0.3", "zh"),
        (None, "zh;q=0", "en"),
    ],
)
def test_language_is_the_users_choice_else_accept_language(
    chosen: str | None, header: str | None, expected: str
) -> None:
    assert language_of(chosen=chosen, accept_language=header) == expected


def test_a_missing_key_shows_as_itself() -> None:
    assert translate("zh", "queue.title") == "我的队列"
    assert translate("en", "no.such.key") == "no.such.key"


def test_times_are_shown_in_the_users_zone_and_unknown_zones_fall_back_to_utc() -> None:
    assert local_time(NOW, "Asia/Shanghai") == "2026-12-03 17:00 CST"
    assert local_time(NOW, "../../etc/passwd") == "2026-12-03 09:00 UTC"
    assert zone_or_default("Europe/Berlin") == "Europe/Berlin"
    assert local_time(None, "UTC") == ""


def test_the_session_cookie_is_signed() -> None:
    cookie = signed_cookie("abc123", secret="s" * 32)
    assert session_id_of(cookie, secret="s" * 32) == "abc123"
    assert session_id_of(cookie, secret="t" * 32) is None
    assert session_id_of("abc124." + cookie.split(".")[1], secret="s" * 32) is None
    assert session_id_of("nodot", secret="s" * 32) is None
    assert session_id_of(None, secret="s" * 32) is None
