"""Intake's limits over HTTP, shared by replicas: per API key, and failed authentication per
client address; both reported in `RateLimit-Policy` / `RateLimit`."""

import asyncio
import uuid

import pytest

from tests.integration.intake.conftest import AppFactory, IntakeApi

pytestmark = pytest.mark.integration
# The replicas' limits read time from the harness's stopped clock, so the figures are exact.


def unique_address() -> str:
    """An address of the TEST-NET-2 range no other test uses: the limit's state is shared."""
    return f"198.51.100.{uuid.uuid4().int % 250 + 1}"


async def test_every_answer_reports_the_key_limit_and_replicas_share_it(
    make_api: AppFactory, api: IntakeApi
) -> None:
    """Each replica spends leases of the key's allowances (one, then two: half the burst), and
    the shared row charges every lease, so two replicas together admit the burst and no more."""
    key = await api.key("agent", f"agent-{uuid.uuid4().hex[:6]}")
    replicas = [await make_api(rate_limit_per_second=0.001, rate_limit_burst=4) for _ in range(2)]
    answers = []
    for i in range(8):
        async with replicas[i % 2].client(key) as http:
            answers.append(await http.get("/categories"))
    # A: lease 1; B: lease 1; A: lease 2 (the last two); B: refused; A: its lease's second.
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 200, 429, 429, 429]
    assert {a.headers["ratelimit-policy"] for a in answers} == {'"api-key";q=4;w=4000'}
    assert [a.headers["ratelimit"].split(";")[1] for a in answers] == [
        "r=3",
        "r=2",
        "r=1",
        "r=0",
        "r=0",
        "r=0",
        "r=0",
        "r=0",
    ]
    for refused in (answers[3], answers[-1]):
        assert refused.headers["content-type"] == "application/problem+json"
        assert int(refused.headers["retry-after"]) > 900


async def test_a_busy_replica_spends_a_lease_without_the_other_replica_exceeding_the_limit(
    make_api: AppFactory, api: IntakeApi
) -> None:
    key = await api.key("agent", f"agent-{uuid.uuid4().hex[:6]}")
    busy, other = [
        await make_api(rate_limit_per_second=0.001, rate_limit_burst=40) for _ in range(2)
    ]
    async with busy.client(key) as http:
        first = [await http.get("/categories") for _ in range(15)]
    async with other.client(key) as http:
        rest = [await http.get("/categories") for _ in range(40)]
    async with busy.client(key) as http:
        more = [await http.get("/categories") for _ in range(40)]
    admitted = [a for a in first + rest + more if a.status_code == 200]
    assert all(a.status_code == 200 for a in first)
    assert len(admitted) <= 40, "two replicas together never exceed the burst"
    assert len(admitted) >= 40 - 20, "at most one lease (half the burst) is held back"
    assert {a.status_code for a in first + rest + more} == {200, 429}


async def test_too_many_failed_authentications_from_an_address_answer_429_even_for_a_good_key(
    make_api: AppFactory, api: IntakeApi
) -> None:
    good = await api.key("agent", f"agent-{uuid.uuid4().hex[:6]}")
    replicas = [
        await make_api(auth_failure_limit=3, auth_failure_window_seconds=3600) for _ in range(2)
    ]
    attacker, neighbour = unique_address(), unique_address()
    while neighbour == attacker:
        neighbour = unique_address()
    failures = []
    for i, token in enumerate(["tfk_nope.nope", "not-even-a-key", good + "x", "tfk_a.b"]):
        async with replicas[i % 2].client(token, address=attacker) as http:
            failures.append(await http.get("/tickets"))
    async with replicas[0].client(good, address=attacker) as http:
        good_but_blocked = await http.get("/tickets")
    async with replicas[1].client(good, address=neighbour) as http:
        elsewhere = await http.get("/tickets")
    async with replicas[1].client(address=attacker) as http:
        anonymous = await http.get("/tickets")

    assert [f.status_code for f in failures] == [401, 401, 401, 429]
    assert [f.headers["ratelimit"] for f in failures[:3]] == [
        '"failed-auth";r=2;t=1200',
        '"failed-auth";r=1;t=2400',
        '"failed-auth";r=0;t=3600',
    ]
    assert good_but_blocked.status_code == 429, "a correct guess is not revealed either"
    for blocked in (failures[3], good_but_blocked):
        assert blocked.headers["ratelimit-policy"] == '"failed-auth";q=3;w=3600'
        assert blocked.headers["retry-after"] == "1200"
        assert "failed authentications" in blocked.json()["detail"]
    assert elsewhere.status_code == 200, "other addresses are not affected"
    assert anonymous.status_code == 401, "asking without credentials is not a failure"


async def test_concurrent_requests_on_one_replica_share_its_lease_without_refusals(
    make_api: AppFactory, api: IntakeApi
) -> None:
    key = await api.key("agent", f"agent-{uuid.uuid4().hex[:6]}")
    replica = await make_api(rate_limit_per_second=0.001, rate_limit_burst=100)
    async with replica.client(key) as http:
        answers = await asyncio.gather(*[http.get("/categories") for _ in range(60)])
        over = await asyncio.gather(*[http.get("/categories") for _ in range(60)])
    assert [a.status_code for a in answers] == [200] * 60
    assert sorted(a.status_code for a in over) == [200] * 40 + [429] * 20


async def test_a_block_set_on_another_replica_stops_an_admitted_key_within_the_lease_time(
    make_api: AppFactory, api: IntakeApi
) -> None:
    admitted = await api.key("agent", f"agent-{uuid.uuid4().hex[:6]}")
    never_admitted = await api.key("agent", f"agent-{uuid.uuid4().hex[:6]}")
    here, there = [
        await make_api(
            auth_failure_limit=2,
            auth_failure_window_seconds=3600,
            rate_limit_lease_seconds=2,
            rate_limit_per_second=100,
            rate_limit_burst=100,
        )
        for _ in range(2)
    ]
    address = unique_address()
    async with here.client(admitted, address=address) as http:
        before = [(await http.get("/categories")).status_code for _ in range(3)]
    for token in ("tfk_nope.nope", "tfk_a.b", "tfk_c.d"):
        async with there.client(token, address=address) as http:
            await http.get("/categories")
    async with here.client(never_admitted, address=address) as http:
        guess = await http.get("/categories")
    here.clock.advance(2.1)
    async with here.client(admitted, address=address) as http:
        after_lease = await http.get("/categories")

    assert before == [200, 200, 200]
    assert guess.status_code == 429, "a key not admitted from the address is checked at once"
    assert after_lease.status_code == 429
    assert "failed authentications" in after_lease.json()["detail"]
