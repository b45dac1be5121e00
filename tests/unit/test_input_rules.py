"""Every service takes input through the shared rules: InputModel bodies, bounded paging, and a
problem+json answer even for a bug."""

import importlib
import pkgutil
import typing
from collections.abc import Iterator
from datetime import datetime
from types import UnionType

import httpx
import pydantic
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from ticketflow_common.input_model import InputModel
from ticketflow_common.problems import PROBLEM_JSON, install_problem_handlers
from ticketflow_common.schema_catalog import SERVICES


def _api_routers() -> Iterator[APIRouter]:
    """Every router of every service's api package (the services the schema catalog knows)."""
    for service in SERVICES:
        package = importlib.import_module(f"ticketflow_{service}.api")
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            router = getattr(module, "router", None)
            if isinstance(router, APIRouter):
                yield router


ROUTERS: list[APIRouter] = list(_api_routers())


def _routes() -> Iterator[APIRoute]:
    for router in ROUTERS:
        yield from (r for r in router.routes if isinstance(r, APIRoute))


def _models(
    annotation: object, seen: set[type[pydantic.BaseModel]] | None = None
) -> Iterator[type[pydantic.BaseModel]]:
    """Every pydantic model reachable from a type annotation (lists, unions, dicts...), once
    each: conditions nest conditions."""
    seen = set() if seen is None else seen
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models(field.annotation, seen)
        return
    if typing.get_origin(annotation) is not None or isinstance(annotation, UnionType):
        for arg in typing.get_args(annotation):
            yield from _models(arg, seen)


def test_every_body_and_query_model_is_an_input_model_all_the_way_down() -> None:
    offenders = set()
    for route in _routes():
        params = [*route.dependant.body_params, *route.dependant.query_params]
        for param in params:
            for model in _models(param.field_info.annotation):
                if not issubclass(model, InputModel):
                    offenders.add(f"{route.path}: {model.__name__}")
    assert not offenders, sorted(offenders)
    assert sum(1 for r in _routes() if r.dependant.body_params) >= 20


def test_every_integer_query_parameter_is_bounded_on_both_sides() -> None:
    unbounded = []
    for route in _routes():
        for param in route.dependant.query_params:
            if param.field_info.annotation not in (int, int | None):
                continue
            kinds = {type(m).__name__ for m in param.field_info.metadata}
            if not {"Ge", "Le"} <= kinds:
                unbounded.append(f"{route.path}?{param.name}")
    assert not unbounded


def test_every_time_query_parameter_is_bounded() -> None:
    """A bare datetime lets 0001-01-01T00:00+14:00 through, which overflows on its way to UTC."""
    bare = [
        f"{route.path}?{param.name}"
        for route in _routes()
        for param in route.dependant.query_params
        if param.field_info.annotation in (datetime, datetime | None)
    ]
    assert not bare


async def test_an_unexpected_error_answers_problem_json_not_text() -> None:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        answer = await http.get("/boom")
    assert answer.status_code == 500
    assert answer.headers["content-type"] == PROBLEM_JSON
    assert answer.json()["status"] == 500
    assert "a bug" not in answer.text
