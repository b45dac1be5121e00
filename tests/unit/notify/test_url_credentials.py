"""Credentials in URLs: masked for display, scrubbed from errors, redacted from every log line."""

import json
import logging

import pytest

from ticketflow_common.logs import JsonFormatter
from ticketflow_common.url_redaction import redact_urls
from ticketflow_notify.domain.url_credentials import (
    basic_authorization,
    masked_url,
    scrub,
)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://hooks.example/x?token=abc123", "https://hooks.example/x?token=***"),
        (
            "https://u:p%40ss@hooks.example:8443/a/b?k=v&bare#frag",
            "https://hooks.example:8443/a/b?k=***&***",
        ),
        ("http://[::1]:9/hooks", "http://[::1]:9/hooks"),
        ("https://hooks.example/", "https://hooks.example/"),
    ],
)
def test_masked_url_drops_userinfo_and_every_query_value(url: str, shown: str) -> None:
    assert masked_url(url) == shown
    assert masked_url(shown) == shown, "masking twice changes nothing"


def test_userinfo_becomes_basic_auth() -> None:
    assert basic_authorization("https://bot:p%40ss@h.example/x") == "Basic Ym90OnBAc3M="
    assert basic_authorization("https://h.example/x?token=t") is None
    assert basic_authorization("https://@h.example/x") is None


def test_scrub_removes_url_credentials_from_error_text() -> None:
    url = "https://bot:hunter22@h.example/x?token=s3cr3t-t0ken&v=1"
    text = "ConnectError: https://bot:hunter22@h.example/x?token=s3cr3t-t0ken&v=1 (hunter22)"
    scrubbed = scrub(text, url)
    assert "s3cr3t-t0ken" not in scrubbed
    assert "hunter22" not in scrubbed
    assert scrubbed.startswith("ConnectError: https://")


def test_every_log_line_has_its_urls_redacted() -> None:
    record = logging.LogRecord(
        "httpx",
        logging.INFO,
        __file__,
        1,
        'HTTP Request: POST %s "HTTP/1.1 200 OK"',
        ("http://10.0.0.1:80/hooks?token=s3cr3t-t0ken&room=ops",),
        None,
    )
    record.dsn = "postgresql://tf:db-passw0rd@db:5432/tf"
    line = JsonFormatter("notify").format(record)
    entry = json.loads(line)
    assert entry["message"] == (
        'HTTP Request: POST http://10.0.0.1:80/hooks?token=***&room=*** "HTTP/1.1 200 OK"'
    )
    assert entry["dsn"] == "postgresql://db:5432/tf"
    assert redact_urls("no url, just text?a=b") == "no url, just text?a=b"
