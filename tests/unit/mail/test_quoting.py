# ruff: noqa: RUF001 (Chinese text is written with full-width punctuation)
"""new_text: quoted history and signatures of the clients people use, in English, Chinese and
German, cut off; what the sender wrote kept."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ticketflow_mail.domain.html_text import html_to_text
from ticketflow_mail.domain.quoting import new_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thanks!\n\n> earlier\n> text", "Thanks!"),
        (
            "Fixed.\n\nOn Tue, 1 Dec 2026 at 10:00, IT Help <help@desk.example> wrote:\n> hi",
            "Fixed.",
        ),
        (
            "Fixed.\n\nOn Tue, Dec 1, 2026 at 4:00 PM IT Help <help@desk.example>\nwrote:\n\nold",
            "Fixed.",
        ),
        ("Yes.\n\n-----Original Message-----\nFrom: IT\nSent: Tuesday\nold", "Yes."),
        (
            "Yes.\n\n________________________________\nFrom: IT Help <help@desk.example>\n"
            "Sent: Tuesday, December 1, 2026 10:00 AM\nTo: Bob\nSubject: Re: x\n\nold",
            "Yes.",
        ),
        ("Yes.\n\nFrom: IT Help <help@desk.example>\nSent: Tuesday\nTo: Bob\n\nold", "Yes."),
        ("Yes.\n\nFrom: IT Help Sent: Tuesday To: Bob Subject: x\nold", "Yes."),
        (
            "好的，谢谢。\n\n在 2026年12月1日 10:00，IT服务台 <help@desk.example> 写道：\n> 请重启",
            "好的，谢谢。",
        ),
        (
            "好的。\n\n-----原始邮件-----\n发件人: IT服务台\n发送时间: 2026年12月1日\n旧内容",
            "好的。",
        ),
        (
            "好的。\n\n发件人: IT服务台 <help@desk.example>\n发送时间: 2026年12月1日\n旧内容",
            "好的。",
        ),
        (
            "已经重启了。\n\n------------------ 原始邮件 ------------------\n"
            '发件人: "IT服务台"<help@desk.example>;\n发送时间: 2026年12月1日(星期二) 上午10:00\n旧',
            "已经重启了。",
        ),
        ("Danke.\n\nAm 01.12.2026 um 10:00 schrieb IT Help <help@desk.example>:\n> alt", "Danke."),
        ("Danke.\n\n-----Ursprüngliche Nachricht-----\nVon: IT\nGesendet: Dienstag\nalt", "Danke."),
        ("Works now.\n\n-- \nBob Smith\nACME", "Works now."),
        ("Works now.\n\nSent from my iPhone", "Works now."),
        ("可以了。\n\n发自我的iPhone", "可以了。"),
        ("可以了。\n\n从我的 iPhone 发送", "可以了。"),
        ("Geht wieder.\n\nVon meinem iPhone gesendet", "Geht wieder."),
        (
            "No history here.\nOn the other hand, it works.",
            "No history here.\nOn the other hand, it works.",
        ),
        ("From: the start, the fan was loud.", "From: the start, the fan was loud."),
        ("On Monday I wrote the report\nit is gone", "On Monday I wrote the report\nit is gone"),
        ("在会议纪要里他写道\n需要新电脑", "在会议纪要里他写道\n需要新电脑"),
        ("Ok.\n\n2026-12-01 10:00 GMT+08:00 IT Help <help@desk.example> wrote:\nold", "Ok."),
        ('好。\n\n在 2026-12-01 10:00:00，"IT服务台" <help@desk.example> 写道：\n旧', "好。"),
    ],
)
def test_new_text(text: str, expected: str) -> None:
    assert new_text(text) == expected


def test_html_quote_blocks_cut() -> None:
    gmail = (
        '<div dir="ltr">Still broken.</div><br><div class="gmail_quote">'
        '<div class="gmail_attr">On Tue, IT wrote:</div><blockquote>old</blockquote></div>'
    )
    whole, fresh = html_to_text(gmail)
    assert fresh == "Still broken."
    assert "old" in whole
    _, fresh = html_to_text("<p>Top</p><blockquote type='cite'>quoted</blockquote>")
    assert fresh == "Top"
    _, fresh = html_to_text("<p>a &amp; b&nbsp;c</p><style>x{}</style><script>y()</script>")
    assert fresh == "a & b c"


def test_html_history_without_a_marked_block() -> None:
    outlook = (
        "<div class=WordSection1><p>Still no sound.</p><p>Bob</p>"
        '<div style="border:none;border-top:solid #E1E1E1 1.0pt"><p><b>From:</b> IT Help'
        "<br><b>Sent:</b> Tuesday, December 1, 2026 10:00<br><b>To:</b> Bob</p></div>"
        "<p>Did you try the driver?</p></div>"
    )
    whole, fresh = html_to_text(outlook)
    assert new_text(fresh) == "Still no sound.\n\nBob"
    assert "Did you try the driver?" in whole
    qq = (
        "<div>已经好了，谢谢</div><div><br></div><div style='font-size:12px'>"
        "------------------&nbsp;原始邮件&nbsp;------------------</div>"
        '<div><b>发件人:</b>&nbsp;"IT服务台"&lt;help@desk.example&gt;;</div><div>旧的</div>'
    )
    _, fresh = html_to_text(qq)
    assert new_text(fresh) == "已经好了，谢谢"


def test_html_links_keep_their_address() -> None:
    whole, _ = html_to_text(
        '<p>See <a href="https://status.example/x">the status page</a> and '
        '<a href="https://a.example">https://a.example</a>, <a href="mailto:x@y">me</a>.</p>'
    )
    assert whole == "See the status page <https://status.example/x> and https://a.example, me."


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_new_text_and_html_never_raise_and_only_shorten(text: str) -> None:
    fresh = new_text(text)
    assert len(fresh) <= len(text)
    html_to_text(text)
