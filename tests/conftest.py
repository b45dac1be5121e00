"""Session-wide fixtures: real infrastructure, a fresh database, isolated topic names."""

import contextlib
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from tests.infra import Infra, resolve_infra
from tests.polling import eventually
from tests.prometheus_tools import PrometheusBinaries, install_prometheus


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    cleanups: list[Callable[[], None]] = []
    yield resolve_infra(cleanups.append)
    for cleanup in reversed(cleanups):
        cleanup()


@pytest.fixture(scope="session")
def prometheus_binaries() -> PrometheusBinaries:
    """Debian's prometheus and promtool, installed by infra/local/prometheus.sh when missing."""
    return install_prometheus()


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


@contextlib.asynccontextmanager
async def fresh_database(infra: Infra) -> AsyncIterator[str]:
    """A database of its own for the duration of the block, dropped afterwards."""
    name = f"tf_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(infra.database_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield with_database(infra.database_url, name)
    finally:
        await drop_database(infra.database_url, name)


async def drop_database(admin_url: str, name: str) -> None:
    """Drop it, ending our sessions; an autovacuum worker busy in it (which a non-superuser
    may not end) is waited for, with a deadline."""

    async def dropped() -> bool:
        admin = await asyncpg.connect(admin_url)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except (asyncpg.InsufficientPrivilegeError, asyncpg.ObjectInUseError):
            return False
        finally:
            await admin.close()
        return True

    await eventually(dropped, what=f"database {name} to be dropped", within=30, interval=0.5)


@pytest.fixture(scope="session")
async def database_url(infra: Infra) -> AsyncIterator[str]:
    """A database created for this test session and dropped after it."""
    async with fresh_database(infra) as url:
        yield url


@pytest.fixture(scope="session")
def kafka_bootstrap(infra: Infra) -> str:
    return infra.kafka_bootstrap_servers


def unique_prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}."
