"""Notify's lists walk to their end in small pages, each item once, in keyset order."""

import uuid

import httpx
import pytest

from tests.integration.notify.conftest import NotifyHarness, Receiver
from tests.integration.notify.events import breached
from tests.integration.paging import assert_bad_cursor_refused, walk_pages

pytestmark = pytest.mark.integration
LANGUAGES = ["en", "de", "zh-CN", "pt-BR", "fr"]


async def test_endpoints_subscriptions_deliveries_and_templates_walk_to_the_end(
    api: httpx.AsyncClient, notify: NotifyHarness, receiver: Receiver
) -> None:
    made = [(await api.post("/endpoints", json={"url": receiver.url()})).json() for _ in range(5)]
    for n in range(5):
        await notify.deliver(breached(uuid.uuid4()))
        template = {"subject": f"主题 {n}", "body": "{{ data.policy }}"}
        assert (
            await api.put(f"/templates/sla.breached/{LANGUAGES[n]}", json=template)
        ).status_code == 200

    endpoints = await walk_pages(api, "/endpoints", key=lambda e: e["id"])
    assert {e["id"] for e in made} <= {e["id"] for e in endpoints}
    order = [(e["created_at"], e["id"]) for e in endpoints]
    assert order == sorted(order)
    subscriptions = await walk_pages(api, "/subscriptions", key=lambda s: s["id"])
    assert len(subscriptions) >= len(made)
    deliveries = await walk_pages(api, "/deliveries", key=lambda d: d["id"], limit=3)
    assert len(deliveries) >= 5 * len(made)
    assert [d["created_at"] for d in deliveries] == sorted(
        (d["created_at"] for d in deliveries), reverse=True
    )
    templates = await walk_pages(api, "/templates", key=lambda t: (t["event_type"], t["language"]))
    assert [t["language"] for t in templates] == sorted(LANGUAGES)
    for path in ("/endpoints", "/subscriptions", "/deliveries", "/templates"):
        await assert_bad_cursor_refused(api, path)
