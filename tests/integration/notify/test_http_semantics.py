"""Notify's HTTP semantics: authentication before the body, 413, HEAD, JSON errors."""

from collections.abc import AsyncIterator

import pytest

from tests.integration.http_semantics import CHECKS, Check, Http, Target, http_for
from tests.integration.notify.conftest import NotifyHarness

pytestmark = pytest.mark.integration


@pytest.fixture
async def http(notify: NotifyHarness) -> AsyncIterator[Http]:
    token = notify.settings.api_token.get_secret_value()
    http = http_for(notify.spec, notify.runtime, token)
    async with http.client:
        yield http


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
async def test_shared_http_semantics(http: Http, check: Check) -> None:
    await check(http, Target(("POST", "/endpoints"), "/endpoints"))
    await check(http, Target(("POST", "/subscriptions"), "/subscriptions"))
