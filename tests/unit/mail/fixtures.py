"""The .eml files under messages/, read and parsed for the tests."""

from pathlib import Path

from ticketflow_mail.domain.parsed import ParsedMail
from ticketflow_mail.domain.parsing import parse_mail

MESSAGES = Path(__file__).parent / "messages"
MAX_BYTES = 10 * 1024 * 1024


def raw(name: str) -> bytes:
    return (MESSAGES / name).read_bytes()


def parsed(name: str) -> ParsedMail:
    result = parse_mail(raw(name), max_bytes=MAX_BYTES)
    assert isinstance(result, ParsedMail), result
    return result
