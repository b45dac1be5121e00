"""One and three replicas of routing, sla and notify over the same workload: the invariants hold.

Each parametrization gets its own database, 12-partition topics and processes (intake stays at
one replica). The workload is the chaos test's without the faults (tests/workload.py): urgent
tickets that all breach a 3-second first-response target, four agents, one webhook endpoint
that fails every ticket.assigned once, so retries are claimed by whichever notify replica
gets there first. With three replicas, every replica's consumer must have handled events.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import fresh_database
from tests.infra import Infra
from tests.processes import ServiceProcess
from tests.running_system import System, running_system
from tests.support.webhooks import Receiver, failing_first_attempt_of
from tests.workload import Invariants, check_invariants, configure, file_tickets

pytestmark = pytest.mark.e2e

SCALED = ("routing", "sla", "notify")
TICKETS = 60
PER_SECOND = 10.0


@dataclass(frozen=True)
class Outcome:
    system: System
    replicas: int
    accepted: dict[str, str]
    invariants: Invariants


@pytest.fixture(scope="module", params=[1, 3], ids=lambda n: f"{n}-replicas")
async def scaled_system(
    request: pytest.FixtureRequest,
    infra: Infra,
    kafka_bootstrap: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[System]:
    """Its own database, topics and processes for each replica count."""
    replicas: int = request.param
    async with (
        fresh_database(infra) as database_url,
        running_system(
            database_url=database_url,
            kafka_bootstrap=kafka_bootstrap,
            logs=tmp_path_factory.mktemp(f"replicas-{replicas}-logs"),
            partitions=12,
            replicas=dict.fromkeys(SCALED, replicas),
            # 60 first attempts failing on purpose must not open notify's circuit breaker.
            extra_env={"NOTIFY_CIRCUIT_FAILURE_THRESHOLD": "1000"},
        ) as system,
    ):
        yield system
    assert system.exit_codes == {
        s: [0] * len(processes) for s, processes in system.replicas.items()
    }, f"graceful SIGTERM exit codes: {system.exit_codes}"


@pytest.fixture(scope="module")
async def outcome(scaled_system: System) -> AsyncIterator[Outcome]:
    """The workload run once per system, and the invariants it left."""
    receiver = Receiver(answer=failing_first_attempt_of({"ticket.assigned"}))
    async with receiver.serving():
        await configure(system=scaled_system, receiver_url=receiver.url(), skill="replicas")
        accepted: dict[str, str] = {}
        await file_tickets(
            system=scaled_system,
            count=TICKETS,
            per_second=PER_SECOND,
            accepted=accepted,
            skill="replicas",
            open_loop=True,
        )
        invariants = await check_invariants(
            system=scaled_system,
            tickets=set(accepted.values()),
            receiver=receiver,
            settle_within=45,
            deliver_within=30,
            drain_within=15,
            interval=0.5,
        )
        yield Outcome(
            system=scaled_system,
            replicas=len(scaled_system.replicas["routing"]),
            accepted=accepted,
            invariants=invariants,
        )


async def test_every_ticket_is_assigned_and_breached_exactly_once(outcome: Outcome) -> None:
    found = outcome.invariants
    assert len(outcome.accepted) == TICKETS, "every ticket accepted"
    assert found.tickets == TICKETS
    assert found.created_once == TICKETS
    assert (found.assigned_once, found.breached_once) == (TICKETS, TICKETS), found.doubled


async def test_every_event_is_delivered_and_logged_once(outcome: Outcome) -> None:
    found = outcome.invariants
    # created, assigned, started, two warnings and breached for each ticket at least
    assert found.events_expected >= 6 * TICKETS
    assert found.delivered == found.events_expected, "a delivery of every event"
    assert found.delivery_log_recorded == found.events_expected, "every delivery recorded"
    assert found.delivery_log_once == found.events_expected, "once in the delivery log"


async def test_nothing_is_left_in_an_outbox(outcome: Outcome) -> None:
    assert outcome.invariants.outbox_left == 0


async def events_handled(process: ServiceProcess, http: httpx.AsyncClient) -> float:
    """Events this replica's consumer applied (outcome processed), from its /metrics."""
    text = (await http.get(f"{process.url}/metrics")).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        if family.name.removesuffix("_total") == "ticketflow_events_consumed"
        for sample in family.samples
        if sample.name.endswith("_total") and sample.labels.get("outcome") == "processed"
    )


async def test_every_replica_consumed_its_share(outcome: Outcome) -> None:
    """Tickets are keyed over 12 partitions, so each of 3 replicas owns 4 of a topic's: one
    left idle (never joined, or starved of partitions) has handled nothing."""
    assert all(len(outcome.system.replicas[s]) == outcome.replicas for s in SCALED)
    async with httpx.AsyncClient(timeout=10) as http:
        handled = {
            s: [await events_handled(p, http) for p in outcome.system.replicas[s]] for s in SCALED
        }
    idle = {s: counts for s, counts in handled.items() if not all(n > 0 for n in counts)}
    assert idle == {}, f"events handled per replica: {handled}"
    # Each service sees each ticket's events once in all, whichever replica handled them.
    assert all(sum(counts) >= TICKETS for counts in handled.values()), handled
