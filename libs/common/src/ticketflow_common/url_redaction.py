"""Credentials URLs carry (`user:pass@`, query tokens) shown as `***`: in log lines and listings."""

import re

# A URL: scheme, optional userinfo, the rest up to an optional query (JSON-safe stops).
_URL = re.compile(
    r"([a-zA-Z][a-zA-Z0-9+.-]*://)"  # scheme
    r"([^/\s?#@\"\\]*@)?"  # userinfo: dropped
    r"([^\s?#\"\\]*)"  # host, port and path: kept
    r"(?:\?([^\s#\"'<>\\]*))?"  # query: every value masked
)
MASK = "***"


def masked_query(query: str) -> str:
    """A URL's query (without its `?`) with every value shown as `***`, names kept."""
    pieces = [p for p in query.split("&") if p]
    return "&".join(f"{p.split('=', 1)[0]}={MASK}" if "=" in p else MASK for p in pieces)


def redact_urls(text: str) -> str:
    """Credentials URLs carry (`user:pass@`, query values) never reach a log line."""

    def shown(m: re.Match[str]) -> str:
        query = m.group(4)
        return m.group(1) + m.group(3) + (f"?{masked_query(query)}" if query is not None else "")

    return _URL.sub(shown, text)
