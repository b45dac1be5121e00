"""Every route dependency is async: a plain `def` one runs in a thread pool on each request."""

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from ticketflow_common.web import health, require_api_token
from ticketflow_intake.api.deps import authenticate

SERVICES = ("intake", "routing", "sla", "notify", "insights")


def routers_of(service: str) -> Iterator[APIRouter]:
    package = importlib.import_module(f"ticketflow_{service}.api")
    for info in pkgutil.iter_modules(package.__path__, prefix=f"ticketflow_{service}.api."):
        module = importlib.import_module(info.name)
        yield from (v for v in vars(module).values() if isinstance(v, APIRouter))


def calls(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from calls(sub)


def runs_on_the_loop(call: Any) -> bool:
    return inspect.iscoroutinefunction(call) or inspect.iscoroutinefunction(
        getattr(call, "__call__", None)  # noqa: B004 - security schemes are callable objects
    )


@pytest.mark.parametrize("service", SERVICES)
def test_route_dependencies_and_endpoints_are_async(service: str) -> None:
    routes = [
        route
        for router in [*routers_of(service), health]
        for route in router.routes
        if isinstance(route, APIRoute)
    ]
    assert routes, f"{service} has routes"
    blocking = {
        f"{route.path}: {getattr(call, '__qualname__', call)}"
        for route in routes
        for call in [route.endpoint, *calls(route.dependant)]
        if not runs_on_the_loop(call)
    }
    assert blocking == set()


def test_the_authentication_checks_are_async() -> None:
    assert runs_on_the_loop(require_api_token)
    assert runs_on_the_loop(authenticate)
