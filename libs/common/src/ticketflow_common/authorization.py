"""Authorisation as data (#17): `contracts/authorization.toml` says which role may call which
endpoint of which service with which scope; one dependency on every protected route enforces
it, so no service decides it in code and a route without an entry is refused."""

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import Depends, Request

from ticketflow_common.identity import ROLES, Principal
from ticketflow_common.problems import ProblemError

TABLE_ENV = "TICKETFLOW_AUTHORIZATION_TABLE"
"""Where the table is when not at `contracts/authorization.toml` of the checkout."""
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
Qualifier = Literal["self", "team", "own"]
QUALIFIERS: Mapping[str, Qualifier] = {
    "agent:self": "self",
    "lead:team": "team",
    "integrator:own": "own",
    "requester:own": "own",
}
"""The qualified grants the table may name; any other `role:qualifier` is an error at load."""
ENTRY_KEYS = frozenset({"operation", "scope", "roles", "check", "public"})
TEAM_PARAMETERS = ("team_id", "team")
_KEY = re.compile(r"^(?P<method>[A-Z]+) (?P<path>/\S*)$")
_SCOPE = re.compile(r"^[a-z]+(:[a-z_-]+)+$")
_PARAMETER = re.compile(r"{([^}:]+)(:[^}]+)?}")


class TableError(ValueError):
    """The table names an unknown role, qualifier, method or key, or is not well-formed."""


@dataclass(frozen=True)
class Grant:
    """One role, unconditionally (`qualifier` None) or only where the qualifier holds."""

    role: str
    qualifier: Qualifier | None = None

    @property
    def label(self) -> str:
        found = next((k for k, v in QUALIFIERS.items() if k.startswith(f"{self.role}:")), None)
        return found if self.qualifier is not None and found else self.role


@dataclass(frozen=True)
class Rule:
    """Who may call one endpoint: `(service, method, path)` -> operation, scope, grants."""

    service: str
    method: str
    path: str
    operation: str
    scope: str | None
    grants: tuple[Grant, ...]
    resource_check: bool = False
    public: bool = False

    @property
    def parameters(self) -> frozenset[str]:
        return frozenset(m.group(1) for m in _PARAMETER.finditer(self.path))

    def grant_for(self, role: str) -> Grant | None:
        """The role's grant here; admins hold an unconditional one on every protected route."""
        if role == "admin" and not self.public:
            return Grant("admin")
        return next((g for g in self.grants if g.role == role), None)


@dataclass(frozen=True)
class AuthorizationTable:
    rules: Mapping[tuple[str, str, str], Rule]

    def rule(self, service: str, method: str, path: str) -> Rule | None:
        return self.rules.get((service, "GET" if method == "HEAD" else method, path))

    def of_service(self, service: str) -> list[Rule]:
        return [r for r in self.rules.values() if r.service == service]


def default_table_path() -> Path:
    """`$TICKETFLOW_AUTHORIZATION_TABLE`, else the checkout's `contracts/authorization.toml`."""
    configured = os.environ.get(TABLE_ENV)
    if configured:
        return Path(configured)
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "contracts" / "authorization.toml"
        if candidate.is_file():
            return candidate
    raise TableError(f"contracts/authorization.toml not found; set {TABLE_ENV}")


@cache
def authorization_table() -> AuthorizationTable:
    """The table, read and validated once per process."""
    return load_table(default_table_path())


def load_table(path: Path) -> AuthorizationTable:
    with path.open("rb") as file:
        return parse_table(tomllib.load(file), source=str(path))


def parse_table(
    raw: Mapping[str, Any], *, source: str = "authorization table"
) -> AuthorizationTable:
    """Every entry checked: a bad one is an error here, never a silent refusal later."""
    rules: dict[tuple[str, str, str], Rule] = {}
    for service, entries in raw.items():
        if not isinstance(entries, dict):
            raise TableError(f"{source}: [{service}] must be a table of endpoints")
        for key, entry in entries.items():
            where = f"{source}: [{service}] {key!r}"
            rule = _rule(service, key, entry, where)
            rules[(service, rule.method, rule.path)] = rule
    return AuthorizationTable(rules=rules)


def _split(key: str, where: str) -> tuple[str, str]:
    matched = _KEY.match(key)
    if matched is None:
        raise TableError(f"{where}: the key must be '<METHOD> <path>'")
    method, path = matched.group("method"), matched.group("path")
    if method not in METHODS:
        raise TableError(f"{where}: unknown method {method!r}")
    return method, path


def _rule(service: str, key: str, entry: Any, where: str) -> Rule:
    method, path = _split(key, where)
    if not isinstance(entry, dict):
        raise TableError(f"{where}: must be an inline table")
    unknown = set(entry) - ENTRY_KEYS
    if unknown:
        raise TableError(f"{where}: unknown keys {sorted(unknown)}")
    operation = entry.get("operation")
    if not isinstance(operation, str) or not operation:
        raise TableError(f"{where}: `operation` is required")
    if entry.get("public", False) is True:
        if set(entry) - {"operation", "public"}:
            raise TableError(f"{where}: a public route names no scope, roles or check")
        return Rule(service, method, path, operation, None, (), public=True)
    scope = entry.get("scope")
    if not isinstance(scope, str) or not _SCOPE.match(scope):
        raise TableError(f"{where}: `scope` must look like 'service:resource:action'")
    check = entry.get("check")
    if check not in (None, "resource"):
        raise TableError(f"{where}: `check` may only be 'resource'")
    roles = entry.get("roles")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise TableError(f"{where}: `roles` must be a list of role names")
    grants = tuple(_grant(role, where) for role in roles)
    rule = Rule(service, method, path, operation, scope, grants, resource_check=check is not None)
    for grant in grants:
        if not rule.resource_check and not _checkable(grant, rule.parameters):
            raise TableError(
                f"{where}: {grant.label!r} has no path parameter to check: mark it"
                ' check = "resource" (the service checks the resource)'
            )
    if len({g.role for g in grants}) != len(grants):
        raise TableError(f"{where}: a role is listed twice")
    return rule


def _grant(name: str, where: str) -> Grant:
    if name in QUALIFIERS:
        return Grant(name.split(":", 1)[0], QUALIFIERS[name])
    if ":" in name:
        raise TableError(f"{where}: unknown qualifier {name!r} (known: {sorted(QUALIFIERS)})")
    if name not in ROLES:
        raise TableError(f"{where}: unknown role {name!r} (known: {', '.join(ROLES)})")
    if name == "admin":
        raise TableError(f"{where}: admin may do everything and is never listed")
    return Grant(name)


def _checkable(grant: Grant, parameters: frozenset[str]) -> bool:
    if grant.qualifier == "self":
        return "agent_id" in parameters
    if grant.qualifier == "team":
        return any(p in parameters for p in TEAM_PARAMETERS)
    return grant.qualifier is None


def has_scope(principal: Principal, scope: str) -> bool:
    """A token without a scope claim has every scope of its role; else the scope, or an
    ancestor of it (`routing` or `routing:agents` grant `routing:agents:write`)."""
    if principal.scopes is None:
        return True
    parts = scope.split(":")
    return any(":".join(parts[:n]) in principal.scopes for n in range(1, len(parts) + 1))


def qualifier_holds(grant: Grant, principal: Principal, path_params: Mapping[str, Any]) -> bool:
    """The generic qualifiers the path decides (`check = "resource"` leaves every qualifier of
    the entry to the service)."""
    if grant.qualifier == "self" and "agent_id" in path_params:
        return _same_agent(principal.agent_id, path_params["agent_id"])
    if grant.qualifier == "team":
        team = next((path_params[p] for p in TEAM_PARAMETERS if p in path_params), None)
        if team is not None:
            return str(team) in {str(t) for t in principal.teams}
    return True


def _same_agent(agent_id: UUID | None, value: Any) -> bool:
    return agent_id is not None and str(agent_id) == str(value).lower()


def decide(rule: Rule | None, principal: Principal, path_params: Mapping[str, Any]) -> str | None:
    """None: allowed (as far as the table decides); else why not."""
    if rule is None:
        return "this endpoint has no entry in the authorization table"
    if rule.public:
        return None
    grant = rule.grant_for(principal.role)
    checked_here = not rule.resource_check
    if grant is None or (checked_here and not qualifier_holds(grant, principal, path_params)):
        who = "" if grant is None else f" ({grant.label}: not this resource)"
        return f"the role {principal.role!r}{who} may not {rule.operation}"
    if rule.scope is not None and not has_scope(principal, rule.scope):
        return f"the token's scopes lack {rule.scope!r}, which {rule.operation} needs"
    return None


def request_principal(request: Request) -> Principal | None:
    principal = getattr(request.state, "principal", None)
    return principal if isinstance(principal, Principal) else None


async def authorize(request: Request) -> None:
    """403 naming the operation and the caller's role unless the table lets the caller call
    this route; run on every protected router, after authentication."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    service: str = request.app.state.runtime.service
    rule = None if path is None else authorization_table().rule(service, request.method, path)
    if rule is not None and rule.public:
        return
    principal = request_principal(request)
    if principal is None:
        raise ProblemError(403, "the caller has no principal; nothing is allowed")
    reason = decide(rule, principal, request.path_params)
    if reason is not None:
        operation = rule.operation if rule is not None else f"{request.method} {path}"
        raise ProblemError(403, reason, operation=operation, role=principal.role)


async def current_principal(request: Request) -> Principal:
    """The caller the authenticator found, for routes whose resource decides (`check =
    "resource"`); 401 when there is none."""
    principal = request_principal(request)
    if principal is None:
        raise ProblemError(401, "a valid bearer token is required")
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def sees_everything(principal: Principal) -> bool:
    """Admins see and change every resource; everyone else only what the qualifier allows."""
    return principal.role == "admin"
