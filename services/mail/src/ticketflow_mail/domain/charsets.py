"""Bytes to text for the charsets mail really carries: labels mapped to the superset that
decodes what senders actually wrote (GB2312 and GBK mail is often GB18030, Big5 HKSCS), and a
fallback chain for a missing, unknown or wrong label, so decoding never fails."""

import codecs

_SUPERSET = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "euc-cn": "gb18030",
    "euccn": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "hz-gb-2312": "hz",
    "big5": "big5",
    "big5-hkscs": "big5hkscs",
    "cp950": "cp950",
    "x-big5": "big5hkscs",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
    "ks_c_5601-1987": "cp949",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "unicode-1-1-utf-7": "utf-7",
    "x-unknown": "",
    "unknown-8bit": "",
}
"""Label -> codec; ISO-8859-1 is read as windows-1252, its superset, as browsers do."""

_FALLBACKS = ("utf-8", "gb18030", "big5hkscs")


def codec_for(label: str | None) -> str | None:
    """The Python codec to read a declared charset with; None when the label is unknown."""
    if not label:
        return None
    name = label.strip().strip('"').lower()
    name = _SUPERSET.get(name, name)
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


def decode_bytes(data: bytes, label: str | None = None) -> str:
    """The text of `data` in its declared charset, else the first that fits, else cp1252."""
    codec = codec_for(label)
    if codec is not None and not codec.startswith("utf") and _is_utf8(data):
        return data.decode("utf-8")  # mislabelled UTF-8: legacy CJK text is almost never valid
    if codec is not None:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            if codec in ("big5", "cp950"):
                try:
                    return data.decode("big5hkscs")
                except UnicodeDecodeError:
                    pass
    for fallback in _FALLBACKS:
        if fallback == codec:
            continue
        try:
            return data.decode(fallback)
        except UnicodeDecodeError:
            continue
    if codec is not None:
        return data.decode(codec, errors="replace")
    return data.decode("cp1252", errors="replace")


def _is_utf8(data: bytes) -> bool:
    """Non-ASCII bytes that are valid UTF-8: real GBK, Big5 or Latin-1 text rarely is."""
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
