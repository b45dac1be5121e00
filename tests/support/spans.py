"""The process's tracer provider, as a service sets it up, recording into the SDK's in-memory
exporter: tests read the spans their code made."""

from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from ticketflow_common.tracing import setup_tracing

_EXPORTER = InMemorySpanExporter()


def recorded_spans() -> InMemorySpanExporter:
    """The exporter behind the global provider, installed on first use (a process gets one
    global provider) and emptied for the caller."""
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        setup_tracing("tests", extra_processors=[SimpleSpanProcessor(_EXPORTER)])
    _EXPORTER.clear()
    return _EXPORTER


def named(exporter: InMemorySpanExporter, name: str) -> list[ReadableSpan]:
    return [s for s in exporter.get_finished_spans() if s.name == name]


def trace_id(span: ReadableSpan) -> int:
    assert span.context is not None
    found: int = span.context.trace_id
    return found
