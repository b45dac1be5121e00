"""Dependencies of the lead and admin pages: the desk's service calls, and the refusal a
user without the role gets (the refused page, 403)."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from ticketflow_console.adapters.desk_services import DeskServices
from ticketflow_console.api.deps import ServicesDep
from ticketflow_console.api.rendering import language_for, render
from ticketflow_console.domain.catalogue import translate
from ticketflow_console.domain.sessions import Session


async def get_desk(request: Request, services: ServicesDep) -> DeskServices:
    settings = services.settings
    return DeskServices(services, settings.insights_url, settings.notify_url)


def role_refused(request: Request, session: Session, needs: str) -> HTMLResponse:
    """403 on the refused page, naming the role the page needs."""
    detail = translate(language_for(request, session), f"desk.needs_{needs}")
    return render(request, "refused.html", session=session, status_code=403, detail=detail)


DeskDep = Annotated[DeskServices, Depends(get_desk)]
