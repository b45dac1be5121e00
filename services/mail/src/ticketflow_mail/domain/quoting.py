"""What is new in a reply: the text above the quoted history, without the signature. Rules,
not a library: the reply parsers on PyPI know English and some European clients but not the
Chinese ones (Foxmail, QQ Mail, Outlook in Chinese) this desk's requesters use."""

import re

_HISTORY = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^-{2,}\s*original message\s*-{2,}$",
        r"^-{2,}\s*(原始邮件|原始郵件|原邮件|原始訊息)\s*-{2,}$",
        r"^-{2,}\s*(ursprüngliche nachricht|ursprungliche nachricht)\s*-{2,}$",
        r"^-{2,}\s*(forwarded message|转发的邮件|轉寄的郵件)\s*-{2,}$",
        r"^on\s.+\bwrote\s*:$",
        r"^am\s.+\bschrieb\b.*:$",
        r"^le\s.+\ba écrit\s*:$",
        r"^在\s?.+写道\s*[:\uff1a]$",
        r"^於\s?.+寫道\s*[:\uff1a]$",
        r"^\d{4}[年/-].+(写道|寫道|wrote)\s*[:\uff1a]$",
        r"^(发件人|發件人|寄件者)\s*[:\uff1a]",
        r"^_{10,}$",
    )
]
# "From: x" starts history when a "Sent:"/"Date:" or "To:" line follows closely (Outlook).
_FROM_SENT_ONE_LINE = re.compile(r"^\*?from\s*\*?:.+\bsent\s*\*?:", re.IGNORECASE)
_FROM = re.compile(r"^\*?(from|von|de)\s*\*?\s*:", re.IGNORECASE)
_SENT = re.compile(r"^\*?(sent|date|gesendet|datum|to|an|发送时间|日期)\s*\*?\s*[:\uff1a]", re.I)
_WRAPPED_ON = re.compile(r"^(on|am|le)\s.+\d", re.IGNORECASE)
_WROTE_END = re.compile(r"(wrote|schrieb|a écrit)\s*:\s*$", re.IGNORECASE)
_SIGNATURES = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^sent from my \w+",
        r"^sent from (outlook|mail|yahoo mail|gmail)\b",
        r"^get outlook for \w+",
        r"^发自我的\s?\w+",
        r"^從我的\s?\w+傳送",
        r"^从我的\s?\w+\s?发送",
        r"^发自\s?(网易邮箱|QQ邮箱|手机|移动版)",
        r"^von meinem \w+ gesendet",
        r"^gesendet von meinem \w+",
    )
]


_STARTS = frozenset("->_*oaldfv0123456789在於发發寄")
"""The first characters of every history marker: other lines are not looked at twice."""
_SIGNATURE_STARTS = frozenset("-sgv发從从")


def history_start(lines: list[str]) -> int | None:
    """The index of the first line of quoted history, if the text has any."""
    for i, raw in enumerate(lines):
        line = raw.strip()
        if line[:1].lower() not in _STARTS:
            continue
        if line.startswith(">"):
            return _quote_block_start(lines, i)
        if any(p.match(line) for p in _HISTORY):
            return i
        if _FROM_SENT_ONE_LINE.match(line):
            return i
        if _WRAPPED_ON.match(line) and i + 1 < len(lines) and _WROTE_END.search(lines[i + 1]):
            return i
        if _FROM.match(line) and any(_SENT.match(nxt.strip()) for nxt in lines[i + 1 : i + 4]):
            return i
    return None


def _quote_block_start(lines: list[str], i: int) -> int:
    """A '>' block; the "someone wrote:" line just above it (maybe wrapped) belongs to it."""
    j = i - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    if j >= 0 and re.search(r"(wrote|schrieb|写道|寫道|écrit)\s*[:\uff1a]?\s*$", lines[j], re.I):
        if j > 0 and _WRAPPED_ON.match(lines[j - 1].strip()):
            return j - 1
        return j
    return i


def strip_signature(lines: list[str]) -> list[str]:
    """Lines before the "-- " delimiter or a sent-from-my-phone line."""
    for i, raw in enumerate(lines):
        line = raw.strip()
        if line[:1].lower() not in _SIGNATURE_STARTS:
            continue
        if line == "--":
            return lines[:i]
        if any(p.match(line) for p in _SIGNATURES):
            return lines[:i]
    return lines


def new_text(text: str) -> str:
    """The part of a mail's text its sender wrote now."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = history_start(lines)
    if start is not None:
        lines = lines[:start]
    lines = strip_signature(lines)
    return "\n".join(lines).strip()
