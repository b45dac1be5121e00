"""A minimal OTLP/HTTP trace receiver for tests: keeps every span the services export."""

import gzip
from dataclasses import dataclass, field

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


@dataclass(frozen=True)
class ReceivedSpan:
    service: str
    name: str
    trace_id: str
    span_id: str
    parent_span_id: str | None
    kind: int
    links: tuple[tuple[str, str], ...] = ()
    """(trace id, span id) of each span this one links to (work done later than its cause)."""


@dataclass
class TraceCollector:
    spans: list[ReceivedSpan] = field(default_factory=list)

    async def receive(self, request: Request) -> Response:
        body = await request.body()
        if request.headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        export = ExportTraceServiceRequest.FromString(body)
        for resource_spans in export.resource_spans:
            attributes = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
            service = attributes.get("service.name", "?")
            for scope in resource_spans.scope_spans:
                for span in scope.spans:
                    self.spans.append(
                        ReceivedSpan(
                            service=service,
                            name=span.name,
                            trace_id=span.trace_id.hex(),
                            span_id=span.span_id.hex(),
                            parent_span_id=span.parent_span_id.hex() or None,
                            kind=span.kind,
                            links=tuple(
                                (link.trace_id.hex(), link.span_id.hex()) for link in span.links
                            ),
                        )
                    )
        return Response(
            ExportTraceServiceResponse().SerializeToString(),
            media_type="application/x-protobuf",
        )

    def trace(self, trace_id: str) -> list[ReceivedSpan]:
        return [s for s in self.spans if s.trace_id == trace_id]

    def linked_to(self, trace_id: str) -> list[ReceivedSpan]:
        """Spans of other traces that link to a span of `trace_id`."""
        return [s for s in self.spans if any(t == trace_id for t, _ in s.links)]

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/v1/traces", self.receive, methods=["POST"])])
