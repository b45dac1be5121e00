"""Pure ASGI middleware for HTTP semantics every service shares: who calls, and HEAD."""

from collections.abc import Awaitable, Callable, Iterable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

Authenticator = Callable[[Request], Awaitable[object]]
"""Who the caller is (kept as `request.state.principal`), or raises a 401/403/429 problem."""
ExceptionHandler = Callable[[Request, Exception], Awaitable[Response]]
HEAD_REQUEST = "head_request"
"""Set in `request.state` when a GET route answers a HEAD (see `HeadAsGet`)."""


class Authentication:
    """Authenticate before routing, so no route reads, parses or validates an unknown caller's
    body: FastAPI parses JSON before it runs any dependency, router-level ones included."""

    def __init__(self, app: ASGIApp, *, authenticate: Authenticator, open_paths: Iterable[str]):
        self.app = app
        self.authenticate = authenticate
        self.open_paths = frozenset(open_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.open_paths:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            principal = await self.authenticate(request)
        except Exception as exc:
            handler = _handler_for(scope["app"], exc)
            if handler is None:
                raise
            response = await handler(request, exc)
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)


def _handler_for(app: Starlette, exc: Exception) -> ExceptionHandler | None:
    """The app's own handler for `exc` (as Starlette's ExceptionMiddleware picks it), so a refusal
    here answers exactly as one raised in a route would; 500s are left to the server error one."""
    handlers = app.exception_handlers
    if isinstance(exc, StarletteHTTPException) and exc.status_code in handlers:
        found: ExceptionHandler = handlers[exc.status_code]
        return found
    for cls in type(exc).__mro__:
        if cls is Exception:
            return None
        if cls in handlers:
            found = handlers[cls]
            return found
    return None


class HeadAsGet:
    """HEAD wherever GET is served (RFC 9110 9.3.2): the GET's status and headers, no content."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        # One state for both scopes, so what inner layers note (rate limits) reaches the outer.
        as_get = {**scope, "method": "GET", "state": scope.setdefault("state", {})}
        as_get["state"][HEAD_REQUEST] = True  # a GET that changes something may refuse to

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send(message)

        try:
            await self.app(as_get, receive, headers_only)
        finally:
            # What routing learnt (the route template for metrics) reaches the outer middleware.
            scope.update({k: v for k, v in as_get.items() if k != "method"})
