"""SLA's lists walk to their end in small pages, each item once, in keyset order."""

import httpx
import pytest

from tests.integration.paging import assert_bad_cursor_refused, walk_pages

pytestmark = pytest.mark.integration


async def test_calendars_and_policies_walk_to_the_end_without_repeats(
    api: httpx.AsyncClient,
) -> None:
    made = [f"walk-{n}" for n in range(5)]
    for name in made:
        answer = await api.put(f"/calendars/{name}", json={"time_zone": "UTC", "always_open": True})
        assert answer.status_code == 200, answer.text
        policy = {"position": 900 + made.index(name), "resolution_seconds": 60}
        assert (await api.put(f"/policies/{name}", json=policy)).status_code == 200
    calendars = await walk_pages(api, "/calendars", key=lambda c: c["name"])
    names = [c["name"] for c in calendars]
    assert names == sorted(names)
    assert set(made) <= set(names)
    policies = await walk_pages(api, "/policies", key=lambda p: p["name"])
    positions = [(p["position"], p["name"]) for p in policies]
    assert positions == sorted(positions)
    assert set(made) <= {p["name"] for p in policies}
    await walk_pages(api, "/escalation-policies", key=lambda p: p["name"], limit=1)
    await assert_bad_cursor_refused(api, "/calendars")
    await assert_bad_cursor_refused(api, "/policies")
