"""Pure rules of requesters by address and of mail intake: one address, one mailbox; what a
mail on a ticket does; how the timeline names a channel."""

import uuid
from datetime import timedelta

import pytest
from pydantic import ValidationError

from tests.support.clock import MONDAY
from tests.unit.intake.examples import ticket
from ticketflow_common.events import MailAttachment, MailReceived
from ticketflow_intake.domain.mail_intake import (
    MailReply,
    mail_language,
    mail_text,
    plan_reply,
    ticket_fields,
)
from ticketflow_intake.domain.requesters import normalise_email, same_address
from ticketflow_intake.domain.tickets import NewTicket
from ticketflow_intake.domain.timeline import TimelineEntry

WEEK = timedelta(days=7)


def test_addresses_are_trimmed_and_lower_cased_and_nothing_else() -> None:
    assert normalise_email("  Ada.Lovelace+vpn@Example.COM ") == "ada.lovelace+vpn@example.com"
    assert normalise_email("李雷@例子.中国") == "李雷@例子.中国"
    assert not same_address("a.b@gmail.com", "ab@gmail.com")
    assert same_address("Boss@Example.com", "boss@example.com")
    assert not same_address(None, "boss@example.com")


@pytest.mark.parametrize("bad", ["", "plain", "a@", "@b.com", "a b@c.com", "x" * 250 + "@e.com"])
def test_bad_addresses_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match=r"valid email|longer than"):
        normalise_email(bad)


def test_a_requester_needs_an_id_or_an_email() -> None:
    with pytest.raises(ValidationError, match=r"requester\.id or requester\.email"):
        NewTicket.model_validate({"subject": "s", "requester": {"name": "Ada"}})
    by_email = NewTicket.model_validate({"subject": "s", "requester": {"email": " A@B.com"}})
    assert (by_email.requester.id, by_email.requester.email) == (None, "a@b.com")


def test_a_mail_reply_by_whom_and_when() -> None:
    waiting = ticket(status="waiting_on_customer", watchers=["Boss@example.com"])
    plan = plan_reply(waiting, sender_id="u-1", sender_email="a@x.com", now=MONDAY, window=WEEK)
    assert plan == MailReply(public=True, back_to_open=True)
    watcher = plan_reply(
        waiting, sender_id="u-2", sender_email="boss@example.com", now=MONDAY, window=WEEK
    )
    assert watcher == MailReply(public=True)
    stranger = plan_reply(
        waiting, sender_id="u-3", sender_email="eve@x.com", now=MONDAY, window=WEEK
    )
    assert stranger == MailReply(public=False)
    resolved = ticket(status="resolved", resolved_at=MONDAY)
    soon = plan_reply(
        resolved, sender_id="u-1", sender_email="a@x.com", now=MONDAY + WEEK, window=WEEK
    )
    assert soon == MailReply(public=True, reopen=True)
    late = MONDAY + WEEK + timedelta(seconds=1)
    assert (
        plan_reply(resolved, sender_id="u-1", sender_email="a@x.com", now=late, window=WEEK) is None
    )
    closed = ticket(status="closed")
    assert (
        plan_reply(closed, sender_id="u-1", sender_email="a@x.com", now=MONDAY, window=WEEK) is None
    )


def mail(**fields: object) -> MailReceived:
    base: dict[str, object] = {
        "mail_id": uuid.uuid4(), "message_id": "<m@x>", "from_address": "a@x.com",
        "subject": "s", "text": "t", "via": "imap", "received_at": MONDAY,
    }  # fmt: skip
    return MailReceived.model_validate(base | fields)


def test_a_mails_ticket_is_storable_and_bounded() -> None:
    files = [
        MailAttachment(
            attachment_id=uuid.uuid4(), filename="a\x00.pdf", content_type="application/pdf", size=9
        )
    ]
    long = mail(subject="主题" * 200, text="x\x00" * 30_000, attachments=files, language="zh-Hans")
    new = NewTicket.model_validate(
        ticket_fields(long, requester_email="a@x.com", follow_up_of=None)
    )
    assert len(new.subject) == 200
    assert len(new.description) <= 20_000
    assert new.description.endswith("attachment " + str(files[0].attachment_id) + ")")
    assert (new.channel, new.language) == ("email", "zh")
    assert mail_text(mail(text="  "), empty="(none)") == "(none)"
    assert [mail_language(x) for x in ("pt-BR", "EN", "1x")] == ["pt-BR", "en", "en"]


def test_the_timeline_names_the_channel_of_tickets_and_comments() -> None:
    def entry(kind: str, data: dict[str, object]) -> TimelineEntry:
        return TimelineEntry(event_id=uuid.uuid4(), type=kind, source="/t", time=MONDAY, data=data)

    assert entry("ticket.created", {"channel": "email"}).channel == "email"
    assert entry("ticket.commented", {"origin_message_id": "<m@x>"}).channel == "email"
    assert entry("ticket.commented", {}).channel == "api"
    assert entry("sla.started", {}).channel is None
    cut = entry("ticket.commented", {"origin_message_id": "<m@x>"}).model_copy(update={"data": {}})
    assert cut.channel == "email"
