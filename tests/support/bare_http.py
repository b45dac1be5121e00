"""The request side of a bare HTTP/1.1 receiver on asyncio streams: what tests and benchmarks
serve webhooks with when they must see the bytes (or spend nothing on a framework)."""

import asyncio


async def read_request(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    """One request's head (through the blank line) and its body (a `Content-Length` one)."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        (
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ),
        0,
    )
    return head, await reader.readexactly(length)
