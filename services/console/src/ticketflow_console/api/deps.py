"""Dependency aliases for the console's routes."""

from typing import Annotated

from fastapi import Depends, Request

from ticketflow_common.runtime import Runtime
from ticketflow_common.web import NowDep, PoolDep, get_runtime, get_settings
from ticketflow_console.adapters.services import Services
from ticketflow_console.api.session_auth import checked_form
from ticketflow_console.commands.live import LiveFeed, live_feed
from ticketflow_console.domain.sessions import Session
from ticketflow_console.settings import ConsoleSettings

RuntimeDep = Annotated[Runtime[ConsoleSettings], Depends(get_runtime)]
SettingsDep = Annotated[ConsoleSettings, Depends(get_settings)]


async def get_session(request: Request) -> Session:
    session: Session = request.state.session
    return session


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def get_feed(runtime: RuntimeDep) -> LiveFeed:
    return live_feed(runtime, buffer=runtime.settings.live_buffer)


SessionDep = Annotated[Session, Depends(get_session)]
ServicesDep = Annotated[Services, Depends(get_services)]
FeedDep = Annotated[LiveFeed, Depends(get_feed)]
FormDep = Annotated[dict[str, str], Depends(checked_form)]

__all__ = ["FeedDep", "FormDep", "NowDep", "PoolDep", "RuntimeDep", "ServicesDep", "SessionDep"]
