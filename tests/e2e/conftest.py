"""The four services as separate processes on a fresh database and topics, and a receiver."""

from collections.abc import AsyncIterator

import pytest

from tests.conftest import fresh_database
from tests.infra import Infra
from tests.running_system import SERVICES, System, running_system
from tests.support.webhooks import Receiver, failing_first_attempt_of


@pytest.fixture(scope="module")
def system_env() -> dict[str, str]:
    """Extra environment for the four services; a test module overrides it to add settings."""
    return {}


@pytest.fixture(scope="module")
def system_services() -> tuple[str, ...]:
    """The services a module's system runs; a module overrides it to add insights."""
    return SERVICES


@pytest.fixture(scope="module")
async def system(
    infra: Infra,
    kafka_bootstrap: str,
    tmp_path_factory: pytest.TempPathFactory,
    system_env: dict[str, str],
    system_services: tuple[str, ...],
) -> AsyncIterator[System]:
    """Each test module gets its own system: database, topics, identity and four processes."""
    async with (
        fresh_database(infra) as database_url,
        running_system(
            database_url=database_url,
            kafka_bootstrap=kafka_bootstrap,
            logs=tmp_path_factory.mktemp("service-logs"),
            extra_env=system_env,
            services=system_services,
        ) as system,
    ):
        yield system
    assert system.exit_codes == {s: [0] for s in system.replicas}, (
        f"graceful SIGTERM exit codes: {system.exit_codes}"
    )


@pytest.fixture(scope="module")
async def receiver() -> AsyncIterator[Receiver]:
    """The webhook receiver the system's endpoints point at; the first attempt of each
    `ticket.assigned` delivery fails (503), so retries show."""
    async with Receiver(answer=failing_first_attempt_of({"ticket.assigned"})).serving() as hooks:
        yield hooks
