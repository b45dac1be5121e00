"""Hostile input to intake is a 422 naming the field, never a 500, and changes nothing."""

import base64
import json
import uuid
from typing import Any

import pytest

from tests.integration.intake.conftest import IntakeApi, Keys, ticket_body
from tests.integration.refusals import EDGE_OF_TIME, NON_FINITE, NUL, raw_json, refused

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("number", NON_FINITE)
async def test_non_finite_custom_field_is_refused_on_post(
    api: IntakeApi, keys: Keys, number: str
) -> None:
    subject = f"never stored {uuid.uuid4()}"
    template = '{"subject": "<subject>", "requester": {"id": "<id>"}, "custom_fields": {"w": <n>}}'
    async with api.client(keys.requester) as http:
        filed = await http.post(
            "/tickets", **raw_json(template, subject=subject, id=keys.requester_id, n=number)
        )
        found = await http.get("/tickets", params={"q": subject})
    refused(filed, "custom_fields.w")
    assert found.json()["items"] == []


@pytest.mark.parametrize("number", NON_FINITE)
async def test_non_finite_custom_field_is_refused_on_patch(
    api: IntakeApi, keys: Keys, number: str
) -> None:
    async with api.client(keys.agent) as http:
        filed = await http.post("/tickets", json=ticket_body("u-1", custom_fields={"w": 1}))
        ticket_id = filed.json()["id"]
        patched = await http.patch(
            f"/tickets/{ticket_id}", **raw_json('{"custom_fields": {"w": <n>}}', n=number)
        )
        after = await http.get(f"/tickets/{ticket_id}")
    refused(patched, "custom_fields.w")
    assert (after.json()["version"], after.json()["custom_fields"]) == (1, {"w": 1})


async def test_integers_beyond_the_safe_range_are_refused(api: IntakeApi, keys: Keys) -> None:
    async with api.client(keys.requester) as http:
        filed = await http.post(
            "/tickets", json=ticket_body(keys.requester_id, custom_fields={"w": 2**64})
        )
    refused(filed, "custom_fields.w")


def forged(sort: str, value: Any) -> str:
    raw = json.dumps({"sort": sort, "value": value, "id": str(uuid.uuid4())})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("sort", "value"),
    [
        ("-created_at", 5),
        ("created_at", "not a time"),
        ("updated_at", "2026-01-01T00:00:00"),
        ("priority", "high"),
        ("-priority", 10**30),
        ("priority", True),
    ],
)
async def test_a_cursor_whose_value_does_not_fit_its_sort_is_refused(
    api: IntakeApi, keys: Keys, sort: str, value: Any
) -> None:
    async with api.client(keys.requester) as http:
        page = await http.get("/tickets", params={"sort": sort, "cursor": forged(sort, value)})
    refused(page, "query:cursor")


async def test_nul_in_text_and_query_is_refused(api: IntakeApi, keys: Keys) -> None:
    async with api.client(keys.requester) as http:
        filed = await http.post("/tickets", json=ticket_body(keys.requester_id, subject=NUL))
        searched = await http.get("/tickets", params={"requester": NUL})
    refused(filed, "subject")
    refused(searched, "query:requester")


async def test_an_instant_at_the_edge_of_time_is_refused(api: IntakeApi, keys: Keys) -> None:
    async with api.client(keys.agent) as http:
        page = await http.get("/tickets", params={"created_after": EDGE_OF_TIME})
    refused(page, "query:created_after")
