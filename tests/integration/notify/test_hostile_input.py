"""Hostile input to notify is a 422 naming the field, never a 500, and changes nothing."""

import httpx
import pytest

from tests.integration.refusals import EDGE_OF_TIME, LONE_SURROGATE, NUL, raw_json, refused

pytestmark = pytest.mark.integration


async def test_nul_in_endpoint_descriptions_is_refused(api: httpx.AsyncClient) -> None:
    new = await api.post("/endpoints", json={"url": "http://127.0.0.1:9/x", "description": NUL})
    refused(new, "description")
    assert (await api.get("/endpoints")).json()["items"] == []
    created = await api.post("/endpoints", json={"url": "http://127.0.0.1:9/x"})
    changed = await api.patch(f"/endpoints/{created.json()['id']}", json={"description": NUL})
    refused(changed, "description")


async def test_nul_in_subscription_descriptions_and_filters_is_refused(
    api: httpx.AsyncClient,
) -> None:
    target = {"kind": "role", "role": "assignee"}
    described = await api.post("/subscriptions", json={"description": NUL, "target": target})
    filtered = await api.post("/subscriptions", json={"teams": [NUL], "target": target})
    policies = await api.post("/subscriptions", json={"policies": [NUL], "target": target})
    refused(described, "description")
    refused(filtered, "teams")
    refused(policies, "policies")
    assert (await api.get("/subscriptions")).json()["items"] == []


async def test_nul_and_lone_surrogates_in_templates_are_refused(api: httpx.AsyncClient) -> None:
    subject = await api.put("/templates/sla.breached/en", json={"subject": NUL, "body": "b"})
    body = await api.put(
        "/templates/sla.breached/en",
        **raw_json('{"subject": "s", "body": <body>}', body=LONE_SURROGATE),
    )
    refused(subject, "subject")
    refused(body, "body")
    assert (await api.get("/templates")).json()["items"] == []


async def test_nul_in_query_and_path_parameters_is_refused(api: httpx.AsyncClient) -> None:
    refused(await api.get("/deliveries", params={"subject": NUL}), "query:subject")
    refused(await api.get("/deliveries", params={"event_type": NUL}), "query:event_type")
    refused(await api.get("/recipients/a%00b@example.com"), "path:email")


async def test_a_time_zone_name_longer_than_any_file_name_is_refused(
    api: httpx.AsyncClient,
) -> None:
    answer = await api.put("/recipients/a@example.com", json={"time_zone": "0" * 5000})
    refused(answer, "time_zone")
    assert (await api.get("/recipients/a@example.com")).status_code == 404


async def test_instants_at_the_edge_of_time_are_refused(api: httpx.AsyncClient) -> None:
    refused(await api.get("/deliveries", params={"since": EDGE_OF_TIME}), "query:since")
    created = await api.post("/endpoints", json={"url": "http://127.0.0.1:9/x"})
    replay = {"since": EDGE_OF_TIME, "until": "2026-01-01T00:00:00Z"}
    refused(await api.post(f"/endpoints/{created.json()['id']}/replay", json=replay), "since")


@pytest.mark.parametrize(
    "url", [f"http://{'a' * 64}.example.com/", "http://a..example.com/", f"http://x/{'a' * 2100}"]
)
async def test_a_url_no_resolver_or_client_could_use_is_refused(
    api: httpx.AsyncClient, url: str
) -> None:
    refused(await api.post("/endpoints", json={"url": url}), "url")
    assert (await api.get("/endpoints")).json()["items"] == []
