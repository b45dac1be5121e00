"""OpenTelemetry setup, and the W3C `traceparent` carried in Kafka headers and outbox rows."""

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import SERVICE_NAME, OTELResourceDetector, Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_OFF,
    ALWAYS_ON,
    Decision,
    ParentBased,
    Sampler,
    SamplingResult,
)
from opentelemetry.semconv.attributes.url_attributes import URL_FULL
from opentelemetry.trace import Link, SpanKind
from opentelemetry.trace.span import TraceState
from opentelemetry.util.types import Attributes

from ticketflow_common.url_redaction import redact_urls

if TYPE_CHECKING:
    from opentelemetry.instrumentation.httpx import RequestInfo

KafkaHeaders = Sequence[tuple[str, bytes]]
_HTTP_URL = "http.url"
"""The pre-stable name of `url.full`, which the httpx instrumentation still writes by default."""
_DB_SYSTEMS = ("db.system", "db.system.name")
_recording = False


class QueriesInTracesOnly(Sampler):
    """A root sampler: a database query outside any trace (a poll loop looking for work, twice
    a second per worker) is not a trace of its own; everything else is sampled."""

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: TraceState | None = None,
    ) -> SamplingResult:
        query = kind is SpanKind.CLIENT and any(k in (attributes or {}) for k in _DB_SYSTEMS)
        if query and not links:
            return SamplingResult(Decision.DROP)
        return ALWAYS_ON.should_sample(
            parent_context, trace_id, name, kind, attributes, links, trace_state
        )

    def get_description(self) -> str:
        return "QueriesInTracesOnly"


def default_sampler() -> Sampler | None:
    """Ours unless `OTEL_TRACES_SAMPLER` names one (None lets the SDK read it)."""
    if os.environ.get("OTEL_TRACES_SAMPLER"):
        return None
    return ParentBased(root=QueriesInTracesOnly())


def service_resource(default_name: str) -> Resource:
    """The service's resource: `OTEL_SERVICE_NAME` (or `OTEL_RESOURCE_ATTRIBUTES`) wins over the
    name the service gives itself."""
    return Resource.create({SERVICE_NAME: default_name}).merge(OTELResourceDetector().detect())


def setup_tracing(
    service_name: str, *, extra_processors: Iterable[SpanProcessor] = ()
) -> TracerProvider:
    """Install the global tracer provider (export over OTLP when its endpoint is configured) and
    trace every httpx call and asyncpg query.

    With nowhere to send spans (no endpoint, no processor) nothing is recorded and the clients
    are not instrumented: a recorded query span costs about twice the query's own CPU, and the
    trace context still travels (`traceparent` on every event and webhook)."""
    processors = list(extra_processors)
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        processors.append(BatchSpanProcessor(OTLPSpanExporter()))
    sampler = default_sampler() if processors else ALWAYS_OFF
    provider = TracerProvider(resource=service_resource(service_name), sampler=sampler)
    for processor in processors:
        provider.add_span_processor(processor)
    trace.set_tracer_provider(provider)
    global _recording
    _recording = bool(processors)
    if processors:
        instrument_clients()
    return provider


def spans_recorded() -> bool:
    """Whether `setup_tracing` found somewhere to send spans: only then are requests worth the
    HTTP instrumentation's per-request attributes (`ticketflow_common.web`)."""
    return _recording


def instrument_clients() -> None:
    """httpx, aiohttp and asyncpg spans; query parameters are never recorded (asyncpg's
    default), URLs lose their credentials and query values (`url_redaction`). Imported here,
    not at the top: a process that records no spans never loads the instrumentations (nor
    aiohttp, which only notify's dispatcher uses)."""
    from opentelemetry.instrumentation.aiohttp_client import AioHttpClientInstrumentor
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    httpx_instrumentor = HTTPXClientInstrumentor()
    if not httpx_instrumentor.is_instrumented_by_opentelemetry:
        httpx_instrumentor.instrument(
            request_hook=_redact_request_url, async_request_hook=_redact_request_url_async
        )
    aiohttp_instrumentor = AioHttpClientInstrumentor()
    if not aiohttp_instrumentor.is_instrumented_by_opentelemetry:
        aiohttp_instrumentor.instrument(url_filter=_redacted_url)
    asyncpg_instrumentor = AsyncPGInstrumentor(capture_parameters=False)  # type: ignore[no-untyped-call]
    if not asyncpg_instrumentor.is_instrumented_by_opentelemetry:
        asyncpg_instrumentor.instrument()


def _redacted_url(url: object) -> str:
    return redact_urls(str(url))


def _redact_request_url(span: trace.Span, request: "RequestInfo") -> None:
    """The instrumentation masks only a few cloud signatures; a webhook's `?token=` or a
    `user:pass@` must not reach a trace backend either."""
    if not span.is_recording():
        return
    shown = _redacted_url(request.url)
    recorded = getattr(span, "attributes", None) or {}
    for key in (URL_FULL, _HTTP_URL):
        if key in recorded:
            span.set_attribute(key, shown)


async def _redact_request_url_async(span: trace.Span, request: "RequestInfo") -> None:
    _redact_request_url(span, request)


def current_trace_carrier() -> dict[str, str]:
    """The current span's context as text headers (`traceparent`, maybe `tracestate`)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def context_from_carrier(carrier: Mapping[str, str]) -> Context:
    return propagate.extract(carrier)


def links_to(carrier: Mapping[str, str]) -> list[trace.Link]:
    """A Link to the span recorded in `carrier`, or none when it recorded no valid one."""
    cause = trace.get_current_span(context_from_carrier(carrier)).get_span_context()
    return [trace.Link(cause)] if cause.is_valid else []


@contextmanager
def linked_span(
    tracer: trace.Tracer,
    name: str,
    *,
    cause: Mapping[str, str],
    kind: trace.SpanKind = trace.SpanKind.INTERNAL,
    attributes: Attributes = None,
) -> Iterator[trace.Span]:
    """Work done long after its cause (a timer, a retry, the relay): a trace of its own with a
    Link to the cause's span, so a ticket's trace does not stretch over hours."""
    with tracer.start_as_current_span(
        name, context=Context(), kind=kind, links=links_to(cause), attributes=attributes
    ) as span:
        yield span


def carrier_to_kafka(carrier: dict[str, str]) -> list[tuple[str, bytes]]:
    return [(k, v.encode()) for k, v in sorted(carrier.items())]


def carrier_from_kafka(headers: KafkaHeaders | None) -> dict[str, str]:
    return {k: v.decode(errors="replace") for k, v in headers or ()}


def trace_id_of(carrier: dict[str, str]) -> str | None:
    """The 32-hex trace id inside a `traceparent`, if there is one."""
    parts = carrier.get("traceparent", "").split("-")
    return parts[1] if len(parts) == 4 else None
