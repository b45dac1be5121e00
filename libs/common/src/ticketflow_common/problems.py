"""RFC 9457 problem details: every error answer names what was wrong and, for input, where."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from ticketflow_common.transient import TRANSIENT_ERRORS

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Invalid input",
    428: "Precondition required",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


class FieldError(BaseModel):
    field: str
    reason: str


class Problem(BaseModel):
    """What every 4xx/5xx answer carries, as `application/problem+json`."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldError] | None = None


class ProblemError(Exception):
    """Raise anywhere in a request to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra


def not_found(detail: str) -> ProblemError:
    """404 naming what was looked for: `not_found(f"ticket {ticket_id} not found")`."""
    return ProblemError(404, detail)


def summary(errors: list[FieldError]) -> str:
    """The problem's `detail` for input errors: each field and why, in one line."""
    return "; ".join(f"{e.field}: {e.reason}" for e in errors)


def invalid_fields(errors: list[FieldError]) -> ProblemError:
    return ProblemError(422, summary(errors), errors=errors)


def invalid_field(field: str, reason: str) -> ProblemError:
    return invalid_fields([FieldError(field=field, reason=reason)])


def problem_response(
    status: int,
    detail: str | None,
    *,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body = Problem(title=TITLES.get(status, "Error"), status=status, detail=detail, errors=errors)
    content = body.model_dump(mode="json", exclude_none=True) | (extra or {})
    return JSONResponse(content, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _field_name(loc: tuple[int | str, ...], body: Any = None, *, missing: bool = False) -> str:
    """`a.b.0` for the body, `query:limit` elsewhere; schema tags pydantic adds to the location
    (`str`, `SkillLevel`, `function-after[...]` of a union member) are left out."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header"):
        where, rest = str(parts[0]), parts[1:]
        if where == "body":
            rest = _input_path(rest, body, missing=missing)
        if not rest:
            return where
        named = ".".join(str(p) for p in rest)
        return named if where == "body" else f"{where}:{named}"
    return ".".join(str(p) for p in parts)


def _input_path(loc: list[int | str], value: Any, *, missing: bool) -> list[int | str]:
    """The parts of `loc` that walk the input; for a missing field its name is the last one."""
    path: list[int | str] = []
    for position, part in enumerate(loc):
        found, child = _child(value, part)
        if found:
            value = child
        elif not (missing and position == len(loc) - 1):
            continue
        path.append(part)
    return path


def _child(value: Any, part: int | str) -> tuple[bool, Any]:
    if isinstance(value, dict) and part in value:
        return True, value[part]
    if isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
        return True, value[part]
    return False, None


def _json_reason(error: dict[str, Any], document: Any) -> str:
    """Where the JSON broke, as a person reads it (line and column), and why."""
    why = str(error.get("ctx", {}).get("error", "malformed"))
    offset = error["loc"][-1] if len(error["loc"]) > 1 else None
    if isinstance(document, str | bytes) and isinstance(offset, int):
        text = document if isinstance(document, str) else document.decode(errors="replace")
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return f"is not valid JSON: {why} (line {line}, column {column})"
    return f"is not valid JSON: {why}"


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        FieldError(field="body", reason=_json_reason(e, exc.body))
        if e.get("type") == "json_invalid"
        else FieldError(
            field=_field_name(tuple(e["loc"]), exc.body, missing=e.get("type") == "missing")
            or "body",
            reason=e["msg"],
        )
        for e in exc.errors()
    ]
    return problem_response(422, summary(errors), errors=errors)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers) if exc.headers else None
    return problem_response(exc.status_code, str(exc.detail), headers=headers)


async def _problem_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        exc.status, exc.detail, errors=exc.errors, headers=exc.headers, extra=exc.extra
    )


async def _unavailable(_request: Request, exc: Exception) -> JSONResponse:
    """Postgres or Kafka briefly away: nothing was changed, so the client may simply retry."""
    log.warning("answering 503: infrastructure unavailable", extra={"error": repr(exc)})
    return problem_response(
        503,
        "a database or the event bus is briefly unavailable; retry shortly",
        headers={"Retry-After": "1"},
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    """Last resort: a bug still answers problem+json; Starlette re-raises it afterwards, so the
    server logs its traceback once (uvicorn.error) and this line adds the route."""
    route = getattr(request.scope.get("route"), "path", "unmatched")
    log.error(
        "answering 500: unhandled error",
        extra={"method": request.method, "route": route, "error_type": type(exc).__name__},
    )
    return problem_response(500, "an unexpected error occurred; it has been logged")


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(ProblemError, _problem_error)
    for transient in TRANSIENT_ERRORS:
        app.add_exception_handler(transient, _unavailable)
    app.add_exception_handler(Exception, _unexpected)
