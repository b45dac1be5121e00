"""The HTTP surface every service shares: health, readiness, metrics, bearer auth, RED metrics."""

import asyncio
import secrets
import time
from collections.abc import Awaitable
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ticketflow_common.metrics import HTTP_LATENCY, HTTP_REQUESTS
from ticketflow_common.params import StorableParams
from ticketflow_common.problems import (
    PROBLEM_RESPONSES,
    install_problem_handlers,
    problem_response,
)
from ticketflow_common.runtime import Runtime

_bearer = HTTPBearer(auto_error=False)
DEFAULT_MAX_BODY_BYTES = 1 << 20


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_pool(runtime: RuntimeDep) -> asyncpg.Pool:
    return runtime.pool


PoolDep = Annotated[asyncpg.Pool, Depends(get_pool)]


async def require_api_token(
    runtime: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """401 unless the request carries the service's bearer token."""
    expected = runtime.settings.api_token.get_secret_value()
    if credentials is None or not secrets.compare_digest(credentials.credentials, expected):
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="a valid bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )


Authenticated = Depends(require_api_token)

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
    runtime: Runtime,
    title: str,
    routers: list[APIRouter],
    auth: Any = Authenticated,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    description: str = "",
) -> FastAPI:
    """Health and metrics open; every router given here requires `auth` (the bearer token)."""
    app = FastAPI(title=title, version="0.1.0", description=description)
    app.state.runtime = runtime
    install_problem_handlers(app)
    app.include_router(health)
    for router in routers:
        app.include_router(router, dependencies=[auth, StorableParams], responses=PROBLEM_RESPONSES)

    app.add_middleware(RedMetrics, service=runtime.service)
    FastAPIInstrumentor.instrument_app(
        app, excluded_urls="healthz,readyz,metrics", exclude_spans=["receive", "send"]
    )
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    return app


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

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            413, f"request body is larger than the limit of {self.max_bytes} bytes"
        )
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass
