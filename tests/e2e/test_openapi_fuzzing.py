"""Schemathesis fuzzes each live service from its own OpenAPI document: no server error and no
response outside the schema."""

import pytest

from tests.e2e.openapi_fuzz import fuzz
from tests.running_system import EVERY_SERVICE, IDENTITY, System

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def system_services() -> tuple[str, ...]:
    return EVERY_SERVICE


@pytest.mark.parametrize("service", [*EVERY_SERVICE, IDENTITY])  # identity last: it may revoke keys
async def test_no_server_error_and_no_response_that_breaks_the_schema(
    system: System, service: str
) -> None:
    run = await fuzz(system, service)
    print(f"{service}: schemathesis took {run.seconds:.1f} s")
    assert run.returncode == 0, run.failures()
    assert " passed" in run.report
