"""Hostile input to SLA is a 422 naming the field, never a 500, and changes nothing."""

import httpx
import pytest

from tests.integration.refusals import NON_FINITE, NUL, raw_json, refused

pytestmark = pytest.mark.integration


async def test_nul_in_a_holiday_name_is_refused(api: httpx.AsyncClient) -> None:
    calendar = {"always_open": True, "holidays": [{"first_day": "2026-12-25", "name": NUL}]}
    refused(await api.put("/calendars/xmas", json=calendar), "holidays.0.name")
    assert "xmas" not in {c["name"] for c in (await api.get("/calendars")).json()["items"]}


async def test_nul_in_a_policy_condition_is_refused(api: httpx.AsyncClient) -> None:
    policy = {"position": 5, "category": [NUL], "resolution_seconds": 60}
    refused(await api.put("/policies/hostile", json=policy), "category")
    assert "hostile" not in {p["name"] for p in (await api.get("/policies")).json()["items"]}


async def test_nul_in_an_escalation_target_id_is_refused(api: httpx.AsyncClient) -> None:
    levels = {"levels": [{"delay_seconds": 0, "targets": [{"kind": "person", "id": NUL}]}]}
    refused(await api.put("/escalation-policies/hostile", json=levels), "levels.0.targets.0.id")


@pytest.mark.parametrize("number", NON_FINITE)
async def test_non_finite_numbers_are_refused(api: httpx.AsyncClient, number: str) -> None:
    body = '{"position": 6, "resolution_seconds": <n>}'
    refused(await api.put("/policies/hostile", **raw_json(body, n=number)), "resolution_seconds")


async def test_a_report_period_at_the_edge_of_time_is_refused(api: httpx.AsyncClient) -> None:
    early = await api.get("/reports/achievement", params={"until": "0001-01-02T00:00:00Z"})
    refused(early, "query:until")


async def test_a_holiday_at_the_edge_of_time_is_refused(api: httpx.AsyncClient) -> None:
    calendar = {"always_open": True, "holidays": [{"first_day": "0001-01-01"}]}
    refused(await api.put("/calendars/ancient", json=calendar), "holidays.0.first_day")
