"""Rules' routes name a bad body field as people read it (`when.all[1].op`, `actions[0].type`),
as rule files do, instead of pydantic's dotted path with union tags in it."""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from ticketflow_automation.domain.rule_files import Refusal, field_name, input_loc
from ticketflow_common.problems import FieldError, invalid_fields


def body_refusals(exc: RequestValidationError) -> list[Refusal] | None:
    """Each body error named in brackets; None when any is not the body's (or not JSON)."""
    refusals = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        if not loc or loc[0] != "body" or error.get("type") == "json_invalid":
            return None
        inner = input_loc(loc[1:], exc.body, missing=error.get("type") == "missing")
        reason = str(error["msg"])
        if error.get("type") in ("union_tag_invalid", "union_tag_not_found"):
            inner, reason = (*inner, "type"), f"unknown action type: {reason}"
        elif "`on`" in reason and (not inner or inner[-1] == "rule"):
            inner = (*inner, "on")
        refusals.append(Refusal(field=field_name(inner) or "body", reason=reason))
    return refusals


class RuleRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def named(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                refusals = body_refusals(exc)
                if refusals is None:
                    raise
                errors = [FieldError(field=r.field, reason=r.reason) for r in refusals]
                raise invalid_fields(errors) from None

        return named
