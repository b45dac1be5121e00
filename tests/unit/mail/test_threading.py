# ruff: noqa: RUF001 (Chinese text is written with full-width punctuation)
"""Thread keys, subject ticket references and reply subjects; the language guess."""

from tests.unit.mail.fixtures import parsed
from ticketflow_mail.domain.language import guess_language
from ticketflow_mail.domain.threading import reply_subject, thread_keys, ticket_reference


def test_ticket_reference() -> None:
    assert ticket_reference("回复：打印机故障 [TF-1A2B3C4D]") == "TF-1a2b3c4d"
    assert ticket_reference("Re: x [tf-deadbeef] [TF-00000000]") == "TF-deadbeef"
    assert ticket_reference("Re: x TF-deadbeef") is None
    assert ticket_reference("Re: x [TF-deadbee]") is None
    assert ticket_reference("Re: x [TF-deadbeefa]") is None
    assert ticket_reference("") is None


def test_thread_keys_in_reply_to_first_then_references_newest_first() -> None:
    mail = parsed("gmail_reply_no_message_id.eml")
    assert thread_keys(mail) == [
        "<reply-4@desk.example>",
        "<reply-3@desk.example>",
        "<first@example.org>",
    ]
    assert thread_keys(parsed("big5_vpn.eml")) == []


def test_reply_subject_does_not_stack() -> None:
    ref = "TF-deadbeef"
    assert reply_subject("Laptop battery", ref) == "Re: Laptop battery [TF-deadbeef]"
    subject = parsed("gmail_reply_no_message_id.eml").subject
    assert reply_subject(subject, ref) == "Re: Laptop battery [TF-deadbeef]"
    assert (
        reply_subject("回复：答复: 打印机故障 [TF-DEADBEEF]", ref) == "Re: 打印机故障 [TF-deadbeef]"
    )
    assert reply_subject("AW: WG: Drucker defekt", ref) == "Re: Drucker defekt [TF-deadbeef]"
    assert reply_subject(reply_subject("x", ref), ref) == "Re: x [TF-deadbeef]"
    assert reply_subject("", ref) == "Re: [TF-deadbeef]"
    assert reply_subject("Report: Q4 numbers", ref) == "Re: Report: Q4 numbers [TF-deadbeef]"


def test_guess_language() -> None:
    assert guess_language("打印机坏了，请帮忙") == "zh"
    assert guess_language("我的VPN连不上 error 809") == "zh"
    assert guess_language("プリンターが壊れました") == "ja"
    assert guess_language("The printer is broken") == "en"
    assert guess_language("The printer (打印机) on floor three is broken again") == "en"
    assert guess_language("") == "en"
    assert parsed("foxmail_gb2312.eml").language == "zh"
    assert parsed("big5_vpn.eml").language == "zh"
    assert parsed("auto_reply.eml").language == "en"
