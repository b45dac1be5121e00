"""Noise, blocked and too eager senders are refused with `mail.refused`; malformed mails and
mails whose processing failed are kept aside (quarantined) with the reason, never lost."""

import asyncio

import httpx
import pytest
from prometheus_client import REGISTRY

from tests.integration.mail.inbound.conftest import InboundHarness, MakeMail, a_mail
from ticketflow_mail.commands import process_mail
from ticketflow_mail.domain import parsing


def refused_count(reason: str) -> float:
    value = REGISTRY.get_sample_value("ticketflow_mail_refused_total", {"reason": reason})
    return value or 0.0


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Auto_Submitted": "auto-replied"}, "auto_submitted"),
        ({"Precedence": "bulk"}, "bulk"),
        ({"X_Autoreply": "yes"}, "auto_submitted"),
    ],
)
async def test_noise_is_refused_and_reported(
    mail: InboundHarness, headers: dict[str, str], reason: str
) -> None:
    before = refused_count(reason)
    await mail.send(a_mail(subject="Out of office", **headers))
    await mail.process()
    [stored] = await mail.mails()
    assert (stored["status"], stored["reason"]) == ("refused", reason)
    assert await mail.events("mail.received") == []
    [event] = await mail.events("mail.refused")
    assert event["data"]["reason"] == reason
    assert event["data"]["quarantined"] is False
    assert event["data"]["from_address"] == "wang.fang@example.cn"
    assert event["subject"] == str(stored["mail_id"])
    assert refused_count(reason) == before + 1


async def test_a_bounce_from_the_null_sender_is_refused(mail: InboundHarness) -> None:
    await mail.send_from_null_sender(a_mail(sender="Mail Delivery <mailer@mx.example>").as_bytes())
    await mail.process()
    [event] = await mail.events("mail.refused")
    assert event["data"]["reason"] == "bounce"


async def test_a_sender_over_the_rate_is_refused_and_replicas_agree(
    make_mail: MakeMail,
) -> None:
    async with make_mail(sender_rate_limit=2, sender_rate_window_seconds=3600) as mail:
        for n in range(4):
            await mail.send(a_mail(subject=f"again {n}"))
        await mail.send(a_mail(sender="someone.else@example.org"))
        # Two processors at once, as two replicas would be: the allowance is counted in Postgres.
        await asyncio.gather(*(mail.process(batch_size=1) for _ in range(4)))
        while await mail.process():
            pass
        outcomes = {(m["from_address"], m["status"], m["reason"]) for m in await mail.mails()}
        rows = [(m["from_address"], m["status"]) for m in await mail.mails()]
        assert rows.count(("wang.fang@example.cn", "accepted")) == 2
        assert rows.count(("wang.fang@example.cn", "refused")) == 2
        assert ("wang.fang@example.cn", "refused", "rate_limited") in outcomes
        assert ("someone.else@example.org", "accepted", None) in outcomes
        refused = await mail.events("mail.refused")
        assert [e["data"]["reason"] for e in refused] == ["rate_limited"] * 2

        mail.clock.advance(3600)  # the window has passed: the allowance is back
        await mail.send(a_mail(subject="a day later"))
        await mail.process()
        assert len(await mail.events("mail.received")) == 4


async def test_the_block_list_refuses_an_address_or_a_whole_domain(
    mail: InboundHarness, api: httpx.AsyncClient
) -> None:
    created = await api.post("/blocked-senders", json={"sender": "@Spam.Example", "note": "spam"})
    assert created.status_code == 201, created.text
    assert created.json()["sender"] == "@spam.example"
    await api.post("/blocked-senders", json={"sender": "pest@example.org"})
    listed = await api.get("/blocked-senders")
    assert [b["sender"] for b in listed.json()["items"]] == ["@spam.example", "pest@example.org"]

    await mail.send(a_mail(sender="offers@mx.spam.example"))
    await mail.send(a_mail(sender="pest@example.org"))
    await mail.send(a_mail(sender="friend@example.org"))
    await mail.process()
    refused = await mail.events("mail.refused")
    assert sorted(e["data"]["from_address"] for e in refused) == [
        "offers@mx.spam.example",
        "pest@example.org",
    ]
    assert {e["data"]["reason"] for e in refused} == {"blocked"}
    assert len(await mail.events("mail.received")) == 1

    assert (await api.delete("/blocked-senders/pest@example.org")).status_code == 204
    assert (await api.delete("/blocked-senders/pest@example.org")).status_code == 404
    await mail.send(a_mail(sender="pest@example.org", subject="sorry"))
    await mail.process()
    assert len(await mail.events("mail.received")) == 2


async def test_a_bad_block_list_entry_is_a_422_naming_the_field(api: httpx.AsyncClient) -> None:
    for body in ({"sender": "not an address"}, {"sender": "a@b"}, {"sender": "x@y.z", "extra": 1}):
        answer = await api.post("/blocked-senders", json=body)
        assert answer.status_code == 422, body
        assert answer.json()["errors"][0]["field"] in {"sender", "extra"}
    assert (await api.get("/blocked-senders")).json()["items"] == []


async def test_the_routes_need_the_service_token(mail: InboundHarness) -> None:
    async with mail.client("wrong") as client:
        assert (await client.get("/blocked-senders")).status_code == 401
        assert (await client.get("/quarantine")).status_code == 401


async def test_a_malformed_mail_is_kept_in_quarantine_and_can_be_released(
    mail: InboundHarness, api: httpx.AsyncClient
) -> None:
    await mail.send(b"Subject: no sender at all\r\n\r\nhello\r\n")
    await mail.process()
    [stored] = await mail.mails()
    assert stored["status"] == "quarantined"
    assert stored["reason"] == "malformed"
    [event] = await mail.events("mail.refused")
    assert event["data"]["quarantined"] is True
    assert "From" in event["data"]["detail"]

    [kept] = (await api.get("/quarantine")).json()["items"]
    assert kept["mail_id"] == str(stored["mail_id"])
    assert kept["reason"] == "malformed"
    assert "From" in kept["detail"]
    assert kept["size"] == len(stored["raw"])

    released = await api.post(f"/quarantine/{stored['mail_id']}/release")
    assert released.status_code == 202
    assert (await api.post(f"/quarantine/{stored['mail_id']}/release")).status_code == 404
    assert (await mail.mails())[0]["status"] == "received"
    await mail.process()  # still malformed: back in quarantine, still kept
    assert (await mail.mails())[0]["status"] == "quarantined"


async def test_a_mail_whose_processing_raises_is_quarantined_and_the_rest_go_on(
    mail: InboundHarness, api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    parse = parsing.parse_mail

    def fragile(raw: bytes, *, max_bytes: int) -> object:
        if b"poison" in raw:
            raise RuntimeError("a parser bug")
        return parse(raw, max_bytes=max_bytes)

    monkeypatch.setattr(f"{process_mail.__name__}.parse_mail", fragile)
    await mail.send(a_mail(subject="poison"))
    await mail.send(a_mail(subject="fine"))
    assert await mail.process() == 2
    statuses = {m["subject"] or "poison": m["status"] for m in await mail.mails()}
    assert statuses == {"poison": "quarantined", "fine": "accepted"}
    [kept] = (await api.get("/quarantine")).json()["items"]
    assert kept["detail"] == "processing failed: RuntimeError"

    monkeypatch.setattr(f"{process_mail.__name__}.parse_mail", parse)  # the fix is deployed
    await api.post(f"/quarantine/{kept['mail_id']}/release")
    await mail.process()
    assert {m["status"] for m in await mail.mails()} == {"accepted"}
    assert len(await mail.events("mail.received")) == 2


async def test_text_postgres_cannot_store_never_stops_the_batch(mail: InboundHarness) -> None:
    await mail.send(
        b"From: a@b.example\r\nSubject: nul \x00 here\r\nMessage-ID: <nul@b.example>\r\n\r\nhi"
    )
    await mail.send(a_mail(subject="after it"))
    assert await mail.process() == 2
    statuses = sorted(m["status"] for m in await mail.mails())
    assert statuses[0] in {"accepted", "quarantined"}  # kept either way, never lost
    assert "accepted" in statuses
    assert await mail.process() == 0
