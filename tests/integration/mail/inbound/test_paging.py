"""Mail's lists walk to their end in small pages, each item once: quarantined mails received at
the same instant are not skipped (the old `before` page did)."""

import httpx
import pytest

from tests.integration.mail.inbound.conftest import InboundHarness
from tests.integration.paging import assert_bad_cursor_refused, walk_pages

pytestmark = pytest.mark.integration


async def test_quarantine_and_the_block_list_walk_to_the_end(
    mail: InboundHarness, api: httpx.AsyncClient
) -> None:
    for n in range(5):  # one clock reading: the mail id breaks the tie
        await mail.send(f"Subject: no sender {n} 无发件人\r\n\r\nhello\r\n".encode())
        sender = {"sender": f"pest{n}@example.org"}
        assert (await api.post("/blocked-senders", json=sender)).status_code == 201
    while await mail.process():
        pass
    kept = await walk_pages(api, "/quarantine", key=lambda m: m["mail_id"])
    assert len(kept) == 5
    blocked = await walk_pages(api, "/blocked-senders", key=lambda b: b["sender"])
    assert [b["sender"] for b in blocked] == [f"pest{n}@example.org" for n in range(5)]
    await assert_bad_cursor_refused(api, "/quarantine")
    await assert_bad_cursor_refused(api, "/blocked-senders")
