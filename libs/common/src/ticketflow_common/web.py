"""The HTTP surface every service shares: health, readiness, metrics, bearer auth, RED metrics."""

import asyncio
import time
from collections.abc import Awaitable, Collection
from datetime import datetime
from typing import Annotated, Any, Literal

import asyncpg
from fastapi import APIRouter, Depends, FastAPI, Request, Response, status
from fastapi.routing import APIRoute
from fastapi.security import HTTPBearer
from fastapi.security.http import HTTPBase
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ticketflow_common.access import access_for, principal_of_bearer
from ticketflow_common.admission import admit
from ticketflow_common.audit_api import router as audit_router
from ticketflow_common.identity import Principal
from ticketflow_common.metrics import HTTP_LATENCY, HTTP_REQUESTS
from ticketflow_common.middleware import Authentication, Authenticator, HeadAsGet
from ticketflow_common.openapi_document import install_openapi, operation_id
from ticketflow_common.problems import ProblemError, install_problem_handlers, problem_response
from ticketflow_common.rate_limit import RatePolicy
from ticketflow_common.rate_limit_http import (
    UNAUTHORIZED_HEADERS,
    FailedAuthLimiter,
    RateLimitHeaders,
    failed_auth_limiter,
)
from ticketflow_common.runtime import Runtime
from ticketflow_common.settings import ServiceSettings
from ticketflow_common.trace_context import TraceContext
from ticketflow_common.tracing import spans_recorded

BEARER = HTTPBearer(auto_error=False)
ADMIT = Depends(admit)
"""On every protected router: the table's verdict on the caller, then the parameter guard."""
DEFAULT_MAX_BODY_BYTES = 1 << 20
CONTACT = {"name": "Ticketflow maintainers"}


async def get_runtime(request: Request) -> Runtime[Any]:
    """The app's service context; each service's `api/deps.py` names it with its settings type
    (`Annotated[Runtime[IntakeSettings], Depends(get_runtime)]`)."""
    runtime: Runtime[Any] = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime[Any], Depends(get_runtime)]


# The three below read the runtime themselves rather than depend on `get_runtime`: FastAPI
# caches a shared sub-dependency's value per request, but walks it again under every
# dependency that names it.
async def get_settings(request: Request) -> Any:
    """The service's settings, typed by the alias that asks for them."""
    return request.app.state.runtime.settings


async def get_pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.runtime.pool
    return pool


async def get_now(request: Request) -> datetime:
    """The request's `now`, from the service context's clock (tests inject their own)."""
    now: datetime = request.app.state.runtime.clock()
    return now


PoolDep = Annotated[asyncpg.Pool, Depends(get_pool)]
NowDep = Annotated[datetime, Depends(get_now)]


async def require_api_token(request: Request) -> Principal:
    """The caller's `Principal` (`access.Access`: the service token, or an access token once
    identity is configured); 401 for anything else, 429 while the caller's address is over its
    failed-authentication limit (`FailedAuthLimiter`)."""
    runtime = await get_runtime(request)
    credentials = await BEARER(request)
    if credentials is None:
        raise ProblemError(401, "a valid bearer token is required", headers=UNAUTHORIZED_HEADERS)
    principal = await principal_of_bearer(request, credentials.credentials)
    limiter = failed_auth_limiter(request)
    async with runtime.pool.acquire() as conn:
        if principal is None:
            raise await limiter.failed(conn=conn, request=request)
        await limiter.refuse_if_blocked(conn=conn, request=request)
    return principal


authenticate_principal = require_api_token
"""The common authenticator by what it does (routing, sla and notify run it)."""


health = APIRouter(tags=["health"])


@health.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


class Readiness(BaseModel):
    """Whether this replica should be sent traffic, and which dependency is down if not."""

    status: Literal["ready", "degraded", "not ready"] = Field(
        description="ready: all answer; degraded: one it can do without is down; else not ready"
    )
    needs: list[str] = Field(description="The checks readiness depends on (docs/architecture.md)")
    down: list[str] = Field(description="The checks that are not ok, needed or not")
    postgres: str = Field(description="ok, or failing: <error>")
    kafka: str = Field(description="ok, or failing: <error>")
    consumers: str = Field(description="ok, or joining while a consumer has no partitions yet")


@health.get(
    "/readyz",
    responses={503: {"model": Readiness, "description": "A dependency readiness needs is down"}},
)
async def readyz(runtime: RuntimeDep, response: Response) -> Readiness:
    """Readiness: Postgres answers (every route and the outbox need it). Kafka and the consumer
    group are reported but needed only where the settings say so (`readiness_needs_kafka`, for a
    replica that only consumes): HTTP work writes to the outbox, which waits out Kafka."""
    postgres, kafka = await asyncio.gather(
        _check(_postgres_answers(runtime.pool)),
        _check(runtime.producer.client.fetch_all_metadata()),
    )
    checks = {
        "postgres": postgres,
        "kafka": kafka,
        "consumers": "ok" if all(c.ready.is_set() for c in runtime.consumers) else "joining",
    }
    needs = readiness_needs(runtime.settings)
    down = [name for name, state in checks.items() if state != "ok"]
    ready = not set(down) & set(needs)
    if not ready:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    verdict: Literal["ready", "degraded", "not ready"] = (
        "not ready" if not ready else "degraded" if down else "ready"
    )
    return Readiness(status=verdict, needs=needs, down=down, **checks)


def readiness_needs(settings: ServiceSettings) -> list[str]:
    """What must answer for this replica to be ready: Postgres always; Kafka and a joined
    consumer group only for a replica that only consumes (`readiness_needs_kafka`)."""
    return ["postgres", "kafka", "consumers"] if settings.readiness_needs_kafka else ["postgres"]


@health.get("/metrics", include_in_schema=False)
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


PROBE_PATHS = frozenset(route.path for route in health.routes if isinstance(route, APIRoute))
"""/healthz, /readyz and /metrics: kept out of the RED figures, as probes and scrapes are not
traffic (a replica idle but for them would show a busy, fast API)."""


async def _postgres_answers(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        await conn.fetchval("SELECT 1")


async def _check(probe: Awaitable[object]) -> str:
    try:
        await asyncio.wait_for(probe, timeout=2.0)
    except Exception as exc:
        return f"failing: {type(exc).__name__}"
    return "ok"


def create_app(
    *,
    runtime: Runtime[Any],
    title: str,
    routers: list[APIRouter],
    auth: Authenticator = require_api_token,
    auth_scheme: HTTPBase = BEARER,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    description: str = "",
    extra_open_paths: Collection[str] = (),
) -> FastAPI:
    """Health, metrics and docs open (and `extra_open_paths`: paths whose request carries its
    own credential, such as identity's token endpoint); every other path needs `auth` (the bearer
    token), checked before any route reads the body; HEAD wherever GET is served."""
    app = FastAPI(
        title=title,
        version="0.1.0",
        description=description or f"{title}: see docs/ and the README.",
        contact=CONTACT,
        generate_unique_id_function=operation_id,
        # Requests are traced by `trace_requests`; FastAPI's own telemetry would open a second
        # server span (and an operation span) per request: 8% of intake's CPU on a POST.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    install_openapi(app, security=auth_scheme)
    app.state.runtime = runtime
    app.state.access = access_for(runtime)
    app.state.failed_auth = FailedAuthLimiter(
        policy=RatePolicy(
            name="failed-auth",
            quota=runtime.settings.auth_failure_limit,
            window_seconds=runtime.settings.auth_failure_window_seconds,
        ),
        clock=runtime.clock,
    )
    install_problem_handlers(app)
    app.include_router(health)
    for router in protected_routers(routers):
        # `auth` enforces the credential before any body is read; the authorisation table
        # decides next, then the parameter guard (`admission.py`). `auth_scheme` only documents
        # the credential in OpenAPI (`openapi_document`), at no cost per request.
        app.include_router(router, dependencies=[ADMIT])

    app.add_middleware(
        Authentication, authenticate=auth, open_paths=open_paths(app) | set(extra_open_paths)
    )
    app.add_middleware(HeadAsGet)
    app.add_middleware(RateLimitHeaders)  # outside Authentication: its refusals carry the fields
    app.add_middleware(RedMetrics, service=runtime.service)
    trace_requests(app)
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    return app


def trace_requests(app: FastAPI) -> None:
    """A server span per request where spans are recorded; else only its trace context
    (`TraceContext`), which costs a fraction of the instrumentation's per-request work."""
    if not spans_recorded():
        app.add_middleware(TraceContext, excluded_paths=PROBE_PATHS)
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(
        app, excluded_urls="healthz,readyz,metrics", exclude_spans=["receive", "send"]
    )


def protected_routers(routers: list[APIRouter]) -> list[APIRouter]:
    """A service's own routers and those every service serves (`GET /audit`), all behind the
    authenticator and the authorisation table."""
    return [*routers, audit_router]


def open_paths(app: FastAPI) -> set[str]:
    """Paths answered without credentials: health, readiness, metrics and the API docs."""
    documents = (app.openapi_url, app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url)
    return set(PROBE_PATHS) | {path for path in documents if path}


class RedMetrics:
    """Rate, errors and duration per route template (pure ASGI: no per-request task); probes
    and scrapes (`PROBE_PATHS`) are left out, or every replica's RED figures are mostly them."""

    def __init__(self, app: ASGIApp, *, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PROBE_PATHS:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status_code = 500

        async def capture(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            path = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            HTTP_REQUESTS.labels(self.service, method, path, str(status_code)).inc()
            HTTP_LATENCY.labels(self.service, method, path).observe(time.perf_counter() - started)


class BodySizeLimit:
    """Refuse request bodies above `max_bytes` with 413, whether or not they declare a length."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge(self.max_bytes)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            # Routes answer it through the problem handlers; this is for anything that did not.
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(413, _too_large(self.max_bytes))
        await response(scope, receive, send)


class _TooLarge(StarletteHTTPException):
    """An HTTP error, not a bare exception: FastAPI turns any other error raised while it reads
    the body into a 400, which is how a chunked body over the limit escaped the 413."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, _too_large(max_bytes))


def _too_large(max_bytes: int) -> str:
    return f"request body is larger than the limit of {max_bytes} bytes"
