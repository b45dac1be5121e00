"""Every list a service answers with is the one page envelope (`{items, next_cursor}`), so a
client walks every list the same way."""

import typing
from collections.abc import Iterator

import pydantic
from fastapi.routing import APIRoute

from tests.unit.test_input_rules import ROUTERS
from ticketflow_common.audit_api import router as audit_router
from ticketflow_common.pagination import Page


def _get_routes() -> Iterator[APIRoute]:
    for router in [*ROUTERS, audit_router]:
        yield from (
            r for r in router.routes if isinstance(r, APIRoute) and "GET" in (r.methods or ())
        )


def _name(route: APIRoute) -> str:
    service = route.endpoint.__module__.split(".")[0].removeprefix("ticketflow_")
    return f"{service} {route.path}"


def _is_list(model: object) -> bool:
    """A bare array, or a model carrying its list beside a continuation of some other shape."""
    if typing.get_origin(model) is list:
        return True
    if isinstance(model, type) and issubclass(model, pydantic.BaseModel):
        fields = model.model_fields
        return bool({"next", "next_cursor", "next_after_sequence", "offset"} & set(fields))
    return False


def test_every_list_route_answers_a_page() -> None:
    bare = sorted(
        _name(route)
        for route in _get_routes()
        if _is_list(route.response_model)
        and not (isinstance(route.response_model, type) and issubclass(route.response_model, Page))
    )
    assert not bare, bare


def test_every_page_route_takes_a_cursor_and_a_bounded_limit() -> None:
    for route in _get_routes():
        model = route.response_model
        if not (isinstance(model, type) and issubclass(model, Page)):
            continue
        names = {p.name for p in route.dependant.query_params}
        if "cursor" not in names:
            continue  # one page by nature (a ticket's clocks): nothing to continue
        assert "limit" in names, route.path


def test_paged_routes_are_many() -> None:
    paged = [
        r
        for r in _get_routes()
        if isinstance(r.response_model, type) and issubclass(r.response_model, Page)
    ]
    assert len(paged) >= 5
