"""The `ticketflow` command line against the four services and the real Kafka."""

import asyncio
import json
import stat
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer, ConsumerRecord

from tests.e2e.cli_running import (
    CliRun,
    cli_env,
    finish,
    run_cli,
    start_cli,
)
from tests.kafka_helpers import read_records
from tests.polling import eventually
from tests.running_system import System
from tests.support.webhooks import Receiver, always
from ticketflow_common.consumer import DeadLetter
from ticketflow_common.topics import ROUTING, TICKETS, dlq_topic

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def system_env() -> dict[str, str]:
    """Notify's circuit breaker out of the way: these tests make an endpoint fail on purpose
    and then replay to it at once."""
    return {"NOTIFY_CIRCUIT_FAILURE_THRESHOLD": "1000"}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the CLI runs: no `.local/` there, so only the test environment configures it."""
    return tmp_path_factory.mktemp("cli-workdir")


@pytest.fixture(scope="module")
async def flaky_receiver() -> AsyncIterator[Receiver]:
    """A webhook receiver that answers 503 until a test says otherwise."""
    async with Receiver(answer=always(503)).serving() as hooks:
        yield hooks


async def create_ticket(system: System, workdir: Path, *extra: str) -> str:
    run = await run_cli(system, "tickets", "create", *extra, "--quiet", cwd=workdir)
    assert run.code == 0, run.output
    ticket_id = run.stdout.strip()
    uuid.UUID(ticket_id)
    return ticket_id


async def cli_json(system: System, workdir: Path, *args: str) -> Any:
    run = await run_cli(system, *args, "--json", cwd=workdir)
    assert run.code == 0, run.output
    return json.loads(run.stdout)


async def test_create_list_and_show_tickets(system: System, workdir: Path) -> None:
    requester = f"cli-{uuid.uuid4().hex[:8]}"
    created = await run_cli(
        system,
        "tickets",
        "create",
        "--subject",
        "Printer on floor 3 jams",
        "--requester",
        requester,
        "--priority",
        "high",
        "--tag",
        "printer",
        "--skill",
        "hardware",
        cwd=workdir,
    )
    assert created.code == 0, created.output
    assert "created ticket" in created.stdout
    first = created.stdout.split()[2]
    others = [
        await create_ticket(system, workdir, "--subject", f"Toner {n}", "--requester", requester)
        for n in range(2)
    ]

    listed = await run_cli(system, "tickets", "list", "--requester", requester, cwd=workdir)
    assert listed.code == 0, listed.output
    assert first in listed.stdout
    assert "Printer on floor 3 jams" in listed.stdout
    assert all(t in listed.stdout for t in others)

    filtered = await cli_json(
        system, workdir, "tickets", "list", "--requester", requester, "--priority", "high"
    )
    assert [t["id"] for t in filtered["items"]] == [first]
    searched = await cli_json(system, workdir, "tickets", "list", "--search", "toner")
    assert {t["id"] for t in searched["items"]} == set(others)

    page = await cli_json(
        system, workdir, "tickets", "list", "--requester", requester, "--limit", "2"
    )
    assert len(page["items"]) == 2
    assert page["next_cursor"]
    rest = await cli_json(
        system,
        workdir,
        *("tickets", "list", "--requester", requester, "--limit", "2"),
        *("--cursor", page["next_cursor"]),
    )
    every = await cli_json(
        system, workdir, "tickets", "list", "--requester", requester, "--limit", "1", "--all"
    )
    paged = [t["id"] for t in page["items"] + rest["items"]]
    assert sorted(paged) == sorted([first, *others])
    assert [t["id"] for t in every["items"]] == paged

    async def timeline_shows_routing() -> CliRun | None:
        shown = await run_cli(system, "tickets", "show", first, cwd=workdir)
        assert shown.code == 0, shown.output
        return shown if "ticket.queued" in shown.stdout else None

    shown = await eventually(timeline_shows_routing, what="routing's event in the timeline")

    assert shown is not None
    assert "Printer on floor 3 jams" in shown.stdout
    assert "ticket.created" in shown.stdout
    assert requester in shown.stdout


async def test_follow_prints_a_new_tickets_events(system: System, workdir: Path) -> None:
    before = await create_ticket(system, workdir, "--subject", "Old news", "--requester", "u-9")
    published = await run_cli(
        system,
        *("follow", "--from-beginning", "--ticket", before, "--type", "ticket.created"),
        *("--max", "1", "--seconds", "30"),
        cwd=workdir,
    )
    assert before in published.stdout, "the older ticket's event is on the topic already"
    follower = await start_cli(
        system,
        *("follow", "--type", "ticket.created", "--max", "1", "--seconds", "60"),
        cwd=workdir,
    )
    assert follower.stderr is not None
    banner = await asyncio.wait_for(follower.stderr.readline(), timeout=30)
    assert b"following" in banner, banner
    ticket_id = await create_ticket(
        system, workdir, "--subject", "Mail bounces", "--requester", "u-9", "--priority", "urgent"
    )
    followed = await finish(system, follower, within=60)
    assert followed.code == 0, followed.output
    assert ticket_id in followed.stdout
    assert before not in followed.stdout, "follow starts at the end by default"
    assert "ticket.created" in followed.stdout
    assert "priority=urgent" in followed.stdout
    assert "'Mail bounces'" in followed.stdout

    history = await run_cli(
        system,
        *("follow", "--from-beginning", "--ticket", ticket_id, "--max", "3"),
        *("--seconds", "60", "--json"),
        cwd=workdir,
    )
    assert history.code == 0, history.output
    events = [json.loads(line) for line in history.stdout.splitlines()]
    assert len(events) == 3
    assert all(ticket_id in (e["subject"], e["data"].get("ticket_id")) for e in events)
    assert {e["topic"] for e in events} >= {TICKETS}
    assert "ticket.created" in {e["type"] for e in events}


async def test_follow_names_a_missing_topic(system: System, workdir: Path) -> None:
    run = await run_cli(system, "follow", "--topic", "nope.events.v9", "--max", "1", cwd=workdir)
    assert run.code == 4
    assert "no such topic" in run.stderr
    assert f"{system.names.prefix}nope.events.v9" in run.stderr


async def test_sla_and_routing_show_a_ticket(system: System, workdir: Path) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        agent = await http.post(
            f"{system.url('routing')}/agents",
            json={"name": "Katherine Johnson", "team": "network", "skills": ["vpn"], "capacity": 5},
            headers=system.auth("routing"),
        )
        assert agent.status_code == 201, agent.text
    ticket_id = await create_ticket(
        system, workdir, "--subject", "VPN down", "--requester", "u-3", "--skill", "vpn"
    )

    async def clocks() -> CliRun | None:
        run = await run_cli(system, "sla", "show", ticket_id, cwd=workdir)
        return run if run.code == 0 else None

    sla = await eventually(clocks, what="the ticket's SLA clocks")

    assert sla is not None
    assert "first_response" in sla.stdout
    assert "running" in sla.stdout
    listed = await cli_json(system, workdir, "sla", "show", ticket_id)
    assert {c["ticket_id"] for c in listed} == {ticket_id}

    async def routed() -> CliRun | None:
        run = await run_cli(system, "routing", "show", ticket_id, cwd=workdir)
        return run if run.code == 0 and "assigned" in run.stdout else None

    routing = await eventually(routed, what="the routing decision")

    assert routing is not None
    assert agent.json()["id"] in routing.stdout
    assert "Katherine Johnson" in routing.stdout
    decision = await cli_json(system, workdir, "routing", "show", ticket_id)
    assert decision["owner"]["agent_id"] == agent.json()["id"]


async def test_errors_are_clear_and_exit_non_zero(system: System, workdir: Path) -> None:
    unknown = str(uuid.uuid4())
    missing = await run_cli(system, "tickets", "show", unknown, cwd=workdir)
    assert missing.code == 4
    assert missing.stderr.startswith("error: intake: not found")

    wrong_key = "tfid_0000000000000000.definitely-not-the-secret-0123456789"
    refused_key = await run_cli(
        system,
        *("tickets", "list"),
        cwd=workdir,
        env=cli_env(system, TICKETFLOW_API_KEY=wrong_key),
    )
    assert refused_key.code == 5, refused_key.output
    assert "identity refused the key in TICKETFLOW_API_KEY" in refused_key.stderr
    assert "definitely-not-the-secret" not in refused_key.output

    no_identity = await run_cli(
        system,
        *("tickets", "list"),
        cwd=workdir,
        env=cli_env(system, TICKETFLOW_IDENTITY_URL="http://127.0.0.1:9"),
    )
    assert no_identity.code == 3, no_identity.output
    assert "identity is not reachable at http://127.0.0.1:9" in no_identity.stderr
    assert "TICKETFLOW_IDENTITY_URL" in no_identity.stderr

    # Without a key the CLI falls back to the service's own token, and names it when refused.
    wrong_token = "definitely-not-the-token-0123456789"
    refused = await run_cli(
        system,
        *("tickets", "list"),
        cwd=workdir,
        env=cli_env(system, TICKETFLOW_API_KEY="", INTAKE_API_TOKEN=wrong_token),
    )
    assert refused.code == 5
    assert "INTAKE_API_TOKEN" in refused.stderr
    assert wrong_token not in refused.output

    unset = await run_cli(
        system,
        *("sla", "show", unknown),
        cwd=workdir,
        env=cli_env(system, TICKETFLOW_API_KEY="", SLA_API_TOKEN=""),
    )
    assert unset.code == 2
    assert "neither TICKETFLOW_API_KEY nor SLA_API_TOKEN is set" in unset.stderr

    down = await run_cli(
        system,
        *("routing", "show", unknown),
        cwd=workdir,
        env=cli_env(system, TICKETFLOW_ROUTING_URL="http://127.0.0.1:9"),
    )
    assert down.code == 3
    assert "routing is not reachable at http://127.0.0.1:9" in down.stderr

    invalid = await run_cli(
        system,
        "tickets",
        "create",
        "--subject",
        "x",
        "--requester",
        "u",
        "--priority",
        "asap",
        cwd=workdir,
    )
    assert invalid.code == 1
    assert "priority" in invalid.stderr
    assert "Traceback" not in invalid.output


async def park(
    producer: AIOKafkaProducer,
    system: System,
    *,
    dlq: str,
    value: bytes,
    headers: list[tuple[str, bytes]],
    key: bytes,
) -> tuple[int, int]:
    sent = await producer.send_and_wait(
        system.names.physical(dlq), value=value, key=key, headers=headers, partition=1
    )
    return sent.partition, sent.offset


def poison_event(event_type: str, subject: str) -> bytes:
    """A CloudEvent whose data no consumer can read: what ends up in a DLQ."""
    return json.dumps(
        {
            "specversion": "1.0",
            "id": str(uuid.uuid4()),
            "source": "/tests/cli",
            "type": event_type,
            "time": datetime.now(UTC).isoformat(),
            "subject": subject,
            "datacontenttype": "application/json",
            "data": {"ticket_id": "not-a-uuid"},
        }
    ).encode()


@pytest.fixture
async def producer(system: System) -> Any:
    started = AIOKafkaProducer(bootstrap_servers=system.kafka_bootstrap)
    await started.start()
    yield started
    await started.stop()


def replayed_copy(
    records: list[ConsumerRecord[bytes, bytes]], *, value: bytes, origin: str
) -> ConsumerRecord[bytes, bytes] | None:
    """The record carrying `value` that the CLI replayed from `origin` (topic/partition/offset)."""
    return next(
        (
            r
            for r in records
            if r.value == value
            and dict(r.headers).get("ticketflow-replayed-from") == origin.encode()
        ),
        None,
    )


async def test_dlq_list_and_replay_one_message(
    system: System, workdir: Path, producer: AIOKafkaProducer
) -> None:
    dlq = dlq_topic(TICKETS, "routing")
    subject = str(uuid.uuid4())
    value = poison_event("ticket.commented", subject)
    letter = DeadLetter(
        topic=TICKETS,
        partition=2,
        offset=41,
        consumer="routing",
        error_type="ValidationError",
        error="1 validation error for TicketCommented: ticket_id",
        attempts=3,
    )
    traceparent = ("traceparent", b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
    partition, offset = await park(
        producer,
        system,
        dlq=dlq,
        value=value,
        headers=letter.headers([traceparent]),
        key=subject.encode(),
    )

    listed = await run_cli(system, "dlq", "list", "--topic", dlq, cwd=workdir)
    assert listed.code == 0, listed.output
    assert f"{dlq} {partition}/{offset}" in listed.stdout
    for shown in (
        "ticket.commented",
        subject,
        "dlq-error-type",
        "ValidationError",
        "dlq-attempts",
        "dlq-original-offset",
        "dlq-consumer",
    ):
        assert shown in listed.stdout, shown
    everything = await cli_json(system, workdir, "dlq", "list")
    mine = [d for d in everything if d["subject"] == subject]
    assert len(mine) == 1
    assert mine[0]["headers"]["dlq-original-partition"] == "2"

    replay = await run_cli(system, "dlq", "replay", dlq, str(partition), str(offset), cwd=workdir)
    assert replay.code == 0, replay.output
    assert f"replayed {dlq} {partition}/{offset} -> {TICKETS} 2/" in replay.stdout

    async def arrived() -> ConsumerRecord[bytes, bytes] | None:
        records = await read_records(
            bootstrap=system.kafka_bootstrap,
            topic=system.names.physical(TICKETS),
            count=10_000,
            within=1,
        )
        return replayed_copy(records, value=value, origin=f"{dlq}/{partition}/{offset}")

    copy = await eventually(arrived, what="the replayed message on its original topic")

    assert copy is not None
    assert copy.partition == 2
    assert copy.key == subject.encode()
    header_names = [k for k, _ in copy.headers]
    assert "traceparent" in header_names
    assert not [k for k in header_names if k.startswith("dlq-")]

    beyond = await run_cli(system, "dlq", "replay", dlq, str(partition), "999999", cwd=workdir)
    assert beyond.code == 4
    not_a_dlq = await run_cli(system, "dlq", "replay", TICKETS, "0", "0", cwd=workdir)
    assert not_a_dlq.code == 2


async def test_dlq_replay_all_skips_failed_deliveries(
    system: System, workdir: Path, producer: AIOKafkaProducer
) -> None:
    dlq = dlq_topic(ROUTING, "notify")
    consumer_value = poison_event("ticket.assigned", str(uuid.uuid4()))
    consumer_letter = DeadLetter(
        topic=ROUTING,
        partition=0,
        offset=7,
        consumer="notify",
        error_type="ValidationError",
        error="bad data",
        attempts=3,
    )
    await park(
        producer,
        system,
        dlq=dlq,
        value=consumer_value,
        headers=consumer_letter.headers([]),
        key=b"k-1",
    )
    delivery_id = str(uuid.uuid4())
    delivery_headers = [
        ("dlq-original-topic", ROUTING.encode()),
        ("dlq-error-type", b"DeliveryExhausted"),
        ("dlq-delivery-id", delivery_id.encode()),
        ("dlq-target", b"endpoint:x"),
    ]
    at = await park(
        producer,
        system,
        dlq=dlq,
        value=poison_event("ticket.assigned", "t-2"),
        headers=delivery_headers,
        key=b"k-2",
    )

    everything = await run_cli(system, "dlq", "replay", dlq, "--all", cwd=workdir)
    assert everything.code == 0, everything.output
    assert everything.stdout.count("replayed ") == 1
    assert f"ticketflow deliveries replay {delivery_id}" in everything.stderr
    assert "1 replayed, 1 skipped" in everything.stderr

    one = await run_cli(system, "dlq", "replay", dlq, str(at[0]), str(at[1]), cwd=workdir)
    assert one.code == 1
    assert f"ticketflow deliveries replay {delivery_id}" in one.stderr
    neither = await run_cli(system, "dlq", "replay", dlq, cwd=workdir)
    assert neither.code == 2


async def test_failed_deliveries_are_listed_and_replayed(
    system: System, workdir: Path, flaky_receiver: Receiver
) -> None:
    started = datetime.now(UTC) - timedelta(seconds=1)
    async with httpx.AsyncClient(timeout=10) as http:
        endpoint = await http.post(
            f"{system.url('notify')}/endpoints",
            json={"url": flaky_receiver.url(), "event_types": ["ticket.created"]},
            headers=system.auth("notify"),
        )
        assert endpoint.status_code == 201, endpoint.text
    endpoint_id = endpoint.json()["id"]
    ticket_id = await create_ticket(system, workdir, "--subject", "Webhook", "--requester", "u-5")

    async def failed() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = await cli_json(
            system, workdir, "deliveries", "list", "--status", "failed", "--ticket", ticket_id
        )
        return found

    [delivery] = await eventually(failed, what="the delivery to fail")
    assert delivery["endpoint_id"] == endpoint_id
    table = await run_cli(system, "deliveries", "list", "--status", "failed", cwd=workdir)
    assert delivery["id"] in table.stdout
    assert "failed" in table.stdout
    detail = await run_cli(system, "deliveries", "show", delivery["id"], cwd=workdir)
    assert detail.code == 0, detail.output
    assert "503" in detail.stdout

    async def dead_lettered() -> list[dict[str, Any]]:
        parked: list[dict[str, Any]] = await cli_json(
            system, workdir, "dlq", "list", "--topic", "tickets"
        )
        return [d for d in parked if d["headers"].get("dlq-delivery-id") == delivery["id"]]

    [parked] = await eventually(dead_lettered, what="notify's dead letter of the delivery")
    assert parked["dlq_topic"] == dlq_topic(TICKETS, "notify")

    flaky_receiver.answer = always(204)
    replayed = await run_cli(system, "deliveries", "replay", delivery["id"], cwd=workdir)
    assert replayed.code == 0, replayed.output

    async def delivered() -> bool:
        found = await cli_json(system, workdir, "deliveries", "list", "--ticket", ticket_id)
        return [d["status"] for d in found] == ["delivered"]

    await eventually(delivered, what="the replayed delivery to arrive")
    assert (delivery["id"], 204) in flaky_receiver.answered()

    flaky_receiver.answer = always(503)
    second = await create_ticket(system, workdir, "--subject", "Webhook 2", "--requester", "u-5")

    async def second_failed() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = await cli_json(
            system, workdir, "deliveries", "list", "--status", "failed", "--ticket", second
        )
        return found

    [again] = await eventually(second_failed, what="the second delivery to fail")
    flaky_receiver.answer = always(204)
    until = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    by_range = await run_cli(
        system,
        *("deliveries", "replay", "--endpoint", endpoint_id),
        *("--since", started.isoformat(), "--until", until),
        cwd=workdir,
    )
    assert by_range.code == 0, by_range.output
    assert f"1 failed deliveries of endpoint {endpoint_id} queued again" in by_range.stdout

    async def range_replay_arrived() -> bool:
        return (again["id"], 204) in flaky_receiver.answered()

    await eventually(range_replay_arrived, what="the range replay to arrive")
    unknown = await run_cli(system, "deliveries", "replay", str(uuid.uuid4()), cwd=workdir)
    assert unknown.code == 4


async def test_demo_seed(system: System, workdir: Path, flaky_receiver: Receiver) -> None:
    secret = workdir / "demo-secret"
    seeded = await run_cli(
        system,
        *("demo", "seed", "--receiver-url", flaky_receiver.url(), "--secret-file", str(secret)),
        cwd=workdir,
        within=120,
    )
    assert seeded.code == 0, seeded.output
    assert "VPN drops every 10 minutes" in seeded.stdout
    assert secret.read_text()
    demo = await cli_json(system, workdir, "tickets", "list", "--requester", "demo-user-0")
    assert [t["subject"] for t in demo["items"]] == ["VPN drops every 10 minutes"]


async def test_one_key_for_every_service_and_its_token_cached_privately(
    system: System, workdir: Path
) -> None:
    """The admin's identity key alone (no service token) works on intake, sla and routing; the
    access token it was exchanged for is kept in a 0600 file, never the key."""
    cache = workdir / "token-cache"
    env = cli_env(system, TICKETFLOW_TOKEN_CACHE_DIR=str(cache))
    assert not any(k.endswith("_API_TOKEN") for k in env)
    created = await run_cli(
        system,
        *("tickets", "create", "--subject", "one key", "--requester", "u-key", "--quiet"),
        cwd=workdir,
        env=env,
    )
    assert created.code == 0, created.output
    ticket_id = created.stdout.strip()
    for args in (("sla", "show", ticket_id), ("routing", "show", ticket_id)):
        shown = await run_cli(system, *args, cwd=workdir, env=env)
        assert shown.code in (0, 4), shown.output  # 4: not projected yet; the key was taken
    [cached] = cache.iterdir()
    assert stat.S_IMODE(cached.stat().st_mode) == 0o600
    assert system.api_key.partition(".")[2] not in cached.read_text()
