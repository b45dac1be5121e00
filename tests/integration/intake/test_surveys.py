"""The satisfaction loop in intake: a resolution starts a survey and its invitation in the same
commit, the worker reminds once and expires, a reopen closes the survey and the next resolution
asks again (cycle 2); the signed link rates with one click, once, and takes a comment and "was
it resolved?"; a rating of 2 or less publishes `feedback.negative` and opens a follow-up."""

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest

from tests.integration.intake.conftest import AppFactory, IntakeApi, Keys, ticket_body
from tests.polling import eventually
from ticketflow_common.survey_links import SurveyLink, survey_link_token
from ticketflow_intake.commands.surveys import remind_and_expire
from ticketflow_intake.workers.surveys import run_survey_worker

pytestmark = pytest.mark.integration

SECRET = "survey-link-secret-for-tests-0123456789"
EMAIL = "ada@example.com"


async def surveying(make_api: AppFactory, **overrides: Any) -> IntakeApi:
    settings = {
        "survey_link_secret": SECRET,
        "survey_reminder_hours": 48,
        "survey_lifetime_days": 7,
    }
    return await make_api(**(settings | overrides))


async def put_category(api: IntakeApi, key: str, **spec: object) -> None:
    async with api.admin as http:
        answer = await http.put(f"/categories/{key}", json={"name": key, **spec})
    assert answer.status_code == 200, answer.text


async def file(api: IntakeApi, keys: Keys, **fields: Any) -> str:
    body = ticket_body(keys.requester_id, **fields)
    body["requester"]["email"] = EMAIL
    async with api.client(keys.requester) as http:
        filed = await http.post("/tickets", json=body)
    assert filed.status_code == 201, filed.text
    ticket_id: str = filed.json()["id"]
    return ticket_id


async def resolve(api: IntakeApi, keys: Keys, ticket_id: str) -> None:
    async with api.client(keys.agent) as http:
        moved = await http.post(f"/tickets/{ticket_id}/status", json={"status": "resolved"})
    assert moved.status_code == 200, moved.text


async def events_of(api: IntakeApi, ticket_id: str, event_type: str) -> list[dict[str, Any]]:
    return [e for e in await api.outbox_events(ticket_id) if e["type"] == event_type]


async def link_of(api: IntakeApi, ticket_id: str, *, cycle: int = 1) -> str:
    """The link notify would mail for the ticket's survey of `cycle`."""
    invitations = [
        e["data"]
        for e in await events_of(api, ticket_id, "ticket.survey_requested")
        if e["data"]["round"] == "invitation" and e["data"]["cycle"] == cycle
    ]
    assert len(invitations) == 1, invitations
    data = invitations[0]
    link = SurveyLink(
        survey_id=uuid.UUID(data["survey_id"]),
        ticket_id=uuid.UUID(ticket_id),
        requester_id=data["requester_id"],
    )
    expires = api.clock().fromisoformat(data["expires_at"])
    token = survey_link_token(link=link, secret=SECRET, now=api.clock(), expires_at=expires)
    return f"/survey-links/{token}"


async def survey_row(api: IntakeApi, ticket_id: str, cycle: int = 1) -> dict[str, Any]:
    row = await api.pool.fetchrow(
        "SELECT * FROM surveys WHERE ticket_id = $1 AND cycle = $2", uuid.UUID(ticket_id), cycle
    )
    assert row is not None
    return dict(row)


async def work(api: IntakeApi) -> int:
    async with api.pool.acquire() as conn:
        return await remind_and_expire(conn=conn, now=api.clock())


async def test_resolving_starts_a_survey_and_its_invitation_in_the_same_commit(
    make_api: AppFactory, keys: Keys
) -> None:
    api = await surveying(make_api)
    ticket_id = await file(api, keys, subject="VPN drops")
    await resolve(api, keys, ticket_id)
    types = await api.outbox_types(ticket_id)
    assert types[-2:] == ["ticket.status_changed", "ticket.survey_requested"]
    (invitation,) = await events_of(api, ticket_id, "ticket.survey_requested")
    data = invitation["data"]
    assert (data["round"], data["cycle"], data["subject"]) == ("invitation", 1, "VPN drops")
    assert data["requester_email"] == EMAIL
    assert data["status"] == "resolved"
    survey = await survey_row(api, ticket_id)
    assert survey["status"] == "open"
    assert str(survey["survey_id"]) == data["survey_id"]
    assert survey["reminder_due_at"] == api.clock() + timedelta(hours=48)
    assert survey["expires_at"] == api.clock() + timedelta(days=7)
    timeline = await api.pool.fetch(
        "SELECT event_type FROM timeline WHERE ticket_id = $1", uuid.UUID(ticket_id)
    )
    assert "ticket.survey_requested" in [r["event_type"] for r in timeline]


async def test_one_reminder_after_the_delay_then_expiry(make_api: AppFactory, keys: Keys) -> None:
    api = await surveying(make_api)
    ticket_id = await file(api, keys)
    await resolve(api, keys, ticket_id)
    link = await link_of(api, ticket_id)
    api.clock.advance(timedelta(hours=47).total_seconds())
    assert await work(api) == 0
    api.clock.advance(timedelta(hours=2).total_seconds())
    assert await work(api) == 1
    assert await work(api) == 0
    api.clock.advance(timedelta(days=2).total_seconds())
    assert await work(api) == 0
    rounds = [
        (e["data"]["round"], e["data"]["survey_id"])
        for e in await events_of(api, ticket_id, "ticket.survey_requested")
    ]
    assert [r for r, _ in rounds] == ["invitation", "reminder"]
    assert rounds[0][1] == rounds[1][1]
    api.clock.advance(timedelta(days=3).total_seconds())
    assert await work(api) == 1
    assert (await survey_row(api, ticket_id))["status"] == "expired"
    async with api.client() as http:
        late = await http.get(link, params={"rating": "5"})
    assert late.status_code == 410
    assert "expired" in late.text
    assert await events_of(api, ticket_id, "ticket.feedback_received") == []


async def test_an_answered_survey_is_not_reminded(make_api: AppFactory, keys: Keys) -> None:
    api = await surveying(make_api)
    ticket_id = await file(api, keys)
    await resolve(api, keys, ticket_id)
    async with api.client(keys.requester) as http:
        rated = await http.post(f"/tickets/{ticket_id}/feedback", json={"rating": 4})
    assert rated.status_code == 201, rated.text
    assert (await survey_row(api, ticket_id))["rating"] == 4
    api.clock.advance(timedelta(hours=49).total_seconds())
    assert await work(api) == 0
    assert len(await events_of(api, ticket_id, "ticket.survey_answered")) == 1


async def test_a_reopen_closes_the_survey_and_the_next_resolution_asks_again(
    make_api: AppFactory, keys: Keys
) -> None:
    api = await surveying(make_api)
    ticket_id = await file(api, keys)
    await resolve(api, keys, ticket_id)
    first = await link_of(api, ticket_id)
    async with api.client(keys.requester) as http:
        reopened = await http.post(f"/tickets/{ticket_id}/reopen", json={"reason": "again"})
    assert reopened.status_code == 200, reopened.text
    assert (await survey_row(api, ticket_id))["status"] == "closed"
    api.clock.advance(timedelta(hours=49).total_seconds())
    assert await work(api) == 0
    async with api.client() as http:
        refused = await http.get(first, params={"rating": "5"})
    assert refused.status_code == 410
    assert "reopened" in refused.text

    await resolve(api, keys, ticket_id)
    second = await link_of(api, ticket_id, cycle=2)
    assert (await survey_row(api, ticket_id, cycle=2))["status"] == "open"
    async with api.client() as http:
        rated = await http.get(second, params={"rating": "4"})
    assert rated.status_code == 200, rated.text
    feedback = await api.pool.fetch(
        "SELECT cycle, rating FROM feedback WHERE ticket_id = $1", uuid.UUID(ticket_id)
    )
    assert [(r["cycle"], r["rating"]) for r in feedback] == [(2, 4)]


async def test_one_click_rates_once_and_the_page_asks_for_the_rest(
    make_api: AppFactory, keys: Keys
) -> None:
    api = await surveying(make_api)
    ticket_id = await file(api, keys, subject="<script>alert(1)</script> printer")
    await resolve(api, keys, ticket_id)
    link = await link_of(api, ticket_id)
    async with api.client() as http:  # no bearer: the token is the credential
        checked = await http.head(link, params={"rating": "1"})
        assert checked.status_code == 200
        assert (await survey_row(api, ticket_id))["rating"] is None, "a HEAD records nothing"
        rated = await http.get(link, params={"rating": "5"})
        again = await http.get(link, params={"rating": "5"})
        other = await http.get(link, params={"rating": "3"})
        shown = await http.get(link)
    assert rated.status_code == 200, rated.text
    assert rated.headers["content-type"].startswith("text/html")
    assert rated.headers["cache-control"] == "no-store"
    assert "you rated us 5 out of 5" in rated.text
    assert 'name="resolved" value="yes"' in rated.text
    assert 'name="comment"' in rated.text
    assert 'name="rating"' not in rated.text
    assert "<script>" not in rated.text
    assert "&lt;script&gt;" in rated.text
    assert again.status_code == 200
    assert other.status_code == 409
    assert "nothing was changed" in other.text
    assert shown.status_code == 200
    survey = await survey_row(api, ticket_id)
    assert (survey["status"], survey["rating"]) == ("answered", 5)
    (answered,) = await events_of(api, ticket_id, "ticket.survey_answered")
    assert (answered["data"]["rating"], answered["data"]["resolved"]) == (5, None)
    (feedback,) = await events_of(api, ticket_id, "ticket.feedback_received")
    assert feedback["data"]["rating"] == 5
    assert await events_of(api, ticket_id, "feedback.negative") == []
    async with api.client(keys.requester) as http:
        by_api = await http.post(f"/tickets/{ticket_id}/feedback", json={"rating": 1})
    assert by_api.status_code == 409


async def test_comment_and_resolved_are_added_once(make_api: AppFactory, keys: Keys) -> None:
    api = await surveying(make_api)
    ticket_id = await file(api, keys, language="zh", subject="打印机卡纸")
    await resolve(api, keys, ticket_id)
    link = await link_of(api, ticket_id)
    form = {"content-type": "application/x-www-form-urlencoded"}
    async with api.client() as http:
        rated = await http.get(link, params={"rating": "4"})
        answered = await http.post(
            link, content="resolved=no&comment=%E8%BF%98%E6%98%AF%E5%8D%A1", headers=form
        )
        changed = await http.post(link, content="resolved=yes", headers=form)
        bad = await http.post(link, content="resolved=maybe", headers=form)
        empty = await http.post(link, content="", headers=form)
    assert rated.status_code == 200
    assert "您的评分是 4 分" in rated.text
    assert answered.status_code == 200, answered.text
    assert "感谢您的回答" in answered.text
    assert "我们已收到您的回答" in answered.text
    assert changed.status_code == 409
    assert "是否解决" in changed.text
    assert bad.status_code == 422
    assert empty.status_code == 422
    survey = await survey_row(api, ticket_id)
    assert (survey["rating"], survey["resolved"], survey["comment"]) == (4, False, "还是卡")
    answers = [e["data"] for e in await events_of(api, ticket_id, "ticket.survey_answered")]
    assert [(a["rating"], a["resolved"], a["comment"]) for a in answers] == [
        (4, None, None),
        (None, False, "还是卡"),
    ]
    stored = await api.pool.fetchval(
        "SELECT comment FROM feedback WHERE ticket_id = $1", uuid.UUID(ticket_id)
    )
    assert stored == "还是卡"


async def test_bad_and_foreign_links_and_bad_ratings_change_nothing(
    make_api: AppFactory, keys: Keys
) -> None:
    api = await surveying(make_api)
    ticket_id = await file(api, keys)
    await resolve(api, keys, ticket_id)
    link = await link_of(api, ticket_id)
    data = (await events_of(api, ticket_id, "ticket.survey_requested"))[0]["data"]
    forged = survey_link_token(
        link=SurveyLink(uuid.UUID(data["survey_id"]), uuid.UUID(ticket_id), "mallory"),
        secret=SECRET,
        now=api.clock(),
        expires_at=api.clock() + timedelta(days=1),
    )
    async with api.client() as http:
        too_high = await http.get(link, params={"rating": "6"})
        word = await http.get(link, params={"rating": "five"})
        garbage = await http.get("/survey-links/not-a-token", params={"rating": "5"})
        someone_else = await http.get(f"/survey-links/{forged}", params={"rating": "1"})
        no_key = await http.get(f"/tickets/{ticket_id}")
    assert too_high.status_code == 422
    assert "rating must be a whole number from 1 to 5" in too_high.text
    assert word.status_code == 422
    assert garbage.status_code == 404
    assert "not valid" in garbage.text
    assert someone_else.status_code == 404
    assert no_key.status_code == 401
    assert (await survey_row(api, ticket_id))["rating"] is None
    assert await events_of(api, ticket_id, "ticket.survey_answered") == []
    unsigned = await surveying(make_api, survey_link_secret=None)
    async with unsigned.client() as http:
        refused = await http.get(link, params={"rating": "5"})
    assert refused.status_code == 404


async def test_a_rating_of_two_publishes_negative_feedback_and_opens_a_follow_up(
    make_api: AppFactory, keys: Keys
) -> None:
    api = await surveying(make_api)
    await put_category(api, "printing", default_priority="normal", team="office")
    ticket_id = await file(api, keys, subject="Printer jams", category="printing")
    await resolve(api, keys, ticket_id)
    link = await link_of(api, ticket_id)
    async with api.client() as http:
        rated = await http.get(link, params={"rating": "2"})
    assert rated.status_code == 200, rated.text
    (negative,) = await events_of(api, ticket_id, "feedback.negative")
    data = negative["data"]
    assert (data["rating"], data["subject"], data["team"]) == (2, "Printer jams", "office")
    assert data["survey_id"] == str((await survey_row(api, ticket_id))["survey_id"])
    follow_up_id = data["follow_up_ticket_id"]
    assert follow_up_id is not None
    async with api.client(keys.agent) as http:
        follow_up = (await http.get(f"/tickets/{follow_up_id}")).json()
        timeline = (await http.get(f"/tickets/{ticket_id}/timeline")).json()["items"]
    assert follow_up["subject"] == "Follow-up: negative feedback on Printer jams"
    assert (follow_up["team"], follow_up["category"]) == ("office", "printing")
    assert follow_up["priority"] == "high"
    assert follow_up["tags"] == ["follow-up"]
    assert follow_up["custom_fields"] == {"follow_up_of": ticket_id}
    assert follow_up["requester"]["id"] == keys.requester_id
    assert "feedback.negative" in str(timeline)
    created = await events_of(api, follow_up_id, "ticket.created")
    assert len(created) == 1
    assert (await survey_row(api, ticket_id))["follow_up_ticket_id"] == uuid.UUID(follow_up_id)
    async with api.client() as http:
        await http.get(link, params={"rating": "2"})
    assert len(await events_of(api, ticket_id, "feedback.negative")) == 1


async def test_two_replicas_send_each_reminder_once(make_api: AppFactory, keys: Keys) -> None:
    api = await surveying(make_api)
    tickets = [await file(api, keys) for _ in range(6)]
    for ticket_id in tickets:
        await resolve(api, keys, ticket_id)
    api.clock.advance(timedelta(hours=49).total_seconds())

    async def replica() -> int:
        async with api.pool.acquire() as conn:
            return await remind_and_expire(conn=conn, now=api.clock(), limit=2)

    sent = 0
    for _ in range(4):
        sent += sum(await asyncio.gather(replica(), replica()))
    assert sent == 6
    for ticket_id in tickets:
        rounds = [
            e["data"]["round"] for e in await events_of(api, ticket_id, "ticket.survey_requested")
        ]
        assert rounds == ["invitation", "reminder"]


async def test_the_service_worker_reminds_on_its_clock(make_api: AppFactory, keys: Keys) -> None:
    api = await surveying(make_api, survey_poll_seconds=0.05)
    ticket_id = await file(api, keys)
    await resolve(api, keys, ticket_id)
    stop = asyncio.Event()
    worker = asyncio.create_task(run_survey_worker(api.harness.runtime, stop))
    try:
        api.clock.advance(timedelta(hours=49).total_seconds())

        async def reminded() -> bool:
            events = await events_of(api, ticket_id, "ticket.survey_requested")
            return [e["data"]["round"] for e in events] == ["invitation", "reminder"]

        await eventually(reminded, what="the survey's reminder")
    finally:
        stop.set()
        await worker
