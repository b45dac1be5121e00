"""The request's trace context when spans go nowhere: W3C `traceparent` in, the same trace out.

`FastAPIInstrumentor` computes a server span's attributes on every request even when nothing
records them (6 % of intake's CPU per `POST /tickets`); without a span processor this pure ASGI
middleware only makes the request's span current, so events and webhooks carry the caller's
trace (or a new one) as before."""

from collections.abc import Collection

from opentelemetry import context, propagate, trace
from opentelemetry.trace import SpanKind
from starlette.types import ASGIApp, Receive, Scope, Send

_CARRIED = (b"traceparent", b"tracestate", b"baggage")


class TraceContext:
    """The span a request runs in: a child of its `traceparent`, else the root of a new trace,
    as the tracer provider's sampler decides (not recorded: there is no processor)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        excluded_paths: Collection[str] = (),
        tracer_provider: trace.TracerProvider | None = None,
    ) -> None:
        self.app = app
        self.excluded_paths = frozenset(excluded_paths)
        self.tracer_provider = tracer_provider
        """None: the global one, read per request (it may be installed after the app)."""
        self._tracer: tuple[trace.TracerProvider, trace.Tracer] | None = None

    def _tracer_of_now(self) -> trace.Tracer:
        """The tracer of the provider in force, made once per provider (3 % of a POST's CPU)."""
        provider = self.tracer_provider or trace.get_tracer_provider()
        if self._tracer is None or self._tracer[0] is not provider:
            self._tracer = (provider, trace.get_tracer(__name__, tracer_provider=provider))
        return self._tracer[1]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.excluded_paths:
            await self.app(scope, receive, send)
            return
        carrier = {
            name.decode("latin-1"): value.decode("latin-1")
            for name, value in scope["headers"]
            if name in _CARRIED
        }
        parent = propagate.extract(carrier) if carrier else None
        span = self._tracer_of_now().start_span(
            f"{scope['method']} {scope['path']}", context=parent, kind=SpanKind.SERVER
        )
        token = context.attach(trace.set_span_in_context(span, parent))
        try:
            await self.app(scope, receive, send)
        finally:
            context.detach(token)
            span.end()
