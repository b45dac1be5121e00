"""`mail.received` through intake's event table: a new mail files a ticket by channel email
through the API's rules, a threaded one becomes a comment (a requester's reply reopening a
resolved ticket within the window), and the same mail twice has one effect."""

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest

from tests.integration.intake.conftest import IntakeApi, Keys
from tests.integration.intake.test_requesters_by_email import mail_from
from ticketflow_common.envelope import new_event
from ticketflow_common.events import MailAttachment, MailReceived

pytestmark = pytest.mark.integration


async def deliver(api: IntakeApi, mail: MailReceived) -> str:
    key = str(mail.ticket_id or mail.mail_id)
    return await api.deliver(mail, subject=key)


async def ticket_from(api: IntakeApi, keys: Keys, mail: MailReceived) -> dict[str, Any]:
    assert await deliver(api, mail) == "processed"
    async with api.client(keys.agent) as http:
        found = await http.get("/tickets")
    made = [t for t in found.json()["items"] if t["origin_message_id"] == mail.message_id]
    assert len(made) == 1, found.text
    ticket: dict[str, Any] = made[0]
    return ticket


async def comments(api: IntakeApi, keys: Keys, ticket_id: str) -> list[dict[str, Any]]:
    async with api.client(keys.agent) as http:
        listed = await http.get(f"/tickets/{ticket_id}/comments")
    assert listed.status_code == 200, listed.text
    result: list[dict[str, Any]] = listed.json()["items"]
    return result


async def test_a_new_mail_files_a_ticket_by_email_and_its_event_names_the_mail(
    api: IntakeApi, keys: Keys
) -> None:
    attachment = MailAttachment(
        attachment_id=uuid.uuid4(), filename="日志.txt", content_type="text/plain", size=120
    )
    mail = mail_from(
        "li.lei@example.cn",
        from_name="李雷",
        subject="打印机卡纸",
        text="三楼的打印机又卡纸了。",
        language="zh",
        attachments=[attachment],
    )
    ticket = await ticket_from(api, keys, mail)
    assert (ticket["channel"], ticket["subject"], ticket["language"]) == (
        "email",
        "打印机卡纸",
        "zh",
    )
    assert ticket["requester"]["email"] == "li.lei@example.cn"
    assert ticket["requester"]["name"] == "李雷"
    assert ticket["description"].startswith("三楼的打印机又卡纸了。")
    assert "日志.txt (text/plain, 120 bytes" in ticket["description"]
    events = await api.outbox_events(ticket["id"])
    assert [e["type"] for e in events] == ["ticket.created"]
    assert events[0]["data"]["origin_message_id"] == mail.message_id
    assert events[0]["data"]["channel"] == "email"

    async with api.client(keys.agent) as http:
        timeline = (await http.get(f"/tickets/{ticket['id']}/timeline")).json()["items"]
    assert [(e["type"], e["channel"]) for e in timeline] == [
        ("ticket.created", "email"),
        ("mail.received", None),
    ]


async def test_mail_tickets_follow_the_apis_rules(api: IntakeApi, keys: Keys) -> None:
    """Defaults as an API ticket's: priority normal, status new, no team."""
    ticket = await ticket_from(api, keys, mail_from("x@example.com", subject="", text=""))
    assert (ticket["subject"], ticket["description"]) == ("(no subject)", "")
    assert (ticket["priority"], ticket["status"]) == ("normal", "new")


async def test_the_same_mail_twice_files_one_ticket(api: IntakeApi, keys: Keys) -> None:
    mail = mail_from("grace@example.com")
    envelope = new_event(
        mail, source="/ticketflow/mail", subject=str(mail.mail_id), time=api.clock()
    )
    assert await api.deliver(envelope) == "processed"
    assert await api.deliver(envelope) == "duplicate"
    # The same Message-ID in another event (delivered by SMTP and fetched by IMAP): nothing.
    again = mail.model_copy(update={"mail_id": uuid.uuid4(), "via": "imap"})
    assert await deliver(api, again) == "processed"
    async with api.client(keys.agent) as http:
        found = await http.get("/tickets")
    assert len(found.json()["items"]) == 1


async def test_a_threaded_mail_is_the_requesters_public_comment_once(
    api: IntakeApi, keys: Keys
) -> None:
    ticket = await ticket_from(api, keys, mail_from("grace@example.com"))
    async with api.client(keys.agent) as http:
        waiting = await http.post(
            f"/tickets/{ticket['id']}/status", json={"status": "waiting_on_customer"}
        )
    assert waiting.status_code == 200, waiting.text
    reply = mail_from(
        "Grace@Example.com", ticket_id=uuid.UUID(ticket["id"]), text="Still broken, sorry."
    )
    assert await deliver(api, reply) == "processed"
    assert await deliver(api, reply.model_copy(update={"mail_id": uuid.uuid4()})) == "processed"

    [comment] = await comments(api, keys, ticket["id"])
    assert (comment["author_id"], comment["author_role"]) == (
        ticket["requester"]["id"],
        "requester",
    )
    assert (comment["public"], comment["channel"], comment["body"]) == (
        True,
        "email",
        "Still broken, sorry.",
    )
    assert comment["origin_message_id"] == reply.message_id
    events = await api.outbox_events(ticket["id"])
    commented = [e["data"] for e in events if e["type"] == "ticket.commented"]
    assert len(commented) == 1
    assert commented[0]["body"] == "Still broken, sorry."
    assert commented[0]["origin_message_id"] == reply.message_id
    assert commented[0]["status"] == "open"
    assert events[-1]["type"] == "ticket.status_changed"
    assert events[-1]["data"]["previous_status"] == "waiting_on_customer"

    async with api.client(keys.agent) as http:
        timeline = (await http.get(f"/tickets/{ticket['id']}/timeline")).json()["items"]
    assert ("ticket.commented", "email") in [(e["type"], e["channel"]) for e in timeline]


async def test_a_mail_reply_reopens_a_resolved_ticket_within_the_window(
    api: IntakeApi, keys: Keys
) -> None:
    ticket = await ticket_from(api, keys, mail_from("grace@example.com"))
    async with api.client(keys.agent) as http:
        resolved = await http.post(f"/tickets/{ticket['id']}/status", json={"status": "resolved"})
    assert resolved.status_code == 200, resolved.text
    api.clock.advance(timedelta(days=1).total_seconds())
    reply = mail_from("grace@example.com", ticket_id=uuid.UUID(ticket["id"]), text="再次出现")
    assert await deliver(api, reply) == "processed"
    async with api.client(keys.agent) as http:
        now = (await http.get(f"/tickets/{ticket['id']}")).json()
    assert (now["status"], now["reopen_count"], now["resolved_at"]) == ("open", 1, None)
    moved = [e["data"] for e in await api.outbox_events(ticket["id"])][-1]
    assert (moved["reopened"], moved["actor_role"], moved["actor_id"]) == (
        True,
        "requester",
        ticket["requester"]["id"],
    )


async def test_after_the_window_or_on_a_closed_ticket_a_reply_files_a_follow_up(
    api: IntakeApi, keys: Keys
) -> None:
    ticket = await ticket_from(api, keys, mail_from("grace@example.com"))
    async with api.client(keys.agent) as http:
        await http.post(f"/tickets/{ticket['id']}/status", json={"status": "resolved"})
    api.clock.advance(timedelta(days=8).total_seconds())
    late = mail_from("grace@example.com", ticket_id=uuid.UUID(ticket["id"]), text="again")
    follow_up = await ticket_from(api, keys, late)
    assert follow_up["id"] != ticket["id"]
    assert follow_up["custom_fields"] == {"follow_up_of": ticket["id"]}
    assert follow_up["requester"]["id"] == ticket["requester"]["id"]
    assert await comments(api, keys, ticket["id"]) == []


async def test_a_mail_naming_a_ticket_intake_does_not_know_files_a_new_one(
    api: IntakeApi, keys: Keys
) -> None:
    mail = mail_from("grace@example.com", ticket_id=uuid.uuid4())
    ticket = await ticket_from(api, keys, mail)
    assert ticket["id"] != str(mail.ticket_id)


async def test_someone_elses_mail_on_a_ticket_is_an_internal_note_a_watchers_is_public(
    api: IntakeApi, keys: Keys
) -> None:
    """A stranger who learnt a ticket's reference can neither write into the requester's
    conversation nor reopen the ticket; nothing they sent is lost."""
    async with api.client(keys.agent) as http:
        filed = await http.post(
            "/tickets",
            json={
                "subject": "s",
                "requester": {"email": "grace@example.com"},
                "watchers": ["Boss@example.com"],
            },
        )
        ticket_id = filed.json()["id"]
        await http.post(f"/tickets/{ticket_id}/status", json={"status": "waiting_on_customer"})
    stranger = mail_from("eve@example.com", ticket_id=uuid.UUID(ticket_id), text="click here")
    watcher = mail_from("boss@example.com", ticket_id=uuid.UUID(ticket_id), text="please hurry")
    assert await deliver(api, stranger) == "processed"
    assert await deliver(api, watcher) == "processed"
    notes = await comments(api, keys, ticket_id)
    assert sorted((c["body"], c["public"], c["author_role"]) for c in notes) == [
        ("click here", False, "requester"),
        ("please hurry", True, "requester"),
    ]
    async with api.client(keys.agent) as http:
        now = (await http.get(f"/tickets/{ticket_id}")).json()
    assert now["status"] == "waiting_on_customer"
    commented = [
        e["data"] for e in await api.outbox_events(ticket_id) if e["type"] == "ticket.commented"
    ]
    assert [(c["public"], c.get("body")) for c in commented] == [
        (False, None),
        (True, "please hurry"),
    ]


async def test_ticket_commented_carries_the_body_of_public_comments_only(
    api: IntakeApi, keys: Keys
) -> None:
    async with api.client(keys.agent) as http:
        filed = await http.post(
            "/tickets", json={"subject": "s", "requester": {"id": keys.requester_id}}
        )
        ticket_id = filed.json()["id"]
        public = await http.post(
            f"/tickets/{ticket_id}/comments", json={"body": "请重启路由器", "public": True}
        )
        note = await http.post(
            f"/tickets/{ticket_id}/comments", json={"body": "secret", "public": False}
        )
    assert public.status_code == note.status_code == 201
    assert public.json()["channel"] == "api"
    commented = [
        e["data"] for e in await api.outbox_events(ticket_id) if e["type"] == "ticket.commented"
    ]
    assert [(c["public"], c.get("body")) for c in commented] == [
        (True, "请重启路由器"),
        (False, None),
    ]


async def test_one_mail_delivered_twice_at_once_files_one_ticket(
    api: IntakeApi, keys: Keys
) -> None:
    """Two replicas taking the same Message-ID (from SMTP and from IMAP) at the same moment."""
    mail = mail_from("new.person@example.com")
    twin = mail.model_copy(update={"mail_id": uuid.uuid4(), "via": "imap"})
    outcomes = await asyncio.gather(deliver(api, mail), deliver(api, twin))
    assert list(outcomes) == ["processed", "processed"]
    async with api.client(keys.agent) as http:
        found = (await http.get("/tickets")).json()["items"]
    assert [t["origin_message_id"] for t in found] == [mail.message_id]
