"""Header values decoded: RFC 2047 encoded words in any charset (GB2312 read as GB18030), raw
8-bit headers (UTF-8 or a local charset), folded lines, addresses and message-id lists."""

import re
from email.header import decode_header
from email.utils import getaddresses, parseaddr

from ticketflow_mail.domain.charsets import decode_bytes

_MSG_ID = re.compile(r"<[^<>\s]+>")
_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")


def safe_text(value: str) -> str:
    """Text that encodes as UTF-8: bytes the parser kept as surrogates read as UTF-8 or
    replaced, so nothing downstream (JSON, Postgres) chokes on them."""
    return value.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")


def _raw_bytes(value: str) -> bytes:
    """The header's original bytes: the parser keeps undecodable bytes as surrogates."""
    return value.encode("utf-8", errors="surrogateescape")


def decode_value(raw: str | None, hint: str | None = None) -> str:
    """A header's text: unfolded, encoded words and raw 8-bit bytes decoded (these in the
    charset `hint`, the body's, when they are not UTF-8)."""
    if not raw:
        return ""
    raw = re.sub(r"\r?\n[ \t]", " ", raw).strip()
    if not _ENCODED_WORD.search(raw):
        return decode_bytes(_raw_bytes(raw), hint).strip()
    try:
        parts = decode_header(raw)
    except Exception:  # malformed base64/quoted-printable: keep the text as it came
        return decode_bytes(_raw_bytes(raw), hint).strip()
    out: list[str] = []
    for value, charset in parts:
        data = _raw_bytes(value) if isinstance(value, str) else value
        out.append(decode_bytes(data, charset or hint))
    return "".join(out).strip()


def address(raw: str | None, hint: str | None = None) -> tuple[str, str | None]:
    """(lower-cased address, decoded display name or None) of a From-like header."""
    if not raw:
        return "", None
    unfolded = re.sub(r"\r?\n[ \t]", " ", raw)
    name, addr = parseaddr(unfolded)
    if not addr:
        return "", None
    decoded = decode_value(name, hint) if name else ""
    return decode_bytes(_raw_bytes(addr)).strip().lower(), decoded or None


def addresses(raws: list[str]) -> list[str]:
    """Lower-cased addresses of To/Cc-like headers, in order, without repeats."""
    out: list[str] = []
    unfolded = [re.sub(r"\r?\n[ \t]", " ", r) for r in raws]
    for _, addr in getaddresses(unfolded):
        addr = decode_bytes(_raw_bytes(addr)).strip().lower()
        if "@" in addr and addr not in out:
            out.append(addr)
    return out


def message_ids(raw: str | None) -> list[str]:
    """The <ids> of an In-Reply-To or References header, in order, without repeats."""
    if not raw:
        return []
    out: list[str] = []
    for found in _MSG_ID.findall(safe_text(raw)):
        if found not in out:
            out.append(found)
    return out


def message_id(raw: str | None) -> str | None:
    """A Message-ID header's <id>; a bare id gets its brackets."""
    ids = message_ids(raw)
    if ids:
        return ids[0]
    bare = safe_text(raw or "").strip().strip("<>")
    if bare and " " not in bare and len(bare) < 900:
        return f"<{bare}>"
    return None
