"""Policies, calendars and escalation policies are archived; one in use is refused, unchanged."""

from typing import Any

import httpx
import pytest

from tests.integration.sla.conftest import SlaHarness
from ticketflow_common.events import TicketStatusChanged

pytestmark = pytest.mark.integration
ICAL = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//tests//holidays//EN
BEGIN:VEVENT
UID:ny@tests
DTSTART;VALUE=DATE:20260101
SUMMARY:New Year
END:VEVENT
END:VCALENDAR
"""


async def snapshot(sla: SlaHarness) -> list[Any]:
    async with sla.pool.acquire() as conn:
        return [
            [dict(r) for r in await conn.fetch(f"SELECT * FROM {table} ORDER BY 1")]
            for table in ("policies", "calendars", "escalation_policies", "clocks", "outbox")
        ]


def names(answer: httpx.Response) -> list[str]:
    return [item["name"] for item in answer.json()["items"]]


async def test_configuration_in_use_is_refused_then_archived(
    api: httpx.AsyncClient, sla: SlaHarness
) -> None:
    assert (
        await api.put("/calendars/office", json={"time_zone": "UTC", "always_open": True})
    ).status_code == 200
    ladder = {"levels": [{"delay_seconds": 60, "targets": [{"kind": "owner"}]}]}
    assert (await api.put("/escalation-policies/ladder", json=ladder)).status_code == 200
    desk = {
        "position": 50,
        "priority": "low",
        "resolution_seconds": 3600,
        "calendar": "office",
        "escalation_policy": "ladder",
    }
    assert (await api.put("/policies/desk", json=desk)).status_code == 200
    created = sla.created(priority="low")
    await sla.deliver(created)
    ticket = str(created.ticket_id)

    before = await snapshot(sla)
    calendar = await api.delete("/calendars/office")
    ladder_refused = await api.delete("/escalation-policies/ladder")
    policy = await api.delete("/policies/desk")
    assert await snapshot(sla) == before
    assert calendar.status_code == 409
    assert calendar.headers["content-type"] == "application/problem+json"
    assert calendar.json()["used_by"] == [
        {"kind": "policy", "count": 1, "ids": ["desk"]},
        {"kind": "timed_ticket", "count": 1, "ids": [ticket]},
    ]
    assert "1 policy ('desk')" in calendar.json()["detail"]
    assert ladder_refused.status_code == 409
    assert ladder_refused.json()["used_by"] == [{"kind": "policy", "count": 1, "ids": ["desk"]}]
    assert policy.status_code == 409
    assert policy.json()["used_by"] == [{"kind": "timed_ticket", "count": 1, "ids": [ticket]}]

    await sla.deliver(
        TicketStatusChanged(
            **sla.facts(created, status="closed"),
            previous_status="new",
            actor_id="agent-1",
            actor_role="agent",
            changed_at=sla.clock(),
        )
    )
    assert (await api.delete("/policies/desk")).status_code == 204
    assert (await api.delete("/policies/desk")).status_code == 404
    assert "desk" not in names(await api.get("/policies"))
    assert (await api.delete("/escalation-policies/ladder")).status_code == 204
    assert (await api.delete("/calendars/office")).status_code == 204
    assert "office" not in names(await api.get("/calendars"))
    assert "ladder" not in names(await api.get("/escalation-policies"))

    naming_archived = await api.put("/policies/desk", json=desk)
    assert naming_archived.status_code == 422
    assert naming_archived.json()["errors"][0]["field"] == "calendar"
    same_place = {"position": 50, "resolution_seconds": 60}
    assert (await api.put("/policies/other", json=same_place)).status_code == 200
    ical = await api.post(
        "/calendars/office/holidays/ical", content=ICAL, headers={"content-type": "text/calendar"}
    )
    assert ical.status_code == 404
    back = await api.put("/calendars/office", json={"time_zone": "UTC", "always_open": True})
    assert back.status_code == 200
    assert "office" in names(await api.get("/calendars"))


async def test_unknown_configuration_is_404(api: httpx.AsyncClient) -> None:
    for path in ("/policies/nope", "/calendars/nope", "/escalation-policies/nope"):
        answer = await api.delete(path)
        assert answer.status_code == 404, path
        assert answer.headers["content-type"] == "application/problem+json"
