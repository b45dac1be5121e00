"""check_attachment: size limits, executables refused by name and by content whatever the
declared type, and the type an attachment is served back with."""

import pytest

from tests.unit.mail.fixtures import parsed
from ticketflow_mail.domain.attachment_policy import check_attachment, extensions
from ticketflow_mail.domain.parsed import ParsedAttachment

PDF = b"%PDF-1.7\n" + b"x" * 50


def att(name: str, content: bytes = PDF, ctype: str = "application/pdf") -> ParsedAttachment:
    return ParsedAttachment(filename=name, content_type=ctype, content=content)


def test_fixture_attachments() -> None:
    xlsx, png, fake_pdf = parsed("multipart_attachments.eml").attachments
    ok = check_attachment(xlsx, max_bytes=1000)
    assert ok.refusal is None
    assert ok.content_type.endswith("spreadsheetml.sheet")
    assert check_attachment(png, max_bytes=1000).content_type == "image/png"
    refused = check_attachment(fake_pdf, max_bytes=1000)
    assert refused.refusal == "content is a Windows executable"


@pytest.mark.parametrize(
    "name",
    ["setup.exe", "invoice.pdf.exe", "INVOICE.PDF.EXE", "run.bat", "x.ps1", "a.vbs", "b.js",
     "c.jar", "d.lnk", "e.scr", "f.msi", "g.hta", "h.sh", "i.iso", "j.apk", "k.cmd",
     "invoice.exe.", "invoice.exe ", "report\u202efdp.exe", "说明.exe", "macro.docm"],
)  # fmt: skip
def test_executable_names_refused(name: str) -> None:
    assert check_attachment(att(name), max_bytes=1000).refusal is not None


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"MZ\x90\x00", "content is a Windows executable"),
        (b"\x7fELF\x02\x01", "content is an ELF executable"),
        (b"\xcf\xfa\xed\xfe\x07", "content is a Mach-O executable"),
        (b"#!/bin/sh\nrm -rf /", "content is a script"),
    ],
)
def test_executable_content_refused_whatever_the_name(content: bytes, reason: str) -> None:
    verdict = check_attachment(att("holiday.jpg", content, "image/jpeg"), max_bytes=1000)
    assert verdict.refusal == reason


def test_size_limit() -> None:
    assert check_attachment(att("a.pdf", PDF), max_bytes=len(PDF)).refusal is None
    assert check_attachment(att("a.pdf", PDF), max_bytes=len(PDF) - 1).refusal is not None


def test_served_type_never_the_declared_one() -> None:
    assert check_attachment(att("a.pdf"), max_bytes=999).content_type == "application/pdf"
    html = att("page.html", b"<script>alert(1)</script>", "text/plain")
    assert check_attachment(html, max_bytes=999).content_type == "application/octet-stream"
    svg = att("a.svg", b"<svg onload=x>", "image/png")
    assert check_attachment(svg, max_bytes=999).content_type == "application/octet-stream"
    not_pdf = att("a.pdf", b"hello", "application/pdf")
    assert check_attachment(not_pdf, max_bytes=999).content_type == "application/octet-stream"
    log = att("trace.log", b"error 42", "application/x-whatever")
    assert check_attachment(log, max_bytes=999).content_type == "text/plain"
    assert extensions("Invoice.PDF.exe") == ["pdf", "exe"]
