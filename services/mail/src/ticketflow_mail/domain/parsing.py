"""One raw mail to a `ParsedMail`, or a `Malformed` with the reason, never an exception
whatever the bytes: the standard library's parser for the MIME structure, with policy.compat32
so headers come raw and are decoded by our charset rules (policy.default decodes a GB2312
label with the gb2312 codec and loses every GBK character, e.g. 镕 of 朱镕基)."""

import hashlib
from email import policy
from email.message import Message
from email.parser import BytesParser

from ticketflow_mail.domain import headers as h
from ticketflow_mail.domain.charsets import decode_bytes
from ticketflow_mail.domain.html_text import html_to_text
from ticketflow_mail.domain.language import guess_language
from ticketflow_mail.domain.parsed import Malformed, ParsedAttachment, ParsedMail
from ticketflow_mail.domain.quoting import new_text as strip_history

MAX_PARTS = 200
"""More MIME parts than this is not a person's mail but an attack on the parser."""
MAX_TEXT_CHARS = 200_000
"""A body's text is cut here (HTML at five times that before conversion): no one writes a
ticket that long, and the HTML parser is pure Python."""
MAX_DEPTH = 20
"""Nor is a multipart nested deeper than this."""

_EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "text/html": ".html",
    "message/rfc822": ".eml",
}


def derived_message_id(raw: bytes) -> str:
    """A stable Message-ID for a mail without one: the same bytes give the same id."""
    return f"<{hashlib.sha256(raw).hexdigest()}@ticketflow.invalid>"


def parse_mail(raw: bytes, *, max_bytes: int) -> ParsedMail | Malformed:
    """The mail in `raw`, decoded; Malformed when it is too large, not a mail, or has no From."""
    if len(raw) > max_bytes:
        return Malformed(
            reason=f"{len(raw)} bytes, over the {max_bytes} allowed", refusal="too_large"
        )
    if not raw.strip():
        return Malformed(reason="empty message")
    try:
        return _parse(raw)
    except Exception as exc:  # the parser's own bugs on hostile input: kept aside, not raised
        return Malformed(reason=f"unreadable: {type(exc).__name__}")


def _parse(raw: bytes) -> ParsedMail | Malformed:
    msg = BytesParser(policy=policy.compat32).parsebytes(raw)
    raw_headers = _raw_headers(msg)
    hint = _body_charset(msg)
    from_address, from_name = h.address(_first(raw_headers, "from"), hint)
    if "@" not in from_address:
        return Malformed(reason="no From address: not a mail")
    body = _Body()
    _walk(msg, body, depth=0)
    if body.refused is not None:
        return Malformed(reason=body.refused)
    if body.plain is not None and (body.plain.strip() or body.html is None):
        text = body.plain[:MAX_TEXT_CHARS]
        fresh = strip_history(text)
    elif body.html is not None:
        text, before_quote = html_to_text(body.html[: MAX_TEXT_CHARS * 5])
        text = text[:MAX_TEXT_CHARS]
        fresh = strip_history(before_quote[:MAX_TEXT_CHARS])
    else:
        text, fresh = "", ""
    decoded = {name: h.decode_value(values[0], hint) for name, values in raw_headers.items()}
    return ParsedMail(
        message_id=h.message_id(_first(raw_headers, "message-id")) or derived_message_id(raw),
        from_address=from_address,
        from_name=from_name,
        to=h.addresses(raw_headers.get("to", []) + raw_headers.get("cc", [])),
        subject=decoded.get("subject", ""),
        text=text,
        new_text=fresh,
        in_reply_to=h.message_ids(_first(raw_headers, "in-reply-to")),
        references=h.message_ids(" ".join(raw_headers.get("references", []))),
        headers=decoded,
        content_type=h.safe_text(msg.get_content_type()),
        attachments=body.attachments,
        language=guess_language(fresh or text or decoded.get("subject", "")),
        part_types=[h.safe_text(t) for t in body.types],
    )


def _body_charset(msg: Message) -> str | None:
    """The first charset a part declares: raw 8-bit headers are most likely in it."""
    try:
        return next((c for c in msg.get_charsets() if c), None)
    except Exception:  # a charset parameter that is not text
        return None


def _raw_headers(msg: Message) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in msg.raw_items():
        out.setdefault(name.strip().lower(), []).append(str(value))
    return out


def _first(raw_headers: dict[str, list[str]], name: str) -> str | None:
    values = raw_headers.get(name)
    return values[0] if values else None


class _Body:
    """What the walk over the parts found: the first text and HTML bodies and the files."""

    def __init__(self) -> None:
        self.plain: str | None = None
        self.html: str | None = None
        self.attachments: list[ParsedAttachment] = []
        self.parts = 0
        self.types: list[str] = []
        self.broken = 0
        self.refused: str | None = None


def _walk(part: Message, body: _Body, *, depth: int) -> None:
    body.parts += 1
    if body.parts > MAX_PARTS or depth > MAX_DEPTH:
        body.refused = f"more than {MAX_PARTS} MIME parts or {MAX_DEPTH} levels of them"
        return
    ctype = part.get_content_type()
    body.types.append(ctype)
    if part.is_multipart() and ctype.startswith("multipart/"):
        payload = part.get_payload()
        if isinstance(payload, list):
            for sub in payload:
                if isinstance(sub, Message):
                    _walk(sub, body, depth=depth + 1)
        return
    try:
        _leaf(part, ctype, body)
    except Exception:  # one broken part (a bad parameter, a bad encoding) loses only itself
        body.broken += 1


def _leaf(part: Message, ctype: str, body: _Body) -> None:
    disposition = (part.get_content_disposition() or "").lower()
    filename = _filename(part)
    if ctype.startswith("message/") and ctype != "message/rfc822":
        return  # delivery-status, disposition-notification: read by the noise rules
    is_body_text = ctype in ("text/plain", "text/html") and disposition != "attachment"
    if is_body_text and not filename:
        text = _text_of(part)
        if ctype == "text/plain":  # Apple Mail splits a body around its inline images
            body.plain = text if body.plain is None else f"{body.plain}\n\n{text}".strip()
        elif ctype == "text/html" and body.html is None:
            body.html = text
        return
    if ctype.startswith("text/") and not filename and disposition != "attachment":
        return  # text/rfc822-headers and the like: part of a report, not a file
    content = _content_of(part)
    name = filename or f"attachment-{len(body.attachments) + 1}{_EXTENSIONS.get(ctype, '.bin')}"
    body.attachments.append(
        ParsedAttachment(filename=name, content_type=h.safe_text(ctype), content=content)
    )


def _filename(part: Message) -> str | None:
    """The part's file name: RFC 2231 parameters or encoded words, in any charset."""
    raw = part.get_param("filename", header="content-disposition")
    if raw is None:
        raw = part.get_param("name", header="content-type")
    if raw is None:
        return None
    if isinstance(raw, tuple):  # RFC 2231: (charset, language, percent-decoded text)
        charset, _, value = raw
        try:
            name = decode_bytes(value.encode("latin-1", errors="surrogateescape"), charset)
        except UnicodeEncodeError:  # a broken continuation the parser already replaced
            name = value
    else:
        name = h.decode_value(str(raw).strip('"'))
    name = h.safe_text(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c >= " " and c != "\x7f").strip()
    return name[:255] or None


def _content_of(part: Message) -> bytes:
    if part.is_multipart():  # message/rfc822: the forwarded mail as it came
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            return inner[0].as_bytes()
        return b""
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _text_of(part: Message) -> str:
    text = decode_bytes(_content_of(part), _charset(part))
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()


def _charset(part: Message) -> str | None:
    try:
        return part.get_content_charset()
    except Exception:  # a charset parameter in RFC 2231 form naming garbage
        return None
