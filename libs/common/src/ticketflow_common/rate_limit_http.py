"""Rate limits on the HTTP surface: failed authentication per client address, the 429
answer, and the `RateLimit-Policy` / `RateLimit` fields on every limited response."""

import ipaddress

import asyncpg
from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ticketflow_common.clock import Clock
from ticketflow_common.problems import ProblemError
from ticketflow_common.rate_limit import Decision, RatePolicy, policy_header, state_header
from ticketflow_common.rate_limit_store import Gate, peek, take

_STATE_KEY = "rate_limit_decisions"
UNAUTHORIZED_HEADERS = {"WWW-Authenticate": "Bearer"}


def client_address(request: Request) -> str:
    """The caller's address as the server saw it; IPv6 callers by their /64, which one
    machine usually holds whole."""
    host = request.client.host if request.client else "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def note(request: Request, decision: Decision) -> None:
    """Report `decision` in this response's `RateLimit` fields."""
    request.scope.setdefault("state", {}).setdefault(_STATE_KEY, []).append(decision)


def too_many_requests(decision: Decision, detail: str) -> ProblemError:
    """The 429 problem, with Retry-After (the `RateLimit` fields come from `note`)."""
    return ProblemError(429, detail, headers={"Retry-After": str(decision.retry_after_seconds)})


def enforce(request: Request, decision: Decision, detail: str) -> None:
    """Note the decision; raise 429 when it refused."""
    note(request, decision)
    if not decision.allowed:
        raise too_many_requests(decision, detail)


class FailedAuthLimiter:
    """Each client address may fail authentication `policy.quota` times per window. Once it
    has, every request from it that needs credentials is 429 until an allowance comes back,
    even with correct credentials: a guess that would succeed is not revealed either."""

    def __init__(self, *, policy: RatePolicy, clock: Clock) -> None:
        self.policy = policy
        self.clock = clock

    def gate(self, request: Request) -> Gate:
        """For a take that must also refuse while this request's address is blocked."""
        return Gate(policy=self.policy, subject=client_address(request))

    async def refuse_if_blocked(self, *, conn: asyncpg.Connection, request: Request) -> None:
        """429 if the caller's address has used up its failures (one indexed read)."""
        decision = await peek(
            conn=conn, policy=self.policy, subject=client_address(request), now=self.clock()
        )
        if not decision.allowed:
            enforce(request, decision, self.blocked_detail)

    async def failed(
        self,
        *,
        conn: asyncpg.Connection,
        request: Request,
        detail: str = "a valid bearer token is required",
    ) -> ProblemError:
        """Count a failed attempt; the error to raise: 401, or 429 once over the limit."""
        taken = await take(
            conn=conn, policy=self.policy, subject=client_address(request), now=self.clock()
        )
        note(request, taken.decision)
        if not taken.decision.allowed:
            return too_many_requests(taken.decision, self.blocked_detail)
        return ProblemError(401, detail, headers=UNAUTHORIZED_HEADERS)

    @property
    def blocked_detail(self) -> str:
        return (
            f"too many failed authentications from this address (limit {self.policy.quota}"
            f" per {self.policy.window_seconds:g} s)"
        )


def failed_auth_limiter(request: Request) -> FailedAuthLimiter:
    """The app's limiter, installed by `create_app`."""
    limiter: FailedAuthLimiter = request.app.state.failed_auth
    return limiter


class RateLimitHeaders:
    """Adds `RateLimit-Policy` and `RateLimit` to responses whose request noted a decision."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_fields(message: Message) -> None:
            decisions: list[Decision] = scope.get("state", {}).get(_STATE_KEY, [])
            if message["type"] == "http.response.start" and decisions:
                message["headers"] = [
                    *message.get("headers", []),
                    (b"ratelimit-policy", policy_header([d.policy for d in decisions]).encode()),
                    (b"ratelimit", state_header(decisions).encode()),
                ]
            await send(message)

        await self.app(scope, receive, with_fields)
