"""A ticket posted over HTTP is assigned, its SLA runs and breaches, and webhooks arrive signed."""

import json
import secrets
import time
import uuid
from typing import Any

import httpx
import jwt
import pytest
from standardwebhooks.webhooks import Webhook

from tests.contract_check import contract_violations
from tests.kafka_helpers import read_records, total_end_offset
from tests.polling import eventually
from tests.running_system import System
from tests.support.pages import every_item
from tests.support.webhooks import Receiver
from ticketflow_common.topics import ALL_TOPICS
from ticketflow_notify.domain.signing import verify

pytestmark = pytest.mark.e2e

# The urgent policy below keeps the default warnings (50% and 75% of its 2-second target).
EXPECTED_TYPES = {
    "ticket.created",
    "ticket.assigned",
    "sla.started",
    "sla.warning",
    "sla.breached",
}


async def test_ticket_is_assigned_timed_and_delivered_in_the_clients_trace(
    system: System, receiver: Receiver
) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        policy = await http.put(
            f"{system.url('sla')}/policies/urgent",
            json={"position": 10, "priority": "urgent", "first_response_seconds": 2},
            headers=system.auth("sla"),
        )
        assert policy.status_code == 200, policy.text
        agent = await http.post(
            f"{system.url('routing')}/agents",
            json={"name": "Grace", "team": "network", "skills": ["network", "vpn"], "capacity": 2},
            headers=system.auth("routing"),
        )
        assert agent.status_code == 201, agent.text
        endpoint = await http.post(
            f"{system.url('notify')}/endpoints",
            json={"url": receiver.url(), "description": "e2e receiver"},
            headers=system.auth("notify"),
        )
        assert endpoint.status_code == 201, endpoint.text
        secret = endpoint.json()["secret"]

        trace_id = secrets.token_hex(16)
        created = await http.post(
            f"{system.url('intake')}/tickets",
            json={
                "subject": "VPN drops every 10 minutes",
                "requester": {"id": "u-1042", "email": "ada@example.com"},
                "priority": "urgent",
                "required_skills": ["vpn"],
            },
            headers={
                **system.auth("intake"),
                "traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01",
            },
        )
        assert created.status_code == 201, created.text
        ticket_id = created.json()["id"]
        assert created.headers["location"] == f"/tickets/{ticket_id}"

        async def owner() -> dict[str, str] | None:
            got = await http.get(
                f"{system.url('intake')}/tickets/{ticket_id}", headers=system.auth("intake")
            )
            owner: dict[str, str] | None = got.json()["owner"]
            return owner

        assigned_to = await eventually(owner, what="intake to show the owner")
        assert assigned_to is not None
        assert assigned_to["agent_id"] == agent.json()["id"]

        async def breached_clock() -> list[dict[str, object]]:
            got = await http.get(
                f"{system.url('sla')}/tickets/{ticket_id}/sla", headers=system.auth("sla")
            )
            if got.status_code == 404:  # sla has not heard of the ticket yet
                return []
            assert got.status_code == 200, got.text
            return [c for c in got.json()["items"] if c["state"] == "breached"]

        clocks = await eventually(breached_clock, what="the first-response clock to breach")
        assert clocks[0]["policy"] == "urgent"

        def delivered_types() -> set[str]:
            return {
                json.loads(r.body)["type"]
                for r in receiver.received
                if r.answered == 204 and json.loads(r.body)["subject"] == ticket_id
            }

        async def all_delivered() -> bool:
            return delivered_types() >= EXPECTED_TYPES

        await eventually(all_delivered, what=f"deliveries of {sorted(EXPECTED_TYPES)}")

        async def recorded() -> dict[str, dict[str, Any]]:
            """The receiver answers before notify records the outcome: wait for the record."""
            log = await http.get(
                f"{system.url('notify')}/deliveries",
                params={"subject": ticket_id},
                headers=system.auth("notify"),
            )
            found = {d["event_type"]: d for d in log.json()["items"]}
            done = set(found) >= EXPECTED_TYPES and all(
                d["status"] == "delivered" for d in found.values()
            )
            return found if done else {}

        deliveries = await eventually(recorded, what="notify to record every delivery")

        async def timeline_sources() -> set[str]:
            got = await every_item(
                http,
                f"{system.url('intake')}/tickets/{ticket_id}/timeline",
                headers=system.auth("intake"),
            )
            sources = {entry["source"] for entry in got}
            return sources if len(sources) == 4 else set()

        sources = await eventually(timeline_sources, what="events of all four services")
        timeline = await every_item(
            http,
            f"{system.url('intake')}/tickets/{ticket_id}/timeline",
            headers=system.auth("intake"),
        )

    ours = [r for r in receiver.received if json.loads(r.body)["subject"] == ticket_id]
    now = int(time.time())
    for request in ours:
        assert verify(
            secret=secret,
            header=request.headers["ticketflow-signature"],
            body=request.body,
            now=now,
        ), f"bad signature on {request.headers['ticketflow-event-type']}"
        assert Webhook(secret).verify(request.body, request.headers) == json.loads(request.body)
        assert request.headers["webhook-id"] == request.delivery_id

    # What the request set off at once is in the client's trace; what happens later (a timer's
    # warning and breach, a retry) starts a trace of its own linked to its cause
    # (tests/e2e/test_traces.py follows the link), so the client's trace ends with its work.
    attempts: dict[str, list[bool]] = {}
    for request in ours:
        in_trace = request.headers["traceparent"].split("-")[1] == trace_id
        attempts.setdefault(request.headers["ticketflow-event-type"], []).append(in_trace)
    assert attempts.pop("ticket.assigned") == [True, False], "the retry is linked, not parented"
    assert {kind: set(flags) for kind, flags in attempts.items()} == {
        "ticket.created": {True},
        "sla.started": {True},
        "sla.warning": {False},
        "sla.breached": {False},
    }

    successes = [r for r in ours if r.answered == 204]
    event_ids = [json.loads(r.body)["id"] for r in successes]
    assert len(event_ids) == len(set(event_ids)), "no event delivered twice"
    assert {json.loads(r.body)["type"] for r in successes} == EXPECTED_TYPES

    retried = [r for r in ours if r.headers["ticketflow-event-type"] == "ticket.assigned"]
    assert [r.answered for r in retried] == [503, 204], "a failed delivery is retried"
    assert len({r.headers["ticketflow-delivery-id"] for r in retried}) == 1
    assert deliveries["ticket.assigned"]["attempts"] == 2
    assert all(d["status"] == "delivered" for d in deliveries.values())
    assert uuid.UUID(deliveries["sla.breached"]["event_id"])

    assert sources == {f"/ticketflow/{s}" for s in ("intake", "routing", "sla", "notify")}
    types = [entry["type"] for entry in timeline]
    assert types[0] == "ticket.created"
    assert types.index("ticket.assigned") < types.index("sla.breached")
    assert "notification.sent" in types
    times = [entry["time"] for entry in timeline]
    assert times == sorted(times), "the timeline is in the order things happened"


async def test_api_refuses_missing_credentials_and_bad_input(system: System) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        for service in ("intake", "routing", "sla", "notify"):
            assert (await http.get(f"{system.url(service)}/healthz")).status_code == 200
            assert (await http.get(f"{system.url(service)}/metrics")).status_code == 200
        anonymous = await http.post(f"{system.url('intake')}/tickets", json={})
        assert anonymous.status_code == 401
        wrong = await http.get(
            f"{system.url('notify')}/endpoints", headers={"Authorization": "Bearer nope"}
        )
        assert wrong.status_code == 401

        bad = await http.post(
            f"{system.url('intake')}/tickets",
            json={"subject": "", "requester": {"id": "u"}, "priority": "meh"},
            headers=system.auth("intake"),
        )
        assert bad.status_code == 422
        assert bad.headers["content-type"] == "application/problem+json"
        fields = {e["field"] for e in bad.json()["errors"]}
        assert fields == {"subject", "priority"}
        metrics = (await http.get(f"{system.url('intake')}/metrics")).text
        assert (
            'ticketflow_http_requests_total{method="POST",route="/tickets",service="intake",status="422"}'
            in metrics
        )


async def test_every_event_on_the_bus_meets_its_published_contract(system: System) -> None:
    """Every event the four services produced in this module, this test's ticket included."""
    async with httpx.AsyncClient(timeout=10) as http:
        await http.post(
            f"{system.url('routing')}/agents",
            json={"name": "Linus", "team": "kernel", "skills": ["contracts"], "capacity": 1},
            headers=system.auth("routing"),
        )
        filed = await http.post(
            f"{system.url('intake')}/tickets",
            json={"subject": "check", "requester": {"id": "u-3"}, "required_skills": ["contracts"]},
            headers=system.auth("intake"),
        )

        async def owned() -> bool:
            got = await http.get(
                f"{system.url('intake')}/tickets/{filed.json()['id']}",
                headers=system.auth("intake"),
            )
            return got.json()["owner"] is not None

        await eventually(owned, what="the contract test's ticket to be assigned")
    checked = 0
    for topic in ALL_TOPICS:
        physical = system.names.physical(topic)
        count = await total_end_offset(bootstrap=system.kafka_bootstrap, topic=physical)
        records = await read_records(bootstrap=system.kafka_bootstrap, topic=physical, count=count)
        assert len(records) == count
        for record in records:
            assert contract_violations(topic, record.value or b"") == []
            assert record.key is not None
            assert dict(record.headers).get("traceparent"), "every event carries its trace"
        checked += count
    assert checked >= 3


async def test_one_access_token_is_the_credential_for_every_service(system: System) -> None:
    """Identity's EdDSA access token, verified by each service against the published key set."""
    assert system.identity_url is not None
    token = system.token()
    header = jwt.get_unverified_header(token)
    assert (header["alg"], header["typ"]) == ("EdDSA", "at+jwt")
    async with httpx.AsyncClient(timeout=10) as http:
        keys = await http.get(f"{system.identity_url}/.well-known/jwks.json")  # open
        assert keys.status_code == 200, keys.text
        assert header["kid"] in {key["kid"] for key in keys.json()["keys"]}
        claims = jwt.decode(
            token,
            jwt.PyJWKSet.from_dict(keys.json())[header["kid"]].key,
            algorithms=["EdDSA"],
            audience="ticketflow",
            issuer=system.identity_url,
        )
        assert claims["role"] == "admin"
        for service, path in (
            ("intake", "/tickets"),
            ("routing", "/agents"),
            ("sla", "/policies"),
            ("notify", "/endpoints"),
        ):
            got = await http.get(f"{system.url(service)}{path}", headers=system.auth(service))
            assert got.status_code == 200, f"{service}: {got.status_code} {got.text}"


async def test_service_tokens_only_set_identity_up(system: System) -> None:
    """With identity on, a service's own token is a bootstrap credential: ordinary calls are
    refused (contracts/authorization.toml gives the bootstrap role nothing but setting identity
    up), while the same call with an access token passes (above)."""
    async with httpx.AsyncClient(timeout=10) as http:
        for service, path in (
            ("intake", "/tickets"),
            ("routing", "/agents"),
            ("sla", "/policies"),
            ("notify", "/endpoints"),
        ):
            refused = await http.get(
                f"{system.url(service)}{path}", headers=system.service_auth(service)
            )
            assert refused.status_code == 403, f"{service}: {refused.status_code} {refused.text}"
