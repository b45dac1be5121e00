"""Without a span processor a request still runs in its caller's trace, or in a new one."""

from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF
from starlette.types import Receive, Scope, Send

from ticketflow_common.trace_context import TraceContext
from ticketflow_common.tracing import current_trace_carrier

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


async def carrier_seen(path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    seen: dict[str, str] = {}

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.update(current_trace_carrier())

    traced = TraceContext(
        app,
        excluded_paths={"/healthz"},
        tracer_provider=TracerProvider(sampler=ALWAYS_OFF),
    )
    scope: dict[str, Any] = {"type": "http", "method": "POST", "path": path, "headers": headers}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: Any) -> None:
        return None

    await traced(scope, receive, send)
    return seen


@pytest.mark.asyncio
async def test_the_callers_trace_continues_in_a_span_of_its_own() -> None:
    seen = await carrier_seen("/tickets", [(b"traceparent", PARENT.encode())])
    version, trace_id, span_id, _ = seen["traceparent"].split("-")
    assert (version, trace_id) == ("00", TRACE_ID)
    assert span_id != "00f067aa0ba902b7"


@pytest.mark.asyncio
async def test_a_request_without_traceparent_starts_a_trace() -> None:
    seen = await carrier_seen("/tickets", [])
    trace_id = seen["traceparent"].split("-")[1]
    assert len(trace_id) == 32
    assert trace_id != "0" * 32


@pytest.mark.asyncio
async def test_probes_run_outside_any_trace() -> None:
    assert await carrier_seen("/healthz", [(b"traceparent", PARENT.encode())]) == {}
