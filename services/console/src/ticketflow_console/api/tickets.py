"""A ticket's page (conversation, notes, timeline, SLA clocks, routing, suggestions) and the
changes an agent makes on it, each POSTed with the session's CSRF token."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ticketflow_console.adapters.services import Answer
from ticketflow_console.api.deps import FormDep, ServicesDep, SessionDep
from ticketflow_console.api.rendering import notice_of, refused, render
from ticketflow_console.api.session_auth import with_notice
from ticketflow_console.commands import tickets as commands

router = APIRouter(prefix="/tickets", tags=["tickets"])
TicketId = Annotated[uuid.UUID, Path()]
TEXT_LIMIT = 20_000
REASON_LIMIT = 500


@router.get("/{ticket_id}", response_class=HTMLResponse)
async def show_ticket(
    request: Request, ticket_id: TicketId, session: SessionDep, services: ServicesDep
) -> Response:
    page = await commands.ticket_page(services=services, session=session, ticket_id=str(ticket_id))
    if page is None:
        return render(request, "not_found.html", session=session, status_code=404)
    return render(
        request, "ticket.html", session=session, page=page, notice=notice_of(request),
        idempotency_key=uuid.uuid4(),
    )  # fmt: skip


@router.post("/{ticket_id}/reply")
async def submit_reply(
    request: Request, ticket_id: TicketId, session: SessionDep, form: FormDep, services: ServicesDep
) -> Response:
    body = _text(form, "body", TEXT_LIMIT)
    if isinstance(body, Answer):
        return _after(request, session, ticket_id, body)
    answer = await commands.reply(
        services=services, session=session, ticket_id=str(ticket_id), body=body
    )
    return _after(request, session, ticket_id, answer)


@router.post("/{ticket_id}/note")
async def submit_note(
    request: Request, ticket_id: TicketId, session: SessionDep, form: FormDep, services: ServicesDep
) -> Response:
    body = _text(form, "body", TEXT_LIMIT)
    if isinstance(body, Answer):
        return _after(request, session, ticket_id, body)
    answer = await commands.note(
        services=services, session=session, ticket_id=str(ticket_id), body=body
    )
    return _after(request, session, ticket_id, answer)


@router.post("/{ticket_id}/status")
async def submit_status(
    request: Request, ticket_id: TicketId, session: SessionDep, form: FormDep, services: ServicesDep
) -> Response:
    status = _text(form, "status", 50)
    if isinstance(status, Answer):
        return _after(request, session, ticket_id, status)
    answer = await commands.change_status(
        services=services, session=session, ticket_id=str(ticket_id), status=status
    )
    return _after(request, session, ticket_id, answer)


@router.post("/{ticket_id}/transfer")
async def submit_transfer(
    request: Request, ticket_id: TicketId, session: SessionDep, form: FormDep, services: ServicesDep
) -> Response:
    team, reason = _text(form, "team", 100), _text(form, "reason", REASON_LIMIT)
    for field in (team, reason):
        if isinstance(field, Answer):
            return _after(request, session, ticket_id, field)
    assert isinstance(team, str)
    assert isinstance(reason, str)
    answer = await commands.transfer(
        services=services, session=session, ticket_id=str(ticket_id), team=team, reason=reason
    )
    return _after(request, session, ticket_id, answer)


@router.post("/{ticket_id}/escalate")
async def submit_escalation(
    request: Request, ticket_id: TicketId, session: SessionDep, form: FormDep, services: ServicesDep
) -> Response:
    reason = _text(form, "reason", REASON_LIMIT)
    if isinstance(reason, Answer):
        return _after(request, session, ticket_id, reason)
    answer = await commands.escalate(
        services=services, session=session, ticket_id=str(ticket_id), reason=reason
    )
    return _after(request, session, ticket_id, answer)


@router.post("/{ticket_id}/macro")
async def submit_macro(
    request: Request, ticket_id: TicketId, session: SessionDep, form: FormDep, services: ServicesDep
) -> Response:
    try:
        macro_id = uuid.UUID(form.get("macro_id", ""))
        key = str(uuid.UUID(form.get("idempotency_key", "")))
    except ValueError:
        return _after(request, session, ticket_id, Answer(422, "macro_id: choose a macro"))
    answer = await commands.apply_macro(
        services=services, session=session, ticket_id=str(ticket_id), macro_id=macro_id, key=key
    )
    return _after(request, session, ticket_id, answer)


def _text(form: dict[str, str], field: str, limit: int) -> str | Answer:
    """The field's text, or a 422 naming the field when it is empty or too long."""
    value = form.get(field, "").strip()
    if not value:
        return Answer(422, f"{field}: required")
    if len(value) > limit:
        return Answer(422, f"{field}: at most {limit} characters")
    return value


def _after(request: Request, session: SessionDep, ticket_id: uuid.UUID, answer: Answer) -> Response:
    """Back to the ticket when the change worked; the service's refusal as a page when not."""
    if not answer.ok:
        return refused(request, session=session, status=answer.status, detail=answer.detail)
    return RedirectResponse(with_notice(f"/tickets/{ticket_id}"), status_code=303)
