# ruff: noqa: RUF001 (Chinese text is written with full-width punctuation)
"""parse_mail on real client output: charsets, encoded words, HTML-only mail, attachments,
stable Message-IDs, and a Malformed, never an exception, for anything else."""

import base64
import dataclasses
from email.message import EmailMessage

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.mail.fixtures import MAX_BYTES, MESSAGES, parsed, raw
from ticketflow_mail.domain.charsets import decode_bytes
from ticketflow_mail.domain.headers import decode_value
from ticketflow_mail.domain.parsed import Malformed, ParsedMail
from ticketflow_mail.domain.parsing import MAX_TEXT_CHARS, derived_message_id, parse_mail


def test_foxmail_gb2312_subject_body_and_threading_headers() -> None:
    mail = parsed("foxmail_gb2312.eml")
    assert mail.from_address == "zhang.wei@example.cn"
    assert mail.from_name == "张伟"
    assert mail.subject == "回复：打印机故障 [TF-1A2B3C4D]"
    assert "朱镕同事" in mail.text  # 镕 is GBK, not GB2312: read as GB18030
    assert (
        mail.new_text
        == "您好，\n\n三楼的打印机又卡纸了，朱镕同事也无法打印。\n麻烦尽快处理。\n\n张伟"
    )
    assert mail.message_id == "<202612011005000123456@example.cn>"
    assert mail.in_reply_to == ["<reply-1@desk.example>"]
    assert mail.references == ["<orig-1@example.cn>", "<reply-1@desk.example>"]
    assert mail.to == ["help@desk.example"]


def test_big5_quoted_printable() -> None:
    mail = parsed("big5_vpn.eml")
    assert mail.from_name == "陳美玲"
    assert mail.subject == "VPN 無法連線"
    assert mail.new_text == "您好：\n\n我的電腦無法連上VPN，顯示錯誤 809。"


def test_outlook_html_only_with_chinese_history() -> None:
    mail = parsed("outlook_html_only.eml")
    assert mail.content_type == "text/html"
    assert "请换一根HDMI线试试。" in mail.text
    assert "<b>" not in mail.text
    assert "p{margin" not in mail.text
    assert (
        mail.new_text == "你好，\n\n会议室的投影仪还是没有信号，HDMI 线已经换过了。\n\n谢谢！\n李娜"
    )
    assert mail.from_address == "li.na@example.com"


def test_text_part_preferred_and_attachments_decoded() -> None:
    mail = parsed("multipart_attachments.eml")
    assert mail.text.startswith("Hello,\n\nThe expense tool rejects my report, screenshot")
    assert mail.new_text == "Hello,\n\nThe expense tool rejects my report, screenshot attached."
    names = [a.filename for a in mail.attachments]
    assert names == ["报销单2026年12月.xlsx", "截图.png", "invoice.pdf"]
    assert mail.attachments[2].content.startswith(b"MZ")
    assert mail.attachments[1].content.startswith(b"\x89PNG")


def test_html_body_without_script_or_style() -> None:
    mail = parsed("bulk_newsletter.eml")
    assert mail.text == "What's new\n\nOur December release…"


def test_missing_message_id_derived_from_the_bytes_stably() -> None:
    data = raw("gmail_reply_no_message_id.eml")
    first = parse_mail(data, max_bytes=MAX_BYTES)
    second = parse_mail(data, max_bytes=MAX_BYTES)
    other = parse_mail(data + b"\r\n", max_bytes=MAX_BYTES)
    assert isinstance(first, ParsedMail)
    assert isinstance(second, ParsedMail)
    assert isinstance(other, ParsedMail)
    assert first.message_id == second.message_id == derived_message_id(data)
    assert first.message_id.startswith("<")
    assert first.message_id.endswith("@ticketflow.invalid>")
    assert other.message_id != first.message_id
    assert first.from_address == "alice@example.org"


def test_garbage_empty_fromless_and_too_large_are_malformed() -> None:
    assert isinstance(parse_mail(raw("garbage.eml"), max_bytes=MAX_BYTES), Malformed)
    assert isinstance(parse_mail(b"", max_bytes=MAX_BYTES), Malformed)
    fromless = b"To: help@desk.example\r\nSubject: hi\r\n\r\nbody\r\n"
    assert parse_mail(fromless, max_bytes=MAX_BYTES) == Malformed(
        reason="no From address: not a mail"
    )
    big = parse_mail(raw("big5_vpn.eml"), max_bytes=100)
    assert isinstance(big, Malformed)
    assert big.refusal == "too_large"


def test_charsets_declared_wrong_missing_or_unknown() -> None:
    assert decode_bytes("镕".encode("gb18030"), "gb2312") == "镕"
    assert decode_bytes("镕".encode("gbk"), "GBK") == "镕"
    assert decode_bytes("香港".encode("big5hkscs"), "big5") == "香港"
    assert decode_bytes("Grüße".encode("iso-8859-15"), "iso-8859-15") == "Grüße"
    assert decode_bytes("€5".encode("cp1252"), "iso-8859-1") == "€5"
    assert decode_bytes("中文".encode(), None) == "中文"
    assert decode_bytes("中文".encode("gb18030"), "x-no-such-charset") == "中文"
    assert decode_bytes("中文".encode(), "gb2312") == "中文"  # mislabelled UTF-8
    assert isinstance(decode_bytes(b"\xff\xfe\xfd", "utf-8"), str)


def test_encoded_words_in_any_charset_and_raw_utf8_headers() -> None:
    gb = base64.b64encode("打印机".encode("gb18030")).decode()
    assert decode_value(f"=?GB2312?B?{gb}?= =?GB2312?B?{gb}?=") == "打印机打印机"
    assert decode_value("=?utf-8?q?caf=C3=A9?= ok") == "café ok"
    assert decode_value("=?utf-8?B?not base64!?=") != ""
    msg = EmailMessage()
    msg["From"] = "王芳 <Wang@Example.com>"
    msg["To"] = "help@desk.example"
    msg["Subject"] = "电脑蓝屏"
    msg.set_content("蓝屏了")
    raw_utf8 = msg.as_bytes().replace(b"=?utf-8?b?", b"=?utf-8?b?")
    mail = parse_mail(raw_utf8, max_bytes=MAX_BYTES)
    assert isinstance(mail, ParsedMail)
    assert (mail.from_name, mail.from_address, mail.subject) == (
        "王芳",
        "wang@example.com",
        "电脑蓝屏",
    )
    assert mail.new_text == "蓝屏了"
    raw8 = "From: 李四 <li@example.cn>\r\nSubject: 网络断了\r\n\r\n好\r\n".encode()
    mail8 = parse_mail(raw8, max_bytes=MAX_BYTES)
    assert isinstance(mail8, ParsedMail)
    assert (mail8.from_name, mail8.subject) == ("李四", "网络断了")


def test_rfc2231_gb2312_filename_and_outlook_encoded_word_filename() -> None:
    gbname = "".join(f"%{b:02X}" for b in "说明.docx".encode("gb18030"))
    utf = base64.b64encode("合同.pdf".encode()).decode()
    data = (
        "From: a@example.cn\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        "--b\r\nContent-Type: text/plain\r\n\r\nsee files\r\n"
        f"--b\r\nContent-Type: application/octet-stream\r\n"
        f"Content-Disposition: attachment; filename*=gb2312''{gbname}\r\n\r\nx\r\n"
        "--b\r\nContent-Type: application/pdf\r\n"
        f'Content-Disposition: attachment; filename="=?utf-8?B?{utf}?="\r\n\r\n%PDF-1.4\r\n'
        "--b--\r\n"
    ).encode()
    mail = parse_mail(data, max_bytes=MAX_BYTES)
    assert isinstance(mail, ParsedMail)
    assert [a.filename for a in mail.attachments] == ["说明.docx", "合同.pdf"]
    assert mail.text == "see files"


def test_fixtures_never_raise() -> None:
    for path in sorted(MESSAGES.glob("*.eml")):
        result = parse_mail(path.read_bytes(), max_bytes=MAX_BYTES)
        assert isinstance(result, ParsedMail | Malformed)


def _utf8_clean(result: ParsedMail | Malformed) -> None:
    """Every text the parser returns encodes as UTF-8 (JSON, Postgres), whatever came in."""
    for value in dataclasses.asdict(result).values():
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str):
                text.encode("utf-8")
            elif isinstance(text, dict):
                for part in text.values():
                    if isinstance(part, str):
                        part.encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4096))
def test_random_bytes_never_raise(data: bytes) -> None:
    result = parse_mail(data, max_bytes=MAX_BYTES)
    assert isinstance(result, ParsedMail | Malformed)
    _utf8_clean(result)


def test_gbk_characters_in_a_gb2312_labelled_subject() -> None:
    gb = base64.b64encode("朱镕基".encode("gbk")).decode()  # policy.default reads 朱\ufffdF基
    data = (
        f"From: =?GB2312?B?{gb}?= <a@b.cn>\r\nSubject: =?GB2312?B?{gb}?=\r\n"
        "Content-Type: text/plain; charset=gb2312\r\n\r\n"
    ).encode() + "朱镕基".encode("gbk")
    mail = parse_mail(data, max_bytes=MAX_BYTES)
    assert isinstance(mail, ParsedMail)
    assert (mail.subject, mail.from_name, mail.text) == ("朱镕基", "朱镕基", "朱镕基")


def test_odd_message_ids_and_an_empty_text_part() -> None:
    data = (
        b"From: a@b.c\r\nMessage-ID: <>\r\nIn-Reply-To: <x@y> <x@y> junk\r\n"
        b"References: <r1@y>\r\n\t<r2@y>\r\n"
        b"Content-Type: multipart/alternative; boundary=q\r\n\r\n"
        b"--q\r\nContent-Type: text/plain\r\n\r\n \r\n"
        b"--q\r\nContent-Type: text/html\r\n\r\n<p>only here</p>\r\n--q--\r\n"
    )
    mail = parse_mail(data, max_bytes=MAX_BYTES)
    assert isinstance(mail, ParsedMail)
    assert mail.message_id == derived_message_id(data)
    assert mail.in_reply_to == ["<x@y>"]
    assert mail.references == ["<r1@y>", "<r2@y>"]
    assert mail.text == "only here"
    bare = parse_mail(b"From: a@b.c\r\nMessage-ID: abc@host\r\n\r\nx", max_bytes=MAX_BYTES)
    assert isinstance(bare, ParsedMail)
    assert bare.message_id == "<abc@host>"


_HEADERISH = st.lists(
    st.sampled_from(
        [
            b"From: ",
            b"From: =?gb2312?B?",
            b"<a@b.c>",
            b"\r\n",
            b"\r\n\r\n",
            b"Content-Type: multipart/mixed; boundary=x\r\n",
            b"Content-Type: text/html; charset=",
            b"Content-Transfer-Encoding: base64\r\n",
            b"Content-Disposition: attachment; filename*=",
            b"--x\r\n",
            b"--x--",
            b"=?",
            b"?=",
            b"\xb4\xf2\xd3\xa1",
            b"<blockquote>",
            b"%E4",
        ]
    )
    | st.binary(max_size=20),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(_HEADERISH)
def test_mail_shaped_noise_never_raises(chunks: list[bytes]) -> None:
    data = b"From: x@example.com\r\n" + b"".join(chunks)
    result = parse_mail(data, max_bytes=MAX_BYTES)
    assert isinstance(result, ParsedMail | Malformed)
    _utf8_clean(result)


def test_broken_rfc2231_filenames_still_give_the_mail() -> None:
    for param in (b"filename*=utf-8''\xff%41.txt", b"filename*0*=utf-8''%E4%B8; filename*1=\xad"):
        data = (
            b"From: a@b.c\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
            b"Content-Type: application/pdf\r\nContent-Disposition: attachment; "
            + param
            + b"\r\n\r\n%PDF-1.4\r\n--b--\r\n"
        )
        mail = parse_mail(data, max_bytes=MAX_BYTES)
        assert isinstance(mail, ParsedMail), mail
        assert len(mail.attachments) == 1
        mail.attachments[0].filename.encode("utf-8")


def test_part_bombs_are_malformed_quickly() -> None:
    deep = b"".join(
        b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i) for i in range(60)
    )
    wide = b"Content-Type: multipart/mixed; boundary=w\r\n\r\n" + b"--w\r\n\r\nx\r\n" * 500
    for body in (deep, wide):
        result = parse_mail(b"From: a@b.c\r\n" + body, max_bytes=MAX_BYTES)
        assert isinstance(result, Malformed)
        assert result.reason.startswith("more than 200 MIME parts")


def test_raw_8bit_headers_read_in_the_body_charset() -> None:
    head = "From: 陳美玲 <chen@example.tw>\r\nSubject: 印表機壞了\r\n".encode("big5")
    data = head + b"Content-Type: text/plain; charset=big5\r\n\r\n" + "謝謝".encode("big5")
    mail = parse_mail(data, max_bytes=MAX_BYTES)
    assert isinstance(mail, ParsedMail)
    assert (mail.from_name, mail.subject, mail.text) == ("陳美玲", "印表機壞了", "謝謝")


def test_a_huge_body_is_cut_not_a_stall() -> None:
    line = "打印机坏了\r\n".encode("gb18030")
    data = b"From: a@b.c\r\nContent-Type: text/plain; charset=gb2312\r\n\r\n" + line * 100_000
    mail = parse_mail(data, max_bytes=MAX_BYTES)
    assert isinstance(mail, ParsedMail)
    assert len(mail.text) == MAX_TEXT_CHARS
    assert mail.text.startswith("打印机坏了\n打印机坏了")


def test_apple_mail_text_around_an_inline_image_and_unknown_charsets() -> None:
    data = (
        b"From: a@b.c\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n"
        b"--m\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\nCaf\xe9 screen:\r\n"
        b"--m\r\nContent-Type: image/jpeg\r\nContent-Disposition: inline\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n/9j/4AAQ\r\n"
        b"--m\r\nContent-Type: text/plain; charset=iso-8859-2\r\n\r\n\xb3\xf3d\xbc\r\n--m--\r\n"
    )
    mail = parse_mail(data, max_bytes=MAX_BYTES)
    assert isinstance(mail, ParsedMail)
    assert mail.text == "Café screen:\n\nłódź"
    assert [(a.filename, a.content[:3]) for a in mail.attachments] == [
        ("attachment-1.jpg", b"\xff\xd8\xff")
    ]
