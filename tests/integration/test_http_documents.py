"""Fetching a small document (a key set, a discovery document) from a real local HTTP server:
a 2xx body comes back, everything else is `FetchFailed` naming why, and a redirect is not
followed."""

import contextlib
import http.server
import socket
import threading
from collections.abc import Iterator

import pytest

from ticketflow_common.http_documents import FetchFailed, fetch_document

BODY = '{"keys": [], "名前": "密钥"}'.encode()


class Answers(http.server.BaseHTTPRequestHandler):
    paths: list[str]

    def do_GET(self) -> None:
        self.paths.append(self.path)
        status, headers, body = {
            "/ok": (200, {}, BODY),
            "/down": (503, {}, b"busy"),
            "/moved": (302, {"Location": "/ok"}, b""),
            "/big": (200, {}, b"x" * 2048),
        }[self.path]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        del format, args


@contextlib.contextmanager
def serving() -> Iterator[tuple[str, list[str]]]:
    paths: list[str] = []
    handler = type("Handler", (Answers,), {"paths": paths})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", paths
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


async def test_a_2xx_body_is_returned_whole() -> None:
    with serving() as (base, paths):
        assert await fetch_document(f"{base}/ok", timeout_seconds=2) == BODY
    assert paths == ["/ok"]


@pytest.mark.parametrize(
    ("path", "max_bytes", "says"),
    [("/down", 1024, "status 503"), ("/moved", 1024, "status 302"), ("/big", 1024, "larger")],
)
async def test_anything_but_a_2xx_within_the_bound_fails_naming_why(
    path: str, max_bytes: int, says: str
) -> None:
    with serving() as (base, paths), pytest.raises(FetchFailed, match=says):
        await fetch_document(f"{base}{path}", timeout_seconds=2, max_bytes=max_bytes)
    assert paths == [path], "a redirect is not followed"


async def test_an_unreachable_or_non_http_url_fails() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(FetchFailed, match=f"127.0.0.1:{port}"):
        await fetch_document(f"http://127.0.0.1:{port}/keys", timeout_seconds=2)
    with pytest.raises(FetchFailed, match="not an http"):
        await fetch_document("file:///etc/passwd", timeout_seconds=2)
