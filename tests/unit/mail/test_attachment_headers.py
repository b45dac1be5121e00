"""A download names its file exactly (RFC 5987) and is never served as a page or a script."""

import pytest

from ticketflow_mail.domain.attachments import content_disposition, served_type


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("report.pdf", "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"),
        (
            "季度 报告.pdf",
            "attachment; filename=\"__ __.pdf\"; filename*=UTF-8''"
            "%E5%AD%A3%E5%BA%A6%20%E6%8A%A5%E5%91%8A.pdf",
        ),
        ('a"b\\c.txt', "attachment; filename=\"a_b_c.txt\"; filename*=UTF-8''a%22b_c.txt"),
        ("evil\r\nX-Injected: 1", "attachment; filename=\"evilX-Injected: 1\";"
         " filename*=UTF-8''evilX-Injected%3A%201"),
        ("", "attachment; filename=\"attachment\"; filename*=UTF-8''"),
    ],
)  # fmt: skip
def test_content_disposition(filename: str, expected: str) -> None:
    assert content_disposition(filename) == expected


@pytest.mark.parametrize(
    ("stored", "served"),
    [
        ("application/pdf", "application/pdf"),
        ("image/png; name=x.png", "image/png"),
        ("Text/Plain", "text/plain"),
        ("text/html", "application/octet-stream"),
        ("image/svg+xml", "application/octet-stream"),
        ("application/javascript", "application/octet-stream"),
        ("application/xhtml+xml", "application/octet-stream"),
        ("nonsense", "application/octet-stream"),
    ],
)
def test_served_type(stored: str, served: str) -> None:
    assert served_type(stored) == served
