"""Notify's HTTP semantics: authentication before the body, 413, HEAD, JSON errors."""

from collections.abc import AsyncIterator

import asyncpg
import pytest

from tests.integration.http_semantics import CHECKS, Check, Http, Target, http_for
from tests.integration.notify.conftest import FakeClock, notify_runtime, notify_settings
from ticketflow_notify.api.deps import get_clock
from ticketflow_notify.main import build_spec

pytestmark = pytest.mark.integration


@pytest.fixture
async def http(notify_pool: asyncpg.Pool) -> AsyncIterator[Http]:
    settings = notify_settings()
    runtime = notify_runtime(notify_pool, settings)
    http = http_for(build_spec(settings), runtime, settings.api_token.get_secret_value())
    http.app.dependency_overrides[get_clock] = FakeClock
    async with http.client:
        yield http


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
async def test_shared_http_semantics(http: Http, check: Check) -> None:
    await check(http, Target(("POST", "/endpoints"), "/endpoints"))
    await check(http, Target(("POST", "/subscriptions"), "/subscriptions"))
