"""The OpenAPI document every service serves, shaped for client generators: stable operation ids,
problem+json error answers per route, and the headers the services really send."""

import inspect
import json
import re
from collections.abc import Callable, Iterator
from typing import Any, cast, get_type_hints

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.encoders import jsonable_encoder
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.security.base import SecurityBase

from ticketflow_common.admission import admit
from ticketflow_common.preconditions import WritePrecondition
from ticketflow_common.problems import PROBLEM_JSON, TITLES, Problem

PROBLEM_NAMES = {"Problem": "ProblemDetails", "FieldError": "ProblemFieldError"}
"""RFC 9457's name for `problems.Problem`: services have resources called problems (knowledge's
known errors), whose schemas FastAPI names `Problem`."""
PROBLEM_REF = "#/components/schemas/ProblemDetails"
HTML = "text/html"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
OPEN_TAGS = {"health"}
"""Routers whose answers are not problems (readiness says which check fails)."""

HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": "The representation's entity tag (its version); send it back in `If-Match`.",
        "schema": {"type": "string"},
    },
    "Location": {
        "description": "The path of the created resource.",
        "schema": {"type": "string"},
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 0},
    },
    "RateLimit-Policy": {
        "description": "The limits that decided this request, as quota and window per policy"
        " (draft-ietf-httpapi-ratelimit-headers); sent when a limit decided it: on every intake"
        " answer (per credential), and on failed authentications everywhere (per address).",
        "schema": {"type": "string"},
    },
    "RateLimit": {
        "description": "What remains of each policy's quota and the seconds until it is whole"
        " again (draft-ietf-httpapi-ratelimit-headers).",
        "schema": {"type": "string"},
    },
    "WWW-Authenticate": {
        "description": "The scheme to authenticate with (`Bearer`).",
        "schema": {"type": "string"},
    },
}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": "The current ETag, `*`, or a list of ETags; one that does not match"
    " (strong comparison) answers 412.",
    "schema": {"type": "string"},
}


def camel(text: str) -> str:
    """`signing keys`, `API keys` and `list_signing_keys` as `signingKeys`, `apiKeys`,
    `listSigningKeys`."""
    words = [w for w in re.split(r"[^0-9A-Za-z]+", text) if w]
    if not words:
        return ""
    head, *rest = words
    first = head.lower() if head.isupper() else head[0].lower() + head[1:]  # API keys: apiKeys
    return first + "".join(w[0].upper() + w[1:] for w in rest)


def operation_id(route: APIRoute) -> str:
    """`<tag>_<function>` in camelCase (`tickets_createTicket`): stable while the route's
    first tag and its function keep their names; unique per service (a unit test checks)."""
    tag = str(route.tags[0]) if route.tags else route.endpoint.__module__.rsplit(".", 1)[-1]
    return f"{camel(tag)}_{camel(route.name)}"


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for child in dependant.dependencies:
        yield from _dependants(child)


def _returns(call: Callable[..., Any] | None, kind: type) -> bool:
    if call is None:
        return False
    try:
        hints = get_type_hints(call)
    except Exception:
        return False
    return hints.get("return") is kind


def is_authenticated(route: APIRoute) -> bool:
    """Behind the authenticator and the authorisation table (`create_app`)."""
    return any(d.call is admit for d in _dependants(route.dependant))


def takes_if_match(route: APIRoute) -> bool:
    """A write guarded by `If-Match` (`preconditions.WritePrecondition`)."""
    return any(_returns(d.call, WritePrecondition) for d in _dependants(route.dependant))


def _has_params(route: APIRoute) -> bool:
    return any(
        d.query_params or d.path_params or d.header_params or d.cookie_params or d.body_params
        for d in _dependants(route.dependant)
    )


def _methods(route: APIRoute) -> set[str]:
    return set(route.methods or ())


def _sets_location(route: APIRoute) -> bool:
    try:
        return '"Location"' in inspect.getsource(route.endpoint)
    except (OSError, TypeError):
        return False


def is_page(route: APIRoute) -> bool:
    """A page for people (signed links in mails): its own refusals are pages too."""
    kind = getattr(route.response_class, "value", route.response_class)
    return isinstance(kind, type) and issubclass(kind, HTMLResponse)


def error_statuses(route: APIRoute) -> set[int]:
    """What the route can answer besides success, from what it declares and depends on."""
    statuses = {503} | {int(s) for s in route.responses if str(s).isdigit() and int(s) >= 400}
    authenticated = is_authenticated(route)
    if authenticated:
        statuses |= {401, 403, 422, 429}  # the parameter guard checks every query string
    if route.dependant.path_params or "{" in route.path_format:
        statuses.add(404)
    if _has_params(route):
        statuses.add(422)
    if route.body_field is not None:
        statuses |= {413, 422}
        if "multipart" in str(getattr(route.body_field.field_info, "media_type", "")):
            statuses.add(400)
    if authenticated and _methods(route) & WRITES:
        statuses.add(409)
    if takes_if_match(route):
        statuses |= {412, 428}
    if is_page(route):
        statuses |= {403, 404, 409, 410, 422}  # expired, not yours, unknown, answered, bad choice
    return statuses


def _header(name: str, *, required: bool = False) -> dict[str, Any]:
    return {**HEADERS[name], "required": required} if required else HEADERS[name]


def problem_answer(
    status: int, *, authenticated: bool, description: str = "", page: bool = False
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if status in (412, 428):
        headers["ETag"] = _header("ETag", required=True)
    if status == 429:
        headers["Retry-After"] = _header("Retry-After", required=True)
    if status == 503:
        headers["Retry-After"] = _header("Retry-After")
    if status == 401:
        headers["WWW-Authenticate"] = _header("WWW-Authenticate")
    if authenticated and status in (401, 429):
        headers |= {
            "RateLimit-Policy": _header("RateLimit-Policy"),
            "RateLimit": _header("RateLimit"),
        }
    content: dict[str, Any] = {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}}
    if page:
        content[HTML] = {"schema": {"type": "string"}}
    answer: dict[str, Any] = {
        "description": description or TITLES.get(status, "Error"),
        "content": content,
    }
    return answer | ({"headers": headers} if headers else {})


def _document_route(operation: dict[str, Any], route: APIRoute, etag_paths: set[str]) -> None:
    authenticated = is_authenticated(route)
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status in sorted(error_statuses(route)):
        own = route.responses.get(status, route.responses.get(str(status), {}))
        if "model" in own or "content" in own:
            continue  # the route answers this status in a form of its own (OAuth's errors)
        declared = responses.get(str(status), {})
        description = declared.get("description", "")
        if description in ("Validation Error", "Successful Response"):
            description = ""
        responses[str(status)] = problem_answer(
            status, authenticated=authenticated, description=description, page=is_page(route)
        )
    responses["default"] = {
        "description": "Any other error (500: a bug, logged), as a problem document",
        "content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}},
    }
    if takes_if_match(route) and not any(
        p.get("in") == "header" and p.get("name", "").lower() == "if-match"
        for p in operation.get("parameters", [])
    ):
        operation.setdefault("parameters", []).append(IF_MATCH)
    represents = route.path_format in etag_paths and bool(_methods(route) & (WRITES | {"GET"}))
    for code, answer in responses.items():
        if not code.startswith("2"):
            continue
        headers: dict[str, Any] = answer.setdefault("headers", {})
        if represents and code != "204":
            headers["ETag"] = _header("ETag")
        if code == "201" and _sets_location(route):
            headers["Location"] = _header("Location", required=True)
        if authenticated:
            headers |= {
                "RateLimit-Policy": _header("RateLimit-Policy"),
                "RateLimit": _header("RateLimit"),
            }
        if not headers:
            del answer["headers"]


def _problem_schemas(taken: dict[str, Any]) -> dict[str, Any]:
    """`problems.Problem` and `FieldError` under `PROBLEM_NAMES`, which no service may use."""
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    named = {PROBLEM_NAMES[k]: v for k, v in {**defs, "Problem": schema}.items()}
    text = json.dumps(named)
    for old, new in PROBLEM_NAMES.items():
        text = text.replace(f'/components/schemas/{old}"', f'/components/schemas/{new}"')
    clashes = set(named) & set(taken)
    if clashes:
        raise ValueError(f"a service's own schema takes the problem's name: {sorted(clashes)}")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def api_routes(app: FastAPI) -> list[APIRoute]:
    """The app's documented routes as included (prefixes, tags, dependencies merged): FastAPI
    includes routers lazily, so `app.routes` holds the routers, not their routes."""
    contexts = iter_route_contexts(app.routes)
    return [
        cast(APIRoute, c)
        for c in contexts
        if isinstance(c.original_route, APIRoute) and c.original_route.include_in_schema
    ]


def openapi_document(app: FastAPI, security: SecurityBase | None = None) -> dict[str, Any]:
    """FastAPI's document, then per route: its error answers as problems, its headers, the
    `security` credential if authenticated, and the tag list that every operation's tags come
    from."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    routes = api_routes(app)
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        servers=app.servers,
        contact=app.contact,
    )
    etag_paths = {r.path_format for r in routes if takes_if_match(r)}
    for route in routes:
        if OPEN_TAGS & set(route.tags):
            continue
        for method in _methods(route):
            operation = document["paths"][route.path_format].get(method.lower())
            if operation is None:
                continue
            # Generators put it in the client's doc comment: the summary, when the route's
            # function has no docstring of its own.
            operation.setdefault("description", f"{operation.get('summary', route.name)}.")
            _document_route(operation, route, etag_paths)
            if security is not None and is_authenticated(route):
                operation.setdefault("security", []).append({security.scheme_name: []})
    components: dict[str, Any] = document.setdefault("components", {})
    if security is not None and any(is_authenticated(r) for r in routes):
        components.setdefault("securitySchemes", {})[security.scheme_name] = jsonable_encoder(
            security.model, by_alias=True, exclude_none=True
        )
    schemas: dict[str, Any] = components.setdefault("schemas", {})
    schemas |= _problem_schemas(schemas)
    text = repr(document["paths"])
    for unused in ("HTTPValidationError", "ValidationError"):
        if f"/{unused}'" not in text:
            schemas.pop(unused, None)
    tags = sorted({str(t) for r in routes for t in r.tags})
    document["tags"] = [{"name": t, "description": f"Operations on {t}."} for t in tags]
    app.openapi_schema = document
    return document


def install_openapi(app: FastAPI, security: SecurityBase | None = None) -> None:
    """Serve `openapi_document` at `/openapi.json`; `security` documents the credential that
    the authentication middleware checks (a scheme, not a dependency: no cost per request)."""
    app.openapi = lambda: openapi_document(app, security)  # type: ignore[method-assign]
