"""The HTTP surface every service shares: health, readiness, metrics, bearer auth, RED metrics."""

import asyncio
import time
from collections.abc import Awaitable, Collection
from datetime import datetime
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Depends, FastAPI, Request, Response, status
from fastapi.routing import APIRoute
from fastapi.security import HTTPBearer
from fastapi.security.http import HTTPBase
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ticketflow_common.access import access_for, principal_of_bearer
from ticketflow_common.audit_api import router as audit_router
from ticketflow_common.authorization import authorize
from ticketflow_common.identity import Principal
from ticketflow_common.metrics import HTTP_LATENCY, HTTP_REQUESTS
from ticketflow_common.middleware import Authentication, Authenticator, HeadAsGet
from ticketflow_common.openapi_document import install_openapi, operation_id
from ticketflow_common.params import StorableParams
from ticketflow_common.problems import ProblemError, install_problem_handlers, problem_response
from ticketflow_common.rate_limit import RatePolicy
from ticketflow_common.rate_limit_http import (
    UNAUTHORIZED_HEADERS,
    FailedAuthLimiter,
    RateLimitHeaders,
    failed_auth_limiter,
)
from ticketflow_common.runtime import Runtime

BEARER = HTTPBearer(auto_error=False)
AUTHORIZE = Depends(authorize)
"""On every protected router: the table's verdict on the caller (`authorization.py`)."""
DEFAULT_MAX_BODY_BYTES = 1 << 20
CONTACT = {"name": "Ticketflow maintainers"}


async def get_runtime(request: Request) -> Runtime[Any]:
    """The app's service context; each service's `api/deps.py` names it with its settings type
    (`Annotated[Runtime[IntakeSettings], Depends(get_runtime)]`)."""
    runtime: Runtime[Any] = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime[Any], Depends(get_runtime)]


async def get_settings(runtime: RuntimeDep) -> Any:
    """The service's settings, typed by the alias that asks for them."""
    return runtime.settings


async def get_pool(runtime: RuntimeDep) -> asyncpg.Pool:
    return runtime.pool


async def get_now(runtime: RuntimeDep) -> datetime:
    """The request's `now`, from the service context's clock (tests inject their own)."""
    return runtime.clock()


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


@health.get(
    "/readyz",
    responses={503: {"description": "Postgres or Kafka does not answer, or consumers are joining"}},
)
async def readyz(runtime: RuntimeDep, response: Response) -> dict[str, str]:
    """Readiness: Postgres and Kafka answer and every consumer has joined its group."""
    checks = {
        "postgres": await _check(_postgres_answers(runtime.pool)),
        "kafka": await _check(runtime.producer.client.fetch_all_metadata()),
        "consumers": "ok" if all(c.ready.is_set() for c in runtime.consumers) else "joining",
    }
    if any(v != "ok" for v in checks.values()):
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return checks


@health.get("/metrics", include_in_schema=False)
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


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
    )
    install_openapi(app)
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
        # The scheme here only documents the credential in OpenAPI; `auth` enforces it, before
        # any body is read; the authorisation table decides next (`authorization.py`), then the
        # parameter guard runs once the caller is known to be allowed.
        app.include_router(
            router,
            dependencies=[Depends(auth_scheme), AUTHORIZE, StorableParams],
        )

    app.add_middleware(
        Authentication, authenticate=auth, open_paths=open_paths(app) | set(extra_open_paths)
    )
    app.add_middleware(HeadAsGet)
    app.add_middleware(RateLimitHeaders)  # outside Authentication: its refusals carry the fields
    app.add_middleware(RedMetrics, service=runtime.service)
    FastAPIInstrumentor.instrument_app(
        app, excluded_urls="healthz,readyz,metrics", exclude_spans=["receive", "send"]
    )
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    return app


def protected_routers(routers: list[APIRouter]) -> list[APIRouter]:
    """A service's own routers and those every service serves (`GET /audit`), all behind the
    authenticator and the authorisation table."""
    return [*routers, audit_router]


def open_paths(app: FastAPI) -> set[str]:
    """Paths answered without credentials: health, readiness, metrics and the API docs."""
    documents = (app.openapi_url, app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url)
    return {route.path for route in health.routes if isinstance(route, APIRoute)} | {
        path for path in documents if path
    }


class RedMetrics:
    """Rate, errors and duration per route template (pure ASGI: no per-request task)."""

    def __init__(self, app: ASGIApp, *, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
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
