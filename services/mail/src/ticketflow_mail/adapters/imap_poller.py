"""One session with the polled mailbox (aioimaplib): its unseen mails by UID, each fetched
without setting \\Seen (BODY.PEEK), and \\Seen set only when the caller says it is stored."""

import contextlib
import re
import ssl
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import aioimaplib

_UIDVALIDITY = re.compile(rb"\[UIDVALIDITY (\d+)\]")


class ImapError(Exception):
    """The server refused a command (a bad login, an unknown mailbox)."""


@dataclass(frozen=True)
class ImapAccount:
    host: str
    port: int
    tls: bool
    user: str
    password: str
    mailbox: str
    timeout_seconds: float

    @property
    def key(self) -> str:
        """The mailbox's name in the cursor table: one row per account and folder."""
        return f"{self.user}@{self.host}:{self.port}/{self.mailbox}"


class MailboxSession:
    """A logged-in client with the mailbox selected."""

    def __init__(self, client: aioimaplib.IMAP4, uid_validity: int) -> None:
        self.client = client
        self.uid_validity = uid_validity

    async def unseen_uids(self) -> list[int]:
        response = await self.client.uid_search("UNSEEN")
        _check(response, "UID SEARCH UNSEEN")
        found = b" ".join(bytes(line) for line in response.lines[:-1])
        return sorted(int(n) for n in found.split() if n.isdigit())

    async def fetch(self, uid: int) -> bytes | None:
        """The raw mail, None when it vanished meanwhile (expunged by another client)."""
        response = await self.client.uid("fetch", str(uid), "(BODY.PEEK[])")
        _check(response, "UID FETCH")
        for line in response.lines:
            if isinstance(line, bytearray):
                return bytes(line)
        return None

    async def mark_seen(self, uids: Sequence[int]) -> None:
        if not uids:
            return
        response = await self.client.uid(
            "store", ",".join(str(u) for u in uids), "+FLAGS.SILENT", r"(\Seen)"
        )
        _check(response, "UID STORE")


def _check(response: aioimaplib.Response, what: str) -> None:
    if response.result != "OK":
        last = response.lines[-1] if response.lines else b""
        text = bytes(last).decode("utf-8", "replace") if isinstance(last, bytes | bytearray) else ""
        raise ImapError(f"{what}: {response.result} {text}"[:300])


@contextlib.asynccontextmanager
async def mailbox_session(account: ImapAccount) -> AsyncIterator[MailboxSession]:
    """Log in and select the mailbox for the block's duration; log out after it."""
    if account.tls:
        client: aioimaplib.IMAP4 = aioimaplib.IMAP4_SSL(
            host=account.host,
            port=account.port,
            timeout=account.timeout_seconds,
            ssl_context=ssl.create_default_context(),
        )
    else:
        client = aioimaplib.IMAP4(
            host=account.host, port=account.port, timeout=account.timeout_seconds
        )
    await client.wait_hello_from_server()
    try:
        _check(await client.login(account.user, account.password), "LOGIN")
        selected = await client.select(account.mailbox)
        _check(selected, "SELECT")
        validity = next(
            (
                int(m.group(1))
                for line in selected.lines
                if isinstance(line, bytes | bytearray) and (m := _UIDVALIDITY.search(bytes(line)))
            ),
            0,
        )
        yield MailboxSession(client, validity)
    finally:
        with contextlib.suppress(Exception):
            await client.logout()
