"""The SMTP gateway: a mail is answered 250 only once stored, stored once per Message-ID,
refused over the size limit (552) and for recipients outside the desk's domains (550)."""

import aiosmtplib
import pytest
from prometheus_client import REGISTRY

from tests.integration.mail.inbound.conftest import DESK, InboundHarness, MakeMail, a_mail
from tests.processes import free_port
from ticketflow_mail.adapters.smtp_gateway import GatewayHandler, start_gateway


def counts() -> list[float]:
    """Mails received by SMTP, accepted as new requests, and processing times observed."""
    names = [
        ("ticketflow_mail_received_total", {"via": "smtp"}),
        ("ticketflow_mail_accepted_total", {"threaded": "false"}),
        ("ticketflow_mail_processing_seconds_count", {}),
    ]
    return [REGISTRY.get_sample_value(name, labels) or 0.0 for name, labels in names]


async def test_a_mail_relayed_to_the_gateway_is_stored_then_made_a_mail_received(
    mail: InboundHarness,
) -> None:
    before = counts()
    msg = a_mail(subject="VPN 每十分钟断开一次")
    errors, reply = await mail.send(msg)
    assert errors == {}
    assert reply.startswith("OK")

    [stored] = await mail.mails()  # committed before the 250
    assert stored["status"] == "received"
    assert stored["via"] == "smtp"
    assert stored["message_id"] == msg["Message-ID"]
    assert b"Since this morning" in stored["raw"]
    assert stored["envelope_from"] == "wang.fang@example.cn"

    assert await mail.process() == 1
    [event] = await mail.events("mail.received")
    data = event["data"]
    assert event["subject"] == str(stored["mail_id"])  # no ticket yet: keyed by the mail
    assert data["message_id"] == msg["Message-ID"]
    assert data["from_address"] == "wang.fang@example.cn"
    assert data["from_name"] == "Wang Fang"
    assert data["subject"] == "VPN 每十分钟断开一次"
    assert data["text"].startswith("Since this morning the VPN disconnects")
    assert data["ticket_id"] is None
    assert data["via"] == "smtp"
    [accepted] = await mail.mails()
    assert [a - b for a, b in zip(counts(), before, strict=True)] == [1, 1, 1]
    assert accepted["status"] == "accepted"
    assert accepted["processed_at"] is not None


async def test_the_same_message_id_delivered_twice_is_taken_both_times_and_stored_once(
    mail: InboundHarness,
) -> None:
    msg = a_mail()
    for _ in range(2):
        errors, reply = await mail.send(msg)
        assert errors == {}
        assert reply.startswith("OK")
    assert len(await mail.mails()) == 1
    await mail.process()
    await mail.send(msg)  # redelivered after it was processed
    assert await mail.process() == 0
    assert len(await mail.events("mail.received")) == 1


async def test_a_mail_over_the_size_limit_is_refused_with_552_and_not_stored(
    make_mail: MakeMail,
) -> None:
    async with make_mail(max_message_bytes=4096) as mail:
        with pytest.raises(aiosmtplib.SMTPResponseException) as refused:
            await mail.send(a_mail(body="x" * 8000))
        assert refused.value.code == 552
        assert await mail.mails() == []
        errors, _ = await mail.send(a_mail(body="short"))  # the session is fine for the next
        assert errors == {}
        assert len(await mail.mails()) == 1


async def test_recipients_outside_the_accepted_domains_are_refused_with_550(
    make_mail: MakeMail,
) -> None:
    async with make_mail(accepted_domains=["desk.example"]) as mail:
        with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as refused:
            await aiosmtplib.send(
                a_mail(), recipients=["someone@elsewhere.org"], hostname="127.0.0.1", port=mail.port
            )
        assert refused.value.recipients[0].code == 550
        assert await mail.mails() == []
        errors, _ = await aiosmtplib.send(
            a_mail(),
            recipients=["someone@elsewhere.org", DESK],
            hostname="127.0.0.1",
            port=mail.port,
        )
        assert list(errors) == ["someone@elsewhere.org"]  # the desk's copy is taken
        assert len(await mail.mails()) == 1


async def test_a_gb2312_mail_arrives_as_readable_chinese(mail: InboundHarness) -> None:
    raw = (
        "From: =?gb2312?b?zfW3vA==?= <wang.fang@example.cn>\r\n"
        f"To: {DESK}\r\n"
        "Subject: =?gb2312?b?VlBOIM7Ky+I=?=\r\n"
        "Message-ID: <gb-1@example.cn>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=gb2312\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode() + "打印机无法连接\uff0c请帮忙。\r\n".encode("gb2312")
    await mail.send(raw)
    await mail.process()
    [event] = await mail.events("mail.received")
    assert event["data"]["from_name"] == "王芳"
    assert event["data"]["text"].startswith("打印机无法连接")


async def test_a_mail_that_cannot_be_stored_is_answered_451_so_the_relay_retries() -> None:
    async def outage(raw: bytes, envelope_from: str | None) -> bool:
        raise ConnectionRefusedError("postgres is away")

    port = free_port()
    server = await start_gateway(
        handler=GatewayHandler(store=outage),
        host="127.0.0.1",
        port=port,
        hostname="desk.example",
        max_message_bytes=1 << 20,
    )
    try:
        with pytest.raises(aiosmtplib.SMTPResponseException) as refused:
            await aiosmtplib.send(a_mail(), hostname="127.0.0.1", port=port)
        assert refused.value.code == 451
    finally:
        server.close()
        await server.wait_closed()
