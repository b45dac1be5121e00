"""Survey rules (pure): reminder and expiry times, what an answer adds or would change, the
follow-up's priority and subject, the link page's form parsing, and signed survey links."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from ticketflow_common.survey_links import (
    SurveyLink,
    read_survey_link,
    survey_link_state,
    survey_link_token,
)
from ticketflow_intake.domain.survey_pages import BadAnswer, parse_answer, survey_page
from ticketflow_intake.domain.surveys import (
    Survey,
    SurveyAnswer,
    SurveyPolicy,
    follow_up_priority,
    follow_up_subject,
    is_negative,
    review_answer,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECRET = "survey-link-secret-for-tests-0123456789"


def survey(**fields: object) -> Survey:
    values: dict[str, object] = {
        "survey_id": uuid.uuid4(),
        "ticket_id": uuid.uuid4(),
        "cycle": 1,
        "status": "open",
        "invited_at": NOW,
        "reminder_due_at": NOW + timedelta(days=3),
        "reminded_at": None,
        "expires_at": NOW + timedelta(days=14),
        "rating": None,
        "resolved": None,
        "comment": None,
        "answered_at": None,
        "follow_up_ticket_id": None,
    }
    return Survey.model_validate(values | fields)


def test_the_reminder_is_due_after_the_delay_unless_the_survey_expires_first() -> None:
    policy = SurveyPolicy(reminder_after=timedelta(hours=72), lifetime=timedelta(days=14))
    assert policy.reminder_due(NOW) == NOW + timedelta(hours=72)
    assert policy.expires(NOW) == NOW + timedelta(days=14)
    short = SurveyPolicy(reminder_after=timedelta(days=2), lifetime=timedelta(days=1))
    assert short.reminder_due(NOW) is None


def test_an_answer_adds_what_is_missing_and_reports_what_it_would_change() -> None:
    rated = survey(rating=4)
    same = review_answer(rated, SurveyAnswer(rating=4, resolved=True))
    assert same.added == SurveyAnswer(resolved=True)
    assert same.conflicts == ()
    other = review_answer(rated, SurveyAnswer(rating=2, comment="slow"))
    assert other.added == SurveyAnswer(comment="slow")
    assert other.conflicts == ("rating",)
    assert review_answer(survey(resolved=False), SurveyAnswer(resolved=True)).conflicts == (
        "resolved",
    )


def test_negative_ratings_and_the_follow_up() -> None:
    assert [is_negative(r) for r in range(1, 6)] == [True, True, False, False, False]
    assert [follow_up_priority(p) for p in ("low", "normal", "high", "urgent")] == [
        "normal",
        "high",
        "urgent",
        "urgent",
    ]
    assert follow_up_subject("VPN") == "Follow-up: negative feedback on VPN"
    assert len(follow_up_subject("x" * 200)) == 200


@pytest.mark.parametrize("rating", ["0", "6", "4.5", "five", "٣", "-1"])
def test_a_rating_is_a_whole_number_from_one_to_five(rating: str) -> None:
    with pytest.raises(BadAnswer) as bad:
        parse_answer(rating=rating, resolved=None, comment=None)
    assert bad.value.field == "rating"


def test_the_form_parses_resolved_and_comment() -> None:
    assert parse_answer(rating=" 3 ", resolved="YES", comment="  ok ") == SurveyAnswer(
        rating=3, resolved=True, comment="ok"
    )
    assert parse_answer(rating=None, resolved="", comment="   ").empty
    with pytest.raises(BadAnswer):
        parse_answer(rating=None, resolved="maybe", comment=None)
    with pytest.raises(BadAnswer):
        parse_answer(rating=None, resolved=None, comment="x" * 2001)


def test_the_page_escapes_and_offers_only_what_is_missing() -> None:
    page = survey_page(
        language="en", subject="<img src=x onerror=alert(1)>", survey=survey(rating=5)
    )
    assert "<img" not in page
    assert 'name="rating"' not in page
    assert 'name="resolved"' in page
    done = survey_page(
        language="zh", subject="打印机", survey=survey(rating=5, resolved=True, comment="好")
    )
    assert "<form" not in done
    assert "我们已收到您的回答" in done


def test_signed_links_are_read_back_until_they_expire() -> None:
    link = SurveyLink(survey_id=uuid.uuid4(), ticket_id=uuid.uuid4(), requester_id="u-1")
    token = survey_link_token(
        link=link, secret=SECRET, now=NOW, expires_at=NOW + timedelta(days=14)
    )
    assert read_survey_link(token=token, secret=SECRET, now=NOW) == link
    assert survey_link_state(token=token, secret=SECRET, now=NOW + timedelta(days=15)) == (
        "expired",
        None,
    )
    assert survey_link_state(token=token, secret=None, now=NOW) == ("bad", None)
    assert survey_link_state(token=token + "x", secret=SECRET, now=NOW) == ("bad", None)
    assert read_survey_link(token=token, secret="x" * 40, now=NOW) is None
