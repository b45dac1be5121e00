"""OpenTelemetry setup, and the W3C `traceparent` carried in Kafka headers and outbox rows."""

import os
from collections.abc import Iterable, Sequence

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

KafkaHeaders = Sequence[tuple[str, bytes]]


def setup_tracing(
    service_name: str, *, extra_processors: Iterable[SpanProcessor] = ()
) -> TracerProvider:
    """Install the global tracer provider; export over OTLP when its endpoint is configured."""
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    for processor in extra_processors:
        provider.add_span_processor(processor)
    trace.set_tracer_provider(provider)
    return provider


def current_trace_carrier() -> dict[str, str]:
    """The current span's context as text headers (`traceparent`, maybe `tracestate`)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def context_from_carrier(carrier: dict[str, str]) -> Context:
    return propagate.extract(carrier)


def carrier_to_kafka(carrier: dict[str, str]) -> list[tuple[str, bytes]]:
    return [(k, v.encode()) for k, v in sorted(carrier.items())]


def carrier_from_kafka(headers: KafkaHeaders | None) -> dict[str, str]:
    return {k: v.decode(errors="replace") for k, v in headers or ()}


def trace_id_of(carrier: dict[str, str]) -> str | None:
    """The 32-hex trace id inside a `traceparent`, if there is one."""
    parts = carrier.get("traceparent", "").split("-")
    return parts[1] if len(parts) == 4 else None
