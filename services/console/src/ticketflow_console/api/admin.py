"""Admin pages: SLA policies and calendars with a deadline preview, categories, and notify's
endpoints and subscriptions; each change is POSTed with the session's CSRF token and made
through the owning service with the admin's token."""

import re
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ticketflow_console.adapters.services import Answer, Json
from ticketflow_console.api.deps import FormDep, SessionDep
from ticketflow_console.api.desk_deps import DeskDep, role_refused
from ticketflow_console.api.rendering import notice_of, refused, render
from ticketflow_console.api.session_auth import with_notice
from ticketflow_console.commands import admin as commands
from ticketflow_console.domain.sessions import Session
from ticketflow_console.domain.times import zone_or_default

router = APIRouter(prefix="/admin", tags=["admin"])
NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
PRIORITIES = ("low", "normal", "high", "urgent")


@router.get("", response_class=HTMLResponse)
async def show_admin_home(request: Request, session: SessionDep) -> Response:
    if not commands.may_administer(session):
        return role_refused(request, session, "admin")
    return render(request, "admin/index.html", session=session)


@router.get("/sla", response_class=HTMLResponse)
async def show_sla(
    request: Request,
    session: SessionDep,
    desk: DeskDep,
    policy: Annotated[str | None, Query(max_length=100)] = None,
    start: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """Policies and calendars; `policy` and `start` (local, the user's zone) preview deadlines."""
    if not commands.may_administer(session):
        return role_refused(request, session, "admin")
    zone = ZoneInfo(zone_or_default(session.time_zone))
    starts_at = None
    if start:
        try:
            starts_at = datetime.fromisoformat(start)
        except ValueError:
            return refused(request, session=session, status=422, detail="start: a date and time")
        starts_at = starts_at if starts_at.tzinfo else starts_at.replace(tzinfo=zone)
    page = await commands.sla_page(
        desk=desk, session=session, preview_policy=policy, start=starts_at
    )
    return render(
        request, "admin/sla.html", session=session, page=page, start=start or "",
        notice=notice_of(request), priorities=PRIORITIES,
    )  # fmt: skip


@router.post("/sla/policies")
async def submit_policy(
    request: Request, session: SessionDep, form: FormDep, desk: DeskDep
) -> Response:
    if not commands.may_administer(session):
        return role_refused(request, session, "admin")
    body = policy_body(form)
    if isinstance(body, Answer):
        return refused(request, session=session, status=body.status, detail=body.detail)
    name = form.get("name", "").strip()
    answer = await commands.put_policy(desk=desk, session=session, name=name, body=body)
    return _after(request, session, answer, "/admin/sla")


@router.get("/categories", response_class=HTMLResponse)
async def show_categories(request: Request, session: SessionDep, desk: DeskDep) -> Response:
    if not commands.may_administer(session):
        return role_refused(request, session, "admin")
    found = await commands.categories(desk=desk, session=session)
    return render(
        request, "admin/categories.html", session=session, categories=found,
        priorities=PRIORITIES, notice=notice_of(request),
    )  # fmt: skip


@router.post("/categories")
async def submit_category(
    request: Request, session: SessionDep, form: FormDep, desk: DeskDep
) -> Response:
    if not commands.may_administer(session):
        return role_refused(request, session, "admin")
    key, name = form.get("key", "").strip(), form.get("name", "").strip()
    problem = _named(key, "key") or (
        None if name else Answer(422, "name: give the category a name")
    )
    if problem is not None:
        return refused(request, session=session, status=problem.status, detail=problem.detail)
    body: Json = {"name": name, "default_priority": form.get("default_priority") or "normal"}
    if team := form.get("team", "").strip():
        body["team"] = team
    answer = await commands.put_category(desk=desk, session=session, key=key, body=body)
    return _after(request, session, answer, "/admin/categories")


@router.get("/notify", response_class=HTMLResponse)
async def show_notify(request: Request, session: SessionDep, desk: DeskDep) -> Response:
    if not commands.may_administer(session):
        return role_refused(request, session, "admin")
    page = await commands.notify_page(desk=desk, session=session)
    return render(
        request, "admin/notify.html", session=session, page=page, notice=notice_of(request)
    )


@router.post("/notify/endpoints/{endpoint_id}/enabled")
async def submit_endpoint_enabled(
    request: Request,
    endpoint_id: Annotated[str, Path(max_length=64, pattern=r"^[0-9a-fA-F-]{32,36}$")],
    session: SessionDep,
    form: FormDep,
    desk: DeskDep,
) -> Response:
    if not commands.may_administer(session):
        return role_refused(request, session, "admin")
    enabled = form.get("enabled")
    if enabled not in ("true", "false"):
        return refused(request, session=session, status=422, detail="enabled: true or false")
    answer = await commands.set_endpoint_enabled(
        desk=desk, session=session, endpoint_id=endpoint_id, enabled=enabled == "true"
    )
    return _after(request, session, answer, "/admin/notify")


def policy_body(form: dict[str, str]) -> Json | Answer:
    """sla's policy document from the form (targets in minutes); a 422 naming a bad field."""
    problem = _named(form.get("name", "").strip(), "name")
    if problem is not None:
        return problem
    try:
        position = int(form.get("position", ""))
    except ValueError:
        return Answer(422, "position: a whole number")
    body: Json = {"position": position, "calendar": form.get("calendar") or "24x7"}
    if (priority := form.get("priority", "")) in PRIORITIES:
        body["priority"] = [priority]
    for metric in ("first_response", "resolution"):
        minutes = form.get(f"{metric}_minutes", "").strip()
        if not minutes:
            continue
        try:
            value = float(minutes)
        except ValueError:
            return Answer(422, f"{metric}_minutes: a number of minutes")
        if not 0 < value <= 525_600:
            return Answer(422, f"{metric}_minutes: between 0 and 525600")
        body[f"{metric}_seconds"] = value * 60
    return body


def _named(value: str, field: str) -> Answer | None:
    if not re.fullmatch(NAME_PATTERN, value) or len(value) > 100:
        return Answer(422, f"{field}: lower-case letters, digits, - and _")
    return None


def _after(request: Request, session: Session, answer: Answer, path: str) -> Response:
    if not answer.ok:
        return refused(request, session=session, status=answer.status, detail=answer.detail)
    return RedirectResponse(with_notice(path), status_code=303)
