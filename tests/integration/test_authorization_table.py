"""Generated from `contracts/authorization.toml`: every route of every service has an entry and
every entry a route; then every cell (route x role) is tried with a token of that role, the
qualified ones with a matching and a non-matching principal, and scoped tokens with and
without the operation's scope. Refused cells answer 403 naming the operation; allowed cells
anything but 401/403 (404, 409, 422: the table let the caller through)."""

import contextlib
import re
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute

from tests.processes import free_port
from tests.support.harness import SchemaRuntime, schema_runtime
from tests.support.identity_tokens import IDENTITY_SETTINGS, access_token, bearer
from ticketflow_common.authorization import Rule, authorization_table
from ticketflow_common.identity import AUDIENCE, ROLES, AccessClaims, sign_access_token
from ticketflow_common.service_main import ServiceSpec, build_app
from ticketflow_common.web import protected_routers
from ticketflow_identity.commands.signing_keys import signing_key

pytestmark = pytest.mark.integration

SERVICE_TOKEN = "authz-service-token-" + secrets.token_hex(8)
TEAM = "network"
OTHER_TEAM = "billing"
AGENT = uuid.uuid4()
OTHER_AGENT = uuid.uuid4()
SECRET = secrets.token_urlsafe(32)

SETTINGS: dict[str, dict[str, Any]] = {
    "intake": {"rate_limit_per_second": 10_000, "rate_limit_burst": 10_000},
    "routing": {},
    "sla": {},
    "notify": {"allowed_private_networks": ["127.0.0.0/8"], "smtp_host": "127.0.0.1"},
    "insights": {},
    "knowledge": {"access_token_secret": SECRET, "answer_link_secret": SECRET},
    "mail": {},
    "identity": {"signing_key_secret": "authz-test-" + secrets.token_hex(24)},
    "automation": {},
}
SERVICES = tuple(SETTINGS)


def settings_class(service: str) -> type[Any]:
    module = __import__(f"ticketflow_{service}.settings", fromlist=["_"])
    found = [
        v
        for k, v in vars(module).items()
        if k.endswith("Settings") and isinstance(v, type) and v.__module__ == module.__name__
    ]
    return found[0]


def service_spec(service: str, settings: Any) -> ServiceSpec[Any]:
    main = __import__(f"ticketflow_{service}.main", fromlist=["_"])
    spec: ServiceSpec[Any] = main.SPEC if hasattr(main, "SPEC") else main.spec(settings)
    return spec


def service_settings(service: str, database_url: str, kafka_bootstrap: str) -> Any:
    values: dict[str, Any] = {
        "database_url": database_url,
        "kafka_bootstrap_servers": kafka_bootstrap,
        "api_token": SERVICE_TOKEN,
        **IDENTITY_SETTINGS,
        "auth_failure_limit": 10_000,
        **SETTINGS[service],
    }
    if service == "mail":
        values["smtp_gateway_port"] = free_port()
    return settings_class(service)(**values)


def routes_of(spec: ServiceSpec[Any]) -> set[tuple[str, str]]:
    """(method, path) of every protected route the service serves (HEAD is GET's)."""
    found: set[tuple[str, str]] = set()
    for router in protected_routers(list(spec.routers)):
        assert isinstance(router, APIRouter)
        for route in router.routes:
            if isinstance(route, APIRoute):
                found |= {(m, route.path) for m in route.methods or () if m != "HEAD"}
    return found


# ----------------------------------------------------------------------------- the cells


@dataclass(frozen=True)
class Cell:
    service: str
    rule: Rule
    role: str
    variant: str
    """allowed, refused, match / other (a qualifier the path decides), resource (the service
    decides), scoped / unscoped (a token with / without the operation's scope), public."""

    @property
    def refused(self) -> bool:
        return self.variant in ("refused", "other", "unscoped")

    @property
    def id(self) -> str:
        return f"{self.service}:{self.rule.method} {self.rule.path}:{self.role}:{self.variant}"


def cells() -> Iterator[Cell]:
    table = authorization_table()
    for service in SERVICES:
        for rule in table.of_service(service):
            if rule.public:
                yield Cell(service, rule, "anonymous", "public")
                continue
            for role in ROLES:
                grant = rule.grant_for(role)
                if grant is None:
                    yield Cell(service, rule, role, "refused")
                elif grant.qualifier is None:
                    yield Cell(service, rule, role, "allowed")
                elif path_decides(rule, grant.qualifier):
                    yield Cell(service, rule, grant.label, "match")
                    yield Cell(service, rule, grant.label, "other")
                else:
                    yield Cell(service, rule, grant.label, "resource")
            yield Cell(service, rule, "admin", "scoped")
            yield Cell(service, rule, "admin", "unscoped")


def path_decides(rule: Rule, qualifier: str) -> bool:
    if rule.resource_check:
        return False
    if qualifier == "self":
        return "agent_id" in rule.parameters
    if qualifier == "team":
        return bool({"team", "team_id"} & rule.parameters)
    return False


CELLS = list(cells())

VALUES: dict[str, str] = {
    "key": "hardware",
    "name": "authz-test",
    "token": "not-a-signed-token",
    "email": "someone@example.com",
    "sender": "spam@example.com",
    "event_type": "ticket.created",
    "language": "en",
    "version": "1",
}


def fill(path: str, *, matching: bool) -> str:
    """The path with syntactically valid parameters: the caller's own agent and team when
    `matching`, someone else's otherwise."""

    def value(found: re.Match[str]) -> str:
        name = found.group(1)
        if name == "agent_id":
            return str(AGENT if matching else OTHER_AGENT)
        if name in ("team", "team_id"):
            return TEAM if matching else OTHER_TEAM
        return VALUES.get(name, str(uuid.uuid4()))

    return re.sub(r"{([^}:]+)(:[^}]+)?}", value, path)


Mint = Callable[[str, str | None], str]
"""A token of a role (with a scope claim, or none): identity's own for identity, else the
test key's, which the other services are given inline."""


def signed_by_the_test_key(role: str, scope: str | None) -> str:
    own = role in ("agent", "lead")
    return access_token(
        role, agent_id=AGENT if own else None, teams=[TEAM] if own else [], scope=scope
    )


async def identity_minter(runtime: Any) -> Mint:
    """Identity honours tokens of its own keys for principals it knows: one per role."""
    now = runtime.clock()
    async with runtime.pool.acquire() as conn:
        kid, key = await signing_key(conn=conn, settings=runtime.settings, now=now)
        ids: dict[str, uuid.UUID] = {}
        for role in (r for r in ROLES if r != "bootstrap"):
            ids[role] = uuid.uuid4()
            await conn.execute(
                "INSERT INTO principals (principal_id, kind, display_name, role, agent_id,"
                " teams, created_at, updated_at) VALUES ($1, 'person', $2, $2, $3, $4,"
                " now() - interval '1 hour', now() - interval '1 hour')",
                ids[role],
                role,
                AGENT if role in ("agent", "lead") else None,
                [TEAM] if role in ("agent", "lead") else [],
            )

    def mint(role: str, scope: str | None) -> str:
        issued = int(time.time()) - 60
        claims = AccessClaims(
            iss=runtime.settings.public_url,
            sub=str(ids[role]),
            aud=AUDIENCE,
            iat=issued,
            exp=max(issued, int(now.timestamp())) + 600,
            jti=str(uuid.uuid4()),
            role=role,
            agent_id=AGENT if role in ("agent", "lead") else None,
            teams=[TEAM] if role in ("agent", "lead") else [],
            scope=scope,
        )
        return sign_access_token(claims=claims, private_key=key, kid=kid)

    return mint


def headers_for(cell: Cell, mint: Mint) -> dict[str, str]:
    if cell.variant == "public":
        return {}
    if cell.role == "bootstrap":
        return {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    role = cell.role.split(":", 1)[0]
    scope = None
    if cell.variant == "scoped":
        scope = cell.rule.scope
    elif cell.variant == "unscoped":
        scope = "elsewhere:nothing:read"
    return bearer(mint(role, scope))


# ----------------------------------------------------------------------------- the apps


@dataclass(frozen=True)
class App:
    client: httpx.AsyncClient
    mint: Mint


@pytest.fixture(scope="module")
async def apps(database_url: str, kafka_bootstrap: str) -> AsyncIterator[dict[str, Any]]:
    """One app per service, each on a fresh schema, shared by every cell of this module."""
    async with contextlib.AsyncExitStack() as stack:
        made: dict[str, Any] = {}
        for service in SERVICES:
            settings = service_settings(service, database_url, kafka_bootstrap)
            runtime: SchemaRuntime[Any] = await stack.enter_async_context(
                schema_runtime(
                    service=service,
                    settings=settings,
                    database_url=database_url,
                    kafka_bootstrap=kafka_bootstrap,
                    max_size=3,
                )
            )
            app = build_app(service_spec(service, settings), runtime.runtime)
            mint = (
                await identity_minter(runtime.runtime)
                if service == "identity"
                else signed_by_the_test_key
            )
            made[service] = App(
                await stack.enter_async_context(
                    httpx.AsyncClient(
                        transport=httpx.ASGITransport(app=app), base_url=f"http://{service}"
                    )
                ),
                mint,
            )
        yield made


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_has_an_entry_and_every_entry_a_route(service: str) -> None:
    settings = settings_class(service).model_construct(
        api_token=SERVICE_TOKEN, max_body_bytes=1 << 20, **SETTINGS[service]
    )
    routes = routes_of(service_spec(service, settings))
    declared = {(r.method, r.path) for r in authorization_table().of_service(service)}
    assert sorted(routes - declared) == [], "routes without an entry in authorization.toml"
    assert sorted(declared - routes) == [], "entries in authorization.toml without a route"


@pytest.mark.parametrize("cell", CELLS, ids=[c.id for c in CELLS])
async def test_cell(cell: Cell, apps: dict[str, "App"]) -> None:
    app = apps[cell.service]
    path = fill(cell.rule.path, matching=cell.variant != "other")
    response = await app.client.request(cell.rule.method, path, headers=headers_for(cell, app.mint))
    if cell.refused:
        assert response.status_code == 403, response.text
        problem = response.json()
        assert problem["operation"] == cell.rule.operation
        assert problem["role"] == cell.role.split(":", 1)[0]
    elif cell.variant == "public":
        assert response.status_code != 401, response.text
        assert "operation" not in _problem(response)
    else:
        assert response.status_code not in (401, 403), response.text


def _problem(response: httpx.Response) -> dict[str, Any]:
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        found: dict[str, Any] = response.json()
        return found
    return {}


def test_every_role_is_tried_on_every_protected_route() -> None:
    for rule in (r for s in SERVICES for r in authorization_table().of_service(s)):
        tried = {c.role.split(":", 1)[0] for c in CELLS if c.rule is rule}
        assert rule.public or tried == set(ROLES), rule
